//! The whole cluster (`ntx_hw::cluster::Cluster`, 8 NTX) compiled by
//! Verilator (`VerilatedCluster`), in one bank configuration (32 banks of
//! 1 Ki words, as `ntx bench cluster-conv --banks 32`; one model build,
//! cached in target/verilator: the first run after a change of the cluster's
//! Verilog spends 1-5 minutes building it (depending on the machine's load),
//! later runs about 20 s for the whole file):
//!
//! (a) the scenario of [`crate::cluster_scenario`] (also run on rust-hdl
//!     by `cluster_ntx`) at 128 KiB: 8 NTX run different random jobs at
//!     once (each in its own 16 KiB region, random priority modes) while
//!     the DMA moves data between the HMC vault model and a spare area;
//!     final TCDM, external memory, NTX STATUS/IRQ registers and interrupt
//!     lines equal the golden models;
//! (b) co-simulation: the rust-hdl testbench `ClusterTb` and the Verilator
//!     model driven in lock step with identical stimulus (control-port
//!     writes and reads, DMA, 8 short random jobs, status polling) give
//!     identical outputs (control port, external port, interrupts) in
//!     every cycle.

use crate::cluster_scenario::{dma_writes, random_descriptor, run_scenario, vault, Layout};
use ntx_hw::params::cluster::{DMA_BASE, N_NTX, TCDM_BASE};
use ntx_hw::params::dma::regs as dregs;
use ntx_hw::params::{ntx_base_addr, regs, NTX_BROADCAST_ADDR};
use ntx_verif::cluster_tb::{
    big_stack, random_region_job, random_value, ClusterDrive, ClusterPins, ClusterTb,
};
use ntx_verif::model::hmc::HmcConfig;
use ntx_verif::model::job::Job;
use ntx_verif::verilator::cluster::VerilatedCluster;
use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const B: usize = 32;
const N: usize = 10;
const WORDS: usize = B << N; // 32 Ki words, 128 KiB
const REGION: u32 = 0x4000; // bytes per NTX: areas A, B, C (+ a spare one)
const AREA: u32 = 0x1000;
const LAYOUT: Layout = Layout {
    region: REGION,
    area: AREA,
};
const EXT_BYTES: usize = 1 << 16;

type Vc = VerilatedCluster<B, N>;

fn model(cfg: HmcConfig, seed: u64) -> Vc {
    Vc::new(cfg, EXT_BYTES, seed).unwrap_or_else(|e| panic!("Verilator cluster model: {}", e.0))
}

fn scenario_on_verilator(seed: u64) -> Result<u64, String> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut tb = model(vault(&mut rng), seed);
    let t0 = std::time::Instant::now();
    let rerun = format!(
        "reproduce: CLUSTER_VL_SEED={seed:#x} cargo test --release -p ntx-verif --test suite \
         cluster_verilator::verilator_scenario_fixed_or_env_seed"
    );
    let r = run_scenario(&mut tb, seed, &mut rng, LAYOUT, &rerun);
    eprintln!(
        "seed {seed:#x}: {} cycles in {:.2} s ({:.0} cycles/s), build/load {:.1} s (cached: {})",
        tb.cycles,
        t0.elapsed().as_secs_f64(),
        tb.cycles as f64 / t0.elapsed().as_secs_f64(),
        tb.model.build_info().seconds,
        tb.model.build_info().cached
    );
    r
}

/// A seed from `CLUSTER_VL_SEED` (decimal or 0x hex) reruns one case.
fn env_seed() -> Option<u64> {
    let s = std::env::var("CLUSTER_VL_SEED").ok()?;
    let s = s.trim();
    Some(match s.strip_prefix("0x") {
        Some(h) => u64::from_str_radix(h, 16).expect("CLUSTER_VL_SEED"),
        None => s.parse().expect("CLUSTER_VL_SEED"),
    })
}

/// (a) for one fixed seed, or the seed in `CLUSTER_VL_SEED` (reproducer).
#[test]
fn verilator_scenario_fixed_or_env_seed() {
    let seed = env_seed().unwrap_or(1);
    let r = scenario_on_verilator(seed);
    assert!(r.is_ok(), "{}", r.err().unwrap());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 5, failure_persistence: None, ..ProptestConfig::default() })]

    /// (a) Verilator cluster against the golden models.
    #[test]
    fn verilator_eight_ntx_random_jobs_and_dma(seed in any::<u64>()) {
        let r = scenario_on_verilator(seed);
        prop_assert!(r.is_ok(), "{}", r.err().unwrap());
    }
}

/// The model build reports no Verilator warning at all: in particular no UNOPTFLAT, the false loop a
/// master's grant-reading request logic used to close through the
/// interconnect.
#[test]
fn build_is_warning_free() {
    let tb = model(HmcConfig::default(), 0);
    let log = std::fs::read_to_string(tb.model.build_info().dir.join("build.log")).unwrap();
    let warnings: Vec<&str> = log
        .lines()
        .filter(|l| l.starts_with("%Warning") || l.starts_with("%Error"))
        .collect();
    assert!(warnings.is_empty(), "{}", warnings.join("\n"));
    assert!(log.contains("g++"), "build log without the compile steps?");
}

/// Both simulators, one set of stimulus, outputs compared every cycle.
struct Lockstep {
    hdl: ClusterTb<B, N>,
    vl: Vc,
    /// Compared cycles.
    checked: u64,
    seed: u64,
}

impl Lockstep {
    /// One cycle with these control-port inputs; the outputs of both
    /// simulators must agree. Returns them.
    fn step(&mut self, req: bool, addr: u32, we: bool, wdata: u32) -> ClusterPins {
        self.hdl.set_core(req, addr, we, wdata);
        self.vl.set_core(req, addr, we, wdata);
        let a = self.hdl.pins();
        let b = self.vl.pins();
        assert_eq!(
            a, b,
            "seed {:#x} (rerun with CLUSTER_VL_SEED=<seed> cargo test --release -p ntx-verif \
             --test suite cluster_verilator::lockstep) cycle {}: rust-hdl (left) and Verilator (right) differ",
            self.seed, self.checked
        );
        ClusterDrive::tick(&mut self.hdl);
        ClusterDrive::tick(&mut self.vl);
        self.checked += 1;
        let (h, v) = (&self.hdl.hmc, &self.vl.hmc);
        assert_eq!(
            (h.reads, h.writes, h.outstanding()),
            (v.reads, v.writes, v.outstanding()),
            "seed {:#x} cycle {}: vault traffic differs",
            self.seed,
            self.checked
        );
        a
    }

    /// A control-port access through [`Self::step`]; `idle` cycles with no
    /// request follow. Returns the read data.
    fn access(&mut self, addr: u32, we: bool, wdata: u32, idle: u32) -> u32 {
        let mut waited = 0;
        while !self.step(true, addr, we, wdata).core_gnt {
            waited += 1;
            assert!(waited < 100_000, "access {addr:#x} never granted");
        }
        let r = self.step(false, 0, false, 0);
        assert!(r.core_rvalid, "response one cycle after the grant");
        for _ in 0..idle {
            self.step(false, 0, false, 0);
        }
        r.core_rdata
    }
}

fn lockstep(seed: u64, cycles: u64) {
    let mut rng = StdRng::seed_from_u64(seed);
    let cfg = vault(&mut rng);
    let mut ls = Lockstep {
        hdl: ClusterTb::new(cfg, EXT_BYTES, seed),
        vl: model(cfg, seed),
        checked: 0,
        seed,
    };
    let ext: Vec<u32> = (0..EXT_BYTES / 4).map(|_| rng.gen()).collect();
    ls.hdl.hmc.mem.clone_from(&ext);
    ls.vl.hmc.mem = ext;
    ls.vl.set_core(false, 0, false, 0);
    // clear in both
    ClusterDrive::clear(&mut ls.hdl);
    ClusterDrive::clear(&mut ls.vl);
    let jobs: Vec<Job> = (0..N_NTX as u32)
        .map(|i| random_region_job(&mut rng, i * REGION, AREA, 4))
        .collect();
    // Operands near each job's bases (back to back and with gaps).
    for i in 0..N_NTX {
        for g in 0..2 {
            let lo = (i as u32 * REGION + g * AREA + AREA / 2) / 4;
            for w in lo..lo + 48 {
                let v = random_value(&mut rng);
                let idle = rng.gen_range(0..2);
                ls.access(TCDM_BASE + 4 * w, true, v, idle);
            }
        }
    }
    ls.access(NTX_BROADCAST_ADDR + 4 * regs::CTRL, true, 1, 0);
    for i in 0..N_NTX {
        let p = rng.gen_range(0..3);
        ls.access(ntx_base_addr(i as u32) + 4 * regs::CTRL, true, p << 1, 0);
    }
    let d = random_descriptor(&mut rng, LAYOUT);
    for (r, v) in dma_writes(&d) {
        ls.access(DMA_BASE + 4 * r, true, v, 0);
    }
    for (i, job) in jobs.iter().enumerate() {
        for (w, v) in job.staging_writes() {
            ls.access(ntx_base_addr(i as u32) + 4 * w, true, v, 0);
        }
    }
    for (i, job) in jobs.iter().enumerate() {
        ls.access(ntx_base_addr(i as u32) + 4 * regs::CMD, true, job.cmd, 0);
    }
    // Run with random polling and TCDM reads until `cycles` are compared.
    while ls.checked < cycles {
        match rng.gen_range(0..4) {
            0 => {
                let i = rng.gen_range(0..N_NTX as u32);
                let r = [regs::STATUS, regs::IRQ][rng.gen_range(0..2)];
                ls.access(ntx_base_addr(i) + 4 * r, false, 0, 0);
            }
            1 => {
                ls.access(DMA_BASE + 4 * dregs::STATUS, false, 0, 0);
            }
            2 => {
                let w = rng.gen_range(0..WORDS as u32);
                ls.access(TCDM_BASE + 4 * w, false, 0, rng.gen_range(0..3));
            }
            _ => {
                for _ in 0..rng.gen_range(1..20) {
                    ls.step(false, 0, false, 0);
                }
            }
        }
    }
    // Then until the NTX and the DMA are idle; the final memories agree too
    // (backdoor on rust-hdl, control port on Verilator).
    // A second transfer in the other direction, so that both directions of
    // the external port are compared in every run.
    let mut busy = true;
    for second in [false, true] {
        if second {
            let mut d2 = random_descriptor(&mut rng, LAYOUT);
            d2.to_ext = !d.to_ext;
            for (r, v) in dma_writes(&d2) {
                ls.access(DMA_BASE + 4 * r, true, v, 0);
            }
            busy = true;
        }
        while busy {
            busy = ls.access(DMA_BASE + 4 * dregs::STATUS, false, 0, 0) & 1 != 0;
            for i in 0..N_NTX as u32 {
                let s = ls.access(ntx_base_addr(i) + 4 * regs::STATUS, false, 0, 0);
                busy |= s & 0x1f != regs::STATUS_IDLE;
            }
            assert!(ls.checked < 100_000, "seed {seed:#x}: still busy");
        }
    }
    assert!(ls.hdl.hmc.reads > 0 && ls.hdl.hmc.writes > 0);
    let a = ClusterDrive::read_words(&mut ls.hdl, 0, WORDS);
    let b = ClusterDrive::read_words(&mut ls.vl, 0, WORDS);
    assert!(a == b, "seed {seed:#x}: final TCDM differs");
    assert!(
        ls.hdl.hmc.mem == ls.vl.hmc.mem,
        "seed {seed:#x}: final vault differs"
    );
    eprintln!(
        "lock step seed {seed:#x}: {} cycles compared, vault reads {} writes {}",
        ls.checked, ls.hdl.hmc.reads, ls.hdl.hmc.writes
    );
}

/// (b) rust-hdl and Verilator in lock step.
#[test]
fn lockstep_rust_hdl_and_verilator() {
    let seed = env_seed().unwrap_or_else(|| rand::thread_rng().gen());
    eprintln!("lock step seed {seed:#x} (rerun with CLUSTER_VL_SEED={seed:#x})");
    big_stack(move || lockstep(seed, 3000));
}
