//! The C log callback: the library's log events, delivered to a C function.

use std::ffi::CString;

use libc::{c_char, c_int, c_void};

use log::Level;

use super::boundary::{bad_argument, status_of};
use super::status::ClerkStatus;
use crate::events;

/// How much a log callback hears; each level includes the ones above it.
#[repr(C)]
// The variants carry their C names, so the header shows the names C users expect.
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClerkLogLevel {
    /// Nothing: turns the callback off.
    CLERK_LOG_OFF = 0,
    /// Failures the library cannot report otherwise (none today).
    CLERK_LOG_ERROR = 1,
    /// Surprises that did not fail a call (none today).
    CLERK_LOG_WARN = 2,
    /// Retries: which call, the wait, the attempt number.
    CLERK_LOG_INFO = 3,
    /// Every request and its answer: method, path, attempt, status, duration.
    CLERK_LOG_DEBUG = 4,
    /// Everything above (nothing more today).
    CLERK_LOG_TRACE = 5,
}

/// Receives one log event: its level, a one-line message, and the `user_data`
/// given to `clerk_set_log_callback`. The message is valid only during the
/// call: copy it to keep it. Messages never hold the secret key or any request
/// or response body.
pub type ClerkLogCallback =
    Option<unsafe extern "C" fn(level: ClerkLogLevel, message: *const c_char, data: *mut c_void)>;

/// The callback and its data, moved into the hook.
struct Target {
    callback: unsafe extern "C" fn(ClerkLogLevel, *const c_char, *mut c_void),
    data: *mut c_void,
}

// SAFETY: the contract of `clerk_set_log_callback` makes the callback and its data
// usable from any thread at once.
unsafe impl Send for Target {}
// SAFETY: as above.
unsafe impl Sync for Target {}

impl Target {
    fn deliver(&self, level: Level, message: &str) {
        let level = match level {
            Level::Error => ClerkLogLevel::CLERK_LOG_ERROR,
            Level::Warn => ClerkLogLevel::CLERK_LOG_WARN,
            Level::Info => ClerkLogLevel::CLERK_LOG_INFO,
            Level::Debug => ClerkLogLevel::CLERK_LOG_DEBUG,
            Level::Trace => ClerkLogLevel::CLERK_LOG_TRACE,
        };
        // Messages are made by the library and hold no NUL; one that did would be dropped.
        if let Ok(message) = CString::new(message) {
            // SAFETY: the caller of `clerk_set_log_callback` vouched for the function.
            unsafe { (self.callback)(level, message.as_ptr(), self.data) };
        }
    }
}

/// Sends the library's log events at `max_level` and above to `callback`.
///
/// `max_level`: one of the `ClerkLogLevel` values (an int from 0 to 5);
/// `CLERK_LOG_DEBUG` shows every request. `callback` NULL, or `CLERK_LOG_OFF`,
/// turns logging off. `user_data` is passed to every call of `callback` and
/// never read by libclerk.
///
/// There is one callback per process; setting one replaces the last. The
/// callback is called on the thread making the libclerk call, possibly on
/// several threads at once, so it must be thread-safe, must not call libclerk,
/// and must return normally: a C++ exception or a `longjmp` out of it aborts
/// the process. A slow callback delays the calls that log and a later
/// `clerk_set_log_callback`. When this function returns, no call of the
/// previous callback is running or will start, so its `user_data` may be freed.
///
/// Returns `CLERK_ERROR_INVALID_ARGUMENT` for a level outside 0 to 5.
///
/// # Safety
/// `callback` is NULL or a function that is thread-safe and valid until it is
/// replaced.
#[no_mangle]
pub unsafe extern "C" fn clerk_set_log_callback(
    max_level: c_int,
    callback: ClerkLogCallback,
    user_data: *mut c_void,
) -> ClerkStatus {
    status_of(|| {
        let level = match max_level {
            0 => None,
            1 => Some(Level::Error),
            2 => Some(Level::Warn),
            3 => Some(Level::Info),
            4 => Some(Level::Debug),
            5 => Some(Level::Trace),
            _ => {
                let long = format!("`max_level` is {max_level}; give a CLERK_LOG_* value");
                return Err(bad_argument("max_level", long));
            }
        };

        let hook = match (level, callback) {
            (Some(_), Some(callback)) => {
                let target = Target {
                    callback,
                    data: user_data,
                };
                Some(
                    Box::new(move |level: Level, message: &str| target.deliver(level, message))
                        as events::Hook,
                )
            }
            _ => None,
        };
        events::set_hook(level, hook);
        Ok(())
    })
}
