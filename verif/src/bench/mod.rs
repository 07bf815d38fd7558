//! Benchmarks that print figures (`ntx bench <what>`).

pub mod cluster;
pub mod model;

/// Names accepted by [`run`].
pub const BENCHES: &[&str] = &["model", "cluster", "cluster-model"];

/// Run benchmark `what` and print its figures.
pub fn run(what: &str) -> Result<(), String> {
    match what {
        "model" => model::run(),
        "cluster" => cluster::run(),
        "cluster-model" => cluster::run_model_only(),
        other => Err(format!(
            "unknown benchmark {other:?}; available: {}",
            BENCHES.join(", ")
        )),
    }
}
