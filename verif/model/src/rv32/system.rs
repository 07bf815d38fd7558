//! The control core's system as the firmware sees it (spec 10): a [`Hart`]
//! on a bus with the 128 KiB L2, the functional cluster ([`ClusterModel`]:
//! TCDM, NTX, broadcast alias, DMA and its external memory), the
//! cluster-control window (interrupt pending-source / enable registers,
//! `params::core::IRQ_PENDING`) and simulation control (EXIT, PUTC).
//!
//! Access rules: L2 and TCDM take byte, halfword and word accesses (TCDM
//! sub-word stores are read-modify-write of the word, as byte enables);
//! instruction fetch only from L2 (elsewhere an access fault, mcause 1).
//! NTX, DMA and cluster-control registers take word accesses only (a byte
//! or halfword access is an access fault, mcause 5 / 7). Simulation control
//! takes stores of any size (EXIT takes the stored value, zero-extended;
//! PUTC the low byte) and reads 0. Unmapped addresses are access faults.

use super::elf::ElfImage;
use super::hart::{Bus, Fault, Hart, Retire};
use crate::cluster::ClusterModel;
use crate::mem::DEFAULT_TCDM_BYTES;
use ntx_params::cluster::TCDM_BASE;
use ntx_params::core::{
    CLUSTER_CTRL_BASE, CLUSTER_CTRL_BYTES, IRQ_ENABLE, IRQ_ENABLE_RESET, IRQ_PENDING, L2_BASE,
    L2_BYTES, SIMCTRL_BASE, SIMCTRL_BYTES, SIMCTRL_EXIT, SIMCTRL_PUTC,
};
use std::fmt;

// The RTL core decides access faults from the same TCDM size.
const _: () = assert!(DEFAULT_TCDM_BYTES == ntx_params::core::TCDM_BYTES as usize);

/// Default external (HMC vault) memory of the ISS system: 16 MiB.
pub const DEFAULT_EXT_BYTES: usize = 16 << 20;

/// The core, its memories and the cluster.
#[derive(Clone, Debug)]
pub struct System {
    pub hart: Hart,
    /// L2 bytes, `l2[0]` at `L2_BASE` (128 KiB).
    pub l2: Vec<u8>,
    pub cluster: ClusterModel,
    /// Bytes written to PUTC.
    pub console: Vec<u8>,
    /// Value written to EXIT (the run has ended).
    pub exit: Option<u32>,
    /// Cluster-control IRQ_ENABLE register.
    pub irq_enable: u32,
}

/// Why [`System::run`] stopped without an EXIT write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunError {
    /// The cycle limit was reached.
    CycleLimit { cycles: u64, pc: u32 },
    /// `wfi` with no enabled interrupt pending in the untimed model, where
    /// nothing can raise one any more: the firmware would wait forever.
    WfiDeadlock { pc: u32 },
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::CycleLimit { cycles, pc } => write!(
                f,
                "cycle limit of {cycles} cycles reached without an EXIT write (pc {pc:#010x})"
            ),
            RunError::WfiDeadlock { pc } => write!(
                f,
                "wfi at pc {pc:#010x} with no enabled interrupt pending: the untimed model can \
                 never wake it (check mie.MEIE, IRQ_ENABLE and that a job or DMA interrupt was requested)"
            ),
        }
    }
}

impl std::error::Error for RunError {}

impl Default for System {
    fn default() -> Self {
        Self::new()
    }
}

fn in_window(addr: u32, base: u32, bytes: u32) -> bool {
    addr.wrapping_sub(base) < bytes
}

impl System {
    /// A system out of reset with the default TCDM (512 KiB, zeroed) and
    /// `DEFAULT_EXT_BYTES` of external memory.
    pub fn new() -> Self {
        Self::with_cluster(ClusterModel::new(DEFAULT_TCDM_BYTES, DEFAULT_EXT_BYTES, 0))
    }

    /// A system out of reset around `cluster`.
    pub fn with_cluster(cluster: ClusterModel) -> Self {
        Self {
            hart: Hart::new(),
            l2: vec![0; L2_BYTES as usize],
            cluster,
            console: Vec::new(),
            exit: None,
            irq_enable: IRQ_ENABLE_RESET,
        }
    }

    /// Copy an ELF image's segments into L2 / TCDM (the image was checked
    /// against this memory map by [`super::elf`]) and reset the hart.
    pub fn load_elf(&mut self, img: &ElfImage) {
        for s in &img.segments {
            for (i, &b) in s.data.iter().enumerate() {
                let a = s.addr + i as u32;
                self.write_mem_byte(a, b)
                    .expect("ELF segments are checked against the memory map when parsed");
            }
        }
        self.hart = Hart::new();
        self.exit = None;
    }

    /// Write one byte of L2 or TCDM (backdoor; `None` elsewhere).
    pub fn write_mem_byte(&mut self, addr: u32, b: u8) -> Option<()> {
        if in_window(addr, L2_BASE, L2_BYTES) {
            self.l2[(addr - L2_BASE) as usize] = b;
            return Some(());
        }
        let tb = self.cluster.tcdm.bytes() as u32;
        if in_window(addr, TCDM_BASE, tb) {
            let w = (addr - TCDM_BASE) / 4;
            let sh = 8 * (addr % 4);
            let old = self.cluster.tcdm.words()[w as usize];
            self.cluster
                .tcdm
                .write(w, (old & !(0xFF << sh)) | ((b as u32) << sh));
            return Some(());
        }
        None
    }

    /// Read one byte of L2 or TCDM (backdoor; `None` elsewhere).
    pub fn read_mem_byte(&self, addr: u32) -> Option<u8> {
        if in_window(addr, L2_BASE, L2_BYTES) {
            return Some(self.l2[(addr - L2_BASE) as usize]);
        }
        let tb = self.cluster.tcdm.bytes() as u32;
        if in_window(addr, TCDM_BASE, tb) {
            let w = self.cluster.tcdm.words()[((addr - TCDM_BASE) / 4) as usize];
            return Some((w >> (8 * (addr % 4))) as u8);
        }
        None
    }

    /// Read a little-endian word of L2 or TCDM (backdoor).
    pub fn read_mem_word(&self, addr: u32) -> Option<u32> {
        let mut v = 0;
        for i in 0..4 {
            v |= (self.read_mem_byte(addr.wrapping_add(i))? as u32) << (8 * i);
        }
        Some(v)
    }

    /// IRQ_PENDING: the cluster's interrupt lines (bit i NTX i, bit 8 DMA).
    pub fn irq_pending(&self) -> u32 {
        self.cluster.irq_lines()
    }

    /// One hart step on this system.
    pub fn step(&mut self) -> Retire {
        let mut hart = std::mem::take(&mut self.hart);
        let r = hart.step(self);
        self.hart = hart;
        r
    }

    /// Run until EXIT is written or `max_cycles` (mcycle) is reached;
    /// `trace` sees every step. Returns the exit code.
    pub fn run(
        &mut self,
        max_cycles: u64,
        mut trace: impl FnMut(&Retire),
    ) -> Result<u32, RunError> {
        loop {
            if let Some(code) = self.exit {
                return Ok(code);
            }
            if self.hart.mcycle >= max_cycles {
                return Err(RunError::CycleLimit {
                    cycles: self.hart.mcycle,
                    pc: self.hart.pc,
                });
            }
            let r = self.step();
            trace(&r);
            // Untimed: a wfi that waits now waits forever (nothing changes
            // the interrupt lines while the hart waits).
            if r.stall && r.insn == WFI {
                return Err(RunError::WfiDeadlock { pc: r.pc });
            }
        }
    }

    fn cluster_load(&mut self, addr: u32, size: u8) -> Result<u32, Fault> {
        let word = self.cluster.read(addr & !3).map_err(|_| Fault::Access)?;
        Ok(match size {
            4 => word,
            2 => (word >> (8 * (addr & 2))) & 0xFFFF,
            _ => (word >> (8 * (addr & 3))) & 0xFF,
        })
    }
}

/// The `wfi` instruction word.
pub const WFI: u32 = 0x1050_0073;

fn l2_index(addr: u32, size: u8) -> Option<usize> {
    let off = addr.wrapping_sub(L2_BASE);
    (off < L2_BYTES && off + size as u32 <= L2_BYTES).then_some(off as usize)
}

impl Bus for System {
    fn fetch(&mut self, addr: u32) -> Result<u32, Fault> {
        if addr & 3 != 0 {
            return Err(Fault::Misaligned);
        }
        let i = l2_index(addr, 4).ok_or(Fault::Access)?;
        Ok(u32::from_le_bytes(self.l2[i..i + 4].try_into().unwrap()))
    }

    fn load(&mut self, addr: u32, size: u8) -> Result<u32, Fault> {
        if !addr.is_multiple_of(size as u32) {
            return Err(Fault::Misaligned);
        }
        if let Some(i) = l2_index(addr, size) {
            let mut v = 0;
            for k in 0..size as usize {
                v |= (self.l2[i + k] as u32) << (8 * k);
            }
            return Ok(v);
        }
        let tb = self.cluster.tcdm.bytes() as u32;
        if in_window(addr, TCDM_BASE, tb) {
            return self.cluster_load(addr, size);
        }
        if in_window(addr, SIMCTRL_BASE, SIMCTRL_BYTES) {
            return Ok(0);
        }
        if size != 4 {
            return Err(Fault::Access);
        }
        if in_window(addr, CLUSTER_CTRL_BASE, CLUSTER_CTRL_BYTES) {
            return Ok(match addr - CLUSTER_CTRL_BASE {
                IRQ_PENDING => self.irq_pending(),
                IRQ_ENABLE => self.irq_enable,
                _ => 0,
            });
        }
        self.cluster_load(addr, 4)
    }

    fn store(&mut self, addr: u32, size: u8, value: u32) -> Result<(), Fault> {
        if !addr.is_multiple_of(size as u32) {
            return Err(Fault::Misaligned);
        }
        let value = if size == 4 {
            value
        } else {
            value & ((1 << (8 * size)) - 1)
        };
        if let Some(i) = l2_index(addr, size) {
            for k in 0..size as usize {
                self.l2[i + k] = (value >> (8 * k)) as u8;
            }
            return Ok(());
        }
        if in_window(addr, SIMCTRL_BASE, SIMCTRL_BYTES) {
            match addr - SIMCTRL_BASE {
                SIMCTRL_EXIT => self.exit = Some(value),
                SIMCTRL_PUTC => self.console.push(value as u8),
                _ => {}
            }
            return Ok(());
        }
        let tb = self.cluster.tcdm.bytes() as u32;
        if in_window(addr, TCDM_BASE, tb) && size != 4 {
            let old = self.cluster_load(addr & !3, 4)?;
            let sh = 8 * (addr & 3);
            let mask = (((1u64 << (8 * size)) - 1) as u32) << sh;
            let v = (old & !mask) | (value << sh);
            return self.store(addr & !3, 4, v);
        }
        if size != 4 {
            return Err(Fault::Access);
        }
        if in_window(addr, CLUSTER_CTRL_BASE, CLUSTER_CTRL_BYTES) {
            if addr - CLUSTER_CTRL_BASE == IRQ_ENABLE {
                self.irq_enable = value & IRQ_ENABLE_RESET;
            }
            return Ok(());
        }
        match self.cluster.write(addr, value) {
            Ok(true) => Ok(()),
            Ok(false) => Err(Fault::Retry),
            Err(_) => Err(Fault::Access),
        }
    }

    fn irq(&self) -> bool {
        self.irq_pending() & self.irq_enable != 0
    }
}
