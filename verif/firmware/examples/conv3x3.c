/* The spec-9 3x3 convolution on 8 NTX, issued by the core: the 16-channel
 * 18x18 input sits in external (HMC) memory with a row pitch of 20 words;
 * the DMA loads it into the TCDM (word 0, dense 18-word rows); the core
 * writes the 8 filters (16x3x3, 256 words apart from word 8192), stages one
 * job per NTX (output channel n at word 12288 + 256 n), commits all eight
 * with one broadcast CMD write and sleeps until every NTX has interrupted.
 * Loops kx, ky, c, ox, oy as ntx_verif::bench::cluster::conv_job. */
#include <stdio.h>
#include "common.h"

#define C 16
#define S 18
#define O (S - 2)
#define PITCH 20
#define IN_W 0
#define FILT_W 8192
#define OUT_W 12288
#define FILT_PITCH 256
#define STAGE_W 32768 /* where the core builds the external image */
#define EXT_IN 0x1000 /* external byte address of the input */

/* Delta stride (bytes) of loop s for absolute word strides abs and trips n. */
static int32_t delta(const int32_t *abs, const int32_t *n, int s)
{
    int32_t back = 0;
    for (int t = 0; t < s; t++)
        back += (n[t] - 1) * abs[t];
    return 4 * (abs[s] - back);
}

static volatile uint32_t pending;

void ntx_irq(void)
{
    uint32_t p = ntx_irq_pending();
    pending |= p;
    for (unsigned i = 0; i < NTX_N_NTX; i++)
        if (p & (1u << i))
            ntx_write(ntx_base(i), NTX_REG_IRQ, 3);
}

int main(void)
{
    /* The external image: C*S rows of PITCH words (the DMA moves S of them). */
    for (uint32_t r = 0; r < C * S; r++)
        for (uint32_t x = 0; x < PITCH; x++)
            *tcdm_f(STAGE_W + r * PITCH + x) = x < S ? example_value(3, r * S + x) : -99.0f; /* a constant: no soft-float */
    ntx_dma_desc_t out = {EXT_IN, NTX_TCDM_BASE + 4 * STAGE_W, 4 * C * S * PITCH, 1, 0, 0};
    ntx_dma_start(&out, 1, 0);
    if (ntx_dma_wait())
        return (1 << 1) | 1;
    /* The real flow: the DMA loads the input from external memory. */
    ntx_dma_desc_t in = {EXT_IN, NTX_TCDM_BASE + 4 * IN_W, 4 * S, C * S, 4 * PITCH, 4 * S};
    ntx_dma_start(&in, 0, 0);
    if (ntx_dma_wait())
        return (2 << 1) | 1;
    for (uint32_t n = 0; n < NTX_N_NTX; n++)
        for (uint32_t k = 0; k < C * 9; k++)
            *tcdm_f(FILT_W + n * FILT_PITCH + k) = example_value(4 + n, k);
    static const int32_t trips[5] = {3, 3, C, O, O};
    static const int32_t a_in[5] = {1, S, S * S, 1, S}, a_w[5] = {1, 3, 9, 0, 0}, a_out[5] = {0, 0, 0, 1, O};
    ntx_job_t j = {.loop_end = {2, 2, C - 1, O - 1, O - 1},
                   .cmd = NTX_CMD(NTX_OP_MAC, 3, 3, 5, 3, 0, 1 /* command-done IRQ */, 0)};
    for (int s = 0; s < 5; s++) {
        j.stride[0][s] = delta(a_in, trips, s);
        j.stride[1][s] = delta(a_w, trips, s);
        j.stride[2][s] = delta(a_out, trips, s);
    }
    /* Loops and strides are common: stage them once through the broadcast
     * alias, then only the bases per NTX; one broadcast CMD starts all. */
    j.base[0] = 4 * IN_W;
    j.base[1] = 4 * FILT_W;
    j.base[2] = 4 * OUT_W;
    ntx_stage(NTX_BROADCAST_BASE, &j);
    for (uint32_t n = 1; n < NTX_N_NTX; n++) {
        ntx_write(ntx_base(n), NTX_REG_AGU1_BASE, 4 * (FILT_W + n * FILT_PITCH));
        ntx_write(ntx_base(n), NTX_REG_AGU2_BASE, 4 * (OUT_W + n * FILT_PITCH));
    }
    ntx_irq_enable((1u << NTX_N_NTX) - 1);
    csr_set(mie, NTX_MIE_MEIE);
    uint64_t t0 = ntx_cycles();
    ntx_write(NTX_BROADCAST_BASE, NTX_REG_CMD, j.cmd);
    while (pending != (1u << NTX_N_NTX) - 1) {
        __asm__ volatile("wfi");
        csr_set(mstatus, NTX_MSTATUS_MIE);
        csr_clear(mstatus, NTX_MSTATUS_MIE);
    }
    uint64_t t1 = ntx_cycles();
    printf("conv3x3: 8 NTX done, %lu core cycles from CMD to the last interrupt\n", (unsigned long)(t1 - t0));
    return 0;
}
