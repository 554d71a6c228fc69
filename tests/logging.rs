//! Log events, through the `log` crate and through the C callback: what they say, at
//! which level, and that they never show the key or a body. One test, as both the logger
//! and the callback are global to the process.

mod common;

use std::ffi::{c_char, c_void, CStr};
use std::sync::Mutex;
use std::time::Duration;

use clerk::ffi::{clerk_set_log_callback, ClerkLogLevel, ClerkStatus};
use clerk_stand_in::{InjectedResponse, DEFAULT_SECRET_KEY, SEED_USER_ID};

/// Records every `log` record of the library.
struct Recorder;

static RECORDS: Mutex<Vec<String>> = Mutex::new(Vec::new());

impl log::Log for Recorder {
    fn enabled(&self, metadata: &log::Metadata) -> bool {
        metadata.target() == "clerk"
    }

    fn log(&self, record: &log::Record) {
        if self.enabled(record.metadata()) {
            let line = format!("{} {}", record.level(), record.args());
            RECORDS.lock().unwrap_or_else(|p| p.into_inner()).push(line);
        }
    }

    fn flush(&self) {}
}

/// The C callback: appends "LEVEL message" to the `Vec<String>` behind `data`.
unsafe extern "C" fn collect(level: ClerkLogLevel, message: *const c_char, data: *mut c_void) {
    // SAFETY: libclerk passes a valid message; `data` is the Mutex given below.
    let (message, seen) = unsafe {
        (
            CStr::from_ptr(message),
            &*(data as *const Mutex<Vec<String>>),
        )
    };
    let line = format!("{} {}", level as i32, message.to_string_lossy());
    seen.lock().unwrap_or_else(|p| p.into_inner()).push(line);
}

fn take(records: &Mutex<Vec<String>>) -> Vec<String> {
    std::mem::take(&mut *records.lock().unwrap_or_else(|p| p.into_inner()))
}

#[test]
fn events_reach_the_log_crate_and_the_c_callback() {
    let stand_in = common::stand_in();
    let client = common::builder(&stand_in)
        .max_retries(1)
        .timeout(Duration::from_secs(10))
        .build()
        .expect("valid settings");
    let secret_body = r#"{"first_name":"Body-Must-Not-Be-Logged"}"#;

    // The log crate: a 503 then a success gives two requests, two answers, one retry.
    static RECORDER: Recorder = Recorder;
    log::set_logger(&RECORDER).expect("the only logger of this binary");
    log::set_max_level(log::LevelFilter::Debug);
    stand_in.inject(InjectedResponse::clerk_error(503, "unavailable", "later"));
    client
        .update_user_json(SEED_USER_ID, secret_body)
        .expect("the retry succeeds");

    let lines = take(&RECORDS);
    let path = format!("PATCH /v1/users/{SEED_USER_ID}");
    assert!(
        lines.contains(&format!("DEBUG {path}: attempt 1")),
        "{lines:#?}"
    );
    assert!(
        lines.contains(&format!("DEBUG {path}: attempt 2")),
        "{lines:#?}"
    );
    assert!(lines
        .iter()
        .any(|l| l.starts_with(&format!("DEBUG {path}: HTTP 503 after "))));
    assert!(lines
        .iter()
        .any(|l| l.contains("HTTP 200 after") && l.ends_with("(attempt 2)")));
    assert!(lines
        .iter()
        .any(|l| l.starts_with(&format!("INFO {path}: retrying in "))));
    for line in &lines {
        assert!(
            !line.contains(DEFAULT_SECRET_KEY) && !line.contains("Body-Must-Not"),
            "{line}"
        );
    }

    // The C callback, at INFO: only the retry. Then at DEBUG: every request and answer.
    let seen: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let data = &seen as *const Mutex<Vec<String>> as *mut c_void;
    // SAFETY: `collect` is thread-safe; `seen` outlives the callback, removed below.
    let status = unsafe { clerk_set_log_callback(3, Some(collect), data) };
    assert_eq!(status, ClerkStatus::CLERK_OK);
    stand_in.inject(InjectedResponse::clerk_error(
        429,
        "too_many_requests",
        "slow",
    ));
    client
        .update_user_json(SEED_USER_ID, secret_body)
        .expect("the retry succeeds");
    let lines = take(&seen);
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(
        lines[0].starts_with(&format!("3 {path}: retrying in ")),
        "{lines:#?}"
    );

    // SAFETY: as above.
    unsafe { clerk_set_log_callback(ClerkLogLevel::CLERK_LOG_DEBUG as i32, Some(collect), data) };
    let error = client
        .update_user_json("user_nobody", secret_body)
        .expect_err("404");
    assert_eq!(error.status_code(), 404);
    let lines = take(&seen);
    assert_eq!(lines.len(), 2, "{lines:#?}");
    assert!(lines[1].starts_with("4 PATCH /v1/users/user_nobody: HTTP 404 after "));

    // Off, and a bad level refused.
    // SAFETY: NULL turns the callback off; after this, `seen` is never touched again.
    unsafe {
        assert_eq!(
            clerk_set_log_callback(0, None, std::ptr::null_mut()),
            ClerkStatus::CLERK_OK
        );
        let bad = clerk_set_log_callback(9, Some(collect), data);
        assert_eq!(bad, ClerkStatus::CLERK_ERROR_INVALID_ARGUMENT);
    }
    client.update_user_json(SEED_USER_ID, "{}").expect("ok");
    assert!(take(&seen).is_empty());
    for line in take(&RECORDS) {
        assert!(!line.contains(DEFAULT_SECRET_KEY), "{line}");
    }
}
