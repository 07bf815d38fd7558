//! FMAC stages 1-3: the exact 24x24-bit significand product and the
//! placement parameters of the product in the accumulator.
//!
//! * Stage 1 (inputs -> registers): the eighteen 8x4 partial products
//!   `p[6i+j] = a_i * b_j` of the significands split into bytes
//!   (`a = a2:a1:a0`) and nibbles (`b = b5:..:b0`), hidden one set in `a2`
//!   and `b5`, the biased exponent sum and the zero-operand flag.
//! * Stage 2: the partial products form eight 48-bit rows (products whose
//!   bits do not overlap share a row); four levels of carry-save adders
//!   reduce them to a sum and a carry row. Placement of the product:
//!   exponent e = ea + eb - 127, LSB of the product at accumulator bit
//!   s = e - 23. We use t = s + 32 (always >= 9 when the product counts) so
//!   that the product lands in "extended" segment q = t/32 at offset r = t%32,
//!   where extended segment j is accumulator segment j-1 (segment -1 collects
//!   the bits below the accumulator LSB, which are dropped). Products with
//!   e < 0 or a zero operand contribute nothing (`none`); e >= 255 saturates
//!   to a product of 2^46 at exponent 255 (t = 264).
//! * Stage 3: the carry-propagate addition of the two rows (48 bits).
//!
//! IEEE mode (`ieee` with the op): the hidden bit is set only for a
//! non-zero biased exponent and subnormals count with exponent 1, so the
//! product is exact; it is placed in Kulisch coordinates (LSB 2^-298, see
//! `verif/src/model/ieee.rs`): LSB of the product at bit
//! pos = ea + eb - 2, i.e. t = pos + 32 = ea + eb + 30 (no saturation);
//! operands with exponent 255 (inf, NaN) make the product `none` (the FMAC
//! handles them as special values).
//!
//! Each stage stays below the depth of the accumulator stage: an 8x4
//! multiplier, four carry-save levels, one 48-bit adder. The rows and the
//! final adder are 48-bit signals (the only signals above 32 bits in the
//! FMAC): one carry-propagate adder in the Verilog instead of a 32 + 16-bit
//! split with a carry between them; rust-hdl simulates them as bit arrays,
//! which did not measurably slow the model down.

use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct Mult {
    pub clock: Signal<In, Clock>,
    /// Compute enable (an op with `mul` entering stage 1); the stage
    /// registers hold otherwise (the control pipeline knows whether the
    /// product counts).
    pub en: Signal<In, Bit>,
    /// Operands without their sign bits (the sign is handled by the control
    /// pipeline).
    pub op_a: Signal<In, Bits<31>>,
    pub op_b: Signal<In, Bits<31>>,
    /// IEEE mode for this op (exact subnormals, Kulisch placement).
    pub ieee: Signal<In, Bit>,
    /// Stage-3 outputs: product bits 31:0 (saturated; undefined when `none`).
    pub prod_lo: Signal<Out, Bits<32>>,
    /// Product bits 47:32.
    pub prod_hi: Signal<Out, Bits<16>>,
    /// Extended segment index q = t / 32 (0..=8; IEEE mode 1..=16).
    pub seg: Signal<Out, Bits<5>>,
    /// Offset r = t % 32 within the segment.
    pub off: Signal<Out, Bits<5>>,
    /// 32 - r (0 < rsh <= 32), the complementary shift.
    pub rsh: Signal<Out, Bits<6>>,
    /// The product contributes nothing (zero operand or exponent < 0;
    /// IEEE mode: zero, inf or NaN operand).
    pub none: Signal<Out, Bit>,
    // stage 1
    a_byte: [Signal<Local, Bits<8>>; 3],
    b_nib: [Signal<Local, Bits<4>>; 6],
    /// Partial products a_i * b_j (8x4 bits) at index 6 i + j.
    pp: [DFF<Bits<12>>; 18],
    esum: DFF<Bits<9>>,
    zero: DFF<Bit>,
    special: DFF<Bit>,
    ieee1: DFF<Bit>,
    hid_a: Signal<Local, Bits<8>>,
    hid_b: Signal<Local, Bits<4>>,
    ea: Signal<Local, Bits<9>>,
    eb: Signal<Local, Bits<9>>,
    en2: DFF<Bit>,
    // stage 2: eight rows, four levels of carry-save adders
    row: [Signal<Local, Bits<48>>; 8],
    csa_s: [Signal<Local, Bits<48>>; 5],
    csa_c: [Signal<Local, Bits<48>>; 5],
    sat: Signal<Local, Bit>,
    place: Signal<Local, Bits<10>>,
    sum_r: DFF<Bits<48>>,
    cy_r: DFF<Bits<48>>,
    sat2: DFF<Bit>,
    none2: DFF<Bit>,
    seg2: DFF<Bits<5>>,
    off2: DFF<Bits<5>>,
    rsh2: DFF<Bits<6>>,
    en3: DFF<Bit>,
    // stage 3
    prod: Signal<Local, Bits<48>>,
    lo_r: DFF<Bits<32>>,
    hi_r: DFF<Bits<16>>,
    seg3: DFF<Bits<5>>,
    off3: DFF<Bits<5>>,
    rsh3: DFF<Bits<6>>,
    none3: DFF<Bit>,
}

impl Default for Mult {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            en: Default::default(),
            op_a: Default::default(),
            op_b: Default::default(),
            ieee: Default::default(),
            prod_lo: Default::default(),
            prod_hi: Default::default(),
            seg: Default::default(),
            off: Default::default(),
            rsh: Default::default(),
            none: Default::default(),
            a_byte: std::array::from_fn(|_| Default::default()),
            b_nib: std::array::from_fn(|_| Default::default()),
            pp: std::array::from_fn(|_| Default::default()),
            esum: Default::default(),
            zero: Default::default(),
            special: Default::default(),
            ieee1: Default::default(),
            hid_a: Default::default(),
            hid_b: Default::default(),
            ea: Default::default(),
            eb: Default::default(),
            en2: Default::default(),
            row: std::array::from_fn(|_| Default::default()),
            csa_s: std::array::from_fn(|_| Default::default()),
            csa_c: std::array::from_fn(|_| Default::default()),
            sat: Default::default(),
            place: Default::default(),
            sum_r: Default::default(),
            cy_r: Default::default(),
            sat2: Default::default(),
            none2: Default::default(),
            seg2: Default::default(),
            off2: Default::default(),
            rsh2: Default::default(),
            en3: Default::default(),
            prod: Default::default(),
            lo_r: Default::default(),
            hi_r: Default::default(),
            seg3: Default::default(),
            off3: Default::default(),
            rsh3: Default::default(),
            none3: Default::default(),
        }
    }
}

impl Logic for Mult {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, esum, zero, special, ieee1, en2, sum_r, cy_r, sat2, none2, seg2, off2,
            rsh2, en3, lo_r, hi_r, seg3, off3, rsh3, none3
        );
        for i in 0..18 {
            self.pp[i].clock.next = self.clock.val();
            self.pp[i].d.next = self.pp[i].q.val();
        }
        // ---- stage 1: 8x4 partial products ----------------------------
        self.a_byte[0].next = bit_cast::<8, 31>(self.op_a.val());
        self.a_byte[1].next = self.op_a.val().get_bits::<8>(8);
        // hidden one (bit 23): always in NTX mode; IEEE mode: exponent != 0
        self.hid_a.next = bits::<8>(128);
        self.hid_b.next = bits::<4>(8);
        self.ea.next = bit_cast::<9, 8>(self.op_a.val().get_bits::<8>(23));
        self.eb.next = bit_cast::<9, 8>(self.op_b.val().get_bits::<8>(23));
        if self.ieee.val() {
            if self.op_a.val().get_bits::<8>(23) == 0 {
                self.hid_a.next = bits::<8>(0);
                self.ea.next = bits::<9>(1);
            }
            if self.op_b.val().get_bits::<8>(23) == 0 {
                self.hid_b.next = bits::<4>(0);
                self.eb.next = bits::<9>(1);
            }
        }
        // significand bits 23:16 with the hidden one (bit 23)
        self.a_byte[2].next =
            bit_cast::<8, 7>(self.op_a.val().get_bits::<7>(16)) | self.hid_a.val();
        self.b_nib[0].next = bit_cast::<4, 31>(self.op_b.val());
        self.b_nib[1].next = self.op_b.val().get_bits::<4>(4);
        self.b_nib[2].next = self.op_b.val().get_bits::<4>(8);
        self.b_nib[3].next = self.op_b.val().get_bits::<4>(12);
        self.b_nib[4].next = self.op_b.val().get_bits::<4>(16);
        self.b_nib[5].next = bit_cast::<4, 3>(self.op_b.val().get_bits::<3>(20)) | self.hid_b.val();
        self.en2.d.next = self.en.val();
        if self.en.val() {
            // (written out: rust-hdl cannot bit_cast loop-indexed signals)
            self.pp[0].d.next = bit_cast::<12, 32>(
                bit_cast::<16, 8>(self.a_byte[0].val()) * bit_cast::<16, 4>(self.b_nib[0].val()),
            );
            self.pp[1].d.next = bit_cast::<12, 32>(
                bit_cast::<16, 8>(self.a_byte[0].val()) * bit_cast::<16, 4>(self.b_nib[1].val()),
            );
            self.pp[2].d.next = bit_cast::<12, 32>(
                bit_cast::<16, 8>(self.a_byte[0].val()) * bit_cast::<16, 4>(self.b_nib[2].val()),
            );
            self.pp[3].d.next = bit_cast::<12, 32>(
                bit_cast::<16, 8>(self.a_byte[0].val()) * bit_cast::<16, 4>(self.b_nib[3].val()),
            );
            self.pp[4].d.next = bit_cast::<12, 32>(
                bit_cast::<16, 8>(self.a_byte[0].val()) * bit_cast::<16, 4>(self.b_nib[4].val()),
            );
            self.pp[5].d.next = bit_cast::<12, 32>(
                bit_cast::<16, 8>(self.a_byte[0].val()) * bit_cast::<16, 4>(self.b_nib[5].val()),
            );
            self.pp[6].d.next = bit_cast::<12, 32>(
                bit_cast::<16, 8>(self.a_byte[1].val()) * bit_cast::<16, 4>(self.b_nib[0].val()),
            );
            self.pp[7].d.next = bit_cast::<12, 32>(
                bit_cast::<16, 8>(self.a_byte[1].val()) * bit_cast::<16, 4>(self.b_nib[1].val()),
            );
            self.pp[8].d.next = bit_cast::<12, 32>(
                bit_cast::<16, 8>(self.a_byte[1].val()) * bit_cast::<16, 4>(self.b_nib[2].val()),
            );
            self.pp[9].d.next = bit_cast::<12, 32>(
                bit_cast::<16, 8>(self.a_byte[1].val()) * bit_cast::<16, 4>(self.b_nib[3].val()),
            );
            self.pp[10].d.next = bit_cast::<12, 32>(
                bit_cast::<16, 8>(self.a_byte[1].val()) * bit_cast::<16, 4>(self.b_nib[4].val()),
            );
            self.pp[11].d.next = bit_cast::<12, 32>(
                bit_cast::<16, 8>(self.a_byte[1].val()) * bit_cast::<16, 4>(self.b_nib[5].val()),
            );
            self.pp[12].d.next = bit_cast::<12, 32>(
                bit_cast::<16, 8>(self.a_byte[2].val()) * bit_cast::<16, 4>(self.b_nib[0].val()),
            );
            self.pp[13].d.next = bit_cast::<12, 32>(
                bit_cast::<16, 8>(self.a_byte[2].val()) * bit_cast::<16, 4>(self.b_nib[1].val()),
            );
            self.pp[14].d.next = bit_cast::<12, 32>(
                bit_cast::<16, 8>(self.a_byte[2].val()) * bit_cast::<16, 4>(self.b_nib[2].val()),
            );
            self.pp[15].d.next = bit_cast::<12, 32>(
                bit_cast::<16, 8>(self.a_byte[2].val()) * bit_cast::<16, 4>(self.b_nib[3].val()),
            );
            self.pp[16].d.next = bit_cast::<12, 32>(
                bit_cast::<16, 8>(self.a_byte[2].val()) * bit_cast::<16, 4>(self.b_nib[4].val()),
            );
            self.pp[17].d.next = bit_cast::<12, 32>(
                bit_cast::<16, 8>(self.a_byte[2].val()) * bit_cast::<16, 4>(self.b_nib[5].val()),
            );
            self.esum.d.next = self.ea.val() + self.eb.val();
            self.zero.d.next = (self.op_a.val() == 0) | (self.op_b.val() == 0);
            self.special.d.next = (self.op_a.val().get_bits::<8>(23) == 255)
                | (self.op_b.val().get_bits::<8>(23) == 255);
            self.ieee1.d.next = self.ieee.val();
        }
        // ---- stage 2: rows, carry-save reduction, placement --------------
        // a_i * b_j has weight 2^(8i + 4j) and 12 bits; a row holds products
        // whose weights differ by at least 2^12 (8 rows for 18 products)
        self.row[0].next = bit_cast::<48, 12>(self.pp[0].q.val())
            | (bit_cast::<48, 12>(self.pp[3].q.val()) << 12)
            | (bit_cast::<48, 12>(self.pp[10].q.val()) << 24)
            | (bit_cast::<48, 12>(self.pp[17].q.val()) << 36);
        self.row[1].next = (bit_cast::<48, 12>(self.pp[1].q.val()) << 4)
            | (bit_cast::<48, 12>(self.pp[4].q.val()) << 16)
            | (bit_cast::<48, 12>(self.pp[11].q.val()) << 28);
        self.row[2].next = (bit_cast::<48, 12>(self.pp[2].q.val()) << 8)
            | (bit_cast::<48, 12>(self.pp[5].q.val()) << 20)
            | (bit_cast::<48, 12>(self.pp[16].q.val()) << 32);
        self.row[3].next = (bit_cast::<48, 12>(self.pp[6].q.val()) << 8)
            | (bit_cast::<48, 12>(self.pp[9].q.val()) << 20);
        self.row[4].next = (bit_cast::<48, 12>(self.pp[7].q.val()) << 12)
            | (bit_cast::<48, 12>(self.pp[14].q.val()) << 24);
        self.row[5].next = (bit_cast::<48, 12>(self.pp[8].q.val()) << 16)
            | (bit_cast::<48, 12>(self.pp[15].q.val()) << 28);
        self.row[6].next = bit_cast::<48, 12>(self.pp[12].q.val()) << 16;
        self.row[7].next = bit_cast::<48, 12>(self.pp[13].q.val()) << 20;
        // 8 -> 6 -> 4 -> 3 -> 2 rows
        self.csa_s[0].next = self.row[0].val() ^ self.row[1].val() ^ self.row[2].val();
        self.csa_c[0].next = ((self.row[0].val() & self.row[1].val())
            | (self.row[0].val() & self.row[2].val())
            | (self.row[1].val() & self.row[2].val()))
            << 1;
        self.csa_s[1].next = self.row[3].val() ^ self.row[4].val() ^ self.row[5].val();
        self.csa_c[1].next = ((self.row[3].val() & self.row[4].val())
            | (self.row[3].val() & self.row[5].val())
            | (self.row[4].val() & self.row[5].val()))
            << 1;
        self.csa_s[2].next = self.csa_s[0].val() ^ self.csa_c[0].val() ^ self.csa_s[1].val();
        self.csa_c[2].next = ((self.csa_s[0].val() & self.csa_c[0].val())
            | (self.csa_s[0].val() & self.csa_s[1].val())
            | (self.csa_c[0].val() & self.csa_s[1].val()))
            << 1;
        self.csa_s[3].next = self.csa_c[1].val() ^ self.row[6].val() ^ self.row[7].val();
        self.csa_c[3].next = ((self.csa_c[1].val() & self.row[6].val())
            | (self.csa_c[1].val() & self.row[7].val())
            | (self.row[6].val() & self.row[7].val()))
            << 1;
        self.csa_s[4].next = self.csa_s[2].val() ^ self.csa_c[2].val() ^ self.csa_s[3].val();
        self.csa_c[4].next = ((self.csa_s[2].val() & self.csa_c[2].val())
            | (self.csa_s[2].val() & self.csa_s[3].val())
            | (self.csa_c[2].val() & self.csa_s[3].val()))
            << 1;
        // exponent sum 382 = 255 + 127: saturation; below 127: e < 0
        self.sat.next = (self.esum.q.val() >= 382) & !self.ieee1.q.val();
        if self.ieee1.q.val() {
            // Kulisch: t = ea + eb - 2 + 32
            self.place.next = bit_cast::<10, 9>(self.esum.q.val()) + 30;
        } else if self.sat.val() {
            self.place.next = bits::<10>(264);
        } else {
            // t = e - 23 + 32 = esum - 127 - 23 + 32
            self.place.next = bit_cast::<10, 9>(self.esum.q.val()) - 118;
        }
        self.en3.d.next = self.en2.q.val();
        if self.en2.q.val() {
            self.sum_r.d.next = self.csa_s[4].val() ^ self.csa_c[4].val() ^ self.csa_c[3].val();
            self.cy_r.d.next = ((self.csa_s[4].val() & self.csa_c[4].val())
                | (self.csa_s[4].val() & self.csa_c[3].val())
                | (self.csa_c[4].val() & self.csa_c[3].val()))
                << 1;
            self.sat2.d.next = self.sat.val();
            if self.ieee1.q.val() {
                self.none2.d.next = self.zero.q.val() | self.special.q.val();
            } else {
                self.none2.d.next = self.zero.q.val() | (self.esum.q.val() < 127);
            }
            self.seg2.d.next = self.place.val().get_bits::<5>(5);
            self.off2.d.next = bit_cast::<5, 10>(self.place.val());
            self.rsh2.d.next =
                bits::<6>(32) - bit_cast::<6, 5>(bit_cast::<5, 10>(self.place.val()));
        }
        // ---- stage 3: carry-propagate addition ---------------------------
        self.prod.next = self.sum_r.q.val() + self.cy_r.q.val();
        if self.en3.q.val() {
            if self.sat2.q.val() {
                self.lo_r.d.next = bits::<32>(0);
                self.hi_r.d.next = bits::<16>(0x4000);
            } else {
                self.lo_r.d.next = bit_cast::<32, 48>(self.prod.val());
                self.hi_r.d.next = self.prod.val().get_bits::<16>(32);
            }
            self.seg3.d.next = self.seg2.q.val();
            self.off3.d.next = self.off2.q.val();
            self.rsh3.d.next = self.rsh2.q.val();
            self.none3.d.next = self.none2.q.val();
        }
        self.prod_lo.next = self.lo_r.q.val();
        self.prod_hi.next = self.hi_r.q.val();
        self.seg.next = self.seg3.q.val();
        self.off.next = self.off3.q.val();
        self.rsh.next = self.rsh3.q.val();
        self.none.next = self.none3.q.val();
    }
}
