//! The NTX cycle contract: deterministic cycle figures of the RTL that tests
//! assert and `ntx report` prints for the README.
//!
//! - **Cases**: every reference case and every project example takes no more
//!   cycles than its folder's `reference-cycles.txt` (the reference RTL's
//!   figures, or the figures recorded for our examples).
//! - **Streaming rates**: the cycles per element of long jobs of every
//!   opcode class, measured as the difference between a 2,000- and a
//!   1,000-element job (so the fixed start-up and drain overhead drops out),
//!   against the port bound: an element costs max(1, accesses / 2) cycles
//!   with two TCDM ports that always grant.
//! - **Back to back**: a second job staged and committed while the first
//!   streams costs its elements plus at most [`MAX_BACK_TO_BACK_GAP`].
//! - **Contention**: a 100,000-step MAC with both ports' grants withheld
//!   with probability P keeps at least the utilisation of [`STALL_FLOORS`].
//!
//! All figures here are cycles of one NTX (CMD write until STATUS reads
//! idle), identical on `--backend rtl` and `verilator`.

use crate::backend::{create_backend_with, run_job, BackendError, RunLimits, Stall};
use crate::cases::{self, CycleRow};
use crate::jobfile;
use crate::model::job::{Command, Job};
use crate::model::mem::Tcdm;
use ntx_hw::params::{opcode, regs};
use std::path::Path;

/// Cycles a back-to-back job may add beyond its elements.
pub const MAX_BACK_TO_BACK_GAP: u64 = 1;

/// Required utilisation (steps / cycles) of a 100,000-step MAC under
/// independent grant stalls of probability P on both ports: (P, floor).
/// The reference NTX reaches 87.5 % at 10 % and 71.2 % at 25 %; the limit
/// of decoupled operand queues is 1 - P.
pub const STALL_FLOORS: &[(f64, f64)] = &[(0.10, 0.89), (0.25, 0.74)];

/// Stall seed of the contract figures.
pub const STALL_SEED: u64 = 1;

/// Memory of the streaming jobs: operands at word 0, 8192, results at 16384.
const A: u32 = 0;
const B: u32 = 8192 * 4;
const C: u32 = 16384 * 4;

/// One streaming kernel of the contract.
#[derive(Clone, Debug)]
pub struct Stream {
    /// Label.
    pub name: &'static str,
    /// Command word.
    pub cmd: Command,
    /// Does AGU k advance per element (else it stays on one word)?
    pub walk: [bool; 3],
    /// TCDM accesses per element (reads + writes) in steady state.
    pub accesses: u32,
}

impl Stream {
    /// The port bound in cycles per element (two ports).
    pub fn bound(&self) -> f64 {
        (self.accesses as f64 / 2.0).max(1.0)
    }

    /// The job with `n` elements (one loop).
    pub fn job(&self, n: u16) -> Job {
        let st = |k: usize| if self.walk[k] { 4 } else { 0 };
        Job {
            name: self.name.replace(' ', "_"),
            cmd: self.cmd.encode(),
            loop_end: [n - 1, 0, 0, 0, 0],
            base: [A, B, C],
            stride: [
                [st(0), 0, 0, 0, 0],
                [st(1), 0, 0, 0, 0],
                [st(2), 0, 0, 0, 0],
            ],
        }
    }
}

fn c(op: u32, init: u8, inner: u8, sel: u8, aux: u8) -> Command {
    Command {
        opcode: op as u8,
        init_level: init,
        inner_level: inner,
        outer_level: 1,
        init_sel: sel,
        aux,
        ..Command::default()
    }
}

/// The streaming kernels: every opcode, with a store per element or one per
/// job, one to three accesses per element.
pub fn streams() -> Vec<Stream> {
    let s = |name, cmd, walk, accesses| Stream {
        name,
        cmd,
        walk,
        accesses,
    };
    vec![
        s(
            "MAC reduction",
            c(opcode::MAC, 1, 1, 3, 0),
            [true, true, false],
            2,
        ),
        s(
            "MAC store per element",
            c(opcode::MAC, 0, 0, 3, 0),
            [true, true, true],
            3,
        ),
        s(
            "VADDSUB C=A+C",
            c(opcode::VADDSUB, 0, 0, 2, 0),
            [true, false, true],
            3,
        ),
        s(
            "VMULT C=A*B",
            c(opcode::VMULT, 0, 0, 3, 0),
            [true, true, true],
            3,
        ),
        s(
            "OUTERP row",
            c(opcode::OUTERP, 1, 0, 1, 0),
            [true, false, true],
            2,
        ),
        s(
            "MAXMIN reduction",
            c(opcode::MAXMIN, 1, 1, 3, 0),
            [false, true, false],
            1,
        ),
        s(
            "MAXMIN store per element",
            c(opcode::MAXMIN, 0, 0, 3, 0),
            [false, true, true],
            2,
        ),
        s(
            "THTST",
            c(opcode::THTST, 1, 0, 3, 1),
            [false, true, true],
            2,
        ),
        s(
            "MASK compare",
            c(opcode::MASK, 1, 0, 3, 1),
            [true, true, true],
            3,
        ),
        s(
            "MASK counter",
            c(opcode::MASK, 1, 0, 3, 4),
            [true, false, true],
            2,
        ),
        s(
            "MASKMAC counter",
            c(opcode::MASKMAC, 1, 0, 3, 4),
            [false, false, true],
            1,
        ),
        s(
            "COPY vector",
            c(opcode::COPY, 0, 0, 0, 1),
            [true, false, true],
            2,
        ),
    ]
}

/// Memory for the streaming jobs: small positive floats everywhere.
pub fn stream_mem() -> Tcdm {
    let mut m = Tcdm::new(256 * 1024, 0x5555_5555);
    for w in 0..(m.len_words() as u32) {
        m.write(w, 0x3F80_0000 + ((w * 2654435761) >> 9));
    }
    m
}

/// Cycles of `job` from a fresh backend.
pub fn job_cycles(
    backend: &str,
    job: &Job,
    mem: &Tcdm,
    stall: Option<Stall>,
) -> Result<u64, BackendError> {
    let mut be = create_backend_with(backend, mem.clone(), stall)?;
    let r = run_job(be.as_mut(), job, mem, &RunLimits::default())?;
    r.cycles
        .ok_or_else(|| BackendError(format!("backend {backend} is untimed")))
}

/// A measured streaming rate.
#[derive(Clone, Debug)]
pub struct Rate {
    pub name: &'static str,
    /// Cycles of the 1,000-element job.
    pub cycles_1000: u64,
    /// Cycles per element in steady state (2,000 minus 1,000 elements).
    pub per_element: f64,
    /// The port bound.
    pub bound: f64,
}

/// Streaming rates of every kernel of [`streams`].
pub fn rates(backend: &str) -> Result<Vec<Rate>, BackendError> {
    let mem = stream_mem();
    streams()
        .into_iter()
        .map(|s| {
            let c1 = job_cycles(backend, &s.job(1000), &mem, None)?;
            let c2 = job_cycles(backend, &s.job(2000), &mem, None)?;
            Ok(Rate {
                name: s.name,
                cycles_1000: c1,
                per_element: (c2 as f64 - c1 as f64) / 1000.0,
                bound: s.bound(),
            })
        })
        .collect()
}

/// Extra cycles of a second `n`-element MAC job committed while the first
/// runs (staged during it, CMD written right after its own staging), over
/// the cycles of one job alone: (one job, two jobs back to back).
pub fn back_to_back(backend: &str, n: u16) -> Result<(u64, u64), BackendError> {
    let mem = stream_mem();
    let s = &streams()[0];
    let job = s.job(n);
    let one = job_cycles(backend, &job, &mem, None)?;
    let mut be = create_backend_with(backend, mem.clone(), None)?;
    let t0 = be.cycles().unwrap_or(0);
    for _ in 0..2 {
        for (w, v) in job.staging_writes() {
            be.write_reg(w, v)?;
        }
        be.write_reg(regs::CMD, job.cmd)?;
    }
    loop {
        let st = be.read_reg(regs::STATUS)?;
        if st & 0x1F == regs::STATUS_IDLE {
            break;
        }
        if be.cycles().unwrap_or(0) - t0 > 100 * n as u64 + 10_000 {
            return Err(BackendError("back-to-back jobs did not finish".into()));
        }
    }
    // the first CMD write came after one staging sequence: count from there
    let staging = job.staging_writes().len() as u64;
    let two = be.cycles().unwrap_or(0) - t0 - staging;
    Ok((one, two))
}

/// Utilisation (steps / cycles) of a 100,000-step MAC with both ports
/// stalled with probability `p` (seed [`STALL_SEED`]).
pub fn stall_utilisation(backend: &str, p: f64) -> Result<(u64, f64), BackendError> {
    let mem = stream_mem();
    let s = &streams()[0];
    // 100,000 steps: 100 x 1000, operands re-read in each row
    let mut job = s.job(1000);
    job.loop_end[1] = 99;
    job.cmd = Command {
        outer_level: 2,
        init_level: 2,
        inner_level: 2,
        ..s.cmd
    }
    .encode();
    job.stride[0][1] = -4 * 999;
    job.stride[1][1] = -4 * 999;
    let stall = (p > 0.0).then_some(Stall {
        p,
        seed: STALL_SEED,
    });
    let cyc = job_cycles(backend, &job, &mem, stall)?;
    Ok((cyc, job.steps() as f64 / cyc as f64))
}

/// Cycles of every case in `dir` on `backend`, with the folder's limits.
pub fn case_cycles(dir: &Path, backend: &str) -> Result<Vec<(CycleRow, Option<u64>)>, String> {
    let files = jobfile::find_cases(dir).map_err(|e| e.to_string())?;
    if files.is_empty() {
        return Err(format!("no cases in {}", dir.display()));
    }
    let table = cases::dir_cycles(dir)?.unwrap_or_default();
    let mut out = vec![];
    for f in &files {
        let r = cases::run_case(f, backend, 512 * 1024, 0x5555_5555, &RunLimits::default())?;
        if !r.diffs.is_empty() {
            return Err(format!("case {} in {}: wrong memory", r.id, dir.display()));
        }
        let limit = table.iter().find(|t| t.id == r.id).map(|t| t.cycles);
        out.push((
            CycleRow {
                id: r.id,
                name: r.name,
                steps: r.steps,
                cycles: r.cycles.ok_or("untimed backend")?,
            },
            limit,
        ));
    }
    Ok(out)
}

/// A cycles table in the `reference-cycles.txt` format.
pub fn format_cycles_file(header: &str, rows: &[CycleRow]) -> String {
    let mut s = String::new();
    for l in header.lines() {
        s.push_str(&format!("# {l}\n"));
    }
    s.push_str("# case opcode-name steps cycles\n");
    for r in rows {
        s.push_str(&format!("{} {} {} {}\n", r.id, r.name, r.steps, r.cycles));
    }
    s
}

fn opcode_of(dir: &Path, id: &str) -> String {
    jobfile::read_job(&dir.join(format!("job{id}.txt")))
        .map(|j| j.command().opcode_name().to_string())
        .unwrap_or_default()
}

/// The README's cycle table of the shipped reference cases (Markdown).
pub fn cycle_table_markdown(backend: &str) -> Result<String, String> {
    let dir = cases::shipped_ref_cases();
    let rows = case_cycles(&dir, backend)?;
    let mut s = String::from(
        "| case | opcode | elements | ntx-rs | reference RTL |\n|---|---|---|---|---|\n",
    );
    for (r, limit) in rows {
        s.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            r.id,
            opcode_of(&dir, &r.id),
            r.steps,
            r.cycles,
            limit.map(|l| l.to_string()).unwrap_or("-".into())
        ));
    }
    Ok(s)
}

/// The README's streaming-rate table (Markdown).
pub fn rate_table_markdown(backend: &str) -> Result<String, String> {
    let mut s = String::from(
        "| kernel | accesses/element | cycles, 1,000 elements | cycles/element (steady) | port bound |\n|---|---|---|---|---|\n",
    );
    for (st, r) in streams().iter().zip(rates(backend).map_err(|e| e.0)?) {
        s.push_str(&format!(
            "| {} | {} | {} | {:.3} | {:.1} |\n",
            r.name, st.accesses, r.cycles_1000, r.per_element, r.bound
        ));
    }
    Ok(s)
}

/// The README's contention table (Markdown): P = 0..90 %.
pub fn stall_table_markdown(backend: &str) -> Result<String, String> {
    let mut s = String::from(
        "| P (grant withheld per port) | cycles | utilisation | limit 1-P | reference NTX |\n|---|---|---|---|---|\n",
    );
    for pc in [0u32, 10, 25, 50, 75, 90] {
        let p = pc as f64 / 100.0;
        let (cyc, u) = stall_utilisation(backend, p).map_err(|e| e.0)?;
        let reference = match pc {
            10 => "87.5 %",
            25 => "71.2 %",
            _ => "-",
        };
        s.push_str(&format!(
            "| {pc} % | {cyc} | {:.1} % | {:.0} % | {reference} |\n",
            100.0 * u,
            100.0 * (1.0 - p)
        ));
    }
    Ok(s)
}

/// Replace the block between `<!-- ntx report: KEY -->` and
/// `<!-- end ntx report: KEY -->` in `text` with `body`.
pub fn splice(text: &str, key: &str, body: &str) -> Result<String, String> {
    let (start, end) = marker_span(text, key)?;
    Ok(format!("{}{}{}", &text[..start], body, &text[end..]))
}

/// The block between the markers of `key`.
pub fn section<'a>(text: &'a str, key: &str) -> Result<&'a str, String> {
    let (start, end) = marker_span(text, key)?;
    Ok(&text[start..end])
}

fn marker_span(text: &str, key: &str) -> Result<(usize, usize), String> {
    let open = format!("<!-- ntx report: {key} -->\n");
    let close = format!("<!-- end ntx report: {key} -->");
    let a = text
        .find(&open)
        .ok_or_else(|| format!("README has no {open:?} marker"))?
        + open.len();
    let b = text[a..]
        .find(&close)
        .ok_or_else(|| format!("README has no {close:?} marker"))?
        + a;
    Ok((a, b))
}

/// Lower bounds of the cluster's 3x3-convolution utilisation (spec 9
/// experiment) per bank count, as measured when the cycle contract was set
/// (2026-11-27): a change must not fall below them.
pub const CLUSTER_FLOORS: [(usize, f64); 4] = [(8, 0.649), (16, 0.916), (32, 0.975), (64, 0.975)];

/// The README's cluster table (Markdown): the bank sweep on the RTL cluster
/// on Verilator (a model build per bank count on first use).
pub fn cluster_table_markdown() -> Result<String, String> {
    use crate::bench::cluster::{run_banks, ClusterSim, REFERENCE};
    let mut s = String::from(
        "| banks | reference | ntx-rs RTL cluster | floor (test) | cycles |\n|---|---|---|---|---|\n",
    );
    for ((b, reference), (_, floor)) in REFERENCE.iter().zip(CLUSTER_FLOORS) {
        let r = run_banks(*b, ClusterSim::Verilator)?;
        s.push_str(&format!(
            "| {b} | {reference:.1} % | **{:.1} %** | {:.1} % | {} |\n",
            100.0 * r.run.utilisation,
            100.0 * floor,
            r.run.cycles
        ));
    }
    Ok(s)
}

/// The project's example cases with their cycles (for recording).
pub fn example_rows(backend: &str) -> Result<Vec<CycleRow>, String> {
    let dir = crate::runctl::verif_path("examples/jobs");
    Ok(case_cycles(&dir, backend)?
        .into_iter()
        .map(|(r, _)| r)
        .collect())
}

/// The README's table of the project's example cases (Markdown).
pub fn example_table_markdown(backend: &str) -> Result<String, String> {
    let dir = crate::runctl::verif_path("examples/jobs");
    let mut s = String::from(
        "| example | opcode | elements | cycles | recorded |\n|---|---|---|---|---|\n",
    );
    for (r, limit) in case_cycles(&dir, backend)? {
        s.push_str(&format!(
            "| {} {} | {} | {} | {} | {} |\n",
            r.id,
            r.name,
            opcode_of(&dir, &r.id),
            r.steps,
            r.cycles,
            limit.map(|l| l.to_string()).unwrap_or("-".into())
        ));
    }
    Ok(s)
}

/// Every README section `ntx report` regenerates: (marker key, Markdown).
pub fn report(backend: &str, cluster: bool) -> Result<Vec<(&'static str, String)>, String> {
    let mut v = vec![
        ("cycles", cycle_table_markdown(backend)?),
        ("examples", example_table_markdown(backend)?),
        ("rates", rate_table_markdown(backend)?),
        ("stalls", stall_table_markdown(backend)?),
    ];
    if cluster {
        v.push(("cluster", cluster_table_markdown()?));
    }
    Ok(v)
}
