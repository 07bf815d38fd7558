//! IEEE-mode arithmetic of NTX (spec section 8, ours; CTRL bit 3).
//!
//! **Exact accumulation.** The NTX-mode accumulator (284 bits, LSB 2^-150,
//! top 2^133) drops product bits below 2^-150 and saturates products at
//! 2^128: neither is exact. IEEE mode accumulates in a *Kulisch accumulator*:
//! a 576-bit two's-complement fixed-point number whose LSB weighs 2^-298
//! (the LSB of the product of the two smallest subnormals,
//! 2^-149 x 2^-149) and whose largest product bit is 2^255 (the product of
//! two of the largest finite fp32 values), with 21 guard bits above it
//! (bit 575 is the sign). Every product of two fp32 values and every fp32
//! load value fits exactly, so the accumulator holds the exact real sum for
//! any job with fewer than 2^20 products of maximal magnitude (beyond that it
//! wraps modulo 2^576, as NTX mode wraps modulo 2^284). NTX-mode accumulator
//! bit k is Kulisch bit k + 148: in hardware this is the NTX accumulator
//! extended by five 32-bit segments below (148 bits, the exact low part that
//! products of subnormals and small numbers fall into) and four above (the
//! range of products up to 2^256), 18 segments of the same partial-carry-save
//! adder instead of 9.
//!
//! **Rounding.** Every store rounds the exact value once to nearest, ties to
//! even, into fp32: normal results keep 24 significant bits; results below
//! 2^-126 are rounded at 2^-149 (subnormals, or zero keeping the sign of the
//! exact value); results that round to 2^128 or above become infinity
//! (overflow). An exact zero is -0.0 when every term since the
//! initialisation was a zero with negative sign (-0 + -0 = -0), else +0.0.
//!
//! **Inputs.** Subnormal inputs have their exact value (hidden bit 0,
//! exponent 1). A NaN operand (load value or factor) makes the result the
//! canonical quiet NaN 0x7FC0_0000; so do 0 x inf and a sum that holds both
//! +inf and -inf (invalid, unless a NaN operand already made the sum NaN:
//! the order-independent rule of a fused multiply-add). Infinities
//! propagate with their sign.
//!
//! **Flags** (RISC-V `fflags` layout, [`flags`]): invalid (a signalling-NaN
//! operand, 0 x inf, inf - inf), overflow, underflow (tiny *after rounding*,
//! i.e. the result rounded to 24 bits with unbounded exponent is below
//! 2^-126, and inexact; the RISC-V and x86-SSE choice), inexact. Each
//! [`IeeeAcc::round`] returns the flags of that store: the invalid flag of
//! everything accumulated since the initialisation (it stays with the
//! accumulator, like the NaN it produced) plus the rounding flags.

/// Exception flag bits (the layout of RISC-V `fflags` and of SoftFloat's
/// `softfloat_exceptionFlags`). Bit 3 (divide by zero) is never raised.
pub mod flags {
    /// Inexact: the rounded result differs from the exact value.
    pub const INEXACT: u32 = 1 << 0;
    /// Underflow: tiny after rounding and inexact.
    pub const UNDERFLOW: u32 = 1 << 1;
    /// Overflow: the rounded result exceeds the largest finite fp32.
    pub const OVERFLOW: u32 = 1 << 2;
    /// Invalid: signalling-NaN operand, 0 x inf or inf - inf.
    pub const INVALID: u32 = 1 << 4;
    /// Every flag bit the hardware can raise.
    pub const ALL: u32 = INEXACT | UNDERFLOW | OVERFLOW | INVALID;
}

/// fp32 canonical quiet NaN (the only NaN IEEE mode produces).
pub const CANONICAL_NAN: u32 = 0x7FC0_0000;
/// 64-bit words of the Kulisch accumulator.
pub const KULISCH_WORDS: usize = 9;
/// Width of the Kulisch accumulator in bits.
pub const KULISCH_BITS: u32 = 64 * KULISCH_WORDS as u32;
/// Bit of the Kulisch accumulator that weighs 2^0.
pub const KULISCH_ONE: u32 = 298;
/// Bit that weighs 2^-149 (the LSB of every subnormal).
const SUB_LSB: u32 = KULISCH_ONE - 149;

/// True for a NaN bit pattern.
pub fn is_nan(x: u32) -> bool {
    x & 0x7F80_0000 == 0x7F80_0000 && x & 0x007F_FFFF != 0
}

/// True for a signalling NaN (quiet bit 22 clear).
pub fn is_snan(x: u32) -> bool {
    is_nan(x) && x & 0x0040_0000 == 0
}

/// True for +-infinity.
pub fn is_inf(x: u32) -> bool {
    x & 0x7FFF_FFFF == 0x7F80_0000
}

/// Exact value of a finite fp32 as (negative, significand, exponent) with
/// value = significand x 2^(exponent - 150): subnormals use exponent 1 and
/// no hidden bit.
pub fn decode(x: u32) -> (bool, u64, u32) {
    let neg = x >> 31 != 0;
    let e = (x >> 23) & 0xFF;
    let f = (x & 0x007F_FFFF) as u64;
    if e == 0 {
        (neg, f, 1)
    } else {
        (neg, f | 0x0080_0000, e)
    }
}

/// The IEEE-mode accumulator: exact Kulisch sum plus the special-value
/// state (NaN, infinities), the sign rule for exact zeros and the pending
/// invalid flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct IeeeAcc {
    w: [u64; KULISCH_WORDS],
    nan: bool,
    pos_inf: bool,
    neg_inf: bool,
    /// Every term since the initialisation was a zero with negative sign.
    neg_zero: bool,
    invalid: bool,
}

impl Default for IeeeAcc {
    fn default() -> Self {
        Self::new()
    }
}

impl IeeeAcc {
    /// +0.0.
    pub fn new() -> Self {
        Self {
            w: [0; KULISCH_WORDS],
            nan: false,
            pos_inf: false,
            neg_inf: false,
            neg_zero: false,
            invalid: false,
        }
    }

    /// Initialise to +0.0 (init_sel = 3).
    pub fn clear(&mut self) {
        *self = Self::new();
    }

    /// Initialise to the exact value `+-value` (negated when `neg`).
    pub fn load(&mut self, value: u32, neg: bool) {
        *self = Self::new();
        self.neg_zero = true;
        self.add_term(value, FP_ONE_BITS, neg);
    }

    /// `acc = +-a*b` (replace; negated when `sub`).
    pub fn replace_mul(&mut self, a: u32, b: u32, sub: bool) {
        *self = Self::new();
        self.neg_zero = true;
        self.add_term(a, b, sub);
    }

    /// `acc += +-a*b` exactly (negated when `sub`).
    pub fn mac(&mut self, a: u32, b: u32, sub: bool) {
        self.add_term(a, b, sub);
    }

    /// `acc += value` exactly.
    pub fn add(&mut self, value: u32) {
        self.add_term(value, FP_ONE_BITS, false);
    }

    /// True when the accumulator is NaN.
    pub fn is_nan(&self) -> bool {
        self.nan
    }

    /// The raw Kulisch words (two's complement, LSB 2^-298).
    pub fn words(&self) -> [u64; KULISCH_WORDS] {
        self.w
    }

    fn add_term(&mut self, a: u32, b: u32, sub: bool) {
        let neg = ((a ^ b) >> 31 != 0) ^ sub;
        if is_nan(a) || is_nan(b) {
            self.invalid |= is_snan(a) || is_snan(b);
            self.nan = true;
            return;
        }
        let (za, zb) = (a & 0x7FFF_FFFF == 0, b & 0x7FFF_FFFF == 0);
        if is_inf(a) || is_inf(b) {
            self.neg_zero = false;
            if za || zb {
                self.invalid = true;
                self.nan = true;
            } else if neg {
                self.neg_inf = true;
            } else {
                self.pos_inf = true;
            }
            return;
        }
        if za || zb {
            self.neg_zero &= neg;
            return;
        }
        self.neg_zero = false;
        let (_, ma, ea) = decode(a);
        let (_, mb, eb) = decode(b);
        // value = ma*mb * 2^(ea + eb - 300) = ma*mb at bit ea + eb - 2
        self.add_shifted(neg, ma * mb, ea + eb - 2);
    }

    /// Add `+-mag * 2^pos` (in Kulisch LSBs) modulo 2^576.
    fn add_shifted(&mut self, neg: bool, mag: u64, pos: u32) {
        let mut t = [0u64; KULISCH_WORDS];
        let (k, b) = ((pos / 64) as usize, pos % 64);
        let wide = (mag as u128) << b;
        t[k] = wide as u64;
        if k + 1 < KULISCH_WORDS {
            t[k + 1] = (wide >> 64) as u64;
        }
        if neg {
            t = negate(&t);
        }
        let mut carry = false;
        for i in 0..KULISCH_WORDS {
            let (s1, c1) = self.w[i].overflowing_add(t[i]);
            let (s2, c2) = s1.overflowing_add(carry as u64);
            self.w[i] = s2;
            carry = c1 || c2;
        }
    }

    /// Round the exact value once to nearest even into fp32; returns the
    /// result and the flags of this store ([`flags`]).
    pub fn round(&self) -> (u32, u32) {
        let inv = if self.invalid { flags::INVALID } else { 0 };
        if self.nan {
            return (CANONICAL_NAN, inv);
        }
        if self.pos_inf && self.neg_inf {
            // inf - inf (with no NaN operand: a NaN operand makes the whole
            // sum a quiet NaN, as in a fused multiply-add)
            return (CANONICAL_NAN, flags::INVALID);
        }
        if self.pos_inf {
            return (0x7F80_0000, inv);
        }
        if self.neg_inf {
            return (0xFF80_0000, inv);
        }
        let neg = self.w[KULISCH_WORDS - 1] >> 63 != 0;
        let mag = if neg { negate(&self.w) } else { self.w };
        let sign = if neg { 0x8000_0000 } else { 0 };
        let (bits, fl) = round_magnitude(&mag);
        match bits {
            None => (if self.neg_zero { 0x8000_0000 } else { 0 }, inv),
            Some(bits) => (sign | bits, inv | fl),
        }
    }
}

const FP_ONE_BITS: u32 = 0x3F80_0000;

fn negate(w: &[u64; KULISCH_WORDS]) -> [u64; KULISCH_WORDS] {
    let mut out = [0u64; KULISCH_WORDS];
    let mut carry = true;
    for i in 0..KULISCH_WORDS {
        let (s, c) = (!w[i]).overflowing_add(carry as u64);
        out[i] = s;
        carry = c;
    }
    out
}

fn bit(w: &[u64; KULISCH_WORDS], k: u32) -> bool {
    (w[(k / 64) as usize] >> (k % 64)) & 1 != 0
}

/// True when any bit below position `k` is set.
fn any_below(w: &[u64; KULISCH_WORDS], k: u32) -> bool {
    let (n, b) = ((k / 64) as usize, k % 64);
    w[..n].iter().any(|&x| x != 0) || (b != 0 && w[n] << (64 - b) != 0)
}

/// 24 bits of `w` from position `lo` up (lo >= 0, lo + 24 <= 576).
fn bits24(w: &[u64; KULISCH_WORDS], lo: u32) -> u64 {
    let (k, b) = ((lo / 64) as usize, lo % 64);
    let mut v = (w[k] >> b) as u128;
    if b != 0 && k + 1 < KULISCH_WORDS {
        v |= (w[k + 1] as u128) << (64 - b);
    }
    (v as u64) & 0xFF_FFFF
}

/// Round `q` (bits from `lsb` up), with the half bit and sticky below it,
/// to nearest even: the rounded significand and whether anything was lost.
fn rne(w: &[u64; KULISCH_WORDS], lsb: u32) -> (u64, bool) {
    let q = bits24(w, lsb);
    let half = lsb > 0 && bit(w, lsb - 1);
    let sticky = lsb > 1 && any_below(w, lsb - 1);
    let up = half && (sticky || q & 1 != 0);
    (q + up as u64, half || sticky)
}

/// RNE of a non-negative Kulisch magnitude into the fp32 magnitude bits and
/// the rounding flags; `None` for an exact zero.
fn round_magnitude(mag: &[u64; KULISCH_WORDS]) -> (Option<u32>, u32) {
    let p = (0..KULISCH_WORDS)
        .rev()
        .find(|&k| mag[k] != 0)
        .map(|k| k as u32 * 64 + 63 - mag[k].leading_zeros());
    let Some(p) = p else {
        return (None, 0);
    };
    let lsb = p.saturating_sub(23).max(SUB_LSB);
    let (q, inexact) = rne(mag, lsb);
    // biased exponent (lsb - 148) for q in [2^23, 2^24]; (lsb - 149) << 23 + q
    // also packs subnormals (q < 2^23 at lsb = 149) and the rounding carry.
    let packed = (((lsb - SUB_LSB) as u64) << 23) + q;
    let mut fl = 0;
    if inexact {
        fl |= flags::INEXACT;
        // tiny after rounding: rounded to 24 bits with unbounded exponent,
        // still below 2^-126 (bit 172)
        let tiny = if p < KULISCH_ONE - 127 {
            true
        } else if p == KULISCH_ONE - 127 {
            let (q_unb, _) = rne(mag, p - 23);
            q_unb < 1 << 24
        } else {
            false
        };
        if tiny {
            fl |= flags::UNDERFLOW;
        }
    }
    if packed >= 0x7F80_0000 {
        return (Some(0x7F80_0000), flags::OVERFLOW | flags::INEXACT);
    }
    (Some(packed as u32), fl)
}

/// A plain fp32 fused multiply-add chain step in IEEE arithmetic
/// (`round(acc + a*b)`, one rounding per step), for accuracy comparisons:
/// the model of an ordinary FMA unit.
pub fn fma_step(acc: u32, a: u32, b: u32) -> u32 {
    let mut x = IeeeAcc::new();
    x.load(acc, false);
    x.mac(a, b, false);
    x.round().0
}
