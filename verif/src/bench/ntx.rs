//! NTX benchmark: cycles per job of the RTL (always-granting memory and
//! 50% grant stalls) for streaming kernels, against the reference cycle
//! counts where the spec lists one, and simulated cycles per second.

use crate::backend::Backend;
use crate::backend::{run_job, RunLimits};
use crate::model::job::{Command, Job};
use crate::model::mem::Tcdm;
use crate::rtl::RtlBackend;
use std::time::Instant;

fn job(name: &str, op: u8, init: u8, inner: u8, sel: u8, n: u16, three: bool) -> Job {
    let cmd = Command {
        opcode: op,
        init_level: init,
        inner_level: inner,
        outer_level: 1,
        init_sel: sel,
        ..Command::default()
    };
    Job {
        name: name.into(),
        cmd: cmd.encode(),
        loop_end: [n - 1, 0, 0, 0, 0],
        base: [0, 4 * 4096, 8 * 4096],
        stride: [
            [4, 0, 0, 0, 0],
            [4, 0, 0, 0, 0],
            [if three { 4 } else { 0 }, 0, 0, 0, 0],
        ],
    }
}

/// Figures as (name, value).
pub fn figures() -> Result<Vec<(String, String)>, String> {
    let n = 1000u16;
    let jobs = [
        job("MAC reduction", 0, 1, 1, 3, n, false),
        job("VADDSUB C=A+C", 1, 0, 0, 2, n, true),
        job("VMULT C=A*B", 2, 0, 0, 3, n, true),
        job("THTST", 5, 1, 0, 3, n, true),
        job("MASK", 6, 1, 0, 3, n, true),
        job("COPY vector", 8, 0, 0, 0, n, true),
    ];
    let mut mem = Tcdm::new(1 << 20, 0x5555_5555);
    for a in 0..3 * 4096 {
        mem.write(a, 0x3F80_0000 + (a << 7));
    }
    let mut out = vec![];
    let (mut cyc_total, t0) = (0u64, Instant::now());
    for j in &jobs {
        for (label, stall) in [("", [0.0, 0.0]), (" (50% stalls)", [0.5, 0.5])] {
            let mut be = RtlBackend::with_stalls(mem.clone(), stall, 1);
            let rep = run_job(&mut be, j, &mem, &RunLimits::default()).map_err(|e| e.0)?;
            let c = rep.cycles.unwrap_or(0);
            cyc_total += be.cycles().unwrap_or(0);
            out.push((
                format!("{}{} cycles for {n} elements", j.name, label),
                format!("{c} ({:.2}/element)", c as f64 / n as f64),
            ));
        }
    }
    let dt = t0.elapsed().as_secs_f64();
    out.push((
        "simulated cycles/s".into(),
        format!("{:.0}", cyc_total as f64 / dt),
    ));
    Ok(out)
}

/// Print the figures.
pub fn run() -> Result<(), String> {
    super::print_figures("ntx", &figures()?);
    Ok(())
}
