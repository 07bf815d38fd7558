//! Cycle model of one 8-NTX cluster running the kernel library's command
//! lists: a timing replay of [`Cmd`] lists (control-port writes and polls,
//! the per-NTX job queue with its staging freeze, NTX streaming at the port
//! bound, the one-channel DMA) and, for whole networks, the same timer on
//! synthetic tiles ([`Tile`]) with periodic extrapolation of steady-state
//! tiles, so a layer costs a handful of simulated tiles whatever its size.
//!
//! Protocol mirrored from `dnn::exec`: a job's staging writes wait while the
//! NTX's staging area is frozen (a committed job not yet started), then the
//! differing registers and CMD are written; a DMA command polls STATUS until
//! the DMA is free and writes 7 registers; a barrier polls every NTX and
//! the DMA until idle. The NTX streams at max(1, accesses per step / 2)
//! cycles per step (the cycle contract), or slower where the jobs running
//! side by side contend for TCDM banks ([`bank_sim`]), plus a fixed
//! start/drain.

use super::params::Params;
use crate::dnn::{Cmd, Program};
use crate::model::job::{Command, Job};
use ntx_params::opcode;

/// One timed action of the control core.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Act {
    /// DMA transfer of `words` words in `rows` rows.
    Dma { words: u64, rows: u64, to_ext: bool },
    /// NTX job: `writes` staging-register writes before CMD, `steps`
    /// execute steps of `cpe` cycles each (before conflicts), FMAC drain.
    Job {
        ntx: usize,
        writes: u32,
        steps: u64,
        cpe: f64,
        fmac: bool,
        /// Accumulator initialisations from C (read after the previous
        /// store) per step.
        ev: f64,
    },
    /// Poll every NTX and the DMA until idle.
    Barrier,
}

/// TCDM accesses per execute step and FMAC use of a job (from its command
/// word and loop trips): operand reads of the opcode, init reads and result
/// stores at their loop levels.
pub fn job_profile(job: &Job) -> (u64, f64, bool, f64) {
    let c = Command::decode(job.cmd);
    let n = c.outer_level.max(1) as usize;
    let trips: Vec<u64> = (0..n).map(|i| job.loop_end[i] as u64 + 1).collect();
    let steps: u64 = trips.iter().product();
    let per = |level: u8| -> f64 {
        1.0 / trips[..(level as usize).min(n)]
            .iter()
            .product::<u64>()
            .max(1) as f64
    };
    let (reads, fmac) = operand_reads(c.opcode as u32, c.aux);
    let init = if c.init_sel <= 2 {
        per(c.init_level)
    } else {
        0.0
    };
    let acc = reads + init + per(c.inner_level);
    let ev = if c.init_sel == 2 {
        per(c.init_level)
    } else {
        0.0
    };
    (steps, (acc / 2.0).max(1.0), fmac, ev)
}

/// Operand reads per step and FMAC use of an opcode (spec 4; as counted by
/// the contract's streaming table).
pub fn operand_reads(op: u32, aux: u8) -> (f64, bool) {
    match op {
        opcode::MAC | opcode::VMULT => (2.0, true),
        opcode::VADDSUB | opcode::OUTERP => (1.0, true),
        opcode::MASKMAC => (if aux >= 4 { 0.0 } else { 1.0 }, true),
        opcode::MAXMIN | opcode::THTST => (1.0, false),
        opcode::MASK => (if aux >= 4 { 1.0 } else { 2.0 }, false),
        _ => (0.0, false),
    }
}

/// Word addresses (TCDM word index) of AGU `g` of `job` over its first `n`
/// steps (the delta-stride walk of spec 5: each step adds the stride of the
/// lowest loop level that advances).
pub fn agu_words(job: &Job, g: usize, n: usize) -> Vec<i64> {
    let c = Command::decode(job.cmd);
    let levels = (c.outer_level.max(1) as usize).min(job.loop_end.len());
    let mut cnt = vec![0u32; levels];
    let mut a = (job.base[g] / 4) as i64;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        if i > 0 {
            let mut l = 0;
            while l < levels && cnt[l] >= job.loop_end[l] as u32 {
                cnt[l] = 0;
                l += 1;
            }
            if l == levels {
                break;
            }
            cnt[l] += 1;
            a += (job.stride[g][l] / 4) as i64;
        }
        out.push(a);
    }
    out
}

/// Operand AGUs a job reads (or writes, for a store every step) each step.
fn streams(job: &Job) -> Vec<usize> {
    let c = Command::decode(job.cmd);
    let mut v = match c.opcode as u32 {
        opcode::MAC | opcode::VMULT => vec![0, 1],
        opcode::VADDSUB | opcode::OUTERP => vec![0],
        opcode::MASKMAC if c.aux < 4 => vec![0],
        opcode::MAXMIN | opcode::THTST => vec![1],
        opcode::MASK if c.aux >= 4 => vec![0],
        opcode::MASK => vec![0, 1],
        opcode::COPY if c.init_sel == 0 => vec![0],
        _ => vec![],
    };
    if c.inner_level == 0 {
        v.push(2);
    }
    v
}

/// Cycles per staging write between the starts of the jobs of a wave
/// in [`bank_sim`] (the control core's write cost).
pub const STAGGER: u64 = 1;

/// Steps of each job simulated by [`bank_sim`] (the rest of a longer job
/// is assumed to repeat the window's rate).
pub const SIM_STEPS: usize = 512;

/// Port requests of one job for [`bank_sim`]: the read words of ports 0
/// and 1 per step (operand A on port 0, B on port 1, spec 2; `None` when the
/// opcode does not read that operand) and the stores (step, word).
struct PortStreams {
    reads: [Option<Vec<i64>>; 2],
    stores: Vec<(usize, i64)>,
    steps: usize,
}

fn port_streams(job: &Job, n: usize) -> PortStreams {
    let c = Command::decode(job.cmd);
    let st = streams(job);
    let steps = (job.steps() as usize).min(n);
    let rd = |g: usize| st.contains(&g).then(|| agu_words(job, g, steps));
    let mut stores = vec![];
    {
        // Result stored when the loops below the inner level wrap.
        let levels = (c.outer_level.max(1) as usize).min(job.loop_end.len());
        let k: usize = job.loop_end[..(c.inner_level as usize).min(levels)]
            .iter()
            .map(|&e| e as usize + 1)
            .product();
        let w = agu_words(job, 2, steps);
        for s in (0..steps).filter(|s| (s + 1) % k.max(1) == 0) {
            if let Some(&a) = w.get(s) {
                stores.push((s, a));
            }
        }
    }
    PortStreams {
        reads: [rd(0), rd(1)],
        stores,
        steps,
    }
}

/// Cycles per step of each of `jobs` (started together on different NTX)
/// from a cycle-approximate simulation of the TCDM interconnect over their
/// first [`SIM_STEPS`] steps: every NTX port requests the next word of its
/// stream while its operand queue ([`ntx_params::NTX_QUEUE_DEPTH`]
/// entries) has room, results are written back on a port with no read
/// pending; each of the 32 word-interleaved banks grants one word per cycle
/// (round robin among the requesters; every requester of that same word is
/// served, the read broadcast); an NTX retires one step per cycle once its
/// operands have arrived.
pub fn bank_sim(jobs: &[&Job], start: &[u64]) -> Vec<f64> {
    let banks = ntx_params::cluster::N_BANKS;
    let qd = ntx_params::NTX_QUEUE_DEPTH;
    let ps: Vec<PortStreams> = jobs.iter().map(|j| port_streams(j, SIM_STEPS)).collect();
    let nj = ps.len();
    let mut issued = vec![[0usize; 2]; nj];
    let mut done = vec![0usize; nj];
    let mut stored = vec![0usize; nj];
    let mut finish = vec![0u64; nj];
    let mut rr = vec![0usize; banks];
    let mut req: Vec<Vec<(usize, i64, u8)>> = vec![vec![]; banks];
    let mut cyc: u64 = 0;
    let limit = 64 * (SIM_STEPS as u64 + 64) * nj as u64;
    while (0..nj).any(|j| done[j] < ps[j].steps || stored[j] < ps[j].stores.len()) && cyc < limit {
        cyc += 1;
        for r in req.iter_mut() {
            r.clear();
        }
        for (j, p) in ps.iter().enumerate() {
            if cyc <= start[j] {
                continue;
            }
            let mut free = [true; 2];
            for q in 0..2 {
                if let Some(w) = &p.reads[q] {
                    let i = issued[j][q];
                    if i < w.len() && i < done[j] + qd {
                        let a = w[i];
                        req[a.rem_euclid(banks as i64) as usize].push((2 * j + q, a, 0));
                        free[q] = false;
                    }
                }
            }
            // Pending store (its step retired): on a port with no read.
            if let Some(&(s, a)) = p.stores.get(stored[j]) {
                if s < done[j] {
                    if let Some(q) = (0..2).find(|&q| free[q]) {
                        req[a.rem_euclid(banks as i64) as usize].push((2 * j + q, a, 1));
                    }
                }
            }
        }
        for (b, r) in req.iter().enumerate() {
            if r.is_empty() {
                continue;
            }
            // Urgent: a read of the port its NTX waits for (fewer operands
            // fetched than the other port), or of the same word as one.
            let urgent = |x: &(usize, i64, u8)| {
                x.2 == 0
                    && r.iter().any(|y| {
                        let (j, q) = (y.0 / 2, y.0 % 2);
                        y.2 == 0
                            && y.1 == x.1
                            && ps[j].reads[1 - q].is_some()
                            && issued[j][q] < issued[j][1 - q]
                    })
            };
            let any_u = r.iter().any(urgent);
            // Round robin, descending: the highest master below the last
            // granted, else the highest.
            let m = 2 * nj;
            let win = r
                .iter()
                .filter(|x| !any_u || urgent(x))
                .min_by_key(|x| (rr[b] + m - 1 - x.0) % m)
                .copied()
                .unwrap();
            rr[b] = win.0;
            for x in r {
                let same = x.1 == win.1 && x.2 == 0 && win.2 == 0;
                if x.0 == win.0 || same {
                    let (j, q) = (x.0 / 2, x.0 % 2);
                    if x.2 == 0 {
                        issued[j][q] += 1;
                    } else {
                        stored[j] += 1;
                    }
                }
            }
        }
        for (j, p) in ps.iter().enumerate() {
            if done[j] < p.steps
                && cyc > start[j]
                && (0..2).all(|q| p.reads[q].is_none() || issued[j][q] > done[j])
            {
                done[j] += 1;
                if done[j] == p.steps {
                    finish[j] = cyc;
                }
            }
        }
    }
    (0..nj)
        .map(|j| {
            if ps[j].steps == 0 {
                1.0
            } else {
                ((finish[j].max(start[j] + 1) - start[j]) as f64 / ps[j].steps as f64).max(1.0)
            }
        })
        .collect()
}

type WaveKey = Vec<(u32, [u16; 5], [u32; 3], [[i32; 5]; 3], u64)>;

thread_local! {
    static BANK_CACHE: std::cell::RefCell<std::collections::HashMap<WaveKey, Vec<f64>>> =
        Default::default();
}

/// [`bank_sim`] memoised on the wave's jobs (double-buffered tiles repeat
/// the same few waves).
pub fn cached_bank_sim(jobs: &[&Job], start: &[u64]) -> Vec<f64> {
    let key: WaveKey = jobs
        .iter()
        .zip(start)
        .map(|(j, s)| (j.cmd, j.loop_end, j.base, j.stride, *s))
        .collect();
    if let Some(v) = BANK_CACHE.with(|c| c.borrow().get(&key).cloned()) {
        return v;
    }
    let v = bank_sim(jobs, start);
    BANK_CACHE.with(|c| c.borrow_mut().insert(key, v.clone()));
    v
}

/// Convert a command list to timed actions; `Kernel` marks are returned as
/// the action index where each kernel starts.
pub fn acts(prog: &Program) -> (Vec<Act>, Vec<usize>) {
    let mut staged: Vec<[Option<u32>; 32]> = vec![[None; 32]; 8];
    let mut out = Vec::with_capacity(prog.cmds.len());
    let mut marks = vec![];
    let mut phase: Vec<(usize, &Job, u32)> = vec![];
    for c in &prog.cmds {
        if !matches!(c, Cmd::Ntx { .. }) && !phase.is_empty() {
            flush(&mut phase, &mut out);
        }
        match c {
            Cmd::Kernel(_) => marks.push(out.len()),
            Cmd::Dma(d) => out.push(Act::Dma {
                words: (d.row_bytes / 4) as u64 * d.rows as u64,
                rows: d.rows as u64,
                to_ext: d.to_ext,
            }),
            Cmd::Ntx { ntx, job } => {
                let mut writes = 0;
                for (w, v) in job.staging_writes() {
                    let s = &mut staged[*ntx][w as usize];
                    if *s != Some(v) {
                        *s = Some(v);
                        writes += 1;
                    }
                }
                phase.push((*ntx, job, writes));
            }
            Cmd::Barrier => out.push(Act::Barrier),
            Cmd::Host(_) => {}
        }
    }
    flush(&mut phase, &mut out);
    (out, marks)
}

/// Emit the jobs of a compute phase at the cycles per step [`bank_sim`]
/// finds for their wave (the k-th job of every NTX run side by side,
/// started one after another as the control core commits them).
fn flush(phase: &mut Vec<(usize, &Job, u32)>, out: &mut Vec<Act>) {
    let mut nth = [0usize; 8];
    let wave: Vec<usize> = phase
        .iter()
        .map(|(ntx, _, _)| {
            let k = nth[ntx % 8];
            nth[ntx % 8] += 1;
            k
        })
        .collect();
    let waves = wave.iter().max().map(|m| m + 1).unwrap_or(0);
    let mut rate = vec![1.0; phase.len()];
    for w in 0..waves {
        let idx: Vec<usize> = (0..phase.len()).filter(|&i| wave[i] == w).collect();
        let jobs: Vec<&Job> = idx.iter().map(|&i| phase[i].1).collect();
        // The control core starts them one after another (staging writes
        // and CMD at about a cycle each).
        let mut t = 0;
        let start: Vec<u64> = idx
            .iter()
            .map(|&i| {
                let s = t;
                t += (phase[i].2 as u64 + 1) * STAGGER;
                s
            })
            .collect();
        for (i, r) in idx.iter().zip(cached_bank_sim(&jobs, &start)) {
            rate[*i] = r;
        }
    }
    for ((ntx, job, writes), r) in phase.iter().zip(&rate) {
        let (steps, cpe, fmac, ev) = job_profile(job);
        out.push(Act::Job {
            ntx: *ntx,
            writes: *writes,
            steps,
            cpe: cpe.max(*r),
            fmac,
            ev,
        });
    }
    phase.clear();
}

/// Event-time state of the cluster (cycles, f64).
#[derive(Clone, Debug)]
pub struct Timer<'a> {
    pub p: &'a Params,
    /// Control core time.
    pub t: f64,
    ntx_end: [f64; 8],
    ntx_start: [f64; 8],
    dma_end: f64,
    dma_busy_words: f64,
    /// Statistics: NTX busy cycles (sum over NTX), DMA busy cycles, words.
    pub ntx_busy: f64,
    pub dma_busy: f64,
    pub dma_words: u64,
    pub steps: u64,
    pub jobs: u64,
    pub tcdm_accesses: f64,
}

impl<'a> Timer<'a> {
    pub fn new(p: &'a Params) -> Self {
        Self {
            p,
            t: 0.0,
            ntx_end: [0.0; 8],
            ntx_start: [0.0; 8],
            dma_end: 0.0,
            dma_busy_words: 0.0,
            ntx_busy: 0.0,
            dma_busy: 0.0,
            dma_words: 0,
            steps: 0,
            jobs: 0,
            tcdm_accesses: 0.0,
        }
    }

    /// Shift every time by `d` (periodic extrapolation of identical tiles).
    fn shift(&mut self, d: f64) {
        self.t += d;
        for i in 0..8 {
            self.ntx_end[i] += d;
            self.ntx_start[i] += d;
        }
        self.dma_end += d;
    }

    fn poll(&mut self, until: f64) {
        let r = self.p.ctrl_read;
        self.t = if until > self.t {
            // Last poll issued at or after `until`: quantised to polls.
            self.t + ((until - self.t) / r).ceil() * r + r
        } else {
            self.t + r
        };
    }

    /// Time one action.
    pub fn act(&mut self, a: &Act) {
        let p = self.p;
        match *a {
            Act::Dma {
                words,
                rows,
                to_ext,
            } => {
                self.poll(self.dma_end);
                self.t += 7.0 * p.ctrl_write;
                let lat = if to_ext { 0.0 } else { p.vault_latency };
                let d = p.dma_setup + rows as f64 * p.dma_row + words as f64 * p.dma_word + lat;
                self.dma_end = self.t + d;
                self.dma_busy += d;
                self.dma_words += words;
                self.dma_busy_words += words as f64;
            }
            Act::Job {
                ntx,
                writes,
                steps,
                cpe,
                fmac,
                ev,
            } => {
                let k = ntx % 8;
                if self.ntx_start[k] > self.t {
                    self.t = self.ntx_start[k];
                }
                self.t += (writes as f64 + 1.0) * p.ctrl_write;
                let start = (self.t + p.job_start).max(self.ntx_end[k]);
                let tail = if fmac { p.job_tail_fmac } else { p.job_tail };
                let d = steps as f64 * (cpe * p.tcdm_conflict + ev * p.init_c) + tail;
                self.ntx_start[k] = start;
                self.ntx_end[k] = start + d;
                self.ntx_busy += d;
                self.steps += steps;
                self.jobs += 1;
                self.tcdm_accesses += steps as f64 * 2.0 * cpe;
            }
            Act::Barrier => {
                for i in 0..8 {
                    self.poll(self.ntx_end[i]);
                }
                self.poll(self.dma_end);
            }
        }
    }
}

/// Cycles of each kernel of `prog` (from its first command to the next
/// kernel's, as `dnn::exec` measures them on the RTL).
pub fn program_cycles(p: &Params, prog: &Program) -> Vec<f64> {
    let (acts, marks) = acts(prog);
    program_cycles_exact(p, &acts, &marks)
}

fn program_cycles_exact(p: &Params, acts: &[Act], marks: &[usize]) -> Vec<f64> {
    let mut tm = Timer::new(p);
    let mut cycles = vec![0.0; marks.len()];
    let mut start = 0.0;
    let mut cur: Option<usize> = None;
    let mut mi = 0;
    for (i, a) in acts.iter().enumerate() {
        while mi < marks.len() && marks[mi] == i {
            if let Some(c) = cur {
                cycles[c] = tm.t - start;
            }
            start = tm.t;
            cur = Some(mi);
            mi += 1;
        }
        tm.act(a);
    }
    if let Some(c) = cur {
        cycles[c] = tm.t - start;
    }
    while mi < marks.len() {
        cycles[mi] = 0.0;
        mi += 1;
    }
    cycles
}

/// One tile of a synthetic pipeline: its load, compute and store actions.
#[derive(Clone, Debug, Default)]
pub struct Tile {
    pub load: Vec<Act>,
    pub compute: Vec<Act>,
    pub store: Vec<Act>,
}

/// A double-buffered pipeline as `kernels::pipeline` emits it: `pre`
/// (resident data), then runs of identical tiles, then `post` and a
/// barrier. Tiles beyond the third of a run are extrapolated periodically.
#[derive(Clone, Debug, Default)]
pub struct Pipeline {
    pub pre: Vec<Act>,
    pub runs: Vec<(Tile, usize)>,
    pub post: Vec<Act>,
}

/// Time a pipeline on `tm`; returns the number of tiles it covered.
pub fn run_pipeline(tm: &mut Timer, pl: &Pipeline) -> u64 {
    for a in &pl.pre {
        tm.act(a);
    }
    let total: usize = pl.runs.iter().map(|r| r.1).sum();
    if total == 0 {
        return 0;
    }
    let tile_at = |mut i: usize| -> &Tile {
        for (t, n) in &pl.runs {
            if i < *n {
                return t;
            }
            i -= n;
        }
        unreachable!()
    };
    for a in &tile_at(0).load {
        tm.act(a);
    }
    tm.act(&Act::Barrier);
    let mut idx = 0;
    for (tile, n) in &pl.runs {
        let mut j = 0;
        while j < *n {
            let t0 = tm.t;
            let next = if idx + 1 < total {
                Some(tile_at(idx + 1))
            } else {
                None
            };
            if let Some(nx) = next {
                for a in &nx.load {
                    tm.act(a);
                }
            }
            for a in &tile.compute {
                tm.act(a);
            }
            tm.act(&Act::Barrier);
            for a in &tile.store {
                tm.act(a);
            }
            let d = tm.t - t0;
            j += 1;
            idx += 1;
            // Steady state: skip to the run's last tile (which loads the
            // next run's first tile, or none).
            if j >= 3 && j + 1 < *n {
                let skip = *n - 1 - j;
                tm.shift(d * skip as f64);
                scale_stats(tm, tile, skip as f64);
                j += skip;
                idx += skip;
            }
        }
    }
    tm.act(&Act::Barrier);
    for a in &pl.post {
        tm.act(a);
    }
    tm.act(&Act::Barrier);
    total as u64
}

fn scale_stats(tm: &mut Timer, tile: &Tile, s: f64) {
    for a in tile.load.iter().chain(&tile.compute).chain(&tile.store) {
        match *a {
            Act::Dma { words, rows, .. } => {
                let p = tm.p;
                tm.dma_busy +=
                    s * (p.dma_setup + rows as f64 * p.dma_row + words as f64 * p.dma_word);
                tm.dma_words += (s * words as f64) as u64;
            }
            Act::Job { steps, cpe, ev, .. } => {
                let p = tm.p;
                tm.ntx_busy += s * steps as f64 * (cpe * p.tcdm_conflict + ev * p.init_c);
                tm.steps += (s * steps as f64) as u64;
                tm.jobs += s as u64;
                tm.tcdm_accesses += s * steps as f64 * 2.0 * cpe;
            }
            Act::Barrier => {}
        }
    }
}
