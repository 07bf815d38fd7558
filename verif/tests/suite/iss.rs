//! Directed tests of the ISS API the lock-step verification uses: interrupt
//! entry and its determinism, `wfi`, `take_interrupt`, retried (not
//! granted) accesses, counters, CSR access rules and the system bus map.
//! (Instruction semantics: `iss_isa.rs` and `iss_fuzz.rs` against qemu.)

use ntx_hw::params::core::{cause, csr, CLUSTER_CTRL_BASE, IRQ_ENABLE, IRQ_PENDING, L2_BASE};
use ntx_hw::params::{ntx_base_addr, regs};
use ntx_verif::model::rv32::asm::{self, li};
use ntx_verif::model::rv32::{Bus, Fault, Hart, System, WFI};

/// A flat test bus: 4 KiB at `L2_BASE`, an interrupt line, and an address
/// whose stores are not granted `retries` times.
struct TestBus {
    mem: Vec<u8>,
    irq: bool,
    retries: u32,
}

const BUSY_ADDR: u32 = 0x3000_0000;

impl Bus for TestBus {
    fn fetch(&mut self, a: u32) -> Result<u32, Fault> {
        self.load(a, 4)
    }
    fn load(&mut self, a: u32, size: u8) -> Result<u32, Fault> {
        let o = a.wrapping_sub(L2_BASE) as usize;
        if o + size as usize > self.mem.len() {
            return Err(Fault::Access);
        }
        Ok((0..size as usize).fold(0, |v, k| v | (self.mem[o + k] as u32) << (8 * k)))
    }
    fn store(&mut self, a: u32, size: u8, v: u32) -> Result<(), Fault> {
        if a == BUSY_ADDR {
            if self.retries > 0 {
                self.retries -= 1;
                return Err(Fault::Retry);
            }
            return Ok(());
        }
        let o = a.wrapping_sub(L2_BASE) as usize;
        if o + size as usize > self.mem.len() {
            return Err(Fault::Access);
        }
        for k in 0..size as usize {
            self.mem[o + k] = (v >> (8 * k)) as u8;
        }
        Ok(())
    }
    fn irq(&self) -> bool {
        self.irq
    }
}

fn bus(code: &[u32]) -> TestBus {
    let mut mem = vec![0u8; 4096];
    for (i, w) in code.iter().enumerate() {
        mem[4 * i..4 * i + 4].copy_from_slice(&w.to_le_bytes());
    }
    TestBus {
        mem,
        irq: false,
        retries: 0,
    }
}

const NOP: u32 = 0x13;

#[test]
fn interrupt_is_taken_before_fetch_only_when_enabled() {
    let mut h = Hart::new();
    let mut b = bus(&[NOP; 16]);
    h.mtvec = L2_BASE + 0x100;
    b.irq = true;
    // MIE off: no interrupt.
    assert_eq!(h.step(&mut b).trap, None);
    h.mie = csr::MEI_BIT;
    assert_eq!(h.step(&mut b).trap, None);
    assert_eq!(h.csr_read(csr::MIP), Some(csr::MEI_BIT));
    h.mstatus = csr::MSTATUS_MIE;
    let pc = h.pc;
    let r = h.step(&mut b);
    assert_eq!(r.trap, Some(cause::MACHINE_EXTERNAL_IRQ));
    assert_eq!((r.pc, r.insn, r.rd), (pc, 0, 0));
    assert_eq!(h.pc, L2_BASE + 0x100);
    assert_eq!(h.mepc, pc);
    assert_eq!(h.mcause, cause::MACHINE_EXTERNAL_IRQ);
    assert_eq!(
        h.csr_read(csr::MSTATUS),
        Some(csr::MSTATUS_MPIE | csr::MSTATUS_MPP)
    );
    // Not retired: minstret counts the two nops only; mcycle three steps.
    assert_eq!((h.minstret, h.mcycle), (2, 3));
}

#[test]
fn take_interrupt_forces_entry() {
    let mut h = Hart::new();
    h.mtvec = L2_BASE + 0x40;
    h.pc = L2_BASE + 8;
    let r = h.take_interrupt();
    assert_eq!(r.trap, Some(cause::MACHINE_EXTERNAL_IRQ));
    assert_eq!((h.pc, h.mepc), (L2_BASE + 0x40, L2_BASE + 8));
}

#[test]
fn wfi_waits_for_an_enabled_pending_interrupt() {
    let mut h = Hart::new();
    let mut b = bus(&[WFI, NOP]);
    let r = h.step(&mut b);
    assert!(r.stall && r.trap.is_none());
    assert_eq!((h.pc, h.minstret, h.mcycle), (L2_BASE, 0, 1));
    b.irq = true; // pending but not enabled in mie: still waits
    assert!(h.step(&mut b).stall);
    h.mie = csr::MEI_BIT; // enabled, mstatus.MIE off: wfi retires
    let r = h.step(&mut b);
    assert!(!r.stall && r.trap.is_none());
    assert_eq!(h.pc, L2_BASE + 4);
}

#[test]
fn not_granted_store_stalls_and_retries() {
    let mut code = li(5, BUSY_ADDR).to_vec();
    code.push(asm::s(2, 5, 0, 0));
    let mut h = Hart::new();
    let mut b = bus(&code);
    b.retries = 3;
    h.step(&mut b);
    h.step(&mut b);
    for _ in 0..3 {
        let r = h.step(&mut b);
        assert!(r.stall);
        assert_eq!(h.pc, L2_BASE + 8);
    }
    let r = h.step(&mut b);
    assert!(!r.stall && r.trap.is_none());
    assert_eq!((h.minstret, h.mcycle), (3, 6));
}

#[test]
fn set_counters_and_csr_rules() {
    let mut h = Hart::new();
    h.set_counters(0x1_0000_0005, 0x2_0000_0007);
    assert_eq!(h.csr_read(csr::MCYCLEH), Some(1));
    assert_eq!(h.csr_read(csr::CYCLE), Some(5));
    assert_eq!(h.csr_read(csr::INSTRETH), Some(2));
    assert_eq!(h.csr_read(csr::MINSTRET), Some(7));
    assert_eq!(h.csr_read(csr::MHARTID), Some(0));
    assert_eq!(h.csr_read(csr::MISA), Some(csr::MISA_VALUE));
    assert_eq!(h.csr_read(0x7C0), None);
    assert_eq!(h.csr_read(0xC01), None); // time is not implemented
    assert!(!h.csr_write(csr::CYCLE, 0));
    assert!(!h.csr_write(csr::MHARTID, 0));
    assert!(h.csr_write(csr::MISA, 0));
    assert_eq!(h.csr_read(csr::MISA), Some(csr::MISA_VALUE));
    // csrrw to cycle (read-only) is illegal; the trap has mtval = insn.
    let insn = asm::i(0x73, 1, 0, 0, csr::CYCLE as i32);
    let mut b = bus(&[insn]);
    let r = h.step(&mut b);
    assert_eq!(r.trap, Some(cause::ILLEGAL));
    assert_eq!(h.mtval, insn);
}

#[test]
fn system_bus_map_and_pending_source_register() {
    let mut s = System::new();
    // Cluster control: IRQ_ENABLE resets to every source, IRQ_PENDING
    // mirrors the cluster's lines.
    assert_eq!(s.load(CLUSTER_CTRL_BASE + IRQ_ENABLE, 4), Ok(0x1FF));
    assert_eq!(s.load(CLUSTER_CTRL_BASE + IRQ_PENDING, 4), Ok(0));
    assert!(!s.irq());
    // Raise NTX 2's command-done interrupt with an invalid command (opcode 15).
    s.store(ntx_base_addr(2) + 4 * regs::CMD, 4, 0xF).unwrap();
    assert_eq!(s.load(CLUSTER_CTRL_BASE + IRQ_PENDING, 4), Ok(1 << 2));
    assert!(s.irq());
    s.store(CLUSTER_CTRL_BASE + IRQ_ENABLE, 4, !(1 << 2))
        .unwrap();
    assert!(!s.irq());
    assert_eq!(s.load(CLUSTER_CTRL_BASE + IRQ_ENABLE, 4), Ok(0x1FB));
    // Register windows take word accesses only; sub-word is an access fault.
    assert_eq!(
        s.load(CLUSTER_CTRL_BASE + IRQ_PENDING, 1),
        Err(Fault::Access)
    );
    assert_eq!(s.store(ntx_base_addr(0), 2, 0), Err(Fault::Access));
    // TCDM sub-word stores merge into the word.
    let t = ntx_hw::params::cluster::TCDM_BASE;
    s.store(t, 4, 0x1122_3344).unwrap();
    s.store(t + 1, 1, 0xAA).unwrap();
    s.store(t + 2, 2, 0xBBCC).unwrap();
    assert_eq!(s.load(t, 4), Ok(0xBBCC_AA44));
    assert_eq!(s.load(t + 2, 2), Ok(0xBBCC));
    // Unmapped, misaligned, fetch outside L2.
    assert_eq!(s.load(0, 4), Err(Fault::Access));
    assert_eq!(s.load(L2_BASE + 2, 4), Err(Fault::Misaligned));
    assert_eq!(s.fetch(t), Err(Fault::Access));
    // Simulation control.
    s.store(0x1A00_0004, 1, b'x' as u32).unwrap();
    s.store(0x1A00_0000, 4, 9).unwrap();
    assert_eq!((s.console.as_slice(), s.exit), (&b"x"[..], Some(9)));
}

#[test]
fn untimed_wfi_without_a_pending_interrupt_is_a_clear_error() {
    let mut s = System::new();
    s.l2[..4].copy_from_slice(&WFI.to_le_bytes());
    let e = s.run(1000, |_| {}).unwrap_err();
    assert!(e.to_string().contains("wfi at pc 0x1c000000"), "{e}");
    let mut s = System::new();
    s.l2[..4].copy_from_slice(&asm::jal(0, 0).to_le_bytes());
    let e = s.run(1000, |_| {}).unwrap_err();
    assert!(e.to_string().contains("cycle limit of 1000"), "{e}");
}
