//! The panic guard around every exported function, this thread's last error, and the
//! checks that turn C arguments into Rust values.

use std::cell::RefCell;
use std::ffi::{CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

use libc::c_char;

use super::status::ClerkStatus;
use crate::error::{Error, LocalError};

thread_local! {
    /// The last failure on this thread, one line, for `clerk_last_error`.
    static LAST_ERROR: RefCell<Option<CString>> = const { RefCell::new(None) };
}

/// Runs `body` so that no panic crosses into C: a panic becomes
/// `Error::Internal`.
///
/// On failure the error is recorded as this thread's last error and its status
/// returned.
pub(crate) fn guard<T>(body: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    let result = catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|_| {
        let long = "a panic was caught at the C boundary; this is a bug in libclerk, please \
                    report it with the call that caused it";
        let local = LocalError::new("internal_error", "internal error", long);
        Err(Error::Internal(Box::new(local)))
    });

    if let Err(error) = &result {
        set_last_error(error);
    }
    result
}

/// Runs `body` inside [`guard`] and returns its status.
pub(crate) fn status_of(body: impl FnOnce() -> Result<(), Error>) -> ClerkStatus {
    match guard(body) {
        Ok(()) => ClerkStatus::CLERK_OK,
        Err(error) => ClerkStatus::from(&error),
    }
}

fn set_last_error(error: &Error) {
    let line: String = error
        .to_string()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    // Control characters, NUL included, were replaced above, so this cannot fail.
    let line = CString::new(line).unwrap_or_default();
    // Inside a thread's teardown the slot may be gone; the error then has nowhere to go.
    let _ = LAST_ERROR.try_with(|slot| *slot.borrow_mut() = Some(line));
}

/// This thread's last error, valid until the next failing call on this thread.
pub(crate) fn last_error() -> *const c_char {
    LAST_ERROR
        .try_with(|slot| {
            slot.borrow()
                .as_ref()
                .map_or(std::ptr::null(), |s| s.as_ptr())
        })
        .unwrap_or(std::ptr::null())
}

/// Borrows a C string argument as UTF-8.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string that outlives `'a`.
pub(crate) unsafe fn str_arg<'a>(ptr: *const c_char, name: &str) -> Result<&'a str, Error> {
    if ptr.is_null() {
        return Err(bad_argument(
            name,
            format!("`{name}` is NULL; pass a string"),
        ));
    }

    // SAFETY: not NULL, and the caller promises a NUL-terminated string.
    let text = unsafe { CStr::from_ptr(ptr) };
    text.to_str().map_err(|e| {
        let at = e.valid_up_to();
        bad_argument(
            name,
            format!("`{name}` is not valid UTF-8 (bad byte at offset {at})"),
        )
    })
}

/// Borrows an optional C string argument: NULL is `None`.
///
/// # Safety
/// As for [`str_arg`].
pub(crate) unsafe fn optional_str_arg<'a>(
    ptr: *const c_char,
    name: &str,
) -> Result<Option<&'a str>, Error> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded from the caller.
    unsafe { str_arg(ptr, name) }.map(Some)
}

/// The error for an argument that is NULL or malformed.
pub(crate) fn bad_argument(name: &str, long: String) -> Error {
    let local = LocalError::new("invalid_argument", format!("invalid `{name}`"), long);
    Error::InvalidArgument(Box::new(local.with_param(name)))
}

/// Drops an object that was handed to C as a `Box`; NULL is a no-op. A panic in
/// a destructor is caught here, since a free function has no status to report
/// it.
///
/// # Safety
/// `ptr` is NULL or came from `Box::into_raw` and is not used again.
pub(crate) unsafe fn free_boxed<T>(ptr: *mut T) {
    if !ptr.is_null() {
        // SAFETY: the caller hands back a pointer from `Box::into_raw`, once.
        let _ = catch_unwind(AssertUnwindSafe(|| drop(unsafe { Box::from_raw(ptr) })));
    }
}

/// Hands a string to C; the caller frees it with `clerk_string_free`.
pub(crate) fn to_c_string(text: String) -> *mut c_char {
    match CString::new(text) {
        Ok(text) => text.into_raw(),
        // A JSON text holds no NUL byte; should one appear, hand out an empty string
        // rather than a truncated one.
        Err(_) => CString::default().into_raw(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_become_internal_errors() {
        let result: Result<(), Error> = guard(|| panic!("boom"));
        assert!(matches!(result, Err(Error::Internal(_))));
        // SAFETY: `last_error` returns NULL or a string owned by this thread.
        let line = unsafe { CStr::from_ptr(last_error()) }
            .to_string_lossy()
            .into_owned();
        assert!(line.contains("bug in libclerk"), "{line}");
    }

    #[test]
    fn last_error_is_one_line() {
        let local = LocalError::new("x", "a\nb", "c\r\nd\0e");
        let _ = guard::<()>(|| Err(Error::Internal(Box::new(local))));
        // SAFETY: as above.
        let line = unsafe { CStr::from_ptr(last_error()) }
            .to_string_lossy()
            .into_owned();
        assert!(!line.contains(['\n', '\r']), "{line:?}");
        assert!(line.contains("d e"), "{line:?}");
    }

    #[test]
    fn null_and_non_utf8_arguments_are_refused() {
        // SAFETY: NULL, and a NUL-terminated literal.
        unsafe {
            assert!(str_arg(std::ptr::null(), "user_id").is_err());
            assert!(matches!(optional_str_arg(std::ptr::null(), "x"), Ok(None)));
            let bad = b"ab\xffc\0";
            let error = str_arg(bad.as_ptr().cast(), "params_json").expect_err("not UTF-8");
            assert!(error.to_string().contains("offset 2"), "{error}");
        }
    }
}
