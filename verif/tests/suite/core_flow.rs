//! Tool flow of the control core: the composed core top through the strict
//! Verilator lint (no UNOPTFLAT: the CSR read mux, the mul/div unit's
//! `done`/`result` and its multiplier share no always block with the logic
//! that reads `wsrc` / `start`, and the external request (`ExtReq`) none
//! with the logic that reads the grant), Icarus, and
//! Yosys `synth -flatten` (no latches). Prints cells / flip-flops / ltp for
//! the README. Its leaf blocks (`core_*`) are in `flow_blocks` and go
//! through `scripts/lint` and `scripts/synth` strictly.
//!
//! Run: `cargo test --release -p ntx-verif --test suite core_flow:: -- --nocapture`

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

/// The core attached to the cluster (`ClusterSystem<32, 12>`): strict
/// Verilator lint (no UNOPTFLAT: the core's external request comes from
/// its grant-free `ExtReq` block) and an Icarus compile of the whole
/// system.
#[test]
fn system_lints() {
    let v = ntx_verif::system_tb::system_verilog::<32, 12>();
    lint_composed("system_b32_n12", &v);
}

/// The worst slave the core's external port can meet: one that grants in
/// the request cycle straight from `req` (`bus.gnt = bus.req`). Verilator
/// must see no combinational loop through the Soc (the core computes
/// `ext.req` without reading `ext.gnt`, `ExtReq`). Fast: Soc only, no
/// cluster; other lint messages of this ad-hoc wrapper (unused outputs)
/// are not the point here.
#[test]
fn soc_ext_port_has_no_false_loop() {
    use ntx_hw::core::soc::Soc;
    use ntx_hw::params::rv::L2_WORDS_LOG2;
    use rust_hdl::prelude::*;

    #[derive(LogicBlock, Default)]
    struct GrantLoop {
        clock: Signal<In, Clock>,
        clear: Signal<In, Bit>,
        irq: Signal<In, Bit>,
        tb_we: Signal<In, Bit>,
        tb_re: Signal<In, Bit>,
        tb_addr: Signal<In, Bits<L2_WORDS_LOG2>>,
        tb_wdata: Signal<In, Bits<32>>,
        soc: Soc,
    }
    impl Logic for GrantLoop {
        #[hdl_gen]
        fn update(&mut self) {
            clock!(self, clock, soc);
            self.soc.clear.next = self.clear.val();
            self.soc.irq.next = self.irq.val();
            self.soc.tb_we.next = self.tb_we.val();
            self.soc.tb_re.next = self.tb_re.val();
            self.soc.tb_addr.next = self.tb_addr.val();
            self.soc.tb_wdata.next = self.tb_wdata.val();
            self.soc.bus.gnt.next = self.soc.bus.req.val();
            self.soc.bus.r_valid.next = self.soc.bus.req.val() & !self.soc.bus.we.val();
            self.soc.bus.r_rdata.next = self.soc.bus.addr.val();
        }
    }
    let v = ntx_verif::composed::big_stack(|| {
        let mut uut: Box<GrantLoop> = Box::default();
        uut.connect_all();
        generate_verilog(&*uut)
    });
    let dir = ntx_verif::flow::flow_dir();
    let path = ntx_verif::flow::write_verilog(&dir, "soc_grant_loop", &v).unwrap();
    let msgs = match ntx_verif::flow::verilator_lint(&path, "soc_grant_loop") {
        Ok(out) => out,
        Err(e) => e.0,
    };
    assert!(!msgs.contains("cannot run"), "{msgs}");
    assert!(
        !msgs.contains("UNOPTFLAT"),
        "false loop through the core's external port:\n{msgs}"
    );
}
