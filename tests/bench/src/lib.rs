//! Benchmarks of libclerk's update-user call on loopback (see BENCHMARKS.md at the top of
//! the repository).
//!
//! The `clerk-bench` binary starts [`server`] in a child process of its own, measures the
//! library from Rust, a plain-socket [`baseline`] and ureq alone in-process, runs the C
//! program (`tests/bench/c`) and, where present, Clerk's Node SDK (`tests/bench/node`)
//! against the same server, and prints one table ([`report`]).

#![deny(missing_docs)]

pub mod affinity;
pub mod baseline;
pub mod external;
pub mod fixtures;
pub mod http;
pub mod machine;
pub mod micro;
pub mod report;
pub mod resolver;
pub mod scenarios;
pub mod server;
pub mod size;
pub mod stats;
pub mod timing;
