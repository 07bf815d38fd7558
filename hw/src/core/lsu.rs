//! Load/store unit of the control core: purely combinational address and
//! data formatting (the core's control sequences the memory ports).
//!
//! `addr = base + offset`; `aligned` is it with bits 1:0 cleared (the bus
//! and L2 address words; `be` selects the bytes); `misaligned` for halfword
//! accesses at odd and word accesses at non-multiple-of-4 addresses (the
//! core traps with mcause 4/6); `in_l2` when the address falls into the L2
//! window (else the access goes to the external data port). `fault` when
//! the (aligned) access has no target in the memory map of spec 10, as the
//! ISS decides it: L2, the system's TCDM and simulation control take every
//! size; the cluster-control, DMA and NTX register windows words only;
//! anything else is an access fault (the core traps with mcause 5/7
//! without a bus request). `wdata` is the
//! store data moved to its byte lanes; `load_value` the word `rdata` read
//! from memory reduced to the accessed bytes and sign- or zero-extended
//! according to `funct3` (LB, LH, LW, LBU, LHU).

use crate::params::cluster::{DMA_BASE, TCDM_BASE};
use crate::params::cluster_map::DMA_WINDOW_BYTES;
use crate::params::core::{
    CLUSTER_CTRL_BASE, CLUSTER_CTRL_BYTES, L2_BASE, L2_BYTES, NTX_REGS_BASE, NTX_REGS_BYTES,
    SIMCTRL_BASE, SIMCTRL_BYTES, TCDM_BYTES,
};
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
    pub fault: Signal<Out, Bit>,
    pub load_value: Signal<Out, Bits<32>>,
    lane: Signal<Local, Bits<2>>,
    sh: Signal<Local, Bits<5>>,
    shifted: Signal<Local, Bits<32>>,
    l2_base: Constant<Bits<32>>,
    l2_bytes: Constant<Bits<32>>,
    /// (base, bytes) of the other windows: TCDM, simulation control,
    /// cluster control, DMA, NTX registers.
    win_base: [Constant<Bits<32>>; 5],
    win_bytes: [Constant<Bits<32>>; 5],
    hit: [Signal<Local, Bit>; 5],
    is_word: Signal<Local, Bit>,
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
            fault: Default::default(),
            load_value: Default::default(),
            lane: Default::default(),
            sh: Default::default(),
            shifted: Default::default(),
            l2_base: Constant::new(L2_BASE.to_bits()),
            l2_bytes: Constant::new(L2_BYTES.to_bits()),
            win_base: [
                TCDM_BASE,
                SIMCTRL_BASE,
                CLUSTER_CTRL_BASE,
                DMA_BASE,
                NTX_REGS_BASE,
            ]
            .map(|v| Constant::new(v.to_bits())),
            win_bytes: [
                TCDM_BYTES,
                SIMCTRL_BYTES,
                CLUSTER_CTRL_BYTES,
                DMA_WINDOW_BYTES,
                NTX_REGS_BYTES,
            ]
            .map(|v| Constant::new(v.to_bits())),
            hit: Default::default(),
            is_word: Default::default(),
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
        for i in 0..5 {
            self.hit[i].next = (self.addr.val() - self.win_base[i].val()) < self.win_bytes[i].val();
        }
        self.is_word.next = self.funct3.val().get_bits::<2>(0) == 2;
        self.fault.next = !(self.in_l2.val()
            | self.hit[0].val()
            | self.hit[1].val()
            | (self.is_word.val() & (self.hit[2].val() | self.hit[3].val() | self.hit[4].val())));
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
