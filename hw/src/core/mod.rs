//! The cluster's RISC-V control core (RV32IM_Zicsr_Zifencei, machine mode,
//! spec section 10) and its system: [`top::Core`] (two-stage pipeline) built
//! from the decoder, register file, ALU, mul/div unit, CSR unit and
//! load/store unit; [`l2::L2`] (the 128 KiB dual-port L2) and [`soc::Soc`]
//! (core + L2 + simulation control + external data port).

pub mod alu;
pub mod csr;
pub mod csr_read;
pub mod decode;
pub mod ext_req;
pub mod l2;
pub mod lsu;
pub mod mul16;
pub mod muldiv;
pub mod regfile;
pub mod sim_window;
pub mod soc;
pub mod top;

pub use top::Core;
