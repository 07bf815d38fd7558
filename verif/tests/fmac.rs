//! FMAC RTL (rust-hdl, direct drive) against the golden model
//! `ntx_verif::model::arith::Accumulator`, plus the tool flow.
//!
//! Every stream goes through `check_stream`: each result must come out
//! exactly `FMAC_LATENCY` cycles after its op, bit-exact with the model and
//! with its tag; nothing else may come out.
//!
//! Run: `cargo test --release -p ntx-verif --test fmac`
//! A proptest failure prints the shrunk op stream (and proptest records the
//! seed under `verif/tests/proptest-regressions/`).

use ntx_verif::bench::fmac::{check_stream, check_stream_results, FmacOp, Item};
use proptest::prelude::*;
use std::sync::atomic::{AtomicU64, Ordering};

const ONE: u32 = 0x3F80_0000;
const INF: u32 = 0x7F80_0000;
const NINF: u32 = 0xFF80_0000;
const NAN: u32 = 0x7FC0_0000;
const MAX: u32 = 0x7F7F_FFFF;
const MIN_NORMAL: u32 = 0x0080_0000;
const SUB_MIN: u32 = 0x0000_0001;
const SUB_MAX: u32 = 0x007F_FFFF;
const NEG_ZERO: u32 = 0x8000_0000;

/// Accumulations checked by this test binary (all tests together).
static MACS: AtomicU64 = AtomicU64::new(0);

fn run(items: &[Item]) -> Vec<u32> {
    match check_stream_results(items) {
        Ok((stats, got)) => {
            MACS.fetch_add(stats.macs, Ordering::Relaxed);
            assert_eq!(stats.results as usize, got.len());
            got
        }
        Err(e) => panic!("{e}\nreproducer (op stream): {items:?}"),
    }
}

fn f(x: f32) -> u32 {
    x.to_bits()
}
fn op(o: FmacOp) -> Item {
    Item::Op(o)
}
fn mac(a: u32, b: u32) -> Item {
    op(FmacOp::mac(a, b, false))
}
fn msub(a: u32, b: u32) -> Item {
    op(FmacOp::mac(a, b, true))
}
fn load(v: u32, neg: bool) -> Item {
    op(FmacOp::load(v, neg))
}
/// Read the accumulator (no product).
fn rd(relu: bool) -> Item {
    op(FmacOp::default().norm(relu))
}
/// fp32 with the given sign, biased exponent and mantissa.
fn fp(neg: bool, e: u32, m: u32) -> u32 {
    ((neg as u32) << 31) | ((e & 0xFF) << 23) | (m & 0x7F_FFFF)
}

// ---------------------------------------------------------------- directed

#[test]
fn simple_sums_match_f32() {
    // exact in f32, so independent of the model: 3 + 1*2 = 5, 5 - 4*0.5 = 3
    let got = run(&[
        load(f(3.0), false),
        op(FmacOp::mac(f(1.0), f(2.0), false).norm(false)),
        op(FmacOp::mac(f(4.0), f(0.5), true).norm(false)),
        load(f(-1.5), false),
        op(FmacOp::mac(f(0.25), f(-8.0), false).norm(false)),
    ]);
    assert_eq!(got, vec![f(5.0), f(3.0), f(-3.5)]);
}

#[test]
fn zeros() {
    let x = f(1.75);
    let got = run(&[
        rd(false), // empty accumulator
        mac(0, 0),
        mac(NEG_ZERO, x),
        mac(x, NEG_ZERO),
        msub(NEG_ZERO, NEG_ZERO),
        rd(false),
        mac(0, INF), // zero times inf/NaN is a zero product
        mac(NAN, NEG_ZERO),
        rd(false),
        load(0, false),
        rd(false),
        load(NEG_ZERO, true),
        rd(false),
        load(NEG_ZERO, false),
        op(FmacOp::mac(NEG_ZERO, x, true).norm(false)),
    ]);
    assert!(got.iter().all(|&r| r == 0), "{got:x?}");
}

#[test]
fn signs() {
    let (a, b) = (f(1.5), f(2.5));
    let na = a | NEG_ZERO;
    let nb = b | NEG_ZERO;
    let got = run(&[
        op(FmacOp::mac(a, nb, false).norm(false)),
        load(0, false),
        op(FmacOp::mac(na, nb, false).norm(false)),
        load(0, false),
        op(FmacOp::mac(na, b, true).norm(false)),
        op(FmacOp::load(na, true).norm(false)),
        op(FmacOp::load(na, false).norm(false)),
        op(FmacOp::load(a, true).norm(false)),
    ]);
    assert_eq!(got, vec![f(-3.75), f(3.75), f(3.75), a, na, na]);
}

#[test]
fn cancellation_to_exact_zero() {
    let (a, b) = (fp(false, 140, 0x12_3456), fp(true, 100, 0x65_4321));
    let got = run(&[
        mac(a, b),
        op(FmacOp::mac(a, b, true).norm(false)),
        load(a, false),
        mac(b, b),
        msub(b, b),
        op(FmacOp::mac(a, ONE, true).norm(false)),
        // from a negative intermediate back to zero
        load(a, true),
        mac(a, f(0.5)),
        op(FmacOp::mac(a, f(0.5), false).norm(false)),
        // huge products cancelling
        mac(MAX, MAX),
        op(FmacOp::mac(MAX, MAX, true).norm(false)),
    ]);
    assert_eq!(got, vec![0; 4]);
}

#[test]
fn products_below_the_lsb() {
    let mut s = vec![];
    // e = ea + eb - 127 < 0: nothing; 0 <= e < 23: low bits dropped
    for (ea, eb) in [
        (1, 1),
        (60, 60),
        (63, 63),
        (64, 63),
        (70, 70),
        (126, 0),
        (127, 0),
        (0, 0),
    ] {
        for neg in [false, true] {
            let a = fp(neg, ea, 0x7F_FFFF);
            let b = fp(false, eb, 0x55_5555);
            s.push(load(0, false));
            s.push(op(FmacOp::mac(a, b, false).norm(false)));
            s.push(op(FmacOp::mac(a, b, false).norm(false)));
            s.push(load(fp(false, 30, 0), false));
            s.push(op(FmacOp::mac(a, b, true).norm(false)));
        }
    }
    run(&s);
}

#[test]
fn exponent_saturation_and_overflow_to_inf() {
    let big = fp(false, 200, 0x40_0000);
    let got = run(&[
        // e >= 255: saturates to 2^46 at exponent 255 (rounds to inf)
        op(FmacOp::mac(big, big, false).norm(false)),
        op(FmacOp::mac(big, big, true).norm(false)),
        op(FmacOp::mac(big, big, true).norm(false)),
        load(0, false),
        // just below saturation, then over the top by summing
        op(FmacOp::mac(MAX, ONE, false).norm(false)),
        op(FmacOp::mac(MAX, ONE, false).norm(false)),
        op(FmacOp::mac(MAX, f(-4.0), false).norm(false)),
        op(FmacOp::mac(INF, INF, false).norm(true)),
        op(FmacOp::mac(NINF, f(1e30), false).norm(false)),
    ]);
    assert_eq!(got[0], INF);
    assert_eq!(got[1], 0);
    assert_eq!(got[2], NINF);
    assert_eq!(got[3], MAX);
    assert_eq!(got[4], INF);
}

#[test]
fn long_sums_use_the_guard_bits_and_wrap() {
    // each saturated product is 2^278; 16 fill the guard bits (inf), 32 wrap
    // to -2^283 (the most negative accumulator), 64 wrap to zero
    let mut s = vec![];
    for i in 0..70 {
        s.push(op(FmacOp::mac(INF, ONE, false).norm(i % 3 == 0)));
    }
    for i in 0..40 {
        s.push(op(FmacOp::mac(MAX, MAX, true).norm(i % 5 == 0)));
    }
    // many products near the top of the range: carries through all segments
    s.push(load(0, false));
    for i in 0..200u32 {
        let a = fp(i % 7 == 0, 250 + (i % 5), i.wrapping_mul(0x9E37_79B9));
        s.push(op(
            FmacOp::mac(a, fp(false, 127 + (i % 3), i), false).norm(i % 17 == 0)
        ));
    }
    s.push(rd(false));
    run(&s);
}

#[test]
fn load_of_inf_nan_and_subnormals() {
    let got = run(&[
        op(FmacOp::load(INF, false).norm(false)),
        op(FmacOp::load(NAN, false).norm(false)),
        op(FmacOp::load(INF, true).norm(false)),
        op(FmacOp::load(SUB_MIN, false).norm(false)),
        op(FmacOp::load(SUB_MAX, true).norm(false)),
        op(FmacOp::load(MIN_NORMAL, false).norm(false)),
        op(FmacOp::load(MAX, false).norm(false)),
        op(FmacOp::load(SUB_MIN, false)),
        op(FmacOp::mac(SUB_MAX, SUB_MAX, false).norm(false)),
        op(FmacOp::mac(SUB_MAX, fp(false, 200, 0), false).norm(false)),
        op(FmacOp::load(fp(true, 255, 0x12345), false).norm(false)),
    ]);
    assert_eq!(&got[..3], &[INF, INF, NINF]);
    assert_eq!(got[6], MAX);
}

#[test]
fn relu() {
    let got = run(&[
        // a tiny negative accumulator rounds to -0.0, ReLU makes it +0.0
        op(FmacOp::mac(fp(true, 64, 0), fp(false, 63, 0), false).norm(false)),
        rd(true),
        load(f(-2.0), false),
        rd(true),
        rd(false),
        load(INF, true),
        rd(true),
        rd(false),
        load(f(2.0), false),
        rd(true),
        load(0, false),
        rd(true),
    ]);
    assert_eq!(got, vec![NEG_ZERO, 0, 0, f(-2.0), 0, NINF, f(2.0), 0]);
}

#[test]
fn back_to_back_norms_and_tags() {
    let mut s = vec![];
    for i in 0..100u32 {
        let mut o = FmacOp::mac(
            fp(i % 3 == 0, 120 + i % 16, i * 77),
            fp(false, 127, i),
            i % 2 == 0,
        );
        o.load = i % 10 == 0;
        o.load_value = fp(i % 4 == 0, 125 + i % 7, i * 1234);
        o.tag = i.wrapping_mul(0x01F3_5A27);
        s.push(op(o.norm(i % 8 == 7)));
    }
    let got = run(&s);
    assert_eq!(got.len(), 100);
}

#[test]
fn clear_in_the_middle_of_a_stream() {
    let x = f(3.0);
    let mut s = vec![];
    for round in 0..12u8 {
        for i in 0..(round as u32 + 3) {
            s.push(op(
                FmacOp::mac(x, fp(false, 120 + i, i), false).norm(i % 2 == 1)
            ));
        }
        s.push(Item::Clear);
        if round % 3 == 0 {
            s.push(Item::Clear);
        }
        if round % 4 == 1 {
            s.push(Item::Idle(round));
        }
        s.push(rd(false)); // must read +0.0 after the clear
    }
    let got = run(&s);
    assert_eq!(got.last(), Some(&0));
}

#[test]
fn idle_cycles_change_nothing() {
    let got = run(&[
        load(f(1.0), false),
        Item::Idle(3),
        mac(f(2.0), f(2.0)),
        Item::Idle(1),
        rd(false),
        Item::Idle(12),
        op(FmacOp::default()), // valid op with neither load, mul nor norm
        rd(false),
        // in_valid = 0 with everything else asserted
        Item::Junk(FmacOp {
            load: true,
            load_value: f(7.0),
            mul: true,
            a: f(3.0),
            b: f(3.0),
            norm: true,
            ..FmacOp::default()
        }),
        Item::Junk(FmacOp::mac(INF, INF, true).norm(true)),
        rd(false),
    ]);
    assert_eq!(got, vec![f(5.0), f(5.0), f(5.0)]);
}

// ---------------------------------------------------------------- random

/// fp32 operand: mostly around `center` (+-spread), sometimes special.
fn operand(center: u32, spread: u32) -> impl Strategy<Value = u32> {
    let lo = center.saturating_sub(spread);
    let hi = (center + spread).min(255);
    prop_oneof![
        16 => (any::<bool>(), lo..=hi, any::<u32>()).prop_map(|(s, e, m)| fp(s, e, m)),
        1 => prop::sample::select(vec![
            0, NEG_ZERO, ONE, INF, NINF, NAN, MAX, MIN_NORMAL, SUB_MIN, SUB_MAX,
            SUB_MAX | NEG_ZERO, MAX | NEG_ZERO
        ]),
        1 => any::<u32>(),
    ]
}

#[derive(Clone, Copy, Debug)]
struct Mix {
    load: u32,  // per mille
    norm: u32,  // per mille
    idle: u32,  // per mille
    clear: u32, // per mille
}

fn item(ca: u32, cb: u32, spread: u32, mix: Mix) -> impl Strategy<Value = Item> {
    (
        operand(ca, spread),
        operand(cb, spread),
        operand((ca + cb).saturating_sub(127).min(255), spread),
        any::<[bool; 5]>(),
        0u32..1000,
        0u32..1000,
        0u32..1000,
        any::<u32>(),
        0u8..4,
        0u32..1000,
    )
        .prop_map(move |(a, b, lv, fl, r1, r2, r3, tag, idle, r4)| {
            if r3 < mix.clear {
                return Item::Clear;
            }
            let op = FmacOp {
                load: r1 < mix.load,
                load_value: lv,
                load_neg: fl[0],
                mul: r4 >= 50 || fl[4],
                a,
                b,
                sub: fl[1],
                norm: r2 < mix.norm,
                relu: fl[2] && fl[3],
                tag,
            };
            if r3 < mix.clear + mix.idle {
                // idle: nothing driven, or in_valid = 0 with junk on the
                // other inputs (which must change nothing)
                return if idle == 0 {
                    Item::Junk(FmacOp {
                        load: true,
                        mul: true,
                        norm: true,
                        ..op
                    })
                } else {
                    Item::Idle(idle)
                };
            }
            Item::Op(op)
        })
}

/// A random stream: operands around two random exponent centres.
fn stream(
    len: std::ops::Range<usize>,
    mix: Mix,
    max_spread: u32,
) -> impl Strategy<Value = Vec<Item>> {
    (0u32..=255, 0u32..=255, 0..=max_spread).prop_flat_map(move |(ca, cb, spread)| {
        prop::collection::vec(item(ca, cb, spread, mix), len.clone())
    })
}

/// Run `cases` random streams through `check_stream` (proptest runner with
/// a fixed seed; shrinks and prints the failing stream); returns the number
/// of accumulations checked.
fn random_streams(name: &str, cases: u32, strat: impl Strategy<Value = Vec<Item>>) -> u64 {
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let seed = std::env::var("FMAC_SEED")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(0x5EED_F3AC);
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let config = Config {
        cases,
        max_shrink_iters: 500,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new_with_rng(
        config,
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes),
    );
    let macs = std::cell::Cell::new(0u64);
    let result = runner.run(&strat, |items| {
        let s = check_stream(&items).map_err(TestCaseError::fail)?;
        macs.set(macs.get() + s.macs);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{name} (FMAC_SEED={seed}): {e}");
    }
    println!("{name}: {cases} streams, {} accumulations", macs.get());
    MACS.fetch_add(macs.get(), Ordering::Relaxed);
    macs.get()
}

/// Mixed streams: loads, norms, ReLU, idle cycles and clears, operands
/// around random exponent centres (products over the full range).
#[test]
fn random_mixed_streams() {
    let cases = std::env::var("FMAC_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(150);
    random_streams(
        "random_mixed_streams",
        cases,
        stream(
            20..600,
            Mix {
                load: 40,
                norm: 120,
                idle: 60,
                clear: 4,
            },
            60,
        ),
    );
}

/// Long accumulations (rare loads, sparse results): at least 100,000
/// accumulations in this test alone.
#[test]
fn random_long_accumulations() {
    let cases = std::env::var("FMAC_LONG_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(40);
    let macs = random_streams(
        "random_long_accumulations",
        cases,
        stream(
            2000..4000,
            Mix {
                load: 1,
                norm: 8,
                idle: 5,
                clear: 0,
            },
            30,
        ),
    );
    if cases >= 40 {
        assert!(macs >= 100_000, "only {macs} accumulations");
    }
}

/// Every FMAC sub-block generates Verilog that passes Verilator lint (with
/// the documented waivers only) and compiles with Icarus on its own. (Yosys
/// runs on the whole FMAC in `verilog_flow`; per-block synthesis is slow.)
#[test]
fn verilog_sub_blocks_lint() {
    use ntx_hw::fmac::{
        accu::Accu, align::Align, align::LoadPrep, lzc::Lzc32, mult::Mult, norm::Norm,
    };
    use ntx_verif::flow::{flow_dir, iverilog_compile, verilator_lint, write_verilog};
    use rust_hdl::prelude::*;
    fn lint<B: Block>(name: &str, mut b: B) {
        b.connect_all();
        let path = write_verilog(&flow_dir(), name, &generate_verilog(&b)).unwrap();
        verilator_lint(&path, name).unwrap_or_else(|e| panic!("{e}"));
        iverilog_compile(&path, name).unwrap_or_else(|e| panic!("{e}"));
    }
    lint("fmac_mult", Mult::default());
    lint("fmac_loadprep", LoadPrep::default());
    lint("fmac_align", Align::default());
    lint("fmac_accu", Accu::default());
    lint("fmac_lzc", Lzc32::default());
    lint("fmac_norm", Norm::default());
}

/// The generated Verilog (Icarus) behaves cycle by cycle like the rust-hdl
/// model on a random stream with every feature (and the model checks the
/// same stream).
#[test]
fn icarus_cosimulation() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[7u8; 32]),
    );
    let mut items = vec![];
    for _ in 0..6 {
        let s = stream(
            300..301,
            Mix {
                load: 40,
                norm: 150,
                idle: 60,
                clear: 5,
            },
            60,
        );
        items.extend(s.new_tree(&mut runner).unwrap().current());
    }
    run(&items);
    let n =
        ntx_verif::bench::fmac::icarus_cosim(&items, "random").unwrap_or_else(|e| panic!("{e}"));
    println!("co-simulated {n} cycles");
}

/// The whole FMAC and the 284-bit yardstick adder through the tool flow
/// (Verilator lint with the documented waivers only, Icarus, Yosys without
/// latches).
#[test]
fn verilog_flow() {
    let (f, a) = ntx_verif::bench::fmac::synth_figures().unwrap_or_else(|e| panic!("{e}"));
    println!("fmac: {f:?}\nwide adder: {a:?}");
    assert!(f.flip_flops > 2000 && f.latches == 0, "{f:?}");
    assert!(a.cells > 0 && a.flip_flops == 0, "{a:?}");
}
