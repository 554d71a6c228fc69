//! A loopback HTTP server that answers with raw bytes a test scripts, to fake faults the
//! stand-in cannot: resets, hangs, drips, short bodies, huge bodies.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// What the script does with the connection after answering a request.
pub enum After {
    /// Keep it open for another request.
    KeepAlive,
    /// Close it (FIN).
    Close,
}

/// The script: given the request number (0 for the first) and the stream, answers.
pub type Script = dyn Fn(usize, &mut TcpStream) -> After + Send + Sync;

/// A running fault server on 127.0.0.1, or another loopback address.
pub struct FaultServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

#[derive(Default)]
struct Shared {
    stopping: AtomicBool,
    connections: AtomicUsize,
    requests: AtomicUsize,
    heads: Mutex<Vec<String>>,
}

/// How long any socket here waits for the other side before giving up.
const SOCKET_LIMIT: Duration = Duration::from_secs(10);

impl FaultServer {
    /// Starts a server on 127.0.0.1 that runs `script` for each request.
    pub fn start(script: impl Fn(usize, &mut TcpStream) -> After + Send + Sync + 'static) -> Self {
        Self::start_on(Ipv4Addr::LOCALHOST, script)
    }

    /// The same on another loopback address, such as 127.0.0.2.
    pub fn start_on(
        ip: Ipv4Addr,
        script: impl Fn(usize, &mut TcpStream) -> After + Send + Sync + 'static,
    ) -> Self {
        assert!(ip.is_loopback(), "fault servers listen on loopback only");
        let listener = TcpListener::bind((ip, 0)).expect("a free loopback port");
        let addr = listener.local_addr().expect("bound");
        let shared = Arc::new(Shared::default());
        let script: Arc<Script> = Arc::new(script);

        let accept_shared = Arc::clone(&shared);
        let accept = thread::spawn(move || {
            for stream in listener.incoming() {
                if accept_shared.stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                accept_shared.connections.fetch_add(1, Ordering::SeqCst);
                let (shared, script) = (Arc::clone(&accept_shared), Arc::clone(&script));
                thread::spawn(move || serve(stream, &shared, &*script));
            }
        });
        FaultServer {
            addr,
            shared,
            accept: Some(accept),
        }
    }

    /// `http://ADDR:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// Requests read so far.
    pub fn requests(&self) -> usize {
        self.shared.requests.load(Ordering::SeqCst)
    }

    /// The request heads received (request line and headers), in order.
    pub fn heads(&self) -> Vec<String> {
        self.shared
            .heads
            .lock()
            .map(|h| h.clone())
            .unwrap_or_default()
    }
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        // Wake the blocking accept with one last connection.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

fn serve(stream: TcpStream, shared: &Shared, script: &Script) {
    let _ = stream.set_read_timeout(Some(SOCKET_LIMIT));
    let _ = stream.set_write_timeout(Some(SOCKET_LIMIT));
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);

    loop {
        let Some(head) = read_head(&mut reader) else {
            return;
        };
        let length = content_length(&head);
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let n = shared.requests.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut heads) = shared.heads.lock() {
            heads.push(head);
        }
        if shared.stopping.load(Ordering::SeqCst) {
            return;
        }
        match script(n, &mut writer) {
            After::KeepAlive => continue,
            After::Close => return,
        }
    }
}

fn read_head(reader: &mut impl BufRead) -> Option<String> {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 || head.len() > 64 * 1024 {
            return None;
        }
        if line == "\r\n" {
            return Some(head);
        }
        head.push_str(&line);
    }
}

fn content_length(head: &str) -> usize {
    head.lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse().ok())
        .unwrap_or(0)
}

/// Writes a whole response with a Content-Length matching `body`.
pub fn respond(stream: &mut TcpStream, status: &str, headers: &[&str], body: &str) {
    let mut text = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\n", body.len());
    for header in headers {
        text.push_str(header);
        text.push_str("\r\n");
    }
    text.push_str("\r\n");
    text.push_str(body);
    let _ = stream.write_all(text.as_bytes());
}

/// Makes the connection end with a reset (RST) instead of an orderly close once the
/// script returns [`After::Close`].
pub fn reset(stream: &TcpStream) {
    // A zero linger makes close() send RST; std has no setter, so go through the fd.
    use std::os::fd::AsRawFd;
    let linger = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: a valid socket and a correctly sized option value.
    unsafe {
        libc::setsockopt(
            stream.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&linger as *const libc::linger).cast(),
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        );
    }
}

/// A small valid user object, for successful answers.
pub const USER: &str = r#"{"object":"user","id":"user_fault","first_name":"F"}"#;
