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
        let (g, v, d) = match k {
            0 => (
                &mut self.tcdm0_gnt,
                &mut self.tcdm0_r_valid,
                &mut self.tcdm0_r_rdata,
            ),
            _ => (
                &mut self.tcdm1_gnt,
                &mut self.tcdm1_r_valid,
                &mut self.tcdm1_r_rdata,
            ),
        };
        g.next = gnt;
        v.next = r_valid;
        d.next = (r_rdata as u64).into();
    }
    #[inline]
    fn tcdm(&mut self, k: usize) -> TcdmPort {
        macro_rules! port {
            ($req:ident, $addr:ident, $we:ident, $be:ident, $wdata:ident, $gnt:ident,
             $valid:ident, $rdata:ident) => {
                TcdmPort {
                    req: self.$req.val(),
                    addr: self.$addr.val().to_u32(),
                    we: self.$we.val(),
                    be: self.$be.val().to_u32() as u8,
                    wdata: self.$wdata.val().to_u32(),
                    gnt: self.$gnt.val(),
                    r_valid: self.$valid.val(),
                    r_rdata: self.$rdata.val().to_u32(),
                }
            };
        }
        match k {
            0 => port!(
                tcdm0_req,
                tcdm0_addr,
                tcdm0_we,
                tcdm0_be,
                tcdm0_wdata,
                tcdm0_gnt,
                tcdm0_r_valid,
                tcdm0_r_rdata
            ),
            _ => port!(
                tcdm1_req,
                tcdm1_addr,
                tcdm1_we,
                tcdm1_be,
                tcdm1_wdata,
                tcdm1_gnt,
                tcdm1_r_valid,
                tcdm1_r_rdata
            ),
        }
    }
    #[inline]
    fn drive_reg(&mut self, req: bool, we: bool, word: u32, wdata: u32) {
        self.reg_req.next = req;
        self.reg_we.next = we;
        self.reg_addr.next = (word as u64).into();
        self.reg_wdata.next = (wdata as u64).into();
    }
    #[inline]
    fn reg_gnt(&mut self) -> bool {
        self.reg_gnt.val()
    }
    #[inline]
    fn reg_rdata(&mut self) -> u32 {
        self.reg_rdata.val().to_u32()
    }
    fn settle(&mut self) {
        settle(self)
    }
    fn tick(&mut self) {
        self.clock.next = Clock { clk: true };
        settle(self);
        self.clock.next = Clock { clk: false };
        settle(self);
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
