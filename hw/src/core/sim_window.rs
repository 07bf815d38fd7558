//! Address decode of the simulation-control window of the [`super::soc::Soc`]
//! (combinational): `hit` = `addr` lies in `SIMCTRL_BASE ..
//! SIMCTRL_BASE + SIMCTRL_BYTES`, `off` = its offset there. A block of its
//! own so that the Soc's bus request and its grant steering read the
//! decode as a sub-block output instead of sharing an always-block
//! variable (which would make Verilator see a false loop `bus.gnt` ->
//! `bus.req`, UNOPTFLAT).

use crate::params::core::{SIMCTRL_BASE, SIMCTRL_BYTES};
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct SimWindow {
    pub addr: Signal<In, Bits<32>>,
    pub hit: Signal<Out, Bit>,
    pub off: Signal<Out, Bits<32>>,
    lo: Constant<Bits<32>>,
    bytes: Constant<Bits<32>>,
}

impl Default for SimWindow {
    fn default() -> Self {
        Self {
            addr: Default::default(),
            hit: Default::default(),
            off: Default::default(),
            lo: Constant::new(SIMCTRL_BASE.to_bits()),
            bytes: Constant::new(SIMCTRL_BYTES.to_bits()),
        }
    }
}

impl Logic for SimWindow {
    #[hdl_gen]
    fn update(&mut self) {
        self.off.next = self.addr.val() - self.lo.val();
        self.hit.next = (self.addr.val() - self.lo.val()) < self.bytes.val();
    }
}
