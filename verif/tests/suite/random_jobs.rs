//! Random single-NTX jobs shared by the NTX-level tests (`ntx_rtl`,
//! `ntx_ieee`): every opcode (0-8), any aux, polarity, init_sel and
//! irq_cfg, valid levels (inner <= init <= outer <= 5), up to 4 iterations
//! per loop and 64 steps, operands from the caller's word strategy in a
//! 1 MiB TCDM.

use ntx_verif::model::job::{Command, Job};
use ntx_verif::model::mem::Tcdm;
use proptest::prelude::*;

/// 1 MiB: every 18-bit word address exists, so wrapped addresses are legal.
pub const MEM_BYTES: usize = 1 << 20;
pub const FILL: u32 = 0x5555_5555;

/// A random job and the 64 words (from `word`) around its AGU bases.
pub fn job_strategy_with(
    word: impl Strategy<Value = u32>,
) -> impl Strategy<Value = (Job, Vec<(u32, u32)>)> {
    (
        (0u8..9, 0u8..8, any::<bool>(), 0u8..4, 0u8..4),
        (0u8..=5, any::<u8>(), any::<u8>()),
        prop::array::uniform5(0u16..4),
        prop::array::uniform3(0u32..48),
        prop::array::uniform3(prop::array::uniform5(-6i32..7)),
        prop::collection::vec(word, 64),
    )
        .prop_map(
            |((op, aux, pol, sel, irq), (outer, ri, rn), ends, base, strides, data)| {
                let init = ri % (outer + 1);
                let inner = rn % (init + 1);
                let cmd = Command {
                    opcode: op,
                    init_level: init,
                    inner_level: inner,
                    outer_level: outer,
                    init_sel: sel,
                    aux,
                    irq_cfg: irq,
                    polarity: pol,
                };
                let job = Job {
                    name: "random".into(),
                    cmd: cmd.encode(),
                    loop_end: ends,
                    base: base.map(|w| 4 * (1000 + w)),
                    stride: strides.map(|s| s.map(|x| 4 * x)),
                };
                let mem = data
                    .iter()
                    .enumerate()
                    .map(|(i, &d)| (1000 - 8 + i as u32, d))
                    .collect();
                (job, mem)
            },
        )
        .prop_filter("bounded steps", |(j, _)| j.steps() <= 64)
}

/// A TCDM filled with [`FILL`] holding `words` (word address, value).
pub fn make_mem(words: &[(u32, u32)]) -> Tcdm {
    let mut m = Tcdm::new(MEM_BYTES, FILL);
    for &(a, d) in words {
        m.write(a, d);
    }
    m
}
