//! One repetition's numbers, and the median over repetitions that the table shows.

/// What one repetition measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RepStats {
    /// Calls completed.
    pub calls: usize,
    /// Wall time of the repetition, in nanoseconds.
    pub elapsed_ns: f64,
    /// Median latency of one call, in nanoseconds.
    pub p50_ns: f64,
    /// 99th-percentile latency of one call, in nanoseconds.
    pub p99_ns: f64,
}

impl RepStats {
    /// The numbers of a repetition of `latencies_ns.len()` calls that took `elapsed_ns`.
    pub fn from_latencies(elapsed_ns: f64, latencies_ns: &mut [u64]) -> RepStats {
        latencies_ns.sort_unstable();
        RepStats {
            calls: latencies_ns.len(),
            elapsed_ns,
            p50_ns: percentile(latencies_ns, 0.50),
            p99_ns: percentile(latencies_ns, 0.99),
        }
    }

    /// Calls per second over the whole repetition (all threads together).
    pub fn calls_per_sec(&self) -> f64 {
        self.calls as f64 / (self.elapsed_ns / 1e9)
    }
}

/// The nearest-rank percentile `p` (0 to 1) of sorted values; 0 when there are none.
pub fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1] as f64
}

/// The median of some values (the mean of the middle two for an even count); 0 for none.
pub fn median(mut values: Vec<f64>) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    }
}

/// A benchmark's result: each number is the median over its repetitions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// Repetitions measured.
    pub reps: usize,
    /// Calls in one repetition (the median, should a time bound have cut one short).
    pub calls: usize,
    /// Calls per second.
    pub calls_per_sec: f64,
    /// Wall time per call in microseconds: the inverse of the throughput.
    pub us_per_call: f64,
    /// Median latency of one call, in microseconds.
    pub p50_us: f64,
    /// 99th-percentile latency, in microseconds.
    pub p99_us: f64,
}

impl Summary {
    /// The medians of `reps`.
    pub fn of(reps: &[RepStats]) -> Summary {
        let each = |f: fn(&RepStats) -> f64| median(reps.iter().map(f).collect());
        Summary {
            reps: reps.len(),
            calls: each(|r| r.calls as f64) as usize,
            calls_per_sec: each(RepStats::calls_per_sec),
            us_per_call: each(|r| r.elapsed_ns / 1e3 / r.calls.max(1) as f64),
            p50_us: each(|r| r.p50_ns / 1e3),
            p99_us: each(|r| r.p99_ns / 1e3),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let values: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&values, 0.5), 50.0);
        assert_eq!(percentile(&values, 0.99), 99.0);
        assert_eq!(percentile(&[7], 0.99), 7.0);
        assert_eq!(percentile(&[], 0.5), 0.0);
    }

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), 2.5);
    }

    #[test]
    fn a_summary_takes_each_number_from_the_median_rep() {
        let rep = |ns: f64| RepStats {
            calls: 10,
            elapsed_ns: ns * 10.0,
            p50_ns: ns,
            p99_ns: ns * 2.0,
        };
        let summary = Summary::of(&[rep(1_000.0), rep(3_000.0), rep(2_000.0)]);
        assert_eq!(summary.us_per_call, 2.0);
        assert_eq!(summary.p99_us, 4.0);
        assert!((summary.calls_per_sec - 500_000.0).abs() < 1e-6);
    }
}
