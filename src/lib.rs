//! Clerk's Backend API call "update a user" (`PATCH /v1/users/{user_id}`), as a blocking
//! call for Rust programs without an async runtime and, through a C ABI, for C and C++.
//!
//! ```no_run
//! use clerk::{Client, UpdateUserParams};
//!
//! let client = Client::new("sk_test_...")?;
//! let user = client.update_user(
//!     "user_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
//!     &UpdateUserParams::new().first_name("John").last_name("Wick"),
//! )?;
//! assert_eq!(user.first_name.as_deref(), Some("John"));
//!
//! // The same call with params as JSON, returning the user JSON exactly as Clerk sent it:
//! let json = client.update_user_json("user_2g7np7Hrk0SN6kj5EDMLDaKNL0S", r#"{"lastName":null}"#)?;
//! # Ok::<(), clerk::Error>(())
//! ```
//!
//! Failures are one [`Error`] enum; [`Error::error_document`] renders any of them in Clerk's
//! error shape. [`Client::update_user_metadata`] and [`Client::replace_user_metadata`] are
//! the metadata calls (a deep merge and a replacement).
//!
//! The library logs through the `log` crate, target `clerk`, and never installs a logger:
//! each request and answer at `debug`, each retry at `info`; never the key or a body.
//!
//! The C API lives in the [`ffi`] module and is described in `include/clerk.h`.

#![deny(missing_docs)]

mod answer;
mod client;
mod config;
mod error;
mod events;
pub mod ffi;
mod fields;
mod normalize;
mod params;
mod resolver;
mod retry;
mod user;
mod user_id;

pub use answer::MAX_RESPONSE_BYTES;
pub use client::Client;
pub use config::{
    ClientBuilder, CONNECT_TIMEOUT, DEFAULT_API_URL, DEFAULT_API_VERSION, DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT, ENV_API_URL, ENV_API_VERSION, ENV_SECRET_KEY, MAX_RETRIES_LIMIT, MAX_TIMEOUT,
    USER_AGENT,
};
pub use error::{ApiError, ClerkError, Error, LocalError};
pub use normalize::MAX_PARAMS_BYTES;
pub use params::{Field, UpdateUserParams};
pub use resolver::DNS_CACHE_TTL;
pub use retry::{BACKOFF_GROWTH, BASE_BACKOFF, MAX_BACKOFF};
pub use user::{EmailAddress, PhoneNumber, User, Verification, VerificationStatus};
pub use user_id::MAX_USER_ID_BYTES;

/// The library's version, as in Cargo.toml.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Compiles the Rust examples of the README as doctests, so the README cannot drift.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
