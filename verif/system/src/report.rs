//! `ntx system`: per-layer and per-network tables of a training step on a
//! cube, the mesh scaling table, the comparison with the GPU and with the
//! NTX papers' figures, SVG plots (scaling curve, energy breakdown, cube
//! roofline), and a last line `tflops_per_cube=X.XX
//! parallel_efficiency=NN.N%` for the largest mesh.

use super::area;
use super::calib;
use super::energy;
use super::hmc::Cube;
use super::mesh::{self, MeshPoint};
use super::nets;
use super::params::Params;
use super::step::{self, Step};
use crate::dnn::Program;
use plotters::prelude::*;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Options of `ntx system`.
#[derive(Clone, Debug)]
pub struct Opts {
    pub net: String,
    pub cubes: Vec<usize>,
    pub clusters_per_cube: Option<usize>,
    pub batch: Option<usize>,
    pub out: PathBuf,
    pub params: bool,
    pub calibrate: bool,
}

/// Default images per cube per step (ResNet-50 needs 4.8 GB at 16).
pub const DEFAULT_BATCH: usize = 16;

/// Largest mesh accepted.
pub const MAX_CUBES: usize = 65_536;

/// The parameter table (Markdown).
pub fn params_table(p: &Params) -> String {
    let mut s = String::from("| parameter | value | unit | source |\n|---|---|---|---|\n");
    for q in p.table() {
        s += &format!("| {} | {} | {} | {} |\n", q.name, q.value, q.unit, q.source);
    }
    s
}

/// Live calibration on the RTL cluster (Verilator): small tiles of every
/// kernel, the `ntx bench dnn` slices, plus the committed digits-step
/// table; returns the rows and the parameters fitted on them.
pub fn calibrate(
    p: &Params,
    with_bench: bool,
) -> Result<(Vec<calib::CalRow>, Params, f64), String> {
    use crate::model::hmc::HmcConfig;
    use crate::verilator::cluster::VerilatedCluster;
    let mut cases = calib::tiles()?;
    if with_bench {
        cases.extend(crate::dnn::bench::cases()?);
    }
    let ext = cases.iter().map(|c| c.ext.len()).max().unwrap_or(0) * 4;
    let mut tb: VerilatedCluster<32, 10> =
        VerilatedCluster::new(HmcConfig::default(), ext.next_multiple_of(4096), 1)
            .map_err(|e| e.0)?;
    let mut rows = calib::run(p, &mut tb, &cases)?;
    let mut data: Vec<(Program, u64)> = cases
        .iter()
        .zip(&rows)
        .map(|(c, r)| (c.prog.clone(), r.rtl))
        .collect();
    rows.extend(calib::digits_step(p)?);
    for (_, prog, rtl) in calib::digits_data()? {
        data.push((prog, rtl));
    }
    let f = calib::fit(p, &data);
    let e = calib::score(&f, &data);
    Ok((rows, f, e))
}

/// Everything `ntx system` computes for one configuration.
pub struct Model {
    pub p: Params,
    pub step: Step,
    pub mesh: Vec<MeshPoint>,
    pub model_seconds: f64,
}

/// Run the model (no printing).
pub fn model(p: &Params, net: &str, cubes: &[usize], batch: usize) -> Result<Model, String> {
    let net = nets::by_name(net)?;
    if cubes.is_empty() {
        return Err("--cubes: empty list".into());
    }
    if let Some(&c) = cubes.iter().find(|&&c| c == 0 || c > MAX_CUBES) {
        return Err(format!("--cubes: {c} outside 1..={MAX_CUBES}"));
    }
    if batch == 0 {
        return Err("--batch must be at least 1".into());
    }
    if p.clusters_per_cube == 0 || p.clusters_per_cube > 4096 {
        return Err(format!(
            "--clusters-per-cube {} outside 1..=4096",
            p.clusters_per_cube
        ));
    }
    let t0 = Instant::now();
    let st = step::step(p, &net, batch, p.clusters_per_cube);
    let mesh = cubes.iter().map(|&c| mesh::point(p, &st, c)).collect();
    Ok(Model {
        p: p.clone(),
        step: st,
        mesh,
        model_seconds: t0.elapsed().as_secs_f64(),
    })
}

fn layer_table(st: &Step, p: &Params) -> String {
    let mut s = String::from(
        "| layer | fwd cycles | bwd_data cycles | bwd_w cycles | update cycles | Gflop | DRAM MB | util |\n|---|---|---|---|---|---|---|---|\n",
    );
    let mut names: Vec<&str> = vec![];
    for k in &st.kernels {
        if !names.contains(&k.layer.as_str()) {
            names.push(&k.layer);
        }
    }
    let peak = st.clusters as f64 * p.n_ntx as f64 * 2.0;
    for n in names {
        let ks: Vec<_> = st.kernels.iter().filter(|k| k.layer == n).collect();
        let c =
            |pass: &str| -> f64 { ks.iter().filter(|k| k.pass == pass).map(|k| k.cycles).sum() };
        let cyc: f64 = ks.iter().map(|k| k.cycles).sum();
        let fl: f64 = ks.iter().map(|k| k.flops).sum();
        let mb: f64 = ks.iter().map(|k| k.dram_words).sum::<f64>() * 4e-6;
        s += &format!(
            "| {n} | {:.0} | {:.0} | {:.0} | {:.0} | {:.3} | {:.1} | {:.1} % |\n",
            c("fwd") + 0.0,
            c("bwd_data") + 0.0,
            c("bwd_w") + 0.0,
            c("update") + 0.0,
            fl * 1e-9,
            mb,
            100.0 * fl / (cyc * peak).max(1.0)
        );
    }
    s
}

fn net_summary(m: &Model) -> String {
    let (p, st) = (&m.p, &m.step);
    let cube = Cube::new(p, st.clusters);
    let secs = st.seconds(p);
    let e = energy::step_energy(p, st, secs, 0.0);
    let util = st.tflops(p) / cube.peak_tflops;
    format!(
        "| figure | value |\n|---|---|\n\
         | network | {} ({:.2} GMAC forward per image, {:.1} M parameters) |\n\
         | cube | {} clusters, peak {:.2} Tflop/s, DRAM {:.0} GB/s sustained (ridge {:.1} flop/byte) |\n\
         | batch per cube | {} images |\n\
         | flops per step | {:.3e} |\n\
         | DRAM traffic per step | {:.2} GB ({:.1} flop/byte) |\n\
         | cycles per step | {:.0} (fwd {:.0}, bwd {:.0}, update {:.0}) |\n\
         | time per step | {:.2} ms |\n\
         | Tflop/s per cube | {:.3} ({:.1} % of peak) |\n\
         | energy per step | {:.3} J (NTX {:.3}, DRAM {:.3}, static {:.3}) |\n\
         | power | {:.1} W |\n\
         | energy efficiency | {:.1} Gflop/s/W |\n\
         | activations + gradients + weights | {:.2} GB of {} GB |\n\
         | model | {} layer-tiles in {:.3} s ({:.2e} layer-tiles/s) |\n",
        st.net,
        nets::by_name(st.net).map(|n| n.macs()).unwrap_or(0) as f64 * 1e-9,
        nets::by_name(st.net).map(|n| n.params()).unwrap_or(0) as f64 * 1e-6,
        st.clusters,
        cube.peak_tflops,
        cube.dram_gbs,
        cube.ridge(),
        st.batch,
        st.flops(),
        st.dram_words() * 4e-9,
        st.flops() / (st.dram_words() * 4.0),
        st.cycles(),
        st.fwd_cycles,
        st.bwd_cycles,
        st.update_cycles,
        secs * 1e3,
        st.tflops(p),
        100.0 * util,
        e.total(),
        e.ntx,
        e.dram,
        e.statics,
        e.total() / secs,
        st.flops() / e.total() * 1e-9,
        st.footprint * 1e-9,
        p.cube_dram_gb,
        st.tiles,
        m.model_seconds,
        st.tiles as f64 / m.model_seconds.max(1e-9)
    )
}

fn mesh_table(m: &Model) -> String {
    let mut s = String::from(
        "| cubes | torus | step ms | all-reduce ms | exposed ms | Tflop/s per cube | parallel eff. | energy eff. | images/s | GPU system images/s (same count) |\n|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for q in &m.mesh {
        let (_, _, gi) = mesh::gpu(&m.p, &m.step, q.cubes, m.step.batch);
        s += &format!(
            "| {} | {}x{} | {:.2} | {:.2} | {:.3} | {:.3} | {:.1} % | {:.1} % | {:.0} | {:.0} |\n",
            q.cubes,
            q.dims.0,
            q.dims.1,
            q.seconds * 1e3,
            q.comm * 1e3,
            q.exposed * 1e3,
            q.tflops_per_cube,
            100.0 * q.parallel_eff,
            100.0 * q.energy_eff,
            q.images_per_s,
            gi
        );
    }
    s
}

/// The headline comparison with the NTX papers (Markdown), for the model's
/// largest mesh.
pub fn paper_table(m: &Model) -> String {
    let (p, st) = (&m.p, &m.step);
    let last = m.mesh.last().expect("mesh");
    let secs = st.seconds(p);
    let e1 = energy::step_energy(p, st, secs, 0.0).total();
    let ntx_eff = st.flops() / e1; // flop/J
    let gpu_eff = p.gpu_tflops * 1e12 * p.gpu_training_util / p.gpu_power_w;
    let ntx_area = area::cube(p, st.clusters);
    let gpu_sust = p.gpu_tflops * p.gpu_training_util;
    let area_eq = ntx_area * gpu_sust / st.tflops(p);
    let (_, gpu_e, gpu_ips) = mesh::gpu(p, st, last.cubes, st.batch);
    let ntx_e_img = last.energy.total() / st.batch as f64;
    let gpu_e_img = gpu_e / st.batch as f64;
    let cube_w = last.energy.total() / last.seconds;
    let gpus_same_power = (last.cubes as f64 * cube_w / p.gpu_power_w).max(1.0);
    let (_, _, gpu_ips_pw) = mesh::gpu(p, st, gpus_same_power.round().max(1.0) as usize, st.batch);
    let _ = gpu_ips;
    format!(
        "| paper figure | paper | model | how the model gets it |\n|---|---|---|---|\n\
         | fp32 training per HMC | 1.2 Tflop/s | {:.2} Tflop/s | {}, {} clusters x 20 Gflop/s peak, batch {} |\n\
         | energy efficiency vs GPU | 2.7x | {:.2}x | {:.1} Gflop/s/W (cube) vs {:.1} (GPU at {:.0} % of {:.1} Tflop/s, {:.0} W) |\n\
         | silicon area vs GPU | 4.4x less | {:.1}x less per device, {:.1}x less at equal throughput | NTX {:.1} mm^2 per cube ({} x {:.3} mm^2) vs GPU die {:.0} mm^2 |\n\
         | parallel efficiency of the mesh | > 95 % | {:.1} % at {} cubes | 2-D torus all-reduce overlapped with the backward pass |\n\
         | energy efficiency of the mesh | > 95 % | {:.1} % at {} cubes | energy per image vs one cube |\n\
         | energy savings vs GPU system | 2.1x | {:.2}x | energy per image at {} cubes vs {} GPUs |\n\
         | performance vs GPU system | 3.1x | {:.2}x | images/s at equal power ({:.0} GPUs at {:.0} W vs {} cubes at {:.1} W) |\n",
        st.tflops(p),
        st.net,
        st.clusters,
        st.batch,
        ntx_eff / gpu_eff,
        ntx_eff * 1e-9,
        gpu_eff * 1e-9,
        100.0 * p.gpu_training_util,
        p.gpu_tflops,
        p.gpu_power_w,
        p.gpu_die_mm2 / ntx_area,
        p.gpu_die_mm2 / area_eq,
        ntx_area,
        st.clusters,
        area::cluster(p).total(),
        p.gpu_die_mm2,
        100.0 * last.parallel_eff,
        last.cubes,
        100.0 * last.energy_eff,
        last.cubes,
        gpu_e_img / ntx_e_img,
        last.cubes,
        last.cubes,
        last.images_per_s / gpu_ips_pw,
        gpus_same_power,
        p.gpu_power_w,
        last.cubes,
        cube_w
    )
}

fn plots(m: &Model, dir: &Path) -> Result<Vec<PathBuf>, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let err = |e: &dyn std::fmt::Display| e.to_string();
    let mut files = vec![];
    // Scaling curve.
    {
        let f = dir.join("scaling.svg");
        let root = SVGBackend::new(f.as_path(), (720, 440)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| err(&e))?;
        let maxc = m.mesh.iter().map(|q| q.cubes).max().unwrap_or(1) as f64;
        let mut ch = ChartBuilder::on(&root)
            .caption(
                format!("{}: parallel / energy efficiency vs cubes", m.step.net),
                ("sans-serif", 18),
            )
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(48)
            .build_cartesian_2d((1f64..maxc.max(2.0)).log_scale(), 0f64..105f64)
            .map_err(|e| err(&e))?;
        ch.configure_mesh()
            .x_desc("cubes (2-D torus)")
            .y_desc("%")
            .draw()
            .map_err(|e| err(&e))?;
        let pe: Vec<(f64, f64)> = m
            .mesh
            .iter()
            .map(|q| (q.cubes as f64, 100.0 * q.parallel_eff))
            .collect();
        let ee: Vec<(f64, f64)> = m
            .mesh
            .iter()
            .map(|q| (q.cubes as f64, 100.0 * q.energy_eff))
            .collect();
        ch.draw_series(LineSeries::new(pe.clone(), &BLUE))
            .map_err(|e| err(&e))?
            .label("parallel efficiency")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], BLUE));
        ch.draw_series(pe.iter().map(|&c| Circle::new(c, 3, BLUE.filled())))
            .map_err(|e| err(&e))?;
        ch.draw_series(LineSeries::new(ee, &RED))
            .map_err(|e| err(&e))?
            .label("energy efficiency")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], RED));
        ch.configure_series_labels()
            .background_style(WHITE)
            .border_style(BLACK)
            .position(SeriesLabelPosition::LowerLeft)
            .draw()
            .map_err(|e| err(&e))?;
        root.present().map_err(|e| err(&e))?;
        files.push(f.clone());
    }
    // Energy breakdown per mesh size (per cube per step).
    {
        let f = dir.join("energy.svg");
        let root = SVGBackend::new(f.as_path(), (720, 440)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| err(&e))?;
        let n = m.mesh.len();
        let maxe = m.mesh.iter().map(|q| q.energy.total()).fold(0.0, f64::max) * 1.1;
        let mut ch = ChartBuilder::on(&root)
            .caption(
                format!("{}: energy per cube per step (J)", m.step.net),
                ("sans-serif", 18),
            )
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(56)
            .build_cartesian_2d(0f64..n as f64, 0f64..maxe.max(1e-12))
            .map_err(|e| err(&e))?;
        let labels: Vec<String> = m.mesh.iter().map(|q| q.cubes.to_string()).collect();
        ch.configure_mesh()
            .x_desc("cubes")
            .y_desc("J")
            .x_labels(n.max(1))
            .x_label_formatter(&|x| labels.get(x.floor() as usize).cloned().unwrap_or_default())
            .draw()
            .map_err(|e| err(&e))?;
        let comps: [(&str, RGBColor); 4] = [
            ("NTX", BLUE),
            ("DRAM", GREEN),
            ("links", RED),
            ("static", RGBColor(128, 128, 128)),
        ];
        for (ci, (name, col)) in comps.iter().enumerate() {
            let bars: Vec<Rectangle<(f64, f64)>> = m
                .mesh
                .iter()
                .enumerate()
                .map(|(i, q)| {
                    let v = [
                        q.energy.ntx,
                        q.energy.dram,
                        q.energy.links,
                        q.energy.statics,
                    ];
                    let lo: f64 = v[..ci].iter().sum();
                    Rectangle::new(
                        [(i as f64 + 0.15, lo), (i as f64 + 0.85, lo + v[ci])],
                        col.filled(),
                    )
                })
                .collect();
            let c = *col;
            ch.draw_series(bars)
                .map_err(|e| err(&e))?
                .label(*name)
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], c.filled()));
        }
        ch.configure_series_labels()
            .background_style(WHITE)
            .border_style(BLACK)
            .position(SeriesLabelPosition::UpperLeft)
            .draw()
            .map_err(|e| err(&e))?;
        root.present().map_err(|e| err(&e))?;
        files.push(f.clone());
    }
    // Roofline of the cube with each kernel's point.
    {
        let f = dir.join("roofline.svg");
        let root = SVGBackend::new(f.as_path(), (720, 440)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| err(&e))?;
        let cube = Cube::new(&m.p, m.step.clusters);
        let peak = cube.peak_tflops * 1e3;
        let hz = m.p.clock_ghz * 1e9;
        let pts: Vec<(f64, f64)> = m
            .step
            .kernels
            .iter()
            .filter(|k| k.cycles > 0.0 && k.dram_words > 0.0 && k.flops > 0.0)
            .map(|k| {
                (
                    k.flops / (4.0 * k.dram_words),
                    k.flops / (k.cycles / hz) * 1e-9,
                )
            })
            .collect();
        let xmax = pts.iter().map(|p| p.0).fold(1000.0, f64::max) * 2.0;
        let mut ch = ChartBuilder::on(&root)
            .caption(
                format!(
                    "roofline of the cube ({} clusters): {} kernels",
                    m.step.clusters, m.step.net
                ),
                ("sans-serif", 18),
            )
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(56)
            .build_cartesian_2d(
                (0.01f64..xmax).log_scale(),
                (0.1f64..peak * 2.0).log_scale(),
            )
            .map_err(|e| err(&e))?;
        ch.configure_mesh()
            .x_desc("flop per DRAM byte")
            .y_desc("Gflop/s")
            .draw()
            .map_err(|e| err(&e))?;
        let roof: Vec<(f64, f64)> = (0..200)
            .map(|i| {
                let x = 0.01 * (xmax / 0.01f64).powf(i as f64 / 199.0);
                (x, (x * cube.dram_gbs).min(peak))
            })
            .collect();
        ch.draw_series(LineSeries::new(roof, &BLACK))
            .map_err(|e| err(&e))?
            .label("roof")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], BLACK));
        ch.draw_series(pts.iter().map(|&c| Circle::new(c, 2, BLUE.filled())))
            .map_err(|e| err(&e))?
            .label("kernels")
            .legend(|(x, y)| Circle::new((x + 8, y), 3, BLUE.filled()));
        ch.configure_series_labels()
            .background_style(WHITE)
            .border_style(BLACK)
            .position(SeriesLabelPosition::LowerRight)
            .draw()
            .map_err(|e| err(&e))?;
        root.present().map_err(|e| err(&e))?;
        files.push(f.clone());
    }
    Ok(files)
}

/// The final line for the largest mesh requested.
pub fn final_line(m: &Model) -> String {
    let q = m
        .mesh
        .iter()
        .max_by_key(|q| q.cubes)
        .expect("at least one mesh size");
    format!(
        "net={} cubes={} tflops_per_cube={:.2} parallel_efficiency={:.1}%",
        m.step.net,
        q.cubes,
        q.tflops_per_cube,
        100.0 * q.parallel_eff
    )
}

/// `ntx system`.
pub fn run(o: &Opts) -> Result<(), String> {
    let mut p = Params::default();
    if let Some(c) = o.clusters_per_cube {
        p.clusters_per_cube = c;
    }
    if o.params {
        print!("{}", params_table(&p));
        return Ok(());
    }
    if o.calibrate {
        println!("calibration: cluster model vs the RTL cluster on Verilator (32 banks, 128 KiB TCDM, HMC latency 40); outputs checked against the golden model");
        let (rows, f, e) = calibrate(&p, true)?;
        print!("{}", calib::table(&rows));
        println!(
            "\nparameters fitted on these rows (the defaults in system::params are such a fit, rounded): ctrl_write {:.2} ctrl_read {:.2} job_start {:.2} init_c {:.3} dma_setup {:.2} dma_row {:.2} dma_word {:.3}; mean |error| with them {:.1} %",
            f.ctrl_write,
            f.ctrl_read,
            f.job_start,
            f.init_c,
            f.dma_setup,
            f.dma_row,
            f.dma_word,
            100.0 * e
        );
        return Ok(());
    }
    let mut cubes = o.cubes.clone();
    cubes.sort_unstable();
    cubes.dedup();
    let m = model(&p, &o.net, &cubes, o.batch.unwrap_or(DEFAULT_BATCH))?;
    println!(
        "## per layer: {} on one cube (batch {})\n",
        m.step.net, m.step.batch
    );
    print!("{}", layer_table(&m.step, &p));
    println!("\n## network\n");
    print!("{}", net_summary(&m));
    if m.step.footprint > p.cube_dram_gb * 1e9 {
        println!(
            "\nwarning: activations of batch {} need {:.1} GB, more than the cube's {} GB",
            m.step.batch,
            m.step.footprint * 1e-9,
            p.cube_dram_gb
        );
    }
    println!("\n## mesh (data parallel, 2-D torus, weak scaling)\n");
    print!("{}", mesh_table(&m));
    println!("\n## against the NTX papers\n");
    print!("{}", paper_table(&m));
    let files = plots(&m, &o.out)?;
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    println!("\nplots: {}", names.join(", "));
    println!("{}", final_line(&m));
    Ok(())
}
