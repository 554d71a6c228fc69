//! A typed view of Clerk's user object.
//!
//! By the time a user arrives the update has been applied, so decoding must not fail on
//! what Clerk adds over time: every field is optional, `null` is accepted everywhere,
//! unknown enum values are kept as text, and unknown fields are kept in `extra`.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// A Clerk user, as update user returns it.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct User {
    /// The user id, `user_...`.
    #[serde(default, deserialize_with = "or_default")]
    pub id: String,
    /// Your own id for the user.
    #[serde(default)]
    pub external_id: Option<String>,
    /// The id of the primary email address, one of `email_addresses`.
    #[serde(default)]
    pub primary_email_address_id: Option<String>,
    /// The id of the primary phone number, one of `phone_numbers`.
    #[serde(default)]
    pub primary_phone_number_id: Option<String>,
    /// The id of the primary web3 wallet, one of `web3_wallets`.
    #[serde(default)]
    pub primary_web3_wallet_id: Option<String>,
    /// The username.
    #[serde(default)]
    pub username: Option<String>,
    /// The first name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// The last name.
    #[serde(default)]
    pub last_name: Option<String>,
    /// The locale, such as `en-US`.
    #[serde(default)]
    pub locale: Option<String>,
    /// The URL of the profile image.
    #[serde(default)]
    pub image_url: Option<String>,
    /// Whether the user uploaded a profile image.
    #[serde(default)]
    pub has_image: Option<bool>,
    /// Metadata readable by the frontend and backend.
    #[serde(default, deserialize_with = "or_default")]
    pub public_metadata: Map<String, Value>,
    /// Metadata readable only by the backend.
    #[serde(default)]
    pub private_metadata: Option<Map<String, Value>>,
    /// Metadata the frontend may also write.
    #[serde(default, deserialize_with = "or_default")]
    pub unsafe_metadata: Map<String, Value>,
    /// The user's email addresses.
    #[serde(default, deserialize_with = "or_default")]
    pub email_addresses: Vec<EmailAddress>,
    /// The user's phone numbers.
    #[serde(default, deserialize_with = "or_default")]
    pub phone_numbers: Vec<PhoneNumber>,
    /// The user's web3 wallets, as Clerk sent them.
    #[serde(default, deserialize_with = "or_default")]
    pub web3_wallets: Vec<Value>,
    /// The user's OAuth accounts, as Clerk sent them.
    #[serde(default, deserialize_with = "or_default")]
    pub external_accounts: Vec<Value>,
    /// Whether the user has a password.
    #[serde(default)]
    pub password_enabled: Option<bool>,
    /// Whether any second factor is on.
    #[serde(default)]
    pub two_factor_enabled: Option<bool>,
    /// Whether TOTP is on.
    #[serde(default)]
    pub totp_enabled: Option<bool>,
    /// Whether backup codes are on.
    #[serde(default)]
    pub backup_code_enabled: Option<bool>,
    /// Whether the user is banned.
    #[serde(default)]
    pub banned: Option<bool>,
    /// Whether the user is locked out.
    #[serde(default)]
    pub locked: Option<bool>,
    /// Whether the user may delete themselves from the frontend.
    #[serde(default)]
    pub delete_self_enabled: Option<bool>,
    /// Whether the user may create organizations from the frontend.
    #[serde(default)]
    pub create_organization_enabled: Option<bool>,
    /// How many organizations the user may create; 0 means no limit.
    #[serde(default)]
    pub create_organizations_limit: Option<i64>,
    /// Last sign-in, Unix milliseconds.
    #[serde(default)]
    pub last_sign_in_at: Option<i64>,
    /// Last activity, Unix milliseconds (day precision).
    #[serde(default)]
    pub last_active_at: Option<i64>,
    /// When the user accepted the legal terms, Unix milliseconds.
    #[serde(default)]
    pub legal_accepted_at: Option<i64>,
    /// Creation, Unix milliseconds.
    #[serde(default)]
    pub created_at: Option<i64>,
    /// Last update, Unix milliseconds.
    #[serde(default)]
    pub updated_at: Option<i64>,
    /// Every other field Clerk sent, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One email address of a user.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct EmailAddress {
    /// The id, `idn_...`.
    #[serde(default, deserialize_with = "or_default")]
    pub id: String,
    /// The address.
    #[serde(default, deserialize_with = "or_default")]
    pub email_address: String,
    /// How and whether it was verified.
    #[serde(default)]
    pub verification: Option<Verification>,
    /// Every other field Clerk sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One phone number of a user.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct PhoneNumber {
    /// The id, `idn_...`.
    #[serde(default, deserialize_with = "or_default")]
    pub id: String,
    /// The number, in E.164 form.
    #[serde(default, deserialize_with = "or_default")]
    pub phone_number: String,
    /// How and whether it was verified.
    #[serde(default)]
    pub verification: Option<Verification>,
    /// Every other field Clerk sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The verification of an email address or phone number.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct Verification {
    /// The state of the verification.
    #[serde(default)]
    pub status: Option<VerificationStatus>,
    /// How it was verified, such as `email_code`; kept as text, as Clerk adds strategies.
    #[serde(default)]
    pub strategy: Option<String>,
    /// Every other field Clerk sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The state of a verification. Values Clerk adds later arrive as [`Other`](Self::Other).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VerificationStatus {
    /// Not verified yet.
    Unverified,
    /// Verified.
    Verified,
    /// Verification failed.
    Failed,
    /// The verification expired.
    Expired,
    /// A value this version of the library does not know, as sent.
    #[serde(untagged)]
    Other(String),
}

impl<'de> Deserialize<'de> for VerificationStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(match text.as_str() {
            "unverified" => Self::Unverified,
            "verified" => Self::Verified,
            "failed" => Self::Failed,
            "expired" => Self::Expired,
            _ => Self::Other(text),
        })
    }
}

/// Reads `null` as the type's default, so an unexpected `null` does not fail the decode.
fn or_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_user_decodes() {
        let text = r#"{
            "object": "user", "id": "user_1", "username": "jw", "first_name": "John",
            "last_name": null, "public_metadata": {"a": 1}, "private_metadata": null,
            "unsafe_metadata": {}, "email_addresses": [{"id": "idn_1",
            "email_address": "j@example.com", "verification": {"status": "verified",
            "strategy": "email_code"}}], "phone_numbers": [], "banned": false,
            "created_at": 1716883200000, "updated_at": 1716883500000
        }"#;
        let user: User = serde_json::from_str(text).expect("decodes");
        assert_eq!(user.id, "user_1");
        assert_eq!(user.first_name.as_deref(), Some("John"));
        assert_eq!(user.last_name, None);
        assert_eq!(user.public_metadata["a"], 1);
        assert_eq!(
            user.email_addresses[0]
                .verification
                .as_ref()
                .and_then(|v| v.status.clone()),
            Some(VerificationStatus::Verified)
        );
        assert_eq!(user.extra["object"], "user");
    }

    #[test]
    fn new_fields_values_and_nulls_do_not_fail() {
        let text = r#"{
            "id": "user_1", "public_metadata": null, "unsafe_metadata": null,
            "email_addresses": null, "phone_numbers": [{"id": null, "phone_number": null,
            "verification": {"status": "transferable", "strategy": "brand_new"}}],
            "banned": null, "created_at": null, "brand_new_field": {"x": [1, 2]}
        }"#;
        let user: User = serde_json::from_str(text).expect("decodes");
        assert!(user.public_metadata.is_empty());
        assert!(user.email_addresses.is_empty());
        assert_eq!(user.banned, None);
        let status = user.phone_numbers[0]
            .verification
            .as_ref()
            .and_then(|v| v.status.clone());
        assert_eq!(
            status,
            Some(VerificationStatus::Other("transferable".into()))
        );
        assert_eq!(user.extra["brand_new_field"]["x"][1], 2);
    }
}
