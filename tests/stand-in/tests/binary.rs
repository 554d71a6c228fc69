//! The `clerk-stand-in` executable: flags, the startup line, the port file, exiting.

mod common;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::Conn;

const BIN: &str = env!("CARGO_BIN_EXE_clerk-stand-in");

/// Kills the child if a test fails before it exits, so no server outlives the test.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

impl Running {
    /// Waits (bounded) for the process to exit by itself.
    fn wait_exit(&mut self, within: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.0.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("stand-in-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Starts the binary with piped stdin/stdout and returns it with its port.
fn spawn(args: &[&str], env_key: Option<&str>) -> (Running, u16, String) {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .env_remove("CLERK_STAND_IN_SECRET_KEY");
    if let Some(key) = env_key {
        command.env("CLERK_STAND_IN_SECRET_KEY", key);
    }
    let mut child = command.spawn().expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let running = Running(child);
    // Pipes have no read timeout, so read on a helper thread and wait on a channel. If
    // the line never comes, the panic drops `running`, which kills the child and so ends
    // the helper's read.
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = sender.send(line);
    });
    let line = receiver
        .recv_timeout(Duration::from_secs(10))
        .expect("startup line within 10 s");
    let port = line
        .trim_end()
        .strip_prefix("clerk-stand-in listening on http://127.0.0.1:")
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("unexpected startup line {line:?}"));
    (running, port, line)
}

#[test]
fn prints_its_url_writes_the_port_file_and_exits_on_stdin_eof() {
    let dir = scratch("portfile");
    let port_file = dir.join("port");
    let _ = std::fs::remove_file(&port_file);
    let port_arg = port_file.to_string_lossy().into_owned();
    let args = ["--port-file", &port_arg, "--exit-on-stdin-eof"];
    let (mut running, port, line) = spawn(&args, None);
    assert_eq!(
        line,
        format!("clerk-stand-in listening on http://127.0.0.1:{port}\n")
    );
    assert_eq!(
        std::fs::read_to_string(&port_file).expect("port file"),
        format!("{port}\n")
    );
    let leftovers: Vec<_> = std::fs::read_dir(&dir).expect("dir").collect();
    assert_eq!(leftovers.len(), 1, "temporary port file left behind");

    let mut conn = Conn::open(port);
    let health = conn.request("GET", "/__stand-in/health", &[], None);
    assert_eq!(health.status, 200);
    let user = conn.call(
        "GET",
        &format!("/v1/users/{}", clerk_stand_in::SEED_USER_ID),
        None,
    );
    assert_eq!(user.status, 200);

    drop(running.0.stdin.take()); // EOF on the server's stdin
    let status = running
        .wait_exit(Duration::from_secs(10))
        .expect("exits on EOF");
    assert!(status.success());
}

#[test]
fn secret_key_comes_from_the_flag_or_the_environment() {
    let (_running, port, _) = spawn(&["--secret-key=sk_test_flag"], Some("sk_test_env"));
    let mut conn = Conn::open(port);
    let target = format!("/v1/users/{}", clerk_stand_in::SEED_USER_ID);
    let ok = conn.request(
        "GET",
        &target,
        &[("Authorization", "Bearer sk_test_flag")],
        None,
    );
    assert_eq!(ok.status, 200);

    let (_running, port, _) = spawn(&[], Some("sk_test_env"));
    let mut conn = Conn::open(port);
    let ok = conn.request(
        "GET",
        &target,
        &[("Authorization", "Bearer sk_test_env")],
        None,
    );
    assert_eq!(ok.status, 200);
    assert_eq!(conn.call("GET", &target, None).status, 401);
}

#[test]
fn bad_flags_exit_with_status_2() {
    let output = Command::new(BIN)
        .arg("--bogus")
        .stdin(Stdio::null())
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("usage:"));
}

#[test]
fn a_taken_port_is_an_error() {
    let holder = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = holder.local_addr().expect("addr").port().to_string();
    let output = Command::new(BIN)
        .args(["--port", &port])
        .stdin(Stdio::null())
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
}
