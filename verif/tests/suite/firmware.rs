//! Firmware flow (spec 10): the example firmware built with the cross
//! compiler runs on the ISS; NTX / DMA results are checked against the
//! golden model computed in Rust. Fails loudly when the toolchain is missing.

use ntx_verif::firmware;
use ntx_verif::model::arith::Accumulator;
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

/// `example_value` of `verif/firmware/examples/common.h`, regenerated here.
fn value(seed: u32, k: u32) -> u32 {
    let mut x = seed
        .wrapping_mul(0x9E37_79B9)
        .wrapping_add(k.wrapping_mul(2_654_435_761));
    x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
    x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
    ((((x >> 16) & 0xFF) as i32 - 128) as f32 * 0.015625).to_bits()
}

/// NTX MAC result (exact accumulation, one rounding; spec 8) of `pairs`.
fn dot(pairs: impl Iterator<Item = (u32, u32)>) -> u32 {
    let mut acc = Accumulator::new();
    for (a, b) in pairs {
        acc.mac(a, b, false);
    }
    acc.round()
}

fn tcdm(be: &IssBackend, w: u32) -> u32 {
    be.system.cluster.tcdm.words()[w as usize]
}

fn check_matvec(be: &IssBackend) {
    for r in 0..8 {
        for k in 0..64 {
            assert_eq!(tcdm(be, r * 64 + k), value(1, r * 64 + k), "A[{r}][{k}]");
        }
        let exp = dot((0..64).map(|k| (value(1, r * 64 + k), value(2, k))));
        assert_eq!(tcdm(be, 2048 + r), exp, "y[{r}]");
    }
}

#[test]
fn mac_job_with_polling_matches_the_golden_model() {
    let (be, rep, _) = run_example("mac_poll");
    assert_eq!(rep.exit, 0);
    check_matvec(&be);
}

#[test]
fn mac_job_with_wfi_and_interrupt_matches_the_golden_model() {
    let (be, rep, _) = run_example("mac_irq");
    assert_eq!(rep.exit, 0, "{}", String::from_utf8_lossy(&rep.console));
    assert_eq!(
        String::from_utf8_lossy(&rep.console),
        "mac_irq: interrupt from NTX 3, pending 0x008\n"
    );
    // The interrupt entry is the one step that retires nothing.
    assert_eq!(rep.cycles, rep.instret + 1);
    check_matvec(&be);
}

#[test]
fn conv3x3_on_8_ntx_with_dma_matches_the_golden_model() {
    const C: u32 = 16;
    const S: u32 = 18;
    const O: u32 = 16;
    let (be, rep, _) = run_example("conv3x3");
    assert_eq!(rep.exit, 0, "{}", String::from_utf8_lossy(&rep.console));
    for r in 0..C * S {
        for x in 0..S {
            assert_eq!(
                tcdm(&be, r * S + x),
                value(3, r * S + x),
                "input row {r} col {x}"
            );
        }
    }
    let input = |c: u32, y: u32, x: u32| value(3, (c * S + y) * S + x);
    for n in 0..8u32 {
        for oy in 0..O {
            for ox in 0..O {
                let exp = dot((0..C).flat_map(|c| {
                    (0..9).map(move |t| (input(c, oy + t / 3, ox + t % 3), value(4 + n, c * 9 + t)))
                }));
                let got = tcdm(&be, 12288 + 256 * n + oy * O + ox);
                assert_eq!(got, exp, "output channel {n} ({oy},{ox})");
            }
        }
    }
}

#[test]
fn double_buffered_dma_ntx_loop_matches_the_golden_model() {
    let (be, rep, _) = run_example("dbuf");
    assert_eq!(rep.exit, 0, "{}", String::from_utf8_lossy(&rep.console));
    for row in 0..6 * 8u32 {
        let exp = dot((0..32).map(|k| (value(5, row * 32 + k), value(6, k))));
        assert_eq!(
            be.system.cluster.ext[(0x8000 / 4 + row) as usize],
            exp,
            "y[{row}]"
        );
    }
}

#[test]
fn run_elf_cli_prints_console_and_summary_and_sets_the_status() {
    let out = firmware::default_out_dir();
    let elf = firmware::build_example(&out, "hello").unwrap();
    let bin = env!("CARGO_BIN_EXE_ntx");
    let o = std::process::Command::new(bin)
        .args(["run-elf", "--elf"])
        .arg(&elf)
        .output()
        .unwrap();
    assert!(o.status.success());
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(s.starts_with("hello from the ntx control core"), "{s}");
    assert!(
        s.contains("exit=0 cycles=") && s.contains(" instret="),
        "{s}"
    );
    // A cycle limit is an error with status 1.
    let o = std::process::Command::new(bin)
        .args(["run-elf", "--max-cycles", "100", "--elf"])
        .arg(&elf)
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("cycle limit"));
    // A non-zero exit code gives a failing status and is printed.
    let src = out.join("exit7.c");
    std::fs::write(&src, "int main(void) { return 7; }\n").unwrap();
    let elf = firmware::build(&out, "exit7", &[src], firmware::Target::Ntx, &[]).unwrap();
    let o = std::process::Command::new(bin)
        .args(["run-elf", "--elf"])
        .arg(&elf)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains("exit=7 "));
}

#[test]
fn bad_elf_files_are_clear_errors() {
    let dir = firmware::default_out_dir().join("bad-elf");
    std::fs::create_dir_all(&dir).unwrap();
    let be = IssBackend::default();
    let good =
        std::fs::read(firmware::build_example(&firmware::default_out_dir(), "hello").unwrap())
            .unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty", vec![], "e_ident"),
        ("text", b"hello world, not an elf".to_vec(), "bad magic"),
        (
            "class64",
            {
                let mut b = good.clone();
                b[4] = 2;
                b
            },
            "EI_CLASS",
        ),
        (
            "bigendian",
            {
                let mut b = good.clone();
                b[5] = 2;
                b
            },
            "EI_DATA",
        ),
        (
            "machine",
            {
                let mut b = good.clone();
                b[18] = 62;
                b
            },
            "e_machine",
        ),
        (
            "entry",
            {
                let mut b = good.clone();
                b[24] = 4;
                b
            },
            "e_entry",
        ),
        (
            "truncated",
            good[..good.len().min(200)].to_vec(),
            "beyond the end of the file",
        ),
        (
            "phoff",
            {
                let mut b = good.clone();
                b[28..32].copy_from_slice(&0xFFFF_FF00u32.to_le_bytes());
                b
            },
            "program header 0",
        ),
    ];
    let phoff = u32::from_le_bytes(good[28..32].try_into().unwrap()) as usize;
    let ph = (0..8)
        .map(|i| phoff + 32 * i)
        .find(|&o| u32::from_le_bytes(good[o..o + 4].try_into().unwrap()) == 1)
        .expect("a PT_LOAD header");
    let mut huge = good.clone();
    huge[ph + 20..ph + 24].copy_from_slice(&0x0010_0000u32.to_le_bytes());
    let mut cases = cases;
    cases.push(("oversized", huge, "does not fit in one memory"));
    for (name, bytes, want) in cases {
        let p = dir.join(format!("{name}.elf"));
        std::fs::write(&p, &bytes).unwrap();
        let e = match load_elf_for(&be, &p) {
            Ok(_) => panic!("{name}: accepted"),
            Err(e) => e,
        };
        assert!(
            e.contains(&*p.display().to_string()) && e.contains(want),
            "{name}: {e}"
        );
    }
    // A segment that does not fit in L2 or the TCDM.
    let big = dir.join("big.c");
    std::fs::write(
        &big,
        "char big[200000] = {1};\nint main(void) { return big[0] - 1; }\n",
    )
    .unwrap();
    let e = firmware::build(&dir, "big", &[big], firmware::Target::Ntx, &[]).unwrap_err();
    assert!(e.contains("does not fit") || e.contains("overflow"), "{e}");
}
