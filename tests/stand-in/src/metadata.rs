//! The dedicated metadata endpoints, `PATCH` (deep merge) and `PUT` (replace) on
//! `/v1/users/{user_id}/metadata`.

use serde_json::{Map, Value};

use crate::errors::ApiError;
use crate::update::METADATA_FIELDS;

/// How the given metadata objects combine with the stored ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Deep merge; a `null` value removes that key at any depth.
    Merge,
    /// Each given field is replaced whole; fields not given stay as they are.
    Replace,
}

/// Applies a metadata body to `user`.
pub(crate) fn apply(
    user: &mut Map<String, Value>,
    body: &Value,
    mode: Mode,
    now: i64,
) -> Result<(), ApiError> {
    let Value::Object(body) = body else {
        return Err(ApiError::malformed(
            "The request body must be a JSON object.",
        ));
    };
    let unknown: Vec<ApiError> = body
        .keys()
        .filter(|k| !METADATA_FIELDS.contains(&k.as_str()))
        .map(|k| ApiError::param_unknown(k))
        .collect();
    if !unknown.is_empty() {
        return Err(ApiError::many(422, unknown));
    }
    let mistyped: Vec<ApiError> = body
        .iter()
        .filter(|(_, v)| !v.is_object())
        .map(|(k, _)| ApiError::param_format_invalid(k, "a JSON object"))
        .collect();
    if !mistyped.is_empty() {
        return Err(ApiError::many(422, mistyped));
    }

    for (name, given) in body {
        let updated = match mode {
            Mode::Replace => given.clone(),
            Mode::Merge => {
                // private_metadata may be null in a User; merging starts from empty.
                let mut current = match user.get(name) {
                    Some(Value::Object(map)) => Value::Object(map.clone()),
                    _ => Value::Object(Map::new()),
                };
                deep_merge(&mut current, given);
                current
            }
        };
        user.insert(name.clone(), updated);
    }
    user.insert("updated_at".into(), Value::from(now));
    Ok(())
}

/// Merges `patch` into `target`: objects merge key by key, `null` deletes, anything else
/// overwrites.
pub(crate) fn deep_merge(target: &mut Value, patch: &Value) {
    let (Value::Object(target_map), Value::Object(patch_map)) = (&mut *target, patch) else {
        *target = patch.clone();
        return;
    };
    for (key, value) in patch_map {
        if value.is_null() {
            // `retain` keeps the other keys in place whether or not serde_json's
            // `preserve_order` feature is on (its `remove` would swap them).
            target_map.retain(|k, _| k != key);
        } else if let Some(existing) = target_map.get_mut(key).filter(|e| e.is_object()) {
            deep_merge(existing, value);
        } else {
            // A new key keeps no nulls from the patch: they mean "absent".
            let mut fresh = Value::Object(Map::new());
            if value.is_object() {
                deep_merge(&mut fresh, value);
            } else {
                fresh = value.clone();
            }
            target_map.insert(key.clone(), fresh);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_is_deep_and_null_removes() {
        let mut target = json!({"a": 1, "n": {"x": 1, "y": 2}, "gone": true, "list": [1]});
        deep_merge(
            &mut target,
            &json!({"b": 2, "n": {"y": null, "z": 3}, "gone": null, "list": [2],
                    "new": {"k": null, "v": 1}}),
        );
        assert_eq!(
            target,
            json!({"a": 1, "b": 2, "n": {"x": 1, "z": 3}, "list": [2], "new": {"v": 1}})
        );
    }

    #[test]
    fn replace_and_merge_on_a_user() {
        let mut user = Map::new();
        user.insert("public_metadata".into(), json!({"a": 1}));
        user.insert("private_metadata".into(), Value::Null);
        let body = json!({"public_metadata": {"b": 2}, "private_metadata": {"s": 1}});
        apply(&mut user, &body, Mode::Merge, 5).expect("merge");
        assert_eq!(user["public_metadata"], json!({"a": 1, "b": 2}));
        assert_eq!(user["private_metadata"], json!({"s": 1}));
        apply(
            &mut user,
            &json!({"public_metadata": {"c": 3}}),
            Mode::Replace,
            6,
        )
        .expect("replace");
        assert_eq!(user["public_metadata"], json!({"c": 3}));
        assert_eq!(user["private_metadata"], json!({"s": 1}));
        assert_eq!(user["updated_at"], 6);
    }

    #[test]
    fn rejects_other_keys_and_non_objects() {
        let mut user = Map::new();
        let err = apply(&mut user, &json!({"first_name": "x"}), Mode::Merge, 1);
        assert_eq!(err.expect_err("unknown").code(), "form_param_unknown");
        let err = apply(
            &mut user,
            &json!({"public_metadata": null}),
            Mode::Replace,
            1,
        );
        assert_eq!(err.expect_err("null").code(), "form_param_format_invalid");
        let err = apply(&mut user, &json!([1]), Mode::Replace, 1);
        assert_eq!(err.expect_err("array").code(), "malformed_request");
    }
}
