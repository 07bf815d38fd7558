//! The RTL control core in lock step with the ISS (see
//! `ntx_verif::corecheck`): directed programs and seeded random
//! instruction streams, on rust-hdl and on Verilator; rust-hdl and
//! Verilator count the same cycles.
//!
//! `CORE_SEED=N` reruns one random stream (both backends);
//! `CORE_STREAMS=N` sets the number of streams per backend (default 1000).
//! The Verilator model is built once (cached in `target/verilator/core_soc-*`).

use ntx_verif::core_tb::{RtlSoc, SocDrive, VerilatedSoc};
use ntx_verif::corecheck::{directed_programs, lockstep, random_program, RunStats};

/// Items of a random stream (short: the suite runs thousands).
const STREAM_ITEMS: usize = 24;

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().map(|v| {
        v.parse()
            .unwrap_or_else(|_| panic!("{name} must be a number, got {v:?}"))
    })
}

fn directed(d: &mut dyn SocDrive) -> Vec<RunStats> {
    let progs = directed_programs();
    assert!(progs.len() >= 6, "directed programs missing");
    let mut out = Vec::new();
    for p in &progs {
        let st = lockstep(d, p).unwrap_or_else(|e| panic!("[{}] {e}", d.name()));
        assert_eq!(st.exit, 0, "{}", p.name);
        assert!(st.retired > 10, "{}: too little retired", p.name);
        eprintln!("[{}] {}: {st:?}", d.name(), p.name);
        out.push(st);
    }
    out
}

#[test]
fn directed_rtl_and_verilator_agree() {
    let a = directed(&mut RtlSoc::new());
    let b = directed(&mut VerilatedSoc::new().expect("verilator model"));
    // identical cycles, instret and trap counts on both simulators
    assert_eq!(a, b);
    // the interrupt program takes interrupts, the trap programs traps
    assert!(a.iter().any(|s| s.interrupts >= 2));
    assert!(a.iter().map(|s| s.traps).sum::<u64>() > 100);
}

fn random(d: &mut dyn SocDrive) {
    let default_run = env_u64("CORE_SEED").is_none() && env_u64("CORE_STREAMS").is_none();
    let (seeds, what) = match env_u64("CORE_SEED") {
        Some(s) => (s..s + 1, "CORE_SEED"),
        None => (0..env_u64("CORE_STREAMS").unwrap_or(1000), "streams"),
    };
    let n = seeds.end - seeds.start;
    assert!(n > 0, "no streams to run");
    let (mut traps, mut irqs, mut retired) = (0, 0, 0);
    for seed in seeds {
        let p = random_program(seed, STREAM_ITEMS);
        match lockstep(d, &p) {
            Ok(st) => {
                traps += st.traps;
                irqs += st.interrupts;
                retired += st.retired;
            }
            Err(e) => panic!(
                "[{}] {e}\nreproduce: CORE_SEED={seed} cargo test --release -p ntx-verif \
                 --test suite core_lockstep::random",
                d.name()
            ),
        }
    }
    eprintln!(
        "[{}] {n} {what}: {retired} instructions retired, {traps} traps, {irqs} interrupts",
        d.name()
    );
    // the streams exercise traps and interrupts, not only straight-line code
    assert!(
        n < 50 || (traps > n && irqs > n / 10),
        "too few traps/interrupts"
    );
    if default_run {
        // the README figures (section "Control core RTL")
        assert_eq!((retired, traps, irqs), (102_271, 4_513, 143));
    }
}

#[test]
fn random_rtl() {
    random(&mut RtlSoc::new());
}

#[test]
fn random_verilator() {
    random(&mut VerilatedSoc::new().expect("verilator model"));
}
