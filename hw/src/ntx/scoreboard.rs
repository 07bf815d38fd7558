//! Store scoreboard: the word addresses of every store that has been
//! generated but not yet written (or cancelled), in program order. The
//! head is the address of the next write (writes retire in order), and a
//! read that matches any pending entry must wait, so every read sees all
//! earlier stores as the sequential golden model does.

use crate::params::AGU_ADDR_WIDTH;
use rust_hdl::prelude::*;

/// Number of stores that can be pending at once.
pub const SB_DEPTH: usize = 16;

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
    /// Query addresses and their enables.
    pub q: [Signal<In, Bits<AGU_ADDR_WIDTH>>; 3],
    pub q_en: [Signal<In, Bit>; 3],
    /// Some enabled query matches a pending store.
    pub hit: Signal<Out, Bit>,
    e: [DFF<Bits<AGU_ADDR_WIDTH>>; 16],
    v: [DFF<Bit>; 16],
    vs: [Signal<Local, Bit>; 16],
    m: [Signal<Local, Bit>; 16],
    popv: Signal<Local, Bit>,
}

impl Logic for Scoreboard {
    #[hdl_gen]
    fn update(&mut self) {
        for i in 0..16 {
            self.e[i].clock.next = self.clock.val();
            self.e[i].d.next = self.e[i].q.val();
            self.v[i].clock.next = self.clock.val();
            self.v[i].d.next = self.v[i].q.val();
        }
        self.popv.next = self.pop.val() & self.v[0].q.val();
        for i in 0..15 {
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
            for i in 1..16 {
                if !self.vs[i].val() & self.vs[i - 1].val() {
                    self.e[i].d.next = self.din.val();
                    self.v[i].d.next = true;
                }
            }
        }
        if self.clear.val() {
            for i in 0..16 {
                self.v[i].d.next = false;
            }
        }
        for i in 0..16 {
            self.m[i].next = self.v[i].q.val()
                & ((self.q_en[0].val() & (self.e[i].q.val() == self.q[0].val()))
                    | (self.q_en[1].val() & (self.e[i].q.val() == self.q[1].val()))
                    | (self.q_en[2].val() & (self.e[i].q.val() == self.q[2].val())));
        }
        self.hit.next = self.m[0].val()
            | self.m[1].val()
            | self.m[2].val()
            | self.m[3].val()
            | self.m[4].val()
            | self.m[5].val()
            | self.m[6].val()
            | self.m[7].val()
            | self.m[8].val()
            | self.m[9].val()
            | self.m[10].val()
            | self.m[11].val()
            | self.m[12].val()
            | self.m[13].val()
            | self.m[14].val()
            | self.m[15].val();
        self.head.next = self.e[0].q.val();
        self.valid.next = self.v[0].q.val();
        self.full.next = self.v[15].q.val();
    }
}
