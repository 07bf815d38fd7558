//! DAG: the five nested hardware loops and three address generators of NTX
//! (spec section 5), as a flat step sequence.
//!
//! Each `step` the innermost loop advances; a loop at its end wraps to 0 and
//! carries into the next; every AGU adds the stride of the outermost loop
//! that advanced (only loops `< outer_level` take part), modulo 2^18. The
//! outputs describe the *current* step (combinational from the state):
//! the three word addresses, `first` (bit k: loops 0..k-1 all at 0),
//! `last` (bit k: loops 0..k-1 all at their end) and `done` =
//! `last[outer_level]` (this is the final step of the nest).
//!
//! `init` (synchronous; also the block's clear) loads the bases and clears
//! the counters. With `step` low nothing changes. `loop_end` and
//! `outer_level` must be valid at the `init` edge and, like the strides,
//! stable while the nest runs.
//!
//! Every output is a register (the flags of the next step are computed from
//! the next counter values), so no output depends combinationally on an
//! input: a controller may compute `step` from `last`/`done` without a
//! combinational cycle through this block.
//!
//! Strides are flattened: `stride[agu * N_LOOPS + loop]`.

use crate::params::*;
use rust_hdl::prelude::*;

/// Number of `first`/`last` bits: one per level 0..=N_LOOPS.
pub const N_LEVELS: usize = N_LOOPS + 1;

#[derive(LogicBlock, Default)]
pub struct Dag {
    pub clock: Signal<In, Clock>,
    /// Inclusive loop ends: loop k runs `loop_end[k] + 1` times.
    pub loop_end: [Signal<In, Bits<LOOP_WIDTH>>; N_LOOPS],
    /// Number of active loops (0..=5); 0 gives a single step.
    pub outer_level: Signal<In, Bits<3>>,
    /// AGU base word addresses (loaded by `init`).
    pub base: [Signal<In, Bits<AGU_ADDR_WIDTH>>; N_AGUS],
    /// Stride (word delta, two's complement mod 2^18) of AGU a for loop k at index a*5+k.
    pub stride: [Signal<In, Bits<AGU_ADDR_WIDTH>>; 15],
    /// Load the bases and clear the counters (synchronous clear).
    pub init: Signal<In, Bit>,
    /// Advance one step.
    pub step: Signal<In, Bit>,
    pub addr0: Signal<Out, Bits<AGU_ADDR_WIDTH>>,
    pub addr1: Signal<Out, Bits<AGU_ADDR_WIDTH>>,
    pub addr2: Signal<Out, Bits<AGU_ADDR_WIDTH>>,
    pub first: Signal<Out, Bits<N_LEVELS>>,
    pub last: Signal<Out, Bits<N_LEVELS>>,
    pub done: Signal<Out, Bit>,
    /// Loop counters (public for waveform probes).
    pub cnt: [DFF<Bits<LOOP_WIDTH>>; N_LOOPS],
    ptr: [DFF<Bits<AGU_ADDR_WIDTH>>; N_AGUS],
    r_first: DFF<Bits<N_LEVELS>>,
    r_last: DFF<Bits<N_LEVELS>>,
    r_done: DFF<Bit>,
    /// Bit k set when loop k is active (k < outer_level).
    active: Signal<Local, Bits<N_LOOPS>>,
    /// Loop k is the outermost loop that advances (one-hot or zero).
    adv: [Signal<Local, Bit>; N_LOOPS],
    delta: [Signal<Local, Bits<AGU_ADDR_WIDTH>>; N_AGUS],
    /// Counters of the next step.
    cn: [Signal<Local, Bits<LOOP_WIDTH>>; N_LOOPS],
    at_end: [Signal<Local, Bit>; N_LOOPS],
    at_zero: [Signal<Local, Bit>; N_LOOPS],
    lst: [Signal<Local, Bit>; N_LEVELS],
    fst: [Signal<Local, Bit>; N_LEVELS],
}

impl Logic for Dag {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, r_first, r_last, r_done);
        for k in 0..5 {
            self.cnt[k].clock.next = self.clock.val();
            self.cnt[k].d.next = self.cnt[k].q.val();
        }
        for a in 0..3 {
            self.ptr[a].clock.next = self.clock.val();
            self.ptr[a].d.next = self.ptr[a].q.val();
        }
        self.active.next = bit_cast::<5, 8>(
            (bits::<8>(1) << bit_cast::<8, 3>(self.outer_level.val())) - bits::<8>(1),
        );
        // current step: loop k advances when loops below are at their end and k is not
        for k in 0..5 {
            self.adv[k].next = self.r_last.q.val().get_bit(k) & !self.r_last.q.val().get_bit(k + 1);
        }
        for a in 0..3 {
            self.delta[a].next = bits::<18>(0);
            for k in 0..5 {
                if self.adv[k].val() {
                    self.delta[a].next = self.stride[a * 5 + k].val();
                }
            }
        }
        // next counters
        for k in 0..5 {
            self.cn[k].next = self.cnt[k].q.val();
            if self.step.val() {
                if self.adv[k].val() {
                    self.cn[k].next = self.cnt[k].q.val() + 1;
                } else if self.r_last.q.val().get_bit(k) {
                    self.cn[k].next = bits::<16>(0);
                }
            }
            if self.init.val() {
                self.cn[k].next = bits::<16>(0);
            }
            self.cnt[k].d.next = self.cn[k].val();
        }
        if self.step.val() {
            for a in 0..3 {
                self.ptr[a].d.next = self.ptr[a].q.val() + self.delta[a].val();
            }
        }
        if self.init.val() {
            for a in 0..3 {
                self.ptr[a].d.next = self.base[a].val();
            }
        }
        // flags of the next step; inactive loops count as at 0 and at their end
        for k in 0..5 {
            self.at_end[k].next =
                (self.cn[k].val() == self.loop_end[k].val()) | !self.active.val().get_bit(k);
            self.at_zero[k].next = self.cn[k].val() == bits::<16>(0);
        }
        self.lst[0].next = true;
        self.fst[0].next = true;
        for k in 0..5 {
            self.lst[k + 1].next = self.lst[k].val() & self.at_end[k].val();
            self.fst[k + 1].next = self.fst[k].val() & self.at_zero[k].val();
        }
        self.r_first.d.next = bits::<6>(1)
            .replace_bit(1, self.fst[1].val())
            .replace_bit(2, self.fst[2].val())
            .replace_bit(3, self.fst[3].val())
            .replace_bit(4, self.fst[4].val())
            .replace_bit(5, self.fst[5].val());
        self.r_last.d.next = bits::<6>(1)
            .replace_bit(1, self.lst[1].val())
            .replace_bit(2, self.lst[2].val())
            .replace_bit(3, self.lst[3].val())
            .replace_bit(4, self.lst[4].val())
            .replace_bit(5, self.lst[5].val());
        // `last` of an inactive level equals last[outer_level], so the top bit is done.
        self.r_done.d.next = self.lst[5].val();
        self.first.next = self.r_first.q.val();
        self.last.next = self.r_last.q.val();
        self.done.next = self.r_done.q.val();
        self.addr0.next = self.ptr[0].q.val();
        self.addr1.next = self.ptr[1].q.val();
        self.addr2.next = self.ptr[2].q.val();
    }
}
