//! One TCDM master port of NTX (PULP protocol, spec section 2): presents
//! either the read offered by the controller or the write it assigns to
//! this port, holds an ungranted request unchanged until `gnt`, and returns
//! read data (which arrives exactly one cycle after the grant).

use crate::params::*;
use rust_hdl::prelude::*;

#[derive(LogicBlock, Default)]
pub struct Port {
    pub clock: Signal<In, Clock>,
    pub clear: Signal<In, Bit>,
    // controller side
    /// A read is ready (address `rd_addr`, word address).
    pub rd_req: Signal<In, Bit>,
    pub rd_addr: Signal<In, Bits<AGU_ADDR_WIDTH>>,
    /// The controller assigns the pending write to this port.
    pub wr_sel: Signal<In, Bit>,
    pub wr_addr: Signal<In, Bits<AGU_ADDR_WIDTH>>,
    pub wr_data: Signal<In, Bits<DATA_WIDTH>>,
    /// An ungranted read / write is being held (must be offered again).
    pub held_rd: Signal<Out, Bit>,
    pub held_wr: Signal<Out, Bit>,
    pub rd_done: Signal<Out, Bit>,
    pub wr_done: Signal<Out, Bit>,
    /// Read data of the read granted in the previous cycle.
    pub resp_valid: Signal<Out, Bit>,
    pub resp_data: Signal<Out, Bits<DATA_WIDTH>>,
    /// A read was granted last cycle (its data arrives now).
    pub inflight: Signal<Out, Bit>,
    // TCDM master side
    pub req: Signal<Out, Bit>,
    pub addr: Signal<Out, Bits<ADDR_WIDTH>>,
    pub we: Signal<Out, Bit>,
    pub be: Signal<Out, Bits<BE_WIDTH>>,
    pub wdata: Signal<Out, Bits<DATA_WIDTH>>,
    pub gnt: Signal<In, Bit>,
    pub r_valid: Signal<In, Bit>,
    pub r_rdata: Signal<In, Bits<DATA_WIDTH>>,
    lock_rd: DFF<Bit>,
    lock_wr: DFF<Bit>,
    rd_pend: DFF<Bit>,
    do_rd: Signal<Local, Bit>,
    do_wr: Signal<Local, Bit>,
}

impl Logic for Port {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, lock_rd, lock_wr, rd_pend);
        self.do_wr.next = self.lock_wr.q.val() | (!self.lock_rd.q.val() & self.wr_sel.val());
        self.do_rd.next = self.lock_rd.q.val()
            | (!self.lock_wr.q.val() & !self.wr_sel.val() & self.rd_req.val());
        self.req.next = self.do_wr.val() | self.do_rd.val();
        self.we.next = self.do_wr.val();
        self.be.next = bits::<4>(15);
        self.wdata.next = self.wr_data.val();
        self.addr.next = bit_cast::<32, 18>(self.rd_addr.val()) << 2;
        if self.do_wr.val() {
            self.addr.next = bit_cast::<32, 18>(self.wr_addr.val()) << 2;
        }
        self.rd_done.next = self.do_rd.val() & self.gnt.val();
        self.wr_done.next = self.do_wr.val() & self.gnt.val();
        self.lock_rd.d.next = self.do_rd.val() & !self.gnt.val();
        self.lock_wr.d.next = self.do_wr.val() & !self.gnt.val();
        self.rd_pend.d.next = self.do_rd.val() & self.gnt.val();
        self.held_rd.next = self.lock_rd.q.val();
        self.held_wr.next = self.lock_wr.q.val();
        self.inflight.next = self.rd_pend.q.val();
        self.resp_valid.next = self.rd_pend.q.val() & self.r_valid.val();
        self.resp_data.next = self.r_rdata.val();
        if self.clear.val() {
            self.lock_rd.d.next = false;
            self.lock_wr.d.next = false;
            self.rd_pend.d.next = false;
        }
    }
}
