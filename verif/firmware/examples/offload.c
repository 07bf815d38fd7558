/* Offload overhead of the control core and a directed check of the
 * cluster-control window (spec 10), in integers only (no soft-float
 * library: it runs in seconds on the rust-hdl RTL too).
 *
 * 1. IRQ_ENABLE resets to every source and keeps 9 bits; IRQ_PENDING is 0.
 * 2. One MAC job of 5 loops / 3 AGUs on NTX 0 (64 elements, 16 results);
 *    the core cycles and instructions from its first register write to
 *    its CMD write are printed ("5-loop job").
 * 3. Eight jobs: loops and strides staged once through the broadcast
 *    alias, per-NTX AGU bases, one broadcast CMD ("8 jobs by broadcast").
 * 4. The DMA moves the 8x16 results to external memory and back.
 * 5. Job-length sweep: R rounds of 8 MAC reductions of L elements (every
 *    NTX reads the same words, so the interconnect broadcasts them), issued
 *    by the firmware as fast as the NTX take them; prints the cycles from
 *    the first issue until every NTX is idle. The testbench computes the
 *    NTX busy fraction R*L*cycles-per-element / cycles from these lines.
 * Every result is checked here and, word for word, against the ISS. */
#include <stdio.h>
#include "common.h"

#define ONE 0x3f800000u /* 1.0f */
#define TWO 0x40000000u /* 2.0f */
#define EIGHT 0x41000000u /* 4 x 1.0 x 2.0 */
#define A_W 0
#define B_W 4096
#define Y_W 8192 /* 8 NTX x 16 results */
#define Z_W 12288 /* DMA round trip */
#define S_W 16384 /* sweep results */
#define ROUNDS 8

static inline volatile uint32_t *tcdm_u(uint32_t w) { return (volatile uint32_t *)(uintptr_t)(NTX_TCDM_BASE + 4 * w); }
static inline uint32_t rd_instret(void)
{
    uint32_t v;
    __asm__ volatile("csrr %0, minstret" : "=r"(v));
    return v;
}
static inline uint32_t rd_cycle(void)
{
    uint32_t v;
    __asm__ volatile("csrr %0, mcycle" : "=r"(v));
    return v;
}

#define FAIL(n) return ((n) << 1) | 1

int main(void)
{
    volatile uint32_t *ctrl = (volatile uint32_t *)(uintptr_t)NTX_CLUSTER_CTRL_BASE;
    if (ctrl[NTX_IRQ_ENABLE / 4] != (1u << NTX_IRQ_SOURCES) - 1)
        FAIL(1);
    ntx_irq_enable(0xffffffffu);
    if (ctrl[NTX_IRQ_ENABLE / 4] != (1u << NTX_IRQ_SOURCES) - 1)
        FAIL(2);
    ntx_irq_enable(0x5);
    if (ctrl[NTX_IRQ_ENABLE / 4] != 0x5 || ntx_irq_pending() != 0 || ctrl[2] != 0)
        FAIL(3);
    ntx_irq_enable((1u << NTX_IRQ_SOURCES) - 1);
    for (uint32_t k = 0; k < 1024; k++) {
        *tcdm_u(A_W + k) = ONE;
        *tcdm_u(B_W + k) = TWO;
    }
    /* 2. five loops (4 x 2 x 2 x 2 x 2), a result every 4 elements */
    ntx_job_t j = {
        .loop_end = {3, 1, 1, 1, 1},
        .base = {4 * A_W, 4 * B_W, 4 * Y_W},
        .stride = {{4, 4, 4, 4, 4}, {4, 4, 4, 4, 4}, {0, 4, 4, 4, 4}},
        .cmd = NTX_CMD(NTX_OP_MAC, 1, 1, 5, 3, 0, 0, 0),
    };
    uint32_t i0 = rd_instret(), c0 = rd_cycle();
    ntx_issue(ntx_base(0), &j);
    uint32_t c1 = rd_cycle(), i1 = rd_instret();
    ntx_wait_idle(ntx_base(0));
    for (uint32_t k = 0; k < 16; k++)
        if (*tcdm_u(Y_W + k) != EIGHT)
            FAIL(4);
    /* 3. eight jobs through the broadcast alias */
    uint32_t i2 = rd_instret(), c2 = rd_cycle();
    ntx_stage(NTX_BROADCAST_BASE, &j);
    for (unsigned n = 0; n < 8; n++)
        ntx_write(ntx_base(n), NTX_REG_AGU2_BASE, 4 * (Y_W + 16 * n));
    ntx_write(NTX_BROADCAST_BASE, NTX_REG_CMD, j.cmd);
    uint32_t c3 = rd_cycle(), i3 = rd_instret();
    for (unsigned n = 0; n < 8; n++)
        ntx_wait_idle(ntx_base(n));
    for (uint32_t k = 0; k < 128; k++)
        if (*tcdm_u(Y_W + k) != EIGHT)
            FAIL(5);
    /* 4. DMA round trip of the 128 results */
    ntx_dma_desc_t out = {0x100, NTX_TCDM_BASE + 4 * Y_W, 4 * 128, 1, 0, 0};
    ntx_dma_start(&out, 1, 0);
    if (ntx_dma_wait())
        FAIL(6);
    ntx_dma_desc_t in = {0x100, NTX_TCDM_BASE + 4 * Z_W, 4 * 16, 8, 4 * 16, 4 * 16};
    ntx_dma_start(&in, 0, 0);
    if (ntx_dma_wait())
        FAIL(7);
    for (uint32_t k = 0; k < 128; k++)
        if (*tcdm_u(Z_W + k) != EIGHT)
            FAIL(8);
    printf("offload: 5-loop job: %lu cycles, %lu instructions\n", (unsigned long)(c1 - c0),
           (unsigned long)(i1 - i0));
    printf("offload: 8 jobs by broadcast: %lu cycles, %lu instructions\n", (unsigned long)(c3 - c2),
           (unsigned long)(i3 - i2));
    /* 5. job-length sweep */
    static const uint16_t lens[] = {16, 32, 64, 128, 256, 512, 1024};
    for (unsigned l = 0; l < sizeof lens / sizeof lens[0]; l++) {
        uint32_t L = lens[l];
        ntx_job_t s = {
            .loop_end = {L - 1, 0, 0, 0, 0},
            .base = {4 * A_W, 4 * B_W, 4 * S_W},
            .stride = {{4, 0, 0, 0, 0}, {4, 0, 0, 0, 0}, {0, 4, 0, 0, 0}},
            .cmd = NTX_CMD(NTX_OP_MAC, 1, 1, 2, 3, 0, 0, 0),
        };
        ntx_stage(NTX_BROADCAST_BASE, &s);
        uint32_t t0 = rd_cycle();
        for (unsigned r = 0; r < ROUNDS; r++)
            for (unsigned n = 0; n < 8; n++) {
                ntx_write(ntx_base(n), NTX_REG_AGU2_BASE, 4 * (S_W + ROUNDS * n + r));
                ntx_write(ntx_base(n), NTX_REG_CMD, s.cmd);
            }
        for (unsigned n = 0; n < 8; n++)
            ntx_wait_idle(ntx_base(n));
        uint32_t t1 = rd_cycle();
        for (uint32_t k = 0; L == 16 && k < 8 * ROUNDS; k++)
            if (*tcdm_u(S_W + k) != 0x42000000u) /* 16 x 1.0 x 2.0 */
                FAIL(9);
        printf("sweep: L=%lu rounds=%u cycles=%lu\n", (unsigned long)L, ROUNDS,
               (unsigned long)(t1 - t0));
    }
    return 0;
}
