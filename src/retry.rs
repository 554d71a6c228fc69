//! When a failed attempt is tried again, and how long to wait first.
//!
//! The decisions are pure functions of the outcome, the attempt number and the time left,
//! so they are tested with tables of cases and no sleeping.

use std::time::Duration;

/// The wait before the first retry; each later retry doubles it.
pub const BASE_BACKOFF: Duration = Duration::from_millis(500);

/// The longest wait between two attempts, whatever the backoff or `Retry-After` says.
pub const MAX_BACKOFF: Duration = Duration::from_secs(8);

/// What an attempt came to, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// An HTTP answer with this status.
    Status(u16),
    /// The connection was refused or could not be made: the request was never sent.
    NotSent,
    /// Any other failure; the request may have reached Clerk and been applied.
    MaybeSent,
}

/// Whether an attempt with this outcome may be tried again.
///
/// Only outcomes where Clerk surely did not apply the update are retried: 429 and 502,
/// 503 and 504 (a gateway or Clerk itself refused before doing the work) and connections
/// that never carried the request. A 500, a timeout or a reset after the request was
/// written may have followed an applied update, so they are returned to the caller.
pub(crate) fn is_retryable(outcome: Outcome) -> bool {
    matches!(
        outcome,
        Outcome::Status(429 | 502 | 503 | 504) | Outcome::NotSent
    )
}

/// The wait before retry number `retry` (1 for the first retry), or `None` to give up.
///
/// Exponential backoff from [`BASE_BACKOFF`] with jitter, or the server's `Retry-After`
/// when it asked for more; never over [`MAX_BACKOFF`]. If the wait would not leave time for
/// another attempt before the deadline, the call gives up now rather than sleep in vain.
pub(crate) fn wait_before(
    retry: u32,
    retry_after: Option<Duration>,
    left: Duration,
    jitter: f64,
) -> Option<Duration> {
    let exponent = retry.saturating_sub(1).min(16);
    let backoff = BASE_BACKOFF.saturating_mul(1 << exponent).min(MAX_BACKOFF);
    // Full jitter over the upper half keeps retries of many clients from lining up.
    let backoff = backoff.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0));
    let wait = retry_after.map_or(backoff, |asked| asked.max(backoff));

    if wait > MAX_BACKOFF || wait >= left {
        return None;
    }
    Some(wait)
}

/// A number in `[0, 1)` that differs between calls and threads, for jitter.
pub(crate) fn jitter() -> f64 {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};

    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOTS: Duration = Duration::from_secs(60);

    #[test]
    fn only_outcomes_that_were_not_applied_are_retried() {
        let cases = [
            (Outcome::Status(429), true),
            (Outcome::Status(502), true),
            (Outcome::Status(503), true),
            (Outcome::Status(504), true),
            (Outcome::NotSent, true),
            (Outcome::Status(500), false),
            (Outcome::Status(400), false),
            (Outcome::Status(401), false),
            (Outcome::Status(404), false),
            (Outcome::Status(409), false),
            (Outcome::Status(422), false),
            (Outcome::Status(200), false),
            (Outcome::Status(302), false),
            (Outcome::MaybeSent, false),
        ];
        for (outcome, want) in cases {
            assert_eq!(is_retryable(outcome), want, "{outcome:?}");
        }
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let ms = |retry, jitter| wait_before(retry, None, LOTS, jitter).map(|d| d.as_millis());
        assert_eq!(ms(1, 1.0), Some(500));
        assert_eq!(ms(2, 1.0), Some(1000));
        assert_eq!(ms(3, 1.0), Some(2000));
        assert_eq!(ms(1, 0.0), Some(250));
        assert_eq!(ms(10, 1.0), Some(8000));
        assert_eq!(ms(u32::MAX, 1.0), Some(8000));
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_cap() {
        let wait = |after: u64| wait_before(1, Some(Duration::from_secs(after)), LOTS, 0.0);
        assert_eq!(wait(3), Some(Duration::from_secs(3)));
        assert_eq!(wait(0), Some(Duration::from_millis(250)));
        assert_eq!(wait(9), None);
    }

    #[test]
    fn no_retry_when_the_deadline_would_pass() {
        let left = Duration::from_millis(400);
        assert_eq!(wait_before(1, None, left, 1.0), None);
        assert!(wait_before(1, None, left, 0.0).is_some());
        let asked = Some(Duration::from_secs(2));
        assert_eq!(wait_before(1, asked, Duration::from_secs(1), 0.0), None);
    }

    #[test]
    fn jitter_stays_in_range() {
        for _ in 0..1000 {
            let j = jitter();
            assert!((0.0..1.0).contains(&j), "{j}");
        }
    }
}
