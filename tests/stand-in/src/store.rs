//! The in-memory user table of one stand-in.

use serde_json::{Map, Value};

use crate::errors::ApiError;
use crate::metadata::{self, Mode};
use crate::update::{self, Context};

/// Users as JSON objects, in insertion order. A handful of users makes a linear scan the
/// simplest correct index.
#[derive(Debug, Default)]
pub(crate) struct Store {
    users: Vec<Map<String, Value>>,
}

impl Store {
    /// Builds a store; every user must be an object with a string `id`.
    pub(crate) fn new(users: Vec<Value>) -> Result<Store, String> {
        let mut store = Store::default();
        for user in users {
            store.upsert(user)?;
        }
        Ok(store)
    }

    /// Adds a user or replaces the one with the same id.
    pub(crate) fn upsert(&mut self, user: Value) -> Result<(), String> {
        let Value::Object(user) = user else {
            return Err("a user must be a JSON object".to_owned());
        };
        let Some(id) = user.get("id").and_then(Value::as_str).map(str::to_owned) else {
            return Err("a user must have a string \"id\"".to_owned());
        };
        match self.position(&id) {
            Some(i) => self.users[i] = user,
            None => self.users.push(user),
        }
        Ok(())
    }

    /// A copy of the user with this id.
    pub(crate) fn get(&self, id: &str) -> Option<Value> {
        self.position(id)
            .map(|i| Value::Object(self.users[i].clone()))
    }

    /// `PATCH /v1/users/{id}`: returns the updated user, or the error to answer with.
    pub(crate) fn update_user(
        &mut self,
        id: &str,
        body: &Value,
        metadata_rejected: bool,
        now: i64,
    ) -> Result<Value, ApiError> {
        let index = self
            .position(id)
            .ok_or_else(|| ApiError::not_found("user"))?;
        let taken = |field: &str, value: &str| self.taken_by_other(id, field, value);
        let ctx = Context {
            metadata_rejected,
            now,
            taken: &taken,
        };
        // Work on a copy so a request that fails half-way changes nothing.
        let mut user = self.users[index].clone();
        update::apply(&mut user, body, &ctx)?;
        self.users[index] = user.clone();
        Ok(Value::Object(user))
    }

    /// `PATCH` or `PUT /v1/users/{id}/metadata`.
    pub(crate) fn update_metadata(
        &mut self,
        id: &str,
        body: &Value,
        mode: Mode,
        now: i64,
    ) -> Result<Value, ApiError> {
        let index = self
            .position(id)
            .ok_or_else(|| ApiError::not_found("user"))?;
        let mut user = self.users[index].clone();
        metadata::apply(&mut user, body, mode, now)?;
        self.users[index] = user.clone();
        Ok(Value::Object(user))
    }

    fn position(&self, id: &str) -> Option<usize> {
        self.users.iter().position(|u| u["id"] == id)
    }

    /// Whether a user other than `id` already has `value` in `field`.
    ///
    /// Usernames compare case-insensitively, as Clerk treats them; external ids exactly.
    fn taken_by_other(&self, id: &str, field: &str, value: &str) -> bool {
        self.users.iter().filter(|u| u["id"] != id).any(|u| {
            let Some(existing) = u.get(field).and_then(Value::as_str) else {
                return false;
            };
            if field == "username" {
                existing.eq_ignore_ascii_case(value)
            } else {
                existing == value
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::{seed_users, SECOND_EXTERNAL_ID, SECOND_USERNAME, SEED_USER_ID};
    use serde_json::json;

    #[test]
    fn uniqueness_ignores_the_user_itself() {
        let mut store = Store::new(seed_users()).expect("seed");
        let err = store
            .update_user(
                SEED_USER_ID,
                &json!({"username": SECOND_USERNAME}),
                false,
                1,
            )
            .expect_err("taken");
        assert_eq!(err.code(), "form_identifier_exists");
        let upper = SECOND_USERNAME.to_uppercase();
        let err = store
            .update_user(SEED_USER_ID, &json!({"username": upper}), false, 1)
            .expect_err("case");
        assert_eq!(err.code(), "form_identifier_exists");
        let err = store
            .update_user(
                SEED_USER_ID,
                &json!({"external_id": SECOND_EXTERNAL_ID}),
                false,
                1,
            )
            .expect_err("external");
        assert_eq!(err.code(), "form_identifier_exists");
        let same = store
            .get(SEED_USER_ID)
            .and_then(|u| u["username"].as_str().map(str::to_owned));
        let body = json!({ "username": same });
        store
            .update_user(SEED_USER_ID, &body, false, 1)
            .expect("own name");
    }

    #[test]
    fn failed_updates_change_nothing() {
        let mut store = Store::new(seed_users()).expect("seed");
        let before = store.get(SEED_USER_ID);
        let body = json!({"first_name": "Zed", "primary_phone_number_id": "idn_missing"});
        assert!(store.update_user(SEED_USER_ID, &body, false, 9).is_err());
        assert_eq!(store.get(SEED_USER_ID), before);
    }

    #[test]
    fn rejects_users_without_ids() {
        assert!(Store::new(vec![json!({"object": "user"})]).is_err());
        assert!(Store::new(vec![json!([])]).is_err());
    }
}
