//! The Hybrid Memory Cube with N clusters on its logic base die: the vaults
//! shared by the clusters' DMA streams (each cluster's DMA moves at most one
//! word per cycle; N streams share `vaults x vault_gbs x vault_efficiency`),
//! the serial links, and the die's area and power budget.

use super::params::Params;

/// Derived figures of one cube configuration.
#[derive(Clone, Debug)]
pub struct Cube {
    pub clusters: usize,
    /// Peak flop/s of the cube (Tflop/s).
    pub peak_tflops: f64,
    /// Sustained DRAM bandwidth available to the clusters (GB/s).
    pub dram_gbs: f64,
    /// DMA cycles per word of each cluster with all clusters streaming.
    pub dma_word: f64,
    /// Raw bandwidth of one link direction (GB/s) and of all links.
    pub link_gbs: f64,
    pub links_gbs: f64,
}

impl Cube {
    pub fn new(p: &Params, clusters: usize) -> Self {
        let dram_gbs = p.cube_dram_gbs() * p.vault_efficiency;
        let words_per_cycle = dram_gbs / 4.0 / p.clock_ghz;
        let dma_word = p.dma_word.max(clusters as f64 / words_per_cycle);
        Self {
            clusters,
            peak_tflops: clusters as f64 * p.cluster_peak_gflops() / 1e3,
            dram_gbs,
            dma_word,
            link_gbs: p.link_gbs(),
            links_gbs: p.link_gbs() * p.links as f64,
        }
    }

    /// The cluster parameters as seen inside this cube (shared vaults).
    pub fn cluster_params(&self, p: &Params) -> Params {
        Params {
            dma_word: self.dma_word,
            ..p.clone()
        }
    }

    /// Ridge point of the cube's roofline (flops per DRAM byte).
    pub fn ridge(&self) -> f64 {
        self.peak_tflops * 1e3 / self.dram_gbs
    }
}
