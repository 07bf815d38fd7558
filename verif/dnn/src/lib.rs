//! DNN training on the NTX cluster: layer kernels lowered to NTX jobs, DMA
//! transfers and barriers (a device-independent command list, [`Cmd`]),
//! executors of such a list ([`exec`]), the digits CNN and `ntx train`
//! ([`net`], [`train`]), and `ntx bench dnn` ([`bench`]).
//!
//! **Layer.** Crate `ntx-dnn`, above the simulators: it may depend on
//! `ntx-params`, `ntx-model` (the golden cluster, `crate::model::cluster`)
//! and `ntx-sim` (`crate::cluster_tb::ClusterDrive` and the Verilator
//! cluster `crate::verilator::cluster`), never on the NTX harness, the
//! backends or the `ntx` CLI (`ntx-verif`, which re-exports it as
//! `ntx_verif::dnn` and exposes `ntx train`).
//!
//! **Where each operation runs.** Every layer's arithmetic (convolutions,
//! fully connected layers, ReLU, max pooling, the SGD update, bias fills)
//! runs as NTX jobs on the cluster. The softmax + cross-entropy and its
//! gradient (10 exponentials and a division per image) run on the control
//! side ([`HostOp`]): NTX has no exponential, and the work is negligible
//! (0.1 % of a step's operations). Today the host executes them; once the
//! control core exists its firmware will, reading the same external memory.
//!
//! **Data placement.** Tensors live in external (HMC) memory
//! ([`Tensor`]: `[n][c][h + 2 pad][w + 2 pad]` f32 words, the padding border
//! stays zero because nothing writes it, so a convolution's zero padding is
//! a padded input tensor). Kernels stream tiles through the TCDM with the
//! DMA, double-buffered (the transfer of tile t+1 and the write-back of
//! tile t-1 overlap the NTX jobs of tile t), see [`kernels`].

pub mod bench;
pub mod exec;
pub mod kernels;
pub mod net;
pub mod train;

use ntx_model as model;
use ntx_sim::{cluster_tb, verilator};

use crate::model::dma::Descriptor;
use crate::model::job::{Command, Job};
use ntx_params::cluster::TCDM_BASE;
use ntx_params::N_LOOPS;

/// TCDM words of the cluster the command lists are planned for: 32 banks of
/// 1 Ki words (128 KiB), the configuration of the Verilator cluster tests,
/// so that the model and the RTL run the same list.
pub const TCDM_WORDS: usize = 32 << 10;

/// Operations of the control side (host now, control-core firmware later).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HostOp {
    /// Softmax + cross-entropy over `n` rows of `classes` logits (external
    /// byte address `logits`, f32), integer labels at `labels`; writes the
    /// gradient `(softmax - onehot) / n` (f32) to `grad` and the mean loss
    /// (f32) to the word at `loss`.
    SoftmaxXent {
        logits: u32,
        labels: u32,
        grad: u32,
        loss: u32,
        n: usize,
        classes: usize,
    },
}

/// One command of a device-independent command list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cmd {
    /// Start of kernel `k` of the program (accounting only).
    Kernel(usize),
    /// A DMA transfer (issued when the DMA is free; runs concurrently with
    /// the NTX).
    Dma(Descriptor),
    /// A job for NTX `ntx` (staged and committed through its registers; the
    /// NTX runs its jobs in order).
    Ntx { ntx: usize, job: Job },
    /// Wait until every NTX is idle and the DMA is done.
    Barrier,
    /// A control-side operation on external memory (after a barrier).
    Host(HostOp),
}

/// What a kernel is, for the per-layer table.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct KernelInfo {
    /// Layer and kernel, e.g. `conv1.fwd`.
    pub name: String,
    /// Floating-point operations (2 per MAC, 1 per element otherwise).
    pub flops: u64,
    /// NTX jobs.
    pub jobs: u64,
    /// NTX execute steps (one per NTX cycle at full speed).
    pub steps: u64,
    /// Words moved by DMA.
    pub dma_words: u64,
}

/// A command list with its kernels.
#[derive(Clone, Debug, Default)]
pub struct Program {
    pub cmds: Vec<Cmd>,
    pub kernels: Vec<KernelInfo>,
}

impl Program {
    /// Start a new kernel named `name`; later commands are accounted to it.
    pub fn kernel(&mut self, name: &str) {
        self.cmds.push(Cmd::Kernel(self.kernels.len()));
        self.kernels.push(KernelInfo {
            name: name.to_string(),
            ..Default::default()
        });
    }

    fn cur(&mut self) -> &mut KernelInfo {
        if self.kernels.is_empty() {
            self.kernel("unnamed");
        }
        self.kernels.last_mut().unwrap()
    }

    /// Append an NTX job.
    pub fn ntx(&mut self, ntx: usize, job: Job) {
        let steps = job.steps();
        let k = self.cur();
        k.jobs += 1;
        k.steps += steps;
        self.cmds.push(Cmd::Ntx { ntx, job });
    }

    /// Append a DMA transfer.
    pub fn dma(&mut self, d: Descriptor) {
        self.cur().dma_words += (d.row_bytes / 4) as u64 * d.rows as u64;
        self.cmds.push(Cmd::Dma(d));
    }

    /// Append a barrier.
    pub fn barrier(&mut self) {
        self.cmds.push(Cmd::Barrier);
    }

    /// Add `flops` to the current kernel.
    pub fn flops(&mut self, flops: u64) {
        self.cur().flops += flops;
    }

    /// Append everything of `other` (kernel indices renumbered).
    pub fn append(&mut self, other: Program) {
        let off = self.kernels.len();
        for c in other.cmds {
            self.cmds.push(match c {
                Cmd::Kernel(k) => Cmd::Kernel(k + off),
                c => c,
            });
        }
        self.kernels.extend(other.kernels);
    }
}

/// A tensor in external memory: `n` images of `c` channels of `h x w`
/// values, stored `[n][c][h + 2 pad][w + 2 pad]` (f32 words) from byte
/// address `addr`; the border of width `pad` is zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tensor {
    pub addr: u32,
    pub n: usize,
    pub c: usize,
    pub h: usize,
    pub w: usize,
    pub pad: usize,
}

impl Tensor {
    /// Padded height.
    pub fn hp(&self) -> usize {
        self.h + 2 * self.pad
    }
    /// Padded width.
    pub fn wp(&self) -> usize {
        self.w + 2 * self.pad
    }
    /// Words of one padded channel plane.
    pub fn plane(&self) -> usize {
        self.hp() * self.wp()
    }
    /// Words of the whole tensor (with padding).
    pub fn words(&self) -> usize {
        self.n * self.c * self.plane()
    }
    /// Values per image (without padding).
    pub fn image_values(&self) -> usize {
        self.c * self.h * self.w
    }
    /// External word index of value (n, c, y, x).
    pub fn word(&self, n: usize, c: usize, y: usize, x: usize) -> usize {
        self.addr as usize / 4
            + ((n * self.c + c) * self.hp() + y + self.pad) * self.wp()
            + x
            + self.pad
    }
    /// Byte address of value (n, c, y, x).
    pub fn byte(&self, n: usize, c: usize, y: usize, x: usize) -> u32 {
        4 * self.word(n, c, y, x) as u32
    }
}

/// Bump allocator of external memory (word aligned, zero-initialised by the
/// executors).
#[derive(Clone, Debug, Default)]
pub struct ExtAlloc {
    /// Next free byte address.
    pub next: u32,
}

impl ExtAlloc {
    /// `words` words; returns the byte address.
    pub fn words(&mut self, words: usize) -> u32 {
        let a = self.next;
        self.next += 4 * words as u32;
        a
    }
    /// A tensor.
    pub fn tensor(&mut self, n: usize, c: usize, h: usize, w: usize, pad: usize) -> Tensor {
        let mut t = Tensor {
            addr: 0,
            n,
            c,
            h,
            w,
            pad,
        };
        t.addr = self.words(t.words());
        t
    }
}

/// A 2-D DMA transfer of `rows` rows of `row_words` words between external
/// byte address `ext` and TCDM word `tcdm` (strides in words).
pub fn dma2d(
    ext: u32,
    tcdm: usize,
    row_words: usize,
    rows: usize,
    ext_stride: usize,
    tcdm_stride: usize,
    to_ext: bool,
) -> Descriptor {
    Descriptor {
        ext_addr: ext,
        tcdm_addr: TCDM_BASE + 4 * tcdm as u32,
        row_bytes: 4 * row_words as u32,
        rows: rows as u32,
        ext_stride: 4 * ext_stride as u32,
        tcdm_stride: 4 * tcdm_stride as u32,
        to_ext,
    }
}

/// One hardware loop of a job: trip count and the absolute word strides of
/// AGU0 (operand A), AGU1 (operand B) and AGU2 (result).
pub type Loop = (usize, [i64; 3]);

/// Operation fields of a job's command word (spec 4).
#[derive(Clone, Copy, Debug, Default)]
pub struct Op {
    pub opcode: u32,
    pub init_level: u8,
    pub inner_level: u8,
    pub init_sel: u8,
    pub aux: u8,
    pub polarity: bool,
}

/// Lower a loop nest to a job: `loops` innermost first (at most 5, trip
/// counts 1..=65536), `base` the word addresses of A, B and the result.
/// Strides are converted to the register deltas of spec 5:
/// `STRIDE[s] = 4 (a[s] - sum over t < s of (n[t] - 1) a[t])`.
pub fn lower(name: &str, op: Op, loops: &[Loop], base: [usize; 3]) -> Job {
    assert!(
        !loops.is_empty() && loops.len() <= N_LOOPS,
        "{name}: {} loops",
        loops.len()
    );
    let mut loop_end = [0u16; N_LOOPS];
    let mut stride = [[0i32; N_LOOPS]; 3];
    for (s, &(n, a)) in loops.iter().enumerate() {
        assert!((1..=1 << 16).contains(&n), "{name}: loop {s} trip {n}");
        loop_end[s] = (n - 1) as u16;
        for g in 0..3 {
            let back: i64 = loops[..s]
                .iter()
                .map(|&(nt, at)| (nt as i64 - 1) * at[g])
                .sum();
            stride[g][s] = (4 * (a[g] - back)) as i32;
        }
    }
    let cmd = Command {
        opcode: op.opcode as u8,
        init_level: op.init_level,
        inner_level: op.inner_level,
        outer_level: loops.len() as u8,
        init_sel: op.init_sel,
        aux: op.aux,
        irq_cfg: 0,
        polarity: op.polarity,
    };
    debug_assert!(cmd.is_valid(), "{name}: {cmd:?}");
    Job {
        name: name.to_string(),
        cmd: cmd.encode(),
        loop_end,
        base: base.map(|b| 4 * b as u32),
        stride,
    }
}

/// Split `0..n` into `parts` contiguous ranges of nearly equal size (empty
/// ranges dropped); returns (part index, range).
pub fn split(n: usize, parts: usize) -> Vec<(usize, std::ops::Range<usize>)> {
    (0..parts)
        .map(|p| (p, n * p / parts..n * (p + 1) / parts))
        .filter(|(_, r)| !r.is_empty())
        .collect()
}
