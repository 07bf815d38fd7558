//! Every parameter of the system model with its value, unit and source (a
//! specification, a paper's abstract, a figure of this repository, or
//! `assumption: ...`). `ntx system --params` prints the table.

/// One documented parameter.
#[derive(Clone, Debug)]
pub struct Param {
    pub name: &'static str,
    pub value: f64,
    pub unit: &'static str,
    pub source: &'static str,
}

/// The parameters of the model (cluster timing, HMC, mesh, energy, area,
/// GPU baseline).
#[derive(Clone, Debug)]
pub struct Params {
    // --- cluster clock and timing (calibrated on the RTL cluster) ---
    pub clock_ghz: f64,
    pub n_ntx: usize,
    pub tcdm_words: usize,
    /// Cycles of one granted control-port write.
    pub ctrl_write: f64,
    /// Cycles of one status poll (control-port read).
    pub ctrl_read: f64,
    /// Cycles from a job's CMD write to its first step.
    pub job_start: f64,
    /// Cycles after a MAC-type job's last step (FMAC latency + drain).
    pub job_tail_fmac: f64,
    /// Same for the other opcodes.
    pub job_tail: f64,
    /// Cycles per accumulator initialisation from C (read of a word the
    /// NTX stored earlier: scoreboard wait).
    pub init_c: f64,
    /// Slow-down of NTX streaming from TCDM bank conflicts among the 8 NTX.
    pub tcdm_conflict: f64,
    /// DMA cycles per word moved.
    pub dma_word: f64,
    /// DMA cycles per row of a 2-D descriptor (validation + row restart).
    pub dma_row: f64,
    /// DMA fixed cycles per descriptor.
    pub dma_setup: f64,
    /// Vault read latency seen by the DMA (cycles).
    pub vault_latency: f64,
    // --- HMC ---
    pub vaults: usize,
    pub vault_gbs: f64,
    pub links: usize,
    pub lanes_per_link: usize,
    pub lane_gbit: f64,
    pub clusters_per_cube: usize,
    pub cube_logic_mm2: f64,
    pub cube_power_w: f64,
    pub dram_static_w: f64,
    // --- mesh ---
    pub link_latency_ns: f64,
    pub link_efficiency: f64,
    // --- energy ---
    pub cluster_mw_peak: f64,
    pub cluster_static_frac: f64,
    pub dram_pj_per_bit: f64,
    pub link_pj_per_bit: f64,
    // --- area ---
    pub ge_um2: f64,
    pub ge_per_cell: f64,
    pub ge_per_ff: f64,
    pub sram_mm2_per_kib: f64,
    pub cluster_cells: f64,
    pub cluster_ffs: f64,
    pub tcdm_ffs: f64,
    /// Yosys cells / flip-flops of the cluster's blocks (README Area).
    pub ntx_cells: f64,
    pub ntx_ffs: f64,
    pub xbar_cells: f64,
    pub xbar_ffs: f64,
    pub dma_cells: f64,
    pub dma_ffs: f64,
    pub core_cells: f64,
    pub core_ffs: f64,
    pub cube_dram_gb: f64,
    pub vault_efficiency: f64,
    pub gpu_node_link_gbs: f64,
    // --- GPU baseline ---
    pub gpu_tflops: f64,
    pub gpu_mem_gbs: f64,
    pub gpu_power_w: f64,
    pub gpu_die_mm2: f64,
    pub gpu_link_gbs: f64,
    pub gpu_training_util: f64,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            clock_ghz: 1.25,
            n_ntx: 8,
            tcdm_words: crate::dnn::TCDM_WORDS,
            ctrl_write: 1.0,
            ctrl_read: 1.03,
            job_start: 0.13,
            job_tail_fmac: 16.0,
            job_tail: 7.0,
            init_c: 1.25,
            tcdm_conflict: 1.0,
            dma_word: 1.0,
            dma_row: 1.88,
            dma_setup: 0.0,
            vault_latency: 40.0,
            vaults: 32,
            vault_gbs: 10.0,
            links: 4,
            lanes_per_link: 16,
            lane_gbit: 15.0,
            clusters_per_cube: 64,
            cube_logic_mm2: 100.0,
            cube_power_w: 20.0,
            dram_static_w: 2.0,
            link_latency_ns: 100.0,
            link_efficiency: 0.8,
            cluster_mw_peak: 168.0,
            cluster_static_frac: 0.1,
            dram_pj_per_bit: 3.7,
            link_pj_per_bit: 2.0,
            ge_um2: 0.199,
            ge_per_cell: 1.0,
            ge_per_ff: 4.5,
            sram_mm2_per_kib: 0.0012,
            cluster_cells: 2_766_141.0,
            cluster_ffs: 1_120_231.0,
            tcdm_ffs: 1_048_576.0,
            ntx_cells: 39_552.0,
            ntx_ffs: 8_181.0,
            xbar_cells: 6_152.0,
            xbar_ffs: 56.0,
            dma_cells: 6_955.0,
            dma_ffs: 1_001.0,
            core_cells: 13_875.0,
            core_ffs: 1_522.0,
            cube_dram_gb: 8.0,
            vault_efficiency: 0.8,
            gpu_node_link_gbs: 12.5,
            gpu_tflops: 10.6,
            gpu_mem_gbs: 732.0,
            gpu_power_w: 300.0,
            gpu_die_mm2: 610.0,
            gpu_link_gbs: 160.0,
            gpu_training_util: 0.5,
        }
    }
}

impl Params {
    /// Peak flop/s of one cluster (8 NTX x 2 flops x clock).
    pub fn cluster_peak_gflops(&self) -> f64 {
        2.0 * self.n_ntx as f64 * self.clock_ghz
    }
    /// Internal DRAM bandwidth of a cube (GB/s).
    pub fn cube_dram_gbs(&self) -> f64 {
        self.vaults as f64 * self.vault_gbs
    }
    /// Raw bandwidth of one serial link, one direction (GB/s).
    pub fn link_gbs(&self) -> f64 {
        self.lanes_per_link as f64 * self.lane_gbit / 8.0
    }
    /// Vault words per cluster cycle available to each cluster.
    pub fn dram_words_per_cycle_per_cluster(&self) -> f64 {
        self.cube_dram_gbs() / 4.0 / self.clock_ghz / self.clusters_per_cube as f64
    }

    /// Every parameter with its value, unit and source.
    pub fn table(&self) -> Vec<Param> {
        let p = |name, value, unit, source| Param {
            name,
            value,
            unit,
            source,
        };
        vec![
            p("clock_ghz", self.clock_ghz, "GHz", "NTX DATE'19 abstract (arXiv 1812.00182): 20 Gflop/s at 1.25 GHz, 22 nm FD-SOI"),
            p("n_ntx", self.n_ntx as f64, "NTX/cluster", "hw/src/params.rs cluster::N_NTX (8, as the reference cluster)"),
            p("tcdm_words", self.tcdm_words as f64, "words", "verif/src/dnn TCDM_WORDS: 32 banks x 1 Ki words = 128 KiB (the Verilator cluster of the tests)"),
            p("ctrl_write", self.ctrl_write, "cycles", "calibrated: RTL cluster on Verilator (ntx system --calibrate)"),
            p("ctrl_read", self.ctrl_read, "cycles", "calibrated: RTL cluster on Verilator (ntx system --calibrate)"),
            p("job_start", self.job_start, "cycles", "calibrated: RTL cluster on Verilator (ntx system --calibrate)"),
            p("job_tail_fmac", self.job_tail_fmac, "cycles", "README cycle contract: 16 cycles start-up + drain with the FMAC's 9-cycle latency (ntx report)"),
            p("job_tail", self.job_tail, "cycles", "README cycle contract: 7 cycles start-up + drain without the FMAC (ntx report)"),
            p("init_c", self.init_c, "cycles", "calibrated: RTL cluster on Verilator (ntx system --calibrate); the store scoreboard makes a read of a pending result wait"),
            p("tcdm_conflict", self.tcdm_conflict, "x", "extra slow-down on top of the per-wave TCDM bank simulation (system::cluster::bank_sim); 1: none needed on the calibration tiles"),
            p("dma_word", self.dma_word, "cycles/word", "RTL: one 32-bit DMA port (hw/src/dma.rs), 64-word FIFO > 40-cycle latency x 1 word; calibrated"),
            p("dma_row", self.dma_row, "cycles/row", "hw/src/dma.rs: one validation cycle per row; calibrated"),
            p("dma_setup", self.dma_setup, "cycles", "calibrated: RTL cluster on Verilator (ntx system --calibrate)"),
            p("vault_latency", self.vault_latency, "cycles", "verif/src/model/hmc.rs default (32 ns at 1.25 GHz; assumption of that model)"),
            p("vaults", self.vaults as f64, "vaults/cube", "HMC Specification 2.1 (HMC Consortium, 2015): 32 vaults per 4 GB/8 GB cube"),
            p("vault_gbs", self.vault_gbs, "GB/s", "HMC 2.1: 320 GB/s internal / 32 vaults = 10 GB/s per vault (also verif/src/model/hmc.rs)"),
            p("links", self.links as f64, "links/cube", "HMC 2.1: 4 full-width links (or 8 half-width)"),
            p("lanes_per_link", self.lanes_per_link as f64, "lanes", "HMC 2.1: 16 lanes per full-width link per direction"),
            p("lane_gbit", self.lane_gbit, "Gbit/s", "HMC 2.1: 12.5, 15, 25, 28, 30 Gbit/s lane rates; 15 as in the issue"),
            p("clusters_per_cube", self.clusters_per_cube as f64, "clusters", "assumption: 64 clusters feed on 64 words/cycle of vault bandwidth (1 word/cycle/cluster DMA); 64 x 20 Gflop/s = 1.28 Tflop/s peak vs the TC paper's 1.2 Tflop/s"),
            p("cube_logic_mm2", self.cube_logic_mm2, "mm^2", "assumption: HMC logic base die of about 100 mm^2 (68 mm^2 HMC 1.0 die photos, ~100 for HMC 2); residual area is what is left after vault controllers and SerDes"),
            p("cube_power_w", self.cube_power_w, "W", "assumption: thermal budget of an HMC package with a passive heat sink (the TC paper argues ~10-20 W of extra logic)"),
            p("dram_static_w", self.dram_static_w, "W/cube", "assumption: DRAM refresh + idle SerDes of one cube"),
            p("link_latency_ns", self.link_latency_ns, "ns", "assumption: SerDes + packet (HMC 2.1 ~ tens of ns per hop, rounded up)"),
            p("link_efficiency", self.link_efficiency, "x", "assumption: packet header/CRC overhead of HMC FLITs (16 B header+tail per up to 128 B payload = 0.89) and flow control"),
            p("cluster_mw_peak", self.cluster_mw_peak, "mW", "NTX DATE'19 abstract: 168 mW at 20 Gflop/s (22 nm FD-SOI, post-layout)"),
            p("cluster_static_frac", self.cluster_static_frac, "x", "assumption: leakage + clock tree share of the 168 mW when idle"),
            p("dram_pj_per_bit", self.dram_pj_per_bit, "pJ/bit", "Jeddeloh & Keeth, 'Hybrid memory cube new DRAM architecture...', VLSI 2012: 3.7 pJ/bit DRAM access in the cube"),
            p("link_pj_per_bit", self.link_pj_per_bit, "pJ/bit", "assumption: SerDes energy of short-reach 15 Gbit/s links (HMC papers quote ~2 pJ/bit for the PHY)"),
            p("ge_um2", self.ge_um2, "um^2/GE", "GF 22FDX NAND2 gate equivalent (0.199 um^2), as used by the PULP 22 nm papers; assumption for the generic Yosys cells"),
            p("ge_per_cell", self.ge_per_cell, "GE/cell", "assumption: one generic Yosys gate cell ~ 1 GE"),
            p("ge_per_ff", self.ge_per_ff, "GE/FF", "assumption: a flip-flop ~ 4.5 GE"),
            p("sram_mm2_per_kib", self.sram_mm2_per_kib, "mm^2/KiB", "assumption: 22 nm SRAM macro with periphery, 0.15 mm^2 per 128 KiB"),
            p("cluster_cells", self.cluster_cells, "cells", "README Area: scripts/synth-cluster 32 banks, Yosys 0.23, 2,766,141 cells (2026-11-27)"),
            p("cluster_ffs", self.cluster_ffs, "FFs", "README Area: 1,120,231 flip-flops of the cluster"),
            p("tcdm_ffs", self.tcdm_ffs, "FFs", "README Area: 1,048,576 of them are the 128 KiB TCDM (an SRAM in an ASIC)"),
            p("ntx_cells", self.ntx_cells, "cells", "README Area table: NTX top, Yosys 0.23 synth -flatten (scripts/synth ntx)"),
            p("ntx_ffs", self.ntx_ffs, "FFs", "README Area table: NTX top flip-flops"),
            p("xbar_cells", self.xbar_cells, "cells", "README Area table: interconnect 6x8 (scripts/synth)"),
            p("xbar_ffs", self.xbar_ffs, "FFs", "README Area table: interconnect flip-flops"),
            p("dma_cells", self.dma_cells, "cells", "README Area table: DMA (8-word FIFO; the cluster's has 64)"),
            p("dma_ffs", self.dma_ffs, "FFs", "README Area table: DMA flip-flops"),
            p("core_cells", self.core_cells, "cells", "README Control core table: core area, Yosys synth -flatten"),
            p("core_ffs", self.core_ffs, "FFs", "README Control core table: core flip-flops"),
            p("cube_dram_gb", self.cube_dram_gb, "GB", "HMC 2.1: 4 GB or 8 GB per cube (8 GB taken)"),
            p("vault_efficiency", self.vault_efficiency, "x", "assumption: sustained fraction of the 320 GB/s when 64 DMA streams share 32 vaults (row misses, refresh, bank conflicts)"),
            p("gpu_node_link_gbs", self.gpu_node_link_gbs, "GB/s", "assumption: one EDR InfiniBand port (100 Gbit/s) per GPU between 8-GPU NVLink nodes"),
            p("gpu_tflops", self.gpu_tflops, "Tflop/s", "NVIDIA Tesla P100 (SXM2) datasheet: 10.6 Tflop/s fp32"),
            p("gpu_mem_gbs", self.gpu_mem_gbs, "GB/s", "NVIDIA Tesla P100 datasheet: 732 GB/s HBM2"),
            p("gpu_power_w", self.gpu_power_w, "W", "NVIDIA Tesla P100 (SXM2) datasheet: 300 W"),
            p("gpu_die_mm2", self.gpu_die_mm2, "mm^2", "NVIDIA Pascal GP100 whitepaper: 610 mm^2 in 16 nm FinFET"),
            p("gpu_link_gbs", self.gpu_link_gbs, "GB/s", "NVIDIA P100 datasheet: NVLink 160 GB/s (bidirectional, 4 links)"),
            p("gpu_training_util", self.gpu_training_util, "x", "assumption: sustained fp32 training utilisation of the GPU (e.g. ~220 ResNet-50 images/s x 24.6 Gflop = 5.4 Tflop/s on P100, ~51 % of peak)"),
        ]
    }
}
