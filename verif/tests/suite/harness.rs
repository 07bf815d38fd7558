//! The one bus harness (`ntx_verif::pins::BusHarness`):
//! - its protocol checker catches injected violations on both sides of the
//!   TCDM port (a pin wrapper that drops, delays, invents or corrupts read
//!   responses, or a master that withdraws or changes an ungranted request)
//!   and reports them as errors of the run, not as a silent pass;
//! - its two pin implementations (the rust-hdl `Ntx` driven through its
//!   fields, `--backend rtl`, and the Verilator model through port indices,
//!   `--backend verilator`) give identical cycle counts and memories on the
//!   reference cases, always granting and under seeded grant stalls.

use ntx_hw::ntx::Ntx;
use ntx_verif::backend::{run_job, Backend, RunLimits};
use ntx_verif::cases::{diff_mem, shipped_ref_cases};
use ntx_verif::jobfile;
use ntx_verif::model::job::Job;
use ntx_verif::model::mem::Tcdm;
use ntx_verif::pins::{stall_grants, BusChecker, BusHarness, NtxBus, TcdmPort};
use ntx_verif::rtl::RtlBackend;
use rust_hdl::prelude::*;

const MEM: usize = 512 * 1024;
const FILL: u32 = 0x5555_5555;

/// A protocol fault injected between the harness and the NTX.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Fault {
    /// None: the wrapper is transparent.
    None,
    /// The 20th read response reaches the NTX without r_valid.
    DropRValid,
    /// Every read response reaches the NTX one cycle late.
    LateResponse,
    /// r_valid raised in a cycle without a granted read (once).
    SpuriousRValid,
    /// One bit of the 20th read response flipped.
    CorruptData,
    /// The master moves an ungranted request to the next word before gnt.
    ChangeHeldAddress,
    /// The master drops its request in the cycle it would be granted after
    /// a stall.
    WithdrawRequest,
    /// The NTX's FIFO check output reads 1 from the 20th read response on.
    FifoErr,
}

/// The rust-hdl NTX behind a wrapper that injects `fault` once armed.
struct Faulty {
    inner: Box<Ntx>,
    fault: Fault,
    armed: bool,
    responses: u32,
    delayed: [(bool, u32); 2],
    stalled: [bool; 2],
    spurious_done: bool,
}

impl Faulty {
    fn new(fault: Fault) -> Box<Self> {
        let mut inner = Box::<Ntx>::default();
        inner.connect_all();
        Box::new(Faulty {
            inner,
            fault,
            armed: false,
            responses: 0,
            delayed: [(false, 0); 2],
            stalled: [false; 2],
            spurious_done: false,
        })
    }
}

impl NtxBus for Faulty {
    fn drive_tcdm(&mut self, k: usize, gnt: bool, mut r_valid: bool, mut r_rdata: u32) {
        if self.armed {
            if r_valid {
                self.responses += 1;
            }
            let nth = r_valid && self.responses == 20;
            match self.fault {
                Fault::DropRValid if nth => r_valid = false,
                Fault::CorruptData if nth => r_rdata ^= 1 << 7,
                Fault::LateResponse => {
                    (r_valid, r_rdata) = std::mem::replace(&mut self.delayed[k], (r_valid, r_rdata))
                }
                Fault::SpuriousRValid if !r_valid && self.responses > 20 && !self.spurious_done => {
                    self.spurious_done = true;
                    r_valid = true;
                }
                _ => {}
            }
        }
        self.inner.drive_tcdm(k, gnt, r_valid, r_rdata)
    }
    fn tcdm(&mut self, k: usize) -> TcdmPort {
        let mut p = self.inner.tcdm(k);
        if self.armed && p.req {
            match self.fault {
                // seen with a different address while stalled
                Fault::ChangeHeldAddress if !p.gnt => p.addr += 4,
                // granted after a stall, but gone
                Fault::WithdrawRequest if p.gnt && self.stalled[k] => p.req = false,
                _ => {}
            }
        }
        self.stalled[k] = p.req && !p.gnt;
        p
    }
    fn drive_reg(&mut self, req: bool, we: bool, word: u32, wdata: u32) {
        self.inner.drive_reg(req, we, word, wdata)
    }
    fn reg_gnt(&mut self) -> bool {
        self.inner.reg_gnt()
    }
    fn reg_rdata(&mut self) -> u32 {
        self.inner.reg_rdata()
    }
    fn err(&mut self) -> bool {
        self.inner.err() || (self.armed && self.fault == Fault::FifoErr && self.responses >= 20)
    }
    fn settle(&mut self) {
        NtxBus::settle(self.inner.as_mut())
    }
    fn tick(&mut self) {
        NtxBus::tick(self.inner.as_mut())
    }
}

fn case(id: &str) -> (Job, Tcdm, Tcdm) {
    let dir = shipped_ref_cases();
    let job = jobfile::read_job(&dir.join(format!("job{id}.txt"))).unwrap();
    let ini = jobfile::read_mem(&dir.join(format!("ini{id}.txt")), MEM, FILL).unwrap();
    let exp = jobfile::read_mem(&dir.join(format!("exp{id}.txt")), MEM, FILL).unwrap();
    (job, ini, exp)
}

/// Run reference case 0000 (a MAC job) through the fault wrapper with 30 %
/// grant stalls; the run's result, cycles and final memory.
fn run_faulty(fault: Fault) -> (Result<u64, String>, Tcdm) {
    let (job, ini, _) = case("0000");
    let mut h = BusHarness::with_bus(Faulty::new(fault), ini.clone(), "faulty").unwrap();
    h.set_grant(stall_grants([0.3, 0.3], 5));
    h.uut.armed = true;
    let r = run_job(&mut h, &job, &ini, &RunLimits::default())
        .map(|r| r.cycles.unwrap())
        .map_err(|e| e.0);
    (r, h.read_mem())
}

#[test]
fn the_transparent_wrapper_passes_and_counts_the_rtl_backends_cycles() {
    let (job, ini, exp) = case("0000");
    let (r, mem) = run_faulty(Fault::None);
    let cycles = r.unwrap();
    assert!(diff_mem(&mem, &exp).is_empty());
    let mut be = RtlBackend::with_stalls(ini.clone(), [0.3, 0.3], 5);
    let rep = run_job(&mut be, &job, &ini, &RunLimits::default()).unwrap();
    assert_eq!(rep.cycles, Some(cycles));
    assert!(be.violation().is_none());
}

#[test]
fn injected_protocol_violations_are_reported() {
    for (fault, want) in [
        (Fault::DropRValid, "got no r_valid"),
        (Fault::LateResponse, "got no r_valid"),
        (Fault::SpuriousRValid, "without a read granted"),
        (Fault::CorruptData, "r_rdata"),
        (Fault::ChangeHeldAddress, "changed its ungranted"),
        (Fault::WithdrawRequest, "withdrew its"),
    ] {
        let (r, _) = run_faulty(fault);
        match r {
            Ok(c) => {
                panic!("{fault:?}: the run passed ({c} cycles) although the protocol was broken")
            }
            Err(e) => {
                println!("{fault:?}: {e}");
                assert!(e.contains(want), "{fault:?}: unexpected error {e:?}");
                assert!(e.contains("TCDM port"), "{fault:?}: {e:?}");
            }
        }
    }
}

/// A raised FIFO check (`err`) stops the run with an error that says so.
#[test]
fn a_fired_fifo_check_is_reported() {
    let (r, _) = run_faulty(Fault::FifoErr);
    let e = r.expect_err("the run passed although the NTX's FIFO check fired");
    println!("{e}");
    assert!(e.contains("FIFO check (err) fired"), "{e}");
}

fn port(req: bool, addr: u32, we: bool, gnt: bool) -> TcdmPort {
    TcdmPort {
        req,
        addr,
        we,
        be: 0xF,
        wdata: 7,
        gnt,
        ..TcdmPort::default()
    }
}

/// The checker on hand-made cycles: what passes and what does not.
#[test]
fn the_checker_on_hand_made_cycles() {
    let idle = TcdmPort::default();
    let run = |cycles: &[([TcdmPort; 2], [Option<u32>; 2])]| -> Result<(), String> {
        let mut c = BusChecker::default();
        for (i, (p, e)) in cycles.iter().enumerate() {
            c.check(i as u64, p, *e)?;
        }
        Ok(())
    };
    let stalled = port(true, 0x40, false, false);
    let granted = port(true, 0x40, false, true);
    let mut answer = idle;
    answer.r_valid = true;
    answer.r_rdata = 9;
    // a held request, granted, answered in the next cycle: fine
    run(&[
        ([stalled, idle], [None; 2]),
        ([granted, idle], [None; 2]),
        ([answer, idle], [Some(9), None]),
    ])
    .unwrap();
    // grants without a request are no violation (an idle port may be granted)
    run(&[([port(false, 0, false, true), idle], [None; 2]); 3]).unwrap();
    // the held request moves
    let e = run(&[
        ([stalled, idle], [None; 2]),
        ([port(true, 0x44, false, true), idle], [None; 2]),
    ])
    .unwrap_err();
    assert!(e.contains("changed its ungranted read request"), "{e}");
    // a held write changes its data
    let mut w = port(true, 0x40, true, false);
    let mut w2 = w;
    w2.wdata = 8;
    w2.gnt = true;
    let e = run(&[([idle, w], [None; 2]), ([idle, w2], [None; 2])]).unwrap_err();
    assert!(e.contains("TCDM port 1") && e.contains("write"), "{e}");
    // withdrawn
    w.req = false;
    let e = run(&[([stalled, idle], [None; 2]), ([w, idle], [None; 2])]).unwrap_err();
    assert!(e.contains("withdrew"), "{e}");
    // after a soft clear, a withdrawn request is fine
    let mut c = BusChecker::default();
    c.check(0, &[stalled, idle], [None; 2]).unwrap();
    c.cleared();
    c.check(1, &[idle, idle], [None; 2]).unwrap();
    // responses: missing, spurious, wrong data
    let e = run(&[([idle, idle], [Some(9), None])]).unwrap_err();
    assert!(e.contains("got no r_valid"), "{e}");
    let e = run(&[([answer, idle], [None; 2])]).unwrap_err();
    assert!(e.contains("without a read granted"), "{e}");
    let e = run(&[([answer, idle], [Some(10), None])]).unwrap_err();
    assert!(
        e.contains("r_rdata 0x00000009") && e.contains("returns 0x0000000a"),
        "{e}"
    );
}

/// The byte enables are honoured: a write with `be` 0b0101 keeps bytes 1
/// and 3 of the word.
#[test]
fn byte_enables_are_honoured() {
    struct OneWrite {
        inner: Box<Ntx>,
        done: bool,
    }
    impl NtxBus for OneWrite {
        fn drive_tcdm(&mut self, k: usize, gnt: bool, v: bool, d: u32) {
            self.inner.drive_tcdm(k, gnt, v, d)
        }
        fn tcdm(&mut self, k: usize) -> TcdmPort {
            // port 1 of this NTX writes 0xAABBCCDD with be 0b0101 once
            if k == 1 && !self.done {
                self.done = true;
                let mut p = port(true, 0x10, true, true);
                (p.be, p.wdata) = (0b0101, 0xAABB_CCDD);
                return p;
            }
            self.inner.tcdm(k)
        }
        fn drive_reg(&mut self, req: bool, we: bool, word: u32, wdata: u32) {
            self.inner.drive_reg(req, we, word, wdata)
        }
        fn reg_gnt(&mut self) -> bool {
            self.inner.reg_gnt()
        }
        fn reg_rdata(&mut self) -> u32 {
            self.inner.reg_rdata()
        }
        fn err(&mut self) -> bool {
            self.inner.err()
        }
        fn settle(&mut self) {
            NtxBus::settle(self.inner.as_mut())
        }
        fn tick(&mut self) {
            NtxBus::tick(self.inner.as_mut())
        }
    }
    let mut inner = Box::<Ntx>::default();
    inner.connect_all();
    let mut mem = Tcdm::new(64, 0);
    mem.write(4, 0x1122_3344);
    let bus = Box::new(OneWrite { inner, done: true });
    let mut h = BusHarness::with_bus(bus, mem, "be").unwrap();
    h.uut.done = false;
    h.step(1);
    assert_eq!(h.read_mem().words()[4], 0x11BB_33DD);
    assert!(h.violation().is_none());
}

/// Both pin implementations on every reference case up to 1000 steps,
/// always granting and under seeded 40 % grant stalls: the expected
/// memory, and identical cycles and memories.
#[test]
fn direct_and_verilator_pins_agree_on_the_reference_cases() {
    let cases = jobfile::find_cases(&shipped_ref_cases()).expect("reference cases");
    assert!(
        !cases.is_empty(),
        "no reference cases in {}",
        shipped_ref_cases().display()
    );
    let mut compared = 0usize;
    for c in &cases {
        let (job, ini, exp) = case(&c.id);
        if job.steps() > 1000 {
            continue;
        }
        for (p, seed) in [(0.0, 1), (0.4, 17 + compared as u64)] {
            let run = |be: &mut dyn Backend| {
                let rep = run_job(be, &job, &ini, &RunLimits::default())
                    .unwrap_or_else(|e| panic!("case {} on {}: {e}", c.id, be.name()));
                (rep.cycles.unwrap(), rep.mem)
            };
            let mut rtl = RtlBackend::with_stalls(ini.clone(), [p, p], seed);
            let mut vl = ntx_verif::verilator::backend::create(ini.clone()).unwrap();
            vl.set_grant(stall_grants([p, p], seed));
            let a = run(&mut rtl);
            let b = run(&mut vl);
            assert!(
                diff_mem(&a.1, &exp).is_empty(),
                "case {} (stall {p}): rtl differs from the expected memory",
                c.id
            );
            assert_eq!(
                a.0, b.0,
                "case {} (stall {p}): cycles rtl vs verilator",
                c.id
            );
            assert!(
                a.1 == b.1,
                "case {} (stall {p}): memories rtl vs verilator differ: {:?}",
                c.id,
                &diff_mem(&b.1, &a.1)[..diff_mem(&b.1, &a.1).len().min(5)]
            );
        }
        compared += 1;
    }
    println!("{compared} of {} reference cases compared", cases.len());
    assert!(
        compared >= cases.len() / 2,
        "only {compared} cases compared"
    );
}
