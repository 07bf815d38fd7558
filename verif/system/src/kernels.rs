//! Synthetic tiles of the layer kernels for whole networks: the tile
//! shapes, DMA descriptors and NTX jobs the kernel library (`dnn::kernels`)
//! emits, generalised where the library cannot yet plan ImageNet-size layers
//! (assumption, stated in the README): convolution inputs, backward-data
//! and backward-weights kernels are also tiled over input channels and
//! output-row bands (partial sums reloaded / accumulated with init_sel = 2),
//! FC layers over their input dimension. Overlapping pooling windows cost
//! `k x k` steps per output.

use super::cluster::{Act, Pipeline, Tile};

/// TCDM staging-register writes per job (bases and loop ends that change
/// between consecutive jobs of an NTX; calibrated against the replay of
/// the library's own command lists).
pub const WRITES_PER_JOB: u32 = 4;

/// Candidate sizes n, ceil(n/2), ..., 1 (the library's `halvings`).
pub fn halvings(n: usize) -> Vec<usize> {
    let mut v = vec![n.max(1)];
    while *v.last().unwrap() > 1 {
        let l = *v.last().unwrap();
        v.push(l.div_ceil(2));
    }
    v
}

fn ld(words: usize, rows: usize) -> Act {
    Act::Dma {
        words: words as u64,
        rows: rows.max(1) as u64,
        to_ext: false,
    }
}
fn st(words: usize, rows: usize) -> Act {
    Act::Dma {
        words: words as u64,
        rows: rows.max(1) as u64,
        to_ext: true,
    }
}
fn job(ntx: usize, steps: usize, acc: f64, fmac: bool) -> Act {
    job_ev(ntx, steps, acc, fmac, 0.0)
}

/// A job whose accumulator starts from C (the partial sum) `ev` times per
/// step.
fn job_ev(ntx: usize, steps: usize, acc: f64, fmac: bool, ev: f64) -> Act {
    Act::Job {
        ntx: ntx % 8,
        writes: WRITES_PER_JOB,
        steps: steps as u64,
        cpe: (acc / 2.0).max(1.0),
        fmac,
        ev,
    }
}

/// The candidate `(a, b, c)` from the halvings of `dims` that fits and has
/// the lowest estimated cycles per unit of work (`est` returns both).
pub fn choose(
    dims: [usize; 3],
    fits: impl Fn(usize, usize, usize) -> bool,
    est: impl Fn(usize, usize, usize) -> (f64, f64),
) -> (usize, usize, usize) {
    let mut best: Option<((usize, usize, usize), f64)> = None;
    for a in halvings(dims[0]) {
        for b in halvings(dims[1]) {
            for c in halvings(dims[2]) {
                if !fits(a, b, c) {
                    continue;
                }
                let (cyc, work) = est(a, b, c);
                let score = cyc / work.max(1e-9);
                if best.is_none_or(|(_, s)| score < s - 1e-12) {
                    best = Some(((a, b, c), score));
                }
            }
        }
    }
    best.map(|b| b.0).unwrap_or((1, 1, 1))
}

/// Fixed control cycles per job and per tile in the tile estimates.
const EST_JOB: f64 = 20.0;
const EST_TILE: f64 = 150.0;

/// Reorder jobs round-robin over the NTX keeping each NTX's order (as
/// `dnn::kernels::interleave`).
pub fn interleave(acts: &mut [Act]) {
    let mut q: Vec<std::collections::VecDeque<Act>> = vec![Default::default(); 8];
    for a in acts.iter() {
        if let Act::Job { ntx, .. } = a {
            q[*ntx % 8].push_back(*a);
        }
    }
    let mut i = 0;
    while i < acts.len() {
        for qi in q.iter_mut() {
            if let Some(a) = qi.pop_front() {
                acts[i] = a;
                i += 1;
            }
        }
    }
}

/// Split `n` into `parts` nearly equal non-empty sizes.
fn split(n: usize, parts: usize) -> Vec<usize> {
    (0..parts)
        .map(|p| n * (p + 1) / parts - n * p / parts)
        .filter(|&l| l > 0)
        .collect()
}

/// Runs of identical tiles: `count` tiles of `full` and one `last` if the
/// extent does not divide.
fn runs(n: usize, tile: usize, mk0: impl Fn(usize) -> Tile) -> Vec<(Tile, usize)> {
    let mk = |t: usize| {
        let mut x = mk0(t);
        interleave(&mut x.compute);
        x
    };
    let full = n / tile;
    let rem = n % tile;
    let mut v = vec![];
    if full > 0 {
        v.push((mk(tile), full));
    }
    if rem > 0 {
        v.push((mk(rem), 1));
    }
    v
}

/// A set of pipelines (one per resident group) and the independent work
/// units they split into over the clusters of a cube.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    pub pipelines: Vec<(Pipeline, usize)>,
    pub units: usize,
    /// A unit may be split this many ways more over the clusters (its
    /// streamed tiles shared out), each part producing a partial result...
    pub split_max: usize,
    /// ... of this many words in total, summed afterwards by an
    /// elementwise reduction.
    pub reduce_words: usize,
}

/// Convolution forward of `n` images (one channel group).
#[allow(clippy::too_many_arguments)]
pub fn conv_fwd(
    n: usize,
    ci: usize,
    co: usize,
    h: usize,
    w: usize,
    k: usize,
    s: usize,
    pad: usize,
    budget: usize,
) -> Plan {
    let (hp, wp) = (h + 2 * pad, w + 2 * pad);
    let (oh, ow) = ((hp - k) / s + 1, (wp - k) / s + 1);
    let (cit, g, r) = choose(
        [ci, co, oh],
        |cit, g, r| {
            g * cit * k * k + g + 2 * cit * ((r - 1) * s + k) * wp + 2 * g * r * ow <= budget
        },
        |cit, g, r| {
            let work = (g * k * k * cit * ow * r) as f64;
            let ntx = g.div_ceil(8) as f64 * ((k * k * cit * ow * r + r * ow) as f64);
            let dma = (cit * ((r - 1) * s + k) * wp + g * r * ow) as f64
                + if cit < ci { (g * r * ow) as f64 } else { 0.0 };
            (ntx.max(dma) + EST_JOB * 2.0 * g as f64 + EST_TILE, work)
        },
    );
    let chunks = ci.div_ceil(cit);
    let mut out = Plan::default();
    let tile = |gs: usize, rows: usize, first: bool| {
        let rb = (rows - 1) * s + k;
        let mut t = Tile {
            load: vec![ld(cit * rb * wp, cit)],
            ..Default::default()
        };
        if !first {
            t.load.push(ld(gs * rows * ow, gs));
        }
        for gl in 0..gs {
            if first {
                t.compute.push(job(gl, rows * ow, 2.0, false));
            }
            let acc = 2.0 + 2.0 / (k * k * cit) as f64;
            t.compute.push(job_ev(
                gl,
                k * k * cit * ow * rows,
                acc,
                true,
                1.0 / (k * k * cit) as f64,
            ));
            t.store.push(st(rows * ow, rows));
        }
        t
    };
    for (gs, count) in [(g, co / g), (co % g, usize::from(!co.is_multiple_of(g)))] {
        if count == 0 || gs == 0 {
            continue;
        }
        for c in 0..chunks {
            let first = c == 0;
            let mut rs = vec![];
            for (t, m) in runs(oh, r, |rows| tile(gs, rows, first)) {
                rs.push((t, m * n));
            }
            let pl = Pipeline {
                pre: vec![ld(gs * cit * k * k, 1), ld(gs, 1)],
                runs: rs,
                post: vec![],
            };
            out.pipelines.push((pl, count));
        }
        out.units += count * n * oh.div_ceil(r);
    }
    out
}

/// Convolution backward w.r.t. the input (one channel group): tiles of
/// input-channel groups x images x output-row bands x output-channel
/// chunks.
#[allow(clippy::too_many_arguments)]
pub fn conv_bwd_data(
    n: usize,
    ci: usize,
    co: usize,
    h: usize,
    w: usize,
    k: usize,
    s: usize,
    pad: usize,
    budget: usize,
) -> Plan {
    let (hp, wp) = (h + 2 * pad, w + 2 * pad);
    let (oh, ow) = ((hp - k) / s + 1, (wp - k) / s + 1);
    let (cot, r, g) = choose(
        [co, oh, ci],
        |cot, r, g| cot * g * k * k + 2 * cot * r * ow + 2 * g * ((r - 1) * s + k) * wp <= budget,
        |cot, r, g| {
            let rb = (r - 1) * s + k;
            let work = (cot * g * k * k * ow * r) as f64;
            let ntx = (g.div_ceil(8) * (k * k * cot * ow * r + rb * wp)) as f64;
            let mut dma = (cot * r * ow + g * rb * w) as f64;
            if cot < co {
                dma += (cot * g * k * k + g * rb * w) as f64;
            }
            (
                ntx.max(dma) + EST_JOB * (k * k * g.min(8)) as f64 + EST_TILE,
                work,
            )
        },
    );
    let chunks = co.div_ceil(cot);
    let mut out = Plan::default();
    let tile = |gs: usize, rows: usize, first: bool| {
        let rb = (rows - 1) * s + k;
        let mut t = Tile {
            load: vec![ld(cot * rows * ow, if rows == oh { 1 } else { cot })],
            ..Default::default()
        };
        if chunks > 1 {
            t.load.push(ld(cot * gs * k * k, cot));
            if !first {
                t.load.push(ld(gs * rb * w, gs * rb));
            }
        }
        for (j, c) in split(gs, 8).into_iter().enumerate() {
            if first {
                t.compute.push(job(j, c * rb * wp, 1.0, false));
            }
            for _ in 0..k * k {
                let acc = 2.0 + 2.0 / cot as f64;
                t.compute
                    .push(job_ev(j, cot * ow * rows * c, acc, true, 1.0 / cot as f64));
            }
        }
        for _ in 0..gs {
            t.store.push(st(rb.min(h) * w, rb.min(h)));
        }
        t
    };
    for (gs, count) in [(g, ci / g), (ci % g, usize::from(!ci.is_multiple_of(g)))] {
        if count == 0 || gs == 0 {
            continue;
        }
        for c in 0..chunks {
            let mut rs = vec![];
            for (t, m) in runs(oh, r, |rows| tile(gs, rows, c == 0)) {
                rs.push((t, m * n));
            }
            let pre = if chunks == 1 {
                vec![ld(co * gs * k * k, co)]
            } else {
                vec![]
            };
            out.pipelines.push((
                Pipeline {
                    pre,
                    runs: rs,
                    post: vec![],
                },
                count,
            ));
        }
        out.units += count * n * oh.div_ceil(r);
    }
    out
}

/// Convolution backward w.r.t. weights and bias (one channel group): dW of
/// an output-channel group x input-channel chunk resident while images and
/// row bands stream through.
#[allow(clippy::too_many_arguments)]
pub fn conv_bwd_weights(
    n: usize,
    ci: usize,
    co: usize,
    h: usize,
    w: usize,
    k: usize,
    s: usize,
    pad: usize,
    budget: usize,
) -> Plan {
    let (hp, wp) = (h + 2 * pad, w + 2 * pad);
    let (oh, ow) = ((hp - k) / s + 1, (wp - k) / s + 1);
    let (cit, r, g) = choose(
        [ci, oh, co],
        |cit, r, g| {
            g * cit * k * k + g + 2 * cit * ((r - 1) * s + k) * wp + 2 * g * r * ow <= budget
        },
        |cit, r, g| {
            let work = (g * cit * k * k * r * ow) as f64;
            let ntx = (g.div_ceil(8) * (ow * r * k * k * cit + r * ow)) as f64;
            let dma = (cit * ((r - 1) * s + k) * wp + g * r * ow) as f64;
            (ntx.max(dma) + EST_JOB * 2.0 * g as f64 + EST_TILE, work)
        },
    );
    let chunks = ci.div_ceil(cit);
    let mut out = Plan::default();
    let tile = |gs: usize, rows: usize| {
        let rb = (rows - 1) * s + k;
        let mut t = Tile {
            load: vec![
                ld(cit * rb * wp, if rows == oh && cit == ci { 1 } else { cit }),
                ld(gs * rows * ow, if rows == oh { 1 } else { gs }),
            ],
            ..Default::default()
        };
        for gl in 0..gs {
            let acc = 2.0 + 2.0 / (rows * ow) as f64;
            t.compute.push(job_ev(
                gl,
                ow * rows * k * k * cit,
                acc,
                true,
                1.0 / (rows * ow) as f64,
            ));
            t.compute.push(job(gl, rows * ow, 1.0, true));
        }
        t
    };
    for (gs, count) in [(g, co / g), (co % g, usize::from(!co.is_multiple_of(g)))] {
        if count == 0 || gs == 0 {
            continue;
        }
        let mut rs = vec![];
        for (t, m) in runs(oh, r, |rows| tile(gs, rows)) {
            rs.push((t, m * n));
        }
        out.pipelines.push((
            Pipeline {
                pre: vec![],
                runs: rs,
                post: vec![st(gs * cit * k * k, 1), st(gs, 1)],
            },
            count * chunks,
        ));
        out.units += count * chunks;
    }
    out.split_max = n * oh.div_ceil(r);
    out.reduce_words = co * ci * k * k + co;
    out
}

/// FC forward (`transpose = false`) or backward-weights (`true`): output
/// groups resident (weights or dW), batch chunks streamed, input dimension
/// chunked when a row does not fit.
pub fn fc_out_groups(n: usize, ni: usize, no: usize, budget: usize, bwd_w: bool) -> Plan {
    let (nit, g, nb) = choose(
        [ni, no, n],
        |nit, g, nb| g * nit + g + 2 * nb * nit + 2 * nb * g <= budget,
        |nit, g, nb| {
            let work = (g * nit * nb) as f64;
            let ntx = (g.div_ceil(8) * nit * nb) as f64;
            // Resident block loaded once per group, amortised over the batch.
            let dma = (nb * nit + nb * g) as f64 + (g * nit) as f64 * nb as f64 / n as f64;
            (ntx.max(dma) + EST_JOB * 16.0 + EST_TILE, work)
        },
    );
    let chunks = ni.div_ceil(nit);
    let mut out = Plan::default();
    let tile = |gs: usize, c: usize, first: bool| {
        let mut t = Tile {
            load: vec![ld(c * nit, if chunks == 1 { 1 } else { c })],
            ..Default::default()
        };
        if bwd_w || !first {
            t.load.push(ld(c * gs, c));
        }
        for (j, l) in split(gs, 8).into_iter().enumerate() {
            if bwd_w {
                let acc = 2.0 + 2.0 / c as f64;
                t.compute
                    .push(job_ev(j, c * nit * l, acc, true, 1.0 / c as f64));
                t.compute.push(job(j, c * l, 1.0, true));
            } else {
                if first {
                    t.compute.push(job(j, c * l, 2.0, false));
                }
                let acc = 2.0 + 2.0 / nit as f64;
                t.compute
                    .push(job_ev(j, nit * l * c, acc, true, 1.0 / nit as f64));
            }
        }
        if !bwd_w {
            t.store.push(st(c * gs, c));
        }
        t
    };
    for (gs, count) in [(g, no / g), (no % g, usize::from(!no.is_multiple_of(g)))] {
        if count == 0 || gs == 0 {
            continue;
        }
        for ch in 0..chunks {
            let first = ch == 0;
            let (pre, post) = if bwd_w {
                (vec![], vec![st(gs * nit, gs), st(gs, 1)])
            } else {
                (
                    vec![ld(gs * nit, if chunks == 1 { 1 } else { gs }), ld(gs, 1)],
                    vec![],
                )
            };
            out.pipelines.push((
                Pipeline {
                    pre,
                    runs: runs(n, nb, |c| tile(gs, c, first)),
                    post,
                },
                count,
            ));
        }
        out.units += count;
    }
    if bwd_w {
        out.split_max = n.div_ceil(nb);
        out.reduce_words = ni * no + no;
    }
    out
}

/// FC backward w.r.t. the input: input groups (weight columns) resident,
/// batch chunks streamed.
pub fn fc_bwd_data(n: usize, ni: usize, no: usize, budget: usize) -> Plan {
    let (not, g, nb) = choose(
        [no, ni, n],
        |not, g, nb| not * g + 2 * nb * not + 2 * nb * g <= budget,
        |not, g, nb| {
            let work = (g * not * nb) as f64;
            let ntx = (g.div_ceil(8) * not * nb) as f64;
            let dma = (nb * not + nb * g) as f64 + (g * not) as f64 * nb as f64 / n as f64;
            (ntx.max(dma) + EST_JOB * 8.0 + EST_TILE, work)
        },
    );
    let chunks = no.div_ceil(not);
    let mut out = Plan::default();
    let tile = |gs: usize, c: usize, first: bool| {
        let mut t = Tile {
            load: vec![ld(c * not, if chunks == 1 { 1 } else { c })],
            ..Default::default()
        };
        if !first {
            t.load.push(ld(c * gs, c));
        }
        for (j, l) in split(gs, 8).into_iter().enumerate() {
            let acc = 2.0 + 2.0 / not as f64 + if first { 0.0 } else { 2.0 / not as f64 };
            t.compute.push(job_ev(
                j,
                not * l * c,
                acc,
                true,
                if first { 0.0 } else { 1.0 / not as f64 },
            ));
        }
        t.store.push(st(c * gs, c));
        t
    };
    for (gs, count) in [(g, ni / g), (ni % g, usize::from(!ni.is_multiple_of(g)))] {
        if count == 0 || gs == 0 {
            continue;
        }
        for ch in 0..chunks {
            out.pipelines.push((
                Pipeline {
                    pre: vec![ld(gs * not, not)],
                    runs: runs(n, nb, |c| tile(gs, c, ch == 0)),
                    post: vec![],
                },
                count,
            ));
        }
        out.units += count;
    }
    out
}

/// Elementwise kernel over `len` words with `ins` input streams, an output
/// stream unless `in_place`, `acc` TCDM accesses per element, FMAC or not.
pub fn eltwise(
    len: usize,
    ins: usize,
    in_place: bool,
    acc: f64,
    fmac: bool,
    budget: usize,
) -> Plan {
    eltwise_ev(len, ins, in_place, acc, fmac, 0.0, budget)
}

/// [`eltwise`] whose jobs start each element from C (`ev` = 1: SGD, C=A+C).
pub fn eltwise_ev(
    len: usize,
    ins: usize,
    in_place: bool,
    acc: f64,
    fmac: bool,
    ev: f64,
    budget: usize,
) -> Plan {
    let bufs = ins + usize::from(!in_place);
    let chunk = (budget / (2 * bufs)).clamp(1, 8 << 16);
    let tile = |c: usize| Tile {
        load: (0..ins).map(|_| ld(c, 1)).collect(),
        compute: split(c, 8)
            .into_iter()
            .enumerate()
            .map(|(j, l)| job_ev(j, l, acc, fmac, ev))
            .collect(),
        store: vec![st(c, 1)],
    };
    let r = runs(len, chunk, tile);
    let units = len.div_ceil(chunk);
    Plan {
        pipelines: vec![(
            Pipeline {
                pre: vec![],
                runs: r,
                post: vec![],
            },
            1,
        )],
        units,
        ..Default::default()
    }
}

/// Pooling forward (`bwd = false`: value and argmax outputs) or backward
/// (scatter to the argmax) over `planes` planes of `h x w`, `k x k` window
/// stride `s`.
#[allow(clippy::too_many_arguments)]
pub fn pool(
    planes: usize,
    h: usize,
    w: usize,
    k: usize,
    s: usize,
    pad: usize,
    bwd: bool,
    budget: usize,
) -> Plan {
    let (oh, ow) = ((h + 2 * pad - k) / s + 1, (w + 2 * pad - k) / s + 1);
    let per = |c: usize| 2 * c * h * w + 4 * c * oh * ow;
    let c = halvings(planes)
        .into_iter()
        .find(|&c| per(c) <= budget)
        .unwrap_or(1);
    let tile = |pc: usize| {
        let mut t = Tile::default();
        if bwd {
            t.load = vec![ld(pc * oh * ow, 1), ld(pc * oh * ow, 1)];
            t.store = vec![st(pc * h * w, 1)];
            for (j, l) in split(pc, 8).into_iter().enumerate() {
                let steps = l * (oh * ow * k * k).max(h * w);
                t.compute
                    .push(job(j, steps, 2.0 + 1.0 / (k * k) as f64, false));
            }
        } else {
            t.load = vec![ld(pc * h * w, 1)];
            t.store = vec![st(pc * oh * ow, 1), st(pc * oh * ow, 1)];
            for (j, l) in split(pc, 8).into_iter().enumerate() {
                for _ in 0..2 {
                    let acc = 1.0 + 1.0 / (k * k) as f64;
                    t.compute.push(job(j, l * oh * ow * k * k, acc, false));
                }
            }
        }
        t
    };
    Plan {
        pipelines: vec![(
            Pipeline {
                pre: vec![],
                runs: runs(planes, c, tile),
                post: vec![],
            },
            1,
        )],
        units: planes.div_ceil(c),
        ..Default::default()
    }
}
