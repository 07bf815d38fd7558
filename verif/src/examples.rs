//! The project's own example jobs, one or more per opcode, in the reference
//! file format. Inputs come from a fixed seed; expected memory comes from the
//! golden model (`ntx gen-examples` rewrites them; a test checks that the
//! bundled copies are current).

use crate::backend::{run_job, ModelBackend, RunLimits};
use crate::jobfile::{format_job, format_mem};
use crate::model::job::{Command, Job};
use crate::model::mem::{Tcdm, DEFAULT_TCDM_BYTES};
use ntx_hw::params::opcode;
use rand::{Rng, SeedableRng};
use std::path::Path;

/// Fill value of the examples (as the reference's data).
pub const FILL: u32 = 0x5555_5555;
const A: u32 = 0x1000;
const B: u32 = 0x2000;
const C: u32 = 0x3000;

fn cmd(op: u32, init: u8, inner: u8, outer: u8, init_sel: u8, aux: u8, pol: bool) -> u32 {
    Command {
        opcode: op as u8,
        init_level: init,
        inner_level: inner,
        outer_level: outer,
        init_sel,
        aux,
        irq_cfg: 1,
        polarity: pol,
    }
    .encode()
}

/// 1-D streaming over `n` elements: every AGU walks its own vector.
fn vec1(name: &str, cmd: u32, n: u16, step: [i32; 3]) -> Job {
    Job {
        name: name.into(),
        cmd,
        loop_end: [n - 1, 0, 0, 0, 0],
        base: [A, B, C],
        stride: [
            [step[0], 0, 0, 0, 0],
            [step[1], 0, 0, 0, 0],
            [step[2], 0, 0, 0, 0],
        ],
    }
}

/// The example jobs.
pub fn jobs() -> Vec<Job> {
    let mut v = vec![
        vec1(
            "dot_product_MAC",
            cmd(opcode::MAC, 1, 1, 1, 3, 0, false),
            100,
            [4, 4, 0],
        ),
        vec1(
            "vector_add_C_eq_A_plus_C_VADDSUB",
            cmd(opcode::VADDSUB, 0, 0, 1, 2, 0, false),
            100,
            [4, 4, 4],
        ),
        vec1(
            "vector_sub_C_eq_A_minus_B_VADDSUB",
            cmd(opcode::VADDSUB, 0, 0, 1, 1, 0, true),
            100,
            [4, 4, 4],
        ),
        vec1(
            "vector_mul_relu_VMULT",
            cmd(opcode::VMULT, 0, 0, 1, 3, 1, false),
            100,
            [4, 4, 4],
        ),
        vec1(
            "argmax_MAXMIN",
            cmd(opcode::MAXMIN, 1, 1, 1, 1, 1, false),
            100,
            [0, 4, 0],
        ),
        vec1(
            "min_MAXMIN",
            cmd(opcode::MAXMIN, 1, 1, 1, 1, 0, true),
            100,
            [0, 4, 0],
        ),
        vec1(
            "threshold_binary_THTST",
            cmd(opcode::THTST, 1, 0, 1, 0, 4 | 1, false),
            100,
            [0, 4, 4],
        ),
        vec1(
            "mask_by_counter_MASK",
            cmd(opcode::MASK, 1, 0, 1, 3, 4, true),
            100,
            [4, 4, 4],
        ),
        vec1(
            "masked_accumulate_MASKMAC",
            cmd(opcode::MASKMAC, 1, 0, 1, 1, 1, false),
            100,
            [4, 4, 4],
        ),
        vec1(
            "replicate_COPY",
            cmd(opcode::COPY, 1, 0, 1, 0, 0, false),
            100,
            [0, 0, 4],
        ),
        vec1(
            "vector_copy_COPY",
            cmd(opcode::COPY, 0, 0, 1, 3, 1, false),
            100,
            [4, 0, 4],
        ),
    ];
    // Matrix-vector product with bias from C and ReLU: C[i] = relu(C[i] + sum_j M[i][j] x[j]).
    v.push(Job {
        name: "matvec_bias_relu_MAC".into(),
        cmd: cmd(opcode::MAC, 1, 1, 2, 2, 1, false),
        loop_end: [19, 9, 0, 0, 0],
        base: [A, B, C],
        stride: [[4, 4, 0, 0, 0], [4, -76, 0, 0, 0], [0, 4, 0, 0, 0]],
    });
    // Outer product 10 x 10: C[i][j] = x[i] * y[j].
    v.push(Job {
        name: "outer_product_OUTERP".into(),
        cmd: cmd(opcode::OUTERP, 1, 0, 2, 1, 0, false),
        loop_end: [9, 9, 0, 0, 0],
        base: [A, B, C],
        stride: [[4, -36, 0, 0, 0], [0, 4, 0, 0, 0], [4, 4, 0, 0, 0]],
    });
    // 3x3 convolution, one output channel of 2 input channels over 8x8 (6x6 outputs).
    v.push(Job {
        name: "conv3x3_2ch_MAC".into(),
        cmd: cmd(opcode::MAC, 3, 3, 5, 3, 0, false),
        loop_end: [2, 2, 1, 5, 5],
        base: [A, B, C],
        // input x[c][y][x] 8x8, filter w[c][ky][kx]; loops: kx, ky, c, ox, oy
        stride: [
            [
                4,
                4 * (8 - 2),
                4 * (64 - 2 * 8 - 2),
                4 * (1 - 64 - 2 * 8 - 2),
                4 * (8 - 5 - 64 - 2 * 8 - 2),
            ],
            [4, 4, 4, -4 * 17, -4 * 17],
            [0, 0, 0, 4, 4],
        ],
    });
    v
}

/// Initial memory of the examples: random A, B, C vectors (fixed seed),
/// with some exact zeros, negative values and duplicates.
pub fn initial_memory() -> Tcdm {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0x4E54_5800);
    let mut m = Tcdm::new(DEFAULT_TCDM_BYTES, FILL);
    for region in [A, B, C] {
        for i in 0..256u32 {
            let v: f32 = match rng.gen_range(0..10) {
                0 => 0.0,
                1 => 1.0,
                _ => rng.gen_range(-4.0f32..4.0),
            };
            m.write(region / 4 + i, v.to_bits());
        }
    }
    m
}

/// Write `jobNNNN/iniNNNN/expNNNN` for every example into `dir`; returns
/// the number of cases.
pub fn write_examples(dir: &Path) -> Result<usize, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let ini = initial_memory();
    let jobs = jobs();
    for (i, job) in jobs.iter().enumerate() {
        let mut be = ModelBackend::new(ini.clone());
        let rep = run_job(&mut be, job, &ini, &RunLimits::default()).map_err(|e| e.to_string())?;
        let w = |kind: &str, text: String| {
            let p = dir.join(format!("{kind}{i:04}.txt"));
            std::fs::write(&p, text).map_err(|e| format!("{}: {e}", p.display()))
        };
        w("job", format_job(job))?;
        w("ini", format_mem(&ini))?;
        w("exp", format_mem(&rep.mem))?;
    }
    Ok(jobs.len())
}
