//! Architectural parameters of NTX, in one place (spec sections 2-5).
//!
//! Every block takes its widths and counts from here; nothing else repeats
//! these numbers.

/// Number of nested hardware loops (loop 0 is innermost).
pub const N_LOOPS: usize = 5;
/// Width of a loop counter / LOOP_END register.
pub const LOOP_WIDTH: usize = 16;
/// Number of address generators (AGU0, AGU1 read operands, AGU2 writes).
pub const N_AGUS: usize = 3;
/// Stride registers: one per AGU and loop.
pub const N_STRIDES: usize = N_AGUS * N_LOOPS;
/// Width of an AGU word address (bits 19:2 of a byte address, 1 MiB).
pub const AGU_ADDR_WIDTH: usize = 18;
/// TCDM data width in bits.
pub const DATA_WIDTH: usize = 32;
/// TCDM byte address width.
pub const ADDR_WIDTH: usize = 32;
/// Byte enables per TCDM word.
pub const BE_WIDTH: usize = 4;
/// Register-port word address width (a 0x80-byte window = 32 words; 7 bits as the reference).
pub const REG_ADDR_WIDTH: usize = 7;
/// Width of the MAXMIN / MASK counters (`cnt`, `idx`).
pub const CNT_WIDTH: usize = 16;
/// Width of the 284-bit NTX accumulator: 1 sign + 256 range + 23 mantissa
/// + 4 overflow guard bits.
pub const ACC_WIDTH: usize = 284;
/// Accumulator segment width in the RTL (rust-hdl simulates <= 32 bits fast).
pub const ACC_SEG_WIDTH: usize = 32;
/// Number of 32-bit accumulator segments (9 x 32 = 288 >= 284).
pub const ACC_SEGS: usize = 9;
/// Segments of 32 bits of the IEEE-mode Kulisch accumulator (576 bits, LSB
/// 2^-298: `verif/src/model/ieee.rs`); the FMAC keeps this many segments,
/// NTX mode uses the low [`ACC_SEGS`].
pub const KULISCH_SEGS: usize = 18;
/// Width of the sideband tag carried through the FMAC pipeline with each
/// operation (the NTX uses it for the writeback address and flags).
pub const FMAC_TAG_WIDTH: usize = 24;
/// Entries of each NTX port's read address queue and read data FIFO and of
/// the element FIFO: how far one operand stream may run ahead of the other
/// (absorbs bank conflicts on the stream that is ahead; section 9 cluster).
pub const NTX_QUEUE_DEPTH: usize = 32;
/// Cycles after a refused TCDM request during which an NTX treats its
/// ports as contended and steers result writes to keep the operand-A
/// streams of the cluster in step (see the NTX write arbiter); without
/// contention a write takes whichever port is free. Longer than the gap
/// between the result writes of a 3x3 convolution over 16 channels (144
/// elements), whose writes are what collide in a cluster.
pub const NTX_CONTENTION_WINDOW: u64 = 255;

/// Register word offsets (spec section 3).
pub mod regs {
    /// STATUS (RO): bit0 queue empty, bit1 FPU pipeline empty, bit2 controller idle,
    /// bit3 invalid command seen, bit4 staging area committed.
    pub const STATUS: u32 = 0x00;
    /// CTRL (RW): bit0 soft clear, bits 2:1 TCDM priority, bit3 IEEE mode (ours).
    pub const CTRL: u32 = 0x01;
    /// CMD (WO): commits the staging area plus the command word as one job.
    pub const CMD: u32 = 0x02;
    /// IRQ (RW1C): bit0 writeback-done, bit1 command-done.
    pub const IRQ: u32 = 0x03;
    /// LOOP_END[0..5].
    pub const LOOP_END: u32 = 0x04;
    /// AGU0 base; the five strides follow.
    pub const AGU0_BASE: u32 = 0x09;
    /// AGU1 base; the five strides follow.
    pub const AGU1_BASE: u32 = 0x0F;
    /// AGU2 (write address) base; the five strides follow.
    pub const AGU2_BASE: u32 = 0x15;
    /// Last word of the staging area.
    pub const STAGING_LAST: u32 = 0x1A;
    /// FLAGS (RW1C, ours): sticky IEEE-mode exception flags in the RISC-V
    /// `fflags` layout: bit0 inexact, bit1 underflow (tiny after rounding and
    /// inexact), bit2 overflow, bit4 invalid (bit3, divide by zero, is never
    /// set). Raised by IEEE-mode stores only; writing 1 clears that bit; a
    /// soft clear clears all.
    pub const FLAGS: u32 = 0x1B;
    /// CTRL bit that selects IEEE mode for the jobs that start while it is set.
    pub const CTRL_IEEE: u32 = 1 << 3;
    /// CTRL bits that are kept (bit0 soft clear reads back as 0 after clearing).
    pub const CTRL_MASK: u32 = 0xF;
    /// Writable bits of FLAGS.
    pub const FLAGS_MASK: u32 = 0x17;
    /// STATUS value of an idle, healthy NTX.
    pub const STATUS_IDLE: u32 = 0b00111;
}

/// Opcodes of the command word (spec section 4).
pub mod opcode {
    pub const MAC: u32 = 0;
    pub const VADDSUB: u32 = 1;
    pub const VMULT: u32 = 2;
    pub const OUTERP: u32 = 3;
    pub const MAXMIN: u32 = 4;
    pub const THTST: u32 = 5;
    pub const MASK: u32 = 6;
    pub const MASKMAC: u32 = 7;
    pub const COPY: u32 = 8;
    /// Number of valid opcodes (9-15 are invalid).
    pub const COUNT: u32 = 9;
}

/// Layout of the command word (spec section 4): `*_LSB` is a field's lowest
/// bit, `*_WIDTH` its width. The RTL's command record (`ntx::records`) and
/// the golden model's `Command::encode` / `decode` both take it from here.
pub mod cmd {
    /// bits 3:0: opcode ([`super::opcode`]).
    pub const OPCODE_LSB: usize = 0;
    pub const OPCODE_WIDTH: usize = 4;
    /// Width of each of the three loop-level fields.
    pub const LEVEL_WIDTH: usize = 3;
    /// bits 6:4: level at which the accumulator / ALU state is initialised.
    pub const INIT_LEVEL_LSB: usize = 4;
    /// bits 9:7: level at which a result is stored.
    pub const INNER_LEVEL_LSB: usize = 7;
    /// bits 12:10: number of active loops.
    pub const OUTER_LEVEL_LSB: usize = 10;
    /// bits 14:13: init value source (0-2 AGU operand, [`INIT_SEL_ZERO`]).
    pub const INIT_SEL_LSB: usize = 13;
    pub const INIT_SEL_WIDTH: usize = 2;
    /// `init_sel` value that initialises with zero (no operand read).
    pub const INIT_SEL_ZERO: u32 = 3;
    /// bits 17:15: per-opcode option.
    pub const AUX_LSB: usize = 15;
    pub const AUX_WIDTH: usize = 3;
    /// bits 19:18: which interrupt the job raises when done.
    pub const IRQ_CFG_LSB: usize = 18;
    pub const IRQ_CFG_WIDTH: usize = 2;
    /// `irq_cfg`: no interrupt.
    pub const IRQ_CFG_NONE: u32 = 0;
    /// `irq_cfg`: command-done interrupt (IRQ bit [`super::irq::CMD_DONE`]).
    pub const IRQ_CFG_CMD_DONE: u32 = 1;
    /// `irq_cfg`: writeback-done interrupt (IRQ bit [`super::irq::WB_DONE`]).
    pub const IRQ_CFG_WB_DONE: u32 = 2;
    /// bit 20: negative polarity.
    pub const POLARITY_BIT: usize = 20;
    /// Bits of the command word that are used (the rest are ignored).
    pub const WIDTH: usize = 21;
    const _: () = assert!(INIT_LEVEL_LSB == OPCODE_LSB + OPCODE_WIDTH);
    const _: () = assert!(INNER_LEVEL_LSB == INIT_LEVEL_LSB + LEVEL_WIDTH);
    const _: () = assert!(OUTER_LEVEL_LSB == INNER_LEVEL_LSB + LEVEL_WIDTH);
    const _: () = assert!(INIT_SEL_LSB == OUTER_LEVEL_LSB + LEVEL_WIDTH);
    const _: () = assert!(AUX_LSB == INIT_SEL_LSB + INIT_SEL_WIDTH);
    const _: () = assert!(IRQ_CFG_LSB == AUX_LSB + AUX_WIDTH);
    const _: () = assert!(POLARITY_BIT == IRQ_CFG_LSB + IRQ_CFG_WIDTH);
    const _: () = assert!(WIDTH == POLARITY_BIT + 1);
    const _: () = assert!(super::opcode::COUNT <= 1 << OPCODE_WIDTH);
    const _: () = assert!(super::N_LOOPS < 1 << LEVEL_WIDTH);
    /// The value of field `(lsb, width)` of command word `w`.
    pub const fn field(w: u32, lsb: usize, width: usize) -> u32 {
        (w >> lsb) & ((1 << width) - 1)
    }
    /// Command word `w` with field `(lsb, width)` replaced by `v` (masked).
    pub const fn with_field(w: u32, lsb: usize, width: usize, v: u32) -> u32 {
        let m = ((1u32 << width) - 1) << lsb;
        (w & !m) | ((v << lsb) & m)
    }
}

/// Bits of the IRQ register (spec section 3).
pub mod irq {
    /// bit 0: writeback done.
    pub const WB_DONE: u32 = 1 << 0;
    /// bit 1: command done.
    pub const CMD_DONE: u32 = 1 << 1;
    /// Bits of the IRQ register.
    pub const WIDTH: usize = 2;
}

/// Layout of the NTX element record (RTL only: what the generator passes
/// to execute through the element FIFO for every DAG step; see
/// `ntx::records::ElemRec`).
pub mod elem {
    /// bits 3:0: opcode.
    pub const OPCODE_LSB: usize = 0;
    /// bits 6:4: aux.
    pub const AUX_LSB: usize = 4;
    /// bit 7: polarity.
    pub const POLARITY_BIT: usize = 7;
    /// bits 9:8: init_sel.
    pub const INIT_SEL_LSB: usize = 8;
    /// bit 10: the element initialises the accumulator / ALU state.
    pub const INIT_BIT: usize = 10;
    /// bit 11: the element stores a result.
    pub const STORE_BIT: usize = 11;
    /// bits 12, 13, 14: the element reads operand A, B, C.
    pub const READ_A_BIT: usize = 12;
    pub const READ_B_BIT: usize = 13;
    pub const READ_C_BIT: usize = 14;
    /// bits 16:15: IRQ bits ([`super::irq`]) to raise when its store retires.
    pub const IRQ_LSB: usize = 15;
    /// bit 17: the element belongs to an IEEE-mode job.
    pub const IEEE_BIT: usize = 17;
    /// Record width.
    pub const WIDTH: usize = 18;
    const _: () = assert!(AUX_LSB == OPCODE_LSB + super::cmd::OPCODE_WIDTH);
    const _: () = assert!(POLARITY_BIT == AUX_LSB + super::cmd::AUX_WIDTH);
    const _: () = assert!(INIT_SEL_LSB == POLARITY_BIT + 1);
    const _: () = assert!(INIT_BIT == INIT_SEL_LSB + super::cmd::INIT_SEL_WIDTH);
    const _: () = assert!(STORE_BIT == INIT_BIT + 1);
    const _: () = assert!(READ_A_BIT == STORE_BIT + 1);
    const _: () = assert!(READ_B_BIT == READ_A_BIT + 1);
    const _: () = assert!(READ_C_BIT == READ_B_BIT + 1);
    const _: () = assert!(IRQ_LSB == READ_C_BIT + 1);
    const _: () = assert!(IEEE_BIT == IRQ_LSB + super::irq::WIDTH);
    const _: () = assert!(WIDTH == IEEE_BIT + 1);
}

/// Layout of an NTX write-queue entry (RTL only): the value, whether the
/// write is cancelled (a MASKMAC store whose test is false) and the IRQ
/// bits it raises when it retires.
pub mod wq {
    /// bits 31:0: the value.
    pub const DATA_LSB: usize = 0;
    /// bit 32: cancelled.
    pub const CANCEL_BIT: usize = super::DATA_WIDTH;
    /// bits 34:33: IRQ bits.
    pub const IRQ_LSB: usize = CANCEL_BIT + 1;
    /// Entry width.
    pub const WIDTH: usize = IRQ_LSB + super::irq::WIDTH;
    /// Entries (results in the queue plus FMAC stores in flight).
    pub const DEPTH: usize = 16;
}

/// Register base of NTX `i` in the reference cluster's address map.
pub const fn ntx_base_addr(i: u32) -> u32 {
    0x1020_4800 + i * 0x80
}
/// Broadcast alias: a write here goes to every NTX of the cluster.
pub const NTX_BROADCAST_ADDR: u32 = 0x1020_4C00;

/// Cluster architecture (spec sections 1-3, 9): counts, address map and the
/// interconnect's master numbering. Blocks take their sizes as const
/// generics; the defaults of the reference cluster live here.
pub mod cluster {
    /// NTX co-processors per cluster.
    pub const N_NTX: usize = 8;
    /// TCDM master ports per NTX (operand A = port 0, operand B = port 1).
    pub const NTX_PORTS: usize = 2;
    /// TCDM banks (word interleaved; a power of two).
    pub const N_BANKS: usize = 32;
    /// log2 of `N_BANKS`.
    pub const LOG2_BANKS: usize = 5;
    /// TCDM ports of all NTX together.
    pub const NTX_MASTERS: usize = N_NTX * NTX_PORTS;
    /// Interconnect masters: the NTX ports first (NTX i port p = 2i+p), then
    /// the control core, then the DMA.
    pub const N_MASTERS: usize = N_NTX * NTX_PORTS + 2;
    /// Master index of the control core's TCDM port.
    pub const CORE_MASTER: usize = N_NTX * NTX_PORTS;
    /// Master index of the DMA's TCDM port.
    pub const DMA_MASTER: usize = N_NTX * NTX_PORTS + 1;
    /// Words per bank of the default cluster: 512 KiB of TCDM as the reference
    /// (128 Ki words over 32 banks).
    pub const BANK_WORDS_LOG2: usize = 12;
    /// Byte base address of the TCDM in the cluster address map (PULP).
    pub const TCDM_BASE: u32 = 0x1000_0000;
    /// Byte base of the DMA's register window (PULP cluster peripherals).
    pub const DMA_BASE: u32 = 0x1020_0400;
    /// Arbitration levels of an interconnect master (2-bit level, highest wins).
    pub const PRIO_LEVEL_WIDTH: usize = 2;
    /// Level of the control core and the DMA: NTX ports above it (NTX
    /// priority mode 00), equal (01), or below it one cycle in eight (10).
    pub const CORE_LEVEL: u32 = 1;
    /// Cycles per NTX-priority window in mode 10 (7 NTX cycles, 1 core cycle).
    pub const PRIO_WINDOW: u32 = 8;
    /// Interconnect aging: a request refused this many cycles in a row
    /// outranks every level and urgency hint at its bank, so a master that
    /// holds its request waits at most `AGE_LIMIT + M - 1` cycles.
    pub const AGE_LIMIT: u32 = 255;
    /// Width of a master's wait counter (holds `AGE_LIMIT`).
    pub const AGE_WIDTH: usize = 8;
    const _: () = assert!(AGE_LIMIT < (1 << AGE_WIDTH) as u32 && AGE_LIMIT > 0);
}

/// DMA engine (2-D transfers between external memory and the TCDM).
pub mod dma {
    /// Register word offsets from `cluster::DMA_BASE`.
    pub mod regs {
        /// External (HMC vault) byte address of the first word.
        pub const EXT_ADDR: u32 = 0;
        /// TCDM byte address (cluster address map) of the first word.
        pub const TCDM_ADDR: u32 = 1;
        /// Bytes per row (a multiple of 4, nonzero).
        pub const ROW_BYTES: u32 = 2;
        /// Number of rows (nonzero).
        pub const ROWS: u32 = 3;
        /// Byte distance between row starts in external memory.
        pub const EXT_STRIDE: u32 = 4;
        /// Byte distance between row starts in the TCDM.
        pub const TCDM_STRIDE: u32 = 5;
        /// Write: start. bit0 direction (0 external -> TCDM, 1 TCDM ->
        /// external), bit1 interrupt enable. Reads back the last command.
        pub const CMD: u32 = 6;
        /// Read: bit0 busy, bit1 done, bit2 error, bits 6:4 error code.
        /// Write: bit1 / bit2 set clear done / error (and the interrupt).
        pub const STATUS: u32 = 7;
        /// Number of registers (the window is 8 words).
        pub const COUNT: u32 = 8;
    }
    /// Error codes (STATUS bits 6:4).
    pub mod err {
        pub const NONE: u32 = 0;
        /// ROW_BYTES or ROWS is zero.
        pub const ZERO_SIZE: u32 = 1;
        /// An address, ROW_BYTES or a stride is not a multiple of 4.
        pub const UNALIGNED: u32 = 2;
        /// A TCDM row leaves the TCDM (or wraps around).
        pub const TCDM_RANGE: u32 = 3;
        /// An external row leaves the external memory (or wraps around).
        pub const EXT_RANGE: u32 = 4;
        /// CMD written while a transfer is running.
        pub const BUSY: u32 = 5;
    }
    /// Register-port word address width (8 registers).
    pub const REG_ADDR_WIDTH: usize = 3;
    /// Words of the data FIFO of the default cluster DMA (bounds the reads in
    /// flight, so it must cover the external latency for full bandwidth).
    pub const FIFO_DEPTH: usize = 64;
    /// Size of the external memory the DMA may address (bytes, 256 MiB).
    pub const EXT_BYTES: u32 = 1 << 28;
}

/// Cluster address decoding of the control port.
pub mod cluster_map {
    /// Bytes of one NTX register window (32 words).
    pub const NTX_WINDOW_BYTES: u32 = 0x80;
    /// Bytes of the DMA register window (8 words).
    pub const DMA_WINDOW_BYTES: u32 = 0x20;
}

/// The cluster's RISC-V control core and its firmware ABI (spec 10): reset
/// PC, the L2 memory, simulation control, the cluster-control window with
/// the interrupt pending-source register, and the CSR numbers the core
/// implements. The ISS (`ntx_verif::model::rv32`) and the RTL core both
/// take their addresses from here.
pub mod core {
    /// Reset PC (spec 10): the first instruction is fetched from the L2 base.
    pub const RESET_PC: u32 = 0x1C00_0000;
    /// Byte base of the L2 memory (code and data of the firmware).
    pub const L2_BASE: u32 = 0x1C00_0000;
    /// Bytes of L2 (128 KiB).
    pub const L2_BYTES: u32 = 128 * 1024;
    /// Byte base of the simulation-control window (0x10 bytes).
    pub const SIMCTRL_BASE: u32 = 0x1A00_0000;
    /// Bytes of the simulation-control window.
    pub const SIMCTRL_BYTES: u32 = 0x10;
    /// Write: the run ends; the written value is its exit code (0 = pass).
    pub const SIMCTRL_EXIT: u32 = 0x0;
    /// Write: the low byte goes to the console.
    pub const SIMCTRL_PUTC: u32 = 0x4;
    /// Byte base of the cluster-control window (PULP's cluster peripheral
    /// base; the DMA follows at 0x1020_0400). Word registers only.
    pub const CLUSTER_CTRL_BASE: u32 = 0x1020_0000;
    /// Bytes of the cluster-control window (8 words; unused words read 0).
    pub const CLUSTER_CTRL_BYTES: u32 = 0x20;
    /// IRQ_PENDING (RO), byte offset in the cluster-control window: bit `i`
    /// (i < 8) is NTX `i`'s interrupt line (its IRQ register is non-zero),
    /// bit 8 the DMA's (done or error with CMD bit1 set). Writes are
    /// ignored. Clear a source at the source (NTX IRQ / DMA STATUS).
    pub const IRQ_PENDING: u32 = 0x0;
    /// IRQ_ENABLE (RW), byte offset: which sources drive the core's machine
    /// external interrupt, `MEIP = (IRQ_PENDING & IRQ_ENABLE) != 0`. Bits
    /// above `IRQ_SOURCES` are ignored (read 0). Resets to all sources.
    pub const IRQ_ENABLE: u32 = 0x4;
    /// TCDM bytes of the control core's system (spec 10): the default
    /// cluster's 512 KiB, whatever its bank count (`ntx run-elf --banks`
    /// changes the banking, not the size). A load or store beyond it is an
    /// access fault (mcause 5 / 7) in the ISS and in the RTL core alike.
    pub const TCDM_BYTES: u32 =
        ((super::cluster::N_BANKS << super::cluster::BANK_WORDS_LOG2) * 4) as u32;
    /// The NTX register windows and the broadcast alias after them: one
    /// contiguous span of word registers (`N_NTX + 1` windows of 0x80).
    pub const NTX_REGS_BASE: u32 = super::ntx_base_addr(0);
    /// Bytes of the span at [`NTX_REGS_BASE`].
    pub const NTX_REGS_BYTES: u32 =
        (super::cluster::N_NTX as u32 + 1) * super::cluster_map::NTX_WINDOW_BYTES;
    const _: () =
        assert!(super::NTX_BROADCAST_ADDR == super::ntx_base_addr(super::cluster::N_NTX as u32));
    /// Number of interrupt sources: the NTX, then the DMA (bit 8).
    pub const IRQ_SOURCES: u32 = 9;
    /// Bit of the DMA in IRQ_PENDING / IRQ_ENABLE.
    pub const IRQ_DMA_BIT: u32 = 8;
    /// Reset value of IRQ_ENABLE (every source enabled).
    pub const IRQ_ENABLE_RESET: u32 = (1 << IRQ_SOURCES) - 1;

    /// Machine CSR numbers implemented (spec 10). Every other CSR number is
    /// illegal (mcause 2), as is a write to a read-only CSR.
    pub mod csr {
        pub const MSTATUS: u16 = 0x300;
        pub const MISA: u16 = 0x301;
        pub const MIE: u16 = 0x304;
        pub const MTVEC: u16 = 0x305;
        pub const MSCRATCH: u16 = 0x340;
        pub const MEPC: u16 = 0x341;
        pub const MCAUSE: u16 = 0x342;
        pub const MTVAL: u16 = 0x343;
        pub const MIP: u16 = 0x344;
        pub const MCYCLE: u16 = 0xB00;
        pub const MINSTRET: u16 = 0xB02;
        pub const MCYCLEH: u16 = 0xB80;
        pub const MINSTRETH: u16 = 0xB82;
        /// Read-only user aliases of mcycle / minstret.
        pub const CYCLE: u16 = 0xC00;
        pub const INSTRET: u16 = 0xC02;
        pub const CYCLEH: u16 = 0xC80;
        pub const INSTRETH: u16 = 0xC82;
        /// Read-only machine information registers (read 0 but MHARTID = 0 too).
        pub const MVENDORID: u16 = 0xF11;
        pub const MARCHID: u16 = 0xF12;
        pub const MIMPID: u16 = 0xF13;
        pub const MHARTID: u16 = 0xF14;
        /// misa value: MXL = 1 (32 bit), extensions I and M.
        pub const MISA_VALUE: u32 = (1 << 30) | (1 << 8) | (1 << 12);
        /// mstatus bits kept: MIE (3), MPIE (7); MPP (12:11) reads 0b11.
        pub const MSTATUS_MIE: u32 = 1 << 3;
        pub const MSTATUS_MPIE: u32 = 1 << 7;
        pub const MSTATUS_MPP: u32 = 3 << 11;
        /// mie.MEIE / mip.MEIP: the only interrupt bit implemented.
        pub const MEI_BIT: u32 = 1 << 11;
    }

    /// mcause values.
    pub mod cause {
        pub const INSN_MISALIGNED: u32 = 0;
        pub const INSN_ACCESS: u32 = 1;
        pub const ILLEGAL: u32 = 2;
        pub const BREAKPOINT: u32 = 3;
        pub const LOAD_MISALIGNED: u32 = 4;
        pub const LOAD_ACCESS: u32 = 5;
        pub const STORE_MISALIGNED: u32 = 6;
        pub const STORE_ACCESS: u32 = 7;
        pub const ECALL_M: u32 = 11;
        /// Machine external interrupt (interrupt bit 31 set, code 11).
        pub const MACHINE_EXTERNAL_IRQ: u32 = 0x8000_000B;
    }
}

/// RTL parameters of the control core (its address map, CSRs and causes
/// are in [`core`]).
pub mod rv {
    /// log2 of the L2 size in words (`core::L2_BYTES` / 4).
    pub const L2_WORDS_LOG2: usize = 15;
    const _: () = assert!((4u32 << L2_WORDS_LOG2) == super::core::L2_BYTES);
    /// Cycles of a multiplication (one 16x16 partial product per cycle).
    pub const MUL_CYCLES: u32 = 4;
    /// Cycles of a division (start, 32 restoring steps, result).
    pub const DIV_CYCLES: u32 = 34;
}
