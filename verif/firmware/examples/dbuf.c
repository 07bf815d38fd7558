/* Double-buffered DMA + NTX loop: BLOCKS blocks of 8 rows x 32 elements
 * stream from external memory into two TCDM buffers; while NTX i computes
 * y[b*8+i] = row i of block b . w on one buffer, the DMA fills the other.
 * Results go back to external memory with one DMA transfer at the end. */
#include <stdio.h>
#include "common.h"

#define BLOCKS 6
#define ROWS 8
#define COLS 32
#define BUF_W(k) (4096 + (k) * ROWS * COLS)
#define W_W 8192
#define Y_W 9216
#define STAGE_W 16384
#define EXT_IN 0x0
#define EXT_OUT 0x8000

static void load_block(uint32_t b, int buf)
{
    ntx_dma_desc_t d = {EXT_IN + b * 4 * ROWS * COLS, NTX_TCDM_BASE + 4 * BUF_W(buf), 4 * ROWS * COLS, 1, 0, 0};
    ntx_dma_start(&d, 0, 0);
}

int main(void)
{
    for (uint32_t k = 0; k < BLOCKS * ROWS * COLS; k++)
        *tcdm_f(STAGE_W + k) = example_value(5, k);
    ntx_dma_desc_t img = {EXT_IN, NTX_TCDM_BASE + 4 * STAGE_W, 4 * BLOCKS * ROWS * COLS, 1, 0, 0};
    ntx_dma_start(&img, 1, 0);
    if (ntx_dma_wait())
        return (1 << 1) | 1;
    for (uint32_t k = 0; k < COLS; k++)
        *tcdm_f(W_W + k) = example_value(6, k);
    ntx_job_t j = {
        .loop_end = {COLS - 1, 0, 0, 0, 0},
        .stride = {{4, 0, 0, 0, 0}, {4, 0, 0, 0, 0}, {0, 0, 0, 0, 0}},
        .cmd = NTX_CMD(NTX_OP_MAC, 1, 1, 1, 3, 0, 0, 0),
    };
    ntx_stage(NTX_BROADCAST_BASE, &j);
    load_block(0, 0);
    for (uint32_t b = 0; b < BLOCKS; b++) {
        if (ntx_dma_wait())
            return (2 << 1) | 1;
        if (b + 1 < BLOCKS)
            load_block(b + 1, (b + 1) & 1);
        for (uint32_t i = 0; i < ROWS; i++) {
            uintptr_t n = ntx_base(i);
            ntx_wait_idle(n); /* the previous block's job has finished */
            ntx_write(n, NTX_REG_AGU0_BASE, 4 * (BUF_W(b & 1) + i * COLS));
            ntx_write(n, NTX_REG_AGU1_BASE, 4 * W_W);
            ntx_write(n, NTX_REG_AGU2_BASE, 4 * (Y_W + b * ROWS + i));
            ntx_write(n, NTX_REG_CMD, j.cmd);
        }
    }
    for (uint32_t i = 0; i < ROWS; i++)
        ntx_wait_idle(ntx_base(i));
    ntx_dma_desc_t res = {EXT_OUT, NTX_TCDM_BASE + 4 * Y_W, 4 * BLOCKS * ROWS, 1, 0, 0};
    ntx_dma_start(&res, 1, 0);
    if (ntx_dma_wait())
        return (3 << 1) | 1;
    printf("dbuf: %d blocks of %d dot products\n", BLOCKS, ROWS);
    return 0;
}
