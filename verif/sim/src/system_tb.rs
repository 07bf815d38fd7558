//! Testbench of the cluster with its control core
//! ([`ntx_hw::system::ClusterSystem`]): one driver API ([`SystemDrive`]) over
//! the rust-hdl model (driven directly; memories through their backdoors)
//! and its Verilator model (memories through the `tb_*` ports), with the
//! HMC vault model ([`HmcVault`]) on the DMA's external port.
//!
//! Both backends see the same inputs every cycle (the vault is seeded), so
//! their cycle counts are identical. The rust-hdl model runs at a few
//! hundred cycles per second (8 NTX, 32 banks and the core); Verilator at
//! tens of thousands.

use crate::core_tb::TraceRec;
use crate::flow::FlowError;
use crate::model::hmc::{ExtReq, HmcConfig, HmcVault};
use crate::verilator::{BuildOptions, VerilatedModel};
use ntx_hw::params::cluster::TCDM_BASE;
use ntx_hw::system::ClusterSystem;
use rust_hdl::prelude::*;

/// Bank configurations of the system (`ntx run-elf --banks`): `(B, N)` with
/// `B * 2^N * 4 = params::core::TCDM_BYTES`.
pub const BANK_CONFIGS: [(usize, usize); 4] = [(8, 14), (16, 13), (32, 12), (64, 11)];

/// Default bank count.
pub const DEFAULT_BANKS: usize = 32;

/// Outputs of one cycle (sampled before the clock edge).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SysOut {
    pub trace: Option<TraceRec>,
    pub putc: Option<u8>,
    pub exit: Option<u32>,
    pub mcycle: u64,
    pub minstret: u64,
    /// IRQ_PENDING.
    pub irq_lines: u32,
}

/// A simulator of the system.
pub trait SystemDrive {
    /// `rtl` or `verilator`.
    fn name(&self) -> &'static str;
    /// Hold the core (clear for two cycles, the DMA's power-on reset, then
    /// `tb_sel`): memories may be loaded and read until
    /// [`SystemDrive::start`].
    fn hold(&mut self);
    /// Release the core: it fetches from the reset PC in the next cycle.
    fn start(&mut self);
    fn write_l2(&mut self, w: usize, v: u32);
    fn read_l2(&mut self, w: usize) -> u32;
    /// TCDM word `w` (while held).
    fn write_tcdm(&mut self, w: usize, v: u32);
    fn read_tcdm(&mut self, w: usize) -> u32;
    /// Words `w0..w0 + n` of L2 (while held).
    fn read_l2_block(&mut self, w0: usize, n: usize) -> Vec<u32> {
        (w0..w0 + n).map(|w| self.read_l2(w)).collect()
    }
    /// Words `w0..w0 + n` of the TCDM (while held).
    fn read_tcdm_block(&mut self, w0: usize, n: usize) -> Vec<u32> {
        (w0..w0 + n).map(|w| self.read_tcdm(w)).collect()
    }
    /// One cycle: settle with the vault's outputs, sample, clock edge.
    fn step(&mut self) -> SysOut;
    /// The vault on the external port.
    fn hmc(&mut self) -> &mut HmcVault;
}

/// The vault of the system (the ISS's external memory size).
pub fn system_vault(seed: u64) -> HmcVault {
    HmcVault::new(
        HmcConfig::default(),
        crate::model::rv32::system::DEFAULT_EXT_BYTES,
        seed,
    )
}

/// The rust-hdl model. Create and use it on a thread with a large stack
/// ([`crate::cluster_tb::big_stack`]).
pub struct RtlSystem<const B: usize, const N: usize> {
    pub uut: Box<ClusterSystem<B, N>>,
    pub hmc: HmcVault,
}

impl<const B: usize, const N: usize> RtlSystem<B, N> {
    pub fn new(seed: u64) -> Self {
        let mut uut: Box<ClusterSystem<B, N>> = Box::default();
        uut.connect_all();
        RtlSystem {
            uut,
            hmc: system_vault(seed),
        }
    }
    fn settle(&mut self) {
        assert!(
            simulate(&mut *self.uut, 10_000),
            "system logic did not converge"
        );
    }
    /// [`crate::clock::rising_edge`]: the falling edge is settled with
    /// the next cycle's inputs.
    fn tick(&mut self) {
        crate::clock::rising_edge(self, |s| &mut s.uut.clock, Self::settle);
    }
}

fn trace_of(
    v: bool,
    pc: u32,
    insn: u32,
    rd: u32,
    rd_val: u32,
    trap: bool,
    cause: u32,
) -> Option<TraceRec> {
    v.then_some(TraceRec {
        pc,
        insn,
        rd: rd as u8,
        rd_val,
        trap: trap.then_some(cause),
    })
}

impl<const B: usize, const N: usize> SystemDrive for RtlSystem<B, N> {
    fn name(&self) -> &'static str {
        "rtl"
    }
    fn hold(&mut self) {
        self.uut.tb_sel.next = true;
        self.uut.clear.next = true;
        self.tick();
        self.tick();
        self.uut.clear.next = false;
        self.settle();
    }
    fn start(&mut self) {
        self.uut.tb_sel.next = false;
        self.settle();
    }
    fn write_l2(&mut self, w: usize, v: u32) {
        self.uut.soc.l2.poke(w, v);
    }
    fn read_l2(&mut self, w: usize) -> u32 {
        self.uut.soc.l2.peek(w)
    }
    fn write_tcdm(&mut self, w: usize, v: u32) {
        self.uut.cluster.fabric.tcdm.poke(w, v);
    }
    fn read_tcdm(&mut self, w: usize) -> u32 {
        self.uut.cluster.fabric.tcdm.peek(w)
    }
    fn step(&mut self) -> SysOut {
        let ext = self.hmc.outputs();
        let u = &mut self.uut;
        u.ext.gnt.next = ext.gnt;
        u.ext.rvalid.next = ext.rvalid;
        u.ext.rdata.next = (ext.rdata as u64).into();
        self.settle();
        let u = &self.uut;
        let out = SysOut {
            trace: trace_of(
                u.trace_valid.val(),
                u.trace_pc.val().to_u32(),
                u.trace_insn.val().to_u32(),
                u.trace_rd.val().to_u32(),
                u.trace_rd_val.val().to_u32(),
                u.trace_trap.val(),
                u.trace_cause.val().to_u32(),
            ),
            putc: u.putc_valid.val().then(|| u.putc_char.val().to_u32() as u8),
            exit: u.exit_valid.val().then(|| u.exit_code.val().to_u32()),
            mcycle: ((u.mcycle_hi.val().to_u32() as u64) << 32) | u.mcycle_lo.val().to_u32() as u64,
            minstret: ((u.minstret_hi.val().to_u32() as u64) << 32)
                | u.minstret_lo.val().to_u32() as u64,
            irq_lines: u.irq_lines.val().to_u32(),
        };
        let req = u.ext.req.val().then(|| ExtReq {
            addr: u.ext.addr.val().to_u32(),
            we: u.ext.we.val(),
            wdata: u.ext.wdata.val().to_u32(),
        });
        self.hmc.edge(req);
        self.tick();
        out
    }
    fn hmc(&mut self) -> &mut HmcVault {
        &mut self.hmc
    }
}

/// Verilog of `ClusterSystem<B, N>` (top module `top`), once per
/// configuration and process.
pub fn system_verilog<const B: usize, const N: usize>() -> String {
    crate::cluster_tb::block_verilog::<ClusterSystem<B, N>>()
}

/// Model name (and cache key prefix) of a bank configuration.
pub fn system_model_name(b: usize, n: usize) -> String {
    format!("system_b{b}_n{n}")
}

use ntx_hw::bus::EXT_FIELDS;

/// Port names of the Verilator model, in the order of [`VerilatedSystem`]'s
/// index table.
const PORTS: [&str; 34] = [
    "clear",
    "tb_l2_we",
    "tb_l2_re",
    "tb_l2_addr",
    "tb_l2_wdata",
    "tb_l2_rdata",
    "tb_sel",
    "tb_req",
    "tb_addr",
    "tb_we",
    "tb_wdata",
    "tb_gnt",
    "tb_rvalid",
    "tb_rdata",
    // P_EXT_REQ ..= P_EXT_RDATA: the `ext` bundle, named from
    // `ntx_hw::bus::EXT_FIELDS` (same order)
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "exit_valid",
    "exit_code",
    "putc_valid",
    "putc_char",
    "trace_valid",
    "trace_pc",
    "trace_insn",
    "trace_rd",
    "trace_rd_val",
    "trace_trap",
    "trace_cause",
    "irq_lines",
    "mcycle_lo",
];
// indices into PORTS
const P_CLEAR: usize = 0;
const P_L2_WE: usize = 1;
const P_L2_RE: usize = 2;
const P_L2_ADDR: usize = 3;
const P_L2_WDATA: usize = 4;
const P_L2_RDATA: usize = 5;
const P_SEL: usize = 6;
const P_REQ: usize = 7;
const P_ADDR: usize = 8;
const P_WE: usize = 9;
const P_WDATA: usize = 10;
const P_GNT: usize = 11;
const P_RVALID: usize = 12;
const P_RDATA: usize = 13;
const P_EXT_REQ: usize = 14;
const P_EXT_WE: usize = 15;
const P_EXT_ADDR: usize = 16;
const P_EXT_WDATA: usize = 17;
const P_EXT_GNT: usize = 18;
const P_EXT_RVALID: usize = 19;
const P_EXT_RDATA: usize = 20;
const _: () = assert!(P_EXT_RDATA - P_EXT_REQ + 1 == EXT_FIELDS.len());
const P_EXIT_V: usize = 21;
const P_EXIT_C: usize = 22;
const P_PUTC_V: usize = 23;
const P_PUTC_C: usize = 24;
const P_TV: usize = 25;
const P_TPC: usize = 26;
const P_TINSN: usize = 27;
const P_TRD: usize = 28;
const P_TRDV: usize = 29;
const P_TTRAP: usize = 30;
const P_TCAUSE: usize = 31;
const P_IRQ: usize = 32;
const P_CYC_LO: usize = 33;

/// The Verilator model of the system.
pub struct VerilatedSystem {
    pub model: VerilatedModel,
    idx: [usize; 34],
    /// mcycle_hi, minstret_lo, minstret_hi.
    cnt: [usize; 3],
    pub hmc: HmcVault,
}

impl VerilatedSystem {
    /// Build (or load from the cache, `target/verilator/system_b*`) the
    /// model of `ClusterSystem<B, N>`.
    pub fn new<const B: usize, const N: usize>(seed: u64) -> Result<Self, FlowError> {
        Self::new_with::<B, N>(seed, &BuildOptions::default())
    }

    /// [`Self::new`] with build options (e.g. [`BuildOptions::traced`]).
    pub fn new_with<const B: usize, const N: usize>(
        seed: u64,
        opts: &BuildOptions,
    ) -> Result<Self, FlowError> {
        let model =
            VerilatedModel::build_with(&system_model_name(B, N), &system_verilog::<B, N>(), opts)?;
        let p = |n: &str| {
            model
                .port(n)
                .ok_or_else(|| FlowError(format!("system model has no port {n}")))
        };
        let mut idx = [0; 34];
        for (k, n) in PORTS.iter().enumerate() {
            idx[k] = if (P_EXT_REQ..=P_EXT_RDATA).contains(&k) {
                p(&ntx_hw::bus::port_name("ext", EXT_FIELDS[k - P_EXT_REQ]))?
            } else {
                p(n)?
            };
        }
        let cnt = [p("mcycle_hi")?, p("minstret_lo")?, p("minstret_hi")?];
        Ok(VerilatedSystem {
            model,
            idx,
            cnt,
            hmc: system_vault(seed),
        })
    }
    fn set(&mut self, k: usize, v: u64) {
        self.model.set_idx(self.idx[k], v);
    }
    fn get(&self, k: usize) -> u64 {
        self.model.get_idx(self.idx[k])
    }
    /// One testbench access on the cluster's control port (while held).
    fn tb_access(&mut self, addr: u32, we: bool, wdata: u32) -> u32 {
        self.set(P_REQ, 1);
        self.set(P_ADDR, addr as u64);
        self.set(P_WE, we as u64);
        self.set(P_WDATA, wdata as u64);
        for _ in 0..1000 {
            self.model.eval();
            let g = self.get(P_GNT) != 0;
            self.model.tick();
            if g {
                self.set(P_REQ, 0);
                self.model.eval();
                debug_assert!(self.get(P_RVALID) != 0);
                return self.get(P_RDATA) as u32;
            }
        }
        panic!("testbench access to {addr:#x} was never granted");
    }
}

impl SystemDrive for VerilatedSystem {
    fn name(&self) -> &'static str {
        "verilator"
    }
    fn hold(&mut self) {
        self.set(P_SEL, 1);
        self.set(P_CLEAR, 1);
        self.model.tick();
        self.model.tick();
        self.set(P_CLEAR, 0);
        self.model.eval();
    }
    fn start(&mut self) {
        self.set(P_SEL, 0);
        self.model.eval();
    }
    fn write_l2(&mut self, w: usize, v: u32) {
        self.set(P_L2_WE, 1);
        self.set(P_L2_ADDR, w as u64);
        self.set(P_L2_WDATA, v as u64);
        self.model.tick();
        self.set(P_L2_WE, 0);
    }
    fn read_l2(&mut self, w: usize) -> u32 {
        self.set(P_L2_RE, 1);
        self.set(P_L2_ADDR, w as u64);
        self.model.tick();
        self.set(P_L2_RE, 0);
        self.model.eval();
        self.get(P_L2_RDATA) as u32
    }
    fn write_tcdm(&mut self, w: usize, v: u32) {
        self.tb_access(TCDM_BASE + 4 * w as u32, true, v);
    }
    fn read_tcdm(&mut self, w: usize) -> u32 {
        self.tb_access(TCDM_BASE + 4 * w as u32, false, 0)
    }
    /// Pipelined: one read a cycle (the address of the next word while the
    /// data of the previous one arrives).
    fn read_l2_block(&mut self, w0: usize, n: usize) -> Vec<u32> {
        let mut v = Vec::with_capacity(n);
        self.set(P_L2_RE, 1);
        for w in w0..w0 + n {
            self.set(P_L2_ADDR, w as u64);
            self.model.tick();
            self.model.eval();
            v.push(self.get(P_L2_RDATA) as u32);
        }
        self.set(P_L2_RE, 0);
        self.model.eval();
        v
    }
    /// Pipelined through the control port: a request every cycle, the
    /// address advancing on each grant.
    fn read_tcdm_block(&mut self, w0: usize, n: usize) -> Vec<u32> {
        let mut v = Vec::with_capacity(n);
        let mut idle = 0;
        self.set(P_WE, 0);
        self.set(P_REQ, 1);
        while v.len() < n {
            self.set(P_ADDR, (TCDM_BASE + 4 * (w0 + v.len()) as u32) as u64);
            self.model.eval();
            let g = self.get(P_GNT) != 0;
            self.model.tick();
            self.model.eval();
            if g {
                assert!(self.get(P_RVALID) != 0, "TCDM read response missing");
                v.push(self.get(P_RDATA) as u32);
                idle = 0;
            } else {
                idle += 1;
                assert!(idle < 1000, "testbench TCDM read never granted");
            }
        }
        self.set(P_REQ, 0);
        self.model.eval();
        v
    }
    fn step(&mut self) -> SysOut {
        let ext = self.hmc.outputs();
        self.set(P_EXT_GNT, ext.gnt as u64);
        self.set(P_EXT_RVALID, ext.rvalid as u64);
        self.set(P_EXT_RDATA, ext.rdata as u64);
        self.model.eval();
        let g = |k: usize| self.get(k);
        let c = |k: usize| self.model.get_idx(self.cnt[k]);
        let out = SysOut {
            trace: trace_of(
                g(P_TV) != 0,
                g(P_TPC) as u32,
                g(P_TINSN) as u32,
                g(P_TRD) as u32,
                g(P_TRDV) as u32,
                g(P_TTRAP) != 0,
                g(P_TCAUSE) as u32,
            ),
            putc: (g(P_PUTC_V) != 0).then(|| g(P_PUTC_C) as u8),
            exit: (g(P_EXIT_V) != 0).then(|| g(P_EXIT_C) as u32),
            mcycle: (c(0) << 32) | g(P_CYC_LO),
            minstret: (c(2) << 32) | c(1),
            irq_lines: g(P_IRQ) as u32,
        };
        let req = (g(P_EXT_REQ) != 0).then(|| ExtReq {
            addr: g(P_EXT_ADDR) as u32,
            we: g(P_EXT_WE) != 0,
            wdata: g(P_EXT_WDATA) as u32,
        });
        self.hmc.edge(req);
        self.model.tick();
        out
    }
    fn hmc(&mut self) -> &mut HmcVault {
        &mut self.hmc
    }
}
