//! Writes `include/clerk.h` from the `extern "C"` functions in `src/ffi` with cbindgen.
//!
//! The header is checked in so that C users need no Rust tools to read it; the build
//! rewrites it only when its text changes, and the test command fails if the checked-in
//! header differs from what this script generates.

use std::env;
use std::fs;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=build.rs");

    set_soname();

    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets the manifest dir"));
    let mut config = cbindgen::Config::from_file(root.join("cbindgen.toml"))
        .expect("cbindgen.toml is readable and valid");
    config.after_includes = Some(version_macros());

    let header = cbindgen::Builder::new()
        .with_crate(&root)
        .with_config(config)
        .generate()
        .expect("cbindgen can read src/ffi");
    let mut text = Vec::new();
    header.write(&mut text);

    let out = root.join("include").join("clerk.h");
    if fs::read(&out).ok().as_deref() != Some(text.as_slice()) {
        // A read-only source tree (a dependency in cargo's cache) keeps the header it has.
        let written =
            fs::create_dir_all(root.join("include")).and_then(|()| fs::write(&out, &text));
        if let Err(e) = written {
            println!("cargo:warning=include/clerk.h could not be rewritten: {e}");
        }
    }
}

/// `CLERK_VERSION_*` macros from the package version, so the header and the library agree.
fn version_macros() -> String {
    let part = |name: &str| env::var(name).expect("cargo sets the package version");
    format!(
        "\n/** The version of libclerk this header belongs to, as clerk_version(). */\n\
         #define CLERK_VERSION \"{}\"\n\
         /** The major part of CLERK_VERSION. */\n\
         #define CLERK_VERSION_MAJOR {}\n\
         /** The minor part of CLERK_VERSION. */\n\
         #define CLERK_VERSION_MINOR {}\n\
         /** The patch part of CLERK_VERSION. */\n\
         #define CLERK_VERSION_PATCH {}\n",
        part("CARGO_PKG_VERSION"),
        part("CARGO_PKG_VERSION_MAJOR"),
        part("CARGO_PKG_VERSION_MINOR"),
        part("CARGO_PKG_VERSION_PATCH"),
    )
}

/// Gives the shared library a soname that changes only with an incompatible release:
/// `libclerk.so.MAJOR`, or `libclerk.so.0.MINOR` before 1.0, where minors may break.
fn set_soname() {
    let os = env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if os != "linux" && os != "android" && !os.ends_with("bsd") {
        return;
    }
    let part = |name: &str| env::var(name).expect("cargo sets the package version");
    let major = part("CARGO_PKG_VERSION_MAJOR");
    let soname = if major == "0" {
        format!("libclerk.so.0.{}", part("CARGO_PKG_VERSION_MINOR"))
    } else {
        format!("libclerk.so.{major}")
    };
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,{soname}");
}
