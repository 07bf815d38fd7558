//! Reliability of the `ntx` CLI on hostile input (issue 17): bounded
//! memory and time on endless inputs, quiet ends on closed or full
//! stdout, output paths checked before simulating and written atomically,
//! duplicate / aliasing / truncated / ignored input fields, every case run
//! by `check-cases`, the hang detector, `--timeout`, Ctrl-C with a
//! resumable soak, and run-time cache/flow locations.
//!
//! Run: `cargo test --release -p ntx-verif --test reliability`
//!
//! A test binary of its own, not a module of `tests/suite`: the memory
//! bounds are `ru_maxrss` of the `ntx` child, and Linux starts a child's
//! high-water mark at its parent's (the mm that `exec` replaces is the
//! parent's under `vfork`/`posix_spawn`), so the parent must stay small.
//! Inside the suite binary, whose other tests hold models of hundreds of
//! MB, every child read about 215 MB.

use ntx_hw::params::regs;
use ntx_verif::backend::{run_job, Backend, RunLimits, HANG_CYCLES};
use ntx_verif::model::job::{Command, Job};
use ntx_verif::model::mem::Tcdm;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command as Proc, Output, Stdio};
use std::time::{Duration, Instant};

fn bin() -> Proc {
    let mut c = Proc::new(env!("CARGO_BIN_EXE_ntx"));
    c.stdin(Stdio::null());
    c
}

/// Wait for `child` at most `limit`; kill it and fail if it takes longer.
fn wait_bounded(mut child: Child, limit: Duration, what: &str) -> Output {
    let t0 = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if t0.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {limit:?} (killed)");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn run(args: &[&str], limit: Duration) -> Output {
    let child = bin()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_bounded(child, limit, &format!("ntx {}", args.join(" ")))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ntx-rel-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/jobs")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Run `ntx args` bounded by `limit`; returns (exit code, stdout,
/// stderr, peak resident set in bytes) measured with `wait4` (which also
/// reaps the child).
#[allow(clippy::zombie_processes)]
fn run_measured(args: &[&str], limit: Duration) -> (Option<i32>, String, String, u64) {
    extern "C" {
        fn wait4(pid: i32, status: *mut i32, options: i32, rusage: *mut i64) -> i32;
    }
    let mut child = bin()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut so = child.stdout.take().unwrap();
    let mut se = child.stderr.take().unwrap();
    let ro = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = std::io::Read::read_to_end(&mut so, &mut v);
        v
    });
    let re = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = std::io::Read::read_to_end(&mut se, &mut v);
        v
    });
    let t0 = Instant::now();
    let (mut st, mut ru) = (0i32, [0i64; 18]);
    loop {
        // SAFETY: valid pointers; WNOHANG = 1; struct rusage fits in ru.
        let r = unsafe { wait4(child.id() as i32, &mut st, 1, ru.as_mut_ptr()) };
        if r == child.id() as i32 {
            break;
        }
        assert!(r == 0, "wait4 failed");
        if t0.elapsed() > limit {
            let _ = child.kill();
            panic!(
                "ntx {}: still running after {limit:?} (killed)",
                args.join(" ")
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let code = (st & 0x7f == 0).then_some((st >> 8) & 0xff);
    // ru_maxrss (KiB) follows two struct timevals. It is at least this
    // process's own high-water mark (see the module doc).
    (
        code,
        text(&ro.join().unwrap()),
        text(&re.join().unwrap()),
        ru[4] as u64 * 1024,
    )
}

fn mkfifo(p: &Path) {
    let ok = Proc::new("mkfifo").arg(p).status().unwrap().success();
    assert!(ok, "mkfifo {}", p.display());
}

/// A writer that never stops: writes `line(i)` for i = 0, 1, ... into the
/// FIFO until the reader goes away.
fn endless_writer(fifo: PathBuf, line: fn(u64) -> String) -> std::thread::JoinHandle<u64> {
    std::thread::spawn(move || {
        let mut f = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
        let mut i = 0u64;
        loop {
            if f.write_all(line(i).as_bytes()).is_err() {
                return i;
            }
            i += 1;
        }
    })
}

const MB200: u64 = 200 << 20;

/// Finding 1: `/dev/zero`, a 10 GB (sparse) file and FIFOs whose writer
/// never stops end with a clear error within seconds and < 200 MB.
#[test]
fn endless_inputs_end_with_an_error_in_bounded_memory() {
    let ex = examples();
    let d = tmpdir("endless");
    let out = d.join("out.txt");
    let job = ex.join("job0000.txt");
    let ini = ex.join("ini0000.txt");
    let limit = Duration::from_secs(20);
    let t0 = Instant::now();
    let mut peak = 0;
    let mut check = |args: &[&str], want: &str| {
        let (code, _, e, rss) = run_measured(args, limit);
        assert_eq!(code, Some(1), "{e}");
        assert!(e.contains(want), "want {want:?}: {e}");
        assert!(rss < MB200, "ntx {}: {rss} bytes", args.join(" "));
        peak = peak.max(rss);
    };
    check(
        &[
            "run-job",
            "--job",
            s(&job),
            "--mem",
            "/dev/zero",
            "--out",
            s(&out),
        ],
        "/dev/zero:1: line longer than",
    );
    check(
        &[
            "run-job",
            "--job",
            "/dev/zero",
            "--mem",
            s(&ini),
            "--out",
            s(&out),
        ],
        "not a job file",
    );
    // a 10 GB file (sparse: zeros)
    let huge = d.join("huge.txt");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(10 << 30)
        .unwrap();
    check(
        &[
            "run-job",
            "--job",
            s(&job),
            "--mem",
            s(&huge),
            "--out",
            s(&out),
        ],
        "line longer than",
    );
    let _ = std::fs::remove_file(&huge);
    // FIFOs whose writer never stops: valid distinct lines (the line limit
    // or the address range ends it), repeated lines (duplicate), blank
    // lines (the line limit), garbage.
    type Feed = (fn(u64) -> String, &'static str);
    let feeds: [Feed; 4] = [
        (
            |i| format!("0x{:08x} 0x3f800000\n", (i * 4) % (1 << 32)),
            "outside the 512 KiB memory",
        ),
        (
            |_| "0x00000010 0x00000001\n".to_string(),
            "appears twice: lines 1 and 2",
        ),
        (|_| "\n".to_string(), "more than 135168 lines"),
        (|_| "y".repeat(1000), "line longer than"),
    ];
    for (k, (feed, want)) in feeds.into_iter().enumerate() {
        let fifo = d.join(format!("fifo{k}"));
        mkfifo(&fifo);
        let w = endless_writer(fifo.clone(), feed);
        check(
            &[
                "run-job",
                "--job",
                s(&job),
                "--mem",
                s(&fifo),
                "--out",
                s(&out),
            ],
            want,
        );
        w.join().unwrap();
    }
    assert!(!out.exists(), "no output file after failed runs");
    println!(
        "endless inputs: all rejected in {:.2} s, peak resident set {} KiB",
        t0.elapsed().as_secs_f64(),
        peak / 1024
    );
}

/// Finding 4: a closed stdout ends quietly with status 141, a full one
/// with an error message and status 1; never a panic.
#[test]
fn closed_or_full_stdout_ends_quietly() {
    let mut child = bin()
        .args(["check-cases", "--dir", s(&examples())])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away before the first line
    let o = wait_bounded(
        child,
        Duration::from_secs(60),
        "check-cases into a closed pipe",
    );
    assert_eq!(o.status.code(), Some(141), "{}", text(&o.stderr));
    assert!(o.stderr.is_empty(), "quiet: {}", text(&o.stderr));
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let ex = examples();
    let out = tmpdir("full").join("o.txt");
    let child = bin()
        .args([
            "run-job",
            "--job",
            s(&ex.join("job0000.txt")),
            "--mem",
            s(&ex.join("ini0000.txt")),
            "--out",
            s(&out),
        ])
        .stdout(Stdio::from(full))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let o = wait_bounded(child, Duration::from_secs(60), "run-job into /dev/full");
    let e = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(
        e.contains("No space left on device") && !e.contains("panicked"),
        "{e}"
    );
}

fn write_job(dir: &Path, id: &str, job: &Job) -> PathBuf {
    let f = dir.join(format!("job{id}.txt"));
    std::fs::write(&f, ntx_verif::jobfile::format_job(job)).unwrap();
    f
}

fn copy_job(len: u16) -> Job {
    Job {
        name: "copy".into(),
        cmd: Command {
            opcode: 8,
            aux: 1,
            outer_level: 1,
            ..Command::default()
        }
        .encode(),
        loop_end: [len - 1, 0, 0, 0, 0],
        base: [0x100, 0x100, 0x400],
        stride: [[4, 0, 0, 0, 0], [0; 5], [4, 0, 0, 0, 0]],
    }
}

/// Finding 5: a word given twice is an error naming both lines; aliasing
/// bases, unaligned bases/strides and ignored command bits are warnings,
/// errors with `--strict`.
#[test]
fn duplicates_are_errors_and_truncations_warnings() {
    let d = tmpdir("fields");
    let out = d.join("out.txt");
    let mem = d.join("mem.txt");
    std::fs::write(&mem, "0x190 0x3f800000\n0x194 0x0\n\n0x190 0x3f800000\n").unwrap();
    let job = write_job(&d, "0000", &copy_job(4));
    let lim = Duration::from_secs(30);
    let o = run(
        &[
            "run-job",
            "--job",
            s(&job),
            "--mem",
            s(&mem),
            "--out",
            s(&out),
        ],
        lim,
    );
    assert!(!o.status.success());
    assert!(
        text(&o.stderr).contains("mem.txt:4: address 0x00000190 appears twice: lines 1 and 4"),
        "{}",
        text(&o.stderr)
    );
    std::fs::write(&mem, "0x100 0x3f800000\n").unwrap();
    let mut j = copy_job(4);
    j.cmd |= 1 << 25;
    j.base[0] = 0x10_0100; // aliases 0x100
    j.base[1] = 0x102;
    j.stride[2][0] = 6;
    let job = write_job(&d, "0001", &j);
    let o = run(
        &[
            "run-job",
            "--job",
            s(&job),
            "--mem",
            s(&mem),
            "--out",
            s(&out),
        ],
        lim,
    );
    let e = text(&o.stderr);
    assert!(o.status.success(), "{e}");
    for want in [
        "job0001.txt:2: command bits 31:21",
        "job0001.txt:4: AGU0 base 0x100100 is at or above 1 MiB",
        "job0001.txt:4: AGU1 base 258 is not word aligned",
        "job0001.txt:7: AGU2 stride 0 = 6 is not a multiple of 4",
    ] {
        assert!(e.contains(want), "missing {want:?} in {e}");
    }
    assert!(e.matches("ntx: warning:").count() == 4, "{e}");
    let o = run(
        &[
            "run-job",
            "--job",
            s(&job),
            "--mem",
            s(&mem),
            "--out",
            s(&out),
            "--strict",
        ],
        lim,
    );
    assert!(!o.status.success());
    assert!(
        text(&o.stderr).contains("(--strict)"),
        "{}",
        text(&o.stderr)
    );
}

/// Finding 6: `--out` is checked before the simulation (a typo costs
/// nothing: this job would run for hours on the RTL) and written
/// atomically (a failed run leaves an existing file alone).
#[test]
fn output_checked_first_and_written_atomically() {
    let d = tmpdir("out");
    let mut j = copy_job(1);
    j.loop_end = [0xFFFF, 0xFF, 0, 0, 0];
    j.cmd = Command {
        opcode: 8,
        aux: 1,
        outer_level: 2,
        ..Command::default()
    }
    .encode();
    let job = write_job(&d, "0000", &j);
    let mem = d.join("mem.txt");
    std::fs::write(&mem, "").unwrap();
    let t0 = Instant::now();
    let o = run(
        &[
            "run-job",
            "--job",
            s(&job),
            "--mem",
            s(&mem),
            "--backend",
            "rtl",
            "--out",
            "/no/such/dir/out.txt",
        ],
        Duration::from_secs(20),
    );
    assert!(!o.status.success());
    assert!(
        text(&o.stderr).contains("folder /no/such/dir does not exist"),
        "{}",
        text(&o.stderr)
    );
    assert!(t0.elapsed() < Duration::from_secs(10));
    // an invalid job fails after the output was opened: the old file stays
    let out = d.join("out.txt");
    std::fs::write(&out, "precious\n").unwrap();
    j.cmd = 0x9 | (1 << 10);
    let bad = write_job(&d, "0001", &j);
    let o = run(
        &[
            "run-job",
            "--job",
            s(&bad),
            "--mem",
            s(&mem),
            "--out",
            s(&out),
        ],
        Duration::from_secs(20),
    );
    assert!(!o.status.success());
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "precious\n");
    let left: Vec<_> = std::fs::read_dir(&d)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
}

/// Finding 6: `check-cases` runs every case, prints `N passed, N failed`
/// and the errors.
#[test]
fn check_cases_runs_every_case_and_summarises() {
    let d = tmpdir("cases");
    let ex = examples();
    for id in ["0000", "0001", "0002"] {
        for k in ["job", "ini", "exp"] {
            std::fs::copy(
                ex.join(format!("{k}0000.txt")),
                d.join(format!("{k}{id}.txt")),
            )
            .unwrap();
        }
    }
    // 0001: expected memory differs; 0002: broken job file
    let exp = std::fs::read_to_string(d.join("exp0001.txt")).unwrap();
    let first = exp.lines().next().unwrap().to_string();
    let (addr, _) = first.split_once(' ').unwrap();
    std::fs::write(
        d.join("exp0001.txt"),
        exp.replacen(&first, &format!("{addr} 0x12345678"), 1),
    )
    .unwrap();
    std::fs::write(d.join("job0002.txt"), "name\nzz\n").unwrap();
    let o = run(&["check-cases", "--dir", s(&d)], Duration::from_secs(60));
    let out = text(&o.stdout);
    assert!(!o.status.success());
    assert!(out.contains("1 passed, 2 failed"), "{out}");
    assert!(out.contains("  case 0001: MISMATCH in 1 words"), "{out}");
    assert!(
        out.contains("  case 0002: ") && out.contains("job0002.txt:2: bad command word"),
        "{out}"
    );
    assert!(text(&o.stderr).contains("2 of 3 case(s) failed"));
}

/// Finding 7: the default `--max-steps` refuses a 2^32-step job at once;
/// `--timeout` ends a long RTL run with status 124.
#[test]
fn time_is_bounded() {
    let d = tmpdir("time");
    let mem = d.join("mem.txt");
    std::fs::write(&mem, "").unwrap();
    let mut j = copy_job(1);
    j.loop_end = [0xFFFF, 0xFFFF, 0, 0, 0];
    j.cmd = Command {
        opcode: 0,
        outer_level: 2,
        ..Command::default()
    }
    .encode();
    let job = write_job(&d, "0000", &j);
    let out = d.join("o.txt");
    let o = run(
        &[
            "run-job",
            "--job",
            s(&job),
            "--mem",
            s(&mem),
            "--out",
            s(&out),
        ],
        Duration::from_secs(10),
    );
    assert!(!o.status.success());
    assert!(
        text(&o.stderr).contains("4294967296 steps, more than the limit of 16777216"),
        "{}",
        text(&o.stderr)
    );
    j.loop_end = [0xFFFF, 0xF, 0, 0, 0]; // 2^20 steps: hours on rust-hdl
    let job = write_job(&d, "0001", &j);
    let t0 = Instant::now();
    let o = run(
        &[
            "run-job",
            "--job",
            s(&job),
            "--mem",
            s(&mem),
            "--out",
            s(&out),
            "--backend",
            "rtl",
            "--timeout",
            "2",
        ],
        Duration::from_secs(30),
    );
    assert_eq!(o.status.code(), Some(124), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("--timeout"), "{}", text(&o.stderr));
    assert!(t0.elapsed() < Duration::from_secs(15));
    assert!(!out.exists());
}

/// Finding 7: the hang detector fires after [`HANG_CYCLES`] cycles
/// without progress (memory that never grants), not after a budget
/// proportional to the job.
#[test]
fn hang_detector_is_based_on_progress() {
    let mem = Tcdm::new(4096, 0);
    let mut be = ntx_verif::verilator::backend::create(mem.clone()).unwrap();
    be.set_grant(Box::new(|_, _| false));
    let mut j = copy_job(100);
    j.loop_end = [0xFFFF, 0xFF, 0, 0, 0]; // 2^24 steps
    j.cmd = Command {
        opcode: 8,
        aux: 1,
        outer_level: 2,
        ..Command::default()
    }
    .encode();
    j.base = [0, 0, 0];
    j.stride = [[0; 5]; 3];
    let c0 = be.cycles().unwrap();
    let e = run_job(&mut be, &j, &mem, &RunLimits::default()).unwrap_err();
    let spent = be.cycles().unwrap() - c0;
    assert!(e.0.contains("hung: no TCDM access"), "{e}");
    assert!(
        spent > HANG_CYCLES && spent < HANG_CYCLES + 1000,
        "{spent} cycles"
    );
    // a soft clear recovers; the same job with granting memory progresses
    be.set_grant(Box::new(|_, _| true));
    be.write_reg(regs::CTRL, 1).unwrap();
    j.loop_end = [999, 0, 0, 0, 0];
    let r = run_job(&mut be, &j, &mem, &RunLimits::default()).unwrap();
    assert_eq!(r.steps, 1000);
}

/// Finding 7: Ctrl-C stops a soak with its summary and state; the same
/// command resumes where it stopped.
#[test]
fn ctrl_c_stops_a_soak_that_resumes() {
    let d = tmpdir("sigint");
    let state = d.join("state.txt");
    let args = [
        "soak",
        "--backend",
        "model",
        "--jobs",
        "100000000",
        "--seed",
        "3",
        "--state",
        s(&state),
    ];
    let child = bin()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    let ok = Proc::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let o = wait_bounded(child, Duration::from_secs(10), "soak after Ctrl-C");
    assert_eq!(o.status.code(), Some(130), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.starts_with("soak backend=model seed=3"), "{out}");
    let st = std::fs::read_to_string(&state).unwrap();
    let next: u64 = st
        .split_whitespace()
        .find_map(|kv| kv.strip_prefix("next="))
        .unwrap()
        .parse()
        .unwrap();
    assert!(next > 0, "{st}");
    let child = bin()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let _ = Proc::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let o = wait_bounded(child, Duration::from_secs(10), "resumed soak");
    assert!(
        text(&o.stderr).contains(&format!("resuming at trial {next}")),
        "{}",
        text(&o.stderr)
    );
}

/// Finding 3: cache and flow folders are decided at run time; the binary
/// holds no path of the checkout it was built in; a read-only cache
/// location gives a message naming the variable.
#[test]
fn tool_folders_are_decided_at_run_time() {
    let exe = std::fs::read(env!("CARGO_BIN_EXE_ntx")).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let needle = root.to_str().unwrap().as_bytes();
    assert!(
        !exe.windows(needle.len()).any(|w| w == needle),
        "the ntx binary contains the checkout path {}",
        root.display()
    );
    let ex = examples();
    let out = tmpdir("ro").join("o.txt");
    let o = bin()
        .args([
            "run-job",
            "--job",
            s(&ex.join("job0000.txt")),
            "--mem",
            s(&ex.join("ini0000.txt")),
            "--out",
            s(&out),
            "--backend",
            "verilator",
        ])
        .env("NTX_VERILATOR_DIR", "/dev/null/cache")
        .output()
        .unwrap();
    let e = text(&o.stderr);
    assert!(!o.status.success());
    assert!(
        e.contains("cannot write the Verilator model cache folder /dev/null/cache")
            && e.contains("set NTX_VERILATOR_DIR"),
        "{e}"
    );
}

/// `ntx soak --shard I/N` splits a campaign: the shards' trials add up to
/// the whole, with the same outcome.
#[test]
fn soak_shards_partition_a_campaign() {
    let count = |args: &[&str]| -> u64 {
        let o = run(args, Duration::from_secs(60));
        let out = text(&o.stdout);
        assert!(o.status.success(), "{out}{}", text(&o.stderr));
        out.split_whitespace()
            .find_map(|kv| kv.strip_prefix("passed="))
            .unwrap()
            .parse()
            .unwrap()
    };
    let base = ["soak", "--backend", "model", "--jobs", "300", "--seed", "9"];
    let whole = count(&base);
    let parts: u64 = (0..3)
        .map(|i| {
            let sh = format!("{i}/3");
            let mut a = base.to_vec();
            a.extend(["--shard", &sh]);
            count(&a)
        })
        .sum();
    assert_eq!((whole, parts), (300, 300));
}

fn put16(f: &mut [u8], o: usize, v: u16) {
    f[o..o + 2].copy_from_slice(&v.to_le_bytes());
}
fn put32(f: &mut [u8], o: usize, v: u32) {
    f[o..o + 4].copy_from_slice(&v.to_le_bytes());
}

/// A valid firmware ELF: one RWX segment at the reset PC holding `j .`
/// (file offset 0x1000); program header 0 at offset 52.
fn looping_elf() -> Vec<u8> {
    use ntx_hw::params::core::RESET_PC;
    let mut f = ntx_verif::model::rv32::elf::write_exec(0x2000, &0x6fu32.to_le_bytes(), RESET_PC);
    put32(&mut f, 52 + 4, 0x1000); // p_offset: the code only
    put32(&mut f, 52 + 8, RESET_PC); // p_vaddr
    put32(&mut f, 52 + 12, RESET_PC); // p_paddr
    put32(&mut f, 52 + 16, 4); // p_filesz
    put32(&mut f, 52 + 20, 4); // p_memsz
    f
}

/// ELF input of `run-elf` (finding 1 for firmware): `/dev/zero`, a 10 GB
/// file, an endless FIFO, truncated headers, 65,535 overlapping program
/// headers (each would allocate 128 KiB), a symbol table of 70,000
/// symbols and symbol names of 27 MB end with a clear error within
/// seconds and < 200 MB; a looping firmware stops at `--timeout`.
#[test]
fn elf_inputs_are_bounded() {
    use ntx_hw::params::core::{L2_BYTES, RESET_PC};
    use ntx_verif::model::rv32::elf::MAX_ELF_BYTES;
    let d = tmpdir("elf");
    let limit = Duration::from_secs(20);
    let mut peak = 0;
    let mut check = |path: &Path, want: &str| {
        let (code, _, e, rss) = run_measured(&["run-elf", "--elf", s(path)], limit);
        assert_eq!(code, Some(1), "{}: {e}", path.display());
        assert!(e.contains(want), "{}: want {want:?}: {e}", path.display());
        assert!(e.contains(s(path)), "error names the file: {e}");
        assert!(rss < MB200, "{}: {rss} bytes", path.display());
        peak = peak.max(rss);
    };
    let t0 = Instant::now();
    check(Path::new("/dev/zero"), "not an ELF file");
    let huge = d.join("huge.elf");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(10 << 30)
        .unwrap();
    check(
        &huge,
        &format!("larger than the {MAX_ELF_BYTES}-byte limit"),
    );
    let _ = std::fs::remove_file(&huge);
    // An endless FIFO: a valid e_ident, then zeros forever.
    let fifo = d.join("fifo.elf");
    mkfifo(&fifo);
    let w = endless_writer(fifo.clone(), |i| {
        if i == 0 {
            "\x7fELF\x01\x01\x01".to_string() + &"\0".repeat(9)
        } else {
            "\0".repeat(4096)
        }
    });
    check(&fifo, &format!("more than the {MAX_ELF_BYTES}-byte limit"));
    w.join().unwrap();
    // Truncated headers.
    let good = looping_elf();
    for (n, want) in [
        (0, "truncated: 0 bytes"),
        (10, "truncated: 10 bytes"),
        (
            30,
            "e_phoff: bytes 0x1c..0x20 lie beyond the end of the file",
        ),
        (60, "program header 0 p_paddr: bytes 0x40..0x44 lie beyond"),
        (0x1002, "p_offset/p_filesz: bytes 0x1000..0x1004 lie beyond"),
    ] {
        let p = d.join(format!("trunc{n}.elf"));
        std::fs::write(&p, &good[..n]).unwrap();
        check(&p, want);
    }
    // 65,535 program headers, all loading the whole L2 (8 GB if allocated).
    let mut f = good.clone();
    let phoff = f.len();
    for i in 0..0xffffu32 {
        let mut h = [0u8; 32];
        put32(&mut h, 0, 1); // PT_LOAD
        put32(&mut h, 12, RESET_PC);
        put32(&mut h, 20, L2_BYTES - (i & 1));
        put32(&mut h, 24, 7);
        f.extend_from_slice(&h);
    }
    put32(&mut f, 28, phoff as u32);
    put16(&mut f, 44, 0xffff);
    let p = d.join("phdrs.elf");
    std::fs::write(&p, &f).unwrap();
    check(&p, "program headers 0 and 1 (PT_LOAD): segments 0x1c000000+0x20000 and 0x1c000000+0x1ffff overlap");
    // Symbol tables: 70,000 symbols; 3 names of 9 MB each.
    for (nsym, name_len, want) in [
        (70_000usize, 1usize, "more than 65536 symbols"),
        (3, 9 << 20, "symbol names longer than 16777216 bytes in all"),
    ] {
        let mut f = good.clone();
        let symoff = f.len();
        for _ in 0..nsym {
            let mut sym = [0u8; 16];
            put32(&mut sym, 0, 1); // st_name: offset 1 of the string table
            f.extend_from_slice(&sym);
        }
        let stroff = f.len();
        f.push(0);
        f.extend(std::iter::repeat_n(b'a', name_len));
        f.push(0);
        let shoff = f.len();
        let mut sh = [0u8; 80];
        put32(&mut sh, 4, 2); // SHT_SYMTAB
        put32(&mut sh, 16, symoff as u32);
        put32(&mut sh, 20, 16 * nsym as u32);
        put32(&mut sh, 24, 1); // sh_link: the string table
        put32(&mut sh, 40 + 4, 3); // SHT_STRTAB
        put32(&mut sh, 40 + 16, stroff as u32);
        put32(&mut sh, 40 + 20, name_len as u32 + 2);
        f.extend_from_slice(&sh);
        put32(&mut f, 32, shoff as u32);
        put16(&mut f, 46, 40);
        put16(&mut f, 48, 2);
        let p = d.join(format!("syms{nsym}.elf"));
        std::fs::write(&p, &f).unwrap();
        check(&p, want);
    }
    let checked = t0.elapsed();
    // The valid looping firmware runs until --timeout (status 124).
    let p = d.join("loop.elf");
    std::fs::write(&p, &good).unwrap();
    let o = run(
        &[
            "run-elf",
            "--elf",
            s(&p),
            "--max-cycles",
            "1000000000000",
            "--timeout",
            "1",
        ],
        limit,
    );
    assert_eq!(o.status.code(), Some(124), "{}", text(&o.stderr));
    println!(
        "ELF inputs: all rejected in {:.2} s, peak resident set {} KiB",
        checked.as_secs_f64(),
        peak / 1024
    );
}

/// `--timeout` on every command that simulates: the long ones (`train`,
/// `report`, `iss-fuzz`, `system --calibrate`) stop with status 124.
#[test]
fn every_simulating_command_takes_timeout() {
    let d = tmpdir("timeouts");
    let out = d.join("train");
    let cmds: [&[&str]; 4] = [
        &["train", "--out", s(&out)],
        &["report"],
        &["iss-fuzz", "--programs", "1000000"],
        &["system", "--calibrate"],
    ];
    for args in cmds {
        let mut a = args.to_vec();
        a.extend(["--timeout", "1"]);
        let t0 = Instant::now();
        let o = run(&a, Duration::from_secs(60));
        assert_eq!(o.status.code(), Some(124), "{a:?}: {}", text(&o.stderr));
        assert!(
            text(&o.stderr).contains("--timeout"),
            "{a:?}: {}",
            text(&o.stderr)
        );
        assert!(
            t0.elapsed() < Duration::from_secs(30),
            "{a:?} took {:?}",
            t0.elapsed()
        );
    }
}
