//! Behavioural model of one HMC vault as seen by the cluster DMA: a word
//! memory behind a request port with limited bandwidth and a fixed (plus
//! optional random) read latency, responses in order.
//!
//! Defaults: HMC 2.x has 32 vaults per cube at about 10 GB/s each; at the
//! cluster clock of 1.25 GHz (NTX DATE'19) that is 8 bytes per cycle. A DRAM
//! read costs some tens of nanoseconds through the vault controller; we take
//! 40 cycles (32 ns at 1.25 GHz) as the default latency. Both are parameters:
//! the tests randomize them.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::VecDeque;

/// Vault timing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HmcConfig {
    /// Cycles from an accepted read to its data (minimum 1).
    pub latency: u32,
    /// Extra random latency per read, uniform in 0..=jitter (order kept).
    pub jitter: u32,
    /// Sustained bandwidth in bytes per cycle (a word costs 4).
    pub bytes_per_cycle: u32,
}

impl Default for HmcConfig {
    fn default() -> Self {
        Self {
            latency: 40,
            jitter: 0,
            bytes_per_cycle: 8,
        }
    }
}

/// A request on the external port.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExtReq {
    /// Byte address (word aligned).
    pub addr: u32,
    pub we: bool,
    pub wdata: u32,
}

/// What the vault drives in one cycle (before seeing the request).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExtOut {
    /// A request presented this cycle is accepted.
    pub gnt: bool,
    pub rvalid: bool,
    pub rdata: u32,
}

#[derive(Clone, Debug)]
pub struct HmcVault {
    pub cfg: HmcConfig,
    /// Word memory (byte address / 4).
    pub mem: Vec<u32>,
    tokens: u32,
    queue: VecDeque<(u64, u32)>,
    last_ready: u64,
    now: u64,
    rng: StdRng,
    /// Accepted reads and writes (statistics).
    pub reads: u64,
    pub writes: u64,
}

impl HmcVault {
    pub fn new(cfg: HmcConfig, bytes: usize, seed: u64) -> Self {
        assert!(cfg.latency >= 1 && cfg.bytes_per_cycle >= 1);
        Self {
            cfg,
            mem: vec![0; bytes / 4],
            tokens: 0,
            queue: VecDeque::new(),
            last_ready: 0,
            now: 0,
            rng: StdRng::seed_from_u64(seed),
            reads: 0,
            writes: 0,
        }
    }

    fn word(&self, addr: u32) -> usize {
        assert_eq!(addr % 4, 0, "unaligned external access {addr:#x}");
        let w = (addr / 4) as usize;
        assert!(w < self.mem.len(), "external access {addr:#x} out of range");
        w
    }

    /// Outputs of the current cycle.
    pub fn outputs(&self) -> ExtOut {
        let resp = self.queue.front().filter(|(t, _)| *t <= self.now);
        ExtOut {
            gnt: self.tokens >= 4,
            rvalid: resp.is_some(),
            rdata: resp.map(|r| r.1).unwrap_or(0),
        }
    }

    /// Clock edge with the request presented this cycle.
    pub fn edge(&mut self, req: Option<ExtReq>) {
        let out = self.outputs();
        if out.rvalid {
            self.queue.pop_front();
        }
        if let (Some(r), true) = (req, out.gnt) {
            self.tokens -= 4;
            let w = self.word(r.addr);
            if r.we {
                self.mem[w] = r.wdata;
                self.writes += 1;
            } else {
                let lat = self.cfg.latency as u64 + self.rng.gen_range(0..=self.cfg.jitter) as u64;
                let ready = (self.now + lat).max(self.last_ready);
                self.last_ready = ready;
                self.queue.push_back((ready, self.mem[w]));
                self.reads += 1;
            }
        }
        // Token bucket: a burst of at most one cycle's worth (and one word).
        let cap = self.cfg.bytes_per_cycle.max(4);
        self.tokens = (self.tokens + self.cfg.bytes_per_cycle).min(cap);
        self.now += 1;
    }

    /// Reads accepted and not yet answered.
    pub fn outstanding(&self) -> usize {
        self.queue.len()
    }
}
