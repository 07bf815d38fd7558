//! Integer register file of the control core: x1..x31 (x0 reads 0), two
//! combinational read ports, one write port (written at the clock edge),
//! synchronous `clear` of every register to 0.
//!
//! Behavioural storage in simulation (fast) and a hand-written Verilog body
//! (a register array; Yosys maps it to flip-flops). A read of the register
//! being written in the same cycle returns the old value (the core writes
//! back in the cycle an instruction retires, so no bypass is needed).
//! [`RegFile::peek`] reads a register without simulating (for testbenches).

use rust_hdl::prelude::*;

#[derive(LogicBlock, Default)]
pub struct RegFile {
    pub clock: Signal<In, Clock>,
    pub clear: Signal<In, Bit>,
    pub rs1: Signal<In, Bits<5>>,
    pub rs2: Signal<In, Bits<5>>,
    pub rdata1: Signal<Out, Bits<32>>,
    pub rdata2: Signal<Out, Bits<32>>,
    /// Write `wdata` to `rd` at the clock edge (ignored for x0).
    pub we: Signal<In, Bit>,
    pub rd: Signal<In, Bits<5>>,
    pub wdata: Signal<In, Bits<32>>,
    _x: [u32; 32],
}

impl RegFile {
    /// Backdoor read of register `i` (no cycle).
    pub fn peek(&self, i: usize) -> u32 {
        self._x[i & 31]
    }
}

impl Logic for RegFile {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            if self.clear.val() {
                self._x = [0; 32];
            } else if self.we.val() {
                let rd = self.rd.val().index();
                if rd != 0 {
                    self._x[rd] = self.wdata.val().to_u32();
                }
            }
        }
        self.rdata1.next = self._x[self.rs1.val().index()].to_bits();
        self.rdata2.next = self._x[self.rs2.val().index()].to_bits();
    }

    fn connect(&mut self) {
        self.rdata1.connect();
        self.rdata2.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(
            "\
reg [31:0] x [0:31];
integer i;

always @(posedge clock) begin
   if (clear) begin
      for (i = 0; i < 32; i = i + 1) x[i] <= 32'h0;
   end else if (we && (rd != 5'h0)) begin
      x[rd] <= wdata;
   end
end

wire [31:0] x_rs1 = x[rs1];
wire [31:0] x_rs2 = x[rs2];

always @(*) begin
   rdata1 = (rs1 == 5'h0) ? 32'h0 : x_rs1;
   rdata2 = (rs2 == 5'h0) ? 32'h0 : x_rs2;
end
"
            .into(),
        )
    }
}
