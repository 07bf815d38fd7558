/* RV32I: every integer instruction (register, immediate, lui/auipc,
 * branches, jal/jalr, loads/stores of every size, fence/fence.i). */
#include "isa.h"
    TEST_BEGIN
    TEST_RR 1, add, 0x7fffffff, 1, 0x80000000
    TEST_RR 2, add, 0xffffffff, 1, 0
    TEST_RR 3, sub, 0, 1, 0xffffffff
    TEST_RR 4, sub, 0x80000000, 1, 0x7fffffff
    TEST_RR 5, sll, 0x80000001, 1, 0x00000002
    TEST_RR 6, sll, 1, 31, 0x80000000
    TEST_RR 7, sll, 1, 33, 2            /* shift amount is rs2[4:0] */
    TEST_RR 8, slt, 0xffffffff, 0, 1
    TEST_RR 9, slt, 0, 0xffffffff, 0
    TEST_RR 10, sltu, 0xffffffff, 0, 0
    TEST_RR 11, sltu, 0, 0xffffffff, 1
    TEST_RR 12, xor, 0xff00ff00, 0x0ff00ff0, 0xf0f0f0f0
    TEST_RR 13, srl, 0x80000000, 31, 1
    TEST_RR 14, srl, 0x80000000, 0xffffffe1, 0x40000000
    TEST_RR 15, sra, 0x80000000, 31, 0xffffffff
    TEST_RR 16, sra, 0x7fffffff, 30, 1
    TEST_RR 17, or, 0xff00ff00, 0x0ff00ff0, 0xfff0fff0
    TEST_RR 18, and, 0xff00ff00, 0x0ff00ff0, 0x0f000f00
    TEST_RR_SAME 19, add, 0x40000001, 0x80000002
    TEST_RR_SAME 20, sub, 1234, 0
    TEST_RI 21, addi, 0, -2048, 0xfffff800
    TEST_RI 22, addi, 0x7fffffff, 1, 0x80000000
    TEST_RI 23, slti, 0, -1, 0
    TEST_RI 24, slti, 0xffffffff, 0, 1
    TEST_RI 25, sltiu, 0, -1, 1          /* immediate sign-extended, then unsigned */
    TEST_RI 26, sltiu, 0xfffffffe, -1, 1
    TEST_RI 27, xori, 0x00ff0f00, -16, 0xff00f0f0
    TEST_RI 28, ori, 0x00ff0000, 0x7f0, 0x00ff07f0
    TEST_RI 29, andi, 0xff00ff00, -256, 0xff00ff00
    TEST_RI 30, andi, 0xff00ff00, 0x0f0, 0
    TEST_RI 31, slli, 0x00000001, 31, 0x80000000
    TEST_RI 32, srli, 0x80000000, 31, 1
    TEST_RI 33, srai, 0x80000000, 31, 0xffffffff
    TEST_RI 34, srai, 0x40000000, 30, 1
    lui t2, 0xfffff
    CHECK 35, t2, 0xfffff000
    lui x0, 0x12345
    CHECK 36, x0, 0
1:  auipc t2, 0x1
    la t3, 1b
    sub t2, t2, t3
    CHECK 37, t2, 0x1000
    TEST_BR 40, beq, 5, 5, 1
    TEST_BR 41, beq, 5, 6, 0
    TEST_BR 42, bne, 5, 6, 1
    TEST_BR 43, bne, 5, 5, 0
    TEST_BR 44, blt, 0xffffffff, 0, 1
    TEST_BR 45, blt, 0, 0xffffffff, 0
    TEST_BR 46, blt, 3, 3, 0
    TEST_BR 47, bge, 0, 0xffffffff, 1
    TEST_BR 48, bge, 3, 3, 1
    TEST_BR 49, bge, 0xffffffff, 0, 0
    TEST_BR 50, bltu, 0, 0xffffffff, 1
    TEST_BR 51, bltu, 0xffffffff, 0, 0
    TEST_BR 52, bgeu, 0xffffffff, 0, 1
    TEST_BR 53, bgeu, 0, 0xffffffff, 0
    TEST_BR 54, bgeu, 7, 7, 1
    /* backward branch: a loop of 5 */
    li t0, 5
    li t1, 0
2:  addi t1, t1, 1
    addi t0, t0, -1
    bnez t0, 2b
    CHECK 55, t1, 5
    /* jal links pc+4 */
    jal t2, 3f
4:  FAIL 56
3:  la t3, 4b
    CHECKR 57, t2, t3
    /* jalr: target rs1+imm with bit 0 cleared, link pc+4, rd == rs1 */
    la t0, 5f
    addi t0, t0, -3
    jalr t0, 4(t0)                      /* (5f - 3 + 4) & ~1 = 5f (odd sum) */
6:  FAIL 58
    nop
5:  la t3, 6b
    CHECKR 59, t0, t3
    /* loads */
    la t0, tdat
    lb t2, 0(t0)
    CHECK 60, t2, 0xffffffff
    lbu t2, 0(t0)
    CHECK 61, t2, 0xff
    lb t2, 1(t0)
    CHECK 62, t2, 0x00
    lh t2, 2(t0)
    CHECK 63, t2, 0xffff80ff
    lhu t2, 2(t0)
    CHECK 64, t2, 0x80ff
    lw t2, 4(t0)
    CHECK 65, t2, 0x12345678
    lb t2, 7(t0)
    CHECK 66, t2, 0x12
    lh t2, -4(t0)                       /* negative offset */
    CHECK 67, t2, 0xffffcafe
    /* stores */
    la t0, sdat
    li t1, 0xaabbccdd
    sw t1, 0(t0)
    li t1, 0x11
    sb t1, 1(t0)
    li t1, 0x2233
    sh t1, 2(t0)
    lw t2, 0(t0)
    CHECK 70, t2, 0x223311dd
    li t1, 0xffffff80
    sb t1, 4(t0)
    sb t1, 5(t0)
    sh t1, 6(t0)
    lw t2, 4(t0)
    CHECK 71, t2, 0xff808080
    sw x0, 4(t0)
    lw t2, 4(t0)
    CHECK 72, t2, 0
    /* fence, fence.i: new code becomes executable */
    fence
    la t0, patch
    li t1, 0x00100513                   /* addi a0, x0, 1 */
    sw t1, 0(t0)
    fence.i
    li a0, 0
    call patch
    CHECK 73, a0, 1
    TEST_END

    .data
    .balign 4
    .half 0xcafe
    .half 0
tdat:
    .word 0x80ff00ff
    .word 0x12345678
sdat:
    .word 0, 0
    .section .data.patch, "awx"
    .balign 4
patch:
    addi a0, x0, 2                      /* replaced by addi a0, x0, 1 */
    ret
