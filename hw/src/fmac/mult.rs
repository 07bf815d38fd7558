//! FMAC stages 1-2: the exact 24x24-bit significand product and the
//! placement parameters of the product in the accumulator.
//!
//! Stage 1 (inputs -> registers): the four 16x16 partial products of the two
//! 24-bit significands (hidden one always set; a = aH:aL with aH 8 bits, aL 16
//! bits), the biased exponent sum and the zero-operand flag.
//! Stage 2: the 48-bit product `hh<<32 + (lh+hl)<<16 + ll` (kept as a 32-bit
//! low and a 16-bit high word) and its placement: product exponent
//! e = ea + eb - 127, bit position of the product's LSB in the accumulator
//! s = e - 23. We use t = s + 32 (always >= 9 when the product counts), so
//! that the product lands in "extended" segment q = t/32 at offset r = t%32,
//! where extended segment j is accumulator segment j-1 (segment -1 collects
//! the bits below the accumulator LSB, which are dropped).
//!
//! Products with e < 0 or a zero operand contribute nothing (`none`);
//! e >= 255 saturates to a product of 2^46 at exponent 255 (t = 264).

use rust_hdl::prelude::*;

// Literals in the HDL kernel (rust-hdl cannot use Rust consts there):
// 127 = exponent sum below which e < 0 (the product is dropped),
// 382 = exponent sum from which e >= 255 (saturation), 118 = 127 + 23 - 32.

#[derive(LogicBlock)]
pub struct Mult {
    pub clock: Signal<In, Clock>,
    /// Compute enable (an op with `mul` entering stage 1); stage registers
    /// hold otherwise (the control pipeline knows whether the product counts).
    pub en: Signal<In, Bit>,
    /// Operands without their sign bits (the sign is handled by the control pipeline).
    pub op_a: Signal<In, Bits<31>>,
    pub op_b: Signal<In, Bits<31>>,
    /// Stage-2 outputs: product bits 31:0 (saturated; undefined when `none`).
    pub prod_lo: Signal<Out, Bits<32>>,
    /// Product bits 47:32.
    pub prod_hi: Signal<Out, Bits<16>>,
    /// Extended segment index q = t / 32 (0..=8).
    pub seg: Signal<Out, Bits<4>>,
    /// Offset r = t % 32 within the segment.
    pub off: Signal<Out, Bits<5>>,
    /// 32 - r (0 < rsh <= 32), the complementary shift.
    pub rsh: Signal<Out, Bits<6>>,
    /// The product contributes nothing (zero operand or exponent < 0).
    pub none: Signal<Out, Bit>,
    // stage 1 registers
    pp_ll: DFF<Bits<32>>,
    pp_lh: DFF<Bits<32>>,
    pp_hl: DFF<Bits<32>>,
    pp_hh: DFF<Bits<16>>,
    esum: DFF<Bits<9>>,
    zero: DFF<Bit>,
    en2: DFF<Bit>,
    // stage 2 registers
    lo_r: DFF<Bits<32>>,
    hi_r: DFF<Bits<16>>,
    seg_r: DFF<Bits<4>>,
    off_r: DFF<Bits<5>>,
    rsh_r: DFF<Bits<6>>,
    none_r: DFF<Bit>,
    // locals
    a_hi: Signal<Local, Bits<16>>,
    b_hi: Signal<Local, Bits<16>>,
    mid: Signal<Local, Bits<32>>,
    low: Signal<Local, Bits<32>>,
    place: Signal<Local, Bits<9>>,
    sat: Signal<Local, Bit>,
}

impl Default for Mult {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            en: Default::default(),
            op_a: Default::default(),
            op_b: Default::default(),
            prod_lo: Default::default(),
            prod_hi: Default::default(),
            seg: Default::default(),
            off: Default::default(),
            rsh: Default::default(),
            none: Default::default(),
            pp_ll: Default::default(),
            pp_lh: Default::default(),
            pp_hl: Default::default(),
            pp_hh: Default::default(),
            esum: Default::default(),
            zero: Default::default(),
            en2: Default::default(),
            lo_r: Default::default(),
            hi_r: Default::default(),
            seg_r: Default::default(),
            off_r: Default::default(),
            rsh_r: Default::default(),
            none_r: Default::default(),
            a_hi: Default::default(),
            b_hi: Default::default(),
            mid: Default::default(),
            low: Default::default(),
            place: Default::default(),
            sat: Default::default(),
        }
    }
}

impl Logic for Mult {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, pp_ll, pp_lh, pp_hl, pp_hh, esum, zero, en2, lo_r, hi_r, seg_r, off_r,
            rsh_r, none_r
        );
        // ---- stage 1: partial products --------------------------------
        // significand bits 23:16 with the hidden one (bit 23) set
        self.a_hi.next = bit_cast::<16, 7>(self.op_a.val().get_bits::<7>(16)) | bits::<16>(128);
        self.b_hi.next = bit_cast::<16, 7>(self.op_b.val().get_bits::<7>(16)) | bits::<16>(128);
        self.en2.d.next = self.en.val();
        if self.en.val() {
            self.pp_ll.d.next =
                bit_cast::<16, 31>(self.op_a.val()) * bit_cast::<16, 31>(self.op_b.val());
            self.pp_lh.d.next = bit_cast::<16, 31>(self.op_a.val()) * self.b_hi.val();
            self.pp_hl.d.next = self.a_hi.val() * bit_cast::<16, 31>(self.op_b.val());
            self.pp_hh.d.next = bit_cast::<16, 32>(self.a_hi.val() * self.b_hi.val());
            self.esum.d.next = bit_cast::<9, 8>(self.op_a.val().get_bits::<8>(23))
                + bit_cast::<9, 8>(self.op_b.val().get_bits::<8>(23));
            self.zero.d.next = (self.op_a.val() == 0) | (self.op_b.val() == 0);
        }
        // ---- stage 2: product sum and placement ------------------------
        self.mid.next = self.pp_lh.q.val() + self.pp_hl.q.val();
        self.low.next = self.pp_ll.q.val() + (self.mid.val() << 16);
        self.sat.next = self.esum.q.val() >= 382;
        if self.sat.val() {
            self.place.next = bits::<9>(264);
        } else {
            self.place.next = self.esum.q.val() - 118;
        }
        if self.en2.q.val() {
            if self.sat.val() {
                self.lo_r.d.next = bits::<32>(0);
                self.hi_r.d.next = bits::<16>(0x4000);
            } else {
                self.lo_r.d.next = self.low.val();
                // carry out of the low word: low < ll
                self.hi_r.d.next = bit_cast::<16, 32>(
                    bit_cast::<32, 16>(self.pp_hh.q.val())
                        + (self.mid.val() >> 16)
                        + (self.low.val() < self.pp_ll.q.val()),
                );
            }
            self.none_r.d.next = self.zero.q.val() | (self.esum.q.val() < 127);
            self.seg_r.d.next = self.place.val().get_bits::<4>(5);
            self.off_r.d.next = bit_cast::<5, 9>(self.place.val());
            self.rsh_r.d.next =
                bits::<6>(32) - bit_cast::<6, 5>(bit_cast::<5, 9>(self.place.val()));
        }
        self.prod_lo.next = self.lo_r.q.val();
        self.prod_hi.next = self.hi_r.q.val();
        self.seg.next = self.seg_r.q.val();
        self.off.next = self.off_r.q.val();
        self.rsh.next = self.rsh_r.q.val();
        self.none.next = self.none_r.q.val();
    }
}
