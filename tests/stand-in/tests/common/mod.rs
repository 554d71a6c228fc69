//! A raw HTTP/1.1 client for the stand-in's tests: it writes exactly the bytes a test
//! chooses and parses replies by hand, so the server's framing is what gets tested.

#![allow(dead_code)] // each test binary uses a different subset

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use clerk_stand_in::{StandIn, DEFAULT_SECRET_KEY};
use serde_json::Value;

/// Upper bound for any single socket read or write in the tests.
pub const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// A parsed response.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// The first error code of a Clerk error body, after checking the envelope.
    pub fn error_code(&self) -> String {
        let body = self.json();
        let trace = body["clerk_trace_id"].as_str().unwrap_or("");
        assert!(!trace.is_empty(), "no clerk_trace_id in {body}");
        let first = &body["errors"][0];
        for key in ["message", "long_message", "code"] {
            assert!(first[key].is_string(), "error lacks {key}: {body}");
        }
        assert!(first["meta"].is_object(), "error lacks meta: {body}");
        first["code"].as_str().unwrap_or("").to_owned()
    }

    /// `errors[0].meta.param_name`.
    pub fn param_name(&self) -> String {
        self.json()["errors"][0]["meta"]["param_name"]
            .as_str()
            .unwrap_or("")
            .to_owned()
    }
}

/// One client connection.
pub struct Conn {
    reader: BufReader<TcpStream>,
}

impl Conn {
    pub fn open(port: u16) -> Conn {
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream
            .set_read_timeout(Some(IO_TIMEOUT))
            .expect("read timeout");
        stream
            .set_write_timeout(Some(IO_TIMEOUT))
            .expect("write timeout");
        Conn {
            reader: BufReader::new(stream),
        }
    }

    pub fn stream(&self) -> &TcpStream {
        self.reader.get_ref()
    }

    pub fn send(&mut self, raw: &[u8]) {
        self.reader.get_mut().write_all(raw).expect("send");
    }

    /// Reads one final response (skipping any `100 Continue`).
    pub fn read_reply(&mut self) -> Reply {
        loop {
            let reply = self.read_one();
            if reply.status != 100 {
                return reply;
            }
        }
    }

    /// Reads one response, interim (1xx) or final.
    pub fn read_one(&mut self) -> Reply {
        let mut status_line = String::new();
        self.reader
            .read_line(&mut status_line)
            .expect("status line");
        let mut parts = status_line.split_whitespace();
        assert_eq!(
            parts.next(),
            Some("HTTP/1.1"),
            "status line {status_line:?}"
        );
        let status: u16 = parts
            .next()
            .and_then(|s| s.parse().ok())
            .expect("status code");
        let mut headers = Vec::new();
        loop {
            let mut line = String::new();
            self.reader.read_line(&mut line).expect("header line");
            let line = line.trim_end_matches(['\r', '\n']);
            if line.is_empty() {
                break;
            }
            let (name, value) = line.split_once(':').expect("header colon");
            headers.push((name.to_owned(), value.trim().to_owned()));
        }
        let mut reply = Reply {
            status,
            headers,
            body: Vec::new(),
        };
        if status != 100 {
            let length: usize = reply
                .header("content-length")
                .and_then(|v| v.parse().ok())
                .expect("every response has Content-Length");
            reply.body = vec![0; length];
            self.reader.read_exact(&mut reply.body).expect("body");
        }
        reply
    }

    /// Sends a request with the default key and (for bodies) a JSON content type.
    pub fn call(&mut self, method: &str, path: &str, body: Option<&str>) -> Reply {
        let auth = format!("Bearer {DEFAULT_SECRET_KEY}");
        let mut headers = vec![("Authorization", auth.as_str())];
        if body.is_some() {
            headers.push(("Content-Type", "application/json"));
        }
        self.request(method, path, &headers, body)
    }

    /// Sends a request with exactly these headers (plus Host and Content-Length).
    pub fn request(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Reply {
        let mut raw = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (name, value) in headers {
            raw.push_str(&format!("{name}: {value}\r\n"));
        }
        if let Some(body) = body {
            raw.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        raw.push_str("\r\n");
        raw.push_str(body.unwrap_or(""));
        self.send(raw.as_bytes());
        self.read_reply()
    }

    /// True once the server has closed the connection (EOF or reset within the read
    /// timeout); false if it stays open or sends more bytes.
    pub fn is_closed_by_server(&mut self) -> bool {
        let mut byte = [0u8; 1];
        match self.reader.read(&mut byte) {
            Ok(0) => true,
            Ok(_) => false,
            Err(e) => e.kind() == std::io::ErrorKind::ConnectionReset,
        }
    }
}

/// One authenticated request on a fresh connection.
pub fn call(server: &StandIn, method: &str, path: &str, body: Option<&str>) -> Reply {
    Conn::open(server.port()).call(method, path, body)
}

/// `PATCH /v1/users/{id}` with a JSON body.
pub fn patch(server: &StandIn, id: &str, body: &Value) -> Reply {
    call(
        server,
        "PATCH",
        &format!("/v1/users/{id}"),
        Some(&body.to_string()),
    )
}
