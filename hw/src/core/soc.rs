//! The control core's system: [`Core`] + the 128 KiB [`L2`] + simulation
//! control (spec section 10) + the external data port.
//!
//! Data accesses of the core outside L2 go to the simulation control window
//! (`SIM_CTRL_BASE`: `EXIT` and `PUTC` writes, granted at once, reads 0) or
//! else to the `bus` PULP master port ([`BusMaster`]; the cluster's control
//! port in the cluster, a testbench memory otherwise): `bus.req` is the
//! core's request outside the window, which never depends on `bus.gnt`.
//!
//! `exit_valid` rises (and stays) the cycle after the core writes `EXIT`,
//! with the value on `exit_code`; `putc_valid` pulses for one cycle after a
//! `PUTC` write with the low byte on `putc_char`.
//!
//! Testbench path: with `tb_we` (or `tb_re`) the L2 data port writes
//! `tb_wdata` to (reads `tb_rdata` the next cycle from) word `tb_addr`
//! instead of serving the core; use it while `clear` holds the core.

use super::{l2::L2, sim_window::SimWindow, top::Core};
use crate::bus::BusMaster;
use crate::params::core::{SIMCTRL_EXIT, SIMCTRL_PUTC};
use crate::params::rv::L2_WORDS_LOG2;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct Soc {
    pub clock: Signal<In, Clock>,
    pub clear: Signal<In, Bit>,
    pub irq: Signal<In, Bit>,
    /// The core's data port outside L2 and the simulation-control window
    /// (accepts `r_valid` any number of cycles after the grant).
    pub bus: BusMaster,
    pub tb_we: Signal<In, Bit>,
    pub tb_re: Signal<In, Bit>,
    pub tb_addr: Signal<In, Bits<L2_WORDS_LOG2>>,
    pub tb_wdata: Signal<In, Bits<32>>,
    pub tb_rdata: Signal<Out, Bits<32>>,
    pub exit_valid: Signal<Out, Bit>,
    pub exit_code: Signal<Out, Bits<32>>,
    pub putc_valid: Signal<Out, Bit>,
    pub putc_char: Signal<Out, Bits<8>>,
    pub trace_valid: Signal<Out, Bit>,
    pub trace_pc: Signal<Out, Bits<32>>,
    pub trace_insn: Signal<Out, Bits<32>>,
    pub trace_rd: Signal<Out, Bits<5>>,
    pub trace_rd_val: Signal<Out, Bits<32>>,
    pub trace_trap: Signal<Out, Bit>,
    pub trace_cause: Signal<Out, Bits<32>>,
    pub mcycle_lo: Signal<Out, Bits<32>>,
    pub mcycle_hi: Signal<Out, Bits<32>>,
    pub minstret_lo: Signal<Out, Bits<32>>,
    pub minstret_hi: Signal<Out, Bits<32>>,
    pub core: Core,
    pub l2: L2<L2_WORDS_LOG2>,
    exit_v: DFF<Bit>,
    exit_c: DFF<Bits<32>>,
    putc_v: DFF<Bit>,
    putc_c: DFF<Bits<8>>,
    sim_ack: DFF<Bit>,
    /// Decode of the simulation-control window (a sub-block, see
    /// [`SimWindow`]).
    sim: SimWindow,
    sim_exit: Constant<Bits<32>>,
    sim_putc: Constant<Bits<32>>,
}

impl Default for Soc {
    fn default() -> Self {
        fn k(v: u32) -> Constant<Bits<32>> {
            Constant::new(v.to_bits())
        }
        Self {
            clock: Default::default(),
            clear: Default::default(),
            irq: Default::default(),
            bus: Default::default(),
            tb_we: Default::default(),
            tb_re: Default::default(),
            tb_addr: Default::default(),
            tb_wdata: Default::default(),
            tb_rdata: Default::default(),
            exit_valid: Default::default(),
            exit_code: Default::default(),
            putc_valid: Default::default(),
            putc_char: Default::default(),
            trace_valid: Default::default(),
            trace_pc: Default::default(),
            trace_insn: Default::default(),
            trace_rd: Default::default(),
            trace_rd_val: Default::default(),
            trace_trap: Default::default(),
            trace_cause: Default::default(),
            mcycle_lo: Default::default(),
            mcycle_hi: Default::default(),
            minstret_lo: Default::default(),
            minstret_hi: Default::default(),
            core: Default::default(),
            l2: Default::default(),
            exit_v: Default::default(),
            exit_c: Default::default(),
            putc_v: Default::default(),
            putc_c: Default::default(),
            sim_ack: Default::default(),
            sim: Default::default(),
            sim_exit: k(SIMCTRL_EXIT),
            sim_putc: k(SIMCTRL_PUTC),
        }
    }
}

impl Logic for Soc {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, exit_v, exit_c, putc_v, putc_c, sim_ack);
        clock!(self, clock, core, l2);
        self.core.clear.next = self.clear.val();
        self.core.irq.next = self.irq.val();
        // ---- L2: fetch port, data port (or the testbench)
        self.l2.i_req.next = self.core.imem_req.val();
        self.l2.i_addr.next = self.core.imem_addr.val();
        self.core.imem_rdata.next = self.l2.i_rdata.val();
        self.l2.d_req.next = self.core.dmem_req.val();
        self.l2.d_we.next = self.core.dmem_we.val();
        self.l2.d_be.next = self.core.dmem_be.val();
        self.l2.d_addr.next = self.core.dmem_addr.val();
        self.l2.d_wdata.next = self.core.dmem_wdata.val();
        if self.tb_we.val() | self.tb_re.val() {
            self.l2.d_req.next = true;
            self.l2.d_we.next = self.tb_we.val();
            self.l2.d_be.next = 15.into();
            self.l2.d_addr.next = self.tb_addr.val();
            self.l2.d_wdata.next = self.tb_wdata.val();
        }
        self.core.dmem_rdata.next = self.l2.d_rdata.val();
        self.tb_rdata.next = self.l2.d_rdata.val();
        // ---- external data: simulation control or the bus
        self.sim.addr.next = self.core.ext.addr.val();
        self.bus.req.next = self.core.ext.req.val() & !self.sim.hit.val();
        self.bus.we.next = self.core.ext.we.val();
        self.bus.be.next = self.core.ext.be.val();
        self.bus.addr.next = self.core.ext.addr.val();
        self.bus.wdata.next = self.core.ext.wdata.val();
        self.core.ext.gnt.next = self.bus.gnt.val();
        if self.sim.hit.val() {
            self.core.ext.gnt.next = true;
        }
        self.sim_ack.d.next = self.core.ext.req.val() & self.sim.hit.val() & !self.clear.val();
        self.core.ext.r_valid.next = self.bus.r_valid.val() | self.sim_ack.q.val();
        self.core.ext.r_rdata.next = self.bus.r_rdata.val();
        if self.sim_ack.q.val() {
            self.core.ext.r_rdata.next = 0.into();
        }
        self.putc_v.d.next = false;
        if self.core.ext.req.val() & self.sim.hit.val() & self.core.ext.we.val() {
            if self.sim.off.val() == self.sim_exit.val() {
                self.exit_v.d.next = true;
                self.exit_c.d.next = self.core.ext.wdata.val();
            }
            if self.sim.off.val() == self.sim_putc.val() {
                self.putc_v.d.next = true;
                self.putc_c.d.next = self.core.ext.wdata.val().get_bits::<8>(0);
            }
        }
        if self.clear.val() {
            self.exit_v.d.next = false;
            self.exit_c.d.next = 0.into();
            self.putc_v.d.next = false;
            self.putc_c.d.next = 0.into();
        }
        self.exit_valid.next = self.exit_v.q.val();
        self.exit_code.next = self.exit_c.q.val();
        self.putc_valid.next = self.putc_v.q.val();
        self.putc_char.next = self.putc_c.q.val();
        // ---- trace
        self.trace_valid.next = self.core.trace_valid.val();
        self.trace_pc.next = self.core.trace_pc.val();
        self.trace_insn.next = self.core.trace_insn.val();
        self.trace_rd.next = self.core.trace_rd.val();
        self.trace_rd_val.next = self.core.trace_rd_val.val();
        self.trace_trap.next = self.core.trace_trap.val();
        self.trace_cause.next = self.core.trace_cause.val();
        self.mcycle_lo.next = self.core.mcycle_lo.val();
        self.mcycle_hi.next = self.core.mcycle_hi.val();
        self.minstret_lo.next = self.core.minstret_lo.val();
        self.minstret_hi.next = self.core.minstret_hi.val();
    }
}
