//! Response side of the control-port split (combinational): grants and
//! read data of the cluster's control port and of the cluster-control
//! registers, steered back to the core or (while `tb_sel`) the testbench.
//! Reads grants and responses only; drives no request.

use crate::params::DATA_WIDTH;
use rust_hdl::prelude::*;

#[derive(LogicBlock, Default)]
pub struct CtrlResp {
    pub tb_sel: Signal<In, Bit>,
    /// The core's request hits the cluster-control registers.
    pub hit: Signal<In, Bit>,
    pub cl_gnt: Signal<In, Bit>,
    pub cl_rvalid: Signal<In, Bit>,
    pub cl_rdata: Signal<In, Bits<DATA_WIDTH>>,
    pub regs_rvalid: Signal<In, Bit>,
    pub regs_rdata: Signal<In, Bits<DATA_WIDTH>>,
    pub core_gnt: Signal<Out, Bit>,
    pub core_rvalid: Signal<Out, Bit>,
    pub core_rdata: Signal<Out, Bits<DATA_WIDTH>>,
    pub tb_gnt: Signal<Out, Bit>,
    pub tb_rvalid: Signal<Out, Bit>,
    pub tb_rdata: Signal<Out, Bits<DATA_WIDTH>>,
}

impl Logic for CtrlResp {
    #[hdl_gen]
    fn update(&mut self) {
        self.core_gnt.next = self.hit.val() | (self.cl_gnt.val() & !self.tb_sel.val());
        self.core_rvalid.next =
            self.regs_rvalid.val() | (self.cl_rvalid.val() & !self.tb_sel.val());
        self.core_rdata.next = self.cl_rdata.val();
        if self.regs_rvalid.val() {
            self.core_rdata.next = self.regs_rdata.val();
        }
        self.tb_gnt.next = self.cl_gnt.val() & self.tb_sel.val();
        self.tb_rvalid.next = self.cl_rvalid.val() & self.tb_sel.val();
        self.tb_rdata.next = self.cl_rdata.val();
    }
}
