//! `ntx soak`: long randomized campaigns of soft-clear trials
//! ([`crate::softclear`]: random job, random stall pattern, soft clear at
//! a random cycle, prefix check, follow-up job against the golden model).
//!
//! Trial `i` of a campaign is fully determined by (`seed`, `i`)
//! ([`crate::softclear::trial_seed`]), so a campaign can be split over
//! machines with `--shard I/N` (trial `i` belongs to shard `i mod N`),
//! resumed with `--state FILE` (written atomically every second and at the
//! end: the next trial index and the counts so far), and any failure rerun
//! alone with the reproducer it prints (`--from i --jobs i+1`).

use crate::model::mem::Tcdm;
use crate::pins::{BusHarness, NtxBus};
use crate::runctl::{self, Failure};
use crate::softclear::{run_model_trial, run_trial, trial_seed, TrialOutcome, MEM_BYTES};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Options of one campaign (shard).
#[derive(Clone, Debug)]
pub struct SoakOpts {
    /// Trials of the whole campaign (indices `0..jobs`).
    pub jobs: u64,
    /// Campaign seed.
    pub seed: u64,
    /// `verilator`, `rtl` (also `rust-hdl`) or `model` (the model's abort
    /// operation against its store log).
    pub backend: String,
    /// This shard's index and the shard count.
    pub shard: (u64, u64),
    /// First trial index.
    pub from: u64,
    /// Resume file.
    pub state: Option<PathBuf>,
}

/// Counts of a campaign (shard).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SoakSummary {
    /// Trials run.
    pub trials: u64,
    /// Trials that passed.
    pub passed: u64,
    /// Failures (reproducer lines).
    pub failures: Vec<String>,
    /// Next trial index (for resuming).
    pub next: u64,
    /// Clock cycles simulated.
    pub cycles: u64,
    /// Stores the cancelled jobs made / would have made.
    pub stores_done: u64,
    /// Stores of the cancelled jobs when run whole.
    pub stores_total: u64,
}

/// Parse `I/N`.
pub fn parse_shard(s: &str) -> Result<(u64, u64), String> {
    let (i, n) = s
        .split_once('/')
        .ok_or_else(|| format!("--shard {s:?}: expected I/N"))?;
    let (i, n): (u64, u64) = (
        i.parse().map_err(|_| format!("--shard {s:?}: bad I"))?,
        n.parse().map_err(|_| format!("--shard {s:?}: bad N"))?,
    );
    if n == 0 || i >= n {
        return Err(format!("--shard {s:?}: need 0 <= I < N"));
    }
    Ok((i, n))
}

fn key(o: &SoakOpts) -> String {
    format!(
        "seed={} jobs={} backend={} shard={}/{}",
        o.seed, o.jobs, o.backend, o.shard.0, o.shard.1
    )
}

fn save(o: &SoakOpts, s: &SoakSummary) -> Result<(), String> {
    let Some(f) = &o.state else { return Ok(()) };
    let mut t = format!(
        "ntx-soak 1\n{}\nnext={} trials={} passed={} cycles={} stores_done={} stores_total={}\n",
        key(o),
        s.next,
        s.trials,
        s.passed,
        s.cycles,
        s.stores_done,
        s.stores_total
    );
    for e in &s.failures {
        t += &format!("failure {e}\n");
    }
    runctl::write_atomic(f, t.as_bytes()).map_err(|e| format!("{}: {e}", f.display()))
}

fn load(o: &SoakOpts) -> Result<Option<SoakSummary>, String> {
    let Some(f) = &o.state else { return Ok(None) };
    let Ok(text) = std::fs::read_to_string(f) else {
        return Ok(None);
    };
    let bad = || {
        format!(
            "{}: not a state file of this campaign ({})",
            f.display(),
            key(o)
        )
    };
    let mut lines = text.lines();
    if lines.next() != Some("ntx-soak 1") || lines.next() != Some(key(o).as_str()) {
        return Err(bad());
    }
    let mut s = SoakSummary::default();
    for kv in lines.next().ok_or_else(bad)?.split_whitespace() {
        let (k, v) = kv.split_once('=').ok_or_else(bad)?;
        let v: u64 = v.parse().map_err(|_| bad())?;
        match k {
            "next" => s.next = v,
            "trials" => s.trials = v,
            "passed" => s.passed = v,
            "cycles" => s.cycles = v,
            "stores_done" => s.stores_done = v,
            "stores_total" => s.stores_total = v,
            _ => return Err(bad()),
        }
    }
    for l in lines {
        s.failures
            .push(l.strip_prefix("failure ").ok_or_else(bad)?.to_string());
    }
    Ok(Some(s))
}

fn campaign(
    o: &SoakOpts,
    mut trial: impl FnMut(u64) -> Result<TrialOutcome, String>,
) -> Result<SoakSummary, Failure> {
    let mut s = match load(o)? {
        Some(s) => {
            runctl::warn(format!(
                "ntx soak: resuming at trial {} ({} done)",
                s.next, s.trials
            ));
            s
        }
        None => SoakSummary {
            next: o.from,
            ..Default::default()
        },
    };
    let t0 = Instant::now();
    let mut last_save = Instant::now();
    let mut last_note = Instant::now();
    while s.next < o.jobs {
        let i = s.next;
        s.next += 1;
        if i % o.shard.1 != o.shard.0 {
            continue;
        }
        if let Some(stop) = runctl::stop_requested() {
            s.next = i;
            save(o, &s)?;
            runctl::out(summary_line(o, &s, t0.elapsed()))?;
            return Err(stop.failure(&format!(
                "at trial {i}; rerun the same command to resume{}",
                if o.state.is_some() {
                    ""
                } else {
                    " (use --state FILE)"
                }
            )));
        }
        s.trials += 1;
        match trial(trial_seed(o.seed, i)) {
            Ok(r) => {
                s.passed += 1;
                s.cycles += r.cycles;
                s.stores_done += r.done as u64;
                s.stores_total += r.stores as u64;
            }
            Err(e) => {
                let rep = format!(
                    "trial {i}: ntx soak --backend {} --seed {} --from {i} --jobs {}",
                    o.backend,
                    o.seed,
                    i + 1
                );
                runctl::warn(format!("ntx soak: FAILED {rep}\n{e}"));
                s.failures.push(rep);
            }
        }
        if last_save.elapsed() > Duration::from_secs(1) {
            save(o, &s)?;
            last_save = Instant::now();
        }
        if last_note.elapsed() > Duration::from_secs(30) {
            runctl::warn(format!("ntx soak: {}", summary_line(o, &s, t0.elapsed())));
            last_note = Instant::now();
        }
    }
    save(o, &s)?;
    Ok(s)
}

/// The summary line printed at the end (and on Ctrl-C).
pub fn summary_line(o: &SoakOpts, s: &SoakSummary, t: Duration) -> String {
    format!(
        "soak backend={} seed={} shard={}/{} trials={} passed={} failed={} cycles={} \
         prefix_stores={}/{} next={} seconds={:.1}",
        o.backend,
        o.seed,
        o.shard.0,
        o.shard.1,
        s.trials,
        s.passed,
        s.failures.len(),
        s.cycles,
        s.stores_done,
        s.stores_total,
        s.next,
        t.as_secs_f64()
    )
}

fn harness_campaign<B: NtxBus>(o: &SoakOpts, mut h: BusHarness<B>) -> Result<SoakSummary, Failure> {
    campaign(o, |seed| run_trial(&mut h, seed))
}

/// Run a campaign (shard) and return its counts; failures are listed in
/// the summary (and on stderr with their reproducer), not an `Err`.
pub fn run(o: &SoakOpts) -> Result<SoakSummary, Failure> {
    let mem = Tcdm::new(MEM_BYTES, 0x5555_5555);
    match o.backend.as_str() {
        "model" => campaign(o, run_model_trial),
        "verilator" => {
            let h = crate::verilator::backend::create(mem).map_err(|e| e.0)?;
            harness_campaign(o, h)
        }
        "rtl" | "rust-hdl" => {
            let h = crate::rtl::RtlBackend::try_new(mem).map_err(|e| e.0)?;
            harness_campaign(o, h)
        }
        other => Err(Failure::error(format!(
            "unknown soak backend {other:?}; available: model, rtl (rust-hdl), verilator"
        ))),
    }
}
