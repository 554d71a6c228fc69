//! Turning a request into a response: inspection endpoints, authentication, and the
//! Clerk routes the stand-in implements.

use std::thread;

use serde_json::{json, Value};

use crate::errors::{trace_id, ApiError};
use crate::http::Response;
use crate::metadata::Mode;
use crate::record::{InjectedResponse, RecordedRequest};
use crate::server::{lock, Shared};
use crate::time::now_ms;

/// The first API version whose "update a user" refuses metadata keys.
const METADATA_RETIRED_IN: &str = "2026-05-12";

/// Answers one request. Everything except `/__stand-in/...` is recorded first.
pub(crate) fn handle(shared: &Shared, mut request: RecordedRequest) -> Response {
    let path = request.path.split(['?', '#']).next().unwrap_or("");
    if let Some(rest) = path.strip_prefix("/__stand-in/") {
        return inspect(shared, &request, rest).unwrap_or_else(|e| error_response(&e));
    }

    request.authorized = is_authorized(&request, &shared.secret_key);
    lock(&shared.log).push(request.clone());

    let injected = lock(&shared.injected).pop_front();
    if let Some(injected) = injected {
        return serve_injected(injected);
    }
    api(shared, &request).unwrap_or_else(|e| error_response(&e))
}

fn error_response(error: &ApiError) -> Response {
    Response::json(error.status, &error.to_json(&trace_id()))
}

fn serve_injected(injected: InjectedResponse) -> Response {
    if !injected.delay.is_zero() {
        thread::sleep(injected.delay);
    }
    Response {
        status: injected.status,
        headers: injected.headers,
        body: injected.body.into_bytes(),
    }
}

/// Exactly one `Authorization: Bearer <secret key>` header.
fn is_authorized(request: &RecordedRequest, secret_key: &str) -> bool {
    let mut values = request
        .headers
        .iter()
        .filter(|(n, _)| n == "authorization")
        .map(|(_, v)| v.as_str());
    let (Some(value), None) = (values.next(), values.next()) else {
        return false;
    };
    let Some((scheme, token)) = value.split_once(' ') else {
        return false;
    };
    // The scheme name is case-insensitive (RFC 9110 section 11.1); the key is not.
    scheme.eq_ignore_ascii_case("bearer") && !secret_key.is_empty() && token == secret_key
}

/// The Clerk routes, behind authentication.
fn api(shared: &Shared, request: &RecordedRequest) -> Result<Response, ApiError> {
    if !request.authorized {
        return Err(ApiError::authentication_invalid());
    }
    let metadata_rejected = metadata_rejected(request)?;
    let path = request.path.split(['?', '#']).next().unwrap_or("");
    let Some(rest) = path.strip_prefix("/v1/users/") else {
        return Err(ApiError::not_found("resource"));
    };
    // Split before decoding: an encoded slash belongs to the id, never to the route.
    let segments: Vec<&str> = rest.split('/').collect();
    let (raw_id, tail) = match segments.as_slice() {
        [id] => (*id, None),
        [id, tail] => (*id, Some(*tail)),
        _ => return Err(ApiError::not_found("resource")),
    };
    if raw_id.is_empty() {
        return Err(ApiError::not_found("resource"));
    }
    let id = percent_decode(raw_id).ok_or_else(|| {
        ApiError::malformed("The user id in the path is not valid percent-encoded UTF-8.")
    })?;
    let method = request.method.as_str();

    let user = match (method, tail) {
        ("GET", None) => lock(&shared.store)
            .get(&id)
            .ok_or_else(|| ApiError::not_found("user"))?,
        ("PATCH", None) => {
            let body = json_body(request)?;
            lock(&shared.store).update_user(&id, &body, metadata_rejected, now_ms())?
        }
        ("PATCH" | "PUT", Some("metadata")) => {
            let mode = if method == "PUT" {
                Mode::Replace
            } else {
                Mode::Merge
            };
            let body = json_body(request)?;
            lock(&shared.store).update_metadata(&id, &body, mode, now_ms())?
        }
        _ => return Err(ApiError::not_found("resource")),
    };
    Ok(Response::json(200, &user))
}

/// Reads `Clerk-API-Version`; absent means the version the stand-in models, 2025-11-10.
fn metadata_rejected(request: &RecordedRequest) -> Result<bool, ApiError> {
    let Some(version) = request.header("clerk-api-version") else {
        return Ok(false);
    };
    let b = version.as_bytes();
    let well_formed = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !well_formed {
        return Err(ApiError::new(
            400,
            "api_version_invalid",
            "invalid API version",
            "Clerk-API-Version must be a release date such as 2025-11-10.",
        ));
    }
    // Same-length ISO dates order correctly as strings.
    Ok(version >= METADATA_RETIRED_IN)
}

/// The body as JSON; it must be declared as JSON and parse as JSON.
fn json_body(request: &RecordedRequest) -> Result<Value, ApiError> {
    let media_type = request
        .header("content-type")
        .and_then(|v| v.split(';').next())
        .map(str::trim)
        .unwrap_or("");
    let is_json = media_type.eq_ignore_ascii_case("application/json")
        || media_type.to_ascii_lowercase().ends_with("+json");
    if !request.body.is_empty() && !is_json {
        return Err(ApiError::new(
            415,
            "unsupported_media_type",
            "unsupported content type",
            "Send the request body as JSON with Content-Type: application/json.",
        ));
    }
    serde_json::from_slice(&request.body)
        .map_err(|_| ApiError::malformed("The request body is not valid JSON."))
}

/// Decodes `%XX` escapes. `None` for a broken escape or a result that is not UTF-8.
pub(crate) fn percent_decode(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            // from_str_radix alone would also accept a sign, as in "%+1".
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            let text = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(text, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// `/__stand-in/...`: unauthenticated (the server listens on 127.0.0.1 only) and never
/// recorded, so scripts can poll and inspect without disturbing what they check.
fn inspect(shared: &Shared, request: &RecordedRequest, rest: &str) -> Result<Response, ApiError> {
    let ok = |extra: Value| {
        let mut body = json!({ "ok": true });
        if let (Some(map), Value::Object(more)) = (body.as_object_mut(), extra) {
            map.extend(more);
        }
        Response::json(200, &body)
    };
    match (request.method.as_str(), rest) {
        ("GET", "health") => Ok(ok(json!({}))),
        ("GET", "requests") => {
            let log: Vec<Value> = lock(&shared.log).iter().map(|r| r.to_json()).collect();
            Ok(Response::json(200, &Value::Array(log)))
        }
        ("DELETE", "requests") => {
            let cleared = std::mem::take(&mut *lock(&shared.log)).len();
            Ok(ok(json!({ "cleared": cleared })))
        }
        ("POST", "inject") => {
            let body: Value = serde_json::from_slice(&request.body)
                .map_err(|_| ApiError::malformed("The request body is not valid JSON."))?;
            let injected = InjectedResponse::from_json(&body)
                .map_err(|why| ApiError::new(422, "form_param_format_invalid", "invalid", why))?;
            let mut queue = lock(&shared.injected);
            queue.push_back(injected);
            Ok(ok(json!({ "queued": queue.len() })))
        }
        ("GET", users) if users.starts_with("users/") => {
            let id = percent_decode(&users["users/".len()..])
                .ok_or_else(|| ApiError::malformed("The user id is not valid."))?;
            let user = lock(&shared.store).get(&id);
            user.map(|u| Response::json(200, &u))
                .ok_or_else(|| ApiError::not_found("user"))
        }
        _ => Err(ApiError::not_found("stand-in endpoint")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("user_a%2Fb").as_deref(), Some("user_a/b"));
        assert_eq!(percent_decode("caf%C3%A9+x").as_deref(), Some("café+x"));
        assert_eq!(percent_decode("%2f%2F").as_deref(), Some("//"));
        assert_eq!(percent_decode("bad%2"), None);
        assert_eq!(percent_decode("bad%zz"), None);
        assert_eq!(percent_decode("%FF"), None);
        assert_eq!(percent_decode("%+1"), None);
    }

    fn request(headers: &[(&str, &str)]) -> RecordedRequest {
        RecordedRequest {
            method: "GET".into(),
            path: "/".into(),
            headers: headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
            body: Vec::new(),
            authorized: false,
        }
    }

    #[test]
    fn authorization_rules() {
        let key = "sk_test_k";
        assert!(is_authorized(
            &request(&[("authorization", "Bearer sk_test_k")]),
            key
        ));
        assert!(is_authorized(
            &request(&[("authorization", "bearer sk_test_k")]),
            key
        ));
        assert!(!is_authorized(
            &request(&[("authorization", "Bearer sk_test_K")]),
            key
        ));
        assert!(!is_authorized(
            &request(&[("authorization", "Basic sk_test_k")]),
            key
        ));
        assert!(!is_authorized(
            &request(&[("authorization", "sk_test_k")]),
            key
        ));
        assert!(!is_authorized(&request(&[]), key));
        let twice = [
            ("authorization", "Bearer sk_test_k"),
            ("authorization", "Bearer sk_test_k"),
        ];
        assert!(!is_authorized(&request(&twice), key));
        assert!(!is_authorized(
            &request(&[("authorization", "Bearer ")]),
            ""
        ));
    }

    #[test]
    fn api_version_parsing() {
        let with = |v: &str| metadata_rejected(&request(&[("clerk-api-version", v)]));
        assert_eq!(with("2025-11-10").ok(), Some(false));
        assert_eq!(with("2026-05-12").ok(), Some(true));
        assert_eq!(with("2027-01-01").ok(), Some(true));
        assert!(with("latest").is_err());
        assert_eq!(metadata_rejected(&request(&[])).ok(), Some(false));
    }
}
