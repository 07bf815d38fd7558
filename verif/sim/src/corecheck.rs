//! Lock-step verification of the RTL control core against the ISS
//! ([`crate::model::rv32::Hart`]), on either SoC backend
//! ([`crate::core_tb::SocDrive`]: rust-hdl or Verilator).
//!
//! Every cycle the RTL retires an instruction (or takes a trap) the ISS
//! steps once and the records must agree: pc, instruction word, register
//! write (rd and value) and trap cause. Co-simulation rules (standard
//! practice; the RTL is timed, the ISS is not):
//! - counters: before each ISS step the RTL's `mcycle`/`minstret` of that
//!   cycle are copied into the ISS (`set_counters`, mcycle minus the one the
//!   step adds), so counter reads agree by construction (the RTL's counter
//!   behaviour is checked by directed tests of its own);
//! - interrupts: when the RTL takes the interrupt the harness calls
//!   `take_interrupt()` on the ISS; otherwise the ISS sees the interrupt
//!   line the RTL saw, except while the ISS would take it by itself (the
//!   RTL started a multi-cycle instruction before the line rose): then the
//!   ISS sees it low for that step;
//! - memory: the ISS runs on its own mirror of the L2 and of the bus window
//!   (a plain memory in these tests, so loads outside L2 are checked, not
//!   copied); at the end both L2 images, both window images and the exit
//!   codes are compared.
//!
//! Programs are built with the small assembler [`Asm`]. [`random_program`]
//! is the seeded random instruction-stream generator (ALU, M extension,
//! loads/stores to L2 and the bus window of every size and alignment,
//! forward branches and jumps including misaligned targets, CSR accesses of
//! every form to implemented and unimplemented CSRs, ecall, ebreak, illegal
//! words, fences, the external interrupt at a random cycle);
//! [`directed_programs`] covers every instruction and CSR with corner
//! operands, `wfi`, `mret`, self-modifying code with `fence.i`, fetch
//! faults.

use crate::core_tb::{load_image, BusSlave, SocDrive, TraceRec};
use crate::model::rv32::{Bus, Fault, Hart, Retire};
use ntx_hw::params::cluster::TCDM_BASE;
use ntx_hw::params::core::{
    cause, csr, L2_BASE, L2_BYTES, SIMCTRL_BASE, SIMCTRL_BYTES, SIMCTRL_EXIT, SIMCTRL_PUTC,
};
use rand::{rngs::StdRng, Rng, SeedableRng};
use std::collections::VecDeque;

// ---------------------------------------------------------------- assembler

/// Register numbers.
pub mod reg {
    pub const ZERO: u32 = 0;
    /// Base of the L2 data area in generated programs.
    pub const L2D: u32 = 1;
    /// Base of the bus window in generated programs.
    pub const WIN: u32 = 2;
    /// Simulation control base.
    pub const SIM: u32 = 3;
    /// Resume address after a fetch fault (trap handler).
    pub const RESUME: u32 = 28;
    /// Trap handler scratch.
    pub const H2: u32 = 29;
    pub const H0: u32 = 30;
    pub const H1: u32 = 31;
}

/// RV32 encoders.
pub mod enc {
    pub fn r(f7: u32, rs2: u32, rs1: u32, f3: u32, rd: u32, op: u32) -> u32 {
        (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op
    }
    pub fn i(imm: i32, rs1: u32, f3: u32, rd: u32, op: u32) -> u32 {
        (((imm as u32) & 0xFFF) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op
    }
    pub fn s(imm: i32, rs2: u32, rs1: u32, f3: u32, op: u32) -> u32 {
        let v = imm as u32;
        (((v >> 5) & 0x7F) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((v & 31) << 7) | op
    }
    pub fn b(imm: i32, rs2: u32, rs1: u32, f3: u32) -> u32 {
        let v = imm as u32;
        (((v >> 12) & 1) << 31)
            | (((v >> 5) & 0x3F) << 25)
            | (rs2 << 20)
            | (rs1 << 15)
            | (f3 << 12)
            | (((v >> 1) & 0xF) << 8)
            | (((v >> 11) & 1) << 7)
            | 0x63
    }
    pub fn u(imm: u32, rd: u32, op: u32) -> u32 {
        (imm & 0xFFFF_F000) | (rd << 7) | op
    }
    pub fn j(imm: i32, rd: u32) -> u32 {
        let v = imm as u32;
        (((v >> 20) & 1) << 31)
            | (((v >> 1) & 0x3FF) << 21)
            | (((v >> 11) & 1) << 20)
            | (((v >> 12) & 0xFF) << 12)
            | (rd << 7)
            | 0x6F
    }
    pub const OP: u32 = 0x33;
    pub const OP_IMM: u32 = 0x13;
    pub const LOAD: u32 = 0x03;
    pub const STORE: u32 = 0x23;
    pub const LUI: u32 = 0x37;
    pub const AUIPC: u32 = 0x17;
    pub const JALR: u32 = 0x67;
    pub const SYSTEM: u32 = 0x73;
    pub const MISC_MEM: u32 = 0x0F;
    pub const ECALL: u32 = 0x0000_0073;
    pub const EBREAK: u32 = 0x0010_0073;
    pub const MRET: u32 = 0x3020_0073;
    pub const WFI: u32 = 0x1050_0073;
    pub const FENCE: u32 = 0x0FF0_000F;
    pub const FENCE_I: u32 = 0x0000_100F;
    /// CSR instruction: funct3 1..3 (register) / 5..7 (immediate).
    pub fn csr(f3: u32, n: u32, rs1_or_uimm: u32, rd: u32) -> u32 {
        (n << 20) | (rs1_or_uimm << 15) | (f3 << 12) | (rd << 7) | SYSTEM
    }
}

/// A program under construction: words from `base` on.
#[derive(Clone, Debug)]
pub struct Asm {
    pub base: u32,
    pub words: Vec<u32>,
}

impl Asm {
    pub fn new(base: u32) -> Self {
        Asm {
            base,
            words: Vec::new(),
        }
    }
    /// Address of the next word.
    pub fn pc(&self) -> u32 {
        self.base + 4 * self.words.len() as u32
    }
    pub fn emit(&mut self, w: u32) -> usize {
        self.words.push(w);
        self.words.len() - 1
    }
    /// rd = v (lui + addi).
    pub fn li(&mut self, rd: u32, v: u32) {
        let lo = ((v << 20) as i32) >> 20;
        let hi = v.wrapping_sub(lo as u32);
        self.emit(enc::u(hi, rd, enc::LUI));
        self.emit(enc::i(lo, rd, 0, rd, enc::OP_IMM));
    }
    /// Patch a branch/jal at index `at` to jump to `target`.
    pub fn patch_b(&mut self, at: usize, target: u32) {
        let w = self.words[at];
        let off = target.wrapping_sub(self.base + 4 * at as u32) as i32;
        self.words[at] = enc::b(off, (w >> 20) & 31, (w >> 15) & 31, (w >> 12) & 7);
    }
    pub fn patch_j(&mut self, at: usize, target: u32) {
        let w = self.words[at];
        let off = target.wrapping_sub(self.base + 4 * at as u32) as i32;
        self.words[at] = enc::j(off, (w >> 7) & 31);
    }
    /// End the program: store register `code_reg` to EXIT, then spin.
    pub fn exit(&mut self, code_reg: u32) {
        self.li(reg::SIM, SIMCTRL_BASE);
        self.emit(enc::s(
            SIMCTRL_EXIT as i32,
            code_reg,
            reg::SIM,
            2,
            enc::STORE,
        ));
        let at = self.emit(enc::j(0, 0));
        self.patch_j(at, self.base + 4 * at as u32);
    }
}

// ------------------------------------------------------------- the programs

/// Bus window of the test system (a plain memory behind the PULP port):
/// the TCDM's base address, 8 KiB.
pub const WIN_BASE: u32 = TCDM_BASE;
pub const WIN_WORDS: usize = 2048;
/// Register `WIN` points to the middle of the window (12-bit offsets reach
/// all of it).
pub const WIN_PTR: u32 = WIN_BASE + 0x1000;
/// A store to `WIN_PTR + IRQ_ACK` drops the interrupt line.
pub const IRQ_ACK: i32 = 0x7F0;
/// L2 data area pointer of generated programs (code stays below).
pub const L2D_PTR: u32 = L2_BASE + 0x8000;

/// A test program: its image (at `L2_BASE`), the interrupt schedule and
/// the grant-stall percentage of the bus slave.
#[derive(Clone, Debug)]
pub struct TestProgram {
    pub name: String,
    pub words: Vec<u32>,
    /// Cycles (after reset) at which the interrupt line rises.
    pub irq_at: Vec<u64>,
    pub stall_pct: u32,
    pub seed: u64,
    pub max_cycles: u64,
}

/// Standard prologue: `j start`, the trap handler, then at `start` the
/// base registers and mtvec. The handler skips the trapping instruction
/// (mepc + 4), returns to `RESUME` after a fetch fault, and acknowledges an
/// interrupt by a store to the window's IRQ_ACK word (returning past an
/// interrupted `wfi`, the usual firmware idiom, since the interrupt is taken
/// at the `wfi`).
fn prologue(a: &mut Asm) {
    let j_start = a.emit(enc::j(0, 0));
    let handler = a.pc();
    a.emit(enc::csr(2, csr::MCAUSE as u32, 0, reg::H1));
    a.emit(enc::csr(2, csr::MTVAL as u32, 0, reg::H0));
    let to_irq = a.emit(enc::b(0, 0, reg::H1, 4)); // blt h1, x0
    a.emit(enc::i(
        cause::INSN_ACCESS as i32,
        0,
        0,
        reg::H0,
        enc::OP_IMM,
    ));
    let to_fetch = a.emit(enc::b(0, reg::H0, reg::H1, 0)); // beq
    a.emit(enc::csr(2, csr::MEPC as u32, 0, reg::H0));
    a.emit(enc::i(4, reg::H0, 0, reg::H0, enc::OP_IMM));
    a.emit(enc::csr(1, csr::MEPC as u32, reg::H0, 0));
    a.emit(enc::MRET);
    let fetch = a.pc();
    a.emit(enc::csr(1, csr::MEPC as u32, reg::RESUME, 0));
    a.emit(enc::MRET);
    // interrupt: acknowledge; an interrupted wfi is skipped (mepc + 4)
    let irq = a.pc();
    a.emit(enc::s(IRQ_ACK, 0, reg::WIN, 2, enc::STORE));
    a.emit(enc::csr(2, csr::MEPC as u32, 0, reg::H0));
    a.emit(enc::i(0, reg::H0, 2, reg::H1, enc::LOAD));
    a.li(reg::H2, enc::WFI);
    let not_wfi = a.emit(enc::b(0, reg::H2, reg::H1, 1)); // bne
    a.emit(enc::i(4, reg::H0, 0, reg::H0, enc::OP_IMM));
    a.emit(enc::csr(1, csr::MEPC as u32, reg::H0, 0));
    let done = a.pc();
    a.patch_b(not_wfi, done);
    a.emit(enc::MRET);
    a.patch_b(to_irq, irq);
    a.patch_b(to_fetch, fetch);
    let start = a.pc();
    a.patch_j(j_start, start);
    a.li(reg::H0, handler);
    a.emit(enc::csr(1, csr::MTVEC as u32, reg::H0, 0));
    a.li(reg::L2D, L2D_PTR);
    a.li(reg::WIN, WIN_PTR);
    a.li(reg::SIM, SIMCTRL_BASE);
}

/// Registers the random body may write.
fn free_reg(r: &mut StdRng) -> u32 {
    if r.gen_range(0..16) == 0 {
        0
    } else {
        r.gen_range(4..28)
    }
}

fn corner(r: &mut StdRng) -> u32 {
    const C: [u32; 12] = [
        0,
        1,
        2,
        0xFFFF_FFFF,
        0x8000_0000,
        0x7FFF_FFFF,
        0xFFFF_FFFE,
        0x8000_0001,
        0x0000_FFFF,
        0xFFFF_0000,
        31,
        0x1234_5678,
    ];
    if r.gen_bool(0.4) {
        C[r.gen_range(0..C.len())]
    } else {
        r.gen()
    }
}

/// CSR numbers the generator uses (implemented ones and some that are not).
const CSRS: [u16; 25] = [
    csr::MSTATUS,
    csr::MISA,
    csr::MIE,
    csr::MTVEC,
    csr::MSCRATCH,
    csr::MEPC,
    csr::MCAUSE,
    csr::MTVAL,
    csr::MIP,
    csr::MCYCLE,
    csr::MINSTRET,
    csr::MCYCLEH,
    csr::MINSTRETH,
    csr::CYCLE,
    csr::INSTRET,
    csr::CYCLEH,
    csr::INSTRETH,
    csr::MVENDORID,
    csr::MARCHID,
    csr::MIMPID,
    csr::MHARTID,
    0x7C0,
    0x123,
    0xC03,
    0x3A0,
];

/// Illegal instruction words.
fn illegal_word(r: &mut StdRng) -> u32 {
    match r.gen_range(0..7) {
        0 => 0,
        1 => 0xFFFF_FFFF,
        2 => (r.gen::<u32>() & !0x7F) | 0x0B, // custom-0
        3 => enc::r(
            0x02,
            r.gen_range(0..32),
            r.gen_range(0..32),
            r.gen_range(0..8),
            5,
            enc::OP,
        ),
        4 => enc::i(0, 0, 4, 0, enc::SYSTEM) | (r.gen::<u32>() & 0xFFF0_0000), // SYSTEM f3=4
        5 => enc::i(r.gen_range(0..2048), 1, 3, 5, enc::LOAD),                 // LD
        _ => enc::r(0x10, 3, 4, 1, 5, enc::OP_IMM),                            // SLLI f7!=0
    }
}

/// One random ALU instruction (no control flow), writing a free register.
fn random_alu(r: &mut StdRng, a: &mut Asm) {
    let rd = free_reg(r);
    let rs1 = r.gen_range(0..32);
    let rs2 = r.gen_range(0..32);
    match r.gen_range(0..6) {
        0 | 1 => {
            let (f7, f3) = match r.gen_range(0..10) {
                0 => (0x20, 0),
                1 => (0x20, 5),
                _ => (0, r.gen_range(0..8)),
            };
            a.emit(enc::r(f7, rs2, rs1, f3, rd, enc::OP));
        }
        2 => {
            a.emit(enc::r(1, rs2, rs1, r.gen_range(0..8), rd, enc::OP));
        }
        3 | 4 => {
            let f3 = r.gen_range(0..8);
            let imm = match f3 {
                1 => r.gen_range(0..32),
                5 => r.gen_range(0..32) | if r.gen() { 0x400 } else { 0 },
                _ => r.gen_range(-2048..2048),
            };
            a.emit(enc::i(imm, rs1, f3, rd, enc::OP_IMM));
        }
        _ => {
            let op = if r.gen() { enc::LUI } else { enc::AUIPC };
            a.emit(enc::u(r.gen(), rd, op));
        }
    }
}

/// Generate random program `seed`: prologue, registers with corner values,
/// `n` random items, EXIT 0.
pub fn random_program(seed: u64, n: usize) -> TestProgram {
    let mut r = StdRng::seed_from_u64(seed);
    let mut a = Asm::new(L2_BASE);
    prologue(&mut a);
    for x in 4..28 {
        if r.gen_bool(0.5) {
            a.li(x, corner(&mut r));
        }
    }
    if r.gen_bool(0.5) {
        // enable the external interrupt
        a.li(4, csr::MEI_BIT);
        a.emit(enc::csr(2, csr::MIE as u32, 4, 0));
        a.emit(enc::csr(6, csr::MSTATUS as u32, 8, 0));
    }
    let mut k = 0;
    while k < n {
        k += 1;
        match r.gen_range(0..100) {
            0..=34 => random_alu(&mut r, &mut a),
            35..=49 => {
                // load or store, L2 or bus window
                let base = if r.gen() { reg::L2D } else { reg::WIN };
                let size_log = r.gen_range(0..3);
                let mut off: i32 = r.gen_range(-2040..2040) & !3;
                if base == reg::WIN && off == IRQ_ACK {
                    off += 4;
                }
                if r.gen_range(0..8) == 0 {
                    off += r.gen_range(1..4); // misaligned for halfwords / words
                } else {
                    off += r.gen_range(0..4) & !((1 << size_log) - 1);
                }
                if r.gen() {
                    let f3 = size_log + if size_log < 2 && r.gen() { 4 } else { 0 };
                    a.emit(enc::i(off, base, f3, free_reg(&mut r), enc::LOAD));
                } else {
                    a.emit(enc::s(off, r.gen_range(0..32), base, size_log, enc::STORE));
                }
            }
            50..=59 => {
                // forward branch over `skip` ALU instructions (offset +2
                // makes a misaligned target when taken)
                let skip = r.gen_range(0..3);
                let mis = r.gen_range(0..10) == 0;
                let off = 4 * (skip + 1) + if mis { 2 } else { 0 };
                let f3 = [0, 1, 4, 5, 6, 7][r.gen_range(0..6)];
                a.emit(enc::b(off, r.gen_range(0..32), r.gen_range(0..32), f3));
                for _ in 0..skip {
                    random_alu(&mut r, &mut a);
                }
            }
            60..=64 => {
                let skip = r.gen_range(0..3);
                let mis = r.gen_range(0..10) == 0;
                let off = 4 * (skip + 1) + if mis { 2 } else { 0 };
                a.emit(enc::j(off, free_reg(&mut r)));
                for _ in 0..skip {
                    random_alu(&mut r, &mut a);
                }
            }
            65..=68 => {
                // auipc t, 0; jalr rd, off(t): over `skip` instructions;
                // +1 is cleared by jalr, +2 / +3 are misaligned
                let t = r.gen_range(4..28);
                let skip = r.gen_range(0..3);
                let low = [0, 0, 0, 1, 2, 3][r.gen_range(0..6)];
                a.emit(enc::u(0, t, enc::AUIPC));
                a.emit(enc::i(
                    4 * (skip + 2) + low,
                    t,
                    0,
                    free_reg(&mut r),
                    enc::JALR,
                ));
                for _ in 0..skip {
                    random_alu(&mut r, &mut a);
                }
            }
            69..=83 => {
                let n = CSRS[r.gen_range(0..CSRS.len())];
                let f3 = [1, 2, 3, 5, 6, 7][r.gen_range(0..6)];
                let mut src = r.gen_range(0..32);
                // mtvec: reads only (never move the handler)
                if n == csr::MTVEC {
                    src = 0;
                    if f3 & 3 == 1 {
                        a.emit(enc::csr(f3 + 1, n as u32, 0, free_reg(&mut r)));
                        continue;
                    }
                }
                a.emit(enc::csr(f3, n as u32, src, free_reg(&mut r)));
            }
            84..=86 => {
                a.emit(if r.gen() { enc::ECALL } else { enc::EBREAK });
            }
            87..=91 => {
                a.emit(illegal_word(&mut r));
            }
            92..=94 => {
                a.emit(if r.gen() { enc::FENCE } else { enc::FENCE_I });
            }
            _ => {
                // toggle mstatus.MIE
                let f3 = if r.gen() { 6 } else { 7 };
                a.emit(enc::csr(f3, csr::MSTATUS as u32, 8, 0));
            }
        }
    }
    a.exit(0);
    let len = a.words.len() as u64;
    let irq_at = if r.gen_bool(0.6) {
        vec![r.gen_range(0..len * 3)]
    } else {
        vec![]
    };
    TestProgram {
        name: format!("random seed {seed}"),
        words: a.words,
        irq_at,
        stall_pct: [0, 30, 60][r.gen_range(0..3)],
        seed,
        max_cycles: 200 + len * 60,
    }
}

/// Values the directed tests combine.
const DIRECTED_VALUES: [u32; 10] = [
    0,
    1,
    0xFFFF_FFFF,
    0x8000_0000,
    0x7FFF_FFFF,
    0x0000_8000,
    0xFFFF_8000,
    7,
    0xFFFF_FFF9,
    0xDEAD_BEEF,
];

/// Directed programs: every instruction and CSR with corner operands.
pub fn directed_programs() -> Vec<TestProgram> {
    let mut out = Vec::new();
    let mut prog = |name: &str, a: Asm, irq_at: Vec<u64>, stall_pct: u32| {
        let n = a.words.len() as u64;
        out.push(TestProgram {
            name: name.into(),
            words: a.words,
            irq_at,
            stall_pct,
            seed: 0,
            max_cycles: 1000 + n * 60,
        });
    };
    // 1. every OP / OP-IMM / M function on every pair of corner values
    let mut a = Asm::new(L2_BASE);
    prologue(&mut a);
    for (i, &x) in DIRECTED_VALUES.iter().enumerate() {
        for &y in DIRECTED_VALUES.iter().skip(i % 3) {
            a.li(5, x);
            a.li(6, y);
            for (f7, f3) in [
                (0, 0),
                (0x20, 0),
                (0, 1),
                (0, 2),
                (0, 3),
                (0, 4),
                (0, 5),
                (0x20, 5),
                (0, 6),
                (0, 7),
            ] {
                a.emit(enc::r(f7, 6, 5, f3, 7, enc::OP));
            }
            for f3 in 0..8 {
                a.emit(enc::r(1, 6, 5, f3, 8, enc::OP));
            }
            let imm = ((y << 20) as i32) >> 20;
            for f3 in [0, 2, 3, 4, 6, 7] {
                a.emit(enc::i(imm, 5, f3, 9, enc::OP_IMM));
            }
            a.emit(enc::i((y & 31) as i32, 5, 1, 10, enc::OP_IMM));
            a.emit(enc::i((y & 31) as i32, 5, 5, 10, enc::OP_IMM));
            a.emit(enc::i((y & 31) as i32 | 0x400, 5, 5, 10, enc::OP_IMM));
            a.emit(enc::u(x, 11, enc::LUI));
            a.emit(enc::u(y, 11, enc::AUIPC));
        }
    }
    a.exit(0);
    prog("alu and M extension", a, vec![], 0);

    // 2. loads and stores of every size and lane, L2 and bus window
    for (name, base) in [("L2", reg::L2D), ("bus window", reg::WIN)] {
        let mut a = Asm::new(L2_BASE);
        prologue(&mut a);
        a.li(5, 0x8091_A2B3);
        a.li(6, 0xC4D5_E6F7);
        for k in 0..4 {
            a.emit(enc::s(4 * k, 6, base, 2, enc::STORE));
            a.emit(enc::s(4 * k + k, 5, base, 0, enc::STORE));
        }
        a.emit(enc::s(16, 5, base, 1, enc::STORE));
        a.emit(enc::s(22, 6, base, 1, enc::STORE));
        for off in 0..24 {
            for f3 in [0, 1, 2, 4, 5] {
                a.emit(enc::i(off, base, f3, 7, enc::LOAD)); // misaligned ones trap
            }
        }
        for off in [-2048, 2044] {
            a.emit(enc::s(off, 5, base, 2, enc::STORE));
            a.emit(enc::i(off, base, 2, 8, enc::LOAD));
        }
        a.emit(enc::s(1, 5, base, 1, enc::STORE)); // misaligned stores
        a.emit(enc::s(2, 5, base, 2, enc::STORE));
        a.emit(enc::s(3, 5, base, 2, enc::STORE));
        a.exit(0);
        prog(&format!("loads and stores ({name})"), a, vec![], 40);
    }

    // 3. branches (every condition, taken and not), jal, jalr
    let mut a = Asm::new(L2_BASE);
    prologue(&mut a);
    for &x in &DIRECTED_VALUES[..6] {
        for &y in &DIRECTED_VALUES[..6] {
            a.li(5, x);
            a.li(6, y);
            for f3 in [0, 1, 4, 5, 6, 7] {
                a.emit(enc::b(8, 6, 5, f3));
                a.emit(enc::i(1, 0, 0, 7, enc::OP_IMM));
            }
        }
    }
    a.emit(enc::j(8, 1 + 4)); // jal x5, +8
    a.emit(enc::i(1, 0, 0, 7, enc::OP_IMM));
    a.emit(enc::j(-4 + 8, 0)); // jal x0, +4
    a.emit(enc::u(0, 6, enc::AUIPC));
    a.emit(enc::i(9, 6, 0, 7, enc::JALR)); // +9 -> +8 (bit 0 cleared)
    a.emit(enc::i(1, 0, 0, 7, enc::OP_IMM));
    a.emit(enc::u(0, 6, enc::AUIPC));
    a.emit(enc::i(10, 6, 0, 7, enc::JALR)); // misaligned: trap
    a.emit(enc::j(6, 0)); // misaligned jal: trap
    a.emit(enc::b(6, 0, 0, 0)); // misaligned taken branch: trap
    a.emit(enc::b(6, 5, 0, 0)); // misaligned, not taken (x5 != 0): fine
                                // fetch fault: the handler resumes at RESUME (right after the jalr)
    let resume = a.pc() + 12;
    a.li(reg::RESUME, resume);
    a.emit(enc::i(-4, 0, 0, 0, enc::JALR)); // jalr x0, -4(x0)
    a.exit(0);
    prog("branches and jumps", a, vec![], 0);

    // 4. CSRs: every form on every CSR (mtvec only read), traps
    let mut a = Asm::new(L2_BASE);
    prologue(&mut a);
    for &n in CSRS.iter() {
        for f3 in [1, 2, 3, 5, 6, 7] {
            for src in [0u32, 5] {
                if n == csr::MTVEC && (f3 & 3 == 1 || src != 0) {
                    continue;
                }
                a.li(5, 0xFFFF_FFFF);
                a.emit(enc::csr(f3, n as u32, src, 6));
                a.emit(enc::csr(2, n as u32, 0, 7));
            }
        }
    }
    for w in [
        enc::ECALL,
        enc::EBREAK,
        0,
        0xFFFF_FFFF,
        enc::FENCE,
        enc::FENCE_I,
    ] {
        a.emit(w);
    }
    a.exit(0);
    prog("CSRs and traps", a, vec![], 0);

    // 5. interrupts: wfi wake without MIE, then with MIE (taken at the wfi),
    // an interrupt during a division and during a bus load
    let mut a = Asm::new(L2_BASE);
    prologue(&mut a);
    a.li(5, csr::MEI_BIT);
    a.emit(enc::csr(2, csr::MIE as u32, 5, 0));
    a.emit(enc::WFI); // wakes at the first irq (MIE = 0): retires
    a.emit(enc::csr(2, csr::MIP as u32, 0, 6));
    a.emit(enc::s(IRQ_ACK, 0, reg::WIN, 2, enc::STORE));
    a.emit(enc::csr(6, csr::MSTATUS as u32, 8, 0));
    a.emit(enc::WFI); // second irq: taken at the wfi, the handler skips it
    for _ in 0..3 {
        a.li(7, 0x8000_0000);
        a.li(8, 7);
        a.emit(enc::r(1, 8, 7, 4, 9, enc::OP));
        a.emit(enc::r(1, 8, 7, 1, 9, enc::OP));
        a.emit(enc::i(0, reg::WIN, 2, 9, enc::LOAD));
    }
    a.exit(0);
    prog("interrupts and wfi", a, vec![60, 120, 160, 190, 230], 50);

    // 6. self-modifying code: store an instruction, fence.i, execute it
    let mut a = Asm::new(L2_BASE);
    prologue(&mut a);
    a.emit(enc::u(0, 5, enc::AUIPC));
    a.li(6, enc::i(0x123, 0, 0, 7, enc::OP_IMM)); // addi x7, x0, 0x123
    a.emit(enc::s(24, 6, 5, 2, enc::STORE)); // to auipc + 24
    a.emit(enc::FENCE_I);
    a.emit(enc::i(0, 0, 0, 0, enc::OP_IMM)); // nop (auipc+20)
    a.emit(enc::i(0, 0, 0, 0, enc::OP_IMM)); // replaced (auipc+24)
    a.emit(enc::s(0, 7, reg::WIN, 2, enc::STORE));
    a.exit(0);
    prog("fence.i", a, vec![], 0);
    out
}

// ---------------------------------------------------------- the lock step

/// The ISS's memory: mirrors of L2 and the bus window, simulation control.
pub struct MirrorBus {
    pub l2: Vec<u32>,
    pub win: Vec<u32>,
    pub irq: bool,
    pub exit: Option<u32>,
    pub console: Vec<u8>,
}

impl MirrorBus {
    fn word(&mut self, addr: u32) -> Option<&mut u32> {
        let o = addr.wrapping_sub(L2_BASE);
        if o < L2_BYTES {
            return Some(&mut self.l2[(o / 4) as usize]);
        }
        let o = addr.wrapping_sub(WIN_BASE);
        if (o / 4) < WIN_WORDS as u32 {
            return Some(&mut self.win[(o / 4) as usize]);
        }
        None
    }
}

impl Bus for MirrorBus {
    fn fetch(&mut self, addr: u32) -> Result<u32, Fault> {
        let o = addr.wrapping_sub(L2_BASE);
        if o < L2_BYTES {
            Ok(self.l2[(o / 4) as usize])
        } else {
            Err(Fault::Access)
        }
    }
    fn load(&mut self, addr: u32, size: u8) -> Result<u32, Fault> {
        if addr.wrapping_sub(SIMCTRL_BASE) < SIMCTRL_BYTES {
            return Ok(0);
        }
        let w = *self.word(addr).ok_or(Fault::Access)?;
        let v = w >> (8 * (addr & 3));
        Ok(match size {
            1 => v & 0xFF,
            2 => v & 0xFFFF,
            _ => v,
        })
    }
    fn store(&mut self, addr: u32, size: u8, value: u32) -> Result<(), Fault> {
        let o = addr.wrapping_sub(SIMCTRL_BASE);
        if o < SIMCTRL_BYTES {
            let sh = 8 * (addr & 3);
            let v = value << sh;
            if o & !3 == SIMCTRL_EXIT {
                self.exit = Some(v);
            }
            if o & !3 == SIMCTRL_PUTC {
                self.console.push(v as u8);
            }
            return Ok(());
        }
        let w = self.word(addr).ok_or(Fault::Access)?;
        let sh = 8 * (addr & 3);
        let m: u32 = match size {
            1 => 0xFF,
            2 => 0xFFFF,
            _ => 0xFFFF_FFFF,
        } << sh;
        *w = (*w & !m) | ((value << sh) & m);
        Ok(())
    }
    fn irq(&self) -> bool {
        self.irq
    }
}

/// Result of a lock-step run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunStats {
    pub exit: u32,
    pub cycles: u64,
    pub instret: u64,
    pub retired: u64,
    pub traps: u64,
    pub interrupts: u64,
    pub console: Vec<u8>,
}

fn fmt_rec(t: &TraceRec) -> String {
    let mut s = format!("{:08x} {:08x}", t.pc, t.insn);
    if let Some(c) = t.trap {
        s += &format!(" trap={c:#x}");
    } else if t.rd != 0 {
        s += &format!(" x{}={:08x}", t.rd, t.rd_val);
    }
    s
}

/// Run `p` on `d` in lock step with the ISS. Err: a report of the first
/// difference (with the last retired instructions).
pub fn lockstep(d: &mut dyn SocDrive, p: &TestProgram) -> Result<RunStats, String> {
    // the program, zeros behind it and in the L2 data area (earlier runs
    // on the same model leave their data there)
    load_image(d, L2_BASE, &p.words);
    let d0 = ((L2D_PTR - L2_BASE) / 4) as usize;
    for w in (p.words.len()..p.words.len() + 64).chain(d0 - 512..d0 + 512) {
        d.write_l2(w, 0);
    }
    d.reset();
    let mut l2 = vec![0u32; (L2_BYTES / 4) as usize];
    l2[..p.words.len()].copy_from_slice(&p.words);
    let mut bus = MirrorBus {
        l2,
        win: vec![0; WIN_WORDS],
        irq: false,
        exit: None,
        console: Vec::new(),
    };
    let mut hart = Hart::new();
    let mut slave = BusSlave::new(WIN_BASE, WIN_WORDS, p.stall_pct, p.seed ^ 0x5EED);
    slave.irq_at = p.irq_at.clone();
    slave.ack_off = (WIN_PTR - WIN_BASE).wrapping_add(IRQ_ACK as u32);
    let mut hist: VecDeque<String> = VecDeque::new();
    let mut st = RunStats {
        exit: 0,
        cycles: 0,
        instret: 0,
        retired: 0,
        traps: 0,
        interrupts: 0,
        console: Vec::new(),
    };
    let fail = |msg: String, hist: &VecDeque<String>| -> String {
        let mut s = format!("{}: {msg}\nlast retired (RTL):\n", p.name);
        for h in hist {
            s += &format!("  {h}\n");
        }
        s
    };
    for cycle in 0..p.max_cycles {
        let inp = slave.inputs(cycle);
        let out = d.eval(&inp);
        if let Some(code) = out.exit {
            st.exit = code;
            st.cycles = out.mcycle;
            st.instret = out.minstret;
            break;
        }
        if let Some(c) = out.putc {
            st.console.push(c);
        }
        if let Some(t) = out.trace {
            hist.push_back(fmt_rec(&t));
            if hist.len() > 12 {
                hist.pop_front();
            }
            let r: Retire = if t.trap == Some(cause::MACHINE_EXTERNAL_IRQ) {
                st.interrupts += 1;
                hart.take_interrupt()
            } else {
                hart.set_counters(out.mcycle.wrapping_sub(1), out.minstret);
                let enabled = hart.mstatus & csr::MSTATUS_MIE != 0 && hart.mie & csr::MEI_BIT != 0;
                bus.irq = inp.irq && !enabled;
                hart.step(&mut bus)
            };
            let iss = TraceRec {
                pc: r.pc,
                insn: r.insn,
                rd: r.rd,
                rd_val: r.rd_val,
                trap: r.trap,
            };
            if r.stall || iss != t {
                return Err(fail(
                    format!(
                        "cycle {cycle}: RTL {} != ISS {}{}",
                        fmt_rec(&t),
                        fmt_rec(&iss),
                        if r.stall { " (ISS stalled)" } else { "" }
                    ),
                    &hist,
                ));
            }
            if t.trap.is_some() {
                st.traps += 1;
            } else {
                st.retired += 1;
            }
        }
        slave.edge(out.req);
        d.edge();
        if cycle + 1 == p.max_cycles {
            return Err(fail(
                format!("no EXIT within {} cycles", p.max_cycles),
                &hist,
            ));
        }
    }
    if !slave.errors.is_empty() {
        return Err(fail(format!("bus errors: {:?}", slave.errors), &hist));
    }
    if bus.exit != Some(st.exit) {
        return Err(fail(
            format!("exit code: RTL {} ISS {:?}", st.exit, bus.exit),
            &hist,
        ));
    }
    if bus.console != st.console {
        return Err(fail("console output differs".into(), &hist));
    }
    // final memories: code, the L2 data area, the bus window
    let mut words: Vec<usize> = (0..p.words.len()).collect();
    words.extend(d0 - 512..d0 + 512);
    for w in words {
        let (a, b) = (d.read_l2(w), bus.l2[w]);
        if a != b {
            return Err(fail(
                format!(
                    "L2 word {:#x}: RTL {a:#010x} ISS {b:#010x}",
                    L2_BASE + 4 * w as u32
                ),
                &hist,
            ));
        }
    }
    if slave.mem != bus.win {
        let k = (0..WIN_WORDS)
            .find(|&k| slave.mem[k] != bus.win[k])
            .unwrap();
        return Err(fail(
            format!(
                "bus window word {:#x}: RTL {:#010x} ISS {:#010x}",
                WIN_BASE + 4 * k as u32,
                slave.mem[k],
                bus.win[k]
            ),
            &hist,
        ));
    }
    Ok(st)
}

/// A firmware image (every loadable segment in L2) as a lock-step
/// [`TestProgram`] (no interrupts, no stalls).
pub fn elf_program(
    name: &str,
    img: &crate::model::rv32::elf::ElfImage,
    max_cycles: u64,
) -> Result<TestProgram, String> {
    let mut end = L2_BASE;
    for s in &img.segments {
        if s.addr.wrapping_sub(L2_BASE) >= L2_BYTES {
            return Err(format!("{name}: segment at {:#x} is outside L2", s.addr));
        }
        end = end.max(s.addr + s.data.len() as u32);
    }
    let mut words = vec![0u32; (end - L2_BASE).div_ceil(4) as usize];
    for s in &img.segments {
        for (k, &b) in s.data.iter().enumerate() {
            let a = s.addr - L2_BASE + k as u32;
            words[(a / 4) as usize] |= (b as u32) << (8 * (a % 4));
        }
    }
    Ok(TestProgram {
        name: name.into(),
        words,
        irq_at: vec![],
        stall_pct: 0,
        seed: 0,
        max_cycles,
    })
}
