//! The cluster with its 8 NTX (`ntx_hw::cluster::Cluster`) on rust-hdl:
//! the testbench acts as the control core (through the control port only:
//! soft clear by broadcast, priority modes, staging + CMD of every NTX, DMA
//! programming, status polling) in the scenario of
//! [`crate::cluster_scenario`] at 512 KiB (each NTX in its own 32 KiB
//! region), and the whole cluster's Verilog through the tool flow.

use crate::cluster_scenario::{run_scenario, vault, Layout};
use ntx_hw::params::cluster::{BANK_WORDS_LOG2, N_BANKS};
use ntx_verif::cluster_tb::{big_stack, ClusterTb};
use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::SeedableRng;
use rust_hdl::prelude::*;

const B: usize = N_BANKS;
const N: usize = BANK_WORDS_LOG2;
// B << N = 128 Ki words, 512 KiB as the reference
const REGION: u32 = 0x8000; // bytes per NTX: areas A, B, C of 8 KiB
const AREA: u32 = 0x2000;
const EXT_BYTES: usize = 1 << 16;

type Tb = ClusterTb<B, N>;

fn run_cluster(seed: u64) -> Result<u64, String> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut tb = Tb::new(vault(&mut rng), EXT_BYTES, seed);
    let layout = Layout {
        region: REGION,
        area: AREA,
    };
    run_scenario(
        &mut tb,
        seed,
        &mut rng,
        layout,
        "rerun: the proptest seed above in cluster_ntx::run_cluster",
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn eight_ntx_random_jobs_and_dma(seed in any::<u64>()) {
        let r = big_stack(move || run_cluster(seed));
        prop_assert!(r.is_ok(), "{}", r.err().unwrap());
    }
}

/// Verilog of the whole cluster (8 NTX): Verilator lint (strict, no
/// UNOPTFLAT, see `lint_composed`), Icarus compile, and Yosys `hierarchy -check` (every
/// module resolves, every port connects). Its parts (NTX, fabric) are
/// synthesized latch-free by their own tests; a full Yosys `synth` of the
/// cluster (the file this test leaves in `target/flow/cluster.v`) takes
/// tens of minutes on 2 cores, too long for the test suite.
#[test]
fn flow_cluster() {
    big_stack(|| {
        let mut uut: Box<ntx_hw::cluster::Cluster<4, 3>> = Box::default();
        uut.connect_all();
        let v = generate_verilog(&*uut);
        let path = ntx_verif::cluster_tb::lint_composed("cluster", &v);
        ntx_verif::flow::yosys_hierarchy_check(&path, "cluster").unwrap();
    });
}
