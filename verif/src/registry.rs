//! The backend registries (layer 5): create an NTX backend or a run-elf
//! backend by name. They sit above every backend implementation
//! (`ntx-harness`, `ntx-sim`), which therefore never depend on them;
//! [`crate::backend`] and [`crate::run_elf`] re-export them with the
//! interfaces.

use ntx_harness::backend::{Backend, BackendError, ModelBackend, Stall};
use ntx_model::mem::Tcdm;
use ntx_sim::run_elf::{load_elf_for, ElfBackend, ElfRunOpts, ElfRunReport, IssBackend};
use std::path::Path;

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

/// Backend by name (`iss`; the RTL backends register here).
pub fn create_elf_backend(name: &str) -> Result<Box<dyn ElfBackend>, String> {
    match name {
        "iss" => Ok(Box::new(IssBackend::default())),
        "rtl" | "verilator" => Ok(Box::new(ntx_sim::run_elf_rtl::SystemElfBackend::new(name)?)),
        other => Err(format!(
            "unknown run-elf backend {other:?} (available: iss, rtl, verilator)"
        )),
    }
}

/// Load and run `path` on backend `name` (the whole `ntx run-elf`).
pub fn run_elf_file(
    path: &Path,
    name: &str,
    opts: &ElfRunOpts,
) -> Result<(ElfRunReport, &'static str), String> {
    let mut be = create_elf_backend(name)?;
    let img = load_elf_for(be.as_ref(), path)?;
    let rep = be.run(&img, opts)?;
    Ok((rep, be.name()))
}
