//! Lock-step co-simulation: rust-hdl against the Verilator model of the
//! Verilog it generates, compared on every output port every cycle.
//!
//! Run: `cargo test --release -p ntx-verif --test suite cosim::`
//! (seeds: `NTX_COSIM_SEED`; cycles per block: `NTX_COSIM_CYCLES`).

use ntx_verif::cosim::{cosim, CosimError, RustHdlDut, Sampled, Stim, Testbench};
use ntx_verif::drive_fn;
use ntx_verif::pins::{
    drive_ntx, ntx_pins, R_ADDR, R_GNT, R_REQ, R_WDATA, R_WE, T_GNT, T_REQ, T_R_RDATA, T_R_VALID,
    T_WE,
};
use ntx_verif::verilator::VerilatedModel;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rust_hdl::prelude::*;
use std::sync::atomic::{AtomicU64, Ordering};

fn seed() -> u64 {
    std::env::var("NTX_COSIM_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_0001)
}

fn cycles() -> u64 {
    std::env::var("NTX_COSIM_CYCLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000)
}

/// A small multiply-accumulate block to develop the harness on.
#[derive(LogicBlock, Default)]
struct MacToy {
    pub clock: Signal<In, Clock>,
    pub clear: Signal<In, Bit>,
    pub en: Signal<In, Bit>,
    pub a: Signal<In, Bits<16>>,
    pub b: Signal<In, Bits<16>>,
    pub acc: Signal<Out, Bits<32>>,
    pub prod: Signal<Out, Bits<32>>,
    pub count: Signal<Out, Bits<8>>,
    pub nonzero: Signal<Out, Bit>,
    acc_r: DFF<Bits<32>>,
    cnt_r: DFF<Bits<8>>,
}

impl Logic for MacToy {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, acc_r, cnt_r);
        self.prod.next = self.a.val() * self.b.val();
        if self.clear.val() {
            self.acc_r.d.next = 0.into();
            self.cnt_r.d.next = 0.into();
        } else if self.en.val() {
            self.acc_r.d.next = self.acc_r.q.val() + self.a.val() * self.b.val();
            self.cnt_r.d.next = self.cnt_r.q.val() + 1;
        }
        self.acc.next = self.acc_r.q.val();
        self.count.next = self.cnt_r.q.val();
        self.nonzero.next = self.acc_r.q.val().any();
    }
}

/// Same ports, but counts by two when `a` is 0x00FF (an injected bug).
#[derive(LogicBlock, Default)]
struct MacToyBuggy {
    pub clock: Signal<In, Clock>,
    pub clear: Signal<In, Bit>,
    pub en: Signal<In, Bit>,
    pub a: Signal<In, Bits<16>>,
    pub b: Signal<In, Bits<16>>,
    pub acc: Signal<Out, Bits<32>>,
    pub prod: Signal<Out, Bits<32>>,
    pub count: Signal<Out, Bits<8>>,
    pub nonzero: Signal<Out, Bit>,
    acc_r: DFF<Bits<32>>,
    cnt_r: DFF<Bits<8>>,
}

impl Logic for MacToyBuggy {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, acc_r, cnt_r);
        self.prod.next = self.a.val() * self.b.val();
        if self.clear.val() {
            self.acc_r.d.next = 0.into();
            self.cnt_r.d.next = 0.into();
        } else if self.en.val() {
            self.acc_r.d.next = self.acc_r.q.val() + self.a.val() * self.b.val();
            if self.a.val() == 0xFF {
                self.cnt_r.d.next = self.cnt_r.q.val() + 2;
            } else {
                self.cnt_r.d.next = self.cnt_r.q.val() + 1;
            }
        }
        self.acc.next = self.acc_r.q.val();
        self.count.next = self.cnt_r.q.val();
        self.nonzero.next = self.acc_r.q.val().any();
    }
}

struct ToyTb {
    rng: StdRng,
}

impl ToyTb {
    fn new(seed: u64) -> Self {
        ToyTb {
            rng: StdRng::seed_from_u64(seed),
        }
    }
}

impl Testbench for ToyTb {
    fn inputs(&mut self, _cycle: u64, prev: &Sampled, stim: &mut Stim) {
        // Clear rarely, and whenever the accumulator got large (exercises
        // reading the previous cycle's outputs).
        let clear = self.rng.gen_ratio(1, 200) || prev.get("acc") > 0xF000_0000;
        stim.set("clear", clear as u64);
        stim.set("en", self.rng.gen_ratio(3, 4) as u64);
        // Small values often so that the a == 0xFF corner is hit.
        let a = if self.rng.gen_bool(0.5) {
            self.rng.gen_range(0..0x100)
        } else {
            self.rng.gen()
        };
        stim.set("a", a as u64);
        stim.set("b", self.rng.gen::<u16>() as u64);
    }
}

fn toy() -> RustHdlDut<MacToy> {
    RustHdlDut::new(MacToy::default(), drive_fn!(MacToy; clock, clear, en, a, b))
}

#[test]
fn toy_block_matches_its_verilator_model() {
    let seed = seed();
    let verilog = generate_verilog(&toy().uut);
    let n = cycles();
    let r = cosim("mac_toy", &verilog, toy, || ToyTb::new(seed), n)
        .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
    assert_eq!((r.cycles, r.outputs), (n, 4));
    println!(
        "mac_toy: {n} cycles, rust-hdl {:.2} s, verilator {:.3} s, build {:.1} s (cached: {})",
        r.rust_hdl_seconds, r.verilator_seconds, r.build.seconds, r.build.cached
    );
}

#[test]
fn an_injected_bug_is_reported_with_waveforms() {
    let seed = seed();
    let mut buggy = MacToyBuggy::default();
    buggy.connect_all();
    let buggy = generate_verilog(&buggy);
    let err = cosim("mac_toy_buggy", &buggy, toy, || ToyTb::new(seed), 100_000)
        .expect_err("the buggy Verilog must not match");
    // Where must it first show? Run the correct block alone and find the
    // first cycle whose rising edge has en && !clear && a == 0xFF; the count
    // differs from the next cycle on.
    let mut tb = ToyTb::new(seed);
    let mut dut = toy();
    let mut prev = Sampled::default();
    let mut expect = None;
    for cycle in 0..100_000u64 {
        let mut stim = Stim::default();
        tb.inputs(cycle, &prev, &mut stim);
        let field = |name: &str| stim.get(name).unwrap()[0];
        if field("en") == 1 && field("clear") == 0 && field("a") == 0xFF {
            expect = Some(cycle + 1);
            break;
        }
        // Keep the testbench's view of `acc` exact.
        for (p, w) in stim.items() {
            dut.set(p, w);
        }
        dut.settle();
        let mut out = Vec::new();
        dut.outputs(&mut out);
        prev = Sampled::new(&dut.output_names(), out);
        dut.tick();
    }
    match err {
        CosimError::Mismatch {
            cycle,
            port,
            rust_hdl,
            verilator,
            vcds,
            ..
        } => {
            assert_eq!(Some(cycle), expect, "seed {seed}");
            assert_eq!(port, "count");
            assert_eq!(verilator[0], (rust_hdl[0] + 1) & 0xFF);
            let (a, b) = vcds.expect("waveforms");
            for f in [a, b] {
                let text = std::fs::read_to_string(&f).unwrap();
                assert!(
                    text.contains("count") && text.contains("$enddefinitions"),
                    "{}",
                    f.display()
                );
            }
        }
        other => panic!("expected a mismatch, got {other}"),
    }
}

#[test]
fn the_verilator_model_is_built_once_and_reused() {
    let verilog = generate_verilog(&toy().uut);
    let a = VerilatedModel::build("mac_toy", &verilog).unwrap();
    let b = VerilatedModel::build("mac_toy", &verilog).unwrap();
    assert!(b.build_info().cached);
    assert_eq!(a.build_info().dir, b.build_info().dir);
    assert!(b.build_info().seconds < 1.0, "{:?}", b.build_info());
}

// ---------------------------------------------------------------- DAG

use ntx_hw::dag::Dag;
use ntx_hw::params::{AGU_ADDR_WIDTH, LOOP_WIDTH, N_AGUS, N_LOOPS};

const LOOP_END: [&str; N_LOOPS] = [
    "loop_end$0",
    "loop_end$1",
    "loop_end$2",
    "loop_end$3",
    "loop_end$4",
];
const BASE: [&str; N_AGUS] = ["base$0", "base$1", "base$2"];
const STRIDE: [&str; N_AGUS * N_LOOPS] = [
    "stride$0",
    "stride$1",
    "stride$2",
    "stride$3",
    "stride$4",
    "stride$5",
    "stride$6",
    "stride$7",
    "stride$8",
    "stride$9",
    "stride$10",
    "stride$11",
    "stride$12",
    "stride$13",
    "stride$14",
];

static DAG_DONE: AtomicU64 = AtomicU64::new(0);

/// Random loop nests run to completion (init, then mostly stepping with
/// random stalls), a new nest whenever one is done, and now and then an init
/// or a configuration change in the middle of a nest.
struct DagTb {
    rng: StdRng,
    init_next: bool,
}

impl DagTb {
    fn new(seed: u64) -> Self {
        DagTb {
            rng: StdRng::seed_from_u64(seed),
            init_next: true,
        }
    }
    fn configure(&mut self, stim: &mut Stim) {
        let r = &mut self.rng;
        for p in LOOP_END {
            // Mostly short loops so that nests finish and carries happen
            // often; sometimes the extremes.
            let e: u64 = match r.gen_range(0..40) {
                0 => (1 << LOOP_WIDTH) - 1,
                1 => r.gen_range(0..1 << LOOP_WIDTH),
                2..=9 => 0,
                _ => r.gen_range(0..5),
            };
            stim.set(p, e);
        }
        stim.set("outer_level", r.gen_range(0..8)); // 6, 7 out of spec, still must agree
        for p in BASE.iter().chain(STRIDE.iter()) {
            stim.set(p, r.gen_range(0..1u64 << AGU_ADDR_WIDTH));
        }
    }
}

impl Testbench for DagTb {
    fn inputs(&mut self, cycle: u64, prev: &Sampled, stim: &mut Stim) {
        let done = prev.get("done") == 1;
        if done {
            DAG_DONE.fetch_add(1, Ordering::Relaxed);
        }
        if cycle == 0 || (done && self.rng.gen_ratio(1, 2)) || self.rng.gen_ratio(1, 1000) {
            self.configure(stim);
            self.init_next = true;
        }
        let init = self.init_next || self.rng.gen_ratio(1, 5000);
        self.init_next = false;
        stim.set("init", init as u64);
        stim.set("step", self.rng.gen_ratio(7, 8) as u64);
    }
}

fn dag() -> RustHdlDut<Dag> {
    RustHdlDut::new(
        Dag::default(),
        drive_fn!(Dag; clock, outer_level, init, step; loop_end, base, stride),
    )
}

#[test]
fn dag_matches_its_verilator_model() {
    let seed = seed();
    let verilog = generate_verilog(&dag().uut);
    let n = cycles();
    let r = cosim("dag", &verilog, dag, || DagTb::new(seed), n)
        .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
    assert_eq!((r.cycles, r.outputs), (n, 6));
    // Nests must actually complete (and restart) during the run.
    let done = DAG_DONE.load(Ordering::Relaxed);
    println!("dag: {done} cycles with done");
    assert!(done > n / 1000, "too few nests completed ({done})");
    println!(
        "dag: {n} cycles, rust-hdl {:.2} s, verilator {:.3} s, build {:.1} s (cached: {})",
        r.rust_hdl_seconds, r.verilator_seconds, r.build.seconds, r.build.cached
    );
}

// ---------------------------------------------------------------- FMAC

use ntx_hw::fmac::Fmac;
use ntx_hw::params::FMAC_TAG_WIDTH;

/// Random fp32 operand: special values and extreme exponents often (zeros,
/// subnormals, infinities, NaN, max), products that under- and overflow.
fn fp32(r: &mut StdRng) -> u32 {
    let sign = (r.gen::<bool>() as u32) << 31;
    let exp = match r.gen_range(0..8) {
        0 => 0,
        1 => 255,
        2 => r.gen_range(0..16),
        3 => r.gen_range(240..256),
        4 => 127,
        _ => r.gen_range(0..256),
    };
    let man = match r.gen_range(0..4) {
        0 => 0,
        1 => 0x7F_FFFF,
        _ => r.gen_range(0..1 << 23),
    };
    sign | (exp << 23) | man
}

static FMAC_RESULTS: AtomicU64 = AtomicU64::new(0);

/// Back-to-back random ops (every flag combination, loads, reads with and
/// without ReLU), idle cycles, rare clears.
struct FmacTb {
    rng: StdRng,
}

impl Testbench for FmacTb {
    fn inputs(&mut self, _cycle: u64, prev: &Sampled, stim: &mut Stim) {
        if prev.get("out_valid") == 1 {
            FMAC_RESULTS.fetch_add(1, Ordering::Relaxed);
        }
        let r = &mut self.rng;
        stim.set("clear", r.gen_ratio(1, 500) as u64);
        stim.set("in_valid", r.gen_ratio(9, 10) as u64);
        stim.set("op_a", fp32(r) as u64);
        stim.set("op_b", fp32(r) as u64);
        stim.set("load", r.gen_ratio(1, 20) as u64);
        stim.set("load_value", fp32(r) as u64);
        stim.set("load_neg", r.gen::<bool>() as u64);
        stim.set("mul", r.gen_ratio(7, 8) as u64);
        stim.set("sub", r.gen::<bool>() as u64);
        stim.set("norm", r.gen_ratio(1, 4) as u64);
        stim.set("relu", r.gen::<bool>() as u64);
        stim.set("tag_in", r.gen_range(0..1u64 << FMAC_TAG_WIDTH));
        // IEEE mode on about half of the ops (a mode per op, as the NTX's
        // element record carries it), so both arithmetic paths are compared
        stim.set("ieee", r.gen::<bool>() as u64);
    }
}

fn fmac() -> RustHdlDut<Fmac> {
    RustHdlDut::new(
        Fmac::default(),
        drive_fn!(Fmac; clock, clear, in_valid, op_a, op_b, load, load_value, load_neg, mul, sub, norm, relu, tag_in, ieee),
    )
}

#[test]
fn fmac_matches_its_verilator_model() {
    let seed = seed();
    let verilog = generate_verilog(&fmac().uut);
    let n = cycles();
    let r = cosim(
        "fmac",
        &verilog,
        fmac,
        || FmacTb {
            rng: StdRng::seed_from_u64(seed),
        },
        n,
    )
    .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
    // result, tag and valid, and the IEEE flags
    assert_eq!((r.cycles, r.outputs), (n, 4));
    // The comparison is only meaningful if results did come out.
    assert!(
        FMAC_RESULTS.load(Ordering::Relaxed) > n / 10,
        "too few results compared"
    );
    println!(
        "fmac: {n} cycles, rust-hdl {:.2} s, verilator {:.3} s, build {:.1} s (cached: {})",
        r.rust_hdl_seconds, r.verilator_seconds, r.build.seconds, r.build.cached
    );
}

// ---------------------------------------------------------------- NTX top

use ntx_hw::ntx::Ntx;
use ntx_hw::params::regs;

static NTX_STORES: AtomicU64 = AtomicU64::new(0);
static NTX_JOBS: AtomicU64 = AtomicU64::new(0);

/// The control core and the TCDM around one NTX: register traffic that
/// programs small random jobs (mostly valid, every opcode, aux and flag),
/// starts them, polls STATUS, clears IRQs and now and then soft-clears; two
/// memory ports that grant at random and answer reads one cycle after the
/// grant with random data.
struct NtxTb {
    rng: StdRng,
    /// Register request being held until granted: (we, addr, wdata).
    reg: Option<(bool, u32, u32)>,
    /// TCDM grant given per port in the previous cycle.
    gnt: [bool; 2],
    /// Cycles the current register request has waited for its grant.
    waited: u32,
}

impl NtxTb {
    fn new(seed: u64) -> Self {
        NtxTb {
            rng: StdRng::seed_from_u64(seed),
            reg: None,
            gnt: [false; 2],
            waited: 0,
        }
    }
    fn next_reg(&mut self) -> Option<(bool, u32, u32)> {
        let r = &mut self.rng;
        if !r.gen_ratio(1, 3) {
            return None;
        }
        Some(match r.gen_range(0..100) {
            0..=44 => {
                let w = r.gen_range(regs::LOOP_END..=regs::STAGING_LAST);
                let v = if w < regs::AGU0_BASE {
                    r.gen_range(0..3) // short loops so that jobs finish
                } else if (w - regs::AGU0_BASE).is_multiple_of(6) {
                    r.gen_range(0..2048u32) << 2 // base, inside a small window
                } else {
                    (r.gen_range(-8i32..8) * 4) as u32 // stride
                };
                (true, w, v)
            }
            45..=59 => {
                let outer = r.gen_range(0..=5u32);
                let init = r.gen_range(0..=outer);
                let inner = r.gen_range(0..=init);
                let mut cmd = r.gen_range(0..9u32)
                    | init << 4
                    | inner << 7
                    | outer << 10
                    | r.gen_range(0..4u32) << 13
                    | r.gen_range(0..8u32) << 15
                    | r.gen_range(0..3u32) << 18
                    | (r.gen::<bool>() as u32) << 20;
                if r.gen_ratio(1, 50) {
                    cmd = r.gen(); // invalid commands too
                }
                NTX_JOBS.fetch_add(1, Ordering::Relaxed);
                (true, regs::CMD, cmd)
            }
            60..=61 => (true, regs::IRQ, r.gen_range(0..4)),
            62 => (true, regs::CTRL, r.gen_range(0..8)), // soft clear, priority
            _ => (false, r.gen_range(0..32), 0),
        })
    }
}

impl Testbench for NtxTb {
    fn inputs(&mut self, _cycle: u64, prev: &Sampled, stim: &mut Stim) {
        // Register port: hold until granted.
        if self.reg.is_some() && prev.get(&ntx_pins().reg[R_GNT]) == 1 {
            self.reg = None;
            self.waited = 0;
        } else if self.reg.is_some() {
            self.waited += 1;
            // A staging write waits while a job runs, and forever after an
            // invalid command: give up and soft-clear, as a core would.
            if self.waited > 400 {
                self.reg = Some((true, regs::CTRL, 1));
                self.waited = 0;
            }
        }
        if self.reg.is_none() {
            self.reg = self.next_reg();
        }
        let (req, (we, addr, wdata)) = match self.reg {
            Some(x) => (true, x),
            None => (false, (false, 0, 0)),
        };
        let pins = ntx_pins();
        stim.set(&pins.reg[R_REQ], req as u64);
        stim.set(&pins.reg[R_WE], we as u64);
        stim.set(&pins.reg[R_ADDR], addr as u64);
        stim.set(&pins.reg[R_WDATA], wdata as u64);
        // TCDM: read data one cycle after a granted read.
        for k in 0..2 {
            let [req, we, gnt, valid, rdata] =
                [T_REQ, T_WE, T_GNT, T_R_VALID, T_R_RDATA].map(|j| pins.tcdm[k][j].as_str());
            let granted = self.gnt[k] && prev.get(req) == 1;
            if granted && prev.get(we) == 1 {
                NTX_STORES.fetch_add(1, Ordering::Relaxed);
            }
            stim.set(valid, (granted && prev.get(we) == 0) as u64);
            stim.set(
                rdata,
                if self.rng.gen_ratio(1, 4) {
                    0
                } else {
                    self.rng.gen::<u32>() as u64
                },
            );
            self.gnt[k] = self.rng.gen_ratio(4, 5);
            stim.set(gnt, self.gnt[k] as u64);
        }
    }
}

fn ntx() -> RustHdlDut<Ntx> {
    RustHdlDut::new(Ntx::default(), drive_ntx)
}

#[test]
fn ntx_top_matches_its_verilator_model() {
    let seed = seed();
    let verilog = generate_verilog(&ntx().uut);
    let n = cycles();
    let r = cosim("ntx", &verilog, ntx, || NtxTb::new(seed), n)
        .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
    assert_eq!(r.cycles, n);
    let (stores, jobs) = (
        NTX_STORES.load(Ordering::Relaxed),
        NTX_JOBS.load(Ordering::Relaxed),
    );
    println!(
        "ntx: {n} cycles, {jobs} commands, {stores} stores; rust-hdl {:.2} s, verilator {:.3} s, build {:.1} s (cached: {})",
        r.rust_hdl_seconds, r.verilator_seconds, r.build.seconds, r.build.cached
    );
    assert!(
        stores > n / 100,
        "the NTX must actually compute and store ({stores} stores)"
    );
}
