//! Golden models (behavioural twins of the RTL blocks).

pub mod dma;
pub mod hmc;
pub mod xbar;
