//! IEEE-mode golden model (`model::ieee`, spec section 8) against two
//! independent oracles:
//! - Berkeley SoftFloat 3 (`softfloat-sys`, RISC-V specialisation: canonical
//!   NaN 0x7FC00000, tininess after rounding): single fused operations
//!   `f32_mulAdd` (MAC / MASKMAC), `f32_add` (VADDSUB) and `f32_mul` (VMULT),
//!   results and exception flags, on random and edge-case operands;
//! - exact big-integer sums (`ntx_verif::exact`) rounded by its own RNE
//!   routine, itself checked against the host's f64 -> f32 conversion, on
//!   long reductions.
//!
//! Plus directed cases for every rounding boundary and special value, and
//! the register-level NTX in IEEE mode (CTRL bit 3, FLAGS register).
//!
//! Seeds: `NTX_IEEE_SEED` reruns a campaign; `NTX_IEEE_OPS` sets the number
//! of SoftFloat operations (default 1,000,000).

use ntx_hw::params::{opcode, regs};
use ntx_verif::exact::{exact_value, round_rne, ExactSum, NV, NX, OF, UF};
use ntx_verif::model::ieee::{flags, IeeeAcc, CANONICAL_NAN};
use ntx_verif::model::job::{Command, Job};
use ntx_verif::model::mem::Tcdm;
use ntx_verif::model::ntx::NtxModel;
use num_bigint::BigInt;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use softfloat_sys::{f32_add, f32_mul, f32_mulAdd, float32_t};

fn seed() -> u64 {
    std::env::var("NTX_IEEE_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x01EE_E754)
}

fn sf_flags_clear() {
    unsafe { softfloat_sys::softfloat_exceptionFlags_write_helper(0) };
}

fn sf_flags() -> u32 {
    unsafe { softfloat_sys::softfloat_exceptionFlags_read_helper() as u32 }
}

fn f32t(v: u32) -> float32_t {
    float32_t { v }
}

fn sf_mul_add(a: u32, b: u32, c: u32) -> (u32, u32) {
    sf_flags_clear();
    let r = unsafe { f32_mulAdd(f32t(a), f32t(b), f32t(c)) };
    (r.v, sf_flags())
}

fn sf_add(a: u32, b: u32) -> (u32, u32) {
    sf_flags_clear();
    let r = unsafe { f32_add(f32t(a), f32t(b)) };
    (r.v, sf_flags())
}

fn sf_mul(a: u32, b: u32) -> (u32, u32) {
    sf_flags_clear();
    let r = unsafe { f32_mul(f32t(a), f32t(b)) };
    (r.v, sf_flags())
}

/// The model's fused `a*b + c` (negated product when `sub`): load c, one
/// accumulation, one store.
fn model_mul_add(a: u32, b: u32, c: u32, sub: bool) -> (u32, u32) {
    let mut acc = IeeeAcc::new();
    acc.load(c, false);
    acc.mac(a, b, sub);
    acc.round()
}

/// Edge-case operand pool: signed zeros, infinities, quiet and signalling
/// NaNs, subnormal and normal extremes, values around 1.
const EDGE: [u32; 24] = [
    0x0000_0000,
    0x8000_0000,
    0x7F80_0000,
    0xFF80_0000,
    0x7FC0_0000,
    0xFFC0_0001,
    0x7F80_0001,
    0xFFA0_0000,
    0x0000_0001,
    0x8000_0001,
    0x007F_FFFF,
    0x807F_FFFF,
    0x0080_0000,
    0x8080_0000,
    0x7F7F_FFFF,
    0xFF7F_FFFF,
    0x3F80_0000,
    0xBF80_0000,
    0x3F80_0001,
    0x3F7F_FFFF,
    0x0040_0000,
    0x3400_0000, // 2^-23
    0x3300_0000, // 2^-25
    0x4B80_0000, // 2^24
];

/// A random operand: uniform bits, an edge value, a subnormal, or a normal
/// value with exponent near `e` and a significand of random length (short
/// significands make exact ties frequent).
fn operand(rng: &mut StdRng, e: i32) -> u32 {
    let s = (rng.gen::<bool>() as u32) << 31;
    match rng.gen_range(0..20) {
        0..=2 => rng.gen(),
        3..=5 => EDGE[rng.gen_range(0..EDGE.len())] ^ if rng.gen() { 0 } else { s },
        6..=7 => s | rng.gen_range(1..0x80_0000),
        _ => {
            let exp = (e + rng.gen_range(-30..=30)).clamp(0, 254) as u32;
            let keep = rng.gen_range(1..=23);
            let frac = (rng.gen::<u32>() & 0x7F_FFFF) >> (23 - keep) << (23 - keep);
            s | (exp << 23) | frac
        }
    }
}

/// Fused operands whose product and addend overlap (cancellation, ties).
fn fused_operands(rng: &mut StdRng) -> (u32, u32, u32) {
    let ea = rng.gen_range(-10..270);
    let a = operand(rng, ea);
    let eb = rng.gen_range(-10..270);
    let b = operand(rng, eb);
    // product exponent ~ ea + eb - 127
    let c = operand(
        rng,
        ((a >> 23) & 0xFF) as i32 + ((b >> 23) & 0xFF) as i32 - 127,
    );
    (a, b, c)
}

fn same(x: (u32, u32), y: (u32, u32)) -> bool {
    x == y
}

#[test]
fn fused_ops_match_softfloat() {
    let seed = seed();
    let n: u64 = std::env::var("NTX_IEEE_OPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let mut rng = StdRng::seed_from_u64(seed);
    let mut checked = 0u64;
    let (mut ties, mut subnormal_results, mut nans, mut inexact, mut underflows) = (0, 0, 0, 0, 0);
    // every pair of edge values, then random operands
    let mut cases: Vec<(u32, u32, u32)> = Vec::new();
    for &a in &EDGE {
        for &b in &EDGE {
            for &c in &EDGE {
                cases.push((a, b, c));
            }
        }
    }
    for (i, k) in (0..n).map(|k| (k as usize, k)) {
        let (a, b, c) = if i < cases.len() {
            cases[i]
        } else {
            fused_operands(&mut rng)
        };
        let sub = k % 7 == 3;
        let want = sf_mul_add(a ^ if sub { 0x8000_0000 } else { 0 }, b, c);
        let got = model_mul_add(a, b, c, sub);
        assert!(
            same(got, want),
            "seed {seed} op {k}: a={a:#010x} b={b:#010x} c={c:#010x} sub={sub}: model \
             {:#010x} flags {:#x}, SoftFloat f32_mulAdd {:#010x} flags {:#x} \
             (rerun: NTX_IEEE_SEED={seed} cargo test --release -p ntx-verif --test suite model_ieee::)",
            got.0,
            got.1,
            want.0,
            want.1
        );
        checked += 1;
        // how well the generator covers the corners
        if got.0 & 0x7F80_0000 == 0 && got.0 & 0x7F_FFFF != 0 {
            subnormal_results += 1;
        }
        if got.0 == CANONICAL_NAN {
            nans += 1;
        }
        if got.1 & flags::INEXACT != 0 {
            inexact += 1;
        }
        if got.1 & flags::UNDERFLOW != 0 {
            underflows += 1;
        }
        // exact tie: the exact sum has exactly half an ulp below the kept bits
        if got.1 == flags::INEXACT {
            let mut e = ExactSum::new();
            e.add_value(c, false);
            e.add_product(a, b, sub);
            if let Some(r) = exact_value(got.0) {
                let d: BigInt = r - &e.value;
                let d2: BigInt = &d * 2;
                if let Some(u) = exact_value(got.0 ^ 1) {
                    let ulp: BigInt = (u - exact_value(got.0).unwrap()) * 1;
                    if d2 == ulp || d2 == -ulp {
                        ties += 1;
                    }
                }
            }
        }
    }
    // the same on single additions (VADDSUB) and products (VMULT)
    for k in 0..n / 4 {
        let (a, b, c) = fused_operands(&mut rng);
        let mut acc = IeeeAcc::new();
        acc.load(c, false);
        acc.add(a);
        let (got, want) = (acc.round(), sf_add(c, a));
        assert!(
            same(got, want),
            "seed {seed} add {k}: {c:#010x} + {a:#010x}: model {got:#010x?} SoftFloat {want:#010x?}"
        );
        let mut acc = IeeeAcc::new();
        acc.replace_mul(a, b, false);
        let (got, want) = (acc.round(), sf_mul(a, b));
        assert!(
            same(got, want),
            "seed {seed} mul {k}: {a:#010x} * {b:#010x}: model {got:#010x?} SoftFloat {want:#010x?}"
        );
        checked += 2;
    }
    eprintln!(
        "{checked} operations vs SoftFloat, 0 mismatches; fused: {ties} exact ties, \
         {subnormal_results} subnormal results, {nans} NaN, {inexact} inexact, {underflows} underflow"
    );
    assert!(checked >= n, "no operations checked");
    if n >= 100_000 {
        assert!(
            ties > 100 && subnormal_results > 100 && nans > 100 && underflows > 100,
            "generator lost its corner coverage"
        );
    }
}

#[test]
fn rne_routine_matches_host_conversion() {
    // f64 values are dyadic, so they are exact in units of 2^-298 when their
    // exponent is >= -298 + 52; Rust's f64 -> f32 conversion rounds to
    // nearest even (IEEE convertFormat) and produces subnormals and inf.
    let mut rng = StdRng::seed_from_u64(seed() ^ 0xF64);
    let mut n = 0;
    for k in 0..200_000 {
        let exp = rng.gen_range(-240..140);
        let keep = rng.gen_range(1..=52);
        let mant = (rng.gen::<u64>() >> (64 - keep)) | 1 << (keep - 1);
        let x = (mant as f64) * 2f64.powi(exp - keep + 1);
        let x = if rng.gen() { -x } else { x };
        // exact integer in units of 2^-298
        let (m, e) = (mant as i64, exp as i64 - keep as i64 + 1 + 298);
        if e < 0 {
            continue;
        }
        let v = BigInt::from(if x < 0.0 { -m } else { m }) << (e as usize);
        let (got, fl) = round_rne(&v);
        let want = (x as f32).to_bits();
        assert_eq!(
            got, want,
            "case {k}: {x:e} (mant {mant:#x} exp {exp}): round_rne {got:#010x}, host {want:#010x}"
        );
        let exact = (want & 0x7F80_0000 != 0x7F80_0000) && (f32::from_bits(want) as f64 == x);
        assert_eq!(fl & NX == 0, exact, "case {k}: {x:e}: inexact flag");
        assert_eq!(
            fl & OF != 0,
            want & 0x7FFF_FFFF == 0x7F80_0000,
            "case {k}: {x:e}: overflow flag"
        );
        n += 1;
    }
    // directed: underflow only when tiny after rounding
    let unit = |exp: i64| BigInt::from(1) << ((exp + 298) as usize);
    // 2^-126 - 2^-151: rounds up to 2^-126 with unbounded exponent -> not tiny
    let just_below: BigInt = unit(-126) - unit(-151);
    assert_eq!(round_rne(&just_below), (0x0080_0000, NX));
    // 2^-126 - 2^-149 - 2^-151: tiny, rounds to the largest subnormal
    let tiny: BigInt = unit(-126) - unit(-149) - unit(-151);
    assert_eq!(round_rne(&tiny), (0x007F_FFFF, NX | UF));
    assert_eq!(
        round_rne(&unit(-150)),
        (0, NX | UF),
        "half the smallest subnormal ties to 0"
    );
    assert!(n > 100_000, "too few conversions checked: {n}");
}

/// Random long reductions (MAC with init, VADDSUB-like sums) against the
/// exact rational sum, stored after every `store_every` terms as MAC jobs
/// with inner_level < init_level do.
#[test]
fn long_reductions_match_exact_sums() {
    let seed = seed();
    let mut rng = StdRng::seed_from_u64(seed ^ 0x5EED);
    let mut stores = 0;
    for r in 0..300 {
        let len = rng.gen_range(1..2000);
        let e0 = rng.gen_range(0..255);
        let init = operand(&mut rng, 2 * e0 - 127);
        let mut acc = IeeeAcc::new();
        let mut ex = ExactSum::new();
        acc.load(init, false);
        ex.add_value(init, false);
        let specials = r % 3 == 0;
        for i in 0..len {
            let (mut a, mut b) = (operand(&mut rng, e0), operand(&mut rng, e0));
            if !specials {
                // keep NaN/inf out so that most reductions end finite
                a &= if a & 0x7F80_0000 == 0x7F80_0000 {
                    0xBF7F_FFFF
                } else {
                    !0
                };
                b &= if b & 0x7F80_0000 == 0x7F80_0000 {
                    0xBF7F_FFFF
                } else {
                    !0
                };
            }
            let sub = rng.gen_range(0..4) == 0;
            acc.mac(a, b, sub);
            ex.add_product(a, b, sub);
            if i % 97 == 96 || i + 1 == len {
                let (got, want) = (acc.round(), ex.round());
                assert_eq!(
                    got, want,
                    "seed {seed} reduction {r} after {} terms: model {:#010x?} exact {:#010x?} \
                     (rerun: NTX_IEEE_SEED={seed} cargo test --release -p ntx-verif --test suite model_ieee::)",
                    i + 1,
                    got,
                    want
                );
                stores += 1;
            }
        }
    }
    assert!(stores > 300, "no stores checked");
}

/// Exactness below the NTX accumulator's LSB: products of subnormals and
/// small numbers decide rounding and ties.
#[test]
fn directed_products_below_ntx_lsb() {
    let one = 0x3F80_0000;
    let sub_min = 0x0000_0001; // 2^-149
                               // 1 + 2^-24 is a tie between 1 and 1 + 2^-23: even -> 1.0
    let half_ulp = 0x3380_0000; // 2^-24
    let mut a = IeeeAcc::new();
    a.load(one, false);
    a.mac(half_ulp, one, false);
    assert_eq!(a.round(), (one, flags::INEXACT));
    // plus 2^-149 * 2^-149 (2^-298, the smallest product) breaks the tie up
    a.mac(sub_min, sub_min, false);
    assert_eq!(a.round(), (0x3F80_0001, flags::INEXACT));
    // and minus it again restores the tie exactly
    a.mac(sub_min, sub_min, true);
    assert_eq!(a.round(), (one, flags::INEXACT));
    // subnormal result: 2^-149 * 0.5 is a tie between 0 and 2^-149 -> +0
    let half = 0x3F00_0000;
    let mut s = IeeeAcc::new();
    s.mac(sub_min, half, false);
    assert_eq!(s.round(), (0, flags::INEXACT | flags::UNDERFLOW));
    // 3 * 2^-150 is a tie between 2^-149 and 2^-148 -> 2^-148 (even)
    s.mac(sub_min, one, false);
    assert_eq!(s.round(), (2, flags::INEXACT | flags::UNDERFLOW));
    // a sum of 2^20 tiny products carries into the kept bits exactly
    let mut t = IeeeAcc::new();
    let two_m20 = 0x3580_0000; // 2^-20
    for _ in 0..(1 << 20) {
        t.mac(sub_min, two_m20, false);
    }
    assert_eq!(t.round(), (sub_min, 0), "2^20 x 2^-169 = 2^-149 exactly");
    // negative underflow to zero keeps the sign
    let mut n = IeeeAcc::new();
    n.mac(sub_min, 0x3E80_0000, true); // -2^-151
    assert_eq!(n.round(), (0x8000_0000, flags::INEXACT | flags::UNDERFLOW));
    // subnormal inputs are exact: largest subnormal + smallest = 2^-126
    let mut m = IeeeAcc::new();
    m.load(0x007F_FFFF, false);
    m.add(sub_min);
    assert_eq!(m.round(), (0x0080_0000, 0));
}

#[test]
fn directed_rounding_boundaries() {
    let one = 0x3F80_0000u32;
    let cases: [(u32, u32, u32); 6] = [
        // (init, addend, expected): 1 + 3*2^-25 rounds up; 1 + 2^-25 down;
        (one, 0x3340_0000, one),         // 1 + 1.5*2^-25 = 1 + 0.375 ulp -> 1
        (one, 0x33C0_0000, 0x3F80_0001), // 1 + 0.75 ulp -> up
        (0x3F80_0001, 0x3380_0000, 0x3F80_0002), // odd + half -> even (up)
        (0x3F80_0002, 0x3380_0000, 0x3F80_0002), // even + half -> stays
        // largest finite + half ulp ties to even = 2^128 -> overflow
        (0x7F7F_FFFF, 0x7300_0000, 0x7F80_0000),
        // largest finite + just under half an ulp stays finite
        (0x7F7F_FFFF, 0x72FF_FFFF, 0x7F7F_FFFF),
    ];
    for (i, &(c, a, want)) in cases.iter().enumerate() {
        let mut acc = IeeeAcc::new();
        acc.load(c, false);
        acc.add(a);
        let (got, fl) = acc.round();
        assert_eq!(got, want, "case {i}: {c:#010x} + {a:#010x}");
        assert_eq!((got, fl), sf_add(c, a), "case {i} vs SoftFloat");
    }
    // a carry out of the significand moves into the exponent: (2 - 2^-23) + 2^-24 -> 2
    let mut acc = IeeeAcc::new();
    acc.load(0x3FFF_FFFF, false);
    acc.add(0x3380_0000);
    assert_eq!(acc.round().0, 0x4000_0000);
    // largest subnormal + half its ulp rounds up into the smallest normal;
    // with unbounded exponent 2^-126 - 2^-150 is exact and tiny: underflow
    let mut s = IeeeAcc::new();
    s.load(0x007F_FFFF, false);
    s.mac(0x0000_0001, 0x3F00_0000, false);
    let want = (0x0080_0000, flags::INEXACT | flags::UNDERFLOW);
    assert_eq!(s.round(), want);
    assert_eq!(sf_mul_add(0x0000_0001, 0x3F00_0000, 0x007F_FFFF), want);
    // 2^-126 - 2^-151 rounds to 2^-126 even with unbounded exponent: no underflow
    let mut s = IeeeAcc::new();
    s.load(0x007F_FFFF, false);
    s.mac(0x0000_0001, 0x3F40_0000, false);
    let want = (0x0080_0000, flags::INEXACT);
    assert_eq!(s.round(), want);
    assert_eq!(sf_mul_add(0x0000_0001, 0x3F40_0000, 0x007F_FFFF), want);
}

#[test]
fn directed_special_values_and_zero_signs() {
    let inf = 0x7F80_0000;
    let ninf = 0xFF80_0000;
    type Case = (Vec<(u32, u32, bool)>, u32, u32);
    let cases: Vec<Case> = vec![
        // (terms a*b (negated when true) after init +0, result, flags)
        (vec![(inf, 0, false)], CANONICAL_NAN, flags::INVALID),
        (
            vec![(inf, 0x3F80_0000, false), (ninf, 0x3F80_0000, false)],
            CANONICAL_NAN,
            flags::INVALID,
        ),
        (
            vec![(inf, 0x3F80_0000, false), (inf, 0x3F80_0000, true)],
            CANONICAL_NAN,
            flags::INVALID,
        ),
        (
            vec![(inf, inf, false), (0x7F7F_FFFF, 0x7F7F_FFFF, true)],
            inf,
            0,
        ),
        (vec![(ninf, 0x3F80_0000, false)], ninf, 0),
        (vec![(0x7FC0_0000, 0, false)], CANONICAL_NAN, 0),
        (
            vec![(0x7F80_0001, 0x3F80_0000, false)],
            CANONICAL_NAN,
            flags::INVALID,
        ),
        // NaN payloads never survive
        (vec![(0xFFC1_2345, 0x3F80_0000, false)], CANONICAL_NAN, 0),
        // a quiet NaN operand makes inf - inf quiet
        (
            vec![
                (inf, 0x3F80_0000, false),
                (0x7FC0_0000, 0, false),
                (ninf, 0x3F80_0000, false),
            ],
            CANONICAL_NAN,
            0,
        ),
        // exact cancellation gives +0
        (
            vec![
                (0x3F80_0000, 0x3F80_0000, false),
                (0x3F80_0000, 0x3F80_0000, true),
            ],
            0,
            0,
        ),
        // overflowing products are exact: they cancel
        (
            vec![
                (0x7F7F_FFFF, 0x7F7F_FFFF, false),
                (0x7F7F_FFFF, 0x7F7F_FFFF, true),
                (0x3F80_0000, 0x4000_0000, false),
            ],
            0x4000_0000,
            0,
        ),
        (
            vec![(0x7F7F_FFFF, 0x4000_0000, false)],
            inf,
            flags::OVERFLOW | flags::INEXACT,
        ),
        (
            vec![(0x7F7F_FFFF, 0x4000_0000, true)],
            ninf,
            flags::OVERFLOW | flags::INEXACT,
        ),
    ];
    for (i, (terms, want, want_fl)) in cases.iter().enumerate() {
        let mut acc = IeeeAcc::new();
        let mut ex = ExactSum::new();
        ex.add_value(0, false);
        for &(a, b, sub) in terms {
            acc.mac(a, b, sub);
            ex.add_product(a, b, sub);
        }
        assert_eq!(acc.round(), (*want, *want_fl), "case {i}: {terms:08x?}");
        assert_eq!(ex.round(), (*want, *want_fl), "case {i} (exact oracle)");
    }
    // signs of zero sums: -0 only when every term is -0
    let (p0, n0) = (0u32, 0x8000_0000u32);
    let zero_cases = [
        (n0, vec![(n0, 0x3F80_0000, false)], n0),
        (n0, vec![(p0, 0x3F80_0000, true)], n0),
        (n0, vec![(p0, 0x3F80_0000, false)], p0),
        (p0, vec![(n0, 0x3F80_0000, false)], p0),
        (n0, vec![(n0, n0, false)], p0),
        (
            n0,
            vec![
                (0x3F80_0000, 0x3F80_0000, false),
                (0x3F80_0000, 0x3F80_0000, true),
            ],
            p0,
        ),
    ];
    for (i, (init, terms, want)) in zero_cases.iter().enumerate() {
        let mut acc = IeeeAcc::new();
        acc.load(*init, false);
        for &(a, b, sub) in terms {
            acc.mac(a, b, sub);
        }
        assert_eq!(acc.round(), (*want, 0), "zero case {i}");
        if terms.len() == 1 {
            let (a, b, sub) = terms[0];
            assert_eq!(
                sf_mul_add(a ^ if sub { 0x8000_0000 } else { 0 }, b, *init),
                (*want, 0),
                "zero case {i} vs SoftFloat"
            );
        }
    }
    // VMULT-style replace: -0 product stays -0
    let mut v = IeeeAcc::new();
    v.replace_mul(n0, 0x3F80_0000, false);
    assert_eq!(v.round(), (n0, 0));
    let _ = (NV, OF);
}

/// Write a job through the register port of an NTX model.
fn run(ntx: &mut NtxModel, mem: &mut Tcdm, job: &Job) {
    for (w, v) in job.staging_writes() {
        assert!(ntx.write_reg(mem, w, v));
    }
    assert!(ntx.write_reg(mem, regs::CMD, job.cmd));
}

fn mac_job(n: u16, a: u32, b: u32, c: u32, init_sel: u8) -> Job {
    let cmd = Command {
        opcode: opcode::MAC as u8,
        init_level: 1,
        inner_level: 1,
        outer_level: 1,
        init_sel,
        ..Command::default()
    };
    let mut job = Job {
        cmd: cmd.encode(),
        ..Job::default()
    };
    job.loop_end[0] = n - 1;
    job.base = [a * 4, b * 4, c * 4];
    job.stride[0][0] = 4;
    job.stride[1][0] = 4;
    job
}

#[test]
fn ntx_register_level_ieee_mode() {
    let mut mem = Tcdm::new(1 << 16, 0);
    let mut ntx = NtxModel::new();
    // dot product 1 + 2^-24 (a tie): NTX mode truncates, IEEE mode ties to even
    // 1.0 * 1.0 + 2^-24 * 1.0 + 2^-149 * 2^-149
    let a = [0x3F80_0000, 0x3380_0000, 0x0000_0001];
    let b = [0x3F80_0000, 0x3F80_0000, 0x0000_0001];
    for i in 0..3 {
        mem.write(0x100 + i as u32, a[i]);
        mem.write(0x200 + i as u32, b[i]);
    }
    let job = mac_job(3, 0x100, 0x200, 0x300, 3);
    run(&mut ntx, &mut mem, &job);
    assert_eq!(mem.read(0x300), 0x3F80_0000, "NTX mode (default) truncates");
    assert_eq!(ntx.read_reg(regs::FLAGS), 0, "NTX mode raises no flags");
    assert!(ntx.write_reg(&mut mem, regs::CTRL, regs::CTRL_IEEE));
    assert_eq!(ntx.read_reg(regs::CTRL), regs::CTRL_IEEE);
    run(&mut ntx, &mut mem, &job);
    assert_eq!(
        mem.read(0x300),
        0x3F80_0001,
        "the 2^-298 product breaks the tie"
    );
    assert_eq!(ntx.read_reg(regs::FLAGS), flags::INEXACT);
    // an invalid operation adds the invalid flag; flags are sticky
    mem.write(0x101, 0x7F80_0000);
    mem.write(0x201, 0);
    run(&mut ntx, &mut mem, &job);
    assert_eq!(mem.read(0x300), CANONICAL_NAN);
    assert_eq!(ntx.read_reg(regs::FLAGS), flags::INEXACT | flags::INVALID);
    // write 1 to clear
    assert!(ntx.write_reg(&mut mem, regs::FLAGS, flags::INVALID));
    assert_eq!(ntx.read_reg(regs::FLAGS), flags::INEXACT);
    // soft clear clears flags and CTRL (back to NTX mode)
    assert!(ntx.write_reg(&mut mem, regs::CTRL, 1 | regs::CTRL_IEEE));
    assert_eq!(ntx.read_reg(regs::FLAGS), 0);
    assert_eq!(ntx.read_reg(regs::CTRL), 0);
}

#[test]
fn ntx_maxmin_with_nan() {
    let nan = 0x7FC0_0000;
    let vals = [0x3F80_0000u32, nan, 0x4000_0000, nan, 0x3F00_0000];
    for (ieee, pol, aux, want) in [
        // argmax: IEEE skips NaN elements -> index 2 (2.0)
        (true, false, 1, 2),
        (true, false, 0, 0x4000_0000),
        // argmin: 0.5 at index 4 either way (NaN compares false)
        (true, true, 1, 4),
        (false, true, 1, 4),
        // NTX mode takes a NaN element for max (!(alu > NaN)) and the
        // element after it; the last NaN is followed by 0.5
        (false, false, 1, 4),
    ] {
        let mut mem = Tcdm::new(1 << 16, 0);
        let mut ntx = NtxModel::new();
        for (i, &v) in vals.iter().enumerate() {
            mem.write(0x200 + i as u32, v);
        }
        mem.write(0x100, 0xFF80_0000); // init -inf
        let cmd = Command {
            opcode: opcode::MAXMIN as u8,
            init_level: 1,
            inner_level: 1,
            outer_level: 1,
            init_sel: 0,
            aux,
            polarity: pol,
            ..Command::default()
        };
        let mut job = Job {
            cmd: cmd.encode(),
            ..Job::default()
        };
        job.loop_end[0] = 4;
        job.base = [0x100 * 4, 0x200 * 4, 0x300 * 4];
        job.stride[1][0] = 4;
        if pol {
            mem.write(0x100, 0x7F80_0000); // init +inf for min
        }
        if ieee {
            assert!(ntx.write_reg(&mut mem, regs::CTRL, regs::CTRL_IEEE));
        }
        run(&mut ntx, &mut mem, &job);
        assert_eq!(
            mem.read(0x300),
            want,
            "ieee={ieee} polarity={pol} aux={aux}"
        );
    }
    // a NaN initial value is kept in IEEE mode (nothing compares ordered)
    let _ = BigInt::from(0);
}

/// `ntx bench ieee`: the accuracy table is deterministic; the README shows
/// exactly these rows, and IEEE mode is within half an ulp (correctly
/// rounded), NTX mode within one ulp (truncation of the exact sum).
#[test]
fn accuracy_table_matches_readme() {
    use ntx_verif::bench::ieee::{accuracy, table, DOT_LEN, TRIALS};
    let rows = accuracy(TRIALS, DOT_LEN);
    assert_eq!(rows.len(), 3, "no data sets");
    for r in &rows {
        assert!(
            r.ieee.max <= 0.5,
            "{}: IEEE mode is not correctly rounded",
            r.data
        );
        assert!(r.ntx.max < 1.0, "{}: NTX mode error reaches 1 ulp", r.data);
        assert!(
            r.fma.max > r.ieee.max,
            "{}: FMA chain beats exact accumulation",
            r.data
        );
    }
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("README.md");
    for line in table(&rows).lines() {
        assert!(
            readme.contains(line),
            "README's IEEE accuracy table lacks the row {line:?} (rerun `ntx bench ieee`)"
        );
    }
}

fn ntx_cli(args: &[&str]) -> (bool, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ntx"))
        .args(args)
        .output()
        .expect("run ntx");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `ntx run-job --mode ieee`: a MAC whose exact sum is a tie and whose tie
/// is broken by a product below the NTX accumulator's LSB; the RTL backends
/// refuse IEEE mode (not implemented there) with a clear error.
#[test]
fn cli_mode_ieee() {
    let dir = std::env::temp_dir().join(format!("ntx-ieee-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let job = Job {
        name: "ieee_tie".into(),
        ..mac_job(3, 0x100, 0x200, 0x300, 3)
    };
    let jf = dir.join("job.txt");
    let mf = dir.join("ini.txt");
    let of = dir.join("out.txt");
    let text = ntx_verif::jobfile::format_job(&job);
    std::fs::write(&jf, text).unwrap();
    let mem = "0x400 0x3F800000\n0x404 0x33800000\n0x408 0x00000001\n\
               0x800 0x3F800000\n0x804 0x3F800000\n0x808 0x00000001\n";
    std::fs::write(&mf, mem).unwrap();
    let args = |mode: &'static str, backend: &'static str| {
        vec![
            "run-job".to_string(),
            "--job".into(),
            jf.display().to_string(),
            "--mem".into(),
            mf.display().to_string(),
            "--out".into(),
            of.display().to_string(),
            "--fill".into(),
            "0".into(),
            "--mode".into(),
            mode.into(),
            "--backend".into(),
            backend.into(),
        ]
    };
    let run = |a: Vec<String>| ntx_cli(&a.iter().map(|s| s.as_str()).collect::<Vec<_>>());
    let (ok, out, err) = run(args("ntx", "model"));
    assert!(ok, "{err}");
    let res = std::fs::read_to_string(&of).unwrap();
    assert!(res.contains("0x00000c00 0x3f800000"), "NTX mode: {res}");
    assert!(!out.contains("mode=ieee"));
    let (ok, out, err) = run(args("ieee", "model"));
    assert!(ok, "{err}");
    let res = std::fs::read_to_string(&of).unwrap();
    assert!(res.contains("0x00000c00 0x3f800001"), "IEEE mode: {res}");
    assert!(out.contains("mode=ieee flags=0x01"), "{out}");
    for backend in ["rtl", "verilator"] {
        let (ok, out, err) = run(args("ieee", backend));
        assert!(ok, "{backend}: {err}");
        let res = std::fs::read_to_string(&of).unwrap();
        assert!(
            res.contains("0x00000c00 0x3f800001"),
            "IEEE mode on {backend}: {res}"
        );
        assert!(out.contains("mode=ieee flags=0x01"), "{backend}: {out}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// fp32 operands for proptest, biased to the corners (edge pool, subnormals,
/// short significands near exponent 127, any bits).
fn edge_fp() -> impl proptest::strategy::Strategy<Value = u32> {
    use proptest::prelude::*;
    prop_oneof![
        2 => any::<u32>(),
        2 => proptest::sample::select(EDGE.to_vec()),
        1 => (any::<bool>(), 1u32..0x80_0000).prop_map(|(s, m)| (s as u32) << 31 | m),
        3 => (any::<bool>(), 100u32..155, 0u32..24, any::<u32>()).prop_map(|(s, e, k, f)| {
            (s as u32) << 31 | e << 23 | ((f & 0x7F_FFFF) >> k << k)
        }),
    ]
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 3000, ..Default::default() })]

    /// Streams of products (init value first), stored after every op,
    /// against the exact oracle; proptest shrinks a failure to a minimal stream.
    #[test]
    fn streams_match_exact_sums(
        init in edge_fp(),
        ops in proptest::collection::vec((edge_fp(), edge_fp(), proptest::bool::ANY), 1..40)
    ) {
        let mut acc = IeeeAcc::new();
        let mut ex = ExactSum::new();
        acc.load(init, false);
        ex.add_value(init, false);
        for (i, &(a, b, sub)) in ops.iter().enumerate() {
            acc.mac(a, b, sub);
            ex.add_product(a, b, sub);
            proptest::prop_assert_eq!(acc.round(), ex.round(), "after op {} of init {:#010x} ops {:08x?}", i, init, ops);
        }
    }
}

/// Random jobs through the register-level NTX in IEEE mode, every stored
/// word against SoftFloat (VADDSUB, VMULT, OUTERP: single operations) or the
/// exact oracle (MAC reductions with every init source, polarity, ReLU).
#[test]
fn ntx_jobs_in_ieee_mode() {
    let seed = seed();
    let mut rng = StdRng::seed_from_u64(seed ^ 0x70B);
    let (a0, b0, c0) = (0x1000u32, 0x2000u32, 0x3000u32);
    let mut checked = 0;
    for t in 0..200 {
        let mut mem = Tcdm::new(1 << 16, 0);
        let mut ntx = NtxModel::new();
        assert!(ntx.write_reg(&mut mem, regs::CTRL, regs::CTRL_IEEE));
        let n = rng.gen_range(1..60u32);
        let (mut av, mut bv, mut cv) = (vec![], vec![], vec![]);
        for i in 0..n {
            let e = rng.gen_range(90..165);
            av.push(operand(&mut rng, e));
            bv.push(operand(&mut rng, e));
            cv.push(operand(&mut rng, 2 * e - 127));
            mem.write(a0 + i, av[i as usize]);
            mem.write(b0 + i, bv[i as usize]);
            mem.write(c0 + i, cv[i as usize]);
        }
        let op = [opcode::MAC, opcode::VADDSUB, opcode::VMULT, opcode::OUTERP][t % 4];
        let pol = rng.gen::<bool>();
        let relu = rng.gen_range(0..4) == 0;
        let init_sel = rng.gen_range(0..4u8);
        let relu_f = |x: u32| if relu && x >> 31 != 0 { 0 } else { x };
        let mut cmd = Command {
            opcode: op as u8,
            outer_level: 1,
            init_sel,
            aux: relu as u8,
            polarity: pol,
            ..Command::default()
        };
        let mut job = Job::default();
        job.loop_end[0] = (n - 1) as u16;
        job.base = [a0 * 4, b0 * 4, c0 * 4];
        job.stride[0][0] = 4;
        job.stride[1][0] = 4;
        job.stride[2][0] = 4;
        if op == opcode::MAC {
            // one reduction into C[0], initialised from AGU[init_sel] at step 0
            cmd.init_level = 1;
            cmd.inner_level = 1;
            job.stride[2][0] = 0;
        } else if op == opcode::OUTERP {
            // C[i] = +-A[i] * B[0] (alu = init value from AGU1 at step 0)
            cmd.init_level = 1;
            cmd.init_sel = 1;
        }
        job.cmd = cmd.encode();
        run(&mut ntx, &mut mem, &job);
        let sign = |neg: bool| if neg { 0x8000_0000u32 } else { 0 };
        let mut flags_want = 0;
        for i in 0..n as usize {
            let (want, fl) = match op {
                opcode::VADDSUB => {
                    // acc = +-C[i] (init each element, init_level 0), acc += A[i]
                    let init = match init_sel {
                        0 => av[i],
                        1 => bv[i],
                        2 => cv[i],
                        _ => 0,
                    };
                    if init_sel == 3 && pol {
                        // -(+0.0) + A
                        sf_add(0x8000_0000, av[i])
                    } else {
                        sf_add(init ^ sign(pol), av[i])
                    }
                }
                opcode::VMULT => sf_mul(av[i] ^ sign(pol), bv[i]),
                opcode::OUTERP => sf_mul(av[i] ^ sign(pol), bv[0]),
                _ => {
                    if i > 0 {
                        break;
                    }
                    let mut ex = ExactSum::new();
                    ex.add_value([av[0], bv[0], cv[0], 0][init_sel as usize], false);
                    for k in 0..n as usize {
                        ex.add_product(av[k], bv[k], pol);
                    }
                    ex.round()
                }
            };
            let addr = if op == opcode::MAC { c0 } else { c0 + i as u32 };
            assert_eq!(
                mem.read(addr),
                relu_f(want),
                "seed {seed} job {t} ({cmd:?}) element {i} (rerun: NTX_IEEE_SEED={seed})"
            );
            flags_want |= fl;
            checked += 1;
        }
        assert_eq!(
            ntx.read_reg(regs::FLAGS),
            flags_want,
            "seed {seed} job {t}: FLAGS"
        );
    }
    assert!(checked > 1000, "too few stores checked: {checked}");
}

/// The hardware-equivalent claim: NTX-mode accumulator bit k is Kulisch bit
/// k + 148. For products that NTX mode places without dropping or
/// saturating (normal operands, product exponent 23..254) and loads of
/// normal values, both accumulators hold the same two's-complement bits
/// (modulo 2^284).
#[test]
fn ntx_accumulator_is_a_window_of_the_kulisch_accumulator() {
    use ntx_verif::model::arith::Accumulator;
    let mut rng = StdRng::seed_from_u64(seed() ^ 0x148);
    let mut checked = 0;
    for _ in 0..2000 {
        let mut n = Accumulator::new();
        let mut k = IeeeAcc::new();
        let normal = |rng: &mut StdRng, lo: u32, hi: u32| -> u32 {
            (rng.gen::<u32>() & 0x807F_FFFF) | rng.gen_range(lo..hi) << 23
        };
        let c = normal(&mut rng, 1, 255);
        n.load(c, false);
        k.load(c, false);
        for _ in 0..rng.gen_range(1..20) {
            // e = ea + eb - 127 in 23..=254
            let ea = rng.gen_range(1..255u32);
            let eb_lo = (150u32.saturating_sub(ea)).max(1);
            let eb_hi = (381 - ea).min(254);
            if eb_lo > eb_hi {
                continue;
            }
            let a = (rng.gen::<u32>() & 0x807F_FFFF) | ea << 23;
            let b = normal(&mut rng, eb_lo, eb_hi + 1);
            let sub = rng.gen();
            n.mac(a, b, sub);
            k.mac(a, b, sub);
        }
        // Kulisch bits 148..432 (shifted down) against NTX bits 0..284
        let kw = k.words();
        let mut window = [0u64; 5];
        for (i, w) in window.iter_mut().enumerate() {
            let bit = 148 + 64 * i;
            let (q, r) = (bit / 64, bit % 64);
            *w = kw[q] >> r | if r != 0 { kw[q + 1] << (64 - r) } else { 0 };
        }
        let mask = (1u64 << (284 - 256)) - 1;
        let nw = n.words();
        assert_eq!(window[..4], nw[..4], "low 256 bits");
        assert_eq!(window[4] & mask, nw[4] & mask, "bits 256..283");
        // and nothing below 2^-150 in the Kulisch accumulator
        assert_eq!(kw[0], 0);
        assert_eq!(kw[1], 0);
        assert_eq!(kw[2] & ((1 << 20) - 1), 0);
        checked += 1;
    }
    assert!(checked > 1000);
}
