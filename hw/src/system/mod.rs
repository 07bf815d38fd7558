//! The cluster with its control core (spec 1 and 10): the core's system
//! ([`Soc`]: core, 128 KiB L2, simulation control) is the master of the
//! cluster's control port, so firmware reaches the TCDM (as interconnect
//! master `CORE_MASTER`), the DMA and the NTX registers; the
//! cluster-control window ([`CtrlRegs`]: IRQ_PENDING / IRQ_ENABLE) turns the
//! NTX and DMA interrupt lines into the core's machine external interrupt.
//! The top only instantiates and wires.
//!
//! Testbench paths (used while the core is held): `tb_l2_*` reads and
//! writes L2 words (the [`Soc`]'s backdoor port, one word a cycle) and,
//! while `tb_sel` is high, `tb_*` owns the cluster's control port (word
//! accesses with the PULP handshake: `tb_gnt` in the request cycle,
//! `tb_rvalid`/`tb_rdata` one cycle later) to load and read the TCDM.
//! `tb_sel` also holds the core in clear, so the core starts at the reset
//! PC with zero counters the cycle `tb_sel` falls.
//!
//! `clear` clears the core, the control-port split and the cluster fabric;
//! the NTX are cleared through their CTRL registers (firmware), as in
//! [`Cluster`]. The DMA's external port goes to the HMC vault model.
//!
//! Request/grant split: [`CtrlReq`] computes every request from the core's
//! request and `tb_sel` only; [`CtrlResp`] steers grants and responses; so
//! no block reads a grant and drives a request.

pub mod ctrl_regs;
pub mod ctrl_req;
pub mod ctrl_resp;

use crate::bus::ExtMaster;
use crate::cluster::Cluster;
use crate::core::soc::Soc;
use crate::params::cluster::N_NTX;
use crate::params::core::{IRQ_DMA_BIT, TCDM_BYTES};
use crate::params::rv::L2_WORDS_LOG2;
use crate::params::{ADDR_WIDTH, DATA_WIDTH};
use ctrl_regs::{CtrlRegs, IRQ_W};
use ctrl_req::CtrlReq;
use ctrl_resp::CtrlResp;
use rust_hdl::prelude::*;

const _: () = assert!(IRQ_DMA_BIT as usize == N_NTX && N_NTX == 8 && IRQ_W == N_NTX + 1);

/// Core + cluster of `B` banks of `2^N` words (`B * 2^N * 4` must be
/// `params::core::TCDM_BYTES`, the size the core's access-fault check and
/// the ISS assume).
#[derive(LogicBlock)]
pub struct ClusterSystem<const B: usize, const N: usize> {
    pub clock: Signal<In, Clock>,
    pub clear: Signal<In, Bit>,
    // testbench: L2 backdoor
    pub tb_l2_we: Signal<In, Bit>,
    pub tb_l2_re: Signal<In, Bit>,
    pub tb_l2_addr: Signal<In, Bits<L2_WORDS_LOG2>>,
    pub tb_l2_wdata: Signal<In, Bits<32>>,
    pub tb_l2_rdata: Signal<Out, Bits<32>>,
    // testbench: the cluster's control port (while tb_sel)
    pub tb_sel: Signal<In, Bit>,
    pub tb_req: Signal<In, Bit>,
    pub tb_addr: Signal<In, Bits<ADDR_WIDTH>>,
    pub tb_we: Signal<In, Bit>,
    pub tb_wdata: Signal<In, Bits<DATA_WIDTH>>,
    pub tb_gnt: Signal<Out, Bit>,
    pub tb_rvalid: Signal<Out, Bit>,
    pub tb_rdata: Signal<Out, Bits<DATA_WIDTH>>,
    /// The DMA's external (HMC) port.
    pub ext: ExtMaster,
    // simulation control and the retirement trace of the core
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
    /// IRQ_PENDING as the core would read it (for waveforms and tests).
    /// The FIFO checks of all NTX, ORed (`Cluster::ntx_err`).
    pub ntx_err: Signal<Out, Bit>,
    /// The interconnect's one-access-per-bank check (`Cluster::err`).
    pub err: Signal<Out, Bit>,
    pub irq_lines: Signal<Out, Bits<IRQ_W>>,
    pub soc: Soc,
    pub cluster: Cluster<B, N>,
    pub req: CtrlReq,
    pub regs: CtrlRegs,
    pub resp: CtrlResp,
    lines: Signal<Local, Bits<IRQ_W>>,
}

impl<const B: usize, const N: usize> Default for ClusterSystem<B, N> {
    fn default() -> Self {
        assert_eq!(
            (B << N) * 4,
            TCDM_BYTES as usize,
            "ClusterSystem<{B}, {N}>: the TCDM must be params::core::TCDM_BYTES"
        );
        Self {
            clock: Default::default(),
            clear: Default::default(),
            tb_l2_we: Default::default(),
            tb_l2_re: Default::default(),
            tb_l2_addr: Default::default(),
            tb_l2_wdata: Default::default(),
            tb_l2_rdata: Default::default(),
            tb_sel: Default::default(),
            tb_req: Default::default(),
            tb_addr: Default::default(),
            tb_we: Default::default(),
            tb_wdata: Default::default(),
            tb_gnt: Default::default(),
            tb_rvalid: Default::default(),
            tb_rdata: Default::default(),
            ext: Default::default(),
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
            ntx_err: Default::default(),
            err: Default::default(),
            irq_lines: Default::default(),
            soc: Default::default(),
            cluster: Default::default(),
            req: Default::default(),
            regs: Default::default(),
            resp: Default::default(),
            lines: Default::default(),
        }
    }
}

impl<const B: usize, const N: usize> Logic for ClusterSystem<B, N> {
    #[hdl_gen]
    fn update(&mut self) {
        clock!(self, clock, soc, cluster, regs);
        self.soc.clear.next = self.clear.val() | self.tb_sel.val();
        self.cluster.clear.next = self.clear.val();
        self.regs.clear.next = self.clear.val() | self.tb_sel.val();
        // L2 backdoor
        self.soc.tb_we.next = self.tb_l2_we.val();
        self.soc.tb_re.next = self.tb_l2_re.val();
        self.soc.tb_addr.next = self.tb_l2_addr.val();
        self.soc.tb_wdata.next = self.tb_l2_wdata.val();
        self.tb_l2_rdata.next = self.soc.tb_rdata.val();
        // requests: core (or testbench) -> split -> cluster / registers
        self.req.tb_sel.next = self.tb_sel.val();
        self.req.core_req.next = self.soc.bus.req.val();
        self.req.core_addr.next = self.soc.bus.addr.val();
        self.req.core_we.next = self.soc.bus.we.val();
        self.req.core_be.next = self.soc.bus.be.val();
        self.req.core_wdata.next = self.soc.bus.wdata.val();
        self.req.tb_req.next = self.tb_req.val();
        self.req.tb_addr.next = self.tb_addr.val();
        self.req.tb_we.next = self.tb_we.val();
        self.req.tb_wdata.next = self.tb_wdata.val();
        self.cluster.core.req.next = self.req.cl_req.val();
        self.cluster.core.addr.next = self.req.cl_addr.val();
        self.cluster.core.we.next = self.req.cl_we.val();
        self.cluster.core.be.next = self.req.cl_be.val();
        self.cluster.core.wdata.next = self.req.cl_wdata.val();
        self.regs.req.next = self.req.hit.val();
        self.regs.we.next = self.req.core_we.val();
        self.regs.off.next = self.req.off.val();
        self.regs.wdata.next = self.soc.bus.wdata.val().get_bits::<IRQ_W>(0);
        // interrupt lines
        self.lines.next = 0.into();
        for i in 0..N_NTX {
            self.lines.next = self
                .lines
                .val()
                .replace_bit(i, self.cluster.ntx_irq[i].val());
        }
        // (a literal: rust-hdl writes a constant's name into the Verilog)
        self.lines.next = self.lines.val().replace_bit(8, self.cluster.dma_irq.val());
        self.regs.lines.next = self.lines.val();
        self.irq_lines.next = self.lines.val();
        self.ntx_err.next = self.cluster.ntx_err.val();
        self.err.next = self.cluster.err.val();
        self.soc.irq.next = self.regs.irq.val();
        // responses
        self.resp.tb_sel.next = self.tb_sel.val();
        self.resp.hit.next = self.req.hit.val();
        self.resp.cl_gnt.next = self.cluster.core.gnt.val();
        self.resp.cl_rvalid.next = self.cluster.core.r_valid.val();
        self.resp.cl_rdata.next = self.cluster.core.r_rdata.val();
        self.resp.regs_rvalid.next = self.regs.rvalid.val();
        self.resp.regs_rdata.next = self.regs.rdata.val();
        self.soc.bus.gnt.next = self.resp.core_gnt.val();
        self.soc.bus.r_valid.next = self.resp.core_rvalid.val();
        self.soc.bus.r_rdata.next = self.resp.core_rdata.val();
        self.tb_gnt.next = self.resp.tb_gnt.val();
        self.tb_rvalid.next = self.resp.tb_rvalid.val();
        self.tb_rdata.next = self.resp.tb_rdata.val();
        // the DMA's external port
        ExtMaster::link(&mut self.ext, &mut self.cluster.ext);
        // simulation control, trace, counters
        self.exit_valid.next = self.soc.exit_valid.val();
        self.exit_code.next = self.soc.exit_code.val();
        self.putc_valid.next = self.soc.putc_valid.val();
        self.putc_char.next = self.soc.putc_char.val();
        self.trace_valid.next = self.soc.trace_valid.val();
        self.trace_pc.next = self.soc.trace_pc.val();
        self.trace_insn.next = self.soc.trace_insn.val();
        self.trace_rd.next = self.soc.trace_rd.val();
        self.trace_rd_val.next = self.soc.trace_rd_val.val();
        self.trace_trap.next = self.soc.trace_trap.val();
        self.trace_cause.next = self.soc.trace_cause.val();
        self.mcycle_lo.next = self.soc.mcycle_lo.val();
        self.mcycle_hi.next = self.soc.mcycle_hi.val();
        self.minstret_lo.next = self.soc.minstret_lo.val();
        self.minstret_hi.next = self.soc.minstret_hi.val();
    }
}
