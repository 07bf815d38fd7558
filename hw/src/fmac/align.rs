//! FMAC placement of values into the 9 x 32-bit accumulator segments.
//!
//! * [`LoadPrep`] (stages 1-3) turns the load value into a signed significand
//!   and its placement: the value is `v x 1.0`, i.e. its 24-bit significand
//!   (hidden one always set; subnormals read with exponent 0) lands with its
//!   LSB on accumulator bit e (0..=255, so nothing is ever dropped); a zero
//!   value (either sign) places nothing; exponent 255 (inf/NaN) saturates to
//!   2^46 at exponent 255, i.e. significand 2^23 at bit 255 (the mantissa
//!   bits are lost, as in the reference). A negative load is placed in two's
//!   complement: -(m * 2^e) = (-m) * 2^e, so the narrow significand is
//!   negated (stage 2) and the segments above it are filled with ones. Stage
//!   3 shifts it to its offset within the segment (two words).
//!   IEEE mode: subnormals have hidden bit 0 and exponent 1, and the value
//!   is placed in Kulisch coordinates (LSB at bit e + 148, the NTX layout
//!   moved up by 148 bits); inf and NaN place nothing (special values).
//! * [`Align`] (stage 4) places the product (see `mult.rs`) and the prepared
//!   load value into the 18 registered segments
//!   (NTX mode uses segments 0..8, of which bits 283:0 count). A negative product is placed in
//!   one's complement (every segment inverted) with `cin0` = 1 as the carry
//!   into segment 0, which completes the two's complement in the accumulator
//!   adder.

use super::SEGS;
use rust_hdl::prelude::*;

#[derive(LogicBlock, Default)]
pub struct LoadPrep {
    pub clock: Signal<In, Clock>,
    /// Compute enable (an op with `load` entering stage 1).
    pub en: Signal<In, Bit>,
    pub value: Signal<In, Bits<32>>,
    /// Negate the value (the value's own sign bit is honoured as well).
    pub neg: Signal<In, Bit>,
    /// IEEE mode for this op.
    pub ieee: Signal<In, Bit>,
    /// Stage-3 outputs: the signed significand shifted to its offset, low word
    /// (lands in segment `seg`).
    pub w0: Signal<Out, Bits<32>>,
    /// High word (lands in segment `seg + 1`).
    pub w1: Signal<Out, Bits<32>>,
    /// Accumulator segment of the significand's LSB (pos / 32).
    pub seg: Signal<Out, Bits<4>>,
    /// Segments above the value are all ones (negative, non-zero load).
    pub fill: Signal<Out, Bit>,
    mant1: DFF<Bits<32>>,
    pos1: DFF<Bits<9>>,
    ebias: Signal<Local, Bits<9>>,
    neg1: DFF<Bit>,
    en2: DFF<Bit>,
    sm2: DFF<Bits<32>>,
    seg2: DFF<Bits<4>>,
    off2: DFF<Bits<5>>,
    rsh2: DFF<Bits<6>>,
    fill2: DFF<Bit>,
    is_zero: Signal<Local, Bit>,
    mask2: Signal<Local, Bits<32>>,
    w0_3: DFF<Bits<32>>,
    w1_3: DFF<Bits<32>>,
    seg3: DFF<Bits<4>>,
    fill3: DFF<Bit>,
    en3: DFF<Bit>,
}

impl Logic for LoadPrep {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, mant1, pos1, neg1, en2, sm2, seg2, off2, rsh2, fill2, w0_3, w1_3, seg3,
            fill3, en3
        );
        // ---- stage 1 ----
        self.is_zero.next = bit_cast::<31, 32>(self.value.val()) == 0;
        self.en2.d.next = self.en.val();
        // IEEE: position e + 148 (subnormals: exponent 1)
        self.ebias.next = bit_cast::<9, 8>(self.value.val().get_bits::<8>(23)) + 148;
        if self.value.val().get_bits::<8>(23) == 0 {
            self.ebias.next = bits::<9>(149);
        }
        if self.en.val() & self.ieee.val() {
            self.pos1.d.next = self.ebias.val();
            self.neg1.d.next = (self.value.val().get_bit(31) ^ self.neg.val())
                & !self.is_zero.val()
                & (self.value.val().get_bits::<8>(23) != 255);
            if self.value.val().get_bits::<8>(23) == 255 {
                self.mant1.d.next = bits::<32>(0);
            } else if self.value.val().get_bits::<8>(23) == 0 {
                self.mant1.d.next = self.value.val() & bits::<32>(0x007F_FFFF);
            } else {
                self.mant1.d.next =
                    (self.value.val() & bits::<32>(0x007F_FFFF)) | bits::<32>(0x0080_0000);
            }
        }
        if self.en.val() & !self.ieee.val() {
            self.pos1.d.next = bit_cast::<9, 8>(self.value.val().get_bits::<8>(23));
            // value sign xor load_neg; a zero (either sign) places nothing
            self.neg1.d.next =
                (self.value.val().get_bit(31) ^ self.neg.val()) & !self.is_zero.val();
            if self.is_zero.val() {
                self.mant1.d.next = bits::<32>(0);
            } else if self.value.val().get_bits::<8>(23) == 255 {
                self.mant1.d.next = bits::<32>(0x0080_0000);
            } else {
                self.mant1.d.next =
                    (self.value.val() & bits::<32>(0x007F_FFFF)) | bits::<32>(0x0080_0000);
            }
        }
        // ---- stage 2 ----
        if self.en2.q.val() {
            if self.neg1.q.val() {
                self.sm2.d.next = !self.mant1.q.val() + 1;
            } else {
                self.sm2.d.next = self.mant1.q.val();
            }
            self.fill2.d.next = self.neg1.q.val();
            self.seg2.d.next = self.pos1.q.val().get_bits::<4>(5);
            self.off2.d.next = bit_cast::<5, 9>(self.pos1.q.val());
            self.rsh2.d.next =
                bits::<6>(32) - bit_cast::<6, 5>(bit_cast::<5, 9>(self.pos1.q.val()));
        }
        // ---- stage 3: shift to the offset within the segment ----
        self.mask2.next = bits::<32>(0);
        if self.fill2.q.val() {
            self.mask2.next = bits::<32>(0xFFFF_FFFF_u64);
        }
        self.en3.d.next = self.en2.q.val();
        if self.en3.q.val() {
            self.w0_3.d.next = self.sm2.q.val() << self.off2.q.val();
            self.w1_3.d.next =
                (self.sm2.q.val() >> self.rsh2.q.val()) | (self.mask2.val() << self.off2.q.val());
            self.seg3.d.next = self.seg2.q.val();
            self.fill3.d.next = self.fill2.q.val();
        }
        self.w0.next = self.w0_3.q.val();
        self.w1.next = self.w1_3.q.val();
        self.seg.next = self.seg3.q.val();
        self.fill.next = self.fill3.q.val();
    }
}

#[derive(LogicBlock)]
pub struct Align {
    pub clock: Signal<In, Clock>,
    /// A valid op is in stage 3 (update the product segments).
    pub en: Signal<In, Bit>,
    /// The op loads (update the load segments).
    pub load: Signal<In, Bit>,
    /// The product counts (mul set and not `none`).
    pub padd: Signal<In, Bit>,
    /// The product is negative (sign_a ^ sign_b ^ sub).
    pub pneg: Signal<In, Bit>,
    pub prod_lo: Signal<In, Bits<32>>,
    pub prod_hi: Signal<In, Bits<16>>,
    pub pseg: Signal<In, Bits<5>>,
    pub poff: Signal<In, Bits<5>>,
    pub prsh: Signal<In, Bits<6>>,
    /// Load value shifted within its segment (from [`LoadPrep`]).
    pub lw0: Signal<In, Bits<32>>,
    pub lw1: Signal<In, Bits<32>>,
    pub lseg: Signal<In, Bits<4>>,
    pub lfill: Signal<In, Bit>,
    /// Placed product (one's complement when negative), 18 segments.
    pub prod: [Signal<Out, Bits<32>>; SEGS],
    /// Carry into segment 0 (completes the negative product's two's complement).
    pub cin0: Signal<Out, Bit>,
    /// Placed load value (two's complement).
    pub base: [Signal<Out, Bits<32>>; SEGS],
    p_r: [DFF<Bits<32>>; SEGS],
    l_r: [DFF<Bits<32>>; SEGS],
    cin0_r: DFF<Bit>,
    pmask: Signal<Local, Bits<32>>,
    w0: Signal<Local, Bits<32>>,
    w1: Signal<Local, Bits<32>>,
    w2: Signal<Local, Bits<32>>,
    lmask: Signal<Local, Bits<32>>,
}

impl Default for Align {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            en: Default::default(),
            load: Default::default(),
            padd: Default::default(),
            pneg: Default::default(),
            prod_lo: Default::default(),
            prod_hi: Default::default(),
            pseg: Default::default(),
            poff: Default::default(),
            prsh: Default::default(),
            lw0: Default::default(),
            lw1: Default::default(),
            lseg: Default::default(),
            lfill: Default::default(),
            prod: std::array::from_fn(|_| Default::default()),
            cin0: Default::default(),
            base: std::array::from_fn(|_| Default::default()),
            p_r: std::array::from_fn(|_| Default::default()),
            l_r: std::array::from_fn(|_| Default::default()),
            cin0_r: Default::default(),
            pmask: Default::default(),
            w0: Default::default(),
            w1: Default::default(),
            w2: Default::default(),
            lmask: Default::default(),
        }
    }
}

impl Logic for Align {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, cin0_r);
        for i in 0..SEGS {
            self.p_r[i].clock.next = self.clock.val();
            self.p_r[i].d.next = self.p_r[i].q.val();
            self.l_r[i].clock.next = self.clock.val();
            self.l_r[i].d.next = self.l_r[i].q.val();
        }
        // ---- product ----
        self.pmask.next = bits::<32>(0);
        if self.padd.val() & self.pneg.val() {
            self.pmask.next = bits::<32>(0xFFFF_FFFF_u64);
        }
        // the 48-bit product shifted left by r, as three 32-bit words
        self.w0.next = self.prod_lo.val() << self.poff.val();
        self.w1.next = (bit_cast::<32, 16>(self.prod_hi.val()) << self.poff.val())
            | (self.prod_lo.val() >> self.prsh.val());
        self.w2.next = bit_cast::<32, 16>(self.prod_hi.val()) >> self.prsh.val();
        if self.en.val() {
            self.cin0_r.d.next = self.padd.val() & self.pneg.val();
            // extended segment q holds w0, q+1 w1, q+2 w2; extended segment j
            // is accumulator segment j - 1 (extended segment 0 is dropped).
            for i in 0..SEGS {
                self.p_r[i].d.next = self.pmask.val();
                if self.padd.val() {
                    if self.pseg.val().index() == i + 1 {
                        self.p_r[i].d.next = self.w0.val() ^ self.pmask.val();
                    }
                    if self.pseg.val().index() == i {
                        self.p_r[i].d.next = self.w1.val() ^ self.pmask.val();
                    }
                    if self.pseg.val().index() + 1 == i {
                        self.p_r[i].d.next = self.w2.val() ^ self.pmask.val();
                    }
                }
            }
        }
        // ---- load value ----
        self.lmask.next = bits::<32>(0);
        if self.lfill.val() {
            self.lmask.next = bits::<32>(0xFFFF_FFFF_u64);
        }
        if self.en.val() & self.load.val() {
            for i in 0..SEGS {
                self.l_r[i].d.next = bits::<32>(0);
                if self.lseg.val().index() == i {
                    self.l_r[i].d.next = self.lw0.val();
                }
                if self.lseg.val().index() + 1 == i {
                    self.l_r[i].d.next = self.lw1.val();
                }
            }
            // segments above the value: sign fill
            for i in 2..SEGS {
                if self.lseg.val().index() < i - 1 {
                    self.l_r[i].d.next = self.lmask.val();
                }
            }
        }
        for i in 0..SEGS {
            self.prod[i].next = self.p_r[i].q.val();
            self.base[i].next = self.l_r[i].q.val();
        }
        self.cin0.next = self.cin0_r.q.val();
    }
}
