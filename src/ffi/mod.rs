//! The C API: every `extern "C"` function of the library, as declared in `include/clerk.h`.
//!
//! Each exported function checks its pointers, runs its body inside one panic
//! guard, and reports failures through its [`ClerkStatus`], this thread's last error and,
//! where it has one, the error document written to `out_json`.

mod boundary;
mod client;
mod logging;
mod options;
mod status;
mod strings;

pub use client::{
    clerk_client_free, clerk_client_new, clerk_replace_user_metadata, clerk_update_user,
    clerk_update_user_metadata, ClerkClient,
};
pub use logging::{clerk_set_log_callback, ClerkLogCallback, ClerkLogLevel};
pub use options::{
    clerk_options_free, clerk_options_new, clerk_options_set_api_url,
    clerk_options_set_api_version, clerk_options_set_max_retries, clerk_options_set_proxy,
    clerk_options_set_root_ca_file, clerk_options_set_timeout_ms,
    clerk_options_set_user_agent_suffix, ClerkOptions,
};
pub use status::{clerk_status_str, ClerkStatus};
pub use strings::{clerk_last_error, clerk_string_free, clerk_version};
