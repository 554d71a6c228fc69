//! The users every new stand-in starts with.
//!
//! Three invented users cover the interesting cases: a fully populated one (several
//! email addresses in different verification states, a phone, a wallet, metadata), a
//! second one whose username and external id exist so uniqueness checks can collide,
//! and a bare one where every nullable field is null.

use serde_json::{json, Value};

/// The fully populated user (Ada Quill).
pub const SEED_USER_ID: &str = "user_2xStandInSeedUser0000001";
/// Ada's username.
pub const SEED_USERNAME: &str = "ada_quill";
/// Ada's external id.
pub const SEED_EXTERNAL_ID: &str = "ext-ada-0001";
/// Ada's primary email address (`ada.quill@example.com`, verified).
pub const SEED_PRIMARY_EMAIL_ID: &str = "idn_2xStandInAdaEmailPrimary01";
/// Ada's second verified address (`ada@quill-labs.example`), a valid new primary.
pub const SEED_SECONDARY_EMAIL_ID: &str = "idn_2xStandInAdaEmailWork0002";
/// Ada's unverified address (`ada.pending@example.net`), which may not become primary.
pub const SEED_UNVERIFIED_EMAIL_ID: &str = "idn_2xStandInAdaEmailPending03";
/// Ada's verified phone number (`+15555550142`), currently primary.
pub const SEED_PHONE_ID: &str = "idn_2xStandInAdaPhone00000001";
/// Ada's unverified phone number (`+15555550199`).
pub const SEED_UNVERIFIED_PHONE_ID: &str = "idn_2xStandInAdaPhonePending2";
/// Ada's verified web3 wallet, not primary at first.
pub const SEED_WEB3_WALLET_ID: &str = "idn_2xStandInAdaWallet0000001";

/// The second user (Grace Holt), for collisions.
pub const SECOND_USER_ID: &str = "user_2xStandInSeedUser0000002";
/// Grace's username.
pub const SECOND_USERNAME: &str = "grace_holt";
/// Grace's external id.
pub const SECOND_EXTERNAL_ID: &str = "ext-grace-0002";
/// Grace's only email address (`grace.holt@example.com`, verified, primary).
pub const SECOND_EMAIL_ID: &str = "idn_2xStandInGraceEmail000001";

/// A user with no identifiers, no names and every nullable field null.
pub const BARE_USER_ID: &str = "user_2xStandInSeedUser0000003";

/// An invented, well-formed Ethereum address.
const ADA_WALLET_ADDRESS: &str = "0x5eed00000000000000000000000000000000ada1";

/// 2025-01-01T10:00:00Z: seeded objects predate every test run.
const CREATED: i64 = 1_735_725_600_000;
/// 2025-03-14T09:26:53Z.
const UPDATED: i64 = 1_741_944_413_000;

/// Fresh copies of the seeded users, in a stable order.
pub fn seed_users() -> Vec<Value> {
    vec![ada(), grace(), bare()]
}

fn ada() -> Value {
    let mut user = base_user(SEED_USER_ID);
    let fields = json!({
        "external_id": SEED_EXTERNAL_ID,
        "username": SEED_USERNAME,
        "first_name": "Ada",
        "last_name": "Quill",
        "locale": "en-GB",
        "primary_email_address_id": SEED_PRIMARY_EMAIL_ID,
        "primary_phone_number_id": SEED_PHONE_ID,
        "image_url": "https://img.clerk.com/stand-in/ada-quill",
        "profile_image_url": "https://img.clerk.com/stand-in/ada-quill",
        "has_image": true,
        "public_metadata": { "plan": "pro", "roles": ["editor"], "team": { "id": "t_42" } },
        "private_metadata": { "billing_id": "cus_standin_0001" },
        "unsafe_metadata": { "theme": "dark" },
        "email_addresses": [
            email(SEED_PRIMARY_EMAIL_ID, "ada.quill@example.com", true),
            email(SEED_SECONDARY_EMAIL_ID, "ada@quill-labs.example", true),
            email(SEED_UNVERIFIED_EMAIL_ID, "ada.pending@example.net", false),
        ],
        "phone_numbers": [
            phone(SEED_PHONE_ID, "+15555550142", true),
            phone(SEED_UNVERIFIED_PHONE_ID, "+15555550199", false),
        ],
        "web3_wallets": [wallet(SEED_WEB3_WALLET_ID, ADA_WALLET_ADDRESS)],
        "password_enabled": true,
        "password_last_updated_at": CREATED,
        "last_sign_in_at": UPDATED,
        "last_active_at": UPDATED,
        "legal_accepted_at": CREATED,
    });
    merge_into(&mut user, fields);
    user
}

fn grace() -> Value {
    let mut user = base_user(SECOND_USER_ID);
    let fields = json!({
        "external_id": SECOND_EXTERNAL_ID,
        "username": SECOND_USERNAME,
        "first_name": "Grace",
        "last_name": "Holt",
        "primary_email_address_id": SECOND_EMAIL_ID,
        "email_addresses": [email(SECOND_EMAIL_ID, "grace.holt@example.com", true)],
        "public_metadata": { "plan": "free" },
        "private_metadata": {},
        "password_enabled": true,
        "password_last_updated_at": CREATED,
        "last_sign_in_at": CREATED,
        "last_active_at": CREATED,
    });
    merge_into(&mut user, fields);
    user
}

fn bare() -> Value {
    base_user(BARE_USER_ID)
}

/// Every field of the User schema at its empty value; the helpers above fill some in.
///
/// Built in two halves because one `json!` this large exceeds the macro recursion limit.
fn base_user(id: &str) -> Value {
    let mut user = json!({
        "object": "user",
        "id": id,
        "external_id": null,
        "primary_email_address_id": null,
        "primary_phone_number_id": null,
        "primary_web3_wallet_id": null,
        "username": null,
        "first_name": null,
        "last_name": null,
        "locale": null,
        "profile_image_url": "https://img.clerk.com/stand-in/default-avatar",
        "image_url": "https://img.clerk.com/stand-in/default-avatar",
        "has_image": false,
        "public_metadata": {},
        "private_metadata": null,
        "unsafe_metadata": {},
        "email_addresses": [],
        "phone_numbers": [],
        "web3_wallets": [],
        "passkeys": [],
    });
    let flags_and_times = json!({
        "password_enabled": false,
        "two_factor_enabled": false,
        "totp_enabled": false,
        "backup_code_enabled": false,
        "mfa_enabled_at": null,
        "mfa_disabled_at": null,
        "password_last_updated_at": null,
        "external_accounts": [],
        "saml_accounts": [],
        "enterprise_accounts": [],
        "organization_memberships": [],
        "last_sign_in_at": null,
        "banned": false,
        "locked": false,
        "deprovisioned": false,
        "lockout_expires_in_seconds": null,
        "verification_attempts_remaining": 100,
        "updated_at": UPDATED,
        "created_at": CREATED,
        "delete_self_enabled": true,
        "create_organization_enabled": true,
        "create_organizations_limit": null,
        "last_active_at": null,
        "legal_accepted_at": null,
        "bypass_client_trust": false,
    });
    merge_into(&mut user, flags_and_times);
    user
}

fn email(id: &str, address: &str, verified: bool) -> Value {
    json!({
        "id": id,
        "object": "email_address",
        "email_address": address,
        "reserved": false,
        "verification": otp(verified, "email_code"),
        "linked_to": [],
        "matches_sso_connection": false,
        "created_at": CREATED,
        "updated_at": UPDATED,
    })
}

fn phone(id: &str, number: &str, verified: bool) -> Value {
    json!({
        "id": id,
        "object": "phone_number",
        "phone_number": number,
        "reserved_for_second_factor": false,
        "default_second_factor": false,
        "reserved": false,
        "verification": otp(verified, "phone_code"),
        "linked_to": [],
        "backup_codes": null,
        "created_at": CREATED,
        "updated_at": UPDATED,
    })
}

fn wallet(id: &str, address: &str) -> Value {
    json!({
        "id": id,
        "object": "web3_wallet",
        "web3_wallet": address,
        "verification": {
            "object": "verification_web3",
            "status": "verified",
            "strategy": "web3_metamask_signature",
            "nonce": null,
            "message": null,
            "attempts": 1,
            "expire_at": null,
        },
        "created_at": CREATED,
        "updated_at": UPDATED,
    })
}

fn otp(verified: bool, strategy: &str) -> Value {
    json!({
        "object": "verification_otp",
        "status": if verified { "verified" } else { "unverified" },
        "strategy": strategy,
        "attempts": if verified { 1 } else { 0 },
        // A pending code expires ten minutes after it was sent.
        "expire_at": if verified { Value::Null } else { json!(UPDATED + 600_000) },
    })
}

/// Shallow-overwrites `user`'s fields with those of `fields` (both objects).
fn merge_into(user: &mut Value, fields: Value) {
    if let (Some(target), Value::Object(source)) = (user.as_object_mut(), fields) {
        target.extend(source);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Required properties of the User schema in API version 2025-11-10.
    const REQUIRED: &[&str] = &[
        "id",
        "object",
        "username",
        "first_name",
        "last_name",
        "has_image",
        "primary_email_address_id",
        "primary_phone_number_id",
        "primary_web3_wallet_id",
        "password_enabled",
        "two_factor_enabled",
        "totp_enabled",
        "backup_code_enabled",
        "email_addresses",
        "phone_numbers",
        "web3_wallets",
        "passkeys",
        "external_accounts",
        "saml_accounts",
        "enterprise_accounts",
        "public_metadata",
        "external_id",
        "last_sign_in_at",
        "banned",
        "locked",
        "lockout_expires_in_seconds",
        "verification_attempts_remaining",
        "created_at",
        "updated_at",
        "delete_self_enabled",
        "create_organization_enabled",
        "last_active_at",
        "mfa_enabled_at",
        "mfa_disabled_at",
        "legal_accepted_at",
    ];

    #[test]
    fn seeded_users_carry_every_required_field() {
        for user in seed_users() {
            for field in REQUIRED {
                assert!(user.get(field).is_some(), "{} lacks {field}", user["id"]);
            }
            assert_eq!(user["object"], "user");
        }
    }

    #[test]
    fn ids_are_distinct_and_prefixed() {
        let users = seed_users();
        assert_eq!(users[0]["id"], SEED_USER_ID);
        assert_eq!(users[1]["id"], SECOND_USER_ID);
        assert_eq!(users[2]["id"], BARE_USER_ID);
        for user in &users {
            assert!(user["id"]
                .as_str()
                .is_some_and(|id| id.starts_with("user_")));
        }
    }
}
