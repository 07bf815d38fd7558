//! `--backend verilator`: the NTX top's generated Verilog as a Verilator
//! model behind the pin-level harness ([`crate::pins`]) that the rust-hdl
//! backend uses too, so both count the same cycles for the same job.

use crate::backend::BackendError;
use crate::model::mem::Tcdm;
use crate::pins::{check_directions, NtxHarness, NtxPinNames};
use crate::verilator::VerilatedModel;

/// The Verilator backend: an NTX model with its TCDM.
pub type VerilatorBackend = NtxHarness<VerilatedModel>;

impl NtxHarness<VerilatedModel> {
    /// Build (or load from the cache) the model of `verilog` (top module
    /// `name`, or rust-hdl's `top`) and wrap it with memory `mem`.
    pub fn verilated(
        name: &str,
        verilog: &str,
        names: &NtxPinNames,
        mem: Tcdm,
    ) -> Result<Self, BackendError> {
        let m = VerilatedModel::build(name, verilog).map_err(|e| BackendError(e.0))?;
        check_directions(&m, names)?;
        NtxHarness::new(m, names, mem, "verilator")
    }
}

/// The backend for the NTX top listed in [`crate::flow_blocks`] as `ntx`.
pub fn create(mem: Tcdm) -> Result<VerilatorBackend, BackendError> {
    // Generate (and patch) the Verilog once per process.
    static VERILOG: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    let v = VERILOG.get_or_init(|| crate::flow_blocks::verilog("ntx"));
    let v = v.as_ref().ok_or_else(|| {
        BackendError("the NTX top is not in flow_blocks::blocks(); no Verilog to verilate".into())
    })?;
    NtxHarness::verilated("ntx", v, &NtxPinNames::default(), mem)
}
