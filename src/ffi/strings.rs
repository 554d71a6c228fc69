//! Strings handed to C, and the library's version.

use std::ffi::CString;

use libc::c_char;

use super::boundary;

/// Frees a string returned by libclerk (the `out_json` of `clerk_update_user`
/// and the metadata calls). NULL is a no-op. Never pass it to `free()`, and
/// never pass `free()` a libclerk string. Do not write into the string before
/// freeing it (shortening it, say with `strtok`): copy it first. Any thread may
/// free it.
///
/// # Safety
/// `s` is NULL or a string from libclerk that was not freed before.
#[no_mangle]
pub unsafe extern "C" fn clerk_string_free(s: *mut c_char) {
    if !s.is_null() {
        // SAFETY: the caller hands back a string made by `CString::into_raw`, once.
        let _ = std::panic::catch_unwind(|| drop(unsafe { CString::from_raw(s) }));
    }
}

/// This thread's last failure, as one line of text, or NULL if no call on this
/// thread has failed yet.
///
/// The string belongs to libclerk: do not free it. It stays valid until the
/// next failing libclerk call on the same thread; successful calls do not clear
/// it. Each thread has its own last error, so it is safe to call from any
/// thread.
#[no_mangle]
pub extern "C" fn clerk_last_error() -> *const c_char {
    boundary::last_error()
}

/// The library's version, such as `"0.1.0"`. Static: never free it.
/// Thread-safe.
#[no_mangle]
pub extern "C" fn clerk_version() -> *const c_char {
    const VERSION: &std::ffi::CStr = match std::ffi::CStr::from_bytes_with_nul(
        concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes(),
    ) {
        Ok(v) => v,
        Err(_) => c"unknown",
    };
    VERSION.as_ptr()
}
