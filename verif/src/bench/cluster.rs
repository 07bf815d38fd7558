//! The reference's cluster experiment (spec section 9): 8 NTX, each
//! computing one output channel of a 3x3 convolution over one shared
//! 16-channel 18x18 input (16x16 outputs, 36,864 MACs per NTX, one MAC job
//! per NTX, filters 256 words apart, all jobs issued at once), for 8, 16, 32
//! and 64 word-interleaved banks with per-bank round robin.
//!
//! `ntx bench cluster` / `cluster-model`: the NTX are modelled by
//! [`NtxTraffic`] (the reference NTX's memory pipeline: two ports, 5
//! elements of credit; or ours: 32-element queues and urgency hints), and
//! the interconnect and banks are the rust-hdl RTL ([`Tcdm`]); the
//! behavioural interconnect twin runs the same traffic as a cross-check
//! (it must give the same cycle count). Utilisation = MACs / (8 x cycles).
//!
//! The full-RTL runs (`ntx bench cluster-conv --banks B`, `ntx bench
//! cluster-ntx`) drive the cluster through [`ClusterDrive`]: on Verilator
//! ([`crate::verilator::cluster::VerilatedCluster`], default) or on rust-hdl
//! (`--backend rust-hdl`, [`crate::cluster_tb::ClusterTb`]); both give the
//! same cycle counts.
//!
//! Measured (2026-11-27), full RTL cluster on Verilator (about 8 s per bank
//! count plus a one-time model build of 1-3 minutes): 64.9 / 91.6 / 97.5 /
//! 97.5 % (56,766 / 40,239 / 37,800 / 37,802 cycles) against the
//! reference's 44.6 / 64.7 / 85.6 / 92.7 % for 8 / 16 / 32 / 64 banks; the
//! 32-bank figure is the same on rust-hdl (37,800 cycles). Before the read
//! broadcast, the 32-deep queues and the writeback change: 44.4 / 65.6 /
//! 85.8 / 94.6 %.

use crate::cluster_tb::ClusterDrive;
use crate::model::job::{Command, Job};
use crate::model::xbar::{Req, XbarModel};
use crate::traffic::NtxTraffic;
use ntx_hw::params::{cluster::NTX_PORTS, cluster::N_NTX, opcode, NTX_QUEUE_DEPTH, N_LOOPS};
use ntx_hw::tcdm::Tcdm;
use rust_hdl::prelude::*;
use std::time::Instant;

/// Input feature map: channels, height = width.
pub const CHANNELS: u32 = 16;
pub const IN_SIZE: u32 = 18;
pub const OUT_SIZE: u32 = IN_SIZE - 2;
/// Word distance between the filters of consecutive NTX.
pub const FILTER_PITCH: u32 = 256;
/// Word addresses of the input, the filters and the outputs.
pub const IN_BASE: u32 = 0;
pub const FILT_BASE: u32 = 8192;
pub const OUT_BASE: u32 = 12288;
/// MACs per NTX.
pub const MACS: u64 = (CHANNELS * 9 * OUT_SIZE * OUT_SIZE) as u64;
/// The reference's utilisation for 8, 16, 32, 64 banks (percent).
pub const REFERENCE: [(usize, f64); 4] = [(8, 44.6), (16, 64.7), (32, 85.6), (64, 92.7)];

/// Delta strides (bytes) for absolute word strides `abs` of loops with trip
/// counts `n` (spec section 5).
pub fn delta_strides(abs: [i32; N_LOOPS], n: [i32; N_LOOPS]) -> [i32; N_LOOPS] {
    let mut d = [0; N_LOOPS];
    for s in 0..N_LOOPS {
        let back: i32 = (0..s).map(|t| (n[t] - 1) * abs[t]).sum();
        d[s] = 4 * (abs[s] - back);
    }
    d
}

/// The MAC job of NTX `n`: out[n][oy][ox] = sum over c, ky, kx of
/// in[c][oy+ky][ox+kx] * w[n][c][ky][kx] (loops kx, ky, c, ox, oy).
pub fn conv_job(n: u32) -> Job {
    let (c, s, o) = (CHANNELS as i32, IN_SIZE as i32, OUT_SIZE as i32);
    let trips = [3, 3, c, o, o];
    let cmd = Command {
        opcode: opcode::MAC as u8,
        init_level: 3,
        inner_level: 3,
        outer_level: 5,
        init_sel: 3,
        ..Command::default()
    };
    Job {
        name: format!("conv3x3_ntx{n}"),
        cmd: cmd.encode(),
        loop_end: trips.map(|t| (t - 1) as u16),
        base: [
            4 * IN_BASE,
            4 * (FILT_BASE + n * FILTER_PITCH),
            4 * (OUT_BASE + n * FILTER_PITCH),
        ],
        stride: [
            delta_strides([1, s, s * s, 1, s], trips),
            delta_strides([1, 3, 9, 0, 0], trips),
            delta_strides([0, 0, 0, 1, o], trips),
        ],
    }
}

/// Result of one run.
#[derive(Clone, Copy, Debug)]
pub struct ConvRun {
    pub banks: usize,
    pub cycles: u64,
    pub utilisation: f64,
    pub seconds: f64,
}

const M: usize = N_NTX * NTX_PORTS;

fn finish(ntx: &[NtxTraffic]) -> Option<u64> {
    ntx.iter()
        .map(|t| t.finished)
        .collect::<Option<Vec<_>>>()
        .map(|v| v.into_iter().max().unwrap())
}

/// Run the experiment on the RTL interconnect with `B` banks of `2^N` words.
pub fn run_rtl<const B: usize, const N: usize>(ours: bool) -> ConvRun {
    let t0 = Instant::now();
    let mut uut: Box<Tcdm<M, B, N>> = Box::default();
    uut.connect_all();
    let mut ntx = traffic(ours);
    let mut cycles = 0u64;
    while finish(&ntx).is_none() {
        let reqs: Vec<Option<Req>> = ntx.iter_mut().flat_map(|t| t.requests()).collect();
        let urgent: Vec<bool> = ntx.iter().flat_map(|t| t.urgent()).collect();
        for m in 0..M {
            uut.m[m].urgent.next = urgent[m];
            let r = reqs[m].unwrap_or(Req {
                addr: 0,
                we: false,
                be: 0,
                wdata: 0,
            });
            uut.m[m].req.next = reqs[m].is_some();
            uut.m[m].addr.next = (r.addr as u64).into();
            uut.m[m].we.next = r.we;
            uut.m[m].be.next = (r.be as u64).into();
            uut.m[m].wdata.next = (r.wdata as u64).into();
        }
        assert!(simulate(&mut *uut, 1000));
        for (n, t) in ntx.iter_mut().enumerate() {
            t.cycle([uut.m[2 * n].gnt.val(), uut.m[2 * n + 1].gnt.val()]);
        }
        uut.clock.next = Clock { clk: true };
        assert!(simulate(&mut *uut, 1000));
        uut.clock.next = Clock { clk: false };
        assert!(simulate(&mut *uut, 1000));
        cycles += 1;
        assert!(cycles < 100 * MACS, "no progress");
    }
    let cycles = finish(&ntx).unwrap();
    ConvRun {
        banks: B,
        cycles,
        utilisation: MACS as f64 / cycles as f64,
        seconds: t0.elapsed().as_secs_f64(),
    }
}

/// The eight NTX traffic models: ours (operand queues of
/// [`NTX_QUEUE_DEPTH`] elements, urgency hints) or the reference NTX's
/// memory pipeline.
pub fn traffic(ours: bool) -> Vec<NtxTraffic> {
    (0..N_NTX as u32)
        .map(|n| {
            if ours {
                NtxTraffic::with_queues(&conv_job(n), NTX_QUEUE_DEPTH, true)
            } else {
                NtxTraffic::new(&conv_job(n))
            }
        })
        .collect()
}

/// The same experiment on the behavioural interconnect.
pub fn run_model(banks: usize, ours: bool) -> ConvRun {
    let t0 = Instant::now();
    let mut x = XbarModel::new(M, banks, 1 << 15);
    let mut ntx = traffic(ours);
    let lv = vec![0u8; M];
    while finish(&ntx).is_none() {
        let reqs: Vec<Option<Req>> = ntx.iter_mut().flat_map(|t| t.requests()).collect();
        let urgent: Vec<bool> = ntx.iter().flat_map(|t| t.urgent()).collect();
        let out = x.cycle_urgent(&reqs, &lv, &urgent);
        for (n, t) in ntx.iter_mut().enumerate() {
            t.cycle([out.gnt[2 * n], out.gnt[2 * n + 1]]);
        }
    }
    let cycles = finish(&ntx).unwrap();
    ConvRun {
        banks,
        cycles,
        utilisation: MACS as f64 / cycles as f64,
        seconds: t0.elapsed().as_secs_f64(),
    }
}

/// Name of an NTX traffic model in the printed tables.
fn kind(ours: bool) -> String {
    if ours {
        format!("ours ({NTX_QUEUE_DEPTH}-element operand queues, urgency hints)")
    } else {
        format!(
            "reference NTX pipeline ({} elements)",
            crate::traffic::NTX_CREDITS
        )
    }
}

/// One table row and the summary entry of a run.
fn report(r: &ConvRun, reference: f64, extra: &str, line: &mut String) {
    println!(
        "B={:2}: {} cycles, utilisation {:.1}% (reference {reference:.1}%){extra}",
        r.banks,
        r.cycles,
        100.0 * r.utilisation
    );
    *line += &format!(
        "B={} utilisation={:.1}% (ref {reference:.1}%)  ",
        r.banks,
        100.0 * r.utilisation
    );
}

/// Run all four bank counts on the RTL interconnect (and the model, which
/// must agree cycle for cycle) with both NTX traffic models.
pub fn run() -> Result<(), String> {
    println!(
        "cluster conv3x3: {N_NTX} NTX x {MACS} MACs, {CHANNELS}x{IN_SIZE}x{IN_SIZE} input, filters {FILTER_PITCH} words apart"
    );
    println!("NTX memory pipeline: traffic model (crate::traffic::NtxTraffic); interconnect + banks: rust-hdl RTL");
    for ours in [false, true] {
        println!("NTX: {}", kind(ours));
        let rtl = REFERENCE.map(|(b, _)| {
            ntx_flow::bank_dispatch!(cluster, b, run_rtl::<_, _>(ours), b => unreachable!("{b} banks"))
        });
        let mut line = String::new();
        for (r, (b, reference)) in rtl.iter().zip(REFERENCE) {
            assert_eq!(r.banks, b);
            let m = run_model(b, ours);
            if m.cycles != r.cycles {
                return Err(format!(
                    "B={b}: RTL {} cycles, model {} cycles",
                    r.cycles, m.cycles
                ));
            }
            let extra = format!(
                ", rust-hdl {:.1} s ({:.0} cycles/s), model {:.2} s",
                r.seconds,
                r.cycles as f64 / r.seconds,
                m.seconds
            );
            report(r, reference, &extra, &mut line);
        }
        println!("{}", line.trim_end());
    }
    Ok(())
}

/// Only the behavioural interconnect (seconds instead of minutes).
pub fn run_model_only() -> Result<(), String> {
    for ours in [false, true] {
        println!("NTX: {}", kind(ours));
        let mut line = String::new();
        for (b, reference) in REFERENCE {
            let m = run_model(b, ours);
            report(
                &m,
                reference,
                &format!(", model {:.2} s", m.seconds),
                &mut line,
            );
        }
        println!("{}", line.trim_end());
    }
    Ok(())
}

/// Simulator of the full-RTL cluster experiment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClusterSim {
    /// The cluster's generated Verilog compiled by Verilator (default).
    Verilator,
    /// rust-hdl direct drive (about 200 cycles/s).
    RustHdl,
}

impl std::str::FromStr for ClusterSim {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "verilator" => Ok(ClusterSim::Verilator),
            "rust-hdl" | "rtl" => Ok(ClusterSim::RustHdl),
            o => Err(format!(
                "unknown cluster backend {o:?}; use verilator or rust-hdl"
            )),
        }
    }
}

/// Result of one full-RTL run (beyond [`ConvRun`]).
#[derive(Clone, Copy, Debug)]
pub struct ClusterConvRun {
    pub run: ConvRun,
    /// Simulator name.
    pub backend: &'static str,
    /// Model build or cache load (Verilator) / construction (rust-hdl), s.
    pub setup_seconds: f64,
    /// Every simulated cycle (preload, programming, job, read-back).
    pub total_cycles: u64,
    /// Wall time of the simulation after setup, s.
    pub sim_seconds: f64,
}

impl ClusterConvRun {
    /// Simulated cycles per second of wall time (after setup).
    pub fn cycles_per_second(&self) -> f64 {
        self.total_cycles as f64 / self.sim_seconds
    }
}

/// The experiment on any cluster simulator `tb` (a fresh cluster with
/// `tb.tcdm_words()` words of TCDM): inputs and filters loaded with
/// [`ClusterDrive::load`], jobs programmed through the control port (staging
/// areas first, then the eight CMD writes back to back; cycles counted from
/// the first CMD to the last command-done interrupt), outputs read with
/// [`ClusterDrive::read_words`] and checked against the golden model.
pub fn run_conv_on<D: ClusterDrive>(tb: &mut D) -> Result<ConvRun, String> {
    use crate::model::mem::Tcdm as MemModel;
    use crate::model::ntx::NtxModel;
    use ntx_hw::params::{ntx_base_addr, regs, NTX_BROADCAST_ADDR};
    use rand::{Rng, SeedableRng};
    let t0 = Instant::now();
    let words = tb.tcdm_words();
    let banks = words >> bank_bits(words);
    let mut mem = MemModel::new(words * 4, 0);
    let mut rng = rand::rngs::StdRng::seed_from_u64(9);
    let init: Vec<u32> = (0..OUT_BASE)
        .map(|_| rng.gen_range(-1.0f32..1.0).to_bits())
        .collect();
    for (w, &v) in init.iter().enumerate() {
        mem.write(w as u32, v);
    }
    tb.clear();
    tb.load(0, &init);
    let jobs: Vec<Job> = (0..N_NTX as u32)
        .map(|n| {
            let mut j = conv_job(n);
            let mut c = j.command();
            c.irq_cfg = 1;
            j.cmd = c.encode();
            j
        })
        .collect();
    for j in &jobs {
        let mut m = NtxModel::new();
        for (w, v) in j.staging_writes() {
            m.write_reg(&mut mem, w, v);
        }
        m.write_reg(&mut mem, regs::CMD, j.cmd);
    }
    tb.access(NTX_BROADCAST_ADDR + 4 * regs::CTRL, true, 1);
    // priority mode 01: round robin between NTX and core, as the experiment
    tb.access(NTX_BROADCAST_ADDR + 4 * regs::CTRL, true, 1 << 1);
    for (i, j) in jobs.iter().enumerate() {
        for (w, v) in j.staging_writes() {
            tb.access(ntx_base_addr(i as u32) + 4 * w, true, v);
        }
    }
    // All jobs issued at once: the command word is the same for every NTX,
    // so one write to the broadcast alias commits the eight staged jobs in
    // the same cycle.
    assert!(jobs.iter().all(|j| j.cmd == jobs[0].cmd));
    let start = tb.cycles();
    tb.access(NTX_BROADCAST_ADDR + 4 * regs::CMD, true, jobs[0].cmd);
    let mut done = [false; N_NTX];
    while !done.iter().all(|&d| d) {
        tb.tick();
        for (i, d) in done.iter_mut().enumerate() {
            *d |= tb.ntx_irq(i);
        }
        if tb.cycles() - start > 100 * MACS {
            return Err("cluster did not finish".into());
        }
    }
    let cycles = tb.cycles() - start;
    let n_out = N_NTX * FILTER_PITCH as usize;
    let got = tb.read_words(OUT_BASE as usize, n_out);
    for (k, &g) in got.iter().enumerate() {
        let w = OUT_BASE + k as u32;
        let exp = mem.peek(w).unwrap_or(0);
        if g != exp {
            return Err(format!(
                "B={banks} ({}): output word {w:#x}: {g:#x}, golden model {exp:#x}",
                tb.backend()
            ));
        }
    }
    Ok(ConvRun {
        banks,
        cycles,
        utilisation: MACS as f64 / cycles as f64,
        seconds: t0.elapsed().as_secs_f64(),
    })
}

/// log2 of the words per bank for the benchmark's configurations (total
/// TCDM `words`): 8 banks of 4096, 16 of 2048, 32 of 1024, 64 of 512.
pub fn bank_bits(words: usize) -> usize {
    match words {
        w if w == 8 << 12 => 12,
        w if w == 16 << 11 => 11,
        w if w == 32 << 10 => 10,
        w if w == 64 << 9 => 9,
        _ => panic!("not a benchmark configuration: {words} words"),
    }
}

/// The experiment on the whole RTL cluster (8 NTX, interconnect, banks;
/// `B` banks of `2^N` words) on simulator `sim`; see [`run_conv_on`].
pub fn run_ntx_rtl<const B: usize, const N: usize>(
    sim: ClusterSim,
) -> Result<ClusterConvRun, String> {
    use crate::cluster_tb::ClusterTb;
    use crate::model::hmc::HmcConfig;
    use crate::verilator::cluster::VerilatedCluster;
    let t0 = Instant::now();
    fn go<D: ClusterDrive>(tb: &mut D, t0: Instant) -> Result<ClusterConvRun, String> {
        let setup_seconds = t0.elapsed().as_secs_f64();
        let run = run_conv_on(tb)?;
        Ok(ClusterConvRun {
            run,
            backend: tb.backend(),
            setup_seconds,
            total_cycles: tb.cycles(),
            sim_seconds: run.seconds,
        })
    }
    match sim {
        ClusterSim::RustHdl => {
            let mut tb: ClusterTb<B, N> = ClusterTb::new(HmcConfig::default(), 4096, 1);
            go(&mut tb, t0)
        }
        ClusterSim::Verilator => {
            let mut tb: VerilatedCluster<B, N> =
                VerilatedCluster::new(HmcConfig::default(), 4096, 1).map_err(|e| e.0)?;
            go(&mut tb, t0)
        }
    }
}

/// The experiment on the RTL cluster with `banks` banks (8, 16, 32, 64).
pub fn run_banks(banks: usize, sim: ClusterSim) -> Result<ClusterConvRun, String> {
    use crate::cluster_tb::big_stack;
    big_stack(move || {
        ntx_flow::bank_dispatch!(cluster, banks, run_ntx_rtl::<_, _>(sim),
            b => Err(format!("--banks must be one of 8, 16, 32, 64 (got {b})")))
    })
}

fn sim_line(r: &ClusterConvRun) -> String {
    format!(
        "{} setup {:.1} s, simulation {:.1} s for {} cycles ({:.0} cycles/s)",
        r.backend,
        r.setup_seconds,
        r.sim_seconds,
        r.total_cycles,
        r.cycles_per_second()
    )
}

/// The full-RTL experiment for all four bank counts (`ntx bench
/// cluster-ntx`; Verilator: a model build per bank count on first use).
pub fn run_ntx(sim: ClusterSim) -> Result<(), String> {
    println!("cluster conv3x3 on the RTL cluster (8 NTX + interconnect + banks), {sim:?}");
    let mut line = String::new();
    for (b, reference) in REFERENCE {
        let r = run_banks(b, sim)?;
        println!(
            "B={b:2}: {} cycles, utilisation {:.1}% (reference {reference:.1}%), outputs = golden model, {}",
            r.run.cycles,
            100.0 * r.run.utilisation,
            sim_line(&r)
        );
        line += &format!(
            "B={b} utilisation={:.1}% (ref {reference:.1}%)  ",
            100.0 * r.run.utilisation
        );
    }
    println!("{}", line.trim_end());
    Ok(())
}

/// `ntx bench cluster-conv --banks B [--backend verilator|rust-hdl]`: the
/// reference's cluster experiment on the full RTL cluster (8 NTX,
/// interconnect, banks) for one bank count. The last line is
/// `banks=B cycles=N utilisation=NN.N% reference=NN.N%`.
pub fn run_conv(banks: usize, sim: ClusterSim) -> Result<(), String> {
    let reference = REFERENCE
        .iter()
        .find(|(b, _)| *b == banks)
        .map(|&(_, r)| r)
        .ok_or_else(|| format!("--banks must be one of 8, 16, 32, 64 (got {banks})"))?;
    let note = match sim {
        ClusterSim::Verilator => "Verilator; the first run per bank count builds the model",
        ClusterSim::RustHdl => "rust-hdl: minutes of simulation",
    };
    println!("cluster conv3x3: {N_NTX} NTX x {MACS} MACs on {banks} banks ({note})");
    let r = run_banks(banks, sim)?;
    println!("outputs equal the golden model; {}", sim_line(&r));
    println!(
        "banks={banks} cycles={} utilisation={:.1}% reference={reference:.1}%",
        r.run.cycles,
        100.0 * r.run.utilisation
    );
    Ok(())
}
