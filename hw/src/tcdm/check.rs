//! "At most one access per bank and cycle" check of the interconnect
//! ([`super::xbar::Xbar`]): a sticky error flag, set (from the next cycle
//! on) when, in some cycle, the requests granted at one bank are not one
//! bank access: two granted writes, a granted write and another granted
//! request, or granted reads of different words. Granted reads of the
//! same word are one access (read broadcast) and legal. Cleared only by
//! the synchronous `clear` (a DFF starts at 0 in simulation).
//!
//! Pairwise over the masters (`M * (M - 1) / 2` comparisons of bank and
//! word), independent of how the arbiters chose: it watches the grants the
//! interconnect gives, not its internal state. A block of its own, so its
//! inputs are plain wires of the interconnect's grant and decode signals
//! and the flag a register output.

use crate::params::ADDR_WIDTH;
use crate::tcdm::xbar::{arr, IDX_WIDTH};
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct OneAccess<const M: usize> {
    pub clock: Signal<In, Clock>,
    pub clear: Signal<In, Bit>,
    /// Master `m` is granted this cycle.
    pub gnt: [Signal<In, Bit>; M],
    /// Its request is a write.
    pub we: [Signal<In, Bit>; M],
    /// Its bank index and its word address (any common encoding).
    pub bank: [Signal<In, Bits<ADDR_WIDTH>>; M],
    pub word: [Signal<In, Bits<ADDR_WIDTH>>; M],
    /// Sticky: some cycle granted more than one access to one bank.
    pub err: Signal<Out, Bit>,
    bad: Signal<Local, Bit>,
    flag: DFF<Bit>,
    idx: [Constant<Bits<IDX_WIDTH>>; M],
}

impl<const M: usize> Default for OneAccess<M> {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            clear: Default::default(),
            gnt: arr(),
            we: arr(),
            bank: arr(),
            word: arr(),
            err: Default::default(),
            bad: Default::default(),
            flag: Default::default(),
            idx: std::array::from_fn(|m| Constant::new((m as u64).into())),
        }
    }
}

impl<const M: usize> Logic for OneAccess<M> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, flag);
        self.bad.next = false;
        for m in 0..M {
            for j in 0..M {
                if (self.idx[m].val() < self.idx[j].val())
                    & self.gnt[m].val()
                    & self.gnt[j].val()
                    & (self.bank[m].val() == self.bank[j].val())
                    & (self.we[m].val()
                        | self.we[j].val()
                        | (self.word[m].val() != self.word[j].val()))
                {
                    self.bad.next = true;
                }
            }
        }
        self.flag.d.next = self.flag.q.val() | self.bad.val();
        if self.clear.val() {
            self.flag.d.next = false;
        }
        self.err.next = self.flag.q.val();
    }
}
