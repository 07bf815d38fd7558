//! Bus interfaces of the cluster as rust-hdl `LogicInterface` bundles: one
//! struct per side of a bus, so a port is one field and a connection one
//! statement.
//!
//! - [`TcdmMaster`] / [`TcdmSlave`]: a TCDM port (PULP protocol: `gnt` in
//!   the request cycle, `r_valid`/`r_rdata` exactly one cycle after the
//!   grant, also for writes), with the NTX's `urgent` hint.
//! - [`BusMaster`] / [`BusSlave`]: the cluster's control port (the same
//!   protocol without `urgent`; the control core is its master).
//! - [`RegMaster`] / [`RegSlave`]: a register port of `A` word-address bits
//!   (`gnt` in the request cycle, `rdata` one cycle later, no `r_valid`).
//! - [`ExtMaster`] / [`ExtSlave`]: the DMA's external (HMC vault) port:
//!   `gnt` in the request cycle, read data in order any number of cycles
//!   later with `rvalid`/`rdata`, writes posted.
//!
//! # How rust-hdl 0.46 handles bundles (spike, checked on the generated
//! Verilog)
//! - A bundle field `core: BusSlave` becomes the Verilog ports `core$req`,
//!   `core$gnt`, ... (one `$` per level; an array element `m: [TcdmSlave; M]`
//!   is `m$3$req`). Verilator's C++ names turn `$` into `__024`
//!   (`core__024req`); `verilator::shim` demangles them back, so the
//!   verification side looks ports up by the Verilog name
//!   ([`port_name`] builds it).
//! - `Bundle::link(&mut self.outer, &mut self.child.inner)` forwards a
//!   port of a block to the same-type port of a sub-block;
//!   `Master::join(&mut self.a.m, &mut self.b.s)` connects two sub-blocks.
//!   Both must be written as `<Type>::link(&mut a, &mut b)` (the HDL side
//!   only sees the text of the two paths). They create no logic: the Verilog
//!   connects the sub-block's port to the outer name directly in the
//!   instance, so no always block sits between master and slave.
//! - Paths with one array index work, also inside a `for` loop with an
//!   index expression (`&mut self.xbar.m[m]`, `&mut self.tcdm.m[2 * i + 1]`):
//!   the Verilog generator evaluates the index of each unrolled iteration.
//!   Two indices in one path (`self.a[i].b[j]`) do not translate (the
//!   generator replaces only the first), and neither does a signal-valued
//!   index.
//! - A single `Signal` cannot be linked (its link has no field name and the
//!   generated net name ends in `$`): link or join whole bundles, or assign
//!   signals one by one.
//! - Field access in logic (`self.m[j].req.val()`) works as for plain signal
//!   arrays.

use crate::params::{ADDR_WIDTH, BE_WIDTH, DATA_WIDTH};
use rust_hdl::prelude::*;

/// Master side of a TCDM port.
#[derive(LogicInterface, Default)]
#[join = "TcdmSlave"]
pub struct TcdmMaster {
    pub req: Signal<Out, Bit>,
    pub addr: Signal<Out, Bits<ADDR_WIDTH>>,
    pub we: Signal<Out, Bit>,
    pub be: Signal<Out, Bits<BE_WIDTH>>,
    pub wdata: Signal<Out, Bits<DATA_WIDTH>>,
    /// The master's client waits for this stream (interconnect hint).
    pub urgent: Signal<Out, Bit>,
    pub gnt: Signal<In, Bit>,
    pub r_valid: Signal<In, Bit>,
    pub r_rdata: Signal<In, Bits<DATA_WIDTH>>,
}

/// Slave side of a TCDM port.
#[derive(LogicInterface, Default)]
#[join = "TcdmMaster"]
pub struct TcdmSlave {
    pub req: Signal<In, Bit>,
    pub addr: Signal<In, Bits<ADDR_WIDTH>>,
    pub we: Signal<In, Bit>,
    pub be: Signal<In, Bits<BE_WIDTH>>,
    pub wdata: Signal<In, Bits<DATA_WIDTH>>,
    pub urgent: Signal<In, Bit>,
    pub gnt: Signal<Out, Bit>,
    pub r_valid: Signal<Out, Bit>,
    pub r_rdata: Signal<Out, Bits<DATA_WIDTH>>,
}

/// Master side of the control port.
#[derive(LogicInterface, Default)]
#[join = "BusSlave"]
pub struct BusMaster {
    pub req: Signal<Out, Bit>,
    pub addr: Signal<Out, Bits<ADDR_WIDTH>>,
    pub we: Signal<Out, Bit>,
    pub be: Signal<Out, Bits<BE_WIDTH>>,
    pub wdata: Signal<Out, Bits<DATA_WIDTH>>,
    pub gnt: Signal<In, Bit>,
    pub r_valid: Signal<In, Bit>,
    pub r_rdata: Signal<In, Bits<DATA_WIDTH>>,
}

/// Slave side of the control port.
#[derive(LogicInterface, Default)]
#[join = "BusMaster"]
pub struct BusSlave {
    pub req: Signal<In, Bit>,
    pub addr: Signal<In, Bits<ADDR_WIDTH>>,
    pub we: Signal<In, Bit>,
    pub be: Signal<In, Bits<BE_WIDTH>>,
    pub wdata: Signal<In, Bits<DATA_WIDTH>>,
    pub gnt: Signal<Out, Bit>,
    pub r_valid: Signal<Out, Bit>,
    pub r_rdata: Signal<Out, Bits<DATA_WIDTH>>,
}

/// Master side of a register port with `A` word-address bits.
#[derive(LogicInterface, Default)]
#[join = "RegSlave"]
pub struct RegMaster<const A: usize> {
    pub req: Signal<Out, Bit>,
    pub we: Signal<Out, Bit>,
    /// Word offset inside the slave's window.
    pub addr: Signal<Out, Bits<A>>,
    pub wdata: Signal<Out, Bits<DATA_WIDTH>>,
    pub gnt: Signal<In, Bit>,
    pub rdata: Signal<In, Bits<DATA_WIDTH>>,
}

/// Slave side of a register port with `A` word-address bits.
#[derive(LogicInterface, Default)]
#[join = "RegMaster"]
pub struct RegSlave<const A: usize> {
    pub req: Signal<In, Bit>,
    pub we: Signal<In, Bit>,
    pub addr: Signal<In, Bits<A>>,
    pub wdata: Signal<In, Bits<DATA_WIDTH>>,
    pub gnt: Signal<Out, Bit>,
    pub rdata: Signal<Out, Bits<DATA_WIDTH>>,
}

/// Master side of the DMA's external-memory (HMC vault) port.
#[derive(LogicInterface, Default)]
#[join = "ExtSlave"]
pub struct ExtMaster {
    pub req: Signal<Out, Bit>,
    pub we: Signal<Out, Bit>,
    pub addr: Signal<Out, Bits<ADDR_WIDTH>>,
    pub wdata: Signal<Out, Bits<DATA_WIDTH>>,
    pub gnt: Signal<In, Bit>,
    pub rvalid: Signal<In, Bit>,
    pub rdata: Signal<In, Bits<DATA_WIDTH>>,
}

/// Slave side of the DMA's external-memory port.
#[derive(LogicInterface, Default)]
#[join = "ExtMaster"]
pub struct ExtSlave {
    pub req: Signal<In, Bit>,
    pub we: Signal<In, Bit>,
    pub addr: Signal<In, Bits<ADDR_WIDTH>>,
    pub wdata: Signal<In, Bits<DATA_WIDTH>>,
    pub gnt: Signal<Out, Bit>,
    pub rvalid: Signal<Out, Bit>,
    pub rdata: Signal<Out, Bits<DATA_WIDTH>>,
}

/// Field names of [`TcdmMaster`] / [`TcdmSlave`] (declaration order).
pub const TCDM_FIELDS: [&str; 9] = [
    "req", "addr", "we", "be", "wdata", "urgent", "gnt", "r_valid", "r_rdata",
];
/// Field names of [`BusMaster`] / [`BusSlave`].
pub const BUS_FIELDS: [&str; 8] = [
    "req", "addr", "we", "be", "wdata", "gnt", "r_valid", "r_rdata",
];
/// Field names of [`RegMaster`] / [`RegSlave`].
pub const REG_FIELDS: [&str; 6] = ["req", "we", "addr", "wdata", "gnt", "rdata"];
/// Field names of [`ExtMaster`] / [`ExtSlave`].
pub const EXT_FIELDS: [&str; 7] = ["req", "we", "addr", "wdata", "gnt", "rvalid", "rdata"];

/// Verilog name of field `field` of the bundle port `bundle` of a top
/// module (`port_name("core", "req")` = `core$req`; an array element is
/// `bundle$i`, e.g. `port_name("m$3", "gnt")`).
pub fn port_name(bundle: &str, field: &str) -> String {
    format!("{bundle}${field}")
}
