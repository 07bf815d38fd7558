//! 16 x 16 -> 32-bit unsigned multiplier of the mul/div unit
//! ([`super::muldiv::MulDiv`]), combinational. A block of its own so that
//! the product is a sub-block output: the mul/div unit's start logic and
//! its result logic both read it without sharing an always-block variable
//! (which would make Verilator see a false loop core -> `start` ->
//! `result` -> core, UNOPTFLAT).

use rust_hdl::prelude::*;

#[derive(LogicBlock, Default)]
pub struct Mul16 {
    pub x: Signal<In, Bits<16>>,
    pub y: Signal<In, Bits<16>>,
    pub p: Signal<Out, Bits<32>>,
}

impl Logic for Mul16 {
    #[hdl_gen]
    fn update(&mut self) {
        self.p.next = self.x.val() * self.y.val();
    }
}
