//! Golden models (behavioural twins of the RTL blocks).

pub mod xbar;
