//! Request side of the DMA ([`super::Dma`]): the requests of its TCDM and
//! external master ports, from the controller state, the FIFO fill and the
//! address walks only. A block of its own that reads no grant: rust-hdl
//! writes one `always @(*)` per module, and a block that read `gnt` and
//! drove `req` would make Verilator see a combinational loop through the
//! interconnect that the logic does not have (UNOPTFLAT).
//!
//! A read is requested only while the FIFO can take its word (words in
//! flight + words queued < `depth`); a write while the FIFO holds one.

use super::PTR_WIDTH;
use crate::params::{ADDR_WIDTH, DATA_WIDTH};
use rust_hdl::prelude::*;

/// Request logic of a DMA with a FIFO of `D` words.
#[derive(LogicBlock)]
pub struct DmaReq<const D: usize> {
    /// Synchronous clear: no request while it is high.
    pub clear: Signal<In, Bit>,
    /// CMD bit 0: TCDM -> external (else external -> TCDM).
    pub to_ext: Signal<In, Bit>,
    /// The controller runs a transfer.
    pub is_run: Signal<In, Bit>,
    /// Reads issued and not yet answered.
    pub inflight: Signal<In, Bits<PTR_WIDTH>>,
    pub fifo_count: Signal<In, Bits<PTR_WIDTH>>,
    pub fifo_head: Signal<In, Bits<DATA_WIDTH>>,
    /// Producer (source reads) and consumer (destination writes) walks.
    pub prod_active: Signal<In, Bit>,
    pub prod_addr: Signal<In, Bits<ADDR_WIDTH>>,
    pub cons_active: Signal<In, Bit>,
    pub cons_addr: Signal<In, Bits<ADDR_WIDTH>>,
    pub tcdm_req: Signal<Out, Bit>,
    pub tcdm_we: Signal<Out, Bit>,
    pub tcdm_addr: Signal<Out, Bits<ADDR_WIDTH>>,
    pub ext_req: Signal<Out, Bit>,
    pub ext_we: Signal<Out, Bit>,
    pub ext_addr: Signal<Out, Bits<ADDR_WIDTH>>,
    /// Write data of either port: the FIFO's head.
    pub wdata: Signal<Out, Bits<DATA_WIDTH>>,
    room: Signal<Local, Bit>,
    rd: Signal<Local, Bit>,
    wr: Signal<Local, Bit>,
    depth: Constant<Bits<PTR_WIDTH>>,
}

impl<const D: usize> Default for DmaReq<D> {
    fn default() -> Self {
        Self {
            clear: Default::default(),
            to_ext: Default::default(),
            is_run: Default::default(),
            inflight: Default::default(),
            fifo_count: Default::default(),
            fifo_head: Default::default(),
            prod_active: Default::default(),
            prod_addr: Default::default(),
            cons_active: Default::default(),
            cons_addr: Default::default(),
            tcdm_req: Default::default(),
            tcdm_we: Default::default(),
            tcdm_addr: Default::default(),
            ext_req: Default::default(),
            ext_we: Default::default(),
            ext_addr: Default::default(),
            wdata: Default::default(),
            room: Default::default(),
            rd: Default::default(),
            wr: Default::default(),
            depth: Constant::new((D as u64).into()),
        }
    }
}

impl<const D: usize> Logic for DmaReq<D> {
    #[hdl_gen]
    fn update(&mut self) {
        // Flow control: a read may be issued while the FIFO can take it.
        self.room.next = (self.inflight.val() + self.fifo_count.val()) < self.depth.val();
        self.rd.next =
            !self.clear.val() & self.is_run.val() & self.prod_active.val() & self.room.val();
        self.wr.next = !self.clear.val()
            & self.is_run.val()
            & self.cons_active.val()
            & self.fifo_count.val().any();
        self.wdata.next = self.fifo_head.val();
        if self.to_ext.val() {
            // TCDM reads -> FIFO -> external writes.
            self.tcdm_req.next = self.rd.val();
            self.tcdm_we.next = false;
            self.tcdm_addr.next = self.prod_addr.val();
            self.ext_req.next = self.wr.val();
            self.ext_we.next = true;
            self.ext_addr.next = self.cons_addr.val();
        } else {
            // External reads -> FIFO -> TCDM writes.
            self.ext_req.next = self.rd.val();
            self.ext_we.next = false;
            self.ext_addr.next = self.prod_addr.val();
            self.tcdm_req.next = self.wr.val();
            self.tcdm_we.next = true;
            self.tcdm_addr.next = self.cons_addr.val();
        }
    }
}
