/* RV32M: every multiply / divide instruction with the corner cases of the
 * ISA manual (division by zero, signed overflow). */
#include "isa.h"
    TEST_BEGIN
    TEST_RR 1, mul, 0x00007e00, 0xb6db6d8e, 0xffebe400
    TEST_RR 2, mul, 0xffffffff, 0xffffffff, 1
    TEST_RR 3, mul, 0x80000000, 2, 0
    TEST_RR 4, mulh, 0x80000000, 0x80000000, 0x40000000
    TEST_RR 5, mulh, 0xffffffff, 0xffffffff, 0
    TEST_RR 6, mulh, 0x7fffffff, 0xffffffff, 0xffffffff
    TEST_RR 7, mulhu, 0xffffffff, 0xffffffff, 0xfffffffe
    TEST_RR 8, mulhu, 0x80000000, 2, 1
    TEST_RR 9, mulhsu, 0xffffffff, 0xffffffff, 0xffffffff
    TEST_RR 10, mulhsu, 0x80000000, 0xffffffff, 0x80000000
    TEST_RR 11, mulhsu, 0x7fffffff, 0xffffffff, 0x7ffffffe
    TEST_RR 12, div, 20, 6, 3
    TEST_RR 13, div, -20, 6, -3
    TEST_RR 14, div, 20, -6, -3
    TEST_RR 15, div, 0x80000000, -1, 0x80000000
    TEST_RR 16, div, 5, 0, -1
    TEST_RR 17, divu, 20, 6, 3
    TEST_RR 18, divu, -20, 6, 715827879
    TEST_RR 19, divu, 5, 0, 0xffffffff
    TEST_RR 20, rem, 20, 6, 2
    TEST_RR 21, rem, -20, 6, -2
    TEST_RR 22, rem, 20, -6, 2
    TEST_RR 23, rem, 0x80000000, -1, 0
    TEST_RR 24, rem, 5, 0, 5
    TEST_RR 25, remu, 20, 6, 2
    TEST_RR 26, remu, -20, 6, 2
    TEST_RR 27, remu, 5, 0, 5
    TEST_RR_SAME 28, mul, 0x10000, 0
    TEST_RR_SAME 29, div, -7, 1
    TEST_END
