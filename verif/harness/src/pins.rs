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
use ntx_hw::params::regs;
use rust_hdl::core::prelude::Block;
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

/// Port names of an NTX top. Each field lists candidates; the first one the
/// design has is used (`{k}` is the TCDM port number).
#[derive(Debug, Clone)]
pub struct NtxPinNames {
    /// Register port: req, we, addr (word), wdata (inputs), gnt, rdata (outputs).
    pub reg: [Vec<String>; 6],
    /// TCDM port k: req, addr, we, be, wdata (outputs), gnt, r_valid, r_rdata (inputs).
    pub tcdm: [Vec<String>; 8],
    /// Synchronous clear input, pulsed at start-up if present.
    pub clear: Vec<String>,
}

const REG_SIGS: [&str; 6] = ["req", "we", "addr", "wdata", "gnt", "rdata"];
const TCDM_SIGS: [&str; 8] = [
    "req", "addr", "we", "be", "wdata", "gnt", "r_valid", "r_rdata",
];

impl Default for NtxPinNames {
    fn default() -> Self {
        let reg = REG_SIGS.map(|s| {
            ["reg_", "reg$", "regs$", "slave$", "cfg_"]
                .iter()
                .map(|p| format!("{p}{s}"))
                .collect()
        });
        let tcdm = TCDM_SIGS.map(|s| {
            ["tcdm{k}_", "tcdm{k}$", "tcdm${k}$", "port{k}$", "port${k}$"]
                .iter()
                .map(|p| format!("{p}{s}"))
                .collect()
        });
        NtxPinNames {
            reg,
            tcdm,
            clear: vec!["clear".into(), "rst".into()],
        }
    }
}

fn resolve<P: Pins>(pins: &P, cands: &[String], k: usize) -> Result<usize, BackendError> {
    for c in cands {
        if let Some(i) = pins.port(&c.replace("{k}", &k.to_string())) {
            return Ok(i);
        }
    }
    Err(BackendError(format!(
        "the NTX design has none of the ports {:?} (k = {k}); its ports: {:?}",
        cands,
        pins.port_names()
    )))
}

/// [`NtxBus`] over numbered ports: the NTX's ports resolved once by name
/// ([`NtxPinNames`]), then accessed by index every cycle.
pub struct PinBus<P: Pins> {
    /// The simulator.
    pub pins: P,
    reg: [usize; 6],
    tcdm: [[usize; 8]; 2],
}

impl<P: Pins> PinBus<P> {
    /// Resolve the ports of `pins`; pulse `clear` (if the design has one)
    /// for two cycles.
    pub fn new(mut pins: P, names: &NtxPinNames) -> Result<Self, BackendError> {
        let mut reg = [0; 6];
        for (j, c) in names.reg.iter().enumerate() {
            reg[j] = resolve(&pins, c, 0)?;
        }
        let mut tcdm = [[0; 8]; 2];
        for (k, t) in tcdm.iter_mut().enumerate() {
            for (j, c) in names.tcdm.iter().enumerate() {
                t[j] = resolve(&pins, c, k)?;
            }
        }
        if let Ok(c) = resolve(&pins, &names.clear, 0) {
            pins.set(c, 1);
            for _ in 0..2 {
                pins.settle();
                pins.tick();
            }
            pins.set(c, 0);
        }
        Ok(PinBus { pins, reg, tcdm })
    }
}

impl<P: Pins> NtxBus for PinBus<P> {
    fn drive_tcdm(&mut self, k: usize, gnt: bool, r_valid: bool, r_rdata: u32) {
        let t = self.tcdm[k];
        self.pins.set(t[5], gnt as u64);
        self.pins.set(t[6], r_valid as u64);
        self.pins.set(t[7], r_rdata as u64);
    }
    fn tcdm(&mut self, k: usize) -> TcdmPort {
        let t = self.tcdm[k];
        let p = &mut self.pins;
        TcdmPort {
            req: p.get(t[0]) & 1 == 1,
            addr: p.get(t[1]) as u32,
            we: p.get(t[2]) & 1 == 1,
            be: p.get(t[3]) as u8 & 0xF,
            wdata: p.get(t[4]) as u32,
            gnt: p.get(t[5]) & 1 == 1,
            r_valid: p.get(t[6]) & 1 == 1,
            r_rdata: p.get(t[7]) as u32,
        }
    }
    fn drive_reg(&mut self, req: bool, we: bool, word: u32, wdata: u32) {
        let r = self.reg;
        self.pins.set(r[0], req as u64);
        self.pins.set(r[1], we as u64);
        self.pins.set(r[2], word as u64);
        self.pins.set(r[3], wdata as u64);
    }
    fn reg_gnt(&mut self) -> bool {
        self.pins.get(self.reg[4]) & 1 == 1
    }
    fn reg_rdata(&mut self) -> u32 {
        self.pins.get(self.reg[5]) as u32
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
            name,
            accesses: 0,
        };
        h.write_reg(regs::CTRL, 1)?;
        h.tick();
        h.cycles = 0;
        h.pending = [None; 2];
        h.checker = BusChecker::default();
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
    let dir_of = |cands: &[String], k: usize| -> Option<Dir> {
        cands
            .iter()
            .find_map(|c| m.port(&c.replace("{k}", &k.to_string())))
            .map(|i| m.ports()[i].dir)
    };
    for (j, c) in names.reg.iter().enumerate() {
        let want = if j < 4 { Dir::Input } else { Dir::Output };
        if dir_of(c, 0).is_some_and(|d| d != want) {
            return Err(BackendError(format!(
                "register port {:?} has the wrong direction",
                REG_SIGS[j]
            )));
        }
    }
    for k in 0..2 {
        for (j, c) in names.tcdm.iter().enumerate() {
            let want = if j < 5 { Dir::Output } else { Dir::Input };
            if dir_of(c, k).is_some_and(|d| d != want) {
                return Err(BackendError(format!(
                    "TCDM port {k} {:?} has the wrong direction",
                    TCDM_SIGS[j]
                )));
            }
        }
    }
    Ok(())
}
