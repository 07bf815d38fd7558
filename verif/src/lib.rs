//! Verification framework of ntx-rs: the bit-exact golden model of NTX,
//! reference job files, simulation backends, the tool flow and the `ntx` CLI.

pub mod backend;
pub mod bench;
pub mod cases;
pub mod cluster_tb;
pub mod cosim;
pub mod examples;
pub mod flow;
pub mod flow_blocks;
pub mod jobfile;
pub mod model;
pub mod pins;
pub mod rtl;
pub mod runctl;
pub mod soak;
pub mod softclear;
pub mod traffic;
pub mod verilator;
