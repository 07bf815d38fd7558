//! RV32IM instruction encoders (for generated test programs; the ISS
//! decodes independently in `hart.rs`).

/// R-type: `funct7 rs2 rs1 funct3 rd opcode`.
pub fn r(op: u32, f3: u32, f7: u32, rd: u32, rs1: u32, rs2: u32) -> u32 {
    (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op
}

/// I-type with a 12-bit signed immediate.
pub fn i(op: u32, f3: u32, rd: u32, rs1: u32, imm: i32) -> u32 {
    (((imm as u32) & 0xFFF) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op
}

/// S-type store: `sb/sh/sw rs2, imm(rs1)` (f3 0/1/2).
pub fn s(f3: u32, rs1: u32, rs2: u32, imm: i32) -> u32 {
    let imm = imm as u32;
    (((imm >> 5) & 0x7F) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 31) << 7) | 0x23
}

/// B-type branch with a byte offset (even, +-4 KiB).
pub fn b(f3: u32, rs1: u32, rs2: u32, off: i32) -> u32 {
    let o = off as u32;
    (((o >> 12) & 1) << 31)
        | (((o >> 5) & 0x3F) << 25)
        | (rs2 << 20)
        | (rs1 << 15)
        | (f3 << 12)
        | (((o >> 1) & 0xF) << 8)
        | (((o >> 11) & 1) << 7)
        | 0x63
}

/// U-type (`lui` 0x37, `auipc` 0x17) with the upper 20 bits of `imm`.
pub fn u(op: u32, rd: u32, imm: u32) -> u32 {
    (imm & 0xFFFF_F000) | (rd << 7) | op
}

/// `jal rd, off` (byte offset, +-1 MiB).
pub fn jal(rd: u32, off: i32) -> u32 {
    let o = off as u32;
    (((o >> 20) & 1) << 31)
        | (((o >> 1) & 0x3FF) << 21)
        | (((o >> 11) & 1) << 20)
        | (((o >> 12) & 0xFF) << 12)
        | (rd << 7)
        | 0x6F
}

/// `jalr rd, imm(rs1)`.
pub fn jalr(rd: u32, rs1: u32, imm: i32) -> u32 {
    i(0x67, 0, rd, rs1, imm)
}

/// `li rd, v` as `lui` + `addi` (always two instructions).
pub fn li(rd: u32, v: u32) -> [u32; 2] {
    let lo = ((v & 0xFFF) as i32) << 20 >> 20;
    let hi = v.wrapping_sub(lo as u32);
    [u(0x37, rd, hi), i(0x13, 0, rd, rd, lo)]
}

/// `ecall`.
pub const ECALL: u32 = 0x0000_0073;
