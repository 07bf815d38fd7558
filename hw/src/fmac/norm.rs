//! FMAC stages N0-N5: normalisation of a snapshot of the accumulator into
//! an fp32 result (NTX mode: truncation, +-inf, +-0, optional ReLU).
//!
//! * N0 (same edge as the accumulation): remember that the op wants a result.
//! * N1: snapshot; add each pending carry into the segment above
//!   (`t0[i] = acc[i] + carry[i-1]`) and note where that overflowed (`g[i]`).
//! * N2: resolve the segment carry chain (`k[i] = g[i] | t0[i] == ~0 & k[i-1]`)
//!   and add it: `t` is the accumulator in plain two's complement (284 bits).
//! * N3: sign (bit 283) and magnitude `|t| = ~t + 1` (the +1 ripples through
//!   the all-zero low segments).
//! * N4: pick the highest non-zero segment `hi` and the one below it `lo`.
//! * N5: leading-zero count of `hi`, the 32 bits from the leading one
//!   (`(hi << lz) | (lo >> (32 - lz))`), exponent `32 i + 8 - lz`; exponent
//!   < 0 gives a (signed) zero, >= 255 a signed infinity; the mantissa is the
//!   23 bits below the leading one, truncated. ReLU turns any result with the
//!   sign bit set into +0.0.
//!
//! Room for IEEE round-to-nearest-even (later): in N5 the guard bit is
//! `top32[7]`, the sticky bit is `top32[6:0]` OR the bits of `lo` shifted out
//! OR any segment below `lo` (an OR-reduction to add in N4 next to the
//! segment selection); the increment of `{exponent, mantissa}` fits in a
//! sixth stage before the output register (FMAC_LATENCY 10).

use super::{FULL_SEGS, TOP_SEG_WIDTH};
use crate::params::FMAC_TAG_WIDTH;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct Norm {
    pub clock: Signal<In, Clock>,
    /// Synchronous clear: kills the results in flight.
    pub clear: Signal<In, Bit>,
    /// The op being accumulated in this cycle wants its result.
    pub start: Signal<In, Bit>,
    pub relu: Signal<In, Bit>,
    pub tag: Signal<In, Bits<FMAC_TAG_WIDTH>>,
    /// Accumulator registers (read one cycle after `start`).
    pub acc: [Signal<In, Bits<32>>; FULL_SEGS],
    pub acc_top: Signal<In, Bits<TOP_SEG_WIDTH>>,
    pub carry: [Signal<In, Bit>; FULL_SEGS],
    pub out_valid: Signal<Out, Bit>,
    pub result: Signal<Out, Bits<32>>,
    pub tag_out: Signal<Out, Bits<FMAC_TAG_WIDTH>>,
    // N0
    v0: DFF<Bit>,
    relu0: DFF<Bit>,
    tag0: DFF<Bits<FMAC_TAG_WIDTH>>,
    // N1
    v1: DFF<Bit>,
    relu1: DFF<Bit>,
    tag1: DFF<Bits<FMAC_TAG_WIDTH>>,
    t0: [DFF<Bits<32>>; FULL_SEGS],
    t0_top: DFF<Bits<TOP_SEG_WIDTH>>,
    g: [DFF<Bit>; FULL_SEGS],
    // N2
    v2: DFF<Bit>,
    relu2: DFF<Bit>,
    tag2: DFF<Bits<FMAC_TAG_WIDTH>>,
    t: [DFF<Bits<32>>; FULL_SEGS],
    t_top: DFF<Bits<TOP_SEG_WIDTH>>,
    k: [Signal<Local, Bit>; FULL_SEGS],
    // N3
    v3: DFF<Bit>,
    relu3: DFF<Bit>,
    tag3: DFF<Bits<FMAC_TAG_WIDTH>>,
    sign3: DFF<Bit>,
    m: [DFF<Bits<32>>; FULL_SEGS],
    m_top: DFF<Bits<TOP_SEG_WIDTH>>,
    inc: [Signal<Local, Bit>; FULL_SEGS],
    inc_top: Signal<Local, Bit>,
    // N4
    v4: DFF<Bit>,
    relu4: DFF<Bit>,
    tag4: DFF<Bits<FMAC_TAG_WIDTH>>,
    sign4: DFF<Bit>,
    hi4: DFF<Bits<32>>,
    lo4: DFF<Bits<32>>,
    eb4: DFF<Bits<10>>,
    hi: Signal<Local, Bits<32>>,
    lo: Signal<Local, Bits<32>>,
    ebase: Signal<Local, Bits<10>>,
    // N5 (output registers)
    v5: DFF<Bit>,
    tag5: DFF<Bits<FMAC_TAG_WIDTH>>,
    res5: DFF<Bits<32>>,
    lz: Signal<Local, Bits<6>>,
    rs: Signal<Local, Bits<6>>,
    top32: Signal<Local, Bits<32>>,
    expo: Signal<Local, Bits<10>>,
    fp_word: Signal<Local, Bits<32>>,
}

impl Default for Norm {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            clear: Default::default(),
            start: Default::default(),
            relu: Default::default(),
            tag: Default::default(),
            acc: std::array::from_fn(|_| Default::default()),
            acc_top: Default::default(),
            carry: std::array::from_fn(|_| Default::default()),
            out_valid: Default::default(),
            result: Default::default(),
            tag_out: Default::default(),
            v0: Default::default(),
            relu0: Default::default(),
            tag0: Default::default(),
            v1: Default::default(),
            relu1: Default::default(),
            tag1: Default::default(),
            t0: std::array::from_fn(|_| Default::default()),
            t0_top: Default::default(),
            g: std::array::from_fn(|_| Default::default()),
            v2: Default::default(),
            relu2: Default::default(),
            tag2: Default::default(),
            t: std::array::from_fn(|_| Default::default()),
            t_top: Default::default(),
            k: std::array::from_fn(|_| Default::default()),
            v3: Default::default(),
            relu3: Default::default(),
            tag3: Default::default(),
            sign3: Default::default(),
            m: std::array::from_fn(|_| Default::default()),
            m_top: Default::default(),
            inc: std::array::from_fn(|_| Default::default()),
            inc_top: Default::default(),
            v4: Default::default(),
            relu4: Default::default(),
            tag4: Default::default(),
            sign4: Default::default(),
            hi4: Default::default(),
            lo4: Default::default(),
            eb4: Default::default(),
            hi: Default::default(),
            lo: Default::default(),
            ebase: Default::default(),
            v5: Default::default(),
            tag5: Default::default(),
            res5: Default::default(),
            lz: Default::default(),
            rs: Default::default(),
            top32: Default::default(),
            expo: Default::default(),
            fp_word: Default::default(),
        }
    }
}

impl Logic for Norm {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, v0, relu0, tag0, v1, relu1, tag1, t0_top, v2, relu2, tag2, t_top, v3,
            relu3, tag3, sign3, m_top, v4, relu4, tag4, sign4, hi4, lo4, eb4, v5, tag5, res5
        );
        for i in 0..FULL_SEGS {
            self.t0[i].clock.next = self.clock.val();
            self.t0[i].d.next = self.t0[i].q.val();
            self.g[i].clock.next = self.clock.val();
            self.g[i].d.next = self.g[i].q.val();
            self.t[i].clock.next = self.clock.val();
            self.t[i].d.next = self.t[i].q.val();
            self.m[i].clock.next = self.clock.val();
            self.m[i].d.next = self.m[i].q.val();
        }
        // ---- valid chain (cleared by clear) ----
        self.v0.d.next = self.start.val() & !self.clear.val();
        self.v1.d.next = self.v0.q.val() & !self.clear.val();
        self.v2.d.next = self.v1.q.val() & !self.clear.val();
        self.v3.d.next = self.v2.q.val() & !self.clear.val();
        self.v4.d.next = self.v3.q.val() & !self.clear.val();
        self.v5.d.next = self.v4.q.val() & !self.clear.val();
        // ---- N0 ----
        if self.start.val() {
            self.relu0.d.next = self.relu.val();
            self.tag0.d.next = self.tag.val();
        }
        // ---- N1: pending carries into the segment above ----
        if self.v0.q.val() {
            self.relu1.d.next = self.relu0.q.val();
            self.tag1.d.next = self.tag0.q.val();
            self.t0[0].d.next = self.acc[0].val();
            self.g[0].d.next = false;
            for i in 1..FULL_SEGS {
                self.t0[i].d.next = self.acc[i].val() + self.carry[i - 1].val();
                self.g[i].d.next = self.carry[i - 1].val() & self.acc[i].val().all();
            }
            self.t0_top.d.next = self.acc_top.val() + self.carry[7].val();
        }
        // ---- N2: segment carry chain ----
        self.k[0].next = self.g[0].q.val();
        for i in 1..FULL_SEGS {
            self.k[i].next = self.g[i].q.val() | (self.t0[i].q.val().all() & self.k[i - 1].val());
        }
        if self.v1.q.val() {
            self.relu2.d.next = self.relu1.q.val();
            self.tag2.d.next = self.tag1.q.val();
            self.t[0].d.next = self.t0[0].q.val();
            for i in 1..FULL_SEGS {
                self.t[i].d.next = self.t0[i].q.val() + self.k[i - 1].val();
            }
            self.t_top.d.next = self.t0_top.q.val() + self.k[7].val();
        }
        // ---- N3: magnitude ----
        self.inc[0].next = true;
        for i in 1..FULL_SEGS {
            self.inc[i].next = self.inc[i - 1].val() & (self.t[i - 1].q.val() == 0);
        }
        self.inc_top.next = self.inc[7].val() & (self.t[7].q.val() == 0);
        if self.v2.q.val() {
            self.relu3.d.next = self.relu2.q.val();
            self.tag3.d.next = self.tag2.q.val();
            self.sign3.d.next = self.t_top.q.val().get_bit(27);
            if self.t_top.q.val().get_bit(27) {
                for i in 0..FULL_SEGS {
                    self.m[i].d.next = !self.t[i].q.val() + self.inc[i].val();
                }
                self.m_top.d.next = !self.t_top.q.val() + self.inc_top.val();
            } else {
                for i in 0..FULL_SEGS {
                    self.m[i].d.next = self.t[i].q.val();
                }
                self.m_top.d.next = self.t_top.q.val();
            }
        }
        // ---- N4: highest non-zero segment ----
        self.hi.next = self.m[0].q.val();
        self.lo.next = bits::<32>(0);
        self.ebase.next = bits::<10>(8);
        for i in 1..FULL_SEGS {
            if self.m[i].q.val().any() {
                self.hi.next = self.m[i].q.val();
                self.lo.next = self.m[i - 1].q.val();
                self.ebase.next = (32 * i + 8).to_bits();
            }
        }
        if self.m_top.q.val().any() {
            self.hi.next = bit_cast::<32, TOP_SEG_WIDTH>(self.m_top.q.val());
            self.lo.next = self.m[7].q.val();
            self.ebase.next = bits::<10>(264);
        }
        if self.v3.q.val() {
            self.relu4.d.next = self.relu3.q.val();
            self.tag4.d.next = self.tag3.q.val();
            self.sign4.d.next = self.sign3.q.val();
            self.hi4.d.next = self.hi.val();
            self.lo4.d.next = self.lo.val();
            self.eb4.d.next = self.ebase.val();
        }
        // ---- N5: leading zeros, shift, pack ----
        self.lz.next = bits::<6>(0);
        for j in 0..32 {
            if self.hi4.q.val().get_bit(j) {
                self.lz.next = (31 - j).to_bits();
            }
        }
        self.rs.next = bits::<6>(32) - self.lz.val();
        self.top32.next = (self.hi4.q.val() << self.lz.val()) | (self.lo4.q.val() >> self.rs.val());
        self.expo.next = self.eb4.q.val() - bit_cast::<10, 6>(self.lz.val());
        if self.expo.val().get_bit(9) | !self.hi4.q.val().any() {
            // exponent < 0 (or an all-zero accumulator): zero with the acc sign
            self.fp_word.next = bits::<32>(0);
        } else if self.expo.val() >= 255 {
            self.fp_word.next = bits::<32>(0x7F80_0000);
        } else {
            self.fp_word.next = (bit_cast::<32, 10>(self.expo.val()) << 23)
                | (bit_cast::<32, 23>(bit_cast::<23, 32>(self.top32.val() >> 8)));
        }
        if self.v4.q.val() {
            self.tag5.d.next = self.tag4.q.val();
            if self.sign4.q.val() & !self.relu4.q.val() {
                self.res5.d.next = self.fp_word.val() | bits::<32>(0x8000_0000_u64);
            } else if self.sign4.q.val() {
                // ReLU: a result with the sign bit set becomes +0.0
                self.res5.d.next = bits::<32>(0);
            } else {
                self.res5.d.next = self.fp_word.val();
            }
        }
        self.out_valid.next = self.v5.q.val();
        self.result.next = self.res5.q.val();
        self.tag_out.next = self.tag5.q.val();
    }
}
