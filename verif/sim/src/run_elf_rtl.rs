//! `ntx run-elf --backend rtl|verilator`: a firmware ELF on the RTL cluster
//! with its control core ([`ntx_hw::system::ClusterSystem`]: core, L2,
//! simulation control, cluster-control registers, 8 NTX, DMA, TCDM) on
//! rust-hdl or Verilator, with the HMC vault model on the DMA's external
//! port. Both backends see the same inputs and count the same cycles.
//!
//! Loading: the core is held (`tb_sel`) while the ELF's L2 and TCDM words
//! are written through the testbench paths; then it starts at the reset
//! PC. After EXIT the memories are read back ([`ElfBackend::memory`]).

use crate::cluster_tb::big_stack;
use crate::model::rv32::elf::ElfImage;
use crate::run_elf::{ElfBackend, ElfRunOpts, ElfRunReport, MemImage};
use crate::system_tb::{RtlSystem, SystemDrive, VerilatedSystem, BANK_CONFIGS, DEFAULT_BANKS};
use crate::verilator::BuildOptions;
use ntx_hw::params::cluster::TCDM_BASE;
use ntx_hw::params::core::{L2_BASE, L2_BYTES, TCDM_BYTES};
use std::collections::BTreeMap;

/// Seed of the HMC vault's latency jitter (fixed: runs are reproducible).
pub const VAULT_SEED: u64 = 1;

/// The RTL system behind `run-elf`.
pub struct SystemElfBackend {
    name: &'static str,
    mem: Option<MemImage>,
}

impl SystemElfBackend {
    /// `rtl` (rust-hdl) or `verilator`.
    pub fn new(name: &str) -> Result<Self, String> {
        let name = match name {
            "rtl" => "rtl",
            "verilator" => "verilator",
            _ => return Err(format!("no RTL backend {name:?}")),
        };
        Ok(SystemElfBackend { name, mem: None })
    }
}

/// L2 and TCDM words of an image (read-modify-write of partial words).
fn image_words(img: &ElfImage) -> (BTreeMap<usize, u32>, BTreeMap<usize, u32>) {
    let (mut l2, mut tcdm) = (BTreeMap::new(), BTreeMap::new());
    for s in &img.segments {
        for (k, &b) in s.data.iter().enumerate() {
            let a = s.addr.wrapping_add(k as u32);
            let sh = 8 * (a & 3);
            let w = if a.wrapping_sub(L2_BASE) < L2_BYTES {
                l2.entry(((a - L2_BASE) / 4) as usize).or_insert(0)
            } else {
                tcdm.entry(((a - TCDM_BASE) / 4) as usize).or_insert(0)
            };
            *w = (*w & !(0xFF << sh)) | ((b as u32) << sh);
        }
    }
    (l2, tcdm)
}

/// Load `img`, run it to EXIT on `d`, read the memories back.
pub fn run_image(
    d: &mut dyn SystemDrive,
    img: &ElfImage,
    opts: &ElfRunOpts,
) -> Result<(ElfRunReport, MemImage), String> {
    let (l2, tcdm) = image_words(img);
    d.hold();
    for (&w, &v) in &l2 {
        d.write_l2(w, v);
    }
    for (&w, &v) in &tcdm {
        d.write_tcdm(w, v);
    }
    d.start();
    let mut console = Vec::new();
    let mut report = None;
    for _ in 0..opts.max_cycles {
        let out = d.step();
        if let Some(exit) = out.exit {
            report = Some(ElfRunReport {
                exit,
                cycles: out.mcycle,
                instret: out.minstret,
                console: std::mem::take(&mut console),
            });
            break;
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
    }
    let Some(report) = report else {
        return Err(format!(
            "cycle limit of {} cycles reached without an EXIT write; console so far: {:?}",
            opts.max_cycles,
            String::from_utf8_lossy(&console)
        ));
    };
    d.hold();
    let mem = MemImage {
        l2: d.read_l2_block(0, (L2_BYTES / 4) as usize),
        tcdm: d.read_tcdm_block(0, (TCDM_BYTES / 4) as usize),
        ext: d.hmc().mem.clone(),
    };
    Ok((report, mem))
}

fn run_config<const B: usize, const N: usize>(
    name: &'static str,
    img: &ElfImage,
    opts: &ElfRunOpts,
) -> Result<(ElfRunReport, MemImage), String> {
    if name == "rtl" {
        if opts.vcd.is_some() {
            return Err(
                "--vcd is written by the verilator backend (run with --backend verilator)".into(),
            );
        }
        let (img, opts) = (img.clone(), opts.clone());
        return big_stack(move || {
            let mut d = RtlSystem::<B, N>::new(VAULT_SEED);
            run_image(&mut d, &img, &opts)
        });
    }
    let bo = if opts.vcd.is_some() {
        BuildOptions::traced()
    } else {
        BuildOptions::default()
    };
    let mut d = VerilatedSystem::new_with::<B, N>(VAULT_SEED, &bo).map_err(|e| e.0)?;
    if let Some(p) = &opts.vcd {
        d.model.trace_open(p).map_err(|e| e.0)?;
    }
    let r = run_image(&mut d, img, opts);
    d.model.trace_close();
    r
}

impl ElfBackend for SystemElfBackend {
    fn name(&self) -> &'static str {
        self.name
    }
    fn tcdm_bytes(&self) -> u32 {
        TCDM_BYTES
    }
    fn run(&mut self, img: &ElfImage, opts: &ElfRunOpts) -> Result<ElfRunReport, String> {
        let banks = opts.banks.unwrap_or(DEFAULT_BANKS);
        let r = ntx_flow::bank_dispatch!(system, banks, run_config::<_, _>(self.name, img, opts),
        b => Err(format!(
            "--banks {b}: the system is built for {:?} banks",
            BANK_CONFIGS.map(|c| c.0)
        )));
        let (rep, mem) = r?;
        self.mem = Some(mem);
        Ok(rep)
    }
    fn memory(&mut self) -> Option<MemImage> {
        self.mem.clone()
    }
}
