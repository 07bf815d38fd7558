//! Read side of the CSR unit ([`super::csr::Csr`]): the CSR read mux and
//! the illegal-access check, purely combinational. A block of its own so
//! that the logic reading the written value (`wsrc`) and the logic driving
//! `rdata` never share an always block (rust-hdl writes one per module;
//! sharing one makes Verilator see a false loop core -> `wsrc` -> `rdata`
//! -> core, UNOPTFLAT).
//!
//! `rdata` = the CSR at `addr` (0 for an unknown one), `illegal` = no such
//! CSR, or a write (`wen`) to a read-only one (`addr[11:10] == 3`). The
//! register inputs are the [`super::csr::Csr`]'s state.

use crate::params::core::csr;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct CsrRead {
    pub addr: Signal<In, Bits<12>>,
    pub wen: Signal<In, Bit>,
    /// Machine external interrupt line (mip.MEIP).
    pub irq: Signal<In, Bit>,
    pub mie_bit: Signal<In, Bit>,
    pub mpie: Signal<In, Bit>,
    pub meie: Signal<In, Bit>,
    pub mtvec_r: Signal<In, Bits<32>>,
    pub mscratch: Signal<In, Bits<32>>,
    pub mepc_r: Signal<In, Bits<32>>,
    pub mcause: Signal<In, Bits<32>>,
    pub mtval: Signal<In, Bits<32>>,
    pub cyc_lo: Signal<In, Bits<32>>,
    pub cyc_hi: Signal<In, Bits<32>>,
    pub ins_lo: Signal<In, Bits<32>>,
    pub ins_hi: Signal<In, Bits<32>>,
    pub rdata: Signal<Out, Bits<32>>,
    pub illegal: Signal<Out, Bit>,
    mstatus_v: Signal<Local, Bits<32>>,
    mie_v: Signal<Local, Bits<32>>,
    mip_v: Signal<Local, Bits<32>>,
    read_only: Signal<Local, Bit>,
    known: Signal<Local, Bit>,
    mpp: Constant<Bits<32>>,
    misa: Constant<Bits<32>>,
    mie_pos: Constant<Bits<32>>,
    mpie_pos: Constant<Bits<32>>,
    mei_pos: Constant<Bits<32>>,
    c_mstatus: Constant<Bits<12>>,
    c_misa: Constant<Bits<12>>,
    c_mie: Constant<Bits<12>>,
    c_mtvec: Constant<Bits<12>>,
    c_mscratch: Constant<Bits<12>>,
    c_mepc: Constant<Bits<12>>,
    c_mcause: Constant<Bits<12>>,
    c_mtval: Constant<Bits<12>>,
    c_mip: Constant<Bits<12>>,
    c_mcycle: Constant<Bits<12>>,
    c_minstret: Constant<Bits<12>>,
    c_mcycleh: Constant<Bits<12>>,
    c_minstreth: Constant<Bits<12>>,
    c_cycle: Constant<Bits<12>>,
    c_instret: Constant<Bits<12>>,
    c_cycleh: Constant<Bits<12>>,
    c_instreth: Constant<Bits<12>>,
    c_mvendorid: Constant<Bits<12>>,
    c_marchid: Constant<Bits<12>>,
    c_mimpid: Constant<Bits<12>>,
    c_mhartid: Constant<Bits<12>>,
}

impl Default for CsrRead {
    fn default() -> Self {
        fn k(v: u16) -> Constant<Bits<12>> {
            Constant::new((v as u32).to_bits())
        }
        Self {
            addr: Default::default(),
            wen: Default::default(),
            irq: Default::default(),
            mie_bit: Default::default(),
            mpie: Default::default(),
            meie: Default::default(),
            mtvec_r: Default::default(),
            mscratch: Default::default(),
            mepc_r: Default::default(),
            mcause: Default::default(),
            mtval: Default::default(),
            cyc_lo: Default::default(),
            cyc_hi: Default::default(),
            ins_lo: Default::default(),
            ins_hi: Default::default(),
            rdata: Default::default(),
            illegal: Default::default(),
            mstatus_v: Default::default(),
            mie_v: Default::default(),
            mip_v: Default::default(),
            read_only: Default::default(),
            known: Default::default(),
            mpp: Constant::new(csr::MSTATUS_MPP.to_bits()),
            misa: Constant::new(csr::MISA_VALUE.to_bits()),
            mie_pos: Constant::new(csr::MSTATUS_MIE.to_bits()),
            mpie_pos: Constant::new(csr::MSTATUS_MPIE.to_bits()),
            mei_pos: Constant::new(csr::MEI_BIT.to_bits()),
            c_mstatus: k(csr::MSTATUS),
            c_misa: k(csr::MISA),
            c_mie: k(csr::MIE),
            c_mtvec: k(csr::MTVEC),
            c_mscratch: k(csr::MSCRATCH),
            c_mepc: k(csr::MEPC),
            c_mcause: k(csr::MCAUSE),
            c_mtval: k(csr::MTVAL),
            c_mip: k(csr::MIP),
            c_mcycle: k(csr::MCYCLE),
            c_minstret: k(csr::MINSTRET),
            c_mcycleh: k(csr::MCYCLEH),
            c_minstreth: k(csr::MINSTRETH),
            c_cycle: k(csr::CYCLE),
            c_instret: k(csr::INSTRET),
            c_cycleh: k(csr::CYCLEH),
            c_instreth: k(csr::INSTRETH),
            c_mvendorid: k(csr::MVENDORID),
            c_marchid: k(csr::MARCHID),
            c_mimpid: k(csr::MIMPID),
            c_mhartid: k(csr::MHARTID),
        }
    }
}

impl Logic for CsrRead {
    #[hdl_gen]
    fn update(&mut self) {
        self.mstatus_v.next = self.mpp.val();
        if self.mie_bit.val() {
            self.mstatus_v.next = self.mstatus_v.val() | self.mie_pos.val();
        }
        if self.mpie.val() {
            self.mstatus_v.next = self.mstatus_v.val() | self.mpie_pos.val();
        }
        self.mie_v.next = 0.into();
        if self.meie.val() {
            self.mie_v.next = self.mei_pos.val();
        }
        self.mip_v.next = 0.into();
        if self.irq.val() {
            self.mip_v.next = self.mei_pos.val();
        }
        self.rdata.next = 0.into();
        if self.addr.val() == self.c_mstatus.val() {
            self.rdata.next = self.mstatus_v.val();
        } else if self.addr.val() == self.c_misa.val() {
            self.rdata.next = self.misa.val();
        } else if self.addr.val() == self.c_mie.val() {
            self.rdata.next = self.mie_v.val();
        } else if self.addr.val() == self.c_mtvec.val() {
            self.rdata.next = self.mtvec_r.val();
        } else if self.addr.val() == self.c_mscratch.val() {
            self.rdata.next = self.mscratch.val();
        } else if self.addr.val() == self.c_mepc.val() {
            self.rdata.next = self.mepc_r.val();
        } else if self.addr.val() == self.c_mcause.val() {
            self.rdata.next = self.mcause.val();
        } else if self.addr.val() == self.c_mtval.val() {
            self.rdata.next = self.mtval.val();
        } else if self.addr.val() == self.c_mip.val() {
            self.rdata.next = self.mip_v.val();
        } else if (self.addr.val() == self.c_mcycle.val()) | (self.addr.val() == self.c_cycle.val())
        {
            self.rdata.next = self.cyc_lo.val();
        } else if (self.addr.val() == self.c_mcycleh.val())
            | (self.addr.val() == self.c_cycleh.val())
        {
            self.rdata.next = self.cyc_hi.val();
        } else if (self.addr.val() == self.c_minstret.val())
            | (self.addr.val() == self.c_instret.val())
        {
            self.rdata.next = self.ins_lo.val();
        } else if (self.addr.val() == self.c_minstreth.val())
            | (self.addr.val() == self.c_instreth.val())
        {
            self.rdata.next = self.ins_hi.val();
        } else if (self.addr.val() == self.c_mvendorid.val())
            | (self.addr.val() == self.c_marchid.val())
            | (self.addr.val() == self.c_mimpid.val())
            | (self.addr.val() == self.c_mhartid.val())
        {
            self.rdata.next = 0.into();
        }
        self.known.next = (self.addr.val() == self.c_mstatus.val())
            | (self.addr.val() == self.c_misa.val())
            | (self.addr.val() == self.c_mie.val())
            | (self.addr.val() == self.c_mtvec.val())
            | (self.addr.val() == self.c_mscratch.val())
            | (self.addr.val() == self.c_mepc.val())
            | (self.addr.val() == self.c_mcause.val())
            | (self.addr.val() == self.c_mtval.val())
            | (self.addr.val() == self.c_mip.val())
            | (self.addr.val() == self.c_mcycle.val())
            | (self.addr.val() == self.c_minstret.val())
            | (self.addr.val() == self.c_mcycleh.val())
            | (self.addr.val() == self.c_minstreth.val())
            | (self.addr.val() == self.c_cycle.val())
            | (self.addr.val() == self.c_instret.val())
            | (self.addr.val() == self.c_cycleh.val())
            | (self.addr.val() == self.c_instreth.val())
            | (self.addr.val() == self.c_mvendorid.val())
            | (self.addr.val() == self.c_marchid.val())
            | (self.addr.val() == self.c_mimpid.val())
            | (self.addr.val() == self.c_mhartid.val());
        self.read_only.next = self.addr.val().get_bits::<2>(10) == 3;
        self.illegal.next = !self.known.val() | (self.read_only.val() & self.wen.val());
    }
}
