//! Architectural parameters of NTX (spec sections 2-5), the bottom layer of
//! the workspace: plain constants and pure-Rust helpers, no rust-hdl and no
//! dependency at all. `ntx-hw` re-exports this crate as `ntx_hw::params`;
//! the golden model (`ntx-model`) depends on it directly, so that the model
//! shares every number with the RTL without depending on the RTL.

mod params;

pub use params::*;
