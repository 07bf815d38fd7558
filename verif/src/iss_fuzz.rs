//! Cross-check of the ISS against an independent RV32IM implementation:
//! Debian's `qemu-riscv32` (user mode) runs the same seeded random programs
//! and the final register and memory state must match.
//!
//! Program `k` of seed `S` is generated from its own seed (so a failure is
//! reproduced by `ntx iss-fuzz --seed S --first k --programs 1`). A program
//! loads random values (including division corner cases) into x1..x30 and
//! points x31 at its private 256-byte data area (random initial bytes), runs
//! a body of random arithmetic, M-extension, lui/auipc, loads/stores of all
//! sizes into the data area, forward branches, `jal` and `auipc`+`jalr`
//! jumps, then stores x1..x30 after its data area. Up to
//! [`PROGRAMS_PER_IMAGE`] programs are packed into one image at the L2 base;
//! after the last, a Linux `write(1, results, len)` and `exit(0)` (ecall)
//! end it. qemu prints the results region; the ISS ([`System`]) runs the
//! same image and emulates the two system calls at its `ecall` traps.

use crate::model::rv32::asm::{self, li};
use crate::model::rv32::elf;
use crate::model::rv32::System;
use ntx_hw::params::core::{cause, L2_BASE};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Bytes of each program's data area.
pub const DATA_BYTES: u32 = 256;
/// Bytes of the register dump behind it (x1..x30, then 8 spare bytes).
pub const DUMP_BYTES: u32 = 128;
/// Programs per image (one qemu process).
pub const PROGRAMS_PER_IMAGE: usize = 48;
/// The user-mode emulator.
pub const QEMU_USER: &str = "qemu-riscv32";
const SYS_WRITE: u32 = 64;
const SYS_EXIT: u32 = 93;
const BASE_REG: u32 = 31;

/// Seed of program `k` of a campaign seeded `seed`.
pub fn program_seed(seed: u64, k: u64) -> u64 {
    let mut z = seed ^ k.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

enum Unit {
    Plain(Vec<u32>),
    /// Branch (funct3, rs1, rs2) to unit index.
    Branch(u32, u32, u32, usize),
    /// jal rd to unit index.
    Jal(u32, usize),
    /// auipc rt, 0; jalr rd, off(rt) to unit index.
    Jalr(u32, u32, usize),
}

fn corner(rng: &mut StdRng) -> u32 {
    const C: [u32; 10] = [
        0,
        1,
        u32::MAX,
        0x8000_0000,
        0x7FFF_FFFF,
        2,
        0xFFFF_FFFE,
        0x8000_0001,
        0xFFFF,
        0xFFFF_8000,
    ];
    if rng.gen_bool(0.5) {
        C[rng.gen_range(0..C.len())]
    } else {
        rng.gen()
    }
}

fn reg(rng: &mut StdRng) -> u32 {
    rng.gen_range(1..=30)
}

fn src(rng: &mut StdRng) -> u32 {
    rng.gen_range(0..=31)
}

/// Machine code of one random program whose data area is at `data`
/// (its code starts at `pc`), and the initial data-area bytes.
pub fn gen_program(seed: u64, pc: u32, data: u32) -> (Vec<u32>, Vec<u8>) {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut code = Vec::new();
    for r in 1..=30 {
        code.extend(li(r, corner(&mut rng)));
    }
    code.extend(li(BASE_REG, data));
    let n: usize = rng.gen_range(20..120);
    let mut units = Vec::with_capacity(n);
    for idx in 0..n {
        let fwd = |rng: &mut StdRng| rng.gen_range(idx + 1..=(idx + 8).min(n));
        let kind = rng.gen_range(0..100);
        units.push(match kind {
            0..=29 => {
                // R-type: base ALU or M extension.
                let (f3, f7) = if rng.gen_bool(0.5) {
                    (rng.gen_range(0..8), 1)
                } else {
                    let f3 = rng.gen_range(0..8);
                    let f7 = if (f3 == 0 || f3 == 5) && rng.gen_bool(0.5) {
                        0x20
                    } else {
                        0
                    };
                    (f3, f7)
                };
                Unit::Plain(vec![asm::r(
                    0x33,
                    f3,
                    f7,
                    reg(&mut rng),
                    src(&mut rng),
                    src(&mut rng),
                )])
            }
            30..=49 => {
                let f3 = [0, 2, 3, 4, 6, 7, 1, 5][rng.gen_range(0..8)];
                let rd = reg(&mut rng);
                let rs = src(&mut rng);
                Unit::Plain(vec![match f3 {
                    1 => asm::i(0x13, 1, rd, rs, rng.gen_range(0..32)),
                    5 => asm::i(
                        0x13,
                        5,
                        rd,
                        rs,
                        rng.gen_range(0..32) | if rng.gen_bool(0.5) { 0x400 } else { 0 },
                    ),
                    _ => asm::i(0x13, f3, rd, rs, rng.gen_range(-2048..2048)),
                }])
            }
            50..=53 => Unit::Plain(vec![asm::u(
                if rng.gen_bool(0.5) { 0x37 } else { 0x17 },
                reg(&mut rng),
                rng.gen(),
            )]),
            54..=56 => Unit::Plain(li(reg(&mut rng), corner(&mut rng)).to_vec()),
            57..=71 => {
                let (f3, size) = [(0, 1), (1, 2), (2, 4), (4, 1), (5, 2)][rng.gen_range(0..5)];
                let off = rng.gen_range(0..DATA_BYTES / size) * size;
                Unit::Plain(vec![asm::i(0x03, f3, reg(&mut rng), BASE_REG, off as i32)])
            }
            72..=83 => {
                let (f3, size) = [(0, 1), (1, 2), (2, 4)][rng.gen_range(0..3)];
                let off = rng.gen_range(0..DATA_BYTES / size) * size;
                Unit::Plain(vec![asm::s(f3, BASE_REG, src(&mut rng), off as i32)])
            }
            84..=93 => {
                let f3 = [0, 1, 4, 5, 6, 7][rng.gen_range(0..6)];
                Unit::Branch(f3, src(&mut rng), src(&mut rng), fwd(&mut rng))
            }
            94..=96 => Unit::Jal(reg(&mut rng), fwd(&mut rng)),
            _ => Unit::Jalr(reg(&mut rng), reg(&mut rng), fwd(&mut rng)),
        });
    }
    // Layout: unit start addresses (unit n = the epilogue).
    let body_pc = pc + 4 * code.len() as u32;
    let mut start = Vec::with_capacity(n + 1);
    let mut a = body_pc;
    for u in &units {
        start.push(a);
        a += 4 * match u {
            Unit::Plain(v) => v.len() as u32,
            Unit::Jalr(..) => 2,
            _ => 1,
        };
    }
    start.push(a);
    for (k, u) in units.iter().enumerate() {
        let here = start[k];
        match *u {
            Unit::Plain(ref v) => code.extend(v),
            Unit::Branch(f3, r1, r2, t) => {
                code.push(asm::b(f3, r1, r2, start[t].wrapping_sub(here) as i32))
            }
            Unit::Jal(rd, t) => code.push(asm::jal(rd, start[t].wrapping_sub(here) as i32)),
            Unit::Jalr(rd, rt, t) => {
                code.push(asm::u(0x17, rt, 0));
                code.push(asm::jalr(rd, rt, start[t].wrapping_sub(here) as i32));
            }
        }
    }
    for r in 1..=30 {
        code.push(asm::s(2, BASE_REG, r, (DATA_BYTES + 4 * (r - 1)) as i32));
    }
    let init: Vec<u8> = (0..DATA_BYTES).map(|_| rng.gen()).collect();
    (code, init)
}

/// One packed image: programs `first .. first + count` of `seed`.
pub struct Image {
    /// Load address (the L2 base).
    pub base: u32,
    /// Image bytes.
    pub bytes: Vec<u8>,
    /// Start and length of the results region (data areas + dumps).
    pub results: (u32, u32),
    pub first: u64,
    pub count: usize,
}

/// Pack programs `first .. first + count` of `seed` into one image.
pub fn build_image(seed: u64, first: u64, count: usize) -> Image {
    let base = L2_BASE;
    let slot = DATA_BYTES + DUMP_BYTES;
    // Code is bounded: 62 + 2*120 + 30 words per program, plus the tail.
    let code_words = count * (62 + 240 + 30) + 16;
    let res_base = base + 4 * code_words as u32;
    let mut code: Vec<u32> = Vec::new();
    let mut res = vec![0u8; slot as usize * count];
    for j in 0..count {
        let data = res_base + j as u32 * slot;
        let pc = base + 4 * code.len() as u32;
        let (c, init) = gen_program(program_seed(seed, first + j as u64), pc, data);
        code.extend(c);
        res[j * slot as usize..j * slot as usize + DATA_BYTES as usize].copy_from_slice(&init);
    }
    let len = res.len() as u32;
    code.extend(li(17, SYS_WRITE));
    code.extend(li(10, 1));
    code.extend(li(11, res_base));
    code.extend(li(12, len));
    code.push(asm::ECALL);
    code.extend(li(17, SYS_EXIT));
    code.extend(li(10, 0));
    code.push(asm::ECALL);
    assert!(code.len() <= code_words, "program code exceeds its bound");
    code.resize(code_words, 0);
    let mut bytes: Vec<u8> = code.iter().flat_map(|w| w.to_le_bytes()).collect();
    bytes.extend(res);
    Image {
        base,
        bytes,
        results: (res_base, len),
        first,
        count,
    }
}

/// Run an image on the ISS, emulating `write` and `exit`; returns what was
/// written.
pub fn run_iss(img: &Image) -> Result<Vec<u8>, String> {
    let mut sys = System::new();
    sys.l2[..img.bytes.len()].copy_from_slice(&img.bytes);
    sys.hart.pc = img.base;
    let mut out = Vec::new();
    for _ in 0..10_000_000u64 {
        let r = sys.step();
        match r.trap {
            None => continue,
            Some(cause::ECALL_M) => {
                let x = sys.hart.x;
                match x[17] {
                    SYS_WRITE => {
                        for a in x[11]..x[11] + x[12] {
                            out.push(
                                sys.read_mem_byte(a)
                                    .ok_or(format!("write() from unmapped {a:#x}"))?,
                            );
                        }
                        sys.hart.x[10] = x[12];
                    }
                    SYS_EXIT => return Ok(out),
                    n => return Err(format!("unexpected system call {n}")),
                }
                sys.hart.pc = sys.hart.mepc.wrapping_add(4);
            }
            Some(c) => {
                return Err(format!(
                    "ISS trapped with mcause {c} at pc {:#010x} (insn {:#010x})",
                    r.pc, r.insn
                ))
            }
        }
    }
    Err("ISS did not reach exit within 10M steps".into())
}

/// Run an image on qemu-user (the ELF goes to `work`); returns its stdout.
pub fn run_qemu(img: &Image, work: &Path) -> Result<Vec<u8>, String> {
    std::fs::create_dir_all(work).map_err(|e| format!("{}: {e}", work.display()))?;
    let f = work.join(format!("fuzz-{}-{}.elf", std::process::id(), img.first));
    std::fs::write(&f, elf::write_exec(img.base, &img.bytes, img.base))
        .map_err(|e| format!("{}: {e}", f.display()))?;
    // qemu-user refuses files without execute permission.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| format!("{}: {e}", f.display()))?;
    let out = Command::new(QEMU_USER).arg(&f).output().map_err(|e| {
        format!(
            "{QEMU_USER} not runnable ({e}): run scripts/install-tools (Debian package qemu-user)"
        )
    })?;
    if !out.status.success() {
        return Err(format!(
            "{QEMU_USER} {} failed ({}): {}",
            f.display(),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let _ = std::fs::remove_file(&f);
    Ok(out.stdout)
}

/// Campaign result.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FuzzReport {
    pub programs: u64,
    /// Instructions the ISS retired over all images.
    pub compared_bytes: u64,
}

/// Compare ISS and qemu on programs `first .. first + programs` of `seed`.
/// A mismatch names the program, the register or data byte, the seed and
/// a reproducer command, and keeps the image in `work`.
pub fn run(seed: u64, first: u64, programs: u64, work: &Path) -> Result<FuzzReport, String> {
    let mut rep = FuzzReport::default();
    let mut k = first;
    let end = first + programs;
    while k < end {
        let count = ((end - k) as usize).min(PROGRAMS_PER_IMAGE);
        let img = build_image(seed, k, count);
        let repro = |p: u64| {
            format!(
                "reproduce: cargo run --release -p ntx-verif --bin ntx -- iss-fuzz --seed {seed} --first {p} --programs 1"
            )
        };
        let iss =
            run_iss(&img).map_err(|e| format!("seed {seed}, programs {k}..: {e}; {}", repro(k)))?;
        let qemu = run_qemu(&img, work)?;
        if iss != qemu {
            let slot = (DATA_BYTES + DUMP_BYTES) as usize;
            let i = iss
                .iter()
                .zip(&qemu)
                .position(|(a, b)| a != b)
                .unwrap_or(iss.len().min(qemu.len()));
            let p = k + (i / slot) as u64;
            let off = i % slot;
            let what = if off < DATA_BYTES as usize {
                format!("data byte {off}")
            } else {
                format!("register x{}", (off - DATA_BYTES as usize) / 4 + 1)
            };
            let keep = work.join(format!("iss-fuzz-seed{seed}-prog{p}.elf"));
            let one = build_image(seed, p, 1);
            let _ = std::fs::write(&keep, elf::write_exec(one.base, &one.bytes, one.base));
            return Err(format!(
                "ISS and {QEMU_USER} differ in program {p} of seed {seed} at {what} \
                 (iss {:02x?}, qemu {:02x?}; lengths {} / {}); image {} \
                 (riscv64-unknown-elf-objdump -D -b binary -m riscv:rv32 or run it with {QEMU_USER}); {}",
                iss.get(i & !3..(i & !3) + 4),
                qemu.get(i & !3..(i & !3) + 4),
                iss.len(),
                qemu.len(),
                keep.display(),
                repro(p)
            ));
        }
        rep.programs += count as u64;
        rep.compared_bytes += iss.len() as u64;
        k += count as u64;
    }
    Ok(rep)
}

/// Default working directory for images: `target/iss-fuzz`.
pub fn default_work_dir() -> PathBuf {
    crate::runctl::target_path("iss-fuzz")
}
