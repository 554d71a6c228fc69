//! What the stand-in remembers about each request, and canned responses queued by tests.

use std::time::Duration;

use serde_json::{json, Value};

use crate::errors::{trace_id, ApiError};

/// One request as the stand-in received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// The method, as sent (e.g. `PATCH`).
    pub method: String,
    /// The raw request target, still percent-encoded, including any query string.
    pub path: String,
    /// Headers in arrival order, names lowercased, values as sent (including the
    /// `authorization` value: in-process tests may check the exact token).
    pub headers: Vec<(String, String)>,
    /// The body bytes exactly as received.
    pub body: Vec<u8>,
    /// Whether the `Authorization` header carried the configured secret key.
    pub authorized: bool,
}

impl RecordedRequest {
    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn body_json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The inspection-endpoint form: the secret is never echoed, only whether it matched.
    pub(crate) fn to_json(&self) -> Value {
        let headers: Vec<Value> = self
            .headers
            .iter()
            .map(|(name, value)| {
                let shown = if name == "authorization" {
                    if self.authorized {
                        "[redacted: matched]"
                    } else {
                        "[redacted: did not match]"
                    }
                } else {
                    value.as_str()
                };
                json!({ "name": name, "value": shown })
            })
            .collect();
        json!({
            "method": self.method,
            "path": self.path,
            "headers": headers,
            "authorized": self.authorized,
            "body": String::from_utf8_lossy(&self.body),
        })
    }
}

/// A response to give, once, to the next `/v1/...` request instead of the normal one.
///
/// Queued responses are served in order, before authentication is checked, so tests can
/// fake rate limits, server errors or slow answers. The request is still recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InjectedResponse {
    /// HTTP status code.
    pub status: u16,
    /// Extra headers. A `Content-Type` here replaces the default `application/json`;
    /// `Content-Length` is always computed by the server.
    pub headers: Vec<(String, String)>,
    /// Body text, sent as is.
    pub body: String,
    /// How long to wait before answering (for client timeout tests).
    pub delay: Duration,
}

impl InjectedResponse {
    /// A response with this status and body, no extra headers, no delay.
    pub fn new(status: u16, body: impl Into<String>) -> Self {
        InjectedResponse {
            status,
            headers: Vec::new(),
            body: body.into(),
            delay: Duration::ZERO,
        }
    }

    /// A Clerk-shaped error body with this status, code and message.
    pub fn clerk_error(status: u16, code: &'static str, message: &str) -> Self {
        let body = ApiError::new(status, code, message, message).to_json(&trace_id());
        InjectedResponse::new(status, body.to_string())
    }

    /// Adds a header (e.g. `Retry-After`).
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Sets the delay before the answer.
    pub fn with_delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// Reads the inspection endpoint's form:
    /// `{"status":429,"body":<string or JSON>,"headers":{"Retry-After":"1"},"delay_ms":0}`.
    pub(crate) fn from_json(value: &Value) -> Result<Self, String> {
        let status = value
            .get("status")
            .and_then(Value::as_u64)
            .and_then(|s| u16::try_from(s).ok())
            .filter(|s| (200..=599).contains(s))
            .ok_or("\"status\" must be an integer from 200 to 599")?;
        let body = match value.get("body") {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(text)) => text.clone(),
            Some(other) => other.to_string(),
        };
        let mut injected = InjectedResponse::new(status, body);
        match value.get("headers") {
            None | Some(Value::Null) => {}
            Some(Value::Object(map)) => {
                for (name, v) in map {
                    let v = v.as_str().ok_or("header values must be strings")?;
                    injected = injected.with_header(name, v);
                }
            }
            Some(_) => return Err("\"headers\" must be an object of strings".to_owned()),
        }
        match value.get("delay_ms") {
            None | Some(Value::Null) => {}
            Some(v) => {
                let ms = v
                    .as_u64()
                    .ok_or("\"delay_ms\" must be a non-negative integer")?;
                injected = injected.with_delay(Duration::from_millis(ms));
            }
        }
        Ok(injected)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inspection_form_hides_the_secret() {
        let request = RecordedRequest {
            method: "GET".into(),
            path: "/v1/users/x".into(),
            headers: vec![
                ("authorization".into(), "Bearer sk_secret".into()),
                ("clerk-api-version".into(), "2025-11-10".into()),
            ],
            body: b"{}".to_vec(),
            authorized: true,
        };
        let shown = request.to_json();
        assert!(!shown.to_string().contains("sk_secret"));
        assert_eq!(shown["headers"][0]["value"], "[redacted: matched]");
        assert_eq!(shown["body"], "{}");
        assert_eq!(request.header("Clerk-API-Version"), Some("2025-11-10"));
        assert_eq!(request.body_json(), Some(json!({})));
    }

    #[test]
    fn injected_from_json() {
        let parsed = InjectedResponse::from_json(&json!({
            "status": 429, "body": {"errors": []}, "headers": {"Retry-After": "2"},
            "delay_ms": 5
        }))
        .expect("valid");
        assert_eq!(parsed.status, 429);
        assert_eq!(parsed.body, "{\"errors\":[]}");
        assert_eq!(parsed.headers, vec![("Retry-After".into(), "2".into())]);
        assert_eq!(parsed.delay, Duration::from_millis(5));
        assert!(InjectedResponse::from_json(&json!({"status": 99})).is_err());
        assert!(InjectedResponse::from_json(&json!({"status": 500, "headers": 1})).is_err());
    }
}
