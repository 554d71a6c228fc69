//! A ureq resolver that starts no thread for an IP address, to measure what ureq's
//! default resolver costs on every call (libclerk itself has used a resolver of its own,
//! src/resolver.rs, since this cost was found).
//!
//! ureq resolves the host before it looks in its connection pool, so it resolves on every
//! call, kept-alive connection or not; and when the request has a deadline (libclerk sets
//! `timeout_global` on each request) its default resolver does the lookup on a new
//! thread, to be able to give up on it. For a URL holding an IP address, as on loopback,
//! that thread only parses the address.

use std::net::{IpAddr, SocketAddr};

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};
use ureq::Agent;

/// Parses IP-address hosts in place; hands host names to ureq's default resolver.
#[derive(Debug, Default)]
pub struct AddressResolver {
    names: DefaultResolver,
}

impl Resolver for AddressResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let literal = uri.authority().and_then(|authority| {
            let host = authority
                .host()
                .trim_start_matches('[')
                .trim_end_matches(']');
            let ip: IpAddr = host.parse().ok()?;
            Some(SocketAddr::new(ip, authority.port_u16()?))
        });
        match literal {
            Some(addr) => {
                let mut addrs = self.empty();
                addrs.push(addr);
                Ok(addrs)
            }
            None => self.names.resolve(uri, config, timeout),
        }
    }
}

/// An agent configured like `config` whose resolver is [`AddressResolver`].
pub fn agent_with_address_resolver(config: Config) -> Agent {
    Agent::with_parts(
        config,
        DefaultConnector::default(),
        AddressResolver::default(),
    )
}
