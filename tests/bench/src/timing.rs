//! The timed loops. Each one is bounded twice: by a count of calls and by a time limit,
//! whichever comes first, so a slow machine shortens a run instead of stretching it.

use std::sync::Barrier;
use std::thread;
use std::time::{Duration, Instant};

use crate::stats::RepStats;

/// How far one repetition goes.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    /// Calls in the repetition, over all threads.
    pub calls: usize,
    /// Wall time after which no new call is started.
    pub max_time: Duration,
}

/// Runs `call` up to `bounds.calls` times in a row and times each call.
pub fn sequential<E>(
    bounds: Bounds,
    mut call: impl FnMut() -> Result<(), E>,
) -> Result<RepStats, E> {
    let mut latencies = Vec::with_capacity(bounds.calls);
    let start = Instant::now();
    for _ in 0..bounds.calls {
        let before = Instant::now();
        call()?;
        let after = Instant::now();
        latencies.push(nanos(after - before));
        if after - start > bounds.max_time {
            break;
        }
    }
    let elapsed = start.elapsed();
    Ok(RepStats::from_latencies(
        elapsed.as_nanos() as f64,
        &mut latencies,
    ))
}

/// Runs calls from `threads` threads at once, `bounds.calls` calls in all, split evenly.
///
/// Each thread first gets its own caller from `make` (untimed: a connection, say). The
/// clock starts when every thread is ready and stops when the last one is done.
pub fn threaded<E, F>(
    threads: usize,
    bounds: Bounds,
    make: impl Fn() -> Result<F, E> + Sync,
) -> Result<RepStats, E>
where
    E: Send,
    F: FnMut() -> Result<(), E>,
{
    let per_thread = bounds.calls.div_ceil(threads);
    let ready = Barrier::new(threads + 1);

    let (start, results) = thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut latencies = Vec::with_capacity(per_thread);
                    let made = make();
                    // Every thread must reach the barrier, or the others wait forever.
                    ready.wait();
                    let mut call = made?;
                    let start = Instant::now();
                    for _ in 0..per_thread {
                        let before = Instant::now();
                        call()?;
                        let after = Instant::now();
                        latencies.push(nanos(after - before));
                        if after - start > bounds.max_time {
                            break;
                        }
                    }
                    Ok(latencies)
                })
            })
            .collect();
        ready.wait();
        let start = Instant::now();
        let results: Vec<Result<Vec<u64>, E>> = workers
            .into_iter()
            .map(|w| w.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect();
        (start, results)
    });
    let elapsed = start.elapsed();

    let mut latencies = Vec::with_capacity(bounds.calls);
    for result in results {
        latencies.extend(result?);
    }
    Ok(RepStats::from_latencies(
        elapsed.as_nanos() as f64,
        &mut latencies,
    ))
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}
