//! The header is the C user's documentation: every item in it is documented, and every
//! function the library exports is declared in it.

mod common;

use std::fs;

fn header() -> String {
    fs::read_to_string(common::root().join("include/clerk.h")).expect("include/clerk.h exists")
}

/// The names of the `#[no_mangle]` functions in src/ffi.
fn exported_functions() -> Vec<String> {
    let dir = common::root().join("src/ffi");
    let mut names = Vec::new();
    for entry in fs::read_dir(dir).expect("src/ffi exists") {
        let text = fs::read_to_string(entry.expect("readable entry").path()).expect("readable");
        let mut lines = text.lines();
        while let Some(line) = lines.next() {
            if line.trim() != "#[no_mangle]" {
                continue;
            }
            let signature = lines.next().unwrap_or_default();
            let name = signature
                .split("fn ")
                .nth(1)
                .and_then(|rest| rest.split('(').next())
                .unwrap_or_default();
            names.push(name.to_owned());
        }
    }
    names.sort();
    names
}

#[test]
fn every_exported_function_is_declared() {
    let header = header();
    let names = exported_functions();
    assert!(names.len() >= 13, "{names:?}");
    for name in &names {
        assert!(name.starts_with("clerk_"), "{name} is not prefixed");
        assert!(
            header.contains(&format!("{name}(")),
            "{name} is not in clerk.h"
        );
    }
}

#[test]
fn every_declaration_has_a_comment_above_it() {
    let header = header();
    let lines: Vec<&str> = header.lines().collect();
    let mut checked = 0;

    for (i, line) in lines.iter().enumerate() {
        // Declarations start in column 0; the opening comment's example lines do not.
        let in_comment = line.starts_with([' ', '*', '/']);
        let declares = (!in_comment && line.contains("clerk_") && line.contains('('))
            || line.starts_with("typedef")
            || line.starts_with("#define CLERK_VERSION");
        if !declares {
            continue;
        }
        // A declaration may span lines; its comment ends right above its first line.
        let above = lines[..i].iter().rev().find(|l| !l.trim().is_empty());
        assert!(
            above.is_some_and(|l| l.trim_end().ends_with("*/")),
            "line {} of clerk.h has no comment: {line}",
            i + 1
        );
        checked += 1;
    }
    assert!(checked >= 19, "only {checked} declarations found");
}

#[test]
fn the_version_macros_match_the_package() {
    let header = header();
    let version = env!("CARGO_PKG_VERSION");
    assert!(header.contains(&format!("#define CLERK_VERSION \"{version}\"")));
    let major = env!("CARGO_PKG_VERSION_MAJOR");
    assert!(header.contains(&format!("#define CLERK_VERSION_MAJOR {major}")));
}
