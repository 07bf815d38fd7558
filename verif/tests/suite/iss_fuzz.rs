//! The ISS against qemu-riscv32 (user mode, an independent RV32IM
//! implementation) on 1,000 seeded random programs (`NTX_ISS_FUZZ_SEED`,
//! `NTX_ISS_FUZZ_PROGRAMS`); `ntx iss-fuzz --programs N` runs longer
//! campaigns. Fails loudly when qemu-riscv32 is missing.

use ntx_verif::iss_fuzz::{self, build_image, run_iss, DATA_BYTES};

fn env_u64(n: &str, d: u64) -> u64 {
    std::env::var(n)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(d)
}

#[test]
fn iss_matches_qemu_user_on_random_programs() {
    let seed = env_u64("NTX_ISS_FUZZ_SEED", 0x5EED_1551);
    let n = env_u64("NTX_ISS_FUZZ_PROGRAMS", 1000);
    let rep =
        iss_fuzz::run(seed, 0, n, &iss_fuzz::default_work_dir()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(rep.programs, n, "seed {seed}");
    assert_eq!(rep.compared_bytes, n * 384, "seed {seed}");
}

/// The comparison sees a difference: a program's registers differ from
/// their initial values (so the dump is live) and two seeds give different
/// results.
#[test]
fn results_depend_on_the_program() {
    let a = run_iss(&build_image(1, 0, 4)).unwrap();
    let b = run_iss(&build_image(2, 0, 4)).unwrap();
    assert_eq!(a.len(), b.len());
    assert_ne!(a, b);
    // Every program changed some bytes of its data area (stores happen).
    let img = build_image(1, 0, 4);
    let (res, _) = img.results;
    let init = &img.bytes[(res - img.base) as usize..];
    let slot = 384;
    let changed = (0..4)
        .filter(|p| {
            let r = p * slot..p * slot + DATA_BYTES as usize;
            a[r.clone()] != init[r]
        })
        .count();
    assert!(
        changed >= 3,
        "only {changed} of 4 programs stored to their data area"
    );
}
