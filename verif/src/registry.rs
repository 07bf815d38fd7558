//! The backend registry (layer 5): creates a backend by name. It sits above
//! every backend implementation (`ntx-harness`), which therefore never
//! depends on it; [`crate::backend`] re-exports it with the interface.

use ntx_harness::backend::{Backend, BackendError, ModelBackend, Stall};
use ntx_model::mem::Tcdm;

/// Names accepted by [`create_backend`].
pub const BACKENDS: &[&str] = &["model", "rtl", "verilator"];

/// Create a backend by name with `mem` as its TCDM.
pub fn create_backend(name: &str, mem: Tcdm) -> Result<Box<dyn Backend>, BackendError> {
    create_backend_with(name, mem, None)
}

/// Create a backend by name with `mem` as its TCDM and, for the timed
/// backends, an optional grant-stall pattern.
pub fn create_backend_with(
    name: &str,
    mem: Tcdm,
    stall: Option<Stall>,
) -> Result<Box<dyn Backend>, BackendError> {
    if stall.is_some() && name == "model" {
        return Err(BackendError(
            "--stall needs a timed backend (rtl or verilator); the model is untimed".into(),
        ));
    }
    match name {
        "model" => Ok(Box::new(ModelBackend::new(mem))),
        "rtl" => Ok(Box::new(match stall {
            Some(s) => ntx_harness::rtl::RtlBackend::with_stalls(mem, [s.p, s.p], s.seed),
            None => ntx_harness::rtl::RtlBackend::new(mem),
        })),
        "verilator" => {
            let mut be = ntx_harness::verilator::backend::create(mem)?;
            if let Some(s) = stall {
                be.set_grant(ntx_harness::pins::random_grants(s));
            }
            Ok(Box::new(be))
        }
        other => Err(BackendError(format!(
            "unknown backend {other:?}; available: {}",
            BACKENDS.join(", ")
        ))),
    }
}
