//! Verification framework of ntx-rs: the bit-exact golden model of NTX,
//! reference job files, simulation backends, the tool flow and the `ntx` CLI.
//!
//! **Layers.** `verif` is a stack of crates, each depending only on the
//! ones before it (the compiler enforces the order):
//! `ntx-params` (hw/params) -> `ntx-model` -> `ntx-flow` -> `ntx-sim` ->
//! `ntx-harness` -> `ntx-dnn` -> `ntx-system` -> `ntx-verif`. This crate is
//! the top (layer 5 and up): the backend registry ([`backend`]), reference
//! cases and the cycle contract ([`cases`], [`contract`]), examples,
//! benchmarks, soak and soft-clear campaigns, the ISS fuzzer and the `ntx`
//! binary. It re-exports the lower crates under their old module names
//! (`ntx_verif::model`, `ntx_verif::verilator`, ...), so paths written
//! before the split keep working.

pub mod bench;
pub mod cases;
pub mod contract;
pub mod examples;
pub mod iss_fuzz;
pub mod registry;
pub mod soak;
pub mod softclear;

/// The backend interface (`ntx-harness`) plus the registry that creates a
/// backend by name ([`registry`]).
pub mod backend {
    pub use crate::registry::{create_backend, create_backend_with, BACKENDS};
    pub use ntx_harness::backend::*;
}

pub use ntx_dnn as dnn;
pub use ntx_flow::{composed, flow, flow_blocks};
pub use ntx_harness::{pins, rtl, verilator};
pub use ntx_model as model;
pub use ntx_model::{exact, jobfile, runctl, traffic};
pub use ntx_sim::{
    cluster_tb, core_tb, corecheck, cosim, drive_fn, firmware, run_elf_rtl, system_tb,
};

/// Running an ELF on the whole system (`ntx-sim`) plus the registry that
/// creates a run-elf backend by name ([`registry`]).
pub mod run_elf {
    pub use crate::registry::{create_elf_backend, run_elf_file};
    pub use ntx_sim::run_elf::*;
}
pub use ntx_system as system;
