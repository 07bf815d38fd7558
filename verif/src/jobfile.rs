//! Reference job files (spec section 7): `jobNNNN.txt` (command, loop ends,
//! AGU bases and strides), `iniNNNN.txt` / `expNNNN.txt` (memory as
//! `0xBYTEADDR 0xWORD` lines, sparse: absent words take a fill value).
//!
//! Every malformed input is an error naming the file and line.

use crate::model::job::Job;
use crate::model::mem::Tcdm;
use ntx_hw::params::{N_AGUS, N_LOOPS};
use std::fmt;
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

fn read(file: &Path) -> Result<String, FileError> {
    std::fs::read_to_string(file).map_err(|e| err(file, 0, format!("cannot read: {e}")))
}

/// Parse a job file.
pub fn read_job(file: &Path) -> Result<Job, FileError> {
    parse_job(&read(file)?, file)
}

/// Parse the text of a job file (`file` is used in error messages).
pub fn parse_job(text: &str, file: &Path) -> Result<Job, FileError> {
    let lines: Vec<&str> = text.lines().collect();
    let line = |n: usize, what: &str| -> Result<&str, FileError> {
        lines
            .get(n - 1)
            .copied()
            .ok_or_else(|| err(file, n, format!("missing line {n} ({what})")))
    };
    let name = line(1, "test name")?.trim().to_string();
    let cmd_text = line(2, "command word in hex")?.trim();
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
    let ends: [i64; N_LOOPS] = fields(line(3, "loop ends")?, file, 3, "loop end")?;
    for (k, &e) in ends.iter().enumerate() {
        job.loop_end[k] = u16::try_from(e).map_err(|_| {
            err(
                file,
                3,
                format!("loop end {k} = {e} is out of range 0..=65535"),
            )
        })?;
    }
    let bases: [i64; N_AGUS] = fields(line(4, "AGU base addresses")?, file, 4, "base address")?;
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
        let s: [i64; N_LOOPS] = fields(line(n, "AGU strides")?, file, n, "stride")?;
        for (k, &v) in s.iter().enumerate() {
            job.stride[g][k] = i32::try_from(v)
                .map_err(|_| err(file, n, format!("AGU{g} stride {k} = {v} is out of range")))?;
        }
    }
    if let Some((i, l)) = lines
        .iter()
        .enumerate()
        .skip(4 + N_AGUS)
        .find(|(_, l)| !l.trim().is_empty())
    {
        return Err(err(file, i + 1, format!("unexpected extra line {l:?}")));
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
/// hold `fill`.
pub fn read_mem(file: &Path, bytes: usize, fill: u32) -> Result<Tcdm, FileError> {
    parse_mem(&read(file)?, file, bytes, fill)
}

/// Parse the text of a memory file (see [`read_mem`]).
pub fn parse_mem(text: &str, file: &Path, bytes: usize, fill: u32) -> Result<Tcdm, FileError> {
    let mut mem = Tcdm::new(bytes, fill);
    for (i, l) in text.lines().enumerate() {
        let n = i + 1;
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
        mem.write(addr / 4, word);
    }
    Ok(mem)
}

/// The reference format of a memory dump: every word that differs from the
/// fill value, sorted by address.
pub fn format_mem(mem: &Tcdm) -> String {
    mem.non_fill()
        .iter()
        .map(|(a, w)| format!("0x{a:08x} 0x{w:08x}\n"))
        .collect()
}

/// Write a memory dump (see [`format_mem`]).
pub fn write_mem(file: &Path, mem: &Tcdm) -> Result<(), FileError> {
    std::fs::write(file, format_mem(mem)).map_err(|e| err(file, 0, format!("cannot write: {e}")))
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
