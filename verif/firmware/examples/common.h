/* Shared helpers of the example firmware: deterministic test data (the
 * tests regenerate it in Rust) and TCDM addressing. */
#ifndef EXAMPLES_COMMON_H
#define EXAMPLES_COMMON_H
#include <stdint.h>
#include "ntx.h"

/* Pointer to TCDM word `w` (the NTX AGUs address the TCDM from word 0). */
static inline volatile float *tcdm_f(uint32_t w) { return (volatile float *)(uintptr_t)(NTX_TCDM_BASE + 4 * w); }

/* Test value k of stream `seed`: q/64 for an integer q in [-128, 128), so
 * a multiple of 1/64 in [-2, 2) (exact in fp32; Rust: examples_value). LCG
 * x = x * 1664525 + 1013904223. The fp32 bits are built with integer
 * operations: the soft-float library (no F extension) would cost ~150
 * instructions a value and dominate the examples' run time on the RTL. */
static inline float example_value(uint32_t seed, uint32_t k)
{
    uint32_t x = seed * 0x9E3779B9u + k * 2654435761u;
    x = x * 1664525u + 1013904223u;
    x = x * 1664525u + 1013904223u;
    int32_t q = (int32_t)((x >> 16) & 0xFF) - 128;
    union {
        uint32_t u;
        float f;
    } v = {0};
    if (q != 0) {
        uint32_t m = q < 0 ? (uint32_t)-q : (uint32_t)q;
        uint32_t e = 31 - (uint32_t)__builtin_clz(m); /* m = 1.f x 2^e */
        v.u = ((uint32_t)(q < 0) << 31) | ((127 + e - 6) << 23) | ((m << (23 - e)) & 0x7FFFFFu);
    }
    return v.f;
}
#endif
