//! A small, local stand-in for Clerk's Backend API, for libclerk's tests and demo.
//!
//! It speaks plain HTTP/1.1 on 127.0.0.1 and implements the user routes libclerk needs:
//!
//! * `GET /v1/users/{user_id}` and `PATCH /v1/users/{user_id}` ("update a user"), with
//!   the body rules of API version 2025-11-10 and the metadata restriction of 2026-05-12;
//! * `PATCH` (deep merge) and `PUT` (replace) on `/v1/users/{user_id}/metadata`.
//!
//! Every `/v1` request needs `Authorization: Bearer <secret key>`. Errors use Clerk's
//! envelope `{"errors":[{"code","message","long_message","meta"}],"clerk_trace_id"}`.
//!
//! Unauthenticated helper endpoints, never recorded:
//!
//! * `GET /__stand-in/health` → `{"ok":true}`;
//! * `GET /__stand-in/requests` → the request log (secrets redacted);
//!   `DELETE /__stand-in/requests` empties it;
//! * `POST /__stand-in/inject` → queue a canned response (see [`InjectedResponse`]);
//! * `GET /__stand-in/users/{user_id}` → the stored user.
//!
//! HTTP/1.1 with keep-alive, one thread per connection. Request bodies need
//! `Content-Length`; chunked requests get 411. The crate's `README.md` lists every
//! validation rule and error code.
//!
//! Each [`StandIn`] owns its own users, so parallel tests do not interfere:
//!
//! ```
//! let server = clerk_stand_in::StandIn::start(clerk_stand_in::Config::default())?;
//! assert!(server.url().starts_with("http://127.0.0.1:"));
//! assert!(server.user(clerk_stand_in::SEED_USER_ID).is_some());
//! server.stop();
//! # Ok::<(), std::io::Error>(())
//! ```

#![deny(missing_docs)]

mod errors;
mod http;
mod metadata;
mod record;
mod routes;
mod seed;
mod server;
mod store;
mod time;
mod update;

use std::io;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use serde_json::Value;

pub use record::{InjectedResponse, RecordedRequest};
pub use seed::{
    seed_users, BARE_USER_ID, SECOND_EMAIL_ID, SECOND_EXTERNAL_ID, SECOND_USERNAME, SECOND_USER_ID,
    SEED_EXTERNAL_ID, SEED_PHONE_ID, SEED_PRIMARY_EMAIL_ID, SEED_SECONDARY_EMAIL_ID,
    SEED_UNVERIFIED_EMAIL_ID, SEED_UNVERIFIED_PHONE_ID, SEED_USERNAME, SEED_USER_ID,
    SEED_WEB3_WALLET_ID,
};

use server::{lock, Shared};

/// The secret key a stand-in accepts unless configured otherwise.
pub const DEFAULT_SECRET_KEY: &str = "sk_test_standin_0123456789abcdef";

/// How a stand-in is started.
#[derive(Debug, Clone)]
pub struct Config {
    /// The key clients must send as `Authorization: Bearer <key>`.
    pub secret_key: String,
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// The initial users (JSON User objects, each with a string `id`).
    pub users: Vec<Value>,
    /// Time allowed for one request, from waiting for its first byte to its last; an idle
    /// keep-alive connection is closed when it runs out.
    pub request_timeout: Duration,
    /// Largest accepted request line plus headers; larger ones get 431.
    pub max_head_bytes: usize,
    /// Largest accepted body; larger `Content-Length`s get 413.
    pub max_body_bytes: usize,
    /// Open connections beyond this are answered with 503 and closed.
    pub max_connections: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            secret_key: DEFAULT_SECRET_KEY.to_owned(),
            port: 0,
            users: seed_users(),
            request_timeout: Duration::from_secs(30),
            max_head_bytes: 64 * 1024,
            max_body_bytes: 64 * 1024 * 1024,
            max_connections: 128,
        }
    }
}

/// A running stand-in server. Dropping it stops it.
pub struct StandIn {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept_thread: Option<JoinHandle<()>>,
}

impl StandIn {
    /// Binds 127.0.0.1 and starts serving on background threads.
    ///
    /// Returns once the listener is bound, so [`StandIn::url`] is immediately usable.
    /// Fails if the port is taken or a configured user has no string `id`.
    pub fn start(config: Config) -> io::Result<StandIn> {
        let store = store::Store::new(config.users)
            .map_err(|why| io::Error::new(io::ErrorKind::InvalidInput, why))?;
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, config.port))?;
        let addr = listener.local_addr()?;
        let limits = http::Limits {
            max_head_bytes: config.max_head_bytes,
            max_body_bytes: config.max_body_bytes,
        };
        let shared = Arc::new(Shared::new(
            config.secret_key,
            limits,
            config.request_timeout,
            config.max_connections.max(1),
            store,
        ));
        let accept_shared = Arc::clone(&shared);
        let accept_thread = thread::Builder::new()
            .name("clerk-stand-in-accept".to_owned())
            .spawn(move || server::accept_loop(listener, accept_shared))?;
        Ok(StandIn {
            addr,
            shared,
            accept_thread: Some(accept_thread),
        })
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Every recorded request so far, oldest first (`/__stand-in/...` excluded).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.log).clone()
    }

    /// How many requests have been recorded.
    pub fn request_count(&self) -> usize {
        lock(&self.shared.log).len()
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        lock(&self.shared.log).clear();
    }

    /// The stored user with this id, as the API would return it.
    pub fn user(&self, id: &str) -> Option<Value> {
        lock(&self.shared.store).get(id)
    }

    /// Adds a user, or replaces the one with the same `id`.
    pub fn insert_user(&self, user: Value) -> io::Result<()> {
        lock(&self.shared.store)
            .upsert(user)
            .map_err(|why| io::Error::new(io::ErrorKind::InvalidInput, why))
    }

    /// Queues a canned response for the next `/v1/...` request.
    pub fn inject(&self, response: InjectedResponse) {
        lock(&self.shared.injected).push_back(response);
    }

    /// Stops accepting, closes open connections and waits for the accept thread.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        let Some(accept_thread) = self.accept_thread.take() else {
            return;
        };
        self.shared.stopping.store(true, Ordering::SeqCst);
        // A blocking accept() only notices the flag when a connection arrives, so make
        // one. A loopback connect to our own listener only fails if the accept thread
        // already died (then join returns at once), so a few tries are plenty.
        for _ in 0..3 {
            if TcpStream::connect_timeout(&self.addr, Duration::from_secs(1)).is_ok() {
                break;
            }
        }
        let _ = accept_thread.join();
        self.shared.close_connections();
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        self.shutdown();
    }
}

impl std::fmt::Debug for StandIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StandIn").field("addr", &self.addr).finish()
    }
}
