//! Lock-step co-simulation of a rust-hdl block against the Verilator model of
//! the Verilog that rust-hdl generates for it.
//!
//! Both simulators see the same stimulus every cycle; after the inputs settle
//! every output port is compared, then both get one clock cycle. The first
//! difference stops the run: the harness replays the (deterministic)
//! testbench from cycle 0 with waveform dumping on both sides and reports the
//! cycle, the port, both values and the two VCD files (`target/cosim/`).
//!
//! What a block needs:
//! * a [`Drive`] function that applies one input port, by its Verilog name,
//!   to the rust-hdl struct (the `clock` port included); [`drive_fn!`]
//!   writes it for blocks whose ports are plain fields;
//! * a [`Testbench`]: produces the inputs of each cycle, seeing the outputs
//!   sampled in the previous cycle (so bus slaves can react to requests).
//!
//! Outputs are read generically from the rust-hdl struct (its top-level
//! output signals, by Verilog name) and by name from the Verilator model.

use crate::flow::FlowError;
use crate::verilator::{BuildInfo, BuildOptions, Dir, VerilatedModel};
use rust_hdl::core::prelude::*;
use rust_hdl::core::vcd_probe::VCDProbe;
use std::collections::HashMap;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// A port value as 32-bit words, least significant first.
pub type Words = Vec<u32>;

/// Values that can be built from port words (inputs of a rust-hdl block).
pub trait FromWords {
    /// Build from words, least significant first (extra bits are dropped).
    fn from_words(w: &[u32]) -> Self;
}

impl<const N: usize> FromWords for Bits<N> {
    fn from_words(w: &[u32]) -> Self {
        let word = |i: usize| w.get(i).copied().unwrap_or(0) as u64;
        if N <= 64 {
            let v = word(0) | (word(1) << 32);
            let v = if N == 64 { v } else { v & ((1u64 << N) - 1) };
            Bits::<N>::from(v)
        } else {
            let mut b = Bits::<N>::default();
            for i in 0..N {
                if (word(i / 32) >> (i % 32)) & 1 == 1 {
                    b = b.replace_bit(i, true);
                }
            }
            b
        }
    }
}

impl FromWords for bool {
    fn from_words(w: &[u32]) -> Self {
        w.first().copied().unwrap_or(0) & 1 == 1
    }
}

impl FromWords for Clock {
    fn from_words(w: &[u32]) -> Self {
        Clock {
            clk: bool::from_words(w),
        }
    }
}

/// Applies input `port` (Verilog name) to the rust-hdl block.
pub type Drive<B> = fn(&mut B, &str, &[u32]);

/// Writes a [`Drive`] function for a block whose input ports are plain
/// fields named as in Verilog, and arrays of signals (Verilog `name$i`)
/// after a second `;`: `drive_fn!(Dag; clock, init, step; loop_end, stride)`.
#[macro_export]
macro_rules! drive_fn {
    ($ty:ty; $($field:ident),* $(,)? $(; $($array:ident),* $(,)?)?) => {{
        fn drive(uut: &mut $ty, port: &str, w: &[u32]) {
            match port {
                $(stringify!($field) => uut.$field.next = $crate::cosim::FromWords::from_words(w),)*
                _ => {
                    $($(
                        if let Some(i) = port.strip_prefix(concat!(stringify!($array), "$")) {
                            let i: usize = i.parse().expect("array index");
                            uut.$array[i].next = $crate::cosim::FromWords::from_words(w);
                            return;
                        }
                    )*)?
                    panic!("{}: no input port `{}`", stringify!($ty), port)
                }
            }
        }
        drive as $crate::cosim::Drive<$ty>
    }};
}

fn vcd_to_words(v: &VCDValue, out: &mut Words) {
    // rust-hdl uses its own version of the `vcd` crate: take its "1" value
    // from a VCDValue instead of naming the type.
    let VCDValue::Single(one) = VCDValue::from(true) else {
        unreachable!()
    };
    out.clear();
    match v {
        VCDValue::Single(b) => out.push((*b == one) as u32),
        VCDValue::Vector(bits) => {
            out.resize(bits.len().div_ceil(32).max(1), 0);
            for (i, b) in bits.iter().rev().enumerate() {
                if *b == one {
                    out[i / 32] |= 1 << (i % 32);
                }
            }
        }
        _ => panic!("cosim: unsupported port type (string/composite) {v:?}"),
    }
}

/// Collects the top-level output signals of a block (Verilog names).
struct OutputProbe<'a> {
    depth: usize,
    ns: Vec<String>,
    names: Option<&'a mut Vec<String>>,
    values: &'a mut Vec<Words>,
    n: usize,
}

impl Probe for OutputProbe<'_> {
    fn visit_start_scope(&mut self, _name: &str, _node: &dyn Block) {
        self.depth += 1;
    }
    fn visit_end_scope(&mut self, _name: &str, _node: &dyn Block) {
        self.depth -= 1;
    }
    fn visit_start_namespace(&mut self, name: &str, _node: &dyn Block) {
        if self.depth == 1 {
            self.ns.push(name.to_string());
        }
    }
    fn visit_end_namespace(&mut self, _name: &str, _node: &dyn Block) {
        if self.depth == 1 {
            self.ns.pop();
        }
    }
    fn visit_atom(&mut self, name: &str, signal: &dyn Atom) {
        if self.depth != 1 || signal.kind() != AtomKind::OutputParameter {
            return;
        }
        if let Some(names) = self.names.as_deref_mut() {
            let mut full = self.ns.join("$");
            if !full.is_empty() {
                full.push('$');
            }
            full.push_str(name);
            names.push(full);
        }
        if self.values.len() <= self.n {
            self.values.push(Vec::new());
        }
        vcd_to_words(&signal.vcd(), &mut self.values[self.n]);
        self.n += 1;
    }
}

/// A rust-hdl block under direct drive (no `Simulation` harness).
pub struct RustHdlDut<B: Block> {
    /// The block.
    pub uut: B,
    drive: Drive<B>,
    vcd: Option<VCDProbe<BufWriter<File>>>,
    time: u64,
}

impl<B: Block> RustHdlDut<B> {
    /// Wrap `uut` (connects it) with its input adapter.
    pub fn new(mut uut: B, drive: Drive<B>) -> Self {
        uut.connect_all();
        RustHdlDut {
            uut,
            drive,
            vcd: None,
            time: 0,
        }
    }

    /// Apply input `port`.
    pub fn set(&mut self, port: &str, value: &[u32]) {
        (self.drive)(&mut self.uut, port, value)
    }

    /// Propagate input changes through the combinational logic.
    pub fn settle(&mut self) {
        assert!(
            simulate(&mut self.uut, 100),
            "rust-hdl logic did not settle"
        );
        self.dump(self.time + 1);
    }

    /// One clock cycle (clock high, settle, clock low, settle).
    pub fn tick(&mut self) {
        let rise = (self.time / 10) * 10 + 5;
        (self.drive)(&mut self.uut, "clock", &[1]);
        assert!(
            simulate(&mut self.uut, 100),
            "rust-hdl logic did not settle"
        );
        self.dump(rise);
        (self.drive)(&mut self.uut, "clock", &[0]);
        assert!(
            simulate(&mut self.uut, 100),
            "rust-hdl logic did not settle"
        );
        self.dump(rise + 5);
    }

    fn dump(&mut self, t: u64) {
        self.time = t;
        if let Some(mut v) = self.vcd.take() {
            v.timestamp(t).expect("vcd write");
            self.vcd = Some(write_vcd_change(v, &self.uut));
        }
    }

    /// Write a VCD of every signal of the block to `path` from now on.
    pub fn trace_open(&mut self, path: &Path) -> std::io::Result<()> {
        let f = BufWriter::new(File::create(path)?);
        let mut v = write_vcd_header(f, &self.uut);
        v.timestamp(self.time)?;
        self.vcd = Some(write_vcd_dump(v, &self.uut));
        Ok(())
    }

    /// Flush and close the VCD.
    pub fn trace_close(&mut self) {
        self.vcd = None; // BufWriter flushes on drop
    }

    /// Names of the top-level outputs (Verilog names), in visiting order.
    pub fn output_names(&self) -> Vec<String> {
        let mut names = Vec::new();
        let mut values = Vec::new();
        self.uut.accept(
            "uut",
            &mut OutputProbe {
                depth: 0,
                ns: vec![],
                names: Some(&mut names),
                values: &mut values,
                n: 0,
            },
        );
        names
    }

    /// Current output values, in [`Self::output_names`] order (reuses `out`).
    pub fn outputs(&self, out: &mut Vec<Words>) {
        self.uut.accept(
            "uut",
            &mut OutputProbe {
                depth: 0,
                ns: vec![],
                names: None,
                values: out,
                n: 0,
            },
        );
    }
}

/// Outputs sampled in one cycle, by name.
#[derive(Debug, Clone, Default)]
pub struct Sampled {
    index: HashMap<String, usize>,
    values: Vec<Words>,
}

impl Sampled {
    /// Outputs `values` of ports `names` (same order).
    pub fn new(names: &[String], values: Vec<Words>) -> Self {
        Sampled {
            index: names
                .iter()
                .cloned()
                .enumerate()
                .map(|(i, n)| (n, i))
                .collect(),
            values,
        }
    }
    /// Low 64 bits of output `port` (0 before the first cycle).
    pub fn get(&self, port: &str) -> u64 {
        if self.values.is_empty() {
            return 0;
        }
        match self.index.get(port) {
            Some(&i) => {
                let w = &self.values[i];
                w[0] as u64 | ((w.get(1).copied().unwrap_or(0) as u64) << 32)
            }
            None => panic!("no output port `{port}`"),
        }
    }
    /// All words of output `port` (empty before the first cycle).
    pub fn words(&self, port: &str) -> &[u32] {
        match self.index.get(port) {
            Some(&i) if !self.values.is_empty() => &self.values[i],
            _ => &[],
        }
    }
}

/// The inputs of one cycle (ports not set keep their value).
#[derive(Debug, Default)]
pub struct Stim {
    items: Vec<(&'static str, Words)>,
}

impl Stim {
    /// Drive `port` with `value` (low 64 bits).
    pub fn set(&mut self, port: &'static str, value: u64) {
        self.items
            .push((port, vec![value as u32, (value >> 32) as u32]));
    }
    /// Drive `port` with words, least significant first.
    pub fn set_words(&mut self, port: &'static str, words: &[u32]) {
        self.items.push((port, words.to_vec()));
    }
    /// The value set for `port` this cycle (the last one if set twice).
    pub fn get(&self, port: &str) -> Option<&[u32]> {
        self.items
            .iter()
            .rev()
            .find(|(p, _)| *p == port)
            .map(|(_, w)| &w[..])
    }
    /// All (port, value) pairs in the order they were set.
    pub fn items(&self) -> &[(&'static str, Words)] {
        &self.items
    }
}

/// A deterministic source of stimulus (seed it in its constructor: after a
/// mismatch the harness builds a fresh one and replays it).
pub trait Testbench {
    /// Set the inputs of `cycle`; `prev` holds the outputs sampled in the
    /// previous cycle (after its inputs settled, before its clock edge).
    fn inputs(&mut self, cycle: u64, prev: &Sampled, stim: &mut Stim);
}

/// Outcome of a clean co-simulation run.
#[derive(Debug, Clone)]
pub struct CosimReport {
    /// Cycles simulated.
    pub cycles: u64,
    /// Output ports compared each cycle.
    pub outputs: usize,
    /// Wall time spent in rust-hdl, seconds.
    pub rust_hdl_seconds: f64,
    /// Wall time spent in the Verilator model, seconds.
    pub verilator_seconds: f64,
    /// The Verilator build (cached or not, time).
    pub build: BuildInfo,
}

/// Why a co-simulation failed.
#[derive(Debug)]
pub enum CosimError {
    /// Building the Verilator model failed.
    Build(FlowError),
    /// The two simulators disagree.
    Mismatch {
        /// Block name.
        name: String,
        /// First cycle with a difference.
        cycle: u64,
        /// Output port (Verilog name).
        port: String,
        /// Value in rust-hdl.
        rust_hdl: Words,
        /// Value in Verilator.
        verilator: Words,
        /// Waveforms written for the replay (rust-hdl, Verilator), or why not.
        vcds: Result<(PathBuf, PathBuf), String>,
    },
    /// The port lists differ.
    Ports(String),
}

fn hex(w: &[u32]) -> String {
    let mut s = String::from("0x");
    for (i, x) in w.iter().rev().enumerate() {
        if i == 0 {
            s += &format!("{x:x}");
        } else {
            s += &format!("_{x:08x}");
        }
    }
    s
}

impl std::fmt::Display for CosimError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CosimError::Build(e) => write!(f, "cosim: Verilator build failed: {e}"),
            CosimError::Ports(s) => write!(f, "cosim: {s}"),
            CosimError::Mismatch {
                name,
                cycle,
                port,
                rust_hdl,
                verilator,
                vcds,
            } => {
                write!(
                    f,
                    "cosim {name}: first mismatch at cycle {cycle}, port `{port}`: rust-hdl {}, verilator {}",
                    hex(rust_hdl),
                    hex(verilator)
                )?;
                match vcds {
                    Ok((a, b)) => write!(f, "; waveforms: {} and {}", a.display(), b.display()),
                    Err(e) => write!(f, "; no waveforms: {e}"),
                }
            }
        }
    }
}
impl std::error::Error for CosimError {}

/// Directory for mismatch waveforms (`$NTX_COSIM_DIR`, else `target/cosim`
/// of the workspace found from the current directory, else a user cache
/// folder: [`crate::runctl::tool_dir`]).
pub fn cosim_dir() -> PathBuf {
    crate::runctl::tool_dir("NTX_COSIM_DIR", "cosim")
}

struct Run {
    mismatch: Option<(u64, String, Words, Words)>,
    rust_hdl_seconds: f64,
    verilator_seconds: f64,
    outputs: usize,
}

fn run_lockstep<B: Block, T: Testbench>(
    dut: &mut RustHdlDut<B>,
    vm: &mut VerilatedModel,
    tb: &mut T,
    cycles: u64,
) -> Result<Run, CosimError> {
    let names = dut.output_names();
    let mut vouts = Vec::new();
    for n in &names {
        match vm.port(n) {
            Some(i) if vm.ports()[i].dir == Dir::Output => vouts.push(i),
            _ => {
                return Err(CosimError::Ports(format!(
                    "rust-hdl output `{n}` is no Verilator output"
                )))
            }
        }
    }
    let n_vout = vm.ports().iter().filter(|p| p.dir == Dir::Output).count();
    if n_vout != names.len() {
        return Err(CosimError::Ports(format!(
            "Verilator has {n_vout} outputs, rust-hdl {} ({names:?})",
            names.len()
        )));
    }
    let mut vin: HashMap<&'static str, usize> = HashMap::new();
    let mut sampled = Sampled {
        index: names
            .iter()
            .cloned()
            .enumerate()
            .map(|(i, n)| (n, i))
            .collect(),
        values: Vec::new(),
    };
    let mut stim = Stim::default();
    let mut hv: Vec<Words> = Vec::new();
    let mut vw: Vec<u32> = Vec::new();
    let (mut th, mut tv) = (0f64, 0f64);
    for cycle in 0..cycles {
        stim.items.clear();
        tb.inputs(cycle, &sampled, &mut stim);
        let t0 = Instant::now();
        for (p, w) in &stim.items {
            dut.set(p, w);
        }
        dut.settle();
        dut.outputs(&mut hv);
        let t1 = Instant::now();
        for (p, w) in &stim.items {
            let i = *vin.entry(p).or_insert_with(|| {
                vm.port(p)
                    .unwrap_or_else(|| panic!("Verilator model has no port `{p}`"))
            });
            vm.set_words_idx(i, w);
        }
        vm.eval();
        vm.trace_dump();
        let t2 = Instant::now();
        th += (t1 - t0).as_secs_f64();
        tv += (t2 - t1).as_secs_f64();
        for (k, &i) in vouts.iter().enumerate() {
            let nw = vm.ports()[i].words();
            vw.resize(nw, 0);
            vm.get_words_idx(i, &mut vw);
            if hv[k][..] != vw[..] {
                return Ok(Run {
                    mismatch: Some((cycle, names[k].clone(), hv[k].clone(), vw.clone())),
                    rust_hdl_seconds: th,
                    verilator_seconds: tv,
                    outputs: names.len(),
                });
            }
        }
        std::mem::swap(&mut sampled.values, &mut hv);
        let t0 = Instant::now();
        dut.tick();
        let t1 = Instant::now();
        vm.tick();
        th += (t1 - t0).as_secs_f64();
        tv += t1.elapsed().as_secs_f64();
    }
    Ok(Run {
        mismatch: None,
        rust_hdl_seconds: th,
        verilator_seconds: tv,
        outputs: names.len(),
    })
}

/// Run `cycles` cycles of `make_tb()` on the rust-hdl block `make_dut()` and
/// on the Verilator model of `verilog` (top module `name`) in lock step.
///
/// `make_dut` and `make_tb` must be deterministic: after a mismatch they are
/// called again to replay the run with waveforms.
pub fn cosim<B, T>(
    name: &str,
    verilog: &str,
    make_dut: impl Fn() -> RustHdlDut<B>,
    make_tb: impl Fn() -> T,
    cycles: u64,
) -> Result<CosimReport, CosimError>
where
    B: Block,
    T: Testbench,
{
    let mut vm = VerilatedModel::build(name, verilog).map_err(CosimError::Build)?;
    let build = vm.build_info().clone();
    let mut dut = make_dut();
    let mut tb = make_tb();
    let run = run_lockstep(&mut dut, &mut vm, &mut tb, cycles)?;
    let Some((cycle, port, rust_hdl, verilator)) = run.mismatch else {
        return Ok(CosimReport {
            cycles,
            outputs: run.outputs,
            rust_hdl_seconds: run.rust_hdl_seconds,
            verilator_seconds: run.verilator_seconds,
            build,
        });
    };
    let vcds = replay_with_waves(name, verilog, &make_dut, &make_tb, cycle);
    Err(CosimError::Mismatch {
        name: name.to_string(),
        cycle,
        port,
        rust_hdl,
        verilator,
        vcds,
    })
}

fn replay_with_waves<B: Block, T: Testbench>(
    name: &str,
    verilog: &str,
    make_dut: &impl Fn() -> RustHdlDut<B>,
    make_tb: &impl Fn() -> T,
    cycle: u64,
) -> Result<(PathBuf, PathBuf), String> {
    let dir = cosim_dir();
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let a = dir.join(format!("{name}-rust-hdl.vcd"));
    let b = dir.join(format!("{name}-verilator.vcd"));
    let mut vm =
        VerilatedModel::build_with(name, verilog, &BuildOptions::traced()).map_err(|e| e.0)?;
    let mut dut = make_dut();
    let mut tb = make_tb();
    dut.trace_open(&a).map_err(|e| e.to_string())?;
    vm.trace_open(&b).map_err(|e| e.0)?;
    let run = run_lockstep(&mut dut, &mut vm, &mut tb, cycle + 1).map_err(|e| e.to_string())?;
    dut.trace_close();
    vm.trace_close();
    match run.mismatch {
        Some((c, ..)) if c == cycle => Ok((a, b)),
        other => Err(format!(
            "the replay did not reproduce the mismatch (got {:?}); is the testbench deterministic?",
            other.map(|m| m.0)
        )),
    }
}
