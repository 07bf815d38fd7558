//! DNN kernels (`ntx_verif::dnn::kernels`) on the golden cluster model
//! against plain f64 implementations written here, gradients against
//! finite differences, on seeded random shapes (odd sizes, strides 1-2,
//! padding 0-1, more than 8 channels, TCDM budgets that force tiles that do
//! not divide the tensor evenly and tensors larger than the budget).
//!
//! Tolerance: NTX accumulates products exactly and rounds once when it
//! stores, truncating toward zero (spec 8), so a result stored after one
//! reduction is off from the exact sum by less than one ulp of itself,
//! `|ntx - exact| < 2^-23 |exact|`. A result that went through R stores
//! (partial sums re-read as init values: conv backward-data adds one
//! (ky, kx) per job, weight gradients one image or batch chunk per job) is
//! within `R 2^-23 S`, S the sum of the absolute values of all terms. The
//! f64 reference itself is within `n 2^-52 S` (n terms). Element-wise
//! kernels (ReLU, max pool, masks) must be bit-exact.
//!
//! Reproduce a failure with `DNN_SEED=<seed> cargo test --release -p
//! ntx-verif --test suite dnn::<test>` (the seed is printed).

use ntx_verif::dnn::exec::Executor;
use ntx_verif::dnn::kernels::*;
use ntx_verif::dnn::{ExtAlloc, Program, Tensor, TCDM_WORDS};
use ntx_verif::model::cluster::ClusterModel;
use num_traits::Float;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Seeds of a test: `DNN_SEED` alone, or `count` seeds from `base`.
fn seeds(base: u64, count: u64) -> Vec<u64> {
    match std::env::var("DNN_SEED") {
        Ok(s) => vec![s.parse().expect("DNN_SEED must be an integer")],
        Err(_) => (base..base + count).collect(),
    }
}

/// External memory with random values in the interior of tensors.
struct Mem {
    ext: Vec<u32>,
    alloc: ExtAlloc,
}

impl Mem {
    fn new() -> Self {
        Self {
            ext: vec![],
            alloc: ExtAlloc::default(),
        }
    }
    fn grow(&mut self) {
        self.ext.resize(self.alloc.next as usize / 4, 0);
    }
    fn tensor(
        &mut self,
        rng: &mut StdRng,
        n: usize,
        c: usize,
        h: usize,
        w: usize,
        pad: usize,
    ) -> Tensor {
        let t = self.alloc.tensor(n, c, h, w, pad);
        self.grow();
        for i in 0..n {
            for ch in 0..c {
                for y in 0..h {
                    for x in 0..w {
                        self.ext[t.word(i, ch, y, x)] = rng.gen_range(-1.0f32..1.0).to_bits();
                    }
                }
            }
        }
        t
    }
    fn vec(&mut self, rng: &mut StdRng, len: usize) -> u32 {
        let a = self.alloc.words(len);
        self.grow();
        for k in 0..len {
            self.ext[a as usize / 4 + k] = rng.gen_range(-1.0f32..1.0).to_bits();
        }
        a
    }
    fn zeros(&mut self, len: usize) -> u32 {
        let a = self.alloc.words(len);
        self.grow();
        a
    }
    fn get(&self, t: &Tensor, n: usize, c: usize, y: usize, x: usize) -> f64 {
        f32::from_bits(self.ext[t.word(n, c, y, x)]) as f64
    }
    fn at(&self, addr: u32, k: usize) -> f64 {
        f32::from_bits(self.ext[addr as usize / 4 + k]) as f64
    }
    /// Run a program on a fresh cluster model whose TCDM starts with
    /// garbage (a huge float), so reads of unwritten words show.
    fn run(&mut self, p: &Program) {
        let mut c = ClusterModel::new(TCDM_WORDS * 4, self.ext.len() * 4, 0x7e00_0000);
        c.ext.copy_from_slice(&self.ext);
        Executor::new()
            .run(&mut c, p)
            .unwrap_or_else(|e| panic!("executor: {e}"));
        self.ext.copy_from_slice(&c.ext);
    }
}

/// `|got - exact| <= rounds 2^-23 s + terms 2^-52 s` (and, for one round,
/// the tighter `2^-23 |exact|` plus the reference's error).
fn check(what: &str, seed: u64, got: f64, exact: f64, s: f64, rounds: usize, terms: usize) {
    let ref_err = terms as f64 * 2f64.powi(-52) * s + 1e-300;
    let tol = if rounds == 1 {
        2f64.powi(-23) * exact.abs() + ref_err
    } else {
        rounds as f64 * 2f64.powi(-23) * s + ref_err
    };
    assert!(
        (got - exact).abs() <= tol,
        "{what}: NTX {got:e}, f64 {exact:e}, |diff| {:e} > tolerance {tol:e} (seed {seed}; DNN_SEED={seed})",
        (got - exact).abs()
    );
}

/// Budget: the full TCDM or a small one that forces tiles (the smallest
/// that the planner accepts among a few tries).
fn plan(rng: &mut StdRng, f: impl Fn(&mut Program, usize) -> Plan) -> (Program, usize) {
    let mut tries: Vec<usize> = vec![300, 700, 1500, 4000, 12000, TCDM_WORDS];
    let start = rng.gen_range(0..tries.len());
    tries.drain(..start);
    for b in tries {
        let mut p = Program::default();
        if f(&mut p, b).is_ok() {
            return (p, b);
        }
    }
    panic!("no budget fits");
}

/// Generic reference convolution (x padded by `pad`, values outside 0).
#[allow(clippy::too_many_arguments)]
fn conv_ref<T: Float>(
    x: &dyn Fn(usize, usize, isize, isize) -> T,
    w: &dyn Fn(usize, usize, usize, usize) -> T,
    ci: usize,
    k: usize,
    s: usize,
    pad: usize,
    n: usize,
    co: usize,
    oy: usize,
    ox: usize,
) -> (T, T) {
    let mut acc = T::zero();
    let mut abs = T::zero();
    for c in 0..ci {
        for ky in 0..k {
            for kx in 0..k {
                let yy = (oy * s + ky) as isize - pad as isize;
                let xx = (ox * s + kx) as isize - pad as isize;
                let t = x(n, c, yy, xx) * w(co, c, ky, kx);
                acc = acc + t;
                abs = abs + t.abs();
            }
        }
    }
    (acc, abs)
}

struct ConvCase {
    n: usize,
    ci: usize,
    co: usize,
    h: usize,
    w: usize,
    k: usize,
    s: usize,
    pad: usize,
}

fn conv_case(rng: &mut StdRng) -> ConvCase {
    loop {
        let k = rng.gen_range(1..=3);
        let c = ConvCase {
            n: rng.gen_range(1..=3),
            ci: rng.gen_range(1..=5),
            co: rng.gen_range(1..=11),
            h: rng.gen_range(2..=9),
            w: rng.gen_range(2..=9),
            k,
            s: rng.gen_range(1..=2),
            pad: rng.gen_range(0..k.min(2)),
        };
        if c.k <= c.h + 2 * c.pad && c.k <= c.w + 2 * c.pad {
            return c;
        }
    }
}

#[test]
fn conv_fwd_matches_f64() {
    let mut tiled = 0;
    for seed in seeds(100, 150) {
        let rng = &mut StdRng::seed_from_u64(seed);
        let c = conv_case(rng);
        let mut m = Mem::new();
        let x = m.tensor(rng, c.n, c.ci, c.h, c.w, c.pad);
        let w = m.vec(rng, c.co * c.ci * c.k * c.k);
        let b = m.vec(rng, c.co);
        let (oh, ow) = (
            conv_out(c.h, c.pad, c.k, c.s),
            conv_out(c.w, c.pad, c.k, c.s),
        );
        let ypad = rng.gen_range(0..2);
        let y = m.alloc.tensor(c.n, c.co, oh, ow, ypad);
        m.grow();
        let (p, budget) = plan(rng, |p, bud| conv_fwd(p, &x, w, b, &y, c.k, c.s, bud));
        tiled += (budget < x.words()) as usize;
        let before = m.ext.clone();
        m.run(&p);
        let xf = |n: usize, ch: usize, yy: isize, xx: isize| {
            let i = x.word(n, ch, 0, 0) as isize + yy * x.wp() as isize + xx;
            f32::from_bits(before[i as usize]) as f64
        };
        let wf = |o: usize, ch: usize, ky: usize, kx: usize| {
            m.at(w, ((o * c.ci + ch) * c.k + ky) * c.k + kx)
        };
        for n in 0..c.n {
            for o in 0..c.co {
                for oy in 0..oh {
                    for ox in 0..ow {
                        let (acc, abs) = conv_ref(&xf, &wf, c.ci, c.k, c.s, c.pad, n, o, oy, ox);
                        let bias = m.at(b, o);
                        let got = m.get(&y, n, o, oy, ox);
                        check(
                            "conv_fwd",
                            seed,
                            got,
                            acc + bias,
                            abs + bias.abs(),
                            1,
                            c.ci * c.k * c.k + 1,
                        );
                    }
                }
            }
        }
        // The padding border of y stays zero.
        if ypad > 0 {
            assert_eq!(m.ext[y.addr as usize / 4], 0, "seed {seed}: border written");
        }
    }
    assert!(
        tiled > 0,
        "no case with a tensor larger than the TCDM budget"
    );
}

/// Loss L = sum of g * conv(x, w) (linear), its gradients by central
/// differences in f64 against the NTX backward kernels.
#[test]
fn conv_backward_matches_finite_differences() {
    let mut tiled = 0;
    for seed in seeds(200, 100) {
        let rng = &mut StdRng::seed_from_u64(seed);
        let c = conv_case(rng);
        let mut m = Mem::new();
        let x = m.tensor(rng, c.n, c.ci, c.h, c.w, c.pad);
        let w = m.vec(rng, c.co * c.ci * c.k * c.k);
        let (oh, ow) = (
            conv_out(c.h, c.pad, c.k, c.s),
            conv_out(c.w, c.pad, c.k, c.s),
        );
        let dy = m.tensor(rng, c.n, c.co, oh, ow, 0);
        let dw = m.zeros(c.co * c.ci * c.k * c.k);
        let db = m.zeros(c.co);
        let dx = m.alloc.tensor(c.n, c.ci, c.h, c.w, rng.gen_range(0..2));
        m.grow();
        let (mut p, b1) = plan(rng, |p, bud| {
            conv_bwd_weights(p, &x, &dy, dw, db, c.k, c.s, bud)
        });
        let (p2, b2) = plan(rng, |p, bud| {
            conv_bwd_data(p, &dy, w, &dx, c.k, c.s, c.pad, bud)
        });
        tiled += (b1.min(b2) < x.words()) as usize;
        p.append(p2);
        let before = m.ext.clone();
        m.run(&p);
        let f = |i: usize| f32::from_bits(before[i]) as f64;
        // L(x, w) in f64 with optional perturbation of one x or w word.
        let loss = |px: Option<(usize, f64)>, pw: Option<(usize, f64)>| {
            let xf = |n: usize, ch: usize, yy: isize, xx: isize| {
                if yy < 0 || xx < 0 || yy >= c.h as isize || xx >= c.w as isize {
                    return 0.0;
                }
                let i = x.word(n, ch, yy as usize, xx as usize);
                f(i) + px.filter(|p| p.0 == i).map_or(0.0, |p| p.1)
            };
            let wf = |o: usize, ch: usize, ky: usize, kx: usize| {
                let i = w as usize / 4 + ((o * c.ci + ch) * c.k + ky) * c.k + kx;
                f(i) + pw.filter(|p| p.0 == i).map_or(0.0, |p| p.1)
            };
            let (mut l, mut s) = (0.0, 0.0);
            for n in 0..c.n {
                for o in 0..c.co {
                    for oy in 0..oh {
                        for ox in 0..ow {
                            let (acc, abs) =
                                conv_ref(&xf, &wf, c.ci, c.k, c.s, c.pad, n, o, oy, ox);
                            let g = f(dy.word(n, o, oy, ox));
                            l += g * acc;
                            s += (g * abs).abs();
                        }
                    }
                }
            }
            (l, s)
        };
        let h = 0.5;
        let terms = c.n * oh * ow * c.co * c.ci * c.k * c.k;
        for _ in 0..6 {
            // weight gradient
            let j = rng.gen_range(0..c.co * c.ci * c.k * c.k);
            let wi = w as usize / 4 + j;
            let fd = (loss(None, Some((wi, h))).0 - loss(None, Some((wi, -h))).0) / (2.0 * h);
            let s: f64 = loss(None, None).1;
            check("conv_bwd_weights", seed, m.at(dw, j), fd, s, c.n, terms);
            // input gradient
            let (n, ch, yy, xx) = (
                rng.gen_range(0..c.n),
                rng.gen_range(0..c.ci),
                rng.gen_range(0..c.h),
                rng.gen_range(0..c.w),
            );
            let xi = x.word(n, ch, yy, xx);
            let fd = (loss(Some((xi, h)), None).0 - loss(Some((xi, -h)), None).0) / (2.0 * h);
            check(
                "conv_bwd_data",
                seed,
                m.get(&dx, n, ch, yy, xx),
                fd,
                s,
                c.k * c.k,
                terms,
            );
        }
        // bias gradient: exact sums of dy per channel
        for o in 0..c.co {
            let (mut e, mut s) = (0.0, 0.0);
            for n in 0..c.n {
                for oy in 0..oh {
                    for ox in 0..ow {
                        let g = f(dy.word(n, o, oy, ox));
                        e += g;
                        s += g.abs();
                    }
                }
            }
            check(
                "conv bias gradient",
                seed,
                m.at(db, o),
                e,
                s,
                c.n,
                c.n * oh * ow,
            );
        }
    }
    assert!(
        tiled > 0,
        "no case with a tensor larger than the TCDM budget"
    );
}

#[test]
fn fc_forward_and_backward_match_f64_and_finite_differences() {
    for seed in seeds(300, 150) {
        let rng = &mut StdRng::seed_from_u64(seed);
        let (n, ni, no) = (
            rng.gen_range(1..=7),
            rng.gen_range(1..=70),
            rng.gen_range(1..=21),
        );
        let mut m = Mem::new();
        let x = m.tensor(rng, n, ni, 1, 1, 0);
        let w = m.vec(rng, no * ni);
        let b = m.vec(rng, no);
        let dy = m.tensor(rng, n, no, 1, 1, 0);
        let y = m.alloc.tensor(n, no, 1, 1, 0);
        let dx = m.alloc.tensor(n, ni, 1, 1, 0);
        let dw = m.zeros(no * ni);
        let db = m.zeros(no);
        let (mut p, _) = plan(rng, |p, bud| fc_fwd(p, &x, w, b, &y, bud));
        p.append(plan(rng, |p, bud| fc_bwd_data(p, &dy, w, &dx, bud)).0);
        let (pw, bw) = plan(rng, |p, bud| fc_bwd_weights(p, &x, &dy, dw, db, bud));
        p.append(pw);
        let before = m.ext.clone();
        m.run(&p);
        let f = |i: usize| f32::from_bits(before[i]) as f64;
        let xv = |k: usize, i: usize| f(x.word(k, i, 0, 0));
        let wv = |o: usize, i: usize| f(w as usize / 4 + o * ni + i);
        let gv = |k: usize, o: usize| f(dy.word(k, o, 0, 0));
        for k in 0..n {
            for o in 0..no {
                let e: f64 = (0..ni).map(|i| wv(o, i) * xv(k, i)).sum::<f64>() + m.at(b, o);
                let s: f64 =
                    (0..ni).map(|i| (wv(o, i) * xv(k, i)).abs()).sum::<f64>() + m.at(b, o).abs();
                check("fc_fwd", seed, m.get(&y, k, o, 0, 0), e, s, 1, ni + 1);
            }
            for i in 0..ni {
                // d/dx of sum g * (W x): central difference of the linear loss
                let l = |d: f64| {
                    (0..no)
                        .map(|o| {
                            gv(k, o)
                                * (0..ni)
                                    .map(|j| wv(o, j) * (xv(k, j) + if j == i { d } else { 0.0 }))
                                    .sum::<f64>()
                        })
                        .sum::<f64>()
                };
                let fd = (l(0.5) - l(-0.5)) / 1.0;
                let s: f64 = (0..no).map(|o| (gv(k, o) * wv(o, i)).abs()).sum();
                check(
                    "fc_bwd_data",
                    seed,
                    m.get(&dx, k, i, 0, 0),
                    fd,
                    s.max(1e-30),
                    1,
                    no * ni + 4,
                );
            }
        }
        // at most one store per batch chunk, at most n chunks
        let chunks = n;
        let _ = bw;
        for o in 0..no {
            for i in 0..ni {
                let e: f64 = (0..n).map(|k| gv(k, o) * xv(k, i)).sum();
                let s: f64 = (0..n).map(|k| (gv(k, o) * xv(k, i)).abs()).sum();
                check(
                    "fc_bwd_weights",
                    seed,
                    m.at(dw, o * ni + i),
                    e,
                    s,
                    chunks,
                    n,
                );
            }
            let e: f64 = (0..n).map(|k| gv(k, o)).sum();
            let s: f64 = (0..n).map(|k| gv(k, o).abs()).sum();
            check("fc bias gradient", seed, m.at(db, o), e, s, chunks, n);
        }
    }
}

#[test]
fn relu_maxpool_sgd_are_exact() {
    for seed in seeds(400, 150) {
        let rng = &mut StdRng::seed_from_u64(seed);
        let (n, c, ps) = (
            rng.gen_range(1..=4),
            rng.gen_range(1..=11),
            rng.gen_range(1..=3),
        );
        let (oh, ow) = (rng.gen_range(1..=5), rng.gen_range(1..=5));
        let (h, w) = (oh * ps, ow * ps);
        let mut m = Mem::new();
        let x = m.tensor(rng, n, c, h, w, 0);
        // some exact zeros and negative zeros among the inputs
        for k in 0..4 {
            let i = x.addr as usize / 4 + rng.gen_range(0..x.words());
            m.ext[i] = if k % 2 == 0 { 0 } else { 0x8000_0000 };
        }
        let r = m.alloc.tensor(n, c, h, w, 0);
        let pool = m.alloc.tensor(n, c, oh, ow, rng.gen_range(0..2));
        let idx = m.zeros(n * c * oh * ow);
        let dyp = m.tensor(rng, n, c, oh, ow, 0);
        let dxp = m.alloc.tensor(n, c, h, w, 0);
        let dr = m.alloc.tensor(n, c, h, w, 0);
        let len = rng.gen_range(1..3000);
        let wv = m.vec(rng, len);
        let gv = m.vec(rng, len);
        let lr = m.zeros(1);
        let lrv = rng.gen_range(0.001f32..0.5);
        m.ext[lr as usize / 4] = lrv.to_bits();
        let (mut p, _) = plan(rng, |p, b| relu_fwd(p, &x, &r, b));
        p.append(plan(rng, |p, b| maxpool_fwd(p, &r, &pool, idx, ps, b)).0);
        p.append(plan(rng, |p, b| maxpool_bwd(p, &dyp, idx, &dxp, ps, b)).0);
        p.append(plan(rng, |p, b| relu_bwd(p, &dxp, &r, &dr, b)).0);
        p.append(plan(rng, |p, b| sgd(p, wv, gv, lr, len, b)).0);
        let before = m.ext.clone();
        m.run(&p);
        let f32at = |mem: &[u32], i: usize| f32::from_bits(mem[i]);
        for k in 0..n {
            for ch in 0..c {
                for oy in 0..oh {
                    for ox in 0..ow {
                        // reference: max over the window (ties to the later), relu first
                        let mut best = f32::NEG_INFINITY;
                        let mut bi = 0;
                        for ky in 0..ps {
                            for kx in 0..ps {
                                let v = f32at(&before, x.word(k, ch, oy * ps + ky, ox * ps + kx));
                                let v = if v >= 0.0 { v } else { 0.0 };
                                if v >= best {
                                    best = v;
                                    bi = ky * ps + kx;
                                }
                            }
                        }
                        let pi = ((k * c + ch) * oh + oy) * ow + ox;
                        assert_eq!(m.get(&pool, k, ch, oy, ox) as f32, best, "seed {seed}: max");
                        assert_eq!(
                            m.ext[idx as usize / 4 + pi],
                            bi as u32,
                            "seed {seed}: argmax"
                        );
                        let g = f32at(&before, dyp.word(k, ch, oy, ox));
                        for ky in 0..ps {
                            for kx in 0..ps {
                                let (yy, xx) = (oy * ps + ky, ox * ps + kx);
                                let e = if ky * ps + kx == bi { g } else { 0.0 };
                                let got = m.get(&dxp, k, ch, yy, xx) as f32;
                                assert_eq!(got.to_bits(), e.to_bits(), "seed {seed}: pool bwd");
                                let act = m.get(&r, k, ch, yy, xx) as f32;
                                let er = if act > 0.0 { e } else { 0.0 };
                                let gr = m.get(&dr, k, ch, yy, xx) as f32;
                                assert_eq!(gr.to_bits(), er.to_bits(), "seed {seed}: relu bwd");
                            }
                        }
                    }
                }
            }
        }
        for i in 0..len {
            let w0 = f32at(&before, wv as usize / 4 + i) as f64;
            let g = f32at(&before, gv as usize / 4 + i) as f64;
            let e = w0 - g * lrv as f64;
            check(
                "sgd",
                seed,
                m.at(wv, i),
                e,
                w0.abs() + (g * lrv as f64).abs(),
                1,
                2,
            );
        }
    }
}
