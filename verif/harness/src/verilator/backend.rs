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

/// [`create`] with every register and memory bit of the model starting
/// random (`+verilator+rand+reset+2`, seed `seed`): the harness's power-up
/// soft clear must put the NTX into a working state by itself.
pub fn create_random_init(mem: Tcdm, seed: u32) -> Result<VerilatorBackend, BackendError> {
    let v = crate::flow_blocks::verilog("ntx").ok_or_else(|| {
        BackendError("the NTX top is not in flow_blocks::blocks(); no Verilog to verilate".into())
    })?;
    let names = NtxPinNames::default();
    let v = strip_initial_values(&v);
    let m = VerilatedModel::build_random_init("ntx", &v, &Default::default(), seed)
        .map_err(|e| BackendError(e.0))?;
    check_directions(&m, &names)?;
    NtxHarness::new(m, &names, mem, "verilator")
}

/// `verilog` without the `initial begin q = <const>; end` blocks that
/// rust-hdl gives every DFF: simulation-only values that silicon does not
/// have, so a random-initial-state run starts from random flip-flops.
pub fn strip_initial_values(verilog: &str) -> String {
    let lines: Vec<&str> = verilog.lines().collect();
    let mut out = String::with_capacity(verilog.len());
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim() == "initial begin" {
            let body_end = (i + 1..lines.len()).find(|&j| lines[j].trim() == "end");
            if let Some(e) = body_end {
                let consts = lines[i + 1..e].iter().all(|l| {
                    let t = l.trim();
                    t.ends_with(';') && t.contains(" = ") && !t.contains('(')
                });
                if consts {
                    i = e + 1;
                    continue;
                }
            }
        }
        out.push_str(lines[i]);
        out.push('\n');
        i += 1;
    }
    out
}
