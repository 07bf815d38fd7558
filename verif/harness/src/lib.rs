//! NTX harness and backends of `verif` (crate `ntx-harness`, layer 4): the
//! [`backend::Backend`] interface with the golden-model backend and the
//! job driver ([`backend`]), the pin-level harness over any simulator with
//! named ports ([`pins`]), the direct rust-hdl backend ([`rtl`]) and the
//! Verilator backend ([`verilator::backend`]). It may depend on `ntx-model`,
//! `ntx-flow`, `ntx-sim`, `ntx-hw` and rust-hdl. The registry that creates a
//! backend by name sits above it, in `ntx-verif` (`ntx_verif::backend`).

pub mod backend;
pub mod pins;
pub mod rtl;

/// The Verilator layers below plus the Verilator NTX backend.
pub mod verilator {
    pub use ntx_sim::verilator::*;
    pub mod backend;
}

use ntx_flow::flow_blocks;
use ntx_model as model;
use ntx_model::runctl;
use ntx_sim::cosim;
