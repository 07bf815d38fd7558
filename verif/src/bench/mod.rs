//! Benchmarks that print figures (`ntx bench <what>`).

pub mod cluster;
pub mod dag;
pub mod fmac;
pub mod ieee;
pub mod model;
pub mod ntx;
pub mod verilator;

/// Names accepted by [`run`].
pub const BENCHES: &[&str] = &[
    "model",
    "dag",
    "fmac",
    "ntx",
    "verilator",
    "cluster",
    "cluster-model",
    "cluster-ntx",
    "cluster-conv",
    "ieee",
    "dnn",
];

/// Run benchmark `what` and print its figures (`banks`: for `cluster-conv`;
/// `backend`: simulator of `cluster-conv` and `cluster-ntx`, `verilator` or
/// `rust-hdl`).
pub fn run(what: &str, banks: Option<usize>, backend: &str) -> Result<(), String> {
    match what {
        "cluster-conv" => cluster::run_conv(
            banks.ok_or("cluster-conv needs --banks B (8, 16, 32 or 64)")?,
            backend.parse()?,
        ),
        "model" => model::run(),
        "dnn" => crate::dnn::bench::run(backend),
        "dag" => dag::run(),
        "fmac" => fmac::run(),
        "cluster" => cluster::run(),
        "cluster-model" => cluster::run_model_only(),
        "cluster-ntx" => cluster::run_ntx(backend.parse()?),
        "ntx" => ntx::run(),
        "ieee" => ieee::run(),
        "verilator" => verilator::run(),
        other => Err(format!(
            "unknown benchmark {other:?}; available: {}",
            BENCHES.join(", ")
        )),
    }
}
