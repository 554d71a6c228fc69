//! The C API, driven from C: the examples and a C test program are compiled against the
//! checked-in header, linked to the shared and the static library, and run against a
//! stand-in.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use clerk_stand_in::{StandIn, DEFAULT_SECRET_KEY, SECOND_USERNAME, SEED_USER_ID};

/// The programs examples-c/Makefile builds.
const EXAMPLES: [&str; 4] = [
    "update_user",
    "update_user_static",
    "update_user_cpp",
    "update_user_hpp",
];

/// The most any C program here may run before the test fails it.
const RUN_LIMIT: Duration = Duration::from_secs(120);

/// Builds the examples once for all tests in this file, with the examples' own Makefile.
fn examples() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        common::assert_libraries_are_fresh();
        let out = common::build_dir().join("examples-c");
        let status = Command::new("make")
            .arg("-C")
            .arg(common::root().join("examples-c"))
            .arg(format!("CLERK_LIB_DIR={}", common::build_dir().display()))
            .arg(format!("OUT={}", out.display()))
            .arg("--always-make")
            .status()
            .expect("make runs");
        assert!(status.success(), "the examples build with make");
        out
    })
}

/// How tests/c/api_test.c is built.
#[derive(Clone, Copy, PartialEq)]
enum Build {
    Shared,
    Static,
    /// Against the shared library, with AddressSanitizer and UndefinedBehaviorSanitizer.
    Sanitized,
}

/// Compiles tests/c/api_test.c against the built library.
fn api_test(build: Build) -> PathBuf {
    common::assert_libraries_are_fresh();
    let lib = common::build_dir();
    let name = match build {
        Build::Shared => "api_test",
        Build::Static => "api_test_static",
        Build::Sanitized => "api_test_sanitized",
    };
    let out = lib.join(name);

    let mut cc = Command::new("cc");
    cc.args([
        "-std=c99",
        "-Wall",
        "-Wextra",
        "-Werror",
        "-pedantic",
        "-g",
        "-o",
    ])
    .arg(&out)
    .arg(common::root().join("tests/c/api_test.c"))
    .arg(format!("-I{}", common::root().join("include").display()));
    if build == Build::Sanitized {
        cc.args(["-fsanitize=address,undefined", "-fno-omit-frame-pointer"]);
    }
    if build == Build::Static {
        cc.arg(lib.join("libclerk.a")).args([
            "-lgcc_s",
            "-lutil",
            "-lrt",
            "-lpthread",
            "-lm",
            "-ldl",
            "-lc",
        ]);
    } else {
        cc.arg(format!("-L{}", lib.display()))
            .arg(format!("-Wl,-rpath,{}", lib.display()))
            .args(["-lclerk", "-lpthread"]);
    }
    let status = cc.status().expect("cc runs");
    assert!(status.success(), "{name} compiles and links");
    out
}

/// Runs a program with the environment aimed at `stand_in`, within [`RUN_LIMIT`].
fn run(program: &Path, args: &[&str], stand_in: &StandIn) -> Output {
    run_under(&[], program, args, stand_in)
}

/// The same, under a tool such as valgrind (`wrapper` is its command line).
fn run_under(wrapper: &[&str], program: &Path, args: &[&str], stand_in: &StandIn) -> Output {
    let mut command = Command::new("timeout");
    command
        .arg(RUN_LIMIT.as_secs().to_string())
        .args(wrapper)
        .arg(program)
        .args(args)
        .env("CLERK_API_URL", stand_in.url())
        .env("CLERK_SECRET_KEY", DEFAULT_SECRET_KEY)
        .env("TEST_USER_ID", SEED_USER_ID)
        .env("TEST_TAKEN_USERNAME", SECOND_USERNAME)
        .env("UBSAN_OPTIONS", "halt_on_error=1:print_stacktrace=1")
        .env("ASAN_OPTIONS", "detect_leaks=1")
        .env_remove("CLERK_API_VERSION")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = command.spawn().expect("the program starts");

    let started = Instant::now();
    loop {
        if child.try_wait().expect("the child can be polled").is_some() {
            return child.wait_with_output().expect("output is readable");
        }
        assert!(
            started.elapsed() < RUN_LIMIT + Duration::from_secs(5),
            "hung"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn check_api_test(build: Build, wrapper: &[&str]) {
    let program = api_test(build);
    let stand_in = common::stand_in();

    let output = run_under(wrapper, &program, &[], &stand_in);
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
    assert!(!stderr.contains(DEFAULT_SECRET_KEY) && !stdout.contains(DEFAULT_SECRET_KEY));

    // Every request that reached the stand-in is one the C checks meant to send: the local
    // rejections sent nothing.
    let expected: usize = stdout
        .lines()
        .find_map(|l| l.strip_prefix("remote requests: "))
        .and_then(|n| n.trim().parse().ok())
        .expect("api_test reports its remote requests");
    assert_eq!(stand_in.request_count(), expected);
    assert!(stand_in.requests().iter().all(|r| r.method == "PATCH"));
}

#[test]
fn the_c_api_works_from_c_with_the_shared_library() {
    check_api_test(Build::Shared, &[]);
}

#[test]
fn the_c_api_works_from_c_with_the_static_library() {
    check_api_test(Build::Static, &[]);
}

#[test]
fn the_c_api_is_clean_under_address_and_undefined_behaviour_sanitizers() {
    check_api_test(Build::Sanitized, &[]);
}

#[test]
fn the_c_api_is_clean_under_valgrind() {
    // Rust's runtime keeps a few per-thread allocations until exit ("possibly lost");
    // definite and indirect leaks, and every invalid read or write, fail the run.
    check_api_test(
        Build::Shared,
        &[
            "valgrind",
            "--error-exitcode=99",
            "--leak-check=full",
            "--errors-for-leak-kinds=definite,indirect",
            "--quiet",
        ],
    );
}

#[test]
fn the_examples_are_clean_under_sanitizers() {
    common::assert_libraries_are_fresh();
    let out = common::build_dir().join("examples-c-sanitized");
    let flags = "-g -fsanitize=address,undefined -fno-omit-frame-pointer -Wall -Wextra -Werror";
    let status = Command::new("make")
        .arg("-C")
        .arg(common::root().join("examples-c"))
        .arg(format!("CLERK_LIB_DIR={}", common::build_dir().display()))
        .arg(format!("OUT={}", out.display()))
        .arg(format!("CFLAGS=-std=c99 {flags}"))
        .arg(format!("CXXFLAGS=-std=c++17 {flags}"))
        .arg("--always-make")
        .status()
        .expect("make runs");
    assert!(status.success(), "the sanitized examples build");

    let stand_in = common::stand_in();
    let params = r#"{"firstName":"San","publicMetadata":{"checked":true}}"#;
    for program in EXAMPLES {
        let ok = run(&out.join(program), &[SEED_USER_ID, params], &stand_in);
        assert_eq!(ok.status.code(), Some(0), "{program}: {}", text(&ok.stderr));
        let failed = run(&out.join(program), &["user_missing", "{}"], &stand_in);
        assert_eq!(
            failed.status.code(),
            Some(3),
            "{program}: {}",
            text(&failed.stderr)
        );
        assert!(
            !text(&failed.stderr).contains("Sanitizer"),
            "{}",
            text(&failed.stderr)
        );
    }
}

#[test]
fn the_examples_update_the_seeded_user() {
    let stand_in = common::stand_in();
    let params = r#"{"firstName":"John","last_name":"Wick","publicMetadata":{"k":1}}"#;

    for program in EXAMPLES {
        let output = run(
            &examples().join(program),
            &[SEED_USER_ID, params],
            &stand_in,
        );
        let stdout = text(&output.stdout);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{program}: {}",
            text(&output.stderr)
        );
        let user: serde_json::Value = serde_json::from_str(&stdout).expect("prints the user");
        assert_eq!(user["id"], SEED_USER_ID);
        assert_eq!(user["first_name"], "John");
        assert_eq!(user["last_name"], "Wick");
        assert_eq!(user["public_metadata"], serde_json::json!({"k": 1}));
    }
    assert_eq!(stand_in.request_count(), 4);
}

#[test]
fn the_examples_report_failures_with_the_status_as_exit_code() {
    let stand_in = common::stand_in();

    for program in ["update_user", "update_user_cpp", "update_user_hpp"] {
        let path = examples().join(program);

        let output = run(&path, &["user_missing", "{}"], &stand_in);
        assert_eq!(output.status.code(), Some(3), "{program}: not found");
        let stderr = text(&output.stderr);
        assert!(stderr.contains("CLERK_ERROR_NOT_FOUND"), "{stderr}");
        assert!(stderr.contains("\"status\":404"), "{stderr}");

        let output = run(&path, &[SEED_USER_ID, r#"{"firstname":"x"}"#], &stand_in);
        assert_eq!(output.status.code(), Some(1), "{program}: invalid argument");
        assert!(text(&output.stderr).contains("first_name"));

        let output = run(&path, &["only-one-argument"], &stand_in);
        assert_eq!(output.status.code(), Some(64), "{program}: usage");
    }
    // Only the not-found calls were sent.
    assert_eq!(stand_in.request_count(), 3);
}

#[test]
fn the_readme_c_quick_start_compiles_and_runs() {
    common::assert_libraries_are_fresh();
    let readme = std::fs::read_to_string(common::root().join("README.md")).expect("README");
    let section = readme
        .split("## C quick start")
        .nth(1)
        .expect("a C quick start");
    let code = section
        .split("```c\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a C block");
    let source = common::build_dir().join("readme_quick_start.c");
    std::fs::write(&source, code).expect("writable target dir");

    let lib = common::build_dir();
    let program = lib.join("readme_quick_start");
    let status = Command::new("cc")
        .args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-o"])
        .arg(&program)
        .arg(&source)
        .arg(format!("-I{}", common::root().join("include").display()))
        .arg(format!("-L{}", lib.display()))
        .arg(format!("-Wl,-rpath,{}", lib.display()))
        .arg("-lclerk")
        .status()
        .expect("cc runs");
    assert!(status.success(), "the README's C quick start compiles");

    // It updates "user_2abc", which the stand-in does not know: a 404, reported.
    let stand_in = common::stand_in();
    let output = run(&program, &[], &stand_in);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("CLERK_ERROR_NOT_FOUND"));
    assert_eq!(stand_in.request_count(), 1);
}
