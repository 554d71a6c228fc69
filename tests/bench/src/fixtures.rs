//! What every client sends and what the server answers: ids, key, params and user bodies.

use serde_json::{json, Map, Value};

/// The user whose update returns the ~3 KB user object.
pub const SMALL_USER_ID: &str = "user_2xBenchSmallUser0000001";
/// The user whose update returns the user object carrying 256 KiB of metadata.
pub const LARGE_USER_ID: &str = "user_2xBenchLargeUser0000001";
/// The secret key every client presents; the server does not check it.
pub const SECRET_KEY: &str = "sk_test_bench_0123456789abcdef";
/// The params as a caller gives them to libclerk: camelCase, as Clerk's JS SDK takes them.
pub const PARAMS_JSON: &str =
    r#"{"firstName":"John","lastName":"Wick","username":"john_wick","externalId":"ext-4242"}"#;
/// The body libclerk sends for [`PARAMS_JSON`], which the baselines send as is.
pub const PARAMS_BODY: &str =
    r#"{"first_name":"John","last_name":"Wick","username":"john_wick","external_id":"ext-4242"}"#;
/// How much metadata the large user carries, in bytes of JSON.
pub const LARGE_METADATA_BYTES: usize = 256 * 1024;

/// The two answers the server gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// A realistic user of about 3 KB.
    Small,
    /// The same user with 256 KiB of public metadata.
    Large,
}

impl Variant {
    /// Both variants, small first.
    pub const ALL: [Variant; 2] = [Variant::Small, Variant::Large];

    /// The user id whose updates get this answer.
    pub fn user_id(self) -> &'static str {
        match self {
            Variant::Small => SMALL_USER_ID,
            Variant::Large => LARGE_USER_ID,
        }
    }

    /// How tables name it.
    pub fn label(self) -> &'static str {
        match self {
            Variant::Small => "3 KB user",
            Variant::Large => "256 KB user",
        }
    }

    /// The user body for this variant.
    pub fn body(self) -> String {
        match self {
            Variant::Small => small_user(),
            Variant::Large => large_user(),
        }
    }
}

/// A realistic user object as update user returns it, about 3 KB of JSON.
///
/// The stand-in's fully populated seed user (three email addresses in different states,
/// a phone, a web3 wallet, some metadata, every field of the User schema), with the names
/// [`PARAMS_JSON`] sets, as they are after the update.
pub fn small_user() -> String {
    serde_json::to_string(&small_user_value()).expect("a JSON value always serializes")
}

/// [`small_user`] with [`LARGE_METADATA_BYTES`] of public metadata: an app that keeps a
/// list of records per user there, the worst case the library must still handle.
pub fn large_user() -> String {
    let mut user = small_user_value();
    user["public_metadata"] = Value::Object(bulky_metadata(LARGE_METADATA_BYTES));
    serde_json::to_string(&user).expect("a JSON value always serializes")
}

fn small_user_value() -> Value {
    let mut user = clerk_stand_in::seed_users()
        .into_iter()
        .next()
        .expect("the stand-in seeds at least one user");
    let updated = json!({
        "id": SMALL_USER_ID,
        "first_name": "John",
        "last_name": "Wick",
        "username": "john_wick",
        "external_id": "ext-4242",
    });
    if let (Some(target), Value::Object(fields)) = (user.as_object_mut(), updated) {
        target.extend(fields);
    }
    // One phone number instead of the seed's two brings the user to about 3 KB.
    if let Some(phones) = user["phone_numbers"].as_array_mut() {
        phones.truncate(1);
    }
    user
}

/// Metadata of at least `bytes` bytes of JSON: numbered order records.
fn bulky_metadata(bytes: usize) -> Map<String, Value> {
    let mut metadata = Map::new();
    let mut size = 2;
    // Each record is about 130 bytes; the bound only guards against a mistake above.
    for n in 0..bytes {
        if size >= bytes {
            break;
        }
        let key = format!("order_{n:06}");
        let record = json!({
            "sku": format!("SKU-{:08}", n * 7919 % 100_000_000),
            "quantity": n % 9 + 1,
            "status": if n % 3 == 0 { "shipped" } else { "delivered" },
            "note": "left at the front desk",
        });
        size += key.len() + 4 + record.to_string().len();
        metadata.insert(key, record);
    }
    metadata
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_have_the_advertised_sizes() {
        let small = small_user().len();
        assert!((2_800..=3_300).contains(&small), "{small}");
        let large: Value = serde_json::from_str(&large_user()).expect("valid JSON");
        let metadata = large["public_metadata"].to_string().len();
        assert!(metadata >= LARGE_METADATA_BYTES, "{metadata}");
        assert!(metadata < LARGE_METADATA_BYTES + 1_024, "{metadata}");
    }

    #[test]
    fn the_params_body_is_the_params_in_snake_case() {
        let given: Value = serde_json::from_str(PARAMS_JSON).expect("valid JSON");
        let sent: Value = serde_json::from_str(PARAMS_BODY).expect("valid JSON");
        assert_eq!(
            given.as_object().map(Map::len),
            sent.as_object().map(Map::len)
        );
        assert_eq!(given["firstName"], sent["first_name"]);
        assert_eq!(given["externalId"], sent["external_id"]);
    }
}
