//! DNN command lists on the RTL cluster (Verilator, 32 banks of 1 Ki words:
//! the configuration of `cluster_verilator.rs`, so the model build is
//! shared; the first run after a change of the cluster's Verilog builds it
//! in 2-5 minutes) against the golden cluster model:
//! - one whole training step of the digits CNN at the default settings
//!   (batch 16: forward, host loss, backward, SGD) leaves the external
//!   memory (parameters, gradients, every activation) bit-identical, and its
//!   per-kernel cycles equal the committed table
//!   `verif/data/dnn/step_cycles.csv` that `ntx train` reports (regenerate
//!   with `ntx train --backend verilator --steps 1 --write-cycles
//!   verif/data/dnn/step_cycles.csv` after an RTL change);
//! - the `ntx bench dnn` case with the spec-9 experiment's shape gives the
//!   README's 48,545 cycles and the model's results.

use ntx_verif::dnn::bench::{cases, run_case};
use ntx_verif::dnn::train::{parse_cycles, verilator_steps, TrainOpts, STEP_CYCLES_CSV};
use ntx_verif::model::hmc::HmcConfig;
use ntx_verif::verilator::cluster::VerilatedCluster;

#[test]
fn training_step_on_the_rtl_cluster_equals_the_model_and_the_cycle_table() {
    let d = TrainOpts::default();
    let net = ntx_verif::dnn::net::Net::new(d.batch);
    let mut tb: VerilatedCluster<32, 10> =
        VerilatedCluster::new(HmcConfig::default(), 4 << 20, d.seed)
            .unwrap_or_else(|e| panic!("Verilator cluster model: {}", e.0));
    assert!(net.ext_bytes <= 4 << 20);
    let r = verilator_steps(&mut tb, d.seed, d.batch, d.lr, 1).unwrap_or_else(|e| panic!("{e}"));
    let table = parse_cycles(STEP_CYCLES_CSV).unwrap();
    assert_eq!(table.len(), r.runs.len(), "kernels of a step vs the table");
    for (row, k) in table.iter().zip(&r.runs) {
        assert_eq!(row.batch, d.batch);
        assert_eq!(
            (
                row.kernel.as_str(),
                row.cycles,
                row.flops,
                row.jobs,
                row.steps
            ),
            (
                k.info.name.as_str(),
                k.cycles,
                k.info.flops,
                k.info.jobs,
                k.info.steps
            ),
            "step_cycles.csv is stale; regenerate it (see the file's header)"
        );
        assert!(
            k.cycles * 8 >= k.info.steps,
            "{} above the 8-NTX peak",
            k.info.name
        );
    }
    let cs = cases().unwrap();
    let c = cs
        .iter()
        .find(|c| c.name == "conv3x3 fwd 16->8 @16x16")
        .expect("bench case");
    let run = run_case(&mut tb, c).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(run.cycles, 48_545, "README's bench figure for {}", c.name);
}
