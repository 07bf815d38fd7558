//! The whole cluster (`ntx_hw::cluster::Cluster<B, N>`: 8 NTX, interconnect,
//! DMA, banks) as a Verilator model, with the testbench API of the rust-hdl
//! [`ClusterTb`](crate::cluster_tb::ClusterTb) (both implement
//! [`ClusterDrive`]).
//!
//! The Verilog is rust-hdl's `generate_verilog` of the cluster (generated
//! once per bank configuration and process, on a big stack). The control
//! and external ports are bundles (`ntx_hw::bus`); their Verilog names
//! (`core$req`, `ext$gnt`, ...) are built from the bundles' field lists.
//! The cluster has no false combinational loop (every master computes its
//! requests in a block that reads no grant), and `cluster_verilator.rs`
//! checks that the model's build log is free of warnings.
//!
//! There is no backdoor into the banks of the compiled model (the memories
//! are private C++ members), so [`ClusterDrive::load`] and
//! [`ClusterDrive::read_words`] go through the control port: a burst that
//! keeps the request up and presents the next word the cycle after each
//! grant (one cycle per word when the port is not contended).

use super::VerilatedModel;
use crate::cluster_tb::{ClusterDrive, ClusterPins};
use crate::flow::FlowError;
use crate::model::hmc::{ExtReq, HmcConfig, HmcVault};
use ntx_hw::bus::{port_name, BUS_FIELDS, EXT_FIELDS};
use ntx_hw::cluster::Cluster;
use ntx_hw::params::cluster::{N_NTX, TCDM_BASE};

/// Verilog of `Cluster<B, N>` (top module `top`), generated once per
/// configuration and process.
pub fn cluster_verilog<const B: usize, const N: usize>() -> String {
    crate::cluster_tb::block_verilog::<Cluster<B, N>>()
}

/// Model name (and cache key prefix) of a bank configuration.
pub fn model_name(b: usize, n: usize) -> String {
    format!("cluster_b{b}_n{n}")
}

/// Port indices, resolved once.
#[derive(Clone, Copy)]
struct Idx {
    core_req: usize,
    core_addr: usize,
    core_we: usize,
    core_be: usize,
    core_wdata: usize,
    core_gnt: usize,
    core_rvalid: usize,
    core_rdata: usize,
    ext_req: usize,
    ext_we: usize,
    ext_addr: usize,
    ext_wdata: usize,
    ext_gnt: usize,
    ext_rvalid: usize,
    ext_rdata: usize,
    clear: usize,
    dma_irq: usize,
    err: usize,
    ntx_irq: [usize; N_NTX],
}

/// `f`, checked to be one of the bundle's `fields`.
fn field<'a>(fields: &[&str], f: &'a str) -> &'a str {
    assert!(
        fields.contains(&f),
        "{f} is not a bundle field ({fields:?})"
    );
    f
}

fn find(m: &VerilatedModel, cands: &[String]) -> Result<usize, FlowError> {
    cands.iter().find_map(|c| m.port(c)).ok_or_else(|| {
        FlowError(format!(
            "cluster model has none of the ports {cands:?}; ports: {:?}",
            m.ports().iter().map(|p| &p.name).collect::<Vec<_>>()
        ))
    })
}

impl Idx {
    fn new(m: &VerilatedModel) -> Result<Self, FlowError> {
        let p = |n: &str| find(m, &[n.to_string()]);
        let mut ntx_irq = [0; N_NTX];
        for (i, x) in ntx_irq.iter_mut().enumerate() {
            // rust-hdl writes array element i of `ntx_irq` as `ntx_irq$i`.
            *x = find(
                m,
                &[
                    format!("ntx_irq${i}"),
                    format!("ntx_irq_{i}"),
                    format!("ntx_irq{i}"),
                ],
            )?;
        }
        // the bundles' ports, named from the field lists of `ntx_hw::bus`
        let core = |f: &str| p(&port_name("core", field(&BUS_FIELDS, f)));
        let ext = |f: &str| p(&port_name("ext", field(&EXT_FIELDS, f)));
        Ok(Idx {
            core_req: core("req")?,
            core_addr: core("addr")?,
            core_we: core("we")?,
            core_be: core("be")?,
            core_wdata: core("wdata")?,
            core_gnt: core("gnt")?,
            core_rvalid: core("r_valid")?,
            core_rdata: core("r_rdata")?,
            ext_req: ext("req")?,
            ext_we: ext("we")?,
            ext_addr: ext("addr")?,
            ext_wdata: ext("wdata")?,
            ext_gnt: ext("gnt")?,
            ext_rvalid: ext("rvalid")?,
            ext_rdata: ext("rdata")?,
            clear: p("clear")?,
            dma_irq: p("dma_irq")?,
            err: p("err")?,
            ntx_irq,
        })
    }
}

/// The cluster with `B` banks of `2^N` words as a Verilator model, the HMC
/// vault on its external port and a cycle counter.
pub struct VerilatedCluster<const B: usize, const N: usize> {
    pub model: VerilatedModel,
    pub hmc: HmcVault,
    pub cycles: u64,
    idx: Idx,
}

impl<const B: usize, const N: usize> VerilatedCluster<B, N> {
    /// Build (or load from the cache) the model and attach a vault of
    /// `ext_bytes` bytes (same arguments as `ClusterTb::new`).
    pub fn new(cfg: HmcConfig, ext_bytes: usize, seed: u64) -> Result<Self, FlowError> {
        let v = cluster_verilog::<B, N>();
        let model = VerilatedModel::build(&model_name(B, N), &v)?;
        let idx = Idx::new(&model)?;
        let mut c = VerilatedCluster {
            model,
            hmc: HmcVault::new(cfg, ext_bytes, seed),
            cycles: 0,
            idx,
        };
        c.model.set_idx(c.idx.core_be, 15);
        Ok(c)
    }

    /// Drive the vault's outputs, settle, and let the vault see the request.
    fn ext_edge(&mut self) {
        let ext = self.hmc.outputs();
        let (m, i) = (&mut self.model, &self.idx);
        m.set_idx(i.ext_gnt, ext.gnt as u64);
        m.set_idx(i.ext_rvalid, ext.rvalid as u64);
        m.set_idx(i.ext_rdata, ext.rdata as u64);
        m.eval();
        let req = (m.get_idx(i.ext_req) != 0).then(|| ExtReq {
            addr: m.get_idx(i.ext_addr) as u32,
            we: m.get_idx(i.ext_we) != 0,
            wdata: m.get_idx(i.ext_wdata) as u32,
        });
        self.hmc.edge(req);
    }

    /// The clock edge after [`Self::ext_edge`].
    fn edge(&mut self) {
        self.model.tick();
        self.cycles += 1;
        assert!(
            self.model.get_idx(self.idx.err) == 0,
            "cluster (Verilator): the TCDM interconnect granted more than one access \
             to one bank in one cycle (sticky `err`, seen after cycle {})",
            self.cycles
        );
    }

    /// Control-port burst: write `data` (if `Some`) or read `n` words from
    /// TCDM word `word` on, one request per cycle while granted.
    fn burst(&mut self, word: usize, n: usize, data: Option<&[u32]>) -> Vec<u32> {
        let i = self.idx;
        let mut out = Vec::with_capacity(if data.is_some() { 0 } else { n });
        let mut pending_read = false;
        let mut k = 0;
        let mut waited = 0u64;
        while k < n || pending_read {
            if k < n {
                let m = &mut self.model;
                m.set_idx(i.core_req, 1);
                m.set_idx(i.core_addr, (TCDM_BASE + 4 * (word + k) as u32) as u64);
                m.set_idx(i.core_we, data.is_some() as u64);
                m.set_idx(i.core_wdata, data.map_or(0, |d| d[k]) as u64);
            } else {
                self.model.set_idx(i.core_req, 0);
            }
            self.ext_edge(); // settles the inputs
                             // The response to last cycle's grant is visible now.
            if pending_read {
                assert!(
                    self.model.get_idx(i.core_rvalid) != 0,
                    "no response one cycle after the grant"
                );
                out.push(self.model.get_idx(i.core_rdata) as u32);
                pending_read = false;
            }
            let g = k < n && self.model.get_idx(i.core_gnt) != 0;
            self.edge();
            if g {
                pending_read = data.is_none();
                k += 1;
                waited = 0;
            } else if k < n {
                waited += 1;
                assert!(waited < 10_000_000, "control burst never granted");
            }
        }
        self.model.set_idx(i.core_req, 0);
        self.model.eval();
        out
    }
}

impl<const B: usize, const N: usize> ClusterDrive for VerilatedCluster<B, N> {
    fn backend(&self) -> &'static str {
        "verilator"
    }
    fn tick(&mut self) {
        self.ext_edge();
        self.edge();
    }
    fn clear(&mut self) {
        // two cycles: a reset of the DMA (`ntx_hw::dma`)
        self.model.set_idx(self.idx.clear, 1);
        ClusterDrive::tick(self);
        ClusterDrive::tick(self);
        self.model.set_idx(self.idx.clear, 0);
    }
    fn access(&mut self, addr: u32, we: bool, wdata: u32) -> u32 {
        self.set_core(true, addr, we, wdata);
        let mut waited = 0;
        loop {
            self.ext_edge();
            let g = self.model.get_idx(self.idx.core_gnt) != 0;
            self.edge();
            if g {
                break;
            }
            waited += 1;
            assert!(
                waited < 10_000_000,
                "control access {addr:#x} never granted"
            );
        }
        self.model.set_idx(self.idx.core_req, 0);
        self.model.eval();
        assert!(
            self.model.get_idx(self.idx.core_rvalid) != 0,
            "no response one cycle after the grant"
        );
        self.model.get_idx(self.idx.core_rdata) as u32
    }
    fn cycles(&self) -> u64 {
        self.cycles
    }
    fn ntx_irq(&self, i: usize) -> bool {
        self.model.get_idx(self.idx.ntx_irq[i]) != 0
    }
    fn dma_irq(&self) -> bool {
        self.model.get_idx(self.idx.dma_irq) != 0
    }
    fn hmc(&mut self) -> &mut HmcVault {
        &mut self.hmc
    }
    fn tcdm_words(&self) -> usize {
        B << N
    }
    fn set_core(&mut self, req: bool, addr: u32, we: bool, wdata: u32) {
        let (m, i) = (&mut self.model, &self.idx);
        m.set_idx(i.core_req, req as u64);
        m.set_idx(i.core_addr, addr as u64);
        m.set_idx(i.core_we, we as u64);
        m.set_idx(i.core_be, 15);
        m.set_idx(i.core_wdata, wdata as u64);
    }
    fn pins(&mut self) -> ClusterPins {
        let ext = self.hmc.outputs();
        let (m, i) = (&mut self.model, &self.idx);
        m.set_idx(i.ext_gnt, ext.gnt as u64);
        m.set_idx(i.ext_rvalid, ext.rvalid as u64);
        m.set_idx(i.ext_rdata, ext.rdata as u64);
        m.eval();
        let b = |p: usize| m.get_idx(p) != 0;
        ClusterPins {
            core_gnt: b(i.core_gnt),
            core_rvalid: b(i.core_rvalid),
            core_rdata: m.get_idx(i.core_rdata) as u32,
            ext_req: b(i.ext_req),
            ext_we: b(i.ext_we),
            ext_addr: m.get_idx(i.ext_addr) as u32,
            ext_wdata: m.get_idx(i.ext_wdata) as u32,
            dma_irq: b(i.dma_irq),
            ntx_irq: (0..N_NTX).map(|k| (b(i.ntx_irq[k]) as u32) << k).sum(),
        }
    }
    /// Through the control port: a write burst (about one cycle per word).
    fn load(&mut self, word: usize, data: &[u32]) {
        self.burst(word, data.len(), Some(data));
    }
    /// Through the control port: a read burst (about one cycle per word).
    fn read_words(&mut self, word: usize, n: usize) -> Vec<u32> {
        self.burst(word, n, None)
    }
}
