//! Load/store unit of the control core: purely combinational address and
//! data formatting (the core's control sequences the memory ports).
//!
//! `addr = base + offset`; `aligned` is it with bits 1:0 cleared (the bus
//! and L2 address words; `be` selects the bytes); `misaligned` for halfword
//! accesses at odd and word accesses at non-multiple-of-4 addresses (the
//! core traps with mcause 4/6); `in_l2` when the address falls into the L2
//! window (else the access goes to the external data port). `wdata` is the
//! store data moved to its byte lanes; `load_value` the word `rdata` read
//! from memory reduced to the accessed bytes and sign- or zero-extended
//! according to `funct3` (LB, LH, LW, LBU, LHU).

use crate::params::core::{L2_BASE, L2_BYTES};
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct Lsu {
    pub base: Signal<In, Bits<32>>,
    pub offset: Signal<In, Bits<32>>,
    pub funct3: Signal<In, Bits<3>>,
    pub store_data: Signal<In, Bits<32>>,
    pub rdata: Signal<In, Bits<32>>,
    pub addr: Signal<Out, Bits<32>>,
    pub aligned: Signal<Out, Bits<32>>,
    pub be: Signal<Out, Bits<4>>,
    pub wdata: Signal<Out, Bits<32>>,
    pub misaligned: Signal<Out, Bit>,
    pub in_l2: Signal<Out, Bit>,
    pub load_value: Signal<Out, Bits<32>>,
    lane: Signal<Local, Bits<2>>,
    sh: Signal<Local, Bits<5>>,
    shifted: Signal<Local, Bits<32>>,
    l2_base: Constant<Bits<32>>,
    l2_bytes: Constant<Bits<32>>,
    ones: Constant<Bits<32>>,
}

impl Default for Lsu {
    fn default() -> Self {
        Self {
            base: Default::default(),
            offset: Default::default(),
            funct3: Default::default(),
            store_data: Default::default(),
            rdata: Default::default(),
            addr: Default::default(),
            aligned: Default::default(),
            be: Default::default(),
            wdata: Default::default(),
            misaligned: Default::default(),
            in_l2: Default::default(),
            load_value: Default::default(),
            lane: Default::default(),
            sh: Default::default(),
            shifted: Default::default(),
            l2_base: Constant::new(L2_BASE.to_bits()),
            l2_bytes: Constant::new(L2_BYTES.to_bits()),
            ones: Constant::new(u32::MAX.to_bits()),
        }
    }
}

impl Logic for Lsu {
    #[hdl_gen]
    fn update(&mut self) {
        self.addr.next = self.base.val() + self.offset.val();
        self.aligned.next = (self.addr.val() >> 2) << 2;
        self.lane.next = self.addr.val().get_bits::<2>(0);
        self.sh.next = bit_cast::<5, 2>(self.lane.val()) << 3;
        self.in_l2.next = (self.addr.val() - self.l2_base.val()) < self.l2_bytes.val();
        // byte enables, store lanes, alignment
        self.misaligned.next = false;
        self.be.next = 15.into();
        if self.funct3.val().get_bits::<2>(0) == 0 {
            self.be.next = 1.into();
            if self.lane.val() == 1 {
                self.be.next = 2.into();
            }
            if self.lane.val() == 2 {
                self.be.next = 4.into();
            }
            if self.lane.val() == 3 {
                self.be.next = 8.into();
            }
        }
        if self.funct3.val().get_bits::<2>(0) == 1 {
            self.be.next = 3.into();
            if self.lane.val().get_bit(1) {
                self.be.next = 12.into();
            }
            self.misaligned.next = self.lane.val().get_bit(0);
        }
        if self.funct3.val().get_bits::<2>(0) == 2 {
            self.misaligned.next = self.lane.val() != 0;
        }
        self.wdata.next = self.store_data.val() << self.sh.val();
        // load data
        self.shifted.next = self.rdata.val() >> self.sh.val();
        self.load_value.next = self.rdata.val();
        if self.funct3.val() == 0 {
            self.load_value.next = self.shifted.val() & 0xFF;
            if self.shifted.val().get_bit(7) {
                self.load_value.next = self.shifted.val() | (self.ones.val() << 8);
            }
        }
        if self.funct3.val() == 4 {
            self.load_value.next = self.shifted.val() & 0xFF;
        }
        if self.funct3.val() == 1 {
            self.load_value.next = self.shifted.val() & 0xFFFF;
            if self.shifted.val().get_bit(15) {
                self.load_value.next = self.shifted.val() | (self.ones.val() << 16);
            }
        }
        if self.funct3.val() == 5 {
            self.load_value.next = self.shifted.val() & 0xFFFF;
        }
    }
}
