//! The Rust API against a stand-in over loopback: every field, nulls, metadata, the
//! request on the wire, and each error status with its error document.

mod common;

use std::time::{Duration, Instant};

use clerk::{Client, Error, UpdateUserParams};
use clerk_stand_in::{
    InjectedResponse, StandIn, DEFAULT_SECRET_KEY, SECOND_USERNAME, SEED_PRIMARY_EMAIL_ID,
    SEED_SECONDARY_EMAIL_ID, SEED_USER_ID,
};
use serde_json::{json, Value};

fn document(error: &Error) -> Value {
    serde_json::from_str(&error.error_document()).expect("error documents are JSON")
}

fn last_body(stand_in: &StandIn) -> Value {
    let requests = stand_in.requests();
    let last = requests.last().expect("a request was sent");
    last.body_json().expect("the body is JSON")
}

#[test]
fn typed_params_update_the_user() {
    let stand_in = common::stand_in();
    let client = common::client(&stand_in);

    let params = UpdateUserParams::new()
        .first_name("John")
        .last_name("Wick")
        .username("baba_yaga")
        .locale("fr-FR")
        .external_id("ext-john-1")
        .primary_email_address_id(SEED_SECONDARY_EMAIL_ID)
        .public_metadata(json!({"plan": "pro", "seats": [1, 2]}))
        .private_metadata(json!({"stripe": "cus_1"}))
        .unsafe_metadata(json!({}))
        .delete_self_enabled(false)
        .create_organization_enabled(true)
        .create_organizations_limit(5)
        .legal_accepted_at("2024-05-28T08:00:00Z");
    let user = client
        .update_user(SEED_USER_ID, &params)
        .expect("the update succeeds");

    assert_eq!(user.id, SEED_USER_ID);
    assert_eq!(user.first_name.as_deref(), Some("John"));
    assert_eq!(user.last_name.as_deref(), Some("Wick"));
    assert_eq!(user.username.as_deref(), Some("baba_yaga"));
    assert_eq!(user.locale.as_deref(), Some("fr-FR"));
    assert_eq!(user.external_id.as_deref(), Some("ext-john-1"));
    assert_eq!(
        user.primary_email_address_id.as_deref(),
        Some(SEED_SECONDARY_EMAIL_ID)
    );
    assert_eq!(user.public_metadata["seats"], json!([1, 2]));
    assert_eq!(
        user.private_metadata.as_ref().map(|m| m["stripe"].clone()),
        Some("cus_1".into())
    );
    assert_eq!(user.delete_self_enabled, Some(false));
    assert_eq!(user.create_organization_enabled, Some(true));
    assert_eq!(user.create_organizations_limit, Some(5));
    assert_eq!(user.legal_accepted_at, Some(1_716_883_200_000));
    assert_eq!(
        stand_in.user(SEED_USER_ID).map(|u| u["first_name"].clone()),
        Some("John".into())
    );
}

#[test]
fn every_field_is_sent_under_its_api_name() {
    let stand_in = common::stand_in();
    let client = common::client(&stand_in);

    // Each field alone, in camelCase, so a wrong mapping of any one shows up by name.
    let cases = [
        ("externalId", json!("ext-9"), "external_id"),
        ("firstName", json!("A"), "first_name"),
        ("lastName", json!("B"), "last_name"),
        ("locale", json!("de-DE"), "locale"),
        (
            "primaryEmailAddressID",
            json!(SEED_PRIMARY_EMAIL_ID),
            "primary_email_address_id",
        ),
        (
            "notifyPrimaryEmailAddressChanged",
            json!(true),
            "notify_primary_email_address_changed",
        ),
        ("username", json!("someone_new"), "username"),
        ("password", json!("correct-horse-battery"), "password"),
        ("skipPasswordChecks", json!(true), "skip_password_checks"),
        (
            "signOutOfOtherSessions",
            json!(false),
            "sign_out_of_other_sessions",
        ),
        ("totpSecret", json!("JBSWY3DPEHPK3PXP"), "totp_secret"),
        ("backupCodes", json!(["c1", "c2"]), "backup_codes"),
        ("publicMetadata", json!({"a": 1}), "public_metadata"),
        ("privateMetadata", json!({"b": 2}), "private_metadata"),
        ("unsafeMetadata", json!({"c": 3}), "unsafe_metadata"),
        ("deleteSelfEnabled", json!(true), "delete_self_enabled"),
        (
            "createOrganizationEnabled",
            json!(false),
            "create_organization_enabled",
        ),
        (
            "legalAcceptedAt",
            json!("2024-01-01T00:00:00Z"),
            "legal_accepted_at",
        ),
        ("skipLegalChecks", json!(true), "skip_legal_checks"),
        (
            "createOrganizationsLimit",
            json!(2),
            "create_organizations_limit",
        ),
        ("createdAt", json!("2023-06-01T12:00:00Z"), "created_at"),
        ("bypassClientTrust", json!(true), "bypass_client_trust"),
    ];
    for (key, value, wire) in cases.clone() {
        let params = json!({ key: value.clone() });
        let result = client.update_user_value(SEED_USER_ID, &params);
        assert!(result.is_ok(), "{key}: {result:?}");
        assert_eq!(last_body(&stand_in), json!({ wire: value }), "{key}");
    }
    assert_eq!(stand_in.request_count(), cases.len());
}

#[test]
fn null_clears_and_omitted_fields_stay() {
    let stand_in = common::stand_in();
    let client = common::client(&stand_in);
    let before = stand_in.user(SEED_USER_ID).expect("seeded");

    let params = UpdateUserParams::new().clear_username().clear_last_name();
    let user = client
        .update_user(SEED_USER_ID, &params)
        .expect("the update succeeds");

    assert_eq!(
        last_body(&stand_in),
        json!({"username": null, "last_name": null})
    );
    assert_eq!(user.username, None);
    assert_eq!(user.last_name, None);
    assert_eq!(user.first_name.as_deref(), before["first_name"].as_str());
    assert_eq!(
        user.public_metadata,
        before["public_metadata"]
            .as_object()
            .cloned()
            .unwrap_or_default()
    );
}

#[test]
fn metadata_is_replaced_and_sent_byte_for_byte() {
    let stand_in = common::stand_in();
    let client = common::client(&stand_in);

    let first = r#"{"public_metadata":{"a":1}}"#;
    client
        .update_user_json(SEED_USER_ID, first)
        .expect("first update");
    // Odd spacing, key order and number forms must reach Clerk untouched.
    let meta = r#"{ "zKey" : 1.50, "firstName": [1e3, "\u00e9"], "aKey": {} }"#;
    let text = client
        .update_user_json(SEED_USER_ID, &format!(r#"{{"publicMetadata":{meta}}}"#))
        .expect("second update");

    let sent = stand_in
        .requests()
        .last()
        .map(|r| r.body.clone())
        .unwrap_or_default();
    assert_eq!(
        sent,
        format!(r#"{{"public_metadata":{meta}}}"#).into_bytes()
    );
    let user: Value = serde_json::from_str(&text).expect("user JSON");
    assert_eq!(
        user["public_metadata"].get("a"),
        None,
        "replaced, not merged"
    );
    assert_eq!(user["public_metadata"]["firstName"][1], "é");
}

#[test]
fn the_request_carries_the_documented_headers() {
    let stand_in = common::stand_in();
    let client = common::client(&stand_in);

    client
        .update_user_json(SEED_USER_ID, r#"{"first_name":"A"}"#)
        .expect("update");

    let request = stand_in.requests().pop().expect("one request");
    assert_eq!(request.method, "PATCH");
    assert_eq!(request.path, format!("/v1/users/{SEED_USER_ID}"));
    let bearer = format!("Bearer {DEFAULT_SECRET_KEY}");
    assert_eq!(request.header("authorization"), Some(bearer.as_str()));
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.header("accept"), Some("application/json"));
    assert_eq!(request.header("clerk-api-version"), Some("2025-11-10"));
    let agent = format!("libclerk/{}", clerk::VERSION);
    assert_eq!(request.header("user-agent"), Some(agent.as_str()));
}

#[test]
fn ids_stay_in_one_path_segment() {
    let stand_in = common::stand_in();
    let client = common::client(&stand_in);

    for (id, path) in [
        ("../users", "/v1/users/..%2Fusers"),
        ("a/b?c#d", "/v1/users/a%2Fb%3Fc%23d"),
        ("100%", "/v1/users/100%25"),
        ("é", "/v1/users/%C3%A9"),
    ] {
        let error = client.update_user_json(id, "{}").expect_err(id);
        assert!(matches!(error, Error::NotFound(_)), "{id}: {error:?}");
        assert_eq!(
            stand_in.requests().pop().map(|r| r.path),
            Some(path.to_owned())
        );
    }
}

#[test]
fn the_api_url_may_end_in_a_slash_or_v1() {
    let stand_in = common::stand_in();
    for url in [
        format!("{}/", stand_in.url()),
        format!("{}/v1/", stand_in.url()),
    ] {
        let client = Client::builder()
            .secret_key(DEFAULT_SECRET_KEY)
            .api_url(url)
            .build()
            .expect("valid settings");
        client
            .update_user_json(SEED_USER_ID, "{}")
            .expect("reaches the stand-in");
    }
    let paths: Vec<String> = stand_in.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, vec![format!("/v1/users/{SEED_USER_ID}"); 2]);
}

#[test]
fn local_rejections_send_nothing() {
    let stand_in = common::stand_in();
    let client = common::client(&stand_in);

    let cases = [
        (SEED_USER_ID, r#"{"firstname":"x"}"#),
        (SEED_USER_ID, r#"{"first_name":"a","firstName":"b"}"#),
        (SEED_USER_ID, r#"{"first_name":false}"#),
        (SEED_USER_ID, "[]"),
        ("", "{}"),
        ("a b", "{}"),
        ("..", "{}"),
    ];
    for (id, params) in cases {
        let error = client.update_user_json(id, params).expect_err(params);
        assert!(
            matches!(error, Error::InvalidArgument(_)),
            "{params}: {error:?}"
        );
        assert_eq!(document(&error)["status"], 0);
    }
    assert_eq!(stand_in.request_count(), 0);
}

#[test]
fn metadata_is_refused_locally_from_api_version_2026_05_12() {
    let stand_in = common::stand_in();
    let client = common::builder(&stand_in)
        .api_version("2026-05-12")
        .build()
        .expect("valid settings");

    let error = client
        .update_user_json(SEED_USER_ID, r#"{"publicMetadata":{"a":1}}"#)
        .expect_err("metadata is refused");
    let doc = document(&error);
    assert_eq!(doc["errors"][0]["meta"]["param_name"], "publicMetadata");
    assert!(doc["errors"][0]["long_message"]
        .as_str()
        .unwrap_or_default()
        .contains("/metadata"));
    assert_eq!(stand_in.request_count(), 0);

    client
        .update_user_json(SEED_USER_ID, r#"{"first_name":"A"}"#)
        .expect("other fields go");
    let sent = stand_in.requests().pop().expect("one request");
    assert_eq!(sent.header("clerk-api-version"), Some("2026-05-12"));
}

#[test]
fn clerk_errors_keep_every_error_meta_and_trace_id() {
    let stand_in = common::stand_in();
    let client = common::client(&stand_in);

    let error = client
        .update_user_json(
            SEED_USER_ID,
            &format!(r#"{{"username":"{SECOND_USERNAME}"}}"#),
        )
        .expect_err("the username is taken");
    assert!(matches!(error, Error::Rejected(_)), "{error:?}");
    let doc = document(&error);
    assert_eq!(doc["status"], 422);
    assert_eq!(doc["errors"][0]["meta"]["param_name"], "username");
    assert!(doc["clerk_trace_id"].is_string());

    let body = json!({"errors": [
        {"code": "a", "message": "one", "long_message": "first", "meta": {"x": [1]}},
        {"code": "b", "message": "two", "long_message": "second"}
    ], "clerk_trace_id": "trace-123", "meta": {"extra": true}});
    stand_in.inject(InjectedResponse::new(400, body.to_string()));
    let error = client
        .update_user_json(SEED_USER_ID, "{}")
        .expect_err("400");
    let doc = document(&error);
    assert_eq!(doc["status"], 400);
    assert_eq!(doc["errors"], body["errors"]);
    assert_eq!(doc["clerk_trace_id"], "trace-123");
    assert_eq!(doc["meta"], json!({"extra": true}));
    assert_eq!(error.api_error().map(|a| a.errors.len()), Some(2));
}

#[test]
fn each_status_maps_to_its_error() {
    let stand_in = common::stand_in();
    let client = common::client(&stand_in);

    let cases = [
        (400, "Rejected"),
        (401, "Unauthorized"),
        (403, "Unauthorized"),
        (404, "NotFound"),
        (409, "Rejected"),
        (422, "Rejected"),
        (429, "RateLimited"),
        (500, "Server"),
        (503, "Server"),
    ];
    for (status, variant) in cases {
        stand_in.inject(InjectedResponse::clerk_error(
            status,
            "some_code",
            "some message",
        ));
        let error = client
            .update_user_json(SEED_USER_ID, "{}")
            .expect_err("injected");
        let shown = format!("{error:?}");
        assert!(shown.starts_with(variant), "{status}: {shown}");
        let doc = document(&error);
        assert_eq!(doc["status"], status);
        assert_eq!(doc["errors"][0]["code"], "some_code");
    }
}

#[test]
fn a_wrong_key_is_unauthorized_and_never_shown() {
    let stand_in = common::stand_in();
    let key = "sk_test_wrong_key_for_this_stand_in";
    let client = Client::builder()
        .secret_key(key)
        .api_url(stand_in.url())
        .build()
        .expect("valid settings");

    let error = client
        .update_user_json(SEED_USER_ID, "{}")
        .expect_err("401");
    assert!(matches!(error, Error::Unauthorized(_)), "{error:?}");
    assert_eq!(document(&error)["status"], 401);
    for shown in [
        error.to_string(),
        format!("{error:?}"),
        error.error_document(),
        format!("{client:?}"),
    ] {
        assert!(!shown.contains(key), "{shown}");
    }
}

#[test]
fn unknown_ids_are_not_found() {
    let stand_in = common::stand_in();
    let client = common::client(&stand_in);

    let error = client
        .update_user_json("user_nobody", r#"{"first_name":"x"}"#)
        .expect_err("404");
    assert!(matches!(error, Error::NotFound(_)), "{error:?}");
    let doc = document(&error);
    assert_eq!(doc["status"], 404);
    assert_eq!(doc["errors"][0]["code"], "resource_not_found");
}

#[test]
fn foreign_bodies_and_bad_successes_are_reported() {
    let stand_in = common::stand_in();
    let client = common::client(&stand_in);

    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    stand_in.inject(InjectedResponse::new(502, html).with_header("Content-Type", "text/html"));
    let error = client
        .update_user_json(SEED_USER_ID, "{}")
        .expect_err("502");
    assert!(matches!(error, Error::Server(_)), "{error:?}");
    let doc = document(&error);
    assert_eq!(doc["errors"][0]["code"], "unexpected_response");
    assert!(doc["errors"][0]["long_message"]
        .as_str()
        .unwrap_or_default()
        .contains("Bad Gateway"));

    for body in [
        "not json",
        r#"{"object":"organization","id":"org_1"}"#,
        r#"{"object":"user""#,
    ] {
        stand_in.inject(InjectedResponse::new(200, body));
        let error = client.update_user_json(SEED_USER_ID, "{}").expect_err(body);
        assert!(matches!(error, Error::Decode(_)), "{body}: {error:?}");
        assert_eq!(document(&error)["status"], 200);
    }
}

#[test]
fn redirects_are_not_followed() {
    let stand_in = common::stand_in();
    let client = common::client(&stand_in);

    let target = format!("{}/v1/users/{SEED_USER_ID}", stand_in.url());
    stand_in.inject(InjectedResponse::new(307, "").with_header("Location", &target));
    let error = client
        .update_user_json(SEED_USER_ID, "{}")
        .expect_err("307");
    assert!(matches!(error, Error::Server(_)), "{error:?}");
    assert_eq!(document(&error)["status"], 307);
    assert_eq!(stand_in.request_count(), 1);
}

#[test]
fn rate_limits_and_unavailable_answers_are_retried() {
    let stand_in = common::stand_in();
    let client = common::builder(&stand_in)
        .max_retries(2)
        .build()
        .expect("valid settings");

    stand_in.inject(
        InjectedResponse::clerk_error(429, "too_many_requests", "slow down")
            .with_header("Retry-After", "1"),
    );
    stand_in.inject(InjectedResponse::clerk_error(503, "unavailable", "later"));
    let started = Instant::now();
    client
        .update_user_json(SEED_USER_ID, r#"{"first_name":"R"}"#)
        .expect("third try works");

    assert_eq!(stand_in.request_count(), 3);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After was honoured"
    );
    assert!(started.elapsed() < Duration::from_secs(8));
}

#[test]
fn server_errors_that_may_have_applied_the_update_are_not_retried() {
    let stand_in = common::stand_in();
    let client = common::builder(&stand_in)
        .max_retries(3)
        .build()
        .expect("valid settings");

    stand_in.inject(InjectedResponse::clerk_error(500, "internal", "oops"));
    let error = client
        .update_user_json(SEED_USER_ID, "{}")
        .expect_err("500");
    assert!(matches!(error, Error::Server(_)));
    assert_eq!(stand_in.request_count(), 1);
}

#[test]
fn a_rate_limit_reports_retry_after() {
    let stand_in = common::stand_in();
    let client = common::client(&stand_in);

    stand_in.inject(
        InjectedResponse::clerk_error(429, "too_many_requests", "slow down")
            .with_header("Retry-After", "30"),
    );
    let error = client
        .update_user_json(SEED_USER_ID, "{}")
        .expect_err("429");
    assert!(matches!(error, Error::RateLimited(_)));
    assert_eq!(document(&error)["retry_after_s"], 30);
    assert_eq!(
        error.api_error().and_then(|a| a.retry_after),
        Some(Duration::from_secs(30))
    );
}

#[test]
fn a_slow_answer_ends_in_a_timeout_on_time() {
    let stand_in = common::stand_in();
    let client = common::builder(&stand_in)
        .timeout(Duration::from_millis(500))
        .build()
        .expect("valid settings");

    stand_in.inject(InjectedResponse::new(200, "{}").with_delay(Duration::from_secs(3)));
    let started = Instant::now();
    let error = client
        .update_user_json(SEED_USER_ID, "{}")
        .expect_err("timeout");

    assert!(matches!(error, Error::Timeout(_)), "{error:?}");
    assert_eq!(document(&error)["status"], 0);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn no_server_is_a_transport_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        listener.local_addr().expect("bound").port()
    };
    let client = Client::builder()
        .secret_key(DEFAULT_SECRET_KEY)
        .api_url(format!("http://127.0.0.1:{port}"))
        .max_retries(0)
        .build()
        .expect("valid settings");

    let error = client
        .update_user_json(SEED_USER_ID, "{}")
        .expect_err("refused");
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert_eq!(document(&error)["status"], 0);
}

#[test]
fn a_typed_decode_failure_says_the_change_was_applied() {
    let stand_in = common::stand_in();
    let client = common::client(&stand_in);

    // A user whose first_name has a type the typed view cannot hold.
    let odd = r#"{"object":"user","id":"user_odd","first_name":42}"#;
    stand_in.inject(InjectedResponse::new(200, odd));
    let error = client
        .update_user(SEED_USER_ID, &UpdateUserParams::new().first_name("A"))
        .expect_err("the typed view refuses it");
    assert!(matches!(error, Error::Decode(_)), "{error:?}");
    let doc = document(&error);
    assert_eq!(doc["status"], 200);
    assert_eq!(doc["attempts"], 1);
    assert!(
        error.to_string().contains("the change was applied"),
        "{error}"
    );

    // The JSON entry point hands the same answer over as sent.
    stand_in.inject(InjectedResponse::new(200, odd));
    assert_eq!(
        client.update_user_json(SEED_USER_ID, "{}").ok().as_deref(),
        Some(odd)
    );
}
