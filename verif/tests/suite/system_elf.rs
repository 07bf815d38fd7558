//! The control core driving the cluster (issue 13): every example firmware
//! (`verif/firmware/examples`) on the ISS and on the RTL cluster with its
//! core (`ClusterSystem`, Verilator) ends with exit 0, the same console
//! output (cycle counts masked: the ISS is untimed) and the same TCDM and
//! external memory, word for word; the short examples also run on rust-hdl
//! with exactly the Verilator cycles and memories. From the `offload`
//! example's console: the offload-overhead figures and the job length at
//! which the firmware keeps 8 NTX >= 90 % busy; from `conv3x3`: the
//! convolution driven by the core against the testbench-driven cluster run.
//!
//! Run: `cargo test --release -p ntx-verif --test suite system_elf:: -- --nocapture`

use ntx_verif::firmware;
use ntx_verif::run_elf::{create_elf_backend, load_elf_for, ElfRunOpts, ElfRunReport, MemImage};
use std::path::{Path, PathBuf};

fn build(name: &str) -> PathBuf {
    firmware::build_example(&firmware::default_out_dir(), name).unwrap_or_else(|e| panic!("{e}"))
}

fn run(elf: &Path, backend: &str) -> (ElfRunReport, MemImage) {
    let mut be = create_elf_backend(backend).unwrap();
    let img = load_elf_for(be.as_ref(), elf).unwrap();
    let t = std::time::Instant::now();
    let rep = be
        .run(&img, &ElfRunOpts::default())
        .unwrap_or_else(|e| panic!("{backend} {}: {e}", elf.display()));
    println!(
        "{}: {} ({:.1} s)",
        elf.display(),
        rep.summary(backend),
        t.elapsed().as_secs_f64()
    );
    (rep, be.memory().expect("memory after the run"))
}

/// Console text with the number before every "cycles" / "core cycles" and
/// after "cycles=" replaced by `#` (timing the untimed ISS does not model).
fn mask_cycles(console: &[u8]) -> String {
    let s = String::from_utf8_lossy(console);
    let words: Vec<&str> = s.split(' ').collect();
    let mut out = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let at = |k: usize| words.get(i + k).copied().unwrap_or("");
        let next_is_cycles =
            at(1).starts_with("cycles") || (at(1) == "core" && at(2).starts_with("cycles"));
        if next_is_cycles && w.chars().all(|c| c.is_ascii_digit()) {
            out.push("#".to_string());
        } else if let Some(rest) = w.strip_prefix("cycles=") {
            let tail: String = rest.chars().skip_while(|c| c.is_ascii_digit()).collect();
            out.push(format!("cycles=#{tail}"));
        } else {
            out.push(w.to_string());
        }
    }
    out.join(" ")
}

/// Indices of the L2 words inside the image's loaded segments (code and
/// initialised data; the stack and `.bss` hold timing-dependent values
/// such as mcycle reads and poll counts).
fn image_l2_words(elf: &Path) -> Vec<usize> {
    use ntx_hw::params::core::{L2_BASE, L2_BYTES};
    let be = create_elf_backend("iss").unwrap();
    let img = load_elf_for(be.as_ref(), elf).unwrap();
    let mut v = Vec::new();
    for s in &img.segments {
        if s.addr.wrapping_sub(L2_BASE) < L2_BYTES {
            let w0 = ((s.addr - L2_BASE) / 4) as usize;
            v.extend(w0..w0 + s.data.len().div_ceil(4));
        }
    }
    v
}

/// TCDM and external memory equal word for word, and L2 on the image's
/// words ([`MemImage::first_difference`] on the restricted images).
fn same_memory(elf: &Path, a: &MemImage, b: &MemImage, what: &str) {
    let words = image_l2_words(elf);
    let restrict = |m: &MemImage| MemImage {
        l2: words.iter().map(|&w| m.l2[w]).collect(),
        tcdm: m.tcdm.clone(),
        ext: m.ext.clone(),
    };
    if let Some((mem, i, x, y)) = restrict(a).first_difference(&restrict(b)) {
        let i = if mem == "L2" { words[i] } else { i };
        panic!(
            "{} {what}: {mem} word {i} differs: {x:#010x} vs {y:#010x}",
            elf.display()
        );
    }
}

/// Every example on iss and verilator; the figures from their consoles.
#[test]
fn examples_on_iss_and_verilator() {
    assert!(firmware::EXAMPLES.len() >= 6, "examples missing");
    let mut consoles = Vec::new();
    for name in firmware::EXAMPLES {
        let elf = build(name);
        let (iss, iss_mem) = run(&elf, "iss");
        let (vl, vl_mem) = run(&elf, "verilator");
        assert_eq!((iss.exit, vl.exit), (0, 0), "{name}: exit codes");
        assert_eq!(
            mask_cycles(&iss.console),
            mask_cycles(&vl.console),
            "{name}: console iss vs verilator"
        );
        same_memory(&elf, &iss_mem, &vl_mem, "iss vs verilator");
        consoles.push((name, String::from_utf8_lossy(&vl.console).to_string(), vl));
    }
    figures(&consoles);
}

fn figures(consoles: &[(&str, String, ElfRunReport)]) {
    let text = |n: &str| &consoles.iter().find(|c| c.0 == n).unwrap().1;
    let num_after = |line: &str, key: &str| -> u64 {
        let i = line
            .find(key)
            .unwrap_or_else(|| panic!("{key} in {line:?}"))
            + key.len();
        line[i..]
            .trim_start()
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    let off = text("offload");
    let one = off
        .lines()
        .find(|l| l.contains("5-loop job"))
        .expect("5-loop line");
    let eight = off
        .lines()
        .find(|l| l.contains("8 jobs"))
        .expect("8-job line");
    let one = (num_after(one, "job:"), num_after(one, "cycles,"));
    let eight = (num_after(eight, "broadcast:"), num_after(eight, "cycles,"));
    println!(
        "offload overhead, 5-loop job: {} cycles, {} instructions",
        one.0, one.1
    );
    println!(
        "offload overhead, 8 jobs by broadcast: {} cycles, {} instructions",
        eight.0, eight.1
    );
    let mut first90 = None;
    for l in off.lines().filter(|l| l.starts_with("sweep:")) {
        let len = num_after(l, "L=");
        let rounds = num_after(l, "rounds=");
        let cycles = num_after(l, "cycles=");
        let busy = (rounds * len) as f64 / cycles as f64;
        println!(
            "sweep: L={len}: {cycles} cycles for {rounds} rounds of 8 jobs: busy {:.1} %",
            100.0 * busy
        );
        if busy >= 0.9 && first90.is_none() {
            first90 = Some(len);
        }
    }
    println!("smallest job length with 8 NTX >= 90 % busy: {first90:?}");
    // README figures (section "Control core in the cluster"; update both together)
    assert_eq!(
        (one, eight),
        ((80, 57), (96, 72)),
        "offload-overhead figures"
    );
    assert_eq!(first90, Some(128), "job length for 90 % busy");
    // conv3x3 issued by the core vs the testbench-driven cluster (same
    // banking, same jobs): within 1 %
    let conv = text("conv3x3");
    let cl = conv
        .lines()
        .find(|l| l.contains("core cycles"))
        .expect("conv3x3 cycles line");
    let core = num_after(cl, "done,");
    use ntx_verif::bench::cluster::{run_banks, ClusterSim};
    let tb = run_banks(32, ClusterSim::Verilator).unwrap().run.cycles;
    let diff = (core as f64 - tb as f64) / tb as f64;
    println!(
        "conv3x3 at 32 banks: {core} cycles driven by the core (CMD to the last interrupt) vs {tb} \
         driven by the testbench: {:+.2} %",
        100.0 * diff
    );
    assert!(
        diff.abs() <= 0.01,
        "core-driven conv3x3 {core} vs testbench {tb} cycles"
    );
}

/// Short examples on rust-hdl: exactly the Verilator reports and memories.
#[test]
fn rtl_equals_verilator_on_short_examples() {
    for name in ["hello", "offload"] {
        let elf = build(name);
        let (rtl, rtl_mem) = run(&elf, "rtl");
        let (vl, vl_mem) = run(&elf, "verilator");
        assert_eq!(rtl, vl, "{name}: rtl vs verilator report");
        assert!(
            rtl_mem == vl_mem,
            "{name}: rtl vs verilator memory: {:?}",
            rtl_mem.first_difference(&vl_mem)
        );
    }
}
