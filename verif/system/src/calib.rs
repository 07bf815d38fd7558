//! Calibration of the cluster model ([`super::cluster`]) against the RTL
//! cluster on Verilator: the kernel library's own command lists for small
//! tiles of every kernel type (and, in `ntx system --calibrate`, the
//! `ntx bench dnn` slices and one digits-CNN training step), run on the RTL
//! (results checked against the golden model) and replayed by the model.

use super::cluster::program_cycles;
use super::params::Params;
use crate::cluster_tb::ClusterDrive;
use crate::dnn::bench::{run_case, Case};
use crate::dnn::kernels::*;
use crate::dnn::{ExtAlloc, Program, Tensor, TCDM_WORDS};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn mem(a: &ExtAlloc, seed: u64) -> Vec<u32> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..a.next as usize / 4)
        .map(|_| rng.gen_range(-1.0f32..1.0).to_bits())
        .collect()
}

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

fn case(name: &'static str, what: &'static str, prog: Program, ext: Vec<u32>) -> Case {
    Case {
        name,
        what,
        prog,
        ext,
    }
}

/// Small tiles of every kernel type (conv fwd at two strides and channel
/// counts, conv backward data and weights, FC forward and both backward,
/// ReLU both ways, max pooling both ways, SGD), each a few thousand to
/// some 10,000 cycles on the RTL.
pub fn tiles() -> Result<Vec<Case>, String> {
    let b = TCDM_WORDS;
    let mut v = vec![];
    // conv fwd, stride 1 and 2, padded input.
    for (name, ci, co, h, k, s) in [
        ("conv fwd 8->8 k3 s1 @12x12 b1", 8, 8, 12, 3, 1),
        ("conv fwd 4->16 k3 s2 @16x16 b1", 4, 16, 16, 3, 2),
        ("conv fwd 16->8 k1 s1 @8x8 b2", 16, 8, 8, 1, 1),
    ] {
        let n = if k == 1 { 2 } else { 1 };
        let pad = k / 2;
        let mut a = ExtAlloc::default();
        let x = a.tensor(n, ci, h, h, pad);
        let w = a.words(co * ci * k * k);
        let bias = a.words(co);
        let oh = conv_out(h, pad, k, s);
        let y = a.tensor(n, co, oh, oh, 0);
        let mut p = Program::default();
        p.kernel("conv.fwd");
        conv_fwd(&mut p, &x, w, bias, &y, k, s, b)?;
        let mut ext = mem(&a, 1);
        zero_border(&mut ext, &x);
        v.push(case(name, "conv_fwd", p, ext));
    }
    {
        let (n, ci, co, h) = (2, 8, 8, 8);
        let mut a = ExtAlloc::default();
        let x = a.tensor(n, ci, h, h, 1);
        let dy = a.tensor(n, co, h, h, 0);
        let w = a.words(co * ci * 9);
        let dw = a.words(co * ci * 9);
        let db = a.words(co);
        let dx = a.tensor(n, ci, h, h, 0);
        let mut p = Program::default();
        p.kernel("conv.bwd_data");
        conv_bwd_data(&mut p, &dy, w, &dx, 3, 1, 1, b)?;
        let mut q = Program::default();
        q.kernel("conv.bwd_w");
        conv_bwd_weights(&mut q, &x, &dy, dw, db, 3, 1, b)?;
        let mut ext = mem(&a, 2);
        zero_border(&mut ext, &x);
        v.push(case(
            "conv bwd_data 8->8 k3 @8x8 b2",
            "conv_bwd_data",
            p,
            ext.clone(),
        ));
        v.push(case(
            "conv bwd_w 8->8 k3 @8x8 b2",
            "conv_bwd_weights",
            q,
            ext,
        ));
    }
    {
        let (n, ni, no) = (8, 256, 32);
        let mut a = ExtAlloc::default();
        let x = a.tensor(n, ni, 1, 1, 0);
        let w = a.words(no * ni);
        let bias = a.words(no);
        let y = a.tensor(n, no, 1, 1, 0);
        let dx = a.tensor(n, ni, 1, 1, 0);
        let dw = a.words(no * ni);
        let db = a.words(no);
        let ext = mem(&a, 3);
        let mut p = Program::default();
        p.kernel("fc.fwd");
        fc_fwd(&mut p, &x, w, bias, &y, b)?;
        v.push(case("fc fwd 256->32 b8", "fc_fwd", p, ext.clone()));
        let mut p = Program::default();
        p.kernel("fc.bwd_data");
        fc_bwd_data(&mut p, &y, w, &dx, b)?;
        v.push(case(
            "fc bwd_data 256->32 b8",
            "fc_bwd_data",
            p,
            ext.clone(),
        ));
        let mut p = Program::default();
        p.kernel("fc.bwd_w");
        fc_bwd_weights(&mut p, &x, &y, dw, db, b)?;
        v.push(case("fc bwd_w 256->32 b8", "fc_bwd_weights", p, ext));
    }
    {
        let mut a = ExtAlloc::default();
        let x = a.tensor(1, 16, 16, 16, 0);
        let y = a.tensor(1, 16, 16, 16, 0);
        let dx = a.tensor(1, 16, 16, 16, 0);
        let yp = a.tensor(1, 16, 8, 8, 0);
        let idx = a.words(16 * 64);
        let dyp = a.tensor(1, 16, 8, 8, 0);
        let w = a.words(4096);
        let g = a.words(4096);
        let lr = a.words(1);
        let mut ext = mem(&a, 4);
        // Valid argmax indices for the pooling backward.
        for i in 0..16 * 64 {
            ext[idx as usize / 4 + i] = (i % 4) as u32;
        }
        let mut p = Program::default();
        p.kernel("relu.fwd");
        relu_fwd(&mut p, &x, &y, b)?;
        v.push(case("relu fwd 4096", "relu_fwd", p, ext.clone()));
        let mut p = Program::default();
        p.kernel("relu.bwd");
        relu_bwd(&mut p, &x, &y, &dx, b)?;
        v.push(case("relu bwd 4096", "relu_bwd", p, ext.clone()));
        let mut p = Program::default();
        p.kernel("pool.fwd");
        maxpool_fwd(&mut p, &x, &yp, idx, 2, b)?;
        v.push(case(
            "maxpool fwd 16x16x16 2x2",
            "maxpool_fwd",
            p,
            ext.clone(),
        ));
        let mut p = Program::default();
        p.kernel("pool.bwd");
        maxpool_bwd(&mut p, &dyp, idx, &dx, 2, b)?;
        v.push(case(
            "maxpool bwd 16x16x16 2x2",
            "maxpool_bwd",
            p,
            ext.clone(),
        ));
        let mut p = Program::default();
        p.kernel("sgd");
        sgd(&mut p, w, g, lr, 4096, b)?;
        v.push(case("sgd 4096", "sgd", p, ext));
    }
    Ok(v)
}

/// One calibration row.
#[derive(Clone, Debug)]
pub struct CalRow {
    pub name: String,
    pub rtl: u64,
    pub model: f64,
}

impl CalRow {
    /// Relative error of the model (model / RTL - 1).
    pub fn error(&self) -> f64 {
        self.model / self.rtl as f64 - 1.0
    }
}

/// Split a multi-kernel program into one program per kernel (commands from
/// each `Kernel` mark to the next).
pub fn split_kernels(prog: &Program) -> Vec<Program> {
    let mut out: Vec<Program> = vec![];
    for c in &prog.cmds {
        match c {
            crate::dnn::Cmd::Kernel(k) => {
                let mut p = Program::default();
                p.kernel(&prog.kernels[*k].name);
                out.push(p);
            }
            c => {
                if out.is_empty() {
                    out.push(Program::default());
                }
                out.last_mut().unwrap().cmds.push(c.clone());
            }
        }
    }
    out
}

/// The digits-step kernels as separate programs with their committed RTL
/// cycles (host kernels, 0 cycles, dropped), for fitting (each starts with
/// unknown staging registers: a few more writes than in the whole step).
pub fn digits_data() -> Result<Vec<(String, Program, u64)>, String> {
    use crate::dnn::train::{parse_cycles, STEP_CYCLES_CSV};
    let table = parse_cycles(STEP_CYCLES_CSV)?;
    let batch = table
        .first()
        .map(|r| r.batch)
        .ok_or("empty step_cycles.csv")?;
    let progs = split_kernels(&crate::dnn::net::Net::new(batch).train_step()?);
    if progs.len() != table.len() {
        return Err(format!(
            "step_cycles.csv has {} kernels, the step {}",
            table.len(),
            progs.len()
        ));
    }
    Ok(progs
        .into_iter()
        .zip(&table)
        .filter(|(_, r)| r.cycles > 0)
        .map(|(p, r)| (format!("digits step: {}", r.kernel), p, r.cycles))
        .collect())
}

/// Model cycles of a single-kernel program.
pub fn model_cycles(p: &Params, prog: &Program) -> f64 {
    program_cycles(p, prog).iter().sum()
}

/// Run `cases` on the RTL cluster `tb` (each checked against the golden
/// model) and on the model.
pub fn run<D: ClusterDrive>(p: &Params, tb: &mut D, cases: &[Case]) -> Result<Vec<CalRow>, String> {
    let mut out = vec![];
    for c in cases {
        let r = run_case(tb, c)?;
        out.push(CalRow {
            name: c.name.to_string(),
            rtl: r.cycles,
            model: model_cycles(p, &c.prog),
        });
    }
    Ok(out)
}

/// The digits CNN training step (batch 16) against the committed RTL table
/// `verif/data/dnn/step_cycles.csv` (no simulation needed).
pub fn digits_step(p: &Params) -> Result<Vec<CalRow>, String> {
    use crate::dnn::train::{parse_cycles, STEP_CYCLES_CSV};
    let table = parse_cycles(STEP_CYCLES_CSV)?;
    let batch = table
        .first()
        .map(|r| r.batch)
        .ok_or("empty step_cycles.csv")?;
    // The whole step in one replay: the staging registers the executor
    // knows carry over from kernel to kernel, as on the RTL run.
    let model = program_cycles(p, &crate::dnn::net::Net::new(batch).train_step()?);
    if model.len() != table.len() {
        return Err(format!(
            "step_cycles.csv has {} kernels, the step {}",
            table.len(),
            model.len()
        ));
    }
    Ok(table
        .iter()
        .zip(model)
        .filter(|(r, _)| r.cycles > 0)
        .map(|(r, m)| CalRow {
            name: format!("digits step: {}", r.kernel),
            rtl: r.cycles,
            model: m,
        })
        .collect())
}

/// Markdown table of calibration rows.
pub fn table(rows: &[CalRow]) -> String {
    let mut s = String::from("| tile | RTL cycles | model cycles | error |\n|---|---|---|---|\n");
    for r in rows {
        s += &format!(
            "| {} | {} | {:.0} | {:+.1} % |\n",
            r.name,
            r.rtl,
            r.model,
            100.0 * r.error()
        );
    }
    let worst = rows.iter().map(|r| r.error().abs()).fold(0.0, f64::max);
    let mean = rows.iter().map(|r| r.error().abs()).sum::<f64>() / rows.len().max(1) as f64;
    s += &format!(
        "\n{} tiles: mean |error| {:.1} %, worst {:.1} %\n",
        rows.len(),
        100.0 * mean,
        100.0 * worst
    );
    s
}

/// Score of `p` on `data` (programs with their RTL cycles): mean absolute
/// relative error.
pub fn score(p: &Params, data: &[(Program, u64)]) -> f64 {
    let errs: Vec<f64> = data
        .iter()
        .map(|(prog, rtl)| model_cycles(p, prog) / *rtl as f64 - 1.0)
        .collect();
    // Mean absolute relative error: robust to the few tiles whose bank
    // conflicts the model misses (they stay visible in the table).
    errs.iter().map(|e| e.abs()).sum::<f64>() / errs.len().max(1) as f64
}

/// Coordinate search of the calibrated timing parameters (control-port
/// write and read, job start, TCDM conflict factor, DMA setup, per row and
/// per word) on `data`.
pub fn fit(p0: &Params, data: &[(Program, u64)]) -> Params {
    type Field = fn(&mut Params) -> &mut f64;
    let fields: [(Field, f64, f64); 7] = [
        (|p| &mut p.init_c, 0.0, 8.0),
        (|p| &mut p.ctrl_write, 1.0, 4.0),
        (|p| &mut p.ctrl_read, 1.0, 6.0),
        (|p| &mut p.job_start, 0.0, 20.0),
        (|p| &mut p.dma_setup, 0.0, 40.0),
        (|p| &mut p.dma_row, 0.0, 8.0),
        (|p| &mut p.dma_word, 1.0, 1.5),
    ];
    let mut p = p0.clone();
    let mut best = score(&p, data);
    for round in 0..6 {
        for (f, lo, hi) in fields {
            let steps = 24;
            let span = (hi - lo) / 2f64.powi(round);
            let cur = *f(&mut p);
            for i in 0..=steps {
                let v = (cur - span / 2.0 + span * i as f64 / steps as f64).clamp(lo, hi);
                let mut q = p.clone();
                *f(&mut q) = v;
                let s = score(&q, data);
                if s < best {
                    best = s;
                    p = q;
                }
            }
        }
    }
    p
}
