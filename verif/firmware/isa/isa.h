/* Macros of the directed ISA tests (assembly). A test file defines main,
 * which returns 0 (pass) or (n << 1) | 1 when check n failed; crt0 writes
 * that to EXIT (ntx-rs) or to the qemu virt test device (-DNTX_QEMU_VIRT),
 * so the same source runs on the ISS, the RTL core and qemu. Registers
 * t0-t3 hold operands, t6 the expected value; a0 the result code. */
#include "ntx_params.h"

    .macro FAIL n
    li a0, ((\n) << 1) | 1
    j isa_fail
    .endm

    /* reg == imm */
    .macro CHECK n, reg, val
    li t6, \val
    beq \reg, t6, 9f
    FAIL \n
9:
    .endm

    /* reg1 == reg2 */
    .macro CHECKR n, r1, r2
    beq \r1, \r2, 9f
    FAIL \n
9:
    .endm

    .macro TEST_RR n, op, a, b, exp
    li t0, \a
    li t1, \b
    \op t2, t0, t1
    CHECK \n, t2, \exp
    .endm

    .macro TEST_RI n, op, a, imm, exp
    li t0, \a
    \op t2, t0, \imm
    CHECK \n, t2, \exp
    .endm

    /* rd == rs1 == rs2 and x0 as destination */
    .macro TEST_RR_SAME n, op, a, exp
    li t0, \a
    \op t0, t0, t0
    CHECK \n, t0, \exp
    \op x0, t0, t0
    CHECK \n, x0, 0
    .endm

    /* branch taken (1) or not (0) */
    .macro TEST_BR n, op, a, b, taken
    li t0, \a
    li t1, \b
    li t2, 0
    \op t0, t1, 8f
    j 7f
8:  li t2, 1
7:  CHECK \n, t2, \taken
    .endm

    .macro TEST_BEGIN
    .text
    .globl main
main:
    addi sp, sp, -16
    sw ra, 12(sp)
    .endm

    .macro TEST_END
    li a0, 0
isa_fail:
    lw ra, 12(sp)
    addi sp, sp, 16
    ret
    .endm
