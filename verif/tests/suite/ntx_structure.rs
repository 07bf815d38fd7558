//! Structure of the NTX RTL: its Verilog composed with a block that grants
//! a request combinationally (as the interconnect does) lints clean, with
//! no UNOPTFLAT from the NTX side (no always block of the NTX reads a
//! grant-derived signal and drives a signal in the request's cone).

use ntx_hw::bus::{RegSlave, TcdmMaster};
use ntx_hw::ntx::Ntx;
use ntx_hw::params::*;
use ntx_hw::tcdm::Tcdm;
use rust_hdl::prelude::*;

/// A TCDM slave that grants a request in the same cycle when `allow` is
/// set (gnt = req & allow) and answers reads one cycle later.
#[derive(LogicBlock, Default)]
pub struct GrantStub {
    pub clock: Signal<In, Clock>,
    pub allow: Signal<In, Bit>,
    pub req: Signal<In, Bit>,
    pub addr: Signal<In, Bits<ADDR_WIDTH>>,
    pub gnt: Signal<Out, Bit>,
    pub r_valid: Signal<Out, Bit>,
    pub r_rdata: Signal<Out, Bits<DATA_WIDTH>>,
    rv: DFF<Bit>,
    rd: DFF<Bits<DATA_WIDTH>>,
}

impl Logic for GrantStub {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, rv, rd);
        self.gnt.next = self.req.val() & self.allow.val();
        self.rv.d.next = self.req.val() & self.allow.val();
        self.rd.d.next = self.addr.val();
        self.r_valid.next = self.rv.q.val();
        self.r_rdata.next = self.rd.q.val();
    }
}

/// One NTX whose two ports are granted by [`GrantStub`]s.
#[derive(LogicBlock, Default)]
pub struct NtxGrantTop {
    pub clock: Signal<In, Clock>,
    pub allow0: Signal<In, Bit>,
    pub allow1: Signal<In, Bit>,
    pub regs: RegSlave<REG_ADDR_WIDTH>,
    pub irq: Signal<Out, Bit>,
    pub err: Signal<Out, Bit>,
    pub wdata: Signal<Out, Bits<DATA_WIDTH>>,
    pub be: Signal<Out, Bits<BE_WIDTH>>,
    pub we: Signal<Out, Bits<2>>,
    pub urgent: Signal<Out, Bits<2>>,
    pub prio: Signal<Out, Bits<2>>,
    pub ntx: Ntx,
    pub s0: GrantStub,
    pub s1: GrantStub,
}

impl Logic for NtxGrantTop {
    #[hdl_gen]
    fn update(&mut self) {
        clock!(self, clock, ntx, s0, s1);
        self.s0.allow.next = self.allow0.val();
        self.s1.allow.next = self.allow1.val();
        RegSlave::<REG_ADDR_WIDTH>::link(&mut self.regs, &mut self.ntx.regs);
        self.irq.next = self.ntx.irq.val();
        self.err.next = self.ntx.err.val();
        self.s0.req.next = self.ntx.tcdm[0].req.val();
        self.s0.addr.next = self.ntx.tcdm[0].addr.val();
        self.ntx.tcdm[0].gnt.next = self.s0.gnt.val();
        self.ntx.tcdm[0].r_valid.next = self.s0.r_valid.val();
        self.ntx.tcdm[0].r_rdata.next = self.s0.r_rdata.val();
        self.s1.req.next = self.ntx.tcdm[1].req.val();
        self.s1.addr.next = self.ntx.tcdm[1].addr.val();
        self.ntx.tcdm[1].gnt.next = self.s1.gnt.val();
        self.ntx.tcdm[1].r_valid.next = self.s1.r_valid.val();
        self.ntx.tcdm[1].r_rdata.next = self.s1.r_rdata.val();
        self.wdata.next = self.ntx.tcdm[0].wdata.val() ^ self.ntx.tcdm[1].wdata.val();
        self.be.next = self.ntx.tcdm[0].be.val() ^ self.ntx.tcdm[1].be.val();
        self.we.next = bits::<2>(0)
            .replace_bit(0, self.ntx.tcdm[0].we.val())
            .replace_bit(1, self.ntx.tcdm[1].we.val());
        self.urgent.next = bits::<2>(0)
            .replace_bit(0, self.ntx.tcdm[0].urgent.val())
            .replace_bit(1, self.ntx.tcdm[1].urgent.val());
        self.prio.next = self.ntx.tcdm_prio.val();
    }
}

/// One NTX on the real interconnect (2 masters, 2 banks of 16 words).
#[derive(LogicBlock, Default)]
pub struct NtxTcdmTop {
    pub clock: Signal<In, Clock>,
    pub regs: RegSlave<REG_ADDR_WIDTH>,
    pub irq: Signal<Out, Bit>,
    pub err: Signal<Out, Bit>,
    pub ntx: Ntx,
    pub tcdm: Tcdm<2, 2, 4>,
}

impl Logic for NtxTcdmTop {
    #[hdl_gen]
    fn update(&mut self) {
        clock!(self, clock, ntx, tcdm);
        self.tcdm.clear.next = false;
        RegSlave::<REG_ADDR_WIDTH>::link(&mut self.regs, &mut self.ntx.regs);
        self.irq.next = self.ntx.irq.val();
        // the NTX's FIFO checks and the interconnect's one-access check
        self.err.next = self.ntx.err.val() | self.tcdm.err.val();
        for k in 0..2 {
            self.tcdm.m_level[k].next = self.ntx.tcdm_prio.val();
        }
        TcdmMaster::join(&mut self.ntx.tcdm[0], &mut self.tcdm.m[0]);
        TcdmMaster::join(&mut self.ntx.tcdm[1], &mut self.tcdm.m[1]);
    }
}

/// Verilator's messages (warnings and errors) for `verilog` (top `name`).
fn lint_messages(name: &str, verilog: &str) -> Vec<String> {
    use ntx_verif::flow::*;
    let path = write_verilog(&flow_dir(), name, verilog).unwrap();
    match verilator_lint(&path, name) {
        Ok(_) => vec![],
        Err(e) => {
            e.0.lines()
                .filter(|l| l.starts_with("%Warning-") || l.starts_with("%Error"))
                .map(str::to_string)
                .collect()
        }
    }
}

fn verilog_of<U: Block + Default + 'static>() -> String {
    ntx_verif::cluster_tb::big_stack(|| {
        let mut uut: Box<U> = Box::default();
        uut.connect_all();
        generate_verilog(&*uut)
    })
}

#[test]
fn ntx_with_combinational_grant_has_no_unoptflat() {
    let msgs = lint_messages("ntx_grant_top", &verilog_of::<NtxGrantTop>());
    assert!(msgs.is_empty(), "Verilator lint:\n{}", msgs.join("\n"));
}

#[test]
fn ntx_with_interconnect_lint() {
    let msgs = lint_messages("ntx_tcdm_top", &verilog_of::<NtxTcdmTop>());
    for m in &msgs {
        println!("{m}");
    }
    // UNOPTFLAT loops through the NTX would name one of its signals (the
    // interconnect's own always block may still be reported).
    let ntx: Vec<_> = msgs
        .iter()
        .filter(|m| !m.starts_with("%Warning-UNOPTFLAT") || m.contains(".ntx."))
        .collect();
    assert!(ntx.is_empty(), "Verilator lint:\n{}", msgs.join("\n"));
}

// ---------------------------------------------------------------------
// FIFO checks in simulation: no NTX FIFO is pushed while full (without a
// pop) or popped while empty. The FIFOs ignore such a push / pop (data
// would be lost or invented), so a testbench monitor checks the settled
// handshake of every FIFO before each clock edge.

/// A push into a full FIFO without a pop, or a pop of an empty one.
fn fifo_violation(name: &str, push: bool, pop: bool, full: bool, valid: bool) -> Option<String> {
    if push && full && !pop {
        Some(format!("{name}: push while full"))
    } else if pop && !valid {
        Some(format!("{name}: pop while empty"))
    } else {
        None
    }
}

/// Every NTX FIFO's handshake violations this cycle.
fn ntx_fifo_violations(u: &Ntx) -> Vec<String> {
    let wq_full = u.wq.count.val().to_u32() as usize >= ntx_hw::ntx::WQ_DEPTH;
    [
        fifo_violation(
            "q0",
            u.q0.push.val(),
            u.q0.pop.val(),
            u.q0.full.val(),
            u.q0.valid.val(),
        ),
        fifo_violation(
            "q1",
            u.q1.push.val(),
            u.q1.pop.val(),
            u.q1.full.val(),
            u.q1.valid.val(),
        ),
        fifo_violation(
            "rf0",
            u.rf0.push.val(),
            u.rf0.pop.val(),
            u.rf0.full.val(),
            u.rf0.valid.val(),
        ),
        fifo_violation(
            "rf1",
            u.rf1.push.val(),
            u.rf1.pop.val(),
            u.rf1.full.val(),
            u.rf1.valid.val(),
        ),
        fifo_violation(
            "ef",
            u.ef.push.val(),
            u.ef.pop.val(),
            u.ef.full.val(),
            u.ef.valid.val(),
        ),
        fifo_violation(
            "wq",
            u.wq.push.val(),
            u.wq.pop.val(),
            wq_full,
            u.wq.valid.val(),
        ),
        fifo_violation(
            "sb",
            u.sb.push.val(),
            u.sb.pop.val(),
            u.sb.full.val(),
            u.sb.valid.val(),
        ),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The rust-hdl NTX with a TCDM model (random grant stalls, read data one
/// cycle after the grant) and the FIFO monitor.
struct MonitoredNtx {
    u: Box<Ntx>,
    mem: ntx_verif::model::mem::Tcdm,
    resp: [Option<u32>; 2],
    stall: f64,
    rng: rand::rngs::StdRng,
    violations: Vec<(u64, String)>,
    cycle: u64,
}

impl MonitoredNtx {
    fn new(mem: ntx_verif::model::mem::Tcdm, stall: f64, seed: u64) -> Self {
        use rand::SeedableRng;
        let mut u = Box::new(Ntx::default());
        u.connect_all();
        let mut tb = Self {
            u,
            mem,
            resp: [None, None],
            stall,
            rng: rand::rngs::StdRng::seed_from_u64(seed),
            violations: vec![],
            cycle: 0,
        };
        tb.write_reg(regs::CTRL, 1); // soft clear
        tb
    }

    fn settle(&mut self) {
        assert!(simulate(&mut *self.u, 1000), "NTX did not settle");
    }

    /// One cycle; returns whether the register request (if any) was granted.
    fn tick(&mut self) -> bool {
        use rand::Rng;
        let u = &mut self.u;
        for (k, r) in self.resp.iter().enumerate() {
            u.tcdm[k].r_valid.next = r.is_some();
            u.tcdm[k].r_rdata.next = (r.unwrap_or(0) as u64).into();
            u.tcdm[k].gnt.next = self.rng.gen::<f64>() >= self.stall;
        }
        self.settle();
        let u = &self.u;
        for v in ntx_fifo_violations(u) {
            self.violations.push((self.cycle, v));
        }
        if u.err.val() {
            self.violations
                .push((self.cycle, "the NTX's err output (FIFO check)".into()));
        }
        let reg_gnt = u.regs.req.val() && u.regs.gnt.val();
        let req = u.tcdm.each_ref().map(|t| {
            (
                t.req.val() && t.gnt.val(),
                t.we.val(),
                t.addr.val().to_u32(),
                t.wdata.val().to_u32(),
            )
        });
        self.resp = [None, None];
        for (p, &(go, we, addr, _)) in req.iter().enumerate() {
            if go && !we {
                self.resp[p] = Some(self.mem.read(addr >> 2));
            }
        }
        for &(go, we, addr, data) in &req {
            if go && we {
                self.mem.write(addr >> 2, data);
            }
        }
        self.u.clock.next = Clock { clk: true };
        self.settle();
        self.u.clock.next = Clock { clk: false };
        self.settle();
        self.cycle += 1;
        reg_gnt
    }

    fn write_reg(&mut self, word: u32, value: u32) {
        let r = &mut self.u.regs;
        r.req.next = true;
        r.we.next = true;
        r.addr.next = (word as u64).into();
        r.wdata.next = (value as u64).into();
        let mut n = 0;
        while !self.tick() {
            n += 1;
            assert!(n < 1_000_000, "register write never granted");
        }
        self.u.regs.req.next = false;
        self.u.regs.we.next = false;
    }

    /// Program `job`, start it and run until the NTX is idle.
    fn run(&mut self, job: &ntx_verif::model::job::Job) {
        for (w, v) in job.staging_writes() {
            self.write_reg(w, v);
        }
        self.write_reg(regs::CMD, job.cmd);
        let mut n = 0;
        loop {
            self.tick();
            let u = &self.u;
            let idle = !u.regif.committed.val() && !u.act_valid.q.val() && u.regif.pipe_empty.val();
            if idle {
                break;
            }
            n += 1;
            assert!(n < 10_000_000, "job never finished");
        }
    }
}

/// The FIFOs' own check, driven directly: `err` rises after a push into a
/// full FIFO (without a pop) or a pop of an empty one, stays set, and only
/// `clear` resets it; a push with a pop while full is no error.
#[test]
fn fifo_err_fires_on_overflow_and_underflow() {
    use ntx_hw::ntx::fifo::{Fifo16, RamFifo32, RamFifo32Af};
    use ntx_hw::ntx::scoreboard::{Scoreboard, SB_DEPTH};
    macro_rules! check {
        ($ty:ty, $depth:expr) => {{
            let mut u: Box<$ty> = Box::default();
            u.connect_all();
            let mut step = |push: bool, pop: bool, clear: bool| -> bool {
                u.push.next = push;
                u.pop.next = pop;
                u.clear.next = clear;
                u.din.next = 5u64.into();
                assert!(simulate(&mut *u, 100));
                u.clock.next = Clock { clk: true };
                assert!(simulate(&mut *u, 100));
                u.clock.next = Clock { clk: false };
                assert!(simulate(&mut *u, 100));
                u.err.val()
            };
            let name = stringify!($ty);
            assert!(!step(false, false, true), "{name}: after clear");
            for _ in 0..$depth {
                assert!(!step(true, false, false), "{name}: filling");
            }
            assert!(!step(true, true, false), "{name}: push and pop while full");
            assert!(step(true, false, false), "{name}: push into a full FIFO");
            assert!(step(false, false, false), "{name}: err is sticky");
            assert!(!step(false, false, true), "{name}: clear resets err");
            assert!(step(false, true, false), "{name}: pop of an empty FIFO");
            assert!(!step(false, false, true), "{name}: clear resets err");
        }};
    }
    check!(Fifo16<Bits<8>>, 16);
    check!(RamFifo32<Bits<8>>, 32);
    check!(RamFifo32Af<Bits<8>>, 32);
    check!(Scoreboard, SB_DEPTH);
}

#[test]
fn fifo_monitor_flags_a_full_push() {
    assert!(fifo_violation("x", true, false, true, true).is_some());
    assert!(fifo_violation("x", true, true, true, true).is_none());
    assert!(fifo_violation("x", false, true, false, false).is_some());
    assert!(fifo_violation("x", true, false, false, true).is_none());
}

#[test]
fn ntx_fifos_never_overflow_or_underflow() {
    use ntx_verif::{cases::diff_mem, jobfile};
    let dir = ntx_verif::cases::shipped_ref_cases();
    let cases = jobfile::find_cases(&dir).expect("reference cases");
    assert!(!cases.is_empty());
    // every case with an always-granting memory, every fourth also with
    // 30 % grant stalls (fills the read data FIFOs and the write queue)
    for (k, case) in cases.iter().enumerate() {
        let job = jobfile::read_job(&case.job).unwrap();
        let ini = jobfile::read_mem(&case.ini, 512 * 1024, 0x5555_5555).unwrap();
        let exp = jobfile::read_mem(&case.exp, 512 * 1024, 0x5555_5555).unwrap();
        let stalls: &[f64] = if k % 4 == 0 { &[0.0, 0.3] } else { &[0.0] };
        for &stall in stalls {
            let mut tb = MonitoredNtx::new(ini.clone(), stall, k as u64);
            tb.run(&job);
            assert!(
                tb.violations.is_empty(),
                "case {} stall {stall}: {:?}",
                case.id,
                &tb.violations[..tb.violations.len().min(5)]
            );
            assert!(
                diff_mem(&tb.mem, &exp).is_empty(),
                "case {} stall {stall}: memory",
                case.id
            );
        }
    }
}
