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

/// TEMPORARY: make the NTX top's generated Verilog parse until the design
/// is fixed (then this is a no-op and should be deleted). `scripts/lint`
/// and `scripts/synth` still fail on the unpatched text, loudly.
///
/// * the port `priority` is a SystemVerilog keyword (Verilator and
///   `yosys read_verilog -sv` reject it): written as the escaped identifier
///   `\priority ` (same name, legal everywhere);
/// * `(expr)[32'h0];` (a bit-select of an expression, from `get_bit` on a
///   shifted value) is not Verilog: the select is dropped, which assigns
///   the same bit because every such target is a 1-bit signal.
///
/// Returns the patched text and the workarounds that applied.
pub fn ntx_verilog_workarounds(v: &str) -> (String, Vec<&'static str>) {
    let mut applied = Vec::new();
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$' || c == '\\';
    let kw = "priority";
    let mut out = String::with_capacity(v.len() + 64);
    let mut rest = v;
    while let Some(i) = rest.find(kw) {
        let before = rest[..i].chars().next_back().or(out.chars().next_back());
        let after = rest[i + kw.len()..].chars().next();
        out.push_str(&rest[..i]);
        if before.is_some_and(is_ident) || after.is_some_and(is_ident) {
            out.push_str(kw);
        } else {
            out.push_str("\\priority ");
            if !applied.contains(&"escaped SV keyword `priority`") {
                applied.push("escaped SV keyword `priority`");
            }
        }
        rest = &rest[i + kw.len()..];
    }
    out.push_str(rest);
    if out.contains(")[32'h0];") {
        out = out.replace(")[32'h0];", ");");
        applied.push("dropped a bit-select of an expression");
    }
    (out, applied)
}

/// The backend for the NTX top listed in [`crate::flow_blocks`] as `ntx`.
pub fn create(mem: Tcdm) -> Result<VerilatorBackend, BackendError> {
    // Generate (and patch) the Verilog once per process.
    static VERILOG: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    let v = VERILOG.get_or_init(|| {
        let v = crate::flow_blocks::verilog("ntx")?;
        let (v, applied) = ntx_verilog_workarounds(&v);
        for a in applied {
            eprintln!("ntx: warning: the NTX Verilog needed a workaround to verilate: {a}");
        }
        Some(v)
    });
    let v = v.as_ref().ok_or_else(|| {
        BackendError("the NTX top is not in flow_blocks::blocks(); no Verilog to verilate".into())
    })?;
    NtxHarness::verilated("ntx", v, &NtxPinNames::default(), mem)
}
