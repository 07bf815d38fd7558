//! DMA `clear` in the middle of a transfer, with external read responses
//! still outstanding in the HMC vault (issue 17, harsher stress): after the
//! clear the DMA reads idle, makes no access, what the aborted transfer
//! wrote is a prefix (in order) of its writes, and the next transfer,
//! started at once while the stale responses still arrive, equals the
//! model.
//!
//! Run: `cargo test --release -p ntx-verif --test dma_clear`
//! (`NTX_DMA_CLEAR_SEED`).

use ntx_hw::dma::Dma;
use ntx_hw::params::cluster::TCDM_BASE;
use ntx_hw::params::dma::regs;
use ntx_verif::model::dma::{execute, validate, Descriptor, DmaLimits};
use ntx_verif::model::hmc::{ExtReq, HmcConfig, HmcVault};
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

struct Tb {
    uut: Box<Dma<8>>,
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
        let mut rng = StdRng::seed_from_u64(seed);
        let mut uut: Box<Dma<8>> = Box::new(Dma::new(TCDM_BYTES, EXT_BYTES));
        uut.connect_all();
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
        tb.uut.clear.next = true;
        tb.cycle(None);
        tb.uut.clear.next = false;
        tb
    }

    /// One cycle; `reg` = (offset, write, value) on the register port.
    /// Returns the register read data of the previous cycle's read.
    fn cycle(&mut self, reg: Option<(u32, bool, u32)>) -> u32 {
        let u = &mut self.uut;
        u.reg_req.next = reg.is_some();
        let (off, we, v) = reg.unwrap_or((0, false, 0));
        u.reg_we.next = we;
        u.reg_addr.next = (off as u64).into();
        u.reg_wdata.next = (v as u64).into();
        let ext = self.vault.outputs();
        u.ext_gnt.next = ext.gnt;
        u.ext_rvalid.next = ext.rvalid;
        u.ext_rdata.next = (ext.rdata as u64).into();
        let tgnt = self.rng.gen_bool(0.7);
        u.tcdm_gnt.next = tgnt;
        u.tcdm_rvalid.next = self.pending.is_some();
        u.tcdm_rdata.next = (self.pending.unwrap_or(0xdead_beef) as u64).into();
        assert!(simulate(&mut **u, 1000));
        self.pending = None;
        if u.tcdm_req.val() && tgnt {
            self.accesses += 1;
            let w = ((u.tcdm_addr.val().to_u32() - TCDM_BASE) / 4) as usize;
            if u.tcdm_we.val() {
                self.tcdm[w] = u.tcdm_wdata.val().to_u32();
                self.writes.push((false, w, self.tcdm[w]));
            } else {
                self.pending = Some(self.tcdm[w]);
            }
        }
        let ereq = u.ext_req.val().then(|| ExtReq {
            addr: u.ext_addr.val().to_u32(),
            we: u.ext_we.val(),
            wdata: u.ext_wdata.val().to_u32(),
        });
        if let (Some(r), true) = (ereq, ext.gnt) {
            self.accesses += 1;
            if r.we {
                self.writes.push((true, (r.addr / 4) as usize, r.wdata));
            }
        }
        self.vault.edge(ereq);
        u.clock.next = Clock { clk: true };
        assert!(simulate(&mut **u, 1000));
        u.clock.next = Clock { clk: false };
        assert!(simulate(&mut **u, 1000));
        u.reg_rdata.val().to_u32()
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
        tb.uut.clear.next = true;
        tb.cycle(None);
        tb.uut.clear.next = false;
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
