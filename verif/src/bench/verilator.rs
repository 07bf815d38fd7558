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
    while !n.is_multiple_of(256) || t0.elapsed().as_secs_f64() < seconds {
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
    while !m.is_multiple_of(4096) || t0.elapsed().as_secs_f64() < seconds {
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

/// NTX top on a real job: cycles/s of `--backend rtl` and `--backend
/// verilator` (same harness protocol) on reference cases, and the fresh
/// Verilator build time of the NTX. `cases` is the reference case directory.
pub fn ntx_figures(cases: &std::path::Path, seconds: f64) -> Result<SpeedFigures, String> {
    use crate::backend::{create_backend, run_job, RunLimits};
    let all = crate::jobfile::find_cases(cases).map_err(|e| e.to_string())?;
    let pick = |id: &str| {
        all.iter()
            .find(|c| c.id == id)
            .ok_or_else(|| format!("reference case {id} not found in {}", cases.display()))
    };
    let load = |c: &crate::jobfile::CaseFiles| -> Result<_, String> {
        let job = crate::jobfile::read_job(&c.job).map_err(|e| e.to_string())?;
        let ini =
            crate::jobfile::read_mem(&c.ini, 512 * 1024, 0x5555_5555).map_err(|e| e.to_string())?;
        Ok((job, ini))
    };
    let rate = |backend: &str, id: &str, budget: f64| -> Result<f64, String> {
        let (job, ini) = load(pick(id)?)?;
        let (mut cycles, t0) = (0u64, Instant::now());
        while t0.elapsed().as_secs_f64() < budget || cycles == 0 {
            let mut be = create_backend(backend, ini.clone()).map_err(|e| e.0)?;
            let r = run_job(be.as_mut(), &job, &ini, &RunLimits::default()).map_err(|e| e.0)?;
            cycles += be.cycles().unwrap_or(0).max(r.cycles.unwrap_or(0));
        }
        Ok(cycles as f64 / t0.elapsed().as_secs_f64())
    };
    // Fresh build time of the NTX model.
    let v = crate::flow_blocks::verilog("ntx").ok_or("no ntx block")?;
    let fresh =
        std::env::temp_dir().join(format!("ntx-bench-verilator-ntx-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&fresh);
    let opts = BuildOptions {
        cache_dir: Some(fresh.clone()),
        ..Default::default()
    };
    let t0 = Instant::now();
    drop(VerilatedModel::build_with("ntx", &v, &opts).map_err(|e| e.0)?);
    let build_seconds = t0.elapsed().as_secs_f64();
    let _ = std::fs::remove_dir_all(&fresh);
    let t0 = Instant::now();
    drop(VerilatedModel::build("ntx", &v).map_err(|e| e.0)?);
    let cached_seconds = t0.elapsed().as_secs_f64();
    // MAC job0016 (100k cycles) on Verilator, the 1000-step MASK job0072 on rust-hdl.
    let verilator_cps = rate("verilator", "0016", seconds)?;
    let rust_hdl_cps = rate("rtl", "0072", seconds)?;
    Ok(SpeedFigures {
        block: "ntx".into(),
        rust_hdl_cps,
        verilator_cps,
        build_seconds,
        cached_seconds,
    })
}

fn default_cases_dir() -> std::path::PathBuf {
    crate::cases::shipped_ref_cases()
}

/// Print the figures.
pub fn run() -> Result<(), String> {
    let mut t = super::Table::new(&[
        "block",
        "rust-hdl cycles/s",
        "verilator cycles/s",
        "speedup",
        "build s",
        "cached s",
    ]);
    let cases = std::env::var_os("NTX_REF_CASES")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(default_cases_dir);
    let mut all = vec![ntx_figures(&cases, 3.0)?];
    all.extend(figures(2.0)?);
    for f in all {
        t.row(&[
            f.block.to_string(),
            format!("{:.0}", f.rust_hdl_cps),
            format!("{:.0}", f.verilator_cps),
            format!("{:.0}x", f.speedup()),
            format!("{:.1}", f.build_seconds),
            format!("{:.3}", f.cached_seconds),
        ]);
    }
    t.print();
    Ok(())
}
