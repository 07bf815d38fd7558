//! The NTX cycle contract (`ntx_verif::contract`), asserted on the RTL
//! (Verilator; `--backend rtl` counts the same cycles, see
//! `verilator_backend.rs`): no reference case above the reference RTL's
//! cycles, no example above its recorded cycles, streaming rates at the port
//! bound, the back-to-back gap, throughput under grant stalls, random job
//! shapes within the port bound, the README's tables equal to what the code
//! produces, and the cluster's 32-bank figure.
//!
//! `NTX_CYCLES_SEED=S` reruns the random-shape test with seed S.

use ntx_verif::backend::{create_backend, run_job, ModelBackend, RunLimits};
use ntx_verif::cases::{self, shipped_ref_cases};
use ntx_verif::contract::{self, STALL_FLOORS};
use ntx_verif::model::dag::steps;
use ntx_verif::model::job::{Command, Job};
use ntx_verif::model::mem::Tcdm;
use rand::{Rng, SeedableRng};
use std::path::Path;

const BACKEND: &str = "verilator";

fn check_folder(dir: &Path, min_cases: usize) {
    let rows = contract::case_cycles(dir, BACKEND).unwrap();
    assert!(
        rows.len() >= min_cases,
        "expected at least {min_cases} cases in {}, found {}",
        dir.display(),
        rows.len()
    );
    let mut over = vec![];
    for (r, limit) in &rows {
        let limit = limit.unwrap_or_else(|| {
            panic!(
                "case {} has no entry in {}/{}",
                r.id,
                dir.display(),
                cases::CYCLES_FILE
            )
        });
        println!(
            "case {} {:<40} cycles {:>7} limit {:>7}",
            r.id, r.name, r.cycles, limit
        );
        if r.cycles > limit {
            over.push(format!("{} ({} > {limit})", r.id, r.cycles));
        }
    }
    assert!(over.is_empty(), "cases above their cycle limit: {over:?}");
}

#[test]
fn reference_cases_take_no_more_cycles_than_the_reference_rtl() {
    check_folder(&shipped_ref_cases(), 17);
}

#[test]
fn examples_take_no_more_than_their_recorded_cycles() {
    check_folder(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/jobs"),
        14,
    );
}

#[test]
fn streaming_rates_reach_the_port_bound() {
    let rates = contract::rates(BACKEND).unwrap();
    assert_eq!(rates.len(), contract::streams().len());
    let mut bad = vec![];
    for r in &rates {
        println!(
            "{:<26} {:>6} cycles/1000, {:.3} cycles/element (bound {:.1})",
            r.name, r.cycles_1000, r.per_element, r.bound
        );
        if r.per_element > r.bound * 1.01 || r.cycles_1000 as f64 > 1000.0 * r.bound + 20.0 {
            bad.push(r.name);
        }
    }
    assert!(
        bad.is_empty(),
        "kernels slower than the port bound: {bad:?}"
    );
}

#[test]
fn back_to_back_jobs_cost_at_most_one_extra_cycle() {
    for n in [200u16, 1000] {
        let (one, two) = contract::back_to_back(BACKEND, n).unwrap();
        println!("{n}-element MAC: one job {one} cycles, two back to back {two}");
        assert!(
            two <= one + n as u64 + contract::MAX_BACK_TO_BACK_GAP,
            "second job of {n} elements cost {} cycles",
            two - one
        );
    }
}

#[test]
fn utilisation_under_grant_stalls() {
    for &(p, floor) in STALL_FLOORS {
        let (cyc, u) = contract::stall_utilisation(BACKEND, p).unwrap();
        println!("P = {p}: {cyc} cycles, utilisation {:.2} %", 100.0 * u);
        assert!(
            u >= floor,
            "utilisation {:.2} % at P = {p} is below {:.0} %",
            100.0 * u,
            100.0 * floor
        );
    }
    // the rust-hdl backend draws the same stall pattern: same cycles
    let (vl, _) = contract::stall_utilisation(BACKEND, 0.25).unwrap();
    let (rtl, _) = contract::stall_utilisation("rtl", 0.25).unwrap();
    assert_eq!(vl, rtl, "verilator and rtl differ under --stall 0.25");
}

/// Which operand regions a random job may touch (word addresses): A and B
/// are read-only regions, C is where results go.
const REGION: [u32; 3] = [0, 16 << 10, 64 << 10];
const REGION_WORDS: u32 = 16 << 10;

fn random_job(rng: &mut rand::rngs::StdRng) -> Option<Job> {
    let outer = rng.gen_range(1..=5u8);
    let init = rng.gen_range(0..=outer);
    let inner = rng.gen_range(0..=init);
    let op = rng.gen_range(0..=8u8);
    let aux = match op {
        4 | 8 => rng.gen_range(0..=1),
        5 => rng.gen_range(0..=6),
        6 | 7 => [0, 1, 2, 4][rng.gen_range(0..4)],
        _ => rng.gen_range(0..=1),
    };
    let cmd = Command {
        opcode: op,
        init_level: init,
        inner_level: inner,
        outer_level: outer,
        init_sel: rng.gen_range(0..=3),
        aux,
        irq_cfg: 0,
        polarity: rng.gen(),
    };
    let mut loop_end = [0u16; 5];
    let mut total = 1u64;
    for e in loop_end.iter_mut().take(outer as usize) {
        *e = rng.gen_range(0..12);
        total *= *e as u64 + 1;
    }
    if total > 3000 {
        return None;
    }
    let mut stride = [[0i32; 5]; 3];
    for s in stride.iter_mut() {
        for v in s.iter_mut() {
            *v = 4 * rng.gen_range(-6..=6);
        }
    }
    let base = [0, 1, 2].map(|k| 4 * (REGION[k] + REGION_WORDS / 2 + rng.gen_range(0..64)));
    let job = Job {
        name: "random".into(),
        cmd: cmd.encode(),
        loop_end,
        base,
        stride,
    };
    // every address inside its region; jobs that read C (VADDSUB, MASKMAC,
    // init from C) must never revisit a C word, so no read waits for an
    // earlier store (a dependence through memory, not the ports)
    let reads_c = op == 1 || op == 7 || cmd.init_sel == 2;
    let mut seen = std::collections::HashSet::new();
    for s in steps(&job.loop_config()) {
        for k in 0..3 {
            let a = s.addr[k];
            if a < REGION[k] || a >= REGION[k] + REGION_WORDS {
                return None;
            }
        }
        if reads_c && !seen.insert(s.addr[2]) {
            return None;
        }
    }
    Some(job)
}

/// Random job shapes (1-5 loops, all opcodes, init/store at any level,
/// negative and zero strides) take at most max(steps, accesses / 2) plus a
/// fixed pipeline overhead: the NTX is bound by its two ports, never by its
/// write-back policy. Accesses are counted on the golden model.
#[test]
fn random_job_shapes_stay_within_the_port_bound() {
    const OVERHEAD: u64 = 32;
    let seed = std::env::var("NTX_CYCLES_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0xC7C1E5u64);
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut mem = Tcdm::new(512 * 1024, 0x5555_5555);
    for w in 0..(mem.len_words() as u32) {
        let v: f32 = rng.gen_range(-2.0..2.0);
        mem.write(w, v.to_bits());
    }
    let (mut n, mut worst) = (0, (i64::MIN, String::new()));
    while n < 150 {
        let Some(job) = random_job(&mut rng) else {
            continue;
        };
        n += 1;
        let mut model = ModelBackend::new(mem.clone());
        let want = run_job(&mut model, &job, &mem, &RunLimits::default()).unwrap();
        let writes = want.mem.accesses[1] - mem.accesses[1];
        let mut acc = want.mem.accesses[0] - mem.accesses[0] + writes;
        let cmd = job.command();
        if cmd.opcode == 7 {
            // MASKMAC reads C at every store step before its test is known
            // (the model reads it only when the test is true)
            let stores = steps(&job.loop_config())
                .filter(|s| s.is_last(cmd.inner_level))
                .count() as u64;
            acc += stores - writes;
        }
        let mut be = create_backend(BACKEND, mem.clone()).unwrap();
        let got = run_job(be.as_mut(), &job, &mem, &RunLimits::default()).unwrap();
        assert_eq!(
            got.mem, want.mem,
            "job {n} (seed {seed}) differs from the model: {:?}",
            job
        );
        let cyc = got.cycles.unwrap();
        let bound = want.steps.max(acc.div_ceil(2));
        let slack = cyc as i64 - bound as i64;
        if slack > worst.0 {
            worst = (slack, format!("{:?} cmd {:?}", job, job.command()));
        }
        assert!(
            cyc <= bound + OVERHEAD,
            "job {n} (seed {seed}, rerun with NTX_CYCLES_SEED={seed}): {cyc} cycles for {} steps \
             and {acc} accesses (bound {bound} + {OVERHEAD}): {:?} {:?}",
            want.steps,
            job,
            job.command()
        );
    }
    println!(
        "{n} random jobs within the port bound; worst overhead {} cycles: {}",
        worst.0, worst.1
    );
}

/// The README's generated tables equal what the code produces now.
#[test]
fn readme_tables_are_current() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md"))
            .unwrap();
    for (key, body) in contract::report(BACKEND, false).unwrap() {
        let have = contract::section(&readme, key).unwrap();
        assert_eq!(
            have, body,
            "README section {key:?} is stale: run `cargo run --release -- report --readme README.md`"
        );
    }
}

/// The cluster bank sweep's 32-bank figure (the full sweep is `ntx report
/// --cluster` / `ntx bench cluster-ntx`).
#[test]
fn cluster_conv_at_32_banks_keeps_its_utilisation() {
    use ntx_verif::bench::cluster::{run_banks, ClusterSim};
    let r = run_banks(32, ClusterSim::Verilator).unwrap();
    let floor = contract::CLUSTER_FLOORS
        .iter()
        .find(|(b, _)| *b == 32)
        .unwrap()
        .1;
    println!(
        "32 banks: {} cycles, utilisation {:.2} %",
        r.run.cycles,
        100.0 * r.run.utilisation
    );
    assert!(
        r.run.utilisation >= floor,
        "32-bank utilisation {:.2} % below the contract's {:.1} %",
        100.0 * r.run.utilisation,
        100.0 * floor
    );
}
