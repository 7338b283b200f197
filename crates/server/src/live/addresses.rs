//! What one address may cost: open connections and sockets at once, and handoffs, beacons
//! and logins over time. A flood from one address is turned away at its door (429, or a
//! connection closed at once) while every other address is served as before.
//!
//! An address is the client's IP: IPv4 whole, IPv6 by its /64 (one subscriber's block, which
//! a client can rotate through freely). Behind a reverse proxy every peer is the proxy, so
//! `baton serve --client-address-header` names the header the proxy writes the client's
//! address into; the last address in it (the one the proxy appended) is used, and the
//! per-connection cap, which would only count the proxy, is off.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};

use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::HeaderName;
use axum::http::request::Parts;

use crate::live::limits::Limits;
use crate::live::socket::Bucket;

/// Most addresses tracked at once. Past it, addresses with nothing open and every allowance
/// back to full are forgotten; if that frees nothing, a new address is refused until it
/// does (what a flood from more addresses than this costs is this map, no more).
const MAX_ADDRESSES: usize = 100_000;

/// One client address, as the limits count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Address {
    /// An IPv4 address.
    V4(u32),
    /// An IPv6 /64.
    V6(u64),
    /// A request that came with no address (tests calling the router directly).
    Unknown,
}

impl Address {
    /// The address `ip` counts as: IPv4 (and IPv4-mapped IPv6) whole, IPv6 by its /64.
    pub fn of(ip: IpAddr) -> Address {
        match ip {
            IpAddr::V4(v4) => Address::V4(u32::from(v4)),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Address::V4(u32::from(v4)),
                None => Address::V6((u128::from(v6) >> 64) as u64),
            },
        }
    }

    /// The address of a request: from the configured header when there is one, else the
    /// peer of its connection; unknown (a request that came with neither, as in tests that
    /// call the router directly) counts as one shared address.
    pub fn of_request(parts: &Parts, header: Option<&HeaderName>) -> Address {
        let from_header = header
            .and_then(|name| parts.headers.get_all(name).iter().next_back())
            .and_then(|value| value.to_str().ok())
            .and_then(last_address);
        let peer = || {
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(peer)| peer.ip())
        };
        from_header
            .or_else(peer)
            .map_or(Address::Unknown, Address::of)
    }
}

/// The last address in a comma-separated list (`X-Forwarded-For: client, proxy1`): the one
/// the nearest proxy wrote. A value that is not an address counts as none.
fn last_address(value: &str) -> Option<IpAddr> {
    let last = value.rsplit(',').next()?.trim();
    last.parse::<IpAddr>()
        .ok()
        .or_else(|| last.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

/// A handler's client address, for any state that holds the ledger (the server's state
/// says how it finds it, so this module need not know the state).
impl<S: Send + Sync> FromRequestParts<S> for Address
where
    Arc<Addresses>: FromRef<S>,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Address, Self::Rejection> {
        let addresses = Arc::<Addresses>::from_ref(state);
        Ok(Address::of_request(parts, addresses.header.as_ref()))
    }
}

/// What an address spends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spend {
    /// A handoff frame (a new ticket, or a retry).
    Handoff,
    /// An outcome beacon.
    Beacon,
    /// A login attempt.
    Login,
}

/// Something an address holds open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hold {
    /// A TCP connection.
    Connection,
    /// A visitor websocket.
    Socket,
}

/// The per-address ledger.
#[derive(Debug)]
pub struct Addresses {
    entries: Mutex<HashMap<Address, Entry>>,
    limits: Limits,
    /// The header a reverse proxy writes the client's address into, if the server is
    /// behind one.
    pub header: Option<HeaderName>,
}

#[derive(Debug)]
struct Entry {
    connections: u32,
    sockets: u32,
    handoffs: Bucket,
    beacons: Bucket,
    logins: Bucket,
}

impl Entry {
    fn new(limits: &Limits) -> Entry {
        Entry {
            connections: 0,
            sockets: 0,
            handoffs: Bucket::new(limits.address_handoffs.0, limits.address_handoffs.1),
            beacons: Bucket::new(limits.address_beacons.0, limits.address_beacons.1),
            logins: Bucket::new(limits.address_logins.0, limits.address_logins.1),
        }
    }

    /// Nothing open and every allowance full: forgetting it changes nothing.
    fn idle(&self) -> bool {
        self.connections == 0
            && self.sockets == 0
            && self.handoffs.full()
            && self.beacons.full()
            && self.logins.full()
    }
}

/// Held while a connection or socket is open; gives its place back when dropped.
#[derive(Debug)]
pub struct Held {
    addresses: Arc<Addresses>,
    address: Address,
    hold: Hold,
}

impl Drop for Held {
    fn drop(&mut self) {
        let Ok(mut entries) = self.addresses.entries.lock() else {
            return;
        };
        if let Some(entry) = entries.get_mut(&self.address) {
            let count = match self.hold {
                Hold::Connection => &mut entry.connections,
                Hold::Socket => &mut entry.sockets,
            };
            *count = count.saturating_sub(1);
        }
    }
}

impl Addresses {
    /// A ledger with `limits`; `header` names the reverse proxy's client-address header.
    pub fn new(limits: Limits, header: Option<HeaderName>) -> Addresses {
        Addresses {
            entries: Mutex::new(HashMap::new()),
            limits,
            header,
        }
    }

    /// Spends one of `address`'s `spend` allowance; `false` when it has none left now.
    pub fn spend(&self, address: Address, spend: Spend) -> bool {
        self.with(address, |entry| {
            match spend {
                Spend::Handoff => &mut entry.handoffs,
                Spend::Beacon => &mut entry.beacons,
                Spend::Login => &mut entry.logins,
            }
            .take()
        })
        .unwrap_or(false)
    }

    /// A place for one more `hold` of `address`, or `None` when it holds its most already.
    pub fn hold(self: &Arc<Self>, address: Address, hold: Hold) -> Option<Held> {
        let most = match hold {
            Hold::Connection => self.limits.address_connections,
            Hold::Socket => self.limits.address_sockets,
        };
        let taken = self.with(address, |entry| {
            let count = match hold {
                Hold::Connection => &mut entry.connections,
                Hold::Socket => &mut entry.sockets,
            };
            if *count >= most {
                return false;
            }
            *count += 1;
            true
        })?;
        taken.then(|| Held {
            addresses: Arc::clone(self),
            address,
            hold,
        })
    }

    /// Runs `f` on `address`'s entry, making one if the map has room; `None` if it has none.
    fn with<T>(&self, address: Address, f: impl FnOnce(&mut Entry) -> T) -> Option<T> {
        let mut entries = self.entries.lock().ok()?;
        if !entries.contains_key(&address) && entries.len() >= MAX_ADDRESSES {
            entries.retain(|_, e| !e.idle());
            if entries.len() >= MAX_ADDRESSES {
                return None;
            }
        }
        let entry = entries
            .entry(address)
            .or_insert_with(|| Entry::new(&self.limits));
        Some(f(entry))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        match text.parse() {
            Ok(ip) => ip,
            Err(e) => panic!("{text}: {e}"),
        }
    }

    #[test]
    fn ipv6_counts_by_its_64_and_mapped_ipv4_as_ipv4() {
        assert_eq!(
            Address::of(ip("2001:db8:1:2::1")),
            Address::of(ip("2001:db8:1:2:ffff::9"))
        );
        assert_ne!(
            Address::of(ip("2001:db8:1:2::1")),
            Address::of(ip("2001:db8:1:3::1"))
        );
        assert_eq!(
            Address::of(ip("::ffff:10.0.0.1")),
            Address::of(ip("10.0.0.1"))
        );
        assert_ne!(Address::of(ip("10.0.0.1")), Address::of(ip("10.0.0.2")));
    }

    #[test]
    fn the_proxys_header_gives_its_last_address() {
        assert_eq!(last_address("203.0.113.9, 10.0.0.1"), Some(ip("10.0.0.1")));
        assert_eq!(last_address(" 203.0.113.9 "), Some(ip("203.0.113.9")));
        assert_eq!(last_address("[2001:db8::1]:443"), Some(ip("2001:db8::1")));
        assert_eq!(last_address("unknown"), None);
    }

    #[test]
    fn an_address_over_its_allowance_is_refused_and_others_are_not() {
        let limits = Limits {
            address_handoffs: (2, 0.0),
            address_sockets: 1,
            ..Limits::default()
        };
        let book = Arc::new(Addresses::new(limits, None));
        let (a, b) = (Address::of(ip("10.0.0.1")), Address::of(ip("10.0.0.2")));
        assert!(book.spend(a, Spend::Handoff) && book.spend(a, Spend::Handoff));
        assert!(
            !book.spend(a, Spend::Handoff),
            "the third in a burst of two"
        );
        assert!(book.spend(b, Spend::Handoff), "another address has its own");
        let held = book.hold(a, Hold::Socket);
        assert!(held.is_some());
        assert!(book.hold(a, Hold::Socket).is_none(), "one socket at once");
        drop(held);
        assert!(
            book.hold(a, Hold::Socket).is_some(),
            "given back when closed"
        );
    }
}
