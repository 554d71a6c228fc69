//! `ClerkOptions`: the settings a C caller gives before creating a client.

use libc::c_char;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::boundary::{bad_argument, free_boxed, optional_str_arg, status_of};
use super::status::ClerkStatus;
use crate::config::{self, ClientBuilder};
use crate::Error;

/// Settings for `clerk_client_new`. Opaque; create with `clerk_options_new`.
///
/// A settings object is not thread-safe: use it from one thread at a time. It
/// may be freed as soon as `clerk_client_new` returns, and reused for several
/// clients.
pub struct ClerkOptions {
    pub(crate) builder: ClientBuilder,
}

/// Runs a setter on a non-NULL options object.
fn with_options(
    options: *mut ClerkOptions,
    set: impl FnOnce(&mut ClientBuilder) -> Result<(), Error>,
) -> ClerkStatus {
    status_of(|| {
        // SAFETY: NULL is checked; otherwise the caller passes a live object from
        // `clerk_options_new` that no other thread is using.
        let options = unsafe { options.as_mut() }
            .ok_or_else(|| bad_argument("options", "`options` is NULL".into()))?;
        set(&mut options.builder)
    })
}

/// Runs a setter taking an optional string: NULL unsets the setting; any other
/// value must pass `check` first, or the setting is left as it was.
///
/// # Safety
/// `options` as for [`with_options`]; `value` is NULL or a NUL-terminated
/// string.
unsafe fn set_text(
    options: *mut ClerkOptions,
    value: *const c_char,
    name: &str,
    check: impl FnOnce(&str) -> Result<(), Error>,
    store: impl FnOnce(&mut ClientBuilder, Option<String>),
) -> ClerkStatus {
    with_options(options, |builder| {
        // SAFETY: the caller passes NULL or a NUL-terminated string.
        let value = unsafe { optional_str_arg(value, name) }?;
        if let Some(value) = value {
            check(value)?;
        }
        store(builder, value.map(str::to_owned));
        Ok(())
    })
}

/// Creates a settings object with nothing set: every setting not given later
/// comes from the environment (`CLERK_API_URL`, `CLERK_API_VERSION`) or its
/// default.
///
/// Free it with `clerk_options_free`. Thread-safe; the object itself is used by
/// one thread at a time.
#[no_mangle]
pub extern "C" fn clerk_options_new() -> *mut ClerkOptions {
    let options = std::panic::catch_unwind(|| ClerkOptions {
        builder: ClientBuilder::new(),
    });
    options.map_or(std::ptr::null_mut(), |o| Box::into_raw(Box::new(o)))
}

/// Frees a settings object. NULL is a no-op. Clients created from it are not
/// affected.
///
/// # Safety
/// `options` is NULL or came from `clerk_options_new` and was not freed before.
#[no_mangle]
pub unsafe extern "C" fn clerk_options_free(options: *mut ClerkOptions) {
    // SAFETY: the caller hands back NULL or a pointer from `clerk_options_new`, once.
    unsafe { free_boxed(options) }
}

/// Sets the Backend API's base URL, e.g. `"https://api.clerk.com"` or a local
/// stand-in's `"http://127.0.0.1:8080"`. A trailing `/` or `/v1` is dropped;
/// requests go to `{url}/v1/users/{user_id}`. Plain `http` is accepted only for
/// loopback hosts.
///
/// `url` NULL unsets it (back to `$CLERK_API_URL`, else
/// `https://api.clerk.com`). The string is copied. Returns
/// `CLERK_ERROR_INVALID_ARGUMENT` if `options` is NULL or the URL is malformed,
/// leaving the setting unchanged.
///
/// # Safety
/// `options` is NULL or a live settings object; `url` is NULL or a
/// NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn clerk_options_set_api_url(
    options: *mut ClerkOptions,
    url: *const c_char,
) -> ClerkStatus {
    // SAFETY: forwarded from the caller.
    unsafe {
        set_text(
            options,
            url,
            "url",
            |url| config::check_api_url(url).map(drop),
            |builder, url| builder.api_url = url,
        )
    }
}

/// Sets the `Clerk-API-Version` header, a date such as `"2025-11-10"` (the
/// default).
///
/// `version` NULL unsets it (back to `$CLERK_API_VERSION`, else the default).
/// From `"2026-05-12"` on, Clerk refuses metadata in update user, and so does
/// this library. Returns `CLERK_ERROR_INVALID_ARGUMENT` if `options` is NULL or
/// the version is not a `YYYY-MM-DD` date.
///
/// # Safety
/// `options` is NULL or a live settings object; `version` is NULL or a
/// NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn clerk_options_set_api_version(
    options: *mut ClerkOptions,
    version: *const c_char,
) -> ClerkStatus {
    // SAFETY: forwarded from the caller.
    unsafe {
        set_text(
            options,
            version,
            "version",
            config::check_api_version,
            |builder, version| builder.api_version = version,
        )
    }
}

/// Sets the deadline of one call (`clerk_update_user` or a metadata call),
/// retries included, in milliseconds.
///
/// Default 30000. Returns `CLERK_ERROR_INVALID_ARGUMENT` for 0 (a call needs a
/// deadline), for more than a day, or if `options` is NULL.
///
/// # Safety
/// `options` is NULL or a live settings object.
#[no_mangle]
pub unsafe extern "C" fn clerk_options_set_timeout_ms(
    options: *mut ClerkOptions,
    timeout_ms: u64,
) -> ClerkStatus {
    with_options(options, |builder| {
        let timeout = Duration::from_millis(timeout_ms);
        config::check_timeout(timeout)?;
        builder.timeout = Some(timeout);
        Ok(())
    })
}

/// Sets how many times a call may be retried when Clerk surely did not apply
/// it: after a 429, 502, 503 or 504, or when no connection could be made
/// (refused, timed out, host not found). Default 2; at most 10; 0 turns retries
/// off.
///
/// Returns `CLERK_ERROR_INVALID_ARGUMENT` above 10 or if `options` is NULL.
///
/// # Safety
/// `options` is NULL or a live settings object.
#[no_mangle]
pub unsafe extern "C" fn clerk_options_set_max_retries(
    options: *mut ClerkOptions,
    max_retries: u32,
) -> ClerkStatus {
    with_options(options, |builder| {
        config::check_max_retries(max_retries)?;
        builder.max_retries = Some(max_retries);
        Ok(())
    })
}

/// Trusts the root certificates of a PEM file in addition to the bundled webpki
/// roots: for a TLS-intercepting corporate proxy, or a private server with its
/// own CA.
///
/// `path` NULL unsets it. The file is read and checked now, and read again by
/// `clerk_client_new`. Returns `CLERK_ERROR_INVALID_ARGUMENT` if `options` is
/// NULL, or if the file cannot be read or holds no PEM certificate;
/// `clerk_last_error()` says which.
///
/// # Safety
/// `options` is NULL or a live settings object; `path` is NULL or a
/// NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn clerk_options_set_root_ca_file(
    options: *mut ClerkOptions,
    path: *const c_char,
) -> ClerkStatus {
    // SAFETY: forwarded from the caller.
    unsafe {
        set_text(
            options,
            path,
            "path",
            |path| config::load_root_cas(Path::new(path)).map(drop),
            |builder, path| builder.root_ca_file = path.map(PathBuf::from),
        )
    }
}

/// Appends words naming the calling application to the `User-Agent`, such as
/// `"billing-sync/2.1"` (sent as `libclerk/0.1.0 billing-sync/2.1`).
///
/// `suffix` NULL unsets it. The string is copied. Returns
/// `CLERK_ERROR_INVALID_ARGUMENT` if `options` is NULL or the suffix is empty,
/// over 200 characters or not printable ASCII.
///
/// # Safety
/// `options` is NULL or a live settings object; `suffix` is NULL or a
/// NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn clerk_options_set_user_agent_suffix(
    options: *mut ClerkOptions,
    suffix: *const c_char,
) -> ClerkStatus {
    // SAFETY: forwarded from the caller.
    unsafe {
        set_text(
            options,
            suffix,
            "suffix",
            config::check_user_agent_suffix,
            |builder, suffix| builder.user_agent_suffix = suffix,
        )
    }
}

/// Sends every request through an HTTP proxy, such as
/// `"http://proxy.internal:3128"` (credentials as
/// `"http://user:password@host:port"`).
///
/// Precedence: this proxy, when set, wins; otherwise the first of `ALL_PROXY`,
/// `HTTPS_PROXY` and `HTTP_PROXY` (or their lowercase forms) in the environment
/// applies, with `NO_PROXY`, except to loopback API URLs, which are reached
/// directly. `url` NULL unsets it. The string is copied and never appears in
/// errors. Returns `CLERK_ERROR_INVALID_ARGUMENT` if `options` is NULL, or the
/// URL is malformed or not `http://` or `https://` (SOCKS is not supported).
///
/// # Safety
/// `options` is NULL or a live settings object; `url` is NULL or a
/// NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn clerk_options_set_proxy(
    options: *mut ClerkOptions,
    url: *const c_char,
) -> ClerkStatus {
    // SAFETY: forwarded from the caller.
    unsafe {
        set_text(
            options,
            url,
            "url",
            |url| config::check_proxy(url).map(drop),
            |builder, url| builder.proxy = url,
        )
    }
}
