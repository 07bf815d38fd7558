//! Synthesizable rust-hdl description of the NTX near-memory training
//! accelerator and its cluster. See `../shared/ntx-spec.md` and README.md.

pub mod bus;
pub mod cluster;
pub mod core;
pub mod dag;
pub mod dma;
pub mod fmac;
pub mod ntx;
pub use ntx_params as params;
pub mod system;
pub mod tcdm;
