//! DAG benchmark: simulated steps per second of the rust-hdl model (direct
//! drive) and the Yosys figures of the generated Verilog.

use ntx_hw::dag::Dag;
use rust_hdl::prelude::*;
use std::time::Instant;

fn tick(uut: &mut Dag) {
    uut.clock.next = Clock { clk: true };
    assert!(simulate(uut, 100));
    uut.clock.next = Clock { clk: false };
    assert!(simulate(uut, 100));
}

/// Figures as (name, value).
pub fn figures() -> Result<Vec<(String, String)>, String> {
    let mut uut = Dag::default();
    uut.connect_all();
    let ends = [9u64, 4, 3, 2, 1];
    for (k, e) in ends.iter().enumerate() {
        uut.loop_end[k].next = (*e).into();
    }
    uut.outer_level.next = 5.into();
    for a in 0..3 {
        uut.base[a].next = (100 * a as u64).into();
        for k in 0..5 {
            uut.stride[a * 5 + k].next = (((a + 1) * (k + 1)) as u64).into();
        }
    }
    uut.init.next = true;
    tick(&mut uut);
    uut.init.next = false;
    uut.step.next = true;
    let n = 20_000u64;
    let t0 = Instant::now();
    for _ in 0..n {
        tick(&mut uut);
    }
    let dt = t0.elapsed().as_secs_f64();
    let rep = crate::flow::check_block("dag", &generate_verilog(&uut)).map_err(|e| e.0)?;
    Ok(vec![
        ("simulated cycles/s".into(), format!("{:.0}", n as f64 / dt)),
        ("yosys cells".into(), rep.cells.to_string()),
        ("flip-flops".into(), rep.flip_flops.to_string()),
        ("longest path".into(), rep.longest_path.to_string()),
    ])
}

/// Print the figures.
pub fn run() -> Result<(), String> {
    super::print_figures("dag", &figures()?);
    Ok(())
}
