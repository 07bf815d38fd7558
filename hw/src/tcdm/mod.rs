//! Tightly coupled data memory: SRAM banks and the logarithmic interconnect
//! (with its per-bank round-robin arbiters), plus [`Tcdm`], the interconnect with its banks.

pub mod bank;
pub mod check;
pub mod xbar;

use crate::bus::TcdmSlave;
use crate::params::cluster::PRIO_LEVEL_WIDTH;
use bank::Bank;
use rust_hdl::prelude::*;
use xbar::{arr, Xbar};

/// `M` masters, `B` banks of `2^N` words each (word interleaved).
#[derive(LogicBlock)]
pub struct Tcdm<const M: usize, const B: usize, const N: usize> {
    pub clock: Signal<In, Clock>,
    pub clear: Signal<In, Bit>,
    /// The slave port of each master (linked to the interconnect's).
    pub m: [TcdmSlave; M],
    /// Arbitration level of each master (see [`Xbar`]).
    pub m_level: [Signal<In, Bits<PRIO_LEVEL_WIDTH>>; M],
    /// Sticky: the interconnect once granted more than one access to a
    /// bank in one cycle (see [`check::OneAccess`]); cleared by `clear`.
    pub err: Signal<Out, Bit>,
    pub xbar: Xbar<M, B>,
    pub banks: [Bank<N>; B],
}

impl<const M: usize, const B: usize, const N: usize> Default for Tcdm<M, B, N> {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            clear: Default::default(),
            m: arr(),
            m_level: arr(),
            err: Default::default(),
            xbar: Default::default(),
            banks: arr(),
        }
    }
}

impl<const M: usize, const B: usize, const N: usize> Tcdm<M, B, N> {
    /// Words of TCDM.
    pub const WORDS: usize = B << N;
    /// Backdoor read of TCDM word `w` (word address, interleaved).
    pub fn peek(&self, w: usize) -> u32 {
        self.banks[w % B].peek(w / B)
    }
    /// Backdoor write of TCDM word `w`.
    pub fn poke(&mut self, w: usize, v: u32) {
        self.banks[w % B].poke(w / B, v)
    }
}

impl<const M: usize, const B: usize, const N: usize> Logic for Tcdm<M, B, N> {
    #[hdl_gen]
    fn update(&mut self) {
        self.xbar.clock.next = self.clock.val();
        self.xbar.clear.next = self.clear.val();
        self.err.next = self.xbar.err.val();
        for m in 0..M {
            TcdmSlave::link(&mut self.m[m], &mut self.xbar.m[m]);
            self.xbar.m_level[m].next = self.m_level[m].val();
        }
        for b in 0..B {
            self.banks[b].clock.next = self.clock.val();
            self.banks[b].req.next = self.xbar.b_req[b].val();
            self.banks[b].addr.next = self.xbar.b_addr[b].val();
            self.banks[b].we.next = self.xbar.b_we[b].val();
            self.banks[b].be.next = self.xbar.b_be[b].val();
            self.banks[b].wdata.next = self.xbar.b_wdata[b].val();
            self.xbar.b_rdata[b].next = self.banks[b].rdata.val();
        }
    }
}
