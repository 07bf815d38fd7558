//! The bit-exact golden model of NTX (pure Rust, no rust-hdl): arithmetic,
//! loop nest and address generators, TCDM memory and the register-level NTX,
//! plus the behavioural twins of the cluster blocks (interconnect, DMA, HMC
//! vault). Every hardware block has its twin here and is tested against it.
//! Also the RV32 instruction-set simulator ([`rv32`]), exact reference sums
//! ([`exact`]), job and memory files ([`jobfile`]), interconnect traffic
//! generators ([`traffic`]) and run control ([`runctl`]: stop, timeouts,
//! workspace paths).
//!
//! **Layer 1 of `verif`** (crate `ntx-model`, re-exported by `ntx-verif` as
//! `ntx_verif::model`): it may depend only on `ntx-params` and plain Rust
//! libraries, never on rust-hdl, `ntx-hw` or a simulator, so that the model
//! stays an independent twin of the RTL (`cargo tree -p ntx-model`).

pub mod arith;
pub mod cluster;
pub mod dag;
pub mod dma;
pub mod exact;
pub mod hmc;
pub mod ieee;
pub mod job;
pub mod jobfile;
pub mod mem;
pub mod ntx;
pub mod runctl;
pub mod rv32;
pub mod traffic;
pub mod xbar;
