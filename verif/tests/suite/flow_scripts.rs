//! The tool flow scripts run from the test suite: `scripts/lint` (Verilator
//! -Wall with the two documented waivers, Icarus -Wall) and `scripts/synth`
//! (Yosys table; no latches) on every block, and both fail loudly when a
//! tool is missing.
//!
//! Run: `cargo test --release -p ntx-verif --test suite flow_scripts::`

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn checked_blocks() -> Vec<&'static str> {
    block_names()
}

fn script(name: &str, path: Option<&Path>) -> Output {
    script_on(name, path, &checked_blocks())
}

fn script_on(name: &str, path: Option<&Path>, blocks: &[&str]) -> Output {
    let mut c = Command::new(root().join("scripts").join(name));
    c.args(blocks);
    // A directory per invocation: tests run in parallel and the scripts
    // start by clearing their output directory.
    static SEQ: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    c.env("NTX_BIN", env!("CARGO_BIN_EXE_ntx")).env(
        "NTX_FLOW_OUT",
        root()
            .join("target")
            .join("flow-scripts-test")
            .join(n.to_string()),
    );
    if let Some(p) = path {
        c.env("PATH", p);
    }
    c.output()
        .unwrap_or_else(|e| panic!("cannot run scripts/{name}: {e}"))
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn block_names() -> Vec<&'static str> {
    ntx_verif::flow_blocks::blocks()
        .into_iter()
        .map(|(n, _)| n)
        .collect()
}

#[test]
fn lint_passes_on_every_block() {
    let o = script("lint", None);
    let t = text(&o);
    assert!(o.status.success(), "scripts/lint failed:\n{t}");
    for b in checked_blocks() {
        let line = t.lines().find(|l| l.split_whitespace().next() == Some(b));
        let line = line.unwrap_or_else(|| panic!("no lint line for {b}:\n{t}"));
        assert_eq!(
            line.split_whitespace().collect::<Vec<_>>(),
            [b, "ok", "ok"],
            "{t}"
        );
    }
}

/// Blocks whose Yosys run takes minutes: their owners' tests already
/// synthesize them (`flow::check_block`), so the script test leaves them out
/// (`scripts/synth` with no arguments still does them all).
const SLOW_SYNTH: &[&str] = &["ntx", "fmac"];

#[test]
fn synth_reports_every_block_without_latches() {
    let blocks: Vec<&str> = checked_blocks()
        .into_iter()
        .filter(|b| !SLOW_SYNTH.contains(b))
        .collect();
    let o = script_on("synth", None, &blocks);
    let t = text(&o);
    println!("{t}");
    assert!(o.status.success(), "scripts/synth failed:\n{t}");
    for b in blocks.iter().copied() {
        let line = t.lines().find(|l| l.split_whitespace().next() == Some(b));
        let f: Vec<&str> = line
            .unwrap_or_else(|| panic!("no synth line for {b}:\n{t}"))
            .split_whitespace()
            .collect();
        let cells: u64 = f[1].parse().unwrap();
        let latches: u64 = f[3].parse().unwrap();
        let ltp: u64 = f[4].parse().unwrap();
        assert!(cells > 0 && ltp > 0, "{b}: {f:?}");
        assert_eq!(latches, 0, "{b} has latches");
    }
    // Cross-check one row against the flow module's own Yosys parser.
    let dag = ntx_verif::flow_blocks::verilog("dag").unwrap();
    let rep = ntx_verif::flow::check_block("dag", &dag).unwrap();
    let line = t.lines().find(|l| l.starts_with("dag ")).unwrap();
    let f: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .take(4)
        .map(|x| x.parse().unwrap())
        .collect();
    assert_eq!(
        f,
        vec![rep.cells, rep.flip_flops, rep.latches, rep.longest_path]
    );
}

#[test]
fn missing_tools_fail_loudly_with_the_install_hint() {
    // A PATH with bash and dirname only: no yosys, verilator, iverilog.
    let dir = std::env::temp_dir().join(format!("ntx-notools-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for tool in ["bash", "dirname"] {
        let src = Path::new("/usr/bin").join(tool);
        let src = if src.exists() {
            src
        } else {
            Path::new("/bin").join(tool)
        };
        let _ = std::os::unix::fs::symlink(src, dir.join(tool));
    }
    for s in ["lint", "synth"] {
        let o = script(s, Some(&dir));
        let t = text(&o);
        assert!(
            !o.status.success(),
            "scripts/{s} must fail without tools:\n{t}"
        );
        assert!(
            t.contains("missing tool") && t.contains("apt-get install"),
            "{s}: {t}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
