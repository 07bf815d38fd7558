//! NTX generator: one DAG step per cycle becomes an *element*. The reads
//! it needs (A on port 0, B on port 1, C on whichever the element leaves
//! free) go into the per-port read address queues, its record
//! ([`ElemRec`]) into the element FIFO and its store address (if any) into
//! the store scoreboard. An element whose reads hit a pending store waits,
//! so every read sees all earlier stores as the sequential golden model
//! does. An element with three reads takes two cycles (its C read goes in
//! the next cycle, beside the next element's port-0 reads).
//!
//! Combinational towards the queues (push in the cycle of the step); the
//! only state is the pending C read. Never sees a TCDM grant.

use super::opdec::OpDecode;
use super::records::ElemRec;
use super::scoreboard::SB_DEPTH;
use crate::params::*;
use rust_hdl::prelude::*;

#[derive(LogicBlock, Default)]
pub struct Generator {
    pub clock: Signal<In, Clock>,
    pub clear: Signal<In, Bit>,
    /// A valid job is active (its command fields below, IEEE mode in `ieee`).
    pub active: Signal<In, Bit>,
    // the active job's command word (the fields the generator uses)
    pub opcode: Signal<In, Bits<{ cmd::OPCODE_WIDTH }>>,
    pub init_level: Signal<In, Bits<{ cmd::LEVEL_WIDTH }>>,
    pub inner_level: Signal<In, Bits<{ cmd::LEVEL_WIDTH }>>,
    pub init_sel: Signal<In, Bits<{ cmd::INIT_SEL_WIDTH }>>,
    pub aux: Signal<In, Bits<{ cmd::AUX_WIDTH }>>,
    pub irq_cfg: Signal<In, Bits<{ cmd::IRQ_CFG_WIDTH }>>,
    pub polarity: Signal<In, Bit>,
    pub ieee: Signal<In, Bit>,
    // the DAG's current step
    pub first: Signal<In, Bits<{ N_LOOPS + 1 }>>,
    pub last: Signal<In, Bits<{ N_LOOPS + 1 }>>,
    pub done: Signal<In, Bit>,
    pub addr0: Signal<In, Bits<AGU_ADDR_WIDTH>>,
    pub addr1: Signal<In, Bits<AGU_ADDR_WIDTH>>,
    pub addr2: Signal<In, Bits<AGU_ADDR_WIDTH>>,
    /// Advance the DAG (the step became an element).
    pub step: Signal<Out, Bit>,
    // the store scoreboard
    pub sb_ent: [Signal<In, Bits<AGU_ADDR_WIDTH>>; SB_DEPTH],
    pub sb_ent_v: [Signal<In, Bit>; SB_DEPTH],
    pub sb_full: Signal<In, Bit>,
    pub sb_push: Signal<Out, Bit>,
    pub sb_din: Signal<Out, Bits<AGU_ADDR_WIDTH>>,
    // the read address queues and the element FIFO
    pub q0_full: Signal<In, Bit>,
    pub q0_push: Signal<Out, Bit>,
    pub q0_din: Signal<Out, Bits<AGU_ADDR_WIDTH>>,
    pub q1_full: Signal<In, Bit>,
    pub q1_push: Signal<Out, Bit>,
    pub q1_din: Signal<Out, Bits<AGU_ADDR_WIDTH>>,
    pub ef_full: Signal<In, Bit>,
    pub ef_push: Signal<Out, Bit>,
    pub ef_din: Signal<Out, ElemRec>,
    /// The last step of the job became an element (the job leaves the queue).
    pub job_done: Signal<Out, Bit>,
    /// The C read of a three-read element is still to be queued.
    pub c_pending: Signal<Out, Bit>,
    /// The job streams operand A through port 0 (the write arbiter's hint).
    pub ex_a: Signal<Out, Bit>,
    /// A needed read matches a pending store (the element waits).
    pub sb_hit: Signal<Local, Bit>,
    pub dec: OpDecode,
    /// The C read of the last three-read element is still to be queued
    /// (on port 1, at `c_addr`): it goes in the next cycle beside the
    /// next element's port-0 reads.
    c_pend: DFF<Bit>,
    c_addr: DFF<Bits<AGU_ADDR_WIDTH>>,
    clr: Signal<Local, Bit>,
    g_op: Signal<Local, Bits<{ cmd::OPCODE_WIDTH }>>,
    g_sel: Signal<Local, Bits<{ cmd::INIT_SEL_WIDTH }>>,
    g_aux: Signal<Local, Bits<{ cmd::AUX_WIDTH }>>,
    g_fsh: Signal<Local, Bits<{ N_LOOPS + 1 }>>,
    g_lsh: Signal<Local, Bits<{ N_LOOPS + 1 }>>,
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
    sb_m: [Signal<Local, Bit>; SB_DEPTH],
    g_irq: Signal<Local, Bits<{ irq::WIDTH }>>,
    rec: Signal<Local, ElemRec>,
}
// Literals hdl_gen needs: the one-hot level masks are N_LOOPS + 1 = 6 bits
// wide, init_sel 3 is the zero source, irq_cfg 1 / 2 raise IRQ bit 1 / 0.
const _: () = assert!(N_LOOPS + 1 == 6 && cmd::LEVEL_WIDTH == 3);
const _: () = assert!(cmd::INIT_SEL_ZERO == 3);
const _: () = assert!(cmd::IRQ_CFG_CMD_DONE == 1 && cmd::IRQ_CFG_WB_DONE == 2);
const _: () = assert!(irq::CMD_DONE == 2 && irq::WB_DONE == 1);

impl Logic for Generator {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, c_pend, c_addr);
        self.clr.next = self.clear.val();
        self.dec.op.next = self.opcode.val();
        self.g_op.next = self.opcode.val();
        self.g_sel.next = self.init_sel.val();
        self.g_aux.next = self.aux.val();
        self.g_fsh.next = bits::<6>(1) << bit_cast::<6, 3>(self.init_level.val());
        self.g_lsh.next = bits::<6>(1) << bit_cast::<6, 3>(self.inner_level.val());
        self.g_init.next = (self.first.val() & self.g_fsh.val()).any();
        self.g_store.next = (self.last.val() & self.g_lsh.val()).any();
        self.g_mm.next = self.dec.maskmac.val();
        self.g_uses_init.next = self.dec.mac.val()
            | self.dec.vaddsub.val()
            | self.dec.outerp.val()
            | self.dec.maxmin.val()
            | self.dec.thtst.val()
            | self.dec.mask.val()
            | (self.dec.copy.val() & !self.g_aux.val().get_bit(0));
        self.g_ex_a.next = self.dec.mac.val()
            | self.dec.vaddsub.val()
            | self.dec.vmult.val()
            | self.dec.outerp.val()
            | self.dec.mask.val()
            | (self.dec.copy.val() & self.g_aux.val().get_bit(0));
        self.g_ex_b.next = self.dec.mac.val()
            | self.dec.vmult.val()
            | self.dec.maxmin.val()
            | self.dec.thtst.val()
            | (self.dec.mask.val() & !self.g_aux.val().get_bit(2))
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
        self.c_push.next = self.c_pend.q.val() & !self.q1_full.val() & !self.clr.val();
        self.q1_blocked.next =
            self.c_pend.q.val() & (!self.c_push.val() | self.push_b.val() | self.push_c1.val());
        self.room.next = (!(self.push_a.val() | self.push_c0.val()) | !self.q0_full.val())
            & (!(self.push_b.val() | self.push_c1.val()) | !self.q1_full.val())
            & !self.ef_full.val()
            & (!self.g_store.val() | !self.sb_full.val());
        // store scoreboard: does a needed read match a pending store?
        for i in 0..SB_DEPTH {
            self.sb_m[i].next = self.sb_ent_v[i].val()
                & ((self.need_a.val() & (self.sb_ent[i].val() == self.addr0.val()))
                    | (self.need_b.val() & (self.sb_ent[i].val() == self.addr1.val()))
                    | (self.need_c.val() & (self.sb_ent[i].val() == self.addr2.val())));
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
        self.go.next = self.active.val()
            & !self.clr.val()
            & self.room.val()
            & !self.q1_blocked.val()
            & !self.sb_hit.val();
        self.g_irq.next = bits::<2>(0);
        // irq_cfg 1 (command done) raises IRQ bit 1, 2 (writeback done) bit 0
        if self.done.val() & (self.irq_cfg.val() == bits::<2>(1)) {
            self.g_irq.next = bits::<2>(2);
        }
        if self.done.val() & (self.irq_cfg.val() == bits::<2>(2)) {
            self.g_irq.next = bits::<2>(1);
        }
        self.rec.next.opcode = self.g_op.val();
        self.rec.next.aux = self.g_aux.val();
        self.rec.next.polarity = self.polarity.val();
        self.rec.next.init_sel = self.g_sel.val();
        self.rec.next.init = self.g_init.val();
        self.rec.next.store = self.g_store.val();
        self.rec.next.read_a = self.need_a.val();
        self.rec.next.read_b = self.need_b.val();
        self.rec.next.read_c = self.need_c.val();
        self.rec.next.irq = self.g_irq.val();
        self.rec.next.ieee = self.ieee.val();
        self.q0_din.next = self.addr0.val();
        if !self.need_a.val() {
            self.q0_din.next = self.addr2.val();
        }
        self.q1_din.next = self.addr1.val();
        if !self.need_b.val() {
            self.q1_din.next = self.addr2.val();
        }
        if self.c_pend.q.val() {
            self.q1_din.next = self.c_addr.q.val();
        }
        self.q0_push.next = self.go.val() & (self.push_a.val() | self.push_c0.val());
        self.q1_push.next =
            self.c_push.val() | (self.go.val() & (self.push_b.val() | self.push_c1.val()));
        self.ef_din.next = self.rec.val();
        self.ef_push.next = self.go.val();
        self.sb_din.next = self.addr2.val();
        self.sb_push.next = self.go.val() & self.g_store.val();
        self.step.next = self.go.val();
        if self.c_push.val() {
            self.c_pend.d.next = false;
        }
        if self.go.val() & self.three.val() {
            self.c_pend.d.next = true;
            self.c_addr.d.next = self.addr2.val();
        }
        self.job_done.next = self.go.val() & self.done.val();
        self.c_pending.next = self.c_pend.q.val();
        self.ex_a.next = self.g_ex_a.val();
        if self.clr.val() {
            self.c_pend.d.next = false;
        }
    }
}
