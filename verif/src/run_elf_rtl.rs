//! `ntx run-elf --backend rtl|verilator`: a firmware ELF on the RTL control
//! core's system ([`ntx_hw::core::soc::Soc`]: core, L2, simulation
//! control) on rust-hdl or Verilator. Both backends see the same inputs and
//! count the same cycles.
//!
//! Behind the SoC's bus port sits a plain memory at the TCDM's address
//! (`DEFAULT_TCDM_BYTES`, always granting); the cluster (NTX, DMA,
//! cluster-control registers) is not attached to the RTL core yet, so an
//! access to those addresses is reported as an error. The interrupt line is
//! low.

use crate::core_tb::{BusSlave, RtlSoc, SocDrive, VerilatedSoc};
use crate::model::mem::DEFAULT_TCDM_BYTES;
use crate::model::rv32::elf::ElfImage;
use crate::run_elf::{ElfBackend, ElfRunOpts, ElfRunReport};
use ntx_hw::params::cluster::TCDM_BASE;
use ntx_hw::params::core::{L2_BASE, L2_BYTES};

/// The RTL system behind `run-elf`.
pub struct SocElfBackend {
    pub drive: Box<dyn SocDrive>,
}

impl SocElfBackend {
    /// `rtl` (rust-hdl) or `verilator`.
    pub fn new(name: &str) -> Result<Self, String> {
        let drive: Box<dyn SocDrive> = match name {
            "rtl" => Box::new(RtlSoc::new()),
            "verilator" => Box::new(VerilatedSoc::new().map_err(|e| e.0)?),
            _ => return Err(format!("no RTL backend {name:?}")),
        };
        Ok(SocElfBackend { drive })
    }
}

impl ElfBackend for SocElfBackend {
    fn name(&self) -> &'static str {
        self.drive.name()
    }
    fn tcdm_bytes(&self) -> u32 {
        DEFAULT_TCDM_BYTES as u32
    }
    fn run(&mut self, img: &ElfImage, opts: &ElfRunOpts) -> Result<ElfRunReport, String> {
        let d = &mut *self.drive;
        let mut slave = BusSlave::new(TCDM_BASE, DEFAULT_TCDM_BYTES / 4, 0, 0);
        // L2 words touched by the segments (read-modify-write of partial words)
        let mut l2: std::collections::BTreeMap<usize, u32> = Default::default();
        for s in &img.segments {
            for (k, &b) in s.data.iter().enumerate() {
                let a = s.addr.wrapping_add(k as u32);
                let sh = 8 * (a & 3);
                if a.wrapping_sub(L2_BASE) < L2_BYTES {
                    let w = l2.entry(((a - L2_BASE) / 4) as usize).or_insert(0);
                    *w = (*w & !(0xFF << sh)) | ((b as u32) << sh);
                } else {
                    let w = ((a - TCDM_BASE) / 4) as usize;
                    let m = &mut slave.mem[w];
                    *m = (*m & !(0xFF << sh)) | ((b as u32) << sh);
                }
            }
        }
        for (&w, &v) in &l2 {
            d.write_l2(w, v);
        }
        d.reset();
        let mut console = Vec::new();
        for cycle in 0..opts.max_cycles {
            let inp = slave.inputs(cycle);
            let out = d.eval(&inp);
            if let Some(exit) = out.exit {
                return Ok(ElfRunReport {
                    exit,
                    cycles: out.mcycle,
                    instret: out.minstret,
                    console,
                });
            }
            if let Some(c) = out.putc {
                console.push(c);
            }
            if opts.trace {
                if let Some(t) = out.trace {
                    let mut s = format!("{:08x} {:08x}", t.pc, t.insn);
                    if let Some(c) = t.trap {
                        s += &format!(" trap={c:#x}");
                    } else if t.rd != 0 {
                        s += &format!(" x{}={:08x}", t.rd, t.rd_val);
                    }
                    eprintln!("{s}");
                }
            }
            slave.edge(out.req);
            if let Some(e) = slave.errors.first() {
                return Err(format!(
                    "cycle {cycle}: {e} (the RTL backends have no cluster behind the \
                     core yet: only L2, the TCDM window as plain memory and \
                     simulation control); console so far: {:?}",
                    String::from_utf8_lossy(&console)
                ));
            }
            d.edge();
        }
        Err(format!(
            "cycle limit of {} cycles reached without an EXIT write; console so far: {:?}",
            opts.max_cycles,
            String::from_utf8_lossy(&console)
        ))
    }
}
