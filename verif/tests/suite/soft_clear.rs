//! The soft-clear contract (README, "Limits and failure behaviour"): a
//! soft clear cancels every job committed before it (also in the cycle
//! right after CMD), the NTX reads idle at once, nothing is written
//! afterwards, and what the cancelled job wrote is a prefix in element
//! order of its stores; further jobs then run as on the golden model.
//! Randomized trials ([`ntx_verif::softclear`]: random jobs up to 8,000
//! steps, stall patterns with bursts, ports blocked longer than the queue
//! depth and stalls correlated with requests, clear at a random cycle) on
//! Verilator and rust-hdl, plus the model's abort operation.
//!
//! Run: `cargo test --release -p ntx-verif --test suite soft_clear::`
//! (`NTX_SOFTCLEAR_SEED`, `NTX_SOFTCLEAR_TRIALS`; a failing trial prints
//! its `ntx soak ... --from i --jobs i+1` reproducer).

use ntx_hw::ntx::Ntx;
use ntx_hw::params::regs;
use ntx_verif::backend::Backend;
use ntx_verif::cosim::RustHdlDut;
use ntx_verif::model::job::{Command, Job};
use ntx_verif::model::mem::Tcdm;
use ntx_verif::model::ntx::{store_prefix, NtxModel, QueuedJob};
use ntx_verif::pins::{NtxHarness, NtxPinNames, Pins, RustHdlPins};
use ntx_verif::softclear::{run_model_trial, run_trial, trial_seed, StallPattern};

fn seed() -> u64 {
    std::env::var("NTX_SOFTCLEAR_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(17)
}

fn trials(default: u64) -> u64 {
    std::env::var("NTX_SOFTCLEAR_TRIALS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

fn rust_hdl() -> NtxHarness<RustHdlPins<Ntx>> {
    let dut = RustHdlDut::new(Ntx::default(), ntx_verif::pins::drive_ntx);
    NtxHarness::new(
        RustHdlPins::new(dut),
        &NtxPinNames::default(),
        Tcdm::new(ntx_verif::softclear::MEM_BYTES, 0),
        "rtl",
    )
    .unwrap()
}

fn campaign<P: Pins>(h: &mut NtxHarness<P>, backend: &str, n: u64) {
    let s = seed();
    let (mut cleared_mid, mut at_cmd, mut cycles) = (0, 0, 0);
    for i in 0..n {
        let r = run_trial(h, trial_seed(s, i)).unwrap_or_else(|e| {
            panic!(
                "{e}\nreproduce: ntx soak --backend {backend} --seed {s} --from {i} --jobs {}",
                i + 1
            )
        });
        cycles += r.cycles;
        if r.done > 0 && r.done < r.stores {
            cleared_mid += 1;
        }
        if r.done == 0 {
            at_cmd += 1;
        }
    }
    println!(
        "{backend}: {n} soft-clear trials (seed {s}), {cleared_mid} cancelled mid-stream, \
         {at_cmd} before the first store, {cycles} cycles"
    );
    // The campaign must exercise the interesting cases.
    assert!(cleared_mid > n / 20, "{cleared_mid} mid-stream clears");
    assert!(at_cmd > n / 20, "{at_cmd} clears before the first store");
}

/// 10,000 random (job, clear cycle, stall pattern) trials on Verilator.
#[test]
fn soft_clear_contract_on_verilator() {
    let mut h =
        ntx_verif::verilator::backend::create(Tcdm::new(ntx_verif::softclear::MEM_BYTES, 0))
            .unwrap();
    campaign(&mut h, "verilator", trials(10_000));
}

/// The same trials on the rust-hdl NTX (slower: a sample here; `ntx soak
/// --backend rtl` runs long campaigns).
#[test]
fn soft_clear_contract_on_rust_hdl() {
    let mut h = rust_hdl();
    campaign(&mut h, "rtl", trials(10_000).min(60));
}

fn vaddsub(n: u16) -> Job {
    Job {
        name: "vaddsub".into(),
        cmd: Command {
            opcode: 1,
            outer_level: 1,
            init_sel: 2,
            ..Command::default()
        }
        .encode(),
        loop_end: [n - 1, 0, 0, 0, 0],
        base: [0, 0x400, 0x800],
        stride: [[4, 0, 0, 0, 0], [4, 0, 0, 0, 0], [4, 0, 0, 0, 0]],
    }
}

/// Issue 17's reproducer, directed: a soft clear k = 0..340 cycles after
/// CMD on a 200-element VADDSUB with grant stalls; k = 0 (the cycle right
/// after CMD) cancels the job before any write.
fn clear_after_cmd<P: Pins>(h: &mut NtxHarness<P>, ks: impl Iterator<Item = u64>) {
    let job = vaddsub(200);
    let mut ini = Tcdm::new(ntx_verif::softclear::MEM_BYTES, 0);
    for (i, w) in ini.words_mut().iter_mut().enumerate() {
        *w = (i as f32 * 0.25 - 100.0).to_bits();
    }
    let log = NtxModel::new().store_log(&mut ini.clone(), &QueuedJob::of(&job));
    for k in ks {
        h.set_grant(Box::new(|_, _| true));
        h.write_reg(regs::CTRL, 1).unwrap();
        h.load_mem(&ini);
        h.set_grant_req(StallPattern::Random([0.3, 0.3]).grant_fn(k));
        for (w, v) in job.staging_writes() {
            h.write_reg(w, v).unwrap();
        }
        h.write_reg(regs::CMD, job.cmd).unwrap();
        h.step(k);
        h.write_reg(regs::CTRL, 1).unwrap();
        let st = h.read_reg(regs::STATUS).unwrap();
        assert_eq!(st & 0x1F, regs::STATUS_IDLE, "k = {k}");
        h.step(300);
        let m = h.read_mem();
        let done = store_prefix(&ini, &log, &m).unwrap_or_else(|e| panic!("k = {k}: {e}"));
        if k == 0 {
            assert_eq!(done, 0, "a clear right after CMD cancels the job");
        }
    }
}

#[test]
fn soft_clear_right_after_cmd_cancels_on_verilator() {
    let mut h =
        ntx_verif::verilator::backend::create(Tcdm::new(ntx_verif::softclear::MEM_BYTES, 0))
            .unwrap();
    clear_after_cmd(&mut h, 0..=340);
}

#[test]
fn soft_clear_right_after_cmd_cancels_on_rust_hdl() {
    let mut h = rust_hdl();
    clear_after_cmd(&mut h, [0, 1, 2, 5, 37, 150].into_iter());
}

/// The model's abort operation: stopping after k stores leaves exactly the
/// k-store prefix of the job's store log, for 10,000 random jobs and k (the
/// trials of the NTX campaigns; under a second).
#[test]
fn model_abort_operation_yields_every_prefix() {
    let s = seed();
    let n = trials(10_000);
    for i in 0..n {
        run_model_trial(trial_seed(s, i)).unwrap_or_else(|e| {
            panic!(
                "{e}\nreproduce: ntx soak --backend model --seed {s} --from {i} --jobs {}",
                i + 1
            )
        });
    }
    assert!(n > 0);
    // every k of one job
    let job = vaddsub(50);
    let mut ini = Tcdm::new(ntx_verif::softclear::MEM_BYTES, 0);
    for (i, w) in ini.words_mut().iter_mut().enumerate() {
        *w = (i as f32 + 1.0).to_bits(); // every store changes its word
    }
    let q = QueuedJob::of(&job);
    let log = NtxModel::new().store_log(&mut ini.clone(), &q);
    assert_eq!(log.len(), 50);
    for k in 0..=50 {
        let mut m = ini.clone();
        assert_eq!(NtxModel::new().execute_abort_after(&mut m, &q, k), k);
        assert_eq!(store_prefix(&ini, &log, &m), Ok(k as usize));
    }
    // a memory that is no prefix is reported
    let mut m = ini.clone();
    m.write(log[3].0, log[3].1);
    assert!(store_prefix(&ini, &log, &m).is_err());
}

/// The model cancels a job committed behind a running one (here: a halted
/// invalid one) at a soft clear.
#[test]
fn model_soft_clear_cancels_the_committed_job() {
    let mut mem = Tcdm::new(4096, 0);
    let mut n = NtxModel::new();
    let job = vaddsub(4);
    for (w, v) in job.staging_writes() {
        assert!(n.write_reg(&mut mem, w, v));
    }
    assert!(n.write_reg(&mut mem, regs::CMD, 0xF)); // invalid: halts
    assert!(n.write_reg(&mut mem, regs::CMD, job.cmd)); // committed behind it
    assert_ne!(n.status() & 0x10, 0);
    let before = mem.clone();
    assert!(n.write_reg(&mut mem, regs::CTRL, 1));
    assert_eq!(n.status(), regs::STATUS_IDLE);
    assert_eq!(mem, before);
}

/// Verilator with random initial state (`+verilator+rand+reset+2`, three
/// seeds): after the harness's power-up soft clear the NTX passes the
/// soft-clear trials, so the clear path covers every register that
/// matters.
#[test]
fn random_initial_state_is_cleared_on_verilator() {
    // the initial state really is random: CTRL priority / IRQ bits differ
    let v = ntx_verif::verilator::backend::strip_initial_values(
        &ntx_verif::flow_blocks::verilog("ntx").unwrap(),
    );
    assert!(!v.contains("initial begin"));
    let outs: Vec<(u64, u64)> = (1..=8)
        .map(|rs| {
            let mut m = ntx_verif::verilator::VerilatedModel::build_random_init(
                "ntx",
                &v,
                &Default::default(),
                rs,
            )
            .unwrap();
            m.eval();
            (m.get("tcdm_prio"), m.get("irq"))
        })
        .collect();
    assert!(
        outs.iter().any(|&o| o != (0, 0)) && outs.iter().any(|&o| o != outs[0]),
        "random initial state not applied: {outs:?}"
    );
    for rs in [1u32, 2, 3] {
        let mut h = ntx_verif::verilator::backend::create_random_init(
            Tcdm::new(ntx_verif::softclear::MEM_BYTES, 0),
            rs,
        )
        .unwrap();
        let s = seed() ^ (rs as u64) << 32;
        for i in 0..300 {
            run_trial(&mut h, trial_seed(s, i)).unwrap_or_else(|e| {
                panic!("random init seed {rs}, trial {i} of campaign seed {s}: {e}")
            });
        }
    }
}
