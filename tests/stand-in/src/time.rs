//! Clock and RFC 3339 parsing.
//!
//! Clerk takes timestamps as RFC 3339 strings in request bodies but reports them as unix
//! milliseconds in the user object, so the stand-in has to convert between the two.

use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the unix epoch, now.
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)` into unix milliseconds.
///
/// Accepts lowercase `t`/`z` and a space separator (RFC 3339 section 5.6 allows both).
/// Fractions beyond milliseconds are truncated. A leap second (`:60`) is folded into the
/// following second, which is what a milliseconds clock can represent. Returns `None`
/// for anything else, including impossible dates such as February 30.
pub(crate) fn parse_rfc3339_ms(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() < 20 || !b.is_ascii() {
        return None;
    }
    let year = digits(&b[0..4])?;
    let month = digits(&b[5..7])?;
    let day = digits(&b[8..10])?;
    let hour = digits(&b[11..13])?;
    let minute = digits(&b[14..16])?;
    let second = digits(&b[17..19])?;
    let separators_ok = b[4] == b'-'
        && b[7] == b'-'
        && matches!(b[10], b'T' | b't' | b' ')
        && b[13] == b':'
        && b[16] == b':';
    if !separators_ok {
        return None;
    }
    let valid = (1..=12).contains(&month)
        && day >= 1
        && day <= days_in_month(year, month)
        && hour <= 23
        && minute <= 59
        && second <= 60;
    if !valid {
        return None;
    }

    let mut rest = &b[19..];
    let mut millis = 0;
    if let Some((b'.', tail)) = rest.split_first() {
        let count = tail.iter().take_while(|c| c.is_ascii_digit()).count();
        if count == 0 {
            return None;
        }
        // Right-pad to three digits: ".5" means 500 ms.
        for i in 0..3 {
            let digit = tail.get(i).filter(|_| i < count).map_or(0, |c| c - b'0');
            millis = millis * 10 + i64::from(digit);
        }
        rest = &tail[count..];
    }

    let offset_minutes = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let oh = digits(&[*h1, *h2])?;
            let om = digits(&[*m1, *m2])?;
            if oh > 23 || om > 59 {
                return None;
            }
            let total = oh * 60 + om;
            if *sign == b'-' {
                -total
            } else {
                total
            }
        }
        _ => return None,
    };

    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offset_minutes * 60;
    Some(seconds * 1_000 + millis)
}

/// Parses a run of ASCII digits.
fn digits(bytes: &[u8]) -> Option<i64> {
    bytes.iter().try_fold(0i64, |acc, c| {
        c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
    })
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days between 1970-01-01 and the given proleptic Gregorian date.
///
/// Counts whole years from a March-based calendar (so the leap day falls at the end of
/// the year), which turns the month lengths into a fixed arithmetic pattern.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let march_month = (month + 9) % 12; // March = 0 ... February = 11
    let day_of_year = (153 * march_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    // 719_468 is the day number of 1970-01-01 counted from 0000-03-01.
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_and_known_instants() {
        assert_eq!(parse_rfc3339_ms("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_rfc3339_ms("2012-10-20T07:15:20.902Z"),
            Some(1_350_717_320_902)
        );
        assert_eq!(
            parse_rfc3339_ms("2025-01-01T10:00:00Z"),
            Some(1_735_725_600_000)
        );
        assert_eq!(
            parse_rfc3339_ms("2000-02-29T23:59:59.5z"),
            Some(951_868_799_500)
        );
        assert_eq!(parse_rfc3339_ms("1969-12-31T23:59:59Z"), Some(-1_000));
    }

    #[test]
    fn offsets_shift_to_utc() {
        let utc = parse_rfc3339_ms("2024-06-01T12:00:00Z");
        assert_eq!(parse_rfc3339_ms("2024-06-01T14:30:00+02:30"), utc);
        assert_eq!(parse_rfc3339_ms("2024-06-01T07:00:00-05:00"), utc);
        assert_eq!(parse_rfc3339_ms("2024-06-01 12:00:00.000123Z"), utc);
    }

    #[test]
    fn rejects_malformed_and_impossible() {
        for bad in [
            "",
            "yesterday",
            "2024-06-01",
            "2024-06-01T12:00:00",
            "2024-06-01T12:00:00+0200",
            "2024-13-01T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2024-04-31T00:00:00Z",
            "2024-06-01T24:00:00Z",
            "2024-06-01T12:00:00.Z",
            "2024-06-01T12:00:00ZZ",
            "2024/06/01T12:00:00Z",
            "1718000000000",
        ] {
            assert_eq!(parse_rfc3339_ms(bad), None, "{bad}");
        }
    }

    #[test]
    fn now_is_after_2024() {
        assert!(now_ms() > 1_704_067_200_000);
    }
}
