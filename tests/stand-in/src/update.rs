//! Validation and application of an "update a user" body (`PATCH /v1/users/{user_id}`).
//!
//! Checks run in three passes, so a client sees every problem of one kind at once:
//! unknown keys, then value types, then meaning (ownership, uniqueness, policy). Nothing
//! is stored unless all three pass; the caller applies the changes to a copy.

use serde_json::{Map, Value};

use crate::errors::ApiError;
use crate::time::parse_rfc3339_ms;

/// What a body value must look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Str,
    Bool,
    Int,
    Object,
    StrList,
    /// An RFC 3339 string, stored as unix milliseconds.
    Timestamp,
}

struct Field {
    name: &'static str,
    kind: Kind,
    nullable: bool,
}

const fn field(name: &'static str, kind: Kind, nullable: bool) -> Field {
    Field {
        name,
        kind,
        nullable,
    }
}

/// The request body of "update a user" in API version 2025-11-10, with the schema's
/// types and nullability.
const FIELDS: &[Field] = &[
    field("external_id", Kind::Str, true),
    field("first_name", Kind::Str, true),
    field("last_name", Kind::Str, true),
    field("locale", Kind::Str, true),
    field("primary_email_address_id", Kind::Str, true),
    field("notify_primary_email_address_changed", Kind::Bool, true),
    field("primary_phone_number_id", Kind::Str, true),
    field("primary_web3_wallet_id", Kind::Str, true),
    field("username", Kind::Str, true),
    field("profile_image_id", Kind::Str, true),
    field("password", Kind::Str, true),
    field("password_digest", Kind::Str, false),
    field("password_hasher", Kind::Str, false),
    field("skip_password_checks", Kind::Bool, true),
    field("sign_out_of_other_sessions", Kind::Bool, true),
    field("totp_secret", Kind::Str, true),
    field("backup_codes", Kind::StrList, false),
    field("public_metadata", Kind::Object, true),
    field("private_metadata", Kind::Object, true),
    field("unsafe_metadata", Kind::Object, true),
    field("delete_self_enabled", Kind::Bool, true),
    field("create_organization_enabled", Kind::Bool, true),
    field("legal_accepted_at", Kind::Timestamp, true),
    field("skip_legal_checks", Kind::Bool, true),
    field("create_organizations_limit", Kind::Int, true),
    field("created_at", Kind::Timestamp, true),
    field("bypass_client_trust", Kind::Bool, true),
];

/// Keys that API version 2026-05-12 moved to the dedicated metadata endpoints.
pub(crate) const METADATA_FIELDS: [&str; 3] =
    ["public_metadata", "private_metadata", "unsafe_metadata"];

/// Clerk's minimum password length, enforced unless `skip_password_checks` is true.
const MIN_PASSWORD_CHARS: usize = 8;

/// Everything `apply` needs besides the user and the body.
pub(crate) struct Context<'a> {
    /// True for API versions 2026-05-12 and later, which refuse metadata keys here.
    pub(crate) metadata_rejected: bool,
    /// Current time in unix milliseconds.
    pub(crate) now: i64,
    /// Whether another user already holds `(field, value)`; decides uniqueness.
    pub(crate) taken: &'a dyn Fn(&str, &str) -> bool,
}

/// Applies `body` to `user` (a User object) or explains why it cannot.
pub(crate) fn apply(
    user: &mut Map<String, Value>,
    body: &Value,
    ctx: &Context<'_>,
) -> Result<(), ApiError> {
    let Value::Object(body) = body else {
        return Err(ApiError::malformed(
            "The request body must be a JSON object.",
        ));
    };

    let unknown: Vec<ApiError> = body
        .keys()
        .filter(|key| {
            let known = FIELDS.iter().any(|f| f.name == key.as_str());
            let retired = ctx.metadata_rejected && METADATA_FIELDS.contains(&key.as_str());
            !known || retired
        })
        .map(|key| ApiError::param_unknown(key))
        .collect();
    if !unknown.is_empty() {
        return Err(ApiError::many(422, unknown));
    }

    let mistyped: Vec<ApiError> = FIELDS
        .iter()
        .filter_map(|f| body.get(f.name).and_then(|v| type_error(f, v)))
        .collect();
    if !mistyped.is_empty() {
        return Err(ApiError::many(422, mistyped));
    }

    // Fixed order (the table's), not body order, so results never depend on key order.
    for f in FIELDS {
        if let Some(value) = body.get(f.name) {
            apply_field(user, body, f.name, value, ctx)?;
        }
    }
    refresh_two_factor(user, ctx.now);
    user.insert("updated_at".into(), Value::from(ctx.now));
    Ok(())
}

fn type_error(f: &Field, value: &Value) -> Option<ApiError> {
    let ok = match (f.kind, value) {
        (_, Value::Null) => f.nullable,
        (Kind::Str, Value::String(_)) => true,
        (Kind::Bool, Value::Bool(_)) => true,
        (Kind::Int, Value::Number(n)) => n.as_i64().is_some(),
        (Kind::Object, Value::Object(_)) => true,
        (Kind::StrList, Value::Array(items)) => items.iter().all(Value::is_string),
        (Kind::Timestamp, Value::String(s)) => parse_rfc3339_ms(s).is_some(),
        _ => false,
    };
    if ok {
        return None;
    }
    let expected = match f.kind {
        Kind::Str => "a string",
        Kind::Bool => "a boolean",
        Kind::Int => "an integer",
        Kind::Object => "a JSON object",
        Kind::StrList => "an array of strings",
        Kind::Timestamp => "an RFC 3339 date-time such as 2024-05-01T12:00:00Z",
    };
    let expected = if f.nullable {
        format!("{expected} or null")
    } else {
        expected.to_owned()
    };
    Some(ApiError::param_format_invalid(f.name, &expected))
}

/// Applies one already type-checked field.
fn apply_field(
    user: &mut Map<String, Value>,
    body: &Map<String, Value>,
    name: &str,
    value: &Value,
    ctx: &Context<'_>,
) -> Result<(), ApiError> {
    let text = value.as_str();
    match name {
        "first_name" | "last_name" | "locale" | "create_organizations_limit" => {
            if name == "create_organizations_limit" && value.as_i64().is_some_and(|n| n < 0) {
                return Err(ApiError::param_value_invalid(name, "must not be negative"));
            }
            set(user, name, value.clone());
        }
        // Clerk documents that a blank username clears it like null; the stand-in treats
        // a blank external_id the same way rather than storing "".
        "username" | "external_id" => match text.filter(|s| !s.is_empty()) {
            None => set(user, name, Value::Null),
            Some(wanted) => {
                if (ctx.taken)(name, wanted) {
                    return Err(ApiError::identifier_exists(name));
                }
                set(user, name, Value::from(wanted));
            }
        },
        "primary_email_address_id" => set_primary(user, name, text, "email_addresses")?,
        "primary_phone_number_id" => set_primary(user, name, text, "phone_numbers")?,
        "primary_web3_wallet_id" => set_primary(user, name, text, "web3_wallets")?,
        "profile_image_id" => {
            if let Some(image) = text {
                let url = format!("https://img.clerk.com/stand-in/{image}");
                set(user, "image_url", Value::from(url.clone()));
                set(user, "profile_image_url", Value::from(url));
                set(user, "has_image", Value::Bool(true));
            }
        }
        "password" => {
            if let Some(password) = text {
                let skip = body.get("skip_password_checks") == Some(&Value::Bool(true));
                if !skip && password.chars().count() < MIN_PASSWORD_CHARS {
                    return Err(ApiError::new(
                        422,
                        "form_password_length_too_short",
                        "is too short",
                        "Passwords must be at least 8 characters long.",
                    )
                    .with_param("password"));
                }
                // The password itself is never stored, only the fact that one exists.
                enable_password(user, ctx.now);
            }
        }
        "password_digest" => {
            if !body.get("password_hasher").is_some_and(Value::is_string) {
                return Err(ApiError::param_missing(
                    "password_hasher",
                    "password_digest is given",
                ));
            }
            enable_password(user, ctx.now);
        }
        "password_hasher" if text == Some("") => {
            return Err(ApiError::param_value_invalid(
                name,
                "must name a hashing algorithm",
            ));
        }
        // A null secret or an empty list enables nothing; unmatched guards fall through
        // to the no-op arm at the end.
        "totp_secret" if text.is_some() => set(user, "totp_enabled", Value::Bool(true)),
        "backup_codes" if value.as_array().is_some_and(|codes| !codes.is_empty()) => {
            set(user, "backup_code_enabled", Value::Bool(true));
        }
        "public_metadata" | "unsafe_metadata" => {
            // These are always objects in a User; null resets them to empty.
            let replacement = if value.is_null() {
                Value::Object(Map::new())
            } else {
                value.clone()
            };
            set(user, name, replacement);
        }
        "private_metadata" => set(user, name, value.clone()),
        // Non-nullable in the User object, so null leaves the setting alone.
        "delete_self_enabled" | "create_organization_enabled" | "bypass_client_trust"
            if value.is_boolean() =>
        {
            set(user, name, value.clone());
        }
        "legal_accepted_at" => {
            let millis = text.and_then(parse_rfc3339_ms);
            set(user, name, millis.map_or(Value::Null, Value::from));
        }
        "created_at" => {
            if let Some(millis) = text.and_then(parse_rfc3339_ms) {
                set(user, name, Value::from(millis));
            }
        }
        // Accepted flags that change nothing a User object shows.
        _ => {}
    }
    Ok(())
}

fn set(user: &mut Map<String, Value>, name: &str, value: Value) {
    user.insert(name.to_owned(), value);
}

fn enable_password(user: &mut Map<String, Value>, now: i64) {
    set(user, "password_enabled", Value::Bool(true));
    set(user, "password_last_updated_at", Value::from(now));
}

/// Points a `primary_*_id` at one of the user's own verified identifications.
///
/// Null leaves the primary unchanged: Clerk has no way to un-set a primary identifier.
fn set_primary(
    user: &mut Map<String, Value>,
    name: &str,
    wanted: Option<&str>,
    list: &str,
) -> Result<(), ApiError> {
    let Some(wanted) = wanted else {
        return Ok(());
    };
    let found = user
        .get(list)
        .and_then(Value::as_array)
        .and_then(|items| items.iter().find(|item| item["id"] == wanted));
    let Some(item) = found else {
        return Err(ApiError::param_format_invalid(
            name,
            "the id of one of this user's own identifications",
        ));
    };
    if item["verification"]["status"] != "verified" {
        return Err(ApiError::param_value_invalid(
            name,
            "refers to an identification that is not verified",
        ));
    }
    set(user, name, Value::from(wanted));
    Ok(())
}

/// Recomputes `two_factor_enabled` and stamps `mfa_enabled_at` when it turns on.
fn refresh_two_factor(user: &mut Map<String, Value>, now: i64) {
    let flag = |key: &str| user.get(key) == Some(&Value::Bool(true));
    let second_factor_phone = user
        .get("phone_numbers")
        .and_then(Value::as_array)
        .is_some_and(|phones| {
            phones
                .iter()
                .any(|p| p["reserved_for_second_factor"] == Value::Bool(true))
        });
    let enabled = flag("totp_enabled") || flag("backup_code_enabled") || second_factor_phone;
    let was = flag("two_factor_enabled");
    if enabled && !was {
        set(user, "mfa_enabled_at", Value::from(now));
    }
    set(user, "two_factor_enabled", Value::Bool(enabled));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::{seed_users, SEED_SECONDARY_EMAIL_ID, SEED_UNVERIFIED_EMAIL_ID};
    use serde_json::json;

    const NOW: i64 = 1_800_000_000_000;

    fn run(body: Value, metadata_rejected: bool) -> Result<Map<String, Value>, ApiError> {
        let Value::Object(mut user) = seed_users().remove(0) else {
            panic!("seed user is not an object");
        };
        let taken = |field: &str, value: &str| field == "username" && value == "taken";
        let ctx = Context {
            metadata_rejected,
            now: NOW,
            taken: &taken,
        };
        apply(&mut user, &body, &ctx).map(|()| user)
    }

    #[test]
    fn the_field_table_matches_the_spec_list() {
        assert_eq!(FIELDS.len(), 27);
        for (i, f) in FIELDS.iter().enumerate() {
            assert!(FIELDS[..i].iter().all(|g| g.name != f.name), "{}", f.name);
        }
    }

    #[test]
    fn scalars_set_and_null_clears() {
        let user = run(json!({"first_name": "Ann", "last_name": null}), false).expect("ok");
        assert_eq!(user["first_name"], "Ann");
        assert_eq!(user["last_name"], Value::Null);
        assert_eq!(user["updated_at"], NOW);
    }

    #[test]
    fn errors_are_reported_by_pass() {
        let err = run(json!({"nick": 1, "first_name": 2}), false).expect_err("unknown");
        assert_eq!(err.code(), "form_param_unknown");
        let err = run(json!({"first_name": 2, "backup_codes": null}), false).expect_err("type");
        assert_eq!(err.code(), "form_param_format_invalid");
        let body = err.to_json("t");
        assert_eq!(body["errors"].as_array().map(Vec::len), Some(2));
    }

    #[test]
    fn primary_email_must_be_owned_and_verified() {
        let user = run(
            json!({"primary_email_address_id": SEED_SECONDARY_EMAIL_ID}),
            false,
        )
        .expect("ok");
        assert_eq!(user["primary_email_address_id"], SEED_SECONDARY_EMAIL_ID);
        let err = run(json!({"primary_email_address_id": "idn_nope"}), false).expect_err("x");
        assert_eq!(err.code(), "form_param_format_invalid");
        let err = run(
            json!({"primary_email_address_id": SEED_UNVERIFIED_EMAIL_ID}),
            false,
        )
        .expect_err("unverified");
        assert_eq!(err.code(), "form_param_value_invalid");
    }

    #[test]
    fn secrets_flip_flags_only() {
        let user = run(
            json!({"password": "correct horse", "totp_secret": "JBSWY3DPEHPK3PXP"}),
            false,
        )
        .expect("ok");
        assert_eq!(user["password_enabled"], true);
        assert_eq!(user["totp_enabled"], true);
        assert_eq!(user["two_factor_enabled"], true);
        assert_eq!(user["mfa_enabled_at"], NOW);
        assert!(!Value::Object(user).to_string().contains("correct horse"));
        let err = run(json!({"password": "short"}), false).expect_err("short");
        assert_eq!(err.code(), "form_password_length_too_short");
        run(
            json!({"password": "short", "skip_password_checks": true}),
            false,
        )
        .expect("skip");
        let err = run(json!({"password_digest": "$2a$10$x"}), false).expect_err("hasher");
        assert_eq!(err.code(), "form_param_missing");
    }

    #[test]
    fn metadata_is_replaced_and_nulls_normalised() {
        let user = run(
            json!({"public_metadata": {"a": 1}, "unsafe_metadata": null,
                   "private_metadata": null}),
            false,
        )
        .expect("ok");
        assert_eq!(user["public_metadata"], json!({"a": 1}));
        assert_eq!(user["unsafe_metadata"], json!({}));
        assert_eq!(user["private_metadata"], Value::Null);
        let err = run(json!({"public_metadata": {}}), true).expect_err("2026");
        assert_eq!(err.code(), "form_param_unknown");
    }

    #[test]
    fn usernames_are_unique_and_blank_clears() {
        let err = run(json!({"username": "taken"}), false).expect_err("taken");
        assert_eq!(err.code(), "form_identifier_exists");
        let user = run(json!({"username": ""}), false).expect("ok");
        assert_eq!(user["username"], Value::Null);
    }

    #[test]
    fn timestamps_convert_to_millis() {
        let user = run(
            json!({"legal_accepted_at": "2012-10-20T07:15:20.902Z",
                   "created_at": "2020-01-01T00:00:00Z"}),
            false,
        )
        .expect("ok");
        assert_eq!(user["legal_accepted_at"], 1_350_717_320_902i64);
        assert_eq!(user["created_at"], 1_577_836_800_000i64);
        let err = run(json!({"created_at": "last tuesday"}), false).expect_err("bad");
        assert_eq!(err.code(), "form_param_format_invalid");
    }
}
