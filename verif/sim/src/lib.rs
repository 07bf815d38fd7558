//! Simulation helpers of `verif` (crate `ntx-sim`, layer 3): the lock-step
//! co-simulation of a rust-hdl block against its Verilator model
//! ([`cosim`]), the cluster, core and system testbenches on rust-hdl and on
//! Verilator ([`cluster_tb`], [`verilator::cluster`], [`core_tb`],
//! [`system_tb`]), the core/ISS lock-step check ([`corecheck`]), ELF runs
//! on every backend ([`run_elf`], [`run_elf_rtl`]) and the example firmware
//! ([`firmware`]). It may depend on `ntx-model`, `ntx-flow`, `ntx-hw` and
//! rust-hdl: never on the NTX pin harness, the backends or anything above.

pub mod clock;
pub mod cluster_tb;
pub mod core_tb;
pub mod corecheck;
pub mod cosim;
pub mod firmware;
pub mod run_elf;
pub mod run_elf_rtl;
pub mod system_tb;

/// The Verilator layer of `ntx-flow` plus the Verilator cluster testbench.
pub mod verilator {
    pub use ntx_flow::verilator::*;
    pub mod cluster;
}

use ntx_flow::flow;
use ntx_model as model;
use ntx_model::runctl;
