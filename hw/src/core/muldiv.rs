//! Iterative multiply/divide unit of the control core (RV32 M extension).
//!
//! Protocol: `start` for one cycle with `a`, `b` and `funct3` (the M
//! function: 0 MUL, 1 MULH, 2 MULHSU, 3 MULHU, 4 DIV, 5 DIVU, 6 REM,
//! 7 REMU); `done` is high for one cycle with `result`. `start` while busy
//! is ignored. Synchronous `clear` aborts.
//!
//! Multiply: the unsigned 64-bit product from four 16x16 partial products,
//! one per cycle (rust-hdl's only multiplier), the first in the start
//! cycle; the signed high words are the unsigned one minus the sign
//! corrections (`mulh = mulhu - (a<0 ? b : 0) - (b<0 ? a : 0)`). `done` in
//! the fourth cycle (`MUL_CYCLES`).
//!
//! Divide: restoring division of the magnitudes, one quotient bit per
//! cycle, then the signs; division by zero gives quotient all ones and
//! remainder = dividend (what restoring division yields by itself), overflow (-2^31 / -1) gives -2^31 and 0, as the ISA
//! prescribes. `done` in cycle 34 (`DIV_CYCLES`: start, 32 steps, result).

use super::mul16::Mul16;
use rust_hdl::prelude::*;

#[derive(LogicBlock, Default)]
pub struct MulDiv {
    pub clock: Signal<In, Clock>,
    pub clear: Signal<In, Bit>,
    pub start: Signal<In, Bit>,
    pub a: Signal<In, Bits<32>>,
    pub b: Signal<In, Bits<32>>,
    pub funct3: Signal<In, Bits<3>>,
    pub done: Signal<Out, Bit>,
    pub result: Signal<Out, Bits<32>>,
    /// Multiplication: raw operands; division: raw dividend, divisor magnitude.
    a_l: DFF<Bits<32>>,
    b_l: DFF<Bits<32>>,
    f3: DFF<Bits<3>>,
    /// Product low word / quotient.
    lo: DFF<Bits<32>>,
    /// Product high word / partial remainder.
    hi: DFF<Bits<32>>,
    step: DFF<Bits<6>>,
    busy: DFF<Bit>,
    neg_q: DFF<Bit>,
    neg_r: DFF<Bit>,
    is_div: Signal<Local, Bit>,
    mx: Signal<Local, Bits<16>>,
    my: Signal<Local, Bits<16>>,
    /// The 16 x 16 multiplier (a sub-block, see [`Mul16`]).
    mul: Mul16,
    lo_sum: Signal<Local, Bits<32>>,
    carry: Signal<Local, Bits<32>>,
    hi_final: Signal<Local, Bits<32>>,
    corr: Signal<Local, Bits<32>>,
    sh: Signal<Local, Bits<32>>,
    ge: Signal<Local, Bit>,
    neg_a: Signal<Local, Bit>,
    neg_b: Signal<Local, Bit>,
}

impl Logic for MulDiv {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, a_l, b_l, f3, lo, hi, step, busy, neg_q, neg_r);
        // `done` from registers only, in a statement of its own: it shares
        // no variable with the logic that reads `start`, so Verilator splits
        // it off this module's always block (no false loop core -> `start`
        // -> `done` -> core, UNOPTFLAT).
        self.done.next = self.busy.q.val()
            & ((!self.f3.q.val().get_bit(2) & (self.step.q.val() == 3))
                | (self.f3.q.val().get_bit(2) & (self.step.q.val() == 32)));
        self.result.next = self.lo.q.val();
        self.is_div.next = self.f3.q.val().get_bit(2);
        // ---- multiplier operand selection (step 0 takes the inputs)
        self.mx.next = self.a.val().get_bits::<16>(0);
        self.my.next = self.b.val().get_bits::<16>(0);
        if self.busy.q.val() {
            if self.step.q.val() == 1 {
                self.mx.next = self.a_l.q.val().get_bits::<16>(0);
                self.my.next = self.b_l.q.val().get_bits::<16>(16);
            } else if self.step.q.val() == 2 {
                self.mx.next = self.a_l.q.val().get_bits::<16>(16);
                self.my.next = self.b_l.q.val().get_bits::<16>(0);
            } else {
                self.mx.next = self.a_l.q.val().get_bits::<16>(16);
                self.my.next = self.b_l.q.val().get_bits::<16>(16);
            }
        }
        self.mul.x.next = self.mx.val();
        self.mul.y.next = self.my.val();
        // middle partial products: (hi:lo) += p << 16
        self.lo_sum.next = self.lo.q.val() + (self.mul.p.val() << 16);
        self.carry.next = 0.into();
        if self.lo_sum.val() < self.lo.q.val() {
            self.carry.next = 1.into();
        }
        self.hi_final.next = self.hi.q.val() + self.mul.p.val();
        // signed corrections of the high word
        self.corr.next = 0.into();
        if ((self.f3.q.val() == 1) | (self.f3.q.val() == 2)) & self.a_l.q.val().get_bit(31) {
            self.corr.next = self.b_l.q.val();
        }
        if (self.f3.q.val() == 1) & self.b_l.q.val().get_bit(31) {
            self.corr.next = self.corr.val() + self.a_l.q.val();
        }
        // ---- divider step
        self.sh.next =
            (self.hi.q.val() << 1) | bit_cast::<32, 1>(self.lo.q.val().get_bits::<1>(31));
        self.ge.next = self.hi.q.val().get_bit(31) | (self.sh.val() >= self.b_l.q.val());
        // ---- start
        self.neg_a.next = !self.funct3.val().get_bit(0) & self.a.val().get_bit(31);
        self.neg_b.next = !self.funct3.val().get_bit(0) & self.b.val().get_bit(31);
        if self.start.val() & !self.busy.q.val() {
            self.busy.d.next = true;
            self.f3.d.next = self.funct3.val();
            self.a_l.d.next = self.a.val();
            self.b_l.d.next = self.b.val();
            self.step.d.next = 1.into();
            self.lo.d.next = self.mul.p.val();
            self.hi.d.next = 0.into();
            if self.funct3.val().get_bit(2) {
                self.step.d.next = 0.into();
                // a zero divisor gives the all-ones quotient and the
                // dividend as remainder by itself; only its sign is kept
                self.neg_q.d.next = (self.neg_a.val() ^ self.neg_b.val()) & (self.b.val() != 0);
                self.neg_r.d.next = self.neg_a.val();
                self.lo.d.next = self.a.val();
                if self.neg_a.val() {
                    self.lo.d.next = (!self.a.val()) + 1;
                }
                if self.neg_b.val() {
                    self.b_l.d.next = (!self.b.val()) + 1;
                }
            }
        }
        if self.busy.q.val() & !self.is_div.val() {
            // multiply steps 1..3
            if self.step.q.val() == 3 {
                self.busy.d.next = false;
            } else {
                self.lo.d.next = self.lo_sum.val();
                self.hi.d.next = self.hi.q.val() + (self.mul.p.val() >> 16) + self.carry.val();
                self.step.d.next = self.step.q.val() + 1;
            }
        }
        if self.busy.q.val() & self.is_div.val() {
            if self.step.q.val() == 32 {
                self.busy.d.next = false;
            } else {
                self.step.d.next = self.step.q.val() + 1;
                self.lo.d.next = self.lo.q.val() << 1;
                self.hi.d.next = self.sh.val();
                if self.ge.val() {
                    self.lo.d.next = (self.lo.q.val() << 1) | 1;
                    self.hi.d.next = self.sh.val() - self.b_l.q.val();
                }
            }
        }
        // `result` from registers and the product only (as `done`)
        if self.busy.q.val()
            & !self.f3.q.val().get_bit(2)
            & (self.step.q.val() == 3)
            & (self.f3.q.val() != 0)
        {
            self.result.next = self.hi_final.val() - self.corr.val();
        }
        if self.busy.q.val() & self.f3.q.val().get_bit(2) & (self.step.q.val() == 32) {
            if self.f3.q.val().get_bit(1) {
                // remainder
                if self.neg_r.q.val() {
                    self.result.next = (!self.hi.q.val()) + 1;
                } else {
                    self.result.next = self.hi.q.val();
                }
            } else if self.neg_q.q.val() {
                self.result.next = (!self.lo.q.val()) + 1;
            }
        }
        if self.clear.val() {
            self.busy.d.next = false;
            self.a_l.d.next = 0.into();
            self.b_l.d.next = 0.into();
            self.f3.d.next = 0.into();
            self.lo.d.next = 0.into();
            self.hi.d.next = 0.into();
            self.step.d.next = 0.into();
            self.neg_q.d.next = false;
            self.neg_r.d.next = false;
        }
    }
}
