//! Firmware build flow (spec 10): compiles the C / assembly sources of
//! `verif/firmware/` with Debian's `riscv64-unknown-elf-gcc` and picolibc
//! into `target/firmware/`, with the generated `ntx_params.h` (every number
//! of the firmware's register map, from `ntx_hw::params`).
//!
//! Flags are exactly spec 10's `-march=rv32im -misa-spec=2.2 -mabi=ilp32`.
//! Outputs are written to a private temporary name and renamed, so parallel
//! test processes may build the same image.

use crate::model::job::Command;
use ntx_hw::params::cluster::{DMA_BASE, N_NTX, TCDM_BASE};
use ntx_hw::params::cluster_map::NTX_WINDOW_BYTES;
use ntx_hw::params::core::{self as pc, cause, csr};
use ntx_hw::params::dma::regs as dregs;
use ntx_hw::params::{ntx_base_addr, opcode, regs, NTX_BROADCAST_ADDR, N_AGUS, N_LOOPS};
use std::path::{Path, PathBuf};
use std::process::Command as Proc;
use std::sync::atomic::{AtomicU64, Ordering};

/// The cross compiler (Debian package `gcc-riscv64-unknown-elf`).
pub const CC: &str = "riscv64-unknown-elf-gcc";
/// ISA / ABI flags of spec 10.
pub const ARCH_FLAGS: [&str; 3] = ["-march=rv32im", "-misa-spec=2.2", "-mabi=ilp32"];

/// Where an image runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// The ntx-rs system (ISS, RTL): L2 at 0x1C00_0000, EXIT/PUTC.
    Ntx,
    /// `qemu-system-riscv32 -M virt -bios none`: RAM at 0x8000_0000, the
    /// virt test device ends the run, PUTC goes to the UART.
    QemuVirt,
}

/// `verif/firmware/`: the sources.
pub fn source_dir() -> PathBuf {
    crate::runctl::verif_path("firmware")
}

/// `target/firmware/`: the build outputs.
pub fn default_out_dir() -> PathBuf {
    crate::runctl::target_path("firmware")
}

/// The `#define`s of `ntx_params.h`, from `ntx_hw::params` (name, value).
pub fn params_defines() -> Vec<(String, u32)> {
    let mut d: Vec<(String, u32)> = Vec::new();
    let mut put = |n: &str, v: u32| d.push((n.to_string(), v));
    put("NTX_RESET_PC", pc::RESET_PC);
    put("NTX_L2_BASE", pc::L2_BASE);
    put("NTX_L2_BYTES", pc::L2_BYTES);
    put("NTX_SIMCTRL_BASE", pc::SIMCTRL_BASE);
    put("NTX_SIMCTRL_EXIT", pc::SIMCTRL_EXIT);
    put("NTX_SIMCTRL_PUTC", pc::SIMCTRL_PUTC);
    put("NTX_CLUSTER_CTRL_BASE", pc::CLUSTER_CTRL_BASE);
    put("NTX_IRQ_PENDING", pc::IRQ_PENDING);
    put("NTX_IRQ_ENABLE", pc::IRQ_ENABLE);
    put("NTX_IRQ_DMA_BIT", pc::IRQ_DMA_BIT);
    put("NTX_IRQ_SOURCES", pc::IRQ_SOURCES);
    put("NTX_TCDM_BASE", TCDM_BASE);
    put("NTX_N_NTX", N_NTX as u32);
    put("NTX_N_LOOPS", N_LOOPS as u32);
    put("NTX_N_AGUS", N_AGUS as u32);
    put("NTX_BASE0", ntx_base_addr(0));
    put("NTX_WINDOW_BYTES", NTX_WINDOW_BYTES);
    put("NTX_BROADCAST_BASE", NTX_BROADCAST_ADDR);
    put("NTX_REG_STATUS", regs::STATUS);
    put("NTX_REG_CTRL", regs::CTRL);
    put("NTX_REG_CMD", regs::CMD);
    put("NTX_REG_IRQ", regs::IRQ);
    put("NTX_REG_LOOP_END", regs::LOOP_END);
    put("NTX_REG_AGU0_BASE", regs::AGU0_BASE);
    put("NTX_REG_AGU1_BASE", regs::AGU1_BASE);
    put("NTX_REG_AGU2_BASE", regs::AGU2_BASE);
    put("NTX_STATUS_IDLE", regs::STATUS_IDLE);
    for (n, v) in [
        ("MAC", opcode::MAC),
        ("VADDSUB", opcode::VADDSUB),
        ("VMULT", opcode::VMULT),
        ("OUTERP", opcode::OUTERP),
        ("MAXMIN", opcode::MAXMIN),
        ("THTST", opcode::THTST),
        ("MASK", opcode::MASK),
        ("MASKMAC", opcode::MASKMAC),
        ("COPY", opcode::COPY),
    ] {
        put(&format!("NTX_OP_{n}"), v);
    }
    // Command-word field positions, from the model's encoder (spec 4).
    let shift = |c: Command| c.encode().trailing_zeros();
    let one = Command::default();
    put("NTX_CMD_OPCODE_SHIFT", 0);
    put(
        "NTX_CMD_INIT_LEVEL_SHIFT",
        shift(Command {
            init_level: 1,
            ..one
        }),
    );
    put(
        "NTX_CMD_INNER_LEVEL_SHIFT",
        shift(Command {
            inner_level: 1,
            ..one
        }),
    );
    put(
        "NTX_CMD_OUTER_LEVEL_SHIFT",
        shift(Command {
            outer_level: 1,
            ..one
        }),
    );
    put(
        "NTX_CMD_INIT_SEL_SHIFT",
        shift(Command { init_sel: 1, ..one }),
    );
    put("NTX_CMD_AUX_SHIFT", shift(Command { aux: 1, ..one }));
    put(
        "NTX_CMD_IRQ_CFG_SHIFT",
        shift(Command { irq_cfg: 1, ..one }),
    );
    put(
        "NTX_CMD_POLARITY_SHIFT",
        shift(Command {
            polarity: true,
            ..one
        }),
    );
    put("NTX_DMA_BASE", DMA_BASE);
    put("NTX_DMA_EXT_ADDR", dregs::EXT_ADDR);
    put("NTX_DMA_TCDM_ADDR", dregs::TCDM_ADDR);
    put("NTX_DMA_ROW_BYTES", dregs::ROW_BYTES);
    put("NTX_DMA_ROWS", dregs::ROWS);
    put("NTX_DMA_EXT_STRIDE", dregs::EXT_STRIDE);
    put("NTX_DMA_TCDM_STRIDE", dregs::TCDM_STRIDE);
    put("NTX_DMA_CMD", dregs::CMD);
    put("NTX_DMA_STATUS", dregs::STATUS);
    // DMA STATUS bits (params::dma::regs::STATUS doc).
    put("NTX_DMA_STATUS_BUSY", 1);
    put("NTX_DMA_STATUS_DONE", 2);
    put("NTX_DMA_STATUS_ERROR", 4);
    put("NTX_MSTATUS_MIE", csr::MSTATUS_MIE);
    put("NTX_MIE_MEIE", csr::MEI_BIT);
    put("NTX_CAUSE_ILLEGAL", cause::ILLEGAL);
    put("NTX_CAUSE_BREAKPOINT", cause::BREAKPOINT);
    put("NTX_CAUSE_ECALL_M", cause::ECALL_M);
    put("NTX_CAUSE_LOAD_ACCESS", cause::LOAD_ACCESS);
    put("NTX_CAUSE_STORE_ACCESS", cause::STORE_ACCESS);
    put("NTX_CAUSE_LOAD_MISALIGNED", cause::LOAD_MISALIGNED);
    put("NTX_CAUSE_STORE_MISALIGNED", cause::STORE_MISALIGNED);
    put(
        "NTX_CAUSE_MACHINE_EXTERNAL_IRQ",
        cause::MACHINE_EXTERNAL_IRQ,
    );
    d
}

/// Text of `ntx_params.h` (C and assembler).
pub fn params_header() -> String {
    let mut s = String::from(
        "/* Generated by ntx_verif::firmware::params_header from hw/src/params.rs: do not edit. */\n\
         #ifndef NTX_PARAMS_H\n#define NTX_PARAMS_H\n",
    );
    for (n, v) in params_defines() {
        s += &format!("#define {n} 0x{v:x}u\n");
    }
    // The assembler does not take the `u` suffix.
    s = s.replace(
        "#define NTX_SIMCTRL_BASE 0x1a000000u",
        "#define NTX_SIMCTRL_BASE 0x1a000000",
    );
    s = s.replace(
        "#define NTX_SIMCTRL_EXIT 0x0u",
        "#define NTX_SIMCTRL_EXIT 0x0",
    );
    s + "#endif\n"
}

static UNIQUE: AtomicU64 = AtomicU64::new(0);

fn tmp_name(p: &Path) -> PathBuf {
    let n = UNIQUE.fetch_add(1, Ordering::Relaxed);
    let mut s = p.as_os_str().to_owned();
    s.push(format!(".tmp{}-{n}", std::process::id()));
    PathBuf::from(s)
}

fn write_atomic(p: &Path, data: &[u8]) -> Result<(), String> {
    let t = tmp_name(p);
    std::fs::write(&t, data).map_err(|e| format!("{}: {e}", t.display()))?;
    std::fs::rename(&t, p).map_err(|e| format!("{}: {e}", p.display()))
}

/// Fails loudly when the cross compiler or picolibc is missing.
pub fn check_toolchain() -> Result<(), String> {
    let out = Proc::new(CC)
        .args(ARCH_FLAGS)
        .args(["--specs=picolibc.specs", "-print-multi-directory"])
        .output()
        .map_err(|e| {
            format!("{CC} not runnable ({e}): run scripts/install-tools (Debian packages gcc-riscv64-unknown-elf, picolibc-riscv64-unknown-elf)")
        })?;
    let dir = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if !out.status.success() || dir != "rv32im/ilp32" {
        return Err(format!(
            "{CC} with spec-10 flags selects multilib {dir:?}, not rv32im/ilp32 (is picolibc-riscv64-unknown-elf installed?): {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(())
}

/// Compile and link `sources` (with crt0.S and ntx_rt.c) into
/// `out_dir/<name>.elf` for `target`. Relative sources are taken from
/// [`source_dir`]. Returns the ELF path.
pub fn build(
    out_dir: &Path,
    name: &str,
    sources: &[PathBuf],
    target: Target,
    extra_flags: &[&str],
) -> Result<PathBuf, String> {
    check_toolchain()?;
    let inc = out_dir.join("include");
    std::fs::create_dir_all(&inc).map_err(|e| format!("{}: {e}", inc.display()))?;
    write_atomic(&inc.join("ntx_params.h"), params_header().as_bytes())?;
    let src = source_dir();
    let elf = out_dir.join(format!("{name}.elf"));
    let tmp = tmp_name(&elf);
    let mut cmd = Proc::new(CC);
    cmd.args(ARCH_FLAGS)
        .args([
            "--specs=picolibc.specs",
            "-O2",
            "-g",
            "-Wall",
            "-Werror",
            "-nostartfiles",
            "-ffunction-sections",
        ])
        .arg(format!("-I{}", src.display()))
        .arg(format!("-I{}", inc.display()))
        .arg(format!("-T{}", src.join("ntx.ld").display()));
    if target == Target::QemuVirt {
        cmd.args(["-DNTX_QEMU_VIRT", "-Wl,--defsym=__l2_base=0x80000000"]);
    }
    cmd.args(extra_flags);
    cmd.arg(src.join("crt0.S")).arg(src.join("ntx_rt.c"));
    for s in sources {
        cmd.arg(if s.is_absolute() {
            s.clone()
        } else {
            src.join(s)
        });
    }
    cmd.arg("-o").arg(&tmp);
    let out = cmd.output().map_err(|e| format!("cannot run {CC}: {e}"))?;
    if !out.status.success() {
        let _ = std::fs::remove_file(&tmp);
        return Err(format!(
            "building firmware {name} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    std::fs::rename(&tmp, &elf).map_err(|e| format!("{}: {e}", elf.display()))?;
    Ok(elf)
}

/// The example programs of `verif/firmware/examples/` (file stems).
pub const EXAMPLES: [&str; 6] = ["hello", "mac_poll", "mac_irq", "conv3x3", "dbuf", "offload"];

/// Build example `name` (`examples/<name>.c`) for the ntx-rs system.
pub fn build_example(out_dir: &Path, name: &str) -> Result<PathBuf, String> {
    build(
        out_dir,
        name,
        &[PathBuf::from(format!("examples/{name}.c"))],
        Target::Ntx,
        &[],
    )
}

/// Build every example into `out_dir`.
pub fn build_examples(out_dir: &Path) -> Result<Vec<PathBuf>, String> {
    EXAMPLES.iter().map(|n| build_example(out_dir, n)).collect()
}

/// The directed ISA tests of `verif/firmware/isa/` (file stems; each
/// returns 0 or `(n << 1) | 1` from main).
pub const ISA_TESTS: [&str; 3] = ["alu", "muldiv", "csr_trap"];

/// Build ISA test `name` (`isa/<name>.S`) for `target` (`<name>.elf` or
/// `<name>-qemu.elf`).
pub fn build_isa(out_dir: &Path, name: &str, target: Target) -> Result<PathBuf, String> {
    let out = match target {
        Target::Ntx => name.to_string(),
        Target::QemuVirt => format!("{name}-qemu"),
    };
    build(
        out_dir,
        &out,
        &[PathBuf::from(format!("isa/{name}.S"))],
        target,
        &[],
    )
}

/// The system emulator of the ISA cross-check.
pub const QEMU_SYSTEM: &str = "qemu-system-riscv32";

/// Run a `Target::QemuVirt` image on `qemu-system-riscv32 -M virt -bios
/// none` (killed after `timeout_s`); returns (exit status, console).
pub fn run_qemu_virt(elf: &Path, timeout_s: u32) -> Result<(i32, String), String> {
    let out = Proc::new("timeout")
        .arg(timeout_s.to_string())
        .arg(QEMU_SYSTEM)
        .args([
            "-M",
            "virt",
            "-bios",
            "none",
            "-nographic",
            "-monitor",
            "none",
        ])
        .args(["-serial", "stdio", "-kernel"])
        .arg(elf)
        .output()
        .map_err(|e| format!("cannot run timeout {QEMU_SYSTEM}: {e}"))?;
    let code = out.status.code().unwrap_or(-1);
    if code == 124 {
        return Err(format!(
            "{QEMU_SYSTEM} {}: timed out after {timeout_s} s",
            elf.display()
        ));
    }
    if code == 127 || code == 126 {
        return Err(format!(
            "{QEMU_SYSTEM} not runnable: run scripts/install-tools (Debian package qemu-system-misc)"
        ));
    }
    Ok((code, String::from_utf8_lossy(&out.stdout).into_owned()))
}
