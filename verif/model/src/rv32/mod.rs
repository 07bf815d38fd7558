//! Golden model of the cluster's RISC-V control core (spec 10): an
//! instruction-set simulator for RV32IM_Zicsr_Zifencei in machine mode
//! ([`Hart`]), the system it runs on ([`System`]: L2, the functional cluster,
//! cluster control, simulation control) and the ELF loader ([`elf`]).
//!
//! Cycle accounting of the untimed ISS: `mcycle` counts steps (one per
//! retired instruction, per trap or interrupt entry, per `wfi` wait or
//! retried access), `minstret` retired instructions; without traps and
//! waits `mcycle == minstret`. Timed figures come from the RTL core.

pub mod asm;
pub mod elf;
pub mod hart;
pub mod system;

pub use hart::{mul_div, Bus, Fault, Hart, Retire};
pub use system::{RunError, System, WFI};

use elf::Region;
use ntx_params::cluster::TCDM_BASE;
use ntx_params::core::{L2_BASE, L2_BYTES};

/// Memories an ELF may load into: L2, and the TCDM of `tcdm_bytes`.
pub fn load_regions(tcdm_bytes: u32) -> [Region; 2] {
    [
        Region {
            name: "L2",
            base: L2_BASE,
            bytes: L2_BYTES,
        },
        Region {
            name: "TCDM",
            base: TCDM_BASE,
            bytes: tcdm_bytes,
        },
    ]
}
