//! Clerk-shaped error bodies: `{"errors":[{code,message,long_message,meta}],"clerk_trace_id"}`.
//!
//! Every error the stand-in answers with goes through [`ApiError`], so clients under test
//! always see the same envelope the real Backend API uses, including a fresh trace id.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Map, Value};

/// One entry of the `errors` array.
#[derive(Debug, Clone)]
pub(crate) struct ClerkError {
    code: &'static str,
    message: String,
    long_message: String,
    meta: Map<String, Value>,
}

/// An HTTP status plus one or more Clerk errors.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    pub(crate) status: u16,
    errors: Vec<ClerkError>,
}

impl ApiError {
    /// An error with a single entry and an empty `meta`.
    pub(crate) fn new(
        status: u16,
        code: &'static str,
        message: impl Into<String>,
        long_message: impl Into<String>,
    ) -> Self {
        ApiError {
            status,
            errors: vec![ClerkError {
                code,
                message: message.into(),
                long_message: long_message.into(),
                meta: Map::new(),
            }],
        }
    }

    /// Several errors under one status (used to report every bad parameter at once).
    pub(crate) fn many(status: u16, errors: Vec<ApiError>) -> Self {
        ApiError {
            status,
            errors: errors.into_iter().flat_map(|e| e.errors).collect(),
        }
    }

    /// Adds `meta.param_name` to every entry, as Clerk does for form-parameter errors.
    pub(crate) fn with_param(mut self, name: &str) -> Self {
        for error in &mut self.errors {
            error
                .meta
                .insert("param_name".to_owned(), Value::String(name.to_owned()));
        }
        self
    }

    /// The first error code; handy in unit tests.
    #[cfg(test)]
    pub(crate) fn code(&self) -> &'static str {
        self.errors.first().map_or("", |e| e.code)
    }

    /// Missing or wrong bearer token.
    pub(crate) fn authentication_invalid() -> Self {
        ApiError::new(
            401,
            "authentication_invalid",
            "Invalid authentication",
            "The request did not carry a valid secret key as an Authorization Bearer token.",
        )
    }

    /// Unknown route or unknown resource id.
    pub(crate) fn not_found(what: &str) -> Self {
        ApiError::new(
            404,
            "resource_not_found",
            "not found",
            format!("No {what} was found for this request."),
        )
    }

    /// The body could not be understood at all.
    pub(crate) fn malformed(detail: &str) -> Self {
        ApiError::new(400, "malformed_request", "malformed request", detail)
    }

    /// A body key the endpoint does not accept.
    pub(crate) fn param_unknown(name: &str) -> Self {
        ApiError::new(
            422,
            "form_param_unknown",
            "is unknown",
            format!("{name} is not a parameter this endpoint accepts."),
        )
        .with_param(name)
    }

    /// A body value of the wrong JSON type or shape.
    pub(crate) fn param_format_invalid(name: &str, expected: &str) -> Self {
        ApiError::new(
            422,
            "form_param_format_invalid",
            "is invalid",
            format!("{name} must be {expected}."),
        )
        .with_param(name)
    }

    /// A well-typed value that is still not acceptable.
    pub(crate) fn param_value_invalid(name: &str, why: &str) -> Self {
        ApiError::new(
            422,
            "form_param_value_invalid",
            "is invalid",
            format!("{name} {why}."),
        )
        .with_param(name)
    }

    /// A parameter that must accompany another one is absent.
    pub(crate) fn param_missing(name: &str, because: &str) -> Self {
        ApiError::new(
            422,
            "form_param_missing",
            "is missing",
            format!("{name} is required when {because}."),
        )
        .with_param(name)
    }

    /// A unique identifier (username, external id) already belongs to another user.
    pub(crate) fn identifier_exists(name: &str) -> Self {
        ApiError::new(
            422,
            "form_identifier_exists",
            "is taken",
            format!("Another user already has this {name}; pick a different one."),
        )
        .with_param(name)
    }

    /// Renders the JSON body, stamping it with `trace_id`.
    pub(crate) fn to_json(&self, trace_id: &str) -> Value {
        let errors: Vec<Value> = self
            .errors
            .iter()
            .map(|e| {
                json!({
                    "code": e.code,
                    "message": e.message,
                    "long_message": e.long_message,
                    "meta": e.meta,
                })
            })
            .collect();
        json!({ "errors": errors, "clerk_trace_id": trace_id })
    }
}

/// A 32-hex-digit id that differs for every call.
///
/// No RNG crate is allowed, so a process-wide counter is mixed with the clock and the
/// process id through a 64-bit finaliser; uniqueness comes from the counter, the
/// "random look" from the mixing.
pub(crate) fn trace_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let seed = nanos ^ (u64::from(std::process::id()) << 32);
    let high = mix(seed.wrapping_add(n));
    let low = mix(high ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    format!("{high:016x}{low:016x}")
}

/// The splitmix64 finaliser: a cheap bijection that scatters nearby inputs.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trace_ids_are_hex_and_distinct() {
        let a = trace_id();
        let b = trace_id();
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn body_has_clerk_shape() {
        let body = ApiError::param_unknown("nickname").to_json("abc");
        assert_eq!(body["clerk_trace_id"], "abc");
        assert_eq!(body["errors"][0]["code"], "form_param_unknown");
        assert_eq!(body["errors"][0]["meta"]["param_name"], "nickname");
        assert!(body["errors"][0]["message"].is_string());
        assert!(body["errors"][0]["long_message"].is_string());
    }
}
