//! RTL backend: the rust-hdl NTX (`ntx_hw::ntx::Ntx`) driven directly
//! (clock toggling, no `Simulation` harness) with a TCDM memory model that
//! grants each port with a configurable random stall probability and
//! answers reads one cycle after the grant.

use crate::backend::{Backend, BackendError};
use crate::model::mem::Tcdm;
use ntx_hw::ntx::Ntx;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rust_hdl::prelude::*;

/// Register writes wait at most this many cycles for the grant without a
/// TCDM access in between (see [`crate::pins::REG_GRANT_TIMEOUT`]).
pub const MAX_GRANT_WAIT: u64 = 1 << 24;

/// A waveform hook: called with the NTX and the cycle number after every cycle.
pub type CycleHook = Box<dyn FnMut(&Ntx, u64)>;

/// One NTX RTL instance with its memory.
pub struct RtlBackend {
    /// The device under test.
    pub uut: Box<Ntx>,
    /// Its TCDM.
    pub mem: Tcdm,
    /// Probability (0..=1) that a port's request is NOT granted in a cycle.
    pub stall: [f64; 2],
    rng: StdRng,
    cycles: u64,
    /// Read data to present next cycle, per port.
    resp: [Option<u32>; 2],
    /// Count of granted accesses per port (reads, writes).
    pub accesses: [[u64; 2]; 2],
    /// Optional waveform hook called after every cycle.
    pub on_cycle: Option<CycleHook>,
}

fn settle(uut: &mut Ntx) {
    assert!(
        simulate(uut, 1000),
        "NTX combinational logic did not settle"
    );
}

impl RtlBackend {
    /// A fresh NTX (always-granting memory) with `mem`.
    pub fn new(mem: Tcdm) -> Self {
        Self::with_stalls(mem, [0.0, 0.0], 1)
    }

    /// A fresh NTX whose memory withholds grants with probability `stall[p]`
    /// (drawn per cycle, port 0 first, from `StdRng::seed_from_u64(seed)`).
    pub fn with_stalls(mem: Tcdm, stall: [f64; 2], seed: u64) -> Self {
        let mut uut = Box::new(Ntx::default());
        uut.connect_all();
        let mut be = Self {
            uut,
            mem,
            stall: [0.0, 0.0],
            rng: StdRng::seed_from_u64(seed),
            cycles: 0,
            resp: [None, None],
            accesses: [[0; 2]; 2],
            on_cycle: None,
        };
        // Power-up: a soft clear puts every block into a known state.
        be.idle_inputs();
        be.uut.reg_req.next = true;
        be.uut.reg_we.next = true;
        be.uut.reg_addr.next = (ntx_hw::params::regs::CTRL as u64).into();
        be.uut.reg_wdata.next = 1.into();
        be.tick();
        be.idle_inputs();
        be.tick();
        be.cycles = 0;
        // stalls start with the first cycle after power-up, as in the pin
        // harness (`pins::random_grants`), so both draw the same pattern
        be.stall = stall;
        be
    }

    fn idle_inputs(&mut self) {
        self.uut.reg_req.next = false;
        self.uut.reg_we.next = false;
    }

    /// One clock cycle: memory responds, grants are drawn, the edge happens.
    pub fn tick(&mut self) {
        let u = &mut self.uut;
        u.tcdm0_r_valid.next = self.resp[0].is_some();
        u.tcdm0_r_rdata.next = (self.resp[0].unwrap_or(0) as u64).into();
        u.tcdm1_r_valid.next = self.resp[1].is_some();
        u.tcdm1_r_rdata.next = (self.resp[1].unwrap_or(0) as u64).into();
        let g0 = self.stall[0] <= 0.0 || self.rng.gen::<f64>() >= self.stall[0];
        let g1 = self.stall[1] <= 0.0 || self.rng.gen::<f64>() >= self.stall[1];
        u.tcdm0_gnt.next = g0;
        u.tcdm1_gnt.next = g1;
        settle(u);
        let req = [
            (
                u.tcdm0_req.val() && g0,
                u.tcdm0_we.val(),
                u.tcdm0_addr.val().to_u32(),
                u.tcdm0_wdata.val().to_u32(),
            ),
            (
                u.tcdm1_req.val() && g1,
                u.tcdm1_we.val(),
                u.tcdm1_addr.val().to_u32(),
                u.tcdm1_wdata.val().to_u32(),
            ),
        ];
        self.resp = [None, None];
        // Reads see the memory before this cycle's writes.
        for p in 0..2 {
            let (go, we, addr, _) = req[p];
            if go && !we {
                self.resp[p] = Some(self.mem.read(addr >> 2));
                self.accesses[p][0] += 1;
            }
        }
        for p in 0..2 {
            let (go, we, addr, data) = req[p];
            if go && we {
                self.mem.write(addr >> 2, data);
                self.accesses[p][1] += 1;
            }
        }
        u.clock.next = Clock { clk: true };
        settle(u);
        u.clock.next = Clock { clk: false };
        settle(u);
        self.cycles += 1;
        if let Some(f) = self.on_cycle.as_mut() {
            f(&self.uut, self.cycles);
        }
    }

    /// Register write; waits for the grant (bounded by `max_wait` cycles).
    pub fn write_reg_wait(
        &mut self,
        word: u32,
        value: u32,
        max_wait: u64,
    ) -> Result<u64, BackendError> {
        self.uut.reg_req.next = true;
        self.uut.reg_we.next = true;
        self.uut.reg_addr.next = (word as u64).into();
        self.uut.reg_wdata.next = (value as u64).into();
        let (mut waited, mut quiet, mut seen) = (0, 0, self.accesses);
        loop {
            settle(&mut self.uut);
            let g = self.uut.reg_gnt.val();
            self.tick();
            if g {
                break;
            }
            waited += 1;
            quiet += 1;
            if self.accesses != seen {
                (quiet, seen) = (0, self.accesses);
            }
            if quiet > max_wait {
                self.idle_inputs();
                return Err(BackendError(format!(
                    "register write {word:#04x} not granted and no TCDM access for {max_wait} cycles"
                )));
            }
        }
        self.idle_inputs();
        Ok(waited)
    }

    /// STATUS value right now (a one-cycle register read).
    pub fn status(&mut self) -> u32 {
        self.read_reg(ntx_hw::params::regs::STATUS).unwrap()
    }

    /// Tick until STATUS bits 4:0 read idle (0b00111); returns cycles spent.
    pub fn wait_idle(&mut self, max: u64) -> Result<u64, BackendError> {
        let t0 = self.cycles;
        loop {
            let s = self.status();
            if s & 0x1F == ntx_hw::params::regs::STATUS_IDLE {
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

impl Backend for RtlBackend {
    fn name(&self) -> &'static str {
        "rtl"
    }
    fn load_mem(&mut self, mem: &Tcdm) {
        self.mem = mem.clone();
    }
    fn read_mem(&mut self) -> Tcdm {
        self.mem.clone()
    }
    fn write_reg(&mut self, word: u32, value: u32) -> Result<(), BackendError> {
        self.write_reg_wait(word, value, MAX_GRANT_WAIT).map(|_| ())
    }
    fn read_reg(&mut self, word: u32) -> Result<u32, BackendError> {
        self.uut.reg_req.next = true;
        self.uut.reg_we.next = false;
        self.uut.reg_addr.next = (word as u64).into();
        self.tick();
        self.idle_inputs();
        Ok(self.uut.reg_rdata.val().to_u32())
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
        self.accesses.iter().flatten().sum()
    }
}
