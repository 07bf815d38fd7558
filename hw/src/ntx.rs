//! One complete NTX co-processor (spec sections 2-6): register interface
//! with staging area and one-entry job queue, loop nest and AGUs (`Dag`),
//! two TCDM master ports, the FMAC and a small ALU.
//!
//! Microarchitecture (a decoupled access/execute pipeline):
//! - **Generator**: one DAG step per cycle becomes an *element*: the reads
//!   it needs (A on port 0, B on port 1, C on whichever the element leaves
//!   free) go into per-port request queues, an element record (opcode
//!   fields, init/store flags, which reads) into the element FIFO, and the
//!   store address (if any) into the store scoreboard. An element whose
//!   reads hit a pending store waits, so every read sees all earlier stores
//!   exactly as the sequential golden model. An element with three reads
//!   takes two cycles (two beats).
//! - **Ports**: each port issues its queued reads (credit-limited by its
//!   response FIFO) and the in-order writes; an ungranted request is held.
//! - **Execute**: the head element fires when its operands are at the heads
//!   of the response FIFOs; it drives the FMAC (MAC, VADDSUB, VMULT, OUTERP,
//!   MASKMAC; init merged into the first accumulation via `load`) or the ALU
//!   (MAXMIN, THTST, MASK, COPY). Results enter the write queue in element
//!   order (an ALU result waits for the FMAC to drain), and the write
//!   address is the scoreboard head.

pub mod fifo;
pub mod port;
pub mod regif;
pub mod scoreboard;

use crate::dag::Dag;
use crate::fmac::Fmac;
use crate::params::*;
use fifo::{Fifo16, RamFifo32, RamFifo32Af};

/// The per-port read address queues, read data FIFOs and the element FIFO
/// ([`NTX_QUEUE_DEPTH`] entries each).
pub type Queue<T> = RamFifo32<T>;
/// [`Queue`] with an `almost_full` output (the read data FIFOs: credit).
pub type CreditQueue<T> = RamFifo32Af<T>;
const _: () = assert!(NTX_QUEUE_DEPTH == 32, "Queue must match NTX_QUEUE_DEPTH");
// hdl_gen needs literals: the write arbiter loads 255 into its 8-bit window.
const _: () = assert!(
    NTX_CONTENTION_WINDOW == 255,
    "w_cont must match NTX_CONTENTION_WINDOW"
);
use port::Port;
use regif::RegIf;
use rust_hdl::prelude::*;
use scoreboard::Scoreboard;

/// Element record width: [3:0] opcode, [6:4] aux, [7] polarity,
/// [9:8] init_sel, [10] init, [11] store, [12] read A, [13] read B,
/// [14] read C, [16:15] IRQ bits to raise when its store retires, [17] IEEE
/// mode (of its job).
pub const ELEM_WIDTH: usize = 18;
/// Write-queue entry: [31:0] data, [32] cancelled (MASKMAC test false),
/// [34:33] IRQ bits.
pub const WQ_WIDTH: usize = 35;
/// Write-queue depth (results plus FMAC stores in flight).
pub const WQ_DEPTH: u64 = 16;

#[derive(LogicBlock, Default)]
pub struct Ntx {
    pub clock: Signal<In, Clock>,
    // register slave port
    pub reg_req: Signal<In, Bit>,
    pub reg_we: Signal<In, Bit>,
    pub reg_addr: Signal<In, Bits<REG_ADDR_WIDTH>>,
    pub reg_wdata: Signal<In, Bits<32>>,
    pub reg_gnt: Signal<Out, Bit>,
    pub reg_rdata: Signal<Out, Bits<32>>,
    pub irq: Signal<Out, Bit>,
    pub tcdm_prio: Signal<Out, Bits<2>>,
    // TCDM master port 0 (operand A)
    pub tcdm0_req: Signal<Out, Bit>,
    pub tcdm0_addr: Signal<Out, Bits<ADDR_WIDTH>>,
    pub tcdm0_we: Signal<Out, Bit>,
    pub tcdm0_be: Signal<Out, Bits<BE_WIDTH>>,
    pub tcdm0_wdata: Signal<Out, Bits<DATA_WIDTH>>,
    /// Port 0 is behind port 1 (more queued reads): a hint for the
    /// interconnect to serve it first.
    pub tcdm0_urgent: Signal<Out, Bit>,
    pub tcdm0_gnt: Signal<In, Bit>,
    pub tcdm0_r_valid: Signal<In, Bit>,
    pub tcdm0_r_rdata: Signal<In, Bits<DATA_WIDTH>>,
    // TCDM master port 1 (operand B)
    pub tcdm1_req: Signal<Out, Bit>,
    pub tcdm1_addr: Signal<Out, Bits<ADDR_WIDTH>>,
    pub tcdm1_we: Signal<Out, Bit>,
    pub tcdm1_be: Signal<Out, Bits<BE_WIDTH>>,
    pub tcdm1_wdata: Signal<Out, Bits<DATA_WIDTH>>,
    /// Port 1 is behind port 0.
    pub tcdm1_urgent: Signal<Out, Bit>,
    pub tcdm1_gnt: Signal<In, Bit>,
    pub tcdm1_r_valid: Signal<In, Bit>,
    pub tcdm1_r_rdata: Signal<In, Bits<DATA_WIDTH>>,
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
    pub ef: Queue<Bits<ELEM_WIDTH>>,
    pub wq: Fifo16<Bits<WQ_WIDTH>>,
    // active job (the one-entry queue)
    pub act_valid: DFF<Bit>,
    act_cmd: DFF<Bits<21>>,
    /// The active job runs in IEEE mode (CTRL bit 3 at its CMD write).
    act_ieee: DFF<Bit>,
    act_loop_end: [DFF<Bits<LOOP_WIDTH>>; N_LOOPS],
    act_stride: [DFF<Bits<AGU_ADDR_WIDTH>>; 15],
    /// The C read of the last three-read element is still to be queued
    /// (on port 1, at `c_addr`): it goes in the next cycle beside the
    /// next element's port-0 reads.
    c_pend: DFF<Bit>,
    c_addr: DFF<Bits<AGU_ADDR_WIDTH>>,
    got1: DFF<Bit>,
    b_hold: DFF<Bits<DATA_WIDTH>>,
    fmac_pend: DFF<Bits<5>>,
    /// Cycles since a TCDM request was last refused (saturating window,
    /// [`NTX_CONTENTION_WINDOW`]); nonzero = the ports are contended.
    w_cont: DFF<Bits<8>>,
    // generator locals
    clr: Signal<Local, Bit>,
    take: Signal<Local, Bit>,
    nc_valid: Signal<Local, Bit>,
    g_op: Signal<Local, Bits<4>>,
    g_sel: Signal<Local, Bits<2>>,
    g_aux: Signal<Local, Bits<3>>,
    g_fsh: Signal<Local, Bits<6>>,
    g_lsh: Signal<Local, Bits<6>>,
    g_init: Signal<Local, Bit>,
    g_store: Signal<Local, Bit>,
    g_uses_init: Signal<Local, Bit>,
    g_ex_a: Signal<Local, Bit>,
    g_ex_b: Signal<Local, Bit>,
    g_mm: Signal<Local, Bit>,
    need_a: Signal<Local, Bit>,
    need_b: Signal<Local, Bit>,
    need_c: Signal<Local, Bit>,
    three: Signal<Local, Bit>,
    push_a: Signal<Local, Bit>,
    push_b: Signal<Local, Bit>,
    push_c0: Signal<Local, Bit>,
    push_c1: Signal<Local, Bit>,
    c_push: Signal<Local, Bit>,
    q1_blocked: Signal<Local, Bit>,
    room: Signal<Local, Bit>,
    go: Signal<Local, Bit>,
    sb_m: [Signal<Local, Bit>; 16],
    pub sb_hit: Signal<Local, Bit>,
    g_irq: Signal<Local, Bits<2>>,
    rec: Signal<Local, Bits<ELEM_WIDTH>>,
    // execute locals
    e_rec: Signal<Local, Bits<ELEM_WIDTH>>,
    e_op: Signal<Local, Bits<4>>,
    e_aux: Signal<Local, Bits<3>>,
    e_pol: Signal<Local, Bit>,
    e_sel: Signal<Local, Bits<2>>,
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
    // write locals
    w_kill: Signal<Local, Bit>,
    w_live: Signal<Local, Bit>,
    r0_ready: Signal<Local, Bit>,
    r1_ready: Signal<Local, Bit>,
    w_sel0: Signal<Local, Bit>,
    w_sel1: Signal<Local, Bit>,
    w_contended: Signal<Local, Bit>,
    w_free0: Signal<Local, Bit>,
    w_free1: Signal<Local, Bit>,
    w_retire: Signal<Local, Bit>,
    pipe_empty: Signal<Local, Bit>,
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
}

impl Logic for Ntx {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, act_valid, act_cmd, act_ieee, c_pend, c_addr, got1, b_hold, fmac_pend,
            w_cont, x_alu, x_cnt, x_idx
        );
        for k in 0..5 {
            self.act_loop_end[k].clock.next = self.clock.val();
            self.act_loop_end[k].d.next = self.act_loop_end[k].q.val();
        }
        for s in 0..15 {
            self.act_stride[s].clock.next = self.clock.val();
            self.act_stride[s].d.next = self.act_stride[s].q.val();
        }
        clock!(self, clock, regif, dag, fmac, sb, port0, port1, q0, q1, rf0, rf1, ef, wq);

        // ---------------- register interface ----------------
        self.regif.req.next = self.reg_req.val();
        self.regif.we.next = self.reg_we.val();
        self.regif.addr.next = self.reg_addr.val();
        self.regif.wdata.next = self.reg_wdata.val();
        self.reg_gnt.next = self.regif.gnt.val();
        self.reg_rdata.next = self.regif.rdata.val();
        self.irq.next = self.regif.irq.val();
        self.tcdm_prio.next = self.regif.tcdm_prio.val();
        // soft clear: CTRL (word 1) written with bit0 set (CTRL writes are always granted)
        self.clr.next = self.reg_req.val()
            & self.reg_we.val()
            & (self.reg_addr.val() == bits::<REG_ADDR_WIDTH>(1))
            & self.reg_wdata.val().get_bit(0);

        // ---------------- job activation ----------------
        self.take.next = !self.act_valid.q.val()
            & self.regif.committed.val()
            & !self.regif.invalid.val()
            & !self.clr.val();
        // valid: opcode <= 8 and inner <= init <= outer <= 5
        self.nc_valid.next = (self.regif.cmd.val().get_bits::<4>(0) <= bits::<4>(8))
            & (self.regif.cmd.val().get_bits::<3>(7) <= self.regif.cmd.val().get_bits::<3>(4))
            & (self.regif.cmd.val().get_bits::<3>(4) <= self.regif.cmd.val().get_bits::<3>(10))
            & (self.regif.cmd.val().get_bits::<3>(10) <= bits::<3>(5));
        self.regif.take.next = self.take.val();
        self.regif.set_invalid.next = self.take.val() & !self.nc_valid.val();
        self.dag.init.next = self.take.val() | self.clr.val();
        for a in 0..3 {
            self.dag.base[a].next = self.regif.base[a].val();
        }
        if self.take.val() {
            self.act_valid.d.next = true;
            self.act_cmd.d.next = self.regif.cmd.val();
            self.act_ieee.d.next = self.regif.cmd_ieee.val();
            for k in 0..5 {
                self.act_loop_end[k].d.next = self.regif.loop_end[k].val();
            }
            for s in 0..15 {
                self.act_stride[s].d.next = self.regif.stride[s].val();
            }
        }
        // the DAG computes the flags of its first step at init: give it the new job's nest
        for k in 0..5 {
            self.dag.loop_end[k].next = self.act_loop_end[k].q.val();
            if self.take.val() {
                self.dag.loop_end[k].next = self.regif.loop_end[k].val();
            }
        }
        for s in 0..15 {
            self.dag.stride[s].next = self.act_stride[s].q.val();
        }
        self.dag.outer_level.next = self.act_cmd.q.val().get_bits::<3>(10);
        if self.take.val() {
            self.dag.outer_level.next = self.regif.cmd.val().get_bits::<3>(10);
        }

        // ---------------- generator ----------------
        self.g_op.next = self.act_cmd.q.val().get_bits::<4>(0);
        self.g_sel.next = self.act_cmd.q.val().get_bits::<2>(13);
        self.g_aux.next = self.act_cmd.q.val().get_bits::<3>(15);
        self.g_fsh.next = bits::<6>(1) << bit_cast::<6, 3>(self.act_cmd.q.val().get_bits::<3>(4));
        self.g_lsh.next = bits::<6>(1) << bit_cast::<6, 3>(self.act_cmd.q.val().get_bits::<3>(7));
        self.g_init.next = (self.dag.first.val() & self.g_fsh.val()).any();
        self.g_store.next = (self.dag.last.val() & self.g_lsh.val()).any();
        // opcodes: 0 MAC 1 VADDSUB 2 VMULT 3 OUTERP 4 MAXMIN 5 THTST 6 MASK 7 MASKMAC 8 COPY
        self.g_mm.next = self.g_op.val() == bits::<4>(7);
        self.g_uses_init.next = (self.g_op.val() == bits::<4>(0))
            | (self.g_op.val() == bits::<4>(1))
            | (self.g_op.val() == bits::<4>(3))
            | (self.g_op.val() == bits::<4>(4))
            | (self.g_op.val() == bits::<4>(5))
            | (self.g_op.val() == bits::<4>(6))
            | ((self.g_op.val() == bits::<4>(8)) & !self.g_aux.val().get_bit(0));
        self.g_ex_a.next = (self.g_op.val() == bits::<4>(0))
            | (self.g_op.val() == bits::<4>(1))
            | (self.g_op.val() == bits::<4>(2))
            | (self.g_op.val() == bits::<4>(3))
            | (self.g_op.val() == bits::<4>(6))
            | ((self.g_op.val() == bits::<4>(8)) & self.g_aux.val().get_bit(0));
        self.g_ex_b.next = (self.g_op.val() == bits::<4>(0))
            | (self.g_op.val() == bits::<4>(2))
            | (self.g_op.val() == bits::<4>(4))
            | (self.g_op.val() == bits::<4>(5))
            | ((self.g_op.val() == bits::<4>(6)) & !self.g_aux.val().get_bit(2))
            | (self.g_mm.val() & !self.g_aux.val().get_bit(2));
        self.need_a.next = self.g_ex_a.val()
            | (self.g_init.val() & self.g_uses_init.val() & (self.g_sel.val() == bits::<2>(0)))
            | (self.g_mm.val() & self.g_init.val());
        self.need_b.next = self.g_ex_b.val()
            | (self.g_init.val() & self.g_uses_init.val() & (self.g_sel.val() == bits::<2>(1)))
            | (self.g_mm.val() & self.g_init.val() & (self.g_sel.val() != bits::<2>(3)));
        self.need_c.next =
            (self.g_init.val() & self.g_uses_init.val() & (self.g_sel.val() == bits::<2>(2)))
                | (self.g_mm.val() & self.g_store.val());
        self.three.next = self.need_a.val() & self.need_b.val() & self.need_c.val();
        // One element per cycle. A three-read element queues A (port 0) and
        // B (port 1) now and its C on port 1 in the next cycle, beside the
        // next element's port-0 reads; an element that needs port 1 then
        // waits one cycle.
        self.push_a.next = self.need_a.val();
        self.push_b.next = self.need_b.val();
        self.push_c0.next = self.need_c.val() & !self.need_a.val();
        self.push_c1.next = self.need_c.val() & self.need_a.val() & !self.three.val();
        self.c_push.next = self.c_pend.q.val() & !self.q1.full.val() & !self.clr.val();
        self.q1_blocked.next =
            self.c_pend.q.val() & (!self.c_push.val() | self.push_b.val() | self.push_c1.val());
        self.room.next = (!(self.push_a.val() | self.push_c0.val()) | !self.q0.full.val())
            & (!(self.push_b.val() | self.push_c1.val()) | !self.q1.full.val())
            & !self.ef.full.val()
            & (!self.g_store.val() | !self.sb.full.val());
        // store scoreboard: does a needed read match a pending store?
        for i in 0..16 {
            self.sb_m[i].next = self.sb.ent_v[i].val()
                & ((self.need_a.val() & (self.sb.ent[i].val() == self.dag.addr0.val()))
                    | (self.need_b.val() & (self.sb.ent[i].val() == self.dag.addr1.val()))
                    | (self.need_c.val() & (self.sb.ent[i].val() == self.dag.addr2.val())));
        }
        self.sb_hit.next = self.sb_m[0].val()
            | self.sb_m[1].val()
            | self.sb_m[2].val()
            | self.sb_m[3].val()
            | self.sb_m[4].val()
            | self.sb_m[5].val()
            | self.sb_m[6].val()
            | self.sb_m[7].val()
            | self.sb_m[8].val()
            | self.sb_m[9].val()
            | self.sb_m[10].val()
            | self.sb_m[11].val()
            | self.sb_m[12].val()
            | self.sb_m[13].val()
            | self.sb_m[14].val()
            | self.sb_m[15].val();
        self.go.next = self.act_valid.q.val()
            & !self.regif.invalid.val()
            & !self.clr.val()
            & self.room.val()
            & !self.q1_blocked.val()
            & !self.sb_hit.val();
        self.g_irq.next = bits::<2>(0);
        if self.dag.done.val() & (self.act_cmd.q.val().get_bits::<2>(18) == bits::<2>(1)) {
            self.g_irq.next = bits::<2>(2);
        }
        if self.dag.done.val() & (self.act_cmd.q.val().get_bits::<2>(18) == bits::<2>(2)) {
            self.g_irq.next = bits::<2>(1);
        }
        self.rec.next = (bit_cast::<18, 4>(self.g_op.val())
            | (bit_cast::<18, 3>(self.g_aux.val()) << 4)
            | (bit_cast::<18, 2>(self.g_sel.val()) << 8)
            | (bit_cast::<18, 2>(self.g_irq.val()) << 15))
            .replace_bit(17, self.act_ieee.q.val())
            .replace_bit(7, self.act_cmd.q.val().get_bit(20))
            .replace_bit(10, self.g_init.val())
            .replace_bit(11, self.g_store.val())
            .replace_bit(12, self.need_a.val())
            .replace_bit(13, self.need_b.val())
            .replace_bit(14, self.need_c.val());
        self.q0.din.next = self.dag.addr0.val();
        if !self.need_a.val() {
            self.q0.din.next = self.dag.addr2.val();
        }
        self.q1.din.next = self.dag.addr1.val();
        if !self.need_b.val() {
            self.q1.din.next = self.dag.addr2.val();
        }
        if self.c_pend.q.val() {
            self.q1.din.next = self.c_addr.q.val();
        }
        self.q0.push.next = self.go.val() & (self.push_a.val() | self.push_c0.val());
        self.q1.push.next =
            self.c_push.val() | (self.go.val() & (self.push_b.val() | self.push_c1.val()));
        self.ef.din.next = self.rec.val();
        self.ef.push.next = self.go.val();
        self.sb.din.next = self.dag.addr2.val();
        self.sb.push.next = self.go.val() & self.g_store.val();
        self.dag.step.next = self.go.val();
        if self.c_push.val() {
            self.c_pend.d.next = false;
        }
        if self.go.val() {
            if self.three.val() {
                self.c_pend.d.next = true;
                self.c_addr.d.next = self.dag.addr2.val();
            }
            if self.dag.done.val() {
                self.act_valid.d.next = false;
            }
        }

        // ---------------- ports: reads ----------------
        // read credit: response FIFO entries + read in flight < depth
        self.r0_ready.next = self.q0.valid.val()
            & (!self.rf0.almost_full.val() | (!self.port0.inflight.val() & !self.rf0.full.val()));
        self.r1_ready.next = self.q1.valid.val()
            & (!self.rf1.almost_full.val() | (!self.port1.inflight.val() & !self.rf1.full.val()));
        // urgency hint: the port whose address queue is longer is behind
        self.tcdm0_urgent.next = self.q0.count.val() > self.q1.count.val();
        self.tcdm1_urgent.next = self.q1.count.val() > self.q0.count.val();
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
        self.e_rec.next = self.ef.dout.val();
        self.e_op.next = self.e_rec.val().get_bits::<4>(0);
        self.e_aux.next = self.e_rec.val().get_bits::<3>(4);
        self.e_pol.next = self.e_rec.val().get_bit(7);
        self.e_sel.next = self.e_rec.val().get_bits::<2>(8);
        self.e_init.next = self.e_rec.val().get_bit(10);
        self.e_store.next = self.e_rec.val().get_bit(11);
        self.e_na.next = self.e_rec.val().get_bit(12);
        self.e_nb.next = self.e_rec.val().get_bit(13);
        self.e_nc.next = self.e_rec.val().get_bit(14);
        self.e_ieee.next = self.e_rec.val().get_bit(17);
        self.e_two1.next = self.e_na.val() & self.e_nb.val() & self.e_nc.val();
        self.e_n0.next = self.e_na.val() | self.e_nc.val();
        self.e_n1.next = self.e_nb.val() | (self.e_nc.val() & self.e_na.val());
        // Port-1 operand skid: `b_hold` (valid when `got1`) holds the oldest
        // port-1 operand, filled whenever it is empty and the head element
        // takes nothing from port 1, so an element with two port-1 operands
        // (B and C) fires in one cycle: B from the skid, C from the FIFO.
        self.e_ready.next = self.ef.valid.val()
            & (!self.e_n0.val() | self.rf0.valid.val())
            & (!self.e_n1.val() | self.got1.q.val() | self.rf1.valid.val())
            & (!self.e_two1.val() | (self.got1.q.val() & self.rf1.valid.val()));
        self.e_fmac_op.next = (self.e_op.val() <= bits::<4>(3)) | (self.e_op.val() == bits::<4>(7));
        // result space: FMAC stores count their slot at issue; ALU results
        // wait until the FMAC has drained (keeps results in element order)
        self.e_res_ok.next = !self.e_store.val()
            | (self.e_fmac_op.val()
                & ((self.wq.count.val() + self.fmac_pend.q.val()) < bits::<5>(16)))
            | (!self.e_fmac_op.val()
                & (self.fmac_pend.q.val() == bits::<5>(0))
                & (self.wq.count.val() != bits::<5>(16)));
        self.fire.next = self.e_ready.val() & self.e_res_ok.val() & !self.clr.val();
        self.ef.pop.next = self.fire.val();
        self.rf0.pop.next = self.fire.val() & self.e_n0.val();
        // skid fill: empty and unused, or its operand used by a one-operand
        // element this cycle
        self.take_b.next = self.rf1.valid.val()
            & !self.clr.val()
            & ((!self.got1.q.val() & !(self.fire.val() & self.e_n1.val()))
                | (self.got1.q.val() & self.fire.val() & self.e_n1.val() & !self.e_two1.val()));
        self.rf1.pop.next = self.take_b.val()
            | (self.fire.val() & self.e_two1.val())
            | (self.fire.val() & self.e_n1.val() & !self.got1.q.val());
        if self.fire.val() & self.e_n1.val() {
            self.got1.d.next = false;
        }
        if self.take_b.val() {
            self.got1.d.next = true;
            self.b_hold.d.next = self.rf1.dout.val();
        }
        self.op_a.next = self.rf0.dout.val();
        self.op_b.next = self.rf1.dout.val();
        if self.got1.q.val() {
            self.op_b.next = self.b_hold.q.val();
        }
        self.op_c.next = self.rf0.dout.val();
        if self.e_na.val() {
            self.op_c.next = self.op_b.val();
            if self.e_two1.val() {
                self.op_c.next = self.rf1.dout.val();
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
        // element's init; `fire` commits the state. Opcode literals:
        // 3 OUTERP, 4 MAXMIN, 5 THTST, 6 MASK, 7 MASKMAC, 8 COPY.
        self.x_is_maxmin.next = self.e_op.val() == bits::<4>(4);
        self.x_is_thtst.next = self.e_op.val() == bits::<4>(5);
        self.x_is_mask.next = self.e_op.val() == bits::<4>(6);
        self.x_is_maskmac.next = self.e_op.val() == bits::<4>(7);
        self.x_is_copy.next = self.e_op.val() == bits::<4>(8);
        self.x_is_outerp.next = self.e_op.val() == bits::<4>(3);
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
        self.fmac.clear.next = self.clr.val();
        self.f_valid.next = self.e_fmac_op.val();
        self.f_norm.next = self.e_store.val();
        self.fmac.op_a.next = self.op_a.val();
        self.fmac.op_b.next = self.op_b.val();
        self.fmac.load.next = self.e_init.val();
        self.fmac.load_value.next = self.iv.val();
        self.fmac.load_neg.next = false;
        self.fmac.mul.next = true;
        self.fmac.sub.next = self.e_pol.val();
        self.fmac.relu.next = self.e_aux.val().any();
        self.fmac.ieee.next = self.e_ieee.val();
        self.fmac.tag_in.next =
            bit_cast::<FMAC_TAG_WIDTH, 2>(self.e_rec.val().get_bits::<2>(15)) << 1;
        if self.e_op.val() == bits::<4>(1) {
            // VADDSUB: acc = +-init; acc += A x 1.0
            self.fmac.op_b.next = bits::<32>(0x3F80_0000);
            self.fmac.sub.next = false;
            self.fmac.load_neg.next = self.e_pol.val();
        }
        if self.e_op.val() == bits::<4>(2) {
            // VMULT: acc = +-A*B (replaces; loading -0.0 places nothing and
            // keeps the sign of a zero product in IEEE mode)
            self.fmac.load.next = true;
            self.fmac.load_value.next = bits::<32>(0x8000_0000_u64);
        }
        if self.e_op.val() == bits::<4>(3) {
            // OUTERP: acc = +-A*alu (replaces, as VMULT)
            self.fmac.load.next = true;
            self.fmac.load_value.next = bits::<32>(0x8000_0000_u64);
            self.fmac.op_b.next = self.x_alu_eff.val();
        }
        if self.e_op.val() == bits::<4>(7) {
            // MASKMAC: init acc = A; at a store with the test true acc += C
            self.f_valid.next = self.e_init.val() | (self.e_store.val() & !self.x_mm_skip.val());
            self.f_norm.next = self.e_store.val() & !self.x_mm_skip.val();
            self.fmac.load_value.next = self.op_a.val();
            self.fmac.mul.next = self.e_store.val() & self.x_test.val();
            self.fmac.op_a.next = self.op_c.val();
            self.fmac.op_b.next = bits::<32>(0x3F80_0000);
            self.fmac.sub.next = false;
            self.fmac.relu.next = false;
            self.fmac.tag_in.next =
                (bit_cast::<FMAC_TAG_WIDTH, 2>(self.e_rec.val().get_bits::<2>(15)) << 1)
                    .replace_bit(0, self.x_untaken.val());
        }
        self.fmac.in_valid.next = self.fire.val() & self.f_valid.val();
        self.fmac.norm.next = self.f_norm.val();
        if self.fire.val() & self.e_fmac_op.val() & self.f_valid.val() & self.f_norm.val() {
            if !self.fmac.out_valid.val() {
                self.fmac_pend.d.next = self.fmac_pend.q.val() + 1;
            }
        } else if self.fmac.out_valid.val() {
            self.fmac_pend.d.next = self.fmac_pend.q.val() - 1;
        }
        // IEEE-mode exception flags of a store that is written (not of a
        // MASKMAC store whose test is false: tag bit 0)
        self.regif.set_flags.next = bits::<5>(0);
        if self.fmac.out_valid.val() & !self.fmac.tag_out.val().get_bit(0) {
            self.regif.set_flags.next = self.fmac.flags.val();
        }
        // results into the write queue
        self.wq.push.next = self.fmac.out_valid.val()
            | (self.fire.val()
                & (!self.e_fmac_op.val() | self.x_mm_skip.val())
                & self.e_store.val());
        self.wq.din.next = bit_cast::<35, 32>(self.x_wdata.val())
            | (bit_cast::<35, 2>(self.e_rec.val().get_bits::<2>(15)) << 33);
        if self.x_mm_skip.val() {
            self.wq.din.next =
                (bit_cast::<35, 2>(self.e_rec.val().get_bits::<2>(15)) << 33).replace_bit(32, true);
        }
        if self.fmac.out_valid.val() {
            self.wq.din.next = bit_cast::<35, 32>(self.fmac.result.val())
                | (bit_cast::<35, FMAC_TAG_WIDTH>(self.fmac.tag_out.val()) << 32);
        }

        // ---------------- writes ----------------
        self.w_kill.next = self.wq.valid.val() & self.wq.dout.val().get_bit(32);
        self.w_live.next = self.wq.valid.val() & !self.wq.dout.val().get_bit(32);
        self.port0.wr_addr.next = self.sb.head.val();
        self.port1.wr_addr.next = self.sb.head.val();
        self.port0.wr_data.next = self.wq.dout.val().get_bits::<32>(0);
        self.port1.wr_data.next = self.wq.dout.val().get_bits::<32>(0);
        // Contention: a request refused within the last window cycles (a
        // port holding a request was refused in the previous cycle; the
        // registered flags keep the grant out of this block's logic).
        if self.port0.held_rd.val()
            | self.port0.held_wr.val()
            | self.port1.held_rd.val()
            | self.port1.held_wr.val()
        {
            self.w_cont.d.next = bits::<8>(255); // NTX_CONTENTION_WINDOW
        } else if self.w_cont.q.val() != 0 {
            self.w_cont.d.next = self.w_cont.q.val() - 1;
        }
        self.w_contended.next = self.w_cont.q.val() != 0;
        // A port is free this cycle when it holds no read and offers none.
        self.w_free0.next = !self.port0.held_rd.val() & !self.r0_ready.val();
        self.w_free1.next = !self.port1.held_rd.val() & !self.r1_ready.val();
        self.w_sel0.next = false;
        self.w_sel1.next = false;
        if self.w_live.val() {
            if self.port0.held_wr.val() {
                self.w_sel0.next = true;
            } else if self.port1.held_wr.val() {
                self.w_sel1.next = true;
            } else if self.w_contended.val() {
                // Contended (a cluster): keep the operand A streams (port 0)
                // of NTX that share an input in step, so one broadcast read
                // keeps serving them: write on port 1 when it is idle, on an
                // idle port 0 only when port 1 is not behind or the job has
                // no operand-A stream, and a result that must preempt reads
                // takes port 1.
                if !self.port1.held_rd.val() & !self.q1.valid.val() {
                    self.w_sel1.next = true;
                } else if !self.port0.held_rd.val()
                    & !self.q0.valid.val()
                    & (!self.tcdm1_urgent.val() | !self.g_ex_a.val())
                {
                    self.w_sel0.next = true;
                } else if (self.wq.count.val() >= bits::<5>(4)) & !self.port1.held_rd.val() {
                    self.w_sel1.next = true;
                }
            } else if self.w_free1.val() {
                // Uncontended: a write takes whichever port is free this
                // cycle, so one read stream plus writes run at one element
                // per cycle and three-access ops at 1.5.
                self.w_sel1.next = true;
            } else if self.w_free0.val() {
                self.w_sel0.next = true;
            } else if self.wq.count.val() >= bits::<5>(4) {
                // both ports offer reads: the write preempts the port that
                // is ahead (not urgent), so the lagging stream keeps its slot
                if !self.port1.held_rd.val() & !self.tcdm1_urgent.val() {
                    self.w_sel1.next = true;
                } else if !self.port0.held_rd.val() {
                    self.w_sel0.next = true;
                } else if !self.port1.held_rd.val() {
                    self.w_sel1.next = true;
                }
            }
        }
        self.port0.wr_sel.next = self.w_sel0.val();
        self.port1.wr_sel.next = self.w_sel1.val();
        self.w_retire.next =
            self.w_kill.val() | self.port0.wr_done.val() | self.port1.wr_done.val();
        self.wq.pop.next = self.w_retire.val();
        self.sb.pop.next = self.w_retire.val();
        self.regif.set_irq.next = bits::<2>(0);
        if self.w_retire.val() {
            self.regif.set_irq.next = self.wq.dout.val().get_bits::<2>(33);
        }

        // ---------------- TCDM pins ----------------
        self.tcdm0_req.next = self.port0.req.val();
        self.tcdm0_addr.next = self.port0.addr.val();
        self.tcdm0_we.next = self.port0.we.val();
        self.tcdm0_be.next = self.port0.be.val();
        self.tcdm0_wdata.next = self.port0.wdata.val();
        self.port0.gnt.next = self.tcdm0_gnt.val();
        self.port0.r_valid.next = self.tcdm0_r_valid.val();
        self.port0.r_rdata.next = self.tcdm0_r_rdata.val();
        self.tcdm1_req.next = self.port1.req.val();
        self.tcdm1_addr.next = self.port1.addr.val();
        self.tcdm1_we.next = self.port1.we.val();
        self.tcdm1_be.next = self.port1.be.val();
        self.tcdm1_wdata.next = self.port1.wdata.val();
        self.port1.gnt.next = self.tcdm1_gnt.val();
        self.port1.r_valid.next = self.tcdm1_r_valid.val();
        self.port1.r_rdata.next = self.tcdm1_r_rdata.val();

        // ---------------- status and clear ----------------
        self.pipe_empty.next = (self.ef.count.val() == 0)
            & !self.c_pend.q.val()
            & !self.q0.valid.val()
            & !self.q1.valid.val()
            & (self.rf0.count.val() == 0)
            & (self.rf1.count.val() == 0)
            & !self.port0.inflight.val()
            & !self.port1.inflight.val()
            & (self.fmac_pend.q.val() == bits::<5>(0))
            & !self.wq.valid.val()
            & !self.sb.valid.val();
        self.regif.queue_empty.next = !self.act_valid.q.val();
        self.regif.pipe_empty.next = self.pipe_empty.val();
        self.sb.clear.next = self.clr.val();
        self.port0.clear.next = self.clr.val();
        self.port1.clear.next = self.clr.val();
        self.q0.clear.next = self.clr.val();
        self.q1.clear.next = self.clr.val();
        self.rf0.clear.next = self.clr.val();
        self.rf1.clear.next = self.clr.val();
        self.ef.clear.next = self.clr.val();
        self.wq.clear.next = self.clr.val();
        if self.clr.val() {
            self.act_valid.d.next = false;
            self.c_pend.d.next = false;
            self.got1.d.next = false;
            self.fmac_pend.d.next = bits::<5>(0);
            self.w_cont.d.next = bits::<8>(0);
        }
    }
}
