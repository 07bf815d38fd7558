//! Request side of the control-port split in front of the cluster
//! (combinational, never reads a grant): the core's requests to the
//! cluster-control window go to [`super::ctrl_regs::CtrlRegs`], every other
//! core request to the cluster's control port; while `tb_sel` is high the
//! testbench owns the cluster's control port (loading and reading memories
//! while the core is held in clear) and the core's requests are dropped.

use crate::params::core::{CLUSTER_CTRL_BASE, CLUSTER_CTRL_BYTES};
use crate::params::{ADDR_WIDTH, BE_WIDTH, DATA_WIDTH};
use rust_hdl::prelude::*;

/// Word-offset width inside the cluster-control window (8 words).
pub const CTRL_OFF_WIDTH: usize = 3;
const _: () = assert!(CLUSTER_CTRL_BYTES == 4 << CTRL_OFF_WIDTH);

#[derive(LogicBlock)]
pub struct CtrlReq {
    pub tb_sel: Signal<In, Bit>,
    // the core's data port (outside L2 and simulation control)
    pub core_req: Signal<In, Bit>,
    pub core_addr: Signal<In, Bits<ADDR_WIDTH>>,
    pub core_we: Signal<In, Bit>,
    pub core_be: Signal<In, Bits<BE_WIDTH>>,
    pub core_wdata: Signal<In, Bits<DATA_WIDTH>>,
    // the testbench's request (word writes and reads)
    pub tb_req: Signal<In, Bit>,
    pub tb_addr: Signal<In, Bits<ADDR_WIDTH>>,
    pub tb_we: Signal<In, Bit>,
    pub tb_wdata: Signal<In, Bits<DATA_WIDTH>>,
    // to the cluster's control port
    pub cl_req: Signal<Out, Bit>,
    pub cl_addr: Signal<Out, Bits<ADDR_WIDTH>>,
    pub cl_we: Signal<Out, Bit>,
    pub cl_be: Signal<Out, Bits<BE_WIDTH>>,
    pub cl_wdata: Signal<Out, Bits<DATA_WIDTH>>,
    /// The core requests a cluster-control register (granted at once).
    pub hit: Signal<Out, Bit>,
    /// Its word offset in the window.
    pub off: Signal<Out, Bits<CTRL_OFF_WIDTH>>,
    rel: Signal<Local, Bits<ADDR_WIDTH>>,
    in_win: Signal<Local, Bit>,
    win_lo: Constant<Bits<ADDR_WIDTH>>,
    win_bytes: Constant<Bits<ADDR_WIDTH>>,
}

impl Default for CtrlReq {
    fn default() -> Self {
        Self {
            tb_sel: Default::default(),
            core_req: Default::default(),
            core_addr: Default::default(),
            core_we: Default::default(),
            core_be: Default::default(),
            core_wdata: Default::default(),
            tb_req: Default::default(),
            tb_addr: Default::default(),
            tb_we: Default::default(),
            tb_wdata: Default::default(),
            cl_req: Default::default(),
            cl_addr: Default::default(),
            cl_we: Default::default(),
            cl_be: Default::default(),
            cl_wdata: Default::default(),
            hit: Default::default(),
            off: Default::default(),
            rel: Default::default(),
            in_win: Default::default(),
            win_lo: Constant::new((CLUSTER_CTRL_BASE as u64).into()),
            win_bytes: Constant::new((CLUSTER_CTRL_BYTES as u64).into()),
        }
    }
}

impl Logic for CtrlReq {
    #[hdl_gen]
    fn update(&mut self) {
        self.rel.next = self.core_addr.val() - self.win_lo.val();
        self.in_win.next = self.rel.val() < self.win_bytes.val();
        self.off.next = self.rel.val().get_bits::<CTRL_OFF_WIDTH>(2);
        self.hit.next = self.core_req.val() & self.in_win.val() & !self.tb_sel.val();
        self.cl_req.next = self.core_req.val() & !self.in_win.val();
        self.cl_addr.next = self.core_addr.val();
        self.cl_we.next = self.core_we.val();
        self.cl_be.next = self.core_be.val();
        self.cl_wdata.next = self.core_wdata.val();
        if self.tb_sel.val() {
            self.cl_req.next = self.tb_req.val();
            self.cl_addr.next = self.tb_addr.val();
            self.cl_we.next = self.tb_we.val();
            self.cl_be.next = 15.into();
            self.cl_wdata.next = self.tb_wdata.val();
        }
    }
}
