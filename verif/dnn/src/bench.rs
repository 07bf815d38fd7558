//! `ntx bench dnn`: per-kernel utilisation of the 8-NTX cluster on
//! realistic layer shapes, measured on the RTL cluster (Verilator, 32
//! banks, HMC vault with 40-cycle latency), each checked bit for bit
//! against the golden cluster model.
//!
//! Each case is the kernel library's own plan (tiles chosen for the 128 KiB
//! TCDM, double-buffered DMA from external memory, jobs over the 8 NTX) of
//! a slice of a real layer: a few whole tiles, so the RTL run takes
//! seconds. Cycles run from the first command to the end of the last
//! write-back (register programming, DMA, barriers included); utilisation =
//! NTX steps / (8 x cycles), Gflop/s = flops / cycles x 1.25 GHz.

use super::exec::{Driven, Executor};
use super::kernels::*;
use super::{ExtAlloc, Program, Tensor, TCDM_WORDS};
use crate::cluster_tb::ClusterDrive;
use crate::model::cluster::ClusterModel;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::time::Instant;

/// One benchmark case.
pub struct Case {
    pub name: &'static str,
    /// What slice of which layer it is.
    pub what: &'static str,
    pub prog: Program,
    /// Initial external memory.
    pub ext: Vec<u32>,
}

fn mem(a: &ExtAlloc, rng: &mut StdRng) -> Vec<u32> {
    (0..a.next as usize / 4)
        .map(|_| rng.gen_range(-1.0f32..1.0).to_bits())
        .collect()
}

/// Zero the padding border of `t` in `ext`.
fn zero_border(ext: &mut [u32], t: &Tensor) {
    let base = t.addr as usize / 4;
    for n in 0..t.n * t.c {
        for y in 0..t.hp() {
            for x in 0..t.wp() {
                let inside = y >= t.pad && y < t.pad + t.h && x >= t.pad && x < t.pad + t.w;
                if !inside {
                    ext[base + (n * t.hp() + y) * t.wp() + x] = 0;
                }
            }
        }
    }
}

/// The benchmark cases.
pub fn cases() -> Result<Vec<Case>, String> {
    let mut v = vec![];
    let b = TCDM_WORDS;
    let rng = &mut StdRng::seed_from_u64(7);
    {
        let mut a = ExtAlloc::default();
        let x = a.tensor(1, 64, 4, 56, 1);
        let w = a.words(64 * 64 * 9);
        let bias = a.words(64);
        let y = a.tensor(1, 8, 4, 56, 0);
        let mut p = Program::default();
        p.kernel("conv.fwd");
        conv_fwd(&mut p, &x, w, bias, &y, 3, 1, b)?;
        let mut ext = mem(&a, rng);
        zero_border(&mut ext, &x);
        v.push(Case {
            name: "conv3x3 fwd 64->64 @56x56",
            what: "4 tiles (8 of 64 output channels x 1 output row each)",
            prog: p,
            ext,
        });
    }
    {
        let mut a = ExtAlloc::default();
        let x = a.tensor(1, 16, 16, 16, 1);
        let w = a.words(8 * 16 * 9);
        let bias = a.words(8);
        let y = a.tensor(1, 8, 16, 16, 0);
        let mut p = Program::default();
        p.kernel("conv.fwd");
        conv_fwd(&mut p, &x, w, bias, &y, 3, 1, b)?;
        let mut ext = mem(&a, rng);
        zero_border(&mut ext, &x);
        v.push(Case {
            name: "conv3x3 fwd 16->8 @16x16",
            what: "the spec-9 experiment's shape, 1 tile, with DMA and bias",
            prog: p,
            ext,
        });
    }
    {
        let mut a = ExtAlloc::default();
        let x = a.tensor(2, 16, 16, 16, 1);
        let dy = a.tensor(2, 16, 16, 16, 0);
        let w = a.words(16 * 16 * 9);
        let dw = a.words(16 * 16 * 9);
        let db = a.words(16);
        let dx = a.tensor(2, 16, 16, 16, 0);
        let mut p = Program::default();
        p.kernel("conv.bwd_data");
        conv_bwd_data(&mut p, &dy, w, &dx, 3, 1, 1, b)?;
        let mut q = Program::default();
        q.kernel("conv.bwd_w");
        conv_bwd_weights(&mut q, &x, &dy, dw, db, 3, 1, b)?;
        let mut ext = mem(&a, rng);
        zero_border(&mut ext, &x);
        v.push(Case {
            name: "conv3x3 bwd_data 16->16 @16x16",
            what: "2 images (2 tiles)",
            prog: p,
            ext: ext.clone(),
        });
        v.push(Case {
            name: "conv3x3 bwd_w 16->16 @16x16",
            what: "2 images summed (2 tiles)",
            prog: q,
            ext,
        });
    }
    {
        let (n, ni, no) = (16, 1024, 64);
        let mut a = ExtAlloc::default();
        let x = a.tensor(n, ni, 1, 1, 0);
        let w = a.words(no * ni);
        let bias = a.words(no);
        let y = a.tensor(n, no, 1, 1, 0);
        let dx = a.tensor(n, ni, 1, 1, 0);
        let dw = a.words(no * ni);
        let db = a.words(no);
        let ext = mem(&a, rng);
        let mut p = Program::default();
        p.kernel("fc.fwd");
        fc_fwd(&mut p, &x, w, bias, &y, b)?;
        v.push(Case {
            name: "FC fwd 1024->1024, batch 16",
            what: "64 of 1024 output neurons",
            prog: p,
            ext: ext.clone(),
        });
        let mut p = Program::default();
        p.kernel("fc.bwd_data");
        fc_bwd_data(&mut p, &y, w, &dx, b)?;
        let _ = dx;
        v.push(Case {
            name: "FC bwd_data 1024->1024, batch 16",
            what: "the contribution of 64 of 1024 output neurons",
            prog: p,
            ext: ext.clone(),
        });
        let mut p = Program::default();
        p.kernel("fc.bwd_w");
        fc_bwd_weights(&mut p, &x, &y, dw, db, b)?;
        v.push(Case {
            name: "FC bwd_w 1024->1024, batch 16",
            what: "64 of 1024 output neurons",
            prog: p,
            ext,
        });
    }
    Ok(v)
}

/// Result of one case on a cycle-level cluster.
#[derive(Clone, Debug)]
pub struct CaseRun {
    pub name: &'static str,
    pub what: &'static str,
    pub cycles: u64,
    pub steps: u64,
    pub flops: u64,
    pub jobs: u64,
    pub dma_words: u64,
}

impl CaseRun {
    /// NTX steps / (8 x cycles).
    pub fn utilisation(&self) -> f64 {
        self.steps as f64 / (8.0 * self.cycles as f64)
    }
}

/// Run `c` on the golden model and on `tb`; the external memories must be
/// equal afterwards.
pub fn run_case<D: ClusterDrive>(tb: &mut D, c: &Case) -> Result<CaseRun, String> {
    let mut m = ClusterModel::new(TCDM_WORDS * 4, c.ext.len() * 4, 0);
    m.ext.copy_from_slice(&c.ext);
    Executor::new().run(&mut m, &c.prog)?;
    if tb.hmc().mem.len() < c.ext.len() {
        return Err(format!("{}: external memory too small", c.name));
    }
    tb.hmc().mem[..c.ext.len()].copy_from_slice(&c.ext);
    tb.clear();
    let runs = Executor::new().run(&mut Driven(tb), &c.prog)?;
    let got = &tb.hmc().mem[..c.ext.len()];
    if let Some(w) = (0..c.ext.len()).find(|&w| got[w] != m.ext[w]) {
        return Err(format!(
            "{}: external word {w:#x}: RTL {:#010x}, model {:#010x}",
            c.name, got[w], m.ext[w]
        ));
    }
    let k = &c.prog.kernels[0];
    Ok(CaseRun {
        name: c.name,
        what: c.what,
        cycles: runs.iter().map(|r| r.cycles).sum(),
        steps: k.steps,
        flops: k.flops,
        jobs: k.jobs,
        dma_words: k.dma_words,
    })
}

/// `ntx bench dnn` (Verilator only: cycles need the RTL).
pub fn run(backend: &str) -> Result<(), String> {
    use crate::model::hmc::HmcConfig;
    use crate::verilator::cluster::VerilatedCluster;
    if backend != "verilator" {
        return Err("ntx bench dnn runs on the RTL cluster: --backend verilator".into());
    }
    let cs = cases()?;
    let ext = cs.iter().map(|c| c.ext.len()).max().unwrap_or(0) * 4;
    println!("DNN kernels on the RTL cluster (Verilator, 8 NTX, 32 banks, 128 KiB TCDM, HMC latency 40); outputs checked against the golden model");
    let t0 = Instant::now();
    let mut tb: VerilatedCluster<32, 10> =
        VerilatedCluster::new(HmcConfig::default(), ext.next_multiple_of(4096), 1)
            .map_err(|e| e.0)?;
    println!("model ready in {:.1} s", t0.elapsed().as_secs_f64());
    println!(
        "| kernel | slice | NTX jobs | DMA words | cycles | utilisation of 8 NTX | Gflop/s at 1.25 GHz |"
    );
    println!("|---|---|---|---|---|---|---|");
    let mut line = String::new();
    for c in &cs {
        let r = run_case(&mut tb, c)?;
        println!(
            "| {} | {} | {} | {} | {} | {:.1} % | {:.2} |",
            r.name,
            r.what,
            r.jobs,
            r.dma_words,
            r.cycles,
            100.0 * r.utilisation(),
            r.flops as f64 / r.cycles as f64 * super::train::CLOCK_GHZ
        );
        line += &format!(
            "{}={:.1}% ",
            r.name
                .split_whitespace()
                .take(2)
                .collect::<Vec<_>>()
                .join("_"),
            100.0 * r.utilisation()
        );
    }
    println!("{}", line.trim_end());
    Ok(())
}
