//! Reading an answer: a user, or the error it stands for, and how a failure to get one
//! is sorted (timeout or transport, sent or not).

use std::io::ErrorKind;
use std::time::Duration;

use serde::Deserialize;
use ureq::Timeout;

use crate::error::{ApiError, Error, LocalError};
use crate::retry::Outcome;
use crate::user::User;

/// The largest response body read, in bytes; a user object is a few KiB.
pub const MAX_RESPONSE_BYTES: u64 = 8 * 1024 * 1024;

/// Just enough of a user object to tell one from anything else.
#[derive(Deserialize)]
struct UserProbe {
    id: String,
    #[serde(default)]
    object: Option<String>,
}

/// One HTTP answer, read in full.
pub(crate) struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
    pub retry_after: Option<Duration>,
}

/// How events describe the outcome of one attempt.
pub(crate) fn describe(result: &Result<Answer, (Outcome, Error)>) -> String {
    match result {
        Ok(answer) => format!("HTTP {}", answer.status),
        Err((_, error)) => match error {
            Error::Timeout(local) | Error::Transport(local) | Error::Decode(local) => {
                format!("failed ({})", local.code)
            }
            _ => "failed".to_owned(),
        },
    }
}

/// Decodes the user JSON of a successful call into the typed [`User`].
///
/// Failing here is rare (a field of an unexpected JSON type), and comes after Clerk applied
/// the change, which the error says so that nobody retries it blindly.
pub(crate) fn decode_user(text: &str, attempts: u32) -> Result<User, Error> {
    serde_json::from_str(text).map_err(|e| {
        let long = format!(
            "the change was applied, but the user JSON did not decode into the typed User \
             ({e}); use the _json call to get the JSON as sent"
        );
        let mut local = LocalError::new("decode_error", "bad user", long).with_status(200);
        local.attempts = attempts;
        Error::Decode(Box::new(local))
    })
}

/// The user JSON of a successful answer, or the error it stands for.
pub(crate) fn user_from(answer: Answer, secret_key: &str) -> Result<String, Error> {
    if !(200..300).contains(&answer.status) {
        let body = redact(answer.body, secret_key);
        let api = ApiError::from_response(answer.status, &body, answer.retry_after);
        return Err(Error::from_api(api));
    }

    let decode_error = |why: String| {
        let long = format!("HTTP {} came with {why}", answer.status);
        let local = LocalError::new("decode_error", "the answer is not a user", long);
        Error::Decode(Box::new(local.with_status(answer.status)))
    };
    let text = String::from_utf8(answer.body)
        .map_err(|_| decode_error("a body that is not UTF-8".into()))?;
    match serde_json::from_str::<UserProbe>(&text) {
        Ok(probe)
            if !probe.id.is_empty() && probe.object.as_deref().is_none_or(|o| o == "user") =>
        {
            Ok(text)
        }
        Ok(_) => Err(decode_error("a JSON object that is not a user".into())),
        Err(e) => Err(decode_error(format!(
            "a body that is not a user object: {e}"
        ))),
    }
}

/// The body with every copy of the secret key replaced, for a server that echoes the
/// request's headers into its error page: error documents must never show the key.
pub(crate) fn redact(body: Vec<u8>, secret_key: &str) -> Vec<u8> {
    let key = secret_key.as_bytes();
    if key.is_empty() || !body.windows(key.len()).any(|w| w == key) {
        return body;
    }

    let mut out = Vec::with_capacity(body.len());
    let mut rest = body.as_slice();
    while let Some(at) = rest.windows(key.len()).position(|w| w == key) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(b"[redacted]");
        rest = &rest[at + key.len()..];
    }
    out.extend_from_slice(rest);
    out
}

/// Sorts a failure to get an answer into timeout or transport, and whether it was sent.
pub(crate) fn transport_error(error: ureq::Error) -> (Outcome, Error) {
    let (outcome, code, kind) = match &error {
        // Nothing was sent before a connection existed, so these may be retried.
        ureq::Error::Timeout(Timeout::Resolve | Timeout::Connect) => {
            (Outcome::NotSent, "connect_timeout", Kind::ConnectTimeout)
        }
        ureq::Error::Timeout(_) => (Outcome::MaybeSent, "timeout", Kind::Timeout),
        ureq::Error::Io(io) if io.kind() == ErrorKind::TimedOut => {
            (Outcome::MaybeSent, "timeout", Kind::Timeout)
        }
        ureq::Error::Io(io) if io.kind() == ErrorKind::ConnectionRefused => {
            (Outcome::NotSent, "connection_refused", Kind::Transport)
        }
        ureq::Error::HostNotFound => (Outcome::NotSent, "host_not_found", Kind::Transport),
        ureq::Error::ConnectionFailed => (Outcome::NotSent, "connect_failed", Kind::Transport),
        _ => (Outcome::MaybeSent, "transport_error", Kind::Transport),
    };
    (outcome, local_failure(kind, code, &error, 0))
}

/// What stands for an error answer's body that could not be read.
pub(crate) fn unread_body(error: &ureq::Error) -> String {
    match error {
        ureq::Error::BodyExceedsLimit(_) => {
            format!("(the body was not read: it is over {MAX_RESPONSE_BYTES} bytes)")
        }
        other => format!("(the body was not read in full: {other})"),
    }
}

/// Sorts a failure while reading an answer's body.
pub(crate) fn body_error(error: ureq::Error, status: u16) -> (Outcome, Error) {
    let (code, kind) = match &error {
        ureq::Error::BodyExceedsLimit(_) => ("response_too_large", Kind::Decode),
        ureq::Error::Timeout(_) => ("timeout", Kind::Timeout),
        ureq::Error::Io(io) if io.kind() == ErrorKind::TimedOut => ("timeout", Kind::Timeout),
        _ => ("transport_error", Kind::Transport),
    };
    (
        Outcome::MaybeSent,
        local_failure(kind, code, &error, status),
    )
}

#[derive(Clone, Copy)]
enum Kind {
    ConnectTimeout,
    Timeout,
    Transport,
    Decode,
}

fn local_failure(kind: Kind, code: &'static str, error: &ureq::Error, status: u16) -> Error {
    let (message, advice) = match kind {
        Kind::ConnectTimeout => (
            "no connection before the deadline",
            "nothing was sent; check the API URL and the network, then try again",
        ),
        Kind::Timeout => (
            "the call timed out",
            "the update may or may not have been applied; read the user back before retrying",
        ),
        Kind::Transport => (
            "no answer from the API",
            "check the API URL and the network, then try again",
        ),
        Kind::Decode => (
            "the answer is too large",
            "the API URL may point at something other than Clerk's Backend API",
        ),
    };
    let long = match (kind, error) {
        (Kind::Decode, _) => format!("the body is over {MAX_RESPONSE_BYTES} bytes; {advice}"),
        _ => format!("{error}; {advice}"),
    };

    let local = Box::new(LocalError::new(code, message, long).with_status(status));
    match kind {
        Kind::ConnectTimeout | Kind::Timeout => Error::Timeout(local),
        Kind::Transport => Error::Transport(local),
        Kind::Decode => Error::Decode(local),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "sk_test_unit_key";

    #[test]
    fn the_key_is_redacted_from_error_bodies() {
        let body = format!("<pre>Authorization: Bearer {KEY}\n{KEY}</pre>");
        let error = user_from(answer(502, &body), KEY).expect_err("502");
        let doc = error.error_document();
        assert!(!doc.contains(KEY), "{doc}");
        assert!(doc.contains("Bearer [redacted]"), "{doc}");
        assert_eq!(redact(b"no key here".to_vec(), KEY), b"no key here");
        assert_eq!(redact(KEY.as_bytes().to_vec(), KEY), b"[redacted]");
    }

    fn answer(status: u16, body: &str) -> Answer {
        Answer {
            status,
            body: body.as_bytes().to_vec(),
            retry_after: None,
        }
    }

    #[test]
    fn a_user_object_is_passed_through_as_sent() {
        let body = r#"{"object":"user","id":"user_1","first_name":"Ünïcode","x":[1e3]}"#;
        assert_eq!(
            user_from(answer(200, body), KEY).ok().as_deref(),
            Some(body)
        );
        assert!(user_from(answer(200, r#"{"id":"user_1"}"#), KEY).is_ok());
    }

    #[test]
    fn success_bodies_that_are_not_users_are_decode_errors() {
        let bodies = [
            "",
            "not json",
            r#"{"object":"user","id":"user_1""#,
            r#"{"object":"organization","id":"org_1"}"#,
            r#"{"object":"user"}"#,
            r#"{"object":"user","id":""}"#,
            r#"{"object":"user","id":7}"#,
            r#"[{"object":"user","id":"user_1"}]"#,
        ];
        for body in bodies {
            let error = user_from(answer(200, body), KEY).expect_err(body);
            assert!(matches!(error, Error::Decode(_)), "{body}: {error:?}");
            assert_eq!(error.status_code(), 200);
        }
        let error = user_from(
            Answer {
                status: 200,
                body: vec![b'"', 0xff, b'"'],
                retry_after: None,
            },
            KEY,
        );
        assert!(matches!(error, Err(Error::Decode(_))));
    }
}
