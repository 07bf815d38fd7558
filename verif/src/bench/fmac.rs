//! FMAC: direct-drive harness of the rust-hdl model (shared with
//! `tests/suite/fmac.rs`), the golden-model checker of op streams, and the
//! benchmark (`ntx bench fmac`): pipeline latency, simulated cycles/s and the
//! Yosys figures of the FMAC next to a plain 284-bit adder.

use crate::flow::{check_block, SynthReport};
use crate::model::arith::{relu, Accumulator};
use crate::model::ieee::IeeeAcc;
use ntx_hw::fmac::{Fmac, WideAdder, FMAC_LATENCY};
use ntx_hw::params::FMAC_TAG_WIDTH;
use rust_hdl::prelude::*;
use std::collections::VecDeque;
use std::time::Instant;

/// One FMAC operation (the input ports of a valid cycle).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FmacOp {
    pub load: bool,
    pub load_value: u32,
    pub load_neg: bool,
    pub mul: bool,
    pub a: u32,
    pub b: u32,
    pub sub: bool,
    pub norm: bool,
    pub relu: bool,
    pub tag: u32,
    /// IEEE mode (exact Kulisch accumulation, RNE, special values, flags).
    pub ieee: bool,
}

impl FmacOp {
    /// `acc += a*b` (or `-=` with `sub`).
    pub fn mac(a: u32, b: u32, sub: bool) -> Self {
        Self {
            mul: true,
            a,
            b,
            sub,
            ..Self::default()
        }
    }
    /// `acc = +-value`.
    pub fn load(value: u32, neg: bool) -> Self {
        Self {
            load: true,
            load_value: value,
            load_neg: neg,
            ..Self::default()
        }
    }
    /// The same op in IEEE mode.
    pub fn ieee(mut self) -> Self {
        self.ieee = true;
        self
    }
    /// The same op, asking for the result (with ReLU if `relu`).
    pub fn norm(mut self, relu: bool) -> Self {
        self.norm = true;
        self.relu = relu;
        self
    }
}

/// An element of a test stream: an op, idle cycles, or a clear cycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Item {
    Op(FmacOp),
    Idle(u8),
    /// One idle cycle (`in_valid` = 0) with these values on the other inputs.
    Junk(FmacOp),
    Clear,
}

/// Outputs of the FMAC in one cycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FmacOut {
    pub valid: bool,
    pub result: u32,
    pub tag: u32,
    /// Exception flags (RISC-V `fflags` layout; IEEE mode only).
    pub flags: u32,
}

/// Direct drive of the rust-hdl [`Fmac`] (no `Simulation` harness).
pub struct FmacDriver {
    uut: Box<Fmac>,
    /// Cycles run so far.
    pub cycles: u64,
}

impl Default for FmacDriver {
    fn default() -> Self {
        Self::new()
    }
}

impl FmacDriver {
    pub fn new() -> Self {
        let mut uut = Box::new(Fmac::default());
        uut.connect_all();
        uut.clock.next = Clock { clk: false };
        assert!(simulate(uut.as_mut(), 1000), "FMAC does not settle");
        Self { uut, cycles: 0 }
    }

    /// One clock cycle: drive `op` (None: idle) and `clear`, return the
    /// outputs seen in this cycle (before the clock edge that ends it).
    /// The clock falls together with the new inputs (one settle instead of
    /// two; the design only acts on the rising edge).
    pub fn cycle(&mut self, op: Option<&FmacOp>, clear: bool) -> FmacOut {
        self.cycle_with(op.is_some(), &op.copied().unwrap_or_default(), clear)
    }

    /// One clock cycle with explicit `in_valid` and values on the op inputs.
    pub fn cycle_with(&mut self, valid: bool, o: &FmacOp, clear: bool) -> FmacOut {
        let u = self.uut.as_mut();
        u.clock.next = Clock { clk: false };
        u.clear.next = clear;
        u.in_valid.next = valid;
        u.op_a.next = (o.a as u64).into();
        u.op_b.next = (o.b as u64).into();
        u.load.next = o.load;
        u.load_value.next = (o.load_value as u64).into();
        u.load_neg.next = o.load_neg;
        u.mul.next = o.mul;
        u.sub.next = o.sub;
        u.norm.next = o.norm;
        u.relu.next = o.relu;
        u.ieee.next = o.ieee;
        u.tag_in.next = ((o.tag as u64) & ((1 << FMAC_TAG_WIDTH) - 1)).into();
        assert!(simulate(u, 1000), "FMAC does not settle");
        let out = FmacOut {
            valid: u.out_valid.val(),
            result: u.result.val().to_u32(),
            tag: u.tag_out.val().to_u32(),
            flags: u.flags.val().to_u32(),
        };
        u.clock.next = Clock { clk: true };
        assert!(simulate(u, 1000), "FMAC does not settle");
        self.cycles += 1;
        out
    }
}

/// The golden model of one FMAC op: update `acc`, return the expected
/// result of a `norm` op.
pub fn model_op(acc: &mut Accumulator, op: &FmacOp) -> Option<u32> {
    if op.load {
        acc.load(op.load_value, op.load_neg);
    }
    if op.mul {
        acc.mac(op.a, op.b, op.sub);
    }
    op.norm.then(|| {
        let r = acc.round();
        if op.relu {
            relu(r)
        } else {
            r
        }
    })
}

/// The golden model of one FMAC op in either mode: NTX-mode ops act on
/// `acc`, IEEE-mode ops on `iacc` (the FMAC has one accumulator: a stream
/// switches mode only at a load or a clear). Returns the expected result
/// and flags of a `norm` op.
pub fn model_op_any(acc: &mut Accumulator, iacc: &mut IeeeAcc, op: &FmacOp) -> Option<(u32, u32)> {
    if !op.ieee {
        return model_op(acc, op).map(|r| (r, 0));
    }
    if op.load {
        iacc.load(op.load_value, op.load_neg);
    }
    if op.mul {
        iacc.mac(op.a, op.b, op.sub);
    }
    op.norm.then(|| {
        let (r, f) = iacc.round();
        (if op.relu { relu(r) } else { r }, f)
    })
}

/// Figures of one checked stream.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StreamStats {
    /// Valid ops issued.
    pub ops: u64,
    /// Ops with `mul` (accumulations).
    pub macs: u64,
    /// Results checked.
    pub results: u64,
    /// Cycles simulated.
    pub cycles: u64,
}

/// Run `items` through the RTL and the golden model; every result must come
/// out exactly `FMAC_LATENCY` cycles after its op, bit-exact and with its
/// tag, and nothing else may come out. A `clear` kills the results of ops
/// still in flight (those due after the clear cycle).
pub fn check_stream(items: &[Item]) -> Result<StreamStats, String> {
    check_stream_results(items).map(|r| r.0)
}

/// [`check_stream`], also returning the results (in order) as they came
/// out of the RTL.
pub fn check_stream_results(items: &[Item]) -> Result<(StreamStats, Vec<u32>), String> {
    let mut drv = FmacDriver::new();
    let mut acc = Accumulator::new();
    let mut iacc = IeeeAcc::new();
    // (due cycle, item index, expected result, tag, flags)
    let mut pending: VecDeque<(u64, usize, u32, u32, u32)> = VecDeque::new();
    let mut stats = StreamStats::default();
    let tag_mask = (1u32 << FMAC_TAG_WIDTH) - 1;
    let mut got = Vec::new();
    let mut check = |out: FmacOut,
                     cycle: u64,
                     pending: &mut VecDeque<(u64, usize, u32, u32, u32)>|
     -> Result<(), String> {
        match pending.front() {
            Some(&(due, idx, want, tag, flags)) if due == cycle => {
                pending.pop_front();
                if !out.valid {
                    return Err(format!(
                        "item {idx}: no out_valid in cycle {cycle} (expected result {want:#010x})"
                    ));
                }
                got.push(out.result);
                if out.result != want || out.tag != tag || out.flags != flags {
                    return Err(format!(
                        "item {idx}: result {:#010x} tag {:#x} flags {:#x}, expected {want:#010x} \
                         tag {tag:#x} flags {flags:#x} (cycle {cycle})",
                        out.result, out.tag, out.flags
                    ));
                }
                Ok(())
            }
            _ if out.valid => Err(format!(
                "unexpected out_valid in cycle {cycle} (result {:#010x} tag {:#x})",
                out.result, out.tag
            )),
            _ => Ok(()),
        }
    };
    for (idx, item) in items.iter().enumerate() {
        match item {
            Item::Op(op) => {
                let cycle = drv.cycles;
                if let Some((want, flags)) = model_op_any(&mut acc, &mut iacc, op) {
                    pending.push_back((
                        cycle + FMAC_LATENCY as u64,
                        idx,
                        want,
                        op.tag & tag_mask,
                        flags,
                    ));
                }
                stats.ops += 1;
                stats.macs += op.mul as u64;
                let out = drv.cycle(Some(op), false);
                check(out, cycle, &mut pending)?;
            }
            Item::Idle(n) => {
                for _ in 0..*n {
                    let cycle = drv.cycles;
                    let out = drv.cycle(None, false);
                    check(out, cycle, &mut pending)?;
                }
            }
            Item::Junk(o) => {
                let cycle = drv.cycles;
                let out = drv.cycle_with(false, o, false);
                check(out, cycle, &mut pending)?;
            }
            Item::Clear => {
                let cycle = drv.cycles;
                let out = drv.cycle(None, true);
                check(out, cycle, &mut pending)?;
                pending.retain(|p| p.0 <= cycle);
                acc.clear();
                iacc.clear();
            }
        }
    }
    for _ in 0..=FMAC_LATENCY {
        let cycle = drv.cycles;
        let out = drv.cycle(None, false);
        check(out, cycle, &mut pending)?;
    }
    if let Some(&(due, idx, want, _, _)) = pending.front() {
        return Err(format!(
            "item {idx}: result {want:#010x} due in cycle {due} never came"
        ));
    }
    stats.cycles = drv.cycles;
    stats.results = got.len() as u64;
    Ok((stats, got))
}

/// The inputs of one cycle (for co-simulation).
#[derive(Clone, Copy, Debug, Default)]
struct CycleIn {
    clear: bool,
    valid: bool,
    op: FmacOp,
}

fn expand(items: &[Item]) -> Vec<CycleIn> {
    let mut v = Vec::new();
    for it in items {
        match it {
            Item::Op(o) => v.push(CycleIn {
                clear: false,
                valid: true,
                op: *o,
            }),
            Item::Idle(n) => v.extend((0..*n).map(|_| CycleIn::default())),
            Item::Junk(o) => v.push(CycleIn {
                clear: false,
                valid: false,
                op: *o,
            }),
            Item::Clear => v.push(CycleIn {
                clear: true,
                ..CycleIn::default()
            }),
        }
    }
    v.extend((0..=FMAC_LATENCY).map(|_| CycleIn::default()));
    v
}

/// Co-simulate the generated Verilog with Icarus against the rust-hdl model:
/// both get the same inputs cycle by cycle and must show the same outputs
/// (out_valid always; result and tag when valid). Returns the cycles compared.
pub fn icarus_cosim(items: &[Item], name: &str) -> Result<u64, String> {
    use std::fmt::Write as _;
    let cycles = expand(items);
    // rust-hdl outputs
    let mut drv = FmacDriver::new();
    let want: Vec<FmacOut> = cycles
        .iter()
        .map(|c| drv.cycle_with(c.valid, &c.op, c.clear))
        .collect();
    // Verilog: the design and a testbench that prints the outputs per cycle
    let dir = crate::flow::flow_dir().join(format!("cosim_{name}"));
    let mut fmac = Fmac::default();
    fmac.connect_all();
    crate::flow::write_verilog(&dir, "fmac", &generate_verilog(&fmac))
        .map_err(|e| e.to_string())?;
    let mut tb = String::from(
        "`timescale 1ns/1ps\nmodule tb;\n\
         reg clock = 0, clear = 0, in_valid = 0, load = 0, load_neg = 0, mul = 0, sub = 0, norm = 0, relu = 0, ieee = 0;\n\
         reg [31:0] op_a = 0, op_b = 0, load_value = 0;\n\
         reg [23:0] tag_in = 0;\n\
         wire out_valid; wire [31:0] result; wire [23:0] tag_out; wire [4:0] flags;\n\
         fmac dut(.clock(clock), .clear(clear), .in_valid(in_valid), .op_a(op_a), .op_b(op_b), \
         .load(load), .load_value(load_value), .load_neg(load_neg), .mul(mul), .sub(sub), \
         .norm(norm), .relu(relu), .ieee(ieee), .tag_in(tag_in), .out_valid(out_valid), \
         .result(result), .flags(flags), .tag_out(tag_out));\n\
         task cyc; begin #1; $display(\"%0d %h %h %h\", out_valid, result, tag_out, flags); \
         clock = 1; #1; clock = 0; end endtask\n\
         initial begin\n",
    );
    let tag_mask = (1u32 << FMAC_TAG_WIDTH) - 1;
    for c in &cycles {
        let o = c.op;
        writeln!(
            tb,
            "clear={}; in_valid={}; op_a=32'h{:08x}; op_b=32'h{:08x}; load={}; load_value=32'h{:08x}; \
             load_neg={}; mul={}; sub={}; norm={}; relu={}; ieee={}; tag_in=24'h{:06x}; cyc;",
            c.clear as u8,
            c.valid as u8,
            o.a,
            o.b,
            o.load as u8,
            o.load_value,
            o.load_neg as u8,
            o.mul as u8,
            o.sub as u8,
            o.norm as u8,
            o.relu as u8,
            o.ieee as u8,
            o.tag & tag_mask
        )
        .unwrap();
    }
    tb.push_str("$finish;\nend\nendmodule\n");
    std::fs::write(dir.join("tb.v"), tb).map_err(|e| e.to_string())?;
    let run = |cmd: &str, args: &[&str]| -> Result<String, String> {
        let out = std::process::Command::new(cmd)
            .args(args)
            .current_dir(&dir)
            .output()
            .map_err(|e| format!("cannot run {cmd} ({e}); install iverilog"))?;
        if !out.status.success() {
            return Err(format!(
                "{cmd} failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    run("iverilog", &["-o", "tb.vvp", "-s", "tb", "tb.v", "fmac.v"])?;
    let log = run("vvp", &["-n", "tb.vvp"])?;
    let lines: Vec<&str> = log
        .lines()
        .filter(|l| l.starts_with("0 ") || l.starts_with("1 "))
        .collect();
    if lines.len() != want.len() {
        return Err(format!(
            "Icarus printed {} cycles, expected {}",
            lines.len(),
            want.len()
        ));
    }
    for (i, (l, w)) in lines.iter().zip(&want).enumerate() {
        let f: Vec<&str> = l.split_whitespace().collect();
        let valid = f[0] == "1";
        let result = u32::from_str_radix(f[1], 16).unwrap_or(u32::MAX);
        let tag = u32::from_str_radix(f[2], 16).unwrap_or(u32::MAX);
        let flags = f
            .get(3)
            .and_then(|x| u32::from_str_radix(x, 16).ok())
            .unwrap_or(u32::MAX);
        if valid != w.valid || (valid && (result != w.result || tag != w.tag || flags != w.flags)) {
            return Err(format!(
                "cycle {i}: Verilog shows {l:?}, rust-hdl valid={} result={:08x} tag={:06x} \
                 flags={:02x}",
                w.valid, w.result, w.tag, w.flags
            ));
        }
    }
    Ok(want.len() as u64)
}

/// Yosys figures of the FMAC and of the 284-bit yardstick adder.
pub fn synth_figures() -> Result<(SynthReport, SynthReport), String> {
    let mut fmac = Fmac::default();
    fmac.connect_all();
    let f = check_block("fmac", &generate_verilog(&fmac)).map_err(|e| e.to_string())?;
    let mut add = WideAdder::default();
    add.connect_all();
    let a = check_block("wide_adder", &generate_verilog(&add)).map_err(|e| e.to_string())?;
    Ok((f, a))
}

/// User + system CPU seconds of this process (Linux `/proc/self/stat`,
/// 100 ticks per second), if available.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // fields after the command name (which is in parentheses)
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = f.get(11)?.parse().ok()?;
    let stime: f64 = f.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// Simulated cycles per second of the rust-hdl model (direct drive), one
/// MAC per cycle with a result every 64 ops: (per wall-clock second, per
/// CPU second of this process if known).
pub fn sim_speed(cycles: u64) -> (f64, Option<f64>) {
    let mut drv = FmacDriver::new();
    let mut x = 0x1234_5678u32;
    let cpu0 = cpu_seconds();
    let t = Instant::now();
    for i in 0..cycles {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        // operands around 1.0 with random signs and mantissas
        let a = (x & 0x807F_FFFF) | 0x3F00_0000;
        let b = (x.rotate_left(11) & 0x807F_FFFF) | 0x3F80_0000;
        let op = FmacOp::mac(a, b, false);
        let op = if i % 64 == 63 { op.norm(false) } else { op };
        drv.cycle(Some(&op), false);
    }
    let wall = cycles as f64 / t.elapsed().as_secs_f64();
    let cpu = match (cpu0, cpu_seconds()) {
        (Some(a), Some(b)) if b > a => Some(cycles as f64 / (b - a)),
        _ => None,
    };
    (wall, cpu)
}

/// Measure and print the FMAC figures.
pub fn run() -> Result<(), String> {
    println!("fmac_latency_cycles={FMAC_LATENCY} reference_latency_cycles=10");
    let (wall, cpu) = sim_speed(40_000);
    println!("fmac_sim_cycles_per_s={wall:.0}");
    if let Some(cpu) = cpu {
        println!("fmac_sim_cycles_per_cpu_s={cpu:.0}");
    }
    let (f, a) = synth_figures()?;
    println!(
        "fmac_yosys_cells={} fmac_yosys_flip_flops={} fmac_yosys_longest_path={}",
        f.cells, f.flip_flops, f.longest_path
    );
    println!(
        "adder284_yosys_cells={} adder284_yosys_longest_path={}",
        a.cells, a.longest_path
    );
    Ok(())
}
