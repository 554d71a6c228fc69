//! Micro-benchmarks of the work libclerk does with JSON, in a hand-rolled timing loop.
//!
//! Each item runs in batches sized to about [`REP_TIME`]; the result is the median time
//! per operation over [`REPS`] batches. The items are the public API's own JSON steps
//! (typed params out, typed user in) plus a replica of the check libclerk makes on every
//! answer, so its share of a call can be told apart (see BENCHMARKS.md).

use std::hint::black_box;
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::json;

use crate::fixtures::Variant;
use crate::stats::median;

/// Batches per item.
pub const REPS: usize = 5;
/// The wall time one batch aims at.
pub const REP_TIME: Duration = Duration::from_millis(150);
/// No batch runs more operations than this, whatever the calibration says.
const MAX_BATCH: u64 = 5_000_000;

/// One micro-benchmark's result.
#[derive(Debug, Clone)]
pub struct MicroResult {
    /// What was measured.
    pub name: String,
    /// Operations in one batch.
    pub ops_per_rep: u64,
    /// Median nanoseconds per operation.
    pub ns_per_op: f64,
    /// Bytes of JSON one operation reads or writes, for a throughput figure.
    pub bytes: usize,
}

/// Runs every micro-benchmark.
pub fn run_all() -> Vec<MicroResult> {
    let small = Variant::Small.body();
    let large = Variant::Large.body();
    let params = clerk::UpdateUserParams::new()
        .first_name("John")
        .last_name("Wick")
        .clear_username()
        .public_metadata(json!({"plan": "pro", "roles": ["editor"], "seats": 5}));
    let params_len = serde_json::to_string(&params).map_or(0, |s| s.len());

    let mut results = vec![measure(
        "UpdateUserParams to JSON (serde_json::to_string)",
        params_len,
        || serde_json::to_string(black_box(&params)).map(|s| s.len()),
    )];
    for (label, body) in [("3 KB", &small), ("256 KB", &large)] {
        results.push(measure(
            &format!("decode the {label} user into clerk::User"),
            body.len(),
            || serde_json::from_str::<clerk::User>(black_box(body)).map(|u| u.id.len()),
        ));
    }
    for (label, body) in [("3 KB", &small), ("256 KB", &large)] {
        results.push(measure(
            &format!("libclerk's answer check on the {label} user (replica)"),
            body.len(),
            || answer_check(black_box(body.as_bytes())),
        ));
    }
    results
}

/// What `user_from` in src/client.rs does to every 2xx body before handing it out: a
/// UTF-8 check, then a full parse into a struct of `id` and `object` that skips every
/// other field (serde still reads and validates all of it).
fn answer_check(body: &[u8]) -> Result<usize, serde_json::Error> {
    #[derive(Deserialize)]
    struct Probe {
        id: String,
        #[serde(default)]
        object: Option<String>,
    }
    let text = std::str::from_utf8(body).map_err(serde::de::Error::custom)?;
    let probe: Probe = serde_json::from_str(text)?;
    Ok(probe.id.len() + probe.object.map_or(0, |o| o.len()))
}

/// Times `op`, which must succeed; calibrates the batch size first.
fn measure<T, E: std::fmt::Debug>(
    name: &str,
    bytes: usize,
    mut op: impl FnMut() -> Result<T, E>,
) -> MicroResult {
    let mut run = |n: u64| {
        let start = Instant::now();
        for _ in 0..n {
            black_box(op().expect("a micro-benchmark operation failed"));
        }
        start.elapsed()
    };

    // Double the batch until it takes a tenth of the target, then scale up to it.
    let mut n = 1;
    let mut took = run(n);
    while took < REP_TIME / 10 && n < MAX_BATCH {
        n *= 2;
        took = run(n);
    }
    let scale = REP_TIME.as_secs_f64() / took.as_secs_f64().max(1e-9);
    let ops = ((n as f64 * scale) as u64).clamp(1, MAX_BATCH);

    let per_op: Vec<f64> = (0..REPS)
        .map(|_| run(ops).as_nanos() as f64 / ops as f64)
        .collect();
    MicroResult {
        name: name.to_owned(),
        ops_per_rep: ops,
        ns_per_op: median(per_op),
        bytes,
    }
}
