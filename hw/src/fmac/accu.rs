//! FMAC stage S5: the segmented partial-carry-save accumulator and the
//! IEEE-mode special-value state.
//!
//! The accumulator is kept as 18 x 32-bit segments `acc[i]` plus one
//! pending carry bit `carry[i]` out of each segment. Its value is
//! `sum_i acc[i] * 2^(32 i) + sum_i carry[i] * 2^(32 (i+1))` (mod 2^576).
//! Every accumulation updates each segment independently:
//! `acc[i] + carry[i] * 2^32 = base[i] + prod[i] + cin[i]`, where
//! `cin[i] = carry[i-1]` of the previous cycle (the carry moves up one segment
//! per cycle instead of rippling through the whole width) and `cin[0]`
//! completes a negative product's two's complement. A load replaces `acc`
//! (and drops the pending carries) by the placed load value. NTX mode uses
//! bits 283:0 (segments 0..8; the bits above are meaningless there: the
//! NTX accumulator wraps mod 2^284); IEEE mode uses all 576 bits, the
//! Kulisch accumulator of `verif/src/model/ieee.rs` (LSB 2^-298), which wraps
//! mod 2^576 like the model. The normaliser resolves the carries.
//!
//! Special-value state (IEEE mode; [`spec`] bits): NaN, pending invalid, +inf
//! seen, -inf seen and "every term was a zero with negative sign". A load
//! starts from {negative zero} (the model's `load`), `clear` from all zero;
//! each term (load value, product) ORs its NaN/invalid/inf bits in and its
//! `kill` bit clears the negative-zero bit.

use super::SEGS;
use rust_hdl::prelude::*;

/// Bits of the special-value state and of a term's effect on it.
pub mod spec {
    /// The sum is NaN (state) / the term is NaN or 0 x inf (term).
    pub const NAN: u64 = 1 << 0;
    /// Invalid operation seen (signalling NaN operand, 0 x inf).
    pub const INV: u64 = 1 << 1;
    /// +inf was added.
    pub const PINF: u64 = 1 << 2;
    /// -inf was added.
    pub const NINF: u64 = 1 << 3;
    /// State: every term was a zero with negative sign; term: clears that.
    pub const NEGZ_KILL: u64 = 1 << 4;
}

#[derive(LogicBlock)]
pub struct Accu {
    pub clock: Signal<In, Clock>,
    /// Synchronous clear: accumulator and pending carries become zero.
    pub clear: Signal<In, Bit>,
    /// A valid op is in the accumulate stage.
    pub en: Signal<In, Bit>,
    /// The op starts from the placed load value instead of the accumulator.
    pub load: Signal<In, Bit>,
    /// Placed product, 18 segments.
    pub prod: [Signal<In, Bits<32>>; SEGS],
    pub cin0: Signal<In, Bit>,
    /// Placed load value.
    pub base: [Signal<In, Bits<32>>; SEGS],
    /// Effect of the load value and of the product on the special-value
    /// state ([`spec`] bits; zero for an absent term).
    pub lterm: Signal<In, Bits<5>>,
    pub pterm: Signal<In, Bits<5>>,
    /// Accumulator segments (registered).
    pub acc: [Signal<Out, Bits<32>>; SEGS],
    /// Pending carry out of segment i (into segment i+1); the carry out of
    /// the top segment is dropped (mod 2^576).
    pub carry: [Signal<Out, Bit>; 17],
    /// Special-value state (registered, [`spec`] bits).
    pub spec: Signal<Out, Bits<5>>,
    a_r: [DFF<Bits<32>>; SEGS],
    c_r: [DFF<Bit>; 17],
    s_r: DFF<Bits<5>>,
    bsel: [Signal<Local, Bits<32>>; SEGS],
    cin: [Signal<Local, Bit>; SEGS],
    sum: [Signal<Local, Bits<32>>; SEGS],
    sbase: Signal<Local, Bits<5>>,
    terms: Signal<Local, Bits<5>>,
}

impl Default for Accu {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            clear: Default::default(),
            en: Default::default(),
            load: Default::default(),
            prod: std::array::from_fn(|_| Default::default()),
            cin0: Default::default(),
            base: std::array::from_fn(|_| Default::default()),
            lterm: Default::default(),
            pterm: Default::default(),
            acc: std::array::from_fn(|_| Default::default()),
            carry: std::array::from_fn(|_| Default::default()),
            spec: Default::default(),
            a_r: std::array::from_fn(|_| Default::default()),
            c_r: std::array::from_fn(|_| Default::default()),
            s_r: Default::default(),
            bsel: std::array::from_fn(|_| Default::default()),
            cin: std::array::from_fn(|_| Default::default()),
            sum: std::array::from_fn(|_| Default::default()),
            sbase: Default::default(),
            terms: Default::default(),
        }
    }
}

impl Logic for Accu {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, s_r);
        for i in 0..SEGS {
            self.a_r[i].clock.next = self.clock.val();
            self.a_r[i].d.next = self.a_r[i].q.val();
        }
        for i in 0..17 {
            self.c_r[i].clock.next = self.clock.val();
            self.c_r[i].d.next = self.c_r[i].q.val();
        }
        // base: the placed load value or the accumulator
        if self.load.val() {
            for i in 0..SEGS {
                self.bsel[i].next = self.base[i].val();
            }
            self.sbase.next = bits::<5>(16);
        } else {
            for i in 0..SEGS {
                self.bsel[i].next = self.a_r[i].q.val();
            }
            self.sbase.next = self.s_r.q.val();
        }
        // carry in: the pending carry of the segment below (dropped by a load)
        self.cin[0].next = self.cin0.val();
        for i in 1..SEGS {
            self.cin[i].next = self.c_r[i - 1].q.val() & !self.load.val();
        }
        for i in 0..SEGS {
            self.sum[i].next = self.bsel[i].val() + self.prod[i].val() + self.cin[i].val();
        }
        self.terms.next = self.lterm.val() | self.pterm.val();
        if self.clear.val() {
            for i in 0..SEGS {
                self.a_r[i].d.next = bits::<32>(0);
            }
            for i in 0..17 {
                self.c_r[i].d.next = false;
            }
            self.s_r.d.next = bits::<5>(0);
        } else if self.en.val() {
            for i in 0..SEGS {
                self.a_r[i].d.next = self.sum[i].val();
            }
            for i in 0..17 {
                // carry out of bit 31: majority of the operand bits and the
                // carry into bit 31 (= !sum[31] when the operand bits differ)
                self.c_r[i].d.next = (self.bsel[i].val().get_bit(31)
                    & self.prod[i].val().get_bit(31))
                    | ((self.bsel[i].val().get_bit(31) | self.prod[i].val().get_bit(31))
                        & !self.sum[i].val().get_bit(31));
            }
            // NaN, invalid, inf bits OR in; a kill clears the negative zero
            self.s_r.d.next = ((self.sbase.val() | self.terms.val()) & bits::<5>(15))
                | (self.sbase.val() & !self.terms.val() & bits::<5>(16));
        }
        for i in 0..SEGS {
            self.acc[i].next = self.a_r[i].q.val();
        }
        for i in 0..17 {
            self.carry[i].next = self.c_r[i].q.val();
        }
        self.spec.next = self.s_r.q.val();
    }
}
