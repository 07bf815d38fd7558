//! The clock of the rust-hdl testbenches (direct drive).

use rust_hdl::prelude::*;

/// One rising clock edge of a rust-hdl design, settled with `settle`; the
/// falling edge is only set, and the next settle (the one after the
/// testbench drives the next cycle's inputs) takes it along. No register
/// of the NTX, cluster, core or system acts on the falling edge (all are
/// rising-edge DFFs and RAM writes), so the outputs after this call are the
/// cycle's, and a cycle costs one settle of the whole design less: rust-hdl
/// evaluates everything until nothing changes. Measured on the NTX
/// harness: `ntx bench ntx` 4.7-4.8k -> 5.8-6.0k cycles/s. A call that
/// finds the falling edge still pending (no settle since the last one)
/// settles it first, so back-to-back calls stay correct.
pub fn rising_edge<T>(tb: &mut T, clock: fn(&mut T) -> &mut Signal<In, Clock>, settle: fn(&mut T)) {
    if clock(tb).val().clk {
        settle(tb);
    }
    clock(tb).next = Clock { clk: true };
    settle(tb);
    clock(tb).next = Clock { clk: false };
}
