//! `ntx train`: trains the digits CNN ([`super::net`]) with every layer's
//! arithmetic executed as NTX jobs on the golden cluster model, prints a
//! progress bar and the loss / test accuracy per epoch, the per-layer table
//! and writes a report and plots.
//!
//! **Cycles.** The golden model is untimed. The per-layer cycles come from
//! the RTL cluster: `ntx train --backend verilator --steps 1 --write-cycles
//! verif/data/dnn/step_cycles.csv` runs one training step (batch of the
//! calibration, default settings) on the Verilator cluster (8 NTX,
//! interconnect, 32 banks, DMA, HMC vault model with 40-cycle latency),
//! driven through the control port by the same command list, and records
//! the cycles of every kernel from its first command to the next kernel's
//! (register programming, DMA, NTX jobs and barrier polling included). That
//! table is committed, so `ntx train` needs no Verilator build; a batch size
//! other than the calibration's scales the cycles by the number of images
//! (the kernels are per-image loops; stated in the table's header).
//! Utilisation = NTX steps / (8 x cycles); Gflop/s = flops / cycles x
//! 1.25 GHz.
//!
//! `--backend verilator --steps N` runs N training steps on both the golden
//! model and the RTL cluster from the same state and compares the whole
//! external memory (parameters, gradients, every activation) word for word
//! after each step; a mismatch is an error (non-zero exit).

use super::exec::{Driven, Executor, KernelRun};
use super::net::{self, argmax, Digits, Net, TRAIN_IMAGES};
use super::{KernelInfo, Program, TCDM_WORDS};
use crate::cluster_tb::ClusterDrive;
use crate::model::cluster::ClusterModel;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Options of `ntx train`.
#[derive(Clone, Debug)]
pub struct TrainOpts {
    pub seed: u64,
    pub epochs: usize,
    pub batch: usize,
    pub lr: f32,
    pub out: PathBuf,
    /// `model` (train) or `verilator` (check `steps` steps against the model).
    pub backend: String,
    pub steps: usize,
    /// With `verilator`: write the per-kernel cycle table here.
    pub write_cycles: Option<PathBuf>,
    /// Hide the progress bar (tests).
    pub quiet: bool,
}

impl Default for TrainOpts {
    fn default() -> Self {
        Self {
            seed: 1,
            epochs: 16,
            batch: 16,
            lr: 0.15,
            out: PathBuf::from("target/ntx-train"),
            backend: "model".into(),
            steps: 2,
            write_cycles: None,
            quiet: false,
        }
    }
}

/// Clock of the cycle figures (the DATE paper's cluster).
pub const CLOCK_GHZ: f64 = 1.25;
/// The committed per-kernel cycles of one training step on the RTL cluster.
pub const STEP_CYCLES_CSV: &str = include_str!("../../data/dnn/step_cycles.csv");

/// One row of the cycle table.
#[derive(Clone, Debug, PartialEq)]
pub struct CycleRow {
    pub kernel: String,
    pub batch: usize,
    pub cycles: u64,
    pub flops: u64,
    pub jobs: u64,
    pub steps: u64,
}

/// Parse the cycle table (`kernel,batch,cycles,flops,jobs,steps`).
pub fn parse_cycles(text: &str) -> Result<Vec<CycleRow>, String> {
    let mut rows = vec![];
    for (l, line) in text.lines().enumerate().skip(1) {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.split(',').collect();
        if f.len() != 6 {
            return Err(format!(
                "step_cycles.csv line {}: {} fields, expected 6",
                l + 1,
                f.len()
            ));
        }
        let num = |i: usize| {
            f[i].trim()
                .parse::<u64>()
                .map_err(|_| format!("step_cycles.csv line {} field {}: {:?}", l + 1, i + 1, f[i]))
        };
        rows.push(CycleRow {
            kernel: f[0].to_string(),
            batch: num(1)? as usize,
            cycles: num(2)?,
            flops: num(3)?,
            jobs: num(4)?,
            steps: num(5)?,
        });
    }
    Ok(rows)
}

/// The cycle table as CSV.
pub fn cycles_csv(runs: &[KernelRun], batch: usize) -> String {
    let mut s = String::from("kernel,batch,cycles,flops,jobs,steps\n");
    for r in runs {
        let i = &r.info;
        let _ = writeln!(
            s,
            "{},{batch},{},{},{},{}",
            i.name, r.cycles, i.flops, i.jobs, i.steps
        );
    }
    s
}

/// Per-layer table row.
#[derive(Clone, Debug)]
pub struct LayerRow {
    pub info: KernelInfo,
    /// Cycles on the RTL cluster (scaled to the batch), if calibrated.
    pub cycles: Option<u64>,
}

impl LayerRow {
    /// NTX steps / (8 x cycles).
    pub fn utilisation(&self) -> Option<f64> {
        self.cycles
            .filter(|&c| c > 0)
            .map(|c| self.info.steps as f64 / (8.0 * c as f64))
    }
    /// Gflop/s at [`CLOCK_GHZ`].
    pub fn gflops(&self) -> Option<f64> {
        self.cycles
            .filter(|&c| c > 0)
            .map(|c| self.info.flops as f64 / c as f64 * CLOCK_GHZ)
    }
}

/// Per-layer rows of a step program with calibrated cycles.
pub fn layer_rows(step: &Program, batch: usize, table: &[CycleRow]) -> Vec<LayerRow> {
    step.kernels
        .iter()
        .map(|k| LayerRow {
            info: k.clone(),
            cycles: table
                .iter()
                .find(|r| r.kernel == k.name)
                .map(|r| (r.cycles as f64 * batch as f64 / r.batch as f64).round() as u64),
        })
        .collect()
}

/// Format the per-layer table.
pub fn format_table(rows: &[LayerRow]) -> String {
    let mut s = format!(
        "{:<16} {:>12} {:>7} {:>10} {:>7} {:>8}\n",
        "kernel", "flops", "jobs", "cycles", "util8", "Gflop/s"
    );
    let opt = |v: Option<String>| v.unwrap_or_else(|| "-".into());
    for r in rows {
        let _ = writeln!(
            s,
            "{:<16} {:>12} {:>7} {:>10} {:>7} {:>8}",
            r.info.name,
            r.info.flops,
            r.info.jobs,
            opt(r.cycles.map(|c| c.to_string())),
            opt(r.utilisation().map(|u| format!("{:.1}%", 100.0 * u))),
            opt(r.gflops().map(|g| format!("{g:.2}"))),
        );
    }
    let (f, c, st): (u64, u64, u64) = rows.iter().fold((0, 0, 0), |a, r| {
        (
            a.0 + r.info.flops,
            a.1 + r.cycles.unwrap_or(0),
            a.2 + r.info.steps,
        )
    });
    let _ = writeln!(
        s,
        "{:<16} {:>12} {:>7} {:>10} {:>7} {:>8}",
        "step total",
        f,
        rows.iter().map(|r| r.info.jobs).sum::<u64>(),
        c,
        if c > 0 {
            format!("{:.1}%", 100.0 * st as f64 / (8.0 * c as f64))
        } else {
            "-".into()
        },
        if c > 0 {
            format!("{:.2}", f as f64 / c as f64 * CLOCK_GHZ)
        } else {
            "-".into()
        },
    );
    s
}

/// One epoch's figures.
#[derive(Clone, Copy, Debug)]
pub struct EpochStats {
    pub epoch: usize,
    pub loss: f64,
    pub test_accuracy: f64,
    pub seconds: f64,
}

/// Run `prog` on the model.
fn run_model(ex: &mut Executor, c: &mut ClusterModel, prog: &Program) -> Result<(), String> {
    ex.run(c, prog).map(|_| ())
}

/// Test-set accuracy with the current parameters (forward passes on the
/// cluster model).
pub fn evaluate(
    ex: &mut Executor,
    c: &mut ClusterModel,
    net: &Net,
    fwd: &Program,
    d: &Digits,
) -> Result<f64, String> {
    let test: Vec<usize> = (TRAIN_IMAGES..d.images.len()).collect();
    let mut correct = 0;
    for chunk in test.chunks(net.batch) {
        net.write_batch(&mut c.ext, d, chunk);
        run_model(ex, c, fwd)?;
        for (n, &i) in chunk.iter().enumerate() {
            correct += (argmax(&net.read_logits(&c.ext, n)) as u32 == d.labels[i]) as usize;
        }
    }
    Ok(correct as f64 / test.len() as f64)
}

/// The training batches of an epoch (shuffled, the remainder dropped).
fn batches(rng: &mut StdRng, batch: usize) -> Vec<Vec<usize>> {
    let mut perm: Vec<usize> = (0..TRAIN_IMAGES).collect();
    perm.shuffle(rng);
    perm.chunks_exact(batch).map(|c| c.to_vec()).collect()
}

/// Result of a training run.
#[derive(Clone, Debug)]
pub struct TrainResult {
    pub epochs: Vec<EpochStats>,
    pub rows: Vec<LayerRow>,
    pub seconds: f64,
    pub test_accuracy: f64,
    /// Gflop/s of a training step on the RTL cluster (calibrated), if known.
    pub gflops: Option<f64>,
}

/// Train on the golden model.
pub fn train(o: &TrainOpts) -> Result<TrainResult, String> {
    let t0 = Instant::now();
    if o.batch == 0 || o.batch > TRAIN_IMAGES {
        return Err(format!("--batch must be 1..={TRAIN_IMAGES}"));
    }
    let d = net::digits()?;
    let net = Net::new(o.batch);
    let step = net.train_step()?;
    let fwd = net.forward()?;
    let mut c = ClusterModel::new(TCDM_WORDS * 4, net.ext_bytes, 0);
    net.write_params(&mut c.ext, &Net::init_params(o.seed), o.lr);
    let mut ex = Executor::new();
    let mut rng = StdRng::seed_from_u64(o.seed.wrapping_add(0x5eed));
    let mut epochs = vec![];
    for e in 0..o.epochs {
        let te = Instant::now();
        let bs = batches(&mut rng, o.batch);
        let pb = if o.quiet {
            indicatif::ProgressBar::hidden()
        } else {
            indicatif::ProgressBar::new(bs.len() as u64)
        };
        pb.set_style(
            indicatif::ProgressStyle::with_template(
                "epoch {msg} [{bar:30}] {pos}/{len} steps {elapsed_precise}",
            )
            .unwrap()
            .progress_chars("=> "),
        );
        pb.set_message(format!("{}/{}", e + 1, o.epochs));
        let mut loss = 0.0;
        for (k, b) in bs.iter().enumerate() {
            // Learning rate: linear decay from lr to 0 over all steps (the
            // host rewrites the word the SGD kernel reads).
            let t = (e * bs.len() + k) as f32 / (o.epochs * bs.len()) as f32;
            c.ext[net.lr as usize / 4] = (o.lr * (1.0 - t)).to_bits();
            net.write_batch_shifted(&mut c.ext, &d, b, &mut rng);
            run_model(&mut ex, &mut c, &step)?;
            loss += net.read_loss(&c.ext) as f64;
            pb.inc(1);
        }
        pb.finish_and_clear();
        let acc = evaluate(&mut ex, &mut c, &net, &fwd, &d)?;
        let s = EpochStats {
            epoch: e + 1,
            loss: loss / bs.len() as f64,
            test_accuracy: acc,
            seconds: te.elapsed().as_secs_f64(),
        };
        if !o.quiet {
            println!(
                "epoch {:2}/{}: loss {:.4}  test accuracy {:.1}%  ({:.1} s)",
                s.epoch,
                o.epochs,
                s.loss,
                100.0 * s.test_accuracy,
                s.seconds
            );
        }
        epochs.push(s);
    }
    let test_accuracy = match epochs.last() {
        Some(s) => s.test_accuracy,
        None => evaluate(&mut ex, &mut c, &net, &fwd, &d)?,
    };
    let table = parse_cycles(STEP_CYCLES_CSV)?;
    let rows = layer_rows(&step, o.batch, &table);
    let (f, cy) = rows.iter().fold((0u64, Some(0u64)), |a, r| {
        (a.0 + r.info.flops, a.1.zip(r.cycles).map(|(x, y)| x + y))
    });
    Ok(TrainResult {
        epochs,
        rows,
        seconds: t0.elapsed().as_secs_f64(),
        test_accuracy,
        gflops: cy
            .filter(|&c| c > 0)
            .map(|c| f as f64 / c as f64 * CLOCK_GHZ),
    })
}

/// Write `report.json`, `epochs.csv`, `layers.csv`, `curves.svg` and
/// `utilisation.svg` into `dir`.
pub fn write_report(dir: &Path, o: &TrainOpts, r: &TrainResult) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let wr = |name: &str, s: &str| {
        std::fs::write(dir.join(name), s).map_err(|e| format!("{}: {e}", dir.join(name).display()))
    };
    let mut ep = String::from("epoch,loss,test_accuracy,seconds\n");
    for e in &r.epochs {
        let _ = writeln!(
            ep,
            "{},{:.6},{:.4},{:.2}",
            e.epoch, e.loss, e.test_accuracy, e.seconds
        );
    }
    wr("epochs.csv", &ep)?;
    let mut ly = String::from("kernel,flops,jobs,ntx_steps,cycles,utilisation,gflops\n");
    let o2 = |v: Option<f64>| v.map(|x| format!("{x:.4}")).unwrap_or_default();
    for l in &r.rows {
        let _ = writeln!(
            ly,
            "{},{},{},{},{},{},{}",
            l.info.name,
            l.info.flops,
            l.info.jobs,
            l.info.steps,
            l.cycles.map(|c| c.to_string()).unwrap_or_default(),
            o2(l.utilisation()),
            o2(l.gflops())
        );
    }
    wr("layers.csv", &ly)?;
    let mut js = format!(
        "{{\n  \"seed\": {}, \"epochs\": {}, \"batch\": {}, \"lr\": {},\n  \"seconds\": {:.2}, \"test_accuracy\": {:.4}, \"gflops\": {},\n  \"epoch_stats\": [\n",
        o.seed,
        o.epochs,
        o.batch,
        o.lr,
        r.seconds,
        r.test_accuracy,
        r.gflops.map(|g| format!("{g:.3}")).unwrap_or("null".into())
    );
    for (i, e) in r.epochs.iter().enumerate() {
        let _ = writeln!(
            js,
            "    {{\"epoch\": {}, \"loss\": {:.6}, \"test_accuracy\": {:.4}}}{}",
            e.epoch,
            e.loss,
            e.test_accuracy,
            if i + 1 < r.epochs.len() { "," } else { "" }
        );
    }
    js += "  ],\n  \"layers\": [\n";
    for (i, l) in r.rows.iter().enumerate() {
        let _ = writeln!(
            js,
            "    {{\"kernel\": \"{}\", \"flops\": {}, \"jobs\": {}, \"cycles\": {}, \"utilisation\": {}}}{}",
            l.info.name,
            l.info.flops,
            l.info.jobs,
            l.cycles.map(|c| c.to_string()).unwrap_or("null".into()),
            l.utilisation().map(|u| format!("{u:.4}")).unwrap_or("null".into()),
            if i + 1 < r.rows.len() { "," } else { "" }
        );
    }
    js += "  ]\n}\n";
    wr("report.json", &js)?;
    plot_curves(&dir.join("curves.svg"), &r.epochs)?;
    plot_utilisation(&dir.join("utilisation.svg"), &r.rows)?;
    Ok(())
}

fn plot_curves(path: &Path, ep: &[EpochStats]) -> Result<(), String> {
    use plotters::prelude::*;
    let err = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let root = SVGBackend::new(path, (900, 360)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let (l, r) = root.split_horizontally(450);
    let n = ep.len().max(1) as f64;
    let maxl = ep.iter().map(|e| e.loss).fold(0.1, f64::max) * 1.1;
    let mut c = ChartBuilder::on(&l)
        .caption("training loss", ("sans-serif", 18))
        .margin(10)
        .x_label_area_size(30)
        .y_label_area_size(45)
        .build_cartesian_2d(0.5..n + 0.5, 0.0..maxl)
        .map_err(|e| err(&e))?;
    c.configure_mesh()
        .x_desc("epoch")
        .draw()
        .map_err(|e| err(&e))?;
    c.draw_series(LineSeries::new(
        ep.iter().map(|e| (e.epoch as f64, e.loss)),
        &BLUE,
    ))
    .map_err(|e| err(&e))?;
    let mut c = ChartBuilder::on(&r)
        .caption("test accuracy (%)", ("sans-serif", 18))
        .margin(10)
        .x_label_area_size(30)
        .y_label_area_size(45)
        .build_cartesian_2d(0.5..n + 0.5, 0.0..100.0)
        .map_err(|e| err(&e))?;
    c.configure_mesh()
        .x_desc("epoch")
        .draw()
        .map_err(|e| err(&e))?;
    c.draw_series(LineSeries::new(
        ep.iter().map(|e| (e.epoch as f64, 100.0 * e.test_accuracy)),
        &RED,
    ))
    .map_err(|e| err(&e))?;
    root.present().map_err(|e| err(&e))
}

fn plot_utilisation(path: &Path, rows: &[LayerRow]) -> Result<(), String> {
    use plotters::prelude::*;
    let err = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let rows: Vec<&LayerRow> = rows.iter().filter(|r| r.info.steps > 0).collect();
    let root = SVGBackend::new(path, (900, 420)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let names: Vec<String> = rows.iter().map(|r| r.info.name.clone()).collect();
    let mut c = ChartBuilder::on(&root)
        .caption(
            "utilisation of the 8 NTX per kernel (RTL cluster cycles)",
            ("sans-serif", 18),
        )
        .margin(10)
        .x_label_area_size(60)
        .y_label_area_size(45)
        .build_cartesian_2d(-0.5..rows.len() as f64 - 0.5, 0.0..100.0)
        .map_err(|e| err(&e))?;
    c.configure_mesh()
        .disable_x_mesh()
        .x_labels(rows.len())
        .x_label_formatter(&|x| {
            let i = x.round();
            if (x - i).abs() < 1e-6 && i >= 0.0 {
                names.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .y_desc("%")
        .draw()
        .map_err(|e| err(&e))?;
    c.draw_series(rows.iter().enumerate().map(|(i, r)| {
        let u = 100.0 * r.utilisation().unwrap_or(0.0);
        Rectangle::new(
            [(i as f64 - 0.35, 0.0), (i as f64 + 0.35, u)],
            BLUE.filled(),
        )
    }))
    .map_err(|e| err(&e))?;
    root.present().map_err(|e| err(&e))
}

/// `ntx train`.
pub fn run(o: &TrainOpts) -> Result<(), String> {
    match o.backend.as_str() {
        "model" => {}
        "verilator" => return check_verilator(o),
        b => return Err(format!("--backend must be model or verilator (got {b:?})")),
    }
    println!(
        "ntx train: digits CNN (conv3x3 1->8, ReLU, maxpool 2, conv3x3 8->16, ReLU, FC 256->10), {} parameters; {} train / {} test images; every layer on the NTX cluster model",
        net::n_params(),
        TRAIN_IMAGES,
        1797 - TRAIN_IMAGES
    );
    println!(
        "seed {} epochs {} batch {} lr {}",
        o.seed, o.epochs, o.batch, o.lr
    );
    let r = train(o)?;
    println!();
    println!("per training step (batch {}), cycles measured on the RTL cluster (Verilator, 32 banks; verif/data/dnn/step_cycles.csv), Gflop/s at {CLOCK_GHZ} GHz:", o.batch);
    print!("{}", format_table(&r.rows));
    write_report(&o.out, o, &r)?;
    println!(
        "report: {}/report.json, epochs.csv, layers.csv, curves.svg, utilisation.svg",
        o.out.display()
    );
    println!(
        "trained in {:.1} s: test_accuracy={:.1}% gflops={}",
        r.seconds,
        100.0 * r.test_accuracy,
        r.gflops.map(|g| format!("{g:.2}")).unwrap_or("n/a".into())
    );
    Ok(())
}

/// Result of [`verilator_steps`].
#[derive(Clone, Debug)]
pub struct VerilatorCheck {
    /// Per-kernel runs of the last step on the RTL cluster.
    pub runs: Vec<KernelRun>,
    /// Cycles of each step.
    pub step_cycles: Vec<u64>,
}

/// Run `steps` training steps (batch `batch`, parameters from `seed`, the
/// first batches of epoch 1) on the golden model and on `tb`, comparing the
/// whole external memory after each step.
pub fn verilator_steps<D: ClusterDrive>(
    tb: &mut D,
    seed: u64,
    batch: usize,
    lr: f32,
    steps: usize,
) -> Result<VerilatorCheck, String> {
    let d = net::digits()?;
    let net = Net::new(batch);
    let step = net.train_step()?;
    let mut c = ClusterModel::new(TCDM_WORDS * 4, net.ext_bytes, 0);
    if tb.tcdm_words() != TCDM_WORDS || tb.hmc().mem.len() < net.ext_bytes / 4 {
        return Err("cluster simulation: wrong TCDM or external memory size".into());
    }
    let params = Net::init_params(seed);
    net.write_params(&mut c.ext, &params, lr);
    net.write_params(&mut tb.hmc().mem, &params, lr);
    tb.clear();
    let mut rng = StdRng::seed_from_u64(seed.wrapping_add(0x5eed));
    let bs = batches(&mut rng, batch);
    let (mut em, mut ev) = (Executor::new(), Executor::new());
    let mut out = VerilatorCheck {
        runs: vec![],
        step_cycles: vec![],
    };
    for s in 0..steps {
        let b = &bs[s % bs.len()];
        net.write_batch(&mut c.ext, &d, b);
        net.write_batch(&mut tb.hmc().mem, &d, b);
        em.run(&mut c, &step)?;
        let runs = ev.run(&mut Driven(tb), &step)?;
        let words = net.ext_bytes / 4;
        let rtl = &tb.hmc().mem[..words];
        if let Some(w) = (0..words).find(|&w| rtl[w] != c.ext[w]) {
            return Err(format!(
                "step {}: external word {w:#x} (byte {:#x}): RTL cluster {:#010x}, golden model {:#010x}",
                s + 1,
                4 * w,
                rtl[w],
                c.ext[w]
            ));
        }
        out.step_cycles.push(runs.iter().map(|r| r.cycles).sum());
        out.runs = runs;
    }
    Ok(out)
}

fn check_verilator(o: &TrainOpts) -> Result<(), String> {
    use crate::model::hmc::HmcConfig;
    use crate::verilator::cluster::VerilatedCluster;
    if o.steps == 0 {
        return Err("--steps must be at least 1".into());
    }
    println!(
        "ntx train --backend verilator: {} training steps (batch {}) on the RTL cluster (Verilator, 32 banks; the first run builds the model, 2-5 min) against the golden model",
        o.steps, o.batch
    );
    let net = Net::new(o.batch);
    let t0 = Instant::now();
    let mut tb: VerilatedCluster<32, 10> =
        VerilatedCluster::new(HmcConfig::default(), net.ext_bytes, o.seed).map_err(|e| e.0)?;
    println!("model ready in {:.1} s", t0.elapsed().as_secs_f64());
    let t1 = Instant::now();
    let r = verilator_steps(&mut tb, o.seed, o.batch, o.lr, o.steps)?;
    let rows: Vec<LayerRow> = r
        .runs
        .iter()
        .map(|k| LayerRow {
            info: k.info.clone(),
            cycles: Some(k.cycles),
        })
        .collect();
    println!("per-kernel cycles of the last step on the RTL cluster:");
    print!("{}", format_table(&rows));
    if let Some(p) = &o.write_cycles {
        let mut s = cycles_csv(&r.runs, o.batch);
        s = s.replacen(
            '\n',
            &format!(
                "\n# measured by: ntx train --backend verilator --steps {} --batch {} --seed {} --write-cycles {} (cycles of the last step, RTL cluster on Verilator, 32 banks, HMC latency 40)\n",
                o.steps,
                o.batch,
                o.seed,
                p.display()
            ),
            1,
        );
        std::fs::write(p, s).map_err(|e| format!("{}: {e}", p.display()))?;
        println!("wrote {}", p.display());
    }
    println!(
        "simulated {} cycles in {:.1} s; every step's external memory equals the golden model's",
        r.step_cycles.iter().sum::<u64>(),
        t1.elapsed().as_secs_f64()
    );
    println!(
        "steps={} bit_identical=true step_cycles={}",
        o.steps,
        r.step_cycles
            .iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
            .join(",")
    );
    Ok(())
}
