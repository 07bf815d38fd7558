//! Cluster tests. `fabric_*`: the cluster without NTX
//! (`ntx_hw::cluster::ClusterFabric`), its 16 NTX TCDM ports driven by
//! randomized masters, its NTX register ports answered by behavioural
//! register slaves that stall at random, the DMA on the HMC vault model and
//! the control port driven like the control core (TCDM, DMA, NTX windows,
//! broadcast, unmapped). Checked: every interconnect grant and read datum
//! against the interconnect twin (with the levels the NTX priority modes
//! imply), the DMA result against the DMA twin, every register access
//! reaching exactly the right NTX exactly once (broadcast: each NTX once),
//! control-port responses, final memories; and the tool flow.

use ntx_hw::cluster::ClusterFabric;
use ntx_hw::params::cluster::{
    CORE_LEVEL, CORE_MASTER, DMA_BASE, DMA_MASTER, NTX_MASTERS, N_MASTERS, N_NTX, PRIO_WINDOW,
    TCDM_BASE,
};
use ntx_hw::params::dma::regs as dregs;
use ntx_hw::params::{ntx_base_addr, NTX_BROADCAST_ADDR};
use ntx_verif::model::dma::{execute, validate, Descriptor, DmaLimits};
use ntx_verif::model::hmc::{ExtReq, HmcConfig, HmcVault};
use ntx_verif::model::xbar::{Req, XbarModel};
use ntx_verif::traffic::{Master, PATTERNS};
use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rust_hdl::prelude::*;
use std::collections::VecDeque;

const B: usize = 32;
const N: usize = 6;
const WORDS: usize = B << N; // 2048 words, 8 KiB
const REGION_NTX: usize = 1024; // words 0..1024: NTX-port masters
const REGION_DMA: u32 = 4096; // bytes 4096..6144: DMA destination / source
const REGION_CORE: u32 = 6144; // bytes 6144..8192: core

type Fabric = ClusterFabric<B, N>;
const TRAFFIC_CYCLES: u64 = 1500;

#[derive(Clone, Copy, Debug)]
enum Op {
    Tcdm {
        off: u32,
        we: bool,
        be: u8,
        wdata: u32,
    },
    Dma {
        reg: u32,
        we: bool,
        val: u32,
    },
    Ntx {
        ntx: Option<usize>,
        off: u32,
        we: bool,
        val: u32,
    },
    Unmapped {
        addr: u32,
        we: bool,
    },
}

impl Op {
    fn addr(&self) -> u32 {
        match *self {
            Op::Tcdm { off, .. } => TCDM_BASE + off,
            Op::Dma { reg, .. } => DMA_BASE + 4 * reg,
            Op::Ntx {
                ntx: Some(i), off, ..
            } => ntx_base_addr(i as u32) + off,
            Op::Ntx { ntx: None, off, .. } => NTX_BROADCAST_ADDR + off,
            Op::Unmapped { addr, .. } => addr,
        }
    }
    fn we(&self) -> bool {
        match *self {
            Op::Tcdm { we, .. }
            | Op::Dma { we, .. }
            | Op::Ntx { we, .. }
            | Op::Unmapped { we, .. } => we,
        }
    }
    fn wdata(&self) -> u32 {
        match *self {
            Op::Tcdm { wdata, .. } => wdata,
            Op::Dma { val, .. } | Op::Ntx { val, .. } => val,
            Op::Unmapped { .. } => 0x1234_5678,
        }
    }
}

/// Behavioural NTX register slave: 32 words, random stalls, access log.
struct RegSlave {
    regs: [u32; 32],
    log: Vec<(u32, u32)>,
    gnt_permille: u32,
    rdata: u32,
}

fn cycle(uut: &mut Fabric) {
    uut.clock.next = Clock { clk: true };
    assert!(simulate(uut, 2000), "no convergence");
    uut.clock.next = Clock { clk: false };
    assert!(simulate(uut, 2000), "no convergence");
}

/// Level of an interconnect master in a cycle with window counter `w`, from
/// the NTX priority modes (spec 2), independently of the RTL.
fn level(m: usize, modes: &[u32; N_NTX], w: u32) -> u8 {
    if m >= 2 * N_NTX {
        return CORE_LEVEL as u8;
    }
    match modes[m / 2] {
        0 => CORE_LEVEL as u8 + 1,
        2 if w != PRIO_WINDOW - 1 => CORE_LEVEL as u8 + 1,
        2 => CORE_LEVEL as u8 - 1,
        _ => CORE_LEVEL as u8,
    }
}

fn run_fabric(seed: u64, idle: u32, vault: HmcConfig) -> Result<u64, String> {
    let ctx = format!("seed {seed:#x} idle {idle} {vault:?}");
    let mut rng = StdRng::seed_from_u64(seed);
    let mut uut: Box<Fabric> = Box::default();
    uut.connect_all();
    let mut model = XbarModel::new(N_MASTERS, B, WORDS);
    for w in 0..WORDS {
        let v: u32 = rng.gen();
        uut.tcdm.poke(w, v);
        model.mem[w] = v;
    }
    let mut hmc = HmcVault::new(vault, 1 << 16, seed);
    hmc.mem.iter_mut().for_each(|w| *w = rng.gen());
    let modes: [u32; N_NTX] = std::array::from_fn(|_| rng.gen_range(0..4));
    let mut slaves: Vec<RegSlave> = (0..N_NTX)
        .map(|_| RegSlave {
            regs: std::array::from_fn(|_| rng.gen()),
            log: vec![],
            gnt_permille: rng.gen_range(200..1001),
            rdata: 0,
        })
        .collect();
    let mut expect_log: Vec<Vec<(u32, u32)>> = vec![vec![]; N_NTX];
    let pattern = PATTERNS[rng.gen_range(0..PATTERNS.len())];
    let mut masters: Vec<Master> = (0..2 * N_NTX)
        .map(|m| Master::new(m, pattern, B, REGION_NTX, idle, seed.wrapping_add(m as u64)))
        .collect();
    // DMA descriptor inside its region (random direction, 1-D or 2-D).
    let rows = rng.gen_range(1..5u32);
    let rb = 4 * rng.gen_range(1..33u32);
    let d = Descriptor {
        ext_addr: 4 * rng.gen_range(0..4096),
        tcdm_addr: TCDM_BASE + REGION_DMA + 4 * rng.gen_range(0..32),
        row_bytes: rb,
        rows,
        ext_stride: rb + 4 * rng.gen_range(0..16),
        tcdm_stride: rb + 4 * rng.gen_range(0..8),
        to_ext: rng.gen_bool(0.5),
    };
    let lim = DmaLimits {
        tcdm_base: TCDM_BASE,
        tcdm_bytes: (WORDS * 4) as u32,
        ext_bytes: ntx_hw::params::dma::EXT_BYTES,
    };
    assert!(
        validate(&d, &lim).is_ok()
            && d.tcdm_addr + (rows - 1) * d.tcdm_stride + rb <= TCDM_BASE + REGION_CORE
    );
    let mut ops: VecDeque<Op> = VecDeque::new();
    for (reg, val) in [
        (dregs::EXT_ADDR, d.ext_addr),
        (dregs::TCDM_ADDR, d.tcdm_addr),
        (dregs::ROW_BYTES, d.row_bytes),
        (dregs::ROWS, d.rows),
        (dregs::EXT_STRIDE, d.ext_stride),
        (dregs::TCDM_STRIDE, d.tcdm_stride),
    ] {
        ops.push_back(Op::Dma { reg, we: true, val });
    }
    ops.push_back(Op::Dma {
        reg: dregs::ROW_BYTES,
        we: false,
        val: d.row_bytes,
    });
    ops.push_back(Op::Dma {
        reg: dregs::CMD,
        we: true,
        val: d.to_ext as u32 | 2,
    });
    for _ in 0..120 {
        let we = rng.gen_bool(0.5);
        ops.push_back(match rng.gen_range(0..10) {
            0..=3 => Op::Tcdm {
                off: REGION_CORE + 4 * rng.gen_range(0..512),
                we,
                be: rng.gen_range(1..16),
                wdata: rng.gen(),
            },
            4..=6 => Op::Ntx {
                ntx: Some(rng.gen_range(0..N_NTX)),
                off: 4 * rng.gen_range(0..32),
                we,
                val: rng.gen(),
            },
            7 | 8 => Op::Ntx {
                ntx: None,
                off: 4 * rng.gen_range(0..32),
                we,
                val: rng.gen(),
            },
            _ => Op::Unmapped {
                addr: [0x0, 0x1020_0000, 0x1020_4C80, 0x2000_0000][rng.gen_range(0..4)],
                we,
            },
        });
    }
    let dma_model = {
        let mut t: Vec<u32> = model.mem.clone();
        let mut e = hmc.mem.clone();
        execute(&d, &lim, &mut t, &mut e);
        (t, e)
    };
    // Reset.
    uut.clear.next = true;
    cycle(&mut uut);
    uut.clear.next = false;
    let mut window = 0u32;
    // Expected core response: Some(Some(v)) read with known value, Some(None) any.
    let mut core_expect: Option<Option<u32>> = None;
    let mut core_tcdm_pending = false;
    let mut dma_done = false;
    let mut polling = false;
    let mut last_op: Option<Op> = None;
    let mut t = 0u64;
    let mut urgent = [false; NTX_MASTERS];
    loop {
        // Inputs from the testbench side.
        // The NTX-port traffic stops after a while (NTX above the core can
        // starve it by design, priority mode 00), keeping its last requests.
        let reqs: Vec<Option<Req>> = masters
            .iter_mut()
            .map(|m| {
                if t < TRAFFIC_CYCLES {
                    m.request()
                } else {
                    m.cur
                }
            })
            .collect();
        for (j, r) in reqs.iter().enumerate() {
            let r = r.unwrap_or(Req {
                addr: 0,
                we: false,
                be: 0,
                wdata: 0,
            });
            uut.ntx_tcdm[j].req.next = reqs[j].is_some();
            uut.ntx_tcdm[j].addr.next = (r.addr as u64).into();
            uut.ntx_tcdm[j].we.next = r.we;
            uut.ntx_tcdm[j].be.next = (r.be as u64).into();
            uut.ntx_tcdm[j].wdata.next = (r.wdata as u64).into();
            urgent[j] = rng.gen_range(0..1000) < 300;
            uut.ntx_tcdm[j].urgent.next = urgent[j];
        }
        for i in 0..N_NTX {
            uut.ntx_prio[i].next = (modes[i] as u64).into();
            uut.ntx_reg[i].gnt.next = rng.gen_range(0..1000) < slaves[i].gnt_permille;
            uut.ntx_reg[i].rdata.next = (slaves[i].rdata as u64).into();
        }
        let op = ops.front().copied();
        uut.core.req.next = op.is_some();
        if let Some(op) = op {
            uut.core.addr.next = (op.addr() as u64).into();
            uut.core.we.next = op.we();
            uut.core.be.next = (match op {
                Op::Tcdm { be, .. } => be as u64,
                _ => 15,
            })
            .into();
            uut.core.wdata.next = (op.wdata() as u64).into();
        }
        let ext = hmc.outputs();
        uut.ext.gnt.next = ext.gnt;
        uut.ext.rvalid.next = ext.rvalid;
        uut.ext.rdata.next = (ext.rdata as u64).into();
        assert!(simulate(&mut *uut, 2000), "no convergence");
        // Interconnect: all 18 masters against the twin.
        let all: Vec<Option<Req>> = (0..N_MASTERS)
            .map(|m| {
                uut.tcdm.m[m].req.val().then(|| Req {
                    addr: uut.tcdm.m[m].addr.val().to_u32(),
                    we: uut.tcdm.m[m].we.val(),
                    be: uut.tcdm.m[m].be.val().to_u32() as u8,
                    wdata: uut.tcdm.m[m].wdata.val().to_u32(),
                })
            })
            .collect();
        let lv: Vec<u8> = (0..N_MASTERS).map(|m| level(m, &modes, window)).collect();
        // NTX ports: the hints driven above; core and DMA: always urgent.
        let urg: Vec<bool> = (0..N_MASTERS)
            .map(|m| if m < NTX_MASTERS { urgent[m] } else { true })
            .collect();
        let exp = model.cycle_urgent(&all, &lv, &urg);
        for m in 0..N_MASTERS {
            if uut.tcdm.m[m].gnt.val() != exp.gnt[m] || uut.tcdm.m[m].r_valid.val() != exp.rvalid[m]
            {
                return Err(format!("{ctx}: cycle {t} master {m}: gnt/rvalid differ from the twin (modes {modes:?})"));
            }
            if let Some(v) = exp.rdata[m] {
                if uut.tcdm.m[m].r_rdata.val().to_u32() != v {
                    return Err(format!(
                        "{ctx}: cycle {t} master {m}: read data differs from the twin"
                    ));
                }
            }
        }
        for j in 0..2 * N_NTX {
            if uut.ntx_tcdm[j].gnt.val() != exp.gnt[j]
                || uut.ntx_tcdm[j].r_valid.val() != exp.rvalid[j]
            {
                return Err(format!(
                    "{ctx}: cycle {t}: NTX port {j} not wired to its master"
                ));
            }
            masters[j].granted(exp.gnt[j]);
        }
        // Control-port response to last cycle's grant.
        if uut.core.r_valid.val() != core_expect.is_some() {
            return Err(format!(
                "{ctx}: cycle {t}: core r_valid {} expected {:?} (op {:?})",
                uut.core.r_valid.val(),
                core_expect,
                last_op
            ));
        }
        let rdata = uut.core.r_rdata.val().to_u32();
        if core_tcdm_pending {
            if exp.rdata[CORE_MASTER].is_some_and(|v| v != rdata) {
                return Err(format!("{ctx}: cycle {t}: core TCDM read {rdata:#x}"));
            }
        } else if let Some(Some(v)) = core_expect {
            if rdata != v {
                return Err(format!(
                    "{ctx}: cycle {t}: core read {rdata:#x}, expected {v:#x}"
                ));
            }
        }
        if polling && core_expect.is_some() && rdata & 1 == 0 {
            dma_done = true;
            if rdata != 0b010 {
                return Err(format!("{ctx}: DMA status {rdata:#b}"));
            }
            if !uut.dma_irq.val() {
                return Err(format!("{ctx}: DMA interrupt missing"));
            }
        }
        core_expect = None;
        core_tcdm_pending = false;
        // Register slaves see their ports.
        let mut next_rdata: Vec<u32> = slaves.iter().map(|s| s.rdata).collect();
        for i in 0..N_NTX {
            if uut.ntx_reg[i].req.val() && uut.ntx_reg[i].gnt.val() {
                // the NTX register port takes word offsets
                let word = uut.ntx_reg[i].addr.val().to_u32();
                if word >= 32 {
                    return Err(format!(
                        "{ctx}: NTX {i} word offset {word} outside the window"
                    ));
                }
                if uut.ntx_reg[i].we.val() {
                    let v = uut.ntx_reg[i].wdata.val().to_u32();
                    slaves[i].regs[word as usize] = v;
                    slaves[i].log.push((4 * word, v));
                } else {
                    next_rdata[i] = slaves[i].regs[word as usize];
                }
            }
        }
        if let Some(op) = op {
            if uut.core.gnt.val() {
                ops.pop_front();
                last_op = Some(op);
                core_expect = Some(None);
                match op {
                    Op::Tcdm { .. } => core_tcdm_pending = true,
                    Op::Dma {
                        we: false,
                        val,
                        reg,
                    } if reg != dregs::STATUS => core_expect = Some(Some(val)),
                    Op::Ntx {
                        ntx,
                        off,
                        we: true,
                        val,
                    } => match ntx {
                        Some(i) => expect_log[i].push((off, val)),
                        None => expect_log.iter_mut().for_each(|l| l.push((off, val))),
                    },
                    Op::Ntx {
                        ntx,
                        off,
                        we: false,
                        ..
                    } => {
                        core_expect = Some(Some(next_rdata[ntx.unwrap_or(0)]));
                        let _ = off;
                    }
                    Op::Unmapped { we: false, .. } => core_expect = Some(Some(0)),
                    _ => {}
                }
            }
        } else if !dma_done {
            polling = true;
            ops.push_back(Op::Dma {
                reg: dregs::STATUS,
                we: false,
                val: 0,
            });
        }
        for i in 0..N_NTX {
            slaves[i].rdata = next_rdata[i];
        }
        // Vault.
        let ereq = uut.ext.req.val().then(|| ExtReq {
            addr: uut.ext.addr.val().to_u32(),
            we: uut.ext.we.val(),
            wdata: uut.ext.wdata.val().to_u32(),
        });
        hmc.edge(ereq);
        cycle(&mut uut);
        window = (window + 1) % PRIO_WINDOW;
        t += 1;
        if dma_done && ops.is_empty() && core_expect.is_none() {
            break;
        }
        if t > 10_000 {
            return Err(format!(
                "{ctx}: no completion (ops left {}, dma done {dma_done})",
                ops.len()
            ));
        }
    }
    for i in 0..N_NTX {
        if slaves[i].log != expect_log[i] {
            return Err(format!(
                "{ctx}: NTX {i} register writes {:?}, expected {:?}",
                slaves[i].log, expect_log[i]
            ));
        }
    }
    for w in 0..WORDS {
        if uut.tcdm.peek(w) != model.mem[w] {
            return Err(format!(
                "{ctx}: TCDM word {w} differs from the interconnect twin"
            ));
        }
    }
    // The DMA's region and the external memory against the DMA twin.
    let (dt, de) = dma_model;
    for w in (REGION_DMA / 4) as usize..(REGION_CORE / 4) as usize {
        if model.mem[w] != dt[w] {
            return Err(format!(
                "{ctx}: DMA region word {w}: {:#x}, DMA twin {:#x}",
                model.mem[w], dt[w]
            ));
        }
    }
    if hmc.mem != de {
        return Err(format!("{ctx}: external memory differs from the DMA twin"));
    }
    let _ = DMA_MASTER;
    Ok(t)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn fabric_random(seed in any::<u64>(), idle in prop_oneof![Just(0u32), 0..900u32],
                     latency in 1..60u32, bpc in 2..12u32) {
        let r = run_fabric(seed, idle, HmcConfig { latency, jitter: 3, bytes_per_cycle: bpc });
        prop_assert!(r.is_ok(), "{}", r.err().unwrap());
    }
}

#[test]
fn flow_fabric() {
    let mut uut: Box<ClusterFabric<4, 3>> = Box::default();
    uut.connect_all();
    let rep = ntx_verif::cluster_tb::flow_composed("cluster_fabric", &generate_verilog(&*uut));
    println!("cluster fabric (4 banks x 8 words): {rep:?}");
}
