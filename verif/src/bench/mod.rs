//! Benchmarks that print figures (`ntx bench <what>`).

pub mod cluster;
pub mod dag;
pub mod fmac;
pub mod ieee;
pub mod model;
pub mod ntx;
pub mod verilator;

/// The benchmarks' one row printer: a Markdown table (header row,
/// separator, one row per [`Table::row`]), as the README quotes them.
#[derive(Clone, Debug, Default)]
pub struct Table {
    text: String,
}

impl Table {
    /// A table with these column headers.
    pub fn new(header: &[&str]) -> Self {
        let mut t = Table::default();
        t.row(header);
        t.text += &format!("|{}\n", "---|".repeat(header.len()));
        t
    }

    /// Append one row.
    pub fn row<S: AsRef<str>>(&mut self, cells: &[S]) -> &mut Self {
        for c in cells {
            self.text += "| ";
            self.text += c.as_ref();
            self.text += " ";
        }
        self.text += "|\n";
        self
    }

    /// The table so far (newline-terminated lines).
    pub fn render(&self) -> &str {
        &self.text
    }

    /// Print it to stdout.
    pub fn print(&self) {
        print!("{}", self.text);
    }
}

/// Print `figures` as `<bench> <name>: <value>` lines.
pub fn print_figures(bench: &str, figures: &[(String, String)]) {
    for (k, v) in figures {
        println!("{bench} {k}: {v}");
    }
}

/// Names accepted by [`run`].
pub const BENCHES: &[&str] = &[
    "model",
    "dag",
    "fmac",
    "ntx",
    "verilator",
    "cluster",
    "cluster-model",
    "cluster-ntx",
    "cluster-conv",
    "ieee",
    "dnn",
];

/// Run benchmark `what` and print its figures (`banks`: for `cluster-conv`;
/// `backend`: simulator of `cluster-conv` and `cluster-ntx`, `verilator` or
/// `rust-hdl`).
pub fn run(what: &str, banks: Option<usize>, backend: &str) -> Result<(), String> {
    match what {
        "cluster-conv" => cluster::run_conv(
            banks.ok_or("cluster-conv needs --banks B (8, 16, 32 or 64)")?,
            backend.parse()?,
        ),
        "model" => model::run(),
        "dnn" => crate::dnn::bench::run(backend),
        "dag" => dag::run(),
        "fmac" => fmac::run(),
        "cluster" => cluster::run(),
        "cluster-model" => cluster::run_model_only(),
        "cluster-ntx" => cluster::run_ntx(backend.parse()?),
        "ntx" => ntx::run(),
        "ieee" => ieee::run(),
        "verilator" => verilator::run(),
        other => Err(format!(
            "unknown benchmark {other:?}; available: {}",
            BENCHES.join(", ")
        )),
    }
}
