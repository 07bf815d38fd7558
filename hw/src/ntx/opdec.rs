//! Opcode decoder (combinational): one flag per opcode of
//! [`crate::params::opcode`], compared with constants taken from there.

use super::records::op;
use crate::params::{cmd, opcode};
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct OpDecode {
    pub op: Signal<In, Bits<{ cmd::OPCODE_WIDTH }>>,
    pub mac: Signal<Out, Bit>,
    pub vaddsub: Signal<Out, Bit>,
    pub vmult: Signal<Out, Bit>,
    pub outerp: Signal<Out, Bit>,
    pub maxmin: Signal<Out, Bit>,
    pub thtst: Signal<Out, Bit>,
    pub mask: Signal<Out, Bit>,
    pub maskmac: Signal<Out, Bit>,
    pub copy: Signal<Out, Bit>,
    k_mac: Constant<Bits<{ cmd::OPCODE_WIDTH }>>,
    k_vaddsub: Constant<Bits<{ cmd::OPCODE_WIDTH }>>,
    k_vmult: Constant<Bits<{ cmd::OPCODE_WIDTH }>>,
    k_outerp: Constant<Bits<{ cmd::OPCODE_WIDTH }>>,
    k_maxmin: Constant<Bits<{ cmd::OPCODE_WIDTH }>>,
    k_thtst: Constant<Bits<{ cmd::OPCODE_WIDTH }>>,
    k_mask: Constant<Bits<{ cmd::OPCODE_WIDTH }>>,
    k_maskmac: Constant<Bits<{ cmd::OPCODE_WIDTH }>>,
    k_copy: Constant<Bits<{ cmd::OPCODE_WIDTH }>>,
}

impl Default for OpDecode {
    fn default() -> Self {
        Self {
            op: Default::default(),
            mac: Default::default(),
            vaddsub: Default::default(),
            vmult: Default::default(),
            outerp: Default::default(),
            maxmin: Default::default(),
            thtst: Default::default(),
            mask: Default::default(),
            maskmac: Default::default(),
            copy: Default::default(),
            k_mac: op(opcode::MAC),
            k_vaddsub: op(opcode::VADDSUB),
            k_vmult: op(opcode::VMULT),
            k_outerp: op(opcode::OUTERP),
            k_maxmin: op(opcode::MAXMIN),
            k_thtst: op(opcode::THTST),
            k_mask: op(opcode::MASK),
            k_maskmac: op(opcode::MASKMAC),
            k_copy: op(opcode::COPY),
        }
    }
}
const _: () = assert!(opcode::COUNT < 1 << cmd::OPCODE_WIDTH);

impl Logic for OpDecode {
    #[hdl_gen]
    fn update(&mut self) {
        self.mac.next = self.op.val() == self.k_mac.val();
        self.vaddsub.next = self.op.val() == self.k_vaddsub.val();
        self.vmult.next = self.op.val() == self.k_vmult.val();
        self.outerp.next = self.op.val() == self.k_outerp.val();
        self.maxmin.next = self.op.val() == self.k_maxmin.val();
        self.thtst.next = self.op.val() == self.k_thtst.val();
        self.mask.next = self.op.val() == self.k_mask.val();
        self.maskmac.next = self.op.val() == self.k_maskmac.val();
        self.copy.next = self.op.val() == self.k_copy.val();
    }
}

/// Opcode check (combinational): `valid` iff the opcode is below
/// [`opcode::COUNT`].
#[derive(LogicBlock)]
pub struct OpValid {
    pub op: Signal<In, Bits<{ cmd::OPCODE_WIDTH }>>,
    pub valid: Signal<Out, Bit>,
    k_count: Constant<Bits<{ cmd::OPCODE_WIDTH }>>,
}

impl Default for OpValid {
    fn default() -> Self {
        Self {
            op: Default::default(),
            valid: Default::default(),
            k_count: Constant::new((opcode::COUNT as u64).into()),
        }
    }
}

impl Logic for OpValid {
    #[hdl_gen]
    fn update(&mut self) {
        self.valid.next = self.op.val() < self.k_count.val();
    }
}
