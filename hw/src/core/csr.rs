//! CSR unit of the control core (machine mode, spec section 10).
//!
//! Implements `mstatus` (MIE, MPIE; MPP reads 3), `misa` (RV32IM, writes
//! ignored), `mie`/`mip` (MEIE / MEIP = the external interrupt input; other
//! bits read 0), `mtvec` (direct mode: bits 1:0 read 0), `mscratch`, `mepc`
//! (bits 1:0 read 0), `mcause`, `mtval`, the 64-bit `mcycle` (counts every
//! cycle) and `minstret` (counts retired instructions) with their high
//! halves, the read-only aliases `cycle[h]`/`instret[h]`, and
//! `mvendorid`/`marchid`/`mimpid`/`mhartid` (read 0).
//!
//! Combinational ([`CsrRead`], a sub-block): `rdata` = the CSR at `addr`, `illegal` = no such CSR, or a
//! write to a read-only one (`addr[11:10] == 3`). At the clock edge: a trap
//! (`trap`) saves `trap_pc`/`trap_cause`/`trap_tval` and moves MIE to MPIE;
//! `mret` restores MIE from MPIE and sets MPIE; `exec` applies the CSR
//! instruction's write (`op` = funct3: RW, RS, RC and their immediate
//! forms; `wen` = the instruction writes: always for RW, for RS/RC only with
//! a nonzero rs1/uimm field). A counter half written by a CSR instruction takes
//! the written value (the write wins over that half's increment; writing
//! `minstret[h]` also suppresses the other half's increment, as the ISS). Synchronous `clear` resets every CSR to 0 (mtvec 0).

use super::csr_read::CsrRead;
use crate::params::core::csr;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct Csr {
    pub clock: Signal<In, Clock>,
    pub clear: Signal<In, Bit>,
    pub addr: Signal<In, Bits<12>>,
    /// funct3 bits 1:0 (1 RW, 2 RS, 3 RC).
    pub op: Signal<In, Bits<2>>,
    /// rs1 value or zero-extended uimm.
    pub wsrc: Signal<In, Bits<32>>,
    pub wen: Signal<In, Bit>,
    /// The CSR instruction retires this cycle: apply its write.
    pub exec: Signal<In, Bit>,
    pub rdata: Signal<Out, Bits<32>>,
    pub illegal: Signal<Out, Bit>,
    pub trap: Signal<In, Bit>,
    pub trap_pc: Signal<In, Bits<32>>,
    pub trap_cause: Signal<In, Bits<32>>,
    pub trap_tval: Signal<In, Bits<32>>,
    pub mret: Signal<In, Bit>,
    /// An instruction retires this cycle (minstret counts it).
    pub retire: Signal<In, Bit>,
    /// Machine external interrupt line (mip.MEIP).
    pub irq: Signal<In, Bit>,
    /// mie.MEIE & mip.MEIP (wakes `wfi`).
    pub irq_pending: Signal<Out, Bit>,
    /// irq_pending & mstatus.MIE: take the interrupt.
    pub irq_take: Signal<Out, Bit>,
    pub mtvec: Signal<Out, Bits<32>>,
    pub mepc: Signal<Out, Bits<32>>,
    pub mcycle_lo: Signal<Out, Bits<32>>,
    pub mcycle_hi: Signal<Out, Bits<32>>,
    pub minstret_lo: Signal<Out, Bits<32>>,
    pub minstret_hi: Signal<Out, Bits<32>>,
    /// The read mux (its own block, see [`CsrRead`]).
    rd: CsrRead,
    mie_bit: DFF<Bit>,
    mpie: DFF<Bit>,
    meie: DFF<Bit>,
    mtvec_r: DFF<Bits<32>>,
    mscratch: DFF<Bits<32>>,
    mepc_r: DFF<Bits<32>>,
    mcause: DFF<Bits<32>>,
    mtval: DFF<Bits<32>>,
    cyc_lo: DFF<Bits<32>>,
    cyc_hi: DFF<Bits<32>>,
    ins_lo: DFF<Bits<32>>,
    ins_hi: DFF<Bits<32>>,
    newv: Signal<Local, Bits<32>>,
    wr: Signal<Local, Bit>,
    ins_wr: Signal<Local, Bit>,
    mie_pos: Constant<Bits<32>>,
    mpie_pos: Constant<Bits<32>>,
    mei_pos: Constant<Bits<32>>,
    ones: Constant<Bits<32>>,
    c_mstatus: Constant<Bits<12>>,
    c_mie: Constant<Bits<12>>,
    c_mtvec: Constant<Bits<12>>,
    c_mscratch: Constant<Bits<12>>,
    c_mepc: Constant<Bits<12>>,
    c_mcause: Constant<Bits<12>>,
    c_mtval: Constant<Bits<12>>,
    c_mcycle: Constant<Bits<12>>,
    c_minstret: Constant<Bits<12>>,
    c_mcycleh: Constant<Bits<12>>,
    c_minstreth: Constant<Bits<12>>,
}

impl Default for Csr {
    fn default() -> Self {
        fn k(v: u16) -> Constant<Bits<12>> {
            Constant::new((v as u32).to_bits())
        }
        Self {
            clock: Default::default(),
            clear: Default::default(),
            addr: Default::default(),
            op: Default::default(),
            wsrc: Default::default(),
            wen: Default::default(),
            exec: Default::default(),
            rdata: Default::default(),
            illegal: Default::default(),
            trap: Default::default(),
            trap_pc: Default::default(),
            trap_cause: Default::default(),
            trap_tval: Default::default(),
            mret: Default::default(),
            retire: Default::default(),
            irq: Default::default(),
            irq_pending: Default::default(),
            irq_take: Default::default(),
            mtvec: Default::default(),
            mepc: Default::default(),
            mcycle_lo: Default::default(),
            mcycle_hi: Default::default(),
            minstret_lo: Default::default(),
            minstret_hi: Default::default(),
            rd: Default::default(),
            mie_bit: Default::default(),
            mpie: Default::default(),
            meie: Default::default(),
            mtvec_r: Default::default(),
            mscratch: Default::default(),
            mepc_r: Default::default(),
            mcause: Default::default(),
            mtval: Default::default(),
            cyc_lo: Default::default(),
            cyc_hi: Default::default(),
            ins_lo: Default::default(),
            ins_hi: Default::default(),
            newv: Default::default(),
            wr: Default::default(),
            ins_wr: Default::default(),
            mie_pos: Constant::new(csr::MSTATUS_MIE.to_bits()),
            mpie_pos: Constant::new(csr::MSTATUS_MPIE.to_bits()),
            mei_pos: Constant::new(csr::MEI_BIT.to_bits()),
            ones: Constant::new(u32::MAX.to_bits()),
            c_mstatus: k(csr::MSTATUS),
            c_mie: k(csr::MIE),
            c_mtvec: k(csr::MTVEC),
            c_mscratch: k(csr::MSCRATCH),
            c_mepc: k(csr::MEPC),
            c_mcause: k(csr::MCAUSE),
            c_mtval: k(csr::MTVAL),
            c_mcycle: k(csr::MCYCLE),
            c_minstret: k(csr::MINSTRET),
            c_mcycleh: k(csr::MCYCLEH),
            c_minstreth: k(csr::MINSTRETH),
        }
    }
}

impl Logic for Csr {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, mie_bit, mpie, meie, mtvec_r, mscratch, mepc_r, mcause, mtval, cyc_lo,
            cyc_hi, ins_lo, ins_hi
        );
        // ---- read side (its own block: see `CsrRead`)
        self.rd.addr.next = self.addr.val();
        self.rd.wen.next = self.wen.val();
        self.rd.irq.next = self.irq.val();
        self.rd.mie_bit.next = self.mie_bit.q.val();
        self.rd.mpie.next = self.mpie.q.val();
        self.rd.meie.next = self.meie.q.val();
        self.rd.mtvec_r.next = self.mtvec_r.q.val();
        self.rd.mscratch.next = self.mscratch.q.val();
        self.rd.mepc_r.next = self.mepc_r.q.val();
        self.rd.mcause.next = self.mcause.q.val();
        self.rd.mtval.next = self.mtval.q.val();
        self.rd.cyc_lo.next = self.cyc_lo.q.val();
        self.rd.cyc_hi.next = self.cyc_hi.q.val();
        self.rd.ins_lo.next = self.ins_lo.q.val();
        self.rd.ins_hi.next = self.ins_hi.q.val();
        self.rdata.next = self.rd.rdata.val();
        self.illegal.next = self.rd.illegal.val();
        self.irq_pending.next = self.meie.q.val() & self.irq.val();
        self.irq_take.next = self.meie.q.val() & self.irq.val() & self.mie_bit.q.val();
        self.mtvec.next = self.mtvec_r.q.val();
        self.mepc.next = self.mepc_r.q.val();
        self.mcycle_lo.next = self.cyc_lo.q.val();
        self.mcycle_hi.next = self.cyc_hi.q.val();
        self.minstret_lo.next = self.ins_lo.q.val();
        self.minstret_hi.next = self.ins_hi.q.val();
        // ---- new value of a CSR write
        self.newv.next = self.wsrc.val();
        if self.op.val() == 2 {
            self.newv.next = self.rd.rdata.val() | self.wsrc.val();
        }
        if self.op.val() == 3 {
            self.newv.next = self.rd.rdata.val() & !self.wsrc.val();
        }
        self.wr.next = self.exec.val() & self.wen.val() & !self.rd.illegal.val() & !self.trap.val();
        // ---- counters
        self.cyc_lo.d.next = self.cyc_lo.q.val() + 1;
        if self.cyc_lo.q.val() == self.ones.val() {
            self.cyc_hi.d.next = self.cyc_hi.q.val() + 1;
        }
        // writing minstret[h] replaces this instruction's increment (as the ISS)
        self.ins_wr.next = self.wr.val()
            & ((self.addr.val() == self.c_minstret.val())
                | (self.addr.val() == self.c_minstreth.val()));
        if self.retire.val() & !self.ins_wr.val() {
            self.ins_lo.d.next = self.ins_lo.q.val() + 1;
            if self.ins_lo.q.val() == self.ones.val() {
                self.ins_hi.d.next = self.ins_hi.q.val() + 1;
            }
        }
        // ---- writes
        if self.wr.val() {
            if self.addr.val() == self.c_mstatus.val() {
                self.mie_bit.d.next = (self.newv.val() & self.mie_pos.val()) != 0;
                self.mpie.d.next = (self.newv.val() & self.mpie_pos.val()) != 0;
            }
            if self.addr.val() == self.c_mie.val() {
                self.meie.d.next = (self.newv.val() & self.mei_pos.val()) != 0;
            }
            if self.addr.val() == self.c_mtvec.val() {
                self.mtvec_r.d.next = (self.newv.val() >> 2) << 2;
            }
            if self.addr.val() == self.c_mscratch.val() {
                self.mscratch.d.next = self.newv.val();
            }
            if self.addr.val() == self.c_mepc.val() {
                self.mepc_r.d.next = (self.newv.val() >> 2) << 2;
            }
            if self.addr.val() == self.c_mcause.val() {
                self.mcause.d.next = self.newv.val();
            }
            if self.addr.val() == self.c_mtval.val() {
                self.mtval.d.next = self.newv.val();
            }
            if self.addr.val() == self.c_mcycle.val() {
                self.cyc_lo.d.next = self.newv.val();
                self.cyc_hi.d.next = self.cyc_hi.q.val();
            }
            if self.addr.val() == self.c_mcycleh.val() {
                self.cyc_hi.d.next = self.newv.val();
            }
            if self.addr.val() == self.c_minstret.val() {
                self.ins_lo.d.next = self.newv.val();
            }
            if self.addr.val() == self.c_minstreth.val() {
                self.ins_hi.d.next = self.newv.val();
            }
        }
        if self.trap.val() {
            self.mepc_r.d.next = self.trap_pc.val();
            self.mcause.d.next = self.trap_cause.val();
            self.mtval.d.next = self.trap_tval.val();
            self.mpie.d.next = self.mie_bit.q.val();
            self.mie_bit.d.next = false;
        } else if self.mret.val() {
            self.mie_bit.d.next = self.mpie.q.val();
            self.mpie.d.next = true;
        }
        if self.clear.val() {
            self.mie_bit.d.next = false;
            self.mpie.d.next = false;
            self.meie.d.next = false;
            self.mtvec_r.d.next = 0.into();
            self.mscratch.d.next = 0.into();
            self.mepc_r.d.next = 0.into();
            self.mcause.d.next = 0.into();
            self.mtval.d.next = 0.into();
            self.cyc_lo.d.next = 0.into();
            self.cyc_hi.d.next = 0.into();
            self.ins_lo.d.next = 0.into();
            self.ins_hi.d.next = 0.into();
        }
    }
}
