//! Area of the cluster and of the cube's NTX logic from the RTL's Yosys cell
//! counts (README Area tables) times a stated gate-equivalent area, with the
//! TCDM as an SRAM macro, and the comparison with the GPU die.

use super::params::Params;

/// Area of one cluster (mm^2): logic of 8 NTX, interconnect, DMA, control
/// core, plus the 128 KiB TCDM.
#[derive(Clone, Debug)]
pub struct ClusterArea {
    pub logic_ge: f64,
    pub logic_mm2: f64,
    pub tcdm_mm2: f64,
}

impl ClusterArea {
    pub fn total(&self) -> f64 {
        self.logic_mm2 + self.tcdm_mm2
    }
}

/// Gate equivalents of a block from its cells and flip-flops.
pub fn ge(p: &Params, cells: f64, ffs: f64) -> f64 {
    (cells - ffs) * p.ge_per_cell + ffs * p.ge_per_ff
}

pub fn cluster(p: &Params) -> ClusterArea {
    let logic_ge = p.n_ntx as f64 * ge(p, p.ntx_cells, p.ntx_ffs)
        + ge(p, p.xbar_cells, p.xbar_ffs)
        + ge(p, p.dma_cells, p.dma_ffs)
        + ge(p, p.core_cells, p.core_ffs);
    ClusterArea {
        logic_ge,
        logic_mm2: logic_ge * p.ge_um2 * 1e-6,
        tcdm_mm2: (p.tcdm_words * 4) as f64 / 1024.0 * p.sram_mm2_per_kib,
    }
}

/// NTX area of a cube with `clusters` clusters (mm^2).
pub fn cube(p: &Params, clusters: usize) -> f64 {
    clusters as f64 * cluster(p).total()
}
