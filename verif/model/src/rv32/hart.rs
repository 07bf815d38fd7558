//! One RV32IM_Zicsr_Zifencei hart, machine mode only (spec 10): the golden
//! model of the cluster's control core.
//!
//! [`Hart::step`] executes one instruction (or enters one trap) against a
//! [`Bus`]. Untimed: every step counts one cycle (`mcycle`), every retired
//! instruction one `minstret`; a trap entry and a `wfi` wait count a cycle
//! but no instruction. Interrupts are deterministic: a step first takes a
//! pending, enabled machine external interrupt (`mstatus.MIE`, `mie.MEIE`,
//! `Bus::irq()`), before fetching.
//!
//! Trap rules: `mepc` = pc of the trapping instruction (of the next
//! instruction for an interrupt), `mstatus.MPIE` = MIE, MIE = 0, pc =
//! `mtvec` (direct mode, bits 1:0 read 0). `mtval` = the faulting address
//! for misaligned / access faults (the jump target for a misaligned jump),
//! the instruction word for an illegal instruction, 0 otherwise. Misaligned
//! loads and stores always trap (mcause 4 / 6). A jump or taken branch to an
//! address with bit 1 set traps with mcause 0 on the jump.
//!
//! CSR rules: the numbers of `params::core::csr`; any other number, and a
//! write (csrrw, or csrrs/csrrc with rs1 != x0, or the immediate forms with
//! a non-zero immediate) to a read-only CSR (number bits 11:10 = 0b11) is an
//! illegal instruction. WARL fields: `misa` ignores writes; `mstatus` keeps
//! MIE and MPIE, MPP reads 0b11; `mie` keeps MEIE; `mip` ignores writes and
//! reads MEIP = `Bus::irq()` as sampled by the last step; `mtvec` and `mepc`
//! clear bits 1:0. A CSR instruction's counter increment happens before its
//! write, so writing `mcycle`/`minstret` sets the value the next instruction
//! reads.

use ntx_params::core::{cause, csr, RESET_PC};

/// Why a bus access failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// No device at the address, or an access size the device does not
    /// take (access fault: mcause 1 / 5 / 7).
    Access,
    /// The device takes only naturally aligned accesses (mcause 0 / 4 / 6).
    Misaligned,
    /// Not granted this cycle (an NTX staging area frozen behind a halted
    /// job); the instruction does not retire and is retried by the next step.
    Retry,
}

/// The hart's memory and interrupt interface.
pub trait Bus {
    /// 32-bit instruction fetch from a word-aligned address.
    fn fetch(&mut self, addr: u32) -> Result<u32, Fault>;
    /// Load of `size` bytes (1, 2 or 4, naturally aligned), zero-extended.
    fn load(&mut self, addr: u32, size: u8) -> Result<u32, Fault>;
    /// Store of the low `size` bytes of `value` (1, 2 or 4, naturally aligned).
    fn store(&mut self, addr: u32, size: u8, value: u32) -> Result<(), Fault>;
    /// Machine external interrupt line (mip.MEIP).
    fn irq(&self) -> bool;
}

/// What one [`Hart::step`] did: the retirement record that lock-step
/// verification compares with the RTL core.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retire {
    /// pc of the instruction (of the interrupted instruction for an interrupt).
    pub pc: u32,
    /// Instruction word (0 when the fetch faulted or for an interrupt).
    pub insn: u32,
    /// Destination register written, 0 = no write.
    pub rd: u8,
    /// Value written to `rd`.
    pub rd_val: u32,
    /// mcause when this step took a trap or an interrupt instead of retiring.
    pub trap: Option<u32>,
    /// Nothing retired and no trap: `wfi` waiting for an interrupt, or an
    /// access not granted ([`Fault::Retry`]); the state is unchanged but for
    /// `mcycle`, and the next step tries again.
    pub stall: bool,
}

impl Retire {
    /// One trace line: `pc insn rd=val` / `trap=cause` / `stall`.
    pub fn trace_line(&self) -> String {
        let mut s = format!("{:08x} {:08x}", self.pc, self.insn);
        if let Some(c) = self.trap {
            s += &format!(" trap={c:#x}");
        } else if self.stall {
            s += " stall";
        } else if self.rd != 0 {
            s += &format!(" x{}={:08x}", self.rd, self.rd_val);
        }
        s
    }
}

/// Architectural state of the hart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hart {
    /// Program counter.
    pub pc: u32,
    /// Integer registers (x0 always reads 0).
    pub x: [u32; 32],
    /// mstatus MIE / MPIE bits (the other bits read as documented).
    pub mstatus: u32,
    /// mie (MEIE only).
    pub mie: u32,
    /// MEIP as sampled from the bus by the last step.
    pub meip: bool,
    pub mtvec: u32,
    pub mepc: u32,
    pub mcause: u32,
    pub mtval: u32,
    pub mscratch: u32,
    /// Cycle counter (one per step in the untimed model).
    pub mcycle: u64,
    /// Retired instructions.
    pub minstret: u64,
}

impl Default for Hart {
    fn default() -> Self {
        Self::new()
    }
}

/// Instruction execution outcome (internal).
enum Exec {
    /// Retired: next pc, destination register and value.
    Done(u32, u8, u32),
    /// Trap with mcause and mtval.
    Trap(u32, u32),
    /// Not granted / wfi waiting.
    Stall,
}

fn sext(v: u32, bits: u32) -> u32 {
    let s = 32 - bits;
    (((v << s) as i32) >> s) as u32
}

fn fault_cause(f: Fault, access: u32, misaligned: u32) -> u32 {
    match f {
        Fault::Access => access,
        Fault::Misaligned => misaligned,
        Fault::Retry => unreachable!("retry is handled before"),
    }
}

impl Hart {
    /// A hart out of reset: pc = `RESET_PC`, registers 0, interrupts off.
    pub fn new() -> Self {
        Self {
            pc: RESET_PC,
            x: [0; 32],
            mstatus: 0,
            mie: 0,
            meip: false,
            mtvec: 0,
            mepc: 0,
            mcause: 0,
            mtval: 0,
            mscratch: 0,
            mcycle: 0,
            minstret: 0,
        }
    }

    /// Copy counter values (lock-step copies the RTL's timed counters).
    pub fn set_counters(&mut self, mcycle: u64, minstret: u64) {
        self.mcycle = mcycle;
        self.minstret = minstret;
    }

    /// Whether an enabled machine external interrupt is pending and
    /// interrupts are globally enabled (the next step takes it).
    pub fn interrupt_pending(&self) -> bool {
        self.mstatus & csr::MSTATUS_MIE != 0 && self.mie & csr::MEI_BIT != 0 && self.meip
    }

    /// Read CSR `n` as an instruction would (`None`: not implemented, an
    /// illegal instruction).
    pub fn csr_read(&self, n: u16) -> Option<u32> {
        Some(match n {
            csr::MSTATUS => {
                (self.mstatus & (csr::MSTATUS_MIE | csr::MSTATUS_MPIE)) | csr::MSTATUS_MPP
            }
            csr::MISA => csr::MISA_VALUE,
            csr::MIE => self.mie & csr::MEI_BIT,
            csr::MTVEC => self.mtvec,
            csr::MSCRATCH => self.mscratch,
            csr::MEPC => self.mepc,
            csr::MCAUSE => self.mcause,
            csr::MTVAL => self.mtval,
            csr::MIP => {
                if self.meip {
                    csr::MEI_BIT
                } else {
                    0
                }
            }
            csr::MCYCLE | csr::CYCLE => self.mcycle as u32,
            csr::MCYCLEH | csr::CYCLEH => (self.mcycle >> 32) as u32,
            csr::MINSTRET | csr::INSTRET => self.minstret as u32,
            csr::MINSTRETH | csr::INSTRETH => (self.minstret >> 32) as u32,
            csr::MVENDORID | csr::MARCHID | csr::MIMPID | csr::MHARTID => 0,
            _ => return None,
        })
    }

    /// Write CSR `n` (WARL rules of the module doc). `false`: not
    /// implemented or read-only (an illegal instruction).
    pub fn csr_write(&mut self, n: u16, v: u32) -> bool {
        if n >> 10 == 0b11 || self.csr_read(n).is_none() {
            return false;
        }
        let lo = |c: u64| (c & !0xFFFF_FFFF) | v as u64;
        let hi = |c: u64| (c & 0xFFFF_FFFF) | ((v as u64) << 32);
        match n {
            csr::MSTATUS => self.mstatus = v & (csr::MSTATUS_MIE | csr::MSTATUS_MPIE),
            csr::MIE => self.mie = v & csr::MEI_BIT,
            csr::MTVEC => self.mtvec = v & !3,
            csr::MSCRATCH => self.mscratch = v,
            csr::MEPC => self.mepc = v & !3,
            csr::MCAUSE => self.mcause = v,
            csr::MTVAL => self.mtval = v,
            csr::MCYCLE => self.mcycle = lo(self.mcycle),
            csr::MCYCLEH => self.mcycle = hi(self.mcycle),
            csr::MINSTRET => self.minstret = lo(self.minstret),
            csr::MINSTRETH => self.minstret = hi(self.minstret),
            _ => {} // misa, mip: writes ignored
        }
        true
    }

    /// Enter a trap: mepc = `epc`, MPIE = MIE, MIE = 0, pc = mtvec.
    fn enter_trap(&mut self, mcause: u32, mtval: u32, epc: u32) {
        self.mepc = epc;
        self.mcause = mcause;
        self.mtval = mtval;
        let mie = self.mstatus & csr::MSTATUS_MIE != 0;
        self.mstatus = if mie { csr::MSTATUS_MPIE } else { 0 };
        self.pc = self.mtvec;
    }

    /// Force entry of the machine external interrupt now, as if pending and
    /// enabled (lock-step uses it to follow the RTL's interrupt timing):
    /// mepc = pc, mcause = `MACHINE_EXTERNAL_IRQ`, mtval = 0.
    pub fn take_interrupt(&mut self) -> Retire {
        let pc = self.pc;
        self.mcycle = self.mcycle.wrapping_add(1);
        self.enter_trap(cause::MACHINE_EXTERNAL_IRQ, 0, pc);
        Retire {
            pc,
            insn: 0,
            rd: 0,
            rd_val: 0,
            trap: Some(cause::MACHINE_EXTERNAL_IRQ),
            stall: false,
        }
    }

    /// Execute one instruction, take one trap, or wait (see [`Retire`]).
    pub fn step(&mut self, bus: &mut impl Bus) -> Retire {
        self.meip = bus.irq();
        if self.interrupt_pending() {
            return self.take_interrupt();
        }
        self.mcycle = self.mcycle.wrapping_add(1);
        let pc = self.pc;
        let (insn, r) = match bus.fetch(pc) {
            Ok(insn) => (insn, self.exec(insn, bus)),
            Err(Fault::Retry) => (0, Exec::Stall),
            Err(f) => (
                0,
                Exec::Trap(
                    fault_cause(f, cause::INSN_ACCESS, cause::INSN_MISALIGNED),
                    pc,
                ),
            ),
        };
        let mut ret = Retire {
            pc,
            insn,
            rd: 0,
            rd_val: 0,
            trap: None,
            stall: false,
        };
        match r {
            Exec::Done(next, rd, val) => {
                self.minstret = self.minstret.wrapping_add(1);
                self.pc = next;
                if rd != 0 {
                    self.x[rd as usize] = val;
                    ret.rd = rd;
                    ret.rd_val = val;
                }
            }
            Exec::Trap(c, tval) => {
                self.enter_trap(c, tval, pc);
                ret.trap = Some(c);
            }
            Exec::Stall => ret.stall = true,
        }
        ret
    }

    /// Decode and execute `insn` at `self.pc` (architectural state changes
    /// other than pc/rd/counters happen here: stores, CSRs, mret).
    fn exec(&mut self, insn: u32, bus: &mut impl Bus) -> Exec {
        let pc = self.pc;
        let next = pc.wrapping_add(4);
        let rd = ((insn >> 7) & 31) as u8;
        let rs1 = self.x[((insn >> 15) & 31) as usize];
        let rs2 = self.x[((insn >> 20) & 31) as usize];
        let f3 = (insn >> 12) & 7;
        let f7 = insn >> 25;
        let imm_i = sext(insn >> 20, 12);
        let imm_s = sext(((insn >> 25) << 5) | ((insn >> 7) & 31), 12);
        let imm_b = sext(
            ((insn >> 31) << 12)
                | (((insn >> 7) & 1) << 11)
                | (((insn >> 25) & 63) << 5)
                | (((insn >> 8) & 15) << 1),
            13,
        );
        let imm_u = insn & 0xFFFF_F000;
        let imm_j = sext(
            ((insn >> 31) << 20)
                | (((insn >> 12) & 255) << 12)
                | (((insn >> 20) & 1) << 11)
                | (((insn >> 21) & 1023) << 1),
            21,
        );
        let illegal = Exec::Trap(cause::ILLEGAL, insn);
        let jump = |target: u32, link: u8| {
            if target & 3 != 0 {
                Exec::Trap(cause::INSN_MISALIGNED, target)
            } else {
                Exec::Done(target, link, next)
            }
        };
        match insn & 0x7F {
            0x37 => Exec::Done(next, rd, imm_u),
            0x17 => Exec::Done(next, rd, pc.wrapping_add(imm_u)),
            0x6F => jump(pc.wrapping_add(imm_j), rd),
            0x67 if f3 == 0 => jump(rs1.wrapping_add(imm_i) & !1, rd),
            0x63 => {
                let take = match f3 {
                    0 => rs1 == rs2,
                    1 => rs1 != rs2,
                    4 => (rs1 as i32) < (rs2 as i32),
                    5 => (rs1 as i32) >= (rs2 as i32),
                    6 => rs1 < rs2,
                    7 => rs1 >= rs2,
                    _ => return illegal,
                };
                if take {
                    jump(pc.wrapping_add(imm_b), 0)
                } else {
                    Exec::Done(next, 0, 0)
                }
            }
            0x03 => {
                let (size, signed) = match f3 {
                    0 => (1, true),
                    1 => (2, true),
                    2 => (4, false),
                    4 => (1, false),
                    5 => (2, false),
                    _ => return illegal,
                };
                let addr = rs1.wrapping_add(imm_i);
                if !addr.is_multiple_of(size as u32) {
                    return Exec::Trap(cause::LOAD_MISALIGNED, addr);
                }
                match bus.load(addr, size) {
                    Ok(v) => {
                        let v = if signed { sext(v, 8 * size as u32) } else { v };
                        Exec::Done(next, rd, v)
                    }
                    Err(Fault::Retry) => Exec::Stall,
                    Err(f) => Exec::Trap(
                        fault_cause(f, cause::LOAD_ACCESS, cause::LOAD_MISALIGNED),
                        addr,
                    ),
                }
            }
            0x23 => {
                let size = match f3 {
                    0 => 1,
                    1 => 2,
                    2 => 4,
                    _ => return illegal,
                };
                let addr = rs1.wrapping_add(imm_s);
                if !addr.is_multiple_of(size as u32) {
                    return Exec::Trap(cause::STORE_MISALIGNED, addr);
                }
                match bus.store(addr, size, rs2) {
                    Ok(()) => Exec::Done(next, 0, 0),
                    Err(Fault::Retry) => Exec::Stall,
                    Err(f) => Exec::Trap(
                        fault_cause(f, cause::STORE_ACCESS, cause::STORE_MISALIGNED),
                        addr,
                    ),
                }
            }
            0x13 => {
                let sh = (insn >> 20) & 31;
                let v = match f3 {
                    0 => rs1.wrapping_add(imm_i),
                    2 => ((rs1 as i32) < (imm_i as i32)) as u32,
                    3 => (rs1 < imm_i) as u32,
                    4 => rs1 ^ imm_i,
                    6 => rs1 | imm_i,
                    7 => rs1 & imm_i,
                    1 if f7 == 0 => rs1 << sh,
                    5 if f7 == 0 => rs1 >> sh,
                    5 if f7 == 0x20 => ((rs1 as i32) >> sh) as u32,
                    _ => return illegal,
                };
                Exec::Done(next, rd, v)
            }
            0x33 => {
                let sh = rs2 & 31;
                let v = match (f7, f3) {
                    (0, 0) => rs1.wrapping_add(rs2),
                    (0x20, 0) => rs1.wrapping_sub(rs2),
                    (0, 1) => rs1 << sh,
                    (0, 2) => ((rs1 as i32) < (rs2 as i32)) as u32,
                    (0, 3) => (rs1 < rs2) as u32,
                    (0, 4) => rs1 ^ rs2,
                    (0, 5) => rs1 >> sh,
                    (0x20, 5) => ((rs1 as i32) >> sh) as u32,
                    (0, 6) => rs1 | rs2,
                    (0, 7) => rs1 & rs2,
                    (1, f3) => mul_div(f3, rs1, rs2),
                    _ => return illegal,
                };
                Exec::Done(next, rd, v)
            }
            // fence (any pred/succ/fm) and fence.i: no-ops here, the one
            // memory is coherent with instruction fetch.
            0x0F if f3 == 0 || f3 == 1 => Exec::Done(next, 0, 0),
            0x73 => self.system(insn, rd, rs1, f3, bus),
            _ => illegal,
        }
    }

    fn system(&mut self, insn: u32, rd: u8, rs1: u32, f3: u32, bus: &mut impl Bus) -> Exec {
        let illegal = Exec::Trap(cause::ILLEGAL, insn);
        let next = self.pc.wrapping_add(4);
        if f3 == 0 {
            if rd != 0 || (insn >> 15) & 31 != 0 {
                return illegal;
            }
            return match insn >> 20 {
                0x000 => Exec::Trap(cause::ECALL_M, 0),
                0x001 => Exec::Trap(cause::BREAKPOINT, 0),
                0x302 => {
                    let mpie = self.mstatus & csr::MSTATUS_MPIE != 0;
                    self.mstatus = csr::MSTATUS_MPIE | if mpie { csr::MSTATUS_MIE } else { 0 };
                    Exec::Done(self.mepc, 0, 0)
                }
                0x105 => {
                    // wfi: retires once an enabled interrupt is pending
                    // (mie & mip, whatever mstatus.MIE says).
                    if bus.irq() && self.mie & csr::MEI_BIT != 0 {
                        Exec::Done(next, 0, 0)
                    } else {
                        Exec::Stall
                    }
                }
                _ => illegal,
            };
        }
        if f3 == 4 {
            return illegal;
        }
        let n = (insn >> 20) as u16;
        let src_field = (insn >> 15) & 31;
        let operand = if f3 >= 4 { src_field } else { rs1 };
        let Some(old) = self.csr_read(n) else {
            return illegal;
        };
        // csrrw always writes; csrrs/csrrc write unless the source field is 0.
        let new = match f3 & 3 {
            1 => Some(operand),
            2 => (src_field != 0).then_some(old | operand),
            _ => (src_field != 0).then_some(old & !operand),
        };
        if let Some(v) = new {
            if !self.csr_write(n, v) {
                return illegal;
            }
            // The write follows this instruction's counter increment
            // (module doc); undo the increment about to be applied.
            if matches!(n, csr::MINSTRET | csr::MINSTRETH) {
                self.minstret = self.minstret.wrapping_sub(1);
            }
        }
        Exec::Done(next, rd, old)
    }
}

/// M-extension result for funct3 `f3` (RISC-V division semantics: x/0 =
/// all ones, x%0 = x, MIN/-1 = MIN, MIN%-1 = 0).
pub fn mul_div(f3: u32, a: u32, b: u32) -> u32 {
    let (sa, sb) = (a as i32 as i64, b as i32 as i64);
    match f3 {
        0 => a.wrapping_mul(b),
        1 => ((sa * sb) >> 32) as u32,
        2 => ((sa * b as i64) >> 32) as u32,
        3 => ((a as u64 * b as u64) >> 32) as u32,
        4 => match b {
            0 => u32::MAX,
            _ => (a as i32).wrapping_div(b as i32) as u32,
        },
        5 => a.checked_div(b).unwrap_or(u32::MAX),
        6 => match b {
            0 => a,
            _ => (a as i32).wrapping_rem(b as i32) as u32,
        },
        _ => a.checked_rem(b).unwrap_or(a),
    }
}
