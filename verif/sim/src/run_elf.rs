//! `ntx run-elf`: run a firmware ELF on a backend (spec 10). A backend is
//! anything that implements [`ElfBackend`]; `iss` is the golden model
//! ([`crate::model::rv32::System`]). The RTL backends plug in through
//! `create_elf_backend`, the registry of `ntx-verif` (a layer above).

use crate::model::rv32::elf::{self, ElfImage};
use crate::model::rv32::{load_regions, System};
use ntx_hw::params::core::RESET_PC;
use std::path::Path;

/// Options of one run.
#[derive(Clone, Debug)]
pub struct ElfRunOpts {
    /// Cycle limit (an error when reached before EXIT).
    pub max_cycles: u64,
    /// Print one line per retired instruction / trap to stderr.
    pub trace: bool,
    /// TCDM banks (RTL backends; the ISS models the default TCDM).
    pub banks: Option<usize>,
    /// VCD output (RTL backends).
    pub vcd: Option<std::path::PathBuf>,
}

impl Default for ElfRunOpts {
    fn default() -> Self {
        Self {
            max_cycles: 100_000_000,
            trace: false,
            banks: None,
            vcd: None,
        }
    }
}

/// Outcome of a run that ended with an EXIT write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ElfRunReport {
    pub exit: u32,
    pub cycles: u64,
    pub instret: u64,
    /// Console output (PUTC bytes).
    pub console: Vec<u8>,
}

impl ElfRunReport {
    /// The summary line of spec 10.
    pub fn summary(&self, backend: &str) -> String {
        format!(
            "exit={} cycles={} instret={} backend={backend}",
            self.exit, self.cycles, self.instret
        )
    }
}

/// The memories after a run, as words: L2 (from `L2_BASE`), TCDM (from
/// `TCDM_BASE`) and the external (HMC) memory (from address 0).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct MemImage {
    pub l2: Vec<u32>,
    pub tcdm: Vec<u32>,
    pub ext: Vec<u32>,
}

impl MemImage {
    /// First differing word between `self` and `other` (memory name, word
    /// index, the two values), or `None` when equal.
    pub fn first_difference(&self, other: &MemImage) -> Option<(&'static str, usize, u32, u32)> {
        for (name, a, b) in [
            ("L2", &self.l2, &other.l2),
            ("TCDM", &self.tcdm, &other.tcdm),
            ("external", &self.ext, &other.ext),
        ] {
            if a.len() != b.len() {
                return Some((name, a.len().min(b.len()), a.len() as u32, b.len() as u32));
            }
            if let Some(i) = (0..a.len()).find(|&i| a[i] != b[i]) {
                return Some((name, i, a[i], b[i]));
            }
        }
        None
    }
}

/// Something that runs a firmware image from reset to its EXIT write.
pub trait ElfBackend {
    /// Backend name as on the command line.
    fn name(&self) -> &'static str;
    /// TCDM size in bytes (for the loader's memory map).
    fn tcdm_bytes(&self) -> u32;
    /// Load `img`, reset, run until EXIT or the cycle limit.
    fn run(&mut self, img: &ElfImage, opts: &ElfRunOpts) -> Result<ElfRunReport, String>;
    /// The memories after the last run.
    fn memory(&mut self) -> Option<MemImage>;
}

/// The ISS backend: the golden model.
#[derive(Default)]
pub struct IssBackend {
    pub system: System,
}

impl ElfBackend for IssBackend {
    fn name(&self) -> &'static str {
        "iss"
    }
    fn tcdm_bytes(&self) -> u32 {
        self.system.cluster.tcdm.bytes() as u32
    }
    fn run(&mut self, img: &ElfImage, opts: &ElfRunOpts) -> Result<ElfRunReport, String> {
        let s = &mut self.system;
        s.load_elf(img);
        let trace = opts.trace;
        let res = s.run(opts.max_cycles, |r| {
            if trace {
                eprintln!("{}", r.trace_line());
            }
        });
        match res {
            Ok(exit) => Ok(ElfRunReport {
                exit,
                cycles: s.hart.mcycle,
                instret: s.hart.minstret,
                console: s.console.clone(),
            }),
            Err(e) => Err(format!(
                "{e}; console so far: {:?}",
                String::from_utf8_lossy(&s.console)
            )),
        }
    }
    fn memory(&mut self) -> Option<MemImage> {
        let s = &self.system;
        Some(MemImage {
            l2: s
                .l2
                .chunks(4)
                .map(|c| u32::from_le_bytes(c.try_into().unwrap()))
                .collect(),
            tcdm: s.cluster.tcdm.words().to_vec(),
            ext: s.cluster.ext.clone(),
        })
    }
}

/// Load `path` for `backend`'s memory map.
pub fn load_elf_for(backend: &dyn ElfBackend, path: &Path) -> Result<ElfImage, String> {
    elf::load_file(path, &load_regions(backend.tcdm_bytes()), RESET_PC).map_err(|e| e.to_string())
}
