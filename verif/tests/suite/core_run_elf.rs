//! `ntx run-elf` on the RTL core: the hello-world firmware and the ISS
//! engineer's directed ISA tests (`verif/firmware/isa/*.S`, built with the
//! cross compiler; fails loudly when it is missing) give the same console
//! output and exit code on `iss`, `rtl` and `verilator`, identical cycles
//! on `rtl` and `verilator`, and run in lock step with the ISS.
//! Prints the CPI of hello (a mixed program: picolibc printf with ALU,
//! loads, stores, branches, calls, divisions) for the README.
//!
//! Run: `cargo test --release -p ntx-verif --test suite core_run_elf:: -- --nocapture`

use ntx_verif::core_tb::RtlSoc;
use ntx_verif::corecheck::{elf_program, lockstep};
use ntx_verif::firmware::{self, build_isa, Target, ISA_TESTS};
use ntx_verif::run_elf::{create_elf_backend, load_elf_for, ElfRunOpts, ElfRunReport};
use std::path::Path;

/// Run `elf` on iss, rtl and verilator; check they agree; rtl's report.
fn on_all_backends(elf: &Path) -> ElfRunReport {
    let mut reps = Vec::new();
    for name in ["iss", "rtl", "verilator"] {
        let mut be = create_elf_backend(name).unwrap();
        let img = load_elf_for(be.as_ref(), elf).unwrap();
        let rep = be
            .run(&img, &ElfRunOpts::default())
            .unwrap_or_else(|e| panic!("{name} {}: {e}", elf.display()));
        println!("{}: {}", elf.display(), rep.summary(name));
        reps.push(rep);
    }
    let (iss, rtl, vl) = (&reps[0], &reps[1], &reps[2]);
    assert_eq!(rtl.exit, 0, "{}", elf.display());
    assert_eq!(rtl.console, iss.console, "console rtl vs iss");
    assert_eq!((rtl.exit, rtl.instret), (iss.exit, iss.instret));
    assert_eq!(rtl, vl, "rtl and verilator differ");
    reps.swap_remove(1)
}

/// `elf` on the rust-hdl core in lock step with the ISS.
fn in_lock_step(elf: &Path) {
    let be = create_elf_backend("iss").unwrap();
    let img = load_elf_for(be.as_ref(), elf).unwrap();
    let p = elf_program(&elf.display().to_string(), &img, 2_000_000).unwrap();
    let st = lockstep(&mut RtlSoc::new(), &p).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(st.exit, 0);
    assert!(st.retired > 100);
}

#[test]
fn hello_on_iss_rtl_verilator() {
    let out = firmware::default_out_dir();
    let elf = firmware::build_example(&out, "hello").unwrap_or_else(|e| panic!("{e}"));
    let rtl = on_all_backends(&elf);
    println!(
        "hello: CPI = {} / {} = {:.3}",
        rtl.cycles,
        rtl.instret,
        rtl.cycles as f64 / rtl.instret as f64
    );
    // the README figure (section "Control core RTL"; update both together)
    assert_eq!((rtl.cycles, rtl.instret), (1702, 1040), "hello CPI figure");
    in_lock_step(&elf);
}

#[test]
fn isa_tests_on_the_rtl_core() {
    let out = firmware::default_out_dir();
    let run: Vec<&str> = ISA_TESTS.to_vec();
    assert!(run.len() >= 3, "ISA tests missing: {ISA_TESTS:?}");
    // README figures (section "Control core RTL"; update both together)
    let figures = [("alu", (532, 423)), ("muldiv", (850, 181))];
    for name in run {
        let elf = build_isa(&out, name, Target::Ntx).unwrap_or_else(|e| panic!("{e}"));
        let rtl = on_all_backends(&elf);
        if let Some((_, f)) = figures.iter().find(|(n, _)| *n == name) {
            assert_eq!((rtl.cycles, rtl.instret), *f, "{name} cycles figure");
        }
        in_lock_step(&elf);
    }
}
