//! NTX write arbiter: assigns the write at the head of the write queue to
//! a TCDM port. A port holding an ungranted request keeps it; without
//! contention a write takes whichever port is free this cycle; under
//! contention (a request was refused within the last
//! [`NTX_CONTENTION_WINDOW`] cycles) it keeps the operand-A streams of the
//! cluster's NTX in step (see below).
//!
//! Part of the request cone of the ports: it reads the ports' lock
//! registers, never a grant (the contention window starts from the
//! registered held flags).

use crate::params::*;
use rust_hdl::prelude::*;

#[derive(LogicBlock, Default)]
pub struct WriteArb {
    pub clock: Signal<In, Clock>,
    pub clear: Signal<In, Bit>,
    /// The head of the write queue is a live write (not cancelled).
    pub w_live: Signal<In, Bit>,
    pub wq_count: Signal<In, Bits<5>>,
    /// The ports' lock registers (an ungranted read / write is held).
    pub held_rd0: Signal<In, Bit>,
    pub held_wr0: Signal<In, Bit>,
    pub held_rd1: Signal<In, Bit>,
    pub held_wr1: Signal<In, Bit>,
    /// A port offers a queued read this cycle.
    pub r0_ready: Signal<In, Bit>,
    pub r1_ready: Signal<In, Bit>,
    /// The read address queues are not empty.
    pub q0_valid: Signal<In, Bit>,
    pub q1_valid: Signal<In, Bit>,
    /// Port 1 is behind port 0 (its urgency hint).
    pub urgent1: Signal<In, Bit>,
    /// The job streams operand A through port 0.
    pub ex_a: Signal<In, Bit>,
    /// The write goes to port 0 / port 1 this cycle.
    pub sel0: Signal<Out, Bit>,
    pub sel1: Signal<Out, Bit>,
    /// Cycles since a TCDM request was last refused (saturating window,
    /// [`NTX_CONTENTION_WINDOW`]); nonzero = the ports are contended.
    w_cont: DFF<Bits<8>>,
    w_sel0: Signal<Local, Bit>,
    w_sel1: Signal<Local, Bit>,
    w_contended: Signal<Local, Bit>,
    w_free0: Signal<Local, Bit>,
    w_free1: Signal<Local, Bit>,
}
// hdl_gen needs literals: the window loads 255 into its 8-bit counter, and
// the write preempts reads from 4 queued results.
const _: () = assert!(
    NTX_CONTENTION_WINDOW == 255,
    "w_cont must match NTX_CONTENTION_WINDOW"
);

impl Logic for WriteArb {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, w_cont);
        // Contention: a request refused within the last window cycles (a
        // port holding a request was refused in the previous cycle; the
        // registered flags keep the grant out of this block's logic).
        if self.held_rd0.val() | self.held_wr0.val() | self.held_rd1.val() | self.held_wr1.val() {
            self.w_cont.d.next = bits::<8>(255); // NTX_CONTENTION_WINDOW
        } else if self.w_cont.q.val() != 0 {
            self.w_cont.d.next = self.w_cont.q.val() - 1;
        }
        self.w_contended.next = self.w_cont.q.val() != 0;
        // A port is free this cycle when it holds no read and offers none.
        self.w_free0.next = !self.held_rd0.val() & !self.r0_ready.val();
        self.w_free1.next = !self.held_rd1.val() & !self.r1_ready.val();
        self.w_sel0.next = false;
        self.w_sel1.next = false;
        if self.w_live.val() {
            if self.held_wr0.val() {
                self.w_sel0.next = true;
            } else if self.held_wr1.val() {
                self.w_sel1.next = true;
            } else if self.w_contended.val() {
                // Contended (a cluster): keep the operand A streams (port 0)
                // of NTX that share an input in step, so one broadcast read
                // keeps serving them: write on port 1 when it is idle, on an
                // idle port 0 only when port 1 is not behind or the job has
                // no operand-A stream, and a result that must preempt reads
                // takes port 1.
                if !self.held_rd1.val() & !self.q1_valid.val() {
                    self.w_sel1.next = true;
                } else if !self.held_rd0.val()
                    & !self.q0_valid.val()
                    & (!self.urgent1.val() | !self.ex_a.val())
                {
                    self.w_sel0.next = true;
                } else if (self.wq_count.val() >= bits::<5>(4)) & !self.held_rd1.val() {
                    self.w_sel1.next = true;
                }
            } else if self.w_free1.val() {
                // Uncontended: a write takes whichever port is free this
                // cycle, so one read stream plus writes run at one element
                // per cycle and three-access ops at 1.5.
                self.w_sel1.next = true;
            } else if self.w_free0.val() {
                self.w_sel0.next = true;
            } else if self.wq_count.val() >= bits::<5>(4) {
                // both ports offer reads: the write preempts the port that
                // is ahead (not urgent), so the lagging stream keeps its slot
                if !self.held_rd1.val() & !self.urgent1.val() {
                    self.w_sel1.next = true;
                } else if !self.held_rd0.val() {
                    self.w_sel0.next = true;
                } else if !self.held_rd1.val() {
                    self.w_sel1.next = true;
                }
            }
        }
        self.sel0.next = self.w_sel0.val();
        self.sel1.next = self.w_sel1.val();
        if self.clear.val() {
            self.w_cont.d.next = bits::<8>(0);
        }
    }
}
