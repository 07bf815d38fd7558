//! Testbench driver of the cluster top (`ntx_hw::cluster::Cluster`): the
//! control core's port (accesses held until granted, response one cycle
//! later) and the HMC vault model on the DMA's external port.

use crate::model::hmc::{ExtReq, HmcConfig, HmcVault};
use ntx_hw::cluster::Cluster;
use ntx_hw::params::cluster::TCDM_BASE;
use rust_hdl::prelude::*;

/// The testbench API of a cluster simulation, implemented by the rust-hdl
/// testbench ([`ClusterTb`]) and the Verilator model
/// ([`crate::verilator::cluster::VerilatedCluster`]), so that benchmarks and
/// tests are written once.
pub trait ClusterDrive {
    /// Simulator name for reports (`rust-hdl`, `verilator`).
    fn backend(&self) -> &'static str;
    /// One cycle with the vault on the external port.
    fn tick(&mut self);
    /// Synchronous clear of the fabric held two cycles (a reset: the
    /// DMA's power-on convention, `ntx_hw::dma`).
    fn clear(&mut self);
    /// One control-port access (held until granted); returns the read data.
    fn access(&mut self, addr: u32, we: bool, wdata: u32) -> u32;
    /// Cycles simulated so far.
    fn cycles(&self) -> u64;
    /// Interrupt line of NTX `i` (after the last cycle).
    fn ntx_irq(&self, i: usize) -> bool;
    /// DMA interrupt line.
    fn dma_irq(&self) -> bool;
    /// The HMC vault on the external port.
    fn hmc(&mut self) -> &mut HmcVault;
    /// Words of TCDM.
    fn tcdm_words(&self) -> usize;
    /// Make TCDM words `word..` hold `data` (backdoor where the simulator
    /// has one, else [`Self::write_words`]; may cost cycles).
    fn load(&mut self, word: usize, data: &[u32]);
    /// TCDM words `word..word + n` (backdoor or [`Self::read_words_port`]).
    fn read_words(&mut self, word: usize, n: usize) -> Vec<u32>;
    /// Drive the control port's inputs (byte enables all set) until changed.
    fn set_core(&mut self, req: bool, addr: u32, we: bool, wdata: u32);
    /// Settle the current inputs (the vault's outputs on `ext_*` included)
    /// and read every output of the cluster.
    fn pins(&mut self) -> ClusterPins;
    /// Write TCDM words through the control port (one access per word).
    fn write_words(&mut self, word: usize, data: &[u32]) {
        for (k, &v) in data.iter().enumerate() {
            self.access(TCDM_BASE + 4 * (word + k) as u32, true, v);
        }
    }
    /// Read TCDM words through the control port (one access per word).
    fn read_words_port(&mut self, word: usize, n: usize) -> Vec<u32> {
        (0..n)
            .map(|k| self.access(TCDM_BASE + 4 * (word + k) as u32, false, 0))
            .collect()
    }
}

/// Every output of the cluster top in one cycle (for lock-step comparison).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ClusterPins {
    pub core_gnt: bool,
    pub core_rvalid: bool,
    pub core_rdata: u32,
    pub ext_req: bool,
    pub ext_we: bool,
    pub ext_addr: u32,
    pub ext_wdata: u32,
    pub dma_irq: bool,
    /// Bit i: interrupt line of NTX i.
    pub ntx_irq: u32,
}

impl<const B: usize, const N: usize> ClusterDrive for ClusterTb<B, N> {
    fn backend(&self) -> &'static str {
        "rust-hdl"
    }
    fn tick(&mut self) {
        ClusterTb::tick(self)
    }
    fn clear(&mut self) {
        ClusterTb::clear(self)
    }
    fn access(&mut self, addr: u32, we: bool, wdata: u32) -> u32 {
        ClusterTb::access(self, addr, we, wdata)
    }
    fn cycles(&self) -> u64 {
        self.cycles
    }
    fn ntx_irq(&self, i: usize) -> bool {
        self.uut.ntx_irq[i].val()
    }
    fn dma_irq(&self) -> bool {
        self.uut.dma_irq.val()
    }
    fn hmc(&mut self) -> &mut HmcVault {
        &mut self.hmc
    }
    fn tcdm_words(&self) -> usize {
        B << N
    }
    fn set_core(&mut self, req: bool, addr: u32, we: bool, wdata: u32) {
        let u = &mut self.uut;
        u.core.req.next = req;
        u.core.addr.next = (addr as u64).into();
        u.core.we.next = we;
        u.core.be.next = 15.into();
        u.core.wdata.next = (wdata as u64).into();
    }
    fn pins(&mut self) -> ClusterPins {
        let ext = self.hmc.outputs();
        let u = &mut self.uut;
        u.ext.gnt.next = ext.gnt;
        u.ext.rvalid.next = ext.rvalid;
        u.ext.rdata.next = (ext.rdata as u64).into();
        self.settle();
        let u = &self.uut;
        ClusterPins {
            core_gnt: u.core.gnt.val(),
            core_rvalid: u.core.r_valid.val(),
            core_rdata: u.core.r_rdata.val().to_u32(),
            ext_req: u.ext.req.val(),
            ext_we: u.ext.we.val(),
            ext_addr: u.ext.addr.val().to_u32(),
            ext_wdata: u.ext.wdata.val().to_u32(),
            dma_irq: u.dma_irq.val(),
            ntx_irq: (0..u.ntx_irq.len())
                .map(|i| (u.ntx_irq[i].val() as u32) << i)
                .sum(),
        }
    }
    /// Backdoor: no cycles.
    fn load(&mut self, word: usize, data: &[u32]) {
        for (k, &v) in data.iter().enumerate() {
            self.uut.fabric.tcdm.poke(word + k, v);
        }
    }
    /// Backdoor: no cycles.
    fn read_words(&mut self, word: usize, n: usize) -> Vec<u32> {
        (word..word + n)
            .map(|w| self.uut.fabric.tcdm.peek(w))
            .collect()
    }
}

pub struct ClusterTb<const B: usize, const N: usize> {
    pub uut: Box<Cluster<B, N>>,
    pub hmc: HmcVault,
    pub cycles: u64,
}

impl<const B: usize, const N: usize> ClusterTb<B, N> {
    /// A cluster (connected) with a vault of `ext_bytes` bytes. Call from a
    /// thread with a large stack (the cluster is built on the stack).
    pub fn new(cfg: HmcConfig, ext_bytes: usize, seed: u64) -> Self {
        let mut uut: Box<Cluster<B, N>> = Box::default();
        uut.connect_all();
        Self {
            uut,
            hmc: HmcVault::new(cfg, ext_bytes, seed),
            cycles: 0,
        }
    }

    pub fn settle(&mut self) {
        assert!(simulate(&mut *self.uut, 5000), "no convergence");
    }

    /// One cycle with the vault on the external port.
    pub fn tick(&mut self) {
        let ext = self.hmc.outputs();
        let u = &mut self.uut;
        u.ext.gnt.next = ext.gnt;
        u.ext.rvalid.next = ext.rvalid;
        u.ext.rdata.next = (ext.rdata as u64).into();
        self.settle();
        let u = &mut self.uut;
        let req = u.ext.req.val().then(|| ExtReq {
            addr: u.ext.addr.val().to_u32(),
            we: u.ext.we.val(),
            wdata: u.ext.wdata.val().to_u32(),
        });
        self.hmc.edge(req);
        // the falling edge is settled with the next cycle's inputs (above)
        crate::clock::rising_edge(self, |s| &mut s.uut.clock, Self::settle);
        self.cycles += 1;
        assert!(
            !self.uut.err.val(),
            "cluster (rust-hdl): the TCDM interconnect granted more than one access \
             to one bank in one cycle (sticky `err`, seen after cycle {})",
            self.cycles
        );
    }

    /// Synchronous clear of the fabric held two cycles (the DMA's
    /// power-on reset convention, `ntx_hw::dma`).
    pub fn clear(&mut self) {
        self.uut.clear.next = true;
        self.tick();
        self.tick();
        self.uut.clear.next = false;
    }

    /// One control-port access (held until granted); returns the read data.
    pub fn access(&mut self, addr: u32, we: bool, wdata: u32) -> u32 {
        let u = &mut self.uut;
        u.core.req.next = true;
        u.core.addr.next = (addr as u64).into();
        u.core.we.next = we;
        u.core.be.next = 15.into();
        u.core.wdata.next = (wdata as u64).into();
        let mut waited = 0;
        loop {
            self.settle();
            let g = self.uut.core.gnt.val();
            self.tick();
            if g {
                break;
            }
            waited += 1;
            assert!(
                waited < 10_000_000,
                "control access {addr:#x} never granted"
            );
        }
        self.uut.core.req.next = false;
        self.settle();
        assert!(
            self.uut.core.r_valid.val(),
            "no response one cycle after the grant"
        );
        self.uut.core.r_rdata.val().to_u32()
    }
}

// The flow helpers of the large composed blocks live in `ntx-flow` (layer
// below the testbenches); re-exported here for the testbenches' old paths.
pub use ntx_flow::composed::{big_stack, block_verilog, flow_composed, lint_composed};

/// A random job for the cluster scenarios: NTX-region `region` (byte
/// address) holds three areas of `area` bytes, one per AGU, and every AGU
/// stays inside its own area; loops of up to `max_trip` iterations, any
/// opcode, random strides, init/IRQ/polarity fields.
pub fn random_region_job(
    rng: &mut rand::rngs::StdRng,
    region: u32,
    area: u32,
    max_trip: u16,
) -> crate::model::job::Job {
    loop {
        let job = random_region_job_unchecked(rng, region, area, max_trip);
        let inside = crate::model::dag::steps(&job.loop_config()).all(|st| {
            (0..3).all(|g| {
                let a = st.addr[g] * 4;
                a >= region + g as u32 * area && a < region + (g as u32 + 1) * area
            })
        });
        if inside {
            return job;
        }
    }
}

fn random_region_job_unchecked(
    rng: &mut rand::rngs::StdRng,
    region: u32,
    area: u32,
    max_trip: u16,
) -> crate::model::job::Job {
    use crate::model::job::{Command, Job};
    use ntx_hw::params::opcode;
    use rand::Rng;
    let op = rng.gen_range(0..opcode::COUNT);
    let outer = rng.gen_range(1..=3u8);
    let mut inner = rng.gen_range(0..=outer);
    if op == opcode::MASKMAC {
        inner = 0; // MASKMAC with inner_level > 0 is unportable (spec 6)
    }
    let init = rng.gen_range(inner..=outer);
    let mut loop_end = [0u16; 5];
    for e in loop_end.iter_mut().take(outer as usize) {
        *e = rng.gen_range(0..max_trip);
    }
    let cmd = Command {
        opcode: op as u8,
        init_level: init,
        inner_level: inner,
        outer_level: outer,
        init_sel: rng.gen_range(0..4),
        aux: rng.gen_range(0..5),
        irq_cfg: rng.gen_range(0..3),
        polarity: rng.gen_bool(0.3),
    };
    let mut base = [0u32; 3];
    for (k, b) in base.iter_mut().enumerate() {
        *b = region + k as u32 * area + area / 2 + 4 * rng.gen_range(0..64);
    }
    let mut stride = [[0i32; 5]; 3];
    for s in stride.iter_mut() {
        for v in s.iter_mut() {
            *v = 4 * rng.gen_range(-3..=3);
        }
    }
    Job {
        name: format!("random_{op}"),
        cmd: cmd.encode(),
        loop_end,
        base,
        stride,
    }
}

/// A random TCDM word for the cluster scenarios: small integers (MAXMIN
/// indices, MASK counters), zero, or a float in [-8, 8).
pub fn random_value(rng: &mut rand::rngs::StdRng) -> u32 {
    use rand::Rng;
    match rng.gen_range(0..8) {
        0 => rng.gen_range(0..40),
        1 => 0,
        _ => (rng.gen_range(-8.0f32..8.0)).to_bits(),
    }
}
