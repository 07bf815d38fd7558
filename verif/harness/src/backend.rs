//! Simulation backends behind one interface, so that every job, test and
//! benchmark runs unchanged on the golden model (`model`), the rust-hdl RTL
//! (`rtl`) or a Verilator model of the generated Verilog (`verilator`).
//!
//! A backend holds one NTX plus its TCDM. [`run_job`] drives it as the
//! control core would: program the staging area, write CMD, poll STATUS.

use crate::model::job::Job;
use crate::model::mem::Tcdm;
use crate::model::ntx::{status, NtxModel};
use ntx_hw::params::regs;
use std::fmt;

/// A backend error: a timeout, an access fault, a refused write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackendError(pub String);

impl fmt::Display for BackendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for BackendError {}

/// One NTX with its memory, as a simulator sees it.
pub trait Backend {
    /// Short name (`model`, `rtl`, `verilator`).
    fn name(&self) -> &'static str;
    /// Replace the TCDM contents.
    fn load_mem(&mut self, mem: &Tcdm);
    /// The current TCDM contents (with any recorded access fault).
    fn read_mem(&mut self) -> Tcdm;
    /// Register write through the slave port; waits (bounded) for the grant.
    fn write_reg(&mut self, word: u32, value: u32) -> Result<(), BackendError>;
    /// Register read through the slave port.
    fn read_reg(&mut self, word: u32) -> Result<u32, BackendError>;
    /// Let `n` clock cycles pass (no-op for untimed backends).
    fn step(&mut self, n: u64);
    /// Clock cycles since creation, `None` for untimed backends.
    fn cycles(&self) -> Option<u64>;
    /// Granted TCDM accesses since creation (the hang detector's progress
    /// signal; untimed backends report 0).
    fn progress(&self) -> u64 {
        0
    }
}

/// The golden model as a backend (untimed: jobs complete on the CMD write).
pub struct ModelBackend {
    /// The NTX model.
    pub ntx: NtxModel,
    /// Its memory.
    pub mem: Tcdm,
}

impl ModelBackend {
    /// A fresh NTX with `mem`.
    pub fn new(mem: Tcdm) -> Self {
        Self {
            ntx: NtxModel::new(),
            mem,
        }
    }
}

impl Backend for ModelBackend {
    fn name(&self) -> &'static str {
        "model"
    }
    fn load_mem(&mut self, mem: &Tcdm) {
        self.mem = mem.clone();
    }
    fn read_mem(&mut self) -> Tcdm {
        self.mem.clone()
    }
    fn write_reg(&mut self, word: u32, value: u32) -> Result<(), BackendError> {
        if self.ntx.write_reg(&mut self.mem, word, value) {
            Ok(())
        } else {
            Err(BackendError(format!(
                "register write {word:#04x} not granted: the staging area is frozen and the \
                 NTX cannot progress (STATUS {:#07b})",
                self.ntx.status()
            )))
        }
    }
    fn read_reg(&mut self, word: u32) -> Result<u32, BackendError> {
        Ok(self.ntx.read_reg(word))
    }
    fn step(&mut self, _n: u64) {}
    fn cycles(&self) -> Option<u64> {
        None
    }
}

/// Default of `--max-steps`: the largest job accepted, in execute steps
/// (2^24: under a second on the model, about a minute on Verilator).
pub const DEFAULT_MAX_STEPS: u64 = 1 << 24;

/// Cycles a timed backend may go without progress (a granted TCDM access
/// or a change of STATUS) before the job is declared hung. Jobs whose
/// execute steps read nothing (COPY without aux bit 0, MASKMAC with aux
/// bit 2) get the steps between two stores on top ([`quiet_steps`]).
pub const HANG_CYCLES: u64 = 1 << 16;

/// Run conditions: limits that keep a job from running away, and the
/// memory contention of timed backends.
#[derive(Clone, Copy, Debug)]
pub struct RunLimits {
    /// Grant stalls of a timed backend (`--stall`); `None`: always granting.
    pub stall: Option<Stall>,
    /// Largest accepted job, in execute steps.
    pub max_steps: u64,
    /// Cycles without progress before a timed backend is declared hung
    /// (plus [`quiet_steps`] of the job).
    pub hang_cycles: u64,
}

impl Default for RunLimits {
    fn default() -> Self {
        Self {
            stall: None,
            max_steps: DEFAULT_MAX_STEPS,
            hang_cycles: HANG_CYCLES,
        }
    }
}

/// Execute steps a job may run without any TCDM access: the steps between
/// two stores when its execute step reads nothing (COPY with aux bit 0
/// clear, MASKMAC with aux bit 2 set), else 1.
pub fn quiet_steps(job: &Job) -> u64 {
    let c = job.command();
    let no_reads = (c.opcode as u32 == ntx_hw::params::opcode::COPY && c.aux & 1 == 0)
        || (c.opcode as u32 == ntx_hw::params::opcode::MASKMAC && c.aux & 4 != 0);
    if !no_reads {
        return 1;
    }
    (0..c.inner_level.min(5) as usize)
        .map(|k| job.loop_end[k] as u64 + 1)
        .product()
}

/// Outcome of [`run_job`].
#[derive(Clone, Debug)]
pub struct RunReport {
    /// Execute steps of the job.
    pub steps: u64,
    /// Cycles from the CMD write until STATUS read idle (timed backends).
    pub cycles: Option<u64>,
    /// Final memory.
    pub mem: Tcdm,
}

/// Run `job` from the backend's current state on `mem`: program the staging
/// area, write CMD, poll STATUS until idle. Errors: a job larger than the
/// limits, an invalid command (STATUS bit3), a hang, an access outside the
/// TCDM.
pub fn run_job(
    be: &mut dyn Backend,
    job: &Job,
    mem: &Tcdm,
    limits: &RunLimits,
) -> Result<RunReport, BackendError> {
    let cmd = job.command();
    let steps = if cmd.is_valid() { job.steps() } else { 0 };
    if steps > limits.max_steps {
        return Err(BackendError(format!(
            "job {:?} has {steps} steps, more than the limit of {} (raise --max-steps)",
            job.name, limits.max_steps
        )));
    }
    be.load_mem(mem);
    for (w, v) in job.staging_writes() {
        be.write_reg(w, v)?;
    }
    let start = be.cycles();
    be.write_reg(regs::CMD, job.cmd)?;
    let quiet = limits.hang_cycles.saturating_add(quiet_steps(job));
    let mut polls = 0u64;
    let (mut last_p, mut last_s, mut last_c) = (be.progress(), u32::MAX, be.cycles());
    loop {
        let s = be.read_reg(regs::STATUS)?;
        if s & status::INVALID != 0 {
            return Err(BackendError(format!(
                "job {:?}: the NTX flagged command {:#010x} as invalid (opcode {}, levels \
                 init {} inner {} outer {}: need inner <= init <= outer <= 5 and opcode <= 8)",
                job.name, job.cmd, cmd.opcode, cmd.init_level, cmd.inner_level, cmd.outer_level
            )));
        }
        if s & 0x1F == regs::STATUS_IDLE {
            break;
        }
        polls += 1;
        if polls.is_multiple_of(1024) {
            if let Some(stop) = crate::runctl::stop_requested() {
                return Err(BackendError(format!(
                    "job {:?} stopped after {} cycles ({})",
                    job.name,
                    be.cycles().unwrap_or(0) - start.unwrap_or(0),
                    match stop {
                        crate::runctl::Stop::Interrupted => "Ctrl-C",
                        crate::runctl::Stop::Timeout => "--timeout",
                    }
                )));
            }
        }
        let p = be.progress();
        if p != last_p || s != last_s {
            (last_p, last_s, last_c) = (p, s, be.cycles());
        } else if let (Some(c), Some(c0)) = (be.cycles(), last_c) {
            if c - c0 > quiet {
                return Err(BackendError(format!(
                    "job {:?} hung: no TCDM access and no STATUS change for {quiet} cycles \
                     (STATUS {s:#07b}, {} cycles after CMD)",
                    job.name,
                    c - start.unwrap_or(0)
                )));
            }
        }
    }
    let cycles = match (be.cycles(), start) {
        (Some(c), Some(s0)) => Some(c - s0),
        _ => None,
    };
    let out = be.read_mem();
    if let Some(a) = out.fault {
        return Err(BackendError(format!(
            "job {:?} accessed byte address {:#x}, outside the {} KiB TCDM",
            job.name,
            a as u64 * 4,
            out.bytes() / 1024
        )));
    }
    Ok(RunReport {
        steps,
        cycles,
        mem: out,
    })
}

/// Arithmetic mode of the NTX (spec section 8): the reference's NTX mode or
/// our IEEE 754 mode (CTRL bit 3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// NTX mode (reset default): truncation, bit-exact with the reference.
    #[default]
    Ntx,
    /// IEEE mode: exact accumulation, round to nearest even, NaN/inf,
    /// subnormals, FLAGS.
    Ieee,
}

impl std::str::FromStr for Mode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "ntx" => Ok(Mode::Ntx),
            "ieee" => Ok(Mode::Ieee),
            other => Err(format!("unknown mode {other:?}; available: ntx, ieee")),
        }
    }
}

/// Put the backend's NTX in `mode` (a CTRL write of bit 3; NTX mode leaves
/// the reset state untouched). Every backend implements both modes.
pub fn select_mode(be: &mut dyn Backend, mode: Mode) -> Result<(), BackendError> {
    match mode {
        Mode::Ntx => Ok(()),
        Mode::Ieee => be.write_reg(regs::CTRL, regs::CTRL_IEEE),
    }
}

/// Memory contention of a timed backend: each TCDM port's grant is withheld
/// with probability `p` per cycle, independently per port, from a seeded
/// generator (so cycle counts are deterministic for a seed).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stall {
    /// Probability (0 <= p < 1) that a port is not granted in a cycle.
    pub p: f64,
    /// Seed of the grant pattern.
    pub seed: u64,
}

impl std::str::FromStr for Stall {
    type Err = String;
    /// `P` or `P,SEED` (P a fraction, e.g. `0.1`, or a percentage, `10%`).
    fn from_str(s: &str) -> Result<Self, String> {
        let (p, seed) = match s.split_once(',') {
            Some((p, seed)) => (
                p,
                seed.trim()
                    .parse()
                    .map_err(|_| format!("--stall {s:?}: seed {seed:?} is not a number"))?,
            ),
            None => (s, 1),
        };
        let p = p.trim();
        let v: f64 = match p.strip_suffix('%') {
            Some(pc) => pc.parse::<f64>().map(|x| x / 100.0),
            None => p.parse(),
        }
        .map_err(|_| format!("--stall {s:?}: {p:?} is not a probability"))?;
        if !(0.0..1.0).contains(&v) {
            return Err(format!(
                "--stall {s:?}: the probability must be at least 0 and below 1"
            ));
        }
        Ok(Stall { p: v, seed })
    }
}
