//! `ntx`: run NTX jobs on the golden model or the RTL, check reference
//! cases, generate examples and Verilog, and print benchmark figures.

use clap::{Parser, Subcommand};
use ntx_verif::backend::{create_backend, run_job, RunLimits};
use ntx_verif::jobfile;
use ntx_verif::model::mem::DEFAULT_TCDM_BYTES;
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
    #[arg(long, default_value_t = 1 << 32)]
    max_steps: u64,
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
    /// Train the digits CNN with every layer on the NTX cluster (the main job).
    Train(TrainArgs),
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
    },
}

#[derive(clap::Args)]
struct TrainArgs {
    /// Seed of the initial weights and the batch order.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Epochs over the 1,500 training images.
    #[arg(long, default_value_t = 16)]
    epochs: usize,
    /// Images per training step.
    #[arg(long, default_value_t = 16)]
    batch: usize,
    /// SGD learning rate.
    #[arg(long, default_value_t = 0.15)]
    lr: f32,
    /// Directory of the report and plots.
    #[arg(long, default_value = "target/ntx-train")]
    out: PathBuf,
    /// model: train on the golden cluster model; verilator: run --steps
    /// training steps on the RTL cluster and check them against the model.
    #[arg(long, default_value = "model")]
    backend: String,
    /// Training steps of --backend verilator.
    #[arg(long, default_value_t = 2)]
    steps: usize,
    /// With --backend verilator: write the per-kernel cycle table (CSV).
    #[arg(long)]
    write_cycles: Option<PathBuf>,
}

fn limits(o: &MemOpts) -> RunLimits {
    RunLimits {
        max_steps: o.max_steps,
        ..RunLimits::default()
    }
}

fn run() -> Result<(), String> {
    match Cli::parse().cmd {
        Cmd::RunJob {
            job,
            mem,
            out,
            opts,
        } => {
            let j = jobfile::read_job(&job).map_err(|e| e.to_string())?;
            let m = jobfile::read_mem(&mem, opts.mem_size, opts.fill).map_err(|e| e.to_string())?;
            let mut be = create_backend(&opts.backend, m.clone()).map_err(|e| e.to_string())?;
            let rep = run_job(be.as_mut(), &j, &m, &limits(&opts)).map_err(|e| e.to_string())?;
            jobfile::write_mem(&out, &rep.mem).map_err(|e| e.to_string())?;
            let cycles = rep
                .cycles
                .map(|c| format!(" cycles={c}"))
                .unwrap_or_default();
            println!(
                "job={} opcode={} steps={} backend={}{cycles}",
                j.name,
                j.command().opcode_name(),
                rep.steps,
                be.name()
            );
            Ok(())
        }
        Cmd::CheckCases { dir, opts } => {
            let (pass, fail) = ntx_verif::cases::check_dir(
                &dir,
                &opts.backend,
                opts.mem_size,
                opts.fill,
                &limits(&opts),
            )
            .map_err(|e| e.to_string())?;
            println!("{pass} passed, {fail} failed");
            if fail > 0 {
                Err(format!("{fail} case(s) differ from their expected memory"))
            } else {
                Ok(())
            }
        }
        Cmd::GenExamples { out } => {
            let n = ntx_verif::examples::write_examples(&out).map_err(|e| e.to_string())?;
            println!("wrote {n} example cases to {}", out.display());
            Ok(())
        }
        Cmd::Verilog {
            out,
            cluster_banks: Some(banks),
        } => {
            let v = ntx_verif::flow_blocks::cluster_verilog(banks)?;
            let f =
                ntx_verif::flow::write_verilog(&out, "cluster", &v).map_err(|e| e.to_string())?;
            println!("{}", f.display());
            Ok(())
        }
        Cmd::Verilog {
            out,
            cluster_banks: None,
        } => {
            let files =
                ntx_verif::flow_blocks::write_all_verilog(&out).map_err(|e| e.to_string())?;
            for f in files {
                println!("{}", f.display());
            }
            Ok(())
        }
        Cmd::Train(a) => ntx_verif::dnn::train::run(&ntx_verif::dnn::train::TrainOpts {
            seed: a.seed,
            epochs: a.epochs,
            batch: a.batch,
            lr: a.lr,
            out: a.out,
            backend: a.backend,
            steps: a.steps,
            write_cycles: a.write_cycles,
            quiet: false,
        }),
        Cmd::Bench {
            what,
            banks,
            backend,
        } => ntx_verif::bench::run(&what, banks, &backend),
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ntx: error: {e}");
            ExitCode::FAILURE
        }
    }
}
