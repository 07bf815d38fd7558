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
//! reference needs 10). S5 is a 32-bit segment adder, not a full-width
//! one. With 9 segments (NTX mode only) no stage was deeper than S5 (Yosys
//! `ltp -noff`: FMAC 23, plain 284-bit adder [`WideAdder`] 30); with the 18
//! IEEE-mode segments the normaliser's N3 leading-one selection chain is
//! the longest path (40; see README, IEEE mode).
//!
//! **IEEE mode** (`ieee` with each op; spec section 8, golden model
//! `verif/src/model/ieee.rs`): the same pipeline and latency on a 576-bit
//! Kulisch accumulator (18 segments; NTX mode uses segments 0..8): exact
//! products and loads including subnormals, special values (NaN, inf,
//! 0 x inf, inf - inf, sign of exact zeros) tracked beside the accumulator
//! ([`accu::spec`]), one round to nearest even per `norm`, and the result's
//! exception `flags` (RISC-V `fflags` layout) with `out_valid`. The mode of
//! an op selects how it is placed and rounded; a stream switches mode only
//! at a load or a clear (the NTX loads at every job start).
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

use crate::params::{ACC_SEGS, ACC_SEG_WIDTH, ACC_WIDTH, FMAC_TAG_WIDTH, KULISCH_SEGS};
use rust_hdl::prelude::*;

/// Cycles from the cycle an op is presented to the cycle its result is on
/// `result` with `out_valid`.
pub const FMAC_LATENCY: usize = 9;

/// Full 32-bit accumulator segments (bits 255:0).
pub const FULL_SEGS: usize = ACC_SEGS - 1;
/// Width of the top accumulator segment (bits 283:256).
pub const TOP_SEG_WIDTH: usize = ACC_WIDTH - FULL_SEGS * ACC_SEG_WIDTH;

/// Accumulator segments in hardware (the IEEE-mode Kulisch accumulator).
pub const SEGS: usize = KULISCH_SEGS;

const _: () = assert!(ACC_SEG_WIDTH == 32 && FULL_SEGS == 8 && TOP_SEG_WIDTH == 28 && SEGS == 18);

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
    /// IEEE mode for this op (see the module documentation).
    pub ieee: Signal<In, Bit>,
    pub tag_in: Signal<In, Bits<FMAC_TAG_WIDTH>>,
    pub out_valid: Signal<Out, Bit>,
    pub result: Signal<Out, Bits<32>>,
    /// Exception flags of `result` (IEEE mode; zero in NTX mode).
    pub flags: Signal<Out, Bits<5>>,
    pub tag_out: Signal<Out, Bits<FMAC_TAG_WIDTH>>,
    mult: mult::Mult,
    lprep: align::LoadPrep,
    align: align::Align,
    accu: accu::Accu,
    normaliser: norm::Norm,
    // special-value terms of the load value and the product (S1)
    pa: Class,
    pb: Class,
    pl: Class,
    pneg: Signal<Local, Bit>,
    lneg: Signal<Local, Bit>,
    pterm: Signal<Local, Bits<5>>,
    lterm: Signal<Local, Bits<5>>,
    // control pipeline S1..S3
    v1: DFF<Bit>,
    load1: DFF<Bit>,
    mul1: DFF<Bit>,
    neg1: DFF<Bit>,
    norm1: DFF<Bit>,
    ieee1: DFF<Bit>,
    pt1: DFF<Bits<5>>,
    lt1: DFF<Bits<5>>,
    relu1: DFF<Bit>,
    tag1: DFF<Bits<FMAC_TAG_WIDTH>>,
    v2: DFF<Bit>,
    load2: DFF<Bit>,
    mul2: DFF<Bit>,
    neg2: DFF<Bit>,
    norm2: DFF<Bit>,
    ieee2: DFF<Bit>,
    pt2: DFF<Bits<5>>,
    lt2: DFF<Bits<5>>,
    relu2: DFF<Bit>,
    tag2: DFF<Bits<FMAC_TAG_WIDTH>>,
    v3: DFF<Bit>,
    load3: DFF<Bit>,
    mul3: DFF<Bit>,
    neg3: DFF<Bit>,
    norm3: DFF<Bit>,
    ieee3: DFF<Bit>,
    pt3: DFF<Bits<5>>,
    lt3: DFF<Bits<5>>,
    relu3: DFF<Bit>,
    tag3: DFF<Bits<FMAC_TAG_WIDTH>>,
    v4: DFF<Bit>,
    load4: DFF<Bit>,
    norm4: DFF<Bit>,
    ieee4: DFF<Bit>,
    pt4: DFF<Bits<5>>,
    lt4: DFF<Bits<5>>,
    relu4: DFF<Bit>,
    tag4: DFF<Bits<FMAC_TAG_WIDTH>>,
}

impl Logic for Fmac {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, v1, load1, mul1, neg1, norm1, relu1, tag1, v2, load2, mul2, neg2, norm2,
            relu2, tag2, v3, load3, mul3, neg3, norm3, relu3, tag3, v4, load4, norm4, relu4, tag4,
            ieee1, ieee2, ieee3, ieee4, pt1, pt2, pt3, pt4, lt1, lt2, lt3, lt4
        );
        // ---- special-value terms (IEEE mode) ----
        self.pa.x.next = bit_cast::<31, 32>(self.op_a.val());
        self.pb.x.next = bit_cast::<31, 32>(self.op_b.val());
        self.pl.x.next = bit_cast::<31, 32>(self.load_value.val());
        self.pneg.next = self.op_a.val().get_bit(31) ^ self.op_b.val().get_bit(31) ^ self.sub.val();
        self.lneg.next = self.load_value.val().get_bit(31) ^ self.load_neg.val();
        // NaN (or 0 x inf), invalid, +inf, -inf, kill (see accu::spec)
        self.pterm.next = bits::<5>(0);
        if self.mul.val() & self.ieee.val() {
            if self.pa.nan.val() | self.pb.nan.val() {
                self.pterm.next = bits::<5>(1);
                if self.pa.snan.val() | self.pb.snan.val() {
                    self.pterm.next = bits::<5>(3);
                }
            } else if (self.pa.inf.val() | self.pb.inf.val())
                & (self.pa.zero.val() | self.pb.zero.val())
            {
                self.pterm.next = bits::<5>(0b10011);
            } else if self.pa.inf.val() | self.pb.inf.val() {
                self.pterm.next = bits::<5>(0b10100);
                if self.pneg.val() {
                    self.pterm.next = bits::<5>(0b11000);
                }
            } else if (self.pa.zero.val() | self.pb.zero.val()) & self.pneg.val() {
                self.pterm.next = bits::<5>(0);
            } else {
                self.pterm.next = bits::<5>(0b10000);
            }
        }
        self.lterm.next = bits::<5>(0);
        if self.load.val() & self.ieee.val() {
            if self.pl.nan.val() {
                self.lterm.next = bits::<5>(1);
                if self.pl.snan.val() {
                    self.lterm.next = bits::<5>(3);
                }
            } else if self.pl.inf.val() {
                self.lterm.next = bits::<5>(0b10100);
                if self.lneg.val() {
                    self.lterm.next = bits::<5>(0b11000);
                }
            } else if self.pl.zero.val() & self.lneg.val() {
                self.lterm.next = bits::<5>(0);
            } else {
                self.lterm.next = bits::<5>(0b10000);
            }
        }
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
            self.ieee1.d.next = self.ieee.val();
            self.pt1.d.next = self.pterm.val();
            self.lt1.d.next = self.lterm.val();
            self.relu1.d.next = self.relu.val();
            self.tag1.d.next = self.tag_in.val();
        }
        if self.v1.q.val() {
            self.load2.d.next = self.load1.q.val();
            self.mul2.d.next = self.mul1.q.val();
            self.neg2.d.next = self.neg1.q.val();
            self.norm2.d.next = self.norm1.q.val();
            self.ieee2.d.next = self.ieee1.q.val();
            self.pt2.d.next = self.pt1.q.val();
            self.lt2.d.next = self.lt1.q.val();
            self.relu2.d.next = self.relu1.q.val();
            self.tag2.d.next = self.tag1.q.val();
        }
        if self.v2.q.val() {
            self.load3.d.next = self.load2.q.val();
            self.mul3.d.next = self.mul2.q.val();
            self.neg3.d.next = self.neg2.q.val();
            self.norm3.d.next = self.norm2.q.val();
            self.ieee3.d.next = self.ieee2.q.val();
            self.pt3.d.next = self.pt2.q.val();
            self.lt3.d.next = self.lt2.q.val();
            self.relu3.d.next = self.relu2.q.val();
            self.tag3.d.next = self.tag2.q.val();
        }
        if self.v3.q.val() {
            self.load4.d.next = self.load3.q.val();
            self.norm4.d.next = self.norm3.q.val();
            self.ieee4.d.next = self.ieee3.q.val();
            self.pt4.d.next = self.pt3.q.val();
            self.lt4.d.next = self.lt3.q.val();
            self.relu4.d.next = self.relu3.q.val();
            self.tag4.d.next = self.tag3.q.val();
        }
        // ---- S1-S3: product and load value preparation ----
        self.mult.clock.next = self.clock.val();
        self.mult.en.next = self.in_valid.val() & self.mul.val();
        self.mult.op_a.next = bit_cast::<31, 32>(self.op_a.val());
        self.mult.op_b.next = bit_cast::<31, 32>(self.op_b.val());
        self.mult.ieee.next = self.ieee.val();
        self.lprep.clock.next = self.clock.val();
        self.lprep.en.next = self.in_valid.val() & self.load.val();
        self.lprep.value.next = self.load_value.val();
        self.lprep.neg.next = self.load_neg.val();
        self.lprep.ieee.next = self.ieee.val();
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
        for i in 0..SEGS {
            self.accu.prod[i].next = self.align.prod[i].val();
            self.accu.base[i].next = self.align.base[i].val();
        }
        self.accu.cin0.next = self.align.cin0.val();
        self.accu.pterm.next = self.pt4.q.val();
        self.accu.lterm.next = bits::<5>(0);
        if self.load4.q.val() {
            self.accu.lterm.next = self.lt4.q.val();
        }
        // ---- N0-N5: normalise ----
        self.normaliser.clock.next = self.clock.val();
        self.normaliser.clear.next = self.clear.val();
        self.normaliser.start.next = self.v4.q.val() & self.norm4.q.val();
        self.normaliser.relu.next = self.relu4.q.val();
        self.normaliser.ieee.next = self.ieee4.q.val();
        self.normaliser.tag.next = self.tag4.q.val();
        for i in 0..SEGS {
            self.normaliser.acc[i].next = self.accu.acc[i].val();
        }
        for i in 0..17 {
            self.normaliser.carry[i].next = self.accu.carry[i].val();
        }
        self.normaliser.spec.next = self.accu.spec.val();
        self.out_valid.next = self.normaliser.out_valid.val();
        self.result.next = self.normaliser.result.val();
        self.flags.next = self.normaliser.flags.val();
        self.tag_out.next = self.normaliser.tag_out.val();
    }
}

/// Special-value class of an fp32 operand (combinational).
#[derive(LogicBlock, Default)]
pub struct Class {
    /// The operand without its sign.
    pub x: Signal<In, Bits<31>>,
    /// NaN.
    pub nan: Signal<Out, Bit>,
    /// Signalling NaN (quiet bit clear).
    pub snan: Signal<Out, Bit>,
    /// +-infinity.
    pub inf: Signal<Out, Bit>,
    /// +-0.
    pub zero: Signal<Out, Bit>,
}

impl Logic for Class {
    #[hdl_gen]
    fn update(&mut self) {
        self.nan.next =
            (self.x.val().get_bits::<8>(23) == 255) & self.x.val().get_bits::<23>(0).any();
        self.snan.next = (self.x.val().get_bits::<8>(23) == 255)
            & self.x.val().get_bits::<23>(0).any()
            & !self.x.val().get_bit(22);
        self.inf.next =
            (self.x.val().get_bits::<8>(23) == 255) & !self.x.val().get_bits::<23>(0).any();
        self.zero.next = !self.x.val().any();
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
