//! The in-process clients: libclerk from Rust, ureq alone, and the raw-socket baseline.
//!
//! Each is a closure making one update and checking the answer's length against the user
//! body the server sends, so a wrong answer stops the run instead of being timed.

use std::time::Duration;

use ureq::Agent;

use crate::baseline::RawClient;
use crate::fixtures::{Variant, PARAMS_BODY, PARAMS_JSON, SECRET_KEY};
use crate::resolver;

/// One update, or why it failed.
pub type CallResult = Result<(), String>;

/// A libclerk client for the server at `port`, with the library's defaults otherwise.
pub fn library_client(port: u16) -> Result<clerk::Client, String> {
    clerk::Client::builder()
        .secret_key(SECRET_KEY)
        .api_url(format!("http://127.0.0.1:{port}"))
        .build()
        .map_err(|e| format!("libclerk refused the settings: {e}"))
}

/// One update through `Client::update_user_json`, the call the C API wraps.
pub fn library_call(
    client: &clerk::Client,
    variant: Variant,
    body_len: usize,
) -> impl FnMut() -> CallResult + '_ {
    move || {
        let user = client
            .update_user_json(variant.user_id(), PARAMS_JSON)
            .map_err(|e| format!("libclerk: {e}"))?;
        check_len("libclerk", user.len(), body_len)
    }
}

/// One update over a raw socket, on a connection of its own made now.
pub fn baseline_call(
    port: u16,
    variant: Variant,
    body_len: usize,
) -> Result<impl FnMut() -> CallResult, String> {
    let mut client =
        RawClient::connect(port, variant.user_id()).map_err(|e| format!("baseline: {e}"))?;
    Ok(move || {
        let len = client.update().map_err(|e| format!("baseline: {e}"))?;
        check_len("baseline", len, body_len)
    })
}

/// A ureq agent configured as libclerk configures its own for a loopback URL
/// (`Client::from_settings` in src/client.rs), but with ureq's default resolver, which
/// starts a thread on every call that has a deadline.
pub fn ureq_agent() -> Agent {
    ureq_config().new_agent()
}

/// The same agent with a resolver that starts no thread for an IP address, as libclerk's
/// own resolver (src/resolver.rs) does.
pub fn ureq_agent_without_resolver_thread() -> Agent {
    resolver::agent_with_address_resolver(ureq_config())
}

fn ureq_config() -> ureq::config::Config {
    Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .user_agent(clerk::USER_AGENT)
        .accept("application/json")
        .timeout_connect(Some(clerk::CONNECT_TIMEOUT))
        .proxy(None)
        .build()
}

/// One update through ureq alone, made as libclerk makes its request (`send_once` in
/// src/client.rs: same headers, a per-call deadline, a size limit on the body) but with the
/// URL and the snake_case body ready-made and nothing checked beyond the status: the HTTP
/// cost without libclerk's own work.
pub fn ureq_call(
    agent: &Agent,
    port: u16,
    variant: Variant,
    body_len: usize,
) -> impl FnMut() -> CallResult + '_ {
    let url = format!("http://127.0.0.1:{port}/v1/users/{}", variant.user_id());
    let authorization = format!("Bearer {SECRET_KEY}");
    move || {
        let mut response = agent
            .patch(&url)
            .header("Authorization", &authorization)
            .header("Content-Type", "application/json")
            .header("Clerk-API-Version", clerk::DEFAULT_API_VERSION)
            .config()
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .send(PARAMS_BODY)
            .map_err(|e| format!("ureq: {e}"))?;
        if response.status() != 200 {
            return Err(format!("ureq: status {}", response.status()));
        }
        let body = response
            .body_mut()
            .with_config()
            .limit(clerk::MAX_RESPONSE_BYTES)
            .read_to_vec()
            .map_err(|e| format!("ureq: {e}"))?;
        check_len("ureq", body.len(), body_len)
    }
}

fn check_len(who: &str, got: usize, want: usize) -> CallResult {
    if got == want {
        Ok(())
    } else {
        Err(format!(
            "{who}: the answer had {got} bytes, the server sends {want}"
        ))
    }
}
