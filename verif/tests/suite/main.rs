//! The integration tests of the whole framework, one module per area, in one
//! test binary: the designs' simulation code is compiled and linked once
//! (36 binaries did it per binary), and libtest spreads the tests of every
//! area over both cores instead of running one binary after another (see
//! the README's suite-time table). `tests/reliability.rs` stays a binary of
//! its own (its module doc says why).
//!
//! Run one area: `cargo test --release -p ntx-verif --test suite fmac::`.

mod cli;
mod cluster;
mod cluster_ntx;
mod cluster_scenario;
mod cluster_verilator;
mod core_flow;
mod core_lockstep;
mod core_run_elf;
mod cosim;
mod cycles;
mod dag_rtl;
mod dma;
mod dma_clear;
mod dnn;
mod dnn_train;
mod dnn_verilator;
mod firmware;
mod flow_scripts;
mod fmac;
mod harness;
mod iss;
mod iss_fuzz;
mod iss_isa;
mod lzc;
mod model_arith;
mod model_dag;
mod model_ieee;
mod model_ntx;
mod ntx_ieee;
mod ntx_rtl;
mod ntx_structure;
mod random_jobs;
mod soft_clear;
mod system;
mod system_elf;
mod verilator_backend;
mod xbar;
