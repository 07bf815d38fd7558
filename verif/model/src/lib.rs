//! The bit-exact golden model of NTX (pure Rust, no rust-hdl): arithmetic,
//! loop nest and address generators, TCDM memory and the register-level NTX,
//! plus the behavioural twins of the cluster blocks (interconnect, DMA, HMC
//! vault). Every hardware block has its twin here and is tested against it.

pub mod arith;
pub mod cluster;
pub mod dag;
pub mod dma;
pub mod hmc;
pub mod ieee;
pub mod job;
pub mod mem;
pub mod ntx;
pub mod rv32;
pub mod xbar;
