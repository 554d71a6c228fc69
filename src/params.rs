//! Typed params for update user, for Rust callers.

use std::fmt;

use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

/// One param of an update: left out, set to a value, or set to `null`.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Field<T> {
    /// Not sent: Clerk leaves the attribute as it is.
    #[default]
    Unchanged,
    /// Sent with this value.
    Set(T),
    /// Sent as `null`: Clerk clears the attribute.
    Null,
}

impl<T> Field<T> {
    /// Whether the field is left out of the request.
    pub fn is_unchanged(&self) -> bool {
        matches!(self, Field::Unchanged)
    }
}

impl<T: Serialize> Serialize for Field<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Field::Set(value) => value.serialize(serializer),
            Field::Unchanged | Field::Null => serializer.serialize_none(),
        }
    }
}

/// The attributes to change on a user; everything not set is left unchanged.
///
/// Each field has a setter that sets a value and, where Clerk accepts `null`, a `clear_`
/// setter that sends `null`. Only the fields set are sent.
///
/// ```
/// use clerk::UpdateUserParams;
/// use serde_json::json;
///
/// let params = UpdateUserParams::new()
///     .first_name("John")
///     .clear_username()
///     .public_metadata(json!({"plan": "pro"}));
/// assert_eq!(
///     serde_json::to_string(&params)?,
///     r#"{"first_name":"John","username":null,"public_metadata":{"plan":"pro"}}"#,
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Default, PartialEq, Serialize)]
pub struct UpdateUserParams {
    /// Your own id for the user; unique in the instance.
    #[serde(skip_serializing_if = "Field::is_unchanged")]
    pub external_id: Field<String>,
    /// The first name.
    #[serde(skip_serializing_if = "Field::is_unchanged")]
    pub first_name: Field<String>,
    /// The last name.
    #[serde(skip_serializing_if = "Field::is_unchanged")]
    pub last_name: Field<String>,
    /// The locale, such as `en-US`.
    #[serde(skip_serializing_if = "Field::is_unchanged")]
    pub locale: Field<String>,
    /// The id of a verified email address of the user, to make primary.
    #[serde(skip_serializing_if = "Field::is_unchanged")]
    pub primary_email_address_id: Field<String>,
    /// Whether to tell the user that their primary email address changed.
    #[serde(skip_serializing_if = "Field::is_unchanged")]
    pub notify_primary_email_address_changed: Field<bool>,
    /// The id of a verified phone number of the user, to make primary.
    #[serde(skip_serializing_if = "Field::is_unchanged")]
    pub primary_phone_number_id: Field<String>,
    /// The id of a verified web3 wallet of the user, to make primary (API versions before
    /// 2026-05-12).
    #[serde(skip_serializing_if = "Field::is_unchanged")]
    pub primary_web3_wallet_id: Field<String>,
    /// The username; unique in the instance. `null` removes it.
    #[serde(skip_serializing_if = "Field::is_unchanged")]
    pub username: Field<String>,
    /// The id of an uploaded image to make the profile image.
    #[serde(skip_serializing_if = "Field::is_unchanged")]
    pub profile_image_id: Field<String>,
    /// A new plaintext password.
    #[serde(skip_serializing_if = "Field::is_unchanged")]
    pub password: Field<String>,
    /// A password digest made by `password_hasher`, instead of a plaintext password.
    #[serde(skip_serializing_if = "Field::is_unchanged")]
    pub password_digest: Field<String>,
    /// The algorithm of `password_digest`, such as `bcrypt` or `argon2id`.
    #[serde(skip_serializing_if = "Field::is_unchanged")]
    pub password_hasher: Field<String>,
    /// Skip the instance's password policy for `password`.
    #[serde(skip_serializing_if = "Field::is_unchanged")]
    pub skip_password_checks: Field<bool>,
    /// Sign the user out of their other sessions once the password changes.
    #[serde(skip_serializing_if = "Field::is_unchanged")]
    pub sign_out_of_other_sessions: Field<bool>,
    /// A TOTP secret to enable TOTP without enrolling again.
    #[serde(skip_serializing_if = "Field::is_unchanged")]
    pub totp_secret: Field<String>,
    /// Backup codes, plain or as bcrypt digests.
    #[serde(skip_serializing_if = "Field::is_unchanged")]
    pub backup_codes: Field<Vec<String>>,
    /// Metadata readable by the frontend and backend; replaces the whole object; must be a JSON
    /// object (API versions before 2026-05-12).
    #[serde(skip_serializing_if = "Field::is_unchanged")]
    pub public_metadata: Field<Value>,
    /// Metadata readable only by the backend; replaces the whole object (API versions
    /// before 2026-05-12).
    #[serde(skip_serializing_if = "Field::is_unchanged")]
    pub private_metadata: Field<Value>,
    /// Metadata the frontend may also write; replaces the whole object (API versions
    /// before 2026-05-12).
    #[serde(skip_serializing_if = "Field::is_unchanged")]
    pub unsafe_metadata: Field<Value>,
    /// Whether the user may delete themselves from the frontend.
    #[serde(skip_serializing_if = "Field::is_unchanged")]
    pub delete_self_enabled: Field<bool>,
    /// Whether the user may create organizations from the frontend.
    #[serde(skip_serializing_if = "Field::is_unchanged")]
    pub create_organization_enabled: Field<bool>,
    /// When the user accepted the legal terms, as RFC 3339 (`2024-05-28T08:00:00Z`).
    #[serde(skip_serializing_if = "Field::is_unchanged")]
    pub legal_accepted_at: Field<String>,
    /// Skip the legal-acceptance checks (for migrations).
    #[serde(skip_serializing_if = "Field::is_unchanged")]
    pub skip_legal_checks: Field<bool>,
    /// How many organizations the user may create; 0 means no limit.
    #[serde(skip_serializing_if = "Field::is_unchanged")]
    pub create_organizations_limit: Field<i64>,
    /// When the user signed up, as RFC 3339 (for migrations).
    #[serde(skip_serializing_if = "Field::is_unchanged")]
    pub created_at: Field<String>,
    /// Whether the user skips device-trust checks at sign-in.
    #[serde(skip_serializing_if = "Field::is_unchanged")]
    pub bypass_client_trust: Field<bool>,
}

/// Secrets stay out of `Debug` output, which ends up in logs.
impl fmt::Debug for UpdateUserParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = serde_json::to_value(self).unwrap_or(Value::Null);
        let mut shown = match text {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        for secret in ["password", "password_digest", "totp_secret", "backup_codes"] {
            if let Some(value) = shown.get_mut(secret) {
                *value = Value::from("<redacted>");
            }
        }
        write!(f, "UpdateUserParams {}", Value::Object(shown))
    }
}

/// Writes, for each nullable field, a setter that sets a value and one that sends `null`.
macro_rules! nullable_setters {
    ($( $name:ident, $clear:ident: $arg:ty; )*) => {
        impl UpdateUserParams {
            $(
                #[doc = concat!("Sets `", stringify!($name), "`.")]
                pub fn $name(mut self, value: impl Into<$arg>) -> Self {
                    self.$name = Field::Set(value.into());
                    self
                }

                #[doc = concat!("Sends `", stringify!($name), ": null`, clearing it.")]
                pub fn $clear(mut self) -> Self {
                    self.$name = Field::Null;
                    self
                }
            )*
        }
    };
}

/// Writes a setter for each field that Clerk does not let be `null`.
macro_rules! value_setters {
    ($( $name:ident: $arg:ty; )*) => {
        impl UpdateUserParams {
            $(
                #[doc = concat!("Sets `", stringify!($name), "` (Clerk takes no `null` here).")]
                pub fn $name(mut self, value: impl Into<$arg>) -> Self {
                    self.$name = Field::Set(value.into());
                    self
                }
            )*
        }
    };
}

nullable_setters! {
    external_id, clear_external_id: String;
    first_name, clear_first_name: String;
    last_name, clear_last_name: String;
    locale, clear_locale: String;
    primary_email_address_id, clear_primary_email_address_id: String;
    notify_primary_email_address_changed, clear_notify_primary_email_address_changed: bool;
    primary_phone_number_id, clear_primary_phone_number_id: String;
    primary_web3_wallet_id, clear_primary_web3_wallet_id: String;
    username, clear_username: String;
    profile_image_id, clear_profile_image_id: String;
    password, clear_password: String;
    skip_password_checks, clear_skip_password_checks: bool;
    sign_out_of_other_sessions, clear_sign_out_of_other_sessions: bool;
    totp_secret, clear_totp_secret: String;
    public_metadata, clear_public_metadata: Value;
    private_metadata, clear_private_metadata: Value;
    unsafe_metadata, clear_unsafe_metadata: Value;
    delete_self_enabled, clear_delete_self_enabled: bool;
    create_organization_enabled, clear_create_organization_enabled: bool;
    legal_accepted_at, clear_legal_accepted_at: String;
    skip_legal_checks, clear_skip_legal_checks: bool;
    create_organizations_limit, clear_create_organizations_limit: i64;
    created_at, clear_created_at: String;
    bypass_client_trust, clear_bypass_client_trust: bool;
}

value_setters! {
    password_digest: String;
    password_hasher: String;
    backup_codes: Vec<String>;
}

impl UpdateUserParams {
    /// Params that change nothing; add fields with the setters.
    pub fn new() -> Self {
        Self::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_set_fields_are_sent() {
        let params = UpdateUserParams::new()
            .first_name("Ada")
            .clear_last_name()
            .create_organizations_limit(3)
            .backup_codes(vec!["a".to_owned()]);
        let sent = serde_json::to_value(&params).expect("serializable");
        assert_eq!(
            sent,
            json!({"first_name":"Ada","last_name":null,"create_organizations_limit":3,
                   "backup_codes":["a"]})
        );
        assert_eq!(
            serde_json::to_string(&UpdateUserParams::new())
                .ok()
                .as_deref(),
            Some("{}")
        );
    }

    #[test]
    fn debug_output_hides_secrets() {
        let params = UpdateUserParams::new()
            .password("hunter2hunter2")
            .totp_secret("TOTPSECRET")
            .first_name("Ada");
        let shown = format!("{params:?}");
        assert!(
            !shown.contains("hunter2") && !shown.contains("TOTPSECRET"),
            "{shown}"
        );
        assert!(shown.contains("Ada"));
    }
}
