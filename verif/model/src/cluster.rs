//! Functional twin of the cluster's control-port address space (spec 1, 3
//! and 10): the TCDM, eight register-level NTX (`NtxModel`), their
//! broadcast alias, and the DMA with its external (HMC) memory.
//!
//! Untimed, like [`NtxModel`]: a job runs to completion when it reaches an
//! NTX's job queue, and a DMA transfer completes when CMD is written (STATUS
//! then reads done, or error with the code of [`dma::validate`]). Addresses
//! are the cluster's byte addresses (`params::cluster`): the TCDM at
//! `TCDM_BASE` (the NTX AGUs address it from offset 0), NTX `i` at
//! `ntx_base_addr(i)`, the broadcast alias at `NTX_BROADCAST_ADDR` (a write
//! goes to every NTX; a read answers from NTX 0), the DMA at `DMA_BASE`.
//!
//! The instruction-set simulator's system bus and the DNN command-list
//! executor both sit on top of this model.

use super::dma::{self, Descriptor, DmaLimits};
use super::mem::Tcdm;
use super::ntx::NtxModel;
use ntx_params::cluster::{DMA_BASE, N_NTX, TCDM_BASE};
use ntx_params::cluster_map::{DMA_WINDOW_BYTES, NTX_WINDOW_BYTES};
use ntx_params::dma::{err, regs as dregs};
use ntx_params::{ntx_base_addr, NTX_BROADCAST_ADDR};
use std::fmt;

/// An access the cluster cannot serve (no device at the address, or outside
/// the TCDM / external memory).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessError {
    /// Byte address of the access.
    pub addr: u32,
    /// What is wrong.
    pub what: &'static str,
}

impl fmt::Display for AccessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cluster access at {:#010x}: {}", self.addr, self.what)
    }
}

impl std::error::Error for AccessError {}

/// What a control-port address selects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// TCDM word (index from `TCDM_BASE`).
    Tcdm(u32),
    /// Register word `reg` of NTX `i`.
    Ntx(usize, u32),
    /// Register word of every NTX (broadcast alias).
    Broadcast(u32),
    /// DMA register word.
    Dma(u32),
}

/// DMA register state of the functional twin.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DmaRegs {
    /// EXT_ADDR .. TCDM_STRIDE as written.
    pub desc: [u32; 6],
    /// Last CMD word written.
    pub cmd: u32,
    pub done: bool,
    pub error: bool,
    pub code: u32,
    /// Words moved by all transfers.
    pub words_moved: u64,
}

impl DmaRegs {
    /// The descriptor the registers describe (direction from `cmd`).
    pub fn descriptor(&self, cmd: u32) -> Descriptor {
        Descriptor {
            ext_addr: self.desc[dregs::EXT_ADDR as usize],
            tcdm_addr: self.desc[dregs::TCDM_ADDR as usize],
            row_bytes: self.desc[dregs::ROW_BYTES as usize],
            rows: self.desc[dregs::ROWS as usize],
            ext_stride: self.desc[dregs::EXT_STRIDE as usize],
            tcdm_stride: self.desc[dregs::TCDM_STRIDE as usize],
            to_ext: cmd & 1 != 0,
        }
    }

    /// STATUS register value: bit0 busy (never, untimed), bit1 done, bit2
    /// error, bits 6:4 error code.
    pub fn status(&self) -> u32 {
        ((self.done as u32) << 1) | ((self.error as u32) << 2) | (self.code << 4)
    }

    /// Interrupt output: done or error, when CMD bit1 enabled it.
    pub fn irq_line(&self) -> bool {
        self.cmd & 2 != 0 && (self.done || self.error)
    }
}

/// The functional cluster: TCDM, eight NTX, DMA, external memory.
#[derive(Clone, Debug)]
pub struct ClusterModel {
    /// TCDM words (the NTX address it from word 0).
    pub tcdm: Tcdm,
    /// The NTX co-processors.
    pub ntx: Vec<NtxModel>,
    /// External (HMC) memory, word `i` at external byte address `4 i`.
    pub ext: Vec<u32>,
    /// DMA registers.
    pub dma: DmaRegs,
}

impl ClusterModel {
    /// A cluster with `tcdm_bytes` of TCDM filled with `fill` and
    /// `ext_bytes` of zeroed external memory.
    pub fn new(tcdm_bytes: usize, ext_bytes: usize, fill: u32) -> Self {
        Self {
            tcdm: Tcdm::new(tcdm_bytes, fill),
            ntx: vec![NtxModel::new(); N_NTX],
            ext: vec![0; ext_bytes / 4],
            dma: DmaRegs::default(),
        }
    }

    /// The geometry the DMA checks descriptors against.
    pub fn dma_limits(&self) -> DmaLimits {
        DmaLimits {
            tcdm_base: TCDM_BASE,
            tcdm_bytes: self.tcdm.bytes() as u32,
            ext_bytes: (self.ext.len() * 4) as u32,
        }
    }

    /// Decode a control-port byte address.
    pub fn decode(&self, addr: u32) -> Result<Target, AccessError> {
        let bad = |what| Err(AccessError { addr, what });
        if !addr.is_multiple_of(4) {
            return bad("unaligned word access");
        }
        let tcdm_bytes = self.tcdm.bytes() as u32;
        if (TCDM_BASE..TCDM_BASE.wrapping_add(tcdm_bytes)).contains(&addr) {
            return Ok(Target::Tcdm((addr - TCDM_BASE) / 4));
        }
        if (DMA_BASE..DMA_BASE + DMA_WINDOW_BYTES).contains(&addr) {
            return Ok(Target::Dma((addr - DMA_BASE) / 4));
        }
        if (NTX_BROADCAST_ADDR..NTX_BROADCAST_ADDR + NTX_WINDOW_BYTES).contains(&addr) {
            return Ok(Target::Broadcast((addr - NTX_BROADCAST_ADDR) / 4));
        }
        for i in 0..N_NTX {
            let b = ntx_base_addr(i as u32);
            if (b..b + NTX_WINDOW_BYTES).contains(&addr) {
                return Ok(Target::Ntx(i, (addr - b) / 4));
            }
        }
        bad("no cluster device at this address")
    }

    /// Word write. `Ok(false)`: not granted (an NTX staging area is frozen
    /// behind a halted job); the master retries, as on the hardware.
    pub fn write(&mut self, addr: u32, value: u32) -> Result<bool, AccessError> {
        match self.decode(addr)? {
            Target::Tcdm(w) => {
                self.tcdm.write(w, value);
                Ok(true)
            }
            Target::Ntx(i, reg) => Ok(self.ntx[i].write_reg(&mut self.tcdm, reg, value)),
            Target::Broadcast(reg) => {
                // The hardware grants the broadcast once every NTX took it;
                // an NTX that cannot take it blocks the write for all.
                if !self.ntx.iter().all(|n| n.accepts(reg)) {
                    return Ok(false);
                }
                for n in &mut self.ntx {
                    n.write_reg(&mut self.tcdm, reg, value);
                }
                Ok(true)
            }
            Target::Dma(reg) => {
                self.dma_write(reg, value);
                Ok(true)
            }
        }
    }

    /// Word read.
    pub fn read(&mut self, addr: u32) -> Result<u32, AccessError> {
        Ok(match self.decode(addr)? {
            Target::Tcdm(w) => self.tcdm.read(w),
            Target::Ntx(i, reg) => self.ntx[i].read_reg(reg),
            Target::Broadcast(reg) => self.ntx[0].read_reg(reg),
            Target::Dma(reg) => match reg {
                r if r < dregs::CMD => self.dma.desc[r as usize],
                dregs::CMD => self.dma.cmd,
                dregs::STATUS => self.dma.status(),
                _ => 0,
            },
        })
    }

    fn dma_write(&mut self, reg: u32, value: u32) {
        match reg {
            r if r < dregs::CMD => self.dma.desc[r as usize] = value,
            dregs::CMD => {
                self.dma.cmd = value;
                let d = self.dma.descriptor(value);
                let lim = self.dma_limits();
                match dma::validate(&d, &lim) {
                    Ok(()) => {
                        let n = dma::execute(&d, &lim, self.tcdm.words_mut(), &mut self.ext);
                        self.dma.words_moved += n;
                        self.dma.done = true;
                    }
                    Err(code) => {
                        self.dma.error = true;
                        self.dma.code = code;
                    }
                }
            }
            dregs::STATUS => {
                if value & 2 != 0 {
                    self.dma.done = false;
                }
                if value & 4 != 0 {
                    self.dma.error = false;
                    self.dma.code = err::NONE;
                }
            }
            _ => {}
        }
    }

    /// Interrupt lines: bit `i` is NTX `i`'s IRQ output, bit `N_NTX` the
    /// DMA's.
    pub fn irq_lines(&self) -> u32 {
        let mut v = 0;
        for (i, n) in self.ntx.iter().enumerate() {
            v |= (n.irq_line() as u32) << i;
        }
        v | ((self.dma.irq_line() as u32) << N_NTX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ntx_params::regs;

    #[test]
    fn decode_covers_the_map_and_rejects_holes() {
        let c = ClusterModel::new(64 * 1024, 4096, 0);
        assert_eq!(c.decode(TCDM_BASE + 8), Ok(Target::Tcdm(2)));
        assert_eq!(c.decode(ntx_base_addr(3) + 8), Ok(Target::Ntx(3, 2)));
        assert_eq!(c.decode(NTX_BROADCAST_ADDR + 4), Ok(Target::Broadcast(1)));
        assert_eq!(c.decode(DMA_BASE + 28), Ok(Target::Dma(7)));
        assert!(c.decode(TCDM_BASE + 64 * 1024).is_err());
        assert!(c.decode(TCDM_BASE + 2).is_err());
        assert!(c.decode(0).is_err());
    }

    #[test]
    fn dma_moves_rows_and_reports_errors() {
        let mut c = ClusterModel::new(4096, 4096, 0);
        for i in 0..16 {
            c.ext[i] = 100 + i as u32;
        }
        let d = |r| DMA_BASE + 4 * r;
        for (r, v) in [(0, 0), (1, TCDM_BASE + 64), (2, 8), (3, 2), (4, 16), (5, 8)] {
            c.write(d(r), v).unwrap();
        }
        c.write(d(dregs::CMD), 2).unwrap();
        assert_eq!(c.read(d(dregs::STATUS)).unwrap(), 2);
        assert_eq!(c.irq_lines(), 1 << N_NTX);
        let got: Vec<u32> = (0..4)
            .map(|k| c.read(TCDM_BASE + 64 + 4 * k).unwrap())
            .collect();
        assert_eq!(got, vec![100, 101, 104, 105]);
        c.write(d(dregs::STATUS), 2).unwrap();
        assert_eq!(c.irq_lines(), 0);
        c.write(d(dregs::ROWS), 0).unwrap();
        c.write(d(dregs::CMD), 0).unwrap();
        assert_eq!(c.read(d(dregs::STATUS)).unwrap(), 4 | (err::ZERO_SIZE << 4));
    }

    #[test]
    fn broadcast_reaches_every_ntx() {
        let mut c = ClusterModel::new(4096, 0, 0);
        c.write(NTX_BROADCAST_ADDR + 4 * regs::LOOP_END, 7).unwrap();
        for i in 0..N_NTX {
            assert_eq!(c.read(ntx_base_addr(i as u32) + 4 * regs::LOOP_END), Ok(7));
        }
    }
}
