//! Property tests: whatever bytes a C caller passes, the C entry points return a status
//! and a valid error document, and never panic, crash or send a request they refused.

mod common;

use std::ffi::{c_char, CStr, CString};
use std::ptr;

use clerk::ffi::{
    clerk_client_free, clerk_client_new, clerk_options_free, clerk_options_new,
    clerk_options_set_api_url, clerk_options_set_api_version, clerk_options_set_max_retries,
    clerk_string_free, clerk_update_user, ClerkClient, ClerkStatus,
};
use clerk_stand_in::{StandIn, DEFAULT_SECRET_KEY, SEED_USER_ID};
use proptest::prelude::*;
use serde_json::Value;

/// A C client aimed at `stand_in`, with retries off so each case is one request at most.
fn c_client(stand_in: &StandIn) -> *mut ClerkClient {
    let url = CString::new(stand_in.url()).expect("no NUL");
    let key = CString::new(DEFAULT_SECRET_KEY).expect("no NUL");
    let mut client = ptr::null_mut();
    // SAFETY: valid strings and out pointers; the options are freed after use.
    unsafe {
        let options = clerk_options_new();
        assert_eq!(
            clerk_options_set_api_url(options, url.as_ptr()),
            ClerkStatus::CLERK_OK
        );
        assert_eq!(
            clerk_options_set_max_retries(options, 0),
            ClerkStatus::CLERK_OK
        );
        assert_eq!(
            clerk_client_new(key.as_ptr(), options, &mut client),
            ClerkStatus::CLERK_OK
        );
        clerk_options_free(options);
    }
    client
}

/// Bytes as a C string: cut at the first NUL, as C would see them.
fn c_string(bytes: &[u8]) -> CString {
    let end = bytes.iter().position(|b| *b == 0).unwrap_or(bytes.len());
    CString::new(&bytes[..end]).expect("no NUL left")
}

/// Calls `clerk_update_user` and returns its status and `out_json`.
fn update(client: *const ClerkClient, id: &CStr, params: &CStr) -> (ClerkStatus, String) {
    let mut out: *mut c_char = ptr::null_mut();
    // SAFETY: a live client, NUL-terminated strings and a writable out pointer.
    let status = unsafe { clerk_update_user(client, id.as_ptr(), params.as_ptr(), &mut out) };
    assert!(!out.is_null(), "out_json is always set");
    // SAFETY: libclerk hands out a NUL-terminated string, freed right after.
    let text = unsafe { CStr::from_ptr(out) }
        .to_string_lossy()
        .into_owned();
    unsafe { clerk_string_free(out) };
    (status, text)
}

/// JSON-ish bytes: mostly the characters params are made of, so cases get past the
/// first byte often.
fn jsonish() -> impl Strategy<Value = Vec<u8>> {
    let pieces = prop_oneof![
        Just(b"{".to_vec()),
        Just(b"}".to_vec()),
        Just(b"[".to_vec()),
        Just(b"]".to_vec()),
        Just(b"\"".to_vec()),
        Just(b":".to_vec()),
        Just(b",".to_vec()),
        Just(b"null".to_vec()),
        Just(b"true".to_vec()),
        Just(b"\"first_name\"".to_vec()),
        Just(b"\"publicMetadata\"".to_vec()),
        Just(b"\"backup_codes\"".to_vec()),
        Just(b"\"create_organizations_limit\"".to_vec()),
        Just(b"-1.5e3".to_vec()),
        Just(b"\\u0000".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..4),
    ];
    proptest::collection::vec(pieces, 0..24).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn any_params_get_a_status_and_a_valid_document(params in jsonish()) {
        let stand_in = common::stand_in();
        let client = c_client(&stand_in);
        let id = CString::new(SEED_USER_ID).expect("no NUL");

        let (status, text) = update(client, &id, &c_string(&params));
        // SAFETY: made by c_client, freed once.
        unsafe { clerk_client_free(client) };

        let json: Value = serde_json::from_str(&text).expect("out_json is JSON");
        if status == ClerkStatus::CLERK_OK {
            prop_assert_eq!(&json["id"], SEED_USER_ID);
        } else {
            prop_assert!(json["errors"][0]["code"].is_string(), "{}", text);
            prop_assert!(json["status"].is_u64());
        }
        if status == ClerkStatus::CLERK_ERROR_INVALID_ARGUMENT {
            prop_assert_eq!(stand_in.request_count(), 0, "a local rejection was sent");
            prop_assert_eq!(&json["attempts"], 0);
        }
        prop_assert!(!text.contains(DEFAULT_SECRET_KEY));
    }

    #[test]
    fn any_user_id_stays_in_its_segment_or_is_refused(
        id in proptest::collection::vec(any::<u8>(), 0..300),
    ) {
        let stand_in = common::stand_in();
        let client = c_client(&stand_in);
        let params = CString::new("{}").expect("no NUL");

        let (status, text) = update(client, &c_string(&id), &params);
        // SAFETY: made by c_client, freed once.
        unsafe { clerk_client_free(client) };

        let json: Value = serde_json::from_str(&text).expect("out_json is JSON");
        match status {
            ClerkStatus::CLERK_ERROR_INVALID_ARGUMENT => {
                prop_assert_eq!(stand_in.request_count(), 0);
            }
            ClerkStatus::CLERK_OK | ClerkStatus::CLERK_ERROR_NOT_FOUND => {
                let requests = stand_in.requests();
                prop_assert_eq!(requests.len(), 1);
                let path = &requests[0].path;
                let segment = path.strip_prefix("/v1/users/").unwrap_or("/");
                prop_assert!(!segment.contains(['/', '?', '#']), "{}", path);
            }
            other => prop_assert!(false, "{:?}: {}", other, json),
        }
    }

    #[test]
    fn any_option_bytes_are_accepted_or_refused_cleanly(
        url in proptest::collection::vec(any::<u8>(), 0..80),
        version in proptest::collection::vec(any::<u8>(), 0..16),
    ) {
        let (url, version) = (c_string(&url), c_string(&version));
        // SAFETY: a fresh options object, NUL-terminated strings, freed once.
        unsafe {
            let options = clerk_options_new();
            let _ = clerk_options_set_api_url(options, url.as_ptr());
            let _ = clerk_options_set_api_version(options, version.as_ptr());
            let mut client = ptr::null_mut();
            let key = CString::new(DEFAULT_SECRET_KEY).expect("no NUL");
            let status = clerk_client_new(key.as_ptr(), options, &mut client);
            prop_assert_eq!(status == ClerkStatus::CLERK_OK, !client.is_null());
            clerk_client_free(client);
            clerk_options_free(options);
        }
    }
}
