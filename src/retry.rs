//! When a failed attempt is tried again, and how long to wait first.
//!
//! The decisions are pure functions of the outcome, the attempt number and the time left,
//! so they are tested with tables of cases and no sleeping.

use std::time::{Duration, SystemTime};

/// The wait before the first retry, as in Clerk's own generated SDKs.
pub const BASE_BACKOFF: Duration = Duration::from_millis(500);

/// How much each retry's backoff grows over the one before, as in Clerk's generated SDKs.
pub const BACKOFF_GROWTH: f64 = 1.5;

/// The longest backoff between two attempts. A longer `Retry-After` is still honoured
/// when the deadline leaves room for it.
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
/// Backoff grows from [`BASE_BACKOFF`] by [`BACKOFF_GROWTH`] up to [`MAX_BACKOFF`], with
/// jitter over its upper half; the server's `Retry-After` wins when it asks for longer. If
/// the wait would reach the deadline, the call gives up now rather than sleep in vain.
pub(crate) fn wait_before(
    retry: u32,
    retry_after: Option<Duration>,
    left: Duration,
    jitter: f64,
) -> Option<Duration> {
    let exponent = retry.saturating_sub(1).min(32) as i32;
    let backoff = BASE_BACKOFF
        .mul_f64(BACKOFF_GROWTH.powi(exponent))
        .min(MAX_BACKOFF);
    // Jitter over the upper half keeps many clients' retries from lining up.
    let backoff = backoff.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0));
    let wait = retry_after.map_or(backoff, |asked| asked.max(backoff));

    (wait < left).then_some(wait)
}

/// Reads a `Retry-After` value: whole seconds, or an HTTP date (`Sun, 06 Nov 1994
/// 08:49:37 GMT`) turned into the time left until then. `None` when it is neither.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }

    let at = http_date(value)?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Parses the IMF-fixdate form of an HTTP date, the only one servers may send today.
fn http_date(value: &str) -> Option<SystemTime> {
    // "Sun, 06 Nov 1994 08:49:37 GMT"
    let rest = value.get(5..)?;
    let mut parts = rest.split(' ');
    let day: u64 = parts.next()?.parse().ok()?;
    let month = parts.next()?;
    // HTTP dates have four-digit years; a longer one would only overflow the sums below.
    let year = parts.next().filter(|y| y.len() == 4)?;
    let year: i64 = year.parse().ok()?;
    let time = parts.next()?;
    if parts.next()? != "GMT" || parts.next().is_some() || !value[3..].starts_with(", ") {
        return None;
    }

    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|m| *m == month)? as i64 + 1;
    let mut hms = time.split(':').map(|p| p.parse::<u64>().ok());
    let (h, m, s) = (hms.next()??, hms.next()??, hms.next()??);
    if hms.next().is_some() || !(1..=31).contains(&day) || h > 23 || m > 59 || s > 60 {
        return None;
    }

    let days = u64::try_from(days_since_epoch(year, month, day as i64)).ok()?;
    let seconds = days * 86_400 + h * 3_600 + m * 60 + s;
    SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(seconds))
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar.
fn days_since_epoch(year: i64, month: i64, day: i64) -> i64 {
    // Count years from March, so the leap day falls at the end of a counted year.
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
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
    fn backoff_grows_and_is_capped() {
        let ms = |retry, jitter| wait_before(retry, None, LOTS, jitter).map(|d| d.as_millis());
        assert_eq!(ms(1, 1.0), Some(500));
        assert_eq!(ms(2, 1.0), Some(750));
        assert_eq!(ms(3, 1.0), Some(1125));
        assert_eq!(ms(1, 0.0), Some(250));
        assert_eq!(ms(10, 1.0), Some(8000));
        assert_eq!(ms(u32::MAX, 1.0), Some(8000));
    }

    #[test]
    fn retry_after_is_honoured_within_the_deadline() {
        let wait = |after: u64| wait_before(1, Some(Duration::from_secs(after)), LOTS, 0.0);
        assert_eq!(wait(3), Some(Duration::from_secs(3)));
        assert_eq!(wait(0), Some(Duration::from_millis(250)));
        assert_eq!(wait(20), Some(Duration::from_secs(20)));
        assert_eq!(wait(60), None);
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
    fn retry_after_takes_seconds_and_http_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777); // 1994-11-06 08:49:37
        let parse = |v| parse_retry_after(v, now);
        assert_eq!(parse("120"), Some(Duration::from_secs(120)));
        assert_eq!(parse(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(parse("Sun, 06 Nov 1994 08:49:37 GMT"), Some(Duration::ZERO));
        assert_eq!(
            parse("Sun, 06 Nov 1994 08:50:07 GMT"),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse("Mon, 07 Nov 1994 08:49:37 GMT"),
            Some(Duration::from_secs(86_400))
        );
        assert_eq!(parse("Sat, 05 Nov 1994 08:49:37 GMT"), Some(Duration::ZERO));
        for bad in [
            "",
            "-1",
            "1.5",
            "soon",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 32 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun 06 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1000000000000 08:49:37 GMT",
            "Sun, 06 Nov -999 08:49:37 GMT",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn dates_count_days_from_the_epoch() {
        assert_eq!(days_since_epoch(1970, 1, 1), 0);
        assert_eq!(days_since_epoch(2000, 3, 1), 11_017);
        assert_eq!(days_since_epoch(2024, 2, 29), 19_782);
        assert_eq!(days_since_epoch(2026, 12, 4), 20_791);
    }

    #[test]
    fn jitter_stays_in_range() {
        for _ in 0..1000 {
            let j = jitter();
            assert!((0.0..1.0).contains(&j), "{j}");
        }
    }
}
