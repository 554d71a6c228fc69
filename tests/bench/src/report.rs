//! The results of a run, the targets they are held to, and the Markdown table of both.

use std::fmt::Write as _;
use std::time::Duration;

use crate::external::MemoryRun;
use crate::fixtures::Variant;
use crate::machine::Machine;
use crate::micro::MicroResult;
use crate::server::Counts;
use crate::size::LibrarySize;
use crate::stats::Summary;

/// The most connections 10,000 sequential updates may open: "a handful".
pub const MAX_CONNECTIONS: u64 = 5;
/// The most the C program's peak RSS may be, in KiB (10 MiB).
pub const MAX_PEAK_RSS_KIB: u64 = 10 * 1024;
/// RSS growth between the checkpoint and the end still counted as none, in KiB: page
/// rounding and the allocator's caches move RSS a little, while a leak of 15 bytes per
/// call over 9,000 calls would already pass it.
pub const RSS_GROWTH_SLACK_KIB: u64 = 128;
/// How much slower than the baseline libclerk from C may be, sequential, 3 KB user.
pub const MAX_C_RATIO: f64 = 1.3;

/// Where the client and the server ran (see [`crate::affinity`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Client and server pinned to the same core.
    OneCore,
    /// Server pinned to one core, client to another.
    TwoCores,
    /// Wherever the scheduler put them.
    Free,
}

impl Placement {
    /// How tables name it.
    pub fn label(self) -> &'static str {
        match self {
            Placement::OneCore => "same core",
            Placement::TwoCores => "two cores",
            Placement::Free => "free",
        }
    }
}

/// One measured row of the main table.
#[derive(Debug, Clone)]
pub struct Row {
    /// Which client, as the table names it.
    pub name: String,
    /// Which answer it was measured against.
    pub variant: Variant,
    /// Threads making calls at once.
    pub threads: usize,
    /// Where client and server ran.
    pub placement: Placement,
    /// What it measured, or why it was not measured.
    pub result: Result<Summary, String>,
    /// Whether this row is the baseline that rows of the same user and threads compare to.
    pub is_baseline: bool,
}

/// Connections and requests the server saw for a run of sequential updates.
#[derive(Debug, Clone)]
pub struct ConnectionRow {
    /// Which client.
    pub name: String,
    /// Updates made.
    pub calls: u64,
    /// What the server counted, or why it could not.
    pub counts: Result<Counts, String>,
}

/// Everything one run measured.
#[derive(Debug, Clone)]
pub struct Results {
    /// The machine.
    pub machine: Machine,
    /// Calls over loopback, sequential and threaded.
    pub rows: Vec<Row>,
    /// Micro-benchmarks.
    pub micro: Vec<MicroResult>,
    /// Connections for long sequential runs.
    pub connections: Vec<ConnectionRow>,
    /// The C program's memory run.
    pub memory: Result<MemoryRun, String>,
    /// The shared library's size.
    pub size: Result<LibrarySize, String>,
    /// Notes to print under the tables (what was skipped and why, etc.).
    pub notes: Vec<String>,
    /// How long the whole run took.
    pub took: Duration,
}

/// Whether one target is met.
#[derive(Debug, Clone)]
pub struct Verdict {
    /// The target, in words.
    pub target: String,
    /// The measured value, in words.
    pub measured: String,
    /// Met, not met, or not measured (`None`).
    pub met: Option<bool>,
}

impl Results {
    /// The row called `name` for `variant`, `threads` and `placement`, if it was measured.
    pub fn summary(
        &self,
        name: &str,
        variant: Variant,
        threads: usize,
        placement: Placement,
    ) -> Option<Summary> {
        self.rows
            .iter()
            .find(|r| {
                r.name == name
                    && r.variant == variant
                    && r.threads == threads
                    && r.placement == placement
            })
            .and_then(|r| r.result.as_ref().ok().copied())
    }

    /// The baseline a row is compared with. Rows placed by the scheduler have none: one
    /// round trip costs 6 or 70 µs depending on where the two threads land, so a ratio
    /// between two such rows says more about placement than about the clients.
    fn baseline_for(&self, row: &Row) -> Option<Summary> {
        if row.placement == Placement::Free {
            return None;
        }
        self.rows
            .iter()
            .find(|b| {
                b.is_baseline
                    && b.variant == row.variant
                    && b.threads == row.threads
                    && b.placement == row.placement
            })
            .and_then(|b| b.result.as_ref().ok().copied())
    }

    /// The targets of the issue, each against this run.
    pub fn verdicts(&self, names: &Names) -> Vec<Verdict> {
        let mut verdicts = Vec::new();

        for placement in [Placement::OneCore, Placement::TwoCores] {
            let c = self.summary(names.c, Variant::Small, 1, placement);
            let base = self.summary(names.baseline, Variant::Small, 1, placement);
            let target = format!(
                "libclerk from C within {MAX_C_RATIO}x of the baseline, sequential, 3 KB \
                 user, {}",
                placement.label()
            );
            verdicts.push(match (c, base) {
                (Some(c), Some(base)) => {
                    let ratio = c.us_per_call / base.us_per_call;
                    Verdict {
                        target,
                        measured: format!(
                            "{ratio:.2}x ({:.1} µs vs {:.1} µs per call)",
                            c.us_per_call, base.us_per_call
                        ),
                        met: Some(ratio <= MAX_C_RATIO),
                    }
                }
                _ => not_measured(&target),
            });
        }

        let one = self.summary(names.threads, Variant::Small, 1, Placement::Free);
        let eight = self.summary(names.threads, Variant::Small, 8, Placement::Free);
        verdicts.push(match (one, eight) {
            (Some(one), Some(eight)) => Verdict {
                target: "8 threads on one client at least as fast as 1 thread".into(),
                measured: format!(
                    "{:.0} vs {:.0} calls/s ({:.2}x)",
                    eight.calls_per_sec,
                    one.calls_per_sec,
                    eight.calls_per_sec / one.calls_per_sec
                ),
                met: Some(eight.calls_per_sec >= one.calls_per_sec),
            },
            _ => not_measured("8 threads at least as fast as 1 thread"),
        });

        for row in &self.connections {
            let target = format!(
                "{}: {} sequential updates open at most {MAX_CONNECTIONS} connections",
                row.name, row.calls
            );
            verdicts.push(match &row.counts {
                Ok(counts) => Verdict {
                    target,
                    measured: format!("{} connection(s)", counts.connections),
                    met: Some(counts.connections <= MAX_CONNECTIONS),
                },
                Err(_) => not_measured(&target),
            });
        }

        match &self.memory {
            Ok(m) => {
                verdicts.push(Verdict {
                    target: format!(
                        "peak RSS of the C program over {} updates under 10 MiB",
                        m.calls
                    ),
                    measured: format!("{} KiB (VmHWM)", m.hwm_kib),
                    met: Some(m.hwm_kib < MAX_PEAK_RSS_KIB),
                });
                let growth = m.rss_end_kib.saturating_sub(m.rss_checkpoint_kib);
                verdicts.push(Verdict {
                    target: format!(
                        "no RSS growth between {} and {} updates (under {RSS_GROWTH_SLACK_KIB} \
                         KiB)",
                        m.checkpoint, m.calls
                    ),
                    measured: format!(
                        "{} KiB -> {} KiB ({:+} KiB)",
                        m.rss_checkpoint_kib,
                        m.rss_end_kib,
                        m.rss_end_kib as i64 - m.rss_checkpoint_kib as i64
                    ),
                    met: Some(growth < RSS_GROWTH_SLACK_KIB),
                });
            }
            Err(_) => verdicts.push(not_measured("peak RSS and RSS growth of the C program")),
        }
        verdicts
    }

    /// The whole report, as Markdown.
    pub fn to_markdown(&self, names: &Names) -> String {
        let mut out = String::new();
        let m = &self.machine;
        let _ = writeln!(out, "# libclerk benchmark results\n");
        let _ =
            writeln!(
            out,
            "Machine: {} cores (nproc), {}, Linux {}, {}, {}{}. Load average at the start: {}. \
             The whole run took {:.0} s.\n",
            m.cores,
            m.model,
            m.kernel,
            m.rustc,
            m.cc,
            m.node.as_deref().map(|v| format!(", node {v}")).unwrap_or_default(),
            m.load,
            self.took.as_secs_f64(),
        );

        self.write_calls(&mut out);
        self.write_micro(&mut out);
        self.write_connections(&mut out);
        self.write_memory(&mut out);
        self.write_size(&mut out);

        let _ = writeln!(out, "## Targets\n");
        let _ = writeln!(out, "| target | measured | met |\n| --- | --- | --- |");
        for v in self.verdicts(names) {
            let met = match v.met {
                Some(true) => "yes",
                Some(false) => "**no**",
                None => "not measured",
            };
            let _ = writeln!(out, "| {} | {} | {met} |", v.target, v.measured);
        }
        if !self.notes.is_empty() {
            let _ = writeln!(out, "\n## Notes\n");
            for note in &self.notes {
                let _ = writeln!(out, "- {note}");
            }
        }
        out
    }

    fn write_calls(&self, out: &mut String) {
        let _ = writeln!(out, "## Calls over loopback\n");
        let _ = writeln!(
            out,
            "Each number is the median over the repetitions. \"µs per call\" is wall time \
             divided by calls (all threads together); p50 and p99 are the latency of one \
             call. The last two columns compare \"µs per call\" with the baseline row of the \
             same user, threads and cores (none for free placement, where it would measure \
             placement). Cores: \"same core\" pins the client and the \
             server to one core, \"two cores\" pins them to two different ones, \"free\" \
             leaves them to the scheduler.\n"
        );
        let _ = writeln!(
            out,
            "| benchmark | user | threads | cores | reps × calls | calls/s | µs per call | \
             p50 µs | p99 µs | over baseline µs | × baseline |\n\
             | --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
        );
        for row in &self.rows {
            let lead = format!(
                "| {} | {} | {} | {} ",
                row.name,
                row.variant.label(),
                row.threads,
                row.placement.label()
            );
            match &row.result {
                Ok(s) => {
                    let (over, ratio) = match self.baseline_for(row) {
                        Some(b) if !row.is_baseline => (
                            format!("{:+.1}", s.us_per_call - b.us_per_call),
                            format!("{:.2}", s.us_per_call / b.us_per_call),
                        ),
                        _ => ("".into(), "".into()),
                    };
                    let _ = writeln!(
                        out,
                        "{lead}| {} × {} | {:.0} | {:.1} | {:.1} | {:.1} | {over} | {ratio} |",
                        s.reps, s.calls, s.calls_per_sec, s.us_per_call, s.p50_us, s.p99_us
                    );
                }
                Err(why) => {
                    let _ = writeln!(out, "{lead}| skipped: {} | | | | | | |", one_line(why));
                }
            }
        }
        out.push('\n');
    }

    fn write_micro(&self, out: &mut String) {
        let _ = writeln!(out, "## Micro-benchmarks\n");
        let _ = writeln!(
            out,
            "| operation | JSON bytes | ops per batch | µs per op | MB/s |\n\
             | --- | ---: | ---: | ---: | ---: |"
        );
        for r in &self.micro {
            let mb_per_s = r.bytes as f64 / r.ns_per_op * 1e3;
            let _ = writeln!(
                out,
                "| {} | {} | {} | {:.2} | {:.0} |",
                r.name,
                r.bytes,
                r.ops_per_rep,
                r.ns_per_op / 1e3,
                mb_per_s
            );
        }
        out.push('\n');
    }

    fn write_connections(&self, out: &mut String) {
        let _ = writeln!(out, "## Connections the server saw\n");
        let _ = writeln!(
            out,
            "| client | sequential updates | connections | update requests | metadata \
             requests |\n| --- | ---: | ---: | ---: | ---: |"
        );
        for row in &self.connections {
            match &row.counts {
                Ok(c) => {
                    let _ = writeln!(
                        out,
                        "| {} | {} | {} | {} | {} |",
                        row.name, row.calls, c.connections, c.updates, c.metadata
                    );
                }
                Err(why) => {
                    let _ = writeln!(
                        out,
                        "| {} | {} | skipped: {} | | |",
                        row.name,
                        row.calls,
                        one_line(why)
                    );
                }
            }
        }
        out.push('\n');
    }

    fn write_memory(&self, out: &mut String) {
        let _ = writeln!(out, "## Memory of the C program\n");
        match &self.memory {
            Ok(m) => {
                let _ = writeln!(
                    out,
                    "| updates | VmRSS after {} | VmRSS after {} | peak (VmHWM) | ru_maxrss |\n\
                     | ---: | ---: | ---: | ---: | ---: |\n\
                     | {} | {} KiB | {} KiB | {} KiB | {} KiB |\n\n\
                     VmHWM is the program's own peak. ru_maxrss is shown as read but is not \
                     the program's: Linux carries a process's maximum RSS across exec, so it \
                     includes the runner that started the program.\n",
                    m.checkpoint,
                    m.calls,
                    m.calls,
                    m.rss_checkpoint_kib,
                    m.rss_end_kib,
                    m.hwm_kib,
                    m.maxrss_kib
                );
            }
            Err(why) => {
                let _ = writeln!(out, "Skipped: {}\n", one_line(why));
            }
        }
    }

    fn write_size(&self, out: &mut String) {
        let _ = writeln!(out, "## Size of target/release/libclerk.so\n");
        match &self.size {
            Ok(s) => {
                let _ = writeln!(
                    out,
                    "| as built | stripped |\n| ---: | ---: |\n| {} bytes ({:.2} MiB) | {} \
                     bytes ({:.2} MiB) |\n",
                    s.built,
                    s.built as f64 / 1_048_576.0,
                    s.stripped,
                    s.stripped as f64 / 1_048_576.0
                );
            }
            Err(why) => {
                let _ = writeln!(out, "Not measured: {}\n", one_line(why));
            }
        }
    }
}

/// The row names the targets refer to.
#[derive(Debug, Clone, Copy)]
pub struct Names {
    /// The raw-socket baseline.
    pub baseline: &'static str,
    /// libclerk from C.
    pub c: &'static str,
    /// libclerk from Rust, threads sharing one client.
    pub threads: &'static str,
}

fn not_measured(target: &str) -> Verdict {
    Verdict {
        target: target.to_owned(),
        measured: "not measured (see the tables)".into(),
        met: None,
    }
}

/// Text made safe for one table cell.
fn one_line(text: &str) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() || c == '|' { ' ' } else { c })
        .collect();
    let mut short: String = flat.chars().take(300).collect();
    if short.len() < flat.len() {
        short.push_str("...");
    }
    short
}
