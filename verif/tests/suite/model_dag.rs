//! Golden-model loop nest and AGUs against the absolute-stride formula of
//! spec section 5 and a literal transcription of its recursive procedure.

use ntx_verif::model::dag::{steps, LoopConfig, AGU_MASK};
use proptest::prelude::*;

/// Software's delta strides from absolute element strides (spec 5), as
/// 18-bit word deltas: STRIDE[s] = a[s] - sum_{t<s} (n[t]-1) a[t].
fn delta_strides(n: &[u64; 5], a: &[i64; 5]) -> [u32; 5] {
    let mut d = [0u32; 5];
    for s in 0..5 {
        let back: i64 = (0..s).map(|t| (n[t] as i64 - 1) * a[t]).sum();
        d[s] = ((a[s] - back) as u32) & AGU_MASK;
    }
    d
}

/// Events of the recursive procedure: (kind, level, addresses).
#[derive(Debug, PartialEq, Eq, Clone)]
enum Ev {
    Init(u8, [u32; 3]),
    Exec([u32; 3]),
    Store(u8, [u32; 3]),
}

/// visit(level, last) exactly as spec 5 writes it.
fn visit(cfg: &LoopConfig, level: u8, last: bool, agu: &mut [u32; 3], out: &mut Vec<Ev>) {
    out.push(Ev::Init(level, *agu));
    if level == 0 {
        out.push(Ev::Exec(*agu));
    } else {
        let end = cfg.loop_end[level as usize - 1];
        for k in 0..=end {
            visit(cfg, level - 1, k == end, agu, out);
        }
    }
    out.push(Ev::Store(level, *agu));
    if level < 5 && !last {
        for (a, s) in agu.iter_mut().zip(&cfg.stride) {
            *a = a.wrapping_add(s[level as usize]) & AGU_MASK;
        }
    }
}

/// The same events from the flat step sequence's first/last flags.
fn flat_events(cfg: &LoopConfig) -> Vec<Ev> {
    let mut out = Vec::new();
    for st in steps(cfg) {
        for l in (0..=cfg.outer_level).rev() {
            if st.is_first(l) {
                out.push(Ev::Init(l, st.addr));
            }
        }
        out.push(Ev::Exec(st.addr));
        for l in 0..=cfg.outer_level {
            if st.is_last(l) {
                out.push(Ev::Store(l, st.addr));
            }
        }
    }
    out
}

fn check_formula(n: [u64; 5], outer: u8, base: [u32; 3], abs: [[i64; 5]; 3]) {
    let cfg = LoopConfig {
        loop_end: n.map(|x| (x - 1) as u16),
        outer_level: outer,
        base,
        stride: [
            delta_strides(&n, &abs[0]),
            delta_strides(&n, &abs[1]),
            delta_strides(&n, &abs[2]),
        ],
    };
    let active = outer as usize;
    let total: u64 = n[..active].iter().product();
    let got: Vec<_> = steps(&cfg).collect();
    assert_eq!(got.len() as u64, total, "{cfg:?}");
    assert_eq!(cfg.total_steps(), total);
    let mut c = [0u64; 5];
    for (i, st) in got.iter().enumerate() {
        for g in 0..3 {
            let off: i64 = (0..active).map(|s| c[s] as i64 * abs[g][s]).sum();
            let want = (base[g] as i64 + off) as u32 & AGU_MASK;
            assert_eq!(
                st.addr[g], want,
                "step {i} AGU{g} counters {c:?} cfg {cfg:?}"
            );
        }
        for k in 0..=5usize {
            let first = (0..k.min(active)).all(|s| c[s] == 0);
            let last = (0..k.min(active)).all(|s| c[s] == n[s] - 1);
            assert_eq!(st.is_first(k as u8), first, "first[{k}] at step {i}");
            assert_eq!(st.is_last(k as u8), last, "last[{k}] at step {i}");
        }
        // advance the counters, innermost fastest
        for s in 0..active {
            c[s] += 1;
            if c[s] < n[s] {
                break;
            }
            c[s] = 0;
        }
    }
}

#[test]
fn directed_all_ends_zero() {
    for outer in 0..=5 {
        check_formula([1; 5], outer, [5, 6, 7], [[1, 2, 3, 4, 5]; 3]);
    }
}

#[test]
fn directed_outer_level_zero_is_one_step() {
    let cfg = LoopConfig {
        loop_end: [9; 5],
        outer_level: 0,
        base: [1, 2, 3],
        ..Default::default()
    };
    let s: Vec<_> = steps(&cfg).collect();
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].addr, [1, 2, 3]);
    assert_eq!((s[0].first, s[0].last), (0x3F, 0x3F));
}

#[test]
fn directed_max_inner_loop() {
    check_formula(
        [65536, 2, 1, 1, 1],
        2,
        [0, 100, 200],
        [[1, -3, 0, 0, 0], [-1, 7, 0, 0, 0], [0, 1, 0, 0, 0]],
    );
}

#[test]
fn directed_negative_strides_and_wrap() {
    // Start near the top of the 18-bit space and walk past it, and walk
    // below zero with negative strides: both wrap modulo 2^18.
    check_formula(
        [10, 4, 3, 1, 1],
        3,
        [AGU_MASK - 5, 3, 1 << 17],
        [
            [1, 20, 200, 0, 0],
            [-1, -10, -100, 0, 0],
            [-7, 3, -(1 << 17), 0, 0],
        ],
    );
}

#[test]
fn directed_reference_job0016_nest() {
    // The nest of reference case 0016 (3-D reduction with 2-D stride).
    let cfg = LoopConfig {
        loop_end: [9; 5],
        outer_level: 5,
        base: [4000, 8000, 0],
        stride: [[
            1,
            11,
            211,
            (-15152i32 >> 2) as u32 & AGU_MASK,
            (-15112i32 >> 2) as u32 & AGU_MASK,
        ]; 3],
    };
    let flat = flat_events(&cfg);
    let mut rec = Vec::new();
    let mut agu = cfg.base;
    visit(&cfg, 5, true, &mut agu, &mut rec);
    assert_eq!(flat, rec);
}

fn nest() -> impl Strategy<Value = ([u64; 5], u8)> {
    (
        0u8..=5,
        prop::array::uniform5(1u64..12),
        1u64..300,
        0usize..5,
    )
        .prop_map(|(outer, mut n, big, at)| {
            // one loop may be long; keep the total bounded
            n[at] = big;
            let mut total = 1;
            for x in n.iter_mut().take(outer as usize) {
                while total * *x > 20_000 {
                    *x = (*x / 2).max(1);
                }
                total *= *x;
            }
            (n, outer)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn addresses_follow_absolute_strides(
        (n, outer) in nest(),
        base in prop::array::uniform3(0u32..=AGU_MASK),
        abs in prop::array::uniform3(prop::array::uniform5(-70_000i64..70_000)),
    ) {
        check_formula(n, outer, base, abs);
    }

    #[test]
    fn flags_match_the_recursive_procedure(
        (n, outer) in nest(),
        base in prop::array::uniform3(0u32..=AGU_MASK),
        stride in prop::array::uniform3(prop::array::uniform5(0u32..=AGU_MASK)),
    ) {
        prop_assume!(n[..outer as usize].iter().product::<u64>() <= 3000);
        let cfg = LoopConfig { loop_end: n.map(|x| (x - 1) as u16), outer_level: outer, base, stride };
        let mut rec = Vec::new();
        let mut agu = base;
        visit(&cfg, outer, true, &mut agu, &mut rec);
        // The procedure runs init/store at every level; keep the levels the
        // flat flags describe (0..=outer).
        prop_assert_eq!(flat_events(&cfg), rec);
    }
}
