//! Synthesizable rust-hdl description of the NTX near-memory training
//! accelerator and its cluster. See `../shared/ntx-spec.md` and README.md.

pub mod params;
pub mod dag;
pub mod fmac;
