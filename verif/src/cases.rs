//! Checking reference-format cases (job + initial + expected memory) on any
//! backend, with the reference's cycle counts (spec section 9) alongside.

use crate::backend::{create_backend, run_job, RunLimits};
use crate::jobfile::{self, CaseFiles};
use crate::model::job::Job;
use crate::model::mem::Tcdm;
use crate::runctl::Failure;
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
    run_case_with(case, backend, mem_bytes, fill, limits, false)
}

/// [`run_case`]; job fields the NTX truncates or ignores
/// ([`jobfile::job_warnings`]) are warnings on stderr, errors when `strict`.
pub fn run_case_with(
    case: &CaseFiles,
    backend: &str,
    mem_bytes: usize,
    fill: u32,
    limits: &RunLimits,
    strict: bool,
) -> Result<CaseResult, String> {
    let job = jobfile::read_job(&case.job).map_err(|e| e.to_string())?;
    check_job_warnings(&job, &case.job, strict)?;
    let ini = jobfile::read_mem(&case.ini, mem_bytes, fill).map_err(|e| e.to_string())?;
    let exp = jobfile::read_mem(&case.exp, mem_bytes, fill).map_err(|e| e.to_string())?;
    let mut be = create_backend(backend, ini.clone()).map_err(|e| e.to_string())?;
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

/// Print the job's warnings on stderr, or fail on the first one when `strict`.
pub fn check_job_warnings(job: &Job, file: &Path, strict: bool) -> Result<(), String> {
    let w = jobfile::job_warnings(job, file);
    if strict {
        if let Some(e) = w.first() {
            return Err(format!("{e} (--strict)"));
        }
    }
    for e in w {
        crate::runctl::warn(format!("ntx: warning: {e}"));
    }
    Ok(())
}

/// Outcome of [`check_dir_with`].
#[derive(Clone, Debug, Default)]
pub struct CheckSummary {
    /// Cases whose memory matched.
    pub passed: usize,
    /// Cases that differ or could not run.
    pub failed: usize,
    /// One message per failed case (`case NNNN: ...`).
    pub errors: Vec<String>,
    /// Cases not run because of Ctrl-C or `--timeout`.
    pub not_run: usize,
}

/// Run every case in `dir`, print one line per case, return (passed, failed).
pub fn check_dir(
    dir: &Path,
    backend: &str,
    mem_bytes: usize,
    fill: u32,
    limits: &RunLimits,
) -> Result<(usize, usize), String> {
    let s =
        check_dir_with(dir, backend, mem_bytes, fill, limits, false).map_err(|e| e.to_string())?;
    Ok((s.passed, s.failed))
}

/// Run every case in `dir` (a case that cannot run counts as failed and
/// the others still run), print one line per case on stdout; stops early
/// only on Ctrl-C or `--timeout` ([`crate::runctl::stop_requested`]).
pub fn check_dir_with(
    dir: &Path,
    backend: &str,
    mem_bytes: usize,
    fill: u32,
    limits: &RunLimits,
    strict: bool,
) -> Result<CheckSummary, Failure> {
    let cases = jobfile::find_cases(dir).map_err(|e| e.to_string())?;
    if cases.is_empty() {
        return Err(format!("no jobNNNN.txt cases in {}", dir.display()).into());
    }
    let mut sum = CheckSummary::default();
    for (i, case) in cases.iter().enumerate() {
        if crate::runctl::stop_requested().is_some() {
            sum.not_run = cases.len() - i;
            break;
        }
        let r = match run_case_with(case, backend, mem_bytes, fill, limits, strict) {
            Ok(r) => r,
            Err(e) => {
                sum.failed += 1;
                let e = if e.starts_with("case ") {
                    e
                } else {
                    format!("case {}: {e}", case.id)
                };
                crate::runctl::out(format!("case {} ERROR", case.id))?;
                sum.errors.push(e);
                continue;
            }
        };
        let cyc = match (r.cycles, reference_cycles(&r.id)) {
            (Some(c), Some(rc)) => format!(" cycles={c} reference={rc}"),
            (Some(c), None) => format!(" cycles={c}"),
            _ => String::new(),
        };
        let verdict = if r.diffs.is_empty() {
            sum.passed += 1;
            "ok".to_string()
        } else {
            sum.failed += 1;
            let first: Vec<String> = r
                .diffs
                .iter()
                .take(4)
                .map(|(a, g, e)| format!("{a:#x}: got {g:#010x} expected {e:#010x}"))
                .collect();
            let m = format!("MISMATCH in {} words ({})", r.diffs.len(), first.join("; "));
            sum.errors.push(format!("case {}: {m}", r.id));
            m
        };
        crate::runctl::out(format!(
            "case {} {:<40} {:<8} steps={}{} {}",
            r.id, r.name, r.opcode, r.steps, cyc, verdict
        ))?;
    }
    Ok(sum)
}
