//! The body fields of the calls this library makes, as the Backend API defines them.
//!
//! One table per call drives the params normalizer: the Backend API's snake_case name, the
//! JSON type it takes, whether it may be `null`, and the API versions that accept it. The
//! camelCase spellings of Clerk's JavaScript SDK are derived from the snake_case name.

/// The JSON type a field takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A JSON string.
    String,
    /// `true` or `false`.
    Bool,
    /// A JSON number without fraction or exponent that fits in an `i64`.
    Integer,
    /// An array of strings.
    StringArray,
    /// A JSON object whose contents are the user's own data.
    Object,
}

impl Kind {
    /// How error messages name the type.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Kind::String => "a string",
            Kind::Bool => "true or false",
            Kind::Integer => "an integer",
            Kind::StringArray => "an array of strings",
            Kind::Object => "a JSON object",
        }
    }
}

/// One update-user body field.
#[derive(Debug)]
pub(crate) struct Field {
    /// The Backend API's name, sent on the wire.
    pub name: &'static str,
    /// The JSON type of its value.
    pub kind: Kind,
    /// Whether `null` is accepted (and sent as `null`).
    pub nullable: bool,
    /// The first API version that no longer accepts it in update user, if any.
    pub removed_in: Option<&'static str>,
}

/// The API version from which metadata must go through the metadata endpoints.
pub(crate) const METADATA_REMOVED_IN: &str = "2026-05-12";

const fn field(name: &'static str, kind: Kind, nullable: bool) -> Field {
    Field {
        name,
        kind,
        nullable,
        removed_in: None,
    }
}

const fn removed(mut f: Field, version: &'static str) -> Field {
    f.removed_in = Some(version);
    f
}

/// A call and the body fields it takes.
#[derive(Debug)]
pub(crate) struct Endpoint {
    /// How messages name the call.
    pub name: &'static str,
    /// How messages name the JSON argument (as the C API does).
    pub argument: &'static str,
    /// A valid body, shown when the argument is not a JSON object.
    pub example: &'static str,
    /// Where the README lists the accepted keys.
    pub docs: &'static str,
    /// Its body fields.
    pub fields: &'static [Field],
}

/// `PATCH /v1/users/{user_id}`.
pub(crate) const UPDATE_USER: Endpoint = Endpoint {
    name: "update user",
    argument: "params_json",
    example: r#"{"first_name":"Ada"}"#,
    docs: "the Params section of the README",
    fields: FIELDS,
};

/// `PATCH` (merge) and `PUT` (replace) `/v1/users/{user_id}/metadata`: the same fields.
pub(crate) const USER_METADATA: Endpoint = Endpoint {
    name: "the user metadata call",
    argument: "metadata_json",
    example: r#"{"public_metadata":{"plan":"pro"}}"#,
    docs: "the Metadata section of the README",
    fields: &[
        field("public_metadata", Kind::Object, false),
        field("private_metadata", Kind::Object, false),
        field("unsafe_metadata", Kind::Object, false),
    ],
};

/// Every body field of update user in API version 2025-11-10, in the API's order.
pub(crate) const FIELDS: &[Field] = &[
    field("external_id", Kind::String, true),
    field("first_name", Kind::String, true),
    field("last_name", Kind::String, true),
    field("locale", Kind::String, true),
    field("primary_email_address_id", Kind::String, true),
    field("notify_primary_email_address_changed", Kind::Bool, true),
    field("primary_phone_number_id", Kind::String, true),
    removed(
        field("primary_web3_wallet_id", Kind::String, true),
        "2026-05-12",
    ),
    field("username", Kind::String, true),
    field("profile_image_id", Kind::String, true),
    field("password", Kind::String, true),
    field("password_digest", Kind::String, false),
    field("password_hasher", Kind::String, false),
    field("skip_password_checks", Kind::Bool, true),
    field("sign_out_of_other_sessions", Kind::Bool, true),
    field("totp_secret", Kind::String, true),
    field("backup_codes", Kind::StringArray, false),
    removed(
        field("public_metadata", Kind::Object, true),
        METADATA_REMOVED_IN,
    ),
    removed(
        field("private_metadata", Kind::Object, true),
        METADATA_REMOVED_IN,
    ),
    removed(
        field("unsafe_metadata", Kind::Object, true),
        METADATA_REMOVED_IN,
    ),
    field("delete_self_enabled", Kind::Bool, true),
    field("create_organization_enabled", Kind::Bool, true),
    field("legal_accepted_at", Kind::String, true),
    field("skip_legal_checks", Kind::Bool, true),
    field("create_organizations_limit", Kind::Integer, true),
    field("created_at", Kind::String, true),
    field("bypass_client_trust", Kind::Bool, true),
];

/// Finds the field a params key names, in snake_case or in the JS SDK's camelCase.
pub(crate) fn lookup(fields: &'static [Field], key: &str) -> Option<&'static Field> {
    fields.iter().find(|f| spells(f.name, key))
}

/// Whether `key` is `name` (snake_case) or one of its camelCase spellings.
///
/// The JS SDK writes a trailing `_id` as `ID` in some params (`primaryEmailAddressID`) and
/// as `Id` in others (`externalId`); both are accepted for every field.
fn spells(name: &str, key: &str) -> bool {
    if key == name {
        return true;
    }

    let mut key_bytes = key.bytes();
    let mut upper_next = false;
    for (i, b) in name.bytes().enumerate() {
        if b == b'_' {
            upper_next = true;
            continue;
        }
        let Some(k) = key_bytes.next() else {
            return false;
        };
        let want = if upper_next {
            b.to_ascii_uppercase()
        } else {
            b
        };
        let id_suffix = upper_next && b == b'i' && &name[i..] == "id" && k == b'I';
        if k != want {
            return false;
        }
        if id_suffix {
            // After `I`, both `d` (`...Id`) and `D` (`...ID`) are accepted.
            return matches!(
                (key_bytes.next(), key_bytes.next()),
                (Some(b'd' | b'D'), None)
            );
        }
        upper_next = false;
    }
    key_bytes.next().is_none()
}

/// The camelCase spelling of a snake_case name, as suggestions show it.
pub(crate) fn camel_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper_next = false;
    for c in name.chars() {
        if c == '_' {
            upper_next = true;
        } else if upper_next {
            out.push(c.to_ascii_uppercase());
            upper_next = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The field name closest to an unknown key, if any is close enough to be a likely typo.
///
/// Case, `_` and `-` are ignored, so `firstname` and `FIRST-NAME` both find `first_name`.
pub(crate) fn closest(fields: &'static [Field], key: &str) -> Option<&'static Field> {
    // No field name is longer than 40 bytes, so a longer key is no typo of one; skipping
    // it also keeps a huge key from costing time quadratic in its length.
    if key.len() > 64 {
        return None;
    }
    let folded = fold(key);
    fields
        .iter()
        .map(|f| (distance(&folded, &fold(f.name)), f))
        .filter(|(d, f)| *d <= (f.name.len() / 4).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, f)| f)
}

fn fold(s: &str) -> Vec<char> {
    s.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Levenshtein distance between two short strings.
fn distance(a: &[char], b: &[char]) -> usize {
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_is_found_by_its_snake_and_camel_names() {
        for f in FIELDS {
            assert_eq!(lookup(FIELDS, f.name).map(|x| x.name), Some(f.name));
            assert_eq!(
                lookup(FIELDS, &camel_case(f.name)).map(|x| x.name),
                Some(f.name)
            );
        }
    }

    #[test]
    fn the_js_sdk_spellings_are_accepted() {
        let cases = [
            ("firstName", "first_name"),
            ("externalId", "external_id"),
            ("externalID", "external_id"),
            ("primaryEmailAddressID", "primary_email_address_id"),
            ("primaryPhoneNumberID", "primary_phone_number_id"),
            ("primaryWeb3WalletID", "primary_web3_wallet_id"),
            ("profileImageID", "profile_image_id"),
            ("publicMetadata", "public_metadata"),
            ("createOrganizationsLimit", "create_organizations_limit"),
            (
                "notifyPrimaryEmailAddressChanged",
                "notify_primary_email_address_changed",
            ),
        ];
        for (key, name) in cases {
            assert_eq!(lookup(FIELDS, key).map(|f| f.name), Some(name), "{key}");
        }
    }

    #[test]
    fn near_misses_are_not_accepted() {
        for key in [
            "firstname",
            "FirstName",
            "first_Name",
            "firstName ",
            "first-name",
            "primaryEmailAddressIDs",
            "externalIdd",
            "external_ID",
            "",
            "_",
            "id",
        ] {
            assert!(
                lookup(FIELDS, key).is_none(),
                "{key:?} should not be accepted"
            );
        }
    }

    #[test]
    fn typos_find_the_closest_name() {
        let cases = [
            ("firstname", "first_name"),
            ("FIRST-NAME", "first_name"),
            ("lastNme", "last_name"),
            ("usernme", "username"),
            ("publicMetaData", "public_metadata"),
            ("primary_emial_address_id", "primary_email_address_id"),
        ];
        for (key, want) in cases {
            assert_eq!(closest(FIELDS, key).map(|f| f.name), Some(want), "{key}");
        }
        assert!(closest(FIELDS, "favourite_colour").is_none());
        assert!(closest(FIELDS, &"first_name".repeat(100)).is_none());
    }
}
