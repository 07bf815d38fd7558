//! Data-parallel training on a 2-D torus of cubes (weak scaling: every cube
//! trains `batch` images per step). Gradients are summed by a 2-D ring
//! all-reduce (reduce-scatter along x, all-reduce along y, all-gather along
//! x; both directions of each link used), one bucket per parameter tensor,
//! started as soon as the backward pass has produced it and overlapped with
//! the rest of the backward pass; the SGD update follows the last bucket.
//! The GPU system: the same data-parallel step on GPUs, ring all-reduce over
//! NVLink inside 8-GPU nodes and over one network port between nodes.

use super::energy::{self, Energy};
use super::params::Params;
use super::step::Step;

/// Torus dimensions for `cubes` (the most square factorisation).
pub fn torus(cubes: usize) -> (usize, usize) {
    let mut rx = (cubes as f64).sqrt().floor() as usize;
    while rx > 1 && !cubes.is_multiple_of(rx) {
        rx -= 1;
    }
    let rx = rx.max(1);
    (cubes / rx, rx)
}

/// Seconds and bytes sent per cube of a 2-D all-reduce of `bytes` on an
/// `rx x ry` torus.
pub fn allreduce(p: &Params, bytes: f64, rx: usize, ry: usize) -> (f64, f64) {
    let bw = 2.0 * p.link_gbs() * p.link_efficiency * 1e9;
    let lat = p.link_latency_ns * 1e-9;
    let (fx, fy) = ((rx - 1) as f64 / rx as f64, (ry - 1) as f64 / ry as f64);
    let sx = 2.0 * fx * bytes;
    let sy = 2.0 * fy * bytes / rx as f64;
    let hops = 2 * (rx - 1) + 2 * (ry - 1);
    ((sx + sy) / bw + hops as f64 * lat, sx + sy)
}

/// One mesh size.
#[derive(Clone, Debug)]
pub struct MeshPoint {
    pub cubes: usize,
    pub dims: (usize, usize),
    /// Step time (s), all-reduce busy time and the part not hidden.
    pub seconds: f64,
    pub comm: f64,
    pub exposed: f64,
    pub tflops_per_cube: f64,
    pub parallel_eff: f64,
    /// Energy per cube per step.
    pub energy: Energy,
    pub energy_eff: f64,
    pub images_per_s: f64,
}

/// The step of `step` on a mesh of `cubes` cubes.
pub fn point(p: &Params, step: &Step, cubes: usize) -> MeshPoint {
    let hz = p.clock_ghz * 1e9;
    let (rx, ry) = torus(cubes);
    let t1 = step.seconds(p);
    let fwd = step.fwd_cycles / hz;
    let bwd_end = (step.fwd_cycles + step.bwd_cycles) / hz;
    let mut comm_end = fwd;
    let mut comm = 0.0;
    let mut link_bytes = 0.0;
    let mut add_words = 0.0;
    if cubes > 1 {
        for &(ready, bytes) in &step.grads {
            let (s, b) = allreduce(p, bytes, rx, ry);
            comm_end = comm_end.max(ready / hz) + s;
            comm += s;
            link_bytes += b;
            add_words += b / 2.0 / 4.0;
        }
    }
    let seconds = bwd_end.max(comm_end) + step.update_cycles / hz;
    let mut e = energy::step_energy(p, step, seconds, link_bytes);
    // Reduction adds: read two words, write one, at the DRAM energy.
    e.dram += 3.0 * add_words * 32.0 * p.dram_pj_per_bit * 1e-12;
    let e1 = energy::step_energy(p, step, t1, 0.0).total();
    MeshPoint {
        cubes,
        dims: (rx, ry),
        seconds,
        comm,
        exposed: (seconds - t1).max(0.0),
        tflops_per_cube: step.flops() / seconds / 1e12,
        parallel_eff: t1 / seconds,
        energy_eff: e1 / e.total(),
        energy: e,
        images_per_s: (step.batch * cubes) as f64 / seconds,
    }
}

/// The GPU system at `gpus` GPUs, `batch` images per GPU: (step seconds,
/// energy per GPU per step in J, images per second).
pub fn gpu(p: &Params, step: &Step, gpus: usize, batch: usize) -> (f64, f64, f64) {
    let flops = step.flops() / step.batch as f64 * batch as f64;
    let compute = flops / (p.gpu_tflops * 1e12 * p.gpu_training_util);
    let bytes: f64 = step.grads.iter().map(|g| g.1).sum();
    let node = gpus.min(8);
    let nodes = gpus.div_ceil(8);
    let f = |r: usize| (r - 1) as f64 / r as f64;
    let mut comm = 2.0 * f(node) * bytes / (p.gpu_link_gbs / 2.0 * 1e9);
    if nodes > 1 {
        comm += 2.0 * f(nodes) * bytes / node as f64 / (p.gpu_node_link_gbs * 1e9)
            + 2.0 * (nodes - 1) as f64 * 5e-6;
    }
    // Backward (two thirds of the flops) hides the all-reduce.
    let exposed = (comm - compute * 2.0 / 3.0).max(0.0);
    let t = compute + if gpus > 1 { exposed } else { 0.0 };
    (t, p.gpu_power_w * t, (batch * gpus) as f64 / t)
}
