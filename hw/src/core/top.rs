//! The control core: RV32IM_Zicsr_Zifencei, machine mode, two stages
//! (fetch, execute), precise traps, the machine external interrupt, and a
//! retirement trace for lock-step verification.
//!
//! **Pipeline.** Fetch (F) reads the L2 word at `fpc` through the
//! instruction port (`imem_*`, synchronous: the word arrives the next cycle
//! and holds while `imem_req` is low). Execute (X) decodes that word, reads
//! the register file, computes and writes back in one cycle for ALU, jump,
//! branch, CSR, store-to-L2 and system instructions. Loads from L2 take 2
//! cycles (data port read, then writeback), multiplications 4, divisions 34,
//! external accesses as long as the bus takes (request until `ext.gnt`,
//! then `ext.r_valid` for loads; stores complete at the grant). While X
//! waits, F holds. A taken branch, a jump, `mret`, `fence.i` and a trap redirect F
//! and kill the word being fetched: one bubble. Since a store writes L2 at
//! the end of its X cycle and `fence.i` refetches from `pc+4`, stored code
//! is executed after `fence.i`.
//!
//! **Ports.** `imem_*`/`dmem_*`: the two ports of the 128 KiB L2 (word
//! addresses inside L2). `ext`: PULP master port ([`BusMaster`]: `req` with
//! `addr` (word-aligned byte address), `we`, `be`, `wdata` held until `gnt`
//! in the same cycle; read data with `r_valid` any number of cycles later)
//! for data outside L2: cluster control port and simulation control.
//! `ext.req` is computed in a block of its own ([`ExtReq`]) from the decode
//! and the registered state only, never from `ext.gnt`. `irq`: the
//! machine external interrupt (mip.MEIP).
//!
//! **Traps** (mcause), as the ISS (`ntx_verif::model::rv32`): fetch outside
//! L2 (1, mtval = pc), illegal instruction or CSR (2, mtval = the
//! instruction), `ebreak` (3, mtval 0), `ecall` (11, mtval 0), misaligned
//! jump/branch target (0, mtval = target), misaligned load/store (4/6,
//! mtval = address), load/store with no target in the memory map (access
//! fault 5/7, mtval = address; see `Lsu::fault`), external interrupt (0x8000_000B) when mstatus.MIE and
//! mie.MEIE and `irq`, taken before an instruction starts (mepc = its pc).
//! `wfi` waits until mie.MEIE & `irq`, then retires; with mstatus.MIE set
//! the interrupt is taken instead, at the wfi (mepc = the wfi).
//!
//! **Trace.** `trace_valid` for one cycle per retired instruction or taken
//! trap: `trace_pc`, `trace_insn`, `trace_rd` (0 = no register written),
//! `trace_rd_val`, `trace_trap` with `trace_cause`. The counters are
//! visible on `mcycle_*`/`minstret_*` (the values a CSR read in this cycle
//! returns).
//!
//! CPI: 1 for ALU/CSR/store/not-taken branch, 2 for taken branches, jumps
//! and L2 loads (see README "Control core RTL").

use super::{
    alu::Alu, csr::Csr, decode::Decode, ext_req::ExtReq, lsu::Lsu, muldiv::MulDiv, regfile::RegFile,
};
use crate::bus::BusMaster;
use crate::params::core::{cause, L2_BASE, L2_BYTES, RESET_PC};
use crate::params::rv::L2_WORDS_LOG2;
use crate::params::{BE_WIDTH, DATA_WIDTH};
use rust_hdl::prelude::*;

/// X-stage states.
const ST_IDLE: u32 = 0;
const ST_L2LOAD: u32 = 1;
const ST_EXT: u32 = 2;
const ST_EXTR: u32 = 3;
const ST_MD: u32 = 4;
const ST_WFI: u32 = 5;

#[derive(LogicBlock)]
pub struct Core {
    pub clock: Signal<In, Clock>,
    /// Synchronous clear: pc = RESET_PC, registers and CSRs 0.
    pub clear: Signal<In, Bit>,
    pub imem_req: Signal<Out, Bit>,
    pub imem_addr: Signal<Out, Bits<L2_WORDS_LOG2>>,
    pub imem_rdata: Signal<In, Bits<DATA_WIDTH>>,
    pub dmem_req: Signal<Out, Bit>,
    pub dmem_we: Signal<Out, Bit>,
    pub dmem_be: Signal<Out, Bits<BE_WIDTH>>,
    pub dmem_addr: Signal<Out, Bits<L2_WORDS_LOG2>>,
    pub dmem_wdata: Signal<Out, Bits<DATA_WIDTH>>,
    pub dmem_rdata: Signal<In, Bits<DATA_WIDTH>>,
    /// External data port (see the module doc): a [`BusMaster`] that
    /// accepts `r_valid` any number of cycles after the grant.
    pub ext: BusMaster,
    pub irq: Signal<In, Bit>,
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
    pub dec: Decode,
    pub rf: RegFile,
    pub alu: Alu,
    pub md: MulDiv,
    pub csr: Csr,
    pub lsu: Lsu,
    /// The external request (grant-free, see [`ExtReq`]).
    pub xreq: ExtReq,
    // F and X state
    fpc: DFF<Bits<32>>,
    x_valid: DFF<Bit>,
    x_pc: DFF<Bits<32>>,
    x_ifault: DFF<Bit>,
    st: DFF<Bits<3>>,
    // X-stage logic
    rs1v: Signal<Local, Bits<32>>,
    pc_imm: Signal<Local, Bits<32>>,
    pc4: Signal<Local, Bits<32>>,
    jalr_t: Signal<Local, Bits<32>>,
    target: Signal<Local, Bits<32>>,
    jumps: Signal<Local, Bit>,
    mem: Signal<Local, Bit>,
    writes_rd: Signal<Local, Bit>,
    idle: Signal<Local, Bit>,
    exc: Signal<Local, Bit>,
    exc_cause: Signal<Local, Bits<32>>,
    exc_tval: Signal<Local, Bits<32>>,
    tcause: Signal<Local, Bits<32>>,
    trap: Signal<Local, Bit>,
    irq_ok: Signal<Local, Bit>,
    ok: Signal<Local, Bit>,
    done: Signal<Local, Bit>,
    rd_val: Signal<Local, Bits<32>>,
    redirect: Signal<Local, Bit>,
    redirect_pc: Signal<Local, Bits<32>>,
    advance: Signal<Local, Bit>,
    fpc_in_l2: Signal<Local, Bit>,
    // constants
    reset_pc: Constant<Bits<32>>,
    l2_base: Constant<Bits<32>>,
    l2_bytes: Constant<Bits<32>>,
    c_insn_misaligned: Constant<Bits<32>>,
    c_insn_access: Constant<Bits<32>>,
    c_illegal: Constant<Bits<32>>,
    c_breakpoint: Constant<Bits<32>>,
    c_load_misaligned: Constant<Bits<32>>,
    c_store_misaligned: Constant<Bits<32>>,
    c_load_access: Constant<Bits<32>>,
    c_store_access: Constant<Bits<32>>,
    c_ecall: Constant<Bits<32>>,
    c_irq: Constant<Bits<32>>,
    s_idle: Constant<Bits<3>>,
    s_l2load: Constant<Bits<3>>,
    s_ext: Constant<Bits<3>>,
    s_extr: Constant<Bits<3>>,
    s_md: Constant<Bits<3>>,
    s_wfi: Constant<Bits<3>>,
}

impl Default for Core {
    fn default() -> Self {
        fn k<const W: usize>(v: u32) -> Constant<Bits<W>> {
            Constant::new((v as u64).into())
        }
        Self {
            clock: Default::default(),
            clear: Default::default(),
            imem_req: Default::default(),
            imem_addr: Default::default(),
            imem_rdata: Default::default(),
            dmem_req: Default::default(),
            dmem_we: Default::default(),
            dmem_be: Default::default(),
            dmem_addr: Default::default(),
            dmem_wdata: Default::default(),
            dmem_rdata: Default::default(),
            ext: Default::default(),
            irq: Default::default(),
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
            dec: Default::default(),
            rf: Default::default(),
            alu: Default::default(),
            md: Default::default(),
            csr: Default::default(),
            lsu: Default::default(),
            xreq: ExtReq::new(ST_IDLE, ST_EXT),
            fpc: Default::default(),
            x_valid: Default::default(),
            x_pc: Default::default(),
            x_ifault: Default::default(),
            st: Default::default(),
            rs1v: Default::default(),
            pc_imm: Default::default(),
            pc4: Default::default(),
            jalr_t: Default::default(),
            target: Default::default(),
            jumps: Default::default(),
            mem: Default::default(),
            writes_rd: Default::default(),
            idle: Default::default(),
            exc: Default::default(),
            exc_cause: Default::default(),
            exc_tval: Default::default(),
            tcause: Default::default(),
            trap: Default::default(),
            irq_ok: Default::default(),
            ok: Default::default(),
            done: Default::default(),
            rd_val: Default::default(),
            redirect: Default::default(),
            redirect_pc: Default::default(),
            advance: Default::default(),
            fpc_in_l2: Default::default(),
            reset_pc: k(RESET_PC),
            l2_base: k(L2_BASE),
            l2_bytes: k(L2_BYTES),
            c_insn_misaligned: k(cause::INSN_MISALIGNED),
            c_insn_access: k(cause::INSN_ACCESS),
            c_illegal: k(cause::ILLEGAL),
            c_breakpoint: k(cause::BREAKPOINT),
            c_load_misaligned: k(cause::LOAD_MISALIGNED),
            c_store_misaligned: k(cause::STORE_MISALIGNED),
            c_load_access: k(cause::LOAD_ACCESS),
            c_store_access: k(cause::STORE_ACCESS),
            c_ecall: k(cause::ECALL_M),
            c_irq: k(cause::MACHINE_EXTERNAL_IRQ),
            s_idle: k(ST_IDLE),
            s_l2load: k(ST_L2LOAD),
            s_ext: k(ST_EXT),
            s_extr: k(ST_EXTR),
            s_md: k(ST_MD),
            s_wfi: k(ST_WFI),
        }
    }
}

impl Core {
    /// Backdoor read of register `x[i]` (no cycle; for testbenches).
    pub fn reg(&self, i: usize) -> u32 {
        self.rf.peek(i)
    }
}

impl Logic for Core {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, fpc, x_valid, x_pc, x_ifault, st);
        clock!(self, clock, rf, md, csr);
        self.rf.clear.next = self.clear.val();
        self.md.clear.next = self.clear.val();
        self.csr.clear.next = self.clear.val();
        // ---- decode and operands
        self.dec.insn.next = self.imem_rdata.val();
        self.rf.rs1.next = self.dec.rs1.val();
        self.rf.rs2.next = self.dec.rs2.val();
        self.rs1v.next = self.rf.rdata1.val();
        self.alu.a.next = self.rf.rdata1.val();
        self.alu.b.next = self.dec.imm.val();
        if self.dec.is_op.val() | self.dec.is_branch.val() {
            self.alu.b.next = self.rf.rdata2.val();
        }
        self.alu.funct3.next = self.dec.funct3.val();
        self.alu.alt.next = self.dec.alt.val()
            & (self.dec.is_op.val() | (self.dec.is_opimm.val() & (self.dec.funct3.val() == 5)));
        self.pc_imm.next = self.x_pc.q.val() + self.dec.imm.val();
        self.pc4.next = self.x_pc.q.val() + 4;
        self.jalr_t.next = ((self.rs1v.val() + self.dec.imm.val()) >> 1) << 1;
        self.target.next = self.pc_imm.val();
        if self.dec.is_jalr.val() {
            self.target.next = self.jalr_t.val();
        }
        self.jumps.next = self.dec.is_jal.val()
            | self.dec.is_jalr.val()
            | (self.dec.is_branch.val() & self.alu.taken.val());
        self.mem.next = self.dec.is_load.val() | self.dec.is_store.val();
        self.writes_rd.next = self.dec.is_lui.val()
            | self.dec.is_auipc.val()
            | self.dec.is_jal.val()
            | self.dec.is_jalr.val()
            | self.dec.is_opimm.val()
            | self.dec.is_op.val()
            | self.dec.is_csr.val()
            | self.dec.is_load.val()
            | self.dec.is_muldiv.val();
        // load/store unit
        self.lsu.base.next = self.rf.rdata1.val();
        self.lsu.offset.next = self.dec.imm.val();
        self.lsu.funct3.next = self.dec.funct3.val();
        self.lsu.store_data.next = self.rf.rdata2.val();
        self.lsu.rdata.next = self.dmem_rdata.val();
        if self.st.q.val() == self.s_extr.val() {
            self.lsu.rdata.next = self.ext.r_rdata.val();
        }
        // CSR unit
        self.csr.irq.next = self.irq.val();
        self.csr.addr.next = self.imem_rdata.val().get_bits::<12>(20);
        self.csr.op.next = self.dec.funct3.val().get_bits::<2>(0);
        self.csr.wsrc.next = self.rs1v.val();
        if self.dec.funct3.val().get_bit(2) {
            self.csr.wsrc.next = bit_cast::<32, 5>(self.dec.rs1.val());
        }
        self.csr.wen.next =
            (self.dec.funct3.val().get_bits::<2>(0) == 1) | (self.dec.rs1.val() != 0);
        // mul/div unit
        self.md.a.next = self.rf.rdata1.val();
        self.md.b.next = self.rf.rdata2.val();
        self.md.funct3.next = self.dec.funct3.val();
        // ---- exceptions of the instruction in X (priority order)
        self.exc.next = true;
        self.exc_tval.next = 0.into();
        self.exc_cause.next = self.c_illegal.val();
        if self.x_ifault.q.val() {
            self.exc_cause.next = self.c_insn_access.val();
            self.exc_tval.next = self.x_pc.q.val();
        } else if self.dec.illegal.val() | (self.dec.is_csr.val() & self.csr.illegal.val()) {
            self.exc_cause.next = self.c_illegal.val();
            self.exc_tval.next = self.imem_rdata.val();
        } else if self.dec.is_ecall.val() {
            self.exc_cause.next = self.c_ecall.val();
        } else if self.dec.is_ebreak.val() {
            self.exc_cause.next = self.c_breakpoint.val();
        } else if self.jumps.val() & self.target.val().get_bit(1) {
            self.exc_cause.next = self.c_insn_misaligned.val();
            self.exc_tval.next = self.target.val();
        } else if self.dec.is_load.val() & self.lsu.misaligned.val() {
            self.exc_cause.next = self.c_load_misaligned.val();
            self.exc_tval.next = self.lsu.addr.val();
        } else if self.dec.is_store.val() & self.lsu.misaligned.val() {
            self.exc_cause.next = self.c_store_misaligned.val();
            self.exc_tval.next = self.lsu.addr.val();
        } else if self.dec.is_load.val() & self.lsu.fault.val() {
            self.exc_cause.next = self.c_load_access.val();
            self.exc_tval.next = self.lsu.addr.val();
        } else if self.dec.is_store.val() & self.lsu.fault.val() {
            self.exc_cause.next = self.c_store_access.val();
            self.exc_tval.next = self.lsu.addr.val();
        } else {
            self.exc.next = false;
        }
        self.idle.next = self.x_valid.q.val() & (self.st.q.val() == self.s_idle.val());
        // an interrupt is taken before an instruction starts, or instead of
        // a waiting wfi (mepc = the wfi, as the ISS)
        self.irq_ok.next =
            self.idle.val() | (self.x_valid.q.val() & (self.st.q.val() == self.s_wfi.val()));
        self.trap.next =
            (self.irq_ok.val() & self.csr.irq_take.val()) | (self.idle.val() & self.exc.val());
        self.ok.next = self.idle.val() & !self.trap.val();
        // ---- requests: from decode and the registered state only (never
        // from a grant; each is its own statement so Verilator orders them
        // apart from the grant-dependent sequencing below)
        self.dmem_req.next = self.ok.val() & self.mem.val() & self.lsu.in_l2.val();
        // the external request in a block of its own (see `ExtReq`)
        self.xreq.x_valid.next = self.x_valid.q.val();
        self.xreq.st.next = self.st.q.val();
        self.xreq.x_ifault.next = self.x_ifault.q.val();
        self.xreq.irq_take.next = self.csr.irq_take.val();
        self.xreq.is_load.next = self.dec.is_load.val();
        self.xreq.is_store.next = self.dec.is_store.val();
        self.xreq.misaligned.next = self.lsu.misaligned.val();
        self.xreq.fault.next = self.lsu.fault.val();
        self.xreq.in_l2.next = self.lsu.in_l2.val();
        self.ext.req.next = self.xreq.req.val();
        self.md.start.next = self.ok.val() & self.dec.is_muldiv.val();
        // ---- sequencing
        self.done.next = false;
        if self.ok.val() {
            if self.mem.val() {
                if self.lsu.in_l2.val() {
                    if self.dec.is_store.val() {
                        self.done.next = true;
                    } else {
                        self.st.d.next = self.s_l2load.val();
                    }
                } else {
                    self.st.d.next = self.s_ext.val();
                    if self.ext.gnt.val() {
                        if self.dec.is_store.val() {
                            self.done.next = true;
                            self.st.d.next = self.s_idle.val();
                        } else {
                            self.st.d.next = self.s_extr.val();
                        }
                    }
                }
            } else if self.dec.is_muldiv.val() {
                self.st.d.next = self.s_md.val();
            } else if self.dec.is_wfi.val() {
                if self.csr.irq_pending.val() {
                    self.done.next = true;
                } else {
                    self.st.d.next = self.s_wfi.val();
                }
            } else {
                self.done.next = true;
            }
        }
        if self.x_valid.q.val() & (self.st.q.val() == self.s_l2load.val()) {
            self.done.next = true;
            self.st.d.next = self.s_idle.val();
        }
        if self.x_valid.q.val() & (self.st.q.val() == self.s_ext.val()) & self.ext.gnt.val() {
            if self.dec.is_store.val() {
                self.done.next = true;
                self.st.d.next = self.s_idle.val();
            } else {
                self.st.d.next = self.s_extr.val();
            }
        }
        if self.x_valid.q.val() & (self.st.q.val() == self.s_extr.val()) & self.ext.r_valid.val() {
            self.done.next = true;
            self.st.d.next = self.s_idle.val();
        }
        if self.x_valid.q.val() & (self.st.q.val() == self.s_md.val()) & self.md.done.val() {
            self.done.next = true;
            self.st.d.next = self.s_idle.val();
        }
        if self.x_valid.q.val() & (self.st.q.val() == self.s_wfi.val()) {
            if self.trap.val() {
                self.st.d.next = self.s_idle.val();
            } else if self.csr.irq_pending.val() {
                self.done.next = true;
                self.st.d.next = self.s_idle.val();
            }
        }
        // memory ports
        self.dmem_we.next = self.dec.is_store.val();
        self.dmem_be.next = self.lsu.be.val();
        self.dmem_addr.next = self.lsu.addr.val().get_bits::<L2_WORDS_LOG2>(2);
        self.dmem_wdata.next = self.lsu.wdata.val();
        self.ext.we.next = self.dec.is_store.val();
        self.ext.be.next = self.lsu.be.val();
        self.ext.addr.next = self.lsu.aligned.val();
        self.ext.wdata.next = self.lsu.wdata.val();
        // ---- writeback
        self.rd_val.next = self.alu.result.val();
        if self.dec.is_lui.val() {
            self.rd_val.next = self.dec.imm.val();
        }
        if self.dec.is_auipc.val() {
            self.rd_val.next = self.pc_imm.val();
        }
        if self.dec.is_jal.val() | self.dec.is_jalr.val() {
            self.rd_val.next = self.pc4.val();
        }
        if self.dec.is_csr.val() {
            self.rd_val.next = self.csr.rdata.val();
        }
        if self.dec.is_load.val() {
            self.rd_val.next = self.lsu.load_value.val();
        }
        if self.dec.is_muldiv.val() {
            self.rd_val.next = self.md.result.val();
        }
        self.rf.we.next = self.done.val() & self.writes_rd.val();
        self.rf.rd.next = self.dec.rd.val();
        self.rf.wdata.next = self.rd_val.val();
        // ---- CSR side effects
        self.csr.exec.next = self.done.val() & self.dec.is_csr.val();
        self.csr.retire.next = self.done.val();
        self.csr.mret.next = self.done.val() & self.dec.is_mret.val();
        self.csr.trap.next = self.trap.val();
        self.csr.trap_pc.next = self.x_pc.q.val();
        self.tcause.next = self.exc_cause.val();
        self.csr.trap_tval.next = self.exc_tval.val();
        if self.csr.irq_take.val() {
            self.tcause.next = self.c_irq.val();
            self.csr.trap_tval.next = 0.into();
        }
        self.csr.trap_cause.next = self.tcause.val();
        // ---- fetch
        self.redirect.next = false;
        self.redirect_pc.next = self.target.val();
        if self.trap.val() {
            self.redirect.next = true;
            self.redirect_pc.next = self.csr.mtvec.val();
        } else if self.done.val() {
            if self.jumps.val() {
                self.redirect.next = true;
            }
            if self.dec.is_mret.val() {
                self.redirect.next = true;
                self.redirect_pc.next = self.csr.mepc.val();
            }
            if self.dec.is_fencei.val() {
                self.redirect.next = true;
                self.redirect_pc.next = self.pc4.val();
            }
        }
        self.advance.next = !self.x_valid.q.val() | self.trap.val() | self.done.val();
        self.fpc_in_l2.next = (self.fpc.q.val() - self.l2_base.val()) < self.l2_bytes.val();
        self.imem_addr.next = self.fpc.q.val().get_bits::<L2_WORDS_LOG2>(2);
        self.imem_req.next = self.advance.val() & !self.redirect.val() & self.fpc_in_l2.val();
        if self.advance.val() {
            if self.redirect.val() {
                self.fpc.d.next = self.redirect_pc.val();
                self.x_valid.d.next = false;
            } else {
                self.fpc.d.next = self.fpc.q.val() + 4;
                self.x_valid.d.next = true;
                self.x_pc.d.next = self.fpc.q.val();
                self.x_ifault.d.next = !self.fpc_in_l2.val();
            }
        }
        // ---- trace and counters
        self.trace_valid.next = self.done.val() | self.trap.val();
        self.trace_pc.next = self.x_pc.q.val();
        self.trace_insn.next = self.imem_rdata.val();
        if self.x_ifault.q.val() | (self.trap.val() & self.csr.irq_take.val()) {
            self.trace_insn.next = 0.into();
        }
        self.trace_rd.next = 0.into();
        self.trace_rd_val.next = 0.into();
        if self.done.val() & self.writes_rd.val() & (self.dec.rd.val() != 0) {
            self.trace_rd.next = self.dec.rd.val();
            self.trace_rd_val.next = self.rd_val.val();
        }
        self.trace_trap.next = self.trap.val();
        self.trace_cause.next = self.tcause.val();
        self.mcycle_lo.next = self.csr.mcycle_lo.val();
        self.mcycle_hi.next = self.csr.mcycle_hi.val();
        self.minstret_lo.next = self.csr.minstret_lo.val();
        self.minstret_hi.next = self.csr.minstret_hi.val();
        if self.clear.val() {
            self.fpc.d.next = self.reset_pc.val();
            self.x_valid.d.next = false;
            self.x_pc.d.next = 0.into();
            self.x_ifault.d.next = false;
            self.st.d.next = self.s_idle.val();
        }
    }
}
