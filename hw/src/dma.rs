//! 2-D DMA engine between external memory (an HMC vault) and the TCDM.
//!
//! Programmed through eight registers (`params::dma::regs`), one transfer at
//! a time: `ROWS` rows of `ROW_BYTES` bytes, row starts `EXT_STRIDE` /
//! `TCDM_STRIDE` bytes apart, word granular. Writing CMD validates the
//! descriptor first (zero size, alignment; then one cycle per row checking
//! that every row lies inside the TCDM and the external memory without
//! wrapping): a malformed descriptor sets STATUS.error with a code and moves
//! nothing. A valid one runs with STATUS.busy, then sets STATUS.done. The
//! interrupt (`irq`) is done-or-error when CMD bit1 enabled it; writing the
//! bits back to STATUS clears them.
//!
//! Data path: a producer address generator reads the source (external reads
//! or TCDM reads), the words go through a FIFO of `D` words, and a consumer
//! address generator writes them to the destination. Reads are only issued
//! while the FIFO has room for them (words in flight + words queued <= D), so
//! no response is ever dropped, whatever the TCDM grants or the vault latency.
//!
//! External port ([`ExtMaster`]): `req`/`we`/`addr`/`wdata`, accepted by
//! `gnt` in the same cycle; read data returns in order, any number of
//! cycles later, with `rvalid`/`rdata` (always accepted). Writes are
//! posted (no response). TCDM port ([`TcdmMaster`]): the PULP protocol of
//! the brief. The requests of both come from [`DmaReq`], which reads no
//! grant (no false combinational loop through the interconnect).
//!
//! Clear and reset (`clear`, synchronous): while `clear` is high the DMA
//! makes no request on either master port. A `clear` of one cycle (not
//! preceded by a `clear` cycle) is the *soft clear*: it aborts the
//! transfer, sets the controller idle, STATUS and CMD to zero, empties the
//! FIFO, keeps the descriptor registers, and counts the external read
//! responses the aborted transfer is still owed, which are dropped as they
//! arrive (in order), also while the next transfer runs. Every further
//! cycle of a held `clear` (two or more consecutive cycles) is a *reset*:
//! as the soft clear, and also the owed-response counts and the
//! descriptor and read-data registers to zero, whatever their value (a
//! random power-on state). Contract: during a reset the external memory
//! must have no read response in flight for the DMA (as at power-on, or
//! after it has drained); a power-on clear must be held for two cycles.
//! The address generators need no clear: they only act in the run state,
//! which is entered only through the descriptor check, which loads them.

pub mod req;

use crate::bus::{ExtMaster, RegSlave, TcdmMaster};
use crate::params::{
    cluster::TCDM_BASE,
    dma::{err, regs, REG_ADDR_WIDTH},
    ADDR_WIDTH, DATA_WIDTH,
};
use req::DmaReq;
use rust_hdl::prelude::*;

/// Width of the FIFO pointers and counters.
pub const PTR_WIDTH: usize = 8;

/// Two-dimensional address walk: `rows` rows of `row_words` words.
#[derive(LogicBlock, Default)]
pub struct DmaAgu {
    pub clock: Signal<In, Clock>,
    /// Load a new walk (base, stride, geometry); takes priority.
    pub start: Signal<In, Bit>,
    pub base: Signal<In, Bits<ADDR_WIDTH>>,
    pub stride: Signal<In, Bits<ADDR_WIDTH>>,
    pub row_words: Signal<In, Bits<ADDR_WIDTH>>,
    pub rows: Signal<In, Bits<ADDR_WIDTH>>,
    /// The current element was used: move to the next one.
    pub advance: Signal<In, Bit>,
    /// Address of the current element.
    pub addr: Signal<Out, Bits<ADDR_WIDTH>>,
    /// Elements remain.
    pub active: Signal<Out, Bit>,
    cur: DFF<Bits<ADDR_WIDTH>>,
    row_start: DFF<Bits<ADDR_WIDTH>>,
    word: DFF<Bits<ADDR_WIDTH>>,
    row: DFF<Bits<ADDR_WIDTH>>,
    busy: DFF<Bit>,
    st: DFF<Bits<ADDR_WIDTH>>,
    rw: DFF<Bits<ADDR_WIDTH>>,
    nr: DFF<Bits<ADDR_WIDTH>>,
    next_row: Signal<Local, Bits<ADDR_WIDTH>>,
}

impl Logic for DmaAgu {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, cur, row_start, word, row, busy, st, rw, nr);
        self.addr.next = self.cur.q.val();
        self.active.next = self.busy.q.val();
        self.next_row.next = self.row_start.q.val() + self.st.q.val();
        if self.start.val() {
            self.cur.d.next = self.base.val();
            self.row_start.d.next = self.base.val();
            self.word.d.next = 0.into();
            self.row.d.next = 0.into();
            self.st.d.next = self.stride.val();
            self.rw.d.next = self.row_words.val();
            self.nr.d.next = self.rows.val();
            self.busy.d.next = true;
        } else if self.advance.val() & self.busy.q.val() {
            if (self.word.q.val() + 1) == self.rw.q.val() {
                self.word.d.next = 0.into();
                self.row.d.next = self.row.q.val() + 1;
                self.row_start.d.next = self.next_row.val();
                self.cur.d.next = self.next_row.val();
                if (self.row.q.val() + 1) == self.nr.q.val() {
                    self.busy.d.next = false;
                }
            } else {
                self.word.d.next = self.word.q.val() + 1;
                self.cur.d.next = self.cur.q.val() + 4;
            }
        }
    }
}

/// FIFO of `D` words in registers (`D` <= 255), head visible (fall through).
#[derive(LogicBlock)]
pub struct RegFifo<const D: usize> {
    pub clock: Signal<In, Clock>,
    pub clear: Signal<In, Bit>,
    pub push: Signal<In, Bit>,
    pub data_in: Signal<In, Bits<DATA_WIDTH>>,
    pub pop: Signal<In, Bit>,
    pub head: Signal<Out, Bits<DATA_WIDTH>>,
    pub count: Signal<Out, Bits<PTR_WIDTH>>,
    mem: [DFF<Bits<DATA_WIDTH>>; D],
    rptr: DFF<Bits<PTR_WIDTH>>,
    wptr: DFF<Bits<PTR_WIDTH>>,
    cnt: DFF<Bits<PTR_WIDTH>>,
    slot: [Constant<Bits<PTR_WIDTH>>; D],
    last_slot: Constant<Bits<PTR_WIDTH>>,
}

impl<const D: usize> Default for RegFifo<D> {
    fn default() -> Self {
        assert!((1..256).contains(&D));
        Self {
            clock: Default::default(),
            clear: Default::default(),
            push: Default::default(),
            data_in: Default::default(),
            pop: Default::default(),
            head: Default::default(),
            count: Default::default(),
            mem: std::array::from_fn(|_| Default::default()),
            rptr: Default::default(),
            wptr: Default::default(),
            cnt: Default::default(),
            slot: std::array::from_fn(|i| Constant::new((i as u64).into())),
            last_slot: Constant::new(((D - 1) as u64).into()),
        }
    }
}

impl<const D: usize> Logic for RegFifo<D> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, rptr, wptr, cnt);
        self.head.next = 0.into();
        for i in 0..D {
            self.mem[i].clock.next = self.clock.val();
            self.mem[i].d.next = self.mem[i].q.val();
            if self.push.val() && (self.wptr.q.val() == self.slot[i].val()) {
                self.mem[i].d.next = self.data_in.val();
            }
            if self.rptr.q.val() == self.slot[i].val() {
                self.head.next = self.mem[i].q.val();
            }
        }
        self.count.next = self.cnt.q.val();
        if self.push.val() {
            if self.wptr.q.val() == self.last_slot.val() {
                self.wptr.d.next = 0.into();
            } else {
                self.wptr.d.next = self.wptr.q.val() + 1;
            }
        }
        if self.pop.val() {
            if self.rptr.q.val() == self.last_slot.val() {
                self.rptr.d.next = 0.into();
            } else {
                self.rptr.d.next = self.rptr.q.val() + 1;
            }
        }
        if self.push.val() && !self.pop.val() {
            self.cnt.d.next = self.cnt.q.val() + 1;
        }
        if self.pop.val() && !self.push.val() {
            self.cnt.d.next = self.cnt.q.val() - 1;
        }
        if self.clear.val() {
            self.rptr.d.next = 0.into();
            self.wptr.d.next = 0.into();
            self.cnt.d.next = 0.into();
        }
    }
}

/// Controller states (STATE_IDLE, STATE_CHECK, STATE_RUN). Plain bit
/// patterns: an enum's localparams in the DFF submodule trip Verilator's
/// UNUSEDPARAM.
const STATE_IDLE: u64 = 0;
const STATE_CHECK: u64 = 1;
const STATE_RUN: u64 = 2;

/// The DMA engine with a FIFO of `D` words (`D` <= 255).
#[derive(LogicBlock)]
pub struct Dma<const D: usize> {
    pub clock: Signal<In, Clock>,
    /// Synchronous clear: one cycle is the soft clear, every further cycle
    /// of a held clear a reset (module doc).
    pub clear: Signal<In, Bit>,
    /// Register slave port (word offsets): gnt in the request cycle, read
    /// data one cycle later.
    pub regs: RegSlave<REG_ADDR_WIDTH>,
    pub irq: Signal<Out, Bit>,
    /// TCDM master port (cluster addresses; `urgent` is always high).
    pub tcdm: TcdmMaster,
    /// External memory master port.
    pub ext: ExtMaster,
    // Registers.
    ext_base: DFF<Bits<ADDR_WIDTH>>,
    tcdm_base: DFF<Bits<ADDR_WIDTH>>,
    row_bytes: DFF<Bits<ADDR_WIDTH>>,
    rows: DFF<Bits<ADDR_WIDTH>>,
    ext_stride: DFF<Bits<ADDR_WIDTH>>,
    tcdm_stride: DFF<Bits<ADDR_WIDTH>>,
    cmd: DFF<Bits<2>>,
    done: DFF<Bit>,
    error: DFF<Bit>,
    code: DFF<Bits<3>>,
    rdata: DFF<Bits<DATA_WIDTH>>,
    state: DFF<Bits<2>>,
    is_idle: Signal<Local, Bit>,
    is_busy: Signal<Local, Bit>,
    status_word: Signal<Local, Bits<DATA_WIDTH>>,
    is_check: Signal<Local, Bit>,
    is_run: Signal<Local, Bit>,
    st_idle: Constant<Bits<2>>,
    st_check: Constant<Bits<2>>,
    st_run: Constant<Bits<2>>,
    // Descriptor check walk.
    chk_ext: DFF<Bits<ADDR_WIDTH>>,
    chk_tcdm: DFF<Bits<ADDR_WIDTH>>,
    chk_row: DFF<Bits<ADDR_WIDTH>>,
    ext_end: Signal<Local, Bits<ADDR_WIDTH>>,
    tcdm_off: Signal<Local, Bits<ADDR_WIDTH>>,
    tcdm_end: Signal<Local, Bits<ADDR_WIDTH>>,
    ext_next: Signal<Local, Bits<ADDR_WIDTH>>,
    tcdm_next: Signal<Local, Bits<ADDR_WIDTH>>,
    misaligned: Signal<Local, Bit>,
    align_or: Signal<Local, Bits<2>>,
    // Data path.
    /// Requests of both master ports (a block that reads no grant).
    rq: DmaReq<D>,
    prod: DmaAgu,
    cons: DmaAgu,
    fifo: RegFifo<D>,
    /// Reads issued and not yet answered.
    inflight: DFF<Bits<PTR_WIDTH>>,
    /// External read responses still owed to a transfer aborted by
    /// `clear`: dropped when they arrive (the vault answers in order), so
    /// they never reach the FIFO of a later transfer.
    stale_e: DFF<Bits<PTR_WIDTH>>,
    /// A TCDM read response owed to an aborted transfer (it arrives in the
    /// cycle after the clear).
    stale_t: DFF<Bit>,
    drop_e: Signal<Local, Bit>,
    /// `clear` was high in the previous cycle.
    clear_q: DFF<Bit>,
    /// Reset: second and later cycle of a held `clear`.
    is_reset: Signal<Local, Bit>,
    /// Reads outstanding after this cycle.
    owed: Signal<Local, Bits<PTR_WIDTH>>,
    issue: Signal<Local, Bit>,
    put: Signal<Local, Bit>,
    take: Signal<Local, Bit>,
    returned: Signal<Local, Bit>,
    to_ext: Signal<Local, Bit>,
    tcdm_lo: Constant<Bits<ADDR_WIDTH>>,
    tcdm_bytes: Constant<Bits<ADDR_WIDTH>>,
    ext_bytes: Constant<Bits<ADDR_WIDTH>>,
    c_zero: Constant<Bits<3>>,
    c_unaligned: Constant<Bits<3>>,
    c_tcdm: Constant<Bits<3>>,
    c_ext: Constant<Bits<3>>,
    c_busy: Constant<Bits<3>>,
}

impl<const D: usize> Dma<D> {
    /// A DMA for a TCDM of `tcdm_bytes` bytes at `params::cluster::TCDM_BASE`
    /// and an external memory of `ext_bytes` bytes at address 0.
    pub fn new(tcdm_bytes: u32, ext_bytes: u32) -> Self {
        assert!((1..256).contains(&D));
        assert!(tcdm_bytes < (1 << 31) && ext_bytes < (1 << 31));
        Self {
            clock: Default::default(),
            clear: Default::default(),
            regs: Default::default(),
            irq: Default::default(),
            tcdm: Default::default(),
            ext: Default::default(),
            ext_base: Default::default(),
            tcdm_base: Default::default(),
            row_bytes: Default::default(),
            rows: Default::default(),
            ext_stride: Default::default(),
            tcdm_stride: Default::default(),
            cmd: Default::default(),
            done: Default::default(),
            error: Default::default(),
            code: Default::default(),
            rdata: Default::default(),
            state: Default::default(),
            is_idle: Default::default(),
            is_busy: Default::default(),
            status_word: Default::default(),
            is_check: Default::default(),
            is_run: Default::default(),
            st_idle: Constant::new(STATE_IDLE.into()),
            st_check: Constant::new(STATE_CHECK.into()),
            st_run: Constant::new(STATE_RUN.into()),
            chk_ext: Default::default(),
            chk_tcdm: Default::default(),
            chk_row: Default::default(),
            ext_end: Default::default(),
            tcdm_off: Default::default(),
            tcdm_end: Default::default(),
            ext_next: Default::default(),
            tcdm_next: Default::default(),
            misaligned: Default::default(),
            align_or: Default::default(),
            rq: Default::default(),
            prod: Default::default(),
            cons: Default::default(),
            fifo: Default::default(),
            inflight: Default::default(),
            stale_e: Default::default(),
            stale_t: Default::default(),
            drop_e: Default::default(),
            clear_q: Default::default(),
            is_reset: Default::default(),
            owed: Default::default(),
            issue: Default::default(),
            put: Default::default(),
            take: Default::default(),
            returned: Default::default(),
            to_ext: Default::default(),
            tcdm_lo: Constant::new((TCDM_BASE as u64).into()),
            tcdm_bytes: Constant::new((tcdm_bytes as u64).into()),
            ext_bytes: Constant::new((ext_bytes as u64).into()),
            c_zero: Constant::new((err::ZERO_SIZE as u64).into()),
            c_unaligned: Constant::new((err::UNALIGNED as u64).into()),
            c_tcdm: Constant::new((err::TCDM_RANGE as u64).into()),
            c_ext: Constant::new((err::EXT_RANGE as u64).into()),
            c_busy: Constant::new((err::BUSY as u64).into()),
        }
    }
}

// The register decode below uses literal offsets (rust-hdl writes a
// constant's name, not its value, into the Verilog); tie them to the map.
const _: () = assert!(
    regs::EXT_ADDR == 0
        && regs::TCDM_ADDR == 1
        && regs::ROW_BYTES == 2
        && regs::ROWS == 3
        && regs::EXT_STRIDE == 4
        && regs::TCDM_STRIDE == 5
        && regs::CMD == 6
        && regs::STATUS == 7
);

impl<const D: usize> Logic for Dma<D> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            ext_base,
            tcdm_base,
            row_bytes,
            rows,
            ext_stride,
            tcdm_stride,
            cmd,
            done,
            error,
            code,
            rdata,
            state,
            chk_ext,
            chk_tcdm,
            chk_row,
            inflight,
            stale_e,
            stale_t,
            clear_q
        );
        clock!(self, clock, prod, cons, fifo);
        self.fifo.clear.next = self.clear.val();
        self.clear_q.d.next = self.clear.val();
        self.is_reset.next = self.clear.val() & self.clear_q.q.val();
        self.to_ext.next = self.cmd.q.val().get_bit(0);
        self.is_idle.next = self.state.q.val() == self.st_idle.val();
        self.is_busy.next = !self.is_idle.val();
        self.is_check.next = self.state.q.val() == self.st_check.val();
        self.is_run.next = self.state.q.val() == self.st_run.val();
        // Register port: always granted, read data registered.
        self.regs.gnt.next = true;
        self.regs.rdata.next = self.rdata.q.val();
        self.irq.next = self.cmd.q.val().get_bit(1) & (self.done.q.val() | self.error.q.val());
        // Descriptor check arithmetic (row at chk_ext / chk_tcdm).
        self.ext_end.next = self.chk_ext.q.val() + self.row_bytes.q.val();
        self.tcdm_off.next = self.chk_tcdm.q.val() - self.tcdm_lo.val();
        self.tcdm_end.next = self.tcdm_off.val() + self.row_bytes.q.val();
        self.ext_next.next = self.chk_ext.q.val() + self.ext_stride.q.val();
        self.tcdm_next.next = self.chk_tcdm.q.val() + self.tcdm_stride.q.val();
        self.align_or.next = ((self.ext_base.q.val().get_bits::<2>(0)
            | self.tcdm_base.q.val().get_bits::<2>(0))
            | (self.row_bytes.q.val().get_bits::<2>(0) | self.ext_stride.q.val().get_bits::<2>(0)))
            | self.tcdm_stride.q.val().get_bits::<2>(0);
        self.misaligned.next = self.align_or.val().any();
        // Address walks: the producer reads the source, the consumer writes
        // the destination.
        self.prod.start.next = false;
        self.cons.start.next = false;
        self.prod.row_words.next = self.row_bytes.q.val() >> 2;
        self.cons.row_words.next = self.row_bytes.q.val() >> 2;
        self.prod.rows.next = self.rows.q.val();
        self.cons.rows.next = self.rows.q.val();
        if self.to_ext.val() {
            self.prod.base.next = self.tcdm_base.q.val();
            self.prod.stride.next = self.tcdm_stride.q.val();
            self.cons.base.next = self.ext_base.q.val();
            self.cons.stride.next = self.ext_stride.q.val();
        } else {
            self.prod.base.next = self.ext_base.q.val();
            self.prod.stride.next = self.ext_stride.q.val();
            self.cons.base.next = self.tcdm_base.q.val();
            self.cons.stride.next = self.tcdm_stride.q.val();
        }
        // Requests (DmaReq reads no grant), then what the grants do.
        self.rq.clear.next = self.clear.val();
        self.rq.to_ext.next = self.cmd.q.val().get_bit(0);
        self.rq.is_run.next = self.state.q.val() == self.st_run.val();
        self.rq.inflight.next = self.inflight.q.val();
        self.rq.fifo_count.next = self.fifo.count.val();
        self.rq.fifo_head.next = self.fifo.head.val();
        self.rq.prod_active.next = self.prod.active.val();
        self.rq.prod_addr.next = self.prod.addr.val();
        self.rq.cons_active.next = self.cons.active.val();
        self.rq.cons_addr.next = self.cons.addr.val();
        self.tcdm.req.next = self.rq.tcdm_req.val();
        self.tcdm.we.next = self.rq.tcdm_we.val();
        self.tcdm.be.next = 15.into();
        self.tcdm.addr.next = self.rq.tcdm_addr.val();
        self.tcdm.wdata.next = self.rq.wdata.val();
        self.tcdm.urgent.next = true;
        self.ext.req.next = self.rq.ext_req.val();
        self.ext.we.next = self.rq.ext_we.val();
        self.ext.addr.next = self.rq.ext_addr.val();
        self.ext.wdata.next = self.rq.wdata.val();
        self.drop_e.next = self.ext.rvalid.val() & self.stale_e.q.val().any();
        if self.to_ext.val() {
            // TCDM reads -> FIFO -> external writes.
            self.issue.next = self.rq.tcdm_req.val() & self.tcdm.gnt.val();
            self.returned.next = self.tcdm.r_valid.val() & !self.stale_t.q.val();
            self.put.next = self.tcdm.r_valid.val() & !self.stale_t.q.val();
            self.take.next = self.rq.ext_req.val() & self.ext.gnt.val();
        } else {
            // External reads -> FIFO -> TCDM writes.
            self.issue.next = self.rq.ext_req.val() & self.ext.gnt.val();
            self.returned.next = self.ext.rvalid.val() & !self.drop_e.val();
            self.put.next = self.ext.rvalid.val() & !self.drop_e.val();
            self.take.next = self.rq.tcdm_req.val() & self.tcdm.gnt.val();
        }
        self.prod.advance.next = self.issue.val();
        self.cons.advance.next = self.take.val();
        self.fifo.push.next = self.put.val();
        if self.to_ext.val() {
            self.fifo.data_in.next = self.tcdm.r_rdata.val();
        } else {
            self.fifo.data_in.next = self.ext.rdata.val();
        }
        self.fifo.pop.next = self.take.val();
        self.owed.next = self.inflight.q.val();
        if self.issue.val() && !self.returned.val() {
            self.owed.next = self.inflight.q.val() + 1;
        }
        if self.returned.val() && !self.issue.val() {
            self.owed.next = self.inflight.q.val() - 1;
        }
        self.inflight.d.next = self.owed.val();
        self.stale_t.d.next = false;
        if self.drop_e.val() {
            self.stale_e.d.next = self.stale_e.q.val() - 1;
        }
        // Control.
        if self.is_check.val() {
            if (self.ext_end.val() < self.chk_ext.q.val())
                | (self.ext_end.val() > self.ext_bytes.val())
            {
                self.error.d.next = true;
                self.code.d.next = self.c_ext.val();
                self.state.d.next = self.st_idle.val();
            } else if (self.chk_tcdm.q.val() < self.tcdm_lo.val())
                | (self.tcdm_end.val() < self.tcdm_off.val())
                | (self.tcdm_end.val() > self.tcdm_bytes.val())
            {
                self.error.d.next = true;
                self.code.d.next = self.c_tcdm.val();
                self.state.d.next = self.st_idle.val();
            } else if (self.chk_row.q.val() + 1) == self.rows.q.val() {
                self.state.d.next = self.st_run.val();
                self.prod.start.next = true;
                self.cons.start.next = true;
            } else if self.ext_next.val() < self.chk_ext.q.val() {
                self.error.d.next = true;
                self.code.d.next = self.c_ext.val();
                self.state.d.next = self.st_idle.val();
            } else if self.tcdm_next.val() < self.chk_tcdm.q.val() {
                self.error.d.next = true;
                self.code.d.next = self.c_tcdm.val();
                self.state.d.next = self.st_idle.val();
            } else {
                self.chk_row.d.next = self.chk_row.q.val() + 1;
                self.chk_ext.d.next = self.ext_next.val();
                self.chk_tcdm.d.next = self.tcdm_next.val();
            }
        }
        if self.is_run.val() && !self.cons.active.val() {
            self.done.d.next = true;
            self.state.d.next = self.st_idle.val();
        }
        // Register writes and reads.
        // Register writes and reads (if-chains, not `match`: Verilator does
        // not split an always block with a case statement, which would turn
        // the gnt -> req independence into a false combinational loop).
        if self.regs.req.val() && self.regs.we.val() {
            if self.regs.addr.val() == 0 {
                self.ext_base.d.next = self.regs.wdata.val();
            }
            if self.regs.addr.val() == 1 {
                self.tcdm_base.d.next = self.regs.wdata.val();
            }
            if self.regs.addr.val() == 2 {
                self.row_bytes.d.next = self.regs.wdata.val();
            }
            if self.regs.addr.val() == 3 {
                self.rows.d.next = self.regs.wdata.val();
            }
            if self.regs.addr.val() == 4 {
                self.ext_stride.d.next = self.regs.wdata.val();
            }
            if self.regs.addr.val() == 5 {
                self.tcdm_stride.d.next = self.regs.wdata.val();
            }
            if self.regs.addr.val() == 6 {
                if !self.is_idle.val() {
                    self.error.d.next = true;
                    self.code.d.next = self.c_busy.val();
                } else {
                    self.cmd.d.next = self.regs.wdata.val().get_bits::<2>(0);
                    self.done.d.next = false;
                    self.error.d.next = false;
                    self.code.d.next = 0.into();
                    if !self.row_bytes.q.val().any() | !self.rows.q.val().any() {
                        self.error.d.next = true;
                        self.code.d.next = self.c_zero.val();
                    } else if self.misaligned.val() {
                        self.error.d.next = true;
                        self.code.d.next = self.c_unaligned.val();
                    } else {
                        self.state.d.next = self.st_check.val();
                        self.chk_ext.d.next = self.ext_base.q.val();
                        self.chk_tcdm.d.next = self.tcdm_base.q.val();
                        self.chk_row.d.next = 0.into();
                    }
                }
            }
            if self.regs.addr.val() == 7 {
                if self.regs.wdata.val().get_bit(1) {
                    self.done.d.next = false;
                }
                if self.regs.wdata.val().get_bit(2) {
                    self.error.d.next = false;
                    self.code.d.next = 0.into();
                }
            }
        }
        self.status_word.next = bit_cast::<DATA_WIDTH, 1>(self.is_busy.val().into())
            | (bit_cast::<DATA_WIDTH, 1>(self.done.q.val().into()) << 1)
            | (bit_cast::<DATA_WIDTH, 1>(self.error.q.val().into()) << 2)
            | (bit_cast::<DATA_WIDTH, 3>(self.code.q.val()) << 4);
        if self.regs.req.val() && !self.regs.we.val() {
            self.rdata.d.next = 0.into();
            if self.regs.addr.val() == 0 {
                self.rdata.d.next = self.ext_base.q.val();
            }
            if self.regs.addr.val() == 1 {
                self.rdata.d.next = self.tcdm_base.q.val();
            }
            if self.regs.addr.val() == 2 {
                self.rdata.d.next = self.row_bytes.q.val();
            }
            if self.regs.addr.val() == 3 {
                self.rdata.d.next = self.rows.q.val();
            }
            if self.regs.addr.val() == 4 {
                self.rdata.d.next = self.ext_stride.q.val();
            }
            if self.regs.addr.val() == 5 {
                self.rdata.d.next = self.tcdm_stride.q.val();
            }
            if self.regs.addr.val() == 6 {
                self.rdata.d.next = bit_cast::<DATA_WIDTH, 2>(self.cmd.q.val());
            }
            if self.regs.addr.val() == 7 {
                self.rdata.d.next = self.status_word.val();
            }
        }
        if self.clear.val() {
            self.state.d.next = self.st_idle.val();
            self.done.d.next = false;
            self.error.d.next = false;
            self.code.d.next = 0.into();
            self.cmd.d.next = 0.into();
            self.inflight.d.next = 0.into();
            // responses of reads issued before the clear are owed still
            if self.to_ext.val() {
                self.stale_t.d.next = self.owed.val().any();
            } else if self.drop_e.val() {
                self.stale_e.d.next = self.stale_e.q.val() - 1 + self.owed.val();
            } else {
                self.stale_e.d.next = self.stale_e.q.val() + self.owed.val();
            }
        }
        if self.is_reset.val() {
            // nothing is in flight (contract): forget whatever the
            // counters and registers hold
            self.stale_e.d.next = 0.into();
            self.stale_t.d.next = false;
            self.ext_base.d.next = 0.into();
            self.tcdm_base.d.next = 0.into();
            self.row_bytes.d.next = 0.into();
            self.rows.d.next = 0.into();
            self.ext_stride.d.next = 0.into();
            self.tcdm_stride.d.next = 0.into();
            self.rdata.d.next = 0.into();
        }
    }
}
