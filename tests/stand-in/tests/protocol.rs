//! HTTP framing, limits, connection handling and shutdown.

mod common;

use std::net::TcpStream;
use std::time::{Duration, Instant};

use clerk_stand_in::{Config, StandIn, DEFAULT_SECRET_KEY, SEED_USER_ID};
use common::{call, Conn};

fn start() -> StandIn {
    StandIn::start(Config::default()).expect("start")
}

fn user_path() -> String {
    format!("/v1/users/{SEED_USER_ID}")
}

#[test]
fn url_and_port_agree() {
    let server = start();
    assert_eq!(server.url(), format!("http://127.0.0.1:{}", server.port()));
    assert!(!server.url().ends_with('/'));
}

#[test]
fn keep_alive_serves_two_requests_on_one_connection() {
    let server = start();
    let mut conn = Conn::open(server.port());
    let first = conn.call("GET", &user_path(), None);
    assert_eq!(first.status, 200);
    assert_eq!(first.header("connection"), None);
    let second = conn.call("PATCH", &user_path(), Some(r#"{"first_name":"Ann"}"#));
    assert_eq!(second.status, 200);
    assert_eq!(second.json()["first_name"], "Ann");
    assert_eq!(server.request_count(), 2);
}

#[test]
fn pipelined_requests_are_answered_in_order() {
    let server = start();
    let mut conn = Conn::open(server.port());
    let auth = format!("Authorization: Bearer {DEFAULT_SECRET_KEY}\r\n");
    let body = r#"{"last_name":"Piped"}"#;
    let raw = format!(
        "PATCH {p} HTTP/1.1\r\n{auth}Content-Type: application/json\r\n\
         Content-Length: {len}\r\n\r\n{body}GET {p} HTTP/1.1\r\n{auth}\r\n",
        p = user_path(),
        len = body.len()
    );
    conn.send(raw.as_bytes());
    assert_eq!(conn.read_reply().json()["last_name"], "Piped");
    let second = conn.read_reply();
    assert_eq!(second.status, 200);
    assert_eq!(second.json()["last_name"], "Piped");
}

#[test]
fn connection_close_is_honoured() {
    let server = start();
    let mut conn = Conn::open(server.port());
    let auth = format!("Bearer {DEFAULT_SECRET_KEY}");
    let headers = [("Authorization", auth.as_str()), ("Connection", "close")];
    let reply = conn.request("GET", &user_path(), &headers, None);
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("connection"), Some("close"));
    assert!(conn.is_closed_by_server());

    // HTTP/1.0 closes by default.
    let mut conn = Conn::open(server.port());
    conn.send(b"GET /__stand-in/health HTTP/1.0\r\n\r\n");
    assert_eq!(conn.read_reply().status, 200);
    assert!(conn.is_closed_by_server());
}

#[test]
fn every_response_is_json_with_a_length() {
    let server = start();
    let mut conn = Conn::open(server.port());
    let replies = [
        conn.call("GET", &user_path(), None),
        conn.call("GET", "/v1/users/user_missing", None),
        conn.request("GET", &user_path(), &[], None),
        conn.call("GET", "/__stand-in/health", None),
    ];
    for reply in &replies {
        assert_eq!(reply.header("content-type"), Some("application/json"));
        let length: usize = reply
            .header("content-length")
            .and_then(|v| v.parse().ok())
            .expect("length");
        assert_eq!(length, reply.body.len());
    }
}

#[test]
fn oversized_body_gets_413_without_being_read() {
    let server = StandIn::start(Config {
        max_body_bytes: 32,
        ..Config::default()
    })
    .expect("start");
    let mut conn = Conn::open(server.port());
    let raw = format!(
        "PATCH {} HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 33\r\n\r\n",
        user_path()
    );
    conn.send(raw.as_bytes());
    let reply = conn.read_reply();
    assert_eq!(reply.status, 413);
    assert_eq!(reply.header("connection"), Some("close"));
    assert!(reply.error_code().len() > 1);
    assert!(conn.is_closed_by_server());

    // Exactly at the limit is fine.
    let body = format!(r#"{{"first_name":"{}"}}"#, "x".repeat(15));
    assert_eq!(body.len(), 32);
    assert_eq!(
        call(&server, "PATCH", &user_path(), Some(&body)).status,
        200
    );
}

#[test]
fn chunked_bodies_get_411() {
    let server = start();
    let mut conn = Conn::open(server.port());
    let raw = format!(
        "PATCH {} HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{{}}\r\n0\r\n\r\n",
        user_path()
    );
    conn.send(raw.as_bytes());
    assert_eq!(conn.read_reply().status, 411);
    assert!(conn.is_closed_by_server());
}

#[test]
fn oversized_head_gets_431() {
    let server = StandIn::start(Config {
        max_head_bytes: 1024,
        ..Config::default()
    })
    .expect("start");
    let mut conn = Conn::open(server.port());
    let raw = format!("GET / HTTP/1.1\r\nX-Big: {}\r\n\r\n", "a".repeat(2000));
    conn.send(raw.as_bytes());
    assert_eq!(conn.read_reply().status, 431);
}

#[test]
fn garbage_gets_400_and_close() {
    let server = start();
    let mut conn = Conn::open(server.port());
    conn.send(b"HELLO THERE\r\n\r\n");
    let reply = conn.read_reply();
    assert_eq!(reply.status, 400);
    assert!(!reply.json()["clerk_trace_id"]
        .as_str()
        .unwrap_or("")
        .is_empty());
    assert!(conn.is_closed_by_server());
    assert_eq!(server.request_count(), 0);
}

#[test]
fn expect_100_continue_is_answered() {
    let server = start();
    let mut conn = Conn::open(server.port());
    let body = r#"{"first_name":"Cont"}"#;
    let head = format!(
        "PATCH {} HTTP/1.1\r\nAuthorization: Bearer {DEFAULT_SECRET_KEY}\r\n\
         Content-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: {}\r\n\r\n",
        user_path(),
        body.len()
    );
    conn.send(head.as_bytes());
    // The server must ask for the body, or this client would wait forever.
    assert_eq!(conn.read_one().status, 100);
    conn.send(body.as_bytes());
    let reply = conn.read_reply();
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["first_name"], "Cont");
}

#[test]
fn a_stalled_client_is_dropped_after_the_request_timeout() {
    let server = StandIn::start(Config {
        request_timeout: Duration::from_millis(300),
        ..Config::default()
    })
    .expect("start");
    let mut conn = Conn::open(server.port());
    let started = Instant::now();
    conn.send(b"GET /v1/users/x HTTP/1.1\r\nHost: a\r\n"); // head never finishes
    assert!(conn.is_closed_by_server());
    assert!(started.elapsed() < Duration::from_secs(5));

    // A client dribbling bytes does not get a fresh timeout per byte.
    let mut conn = Conn::open(server.port());
    let started = Instant::now();
    let mut closed = false;
    for _ in 0..40 {
        std::thread::sleep(Duration::from_millis(50));
        if std::io::Write::write_all(&mut conn_stream(&conn), b"X").is_err() {
            closed = true;
            break;
        }
        if started.elapsed() > Duration::from_secs(1) {
            break;
        }
    }
    assert!(closed || conn.is_closed_by_server());
    assert!(started.elapsed() < Duration::from_secs(5));
}

/// A second handle on a connection's socket, for writing while the reader is parked.
fn conn_stream(conn: &Conn) -> TcpStream {
    conn.stream().try_clone().expect("clone")
}

#[test]
fn idle_keep_alive_connections_are_closed_after_the_timeout() {
    let server = StandIn::start(Config {
        request_timeout: Duration::from_millis(200),
        ..Config::default()
    })
    .expect("start");
    let mut conn = Conn::open(server.port());
    assert_eq!(conn.call("GET", &user_path(), None).status, 200);
    assert!(conn.is_closed_by_server());
}

#[test]
fn connections_over_the_cap_get_503() {
    let server = StandIn::start(Config {
        max_connections: 1,
        ..Config::default()
    })
    .expect("start");
    let mut first = Conn::open(server.port());
    assert_eq!(first.call("GET", &user_path(), None).status, 200);
    let mut second = Conn::open(server.port());
    assert_eq!(second.read_reply().status, 503);
    drop(first);
    // The slot frees once the first connection's thread notices the close.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let mut retry = Conn::open(server.port());
        retry.send(b"GET /__stand-in/health HTTP/1.1\r\n\r\n");
        if retry.read_reply().status == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "slot never freed");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn stop_returns_promptly_and_closes_idle_connections() {
    let server = start();
    let port = server.port();
    let mut idle = Conn::open(port);
    assert_eq!(idle.call("GET", &user_path(), None).status, 200);
    let started = Instant::now();
    server.stop();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(idle.is_closed_by_server());
    assert!(TcpStream::connect(("127.0.0.1", port)).is_err());
}

#[test]
fn drop_stops_the_server_too() {
    let port = {
        let server = start();
        server.port()
    };
    assert!(TcpStream::connect(("127.0.0.1", port)).is_err());
}

#[test]
fn servers_are_independent() {
    let a = start();
    let b = start();
    assert_ne!(a.port(), b.port());
    let reply = call(&a, "PATCH", &user_path(), Some(r#"{"first_name":"OnlyA"}"#));
    assert_eq!(reply.status, 200);
    assert_eq!(
        b.user(SEED_USER_ID).expect("user")["first_name"],
        "Ada",
        "b must not see a's change"
    );
    assert_eq!(b.request_count(), 0);
}
