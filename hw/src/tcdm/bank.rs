//! Single-port TCDM SRAM bank: `2^N` 32-bit words, word addressed, byte
//! enables, one cycle read latency.
//!
//! Behavioural storage (a `Vec<u32>`, fast in simulation) with a hand-written
//! Verilog body (an inferred memory). The testbench can load and inspect the
//! contents directly with [`Bank::peek`] / [`Bank::poke`] (backdoor access,
//! no simulated cycles).

use crate::params::{ADDR_WIDTH, BE_WIDTH, DATA_WIDTH};
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct Bank<const N: usize> {
    pub clock: Signal<In, Clock>,
    /// Access this cycle.
    pub req: Signal<In, Bit>,
    /// Write (else read).
    pub we: Signal<In, Bit>,
    /// Byte enables of a write.
    pub be: Signal<In, Bits<BE_WIDTH>>,
    /// Word address inside the bank (the low `N` bits are used).
    pub addr: Signal<In, Bits<ADDR_WIDTH>>,
    pub wdata: Signal<In, Bits<DATA_WIDTH>>,
    /// Read data, valid the cycle after a read request.
    pub rdata: Signal<Out, Bits<DATA_WIDTH>>,
    _mem: Vec<u32>,
}

impl<const N: usize> Default for Bank<N> {
    fn default() -> Self {
        assert!(N >= 1 && N <= 24);
        Self {
            clock: Default::default(),
            req: Default::default(),
            we: Default::default(),
            be: Default::default(),
            addr: Default::default(),
            wdata: Default::default(),
            rdata: Default::default(),
            _mem: vec![0; 1 << N],
        }
    }
}

impl<const N: usize> Bank<N> {
    /// Words in the bank.
    pub const WORDS: usize = 1 << N;
    /// Backdoor read of word `a` (no cycle).
    pub fn peek(&self, a: usize) -> u32 {
        self._mem[a & (Self::WORDS - 1)]
    }
    /// Backdoor write of word `a` (no cycle).
    pub fn poke(&mut self, a: usize, v: u32) {
        self._mem[a & (Self::WORDS - 1)] = v;
    }
    /// Backdoor fill of the whole bank.
    pub fn fill(&mut self, v: u32) {
        self._mem.iter_mut().for_each(|w| *w = v);
    }
}

impl<const N: usize> Logic for Bank<N> {
    fn update(&mut self) {
        if self.clock.pos_edge() && self.req.val() {
            let a = (self.addr.val().to_u32() as usize) & (Self::WORDS - 1);
            if self.we.val() {
                let be = self.be.val().to_u32();
                let mut m = 0u32;
                for i in 0..4 {
                    if be & (1 << i) != 0 {
                        m |= 0xff << (8 * i);
                    }
                }
                let w = self.wdata.val().to_u32();
                self._mem[a] = (self._mem[a] & !m) | (w & m);
            } else {
                self.rdata.next = (self._mem[a] as u64).into();
            }
        }
    }

    fn connect(&mut self) {
        self.rdata.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(format!(
            "\
reg [{dw}:0] mem [0:{last}];
wire [{aw}:0] word_addr = addr[{aw}:0];
// Address bits above the bank are the interconnect's business.
wire unused_addr_hi = ^addr[31:{n}];

always @(posedge clock) begin
   if (req) begin
      if (we) begin
         if (be[0]) mem[word_addr][7:0] <= wdata[7:0];
         if (be[1]) mem[word_addr][15:8] <= wdata[15:8];
         if (be[2]) mem[word_addr][23:16] <= wdata[23:16];
         if (be[3]) mem[word_addr][31:24] <= wdata[31:24];
      end else begin
         rdata <= mem[word_addr];
      end
   end
end
",
            dw = DATA_WIDTH - 1,
            last = (1usize << N) - 1,
            aw = N - 1,
            n = N,
        ))
    }
}
