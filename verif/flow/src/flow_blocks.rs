//! Every synthesizable block of ntx-hw with its Verilog, for the tool flow
//! scripts (`scripts/synth`, `scripts/lint`, via `ntx verilog --out DIR`).
//!
//! Add a block here when it lands; the scripts pick it up from the list.

use crate::flow::write_verilog;
use rust_hdl::prelude::*;
use std::path::{Path, PathBuf};

fn verilog_of<B: Block + Default>() -> String {
    let mut uut = B::default();
    uut.connect_all();
    generate_verilog(&uut)
}

/// The DMA with an 8-word FIFO, a 4 KiB TCDM window and 64 KiB outside
/// (the sizes only set address-check constants; the logic is the same).
fn dma_verilog() -> String {
    let mut uut = ntx_hw::dma::Dma::<8>::new(4096, 1 << 16);
    uut.connect_all();
    generate_verilog(&uut)
}

/// A block's Verilog generator.
pub type VerilogGen = fn() -> String;

/// (module name, generator) of every block, top-level blocks first.
pub fn blocks() -> Vec<(&'static str, VerilogGen)> {
    use ntx_hw::fmac;
    vec![
        ("ntx", verilog_of::<ntx_hw::ntx::Ntx>),
        ("fmac", verilog_of::<fmac::Fmac> as VerilogGen),
        ("dag", verilog_of::<ntx_hw::dag::Dag>),
        ("ntx_regif", verilog_of::<ntx_hw::ntx::regif::RegIf>),
        ("ntx_port", verilog_of::<ntx_hw::ntx::port::Port>),
        (
            "ntx_scoreboard",
            verilog_of::<ntx_hw::ntx::scoreboard::Scoreboard>,
        ),
        (
            "ntx_fifo16x17",
            verilog_of::<ntx_hw::ntx::fifo::Fifo16<Bits<17>>>,
        ),
        ("fmac_mult", verilog_of::<fmac::mult::Mult>),
        ("fmac_load_prep", verilog_of::<fmac::align::LoadPrep>),
        ("fmac_align", verilog_of::<fmac::align::Align>),
        ("fmac_accu", verilog_of::<fmac::accu::Accu>),
        ("fmac_lzc", verilog_of::<fmac::lzc::Lzc32>),
        ("fmac_norm", verilog_of::<fmac::norm::Norm>),
        ("wide_adder_284", verilog_of::<fmac::WideAdder>),
        ("dma", dma_verilog),
        ("tcdm_bank", verilog_of::<ntx_hw::tcdm::bank::Bank<4>>),
        ("core_decode", verilog_of::<ntx_hw::core::decode::Decode>),
        ("core_regfile", verilog_of::<ntx_hw::core::regfile::RegFile>),
        ("core_alu", verilog_of::<ntx_hw::core::alu::Alu>),
        ("core_muldiv", verilog_of::<ntx_hw::core::muldiv::MulDiv>),
        ("core_csr", verilog_of::<ntx_hw::core::csr::Csr>),
        ("core_lsu", verilog_of::<ntx_hw::core::lsu::Lsu>),
        (
            "system_ctrl_req",
            verilog_of::<ntx_hw::system::ctrl_req::CtrlReq>,
        ),
        (
            "system_ctrl_regs",
            verilog_of::<ntx_hw::system::ctrl_regs::CtrlRegs>,
        ),
        (
            "system_ctrl_resp",
            verilog_of::<ntx_hw::system::ctrl_resp::CtrlResp>,
        ),
        (
            "tcdm_xbar_6x8",
            verilog_of::<ntx_hw::tcdm::xbar::Xbar<6, 8>>,
        ),
    ]
}

/// Verilog of the control core top (`ntx_hw::core::Core`; composed, so
/// lints strictly, see `verif/tests/suite/core_flow.rs`).
pub fn core_verilog() -> String {
    verilog_of::<ntx_hw::core::Core>()
}

/// Verilog of block `name` (top module renamed to `name` by the writers).
pub fn verilog(name: &str) -> Option<String> {
    blocks()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, g)| g())
}

/// Verilog of the whole cluster (`Cluster<B, N>`, 32 Ki words of TCDM) for
/// `banks` = 8, 16, 32 or 64 banks (top module `cluster`). Built on a big
/// stack; takes seconds.
pub fn cluster_verilog(banks: usize) -> Result<String, String> {
    use ntx_hw::cluster::Cluster;
    fn gen<const B: usize, const N: usize>() -> Result<String, String> {
        let mut uut: Box<Cluster<B, N>> = Box::default();
        uut.connect_all();
        Ok(generate_verilog(&*uut))
    }
    crate::composed::big_stack(move || {
        crate::bank_dispatch!(cluster, banks, gen::<_, _>(),
            b => Err(format!("--cluster-banks must be 8, 16, 32 or 64 (got {b})")))
    })
}

/// Write `DIR/<name>.v` for every block (top module named `<name>`);
/// returns the files in [`blocks`] order.
pub fn write_all_verilog(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    blocks()
        .into_iter()
        .map(|(name, gen)| write_verilog(dir, name, &gen()))
        .collect()
}
