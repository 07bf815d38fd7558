//! One TCDM master port of NTX (PULP protocol, spec section 2): presents
//! either the read offered by the controller or the write it assigns to
//! this port, holds an ungranted request unchanged until `gnt`, and returns
//! read data (which arrives exactly one cycle after the grant).
//!
//! The port is two blocks so that no always block reads the grant and
//! drives the request: rust-hdl writes one `always @(*)` per module, and
//! the interconnect maps `req` to `gnt` combinationally, so a module doing
//! both forms a (false) combinational loop for Verilator (UNOPTFLAT).
//! [`PortReq`] computes the request from the lock registers and the
//! controller's offer and never sees `gnt`; [`PortResp`] reads `gnt`, owns
//! the lock registers and reports completions and read data.

use crate::bus::TcdmMaster;
use crate::params::*;
use rust_hdl::prelude::*;

/// Request half: what the port presents this cycle (combinational).
#[derive(LogicBlock, Default)]
pub struct PortReq {
    /// A read is ready (address `rd_addr`, word address).
    pub rd_req: Signal<In, Bit>,
    pub rd_addr: Signal<In, Bits<AGU_ADDR_WIDTH>>,
    /// The controller assigns the pending write to this port.
    pub wr_sel: Signal<In, Bit>,
    pub wr_addr: Signal<In, Bits<AGU_ADDR_WIDTH>>,
    pub wr_data: Signal<In, Bits<DATA_WIDTH>>,
    /// An ungranted read / write is held ([`PortResp`]'s lock registers).
    pub lock_rd: Signal<In, Bit>,
    pub lock_wr: Signal<In, Bit>,
    /// The port presents a read / a write this cycle.
    pub do_rd: Signal<Out, Bit>,
    pub do_wr: Signal<Out, Bit>,
    // TCDM master side
    pub req: Signal<Out, Bit>,
    pub addr: Signal<Out, Bits<ADDR_WIDTH>>,
    pub we: Signal<Out, Bit>,
    pub be: Signal<Out, Bits<BE_WIDTH>>,
    pub wdata: Signal<Out, Bits<DATA_WIDTH>>,
}

impl Logic for PortReq {
    #[hdl_gen]
    fn update(&mut self) {
        self.do_wr.next = self.lock_wr.val() | (!self.lock_rd.val() & self.wr_sel.val());
        self.do_rd.next =
            self.lock_rd.val() | (!self.lock_wr.val() & !self.wr_sel.val() & self.rd_req.val());
        self.req.next = self.do_wr.val() | self.do_rd.val();
        self.we.next = self.do_wr.val();
        self.be.next = bits::<4>(15);
        self.wdata.next = self.wr_data.val();
        self.addr.next = bit_cast::<32, 18>(self.rd_addr.val()) << 2;
        if self.do_wr.val() {
            self.addr.next = bit_cast::<32, 18>(self.wr_addr.val()) << 2;
        }
    }
}
const _: () = assert!(BE_WIDTH == 4 && ADDR_WIDTH == 32 && AGU_ADDR_WIDTH == 18);

/// Response half: completions, the lock registers (an ungranted request is
/// presented again) and the read data of the read granted last cycle.
#[derive(LogicBlock, Default)]
pub struct PortResp {
    pub clock: Signal<In, Clock>,
    pub clear: Signal<In, Bit>,
    /// What [`PortReq`] presents this cycle.
    pub do_rd: Signal<In, Bit>,
    pub do_wr: Signal<In, Bit>,
    pub gnt: Signal<In, Bit>,
    pub r_valid: Signal<In, Bit>,
    pub r_rdata: Signal<In, Bits<DATA_WIDTH>>,
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
    lock_rd: DFF<Bit>,
    lock_wr: DFF<Bit>,
    rd_pend: DFF<Bit>,
}

impl Logic for PortResp {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, lock_rd, lock_wr, rd_pend);
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

/// The whole port: [`PortReq`] and [`PortResp`] wired together behind
/// one [`TcdmMaster`] bundle.
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
    /// The controller's hint for `tcdm.urgent` (this port is behind).
    pub urgent: Signal<In, Bit>,
    /// The TCDM master port (the NTX's `tcdm[k]`).
    pub tcdm: TcdmMaster,
    pub rq: PortReq,
    pub rs: PortResp,
}

impl Logic for Port {
    #[hdl_gen]
    fn update(&mut self) {
        // Only independent one-line connections here: Verilator splits
        // them, so this block joins no grant to a request either.
        clock!(self, clock, rs);
        self.rs.clear.next = self.clear.val();
        self.rq.rd_req.next = self.rd_req.val();
        self.rq.rd_addr.next = self.rd_addr.val();
        self.rq.wr_sel.next = self.wr_sel.val();
        self.rq.wr_addr.next = self.wr_addr.val();
        self.rq.wr_data.next = self.wr_data.val();
        self.rq.lock_rd.next = self.rs.held_rd.val();
        self.rq.lock_wr.next = self.rs.held_wr.val();
        self.rs.do_rd.next = self.rq.do_rd.val();
        self.rs.do_wr.next = self.rq.do_wr.val();
        self.rs.gnt.next = self.tcdm.gnt.val();
        self.rs.r_valid.next = self.tcdm.r_valid.val();
        self.rs.r_rdata.next = self.tcdm.r_rdata.val();
        self.held_rd.next = self.rs.held_rd.val();
        self.held_wr.next = self.rs.held_wr.val();
        self.rd_done.next = self.rs.rd_done.val();
        self.wr_done.next = self.rs.wr_done.val();
        self.resp_valid.next = self.rs.resp_valid.val();
        self.resp_data.next = self.rs.resp_data.val();
        self.inflight.next = self.rs.inflight.val();
        self.tcdm.req.next = self.rq.req.val();
        self.tcdm.addr.next = self.rq.addr.val();
        self.tcdm.we.next = self.rq.we.val();
        self.tcdm.be.next = self.rq.be.val();
        self.tcdm.wdata.next = self.rq.wdata.val();
        self.tcdm.urgent.next = self.urgent.val();
    }
}
