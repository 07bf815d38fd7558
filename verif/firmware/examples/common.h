/* Shared helpers of the example firmware: deterministic test data (the
 * tests regenerate it in Rust) and TCDM addressing. */
#ifndef EXAMPLES_COMMON_H
#define EXAMPLES_COMMON_H
#include <stdint.h>
#include "ntx.h"

/* Pointer to TCDM word `w` (the NTX AGUs address the TCDM from word 0). */
static inline volatile float *tcdm_f(uint32_t w) { return (volatile float *)(uintptr_t)(NTX_TCDM_BASE + 4 * w); }

/* Test value k of stream `seed`: a multiple of 1/64 in [-2, 2) (exact in
 * fp32; Rust: examples_value). LCG x = x * 1664525 + 1013904223. */
static inline float example_value(uint32_t seed, uint32_t k)
{
    uint32_t x = seed * 0x9E3779B9u + k * 2654435761u;
    x = x * 1664525u + 1013904223u;
    x = x * 1664525u + 1013904223u;
    return (float)((int32_t)((x >> 16) & 0xFF) - 128) * 0.015625f;
}
#endif
