//! NTX execute stage: the head element of the element FIFO fires when its
//! operands are at the heads of the read data FIFOs (port 1 has a one-entry
//! skid, `b_hold`, so an element with two port-1 operands fires in one
//! cycle). It drives the FMAC (MAC, VADDSUB, VMULT, OUTERP, MASKMAC; init
//! merged into the first accumulation via `load`) or the ALU (MAXMIN,
//! THTST, MASK, COPY; also the MASKMAC test and OUTERP's multiplier).
//! Results enter the write queue in element order: an FMAC store counts
//! its slot at issue, an ALU result waits until the FMAC has drained.
//!
//! The ALU is in this block (not a sub-block) because its outputs feed
//! back into `fire` combinationally. Never sees a TCDM grant.

use super::opdec::OpDecode;
use super::records::{ElemRec, WqEntry};
use crate::params::irq::WIDTH as IRQ_WIDTH;
use crate::params::wq::WIDTH as WQ_WIDTH;
use crate::params::*;
use rust_hdl::prelude::*;

#[derive(LogicBlock, Default)]
pub struct Execute {
    pub clock: Signal<In, Clock>,
    pub clear: Signal<In, Bit>,
    // the element FIFO and the read data FIFOs
    pub ef_dout: Signal<In, ElemRec>,
    pub ef_valid: Signal<In, Bit>,
    pub ef_pop: Signal<Out, Bit>,
    pub rf0_dout: Signal<In, Bits<DATA_WIDTH>>,
    pub rf0_valid: Signal<In, Bit>,
    pub rf0_pop: Signal<Out, Bit>,
    pub rf1_dout: Signal<In, Bits<DATA_WIDTH>>,
    pub rf1_valid: Signal<In, Bit>,
    pub rf1_pop: Signal<Out, Bit>,
    // the write queue
    pub wq_count: Signal<In, Bits<5>>,
    pub wq_push: Signal<Out, Bit>,
    pub wq_din: Signal<Out, WqEntry>,
    // the FMAC's inputs (see [`crate::fmac::Fmac`]) and outputs
    pub fm_in_valid: Signal<Out, Bit>,
    pub fm_op_a: Signal<Out, Bits<32>>,
    pub fm_op_b: Signal<Out, Bits<32>>,
    pub fm_load: Signal<Out, Bit>,
    pub fm_load_value: Signal<Out, Bits<32>>,
    pub fm_load_neg: Signal<Out, Bit>,
    pub fm_mul: Signal<Out, Bit>,
    pub fm_sub: Signal<Out, Bit>,
    pub fm_norm: Signal<Out, Bit>,
    pub fm_relu: Signal<Out, Bit>,
    pub fm_ieee: Signal<Out, Bit>,
    pub fm_tag_in: Signal<Out, Bits<FMAC_TAG_WIDTH>>,
    pub fmac_out_valid: Signal<In, Bit>,
    pub fmac_result: Signal<In, Bits<32>>,
    pub fmac_flags: Signal<In, Bits<5>>,
    pub fmac_tag_out: Signal<In, Bits<FMAC_TAG_WIDTH>>,
    /// IEEE-mode exception flags of a store that is written.
    pub set_flags: Signal<Out, Bits<5>>,
    /// No FMAC store is in flight.
    pub fmac_idle: Signal<Out, Bit>,
    pub dec: OpDecode,
    got1: DFF<Bit>,
    b_hold: DFF<Bits<DATA_WIDTH>>,
    fmac_pend: DFF<Bits<5>>,
    clr: Signal<Local, Bit>,
    // execute locals
    e_aux: Signal<Local, Bits<{ cmd::AUX_WIDTH }>>,
    e_pol: Signal<Local, Bit>,
    e_sel: Signal<Local, Bits<{ cmd::INIT_SEL_WIDTH }>>,
    e_init: Signal<Local, Bit>,
    e_store: Signal<Local, Bit>,
    e_na: Signal<Local, Bit>,
    e_nb: Signal<Local, Bit>,
    e_nc: Signal<Local, Bit>,
    /// The element belongs to an IEEE-mode job.
    e_ieee: Signal<Local, Bit>,
    e_two1: Signal<Local, Bit>,
    e_n0: Signal<Local, Bit>,
    e_n1: Signal<Local, Bit>,
    e_ready: Signal<Local, Bit>,
    e_fmac_op: Signal<Local, Bit>,
    e_res_ok: Signal<Local, Bit>,
    fire: Signal<Local, Bit>,
    take_b: Signal<Local, Bit>,
    op_a: Signal<Local, Bits<32>>,
    op_b: Signal<Local, Bits<32>>,
    op_c: Signal<Local, Bits<32>>,
    iv: Signal<Local, Bits<32>>,
    f_valid: Signal<Local, Bit>,
    f_norm: Signal<Local, Bit>,
    // ALU beside the FMAC (alu register, cnt/idx counters, comparisons)
    x_alu: DFF<Bits<32>>,
    x_cnt: DFF<Bits<CNT_WIDTH>>,
    x_idx: DFF<Bits<CNT_WIDTH>>,
    x_is_maxmin: Signal<Local, Bit>,
    x_is_thtst: Signal<Local, Bit>,
    x_is_mask: Signal<Local, Bit>,
    x_is_maskmac: Signal<Local, Bit>,
    x_is_copy: Signal<Local, Bit>,
    x_is_outerp: Signal<Local, Bit>,
    x_alu1: Signal<Local, Bits<32>>,
    x_cnt1: Signal<Local, Bits<CNT_WIDTH>>,
    x_idx1: Signal<Local, Bits<CNT_WIDTH>>,
    x_nan_a: Signal<Local, Bit>,
    x_nan_b: Signal<Local, Bit>,
    x_zeros: Signal<Local, Bit>,
    x_mag_gt: Signal<Local, Bit>,
    x_mag_lt: Signal<Local, Bit>,
    x_s_a: Signal<Local, Bit>,
    x_s_b: Signal<Local, Bit>,
    x_eq: Signal<Local, Bit>,
    x_gt: Signal<Local, Bit>,
    x_mode: Signal<Local, Bits<3>>,
    x_traw: Signal<Local, Bit>,
    x_tst: Signal<Local, Bit>,
    x_upd: Signal<Local, Bit>,
    x_alu_n: Signal<Local, Bits<32>>,
    x_idx_n: Signal<Local, Bits<CNT_WIDTH>>,
    x_alu_eff: Signal<Local, Bits<32>>,
    x_test: Signal<Local, Bit>,
    /// `!x_test` as a 1-bit signal: inverting inside a wider expression
    /// would widen before inverting in the generated Verilog.
    x_untaken: Signal<Local, Bit>,
    /// A MASKMAC store whose test is false while no FMAC result is in
    /// flight: its (cancelled) write-queue entry skips the FMAC pipeline.
    x_mm_skip: Signal<Local, Bit>,
    x_wdata: Signal<Local, Bits<32>>,
    x_fres: Signal<Local, Bits<WQ_WIDTH>>,
}
// Literals hdl_gen needs: the write queue holds 16 entries (5-bit counts).
const _: () = assert!(super::WQ_DEPTH == 16);
// the FMAC result entry: data, then the tag from bit 32 (cancel 32, IRQ 33)
const _: () = assert!(wq::CANCEL_BIT == 32 && wq::IRQ_LSB == 33 && DATA_WIDTH == 32);
const _: () = assert!(FMAC_TAG_WIDTH + DATA_WIDTH >= WQ_WIDTH);

impl Logic for Execute {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, got1, b_hold, fmac_pend, x_alu, x_cnt, x_idx);
        self.clr.next = self.clear.val();
        // straight from the input, so the decoder's loop-back is not
        // joined to this block's other logic (Verilator UNOPTFLAT)
        self.dec.op.next = self.ef_dout.val().opcode;
        self.e_aux.next = self.ef_dout.val().aux;
        self.e_pol.next = self.ef_dout.val().polarity;
        self.e_sel.next = self.ef_dout.val().init_sel;
        self.e_init.next = self.ef_dout.val().init;
        self.e_store.next = self.ef_dout.val().store;
        self.e_na.next = self.ef_dout.val().read_a;
        self.e_nb.next = self.ef_dout.val().read_b;
        self.e_nc.next = self.ef_dout.val().read_c;
        self.e_ieee.next = self.ef_dout.val().ieee;
        self.e_two1.next = self.e_na.val() & self.e_nb.val() & self.e_nc.val();
        self.e_n0.next = self.e_na.val() | self.e_nc.val();
        self.e_n1.next = self.e_nb.val() | (self.e_nc.val() & self.e_na.val());
        // Port-1 operand skid: `b_hold` (valid when `got1`) holds the oldest
        // port-1 operand, filled whenever it is empty and the head element
        // takes nothing from port 1, so an element with two port-1 operands
        // (B and C) fires in one cycle: B from the skid, C from the FIFO.
        self.e_ready.next = self.ef_valid.val()
            & (!self.e_n0.val() | self.rf0_valid.val())
            & (!self.e_n1.val() | self.got1.q.val() | self.rf1_valid.val())
            & (!self.e_two1.val() | (self.got1.q.val() & self.rf1_valid.val()));
        self.e_fmac_op.next = self.dec.mac.val()
            | self.dec.vaddsub.val()
            | self.dec.vmult.val()
            | self.dec.outerp.val()
            | self.dec.maskmac.val();
        // result space: FMAC stores count their slot at issue; ALU results
        // wait until the FMAC has drained (keeps results in element order)
        self.e_res_ok.next = !self.e_store.val()
            | (self.e_fmac_op.val()
                & ((self.wq_count.val() + self.fmac_pend.q.val()) < bits::<5>(16)))
            | (!self.e_fmac_op.val()
                & (self.fmac_pend.q.val() == bits::<5>(0))
                & (self.wq_count.val() != bits::<5>(16)));
        self.fire.next = self.e_ready.val() & self.e_res_ok.val() & !self.clr.val();
        self.ef_pop.next = self.fire.val();
        self.rf0_pop.next = self.fire.val() & self.e_n0.val();
        // skid fill: empty and unused, or its operand used by a one-operand
        // element this cycle
        self.take_b.next = self.rf1_valid.val()
            & !self.clr.val()
            & ((!self.got1.q.val() & !(self.fire.val() & self.e_n1.val()))
                | (self.got1.q.val() & self.fire.val() & self.e_n1.val() & !self.e_two1.val()));
        self.rf1_pop.next = self.take_b.val()
            | (self.fire.val() & self.e_two1.val())
            | (self.fire.val() & self.e_n1.val() & !self.got1.q.val());
        if self.fire.val() & self.e_n1.val() {
            self.got1.d.next = false;
        }
        if self.take_b.val() {
            self.got1.d.next = true;
            self.b_hold.d.next = self.rf1_dout.val();
        }
        self.op_a.next = self.rf0_dout.val();
        self.op_b.next = self.rf1_dout.val();
        if self.got1.q.val() {
            self.op_b.next = self.b_hold.q.val();
        }
        self.op_c.next = self.rf0_dout.val();
        if self.e_na.val() {
            self.op_c.next = self.op_b.val();
            if self.e_two1.val() {
                self.op_c.next = self.rf1_dout.val();
            }
        }
        self.iv.next = bits::<32>(0);
        if self.e_sel.val() == bits::<2>(0) {
            self.iv.next = self.op_a.val();
        }
        if self.e_sel.val() == bits::<2>(1) {
            self.iv.next = self.op_b.val();
        }
        if self.e_sel.val() == bits::<2>(2) {
            self.iv.next = self.op_c.val();
        }
        // ALU (in this block rather than a sub-block: its outputs depend
        // combinationally on its inputs, which would make a block-level
        // cycle through the controller). Work of MAXMIN, THTST, MASK, COPY,
        // the MASKMAC test and OUTERP's multiplier; values include this
        // element's init; `fire` commits the state.
        self.x_is_maxmin.next = self.dec.maxmin.val();
        self.x_is_thtst.next = self.dec.thtst.val();
        self.x_is_mask.next = self.dec.mask.val();
        self.x_is_maskmac.next = self.dec.maskmac.val();
        self.x_is_copy.next = self.dec.copy.val();
        self.x_is_outerp.next = self.dec.outerp.val();
        // init step
        self.x_alu1.next = self.x_alu.q.val();
        self.x_cnt1.next = self.x_cnt.q.val();
        self.x_idx1.next = self.x_idx.q.val();
        if self.e_init.val() {
            if self.x_is_maxmin.val()
                | self.x_is_thtst.val()
                | self.x_is_mask.val()
                | self.x_is_outerp.val()
                | (self.x_is_copy.val() & !self.e_aux.val().get_bit(0))
            {
                self.x_alu1.next = self.iv.val();
            }
            if self.x_is_maskmac.val() {
                if self.e_sel.val() == bits::<2>(3) {
                    self.x_alu1.next = bits::<32>(0);
                } else {
                    self.x_alu1.next = self.op_b.val();
                }
            }
            if self.x_is_maxmin.val() | self.x_is_mask.val() | self.x_is_maskmac.val() {
                self.x_cnt1.next = bits::<CNT_WIDTH>(0);
            }
            if self.x_is_maxmin.val() {
                self.x_idx1.next = bits::<CNT_WIDTH>(0);
            }
        }
        self.x_alu_eff.next = self.x_alu1.val();
        // IEEE comparisons of alu1 with b
        self.x_nan_a.next = (self.x_alu1.val().get_bits::<8>(23) == bits::<8>(255))
            & self.x_alu1.val().get_bits::<23>(0).any();
        self.x_nan_b.next = (self.op_b.val().get_bits::<8>(23) == bits::<8>(255))
            & self.op_b.val().get_bits::<23>(0).any();
        self.x_zeros.next =
            !(self.x_alu1.val().get_bits::<31>(0).any() | self.op_b.val().get_bits::<31>(0).any());
        self.x_mag_gt.next =
            self.x_alu1.val().get_bits::<31>(0) > self.op_b.val().get_bits::<31>(0);
        self.x_mag_lt.next =
            self.x_alu1.val().get_bits::<31>(0) < self.op_b.val().get_bits::<31>(0);
        self.x_s_a.next = self.x_alu1.val().get_bit(31);
        self.x_s_b.next = self.op_b.val().get_bit(31);
        self.x_eq.next = !self.x_nan_a.val()
            & !self.x_nan_b.val()
            & ((self.x_alu1.val() == self.op_b.val()) | self.x_zeros.val());
        self.x_gt.next = !self.x_nan_a.val()
            & !self.x_nan_b.val()
            & ((!self.x_s_a.val() & self.x_s_b.val() & !self.x_zeros.val())
                | (!self.x_s_a.val() & !self.x_s_b.val() & self.x_mag_gt.val())
                | (self.x_s_a.val() & self.x_s_b.val() & self.x_mag_lt.val()));
        // test by mode (THTST uses aux[1:0])
        self.x_mode.next = self.e_aux.val();
        if self.x_is_thtst.val() {
            self.x_mode.next = self.e_aux.val() & bits::<3>(3);
        }
        self.x_traw.next = false;
        self.x_tst.next = false;
        if self.x_mode.val() == bits::<3>(0) {
            self.x_traw.next = self.x_eq.val();
        }
        if self.x_mode.val() == bits::<3>(1) {
            self.x_traw.next = self.x_gt.val();
        }
        if self.x_mode.val() == bits::<3>(2) {
            self.x_traw.next = self.x_gt.val() | self.x_eq.val();
        }
        if self.x_mode.val() == bits::<3>(4) {
            self.x_traw.next = bit_cast::<32, CNT_WIDTH>(self.x_cnt1.val()) == self.x_alu1.val();
        }
        if (self.x_mode.val() == bits::<3>(0))
            | (self.x_mode.val() == bits::<3>(1))
            | (self.x_mode.val() == bits::<3>(2))
            | (self.x_mode.val() == bits::<3>(4))
        {
            self.x_tst.next = self.x_traw.val() ^ self.e_pol.val();
        }
        self.x_test.next = self.x_tst.val();
        self.x_untaken.next = !self.x_tst.val();
        self.x_mm_skip.next = self.x_is_maskmac.val()
            & self.e_store.val()
            & !self.x_tst.val()
            & (self.fmac_pend.q.val() == bits::<5>(0));
        // MAXMIN update; IEEE mode: the maximum takes B only when B >= alu
        // (ordered), so NaN elements are skipped
        self.x_upd.next = self.x_gt.val() ^ !self.e_pol.val();
        if self.e_ieee.val() & !self.e_pol.val() {
            self.x_upd.next = !self.x_gt.val() & !self.x_nan_a.val() & !self.x_nan_b.val();
        }
        self.x_alu_n.next = self.x_alu1.val();
        self.x_idx_n.next = self.x_idx1.val();
        if self.x_is_maxmin.val() & self.x_upd.val() {
            self.x_alu_n.next = self.op_b.val();
            self.x_idx_n.next = self.x_cnt1.val();
        }
        if self.x_is_copy.val() & self.e_aux.val().get_bit(0) {
            self.x_alu_n.next = self.op_a.val();
        }
        // store values
        self.x_wdata.next = self.x_alu_n.val();
        if self.x_is_maxmin.val() & self.e_aux.val().any() {
            self.x_wdata.next = bit_cast::<32, CNT_WIDTH>(self.x_idx_n.val());
        }
        if self.x_is_thtst.val() {
            if self.e_aux.val().get_bit(2) {
                if self.x_tst.val() {
                    self.x_wdata.next = bits::<32>(0x3F80_0000);
                } else {
                    self.x_wdata.next = bits::<32>(0);
                }
            } else if self.x_tst.val() {
                self.x_wdata.next = self.op_b.val();
            } else {
                self.x_wdata.next = self.x_alu1.val();
            }
        }
        if self.x_is_mask.val() {
            if self.x_tst.val() {
                self.x_wdata.next = self.op_a.val();
            } else {
                self.x_wdata.next = bits::<32>(0);
            }
        }
        if self.fire.val() {
            self.x_alu.d.next = self.x_alu_n.val();
            self.x_idx.d.next = self.x_idx_n.val();
            self.x_cnt.d.next = self.x_cnt1.val();
            if self.x_is_maxmin.val() | self.x_is_mask.val() | self.x_is_maskmac.val() {
                self.x_cnt.d.next = self.x_cnt1.val() + 1;
            }
        }
        if self.clr.val() {
            self.x_alu.d.next = bits::<32>(0);
            self.x_cnt.d.next = bits::<CNT_WIDTH>(0);
            self.x_idx.d.next = bits::<CNT_WIDTH>(0);
        }
        // FMAC
        self.f_valid.next = self.e_fmac_op.val();
        self.f_norm.next = self.e_store.val();
        self.fm_op_a.next = self.op_a.val();
        self.fm_op_b.next = self.op_b.val();
        self.fm_load.next = self.e_init.val();
        self.fm_load_value.next = self.iv.val();
        self.fm_load_neg.next = false;
        self.fm_mul.next = true;
        self.fm_sub.next = self.e_pol.val();
        self.fm_relu.next = self.e_aux.val().any();
        self.fm_ieee.next = self.e_ieee.val();
        self.fm_tag_in.next = bit_cast::<FMAC_TAG_WIDTH, 2>(self.ef_dout.val().irq) << 1;
        if self.dec.vaddsub.val() {
            // VADDSUB: acc = +-init; acc += A x 1.0
            self.fm_op_b.next = bits::<32>(0x3F80_0000);
            self.fm_sub.next = false;
            self.fm_load_neg.next = self.e_pol.val();
        }
        if self.dec.vmult.val() {
            // VMULT: acc = +-A*B (replaces; loading -0.0 places nothing and
            // keeps the sign of a zero product in IEEE mode)
            self.fm_load.next = true;
            self.fm_load_value.next = bits::<32>(0x8000_0000_u64);
        }
        if self.dec.outerp.val() {
            // OUTERP: acc = +-A*alu (replaces, as VMULT)
            self.fm_load.next = true;
            self.fm_load_value.next = bits::<32>(0x8000_0000_u64);
            self.fm_op_b.next = self.x_alu_eff.val();
        }
        if self.dec.maskmac.val() {
            // MASKMAC: init acc = A; at a store with the test true acc += C
            self.f_valid.next = self.e_init.val() | (self.e_store.val() & !self.x_mm_skip.val());
            self.f_norm.next = self.e_store.val() & !self.x_mm_skip.val();
            self.fm_load_value.next = self.op_a.val();
            self.fm_mul.next = self.e_store.val() & self.x_test.val();
            self.fm_op_a.next = self.op_c.val();
            self.fm_op_b.next = bits::<32>(0x3F80_0000);
            self.fm_sub.next = false;
            self.fm_relu.next = false;
            self.fm_tag_in.next = (bit_cast::<FMAC_TAG_WIDTH, 2>(self.ef_dout.val().irq) << 1)
                .replace_bit(0, self.x_untaken.val());
        }
        self.fm_in_valid.next = self.fire.val() & self.f_valid.val();
        self.fm_norm.next = self.f_norm.val();
        if self.fire.val() & self.e_fmac_op.val() & self.f_valid.val() & self.f_norm.val() {
            if !self.fmac_out_valid.val() {
                self.fmac_pend.d.next = self.fmac_pend.q.val() + 1;
            }
        } else if self.fmac_out_valid.val() {
            self.fmac_pend.d.next = self.fmac_pend.q.val() - 1;
        }
        // IEEE-mode exception flags of a store that is written (not of a
        // MASKMAC store whose test is false: tag bit 0)
        self.set_flags.next = bits::<5>(0);
        if self.fmac_out_valid.val() & !self.fmac_tag_out.val().get_bit(0) {
            self.set_flags.next = self.fmac_flags.val();
        }
        // results into the write queue
        self.wq_push.next = self.fmac_out_valid.val()
            | (self.fire.val()
                & (!self.e_fmac_op.val() | self.x_mm_skip.val())
                & self.e_store.val());
        self.wq_din.next.data = self.x_wdata.val();
        self.wq_din.next.cancel = false;
        self.wq_din.next.irq = self.ef_dout.val().irq;
        if self.x_mm_skip.val() {
            self.wq_din.next.data = bits::<DATA_WIDTH>(0);
            self.wq_din.next.cancel = true;
        }
        // the FMAC's result with its tag (cancel at bit 0, the IRQ bits
        // above) as a write-queue entry (the tag's upper bits are unused)
        self.x_fres.next = bit_cast::<WQ_WIDTH, DATA_WIDTH>(self.fmac_result.val())
            | (bit_cast::<WQ_WIDTH, FMAC_TAG_WIDTH>(self.fmac_tag_out.val()) << 32);
        if self.fmac_out_valid.val() {
            // the tag: cancel at bit 0, the IRQ bits above it
            self.wq_din.next.data = self.x_fres.val().get_bits::<DATA_WIDTH>(0);
            self.wq_din.next.cancel = self.x_fres.val().get_bit(32);
            self.wq_din.next.irq = self.x_fres.val().get_bits::<IRQ_WIDTH>(33);
        }
        self.fmac_idle.next = self.fmac_pend.q.val() == bits::<5>(0);
        if self.clr.val() {
            self.got1.d.next = false;
            self.fmac_pend.d.next = bits::<5>(0);
        }
    }
}
