//! The metadata calls: a deep merge (`PATCH .../metadata`) versus a replacement
//! (`PUT .../metadata`), on nested objects, from Rust and through the C entry points.

mod common;

use std::ffi::{c_char, CStr, CString};
use std::ptr;

use clerk::ffi::{
    clerk_client_free, clerk_client_new, clerk_options_free, clerk_options_new,
    clerk_options_set_api_url, clerk_replace_user_metadata, clerk_string_free,
    clerk_update_user_metadata, ClerkStatus,
};
use clerk::{Client, Error};
use clerk_stand_in::{DEFAULT_SECRET_KEY, SEED_USER_ID};
use serde_json::{json, Value};

fn start() -> (clerk_stand_in::StandIn, Client) {
    let stand_in = common::stand_in();
    let client = common::client(&stand_in);
    let base = json!({"public_metadata": {"plan": {"tier": "pro", "seats": 5}, "keep": 1}});
    client
        .replace_user_metadata(SEED_USER_ID, &base)
        .expect("the base metadata is set");
    (stand_in, client)
}

#[test]
fn a_merge_keeps_what_it_does_not_name_and_removes_nulls() {
    let (stand_in, client) = start();

    let change = json!({"publicMetadata": {"plan": {"seats": 8, "tier": null}, "new": true}});
    let user = client
        .update_user_metadata(SEED_USER_ID, &change)
        .expect("merged");

    assert_eq!(
        Value::Object(user.public_metadata),
        json!({"plan": {"seats": 8}, "keep": 1, "new": true})
    );
    let sent = stand_in.requests().pop().expect("a request");
    assert_eq!(sent.method, "PATCH");
    assert_eq!(sent.path, format!("/v1/users/{SEED_USER_ID}/metadata"));
    assert_eq!(
        sent.body_json(),
        Some(json!({"public_metadata": {"plan": {"seats": 8, "tier": null}, "new": true}}))
    );
}

#[test]
fn a_replacement_drops_what_it_does_not_name() {
    let (stand_in, client) = start();

    let change = json!({"public_metadata": {"plan": {"seats": 8}}});
    let user = client
        .replace_user_metadata(SEED_USER_ID, &change)
        .expect("replaced");

    assert_eq!(
        Value::Object(user.public_metadata),
        json!({"plan": {"seats": 8}})
    );
    assert_eq!(
        stand_in.requests().pop().map(|r| r.method),
        Some("PUT".to_owned())
    );
}

#[test]
fn metadata_calls_work_in_api_version_2026_05_12() {
    let stand_in = common::stand_in();
    let client = common::builder(&stand_in)
        .api_version("2026-05-12")
        .build()
        .expect("valid settings");

    let user = client
        .update_user_metadata_json(SEED_USER_ID, r#"{"privateMetadata":{"stripe":"cus_9"}}"#)
        .expect("the metadata call is the way from this version on");
    assert!(user.contains("cus_9"));
}

#[test]
fn only_metadata_objects_are_accepted() {
    let stand_in = common::stand_in();
    let client = common::client(&stand_in);

    for params in [
        r#"{"first_name":"x"}"#,
        r#"{"public_metadata":null}"#,
        r#"{"public_metadata":[1]}"#,
        r#"{"publicMetadata":{},"public_metadata":{}}"#,
    ] {
        let error = client
            .update_user_metadata_json(SEED_USER_ID, params)
            .expect_err(params);
        assert!(
            matches!(error, Error::InvalidArgument(_)),
            "{params}: {error:?}"
        );
        let error = client
            .replace_user_metadata_json(SEED_USER_ID, params)
            .expect_err(params);
        assert!(
            matches!(error, Error::InvalidArgument(_)),
            "{params}: {error:?}"
        );
    }
    assert_eq!(stand_in.request_count(), 0);

    let error = client
        .update_user_metadata_json(SEED_USER_ID, "[]")
        .expect_err("an array");
    let doc = error.error_document();
    assert!(doc.contains(r#""param_name":"metadata_json""#), "{doc}");
    assert!(
        doc.contains("public_metadata"),
        "the example fits the call: {doc}"
    );

    let error = client
        .update_user_metadata_json("user_nobody", "{}")
        .expect_err("404");
    assert!(matches!(error, Error::NotFound(_)), "{error:?}");
}

#[test]
fn the_c_entry_points_merge_and_replace() {
    let (stand_in, _) = start();
    let url = CString::new(stand_in.url()).expect("no NUL");
    let key = CString::new(DEFAULT_SECRET_KEY).expect("no NUL");
    let id = CString::new(SEED_USER_ID).expect("no NUL");
    let merge = CString::new(r#"{"publicMetadata":{"plan":{"seats":9}}}"#).expect("no NUL");
    let replace = CString::new(r#"{"public_metadata":{"only":true}}"#).expect("no NUL");

    // SAFETY: live objects, NUL-terminated strings, each result freed once.
    unsafe {
        let options = clerk_options_new();
        assert_eq!(
            clerk_options_set_api_url(options, url.as_ptr()),
            ClerkStatus::CLERK_OK
        );
        let mut client = ptr::null_mut();
        assert_eq!(
            clerk_client_new(key.as_ptr(), options, &mut client),
            ClerkStatus::CLERK_OK
        );
        clerk_options_free(options);

        let mut out: *mut c_char = ptr::null_mut();
        let status = clerk_update_user_metadata(client, id.as_ptr(), merge.as_ptr(), &mut out);
        assert_eq!(status, ClerkStatus::CLERK_OK);
        let user: Value =
            serde_json::from_str(&CStr::from_ptr(out).to_string_lossy()).expect("the user JSON");
        assert_eq!(
            user["public_metadata"]["plan"],
            json!({"tier": "pro", "seats": 9})
        );
        assert_eq!(user["public_metadata"]["keep"], 1);
        clerk_string_free(out);

        let status = clerk_replace_user_metadata(client, id.as_ptr(), replace.as_ptr(), &mut out);
        assert_eq!(status, ClerkStatus::CLERK_OK);
        let user: Value =
            serde_json::from_str(&CStr::from_ptr(out).to_string_lossy()).expect("the user JSON");
        assert_eq!(user["public_metadata"], json!({"only": true}));
        clerk_string_free(out);

        let status = clerk_update_user_metadata(client, ptr::null(), merge.as_ptr(), &mut out);
        assert_eq!(status, ClerkStatus::CLERK_ERROR_INVALID_ARGUMENT);
        assert!(CStr::from_ptr(out).to_string_lossy().contains("user_id"));
        clerk_string_free(out);
        let status =
            clerk_replace_user_metadata(ptr::null(), id.as_ptr(), replace.as_ptr(), &mut out);
        assert_eq!(status, ClerkStatus::CLERK_ERROR_INVALID_ARGUMENT);
        clerk_string_free(out);

        clerk_client_free(client);
    }
}
