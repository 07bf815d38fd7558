//! Golden-model throughput: MAC steps per second on a long reduction.

use crate::model::job::{Command, Job};
use crate::model::mem::{Tcdm, DEFAULT_TCDM_BYTES};
use crate::model::ntx::NtxModel;
use ntx_hw::params::{opcode, regs};
use rand::{Rng, SeedableRng};
use std::time::Instant;

/// A 3-level MAC job: `outputs` dot products of length `len` (A and B
/// streamed, results stored per dot product).
pub fn mac_job(len: u16, outputs: u16) -> Job {
    let cmd = Command {
        opcode: opcode::MAC as u8,
        init_level: 1,
        inner_level: 1,
        outer_level: 2,
        init_sel: 3,
        ..Command::default()
    };
    Job {
        name: "bench_mac".into(),
        cmd: cmd.encode(),
        loop_end: [len - 1, outputs - 1, 0, 0, 0],
        base: [0, 4 * len as u32, 8 * len as u32],
        stride: [
            [4, -4 * (len as i32 - 1), 0, 0, 0],
            [4, -4 * (len as i32 - 1), 0, 0, 0],
            [0, 4, 0, 0, 0],
        ],
    }
}

/// Measure and print model throughput.
pub fn run() -> Result<(), String> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    let mut mem = Tcdm::new(DEFAULT_TCDM_BYTES, 0);
    for a in 0..4096 {
        let v: f32 = rng.gen_range(-2.0..2.0);
        mem.write(a, v.to_bits());
    }
    let job = mac_job(1000, 1000);
    let mut ntx = NtxModel::new();
    let t = Instant::now();
    let mut steps = 0u64;
    let mut reps = 0;
    while t.elapsed().as_secs_f64() < 2.0 {
        for (w, v) in job.staging_writes() {
            ntx.write_reg(&mut mem, w, v);
        }
        ntx.write_reg(&mut mem, regs::CMD, job.cmd);
        steps += job.steps();
        reps += 1;
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "model MAC job: {reps} x {} steps in {secs:.2} s",
        job.steps()
    );
    println!("model_mac_steps_per_s={:.3e}", steps as f64 / secs);
    Ok(())
}
