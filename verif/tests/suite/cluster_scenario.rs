//! The cluster scenario shared by `cluster_ntx` (rust-hdl, 512 KiB) and
//! `cluster_verilator` (Verilator, 128 KiB) on any [`ClusterDrive`]: 8 NTX
//! run different random jobs at once, each in its own region (random
//! priority modes), while the DMA moves data between the HMC vault model
//! and the last region's spare area; the cluster is driven through the
//! control port only (TCDM loaded and read back through the simulator's
//! backdoor), and the final TCDM, external memory, NTX STATUS/IRQ
//! registers and interrupt lines must equal the golden models (`NtxModel`,
//! the DMA twin).

use ntx_hw::params::cluster::{DMA_BASE, N_NTX, TCDM_BASE};
use ntx_hw::params::dma::regs as dregs;
use ntx_hw::params::{ntx_base_addr, regs, NTX_BROADCAST_ADDR};
use ntx_verif::cluster_tb::{random_region_job, random_value, ClusterDrive};
use ntx_verif::model::dma::{execute, validate, Descriptor, DmaLimits};
use ntx_verif::model::hmc::HmcConfig;
use ntx_verif::model::job::Job;
use ntx_verif::model::mem::Tcdm as MemModel;
use ntx_verif::model::ntx::NtxModel;
use rand::rngs::StdRng;
use rand::Rng;

/// Where the jobs and the DMA work in the TCDM.
#[derive(Clone, Copy, Debug)]
pub struct Layout {
    /// Bytes per NTX region: areas A, B, C and a spare one.
    pub region: u32,
    /// Bytes per area.
    pub area: u32,
}

impl Layout {
    /// The last region's spare area (the DMA's).
    pub fn dma_region(&self) -> u32 {
        self.region * (N_NTX as u32 - 1) + 3 * self.area
    }
}

/// A random DMA transfer of the spare area.
pub fn random_descriptor(rng: &mut StdRng, lay: Layout) -> Descriptor {
    Descriptor {
        ext_addr: 4 * rng.gen_range(0..1024),
        tcdm_addr: TCDM_BASE + lay.dma_region() + 4 * rng.gen_range(0..256),
        row_bytes: 4 * rng.gen_range(1..64),
        rows: rng.gen_range(1..6),
        ext_stride: 4 * rng.gen_range(64..128),
        tcdm_stride: 4 * rng.gen_range(64..128),
        to_ext: rng.gen_bool(0.5),
    }
}

/// The DMA register writes that start `d`.
pub fn dma_writes(d: &Descriptor) -> [(u32, u32); 7] {
    [
        (dregs::EXT_ADDR, d.ext_addr),
        (dregs::TCDM_ADDR, d.tcdm_addr),
        (dregs::ROW_BYTES, d.row_bytes),
        (dregs::ROWS, d.rows),
        (dregs::EXT_STRIDE, d.ext_stride),
        (dregs::TCDM_STRIDE, d.tcdm_stride),
        (dregs::CMD, d.to_ext as u32 | 2),
    ]
}

/// The DMA's limits for a TCDM of `words` words.
pub fn limits(words: usize) -> DmaLimits {
    DmaLimits {
        tcdm_base: TCDM_BASE,
        tcdm_bytes: (words * 4) as u32,
        ext_bytes: ntx_hw::params::dma::EXT_BYTES,
    }
}

/// (a) on any cluster simulator; returns the cycles from issue to idle.
/// The scenario on `tb`; returns the cycles from issue to idle. `rerun`
/// (the command that reruns this seed) goes into every error.
pub fn run_scenario<D: ClusterDrive>(
    tb: &mut D,
    seed: u64,
    rng: &mut StdRng,
    lay: Layout,
    rerun: &str,
) -> Result<u64, String> {
    let words = tb.tcdm_words();
    tb.hmc().mem.iter_mut().for_each(|w| *w = rng.gen());
    let mut mem = MemModel::new(words * 4, 0);
    let init: Vec<u32> = (0..words).map(|_| random_value(rng)).collect();
    for (w, &v) in init.iter().enumerate() {
        mem.write(w as u32, v);
    }
    let jobs: Vec<Job> = (0..N_NTX as u32)
        .map(|i| random_region_job(rng, i * lay.region, lay.area, 10))
        .collect();
    let prio: Vec<u32> = (0..N_NTX).map(|_| rng.gen_range(0..3)).collect();
    let d = random_descriptor(rng, lay);
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
    let lim = limits(words);
    assert!(validate(&d, &lim).is_ok());
    let mut tcdm_words: Vec<u32> = mem.words().to_vec();
    let mut ext_model = tb.hmc().mem.clone();
    execute(&d, &lim, &mut tcdm_words, &mut ext_model);
    // The cluster: memory loaded through the control port, then as the
    // rust-hdl test.
    tb.clear();
    tb.load(0, &init);
    tb.access(NTX_BROADCAST_ADDR + 4 * regs::CTRL, true, 1);
    for (i, p) in prio.iter().enumerate() {
        tb.access(ntx_base_addr(i as u32) + 4 * regs::CTRL, true, p << 1);
    }
    for (r, v) in dma_writes(&d) {
        tb.access(DMA_BASE + 4 * r, true, v);
    }
    for (i, job) in jobs.iter().enumerate() {
        let base = ntx_base_addr(i as u32);
        for (w, v) in job.staging_writes() {
            tb.access(base + 4 * w, true, v);
        }
    }
    for (i, job) in jobs.iter().enumerate() {
        tb.access(ntx_base_addr(i as u32) + 4 * regs::CMD, true, job.cmd);
    }
    let t_issue = tb.cycles();
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
        if tb.cycles() - t_issue > 200_000 {
            return Err(format!("seed {seed:#x}: cluster still busy"));
        }
    }
    let cycles = tb.cycles() - t_issue;
    let ctx = format!(
        "seed {seed:#x} ({rerun}) jobs {:?} prio {prio:?} dma {d:?}",
        jobs.iter().map(|j| j.command()).collect::<Vec<_>>()
    );
    for (i, m) in models.iter().enumerate() {
        let base = ntx_base_addr(i as u32);
        let st = tb.access(base + 4 * regs::STATUS, false, 0);
        let irq = tb.access(base + 4 * regs::IRQ, false, 0);
        if st != m.read_reg(regs::STATUS) || irq != m.read_reg(regs::IRQ) {
            return Err(format!(
                "{ctx}: NTX {i} STATUS {st:#b} IRQ {irq:#b}, model {:#b} {:#b}",
                m.read_reg(regs::STATUS),
                m.read_reg(regs::IRQ)
            ));
        }
        if tb.ntx_irq(i) != m.irq_line() {
            return Err(format!("{ctx}: NTX {i} interrupt line"));
        }
    }
    if tb.access(DMA_BASE + 4 * dregs::STATUS, false, 0) != 0b010 || !tb.dma_irq() {
        return Err(format!("{ctx}: DMA did not finish cleanly"));
    }
    let got = tb.read_words(0, words);
    for (w, (&g, &e)) in got.iter().zip(&tcdm_words).enumerate() {
        if g != e {
            let region = w * 4 / lay.region as usize;
            return Err(format!(
                "{ctx}: TCDM word {w:#x} (region {region}, job {:?}): {g:#x}, model {e:#x}",
                jobs.get(region).map(|j| j.command())
            ));
        }
    }
    if tb.hmc().mem != ext_model {
        return Err(format!("{ctx}: external memory differs from the DMA twin"));
    }
    Ok(cycles)
}

/// A random HMC vault timing.
pub fn vault(rng: &mut StdRng) -> HmcConfig {
    HmcConfig {
        latency: rng.gen_range(5..60),
        jitter: 2,
        bytes_per_cycle: 8,
    }
}
