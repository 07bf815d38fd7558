//! The NTX bus harness: the TCDM responder (PULP protocol, two master
//! ports), the control core's register-port driver and a protocol checker,
//! written once over a small pin-access trait, [`NtxBus`]. Its
//! implementations: the rust-hdl `Ntx` driven through its fields
//! ([`crate::rtl`], `--backend rtl`), and [`PinBus`] over any simulator
//! with numbered ports ([`Pins`]: the Verilator model, `--backend
//! verilator`, or a rust-hdl block by its Verilog names). Every backend
//! therefore sees the same stimulus and counts the same cycles.
//!
//! Per cycle: drive `gnt` and `r_valid`/`r_rdata` (the data of the read
//! granted in the previous cycle); settle; check the protocol on what the
//! NTX sees ([`BusChecker`]); serve every granted request (reads see the
//! memory before this cycle's writes; writes honour the byte enables);
//! sample the register port; clock edge.

use crate::backend::{Backend, BackendError};
use crate::cosim::RustHdlDut;
use crate::model::mem::Tcdm;
use crate::verilator::{Dir, VerilatedModel};
use ntx_hw::bus::{port_name, RegSlave, TcdmMaster, REG_FIELDS, TCDM_FIELDS};
use ntx_hw::params::{regs, REG_ADDR_WIDTH};
use rust_hdl::core::prelude::Block;
use rust_hdl::core::prelude::{Clock, In, Signal};
use std::collections::HashMap;

/// One TCDM port in one cycle as the NTX sees it: the master's request
/// (`req`, `addr` in bytes, `we`, `be`, `wdata`) and the memory's answer
/// (`gnt` in the request cycle, `r_valid`/`r_rdata` in the cycle after a
/// granted read).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TcdmPort {
    /// Request.
    pub req: bool,
    /// Byte address.
    pub addr: u32,
    /// Write enable.
    pub we: bool,
    /// Byte enables (bit b: byte b of `wdata`).
    pub be: u8,
    /// Write data.
    pub wdata: u32,
    /// The master's interconnect hint (the harness's memory ignores it).
    pub urgent: bool,
    /// Grant (memory side).
    pub gnt: bool,
    /// Read data valid (memory side).
    pub r_valid: bool,
    /// Read data (memory side).
    pub r_rdata: u32,
}

/// Pin access to an NTX top: its two TCDM master ports, its register
/// slave port and its clock. What [`BusHarness`] needs and nothing more.
pub trait NtxBus {
    /// Drive TCDM port `k`'s memory side.
    fn drive_tcdm(&mut self, k: usize, gnt: bool, r_valid: bool, r_rdata: u32);
    /// TCDM port `k` as the NTX sees it (after [`NtxBus::settle`]).
    fn tcdm(&mut self, k: usize) -> TcdmPort;
    /// Drive the register port (`word`: register word address).
    fn drive_reg(&mut self, req: bool, we: bool, word: u32, wdata: u32);
    /// Register-port grant (after [`NtxBus::settle`]).
    fn reg_gnt(&mut self) -> bool;
    /// Register-port read data (valid in the cycle after the grant).
    fn reg_rdata(&mut self) -> u32;
    /// The NTX's FIFO check (`err`: a FIFO was pushed while full or popped
    /// while empty since the last soft clear); false for a design without it.
    fn err(&mut self) -> bool;
    /// Propagate input changes.
    fn settle(&mut self);
    /// One clock cycle (rising and falling edge, settled afterwards).
    fn tick(&mut self);
}

/// A simulator seen through numbered, named ports.
pub trait Pins {
    /// Index of port `name`.
    fn port(&self, name: &str) -> Option<usize>;
    /// All port names (for error messages).
    fn port_names(&self) -> Vec<String>;
    /// Set input `i`.
    fn set(&mut self, i: usize, v: u64);
    /// Read port `i` (low 64 bits; an input reads back its driven value),
    /// valid after [`Pins::settle`].
    fn get(&mut self, i: usize) -> u64;
    /// Propagate input changes.
    fn settle(&mut self);
    /// One clock cycle.
    fn tick(&mut self);
}

impl Pins for VerilatedModel {
    fn port(&self, name: &str) -> Option<usize> {
        VerilatedModel::port(self, name)
    }
    fn port_names(&self) -> Vec<String> {
        self.ports().iter().map(|p| p.name.clone()).collect()
    }
    fn set(&mut self, i: usize, v: u64) {
        self.set_idx(i, v)
    }
    fn get(&mut self, i: usize) -> u64 {
        self.get_idx(i)
    }
    fn settle(&mut self) {
        self.eval()
    }
    fn tick(&mut self) {
        VerilatedModel::tick(self)
    }
}

/// [`Pins`] over a rust-hdl block: outputs by their Verilog names (read
/// after each settle), inputs through the block's drive function (read
/// back as driven). The input names come from the block's generated
/// Verilog header, so this costs one Verilog generation per instance and a
/// name lookup per input change: for co-simulation of arbitrary blocks;
/// the NTX itself has a direct implementation ([`crate::rtl`]).
pub struct RustHdlPins<B: Block> {
    /// The block.
    pub dut: RustHdlDut<B>,
    outputs: Vec<String>,
    inputs: Vec<String>,
    values: Vec<Vec<u32>>,
    driven: Vec<u64>,
    index: HashMap<String, usize>,
}

impl<B: Block> RustHdlPins<B> {
    /// Wrap `dut`.
    pub fn new(dut: RustHdlDut<B>) -> Self {
        let outputs = dut.output_names();
        let verilog = rust_hdl::core::prelude::generate_verilog(&dut.uut);
        let inputs: Vec<String> = crate::verilator::shim::parse_verilog_ports(&verilog, "top")
            .expect("the block's Verilog header")
            .into_iter()
            .filter(|p| p.dir == Dir::Input)
            .map(|p| p.name)
            .collect();
        let index = outputs
            .iter()
            .chain(inputs.iter())
            .cloned()
            .enumerate()
            .map(|(i, n)| (n, i))
            .collect();
        let mut pins = RustHdlPins {
            dut,
            driven: vec![0; inputs.len()],
            outputs,
            inputs,
            values: Vec::new(),
            index,
        };
        pins.settle();
        pins
    }
}

impl<B: Block> Pins for RustHdlPins<B> {
    fn port(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }
    fn port_names(&self) -> Vec<String> {
        self.outputs
            .iter()
            .chain(self.inputs.iter())
            .cloned()
            .collect()
    }
    fn set(&mut self, i: usize, v: u64) {
        let j = i - self.outputs.len();
        self.driven[j] = v;
        self.dut.set(&self.inputs[j], &[v as u32, (v >> 32) as u32]);
    }
    fn get(&mut self, i: usize) -> u64 {
        match self.values.get(i) {
            Some(w) => w[0] as u64 | ((w.get(1).copied().unwrap_or(0) as u64) << 32),
            None => self.driven[i - self.outputs.len()],
        }
    }
    fn settle(&mut self) {
        self.dut.settle();
        self.dut.outputs(&mut self.values);
    }
    fn tick(&mut self) {
        self.dut.tick();
        // outputs are read right after the edge (register read data)
        self.dut.outputs(&mut self.values);
    }
}

/// Index of `name` in the bundle field list `fields` (compile time: a name
/// that is not in the list of `ntx_hw::bus` fails the build).
const fn field(fields: &[&str], name: &str) -> usize {
    let mut i = 0;
    while i < fields.len() {
        let (a, b) = (fields[i].as_bytes(), name.as_bytes());
        let mut same = a.len() == b.len();
        let mut j = 0;
        while same && j < a.len() {
            same = a[j] == b[j];
            j += 1;
        }
        if same {
            return i;
        }
        i += 1;
    }
    panic!("not a field of the bundle")
}

/// Register-port fields the harness uses (indices into [`REG_FIELDS`]).
pub const R_REQ: usize = field(&REG_FIELDS, "req");
pub const R_WE: usize = field(&REG_FIELDS, "we");
pub const R_ADDR: usize = field(&REG_FIELDS, "addr");
pub const R_WDATA: usize = field(&REG_FIELDS, "wdata");
pub const R_GNT: usize = field(&REG_FIELDS, "gnt");
pub const R_RDATA: usize = field(&REG_FIELDS, "rdata");
/// TCDM-port fields (indices into [`TCDM_FIELDS`]).
pub const T_REQ: usize = field(&TCDM_FIELDS, "req");
pub const T_ADDR: usize = field(&TCDM_FIELDS, "addr");
pub const T_WE: usize = field(&TCDM_FIELDS, "we");
pub const T_BE: usize = field(&TCDM_FIELDS, "be");
pub const T_WDATA: usize = field(&TCDM_FIELDS, "wdata");
pub const T_URGENT: usize = field(&TCDM_FIELDS, "urgent");
pub const T_GNT: usize = field(&TCDM_FIELDS, "gnt");
pub const T_R_VALID: usize = field(&TCDM_FIELDS, "r_valid");
pub const T_R_RDATA: usize = field(&TCDM_FIELDS, "r_rdata");
/// The slave's inputs of the register port, the master's inputs of a TCDM port.
const REG_INPUTS: [usize; 4] = [R_REQ, R_WE, R_ADDR, R_WDATA];
const TCDM_INPUTS: [usize; 3] = [T_GNT, T_R_VALID, T_R_RDATA];

/// The NTX's register slave port (a [`ntx_hw::bus::RegSlave`] field).
pub const NTX_REGS: &str = "regs";
/// The NTX's TCDM master ports (a `[TcdmMaster; 2]` field).
pub const NTX_TCDM: &str = "tcdm";

/// The Verilog name of field `REG_FIELDS[j]` of the NTX's register port.
pub fn ntx_reg_pin(j: usize) -> String {
    port_name(NTX_REGS, REG_FIELDS[j])
}

/// The Verilog name of field `TCDM_FIELDS[j]` of the NTX's TCDM port `k`.
pub fn ntx_tcdm_pin(k: usize, j: usize) -> String {
    port_name(&format!("{NTX_TCDM}${k}"), TCDM_FIELDS[j])
}

/// Port names of an NTX top: its bundles `regs` and `tcdm[k]` by their
/// Verilog names, built from the field lists of `ntx_hw::bus`.
#[derive(Debug, Clone)]
pub struct NtxPinNames {
    /// Register port, in [`REG_FIELDS`] order.
    pub reg: Vec<String>,
    /// TCDM port `k` (`k` = 0, 1), in [`TCDM_FIELDS`] order.
    pub tcdm: [Vec<String>; 2],
    /// Synchronous clear input candidates, pulsed at start-up if present.
    pub clear: Vec<String>,
    /// The FIFO check output (`Ntx::err`), checked every cycle if present.
    pub err: String,
}

impl Default for NtxPinNames {
    fn default() -> Self {
        NtxPinNames {
            reg: (0..REG_FIELDS.len()).map(ntx_reg_pin).collect(),
            tcdm: [0, 1].map(|k| (0..TCDM_FIELDS.len()).map(|j| ntx_tcdm_pin(k, j)).collect()),
            clear: vec!["clear".into(), "rst".into()],
            err: "err".into(),
        }
    }
}

/// [`NtxPinNames::default`], built once (names as `&'static str`).
pub fn ntx_pins() -> &'static NtxPinNames {
    static NAMES: std::sync::OnceLock<NtxPinNames> = std::sync::OnceLock::new();
    NAMES.get_or_init(NtxPinNames::default)
}

fn resolve<P: Pins>(pins: &P, name: &str) -> Result<usize, BackendError> {
    pins.port(name).ok_or_else(|| {
        BackendError(format!(
            "the NTX design has no port {name:?}; its ports: {:?}",
            pins.port_names()
        ))
    })
}

/// Which NTX input a Verilog port name is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NtxInput {
    /// `clock`.
    Clock,
    /// Register-port field `REG_FIELDS[j]`.
    Reg(usize),
    /// Field `TCDM_FIELDS[j]` of TCDM port `k`: `Tcdm(k, j)`.
    Tcdm(usize, usize),
}

impl NtxInput {
    /// Parse a Verilog port name of the NTX top.
    pub fn parse(port: &str) -> Option<Self> {
        if port == "clock" {
            return Some(NtxInput::Clock);
        }
        let pos = |fields: &[&str], f: &str| fields.iter().position(|x| *x == f);
        if let Some(f) = port.strip_prefix(&port_name(NTX_REGS, "")) {
            return pos(&REG_FIELDS, f).map(NtxInput::Reg);
        }
        let (k, f) = port
            .strip_prefix(&port_name(NTX_TCDM, ""))?
            .split_once('$')?;
        Some(NtxInput::Tcdm(k.parse().ok()?, pos(&TCDM_FIELDS, f)?))
    }
}

/// Apply input `port` (Verilog name, see [`NtxInput`]) of an NTX-like top
/// (its `clock`, `regs` and `tcdm` fields) to `w`; false if `port` is none
/// of these inputs.
pub fn drive_ntx_input(
    clock: &mut Signal<In, Clock>,
    regs: &mut RegSlave<REG_ADDR_WIDTH>,
    tcdm: &mut [TcdmMaster; 2],
    port: &str,
    w: &[u32],
) -> bool {
    use crate::cosim::FromWords;
    match NtxInput::parse(port) {
        Some(NtxInput::Clock) => clock.next = FromWords::from_words(w),
        Some(NtxInput::Reg(R_REQ)) => regs.req.next = FromWords::from_words(w),
        Some(NtxInput::Reg(R_WE)) => regs.we.next = FromWords::from_words(w),
        Some(NtxInput::Reg(R_ADDR)) => regs.addr.next = FromWords::from_words(w),
        Some(NtxInput::Reg(R_WDATA)) => regs.wdata.next = FromWords::from_words(w),
        Some(NtxInput::Tcdm(k, T_GNT)) if k < 2 => tcdm[k].gnt.next = FromWords::from_words(w),
        Some(NtxInput::Tcdm(k, T_R_VALID)) if k < 2 => {
            tcdm[k].r_valid.next = FromWords::from_words(w)
        }
        Some(NtxInput::Tcdm(k, T_R_RDATA)) if k < 2 => {
            tcdm[k].r_rdata.next = FromWords::from_words(w)
        }
        _ => return false,
    }
    true
}

/// [`crate::cosim::Drive`] of the rust-hdl NTX (see [`drive_ntx_input`]).
/// Panics on a name that is not an input.
pub fn drive_ntx(u: &mut ntx_hw::ntx::Ntx, port: &str, w: &[u32]) {
    if !drive_ntx_input(&mut u.clock, &mut u.regs, &mut u.tcdm, port, w) {
        panic!("Ntx: no input port `{port}`");
    }
}

/// [`NtxBus`] over numbered ports: the NTX's ports resolved once by name
/// ([`NtxPinNames`]), then accessed by index every cycle.
pub struct PinBus<P: Pins> {
    /// The simulator.
    pub pins: P,
    reg: [usize; REG_FIELDS.len()],
    tcdm: [[usize; TCDM_FIELDS.len()]; 2],
    err: Option<usize>,
}

impl<P: Pins> PinBus<P> {
    /// Resolve the ports of `pins`; pulse `clear` (if the design has one)
    /// for two cycles.
    pub fn new(mut pins: P, names: &NtxPinNames) -> Result<Self, BackendError> {
        let mut reg = [0; REG_FIELDS.len()];
        for (r, n) in reg.iter_mut().zip(&names.reg) {
            *r = resolve(&pins, n)?;
        }
        let mut tcdm = [[0; TCDM_FIELDS.len()]; 2];
        for (t, ns) in tcdm.iter_mut().zip(&names.tcdm) {
            for (i, n) in t.iter_mut().zip(ns) {
                *i = resolve(&pins, n)?;
            }
        }
        if let Some(c) = names.clear.iter().find_map(|n| pins.port(n)) {
            pins.set(c, 1);
            for _ in 0..2 {
                pins.settle();
                pins.tick();
            }
            pins.set(c, 0);
        }
        let err = pins.port(&names.err);
        Ok(PinBus {
            pins,
            reg,
            tcdm,
            err,
        })
    }
}

impl<P: Pins> NtxBus for PinBus<P> {
    fn drive_tcdm(&mut self, k: usize, gnt: bool, r_valid: bool, r_rdata: u32) {
        let t = self.tcdm[k];
        self.pins.set(t[T_GNT], gnt as u64);
        self.pins.set(t[T_R_VALID], r_valid as u64);
        self.pins.set(t[T_R_RDATA], r_rdata as u64);
    }
    fn tcdm(&mut self, k: usize) -> TcdmPort {
        let t = self.tcdm[k];
        let p = &mut self.pins;
        TcdmPort {
            req: p.get(t[T_REQ]) & 1 == 1,
            addr: p.get(t[T_ADDR]) as u32,
            we: p.get(t[T_WE]) & 1 == 1,
            be: p.get(t[T_BE]) as u8 & 0xF,
            wdata: p.get(t[T_WDATA]) as u32,
            urgent: p.get(t[T_URGENT]) & 1 == 1,
            gnt: p.get(t[T_GNT]) & 1 == 1,
            r_valid: p.get(t[T_R_VALID]) & 1 == 1,
            r_rdata: p.get(t[T_R_RDATA]) as u32,
        }
    }
    fn drive_reg(&mut self, req: bool, we: bool, word: u32, wdata: u32) {
        let r = self.reg;
        self.pins.set(r[R_REQ], req as u64);
        self.pins.set(r[R_WE], we as u64);
        self.pins.set(r[R_ADDR], word as u64);
        self.pins.set(r[R_WDATA], wdata as u64);
    }
    fn reg_gnt(&mut self) -> bool {
        self.pins.get(self.reg[R_GNT]) & 1 == 1
    }
    fn reg_rdata(&mut self) -> u32 {
        self.pins.get(self.reg[R_RDATA]) as u32
    }
    fn err(&mut self) -> bool {
        self.err.is_some_and(|i| self.pins.get(i) & 1 == 1)
    }
    fn settle(&mut self) {
        self.pins.settle()
    }
    fn tick(&mut self) {
        self.pins.tick()
    }
}

/// A TCDM grant pattern: `grant(cycle, port)`.
pub type GrantFn = Box<dyn FnMut(u64, usize) -> bool + Send>;

/// Grants withheld with probability `s.p` per port and cycle, independently
/// per port (see [`stall_grants`]).
pub fn random_grants(s: crate::backend::Stall) -> GrantFn {
    stall_grants([s.p, s.p], s.seed)
}

/// Grants of port `k` withheld with probability `p[k]` per cycle: one draw
/// per port with `p[k] > 0` per cycle, port 0 first, from
/// `StdRng::seed_from_u64(seed)`. Deterministic for a seed.
pub fn stall_grants(p: [f64; 2], seed: u64) -> GrantFn {
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut cur = [true; 2];
    let mut at = u64::MAX;
    Box::new(move |cycle, port| {
        if cycle != at {
            at = cycle;
            for (c, p) in cur.iter_mut().zip(p) {
                *c = p <= 0.0 || rng.gen::<f64>() >= p;
            }
        }
        cur[port]
    })
}

/// A grant pattern that sees the requests: `grant(cycle, req, we)` with
/// both ports' request and write-enable of this cycle, returns both grants
/// (stalls correlated with requests, e.g. conflicts or write-blocking).
pub type ReqGrantFn = Box<dyn FnMut(u64, [bool; 2], [bool; 2]) -> [bool; 2] + Send>;

/// The TCDM protocol checker: fed every cycle with both ports as the NTX
/// sees them, it reports the first violation of
/// - the master side: a request not granted in a cycle must be held in the
///   next one, unchanged (`req`, `addr`, `we`, and `be`/`wdata` of a write);
/// - the memory side: `r_valid` exactly in the cycle after a granted read,
///   with the data the memory read for it.
#[derive(Clone, Debug, Default)]
pub struct BusChecker {
    prev: [TcdmPort; 2],
    /// Skip the master-side check once (the NTX was soft-cleared).
    cleared: bool,
}

impl BusChecker {
    /// Forget held requests: a soft clear in the previous cycle may drop them.
    pub fn cleared(&mut self) {
        self.cleared = true;
    }

    /// Check cycle `cycle` (`now`: the ports after settling; `expect`: the
    /// data the memory answers for the reads granted in the previous cycle).
    pub fn check(
        &mut self,
        cycle: u64,
        now: &[TcdmPort; 2],
        expect: [Option<u32>; 2],
    ) -> Result<(), String> {
        let prev = std::mem::replace(&mut self.prev, *now);
        let cleared = std::mem::take(&mut self.cleared);
        for k in 0..2 {
            let (p, o) = (prev[k], now[k]);
            if p.req && !p.gnt && !cleared {
                let what = if p.we { "write" } else { "read" };
                if !o.req {
                    return Err(format!(
                        "TCDM port {k}: the NTX withdrew its {what} request to {:#x} in cycle \
                         {cycle} before it was granted (a master must hold a request until gnt)",
                        p.addr
                    ));
                }
                let held =
                    |x: &TcdmPort| (x.addr, x.we, if x.we { (x.be, x.wdata) } else { (0, 0) });
                if held(&o) != held(&p) {
                    return Err(format!(
                        "TCDM port {k}: the NTX changed its ungranted {what} request in cycle \
                         {cycle}: addr {:#x} -> {:#x}, we {} -> {}, be {:#x} -> {:#x}, wdata \
                         {:#010x} -> {:#010x} (a master must hold a request until gnt)",
                        p.addr, o.addr, p.we, o.we, p.be, o.be, p.wdata, o.wdata
                    ));
                }
            }
            match (expect[k], o.r_valid) {
                (None, false) => {}
                (Some(d), true) if o.r_rdata == d => {}
                (Some(d), true) => {
                    return Err(format!(
                        "TCDM port {k}: r_rdata {:#010x} in cycle {cycle}, but the read of {:#x} \
                         granted in cycle {} returns {d:#010x}",
                        o.r_rdata,
                        p.addr,
                        cycle.wrapping_sub(1)
                    ))
                }
                (Some(_), false) => {
                    return Err(format!(
                        "TCDM port {k}: the read of {:#x} granted in cycle {} got no r_valid in \
                         cycle {cycle} (the response is due one cycle after the grant)",
                        p.addr,
                        cycle.wrapping_sub(1)
                    ))
                }
                (None, true) => {
                    return Err(format!(
                        "TCDM port {k}: r_valid in cycle {cycle} without a read granted in cycle \
                         {}",
                        cycle.wrapping_sub(1)
                    ))
                }
            }
        }
        Ok(())
    }
}

/// Cycles a register access may wait for its grant without any TCDM
/// access in between (a write to the frozen staging area waits for the
/// running job, which is progress as long as it accesses memory).
pub const REG_GRANT_TIMEOUT: u64 = 1 << 24;

/// A waveform hook: called with the design and the cycle number after
/// every cycle.
pub type CycleHook<B> = Box<dyn FnMut(&B, u64)>;

/// The harness: an NTX behind [`NtxBus`] with its TCDM, as a [`Backend`].
pub struct BusHarness<B: NtxBus> {
    /// The design under test.
    pub uut: Box<B>,
    /// The TCDM.
    pub mem: Tcdm,
    /// Optional hook called after every cycle.
    pub on_cycle: Option<CycleHook<B>>,
    cycles: u64,
    pending: [Option<u32>; 2],
    gnt: [bool; 2],
    reg: (u32, u32),
    grant: GrantFn,
    req_grant: Option<ReqGrantFn>,
    checker: BusChecker,
    violation: Option<BackendError>,
    /// Check the NTX's `err` (from the end of the power-up soft clear on).
    check_err: bool,
    name: &'static str,
    accesses: u64,
}

/// The harness over numbered ports (Verilator, rust-hdl blocks by name).
pub type NtxHarness<P> = BusHarness<PinBus<P>>;

impl<P: Pins> BusHarness<PinBus<P>> {
    /// Resolve the ports of `pins`, pulse `clear` (if any) for two cycles,
    /// then power up as [`BusHarness::with_bus`]. `name` is the backend name.
    pub fn new(
        pins: P,
        names: &NtxPinNames,
        mem: Tcdm,
        name: &'static str,
    ) -> Result<Self, BackendError> {
        Self::with_bus(Box::new(PinBus::new(pins, names)?), mem, name)
    }
}

impl<B: NtxBus> BusHarness<B> {
    /// Wrap `uut` with memory `mem`, always granting (see
    /// [`Self::set_grant`]); `name` is the backend name. Power-up: a soft
    /// clear through CTRL puts every block into a known state, one idle
    /// cycle, then the cycle count starts at 0.
    pub fn with_bus(uut: Box<B>, mem: Tcdm, name: &'static str) -> Result<Self, BackendError> {
        let mut h = BusHarness {
            uut,
            mem,
            on_cycle: None,
            cycles: 0,
            pending: [None; 2],
            gnt: [false; 2],
            reg: (0, 0),
            grant: Box::new(|_, _| true),
            req_grant: None,
            checker: BusChecker::default(),
            violation: None,
            check_err: false,
            name,
            accesses: 0,
        };
        h.write_reg(regs::CTRL, 1)?;
        h.tick();
        h.cycles = 0;
        h.pending = [None; 2];
        h.checker = BusChecker::default();
        h.check_err = true;
        Ok(h)
    }

    /// Use `g(cycle, port)` to decide the TCDM grants (default: always).
    pub fn set_grant(&mut self, g: GrantFn) {
        self.grant = g;
        self.req_grant = None;
    }

    /// Use `g(cycle, req, we)` to decide the TCDM grants from this cycle's
    /// requests (replaces [`Self::set_grant`]'s pattern; costs one more
    /// settle per cycle). The NTX's requests never depend on its grants.
    pub fn set_grant_req(&mut self, g: ReqGrantFn) {
        self.req_grant = Some(g);
    }

    /// The first protocol violation seen (register accesses return it as
    /// their error from then on).
    pub fn violation(&self) -> Option<&BackendError> {
        self.violation.as_ref()
    }

    /// One clock cycle; returns the register port's grant of this cycle.
    pub fn tick(&mut self) -> bool {
        let resp = self.pending.map(|p| (p.is_some(), p.unwrap_or(0)));
        let granted = if let Some(g) = self.req_grant.as_mut() {
            for (k, (v, d)) in resp.iter().enumerate() {
                self.uut.drive_tcdm(k, self.gnt[k], *v, *d);
            }
            self.uut.settle();
            let (a, b) = (self.uut.tcdm(0), self.uut.tcdm(1));
            g(self.cycles, [a.req, b.req], [a.we, b.we])
        } else {
            [(self.grant)(self.cycles, 0), (self.grant)(self.cycles, 1)]
        };
        for (k, (v, d)) in resp.iter().enumerate() {
            self.uut.drive_tcdm(k, granted[k], *v, *d);
        }
        self.gnt = granted;
        self.uut.settle();
        let ports = [self.uut.tcdm(0), self.uut.tcdm(1)];
        let reg_gnt = self.uut.reg_gnt();
        if self.violation.is_none() {
            if let Err(e) = self.checker.check(self.cycles, &ports, self.pending) {
                self.violation = Some(BackendError(format!("{} harness: {e}", self.name)));
            } else if self.check_err && self.uut.err() {
                self.violation = Some(BackendError(format!(
                    "{} harness: the NTX's FIFO check (err) fired in cycle {}: one of its FIFOs \
                     or queues was pushed while full or popped while empty in an earlier cycle \
                     (since the last soft clear)",
                    self.name, self.cycles
                )));
            }
        }
        // Serve what the NTX sees granted; reads before this cycle's writes.
        let mut next = [None; 2];
        for (k, o) in ports.iter().enumerate() {
            if o.req && o.gnt && !o.we {
                self.accesses += 1;
                next[k] = Some(self.mem.read(o.addr >> 2));
            }
        }
        for o in ports.iter().filter(|o| o.req && o.gnt && o.we) {
            self.accesses += 1;
            let word = o.addr >> 2;
            let mask = (0..4)
                .filter(|b| o.be >> b & 1 == 1)
                .fold(0u32, |m, b| m | 0xFF << (8 * b));
            let old = match mask {
                u32::MAX => 0,
                _ => self.mem.peek(word).unwrap_or(self.mem.fill()),
            };
            self.mem.write(word, (old & !mask) | (o.wdata & mask));
        }
        self.uut.tick();
        self.pending = next;
        self.cycles += 1;
        if let Some(f) = self.on_cycle.as_mut() {
            f(&self.uut, self.cycles);
        }
        reg_gnt
    }

    /// Register access: hold the request until granted. Returns after the
    /// granting cycle, with the register port still driven.
    fn reg_request(&mut self, word: u32, we: bool, value: u32) -> Result<(), BackendError> {
        self.reg = (word, value);
        self.uut.drive_reg(true, we, word, value);
        let (mut start, mut seen) = (self.cycles, self.accesses);
        loop {
            if self.tick() {
                if we && word == regs::CTRL && value & 1 != 0 {
                    self.checker.cleared();
                }
                return match self.violation.clone() {
                    Some(e) => {
                        self.release();
                        Err(e)
                    }
                    None => Ok(()),
                };
            }
            if self.accesses != seen {
                (start, seen) = (self.cycles, self.accesses);
            }
            if let Some(e) = &self.violation {
                let e = e.clone();
                self.release();
                return Err(e);
            }
            if self.cycles - start > REG_GRANT_TIMEOUT {
                self.release();
                return Err(BackendError(format!(
                    "register {} of word {word:#04x} not granted and no TCDM access for \
                     {REG_GRANT_TIMEOUT} cycles",
                    if we { "write" } else { "read" }
                )));
            }
        }
    }

    fn release(&mut self) {
        self.uut.drive_reg(false, false, self.reg.0, self.reg.1);
    }

    /// STATUS value right now (a one-cycle register read).
    pub fn status(&mut self) -> Result<u32, BackendError> {
        self.read_reg(regs::STATUS)
    }

    /// Tick until STATUS bits 4:0 read idle; returns the cycles spent.
    /// Errors: an invalid command (STATUS bit 3), `max` cycles exceeded, a
    /// protocol violation.
    pub fn wait_idle(&mut self, max: u64) -> Result<u64, BackendError> {
        let t0 = self.cycles;
        loop {
            let s = self.status()?;
            if s & 0x1F == regs::STATUS_IDLE {
                return Ok(self.cycles - t0);
            }
            if s & 0x8 != 0 {
                return Err(BackendError(format!(
                    "invalid command flagged (STATUS {s:#07b})"
                )));
            }
            if self.cycles - t0 > max {
                return Err(BackendError(format!(
                    "not idle after {max} cycles (STATUS {s:#07b})"
                )));
            }
        }
    }
}

impl<B: NtxBus> Backend for BusHarness<B> {
    fn name(&self) -> &'static str {
        self.name
    }
    fn load_mem(&mut self, mem: &Tcdm) {
        self.mem = mem.clone();
    }
    fn read_mem(&mut self) -> Tcdm {
        self.mem.clone()
    }
    fn write_reg(&mut self, word: u32, value: u32) -> Result<(), BackendError> {
        self.reg_request(word, true, value)?;
        self.release();
        Ok(())
    }
    fn read_reg(&mut self, word: u32) -> Result<u32, BackendError> {
        self.reg_request(word, false, 0)?;
        // Read data is valid in the cycle after the grant: sample it right
        // after the granting edge, so a read costs one cycle and the next
        // access can start in the data cycle.
        let v = self.uut.reg_rdata();
        self.release();
        Ok(v)
    }
    fn step(&mut self, n: u64) {
        for _ in 0..n {
            self.tick();
        }
    }
    fn cycles(&self) -> Option<u64> {
        Some(self.cycles)
    }
    fn progress(&self) -> u64 {
        self.accesses
    }
}

/// Check that a Verilator model's port directions fit the harness.
pub fn check_directions(m: &VerilatedModel, names: &NtxPinNames) -> Result<(), BackendError> {
    let dir_of = |n: &str| m.port(n).map(|i| m.ports()[i].dir);
    let ports = names.reg.iter().enumerate().map(|(j, n)| {
        let input = REG_INPUTS.contains(&j);
        (n, input)
    });
    let tcdm = names.tcdm.iter().flat_map(|t| {
        t.iter()
            .enumerate()
            .map(|(j, n)| (n, TCDM_INPUTS.contains(&j)))
    });
    for (n, input) in ports.chain(tcdm) {
        let want = if input { Dir::Input } else { Dir::Output };
        if dir_of(n).is_some_and(|d| d != want) {
            return Err(BackendError(format!(
                "NTX port {n:?} has the wrong direction (want {want:?})"
            )));
        }
    }
    Ok(())
}
