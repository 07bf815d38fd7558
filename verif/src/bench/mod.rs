//! Benchmarks that print figures (`ntx bench <what>`).

pub mod cluster;
pub mod dag;
pub mod fmac;
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
];

/// Run benchmark `what` and print its figures.
pub fn run(what: &str) -> Result<(), String> {
    match what {
        "model" => model::run(),
        "dag" => dag::run(),
        "fmac" => fmac::run(),
        "cluster" => cluster::run(),
        "cluster-model" => cluster::run_model_only(),
        "cluster-ntx" => cluster::run_ntx(),
        "ntx" => ntx::run(),
        "verilator" => verilator::run(),
        other => Err(format!(
            "unknown benchmark {other:?}; available: {}",
            BENCHES.join(", ")
        )),
    }
}
