//! Randomized soft-clear trials: the soft-clear contract (README, "Limits
//! and failure behaviour") checked on a timed NTX behind the pin-level
//! harness ([`crate::pins`]; rust-hdl or Verilator) against the golden
//! model.
//!
//! One trial, all drawn from one seed: a random job (any opcode, up to
//! thousands of steps) on random memory, a TCDM stall pattern
//! ([`StallPattern`]: none, random, bursts, ports blocked longer than the
//! queue depth, stalls correlated with requests), a soft clear `k` cycles
//! after the CMD write (`k = 0` is the cycle right after CMD). Checked:
//! 1. STATUS reads idle (0b00111) at the first read after the clear, and
//!    IRQ reads 0;
//! 2. no TCDM write happens afterwards ([`QUIET_CYCLES`] more cycles);
//! 3. memory equals the initial memory with a prefix, in element order, of
//!    the job's stores ([`store_prefix`]);
//! 4. a further random job then runs exactly as on the model.

use crate::backend::{run_job, Backend, ModelBackend, RunLimits};
use crate::cluster_tb::{random_region_job, random_value};
use crate::model::job::Job;
use crate::model::mem::Tcdm;
use crate::model::ntx::{store_prefix, NtxModel, QueuedJob};
use crate::pins::{BusHarness, NtxBus, ReqGrantFn};
use ntx_hw::params::{regs, NTX_QUEUE_DEPTH};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Bytes per AGU area of a trial's memory (each AGU stays in its own).
pub const AREA: u32 = 4096;
/// TCDM of a trial: three AGU areas.
pub const MEM_BYTES: usize = 3 * AREA as usize;
/// Largest trip count per loop of the cancelled job (up to 3 loops: up to
/// 20^3 = 8,000 steps).
pub const MAX_TRIP: u16 = 20;
/// Largest trip count per loop of the follow-up job.
pub const FOLLOW_TRIP: u16 = 6;
/// Register reads after the clear until STATUS must read idle.
pub const IDLE_READS: u32 = 1;
/// Cycles watched after the clear for a stray write.
pub const QUIET_CYCLES: u64 = 64;

/// A TCDM grant pattern for both ports.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum StallPattern {
    /// Always grant.
    None,
    /// Withhold each port's grant with probability `p[port]`.
    Random([f64; 2]),
    /// Two-state (granting / stalling) per port: enter a stall with
    /// probability `enter`, stalls last `mean` cycles on average.
    Bursts {
        /// Probability of a stall starting in a cycle.
        enter: f64,
        /// Mean stall length (cycles).
        mean: f64,
    },
    /// Now and then a port is blocked for `min..=max` cycles (longer than
    /// the NTX queue depth); otherwise grants with probability 0.9.
    Blocked {
        /// Shortest block.
        min: u64,
        /// Longest block.
        max: u64,
    },
    /// Stalls correlated with requests: when both ports request, only one
    /// is granted (a bank conflict, random winner); writes are refused
    /// with probability `write_stall`.
    Conflict {
        /// Probability of refusing a write request.
        write_stall: f64,
    },
}

impl StallPattern {
    /// A random pattern.
    pub fn random(rng: &mut StdRng) -> Self {
        match rng.gen_range(0..6) {
            0 => StallPattern::None,
            1 => StallPattern::Random([rng.gen_range(0.0..0.7), rng.gen_range(0.0..0.7)]),
            2 => StallPattern::Bursts {
                enter: rng.gen_range(0.01..0.2),
                mean: rng.gen_range(2.0..40.0),
            },
            3 => {
                let min = NTX_QUEUE_DEPTH as u64 + 1 + rng.gen_range(0..32);
                StallPattern::Blocked {
                    min,
                    max: min + rng.gen_range(0..200),
                }
            }
            _ => StallPattern::Conflict {
                write_stall: rng.gen_range(0.0..0.8),
            },
        }
    }

    /// The grant function of this pattern, seeded.
    pub fn grant_fn(self, seed: u64) -> ReqGrantFn {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut stalled = [0u64; 2];
        Box::new(move |_cycle, req, we| {
            let mut g = [true; 2];
            match self {
                StallPattern::None => {}
                StallPattern::Random(p) => {
                    for k in 0..2 {
                        g[k] = rng.gen::<f64>() >= p[k];
                    }
                }
                StallPattern::Bursts { enter, mean } => {
                    for k in 0..2 {
                        if stalled[k] == 0 && rng.gen::<f64>() < enter {
                            // geometric length with the given mean
                            let u: f64 = rng.gen_range(1e-9..1.0);
                            stalled[k] = 1 + (-u.ln() * mean) as u64;
                        }
                        if stalled[k] > 0 {
                            stalled[k] -= 1;
                            g[k] = false;
                        }
                    }
                }
                StallPattern::Blocked { min, max } => {
                    for k in 0..2 {
                        if stalled[k] == 0 && rng.gen::<f64>() < 0.01 {
                            stalled[k] = rng.gen_range(min..=max);
                        }
                        if stalled[k] > 0 {
                            stalled[k] -= 1;
                            g[k] = false;
                        } else {
                            g[k] = rng.gen::<f64>() < 0.9;
                        }
                    }
                }
                StallPattern::Conflict { write_stall } => {
                    if req[0] && req[1] {
                        let lose = rng.gen_range(0..2);
                        g[lose] = false;
                    }
                    for k in 0..2 {
                        if req[k] && we[k] && rng.gen::<f64>() < write_stall {
                            g[k] = false;
                        }
                    }
                }
            }
            g
        })
    }
}

/// Everything one trial draws from its seed.
#[derive(Clone, Debug)]
pub struct Trial {
    /// The job that is cancelled.
    pub job: Job,
    /// Initial memory.
    pub ini: Tcdm,
    /// Cycles between the CMD write and the soft clear (0: right after).
    pub clear_after: u64,
    /// TCDM stall pattern.
    pub stall: StallPattern,
    /// The job run after the clear.
    pub follow: Job,
}

/// Seed of trial `index` of a campaign with seed `seed` (splitmix64).
pub fn trial_seed(seed: u64, index: u64) -> u64 {
    let mut z = seed.wrapping_add(index.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Trial {
    /// The trial of `seed`.
    pub fn new(seed: u64) -> Self {
        let mut rng = StdRng::seed_from_u64(seed);
        let trip = rng_trip(&mut rng);
        let job = random_region_job(&mut rng, 0, AREA, trip);
        let mut ini = Tcdm::new(MEM_BYTES, 0x5555_5555);
        for w in ini.words_mut() {
            *w = random_value(&mut rng);
        }
        let stall = StallPattern::random(&mut rng);
        let est = job.steps() * 3 + 60;
        let clear_after = match rng.gen_range(0..10) {
            0 => 0,
            1 => rng.gen_range(1..8),
            2 => est + rng.gen_range(0..200), // likely after the end
            _ => rng.gen_range(0..est),
        };
        let follow = random_region_job(&mut rng, 0, AREA, FOLLOW_TRIP);
        Trial {
            job,
            ini,
            clear_after,
            stall,
            follow,
        }
    }
}

fn rng_trip(rng: &mut StdRng) -> u16 {
    // Mostly short jobs, some long ones (up to MAX_TRIP^3 steps).
    if rng.gen_bool(0.2) {
        MAX_TRIP
    } else {
        8
    }
}

/// What a passing trial observed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TrialOutcome {
    /// Steps of the cancelled job.
    pub steps: u64,
    /// Stores the whole job would make.
    pub stores: usize,
    /// Stores it made before the clear (the prefix length).
    pub done: usize,
    /// Cycles the trial took on the timed backend.
    pub cycles: u64,
}

/// Run trial `seed` on `h` (any state: the trial starts with its own
/// soft clear) and check the soft-clear contract. The error names the
/// seed's trial parameters.
pub fn run_trial<B: NtxBus>(h: &mut BusHarness<B>, seed: u64) -> Result<TrialOutcome, String> {
    let t = Trial::new(seed);
    let c0 = h.cycles().unwrap_or(0);
    let ctx = |e: String| {
        format!(
            "{e}\n  trial seed {seed:#x}: job {:?} cmd {:#010x} loop_end {:?} base {:?} \
             stride {:?}, stall {:?}, clear {} cycles after CMD",
            t.job.name, t.job.cmd, t.job.loop_end, t.job.base, t.job.stride, t.stall, t.clear_after
        )
    };
    let be = |e: crate::backend::BackendError| e.0;
    // Start clean: always-granting memory for the clear, then the pattern.
    h.set_grant(Box::new(|_, _| true));
    h.write_reg(regs::CTRL, 1).map_err(be)?;
    h.load_mem(&t.ini);
    h.set_grant_req(t.stall.grant_fn(seed ^ 0x5EED));
    for (w, v) in t.job.staging_writes() {
        h.write_reg(w, v).map_err(be)?;
    }
    h.write_reg(regs::CMD, t.job.cmd).map_err(be)?;
    h.step(t.clear_after);
    h.write_reg(regs::CTRL, 1).map_err(be)?;
    // 1. idle at once, IRQs cleared
    let mut reads = 0;
    loop {
        let s = h.read_reg(regs::STATUS).map_err(be)?;
        reads += 1;
        if s & 0x1F == regs::STATUS_IDLE {
            break;
        }
        if reads >= IDLE_READS {
            return Err(ctx(format!(
                "STATUS {s:#07b} after the soft clear: not idle at read {reads}"
            )));
        }
    }
    let irq = h.read_reg(regs::IRQ).map_err(be)?;
    if irq != 0 {
        return Err(ctx(format!("IRQ {irq:#x} after the soft clear")));
    }
    // 2. no write afterwards
    let after = h.read_mem();
    h.step(QUIET_CYCLES);
    let later = h.read_mem();
    if let Some(i) = (0..after.len_words()).find(|&i| after.words()[i] != later.words()[i]) {
        return Err(ctx(format!(
            "a write after the soft clear: byte {:#x} changed from {:#010x} to {:#010x}",
            4 * i,
            after.words()[i],
            later.words()[i]
        )));
    }
    if let Some(a) = after.fault {
        return Err(ctx(format!("access outside the TCDM at word {a:#x}")));
    }
    // 3. a prefix of the job's stores
    let log = NtxModel::new().store_log(&mut t.ini.clone(), &QueuedJob::of(&t.job));
    let done = store_prefix(&t.ini, &log, &after).map_err(ctx)?;
    // 4. a further job, against the model
    let limits = RunLimits::default();
    let rep = run_job(h, &t.follow, &after, &limits).map_err(|e| ctx(e.0))?;
    let mut mb = ModelBackend::new(after.clone());
    let want = run_job(&mut mb, &t.follow, &after, &limits).map_err(|e| ctx(e.0))?;
    if let Some(i) = (0..rep.mem.len_words()).find(|&i| rep.mem.words()[i] != want.mem.words()[i]) {
        return Err(ctx(format!(
            "follow-up job {:?} (cmd {:#010x}) differs from the model at byte {:#x}: got {:#010x}, \
             model {:#010x}",
            t.follow.name,
            t.follow.cmd,
            4 * i,
            rep.mem.words()[i],
            want.mem.words()[i]
        )));
    }
    let (ri, mi) = (
        h.read_reg(regs::IRQ).map_err(be)?,
        mb.read_reg(regs::IRQ).map_err(be)?,
    );
    if ri != mi {
        return Err(ctx(format!(
            "IRQ {ri:#x} after the follow-up job, model {mi:#x}"
        )));
    }
    Ok(TrialOutcome {
        steps: t.job.steps(),
        stores: log.len(),
        done,
        cycles: h.cycles().unwrap_or(0) - c0,
    })
}

/// The golden model's own side of the contract (for `ntx soak --backend
/// model`): for trial `seed`, [`NtxModel::execute_abort_after`] at the
/// clear's store count equals the prefix of the job's store log, and a
/// soft clear through the registers cancels a committed job.
pub fn run_model_trial(seed: u64) -> Result<TrialOutcome, String> {
    let t = Trial::new(seed);
    let q = QueuedJob::of(&t.job);
    let mut full = t.ini.clone();
    let log = NtxModel::new().store_log(&mut full, &q);
    let mut rng = StdRng::seed_from_u64(seed ^ 0xAB07);
    let k = rng.gen_range(0..=log.len());
    let mut m = t.ini.clone();
    let made = NtxModel::new().execute_abort_after(&mut m, &q, k as u64);
    if made != k as u64 {
        return Err(format!(
            "seed {seed:#x}: abort after {k} made {made} stores"
        ));
    }
    let got = store_prefix(&t.ini, &log, &m).map_err(|e| format!("seed {seed:#x}: {e}"))?;
    let mut want = t.ini.clone();
    for &(w, v) in &log[..k] {
        want.write(w, v);
    }
    if want.words() != m.words() || got > k {
        return Err(format!(
            "seed {seed:#x}: abort after {k} stores is not the {k}-store prefix"
        ));
    }
    Ok(TrialOutcome {
        steps: t.job.steps(),
        stores: log.len(),
        done: k,
        cycles: 0,
    })
}
