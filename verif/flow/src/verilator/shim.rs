//! The port table of a verilated model and the C shim generated from it.
//!
//! The port list is read from the header Verilator writes for the top module
//! (`V<top>.h`, lines such as `VL_IN16(&a,15,0);` or `VL_OUTW(&w,99,0,4);`):
//! that is the authority for the C++ member names (Verilator mangles `$`
//! and `__` in identifiers) and the storage class of each port. The generic
//! Verilog header parser [`parse_verilog_ports`] gives the same table from the
//! Verilog text and is used to cross-check it.

use std::fmt::Write as _;

/// Bumped whenever the generated shim changes (part of the build cache key).
pub const SHIM_VERSION: u32 = 2;

/// Direction of a top-level port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dir {
    /// Driven by the testbench.
    Input,
    /// Driven by the model.
    Output,
    /// Bidirectional (rust-hdl tristates); readable and writable.
    InOut,
}

impl Dir {
    fn code(self) -> i32 {
        match self {
            Dir::Input => 0,
            Dir::Output => 1,
            Dir::InOut => 2,
        }
    }
    /// Inverse of the shim's direction code.
    pub fn from_code(c: i32) -> Option<Dir> {
        match c {
            0 => Some(Dir::Input),
            1 => Some(Dir::Output),
            2 => Some(Dir::InOut),
            _ => None,
        }
    }
}

/// One top-level port of a model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Port {
    /// Verilog name (as rust-hdl wrote it, e.g. `clock` or `tcdm$req`).
    pub name: String,
    /// C++ member name in the Verilator model (mangled).
    pub cname: String,
    /// Width in bits.
    pub width: usize,
    /// Direction.
    pub dir: Dir,
}

impl Port {
    /// Number of 32-bit words holding the value.
    pub fn words(&self) -> usize {
        self.width.div_ceil(32)
    }
}

/// Undo Verilator's identifier encoding (`__0XX` = the character with hex code XX).
pub fn demangle(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < b.len() {
        if i + 5 <= b.len() && &b[i..i + 3] == b"__0" {
            if let Ok(c) = u8::from_str_radix(&s[i + 3..i + 5], 16) {
                out.push(c as char);
                i += 5;
                continue;
            }
        }
        out.push(b[i] as char);
        i += 1;
    }
    out
}

/// Ports of the top module from Verilator's `V<top>.h`.
pub fn parse_verilated_header(h: &str) -> Result<Vec<Port>, String> {
    let mut ports = Vec::new();
    for line in h.lines() {
        let t = line.trim();
        let Some(open) = t.find('(') else { continue };
        let mac = &t[..open];
        let dir = match mac {
            "VL_IN8" | "VL_IN16" | "VL_IN" | "VL_IN64" | "VL_INW" => Dir::Input,
            "VL_OUT8" | "VL_OUT16" | "VL_OUT" | "VL_OUT64" | "VL_OUTW" => Dir::Output,
            "VL_INOUT8" | "VL_INOUT16" | "VL_INOUT" | "VL_INOUT64" | "VL_INOUTW" => Dir::InOut,
            _ => continue,
        };
        let close = t.rfind(')').ok_or_else(|| format!("bad port line `{t}`"))?;
        let args: Vec<&str> = t[open + 1..close].split(',').map(str::trim).collect();
        if args.len() < 3 {
            return Err(format!("bad port line `{t}`"));
        }
        let cname = args[0].trim_start_matches('&').to_string();
        let msb: usize = args[1].parse().map_err(|_| format!("bad msb in `{t}`"))?;
        let lsb: usize = args[2].parse().map_err(|_| format!("bad lsb in `{t}`"))?;
        if lsb != 0 || msb < lsb {
            return Err(format!("unsupported port range in `{t}`"));
        }
        ports.push(Port {
            name: demangle(&cname),
            cname,
            width: msb - lsb + 1,
            dir,
        });
    }
    if ports.is_empty() {
        return Err("no ports found in the Verilator header".into());
    }
    Ok(ports)
}

/// Ports of module `top` from Verilog text as rust-hdl writes it
/// (`module top(a,b);` followed by `input wire [15:0] a;` declarations).
/// Names and widths only; `cname` is left empty.
pub fn parse_verilog_ports(verilog: &str, top: &str) -> Result<Vec<Port>, String> {
    let head = format!("module {top}(");
    let start = verilog
        .find(&head)
        .ok_or_else(|| format!("module {top} not found"))?;
    let rest = &verilog[start + head.len()..];
    let close = rest.find(')').ok_or("unterminated module header")?;
    let names: Vec<&str> = rest[..close]
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let body: String = rest[close + 1..rest.find("endmodule").unwrap_or(rest.len())]
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let mut ports = Vec::new();
    for name in names {
        let mut found = None;
        for stmt in body.split(';') {
            let toks: Vec<&str> = stmt.split_whitespace().collect();
            if toks.last() != Some(&name) {
                continue;
            }
            let dir = match toks.first() {
                Some(&"input") => Dir::Input,
                Some(&"output") => Dir::Output,
                Some(&"inout") => Dir::InOut,
                _ => continue,
            };
            let mut width = 1;
            for t in &toks {
                if let Some(r) = t.strip_prefix('[') {
                    let msb = r.split(':').next().unwrap_or("0");
                    width = msb.parse::<usize>().map_err(|_| format!("bad range {t}"))? + 1;
                }
            }
            found = Some(Port {
                // escaped identifiers (`\name `) are plain names to the tools
                name: name.trim_start_matches('\\').to_string(),
                cname: String::new(),
                width,
                dir,
            });
            break;
        }
        ports.push(found.ok_or_else(|| format!("no declaration for port {name}"))?);
    }
    Ok(ports)
}

fn ctype(width: usize) -> &'static str {
    match width {
        0..=8 => "CData",
        9..=16 => "SData",
        17..=32 => "IData",
        33..=64 => "QData",
        _ => "WData",
    }
}

fn mask64(width: usize) -> String {
    if width >= 64 {
        "0xFFFFFFFFFFFFFFFFULL".into()
    } else {
        format!("0x{:X}ULL", (1u64 << width) - 1)
    }
}

/// C++ source of the shim for model class `V<top>` with `ports`.
///
/// Exported C ABI (all `extern "C"`):
/// `ntx_create() -> void*`, `ntx_create_rand(mode, seed) -> void*` (initial
/// state as `+verilator+rand+reset+mode` and `+verilator+seed+seed`),
/// `ntx_destroy(m)`, `ntx_eval(m)`,
/// `ntx_set(m, i, const uint32_t* words)`, `ntx_get(m, i, uint32_t* words)`,
/// `ntx_set64(m, i, uint64_t)`, `ntx_get64(m, i) -> uint64_t` (low 64 bits),
/// `ntx_port_count()`, `ntx_port_name(i)`, `ntx_port_width(i)`,
/// `ntx_port_dir(i)`, `ntx_shim_version()`, and for tracing
/// `ntx_trace_open(m, path) -> int` (0 ok, -1 when built without `--trace`),
/// `ntx_trace_dump(m, time)`, `ntx_trace_close(m)`.
pub fn generate_shim(top: &str, ports: &[Port]) -> String {
    let class = format!("V{top}");
    let mut s = String::new();
    let _ = writeln!(
        s,
        "// Generated by ntx-verif (shim version {SHIM_VERSION}) for module {top}. Do not edit.\n\
         #include <cstdint>\n#include \"verilated.h\"\n#if VM_TRACE\n#include \"verilated_vcd_c.h\"\n#endif\n\
         #include \"{class}.h\"\n\
         #define NTX_EXPORT extern \"C\" __attribute__((visibility(\"default\")))\n\
         namespace {{\nstruct Model {{\n  VerilatedContext ctx;\n  {class}* top = nullptr;\n\
         #if VM_TRACE\n  VerilatedVcdC* tfp = nullptr;\n#endif\n}};"
    );
    let names: Vec<String> = ports.iter().map(|p| format!("\"{}\"", p.name)).collect();
    let widths: Vec<String> = ports.iter().map(|p| p.width.to_string()).collect();
    let dirs: Vec<String> = ports.iter().map(|p| p.dir.code().to_string()).collect();
    let _ = writeln!(
        s,
        "const char* const NAMES[] = {{{}}};\nconst int WIDTHS[] = {{{}}};\nconst int DIRS[] = {{{}}};\n}}",
        names.join(", "),
        widths.join(", "),
        dirs.join(", ")
    );
    let n = ports.len();
    let _ = writeln!(
        s,
        "NTX_EXPORT int ntx_shim_version() {{ return {SHIM_VERSION}; }}\n\
         NTX_EXPORT int ntx_port_count() {{ return {n}; }}\n\
         NTX_EXPORT const char* ntx_port_name(int i) {{ return (i >= 0 && i < {n}) ? NAMES[i] : nullptr; }}\n\
         NTX_EXPORT int ntx_port_width(int i) {{ return (i >= 0 && i < {n}) ? WIDTHS[i] : -1; }}\n\
         NTX_EXPORT int ntx_port_dir(int i) {{ return (i >= 0 && i < {n}) ? DIRS[i] : -1; }}\n\
         NTX_EXPORT void* ntx_create_rand(int mode, int seed) {{\n  Model* m = new Model;\n\
         \x20 m->ctx.randReset(mode);\n  m->ctx.randSeed(seed);\n\
         #if VM_TRACE\n  m->ctx.traceEverOn(true);\n#endif\n\
         \x20 m->top = new {class}(&m->ctx, \"TOP\");\n  return m;\n}}\n\
         NTX_EXPORT void* ntx_create() {{ return ntx_create_rand(0, 0); }}\n\
         NTX_EXPORT void ntx_destroy(void* p) {{\n  Model* m = static_cast<Model*>(p);\n\
         #if VM_TRACE\n  if (m->tfp) {{ m->tfp->close(); delete m->tfp; }}\n#endif\n\
         \x20 m->top->final();\n  delete m->top;\n  delete m;\n}}\n\
         NTX_EXPORT void ntx_eval(void* p) {{ static_cast<Model*>(p)->top->eval(); }}\n\
         NTX_EXPORT int ntx_trace_open(void* p, const char* path) {{\n\
         #if VM_TRACE\n  Model* m = static_cast<Model*>(p);\n  if (m->tfp) return -2;\n\
         \x20 m->tfp = new VerilatedVcdC;\n  m->top->trace(m->tfp, 99);\n  m->tfp->open(path);\n  return 0;\n\
         #else\n  (void)p; (void)path;\n  return -1;\n#endif\n}}\n\
         NTX_EXPORT void ntx_trace_dump(void* p, uint64_t t) {{\n\
         #if VM_TRACE\n  Model* m = static_cast<Model*>(p);\n  if (m->tfp) m->tfp->dump(t);\n\
         #else\n  (void)p; (void)t;\n#endif\n}}\n\
         NTX_EXPORT void ntx_trace_close(void* p) {{\n\
         #if VM_TRACE\n  Model* m = static_cast<Model*>(p);\n\
         \x20 if (m->tfp) {{ m->tfp->close(); delete m->tfp; m->tfp = nullptr; }}\n\
         #else\n  (void)p;\n#endif\n}}"
    );

    // set (words)
    s.push_str("NTX_EXPORT void ntx_set(void* p, int i, const uint32_t* w) {\n  auto* t = static_cast<Model*>(p)->top;\n  switch (i) {\n");
    for (i, p) in ports.iter().enumerate() {
        if p.dir == Dir::Output {
            continue;
        }
        let c = &p.cname;
        if p.width <= 32 {
            let _ = writeln!(
                s,
                "  case {i}: t->{c} = ({})(w[0] & {}); break;",
                ctype(p.width),
                mask64(p.width)
            );
        } else if p.width <= 64 {
            let _ = writeln!(
                s,
                "  case {i}: t->{c} = (((uint64_t)w[1] << 32) | w[0]) & {}; break;",
                mask64(p.width)
            );
        } else {
            let nw = p.words();
            let top_bits = p.width - 32 * (nw - 1);
            let _ = writeln!(
                s,
                "  case {i}: for (int k = 0; k < {nw}; ++k) t->{c}[k] = w[k]; t->{c}[{}] &= (uint32_t){}; break;",
                nw - 1,
                mask64(top_bits)
            );
        }
    }
    s.push_str("  default: break;\n  }\n}\n");

    // set64
    s.push_str("NTX_EXPORT void ntx_set64(void* p, int i, uint64_t v) {\n  auto* t = static_cast<Model*>(p)->top;\n  switch (i) {\n");
    for (i, p) in ports.iter().enumerate() {
        if p.dir == Dir::Output {
            continue;
        }
        let c = &p.cname;
        if p.width <= 64 {
            let _ = writeln!(
                s,
                "  case {i}: t->{c} = ({})(v & {}); break;",
                ctype(p.width),
                mask64(p.width)
            );
        } else {
            let nw = p.words();
            let _ = writeln!(
                s,
                "  case {i}: t->{c}[0] = (uint32_t)v; t->{c}[1] = (uint32_t)(v >> 32); for (int k = 2; k < {nw}; ++k) t->{c}[k] = 0; break;"
            );
        }
    }
    s.push_str("  default: break;\n  }\n}\n");

    // get (words)
    s.push_str("NTX_EXPORT void ntx_get(void* p, int i, uint32_t* w) {\n  auto* t = static_cast<Model*>(p)->top;\n  switch (i) {\n");
    for (i, p) in ports.iter().enumerate() {
        let c = &p.cname;
        if p.width <= 32 {
            let _ = writeln!(s, "  case {i}: w[0] = t->{c}; break;");
        } else if p.width <= 64 {
            let _ = writeln!(
                s,
                "  case {i}: w[0] = (uint32_t)t->{c}; w[1] = (uint32_t)(t->{c} >> 32); break;"
            );
        } else {
            let _ = writeln!(
                s,
                "  case {i}: for (int k = 0; k < {}; ++k) w[k] = t->{c}[k]; break;",
                p.words()
            );
        }
    }
    s.push_str("  default: break;\n  }\n}\n");

    // get64
    s.push_str("NTX_EXPORT uint64_t ntx_get64(void* p, int i) {\n  auto* t = static_cast<Model*>(p)->top;\n  switch (i) {\n");
    for (i, p) in ports.iter().enumerate() {
        let c = &p.cname;
        if p.width <= 64 {
            let _ = writeln!(s, "  case {i}: return t->{c};");
        } else {
            let _ = writeln!(
                s,
                "  case {i}: return ((uint64_t)t->{c}[1] << 32) | t->{c}[0];"
            );
        }
    }
    s.push_str("  default: return 0;\n  }\n}\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demangles_verilator_names() {
        assert_eq!(demangle("tcdm__024req"), "tcdm$req");
        assert_eq!(demangle("a___05Fb"), "a__b");
        assert_eq!(demangle("plain_name"), "plain_name");
    }

    #[test]
    fn parses_a_verilated_header() {
        let h = "  VL_IN8(&clock,0,0);\n    VL_INW(&w,99,0,4);\n    VL_OUT64(&p__024q,47,0);\n  VL_OUT(&c,31,0);\n";
        let p = parse_verilated_header(h).unwrap();
        assert_eq!(p.len(), 4);
        assert_eq!(
            (p[1].name.as_str(), p[1].width, p[1].dir, p[1].words()),
            ("w", 100, Dir::Input, 4)
        );
        assert_eq!(
            (p[2].name.as_str(), p[2].cname.as_str(), p[2].dir),
            ("p$q", "p__024q", Dir::Output)
        );
    }

    #[test]
    fn parses_a_rust_hdl_module_header() {
        let v = "module top(clock,a,y);\n\n// Module arguments\ninput wire  clock;\ninput wire  [15:0] a;\n\
                 output reg  [99:0] y;\nreg [3:0] x;\nendmodule // top\nmodule top$sub(q);\noutput reg q;\nendmodule\n";
        let p = parse_verilog_ports(v, "top").unwrap();
        let t: Vec<_> = p
            .iter()
            .map(|p| (p.name.as_str(), p.width, p.dir))
            .collect();
        assert_eq!(
            t,
            vec![
                ("clock", 1, Dir::Input),
                ("a", 16, Dir::Input),
                ("y", 100, Dir::Output)
            ]
        );
    }
}
