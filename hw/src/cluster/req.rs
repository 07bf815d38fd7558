//! Request side of the cluster fabric's control port and of its
//! interconnect masters: address decoding, the requests of the control
//! port to the TCDM (master `CORE_MASTER`), the DMA registers and the NTX
//! registers (with the broadcast alias), the DMA's TCDM request (address
//! made TCDM-relative) and the interconnect level of every master (NTX
//! priority modes, window counter of mode 10).
//!
//! It reads no grant: rust-hdl writes one `always @(*)` per module, and a
//! block that read a grant and drove a request would make Verilator see a
//! combinational loop through the interconnect that the logic does not
//! have (UNOPTFLAT). The fabric's own block answers (grants, read data,
//! broadcast bookkeeping) from this block's decode outputs.

use crate::params::{
    cluster::{CORE_LEVEL, DMA_BASE, N_MASTERS, N_NTX, PRIO_LEVEL_WIDTH, PRIO_WINDOW, TCDM_BASE},
    cluster_map::{DMA_WINDOW_BYTES, NTX_WINDOW_BYTES},
    dma::REG_ADDR_WIDTH as DMA_REG_ADDR_WIDTH,
    ntx_base_addr, ADDR_WIDTH, NTX_BROADCAST_ADDR, REG_ADDR_WIDTH,
};
use crate::tcdm::xbar::arr;
use rust_hdl::prelude::*;

/// Request decoder of a fabric with a TCDM of `tcdm_bytes` bytes.
#[derive(LogicBlock)]
pub struct FabricReq {
    pub clock: Signal<In, Clock>,
    pub clear: Signal<In, Bit>,
    // control port request (the fabric's `core` port)
    pub core_req: Signal<In, Bit>,
    pub core_addr: Signal<In, Bits<ADDR_WIDTH>>,
    pub core_we: Signal<In, Bit>,
    /// NTX i has taken the pending broadcast write (the fabric's register).
    pub bc_taken: [Signal<In, Bit>; N_NTX],
    /// Priority mode of each NTX (its CTRL bits 2:1).
    pub ntx_prio: [Signal<In, Bits<2>>; N_NTX],
    /// The DMA's TCDM address (cluster address map).
    pub dma_addr: Signal<In, Bits<ADDR_WIDTH>>,
    // decode
    pub hit_tcdm: Signal<Out, Bit>,
    pub hit_dma: Signal<Out, Bit>,
    pub hit_bcast: Signal<Out, Bit>,
    pub hit_ntx: [Signal<Out, Bit>; N_NTX],
    /// A write to the broadcast alias is requested.
    pub bcast_write: Signal<Out, Bit>,
    // requests
    /// Control port -> TCDM (byte offset from `TCDM_BASE`).
    pub tcdm_req: Signal<Out, Bit>,
    pub tcdm_off: Signal<Out, Bits<ADDR_WIDTH>>,
    /// The DMA's TCDM address as a byte offset from `TCDM_BASE`.
    pub dma_off: Signal<Out, Bits<ADDR_WIDTH>>,
    /// Control port -> DMA registers.
    pub dma_reg_req: Signal<Out, Bit>,
    pub dma_reg_addr: Signal<Out, Bits<DMA_REG_ADDR_WIDTH>>,
    /// Control port -> NTX i registers (word offset inside the window).
    pub ntx_reg_req: [Signal<Out, Bit>; N_NTX],
    pub ntx_reg_addr: Signal<Out, Bits<REG_ADDR_WIDTH>>,
    /// Interconnect level of each master.
    pub level: [Signal<Out, Bits<PRIO_LEVEL_WIDTH>>; N_MASTERS],
    // Priority window counter (mode 10).
    window: DFF<Bits<3>>,
    ntx_hi: Signal<Local, Bit>,
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
}

impl FabricReq {
    /// The decoder of a fabric with `tcdm_bytes` bytes of TCDM.
    pub fn new(tcdm_bytes: u64) -> Self {
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
            bc_taken: arr(),
            ntx_prio: arr(),
            dma_addr: Default::default(),
            hit_tcdm: Default::default(),
            hit_dma: Default::default(),
            hit_bcast: Default::default(),
            hit_ntx: arr(),
            bcast_write: Default::default(),
            tcdm_req: Default::default(),
            tcdm_off: Default::default(),
            dma_off: Default::default(),
            dma_reg_req: Default::default(),
            dma_reg_addr: Default::default(),
            ntx_reg_req: arr(),
            ntx_reg_addr: Default::default(),
            level: arr(),
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
        }
    }
}

impl Logic for FabricReq {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, window);
        // ---- decode the control port
        self.tcdm_off.next = self.core_addr.val() - self.tcdm_lo.val();
        self.hit_tcdm.next = (self.core_addr.val() >= self.tcdm_lo.val())
            & (self.tcdm_off.val() < self.tcdm_bytes.val());
        self.hit_dma.next = (self.core_addr.val() >= self.dma_lo.val())
            & ((self.core_addr.val() - self.dma_lo.val()) < self.dma_bytes.val());
        self.hit_bcast.next = (self.core_addr.val() >= self.bcast_lo.val())
            & ((self.core_addr.val() - self.bcast_lo.val()) < self.win_bytes.val());
        for i in 0..N_NTX {
            self.hit_ntx[i].next = (self.core_addr.val() >= self.ntx_lo[i].val())
                & ((self.core_addr.val() - self.ntx_lo[i].val()) < self.win_bytes.val());
        }
        self.bcast_write.next = self.core_req.val() & self.hit_bcast.val() & self.core_we.val();
        // ---- requests of the control port (TCDM, DMA, NTX registers: own
        // window, or the broadcast alias; reads of the alias go to NTX 0)
        self.tcdm_req.next = self.core_req.val() & self.hit_tcdm.val();
        self.dma_reg_req.next = self.core_req.val() & self.hit_dma.val();
        self.dma_reg_addr.next = self.core_addr.val().get_bits::<DMA_REG_ADDR_WIDTH>(2);
        self.ntx_reg_addr.next =
            self.core_addr.val().get_bits::<REG_ADDR_WIDTH>(2) & self.win_word_mask.val();
        for i in 0..N_NTX {
            self.ntx_reg_req[i].next = self.core_req.val() & self.hit_ntx[i].val();
            if self.bcast_write.val() {
                self.ntx_reg_req[i].next = !self.bc_taken[i].val();
            }
        }
        if self.core_req.val() & self.hit_bcast.val() & !self.core_we.val() {
            self.ntx_reg_req[0].next = true;
        }
        self.dma_off.next = self.dma_addr.val() - self.tcdm_lo.val();
        // ---- interconnect levels: core and DMA at CORE_LEVEL, NTX ports
        // by their NTX's priority mode
        if self.window.q.val() == self.win_last.val() {
            self.window.d.next = 0.into();
        } else {
            self.window.d.next = self.window.q.val() + 1;
        }
        if self.clear.val() {
            self.window.d.next = 0.into();
        }
        self.ntx_hi.next = self.window.q.val() != self.win_last.val();
        self.level[16].next = self.lvl_core.val();
        self.level[17].next = self.lvl_core.val();
        for i in 0..N_NTX {
            self.level[2 * i].next = self.lvl_core.val();
            self.level[2 * i + 1].next = self.lvl_core.val();
            if (self.ntx_prio[i].val() == 0) | ((self.ntx_prio[i].val() == 2) & self.ntx_hi.val()) {
                self.level[2 * i].next = self.lvl_hi.val();
                self.level[2 * i + 1].next = self.lvl_hi.val();
            }
            if (self.ntx_prio[i].val() == 2) & !self.ntx_hi.val() {
                self.level[2 * i].next = self.lvl_lo.val();
                self.level[2 * i + 1].next = self.lvl_lo.val();
            }
        }
    }
}
