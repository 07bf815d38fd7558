//! Request of the control core's external data port ([`super::top::Core`]'s
//! `ext.req`), combinational and grant-free. A block of its own, fed only by
//! registered state (`x_valid`, the X-stage state, `x_ifault`) and by
//! sub-block outputs (decode, load/store unit, CSR unit), so that no
//! always block both computes the request and reads the grant: rust-hdl
//! writes one `always @(*)` per module, and the core's block reads
//! `ext.gnt`, so a request computed there made Verilator see a false loop
//! core -> `ext.req` -> interconnect -> `ext.gnt` -> core (UNOPTFLAT) in
//! the system (core + cluster).
//!
//! `req` = the instruction in X starts an external access this cycle (it is
//! a load or store outside L2 that neither traps nor waits for an
//! interrupt), or a started one is still waiting for its grant (state
//! `EXT`). This is the core's `ok & mem & !in_l2` spelled out for a load or
//! store: the decoder's classes are exclusive, so a load or store is never
//! illegal, a CSR access, `ecall`/`ebreak` or a jump, and its only
//! exceptions are a fetch fault (`x_ifault`), a misaligned address and an
//! access fault; an interrupt (`irq_take`) is taken instead of it.

use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct ExtReq {
    /// X holds an instruction (the core's `x_valid` register).
    pub x_valid: Signal<In, Bit>,
    /// X-stage state register of the core.
    pub st: Signal<In, Bits<3>>,
    /// The instruction in X was fetched outside L2 (it traps).
    pub x_ifault: Signal<In, Bit>,
    /// The CSR unit takes the machine external interrupt.
    pub irq_take: Signal<In, Bit>,
    pub is_load: Signal<In, Bit>,
    pub is_store: Signal<In, Bit>,
    /// From the load/store unit: misaligned, access fault, inside L2.
    pub misaligned: Signal<In, Bit>,
    pub fault: Signal<In, Bit>,
    pub in_l2: Signal<In, Bit>,
    pub req: Signal<Out, Bit>,
    s_idle: Constant<Bits<3>>,
    s_ext: Constant<Bits<3>>,
}

impl ExtReq {
    /// `st_idle` / `st_ext`: the core's encodings of the idle and the
    /// waiting-for-grant X-stage states.
    pub fn new(st_idle: u32, st_ext: u32) -> Self {
        Self {
            x_valid: Default::default(),
            st: Default::default(),
            x_ifault: Default::default(),
            irq_take: Default::default(),
            is_load: Default::default(),
            is_store: Default::default(),
            misaligned: Default::default(),
            fault: Default::default(),
            in_l2: Default::default(),
            req: Default::default(),
            s_idle: Constant::new((st_idle as u64).into()),
            s_ext: Constant::new((st_ext as u64).into()),
        }
    }
}

impl Logic for ExtReq {
    #[hdl_gen]
    fn update(&mut self) {
        self.req.next = (self.x_valid.val()
            & (self.st.val() == self.s_idle.val())
            & !self.irq_take.val()
            & !self.x_ifault.val()
            & (self.is_load.val() | self.is_store.val())
            & !self.misaligned.val()
            & !self.fault.val()
            & !self.in_l2.val())
            | (self.x_valid.val() & (self.st.val() == self.s_ext.val()));
    }
}
