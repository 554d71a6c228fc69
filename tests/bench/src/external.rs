//! The clients that run as programs of their own: libclerk from C, and Clerk's Node SDK.
//!
//! Each prints one line per repetition, `rep calls=N elapsed_ns=N p50_ns=N p99_ns=N`,
//! which is read back here; the C program's memory run prints one `memory ...` line. Every
//! program is given a time limit and killed (by its own handle) if it overruns it.

use std::collections::HashMap;
use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::fixtures::{Variant, PARAMS_JSON, SECRET_KEY};
use crate::stats::RepStats;
use crate::timing::Bounds;

/// The C benchmark program (`tests/bench/c/update_bench.c`), built against libclerk.so.
#[derive(Debug, Clone)]
pub struct CProgram {
    /// Its path.
    pub path: PathBuf,
}

/// What the C program's memory run read from `/proc/self/status` and `getrusage`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryRun {
    /// Updates made.
    pub calls: u64,
    /// Updates made when `rss_checkpoint_kib` was read.
    pub checkpoint: u64,
    /// VmRSS after `checkpoint` updates, KiB.
    pub rss_checkpoint_kib: u64,
    /// VmRSS after all updates, KiB.
    pub rss_end_kib: u64,
    /// VmHWM (peak RSS) at the end, KiB.
    pub hwm_kib: u64,
    /// `ru_maxrss` at the end, KiB.
    pub maxrss_kib: u64,
}

impl CProgram {
    /// One timed repetition: `warmup` untimed updates, then up to `bounds.calls`.
    pub fn time_rep(
        &self,
        port: u16,
        variant: Variant,
        warmup: usize,
        bounds: Bounds,
    ) -> Result<RepStats, String> {
        let mut command = self.command(port, variant, "time");
        command.args([
            warmup.to_string(),
            bounds.calls.to_string(),
            bounds.max_time.as_millis().to_string(),
        ]);
        let out = run_bounded(command, bounds.max_time * 2 + Duration::from_secs(30))?;
        let mut reps = parse_reps(&out)?;
        match (reps.pop(), reps.is_empty()) {
            (Some(rep), true) => Ok(rep),
            _ => Err(format!("the C program printed other than one rep: {out}")),
        }
    }

    /// `calls` updates in a row, memory read after `checkpoint` of them and at the end.
    pub fn memory(&self, port: u16, calls: u64, checkpoint: u64) -> Result<MemoryRun, String> {
        let mut command = self.command(port, Variant::Small, "memory");
        command.args([calls.to_string(), checkpoint.to_string()]);
        let out = run_bounded(command, Duration::from_secs(120))?;
        let line = out
            .lines()
            .find(|l| l.starts_with("memory "))
            .ok_or_else(|| format!("no memory line from the C program: {out}"))?;
        let f = fields(line);
        Ok(MemoryRun {
            calls: number(&f, "calls")?,
            checkpoint: number(&f, "checkpoint")?,
            rss_checkpoint_kib: number(&f, "rss_checkpoint_kib")?,
            rss_end_kib: number(&f, "rss_end_kib")?,
            hwm_kib: number(&f, "hwm_kib")?,
            maxrss_kib: number(&f, "maxrss_kib")?,
        })
    }

    fn command(&self, port: u16, variant: Variant, mode: &str) -> Command {
        let mut command = Command::new(&self.path);
        command
            .env("CLERK_SECRET_KEY", SECRET_KEY)
            .arg(mode)
            .arg(format!("http://127.0.0.1:{port}"))
            .arg(variant.user_id())
            .arg(PARAMS_JSON);
        command
    }
}

/// Clerk's Node SDK, driven by `tests/bench/node/bench.mjs` (copied beside its
/// `node_modules` under target/bench/node by run.sh).
#[derive(Debug, Clone)]
pub struct NodeSdk {
    /// The script's path.
    pub script: PathBuf,
}

/// The params the Node script passes to `users.updateUser`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeParams {
    /// The same four fields as every other client.
    Plain,
    /// The same plus `publicMetadata`, which SDK 3.x sends as a second request.
    WithMetadata,
}

impl NodeSdk {
    /// `reps` timed repetitions in one Node process, after `warmup` untimed updates.
    pub fn reps(
        &self,
        port: u16,
        variant: Variant,
        params: NodeParams,
        warmup: usize,
        bounds: Bounds,
        reps: usize,
    ) -> Result<Vec<RepStats>, String> {
        let mode = match params {
            NodeParams::Plain => "plain",
            NodeParams::WithMetadata => "metadata",
        };
        let mut command = Command::new("node");
        command
            .env("CLERK_SECRET_KEY", SECRET_KEY)
            .arg(&self.script)
            .arg(format!("http://127.0.0.1:{port}"))
            .arg(variant.user_id())
            .arg(mode)
            .args([warmup, bounds.calls, reps].map(|n| n.to_string()))
            .arg(bounds.max_time.as_millis().to_string());
        let limit = bounds.max_time * (reps as u32 + 1) + Duration::from_secs(60);
        let out = run_bounded(command, limit)?;
        let parsed = parse_reps(&out)?;
        if parsed.len() != reps {
            return Err(format!(
                "the Node script printed {} reps: {out}",
                parsed.len()
            ));
        }
        Ok(parsed)
    }

    /// The installed SDK's version, from its package.json.
    pub fn sdk_version(&self) -> Option<String> {
        let package = self
            .script
            .parent()?
            .join("node_modules/@clerk/backend/package.json");
        let text = std::fs::read_to_string(package).ok()?;
        let json: serde_json::Value = serde_json::from_str(&text).ok()?;
        json["version"].as_str().map(str::to_owned)
    }
}

/// Runs a program to completion, or kills it after `limit`; returns its standard output.
pub fn run_bounded(mut command: Command, limit: Duration) -> Result<String, String> {
    let shown = format!("{command:?}");
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("could not start {shown}: {e}"))?;
    let mut stdout = child.stdout.take().ok_or("no stdout pipe")?;
    let reader = thread::spawn(move || {
        let mut text = String::new();
        stdout.read_to_string(&mut text).map(|_| text)
    });

    let deadline = Instant::now() + limit;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(20)),
            Ok(None) => {
                // Our own child, ended by its handle.
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("{shown} ran over {limit:?} and was stopped"));
            }
            Err(e) => return Err(format!("waiting for {shown}: {e}")),
        }
    };
    let text = reader
        .join()
        .map_err(|_| "the output reader panicked".to_owned())?
        .map_err(|e| format!("reading the output of {shown}: {e}"))?;
    if !status.success() {
        return Err(format!("{shown} failed ({status}): {text}"));
    }
    Ok(text)
}

/// The `rep ...` lines of a program's output.
pub fn parse_reps(out: &str) -> Result<Vec<RepStats>, String> {
    out.lines()
        .filter(|l| l.starts_with("rep "))
        .map(|line| {
            let f = fields(line);
            let calls = number(&f, "calls")?;
            Ok(RepStats {
                calls: usize::try_from(calls).map_err(|e| e.to_string())?,
                elapsed_ns: number(&f, "elapsed_ns")? as f64,
                p50_ns: number(&f, "p50_ns")? as f64,
                p99_ns: number(&f, "p99_ns")? as f64,
            })
        })
        .collect()
}

fn fields(line: &str) -> HashMap<&str, &str> {
    line.split_whitespace()
        .filter_map(|word| word.split_once('='))
        .collect()
}

fn number(fields: &HashMap<&str, &str>, key: &str) -> Result<u64, String> {
    fields
        .get(key)
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| format!("missing or bad `{key}` in a benchmark program's output"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rep_lines_are_read_and_other_lines_ignored() {
        let out = "warming up\nrep calls=10 elapsed_ns=2000 p50_ns=150 p99_ns=900\n";
        let reps = parse_reps(out).expect("parses");
        assert_eq!(reps.len(), 1);
        assert_eq!(reps[0].calls, 10);
        assert_eq!(reps[0].p99_ns, 900.0);
        assert!(parse_reps("rep calls=x").is_err());
    }
}
