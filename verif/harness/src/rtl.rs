//! RTL backend (`--backend rtl`): the rust-hdl NTX (`ntx_hw::ntx::Ntx`)
//! driven through its fields (clock toggling, no `Simulation` harness, no
//! name lookups, no Verilog generation) behind the one bus harness of
//! [`crate::pins`]: the same TCDM responder, register driver and protocol
//! checker as `--backend verilator`.

use crate::backend::BackendError;
use crate::model::mem::Tcdm;
use crate::pins::{stall_grants, BusHarness, NtxBus, TcdmPort};
use ntx_hw::ntx::Ntx;
use rust_hdl::prelude::*;

/// Register writes wait at most this many cycles for the grant without a
/// TCDM access in between.
pub const MAX_GRANT_WAIT: u64 = crate::pins::REG_GRANT_TIMEOUT;

/// One NTX RTL instance with its memory.
pub type RtlBackend = BusHarness<Ntx>;

fn settle(uut: &mut Ntx) {
    assert!(
        simulate(uut, 1000),
        "NTX combinational logic did not settle"
    );
}

/// The rust-hdl NTX's own signals as the harness's pins.
impl NtxBus for Ntx {
    #[inline]
    fn drive_tcdm(&mut self, k: usize, gnt: bool, r_valid: bool, r_rdata: u32) {
        let t = &mut self.tcdm[k];
        t.gnt.next = gnt;
        t.r_valid.next = r_valid;
        t.r_rdata.next = (r_rdata as u64).into();
    }
    #[inline]
    fn tcdm(&mut self, k: usize) -> TcdmPort {
        let t = &self.tcdm[k];
        TcdmPort {
            req: t.req.val(),
            addr: t.addr.val().to_u32(),
            we: t.we.val(),
            be: t.be.val().to_u32() as u8,
            wdata: t.wdata.val().to_u32(),
            urgent: t.urgent.val(),
            gnt: t.gnt.val(),
            r_valid: t.r_valid.val(),
            r_rdata: t.r_rdata.val().to_u32(),
        }
    }
    #[inline]
    fn drive_reg(&mut self, req: bool, we: bool, word: u32, wdata: u32) {
        let r = &mut self.regs;
        r.req.next = req;
        r.we.next = we;
        r.addr.next = (word as u64).into();
        r.wdata.next = (wdata as u64).into();
    }
    #[inline]
    fn reg_gnt(&mut self) -> bool {
        self.regs.gnt.val()
    }
    #[inline]
    fn reg_rdata(&mut self) -> u32 {
        self.regs.rdata.val().to_u32()
    }
    #[inline]
    fn err(&mut self) -> bool {
        self.err.val()
    }
    fn settle(&mut self) {
        settle(self)
    }
    /// [`ntx_sim::clock::rising_edge`]: the falling edge is settled with
    /// the harness's next settle (after it drives the next inputs).
    fn tick(&mut self) {
        ntx_sim::clock::rising_edge(self, |s| &mut s.clock, settle);
    }
}

impl BusHarness<Ntx> {
    /// A fresh NTX (always-granting memory) with `mem`.
    pub fn new(mem: Tcdm) -> Self {
        Self::with_stalls(mem, [0.0, 0.0], 1)
    }

    /// A fresh NTX whose memory withholds grants with probability `stall[p]`
    /// (drawn per cycle, port 0 first, from `StdRng::seed_from_u64(seed)`,
    /// see [`stall_grants`]), starting with the first cycle after power-up.
    pub fn with_stalls(mem: Tcdm, stall: [f64; 2], seed: u64) -> Self {
        Self::try_new(mem).map_or_else(
            |e| panic!("NTX power-up: {e}"),
            |mut be| {
                be.set_grant(stall_grants(stall, seed));
                be
            },
        )
    }

    /// A fresh NTX with `mem`; errors if the power-up soft clear fails.
    pub fn try_new(mem: Tcdm) -> Result<Self, BackendError> {
        let mut uut = Box::<Ntx>::default();
        uut.connect_all();
        BusHarness::with_bus(uut, mem, "rtl")
    }
}
