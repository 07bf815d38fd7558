//! Run control for the `ntx` CLI and long campaigns: exit codes, output
//! that never panics (closed pipe, full disk), output files written
//! atomically and checked before a simulation starts, a wall-clock
//! `--timeout` and Ctrl-C (SIGINT) as a polled stop request.
//!
//! Exit codes of `ntx`: 0 success; 1 an error or a mismatch (message on
//! stderr); 2 bad usage (clap); [`EXIT_TIMEOUT`] (124) `--timeout`
//! expired; [`EXIT_INTERRUPTED`] (130) Ctrl-C; [`EXIT_BROKEN_PIPE`] (141)
//! stdout closed by the reader (no message).

use std::ffi::c_int;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, Instant};

/// Exit status after `--timeout` expired (as `timeout(1)`).
pub const EXIT_TIMEOUT: u8 = 124;
/// Exit status after Ctrl-C (128 + SIGINT).
pub const EXIT_INTERRUPTED: u8 = 130;
/// Exit status when stdout was closed (128 + SIGPIPE).
pub const EXIT_BROKEN_PIPE: u8 = 141;

/// Why a command ends without success.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Exit status.
    pub code: u8,
    /// Message for stderr (`None`: end quietly).
    pub msg: Option<String>,
}

impl Failure {
    /// An ordinary error (status 1).
    pub fn error(msg: impl Into<String>) -> Self {
        Failure {
            code: 1,
            msg: Some(msg.into()),
        }
    }
}

impl From<String> for Failure {
    fn from(s: String) -> Self {
        Failure::error(s)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.msg.as_deref().unwrap_or(""))
    }
}

/// Write one line to stdout. A closed pipe gives a quiet
/// [`EXIT_BROKEN_PIPE`]; any other failure (full disk) an error.
pub fn out(line: impl fmt::Display) -> Result<(), Failure> {
    let mut o = std::io::stdout().lock();
    writeln!(o, "{line}").and_then(|_| o.flush()).map_err(|e| {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Failure {
                code: EXIT_BROKEN_PIPE,
                msg: None,
            }
        } else {
            Failure::error(format!("writing stdout: {e}"))
        }
    })
}

/// Write one line to stderr, ignoring failures (a warning must never
/// end a run).
pub fn warn(line: impl fmt::Display) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// An output file written atomically: [`AtomicFile::create`] makes a
/// temporary file next to the target at once (so a bad path fails before
/// any simulation), [`AtomicFile::commit`] writes, syncs and renames it
/// over the target. Dropped without commit, the temporary file is removed
/// and the target is untouched.
pub struct AtomicFile {
    target: PathBuf,
    tmp: PathBuf,
    file: Option<std::fs::File>,
}

impl AtomicFile {
    /// Check that `target` can be written and open its temporary file.
    /// Errors (here and in [`Self::commit`]) do not repeat the path.
    pub fn create(target: &Path) -> Result<Self, String> {
        if target.is_dir() {
            return Err("cannot write: is a directory".into());
        }
        let name = target
            .file_name()
            .ok_or_else(|| "cannot write: not a file name".to_string())?;
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if !dir.is_dir() {
            return Err(format!(
                "cannot write: folder {} does not exist",
                dir.display()
            ));
        }
        let mut tn = std::ffi::OsString::from(".");
        tn.push(name);
        tn.push(format!(".tmp-{}", std::process::id()));
        let tmp = dir.join(tn);
        let file = std::fs::File::create(&tmp).map_err(|e| format!("cannot write: {e}"))?;
        Ok(AtomicFile {
            target: target.to_path_buf(),
            tmp,
            file: Some(file),
        })
    }

    /// Write `data`, sync, and rename over the target.
    pub fn commit(mut self, data: &[u8]) -> Result<(), String> {
        let mut f = self.file.take().expect("committed once");
        f.write_all(data)
            .and_then(|_| f.sync_all())
            .map_err(|e| format!("cannot write: {e}"))?;
        drop(f);
        std::fs::rename(&self.tmp, &self.target).map_err(|e| format!("cannot write: {e}"))
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.file.is_some() || self.tmp.exists() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Write `data` to `target` atomically (see [`AtomicFile`]).
pub fn write_atomic(target: &Path, data: &[u8]) -> Result<(), String> {
    AtomicFile::create(target)?.commit(data)
}

// Stop requests: 0 none, 1 Ctrl-C, 2 timeout.
static STOP: AtomicU8 = AtomicU8::new(0);

/// Why a run was asked to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// Ctrl-C (SIGINT).
    Interrupted,
    /// `--timeout` expired.
    Timeout,
}

impl Stop {
    /// The failure a stopped command ends with.
    pub fn failure(self, what: &str) -> Failure {
        match self {
            Stop::Interrupted => Failure {
                code: EXIT_INTERRUPTED,
                msg: Some(format!("interrupted (Ctrl-C) {what}")),
            },
            Stop::Timeout => Failure {
                code: EXIT_TIMEOUT,
                msg: Some(format!("--timeout expired {what}")),
            },
        }
    }
}

/// A pending stop request, if any (cheap: one atomic load).
pub fn stop_requested() -> Option<Stop> {
    match STOP.load(Ordering::Relaxed) {
        1 => Some(Stop::Interrupted),
        2 => Some(Stop::Timeout),
        _ => None,
    }
}

extern "C" {
    fn signal(sig: c_int, handler: usize) -> usize;
}
const SIGINT: c_int = 2;

extern "C" fn on_sigint(_: c_int) {
    // A second Ctrl-C while the first is being handled ends at once.
    if STOP.swap(1, Ordering::SeqCst) == 1 {
        std::process::exit(EXIT_INTERRUPTED as i32);
    }
}

/// Turn Ctrl-C into a stop request that long loops poll
/// ([`stop_requested`]); a second Ctrl-C exits at once.
pub fn install_sigint() {
    // SAFETY: the handler only touches an atomic (async-signal-safe) or exits.
    unsafe {
        signal(SIGINT, on_sigint as extern "C" fn(c_int) as usize);
    }
}

/// Grace period after a stop request before the watchdog ends the process
/// itself (for work that cannot poll, e.g. one long golden-model job).
pub const STOP_GRACE: Duration = Duration::from_secs(5);

/// Request a stop after `secs` seconds of wall time; if the process has
/// not ended [`STOP_GRACE`] later, exit with [`EXIT_TIMEOUT`] (output
/// files are written atomically, so none is left half-written).
pub fn set_timeout(secs: f64) {
    let start = Instant::now();
    let d = Duration::from_secs_f64(secs.max(0.0));
    std::thread::spawn(move || {
        std::thread::sleep(d);
        let _ = STOP.compare_exchange(0, 2, Ordering::SeqCst, Ordering::SeqCst);
        std::thread::sleep(STOP_GRACE);
        warn(format!(
            "ntx: error: --timeout {secs} s expired ({:.1} s); stopping",
            start.elapsed().as_secs_f64()
        ));
        std::process::exit(EXIT_TIMEOUT as i32);
    });
}

/// The workspace root found from the current directory upwards (the
/// nearest folder whose `Cargo.toml` has a `[workspace]` table), decided at
/// run time so that a copied or installed binary never writes into the
/// checkout it was built in.
pub fn workspace_root() -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    workspace_root_from(&cwd)
}

/// A file of the repository's `verif/` crate (test data, firmware
/// sources, examples), found at run time: below the workspace found from
/// the current directory, else from the `ntx` executable's location
/// (`target/release/ntx`); the binary holds no build-time checkout path.
pub fn verif_path(rel: &str) -> PathBuf {
    let root = workspace_root()
        .or_else(|| {
            std::env::current_exe()
                .ok()
                .and_then(|e| workspace_root_from(e.parent()?))
        })
        .unwrap_or_else(|| PathBuf::from("."));
    root.join("verif").join(rel)
}

/// The workspace's `target/<sub>` folder, or the user cache folder outside
/// a workspace ([`tool_dir`] without a variable).
pub fn target_path(sub: &str) -> PathBuf {
    tool_dir_from(
        None,
        std::env::current_dir().ok().as_deref(),
        std::env::var_os("CARGO_TARGET_DIR"),
        std::env::var_os("XDG_CACHE_HOME"),
        std::env::var_os("HOME"),
        sub,
    )
}

/// [`workspace_root`] starting at `dir`.
pub fn workspace_root_from(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| {
            std::fs::read_to_string(d.join("Cargo.toml"))
                .map(|t| t.lines().any(|l| l.trim() == "[workspace]"))
                .unwrap_or(false)
        })
        .map(Path::to_path_buf)
}

/// Where a tool folder `sub` (e.g. `verilator`, `flow`, `cosim`) lives:
/// `$env_var` if set; else `target/<sub>` of the workspace found from the
/// current directory (`$CARGO_TARGET_DIR/<sub>` when that is set); else
/// the user cache folder (`$XDG_CACHE_HOME/ntx/<sub>` or
/// `~/.cache/ntx/<sub>`); else `<tmp>/ntx-<uid-less>/<sub>`.
pub fn tool_dir(env_var: &str, sub: &str) -> PathBuf {
    tool_dir_from(
        std::env::var_os(env_var),
        std::env::current_dir().ok().as_deref(),
        std::env::var_os("CARGO_TARGET_DIR"),
        std::env::var_os("XDG_CACHE_HOME"),
        std::env::var_os("HOME"),
        sub,
    )
}

/// [`tool_dir`] with every input explicit (testable).
pub fn tool_dir_from(
    var: Option<std::ffi::OsString>,
    cwd: Option<&Path>,
    cargo_target: Option<std::ffi::OsString>,
    xdg_cache: Option<std::ffi::OsString>,
    home: Option<std::ffi::OsString>,
    sub: &str,
) -> PathBuf {
    let nonempty = |v: Option<std::ffi::OsString>| v.filter(|s| !s.is_empty()).map(PathBuf::from);
    if let Some(v) = nonempty(var) {
        return v;
    }
    if let Some(root) = cwd.and_then(workspace_root_from) {
        return match nonempty(cargo_target) {
            Some(t) if t.is_absolute() => t.join(sub),
            Some(t) => root.join(t).join(sub),
            None => root.join("target").join(sub),
        };
    }
    if let Some(x) = nonempty(xdg_cache) {
        return x.join("ntx").join(sub);
    }
    if let Some(h) = nonempty(home) {
        return h.join(".cache").join("ntx").join(sub);
    }
    std::env::temp_dir().join("ntx-cache").join(sub)
}

/// Create `dir` (and parents) and check that it is writable; the error
/// names `env_var`, the variable that moves it.
pub fn ensure_writable_dir(dir: &Path, env_var: &str, what: &str) -> Result<(), String> {
    // unique per call: threads of one process probe the same folder at once
    static PROBES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = PROBES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let probe = dir.join(format!(".write-probe-{}-{n}", std::process::id()));
    std::fs::create_dir_all(dir)
        .and_then(|_| std::fs::write(&probe, b""))
        .and_then(|_| std::fs::remove_file(&probe))
        .map_err(|e| {
            format!(
                "cannot write the {what} folder {} ({e}); set {env_var} to a writable folder",
                dir.display()
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_dirs_follow_variable_workspace_cache() {
        let os = |s: &str| Some(std::ffi::OsString::from(s));
        let here = std::env::current_dir().unwrap();
        let root = workspace_root_from(&here).expect("tests run inside the workspace");
        assert!(root.join("Cargo.toml").exists());
        // variable first
        assert_eq!(
            tool_dir_from(
                os("/x/v"),
                Some(&here),
                None,
                os("/c"),
                os("/h"),
                "verilator"
            ),
            PathBuf::from("/x/v")
        );
        // workspace target (or CARGO_TARGET_DIR)
        assert_eq!(
            tool_dir_from(None, Some(&here), None, os("/c"), os("/h"), "verilator"),
            root.join("target/verilator")
        );
        assert_eq!(
            tool_dir_from(None, Some(&here), os("/t"), None, None, "flow"),
            PathBuf::from("/t/flow")
        );
        // outside any workspace: the user cache folder
        let outside = Path::new("/");
        assert_eq!(
            tool_dir_from(None, Some(outside), None, os("/c"), os("/h"), "cosim"),
            PathBuf::from("/c/ntx/cosim")
        );
        assert_eq!(
            tool_dir_from(None, Some(outside), None, None, os("/h"), "cosim"),
            PathBuf::from("/h/.cache/ntx/cosim")
        );
        let e = ensure_writable_dir(Path::new("/dev/null/x"), "NTX_X_DIR", "test").unwrap_err();
        assert!(e.contains("set NTX_X_DIR"), "{e}");
    }

    #[test]
    fn atomic_file_replaces_or_leaves_the_target() {
        let d = std::env::temp_dir().join(format!("ntx-atomic-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        let t = d.join("f.txt");
        std::fs::write(&t, "old").unwrap();
        drop(AtomicFile::create(&t).unwrap()); // abandoned
        assert_eq!(std::fs::read_to_string(&t).unwrap(), "old");
        AtomicFile::create(&t).unwrap().commit(b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&t).unwrap(), "new");
        assert_eq!(
            std::fs::read_dir(&d).unwrap().count(),
            1,
            "no temporary left"
        );
        assert!(AtomicFile::create(&d).is_err(), "a directory");
        let _ = std::fs::remove_dir_all(&d);
    }
}
