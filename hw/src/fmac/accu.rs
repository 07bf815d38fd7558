//! FMAC stage S5: the segmented partial-carry-save accumulator.
//!
//! The 284-bit accumulator is kept as 9 x 32-bit segments `acc[i]` plus one
//! pending carry bit `carry[i]` out of each segment. Its value is
//! `sum_i acc[i] * 2^(32 i) + sum_i carry[i] * 2^(32 (i+1))` (mod 2^284).
//! Every accumulation updates each segment independently:
//! `acc[i] + carry[i] * 2^32 = base[i] + prod[i] + cin[i]`, where
//! `cin[i] = carry[i-1]` of the previous cycle (the carry moves up one segment
//! per cycle instead of rippling through 284 bits) and `cin[0]` completes a
//! negative product's two's complement. A load replaces `acc` (and drops the
//! pending carries) by the placed load value. The carry out of the top
//! segment and bits 287:284 are meaningless (the value wraps mod 2^284); the
//! normaliser resolves the carries.

use super::{FULL_SEGS, TOP_SEG_WIDTH};
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct Accu {
    pub clock: Signal<In, Clock>,
    /// Synchronous clear: accumulator and pending carries become zero.
    pub clear: Signal<In, Bit>,
    /// A valid op is in the accumulate stage.
    pub en: Signal<In, Bit>,
    /// The op starts from the placed load value instead of the accumulator.
    pub load: Signal<In, Bit>,
    /// Placed product, segments 0..7 (bits 255:0) and the top segment (283:256).
    pub prod: [Signal<In, Bits<32>>; FULL_SEGS],
    pub prod_top: Signal<In, Bits<TOP_SEG_WIDTH>>,
    pub cin0: Signal<In, Bit>,
    /// Placed load value.
    pub base: [Signal<In, Bits<32>>; FULL_SEGS],
    pub base_top: Signal<In, Bits<TOP_SEG_WIDTH>>,
    /// Accumulator segments (registered).
    pub acc: [Signal<Out, Bits<32>>; FULL_SEGS],
    pub acc_top: Signal<Out, Bits<TOP_SEG_WIDTH>>,
    /// Pending carry out of segment i (into segment i+1); the top segment has none.
    pub carry: [Signal<Out, Bit>; FULL_SEGS],
    a_r: [DFF<Bits<32>>; FULL_SEGS],
    a_top: DFF<Bits<TOP_SEG_WIDTH>>,
    c_r: [DFF<Bit>; FULL_SEGS],
    bsel: [Signal<Local, Bits<32>>; FULL_SEGS],
    bsel_top: Signal<Local, Bits<TOP_SEG_WIDTH>>,
    cin: [Signal<Local, Bit>; FULL_SEGS],
    cin_top: Signal<Local, Bit>,
    sum: [Signal<Local, Bits<32>>; FULL_SEGS],
    sum_top: Signal<Local, Bits<TOP_SEG_WIDTH>>,
}

impl Default for Accu {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            clear: Default::default(),
            en: Default::default(),
            load: Default::default(),
            prod: std::array::from_fn(|_| Default::default()),
            prod_top: Default::default(),
            cin0: Default::default(),
            base: std::array::from_fn(|_| Default::default()),
            base_top: Default::default(),
            acc: std::array::from_fn(|_| Default::default()),
            acc_top: Default::default(),
            carry: std::array::from_fn(|_| Default::default()),
            a_r: std::array::from_fn(|_| Default::default()),
            a_top: Default::default(),
            c_r: std::array::from_fn(|_| Default::default()),
            bsel: std::array::from_fn(|_| Default::default()),
            bsel_top: Default::default(),
            cin: std::array::from_fn(|_| Default::default()),
            cin_top: Default::default(),
            sum: std::array::from_fn(|_| Default::default()),
            sum_top: Default::default(),
        }
    }
}

impl Logic for Accu {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, a_top);
        for i in 0..FULL_SEGS {
            self.a_r[i].clock.next = self.clock.val();
            self.a_r[i].d.next = self.a_r[i].q.val();
            self.c_r[i].clock.next = self.clock.val();
            self.c_r[i].d.next = self.c_r[i].q.val();
        }
        // base: the placed load value or the accumulator
        if self.load.val() {
            for i in 0..FULL_SEGS {
                self.bsel[i].next = self.base[i].val();
            }
            self.bsel_top.next = self.base_top.val();
        } else {
            for i in 0..FULL_SEGS {
                self.bsel[i].next = self.a_r[i].q.val();
            }
            self.bsel_top.next = self.a_top.q.val();
        }
        // carry in: the pending carry of the segment below (dropped by a load)
        self.cin[0].next = self.cin0.val();
        for i in 1..FULL_SEGS {
            self.cin[i].next = self.c_r[i - 1].q.val() & !self.load.val();
        }
        self.cin_top.next = self.c_r[7].q.val() & !self.load.val();
        for i in 0..FULL_SEGS {
            self.sum[i].next = self.bsel[i].val() + self.prod[i].val() + self.cin[i].val();
        }
        self.sum_top.next = self.bsel_top.val() + self.prod_top.val() + self.cin_top.val();
        if self.clear.val() {
            for i in 0..FULL_SEGS {
                self.a_r[i].d.next = bits::<32>(0);
                self.c_r[i].d.next = false;
            }
            self.a_top.d.next = bits::<TOP_SEG_WIDTH>(0);
        } else if self.en.val() {
            for i in 0..FULL_SEGS {
                self.a_r[i].d.next = self.sum[i].val();
                // carry out of bit 31: majority of the operand bits and the
                // carry into bit 31 (= !sum[31] when the operand bits differ)
                self.c_r[i].d.next = (self.bsel[i].val().get_bit(31)
                    & self.prod[i].val().get_bit(31))
                    | ((self.bsel[i].val().get_bit(31) | self.prod[i].val().get_bit(31))
                        & !self.sum[i].val().get_bit(31));
            }
            self.a_top.d.next = self.sum_top.val();
        }
        for i in 0..FULL_SEGS {
            self.acc[i].next = self.a_r[i].q.val();
            self.carry[i].next = self.c_r[i].q.val();
        }
        self.acc_top.next = self.a_top.q.val();
    }
}
