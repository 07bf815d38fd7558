/* Run-time support of the ntx-rs firmware ABI (spec 10): picolibc stdio
 * on PUTC, _exit on EXIT, and the default trap handler. */
#include <stdio.h>
#include <stdint.h>
#include "ntx.h"

static int ntx_putc_stream(char c, FILE *f)
{
    (void)f;
    ntx_putc(c);
    return (unsigned char)c;
}

static FILE ntx_stdio = FDEV_SETUP_STREAM(ntx_putc_stream, NULL, NULL, _FDEV_SETUP_WRITE);
FILE *const stdin = &ntx_stdio;
FILE *const stdout = &ntx_stdio;
FILE *const stderr = &ntx_stdio;

void _exit(int code)
{
    ntx_exit((uint32_t)code);
}

/* Machine external interrupt: firmware overrides it. The default masks
 * the interrupt (mie.MEIE = 0) so that the trap does not repeat. */
__attribute__((weak)) void ntx_irq(void)
{
    csr_clear(mie, NTX_MIE_MEIE);
}

/* Trap handler called by crt0's trap entry with mcause, mepc and mtval;
 * returns the pc to resume at. The default handles the external interrupt
 * through ntx_irq() and ends the run on every exception with exit code
 * NTX_EXIT_TRAP | mcause, printing the trap. Firmware may override it. */
__attribute__((weak)) uint32_t ntx_trap(uint32_t mcause, uint32_t mepc, uint32_t mtval)
{
    if (mcause == NTX_CAUSE_MACHINE_EXTERNAL_IRQ) {
        ntx_irq();
        return mepc;
    }
    printf("unexpected trap: mcause=%lu mepc=0x%08lx mtval=0x%08lx\n", (unsigned long)mcause,
           (unsigned long)mepc, (unsigned long)mtval);
    ntx_exit(NTX_EXIT_TRAP | mcause);
    return mepc;
}
