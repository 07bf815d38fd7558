//! Tool flow of the control core: the composed core top through the strict
//! Verilator lint (no UNOPTFLAT: the CSR read mux, the mul/div unit's
//! `done`/`result` and its multiplier share no always block with the logic
//! that reads `wsrc` / `start`), Icarus, and
//! Yosys `synth -flatten` (no latches). Prints cells / flip-flops / ltp for
//! the README. Its leaf blocks (`core_*`) are in `flow_blocks` and go
//! through `scripts/lint` and `scripts/synth` strictly.
//!
//! Run: `cargo test --release -p ntx-verif --test core_flow -- --nocapture`

use ntx_verif::cluster_tb::lint_composed;
use ntx_verif::flow::yosys_synth;
use ntx_verif::flow_blocks::core_verilog;

#[test]
fn core_lints_and_synthesizes_latch_free() {
    let path = lint_composed("core", &core_verilog());
    let r = yosys_synth(&path, "core").expect("yosys synth of the core");
    println!("core: {r:?}");
    assert_eq!(r.latches, 0, "latches in the core");
    assert!(
        r.cells > 1000 && r.flip_flops > 1000,
        "implausible synthesis: {r:?}"
    );
}

/// The core attached to the cluster (`ClusterSystem<32, 12>`): Verilator
/// lint, strict but for the one false loop left through the core's
/// external port (see `lint_composed_system`), and an Icarus compile of
/// the whole system.
#[test]
fn system_lints() {
    let v = ntx_verif::system_tb::system_verilog::<32, 12>();
    ntx_verif::composed::lint_composed_system("system_b32_n12", &v);
}
