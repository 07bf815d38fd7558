//! Register interface of NTX (spec section 3): the slave port, the staging
//! area (LOOP_END, AGU bases and strides), CMD commit, CTRL (soft clear,
//! priority, IEEE mode), IRQ (RW1C), STATUS, FLAGS (RW1C, sticky IEEE-mode
//! exception flags), the freeze rule and the invalid flag. The IEEE-mode bit
//! of CTRL is copied into the job at its CMD write (`cmd_ieee`): the mode
//! of the model's job, which runs at its commit.
//!
//! The one-entry job queue is the controller's active job: `take` moves the
//! committed staging area + command into it (the controller copies the
//! outputs), which frees the staging area.

use crate::bus::RegSlave;
use crate::params::cmd::{AUX_WIDTH, INIT_SEL_WIDTH, IRQ_CFG_WIDTH, LEVEL_WIDTH, OPCODE_WIDTH};
use crate::params::*;
use rust_hdl::prelude::*;

#[derive(LogicBlock, Default)]
pub struct RegIf {
    pub clock: Signal<In, Clock>,
    /// The register slave port (the NTX's `regs`).
    pub regs: RegSlave<REG_ADDR_WIDTH>,
    pub irq: Signal<Out, Bit>,
    pub tcdm_prio: Signal<Out, Bits<2>>,
    /// Soft clear this cycle: CTRL written with bit 0 set (combinational from
    /// the request; CTRL writes are always granted).
    pub soft_clear: Signal<Out, Bit>,
    // to/from the controller
    pub loop_end: [Signal<Out, Bits<LOOP_WIDTH>>; N_LOOPS],
    pub base: [Signal<Out, Bits<AGU_ADDR_WIDTH>>; N_AGUS],
    pub stride: [Signal<Out, Bits<AGU_ADDR_WIDTH>>; 15],
    /// The command word of the committed job, as its fields.
    pub cmd: Signal<Out, super::records::CmdWord>,
    /// CTRL bit 3 (IEEE mode) as it was when CMD was written.
    pub cmd_ieee: Signal<Out, Bit>,
    /// Exception flags raised by an IEEE-mode store (ORed into FLAGS).
    pub set_flags: Signal<In, Bits<5>>,
    /// A job waits in the staging area.
    pub committed: Signal<Out, Bit>,
    pub invalid: Signal<Out, Bit>,
    /// The controller takes the committed job this cycle.
    pub take: Signal<In, Bit>,
    /// The taken job is invalid: set STATUS bit3 (and the command IRQ).
    pub set_invalid: Signal<In, Bit>,
    /// IRQ bits to set.
    pub set_irq: Signal<In, Bits<2>>,
    /// STATUS bit0 (queue empty) and bit1 (pipeline empty).
    pub queue_empty: Signal<In, Bit>,
    pub pipe_empty: Signal<In, Bit>,
    r_loop_end: [DFF<Bits<LOOP_WIDTH>>; N_LOOPS],
    r_base: [DFF<Bits<AGU_ADDR_WIDTH>>; N_AGUS],
    r_stride: [DFF<Bits<AGU_ADDR_WIDTH>>; 15],
    r_cmd: DFF<Bits<32>>,
    r_ctrl: DFF<Bits<4>>,
    r_cmd_ieee: DFF<Bit>,
    r_flags: DFF<Bits<5>>,
    flags_w: Signal<Local, Bits<5>>,
    r_irq: DFF<Bits<2>>,
    r_committed: DFF<Bit>,
    r_invalid: DFF<Bit>,
    r_rdata: DFF<Bits<32>>,
    /// One-hot decode of the word address.
    sel: Signal<Local, Bits<32>>,
    frozen_target: Signal<Local, Bit>,
    wr: Signal<Local, Bit>,
    clr: Signal<Local, Bit>,
    status: Signal<Local, Bits<32>>,
    rd: Signal<Local, Bits<32>>,
    irq_w: Signal<Local, Bits<2>>,
}

impl Logic for RegIf {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            r_cmd,
            r_ctrl,
            r_cmd_ieee,
            r_flags,
            r_irq,
            r_committed,
            r_invalid,
            r_rdata
        );
        self.soft_clear.next = self.regs.req.val()
            & self.regs.we.val()
            & (self.regs.addr.val() == bits::<REG_ADDR_WIDTH>(1))
            & self.regs.wdata.val().get_bit(0);
        for k in 0..5 {
            self.r_loop_end[k].clock.next = self.clock.val();
            self.r_loop_end[k].d.next = self.r_loop_end[k].q.val();
        }
        for a in 0..3 {
            self.r_base[a].clock.next = self.clock.val();
            self.r_base[a].d.next = self.r_base[a].q.val();
        }
        for s in 0..15 {
            self.r_stride[s].clock.next = self.clock.val();
            self.r_stride[s].d.next = self.r_stride[s].q.val();
        }
        self.sel.next = bits::<32>(1) << bit_cast::<32, REG_ADDR_WIDTH>(self.regs.addr.val());
        if self.regs.addr.val().get_bit(6) | self.regs.addr.val().get_bit(5) {
            self.sel.next = bits::<32>(0);
        }
        // Staging area (0x04-0x1A) and CMD (0x02) freeze while a job is committed.
        self.frozen_target.next = (self.sel.val() & bits::<32>(0x07FF_FFF4)).any();
        self.regs.gnt.next = self.regs.req.val()
            & !(self.regs.we.val() & self.frozen_target.val() & self.r_committed.q.val());
        self.wr.next = self.regs.req.val() & self.regs.we.val() & self.regs.gnt.val();
        self.clr.next =
            self.wr.val() & self.sel.val().get_bit(1) & self.regs.wdata.val().get_bit(0);
        // writes
        if self.wr.val() {
            if self.sel.val().get_bit(1) {
                self.r_ctrl.d.next = self.regs.wdata.val().get_bits::<4>(0);
            }
            if self.sel.val().get_bit(2) {
                self.r_cmd.d.next = self.regs.wdata.val();
                self.r_cmd_ieee.d.next = self.r_ctrl.q.val().get_bit(3);
                self.r_committed.d.next = true;
            }
            for k in 0..5 {
                if self.sel.val().get_bit(k + 4) {
                    self.r_loop_end[k].d.next = self.regs.wdata.val().get_bits::<16>(0);
                }
            }
            for a in 0..3 {
                if self.sel.val().get_bit(a * 6 + 9) {
                    self.r_base[a].d.next = self.regs.wdata.val().get_bits::<18>(2);
                }
            }
            for a in 0..3 {
                for k in 0..5 {
                    if self.sel.val().get_bit(a * 6 + k + 10) {
                        self.r_stride[a * 5 + k].d.next = self.regs.wdata.val().get_bits::<18>(2);
                    }
                }
            }
        }
        if self.take.val() {
            self.r_committed.d.next = false;
        }
        if self.set_invalid.val() {
            self.r_invalid.d.next = true;
        }
        self.irq_w.next = self.r_irq.q.val();
        if self.wr.val() & self.sel.val().get_bit(3) {
            self.irq_w.next = self.r_irq.q.val() & !self.regs.wdata.val().get_bits::<2>(0);
        }
        self.r_irq.d.next = self.irq_w.val() | self.set_irq.val();
        if self.set_invalid.val() {
            self.r_irq.d.next = self.irq_w.val() | self.set_irq.val() | bits::<2>(2);
        }
        // FLAGS: write 1 to clear, raised flags set (set wins)
        self.flags_w.next = self.r_flags.q.val();
        if self.wr.val() & self.sel.val().get_bit(27) {
            self.flags_w.next = self.r_flags.q.val() & !self.regs.wdata.val().get_bits::<5>(0);
        }
        self.r_flags.d.next = self.flags_w.val() | (self.set_flags.val() & bits::<5>(0x17));
        if self.clr.val() {
            self.r_flags.d.next = bits::<5>(0);
            self.r_ctrl.d.next = bits::<4>(0);
            self.r_irq.d.next = bits::<2>(0);
            self.r_invalid.d.next = false;
            // soft-clear contract: a job committed before the clear (also
            // one written in the cycle before) is cancelled, not started
            self.r_committed.d.next = false;
        }
        // reads (one cycle latency)
        self.rd.next = bits::<32>(0);
        self.status.next = bit_cast::<32, 5>(
            bits::<5>(0)
                .replace_bit(0, self.queue_empty.val())
                .replace_bit(1, self.pipe_empty.val())
                .replace_bit(2, self.queue_empty.val() & self.pipe_empty.val())
                .replace_bit(3, self.r_invalid.q.val())
                .replace_bit(4, self.r_committed.q.val()),
        );
        if self.sel.val().get_bit(0) {
            self.rd.next = self.status.val();
        }
        if self.sel.val().get_bit(1) {
            self.rd.next = bit_cast::<32, 4>(self.r_ctrl.q.val());
        }
        if self.sel.val().get_bit(2) {
            self.rd.next = self.r_cmd.q.val();
        }
        if self.sel.val().get_bit(3) {
            self.rd.next = bit_cast::<32, 2>(self.r_irq.q.val());
        }
        if self.sel.val().get_bit(4) {
            self.rd.next = bit_cast::<32, 16>(self.r_loop_end[0].q.val());
        }
        if self.sel.val().get_bit(5) {
            self.rd.next = bit_cast::<32, 16>(self.r_loop_end[1].q.val());
        }
        if self.sel.val().get_bit(6) {
            self.rd.next = bit_cast::<32, 16>(self.r_loop_end[2].q.val());
        }
        if self.sel.val().get_bit(7) {
            self.rd.next = bit_cast::<32, 16>(self.r_loop_end[3].q.val());
        }
        if self.sel.val().get_bit(8) {
            self.rd.next = bit_cast::<32, 16>(self.r_loop_end[4].q.val());
        }
        if self.sel.val().get_bit(9) {
            self.rd.next = bit_cast::<32, 18>(self.r_base[0].q.val());
        }
        if self.sel.val().get_bit(10) {
            self.rd.next = bit_cast::<32, 18>(self.r_stride[0].q.val());
        }
        if self.sel.val().get_bit(11) {
            self.rd.next = bit_cast::<32, 18>(self.r_stride[1].q.val());
        }
        if self.sel.val().get_bit(12) {
            self.rd.next = bit_cast::<32, 18>(self.r_stride[2].q.val());
        }
        if self.sel.val().get_bit(13) {
            self.rd.next = bit_cast::<32, 18>(self.r_stride[3].q.val());
        }
        if self.sel.val().get_bit(14) {
            self.rd.next = bit_cast::<32, 18>(self.r_stride[4].q.val());
        }
        if self.sel.val().get_bit(15) {
            self.rd.next = bit_cast::<32, 18>(self.r_base[1].q.val());
        }
        if self.sel.val().get_bit(16) {
            self.rd.next = bit_cast::<32, 18>(self.r_stride[5].q.val());
        }
        if self.sel.val().get_bit(17) {
            self.rd.next = bit_cast::<32, 18>(self.r_stride[6].q.val());
        }
        if self.sel.val().get_bit(18) {
            self.rd.next = bit_cast::<32, 18>(self.r_stride[7].q.val());
        }
        if self.sel.val().get_bit(19) {
            self.rd.next = bit_cast::<32, 18>(self.r_stride[8].q.val());
        }
        if self.sel.val().get_bit(20) {
            self.rd.next = bit_cast::<32, 18>(self.r_stride[9].q.val());
        }
        if self.sel.val().get_bit(21) {
            self.rd.next = bit_cast::<32, 18>(self.r_base[2].q.val());
        }
        if self.sel.val().get_bit(22) {
            self.rd.next = bit_cast::<32, 18>(self.r_stride[10].q.val());
        }
        if self.sel.val().get_bit(23) {
            self.rd.next = bit_cast::<32, 18>(self.r_stride[11].q.val());
        }
        if self.sel.val().get_bit(24) {
            self.rd.next = bit_cast::<32, 18>(self.r_stride[12].q.val());
        }
        if self.sel.val().get_bit(25) {
            self.rd.next = bit_cast::<32, 18>(self.r_stride[13].q.val());
        }
        if self.sel.val().get_bit(26) {
            self.rd.next = bit_cast::<32, 18>(self.r_stride[14].q.val());
        }
        if self.sel.val().get_bit(27) {
            self.rd.next = bit_cast::<32, 5>(self.r_flags.q.val());
        }
        if self.regs.req.val() & !self.regs.we.val() {
            self.r_rdata.d.next = self.rd.val();
        }
        self.regs.rdata.next = self.r_rdata.q.val();
        self.irq.next = self.r_irq.q.val().any();
        self.tcdm_prio.next = self.r_ctrl.q.val().get_bits::<2>(1);
        for k in 0..5 {
            self.loop_end[k].next = self.r_loop_end[k].q.val();
        }
        for a in 0..3 {
            self.base[a].next = self.r_base[a].q.val();
        }
        for s in 0..15 {
            self.stride[s].next = self.r_stride[s].q.val();
        }
        // hdl_gen needs literal offsets: tied to params::cmd below.
        self.cmd.next.opcode = self.r_cmd.q.val().get_bits::<OPCODE_WIDTH>(0);
        self.cmd.next.init_level = self.r_cmd.q.val().get_bits::<LEVEL_WIDTH>(4);
        self.cmd.next.inner_level = self.r_cmd.q.val().get_bits::<LEVEL_WIDTH>(7);
        self.cmd.next.outer_level = self.r_cmd.q.val().get_bits::<LEVEL_WIDTH>(10);
        self.cmd.next.init_sel = self.r_cmd.q.val().get_bits::<INIT_SEL_WIDTH>(13);
        self.cmd.next.aux = self.r_cmd.q.val().get_bits::<AUX_WIDTH>(15);
        self.cmd.next.irq_cfg = self.r_cmd.q.val().get_bits::<IRQ_CFG_WIDTH>(18);
        self.cmd.next.polarity = self.r_cmd.q.val().get_bit(20);
        self.cmd_ieee.next = self.r_cmd_ieee.q.val();
        self.committed.next = self.r_committed.q.val();
        self.invalid.next = self.r_invalid.q.val();
    }
}
// The literal offsets of the CMD unpacking above.
const _: () = assert!(
    cmd::OPCODE_LSB == 0
        && cmd::INIT_LEVEL_LSB == 4
        && cmd::INNER_LEVEL_LSB == 7
        && cmd::OUTER_LEVEL_LSB == 10
        && cmd::INIT_SEL_LSB == 13
        && cmd::AUX_LSB == 15
        && cmd::IRQ_CFG_LSB == 18
        && cmd::POLARITY_BIT == 20
);
const _: () = assert!(regs::CTRL == 1, "soft clear decode");
