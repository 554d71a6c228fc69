//! `ClerkClient` and the update-user call.

use libc::c_char;

use super::boundary::{
    bad_argument, free_boxed, guard, optional_str_arg, status_of, str_arg, to_c_string,
};
use super::options::ClerkOptions;
use super::status::ClerkStatus;
use crate::config::ClientBuilder;
use crate::Client;

/// A client of Clerk's Backend API. Opaque; create with `clerk_client_new`.
///
/// Thread-safe: many threads may call `clerk_update_user` on one client at
/// once, and they share its connection pool.
pub struct ClerkClient {
    client: Client,
}

/// Creates a client.
///
/// `secret_key`: the Clerk secret key (`sk_live_...` or `sk_test_...`); NULL
/// reads `$CLERK_SECRET_KEY`. The key is copied; it never appears in errors or
/// error documents.
/// `options`: settings from `clerk_options_new`, or NULL for the environment
/// and defaults; the options are copied and may be freed right after this call.
/// `out_client`: receives the client, to be freed with `clerk_client_free`; it
/// is set to NULL on failure.
///
/// Returns `CLERK_OK`, or `CLERK_ERROR_INVALID_ARGUMENT` when `out_client` is
/// NULL, no key is given or found, the key is not shaped like a Clerk secret
/// key, or a setting from the environment is malformed; `clerk_last_error()`
/// says which. Nothing is sent: a wrong key is only noticed by the first call
/// (`CLERK_ERROR_UNAUTHORIZED`).
///
/// # Safety
/// `secret_key` is NULL or a NUL-terminated string; `options` is NULL or a live
/// settings object not being changed by another thread; `out_client` is NULL or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn clerk_client_new(
    secret_key: *const c_char,
    options: *const ClerkOptions,
    out_client: *mut *mut ClerkClient,
) -> ClerkStatus {
    status_of(|| {
        if out_client.is_null() {
            return Err(bad_argument("out_client", "`out_client` is NULL".into()));
        }
        // SAFETY: checked above; the caller passes writable memory.
        unsafe { *out_client = std::ptr::null_mut() };

        // SAFETY: NULL is checked; otherwise the caller passes a live options object.
        let mut builder =
            unsafe { options.as_ref() }.map_or_else(ClientBuilder::new, |o| o.builder.clone());
        // SAFETY: the caller passes NULL or a NUL-terminated string.
        if let Some(key) = unsafe { optional_str_arg(secret_key, "secret_key") }? {
            builder = builder.secret_key(key);
        }

        let client = Box::new(ClerkClient {
            client: builder.build()?,
        });
        // SAFETY: as above.
        unsafe { *out_client = Box::into_raw(client) };
        Ok(())
    })
}

/// Frees a client. NULL is a no-op.
///
/// No other thread may be using this client when it is freed; other clients are
/// not affected.
///
/// # Safety
/// `client` is NULL or came from `clerk_client_new` and was not freed before.
#[no_mangle]
pub unsafe extern "C" fn clerk_client_free(client: *mut ClerkClient) {
    // SAFETY: the caller hands back NULL or a pointer from `clerk_client_new`, once.
    unsafe { free_boxed(client) }
}

/// Updates a user: `PATCH /v1/users/{user_id}` with `params_json` as the body.
///
/// `user_id`: the user's id (`user_...`): 1 to 256 bytes of UTF-8, no
/// whitespace or control characters, not `.` or `..`. It is percent-encoded as
/// one path segment.
/// `params_json`: a JSON object of the attributes to change, such as
/// `{"first_name":"John","lastName":"Wick"}`. Top-level keys in snake_case or
/// the JS SDK's camelCase; omitted keys are unchanged; `null` clears. Metadata
/// values are sent exactly as given. Unknown keys, a key given twice and values
/// of the wrong type are refused with `CLERK_ERROR_INVALID_ARGUMENT` before
/// anything is sent.
/// Empty params (`{}`) are valid: the request is still sent, and returns the
/// user.
/// `out_json`: when not NULL, always set: to the updated user as Clerk sent it
/// on `CLERK_OK`, or to an error document otherwise:
/// `{"status":422,"errors":[{"code":"...","message":"...","long_message":"...",
/// "meta":{...}}],"clerk_trace_id":"...","attempts":1}` (`status` is 0 when no
/// HTTP answer came; `attempts` counts the tries, 0 when it was refused
/// locally). Both are compact JSON on one line. Free it with
/// `clerk_string_free`. When NULL, the result is dropped.
///
/// Blocks until the answer arrives or the deadline passes (30 s by default,
/// retries included). Thread-safe: any number of threads may call this on one
/// client at once. On failure `clerk_last_error()` also describes the error in
/// one line.
///
/// # Safety
/// `client` is NULL or a live client; `user_id` and `params_json` are NULL or
/// NUL-terminated strings; `out_json` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn clerk_update_user(
    client: *const ClerkClient,
    user_id: *const c_char,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
) -> ClerkStatus {
    // SAFETY: forwarded from the caller.
    unsafe {
        call(
            client,
            user_id,
            params_json,
            out_json,
            "params_json",
            Client::update_user_json,
        )
    }
}

/// Merges metadata into a user's: `PATCH /v1/users/{user_id}/metadata`.
///
/// `metadata_json`: a JSON object with any of `public_metadata`,
/// `private_metadata` and `unsafe_metadata` (or `publicMetadata`, ...), each a
/// JSON object. Clerk merges each deeply into the user's: nested objects are
/// merged too, and a key set to `null` is removed, so other keys survive. This
/// is the call to use when `clerk_update_user` would overwrite the whole
/// metadata object, and the only way to change metadata from API version
/// 2026-05-12 on. Anything else in `metadata_json` is refused with
/// `CLERK_ERROR_INVALID_ARGUMENT` before sending.
///
/// `client`, `user_id`, `out_json`, the statuses, blocking and threading: as
/// for `clerk_update_user`.
///
/// # Safety
/// As for `clerk_update_user`.
#[no_mangle]
pub unsafe extern "C" fn clerk_update_user_metadata(
    client: *const ClerkClient,
    user_id: *const c_char,
    metadata_json: *const c_char,
    out_json: *mut *mut c_char,
) -> ClerkStatus {
    // SAFETY: forwarded from the caller.
    unsafe {
        call(
            client,
            user_id,
            metadata_json,
            out_json,
            "metadata_json",
            Client::update_user_metadata_json,
        )
    }
}

/// Replaces metadata fields of a user: `PUT /v1/users/{user_id}/metadata`.
///
/// `metadata_json`: as for `clerk_update_user_metadata`, but each field given
/// replaces that metadata object whole; fields not given are left as they are.
///
/// `client`, `user_id`, `out_json`, the statuses, blocking and threading: as
/// for `clerk_update_user`.
///
/// # Safety
/// As for `clerk_update_user`.
#[no_mangle]
pub unsafe extern "C" fn clerk_replace_user_metadata(
    client: *const ClerkClient,
    user_id: *const c_char,
    metadata_json: *const c_char,
    out_json: *mut *mut c_char,
) -> ClerkStatus {
    // SAFETY: forwarded from the caller.
    unsafe {
        call(
            client,
            user_id,
            metadata_json,
            out_json,
            "metadata_json",
            Client::replace_user_metadata_json,
        )
    }
}

/// The body shared by the calls: checks the pointers, runs `method` inside the
/// panic guard, and hands the user or the error document to `out_json`.
///
/// # Safety
/// As for `clerk_update_user`.
unsafe fn call(
    client: *const ClerkClient,
    user_id: *const c_char,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
    argument: &str,
    method: fn(&Client, &str, &str) -> Result<String, crate::Error>,
) -> ClerkStatus {
    if !out_json.is_null() {
        // SAFETY: the caller passes NULL or writable memory.
        unsafe { *out_json = std::ptr::null_mut() };
    }

    let result = guard(|| {
        // SAFETY: NULL is checked; otherwise the caller passes a live client.
        let client = unsafe { client.as_ref() }
            .ok_or_else(|| bad_argument("client", "`client` is NULL".into()))?;
        // SAFETY: the caller passes NULL or NUL-terminated strings.
        let (user_id, params) = unsafe {
            (
                str_arg(user_id, "user_id")?,
                str_arg(params_json, argument)?,
            )
        };
        method(&client.client, user_id, params)
    });

    // Rendering the document runs under the guard too: nothing here may unwind into C.
    let rendered = guard(|| {
        Ok(match result {
            Ok(user) => (ClerkStatus::CLERK_OK, user),
            Err(error) => (ClerkStatus::from(&error), error.error_document()),
        })
    });
    let (status, text) = rendered
        .unwrap_or_else(|error| (ClerkStatus::CLERK_ERROR_INTERNAL, error.error_document()));
    if !out_json.is_null() {
        // SAFETY: as above.
        unsafe { *out_json = to_c_string(text) };
    }
    status
}
