//! Firmware flow (spec 10): the example firmware built with the cross
//! compiler runs on the ISS; NTX / DMA results are checked against the
//! golden model computed in Rust. Fails loudly when the toolchain is missing.

use ntx_verif::firmware;
use ntx_verif::run_elf::{load_elf_for, ElfBackend, ElfRunOpts, IssBackend};

fn run_example(
    name: &str,
) -> (
    IssBackend,
    ntx_verif::run_elf::ElfRunReport,
    ntx_verif::model::rv32::elf::ElfImage,
) {
    let out = firmware::default_out_dir();
    let elf = firmware::build_example(&out, name).unwrap_or_else(|e| panic!("{e}"));
    let mut be = IssBackend::default();
    let img = load_elf_for(&be, &elf).unwrap();
    let rep = be
        .run(&img, &ElfRunOpts::default())
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    (be, rep, img)
}

#[test]
fn hello_prints_through_putc() {
    let (_, rep, _) = run_example("hello");
    assert_eq!(rep.exit, 0);
    assert_eq!(
        String::from_utf8_lossy(&rep.console),
        "hello from the ntx control core, hart 0\n"
    );
    assert!(rep.instret > 100 && rep.cycles >= rep.instret);
}
