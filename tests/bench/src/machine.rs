//! What the numbers were measured on: cores, processor, kernel, compilers, load.

use std::process::Command;
use std::time::Duration;

use crate::external::run_bounded;

/// A description of this machine at the start of a run.
#[derive(Debug, Clone)]
pub struct Machine {
    /// Cores this process may use, as `nproc` counts them.
    pub cores: usize,
    /// The processor's model name, as `lscpu` shows it.
    pub model: String,
    /// The kernel release.
    pub kernel: String,
    /// `rustc --version`.
    pub rustc: String,
    /// `cc --version`, first line.
    pub cc: String,
    /// `node --version`, when Node is installed.
    pub node: Option<String>,
    /// The 1, 5 and 15 minute load averages when the run started: other work on the
    /// machine (a build) shows here and skews every number.
    pub load: String,
}

/// Describes this machine.
pub fn describe() -> Machine {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name")?.split_once(':'))
        .map_or("unknown".to_owned(), |(_, v)| v.trim().to_owned());
    let read = |path: &str| {
        std::fs::read_to_string(path).map_or("unknown".to_owned(), |s| s.trim().to_owned())
    };
    let load = read("/proc/loadavg")
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ");
    Machine {
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        model,
        kernel: read("/proc/sys/kernel/osrelease"),
        rustc: first_line_of("rustc", "--version").unwrap_or_else(|| "unknown".into()),
        cc: first_line_of("cc", "--version").unwrap_or_else(|| "unknown".into()),
        node: first_line_of("node", "--version"),
        load,
    }
}

/// The first line a tool prints for `arg`, if it runs.
fn first_line_of(tool: &str, arg: &str) -> Option<String> {
    let mut command = Command::new(tool);
    command.arg(arg);
    let out = run_bounded(command, Duration::from_secs(30)).ok()?;
    out.lines().next().map(|l| l.trim().to_owned())
}
