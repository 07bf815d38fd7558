/* One NTX MAC job issued by the core, completion by polling STATUS:
 * y[r] = sum_k A[r][k] * x[k], 8 rows of 64 (A at TCDM word 0, x at word
 * 1024, y at word 2048). */
#include <stdio.h>
#include "common.h"

#define ROWS 8
#define COLS 64
#define A_W 0
#define X_W 1024
#define Y_W 2048

int main(void)
{
    for (uint32_t k = 0; k < ROWS * COLS; k++)
        *tcdm_f(A_W + k) = example_value(1, k);
    for (uint32_t k = 0; k < COLS; k++)
        *tcdm_f(X_W + k) = example_value(2, k);
    ntx_job_t j = {
        .loop_end = {COLS - 1, ROWS - 1, 0, 0, 0},
        .base = {4 * A_W, 4 * X_W, 4 * Y_W},
        /* delta strides (spec 5): A walks on, x restarts, y advances */
        .stride = {{4, 4, 0, 0, 0}, {4, -4 * (COLS - 1), 0, 0, 0}, {0, 4, 0, 0, 0}},
        .cmd = NTX_CMD(NTX_OP_MAC, 1, 1, 2, 3, 0, 0, 0),
    };
    uintptr_t n0 = ntx_base(0);
    ntx_issue(n0, &j);
    ntx_wait_idle(n0);
    if (ntx_read(n0, NTX_REG_STATUS) != NTX_STATUS_IDLE)
        return (1 << 1) | 1;
    printf("mac_poll: %d results\n", ROWS);
    return 0;
}
