//! TCDM traffic generators for interconnect tests and benchmarks: masters that
//! follow the TCDM protocol (hold a request until granted) with configurable
//! address patterns and idle cycles.

use crate::xbar::Req;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Address pattern of a master.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pattern {
    /// Uniformly random words.
    Uniform,
    /// Consecutive words from a random base.
    Linear,
    /// Request k of master m goes to bank (m + k) mod B: conflict free when
    /// the masters move in step.
    Permutation,
    /// Every master on bank 0, each on its own word (row `id`).
    Hotspot,
    /// Every master on four words (two in bank 0, two in bank 1): many
    /// same-word reads (broadcast) mixed with writes to those words.
    Shared,
}

pub const PATTERNS: [Pattern; 5] = [
    Pattern::Uniform,
    Pattern::Linear,
    Pattern::Permutation,
    Pattern::Hotspot,
    Pattern::Shared,
];

/// A randomized TCDM master.
#[derive(Clone, Debug)]
pub struct Master {
    pub id: usize,
    pub pattern: Pattern,
    /// Probability (per mille) of idling for a cycle instead of issuing.
    pub idle_permille: u32,
    /// Probability (per mille) that a request is a write.
    pub write_permille: u32,
    banks: usize,
    words: usize,
    k: usize,
    base: usize,
    rng: StdRng,
    /// Current request (held until granted).
    pub cur: Option<Req>,
    /// Cycles the current request has waited.
    pub waited: u64,
}

impl Master {
    pub fn new(
        id: usize,
        pattern: Pattern,
        banks: usize,
        words: usize,
        idle_permille: u32,
        seed: u64,
    ) -> Self {
        let mut rng = StdRng::seed_from_u64(seed ^ (id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let base = rng.gen_range(0..words);
        Self {
            id,
            pattern,
            idle_permille,
            write_permille: 400,
            banks,
            words,
            k: 0,
            base,
            rng,
            cur: None,
            waited: 0,
        }
    }

    fn next_word(&mut self) -> usize {
        let w = match self.pattern {
            Pattern::Uniform => self.rng.gen_range(0..self.words),
            Pattern::Linear => (self.base + self.k) % self.words,
            Pattern::Permutation => {
                let row = self.rng.gen_range(0..self.words / self.banks);
                row * self.banks + (self.id + self.k) % self.banks
            }
            Pattern::Hotspot => (self.id % (self.words / self.banks)) * self.banks,
            Pattern::Shared => {
                self.rng.gen_range(0..2) * self.banks + self.rng.gen_range(0..2.min(self.banks))
            }
        };
        self.k += 1;
        w
    }

    /// The request for this cycle (issues a new one if none is pending).
    pub fn request(&mut self) -> Option<Req> {
        if self.cur.is_none() && self.rng.gen_range(0..1000) >= self.idle_permille {
            let w = self.next_word();
            let we = self.rng.gen_range(0..1000) < self.write_permille;
            self.cur = Some(Req {
                addr: (w as u32) << 2,
                we,
                be: if we { self.rng.gen_range(1..16) } else { 0 },
                wdata: self.rng.gen(),
            });
            self.waited = 0;
        }
        self.cur
    }

    /// End of cycle: drop the request if it was granted. Returns the number
    /// of cycles the granted request waited.
    pub fn granted(&mut self, gnt: bool) -> Option<u64> {
        if self.cur.is_some() {
            if gnt {
                self.cur = None;
                return Some(self.waited);
            }
            self.waited += 1;
        }
        None
    }
}

/// Operand elements the reference NTX keeps in flight between its address
/// generators and the FPU (its ASIC input FIFO depth: requests stall when
/// this many elements are issued and not yet consumed).
pub const NTX_CREDITS: usize = 5;
/// Cycles from consuming the last operand of a result to its writeback
/// request (the FMAC pipeline latency).
pub const NTX_WB_DELAY: u64 = 10;

/// The TCDM traffic of one NTX running a job: two master ports fed by the
/// job's address streams (port 0 = AGU0 operand, port 1 = AGU1 operand),
/// each draining its own request queue as grants come; the FPU consumes one
/// element per cycle when both operands have arrived; at most
/// [`NTX_CREDITS`] elements between issue and consumption; a result is
/// written [`NTX_WB_DELAY`] cycles after its last element, on a port whose
/// read queue is empty, or ahead of reads when two results wait.
/// Only the operands the opcode reads matter for timing; this generator
/// models jobs that read both (MAC-like).
#[derive(Clone, Debug)]
pub struct NtxTraffic {
    steps: crate::dag::Steps,
    inner_level: u8,
    queue: [std::collections::VecDeque<u32>; 2],
    /// Operand words arrived per port (in order).
    arrived: [u64; 2],
    issued: u64,
    consumed: u64,
    total: u64,
    writes: std::collections::VecDeque<(u64, u32)>,
    /// Results whose last element is issued, not yet consumed: (element, address).
    pending_wb: std::collections::VecDeque<(u64, u32)>,
    /// A port granted last cycle (data arrives this cycle).
    in_flight: [bool; 2],
    /// Which port carries a write this cycle.
    writing: [bool; 2],
    now: u64,
    credits: usize,
    hints: bool,
    /// Cycle the job finished (all results written), if it has.
    pub finished: Option<u64>,
    /// Results written.
    pub results: u64,
}

impl NtxTraffic {
    /// The reference NTX: [`NTX_CREDITS`] elements, no urgency hints.
    pub fn new(job: &crate::job::Job) -> Self {
        Self::with_queues(job, NTX_CREDITS, false)
    }

    /// An NTX with `credits` elements of operand buffering; with `hints`, a
    /// port whose read queue is longer than the other's raises the
    /// interconnect's urgency hint ([`Self::urgent`]), as ours does.
    pub fn with_queues(job: &crate::job::Job, credits: usize, hints: bool) -> Self {
        let cfg = job.loop_config();
        Self {
            steps: crate::dag::steps(&cfg),
            inner_level: job.command().inner_level,
            queue: Default::default(),
            arrived: [0; 2],
            issued: 0,
            consumed: 0,
            total: cfg.total_steps(),
            writes: Default::default(),
            pending_wb: Default::default(),
            in_flight: [false; 2],
            writing: [false; 2],
            now: 0,
            credits,
            hints,
            finished: None,
            results: 0,
        }
    }

    /// Urgency hints of the two ports this cycle.
    pub fn urgent(&self) -> [bool; 2] {
        let (a, b) = (self.queue[0].len(), self.queue[1].len());
        [self.hints && a > b, self.hints && b > a]
    }

    /// Requests of the two ports this cycle.
    pub fn requests(&mut self) -> [Option<Req>; 2] {
        let mut out = [None, None];
        self.writing = [false, false];
        let wb_ready = matches!(self.writes.front(), Some(&(t, _)) if t <= self.now);
        let urgent = self.writes.iter().filter(|(t, _)| *t <= self.now).count() > 1;
        for p in [1usize, 0] {
            if wb_ready && !self.writing.iter().any(|&w| w) && (self.queue[p].is_empty() || urgent)
            {
                let a = self.writes.front().unwrap().1;
                out[p] = Some(Req {
                    addr: a << 2,
                    we: true,
                    be: 0xf,
                    wdata: 0,
                });
                self.writing[p] = true;
            } else if let Some(&a) = self.queue[p].front() {
                out[p] = Some(Req {
                    addr: a << 2,
                    we: false,
                    be: 0,
                    wdata: 0,
                });
            }
        }
        out
    }

    /// End of the cycle with the grants of the two ports.
    pub fn cycle(&mut self, gnt: [bool; 2]) {
        for p in 0..2 {
            if self.in_flight[p] {
                self.arrived[p] += 1;
            }
            self.in_flight[p] = false;
        }
        // FPU: one element per cycle once both operands are there.
        if self.consumed < self.issued
            && self.arrived[0] > self.consumed
            && self.arrived[1] > self.consumed
        {
            self.consumed += 1;
        }
        for p in 0..2 {
            if gnt[p] {
                if self.writing[p] {
                    self.writes.pop_front();
                    self.results += 1;
                } else {
                    self.queue[p].pop_front();
                    self.in_flight[p] = true;
                }
            }
        }
        // Address generators: one step per cycle within the credits.
        if self.issued < self.total && ((self.issued - self.consumed) as usize) < self.credits {
            let s = self.steps.next().expect("step count");
            self.queue[0].push_back(s.addr[0]);
            self.queue[1].push_back(s.addr[1]);
            if s.is_last(self.inner_level) {
                // Written NTX_WB_DELAY cycles after the element is consumed.
                self.pending_wb.push_back((self.issued, s.addr[2]));
            }
            self.issued += 1;
        }
        while matches!(self.pending_wb.front(), Some(&(i, _)) if i < self.consumed) {
            let (_, a) = self.pending_wb.pop_front().unwrap();
            self.writes.push_back((self.now + NTX_WB_DELAY, a));
        }
        self.now += 1;
        if self.finished.is_none()
            && self.consumed == self.total
            && self.writes.is_empty()
            && self.pending_wb.is_empty()
        {
            self.finished = Some(self.now);
        }
    }

    /// MAC steps consumed so far.
    pub fn consumed(&self) -> u64 {
        self.consumed
    }
}
