//! Installation for C and C++ users: install.mk puts the headers, both libraries, a
//! pkg-config file and a CMake package under a temporary prefix; programs are then built
//! against that prefix alone, with pkg-config and with CMake, and run against a stand-in.
//!
//! Needs make, cc, c++, pkg-config, cmake, nm, readelf and ldd; a missing one fails the
//! tests with the Debian package to install, since a skipped test would prove nothing.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::Duration;

use clerk_stand_in::{StandIn, DEFAULT_SECRET_KEY, SEED_USER_ID};

/// The longest a build step (make, a compiler, cmake) may take; generous, since the tests
/// share two cores with cargo.
const BUILD_LIMIT: Duration = Duration::from_secs(300);
/// The longest a built program may run.
const RUN_LIMIT: Duration = Duration::from_secs(60);

const VERSION: &str = env!("CARGO_PKG_VERSION");
const MAJOR: &str = env!("CARGO_PKG_VERSION_MAJOR");
const MINOR: &str = env!("CARGO_PKG_VERSION_MINOR");
const PATCH: &str = env!("CARGO_PKG_VERSION_PATCH");

/// What the static library needs from the system, as install.mk lists it.
const STATIC_LIBS: [&str; 7] = ["gcc_s", "util", "rt", "pthread", "m", "dl", "c"];

/// The tools run here, each with the Debian package that provides it.
const TOOLS: [(&str, &str); 9] = [
    ("timeout", "coreutils"),
    ("make", "make"),
    ("cc", "gcc"),
    ("c++", "g++"),
    ("pkg-config", "pkgconf"),
    ("cmake", "cmake"),
    ("nm", "binutils"),
    ("readelf", "binutils"),
    ("ldd", "libc-bin"),
];

/// Fails, naming the packages to install, unless every tool in [`TOOLS`] is on PATH.
fn require_tools() {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = |tool: &str| std::env::split_paths(&path).any(|dir| dir.join(tool).is_file());
    let missing: Vec<_> = TOOLS.iter().filter(|(tool, _)| !found(tool)).collect();
    let tools: Vec<_> = missing.iter().map(|(tool, _)| *tool).collect();
    let mut packages: Vec<_> = missing.iter().map(|(_, package)| *package).collect();
    packages.sort_unstable();
    packages.dedup();
    assert!(
        missing.is_empty(),
        "the install tests need {} on PATH: apt-get install {}",
        tools.join(", "),
        packages.join(" ")
    );
}

/// This process's scratch folder under target/debug; those of finished runs are removed,
/// those of runs still going (another `cargo test`) are left alone.
fn work() -> &'static Path {
    static WORK: OnceLock<PathBuf> = OnceLock::new();
    WORK.get_or_init(|| {
        let base = common::build_dir();
        for entry in fs::read_dir(&base)
            .expect("target/debug is readable")
            .flatten()
        {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(pid) = name.strip_prefix("install-test-") else {
                continue;
            };
            if !Path::new("/proc").join(pid).exists() {
                let _ = fs::remove_dir_all(entry.path());
            }
        }
        let work = base.join(format!("install-test-{}", std::process::id()));
        let _ = fs::remove_dir_all(&work);
        fs::create_dir_all(&work).expect("target/debug is writable");
        work
    })
}

/// `program` under coreutils' timeout, which kills it and its children after `limit`.
/// A make above `cargo test` must not hand its jobserver to the makes started here.
fn bounded(limit: Duration, program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut command = Command::new("timeout");
    command
        .arg("--kill-after=10s")
        .arg(format!("{}s", limit.as_secs()))
        .arg(program)
        .env_remove("MAKEFLAGS")
        .env_remove("MFLAGS")
        .env_remove("MAKELEVEL");
    command
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `command`, failing the test with its output unless it succeeds in time.
fn succeed(command: &mut Command, what: &str) -> Output {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot start: {e}"));
    let code = output.status.code();
    assert!(code != Some(124) && code != Some(137), "{what}: timed out");
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{}\n{}",
        output.status,
        text(&output.stdout),
        text(&output.stderr)
    );
    output
}

/// Runs install.mk's `target` with the debug libraries and `vars`.
fn install_mk(target: &str, vars: &[String]) {
    let mut make = bounded(BUILD_LIMIT, "make");
    make.arg("-C")
        .arg(common::root())
        .args(["-f", "install.mk", target])
        .arg(format!("LIB_DIR={}", common::build_dir().display()))
        .args(vars);
    succeed(&mut make, &format!("make -f install.mk {target}"));
}

/// The prefix every test but the uninstall one builds against, installed once.
fn prefix() -> &'static Path {
    static PREFIX: OnceLock<PathBuf> = OnceLock::new();
    PREFIX.get_or_init(|| {
        require_tools();
        common::assert_libraries_are_fresh();
        let prefix = work().join("prefix");
        install_mk("install", &[format!("PREFIX={}", prefix.display())]);
        prefix
    })
}

/// pkg-config's answer for `clerk`, looking in the prefix and nowhere else.
fn pkg_config(args: &[&str]) -> Vec<String> {
    let pc_dir = prefix().join("lib/pkgconfig");
    let mut command = bounded(BUILD_LIMIT, "pkg-config");
    command
        .args(args)
        .arg("clerk")
        .env("PKG_CONFIG_PATH", &pc_dir)
        .env("PKG_CONFIG_LIBDIR", &pc_dir)
        .env_remove("PKG_CONFIG_SYSROOT_DIR");
    let output = succeed(&mut command, &format!("pkg-config {args:?} clerk"));
    text(&output.stdout)
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

/// Compiles `source` to `out` with `compiler`, strict warnings as errors, and
/// `flags`; at run time the shared library is found in the prefix (rpath).
fn compile(compiler: &str, source: &Path, out: &Path, flags: &[String]) {
    let standard = if compiler == "cc" {
        "-std=c99"
    } else {
        "-std=c++17"
    };
    let rpath = format!("-Wl,-rpath,{}", prefix().join("lib").display());
    let mut command = bounded(BUILD_LIMIT, compiler);
    command
        .args([standard, "-Wall", "-Wextra", "-Werror", "-pedantic", "-o"])
        .arg(out)
        .arg(source)
        .args(flags)
        .arg(rpath);
    succeed(&mut command, &format!("{compiler} {}", source.display()));
}

fn example(name: &str) -> PathBuf {
    common::root().join("examples-c").join(name)
}

/// Runs `program` aimed at `stand_in`, with nothing steering the dynamic loader away
/// from the program's own rpath (cargo points LD_LIBRARY_PATH at target/debug).
fn run(program: &Path, args: &[&str], stand_in: &StandIn) -> Output {
    bounded(RUN_LIMIT, program)
        .args(args)
        .env("CLERK_API_URL", stand_in.url())
        .env("CLERK_SECRET_KEY", DEFAULT_SECRET_KEY)
        .env_remove("CLERK_API_VERSION")
        .env_remove("LD_LIBRARY_PATH")
        .output()
        .expect("the program starts")
}

/// Updates the seeded user through `program` and checks the user it prints.
fn assert_updates_the_user(program: &Path, stand_in: &StandIn) {
    let name = format!("Installed{}", stand_in.request_count());
    let params = format!(r#"{{"firstName":"{name}","publicMetadata":{{"from":"prefix"}}}}"#);
    let output = run(program, &[SEED_USER_ID, &params], stand_in);
    let shown = program.display();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{shown}: {}",
        text(&output.stderr)
    );
    let user: serde_json::Value =
        serde_json::from_str(&text(&output.stdout)).expect("the program prints the user");
    assert_eq!(user["id"], SEED_USER_ID, "{shown}");
    assert_eq!(user["first_name"], name.as_str(), "{shown}");
    assert_eq!(user["public_metadata"]["from"], "prefix", "{shown}");
}

/// The shared libraries `program` needs, per its dynamic section.
fn needed(program: &Path) -> Vec<String> {
    let output = succeed(
        bounded(BUILD_LIMIT, "readelf").arg("-d").arg(program),
        "readelf",
    );
    text(&output.stdout)
        .lines()
        .filter_map(|line| line.split("Shared library: [").nth(1))
        .map(|rest| rest.trim_end_matches(']').to_owned())
        .collect()
}

/// Where the dynamic loader finds libclerk for `program`, per ldd (which asks the loader
/// without running the program).
fn loaded_libclerk(program: &Path) -> String {
    let mut command = bounded(RUN_LIMIT, "ldd");
    command.arg(program).env_remove("LD_LIBRARY_PATH");
    let output = succeed(&mut command, "ldd");
    let trace = text(&output.stdout);
    let line = trace
        .lines()
        .find(|l| l.contains("libclerk"))
        .unwrap_or_default();
    line.split("=> ")
        .nth(1)
        .and_then(|s| s.split(" (").next())
        .unwrap_or(line)
        .to_owned()
}

/// What install.mk puts under a prefix, sorted.
fn installed_files() -> Vec<PathBuf> {
    let soname = common::soname();
    let real = format!("libclerk.so.{VERSION}");
    let mut files: Vec<PathBuf> = [
        "include/clerk.h",
        "include/clerk.hpp",
        "lib/cmake/clerk/clerkConfig.cmake",
        "lib/cmake/clerk/clerkConfigVersion.cmake",
        "lib/libclerk.a",
        "lib/libclerk.so",
        &format!("lib/{soname}"),
        &format!("lib/{real}"),
        "lib/pkgconfig/clerk.pc",
    ]
    .iter()
    .map(PathBuf::from)
    .collect();
    files.sort();
    files
}

#[test]
fn install_puts_headers_libraries_and_the_soname_chain_in_place() {
    assert_eq!(files_under(prefix()), installed_files());
    let lib = prefix().join("lib");
    for header in ["clerk.h", "clerk.hpp"] {
        let installed = fs::read(prefix().join("include").join(header)).expect(header);
        let source = fs::read(common::root().join("include").join(header)).expect(header);
        assert!(
            installed == source,
            "{header} is installed as it is in include/"
        );
    }
    let archive = fs::metadata(lib.join("libclerk.a")).expect("libclerk.a installed");
    let built = fs::metadata(common::build_dir().join("libclerk.a")).expect("built");
    assert_eq!(archive.len(), built.len());

    let real = format!("libclerk.so.{VERSION}");
    let real_meta = fs::symlink_metadata(lib.join(&real)).expect("the versioned library");
    assert!(real_meta.file_type().is_file(), "{real} is the file itself");
    let soname = common::soname();
    let link = |name: &str| fs::read_link(lib.join(name)).expect(name);
    assert_eq!(link(&soname), Path::new(&real), "{soname} -> {real}");
    assert_eq!(
        link("libclerk.so"),
        Path::new(&soname),
        "libclerk.so -> {soname}"
    );

    let dynamic = succeed(
        bounded(BUILD_LIMIT, "readelf")
            .arg("-d")
            .arg(lib.join(&real)),
        "readelf",
    );
    let line = format!("Library soname: [{soname}]");
    assert!(
        text(&dynamic.stdout).contains(&line),
        "{}",
        text(&dynamic.stdout)
    );
}

#[test]
fn the_package_files_name_the_prefix_and_the_cmake_one_computes_it() {
    let pc = fs::read_to_string(prefix().join("lib/pkgconfig/clerk.pc")).expect("clerk.pc");
    let expected = [
        format!("prefix={}", prefix().display()),
        "libdir=${prefix}/lib".to_owned(),
        "includedir=${prefix}/include".to_owned(),
        format!("Version: {VERSION}"),
        "Libs: -L${libdir} -lclerk".to_owned(),
        format!("Libs.private: -l{}", STATIC_LIBS.join(" -l")),
    ];
    for line in &expected {
        assert!(
            pc.lines().any(|l| l == line),
            "clerk.pc lacks {line:?}:\n{pc}"
        );
    }
    // Nothing from the build tree leaks into the package files.
    let cmake_dir = prefix().join("lib/cmake/clerk");
    for file in ["clerkConfig.cmake", "clerkConfigVersion.cmake"] {
        let cmake = fs::read_to_string(cmake_dir.join(file)).expect(file);
        assert!(
            !cmake.contains(&*work().to_string_lossy()),
            "{file} holds an absolute path"
        );
        assert!(!cmake.contains('@'), "{file} has an unfilled placeholder");
    }
    assert!(
        !pc.contains('@'),
        "clerk.pc has an unfilled placeholder:\n{pc}"
    );
}

#[test]
fn pkg_config_builds_the_c_example_against_the_shared_library() {
    let flags = pkg_config(&["--cflags", "--libs"]);
    let include = format!("-I{}", prefix().join("include").display());
    assert!(flags.contains(&include), "{flags:?}");
    let program = work().join("update_user_pc");
    compile("cc", &example("update_user.c"), &program, &flags);

    assert!(
        needed(&program).contains(&common::soname()),
        "linked to the shared library"
    );
    let expected = prefix().join("lib").join(common::soname());
    assert_eq!(loaded_libclerk(&program), expected.display().to_string());
    assert_updates_the_user(&program, &common::stand_in());
}

#[test]
fn pkg_config_static_flags_link_the_archive_alone() {
    let mut flags = pkg_config(&["--static", "--cflags", "--libs"]);
    for lib in STATIC_LIBS {
        assert!(
            flags.contains(&format!("-l{lib}")),
            "{flags:?} lacks -l{lib}"
        );
    }
    // -lclerk would choose libclerk.so, which sits beside the archive.
    for flag in &mut flags {
        if flag == "-lclerk" {
            *flag = "-l:libclerk.a".to_owned();
        }
    }
    let program = work().join("update_user_pc_static");
    compile("cc", &example("update_user.c"), &program, &flags);

    let needs = needed(&program);
    assert!(needs.iter().all(|lib| !lib.contains("clerk")), "{needs:?}");
    assert_updates_the_user(&program, &common::stand_in());
}

#[test]
fn cmake_finds_the_package_in_the_prefix_alone_and_builds_the_examples() {
    let build = work().join("cmake-examples");
    let mut configure = cmake_configure(&common::root().join("examples-c"), &build, prefix());
    configure.args(["-DCMAKE_C_FLAGS=-Werror", "-DCMAKE_CXX_FLAGS=-Werror"]);
    succeed(&mut configure, "cmake configure of examples-c");
    let cache = fs::read_to_string(build.join("CMakeCache.txt")).expect("a CMake cache");
    let found = format!(
        "clerk_DIR:PATH={}",
        prefix().join("lib/cmake/clerk").display()
    );
    assert!(
        cache.lines().any(|l| l == found),
        "found elsewhere than {found}"
    );

    let mut compile = bounded(BUILD_LIMIT, "cmake");
    compile.arg("--build").arg(&build).args(["--parallel", "2"]);
    succeed(&mut compile, "cmake --build of examples-c");

    let stand_in = common::stand_in();
    for name in ["update_user", "update_user_hpp", "update_user_static"] {
        assert_updates_the_user(&build.join(name), &stand_in);
    }
    let expected = prefix().join("lib").join(common::soname());
    assert_eq!(
        loaded_libclerk(&build.join("update_user_hpp")),
        expected.display().to_string()
    );
    assert!(needed(&build.join("update_user_static"))
        .iter()
        .all(|l| !l.contains("clerk")));
}

/// cmake configuring `source` in `build`, finding packages in `search` and nowhere else:
/// neither the system's folders, nor package registries, nor the caller's environment.
fn cmake_configure(source: &Path, build: &Path, search: &Path) -> Command {
    let mut command = bounded(BUILD_LIMIT, "cmake");
    command
        .arg("-S")
        .arg(source)
        .arg("-B")
        .arg(build)
        .arg(format!("-DCMAKE_PREFIX_PATH={}", search.display()))
        .args([
            "-DCMAKE_FIND_USE_CMAKE_SYSTEM_PATH=OFF",
            "-DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF",
            "-DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF",
        ])
        .env_remove("CMAKE_PREFIX_PATH")
        .env_remove("clerk_DIR");
    command
}

/// Configures a project without a compiler that asks find_package(clerk `request`) and
/// prints what it found; Ok(output) when found, Err(output) when refused.
fn cmake_probe(search: &Path, request: &str, tag: &str) -> Result<String, String> {
    // Each probe has its own folders, as probes run in parallel.
    let source = work().join(format!("probe-{tag}"));
    fs::create_dir_all(&source).expect("writable");
    let lists = "cmake_minimum_required(VERSION 3.14)\n\
        project(clerk_probe LANGUAGES NONE)\n\
        find_package(clerk ${REQUEST} REQUIRED)\n\
        get_target_property(shared clerk::clerk IMPORTED_LOCATION)\n\
        get_target_property(static_libs clerk::clerk_static INTERFACE_LINK_LIBRARIES)\n\
        message(STATUS \"probe: ${clerk_VERSION}|${shared}|${static_libs}\")\n";
    fs::write(source.join("CMakeLists.txt"), lists).expect("writable");

    let mut configure = cmake_configure(&source, &source.join("build"), search);
    configure.arg(format!("-DREQUEST={request}"));
    let output = configure.output().expect("cmake starts");
    let all = format!("{}{}", text(&output.stdout), text(&output.stderr));
    assert!(
        ![Some(124), Some(137)].contains(&output.status.code()),
        "cmake timed out"
    );
    let probe = all
        .lines()
        .find_map(|l| l.split("probe: ").nth(1))
        .map(str::to_owned);
    match (output.status.success(), probe) {
        (true, Some(found)) => Ok(found),
        _ => Err(all),
    }
}

#[test]
fn the_cmake_package_accepts_only_compatible_version_requests() {
    let (major, minor, patch): (u32, u32, u32) = (
        MAJOR.parse().unwrap(),
        MINOR.parse().unwrap(),
        PATCH.parse().unwrap(),
    );
    let accepted = [
        String::new(),
        format!("{major}.{minor}"),
        format!("{VERSION};EXACT"),
        format!("{major}.{minor}...<{}", major + 1),
    ];
    let mut refused = vec![
        format!("{major}.{}", minor + 1),
        format!("{major}.{minor}.{}", patch + 1),
        format!("{}.0", major + 1),
    ];
    if major == 0 && minor > 0 {
        // Before 1.0 a minor release may break the API, so an older minor does not fit.
        refused.push(format!("0.{}", minor - 1));
    }
    let real = prefix().join("lib").join(format!("libclerk.so.{VERSION}"));
    let expected = format!("{VERSION}|{}|{}", real.display(), STATIC_LIBS.join(";"));
    for (i, request) in accepted.iter().enumerate() {
        let found = cmake_probe(prefix(), request, &format!("ok{i}"));
        assert_eq!(
            found.as_deref(),
            Ok(expected.as_str()),
            "find_package(clerk {request})"
        );
    }
    for (i, request) in refused.iter().enumerate() {
        let found = cmake_probe(prefix(), request, &format!("no{i}"));
        let refusal = found.expect_err(&format!("find_package(clerk {request}) must fail"));
        assert!(refusal.contains("not accepted"), "{refusal}");
    }
}

#[test]
fn the_shared_library_exports_only_clerk_functions() {
    let real = prefix().join("lib").join(format!("libclerk.so.{VERSION}"));
    let mut nm = bounded(BUILD_LIMIT, "nm");
    nm.args(["-D", "--defined-only"]).arg(&real);
    let listing = text(&succeed(&mut nm, "nm -D").stdout);
    let names: Vec<&str> = listing
        .lines()
        .filter_map(|l| l.split_whitespace().last())
        .collect();
    assert!(names.contains(&"clerk_update_user"), "{listing}");
    let header = fs::read_to_string(prefix().join("include/clerk.h")).expect("clerk.h");
    for name in names {
        assert!(name.starts_with("clerk_"), "{name} is exported:\n{listing}");
        assert!(
            header.contains(&format!("{name}(")),
            "{name} is not declared in clerk.h"
        );
    }
}

#[test]
fn the_header_library_and_packages_agree_on_the_version() {
    let header = fs::read_to_string(prefix().join("include/clerk.h")).expect("clerk.h");
    let define = |name: &str| {
        let prefix = format!("#define {name} ");
        let line = header.lines().find_map(|l| l.strip_prefix(prefix.as_str()));
        line.unwrap_or_else(|| panic!("clerk.h defines {name}"))
            .trim()
            .to_owned()
    };
    assert_eq!(define("CLERK_VERSION"), format!("\"{VERSION}\""));
    assert_eq!(define("CLERK_VERSION_MAJOR"), MAJOR);
    assert_eq!(define("CLERK_VERSION_MINOR"), MINOR);
    assert_eq!(define("CLERK_VERSION_PATCH"), PATCH);

    // The library as installed, asked from C.
    let source = work().join("version.c");
    let code = "#include <stdio.h>\n#include \"clerk.h\"\nint main(void)\n{\n\
        printf(\"%s %s %d.%d.%d\\n\", clerk_version(), CLERK_VERSION, CLERK_VERSION_MAJOR,\n\
        CLERK_VERSION_MINOR, CLERK_VERSION_PATCH);\nreturn 0;\n}\n";
    fs::write(&source, code).expect("writable");
    let program = work().join("version");
    compile(
        "cc",
        &source,
        &program,
        &pkg_config(&["--cflags", "--libs"]),
    );
    let output = succeed(
        bounded(RUN_LIMIT, &program).env_remove("LD_LIBRARY_PATH"),
        "version",
    );
    assert_eq!(
        text(&output.stdout).trim(),
        format!("{VERSION} {VERSION} {VERSION}")
    );

    assert_eq!(pkg_config(&["--modversion"]), [VERSION]);
}

/// Exercises clerk.hpp beyond the example: options, moves, errors and their documents,
/// strings cut by a NUL byte, the string owner. Arguments: API URL, key, user id.
const HPP_CHECK: &str = r#"
#include <chrono>
#include <cstdio>
#include <string>
#include <type_traits>
#include <utility>

#include "clerk.hpp"

static_assert(!std::is_copy_constructible_v<clerk::Client>, "one owner per client");
static_assert(std::is_nothrow_move_constructible_v<clerk::Client>, "moves cannot throw");
static_assert(std::is_nothrow_copy_constructible_v<clerk::Error>, "exceptions copy safely");
static_assert(std::is_base_of_v<std::runtime_error, clerk::Error>, "a runtime_error");

static int failures = 0;
#define CHECK(cond) \
    do { \
        if (!(cond)) { \
            std::fprintf(stderr, "line %d: %s\n", __LINE__, #cond); \
            ++failures; \
        } \
    } while (0)

// Runs `call`, which must throw clerk::Error with `status`; returns its document.
template <typename Call> std::string error_of(Call call, ClerkStatus status)
{
    try {
        call();
    } catch (const clerk::Error &e) {
        CHECK(e.status() == status);
        CHECK(e.what()[0] != '\0');
        return e.document();
    }
    CHECK(false && "no clerk::Error");
    return "";
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        return 64;
    }
    const std::string url = argv[1], key = argv[2], id = argv[3];
    clerk::Options options;
    options.api_url = url;
    options.timeout = std::chrono::seconds(10);
    options.max_retries = 0U;

    clerk::Client client{key, options};
    CHECK(client.update_user(id, R"({"first_name":"Cpp"})").find("\"Cpp\"") != std::string::npos);

    clerk::Client moved = std::move(client);
    CHECK(!client && moved);
    error_of([&] { client.update_user(id, "{}"); }, CLERK_ERROR_INVALID_ARGUMENT);
    std::string doc = error_of([&] { moved.update_user("user_missing", "{}"); },
                               CLERK_ERROR_NOT_FOUND);
    CHECK(doc.find("\"status\":404") != std::string::npos);
    doc = error_of([&] { moved.update_user(id + std::string(1, '\0') + "x", "{}"); },
                   CLERK_ERROR_INVALID_ARGUMENT);
    CHECK(doc.find("\"param_name\":\"user_id\"") != std::string::npos);

    clerk::Options bad = options;
    bad.max_retries = 11U;
    doc = error_of([&] { clerk::Client c{key, bad}; }, CLERK_ERROR_INVALID_ARGUMENT);
    CHECK(doc.empty());
    error_of([&] { clerk::Client c{std::string("not-a-key"), options}; },
             CLERK_ERROR_INVALID_ARGUMENT);

    char *raw = nullptr;
    CHECK(clerk_update_user(moved.get(), id.c_str(), "{}", &raw) == CLERK_OK);
    clerk::UniqueString owned(raw);
    CHECK(owned != nullptr);
    CHECK(std::string(clerk::version()) == CLERK_VERSION);
    CHECK(std::string(clerk::status_name(CLERK_ERROR_REJECTED)) == "CLERK_ERROR_REJECTED");
    std::printf("%d failed\n", failures);
    return failures == 0 ? 0 : 1;
}
"#;

#[test]
fn the_cpp_header_compiles_strictly_and_behaves() {
    let mut flags = pkg_config(&["--cflags", "--libs"]);
    flags.extend(
        [
            "-Wshadow",
            "-Wconversion",
            "-Wold-style-cast",
            "-Wnon-virtual-dtor",
        ]
        .map(String::from),
    );
    let example_program = work().join("update_user_hpp_pc");
    compile(
        "c++",
        &example("update_user_hpp.cpp"),
        &example_program,
        &flags,
    );
    let source = work().join("hpp_check.cpp");
    fs::write(&source, HPP_CHECK).expect("writable");
    let check = work().join("hpp_check");
    compile("c++", &source, &check, &flags);

    let stand_in = common::stand_in();
    let output = run(
        &check,
        &[&stand_in.url(), DEFAULT_SECRET_KEY, SEED_USER_ID],
        &stand_in,
    );
    let report = format!("{}{}", text(&output.stdout), text(&output.stderr));
    assert_eq!(output.status.code(), Some(0), "{report}");
    // The update, the unknown user and the raw call; the refused ones sent nothing.
    assert_eq!(stand_in.request_count(), 3);

    assert_updates_the_user(&example_program, &stand_in);
    let failed = run(&example_program, &["user_missing", "{}"], &stand_in);
    assert_eq!(failed.status.code(), Some(3));
    let stderr = text(&failed.stderr);
    assert!(
        stderr.contains("CLERK_ERROR_NOT_FOUND") && stderr.contains("\"status\":404"),
        "{stderr}"
    );
    assert_eq!(
        run(&example_program, &["one"], &stand_in).status.code(),
        Some(64)
    );
    let mut keyless = bounded(RUN_LIMIT, &example_program);
    keyless
        .args([SEED_USER_ID, "{}"])
        .env_remove("CLERK_SECRET_KEY")
        .env_remove("LD_LIBRARY_PATH");
    let keyless = keyless.output().expect("starts");
    assert_eq!(keyless.status.code(), Some(1));
    assert!(
        text(&keyless.stderr).contains("CLERK_SECRET_KEY"),
        "{}",
        text(&keyless.stderr)
    );
}

/// Every file (not folder) under `dir`, relative to it.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            found.extend(
                files_under(&path)
                    .into_iter()
                    .map(|p| Path::new(&entry.file_name()).join(p)),
            );
        } else {
            found.push(PathBuf::from(entry.file_name()));
        }
    }
    found.sort();
    found
}

#[test]
fn a_staged_install_is_relocatable_and_uninstall_removes_exactly_it() {
    require_tools();
    common::assert_libraries_are_fresh();
    // The prefix lies in the scratch folder too, so that a DESTDIR ignored by mistake
    // still writes nowhere else; it must never be created.
    let prefix = work().join("final-prefix");
    let stage = work().join("stage");
    let staged = stage.join(prefix.strip_prefix("/").expect("absolute"));
    let other = staged.join("lib/pkgconfig/other.pc");
    fs::create_dir_all(other.parent().unwrap()).expect("writable");
    fs::write(&other, "Name: other\n").expect("writable");

    let vars = [
        format!("PREFIX={}", prefix.display()),
        format!("DESTDIR={}", stage.display()),
    ];
    install_mk("install", &vars);
    install_mk("install", &vars); // again, over the first: links and files are replaced
    assert!(!prefix.exists(), "install wrote outside DESTDIR");
    let pc = fs::read_to_string(staged.join("lib/pkgconfig/clerk.pc")).expect("clerk.pc");
    assert!(
        pc.contains(&format!("prefix={}\n", prefix.display())),
        "{pc}"
    );
    let mut expected = installed_files();
    expected.push(PathBuf::from("lib/pkgconfig/other.pc"));
    expected.sort();
    assert_eq!(files_under(&staged), expected);

    // The CMake package, found in the stage, points into the stage: it is relocatable.
    let found = cmake_probe(&staged, "", "staged").expect("found in the stage");
    let real = staged.join(format!("lib/libclerk.so.{VERSION}"));
    assert!(found.contains(&format!("|{}|", real.display())), "{found}");

    install_mk("uninstall", &vars);
    assert_eq!(
        files_under(&stage),
        [Path::new(&other.strip_prefix(&stage).unwrap())]
    );
    assert!(
        !staged.join("lib/cmake/clerk").exists(),
        "libclerk's CMake folder is removed"
    );
    install_mk("uninstall", &vars); // nothing left to remove is not an error
    let _ = fs::remove_dir_all(&stage);
}
