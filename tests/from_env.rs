//! Settings from the environment. Alone in its own test binary because it changes the
//! process environment, which no other test may read at the same time.

mod common;

use clerk::{Client, Error};
use clerk_stand_in::{DEFAULT_SECRET_KEY, SEED_USER_ID};

#[test]
fn settings_come_from_the_setter_then_the_environment_then_the_default() {
    let stand_in = common::stand_in();
    std::env::remove_var("CLERK_SECRET_KEY");
    std::env::remove_var("CLERK_API_VERSION");
    std::env::set_var("CLERK_API_URL", stand_in.url());

    let error = Client::from_env().expect_err("no key anywhere");
    assert!(matches!(error, Error::InvalidArgument(_)));
    assert!(error.to_string().contains("CLERK_SECRET_KEY"), "{error}");

    std::env::set_var("CLERK_SECRET_KEY", DEFAULT_SECRET_KEY);
    std::env::set_var("CLERK_API_VERSION", "2024-10-01");
    let client = Client::from_env().expect("everything from the environment");
    client
        .update_user_json(SEED_USER_ID, "{}")
        .expect("the stand-in answers");
    let sent = stand_in.requests().pop().expect("one request");
    assert_eq!(sent.header("clerk-api-version"), Some("2024-10-01"));

    // A setter wins over the environment.
    let client = Client::builder()
        .api_version("2025-11-10")
        .build()
        .expect("valid");
    client
        .update_user_json(SEED_USER_ID, "{}")
        .expect("the stand-in answers");
    let sent = stand_in.requests().pop().expect("a second request");
    assert_eq!(sent.header("clerk-api-version"), Some("2025-11-10"));

    std::env::set_var("CLERK_API_URL", "http://example.com");
    let error = Client::from_env().expect_err("plain http to a remote host");
    assert!(error.to_string().contains("https"), "{error}");

    // A value that is not UTF-8 is refused, never silently replaced by the default.
    use std::os::unix::ffi::OsStringExt;
    let bad = std::ffi::OsString::from_vec(b"http://127.0.0.1:8080/\xff".to_vec());
    std::env::set_var("CLERK_API_URL", &bad);
    let error = Client::from_env().expect_err("not UTF-8");
    assert!(matches!(error, Error::InvalidArgument(_)));
    assert!(error.to_string().contains("CLERK_API_URL"), "{error}");

    for name in ["CLERK_SECRET_KEY", "CLERK_API_URL", "CLERK_API_VERSION"] {
        std::env::remove_var(name);
    }
}
