//! Pin-level NTX harness: the TCDM (PULP protocol, two master ports) and
//! the control core's register port, driven cycle by cycle through named
//! ports. One implementation for every simulator that offers [`Pins`] —
//! the Verilator model and the rust-hdl block ([`crate::cosim::RustHdlDut`])
//! — so that `--backend verilator` and `--backend rtl` see exactly the same
//! stimulus and count the same cycles.
//!
//! Per cycle: drive `gnt`, `r_valid`/`r_rdata` (data of the read granted in
//! the previous cycle) and the register-port request; settle; serve every
//! granted TCDM request (reads see the memory before this cycle's writes;
//! writes honour the byte enables); sample the register port; clock edge.

use crate::backend::{Backend, BackendError};
use crate::cosim::RustHdlDut;
use crate::model::mem::Tcdm;
use crate::verilator::{Dir, VerilatedModel};
use rust_hdl::core::prelude::Block;
use std::collections::HashMap;

/// A simulator seen through named ports.
pub trait Pins {
    /// Index of port `name`.
    fn port(&self, name: &str) -> Option<usize>;
    /// All port names (for error messages).
    fn port_names(&self) -> Vec<String>;
    /// Set input `i`.
    fn set(&mut self, i: usize, v: u64);
    /// Read port `i` (low 64 bits), valid after [`Pins::settle`].
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
/// after each settle), inputs through the block's drive function. The input
/// names come from the block's generated Verilog header.
pub struct RustHdlPins<B: Block> {
    /// The block.
    pub dut: RustHdlDut<B>,
    outputs: Vec<String>,
    inputs: Vec<String>,
    values: Vec<Vec<u32>>,
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
        let name = &self.inputs[i - self.outputs.len()];
        self.dut.set(name, &[v as u32, (v >> 32) as u32]);
    }
    fn get(&mut self, i: usize) -> u64 {
        let w = &self.values[i];
        w[0] as u64 | ((w.get(1).copied().unwrap_or(0) as u64) << 32)
    }
    fn settle(&mut self) {
        self.dut.settle();
        self.dut.outputs(&mut self.values);
    }
    fn tick(&mut self) {
        self.dut.tick();
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

/// A TCDM grant pattern: `grant(cycle, port)`.
pub type GrantFn = Box<dyn FnMut(u64, usize) -> bool + Send>;

/// Grants withheld with probability `s.p` per port and cycle, independently
/// per port. The draws match [`crate::rtl::RtlBackend::with_stalls`] (one
/// draw per port per cycle, port 0 first, from `StdRng::seed_from_u64`), so
/// `--backend rtl` and `verilator` see the same stall pattern.
pub fn random_grants(s: crate::backend::Stall) -> GrantFn {
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(s.seed);
    let mut cur = [true; 2];
    let mut at = u64::MAX;
    Box::new(move |cycle, port| {
        if cycle != at {
            at = cycle;
            for c in cur.iter_mut() {
                *c = s.p <= 0.0 || rng.gen::<f64>() >= s.p;
            }
        }
        cur[port]
    })
}
/// A grant pattern that sees the requests: `grant(cycle, req, we)` with
/// both ports' request and write-enable of this cycle, returns both grants
/// (stalls correlated with requests, e.g. conflicts or write-blocking).
pub type ReqGrantFn = Box<dyn FnMut(u64, [bool; 2], [bool; 2]) -> [bool; 2] + Send>;

/// The harness: an NTX behind [`Pins`] with its TCDM.
pub struct NtxHarness<P: Pins> {
    /// The simulator.
    pub pins: P,
    /// The TCDM.
    pub mem: Tcdm,
    cycles: u64,
    reg: [usize; 6],
    tcdm: [[usize; 8]; 2],
    pending: [Option<u32>; 2],
    grant: GrantFn,
    req_grant: Option<ReqGrantFn>,
    name: &'static str,
    accesses: u64,
}

/// Cycles a register access may wait for its grant without any TCDM
/// access in between (a write to the frozen staging area waits for the
/// running job, which is progress as long as it accesses memory).
pub const REG_GRANT_TIMEOUT: u64 = 1 << 24;

impl<P: Pins> NtxHarness<P> {
    /// Resolve the ports of `pins`, pulse `clear` (if any) for two cycles.
    /// `name` is the backend name; the memory always grants (see
    /// [`Self::set_grant`]).
    pub fn new(
        mut pins: P,
        names: &NtxPinNames,
        mem: Tcdm,
        name: &'static str,
    ) -> Result<Self, BackendError> {
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
        let clear = resolve(&pins, &names.clear, 0).ok();
        if let Some(c) = clear {
            pins.set(c, 1);
            for _ in 0..2 {
                pins.settle();
                pins.tick();
            }
            pins.set(c, 0);
        }
        let mut h = NtxHarness {
            pins,
            mem,
            cycles: 0,
            reg,
            tcdm,
            pending: [None; 2],
            grant: Box::new(|_, _| true),
            req_grant: None,
            name,
            accesses: 0,
        };
        // Power-up as the RTL backend does it: a soft clear through CTRL
        // puts every block into a known state, one idle cycle, then the
        // cycle count starts.
        h.reg_request(ntx_hw::params::regs::CTRL, true, 1)?;
        h.cycle(|_, _| ());
        h.cycles = 0;
        h.pending = [None; 2];
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

    /// One clock cycle; `between` runs after the inputs settled, before the edge.
    fn cycle<R>(&mut self, between: impl FnOnce(&mut P, &[usize; 6]) -> R) -> R {
        let mut granted = [false; 2];
        for k in 0..2 {
            let t = self.tcdm[k];
            self.pins.set(t[6], self.pending[k].is_some() as u64);
            self.pins.set(t[7], self.pending[k].unwrap_or(0) as u64);
        }
        if let Some(g) = self.req_grant.as_mut() {
            self.pins.settle();
            let (t0, t1) = (self.tcdm[0], self.tcdm[1]);
            let req = [self.pins.get(t0[0]) & 1 == 1, self.pins.get(t1[0]) & 1 == 1];
            let we = [self.pins.get(t0[2]) & 1 == 1, self.pins.get(t1[2]) & 1 == 1];
            granted = g(self.cycles, req, we);
        } else {
            for (k, g) in granted.iter_mut().enumerate() {
                *g = (self.grant)(self.cycles, k);
            }
        }
        for k in 0..2 {
            self.pins.set(self.tcdm[k][5], granted[k] as u64);
        }
        self.pins.settle();
        let mut next = [None; 2];
        let mut writes = Vec::new();
        for k in 0..2 {
            let t = self.tcdm[k];
            if granted[k] && self.pins.get(t[0]) & 1 == 1 {
                self.accesses += 1;
                let word = (self.pins.get(t[1]) as u32) >> 2;
                if self.pins.get(t[2]) & 1 == 1 {
                    writes.push((
                        word,
                        self.pins.get(t[3]) as u32 & 0xF,
                        self.pins.get(t[4]) as u32,
                    ));
                } else {
                    next[k] = Some(self.mem.read(word));
                }
            }
        }
        for (word, be, data) in writes {
            let mask = (0..4)
                .filter(|b| be >> b & 1 == 1)
                .fold(0u32, |m, b| m | 0xFF << (8 * b));
            let old = if mask == u32::MAX {
                0
            } else {
                self.mem.read(word)
            };
            self.mem.write(word, (old & !mask) | (data & mask));
        }
        let r = between(&mut self.pins, &self.reg);
        self.pins.tick();
        self.pending = next;
        self.cycles += 1;
        r
    }

    /// Register access: hold the request until granted. Returns after the
    /// granting cycle.
    fn reg_request(&mut self, word: u32, we: bool, value: u32) -> Result<(), BackendError> {
        let r = self.reg;
        self.pins.set(r[0], 1);
        self.pins.set(r[1], we as u64);
        self.pins.set(r[2], word as u64);
        self.pins.set(r[3], value as u64);
        let (mut start, mut seen) = (self.cycles, self.accesses);
        loop {
            let g = self.cycle(|p, r| p.get(r[4]) & 1 == 1);
            if g {
                self.pins.set(r[0], 0);
                self.pins.set(r[1], 0);
                return Ok(());
            }
            if self.accesses != seen {
                (start, seen) = (self.cycles, self.accesses);
            }
            if self.cycles - start > REG_GRANT_TIMEOUT {
                self.pins.set(r[0], 0);
                return Err(BackendError(format!(
                    "register {} of word {word:#04x} not granted and no TCDM access for \
                     {REG_GRANT_TIMEOUT} cycles",
                    if we { "write" } else { "read" }
                )));
            }
        }
    }

    /// Clock cycles since creation (after the start-up clear).
    pub fn cycles(&self) -> u64 {
        self.cycles
    }
}

impl<P: Pins> Backend for NtxHarness<P> {
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
        self.reg_request(word, true, value)
    }
    fn read_reg(&mut self, word: u32) -> Result<u32, BackendError> {
        self.reg_request(word, false, 0)?;
        // Read data is valid in the cycle after the grant: sample it right
        // after the granting edge (as the RTL backend does), so a read costs
        // one cycle and the next access can start in the data cycle.
        self.pins.settle();
        Ok(self.pins.get(self.reg[5]) as u32)
    }
    fn step(&mut self, n: u64) {
        for _ in 0..n {
            self.cycle(|_, _| ());
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
