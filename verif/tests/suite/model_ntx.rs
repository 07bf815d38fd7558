//! Register-level golden model: reference cases, register semantics
//! (staging, queue, freeze, STATUS/CTRL/IRQ, soft clear, invalid commands)
//! and job-file error handling.

use ntx_hw::params::regs;
use ntx_verif::backend::{run_job, ModelBackend, RunLimits};
use ntx_verif::cases::{check_dir, run_case};
use ntx_verif::jobfile::{self, find_cases, format_job, parse_job, parse_mem};
use ntx_verif::model::job::{Command, Job};
use ntx_verif::model::mem::Tcdm;
use ntx_verif::model::ntx::{irq, status, NtxModel};
use std::path::Path;

const FILL: u32 = 0x5555_5555;

#[test]
fn reference_cases_pass_on_the_model() {
    let dir = ntx_verif::cases::shipped_ref_cases();
    let cases = find_cases(&dir).unwrap();
    assert!(
        cases.len() >= 17,
        "expected the 17 shipped reference cases in {}, found {}",
        dir.display(),
        cases.len()
    );
    for c in &cases {
        let r = run_case(c, "model", 512 * 1024, FILL, &RunLimits::default()).unwrap();
        assert!(
            r.diffs.is_empty(),
            "case {} ({}) differs: {:x?}",
            c.id,
            r.name,
            &r.diffs[..r.diffs.len().min(8)]
        );
    }
    println!(
        "checked {} reference cases from {}",
        cases.len(),
        dir.display()
    );
}

#[test]
fn bundled_examples_pass_on_the_model() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/jobs");
    let sum = check_dir(&dir, "model", 512 * 1024, FILL, &RunLimits::default()).unwrap();
    assert_eq!(sum.failed, 0);
    assert!(
        sum.passed >= 9,
        "expected the bundled examples, found {}",
        sum.passed
    );
}

fn mac_job() -> Job {
    let cmd = Command {
        opcode: 0,
        init_level: 1,
        inner_level: 1,
        outer_level: 1,
        init_sel: 3,
        irq_cfg: 1,
        ..Default::default()
    };
    Job {
        name: "t".into(),
        cmd: cmd.encode(),
        loop_end: [3, 0, 0, 0, 0],
        base: [0, 16, 32],
        stride: [[4, 0, 0, 0, 0], [4, 0, 0, 0, 0], [0; 5]],
    }
}

fn mem_with(vals: &[(u32, f32)]) -> Tcdm {
    let mut m = Tcdm::new(4096, FILL);
    for &(a, v) in vals {
        m.write(a, v.to_bits());
    }
    m
}

#[test]
fn mac_job_and_irq() {
    let job = mac_job();
    let mut mem = mem_with(&[
        (0, 1.0),
        (1, 2.0),
        (2, 3.0),
        (3, 4.0),
        (4, 1.0),
        (5, 1.0),
        (6, 1.0),
        (7, 0.5),
    ]);
    let mut ntx = NtxModel::new();
    assert_eq!(ntx.status(), regs::STATUS_IDLE);
    for (w, v) in job.staging_writes() {
        assert!(ntx.write_reg(&mut mem, w, v));
    }
    assert!(ntx.write_reg(&mut mem, regs::CMD, job.cmd));
    assert_eq!(f32::from_bits(mem.peek(8).unwrap()), 8.0);
    assert_eq!(ntx.read_reg(regs::IRQ), irq::COMMAND);
    assert!(ntx.irq_line());
    ntx.write_reg(&mut mem, regs::IRQ, irq::COMMAND);
    assert_eq!(ntx.read_reg(regs::IRQ), 0);
    assert!(!ntx.irq_line());
    // Staging registers read back as hardware keeps them: word addresses.
    assert_eq!(ntx.read_reg(regs::AGU1_BASE), 4);
    assert_eq!(ntx.read_reg(regs::AGU0_BASE + 1), 1);
    assert_eq!(ntx.read_reg(regs::LOOP_END), 3);
    assert_eq!(ntx.read_reg(regs::CMD), job.cmd);
}

#[test]
fn invalid_commands_flag_and_execute_nothing() {
    let bad = [
        Command {
            opcode: 9,
            outer_level: 1,
            ..Default::default()
        },
        Command {
            opcode: 15,
            outer_level: 1,
            ..Default::default()
        },
        Command {
            opcode: 0,
            inner_level: 2,
            init_level: 1,
            outer_level: 3,
            ..Default::default()
        },
        Command {
            opcode: 0,
            init_level: 3,
            outer_level: 2,
            ..Default::default()
        },
        Command {
            opcode: 0,
            outer_level: 6,
            ..Default::default()
        },
        Command {
            opcode: 0,
            outer_level: 7,
            init_level: 7,
            inner_level: 7,
            ..Default::default()
        },
    ];
    for cmd in bad {
        assert!(!cmd.is_valid());
        let mut job = mac_job();
        job.cmd = cmd.encode();
        let mut mem = mem_with(&[
            (0, 1.0),
            (1, 0.0),
            (2, 0.0),
            (3, 0.0),
            (4, 1.0),
            (5, 0.0),
            (6, 0.0),
            (7, 0.0),
        ]);
        let before = mem.clone();
        let mut ntx = NtxModel::new();
        for (w, v) in job.staging_writes() {
            ntx.write_reg(&mut mem, w, v);
        }
        ntx.write_reg(&mut mem, regs::CMD, job.cmd);
        assert_eq!(mem, before, "{cmd:?} must not execute");
        let s = ntx.status();
        assert_ne!(s & status::INVALID, 0, "{cmd:?}");
        assert_eq!(s & status::IDLE, 0);
        assert_eq!(ntx.read_reg(regs::IRQ) & irq::COMMAND, irq::COMMAND);
        // Halted: the next command is queued behind it, not run.
        let good = mac_job();
        ntx.write_reg(&mut mem, regs::CMD, good.cmd);
        assert_eq!(mem, before);
        assert_ne!(ntx.status() & status::COMMITTED, 0);
        // Writes to the frozen staging area are refused.
        assert!(!ntx.write_reg(&mut mem, regs::LOOP_END, 5));
        assert!(!ntx.write_reg(&mut mem, regs::CMD, good.cmd));
        // Soft clear recovers and cancels the committed job too (the
        // soft-clear contract: every job committed before it); a new
        // commit then runs.
        assert!(ntx.write_reg(&mut mem, regs::CTRL, 1));
        assert_eq!(ntx.status(), regs::STATUS_IDLE);
        assert_eq!(ntx.read_reg(regs::CTRL), 0, "soft clear clears CTRL itself");
        assert_eq!(mem, before, "the soft clear cancelled the committed job");
        assert!(ntx.write_reg(&mut mem, regs::CMD, good.cmd));
        assert_eq!(f32::from_bits(mem.peek(8).unwrap()), 1.0);
    }
}

#[test]
fn run_job_reports_invalid_and_oversized_jobs() {
    let mut job = mac_job();
    job.cmd = Command {
        opcode: 12,
        outer_level: 1,
        ..Default::default()
    }
    .encode();
    let mem = mem_with(&[]);
    let mut be = ModelBackend::new(mem.clone());
    let e = run_job(&mut be, &job, &mem, &RunLimits::default()).unwrap_err();
    assert!(e.0.contains("invalid"), "{e}");
    let mut huge = mac_job();
    huge.loop_end = [65535; 5];
    huge.cmd = Command {
        outer_level: 5,
        init_level: 5,
        inner_level: 5,
        ..Default::default()
    }
    .encode();
    let e = run_job(
        &mut ModelBackend::new(mem.clone()),
        &huge,
        &mem,
        &RunLimits::default(),
    )
    .unwrap_err();
    assert!(e.0.contains("steps"), "{e}");
}

#[test]
fn out_of_range_addresses_are_errors_not_panics() {
    let mut job = mac_job();
    job.base[2] = 0xF_FFFC; // last word of the 1 MiB AGU space, beyond 4 KiB
    let mem = mem_with(&[]);
    let e = run_job(
        &mut ModelBackend::new(mem.clone()),
        &job,
        &mem,
        &RunLimits::default(),
    )
    .unwrap_err();
    assert!(e.0.contains("outside"), "{e}");
}

#[test]
fn priority_and_ctrl() {
    let mut mem = mem_with(&[]);
    let mut ntx = NtxModel::new();
    ntx.write_reg(&mut mem, regs::CTRL, 0b100);
    assert_eq!(ntx.priority(), 2);
    assert_eq!(ntx.read_reg(regs::CTRL), 0b100);
}

#[test]
fn job_file_round_trip_and_errors() {
    let job = mac_job();
    let text = format_job(&job);
    let f = Path::new("job.txt");
    assert_eq!(parse_job(&text, f).unwrap(), job);
    let cases: &[(&str, &str)] = &[
        ("name\n", "missing line 2"),
        (
            "name\nXYZ\n1 2 3 4 5\n0 0 0\n0 0 0 0 0\n0 0 0 0 0\n0 0 0 0 0\n",
            ":2: bad command word",
        ),
        (
            "name\n1\n1 2 3 4\n0 0 0\n0 0 0 0 0\n0 0 0 0 0\n0 0 0 0 0\n",
            ":3: expected 5",
        ),
        (
            "name\n1\n1 2 3 4 70000\n0 0 0\n0 0 0 0 0\n0 0 0 0 0\n0 0 0 0 0\n",
            ":3: loop end 4",
        ),
        (
            "name\n1\n1 2 3 4 5\n0 x 0\n0 0 0 0 0\n0 0 0 0 0\n0 0 0 0 0\n",
            ":4: bad base",
        ),
        (
            "name\n1\n1 2 3 4 5\n0 0 0\n0 0 0 0 0\n0 0 0 0 0\n",
            "missing line 7",
        ),
        (
            "name\n1\n1 2 3 4 5\n0 0 0\n0 0 0 0 0\n0 0 0 0 0\n0 0 0 0 0\nextra\n",
            ":8: unexpected",
        ),
    ];
    for (t, want) in cases {
        let e = parse_job(t, f).unwrap_err().to_string();
        assert!(e.contains(want), "{t:?}: {e}");
        assert!(e.starts_with("job.txt"), "{e}");
    }
    let m = Path::new("mem.txt");
    let mem_errs: &[(&str, &str)] = &[
        ("0x0 0x1 0x2\n", ":1: expected"),
        ("0x0\n", ":1: expected"),
        ("0x2 0x1\n", ":1: address 0x00000002 is not word aligned"),
        (
            "0x00000000 0x1\n0x1000 0x1\n",
            ":2: address 0x00001000 is outside",
        ),
        ("0x0 zz\n", ":1: bad data word"),
        ("12 0x1\n", ":1: bad address"),
    ];
    for (t, want) in mem_errs {
        let e = parse_mem(t, m, 4096, 0).unwrap_err().to_string();
        assert!(e.contains(want), "{t:?}: {e}");
    }
    let mem = parse_mem("0x4 0xdeadbeef\n\n0x0 0x55555555\n", m, 4096, FILL).unwrap();
    assert_eq!(jobfile::format_mem(&mem), "0x00000004 0xdeadbeef\n");
}

/// The conv and matvec examples against a direct f64 computation (the
/// model truncates once per output, so agreement is within 2 ulp-ish).
#[test]
fn examples_compute_what_their_names_say() {
    use ntx_verif::examples::{initial_memory, jobs};
    let ini = initial_memory();
    let rd = |m: &Tcdm, byte: u32| f32::from_bits(m.peek(byte / 4).unwrap()) as f64;
    let run = |name: &str| {
        let job = jobs().into_iter().find(|j| j.name == name).unwrap();
        let mut be = ModelBackend::new(ini.clone());
        run_job(&mut be, &job, &ini, &RunLimits::default())
            .unwrap()
            .mem
    };
    let close = |got: f64, want: f64| (got - want).abs() <= 1e-5 * want.abs().max(1.0);
    let out = run("conv3x3_2ch_MAC");
    for oy in 0..6 {
        for ox in 0..6 {
            let mut s = 0.0;
            for c in 0..2 {
                for ky in 0..3 {
                    for kx in 0..3 {
                        s += rd(&ini, 0x1000 + 4 * (c * 64 + (oy + ky) * 8 + ox + kx))
                            * rd(&ini, 0x2000 + 4 * (c * 9 + ky * 3 + kx));
                    }
                }
            }
            let got = rd(&out, 0x3000 + 4 * (oy * 6 + ox));
            assert!(close(got, s), "conv out ({oy},{ox}): {got} vs {s}");
        }
    }
    let out = run("matvec_bias_relu_MAC");
    for i in 0..10 {
        let mut s = rd(&ini, 0x3000 + 4 * i);
        for j in 0..20 {
            s += rd(&ini, 0x1000 + 4 * (i * 20 + j)) * rd(&ini, 0x2000 + 4 * j);
        }
        let got = rd(&out, 0x3000 + 4 * i);
        assert!(close(got, s.max(0.0)), "matvec row {i}: {got} vs {s}");
    }
}

/// The bundled example files are what `ntx gen-examples` writes today.
#[test]
fn bundled_examples_are_current() {
    let dir = std::env::temp_dir().join(format!("ntx-examples-{}", std::process::id()));
    let n = ntx_verif::examples::write_examples(&dir).unwrap();
    let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/jobs");
    for kind in ["job", "ini", "exp"] {
        for i in 0..n {
            let f = format!("{kind}{i:04}.txt");
            let a = std::fs::read_to_string(dir.join(&f)).unwrap();
            let b = std::fs::read_to_string(bundled.join(&f)).unwrap();
            assert!(
                a == b,
                "{f} is stale: run `ntx gen-examples --out verif/examples/jobs`"
            );
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}
