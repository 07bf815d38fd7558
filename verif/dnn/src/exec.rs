//! Executors of a command list ([`Cmd`]): one register-level procedure
//! ([`run`]) over a [`ControlPort`], the control core's view of the cluster
//! (word reads and writes at cluster byte addresses, plus the external
//! memory for host operations). The same register-write sequence thus runs
//! on
//! - the golden cluster model ([`ClusterModel`]: untimed, bit-exact NTX
//!   arithmetic), and
//! - any cycle-level cluster behind [`ClusterDrive`] (the RTL cluster on
//!   Verilator, [`crate::verilator::cluster::VerilatedCluster`], or on
//!   rust-hdl): every access is a control-port access held until granted,
//!   so the cycles include the programming overhead.
//!
//! Protocol per command: `Ntx` writes the staging registers that differ from
//! what this NTX's staging area already holds (it keeps its values across
//! jobs, spec 3), then CMD (the write waits while the staging area is
//! frozen, so at most two jobs are in flight per NTX); `Dma` polls DMA
//! STATUS until not busy, checks the error bit, then writes the six
//! descriptor registers and CMD; `Barrier` polls every NTX's STATUS until
//! idle with an empty queue (an invalid-command flag is an error) and the
//! DMA until not busy; `Host` runs on the external memory.

use super::{Cmd, HostOp, KernelInfo, Program};
use crate::cluster_tb::ClusterDrive;
use crate::model::cluster::ClusterModel;
use crate::model::dma::Descriptor;
use crate::model::ntx::status;
use ntx_params::cluster::{DMA_BASE, N_NTX};
use ntx_params::dma::regs as dregs;
use ntx_params::{ntx_base_addr, regs};

/// The control core's view of a cluster.
pub trait ControlPort {
    /// Word write at a cluster byte address (held until granted).
    fn write(&mut self, addr: u32, value: u32) -> Result<(), String>;
    /// Word read at a cluster byte address.
    fn read(&mut self, addr: u32) -> Result<u32, String>;
    /// Cycles so far (0 on untimed backends).
    fn cycles(&self) -> u64;
    /// External (HMC) memory, word `i` at byte address `4 i`.
    fn ext(&mut self) -> &mut [u32];
    /// Backend name.
    fn name(&self) -> &'static str;
}

impl ControlPort for ClusterModel {
    fn write(&mut self, addr: u32, value: u32) -> Result<(), String> {
        match ClusterModel::write(self, addr, value) {
            Ok(true) => Ok(()),
            // The untimed model runs a job at its commit, so a write is only
            // refused behind a halted (invalid) job.
            Ok(false) => Err(format!(
                "write {addr:#010x} not granted (NTX halted on an invalid job)"
            )),
            Err(e) => Err(e.to_string()),
        }
    }
    fn read(&mut self, addr: u32) -> Result<u32, String> {
        ClusterModel::read(self, addr).map_err(|e| e.to_string())
    }
    fn cycles(&self) -> u64 {
        0
    }
    fn ext(&mut self) -> &mut [u32] {
        &mut self.ext
    }
    fn name(&self) -> &'static str {
        "model"
    }
}

/// A cycle-level cluster simulation as a [`ControlPort`].
pub struct Driven<'a, D: ClusterDrive>(pub &'a mut D);

impl<D: ClusterDrive> ControlPort for Driven<'_, D> {
    fn write(&mut self, addr: u32, value: u32) -> Result<(), String> {
        self.0.access(addr, true, value);
        Ok(())
    }
    fn read(&mut self, addr: u32) -> Result<u32, String> {
        Ok(self.0.access(addr, false, 0))
    }
    fn cycles(&self) -> u64 {
        self.0.cycles()
    }
    fn ext(&mut self) -> &mut [u32] {
        &mut self.0.hmc().mem
    }
    fn name(&self) -> &'static str {
        self.0.backend()
    }
}

/// Per-kernel result of a run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct KernelRun {
    pub info: KernelInfo,
    /// Cycles from the kernel's first command to the next kernel's (0 on
    /// untimed backends).
    pub cycles: u64,
}

/// Executor state kept across runs (what the NTX staging areas hold).
#[derive(Clone, Debug, Default)]
pub struct Executor {
    staged: Vec<[Option<u32>; 32]>,
    /// Polling limit of a barrier (reads per device) before it reports a
    /// hang.
    pub max_polls: u64,
}

impl Executor {
    /// A fresh executor (nothing known about the staging areas).
    pub fn new() -> Self {
        Self {
            staged: vec![[None; 32]; N_NTX],
            max_polls: 50_000_000,
        }
    }

    /// Run `prog` on `port`; returns the kernels with their cycles.
    pub fn run<P: ControlPort>(
        &mut self,
        port: &mut P,
        prog: &Program,
    ) -> Result<Vec<KernelRun>, String> {
        let mut out: Vec<KernelRun> = Vec::with_capacity(prog.kernels.len());
        let mut start = port.cycles();
        for cmd in &prog.cmds {
            match cmd {
                Cmd::Kernel(k) => {
                    let now = port.cycles();
                    if let Some(last) = out.last_mut() {
                        last.cycles = now - start;
                    }
                    start = now;
                    out.push(KernelRun {
                        info: prog.kernels[*k].clone(),
                        cycles: 0,
                    });
                }
                Cmd::Ntx { ntx, job } => {
                    let base = ntx_base_addr(*ntx as u32);
                    for (w, v) in job.staging_writes() {
                        let slot = &mut self.staged[*ntx][w as usize];
                        if *slot != Some(v) {
                            port.write(base + 4 * w, v)?;
                            *slot = Some(v);
                        }
                    }
                    port.write(base + 4 * regs::CMD, job.cmd)?;
                }
                Cmd::Dma(d) => {
                    self.wait_dma(port)?;
                    dma_issue(port, d)?;
                }
                Cmd::Barrier => {
                    for i in 0..N_NTX {
                        self.wait_ntx(port, i)?;
                    }
                    self.wait_dma(port)?;
                }
                Cmd::Host(op) => host(port.ext(), op)?,
            }
        }
        let now = port.cycles();
        if let Some(last) = out.last_mut() {
            last.cycles = now - start;
        }
        Ok(out)
    }

    fn wait_ntx<P: ControlPort>(&self, port: &mut P, i: usize) -> Result<(), String> {
        let addr = ntx_base_addr(i as u32) + 4 * regs::STATUS;
        let idle = status::QUEUE_EMPTY | status::FPU_EMPTY | status::IDLE;
        for _ in 0..self.max_polls {
            let s = port.read(addr)?;
            if s & status::INVALID != 0 {
                return Err(format!("NTX {i}: invalid command (STATUS {s:#x})"));
            }
            if s & (idle | status::COMMITTED) == idle {
                return Ok(());
            }
        }
        Err(format!(
            "NTX {i} not idle after {} STATUS polls on {}",
            self.max_polls,
            port.name()
        ))
    }

    fn wait_dma<P: ControlPort>(&self, port: &mut P) -> Result<(), String> {
        for _ in 0..self.max_polls {
            let s = port.read(DMA_BASE + 4 * dregs::STATUS)?;
            if s & 4 != 0 {
                return Err(format!("DMA error code {} (STATUS {s:#x})", (s >> 4) & 7));
            }
            if s & 1 == 0 {
                return Ok(());
            }
        }
        Err(format!("DMA busy after {} STATUS polls", self.max_polls))
    }
}

fn dma_issue<P: ControlPort>(port: &mut P, d: &Descriptor) -> Result<(), String> {
    let r = |reg: u32| DMA_BASE + 4 * reg;
    port.write(r(dregs::EXT_ADDR), d.ext_addr)?;
    port.write(r(dregs::TCDM_ADDR), d.tcdm_addr)?;
    port.write(r(dregs::ROW_BYTES), d.row_bytes)?;
    port.write(r(dregs::ROWS), d.rows)?;
    port.write(r(dregs::EXT_STRIDE), d.ext_stride)?;
    port.write(r(dregs::TCDM_STRIDE), d.tcdm_stride)?;
    port.write(r(dregs::CMD), d.to_ext as u32)
}

/// Softmax + cross-entropy on the control side, in f64 (one exponential per
/// logit; deterministic, so every backend gets the same words).
pub fn host(ext: &mut [u32], op: &HostOp) -> Result<(), String> {
    match *op {
        HostOp::SoftmaxXent {
            logits,
            labels,
            grad,
            loss,
            n,
            classes,
        } => {
            let w = |a: u32| a as usize / 4;
            let need = [w(logits), w(grad)]
                .iter()
                .map(|&b| b + n * classes)
                .chain([w(labels) + n, w(loss) + 1])
                .max()
                .unwrap();
            if need > ext.len() {
                return Err(format!(
                    "softmax: external memory of {} words too small",
                    ext.len()
                ));
            }
            let mut total = 0.0f64;
            for r in 0..n {
                let z: Vec<f64> = (0..classes)
                    .map(|c| f32::from_bits(ext[w(logits) + r * classes + c]) as f64)
                    .collect();
                let label = ext[w(labels) + r] as usize;
                if label >= classes {
                    return Err(format!("softmax: label {label} of row {r} >= {classes}"));
                }
                let m = z.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                let e: Vec<f64> = z.iter().map(|v| (v - m).exp()).collect();
                let s: f64 = e.iter().sum();
                total += -(e[label] / s).ln();
                for c in 0..classes {
                    let p = e[c] / s - (c == label) as u32 as f64;
                    ext[w(grad) + r * classes + c] = ((p / n as f64) as f32).to_bits();
                }
            }
            ext[w(loss)] = ((total / n as f64) as f32).to_bits();
            Ok(())
        }
    }
}
