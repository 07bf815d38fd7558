//! Share identical modules of rust-hdl's Verilog before Verilator sees it.
//!
//! rust-hdl writes one module per *instance* (`cluster$ntx$3$fmac`), so the
//! eight NTX of a cluster arrive as eight copies of the same 471-module
//! hierarchy. Verilator flattens them into one root class and g++ compiles
//! the NTX eight times. [`share_identical_modules`] hash-conses the module
//! hierarchy bottom-up: two modules are the same when their texts agree
//! after their own name and the names of the modules they instantiate are
//! replaced by canonical ids. Every instance then names the first module
//! of its class, and the copies are dropped. The design is unchanged (the
//! modules merged are equal to the letter); instance paths, and so VCD
//! scopes and the top's ports, stay as they were. Verilator 5.006 still
//! inlines a shared module into its parents, so a large one used more
//! than once ([`NO_INLINE_LINES`]) is marked `no_inline_module`: it
//! becomes one C++ class with one object per instance, and g++ compiles
//! the NTX once instead of eight times.

use std::collections::HashMap;

/// A module whose whole subtree has at least this many lines of Verilog and
/// that is instantiated more than once is kept out of line by Verilator
/// (`/*verilator no_inline_module*/`): one NTX is about 22,000 lines.
pub const NO_INLINE_LINES: usize = 10_000;

/// One `module ... endmodule` block of the input, as line ranges.
struct Module<'a> {
    name: &'a str,
    lines: Vec<&'a str>,
}

/// Name of the module declared by a `module NAME(...);` line.
fn declared_name(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("module ")?;
    let end = rest
        .find(|c: char| c == '(' || c == ';' || c.is_whitespace())
        .unwrap_or(rest.len());
    Some(&rest[..end]).filter(|n| !n.is_empty())
}

/// `(module, instance)` of an instantiation line `    MODULE INST(` whose
/// first word is a module of this file.
fn instance<'a>(line: &'a str, known: &HashMap<&str, usize>) -> Option<(&'a str, &'a str)> {
    let line = line.trim_end_matches(['\n', '\r']);
    let t = line.trim_start();
    if t.len() == line.len() || !t.ends_with('(') {
        return None;
    }
    let mut w = t[..t.len() - 1].split(' ');
    let (m, i) = (w.next()?, w.next()?);
    (w.next().is_none() && known.contains_key(m)).then_some((m, i))
}

/// `verilog` with every module that equals an earlier one (up to names, as
/// described in the module doc) removed and its instances renamed to that
/// earlier module. Text outside modules is kept; the result is the input
/// when nothing repeats or the text is not in rust-hdl's layout.
pub fn share_identical_modules(verilog: &str) -> String {
    // Split into modules and the text between them.
    let mut pieces: Vec<Result<Module, &str>> = Vec::new();
    let mut cur: Option<Module> = None;
    for line in verilog.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        match cur.as_mut() {
            None => match declared_name(bare) {
                Some(name) => {
                    cur = Some(Module {
                        name,
                        lines: vec![line],
                    })
                }
                None => pieces.push(Err(line)),
            },
            Some(m) => {
                m.lines.push(line);
                if bare.trim_start().starts_with("endmodule") {
                    pieces.push(Ok(cur.take().unwrap()));
                }
            }
        }
    }
    if cur.is_some() {
        return verilog.to_string(); // unterminated module: not ours to touch
    }
    let mods: Vec<&Module> = pieces.iter().filter_map(|p| p.as_ref().ok()).collect();
    let index: HashMap<&str, usize> = mods.iter().enumerate().map(|(i, m)| (m.name, i)).collect();
    if index.len() != mods.len() {
        return verilog.to_string(); // a name declared twice
    }
    // Modules each module instantiates (in order), found once.
    let kids: Vec<Vec<usize>> = mods
        .iter()
        .map(|m| {
            m.lines
                .iter()
                .filter_map(|l| instance(l, &index).map(|(c, _)| index[c]))
                .collect()
        })
        .collect();
    // Canonical class of every module, children before parents.
    let mut class: Vec<Option<usize>> = vec![None; mods.len()];
    let mut classes: HashMap<String, usize> = HashMap::new();
    // representative (module index) of each class
    let mut rep: Vec<usize> = Vec::new();
    for root in 0..mods.len() {
        // iterative post-order walk (the hierarchy can be deep)
        let mut stack = vec![(root, false)];
        while let Some((i, expanded)) = stack.pop() {
            if class[i].is_some() {
                continue;
            }
            if !expanded {
                stack.push((i, true));
                for &c in &kids[i] {
                    if class[c].is_none() {
                        if c == i || stack.iter().any(|&(s, e)| s == c && e) {
                            return verilog.to_string(); // recursive: not Verilog
                        }
                        stack.push((c, false));
                    }
                }
                continue;
            }
            let mut key = String::new();
            for l in &mods[i].lines {
                if declared_name(l).is_some() || l.trim_start().starts_with("endmodule") {
                    key.push_str(&l.replace(mods[i].name, "\u{0}self"));
                } else if let Some((m, inst)) = instance(l, &index) {
                    let c = class[index[m]].expect("child classified first");
                    key.push_str(&format!("\u{0}class{c} {inst}(\n"));
                } else {
                    key.push_str(l);
                }
            }
            let n = classes.len();
            let c = *classes.entry(key).or_insert(n);
            if c == rep.len() {
                rep.push(i);
            }
            // the earliest module of a class (in file order) represents it
            rep[c] = rep[c].min(i);
            class[i] = Some(c);
        }
    }
    if rep.len() == mods.len() {
        return verilog.to_string();
    }
    // Lines of each class's whole subtree, and instantiation sites of each
    // class in the kept modules: a large subtree used more than once stays
    // one C++ class (`no_inline_module`).
    let mut sites = vec![0usize; rep.len()];
    let mut children_of: Vec<Vec<usize>> = vec![Vec::new(); rep.len()];
    for (c, &r) in rep.iter().enumerate() {
        for &k in &kids[r] {
            let cc = class[k].unwrap();
            sites[cc] += 1;
            children_of[c].push(cc);
        }
    }
    let mut subtree: Vec<Option<usize>> = vec![None; rep.len()];
    fn size(
        c: usize,
        rep: &[usize],
        mods: &[&Module],
        children_of: &[Vec<usize>],
        subtree: &mut [Option<usize>],
    ) -> usize {
        if let Some(n) = subtree[c] {
            return n;
        }
        let n = mods[rep[c]].lines.len()
            + children_of[c]
                .iter()
                .map(|&k| size(k, rep, mods, children_of, subtree))
                .sum::<usize>();
        subtree[c] = Some(n);
        n
    }
    let keep_apart: Vec<bool> = (0..rep.len())
        .map(|c| {
            sites[c] >= 2 && size(c, &rep, &mods, &children_of, &mut subtree) >= NO_INLINE_LINES
        })
        .collect();
    let mut out = String::with_capacity(verilog.len());
    let mut k = 0;
    for p in &pieces {
        match p {
            Err(text) => out.push_str(text),
            Ok(m) => {
                let i = k;
                k += 1;
                let c = class[i].unwrap();
                if rep[c] != i {
                    continue;
                }
                for (n, l) in m.lines.iter().enumerate() {
                    if n == 1 && keep_apart[c] {
                        out.push_str("/*verilator no_inline_module*/\n");
                    }
                    match instance(l, &index) {
                        Some((child, inst)) => {
                            let indent = &l[..l.len() - l.trim_start().len()];
                            let r = mods[rep[class[index[child]].unwrap()]].name;
                            out.push_str(&format!("{indent}{r} {inst}(\n"));
                        }
                        None => out.push_str(l),
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::share_identical_modules;

    fn leaf(name: &str, op: &str) -> String {
        format!(
            "module {name}(a,y);\n    input wire a;\n    output reg y;\n    always @(*) y = {op}a;\nendmodule // {name}\n\n"
        )
    }

    fn pair(name: &str, l: &str, r: &str) -> String {
        format!(
            "module {name}(a,y);\n    input wire a;\n    output wire y;\n    wire m;\n    {l} u0(\n        .a(a),\n        .y(m)\n    );\n    {r} u1(\n        .a(m),\n        .y(y)\n    );\nendmodule // {name}\n\n"
        )
    }

    #[test]
    fn merges_equal_subtrees_and_keeps_different_ones() {
        let v = [
            "// header\n".to_string(),
            pair("top", "top$p$0", "top$p$1"),
            pair("top$p$0", "top$p$0$l", "top$p$0$r"),
            leaf("top$p$0$l", "~"),
            leaf("top$p$0$r", "~"),
            pair("top$p$1", "top$p$1$l", "top$p$1$r"),
            leaf("top$p$1$l", "~"),
            leaf("top$p$1$r", "!"),
        ]
        .concat();
        let s = share_identical_modules(&v);
        assert!(s.starts_with("// header\n"));
        let decl: Vec<&str> = s.lines().filter(|l| l.starts_with("module ")).collect();
        // p$0$r == p$0$l, p$1$l == p$0$l; p$1 differs (its r is `!`)
        assert_eq!(
            decl,
            [
                "module top(a,y);",
                "module top$p$0(a,y);",
                "module top$p$0$l(a,y);",
                "module top$p$1(a,y);",
                "module top$p$1$r(a,y);",
            ]
        );
        assert!(s.contains("    top$p$0$l u1(\n"));
        assert_eq!(s.matches("top$p$0$l u").count(), 3);
        // idempotent
        assert_eq!(share_identical_modules(&s), s);
    }

    #[test]
    fn whole_copies_collapse_to_one() {
        let v = [
            pair("top", "top$p$0", "top$p$1"),
            pair("top$p$0", "top$p$0$l", "top$p$0$r"),
            leaf("top$p$0$l", "~"),
            leaf("top$p$0$r", "!"),
            pair("top$p$1", "top$p$1$l", "top$p$1$r"),
            leaf("top$p$1$l", "~"),
            leaf("top$p$1$r", "!"),
        ]
        .concat();
        let s = share_identical_modules(&v);
        assert_eq!(s.matches("\nmodule ").count() + 1, 4);
        assert!(s.contains("    top$p$0 u1(\n"));
        assert!(!s.contains("top$p$1"));
    }

    #[test]
    fn large_shared_modules_stay_out_of_line() {
        let big: String = (0..super::NO_INLINE_LINES)
            .map(|i| format!("    wire w{i};\n"))
            .collect();
        let blk = |name: &str| format!("module {name}(a);\n{big}endmodule // {name}\n");
        let v = [
            pair("top", "top$b$0", "top$b$1"),
            blk("top$b$0"),
            blk("top$b$1"),
        ]
        .concat();
        let s = share_identical_modules(&v);
        assert_eq!(s.matches("no_inline_module").count(), 1);
        assert!(s.contains("module top$b$0(a);\n/*verilator no_inline_module*/\n"));
        // small shared modules are left to Verilator's inliner
        let v = [
            pair("top", "top$p$0", "top$p$1"),
            leaf("top$p$0", "~"),
            leaf("top$p$1", "~"),
        ]
        .concat();
        assert!(!share_identical_modules(&v).contains("no_inline"));
    }

    #[test]
    fn leaves_foreign_text_alone() {
        for v in ["module a(x);\n", "no modules here\n", ""] {
            assert_eq!(share_identical_modules(v), v);
        }
    }
}
