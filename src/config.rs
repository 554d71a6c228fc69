//! Client settings: their defaults, the environment, and the checks they pass.
//!
//! Each setting is resolved the same way: the value set on the [`ClientBuilder`], else the
//! environment variable, else the default.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use ureq::tls::{Certificate, PemItem};

use crate::error::{Error, LocalError};

/// The API URL used when none is set: Clerk's production Backend API.
pub const DEFAULT_API_URL: &str = "https://api.clerk.com";

/// The `Clerk-API-Version` sent when none is set: the newest version whose update-user call
/// still takes metadata.
pub const DEFAULT_API_VERSION: &str = "2025-11-10";

/// The deadline of one call when none is set, from its start (name lookup and connecting
/// included) to the last byte read, retries included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The longest wait for a TCP and TLS connection, within the call's deadline.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The number of retries set when none is given.
pub const DEFAULT_MAX_RETRIES: u32 = 2;

/// The most retries a client may be set to make.
pub const MAX_RETRIES_LIMIT: u32 = 10;

/// The environment variable holding the secret key.
pub const ENV_SECRET_KEY: &str = "CLERK_SECRET_KEY";
/// The environment variable holding the API URL.
pub const ENV_API_URL: &str = "CLERK_API_URL";
/// The environment variable holding the API version.
pub const ENV_API_VERSION: &str = "CLERK_API_VERSION";

/// Builds a [`Client`](crate::Client); every setting is optional.
///
/// ```
/// use std::time::Duration;
///
/// let client = clerk::Client::builder()
///     .secret_key("sk_test_example")
///     .api_url("https://api.clerk.com")
///     .timeout(Duration::from_secs(10))
///     .build()?;
/// # Ok::<(), clerk::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct ClientBuilder {
    pub(crate) secret_key: Option<String>,
    pub(crate) api_url: Option<String>,
    pub(crate) api_version: Option<String>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) max_retries: Option<u32>,
    pub(crate) root_ca_file: Option<PathBuf>,
    pub(crate) user_agent_suffix: Option<String>,
    pub(crate) proxy: Option<String>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field(
                "secret_key",
                &self.secret_key.as_ref().map(|_| "<redacted>"),
            )
            .field("api_url", &self.api_url)
            .field("api_version", &self.api_version)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("root_ca_file", &self.root_ca_file)
            .field("user_agent_suffix", &self.user_agent_suffix)
            // A proxy URL may hold a password.
            .field("proxy", &self.proxy.as_ref().map(|_| "<set>"))
            .finish()
    }
}

impl ClientBuilder {
    /// A builder with nothing set: every setting comes from the environment or its default.
    pub fn new() -> Self {
        Self::default()
    }

    /// The secret key (`sk_live_...` or `sk_test_...`); default: `$CLERK_SECRET_KEY`.
    pub fn secret_key(mut self, key: impl Into<String>) -> Self {
        self.secret_key = Some(key.into());
        self
    }

    /// The Backend API's base URL; default: `$CLERK_API_URL`, else [`DEFAULT_API_URL`].
    ///
    /// Requests go to `{api_url}/v1/users/{user_id}`. A trailing `/` or `/v1` is dropped,
    /// so `https://api.clerk.com/v1/` works too. Plain `http` is accepted only for loopback
    /// hosts (`127.0.0.0/8`, `::1`, `localhost`), where a local stand-in listens.
    pub fn api_url(mut self, url: impl Into<String>) -> Self {
        self.api_url = Some(url.into());
        self
    }

    /// The `Clerk-API-Version` header (`YYYY-MM-DD`); default: `$CLERK_API_VERSION`, else
    /// [`DEFAULT_API_VERSION`].
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = Some(version.into());
        self
    }

    /// The deadline of one call, retries included; default [`DEFAULT_TIMEOUT`]. Must be
    /// more than zero (a call without a deadline could block its caller forever) and at
    /// most [`MAX_TIMEOUT`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How many times a failed call may be retried; default [`DEFAULT_MAX_RETRIES`], at
    /// most [`MAX_RETRIES_LIMIT`]; `0` turns retries off.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }

    /// A PEM file of root certificates to trust in addition to the bundled webpki roots,
    /// for a TLS-intercepting corporate proxy or a private test server; default: none.
    ///
    /// The file is read when the client is built; it must hold at least one certificate.
    pub fn root_ca_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.root_ca_file = Some(path.into());
        self
    }

    /// Words appended to the `User-Agent` to name the calling application, such as
    /// `billing-sync/2.1`; the header becomes `libclerk/0.1.0 billing-sync/2.1`. At most
    /// 200 printable ASCII characters.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// An HTTP proxy for every request, such as `http://proxy.internal:3128` (credentials
    /// as `http://user:password@host:port`). It wins over the environment's
    /// `HTTPS_PROXY`/`ALL_PROXY`/`NO_PROXY`, which apply otherwise, except to loopback API
    /// URLs.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(url.into());
        self
    }

    /// Checks every setting and builds the client.
    ///
    /// Fails with [`Error::InvalidArgument`] when no secret key is set or found in
    /// `$CLERK_SECRET_KEY`, or when a setting is malformed. Nothing is sent.
    pub fn build(self) -> Result<crate::Client, Error> {
        crate::Client::from_settings(self.resolve()?)
    }

    pub(crate) fn resolve(self) -> Result<Settings, Error> {
        let secret_key = match self
            .secret_key
            .map_or_else(|| env(ENV_SECRET_KEY), |k| Ok(Some(k)))?
        {
            Some(key) => check_secret_key(&key).map(|()| key)?,
            None => {
                let long = format!("pass a secret key or set {ENV_SECRET_KEY}");
                let local = LocalError::new("missing_secret_key", "no secret key", long);
                return Err(Error::invalid(local.with_param("secret_key")));
            }
        };
        let api_url = self
            .api_url
            .map_or_else(|| env(ENV_API_URL), |u| Ok(Some(u)))?;
        let api_url = check_api_url(api_url.as_deref().unwrap_or(DEFAULT_API_URL))?;
        let api_version = self
            .api_version
            .map_or_else(|| env(ENV_API_VERSION), |v| Ok(Some(v)))?;
        let api_version = api_version.unwrap_or_else(|| DEFAULT_API_VERSION.to_owned());
        check_api_version(&api_version)?;
        let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
        check_timeout(timeout)?;
        let max_retries = self.max_retries.unwrap_or(DEFAULT_MAX_RETRIES);
        check_max_retries(max_retries)?;
        let extra_roots = match &self.root_ca_file {
            Some(path) => load_root_cas(path)?,
            None => Vec::new(),
        };
        let user_agent = match &self.user_agent_suffix {
            Some(suffix) => {
                check_user_agent_suffix(suffix)?;
                format!("{USER_AGENT} {suffix}")
            }
            None => USER_AGENT.to_owned(),
        };
        let proxy = self.proxy.as_deref().map(check_proxy).transpose()?;

        Ok(Settings {
            secret_key,
            api_url,
            api_version,
            timeout,
            max_retries,
            extra_roots,
            user_agent,
            proxy,
        })
    }
}

/// Settings after resolution and checks.
pub(crate) struct Settings {
    pub secret_key: String,
    pub api_url: ApiUrl,
    pub api_version: String,
    pub timeout: Duration,
    pub max_retries: u32,
    /// Root certificates trusted beside the bundled ones.
    pub extra_roots: Vec<Certificate<'static>>,
    /// The whole `User-Agent` header.
    pub user_agent: String,
    /// The explicit proxy, if one was set.
    pub proxy: Option<ureq::Proxy>,
}

/// The `User-Agent` sent with every request, before any suffix.
pub const USER_AGENT: &str = concat!("libclerk/", env!("CARGO_PKG_VERSION"));

/// Checks a `User-Agent` suffix: printable ASCII, 1 to 200 characters.
pub(crate) fn check_user_agent_suffix(suffix: &str) -> Result<(), Error> {
    let printable = suffix.bytes().all(|b| (0x20..0x7f).contains(&b));
    if printable && !suffix.trim().is_empty() && suffix.len() <= 200 {
        return Ok(());
    }
    let long = "give 1 to 200 printable ASCII characters, such as `my-app/1.2`".to_owned();
    Err(invalid(
        "invalid_user_agent_suffix",
        "user_agent_suffix",
        "invalid suffix",
        long,
    ))
}

/// Checks a proxy URL, never quoting it, as it may hold a password. Only HTTP proxies
/// (`http://`, `https://`) are accepted: this build has no SOCKS support.
pub(crate) fn check_proxy(url: &str) -> Result<ureq::Proxy, Error> {
    let refuse = || {
        let long = "give an HTTP proxy URL such as http://proxy.internal:3128".to_owned();
        invalid("invalid_proxy", "proxy", "invalid proxy URL", long)
    };
    let scheme = url
        .split_once("://")
        .map(|(scheme, _)| scheme.to_ascii_lowercase());
    if !matches!(scheme.as_deref(), Some("http" | "https")) {
        return Err(refuse());
    }
    ureq::Proxy::new(url).map_err(|_| refuse())
}

/// A checked API URL.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ApiUrl {
    /// The URL without a trailing `/` or `/v1`.
    pub base: String,
    /// Whether the host is loopback, where plain `http` is allowed and no proxy is used.
    pub loopback: bool,
}

/// A variable from the environment; unset and empty count as unset. A value that is not
/// UTF-8 is refused rather than ignored, as ignoring it could aim the client elsewhere.
fn env(name: &str) -> Result<Option<String>, Error> {
    match std::env::var(name) {
        Ok(value) => Ok(Some(value).filter(|v| !v.is_empty())),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => {
            let long =
                format!("the environment variable {name} is not valid UTF-8; fix or unset it");
            Err(invalid(
                "invalid_environment",
                name,
                "invalid environment variable",
                long,
            ))
        }
    }
}

fn invalid(code: &'static str, param: &str, message: &str, long: String) -> Error {
    Error::invalid(LocalError::new(code, message, long).with_param(param))
}

/// Checks the shape of a secret key without ever quoting it.
pub(crate) fn check_secret_key(key: &str) -> Result<(), Error> {
    let well_formed = (key.starts_with("sk_live_") || key.starts_with("sk_test_"))
        && key.len() > "sk_test_".len()
        && key.bytes().all(|b| b.is_ascii_graphic());
    if well_formed {
        return Ok(());
    }

    let long = "a Clerk secret key starts with `sk_live_` or `sk_test_` and holds no spaces; \
                copy it from the API keys page of the Clerk dashboard"
        .to_owned();
    Err(invalid(
        "invalid_secret_key",
        "secret_key",
        "malformed secret key",
        long,
    ))
}

/// Reads the certificates of a PEM file, refusing a file that holds none.
pub(crate) fn load_root_cas(path: &Path) -> Result<Vec<Certificate<'static>>, Error> {
    let refuse = |why: String| {
        let long = format!("{why}; give a PEM file holding one or more CA certificates");
        invalid(
            "invalid_root_ca_file",
            "root_ca_file",
            "unusable root CA file",
            long,
        )
    };

    let pem = std::fs::read(path)
        .map_err(|e| refuse(format!("`{}` could not be read: {e}", path.display())))?;
    let mut certificates = Vec::new();
    for item in ureq::tls::parse_pem(&pem) {
        match item {
            Ok(PemItem::Certificate(certificate)) => certificates.push(certificate),
            Ok(_) => {}
            Err(e) => {
                return Err(refuse(format!(
                    "`{}` is not valid PEM: {e}",
                    path.display()
                )))
            }
        }
    }
    if certificates.is_empty() {
        return Err(refuse(format!("`{}` holds no certificate", path.display())));
    }
    Ok(certificates)
}

/// Checks an API URL and strips what the library adds itself.
pub(crate) fn check_api_url(url: &str) -> Result<ApiUrl, Error> {
    let refuse = |why: String| {
        let long = format!("{why}; give a URL such as {DEFAULT_API_URL}");
        invalid("invalid_api_url", "api_url", "invalid API URL", long)
    };

    let (https, rest) = if let Some(rest) = url.strip_prefix("https://") {
        (true, rest)
    } else if let Some(rest) = url.strip_prefix("http://") {
        (false, rest)
    } else {
        return Err(refuse(
            "the API URL must start with https:// (or http:// for a loopback host)".into(),
        ));
    };
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(refuse(
            "the API URL holds whitespace or control characters".into(),
        ));
    }
    if rest.contains(['?', '#', '@']) {
        return Err(refuse(
            "the API URL may not hold a query, fragment or credentials".into(),
        ));
    }

    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let host = host_of(authority).ok_or_else(|| refuse("the API URL has no valid host".into()))?;
    if !path_is_clean(path) {
        return Err(refuse(
            "the API URL's path holds characters a URL may not (percent-encode them)".into(),
        ));
    }
    let loopback = is_loopback(host);
    if !https && !loopback {
        return Err(refuse(format!(
            "plain http is allowed only for loopback hosts, not `{host}`; use https"
        )));
    }

    let mut path = path.trim_end_matches('/');
    if let Some(stripped) = path.strip_suffix("/v1") {
        path = stripped.trim_end_matches('/');
    }
    let scheme = if https { "https" } else { "http" };
    Ok(ApiUrl {
        base: format!("{scheme}://{authority}{path}"),
        loopback,
    })
}

/// The host of `host[:port]` or `[v6][:port]`, if both parts are well formed.
fn host_of(authority: &str) -> Option<&str> {
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = v6.split_once(']')?;
        host.parse::<std::net::Ipv6Addr>().ok()?;
        match after {
            "" => (host, None),
            _ => (host, Some(after.strip_prefix(':')?)),
        }
    } else {
        let (host, port) = match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        };
        let name_ok = host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_');
        (name_ok && !host.is_empty()).then_some(())?;
        (host, port)
    };

    let port_ok = port.is_none_or(|p| {
        p.bytes().all(|b| b.is_ascii_digit()) && p.parse::<u16>().is_ok_and(|n| n > 0)
    });
    port_ok.then_some(host)
}

/// Whether a URL path holds only characters a URL path may hold, `%` only as `%XX`.
fn path_is_clean(path: &str) -> bool {
    let bytes = path.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let hex = bytes.get(i + 1..i + 3);
            if !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
                return false;
            }
            i += 3;
            continue;
        }
        if !(b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&b)) {
            return false;
        }
        i += 1;
    }
    true
}

fn is_loopback(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    match host.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => false,
    }
}

/// Checks that an API version is a real `YYYY-MM-DD` date, the form of Clerk's versions.
pub(crate) fn check_api_version(version: &str) -> Result<(), Error> {
    if is_date(version) {
        return Ok(());
    }

    let shown: String = version.chars().take(40).collect();
    let long = format!(
        "Clerk API versions are dates such as {DEFAULT_API_VERSION}; `{}` is not one",
        shown.escape_default()
    );
    Err(invalid(
        "invalid_api_version",
        "api_version",
        "invalid API version",
        long,
    ))
}

fn is_date(text: &str) -> bool {
    let b = text.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shaped {
        return false;
    }

    let number = |range: std::ops::Range<usize>| text[range].parse::<u32>().unwrap_or(0);
    let (year, month, day) = (number(0..4), number(5..7), number(8..10));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => 0,
    };
    year >= 2000 && (1..=days_in_month).contains(&day)
}

/// The longest deadline accepted: longer ones are almost surely a unit mistake.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(24 * 60 * 60);

pub(crate) fn check_timeout(timeout: Duration) -> Result<(), Error> {
    if !timeout.is_zero() && timeout <= MAX_TIMEOUT {
        return Ok(());
    }
    let long = "a call needs a deadline above zero and at most a day; give the timeout in \
                milliseconds from C"
        .to_owned();
    Err(invalid(
        "invalid_timeout",
        "timeout",
        "timeout out of range",
        long,
    ))
}

pub(crate) fn check_max_retries(retries: u32) -> Result<(), Error> {
    if retries <= MAX_RETRIES_LIMIT {
        return Ok(());
    }
    let long = format!("give at most {MAX_RETRIES_LIMIT} retries; 0 turns retries off");
    Err(invalid(
        "invalid_max_retries",
        "max_retries",
        "too many retries",
        long,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(url: &str) -> Option<String> {
        check_api_url(url).ok().map(|u| u.base)
    }

    #[test]
    fn api_urls_are_normalized() {
        let cases = [
            ("https://api.clerk.com", "https://api.clerk.com"),
            ("https://api.clerk.com/", "https://api.clerk.com"),
            ("https://api.clerk.com/v1", "https://api.clerk.com"),
            ("https://api.clerk.com/v1/", "https://api.clerk.com"),
            (
                "https://proxy.example/clerk/v1",
                "https://proxy.example/clerk",
            ),
            ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
            ("http://localhost:1", "http://localhost:1"),
            ("http://[::1]:9/", "http://[::1]:9"),
            ("http://127.8.9.10", "http://127.8.9.10"),
            (
                "https://proxy.example/a%20b/",
                "https://proxy.example/a%20b",
            ),
        ];
        for (url, want) in cases {
            assert_eq!(base(url).as_deref(), Some(want), "{url}");
        }
        assert!(check_api_url("http://127.0.0.1:1").is_ok_and(|u| u.loopback));
        assert!(check_api_url("https://api.clerk.com").is_ok_and(|u| !u.loopback));
    }

    #[test]
    fn bad_api_urls_are_refused() {
        for url in [
            "",
            "api.clerk.com",
            "ftp://api.clerk.com",
            "http://api.clerk.com",
            "http://10.0.0.1",
            "https://",
            "https://:443",
            "https://api.clerk.com:99999",
            "https://api.clerk.com:",
            "https://user:pw@api.clerk.com",
            "https://api.clerk.com/?x=1",
            "https://api.clerk.com/#x",
            "https://api.clerk.com/ x",
            "https://[::1",
            "http://[::1]junk",
            "http://127.0.0.1:+80",
            "http://127.0.0.1:0",
            "http://127.0.0.1:8080/<>",
            "http://127.0.0.1:8080/é",
            "http://127.0.0.1:8080/a\"b",
            "http://127.0.0.1:8080/{x}",
            "http://127.0.0.1:8080/a|b",
            "http://127.0.0.1:8080/a\\b",
            "http://127.0.0.1:8080/%zz",
            "https://exa mple.com",
            "https://exa<mple.com",
        ] {
            assert!(check_api_url(url).is_err(), "{url:?}");
        }
    }

    #[test]
    fn secret_keys_are_checked_and_never_quoted() {
        assert!(check_secret_key("sk_test_abc").is_ok());
        assert!(check_secret_key("sk_live_abc").is_ok());
        for key in [
            "",
            "sk_test_",
            "pk_test_abc",
            "sk_test_a b",
            "sk_prod_secretvalue123",
        ] {
            let error = check_secret_key(key).expect_err(key);
            // The two shortest keys are prefixes the advice itself names.
            if key.len() > "sk_test_".len() {
                assert!(!error.to_string().contains(key));
                assert!(!error.error_document().contains(key));
            }
        }
    }

    #[test]
    fn api_versions_are_dates() {
        assert!(check_api_version("2025-11-10").is_ok());
        for v in [
            "",
            "2025-11-1",
            "2025/11/10",
            "v1",
            "2025-11-10 ",
            "２０２５-11-10",
        ] {
            assert!(check_api_version(v).is_err(), "{v:?}");
        }
    }

    #[test]
    fn debug_output_hides_the_secret_key() {
        let builder = ClientBuilder::new().secret_key("sk_test_supersecret");
        assert!(!format!("{builder:?}").contains("supersecret"));
    }
}
