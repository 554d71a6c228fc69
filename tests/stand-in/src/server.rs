//! Accepting connections and serving requests on them, one thread per connection.

use std::collections::{HashMap, VecDeque};
use std::io::{BufReader, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use crate::errors::{trace_id, ApiError};
use crate::http::{self, DeadlineReader, Limits, ReadError, Response};
use crate::record::{InjectedResponse, RecordedRequest};
use crate::routes;
use crate::store::Store;

/// How long a write may block before the peer is considered gone.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);

/// State shared by the accept thread, the connection threads and the [`crate::StandIn`]
/// handle.
pub(crate) struct Shared {
    pub(crate) secret_key: String,
    pub(crate) limits: Limits,
    pub(crate) request_timeout: Duration,
    pub(crate) max_connections: usize,
    pub(crate) store: Mutex<Store>,
    pub(crate) log: Mutex<Vec<RecordedRequest>>,
    pub(crate) injected: Mutex<VecDeque<InjectedResponse>>,
    pub(crate) stopping: AtomicBool,
    /// Clones of open connections, so stopping can shut them down.
    connections: Mutex<HashMap<u64, TcpStream>>,
    next_connection: AtomicU64,
}

impl Shared {
    pub(crate) fn new(
        secret_key: String,
        limits: Limits,
        request_timeout: Duration,
        max_connections: usize,
        store: Store,
    ) -> Shared {
        Shared {
            secret_key,
            limits,
            request_timeout,
            max_connections,
            store: Mutex::new(store),
            log: Mutex::new(Vec::new()),
            injected: Mutex::new(VecDeque::new()),
            stopping: AtomicBool::new(false),
            connections: Mutex::new(HashMap::new()),
            next_connection: AtomicU64::new(0),
        }
    }

    /// Shuts down every open connection so blocked readers wake up and exit.
    pub(crate) fn close_connections(&self) {
        for stream in lock(&self.connections).values() {
            // Already-closed sockets report errors here; there is nothing left to do.
            let _ = stream.shutdown(Shutdown::Both);
        }
    }
}

/// Locks a mutex, recovering the data if a thread panicked while holding it: every
/// critical section leaves the data consistent, and a test server must keep serving.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Accepts until `stopping` is set (the stopper then makes one connection to wake us).
pub(crate) fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    for incoming in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            break;
        }
        let stream = match incoming {
            Ok(stream) => stream,
            Err(_) => {
                // Typically EMFILE or a connection reset before accept; back off briefly
                // instead of spinning.
                thread::sleep(Duration::from_millis(10));
                continue;
            }
        };
        admit(stream, &shared);
    }
}

fn admit(stream: TcpStream, shared: &Arc<Shared>) {
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let _ = stream.set_nodelay(true);
    let id = shared.next_connection.fetch_add(1, Ordering::Relaxed);
    {
        let mut open = lock(&shared.connections);
        if open.len() >= shared.max_connections {
            drop(open);
            refuse(stream, 503, "too many open connections");
            return;
        }
        match stream.try_clone() {
            Ok(clone) => open.insert(id, clone),
            Err(_) => return,
        };
    }
    let worker = Arc::clone(shared);
    let spawned = thread::Builder::new()
        .name(format!("clerk-stand-in-conn-{id}"))
        .spawn(move || {
            serve_connection(stream, &worker);
            lock(&worker.connections).remove(&id);
        });
    if spawned.is_err() {
        lock(&shared.connections).remove(&id);
    }
}

/// Answers with a Clerk-shaped error and closes.
fn refuse(mut stream: TcpStream, status: u16, why: &str) {
    let error = ApiError::new(status, "request_rejected", "request rejected", why);
    let response = Response::json(status, &error.to_json(&trace_id()));
    let _ = http::write_response(&mut stream, &response, true);
    let _ = stream.shutdown(Shutdown::Write);
}

/// Serves requests on one connection until it closes, times out, or asks to close.
fn serve_connection(stream: TcpStream, shared: &Shared) {
    let deadline = || Instant::now() + shared.request_timeout;
    let mut reader = BufReader::new(DeadlineReader::new(stream, deadline()));
    loop {
        // The budget covers waiting for the request too, so idle keep-alive connections
        // also end.
        reader.get_mut().set_deadline(deadline());
        let head = match http::read_head(&mut reader, shared.limits) {
            Ok(head) => head,
            Err(ReadError::Gone) => return,
            Err(ReadError::Reject(status, why)) => {
                if let Ok(stream) = reader.get_ref().stream().try_clone() {
                    refuse(stream, status, why);
                }
                return;
            }
        };
        let mut out = reader.get_ref().stream();
        let wants_continue = head.expects_continue() && head.content_length > 0;
        if wants_continue && out.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").is_err() {
            return;
        }
        let Ok(body) = http::read_body(&mut reader, head.content_length) else {
            return;
        };
        let close = head.wants_close() || shared.stopping.load(Ordering::SeqCst);
        let is_head = head.method == "HEAD";
        let request = RecordedRequest {
            method: head.method,
            path: head.target,
            headers: head.headers,
            body,
            authorized: false,
        };
        let mut response = routes::handle(shared, request);
        if is_head {
            // A HEAD response has no body, or the client would misread the next response.
            response.body.clear();
        }
        let mut out = reader.get_ref().stream();
        if http::write_response(&mut out, &response, close).is_err() || close {
            let _ = out.shutdown(Shutdown::Write);
            return;
        }
    }
}
