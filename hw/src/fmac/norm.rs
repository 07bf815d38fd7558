//! FMAC stages N0-N4: normalisation of a snapshot of the accumulator into
//! an fp32 result (NTX mode: truncation, +-inf, +-0, optional ReLU).
//!
//! * N0 (same edge as the accumulation): remember that the op wants a result.
//! * N1: carry resolve of the snapshot. Segment i receives its pending carry
//!   `c = carry[i-1]` and the resolved carry `k` out of segment i-1; per
//!   segment, `gen` (`c` alone overflows it: all ones) and `prop` (an
//!   incoming `k` would ripple through: all ones, or 0xFFFFFFFE with `c`)
//!   feed the 7-deep chain `k[i] = gen[i] | prop[i] & k[i-1]`, which selects
//!   `acc[i]`, `acc[i] + 1` or `acc[i] + 2` (carry select; the increments are
//!   computed in parallel). Result: `t`, the accumulator in plain two's
//!   complement (284 bits), and `z[i]`: segment i of `t` is zero.
//! * N2: sign (bit 283) and magnitude `|t| = ~t + 1`: the +1 reaches
//!   segment i when all segments below are zero (carry select again).
//! * N3: per segment a leading-zero count ([`Lzc32`]) in parallel with a
//!   one-hot choice of the highest non-zero segment `hi`, the one below it
//!   `lo`, its leading-zero count and the exponent base `32 i + 8`.
//! * N4: the 32 bits from the leading one `(hi << lz) | (lo >> (32 - lz))`,
//!   exponent `32 i + 8 - lz`; exponent < 0 gives a (signed) zero, >= 255 a
//!   signed infinity; the mantissa is the 23 bits below the leading one,
//!   truncated. ReLU turns any result with the sign bit set into +0.0.
//!
//! Room for IEEE round-to-nearest-even (later): in N4 the guard bit is
//! `top32[7]` and the sticky bit is `top32[6:0]` OR the bits of `lo` shifted
//! out OR any segment below `lo` (an OR of the one-hot masked segments,
//! to add in N3 next to the segment selection); the increment of
//! `{exponent, mantissa}` and the overflow to infinity then go into a sixth
//! stage between N4 and the output register (FMAC_LATENCY + 1).

use super::lzc::Lzc32;
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
    t: [DFF<Bits<32>>; FULL_SEGS],
    t_top: DFF<Bits<TOP_SEG_WIDTH>>,
    z: [DFF<Bit>; FULL_SEGS],
    /// Segment i+1 overflows with its pending carry alone.
    gen: [Signal<Local, Bit>; 7],
    /// Segment i+2 passes an incoming resolved carry on.
    prop: [Signal<Local, Bit>; 6],
    /// Resolved carry out of segment i+1.
    k: [Signal<Local, Bit>; 7],
    /// acc + 1 and acc + 2 of segments 2..7.
    inc1: [Signal<Local, Bits<32>>; 6],
    inc2: [Signal<Local, Bits<32>>; 6],
    top_inc1: Signal<Local, Bits<TOP_SEG_WIDTH>>,
    top_inc2: Signal<Local, Bits<TOP_SEG_WIDTH>>,
    // N2
    v2: DFF<Bit>,
    relu2: DFF<Bit>,
    tag2: DFF<Bits<FMAC_TAG_WIDTH>>,
    sign2: DFF<Bit>,
    m: [DFF<Bits<32>>; FULL_SEGS],
    m_top: DFF<Bits<TOP_SEG_WIDTH>>,
    inc: [Signal<Local, Bit>; FULL_SEGS],
    inc_top: Signal<Local, Bit>,
    neg_inc: [Signal<Local, Bits<32>>; FULL_SEGS],
    neg_top_inc: Signal<Local, Bits<TOP_SEG_WIDTH>>,
    // N3
    v3: DFF<Bit>,
    relu3: DFF<Bit>,
    tag3: DFF<Bits<FMAC_TAG_WIDTH>>,
    sign3: DFF<Bit>,
    hi3: DFF<Bits<32>>,
    lo3: DFF<Bits<32>>,
    lz3: DFF<Bits<5>>,
    eb3: DFF<Bits<10>>,
    nz3: DFF<Bit>,
    lzc: [Lzc32; 9],
    /// Segment i of the magnitude is non-zero.
    nz: [Signal<Local, Bit>; 9],
    /// Some segment above i is non-zero.
    above: [Signal<Local, Bit>; 9],
    /// All ones for the highest non-zero segment, else zero.
    sel: [Signal<Local, Bits<32>>; 9],
    // N4 (output registers)
    v4: DFF<Bit>,
    tag4: DFF<Bits<FMAC_TAG_WIDTH>>,
    res4: DFF<Bits<32>>,
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
            t: std::array::from_fn(|_| Default::default()),
            t_top: Default::default(),
            z: std::array::from_fn(|_| Default::default()),
            gen: std::array::from_fn(|_| Default::default()),
            prop: std::array::from_fn(|_| Default::default()),
            k: std::array::from_fn(|_| Default::default()),
            inc1: std::array::from_fn(|_| Default::default()),
            inc2: std::array::from_fn(|_| Default::default()),
            top_inc1: Default::default(),
            top_inc2: Default::default(),
            v2: Default::default(),
            relu2: Default::default(),
            tag2: Default::default(),
            sign2: Default::default(),
            m: std::array::from_fn(|_| Default::default()),
            m_top: Default::default(),
            inc: std::array::from_fn(|_| Default::default()),
            inc_top: Default::default(),
            neg_inc: std::array::from_fn(|_| Default::default()),
            neg_top_inc: Default::default(),
            v3: Default::default(),
            relu3: Default::default(),
            tag3: Default::default(),
            sign3: Default::default(),
            hi3: Default::default(),
            lo3: Default::default(),
            lz3: Default::default(),
            eb3: Default::default(),
            nz3: Default::default(),
            lzc: std::array::from_fn(|_| Default::default()),
            nz: std::array::from_fn(|_| Default::default()),
            above: std::array::from_fn(|_| Default::default()),
            sel: std::array::from_fn(|_| Default::default()),
            v4: Default::default(),
            tag4: Default::default(),
            res4: Default::default(),
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
            self, clock, v0, relu0, tag0, v1, relu1, tag1, t_top, v2, relu2, tag2, sign2, m_top,
            v3, relu3, tag3, sign3, hi3, lo3, lz3, eb3, nz3, v4, tag4, res4
        );
        for i in 0..FULL_SEGS {
            self.t[i].clock.next = self.clock.val();
            self.t[i].d.next = self.t[i].q.val();
            self.z[i].clock.next = self.clock.val();
            self.z[i].d.next = self.z[i].q.val();
            self.m[i].clock.next = self.clock.val();
            self.m[i].d.next = self.m[i].q.val();
        }
        // ---- valid chain (cleared by clear) ----
        self.v0.d.next = self.start.val() & !self.clear.val();
        self.v1.d.next = self.v0.q.val() & !self.clear.val();
        self.v2.d.next = self.v1.q.val() & !self.clear.val();
        self.v3.d.next = self.v2.q.val() & !self.clear.val();
        self.v4.d.next = self.v3.q.val() & !self.clear.val();
        // ---- N0 ----
        if self.start.val() {
            self.relu0.d.next = self.relu.val();
            self.tag0.d.next = self.tag.val();
        }
        // ---- N1: carry resolve (carry select over acc, acc+1, acc+2) ----
        for i in 1..FULL_SEGS {
            self.gen[i - 1].next = self.carry[i - 1].val() & self.acc[i].val().all();
        }
        for i in 2..FULL_SEGS {
            if self.carry[i - 1].val() {
                self.prop[i - 2].next = self.acc[i].val() == 0xFFFF_FFFE_u64;
            } else {
                self.prop[i - 2].next = self.acc[i].val().all();
            }
        }
        // segment 1 gets no resolved carry (segment 0 never overflows)
        self.k[0].next = self.gen[0].val();
        for i in 1..7 {
            self.k[i].next = self.gen[i].val() | (self.prop[i - 1].val() & self.k[i - 1].val());
        }
        for i in 2..FULL_SEGS {
            self.inc1[i - 2].next = self.acc[i].val() + 1;
            self.inc2[i - 2].next = self.acc[i].val() + 2;
        }
        self.top_inc1.next = self.acc_top.val() + 1;
        self.top_inc2.next = self.acc_top.val() + 2;
        if self.v0.q.val() {
            self.relu1.d.next = self.relu0.q.val();
            self.tag1.d.next = self.tag0.q.val();
            self.t[0].d.next = self.acc[0].val();
            self.z[0].d.next = self.acc[0].val() == 0;
            self.t[1].d.next = self.acc[1].val() + self.carry[0].val();
            if self.carry[0].val() {
                self.z[1].d.next = self.acc[1].val().all();
            } else {
                self.z[1].d.next = self.acc[1].val() == 0;
            }
            // segment i adds carry[i-1] + k[i-2] (0, 1 or 2)
            for i in 2..FULL_SEGS {
                if self.carry[i - 1].val() & self.k[i - 2].val() {
                    self.t[i].d.next = self.inc2[i - 2].val();
                    self.z[i].d.next = self.acc[i].val() == 0xFFFF_FFFE_u64;
                } else if self.carry[i - 1].val() | self.k[i - 2].val() {
                    self.t[i].d.next = self.inc1[i - 2].val();
                    self.z[i].d.next = self.acc[i].val().all();
                } else {
                    self.t[i].d.next = self.acc[i].val();
                    self.z[i].d.next = self.acc[i].val() == 0;
                }
            }
            if self.carry[7].val() & self.k[6].val() {
                self.t_top.d.next = self.top_inc2.val();
            } else if self.carry[7].val() | self.k[6].val() {
                self.t_top.d.next = self.top_inc1.val();
            } else {
                self.t_top.d.next = self.acc_top.val();
            }
        }
        // ---- N2: magnitude ----
        self.inc[0].next = true;
        for i in 1..FULL_SEGS {
            self.inc[i].next = self.inc[i - 1].val() & self.z[i - 1].q.val();
        }
        self.inc_top.next = self.inc[7].val() & self.z[7].q.val();
        for i in 0..FULL_SEGS {
            self.neg_inc[i].next = !self.t[i].q.val() + 1;
        }
        self.neg_top_inc.next = !self.t_top.q.val() + 1;
        if self.v1.q.val() {
            self.relu2.d.next = self.relu1.q.val();
            self.tag2.d.next = self.tag1.q.val();
            self.sign2.d.next = self.t_top.q.val().get_bit(27);
            if self.t_top.q.val().get_bit(27) {
                for i in 0..FULL_SEGS {
                    if self.inc[i].val() {
                        self.m[i].d.next = self.neg_inc[i].val();
                    } else {
                        self.m[i].d.next = !self.t[i].q.val();
                    }
                }
                if self.inc_top.val() {
                    self.m_top.d.next = self.neg_top_inc.val();
                } else {
                    self.m_top.d.next = !self.t_top.q.val();
                }
            } else {
                for i in 0..FULL_SEGS {
                    self.m[i].d.next = self.t[i].q.val();
                }
                self.m_top.d.next = self.t_top.q.val();
            }
        }
        // ---- N3: highest non-zero segment (one-hot), its leading zeros ----
        for i in 0..FULL_SEGS {
            self.lzc[i].x.next = self.m[i].q.val();
            self.nz[i].next = self.m[i].q.val().any();
        }
        self.lzc[8].x.next = bit_cast::<32, TOP_SEG_WIDTH>(self.m_top.q.val());
        self.nz[8].next = self.m_top.q.val().any();
        // (top down: in the generated Verilog every local must be assigned
        // before it is read)
        self.above[8].next = false;
        self.above[7].next = self.nz[8].val();
        self.above[6].next = self.above[7].val() | self.nz[7].val();
        self.above[5].next = self.above[6].val() | self.nz[6].val();
        self.above[4].next = self.above[5].val() | self.nz[5].val();
        self.above[3].next = self.above[4].val() | self.nz[4].val();
        self.above[2].next = self.above[3].val() | self.nz[3].val();
        self.above[1].next = self.above[2].val() | self.nz[2].val();
        self.above[0].next = self.above[1].val() | self.nz[1].val();
        for i in 0..9 {
            self.sel[i].next = bits::<32>(0);
            if self.nz[i].val() & !self.above[i].val() {
                self.sel[i].next = bits::<32>(0xFFFF_FFFF_u64);
            }
        }
        if self.v2.q.val() {
            self.relu3.d.next = self.relu2.q.val();
            self.tag3.d.next = self.tag2.q.val();
            self.sign3.d.next = self.sign2.q.val();
            self.nz3.d.next = self.nz[0].val() | self.above[0].val();
            self.hi3.d.next = (self.m[0].q.val() & self.sel[0].val())
                | (self.m[1].q.val() & self.sel[1].val())
                | (self.m[2].q.val() & self.sel[2].val())
                | (self.m[3].q.val() & self.sel[3].val())
                | (self.m[4].q.val() & self.sel[4].val())
                | (self.m[5].q.val() & self.sel[5].val())
                | (self.m[6].q.val() & self.sel[6].val())
                | (self.m[7].q.val() & self.sel[7].val())
                | (bit_cast::<32, TOP_SEG_WIDTH>(self.m_top.q.val()) & self.sel[8].val());
            self.lo3.d.next = (self.m[0].q.val() & self.sel[1].val())
                | (self.m[1].q.val() & self.sel[2].val())
                | (self.m[2].q.val() & self.sel[3].val())
                | (self.m[3].q.val() & self.sel[4].val())
                | (self.m[4].q.val() & self.sel[5].val())
                | (self.m[5].q.val() & self.sel[6].val())
                | (self.m[6].q.val() & self.sel[7].val())
                | (self.m[7].q.val() & self.sel[8].val());
            self.lz3.d.next = (self.lzc[0].lz.val() & bit_cast::<5, 32>(self.sel[0].val()))
                | (self.lzc[1].lz.val() & bit_cast::<5, 32>(self.sel[1].val()))
                | (self.lzc[2].lz.val() & bit_cast::<5, 32>(self.sel[2].val()))
                | (self.lzc[3].lz.val() & bit_cast::<5, 32>(self.sel[3].val()))
                | (self.lzc[4].lz.val() & bit_cast::<5, 32>(self.sel[4].val()))
                | (self.lzc[5].lz.val() & bit_cast::<5, 32>(self.sel[5].val()))
                | (self.lzc[6].lz.val() & bit_cast::<5, 32>(self.sel[6].val()))
                | (self.lzc[7].lz.val() & bit_cast::<5, 32>(self.sel[7].val()))
                | (self.lzc[8].lz.val() & bit_cast::<5, 32>(self.sel[8].val()));
            // exponent base 32 i + 8 (= position of bit 31 of segment i, minus 23)
            self.eb3.d.next = (bits::<10>(8) & bit_cast::<10, 32>(self.sel[0].val()))
                | (bits::<10>(40) & bit_cast::<10, 32>(self.sel[1].val()))
                | (bits::<10>(72) & bit_cast::<10, 32>(self.sel[2].val()))
                | (bits::<10>(104) & bit_cast::<10, 32>(self.sel[3].val()))
                | (bits::<10>(136) & bit_cast::<10, 32>(self.sel[4].val()))
                | (bits::<10>(168) & bit_cast::<10, 32>(self.sel[5].val()))
                | (bits::<10>(200) & bit_cast::<10, 32>(self.sel[6].val()))
                | (bits::<10>(232) & bit_cast::<10, 32>(self.sel[7].val()))
                | (bits::<10>(264) & bit_cast::<10, 32>(self.sel[8].val()));
        }
        // ---- N4: shift, exponent, pack ----
        self.rs.next = bits::<6>(32) - bit_cast::<6, 5>(self.lz3.q.val());
        self.top32.next =
            (self.hi3.q.val() << self.lz3.q.val()) | (self.lo3.q.val() >> self.rs.val());
        self.expo.next = self.eb3.q.val() - bit_cast::<10, 5>(self.lz3.q.val());
        if self.expo.val().get_bit(9) | !self.nz3.q.val() {
            // exponent < 0 (or an all-zero accumulator): zero with the acc sign
            self.fp_word.next = bits::<32>(0);
        } else if self.expo.val() >= 255 {
            self.fp_word.next = bits::<32>(0x7F80_0000);
        } else {
            self.fp_word.next = (bit_cast::<32, 10>(self.expo.val()) << 23)
                | (bit_cast::<32, 23>(bit_cast::<23, 32>(self.top32.val() >> 8)));
        }
        if self.v3.q.val() {
            self.tag4.d.next = self.tag3.q.val();
            if self.sign3.q.val() & !self.relu3.q.val() {
                self.res4.d.next = self.fp_word.val() | bits::<32>(0x8000_0000_u64);
            } else if self.sign3.q.val() {
                // ReLU: a result with the sign bit set becomes +0.0
                self.res4.d.next = bits::<32>(0);
            } else {
                self.res4.d.next = self.fp_word.val();
            }
        }
        self.out_valid.next = self.v4.q.val();
        self.result.next = self.res4.q.val();
        self.tag_out.next = self.tag4.q.val();
    }
}
