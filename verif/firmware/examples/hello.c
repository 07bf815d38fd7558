/* Hello world: printf through PUTC, main's return value is the exit code. */
#include <stdio.h>
#include "ntx.h"

int main(void)
{
    printf("hello from the ntx control core, hart %lu\n", (unsigned long)csr_read(mhartid));
    return 0;
}
