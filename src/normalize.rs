//! Turns params, as a caller writes them, into the JSON body Clerk expects.
//!
//! The params are a JSON object whose top-level keys may be spelled in snake_case or in the
//! JS SDK's camelCase. Only those keys are rewritten: each value is copied byte for byte
//! from the input, so metadata (the user's own data) reaches Clerk exactly as given. Unknown
//! keys, keys given twice and values of the wrong JSON type are refused before anything is
//! sent, with an error that names the key and, for a typo, the closest valid name.

use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::error::{Error, LocalError};
use crate::fields::{self, Endpoint, Field, Kind, METADATA_REMOVED_IN};

/// How much of a caller's key an error message quotes, so a huge key cannot bloat it.
const MAX_QUOTED_KEY: usize = 100;

/// The largest params accepted, in bytes. Clerk caps each metadata object at a few KiB,
/// so no real update comes near this; a larger one is a bug on the caller's side.
pub const MAX_PARAMS_BYTES: usize = 1024 * 1024;

/// Checks `params_json` and returns the body to send to `endpoint` in `api_version`.
pub(crate) fn request_body(
    endpoint: &Endpoint,
    params_json: &str,
    api_version: &str,
) -> Result<String, Error> {
    if params_json.len() > MAX_PARAMS_BYTES {
        let long = format!(
            "params are {} bytes, over the limit of {MAX_PARAMS_BYTES}; Clerk refuses \
             metadata over a few KiB, so check what is being sent",
            params_json.len()
        );
        let local = LocalError::new("params_too_large", "params too large", long);
        return Err(Error::invalid(local.with_param(endpoint.argument)));
    }
    let entries = parse_object(endpoint, params_json)?;

    let mut fields: Vec<(&'static Field, &RawValue)> = Vec::with_capacity(entries.len());
    for (key, value) in &entries {
        let field = known_field(endpoint, key)?;
        // `fields` grows in step with `entries`, so a position in one is a position in both.
        if let Some(i) = fields.iter().position(|(f, _)| std::ptr::eq(*f, field)) {
            return Err(duplicate(&entries[i].0, key, field));
        }
        check_version(endpoint, key, field, api_version)?;
        check_type(key, field, value)?;
        fields.push((field, value));
    }

    Ok(write_body(&fields))
}

/// The top-level entries of a JSON object, in order, values left as raw text.
fn parse_object<'a>(
    endpoint: &Endpoint,
    params_json: &'a str,
) -> Result<Vec<(String, &'a RawValue)>, Error> {
    let mut de = serde_json::Deserializer::from_str(params_json);
    let entries = de.deserialize_map(EntriesVisitor).map_err(|e| {
        let (message, long) = if e.is_data() {
            // serde's text here would quote the value given, which may be anything.
            let long = format!("params must be a JSON object such as {}", endpoint.example);
            ("params must be a JSON object", long)
        } else {
            (
                "params are not valid JSON",
                format!("params are not valid JSON: {e}"),
            )
        };
        let local = LocalError::new("invalid_params_json", message, long);
        Error::invalid(local.with_param(endpoint.argument))
    })?;

    de.end().map_err(|e| {
        let long = format!("params hold something after the JSON object: {e}");
        let local = LocalError::new("invalid_params_json", "params are not valid JSON", long);
        Error::invalid(local.with_param(endpoint.argument))
    })?;
    Ok(entries)
}

struct EntriesVisitor;

impl<'de> Visitor<'de> for EntriesVisitor {
    type Value = Vec<(String, &'de RawValue)>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let value: &'de RawValue = map.next_value()?;
            entries.push((key, value));
        }
        Ok(entries)
    }
}

fn known_field(endpoint: &Endpoint, key: &str) -> Result<&'static Field, Error> {
    if let Some(field) = fields::lookup(endpoint.fields, key) {
        return Ok(field);
    }

    let shown = quote(key);
    let name = endpoint.name;
    let long = match fields::closest(endpoint.fields, key) {
        Some(near) => format!(
            "{shown} is not a parameter of {name}; did you mean `{}`?",
            suggestion(key, near)
        ),
        None => format!(
            "{shown} is not a parameter of {name}; {} lists the accepted names",
            endpoint.docs
        ),
    };
    let local = LocalError::new(
        "form_param_unknown",
        format!("unknown parameter {shown}"),
        long,
    );
    Err(Error::invalid(local.with_param(clip(key))))
}

/// The valid name to suggest, in the caller's own style: camelCase if the key has capitals.
fn suggestion(key: &str, near: &Field) -> String {
    if key.chars().any(|c| c.is_ascii_uppercase()) && !key.contains('_') {
        fields::camel_case(near.name)
    } else {
        near.name.to_owned()
    }
}

fn duplicate(earlier: &str, key: &str, field: &Field) -> Error {
    let long = if earlier == key {
        format!("{} appears twice in params; give it once", quote(key))
    } else {
        format!(
            "{} and {} both set `{}`; give it once, in one spelling",
            quote(earlier),
            quote(key),
            field.name
        )
    };
    let message = format!("parameter `{}` given twice", field.name);
    let local = LocalError::new("form_param_duplicate", message, long);
    Error::invalid(local.with_param(clip(key)))
}

fn check_version(
    endpoint: &Endpoint,
    key: &str,
    field: &Field,
    api_version: &str,
) -> Result<(), Error> {
    let Some(removed_in) = field.removed_in else {
        return Ok(());
    };
    if api_version < removed_in {
        return Ok(());
    }

    let message = format!(
        "`{}` is not accepted by {} in API version {api_version}",
        field.name, endpoint.name
    );
    let long = if removed_in == METADATA_REMOVED_IN && field.kind == Kind::Object {
        format!(
            "Clerk refuses metadata in update user from API version {removed_in} on: use \
             PATCH /v1/users/{{user_id}}/metadata to merge it or PUT \
             /v1/users/{{user_id}}/metadata to replace it, or pin API version 2025-11-10"
        )
    } else {
        format!(
            "update user no longer takes `{}` from API version {removed_in} on; remove it or \
             pin API version 2025-11-10",
            field.name
        )
    };
    let local = LocalError::new("form_param_not_in_api_version", message, long);
    Err(Error::invalid(local.with_param(clip(key))))
}

fn check_type(key: &str, field: &Field, value: &RawValue) -> Result<(), Error> {
    let text = value.get();
    let ok = match text.as_bytes().first() {
        Some(b'n') => field.nullable,
        Some(b'"') => field.kind == Kind::String,
        Some(b't' | b'f') => field.kind == Kind::Bool,
        Some(b'{') => field.kind == Kind::Object,
        Some(b'[') => {
            field.kind == Kind::StringArray && serde_json::from_str::<Vec<String>>(text).is_ok()
        }
        Some(_) => field.kind == Kind::Integer && serde_json::from_str::<i64>(text).is_ok(),
        None => false,
    };
    if ok {
        return Ok(());
    }

    let null = if field.nullable { " or null" } else { "" };
    let message = format!("`{}` must be {}{null}", field.name, field.kind.describe());
    let long = format!(
        "{} must be {}{null}, not {}",
        quote(key),
        field.kind.describe(),
        describe_value(text)
    );
    let local = LocalError::new("form_param_type_invalid", message, long);
    Err(Error::invalid(local.with_param(clip(key))))
}

fn describe_value(text: &str) -> &'static str {
    match text.as_bytes().first() {
        Some(b'n') => "null",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'{') => "an object",
        Some(b'[') => "an array (or an array holding something other than strings)",
        _ => "a number (or a number that is not a 64-bit integer)",
    }
}

fn write_body(fields: &[(&'static Field, &RawValue)]) -> String {
    let size: usize = fields
        .iter()
        .map(|(f, v)| f.name.len() + v.get().len() + 4)
        .sum();
    let mut body = String::with_capacity(size + 2);

    body.push('{');
    for (i, (field, value)) in fields.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push('"');
        body.push_str(field.name);
        body.push_str("\":");
        body.push_str(value.get());
    }
    body.push('}');
    body
}

/// A key as messages show it: in backticks, cut short if it is very long.
fn quote(key: &str) -> String {
    format!("`{}`", clip(key))
}

fn clip(key: &str) -> String {
    if key.chars().count() <= MAX_QUOTED_KEY {
        return key.to_owned();
    }
    let head: String = key.chars().take(MAX_QUOTED_KEY).collect();
    format!("{head}...")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::{UPDATE_USER, USER_METADATA};
    use serde_json::Value;

    const V1: &str = "2025-11-10";
    const V2: &str = "2026-05-12";

    fn body(params: &str) -> String {
        request_body(&UPDATE_USER, params, V1).unwrap_or_else(|e| panic!("{params}: {e}"))
    }

    fn refusal(params: &str, version: &str) -> Value {
        match request_body(&UPDATE_USER, params, version) {
            Ok(body) => panic!("{params} was accepted as {body}"),
            Err(e @ Error::InvalidArgument(_)) => {
                serde_json::from_str(&e.error_document()).expect("documents are JSON")
            }
            Err(e) => panic!("{params}: wrong error {e:?}"),
        }
    }

    #[test]
    fn camel_case_keys_become_snake_case() {
        let got = body(r#"{"firstName":"John","lastName":"Wick","primaryEmailAddressID":"idn_1"}"#);
        assert_eq!(
            got,
            r#"{"first_name":"John","last_name":"Wick","primary_email_address_id":"idn_1"}"#
        );
    }

    #[test]
    fn metadata_arrives_byte_for_byte() {
        let meta = r#"{"firstName":1.50,"b":[1e3, "\u00e9"],"nested":{"z":null,"a":{}}}"#;
        let got = body(&format!(r#"{{ "publicMetadata" : {meta} }}"#));
        assert_eq!(got, format!(r#"{{"public_metadata":{meta}}}"#));
    }

    #[test]
    fn null_is_sent_as_null() {
        assert_eq!(body(r#"{"username":null}"#), r#"{"username":null}"#);
        assert_eq!(body(r#"{}"#), "{}");
    }

    #[test]
    fn every_field_accepts_a_value_of_its_type() {
        for field in fields::FIELDS {
            let value = match field.kind {
                Kind::String => r#""x""#,
                Kind::Bool => "true",
                Kind::Integer => "-3",
                Kind::StringArray => r#"["a","b"]"#,
                Kind::Object => r#"{"k":"v"}"#,
            };
            let params = format!(r#"{{"{}":{value}}}"#, field.name);
            assert_eq!(body(&params), params);
        }
    }

    #[test]
    fn unknown_keys_suggest_the_closest_name() {
        let doc = refusal(r#"{"firstname":"John"}"#, V1);
        assert_eq!(doc["status"], 0);
        assert_eq!(doc["errors"][0]["code"], "form_param_unknown");
        assert_eq!(doc["errors"][0]["meta"]["param_name"], "firstname");
        let long = doc["errors"][0]["long_message"]
            .as_str()
            .unwrap_or_default();
        assert!(long.contains("`first_name`"), "{long}");

        let doc = refusal(r#"{"lastNme":"Wick"}"#, V1);
        let long = doc["errors"][0]["long_message"]
            .as_str()
            .unwrap_or_default();
        assert!(long.contains("`lastName`"), "{long}");
    }

    #[test]
    fn a_key_in_two_spellings_is_refused() {
        let doc = refusal(r#"{"first_name":"a","firstName":"b"}"#, V1);
        assert_eq!(doc["errors"][0]["code"], "form_param_duplicate");
        assert_eq!(doc["errors"][0]["meta"]["param_name"], "firstName");

        let doc = refusal(r#"{"username":"a","username":"b"}"#, V1);
        assert_eq!(doc["errors"][0]["code"], "form_param_duplicate");
    }

    #[test]
    fn wrong_types_are_refused() {
        let cases = [
            r#"{"first_name":1}"#,
            r#"{"first_name":true}"#,
            r#"{"delete_self_enabled":"yes"}"#,
            r#"{"create_organizations_limit":1.5}"#,
            r#"{"create_organizations_limit":1e2}"#,
            r#"{"create_organizations_limit":99999999999999999999}"#,
            r#"{"create_organizations_limit":"3"}"#,
            r#"{"backup_codes":"abc"}"#,
            r#"{"backup_codes":[1,2]}"#,
            r#"{"backup_codes":null}"#,
            r#"{"password_digest":null}"#,
            r#"{"public_metadata":[]}"#,
            r#"{"public_metadata":"{}"}"#,
        ];
        for params in cases {
            let doc = refusal(params, V1);
            assert_eq!(
                doc["errors"][0]["code"], "form_param_type_invalid",
                "{params}"
            );
            assert!(
                doc["errors"][0]["meta"]["param_name"].is_string(),
                "{params}"
            );
        }
    }

    #[test]
    fn params_must_be_one_json_object() {
        for params in ["", "[]", "null", "\"x\"", "{", "{\"a\":}", "{} {}", "{}x"] {
            let doc = refusal(params, V1);
            assert_eq!(
                doc["errors"][0]["code"], "invalid_params_json",
                "{params:?}"
            );
        }
    }

    #[test]
    fn metadata_is_refused_from_2026_05_12() {
        for key in ["public_metadata", "privateMetadata", "unsafe_metadata"] {
            let doc = refusal(&format!(r#"{{"{key}":{{}}}}"#), V2);
            assert_eq!(doc["errors"][0]["code"], "form_param_not_in_api_version");
            let long = doc["errors"][0]["long_message"]
                .as_str()
                .unwrap_or_default();
            assert!(long.contains("/v1/users/{user_id}/metadata"), "{long}");
        }
        assert!(request_body(&UPDATE_USER, r#"{"first_name":"a"}"#, V2).is_ok());
        assert!(request_body(&UPDATE_USER, r#"{"public_metadata":{}}"#, "2026-01-01").is_ok());
    }

    #[test]
    fn params_over_the_limit_are_refused() {
        let big = format!(r#"{{"first_name":"{}"}}"#, "x".repeat(MAX_PARAMS_BYTES));
        let doc = refusal(&big, V1);
        assert_eq!(doc["errors"][0]["code"], "params_too_large");

        let fits = format!(
            r#"{{"first_name":"{}"}}"#,
            "x".repeat(MAX_PARAMS_BYTES - 20)
        );
        assert!(request_body(&UPDATE_USER, &fits, V1).is_ok());
    }

    #[test]
    fn very_long_keys_are_clipped_in_messages() {
        let key = "k".repeat(500_000);
        let doc = refusal(&format!(r#"{{"{key}":1}}"#), V1);
        assert!(doc.to_string().len() < 2_000);
    }

    #[test]
    fn deep_nesting_is_not_a_crash() {
        let open = "[".repeat(100_000);
        let close = "]".repeat(100_000);
        let doc = refusal(&format!("{open}{close}"), V1);
        assert_eq!(doc["errors"][0]["code"], "invalid_params_json");

        // Inside metadata the value is the user's own and passes through as text.
        let deep = format!(r#"{{"public_metadata":{{"a":{open}{close}}}}}"#);
        assert_eq!(body(&deep).len(), deep.len());
    }

    #[test]
    fn the_metadata_call_takes_only_metadata_objects() {
        let body = request_body(&USER_METADATA, r#"{"publicMetadata":{"a":{"b":null}}}"#, V2);
        assert_eq!(
            body.ok().as_deref(),
            Some(r#"{"public_metadata":{"a":{"b":null}}}"#)
        );

        for params in [r#"{"first_name":"a"}"#, r#"{"public_metadata":null}"#] {
            let error = request_body(&USER_METADATA, params, V1).expect_err(params);
            assert!(matches!(error, Error::InvalidArgument(_)), "{params}");
        }
        let doc = request_body(&USER_METADATA, r#"{"publicMetadta":{}}"#, V1)
            .map_err(|e| e.error_document())
            .expect_err("a typo");
        assert!(doc.contains("`publicMetadata`"), "{doc}");
        assert!(doc.contains("the user metadata call"), "{doc}");
    }
}
