//! Helpers shared by the integration tests: a stand-in per test and a client aimed at it.

#![allow(dead_code)] // Each test file uses its own subset.

use std::path::PathBuf;
use std::time::Duration;

use clerk::{Client, ClientBuilder};
use clerk_stand_in::{Config, StandIn, DEFAULT_SECRET_KEY};

/// A fresh stand-in on a free loopback port, with its seeded users.
pub fn stand_in() -> StandIn {
    StandIn::start(Config::default()).expect("the stand-in starts on 127.0.0.1")
}

/// A client builder aimed at `stand_in` with its key, for tests that set more.
pub fn builder(stand_in: &StandIn) -> ClientBuilder {
    Client::builder()
        .secret_key(DEFAULT_SECRET_KEY)
        .api_url(stand_in.url())
}

/// A client for `stand_in`, with a short deadline so no test can hang for long.
pub fn client(stand_in: &StandIn) -> Client {
    builder(stand_in)
        .timeout(Duration::from_secs(10))
        .max_retries(0)
        .build()
        .expect("valid settings")
}

/// The folder holding the library cargo built for these tests (`target/debug`).
pub fn build_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test knows its own path");
    // target/debug/deps/<test> -> target/debug
    exe.parent()
        .and_then(|deps| deps.parent())
        .map(PathBuf::from)
        .expect("tests run from target/<profile>/deps")
}

/// The repository's root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}
pub mod fault;

/// The soname build.rs gives the shared library: `libclerk.so.MAJOR`, or
/// `libclerk.so.0.MINOR` before 1.0.
pub fn soname() -> String {
    let major = env!("CARGO_PKG_VERSION_MAJOR");
    if major == "0" {
        format!("libclerk.so.0.{}", env!("CARGO_PKG_VERSION_MINOR"))
    } else {
        format!("libclerk.so.{major}")
    }
}

/// Fails unless the shared and static libraries are newer than every source file, and
/// makes the soname link: `cargo test` alone does not rebuild the C libraries, and a C
/// test of a stale library proves nothing.
pub fn assert_libraries_are_fresh() {
    static CHECKED: std::sync::OnceLock<()> = std::sync::OnceLock::new();
    CHECKED.get_or_init(|| {
        soname_link();
        let root = root();
        let source = newest(&root.join("src")).max(newest(&root.join("Cargo.toml")));
        for lib in ["libclerk.so", "libclerk.a"] {
            let built = std::fs::metadata(build_dir().join(lib))
                .and_then(|m| m.modified())
                .unwrap_or_else(|_| panic!("{lib} is missing: run `cargo build` (make test does)"));
            assert!(
                built >= source,
                "{lib} is older than the sources: run `cargo build` first (make test does)"
            );
        }
    });
}

/// The newest modification time of a file, or of anything below a folder.
fn newest(path: &std::path::Path) -> std::time::SystemTime {
    let own = std::fs::metadata(path).and_then(|m| m.modified());
    let own = own.unwrap_or(std::time::SystemTime::UNIX_EPOCH);
    match std::fs::read_dir(path) {
        Ok(entries) => entries
            .flatten()
            .map(|e| newest(&e.path()))
            .fold(own, std::time::SystemTime::max),
        Err(_) => own,
    }
}

/// Links `libclerk.so.0.N` (the shared library's soname) to `libclerk.so` in the build
/// folder, as an installed library has it, so programs linked with `-lclerk` start.
fn soname_link() {
    let link = build_dir().join(soname());
    if std::fs::read_link(&link).is_err() {
        // Another test may create it at the same moment; either link will do.
        let _ = std::os::unix::fs::symlink("libclerk.so", &link);
    }
}
