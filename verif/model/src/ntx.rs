//! Register-level golden model of one NTX (spec sections 2-6).
//!
//! The model is untimed: a job runs to completion the moment it reaches the
//! job queue. Registers, staging area, CMD commit, the one-entry job queue,
//! the freeze rule, STATUS/CTRL/IRQ, soft clear and invalid-command handling
//! follow the reference; each opcode follows spec section 6 and the
//! reference's C++ model where the table leaves details open, with the
//! deviations spec section 6 prescribes (IEEE comparisons, MAXMIN clears idx
//! at every init).
//!
//! IEEE mode (CTRL bit 3, sampled when a job starts; spec section 8 and
//! [`super::ieee`]): MAC, VADDSUB, VMULT, OUTERP and MASKMAC accumulate in
//! the exact Kulisch accumulator and round to nearest even at every store,
//! ORing the store's exception flags into the sticky FLAGS register. The
//! comparisons of THTST, MASK and MASKMAC are the IEEE comparisons of NTX
//! mode (every comparison with a NaN is false, before the polarity
//! inversion). MAXMIN takes an element only when it compares ordered: the
//! maximum takes B when `B >= alu`, the minimum when `B < alu`, so NaN
//! elements are skipped (their index is never the argmax/argmin) and a NaN
//! initial value is kept (argmax then stays 0). NTX mode keeps the
//! reference's `!(alu > B)` for the maximum, which takes a NaN element.

use super::arith::{fp_eq, fp_ge, fp_gt, relu, Accumulator, FP_ONE};
use super::dag::{steps, LoopConfig, Step, AGU_MASK};
use super::ieee::IeeeAcc;
use super::job::Command;
use super::mem::Tcdm;
use ntx_params::{cmd as cmd_word, opcode, regs, N_AGUS, N_LOOPS};

/// STATUS bits.
pub mod status {
    /// Job queue empty.
    pub const QUEUE_EMPTY: u32 = 1 << 0;
    /// FPU pipeline empty.
    pub const FPU_EMPTY: u32 = 1 << 1;
    /// Controller idle.
    pub const IDLE: u32 = 1 << 2;
    /// Invalid command seen (halted until soft clear).
    pub const INVALID: u32 = 1 << 3;
    /// Staging area committed (cannot take a new command).
    pub const COMMITTED: u32 = 1 << 4;
}

/// IRQ register bits.
pub mod irq {
    /// Writeback-done interrupt (irq_cfg = 2).
    pub const WRITEBACK: u32 = ntx_params::irq::WB_DONE;
    /// Command-done interrupt (irq_cfg = 1), also raised by an invalid command.
    pub const COMMAND: u32 = ntx_params::irq::CMD_DONE;
}

/// The staging area: LOOP_END and AGU registers as hardware keeps them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Staging {
    /// 16-bit inclusive loop ends.
    pub loop_end: [u16; N_LOOPS],
    /// AGU base word addresses (bits 19:2 of the written byte address).
    pub base: [u32; N_AGUS],
    /// AGU word strides (bits 19:2 of the written byte delta).
    pub stride: [[u32; N_LOOPS]; N_AGUS],
}

impl Staging {
    /// Which staging register a word offset names, if any:
    /// (`None` for loop ends, `Some(agu)`), index within.
    fn decode(word: u32) -> Option<(Option<usize>, usize)> {
        match word {
            w if (regs::LOOP_END..regs::AGU0_BASE).contains(&w) => {
                Some((None, (w - regs::LOOP_END) as usize))
            }
            w if (regs::AGU0_BASE..=regs::STAGING_LAST).contains(&w) => {
                let off = (w - regs::AGU0_BASE) as usize;
                Some((Some(off / (N_LOOPS + 1)), off % (N_LOOPS + 1)))
            }
            _ => None,
        }
    }

    fn write(&mut self, word: u32, value: u32) {
        match Self::decode(word) {
            Some((None, k)) => self.loop_end[k] = value as u16,
            Some((Some(g), 0)) => self.base[g] = (value >> 2) & AGU_MASK,
            Some((Some(g), k)) => self.stride[g][k - 1] = (value >> 2) & AGU_MASK,
            None => {}
        }
    }

    fn read(&self, word: u32) -> u32 {
        match Self::decode(word) {
            Some((None, k)) => self.loop_end[k] as u32,
            Some((Some(g), 0)) => self.base[g],
            Some((Some(g), k)) => self.stride[g][k - 1],
            None => 0,
        }
    }
}

/// A job in the queue: command plus a copy of the staging area.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueuedJob {
    /// Decoded command word.
    pub cmd: Command,
    /// Loop nest and AGU configuration.
    pub cfg: LoopConfig,
}

/// Counters of work done, for benchmarks and summaries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Jobs executed.
    pub jobs: u64,
    /// Execute steps (innermost iterations).
    pub steps: u64,
    /// Results written to memory.
    pub stores: u64,
}

/// Datapath state kept across steps (and, as in hardware, across jobs).
#[derive(Clone, Copy, Debug, Default)]
struct Datapath {
    acc: Accumulator,
    iacc: IeeeAcc,
    ieee: bool,
    alu: u32,
    cnt: u16,
    idx: u16,
    test: bool,
    last_a: u32,
    last_b: u32,
}

impl Datapath {
    fn clear(&mut self) {
        if self.ieee {
            self.iacc.clear()
        } else {
            self.acc.clear()
        }
    }
    fn load(&mut self, v: u32, neg: bool) {
        if self.ieee {
            self.iacc.load(v, neg)
        } else {
            self.acc.load(v, neg)
        }
    }
    fn mac(&mut self, a: u32, b: u32, sub: bool) {
        if self.ieee {
            self.iacc.mac(a, b, sub)
        } else {
            self.acc.mac(a, b, sub)
        }
    }
    fn replace_mul(&mut self, a: u32, b: u32, sub: bool) {
        if self.ieee {
            self.iacc.replace_mul(a, b, sub)
        } else {
            self.acc.replace_mul(a, b, sub)
        }
    }
    fn add(&mut self, v: u32) {
        if self.ieee {
            self.iacc.add(v)
        } else {
            self.acc.add(v)
        }
    }
}

/// Register-level NTX model.
#[derive(Clone, Debug, Default)]
pub struct NtxModel {
    staging: Staging,
    cmd_reg: u32,
    ctrl: u32,
    irq: u32,
    flags: u32,
    committed: bool,
    queue: Option<QueuedJob>,
    invalid: bool,
    dp: Datapath,
    /// Work counters.
    pub stats: Stats,
    /// Stores left before an abort (see [`NtxModel::execute_abort_after`]).
    store_budget: Option<u64>,
    /// Stores of the current logged run (see [`NtxModel::store_log`]).
    log: Option<Vec<(u32, u32)>>,
}

impl NtxModel {
    /// An NTX after reset.
    pub fn new() -> Self {
        Self::default()
    }

    /// Register write at word offset `word`. Returns false when the write is
    /// not granted (staging area or CMD while frozen); the caller retries.
    /// Jobs that reach the queue run to completion against `mem`.
    pub fn write_reg(&mut self, mem: &mut Tcdm, word: u32, value: u32) -> bool {
        match word {
            regs::CTRL => {
                self.ctrl = value & regs::CTRL_MASK;
                if value & 1 != 0 {
                    self.soft_clear();
                }
            }
            regs::IRQ => self.irq &= !value,
            regs::FLAGS => self.flags &= !value,
            regs::STATUS => {}
            _ if !self.accepts(word) => return false,
            regs::CMD => {
                self.cmd_reg = value;
                self.committed = true;
            }
            w if Staging::decode(w).is_some() => self.staging.write(w, value),
            _ => {}
        }
        self.advance(mem);
        true
    }

    /// Whether a write to register word `word` would be granted now
    /// (staging area and CMD are not while a committed job waits).
    pub fn accepts(&self, word: u32) -> bool {
        !(self.committed && (word == regs::CMD || Staging::decode(word).is_some()))
    }

    /// Register read at word offset `word` (unmapped words read 0).
    pub fn read_reg(&self, word: u32) -> u32 {
        match word {
            regs::STATUS => self.status(),
            regs::CTRL => self.ctrl,
            regs::CMD => self.cmd_reg,
            regs::IRQ => self.irq,
            regs::FLAGS => self.flags,
            w => self.staging.read(w),
        }
    }

    /// STATUS register value.
    pub fn status(&self) -> u32 {
        let mut s = status::FPU_EMPTY;
        if self.queue.is_none() {
            s |= status::QUEUE_EMPTY | status::IDLE;
        }
        if self.invalid {
            s |= status::INVALID;
        }
        if self.committed {
            s |= status::COMMITTED;
        }
        s
    }

    /// Interrupt output: OR of the IRQ register bits.
    pub fn irq_line(&self) -> bool {
        self.irq != 0
    }

    /// TCDM priority output (CTRL bits 2:1).
    pub fn priority(&self) -> u32 {
        (self.ctrl >> 1) & 3
    }

    /// Soft clear: cancels every job committed before it (the running one
    /// and one waiting in the staging area: STATUS bit4 clears), empties
    /// the pipeline, clears IRQs, the invalid flag and CTRL. The staging
    /// registers keep their values. (The model runs a job to completion at
    /// its commit, so a job it cancels has already finished; what a
    /// cancelled job leaves in memory is [`NtxModel::execute_abort_after`].)
    fn soft_clear(&mut self) {
        self.queue = None;
        self.committed = false;
        self.invalid = false;
        self.irq = 0;
        self.flags = 0;
        self.ctrl = 0;
        self.dp = Datapath::default();
    }

    /// Move a committed job into the queue and run queued jobs.
    fn advance(&mut self, mem: &mut Tcdm) {
        loop {
            if self.queue.is_none() && self.committed {
                self.queue = Some(QueuedJob {
                    cmd: Command::decode(self.cmd_reg),
                    cfg: LoopConfig {
                        loop_end: self.staging.loop_end,
                        outer_level: Command::decode(self.cmd_reg).outer_level,
                        base: self.staging.base,
                        stride: self.staging.stride,
                    },
                });
                self.committed = false;
            }
            let Some(job) = self.queue else { return };
            if self.invalid {
                return;
            }
            if !job.cmd.is_valid() {
                // Halt with the job in the queue until a soft clear.
                self.invalid = true;
                self.irq |= irq::COMMAND;
                return;
            }
            self.execute(mem, &job);
            self.queue = None;
            match job.cmd.irq_cfg as u32 {
                cmd_word::IRQ_CFG_CMD_DONE => self.irq |= irq::COMMAND,
                cmd_word::IRQ_CFG_WB_DONE => self.irq |= irq::WRITEBACK,
                _ => {}
            }
        }
    }

    /// Run `job` and return its stores in element order (word address,
    /// value); `mem` ends as after [`Self::execute`]. A MASKMAC store whose
    /// test is false writes nothing and is not listed.
    pub fn store_log(&mut self, mem: &mut Tcdm, job: &QueuedJob) -> Vec<(u32, u32)> {
        self.log = Some(Vec::new());
        self.execute(mem, job);
        self.log.take().unwrap_or_default()
    }

    /// The abort operation of the soft-clear contract: run `job` but stop
    /// after its first `k` stores, leaving `mem` as a soft clear that
    /// cancels the job after its k-th write does. Returns the stores made
    /// (fewer than `k` when the job has fewer).
    pub fn execute_abort_after(&mut self, mem: &mut Tcdm, job: &QueuedJob, k: u64) -> u64 {
        self.store_budget = Some(k);
        self.log = Some(Vec::new());
        self.execute(mem, job);
        self.store_budget = None;
        self.log.take().map_or(0, |l| l.len() as u64)
    }

    /// Run one valid job against `mem` (spec sections 5 and 6).
    pub fn execute(&mut self, mem: &mut Tcdm, job: &QueuedJob) {
        let cmd = job.cmd;
        self.stats.jobs += 1;
        self.dp.ieee = self.ctrl & regs::CTRL_IEEE != 0;
        for step in steps(&job.cfg) {
            if self.store_budget == Some(0) {
                break;
            }
            self.stats.steps += 1;
            if step.is_first(cmd.init_level) {
                self.init(mem, &cmd, &step);
            }
            self.exec(mem, &cmd, &step);
            if step.is_last(cmd.inner_level) {
                self.store(mem, &cmd, &step);
            }
        }
    }

    fn init_value(mem: &mut Tcdm, cmd: &Command, step: &Step) -> Option<u32> {
        (cmd.init_sel as u32 != cmd_word::INIT_SEL_ZERO)
            .then(|| mem.read(step.addr[cmd.init_sel as usize]))
    }

    fn init(&mut self, mem: &mut Tcdm, cmd: &Command, step: &Step) {
        let dp = &mut self.dp;
        let init = Self::init_value(mem, cmd, step);
        match cmd.opcode as u32 {
            opcode::MAC | opcode::VADDSUB => {
                let neg = cmd.opcode as u32 == opcode::VADDSUB && cmd.polarity;
                // init_sel 3: the value 0.0 (negated: -0.0, which matters
                // for the sign of zero sums in IEEE mode only)
                dp.load(init.unwrap_or(0), neg);
            }
            opcode::VMULT => {}
            opcode::OUTERP => {
                dp.alu = init.unwrap_or(0);
                dp.clear();
            }
            opcode::MAXMIN => {
                dp.alu = init.unwrap_or(0);
                dp.cnt = 0;
                dp.idx = 0;
            }
            opcode::THTST => dp.alu = init.unwrap_or(0),
            opcode::MASK => {
                dp.alu = init.unwrap_or(0);
                dp.cnt = 0;
            }
            opcode::MASKMAC => {
                dp.alu = if cmd.init_sel as u32 != cmd_word::INIT_SEL_ZERO {
                    mem.read(step.addr[1])
                } else {
                    0
                };
                let a = mem.read(step.addr[0]);
                dp.load(a, false);
                dp.cnt = 0;
            }
            opcode::COPY => {
                if cmd.aux & 1 == 0 {
                    dp.alu = init.unwrap_or(0);
                }
            }
            _ => unreachable!("invalid opcodes never execute"),
        }
    }

    /// Compare `alu` with `x` as THTST/MASK/MASKMAC do; `mode` is the
    /// comparison selector (0 eq, 1 gt, 2 ge, 4 counter, others false).
    fn test(mode: u8, polarity: bool, alu: u32, x: u32, cnt: u16) -> bool {
        let t = match mode {
            0 => fp_eq(alu, x),
            1 => fp_gt(alu, x),
            2 => fp_ge(alu, x),
            4 => cnt as u32 == alu,
            _ => return false,
        };
        t ^ polarity
    }

    fn exec(&mut self, mem: &mut Tcdm, cmd: &Command, step: &Step) {
        let dp = &mut self.dp;
        let pol = cmd.polarity;
        match cmd.opcode as u32 {
            opcode::MAC => {
                let (a, b) = (mem.read(step.addr[0]), mem.read(step.addr[1]));
                dp.mac(a, b, pol);
            }
            opcode::VADDSUB => {
                let a = mem.read(step.addr[0]);
                dp.mac(a, FP_ONE, false);
            }
            opcode::VMULT => {
                let (a, b) = (mem.read(step.addr[0]), mem.read(step.addr[1]));
                dp.replace_mul(a, b, pol);
            }
            opcode::OUTERP => {
                let a = mem.read(step.addr[0]);
                dp.replace_mul(a, dp.alu, pol);
            }
            opcode::MAXMIN => {
                let b = mem.read(step.addr[1]);
                let take = if dp.ieee && !pol {
                    fp_ge(b, dp.alu)
                } else {
                    fp_gt(dp.alu, b) ^ !pol
                };
                if take {
                    dp.alu = b;
                    dp.idx = dp.cnt;
                }
                dp.cnt = dp.cnt.wrapping_add(1);
            }
            opcode::THTST => {
                let b = mem.read(step.addr[1]);
                dp.last_b = b;
                dp.test = Self::test(cmd.aux & 3, pol, dp.alu, b, dp.cnt);
            }
            opcode::MASK => {
                let a = mem.read(step.addr[0]);
                // B is read only by the comparisons (aux 0-3), as in hardware
                let b = if cmd.aux & 4 == 0 {
                    mem.read(step.addr[1])
                } else {
                    0
                };
                dp.last_a = a;
                dp.test = Self::test(cmd.aux, pol, dp.alu, b, dp.cnt);
                dp.cnt = dp.cnt.wrapping_add(1);
            }
            opcode::MASKMAC => {
                let x = if cmd.aux & 4 != 0 {
                    mem.read(step.addr[2])
                } else {
                    mem.read(step.addr[1])
                };
                dp.test = Self::test(cmd.aux, pol, dp.alu, x, dp.cnt);
                dp.cnt = dp.cnt.wrapping_add(1);
            }
            opcode::COPY => {
                if cmd.aux & 1 != 0 {
                    dp.alu = mem.read(step.addr[0]);
                }
            }
            _ => unreachable!("invalid opcodes never execute"),
        }
    }

    fn store(&mut self, mem: &mut Tcdm, cmd: &Command, step: &Step) {
        let dp = &mut self.dp;
        let relu_on = |x: u32| if cmd.aux != 0 { relu(x) } else { x };
        let flags = &mut self.flags;
        let mut round = |dp: &Datapath| {
            if dp.ieee {
                let (r, f) = dp.iacc.round();
                *flags |= f;
                r
            } else {
                dp.acc.round()
            }
        };
        let value = match cmd.opcode as u32 {
            opcode::MAC | opcode::VADDSUB | opcode::VMULT | opcode::OUTERP => relu_on(round(dp)),
            opcode::MAXMIN => {
                if cmd.aux != 0 {
                    dp.idx as u32
                } else {
                    dp.alu
                }
            }
            opcode::THTST => match (cmd.aux & 4 != 0, dp.test) {
                (true, t) => {
                    if t {
                        FP_ONE
                    } else {
                        0
                    }
                }
                (false, true) => dp.last_b,
                (false, false) => dp.alu,
            },
            opcode::MASK => {
                if dp.test {
                    dp.last_a
                } else {
                    0
                }
            }
            opcode::MASKMAC => {
                if !dp.test {
                    return;
                }
                let c = mem.read(step.addr[2]);
                dp.add(c);
                round(dp)
            }
            opcode::COPY => dp.alu,
            _ => unreachable!("invalid opcodes never execute"),
        };
        if let Some(b) = self.store_budget.as_mut() {
            if *b == 0 {
                return;
            }
            *b -= 1;
        }
        if let Some(l) = self.log.as_mut() {
            l.push((step.addr[2], value));
        }
        self.stats.stores += 1;
        mem.write(step.addr[2], value);
    }
}

impl QueuedJob {
    /// The queue entry a commit of `job` makes (the staging area keeps
    /// bits 19:2 of bases and strides).
    pub fn of(job: &super::job::Job) -> Self {
        QueuedJob {
            cmd: job.command(),
            cfg: job.loop_config(),
        }
    }
}

/// The soft-clear prefix check: the smallest `k` such that `ini` with the
/// first `k` stores of `log` applied equals `got` (compared on the words
/// of `ini`), or a description of the first difference from the closest
/// prefix. O(words + stores).
pub fn store_prefix(ini: &Tcdm, log: &[(u32, u32)], got: &Tcdm) -> Result<usize, String> {
    let n = ini.len_words().min(got.len_words());
    let (a, b) = (ini.words(), got.words());
    let mut cur: Vec<u32> = a[..n].to_vec();
    let mut bad: usize = (0..n).filter(|&i| cur[i] != b[i]).count();
    if bad == 0 {
        return Ok(0);
    }
    let (mut best, mut best_k) = (bad, 0);
    for (k, &(w, v)) in log.iter().enumerate() {
        let w = w as usize;
        if w < n {
            let was = cur[w] != b[w];
            cur[w] = v;
            let now = cur[w] != b[w];
            bad = bad + now as usize - was as usize;
        }
        if bad == 0 {
            return Ok(k + 1);
        }
        if bad < best {
            (best, best_k) = (bad, k + 1);
        }
    }
    // Rebuild the closest prefix for the message.
    let mut cur: Vec<u32> = a[..n].to_vec();
    for &(w, v) in &log[..best_k] {
        if (w as usize) < n {
            cur[w as usize] = v;
        }
    }
    let first = (0..n).find(|&i| cur[i] != b[i]).unwrap_or(0);
    Err(format!(
        "memory is no prefix of the job's {} stores: closest is {best_k} stores with {best} \
         word(s) different, first at byte {:#x} (got {:#010x}, prefix has {:#010x})",
        log.len(),
        first * 4,
        b[first],
        cur[first]
    ))
}
