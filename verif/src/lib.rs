//! Verification framework of ntx-rs: the bit-exact golden model of NTX,
//! reference job files, simulation backends, the tool flow and the `ntx` CLI.

pub mod backend;
pub mod banks;
pub mod bench;
pub mod cases;
pub mod cluster_tb;
pub mod contract;
pub mod core_tb;
pub mod corecheck;
pub mod cosim;
pub mod dnn;
pub mod exact;
pub mod examples;
pub mod firmware;
pub mod flow;
pub mod flow_blocks;
pub mod iss_fuzz;
pub mod jobfile;
pub mod model;
pub mod pins;
pub mod rtl;
pub mod run_elf;
pub mod run_elf_rtl;
pub mod runctl;
pub mod soak;
pub mod softclear;
pub mod system;
pub mod system_tb;
pub mod traffic;
pub mod verilator;
