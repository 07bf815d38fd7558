//! Layer kernels lowered to NTX jobs, DMA transfers and barriers.
//!
//! Every kernel takes its tensors in external memory and a TCDM budget (in
//! words; [`super::TCDM_WORDS`] for the real cluster, less in tests to force
//! tiling), picks the largest tile that fits, and emits a double-buffered
//! pipeline ([`pipeline`]): the DMA transfer of tile t+1 is issued before the
//! jobs of tile t, and the write-back of tile t after the barrier that ends
//! them, so transfers overlap computation. Work inside a tile is split over
//! the 8 NTX (by output channel, output neuron or element range) and issued
//! round-robin over them ([`interleave`]); jobs that update the same words
//! run on the same NTX, whose queue keeps them in order.
//!
//! | kernel | NTX jobs (per tile) | rounding per result |
//! |---|---|---|
//! | [`conv_fwd`] | per output channel: COPY (bias fill), MAC over (kx, ky, ci) with the bias as init value (init_sel = 2) | one truncation |
//! | [`conv_bwd_data`] | per NTX (input-channel range): COPY zero fill, then per (ky, kx) a MAC over co scattering into the padded dX (init from dX); any stride | one per (ky, kx) |
//! | [`conv_bwd_weights`] | per output channel: MAC over (ox, oy) for every (kx, ky, ci), VADDSUB for the bias; batch summed by init from the previous image's partial sum | one per image |
//! | [`fc_fwd`] | per NTX (output range): COPY bias fill, MAC over inputs | one |
//! | [`fc_bwd_data`] | per NTX (input range): MAC over outputs | one |
//! | [`fc_bwd_weights`] | per NTX (output range): MAC over the batch chunk, VADDSUB for the bias | one per batch chunk |
//! | [`relu_fwd`] | THTST, aux=1, polarity: `B if B >= 0 else 0` | exact |
//! | [`relu_bwd`] | MASK, aux=2, polarity: `dY if Y > 0 else 0` | exact |
//! | [`maxpool_fwd`] | MAXMIN aux=0 (value) and aux=1 (argmax index) per window | exact |
//! | [`maxpool_bwd`] | MASK aux=4 (`cnt == idx`): scatter dY to the argmax | exact |
//! | [`sgd`] | MAC with the weight as init value (init_sel = 2), `-g * lr` (polarity) | one |
//!
//! Conv tensors: `x.pad` is the convolution's zero padding (padded tensors
//! in external memory). Gradient and ReLU/pool tensors must have `pad = 0`
//! where noted; outputs may be written into the interior of a padded tensor.

use super::{dma2d, lower, split, Loop, Op, Program, Tensor};
use ntx_params::cluster::N_NTX;
use ntx_params::opcode;

/// Result of planning a kernel.
pub type Plan = Result<(), String>;

/// Bump allocator of TCDM words within a budget.
struct Tcdm {
    next: usize,
    budget: usize,
}

impl Tcdm {
    fn new(budget: usize) -> Self {
        Self { next: 0, budget }
    }
    fn alloc(&mut self, words: usize) -> usize {
        let a = self.next;
        self.next += words;
        a
    }
}

/// The double-buffered tile loop: `load(p, t, buf)` issues the DMA of tile
/// `t` into buffer set `buf`, `compute` its jobs, `store` its write-back.
pub fn pipeline(
    p: &mut Program,
    tiles: usize,
    mut load: impl FnMut(&mut Program, usize, usize),
    mut compute: impl FnMut(&mut Program, usize, usize),
    mut store: impl FnMut(&mut Program, usize, usize),
) {
    if tiles == 0 {
        return;
    }
    load(p, 0, 0);
    p.barrier();
    for t in 0..tiles {
        if t + 1 < tiles {
            load(p, t + 1, (t + 1) % 2);
        }
        let first = p.cmds.len();
        compute(p, t, t % 2);
        interleave(&mut p.cmds[first..]);
        p.barrier();
        store(p, t, t % 2);
    }
    p.barrier();
}

/// Reorder a run of NTX jobs round-robin over the NTX, keeping each NTX's
/// own order. The control core programs jobs in list order and a third job
/// for a busy NTX waits for its staging area, so a list that gives NTX 0 all
/// its jobs first would leave the others idle; round-robin keeps all eight
/// fed. Only the order between different NTX changes (their jobs in one
/// tile touch disjoint results), so the results are the same.
pub fn interleave(cmds: &mut [super::Cmd]) {
    use std::collections::VecDeque;
    let mut q: Vec<VecDeque<super::Cmd>> = vec![VecDeque::new(); N_NTX];
    for c in cmds.iter() {
        match c {
            super::Cmd::Ntx { ntx, .. } => q[*ntx].push_back(c.clone()),
            _ => panic!("interleave: only NTX jobs in a compute phase"),
        }
    }
    let mut k = 0;
    while k < cmds.len() {
        for qi in q.iter_mut() {
            if let Some(c) = qi.pop_front() {
                cmds[k] = c;
                k += 1;
            }
        }
    }
}

/// Candidate group sizes: n, ceil(n/2), ceil(n/4), ..., 1.
fn halvings(n: usize) -> Vec<usize> {
    let mut v = vec![n.max(1)];
    while *v.last().unwrap() > 1 {
        let l = *v.last().unwrap();
        v.push(l.div_ceil(2));
    }
    v
}

/// DMA of channels `c0..c1` of image `n` of `t` (interior only) to or from a
/// dense TCDM block `[c][h][w]` at word `tcdm`.
fn planes(p: &mut Program, t: &Tensor, n: usize, c0: usize, c1: usize, tcdm: usize, to_ext: bool) {
    let hw = t.h * t.w;
    if t.pad == 0 {
        p.dma(dma2d(
            t.byte(n, c0, 0, 0),
            tcdm,
            (c1 - c0) * hw,
            1,
            0,
            0,
            to_ext,
        ));
    } else {
        for c in c0..c1 {
            let tc = tcdm + (c - c0) * hw;
            p.dma(dma2d(t.byte(n, c, 0, 0), tc, t.w, t.h, t.wp(), t.w, to_ext));
        }
    }
}

fn need(what: &str, ok: bool) -> Plan {
    if ok {
        Ok(())
    } else {
        Err(format!("shape error: {what}"))
    }
}

const MAC: Op = Op {
    opcode: opcode::MAC,
    init_level: 0,
    inner_level: 0,
    init_sel: 3,
    aux: 0,
    polarity: false,
};

fn op(opcode: u32, level: u8, init_sel: u8) -> Op {
    Op {
        opcode,
        init_level: level,
        inner_level: level,
        init_sel,
        ..MAC
    }
}

/// Broadcast fill: `len` words at `dst` (stride 1) = the word at `src`
/// (COPY, init from A at every step).
fn fill(name: &str, src: usize, dst: usize, loops: &[Loop]) -> crate::model::job::Job {
    lower(name, op(opcode::COPY, 0, 0), loops, [src, 0, dst])
}

/// Zero fill (COPY with init value 0.0).
fn zero(name: &str, dst: usize, loops: &[Loop]) -> crate::model::job::Job {
    lower(name, op(opcode::COPY, 0, 3), loops, [0, 0, dst])
}

/// Output size of a convolution dimension.
pub fn conv_out(size: usize, pad: usize, k: usize, s: usize) -> usize {
    (size + 2 * pad - k) / s + 1
}

/// Convolution forward: `y[n][co] = b[co] + sum over ci, ky, kx of
/// w[co][ci][ky][kx] * x[n][ci][s oy + ky][s ox + kx]` (x padded by
/// `x.pad`, the zero padding). `w` (`[co][ci][k][k]`) and `b` (`[co]`) are
/// external byte addresses; `y` may be padded (interior written). Tiles:
/// output-channel groups x images x output-row bands (input band with its
/// halo), the largest that fits `budget` words.
#[allow(clippy::too_many_arguments)]
pub fn conv_fwd(
    p: &mut Program,
    x: &Tensor,
    w: u32,
    b: u32,
    y: &Tensor,
    k: usize,
    s: usize,
    budget: usize,
) -> Plan {
    let (ci, co, hp, wp) = (x.c, y.c, x.hp(), x.wp());
    need(
        "conv k, s >= 1 and k <= padded input",
        k >= 1 && s >= 1 && k <= hp && k <= wp,
    )?;
    let (oh, ow) = (conv_out(x.h, x.pad, k, s), conv_out(x.w, x.pad, k, s));
    need(
        "conv output tensor shape",
        y.n == x.n && y.h == oh && y.w == ow,
    )?;
    let fits = |g: usize, r: usize| {
        g * ci * k * k + g + 2 * ci * ((r - 1) * s + k) * wp + 2 * g * r * ow <= budget
    };
    let (g, r) = halvings(co)
        .into_iter()
        .flat_map(|g| halvings(oh).into_iter().map(move |r| (g, r)))
        .find(|&(g, r)| fits(g, r))
        .ok_or_else(|| {
            format!("conv_fwd: no tile of {ci}x{k}x{k} filters fits {budget} TCDM words")
        })?;
    let rb = (r - 1) * s + k;
    let mut m = Tcdm::new(budget);
    let wb = m.alloc(g * ci * k * k);
    let bb = m.alloc(g);
    let xb = [m.alloc(ci * rb * wp), m.alloc(ci * rb * wp)];
    let yb = [m.alloc(g * r * ow), m.alloc(g * r * ow)];
    debug_assert!(m.next <= m.budget);
    p.flops(2 * (x.n * co * ci * k * k * oh * ow) as u64);
    let bands: Vec<(usize, usize)> = (0..oh).step_by(r).map(|r0| (r0, r.min(oh - r0))).collect();
    let tiles: Vec<(usize, usize, usize)> = (0..x.n)
        .flat_map(|n| bands.iter().map(move |&(r0, rows)| (n, r0, rows)))
        .collect();
    for g0 in (0..co).step_by(g) {
        let gs = g.min(co - g0);
        p.dma(dma2d(
            w + 4 * (g0 * ci * k * k) as u32,
            wb,
            gs * ci * k * k,
            1,
            0,
            0,
            false,
        ));
        p.dma(dma2d(b + 4 * g0 as u32, bb, gs, 1, 0, 0, false));
        pipeline(
            p,
            tiles.len(),
            |p, t, q| {
                let (n, r0, rows) = tiles[t];
                let ext = x.addr + 4 * (((n * ci) * hp + r0 * s) * wp) as u32;
                p.dma(dma2d(
                    ext,
                    xb[q],
                    ((rows - 1) * s + k) * wp,
                    ci,
                    hp * wp,
                    rb * wp,
                    false,
                ));
            },
            |p, t, q| {
                let (_, _, rows) = tiles[t];
                for gl in 0..gs {
                    let yo = yb[q] + gl * r * ow;
                    let ntx = gl % N_NTX;
                    p.ntx(
                        ntx,
                        fill("conv.bias", bb + gl, yo, &[(rows * ow, [0, 0, 1])]),
                    );
                    let loops: [Loop; 5] = [
                        (k, [1, 1, 0]),
                        (k, [wp as i64, k as i64, 0]),
                        (ci, [(rb * wp) as i64, (k * k) as i64, 0]),
                        (ow, [s as i64, 0, 1]),
                        (rows, [(s * wp) as i64, 0, ow as i64]),
                    ];
                    let mac = Op {
                        init_level: 3,
                        inner_level: 3,
                        init_sel: 2,
                        ..MAC
                    };
                    p.ntx(
                        ntx,
                        lower("conv.fwd", mac, &loops, [xb[q], wb + gl * ci * k * k, yo]),
                    );
                }
            },
            |p, t, q| {
                let (n, r0, rows) = tiles[t];
                for gl in 0..gs {
                    let tc = yb[q] + gl * r * ow;
                    p.dma(dma2d(
                        y.byte(n, g0 + gl, r0, 0),
                        tc,
                        ow,
                        rows,
                        y.wp(),
                        ow,
                        true,
                    ));
                }
            },
        );
    }
    Ok(())
}

/// Convolution backward w.r.t. the input: `dx = sum over co, ky, kx` of
/// `w[co][ci][ky][kx] * dy[co][oy][ox]` scattered to `(s oy + ky - pad,
/// s ox + kx - pad)`. Any stride: one MAC job per (ky, kx) adds into a
/// zero-filled padded dX tile (init value = the partial sum, init_sel = 2),
/// so each value is truncated once per (ky, kx). Tiles: input-channel groups
/// x images (the whole `dy` image and the padded dX plane of the group must
/// fit). `dy` is read from its interior, `dx` written to its interior.
#[allow(clippy::too_many_arguments)]
pub fn conv_bwd_data(
    p: &mut Program,
    dy: &Tensor,
    w: u32,
    dx: &Tensor,
    k: usize,
    s: usize,
    pad: usize,
    budget: usize,
) -> Plan {
    let (ci, co) = (dx.c, dy.c);
    let (hp, wp) = (dx.h + 2 * pad, dx.w + 2 * pad);
    let (oh, ow) = (dy.h, dy.w);
    need(
        "conv_bwd_data shapes",
        dy.n == dx.n
            && k <= hp
            && k <= wp
            && oh == conv_out(dx.h, pad, k, s)
            && ow == conv_out(dx.w, pad, k, s),
    )?;
    need("conv_bwd_data plane <= 65536 words", hp * wp <= 1 << 16)?;
    let fits = |g: usize| co * g * k * k + 2 * co * oh * ow + 2 * g * hp * wp <= budget;
    let g = halvings(ci)
        .into_iter()
        .find(|&g| fits(g))
        .ok_or_else(|| format!("conv_bwd_data: no tile fits {budget} TCDM words"))?;
    let mut m = Tcdm::new(budget);
    let wb = m.alloc(co * g * k * k);
    let yb = [m.alloc(co * oh * ow), m.alloc(co * oh * ow)];
    let xb = [m.alloc(g * hp * wp), m.alloc(g * hp * wp)];
    p.flops(2 * (dy.n * co * ci * k * k * oh * ow) as u64);
    for g0 in (0..ci).step_by(g) {
        let gs = g.min(ci - g0);
        p.dma(dma2d(
            w + 4 * (g0 * k * k) as u32,
            wb,
            gs * k * k,
            co,
            ci * k * k,
            g * k * k,
            false,
        ));
        pipeline(
            p,
            dy.n,
            |p, n, q| planes(p, dy, n, 0, co, yb[q], false),
            |p, _, q| {
                for (j, rg) in split(gs, N_NTX) {
                    let c = rg.len();
                    let xo = xb[q] + rg.start * hp * wp;
                    p.ntx(
                        j,
                        zero(
                            "conv.bwd_data.zero",
                            xo,
                            &[(hp * wp, [0, 0, 1]), (c, [0, 0, (hp * wp) as i64])],
                        ),
                    );
                    for ky in 0..k {
                        for kx in 0..k {
                            let loops: [Loop; 4] = [
                                (co, [(g * k * k) as i64, (oh * ow) as i64, 0]),
                                (ow, [0, 1, s as i64]),
                                (oh, [0, ow as i64, (s * wp) as i64]),
                                (c, [(k * k) as i64, 0, (hp * wp) as i64]),
                            ];
                            let mac = op(opcode::MAC, 1, 2);
                            let base = [
                                wb + rg.start * k * k + ky * k + kx,
                                yb[q],
                                xo + ky * wp + kx,
                            ];
                            p.ntx(j, lower("conv.bwd_data", mac, &loops, base));
                        }
                    }
                }
            },
            |p, n, q| {
                for c in 0..gs {
                    let tc = xb[q] + c * hp * wp + pad * wp + pad;
                    p.dma(dma2d(
                        dx.byte(n, g0 + c, 0, 0),
                        tc,
                        dx.w,
                        dx.h,
                        dx.wp(),
                        wp,
                        true,
                    ));
                }
            },
        );
    }
    Ok(())
}

/// Convolution backward w.r.t. the weights and bias, summed over the batch:
/// `dw[co][ci][ky][kx] = sum over n, oy, ox of dy[n][co][oy][ox] *
/// x[n][ci][s oy + ky][s ox + kx]` (x padded by the convolution's padding
/// `x.pad`), `db[co] = sum of dy[n][co]`. The group's dW stays in the TCDM
/// while the images stream through; the first image's jobs start from 0, the
/// others from the partial sum (init_sel = 2).
#[allow(clippy::too_many_arguments)]
pub fn conv_bwd_weights(
    p: &mut Program,
    x: &Tensor,
    dy: &Tensor,
    dw: u32,
    db: u32,
    k: usize,
    s: usize,
    budget: usize,
) -> Plan {
    let (ci, co, hp, wp) = (x.c, dy.c, x.hp(), x.wp());
    let (oh, ow) = (dy.h, dy.w);
    need(
        "conv_bwd_weights shapes",
        dy.n == x.n
            && k <= hp
            && k <= wp
            && oh == conv_out(x.h, x.pad, k, s)
            && ow == conv_out(x.w, x.pad, k, s)
            && oh * ow <= 1 << 16,
    )?;
    let fits = |g: usize| g * ci * k * k + g + 2 * ci * hp * wp + 2 * g * oh * ow <= budget;
    let g = halvings(co)
        .into_iter()
        .find(|&g| fits(g))
        .ok_or_else(|| format!("conv_bwd_weights: no tile fits {budget} TCDM words"))?;
    let mut m = Tcdm::new(budget);
    let wb = m.alloc(g * ci * k * k);
    let bb = m.alloc(g);
    let xb = [m.alloc(ci * hp * wp), m.alloc(ci * hp * wp)];
    let yb = [m.alloc(g * oh * ow), m.alloc(g * oh * ow)];
    p.flops(2 * (x.n * co * ci * k * k * oh * ow) as u64 + (x.n * co * oh * ow) as u64);
    for g0 in (0..co).step_by(g) {
        let gs = g.min(co - g0);
        pipeline(
            p,
            x.n,
            |p, n, q| {
                let ext = x.addr + 4 * (n * ci * hp * wp) as u32;
                p.dma(dma2d(ext, xb[q], ci * hp * wp, 1, 0, 0, false));
                planes(p, dy, n, g0, g0 + gs, yb[q], false);
            },
            |p, n, q| {
                let sel = if n == 0 { 3 } else { 2 };
                for gl in 0..gs {
                    let ntx = gl % N_NTX;
                    let loops: [Loop; 5] = [
                        (ow, [1, s as i64, 0]),
                        (oh, [ow as i64, (s * wp) as i64, 0]),
                        (k, [0, 1, 1]),
                        (k, [0, wp as i64, k as i64]),
                        (ci, [0, (hp * wp) as i64, (k * k) as i64]),
                    ];
                    let yo = yb[q] + gl * oh * ow;
                    let base = [yo, xb[q], wb + gl * ci * k * k];
                    p.ntx(
                        ntx,
                        lower("conv.bwd_w", op(opcode::MAC, 2, sel), &loops, base),
                    );
                    let add = op(opcode::VADDSUB, 1, sel);
                    p.ntx(
                        ntx,
                        lower("conv.bwd_b", add, &[(oh * ow, [1, 0, 0])], [yo, 0, bb + gl]),
                    );
                }
            },
            |_, _, _| {},
        );
        p.dma(dma2d(
            dw + 4 * (g0 * ci * k * k) as u32,
            wb,
            gs * ci * k * k,
            1,
            0,
            0,
            true,
        ));
        p.dma(dma2d(db + 4 * g0 as u32, bb, gs, 1, 0, 0, true));
        p.barrier();
    }
    Ok(())
}

/// Group and batch-chunk sizes for the FC kernels: the largest group (the
/// operand words a DMA-loaded word is used with, and the parallelism over
/// the 8 NTX), then the largest batch chunk, with `cost(group, chunk) <=
/// budget`.
fn fc_tile(
    what: &str,
    groups: usize,
    n: usize,
    budget: usize,
    cost: impl Fn(usize, usize) -> usize,
) -> Result<(usize, usize), String> {
    halvings(groups)
        .into_iter()
        .flat_map(|g| halvings(n).into_iter().map(move |nb| (g, nb)))
        .find(|&(g, nb)| cost(g, nb) <= budget)
        .ok_or_else(|| format!("{what}: no tile fits {budget} TCDM words"))
}

/// Fully connected forward: `y[n][o] = b[o] + sum over i of w[o][i] x[n][i]`
/// (`x`, `y` unpadded, features = c h w; `w` is `[O][I]`). Tiles: output
/// groups (weights resident) x batch chunks.
pub fn fc_fwd(p: &mut Program, x: &Tensor, w: u32, b: u32, y: &Tensor, budget: usize) -> Plan {
    let (ni, no, n) = (x.image_values(), y.image_values(), x.n);
    need(
        "fc tensors unpadded, same batch",
        x.pad == 0 && y.pad == 0 && y.n == n,
    )?;
    let (g, nb) = fc_tile("fc_fwd", no, n, budget, |g, nb| {
        g * ni + g + 2 * nb * ni + 2 * nb * g
    })?;
    let mut m = Tcdm::new(budget);
    let wb = m.alloc(g * ni);
    let bb = m.alloc(g);
    let xb = [m.alloc(nb * ni), m.alloc(nb * ni)];
    let yb = [m.alloc(nb * g), m.alloc(nb * g)];
    p.flops(2 * (n * ni * no) as u64);
    let chunks: Vec<(usize, usize)> = (0..n).step_by(nb).map(|c| (c, nb.min(n - c))).collect();
    for g0 in (0..no).step_by(g) {
        let gs = g.min(no - g0);
        p.dma(dma2d(w + 4 * (g0 * ni) as u32, wb, gs * ni, 1, 0, 0, false));
        p.dma(dma2d(b + 4 * g0 as u32, bb, gs, 1, 0, 0, false));
        pipeline(
            p,
            chunks.len(),
            |p, t, q| {
                let (n0, c) = chunks[t];
                p.dma(dma2d(
                    x.addr + 4 * (n0 * ni) as u32,
                    xb[q],
                    c * ni,
                    1,
                    0,
                    0,
                    false,
                ));
            },
            |p, t, q| {
                let (_, c) = chunks[t];
                for (j, r) in split(gs, N_NTX) {
                    let yo = yb[q] + r.start;
                    let fl: [Loop; 2] = [(r.len(), [1, 0, 1]), (c, [0, 0, g as i64])];
                    p.ntx(j, fill("fc.bias", bb + r.start, yo, &fl));
                    let loops: [Loop; 3] = [
                        (ni, [1, 1, 0]),
                        (r.len(), [0, ni as i64, 1]),
                        (c, [ni as i64, 0, g as i64]),
                    ];
                    let base = [xb[q], wb + r.start * ni, yo];
                    p.ntx(j, lower("fc.fwd", op(opcode::MAC, 1, 2), &loops, base));
                }
            },
            |p, t, q| {
                let (n0, c) = chunks[t];
                p.dma(dma2d(
                    y.addr + 4 * (n0 * no + g0) as u32,
                    yb[q],
                    gs,
                    c,
                    no,
                    g,
                    true,
                ));
            },
        );
    }
    Ok(())
}

/// Fully connected backward w.r.t. the input: `dx[n][i] = sum over o of
/// dy[n][o] w[o][i]`. Tiles: input groups (weight columns resident) x batch
/// chunks.
pub fn fc_bwd_data(p: &mut Program, dy: &Tensor, w: u32, dx: &Tensor, budget: usize) -> Plan {
    let (ni, no, n) = (dx.image_values(), dy.image_values(), dy.n);
    need(
        "fc tensors unpadded, same batch",
        dx.pad == 0 && dy.pad == 0 && dx.n == n,
    )?;
    let (g, nb) = fc_tile("fc_bwd_data", ni, n, budget, |g, nb| {
        no * g + 2 * nb * no + 2 * nb * g
    })?;
    let mut m = Tcdm::new(budget);
    let wb = m.alloc(no * g);
    let yb = [m.alloc(nb * no), m.alloc(nb * no)];
    let xb = [m.alloc(nb * g), m.alloc(nb * g)];
    p.flops(2 * (n * ni * no) as u64);
    let chunks: Vec<(usize, usize)> = (0..n).step_by(nb).map(|c| (c, nb.min(n - c))).collect();
    for i0 in (0..ni).step_by(g) {
        let gs = g.min(ni - i0);
        p.dma(dma2d(w + 4 * i0 as u32, wb, gs, no, ni, g, false));
        pipeline(
            p,
            chunks.len(),
            |p, t, q| {
                let (n0, c) = chunks[t];
                p.dma(dma2d(
                    dy.addr + 4 * (n0 * no) as u32,
                    yb[q],
                    c * no,
                    1,
                    0,
                    0,
                    false,
                ));
            },
            |p, t, q| {
                let (_, c) = chunks[t];
                for (j, r) in split(gs, N_NTX) {
                    let loops: [Loop; 3] = [
                        (no, [1, g as i64, 0]),
                        (r.len(), [0, 1, 1]),
                        (c, [no as i64, 0, g as i64]),
                    ];
                    let base = [yb[q], wb + r.start, xb[q] + r.start];
                    p.ntx(j, lower("fc.bwd_data", op(opcode::MAC, 1, 3), &loops, base));
                }
            },
            |p, t, q| {
                let (n0, c) = chunks[t];
                p.dma(dma2d(
                    dx.addr + 4 * (n0 * ni + i0) as u32,
                    xb[q],
                    gs,
                    c,
                    ni,
                    g,
                    true,
                ));
            },
        );
    }
    Ok(())
}

/// Fully connected backward w.r.t. weights and bias, summed over the batch:
/// `dw[o][i] = sum over n of dy[n][o] x[n][i]`, `db[o] = sum of dy[n][o]`.
/// Tiles: output groups (dW resident) x batch chunks (accumulated with
/// init_sel = 2 after the first chunk).
pub fn fc_bwd_weights(
    p: &mut Program,
    x: &Tensor,
    dy: &Tensor,
    dw: u32,
    db: u32,
    budget: usize,
) -> Plan {
    let (ni, no, n) = (x.image_values(), dy.image_values(), x.n);
    need(
        "fc tensors unpadded, same batch",
        x.pad == 0 && dy.pad == 0 && dy.n == n,
    )?;
    let (g, nb) = fc_tile("fc_bwd_weights", no, n, budget, |g, nb| {
        g * ni + g + 2 * nb * ni + 2 * nb * g
    })?;
    let mut m = Tcdm::new(budget);
    let wb = m.alloc(g * ni);
    let bb = m.alloc(g);
    let xb = [m.alloc(nb * ni), m.alloc(nb * ni)];
    let yb = [m.alloc(nb * g), m.alloc(nb * g)];
    p.flops(2 * (n * ni * no) as u64 + (n * no) as u64);
    let chunks: Vec<(usize, usize)> = (0..n).step_by(nb).map(|c| (c, nb.min(n - c))).collect();
    for g0 in (0..no).step_by(g) {
        let gs = g.min(no - g0);
        pipeline(
            p,
            chunks.len(),
            |p, t, q| {
                let (n0, c) = chunks[t];
                p.dma(dma2d(
                    x.addr + 4 * (n0 * ni) as u32,
                    xb[q],
                    c * ni,
                    1,
                    0,
                    0,
                    false,
                ));
                p.dma(dma2d(
                    dy.addr + 4 * (n0 * no + g0) as u32,
                    yb[q],
                    gs,
                    c,
                    no,
                    g,
                    false,
                ));
            },
            |p, t, q| {
                let (_, c) = chunks[t];
                let sel = if t == 0 { 3 } else { 2 };
                for (j, r) in split(gs, N_NTX) {
                    let loops: [Loop; 3] = [
                        (c, [g as i64, ni as i64, 0]),
                        (ni, [0, 1, 1]),
                        (r.len(), [1, 0, ni as i64]),
                    ];
                    let base = [yb[q] + r.start, xb[q], wb + r.start * ni];
                    p.ntx(j, lower("fc.bwd_w", op(opcode::MAC, 1, sel), &loops, base));
                    let bl: [Loop; 2] = [(c, [g as i64, 0, 0]), (r.len(), [1, 0, 1])];
                    let add = op(opcode::VADDSUB, 1, sel);
                    p.ntx(
                        j,
                        lower("fc.bwd_b", add, &bl, [yb[q] + r.start, 0, bb + r.start]),
                    );
                }
            },
            |_, _, _| {},
        );
        p.dma(dma2d(dw + 4 * (g0 * ni) as u32, wb, gs * ni, 1, 0, 0, true));
        p.dma(dma2d(db + 4 * g0 as u32, bb, gs, 1, 0, 0, true));
        p.barrier();
    }
    Ok(())
}

/// Elementwise kernel over `len` words: inputs at external byte addresses
/// `ins`, output at `out`; `job(in bases, out base, len)` builds one NTX's
/// job on its slice. `in_place`: the result overwrites the last input's
/// TCDM buffer (which the write-back then copies to `out`).
fn eltwise(
    p: &mut Program,
    ins: &[u32],
    out: u32,
    len: usize,
    budget: usize,
    in_place: bool,
    job: impl Fn(&[usize], usize, usize) -> crate::model::job::Job,
) -> Plan {
    let bufs = ins.len() + usize::from(!in_place);
    let chunk = (budget / (2 * bufs)).min(N_NTX << 16);
    need("eltwise budget", chunk > 0)?;
    let mut m = Tcdm::new(budget);
    let ib: Vec<[usize; 2]> = ins
        .iter()
        .map(|_| [m.alloc(chunk), m.alloc(chunk)])
        .collect();
    let ob = if in_place {
        *ib.last().unwrap()
    } else {
        [m.alloc(chunk), m.alloc(chunk)]
    };
    let tiles: Vec<(usize, usize)> = (0..len)
        .step_by(chunk)
        .map(|c| (c, chunk.min(len - c)))
        .collect();
    pipeline(
        p,
        tiles.len(),
        |p, t, q| {
            let (e0, c) = tiles[t];
            for (a, b) in ins.iter().zip(&ib) {
                p.dma(dma2d(a + 4 * e0 as u32, b[q], c, 1, 0, 0, false));
            }
        },
        |p, t, q| {
            let (_, c) = tiles[t];
            for (j, r) in split(c, N_NTX) {
                let bases: Vec<usize> = ib.iter().map(|b| b[q] + r.start).collect();
                p.ntx(j, job(&bases, ob[q] + r.start, r.len()));
            }
        },
        |p, t, q| {
            let (e0, c) = tiles[t];
            p.dma(dma2d(out + 4 * e0 as u32, ob[q], c, 1, 0, 0, true));
        },
    );
    Ok(())
}

/// ReLU forward, `y = x if x >= 0 else 0` (THTST: alu = 0.0, test `0 > x`
/// inverted by the polarity, store x when true, else alu). Unpadded tensors
/// of equal size.
pub fn relu_fwd(p: &mut Program, x: &Tensor, y: &Tensor, budget: usize) -> Plan {
    need(
        "relu tensors unpadded, equal",
        x.pad == 0 && y.pad == 0 && x.words() == y.words(),
    )?;
    p.flops(x.words() as u64);
    let o = Op {
        opcode: opcode::THTST,
        init_level: 1,
        inner_level: 0,
        init_sel: 3,
        aux: 1,
        polarity: true,
    };
    eltwise(
        p,
        &[x.addr],
        y.addr,
        x.words(),
        budget,
        false,
        |b, out, n| lower("relu.fwd", o, &[(n, [0, 1, 1])], [0, b[0], out]),
    )
}

/// ReLU backward, `dx = dy if y > 0 else 0` with `y` the forward output
/// (MASK: alu = 0.0, test `0 >= y` inverted, store dy when true).
pub fn relu_bwd(p: &mut Program, dy: &Tensor, y: &Tensor, dx: &Tensor, budget: usize) -> Plan {
    need(
        "relu tensors unpadded, equal",
        dy.pad == 0
            && y.pad == 0
            && dx.pad == 0
            && dy.words() == y.words()
            && dx.words() == y.words(),
    )?;
    p.flops(y.words() as u64);
    let o = Op {
        opcode: opcode::MASK,
        init_level: 1,
        inner_level: 0,
        init_sel: 3,
        aux: 2,
        polarity: true,
    };
    eltwise(
        p,
        &[dy.addr, y.addr],
        dx.addr,
        y.words(),
        budget,
        false,
        |b, out, n| lower("relu.bwd", o, &[(n, [1, 1, 1])], [b[0], b[1], out]),
    )
}

/// SGD update `w -= lr * g` over `len` words (weights at `w`, gradients at
/// `g`, the learning rate as one f32 word at `lr`): one MAC job per NTX and
/// tile with the weight as init value (init_sel = 2), `acc -= g * lr`
/// (polarity), one truncation.
pub fn sgd(p: &mut Program, w: u32, g: u32, lr: u32, len: usize, budget: usize) -> Plan {
    need("sgd budget", budget > 1)?;
    p.flops(2 * len as u64);
    let lr_word = budget - 1;
    p.dma(dma2d(lr, lr_word, 1, 1, 0, 0, false));
    p.barrier();
    let o = Op {
        polarity: true,
        ..op(opcode::MAC, 0, 2)
    };
    // A = g, B = lr (stride 0), C = w (init value and result, in place).
    eltwise(p, &[g, w], w, len, budget - 1, true, |b, out, n| {
        lower("sgd", o, &[(n, [1, 0, 1])], [b[0], lr_word, out])
    })
}

/// Max pooling forward over `ps x ps` windows with stride `ps` (remainder
/// rows/columns ignored): `y` = window maximum (MAXMIN aux=0, the first
/// element as init value), `idx` (external words, `[n][c][oh][ow]`) = the
/// argmax's position `ky ps + kx` (MAXMIN aux=1, ties to the later
/// element). `x` unpadded; `y` may be padded.
pub fn maxpool_fwd(
    p: &mut Program,
    x: &Tensor,
    y: &Tensor,
    idx: u32,
    ps: usize,
    budget: usize,
) -> Plan {
    let (h, w) = (x.h, x.w);
    let (oh, ow) = (h / ps, w / ps);
    need(
        "maxpool shapes",
        x.pad == 0
            && ps >= 1
            && oh >= 1
            && ow >= 1
            && y.n == x.n
            && y.c == x.c
            && y.h == oh
            && y.w == ow,
    )?;
    let np = x.n * x.c;
    let per = |c: usize| 2 * c * h * w + 4 * c * oh * ow;
    let c = halvings(np)
        .into_iter()
        .find(|&c| per(c) <= budget)
        .ok_or("maxpool_fwd: no tile fits")?;
    let mut m = Tcdm::new(budget);
    let xb = [m.alloc(c * h * w), m.alloc(c * h * w)];
    let yb = [m.alloc(c * oh * ow), m.alloc(c * oh * ow)];
    let ib = [m.alloc(c * oh * ow), m.alloc(c * oh * ow)];
    p.flops((np * oh * ow * ps * ps) as u64);
    let tiles: Vec<(usize, usize)> = (0..np).step_by(c).map(|t| (t, c.min(np - t))).collect();
    pipeline(
        p,
        tiles.len(),
        |p, t, q| {
            let (p0, pc) = tiles[t];
            p.dma(dma2d(
                x.addr + 4 * (p0 * h * w) as u32,
                xb[q],
                pc * h * w,
                1,
                0,
                0,
                false,
            ));
        },
        |p, t, q| {
            let (_, pc) = tiles[t];
            for (j, r) in split(pc, N_NTX) {
                let loops: [Loop; 5] = [
                    (ps, [0, 1, 0]),
                    (ps, [0, w as i64, 0]),
                    (ow, [0, ps as i64, 1]),
                    (oh, [0, (ps * w) as i64, ow as i64]),
                    (r.len(), [0, (h * w) as i64, (oh * ow) as i64]),
                ];
                let xo = xb[q] + r.start * h * w;
                let oo = r.start * oh * ow;
                for (aux, dst) in [(0, yb[q] + oo), (1, ib[q] + oo)] {
                    let o = Op {
                        aux,
                        ..op(opcode::MAXMIN, 2, 1)
                    };
                    p.ntx(j, lower("maxpool.fwd", o, &loops, [0, xo, dst]));
                }
            }
        },
        |p, t, q| {
            let (p0, pc) = tiles[t];
            if y.pad == 0 {
                p.dma(dma2d(
                    y.addr + 4 * (p0 * oh * ow) as u32,
                    yb[q],
                    pc * oh * ow,
                    1,
                    0,
                    0,
                    true,
                ));
            } else {
                for l in 0..pc {
                    let (n, ch) = ((p0 + l) / x.c, (p0 + l) % x.c);
                    p.dma(dma2d(
                        y.byte(n, ch, 0, 0),
                        yb[q] + l * oh * ow,
                        ow,
                        oh,
                        y.wp(),
                        ow,
                        true,
                    ));
                }
            }
            p.dma(dma2d(
                idx + 4 * (p0 * oh * ow) as u32,
                ib[q],
                pc * oh * ow,
                1,
                0,
                0,
                true,
            ));
        },
    );
    Ok(())
}

/// Max pooling backward: `dx` at each window's argmax = `dy`, 0 elsewhere
/// (MASK aux=4: alu = the window's index word, test `cnt == alu`, store dy
/// or 0). Unpadded tensors; `dx.h = ps dy.h`, `dx.w = ps dy.w`.
pub fn maxpool_bwd(
    p: &mut Program,
    dy: &Tensor,
    idx: u32,
    dx: &Tensor,
    ps: usize,
    budget: usize,
) -> Plan {
    let (h, w, oh, ow) = (dx.h, dx.w, dy.h, dy.w);
    need(
        "maxpool_bwd shapes",
        dy.pad == 0 && dx.pad == 0 && h == ps * oh && w == ps * ow && dy.n == dx.n && dy.c == dx.c,
    )?;
    let np = dx.n * dx.c;
    let per = |c: usize| 2 * c * h * w + 4 * c * oh * ow;
    let c = halvings(np)
        .into_iter()
        .find(|&c| per(c) <= budget)
        .ok_or("maxpool_bwd: no tile fits")?;
    let mut m = Tcdm::new(budget);
    let yb = [m.alloc(c * oh * ow), m.alloc(c * oh * ow)];
    let ib = [m.alloc(c * oh * ow), m.alloc(c * oh * ow)];
    let xb = [m.alloc(c * h * w), m.alloc(c * h * w)];
    p.flops((np * h * w) as u64);
    let tiles: Vec<(usize, usize)> = (0..np).step_by(c).map(|t| (t, c.min(np - t))).collect();
    pipeline(
        p,
        tiles.len(),
        |p, t, q| {
            let (p0, pc) = tiles[t];
            let o = 4 * (p0 * oh * ow) as u32;
            p.dma(dma2d(dy.addr + o, yb[q], pc * oh * ow, 1, 0, 0, false));
            p.dma(dma2d(idx + o, ib[q], pc * oh * ow, 1, 0, 0, false));
        },
        |p, t, q| {
            let (_, pc) = tiles[t];
            for (j, r) in split(pc, N_NTX) {
                let (oo, xo) = (r.start * oh * ow, r.start * h * w);
                let loops: [Loop; 5] = [
                    (ps, [0, 0, 1]),
                    (ps, [0, 0, w as i64]),
                    (ow, [1, 1, ps as i64]),
                    (oh, [ow as i64, ow as i64, (ps * w) as i64]),
                    (
                        r.len(),
                        [(oh * ow) as i64, (oh * ow) as i64, (h * w) as i64],
                    ),
                ];
                let o = Op {
                    opcode: opcode::MASK,
                    init_level: 2,
                    inner_level: 0,
                    init_sel: 1,
                    aux: 4,
                    polarity: false,
                };
                p.ntx(
                    j,
                    lower(
                        "maxpool.bwd",
                        o,
                        &loops,
                        [yb[q] + oo, ib[q] + oo, xb[q] + xo],
                    ),
                );
            }
        },
        |p, t, q| {
            let (p0, pc) = tiles[t];
            p.dma(dma2d(
                dx.addr + 4 * (p0 * h * w) as u32,
                xb[q],
                pc * h * w,
                1,
                0,
                0,
                true,
            ));
        },
    );
    Ok(())
}
