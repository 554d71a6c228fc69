//! The one error type of the library, and the error document built from it.
//!
//! Every failure, local or remote, is an [`Error`]. Each variant matches one C status
//! (`CLERK_ERROR_*`), and every variant can be rendered as an *error document*: Clerk's own
//! error shape plus the HTTP status, so that callers parse one shape whatever went wrong.

use std::fmt;
use std::time::Duration;

use serde_json::{json, Map, Value};

/// Everything that can go wrong while updating a user.
///
/// The variants follow the C statuses one to one; [`Error::status_code`] gives the HTTP
/// status (0 when no HTTP answer came) and [`Error::error_document`] the JSON handed to C.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A bad argument, rejected before anything was sent.
    #[error("{0}")]
    InvalidArgument(Box<LocalError>),

    /// Clerk answered 401 or 403: the secret key is wrong, revoked or lacks permission.
    #[error("{0}")]
    Unauthorized(Box<ApiError>),

    /// Clerk answered 404: no user has this id (or the API URL points at the wrong place).
    #[error("{0}")]
    NotFound(Box<ApiError>),

    /// Clerk answered 400, 409 or 422: the params were refused; its errors say which.
    #[error("{0}")]
    Rejected(Box<ApiError>),

    /// Clerk answered 429: too many requests; wait `retry_after` before trying again.
    #[error("{0}")]
    RateLimited(Box<ApiError>),

    /// Clerk answered 5xx, a redirect, or any other status this call does not expect.
    #[error("{0}")]
    Server(Box<ApiError>),

    /// The call did not finish within its deadline.
    #[error("{0}")]
    Timeout(Box<LocalError>),

    /// No HTTP answer: DNS, connect, TLS or a connection reset.
    #[error("{0}")]
    Transport(Box<LocalError>),

    /// A success status whose body is not a user object.
    #[error("{0}")]
    Decode(Box<LocalError>),

    /// A bug in the library (for example a panic caught at the C boundary).
    #[error("{0}")]
    Internal(Box<LocalError>),
}

/// A failure found on this side of the wire, in Clerk's error shape.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalError {
    /// A stable, machine-readable code such as `form_param_unknown` or `timeout`.
    pub code: &'static str,
    /// One line saying what went wrong.
    pub message: String,
    /// What went wrong and what to do next.
    pub long_message: String,
    /// The parameter at fault, when there is one (`meta.param_name` in the document).
    pub param_name: Option<String>,
    /// The HTTP status of the answer this concerns, or 0 when no answer came.
    pub status: u16,
    /// How many times the request was tried before failing: 0 for a local rejection.
    pub attempts: u32,
}

impl LocalError {
    /// A local error with no parameter and no HTTP status.
    pub fn new(code: &'static str, message: impl Into<String>, long: impl Into<String>) -> Self {
        LocalError {
            code,
            message: message.into(),
            long_message: long.into(),
            param_name: None,
            status: 0,
            attempts: 0,
        }
    }

    /// The same error, naming the parameter at fault.
    pub fn with_param(mut self, name: impl Into<String>) -> Self {
        self.param_name = Some(name.into());
        self
    }

    /// The same error, about an answer that came with this HTTP status.
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }

    fn document(&self) -> Map<String, Value> {
        let mut error = Map::new();
        error.insert("code".into(), self.code.into());
        error.insert("message".into(), self.message.clone().into());
        error.insert("long_message".into(), self.long_message.clone().into());
        if let Some(name) = &self.param_name {
            error.insert("meta".into(), json!({ "param_name": name }));
        }

        let mut doc = Map::new();
        doc.insert("status".into(), self.status.into());
        doc.insert("errors".into(), Value::Array(vec![Value::Object(error)]));
        doc.insert("attempts".into(), self.attempts.into());
        doc
    }
}

impl fmt::Display for LocalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.message, self.code, self.long_message)
    }
}

/// One entry of the `errors` array of a Clerk error answer.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct ClerkError {
    /// Clerk's machine-readable code, e.g. `form_param_unknown`.
    #[serde(default)]
    pub code: String,
    /// A short message.
    #[serde(default)]
    pub message: String,
    /// A longer explanation, when Clerk sent one.
    #[serde(default)]
    pub long_message: Option<String>,
    /// Extra details, e.g. `{"param_name": "username"}`.
    #[serde(default)]
    pub meta: Option<Value>,
}

/// An HTTP answer that was not a success.
///
/// The fields describe the answer for reading. The error document is kept as it was
/// received, so [`Error::error_document`] shows what Clerk sent even if a field is changed.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// Clerk's errors, all of them, in the order sent. For a body that was not Clerk's
    /// error shape this holds one error with code `unexpected_response`.
    pub errors: Vec<ClerkError>,
    /// Clerk's trace id for this request, to quote when contacting Clerk support.
    pub clerk_trace_id: Option<String>,
    /// The wait the server asked for with `Retry-After`, when it sent one.
    pub retry_after: Option<Duration>,
    /// How many times the request was tried, retries included.
    pub attempts: u32,
    /// The error document as it will be handed out: Clerk's body with `status` added.
    document: Map<String, Value>,
}

impl ApiError {
    /// Builds the error from an answer's status, body and `Retry-After` header.
    ///
    /// A body in Clerk's error shape (`{"errors": [...]}`) passes through untouched; any
    /// other body becomes one `unexpected_response` error quoting a short excerpt.
    pub fn from_response(status: u16, body: &[u8], retry_after: Option<Duration>) -> Self {
        let body = match clerk_error_body(body) {
            Some(map) => map,
            None => unexpected_response(status, body),
        };
        // `status` first, as readers look for it first; then Clerk's fields as sent.
        let mut document = Map::with_capacity(body.len() + 2);
        document.insert("status".into(), status.into());
        document.extend(body.into_iter().filter(|(key, _)| key != "status"));

        let errors = document
            .get("errors")
            .cloned()
            .and_then(|errors| serde_json::from_value::<Vec<ClerkError>>(errors).ok())
            .unwrap_or_default();
        let clerk_trace_id = document
            .get("clerk_trace_id")
            .and_then(Value::as_str)
            .map(str::to_owned);

        if let (429, Some(wait)) = (status, retry_after) {
            document.insert("retry_after_s".into(), wait.as_secs().into());
        }

        ApiError {
            status,
            errors,
            clerk_trace_id,
            retry_after,
            attempts: 1,
            document,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Clerk answered HTTP {}", self.status)?;
        if let Some(first) = self.errors.first() {
            write!(f, ": {} ({})", first.message, first.code)?;
            if let Some(long) = first.long_message.as_deref().filter(|l| !l.is_empty()) {
                write!(f, ": {long}")?;
            }
        }
        if self.errors.len() > 1 {
            write!(f, " (and {} more errors)", self.errors.len() - 1)?;
        }
        if let Some(trace) = &self.clerk_trace_id {
            write!(f, " [trace {trace}]")?;
        }
        Ok(())
    }
}

impl Error {
    /// A local error with code `invalid_argument`-style details, rejected before sending.
    pub(crate) fn invalid(error: LocalError) -> Self {
        Error::InvalidArgument(Box::new(error))
    }

    /// Sorts an unsuccessful HTTP answer into the variant for its status.
    pub fn from_api(api: ApiError) -> Self {
        let api = Box::new(api);
        match api.status {
            401 | 403 => Error::Unauthorized(api),
            404 => Error::NotFound(api),
            400 | 409 | 422 => Error::Rejected(api),
            429 => Error::RateLimited(api),
            _ => Error::Server(api),
        }
    }

    /// The HTTP answer, or the local failure, behind any variant: every variant holds
    /// one of the two, and the methods below need only know which.
    fn detail(&self) -> Detail<'_> {
        match self {
            Error::Unauthorized(api)
            | Error::NotFound(api)
            | Error::Rejected(api)
            | Error::RateLimited(api)
            | Error::Server(api) => Detail::Api(api),
            Error::InvalidArgument(local)
            | Error::Timeout(local)
            | Error::Transport(local)
            | Error::Decode(local)
            | Error::Internal(local) => Detail::Local(local),
        }
    }

    /// The HTTP status of the answer, or 0 when no HTTP answer came.
    pub fn status_code(&self) -> u16 {
        match self.detail() {
            Detail::Api(api) => api.status,
            Detail::Local(local) => local.status,
        }
    }

    /// The HTTP answer's details, when the failure is an HTTP answer.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self.detail() {
            Detail::Api(api) => Some(api),
            Detail::Local(_) => None,
        }
    }

    /// Records how many times the failed call tried the request.
    pub(crate) fn set_attempts(&mut self, attempts: u32) {
        match self {
            Error::Unauthorized(api)
            | Error::NotFound(api)
            | Error::Rejected(api)
            | Error::RateLimited(api)
            | Error::Server(api) => api.attempts = attempts,
            Error::InvalidArgument(local)
            | Error::Timeout(local)
            | Error::Transport(local)
            | Error::Decode(local)
            | Error::Internal(local) => local.attempts = attempts,
        }
    }

    /// The error document: `{"status": N, "errors": [...], "clerk_trace_id": "...",
    /// "attempts": N}`.
    ///
    /// Clerk's own errors, `meta` and trace id pass through untouched; local failures use
    /// the same shape with `status` 0 (or the status of the answer they concern).
    /// `attempts` counts the times the request was tried, retries included (0: refused
    /// locally, nothing tried).
    ///
    /// ```
    /// # let stand_in = clerk_stand_in::StandIn::start(Default::default()).expect("starts");
    /// # let client = clerk::Client::builder()
    /// #     .secret_key(clerk_stand_in::DEFAULT_SECRET_KEY)
    /// #     .api_url(stand_in.url())
    /// #     .build()?;
    /// let error = client.update_user_json("user_nobody", "{}").unwrap_err();
    /// assert!(matches!(error, clerk::Error::NotFound(_)));
    /// let doc: serde_json::Value = serde_json::from_str(&error.error_document()).expect("JSON");
    /// assert_eq!(doc["status"], 404);
    /// assert_eq!(doc["attempts"], 1);
    /// assert_eq!(doc["errors"][0]["code"], "resource_not_found");
    /// # Ok::<(), clerk::Error>(())
    /// ```
    pub fn error_document(&self) -> String {
        let doc = match self.detail() {
            Detail::Api(api) => {
                let mut doc = api.document.clone();
                doc.insert("attempts".into(), api.attempts.into());
                doc
            }
            Detail::Local(local) => local.document(),
        };
        Value::Object(doc).to_string()
    }
}

/// What an [`Error`] variant holds.
enum Detail<'a> {
    Api(&'a ApiError),
    Local(&'a LocalError),
}

/// The body as a JSON object in Clerk's error shape, or `None` when it is anything else.
fn clerk_error_body(body: &[u8]) -> Option<Map<String, Value>> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) if map.get("errors").is_some_and(Value::is_array) => Some(map),
        _ => None,
    }
}

/// How many characters of a foreign body an `unexpected_response` error quotes.
const EXCERPT_CHARS: usize = 200;

fn unexpected_response(status: u16, body: &[u8]) -> Map<String, Value> {
    let text = String::from_utf8_lossy(body);
    let excerpt: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(EXCERPT_CHARS)
        .collect();
    let long = if excerpt.trim().is_empty() {
        format!("HTTP {status} came with an empty body or one that is not text")
    } else {
        format!("HTTP {status} came with a body that is not Clerk's error shape: {excerpt}")
    };

    let local = LocalError::new("unexpected_response", "unexpected response", long);
    local.with_status(status).document()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(error: &Error) -> Value {
        serde_json::from_str(&error.error_document()).expect("documents are JSON")
    }

    #[test]
    fn clerk_errors_pass_through_untouched() {
        let body = br#"{"errors":[{"code":"a","message":"m1","long_message":"l1",
            "meta":{"param_name":"username","x":[1]}},{"code":"b","message":"m2",
            "long_message":"l2"}],"clerk_trace_id":"trace-1"}"#;
        let error = Error::from_api(ApiError::from_response(422, body, None));

        assert!(matches!(error, Error::Rejected(_)));
        let doc = doc(&error);
        assert_eq!(doc["status"], 422);
        assert_eq!(doc["errors"].as_array().map(Vec::len), Some(2));
        assert_eq!(doc["errors"][0]["meta"]["x"][0], 1);
        assert_eq!(doc["clerk_trace_id"], "trace-1");
        assert_eq!(error.api_error().map(|a| a.errors.len()), Some(2));
    }

    #[test]
    fn html_bodies_become_one_unexpected_response_error() {
        let body = b"<html><body>502 Bad Gateway\n</body></html>";
        let error = Error::from_api(ApiError::from_response(502, body, None));

        assert!(matches!(error, Error::Server(_)));
        let doc = doc(&error);
        assert_eq!(doc["status"], 502);
        assert_eq!(doc["errors"][0]["code"], "unexpected_response");
        let long = doc["errors"][0]["long_message"]
            .as_str()
            .unwrap_or_default();
        assert!(long.contains("502 Bad Gateway"), "{long}");
    }

    #[test]
    fn long_foreign_bodies_are_cut_to_an_excerpt() {
        let body = "x".repeat(10_000);
        let error = Error::from_api(ApiError::from_response(500, body.as_bytes(), None));
        assert!(error.error_document().len() < 1_000);
    }

    #[test]
    fn rate_limits_carry_retry_after() {
        let body = br#"{"errors":[{"code":"too_many_requests","message":"slow down"}]}"#;
        let wait = Some(Duration::from_secs(7));
        let error = Error::from_api(ApiError::from_response(429, body, wait));

        assert!(matches!(error, Error::RateLimited(_)));
        assert_eq!(doc(&error)["retry_after_s"], 7);
    }

    #[test]
    fn statuses_map_to_variants() {
        let cases = [
            (401, "Unauthorized"),
            (403, "Unauthorized"),
            (404, "NotFound"),
            (400, "Rejected"),
            (409, "Rejected"),
            (422, "Rejected"),
            (429, "RateLimited"),
            (500, "Server"),
            (503, "Server"),
            (302, "Server"),
            (418, "Server"),
        ];
        for (status, want) in cases {
            let error = Error::from_api(ApiError::from_response(status, b"", None));
            let got = format!("{error:?}");
            assert!(got.starts_with(want), "{status}: {got}");
            assert_eq!(error.status_code(), status);
        }
    }

    #[test]
    fn local_errors_have_the_same_shape() {
        let local = LocalError::new("form_param_unknown", "unknown", "did you mean x?");
        let error = Error::invalid(local.with_param("firstname"));

        let doc = doc(&error);
        assert_eq!(doc["status"], 0);
        assert_eq!(doc["errors"][0]["code"], "form_param_unknown");
        assert_eq!(doc["errors"][0]["meta"]["param_name"], "firstname");
    }
}
