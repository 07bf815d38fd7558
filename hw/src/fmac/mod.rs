//! The NTX fused multiply-accumulate unit (spec section 8, NTX mode):
//! exact fp32 products accumulated in a 284-bit fixed-point accumulator,
//! one operation per cycle back to back, fixed latency, no backpressure.
//!
//! Pipeline (an op presented in cycle 0 is sampled at the end of cycle 0):
//!
//! | end of cycle | stage | block |
//! |---|---|---|
//! | 0 | S1: 8x4 partial products, exponent sum; load significand | [`mult::Mult`], [`align::LoadPrep`] |
//! | 1 | S2: carry-save rows, placement (segment, offset); load negation | [`mult::Mult`], [`align::LoadPrep`] |
//! | 2 | S3: 48-bit product; load value shifted within its segment | [`mult::Mult`], [`align::LoadPrep`] |
//! | 3 | S4: product and load value placed into 9 segments | [`align::Align`] |
//! | 4 | S5: accumulate (segmented partial carry-save); N0: result wanted | [`accu::Accu`], [`norm::Norm`] |
//! | 5 | N1: carry resolve (carry select) | [`norm::Norm`] |
//! | 6 | N2: sign and magnitude | [`norm::Norm`] |
//! | 7 | N3: leading zeros per segment, highest non-zero segment | [`norm::Norm`], [`lzc::Lzc32`] |
//! | 8 | N4: normalise, exponent, pack, ReLU (output registers) | [`norm::Norm`] |
//!
//! The result of a `norm` op is valid in cycle [`FMAC_LATENCY`] = 9 (the
//! reference needs 10). No stage is deeper than the accumulation loop (S5),
//! which cannot be pipelined; S5 itself is a 32-bit segment adder, not a
//! 284-bit one (Yosys `ltp -noff`: FMAC 23, plain 284-bit adder
//! [`WideAdder`] 30).
//! IEEE round-to-nearest-even would add one stage after N4 (see `norm.rs`).
//!
//! Semantics per valid op (`in_valid`):
//! `base = load ? place(+-load_value x 1.0) : acc;
//!  acc = base + (mul ? place(+-op_a x op_b) : 0)` (mod 2^284); with `norm`,
//! `round(acc)` (ReLU'd with `relu`) comes out with `out_valid` and the op's
//! tag. Ops with `in_valid` = 0 change nothing. `clear` (synchronous) zeroes
//! the accumulator and kills every op in flight, including an op presented
//! in the same cycle as `clear`.

pub mod accu;
pub mod align;
pub mod lzc;
pub mod mult;
pub mod norm;

use crate::params::{ACC_SEGS, ACC_SEG_WIDTH, ACC_WIDTH, FMAC_TAG_WIDTH};
use rust_hdl::prelude::*;

/// Cycles from the cycle an op is presented to the cycle its result is on
/// `result` with `out_valid`.
pub const FMAC_LATENCY: usize = 9;

/// Full 32-bit accumulator segments (bits 255:0).
pub const FULL_SEGS: usize = ACC_SEGS - 1;
/// Width of the top accumulator segment (bits 283:256).
pub const TOP_SEG_WIDTH: usize = ACC_WIDTH - FULL_SEGS * ACC_SEG_WIDTH;

const _: () = assert!(ACC_SEG_WIDTH == 32 && FULL_SEGS == 8 && TOP_SEG_WIDTH == 28);

#[derive(LogicBlock, Default)]
pub struct Fmac {
    pub clock: Signal<In, Clock>,
    /// Synchronous clear: zero the accumulator, kill all ops in flight.
    pub clear: Signal<In, Bit>,
    pub in_valid: Signal<In, Bit>,
    pub op_a: Signal<In, Bits<32>>,
    pub op_b: Signal<In, Bits<32>>,
    /// Start from +-(load_value x 1.0) instead of the accumulator.
    pub load: Signal<In, Bit>,
    pub load_value: Signal<In, Bits<32>>,
    pub load_neg: Signal<In, Bit>,
    /// Add +-op_a x op_b (otherwise add nothing).
    pub mul: Signal<In, Bit>,
    /// Subtract the product.
    pub sub: Signal<In, Bit>,
    /// Emit round(acc) after this op.
    pub norm: Signal<In, Bit>,
    /// With norm: a result with the sign bit set becomes +0.0.
    pub relu: Signal<In, Bit>,
    pub tag_in: Signal<In, Bits<FMAC_TAG_WIDTH>>,
    pub out_valid: Signal<Out, Bit>,
    pub result: Signal<Out, Bits<32>>,
    pub tag_out: Signal<Out, Bits<FMAC_TAG_WIDTH>>,
    mult: mult::Mult,
    lprep: align::LoadPrep,
    align: align::Align,
    accu: accu::Accu,
    normaliser: norm::Norm,
    // control pipeline S1..S3
    v1: DFF<Bit>,
    load1: DFF<Bit>,
    mul1: DFF<Bit>,
    neg1: DFF<Bit>,
    norm1: DFF<Bit>,
    relu1: DFF<Bit>,
    tag1: DFF<Bits<FMAC_TAG_WIDTH>>,
    v2: DFF<Bit>,
    load2: DFF<Bit>,
    mul2: DFF<Bit>,
    neg2: DFF<Bit>,
    norm2: DFF<Bit>,
    relu2: DFF<Bit>,
    tag2: DFF<Bits<FMAC_TAG_WIDTH>>,
    v3: DFF<Bit>,
    load3: DFF<Bit>,
    mul3: DFF<Bit>,
    neg3: DFF<Bit>,
    norm3: DFF<Bit>,
    relu3: DFF<Bit>,
    tag3: DFF<Bits<FMAC_TAG_WIDTH>>,
    v4: DFF<Bit>,
    load4: DFF<Bit>,
    norm4: DFF<Bit>,
    relu4: DFF<Bit>,
    tag4: DFF<Bits<FMAC_TAG_WIDTH>>,
}

impl Logic for Fmac {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, v1, load1, mul1, neg1, norm1, relu1, tag1, v2, load2, mul2, neg2, norm2,
            relu2, tag2, v3, load3, mul3, neg3, norm3, relu3, tag3, v4, load4, norm4, relu4, tag4
        );
        // ---- control pipeline ----
        self.v1.d.next = self.in_valid.val() & !self.clear.val();
        self.v2.d.next = self.v1.q.val() & !self.clear.val();
        self.v3.d.next = self.v2.q.val() & !self.clear.val();
        self.v4.d.next = self.v3.q.val() & !self.clear.val();
        if self.in_valid.val() {
            self.load1.d.next = self.load.val();
            self.mul1.d.next = self.mul.val();
            self.neg1.d.next =
                self.op_a.val().get_bit(31) ^ self.op_b.val().get_bit(31) ^ self.sub.val();
            self.norm1.d.next = self.norm.val();
            self.relu1.d.next = self.relu.val();
            self.tag1.d.next = self.tag_in.val();
        }
        if self.v1.q.val() {
            self.load2.d.next = self.load1.q.val();
            self.mul2.d.next = self.mul1.q.val();
            self.neg2.d.next = self.neg1.q.val();
            self.norm2.d.next = self.norm1.q.val();
            self.relu2.d.next = self.relu1.q.val();
            self.tag2.d.next = self.tag1.q.val();
        }
        if self.v2.q.val() {
            self.load3.d.next = self.load2.q.val();
            self.mul3.d.next = self.mul2.q.val();
            self.neg3.d.next = self.neg2.q.val();
            self.norm3.d.next = self.norm2.q.val();
            self.relu3.d.next = self.relu2.q.val();
            self.tag3.d.next = self.tag2.q.val();
        }
        if self.v3.q.val() {
            self.load4.d.next = self.load3.q.val();
            self.norm4.d.next = self.norm3.q.val();
            self.relu4.d.next = self.relu3.q.val();
            self.tag4.d.next = self.tag3.q.val();
        }
        // ---- S1-S3: product and load value preparation ----
        self.mult.clock.next = self.clock.val();
        self.mult.en.next = self.in_valid.val() & self.mul.val();
        self.mult.op_a.next = bit_cast::<31, 32>(self.op_a.val());
        self.mult.op_b.next = bit_cast::<31, 32>(self.op_b.val());
        self.lprep.clock.next = self.clock.val();
        self.lprep.en.next = self.in_valid.val() & self.load.val();
        self.lprep.value.next = self.load_value.val();
        self.lprep.neg.next = self.load_neg.val();
        // ---- S4: placement ----
        self.align.clock.next = self.clock.val();
        self.align.en.next = self.v3.q.val();
        self.align.load.next = self.load3.q.val();
        self.align.padd.next = self.mul3.q.val() & !self.mult.none.val();
        self.align.pneg.next = self.neg3.q.val();
        self.align.prod_lo.next = self.mult.prod_lo.val();
        self.align.prod_hi.next = self.mult.prod_hi.val();
        self.align.pseg.next = self.mult.seg.val();
        self.align.poff.next = self.mult.off.val();
        self.align.prsh.next = self.mult.rsh.val();
        self.align.lw0.next = self.lprep.w0.val();
        self.align.lw1.next = self.lprep.w1.val();
        self.align.lseg.next = self.lprep.seg.val();
        self.align.lfill.next = self.lprep.fill.val();
        // ---- S5: accumulate ----
        self.accu.clock.next = self.clock.val();
        self.accu.clear.next = self.clear.val();
        self.accu.en.next = self.v4.q.val();
        self.accu.load.next = self.load4.q.val();
        for i in 0..FULL_SEGS {
            self.accu.prod[i].next = self.align.prod[i].val();
            self.accu.base[i].next = self.align.base[i].val();
        }
        self.accu.prod_top.next = self.align.prod_top.val();
        self.accu.base_top.next = self.align.base_top.val();
        self.accu.cin0.next = self.align.cin0.val();
        // ---- N0-N5: normalise ----
        self.normaliser.clock.next = self.clock.val();
        self.normaliser.clear.next = self.clear.val();
        self.normaliser.start.next = self.v4.q.val() & self.norm4.q.val();
        self.normaliser.relu.next = self.relu4.q.val();
        self.normaliser.tag.next = self.tag4.q.val();
        for i in 0..FULL_SEGS {
            self.normaliser.acc[i].next = self.accu.acc[i].val();
            self.normaliser.carry[i].next = self.accu.carry[i].val();
        }
        self.normaliser.acc_top.next = self.accu.acc_top.val();
        self.out_valid.next = self.normaliser.out_valid.val();
        self.result.next = self.normaliser.result.val();
        self.tag_out.next = self.normaliser.tag_out.val();
    }
}

/// Yardstick, not part of the FMAC: a plain combinational 284-bit adder
/// (`sum = a + b`), synthesized next to the FMAC to compare the longest
/// path of the segmented accumulator with that of a full-width carry chain.
#[derive(LogicBlock, Default)]
pub struct WideAdder {
    pub a: Signal<In, Bits<ACC_WIDTH>>,
    pub b: Signal<In, Bits<ACC_WIDTH>>,
    pub sum: Signal<Out, Bits<ACC_WIDTH>>,
}

impl Logic for WideAdder {
    #[hdl_gen]
    fn update(&mut self) {
        self.sum.next = self.a.val() + self.b.val();
    }
}
