//! The loopback server every client is measured against.
//!
//! It answers each `PATCH /v1/users/{id}` at once with a fixed user object (the 3 KB one,
//! or the 256 KB one for [`LARGE_USER_ID`]) so the numbers show the clients, not a
//! database. The whole answer, head and body, is built once and written with one call.
//! HTTP/1.1 keep-alive, `Content-Length` always set, one thread per connection, bound to
//! 127.0.0.1 only. It counts the connections and requests the clients make, and reports
//! them at `GET /__bench/stats`, whose own connections are not counted.
//!
//! Clerk's Node SDK sends metadata with a second request, `PUT /v1/users/{id}/metadata`,
//! so that route (and its `PATCH` twin) answers with the same user.

use std::io::{self, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::fixtures::{Variant, LARGE_USER_ID};
use crate::http::{Limits, Message, MessageReader};

/// The path of the counters.
pub const STATS_PATH: &str = "/__bench/stats";
/// An idle keep-alive connection is closed after this long (and the server says so).
const IDLE_TIMEOUT: Duration = Duration::from_secs(60);
const LIMITS: Limits = Limits {
    max_head: 64 * 1024,
    max_body: 2 * 1024 * 1024,
};

/// What the server has seen from clients, control connections left out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// TCP connections accepted.
    pub connections: u64,
    /// Update-user requests answered (`PATCH /v1/users/{id}`).
    pub updates: u64,
    /// Metadata requests answered (`PUT` or `PATCH /v1/users/{id}/metadata`).
    pub metadata: u64,
}

impl Counts {
    /// What happened between `earlier` and `self`.
    pub fn since(self, earlier: Counts) -> Counts {
        Counts {
            connections: self.connections - earlier.connections,
            updates: self.updates - earlier.updates,
            metadata: self.metadata - earlier.metadata,
        }
    }
}

#[derive(Default)]
struct Counters {
    accepted: AtomicU64,
    /// Connections whose first request was for the counters.
    control: AtomicU64,
    updates: AtomicU64,
    metadata: AtomicU64,
}

impl Counters {
    fn counts(&self) -> Counts {
        let control = self.control.load(Ordering::SeqCst);
        Counts {
            connections: self.accepted.load(Ordering::SeqCst) - control,
            updates: self.updates.load(Ordering::SeqCst),
            metadata: self.metadata.load(Ordering::SeqCst),
        }
    }
}

/// The answers, built once.
struct Answers {
    small: Vec<u8>,
    large: Vec<u8>,
    not_found: Vec<u8>,
}

/// A running server; it stops with the process.
pub struct Server {
    addr: SocketAddr,
}

impl Server {
    /// Binds a free port of 127.0.0.1 and serves on background threads.
    pub fn start() -> io::Result<Server> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
        let addr = listener.local_addr()?;
        let answers = Arc::new(Answers {
            small: answer("200 OK", Variant::Small.body().as_bytes()),
            large: answer("200 OK", Variant::Large.body().as_bytes()),
            not_found: answer("404 Not Found", NOT_FOUND),
        });
        let counters = Arc::new(Counters::default());
        thread::Builder::new()
            .name("bench-accept".into())
            .spawn(move || accept_loop(&listener, &answers, &counters))?;
        Ok(Server { addr })
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }
}

const NOT_FOUND: &[u8] = concat!(
    r#"{"errors":[{"code":"resource_not_found","message":"not found","#,
    r#""long_message":"The benchmark server only answers update user.","meta":{}}],"#,
    r#""clerk_trace_id":"bench"}"#
)
.as_bytes();

fn answer(status: &str, body: &[u8]) -> Vec<u8> {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Keep-Alive: timeout={}\r\n\r\n",
        body.len(),
        IDLE_TIMEOUT.as_secs()
    );
    [head.as_bytes(), body].concat()
}

fn accept_loop(listener: &TcpListener, answers: &Arc<Answers>, counters: &Arc<Counters>) {
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        counters.accepted.fetch_add(1, Ordering::SeqCst);
        let answers = Arc::clone(answers);
        let counters = Arc::clone(counters);
        // A failed spawn drops the connection; the client then sees the error.
        let _ = thread::Builder::new()
            .name("bench-conn".into())
            .spawn(move || {
                let _ = serve(stream, &answers, &counters);
            });
    }
}

fn serve(mut stream: TcpStream, answers: &Answers, counters: &Counters) -> io::Result<()> {
    stream.set_nodelay(true)?;
    stream.set_read_timeout(Some(IDLE_TIMEOUT))?;
    let mut reader = MessageReader::new(16 * 1024, LIMITS);
    let mut first = true;

    while let Some(request) = reader.next_message(&mut stream)? {
        let route = route(&request);
        if first && route == Route::Stats {
            counters.control.fetch_add(1, Ordering::SeqCst);
        }
        first = false;
        let close = request.wants_close();

        match route {
            Route::Update(variant) | Route::Metadata(variant) => {
                let counter = match route {
                    Route::Update(_) => &counters.updates,
                    _ => &counters.metadata,
                };
                counter.fetch_add(1, Ordering::SeqCst);
                let bytes = match variant {
                    Variant::Small => &answers.small,
                    Variant::Large => &answers.large,
                };
                stream.write_all(bytes)?;
            }
            Route::Stats => {
                let json = serde_json::to_vec(&counters.counts()).map_err(io::Error::other)?;
                stream.write_all(&answer("200 OK", &json))?;
            }
            Route::Unknown => stream.write_all(&answers.not_found)?,
        }
        if close {
            break;
        }
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    Update(Variant),
    Metadata(Variant),
    Stats,
    Unknown,
}

fn route(request: &Message<'_>) -> Route {
    let line = request.start_line();
    let mut parts = line.split(|&b| b == b' ');
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return Route::Unknown;
    };
    let path = target.split(|&b| b == b'?').next().unwrap_or_default();
    if method == b"GET" && path == STATS_PATH.as_bytes() {
        return Route::Stats;
    }

    let Some(rest) = path.strip_prefix(b"/v1/users/") else {
        return Route::Unknown;
    };
    let mut segments = rest.split(|&b| b == b'/');
    let id = segments.next().unwrap_or_default();
    let variant = if id == LARGE_USER_ID.as_bytes() {
        Variant::Large
    } else {
        Variant::Small
    };
    match (method, segments.next(), segments.next()) {
        (_, _, Some(_)) => Route::Unknown,
        _ if id.is_empty() => Route::Unknown,
        (b"PATCH", None, _) => Route::Update(variant),
        (b"PUT" | b"PATCH", Some(b"metadata"), _) => Route::Metadata(variant),
        _ => Route::Unknown,
    }
}

/// Asks the server at `port` for its counters, over a connection of its own.
pub fn counts(port: u16) -> io::Result<Counts> {
    let mut stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        stream,
        "GET {STATS_PATH} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )?;
    let mut reader = MessageReader::new(4096, LIMITS);
    let message = reader
        .next_message(&mut stream)?
        .ok_or_else(|| io::Error::from(io::ErrorKind::UnexpectedEof))?;
    serde_json::from_slice(message.body).map_err(io::Error::other)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route_of(start_line: &str) -> Route {
        let head = format!("{start_line}\r\nHost: x\r\n\r\n");
        route(&Message {
            head: head.as_bytes(),
            body: b"",
        })
    }

    #[test]
    fn requests_are_routed_by_method_and_path() {
        let large = format!("PATCH /v1/users/{LARGE_USER_ID} HTTP/1.1");
        let cases = [
            (
                "PATCH /v1/users/user_1 HTTP/1.1",
                Route::Update(Variant::Small),
            ),
            (large.as_str(), Route::Update(Variant::Large)),
            (
                "PUT /v1/users/user_1/metadata HTTP/1.1",
                Route::Metadata(Variant::Small),
            ),
            (
                "PATCH /v1/users/user_1?x=1 HTTP/1.1",
                Route::Update(Variant::Small),
            ),
            ("GET /__bench/stats HTTP/1.1", Route::Stats),
            ("GET /v1/users/user_1 HTTP/1.1", Route::Unknown),
            ("PATCH /v1/users/ HTTP/1.1", Route::Unknown),
            ("PATCH /v1/users/a/b/c HTTP/1.1", Route::Unknown),
            ("PATCH /v2/users/a HTTP/1.1", Route::Unknown),
        ];
        for (line, want) in cases {
            assert_eq!(route_of(line), want, "{line}");
        }
    }
}
