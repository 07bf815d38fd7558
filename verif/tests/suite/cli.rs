//! The `ntx` command line: runs jobs, checks cases, and turns bad input into
//! a clear error message and a failing exit code (never a panic or a hang).

use std::path::Path;
use std::process::Command;

fn ntx(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ntx"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

fn examples() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/jobs")
}

fn tmp(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("ntx-cli-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d.join(name)
}

#[test]
fn run_job_writes_the_expected_memory() {
    let ex = examples();
    let out = tmp("out0000.txt");
    let (ok, stdout, stderr) = ntx(&[
        "run-job",
        "--job",
        ex.join("job0000.txt").to_str().unwrap(),
        "--mem",
        ex.join("ini0000.txt").to_str().unwrap(),
        "--fill",
        "55555555",
        "--backend",
        "model",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("job=dot_product_MAC opcode=MAC steps=100 backend=model"),
        "{stdout}"
    );
    let got = std::fs::read_to_string(&out).unwrap();
    let want = std::fs::read_to_string(ex.join("exp0000.txt")).unwrap();
    assert_eq!(got, want);
}

#[test]
fn check_cases_counts() {
    let (ok, stdout, _) = ntx(&["check-cases", "--dir", examples().to_str().unwrap()]);
    assert!(ok);
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
}

#[test]
fn bad_input_is_a_clear_error() {
    let ex = examples();
    let bad_job = tmp("bad_job.txt");
    std::fs::write(&bad_job, "x\nnothex\n").unwrap();
    let bad_mem = tmp("bad_mem.txt");
    std::fs::write(&bad_mem, "0x3 0x1\n").unwrap();
    let huge = tmp("huge_job.txt");
    std::fs::write(
        &huge,
        "huge\n00005550\n65535 65535 65535 65535 65535\n0 0 0\n0 0 0 0 0\n0 0 0 0 0\n0 0 0 0 0\n",
    )
    .unwrap();
    let invalid = tmp("invalid_job.txt");
    std::fs::write(
        &invalid,
        "inv\n0000040F\n1 0 0 0 0\n0 0 0\n4 0 0 0 0\n4 0 0 0 0\n0 0 0 0 0\n",
    )
    .unwrap();
    let job0 = ex.join("job0000.txt");
    let ini0 = ex.join("ini0000.txt");
    let out = tmp("o.txt");
    let s = |p: &std::path::PathBuf| p.to_str().unwrap().to_string();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![s(&bad_job), s(&ini0)],
            "bad_job.txt:2: bad command word",
        ),
        (
            vec![s(&job0), s(&bad_mem)],
            "bad_mem.txt:1: address 0x00000003 is not word aligned",
        ),
        (vec![s(&huge), s(&ini0)], "more than the limit"),
        (vec![s(&invalid), s(&ini0)], "invalid"),
        (vec![s(&tmp("missing.txt")), s(&ini0)], "cannot read"),
    ];
    for (files, want) in cases {
        let (ok, _, stderr) = ntx(&[
            "run-job",
            "--job",
            &files[0],
            "--mem",
            &files[1],
            "--out",
            &s(&out),
        ]);
        assert!(!ok, "expected failure for {files:?}");
        assert!(stderr.contains(want), "{files:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    let (ok, _, stderr) = ntx(&[
        "run-job",
        "--job",
        &s(&job0),
        "--mem",
        &s(&ini0),
        "--out",
        &s(&out),
        "--backend",
        "nope",
    ]);
    assert!(!ok && stderr.contains("unknown backend"), "{stderr}");
    let (ok, _, stderr) = ntx(&[
        "run-job",
        "--job",
        &s(&job0),
        "--mem",
        &s(&ini0),
        "--out",
        &s(&out),
        "--fill",
        "xyz",
    ]);
    assert!(!ok && stderr.contains("not a 32-bit hex"), "{stderr}");
}

#[test]
fn cluster_bench_rejects_bad_backend_and_banks() {
    let (ok, _, stderr) = ntx(&[
        "bench",
        "cluster-conv",
        "--banks",
        "32",
        "--backend",
        "icarus",
    ]);
    assert!(
        !ok && stderr.contains("use verilator or rust-hdl"),
        "{stderr}"
    );
    let (ok, _, stderr) = ntx(&["bench", "cluster-conv", "--banks", "7"]);
    assert!(!ok && stderr.contains("--banks must be one of"), "{stderr}");
}

#[test]
fn cluster_verilog_is_written_and_bad_banks_rejected() {
    let dir = tmp("cluster_verilog");
    let d = dir.to_str().unwrap();
    let (ok, _, stderr) = ntx(&["verilog", "--out", d, "--cluster-banks", "7"]);
    assert!(
        !ok && stderr.contains("must be 8, 16, 32 or 64"),
        "{stderr}"
    );
    let (ok, stdout, stderr) = ntx(&["verilog", "--out", d, "--cluster-banks", "8"]);
    assert!(ok, "{stderr}");
    let v = std::fs::read_to_string(dir.join("cluster.v")).unwrap();
    assert!(stdout.contains("cluster.v") && v.contains("module cluster"));
}
