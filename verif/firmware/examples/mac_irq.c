/* The MAC job of mac_poll, completion by interrupt: command-done IRQ of
 * NTX 3, the core sleeps in wfi with mstatus.MIE off, then enables it and
 * takes the machine external interrupt; the handler reads the cluster's
 * IRQ_PENDING register and clears the NTX's IRQ. */
#include <stdio.h>
#include "common.h"

#define ROWS 8
#define COLS 64
#define A_W 0
#define X_W 1024
#define Y_W 2048
#define NTX_ID 3

static volatile uint32_t irq_seen, irq_count;

void ntx_irq(void)
{
    uint32_t p = ntx_irq_pending();
    irq_seen |= p;
    irq_count++;
    if (p & (1u << NTX_ID))
        ntx_write(ntx_base(NTX_ID), NTX_REG_IRQ, ntx_read(ntx_base(NTX_ID), NTX_REG_IRQ));
}

int main(void)
{
    for (uint32_t k = 0; k < ROWS * COLS; k++)
        *tcdm_f(A_W + k) = example_value(1, k);
    for (uint32_t k = 0; k < COLS; k++)
        *tcdm_f(X_W + k) = example_value(2, k);
    ntx_job_t j = {
        .loop_end = {COLS - 1, ROWS - 1, 0, 0, 0},
        .base = {4 * A_W, 4 * X_W, 4 * Y_W},
        .stride = {{4, 4, 0, 0, 0}, {4, -4 * (COLS - 1), 0, 0, 0}, {0, 4, 0, 0, 0}},
        .cmd = NTX_CMD(NTX_OP_MAC, 1, 1, 2, 3, 0, 1 /* command-done IRQ */, 0),
    };
    ntx_irq_enable(1u << NTX_ID);
    csr_set(mie, NTX_MIE_MEIE);
    ntx_issue(ntx_base(NTX_ID), &j);
    while (irq_count == 0) {
        __asm__ volatile("wfi");
        csr_set(mstatus, NTX_MSTATUS_MIE);
        csr_clear(mstatus, NTX_MSTATUS_MIE);
    }
    if (irq_seen != (1u << NTX_ID))
        return (1 << 1) | 1;
    if (ntx_irq_pending() != 0)
        return (2 << 1) | 1;
    printf("mac_irq: interrupt from NTX %d, pending 0x%03lx\n", NTX_ID, (unsigned long)irq_seen);
    return 0;
}
