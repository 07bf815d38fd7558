//! The cluster-control window (spec 10, `params::core`): IRQ_PENDING (read
//! only: bit i = NTX i's interrupt line, bit 8 the DMA's) and IRQ_ENABLE
//! (read/write, resets to every source). `irq` = `(pending & enable) != 0`
//! is the core's machine external interrupt (combinational from the lines).
//!
//! Protocol: a request (`req`, from [`super::ctrl_req::CtrlReq`]) is granted
//! in its cycle by the response mux; `rvalid` and `rdata` follow one cycle
//! later, for writes too (PULP). Unused words read 0; writes to them and to
//! IRQ_PENDING are ignored.

use super::ctrl_req::CTRL_OFF_WIDTH;
use crate::params::core::{IRQ_ENABLE, IRQ_ENABLE_RESET, IRQ_PENDING, IRQ_SOURCES};
use crate::params::DATA_WIDTH;
use rust_hdl::prelude::*;

/// Width of IRQ_PENDING / IRQ_ENABLE.
pub const IRQ_W: usize = IRQ_SOURCES as usize;

#[derive(LogicBlock)]
pub struct CtrlRegs {
    pub clock: Signal<In, Clock>,
    pub clear: Signal<In, Bit>,
    pub req: Signal<In, Bit>,
    pub we: Signal<In, Bit>,
    pub off: Signal<In, Bits<CTRL_OFF_WIDTH>>,
    /// Write data (the register's bits of the written word).
    pub wdata: Signal<In, Bits<IRQ_W>>,
    /// Interrupt lines: bit i NTX i, bit 8 the DMA.
    pub lines: Signal<In, Bits<IRQ_W>>,
    pub rvalid: Signal<Out, Bit>,
    pub rdata: Signal<Out, Bits<DATA_WIDTH>>,
    pub irq: Signal<Out, Bit>,
    enable: DFF<Bits<IRQ_W>>,
    ack: DFF<Bit>,
    data: DFF<Bits<DATA_WIDTH>>,
    off_pending: Constant<Bits<CTRL_OFF_WIDTH>>,
    off_enable: Constant<Bits<CTRL_OFF_WIDTH>>,
    enable_reset: Constant<Bits<IRQ_W>>,
}

impl Default for CtrlRegs {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            clear: Default::default(),
            req: Default::default(),
            we: Default::default(),
            off: Default::default(),
            wdata: Default::default(),
            lines: Default::default(),
            rvalid: Default::default(),
            rdata: Default::default(),
            irq: Default::default(),
            enable: Default::default(),
            ack: Default::default(),
            data: Default::default(),
            off_pending: Constant::new(((IRQ_PENDING / 4) as u64).into()),
            off_enable: Constant::new(((IRQ_ENABLE / 4) as u64).into()),
            enable_reset: Constant::new((IRQ_ENABLE_RESET as u64).into()),
        }
    }
}

impl Logic for CtrlRegs {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, enable, ack, data);
        self.irq.next = (self.lines.val() & self.enable.q.val()).any();
        self.ack.d.next = self.req.val();
        self.data.d.next = 0.into();
        if self.req.val() & !self.we.val() {
            if self.off.val() == self.off_pending.val() {
                self.data.d.next = bit_cast::<DATA_WIDTH, IRQ_W>(self.lines.val());
            }
            if self.off.val() == self.off_enable.val() {
                self.data.d.next = bit_cast::<DATA_WIDTH, IRQ_W>(self.enable.q.val());
            }
        }
        if self.req.val() & self.we.val() & (self.off.val() == self.off_enable.val()) {
            self.enable.d.next = self.wdata.val();
        }
        if self.clear.val() {
            self.enable.d.next = self.enable_reset.val();
            self.ack.d.next = false;
            self.data.d.next = 0.into();
        }
        self.rvalid.next = self.ack.q.val();
        self.rdata.next = self.data.q.val();
    }
}
