//! The Clerk routes: authentication, lookups, and "update a user" semantics.

mod common;

use std::time::Duration;

use clerk_stand_in::{
    Config, InjectedResponse, StandIn, BARE_USER_ID, DEFAULT_SECRET_KEY, SECOND_EXTERNAL_ID,
    SECOND_USERNAME, SECOND_USER_ID, SEED_PHONE_ID, SEED_SECONDARY_EMAIL_ID,
    SEED_UNVERIFIED_EMAIL_ID, SEED_UNVERIFIED_PHONE_ID, SEED_USERNAME, SEED_USER_ID,
    SEED_WEB3_WALLET_ID,
};
use common::{call, patch, Conn};
use serde_json::{json, Value};

fn start() -> StandIn {
    StandIn::start(Config::default()).expect("start")
}

fn path(id: &str) -> String {
    format!("/v1/users/{id}")
}

/// PATCHes and expects a 422 with this code and `meta.param_name`.
fn expect_422(server: &StandIn, body: Value, code: &str, param: &str) {
    let reply = patch(server, SEED_USER_ID, &body);
    assert_eq!(
        reply.status,
        422,
        "{body}: {}",
        String::from_utf8_lossy(&reply.body)
    );
    assert_eq!(reply.error_code(), code, "{body}");
    assert_eq!(reply.param_name(), param, "{body}");
}

#[test]
fn requests_without_the_key_get_401() {
    let server = start();
    let mut conn = Conn::open(server.port());
    let wrong = "Bearer sk_test_wrong".to_owned();
    let basic = format!("Basic {DEFAULT_SECRET_KEY}");
    for headers in [
        vec![],
        vec![("Authorization", wrong.as_str())],
        vec![("Authorization", basic.as_str())],
    ] {
        let reply = conn.request("GET", &path(SEED_USER_ID), &headers, None);
        assert_eq!(reply.status, 401);
        assert_eq!(reply.error_code(), "authentication_invalid");
    }
    // Unknown routes are behind authentication too.
    let reply = conn.request("GET", "/v1/nothing", &[], None);
    assert_eq!(reply.status, 401);
    assert!(server.requests().iter().all(|r| !r.authorized));
}

#[test]
fn a_configured_key_replaces_the_default() {
    let server = StandIn::start(Config {
        secret_key: "sk_test_custom".into(),
        ..Config::default()
    })
    .expect("start");
    let mut conn = Conn::open(server.port());
    assert_eq!(conn.call("GET", &path(SEED_USER_ID), None).status, 401);
    let headers = [("Authorization", "Bearer sk_test_custom")];
    let reply = conn.request("GET", &path(SEED_USER_ID), &headers, None);
    assert_eq!(reply.status, 200);
}

#[test]
fn get_returns_a_full_user_or_404() {
    let server = start();
    let reply = call(&server, "GET", &path(SEED_USER_ID), None);
    assert_eq!(reply.status, 200);
    let user = reply.json();
    assert_eq!(user["object"], "user");
    assert_eq!(user["id"], SEED_USER_ID);
    assert_eq!(user["username"], SEED_USERNAME);
    assert_eq!(Some(user), server.user(SEED_USER_ID));

    let reply = call(&server, "GET", &path("user_2xDoesNotExist"), None);
    assert_eq!(reply.status, 404);
    assert_eq!(reply.error_code(), "resource_not_found");
    let trace_a = reply.json()["clerk_trace_id"].clone();
    let trace_b = call(&server, "GET", &path("user_x"), None).json()["clerk_trace_id"].clone();
    assert_ne!(trace_a, trace_b);
}

#[test]
fn other_routes_are_404() {
    let server = start();
    for (method, target) in [
        ("GET", "/v1/users"),
        ("GET", "/v1/users/"),
        ("DELETE", path(SEED_USER_ID).as_str()),
        ("POST", path(SEED_USER_ID).as_str()),
        ("GET", &format!("{}/metadata", path(SEED_USER_ID))),
        ("GET", &format!("{}/", path(SEED_USER_ID))),
        ("GET", "/v1/organizations"),
        ("GET", "/"),
    ] {
        let reply = call(&server, method, target, None);
        assert_eq!(reply.status, 404, "{method} {target}");
        assert_eq!(reply.error_code(), "resource_not_found");
    }
}

#[test]
fn patch_sets_and_clears_scalars() {
    let server = start();
    let before = server.user(SEED_USER_ID).expect("seed");
    let reply = patch(
        &server,
        SEED_USER_ID,
        &json!({"first_name": "Adele", "last_name": null, "locale": "fr-FR",
                "create_organizations_limit": 3, "delete_self_enabled": false}),
    );
    assert_eq!(reply.status, 200);
    let user = reply.json();
    assert_eq!(user["first_name"], "Adele");
    assert_eq!(user["last_name"], Value::Null);
    assert_eq!(user["locale"], "fr-FR");
    assert_eq!(user["create_organizations_limit"], 3);
    assert_eq!(user["delete_self_enabled"], false);
    assert!(user["updated_at"].as_i64() > before["updated_at"].as_i64());
    assert_eq!(Some(user), server.user(SEED_USER_ID), "stored as answered");
}

#[test]
fn username_blank_or_null_clears_and_must_be_unique() {
    let server = start();
    expect_422(
        &server,
        json!({"username": SECOND_USERNAME}),
        "form_identifier_exists",
        "username",
    );
    let reply = patch(&server, SEED_USER_ID, &json!({"username": ""}));
    assert_eq!(reply.json()["username"], Value::Null);
    // Now free, the old name can be taken by someone else.
    let reply = patch(&server, SECOND_USER_ID, &json!({"username": SEED_USERNAME}));
    assert_eq!(reply.status, 200);
    let reply = patch(&server, SECOND_USER_ID, &json!({"username": null}));
    assert_eq!(reply.json()["username"], Value::Null);
}

#[test]
fn external_id_must_be_unique() {
    let server = start();
    expect_422(
        &server,
        json!({"external_id": SECOND_EXTERNAL_ID}),
        "form_identifier_exists",
        "external_id",
    );
    let reply = patch(&server, SEED_USER_ID, &json!({"external_id": "crm-77"}));
    assert_eq!(reply.json()["external_id"], "crm-77");
}

#[test]
fn unknown_keys_are_422_form_param_unknown() {
    let server = start();
    expect_422(
        &server,
        json!({"nickname": "x"}),
        "form_param_unknown",
        "nickname",
    );
    // Fields of the User object that the update body does not take are unknown too.
    expect_422(
        &server,
        json!({"banned": true}),
        "form_param_unknown",
        "banned",
    );
    let reply = patch(&server, SEED_USER_ID, &json!({"a": 1, "b": 2}));
    assert_eq!(reply.json()["errors"].as_array().map(Vec::len), Some(2));
}

#[test]
fn wrong_types_are_422_form_param_format_invalid() {
    let server = start();
    for (body, param) in [
        (json!({"first_name": 5}), "first_name"),
        (json!({"delete_self_enabled": "yes"}), "delete_self_enabled"),
        (
            json!({"create_organizations_limit": 1.5}),
            "create_organizations_limit",
        ),
        (json!({"public_metadata": [1]}), "public_metadata"),
        (json!({"backup_codes": ["a", 1]}), "backup_codes"),
        (json!({"backup_codes": null}), "backup_codes"),
        (
            json!({"legal_accepted_at": 1700000000000i64}),
            "legal_accepted_at",
        ),
        (
            json!({"legal_accepted_at": "2024-02-30T00:00:00Z"}),
            "legal_accepted_at",
        ),
        (json!({"created_at": "yesterday"}), "created_at"),
    ] {
        expect_422(&server, body, "form_param_format_invalid", param);
    }
    assert_eq!(
        server.user(SEED_USER_ID).expect("user")["updated_at"],
        clerk_stand_in::seed_users()[0]["updated_at"],
        "rejected updates store nothing"
    );
}

#[test]
fn bodies_must_be_json_objects() {
    let server = start();
    for body in ["[1,2]", "\"x\"", "null", "{not json", ""] {
        let reply = call(&server, "PATCH", &path(SEED_USER_ID), Some(body));
        assert_eq!(reply.status, 400, "{body:?}");
        assert_eq!(reply.error_code(), "malformed_request");
    }
    let mut conn = Conn::open(server.port());
    let auth = format!("Bearer {DEFAULT_SECRET_KEY}");
    let headers = [
        ("Authorization", auth.as_str()),
        ("Content-Type", "application/x-www-form-urlencoded"),
    ];
    let reply = conn.request("PATCH", &path(SEED_USER_ID), &headers, Some("first_name=A"));
    assert_eq!(reply.status, 415);
    let headers = [
        ("Authorization", auth.as_str()),
        ("Content-Type", "application/json; charset=utf-8"),
    ];
    let reply = conn.request("PATCH", &path(SEED_USER_ID), &headers, Some("{}"));
    assert_eq!(reply.status, 200);
}

#[test]
fn unknown_user_patch_is_404() {
    let server = start();
    let reply = patch(&server, "user_2xNobody", &json!({"first_name": "A"}));
    assert_eq!(reply.status, 404);
    assert_eq!(reply.error_code(), "resource_not_found");
}

#[test]
fn metadata_is_replaced_whole() {
    let server = start();
    let reply = patch(
        &server,
        SEED_USER_ID,
        &json!({"public_metadata": {"plan": "team"}, "private_metadata": null,
                "unsafe_metadata": null}),
    );
    let user = reply.json();
    assert_eq!(user["public_metadata"], json!({"plan": "team"}));
    assert_eq!(user["private_metadata"], Value::Null);
    assert_eq!(user["unsafe_metadata"], json!({}));
    let reply = patch(&server, SEED_USER_ID, &json!({"public_metadata": null}));
    assert_eq!(reply.json()["public_metadata"], json!({}));
}

#[test]
fn api_version_2026_05_12_refuses_metadata() {
    let server = start();
    let mut conn = Conn::open(server.port());
    let auth = format!("Bearer {DEFAULT_SECRET_KEY}");
    let send = |conn: &mut Conn, version: &str, body: &str| {
        let headers = [
            ("Authorization", auth.as_str()),
            ("Content-Type", "application/json"),
            ("Clerk-API-Version", version),
        ];
        conn.request("PATCH", &path(SEED_USER_ID), &headers, Some(body))
    };
    let reply = send(&mut conn, "2026-05-12", r#"{"unsafe_metadata":{"a":1}}"#);
    assert_eq!(reply.status, 422);
    assert_eq!(reply.error_code(), "form_param_unknown");
    assert_eq!(reply.param_name(), "unsafe_metadata");
    assert_eq!(
        send(&mut conn, "2026-05-12", r#"{"first_name":"V"}"#).status,
        200
    );
    assert_eq!(
        send(&mut conn, "2025-11-10", r#"{"unsafe_metadata":{}}"#).status,
        200
    );
    let reply = send(&mut conn, "latest", "{}");
    assert_eq!(reply.status, 400);
    assert_eq!(reply.error_code(), "api_version_invalid");
}

#[test]
fn primary_identifiers_must_be_the_users_own_and_verified() {
    let server = start();
    let reply = patch(
        &server,
        SEED_USER_ID,
        &json!({"primary_email_address_id": SEED_SECONDARY_EMAIL_ID,
                "primary_web3_wallet_id": SEED_WEB3_WALLET_ID,
                "notify_primary_email_address_changed": true}),
    );
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json()["primary_email_address_id"],
        SEED_SECONDARY_EMAIL_ID
    );
    assert_eq!(reply.json()["primary_web3_wallet_id"], SEED_WEB3_WALLET_ID);

    let grace_email = clerk_stand_in::SECOND_EMAIL_ID;
    for (field, id, code) in [
        (
            "primary_email_address_id",
            grace_email,
            "form_param_format_invalid",
        ),
        (
            "primary_email_address_id",
            SEED_UNVERIFIED_EMAIL_ID,
            "form_param_value_invalid",
        ),
        (
            "primary_phone_number_id",
            "idn_2xNoSuchPhone",
            "form_param_format_invalid",
        ),
        (
            "primary_phone_number_id",
            SEED_UNVERIFIED_PHONE_ID,
            "form_param_value_invalid",
        ),
        (
            "primary_web3_wallet_id",
            SEED_PHONE_ID,
            "form_param_format_invalid",
        ),
    ] {
        expect_422(&server, json!({ field: id }), code, field);
    }
}

#[test]
fn secrets_are_never_echoed_and_flip_flags() {
    let server = start();
    let reply = patch(
        &server,
        BARE_USER_ID,
        &json!({"password": "hunter2-but-longer", "sign_out_of_other_sessions": true,
                "backup_codes": ["11111111", "22222222"], "totp_secret": "JBSWY3DPEHPK3PXP"}),
    );
    assert_eq!(reply.status, 200);
    let text = String::from_utf8_lossy(&reply.body).into_owned();
    for secret in ["hunter2-but-longer", "11111111", "JBSWY3DPEHPK3PXP"] {
        assert!(!text.contains(secret), "{secret} echoed");
    }
    let user = reply.json();
    assert_eq!(user["password_enabled"], true);
    assert_eq!(user["backup_code_enabled"], true);
    assert_eq!(user["totp_enabled"], true);
    assert_eq!(user["two_factor_enabled"], true);
    assert!(user["mfa_enabled_at"].is_i64());
    assert!(user["password_last_updated_at"].is_i64());

    expect_422(
        &server,
        json!({"password": "short"}),
        "form_password_length_too_short",
        "password",
    );
    let ok = patch(
        &server,
        SEED_USER_ID,
        &json!({"password": "short", "skip_password_checks": true}),
    );
    assert_eq!(ok.status, 200);
    expect_422(
        &server,
        json!({"password_digest": "$2a$10$abc"}),
        "form_param_missing",
        "password_hasher",
    );
    let ok = patch(
        &server,
        BARE_USER_ID,
        &json!({"password_digest": "$2a$10$abc", "password_hasher": "bcrypt"}),
    );
    assert_eq!(ok.status, 200);
}

#[test]
fn timestamps_go_in_as_rfc3339_and_come_out_as_millis() {
    let server = start();
    let reply = patch(
        &server,
        SEED_USER_ID,
        &json!({"legal_accepted_at": "2024-05-01T12:30:00.250+02:00",
                "created_at": "2019-12-31T23:00:00-01:00", "skip_legal_checks": true}),
    );
    assert_eq!(reply.status, 200);
    let user = reply.json();
    assert_eq!(user["legal_accepted_at"], 1_714_559_400_250i64);
    assert_eq!(user["created_at"], 1_577_836_800_000i64);
    let reply = patch(&server, SEED_USER_ID, &json!({"legal_accepted_at": null}));
    assert_eq!(reply.json()["legal_accepted_at"], Value::Null);
}

#[test]
fn user_ids_are_one_percent_decoded_segment() {
    let server = start();
    let mut odd = server.user(BARE_USER_ID).expect("bare");
    odd["id"] = json!("user_odd/slash ü");
    server.insert_user(odd).expect("insert");

    let encoded = "user_odd%2Fslash%20%C3%BC";
    let reply = patch(&server, encoded, &json!({"first_name": "Odd"}));
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["id"], "user_odd/slash ü");
    assert_eq!(server.requests()[0].path, format!("/v1/users/{encoded}"));

    // An unencoded slash is a path separator, so this is another route.
    let reply = call(&server, "GET", "/v1/users/user_odd/slash%20%C3%BC", None);
    assert_eq!(reply.status, 404);
    let reply = call(&server, "GET", "/v1/users/user_%zz", None);
    assert_eq!(reply.status, 400);
    // The query string is not part of the id.
    let reply = call(&server, "GET", &format!("/v1/users/{encoded}?x=1"), None);
    assert_eq!(reply.status, 200);
}

#[test]
fn metadata_endpoints_merge_and_replace() {
    let server = start();
    let target = format!("{}/metadata", path(SEED_USER_ID));
    let body = r#"{"public_metadata":{"roles":null,"team":{"name":"core"},"beta":true},
                   "private_metadata":{"note":"vip"}}"#;
    let reply = call(&server, "PATCH", &target, Some(body));
    assert_eq!(reply.status, 200);
    let user = reply.json();
    assert_eq!(
        user["public_metadata"],
        json!({"plan": "pro", "team": {"id": "t_42", "name": "core"}, "beta": true})
    );
    assert_eq!(
        user["private_metadata"],
        json!({"billing_id": "cus_standin_0001", "note": "vip"})
    );
    let reply = call(
        &server,
        "PUT",
        &target,
        Some(r#"{"unsafe_metadata":{"x":1}}"#),
    );
    assert_eq!(reply.json()["unsafe_metadata"], json!({"x": 1}));
    assert_eq!(reply.json()["public_metadata"]["beta"], true, "untouched");
    let reply = call(&server, "PUT", &target, Some(r#"{"first_name":"A"}"#));
    assert_eq!(reply.status, 422);
    assert_eq!(reply.error_code(), "form_param_unknown");
    let missing = format!("{}/metadata", path("user_2xNobody"));
    assert_eq!(call(&server, "PATCH", &missing, Some("{}")).status, 404);
}

#[test]
fn the_request_log_records_what_was_sent() {
    let server = start();
    let mut conn = Conn::open(server.port());
    conn.call(
        "PATCH",
        &path(SEED_USER_ID),
        Some(r#"{"first_name":"Log"}"#),
    );
    conn.request("GET", &path(SEED_USER_ID), &[("X-Probe", "1")], None);
    conn.call("GET", "/__stand-in/health", None);

    let log = server.requests();
    assert_eq!(log.len(), 2, "inspection requests are not recorded");
    assert_eq!(server.request_count(), 2);
    assert_eq!(log[0].method, "PATCH");
    assert_eq!(log[0].path, path(SEED_USER_ID));
    assert_eq!(
        log[0].header("Authorization"),
        Some(format!("Bearer {DEFAULT_SECRET_KEY}").as_str())
    );
    assert_eq!(log[0].header("content-type"), Some("application/json"));
    assert_eq!(log[0].body_json(), Some(json!({"first_name": "Log"})));
    assert!(log[0].authorized);
    assert!(!log[1].authorized);
    assert_eq!(log[1].header("x-probe"), Some("1"));
    assert!(log[1].headers.iter().all(|(n, _)| *n == n.to_lowercase()));

    let shown = conn
        .request("GET", "/__stand-in/requests", &[], None)
        .json();
    let entries = shown.as_array().expect("array");
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["method"], "PATCH");
    assert_eq!(entries[0]["body"], r#"{"first_name":"Log"}"#);
    assert_eq!(entries[0]["authorized"], true);
    assert!(
        !shown.to_string().contains(DEFAULT_SECRET_KEY),
        "secret leaked"
    );
    let auth = entries[0]["headers"]
        .as_array()
        .and_then(|h| h.iter().find(|h| h["name"] == "authorization"))
        .expect("authorization listed");
    assert_eq!(auth["value"], "[redacted: matched]");

    let cleared = conn
        .request("DELETE", "/__stand-in/requests", &[], None)
        .json();
    assert_eq!(cleared["cleared"], 2);
    assert_eq!(server.request_count(), 0);
}

#[test]
fn inspection_endpoints_need_no_key() {
    let server = start();
    let mut conn = Conn::open(server.port());
    let health = conn.request("GET", "/__stand-in/health", &[], None);
    assert_eq!((health.status, health.json()), (200, json!({"ok": true})));
    let user = conn.request(
        "GET",
        &format!("/__stand-in/users/{SEED_USER_ID}"),
        &[],
        None,
    );
    assert_eq!(user.json()["id"], SEED_USER_ID);
    let none = conn.request("GET", "/__stand-in/nope", &[], None);
    assert_eq!(none.status, 404);
    assert_eq!(server.request_count(), 0);
}

#[test]
fn injected_responses_are_served_once_in_order() {
    let server = start();
    server.inject(InjectedResponse::clerk_error(
        429,
        "too_many_requests",
        "slow down",
    ));
    server.inject(
        InjectedResponse::new(502, "<html>bad gateway</html>")
            .with_header("Content-Type", "text/html")
            .with_delay(Duration::from_millis(50)),
    );
    let mut conn = Conn::open(server.port());
    let first = conn.call("GET", &path(SEED_USER_ID), None);
    assert_eq!(first.status, 429);
    assert_eq!(first.error_code(), "too_many_requests");
    let second = conn.call("GET", &path(SEED_USER_ID), None);
    assert_eq!(second.status, 502);
    assert_eq!(second.header("content-type"), Some("text/html"));
    assert_eq!(conn.call("GET", &path(SEED_USER_ID), None).status, 200);

    let spec = r#"{"status":503,"body":{"errors":[]},"headers":{"Retry-After":"1"}}"#;
    let queued = conn.request("POST", "/__stand-in/inject", &[], Some(spec));
    assert_eq!(queued.json()["queued"], 1);
    let third = conn.call("PATCH", &path(SEED_USER_ID), Some("{}"));
    assert_eq!(third.status, 503);
    assert_eq!(third.header("retry-after"), Some("1"));
    assert_eq!(server.request_count(), 4);
}
