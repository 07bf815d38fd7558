//! Logarithmic interconnect: `M` TCDM masters to `B` word-interleaved banks.
//!
//! Full crossbar with one round-robin arbiter per bank, grant in the request
//! cycle, read data (and `r_valid`, also for writes) exactly one cycle after
//! the grant, routed back to the granted master. Bank `b` holds the words
//! whose word address is `b` modulo `B`; the bank-internal word address is the
//! word address divided by `B` (the bank keeps the low bits it needs).
//!
//! Arbitration per bank: every master has a 2-bit level input; only the
//! requesters of the highest requesting level take part. Among them, if any
//! is *urgent* (below), only the urgent ones do. Among those the bank grants
//! the highest-numbered master strictly below the one it granted last, or,
//! if there is none, the highest-numbered one (round robin, descending).
//! With no urgent master, a master that holds its request is therefore
//! granted after at most `M - 1` grants to others at its level. The cluster
//! maps the NTX priority modes onto levels (`cluster.rs`).
//!
//! **Read broadcast**: when a bank grants a read, every other master that
//! reads the same word in the same cycle is granted too and receives the
//! same data one cycle later (one bank access). Several NTX streaming over a
//! shared input (the convolution of the cluster benchmark) cost one access
//! instead of one each. Writes are never merged.
//!
//! **Urgency** (`m[i].urgent`, a per-master hint): the master's stream is the
//! one its client waits for (an NTX port whose operand queue is behind the
//! other port's). A request is urgent if its master is, or if it reads the
//! same word as an urgent read (a broadcast that serves an urgent master).
//! Serving the waiting stream first lets the NTX buffers absorb conflicts
//! on the stream that is ahead. The cluster ties the hint of the core and
//! the DMA high, so they keep the round-robin bound against NTX ports of
//! their level, and an NTX port that keeps losing falls behind and becomes
//! urgent itself.
//!
//! **Aging** (the wait bound): each master counts the consecutive cycles it
//! requests without a grant (saturating at [`AGE_LIMIT`]; reset by a grant,
//! a cycle without request or a clear). A request whose count has reached
//! [`AGE_LIMIT`] is *aged*: at its bank only aged requests compete,
//! whatever their level and urgency, by the same round robin. A master that
//! holds its request is therefore granted after at most
//! `AGE_LIMIT + M - 1` refused cycles under every mix of levels, priority
//! modes and urgency hints. The limit is far above the waits of the
//! cluster's workloads, so aging only fires in pathological cases (an
//! urgent or higher-level stream hammering one bank).
//!
//! The arbiters are unrolled inside this block (an index register per bank):
//! rust-hdl 0.46 cannot connect an array of signals of an array of blocks
//! (`arb[b].req[m]` does not translate to Verilog), and it has no way to pack
//! `M` request bits into a vector in a loop, so a per-bank arbiter block with
//! a vector or array input cannot be wired up generically.

use super::check::OneAccess;
use crate::bus::TcdmSlave;
use crate::params::{cluster::PRIO_LEVEL_WIDTH, ADDR_WIDTH, BE_WIDTH, DATA_WIDTH};

/// Width of a bank index in the response routing registers (B <= 1024).
pub const BANK_IDX_WIDTH: usize = 10;
use rust_hdl::prelude::*;

/// Width of a master index (M <= 255).
pub const IDX_WIDTH: usize = 8;

pub use crate::params::cluster::{AGE_LIMIT, AGE_WIDTH};

pub(crate) fn arr<T: Default, const K: usize>() -> [T; K] {
    std::array::from_fn(|_| T::default())
}

#[derive(LogicBlock)]
pub struct Xbar<const M: usize, const B: usize> {
    pub clock: Signal<In, Clock>,
    /// Synchronous clear (arbiters and response registers).
    pub clear: Signal<In, Bit>,
    /// Master side: the slave port each master sees (its `urgent` hint:
    /// the master's stream is the one its client waits for, see above).
    pub m: [TcdmSlave; M],
    /// Arbitration level of each master (higher wins; ties: round robin).
    pub m_level: [Signal<In, Bits<PRIO_LEVEL_WIDTH>>; M],
    // Bank side.
    pub b_req: [Signal<Out, Bit>; B],
    /// Word address inside the bank (the bank keeps the low bits it needs).
    pub b_addr: [Signal<Out, Bits<ADDR_WIDTH>>; B],
    pub b_we: [Signal<Out, Bit>; B],
    pub b_be: [Signal<Out, Bits<BE_WIDTH>>; B],
    pub b_wdata: [Signal<Out, Bits<DATA_WIDTH>>; B],
    pub b_rdata: [Signal<In, Bits<DATA_WIDTH>>; B],
    /// Sticky: some cycle granted more than one access to one bank (two
    /// writes, or reads of different words); never set by a correct
    /// arbitration. Cleared by `clear`.
    pub err: Signal<Out, Bit>,
    /// The one-access-per-bank check behind `err`.
    pub chk: OneAccess<M>,
    /// Arbiter state: master granted last by each bank.
    last: [DFF<Bits<IDX_WIDTH>>; B],
    /// Response routing: each master was granted last cycle, by which bank.
    rv_q: [DFF<Bit>; M],
    rb_q: [DFF<Bits<BANK_IDX_WIDTH>>; M],
    /// Consecutive refused cycles of each master (saturating at `AGE_LIMIT`).
    age: [DFF<Bits<AGE_WIDTH>>; M],
    /// The request of each master is aged.
    aged: [Signal<Local, Bit>; M],
    /// Per bank: some requester is aged.
    anya: [Signal<Local, Bit>; B],
    /// Bank index of each master's address, its bank word address and its
    /// word address.
    mbank: [Signal<Local, Bits<ADDR_WIDTH>>; M],
    mbaddr: [Signal<Local, Bits<ADDR_WIDTH>>; M],
    mword: [Signal<Local, Bits<ADDR_WIDTH>>; M],
    /// The request of each master is urgent (its own hint, or a read of the
    /// same word as an urgent read).
    gu: [Signal<Local, Bit>; M],
    /// Per bank: some requester of the top level is urgent.
    anyu: [Signal<Local, Bit>; B],
    /// Each master is granted this cycle (arbitration or broadcast).
    mg: [Signal<Local, Bit>; M],
    /// Per bank: some requester at level 3 / 2 / 1.
    any3: [Signal<Local, Bit>; B],
    any2: [Signal<Local, Bit>; B],
    any1: [Signal<Local, Bit>; B],
    /// Per bank: level that takes part in arbitration.
    top: [Signal<Local, Bits<PRIO_LEVEL_WIDTH>>; B],
    /// Per bank: highest eligible master, highest eligible below `last`.
    hi: [Signal<Local, Bits<IDX_WIDTH>>; B],
    hi_any: [Signal<Local, Bit>; B],
    lo: [Signal<Local, Bits<IDX_WIDTH>>; B],
    lo_any: [Signal<Local, Bit>; B],
    /// Per bank: granted master and whether there is a grant.
    gidx: [Signal<Local, Bits<IDX_WIDTH>>; B],
    gany: [Signal<Local, Bit>; B],
    master_idx: [Constant<Bits<IDX_WIDTH>>; M],
    bank_id: [Constant<Bits<ADDR_WIDTH>>; B],
    bank_idx: [Constant<Bits<BANK_IDX_WIDTH>>; B],
    bank_mask: Constant<Bits<ADDR_WIDTH>>,
    bank_shift: Constant<Bits<ADDR_WIDTH>>,
    age_limit: Constant<Bits<AGE_WIDTH>>,
}

impl<const M: usize, const B: usize> Default for Xbar<M, B> {
    fn default() -> Self {
        assert!(B.is_power_of_two() && B <= 1024, "B must be a power of two");
        assert!((1..255).contains(&M), "1 <= M < 255");
        Self {
            clock: Default::default(),
            clear: Default::default(),
            m: arr(),
            m_level: arr(),
            b_req: arr(),
            b_addr: arr(),
            b_we: arr(),
            b_be: arr(),
            b_wdata: arr(),
            b_rdata: arr(),
            err: Default::default(),
            chk: Default::default(),
            last: arr(),
            rv_q: arr(),
            rb_q: arr(),
            age: arr(),
            aged: arr(),
            anya: arr(),
            mbank: arr(),
            mbaddr: arr(),
            mword: arr(),
            gu: arr(),
            anyu: arr(),
            mg: arr(),
            any3: arr(),
            any2: arr(),
            any1: arr(),
            top: arr(),
            hi: arr(),
            hi_any: arr(),
            lo: arr(),
            lo_any: arr(),
            gidx: arr(),
            gany: arr(),
            master_idx: std::array::from_fn(|m| Constant::new((m as u64).into())),
            bank_id: std::array::from_fn(|b| Constant::new((b as u64).into())),
            bank_idx: std::array::from_fn(|b| Constant::new((b as u64).into())),
            bank_mask: Constant::new(((B - 1) as u64).into()),
            bank_shift: Constant::new(((B.trailing_zeros() + 2) as u64).into()),
            age_limit: Constant::new((AGE_LIMIT as u64).into()),
        }
    }
}

impl<const M: usize, const B: usize> Logic for Xbar<M, B> {
    #[hdl_gen]
    fn update(&mut self) {
        self.chk.clock.next = self.clock.val();
        self.chk.clear.next = self.clear.val();
        self.err.next = self.chk.err.val();
        for m in 0..M {
            self.mbank[m].next = (self.m[m].addr.val() >> 2) & self.bank_mask.val();
            self.mbaddr[m].next = self.m[m].addr.val() >> self.bank_shift.val();
            self.mword[m].next = self.m[m].addr.val() >> 2;
            self.aged[m].next = self.m[m].req.val() & (self.age[m].q.val() == self.age_limit.val());
        }
        // Urgency of each request: its own, or that of a read of the same word.
        for m in 0..M {
            self.gu[m].next = self.m[m].req.val() & self.m[m].urgent.val();
            for j in 0..M {
                if self.m[m].req.val()
                    & !self.m[m].we.val()
                    & self.m[j].req.val()
                    & !self.m[j].we.val()
                    & self.m[j].urgent.val()
                    & (self.mword[m].val() == self.mword[j].val())
                {
                    self.gu[m].next = true;
                }
            }
        }
        for b in 0..B {
            // Levels present at this bank.
            self.any3[b].next = false;
            self.any2[b].next = false;
            self.any1[b].next = false;
            for m in 0..M {
                if self.m[m].req.val() && (self.mbank[m].val() == self.bank_id[b].val()) {
                    if self.m_level[m].val() == 3 {
                        self.any3[b].next = true;
                    }
                    if self.m_level[m].val() == 2 {
                        self.any2[b].next = true;
                    }
                    if self.m_level[m].val() == 1 {
                        self.any1[b].next = true;
                    }
                }
            }
            if self.any3[b].val() {
                self.top[b].next = 3.into();
            } else if self.any2[b].val() {
                self.top[b].next = 2.into();
            } else if self.any1[b].val() {
                self.top[b].next = 1.into();
            } else {
                self.top[b].next = 0.into();
            }
            // Aged requesters (any level) take precedence over everything.
            self.anya[b].next = false;
            for m in 0..M {
                if self.aged[m].val() && (self.mbank[m].val() == self.bank_id[b].val()) {
                    self.anya[b].next = true;
                }
            }
            // Then urgent requesters of the top level.
            self.anyu[b].next = false;
            for m in 0..M {
                if self.gu[m].val()
                    && (self.mbank[m].val() == self.bank_id[b].val())
                    && (self.m_level[m].val() == self.top[b].val())
                {
                    self.anyu[b].next = true;
                }
            }
            // Round robin among the eligible masters (last assignment wins:
            // the highest index).
            self.hi[b].next = 0.into();
            self.hi_any[b].next = false;
            self.lo[b].next = 0.into();
            self.lo_any[b].next = false;
            for m in 0..M {
                if self.m[m].req.val()
                    && (self.mbank[m].val() == self.bank_id[b].val())
                    && (self.aged[m].val()
                        | (!self.anya[b].val()
                            & (self.m_level[m].val() == self.top[b].val())
                            & (self.gu[m].val() | !self.anyu[b].val())))
                {
                    self.hi[b].next = self.master_idx[m].val();
                    self.hi_any[b].next = true;
                    if self.master_idx[m].val() < self.last[b].q.val() {
                        self.lo[b].next = self.master_idx[m].val();
                        self.lo_any[b].next = true;
                    }
                }
            }
            if self.lo_any[b].val() {
                self.gidx[b].next = self.lo[b].val();
            } else {
                self.gidx[b].next = self.hi[b].val();
            }
            self.gany[b].next = self.hi_any[b].val();
            // Arbiter and response state.
            self.last[b].clock.next = self.clock.val();
            self.last[b].d.next = self.last[b].q.val();
            if self.gany[b].val() {
                self.last[b].d.next = self.gidx[b].val();
            }
            if self.clear.val() {
                self.last[b].d.next = 0.into();
            }
            // Bank request: the granted master's signals.
            self.b_req[b].next = self.gany[b].val();
            self.b_addr[b].next = 0.into();
            self.b_we[b].next = false;
            self.b_be[b].next = 0.into();
            self.b_wdata[b].next = 0.into();
            for m in 0..M {
                if self.gany[b].val() && (self.gidx[b].val() == self.master_idx[m].val()) {
                    self.b_addr[b].next = self.mbaddr[m].val();
                    self.b_we[b].next = self.m[m].we.val();
                    self.b_be[b].next = self.m[m].be.val();
                    self.b_wdata[b].next = self.m[m].wdata.val();
                }
            }
        }
        // Master side: grant now (the arbiter's, or a broadcast of the
        // granted read of the same word), response one cycle later.
        for m in 0..M {
            self.mg[m].next = false;
            for b in 0..B {
                if self.gany[b].val() && (self.gidx[b].val() == self.master_idx[m].val()) {
                    self.mg[m].next = true;
                }
                if self.m[m].req.val()
                    & !self.m[m].we.val()
                    & self.gany[b].val()
                    & !self.b_we[b].val()
                    & (self.mbank[m].val() == self.bank_id[b].val())
                    & (self.mbaddr[m].val() == self.b_addr[b].val())
                {
                    self.mg[m].next = true;
                }
            }
            self.m[m].gnt.next = self.mg[m].val();
            self.chk.gnt[m].next = self.mg[m].val();
            self.chk.we[m].next = self.m[m].we.val();
            self.chk.bank[m].next = self.mbank[m].val();
            self.chk.word[m].next = self.mword[m].val();
            // Wait counter: +1 per refused cycle (saturating), else 0.
            self.age[m].clock.next = self.clock.val();
            self.age[m].d.next = 0.into();
            if self.m[m].req.val() & !self.mg[m].val() {
                self.age[m].d.next = self.age[m].q.val();
                if self.age[m].q.val() != self.age_limit.val() {
                    self.age[m].d.next = self.age[m].q.val() + 1;
                }
            }
            if self.clear.val() {
                self.age[m].d.next = 0.into();
            }
            self.rv_q[m].clock.next = self.clock.val();
            self.rb_q[m].clock.next = self.clock.val();
            self.rv_q[m].d.next = self.mg[m].val() & !self.clear.val();
            self.rb_q[m].d.next = self.mbank[m].val().get_bits::<BANK_IDX_WIDTH>(0);
            self.m[m].r_valid.next = self.rv_q[m].q.val();
            self.m[m].r_rdata.next = 0.into();
            for b in 0..B {
                if self.rv_q[m].q.val() & (self.rb_q[m].q.val() == self.bank_idx[b].val()) {
                    self.m[m].r_rdata.next = self.b_rdata[b].val();
                }
            }
        }
    }
}
