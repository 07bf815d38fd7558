//! The 128 KiB L2 of the control core: one memory for code and data with
//! two synchronous ports (spec section 10).
//!
//! Port `i` (fetch): read-only; with `i_req` the word at `i_addr` appears on
//! `i_rdata` the next cycle, and `i_rdata` holds while `i_req` is low.
//! Port `d` (data): with `d_req` a write of the `d_be` bytes of `d_wdata`
//! (`d_we`) or a read (word on `d_rdata` the next cycle). A fetch of the word
//! being written in the same cycle returns the old word (the core's
//! `fence.i` refetches). Word addresses (`2^W` words). Behavioural storage
//! (a `Vec<u32>`) with a hand-written Verilog body (an inferred memory);
//! [`L2::peek`]/[`L2::poke`] give testbenches backdoor access.

use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct L2<const W: usize> {
    pub clock: Signal<In, Clock>,
    pub i_req: Signal<In, Bit>,
    pub i_addr: Signal<In, Bits<W>>,
    pub i_rdata: Signal<Out, Bits<32>>,
    pub d_req: Signal<In, Bit>,
    pub d_we: Signal<In, Bit>,
    pub d_be: Signal<In, Bits<4>>,
    pub d_addr: Signal<In, Bits<W>>,
    pub d_wdata: Signal<In, Bits<32>>,
    pub d_rdata: Signal<Out, Bits<32>>,
    _mem: Vec<u32>,
}

impl<const W: usize> Default for L2<W> {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            i_req: Default::default(),
            i_addr: Default::default(),
            i_rdata: Default::default(),
            d_req: Default::default(),
            d_we: Default::default(),
            d_be: Default::default(),
            d_addr: Default::default(),
            d_wdata: Default::default(),
            d_rdata: Default::default(),
            _mem: vec![0; 1 << W],
        }
    }
}

impl<const W: usize> L2<W> {
    /// Words of the memory.
    pub const WORDS: usize = 1 << W;
    /// Backdoor read of word `a` (no cycle).
    pub fn peek(&self, a: usize) -> u32 {
        self._mem[a & (Self::WORDS - 1)]
    }
    /// Backdoor write of word `a` (no cycle).
    pub fn poke(&mut self, a: usize, v: u32) {
        self._mem[a & (Self::WORDS - 1)] = v;
    }
}

impl<const W: usize> Logic for L2<W> {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            if self.i_req.val() {
                let a = self.i_addr.val().index() & (Self::WORDS - 1);
                self.i_rdata.next = self._mem[a].to_bits();
            }
            if self.d_req.val() {
                let a = self.d_addr.val().index() & (Self::WORDS - 1);
                if self.d_we.val() {
                    let be = self.d_be.val().to_u32();
                    let mut m = 0u32;
                    for i in 0..4 {
                        if be & (1 << i) != 0 {
                            m |= 0xff << (8 * i);
                        }
                    }
                    let w = self.d_wdata.val().to_u32();
                    self._mem[a] = (self._mem[a] & !m) | (w & m);
                } else {
                    self.d_rdata.next = self._mem[a].to_bits();
                }
            }
        }
    }

    fn connect(&mut self) {
        self.i_rdata.connect();
        self.d_rdata.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(format!(
            "\
reg [31:0] mem [0:{last}];

always @(posedge clock) begin
   if (i_req) i_rdata <= mem[i_addr];
   if (d_req) begin
      if (d_we) begin
         if (d_be[0]) mem[d_addr][7:0] <= d_wdata[7:0];
         if (d_be[1]) mem[d_addr][15:8] <= d_wdata[15:8];
         if (d_be[2]) mem[d_addr][23:16] <= d_wdata[23:16];
         if (d_be[3]) mem[d_addr][31:24] <= d_wdata[31:24];
      end else begin
         d_rdata <= mem[d_addr];
      end
   end
end
",
            last = (1usize << W) - 1,
        ))
    }
}
