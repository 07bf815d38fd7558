//! System model (`ntx_verif::system`, `ntx system`):
//! - calibration: the cluster model replaying the kernel library's command
//!   lists is within 5 % of the RTL cluster on Verilator, cycles computed
//!   live (eleven small tiles of every kernel type, backward-data with
//!   all NTX on one bank among them; seconds with the cluster model cached;
//!   the model is the one `dnn_verilator.rs` builds);
//! - the digits-CNN training step replayed against the committed RTL table;
//! - the network-level synthetic tiles agree with the replay of the
//!   library's own command list on shapes the library can plan;
//! - multiply-accumulate counts of the CNN tables against the published
//!   figures, the digits CNN's parameter count against `dnn::net`;
//! - mesh efficiencies bounded and monotonic; the CLI's final line.

use ntx_verif::dnn::kernels;
use ntx_verif::dnn::{ExtAlloc, Program, TCDM_WORDS};
use ntx_verif::system::calib;
use ntx_verif::system::cluster::{run_pipeline, Timer};
use ntx_verif::system::kernels as sk;
use ntx_verif::system::nets;
use ntx_verif::system::params::Params;
use ntx_verif::system::{mesh, step};

#[test]
fn cluster_model_within_5_percent_of_the_rtl_cluster_on_verilator() {
    use ntx_verif::model::hmc::HmcConfig;
    use ntx_verif::verilator::cluster::VerilatedCluster;
    let p = Params::default();
    // Every kernel type; fc bwd_data reads its W column block on one bank
    // from all eight NTX (the bank simulation's case).
    let want = [
        "conv fwd 8->8 k3 s1 @12x12 b1",
        "conv fwd 4->16 k3 s2 @16x16 b1",
        "conv bwd_w 8->8 k3 @8x8 b2",
        "fc fwd 256->32 b8",
        "fc bwd_data 256->32 b8",
        "fc bwd_w 256->32 b8",
        "relu fwd 4096",
        "relu bwd 4096",
        "maxpool fwd 16x16x16 2x2",
        "maxpool bwd 16x16x16 2x2",
        "sgd 4096",
    ];
    let cases: Vec<_> = calib::tiles()
        .unwrap()
        .into_iter()
        .filter(|c| want.contains(&c.name))
        .collect();
    assert_eq!(cases.len(), want.len(), "calibration tiles missing");
    let ext = cases.iter().map(|c| c.ext.len()).max().unwrap() * 4;
    let mut tb: VerilatedCluster<32, 10> =
        VerilatedCluster::new(HmcConfig::default(), ext.next_multiple_of(4096), 1)
            .unwrap_or_else(|e| panic!("Verilator cluster model: {}", e.0));
    let rows = calib::run(&p, &mut tb, &cases).unwrap_or_else(|e| panic!("{e}"));
    println!("{}", calib::table(&rows));
    for r in &rows {
        assert!(
            r.error().abs() <= 0.05,
            "{}: model {:.0} vs RTL {} cycles ({:+.1} %)",
            r.name,
            r.model,
            r.rtl,
            100.0 * r.error()
        );
    }
}

#[test]
fn digits_step_replay_tracks_the_committed_rtl_table() {
    let rows = calib::digits_step(&Params::default()).unwrap();
    assert!(rows.len() >= 10, "kernels of the step: {}", rows.len());
    let mean = rows.iter().map(|r| r.error().abs()).sum::<f64>() / rows.len() as f64;
    let within = rows.iter().filter(|r| r.error().abs() <= 0.05).count();
    println!("{}", calib::table(&rows));
    assert!(mean <= 0.03, "mean |error| {:.1} %", 100.0 * mean);
    assert!(
        within + 1 >= rows.len(),
        "only {within} of {} kernels within 5 %",
        rows.len()
    );
}

/// Cycles of a synthetic plan on one cluster.
fn synth(p: &Params, plan: &sk::Plan) -> f64 {
    plan.pipelines
        .iter()
        .map(|(pl, n)| {
            let mut tm = Timer::new(p);
            run_pipeline(&mut tm, pl);
            tm.t * *n as f64
        })
        .sum()
}

#[test]
fn synthetic_tiles_agree_with_the_replay_of_the_library_plan() {
    let p = Params::default();
    let b = TCDM_WORDS;
    // conv fwd 3x3 32->32 @24x24, one image: the library plans it.
    let mut a = ExtAlloc::default();
    let x = a.tensor(1, 32, 24, 24, 1);
    let w = a.words(32 * 32 * 9);
    let bias = a.words(32);
    let y = a.tensor(1, 32, 24, 24, 0);
    let mut prog = Program::default();
    prog.kernel("conv.fwd");
    kernels::conv_fwd(&mut prog, &x, w, bias, &y, 3, 1, b).unwrap();
    let replay = calib::model_cycles(&p, &prog);
    let s = synth(&p, &sk::conv_fwd(1, 32, 32, 24, 24, 3, 1, 1, b));
    // The synthetic plan picks its own tile (cost-based, may split input
    // channels) and a fixed number of staging writes per job: within 10 %.
    assert!(
        (s / replay - 1.0).abs() <= 0.10,
        "conv fwd: synthetic {s:.0} vs replay {replay:.0}"
    );
    // ReLU forward over 40,000 words.
    let mut a = ExtAlloc::default();
    let x = a.tensor(1, 40_000, 1, 1, 0);
    let y = a.tensor(1, 40_000, 1, 1, 0);
    let mut prog = Program::default();
    prog.kernel("relu.fwd");
    kernels::relu_fwd(&mut prog, &x, &y, b).unwrap();
    let replay = calib::model_cycles(&p, &prog);
    let s = synth(&p, &sk::eltwise(40_000, 1, false, 2.0, false, b));
    assert!(
        (s / replay - 1.0).abs() <= 0.05,
        "relu: synthetic {s:.0} vs replay {replay:.0}"
    );
}

#[test]
fn network_mac_counts_match_the_published_figures() {
    // Published multiply-accumulates per 224x224 (227 for AlexNet) image:
    // AlexNet ~0.72 G (Krizhevsky et al., two groups), VGG-16 15.5 G
    // (Simonyan & Zisserman / He et al.), ResNet-18/34/50 1.8 / 3.6 / 3.8 G
    // (He et al., CVPR 2016, Table 1), GoogLeNet ~1.5 G (Szegedy et al.).
    let published = [
        ("alexnet", 0.72e9, 0.03),
        ("vgg16", 15.5e9, 0.02),
        ("resnet18", 1.8e9, 0.03),
        ("resnet34", 3.6e9, 0.03),
        ("resnet50", 3.8e9, 0.03),
        ("googlenet", 1.5e9, 0.06),
    ];
    for (name, macs, tol) in published {
        let net = nets::by_name(name).unwrap();
        let m = net.macs() as f64;
        assert!(
            (m / macs - 1.0).abs() <= tol,
            "{name}: {m:.3e} MACs vs published {macs:.3e}"
        );
    }
    // Parameters: ResNet-50 25.6 M, VGG-16 138 M, AlexNet 61 M.
    for (name, params) in [
        ("resnet50", 25.6e6),
        ("vgg16", 138.0e6),
        ("alexnet", 61.0e6),
    ] {
        let p = nets::by_name(name).unwrap().params() as f64;
        assert!((p / params - 1.0).abs() <= 0.02, "{name}: {p} parameters");
    }
    let d = nets::by_name("digits").unwrap();
    assert_eq!(d.params() as usize, ntx_verif::dnn::net::n_params());
    let e = nets::by_name("nosuchnet").unwrap_err();
    for n in nets::NAMES {
        assert!(e.contains(n), "{e}");
    }
}

#[test]
fn mesh_efficiency_is_bounded_and_falls_with_the_mesh() {
    let p = Params::default();
    let net = nets::by_name("resnet18").unwrap();
    // One image per cube: the all-reduce is not negligible.
    let st = step::step(&p, &net, 1, p.clusters_per_cube);
    assert!(st.flops() > 0.0 && st.cycles() > 0.0);
    let cubes = [1, 4, 16, 64, 256, 1024];
    let pts: Vec<_> = cubes.iter().map(|&c| mesh::point(&p, &st, c)).collect();
    assert!((pts[0].parallel_eff - 1.0).abs() < 1e-12);
    for w in pts.windows(2) {
        assert!(w[1].parallel_eff <= w[0].parallel_eff + 1e-12);
        assert!(w[1].energy_eff <= w[0].energy_eff + 1e-12);
        assert!(w[1].seconds >= w[0].seconds);
    }
    for q in &pts {
        assert!(q.parallel_eff > 0.0 && q.parallel_eff <= 1.0);
        assert!(q.energy_eff > 0.0 && q.energy_eff <= 1.0);
        assert!(q.tflops_per_cube * 1e3 <= p.cluster_peak_gflops() * p.clusters_per_cube as f64);
    }
    assert!(pts[5].parallel_eff < 1.0, "comm must show at batch 1");
}

#[test]
fn cli_prints_tables_plots_and_the_final_line() {
    let dir = std::env::temp_dir().join(format!("ntx-system-{}", std::process::id()));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ntx"))
        .args([
            "system", "--net", "resnet50", "--cubes", "1,16,256", "--out",
        ])
        .arg(&dir)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let last = text.lines().last().unwrap();
    let tf: f64 = last
        .split("tflops_per_cube=")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("final line {last:?}"));
    let pe = last
        .split("parallel_efficiency=")
        .nth(1)
        .unwrap_or_else(|| panic!("final line {last:?}"));
    assert!(pe.ends_with('%') && pe.trim_end_matches('%').parse::<f64>().is_ok());
    assert!(last.contains("cubes=256"), "{last}");
    assert!(tf > 0.0 && tf <= 1.28, "{last}");
    for f in ["scaling.svg", "energy.svg", "roofline.svg"] {
        let s = std::fs::read_to_string(dir.join(f)).unwrap();
        assert!(s.contains("<svg"), "{f}");
    }
    assert!(text.contains("| res2a.2b |"), "per-layer table");
    std::fs::remove_dir_all(&dir).ok();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ntx"))
        .args(["system", "--net", "lenet"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("resnet50") && err.contains("lenet"), "{err}");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ntx"))
        .args(["system", "--params"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    for q in Params::default().table() {
        assert!(text.contains(&format!("| {} |", q.name)), "{}", q.name);
        assert!(!q.source.is_empty());
    }
}
