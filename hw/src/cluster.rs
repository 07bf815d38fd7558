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

pub mod req;

use crate::bus::{BusSlave, ExtMaster, RegMaster, RegSlave, TcdmMaster, TcdmSlave};
use crate::dma::Dma;
use crate::ntx::Ntx;
use crate::params::{
    cluster::{
        CORE_MASTER, DMA_BASE, DMA_MASTER, NTX_MASTERS, NTX_PORTS, N_MASTERS, N_NTX, TCDM_BASE,
    },
    dma::FIFO_DEPTH,
    REG_ADDR_WIDTH,
};
use crate::tcdm::{xbar::arr, Tcdm};
use req::FabricReq;
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
///
/// Requests are computed by [`FabricReq`] (no grant read there); this
/// block's own logic answers the control port (grant, read data, broadcast
/// bookkeeping). The NTX TCDM ports are linked straight to the
/// interconnect, the external port to the DMA's.
#[derive(LogicBlock)]
pub struct ClusterFabric<const B: usize, const N: usize> {
    pub clock: Signal<In, Clock>,
    /// Synchronous clear of the interconnect, the DMA and the port logic.
    pub clear: Signal<In, Bit>,
    /// Control port (the control core).
    pub core: BusSlave,
    /// NTX register ports (the fabric is the master).
    pub ntx_reg: [RegMaster<REG_ADDR_WIDTH>; N_NTX],
    /// Priority mode of each NTX (its CTRL bits 2:1).
    pub ntx_prio: [Signal<In, Bits<2>>; N_NTX],
    /// NTX TCDM ports: NTX i port p is entry NTX_PORTS*i + p.
    pub ntx_tcdm: [TcdmSlave; NTX_MASTERS],
    /// The DMA's external port.
    pub ext: ExtMaster,
    pub dma_irq: Signal<Out, Bit>,
    /// Sticky: the interconnect once granted more than one access to a
    /// bank in one cycle (the TCDM's `err`; cleared by `clear`).
    pub err: Signal<Out, Bit>,
    pub tcdm: Tcdm<N_MASTERS, B, N>,
    pub dma: Dma<FIFO_DEPTH>,
    /// Decoding and requests.
    req: FabricReq,
    /// Broadcast: NTX that took the pending write, and whether all have now.
    bc_taken: [DFF<Bit>; N_NTX],
    bc_all: Signal<Local, Bit>,
    /// Response source and NTX index of last cycle's grant.
    src: DFF<Bits<2>>,
    /// The core was granted last cycle (`r_valid` now).
    ack: DFF<Bit>,
    src_ntx: [DFF<Bit>; N_NTX],
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
        fn k<const W: usize>(v: u64) -> Constant<Bits<W>> {
            Constant::new(v.into())
        }
        Self {
            clock: Default::default(),
            clear: Default::default(),
            core: Default::default(),
            ntx_reg: arr(),
            ntx_prio: arr(),
            ntx_tcdm: arr(),
            ext: Default::default(),
            dma_irq: Default::default(),
            err: Default::default(),
            tcdm: Default::default(),
            dma: Dma::new(tcdm_bytes as u32, crate::params::dma::EXT_BYTES),
            req: FabricReq::new(tcdm_bytes),
            bc_taken: arr(),
            bc_all: Default::default(),
            src: Default::default(),
            ack: Default::default(),
            src_ntx: arr(),
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
        dff_setup!(self, clock, src, ack);
        clock!(self, clock, tcdm, dma, req);
        self.tcdm.clear.next = self.clear.val();
        self.err.next = self.tcdm.err.val();
        self.dma.clear.next = self.clear.val();
        self.req.clear.next = self.clear.val();
        // ---- requests (FabricReq reads no grant)
        self.req.core_req.next = self.core.req.val();
        self.req.core_addr.next = self.core.addr.val();
        self.req.core_we.next = self.core.we.val();
        self.req.dma_addr.next = self.dma.tcdm.addr.val();
        for i in 0..N_NTX {
            self.req.bc_taken[i].next = self.bc_taken[i].q.val();
            self.req.ntx_prio[i].next = self.ntx_prio[i].val();
        }
        for j in 0..N_MASTERS {
            self.tcdm.m_level[j].next = self.req.level[j].val();
        }
        // core -> TCDM (interconnect master CORE_MASTER); core and DMA count
        // as urgent: urgency only orders NTX ports, and the round robin
        // between NTX and core (mode 01) keeps its bound
        self.tcdm.m[16].req.next = self.req.tcdm_req.val();
        self.tcdm.m[16].addr.next = self.req.tcdm_off.val();
        self.tcdm.m[16].we.next = self.core.we.val();
        self.tcdm.m[16].be.next = self.core.be.val();
        self.tcdm.m[16].wdata.next = self.core.wdata.val();
        self.tcdm.m[16].urgent.next = true;
        // core -> DMA registers
        self.dma.regs.req.next = self.req.dma_reg_req.val();
        self.dma.regs.we.next = self.core.we.val();
        self.dma.regs.addr.next = self.req.dma_reg_addr.val();
        self.dma.regs.wdata.next = self.core.wdata.val();
        // core -> NTX registers
        for i in 0..N_NTX {
            self.ntx_reg[i].req.next = self.req.ntx_reg_req[i].val();
            self.ntx_reg[i].we.next = self.core.we.val();
            self.ntx_reg[i].addr.next = self.req.ntx_reg_addr.val();
            self.ntx_reg[i].wdata.next = self.core.wdata.val();
        }
        // DMA -> TCDM (master DMA_MASTER), and the NTX ports and the
        // external port (links: no logic in between)
        self.tcdm.m[17].req.next = self.dma.tcdm.req.val();
        self.tcdm.m[17].addr.next = self.req.dma_off.val();
        self.tcdm.m[17].we.next = self.dma.tcdm.we.val();
        self.tcdm.m[17].be.next = self.dma.tcdm.be.val();
        self.tcdm.m[17].wdata.next = self.dma.tcdm.wdata.val();
        self.tcdm.m[17].urgent.next = self.dma.tcdm.urgent.val();
        self.dma.tcdm.gnt.next = self.tcdm.m[17].gnt.val();
        self.dma.tcdm.r_valid.next = self.tcdm.m[17].r_valid.val();
        self.dma.tcdm.r_rdata.next = self.tcdm.m[17].r_rdata.val();
        for j in 0..NTX_MASTERS {
            TcdmSlave::link(&mut self.ntx_tcdm[j], &mut self.tcdm.m[j]);
        }
        ExtMaster::link(&mut self.ext, &mut self.dma.ext);
        self.dma_irq.next = self.dma.irq.val();
        // ---- broadcast bookkeeping: NTX that accept are remembered while
        // the others stall
        self.bc_all.next = true;
        for i in 0..N_NTX {
            if !(self.bc_taken[i].q.val() | self.ntx_reg[i].gnt.val()) {
                self.bc_all.next = false;
            }
        }
        // (a second loop: in Verilog, bc_all is only complete after the first)
        for i in 0..N_NTX {
            self.bc_taken[i].clock.next = self.clock.val();
            self.bc_taken[i].d.next = false;
            if self.req.bcast_write.val() && !self.bc_all.val() {
                self.bc_taken[i].d.next = self.bc_taken[i].q.val() | self.ntx_reg[i].gnt.val();
            }
            if self.clear.val() {
                self.bc_taken[i].d.next = false;
            }
        }
        // ---- grant and response source
        self.core.gnt.next = self.core.req.val();
        self.src.d.next = self.src_none.val();
        for i in 0..N_NTX {
            self.src_ntx[i].clock.next = self.clock.val();
            self.src_ntx[i].d.next = false;
        }
        if self.req.hit_tcdm.val() {
            self.core.gnt.next = self.tcdm.m[16].gnt.val();
            self.src.d.next = self.src_tcdm.val();
        } else if self.req.hit_dma.val() {
            self.core.gnt.next = self.dma.regs.gnt.val();
            self.src.d.next = self.src_dma.val();
        } else if self.req.hit_bcast.val() {
            if self.core.we.val() {
                self.core.gnt.next = self.bc_all.val();
            } else {
                self.core.gnt.next = self.ntx_reg[0].gnt.val();
                self.src.d.next = self.src_ntx_c.val();
                self.src_ntx[0].d.next = true;
            }
        } else {
            for i in 0..N_NTX {
                if self.req.hit_ntx[i].val() {
                    self.core.gnt.next = self.ntx_reg[i].gnt.val();
                    self.src.d.next = self.src_ntx_c.val();
                    self.src_ntx[i].d.next = true;
                }
            }
        }
        if !(self.core.req.val() & self.core.gnt.val()) | self.clear.val() {
            self.src.d.next = self.src_none.val();
            for i in 0..N_NTX {
                self.src_ntx[i].d.next = false;
            }
        }
        self.ack.d.next = self.core.req.val() & self.core.gnt.val() & !self.clear.val();
        self.core.r_valid.next = self.ack.q.val();
        self.core.r_rdata.next = 0.into();
        if (self.src.q.val() == self.src_tcdm.val()) & self.tcdm.m[16].r_valid.val() {
            self.core.r_rdata.next = self.tcdm.m[16].r_rdata.val();
        }
        if self.src.q.val() == self.src_dma.val() {
            self.core.r_rdata.next = self.dma.regs.rdata.val();
        }
        for i in 0..N_NTX {
            if self.src_ntx[i].q.val() {
                self.core.r_rdata.next = self.ntx_reg[i].rdata.val();
            }
        }
    }
}

/// One NTX as the cluster instantiates it: the [`Ntx`] with its two TCDM
/// master ports as separate fields. rust-hdl translates only one array
/// index per path, so the cluster, which indexes its NTX, cannot name
/// `ntx[i].tcdm[k]`; this block names `ntx.tcdm[k]` (one index) and the
/// cluster `ntx[i].tcdm0` (one index). Links only: no logic.
#[derive(LogicBlock, Default)]
pub struct ClusterNtx {
    pub clock: Signal<In, Clock>,
    pub regs: RegSlave<REG_ADDR_WIDTH>,
    pub irq: Signal<Out, Bit>,
    pub tcdm_prio: Signal<Out, Bits<2>>,
    /// TCDM port 0 (operand A) and 1 (operand B) of the NTX.
    pub tcdm0: TcdmMaster,
    pub tcdm1: TcdmMaster,
    /// The NTX's FIFO check ([`Ntx::err`]).
    pub err: Signal<Out, Bit>,
    pub ntx: Ntx,
}

impl Logic for ClusterNtx {
    #[hdl_gen]
    fn update(&mut self) {
        self.ntx.clock.next = self.clock.val();
        RegSlave::<REG_ADDR_WIDTH>::link(&mut self.regs, &mut self.ntx.regs);
        self.irq.next = self.ntx.irq.val();
        self.tcdm_prio.next = self.ntx.tcdm_prio.val();
        self.err.next = self.ntx.err.val();
        TcdmMaster::link(&mut self.tcdm0, &mut self.ntx.tcdm[0]);
        TcdmMaster::link(&mut self.tcdm1, &mut self.ntx.tcdm[1]);
    }
}

/// The cluster: [`ClusterFabric`] plus `N_NTX` NTX at the reference
/// register addresses; `B` banks of `2^N` words. The NTX's bundles are
/// joined to the fabric's.
#[derive(LogicBlock)]
pub struct Cluster<const B: usize, const N: usize> {
    pub clock: Signal<In, Clock>,
    /// Synchronous clear of the fabric (the NTX are cleared through their
    /// CTRL registers, e.g. one broadcast write of CTRL = 1).
    pub clear: Signal<In, Bit>,
    /// Control port.
    pub core: BusSlave,
    /// The DMA's external port.
    pub ext: ExtMaster,
    pub dma_irq: Signal<Out, Bit>,
    pub ntx_irq: [Signal<Out, Bit>; N_NTX],
    /// The FIFO checks of all NTX, ORed ([`Ntx::err`]; simulation check).
    pub ntx_err: Signal<Out, Bit>,
    /// Sticky: the interconnect once granted more than one access to a
    /// bank in one cycle (the fabric's `err`; cleared by `clear`).
    pub err: Signal<Out, Bit>,
    pub fabric: ClusterFabric<B, N>,
    pub ntx: [ClusterNtx; N_NTX],
}

impl<const B: usize, const N: usize> Default for Cluster<B, N> {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            clear: Default::default(),
            core: Default::default(),
            ext: Default::default(),
            dma_irq: Default::default(),
            ntx_irq: arr(),
            ntx_err: Default::default(),
            err: Default::default(),
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
        BusSlave::link(&mut self.core, &mut self.fabric.core);
        ExtMaster::link(&mut self.ext, &mut self.fabric.ext);
        self.dma_irq.next = self.fabric.dma_irq.val();
        self.ntx_err.next = false;
        self.err.next = self.fabric.err.val();
        for i in 0..N_NTX {
            self.ntx_err.next = self.ntx_err.val() | self.ntx[i].err.val();
            self.ntx[i].clock.next = self.clock.val();
            RegMaster::<REG_ADDR_WIDTH>::join(&mut self.fabric.ntx_reg[i], &mut self.ntx[i].regs);
            self.fabric.ntx_prio[i].next = self.ntx[i].tcdm_prio.val();
            self.ntx_irq[i].next = self.ntx[i].irq.val();
            // port 0 (operand A) = master 2i, port 1 (operand B) = master 2i+1
            TcdmMaster::join(&mut self.ntx[i].tcdm0, &mut self.fabric.ntx_tcdm[2 * i]);
            TcdmMaster::join(&mut self.ntx[i].tcdm1, &mut self.fabric.ntx_tcdm[2 * i + 1]);
        }
    }
}
