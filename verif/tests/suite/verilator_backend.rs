//! The pin-level NTX harness behind `--backend verilator` (register port,
//! two TCDM ports with grants and one-cycle read data), exercised on a
//! hand-written stand-in NTX that implements a one-element COPY job: the
//! result must equal the golden model's, under any grant pattern.
//!
//! Run: `cargo test --release -p ntx-verif --test suite verilator_backend::`

use ntx_hw::bus::{RegSlave, TcdmMaster, REG_FIELDS, TCDM_FIELDS};
use ntx_hw::params::REG_ADDR_WIDTH;
use ntx_hw::params::{opcode, regs};
use ntx_verif::backend::{run_job, Backend, ModelBackend, RunLimits};
use ntx_verif::cosim::RustHdlDut;
use ntx_verif::model::job::Job;
use ntx_verif::model::mem::Tcdm;
use ntx_verif::pins::{
    drive_ntx, drive_ntx_input, ntx_reg_pin, ntx_tcdm_pin, NtxHarness, NtxPinNames, RustHdlPins,
    R_REQ,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rust_hdl::prelude::*;

/// Stand-in NTX: staging registers, STATUS, CMD starts "C[AGU2] = A[AGU0]"
/// through TCDM port 0 (read) and port 1 (write). Its register grant is
/// withheld every other cycle so that the harness must hold requests.
/// Written with placeholder port names (`reg_<field>`, `tcdm<k>_<field>`),
/// which [`fake_ntx`] replaces by the NTX's Verilog names.
const FAKE_NTX: &str = r#"
module ntx_fake(clock, clear,
  reg_req, reg_we, reg_addr, reg_wdata, reg_gnt, reg_rdata,
  tcdm0_req, tcdm0_addr, tcdm0_we, tcdm0_be, tcdm0_wdata, tcdm0_urgent, tcdm0_gnt, tcdm0_r_valid,
  tcdm0_r_rdata,
  tcdm1_req, tcdm1_addr, tcdm1_we, tcdm1_be, tcdm1_wdata, tcdm1_urgent, tcdm1_gnt, tcdm1_r_valid,
  tcdm1_r_rdata);
  input wire clock;
  input wire clear;
  input wire reg_req;
  input wire reg_we;
  input wire [6:0] reg_addr;
  input wire [31:0] reg_wdata;
  output wire reg_gnt;
  output reg [31:0] reg_rdata;
  output wire tcdm0_req;
  output wire [31:0] tcdm0_addr;
  output wire tcdm0_we;
  output wire [3:0] tcdm0_be;
  output wire [31:0] tcdm0_wdata;
  output wire tcdm0_urgent;
  input wire tcdm0_gnt;
  input wire tcdm0_r_valid;
  input wire [31:0] tcdm0_r_rdata;
  output wire tcdm1_req;
  output wire [31:0] tcdm1_addr;
  output wire tcdm1_we;
  output wire [3:0] tcdm1_be;
  output wire [31:0] tcdm1_wdata;
  output wire tcdm1_urgent;
  input wire tcdm1_gnt;
  input wire tcdm1_r_valid;
  input wire [31:0] tcdm1_r_rdata;
  reg [31:0] regs [0:31];
  reg [1:0] state;
  reg toggle;
  reg [31:0] data;
  wire idle = (state == 2'd0);
  assign reg_gnt = reg_req & toggle;
  assign tcdm0_req = (state == 2'd1);
  assign tcdm0_addr = {12'd0, regs[9][19:2], 2'b00};
  assign tcdm0_we = 1'b0;
  assign tcdm0_be = 4'hF;
  assign tcdm0_urgent = 1'b0;
  assign tcdm0_wdata = 32'd0;
  assign tcdm1_req = (state == 2'd3);
  assign tcdm1_addr = {12'd0, regs[21][19:2], 2'b00};
  assign tcdm1_we = 1'b1;
  assign tcdm1_be = 4'hF;
  assign tcdm1_urgent = 1'b0;
  assign tcdm1_wdata = data;
  always @(posedge clock) begin
    toggle <= ~toggle;
    if (clear) begin
      state <= 2'd0;
      toggle <= 1'b0;
    end else begin
      if (reg_gnt) begin
        if (reg_we) begin
          if (reg_addr == 7'd2) state <= 2'd1;
          else regs[reg_addr[4:0]] <= reg_wdata;
        end
        reg_rdata <= (reg_addr == 7'd0) ? {29'd0, idle, idle, idle} : regs[reg_addr[4:0]];
      end
      case (state)
        2'd1: if (tcdm0_gnt) state <= 2'd2;
        2'd2: if (tcdm0_r_valid) begin data <= tcdm0_r_rdata; state <= 2'd3; end
        2'd3: if (tcdm1_gnt) state <= 2'd0;
        default: ;
      endcase
    end
  end
endmodule
"#;

/// [`FAKE_NTX`] with the NTX's port names (`regs$req`, `tcdm$0$gnt`, ...,
/// from the field lists of `ntx_hw::bus`).
fn fake_ntx() -> String {
    let mut v = FAKE_NTX.to_string();
    for (j, f) in REG_FIELDS.iter().enumerate() {
        v = v.replace(&format!("reg_{f}"), &ntx_reg_pin(j));
    }
    for k in 0..2 {
        for (j, f) in TCDM_FIELDS.iter().enumerate() {
            v = v.replace(&format!("tcdm{k}_{f}"), &ntx_tcdm_pin(k, j));
        }
    }
    v
}

fn copy_job(src_word: u32, dst_word: u32) -> Job {
    Job {
        name: "copy1".into(),
        cmd: opcode::COPY | (1 << 15), // COPY, aux = 1 (alu = A), all levels 0
        loop_end: [0; 5],
        base: [src_word * 4, 0, dst_word * 4],
        stride: [[0; 5]; 3],
    }
}

#[test]
fn the_harness_runs_a_job_like_the_model_under_random_grants() {
    let mut rng = StdRng::seed_from_u64(7);
    for round in 0..20 {
        let mut mem = Tcdm::new(4096, 0x5555_5555);
        let (src, dst) = (rng.gen_range(0..1024u32), rng.gen_range(0..1024u32));
        mem.write(src, rng.gen());
        let job = copy_job(src, dst);
        let mut model = ModelBackend::new(mem.clone());
        let want = run_job(&mut model, &job, &mem, &RunLimits::default()).unwrap();

        let mut be = NtxHarness::verilated(
            "ntx_fake",
            &fake_ntx(),
            &NtxPinNames::default(),
            mem.clone(),
        )
        .unwrap();
        let seed = rng.gen::<u64>();
        let mut g = StdRng::seed_from_u64(seed);
        let p = if round == 0 {
            1.0
        } else {
            rng.gen_range(0.1..1.0)
        };
        be.set_grant(Box::new(move |_, _| g.gen_bool(p)));
        let got = run_job(&mut be, &job, &mem, &RunLimits::default())
            .unwrap_or_else(|e| panic!("round {round} (grant seed {seed}, p {p}): {e}"));
        assert_eq!(
            got.mem, want.mem,
            "round {round}: src {src} dst {dst}, grant seed {seed}, p {p}"
        );
        assert_eq!(got.mem.peek(dst), mem.peek(src));
        assert!(got.cycles.unwrap() >= 4, "a timed backend counts cycles");
        // STATUS is back to idle and registers read back what was written.
        assert_eq!(be.read_reg(regs::STATUS).unwrap(), 0b111);
        assert_eq!(be.read_reg(regs::AGU2_BASE).unwrap(), dst * 4);
    }
}

#[test]
fn a_design_without_the_expected_ports_is_refused_with_its_port_list() {
    let err = NtxHarness::verilated(
        "not_ntx",
        "module not_ntx(clock, x, y);\ninput wire clock;\ninput wire x;\noutput wire y;\nassign y = x;\nendmodule\n",
        &NtxPinNames::default(),
        Tcdm::new(64, 0),
    )
    .err()
    .expect("must fail");
    assert!(
        err.0.contains(&ntx_reg_pin(R_REQ)) && err.0.contains("\"x\""),
        "{err}"
    );
}

/// The same stand-in as `FAKE_NTX`, in rust-hdl (only the two base
/// registers it needs), to run one harness on both simulators.
#[derive(LogicBlock, Default)]
struct FakeNtx {
    pub clock: Signal<In, Clock>,
    pub clear: Signal<In, Bit>,
    pub regs: RegSlave<REG_ADDR_WIDTH>,
    pub tcdm: [TcdmMaster; 2],
    src: DFF<Bits<32>>,
    dst: DFF<Bits<32>>,
    state: DFF<Bits<2>>,
    toggle: DFF<Bit>,
    data: DFF<Bits<32>>,
    rdata: DFF<Bits<32>>,
    granted: Signal<Local, Bit>,
    idle: Signal<Local, Bit>,
}

impl Logic for FakeNtx {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, src, dst, state, toggle, data, rdata);
        self.toggle.d.next = !self.toggle.q.val();
        self.granted.next = self.regs.req.val() & self.toggle.q.val();
        self.regs.gnt.next = self.granted.val();
        self.idle.next = self.state.q.val() == 0;
        self.regs.rdata.next = self.rdata.q.val();
        self.tcdm[0].req.next = self.state.q.val() == 1;
        self.tcdm[0].addr.next = self.src.q.val() & bits::<32>(0xFFFFC);
        self.tcdm[0].we.next = false;
        self.tcdm[0].be.next = bits::<4>(15);
        self.tcdm[0].wdata.next = bits::<32>(0);
        self.tcdm[0].urgent.next = false;
        self.tcdm[1].req.next = self.state.q.val() == 3;
        self.tcdm[1].addr.next = self.dst.q.val() & bits::<32>(0xFFFFC);
        self.tcdm[1].we.next = true;
        self.tcdm[1].be.next = bits::<4>(15);
        self.tcdm[1].wdata.next = self.data.q.val();
        self.tcdm[1].urgent.next = false;
        if self.granted.val() {
            if self.regs.we.val() {
                if self.regs.addr.val() == 2 {
                    self.state.d.next = bits::<2>(1);
                } else if self.regs.addr.val() == 9 {
                    self.src.d.next = self.regs.wdata.val();
                } else if self.regs.addr.val() == 21 {
                    self.dst.d.next = self.regs.wdata.val();
                }
            }
            if self.regs.addr.val() == 0 {
                if self.idle.val() {
                    self.rdata.d.next = bits::<32>(7);
                } else {
                    self.rdata.d.next = bits::<32>(0);
                }
            } else if self.regs.addr.val() == 9 {
                self.rdata.d.next = self.src.q.val();
            } else if self.regs.addr.val() == 21 {
                self.rdata.d.next = self.dst.q.val();
            } else {
                self.rdata.d.next = bits::<32>(0);
            }
        }
        if self.state.q.val() == 1 {
            if self.tcdm[0].gnt.val() {
                self.state.d.next = bits::<2>(2);
            }
        } else if self.state.q.val() == 2 {
            if self.tcdm[0].r_valid.val() {
                self.data.d.next = self.tcdm[0].r_rdata.val();
                self.state.d.next = bits::<2>(3);
            }
        } else if self.state.q.val() == 3 && self.tcdm[1].gnt.val() {
            self.state.d.next = bits::<2>(0);
        }
        if self.clear.val() {
            self.state.d.next = bits::<2>(0);
            self.toggle.d.next = false;
        }
    }
}

fn run_with_grants<P: ntx_verif::pins::Pins>(
    mut h: NtxHarness<P>,
    job: &Job,
    mem: &Tcdm,
    seed: u64,
    p: f64,
) -> (Tcdm, Option<u64>) {
    let mut g = StdRng::seed_from_u64(seed);
    h.set_grant(Box::new(move |_, _| g.gen_bool(p)));
    let r = run_job(&mut h, job, mem, &RunLimits::default())
        .unwrap_or_else(|e| panic!("{} (grant seed {seed}, p {p}): {e}", h.name()));
    (r.mem, r.cycles)
}

fn fake_dut() -> RustHdlDut<FakeNtx> {
    RustHdlDut::new(
        FakeNtx::default(),
        |u: &mut FakeNtx, port: &str, w: &[u32]| {
            if port == "clear" {
                u.clear.next = w[0] & 1 == 1;
            } else if !drive_ntx_input(&mut u.clock, &mut u.regs, &mut u.tcdm, port, w) {
                panic!("FakeNtx: no input port `{port}`");
            }
        },
    )
}

#[test]
fn rtl_and_verilator_harnesses_agree_cycle_for_cycle() {
    let verilog = generate_verilog(&fake_dut().uut);
    let mut rng = StdRng::seed_from_u64(11);
    for round in 0..10 {
        let mut mem = Tcdm::new(4096, 0x5555_5555);
        let (src, dst) = (rng.gen_range(0..1024u32), rng.gen_range(0..1024u32));
        mem.write(src, rng.gen());
        let job = copy_job(src, dst);
        let mut model = ModelBackend::new(mem.clone());
        let want = run_job(&mut model, &job, &mem, &RunLimits::default()).unwrap();
        let seed = rng.gen::<u64>();
        let p = rng.gen_range(0.2..1.0);
        let names = NtxPinNames::default();
        let rtl =
            NtxHarness::new(RustHdlPins::new(fake_dut()), &names, mem.clone(), "rtl").unwrap();
        let vl = NtxHarness::verilated("fake_ntx_rhdl", &verilog, &names, mem.clone()).unwrap();
        let results = [
            run_with_grants(rtl, &job, &mem, seed, p),
            run_with_grants(vl, &job, &mem, seed, p),
        ];
        assert_eq!(results[0].0, want.mem, "rtl vs model, round {round}");
        assert_eq!(
            results[1], results[0],
            "verilator vs rtl, round {round} (seed {seed}, p {p})"
        );
    }
}

// ------------------------------------------------------- the real NTX top

fn cases_dir() -> std::path::PathBuf {
    ntx_verif::cases::shipped_ref_cases()
}

/// `--backend verilator` on every reference case: the expected memory, and
/// the same memory and cycle count as `--backend rtl` (cases up to 1000
/// steps; the 100k-step case only against the expected memory).
#[test]
fn verilator_backend_reproduces_the_rtl_backend_on_the_reference_cases() {
    use ntx_verif::cases::run_case;
    let cases = ntx_verif::jobfile::find_cases(&cases_dir()).expect("reference cases");
    assert!(!cases.is_empty());
    let (mut compared, mut t_rtl, mut t_vl) = (0, 0f64, 0f64);
    for case in &cases {
        let t0 = std::time::Instant::now();
        let vl = run_case(
            case,
            "verilator",
            512 * 1024,
            0x5555_5555,
            &RunLimits::default(),
        )
        .unwrap();
        t_vl += t0.elapsed().as_secs_f64();
        assert!(
            vl.diffs.is_empty(),
            "case {}: verilator differs from the expected memory: {:?}",
            case.id,
            &vl.diffs[..vl.diffs.len().min(5)]
        );
        if vl.steps <= 1000 {
            let t0 = std::time::Instant::now();
            let rtl =
                run_case(case, "rtl", 512 * 1024, 0x5555_5555, &RunLimits::default()).unwrap();
            t_rtl += t0.elapsed().as_secs_f64();
            assert_eq!(
                (vl.steps, vl.cycles),
                (rtl.steps, rtl.cycles),
                "case {}",
                case.id
            );
            compared += 1;
        }
    }
    println!(
        "{} cases on verilator ({t_vl:.1} s), {compared} also on rtl ({t_rtl:.1} s)",
        cases.len()
    );
    assert!(compared >= cases.len() / 2);
}

/// The rust-hdl NTX and its Verilator model behind the same harness, with
/// the same random TCDM grant pattern: identical memory and cycles.
#[test]
fn rust_hdl_and_verilator_ntx_agree_under_random_grants() {
    use ntx_hw::ntx::Ntx;
    let dut = || RustHdlDut::new(Ntx::default(), drive_ntx);
    let verilog = generate_verilog(&dut().uut);
    let cases = ntx_verif::jobfile::find_cases(&cases_dir()).expect("reference cases");
    let mut rng = StdRng::seed_from_u64(3);
    let mut n = 0;
    for case in cases.iter().filter(|c| {
        ["0000", "0024", "0032", "0036", "0072", "0082", "0094"].contains(&c.id.as_str())
    }) {
        let job = ntx_verif::jobfile::read_job(&case.job).unwrap();
        let ini = ntx_verif::jobfile::read_mem(&case.ini, 512 * 1024, 0x5555_5555).unwrap();
        let exp = ntx_verif::jobfile::read_mem(&case.exp, 512 * 1024, 0x5555_5555).unwrap();
        let seed = rng.gen::<u64>();
        let p = rng.gen_range(0.3..0.9);
        let names = NtxPinNames::default();
        let rtl = NtxHarness::new(RustHdlPins::new(dut()), &names, ini.clone(), "rtl").unwrap();
        let vl = NtxHarness::verilated("ntx", &verilog, &names, ini.clone()).unwrap();
        let a = run_with_grants(rtl, &job, &ini, seed, p);
        let b = run_with_grants(vl, &job, &ini, seed, p);
        assert_eq!(
            a.0, exp,
            "case {} (grant p {p}, seed {seed}): rust-hdl vs expected",
            case.id
        );
        assert_eq!(
            b, a,
            "case {} (grant p {p}, seed {seed}): verilator vs rust-hdl",
            case.id
        );
        n += 1;
    }
    assert_eq!(n, 7);
}
