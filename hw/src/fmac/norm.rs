//! FMAC stages N0-N4: normalisation of a snapshot of the accumulator into
//! an fp32 result: NTX mode truncates (+-inf, +-0, no subnormals); IEEE
//! mode rounds to nearest even with subnormals, special values and flags
//! (the rounding of `verif/src/model/ieee.rs`, bit for bit). Optional ReLU.
//!
//! * N0 (same edge as the accumulation): remember that the op wants a result.
//! * N1: carry resolve of the snapshot (18 segments). Segment i receives its
//!   pending carry `c = carry[i-1]` and the resolved carry `k` out of
//!   segment i-1; per segment, `gen` (`c` alone overflows it: all ones) and
//!   `prop` (an incoming `k` would ripple through: all ones, or 0xFFFFFFFE
//!   with `c`) feed the chain `k[i] = gen[i] | prop[i] & k[i-1]`, which
//!   selects `acc[i]`, `acc[i] + 1` or `acc[i] + 2` (carry select; the
//!   increments are computed in parallel). Result: `t`, the accumulator in
//!   plain two's complement, and `z[i]`: segment i of `t` is zero.
//! * N2: sign (NTX: bit 283; IEEE: bit 575) and magnitude `|t| = ~t + 1`:
//!   the +1 reaches segment i when all segments below are zero (carry
//!   select again). NTX mode keeps bits 283:0 of the magnitude.
//! * N3: per segment a leading-zero count ([`Lzc32`]) in parallel with a
//!   one-hot choice of the highest non-zero segment `hi`, the one below it
//!   `lo`, its leading-zero count, the exponent base and (IEEE) the sticky
//!   OR of every segment below `lo`. IEEE mode searches the leading one with
//!   an extra one at bit 172 (2^-126): results below the normal range then
//!   keep the fixed LSB 2^-149 (subnormals) with the same datapath.
//! * N4: the 32 bits from the leading one `(hi << lz) | (lo >> (32 - lz))`,
//!   exponent `base - lz`. NTX: exponent < 0 gives a (signed) zero, >= 255 a
//!   signed infinity; the mantissa is the 23 bits below the leading one,
//!   truncated. IEEE: `(exponent << 23) + significand + round-up` (guard bit
//!   `top32[7]`, sticky `top32[6:0]`, the bits of `lo` shifted out and the
//!   segments below; the carry runs into the exponent), >= 0x7F800000 is an
//!   overflow to infinity; NaN (canonical 0x7FC00000), inf - inf, +-inf and
//!   the sign of an exact zero come from the special-value state; flags in
//!   the RISC-V `fflags` layout. ReLU turns any result with the sign bit
//!   set into +0.0.

use super::lzc::Lzc32;
use super::SEGS;
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
    /// IEEE mode for this op.
    pub ieee: Signal<In, Bit>,
    pub tag: Signal<In, Bits<FMAC_TAG_WIDTH>>,
    /// Accumulator registers (read one cycle after `start`).
    pub acc: [Signal<In, Bits<32>>; SEGS],
    /// Pending carries out of segments 0..16 (the top one is dropped).
    pub carry: [Signal<In, Bit>; 17],
    /// Special-value state (read with `acc`; see `accu::spec`).
    pub spec: Signal<In, Bits<5>>,
    pub out_valid: Signal<Out, Bit>,
    pub result: Signal<Out, Bits<32>>,
    /// Exception flags of the result (IEEE mode; zero in NTX mode).
    pub flags: Signal<Out, Bits<5>>,
    pub tag_out: Signal<Out, Bits<FMAC_TAG_WIDTH>>,
    // N0
    v0: DFF<Bit>,
    relu0: DFF<Bit>,
    ieee0: DFF<Bit>,
    tag0: DFF<Bits<FMAC_TAG_WIDTH>>,
    // N1
    v1: DFF<Bit>,
    relu1: DFF<Bit>,
    ieee1: DFF<Bit>,
    spec1: DFF<Bits<5>>,
    tag1: DFF<Bits<FMAC_TAG_WIDTH>>,
    t: [DFF<Bits<32>>; SEGS],
    z: [DFF<Bit>; SEGS],
    /// Segment i+1 overflows with its pending carry alone.
    gen: [Signal<Local, Bit>; 16],
    /// Segment i+2 passes an incoming resolved carry on.
    prop: [Signal<Local, Bit>; 15],
    /// Resolved carry out of segment i+1.
    k: [Signal<Local, Bit>; 16],
    /// acc + 1 and acc + 2 of segments 2..17.
    inc1: [Signal<Local, Bits<32>>; 16],
    inc2: [Signal<Local, Bits<32>>; 16],
    // N2
    v2: DFF<Bit>,
    relu2: DFF<Bit>,
    ieee2: DFF<Bit>,
    spec2: DFF<Bits<5>>,
    tag2: DFF<Bits<FMAC_TAG_WIDTH>>,
    sign2: DFF<Bit>,
    m: [DFF<Bits<32>>; SEGS],
    sgn: Signal<Local, Bit>,
    inc: [Signal<Local, Bit>; SEGS],
    neg_inc: [Signal<Local, Bits<32>>; SEGS],
    mv: [Signal<Local, Bits<32>>; SEGS],
    // N3
    v3: DFF<Bit>,
    relu3: DFF<Bit>,
    ieee3: DFF<Bit>,
    spec3: DFF<Bits<5>>,
    tag3: DFF<Bits<FMAC_TAG_WIDTH>>,
    sign3: DFF<Bit>,
    hi3: DFF<Bits<32>>,
    lo3: DFF<Bits<32>>,
    lz3: DFF<Bits<5>>,
    eb3: DFF<Bits<10>>,
    nz3: DFF<Bit>,
    stk3: DFF<Bit>,
    lzc: [Lzc32; SEGS],
    /// Segment i of the magnitude is non-zero.
    nz: [Signal<Local, Bit>; SEGS],
    /// Segment i counts in the leading-one search (IEEE: with the extra one).
    nzd: [Signal<Local, Bit>; SEGS],
    /// Some segment below i is non-zero.
    nzb: [Signal<Local, Bit>; SEGS],
    /// Some segment above i counts in the search.
    above: [Signal<Local, Bit>; SEGS],
    /// All ones for the highest counting segment, else zero.
    sel: [Signal<Local, Bit>; SEGS],
    /// Exponent base of segment i in the op's mode.
    ebase: [Signal<Local, Bits<10>>; SEGS],
    // N4 (output registers)
    v4: DFF<Bit>,
    tag4: DFF<Bits<FMAC_TAG_WIDTH>>,
    res4: DFF<Bits<32>>,
    flags4: DFF<Bits<5>>,
    rs: Signal<Local, Bits<6>>,
    top32: Signal<Local, Bits<32>>,
    expo: Signal<Local, Bits<10>>,
    fp_word: Signal<Local, Bits<32>>,
    half: Signal<Local, Bit>,
    sticky: Signal<Local, Bit>,
    up: Signal<Local, Bit>,
    rnd_word: Signal<Local, Bits<32>>,
    tiny: Signal<Local, Bit>,
    ie_word: Signal<Local, Bits<32>>,
    ie_flags: Signal<Local, Bits<5>>,
    ie_inv: Signal<Local, Bits<5>>,
}

impl Default for Norm {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            clear: Default::default(),
            start: Default::default(),
            relu: Default::default(),
            ieee: Default::default(),
            tag: Default::default(),
            acc: std::array::from_fn(|_| Default::default()),
            carry: std::array::from_fn(|_| Default::default()),
            spec: Default::default(),
            out_valid: Default::default(),
            result: Default::default(),
            flags: Default::default(),
            tag_out: Default::default(),
            v0: Default::default(),
            relu0: Default::default(),
            ieee0: Default::default(),
            tag0: Default::default(),
            v1: Default::default(),
            relu1: Default::default(),
            ieee1: Default::default(),
            spec1: Default::default(),
            tag1: Default::default(),
            t: std::array::from_fn(|_| Default::default()),
            z: std::array::from_fn(|_| Default::default()),
            gen: std::array::from_fn(|_| Default::default()),
            prop: std::array::from_fn(|_| Default::default()),
            k: std::array::from_fn(|_| Default::default()),
            inc1: std::array::from_fn(|_| Default::default()),
            inc2: std::array::from_fn(|_| Default::default()),
            v2: Default::default(),
            relu2: Default::default(),
            ieee2: Default::default(),
            spec2: Default::default(),
            tag2: Default::default(),
            sign2: Default::default(),
            m: std::array::from_fn(|_| Default::default()),
            sgn: Default::default(),
            inc: std::array::from_fn(|_| Default::default()),
            neg_inc: std::array::from_fn(|_| Default::default()),
            mv: std::array::from_fn(|_| Default::default()),
            v3: Default::default(),
            relu3: Default::default(),
            ieee3: Default::default(),
            spec3: Default::default(),
            tag3: Default::default(),
            sign3: Default::default(),
            hi3: Default::default(),
            lo3: Default::default(),
            lz3: Default::default(),
            eb3: Default::default(),
            nz3: Default::default(),
            stk3: Default::default(),
            lzc: std::array::from_fn(|_| Default::default()),
            nz: std::array::from_fn(|_| Default::default()),
            nzd: std::array::from_fn(|_| Default::default()),
            nzb: std::array::from_fn(|_| Default::default()),
            above: std::array::from_fn(|_| Default::default()),
            sel: std::array::from_fn(|_| Default::default()),
            ebase: std::array::from_fn(|_| Default::default()),
            v4: Default::default(),
            tag4: Default::default(),
            res4: Default::default(),
            flags4: Default::default(),
            rs: Default::default(),
            top32: Default::default(),
            expo: Default::default(),
            fp_word: Default::default(),
            half: Default::default(),
            sticky: Default::default(),
            up: Default::default(),
            rnd_word: Default::default(),
            tiny: Default::default(),
            ie_word: Default::default(),
            ie_flags: Default::default(),
            ie_inv: Default::default(),
        }
    }
}

impl Logic for Norm {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, v0, relu0, ieee0, tag0, v1, relu1, ieee1, spec1, tag1, v2, relu2, ieee2,
            spec2, tag2, sign2, v3, relu3, ieee3, spec3, tag3, sign3, hi3, lo3, lz3, eb3, nz3,
            stk3, v4, tag4, res4, flags4
        );
        for i in 0..SEGS {
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
            self.ieee0.d.next = self.ieee.val();
            self.tag0.d.next = self.tag.val();
        }
        // ---- N1: carry resolve (carry select over acc, acc+1, acc+2) ----
        for i in 1..17 {
            self.gen[i - 1].next = self.carry[i - 1].val() & self.acc[i].val().all();
        }
        for i in 2..17 {
            if self.carry[i - 1].val() {
                self.prop[i - 2].next = self.acc[i].val() == 0xFFFF_FFFE_u64;
            } else {
                self.prop[i - 2].next = self.acc[i].val().all();
            }
        }
        // segment 1 gets no resolved carry (segment 0 never overflows)
        self.k[0].next = self.gen[0].val();
        for i in 1..16 {
            self.k[i].next = self.gen[i].val() | (self.prop[i - 1].val() & self.k[i - 1].val());
        }
        for i in 2..SEGS {
            self.inc1[i - 2].next = self.acc[i].val() + 1;
            self.inc2[i - 2].next = self.acc[i].val() + 2;
        }
        if self.v0.q.val() {
            self.relu1.d.next = self.relu0.q.val();
            self.ieee1.d.next = self.ieee0.q.val();
            self.spec1.d.next = self.spec.val();
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
            for i in 2..SEGS {
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
        }
        // ---- N2: magnitude ----
        self.sgn.next = self.t[8].q.val().get_bit(27);
        if self.ieee1.q.val() {
            self.sgn.next = self.t[17].q.val().get_bit(31);
        }
        self.inc[0].next = true;
        for i in 1..SEGS {
            self.inc[i].next = self.inc[i - 1].val() & self.z[i - 1].q.val();
        }
        for i in 0..SEGS {
            self.neg_inc[i].next = !self.t[i].q.val() + 1;
            if self.sgn.val() {
                if self.inc[i].val() {
                    self.mv[i].next = self.neg_inc[i].val();
                } else {
                    self.mv[i].next = !self.t[i].q.val();
                }
            } else {
                self.mv[i].next = self.t[i].q.val();
            }
        }
        if self.v1.q.val() {
            self.relu2.d.next = self.relu1.q.val();
            self.ieee2.d.next = self.ieee1.q.val();
            self.spec2.d.next = self.spec1.q.val();
            self.tag2.d.next = self.tag1.q.val();
            self.sign2.d.next = self.sgn.val();
            for i in 0..SEGS {
                self.m[i].d.next = self.mv[i].val();
            }
            if !self.ieee1.q.val() {
                // NTX mode: the 284-bit accumulator
                self.m[8].d.next = self.mv[8].val() & bits::<32>(0x0FFF_FFFF);
                for i in 9..SEGS {
                    self.m[i].d.next = bits::<32>(0);
                }
            }
        }
        // ---- N3: highest non-zero segment (one-hot), its leading zeros ----
        for i in 0..SEGS {
            self.lzc[i].x.next = self.m[i].q.val();
            self.nz[i].next = self.m[i].q.val().any();
            self.nzd[i].next = self.m[i].q.val().any();
        }
        // exponent base 32 i + 8 (= position of bit 31 of segment i, minus 23)
        self.ebase[0].next = bits::<10>(8);
        self.ebase[1].next = bits::<10>(40);
        self.ebase[2].next = bits::<10>(72);
        self.ebase[3].next = bits::<10>(104);
        self.ebase[4].next = bits::<10>(136);
        self.ebase[5].next = bits::<10>(168);
        self.ebase[6].next = bits::<10>(200);
        self.ebase[7].next = bits::<10>(232);
        self.ebase[8].next = bits::<10>(264);
        self.ebase[9].next = bits::<10>(296);
        self.ebase[10].next = bits::<10>(328);
        self.ebase[11].next = bits::<10>(360);
        self.ebase[12].next = bits::<10>(392);
        self.ebase[13].next = bits::<10>(424);
        self.ebase[14].next = bits::<10>(456);
        self.ebase[15].next = bits::<10>(488);
        self.ebase[16].next = bits::<10>(520);
        self.ebase[17].next = bits::<10>(552);

        if self.ieee2.q.val() {
            // IEEE: an extra one at bit 172 (segment 5, bit 12) bounds the
            // search: nothing below it is ever the leading one; biased
            // exponent base 32 i + 31 - 172 (segments >= 5 only)
            for i in 0..5 {
                self.nzd[i].next = false;
            }
            self.nzd[5].next = true;
            self.lzc[5].x.next = self.m[5].q.val() | bits::<32>(0x1000);
            self.ebase[5].next = bits::<10>(19);
            self.ebase[6].next = bits::<10>(51);
            self.ebase[7].next = bits::<10>(83);
            self.ebase[8].next = bits::<10>(115);
            self.ebase[9].next = bits::<10>(147);
            self.ebase[10].next = bits::<10>(179);
            self.ebase[11].next = bits::<10>(211);
            self.ebase[12].next = bits::<10>(243);
            self.ebase[13].next = bits::<10>(275);
            self.ebase[14].next = bits::<10>(307);
            self.ebase[15].next = bits::<10>(339);
            self.ebase[16].next = bits::<10>(371);
            self.ebase[17].next = bits::<10>(403);
        }
        self.nzb[0].next = false;
        for i in 1..SEGS {
            self.nzb[i].next = self.nzb[i - 1].val() | self.nz[i - 1].val();
        }
        // (top down: in the generated Verilog every local must be assigned
        // before it is read)
        self.above[17].next = false;
        for j in 0..17 {
            self.above[16 - j].next = self.above[17 - j].val() | self.nzd[17 - j].val();
        }
        for i in 0..SEGS {
            self.sel[i].next = self.nzd[i].val() & !self.above[i].val();
        }
        if self.v2.q.val() {
            self.relu3.d.next = self.relu2.q.val();
            self.ieee3.d.next = self.ieee2.q.val();
            self.spec3.d.next = self.spec2.q.val();
            self.tag3.d.next = self.tag2.q.val();
            self.sign3.d.next = self.sign2.q.val();
            self.nz3.d.next = self.nzb[17].val() | self.nz[17].val();
            self.hi3.d.next = bits::<32>(0);
            self.lo3.d.next = bits::<32>(0);
            self.lz3.d.next = bits::<5>(0);
            self.eb3.d.next = bits::<10>(0);
            self.stk3.d.next = false;
            for i in 0..SEGS {
                if self.sel[i].val() {
                    self.hi3.d.next = self.m[i].q.val();
                    self.lz3.d.next = self.lzc[i].lz.val();
                    self.eb3.d.next = self.ebase[i].val();
                }
            }
            for i in 1..SEGS {
                if self.sel[i].val() {
                    self.lo3.d.next = self.m[i - 1].q.val();
                    self.stk3.d.next = self.nzb[i - 1].val();
                }
            }
        }
        // ---- N4: shift, exponent, pack / round ----
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
        // IEEE: round to nearest even (the carry runs into the exponent)
        self.half.next = self.top32.val().get_bit(7);
        self.sticky.next = (self.top32.val() & bits::<32>(0x7F)).any()
            | (self.lo3.q.val() << self.lz3.q.val()).any()
            | self.stk3.q.val();
        self.up.next = self.half.val() & (self.sticky.val() | self.top32.val().get_bit(8));
        self.rnd_word.next = (bit_cast::<32, 10>(self.expo.val()) << 23) + (self.top32.val() >> 8);
        if self.up.val() {
            self.rnd_word.next =
                (bit_cast::<32, 10>(self.expo.val()) << 23) + (self.top32.val() >> 8) + 1;
        }
        // tiny after rounding: leading one below 2^-126 and no carry to
        // 2^-126 when rounded to 24 bits at an unbounded exponent
        self.tiny.next =
            !self.top32.val().get_bit(31) & ((self.top32.val() >> 6) != bits::<32>(0x01FF_FFFF));
        self.ie_inv.next = bits::<5>(0);
        if self.spec3.q.val().get_bit(1) {
            self.ie_inv.next = bits::<5>(16);
        }
        self.ie_flags.next = self.ie_inv.val();
        if self.spec3.q.val().get_bit(0) {
            self.ie_word.next = bits::<32>(0x7FC0_0000);
        } else if self.spec3.q.val().get_bit(2) & self.spec3.q.val().get_bit(3) {
            // inf - inf
            self.ie_word.next = bits::<32>(0x7FC0_0000);
            self.ie_flags.next = bits::<5>(16);
        } else if self.spec3.q.val().get_bit(2) {
            self.ie_word.next = bits::<32>(0x7F80_0000);
        } else if self.spec3.q.val().get_bit(3) {
            self.ie_word.next = bits::<32>(0xFF80_0000_u64);
        } else if !self.nz3.q.val() {
            // exact zero: -0 when every term was a zero with negative sign
            self.ie_word.next = bits::<32>(0);
            if self.spec3.q.val().get_bit(4) {
                self.ie_word.next = bits::<32>(0x8000_0000_u64);
            }
        } else if self.rnd_word.val() >= bits::<32>(0x7F80_0000) {
            self.ie_word.next = bits::<32>(0x7F80_0000);
            if self.sign3.q.val() {
                self.ie_word.next = bits::<32>(0xFF80_0000_u64);
            }
            // overflow | inexact
            self.ie_flags.next = self.ie_inv.val() | bits::<5>(5);
        } else {
            self.ie_word.next = self.rnd_word.val();
            if self.sign3.q.val() {
                self.ie_word.next = self.rnd_word.val() | bits::<32>(0x8000_0000_u64);
            }
            if self.half.val() | self.sticky.val() {
                if self.tiny.val() {
                    // underflow | inexact
                    self.ie_flags.next = self.ie_inv.val() | bits::<5>(3);
                } else {
                    self.ie_flags.next = self.ie_inv.val() | bits::<5>(1);
                }
            }
        }
        if self.v3.q.val() {
            self.tag4.d.next = self.tag3.q.val();
            if self.ieee3.q.val() {
                self.flags4.d.next = self.ie_flags.val();
                if self.relu3.q.val() & self.ie_word.val().get_bit(31) {
                    // ReLU: a result with the sign bit set becomes +0.0
                    self.res4.d.next = bits::<32>(0);
                } else {
                    self.res4.d.next = self.ie_word.val();
                }
            } else {
                self.flags4.d.next = bits::<5>(0);
                if self.sign3.q.val() & !self.relu3.q.val() {
                    self.res4.d.next = self.fp_word.val() | bits::<32>(0x8000_0000_u64);
                } else if self.sign3.q.val() {
                    // ReLU: a result with the sign bit set becomes +0.0
                    self.res4.d.next = bits::<32>(0);
                } else {
                    self.res4.d.next = self.fp_word.val();
                }
            }
        }
        self.out_valid.next = self.v4.q.val();
        self.result.next = self.res4.q.val();
        self.flags.next = self.flags4.q.val();
        self.tag_out.next = self.tag4.q.val();
    }
}
