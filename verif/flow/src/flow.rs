//! The open-source tool flow around the generated Verilog: writing one file
//! per block with a proper module name, Yosys synthesis figures, Verilator
//! lint and an Icarus compile check.
//!
//! Tools are never optional: a missing tool is an error that says how to
//! install it (`scripts/install-tools`), not a skipped check.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The project's Verilator waivers (WIDTH, DECLFILENAME; why: see the
/// comments in the file), `scripts/verilator.vlt`, the file `scripts/lint`
/// passes too. Everything else of `-Wall` stays on.
pub const VERILATOR_WAIVERS_VLT: &str = include_str!("../../../scripts/verilator.vlt");

/// Write [`VERILATOR_WAIVERS_VLT`] into `dir` (next to the Verilog it is
/// used with) and return its path.
pub fn waiver_file(dir: &Path) -> Result<PathBuf, FlowError> {
    let path = dir.join("verilator.vlt");
    if std::fs::read_to_string(&path).is_ok_and(|s| s == VERILATOR_WAIVERS_VLT) {
        return Ok(path);
    }
    // write and rename: parallel tests lint in the same directory
    let tmp = dir.join(format!(
        ".verilator.vlt.{}.{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::write(&tmp, VERILATOR_WAIVERS_VLT)
        .and_then(|_| std::fs::rename(&tmp, &path))
        .map_err(|e| FlowError(format!("write {}: {e}", path.display())))?;
    Ok(path)
}

/// Error of the tool flow: which tool failed and what it printed.
#[derive(Debug)]
pub struct FlowError(pub String);

impl std::fmt::Display for FlowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for FlowError {}

/// Rename rust-hdl's top module (`top`, with submodules `top$x`) to `name`.
pub fn rename_top(verilog: &str, name: &str) -> String {
    verilog
        .replace("module top(", &format!("module {name}("))
        .replace("module top (", &format!("module {name} ("))
        .replace("// top\n", &format!("// {name}\n"))
        .replace("top$", &format!("{name}$"))
}

/// Directory for generated flow files (`$NTX_FLOW_DIR`, else `target/flow`
/// of the workspace found from the current directory, else a user cache
/// folder: [`crate::runctl::tool_dir`]). Panics with a message naming
/// `NTX_FLOW_DIR` when it cannot be written.
pub fn flow_dir() -> PathBuf {
    let dir = crate::runctl::tool_dir("NTX_FLOW_DIR", "flow");
    if let Err(e) = crate::runctl::ensure_writable_dir(&dir, "NTX_FLOW_DIR", "flow") {
        panic!("{e}");
    }
    dir
}

/// Write `verilog` (as produced by `generate_verilog`) to `dir/name.v` with
/// the top module renamed to `name`. Returns the path.
pub fn write_verilog(dir: &Path, name: &str, verilog: &str) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(format!("{name}.v"));
    std::fs::write(&path, rename_top(verilog, name))?;
    Ok(path)
}

fn run(tool: &str, args: &[&str], cwd: &Path) -> Result<String, FlowError> {
    let out = Command::new(tool)
        .args(args)
        .current_dir(cwd)
        .output()
        .map_err(|e| {
            FlowError(format!(
                "cannot run `{tool}` ({e}); install the tools with scripts/install-tools \
                 (apt-get install -y yosys verilator iverilog)"
            ))
        })?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if !out.status.success() {
        return Err(FlowError(format!(
            "`{tool} {}` failed ({}):\n{text}",
            args.join(" "),
            out.status
        )));
    }
    Ok(text)
}

/// Figures of a Yosys `synth -flatten` run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SynthReport {
    /// Total cells after `synth -flatten -top X` (generic gate library).
    pub cells: u64,
    /// Flip-flop cells among them.
    pub flip_flops: u64,
    /// Latch cells (must be 0).
    pub latches: u64,
    /// Longest topological path reported by `ltp -noff`.
    pub longest_path: u64,
}

/// Synthesize `file` with Yosys as spec section 9 prescribes
/// (`synth -flatten -top top; stat; ltp -noff`).
pub fn yosys_synth(file: &Path, top: &str) -> Result<SynthReport, FlowError> {
    let script = format!(
        "read_verilog -sv {}; synth -flatten -top {top}; stat; ltp -noff",
        file.display()
    );
    let log = run(
        "yosys",
        &["-p", &script],
        file.parent().unwrap_or(Path::new(".")),
    )?;
    parse_yosys(&log).ok_or_else(|| FlowError(format!("cannot parse the Yosys log:\n{log}")))
}

fn parse_yosys(log: &str) -> Option<SynthReport> {
    // Use the last statistics block (the one printed by our `stat`).
    let stat = &log[log.rfind("Printing statistics")?..];
    let mut rep = SynthReport::default();
    for line in stat.lines() {
        let t = line.trim();
        if let Some(n) = t.strip_prefix("Number of cells:") {
            rep.cells = n.trim().parse().ok()?;
        } else if t.starts_with('$') {
            let mut it = t.split_whitespace();
            let (cell, n) = (it.next()?, it.next()?.parse::<u64>().ok()?);
            let lc = cell.to_ascii_lowercase();
            if lc.contains("latch") {
                rep.latches += n;
            } else if lc.contains("dff") {
                rep.flip_flops += n;
            }
        }
        if t.starts_with("Longest topological path") {
            break;
        }
    }
    let ltp = &log[log.rfind("Longest topological path")?..];
    let len = ltp.split("length=").nth(1)?;
    rep.longest_path = len[..len.find(')')?].parse().ok()?;
    Some(rep)
}

/// A fast Yosys check for designs too large to `synth` in the test suite
/// (the 8-NTX cluster takes tens of minutes): every module resolves and every
/// port connects (`hierarchy -check`). Use it only for compositions whose
/// parts are synthesized (latch-free) on their own; full figures come from
/// `yosys_synth` run by hand.
pub fn yosys_hierarchy_check(file: &Path, top: &str) -> Result<(), FlowError> {
    let script = format!(
        "read_verilog -sv {}; hierarchy -check -top {top}",
        file.display()
    );
    run(
        "yosys",
        &["-p", &script],
        file.parent().unwrap_or(Path::new(".")),
    )
    .map(|_| ())
}

/// `verilator --lint-only -Wall` with only the documented waivers.
pub fn verilator_lint(file: &Path, top: &str) -> Result<String, FlowError> {
    let f = file.display().to_string();
    let dir = file.parent().unwrap_or(Path::new("."));
    let vlt = waiver_file(dir)?.display().to_string();
    let args = ["--lint-only", "-Wall", "--top-module", top, &vlt, &f];
    run("verilator", &args, dir)
}

/// Icarus Verilog compile check (`iverilog -Wall`), no simulation.
pub fn iverilog_compile(file: &Path, top: &str) -> Result<String, FlowError> {
    let f = file.display().to_string();
    let out = std::env::temp_dir().join(format!("ntx-iverilog-{top}-{}.vvp", std::process::id()));
    let o = out.display().to_string();
    let r = run(
        "iverilog",
        &["-Wall", "-o", &o, "-s", top, &f],
        file.parent().unwrap_or(Path::new(".")),
    );
    let _ = std::fs::remove_file(&out);
    r
}

/// Run the whole flow on one block: write, lint (Verilator, Icarus) and
/// synthesize. Fails if any tool fails or Yosys infers a latch.
pub fn check_block(name: &str, verilog: &str) -> Result<SynthReport, FlowError> {
    let path = write_verilog(&flow_dir(), name, verilog)
        .map_err(|e| FlowError(format!("cannot write Verilog for {name}: {e}")))?;
    verilator_lint(&path, name)?;
    iverilog_compile(&path, name)?;
    let rep = yosys_synth(&path, name)?;
    if rep.latches != 0 {
        return Err(FlowError(format!(
            "{name}: Yosys inferred {} latches",
            rep.latches
        )));
    }
    Ok(rep)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_yosys_log() {
        let log = "2.26. Printing statistics.\n   Number of cells:  10\n     $_AND_   4\n \
                   $_DFF_P_  3\n  $_DLATCH_P_ 1\n\n3. Printing statistics.\n   Number of cells:  12\n \
                   $_AND_   5\n   $_SDFFE_PP0P_  6\n   $_DFF_P_ 1\nLongest topological path in x (length=34):\n";
        let r = parse_yosys(log).unwrap();
        assert_eq!(
            r,
            SynthReport {
                cells: 12,
                flip_flops: 7,
                latches: 0,
                longest_path: 34
            }
        );
    }

    #[test]
    fn renames_the_top_module() {
        let v = "module top(a);\nendmodule // top\nmodule top$x(b);\nendmodule // top$x\n";
        let r = rename_top(v, "dag");
        assert!(r.contains("module dag(a)") && r.contains("module dag$x(b)"));
        assert!(!r.contains("top"));
    }
}
