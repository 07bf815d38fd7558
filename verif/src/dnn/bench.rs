//! `ntx bench dnn`: per-kernel utilisation of the 8-NTX cluster on
//! realistic layer shapes.

/// `ntx bench dnn`.
pub fn run(_backend: &str) -> Result<(), String> {
    Err("ntx bench dnn: not implemented yet".into())
}
