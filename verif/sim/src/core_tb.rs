//! Testbench of the control core's system ([`ntx_hw::core::soc::Soc`]):
//! one driver API ([`SocDrive`]) over the rust-hdl model (driven directly:
//! set inputs, settle, sample, clock edge) and its Verilator model, plus a
//! PULP slave for the `bus_*` port ([`BusSlave`]: a data memory window with
//! seeded random grant stalls and the interrupt line).
//!
//! Both backends see exactly the same input sequence for the same slave
//! seed, so their cycle counts are identical.

use crate::cluster_tb::big_stack;
use crate::flow::FlowError;
use crate::verilator::VerilatedModel;
use ntx_hw::bus::port_name;
use ntx_hw::core::soc::Soc;
use ntx_hw::params::core::L2_BASE;
use rand::{rngs::StdRng, Rng, SeedableRng};
use rust_hdl::prelude::*;

/// Inputs of the SoC for one cycle.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SocIn {
    pub irq: bool,
    pub gnt: bool,
    pub rvalid: bool,
    pub rdata: u32,
}

/// One entry of the retirement trace.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TraceRec {
    pub pc: u32,
    pub insn: u32,
    /// Register written (0 = none).
    pub rd: u8,
    pub rd_val: u32,
    /// mcause of a trap taken instead of retiring.
    pub trap: Option<u32>,
}

/// A request on the `bus_*` port.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BusReq {
    /// Word-aligned byte address.
    pub addr: u32,
    pub we: bool,
    pub be: u8,
    pub wdata: u32,
}

/// Outputs of the SoC in one cycle (after the inputs settled, before the
/// clock edge).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SocOut {
    pub trace: Option<TraceRec>,
    pub req: Option<BusReq>,
    /// The core's mcycle / minstret (what a CSR read in this cycle returns).
    pub mcycle: u64,
    pub minstret: u64,
    /// A PUTC write finished last cycle.
    pub putc: Option<u8>,
    /// EXIT has been written (the value).
    pub exit: Option<u32>,
}

/// A simulator of the SoC.
pub trait SocDrive {
    /// Backend name (`rtl`, `verilator`).
    fn name(&self) -> &'static str;
    /// Write L2 word `w` (testbench path; call before [`SocDrive::reset`]).
    fn write_l2(&mut self, w: usize, v: u32);
    /// Read L2 word `w` (testbench path; after the run).
    fn read_l2(&mut self, w: usize) -> u32;
    /// Hold `clear` for one cycle (pc = reset pc, counters 0).
    fn reset(&mut self);
    /// Apply `inp`, settle, and sample the outputs.
    fn eval(&mut self, inp: &SocIn) -> SocOut;
    /// The clock edge after [`SocDrive::eval`].
    fn edge(&mut self);
}

/// The rust-hdl model, driven directly (L2 through its backdoor).
pub struct RtlSoc {
    pub uut: Box<Soc>,
}

impl RtlSoc {
    pub fn new() -> Self {
        let mut uut: Box<Soc> = Box::default();
        uut.connect_all();
        RtlSoc { uut }
    }
    fn settle(&mut self) {
        assert!(simulate(&mut *self.uut, 1000), "SoC logic did not converge");
    }
    /// [`crate::clock::rising_edge`]: the falling edge is settled with
    /// the next cycle's inputs.
    fn tick(&mut self) {
        crate::clock::rising_edge(self, |s| &mut s.uut.clock, Self::settle);
    }
}

impl Default for RtlSoc {
    fn default() -> Self {
        Self::new()
    }
}

impl SocDrive for RtlSoc {
    fn name(&self) -> &'static str {
        "rtl"
    }
    fn write_l2(&mut self, w: usize, v: u32) {
        self.uut.l2.poke(w, v);
    }
    fn read_l2(&mut self, w: usize) -> u32 {
        self.uut.l2.peek(w)
    }
    fn reset(&mut self) {
        self.uut.clear.next = true;
        self.tick();
        self.uut.clear.next = false;
        self.settle();
    }
    fn eval(&mut self, inp: &SocIn) -> SocOut {
        let u = &mut self.uut;
        u.irq.next = inp.irq;
        u.bus.gnt.next = inp.gnt;
        u.bus.r_valid.next = inp.rvalid;
        u.bus.r_rdata.next = inp.rdata.to_bits();
        self.settle();
        let u = &self.uut;
        let trace = u.trace_valid.val().then(|| TraceRec {
            pc: u.trace_pc.val().to_u32(),
            insn: u.trace_insn.val().to_u32(),
            rd: u.trace_rd.val().to_u32() as u8,
            rd_val: u.trace_rd_val.val().to_u32(),
            trap: u.trace_trap.val().then(|| u.trace_cause.val().to_u32()),
        });
        let req = u.bus.req.val().then(|| BusReq {
            addr: u.bus.addr.val().to_u32(),
            we: u.bus.we.val(),
            be: u.bus.be.val().to_u32() as u8,
            wdata: u.bus.wdata.val().to_u32(),
        });
        SocOut {
            trace,
            req,
            mcycle: ((u.mcycle_hi.val().to_u32() as u64) << 32) | u.mcycle_lo.val().to_u32() as u64,
            minstret: ((u.minstret_hi.val().to_u32() as u64) << 32)
                | u.minstret_lo.val().to_u32() as u64,
            putc: u.putc_valid.val().then(|| u.putc_char.val().to_u32() as u8),
            exit: u.exit_valid.val().then(|| u.exit_code.val().to_u32()),
        }
    }
    fn edge(&mut self) {
        self.tick();
    }
}

/// Verilog of the SoC (top module `top`), generated once per process.
pub fn soc_verilog() -> String {
    static V: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    V.get_or_init(|| {
        big_stack(|| {
            let mut uut: Box<Soc> = Box::default();
            uut.connect_all();
            generate_verilog(&*uut)
        })
    })
    .clone()
}

/// Port indices of the Verilator model.
#[derive(Clone, Copy)]
struct Idx {
    clear: usize,
    irq: usize,
    gnt: usize,
    rvalid: usize,
    rdata: usize,
    req: usize,
    we: usize,
    be: usize,
    addr: usize,
    wdata: usize,
    tb_we: usize,
    tb_re: usize,
    tb_addr: usize,
    tb_wdata: usize,
    tb_rdata: usize,
    tv: usize,
    tpc: usize,
    tinsn: usize,
    trd: usize,
    trdv: usize,
    ttrap: usize,
    tcause: usize,
    cyc_lo: usize,
    cyc_hi: usize,
    ins_lo: usize,
    ins_hi: usize,
    putc_v: usize,
    putc_c: usize,
    exit_v: usize,
    exit_c: usize,
}

/// The Verilator model of the SoC (L2 loaded and read through the `tb_*`
/// port, one cycle per word, while `clear` is held).
pub struct VerilatedSoc {
    pub model: VerilatedModel,
    idx: Idx,
}

impl VerilatedSoc {
    /// Build (or load from the cache, `target/verilator/core_soc-*`) the model.
    pub fn new() -> Result<Self, FlowError> {
        let model = VerilatedModel::build("core_soc", &soc_verilog())?;
        let p = |n: &str| {
            model
                .port(n)
                .ok_or_else(|| FlowError(format!("SoC model has no port {n}")))
        };
        let idx = Idx {
            clear: p("clear")?,
            irq: p("irq")?,
            gnt: p(&port_name("bus", "gnt"))?,
            rvalid: p(&port_name("bus", "r_valid"))?,
            rdata: p(&port_name("bus", "r_rdata"))?,
            req: p(&port_name("bus", "req"))?,
            we: p(&port_name("bus", "we"))?,
            be: p(&port_name("bus", "be"))?,
            addr: p(&port_name("bus", "addr"))?,
            wdata: p(&port_name("bus", "wdata"))?,
            tb_we: p("tb_we")?,
            tb_re: p("tb_re")?,
            tb_addr: p("tb_addr")?,
            tb_wdata: p("tb_wdata")?,
            tb_rdata: p("tb_rdata")?,
            tv: p("trace_valid")?,
            tpc: p("trace_pc")?,
            tinsn: p("trace_insn")?,
            trd: p("trace_rd")?,
            trdv: p("trace_rd_val")?,
            ttrap: p("trace_trap")?,
            tcause: p("trace_cause")?,
            cyc_lo: p("mcycle_lo")?,
            cyc_hi: p("mcycle_hi")?,
            ins_lo: p("minstret_lo")?,
            ins_hi: p("minstret_hi")?,
            putc_v: p("putc_valid")?,
            putc_c: p("putc_char")?,
            exit_v: p("exit_valid")?,
            exit_c: p("exit_code")?,
        };
        Ok(VerilatedSoc { model, idx })
    }
}

impl SocDrive for VerilatedSoc {
    fn name(&self) -> &'static str {
        "verilator"
    }
    fn write_l2(&mut self, w: usize, v: u32) {
        let (m, i) = (&mut self.model, self.idx);
        m.set_idx(i.clear, 1);
        m.set_idx(i.tb_we, 1);
        m.set_idx(i.tb_addr, w as u64);
        m.set_idx(i.tb_wdata, v as u64);
        m.tick();
        m.set_idx(i.tb_we, 0);
    }
    fn read_l2(&mut self, w: usize) -> u32 {
        let (m, i) = (&mut self.model, self.idx);
        let clear = m.get_idx(i.clear);
        m.set_idx(i.clear, 1);
        m.set_idx(i.tb_re, 1);
        m.set_idx(i.tb_addr, w as u64);
        m.tick();
        m.set_idx(i.tb_re, 0);
        m.set_idx(i.clear, clear);
        m.eval();
        m.get_idx(i.tb_rdata) as u32
    }
    fn reset(&mut self) {
        let (m, i) = (&mut self.model, self.idx);
        m.set_idx(i.clear, 1);
        m.tick();
        m.set_idx(i.clear, 0);
        m.eval();
    }
    fn eval(&mut self, inp: &SocIn) -> SocOut {
        let (m, i) = (&mut self.model, self.idx);
        m.set_idx(i.irq, inp.irq as u64);
        m.set_idx(i.gnt, inp.gnt as u64);
        m.set_idx(i.rvalid, inp.rvalid as u64);
        m.set_idx(i.rdata, inp.rdata as u64);
        m.eval();
        let g = |k: usize| m.get_idx(k);
        let trace = (g(i.tv) != 0).then(|| TraceRec {
            pc: g(i.tpc) as u32,
            insn: g(i.tinsn) as u32,
            rd: g(i.trd) as u8,
            rd_val: g(i.trdv) as u32,
            trap: (g(i.ttrap) != 0).then(|| g(i.tcause) as u32),
        });
        let req = (g(i.req) != 0).then(|| BusReq {
            addr: g(i.addr) as u32,
            we: g(i.we) != 0,
            be: g(i.be) as u8,
            wdata: g(i.wdata) as u32,
        });
        SocOut {
            trace,
            req,
            mcycle: (g(i.cyc_hi) << 32) | g(i.cyc_lo),
            minstret: (g(i.ins_hi) << 32) | g(i.ins_lo),
            putc: (g(i.putc_v) != 0).then(|| g(i.putc_c) as u8),
            exit: (g(i.exit_v) != 0).then(|| g(i.exit_c) as u32),
        }
    }
    fn edge(&mut self) {
        self.model.tick();
    }
}

/// Load a program image (`words` at byte address `base` inside L2).
pub fn load_image(d: &mut dyn SocDrive, base: u32, words: &[u32]) {
    let w0 = ((base - L2_BASE) / 4) as usize;
    for (k, &v) in words.iter().enumerate() {
        d.write_l2(w0 + k, v);
    }
}

/// PULP slave on the `bus_*` port: a memory window (`base`, `words`), a
/// read data register (`rvalid` one cycle after a granted read), grants
/// withheld at random (`stall_pct` percent of cycles, seeded), and the
/// interrupt line: raised at cycle `irq_at` (if any), dropped by a write to
/// `base + ack_off`. Accesses outside the window are recorded in `errors`
/// (granted, read 0).
pub struct BusSlave {
    pub base: u32,
    pub mem: Vec<u32>,
    pub stall_pct: u32,
    pub irq_at: Vec<u64>,
    pub ack_off: u32,
    pub irq: bool,
    pub errors: Vec<String>,
    rng: StdRng,
    gnt: bool,
    pending: Option<u32>,
}

impl BusSlave {
    pub fn new(base: u32, words: usize, stall_pct: u32, seed: u64) -> Self {
        BusSlave {
            base,
            mem: vec![0; words],
            stall_pct,
            irq_at: Vec::new(),
            ack_off: u32::MAX,
            irq: false,
            errors: Vec::new(),
            rng: StdRng::seed_from_u64(seed),
            gnt: true,
            pending: None,
        }
    }

    /// The slave's outputs for cycle `cycle` (decided before the request).
    pub fn inputs(&mut self, cycle: u64) -> SocIn {
        if self.irq_at.contains(&cycle) {
            self.irq = true;
        }
        self.gnt = self.stall_pct == 0 || self.rng.gen_range(0..100) >= self.stall_pct;
        SocIn {
            irq: self.irq,
            gnt: self.gnt,
            rvalid: self.pending.is_some(),
            rdata: self.pending.unwrap_or(0),
        }
    }

    /// See the request of this cycle (at the clock edge).
    pub fn edge(&mut self, req: Option<BusReq>) {
        self.pending = None;
        let Some(r) = req else { return };
        if !self.gnt {
            return;
        }
        let off = r.addr.wrapping_sub(self.base);
        let w = (off / 4) as usize;
        if r.we && off == self.ack_off {
            self.irq = false;
        }
        if w >= self.mem.len() {
            self.errors
                .push(format!("access outside the bus window: {r:x?}"));
            if !r.we {
                self.pending = Some(0);
            }
            return;
        }
        if r.we {
            let mut m = 0u32;
            for b in 0..4 {
                if r.be & (1 << b) != 0 {
                    m |= 0xFF << (8 * b);
                }
            }
            self.mem[w] = (self.mem[w] & !m) | (r.wdata & m);
        } else {
            self.pending = Some(self.mem[w]);
        }
    }
}
