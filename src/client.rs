//! The client: one connection pool and its settings, shared by every call.

use std::fmt;
use std::io::Read;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use log::Level;
use ureq::http::header::RETRY_AFTER;
use ureq::tls::{Certificate, RootCerts, TlsConfig};
use ureq::unversioned::transport::DefaultConnector;
use ureq::Agent;

use crate::answer::{
    body_error, decode_user, describe, transport_error, unread_body, user_from, Answer,
    MAX_RESPONSE_BYTES,
};
use crate::config::{ClientBuilder, Settings, CONNECT_TIMEOUT};
use crate::error::{Error, LocalError};
use crate::events::event;
use crate::fields::{self, Endpoint};
use crate::params::UpdateUserParams;
use crate::resolver::CachingResolver;
use crate::retry::{self, Outcome};
use crate::user::User;
use crate::{normalize, user_id};

/// A client of Clerk's Backend API.
///
/// Cheap to clone and safe to share between threads: every clone uses the same connection
/// pool. Calls block the calling thread until the answer is read or the deadline passes.
///
/// In production, `Client::from_env()` reads `CLERK_SECRET_KEY`. This example runs against
/// the project's stand-in (hidden lines start it):
///
/// ```
/// # let stand_in = clerk_stand_in::StandIn::start(Default::default()).expect("starts");
/// # let (url, key) = (stand_in.url(), clerk_stand_in::DEFAULT_SECRET_KEY);
/// # let user_id = clerk_stand_in::SEED_USER_ID;
/// use clerk::{Client, UpdateUserParams};
///
/// let client = Client::builder().secret_key(key).api_url(url).build()?;
/// let params = UpdateUserParams::new().first_name("John").last_name("Wick");
/// let user = client.update_user(user_id, &params)?;
/// assert_eq!(user.first_name.as_deref(), Some("John"));
/// assert_eq!(user.last_name.as_deref(), Some("Wick"));
/// # Ok::<(), clerk::Error>(())
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    agent: Agent,
    /// `{api_url}/v1/users/`, ready for a user id to be appended.
    users_url: String,
    /// Where the path starts in `users_url`, so events can show the path alone.
    path_start: usize,
    /// `Bearer sk_...`: kept out of every `Debug` and error.
    authorization: String,
    api_version: String,
    timeout: Duration,
    max_retries: u32,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("users_url", &self.inner.users_url)
            .field("api_version", &self.inner.api_version)
            .field("timeout", &self.inner.timeout)
            .field("max_retries", &self.inner.max_retries)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client with this secret key; other settings from the environment or defaults.
    pub fn new(secret_key: impl Into<String>) -> Result<Client, Error> {
        ClientBuilder::new().secret_key(secret_key).build()
    }

    /// A client configured from `CLERK_SECRET_KEY`, `CLERK_API_URL` and `CLERK_API_VERSION`.
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::new().build()
    }

    /// A builder for a client with other settings.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    pub(crate) fn from_settings(settings: Settings) -> Result<Client, Error> {
        let mut config = Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent(settings.user_agent.as_str())
            .accept("application/json")
            .timeout_connect(Some(CONNECT_TIMEOUT.min(settings.timeout)));
        if settings.proxy.is_some() || settings.api_url.loopback {
            // An explicit proxy wins over the environment's; a local stand-in is reached
            // directly, never through a proxy from the environment.
            config = config.proxy(settings.proxy);
        }
        if !settings.extra_roots.is_empty() {
            config = config.tls_config(trusting(settings.extra_roots));
        }

        Ok(Client {
            inner: Arc::new(Inner {
                agent: Agent::with_parts(
                    config.build(),
                    DefaultConnector::default(),
                    CachingResolver::default(),
                ),
                users_url: format!("{}/v1/users/", settings.api_url.base),
                path_start: settings.api_url.base.len(),
                authorization: format!("Bearer {}", settings.secret_key),
                api_version: settings.api_version,
                timeout: settings.timeout,
                max_retries: settings.max_retries,
            }),
        })
    }

    /// The secret key, from the `Authorization` header this client sends.
    fn secret_key(&self) -> &str {
        let header = &self.inner.authorization;
        header.strip_prefix("Bearer ").unwrap_or(header)
    }

    /// The `Clerk-API-Version` this client sends.
    pub fn api_version(&self) -> &str {
        &self.inner.api_version
    }

    /// Updates a user and returns the updated user.
    ///
    /// Fields left unset in `params` are not changed. Fails with
    /// [`Error::InvalidArgument`] before sending anything if the user id is malformed or
    /// the params are not accepted by the client's API version.
    pub fn update_user(&self, user_id: &str, params: &UpdateUserParams) -> Result<User, Error> {
        let params = serde_json::to_string(params).map_err(|e| {
            let long = format!("the params could not be written as JSON: {e}");
            Error::Internal(Box::new(LocalError::new("internal_error", "bug", long)))
        })?;
        self.typed_call(&UPDATE_USER_CALL, user_id, &params)
    }

    /// Updates a user from params given as JSON text; returns the user JSON as Clerk sent it.
    ///
    /// The params are a JSON object whose top-level keys are update-user fields in
    /// snake_case (`first_name`) or camelCase (`firstName`); `null` clears a field.
    ///
    /// ```
    /// # let stand_in = clerk_stand_in::StandIn::start(Default::default()).expect("starts");
    /// # let client = clerk::Client::builder()
    /// #     .secret_key(clerk_stand_in::DEFAULT_SECRET_KEY)
    /// #     .api_url(stand_in.url())
    /// #     .build()?;
    /// # let user_id = clerk_stand_in::SEED_USER_ID;
    /// let json = client.update_user_json(user_id, r#"{"firstName":"Ada","username":null}"#)?;
    /// let user: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    /// assert_eq!(user["first_name"], "Ada");
    /// assert!(user["username"].is_null());
    ///
    /// // A typo is refused before anything is sent, with the name meant:
    /// let error = client.update_user_json(user_id, r#"{"firstname":"Ada"}"#).unwrap_err();
    /// assert!(error.to_string().contains("did you mean `first_name`?"));
    /// # Ok::<(), clerk::Error>(())
    /// ```
    pub fn update_user_json(&self, user_id: &str, params_json: &str) -> Result<String, Error> {
        self.call(&UPDATE_USER_CALL, user_id, params_json)
    }

    /// Updates a user from params given as a JSON value; returns the user JSON as sent.
    pub fn update_user_value(
        &self,
        user_id: &str,
        params: &serde_json::Value,
    ) -> Result<String, Error> {
        self.update_user_json(user_id, &params.to_string())
    }

    /// Merges metadata into a user's (`PATCH /v1/users/{user_id}/metadata`).
    ///
    /// `metadata` is an object with any of `public_metadata`, `private_metadata` and
    /// `unsafe_metadata` (or their camelCase names), each an object. Clerk merges them
    /// deeply into the user's metadata: nested objects are merged too, and a key set to
    /// `null` is removed. Unlike [`update_user`](Self::update_user), nothing else is lost.
    ///
    /// ```
    /// # let stand_in = clerk_stand_in::StandIn::start(Default::default()).expect("starts");
    /// # let client = clerk::Client::builder()
    /// #     .secret_key(clerk_stand_in::DEFAULT_SECRET_KEY)
    /// #     .api_url(stand_in.url())
    /// #     .build()?;
    /// # let user_id = clerk_stand_in::SEED_USER_ID;
    /// use serde_json::json;
    ///
    /// let before = json!({"publicMetadata": {"plan": "free", "trial": true, "seats": 3}});
    /// client.replace_user_metadata(user_id, &before)?;
    ///
    /// let change = json!({"publicMetadata": {"plan": "pro", "trial": null}});
    /// let user = client.update_user_metadata(user_id, &change)?;
    /// let after = serde_json::Value::Object(user.public_metadata);
    /// assert_eq!(after, json!({"plan": "pro", "seats": 3}));
    /// # Ok::<(), clerk::Error>(())
    /// ```
    pub fn update_user_metadata(
        &self,
        user_id: &str,
        metadata: &serde_json::Value,
    ) -> Result<User, Error> {
        self.typed_call(&MERGE_METADATA_CALL, user_id, &metadata.to_string())
    }

    /// [`update_user_metadata`](Self::update_user_metadata) with JSON text in and the user
    /// JSON, as Clerk sent it, out.
    pub fn update_user_metadata_json(&self, user_id: &str, json: &str) -> Result<String, Error> {
        self.call(&MERGE_METADATA_CALL, user_id, json)
    }

    /// Replaces metadata fields of a user (`PUT /v1/users/{user_id}/metadata`).
    ///
    /// Each of `public_metadata`, `private_metadata` and `unsafe_metadata` given replaces
    /// that field whole; those not given are left as they are.
    pub fn replace_user_metadata(
        &self,
        user_id: &str,
        metadata: &serde_json::Value,
    ) -> Result<User, Error> {
        self.typed_call(&REPLACE_METADATA_CALL, user_id, &metadata.to_string())
    }

    /// [`replace_user_metadata`](Self::replace_user_metadata) with JSON text in and the
    /// user JSON, as Clerk sent it, out.
    pub fn replace_user_metadata_json(&self, user_id: &str, json: &str) -> Result<String, Error> {
        self.call(&REPLACE_METADATA_CALL, user_id, json)
    }

    /// Checks the arguments, builds the body and sends it.
    fn call(&self, call: &Call, user_id: &str, params_json: &str) -> Result<String, Error> {
        self.counted_call(call, user_id, params_json)
            .map(|(user, _)| user)
    }

    /// [`call`](Self::call), decoding the user into the typed [`User`].
    fn typed_call(&self, call: &Call, user_id: &str, params_json: &str) -> Result<User, Error> {
        let (user, attempts) = self.counted_call(call, user_id, params_json)?;
        decode_user(&user, attempts)
    }

    /// [`call`](Self::call), also returning how many attempts it took.
    fn counted_call(
        &self,
        call: &Call,
        user_id: &str,
        params_json: &str,
    ) -> Result<(String, u32), Error> {
        let segment = user_id::path_segment(user_id)?;
        let body = normalize::request_body(call.endpoint, params_json, &self.inner.api_version)?;

        let url = format!("{}{segment}{}", self.inner.users_url, call.suffix);
        self.send_with_retries(call, &url, body.as_bytes())
    }

    /// Sends the request, retrying as [`retry`] allows, and reads the final answer.
    /// Returns the user JSON and how many attempts it took.
    fn send_with_retries(
        &self,
        call: &Call,
        url: &str,
        body: &[u8],
    ) -> Result<(String, u32), Error> {
        let started = Instant::now();
        let deadline = started + self.inner.timeout;
        // What events show of the request: the method and path, never the host or body.
        let path = url.get(self.inner.path_start..).unwrap_or_default();
        let mut attempts = 1;

        loop {
            event!(Level::Debug, "{} {path}: attempt {attempts}", call.method);
            let attempt_started = Instant::now();
            let result = self.send_once(call, url, body, deadline);
            let (outcome, retry_after) = match &result {
                Ok(answer) => (Outcome::Status(answer.status), answer.retry_after),
                Err((outcome, _)) => (*outcome, None),
            };
            event!(
                Level::Debug,
                "{} {path}: {} after {} ms (attempt {attempts})",
                call.method,
                describe(&result),
                attempt_started.elapsed().as_millis()
            );

            let left = deadline.saturating_duration_since(Instant::now());
            let may_retry = attempts <= self.inner.max_retries && retry::is_retryable(outcome);
            match may_retry
                .then(|| retry::wait_before(attempts, retry_after, left, retry::jitter()))
            {
                Some(Some(wait)) => {
                    event!(
                        Level::Info,
                        "{} {path}: retrying in {} ms (attempt {} of at most {})",
                        call.method,
                        wait.as_millis(),
                        attempts + 1,
                        self.inner.max_retries + 1
                    );
                    thread::sleep(wait);
                }
                _ => {
                    let result = result
                        .map_err(|(_, error)| error)
                        .and_then(|answer| user_from(answer, self.secret_key()));
                    return result.map(|user| (user, attempts)).map_err(|mut error| {
                        error.set_attempts(attempts);
                        error
                    });
                }
            }
            attempts += 1;
        }
    }

    fn send_once(
        &self,
        call: &Call,
        url: &str,
        body: &[u8],
        deadline: Instant,
    ) -> Result<Answer, (Outcome, Error)> {
        let left = deadline.saturating_duration_since(Instant::now());
        let request = match call.method {
            Method::Patch => self.inner.agent.patch(url),
            Method::Put => self.inner.agent.put(url),
        };
        let request = request
            .header("Authorization", &self.inner.authorization)
            .header("Content-Type", "application/json")
            .header("Clerk-API-Version", &self.inner.api_version)
            .config()
            .timeout_global(Some(left))
            .build();

        let mut response = request.send(body).map_err(transport_error)?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| retry::parse_retry_after(v, SystemTime::now()));

        let body = match read_body(response.body_mut()) {
            Ok(body) => body,
            // An error status is what matters, and says whether to retry, even when its
            // body cannot be read: keep the status and say why the body is missing.
            Err(e) if status >= 300 => unread_body(&e).into_bytes(),
            Err(e) => return Err(body_error(e, status)),
        };
        Ok(Answer {
            status,
            body,
            retry_after,
        })
    }
}

/// Reads a body of at most [`MAX_RESPONSE_BYTES`] into a buffer sized from its
/// `Content-Length`, with a byte to spare for the C string's NUL: one allocation, instead
/// of a buffer doubled (and copied) as it fills and copied again for C.
fn read_body(body: &mut ureq::Body) -> Result<Vec<u8>, ureq::Error> {
    const UNKNOWN_LENGTH_GUESS: u64 = 16 * 1024;
    // Trust a claimed length only so far: a larger body still fits, by growing.
    const MOST_RESERVED: u64 = 1024 * 1024;
    let expected = body.content_length().unwrap_or(UNKNOWN_LENGTH_GUESS);
    let capacity = expected.min(MOST_RESERVED) as usize + 1;

    let mut buffer = Vec::with_capacity(capacity);
    let mut reader = body.with_config().limit(MAX_RESPONSE_BYTES).reader();
    reader.read_to_end(&mut buffer)?;
    Ok(buffer)
}

/// TLS settings trusting the bundled webpki roots and `extra` roots.
fn trusting(extra: Vec<Certificate<'static>>) -> TlsConfig {
    let mut roots: Vec<Certificate<'static>> = webpki_root_certs::TLS_SERVER_ROOT_CERTS
        .iter()
        .map(|der| Certificate::from_der(der.as_ref()))
        .collect();
    roots.extend(extra);
    TlsConfig::builder()
        .root_certs(RootCerts::new_with_certs(&roots))
        .build()
}

/// The HTTP methods the calls use.
#[derive(Clone, Copy)]
enum Method {
    Patch,
    Put,
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Method::Patch => "PATCH",
            Method::Put => "PUT",
        })
    }
}

/// One kind of call: its method, the path after the user id, and its body fields.
struct Call {
    method: Method,
    suffix: &'static str,
    endpoint: &'static Endpoint,
}

const UPDATE_USER_CALL: Call = Call {
    method: Method::Patch,
    suffix: "",
    endpoint: &fields::UPDATE_USER,
};

const MERGE_METADATA_CALL: Call = Call {
    method: Method::Patch,
    suffix: "/metadata",
    endpoint: &fields::USER_METADATA,
};

const REPLACE_METADATA_CALL: Call = Call {
    method: Method::Put,
    suffix: "/metadata",
    endpoint: &fields::USER_METADATA,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Client>();
    }

    #[test]
    fn debug_output_hides_the_secret_key() {
        let client = Client::builder()
            .secret_key("sk_test_verysecretvalue")
            .api_url("http://127.0.0.1:9")
            .build()
            .expect("valid settings");
        let shown = format!("{client:?}");
        assert!(!shown.contains("verysecretvalue"), "{shown}");
        assert!(shown.contains("127.0.0.1:9"), "{shown}");
    }
}
