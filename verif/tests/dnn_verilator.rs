//! DNN command lists on the RTL cluster (Verilator, 32 banks of 1 Ki words:
//! the configuration of `cluster_verilator.rs`, so the model build is
//! shared; the first run after a change of the cluster's Verilog builds it
//! in 2-5 minutes) against the golden cluster model: two whole training
//! steps of the digits CNN (batch 2: forward, host loss, backward, SGD) must
//! leave the external memory (parameters, gradients, every activation)
//! bit-identical, and every step must take cycles on the RTL.

use ntx_verif::dnn::train::verilator_steps;
use ntx_verif::model::hmc::HmcConfig;
use ntx_verif::verilator::cluster::VerilatedCluster;

#[test]
fn training_steps_on_the_rtl_cluster_equal_the_model() {
    let net = ntx_verif::dnn::net::Net::new(2);
    let mut tb: VerilatedCluster<32, 10> =
        VerilatedCluster::new(HmcConfig::default(), net.ext_bytes, 3)
            .unwrap_or_else(|e| panic!("Verilator cluster model: {}", e.0));
    let r = verilator_steps(&mut tb, 3, 2, 0.1, 2).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.step_cycles.len(), 2);
    assert!(
        r.step_cycles.iter().all(|&c| c > 10_000),
        "{:?}",
        r.step_cycles
    );
    let names: Vec<&str> = r.runs.iter().map(|k| k.info.name.as_str()).collect();
    assert!(
        names.contains(&"conv2.bwd_data") && names.contains(&"sgd"),
        "{names:?}"
    );
    assert!(
        r.runs
            .iter()
            .filter(|k| k.info.steps > 0)
            .all(|k| k.cycles * 8 >= k.info.steps),
        "a kernel above the 8-NTX peak: {:?}",
        r.runs
    );
}
