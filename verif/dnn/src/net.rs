//! The digits CNN of `ntx train`, its external-memory layout and the command
//! lists of a training step and of inference.
//!
//! Network (input 1 x 8 x 8, pixel values / 16):
//!
//! | layer | shape | kernels |
//! |---|---|---|
//! | conv1 | 3x3, 1 -> 8 channels, padding 1, stride 1 | [`conv_fwd`], [`conv_bwd_weights`] |
//! | relu1 | 8 x 8 x 8 | [`relu_fwd`], [`relu_bwd`] |
//! | pool1 | 2x2 max, stride 2 -> 8 x 4 x 4 (stored with a zero border for conv2) | [`maxpool_fwd`], [`maxpool_bwd`] |
//! | conv2 | 3x3, 8 -> 16 channels, padding 1 | [`conv_fwd`], [`conv_bwd_data`], [`conv_bwd_weights`] |
//! | relu2 | 16 x 4 x 4 | [`relu_fwd`], [`relu_bwd`] |
//! | fc | 256 -> 10 | [`fc_fwd`], [`fc_bwd_data`], [`fc_bwd_weights`] |
//! | loss | softmax + cross-entropy (control side) | [`HostOp::SoftmaxXent`] |
//! | update | SGD over all 3,818 parameters | [`sgd`] |
//!
//! About 25,600 MACs per image forward and 72,000 per training image
//! (forward + both backward passes), so an epoch of 1,500 images is about
//! 1.1e8 NTX steps on the golden model.

use super::kernels::*;
use super::{ExtAlloc, HostOp, Program, Tensor, TCDM_WORDS};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// The digits data set shipped in the repository (`verif/data/digits/`).
pub const DIGITS_CSV: &str = include_str!("../../data/digits/digits.csv");
/// Images of the training split (the first lines); the rest is the test set.
pub const TRAIN_IMAGES: usize = 1500;
/// Classes.
pub const CLASSES: usize = 10;

/// The digits: 8x8 images (values 0..16 scaled to 0..1) and labels.
#[derive(Clone, Debug)]
pub struct Digits {
    pub images: Vec<[f32; 64]>,
    pub labels: Vec<u32>,
}

/// Parse the CSV text (64 integers 0..16, then the label 0..9, per line);
/// errors name the line and field.
pub fn parse_digits(text: &str) -> Result<Digits, String> {
    let mut d = Digits {
        images: vec![],
        labels: vec![],
    };
    for (l, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split(',').collect();
        if f.len() != 65 {
            return Err(format!(
                "digits.csv line {}: {} fields, expected 65",
                l + 1,
                f.len()
            ));
        }
        let mut img = [0f32; 64];
        for (i, v) in f.iter().enumerate() {
            let x: u32 = v.trim().parse().map_err(|_| {
                format!(
                    "digits.csv line {} field {}: {v:?} is not an integer",
                    l + 1,
                    i + 1
                )
            })?;
            let max = if i < 64 { 16 } else { 9 };
            if x > max {
                return Err(format!(
                    "digits.csv line {} field {}: {x} > {max}",
                    l + 1,
                    i + 1
                ));
            }
            if i < 64 {
                img[i] = x as f32 / 16.0;
            } else {
                d.labels.push(x);
            }
        }
        d.images.push(img);
    }
    Ok(d)
}

/// The shipped data set.
pub fn digits() -> Result<Digits, String> {
    parse_digits(DIGITS_CSV)
}

/// Channels of the two convolutions.
pub const C1: usize = 8;
pub const C2: usize = 16;
/// Features into the FC layer.
pub const FC_IN: usize = C2 * 4 * 4;

/// Parameter counts in the order of the flat parameter block.
pub const PARAM_SIZES: [(&str, usize); 6] = [
    ("conv1.w", C1 * 9),
    ("conv1.b", C1),
    ("conv2.w", C2 * C1 * 9),
    ("conv2.b", C2),
    ("fc.w", CLASSES * FC_IN),
    ("fc.b", CLASSES),
];

/// Total parameters.
pub fn n_params() -> usize {
    PARAM_SIZES.iter().map(|p| p.1).sum()
}

/// External-memory layout of the network for a batch of `batch` images.
#[derive(Clone, Debug)]
pub struct Net {
    pub batch: usize,
    pub x0: Tensor,
    pub a1: Tensor,
    pub r1: Tensor,
    pub p1: Tensor,
    pub idx1: u32,
    pub a2: Tensor,
    pub r2: Tensor,
    pub logits: Tensor,
    pub labels: u32,
    pub dlogits: Tensor,
    pub loss: u32,
    pub lr: u32,
    pub dr2: Tensor,
    pub da2: Tensor,
    pub dp1: Tensor,
    pub dr1: Tensor,
    pub da1: Tensor,
    /// Flat parameter block (order of [`PARAM_SIZES`]) and its gradient.
    pub params: u32,
    pub grads: u32,
    /// External memory used (bytes).
    pub ext_bytes: usize,
}

impl Net {
    /// Lay the network out for batches of `batch` images.
    pub fn new(batch: usize) -> Self {
        let mut a = ExtAlloc::default();
        let b = batch;
        let params = a.words(n_params());
        let grads = a.words(n_params());
        let x0 = a.tensor(b, 1, 8, 8, 1);
        let a1 = a.tensor(b, C1, 8, 8, 0);
        let r1 = a.tensor(b, C1, 8, 8, 0);
        let p1 = a.tensor(b, C1, 4, 4, 1);
        let idx1 = a.words(b * C1 * 16);
        let a2 = a.tensor(b, C2, 4, 4, 0);
        let r2 = a.tensor(b, C2, 4, 4, 0);
        let logits = a.tensor(b, CLASSES, 1, 1, 0);
        let labels = a.words(b);
        let dlogits = a.tensor(b, CLASSES, 1, 1, 0);
        let loss = a.words(1);
        let lr = a.words(1);
        let dr2 = a.tensor(b, C2, 4, 4, 0);
        let da2 = a.tensor(b, C2, 4, 4, 0);
        let dp1 = a.tensor(b, C1, 4, 4, 0);
        let dr1 = a.tensor(b, C1, 8, 8, 0);
        let da1 = a.tensor(b, C1, 8, 8, 0);
        let ext_bytes = (a.next as usize).next_multiple_of(4096);
        Net {
            batch,
            x0,
            a1,
            r1,
            p1,
            idx1,
            a2,
            r2,
            logits,
            labels,
            dlogits,
            loss,
            lr,
            dr2,
            da2,
            dp1,
            dr1,
            da1,
            params,
            grads,
            ext_bytes,
        }
    }

    /// Byte offset of parameter `i` (of [`PARAM_SIZES`]) in the block at
    /// `base`.
    pub fn param(&self, base: u32, i: usize) -> u32 {
        base + 4 * PARAM_SIZES[..i].iter().map(|p| p.1).sum::<usize>() as u32
    }

    /// The forward pass (logits from `x0`).
    pub fn forward(&self) -> Result<Program, String> {
        let mut p = Program::default();
        let t = TCDM_WORDS;
        let (w, pa) = (self.params, |i| self.param(self.params, i));
        let _ = w;
        p.kernel("conv1.fwd");
        conv_fwd(&mut p, &self.x0, pa(0), pa(1), &self.a1, 3, 1, t)?;
        p.kernel("relu1.fwd");
        relu_fwd(&mut p, &self.a1, &self.r1, t)?;
        p.kernel("pool1.fwd");
        maxpool_fwd(&mut p, &self.r1, &self.p1, self.idx1, 2, t)?;
        p.kernel("conv2.fwd");
        conv_fwd(&mut p, &self.p1, pa(2), pa(3), &self.a2, 3, 1, t)?;
        p.kernel("relu2.fwd");
        relu_fwd(&mut p, &self.a2, &self.r2, t)?;
        p.kernel("fc.fwd");
        fc_fwd(&mut p, &self.r2, pa(4), pa(5), &self.logits, t)?;
        Ok(p)
    }

    /// A whole training step: forward, loss and its gradient on the control
    /// side, backward, SGD update of the parameter block.
    pub fn train_step(&self) -> Result<Program, String> {
        let mut p = self.forward()?;
        let t = TCDM_WORDS;
        let ga = |i| self.param(self.grads, i);
        let pa = |i| self.param(self.params, i);
        p.kernel("loss (host)");
        p.cmds.push(super::Cmd::Host(HostOp::SoftmaxXent {
            logits: self.logits.addr,
            labels: self.labels,
            grad: self.dlogits.addr,
            loss: self.loss,
            n: self.batch,
            classes: CLASSES,
        }));
        p.kernel("fc.bwd_w");
        fc_bwd_weights(&mut p, &self.r2, &self.dlogits, ga(4), ga(5), t)?;
        p.kernel("fc.bwd_data");
        fc_bwd_data(&mut p, &self.dlogits, pa(4), &self.dr2, t)?;
        p.kernel("relu2.bwd");
        relu_bwd(&mut p, &self.dr2, &self.r2, &self.da2, t)?;
        p.kernel("conv2.bwd_w");
        conv_bwd_weights(&mut p, &self.p1, &self.da2, ga(2), ga(3), 3, 1, t)?;
        p.kernel("conv2.bwd_data");
        conv_bwd_data(&mut p, &self.da2, pa(2), &self.dp1, 3, 1, 1, t)?;
        p.kernel("pool1.bwd");
        maxpool_bwd(&mut p, &self.dp1, self.idx1, &self.dr1, 2, t)?;
        p.kernel("relu1.bwd");
        relu_bwd(&mut p, &self.dr1, &self.r1, &self.da1, t)?;
        p.kernel("conv1.bwd_w");
        conv_bwd_weights(&mut p, &self.x0, &self.da1, ga(0), ga(1), 3, 1, t)?;
        p.kernel("sgd");
        sgd(&mut p, self.params, self.grads, self.lr, n_params(), t)?;
        Ok(p)
    }

    /// Initial parameters (He-uniform weights from `seed`, zero biases).
    pub fn init_params(seed: u64) -> Vec<f32> {
        let mut rng = StdRng::seed_from_u64(seed);
        let fan_in = [9, 0, C1 * 9, 0, FC_IN, 0];
        let mut v = Vec::with_capacity(n_params());
        for (i, &(_, n)) in PARAM_SIZES.iter().enumerate() {
            let a = if fan_in[i] > 0 {
                (6.0 / fan_in[i] as f64).sqrt()
            } else {
                0.0
            };
            for _ in 0..n {
                v.push(if a > 0.0 {
                    rng.gen_range(-a..a) as f32
                } else {
                    0.0
                });
            }
        }
        v
    }

    /// Write the parameters and the learning rate into external memory.
    pub fn write_params(&self, ext: &mut [u32], params: &[f32], lr: f32) {
        let p0 = self.params as usize / 4;
        for (k, v) in params.iter().enumerate() {
            ext[p0 + k] = v.to_bits();
        }
        ext[self.lr as usize / 4] = lr.to_bits();
    }

    /// Read the parameter block.
    pub fn read_params(&self, ext: &[u32]) -> Vec<f32> {
        let p0 = self.params as usize / 4;
        ext[p0..p0 + n_params()]
            .iter()
            .map(|&w| f32::from_bits(w))
            .collect()
    }

    /// Write a batch (images `idx` of `d`; missing images are zero with
    /// label 0) into the input tensor and the label words.
    pub fn write_batch(&self, ext: &mut [u32], d: &Digits, idx: &[usize]) {
        for n in 0..self.batch {
            let img = idx.get(n).map(|&i| d.images[i]).unwrap_or([0.0; 64]);
            for y in 0..8 {
                for x in 0..8 {
                    ext[self.x0.word(n, 0, y, x)] = img[y * 8 + x].to_bits();
                }
            }
            ext[self.labels as usize / 4 + n] = idx.get(n).map(|&i| d.labels[i]).unwrap_or(0);
        }
    }

    /// Write a training batch with each image shifted by a random
    /// (dy, dx) in -1..=1 (vacated pixels zero): data augmentation on the
    /// control side.
    pub fn write_batch_shifted(
        &self,
        ext: &mut [u32],
        d: &Digits,
        idx: &[usize],
        rng: &mut StdRng,
    ) {
        self.write_batch(ext, d, idx);
        for (n, &i) in idx.iter().enumerate() {
            let (sy, sx): (isize, isize) = (rng.gen_range(-1..=1), rng.gen_range(-1..=1));
            for y in 0..8isize {
                for x in 0..8isize {
                    let (yy, xx) = (y - sy, x - sx);
                    let v = if (0..8).contains(&yy) && (0..8).contains(&xx) {
                        d.images[i][(yy * 8 + xx) as usize]
                    } else {
                        0.0
                    };
                    ext[self.x0.word(n, 0, y as usize, x as usize)] = v.to_bits();
                }
            }
        }
    }

    /// Logits of image `n` of the batch.
    pub fn read_logits(&self, ext: &[u32], n: usize) -> Vec<f32> {
        let l0 = self.logits.addr as usize / 4 + n * CLASSES;
        ext[l0..l0 + CLASSES]
            .iter()
            .map(|&w| f32::from_bits(w))
            .collect()
    }

    /// Mean loss of the last step.
    pub fn read_loss(&self, ext: &[u32]) -> f32 {
        f32::from_bits(ext[self.loss as usize / 4])
    }
}

/// Index of the largest value (first on ties).
pub fn argmax(v: &[f32]) -> usize {
    let mut b = 0;
    for (i, &x) in v.iter().enumerate() {
        if x > v[b] {
            b = i;
        }
    }
    b
}
