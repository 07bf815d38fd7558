//! Verilator backend: turn the Verilog that rust-hdl generates at run time
//! into a compiled C++ model and drive it from Rust.
//!
//! [`VerilatedModel::build`] runs `verilator --cc -O3`, generates a small C
//! shim from the model's port table ([`shim`]), compiles everything with the
//! Makefile Verilator writes (plus `g++ -shared`), and `dlopen`s the result.
//! Builds are cached under `target/verilator/<name>-<hash>/` keyed by a hash
//! of the Verilog text, the build options, the shim version and the Verilator
//! version, so unchanged Verilog is never rebuilt. A build happens in a
//! private temporary directory that is renamed into place at the end (an
//! atomic step); a lock file per key makes concurrent test processes wait
//! for one build instead of duplicating it.
//!
//! ```no_run
//! # use ntx_flow::verilator::VerilatedModel;
//! # let verilog = String::new();
//! let mut m = VerilatedModel::build("counter", &verilog).unwrap();
//! m.set("en", 1);
//! m.tick();
//! let count = m.get("count");
//! ```

pub mod dedup;
mod dl;
pub mod shim;

use crate::flow::{rename_top, FlowError};
use dl::Library;
pub use shim::{Dir, Port};
use std::collections::HashMap;
use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

/// How to build a model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildOptions {
    /// Build with `--trace` so that [`VerilatedModel::trace_open`] can write
    /// a VCD (slower model; a separate cache entry).
    pub trace: bool,
    /// g++ optimisation for the model's evaluation code (Verilator's `OPT_FAST`).
    pub opt_fast: String,
    /// g++ optimisation for construction / initialisation code (`OPT_SLOW`).
    pub opt_slow: String,
    /// Build cache to use instead of [`cache_dir`] (e.g. an empty one to
    /// measure a fresh build).
    pub cache_dir: Option<PathBuf>,
    /// Share identical modules before verilating
    /// ([`dedup::share_identical_modules`]: the cluster's eight NTX become
    /// one C++ class, compiled once). Default on; off
    /// (`NTX_VERILATOR_SHARE_MODULES=0`) only to measure what it saves.
    pub share_modules: bool,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            trace: false,
            opt_fast: "-O2".into(),
            opt_slow: "-O1".into(),
            cache_dir: None,
            // NTX_VERILATOR_SHARE_MODULES=0: measure what sharing saves
            share_modules: std::env::var("NTX_VERILATOR_SHARE_MODULES").as_deref() != Ok("0"),
        }
    }
}

impl BuildOptions {
    /// Default options with VCD tracing compiled in.
    pub fn traced() -> Self {
        BuildOptions {
            trace: true,
            ..Default::default()
        }
    }
}

type FnCreate = unsafe extern "C" fn() -> *mut c_void;
type FnCreateRand = unsafe extern "C" fn(c_int, c_int) -> *mut c_void;
type FnHandle = unsafe extern "C" fn(*mut c_void);
type FnSet = unsafe extern "C" fn(*mut c_void, c_int, *const u32);
type FnGet = unsafe extern "C" fn(*mut c_void, c_int, *mut u32);
type FnSet64 = unsafe extern "C" fn(*mut c_void, c_int, u64);
type FnGet64 = unsafe extern "C" fn(*mut c_void, c_int) -> u64;
type FnTraceOpen = unsafe extern "C" fn(*mut c_void, *const c_char) -> c_int;
type FnTraceDump = unsafe extern "C" fn(*mut c_void, u64);
type FnCount = unsafe extern "C" fn() -> c_int;
type FnName = unsafe extern "C" fn(c_int) -> *const c_char;
type FnInt = unsafe extern "C" fn(c_int) -> c_int;

struct Fns {
    create: FnCreate,
    create_rand: FnCreateRand,
    destroy: FnHandle,
    eval: FnHandle,
    set: FnSet,
    get: FnGet,
    set64: FnSet64,
    get64: FnGet64,
    trace_open: FnTraceOpen,
    trace_dump: FnTraceDump,
    trace_close: FnHandle,
}

/// A loaded model library (shared by all instances of one build).
struct Loaded {
    _lib: Library,
    fns: Fns,
    ports: Vec<Port>,
    index: HashMap<String, usize>,
    dir: PathBuf,
    traced: bool,
}

/// Facts about one build, for benchmarks and reports.
#[derive(Debug, Clone)]
pub struct BuildInfo {
    /// Cache directory of the build.
    pub dir: PathBuf,
    /// True if this call found the model in the cache.
    pub cached: bool,
    /// Wall time of this call (build or cache look-up and load), seconds.
    pub seconds: f64,
}

/// A Verilator model of one rust-hdl block, driven port by port.
pub struct VerilatedModel {
    lib: Arc<Loaded>,
    handle: *mut c_void,
    clock: Option<usize>,
    time: u64,
    tracing: bool,
    info: BuildInfo,
}

// The model is used by one thread at a time; Verilator models may move
// between threads.
unsafe impl Send for VerilatedModel {}

fn err(s: impl Into<String>) -> FlowError {
    FlowError(s.into())
}

/// Directory of the build cache, decided at run time: `$NTX_VERILATOR_DIR`,
/// else `target/verilator` of the workspace found from the current
/// directory upwards, else the user cache folder (`~/.cache/ntx/verilator`):
/// [`crate::runctl::tool_dir`].
pub fn cache_dir() -> PathBuf {
    crate::runctl::tool_dir("NTX_VERILATOR_DIR", "verilator")
}

fn fnv1a64(seed: u64, parts: &[&[u8]]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ seed;
    for p in parts {
        for &b in *p {
            h ^= b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        h ^= 0xff;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

fn tool_output(tool: &str, args: &[&str], cwd: &Path) -> Result<String, FlowError> {
    let out = Command::new(tool)
        .args(args)
        .current_dir(cwd)
        .output()
        .map_err(|e| {
            err(format!(
                "cannot run `{tool}` ({e}); the Verilator backend needs verilator, g++ and make: \
                 apt-get install -y verilator g++ make"
            ))
        })?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if !out.status.success() {
        return Err(err(format!(
            "`{tool} {}` failed ({}) in {}:\n{text}",
            args.join(" "),
            out.status,
            cwd.display()
        )));
    }
    Ok(text)
}

fn verilator_version() -> Result<String, FlowError> {
    static V: OnceLock<Result<String, String>> = OnceLock::new();
    V.get_or_init(|| {
        tool_output("verilator", &["--version"], Path::new("."))
            .map(|s| s.trim().to_string())
            .map_err(|e| e.0)
    })
    .clone()
    .map_err(FlowError)
}

fn jobs() -> usize {
    std::env::var("NTX_VERILATOR_JOBS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2)
        })
}

/// Names listed in `VAR += \` continuation blocks of Verilator's `_classes.mk`.
fn mk_list(mk: &str, var: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut inside = false;
    for line in mk.lines() {
        let t = line.trim();
        if t.starts_with(var) && t.contains("+=") {
            inside = true;
            continue;
        }
        if inside {
            let name = t.trim_end_matches('\\').trim();
            if !name.is_empty() {
                out.push(name.to_string());
            }
            if !t.ends_with('\\') {
                inside = false;
            }
        }
    }
    out
}

/// Verilate, compile and link `name.v` in `tmp`; returns the port table.
fn build_into(
    tmp: &Path,
    name: &str,
    verilog: &str,
    opts: &BuildOptions,
) -> Result<Vec<Port>, FlowError> {
    let vfile = format!("{name}.v");
    let shared;
    let verilog = if opts.share_modules {
        shared = dedup::share_identical_modules(verilog);
        &shared
    } else {
        verilog
    };
    std::fs::write(tmp.join(&vfile), verilog).map_err(|e| err(format!("write {vfile}: {e}")))?;
    let class = format!("V{name}");
    let mut log = String::new();
    let mut args = vec![
        "--cc",
        "-O3",
        "--top-module",
        name,
        "--prefix",
        &class,
        "-Mdir",
        "obj",
        "--no-timing",
        // Lint is the job of scripts/lint and flow::verilator_lint (-Wall);
        // here the lint and style classes are off, and any other warning
        // (UNOPTFLAT above all: a false loop between a master and its
        // interconnect) stops the build. The cluster's build log is checked
        // free of warnings (cluster_verilator.rs, build_is_warning_free).
        "-Wno-lint",
        "-Wno-style",
        "--output-split",
        "20000",
        "-CFLAGS",
        "-fPIC -fvisibility=hidden",
    ];
    if opts.trace {
        args.push("--trace");
    }
    args.push(&vfile);
    log += &tool_output("verilator", &args, tmp)?;
    let obj = tmp.join("obj");
    let header = std::fs::read_to_string(obj.join(format!("{class}.h")))
        .map_err(|e| err(format!("read {class}.h: {e}")))?;
    let ports = shim::parse_verilated_header(&header).map_err(err)?;
    // Cross-check with the Verilog module header.
    if let Ok(vports) = shim::parse_verilog_ports(verilog, name) {
        let mut a: Vec<_> = vports.iter().map(|p| (&p.name, p.width, p.dir)).collect();
        let mut b: Vec<_> = ports.iter().map(|p| (&p.name, p.width, p.dir)).collect();
        a.sort();
        b.sort();
        if a != b {
            return Err(err(format!(
                "port tables differ: Verilog header {a:?}, Verilator header {b:?}"
            )));
        }
    }
    std::fs::write(obj.join("ntx_shim.cpp"), shim::generate_shim(name, &ports))
        .map_err(|e| err(format!("write shim: {e}")))?;
    let classes = std::fs::read_to_string(obj.join(format!("{class}_classes.mk")))
        .map_err(|e| err(format!("read classes.mk: {e}")))?;
    let globals: Vec<String> = mk_list(&classes, "VM_GLOBAL_FAST")
        .into_iter()
        .chain(mk_list(&classes, "VM_GLOBAL_SLOW"))
        .map(|g| format!("{g}.o"))
        .collect();
    let j = format!("-j{}", jobs());
    let mkfile = format!("{class}.mk");
    let all = format!("{class}__ALL.a");
    let opt_fast = format!("OPT_FAST={}", opts.opt_fast);
    let opt_slow = format!("OPT_SLOW={}", opts.opt_slow);
    let mut margs: Vec<&str> = vec![
        &j,
        "-f",
        &mkfile,
        "VM_PARALLEL_BUILDS=1",
        &opt_fast,
        &opt_slow,
        "OPT_GLOBAL=-O2",
        &all,
        "ntx_shim.o",
    ];
    margs.extend(globals.iter().map(String::as_str));
    log += &tool_output("make", &margs, &obj)?;
    let so = format!("../lib{class}.so");
    let mut largs: Vec<&str> = vec!["-shared", "-o", &so, "ntx_shim.o", &all];
    largs.extend(globals.iter().map(String::as_str));
    largs.extend(["-pthread", "-latomic", "-Wl,-Bsymbolic"]);
    log += &tool_output("g++", &largs, &obj)?;
    let _ = std::fs::copy(obj.join("ntx_shim.cpp"), tmp.join("ntx_shim.cpp"));
    let _ = std::fs::write(tmp.join("build.log"), log);
    if std::env::var_os("NTX_VERILATOR_KEEP_OBJ").is_none() {
        let _ = std::fs::remove_dir_all(&obj);
    }
    Ok(ports)
}

/// Build (or find in the cache) the shared library for `name`; returns its
/// cache directory and whether it was cached.
fn build_cached(
    name: &str,
    verilog: &str,
    opts: &BuildOptions,
) -> Result<(PathBuf, bool), FlowError> {
    let ver = verilator_version()?;
    let shimv = shim::SHIM_VERSION.to_string();
    // `strict`: built without -Wno-fatal (an entry built before that
    // change must not be taken for one that passed the stricter build).
    let optkey = format!(
        "{}|{}|{}|strict{}",
        opts.trace,
        opts.opt_fast,
        opts.opt_slow,
        if opts.share_modules {
            "|shared-modules-1"
        } else {
            ""
        }
    );
    let parts: [&[u8]; 5] = [
        name.as_bytes(),
        verilog.as_bytes(),
        optkey.as_bytes(),
        shimv.as_bytes(),
        ver.as_bytes(),
    ];
    let hash = format!(
        "{:016x}{:08x}",
        fnv1a64(0, &parts),
        fnv1a64(0x9e37_79b9, &parts) as u32
    );
    let root = opts.cache_dir.clone().unwrap_or_else(cache_dir);
    crate::runctl::ensure_writable_dir(&root, "NTX_VERILATOR_DIR", "Verilator model cache")
        .map_err(err)?;
    let key = format!("{name}-{hash}{}", if opts.trace { "-trace" } else { "" });
    let fin = root.join(&key);
    let so_name = format!("libV{name}.so");
    if verify_entry(&fin, &so_name).is_ok() {
        return Ok((fin, true));
    }
    // One builder per key at a time (across processes and threads); others
    // wait and then find the finished build.
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(root.join(format!("{key}.lock")))
        .map_err(|e| err(format!("lock file: {e}")))?;
    lock.lock().map_err(|e| err(format!("lock: {e}")))?;
    match verify_entry(&fin, &so_name) {
        Ok(()) => return Ok((fin, true)),
        Err(Damage::Missing) => {}
        Err(Damage::Bad(why)) => {
            crate::runctl::warn(format!(
                "ntx: Verilator cache entry {} is damaged ({why}); rebuilding it",
                fin.display()
            ));
            std::fs::remove_dir_all(&fin)
                .map_err(|e| err(format!("remove damaged {}: {e}", fin.display())))?;
        }
    }
    remove_stale_temps(&root);
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let tmp = root.join(format!(
        ".tmp-{key}-{}-{}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).map_err(|e| err(format!("create {}: {e}", tmp.display())))?;
    let r = build_into(&tmp, name, verilog, opts)
        .and_then(|_| write_manifest(&tmp, &so_name).map_err(err));
    if let Err(e) = r {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    if let Err(e) = std::fs::rename(&tmp, &fin) {
        let _ = std::fs::remove_dir_all(&tmp);
        if verify_entry(&fin, &so_name).is_err() {
            return Err(err(format!(
                "rename {} -> {}: {e}",
                tmp.display(),
                fin.display()
            )));
        }
    }
    sync_dir(&root);
    prune(&root, name, opts.trace);
    Ok((fin, false))
}

/// Name of the manifest in a cache entry: the library's size and hash,
/// written (and synced) after the library itself was synced, so an entry
/// whose manifest is missing or disagrees was never completed or was
/// damaged later, and is rebuilt instead of mapped.
pub const MANIFEST: &str = "manifest";

/// Why a cache entry cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Damage {
    /// No entry.
    Missing,
    /// An entry that must be rebuilt.
    Bad(String),
}

/// 64-bit hash of a file's bytes (8-byte FNV-style words; detects
/// truncation and corruption, not an adversary).
fn file_hash(data: &[u8]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ data.len() as u64;
    let mut chunks = data.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes(c.try_into().unwrap());
        h = (h ^ w).wrapping_mul(0x0000_0100_0000_01b3).rotate_left(29);
    }
    for &b in chunks.remainder() {
        h = (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

fn manifest_text(size: usize, hash: u64, so_name: &str) -> String {
    format!("ntx-verilator-cache 1\nlibrary {so_name}\nsize {size}\nhash {hash:016x}\n")
}

/// Sync the library in `dir`, then write and sync its manifest.
fn write_manifest(dir: &Path, so_name: &str) -> Result<(), String> {
    use std::io::Write;
    let so = dir.join(so_name);
    let f = std::fs::File::open(&so).map_err(|e| format!("open {}: {e}", so.display()))?;
    f.sync_all()
        .map_err(|e| format!("sync {}: {e}", so.display()))?;
    let data = std::fs::read(&so).map_err(|e| format!("read {}: {e}", so.display()))?;
    let m = dir.join(MANIFEST);
    let mut mf = std::fs::File::create(&m).map_err(|e| format!("write {}: {e}", m.display()))?;
    mf.write_all(manifest_text(data.len(), file_hash(&data), so_name).as_bytes())
        .and_then(|_| mf.sync_all())
        .map_err(|e| format!("write {}: {e}", m.display()))?;
    sync_dir(dir);
    Ok(())
}

fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Check a cache entry against its manifest (size and hash of the
/// library); once per entry and process.
fn verify_entry(dir: &Path, so_name: &str) -> Result<(), Damage> {
    static OK: OnceLock<Mutex<std::collections::HashSet<PathBuf>>> = OnceLock::new();
    let ok = OK.get_or_init(Default::default);
    if ok.lock().unwrap().contains(dir) && dir.exists() {
        return Ok(());
    }
    verify_entry_now(dir, so_name)?;
    ok.lock().unwrap().insert(dir.to_path_buf());
    Ok(())
}

fn verify_entry_now(dir: &Path, so_name: &str) -> Result<(), Damage> {
    if !dir.exists() {
        return Err(Damage::Missing);
    }
    let m = std::fs::read_to_string(dir.join(MANIFEST))
        .map_err(|_| Damage::Bad("no manifest: an interrupted or older build".into()))?;
    let data = std::fs::read(dir.join(so_name))
        .map_err(|e| Damage::Bad(format!("{so_name} unreadable: {e}")))?;
    let want = manifest_text(data.len(), file_hash(&data), so_name);
    if m != want {
        return Err(Damage::Bad(format!(
            "{so_name} has {} bytes and does not match its manifest",
            data.len()
        )));
    }
    Ok(())
}

/// Remove `.tmp-<key>-<pid>-<seq>` build folders whose process is gone
/// (builds killed or interrupted before their rename).
fn remove_stale_temps(root: &Path) {
    let Ok(rd) = std::fs::read_dir(root) else {
        return;
    };
    for e in rd.flatten() {
        let f = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = f.strip_prefix(".tmp-") else {
            continue;
        };
        let mut it = rest.rsplitn(3, '-');
        let (_seq, pid) = (it.next(), it.next().and_then(|p| p.parse::<u32>().ok()));
        let Some(pid) = pid else { continue };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            crate::runctl::warn(format!(
                "ntx: removing {} (left by build process {pid}, which is gone)",
                e.path().display()
            ));
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Cache entries kept per model name (older Verilog versions are removed).
pub const KEEP_PER_NAME: usize = 4;

/// Remove all but the newest [`KEEP_PER_NAME`] builds of `name`. A process
/// that still has a removed library loaded keeps its mapping (Linux unlink
/// semantics); it would only rebuild on its next load.
fn prune(root: &Path, name: &str, trace: bool) {
    let Ok(rd) = std::fs::read_dir(root) else {
        return;
    };
    let mut entries: Vec<(std::time::SystemTime, PathBuf)> = rd
        .flatten()
        .filter_map(|e| {
            let f = e.file_name().to_string_lossy().into_owned();
            let rest = f.strip_prefix(name)?.strip_prefix('-')?;
            let (hash, is_trace) = match rest.strip_suffix("-trace") {
                Some(h) => (h, true),
                None => (rest, false),
            };
            let ok = hash.len() == 24 && hash.bytes().all(|b| b.is_ascii_hexdigit());
            if !ok || is_trace != trace || !e.path().is_dir() {
                return None;
            }
            Some((e.metadata().ok()?.modified().ok()?, e.path()))
        })
        .collect();
    entries.sort();
    let n = entries.len().saturating_sub(KEEP_PER_NAME);
    for (_, p) in entries.into_iter().take(n) {
        let _ = std::fs::remove_dir_all(&p);
        let mut lock = p.into_os_string();
        lock.push(".lock");
        let _ = std::fs::remove_file(lock);
    }
}

fn loaded(
    name: &str,
    verilog: &str,
    opts: &BuildOptions,
) -> Result<(Arc<Loaded>, BuildInfo), FlowError> {
    // Libraries stay loaded for the life of the process: one build and one
    // dlopen per model and test binary.
    static LIBS: OnceLock<Mutex<HashMap<PathBuf, Arc<Loaded>>>> = OnceLock::new();
    let t0 = Instant::now();
    let (dir, cached) = build_cached(name, verilog, opts)?;
    let mut libs = LIBS.get_or_init(Default::default).lock().unwrap();
    if let Some(l) = libs.get(&dir) {
        let info = BuildInfo {
            dir,
            cached,
            seconds: t0.elapsed().as_secs_f64(),
        };
        return Ok((l.clone(), info));
    }
    let path = dir.join(format!("libV{name}.so"));
    let lib = Library::open(&path).map_err(err)?;
    macro_rules! sym {
        ($n:literal, $t:ty) => {{
            let p = lib.symbol($n).map_err(err)?;
            // SAFETY: the shim defines the symbol with exactly this signature.
            unsafe { std::mem::transmute::<*mut c_void, $t>(p) }
        }};
    }
    let fns = Fns {
        create: sym!("ntx_create", FnCreate),
        create_rand: sym!("ntx_create_rand", FnCreateRand),
        destroy: sym!("ntx_destroy", FnHandle),
        eval: sym!("ntx_eval", FnHandle),
        set: sym!("ntx_set", FnSet),
        get: sym!("ntx_get", FnGet),
        set64: sym!("ntx_set64", FnSet64),
        get64: sym!("ntx_get64", FnGet64),
        trace_open: sym!("ntx_trace_open", FnTraceOpen),
        trace_dump: sym!("ntx_trace_dump", FnTraceDump),
        trace_close: sym!("ntx_trace_close", FnHandle),
    };
    let count: FnCount = sym!("ntx_port_count", FnCount);
    let pname: FnName = sym!("ntx_port_name", FnName);
    let pwidth: FnInt = sym!("ntx_port_width", FnInt);
    let pdir: FnInt = sym!("ntx_port_dir", FnInt);
    let mut ports = Vec::new();
    // SAFETY: the shim's table functions are pure and index-checked.
    unsafe {
        for i in 0..count() {
            let n = CStr::from_ptr(pname(i)).to_string_lossy().into_owned();
            let dir = Dir::from_code(pdir(i)).ok_or_else(|| err("bad port direction"))?;
            ports.push(Port {
                name: n,
                cname: String::new(),
                width: pwidth(i) as usize,
                dir,
            });
        }
    }
    let index = ports
        .iter()
        .enumerate()
        .map(|(i, p)| (p.name.clone(), i))
        .collect();
    let l = Arc::new(Loaded {
        _lib: lib,
        fns,
        ports,
        index,
        dir: dir.clone(),
        traced: opts.trace,
    });
    libs.insert(dir.clone(), l.clone());
    let info = BuildInfo {
        dir,
        cached,
        seconds: t0.elapsed().as_secs_f64(),
    };
    Ok((l, info))
}

impl VerilatedModel {
    /// Build (or load from the cache) a model of `verilog` with top module
    /// `name`. `verilog` may be the raw `generate_verilog` output (top module
    /// `top`, renamed here) or already renamed.
    pub fn build(name: &str, verilog: &str) -> Result<Self, FlowError> {
        Self::build_with(name, verilog, &BuildOptions::default())
    }

    /// [`Self::build`] with explicit options (e.g. tracing).
    pub fn build_with(name: &str, verilog: &str, opts: &BuildOptions) -> Result<Self, FlowError> {
        Self::build_init(name, verilog, opts, None)
    }

    /// [`Self::build_with`], the instance's initial state randomized as
    /// with `+verilator+rand+reset+2 +verilator+seed+<seed>` (every
    /// register and memory bit random): shows that the design's explicit
    /// clear path reaches every register that matters.
    pub fn build_random_init(
        name: &str,
        verilog: &str,
        opts: &BuildOptions,
        seed: u32,
    ) -> Result<Self, FlowError> {
        Self::build_init(name, verilog, opts, Some(seed))
    }

    fn build_init(
        name: &str,
        verilog: &str,
        opts: &BuildOptions,
        rand_seed: Option<u32>,
    ) -> Result<Self, FlowError> {
        let renamed;
        let v = if verilog.contains(&format!("module {name}(")) {
            verilog
        } else {
            renamed = rename_top(verilog, name);
            &renamed
        };
        let (lib, info) = loaded(name, v, opts)?;
        // SAFETY: create returns a fresh model owned by this struct.
        let handle = unsafe {
            match rand_seed {
                // seed 0 means "random" to Verilator: keep runs reproducible
                Some(s) => (lib.fns.create_rand)(2, s.max(1) as c_int),
                None => (lib.fns.create)(),
            }
        };
        if handle.is_null() {
            return Err(err("model creation failed"));
        }
        let clock = lib.index.get("clock").copied();
        let mut m = VerilatedModel {
            lib,
            handle,
            clock,
            time: 0,
            tracing: false,
            info,
        };
        m.eval(); // run initial blocks
        Ok(m)
    }

    /// Facts about the build behind this model.
    pub fn build_info(&self) -> &BuildInfo {
        &self.info
    }

    /// Port table (Verilog names, widths, directions).
    pub fn ports(&self) -> &[Port] {
        &self.lib.ports
    }

    /// Index of port `name`.
    pub fn port(&self, name: &str) -> Option<usize> {
        self.lib.index.get(name).copied()
    }

    fn idx(&self, name: &str) -> usize {
        self.port(name)
            .unwrap_or_else(|| panic!("model in {} has no port `{name}`", self.lib.dir.display()))
    }

    /// Set input `port` (low 64 bits; wider ports get zero above).
    pub fn set(&mut self, port: &str, value: u64) {
        let i = self.idx(port);
        self.set_idx(i, value)
    }

    /// Read `port`; panics if it is wider than 64 bits (use [`Self::get_words`]).
    pub fn get(&self, port: &str) -> u64 {
        let i = self.idx(port);
        assert!(
            self.lib.ports[i].width <= 64,
            "port {port} is wider than 64 bits; use get_words"
        );
        self.get_idx(i)
    }

    /// Set input `port` from 32-bit words, least significant first.
    pub fn set_words(&mut self, port: &str, words: &[u32]) {
        let i = self.idx(port);
        self.set_words_idx(i, words)
    }

    /// Read `port` as 32-bit words, least significant first.
    pub fn get_words(&self, port: &str) -> Vec<u32> {
        let i = self.idx(port);
        let mut w = vec![0; self.lib.ports[i].words()];
        self.get_words_idx(i, &mut w);
        w
    }

    /// Set input port number `i` (see [`Self::port`]).
    #[inline]
    pub fn set_idx(&mut self, i: usize, value: u64) {
        assert!(
            self.lib.ports[i].dir != Dir::Output,
            "port {} is an output",
            self.lib.ports[i].name
        );
        // SAFETY: valid handle, index checked above.
        unsafe { (self.lib.fns.set64)(self.handle, i as c_int, value) }
    }

    /// Low 64 bits of port number `i`.
    #[inline]
    pub fn get_idx(&self, i: usize) -> u64 {
        assert!(i < self.lib.ports.len());
        // SAFETY: valid handle and index.
        unsafe { (self.lib.fns.get64)(self.handle, i as c_int) }
    }

    /// Set input port number `i` from words (missing words are zero).
    pub fn set_words_idx(&mut self, i: usize, words: &[u32]) {
        let p = &self.lib.ports[i];
        assert!(p.dir != Dir::Output, "port {} is an output", p.name);
        let mut w = vec![0u32; p.words()];
        let n = w.len().min(words.len());
        w[..n].copy_from_slice(&words[..n]);
        // SAFETY: w holds as many words as the port.
        unsafe { (self.lib.fns.set)(self.handle, i as c_int, w.as_ptr()) }
    }

    /// Read port number `i` into `out` (at least `ports()[i].words()` long).
    pub fn get_words_idx(&self, i: usize, out: &mut [u32]) {
        assert!(out.len() >= self.lib.ports[i].words());
        // SAFETY: out is long enough.
        unsafe { (self.lib.fns.get)(self.handle, i as c_int, out.as_mut_ptr()) }
    }

    /// Evaluate the model (settle combinational logic after input changes).
    #[inline]
    pub fn eval(&mut self) {
        // SAFETY: valid handle.
        unsafe { (self.lib.fns.eval)(self.handle) }
    }

    /// Use `name` as the clock for [`Self::tick`] (default: `clock`).
    pub fn set_clock(&mut self, name: &str) {
        self.clock = Some(self.idx(name));
    }

    /// One clock cycle: clock high, eval, clock low, eval (as rust-hdl's
    /// direct drive). Dumps both edges when tracing.
    #[inline]
    pub fn tick(&mut self) {
        let c = self
            .clock
            .expect("model has no `clock` port; call set_clock");
        // SAFETY: valid handle; the clock is an input port.
        unsafe {
            (self.lib.fns.set64)(self.handle, c as c_int, 1);
            (self.lib.fns.eval)(self.handle);
            if self.tracing {
                // Cycle n spans times 10n..10n+10: rising edge at 10n+5,
                // falling edge at 10n+10; trace_dump uses the times between.
                self.time = (self.time / 10) * 10 + 5;
                (self.lib.fns.trace_dump)(self.handle, self.time);
            }
            (self.lib.fns.set64)(self.handle, c as c_int, 0);
            (self.lib.fns.eval)(self.handle);
            if self.tracing {
                self.time += 5;
                (self.lib.fns.trace_dump)(self.handle, self.time);
            }
        }
    }

    /// Start writing a VCD to `path` (the model must be built with
    /// [`BuildOptions::traced`]).
    pub fn trace_open(&mut self, path: &Path) -> Result<(), FlowError> {
        if !self.lib.traced {
            return Err(err("model was built without --trace"));
        }
        let c = CString::new(path.to_string_lossy().as_bytes()).map_err(|e| err(e.to_string()))?;
        // SAFETY: valid handle and C string.
        let r = unsafe { (self.lib.fns.trace_open)(self.handle, c.as_ptr()) };
        if r != 0 {
            return Err(err(format!("trace_open failed ({r})")));
        }
        self.tracing = true;
        // SAFETY: tracing is open.
        unsafe { (self.lib.fns.trace_dump)(self.handle, self.time) };
        Ok(())
    }

    /// Dump the current values at the current time (e.g. after inputs
    /// changed between ticks); no-op when not tracing.
    pub fn trace_dump(&mut self) {
        if self.tracing {
            self.time += 1;
            // SAFETY: valid handle, tracing open.
            unsafe { (self.lib.fns.trace_dump)(self.handle, self.time) }
        }
    }

    /// Flush and close the VCD.
    pub fn trace_close(&mut self) {
        if self.tracing {
            // SAFETY: valid handle.
            unsafe { (self.lib.fns.trace_close)(self.handle) };
            self.tracing = false;
        }
    }
}

impl Drop for VerilatedModel {
    fn drop(&mut self) {
        // SAFETY: handle from create, destroyed once (closes any open trace).
        unsafe { (self.lib.fns.destroy)(self.handle) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_make_variables() {
        let mk = "VM_GLOBAL_FAST += \\\n\tverilated \\\n\tverilated_threads \\\n\nVM_GLOBAL_SLOW += \\\n\n";
        assert_eq!(
            mk_list(mk, "VM_GLOBAL_FAST"),
            vec!["verilated", "verilated_threads"]
        );
        assert!(mk_list(mk, "VM_GLOBAL_SLOW").is_empty());
    }

    #[test]
    fn concurrent_builds_of_one_model_build_once() {
        // Unique Verilog per run so that the cache is cold.
        let stamp = format!("{:?}", std::time::SystemTime::now());
        let v = format!(
            "// {stamp}\nmodule par(clock, a, y);\ninput wire clock;\ninput wire [7:0] a;\n\
             output reg [7:0] y;\nalways @(posedge clock) y <= y + a;\nendmodule\n"
        );
        let dir = std::env::temp_dir().join(format!("ntx-vl-par-{}", std::process::id()));
        let opts = BuildOptions {
            cache_dir: Some(dir.clone()),
            ..Default::default()
        };
        let hs: Vec<_> = (0..3)
            .map(|_| {
                let (v, o) = (v.clone(), opts.clone());
                std::thread::spawn(move || {
                    let mut m = VerilatedModel::build_with("par", &v, &o).unwrap();
                    m.set("a", 3);
                    m.tick();
                    m.tick();
                    (
                        m.get("y"),
                        m.build_info().cached,
                        m.build_info().dir.clone(),
                    )
                })
            })
            .collect();
        let rs: Vec<_> = hs.into_iter().map(|h| h.join().unwrap()).collect();
        assert!(rs.iter().all(|r| r.0 == 6 && r.2 == rs[0].2), "{rs:?}");
        assert_eq!(
            rs.iter().filter(|r| !r.1).count(),
            1,
            "exactly one thread builds: {rs:?}"
        );
        // Nothing but the finished build and its lock file is left.
        let left: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(left.len(), 2, "{left:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn old_builds_of_a_name_are_pruned() {
        let dir = std::env::temp_dir().join(format!("ntx-vl-prune-{}", std::process::id()));
        for i in 0..KEEP_PER_NAME + 2 {
            let d = dir.join(format!("blk-{:024x}", i));
            std::fs::create_dir_all(&d).unwrap();
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        std::fs::create_dir_all(dir.join(format!("blk-{:024x}-trace", 0))).unwrap();
        std::fs::create_dir_all(dir.join(format!("blkx-{:024x}", 0))).unwrap();
        prune(&dir, "blk", false);
        let mut left: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left.len(), KEEP_PER_NAME + 2, "{left:?}");
        assert!(
            !left.contains(&format!("blk-{:024x}", 0))
                && !left.contains(&format!("blk-{:024x}", 1))
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Finding 2 of issue 17: a truncated library (or one without its
    /// manifest) is rebuilt with a message, never mapped; temporary
    /// folders of dead builds are removed.
    #[test]
    fn damaged_cache_entries_are_rebuilt() {
        let dir = std::env::temp_dir().join(format!("ntx-vl-heal-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let opts = BuildOptions {
            cache_dir: Some(dir.clone()),
            ..Default::default()
        };
        let v = "module heal(clock, a, y);\ninput wire clock;\ninput wire [7:0] a;\n\
                 output reg [7:0] y;\nalways @(posedge clock) y <= y ^ a;\nendmodule\n";
        // a stale temporary folder of a build process that is gone
        let stale = dir.join(".tmp-heal-0123-999999999-0");
        std::fs::create_dir_all(&stale).unwrap();
        let (fin, cached) = build_cached("heal", v, &opts).unwrap();
        assert!(!cached);
        assert!(!stale.exists(), "stale temporary folder removed");
        assert!(verify_entry_now(&fin, "libVheal.so").is_ok());
        let so = fin.join("libVheal.so");
        let len = std::fs::metadata(&so).unwrap().len();
        // truncate: the entry is damaged and rebuilt (never dlopened here)
        std::fs::OpenOptions::new()
            .write(true)
            .open(&so)
            .unwrap()
            .set_len(len / 2)
            .unwrap();
        assert!(matches!(
            verify_entry_now(&fin, "libVheal.so"),
            Err(Damage::Bad(_))
        ));
        let (fin2, cached) = build_cached("heal", v, &opts).unwrap();
        assert_eq!(fin2, fin);
        assert!(!cached, "rebuilt");
        assert_eq!(std::fs::metadata(&so).unwrap().len(), len);
        // a healthy entry is used as it is, and loads
        let (_, cached) = build_cached("heal", v, &opts).unwrap();
        assert!(cached);
        let mut m = VerilatedModel::build_with("heal", v, &opts).unwrap();
        m.set("a", 5);
        m.tick();
        assert_eq!(m.get("y") & 5, 5);
        // an entry without manifest (interrupted or older build) is damaged
        std::fs::remove_file(fin.join(MANIFEST)).unwrap();
        assert!(matches!(
            verify_entry_now(&fin, "libVheal.so"),
            Err(Damage::Bad(_))
        ));
        let _ = std::fs::remove_dir_all(&dir);
    }

    const WIDE: &str = "module top(clock,en,a,w,q,count,prod,wide_out);\n\
        input wire clock;\ninput wire en;\ninput wire [15:0] a;\ninput wire [99:0] w;\n\
        input wire [39:0] q;\noutput reg [31:0] count;\noutput reg [47:0] prod;\n\
        output reg [99:0] wide_out;\nreg [31:0] r;\ninitial begin r = 32'd5; end\n\
        always @(posedge clock) if (en) r <= r + a;\n\
        always @(*) begin count = r; prod = r * a + q; wide_out = w + {68'd0, r}; end\n\
        endmodule // top\n";

    #[test]
    fn builds_and_drives_a_model_with_wide_ports() {
        let mut m = VerilatedModel::build("unit_wide", WIDE).unwrap();
        let names: Vec<_> = m
            .ports()
            .iter()
            .map(|p| (p.name.as_str(), p.width, p.dir))
            .collect();
        assert!(
            names.contains(&("w", 100, Dir::Input)) && names.contains(&("prod", 48, Dir::Output))
        );
        assert_eq!(m.get("count"), 5, "initial value");
        m.set("a", 0x1_0003); // masked to 16 bits
        m.set("en", 1);
        m.tick();
        m.tick();
        assert_eq!(m.get("count"), 11);
        m.set("q", 1 << 39);
        assert_eq!(m.get("prod"), 11 * 3, "inputs only settle on eval");
        m.eval();
        assert_eq!(m.get("prod"), 11 * 3 + (1 << 39));
        m.set_words("w", &[0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff]);
        m.eval();
        // 2^100 - 1 + 11 wraps to 10
        assert_eq!(m.get_words("wide_out"), vec![10, 0, 0, 0]);
        let again = VerilatedModel::build("unit_wide", WIDE).unwrap();
        assert!(again.build_info().cached);
        assert_eq!(again.get("count"), 5, "instances are independent");
    }
}
