# Shared by scripts/synth and scripts/lint (sourced, not run).
# Tools are never optional: a missing one is a loud failure with the install
# hint, never a skip.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

need_tools() {
    local missing=()
    for t in "$@"; do
        command -v "$t" >/dev/null 2>&1 || missing+=("$t")
    done
    if ((${#missing[@]})); then
        echo "error: missing tool(s): ${missing[*]}" >&2
        echo "install them with: apt-get update && apt-get install -y yosys verilator iverilog" >&2
        exit 2
    fi
}

# gen_verilog DIR: write DIR/<block>.v for every block (ntx verilog --out DIR).
# Uses $NTX_BIN when set (an already built `ntx`), otherwise cargo.
gen_verilog() {
    local dir="$1"
    rm -rf "$dir"
    mkdir -p "$dir"
    if [[ -n "${NTX_BIN:-}" ]]; then
        "$NTX_BIN" verilog --out "$dir" >"$dir/blocks.txt"
    else
        need_tools cargo
        (cd "$ROOT" && cargo run --release -q -p ntx-verif --bin ntx -- verilog --out "$dir") \
            >"$dir/blocks.txt"
    fi
    local n
    n=$(find "$dir" -name '*.v' | wc -l)
    if ((n == 0)); then
        echo "error: no Verilog generated in $dir" >&2
        exit 1
    fi
}

# Blocks to process: the arguments, or every generated file.
block_list() {
    local dir="$1"
    shift
    if (($#)); then
        for b in "$@"; do
            [[ -f "$dir/$b.v" ]] || { echo "error: no block named $b (see $dir)" >&2; exit 1; }
            echo "$b"
        done
    else
        # the order `ntx verilog` printed (top-level blocks first)
        xargs -n1 basename <"$dir/blocks.txt" | sed 's/\.v$//'
    fi
}
