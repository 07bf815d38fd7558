//! A small ELF32 reader for firmware images (little-endian RISC-V
//! executables): PT_LOAD segments and the symbol table, checked against a
//! memory map, with errors that name the file and the offending field.
//! Reading is bounded: at most [`MAX_ELF_BYTES`] are read (a file, FIFO or
//! device that goes on is an error, a non-ELF one is refused after its
//! first 16 bytes), every offset is range-checked, the loadable segments
//! may not overlap nor hold more bytes than the memory map, and the symbol
//! table is capped ([`MAX_SYMBOLS`], [`MAX_SYMBOL_NAME_BYTES`]), so no
//! input makes the loader allocate much more than the file itself.
//!
//! Also a minimal writer ([`write_exec`]) for the generated programs of the
//! ISS cross-check (one RWX segment).

use std::fmt;
use std::path::Path;

/// Largest ELF file accepted (bytes).
pub const MAX_ELF_BYTES: u64 = 64 << 20;
/// Most symbols read (over all symbol tables).
pub const MAX_SYMBOLS: usize = 1 << 16;
/// Most bytes of symbol names read (over all symbols).
pub const MAX_SYMBOL_NAME_BYTES: usize = 16 << 20;
/// `e_machine` of RISC-V.
pub const EM_RISCV: u16 = 243;
const PT_LOAD: u32 = 1;
const SHT_SYMTAB: u32 = 2;

/// A memory region segments may be loaded into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    pub name: &'static str,
    pub base: u32,
    pub bytes: u32,
}

/// One loadable segment: `data` (file bytes, zero-padded to `p_memsz`) at
/// byte address `addr`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    pub addr: u32,
    pub data: Vec<u8>,
    /// p_flags (bit0 X, bit1 W, bit2 R).
    pub flags: u32,
}

/// A parsed executable.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ElfImage {
    pub entry: u32,
    pub segments: Vec<Segment>,
    /// Symbols with a name (name, value, size), from `.symtab` if present.
    pub symbols: Vec<(String, u32, u32)>,
}

impl ElfImage {
    /// Value of symbol `name`.
    pub fn symbol(&self, name: &str) -> Option<u32> {
        self.symbols
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|&(_, v, _)| v)
    }
}

/// A malformed or unsuitable ELF file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ElfError {
    pub file: String,
    pub msg: String,
}

impl fmt::Display for ElfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.msg)
    }
}

impl std::error::Error for ElfError {}

struct Reader<'a> {
    b: &'a [u8],
    file: &'a str,
}

impl Reader<'_> {
    fn err<T>(&self, msg: String) -> Result<T, ElfError> {
        Err(ElfError {
            file: self.file.to_string(),
            msg,
        })
    }
    fn bytes(&self, off: u64, n: u64, what: &str) -> Result<&[u8], ElfError> {
        match off.checked_add(n) {
            Some(end) if end <= self.b.len() as u64 => Ok(&self.b[off as usize..end as usize]),
            _ => self.err(format!(
                "{what}: bytes {off:#x}..{:#x} lie beyond the end of the file ({:#x} bytes)",
                off.saturating_add(n),
                self.b.len()
            )),
        }
    }
    fn u16(&self, off: u64, what: &str) -> Result<u16, ElfError> {
        Ok(u16::from_le_bytes(
            self.bytes(off, 2, what)?.try_into().unwrap(),
        ))
    }
    fn u32(&self, off: u64, what: &str) -> Result<u32, ElfError> {
        Ok(u32::from_le_bytes(
            self.bytes(off, 4, what)?.try_into().unwrap(),
        ))
    }
}

/// Read and parse `path`, checking segments against `regions` and that the
/// entry point is `entry` (the reset PC).
pub fn load_file(path: &Path, regions: &[Region], entry: u32) -> Result<ElfImage, ElfError> {
    let file = path.display().to_string();
    let e = |msg: String| ElfError {
        file: file.clone(),
        msg,
    };
    let meta = std::fs::metadata(path).map_err(|x| e(format!("cannot read: {x}")))?;
    if meta.len() > MAX_ELF_BYTES {
        return Err(e(format!(
            "file of {} bytes is larger than the {MAX_ELF_BYTES}-byte limit",
            meta.len()
        )));
    }
    use std::io::Read;
    let mut f = std::fs::File::open(path).map_err(|x| e(format!("cannot read: {x}")))?;
    // e_ident first: anything that is not an ELF file (/dev/zero, a text
    // file, a FIFO of garbage) is refused without reading further.
    let mut buf = Vec::new();
    (&mut f)
        .take(16)
        .read_to_end(&mut buf)
        .map_err(|x| e(format!("cannot read: {x}")))?;
    if buf.len() < 16 {
        return Err(e(format!(
            "truncated: {} bytes, shorter than an ELF header (e_ident alone is 16)",
            buf.len()
        )));
    }
    if &buf[0..4] != b"\x7fELF" {
        return Err(e("e_ident: not an ELF file (bad magic)".into()));
    }
    f.take(MAX_ELF_BYTES + 1 - 16)
        .read_to_end(&mut buf)
        .map_err(|x| e(format!("cannot read: {x}")))?;
    if buf.len() as u64 > MAX_ELF_BYTES {
        return Err(e(format!(
            "more than the {MAX_ELF_BYTES}-byte limit of an ELF file (an endless input?)"
        )));
    }
    parse(&buf, &file, regions, entry)
}

/// Parse ELF bytes (`file` names them in errors).
pub fn parse(b: &[u8], file: &str, regions: &[Region], entry: u32) -> Result<ElfImage, ElfError> {
    let r = Reader { b, file };
    let id = r.bytes(0, 16, "e_ident")?;
    if &id[0..4] != b"\x7fELF" {
        return r.err("e_ident: not an ELF file (bad magic)".into());
    }
    if id[4] != 1 {
        return r.err(format!("e_ident[EI_CLASS] = {}: not a 32-bit ELF", id[4]));
    }
    if id[5] != 1 {
        return r.err(format!("e_ident[EI_DATA] = {}: not little endian", id[5]));
    }
    let e_type = r.u16(16, "e_type")?;
    if e_type != 2 {
        return r.err(format!("e_type = {e_type}: not an executable (ET_EXEC)"));
    }
    let mach = r.u16(18, "e_machine")?;
    if mach != EM_RISCV {
        return r.err(format!("e_machine = {mach}: not RISC-V ({EM_RISCV})"));
    }
    let e_entry = r.u32(24, "e_entry")?;
    let phoff = r.u32(28, "e_phoff")? as u64;
    let shoff = r.u32(32, "e_shoff")? as u64;
    let phentsize = r.u16(42, "e_phentsize")? as u64;
    let phnum = r.u16(44, "e_phnum")? as u64;
    let shentsize = r.u16(46, "e_shentsize")? as u64;
    let shnum = r.u16(48, "e_shnum")? as u64;
    if phnum > 0 && phentsize < 32 {
        return r.err(format!("e_phentsize = {phentsize}: smaller than 32"));
    }
    let mut img = ElfImage {
        entry: e_entry,
        ..Default::default()
    };
    // Segments loaded so far: start -> (end, program header index).
    let mut placed: std::collections::BTreeMap<u64, (u64, u64)> = Default::default();
    let map_bytes: u64 = regions.iter().map(|g| g.bytes as u64).sum();
    let mut load_bytes = 0u64;
    for i in 0..phnum {
        let o = phoff + i * phentsize;
        let what = |f: &str| format!("program header {i} {f}");
        if r.u32(o, &what("p_type"))? != PT_LOAD {
            continue;
        }
        let off = r.u32(o + 4, &what("p_offset"))? as u64;
        let paddr = r.u32(o + 12, &what("p_paddr"))?;
        let filesz = r.u32(o + 16, &what("p_filesz"))? as u64;
        let memsz = r.u32(o + 20, &what("p_memsz"))? as u64;
        let flags = r.u32(o + 24, &what("p_flags"))?;
        if memsz == 0 {
            continue;
        }
        if filesz > memsz {
            return r.err(format!(
                "program header {i}: p_filesz {filesz:#x} exceeds p_memsz {memsz:#x}"
            ));
        }
        let fits = regions.iter().find(|g| {
            paddr.wrapping_sub(g.base) < g.bytes
                && (paddr - g.base) as u64 + memsz <= g.bytes as u64
        });
        if fits.is_none() {
            let map: Vec<String> = regions
                .iter()
                .map(|g| format!("{} {:#010x}+{:#x}", g.name, g.base, g.bytes))
                .collect();
            return r.err(format!(
                "program header {i} (PT_LOAD): p_paddr {paddr:#010x} + p_memsz {memsz:#x} does not fit \
                 in one memory ({})",
                map.join(", ")
            ));
        }
        // Disjoint segments inside the map hold at most the map's bytes:
        // more is an overlap, found here before anything is allocated.
        load_bytes += memsz;
        if load_bytes > map_bytes {
            return r.err(format!(
                "program header {i} (PT_LOAD): the loadable segments so far hold {load_bytes:#x} \
                 bytes, more than the {map_bytes:#x} of the memory map (overlapping segments)"
            ));
        }
        let (p0, p1) = (paddr as u64, paddr as u64 + memsz);
        let before = placed.range(..=p0).next_back();
        let after = placed.range(p0..).next();
        for (&a0, &(a1, h)) in before.into_iter().chain(after) {
            if p0 < a1 && a0 < p1 {
                return r.err(format!(
                    "program headers {h} and {i} (PT_LOAD): segments {a0:#010x}+{:#x} and \
                     {p0:#010x}+{memsz:#x} overlap",
                    a1 - a0
                ));
            }
        }
        placed.insert(p0, (p1, i));
        let mut data = r.bytes(off, filesz, &what("p_offset/p_filesz"))?.to_vec();
        data.resize(memsz as usize, 0);
        img.segments.push(Segment {
            addr: paddr,
            data,
            flags,
        });
    }
    if img.segments.is_empty() {
        return r.err("no loadable (PT_LOAD) segment".into());
    }
    if e_entry != entry {
        return r.err(format!(
            "e_entry = {e_entry:#010x}, but execution starts at the reset PC {entry:#010x} \
             (link the start-up code there)"
        ));
    }
    if !img
        .segments
        .iter()
        .any(|s| s.flags & 1 != 0 && e_entry.wrapping_sub(s.addr) < s.data.len() as u32)
    {
        return r.err(format!(
            "e_entry = {e_entry:#010x} lies in no executable loadable segment"
        ));
    }
    // Symbols (optional; a stripped file has none).
    if shoff != 0 && shnum > 0 && shentsize >= 40 {
        let mut name_bytes = 0usize;
        for i in 0..shnum {
            let o = shoff + i * shentsize;
            let what = |f: &str| format!("section header {i} {f}");
            if r.u32(o + 4, &what("sh_type"))? != SHT_SYMTAB {
                continue;
            }
            let off = r.u32(o + 16, &what("sh_offset"))? as u64;
            let size = r.u32(o + 20, &what("sh_size"))? as u64;
            let link = r.u32(o + 24, &what("sh_link"))? as u64;
            if link >= shnum {
                return r.err(format!("{}: {link} is no section", what("sh_link")));
            }
            let so = shoff + link * shentsize;
            let str_off = r.u32(so + 16, "string table sh_offset")? as u64;
            let str_size = r.u32(so + 20, "string table sh_size")? as u64;
            let strtab = r.bytes(str_off, str_size, "string table")?;
            let syms = r.bytes(off, size, "symbol table")?;
            for s in syms.chunks_exact(16) {
                let name = u32::from_le_bytes(s[0..4].try_into().unwrap()) as usize;
                let value = u32::from_le_bytes(s[4..8].try_into().unwrap());
                let sz = u32::from_le_bytes(s[8..12].try_into().unwrap());
                if name == 0 || name >= strtab.len() {
                    continue;
                }
                let end = strtab[name..]
                    .iter()
                    .position(|&c| c == 0)
                    .map_or(strtab.len(), |p| name + p);
                if img.symbols.len() == MAX_SYMBOLS {
                    return r.err(format!(
                        "{}: more than {MAX_SYMBOLS} symbols",
                        what("symbol table")
                    ));
                }
                name_bytes += end - name;
                if name_bytes > MAX_SYMBOL_NAME_BYTES {
                    return r.err(format!(
                        "{}: symbol names longer than {MAX_SYMBOL_NAME_BYTES} bytes in all",
                        what("string table")
                    ));
                }
                let n = String::from_utf8_lossy(&strtab[name..end]).into_owned();
                img.symbols.push((n, value, sz));
            }
        }
    }
    Ok(img)
}

/// A minimal ELF32 RISC-V executable: one PT_LOAD segment (RWX) of `data`
/// at `addr` (page aligned, at least 0x2000), entry `entry`, for qemu-user.
/// The segment also maps the header page below `addr` (qemu-user wants the
/// program headers inside a loaded segment).
pub fn write_exec(addr: u32, data: &[u8], entry: u32) -> Vec<u8> {
    const DATA_OFF: u32 = 0x1000;
    let mut f = vec![0u8; DATA_OFF as usize];
    f[0..4].copy_from_slice(b"\x7fELF");
    f[4] = 1; // ELFCLASS32
    f[5] = 1; // little endian
    f[6] = 1; // EV_CURRENT
    let put16 = |f: &mut Vec<u8>, o: usize, v: u16| f[o..o + 2].copy_from_slice(&v.to_le_bytes());
    let put32 = |f: &mut Vec<u8>, o: usize, v: u32| f[o..o + 4].copy_from_slice(&v.to_le_bytes());
    put16(&mut f, 16, 2); // ET_EXEC
    put16(&mut f, 18, EM_RISCV);
    put32(&mut f, 20, 1);
    put32(&mut f, 24, entry);
    put32(&mut f, 28, 52); // e_phoff
    put16(&mut f, 40, 52); // e_ehsize
    put16(&mut f, 42, 32); // e_phentsize
    put16(&mut f, 44, 1); // e_phnum
    put16(&mut f, 46, 40); // e_shentsize
    let p = 52;
    put32(&mut f, p, PT_LOAD);
    put32(&mut f, p + 4, 0);
    put32(&mut f, p + 8, addr - DATA_OFF);
    put32(&mut f, p + 12, addr - DATA_OFF);
    put32(&mut f, p + 16, DATA_OFF + data.len() as u32);
    put32(&mut f, p + 20, DATA_OFF + data.len() as u32);
    put32(&mut f, p + 24, 7); // RWX
    put32(&mut f, p + 28, 0x1000);
    f.extend_from_slice(data);
    f
}
