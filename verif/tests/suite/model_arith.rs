//! Golden-model arithmetic against an independent oracle: exact big-integer
//! arithmetic written here from spec section 8 (not the model's code), plus
//! native f64 for single products.

use ntx_verif::model::arith::{fp_eq, fp_ge, fp_gt, relu, Accumulator, FP_ONE};
use num_bigint::{BigInt, Sign};
use proptest::prelude::*;

/// Oracle: an accumulator value as an exact integer in units of 2^-150.
#[derive(Clone, Debug, Default)]
struct Exact(BigInt);

impl Exact {
    fn wrap(v: BigInt) -> BigInt {
        // Two's complement modulo 2^284, back into the signed range.
        let m = BigInt::from(1) << 284;
        let half = BigInt::from(1) << 283;
        let mut r = ((v % &m) + &m) % &m;
        if r >= half {
            r -= m;
        }
        r
    }

    /// The value one product contributes: sign * floor(|a*b| / 2^-150), with
    /// the reference's exponent rules, from the IEEE fields.
    fn term(a: u32, b: u32, sub: bool) -> BigInt {
        let neg = ((a ^ b) >> 31 != 0) ^ sub;
        if a & 0x7FFF_FFFF == 0 || b & 0x7FFF_FFFF == 0 {
            return BigInt::from(0);
        }
        let ea = ((a >> 23) & 0xFF) as i64;
        let eb = ((b >> 23) & 0xFF) as i64;
        let ma = BigInt::from((a & 0x7F_FFFF) | 0x80_0000);
        let mb = BigInt::from((b & 0x7F_FFFF) | 0x80_0000);
        let e = ea + eb - 127;
        if e < 0 {
            return BigInt::from(0);
        }
        // magnitude in units of 2^-150: (ma*mb / 2^46) * 2^(e-127) * 2^150
        //   = ma*mb * 2^(e - 23)
        let mag = if e >= 255 {
            BigInt::from(1) << (46 + 255 - 23)
        } else if e >= 23 {
            (ma * mb) << (e - 23)
        } else {
            (ma * mb) >> (23 - e)
        };
        if neg {
            -mag
        } else {
            mag
        }
    }

    fn mac(&mut self, a: u32, b: u32, sub: bool) {
        self.0 = Self::wrap(&self.0 + Self::term(a, b, sub));
    }

    /// Truncating conversion to fp32 with the reference's exponent range.
    fn round(&self) -> u32 {
        let (sign, mag) = self.0.clone().into_parts();
        let s = if sign == Sign::Minus { 0x8000_0000 } else { 0 };
        if mag.bits() == 0 {
            return 0;
        }
        let p = mag.bits() as i64 - 1;
        let e = p - 23;
        if e < 0 {
            return s;
        }
        if e >= 255 {
            return s | 0x7F80_0000;
        }
        let top: BigInt = BigInt::from(mag) >> (p - 23) as usize;
        let m = (top & BigInt::from(0x7F_FFFF))
            .to_u32_digits()
            .1
            .first()
            .copied()
            .unwrap_or(0);
        s | ((e as u32) << 23) | m
    }
}

fn check_stream(ops: &[(u32, u32, bool, bool)]) {
    let mut acc = Accumulator::new();
    let mut ex = Exact::default();
    for (i, &(a, b, sub, round)) in ops.iter().enumerate() {
        acc.mac(a, b, sub);
        ex.mac(a, b, sub);
        if round {
            assert_eq!(
                acc.round(),
                ex.round(),
                "after op {i} of {ops:08x?}: model {:#010x} oracle {:#010x}",
                acc.round(),
                ex.round()
            );
        }
    }
    assert_eq!(acc.round(), ex.round(), "final result of {ops:08x?}");
}

fn f(x: f32) -> u32 {
    x.to_bits()
}

#[test]
fn directed_zeros_and_signs() {
    let mut a = Accumulator::new();
    assert_eq!(a.round(), 0);
    a.mac(f(0.0), f(5.0), false);
    assert_eq!(a.round(), 0);
    a.mac(f(-0.0), f(-5.0), true);
    assert_eq!(
        a.round(),
        0,
        "zero products add nothing whatever their sign"
    );
    a.mac(f(2.0), f(3.0), false);
    assert_eq!(a.round(), f(6.0));
    a.mac(f(2.0), f(3.0), true);
    assert_eq!(a.round(), 0, "cancellation to exactly zero gives +0");
    a.mac(f(-1.5), f(2.0), false);
    assert_eq!(a.round(), f(-3.0));
    check_stream(&[
        (f(1.0), f(1.0), false, true),
        (f(1.0), f(1.0), true, true),
        (f(-7.25), f(0.5), false, true),
    ]);
}

#[test]
fn directed_below_lsb_and_underflow() {
    // Product exponent < 0 contributes nothing.
    let tiny = 0x0080_0000; // 2^-126
    let mut a = Accumulator::new();
    a.mac(tiny, tiny, false);
    assert_eq!(a.words(), [0; 5]);
    // Product exponent 0..22: partially below the LSB; result underflows to
    // (signed) zero because the leading one sits below position 23.
    let half = f(0.5);
    a.mac(tiny, half, false);
    assert_eq!(a.round(), 0);
    let mut n = Accumulator::new();
    n.mac(tiny, half, true);
    assert_eq!(
        n.round(),
        0x8000_0000,
        "negative underflow keeps its sign: -0.0"
    );
    assert_eq!(relu(n.round()), 0);
    // Subnormal inputs are read as normal with exponent 0.
    let sub = 0x0000_0001;
    let mut s = Accumulator::new();
    s.mac(sub, f(2.0f32.powi(127)), false);
    // (1 + 2^-23) * 2^-127 * 2^127 = 1 + 2^-23
    assert_eq!(s.round(), 0x3F80_0001);
    check_stream(&[
        (sub, f(2.0f32.powi(127)), false, true),
        (0x007F_FFFF, f(3.0e38), true, true),
    ]);
}

#[test]
fn directed_saturation_and_overflow() {
    let big = f(3.0e38);
    let mut a = Accumulator::new();
    a.mac(big, big, false);
    assert_eq!(a.round(), 0x7F80_0000, "overflow gives +inf");
    let mut n = Accumulator::new();
    n.mac(big, big, true);
    assert_eq!(n.round(), 0xFF80_0000, "negative overflow gives -inf");
    // Saturated products at exponent 255 are 2^46 << 232: equal for any
    // overflowing operands, so two of them cancel exactly.
    let mut c = Accumulator::new();
    c.mac(big, big, false);
    c.mac(f(1.0e30), f(1.0e30), true);
    assert_eq!(c.round(), 0);
    // Infinity as an operand acts as a huge number.
    let mut i = Accumulator::new();
    i.load(0x7F80_0000, false);
    assert_eq!(i.round(), 0x7F80_0000);
    // Largest finite value survives load/round exactly.
    let mut m = Accumulator::new();
    m.load(0x7F7F_FFFF, false);
    assert_eq!(m.round(), 0x7F7F_FFFF);
    check_stream(&[
        (big, big, false, true),
        (big, big, false, true),
        (big, big, true, true),
    ]);
}

#[test]
fn directed_guard_bits_and_wrap() {
    // 15 saturated products fit in the guard bits: still +inf, and
    // subtracting them back returns exactly to the small value.
    let big = f(3.0e38);
    let mut ops = vec![(f(1.0), f(1.0), false, false)];
    ops.extend(std::iter::repeat_n((big, big, false, true), 15));
    ops.extend(std::iter::repeat_n((big, big, true, true), 15));
    check_stream(&ops);
    let mut a = Accumulator::new();
    for &(x, y, s, _) in &ops {
        a.mac(x, y, s);
    }
    assert_eq!(a.round(), f(1.0));
    // 16 and more saturated products wrap modulo 2^284 (checked against the oracle).
    check_stream(&vec![(big, big, false, true); 40]);
}

#[test]
fn directed_truncation() {
    // 1 + 2^-24 is not representable: truncated to 1.0 (round toward zero).
    let mut a = Accumulator::new();
    a.load(f(1.0), false);
    a.mac(f(2.0f32.powi(-12)), f(2.0f32.powi(-12)), false);
    assert_eq!(a.round(), f(1.0));
    let mut n = Accumulator::new();
    n.load(f(-1.0), false);
    n.mac(f(2.0f32.powi(-12)), f(2.0f32.powi(-12)), true);
    assert_eq!(n.round(), f(-1.0));
    // 1 - 2^-30 truncates to the largest float below 1.
    let mut b = Accumulator::new();
    b.load(f(1.0), false);
    b.mac(f(2.0f32.powi(-15)), f(2.0f32.powi(-15)), true);
    assert_eq!(b.round(), 0x3F7F_FFFF);
}

#[test]
fn load_negates_and_add_is_times_one() {
    let mut a = Accumulator::new();
    a.load(f(2.5), true);
    assert_eq!(a.round(), f(-2.5));
    a.add(f(5.0));
    assert_eq!(a.round(), f(2.5));
    let mut b = Accumulator::new();
    b.mac(f(2.5), FP_ONE, true);
    b.mac(f(5.0), FP_ONE, false);
    assert_eq!(a, b);
}

#[test]
fn comparisons_are_ieee() {
    assert!(fp_eq(f(0.0), f(-0.0)));
    assert!(
        !fp_gt(f(-2.0), f(-2.0)),
        "equal negative values are not greater"
    );
    assert!(fp_ge(f(-2.0), f(-2.0)));
    assert!(fp_gt(f(-1.0), f(-2.0)));
    let nan = 0x7FC0_0000;
    assert!(!fp_gt(nan, f(1.0)) && !fp_ge(nan, f(1.0)) && !fp_eq(nan, nan));
    assert!(
        fp_gt(0x0000_0002, 0x0000_0001),
        "subnormals compare by value"
    );
}

/// Any fp32 bit pattern, biased toward interesting exponents.
fn any_fp() -> impl Strategy<Value = u32> {
    prop_oneof![
        4 => any::<u32>(),
        2 => (any::<bool>(), 100u32..160, 0u32..(1 << 23)).prop_map(|(s, e, m)| (s as u32) << 31 | e << 23 | m),
        1 => (any::<bool>(), 0u32..3, 0u32..(1 << 23)).prop_map(|(s, e, m)| (s as u32) << 31 | e << 23 | m),
        1 => (any::<bool>(), 250u32..256, 0u32..(1 << 23)).prop_map(|(s, e, m)| (s as u32) << 31 | e << 23 | m),
        1 => Just(0u32),
        1 => Just(0x8000_0000u32),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn streams_match_exact_oracle(ops in prop::collection::vec((any_fp(), any_fp(), any::<bool>(), any::<bool>()), 1..64)) {
        check_stream(&ops);
    }

    #[test]
    fn single_products_match_f64(a in any::<u32>(), b in any::<u32>()) {
        // For normal operands whose product is a normal fp32, the result is
        // the exact f64 product truncated toward zero to fp32.
        let (fa, fb) = (f32::from_bits(a), f32::from_bits(b));
        prop_assume!(fa.is_normal() && fb.is_normal());
        let p = fa as f64 * fb as f64;
        prop_assume!(p.abs() >= f32::MIN_POSITIVE as f64 && p.abs() < f32::MAX as f64);
        let mut acc = Accumulator::new();
        acc.mac(a, b, false);
        let mut t = p as f32; // round to nearest
        if (t as f64).abs() > p.abs() {
            t = f32::from_bits(t.to_bits() - 1); // step toward zero
        }
        prop_assert_eq!(acc.round(), t.to_bits(), "a={:#010x} b={:#010x}", a, b);
    }

    #[test]
    fn load_round_trips_normal_values(x in any::<u32>(), neg in any::<bool>()) {
        let e = (x >> 23) & 0xFF;
        prop_assume!((1..255).contains(&e));
        let mut acc = Accumulator::new();
        acc.load(x, neg);
        prop_assert_eq!(acc.round(), x ^ ((neg as u32) << 31));
    }
}
