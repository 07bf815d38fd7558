//! `ntx`: run NTX jobs on the golden model or the RTL, check reference
//! cases, generate examples and Verilog, and print benchmark figures.

use clap::{Parser, Subcommand};
use ntx_verif::backend::{create_backend, run_job, RunLimits, DEFAULT_MAX_STEPS};
use ntx_verif::jobfile;
use ntx_verif::model::mem::DEFAULT_TCDM_BYTES;
use ntx_verif::runctl::{self, out, AtomicFile, Failure};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "ntx",
    version,
    about = "NTX near-memory training accelerator: simulation and verification"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

fn parse_hex(s: &str) -> Result<u32, String> {
    let h = s
        .strip_prefix("0x")
        .or_else(|| s.strip_prefix("0X"))
        .unwrap_or(s);
    u32::from_str_radix(h, 16).map_err(|_| format!("{s:?} is not a 32-bit hex value"))
}

fn parse_mem_size(s: &str) -> Result<usize, String> {
    let n: usize = s
        .parse()
        .map_err(|_| format!("{s:?} is not a byte count"))?;
    if n == 0 || !n.is_multiple_of(4) || n > (1 << 20) {
        return Err(format!(
            "memory size {n} must be a non-zero multiple of 4 up to 1 MiB"
        ));
    }
    Ok(n)
}

#[derive(clap::Args, Clone)]
struct MemOpts {
    /// Value of words absent from memory files (hex).
    #[arg(long, default_value = "55555555", value_parser = parse_hex)]
    fill: u32,
    /// TCDM size in bytes.
    #[arg(long, default_value_t = DEFAULT_TCDM_BYTES, value_parser = parse_mem_size)]
    mem_size: usize,
    /// Simulation backend.
    #[arg(long, default_value = "model")]
    backend: String,
    /// Largest job accepted, in execute steps.
    #[arg(long, default_value_t = DEFAULT_MAX_STEPS)]
    max_steps: u64,
    /// Treat job fields the NTX truncates or ignores (command bits 31:21,
    /// bases >= 1 MiB, unaligned bases and strides) as errors.
    #[arg(long)]
    strict: bool,
    #[command(flatten)]
    time: TimeOpts,
}

fn parse_secs(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v > 0.0 && v.is_finite() => Ok(v),
        _ => Err(format!("{s:?} is not a positive number of seconds")),
    }
}

#[derive(clap::Args, Clone)]
struct TimeOpts {
    /// Stop after this many seconds of wall time (exit status 124).
    #[arg(long, value_parser = parse_secs)]
    timeout: Option<f64>,
}

impl TimeOpts {
    fn arm(&self) {
        if let Some(t) = self.timeout {
            runctl::set_timeout(t);
        }
    }
}

#[derive(Subcommand)]
enum Cmd {
    /// Run one job from reset and write the final memory.
    RunJob {
        /// Job file (reference format).
        #[arg(long)]
        job: PathBuf,
        /// Initial memory file.
        #[arg(long)]
        mem: PathBuf,
        /// Output memory file.
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        opts: MemOpts,
    },
    /// Run every jobNNNN/iniNNNN/expNNNN case in a directory and compare.
    CheckCases {
        /// Directory with the cases.
        #[arg(long)]
        dir: PathBuf,
        #[command(flatten)]
        opts: MemOpts,
    },
    /// Write the project's example jobs (expected memory from the model).
    GenExamples {
        /// Output directory.
        #[arg(long)]
        out: PathBuf,
    },
    /// Write the Verilog of every block (DIR/<block>.v, top module <block>).
    Verilog {
        /// Output directory.
        #[arg(long)]
        out: PathBuf,
        /// Write only DIR/cluster.v: the 8-NTX cluster with this many TCDM
        /// banks (8, 16, 32 or 64; 32 KiW of TCDM).
        #[arg(long)]
        cluster_banks: Option<usize>,
    },
    /// Randomized soft-clear campaign: random jobs cancelled by a soft
    /// clear at a random cycle under random TCDM stalls, checked against
    /// the golden model (prefix of the stores, then a further job).
    Soak {
        /// Trials of the whole campaign (indices 0..N).
        #[arg(long)]
        jobs: u64,
        /// Campaign seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// verilator, rtl (rust-hdl) or model (the model's abort operation).
        #[arg(long, default_value = "verilator")]
        backend: String,
        /// Run only trials i with i mod N == I.
        #[arg(long, default_value = "0/1", value_parser = ntx_verif::soak::parse_shard)]
        shard: (u64, u64),
        /// First trial index (with --jobs i+1: rerun trial i alone).
        #[arg(long, default_value_t = 0)]
        from: u64,
        /// Resume file: progress is saved here and a rerun continues.
        #[arg(long)]
        state: Option<PathBuf>,
        #[command(flatten)]
        time: TimeOpts,
    },
    /// Print benchmark figures.
    Bench {
        /// What to measure.
        #[arg(default_value = "model")]
        what: String,
        /// TCDM banks (cluster-conv: 8, 16, 32 or 64).
        #[arg(long)]
        banks: Option<usize>,
        /// Simulator of cluster-conv and cluster-ntx: verilator or rust-hdl.
        #[arg(long, default_value = "verilator")]
        backend: String,
        #[command(flatten)]
        time: TimeOpts,
    },
}

fn limits(o: &MemOpts) -> RunLimits {
    RunLimits {
        max_steps: o.max_steps,
        ..RunLimits::default()
    }
}

/// The failure for an error message: a pending Ctrl-C or timeout decides
/// the exit status.
fn failed(e: impl ToString) -> Failure {
    match runctl::stop_requested() {
        Some(stop) => stop.failure(&format!(": {}", e.to_string())),
        None => Failure::error(e.to_string()),
    }
}

fn run() -> Result<(), Failure> {
    match Cli::parse().cmd {
        Cmd::RunJob {
            job,
            mem,
            out: out_file,
            opts,
        } => {
            opts.time.arm();
            // Check the output path before any work.
            let dest = AtomicFile::create(&out_file)
                .map_err(|e| Failure::error(format!("{}: {e}", out_file.display())))?;
            let j = jobfile::read_job(&job).map_err(failed)?;
            ntx_verif::cases::check_job_warnings(&j, &job, opts.strict)?;
            let m = jobfile::read_mem(&mem, opts.mem_size, opts.fill).map_err(failed)?;
            let mut be = create_backend(&opts.backend, m.clone()).map_err(failed)?;
            let rep = run_job(be.as_mut(), &j, &m, &limits(&opts)).map_err(failed)?;
            dest.commit(jobfile::format_mem(&rep.mem).as_bytes())
                .map_err(|e| Failure::error(format!("{}: {e}", out_file.display())))?;
            let cycles = rep
                .cycles
                .map(|c| format!(" cycles={c}"))
                .unwrap_or_default();
            out(format!(
                "job={} opcode={} steps={} backend={}{cycles}",
                j.name,
                j.command().opcode_name(),
                rep.steps,
                be.name()
            ))
        }
        Cmd::CheckCases { dir, opts } => {
            opts.time.arm();
            let sum = ntx_verif::cases::check_dir_with(
                &dir,
                &opts.backend,
                opts.mem_size,
                opts.fill,
                &limits(&opts),
                opts.strict,
            )?;
            let stopped = runctl::stop_requested();
            let tail = match (sum.not_run, stopped) {
                (0, _) | (_, None) => String::new(),
                (n, Some(_)) => format!(", {n} not run"),
            };
            out(format!(
                "{} passed, {} failed{tail}",
                sum.passed, sum.failed
            ))?;
            for e in &sum.errors {
                out(format!("  {e}"))?;
            }
            if let (Some(stop), true) = (stopped, sum.not_run > 0) {
                Err(stop.failure(&format!("after {} cases", sum.passed + sum.failed)))
            } else if sum.failed > 0 {
                Err(Failure::error(format!(
                    "{} of {} case(s) failed",
                    sum.failed,
                    sum.passed + sum.failed
                )))
            } else {
                Ok(())
            }
        }
        Cmd::GenExamples { out } => {
            let n = ntx_verif::examples::write_examples(&out).map_err(|e| e.to_string())?;
            runctl::out(format!("wrote {n} example cases to {}", out.display()))
        }
        Cmd::Verilog {
            out,
            cluster_banks: Some(banks),
        } => {
            let v = ntx_verif::flow_blocks::cluster_verilog(banks)?;
            let f =
                ntx_verif::flow::write_verilog(&out, "cluster", &v).map_err(|e| e.to_string())?;
            runctl::out(f.display())
        }
        Cmd::Verilog {
            out,
            cluster_banks: None,
        } => {
            let files =
                ntx_verif::flow_blocks::write_all_verilog(&out).map_err(|e| e.to_string())?;
            for f in files {
                runctl::out(f.display())?;
            }
            Ok(())
        }
        Cmd::Soak {
            jobs,
            seed,
            backend,
            shard,
            from,
            state,
            time,
        } => {
            time.arm();
            let o = ntx_verif::soak::SoakOpts {
                jobs,
                seed,
                backend,
                shard,
                from,
                state,
            };
            let t0 = std::time::Instant::now();
            let s = ntx_verif::soak::run(&o)?;
            out(ntx_verif::soak::summary_line(&o, &s, t0.elapsed()))?;
            if s.trials == 0 {
                Err(Failure::error(
                    "no trials in this shard (check --jobs, --from, --shard)",
                ))
            } else if !s.failures.is_empty() {
                Err(Failure::error(format!(
                    "{} trial(s) failed",
                    s.failures.len()
                )))
            } else {
                Ok(())
            }
        }
        Cmd::Bench {
            what,
            banks,
            backend,
            time,
        } => {
            time.arm();
            ntx_verif::bench::run(&what, banks, &backend).map_err(failed)
        }
    }
}

fn main() -> ExitCode {
    runctl::install_sigint();
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            if let Some(m) = &f.msg {
                runctl::warn(format!("ntx: error: {m}"));
            }
            ExitCode::from(f.code)
        }
    }
}
