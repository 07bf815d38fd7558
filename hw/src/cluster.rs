//! The NTX cluster (spec sections 1-3): eight NTX co-processors, the TCDM
//! (word-interleaved banks behind the logarithmic interconnect), the DMA
//! engine and the control port through which the control core configures
//! everything (the RISC-V core in [`crate::system::ClusterSystem`], or a
//! testbench driving the port directly).
//!
//! [`Cluster`] is the top. [`ClusterFabric`] is everything but the NTX: control-port decoding, the
//! NTX priority modes mapped onto interconnect levels, the DMA and the TCDM.
//! Its NTX-facing ports (register master ports, TCDM slave ports, priority
//! inputs) are wired to the NTX in the cluster top, or driven directly by a
//! testbench.
//!
//! Control port (PULP TCDM protocol: gnt in the request cycle, `r_valid`
//! one cycle after it, also for writes). Address map:
//! - TCDM: `TCDM_BASE .. TCDM_BASE + B x 2^N x 4` (interconnect master
//!   `CORE_MASTER`, level `CORE_LEVEL`);
//! - DMA registers: `DMA_BASE`, 8 words;
//! - NTX i registers: `ntx_base_addr(i)`, 0x80 bytes;
//! - broadcast alias `NTX_BROADCAST_ADDR`: a write goes to every NTX, exactly
//!   once each: NTX that accept are remembered while the others stall, and the
//!   core is granted when all have taken it. A read there reads NTX 0.
//! - anything else: granted at once, reads return 0.
//!
//! Interconnect levels from the NTX priority modes (CTRL bits 2:1): 00 NTX
//! above the core and DMA, 01 equal (round robin), 10 above for seven cycles
//! of eight and below in the eighth, 11 (reserved) as 01.

use crate::dma::Dma;
use crate::ntx::Ntx;
use crate::params::{
    cluster::{
        CORE_LEVEL, CORE_MASTER, DMA_BASE, DMA_MASTER, NTX_MASTERS, NTX_PORTS, N_MASTERS, N_NTX,
        PRIO_LEVEL_WIDTH, PRIO_WINDOW, TCDM_BASE,
    },
    cluster_map::{DMA_WINDOW_BYTES, NTX_WINDOW_BYTES},
    dma::{FIFO_DEPTH, REG_ADDR_WIDTH as DMA_REG_ADDR_WIDTH},
    ntx_base_addr, ADDR_WIDTH, BE_WIDTH, DATA_WIDTH, NTX_BROADCAST_ADDR, REG_ADDR_WIDTH,
};
use crate::tcdm::{xbar::arr, Tcdm};
use rust_hdl::prelude::*;

// rust-hdl writes an index expression into the Verilog as text, so the
// interconnect master indices of the core (16) and the DMA (17) and the NTX
// port pairs (2i, 2i+1) appear as literals below; tie them to the parameters.
const _: () = assert!(CORE_MASTER == 16 && DMA_MASTER == 17 && NTX_PORTS == 2);

/// Control-port response sources (registered at the grant).
const SRC_NONE: u64 = 0;
const SRC_TCDM: u64 = 1;
const SRC_DMA: u64 = 2;
const SRC_NTX: u64 = 3;

/// Everything of the cluster but the NTX: `B` banks of `2^N` words.
#[derive(LogicBlock)]
pub struct ClusterFabric<const B: usize, const N: usize> {
    pub clock: Signal<In, Clock>,
    /// Synchronous clear of the interconnect, the DMA and the port logic.
    pub clear: Signal<In, Bit>,
    // Control port (the control core).
    pub core_req: Signal<In, Bit>,
    pub core_addr: Signal<In, Bits<ADDR_WIDTH>>,
    pub core_we: Signal<In, Bit>,
    pub core_be: Signal<In, Bits<BE_WIDTH>>,
    pub core_wdata: Signal<In, Bits<DATA_WIDTH>>,
    pub core_gnt: Signal<Out, Bit>,
    pub core_rvalid: Signal<Out, Bit>,
    pub core_rdata: Signal<Out, Bits<DATA_WIDTH>>,
    // NTX register ports (the fabric is the master).
    pub ntx_reg_req: [Signal<Out, Bit>; N_NTX],
    pub ntx_reg_we: [Signal<Out, Bit>; N_NTX],
    /// Word offset inside the NTX's window.
    pub ntx_reg_addr: [Signal<Out, Bits<REG_ADDR_WIDTH>>; N_NTX],
    pub ntx_reg_wdata: [Signal<Out, Bits<DATA_WIDTH>>; N_NTX],
    pub ntx_reg_gnt: [Signal<In, Bit>; N_NTX],
    pub ntx_reg_rdata: [Signal<In, Bits<DATA_WIDTH>>; N_NTX],
    /// Priority mode of each NTX (its CTRL bits 2:1).
    pub ntx_prio: [Signal<In, Bits<2>>; N_NTX],
    // NTX TCDM ports: NTX i port p is entry NTX_PORTS*i + p.
    pub ntx_tcdm_req: [Signal<In, Bit>; NTX_MASTERS],
    pub ntx_tcdm_addr: [Signal<In, Bits<ADDR_WIDTH>>; NTX_MASTERS],
    pub ntx_tcdm_we: [Signal<In, Bit>; NTX_MASTERS],
    pub ntx_tcdm_be: [Signal<In, Bits<BE_WIDTH>>; NTX_MASTERS],
    pub ntx_tcdm_wdata: [Signal<In, Bits<DATA_WIDTH>>; NTX_MASTERS],
    /// Urgency hint of each NTX port (the interconnect serves it first).
    pub ntx_tcdm_urgent: [Signal<In, Bit>; NTX_MASTERS],
    pub ntx_tcdm_gnt: [Signal<Out, Bit>; NTX_MASTERS],
    pub ntx_tcdm_rvalid: [Signal<Out, Bit>; NTX_MASTERS],
    pub ntx_tcdm_rdata: [Signal<Out, Bits<DATA_WIDTH>>; NTX_MASTERS],
    // DMA external port and interrupt.
    pub ext_req: Signal<Out, Bit>,
    pub ext_we: Signal<Out, Bit>,
    pub ext_addr: Signal<Out, Bits<ADDR_WIDTH>>,
    pub ext_wdata: Signal<Out, Bits<DATA_WIDTH>>,
    pub ext_gnt: Signal<In, Bit>,
    pub ext_rvalid: Signal<In, Bit>,
    pub ext_rdata: Signal<In, Bits<DATA_WIDTH>>,
    pub dma_irq: Signal<Out, Bit>,
    pub tcdm: Tcdm<N_MASTERS, B, N>,
    pub dma: Dma<FIFO_DEPTH>,
    // Decoding.
    hit_tcdm: Signal<Local, Bit>,
    hit_dma: Signal<Local, Bit>,
    hit_bcast: Signal<Local, Bit>,
    hit_ntx: [Signal<Local, Bit>; N_NTX],
    core_off: Signal<Local, Bits<ADDR_WIDTH>>,
    bcast_write: Signal<Local, Bit>,
    /// Broadcast: NTX that took the pending write, and whether all have now.
    bc_taken: [DFF<Bit>; N_NTX],
    bc_all: Signal<Local, Bit>,
    /// Response source and NTX index of last cycle's grant.
    src: DFF<Bits<2>>,
    /// The core was granted last cycle (`r_valid` now).
    ack: DFF<Bit>,
    src_ntx: [DFF<Bit>; N_NTX],
    // Priority window counter (mode 10).
    window: DFF<Bits<3>>,
    ntx_hi: Signal<Local, Bit>,
    // Constants.
    tcdm_lo: Constant<Bits<ADDR_WIDTH>>,
    tcdm_bytes: Constant<Bits<ADDR_WIDTH>>,
    dma_lo: Constant<Bits<ADDR_WIDTH>>,
    dma_bytes: Constant<Bits<ADDR_WIDTH>>,
    ntx_lo: [Constant<Bits<ADDR_WIDTH>>; N_NTX],
    bcast_lo: Constant<Bits<ADDR_WIDTH>>,
    win_bytes: Constant<Bits<ADDR_WIDTH>>,
    win_last: Constant<Bits<3>>,
    win_word_mask: Constant<Bits<REG_ADDR_WIDTH>>,
    lvl_core: Constant<Bits<PRIO_LEVEL_WIDTH>>,
    lvl_hi: Constant<Bits<PRIO_LEVEL_WIDTH>>,
    lvl_lo: Constant<Bits<PRIO_LEVEL_WIDTH>>,
    src_none: Constant<Bits<2>>,
    src_tcdm: Constant<Bits<2>>,
    src_dma: Constant<Bits<2>>,
    src_ntx_c: Constant<Bits<2>>,
}

impl<const B: usize, const N: usize> Default for ClusterFabric<B, N> {
    fn default() -> Self {
        let tcdm_bytes = ((B as u64) << N) * 4;
        assert!(
            tcdm_bytes <= (DMA_BASE - TCDM_BASE) as u64,
            "TCDM overlaps the peripherals"
        );
        assert_eq!(PRIO_WINDOW, 8, "the window counter is 3 bits");
        fn k<const W: usize>(v: u64) -> Constant<Bits<W>> {
            Constant::new(v.into())
        }
        Self {
            clock: Default::default(),
            clear: Default::default(),
            core_req: Default::default(),
            core_addr: Default::default(),
            core_we: Default::default(),
            core_be: Default::default(),
            core_wdata: Default::default(),
            core_gnt: Default::default(),
            core_rvalid: Default::default(),
            core_rdata: Default::default(),
            ntx_reg_req: arr(),
            ntx_reg_we: arr(),
            ntx_reg_addr: arr(),
            ntx_reg_wdata: arr(),
            ntx_reg_gnt: arr(),
            ntx_reg_rdata: arr(),
            ntx_prio: arr(),
            ntx_tcdm_req: arr(),
            ntx_tcdm_addr: arr(),
            ntx_tcdm_we: arr(),
            ntx_tcdm_be: arr(),
            ntx_tcdm_wdata: arr(),
            ntx_tcdm_urgent: arr(),
            ntx_tcdm_gnt: arr(),
            ntx_tcdm_rvalid: arr(),
            ntx_tcdm_rdata: arr(),
            ext_req: Default::default(),
            ext_we: Default::default(),
            ext_addr: Default::default(),
            ext_wdata: Default::default(),
            ext_gnt: Default::default(),
            ext_rvalid: Default::default(),
            ext_rdata: Default::default(),
            dma_irq: Default::default(),
            tcdm: Default::default(),
            dma: Dma::new(tcdm_bytes as u32, crate::params::dma::EXT_BYTES),
            hit_tcdm: Default::default(),
            hit_dma: Default::default(),
            hit_bcast: Default::default(),
            hit_ntx: arr(),
            core_off: Default::default(),
            bcast_write: Default::default(),
            bc_taken: arr(),
            bc_all: Default::default(),
            src: Default::default(),
            ack: Default::default(),
            src_ntx: arr(),
            window: Default::default(),
            ntx_hi: Default::default(),
            tcdm_lo: k(TCDM_BASE as u64),
            tcdm_bytes: k(tcdm_bytes),
            dma_lo: k(DMA_BASE as u64),
            dma_bytes: k(DMA_WINDOW_BYTES as u64),
            ntx_lo: std::array::from_fn(|i| k(ntx_base_addr(i as u32) as u64)),
            bcast_lo: k(NTX_BROADCAST_ADDR as u64),
            win_bytes: k(NTX_WINDOW_BYTES as u64),
            win_last: k((PRIO_WINDOW - 1) as u64),
            win_word_mask: k((NTX_WINDOW_BYTES / 4 - 1) as u64),
            lvl_core: k(CORE_LEVEL as u64),
            lvl_hi: k(CORE_LEVEL as u64 + 1),
            lvl_lo: k(CORE_LEVEL as u64 - 1),
            src_none: k(SRC_NONE),
            src_tcdm: k(SRC_TCDM),
            src_dma: k(SRC_DMA),
            src_ntx_c: k(SRC_NTX),
        }
    }
}

impl<const B: usize, const N: usize> ClusterFabric<B, N> {
    /// TCDM bytes.
    pub const TCDM_BYTES: usize = (B << N) * 4;
    /// Backdoor read of the TCDM word at byte offset `off` from TCDM_BASE.
    pub fn peek(&self, off: u32) -> u32 {
        self.tcdm.peek((off / 4) as usize)
    }
    /// Backdoor write of the TCDM word at byte offset `off`.
    pub fn poke(&mut self, off: u32, v: u32) {
        self.tcdm.poke((off / 4) as usize, v)
    }
}

impl<const B: usize, const N: usize> Logic for ClusterFabric<B, N> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, src, ack, window);
        clock!(self, clock, tcdm, dma);
        self.tcdm.clear.next = self.clear.val();
        self.dma.clear.next = self.clear.val();
        // ---- decode the control port
        self.core_off.next = self.core_addr.val() - self.tcdm_lo.val();
        self.hit_tcdm.next = (self.core_addr.val() >= self.tcdm_lo.val())
            & (self.core_off.val() < self.tcdm_bytes.val());
        self.hit_dma.next = (self.core_addr.val() >= self.dma_lo.val())
            & ((self.core_addr.val() - self.dma_lo.val()) < self.dma_bytes.val());
        self.hit_bcast.next = (self.core_addr.val() >= self.bcast_lo.val())
            & ((self.core_addr.val() - self.bcast_lo.val()) < self.win_bytes.val());
        for i in 0..N_NTX {
            self.hit_ntx[i].next = (self.core_addr.val() >= self.ntx_lo[i].val())
                & ((self.core_addr.val() - self.ntx_lo[i].val()) < self.win_bytes.val());
        }
        self.bcast_write.next = self.core_req.val() & self.hit_bcast.val() & self.core_we.val();
        // ---- core -> TCDM (interconnect master CORE_MASTER)
        self.tcdm.m_req[16].next = self.core_req.val() & self.hit_tcdm.val();
        self.tcdm.m_addr[16].next = self.core_off.val();
        self.tcdm.m_we[16].next = self.core_we.val();
        self.tcdm.m_be[16].next = self.core_be.val();
        self.tcdm.m_wdata[16].next = self.core_wdata.val();
        self.tcdm.m_level[16].next = self.lvl_core.val();
        // core and DMA count as urgent: urgency only orders NTX ports, and
        // the round robin between NTX and core (mode 01) keeps its bound
        self.tcdm.m_urgent[16].next = true;
        // ---- core -> DMA registers
        self.dma.reg_req.next = self.core_req.val() & self.hit_dma.val();
        self.dma.reg_we.next = self.core_we.val();
        self.dma.reg_addr.next = self.core_addr.val().get_bits::<DMA_REG_ADDR_WIDTH>(2);
        self.dma.reg_wdata.next = self.core_wdata.val();
        // ---- core -> NTX registers (own window, or the broadcast alias;
        // reads of the alias go to NTX 0)
        self.bc_all.next = true;
        for i in 0..N_NTX {
            self.ntx_reg_we[i].next = self.core_we.val();
            self.ntx_reg_addr[i].next =
                self.core_addr.val().get_bits::<REG_ADDR_WIDTH>(2) & self.win_word_mask.val();
            self.ntx_reg_wdata[i].next = self.core_wdata.val();
            self.ntx_reg_req[i].next = self.core_req.val() & self.hit_ntx[i].val();
            if self.bcast_write.val() {
                self.ntx_reg_req[i].next = !self.bc_taken[i].q.val();
            }
            if !(self.bc_taken[i].q.val() | self.ntx_reg_gnt[i].val()) {
                self.bc_all.next = false;
            }
        }
        // (a second loop: in Verilog, bc_all is only complete after the first)
        for i in 0..N_NTX {
            self.bc_taken[i].clock.next = self.clock.val();
            self.bc_taken[i].d.next = false;
            if self.bcast_write.val() && !self.bc_all.val() {
                self.bc_taken[i].d.next = self.bc_taken[i].q.val() | self.ntx_reg_gnt[i].val();
            }
            if self.clear.val() {
                self.bc_taken[i].d.next = false;
            }
        }
        if self.core_req.val() & self.hit_bcast.val() & !self.core_we.val() {
            self.ntx_reg_req[0].next = true;
        }
        // ---- grant and response source
        self.core_gnt.next = self.core_req.val();
        self.src.d.next = self.src_none.val();
        for i in 0..N_NTX {
            self.src_ntx[i].clock.next = self.clock.val();
            self.src_ntx[i].d.next = false;
        }
        if self.hit_tcdm.val() {
            self.core_gnt.next = self.tcdm.m_gnt[16].val();
            self.src.d.next = self.src_tcdm.val();
        } else if self.hit_dma.val() {
            self.core_gnt.next = self.dma.reg_gnt.val();
            self.src.d.next = self.src_dma.val();
        } else if self.hit_bcast.val() {
            if self.core_we.val() {
                self.core_gnt.next = self.bc_all.val();
            } else {
                self.core_gnt.next = self.ntx_reg_gnt[0].val();
                self.src.d.next = self.src_ntx_c.val();
                self.src_ntx[0].d.next = true;
            }
        } else {
            for i in 0..N_NTX {
                if self.hit_ntx[i].val() {
                    self.core_gnt.next = self.ntx_reg_gnt[i].val();
                    self.src.d.next = self.src_ntx_c.val();
                    self.src_ntx[i].d.next = true;
                }
            }
        }
        if !(self.core_req.val() & self.core_gnt.val()) | self.clear.val() {
            self.src.d.next = self.src_none.val();
            for i in 0..N_NTX {
                self.src_ntx[i].d.next = false;
            }
        }
        self.ack.d.next = self.core_req.val() & self.core_gnt.val() & !self.clear.val();
        self.core_rvalid.next = self.ack.q.val();
        self.core_rdata.next = 0.into();
        if (self.src.q.val() == self.src_tcdm.val()) & self.tcdm.m_rvalid[16].val() {
            self.core_rdata.next = self.tcdm.m_rdata[16].val();
        }
        if self.src.q.val() == self.src_dma.val() {
            self.core_rdata.next = self.dma.reg_rdata.val();
        }
        for i in 0..N_NTX {
            if self.src_ntx[i].q.val() {
                self.core_rdata.next = self.ntx_reg_rdata[i].val();
            }
        }
        // ---- DMA
        self.tcdm.m_req[17].next = self.dma.tcdm_req.val();
        self.tcdm.m_addr[17].next = self.dma.tcdm_addr.val() - self.tcdm_lo.val();
        self.tcdm.m_we[17].next = self.dma.tcdm_we.val();
        self.tcdm.m_be[17].next = self.dma.tcdm_be.val();
        self.tcdm.m_wdata[17].next = self.dma.tcdm_wdata.val();
        self.tcdm.m_level[17].next = self.lvl_core.val();
        self.tcdm.m_urgent[17].next = true;
        self.dma.tcdm_gnt.next = self.tcdm.m_gnt[17].val();
        self.dma.tcdm_rvalid.next = self.tcdm.m_rvalid[17].val();
        self.dma.tcdm_rdata.next = self.tcdm.m_rdata[17].val();
        self.ext_req.next = self.dma.ext_req.val();
        self.ext_we.next = self.dma.ext_we.val();
        self.ext_addr.next = self.dma.ext_addr.val();
        self.ext_wdata.next = self.dma.ext_wdata.val();
        self.dma.ext_gnt.next = self.ext_gnt.val();
        self.dma.ext_rvalid.next = self.ext_rvalid.val();
        self.dma.ext_rdata.next = self.ext_rdata.val();
        self.dma_irq.next = self.dma.irq.val();
        // ---- NTX TCDM ports and their levels
        if self.window.q.val() == self.win_last.val() {
            self.window.d.next = 0.into();
        } else {
            self.window.d.next = self.window.q.val() + 1;
        }
        if self.clear.val() {
            self.window.d.next = 0.into();
        }
        self.ntx_hi.next = self.window.q.val() != self.win_last.val();
        for j in 0..NTX_MASTERS {
            self.tcdm.m_req[j].next = self.ntx_tcdm_req[j].val();
            self.tcdm.m_addr[j].next = self.ntx_tcdm_addr[j].val();
            self.tcdm.m_we[j].next = self.ntx_tcdm_we[j].val();
            self.tcdm.m_be[j].next = self.ntx_tcdm_be[j].val();
            self.tcdm.m_wdata[j].next = self.ntx_tcdm_wdata[j].val();
            self.tcdm.m_urgent[j].next = self.ntx_tcdm_urgent[j].val();
            self.ntx_tcdm_gnt[j].next = self.tcdm.m_gnt[j].val();
            self.ntx_tcdm_rvalid[j].next = self.tcdm.m_rvalid[j].val();
            self.ntx_tcdm_rdata[j].next = self.tcdm.m_rdata[j].val();
        }
        for i in 0..N_NTX {
            self.tcdm.m_level[2 * i].next = self.lvl_core.val();
            self.tcdm.m_level[2 * i + 1].next = self.lvl_core.val();
            if (self.ntx_prio[i].val() == 0) | ((self.ntx_prio[i].val() == 2) & self.ntx_hi.val()) {
                self.tcdm.m_level[2 * i].next = self.lvl_hi.val();
                self.tcdm.m_level[2 * i + 1].next = self.lvl_hi.val();
            }
            if (self.ntx_prio[i].val() == 2) & !self.ntx_hi.val() {
                self.tcdm.m_level[2 * i].next = self.lvl_lo.val();
                self.tcdm.m_level[2 * i + 1].next = self.lvl_lo.val();
            }
        }
    }
}

/// The cluster: [`ClusterFabric`] plus `N_NTX` NTX at the reference
/// register addresses; `B` banks of `2^N` words.
#[derive(LogicBlock)]
pub struct Cluster<const B: usize, const N: usize> {
    pub clock: Signal<In, Clock>,
    /// Synchronous clear of the fabric (the NTX are cleared through their
    /// CTRL registers, e.g. one broadcast write of CTRL = 1).
    pub clear: Signal<In, Bit>,
    pub core_req: Signal<In, Bit>,
    pub core_addr: Signal<In, Bits<ADDR_WIDTH>>,
    pub core_we: Signal<In, Bit>,
    pub core_be: Signal<In, Bits<BE_WIDTH>>,
    pub core_wdata: Signal<In, Bits<DATA_WIDTH>>,
    pub core_gnt: Signal<Out, Bit>,
    pub core_rvalid: Signal<Out, Bit>,
    pub core_rdata: Signal<Out, Bits<DATA_WIDTH>>,
    pub ext_req: Signal<Out, Bit>,
    pub ext_we: Signal<Out, Bit>,
    pub ext_addr: Signal<Out, Bits<ADDR_WIDTH>>,
    pub ext_wdata: Signal<Out, Bits<DATA_WIDTH>>,
    pub ext_gnt: Signal<In, Bit>,
    pub ext_rvalid: Signal<In, Bit>,
    pub ext_rdata: Signal<In, Bits<DATA_WIDTH>>,
    pub dma_irq: Signal<Out, Bit>,
    pub ntx_irq: [Signal<Out, Bit>; N_NTX],
    pub fabric: ClusterFabric<B, N>,
    pub ntx: [Ntx; N_NTX],
}

impl<const B: usize, const N: usize> Default for Cluster<B, N> {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            clear: Default::default(),
            core_req: Default::default(),
            core_addr: Default::default(),
            core_we: Default::default(),
            core_be: Default::default(),
            core_wdata: Default::default(),
            core_gnt: Default::default(),
            core_rvalid: Default::default(),
            core_rdata: Default::default(),
            ext_req: Default::default(),
            ext_we: Default::default(),
            ext_addr: Default::default(),
            ext_wdata: Default::default(),
            ext_gnt: Default::default(),
            ext_rvalid: Default::default(),
            ext_rdata: Default::default(),
            dma_irq: Default::default(),
            ntx_irq: arr(),
            fabric: Default::default(),
            ntx: arr(),
        }
    }
}

impl<const B: usize, const N: usize> Logic for Cluster<B, N> {
    #[hdl_gen]
    fn update(&mut self) {
        self.fabric.clock.next = self.clock.val();
        self.fabric.clear.next = self.clear.val();
        self.fabric.core_req.next = self.core_req.val();
        self.fabric.core_addr.next = self.core_addr.val();
        self.fabric.core_we.next = self.core_we.val();
        self.fabric.core_be.next = self.core_be.val();
        self.fabric.core_wdata.next = self.core_wdata.val();
        self.core_gnt.next = self.fabric.core_gnt.val();
        self.core_rvalid.next = self.fabric.core_rvalid.val();
        self.core_rdata.next = self.fabric.core_rdata.val();
        self.ext_req.next = self.fabric.ext_req.val();
        self.ext_we.next = self.fabric.ext_we.val();
        self.ext_addr.next = self.fabric.ext_addr.val();
        self.ext_wdata.next = self.fabric.ext_wdata.val();
        self.fabric.ext_gnt.next = self.ext_gnt.val();
        self.fabric.ext_rvalid.next = self.ext_rvalid.val();
        self.fabric.ext_rdata.next = self.ext_rdata.val();
        self.dma_irq.next = self.fabric.dma_irq.val();
        for i in 0..N_NTX {
            self.ntx[i].clock.next = self.clock.val();
            self.ntx[i].reg_req.next = self.fabric.ntx_reg_req[i].val();
            self.ntx[i].reg_we.next = self.fabric.ntx_reg_we[i].val();
            self.ntx[i].reg_addr.next = self.fabric.ntx_reg_addr[i].val();
            self.ntx[i].reg_wdata.next = self.fabric.ntx_reg_wdata[i].val();
            self.fabric.ntx_reg_gnt[i].next = self.ntx[i].reg_gnt.val();
            self.fabric.ntx_reg_rdata[i].next = self.ntx[i].reg_rdata.val();
            self.fabric.ntx_prio[i].next = self.ntx[i].tcdm_prio.val();
            self.ntx_irq[i].next = self.ntx[i].irq.val();
            // port 0 (operand A) = master 2i, port 1 (operand B) = master 2i+1
            self.fabric.ntx_tcdm_req[2 * i].next = self.ntx[i].tcdm0_req.val();
            self.fabric.ntx_tcdm_addr[2 * i].next = self.ntx[i].tcdm0_addr.val();
            self.fabric.ntx_tcdm_we[2 * i].next = self.ntx[i].tcdm0_we.val();
            self.fabric.ntx_tcdm_be[2 * i].next = self.ntx[i].tcdm0_be.val();
            self.fabric.ntx_tcdm_wdata[2 * i].next = self.ntx[i].tcdm0_wdata.val();
            self.fabric.ntx_tcdm_urgent[2 * i].next = self.ntx[i].tcdm0_urgent.val();
            self.ntx[i].tcdm0_gnt.next = self.fabric.ntx_tcdm_gnt[2 * i].val();
            self.ntx[i].tcdm0_r_valid.next = self.fabric.ntx_tcdm_rvalid[2 * i].val();
            self.ntx[i].tcdm0_r_rdata.next = self.fabric.ntx_tcdm_rdata[2 * i].val();
            self.fabric.ntx_tcdm_req[2 * i + 1].next = self.ntx[i].tcdm1_req.val();
            self.fabric.ntx_tcdm_addr[2 * i + 1].next = self.ntx[i].tcdm1_addr.val();
            self.fabric.ntx_tcdm_we[2 * i + 1].next = self.ntx[i].tcdm1_we.val();
            self.fabric.ntx_tcdm_be[2 * i + 1].next = self.ntx[i].tcdm1_be.val();
            self.fabric.ntx_tcdm_wdata[2 * i + 1].next = self.ntx[i].tcdm1_wdata.val();
            self.fabric.ntx_tcdm_urgent[2 * i + 1].next = self.ntx[i].tcdm1_urgent.val();
            self.ntx[i].tcdm1_gnt.next = self.fabric.ntx_tcdm_gnt[2 * i + 1].val();
            self.ntx[i].tcdm1_r_valid.next = self.fabric.ntx_tcdm_rvalid[2 * i + 1].val();
            self.ntx[i].tcdm1_r_rdata.next = self.fabric.ntx_tcdm_rdata[2 * i + 1].val();
        }
    }
}
