//! One data-parallel training step of a network on one cube: forward,
//! backward w.r.t. data and weights (reverse order), SGD update; per
//! kernel the flops, DRAM words, cycles (the cluster model on synthetic
//! tiles, work units spread over the cube's clusters) and NTX activity.

use super::cluster::{run_pipeline, Timer};
use super::hmc::Cube;
use super::kernels::{self as k, Plan};
use super::nets::{Layer, Net};
use super::params::Params;

/// Cost of one kernel on the cube.
#[derive(Clone, Debug, Default)]
pub struct KernelCost {
    pub layer: String,
    /// fwd, bwd_data, bwd_w, update.
    pub pass: &'static str,
    pub flops: f64,
    pub dram_words: f64,
    /// Cube cycles (work spread over the clusters).
    pub cycles: f64,
    /// NTX busy cycles summed over every NTX.
    pub ntx_busy: f64,
    /// Synthetic tiles the kernel consists of.
    pub tiles: u64,
}

/// A training step on one cube.
#[derive(Clone, Debug)]
pub struct Step {
    pub net: &'static str,
    pub batch: usize,
    pub clusters: usize,
    pub kernels: Vec<KernelCost>,
    /// Per layer with parameters, in backward order: (cycle at which its
    /// gradient is complete, counted from the start of the step; bytes).
    pub grads: Vec<(f64, f64)>,
    pub fwd_cycles: f64,
    pub bwd_cycles: f64,
    pub update_cycles: f64,
    /// Activation + gradient footprint in DRAM (bytes).
    pub footprint: f64,
    /// Simulated layer-tiles and model wall time (s).
    pub tiles: u64,
}

impl Step {
    pub fn cycles(&self) -> f64 {
        self.fwd_cycles + self.bwd_cycles + self.update_cycles
    }
    pub fn flops(&self) -> f64 {
        self.kernels.iter().map(|k| k.flops).sum()
    }
    pub fn dram_words(&self) -> f64 {
        self.kernels.iter().map(|k| k.dram_words).sum()
    }
    pub fn ntx_busy(&self) -> f64 {
        self.kernels.iter().map(|k| k.ntx_busy).sum()
    }
    /// Seconds per step.
    pub fn seconds(&self, p: &Params) -> f64 {
        self.cycles() / (p.clock_ghz * 1e9)
    }
    /// Sustained Tflop/s of the cube.
    pub fn tflops(&self, p: &Params) -> f64 {
        self.flops() / self.seconds(p) / 1e12
    }
}

/// Time a plan on one cluster, then spread its work units over the cube.
fn cost(cp: &Params, clusters: usize, plan: &Plan) -> (f64, f64, f64, u64) {
    let mut t1 = 0.0;
    let (mut busy, mut words, mut tiles) = (0.0, 0.0, 0u64);
    for (pl, count) in &plan.pipelines {
        let mut tm = Timer::new(cp);
        let n = run_pipeline(&mut tm, pl);
        let c = *count as f64;
        t1 += tm.t * c;
        busy += tm.ntx_busy * c;
        words += tm.dma_words as f64 * c;
        tiles += n * *count as u64;
    }
    let mut u = plan.units.max(1) as f64;
    let mut extra = 0.0;
    if plan.split_max > 1 && u < clusters as f64 {
        // Share each unit's streamed tiles over idle clusters; partial
        // results are summed by an elementwise reduction.
        let parts = ((clusters as f64 / u).ceil() as usize).min(plan.split_max);
        u *= parts as f64;
        if parts > 1 {
            let len = plan.reduce_words * (parts - 1);
            let red = k::eltwise(len, 2, false, 3.0, true, cp.tcdm_words);
            let (c, b2, w2, t2) = cost(cp, clusters, &red);
            extra = c;
            busy += b2;
            words += w2;
            tiles += t2;
        }
    }
    let per = (u / clusters as f64).ceil();
    (t1 * per / u + extra, busy, words, tiles)
}

/// Model one training step of `net` at `batch` images per cube on a cube
/// of `clusters` clusters.
pub fn step(p: &Params, net: &Net, batch: usize, clusters: usize) -> Step {
    let cube = Cube::new(p, clusters);
    let cp = cube.cluster_params(p);
    let b = p.tcdm_words;
    let n = batch;
    let mut kernels = vec![];
    let mut footprint = 0.0;
    let push = |kernels: &mut Vec<KernelCost>,
                layer: &str,
                pass,
                flops: f64,
                plans: Vec<(Plan, usize)>| {
        let mut kc = KernelCost {
            layer: layer.to_string(),
            pass,
            flops,
            ..Default::default()
        };
        for (plan, reps) in plans {
            let (c, busy, words, tiles) = cost(&cp, clusters, &plan);
            let r = reps as f64;
            kc.cycles += c * r;
            kc.ntx_busy += busy * r;
            kc.dram_words += words * r;
            kc.tiles += tiles * reps as u64;
        }
        kernels.push(kc);
    };
    // Forward.
    for l in &net.layers {
        let name = l.name();
        match *l {
            Layer::Conv {
                ci,
                co,
                h,
                w,
                k: kk,
                s,
                pad,
                groups,
                ..
            } => {
                let (ci, co) = (ci / groups, co / groups);
                let plan = k::conv_fwd(n, ci, co, h, w, kk, s, pad, b);
                push(
                    &mut kernels,
                    name,
                    "fwd",
                    2.0 * (l.macs() * n as u64) as f64,
                    vec![(plan, groups)],
                );
                footprint += (n * co * groups * super::nets::out(h, kk, s, pad).pow(2)) as f64;
            }
            Layer::Fc { ni, no, .. } => {
                let plan = k::fc_out_groups(n, ni, no, b, false);
                push(
                    &mut kernels,
                    name,
                    "fwd",
                    2.0 * (n * ni * no) as f64,
                    vec![(plan, 1)],
                );
                footprint += (n * no) as f64;
            }
            Layer::Relu { c, h, w, .. } => {
                let len = n * c * h * w;
                push(
                    &mut kernels,
                    name,
                    "fwd",
                    len as f64,
                    vec![(k::eltwise(len, 1, false, 2.0, false, b), 1)],
                );
                footprint += len as f64;
            }
            Layer::Pool {
                c,
                h,
                w,
                k: kk,
                s,
                pad,
                ..
            } => {
                let o = super::nets::out(h, kk, s, pad) * super::nets::out(w, kk, s, pad);
                let plan = k::pool(n * c, h, w, kk, s, pad, false, b);
                push(
                    &mut kernels,
                    name,
                    "fwd",
                    (n * c * o * kk * kk) as f64,
                    vec![(plan, 1)],
                );
                footprint += 2.0 * (n * c * o) as f64;
            }
            Layer::Norm { c, h, w, .. } => {
                let len = n * c * h * w;
                let pl = k::eltwise(len, 1, false, 2.0, true, b);
                push(&mut kernels, name, "fwd", 4.0 * len as f64, vec![(pl, 2)]);
                footprint += len as f64;
            }
            Layer::Add { c, h, w, .. } => {
                let len = n * c * h * w;
                push(
                    &mut kernels,
                    name,
                    "fwd",
                    len as f64,
                    vec![(k::eltwise_ev(len, 2, false, 3.0, true, 1.0, b), 1)],
                );
                footprint += len as f64;
            }
        }
    }
    let fwd_cycles: f64 = kernels.iter().map(|k| k.cycles).sum();
    // Backward, reverse order; the first layer needs no input gradient.
    let mut grads = vec![];
    let mut t = fwd_cycles;
    for (i, l) in net.layers.iter().enumerate().rev() {
        let name = l.name();
        let first = i == 0;
        let before = kernels.len();
        match *l {
            Layer::Conv {
                ci,
                co,
                h,
                w,
                k: kk,
                s,
                pad,
                groups,
                ..
            } => {
                let (ci, co) = (ci / groups, co / groups);
                let f = 2.0 * (l.macs() * n as u64) as f64;
                if !first {
                    let plan = k::conv_bwd_data(n, ci, co, h, w, kk, s, pad, b);
                    push(&mut kernels, name, "bwd_data", f, vec![(plan, groups)]);
                }
                let plan = k::conv_bwd_weights(n, ci, co, h, w, kk, s, pad, b);
                let oh = super::nets::out(h, kk, s, pad) * super::nets::out(w, kk, s, pad);
                push(
                    &mut kernels,
                    name,
                    "bwd_w",
                    f + (n * co * groups * oh) as f64,
                    vec![(plan, groups)],
                );
            }
            Layer::Fc { ni, no, .. } => {
                let f = 2.0 * (n * ni * no) as f64;
                if !first {
                    push(
                        &mut kernels,
                        name,
                        "bwd_data",
                        f,
                        vec![(k::fc_bwd_data(n, ni, no, b), 1)],
                    );
                }
                let plan = k::fc_out_groups(n, ni, no, b, true);
                push(
                    &mut kernels,
                    name,
                    "bwd_w",
                    f + (n * no) as f64,
                    vec![(plan, 1)],
                );
            }
            Layer::Relu { c, h, w, .. } => {
                let len = n * c * h * w;
                push(
                    &mut kernels,
                    name,
                    "bwd_data",
                    len as f64,
                    vec![(k::eltwise(len, 2, false, 3.0, false, b), 1)],
                );
            }
            Layer::Pool {
                c,
                h,
                w,
                k: kk,
                s,
                pad,
                ..
            } => {
                let plan = k::pool(n * c, h, w, kk, s, pad, true, b);
                push(
                    &mut kernels,
                    name,
                    "bwd_data",
                    (n * c * h * w) as f64,
                    vec![(plan, 1)],
                );
            }
            Layer::Norm { c, h, w, .. } => {
                let len = n * c * h * w;
                let pl = k::eltwise(len, 2, false, 3.0, true, b);
                push(
                    &mut kernels,
                    name,
                    "bwd_data",
                    6.0 * len as f64,
                    vec![(pl, 2)],
                );
            }
            Layer::Add { .. } => {}
        }
        t += kernels[before..].iter().map(|k| k.cycles).sum::<f64>();
        if l.params() > 0 {
            grads.push((t, 4.0 * l.params() as f64));
        }
        footprint += 0.0;
    }
    let bwd_cycles = t - fwd_cycles;
    // SGD update of every parameter tensor.
    let before = kernels.len();
    for l in &net.layers {
        let np = l.params() as usize;
        if np > 0 {
            let pl = k::eltwise_ev(np, 2, true, 4.0, true, 1.0, b);
            push(
                &mut kernels,
                l.name(),
                "update",
                2.0 * np as f64,
                vec![(pl, 1)],
            );
        }
    }
    let update_cycles = kernels[before..].iter().map(|k| k.cycles).sum();
    let tiles = kernels.iter().map(|k| k.tiles).sum();
    // Activations (kept for the backward pass) and their gradients, f32.
    footprint = 4.0 * footprint * 2.0 + 3.0 * 4.0 * net.params() as f64;
    Step {
        net: net.name,
        batch,
        clusters,
        kernels,
        grads,
        fwd_cycles,
        bwd_cycles,
        update_cycles,
        footprint,
        tiles,
    }
}
