//! Checking reference-format cases (job + initial + expected memory) on any
//! backend, with the reference's cycle counts (spec section 9) alongside.

use crate::backend::{create_backend, run_job, select_mode, Mode, RunLimits};
use crate::jobfile::{self, CaseFiles};
use crate::model::mem::Tcdm;
use std::path::Path;

/// Cycles from CMD write to idle measured on the reference RTL (spec 9).
pub const REFERENCE_CYCLES: &[(&str, u64)] = &[
    ("0000", 123),
    ("0016", 100_121),
    ("0024", 221),
    ("0028", 215),
    ("0032", 709),
    ("0036", 113),
    ("0040", 1021),
    ("0072", 1511),
    ("0094", 1011),
];

/// The reference's cycle count for case `id`, if spec 9 lists it.
pub fn reference_cycles(id: &str) -> Option<u64> {
    REFERENCE_CYCLES
        .iter()
        .find(|(i, _)| *i == id)
        .map(|&(_, c)| c)
}

/// Result of one case.
#[derive(Clone, Debug)]
pub struct CaseResult {
    /// Case id.
    pub id: String,
    /// Job name.
    pub name: String,
    /// Opcode name.
    pub opcode: &'static str,
    /// Execute steps.
    pub steps: u64,
    /// Cycles (timed backends).
    pub cycles: Option<u64>,
    /// Differences (byte address, got, expected); empty when the case passes.
    pub diffs: Vec<(u32, u32, u32)>,
}

/// Words where `got` and `exp` differ, as (byte address, got, expected).
pub fn diff_mem(got: &Tcdm, exp: &Tcdm) -> Vec<(u32, u32, u32)> {
    got.words()
        .iter()
        .zip(exp.words())
        .enumerate()
        .filter(|(_, (g, e))| g != e)
        .map(|(i, (&g, &e))| (4 * i as u32, g, e))
        .collect()
}

/// Run one case on backend `backend`.
pub fn run_case(
    case: &CaseFiles,
    backend: &str,
    mem_bytes: usize,
    fill: u32,
    limits: &RunLimits,
) -> Result<CaseResult, String> {
    run_case_mode(case, backend, mem_bytes, fill, limits, Mode::Ntx)
}

/// Run one case on backend `backend` in arithmetic mode `mode`.
pub fn run_case_mode(
    case: &CaseFiles,
    backend: &str,
    mem_bytes: usize,
    fill: u32,
    limits: &RunLimits,
    mode: Mode,
) -> Result<CaseResult, String> {
    let job = jobfile::read_job(&case.job).map_err(|e| e.to_string())?;
    let ini = jobfile::read_mem(&case.ini, mem_bytes, fill).map_err(|e| e.to_string())?;
    let exp = jobfile::read_mem(&case.exp, mem_bytes, fill).map_err(|e| e.to_string())?;
    let mut be = create_backend(backend, ini.clone()).map_err(|e| e.to_string())?;
    select_mode(be.as_mut(), mode).map_err(|e| e.to_string())?;
    let rep =
        run_job(be.as_mut(), &job, &ini, limits).map_err(|e| format!("case {}: {e}", case.id))?;
    Ok(CaseResult {
        id: case.id.clone(),
        name: job.name.clone(),
        opcode: job.command().opcode_name(),
        steps: rep.steps,
        cycles: rep.cycles,
        diffs: diff_mem(&rep.mem, &exp),
    })
}

/// Run every case in `dir`, print one line per case, return (passed, failed).
pub fn check_dir(
    dir: &Path,
    backend: &str,
    mem_bytes: usize,
    fill: u32,
    limits: &RunLimits,
) -> Result<(usize, usize), String> {
    check_dir_mode(dir, backend, mem_bytes, fill, limits, Mode::Ntx)
}

/// [`check_dir`] in arithmetic mode `mode` (the reference's expected
/// memories are NTX-mode results: in IEEE mode a case differs wherever
/// rounding to nearest even, NaN or subnormals change a stored word).
pub fn check_dir_mode(
    dir: &Path,
    backend: &str,
    mem_bytes: usize,
    fill: u32,
    limits: &RunLimits,
    mode: Mode,
) -> Result<(usize, usize), String> {
    let cases = jobfile::find_cases(dir).map_err(|e| e.to_string())?;
    if cases.is_empty() {
        return Err(format!("no jobNNNN.txt cases in {}", dir.display()));
    }
    let (mut pass, mut fail) = (0, 0);
    for case in &cases {
        let r = run_case_mode(case, backend, mem_bytes, fill, limits, mode)?;
        let cyc = match (r.cycles, reference_cycles(&r.id)) {
            (Some(c), Some(rc)) => format!(" cycles={c} reference={rc}"),
            (Some(c), None) => format!(" cycles={c}"),
            _ => String::new(),
        };
        let verdict = if r.diffs.is_empty() {
            pass += 1;
            "ok".to_string()
        } else {
            fail += 1;
            let first: Vec<String> = r
                .diffs
                .iter()
                .take(4)
                .map(|(a, g, e)| format!("{a:#x}: got {g:#010x} expected {e:#010x}"))
                .collect();
            format!("MISMATCH in {} words ({})", r.diffs.len(), first.join("; "))
        };
        println!(
            "case {} {:<40} {:<8} steps={}{} {}",
            r.id, r.name, r.opcode, r.steps, cyc, verdict
        );
    }
    Ok((pass, fail))
}
