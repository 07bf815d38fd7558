//! TCDM traffic generators for interconnect tests and benchmarks: masters that
//! follow the TCDM protocol (hold a request until granted) with configurable
//! address patterns and idle cycles.

use crate::model::xbar::Req;
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
    /// Every master on bank 0.
    Hotspot,
}

pub const PATTERNS: [Pattern; 4] = [
    Pattern::Uniform,
    Pattern::Linear,
    Pattern::Permutation,
    Pattern::Hotspot,
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
            Pattern::Hotspot => self.rng.gen_range(0..self.words / self.banks) * self.banks,
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
