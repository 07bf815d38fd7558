//! Checking reference-format cases (job + initial + expected memory) on any
//! backend, with the reference's cycle counts (spec section 9) alongside.

use crate::backend::{create_backend_with, run_job, select_mode, Mode, RunLimits};
use crate::jobfile::{self, CaseFiles};
use crate::model::job::Job;
use crate::model::mem::Tcdm;
use crate::runctl::Failure;
use std::path::{Path, PathBuf};

/// The reference cases shipped with the repository (`verif/data/ntx-ref-cases`).
pub fn shipped_ref_cases() -> PathBuf {
    crate::runctl::verif_path("data/ntx-ref-cases")
}

/// Name of the per-directory table of cycle figures (reference RTL cycles
/// for reference cases, recorded cycles for the project's own examples).
pub const CYCLES_FILE: &str = "reference-cycles.txt";

/// One row of a cycles table: `case opcode-name steps cycles`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CycleRow {
    pub id: String,
    pub name: String,
    pub steps: u64,
    pub cycles: u64,
}

/// Parse a cycles table (`#` comments; rows `NNNN name steps cycles`).
/// Errors name the file and line.
pub fn parse_cycles(text: &str, file: &str) -> Result<Vec<CycleRow>, String> {
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.split_whitespace().collect();
        let bad = |what: &str| format!("{file}:{}: {what} (want `case name steps cycles`)", i + 1);
        if f.len() != 4 {
            return Err(bad(&format!("{} fields", f.len())));
        }
        rows.push(CycleRow {
            id: f[0].to_string(),
            name: f[1].to_string(),
            steps: f[2].parse().map_err(|_| bad("steps is not a number"))?,
            cycles: f[3].parse().map_err(|_| bad("cycles is not a number"))?,
        });
    }
    Ok(rows)
}

/// The cycles table of directory `dir` (`reference-cycles.txt`), if it has one.
pub fn dir_cycles(dir: &Path) -> Result<Option<Vec<CycleRow>>, String> {
    let f = dir.join(CYCLES_FILE);
    match std::fs::read_to_string(&f) {
        Ok(t) => parse_cycles(&t, &f.display().to_string()).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{}: {e}", f.display())),
    }
}

/// The reference RTL's cycles of shipped case `id`, from the shipped
/// folder's `reference-cycles.txt` (the one table of reference figures).
pub fn reference_cycles(id: &str) -> Option<u64> {
    dir_cycles(&shipped_ref_cases())
        .ok()
        .flatten()?
        .into_iter()
        .find(|r| r.id == id)
        .map(|r| r.cycles)
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
    run_case_with(case, backend, mem_bytes, fill, limits, false, mode)
}

/// [`run_case_mode`]; job fields the NTX truncates or ignores
/// ([`jobfile::job_warnings`]) are warnings on stderr, errors when `strict`.
pub fn run_case_with(
    case: &CaseFiles,
    backend: &str,
    mem_bytes: usize,
    fill: u32,
    limits: &RunLimits,
    strict: bool,
    mode: Mode,
) -> Result<CaseResult, String> {
    let job = jobfile::read_job(&case.job).map_err(|e| e.to_string())?;
    check_job_warnings(&job, &case.job, strict)?;
    let ini = jobfile::read_mem(&case.ini, mem_bytes, fill).map_err(|e| e.to_string())?;
    let exp = jobfile::read_mem(&case.exp, mem_bytes, fill).map_err(|e| e.to_string())?;
    let mut be =
        create_backend_with(backend, ini.clone(), limits.stall).map_err(|e| e.to_string())?;
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
    /// Cases that took more cycles than the directory's cycles table allows
    /// (timed backends only): `(id, cycles, limit)`.
    pub slower: Vec<(String, u64, u64)>,
    /// Results in case order.
    pub results: Vec<CaseResult>,
}

/// Run every case in `dir`, print one line per case. A timed backend's
/// cycles are compared with the directory's `reference-cycles.txt` when it
/// has one (the reference RTL's figures, or the recorded figures of the
/// project's examples).
pub fn check_dir(
    dir: &Path,
    backend: &str,
    mem_bytes: usize,
    fill: u32,
    limits: &RunLimits,
) -> Result<CheckSummary, String> {
    check_dir_with(dir, backend, mem_bytes, fill, limits, false, Mode::Ntx)
        .map_err(|e| e.to_string())
}

/// Run every case in `dir` in arithmetic mode `mode` (a case that cannot
/// run counts as failed and the others still run; the reference's expected
/// memories are NTX-mode results, so in IEEE mode a case differs wherever
/// rounding to nearest even, NaN or subnormals change a stored word), print
/// one line per case on stdout; stops early only on Ctrl-C or `--timeout`
/// ([`crate::runctl::stop_requested`]).
pub fn check_dir_with(
    dir: &Path,
    backend: &str,
    mem_bytes: usize,
    fill: u32,
    limits: &RunLimits,
    strict: bool,
    mode: Mode,
) -> Result<CheckSummary, Failure> {
    let cases = jobfile::find_cases(dir).map_err(|e| e.to_string())?;
    if cases.is_empty() {
        return Err(format!("no jobNNNN.txt cases in {}", dir.display()).into());
    }
    let table = dir_cycles(dir)?.unwrap_or_default();
    let mut sum = CheckSummary::default();
    for (i, case) in cases.iter().enumerate() {
        if crate::runctl::stop_requested().is_some() {
            sum.not_run = cases.len() - i;
            break;
        }
        let r = match run_case_with(case, backend, mem_bytes, fill, limits, strict, mode) {
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
        // the figures are for memory that always grants
        let limit = table
            .iter()
            .find(|t| t.id == r.id && limits.stall.is_none())
            .map(|t| t.cycles);
        let cyc = match (r.cycles, limit) {
            (Some(c), Some(rc)) if c > rc => {
                sum.slower.push((r.id.clone(), c, rc));
                format!(" cycles={c} reference={rc} SLOWER")
            }
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
        sum.results.push(r);
    }
    Ok(sum)
}
