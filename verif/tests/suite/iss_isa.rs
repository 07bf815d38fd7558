//! Directed ISA tests (`verif/firmware/isa/*.S`: every RV32IM instruction,
//! the CSRs of spec 10, traps) on the ISS and, built for the qemu virt
//! machine from the same source, on `qemu-system-riscv32 -M virt -bios
//! none` (an independent implementation). Fails loudly when a tool is
//! missing.

use ntx_verif::firmware::{self, build, build_isa, run_qemu_virt, Target, ISA_TESTS};
use ntx_verif::run_elf::{load_elf_for, ElfBackend, ElfRunOpts, IssBackend};
use std::path::{Path, PathBuf};

fn run_iss(elf: &Path) -> u32 {
    let mut be = IssBackend::default();
    let img = load_elf_for(&be, elf).unwrap();
    be.run(&img, &ElfRunOpts::default())
        .unwrap_or_else(|e| panic!("{}: {e}", elf.display()))
        .exit
}

#[test]
fn isa_tests_pass_on_the_iss_and_on_qemu() {
    let out = firmware::default_out_dir();
    for name in ISA_TESTS {
        let elf = build_isa(&out, name, Target::Ntx).unwrap_or_else(|e| panic!("{e}"));
        let code = run_iss(&elf);
        assert_eq!(
            code,
            0,
            "ISA test {name} failed check {} on the ISS (cargo run --release -- run-elf --elf {} --trace)",
            code >> 1,
            elf.display()
        );
        let q = build_isa(&out, name, Target::QemuVirt).unwrap_or_else(|e| panic!("{e}"));
        let (status, console) = run_qemu_virt(&q, 30).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            status,
            0,
            "ISA test {name} failed check {} on qemu ({}); console: {console}",
            status >> 1,
            q.display()
        );
    }
}

/// A failing check is reported as `(n << 1) | 1` on both sides.
#[test]
fn a_failing_check_reports_its_number() {
    let out = firmware::default_out_dir();
    let src = out.join("isa_fail_check.S");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(
        &src,
        "#include \"isa/isa.h\"\n TEST_BEGIN\n TEST_RR 1, add, 1, 1, 2\n TEST_RR 21, add, 1, 1, 3\n TEST_END\n",
    )
    .unwrap();
    let srcs = [PathBuf::from(&src)];
    let elf = build(&out, "isa_fail_check", &srcs, Target::Ntx, &[]).unwrap();
    assert_eq!(run_iss(&elf), (21 << 1) | 1);
    let q = build(&out, "isa_fail_check-qemu", &srcs, Target::QemuVirt, &[]).unwrap();
    let (status, _) = run_qemu_virt(&q, 30).unwrap();
    assert_eq!(status, (21 << 1) | 1);
}
