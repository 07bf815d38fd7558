//! Jobs: the command word (spec section 4) and the staging-area registers
//! (spec section 3) that together describe one NTX job.

use super::dag::{LoopConfig, AGU_MASK};
use ntx_params::cmd::{self, field, with_field};
use ntx_params::{opcode, regs, N_AGUS, N_LOOPS};

/// Highest loop level (number of hardware loops).
pub const MAX_LEVEL: u8 = N_LOOPS as u8;

/// Decoded command word.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Command {
    /// bits 3:0: 0 MAC .. 8 COPY; 9-15 invalid.
    pub opcode: u8,
    /// bits 6:4: level at which the accumulator / ALU state is initialised.
    pub init_level: u8,
    /// bits 9:7: level at which a result is stored.
    pub inner_level: u8,
    /// bits 12:10: number of active loops.
    pub outer_level: u8,
    /// bits 14:13: init value source (0-2 AGU operand, 3 zero).
    pub init_sel: u8,
    /// bits 17:15: per-opcode option.
    pub aux: u8,
    /// bits 19:18: 0 none, 1 command-done IRQ, 2 writeback-done IRQ.
    pub irq_cfg: u8,
    /// bit 20: negative polarity.
    pub polarity: bool,
}

impl Command {
    /// Decode a command word (unused bits are ignored, as in hardware).
    pub fn decode(w: u32) -> Self {
        let f = |lo: usize, n: usize| field(w, lo, n) as u8;
        Self {
            opcode: f(cmd::OPCODE_LSB, cmd::OPCODE_WIDTH),
            init_level: f(cmd::INIT_LEVEL_LSB, cmd::LEVEL_WIDTH),
            inner_level: f(cmd::INNER_LEVEL_LSB, cmd::LEVEL_WIDTH),
            outer_level: f(cmd::OUTER_LEVEL_LSB, cmd::LEVEL_WIDTH),
            init_sel: f(cmd::INIT_SEL_LSB, cmd::INIT_SEL_WIDTH),
            aux: f(cmd::AUX_LSB, cmd::AUX_WIDTH),
            irq_cfg: f(cmd::IRQ_CFG_LSB, cmd::IRQ_CFG_WIDTH),
            polarity: f(cmd::POLARITY_BIT, 1) != 0,
        }
    }

    /// Encode into a command word.
    pub fn encode(&self) -> u32 {
        let fields = [
            (cmd::OPCODE_LSB, cmd::OPCODE_WIDTH, self.opcode as u32),
            (
                cmd::INIT_LEVEL_LSB,
                cmd::LEVEL_WIDTH,
                self.init_level as u32,
            ),
            (
                cmd::INNER_LEVEL_LSB,
                cmd::LEVEL_WIDTH,
                self.inner_level as u32,
            ),
            (
                cmd::OUTER_LEVEL_LSB,
                cmd::LEVEL_WIDTH,
                self.outer_level as u32,
            ),
            (cmd::INIT_SEL_LSB, cmd::INIT_SEL_WIDTH, self.init_sel as u32),
            (cmd::AUX_LSB, cmd::AUX_WIDTH, self.aux as u32),
            (cmd::IRQ_CFG_LSB, cmd::IRQ_CFG_WIDTH, self.irq_cfg as u32),
            (cmd::POLARITY_BIT, 1, self.polarity as u32),
        ];
        fields
            .iter()
            .fold(0, |w, &(lsb, width, v)| with_field(w, lsb, width, v))
    }

    /// A job is valid iff inner_level <= init_level <= outer_level <= 5 and
    /// the opcode is 0-8 (spec section 4).
    pub fn is_valid(&self) -> bool {
        self.inner_level <= self.init_level
            && self.init_level <= self.outer_level
            && self.outer_level <= MAX_LEVEL
            && (self.opcode as u32) < opcode::COUNT
    }

    /// Opcode name as in the reference (`MAC`, `VADDSUB`, ...), or `INVALID`.
    pub fn opcode_name(&self) -> &'static str {
        const NAMES: [&str; 9] = [
            "MAC", "VADDSUB", "VMULT", "OUTERP", "MAXMIN", "THTST", "MASK", "MASKMAC", "COPY",
        ];
        NAMES
            .get(self.opcode as usize)
            .copied()
            .unwrap_or("INVALID")
    }
}

/// One job as software describes it: what a reference job file holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Job {
    /// Test name (line 1 of a job file).
    pub name: String,
    /// Command word.
    pub cmd: u32,
    /// LOOP_END registers (inclusive ends).
    pub loop_end: [u16; N_LOOPS],
    /// AGU base byte addresses.
    pub base: [u32; N_AGUS],
    /// AGU byte strides (deltas), per AGU and loop.
    pub stride: [[i32; N_LOOPS]; N_AGUS],
}

impl Job {
    /// Decoded command.
    pub fn command(&self) -> Command {
        Command::decode(self.cmd)
    }

    /// The register writes that program the staging area, in address order
    /// (CMD is not included: writing it commits the job).
    pub fn staging_writes(&self) -> Vec<(u32, u32)> {
        let mut w = Vec::with_capacity(23);
        for (k, &e) in self.loop_end.iter().enumerate() {
            w.push((regs::LOOP_END + k as u32, e as u32));
        }
        let bases = [regs::AGU0_BASE, regs::AGU1_BASE, regs::AGU2_BASE];
        for (g, &b) in bases.iter().enumerate() {
            w.push((b, self.base[g]));
            for k in 0..N_LOOPS {
                w.push((b + 1 + k as u32, self.stride[g][k] as u32));
            }
        }
        w
    }

    /// The loop nest in hardware units (word addresses, strides mod 2^18).
    pub fn loop_config(&self) -> LoopConfig {
        LoopConfig {
            loop_end: self.loop_end,
            outer_level: self.command().outer_level,
            base: self.base.map(byte_to_word),
            stride: self.stride.map(|s| s.map(|b| byte_to_word(b as u32))),
        }
    }

    /// Number of execute steps (the product of the active loops' trip counts).
    pub fn steps(&self) -> u64 {
        self.loop_config().total_steps()
    }
}

/// What an AGU register keeps of a byte address or delta: bits 19:2.
pub fn byte_to_word(byte: u32) -> u32 {
    (byte >> 2) & AGU_MASK
}
