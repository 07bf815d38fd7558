/* Start-up code of the ntx-rs firmware ABI (ntx-spec.md section 10).
 *
 * Reset enters _start at the reset PC (the link script places .text.init
 * first in L2). It sets gp, sp (top of L2) and tp (thread-local block of
 * picolibc), clears .tbss/.bss (the ELF loader already placed .data in L2,
 * where it runs, so nothing is copied), installs the trap vector, calls
 * main(0, 0) and writes main's return value to EXIT.
 *
 * Built with -DNTX_QEMU_VIRT the same code targets qemu-system-riscv32
 * -M virt -bios none (directed ISA tests): EXIT goes to the virt test device
 * (0x5555 pass, (code << 16) | 0x3333 fail) and PUTC to the UART.
 */
#include "ntx_params.h"
#define QEMU_TEST_BASE 0x100000

    .section .text.init.enter, "ax"
    .globl _start
_start:
    .option push
    .option norelax
    la gp, __global_pointer$
    .option pop
    la sp, __stack
    la tp, __tls_base
    la t0, __bss_start
    la t1, __bss_end
1:  bgeu t0, t1, 2f
    sw zero, 0(t0)
    addi t0, t0, 4
    j 1b
2:  la t0, ntx_trap_entry
    csrw mtvec, t0
    li a0, 0
    li a1, 0
    call main
    /* fall through: exit with main's return value */
    .globl ntx_exit
ntx_exit:
#ifdef NTX_QEMU_VIRT
    li t0, QEMU_TEST_BASE
    bnez a0, 3f
    li t1, 0x5555
    sw t1, 0(t0)
    j 4f
3:  slli t1, a0, 16
    li t2, 0x3333
    or t1, t1, t2
    sw t1, 0(t0)
#else
    li t0, NTX_SIMCTRL_BASE
    sw a0, NTX_SIMCTRL_EXIT(t0)
#endif
4:  j 4b

/* Trap entry: saves the caller-saved registers, calls
 * uint32_t ntx_trap(uint32_t mcause, uint32_t mepc, uint32_t mtval)
 * (ntx_rt.c; firmware may override it), which returns the pc to resume at,
 * and returns with mret. */
    .section .text.ntx_trap_entry, "ax"
    .balign 4
    .globl ntx_trap_entry
ntx_trap_entry:
    addi sp, sp, -64
    sw ra, 0(sp)
    sw t0, 4(sp)
    sw t1, 8(sp)
    sw t2, 12(sp)
    sw a0, 16(sp)
    sw a1, 20(sp)
    sw a2, 24(sp)
    sw a3, 28(sp)
    sw a4, 32(sp)
    sw a5, 36(sp)
    sw a6, 40(sp)
    sw a7, 44(sp)
    sw t3, 48(sp)
    sw t4, 52(sp)
    sw t5, 56(sp)
    sw t6, 60(sp)
    csrr a0, mcause
    csrr a1, mepc
    csrr a2, mtval
    call ntx_trap
    csrw mepc, a0
    lw ra, 0(sp)
    lw t0, 4(sp)
    lw t1, 8(sp)
    lw t2, 12(sp)
    lw a0, 16(sp)
    lw a1, 20(sp)
    lw a2, 24(sp)
    lw a3, 28(sp)
    lw a4, 32(sp)
    lw a5, 36(sp)
    lw a6, 40(sp)
    lw a7, 44(sp)
    lw t3, 48(sp)
    lw t4, 52(sp)
    lw t5, 56(sp)
    lw t6, 60(sp)
    addi sp, sp, 64
    mret
