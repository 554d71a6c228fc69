//! The status codes returned by every C function, and their names.

use std::ffi::CStr;

use libc::{c_char, c_int};

use crate::Error;

/// The result of a libclerk call. `CLERK_OK` is 0; every other value is a
/// failure.
///
/// Numbers are never reused: a status retired in a later version keeps its
/// number.
#[repr(C)]
// The variants carry their C names, so the header shows the names C users expect.
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClerkStatus {
    /// Success.
    CLERK_OK = 0,
    /// An argument was NULL, not UTF-8, or malformed; nothing was sent.
    CLERK_ERROR_INVALID_ARGUMENT = 1,
    /// Clerk answered 401 or 403: check the secret key.
    CLERK_ERROR_UNAUTHORIZED = 2,
    /// Clerk answered 404: no user has this id.
    CLERK_ERROR_NOT_FOUND = 3,
    /// Clerk answered 400, 409 or 422: the params were refused; see the error
    /// document.
    CLERK_ERROR_REJECTED = 4,
    /// Clerk answered 429: too many requests; see `retry_after_s` in the error
    /// document.
    CLERK_ERROR_RATE_LIMITED = 5,
    /// Clerk answered 5xx, a redirect or another unexpected status.
    CLERK_ERROR_SERVER = 6,
    /// The call did not finish before its deadline. With code `connect_timeout`
    /// nothing was sent; otherwise the update may have been applied.
    CLERK_ERROR_TIMEOUT = 7,
    /// No HTTP answer: DNS, connect, TLS or connection reset.
    CLERK_ERROR_TRANSPORT = 8,
    /// A success status whose body is not a user object.
    CLERK_ERROR_DECODE = 9,
    /// A bug in libclerk (a panic caught at the boundary); please report it.
    CLERK_ERROR_INTERNAL = 10,
}

impl From<&Error> for ClerkStatus {
    fn from(error: &Error) -> Self {
        match error {
            Error::InvalidArgument(_) => ClerkStatus::CLERK_ERROR_INVALID_ARGUMENT,
            Error::Unauthorized(_) => ClerkStatus::CLERK_ERROR_UNAUTHORIZED,
            Error::NotFound(_) => ClerkStatus::CLERK_ERROR_NOT_FOUND,
            Error::Rejected(_) => ClerkStatus::CLERK_ERROR_REJECTED,
            Error::RateLimited(_) => ClerkStatus::CLERK_ERROR_RATE_LIMITED,
            Error::Server(_) => ClerkStatus::CLERK_ERROR_SERVER,
            Error::Timeout(_) => ClerkStatus::CLERK_ERROR_TIMEOUT,
            Error::Transport(_) => ClerkStatus::CLERK_ERROR_TRANSPORT,
            Error::Decode(_) => ClerkStatus::CLERK_ERROR_DECODE,
            Error::Internal(_) => ClerkStatus::CLERK_ERROR_INTERNAL,
        }
    }
}

fn name(status: c_int) -> &'static CStr {
    match status {
        0 => c"CLERK_OK",
        1 => c"CLERK_ERROR_INVALID_ARGUMENT",
        2 => c"CLERK_ERROR_UNAUTHORIZED",
        3 => c"CLERK_ERROR_NOT_FOUND",
        4 => c"CLERK_ERROR_REJECTED",
        5 => c"CLERK_ERROR_RATE_LIMITED",
        6 => c"CLERK_ERROR_SERVER",
        7 => c"CLERK_ERROR_TIMEOUT",
        8 => c"CLERK_ERROR_TRANSPORT",
        9 => c"CLERK_ERROR_DECODE",
        10 => c"CLERK_ERROR_INTERNAL",
        _ => c"CLERK_ERROR_UNKNOWN_STATUS",
    }
}

/// The name of a status, such as `"CLERK_ERROR_NOT_FOUND"`.
///
/// Takes any int, so a value from a newer library or a corrupted variable is
/// safe: unknown values give `"CLERK_ERROR_UNKNOWN_STATUS"`. The returned
/// string is static: never free it. Thread-safe.
#[no_mangle]
pub extern "C" fn clerk_status_str(status: c_int) -> *const c_char {
    name(status).as_ptr()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_has_its_own_name() {
        for code in 0..=10 {
            let text = name(code).to_str().unwrap_or_default();
            let status: ClerkStatus = status_numbered(code);
            assert_eq!(text, format!("{status:?}"));
        }
        assert_eq!(name(-1), c"CLERK_ERROR_UNKNOWN_STATUS");
        assert_eq!(name(11), c"CLERK_ERROR_UNKNOWN_STATUS");
    }

    fn status_numbered(code: c_int) -> ClerkStatus {
        use ClerkStatus::*;
        [
            CLERK_OK,
            CLERK_ERROR_INVALID_ARGUMENT,
            CLERK_ERROR_UNAUTHORIZED,
            CLERK_ERROR_NOT_FOUND,
            CLERK_ERROR_REJECTED,
            CLERK_ERROR_RATE_LIMITED,
            CLERK_ERROR_SERVER,
            CLERK_ERROR_TIMEOUT,
            CLERK_ERROR_TRANSPORT,
            CLERK_ERROR_DECODE,
            CLERK_ERROR_INTERNAL,
        ]
        .into_iter()
        .find(|s| *s as c_int == code)
        .unwrap_or(CLERK_ERROR_INTERNAL)
    }
}
