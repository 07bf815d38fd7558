/* ntx.h: firmware interface of the ntx-rs cluster (ntx-spec.md sections 3,
 * 4 and 10). Every number comes from ntx_params.h, which the build
 * generates from hw/src/params.rs (ntx_verif::firmware::params_header), so
 * the firmware and the hardware share one register map. */
#ifndef NTX_H
#define NTX_H
#include <stdint.h>
#include "ntx_params.h"

/* Exit code of an unexpected trap (default handler): NTX_EXIT_TRAP | mcause. */
#define NTX_EXIT_TRAP 0xDEAD0000u

#define NTX_REG32(a) (*(volatile uint32_t *)(uintptr_t)(a))

/* ---- CSRs ---- */
#define csr_read(csr) ({ uint32_t v_; __asm__ volatile("csrr %0, " #csr : "=r"(v_)); v_; })
#define csr_write(csr, v) __asm__ volatile("csrw " #csr ", %0" ::"r"((uint32_t)(v)))
#define csr_set(csr, v) __asm__ volatile("csrs " #csr ", %0" ::"r"((uint32_t)(v)))
#define csr_clear(csr, v) __asm__ volatile("csrc " #csr ", %0" ::"r"((uint32_t)(v)))

static inline uint64_t ntx_cycles(void)
{
    uint32_t hi, lo, hi2;
    do {
        hi = csr_read(mcycleh);
        lo = csr_read(mcycle);
        hi2 = csr_read(mcycleh);
    } while (hi != hi2);
    return ((uint64_t)hi << 32) | lo;
}

/* ---- simulation control ---- */
static inline void ntx_putc(char c)
{
#ifdef NTX_QEMU_VIRT
    *(volatile uint8_t *)0x10000000 = (uint8_t)c; /* virt UART0 THR */
#else
    NTX_REG32(NTX_SIMCTRL_BASE + NTX_SIMCTRL_PUTC) = (uint8_t)c;
#endif
}
void ntx_exit(uint32_t code) __attribute__((noreturn)); /* crt0.S */

/* ---- NTX registers (spec 3) ---- */
static inline uintptr_t ntx_base(unsigned i) { return NTX_BASE0 + i * NTX_WINDOW_BYTES; }
static inline void ntx_write(uintptr_t base, unsigned reg, uint32_t v) { NTX_REG32(base + 4 * reg) = v; }
static inline uint32_t ntx_read(uintptr_t base, unsigned reg) { return NTX_REG32(base + 4 * reg); }

/* Command word (spec 4). */
#define NTX_CMD(op, init_level, inner_level, outer_level, init_sel, aux, irq_cfg, polarity) \
    (((uint32_t)(op) << NTX_CMD_OPCODE_SHIFT) | ((uint32_t)(init_level) << NTX_CMD_INIT_LEVEL_SHIFT) | \
     ((uint32_t)(inner_level) << NTX_CMD_INNER_LEVEL_SHIFT) | \
     ((uint32_t)(outer_level) << NTX_CMD_OUTER_LEVEL_SHIFT) | \
     ((uint32_t)(init_sel) << NTX_CMD_INIT_SEL_SHIFT) | ((uint32_t)(aux) << NTX_CMD_AUX_SHIFT) | \
     ((uint32_t)(irq_cfg) << NTX_CMD_IRQ_CFG_SHIFT) | ((uint32_t)(polarity) << NTX_CMD_POLARITY_SHIFT))

/* One job: loop ends (inclusive), AGU byte bases and byte stride deltas
 * (spec 5), and the command word. */
typedef struct {
    uint16_t loop_end[NTX_N_LOOPS];
    uint32_t base[NTX_N_AGUS];
    int32_t stride[NTX_N_AGUS][NTX_N_LOOPS];
    uint32_t cmd;
} ntx_job_t;

/* Program the staging area of the NTX (or broadcast alias) at `base`:
 * 5 loop ends, 3 AGU bases and 15 stride deltas, fully unrolled (one store
 * a register and no address arithmetic at run time). */
static inline void ntx_stage(uintptr_t base, const ntx_job_t *j)
{
#pragma GCC unroll 8
    for (unsigned k = 0; k < NTX_N_LOOPS; k++)
        ntx_write(base, NTX_REG_LOOP_END + k, j->loop_end[k]);
    static const unsigned agu[NTX_N_AGUS] = {NTX_REG_AGU0_BASE, NTX_REG_AGU1_BASE, NTX_REG_AGU2_BASE};
#pragma GCC unroll 4
    for (unsigned g = 0; g < NTX_N_AGUS; g++) {
        ntx_write(base, agu[g], j->base[g]);
#pragma GCC unroll 8
        for (unsigned k = 0; k < NTX_N_LOOPS; k++)
            ntx_write(base, agu[g] + 1 + k, (uint32_t)j->stride[g][k]);
    }
}

/* Stage and commit a job. */
static inline void ntx_issue(uintptr_t base, const ntx_job_t *j)
{
    ntx_stage(base, j);
    ntx_write(base, NTX_REG_CMD, j->cmd);
}

/* Wait until the NTX is idle (queue empty, pipeline empty, controller idle). */
static inline void ntx_wait_idle(uintptr_t base)
{
    while ((ntx_read(base, NTX_REG_STATUS) & NTX_STATUS_IDLE) != NTX_STATUS_IDLE)
        ;
}

/* ---- DMA (2-D transfers between external memory and the TCDM) ---- */
typedef struct {
    uint32_t ext_addr, tcdm_addr, row_bytes, rows, ext_stride, tcdm_stride;
} ntx_dma_desc_t;

static inline void ntx_dma_start(const ntx_dma_desc_t *d, int to_ext, int irq)
{
    NTX_REG32(NTX_DMA_BASE + 4 * NTX_DMA_EXT_ADDR) = d->ext_addr;
    NTX_REG32(NTX_DMA_BASE + 4 * NTX_DMA_TCDM_ADDR) = d->tcdm_addr;
    NTX_REG32(NTX_DMA_BASE + 4 * NTX_DMA_ROW_BYTES) = d->row_bytes;
    NTX_REG32(NTX_DMA_BASE + 4 * NTX_DMA_ROWS) = d->rows;
    NTX_REG32(NTX_DMA_BASE + 4 * NTX_DMA_EXT_STRIDE) = d->ext_stride;
    NTX_REG32(NTX_DMA_BASE + 4 * NTX_DMA_TCDM_STRIDE) = d->tcdm_stride;
    NTX_REG32(NTX_DMA_BASE + 4 * NTX_DMA_CMD) = (to_ext ? 1u : 0u) | (irq ? 2u : 0u);
}

static inline uint32_t ntx_dma_status(void) { return NTX_REG32(NTX_DMA_BASE + 4 * NTX_DMA_STATUS); }

/* Wait for the DMA to finish; returns 0, or the error code; clears done/error. */
static inline uint32_t ntx_dma_wait(void)
{
    uint32_t s;
    while ((s = ntx_dma_status()) & NTX_DMA_STATUS_BUSY)
        ;
    NTX_REG32(NTX_DMA_BASE + 4 * NTX_DMA_STATUS) = NTX_DMA_STATUS_DONE | NTX_DMA_STATUS_ERROR;
    return (s & NTX_DMA_STATUS_ERROR) ? ((s >> 4) & 7) : 0;
}

/* ---- cluster control: interrupt sources ---- */
static inline uint32_t ntx_irq_pending(void) { return NTX_REG32(NTX_CLUSTER_CTRL_BASE + NTX_IRQ_PENDING); }
static inline void ntx_irq_enable(uint32_t mask) { NTX_REG32(NTX_CLUSTER_CTRL_BASE + NTX_IRQ_ENABLE) = mask; }

#endif
