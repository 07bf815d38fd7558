//! Instruction decoder of the control core (RV32IM, Zicsr, Zifencei,
//! machine mode): purely combinational.
//!
//! From the 32-bit instruction word: register indices, the immediate of its
//! format (sign-extended), one class flag per instruction group, and
//! `illegal` for every encoding outside RV32IM_Zicsr_Zifencei (reserved
//! funct3/funct7 values, SYSTEM encodings other than ecall / ebreak / mret /
//! wfi / the six CSR forms). `fence` and `fence.i` are decoded by opcode and
//! funct3 (the other fields are ignored, as the unprivileged spec allows).
//! CSR-number legality is the CSR unit's business.

use rust_hdl::prelude::*;

/// Major opcodes (instruction bits 6:0).
pub mod op {
    pub const LOAD: u64 = 0b000_0011;
    pub const MISC_MEM: u64 = 0b000_1111;
    pub const OP_IMM: u64 = 0b001_0011;
    pub const AUIPC: u64 = 0b001_0111;
    pub const STORE: u64 = 0b010_0011;
    pub const OP: u64 = 0b011_0011;
    pub const LUI: u64 = 0b011_0111;
    pub const BRANCH: u64 = 0b110_0011;
    pub const JALR: u64 = 0b110_0111;
    pub const JAL: u64 = 0b110_1111;
    pub const SYSTEM: u64 = 0b111_0011;
}

/// Whole-word encodings of the SYSTEM instructions without operands.
pub mod sys {
    pub const ECALL: u64 = 0x0000_0073;
    pub const EBREAK: u64 = 0x0010_0073;
    pub const MRET: u64 = 0x3020_0073;
    pub const WFI: u64 = 0x1050_0073;
}

#[derive(LogicBlock)]
pub struct Decode {
    pub insn: Signal<In, Bits<32>>,
    pub rd: Signal<Out, Bits<5>>,
    pub rs1: Signal<Out, Bits<5>>,
    pub rs2: Signal<Out, Bits<5>>,
    pub funct3: Signal<Out, Bits<3>>,
    /// Instruction bit 30 (SUB / SRA).
    pub alt: Signal<Out, Bit>,
    /// Immediate of the instruction's format, sign-extended.
    pub imm: Signal<Out, Bits<32>>,
    pub is_lui: Signal<Out, Bit>,
    pub is_auipc: Signal<Out, Bit>,
    pub is_jal: Signal<Out, Bit>,
    pub is_jalr: Signal<Out, Bit>,
    pub is_branch: Signal<Out, Bit>,
    pub is_load: Signal<Out, Bit>,
    pub is_store: Signal<Out, Bit>,
    /// OP-IMM (ALU with immediate operand).
    pub is_opimm: Signal<Out, Bit>,
    /// OP without M (ALU with register operand).
    pub is_op: Signal<Out, Bit>,
    /// M extension (funct7 = 1).
    pub is_muldiv: Signal<Out, Bit>,
    /// One of the six CSR instructions.
    pub is_csr: Signal<Out, Bit>,
    pub is_ecall: Signal<Out, Bit>,
    pub is_ebreak: Signal<Out, Bit>,
    pub is_mret: Signal<Out, Bit>,
    pub is_wfi: Signal<Out, Bit>,
    pub is_fencei: Signal<Out, Bit>,
    /// Not an RV32IM_Zicsr_Zifencei instruction.
    pub illegal: Signal<Out, Bit>,
    opcode: Signal<Local, Bits<7>>,
    f3: Signal<Local, Bits<3>>,
    f7: Signal<Local, Bits<7>>,
    sign: Signal<Local, Bits<32>>,
    imm_i: Signal<Local, Bits<32>>,
    imm_s: Signal<Local, Bits<32>>,
    imm_b: Signal<Local, Bits<32>>,
    imm_u: Signal<Local, Bits<32>>,
    imm_j: Signal<Local, Bits<32>>,
    ones: Constant<Bits<32>>,
    k_load: Constant<Bits<7>>,
    k_misc_mem: Constant<Bits<7>>,
    k_op_imm: Constant<Bits<7>>,
    k_auipc: Constant<Bits<7>>,
    k_store: Constant<Bits<7>>,
    k_op: Constant<Bits<7>>,
    k_lui: Constant<Bits<7>>,
    k_branch: Constant<Bits<7>>,
    k_jalr: Constant<Bits<7>>,
    k_jal: Constant<Bits<7>>,
    k_system: Constant<Bits<7>>,
    k_ecall: Constant<Bits<32>>,
    k_ebreak: Constant<Bits<32>>,
    k_mret: Constant<Bits<32>>,
    k_wfi: Constant<Bits<32>>,
}

impl Default for Decode {
    fn default() -> Self {
        Self {
            insn: Default::default(),
            rd: Default::default(),
            rs1: Default::default(),
            rs2: Default::default(),
            funct3: Default::default(),
            alt: Default::default(),
            imm: Default::default(),
            is_lui: Default::default(),
            is_auipc: Default::default(),
            is_jal: Default::default(),
            is_jalr: Default::default(),
            is_branch: Default::default(),
            is_load: Default::default(),
            is_store: Default::default(),
            is_opimm: Default::default(),
            is_op: Default::default(),
            is_muldiv: Default::default(),
            is_csr: Default::default(),
            is_ecall: Default::default(),
            is_ebreak: Default::default(),
            is_mret: Default::default(),
            is_wfi: Default::default(),
            is_fencei: Default::default(),
            illegal: Default::default(),
            opcode: Default::default(),
            f3: Default::default(),
            f7: Default::default(),
            sign: Default::default(),
            imm_i: Default::default(),
            imm_s: Default::default(),
            imm_b: Default::default(),
            imm_u: Default::default(),
            imm_j: Default::default(),
            ones: Constant::new(u32::MAX.to_bits()),
            k_load: Constant::new(op::LOAD.to_bits()),
            k_misc_mem: Constant::new(op::MISC_MEM.to_bits()),
            k_op_imm: Constant::new(op::OP_IMM.to_bits()),
            k_auipc: Constant::new(op::AUIPC.to_bits()),
            k_store: Constant::new(op::STORE.to_bits()),
            k_op: Constant::new(op::OP.to_bits()),
            k_lui: Constant::new(op::LUI.to_bits()),
            k_branch: Constant::new(op::BRANCH.to_bits()),
            k_jalr: Constant::new(op::JALR.to_bits()),
            k_jal: Constant::new(op::JAL.to_bits()),
            k_system: Constant::new(op::SYSTEM.to_bits()),
            k_ecall: Constant::new(sys::ECALL.to_bits()),
            k_ebreak: Constant::new(sys::EBREAK.to_bits()),
            k_mret: Constant::new(sys::MRET.to_bits()),
            k_wfi: Constant::new(sys::WFI.to_bits()),
        }
    }
}

impl Logic for Decode {
    #[hdl_gen]
    fn update(&mut self) {
        self.opcode.next = self.insn.val().get_bits::<7>(0);
        self.f3.next = self.insn.val().get_bits::<3>(12);
        self.f7.next = self.insn.val().get_bits::<7>(25);
        self.rd.next = self.insn.val().get_bits::<5>(7);
        self.rs1.next = self.insn.val().get_bits::<5>(15);
        self.rs2.next = self.insn.val().get_bits::<5>(20);
        self.funct3.next = self.f3.val();
        self.alt.next = self.insn.val().get_bit(30);
        // ---- immediates
        self.sign.next = 0.into();
        if self.insn.val().get_bit(31) {
            self.sign.next = self.ones.val();
        }
        self.imm_i.next = (self.sign.val() & (self.ones.val() << 11))
            | bit_cast::<32, 11>(self.insn.val().get_bits::<11>(20));
        self.imm_s.next = (self.sign.val() & (self.ones.val() << 11))
            | (bit_cast::<32, 6>(self.insn.val().get_bits::<6>(25)) << 5)
            | bit_cast::<32, 5>(self.insn.val().get_bits::<5>(7));
        self.imm_b.next = (self.sign.val() & (self.ones.val() << 12))
            | (bit_cast::<32, 1>(self.insn.val().get_bits::<1>(7)) << 11)
            | (bit_cast::<32, 6>(self.insn.val().get_bits::<6>(25)) << 5)
            | (bit_cast::<32, 4>(self.insn.val().get_bits::<4>(8)) << 1);
        self.imm_u.next = self.insn.val() & (self.ones.val() << 12);
        self.imm_j.next = (self.sign.val() & (self.ones.val() << 20))
            | (bit_cast::<32, 8>(self.insn.val().get_bits::<8>(12)) << 12)
            | (bit_cast::<32, 1>(self.insn.val().get_bits::<1>(20)) << 11)
            | (bit_cast::<32, 10>(self.insn.val().get_bits::<10>(21)) << 1);
        // ---- classes
        self.is_lui.next = false;
        self.is_auipc.next = false;
        self.is_jal.next = false;
        self.is_jalr.next = false;
        self.is_branch.next = false;
        self.is_load.next = false;
        self.is_store.next = false;
        self.is_opimm.next = false;
        self.is_op.next = false;
        self.is_muldiv.next = false;
        self.is_csr.next = false;
        self.is_ecall.next = false;
        self.is_ebreak.next = false;
        self.is_mret.next = false;
        self.is_wfi.next = false;
        self.is_fencei.next = false;
        self.illegal.next = true;
        self.imm.next = self.imm_i.val();
        if self.opcode.val() == self.k_lui.val() {
            self.is_lui.next = true;
            self.illegal.next = false;
            self.imm.next = self.imm_u.val();
        }
        if self.opcode.val() == self.k_auipc.val() {
            self.is_auipc.next = true;
            self.illegal.next = false;
            self.imm.next = self.imm_u.val();
        }
        if self.opcode.val() == self.k_jal.val() {
            self.is_jal.next = true;
            self.illegal.next = false;
            self.imm.next = self.imm_j.val();
        }
        if (self.opcode.val() == self.k_jalr.val()) & (self.f3.val() == 0) {
            self.is_jalr.next = true;
            self.illegal.next = false;
        }
        if (self.opcode.val() == self.k_branch.val()) & (self.f3.val() != 2) & (self.f3.val() != 3)
        {
            self.is_branch.next = true;
            self.illegal.next = false;
            self.imm.next = self.imm_b.val();
        }
        if (self.opcode.val() == self.k_load.val())
            & (self.f3.val() != 3)
            & (self.f3.val() != 6)
            & (self.f3.val() != 7)
        {
            self.is_load.next = true;
            self.illegal.next = false;
        }
        if (self.opcode.val() == self.k_store.val()) & (self.f3.val() < 3) {
            self.is_store.next = true;
            self.illegal.next = false;
            self.imm.next = self.imm_s.val();
        }
        if self.opcode.val() == self.k_op_imm.val() {
            // shifts: SLLI needs funct7 0, SRLI/SRAI 0 or 0x20
            if self.f3.val() == 1 {
                if self.f7.val() == 0 {
                    self.is_opimm.next = true;
                    self.illegal.next = false;
                }
            } else if self.f3.val() == 5 {
                if (self.f7.val() == 0) | (self.f7.val() == 0x20) {
                    self.is_opimm.next = true;
                    self.illegal.next = false;
                }
            } else {
                self.is_opimm.next = true;
                self.illegal.next = false;
            }
        }
        if self.opcode.val() == self.k_op.val() {
            if self.f7.val() == 1 {
                self.is_muldiv.next = true;
                self.illegal.next = false;
            } else if (self.f7.val() == 0)
                | ((self.f7.val() == 0x20) & ((self.f3.val() == 0) | (self.f3.val() == 5)))
            {
                self.is_op.next = true;
                self.illegal.next = false;
            }
        }
        if self.opcode.val() == self.k_misc_mem.val() {
            if self.f3.val() == 0 {
                // fence: a no-op (one memory, in-order core)
                self.illegal.next = false;
            }
            if self.f3.val() == 1 {
                self.is_fencei.next = true;
                self.illegal.next = false;
            }
        }
        if self.opcode.val() == self.k_system.val() {
            if (self.f3.val() != 0) & (self.f3.val() != 4) {
                self.is_csr.next = true;
                self.illegal.next = false;
            }
            if self.insn.val() == self.k_ecall.val() {
                self.is_ecall.next = true;
                self.illegal.next = false;
            }
            if self.insn.val() == self.k_ebreak.val() {
                self.is_ebreak.next = true;
                self.illegal.next = false;
            }
            if self.insn.val() == self.k_mret.val() {
                self.is_mret.next = true;
                self.illegal.next = false;
            }
            if self.insn.val() == self.k_wfi.val() {
                self.is_wfi.next = true;
                self.illegal.next = false;
            }
        }
    }
}
