//! DMA engine (`ntx_hw::dma::Dma`) against its functional twin
//! (`ntx_verif::model::dma`) with the behavioural HMC vault
//! (`ntx_verif::model::hmc`) on the external port and a randomly stalling
//! TCDM slave: random 1-D and 2-D transfers in both directions with random
//! vault latency, jitter and bandwidth; malformed descriptors rejected
//! without any memory access; the tool flow.

use ntx_hw::dma::Dma;
use ntx_hw::params::cluster::TCDM_BASE;
use ntx_hw::params::dma::{err, regs};
use ntx_verif::model::dma::{execute, validate, Descriptor, DmaLimits};
use ntx_verif::model::hmc::{ExtReq, HmcConfig, HmcVault};
use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rust_hdl::prelude::*;

const TCDM_BYTES: u32 = 4096;
const EXT_BYTES: u32 = 1 << 16;
const LIM: DmaLimits = DmaLimits {
    tcdm_base: TCDM_BASE,
    tcdm_bytes: TCDM_BYTES,
    ext_bytes: EXT_BYTES,
};

fn cycle<const D: usize>(uut: &mut Dma<D>) {
    uut.clock.next = Clock { clk: true };
    assert!(simulate(uut, 1000), "no convergence");
    uut.clock.next = Clock { clk: false };
    assert!(simulate(uut, 1000), "no convergence");
}

fn idle_inputs<const D: usize>(uut: &mut Dma<D>) {
    uut.regs.req.next = false;
    uut.tcdm.gnt.next = false;
    uut.tcdm.r_valid.next = false;
    uut.ext.gnt.next = false;
    uut.ext.rvalid.next = false;
}

fn write_reg<const D: usize>(uut: &mut Dma<D>, off: u32, v: u32) {
    uut.regs.req.next = true;
    uut.regs.we.next = true;
    uut.regs.addr.next = (off as u64).into();
    uut.regs.wdata.next = (v as u64).into();
    assert!(simulate(uut, 1000));
    assert!(uut.regs.gnt.val());
    cycle(uut);
    uut.regs.req.next = false;
}

fn read_reg<const D: usize>(uut: &mut Dma<D>, off: u32) -> u32 {
    uut.regs.req.next = true;
    uut.regs.we.next = false;
    uut.regs.addr.next = (off as u64).into();
    assert!(simulate(uut, 1000));
    assert!(uut.regs.gnt.val());
    cycle(uut);
    uut.regs.req.next = false;
    assert!(simulate(uut, 1000));
    uut.regs.rdata.val().to_u32()
}

#[derive(Debug)]
struct Outcome {
    status: u32,
    cycles: u64,
}

/// Program `d`, run it to completion with the vault `cfg` and a TCDM that
/// grants with probability `gnt_permille`; compare everything with the model.
fn run<const D: usize>(
    seed: u64,
    d: Descriptor,
    cfg: HmcConfig,
    gnt_permille: u32,
    irq_en: bool,
) -> Result<Outcome, String> {
    let ctx = format!("seed {seed:#x} {d:?} {cfg:?} gnt {gnt_permille}");
    let mut rng = StdRng::seed_from_u64(seed);
    let mut uut: Box<Dma<D>> = Box::new(Dma::new(TCDM_BYTES, EXT_BYTES));
    uut.connect_all();
    idle_inputs(&mut uut);
    uut.clear.next = true;
    cycle(&mut uut);
    uut.clear.next = false;
    let mut vault = HmcVault::new(cfg, EXT_BYTES as usize, seed ^ 0x5a5a);
    vault.mem.iter_mut().for_each(|w| *w = rng.gen());
    let mut tcdm: Vec<u32> = (0..TCDM_BYTES / 4).map(|_| rng.gen()).collect();
    let (mut m_tcdm, mut m_ext) = (tcdm.clone(), vault.mem.clone());
    let expect = validate(&d, &LIM);
    let moved = match expect {
        Ok(()) => execute(&d, &LIM, &mut m_tcdm, &mut m_ext),
        Err(_) => 0,
    };
    write_reg(&mut uut, regs::EXT_ADDR, d.ext_addr);
    write_reg(&mut uut, regs::TCDM_ADDR, d.tcdm_addr);
    write_reg(&mut uut, regs::ROW_BYTES, d.row_bytes);
    write_reg(&mut uut, regs::ROWS, d.rows);
    write_reg(&mut uut, regs::EXT_STRIDE, d.ext_stride);
    write_reg(&mut uut, regs::TCDM_STRIDE, d.tcdm_stride);
    if read_reg(&mut uut, regs::ROW_BYTES) != d.row_bytes
        || read_reg(&mut uut, regs::TCDM_STRIDE) != d.tcdm_stride
    {
        return Err(format!("{ctx}: register read-back"));
    }
    write_reg(&mut uut, regs::CMD, d.to_ext as u32 | (irq_en as u32) << 1);
    let mut pending: Option<u32> = None; // TCDM read data due this cycle
    let (mut tcdm_acc, mut ext_acc) = (0u64, 0u64);
    let mut cycles = 0u64;
    let limit = 1000 + 8 * d.rows as u64 + moved * (8 + cfg.latency as u64 + cfg.jitter as u64);
    loop {
        // Poll STATUS every cycle through the register port.
        uut.regs.req.next = true;
        uut.regs.we.next = false;
        uut.regs.addr.next = (regs::STATUS as u64).into();
        let ext = vault.outputs();
        uut.ext.gnt.next = ext.gnt;
        uut.ext.rvalid.next = ext.rvalid;
        uut.ext.rdata.next = (ext.rdata as u64).into();
        let tgnt = rng.gen_range(0..1000) < gnt_permille;
        uut.tcdm.gnt.next = tgnt;
        uut.tcdm.r_valid.next = pending.is_some();
        uut.tcdm.r_rdata.next = (pending.unwrap_or(0xdead_beef) as u64).into();
        assert!(simulate(&mut *uut, 1000));
        pending = None;
        if uut.tcdm.req.val() && tgnt {
            tcdm_acc += 1;
            let a = uut.tcdm.addr.val().to_u32();
            if !a.is_multiple_of(4) || a < TCDM_BASE || a - TCDM_BASE >= TCDM_BYTES {
                return Err(format!("{ctx}: TCDM access out of range {a:#x}"));
            }
            if uut.tcdm.be.val().to_u32() != 0xf {
                return Err(format!("{ctx}: partial TCDM access"));
            }
            let w = ((a - TCDM_BASE) / 4) as usize;
            if uut.tcdm.we.val() {
                tcdm[w] = uut.tcdm.wdata.val().to_u32();
            } else {
                pending = Some(tcdm[w]);
            }
        }
        let ereq = if uut.ext.req.val() {
            let a = uut.ext.addr.val().to_u32();
            if !a.is_multiple_of(4) || a >= EXT_BYTES {
                return Err(format!("{ctx}: external access out of range {a:#x}"));
            }
            if ext.gnt {
                ext_acc += 1;
            }
            Some(ExtReq {
                addr: a,
                we: uut.ext.we.val(),
                wdata: uut.ext.wdata.val().to_u32(),
            })
        } else {
            None
        };
        vault.edge(ereq);
        cycle(&mut uut);
        cycles += 1;
        let st = uut.regs.rdata.val().to_u32();
        if cycles > 2 && st & 1 == 0 {
            break;
        }
        if cycles > limit {
            return Err(format!("{ctx}: still busy after {cycles} cycles"));
        }
    }
    uut.regs.req.next = false;
    assert!(simulate(&mut *uut, 1000));
    let status = read_reg(&mut uut, regs::STATUS);
    let irq = uut.irq.val();
    match expect {
        Ok(()) => {
            if status != 0b010 {
                return Err(format!("{ctx}: status {status:#b}, expected done"));
            }
            if tcdm_acc != moved || ext_acc != moved {
                return Err(format!(
                    "{ctx}: {tcdm_acc} TCDM / {ext_acc} external accesses for {moved} words"
                ));
            }
        }
        Err(code) => {
            if status != (0b100 | code << 4) {
                return Err(format!("{ctx}: status {status:#b}, expected error {code}"));
            }
            if tcdm_acc + ext_acc != 0 {
                return Err(format!("{ctx}: rejected descriptor accessed memory"));
            }
        }
    }
    if irq != irq_en {
        return Err(format!("{ctx}: irq {irq} with enable {irq_en}"));
    }
    if tcdm != m_tcdm {
        let w = (0..tcdm.len()).find(|&i| tcdm[i] != m_tcdm[i]).unwrap();
        return Err(format!(
            "{ctx}: TCDM word {w}: {:#x} model {:#x}",
            tcdm[w], m_tcdm[w]
        ));
    }
    if vault.mem != m_ext {
        let w = (0..m_ext.len())
            .find(|&i| vault.mem[i] != m_ext[i])
            .unwrap();
        return Err(format!(
            "{ctx}: external word {w}: {:#x} model {:#x}",
            vault.mem[w], m_ext[w]
        ));
    }
    // Clearing done / error drops the interrupt.
    write_reg(&mut uut, regs::STATUS, 0b110);
    assert!(simulate(&mut *uut, 1000));
    if uut.irq.val() || read_reg(&mut uut, regs::STATUS) != 0 {
        return Err(format!("{ctx}: STATUS write did not clear"));
    }
    Ok(Outcome { status, cycles })
}

/// A random descriptor: valid 1-D or 2-D, or malformed in one of several ways.
fn descriptor(rng: &mut StdRng) -> Descriptor {
    let two_d = rng.gen_bool(0.6);
    let words = rng.gen_range(1..=24u32);
    let rows = if two_d { rng.gen_range(2..=8u32) } else { 1 };
    let rb = 4 * words;
    let span = |total: u32, rng: &mut StdRng| -> (u32, u32) {
        // stride >= 0 with all rows inside `total` bytes
        let max_stride = (total - rb) / rows.max(2).saturating_sub(1).max(1);
        let stride = 4 * rng.gen_range(0..=(max_stride / 4).min(64));
        let used = stride * (rows - 1) + rb;
        (4 * rng.gen_range(0..=(total - used) / 4), stride)
    };
    let (e, es) = span(EXT_BYTES, rng);
    let (t, ts) = span(TCDM_BYTES, rng);
    let mut d = Descriptor {
        ext_addr: e,
        tcdm_addr: TCDM_BASE + t,
        row_bytes: rb,
        rows,
        ext_stride: es,
        tcdm_stride: ts,
        to_ext: rng.gen_bool(0.5),
    };
    match rng.gen_range(0..14) {
        0 => d.row_bytes = 0,
        1 => d.rows = 0,
        2 => d.ext_addr += rng.gen_range(1..4),
        3 => d.tcdm_stride += rng.gen_range(1..4),
        4 => d.row_bytes += rng.gen_range(1..4),
        5 => d.tcdm_addr = TCDM_BASE - 4 * rng.gen_range(1..8),
        6 => d.tcdm_addr = TCDM_BASE + TCDM_BYTES - 4 * rng.gen_range(0..4),
        7 => d.ext_addr = EXT_BYTES - 4 * rng.gen_range(0..4),
        8 => {
            d.rows = rng.gen_range(2..6);
            d.ext_stride = 0u32.wrapping_sub(4 * rng.gen_range(1..4)); // wraps
        }
        9 => {
            d.rows = rng.gen_range(2..6);
            d.tcdm_stride = TCDM_BYTES / 2 + 4 * rng.gen_range(0..64);
        }
        _ => {}
    }
    d
}

fn vault_strategy() -> impl Strategy<Value = HmcConfig> {
    (1..90u32, prop_oneof![Just(0u32), 0..20u32], 1..17u32).prop_map(|(latency, jitter, bpc)| {
        HmcConfig {
            latency,
            jitter,
            bytes_per_cycle: bpc,
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, failure_persistence: None, ..ProptestConfig::default() })]

    /// Small FIFO (8 words): reads throttled by the FIFO, random stalls.
    #[test]
    fn random_transfers_fifo8(seed in any::<u64>(), cfg in vault_strategy(),
                              gnt in prop_oneof![Just(1000u32), 100..1000u32], irq in any::<bool>()) {
        let d = descriptor(&mut StdRng::seed_from_u64(seed));
        let r = run::<8>(seed, d, cfg, gnt, irq);
        prop_assert!(r.is_ok(), "{}", r.err().unwrap());
        if std::env::var_os("DMA_TRACE").is_some() { eprintln!("{d:?} -> {:?}", r.unwrap()); }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, failure_persistence: None, ..ProptestConfig::default() })]

    /// The cluster's FIFO depth.
    #[test]
    fn random_transfers_fifo64(seed in any::<u64>(), cfg in vault_strategy(),
                               gnt in prop_oneof![Just(1000u32), 300..1000u32]) {
        let d = descriptor(&mut StdRng::seed_from_u64(seed));
        let r = run::<64>(seed, d, cfg, gnt, true);
        prop_assert!(r.is_ok(), "{}", r.err().unwrap());
    }
}

fn valid(to_ext: bool) -> Descriptor {
    Descriptor {
        ext_addr: 0x100,
        tcdm_addr: TCDM_BASE + 0x40,
        row_bytes: 64,
        rows: 4,
        ext_stride: 256,
        tcdm_stride: 80,
        to_ext,
    }
}

#[test]
fn malformed_descriptors_are_rejected() {
    let cfg = HmcConfig::default();
    let cases: Vec<(Descriptor, u32)> = vec![
        (
            Descriptor {
                row_bytes: 0,
                ..valid(false)
            },
            err::ZERO_SIZE,
        ),
        (
            Descriptor {
                rows: 0,
                ..valid(true)
            },
            err::ZERO_SIZE,
        ),
        (
            Descriptor {
                ext_addr: 0x102,
                ..valid(false)
            },
            err::UNALIGNED,
        ),
        (
            Descriptor {
                tcdm_addr: TCDM_BASE + 1,
                ..valid(true)
            },
            err::UNALIGNED,
        ),
        (
            Descriptor {
                row_bytes: 62,
                ..valid(false)
            },
            err::UNALIGNED,
        ),
        (
            Descriptor {
                ext_stride: 254,
                ..valid(false)
            },
            err::UNALIGNED,
        ),
        (
            Descriptor {
                tcdm_addr: TCDM_BASE - 4,
                ..valid(false)
            },
            err::TCDM_RANGE,
        ),
        (
            Descriptor {
                tcdm_stride: (TCDM_BYTES / 3) & !3,
                ..valid(true)
            },
            err::TCDM_RANGE,
        ),
        (
            Descriptor {
                ext_addr: EXT_BYTES - 32,
                ..valid(false)
            },
            err::EXT_RANGE,
        ),
        (
            Descriptor {
                ext_stride: 0xffff_fff0,
                ..valid(true)
            },
            err::EXT_RANGE,
        ),
        (
            Descriptor {
                tcdm_stride: 0x8000_0000,
                ..valid(true)
            },
            err::TCDM_RANGE,
        ),
    ];
    for (i, (d, code)) in cases.into_iter().enumerate() {
        assert_eq!(validate(&d, &LIM), Err(code), "model, case {i}");
        let o = run::<8>(i as u64, d, cfg, 1000, true).unwrap();
        assert_eq!(o.status >> 4, code, "case {i}");
    }
}

#[test]
fn busy_dma_rejects_a_second_command() {
    let mut uut: Box<Dma<8>> = Box::new(Dma::new(TCDM_BYTES, EXT_BYTES));
    uut.connect_all();
    idle_inputs(&mut uut);
    let d = valid(false);
    write_reg(&mut uut, regs::ROW_BYTES, d.row_bytes);
    write_reg(&mut uut, regs::ROWS, d.rows);
    write_reg(&mut uut, regs::TCDM_ADDR, d.tcdm_addr);
    write_reg(&mut uut, regs::CMD, 0);
    assert_eq!(read_reg(&mut uut, regs::STATUS) & 1, 1, "busy (no grants)");
    write_reg(&mut uut, regs::CMD, 0);
    assert_eq!(read_reg(&mut uut, regs::STATUS), 1 | 0b100 | err::BUSY << 4);
}

#[test]
fn full_bandwidth_streaming() {
    // 1 KiB in, vault at 8 B/cycle and 40 cycles latency, 64-word FIFO:
    // one word per cycle after the latency.
    let d = Descriptor {
        row_bytes: 1024,
        rows: 1,
        ..valid(false)
    };
    let o = run::<64>(7, d, HmcConfig::default(), 1000, false).unwrap();
    println!("256 words in {} cycles", o.cycles);
    assert!(o.cycles < 256 + 40 + 20, "{} cycles", o.cycles);
}

#[test]
fn flow_dma() {
    let mut uut: Dma<8> = Dma::new(TCDM_BYTES, EXT_BYTES);
    uut.connect_all();
    let rep = ntx_verif::flow::check_block("dma", &generate_verilog(&uut)).unwrap();
    println!("dma (8-word FIFO): {rep:?}");
}
