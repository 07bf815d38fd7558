//! Reference job files (spec section 7): `jobNNNN.txt` (command, loop ends,
//! AGU bases and strides), `iniNNNN.txt` / `expNNNN.txt` (memory as
//! `0xBYTEADDR 0xWORD` lines, sparse: absent words take a fill value).
//!
//! Every malformed input is an error naming the file and line.

use crate::job::Job;
use crate::mem::Tcdm;
use ntx_params::{AGU_ADDR_WIDTH, N_AGUS, N_LOOPS};
use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// A parse or I/O error at a place in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    /// The file.
    pub file: PathBuf,
    /// 1-based line number (0: the file as a whole).
    pub line: usize,
    /// What is wrong.
    pub msg: String,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file.display(), self.msg)
        } else {
            write!(f, "{}:{}: {}", self.file.display(), self.line, self.msg)
        }
    }
}
impl std::error::Error for FileError {}

fn err(file: &Path, line: usize, msg: impl Into<String>) -> FileError {
    FileError {
        file: file.to_path_buf(),
        line,
        msg: msg.into(),
    }
}

/// Longest line accepted in a job or memory file, in bytes (the longest
/// legal memory line, `0xBYTEADDR 0xWORD`, has 21; a job's longest, five
/// 64-bit decimals, about 100; the test name is free text).
pub const MAX_LINE_BYTES: usize = 4096;
/// Lines accepted in a job file: its seven lines plus blank ones.
pub const MAX_JOB_LINES: usize = 64;
/// Blank lines a memory file may have beyond one line per TCDM word.
pub const MEM_SLACK_LINES: usize = 4096;

/// Memory-file lines accepted for a TCDM of `bytes` bytes: one per word
/// (addresses are unique) plus [`MEM_SLACK_LINES`] blank lines.
pub fn max_mem_lines(bytes: usize) -> usize {
    bytes / 4 + MEM_SLACK_LINES
}

/// A bounded line reader: every line at most [`MAX_LINE_BYTES`], at most
/// `max_lines` lines, so that an endless or binary input (`/dev/zero`, a
/// FIFO that never ends, a huge file) is an error after a bounded read.
struct Lines<R: BufRead> {
    r: R,
    file: PathBuf,
    n: usize,
    max_lines: usize,
    what: &'static str,
    buf: Vec<u8>,
}

impl<R: BufRead> Lines<R> {
    fn new(r: R, file: &Path, max_lines: usize, what: &'static str) -> Self {
        Lines {
            r,
            file: file.to_path_buf(),
            n: 0,
            max_lines,
            what,
            buf: Vec::new(),
        }
    }

    /// The next line (without its line end) and its 1-based number.
    fn next_line(&mut self) -> Result<Option<(usize, &str)>, FileError> {
        self.buf.clear();
        let got = (&mut self.r)
            .take(MAX_LINE_BYTES as u64 + 1)
            .read_until(b'\n', &mut self.buf)
            .map_err(|e| err(&self.file, self.n + 1, format!("cannot read: {e}")))?;
        if got == 0 {
            return Ok(None);
        }
        self.n += 1;
        if self.n > self.max_lines {
            return Err(err(
                &self.file,
                self.n,
                format!(
                    "more than {} lines: too long for a {} (limits: README, \
                     \"Limits and failure behaviour\")",
                    self.max_lines, self.what
                ),
            ));
        }
        if self.buf.last() == Some(&b'\n') {
            self.buf.pop();
        } else if self.buf.len() > MAX_LINE_BYTES {
            return Err(err(
                &self.file,
                self.n,
                format!(
                    "line longer than {MAX_LINE_BYTES} bytes: not a {} (binary or endless input?)",
                    self.what
                ),
            ));
        }
        if self.buf.last() == Some(&b'\r') {
            self.buf.pop();
        }
        let n = self.n;
        let t = std::str::from_utf8(&self.buf)
            .map_err(|_| err(&self.file, n, format!("not text: a {} is ASCII", self.what)))?;
        Ok(Some((n, t)))
    }
}

fn open(file: &Path) -> Result<BufReader<File>, FileError> {
    let f = File::open(file).map_err(|e| err(file, 0, format!("cannot read: {e}")))?;
    if f.metadata().map(|m| m.is_dir()).unwrap_or(false) {
        return Err(err(file, 0, "cannot read: is a directory"));
    }
    Ok(BufReader::new(f))
}

/// Parse a job file (streamed; at most [`MAX_JOB_LINES`] lines of at most
/// [`MAX_LINE_BYTES`] bytes are read).
pub fn read_job(file: &Path) -> Result<Job, FileError> {
    parse_job_from(open(file)?, file)
}

/// Parse the text of a job file (`file` is used in error messages).
pub fn parse_job(text: &str, file: &Path) -> Result<Job, FileError> {
    parse_job_from(text.as_bytes(), file)
}

/// Parse a job file from a reader (bounded, see [`read_job`]).
pub fn parse_job_from(r: impl BufRead, file: &Path) -> Result<Job, FileError> {
    const WHAT: [&str; 4 + N_AGUS] = [
        "test name",
        "command word in hex",
        "loop ends",
        "AGU base addresses",
        "AGU strides",
        "AGU strides",
        "AGU strides",
    ];
    let mut lines = Lines::new(r, file, MAX_JOB_LINES, "job file");
    let mut text: Vec<String> = Vec::new();
    while text.len() < WHAT.len() {
        match lines.next_line()? {
            Some((_, l)) => text.push(l.to_string()),
            None => break,
        }
    }
    if text.len() == WHAT.len() {
        while let Some((i, l)) = lines.next_line()? {
            if !l.trim().is_empty() {
                return Err(err(file, i, format!("unexpected extra line {l:?}")));
            }
        }
    }
    let line = |n: usize| -> Result<&str, FileError> {
        text.get(n - 1)
            .map(String::as_str)
            .ok_or_else(|| err(file, n, format!("missing line {n} ({})", WHAT[n - 1])))
    };
    let name = line(1)?.trim().to_string();
    let cmd_text = line(2)?.trim();
    let cmd_hex = cmd_text
        .strip_prefix("0x")
        .or_else(|| cmd_text.strip_prefix("0X"))
        .unwrap_or(cmd_text);
    let cmd = u32::from_str_radix(cmd_hex, 16).map_err(|_| {
        err(
            file,
            2,
            format!("bad command word {cmd_text:?}: expected hex"),
        )
    })?;
    let mut job = Job {
        name,
        cmd,
        ..Job::default()
    };
    let ends: [i64; N_LOOPS] = fields(line(3)?, file, 3, "loop end")?;
    for (k, &e) in ends.iter().enumerate() {
        job.loop_end[k] = u16::try_from(e).map_err(|_| {
            err(
                file,
                3,
                format!("loop end {k} = {e} is out of range 0..=65535"),
            )
        })?;
    }
    let bases: [i64; N_AGUS] = fields(line(4)?, file, 4, "base address")?;
    for (g, &b) in bases.iter().enumerate() {
        job.base[g] = u32::try_from(b).map_err(|_| {
            err(
                file,
                4,
                format!("AGU{g} base {b} is not a 32-bit byte address"),
            )
        })?;
    }
    for g in 0..N_AGUS {
        let n = 5 + g;
        let s: [i64; N_LOOPS] = fields(line(n)?, file, n, "stride")?;
        for (k, &v) in s.iter().enumerate() {
            job.stride[g][k] = i32::try_from(v)
                .map_err(|_| err(file, n, format!("AGU{g} stride {k} = {v} is out of range")))?;
        }
    }
    Ok(job)
}

fn fields<const N: usize>(
    text: &str,
    file: &Path,
    n: usize,
    what: &str,
) -> Result<[i64; N], FileError> {
    let parts: Vec<&str> = text.split_whitespace().collect();
    if parts.len() != N {
        return Err(err(
            file,
            n,
            format!("expected {N} {what} values, found {}", parts.len()),
        ));
    }
    let mut out = [0i64; N];
    for (o, p) in out.iter_mut().zip(&parts) {
        *o = p.parse().map_err(|_| {
            err(
                file,
                n,
                format!("bad {what} {p:?}: expected a decimal integer"),
            )
        })?;
    }
    Ok(out)
}

/// Write a job file in the reference format.
pub fn format_job(job: &Job) -> String {
    let join = |v: Vec<String>| v.iter().map(|s| format!("{s} ")).collect::<String>();
    let mut s = format!("{}\n{:08X}\n", job.name, job.cmd);
    s += &join(job.loop_end.iter().map(|e| e.to_string()).collect());
    s += "\n";
    s += &join(job.base.iter().map(|e| e.to_string()).collect());
    s += "\n";
    for g in 0..N_AGUS {
        s += &join(job.stride[g].iter().map(|e| e.to_string()).collect());
        s += "\n";
    }
    s
}

fn parse_hex(text: &str, file: &Path, n: usize, what: &str) -> Result<u32, FileError> {
    let h = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .ok_or_else(|| {
            err(
                file,
                n,
                format!("bad {what} {text:?}: expected 0x-prefixed hex"),
            )
        })?;
    u32::from_str_radix(h, 16)
        .map_err(|_| err(file, n, format!("bad {what} {text:?}: expected 32-bit hex")))
}

/// Parse a memory file into a memory of `bytes` bytes whose other words
/// hold `fill`. Streamed: at most [`max_mem_lines`]`(bytes)` lines of at
/// most [`MAX_LINE_BYTES`] bytes are read; a word given twice is an error
/// naming both lines.
pub fn read_mem(file: &Path, bytes: usize, fill: u32) -> Result<Tcdm, FileError> {
    parse_mem_from(open(file)?, file, bytes, fill)
}

/// Parse the text of a memory file (see [`read_mem`]).
pub fn parse_mem(text: &str, file: &Path, bytes: usize, fill: u32) -> Result<Tcdm, FileError> {
    parse_mem_from(text.as_bytes(), file, bytes, fill)
}

/// Parse a memory file from a reader (see [`read_mem`]).
pub fn parse_mem_from(
    r: impl BufRead,
    file: &Path,
    bytes: usize,
    fill: u32,
) -> Result<Tcdm, FileError> {
    let mut mem = Tcdm::new(bytes, fill);
    // Line that set each word (0: none yet), for duplicate errors.
    let mut set_on = vec![0u32; mem.len_words()];
    let mut lines = Lines::new(r, file, max_mem_lines(bytes), "memory file");
    while let Some((n, l)) = lines.next_line()? {
        let t = l.trim();
        if t.is_empty() {
            continue;
        }
        let parts: Vec<&str> = t.split_whitespace().collect();
        if parts.len() != 2 {
            return Err(err(
                file,
                n,
                format!("expected `0xBYTEADDR 0xWORD`, found {} fields", parts.len()),
            ));
        }
        let addr = parse_hex(parts[0], file, n, "address")?;
        let word = parse_hex(parts[1], file, n, "data word")?;
        if addr % 4 != 0 {
            return Err(err(
                file,
                n,
                format!("address {:#010x} is not word aligned", addr),
            ));
        }
        if addr as usize >= bytes {
            return Err(err(
                file,
                n,
                format!(
                    "address {addr:#010x} is outside the {} KiB memory",
                    bytes / 1024
                ),
            ));
        }
        let w = (addr / 4) as usize;
        if set_on[w] != 0 {
            return Err(err(
                file,
                n,
                format!(
                    "address {addr:#010x} appears twice: lines {} and {n}",
                    set_on[w]
                ),
            ));
        }
        set_on[w] = n as u32;
        mem.write(addr / 4, word);
    }
    Ok(mem)
}

/// Job fields the NTX silently truncates or ignores (spec 3, 4): command
/// bits 31:21, AGU bases at or above 1 MiB (only bits 19:2 are kept, so
/// they alias), bases and strides that are not word aligned (bits 1:0 are
/// dropped) and strides outside +-512 KiB (wrapped modulo 2^18 words).
/// Each is a warning (an error with `--strict`) naming the job file line.
pub fn job_warnings(job: &Job, file: &Path) -> Vec<FileError> {
    let mut w = Vec::new();
    if job.cmd >> 21 != 0 {
        w.push(err(
            file,
            2,
            format!(
                "command bits 31:21 ({:#x}) are not used by the NTX and are ignored",
                job.cmd >> 21 << 21
            ),
        ));
    }
    let span = 4u64 << AGU_ADDR_WIDTH;
    for (g, &b) in job.base.iter().enumerate() {
        if b as u64 >= span {
            w.push(err(
                file,
                4,
                format!(
                    "AGU{g} base {b:#x} is at or above 1 MiB: the NTX keeps bits 19:2 and \
                     uses {:#x}",
                    (b as u64 % span) & !3
                ),
            ));
        }
        if b % 4 != 0 {
            w.push(err(
                file,
                4,
                format!("AGU{g} base {b} is not word aligned: the NTX drops bits 1:0"),
            ));
        }
    }
    for g in 0..N_AGUS {
        for (k, &s) in job.stride[g].iter().enumerate() {
            if s % 4 != 0 {
                w.push(err(
                    file,
                    5 + g,
                    format!(
                        "AGU{g} stride {k} = {s} is not a multiple of 4: the NTX drops bits 1:0"
                    ),
                ));
            }
            if (s as i64) < -(span as i64 / 2) || s as i64 >= span as i64 / 2 {
                w.push(err(
                    file,
                    5 + g,
                    format!("AGU{g} stride {k} = {s} is outside +-512 KiB: it wraps modulo 1 MiB"),
                ));
            }
        }
    }
    w
}

/// The reference format of a memory dump: every word that differs from the
/// fill value, sorted by address.
pub fn format_mem(mem: &Tcdm) -> String {
    mem.non_fill()
        .iter()
        .map(|(a, w)| format!("0x{a:08x} 0x{w:08x}\n"))
        .collect()
}

/// Write a memory dump (see [`format_mem`]) atomically (temporary file,
/// sync, rename: a reader never sees half a dump).
pub fn write_mem(file: &Path, mem: &Tcdm) -> Result<(), FileError> {
    crate::runctl::write_atomic(file, format_mem(mem).as_bytes()).map_err(|e| err(file, 0, e))
}

/// One reference case: `jobNNNN.txt`, `iniNNNN.txt`, `expNNNN.txt` in a directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseFiles {
    /// Case number (NNNN).
    pub id: String,
    /// Job file.
    pub job: PathBuf,
    /// Initial memory.
    pub ini: PathBuf,
    /// Expected memory.
    pub exp: PathBuf,
}

/// The cases in `dir` (every `jobNNNN.txt` with its `ini`/`exp`), sorted.
pub fn find_cases(dir: &Path) -> Result<Vec<CaseFiles>, FileError> {
    let rd = std::fs::read_dir(dir).map_err(|e| err(dir, 0, format!("cannot list: {e}")))?;
    let mut cases = Vec::new();
    for entry in rd.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if let Some(id) = name
            .strip_prefix("job")
            .and_then(|s| s.strip_suffix(".txt"))
        {
            let case = CaseFiles {
                id: id.to_string(),
                job: dir.join(&name),
                ini: dir.join(format!("ini{id}.txt")),
                exp: dir.join(format!("exp{id}.txt")),
            };
            for f in [&case.ini, &case.exp] {
                if !f.exists() {
                    return Err(err(
                        f,
                        0,
                        "missing (every job file needs its ini and exp files)",
                    ));
                }
            }
            cases.push(case);
        }
    }
    cases.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(cases)
}
