//! One complete NTX co-processor (spec sections 2-6): register interface
//! with staging area and one-entry job queue, loop nest and AGUs (`Dag`),
//! two TCDM master ports, the FMAC and a small ALU.
//!
//! Microarchitecture (a decoupled access/execute pipeline), one block per
//! stage; this top holds the job queue, the FIFOs between the stages and
//! the glue:
//! - [`generator::Generator`]: one DAG step per cycle becomes an element:
//!   its reads into the per-port read address queues, its record into the
//!   element FIFO, its store address into the store scoreboard.
//! - [`port::Port`] (x2): issues the queued reads (credit-limited by the
//!   read data FIFO) and the writes; an ungranted request is held. Its
//!   request half never reads the grant.
//! - [`execute::Execute`]: fires the head element when its operands are
//!   at the heads of the read data FIFOs, drives the FMAC or the ALU, and
//!   pushes results into the write queue in element order.
//! - [`writer::WriteArb`]: assigns the head of the write queue to a port;
//!   the write address is the scoreboard head. Writes retire in order.
//!
//! Glue statements here read sub-block outputs directly (the soft clear
//! comes from [`regif::RegIf`]), so Verilator splits this block and no
//! part of it both reads a grant-derived signal (`wr_done`, `rd_done`)
//! and computes a request (`verif/tests/suite/ntx_structure.rs`
//! checks the composition with a combinational grant).

pub mod execute;
pub mod fifo;
pub mod generator;
pub mod opdec;
pub mod port;
pub mod records;
pub mod regif;
pub mod scoreboard;
pub mod writer;

use crate::bus::{RegSlave, TcdmMaster};
use crate::dag::Dag;
use crate::fmac::Fmac;
use crate::params::cmd::LEVEL_WIDTH;
use crate::params::*;
use execute::Execute;
use fifo::{Fifo16, RamFifo32, RamFifo32Af};
use generator::Generator;
use opdec::OpValid;
use records::{CmdWord, ElemRec, WqEntry};
use writer::WriteArb;

/// The per-port read address queues, read data FIFOs and the element FIFO
/// ([`NTX_QUEUE_DEPTH`] entries each).
pub type Queue<T> = RamFifo32<T>;
/// [`Queue`] with an `almost_full` output (the read data FIFOs: credit).
pub type CreditQueue<T> = RamFifo32Af<T>;
const _: () = assert!(NTX_QUEUE_DEPTH == 32, "Queue must match NTX_QUEUE_DEPTH");
use port::Port;
use regif::RegIf;
use rust_hdl::prelude::*;
use scoreboard::Scoreboard;

/// Write-queue depth (results plus FMAC stores in flight).
pub const WQ_DEPTH: usize = wq::DEPTH;
const _: () = assert!(
    WQ_DEPTH == 16,
    "wq (Fifo16) and the 5-bit counts must match WQ_DEPTH"
);
// Literals hdl_gen needs, tied to params: irq_cfg values and IRQ bits,
// the zero init source, the FMAC tag layout (cancel at bit 0, IRQ bits above).
const _: () = assert!(cmd::IRQ_CFG_CMD_DONE == 1 && cmd::IRQ_CFG_WB_DONE == 2);
const _: () = assert!(irq::CMD_DONE == 2 && irq::WB_DONE == 1 && irq::WIDTH == 2);
const _: () = assert!(cmd::INIT_SEL_ZERO == 3);
const _: () = assert!(N_LOOPS == 5, "outer_level <= 5 in the validity check");

#[derive(LogicBlock, Default)]
pub struct Ntx {
    pub clock: Signal<In, Clock>,
    /// Register slave port (word addresses, spec section 3).
    pub regs: RegSlave<REG_ADDR_WIDTH>,
    pub irq: Signal<Out, Bit>,
    pub tcdm_prio: Signal<Out, Bits<2>>,
    /// TCDM master ports: 0 (operand A) and 1 (operand B). `urgent`: the
    /// port is behind the other one (more queued reads), a hint for the
    /// interconnect to serve it first.
    pub tcdm: [TcdmMaster; 2],
    /// FIFO check (fires in simulation; the harnesses assert it stays 0):
    /// some NTX FIFO or queue was pushed while full or popped while empty
    /// since the last soft clear (the OR of their sticky `err` outputs).
    pub err: Signal<Out, Bit>,
    // blocks
    pub regif: RegIf,
    pub dag: Dag,
    pub fmac: Fmac,
    pub sb: Scoreboard,
    pub port0: Port,
    pub port1: Port,
    pub q0: Queue<Bits<AGU_ADDR_WIDTH>>,
    pub q1: Queue<Bits<AGU_ADDR_WIDTH>>,
    pub rf0: CreditQueue<Bits<DATA_WIDTH>>,
    pub rf1: CreditQueue<Bits<DATA_WIDTH>>,
    pub ef: Queue<ElemRec>,
    pub wq: Fifo16<WqEntry>,
    pub gen: Generator,
    pub exe: Execute,
    pub warb: WriteArb,
    /// Opcode decoder of the committed (new) command (validity check).
    pub nc_dec: OpValid,
    // active job (the one-entry queue)
    pub act_valid: DFF<Bit>,
    act_cmd: DFF<CmdWord>,
    /// The active job runs in IEEE mode (CTRL bit 3 at its CMD write).
    act_ieee: DFF<Bit>,
    act_loop_end: [DFF<Bits<LOOP_WIDTH>>; N_LOOPS],
    act_stride: [DFF<Bits<AGU_ADDR_WIDTH>>; N_STRIDES],
    take: Signal<Local, Bit>,
    nc_valid: Signal<Local, Bit>,
    w_kill: Signal<Local, Bit>,
    w_live: Signal<Local, Bit>,
    r0_ready: Signal<Local, Bit>,
    r1_ready: Signal<Local, Bit>,
    w_retire: Signal<Local, Bit>,
    pipe_empty: Signal<Local, Bit>,
}

impl Logic for Ntx {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, act_valid, act_cmd, act_ieee);
        for k in 0..N_LOOPS {
            self.act_loop_end[k].clock.next = self.clock.val();
            self.act_loop_end[k].d.next = self.act_loop_end[k].q.val();
        }
        for s in 0..N_STRIDES {
            self.act_stride[s].clock.next = self.clock.val();
            self.act_stride[s].d.next = self.act_stride[s].q.val();
        }
        clock!(
            self, clock, regif, dag, fmac, sb, port0, port1, q0, q1, rf0, rf1, ef, wq, gen, exe,
            warb
        );

        // ---------------- register interface ----------------
        RegSlave::<REG_ADDR_WIDTH>::link(&mut self.regs, &mut self.regif.regs);
        self.irq.next = self.regif.irq.val();
        self.tcdm_prio.next = self.regif.tcdm_prio.val();

        // ---------------- job activation ----------------
        self.take.next = !self.act_valid.q.val()
            & self.regif.committed.val()
            & !self.regif.invalid.val()
            & !self.regif.soft_clear.val();
        // valid: a known opcode and inner <= init <= outer <= N_LOOPS
        self.nc_dec.op.next = self.regif.cmd.val().opcode;
        self.nc_valid.next = self.nc_dec.valid.val()
            & (self.regif.cmd.val().inner_level <= self.regif.cmd.val().init_level)
            & (self.regif.cmd.val().init_level <= self.regif.cmd.val().outer_level)
            & (self.regif.cmd.val().outer_level <= bits::<LEVEL_WIDTH>(5));
        self.regif.take.next = self.take.val();
        self.regif.set_invalid.next = self.take.val() & !self.nc_valid.val();
        self.dag.init.next = self.take.val() | self.regif.soft_clear.val();
        for a in 0..N_AGUS {
            self.dag.base[a].next = self.regif.base[a].val();
        }
        if self.take.val() {
            self.act_valid.d.next = true;
            self.act_cmd.d.next = self.regif.cmd.val();
            self.act_ieee.d.next = self.regif.cmd_ieee.val();
            for k in 0..N_LOOPS {
                self.act_loop_end[k].d.next = self.regif.loop_end[k].val();
            }
            for s in 0..N_STRIDES {
                self.act_stride[s].d.next = self.regif.stride[s].val();
            }
        }
        // the DAG computes the flags of its first step at init: give it the new job's nest
        for k in 0..N_LOOPS {
            self.dag.loop_end[k].next = self.act_loop_end[k].q.val();
            if self.take.val() {
                self.dag.loop_end[k].next = self.regif.loop_end[k].val();
            }
        }
        for s in 0..N_STRIDES {
            self.dag.stride[s].next = self.act_stride[s].q.val();
        }
        self.dag.outer_level.next = self.act_cmd.q.val().outer_level;
        if self.take.val() {
            self.dag.outer_level.next = self.regif.cmd.val().outer_level;
        }

        // ---------------- generator ----------------
        self.gen.clear.next = self.regif.soft_clear.val();
        self.gen.active.next = self.act_valid.q.val() & !self.regif.invalid.val();
        self.gen.opcode.next = self.act_cmd.q.val().opcode;
        self.gen.init_level.next = self.act_cmd.q.val().init_level;
        self.gen.inner_level.next = self.act_cmd.q.val().inner_level;
        self.gen.init_sel.next = self.act_cmd.q.val().init_sel;
        self.gen.aux.next = self.act_cmd.q.val().aux;
        self.gen.irq_cfg.next = self.act_cmd.q.val().irq_cfg;
        self.gen.polarity.next = self.act_cmd.q.val().polarity;
        self.gen.ieee.next = self.act_ieee.q.val();
        self.gen.first.next = self.dag.first.val();
        self.gen.last.next = self.dag.last.val();
        self.gen.done.next = self.dag.done.val();
        self.gen.addr0.next = self.dag.addr0.val();
        self.gen.addr1.next = self.dag.addr1.val();
        self.gen.addr2.next = self.dag.addr2.val();
        self.dag.step.next = self.gen.step.val();
        for i in 0..scoreboard::SB_DEPTH {
            self.gen.sb_ent[i].next = self.sb.ent[i].val();
            self.gen.sb_ent_v[i].next = self.sb.ent_v[i].val();
        }
        self.gen.sb_full.next = self.sb.full.val();
        self.sb.push.next = self.gen.sb_push.val();
        self.sb.din.next = self.gen.sb_din.val();
        self.gen.q0_full.next = self.q0.full.val();
        self.q0.push.next = self.gen.q0_push.val();
        self.q0.din.next = self.gen.q0_din.val();
        self.gen.q1_full.next = self.q1.full.val();
        self.q1.push.next = self.gen.q1_push.val();
        self.q1.din.next = self.gen.q1_din.val();
        self.gen.ef_full.next = self.ef.full.val();
        self.ef.push.next = self.gen.ef_push.val();
        self.ef.din.next = self.gen.ef_din.val();
        if self.gen.job_done.val() {
            self.act_valid.d.next = false;
        }

        // ---------------- ports: reads ----------------
        // read credit: response FIFO entries + read in flight < depth
        self.r0_ready.next = self.q0.valid.val()
            & (!self.rf0.almost_full.val() | (!self.port0.inflight.val() & !self.rf0.full.val()));
        self.r1_ready.next = self.q1.valid.val()
            & (!self.rf1.almost_full.val() | (!self.port1.inflight.val() & !self.rf1.full.val()));
        // urgency hint: the port whose address queue is longer is behind
        self.port0.urgent.next = self.q0.count.val() > self.q1.count.val();
        self.port1.urgent.next = self.q1.count.val() > self.q0.count.val();
        self.port0.rd_req.next = self.r0_ready.val();
        self.port1.rd_req.next = self.r1_ready.val();
        self.port0.rd_addr.next = self.q0.dout.val();
        self.port1.rd_addr.next = self.q1.dout.val();
        self.q0.pop.next = self.port0.rd_done.val();
        self.q1.pop.next = self.port1.rd_done.val();
        self.rf0.push.next = self.port0.resp_valid.val();
        self.rf0.din.next = self.port0.resp_data.val();
        self.rf1.push.next = self.port1.resp_valid.val();
        self.rf1.din.next = self.port1.resp_data.val();

        // ---------------- execute ----------------
        self.exe.clear.next = self.regif.soft_clear.val();
        self.exe.ef_dout.next = self.ef.dout.val();
        self.exe.ef_valid.next = self.ef.valid.val();
        self.ef.pop.next = self.exe.ef_pop.val();
        self.exe.rf0_dout.next = self.rf0.dout.val();
        self.exe.rf0_valid.next = self.rf0.valid.val();
        self.rf0.pop.next = self.exe.rf0_pop.val();
        self.exe.rf1_dout.next = self.rf1.dout.val();
        self.exe.rf1_valid.next = self.rf1.valid.val();
        self.rf1.pop.next = self.exe.rf1_pop.val();
        self.exe.wq_count.next = self.wq.count.val();
        self.wq.push.next = self.exe.wq_push.val();
        self.wq.din.next = self.exe.wq_din.val();
        self.fmac.clear.next = self.regif.soft_clear.val();
        self.fmac.in_valid.next = self.exe.fm_in_valid.val();
        self.fmac.op_a.next = self.exe.fm_op_a.val();
        self.fmac.op_b.next = self.exe.fm_op_b.val();
        self.fmac.load.next = self.exe.fm_load.val();
        self.fmac.load_value.next = self.exe.fm_load_value.val();
        self.fmac.load_neg.next = self.exe.fm_load_neg.val();
        self.fmac.mul.next = self.exe.fm_mul.val();
        self.fmac.sub.next = self.exe.fm_sub.val();
        self.fmac.norm.next = self.exe.fm_norm.val();
        self.fmac.relu.next = self.exe.fm_relu.val();
        self.fmac.ieee.next = self.exe.fm_ieee.val();
        self.fmac.tag_in.next = self.exe.fm_tag_in.val();
        self.exe.fmac_out_valid.next = self.fmac.out_valid.val();
        self.exe.fmac_result.next = self.fmac.result.val();
        self.exe.fmac_flags.next = self.fmac.flags.val();
        self.exe.fmac_tag_out.next = self.fmac.tag_out.val();
        self.regif.set_flags.next = self.exe.set_flags.val();

        // ---------------- writes ----------------
        self.w_kill.next = self.wq.valid.val() & self.wq.dout.val().cancel;
        self.w_live.next = self.wq.valid.val() & !self.wq.dout.val().cancel;
        self.port0.wr_addr.next = self.sb.head.val();
        self.port1.wr_addr.next = self.sb.head.val();
        self.port0.wr_data.next = self.wq.dout.val().data;
        self.port1.wr_data.next = self.wq.dout.val().data;
        self.warb.clear.next = self.regif.soft_clear.val();
        self.warb.w_live.next = self.w_live.val();
        self.warb.wq_count.next = self.wq.count.val();
        self.warb.held_rd0.next = self.port0.held_rd.val();
        self.warb.held_wr0.next = self.port0.held_wr.val();
        self.warb.held_rd1.next = self.port1.held_rd.val();
        self.warb.held_wr1.next = self.port1.held_wr.val();
        self.warb.r0_ready.next = self.r0_ready.val();
        self.warb.r1_ready.next = self.r1_ready.val();
        self.warb.q0_valid.next = self.q0.valid.val();
        self.warb.q1_valid.next = self.q1.valid.val();
        self.warb.urgent1.next = self.port1.urgent.val();
        self.warb.ex_a.next = self.gen.ex_a.val();
        self.port0.wr_sel.next = self.warb.sel0.val();
        self.port1.wr_sel.next = self.warb.sel1.val();
        // retire (reads the grants through wr_done; feeds no request)
        self.w_retire.next =
            self.w_kill.val() | self.port0.wr_done.val() | self.port1.wr_done.val();
        self.wq.pop.next = self.w_retire.val();
        self.sb.pop.next = self.w_retire.val();
        self.regif.set_irq.next = bits::<2>(0);
        if self.w_retire.val() {
            self.regif.set_irq.next = self.wq.dout.val().irq;
        }

        // ---------------- TCDM ports ----------------
        TcdmMaster::link(&mut self.tcdm[0], &mut self.port0.tcdm);
        TcdmMaster::link(&mut self.tcdm[1], &mut self.port1.tcdm);

        // ---------------- status and clear ----------------
        self.pipe_empty.next = (self.ef.count.val() == 0)
            & !self.gen.c_pending.val()
            & !self.q0.valid.val()
            & !self.q1.valid.val()
            & (self.rf0.count.val() == 0)
            & (self.rf1.count.val() == 0)
            & !self.port0.inflight.val()
            & !self.port1.inflight.val()
            & self.exe.fmac_idle.val()
            & !self.wq.valid.val()
            & !self.sb.valid.val();
        self.regif.queue_empty.next = !self.act_valid.q.val();
        self.regif.pipe_empty.next = self.pipe_empty.val();
        self.sb.clear.next = self.regif.soft_clear.val();
        self.port0.clear.next = self.regif.soft_clear.val();
        self.port1.clear.next = self.regif.soft_clear.val();
        self.q0.clear.next = self.regif.soft_clear.val();
        self.q1.clear.next = self.regif.soft_clear.val();
        self.rf0.clear.next = self.regif.soft_clear.val();
        self.rf1.clear.next = self.regif.soft_clear.val();
        self.ef.clear.next = self.regif.soft_clear.val();
        self.wq.clear.next = self.regif.soft_clear.val();
        if self.regif.soft_clear.val() {
            self.act_valid.d.next = false;
        }
        self.err.next = self.q0.err.val()
            | self.q1.err.val()
            | self.rf0.err.val()
            | self.rf1.err.val()
            | self.ef.err.val()
            | self.wq.err.val()
            | self.sb.err.val();
    }
}
