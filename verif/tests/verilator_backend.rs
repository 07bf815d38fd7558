//! The pin-level NTX harness behind `--backend verilator` (register port,
//! two TCDM ports with grants and one-cycle read data), exercised on a
//! hand-written stand-in NTX that implements a one-element COPY job: the
//! result must equal the golden model's, under any grant pattern.
//!
//! Run: `cargo test --release -p ntx-verif --test verilator_backend`

use ntx_hw::params::{opcode, regs};
use ntx_verif::backend::{run_job, Backend, ModelBackend, RunLimits};
use ntx_verif::model::job::Job;
use ntx_verif::model::mem::Tcdm;
use ntx_verif::pins::{NtxHarness, NtxPinNames};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Stand-in NTX: staging registers, STATUS, CMD starts "C[AGU2] = A[AGU0]"
/// through TCDM port 0 (read) and port 1 (write). Its register grant is
/// withheld every other cycle so that the harness must hold requests.
const FAKE_NTX: &str = r#"
module ntx_fake(clock, clear,
  reg_req, reg_we, reg_addr, reg_wdata, reg_gnt, reg_rdata,
  tcdm0_req, tcdm0_addr, tcdm0_we, tcdm0_be, tcdm0_wdata, tcdm0_gnt, tcdm0_r_valid, tcdm0_r_rdata,
  tcdm1_req, tcdm1_addr, tcdm1_we, tcdm1_be, tcdm1_wdata, tcdm1_gnt, tcdm1_r_valid, tcdm1_r_rdata);
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
  input wire tcdm0_gnt;
  input wire tcdm0_r_valid;
  input wire [31:0] tcdm0_r_rdata;
  output wire tcdm1_req;
  output wire [31:0] tcdm1_addr;
  output wire tcdm1_we;
  output wire [3:0] tcdm1_be;
  output wire [31:0] tcdm1_wdata;
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
  assign tcdm0_wdata = 32'd0;
  assign tcdm1_req = (state == 2'd3);
  assign tcdm1_addr = {12'd0, regs[21][19:2], 2'b00};
  assign tcdm1_we = 1'b1;
  assign tcdm1_be = 4'hF;
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

        let mut be =
            NtxHarness::verilated("ntx_fake", FAKE_NTX, &NtxPinNames::default(), mem.clone())
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
        err.0.contains("reg_req") && err.0.contains("\"x\""),
        "{err}"
    );
}
