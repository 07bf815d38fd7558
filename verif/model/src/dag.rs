//! Hardware loops and address generators (spec section 5), as a flat
//! sequence of execute steps.
//!
//! Each step, the innermost loop advances; a loop at its end wraps to 0 and
//! carries into the next; every AGU adds the stride of the outermost loop
//! that advanced (only the `outer_level` active loops advance). Addresses are
//! 18-bit word addresses and wrap modulo 2^18.

use ntx_params::{AGU_ADDR_WIDTH, N_AGUS, N_LOOPS};

/// Mask of an AGU word address.
pub const AGU_MASK: u32 = (1 << AGU_ADDR_WIDTH) - 1;

/// The loop-nest part of a job, in hardware units.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LoopConfig {
    /// Inclusive ends: loop k runs `loop_end[k] + 1` times.
    pub loop_end: [u16; N_LOOPS],
    /// Number of active loops (0-5).
    pub outer_level: u8,
    /// AGU base word addresses (18 bits).
    pub base: [u32; N_AGUS],
    /// AGU word-address deltas per loop, modulo 2^18.
    pub stride: [[u32; N_LOOPS]; N_AGUS],
}

impl LoopConfig {
    /// Number of execute steps of the whole nest.
    pub fn total_steps(&self) -> u64 {
        self.loop_end[..(self.outer_level as usize).min(N_LOOPS)]
            .iter()
            .fold(1u64, |n, &e| n.saturating_mul(e as u64 + 1))
    }
}

/// One execute step: the three AGU word addresses and the loop flags.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Step {
    /// AGU0, AGU1, AGU2 word addresses of this step.
    pub addr: [u32; N_AGUS],
    /// Bit k (0..=5): loops 0..k-1 are all at their first iteration, i.e.
    /// `visit(k)` starts at this step (init runs where bit init_level is set).
    pub first: u8,
    /// Bit k (0..=5): loops 0..k-1 are all at their end, i.e. `visit(k)`
    /// ends at this step (store runs where bit inner_level is set).
    pub last: u8,
}

impl Step {
    /// True when `visit(level)` starts at this step.
    pub fn is_first(&self, level: u8) -> bool {
        self.first >> level & 1 != 0
    }
    /// True when `visit(level)` ends at this step.
    pub fn is_last(&self, level: u8) -> bool {
        self.last >> level & 1 != 0
    }
}

/// Iterator over the steps of a loop nest (see [`steps`]).
#[derive(Clone, Debug)]
pub struct Steps {
    cfg: LoopConfig,
    count: [u16; N_LOOPS],
    addr: [u32; N_AGUS],
    done: bool,
}

/// The flat step sequence of a loop nest, starting with every AGU at its base.
pub fn steps(cfg: &LoopConfig) -> Steps {
    Steps {
        cfg: *cfg,
        count: [0; N_LOOPS],
        addr: cfg.base.map(|b| b & AGU_MASK),
        done: false,
    }
}

impl Iterator for Steps {
    type Item = Step;

    fn next(&mut self) -> Option<Step> {
        if self.done {
            return None;
        }
        let active = (self.cfg.outer_level as usize).min(N_LOOPS);
        let (mut first, mut last) = (1u8, 1u8);
        let (mut all_first, mut all_last) = (true, true);
        for k in 1..=N_LOOPS {
            if k - 1 < active {
                all_first &= self.count[k - 1] == 0;
                all_last &= self.count[k - 1] == self.cfg.loop_end[k - 1];
            }
            first |= (all_first as u8) << k;
            last |= (all_last as u8) << k;
        }
        let step = Step {
            addr: self.addr,
            first,
            last,
        };
        // Advance: the lowest active loop not at its end increments, the ones
        // below it wrap, and every AGU adds that loop's stride.
        match (0..active).find(|&k| self.count[k] < self.cfg.loop_end[k]) {
            Some(k) => {
                self.count[k] += 1;
                self.count[..k].iter_mut().for_each(|c| *c = 0);
                for (a, s) in self.addr.iter_mut().zip(&self.cfg.stride) {
                    *a = a.wrapping_add(s[k]) & AGU_MASK;
                }
            }
            None => self.done = true,
        }
        Some(step)
    }
}
