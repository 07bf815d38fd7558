//! `ntx bench ieee`: accuracy of 1,000-element fp32 dot products in NTX
//! mode (exact 284-bit accumulation, one truncation), IEEE mode (exact
//! Kulisch accumulation, one rounding to nearest even) and a plain fp32
//! fused multiply-add chain (`f32::mul_add`, one rounding per element),
//! each against the exact rational result (`crate::exact`), in units in the
//! last place of the exact result. Deterministic (fixed seed); the figures
//! in the README are asserted by `verif/tests/suite/model_ieee.rs`.

use crate::exact::{ulp_error, ExactSum};
use crate::model::arith::Accumulator;
use crate::model::ieee::IeeeAcc;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Elements per dot product.
pub const DOT_LEN: usize = 1000;
/// Dot products per data set.
pub const TRIALS: usize = 1000;
/// Seed of the operand generator.
pub const SEED: u64 = 0xD07;

/// Max and mean error in ulps of one method on one data set.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ErrStats {
    /// Largest error.
    pub max: f64,
    /// Mean error.
    pub mean: f64,
}

/// One row of the accuracy table.
#[derive(Clone, Debug, PartialEq)]
pub struct AccuracyRow {
    /// Data set name.
    pub data: &'static str,
    /// NTX mode.
    pub ntx: ErrStats,
    /// IEEE mode.
    pub ieee: ErrStats,
    /// fp32 FMA chain.
    pub fma: ErrStats,
}

/// The data sets: name and element generator.
fn element(set: usize, rng: &mut StdRng) -> f32 {
    match set {
        // same-sign products: no cancellation
        0 => rng.gen_range(0.0f32..1.0),
        // mixed signs: cancellation
        1 => rng.gen_range(-1.0f32..1.0),
        // mixed signs and magnitudes over 2^-20..2^20
        _ => {
            let m: f32 = rng.gen_range(1.0f32..2.0);
            let e: i32 = rng.gen_range(-20..20);
            let s = if rng.gen() { -1.0 } else { 1.0 };
            s * m * 2f32.powi(e)
        }
    }
}

const SETS: [&str; 3] = ["uniform [0,1)", "uniform [-1,1)", "+-[1,2) x 2^[-20,20)"];

struct Acc {
    sum: f64,
    max: f64,
    n: usize,
}

impl Acc {
    fn new() -> Self {
        Self {
            sum: 0.0,
            max: 0.0,
            n: 0,
        }
    }
    fn add(&mut self, e: f64) {
        self.sum += e;
        self.max = self.max.max(e);
        self.n += 1;
    }
    fn stats(&self) -> ErrStats {
        ErrStats {
            max: self.max,
            mean: self.sum / self.n.max(1) as f64,
        }
    }
}

/// Compute the accuracy table (`trials` dot products of `len` elements per
/// data set).
pub fn accuracy(trials: usize, len: usize) -> Vec<AccuracyRow> {
    let mut rng = StdRng::seed_from_u64(SEED);
    let mut rows = Vec::new();
    for (set, name) in SETS.iter().enumerate() {
        let (mut ntx, mut ieee, mut fma) = (Acc::new(), Acc::new(), Acc::new());
        for _ in 0..trials {
            let a: Vec<u32> = (0..len).map(|_| element(set, &mut rng).to_bits()).collect();
            let b: Vec<u32> = (0..len).map(|_| element(set, &mut rng).to_bits()).collect();
            let mut exact = ExactSum::new();
            let mut n = Accumulator::new();
            let mut i = IeeeAcc::new();
            let mut chain = 0.0f32;
            for k in 0..len {
                exact.add_product(a[k], b[k], false);
                n.mac(a[k], b[k], false);
                i.mac(a[k], b[k], false);
                chain = f32::from_bits(a[k]).mul_add(f32::from_bits(b[k]), chain);
            }
            let x = &exact.value;
            let err = |r: u32| ulp_error(r, x).expect("finite result");
            ntx.add(err(n.round()));
            ieee.add(err(i.round().0));
            fma.add(err(chain.to_bits()));
        }
        rows.push(AccuracyRow {
            data: name,
            ntx: ntx.stats(),
            ieee: ieee.stats(),
            fma: fma.stats(),
        });
    }
    rows
}

/// The table as printed by `ntx bench ieee` (Markdown, for the README).
pub fn table(rows: &[AccuracyRow]) -> String {
    let mut t = super::Table::new(&[
        "data (a_i, b_i)",
        "NTX mode max / mean",
        "IEEE mode max / mean",
        "fp32 FMA chain max / mean",
    ]);
    let pair = |e: &ErrStats| format!("{:.3} / {:.3}", e.max, e.mean);
    for r in rows {
        t.row(&[
            r.data.to_string(),
            pair(&r.ntx),
            pair(&r.ieee),
            pair(&r.fma),
        ]);
    }
    t.render().to_string()
}

/// Print the accuracy table.
pub fn run() -> Result<(), String> {
    let t0 = std::time::Instant::now();
    let rows = accuracy(TRIALS, DOT_LEN);
    println!(
        "error of {TRIALS} dot products of {DOT_LEN} fp32 elements per data set against the \
         exact result, in ulps of the exact result (seed {SEED:#x}):"
    );
    print!("{}", table(&rows));
    println!("({:.1} s)", t0.elapsed().as_secs_f64());
    Ok(())
}
