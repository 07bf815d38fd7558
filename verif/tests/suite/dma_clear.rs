//! DMA `clear` in the middle of a transfer, with external read responses
//! still outstanding in the HMC vault (issue 17, harsher stress): after the
//! clear the DMA reads idle, makes no access, what the aborted transfer
//! wrote is a prefix (in order) of its writes, and the next transfer,
//! started at once while the stale responses still arrive, equals the
//! model.
//!
//! Run: `cargo test --release -p ntx-verif --test suite dma_clear::`
//! (`NTX_DMA_CLEAR_SEED`).

use ntx_hw::dma::Dma;
use ntx_hw::params::cluster::TCDM_BASE;
use ntx_hw::params::dma::regs;
use ntx_verif::model::dma::{execute, validate, Descriptor, DmaLimits};
use ntx_verif::model::hmc::{ExtReq, HmcConfig, HmcVault};
use ntx_verif::verilator::VerilatedModel;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rust_hdl::prelude::*;

const TCDM_BYTES: u32 = 4096;
const EXT_BYTES: u32 = 1 << 16;
const LIM: DmaLimits = DmaLimits {
    tcdm_base: TCDM_BASE,
    tcdm_bytes: TCDM_BYTES,
    ext_bytes: EXT_BYTES,
};

/// The DMA's pins, on rust-hdl or Verilator.
trait DmaPins {
    fn set(&mut self, port: &str, v: u64);
    fn get(&mut self, port: &str) -> u64;
    /// Settle the combinational logic after input changes.
    fn settle(&mut self);
    /// One clock edge (high, then low).
    fn tick(&mut self);
}

impl DmaPins for Box<Dma<8>> {
    fn set(&mut self, port: &str, v: u64) {
        match port {
            "clear" => self.clear.next = v != 0,
            "reg_req" => self.regs.req.next = v != 0,
            "reg_we" => self.regs.we.next = v != 0,
            "reg_addr" => self.regs.addr.next = v.into(),
            "reg_wdata" => self.regs.wdata.next = v.into(),
            "ext_gnt" => self.ext.gnt.next = v != 0,
            "ext_rvalid" => self.ext.rvalid.next = v != 0,
            "ext_rdata" => self.ext.rdata.next = v.into(),
            "tcdm_gnt" => self.tcdm.gnt.next = v != 0,
            "tcdm_rvalid" => self.tcdm.r_valid.next = v != 0,
            "tcdm_rdata" => self.tcdm.r_rdata.next = v.into(),
            p => panic!("no input {p}"),
        }
    }
    fn get(&mut self, port: &str) -> u64 {
        match port {
            "tcdm_req" => self.tcdm.req.val() as u64,
            "tcdm_addr" => self.tcdm.addr.val().to_u64(),
            "tcdm_we" => self.tcdm.we.val() as u64,
            "tcdm_wdata" => self.tcdm.wdata.val().to_u64(),
            "ext_req" => self.ext.req.val() as u64,
            "ext_addr" => self.ext.addr.val().to_u64(),
            "ext_we" => self.ext.we.val() as u64,
            "ext_wdata" => self.ext.wdata.val().to_u64(),
            "reg_rdata" => self.regs.rdata.val().to_u64(),
            p => panic!("no output {p}"),
        }
    }
    fn settle(&mut self) {
        assert!(simulate(&mut **self, 1000));
    }
    fn tick(&mut self) {
        self.clock.next = Clock { clk: true };
        assert!(simulate(&mut **self, 1000));
        self.clock.next = Clock { clk: false };
        assert!(simulate(&mut **self, 1000));
    }
}

/// Verilog name of a pin named as in [`DmaPins`] (`reg_req` is field `req`
/// of the `regs` bundle: `regs$req`; TCDM responses are `r_valid`/`r_rdata`).
fn verilog_name(port: &str) -> String {
    use ntx_hw::bus::{port_name, EXT_FIELDS, REG_FIELDS, TCDM_FIELDS};
    let bundle = |b: &str, fields: &[&str], f: &str| {
        assert!(fields.contains(&f), "{port}: no field {f}");
        port_name(b, f)
    };
    match port.split_once('_') {
        Some(("reg", f)) => bundle("regs", &REG_FIELDS, f),
        Some(("ext", f)) => bundle("ext", &EXT_FIELDS, f),
        Some(("tcdm", "rvalid")) => bundle("tcdm", &TCDM_FIELDS, "r_valid"),
        Some(("tcdm", "rdata")) => bundle("tcdm", &TCDM_FIELDS, "r_rdata"),
        Some(("tcdm", f)) => bundle("tcdm", &TCDM_FIELDS, f),
        _ => port.to_string(),
    }
}

impl DmaPins for VerilatedModel {
    fn set(&mut self, port: &str, v: u64) {
        VerilatedModel::set(self, &verilog_name(port), v)
    }
    fn get(&mut self, port: &str) -> u64 {
        VerilatedModel::get(self, &verilog_name(port))
    }
    fn settle(&mut self) {
        self.eval()
    }
    fn tick(&mut self) {
        VerilatedModel::tick(self)
    }
}

struct Tb<P: DmaPins = Box<Dma<8>>> {
    uut: P,
    vault: HmcVault,
    tcdm: Vec<u32>,
    pending: Option<u32>,
    rng: StdRng,
    /// Writes into the destination memories, in order: (external?, word, value).
    writes: Vec<(bool, usize, u32)>,
    accesses: u64,
}

impl Tb {
    fn new(seed: u64, cfg: HmcConfig) -> Self {
        let mut uut: Box<Dma<8>> = Box::new(Dma::new(TCDM_BYTES, EXT_BYTES));
        uut.connect_all();
        Tb::with(uut, seed, cfg)
    }
}

impl<P: DmaPins> Tb<P> {
    /// `uut` after a power-on reset (`clear` held two cycles), random
    /// memories.
    fn with(uut: P, seed: u64, cfg: HmcConfig) -> Self {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut vault = HmcVault::new(cfg, EXT_BYTES as usize, seed ^ 0x77);
        vault.mem.iter_mut().for_each(|w| *w = rng.gen());
        let tcdm = (0..TCDM_BYTES / 4).map(|_| rng.gen()).collect();
        let mut tb = Tb {
            uut,
            vault,
            tcdm,
            pending: None,
            rng,
            writes: Vec::new(),
            accesses: 0,
        };
        tb.set_clear(true);
        tb.cycle(None);
        tb.cycle(None);
        tb.set_clear(false);
        tb
    }

    fn set_clear(&mut self, on: bool) {
        self.uut.set("clear", on as u64);
    }

    /// One cycle; `reg` = (offset, write, value) on the register port.
    /// Returns the register read data of the previous cycle's read.
    fn cycle(&mut self, reg: Option<(u32, bool, u32)>) -> u32 {
        let u = &mut self.uut;
        u.set("reg_req", reg.is_some() as u64);
        let (off, we, v) = reg.unwrap_or((0, false, 0));
        u.set("reg_we", we as u64);
        u.set("reg_addr", off as u64);
        u.set("reg_wdata", v as u64);
        let ext = self.vault.outputs();
        u.set("ext_gnt", ext.gnt as u64);
        u.set("ext_rvalid", ext.rvalid as u64);
        u.set("ext_rdata", ext.rdata as u64);
        let tgnt = self.rng.gen_bool(0.7);
        u.set("tcdm_gnt", tgnt as u64);
        u.set("tcdm_rvalid", self.pending.is_some() as u64);
        u.set("tcdm_rdata", self.pending.unwrap_or(0xdead_beef) as u64);
        u.settle();
        self.pending = None;
        if u.get("tcdm_req") != 0 && tgnt {
            self.accesses += 1;
            let w = ((u.get("tcdm_addr") as u32 - TCDM_BASE) / 4) as usize;
            if u.get("tcdm_we") != 0 {
                self.tcdm[w] = u.get("tcdm_wdata") as u32;
                self.writes.push((false, w, self.tcdm[w]));
            } else {
                self.pending = Some(self.tcdm[w]);
            }
        }
        let ereq = (u.get("ext_req") != 0).then(|| ExtReq {
            addr: u.get("ext_addr") as u32,
            we: u.get("ext_we") != 0,
            wdata: u.get("ext_wdata") as u32,
        });
        if let (Some(r), true) = (ereq, ext.gnt) {
            self.accesses += 1;
            if r.we {
                self.writes.push((true, (r.addr / 4) as usize, r.wdata));
            }
        }
        self.vault.edge(ereq);
        u.tick();
        u.get("reg_rdata") as u32
    }

    fn write(&mut self, off: u32, v: u32) {
        self.cycle(Some((off, true, v)));
    }

    fn status(&mut self) -> u32 {
        self.cycle(Some((regs::STATUS, false, 0)))
    }

    fn start(&mut self, d: &Descriptor) {
        self.write(regs::EXT_ADDR, d.ext_addr);
        self.write(regs::TCDM_ADDR, d.tcdm_addr);
        self.write(regs::ROW_BYTES, d.row_bytes);
        self.write(regs::ROWS, d.rows);
        self.write(regs::EXT_STRIDE, d.ext_stride);
        self.write(regs::TCDM_STRIDE, d.tcdm_stride);
        self.write(regs::CMD, d.to_ext as u32);
    }
}

fn descriptor(rng: &mut StdRng) -> Descriptor {
    let words = rng.gen_range(8..=40u32);
    let rows = rng.gen_range(1..=4u32);
    let d = Descriptor {
        ext_addr: 4 * rng.gen_range(0..1024),
        tcdm_addr: TCDM_BASE + 4 * rng.gen_range(0..(TCDM_BYTES / 4 - words * rows - 8)),
        row_bytes: 4 * words,
        rows,
        ext_stride: 4 * words + 4 * rng.gen_range(0..8),
        tcdm_stride: 4 * words,
        to_ext: rng.gen_bool(0.5),
    };
    assert_eq!(validate(&d, &LIM), Ok(()));
    d
}

#[test]
fn dma_clear_mid_transfer_with_responses_outstanding() {
    let seed0 = std::env::var("NTX_DMA_CLEAR_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5u64);
    let mut outstanding_at_clear = 0;
    for t in 0..40u64 {
        let seed = seed0.wrapping_mul(1000).wrapping_add(t);
        let mut rng = StdRng::seed_from_u64(seed);
        let cfg = HmcConfig {
            latency: rng.gen_range(4..40),
            jitter: rng.gen_range(0..8),
            bytes_per_cycle: 4 * rng.gen_range(1..3),
        };
        let mut tb = Tb::new(seed, cfg);
        let d = descriptor(&mut rng);
        let (tcdm0, ext0) = (tb.tcdm.clone(), tb.vault.mem.clone());
        // The aborted transfer's writes, in order, from the model.
        let (mut mt, mut me) = (tcdm0.clone(), ext0.clone());
        execute(&d, &LIM, &mut mt, &mut me);
        tb.start(&d);
        let k = rng.gen_range(2..(d.row_bytes / 4 * d.rows) as u64 * 2);
        for _ in 0..k {
            tb.cycle(None);
        }
        outstanding_at_clear += tb.vault.outstanding();
        tb.set_clear(true);
        tb.cycle(None);
        tb.set_clear(false);
        let ctx = format!("seed {seed}: {d:?} {cfg:?} clear {k} cycles after CMD");
        // idle, no access afterwards (while stale responses arrive)
        let before = tb.accesses;
        let st = tb.status();
        let st = if st & 1 != 0 { tb.status() } else { st };
        assert_eq!(st & 1, 0, "{ctx}: busy after clear");
        for _ in 0..20 {
            tb.cycle(None);
        }
        assert_eq!(tb.accesses, before, "{ctx}: access after the clear");
        // prefix: every write so far matches the model's value at that
        // word (source and destination are different memories)
        for &(ext, w, v) in &tb.writes {
            let want = if ext { me[w] } else { mt[w] };
            assert_eq!(v, want, "{ctx}: aborted transfer wrote a wrong value");
        }
        // a new transfer right away (the vault may still owe responses)
        let d2 = descriptor(&mut rng);
        let (mut mt2, mut me2) = (tb.tcdm.clone(), tb.vault.mem.clone());
        execute(&d2, &LIM, &mut mt2, &mut me2);
        tb.start(&d2);
        let mut n = 0;
        while tb.status() & 1 != 0 {
            n += 1;
            assert!(n < 20_000, "{ctx}: second transfer {d2:?} hangs");
        }
        assert!(tb.vault.outstanding() == 0 || n > 0);
        assert!(
            tb.tcdm == mt2 && tb.vault.mem == me2,
            "{ctx}: second transfer {d2:?} differs from the model"
        );
    }
    assert!(
        outstanding_at_clear > 20,
        "clears must hit outstanding responses ({outstanding_at_clear})"
    );
}

/// Verilator with random initial state (`+verilator+rand+reset+2`,
/// rust-hdl's simulation-only DFF initial values stripped; five seeds):
/// after a power-on reset (`clear` held two cycles, the DMA's reset
/// convention) the DMA runs random transfers exactly as the model, and
/// makes no access while `clear` is high. Before the reset existed (one
/// `clear` cycle added the aborted transfer's owed responses to a random
/// power-on count) the first transfer hung.
#[test]
fn random_initial_state_is_cleared_on_verilator() {
    let v = ntx_verif::verilator::backend::strip_initial_values(
        &ntx_verif::flow_blocks::verilog("dma").unwrap(),
    );
    assert!(!v.contains("initial begin"));
    let build = |rs: u32| {
        VerilatedModel::build_random_init("dma_rand", &v, &Default::default(), rs).unwrap()
    };
    // the initial state really is random: registered outputs differ
    let outs: Vec<Vec<u64>> = (1..=8u32)
        .map(|rs| {
            let mut m = build(rs);
            m.eval();
            ["irq", "reg_rdata", "tcdm_req", "ext_req"]
                .map(|p| DmaPins::get(&mut m, p))
                .to_vec()
        })
        .collect();
    assert!(
        outs.iter().any(|o| o != &outs[0]),
        "random initial state not applied: {outs:?}"
    );
    for rs in [1u32, 2, 3, 4, 5] {
        let seed = 900 + rs as u64;
        let mut rng = StdRng::seed_from_u64(seed);
        let mut tb = Tb::with(build(rs), seed, HmcConfig::default());
        assert_eq!(
            tb.accesses, 0,
            "random init seed {rs}: access during the reset"
        );
        for k in 0..5 {
            let d = descriptor(&mut rng);
            let (mut mt, mut me) = (tb.tcdm.clone(), tb.vault.mem.clone());
            execute(&d, &LIM, &mut mt, &mut me);
            tb.start(&d);
            let mut n = 0;
            while tb.status() & 1 != 0 {
                n += 1;
                assert!(
                    n < 20_000,
                    "random init seed {rs}, transfer {k} {d:?} hangs"
                );
            }
            assert!(
                tb.tcdm == mt && tb.vault.mem == me,
                "random init seed {rs}, transfer {k} {d:?} differs from the model"
            );
        }
    }
}
