//! Faults from the network and the server, each checked for its status, its error
//! document, the number of attempts the server saw and the time it took. None of the
//! outputs may ever hold the secret key.

mod common;

use std::io::Write;
use std::net::Ipv4Addr;
use std::thread;
use std::time::{Duration, Instant};

use clerk::{Client, Error};
use common::fault::{reset, respond, After, FaultServer, USER};
use serde_json::Value;

const KEY: &str = "sk_test_FAULTKEY_that_must_never_leak_7d1f";

fn client(server: &FaultServer, timeout_ms: u64, retries: u32) -> Client {
    Client::builder()
        .secret_key(KEY)
        .api_url(server.url())
        .timeout(Duration::from_millis(timeout_ms))
        .max_retries(retries)
        .build()
        .expect("valid settings")
}

/// Runs one update, checks that no output shows the key, and returns the error, its
/// document and how long the call took.
fn fail(client: &Client) -> (Error, Value, Duration) {
    let started = Instant::now();
    let error = client
        .update_user_json("user_fault", r#"{"first_name":"F"}"#)
        .expect_err("the fault is reported");
    let took = started.elapsed();

    let text = error.error_document();
    for shown in [
        &text,
        &error.to_string(),
        &format!("{error:?}"),
        &format!("{client:?}"),
    ] {
        assert!(!shown.contains("FAULTKEY"), "the key leaked: {shown}");
    }
    let doc = serde_json::from_str(&text).expect("error documents are JSON");
    (error, doc, took)
}

fn code(doc: &Value) -> &str {
    doc["errors"][0]["code"].as_str().unwrap_or_default()
}

#[test]
fn a_429_with_retry_after_then_200_succeeds_after_the_wait() {
    let server = FaultServer::start(|n, s| {
        if n == 0 {
            respond(
                s,
                "429 Too Many Requests",
                &["Retry-After: 1"],
                r#"{"errors":[]}"#,
            );
        } else {
            respond(s, "200 OK", &["Content-Type: application/json"], USER);
        }
        After::KeepAlive
    });

    let started = Instant::now();
    let user = client(&server, 10_000, 2).update_user_json("user_fault", "{}");
    assert_eq!(user.ok().as_deref(), Some(USER));
    assert_eq!(server.requests(), 2);
    let took = started.elapsed();
    assert!(
        took >= Duration::from_secs(1) && took < Duration::from_secs(5),
        "{took:?}"
    );
}

#[test]
fn two_503s_then_200_succeeds_on_the_third_attempt() {
    let server = FaultServer::start(|n, s| {
        if n < 2 {
            respond(s, "503 Service Unavailable", &[], "<html>busy</html>");
        } else {
            respond(s, "200 OK", &[], USER);
        }
        After::KeepAlive
    });

    let user = client(&server, 10_000, 2).update_user_json("user_fault", "{}");
    assert_eq!(user.ok().as_deref(), Some(USER));
    assert_eq!(server.requests(), 3);
}

#[test]
fn retries_stop_at_max_retries_and_the_document_counts_attempts() {
    let server = FaultServer::start(|_, s| {
        respond(
            s,
            "503 Service Unavailable",
            &[],
            r#"{"errors":[{"code":"busy","message":"m"}]}"#,
        );
        After::KeepAlive
    });

    let (error, doc, _) = fail(&client(&server, 10_000, 2));
    assert!(matches!(error, Error::Server(_)), "{error:?}");
    assert_eq!(doc["status"], 503);
    assert_eq!(doc["attempts"], 3);
    assert_eq!(server.requests(), 3);

    let (_, doc, _) = fail(&client(&server, 10_000, 0));
    assert_eq!(doc["attempts"], 1);
    assert_eq!(server.requests(), 4);
}

#[test]
fn a_reset_before_the_headers_is_a_transport_error_and_not_replayed() {
    let server = FaultServer::start(|_, s| {
        reset(s);
        After::Close
    });

    let (error, doc, took) = fail(&client(&server, 5_000, 3));
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert_eq!(doc["status"], 0);
    assert_eq!(doc["attempts"], 1);
    assert_eq!(
        server.requests(),
        1,
        "the update may have been applied: no replay"
    );
    assert!(took < Duration::from_secs(2), "{took:?}");
}

#[test]
fn a_reset_mid_body_is_a_transport_error() {
    let server = FaultServer::start(|_, s| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n{\"object\":");
        let _ = s.flush();
        thread::sleep(Duration::from_millis(50));
        reset(s);
        After::Close
    });

    let (error, doc, _) = fail(&client(&server, 5_000, 3));
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert_eq!(doc["status"], 200);
    assert_eq!(server.requests(), 1);
}

#[test]
fn a_body_shorter_than_its_content_length_is_a_transport_error() {
    let server = FaultServer::start(|_, s| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n{\"object\":\"user\"}");
        After::Close
    });

    let (error, doc, _) = fail(&client(&server, 5_000, 0));
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert_eq!(code(&doc), "transport_error");
}

#[test]
fn a_hung_server_ends_in_a_timeout_on_time() {
    let server = FaultServer::start(|_, _| {
        thread::sleep(Duration::from_secs(5));
        After::Close
    });

    let (error, doc, took) = fail(&client(&server, 1_000, 3));
    assert!(matches!(error, Error::Timeout(_)), "{error:?}");
    assert_eq!(code(&doc), "timeout");
    assert_eq!(server.requests(), 1, "a timeout is not retried");
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_millis(2_500),
        "{took:?}"
    );
}

#[test]
fn a_body_dripping_one_byte_a_second_ends_in_a_timeout_on_time() {
    let server = FaultServer::start(|_, s| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n");
        for byte in USER.bytes().take(8) {
            if s.write_all(&[byte]).is_err() {
                break;
            }
            thread::sleep(Duration::from_secs(1));
        }
        After::Close
    });

    let (error, _, took) = fail(&client(&server, 1_500, 0));
    assert!(matches!(error, Error::Timeout(_)), "{error:?}");
    assert!(took < Duration::from_millis(3_000), "{took:?}");
}

#[test]
fn a_huge_body_is_refused_without_reading_it_all() {
    let written = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = std::sync::Arc::clone(&written);
    let server = FaultServer::start(move |_, s| {
        let size = 100 * 1024 * 1024;
        let _ =
            s.write_all(format!("HTTP/1.1 200 OK\r\nContent-Length: {size}\r\n\r\n").as_bytes());
        let chunk = vec![b' '; 64 * 1024];
        for _ in 0..(size / chunk.len()) {
            if s.write_all(&chunk).is_err() {
                break;
            }
            count.fetch_add(chunk.len(), std::sync::atomic::Ordering::SeqCst);
        }
        After::Close
    });

    let (error, doc, took) = fail(&client(&server, 10_000, 0));
    assert!(matches!(error, Error::Decode(_)), "{error:?}");
    assert_eq!(code(&doc), "response_too_large");
    assert!(took < Duration::from_secs(5), "{took:?}");
    thread::sleep(Duration::from_millis(200));
    let sent = written.load(std::sync::atomic::Ordering::SeqCst);
    assert!(sent < 50 * 1024 * 1024, "the client read {sent} bytes");
}

#[test]
fn an_html_502_becomes_one_unexpected_response_error() {
    let server = FaultServer::start(|_, s| {
        let page = "<html><head><title>502 Bad Gateway</title></head></html>";
        respond(s, "502 Bad Gateway", &["Content-Type: text/html"], page);
        After::KeepAlive
    });

    let (error, doc, _) = fail(&client(&server, 5_000, 0));
    assert!(matches!(error, Error::Server(_)), "{error:?}");
    assert_eq!(doc["status"], 502);
    assert_eq!(code(&doc), "unexpected_response");
    assert!(doc["errors"][0]["long_message"]
        .as_str()
        .unwrap_or_default()
        .contains("Bad Gateway"));
}

#[test]
fn successes_that_are_not_users_are_decode_errors() {
    for body in ["<html>ok</html>", "[]", r#"{"object":"user","id":"u"#, ""] {
        let server = FaultServer::start(move |_, s| {
            respond(s, "200 OK", &["Content-Type: application/json"], body);
            After::KeepAlive
        });
        let (error, doc, _) = fail(&client(&server, 5_000, 0));
        assert!(matches!(error, Error::Decode(_)), "{body}: {error:?}");
        assert_eq!(doc["status"], 200);
    }
}

#[test]
fn json_with_a_charset_parameter_is_json() {
    let server = FaultServer::start(|_, s| {
        respond(
            s,
            "200 OK",
            &["Content-Type: application/json; charset=utf-8"],
            USER,
        );
        After::KeepAlive
    });
    let user = client(&server, 5_000, 0).update_user_json("user_fault", "{}");
    assert_eq!(user.ok().as_deref(), Some(USER));
}

#[test]
fn a_redirect_is_not_followed_and_no_credentials_reach_its_target() {
    let elsewhere = FaultServer::start_on(Ipv4Addr::new(127, 0, 0, 2), |_, s| {
        respond(s, "200 OK", &[], USER);
        After::Close
    });
    let location = format!("Location: {}/v1/users/user_fault", elsewhere.url());
    let server = FaultServer::start(move |_, s| {
        respond(s, "307 Temporary Redirect", &[&location], "");
        After::KeepAlive
    });

    let (error, doc, _) = fail(&client(&server, 5_000, 3));
    assert!(matches!(error, Error::Server(_)), "{error:?}");
    assert_eq!(doc["status"], 307);
    assert_eq!(server.requests(), 1);
    assert_eq!(
        elsewhere.connections(),
        0,
        "the redirect target was contacted"
    );
}

#[test]
fn a_keep_alive_connection_closed_by_the_server_is_replaced() {
    let server = FaultServer::start(|_, s| {
        respond(s, "200 OK", &[], USER);
        After::Close
    });
    let client = client(&server, 5_000, 0);

    for _ in 0..3 {
        client
            .update_user_json("user_fault", "{}")
            .expect("a fresh connection is used");
        // Give the close time to arrive, as it would between real calls.
        thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(server.connections(), 3);
}

#[test]
fn connections_are_reused_between_calls() {
    let server = FaultServer::start(|_, s| {
        respond(s, "200 OK", &[], USER);
        After::KeepAlive
    });
    let client = client(&server, 5_000, 0);

    for _ in 0..20 {
        client.update_user_json("user_fault", "{}").expect("ok");
    }
    assert_eq!(server.requests(), 20);
    assert_eq!(server.connections(), 1);
}

#[test]
fn a_refused_connection_is_retried_then_reported() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        listener.local_addr().expect("bound").port()
    };
    let client = Client::builder()
        .secret_key(KEY)
        .api_url(format!("http://127.0.0.1:{port}"))
        .timeout(Duration::from_secs(10))
        .max_retries(1)
        .build()
        .expect("valid settings");

    let started = Instant::now();
    let error = client
        .update_user_json("user_fault", "{}")
        .expect_err("refused");
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    let doc: Value = serde_json::from_str(&error.error_document()).expect("JSON");
    assert_eq!(doc["attempts"], 2);
    assert_eq!(code(&doc), "connection_refused");
    assert!(started.elapsed() >= Duration::from_millis(250));
    assert!(!error.error_document().contains("FAULTKEY"));
}

#[test]
fn a_retry_is_not_started_when_the_deadline_leaves_no_room() {
    let server = FaultServer::start(|_, s| {
        respond(
            s,
            "429 Too Many Requests",
            &["Retry-After: 30"],
            r#"{"errors":[]}"#,
        );
        After::KeepAlive
    });

    let (error, doc, took) = fail(&client(&server, 2_000, 5));
    assert!(matches!(error, Error::RateLimited(_)), "{error:?}");
    assert_eq!(doc["retry_after_s"], 30);
    assert_eq!(doc["attempts"], 1);
    assert!(took < Duration::from_secs(1), "{took:?}");
}

#[test]
fn requests_carry_the_key_only_in_the_authorization_header() {
    let server = FaultServer::start(|_, s| {
        respond(s, "200 OK", &[], USER);
        After::KeepAlive
    });
    client(&server, 5_000, 0)
        .update_user_json("user_fault", "{}")
        .expect("ok");

    let head = server.heads().pop().expect("one request");
    let lines: Vec<&str> = head.lines().filter(|l| l.contains(KEY)).collect();
    assert_eq!(lines.len(), 1, "{head}");
    assert!(lines[0]
        .to_ascii_lowercase()
        .starts_with("authorization: bearer "));
}

#[test]
fn a_server_echoing_the_key_never_gets_it_into_an_error() {
    // The server copies the request head, Authorization included, into its error page.
    let server = FaultServer::start(|n, s| {
        let page = format!("<html><pre>Authorization: Bearer {KEY}</pre></html>");
        let json = format!(r#"{{"errors":[{{"code":"x","message":"got Bearer {KEY}"}}]}}"#);
        match n {
            0 => respond(s, "502 Bad Gateway", &["Content-Type: text/html"], &page),
            _ => respond(s, "400 Bad Request", &[], &json),
        }
        After::KeepAlive
    });

    for _ in 0..2 {
        let (_, doc, _) = fail(&client(&server, 5_000, 0));
        assert!(doc.to_string().contains("Bearer [redacted]"), "{doc}");
    }
}

#[test]
fn an_error_status_keeps_its_meaning_when_its_body_cannot_be_read() {
    // A 429 whose body is too large is still a rate limit.
    let server = FaultServer::start(|_, s| {
        let size = 20 * 1024 * 1024;
        let head = format!("HTTP/1.1 429 Too Many Requests\r\nContent-Length: {size}\r\n\r\n");
        let _ = s.write_all(head.as_bytes());
        let chunk = vec![b'x'; 64 * 1024];
        for _ in 0..(size / chunk.len()) {
            if s.write_all(&chunk).is_err() {
                break;
            }
        }
        After::Close
    });
    let (error, doc, _) = fail(&client(&server, 5_000, 0));
    assert!(matches!(error, Error::RateLimited(_)), "{error:?}");
    assert_eq!(doc["status"], 429);
    assert_eq!(code(&doc), "unexpected_response");

    // A 503 whose body is cut short is still retried, and the retry succeeds.
    let server = FaultServer::start(|n, s| {
        if n == 0 {
            let _ =
                s.write_all(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 99\r\n\r\nbusy");
            return After::Close;
        }
        respond(s, "200 OK", &[], USER);
        After::KeepAlive
    });
    let user = client(&server, 5_000, 1).update_user_json("user_fault", "{}");
    assert_eq!(user.ok().as_deref(), Some(USER));
    assert_eq!(server.requests(), 2);
}
