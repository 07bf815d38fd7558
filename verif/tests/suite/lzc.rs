//! The FMAC's leading-zero counter (`hw/src/fmac/lzc.rs`) against
//! `u32::leading_zeros`, and the committed file against its generator.

use ntx_hw::fmac::lzc::Lzc32;
use rand::{Rng, SeedableRng};
use rust_hdl::prelude::*;

/// Settle the combinational block for input `x` and return `lz`.
fn lz(uut: &mut Lzc32, x: u32) -> u32 {
    uut.x.next = (x as u64).into();
    loop {
        uut.update_all();
        if !uut.has_changed() {
            break;
        }
    }
    uut.lz.val().to_u32()
}

/// Expected: the leading zeros, except that zero gives 31 (the FMAC never
/// asks for zero: it selects the highest non-zero segment).
fn expected(x: u32) -> u32 {
    x.leading_zeros().min(31)
}

#[test]
fn lzc32_every_leading_one_position() {
    let mut uut = Lzc32::default();
    uut.connect_all();
    assert_eq!(lz(&mut uut, 0), 31);
    for p in 0..32 {
        let one = 1u32 << p;
        // the leading one alone, with all lower bits set, and with some
        for x in [one, one | (one - 1), one | ((one - 1) & 0x5555_5555)] {
            assert_eq!(lz(&mut uut, x), expected(x), "x = {x:#010x}");
        }
    }
}

#[test]
fn lzc32_random() {
    let mut uut = Lzc32::default();
    uut.connect_all();
    let mut rng = rand::rngs::StdRng::seed_from_u64(0x1ec);
    for _ in 0..20_000 {
        // random width, so every position is hit often
        let x = rng.gen::<u32>() >> rng.gen_range(0..32);
        assert_eq!(lz(&mut uut, x), expected(x), "x = {x:#010x}");
    }
}

#[test]
fn lzc_file_is_generated() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = std::process::Command::new("python3")
        .arg(root.join("scripts/gen-lzc.py"))
        .arg("32")
        .output();
    let Ok(out) = out else {
        eprintln!("python3 not available: generator check skipped");
        return;
    };
    assert!(out.status.success(), "gen-lzc.py failed");
    let committed = std::fs::read_to_string(root.join("hw/src/fmac/lzc.rs")).unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        committed,
        "hw/src/fmac/lzc.rs differs from scripts/gen-lzc.py 32"
    );
}
