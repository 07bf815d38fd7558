//! Behavioural twin of the logarithmic interconnect with its banks
//! (`ntx_hw::tcdm::Tcdm`): cycle-level grants, one-cycle read responses and a
//! word memory.
//!
//! Policy (the contract the RTL implements): bank of a byte address =
//! word address mod B, word inside the TCDM = word address mod (B x words per
//! bank). Per bank, only requesters at the highest requesting level compete;
//! the bank grants the highest master index strictly below the master it
//! granted last, otherwise the highest one. After a clear, "last" is 0.
//!
//! Aging (the wait bound): each master counts the consecutive cycles it
//! requests without a grant (saturating at [`AGE_LIMIT`]; reset by a grant,
//! a cycle without request or a clear). A request whose count has reached
//! [`AGE_LIMIT`] is *aged*: at its bank only aged requests compete (any
//! level, urgent or not), by the same round robin. A master that holds its
//! request is therefore granted after at most `AGE_LIMIT + M - 1` refused
//! cycles, whatever the levels and urgency hints of the others.

pub use ntx_params::cluster::AGE_LIMIT;

/// One master request (held by the master until granted).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Req {
    /// Byte address.
    pub addr: u32,
    pub we: bool,
    /// Byte enables of a write.
    pub be: u8,
    pub wdata: u32,
}

/// Outputs of one cycle.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CycleOut {
    /// Grant per master (for this cycle's requests).
    pub gnt: Vec<bool>,
    /// Response per master (for last cycle's grants).
    pub rvalid: Vec<bool>,
    /// Read data per master, `Some` only where the response is to a read.
    pub rdata: Vec<Option<u32>>,
}

/// Merge `wdata` into `old` under the byte enables `be`.
pub fn merge_be(old: u32, wdata: u32, be: u8) -> u32 {
    let mut m = 0u32;
    for i in 0..4 {
        if be & (1 << i) != 0 {
            m |= 0xff << (8 * i);
        }
    }
    (old & !m) | (wdata & m)
}

/// The interconnect plus banks.
#[derive(Clone, Debug)]
pub struct XbarModel {
    pub masters: usize,
    pub banks: usize,
    /// TCDM words (B x words per bank).
    pub mem: Vec<u32>,
    last: Vec<usize>,
    /// Consecutive refused cycles per master (saturating at [`AGE_LIMIT`]).
    age: Vec<u32>,
    /// Response due next cycle per master: `Some(Some(data))` for a read,
    /// `Some(None)` for a write.
    pending: Vec<Option<Option<u32>>>,
}

impl XbarModel {
    pub fn new(masters: usize, banks: usize, words: usize) -> Self {
        assert!(banks.is_power_of_two() && words.is_multiple_of(banks) && words.is_power_of_two());
        Self {
            masters,
            banks,
            mem: vec![0; words],
            last: vec![0; banks],
            age: vec![0; masters],
            pending: vec![None; masters],
        }
    }

    /// Word index in the TCDM of a byte address.
    pub fn word(&self, addr: u32) -> usize {
        ((addr >> 2) as usize) & (self.mem.len() - 1)
    }

    /// Bank of a byte address.
    pub fn bank(&self, addr: u32) -> usize {
        ((addr >> 2) as usize) & (self.banks - 1)
    }

    /// Which master each bank grants this cycle (no state change), without
    /// urgency hints.
    pub fn arbitrate(&self, reqs: &[Option<Req>], levels: &[u8]) -> Vec<Option<usize>> {
        self.arbitrate_urgent(reqs, levels, &vec![false; reqs.len()])
    }

    /// Whether each request is urgent: its master's hint, or a read of the
    /// same word as an urgent read.
    pub fn urgent_requests(&self, reqs: &[Option<Req>], urgent: &[bool]) -> Vec<bool> {
        (0..reqs.len())
            .map(|m| match reqs[m] {
                None => false,
                Some(r) => {
                    urgent[m]
                        || (!r.we && (0..reqs.len()).any(|j| {
                            urgent[j]
                                && matches!(reqs[j], Some(q) if !q.we && q.addr >> 2 == r.addr >> 2)
                        }))
                }
            })
            .collect()
    }

    /// Consecutive refused cycles of each master so far (saturating at
    /// [`AGE_LIMIT`]).
    pub fn waits(&self) -> &[u32] {
        &self.age
    }

    /// Whether each request is aged (has waited [`AGE_LIMIT`] cycles).
    pub fn aged_requests(&self, reqs: &[Option<Req>]) -> Vec<bool> {
        (0..reqs.len())
            .map(|m| reqs[m].is_some() && self.age[m] >= AGE_LIMIT)
            .collect()
    }

    /// Which master each bank's arbiter picks this cycle (no state change).
    pub fn arbitrate_urgent(
        &self,
        reqs: &[Option<Req>],
        levels: &[u8],
        urgent: &[bool],
    ) -> Vec<Option<usize>> {
        let gu = self.urgent_requests(reqs, urgent);
        let aged = self.aged_requests(reqs);
        (0..self.banks)
            .map(|b| {
                let cands: Vec<usize> = (0..self.masters)
                    .filter(|&m| matches!(reqs[m], Some(r) if self.bank(r.addr) == b))
                    .collect();
                let top = cands.iter().map(|&m| levels[m]).max()?;
                let elig: Vec<usize> = if cands.iter().any(|&m| aged[m]) {
                    cands.into_iter().filter(|&m| aged[m]).collect()
                } else {
                    let mut e: Vec<usize> =
                        cands.into_iter().filter(|&m| levels[m] == top).collect();
                    if e.iter().any(|&m| gu[m]) {
                        e.retain(|&m| gu[m]);
                    }
                    e
                };
                elig.iter()
                    .rev()
                    .find(|&&m| m < self.last[b])
                    .or(elig.last())
                    .copied()
            })
            .collect()
    }

    /// One clock cycle without urgency hints.
    pub fn cycle(&mut self, reqs: &[Option<Req>], levels: &[u8]) -> CycleOut {
        self.cycle_urgent(reqs, levels, &vec![false; reqs.len()])
    }

    /// One clock cycle: this cycle's grants (arbiters, then read
    /// broadcast), last cycle's responses, then the clock edge (memory
    /// accesses of the granted requests).
    pub fn cycle_urgent(
        &mut self,
        reqs: &[Option<Req>],
        levels: &[u8],
        urgent: &[bool],
    ) -> CycleOut {
        assert_eq!(reqs.len(), self.masters);
        let grants = self.arbitrate_urgent(reqs, levels, urgent);
        let mut out = CycleOut {
            gnt: vec![false; self.masters],
            rvalid: self.pending.iter().map(|p| p.is_some()).collect(),
            rdata: self.pending.iter().map(|p| p.flatten()).collect(),
        };
        self.pending = vec![None; self.masters];
        for (b, g) in grants.iter().enumerate() {
            if let Some(m) = *g {
                out.gnt[m] = true;
                self.last[b] = m;
                let r = reqs[m].unwrap();
                let w = self.word(r.addr);
                if r.we {
                    self.mem[w] = merge_be(self.mem[w], r.wdata, r.be);
                    self.pending[m] = Some(None);
                } else {
                    let data = self.mem[w];
                    for j in 0..self.masters {
                        // same word address (the full address, as the RTL
                        // compares it; aliases of a word are not merged)
                        if matches!(reqs[j], Some(q) if !q.we && q.addr >> 2 == r.addr >> 2) {
                            out.gnt[j] = true;
                            self.pending[j] = Some(Some(data));
                        }
                    }
                }
            }
        }
        for m in 0..self.masters {
            self.age[m] = if reqs[m].is_some() && !out.gnt[m] {
                (self.age[m] + 1).min(AGE_LIMIT)
            } else {
                0
            };
        }
        out
    }

    /// Synchronous clear: arbiters and wait counters back to reset,
    /// responses dropped.
    pub fn clear(&mut self) {
        self.last.iter_mut().for_each(|l| *l = 0);
        self.age.iter_mut().for_each(|a| *a = 0);
        self.pending.iter_mut().for_each(|p| *p = None);
    }
}
