//! Tool flow of `verif` (crate `ntx-flow`, layer 2): writing the generated
//! Verilog of every block ([`flow_blocks`], [`composed`]), Yosys, Verilator
//! lint and Icarus runs ([`flow`]), and building and loading Verilator
//! models ([`verilator`]). It may depend on `ntx-model` (run control and
//! paths), `ntx-hw` and rust-hdl only: no testbench, harness or backend.

pub mod banks;
pub mod composed;
pub mod flow;
pub mod flow_blocks;
pub mod verilator;

use ntx_model::runctl;
