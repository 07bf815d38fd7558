//! NTX RTL (hw/src/ntx.rs) against the golden model: reference job files,
//! random jobs under random grant stalls (proptest), back-to-back jobs,
//! invalid commands, soft clear, register reads, the Verilog flow and a
//! VCD of a MAC job.

use ntx_hw::ntx::Ntx;
use ntx_verif::backend::{run_job, RunLimits};
use ntx_verif::cases::{diff_mem, reference_cycles};
use ntx_verif::jobfile;
use ntx_verif::rtl::RtlBackend;
use rust_hdl::prelude::Block;
use std::path::PathBuf;

fn cases_dir() -> PathBuf {
    ntx_verif::cases::shipped_ref_cases()
}

#[test]
fn ntx_reference_cases() {
    let dir = cases_dir();
    let cases = jobfile::find_cases(&dir).expect("reference cases");
    assert!(!cases.is_empty(), "no reference cases in {}", dir.display());
    let mut failed = vec![];
    for case in &cases {
        let job = jobfile::read_job(&case.job).unwrap();
        let ini = jobfile::read_mem(&case.ini, 512 * 1024, 0x5555_5555).unwrap();
        let exp = jobfile::read_mem(&case.exp, 512 * 1024, 0x5555_5555).unwrap();
        let mut be = RtlBackend::new(ini.clone());
        let rep = run_job(&mut be, &job, &ini, &RunLimits::default()).unwrap();
        let diffs = diff_mem(&rep.mem, &exp);
        let refc = reference_cycles(&case.id)
            .map(|c| c.to_string())
            .unwrap_or("-".into());
        println!(
            "case {} {:<24} steps {:>6} cycles {:>6} reference {:>6} {}",
            case.id,
            job.name,
            rep.steps,
            rep.cycles.unwrap(),
            refc,
            if diffs.is_empty() {
                "ok".to_string()
            } else {
                format!(
                    "{} diffs, first {:x?}",
                    diffs.len(),
                    &diffs[..diffs.len().min(3)]
                )
            }
        );
        if !diffs.is_empty() {
            failed.push(case.id.clone());
        }
    }
    assert!(failed.is_empty(), "cases with wrong memory: {failed:?}");
}

/// Tool flow of the NTX top: Verilator lint, Icarus compile, Yosys
/// synthesis without latches.
#[test]
fn ntx_verilog_flow() {
    let mut uut = ntx_hw::ntx::Ntx::default();
    uut.connect_all();
    let v = rust_hdl::prelude::generate_verilog(&uut);
    let rep = ntx_verif::flow::check_block("ntx", &v).unwrap();
    println!("ntx: {rep:?}");
    assert_eq!(rep.latches, 0);
    assert!(rep.flip_flops > 1000);
}

// ---------------------------------------------------------------------------
// Random jobs against the golden model

use ntx_hw::params::regs;
use ntx_verif::backend::{Backend, ModelBackend};
use ntx_verif::model::job::{Command, Job};
use ntx_verif::model::mem::Tcdm;
use proptest::prelude::*;

use crate::random_jobs::{job_strategy_with, make_mem, FILL, MEM_BYTES};

fn word_strategy() -> impl Strategy<Value = u32> {
    prop_oneof![
        // ordinary numbers around 1
        (any::<bool>(), 120u32..135, 0u32..(1 << 23))
            .prop_map(|(s, e, m)| (s as u32) << 31 | e << 23 | m),
        // a few values so that equalities and ties happen
        prop::sample::select(vec![
            0x0000_0000u32,
            0x8000_0000,
            0x3F80_0000,
            0xBF80_0000,
            0x4000_0000,
            0x7F80_0000,
            0xFF80_0000,
            0x7FC0_0000,
            0x0000_0001,
            0x0000_0003,
            0x7F7F_FFFF,
            0x0040_0000,
        ]),
        // small integers (MASK counter compare, idx)
        0u32..8,
        any::<u32>(),
    ]
}

fn job_strategy() -> impl Strategy<Value = (Job, Vec<(u32, u32)>)> {
    job_strategy_with(word_strategy())
}

fn model_run(jobs: &[Job], mem: &Tcdm) -> (Tcdm, u32) {
    let mut mb = ModelBackend::new(mem.clone());
    for job in jobs {
        for (w, v) in job.staging_writes() {
            mb.write_reg(w, v).unwrap();
        }
        mb.write_reg(regs::CMD, job.cmd).unwrap();
    }
    let irq = mb.read_reg(regs::IRQ).unwrap();
    (mb.read_mem(), irq)
}

/// Stage and commit every job without waiting in between (the core stages
/// job N+1 while job N runs), then wait for idle. Returns (memory, IRQ, cycles).
fn rtl_run(be: &mut RtlBackend, jobs: &[Job]) -> Result<(Tcdm, u32, u64), String> {
    let t0 = be.cycles().unwrap();
    for job in jobs {
        for (w, v) in job.staging_writes() {
            be.write_reg(w, v).map_err(|e| e.0)?;
        }
        be.write_reg(regs::CMD, job.cmd).map_err(|e| e.0)?;
    }
    let total: u64 = jobs.iter().map(|j| j.steps()).sum();
    be.wait_idle(2000 + 100 * total).map_err(|e| e.0)?;
    let cyc = be.cycles().unwrap() - t0;
    let irq = be.read_reg(regs::IRQ).unwrap();
    Ok((be.read_mem(), irq, cyc))
}

fn describe(jobs: &[Job], mem: &[(u32, u32)], stall: [f64; 2], seed: u64) -> String {
    let mut s = format!("stall {stall:?} seed {seed}\n");
    for j in jobs {
        s += &jobfile::format_job(j);
        s += "\n";
    }
    s += "memory (word address, value):\n";
    for (a, d) in mem {
        s += &format!("0x{:08X} 0x{d:08X}\n", a * 4);
    }
    s
}

fn check_jobs(jobs: &[Job], words: &[(u32, u32)], stall: [f64; 2], seed: u64) {
    let mem = make_mem(words);
    let (exp, exp_irq) = model_run(jobs, &mem);
    let mut be = RtlBackend::with_stalls(mem, stall, seed);
    match rtl_run(&mut be, jobs) {
        Ok((got, irq, _)) => {
            let d = diff_mem(&got, &exp);
            if !d.is_empty() || irq != exp_irq {
                panic!(
                    "RTL differs from the model: {} words, first (byte addr, got, expected) {:x?}; IRQ {irq:#x} vs {exp_irq:#x}\n{}",
                    d.len(),
                    &d[..d.len().min(6)],
                    describe(jobs, words, stall, seed)
                );
            }
        }
        Err(e) => panic!("{e}\n{}", describe(jobs, words, stall, seed)),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]
    #[test]
    fn ntx_random_jobs_match_model(
        (job, words) in job_strategy(),
        s0 in 0u32..10, s1 in 0u32..10, seed in any::<u64>(),
    ) {
        check_jobs(&[job], &words, [s0 as f64 / 10.0, s1 as f64 / 10.0], seed);
    }

}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]
    #[test]
    fn ntx_back_to_back_random_jobs(
        (j1, words) in job_strategy(),
        (j2, _) in job_strategy(),
        (j3, _) in job_strategy(),
        s0 in 0u32..10, s1 in 0u32..10, seed in any::<u64>(),
    ) {
        check_jobs(&[j1, j2, j3], &words, [s0 as f64 / 10.0, s1 as f64 / 10.0], seed);
    }
}

// ---------------------------------------------------------------------------
// Directed tests

/// Every opcode x aux x polarity x init_sel on small 2-level nests with
/// varying levels, under random stalls, against the model.
#[test]
fn ntx_all_command_combinations() {
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(0x5EED);
    let palette = [
        0x3F80_0000u32,
        0xC000_0000,
        0x0000_0000,
        0x8000_0000,
        0x7F80_0000,
        0x4040_0000,
        2,
        0x3F00_0000,
    ];
    let mut n = 0;
    for op in 0u8..9 {
        for aux in 0u8..8 {
            for pol in [false, true] {
                for sel in 0u8..4 {
                    let outer = 2;
                    let init = (aux % 3).min(outer);
                    let inner = (sel % 2).min(init);
                    let cmd = Command {
                        opcode: op,
                        init_level: init,
                        inner_level: inner,
                        outer_level: outer,
                        init_sel: sel,
                        aux,
                        irq_cfg: (n % 3) as u8,
                        polarity: pol,
                    };
                    let job = Job {
                        name: format!("combo_{op}_{aux}_{pol}_{sel}"),
                        cmd: cmd.encode(),
                        loop_end: [2, 1, 0, 0, 0],
                        base: [4000, 4040, 4080],
                        stride: [
                            [4, 4, 0, 0, 0],
                            [4, -8, 0, 0, 0],
                            [4 * (n % 2), -4, 0, 0, 0],
                        ],
                    };
                    let words: Vec<(u32, u32)> = (990..1040)
                        .map(|a| {
                            (
                                a,
                                if rng.gen_bool(0.5) {
                                    palette[rng.gen_range(0..8)]
                                } else {
                                    rng.gen_range(0x3E00_0000..0x4100_0000)
                                        | (rng.gen::<u32>() & 0x8000_0000)
                                },
                            )
                        })
                        .collect();
                    let stall = [
                        rng.gen_range(0..10) as f64 / 10.0,
                        rng.gen_range(0..10) as f64 / 10.0,
                    ];
                    check_jobs(&[job], &words, stall, n as u64);
                    n += 1;
                }
            }
        }
    }
    assert_eq!(n, 576);
}

/// Stores that alias later reads: VADDSUB C = A + C with a C stride of 0
/// (every element reads the C the previous one wrote), MAC with init_sel 2,
/// and a job that reads what the previous job wrote.
#[test]
fn ntx_store_read_aliasing() {
    let words: Vec<(u32, u32)> = (1000..1040).map(|a| (a, 0x3F80_0000 + (a << 12))).collect();
    let vadd = Job {
        name: "alias_vaddsub".into(),
        cmd: Command {
            opcode: 1,
            init_sel: 2,
            ..Command::default()
        }
        .encode()
            | (1 << 10),
        loop_end: [15, 0, 0, 0, 0],
        base: [4000, 4040, 4100],
        stride: [[4, 0, 0, 0, 0], [0; 5], [0; 5]],
    };
    let mac = Job {
        name: "alias_mac".into(),
        cmd: Command {
            opcode: 0,
            init_sel: 2,
            outer_level: 1,
            ..Command::default()
        }
        .encode(),
        loop_end: [7, 0, 0, 0, 0],
        base: [4000, 4100, 4100],
        stride: [[4, 0, 0, 0, 0], [4, 0, 0, 0, 0], [0; 5]],
    };
    for stall in [[0.0, 0.0], [0.5, 0.0], [0.0, 0.7], [0.9, 0.9]] {
        check_jobs(std::slice::from_ref(&vadd), &words, stall, 7);
        check_jobs(&[vadd.clone(), mac.clone(), vadd.clone()], &words, stall, 8);
    }
}

/// Invalid opcodes and level orders: STATUS bit3, the command IRQ, nothing
/// executed, halt until a soft clear; then a valid job runs correctly.
#[test]
fn ntx_invalid_command_and_soft_clear() {
    let words: Vec<(u32, u32)> = (1000..1040).map(|a| (a, 0x4000_0000 | a)).collect();
    let good = Job {
        name: "good".into(),
        cmd: Command {
            opcode: 8,
            aux: 1,
            outer_level: 1,
            ..Command::default()
        }
        .encode(),
        loop_end: [7, 0, 0, 0, 0],
        base: [4000, 4000, 4080],
        stride: [[4, 0, 0, 0, 0], [0; 5], [4, 0, 0, 0, 0]],
    };
    let bad_cmds = [
        Command {
            opcode: 9,
            outer_level: 1,
            ..Command::default()
        }
        .encode(),
        Command {
            opcode: 15,
            outer_level: 1,
            ..Command::default()
        }
        .encode(),
        Command {
            opcode: 0,
            inner_level: 1,
            init_level: 0,
            outer_level: 1,
            ..Command::default()
        }
        .encode(),
        Command {
            opcode: 0,
            init_level: 2,
            outer_level: 1,
            ..Command::default()
        }
        .encode(),
        Command {
            opcode: 0,
            outer_level: 6,
            ..Command::default()
        }
        .encode(),
    ];
    for bad in bad_cmds {
        let mem = make_mem(&words);
        let mut be = RtlBackend::with_stalls(mem.clone(), [0.3, 0.3], 3);
        let mut mb = ModelBackend::new(mem.clone());
        let mut bj = good.clone();
        bj.cmd = bad;
        for (w, v) in bj.staging_writes() {
            be.write_reg(w, v).unwrap();
            mb.write_reg(w, v).unwrap();
        }
        be.write_reg(regs::CMD, bad).unwrap();
        mb.write_reg(regs::CMD, bad).unwrap();
        be.step(50);
        let st = be.read_reg(regs::STATUS).unwrap();
        assert_eq!(
            st & 0x1F,
            mb.read_reg(regs::STATUS).unwrap(),
            "STATUS after invalid cmd {bad:#x}"
        );
        assert_ne!(st & 0x8, 0);
        assert_eq!(
            be.read_reg(regs::IRQ).unwrap(),
            mb.read_reg(regs::IRQ).unwrap()
        );
        assert!(be.uut.irq.val());
        assert!(
            diff_mem(&be.read_mem(), &mem).is_empty(),
            "invalid job wrote memory"
        );
        // halted: a new commit waits in the staging area
        for (w, v) in good.staging_writes() {
            be.write_reg(w, v).unwrap();
            mb.write_reg(w, v).unwrap();
        }
        be.write_reg(regs::CMD, good.cmd).unwrap();
        mb.write_reg(regs::CMD, good.cmd).unwrap();
        be.step(50);
        assert!(
            diff_mem(&be.read_mem(), &mem).is_empty(),
            "halted NTX ran a job"
        );
        assert_eq!(be.read_reg(regs::STATUS).unwrap() & 0x1F, 0b11010);
        // soft clear: cancels the committed good job too; a new commit runs
        be.write_reg(regs::CTRL, 1).unwrap();
        mb.write_reg(regs::CTRL, 1).unwrap();
        be.step(50);
        assert_eq!(be.read_reg(regs::STATUS).unwrap() & 0x1F, regs::STATUS_IDLE);
        assert!(
            diff_mem(&be.read_mem(), &mem).is_empty(),
            "the soft clear cancels the committed job"
        );
        be.write_reg(regs::CMD, good.cmd).unwrap();
        mb.write_reg(regs::CMD, good.cmd).unwrap();
        be.wait_idle(5000).unwrap();
        assert_eq!(be.read_reg(regs::STATUS).unwrap() & 0x1F, regs::STATUS_IDLE);
        assert_eq!(
            be.read_reg(regs::IRQ).unwrap(),
            mb.read_reg(regs::IRQ).unwrap()
        );
        let d = diff_mem(&be.read_mem(), &mb.read_mem());
        assert!(d.is_empty(), "after soft clear: {d:x?}");
        assert!(
            !diff_mem(&be.read_mem(), &mem).is_empty(),
            "the good job wrote nothing"
        );
    }
}

/// Register reads (STATUS, CTRL, CMD, IRQ, staging area) equal the model's
/// after random writes; RW1C IRQ; priority output follows CTRL bits 2:1.
#[test]
fn ntx_register_reads() {
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    let mem = Tcdm::new(MEM_BYTES, FILL);
    let mut be = RtlBackend::new(mem.clone());
    let mut mb = ModelBackend::new(mem);
    for _ in 0..300 {
        let w = rng.gen_range(4..=regs::STAGING_LAST);
        let v = rng.gen::<u32>();
        be.write_reg(w, v).unwrap();
        mb.write_reg(w, v).unwrap();
    }
    let ctrl = 0b110;
    be.write_reg(regs::CTRL, ctrl).unwrap();
    mb.write_reg(regs::CTRL, ctrl).unwrap();
    assert_eq!(be.uut.tcdm_prio.val().to_u32(), 3);
    for w in 0..32 {
        if w == regs::CMD {
            continue;
        }
        assert_eq!(
            be.read_reg(w).unwrap(),
            mb.read_reg(w).unwrap(),
            "register {w:#x}"
        );
    }
    assert_eq!(be.read_reg(regs::STATUS).unwrap(), regs::STATUS_IDLE);
    // a MAC job with the command IRQ, then RW1C
    let job = Job {
        name: "irq".into(),
        cmd: Command {
            opcode: 0,
            outer_level: 1,
            irq_cfg: 1,
            ..Command::default()
        }
        .encode(),
        loop_end: [3, 0, 0, 0, 0],
        base: [0, 16, 32],
        stride: [[4, 0, 0, 0, 0], [4, 0, 0, 0, 0], [0; 5]],
    };
    for (w, v) in job.staging_writes() {
        be.write_reg(w, v).unwrap();
    }
    be.write_reg(regs::CMD, job.cmd).unwrap();
    assert_eq!(be.read_reg(regs::CMD).unwrap(), job.cmd);
    be.wait_idle(1000).unwrap();
    assert_eq!(be.read_reg(regs::IRQ).unwrap(), 0b10);
    assert!(be.uut.irq.val());
    be.write_reg(regs::IRQ, 0b01).unwrap();
    assert_eq!(be.read_reg(regs::IRQ).unwrap(), 0b10);
    be.write_reg(regs::IRQ, 0b10).unwrap();
    assert_eq!(be.read_reg(regs::IRQ).unwrap(), 0);
    assert!(!be.uut.irq.val());
}

fn mac_job(len: u16, base: u32) -> Job {
    Job {
        name: "mac".into(),
        cmd: Command {
            opcode: 0,
            init_level: 1,
            inner_level: 1,
            outer_level: 1,
            init_sel: 3,
            ..Command::default()
        }
        .encode(),
        loop_end: [len - 1, 0, 0, 0, 0],
        base: [base, base + 4 * len as u32, base + 8 * len as u32],
        stride: [[4, 0, 0, 0, 0], [4, 0, 0, 0, 0], [0; 5]],
    }
}

/// Back-to-back jobs: the core stages job N+1 while job N runs. Prints the
/// gap between jobs: cycles of two queued jobs minus twice one job, and the
/// longest stretch without a read request between the first and the last read.
#[test]
fn ntx_back_to_back_gap() {
    let words: Vec<(u32, u32)> = (0..1200).map(|a| (a, 0x3F80_0000 + (a << 8))).collect();
    let single = {
        let mut be = RtlBackend::new(make_mem(&words));
        rtl_run(&mut be, &[mac_job(200, 0)]).unwrap().2
    };
    let jobs = [mac_job(200, 0), mac_job(200, 0)];
    let mem = make_mem(&words);
    let mut be = RtlBackend::new(mem.clone());
    let activity = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let act2 = activity.clone();
    be.on_cycle = Some(Box::new(move |u: &Ntx, _| {
        // read requests only: the final write trails the last read by the FMAC latency
        act2.borrow_mut()
            .push(u.tcdm.iter().any(|t| t.req.val() && !t.we.val()));
    }));
    let (got, _, both) = rtl_run(&mut be, &jobs).unwrap();
    assert!(diff_mem(&got, &model_run(&jobs, &mem).0).is_empty());
    let act = activity.borrow();
    let first = act.iter().position(|&a| a).unwrap();
    let last = act.iter().rposition(|&a| a).unwrap();
    let (mut gap, mut run) = (0, 0);
    for &a in &act[first..=last] {
        run = if a { 0 } else { run + 1 };
        gap = gap.max(run);
    }
    println!("single MAC job of 200: {single} cycles; two back-to-back: {both} cycles; extra {} ; longest stretch without a read request between the first and the last read: {gap} cycles", both as i64 - single as i64);
    assert!(both < 2 * single, "no overlap between jobs");
    assert!(gap <= 8, "idle gap {gap}");
}

// ---------------------------------------------------------------------------
// Waveform of a MAC job

type Getter = Box<dyn Fn(&Ntx) -> u64>;

fn probes() -> Vec<(&'static str, &'static str, u32, Getter)> {
    fn b(x: bool) -> u64 {
        x as u64
    }
    let mut p: Vec<(&'static str, &'static str, u32, Getter)> = vec![
        ("regs", "req", 1, Box::new(|u| b(u.regs.req.val()))),
        ("regs", "we", 1, Box::new(|u| b(u.regs.we.val()))),
        ("regs", "addr", 7, Box::new(|u| u.regs.addr.val().to_u64())),
        (
            "regs",
            "wdata",
            32,
            Box::new(|u| u.regs.wdata.val().to_u64()),
        ),
        ("regs", "gnt", 1, Box::new(|u| b(u.regs.gnt.val()))),
        (
            "regs",
            "rdata",
            32,
            Box::new(|u| u.regs.rdata.val().to_u64()),
        ),
        ("regs", "irq", 1, Box::new(|u| b(u.irq.val()))),
    ];
    for (k, s) in ["tcdm0", "tcdm1"].into_iter().enumerate() {
        let t: [(&'static str, u32, Getter); 7] = [
            ("req", 1, Box::new(move |u| b(u.tcdm[k].req.val()))),
            ("gnt", 1, Box::new(move |u| b(u.tcdm[k].gnt.val()))),
            ("we", 1, Box::new(move |u| b(u.tcdm[k].we.val()))),
            ("addr", 32, Box::new(move |u| u.tcdm[k].addr.val().to_u64())),
            (
                "wdata",
                32,
                Box::new(move |u| u.tcdm[k].wdata.val().to_u64()),
            ),
            ("r_valid", 1, Box::new(move |u| b(u.tcdm[k].r_valid.val()))),
            (
                "r_rdata",
                32,
                Box::new(move |u| u.tcdm[k].r_rdata.val().to_u64()),
            ),
        ];
        p.extend(t.into_iter().map(|(n, w, g)| (s, n, w, g)));
    }
    let rest: Vec<(&'static str, &'static str, u32, Getter)> = vec![
        ("dag", "init", 1, Box::new(|u| b(u.dag.init.val()))),
        ("dag", "step", 1, Box::new(|u| b(u.dag.step.val()))),
        ("dag", "first", 6, Box::new(|u| u.dag.first.val().to_u64())),
        ("dag", "last", 6, Box::new(|u| u.dag.last.val().to_u64())),
        ("dag", "done", 1, Box::new(|u| b(u.dag.done.val()))),
        ("dag", "addr0", 18, Box::new(|u| u.dag.addr0.val().to_u64())),
        ("dag", "addr1", 18, Box::new(|u| u.dag.addr1.val().to_u64())),
        ("dag", "addr2", 18, Box::new(|u| u.dag.addr2.val().to_u64())),
        (
            "fmac",
            "in_valid",
            1,
            Box::new(|u| b(u.fmac.in_valid.val())),
        ),
        ("fmac", "op_a", 32, Box::new(|u| u.fmac.op_a.val().to_u64())),
        ("fmac", "op_b", 32, Box::new(|u| u.fmac.op_b.val().to_u64())),
        ("fmac", "load", 1, Box::new(|u| b(u.fmac.load.val()))),
        ("fmac", "norm", 1, Box::new(|u| b(u.fmac.norm.val()))),
        (
            "fmac",
            "out_valid",
            1,
            Box::new(|u| b(u.fmac.out_valid.val())),
        ),
        (
            "fmac",
            "result",
            32,
            Box::new(|u| u.fmac.result.val().to_u64()),
        ),
        ("ctrl", "act_valid", 1, Box::new(|u| b(u.act_valid.q.val()))),
        ("ctrl", "sb_hit", 1, Box::new(|u| b(u.gen.sb_hit.val()))),
        (
            "ctrl",
            "elem_count",
            5,
            Box::new(|u| u.ef.count.val().to_u64()),
        ),
        (
            "ctrl",
            "wq_count",
            5,
            Box::new(|u| u.wq.count.val().to_u64()),
        ),
    ];
    p.extend(rest);
    let cnt: [(&'static str, Getter); 5] = [
        ("cnt0", Box::new(|u: &Ntx| u.dag.cnt[0].q.val().to_u64())),
        ("cnt1", Box::new(|u: &Ntx| u.dag.cnt[1].q.val().to_u64())),
        ("cnt2", Box::new(|u: &Ntx| u.dag.cnt[2].q.val().to_u64())),
        ("cnt3", Box::new(|u: &Ntx| u.dag.cnt[3].q.val().to_u64())),
        ("cnt4", Box::new(|u: &Ntx| u.dag.cnt[4].q.val().to_u64())),
    ];
    for (n, g) in cnt {
        p.push(("dag", n, 16, g));
    }
    p
}

/// Writes `waves/ntx_mac.vcd`: reference case job0000 (MAC reduction of
/// 100) with the register programming, one sample per cycle. Open it with
/// `gtkwave waves/ntx_mac.vcd waves/ntx.gtkw`.
#[test]
fn ntx_mac_vcd() {
    use std::io::Write;
    let dir = cases_dir();
    let job = jobfile::read_job(&dir.join("job0000.txt")).unwrap();
    let ini = jobfile::read_mem(&dir.join("ini0000.txt"), 512 * 1024, 0x5555_5555).unwrap();
    let exp = jobfile::read_mem(&dir.join("exp0000.txt"), 512 * 1024, 0x5555_5555).unwrap();
    let samples = std::rc::Rc::new(std::cell::RefCell::new(Vec::<Vec<u64>>::new()));
    let pr = probes();
    let s2 = samples.clone();
    let pr2 = probes();
    let mut be = RtlBackend::new(ini.clone());
    be.on_cycle = Some(Box::new(move |u: &Ntx, _| {
        s2.borrow_mut().push(pr2.iter().map(|p| (p.3)(u)).collect());
    }));
    let rep = run_job(&mut be, &job, &ini, &RunLimits::default()).unwrap();
    assert!(diff_mem(&rep.mem, &exp).is_empty());
    // generated waves go under target/ (`target/waves/`, or $NTX_WAVES_DIR)
    let path = ntx_verif::runctl::tool_dir("NTX_WAVES_DIR", "waves");
    std::fs::create_dir_all(&path).unwrap();
    let file = std::fs::File::create(path.join("ntx_mac.vcd")).unwrap();
    let mut w = vcd::Writer::new(std::io::BufWriter::new(file));
    w.timescale(1, vcd::TimescaleUnit::NS).unwrap();
    w.add_module("ntx").unwrap();
    let clk = w.add_wire(1, "clock").unwrap();
    let mut ids = vec![];
    let mut scope = "";
    for (s, n, width, _) in &pr {
        if *s != scope {
            if !scope.is_empty() {
                w.upscope().unwrap();
            }
            w.add_module(s).unwrap();
            scope = s;
        }
        ids.push(w.add_wire(*width, n).unwrap());
    }
    w.upscope().unwrap();
    w.upscope().unwrap();
    w.enddefinitions().unwrap();
    let samples = samples.borrow();
    let mut prev: Option<&Vec<u64>> = None;
    for (t, row) in samples.iter().enumerate() {
        w.timestamp(10 * t as u64).unwrap();
        w.change_scalar(clk, vcd::Value::V1).unwrap();
        for (i, v) in row.iter().enumerate() {
            if prev.is_none_or(|p| p[i] != *v) {
                let width = pr[i].2;
                if width == 1 {
                    w.change_scalar(ids[i], *v != 0).unwrap();
                } else {
                    w.change_vector(ids[i], (0..width).rev().map(|k| ((v >> k) & 1 != 0).into()))
                        .unwrap();
                }
            }
        }
        prev = Some(row);
        w.timestamp(10 * t as u64 + 5).unwrap();
        w.change_scalar(clk, vcd::Value::V0).unwrap();
    }
    w.flush().unwrap();
    drop(w);
    let text = std::fs::read_to_string(path.join("ntx_mac.vcd")).unwrap();
    assert!(text.contains("$scope module dag $end") && text.contains("addr0"));
    let _ = std::io::stdout().flush();
    println!(
        "wrote waves/ntx_mac.vcd: {} cycles, {} bytes",
        samples.len(),
        text.len()
    );
}

// ---------------------------------------------------------------------------
// Long streams: fill the request/response FIFOs, the scoreboard and the
// write queue under random stalls.

fn long_job_strategy() -> impl Strategy<Value = (Job, Vec<(u32, u32)>)> {
    (
        (0u8..9, 0u8..8, any::<bool>(), 0u8..4),
        (20u16..200, 0u16..3, any::<bool>(), any::<bool>()),
        prop::array::uniform3(prop_oneof![Just(0i32), Just(1), Just(-1), Just(2)]),
        prop::collection::vec(word_strategy(), 512),
    )
        .prop_map(
            |((op, aux, pol, sel), (n0, n1, store_inner, init_inner), s0, data)| {
                let outer = if n1 > 0 { 2 } else { 1 };
                let init = if init_inner { 0 } else { outer.min(1) };
                let inner = if store_inner { 0 } else { init };
                let cmd = Command {
                    opcode: op,
                    init_level: init,
                    inner_level: inner,
                    outer_level: outer,
                    init_sel: sel,
                    aux,
                    irq_cfg: 2,
                    polarity: pol,
                };
                let job = Job {
                    name: "long".into(),
                    cmd: cmd.encode(),
                    loop_end: [n0, n1, 0, 0, 0],
                    base: [4 * 1000, 4 * 1200, 4 * 1300],
                    stride: [
                        [4 * s0[0], 4, 0, 0, 0],
                        [4 * s0[1], -4, 0, 0, 0],
                        [4 * s0[2], 4, 0, 0, 0],
                    ],
                };
                let mem = data
                    .iter()
                    .enumerate()
                    .map(|(i, &d)| (900 + i as u32, d))
                    .collect();
                (job, mem)
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    #[test]
    fn ntx_long_streams_match_model(
        (job, words) in long_job_strategy(),
        s0 in 0u32..10, s1 in 0u32..10, seed in any::<u64>(),
    ) {
        check_jobs(&[job], &words, [s0 as f64 / 10.0, s1 as f64 / 10.0], seed);
    }
}

/// Tool flow of the NTX parts on their own (register interface, TCDM port,
/// store scoreboard, element FIFO).
#[test]
fn ntx_part_flows() {
    for name in ["ntx_regif", "ntx_port", "ntx_scoreboard", "ntx_fifo16x17"] {
        let v = ntx_verif::flow_blocks::verilog(name).unwrap();
        let rep = ntx_verif::flow::check_block(name, &v).unwrap();
        println!("{name}: {rep:?}");
        assert_eq!(rep.latches, 0);
        assert!(rep.cells > 0);
    }
}
