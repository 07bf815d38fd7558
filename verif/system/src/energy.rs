//! Activity-based energy of a training step on a cube: NTX busy cycles at
//! the dynamic share of the DATE'19 cluster power (168 mW at 20 Gflop/s,
//! i.e. every NTX busy), DRAM words at the cube's access energy, link bytes
//! at the SerDes energy, and static power (cluster leakage/clock share,
//! DRAM refresh) over the step time.

use super::params::Params;
use super::step::Step;

/// Energy of one step on one cube, by component (joules).
#[derive(Clone, Debug, Default)]
pub struct Energy {
    pub ntx: f64,
    pub dram: f64,
    pub links: f64,
    pub statics: f64,
}

impl Energy {
    pub fn total(&self) -> f64 {
        self.ntx + self.dram + self.links + self.statics
    }
}

/// Dynamic energy of one NTX busy cycle (J).
pub fn ntx_cycle_j(p: &Params) -> f64 {
    p.cluster_mw_peak * 1e-3 * (1.0 - p.cluster_static_frac) / (p.n_ntx as f64 * p.clock_ghz * 1e9)
}

/// Static power of a cube (W).
pub fn static_w(p: &Params, clusters: usize) -> f64 {
    clusters as f64 * p.cluster_mw_peak * 1e-3 * p.cluster_static_frac + p.dram_static_w
}

/// Energy of `step` taking `seconds` with `link_bytes` sent by the cube.
pub fn step_energy(p: &Params, step: &Step, seconds: f64, link_bytes: f64) -> Energy {
    Energy {
        ntx: step.ntx_busy() * ntx_cycle_j(p),
        dram: step.dram_words() * 32.0 * p.dram_pj_per_bit * 1e-12,
        links: link_bytes * 8.0 * p.link_pj_per_bit * 1e-12,
        statics: static_w(p, step.clusters) * seconds,
    }
}
