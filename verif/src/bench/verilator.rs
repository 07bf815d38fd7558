//! Verilator versus rust-hdl: simulated cycles per second of the same design
//! (random stimulus on every input each cycle, direct drive on the rust-hdl
//! side, the compiled model on the other) and the one-time Verilator build
//! time (a fresh build in an empty cache, and a cached load).
//!
//! `ntx bench verilator`

use crate::cosim::RustHdlDut;
use crate::drive_fn;
use crate::verilator::{BuildOptions, VerilatedModel};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rust_hdl::prelude::*;
use std::time::Instant;

/// Figures of one design.
#[derive(Debug, Clone)]
pub struct SpeedFigures {
    /// Block name.
    pub block: String,
    /// rust-hdl cycles/s (direct drive).
    pub rust_hdl_cps: f64,
    /// Verilator cycles/s (through the Rust API, one FFI call per port).
    pub verilator_cps: f64,
    /// Fresh build (verilate + compile + link + load), seconds.
    pub build_seconds: f64,
    /// Finding the cached build and loading it, seconds.
    pub cached_seconds: f64,
}

impl SpeedFigures {
    /// Verilator / rust-hdl.
    pub fn speedup(&self) -> f64 {
        self.verilator_cps / self.rust_hdl_cps
    }
}

/// Measure `make()`'s block with random values on `inputs` (name, width).
pub fn measure<B: Block>(
    name: &str,
    make: impl Fn() -> RustHdlDut<B>,
    inputs: &[(&'static str, usize)],
    seconds: f64,
) -> Result<SpeedFigures, String> {
    // Stimulus table, reused cyclically so that the RNG is not measured.
    let mut rng = StdRng::seed_from_u64(1);
    let table: Vec<Vec<u64>> = (0..4096)
        .map(|_| {
            inputs
                .iter()
                .map(|&(_, w)| rng.gen::<u64>() & if w >= 64 { u64::MAX } else { (1 << w) - 1 })
                .collect()
        })
        .collect();

    let mut dut = make();
    let verilog = generate_verilog(&dut.uut);
    let fresh = std::env::temp_dir().join(format!("ntx-bench-verilator-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&fresh);
    let opts = BuildOptions {
        cache_dir: Some(fresh.clone()),
        ..Default::default()
    };
    let t0 = Instant::now();
    drop(VerilatedModel::build_with(name, &verilog, &opts).map_err(|e| e.0)?);
    let build_seconds = t0.elapsed().as_secs_f64();
    let _ = std::fs::remove_dir_all(&fresh);
    VerilatedModel::build(name, &verilog).map_err(|e| e.0)?; // fill the normal cache
    let t0 = Instant::now();
    let mut vm = VerilatedModel::build(name, &verilog).map_err(|e| e.0)?;
    let cached_seconds = t0.elapsed().as_secs_f64();

    // rust-hdl: run until `seconds` have passed (checked every 256 cycles).
    let t0 = Instant::now();
    let mut n = 0usize;
    while n % 256 != 0 || t0.elapsed().as_secs_f64() < seconds {
        let row = &table[n % table.len()];
        for (k, &(p, _)) in inputs.iter().enumerate() {
            dut.set(p, &[row[k] as u32, (row[k] >> 32) as u32]);
        }
        dut.tick();
        n += 1;
    }
    let rust_hdl_cps = n as f64 / t0.elapsed().as_secs_f64();

    let idx: Vec<usize> = inputs
        .iter()
        .map(|(p, _)| vm.port(p).ok_or_else(|| format!("no port {p}")))
        .collect::<Result<_, _>>()?;
    let t0 = Instant::now();
    let mut m = 0usize;
    while m % 4096 != 0 || t0.elapsed().as_secs_f64() < seconds {
        let row = &table[m % table.len()];
        for (k, &i) in idx.iter().enumerate() {
            vm.set_idx(i, row[k]);
        }
        vm.tick();
        m += 1;
    }
    let verilator_cps = m as f64 / t0.elapsed().as_secs_f64();
    Ok(SpeedFigures {
        block: name.into(),
        rust_hdl_cps,
        verilator_cps,
        build_seconds,
        cached_seconds,
    })
}

/// Input ports (name, width) of a block, from its Verilog header.
fn inputs_of(verilog: &str) -> Vec<(&'static str, usize)> {
    crate::verilator::shim::parse_verilog_ports(verilog, "top")
        .expect("port list")
        .into_iter()
        .filter(|p| p.dir == crate::verilator::Dir::Input && p.name != "clock")
        .map(|p| (&*Box::leak(p.name.into_boxed_str()), p.width))
        .collect()
}

/// Figures for every block that has a co-simulation adapter.
pub fn figures(seconds: f64) -> Result<Vec<SpeedFigures>, String> {
    use ntx_hw::dag::Dag;
    use ntx_hw::fmac::Fmac;
    let mut out = Vec::new();
    let fmac = || {
        RustHdlDut::new(
            Fmac::default(),
            drive_fn!(Fmac; clock, clear, in_valid, op_a, op_b, load, load_value, load_neg, mul, sub, norm, relu, tag_in),
        )
    };
    let v = generate_verilog(&fmac().uut);
    let mut ins = inputs_of(&v);
    // Keep `clear` rare-ish: random stimulus still, but mostly not clearing.
    ins.retain(|(p, _)| *p != "clear");
    out.push(measure("fmac", fmac, &ins, seconds)?);
    let dag = || {
        RustHdlDut::new(
            Dag::default(),
            drive_fn!(Dag; clock, outer_level, init, step; loop_end, base, stride),
        )
    };
    let v = generate_verilog(&dag().uut);
    out.push(measure("dag", dag, &inputs_of(&v), seconds)?);
    Ok(out)
}

/// Print the figures.
pub fn run() -> Result<(), String> {
    println!(
        "{:<8} {:>14} {:>16} {:>9} {:>12} {:>12}",
        "block", "rust-hdl c/s", "verilator c/s", "speedup", "build s", "cached s"
    );
    for f in figures(2.0)? {
        println!(
            "{:<8} {:>14.0} {:>16.0} {:>8.0}x {:>12.1} {:>12.3}",
            f.block,
            f.rust_hdl_cps,
            f.verilator_cps,
            f.speedup(),
            f.build_seconds,
            f.cached_seconds
        );
    }
    Ok(())
}
