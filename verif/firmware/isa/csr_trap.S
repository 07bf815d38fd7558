/* Zicsr and machine-mode traps: every CSR instruction form, the CSRs of
 * spec 10, ecall / ebreak / illegal instruction with mcause, mepc, mret
 * and mstatus.MIE/MPIE. Checks of behaviour that qemu's virt machine does
 * differently (misa, exact minstret, unimplemented CSRs, misaligned and
 * access faults) are under #ifndef NTX_QEMU_VIRT. */
#include "isa.h"
    TEST_BEGIN
    la t0, handler
    csrw mtvec, t0
    csrr t2, mtvec
    CHECKR 1, t2, t0
    /* csrrw / csrrs / csrrc and immediate forms on mscratch */
    li t0, 0x12345678
    csrw mscratch, t0
    li t1, 0x0000ffff
    csrrs t2, mscratch, t1
    CHECK 2, t2, 0x12345678
    csrrc t2, mscratch, t0
    CHECK 3, t2, 0x1234ffff
    csrr t2, mscratch
    CHECK 4, t2, 0x0000a987
    csrrwi t2, mscratch, 0x15
    CHECK 5, t2, 0x0000a987
    csrrsi t2, mscratch, 0x0a
    CHECK 6, t2, 0x15
    csrrci t2, mscratch, 0x01
    CHECK 7, t2, 0x1f
    csrr t2, mscratch
    CHECK 8, t2, 0x1e
    csrrw x0, mscratch, x0
    csrr t2, mscratch
    CHECK 9, t2, 0
    csrr t2, mhartid
    CHECK 10, t2, 0
    /* mepc, mcause, mtval are writable */
    li t0, 0x1c000100
    csrw mepc, t0
    csrr t2, mepc
    CHECK 11, t2, 0x1c000100
    csrwi mcause, 5
    csrr t2, mcause
    CHECK 12, t2, 5
    csrwi mtval, 7
    csrr t2, mtval
    CHECK 13, t2, 7
    /* ecall: mcause 11, mepc at the ecall */
1:  ecall
    la t0, 1b
    lw t2, s_epc
    CHECKR 20, t2, t0
    lw t2, s_cause
    CHECK 21, t2, 11
    /* ebreak: mcause 3 */
2:  ebreak
    la t0, 2b
    lw t2, s_epc
    CHECKR 22, t2, t0
    lw t2, s_cause
    CHECK 23, t2, 3
    /* illegal instruction: mcause 2 */
3:  .word 0
    la t0, 3b
    lw t2, s_epc
    CHECKR 24, t2, t0
    lw t2, s_cause
    CHECK 25, t2, 2
    lw t2, s_count
    CHECK 26, t2, 3
    /* trap entry: MPIE = MIE, MIE = 0; mret: MIE = MPIE, MPIE = 1 */
    csrsi mstatus, 8
    csrr t2, mstatus
    andi t2, t2, 0x88
    CHECK 30, t2, 0x88                   /* MPIE = 1 after the mrets above */
    ecall
    lw t2, s_mstatus
    andi t2, t2, 0x88
    CHECK 31, t2, 0x80
    csrr t2, mstatus
    andi t2, t2, 0x88
    CHECK 32, t2, 0x88
    csrci mstatus, 8
    csrr t2, mstatus
    andi t2, t2, 0x88
    CHECK 33, t2, 0x80
    li t0, 0x80
    csrc mstatus, t0
    li t0, 0x1800                        /* MPP = M (qemu lowers it on mret) */
    csrs mstatus, t0
    la t0, 4f
    csrw mepc, t0
    mret
    FAIL 34
4:  csrr t2, mstatus
    andi t2, t2, 0x88
    CHECK 35, t2, 0x80
    /* counters move */
    csrr t0, mcycle
    csrr t1, minstret
    nop
    csrr t2, mcycle
    csrr t3, minstret
    bltu t0, t2, 5f
    FAIL 36
5:  bltu t1, t3, 6f
    FAIL 37
6:
#ifndef NTX_QEMU_VIRT
    /* exact minstret: 3 instructions between the reads */
    csrr t0, minstret
    nop
    nop
    csrr t1, minstret
    sub t2, t1, t0
    CHECK 40, t2, 3
    /* untimed ISS: a mcycle write sets what the next read sees */
    csrr t0, instret
    csrr t1, minstret
    sub t2, t1, t0
    CHECK 41, t2, 1
    csrr t0, cycle
    csrr t1, mcycle
    sub t2, t1, t0
    CHECK 42, t2, 1
    li t0, 0xffffffff
    csrw minstret, t0
    csrr t1, minstret
    CHECK 43, t1, 0xffffffff
    csrr t1, minstreth
    CHECK 44, t1, 1
    csrw minstreth, x0
    csrw mcycleh, x0
    csrr t1, cycleh
    CHECK 45, t1, 0
    csrr t2, misa
    CHECK 46, t2, 0x40001100
    csrr t2, mvendorid
    CHECK 47, t2, 0
    csrr t2, mip
    CHECK 48, t2, 0
    li t0, -1
    csrw mie, t0
    csrr t2, mie
    CHECK 49, t2, 0x800
    csrw mie, x0
    li t0, 0x1c000103
    csrw mtvec, t0
    csrr t2, mtvec
    CHECK 50, t2, 0x1c000100
    la t0, handler
    csrw mtvec, t0
    /* unimplemented CSR, write to a read-only CSR: illegal */
7:  csrr t2, 0x7c0
    la t0, 7b
    lw t2, s_epc
    CHECKR 51, t2, t0
    lw t2, s_cause
    CHECK 52, t2, 2
    lw t2, s_tval
    CHECK 53, t2, 0x7c0023f3
    csrw mhartid, x0
    lw t2, s_cause
    CHECK 54, t2, 2
    csrw cycle, x0
    lw t2, s_cause
    CHECK 55, t2, 2
    sw x0, s_cause, t0
    csrr t2, cycle                       /* reading is fine */
    lw t2, s_cause
    CHECK 56, t2, 0
    /* misaligned load / store: mcause 4 / 6, mtval = address */
    la t0, s_cause
    lw t2, 1(t0)
    lw t2, s_cause
    CHECK 57, t2, 4
    addi t0, t0, 1
    lw t2, s_tval
    CHECKR 58, t2, t0
    la t0, s_cause
    sh t2, 3(t0)
    lw t2, s_cause
    CHECK 59, t2, 6
    /* unmapped load / store: mcause 5 / 7 */
    lw t2, 0(x0)
    lw t2, s_cause
    CHECK 60, t2, 5
    li t0, 0x30000000
    sw t2, 0(t0)
    lw t2, s_cause
    CHECK 61, t2, 7
    lw t2, s_tval
    CHECK 62, t2, 0x30000000
    /* fetch from an unmapped address: mcause 1, resumed via s_resume */
    la t0, 8f
    sw t0, s_resume, t1
    li t0, 0x30000000
    jr t0
    FAIL 63
8:  lw t2, s_cause
    CHECK 64, t2, 1
    /* jump to a misaligned target: mcause 0 on the jump */
    la t0, 10f
    addi t0, t0, 2
12: jr t0
    j 11f
10: FAIL 65
11: lw t2, s_cause
    CHECK 66, t2, 0
    lw t0, s_epc
    la t1, 12b
    CHECKR 67, t0, t1
#endif
    TEST_END

/* Trap handler: records mcause, mepc, mtval and mstatus, counts traps and
 * resumes at mepc + 4 (or at s_resume when set). */
    .balign 4
handler:
    addi sp, sp, -8
    sw t4, 0(sp)
    sw t5, 4(sp)
    csrr t4, mcause
    sw t4, s_cause, t5
    csrr t4, mepc
    sw t4, s_epc, t5
    csrr t4, mtval
    sw t4, s_tval, t5
    csrr t4, mstatus
    sw t4, s_mstatus, t5
    lw t4, s_count
    addi t4, t4, 1
    sw t4, s_count, t5
    lw t4, s_resume
    beqz t4, 1f
    sw x0, s_resume, t5
    j 2f
1:  csrr t4, mepc
    addi t4, t4, 4
2:  csrw mepc, t4
    lw t4, 0(sp)
    lw t5, 4(sp)
    addi sp, sp, 8
    mret

    .data
    .balign 4
s_cause: .word 0
s_epc: .word 0
s_tval: .word 0
s_mstatus: .word 0
s_count: .word 0
s_resume: .word 0
