//! The cluster with its 8 NTX (`ntx_hw::cluster::Cluster`): the testbench
//! acts as the control core (through the control port only: soft clear by
//! broadcast, priority modes, staging + CMD of every NTX, DMA programming,
//! status polling), 8 NTX run different random jobs at once (each in its own
//! 16 KiB region, random priority modes), the DMA moves data between the
//! HMC vault model and a ninth region meanwhile. Final TCDM, external memory,
//! NTX STATUS/IRQ registers and interrupt lines equal the golden models
//! (`NtxModel`, the DMA twin).

use ntx_hw::params::cluster::{BANK_WORDS_LOG2, DMA_BASE, N_BANKS, N_NTX, TCDM_BASE};
use ntx_hw::params::dma::regs as dregs;
use ntx_hw::params::{ntx_base_addr, regs, NTX_BROADCAST_ADDR};
use ntx_verif::cluster_tb::{big_stack, random_region_job, random_value, ClusterTb};
use ntx_verif::model::dma::{execute, validate, Descriptor, DmaLimits};
use ntx_verif::model::hmc::HmcConfig;
use ntx_verif::model::job::Job;
use ntx_verif::model::mem::Tcdm as MemModel;
use ntx_verif::model::ntx::NtxModel;
use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rust_hdl::prelude::*;

const B: usize = N_BANKS;
const N: usize = BANK_WORDS_LOG2;
const WORDS: usize = B << N; // 128 Ki words, 512 KiB as the reference
const REGION: u32 = 0x8000; // bytes per NTX: areas A, B, C of 8 KiB
const AREA: u32 = 0x2000;
const DMA_REGION: u32 = REGION * (N_NTX as u32 - 1) + 3 * AREA; // the last NTX region's spare area
const EXT_BYTES: usize = 1 << 16;

type Tb = ClusterTb<B, N>;

fn run_cluster(seed: u64) -> Result<u64, String> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut tb = Tb::new(
        HmcConfig {
            latency: rng.gen_range(5..60),
            jitter: 2,
            bytes_per_cycle: 8,
        },
        EXT_BYTES,
        seed,
    );
    tb.hmc.mem.iter_mut().for_each(|w| *w = rng.gen());
    let mut mem = MemModel::new(WORDS * 4, 0);
    for w in 0..WORDS {
        let v = random_value(&mut rng);
        tb.uut.fabric.tcdm.poke(w, v);
        mem.write(w as u32, v);
    }
    let initial: Vec<u32> = mem.words().to_vec();
    let jobs: Vec<Job> = (0..N_NTX as u32)
        .map(|i| random_region_job(&mut rng, i * REGION, AREA, 10))
        .collect();
    let prio: Vec<u32> = (0..N_NTX).map(|_| rng.gen_range(0..3)).collect();
    let d = Descriptor {
        ext_addr: 4 * rng.gen_range(0..1024),
        tcdm_addr: TCDM_BASE + DMA_REGION + 4 * rng.gen_range(0..256),
        row_bytes: 4 * rng.gen_range(1..64),
        rows: rng.gen_range(1..6),
        ext_stride: 4 * rng.gen_range(64..128),
        tcdm_stride: 4 * rng.gen_range(64..128),
        to_ext: rng.gen_bool(0.5),
    };
    // Golden models.
    let mut models: Vec<NtxModel> = (0..N_NTX).map(|_| NtxModel::new()).collect();
    for (i, m) in models.iter_mut().enumerate() {
        assert!(m.write_reg(&mut mem, regs::CTRL, 1));
        assert!(m.write_reg(&mut mem, regs::CTRL, prio[i] << 1));
        for (w, v) in jobs[i].staging_writes() {
            assert!(m.write_reg(&mut mem, w, v));
        }
        assert!(m.write_reg(&mut mem, regs::CMD, jobs[i].cmd));
    }
    if let Some(f) = mem.fault {
        return Err(format!(
            "seed {seed:#x}: a model job left the TCDM (word {f:#x})"
        ));
    }
    let lim = DmaLimits {
        tcdm_base: TCDM_BASE,
        tcdm_bytes: (WORDS * 4) as u32,
        ext_bytes: ntx_hw::params::dma::EXT_BYTES,
    };
    assert!(validate(&d, &lim).is_ok());
    let mut tcdm_words: Vec<u32> = mem.words().to_vec();
    let mut ext_model = tb.hmc.mem.clone();
    execute(&d, &lim, &mut tcdm_words, &mut ext_model);
    // The cluster, driven through the control port only.
    tb.clear();
    tb.access(NTX_BROADCAST_ADDR + 4 * regs::CTRL, true, 1);
    for i in 0..N_NTX {
        tb.access(ntx_base_addr(i as u32) + 4 * regs::CTRL, true, prio[i] << 1);
    }
    for (r, v) in [
        (dregs::EXT_ADDR, d.ext_addr),
        (dregs::TCDM_ADDR, d.tcdm_addr),
        (dregs::ROW_BYTES, d.row_bytes),
        (dregs::ROWS, d.rows),
        (dregs::EXT_STRIDE, d.ext_stride),
        (dregs::TCDM_STRIDE, d.tcdm_stride),
        (dregs::CMD, d.to_ext as u32 | 2),
    ] {
        tb.access(DMA_BASE + 4 * r, true, v);
    }
    // Stage all jobs, then issue them back to back.
    for (i, job) in jobs.iter().enumerate() {
        let base = ntx_base_addr(i as u32);
        for (w, v) in job.staging_writes() {
            tb.access(base + 4 * w, true, v);
        }
    }
    for (i, job) in jobs.iter().enumerate() {
        tb.access(ntx_base_addr(i as u32) + 4 * regs::CMD, true, job.cmd);
    }
    let t_issue = tb.cycles;
    // Poll until every NTX is idle and the DMA is done.
    let mut busy = true;
    while busy {
        busy = false;
        for i in 0..N_NTX {
            let s = tb.access(ntx_base_addr(i as u32) + 4 * regs::STATUS, false, 0);
            if s & 0x1f != regs::STATUS_IDLE {
                busy = true;
            }
        }
        if tb.access(DMA_BASE + 4 * dregs::STATUS, false, 0) & 1 != 0 {
            busy = true;
        }
        if tb.cycles > 200_000 {
            return Err(format!(
                "seed {seed:#x}: cluster still busy after {} cycles",
                tb.cycles
            ));
        }
    }
    let ctx = format!(
        "seed {seed:#x} jobs {:?} prio {prio:?}",
        jobs.iter().map(|j| j.command()).collect::<Vec<_>>()
    );
    for i in 0..N_NTX {
        let base = ntx_base_addr(i as u32);
        let st = tb.access(base + 4 * regs::STATUS, false, 0);
        let irq = tb.access(base + 4 * regs::IRQ, false, 0);
        if st != models[i].read_reg(regs::STATUS) || irq != models[i].read_reg(regs::IRQ) {
            return Err(format!(
                "{ctx}: NTX {i} STATUS {st:#b} IRQ {irq:#b}, model {:#b} {:#b}",
                models[i].read_reg(regs::STATUS),
                models[i].read_reg(regs::IRQ)
            ));
        }
        if tb.uut.ntx_irq[i].val() != models[i].irq_line() {
            return Err(format!("{ctx}: NTX {i} interrupt line"));
        }
    }
    if tb.access(DMA_BASE + 4 * dregs::STATUS, false, 0) != 0b010 || !tb.uut.dma_irq.val() {
        return Err(format!("{ctx}: DMA did not finish cleanly"));
    }
    for w in 0..WORDS {
        let got = tb.uut.fabric.tcdm.peek(w);
        if got != tcdm_words[w] {
            let region = w * 4 / REGION as usize;
            return Err(format!(
                "{ctx}: TCDM word {w:#x} (region {region}, job {:?}): {got:#x}, model {:#x}",
                jobs.get(region).map(|j| j.command()),
                tcdm_words[w]
            ));
        }
    }
    if std::env::var_os("CLUSTER_TRACE").is_some() {
        let changed = (0..WORDS).filter(|&w| tcdm_words[w] != initial[w]).count();
        eprintln!(
            "seed {seed:#x}: {} cycles after issue, {changed} TCDM words changed, steps {:?}",
            tb.cycles - t_issue,
            jobs.iter().map(|j| j.steps()).collect::<Vec<_>>()
        );
    }
    if tb.hmc.mem != ext_model {
        return Err(format!("{ctx}: external memory differs from the DMA twin"));
    }
    Ok(tb.cycles - t_issue)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn eight_ntx_random_jobs_and_dma(seed in any::<u64>()) {
        let r = big_stack(move || run_cluster(seed));
        prop_assert!(r.is_ok(), "{}", r.err().unwrap());
    }
}

/// Verilog of the whole cluster (8 NTX): Verilator lint (strict, no
/// UNOPTFLAT, see `lint_composed`), Icarus compile, and Yosys `hierarchy -check` (every
/// module resolves, every port connects). Its parts (NTX, fabric) are
/// synthesized latch-free by their own tests; a full Yosys `synth` of the
/// cluster (the file this test leaves in `target/flow/cluster.v`) takes
/// tens of minutes on 2 cores, too long for the test suite.
#[test]
fn flow_cluster() {
    big_stack(|| {
        let mut uut: Box<ntx_hw::cluster::Cluster<4, 3>> = Box::default();
        uut.connect_all();
        let v = generate_verilog(&*uut);
        let path = ntx_verif::cluster_tb::lint_composed("cluster", &v);
        ntx_verif::flow::yosys_hierarchy_check(&path, "cluster").unwrap();
    });
}
