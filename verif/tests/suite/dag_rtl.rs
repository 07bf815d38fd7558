//! DAG RTL (hw/src/dag.rs) against the golden loop model
//! `ntx_verif::model::dag::steps`: randomized nests (proptest) and directed
//! corner cases, random step-low stall cycles, and the Verilog tool flow.

use ntx_hw::dag::Dag;
use ntx_hw::params::*;
use ntx_verif::model::dag::{steps, LoopConfig, Step};
use proptest::prelude::*;
use rust_hdl::prelude::*;

const MASK18: u32 = (1 << AGU_ADDR_WIDTH) - 1;

fn tick(uut: &mut Dag) {
    uut.clock.next = Clock { clk: true };
    assert!(simulate(uut, 100));
    uut.clock.next = Clock { clk: false };
    assert!(simulate(uut, 100));
}

fn configure(uut: &mut Dag, cfg: &LoopConfig) {
    for k in 0..N_LOOPS {
        uut.loop_end[k].next = (cfg.loop_end[k] as u64).into();
    }
    uut.outer_level.next = (cfg.outer_level as u64).into();
    for a in 0..N_AGUS {
        uut.base[a].next = ((cfg.base[a] & MASK18) as u64).into();
        for k in 0..N_LOOPS {
            uut.stride[a * N_LOOPS + k].next = ((cfg.stride[a][k] & MASK18) as u64).into();
        }
    }
}

fn observe(uut: &Dag) -> (Step, bool) {
    (
        Step {
            addr: [
                uut.addr0.val().to_u32(),
                uut.addr1.val().to_u32(),
                uut.addr2.val().to_u32(),
            ],
            first: uut.first.val().to_u32() as u8,
            last: uut.last.val().to_u32() as u8,
        },
        uut.done.val(),
    )
}

/// Runs the nest on the RTL with `stall(i)` step-low cycles before step i
/// and compares every step (and `done`) with the golden model.
fn check(cfg: &LoopConfig, stall: &dyn Fn(usize) -> usize) -> Result<(), String> {
    let mut uut = Dag::default();
    uut.connect_all();
    configure(&mut uut, cfg);
    // Garbage state first, then init must clear it.
    uut.init.next = false;
    uut.step.next = true;
    tick(&mut uut);
    tick(&mut uut);
    uut.init.next = true;
    uut.step.next = false;
    tick(&mut uut);
    uut.init.next = false;
    let expected: Vec<Step> = steps(cfg).collect();
    let n = expected.len();
    for (i, e) in expected.iter().enumerate() {
        for _ in 0..stall(i) {
            uut.step.next = false;
            assert!(simulate(&mut uut, 100));
            let (got, _) = observe(&uut);
            if got != *e {
                return Err(format!(
                    "stall before step {i}: got {got:?}, expected {e:?}"
                ));
            }
            tick(&mut uut);
        }
        uut.step.next = true;
        assert!(simulate(&mut uut, 100));
        let (got, done) = observe(&uut);
        if got != *e {
            return Err(format!("step {i} of {n}: got {got:?}, expected {e:?}"));
        }
        let want_done = i + 1 == n;
        if done != want_done {
            return Err(format!(
                "step {i} of {n}: done {done}, expected {want_done}"
            ));
        }
        tick(&mut uut);
    }
    Ok(())
}

fn total_steps(cfg: &LoopConfig) -> u64 {
    (0..cfg.outer_level as usize)
        .map(|k| cfg.loop_end[k] as u64 + 1)
        .product()
}

fn cfg_strategy() -> impl Strategy<Value = LoopConfig> {
    (
        0u8..=5,
        prop::array::uniform5(0u16..6),
        prop::array::uniform3(0u32..(1 << 18)),
        prop::array::uniform3(prop::array::uniform5(-3000i32..3000)),
        any::<bool>(),
    )
        .prop_map(|(outer, ends, base, strides, big)| {
            let mut loop_end = ends;
            if big && outer > 0 {
                // one longer loop, still bounded total
                loop_end[0] = 37;
            }
            LoopConfig {
                loop_end,
                outer_level: outer,
                base,
                stride: strides.map(|s| s.map(|x| (x as u32) & MASK18)),
            }
        })
        .prop_filter("bounded total steps", |c| total_steps(c) <= 600)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
    #[test]
    fn dag_matches_model(cfg in cfg_strategy(), seed in any::<u64>()) {
        let stall = move |i: usize| ((seed >> (i % 60)) & 3) as usize % 3;
        if let Err(e) = check(&cfg, &stall) {
            panic!("{e}\nconfig: {cfg:?}");
        }
    }
}

fn cfg(loop_end: [u16; 5], outer: u8, base: [u32; 3], stride: [[i32; 5]; 3]) -> LoopConfig {
    LoopConfig {
        loop_end,
        outer_level: outer,
        base,
        stride: stride.map(|s| s.map(|x| (x as u32) & MASK18)),
    }
}

#[test]
fn dag_all_ends_zero() {
    for outer in 0..=5 {
        let c = cfg([0; 5], outer, [1, 2, 3], [[1, 2, 3, 4, 5]; 3]);
        assert_eq!(steps(&c).count(), 1);
        check(&c, &|_| 0).unwrap();
    }
}

#[test]
fn dag_max_inner_end() {
    let c = cfg(
        [65535, 1, 0, 0, 0],
        2,
        [5, 0x3FFF0, 7],
        [[1, -7, 0, 0, 0], [-1, 3, 0, 0, 0], [0, 1, 0, 0, 0]],
    );
    assert_eq!(steps(&c).count(), 131072);
    check(&c, &|_| 0).unwrap();
}

#[test]
fn dag_negative_strides_and_wrap() {
    let c = cfg(
        [2, 3, 1, 2, 1],
        5,
        [0, MASK18, 3],
        [
            [-5, -1, 100, -131072, 7],
            [1, 1, -2, 3, -131071],
            [131071, -131072, 1, 1, 1],
        ],
    );
    check(&c, &|i| i % 2).unwrap();
    // wrap at 2^18 from the top
    let c = cfg(
        [9, 0, 0, 0, 0],
        1,
        [MASK18 - 3, 2, 0],
        [[1, 0, 0, 0, 0], [-1, 0, 0, 0, 0], [-1, 0, 0, 0, 0]],
    );
    check(&c, &|_| 0).unwrap();
}

#[test]
fn dag_stall_changes_nothing() {
    let c = cfg(
        [3, 2, 1, 0, 0],
        3,
        [10, 20, 30],
        [[1, 2, 3, 0, 0], [4, 5, 6, 0, 0], [-1, -2, -3, 0, 0]],
    );
    check(&c, &|i| (i * 7) % 5).unwrap();
}

#[test]
fn dag_verilog_flow() {
    let mut uut = Dag::default();
    uut.connect_all();
    let rep = ntx_verif::flow::check_block("dag", &generate_verilog(&uut)).unwrap();
    println!("dag: {rep:?}");
    assert_eq!(rep.latches, 0);
    assert!(rep.cells > 0);
}
