//! Store scoreboard: the word addresses of every store that has been
//! generated but not yet written (or cancelled), in program order. The
//! head is the address of the next write (writes retire in order), and a
//! read that matches any pending entry must wait, so every read sees all
//! earlier stores as the sequential golden model does.

use crate::params::AGU_ADDR_WIDTH;
use rust_hdl::prelude::*;

/// Number of stores that can be pending at once.
pub const SB_DEPTH: usize = 16;
// The last entry is indexed with a literal (hdl_gen); the controller ORs
// SB_DEPTH match bits by hand.
const _: () = assert!(SB_DEPTH == 16);
/// Index of the last entry.
const SB_LAST: usize = SB_DEPTH - 1;

#[derive(LogicBlock, Default)]
pub struct Scoreboard {
    pub clock: Signal<In, Clock>,
    pub clear: Signal<In, Bit>,
    pub push: Signal<In, Bit>,
    pub din: Signal<In, Bits<AGU_ADDR_WIDTH>>,
    pub pop: Signal<In, Bit>,
    /// Address of the oldest pending store.
    pub head: Signal<Out, Bits<AGU_ADDR_WIDTH>>,
    pub valid: Signal<Out, Bit>,
    pub full: Signal<Out, Bit>,
    /// All entries (oldest first) and their valid bits, for the address
    /// comparison in the controller (kept outside this block so that no
    /// output depends combinationally on an input).
    pub ent: [Signal<Out, Bits<AGU_ADDR_WIDTH>>; SB_DEPTH],
    pub ent_v: [Signal<Out, Bit>; SB_DEPTH],
    /// Sticky: pushed while full (without a pop) or popped while empty
    /// since the last `clear` (a check that fires in simulation).
    pub err: Signal<Out, Bit>,
    err_r: DFF<Bit>,
    e: [DFF<Bits<AGU_ADDR_WIDTH>>; SB_DEPTH],
    v: [DFF<Bit>; SB_DEPTH],
    vs: [Signal<Local, Bit>; SB_DEPTH],
    popv: Signal<Local, Bit>,
}

impl Logic for Scoreboard {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, err_r);
        for i in 0..SB_DEPTH {
            self.e[i].clock.next = self.clock.val();
            self.e[i].d.next = self.e[i].q.val();
            self.v[i].clock.next = self.clock.val();
            self.v[i].d.next = self.v[i].q.val();
        }
        self.popv.next = self.pop.val() & self.v[0].q.val();
        for i in 0..SB_LAST {
            self.vs[i].next = self.v[i].q.val();
            if self.popv.val() {
                self.vs[i].next = self.v[i + 1].q.val();
                self.e[i].d.next = self.e[i + 1].q.val();
                self.v[i].d.next = self.v[i + 1].q.val();
            }
        }
        self.vs[15].next = self.v[15].q.val() & !self.popv.val();
        if self.popv.val() {
            self.v[15].d.next = false;
        }
        if self.push.val() {
            if !self.vs[0].val() {
                self.e[0].d.next = self.din.val();
                self.v[0].d.next = true;
            }
            for i in 1..SB_DEPTH {
                if !self.vs[i].val() & self.vs[i - 1].val() {
                    self.e[i].d.next = self.din.val();
                    self.v[i].d.next = true;
                }
            }
        }
        if (self.push.val() & self.vs[15].val()) | (self.pop.val() & !self.popv.val()) {
            self.err_r.d.next = true;
        }
        if self.clear.val() {
            self.err_r.d.next = false;
            for i in 0..SB_DEPTH {
                self.v[i].d.next = false;
            }
        }
        for i in 0..SB_DEPTH {
            self.ent[i].next = self.e[i].q.val();
            self.ent_v[i].next = self.v[i].q.val();
        }
        self.head.next = self.e[0].q.val();
        self.valid.next = self.v[0].q.val();
        self.full.next = self.v[15].q.val();
        self.err.next = self.err_r.q.val();
    }
}
