//! Checking a user id and turning it into one URL path segment.

use crate::error::{Error, LocalError};

/// The longest user id accepted, in bytes. Clerk's ids are about 32 bytes.
pub const MAX_USER_ID_BYTES: usize = 256;

/// Checks a user id and returns it percent-encoded as a single path segment.
///
/// Refused: an empty id, one over [`MAX_USER_ID_BYTES`], one holding whitespace (Unicode's
/// included) or control characters, and `.` or `..`, which would name another path. Every
/// byte other than `A-Z a-z 0-9 - . _ ~` is percent-encoded, so `/`, `?`, `#` and `%` in an
/// id can never reach another path.
pub(crate) fn path_segment(user_id: &str) -> Result<String, Error> {
    check(user_id).map_err(|why| {
        let long = format!("{why}; pass the id of a Clerk user, such as `user_2abc...`");
        let local = LocalError::new("invalid_user_id", "invalid user id", long);
        Error::invalid(local.with_param("user_id"))
    })?;

    let mut segment = String::with_capacity(user_id.len());
    for &b in user_id.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            segment.push(char::from(b));
        } else {
            segment.push('%');
            segment.push(char::from(HEX[usize::from(b >> 4)]));
            segment.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
    }
    Ok(segment)
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

fn check(user_id: &str) -> Result<(), String> {
    if user_id.is_empty() {
        return Err("the user id is empty".into());
    }
    if user_id.len() > MAX_USER_ID_BYTES {
        return Err(format!(
            "the user id is {} bytes long, over the limit of {MAX_USER_ID_BYTES}",
            user_id.len()
        ));
    }
    if user_id == "." || user_id == ".." {
        return Err(format!("the user id `{user_id}` would name another path"));
    }
    if let Some(c) = user_id
        .chars()
        .find(|c| c.is_whitespace() || c.is_control())
    {
        return Err(format!(
            "the user id holds U+{:04X}, a whitespace or control character",
            u32::from(c)
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clerk_ids_pass_unchanged() {
        let id = "user_2g7np7Hrk0SN6kj5EDMLDaKNL0S";
        assert_eq!(path_segment(id).ok().as_deref(), Some(id));
    }

    #[test]
    fn reserved_characters_are_encoded() {
        let cases = [
            ("a/b", "a%2Fb"),
            ("a?b#c", "a%3Fb%23c"),
            ("100%", "100%25"),
            ("../x", "..%2Fx"),
            ("é", "%C3%A9"),
            ("a+b", "a%2Bb"),
        ];
        for (id, want) in cases {
            assert_eq!(path_segment(id).ok().as_deref(), Some(want), "{id}");
        }
    }

    #[test]
    fn bad_ids_are_refused() {
        let long = "u".repeat(MAX_USER_ID_BYTES + 1);
        let cases = [
            "",
            ".",
            "..",
            "a b",
            "a\tb",
            "a\nb",
            "a\u{0}b",
            "a\u{7f}",
            "a\u{a0}b",
            "a\u{2003}b",
            "\u{3000}",
            "a\u{85}",
            long.as_str(),
        ];
        for id in cases {
            let error = path_segment(id).expect_err(id);
            assert!(matches!(error, Error::InvalidArgument(_)), "{id:?}");
            assert!(error.error_document().contains("invalid_user_id"));
        }
        assert!(path_segment(&"u".repeat(MAX_USER_ID_BYTES)).is_ok());
    }
}
