//! `ntx run-elf` on the RTL core: the hello-world firmware (built with the
//! cross compiler; fails loudly when it is missing) gives the same console
//! output and exit code on `iss`, `rtl` and `verilator`, identical cycles
//! on `rtl` and `verilator`, and runs in lock step with the ISS.
//! Prints the CPI of this mixed program (picolibc printf: ALU, loads,
//! stores, branches, calls, divisions) for the README.
//!
//! Run: `cargo test --release -p ntx-verif --test core_run_elf -- --nocapture`

use ntx_hw::params::core::L2_BASE;
use ntx_verif::core_tb::RtlSoc;
use ntx_verif::corecheck::{lockstep, TestProgram};
use ntx_verif::firmware;
use ntx_verif::run_elf::{create_elf_backend, load_elf_for, ElfRunOpts};

#[test]
fn hello_on_iss_rtl_verilator() {
    let out = firmware::default_out_dir();
    let elf = firmware::build_example(&out, "hello").unwrap_or_else(|e| panic!("{e}"));
    let mut reps = Vec::new();
    for name in ["iss", "rtl", "verilator"] {
        let mut be = create_elf_backend(name).unwrap();
        let img = load_elf_for(be.as_ref(), &elf).unwrap();
        let rep = be
            .run(&img, &ElfRunOpts::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        println!("{}", rep.summary(name));
        reps.push(rep);
    }
    let (iss, rtl, vl) = (&reps[0], &reps[1], &reps[2]);
    assert_eq!(rtl.exit, 0);
    assert_eq!(rtl.console, iss.console, "console rtl vs iss");
    assert_eq!(vl.console, iss.console, "console verilator vs iss");
    assert_eq!((rtl.exit, rtl.instret), (iss.exit, iss.instret));
    assert_eq!(rtl, vl, "rtl and verilator differ");
    println!(
        "hello: CPI = {} / {} = {:.3}",
        rtl.cycles,
        rtl.instret,
        rtl.cycles as f64 / rtl.instret as f64
    );
}

#[test]
fn hello_in_lock_step() {
    let out = firmware::default_out_dir();
    let elf = firmware::build_example(&out, "hello").unwrap_or_else(|e| panic!("{e}"));
    let be = create_elf_backend("iss").unwrap();
    let img = load_elf_for(be.as_ref(), &elf).unwrap();
    let end = img
        .segments
        .iter()
        .map(|s| s.addr + s.data.len() as u32)
        .max()
        .unwrap();
    assert!(
        img.segments.iter().all(|s| s.addr >= L2_BASE),
        "hello loads outside L2"
    );
    let mut words = vec![0u32; (end - L2_BASE).div_ceil(4) as usize];
    for s in &img.segments {
        for (k, &b) in s.data.iter().enumerate() {
            let a = s.addr - L2_BASE + k as u32;
            words[(a / 4) as usize] |= (b as u32) << (8 * (a % 4));
        }
    }
    let p = TestProgram {
        name: "hello.elf".into(),
        words,
        irq_at: vec![],
        stall_pct: 0,
        seed: 0,
        max_cycles: 2_000_000,
    };
    let st = lockstep(&mut RtlSoc::new(), &p).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(st.exit, 0);
    assert!(st.retired > 1000);
}
