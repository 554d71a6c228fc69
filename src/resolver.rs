//! Name resolution without a thread per call.
//!
//! ureq resolves the API's host on every request, before it looks for a pooled
//! connection, and with a deadline set its default resolver runs each lookup on a new
//! thread so it can give up on a slow one. That doubled the cost of a call on loopback. This
//! resolver answers an IP-address host at once, and keeps a host name's addresses for
//! [`DNS_CACHE_TTL`], so a thread is started only when the cache is empty or stale.

use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// How long a host name's addresses are reused before they are looked up again.
pub const DNS_CACHE_TTL: Duration = Duration::from_secs(30);

/// A resolver for one client: IP addresses in place, host names cached.
#[derive(Debug, Default)]
pub(crate) struct CachingResolver {
    lookup: DefaultResolver,
    /// The last lookup: `host:port`, its addresses, and when they go stale. A client talks
    /// to one host (or one proxy), so one entry is enough.
    last: Mutex<Option<(String, ResolvedSocketAddrs, Instant)>>,
}

impl Resolver for CachingResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let Some((host, port)) = host_and_port(uri) else {
            // Let ureq report what is wrong with the URI.
            return self.lookup.resolve(uri, config, timeout);
        };

        if let Ok(ip) = host.parse::<IpAddr>() {
            let mut addrs = self.empty();
            addrs.push(SocketAddr::new(ip, port));
            return Ok(addrs);
        }

        let key = format!("{host}:{port}");
        if let Some(addrs) = self.cached(&key) {
            return Ok(addrs);
        }
        // The lookup runs without the lock held, so a slow one never blocks other threads;
        // two threads missing at once both look up, and the later result is kept.
        let addrs = self.lookup.resolve(uri, config, timeout)?;
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        *last = Some((key, addrs.clone(), Instant::now() + DNS_CACHE_TTL));
        Ok(addrs)
    }
}

impl CachingResolver {
    fn cached(&self, key: &str) -> Option<ResolvedSocketAddrs> {
        let last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        match last.as_ref() {
            Some((cached, addrs, until)) if cached == key && Instant::now() < *until => {
                Some(addrs.clone())
            }
            _ => None,
        }
    }
}

/// The host (without IPv6 brackets) and port of a URI, the port defaulting by scheme.
fn host_and_port(uri: &Uri) -> Option<(&str, u16)> {
    let authority = uri.authority()?;
    let port = match (authority.port_u16(), uri.scheme_str()) {
        (Some(port), _) => port,
        (None, Some("https")) => 443,
        (None, Some("http")) => 80,
        _ => return None,
    };
    let host = authority.host();
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    Some((host, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_ports_are_read_with_scheme_defaults() {
        let cases = [
            ("http://127.0.0.1:8080/v1", Some(("127.0.0.1", 8080))),
            ("https://api.clerk.com/v1", Some(("api.clerk.com", 443))),
            ("http://localhost/v1", Some(("localhost", 80))),
            ("http://[::1]:9/v1", Some(("::1", 9))),
        ];
        for (text, want) in cases {
            let uri: Uri = text.parse().expect("a valid URI");
            assert_eq!(host_and_port(&uri), want, "{text}");
        }
    }

    #[test]
    fn ip_addresses_resolve_in_place() {
        let resolver = CachingResolver::default();
        let config = Config::default();
        let uri: Uri = "http://127.0.0.1:8080/v1/users/x".parse().expect("valid");
        let addrs = resolver
            .resolve(&uri, &config, NextTimeout::default())
            .expect("an address");
        assert_eq!(addrs.len(), 1);
        assert_eq!(addrs[0], "127.0.0.1:8080".parse().expect("valid"));
        assert!(resolver.last.lock().map(|l| l.is_none()).unwrap_or(false));
    }

    #[test]
    fn host_names_are_looked_up_once_then_cached() {
        let resolver = CachingResolver::default();
        let config = Config::default();
        let uri: Uri = "http://localhost:8080/v1/users/x".parse().expect("valid");

        let first = resolver
            .resolve(&uri, &config, NextTimeout::default())
            .expect("found");
        assert!(resolver.cached("localhost:8080").is_some());
        let second = resolver
            .resolve(&uri, &config, NextTimeout::default())
            .expect("found");
        assert_eq!(first, second);
        assert!(resolver.cached("localhost:9999").is_none());
    }
}
