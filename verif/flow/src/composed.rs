//! Verilog and tool flow of the large composed blocks (the cluster and the
//! system tops): generation on a big-stack thread, a per-process cache of
//! each block's Verilog, and the strict lint/synthesis check of the composed
//! designs. Moved here from the
//! cluster testbench so that the flow layer does not depend on testbenches.

use crate::flow::*;
use rust_hdl::prelude::*;

/// Run `f` on a thread with a 1 GiB stack (cluster construction).
pub fn big_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(1 << 30)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

/// Verilog of a large block `U` (top module `top`): built and generated on
/// a big-stack thread, once per block type and process (the cluster and
/// system tops take seconds to generate and are asked for by several
/// testbenches).
pub fn block_verilog<U: Block + Default + 'static>() -> String {
    use std::any::TypeId;
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static CACHE: OnceLock<Mutex<HashMap<TypeId, String>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(v) = cache.lock().unwrap().get(&TypeId::of::<U>()) {
        return v.clone();
    }
    let v = big_stack(|| {
        let mut uut: Box<U> = Box::default();
        uut.connect_all();
        generate_verilog(&*uut)
    });
    cache.lock().unwrap().insert(TypeId::of::<U>(), v.clone());
    v
}

/// Tool flow of a block that composes TCDM masters with the interconnect
/// (or the core's units): the strict lint ([`lint_composed`]), then Yosys
/// synthesis (no latches).
pub fn flow_composed(name: &str, verilog: &str) -> SynthReport {
    let path = lint_composed(name, verilog);
    let rep = yosys_synth(&path, name).unwrap();
    assert_eq!(rep.latches, 0);
    rep
}

/// Strict Verilator lint (only the waivers of `scripts/verilator.vlt`, so
/// no UNOPTFLAT) and an Icarus compile of a composed block; returns the
/// Verilog file's path. rust-hdl writes one `always @(*)` per module, so a
/// block that read a grant and drove a request would show as a
/// combinational loop through the interconnect (UNOPTFLAT); every master
/// (NTX ports, DMA, fabric, the control core's external port) computes its
/// requests in a block that reads no grant instead. Holds for the cluster
/// and for the whole system (core + cluster).
pub fn lint_composed(name: &str, verilog: &str) -> std::path::PathBuf {
    let path = write_verilog(&flow_dir(), name, verilog).unwrap();
    if let Err(e) = verilator_lint(&path, name) {
        panic!("{name}: Verilator lint:\n{e}");
    }
    iverilog_compile(&path, name).unwrap();
    path
}
