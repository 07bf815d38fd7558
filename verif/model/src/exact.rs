//! Exact rational reference for IEEE-mode sums of fp32 products, written
//! independently of the golden model (`model::ieee`): big integers in units
//! of 2^-298 (every fp32 product is an integer multiple of it), IEEE special
//! values kept aside, and [`round_rne`], a round-to-nearest-even routine on
//! big integers (tested on its own against the host's f64 -> f32
//! conversion). Used by the model's tests and by `ntx bench ieee`.

use num_bigint::{BigInt, Sign};
use num_traits::{ToPrimitive, Zero};

/// log2 of the unit: values are integers times 2^-UNIT_EXP.
pub const UNIT_EXP: i64 = 298;

/// Exception flag bits as the RISC-V `fflags` (inexact, underflow,
/// overflow, -, invalid), independent of the model's constants.
pub const NX: u32 = 1;
/// Underflow.
pub const UF: u32 = 2;
/// Overflow.
pub const OF: u32 = 4;
/// Invalid.
pub const NV: u32 = 16;

/// A finite fp32 as an exact integer in units of 2^-298, or `None` for
/// infinities and NaNs.
pub fn exact_value(x: u32) -> Option<BigInt> {
    let e = ((x >> 23) & 0xFF) as i64;
    let f = (x & 0x7F_FFFF) as i64;
    if e == 255 {
        return None;
    }
    // value = sig * 2^(max(e,1) - 127 - 23)
    let sig = if e == 0 { f } else { f | 0x80_0000 };
    let shift = e.max(1) - 150 + UNIT_EXP;
    let mag = BigInt::from(sig) << (shift as usize);
    Some(if x >> 31 != 0 { -mag } else { mag })
}

/// Round an exact value (units of 2^-298) to nearest even into fp32 bits,
/// with the flags an IEEE operation raises (underflow: tiny after rounding
/// and inexact). Zero gives +0.0 (the caller decides the sign of zeros).
pub fn round_rne(v: &BigInt) -> (u32, u32) {
    let (sign, mag) = (v.sign(), v.magnitude().clone());
    let s = if sign == Sign::Minus {
        0x8000_0000u32
    } else {
        0
    };
    if mag.is_zero() {
        return (0, 0);
    }
    let mag = BigInt::from(mag);
    // leading bit position, as a power of two of the value
    let lead = mag.bits() as i64 - 1 - UNIT_EXP;
    // quantum: 24 significant bits, but never below 2^-149
    let q_exp = (lead - 23).max(-149);
    let (q, exact) = div_rne(&mag, q_exp + UNIT_EXP);
    let mut fl = if exact { 0 } else { NX };
    // tininess after rounding: round to 24 bits with unbounded exponent
    if !exact && lead < -126 {
        let (q_unb, _) = div_rne(&mag, lead - 23 + UNIT_EXP);
        let rounded_lead = lead + (q_unb.bits() as i64 - 24);
        if rounded_lead < -126 {
            fl |= UF;
        }
    }
    // value = q * 2^q_exp; q < 2^24 (or = 2^24 after a carry)
    let q = q.to_u64().expect("q fits");
    if q == 0 {
        return (s, fl);
    }
    let (mut m, mut e) = (q, q_exp);
    if m >= 1 << 24 {
        m >>= 1;
        e += 1;
    }
    // m in [2^23, 2^24): normal with unbiased exponent e + 23; else subnormal
    if m < 1 << 23 {
        debug_assert_eq!(e, -149);
        return (s | m as u32, fl);
    }
    let biased = e + 23 + 127;
    if biased >= 255 {
        return (s | 0x7F80_0000, OF | NX);
    }
    (s | ((biased as u32) << 23) | (m as u32 & 0x7F_FFFF), fl)
}

/// `mag / 2^k` rounded to nearest even (k may be negative: exact shift
/// left); also whether the division was exact.
fn div_rne(mag: &BigInt, k: i64) -> (BigInt, bool) {
    if k <= 0 {
        return (mag << ((-k) as usize), true);
    }
    let k = k as usize;
    let q: BigInt = mag >> k;
    let r: BigInt = mag - (&q << k);
    let half = BigInt::from(1) << (k - 1);
    let up = r > half || (r == half && (&q % 2u32) == BigInt::from(1));
    let exact = r.is_zero();
    (if up { q + 1 } else { q }, exact)
}

/// An exact IEEE sum of fp32 terms (products and single values):
/// the rational sum of the finite terms plus the special-value state.
#[derive(Clone, Debug, Default)]
pub struct ExactSum {
    /// Sum of the finite terms, units of 2^-298.
    pub value: BigInt,
    nan: bool,
    pos_inf: bool,
    neg_inf: bool,
    invalid: bool,
    /// Number of terms, and how many were zeros with the sign bit set.
    terms: u64,
    neg_zero_terms: u64,
}

fn is_nan(x: u32) -> bool {
    (x >> 23) & 0xFF == 0xFF && x & 0x7F_FFFF != 0
}

impl ExactSum {
    /// The empty sum (an initialisation to +0.0 is the term `+0.0`).
    pub fn new() -> Self {
        Self::default()
    }

    /// Add the term `a * b`, negated when `neg`.
    pub fn add_product(&mut self, a: u32, b: u32, neg: bool) {
        self.terms += 1;
        let sign = ((a ^ b) >> 31 != 0) ^ neg;
        if is_nan(a) || is_nan(b) {
            self.nan = true;
            // signalling: quiet bit clear
            if (is_nan(a) && a & 0x40_0000 == 0) || (is_nan(b) && b & 0x40_0000 == 0) {
                self.invalid = true;
            }
            return;
        }
        match (exact_value(a & 0x7FFF_FFFF), exact_value(b & 0x7FFF_FFFF)) {
            (Some(x), Some(y)) => {
                if x.is_zero() || y.is_zero() {
                    if sign {
                        self.neg_zero_terms += 1;
                    }
                    return;
                }
                let p: BigInt = (x * y) >> (UNIT_EXP as usize);
                self.value += if sign { -p } else { p };
            }
            (x, y) => {
                // at least one infinity
                let zero = x.is_some_and(|v| v.is_zero()) || y.is_some_and(|v| v.is_zero());
                if zero {
                    self.nan = true;
                    self.invalid = true;
                } else if sign {
                    self.neg_inf = true;
                } else {
                    self.pos_inf = true;
                }
            }
        }
    }

    /// Add the single value `x` (negated when `neg`).
    pub fn add_value(&mut self, x: u32, neg: bool) {
        self.add_product(x, 0x3F80_0000, neg);
    }

    /// IEEE result of the sum, rounded once to nearest even, and its flags.
    pub fn round(&self) -> (u32, u32) {
        let nv = if self.invalid { NV } else { 0 };
        if self.nan {
            return (0x7FC0_0000, nv);
        }
        if self.pos_inf && self.neg_inf {
            return (0x7FC0_0000, NV);
        }
        if self.pos_inf {
            return (0x7F80_0000, nv);
        }
        if self.neg_inf {
            return (0xFF80_0000, nv);
        }
        if self.value.is_zero() {
            let all_neg = self.terms > 0 && self.neg_zero_terms == self.terms;
            return (if all_neg { 0x8000_0000 } else { 0 }, nv);
        }
        let (r, f) = round_rne(&self.value);
        (r, f | nv)
    }
}

/// Error of the fp32 result `r` against the exact value `x` in units in the
/// last place of `x` (the fp32 ulp at x's binade, 2^-149 for subnormals).
/// `None` when `r` is not finite.
pub fn ulp_error(r: u32, x: &BigInt) -> Option<f64> {
    let rv = exact_value(r)?;
    let diff: BigInt = rv - x;
    let lead = if x.is_zero() {
        -149
    } else {
        x.magnitude().bits() as i64 - 1 - UNIT_EXP
    };
    let ulp_exp = (lead - 23).max(-149) + UNIT_EXP;
    // diff / 2^ulp_exp as f64: scale down in big integers first
    let shift = ulp_exp - 60;
    let d = if shift > 0 {
        (diff >> (shift as usize)).to_f64()? / 2f64.powi(60)
    } else {
        diff.to_f64()? / 2f64.powi(ulp_exp as i32)
    };
    Some(d.abs())
}
