//! NTX RTL in IEEE mode (CTRL bit 3) against the golden model
//! (`ntx_verif::model::ntx`, IEEE arithmetic in `model::ieee`): random jobs
//! of every opcode with IEEE edge-case data in random modes, back to back,
//! under random grant stalls (rust-hdl, proptest) and on Verilator (memory,
//! IRQ and FLAGS equal to the model, cycles equal to rust-hdl); the same
//! cycle count in both modes for every job; FLAGS (RW1C, soft clear), CTRL
//! bit 3 and MAXMIN with NaN at register level.
//!
//! Run: `cargo test --release -p ntx-verif --test suite ntx_ieee::`

use ntx_hw::params::regs;
use ntx_verif::backend::{create_backend, create_backend_with, Backend, ModelBackend, Stall};
use ntx_verif::cases::diff_mem;
use ntx_verif::jobfile;
use ntx_verif::model::job::{Command, Job};
use ntx_verif::model::mem::Tcdm;
use proptest::prelude::*;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::random_jobs::{job_strategy_with, make_mem};

/// IEEE edge-case words: numbers around 1 (few mantissa bits: ties),
/// subnormals, near-overflow values, signed zeros, infinities, quiet and
/// signalling NaNs, small integers (counter tests), any bits.
fn word_strategy() -> impl Strategy<Value = u32> {
    prop_oneof![
        4 => (any::<bool>(), 118u32..137, 0u32..(1 << 23))
            .prop_map(|(s, e, m)| (s as u32) << 31 | e << 23 | m),
        2 => (any::<bool>(), 100u32..150, 0u32..8)
            .prop_map(|(s, e, m)| (s as u32) << 31 | e << 23 | m << 20),
        1 => (any::<bool>(), 1u32..(1 << 23)).prop_map(|(s, m)| (s as u32) << 31 | m),
        1 => (any::<bool>(), 250u32..255, 0u32..(1 << 23))
            .prop_map(|(s, e, m)| (s as u32) << 31 | e << 23 | m),
        2 => prop::sample::select(vec![
            0x0000_0000u32, 0x8000_0000, 0x3F80_0000, 0xBF80_0000, 0x3380_0000,
            0x7F80_0000, 0xFF80_0000, 0x7FC0_0000, 0xFFC0_0001, 0x7F80_0001,
            0x0000_0001, 0x8000_0003, 0x7F7F_FFFF, 0xFF7F_FFFF, 0x0080_0000,
            0x0040_0000, 0x0100_0000,
        ]),
        1 => 0u32..8,
        1 => any::<u32>(),
    ]
}

fn job_strategy() -> impl Strategy<Value = (Job, Vec<(u32, u32)>)> {
    job_strategy_with(word_strategy())
}

/// Wait until STATUS shows an idle NTX with nothing committed.
fn wait_idle(be: &mut dyn Backend, max: u64) -> Result<(), String> {
    for _ in 0..max / 8 {
        let s = be.read_reg(regs::STATUS).map_err(|e| e.0)?;
        if s & 0b1_0111 == 0b0_0111 {
            return Ok(());
        }
        be.step(8);
    }
    Err(format!("{}: not idle after {max} cycles", be.name()))
}

/// What a run leaves: memory, IRQ, FLAGS, CTRL, cycles (timed backends).
type Outcome = (Tcdm, u32, u32, u32, Option<u64>);

/// Write CTRL (mode), stage and commit every job without waiting in
/// between, then wait for idle.
fn run(be: &mut dyn Backend, jobs: &[(Job, bool)]) -> Result<Outcome, String> {
    let t0 = be.cycles();
    for (job, ieee) in jobs {
        let ctrl = if *ieee { regs::CTRL_IEEE } else { 0 };
        be.write_reg(regs::CTRL, ctrl).map_err(|e| e.0)?;
        for (w, v) in job.staging_writes() {
            be.write_reg(w, v).map_err(|e| e.0)?;
        }
        be.write_reg(regs::CMD, job.cmd).map_err(|e| e.0)?;
    }
    let total: u64 = jobs.iter().map(|j| j.0.steps()).sum();
    wait_idle(be, 4000 + 200 * total)?;
    let cyc = be.cycles().zip(t0).map(|(a, b)| a - b);
    let irq = be.read_reg(regs::IRQ).map_err(|e| e.0)?;
    let flags = be.read_reg(regs::FLAGS).map_err(|e| e.0)?;
    let ctrl = be.read_reg(regs::CTRL).map_err(|e| e.0)?;
    Ok((be.read_mem(), irq, flags, ctrl, cyc))
}

fn describe(jobs: &[(Job, bool)], mem: &[(u32, u32)]) -> String {
    let mut s = String::new();
    for (j, ieee) in jobs {
        s += &format!("mode {}\n", if *ieee { "ieee" } else { "ntx" });
        s += &jobfile::format_job(j);
        s += "\n";
    }
    s += "memory (word address, value):\n";
    for (a, d) in mem {
        s += &format!("0x{:08X} 0x{d:08X}\n", a * 4);
    }
    s
}

/// Jobs checked per backend (all tests of this binary).
static RTL_JOBS: AtomicU64 = AtomicU64::new(0);

/// Run `jobs` on the model and on `backend` (with stalls); memory, IRQ,
/// FLAGS and CTRL must match. Returns the backend's cycles.
fn check(backend: &str, jobs: &[(Job, bool)], words: &[(u32, u32)], stall: Option<Stall>) -> u64 {
    let mem = make_mem(words);
    let mut mb = ModelBackend::new(mem.clone());
    let want = run(&mut mb, jobs).unwrap();
    let mut be = create_backend_with(backend, mem, stall).unwrap();
    let got = run(be.as_mut(), jobs).unwrap_or_else(|e| panic!("{e}\n{}", describe(jobs, words)));
    let d = diff_mem(&got.0, &want.0);
    assert!(
        d.is_empty() && got.1 == want.1 && got.2 == want.2 && got.3 == want.3,
        "{backend} differs from the model (stall {stall:?}): {} words, first (byte addr, got, \
         expected) {:x?}; IRQ {:#x}/{:#x} FLAGS {:#x}/{:#x} CTRL {:#x}/{:#x}\n{}",
        d.len(),
        &d[..d.len().min(6)],
        got.1,
        want.1,
        got.2,
        want.2,
        got.3,
        want.3,
        describe(jobs, words)
    );
    RTL_JOBS.fetch_add(jobs.len() as u64, Ordering::Relaxed);
    got.4.unwrap_or(0)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]
    /// One random IEEE-mode job under random stalls (rust-hdl).
    #[test]
    fn ieee_random_jobs_match_model(
        (job, words) in job_strategy(),
        p in 0u32..8, seed in any::<u64>(),
    ) {
        check("rtl", &[(job, true)], &words, Some(Stall { p: p as f64 / 10.0, seed }));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 60, ..ProptestConfig::default() })]
    /// Three random jobs back to back in random modes (the mode of each job
    /// is CTRL bit 3 at its CMD write), rust-hdl under random stalls.
    #[test]
    fn mixed_mode_back_to_back_jobs(
        (j1, words) in job_strategy(),
        (j2, _) in job_strategy(),
        (j3, _) in job_strategy(),
        modes in any::<[bool; 3]>(),
        p in 0u32..8, seed in any::<u64>(),
    ) {
        let jobs = [(j1, modes[0]), (j2, modes[1]), (j3, modes[2])];
        check("rtl", &jobs, &words, Some(Stall { p: p as f64 / 10.0, seed }));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 100, ..ProptestConfig::default() })]
    /// The cycle contract: every job takes the same cycles in IEEE mode as
    /// in NTX mode (rust-hdl, no stalls).
    #[test]
    fn ieee_mode_costs_no_cycle(
        (job, words) in job_strategy(),
    ) {
        let c_ntx = check("rtl", &[(job.clone(), false)], &words, None);
        let c_ieee = check("rtl", &[(job, true)], &words, None);
        prop_assert_eq!(c_ntx, c_ieee);
    }
}

/// Verilator in lock step with rust-hdl: random jobs in random modes
/// (IEEE-heavy), memory/IRQ/FLAGS/CTRL equal to the model and cycles equal
/// to the rust-hdl backend's (no stalls); then under random stalls against
/// the model.
#[test]
fn verilator_ieee_jobs_match_model_and_rtl() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[5u8; 32]),
    );
    let n: usize = std::env::var("NTX_IEEE_VL_JOBS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(150);
    let strat = (
        job_strategy(),
        job_strategy(),
        any::<[bool; 2]>(),
        0u32..8,
        any::<u64>(),
    );
    let mut checked = 0;
    for i in 0..n {
        let ((j1, words), (j2, _), modes, p, seed) = strat.new_tree(&mut runner).unwrap().current();
        let jobs = [(j1, modes[0] || i % 2 == 0), (j2, modes[1])];
        let c_vl = check("verilator", &jobs, &words, None);
        let c_rtl = check("rtl", &jobs, &words, None);
        assert_eq!(
            c_vl,
            c_rtl,
            "cycles verilator vs rtl\n{}",
            describe(&jobs, &words)
        );
        check(
            "verilator",
            &jobs,
            &words,
            Some(Stall {
                p: p as f64 / 10.0,
                seed,
            }),
        );
        checked += 1;
    }
    assert!(checked > 0);
    println!(
        "verilator: {checked} job pairs (x2: without and with stalls) = {} jobs",
        4 * checked
    );
}

fn job(op: u8, aux: u8, pol: bool, sel: u8, n: u16) -> Job {
    Job {
        name: "directed".into(),
        cmd: Command {
            opcode: op,
            outer_level: 1,
            init_level: 1,
            inner_level: 1,
            init_sel: sel,
            aux,
            polarity: pol,
            ..Command::default()
        }
        .encode(),
        loop_end: [n - 1, 0, 0, 0, 0],
        base: [4000, 4400, 4800],
        stride: [[4, 0, 0, 0, 0], [4, 0, 0, 0, 0], [0; 5]],
    }
}

/// FLAGS: raised by IEEE-mode stores only, sticky, write-1-to-clear per
/// bit, cleared by a soft clear; CTRL bit 3 reads back; every case also
/// against the model.
#[test]
fn flags_register_and_ctrl_bit3() {
    let one = 0x3F80_0000u32;
    let tiny = 0x3380_0000u32; // 2^-24: 1 + 2^-24 is inexact
    let mut words = vec![];
    for i in 0..4 {
        words.push((1000 + i, one));
        words.push((1100 + i, tiny));
    }
    words.push((1000 + 4, 0x7F7F_FFFF));
    words.push((1100 + 4, 0x7F7F_FFFF)); // MAX * MAX: overflow
    let mac = job(0, 0, false, 3, 5);
    for be_name in ["model", "rtl"] {
        let mut be = create_backend(be_name, make_mem(&words)).unwrap();
        let be = be.as_mut();
        // NTX mode raises nothing
        let r = run(be, &[(mac.clone(), false)]).unwrap();
        assert_eq!((r.2, r.3), (0, 0), "{be_name}");
        let r = run(be, &[(mac.clone(), true)]).unwrap();
        assert_eq!(r.2, 0b101, "{be_name}: overflow | inexact");
        assert_eq!(r.3, regs::CTRL_IEEE, "{be_name}");
        be.write_reg(regs::FLAGS, 0b100).unwrap();
        assert_eq!(be.read_reg(regs::FLAGS).unwrap(), 0b001, "{be_name}");
        be.write_reg(regs::FLAGS, 0b1_1110).unwrap();
        assert_eq!(be.read_reg(regs::FLAGS).unwrap(), 0b001, "{be_name}");
        let r = run(be, &[(mac.clone(), true)]).unwrap();
        assert_eq!(r.2, 0b101, "{be_name}: sticky");
        be.write_reg(regs::CTRL, 1).unwrap(); // soft clear
        assert_eq!(be.read_reg(regs::FLAGS).unwrap(), 0, "{be_name}");
        assert_eq!(be.read_reg(regs::CTRL).unwrap(), 0, "{be_name}");
    }
}

/// MAXMIN with NaN elements: IEEE mode skips them (argmax never a NaN),
/// NTX mode takes them (the reference's `!(alu > B)`); both against the
/// model on rust-hdl.
#[test]
fn maxmin_with_nan() {
    let vals = [
        0x3F80_0000u32,
        0x7FC0_0000,
        0x4000_0000,
        0xFF80_0001,
        0x3F00_0000,
    ];
    let words: Vec<(u32, u32)> = vals
        .iter()
        .enumerate()
        .map(|(i, &v)| (1100 + i as u32, v))
        .chain([(1000, 0xFF80_0000)]) // init -inf
        .collect();
    let mut results = vec![];
    for (aux, pol, ieee) in [
        (0, false, true),
        (1, false, true),
        (0, true, true),
        (1, false, false),
    ] {
        let mut j = job(4, aux, pol, 0, 5);
        j.stride[0] = [0; 5];
        check("rtl", &[(j.clone(), ieee)], &words, None);
        let mut mb = ModelBackend::new(make_mem(&words));
        let mut r = run(&mut mb, &[(j, ieee)]).unwrap();
        results.push(r.0.read(1200));
    }
    // IEEE max skips the NaNs: 2.0 at index 2; IEEE min: nothing below -inf
    assert_eq!(results, vec![0x4000_0000, 2, 0xFF80_0000, 4]);
}
