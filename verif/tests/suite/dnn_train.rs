//! `ntx train` end to end with the default settings (seed 1, 16 epochs,
//! batch 16, lr 0.15 decaying linearly to 0, random 1-pixel shifts; every layer on the golden cluster model): it must
//! reach at least 95 % test accuracy on the 297 held-out digits, print the
//! per-layer table with the committed RTL cycle figures, write the report
//! and the plots, and end with `test_accuracy=NN.N% gflops=N.N`. About a
//! minute of CPU (release build).

use std::process::Command;

#[test]
fn ntx_train_default_settings_reach_95_percent() {
    let out = std::env::temp_dir().join(format!("ntx-train-test-{}", std::process::id()));
    let r = Command::new(env!("CARGO_BIN_EXE_ntx"))
        .args(["train", "--out"])
        .arg(&out)
        .output()
        .expect("run ntx train");
    let stdout = String::from_utf8_lossy(&r.stdout);
    assert!(
        r.status.success(),
        "ntx train failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&r.stderr)
    );
    let last = stdout.lines().last().unwrap_or("");
    let acc: f64 = last
        .split("test_accuracy=")
        .nth(1)
        .and_then(|s| s.split('%').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no test_accuracy=NN.N% in the last line {last:?}"));
    let gflops: f64 = last
        .split("gflops=")
        .nth(1)
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or_else(|| panic!("no gflops=N.N in the last line {last:?}"));
    assert!(
        acc >= 95.0,
        "test accuracy {acc}% < 95% with the default settings:\n{stdout}"
    );
    assert!(
        gflops > 0.0 && gflops <= 20.0,
        "gflops {gflops} outside (0, 20] (peak of 8 NTX at 1.25 GHz)"
    );
    for k in [
        "conv1.fwd",
        "conv2.bwd_data",
        "fc.bwd_w",
        "sgd",
        "step total",
    ] {
        assert!(stdout.contains(k), "per-layer table lacks {k}:\n{stdout}");
    }
    for f in [
        "report.json",
        "epochs.csv",
        "layers.csv",
        "curves.svg",
        "utilisation.svg",
    ] {
        let p = out.join(f);
        let len = std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0);
        assert!(len > 100, "{} missing or empty", p.display());
    }
    let epochs = std::fs::read_to_string(out.join("epochs.csv")).unwrap();
    assert_eq!(epochs.lines().count(), 17, "epochs.csv: header + 16 epochs");
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn ntx_train_rejects_bad_options() {
    for (args, msg) in [
        (vec!["train", "--backend", "gpu"], "--backend"),
        (vec!["train", "--batch", "0"], "--batch"),
        (
            vec!["train", "--backend", "verilator", "--steps", "0"],
            "--steps",
        ),
    ] {
        let r = Command::new(env!("CARGO_BIN_EXE_ntx"))
            .args(&args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&r.stderr);
        assert!(!r.status.success() && err.contains(msg), "{args:?}: {err}");
    }
}
