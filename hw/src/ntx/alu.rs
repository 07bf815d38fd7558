//! The small ALU beside the FMAC: the `alu` register, the `cnt`/`idx`
//! counters, fp32 IEEE comparisons (NaN compares false, -0 == +0) and the
//! per-element work of MAXMIN, THTST, MASK and COPY, plus the test of
//! MASKMAC and the `alu` operand of OUTERP (spec section 6, golden model
//! `ntx_verif::model::ntx`).
//!
//! Combinational for the element presented this cycle (`alu_eff`, `test`,
//! `wdata` already include this element's init); `en` commits its state.

use crate::params::CNT_WIDTH;
use rust_hdl::prelude::*;

// Opcode literals (hdl_gen needs literals): 3 OUTERP, 4 MAXMIN, 5 THTST,
// 6 MASK, 7 MASKMAC, 8 COPY (crate::params::opcode).

#[derive(LogicBlock, Default)]
pub struct Alu {
    pub clock: Signal<In, Clock>,
    pub clear: Signal<In, Bit>,
    /// Commit this element's state update.
    pub en: Signal<In, Bit>,
    pub opcode: Signal<In, Bits<4>>,
    pub aux: Signal<In, Bits<3>>,
    pub polarity: Signal<In, Bit>,
    pub init_sel: Signal<In, Bits<2>>,
    /// The element runs the opcode's init step first.
    pub is_init: Signal<In, Bit>,
    pub a: Signal<In, Bits<32>>,
    pub b: Signal<In, Bits<32>>,
    /// Init value (word at AGU[init_sel], 0 when init_sel = 3).
    pub iv: Signal<In, Bits<32>>,
    /// `alu` after this element's init (OUTERP's multiplier).
    pub alu_eff: Signal<Out, Bits<32>>,
    /// THTST/MASK/MASKMAC test of this element.
    pub test: Signal<Out, Bit>,
    /// Store value of MAXMIN/THTST/MASK/COPY for this element.
    pub wdata: Signal<Out, Bits<32>>,
    alu: DFF<Bits<32>>,
    cnt: DFF<Bits<CNT_WIDTH>>,
    idx: DFF<Bits<CNT_WIDTH>>,
    is_maxmin: Signal<Local, Bit>,
    is_thtst: Signal<Local, Bit>,
    is_mask: Signal<Local, Bit>,
    is_maskmac: Signal<Local, Bit>,
    is_copy: Signal<Local, Bit>,
    is_outerp: Signal<Local, Bit>,
    alu1: Signal<Local, Bits<32>>,
    cnt1: Signal<Local, Bits<CNT_WIDTH>>,
    idx1: Signal<Local, Bits<CNT_WIDTH>>,
    nan_a: Signal<Local, Bit>,
    nan_b: Signal<Local, Bit>,
    zeros: Signal<Local, Bit>,
    mag_gt: Signal<Local, Bit>,
    mag_lt: Signal<Local, Bit>,
    s_a: Signal<Local, Bit>,
    s_b: Signal<Local, Bit>,
    eq: Signal<Local, Bit>,
    gt: Signal<Local, Bit>,
    mode: Signal<Local, Bits<3>>,
    traw: Signal<Local, Bit>,
    tst: Signal<Local, Bit>,
    upd: Signal<Local, Bit>,
    alu_n: Signal<Local, Bits<32>>,
    idx_n: Signal<Local, Bits<CNT_WIDTH>>,
}

impl Logic for Alu {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, alu, cnt, idx);
        self.is_maxmin.next = self.opcode.val() == bits::<4>(4);
        self.is_thtst.next = self.opcode.val() == bits::<4>(5);
        self.is_mask.next = self.opcode.val() == bits::<4>(6);
        self.is_maskmac.next = self.opcode.val() == bits::<4>(7);
        self.is_copy.next = self.opcode.val() == bits::<4>(8);
        self.is_outerp.next = self.opcode.val() == bits::<4>(3);
        // init step
        self.alu1.next = self.alu.q.val();
        self.cnt1.next = self.cnt.q.val();
        self.idx1.next = self.idx.q.val();
        if self.is_init.val() {
            if self.is_maxmin.val()
                | self.is_thtst.val()
                | self.is_mask.val()
                | self.is_outerp.val()
                | (self.is_copy.val() & !self.aux.val().get_bit(0))
            {
                self.alu1.next = self.iv.val();
            }
            if self.is_maskmac.val() {
                if self.init_sel.val() == bits::<2>(3) {
                    self.alu1.next = bits::<32>(0);
                } else {
                    self.alu1.next = self.b.val();
                }
            }
            if self.is_maxmin.val() | self.is_mask.val() | self.is_maskmac.val() {
                self.cnt1.next = bits::<CNT_WIDTH>(0);
            }
            if self.is_maxmin.val() {
                self.idx1.next = bits::<CNT_WIDTH>(0);
            }
        }
        self.alu_eff.next = self.alu1.val();
        // IEEE comparisons of alu1 with b
        self.nan_a.next = (self.alu1.val().get_bits::<8>(23) == bits::<8>(255))
            & self.alu1.val().get_bits::<23>(0).any();
        self.nan_b.next = (self.b.val().get_bits::<8>(23) == bits::<8>(255))
            & self.b.val().get_bits::<23>(0).any();
        self.zeros.next =
            !(self.alu1.val().get_bits::<31>(0).any() | self.b.val().get_bits::<31>(0).any());
        self.mag_gt.next = self.alu1.val().get_bits::<31>(0) > self.b.val().get_bits::<31>(0);
        self.mag_lt.next = self.alu1.val().get_bits::<31>(0) < self.b.val().get_bits::<31>(0);
        self.s_a.next = self.alu1.val().get_bit(31);
        self.s_b.next = self.b.val().get_bit(31);
        self.eq.next = !self.nan_a.val()
            & !self.nan_b.val()
            & ((self.alu1.val() == self.b.val()) | self.zeros.val());
        self.gt.next = !self.nan_a.val()
            & !self.nan_b.val()
            & ((!self.s_a.val() & self.s_b.val() & !self.zeros.val())
                | (!self.s_a.val() & !self.s_b.val() & self.mag_gt.val())
                | (self.s_a.val() & self.s_b.val() & self.mag_lt.val()));
        // test by mode (THTST uses aux[1:0])
        self.mode.next = self.aux.val();
        if self.is_thtst.val() {
            self.mode.next = self.aux.val() & bits::<3>(3);
        }
        self.traw.next = false;
        self.tst.next = false;
        if self.mode.val() == bits::<3>(0) {
            self.traw.next = self.eq.val();
        }
        if self.mode.val() == bits::<3>(1) {
            self.traw.next = self.gt.val();
        }
        if self.mode.val() == bits::<3>(2) {
            self.traw.next = self.gt.val() | self.eq.val();
        }
        if self.mode.val() == bits::<3>(4) {
            self.traw.next = bit_cast::<32, CNT_WIDTH>(self.cnt1.val()) == self.alu1.val();
        }
        if (self.mode.val() == bits::<3>(0))
            | (self.mode.val() == bits::<3>(1))
            | (self.mode.val() == bits::<3>(2))
            | (self.mode.val() == bits::<3>(4))
        {
            self.tst.next = self.traw.val() ^ self.polarity.val();
        }
        self.test.next = self.tst.val();
        // MAXMIN update
        self.upd.next = self.gt.val() ^ !self.polarity.val();
        self.alu_n.next = self.alu1.val();
        self.idx_n.next = self.idx1.val();
        if self.is_maxmin.val() & self.upd.val() {
            self.alu_n.next = self.b.val();
            self.idx_n.next = self.cnt1.val();
        }
        if self.is_copy.val() & self.aux.val().get_bit(0) {
            self.alu_n.next = self.a.val();
        }
        // store values
        self.wdata.next = self.alu_n.val();
        if self.is_maxmin.val() & self.aux.val().any() {
            self.wdata.next = bit_cast::<32, CNT_WIDTH>(self.idx_n.val());
        }
        if self.is_thtst.val() {
            if self.aux.val().get_bit(2) {
                if self.tst.val() {
                    self.wdata.next = bits::<32>(0x3F80_0000);
                } else {
                    self.wdata.next = bits::<32>(0);
                }
            } else if self.tst.val() {
                self.wdata.next = self.b.val();
            } else {
                self.wdata.next = self.alu1.val();
            }
        }
        if self.is_mask.val() {
            if self.tst.val() {
                self.wdata.next = self.a.val();
            } else {
                self.wdata.next = bits::<32>(0);
            }
        }
        if self.en.val() {
            self.alu.d.next = self.alu_n.val();
            self.idx.d.next = self.idx_n.val();
            self.cnt.d.next = self.cnt1.val();
            if self.is_maxmin.val() | self.is_mask.val() | self.is_maskmac.val() {
                self.cnt.d.next = self.cnt1.val() + 1;
            }
        }
        if self.clear.val() {
            self.alu.d.next = bits::<32>(0);
            self.cnt.d.next = bits::<CNT_WIDTH>(0);
            self.idx.d.next = bits::<CNT_WIDTH>(0);
        }
    }
}
