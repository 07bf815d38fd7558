//! Integer ALU of the control core: purely combinational.
//!
//! `result` = `a op b` for the RV32I OP/OP-IMM functions selected by
//! `funct3` (`alt` = instruction bit 30 selects SUB and SRA; the core clears
//! it where bit 30 is part of an immediate). `taken` is the branch condition
//! of BRANCH `funct3` (BEQ, BNE, BLT, BGE, BLTU, BGEU) on the same operands.
//! Shifts use the low 5 bits of `b`; signed compares flip the sign bits
//! and compare unsigned.

use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct Alu {
    pub a: Signal<In, Bits<32>>,
    pub b: Signal<In, Bits<32>>,
    pub funct3: Signal<In, Bits<3>>,
    pub alt: Signal<In, Bit>,
    pub result: Signal<Out, Bits<32>>,
    pub taken: Signal<Out, Bit>,
    shamt: Signal<Local, Bits<5>>,
    lt: Signal<Local, Bit>,
    ltu: Signal<Local, Bit>,
    sra_fill: Signal<Local, Bits<32>>,
    ones: Constant<Bits<32>>,
}

impl Default for Alu {
    fn default() -> Self {
        Self {
            a: Default::default(),
            b: Default::default(),
            funct3: Default::default(),
            alt: Default::default(),
            result: Default::default(),
            taken: Default::default(),
            shamt: Default::default(),
            lt: Default::default(),
            ltu: Default::default(),
            sra_fill: Default::default(),
            ones: Constant::new(u32::MAX.to_bits()),
        }
    }
}

impl Logic for Alu {
    #[hdl_gen]
    fn update(&mut self) {
        self.shamt.next = self.b.val().get_bits::<5>(0);
        self.ltu.next = self.a.val() < self.b.val();
        self.lt.next =
            (self.a.val() ^ (self.ones.val() << 31)) < (self.b.val() ^ (self.ones.val() << 31));
        self.sra_fill.next = 0.into();
        if self.a.val().get_bit(31) {
            self.sra_fill.next = !(self.ones.val() >> self.shamt.val());
        }
        // funct3 0: ADD/SUB
        if self.alt.val() {
            self.result.next = self.a.val() - self.b.val();
        } else {
            self.result.next = self.a.val() + self.b.val();
        }
        if self.funct3.val() == 1 {
            self.result.next = self.a.val() << self.shamt.val();
        }
        if self.funct3.val() == 2 {
            self.result.next = 0.into();
            if self.lt.val() {
                self.result.next = 1.into();
            }
        }
        if self.funct3.val() == 3 {
            self.result.next = 0.into();
            if self.ltu.val() {
                self.result.next = 1.into();
            }
        }
        if self.funct3.val() == 4 {
            self.result.next = self.a.val() ^ self.b.val();
        }
        if self.funct3.val() == 5 {
            if self.alt.val() {
                self.result.next = (self.a.val() >> self.shamt.val()) | self.sra_fill.val();
            } else {
                self.result.next = self.a.val() >> self.shamt.val();
            }
        }
        if self.funct3.val() == 6 {
            self.result.next = self.a.val() | self.b.val();
        }
        if self.funct3.val() == 7 {
            self.result.next = self.a.val() & self.b.val();
        }
        // branch conditions
        self.taken.next = self.a.val() == self.b.val();
        if self.funct3.val() == 1 {
            self.taken.next = self.a.val() != self.b.val();
        }
        if self.funct3.val() == 4 {
            self.taken.next = self.lt.val();
        }
        if self.funct3.val() == 5 {
            self.taken.next = !self.lt.val();
        }
        if self.funct3.val() == 6 {
            self.taken.next = self.ltu.val();
        }
        if self.funct3.val() == 7 {
            self.taken.next = !self.ltu.val();
        }
    }
}
