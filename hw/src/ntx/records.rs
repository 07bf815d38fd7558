//! Records the NTX passes between its stages, as rust-hdl structs whose
//! layout is tied to [`crate::params`] (the golden model encodes the
//! command word from the same constants), and the opcode constants the
//! RTL compares with.

use crate::params::{cmd, elem, irq, opcode, wq};
use rust_hdl::prelude::*;

/// The command word as the NTX keeps it (bits `cmd::WIDTH - 1 .. 0`;
/// fields in [`cmd`] order, first field lowest).
#[derive(Copy, Clone, Default, Debug, PartialEq, Eq, LogicStruct)]
pub struct CmdWord {
    pub opcode: Bits<{ cmd::OPCODE_WIDTH }>,
    pub init_level: Bits<{ cmd::LEVEL_WIDTH }>,
    pub inner_level: Bits<{ cmd::LEVEL_WIDTH }>,
    pub outer_level: Bits<{ cmd::LEVEL_WIDTH }>,
    pub init_sel: Bits<{ cmd::INIT_SEL_WIDTH }>,
    pub aux: Bits<{ cmd::AUX_WIDTH }>,
    pub irq_cfg: Bits<{ cmd::IRQ_CFG_WIDTH }>,
    pub polarity: Bit,
}
const _: () = assert!(<CmdWord as Synth>::BITS == cmd::WIDTH);

/// One element (DAG step) from the generator to execute, through the
/// element FIFO (fields in [`elem`] order, first field lowest).
#[derive(Copy, Clone, Default, Debug, PartialEq, Eq, LogicStruct)]
pub struct ElemRec {
    pub opcode: Bits<{ cmd::OPCODE_WIDTH }>,
    pub aux: Bits<{ cmd::AUX_WIDTH }>,
    pub polarity: Bit,
    pub init_sel: Bits<{ cmd::INIT_SEL_WIDTH }>,
    /// Initialises the accumulator / ALU state.
    pub init: Bit,
    /// Stores a result.
    pub store: Bit,
    /// Reads operand A, B, C.
    pub read_a: Bit,
    pub read_b: Bit,
    pub read_c: Bit,
    /// IRQ bits to raise when its store retires.
    pub irq: Bits<{ irq::WIDTH }>,
    /// Belongs to an IEEE-mode job.
    pub ieee: Bit,
}
const _: () = assert!(<ElemRec as Synth>::BITS == elem::WIDTH);

/// A write-queue entry: the value, cancelled (a MASKMAC store whose test
/// is false) and the IRQ bits it raises when it retires. The FMAC's tag
/// carries `cancel` and `irq` in the same order from its bit 0.
#[derive(Copy, Clone, Default, Debug, PartialEq, Eq, LogicStruct)]
pub struct WqEntry {
    pub data: Bits<{ crate::params::DATA_WIDTH }>,
    pub cancel: Bit,
    pub irq: Bits<{ irq::WIDTH }>,
}
const _: () = assert!(<WqEntry as Synth>::BITS == wq::WIDTH);

/// Opcode value `v` as the RTL's 4-bit constant.
pub fn op(v: u32) -> Constant<Bits<{ cmd::OPCODE_WIDTH }>> {
    assert!(v < opcode::COUNT);
    Constant::new((v as u64).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_match_params() {
        let c = CmdWord::default();
        assert_eq!(c.get_my_offset_opcode(), cmd::OPCODE_LSB);
        assert_eq!(c.get_my_offset_init_level(), cmd::INIT_LEVEL_LSB);
        assert_eq!(c.get_my_offset_inner_level(), cmd::INNER_LEVEL_LSB);
        assert_eq!(c.get_my_offset_outer_level(), cmd::OUTER_LEVEL_LSB);
        assert_eq!(c.get_my_offset_init_sel(), cmd::INIT_SEL_LSB);
        assert_eq!(c.get_my_offset_aux(), cmd::AUX_LSB);
        assert_eq!(c.get_my_offset_irq_cfg(), cmd::IRQ_CFG_LSB);
        assert_eq!(c.get_my_offset_polarity(), cmd::POLARITY_BIT);
        let e = ElemRec::default();
        assert_eq!(e.get_my_offset_opcode(), elem::OPCODE_LSB);
        assert_eq!(e.get_my_offset_aux(), elem::AUX_LSB);
        assert_eq!(e.get_my_offset_polarity(), elem::POLARITY_BIT);
        assert_eq!(e.get_my_offset_init_sel(), elem::INIT_SEL_LSB);
        assert_eq!(e.get_my_offset_init(), elem::INIT_BIT);
        assert_eq!(e.get_my_offset_store(), elem::STORE_BIT);
        assert_eq!(e.get_my_offset_read_a(), elem::READ_A_BIT);
        assert_eq!(e.get_my_offset_read_b(), elem::READ_B_BIT);
        assert_eq!(e.get_my_offset_read_c(), elem::READ_C_BIT);
        assert_eq!(e.get_my_offset_irq(), elem::IRQ_LSB);
        assert_eq!(e.get_my_offset_ieee(), elem::IEEE_BIT);
        let w = WqEntry::default();
        assert_eq!(w.get_my_offset_data(), wq::DATA_LSB);
        assert_eq!(w.get_my_offset_cancel(), wq::CANCEL_BIT);
        assert_eq!(w.get_my_offset_irq(), wq::IRQ_LSB);
    }
}
