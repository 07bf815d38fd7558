//! `ntx`: run NTX jobs on the golden model or the RTL, check reference
//! cases, generate examples and Verilog, and print benchmark figures.

use clap::{Parser, Subcommand};
use ntx_verif::backend::{
    create_backend_with, run_job, select_mode, Mode, RunLimits, Stall, DEFAULT_MAX_STEPS,
};
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
    /// Memory contention on a timed backend: each TCDM port's grant is
    /// withheld with probability P per cycle (P as 0.1 or 10%), seeded
    /// (default seed 1); results must not change.
    #[arg(long, value_name = "P[,SEED]")]
    stall: Option<Stall>,
    /// Arithmetic mode: ntx (the reference's) or ieee (CTRL bit 3).
    #[arg(long, default_value = "ntx")]
    mode: Mode,
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
    /// Regenerate the README's figure tables from the RTL (the cycle
    /// contract: reference cases, examples, streaming rates, contention,
    /// and with --cluster the bank sweep). Prints them, or splices them into
    /// a README between its `<!-- ntx report: KEY -->` markers.
    Report {
        /// Timed backend: verilator or rtl (same cycles).
        #[arg(long, default_value = "verilator")]
        backend: String,
        /// README to update in place.
        #[arg(long)]
        readme: Option<PathBuf>,
        /// Include the cluster bank sweep (a Verilator build per bank count on first use).
        #[arg(long)]
        cluster: bool,
        /// Rewrite verif/examples/jobs/reference-cycles.txt with the examples' cycles now.
        #[arg(long)]
        record_examples: bool,
        #[command(flatten)]
        time: TimeOpts,
    },
    /// Train the digits CNN with every layer on the NTX cluster (the main job).
    Train(TrainArgs),
    /// Run a firmware ELF (spec 10): console output, then
    /// `exit=N cycles=N instret=N`; exit status 0 iff the exit code is 0.
    RunElf {
        /// The ELF file (RV32IM, linked for the spec-10 memory map).
        #[arg(long)]
        elf: PathBuf,
        /// iss (golden model), rtl (the RTL core on rust-hdl) or verilator.
        #[arg(long, default_value = "iss")]
        backend: String,
        /// Cycle limit (reaching it is an error).
        #[arg(long, default_value_t = 100_000_000)]
        max_cycles: u64,
        /// Print every retired instruction / trap to stderr.
        #[arg(long)]
        trace: bool,
        /// TCDM banks of the RTL cluster (8, 16, 32 or 64; 512 KiB in all).
        #[arg(long)]
        banks: Option<usize>,
        /// Write a VCD of the whole system (verilator backend; a traced
        /// model build, cached separately).
        #[arg(long)]
        vcd: Option<PathBuf>,
        #[command(flatten)]
        time: TimeOpts,
    },
    /// Cross-check the ISS against qemu-riscv32 on seeded random programs.
    IssFuzz {
        /// Number of programs.
        #[arg(long, default_value_t = 10_000)]
        programs: u64,
        /// Campaign seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Index of the first program (reproduce one with --programs 1).
        #[arg(long, default_value_t = 0)]
        first: u64,
        #[command(flatten)]
        time: TimeOpts,
    },
    /// Build the example firmware (verif/firmware/examples) into DIR.
    BuildFirmware {
        /// Output directory.
        #[arg(long)]
        out: PathBuf,
    },
    /// System model: cluster -> Hybrid Memory Cube -> 2-D torus of cubes
    /// (training step of a CNN, scaling, energy, area, GPU comparison).
    System(SystemArgs),
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

#[derive(clap::Args)]
struct SystemArgs {
    #[command(flatten)]
    time: TimeOpts,
    /// Network: alexnet, vgg16, resnet18, resnet34, resnet50, googlenet, digits.
    #[arg(long, default_value = "resnet50")]
    net: String,
    /// Mesh sizes in cubes (comma separated; square counts form a 2-D torus).
    #[arg(long, value_delimiter = ',', default_value = "1,4,16,64,256,1024")]
    cubes: Vec<usize>,
    /// Clusters on each cube's logic die (default: the parameter table's).
    #[arg(long)]
    clusters_per_cube: Option<usize>,
    /// Images per cube per step (data parallel; default 16, whose
    /// ResNet-50 activations fit the 8 GB cube).
    #[arg(long)]
    batch: Option<usize>,
    /// Directory of the SVG plots and tables.
    #[arg(long, default_value = "target/ntx-system")]
    out: PathBuf,
    /// Print every parameter with its source and exit.
    #[arg(long)]
    params: bool,
    /// Calibrate the cluster model against the RTL cluster on Verilator
    /// (minutes) and print the comparison table.
    #[arg(long)]
    calibrate: bool,
}

#[derive(clap::Args)]
struct TrainArgs {
    #[command(flatten)]
    time: TimeOpts,
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
        stall: o.stall,
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
            let mut be =
                create_backend_with(&opts.backend, m.clone(), opts.stall).map_err(failed)?;
            select_mode(be.as_mut(), opts.mode).map_err(failed)?;
            let rep = run_job(be.as_mut(), &j, &m, &limits(&opts)).map_err(failed)?;
            dest.commit(jobfile::format_mem(&rep.mem).as_bytes())
                .map_err(|e| Failure::error(format!("{}: {e}", out_file.display())))?;
            let cycles = rep
                .cycles
                .map(|c| format!(" cycles={c}"))
                .unwrap_or_default();
            // IEEE mode: the mode and the sticky exception flags (FLAGS register)
            let ieee = if opts.mode == Mode::Ieee {
                let f = be.read_reg(ntx_hw::params::regs::FLAGS).map_err(failed)?;
                format!(" mode=ieee flags={f:#04x}")
            } else {
                String::new()
            };
            out(format!(
                "job={} opcode={} steps={} backend={}{cycles}{ieee}",
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
                opts.mode,
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
            } else if !sum.slower.is_empty() {
                let l: Vec<String> = sum
                    .slower
                    .iter()
                    .map(|(id, c, r)| format!("{id} ({c} > {r})"))
                    .collect();
                Err(Failure::error(format!(
                    "{} case(s) took more cycles than {}/{}: {}",
                    l.len(),
                    dir.display(),
                    ntx_verif::cases::CYCLES_FILE,
                    l.join(", ")
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
        Cmd::Report {
            backend,
            readme,
            cluster,
            record_examples,
            time,
        } => {
            time.arm();
            report(&backend, readme, cluster, record_examples).map_err(failed)
        }
        Cmd::Train(a) => {
            a.time.arm();
            ntx_verif::dnn::train::run(&ntx_verif::dnn::train::TrainOpts {
                seed: a.seed,
                epochs: a.epochs,
                batch: a.batch,
                lr: a.lr,
                out: a.out,
                backend: a.backend,
                steps: a.steps,
                write_cycles: a.write_cycles,
                quiet: false,
            })
            .map_err(failed)
        }
        Cmd::RunElf {
            elf,
            backend,
            max_cycles,
            trace,
            banks,
            vcd,
            time,
        } => {
            time.arm();
            if banks.is_some() && backend == "iss" {
                eprintln!("note: --banks changes the RTL cluster's banking; the ISS is untimed");
            }
            let opts = ntx_verif::run_elf::ElfRunOpts {
                max_cycles,
                trace,
                banks,
                vcd,
            };
            let (rep, name) = ntx_verif::run_elf::run_elf_file(&elf, &backend, &opts)?;
            use std::io::Write;
            std::io::stdout()
                .write_all(&rep.console)
                .map_err(|e| e.to_string())?;
            println!("{}", rep.summary(name));
            if rep.exit != 0 {
                return Err(Failure::error(format!(
                    "{}: exit code {}",
                    elf.display(),
                    rep.exit
                )));
            }
            Ok(())
        }
        Cmd::IssFuzz {
            programs,
            seed,
            first,
            time,
        } => {
            time.arm();
            let t = std::time::Instant::now();
            let work = ntx_verif::iss_fuzz::default_work_dir();
            let rep = ntx_verif::iss_fuzz::run(seed, first, programs, &work)?;
            println!(
                "iss-fuzz: {} programs (seed {seed}, first {first}) match qemu-riscv32: {} result bytes compared in {:.1} s",
                rep.programs,
                rep.compared_bytes,
                t.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Cmd::BuildFirmware { out } => {
            for f in ntx_verif::firmware::build_examples(&out)? {
                println!("{}", f.display());
            }
            Ok(())
        }
        Cmd::System(a) => {
            a.time.arm();
            ntx_verif::system::report::run(&ntx_verif::system::report::Opts {
                net: a.net,
                cubes: a.cubes,
                clusters_per_cube: a.clusters_per_cube,
                batch: a.batch,
                out: a.out,
                params: a.params,
                calibrate: a.calibrate,
            })
            .map_err(failed)
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

fn report(
    backend: &str,
    readme: Option<PathBuf>,
    cluster: bool,
    record_examples: bool,
) -> Result<(), String> {
    use ntx_verif::contract;
    if record_examples {
        let rows = contract::example_rows(backend)?;
        let dir = ntx_verif::runctl::verif_path("examples/jobs");
        let f = dir.join(ntx_verif::cases::CYCLES_FILE);
        let text = contract::format_cycles_file(
            "Recorded cycles of the project's example cases (one NTX, memory always granting,\n\
             CMD write until STATUS idle): a limit that the cycle-contract tests enforce.\n\
             Regenerate with `ntx report --record-examples` only when a change makes them faster.",
            &rows,
        );
        std::fs::write(&f, text).map_err(|e| format!("{}: {e}", f.display()))?;
        println!("wrote {}", f.display());
    }
    let sections = contract::report(backend, cluster)?;
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into());
    let stamp = format!(
        "Tables below made by `ntx report --readme README.md{}` (backend {backend}) on the code of commit {commit}.\n",
        if cluster { " --cluster" } else { "" }
    );
    match readme {
        Some(path) => {
            let mut text =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            text = contract::splice(&text, "stamp", &stamp)?;
            for (key, body) in &sections {
                text = contract::splice(&text, key, body)?;
            }
            std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
            println!(
                "updated {} sections of {}",
                sections.len() + 1,
                path.display()
            );
        }
        None => {
            print!("{stamp}");
            for (key, body) in &sections {
                println!("\n[{key}]\n{body}");
            }
        }
    }
    Ok(())
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
