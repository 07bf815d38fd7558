//! Verification framework of ntx-rs: the bit-exact golden model of NTX,
//! reference job files, simulation backends, the tool flow and the `ntx` CLI.

pub mod flow;
pub mod cosim;
pub mod verilator;
