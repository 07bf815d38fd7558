//! NTX-mode arithmetic, bit-exact with the reference (spec section 8).
//!
//! The accumulator is a 284-bit two's-complement fixed-point number whose LSB
//! weighs 2^-150 (1 sign + 256 range + 23 mantissa + 4 overflow guard bits).
//! It is stored here as five 64-bit words (320 bits), always sign-extended
//! from bit 283, so that wrap-around modulo 2^284 is explicit.
//!
//! Products are exact (24x24-bit significands), placed at shift `e - 23`
//! where `e = e_a + e_b - 127` is the biased product exponent; bits below the
//! LSB are dropped, `e < 0` contributes nothing and `e >= 255` saturates to
//! 2^46 at exponent 255. Normalisation truncates (round toward zero).

use ntx_params::ACC_WIDTH;

/// Number of 64-bit words that hold the accumulator.
pub const ACC_WORDS: usize = 5;
/// fp32 1.0, used by the reference for additions (`x * 1.0`).
pub const FP_ONE: u32 = 0x3F80_0000;
/// fp32 +infinity.
pub const FP_INF: u32 = 0x7F80_0000;
/// fp32 sign bit.
pub const FP_SIGN: u32 = 0x8000_0000;
/// Width of a significand without the hidden one.
pub const MANT_BITS: u32 = 23;
/// Exponent bias.
pub const BIAS: i32 = 127;
/// Largest (saturating) product exponent.
pub const EXP_MAX: i32 = 255;

/// True for +0.0 and -0.0 (the only operands that give a zero product).
pub fn is_zero(x: u32) -> bool {
    x & !FP_SIGN == 0
}

/// Biased exponent field.
pub fn exponent(x: u32) -> i32 {
    ((x >> MANT_BITS) & 0xFF) as i32
}

/// Significand with the hidden one always set (subnormals read as normal).
pub fn significand(x: u32) -> u64 {
    ((x & 0x007F_FFFF) | 0x0080_0000) as u64
}

/// The exact product of two fp32 operands in the reference's format:
/// (negative, biased exponent e_a + e_b - 127, 48-bit significand in 2.46).
/// A zero operand gives (sign, 0, 0).
pub fn product(a: u32, b: u32) -> (bool, i32, u64) {
    let neg = (a ^ b) & FP_SIGN != 0;
    if is_zero(a) || is_zero(b) {
        return (neg, 0, 0);
    }
    (
        neg,
        exponent(a) + exponent(b) - BIAS,
        significand(a) * significand(b),
    )
}

/// 284-bit two's-complement accumulator of NTX mode.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Accumulator {
    w: [u64; ACC_WORDS],
}

impl Accumulator {
    /// A zero accumulator.
    pub fn new() -> Self {
        Self::default()
    }

    /// The accumulator holding `+-p * 2^(e-23)` relative to its LSB, following
    /// the reference's placement rules (dropping, `e < 0`, saturation).
    pub fn placed(neg: bool, e: i32, p: u64) -> Self {
        let mut acc = Self::new();
        if e < 0 {
            return acc;
        }
        let (e, p) = if e >= EXP_MAX {
            (EXP_MAX, 1u64 << (2 * MANT_BITS))
        } else {
            (e, p)
        };
        let shift = e - MANT_BITS as i32;
        if shift < 0 {
            acc.w[0] = p >> (-shift);
        } else {
            let (word, bit) = ((shift / 64) as usize, (shift % 64) as u32);
            let wide = (p as u128) << bit;
            acc.w[word] = wide as u64;
            if word + 1 < ACC_WORDS {
                acc.w[word + 1] = (wide >> 64) as u64;
            }
        }
        if neg {
            acc = acc.negated();
        }
        acc
    }

    /// The placed exact product `+-a*b` (negated when `sub`).
    pub fn product(a: u32, b: u32, sub: bool) -> Self {
        let (neg, e, p) = product(a, b);
        Self::placed(neg ^ sub, e, p)
    }

    /// Initialise: `acc = +-(value x 1.0)`, exactly as the reference's init
    /// path (which multiplies by 1.0, so exponent 255 saturates).
    pub fn load(&mut self, value: u32, neg: bool) {
        *self = Self::product(value, FP_ONE, neg);
    }

    /// Clear to zero.
    pub fn clear(&mut self) {
        *self = Self::new();
    }

    /// `acc += +-a*b` (negated when `sub`), wrapping modulo 2^284.
    pub fn mac(&mut self, a: u32, b: u32, sub: bool) {
        let p = Self::product(a, b, sub);
        *self = self.wrapping_add(&p);
    }

    /// `acc = +-a*b` (the reference's replace mode).
    pub fn replace_mul(&mut self, a: u32, b: u32, sub: bool) {
        *self = Self::product(a, b, sub);
    }

    /// `acc += value x 1.0`.
    pub fn add(&mut self, value: u32) {
        self.mac(value, FP_ONE, false);
    }

    /// Two's complement, sign-extended to 320 bits.
    pub fn words(&self) -> [u64; ACC_WORDS] {
        self.w
    }

    /// Build from raw words (sign-extended from bit 283 on the way in).
    pub fn from_words(w: [u64; ACC_WORDS]) -> Self {
        let mut a = Self { w };
        a.sign_extend();
        a
    }

    /// True when the accumulator is negative.
    pub fn is_negative(&self) -> bool {
        self.w[ACC_WORDS - 1] >> 63 != 0
    }

    /// Sum modulo 2^284.
    pub fn wrapping_add(&self, other: &Self) -> Self {
        let mut out = Self::new();
        let mut carry = 0u64;
        for k in 0..ACC_WORDS {
            let (s1, c1) = self.w[k].overflowing_add(other.w[k]);
            let (s2, c2) = s1.overflowing_add(carry);
            out.w[k] = s2;
            carry = (c1 || c2) as u64;
        }
        out.sign_extend();
        out
    }

    /// Two's-complement negation modulo 2^284.
    pub fn negated(&self) -> Self {
        let mut out = Self::new();
        let mut carry = 1u64;
        for k in 0..ACC_WORDS {
            let (s, c) = (!self.w[k]).overflowing_add(carry);
            out.w[k] = s;
            carry = c as u64;
        }
        out.sign_extend();
        out
    }

    fn sign_extend(&mut self) {
        let top = (ACC_WORDS * 64 - ACC_WIDTH) as u32;
        self.w[ACC_WORDS - 1] = (((self.w[ACC_WORDS - 1] << top) as i64) >> top) as u64;
    }

    /// NTX-mode normalisation: magnitude, leading one at position p,
    /// exponent p - 23 (negative: signed zero; >= 255: signed infinity),
    /// the 23 bits below the leading one truncated into the mantissa.
    pub fn round(&self) -> u32 {
        let neg = self.is_negative();
        let mag = if neg { self.negated() } else { *self };
        let sign = if neg { FP_SIGN } else { 0 };
        let Some(p) = mag.leading_one() else {
            return sign;
        };
        let e = p as i32 - MANT_BITS as i32;
        if e < 0 {
            sign
        } else if e >= EXP_MAX {
            sign | FP_INF
        } else {
            sign | ((e as u32) << MANT_BITS) | (mag.bits(p - 23, 23) as u32)
        }
    }

    /// Position of the most significant set bit (the magnitude of the most
    /// negative value, 2^283, is represented by its 320-bit pattern).
    fn leading_one(&self) -> Option<u32> {
        (0..ACC_WORDS)
            .rev()
            .find(|&k| self.w[k] != 0)
            .map(|k| k as u32 * 64 + 63 - self.w[k].leading_zeros())
    }

    /// `n` (<= 64) bits starting at bit `lo`.
    fn bits(&self, lo: u32, n: u32) -> u64 {
        let (k, b) = ((lo / 64) as usize, lo % 64);
        let mut v = (self.w[k] >> b) as u128;
        if b != 0 && k + 1 < ACC_WORDS {
            v |= (self.w[k + 1] as u128) << (64 - b);
        }
        (v as u64) & ((1u64 << n) - 1)
    }
}

/// ReLU on a stored result as the reference applies it: a result with the
/// sign bit set (including -0.0 and -inf) becomes +0.0.
pub fn relu(x: u32) -> u32 {
    if x & FP_SIGN != 0 {
        0
    } else {
        x
    }
}

/// IEEE `a > b` on fp32 bit patterns (NaN: false; -0 == +0).
pub fn fp_gt(a: u32, b: u32) -> bool {
    f32::from_bits(a) > f32::from_bits(b)
}

/// IEEE `a >= b` on fp32 bit patterns.
pub fn fp_ge(a: u32, b: u32) -> bool {
    f32::from_bits(a) >= f32::from_bits(b)
}

/// IEEE `a == b` on fp32 bit patterns.
pub fn fp_eq(a: u32, b: u32) -> bool {
    f32::from_bits(a) == f32::from_bits(b)
}
