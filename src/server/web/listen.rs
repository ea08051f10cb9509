//! The accept loop: every connection with a deadline for its request headers (which is also
//! how long an idle keep-alive connection is kept), a cap on connections held at once, and a
//! graceful stop. (`axum::serve` has none of these: a client that sends half a request holds
//! its connection, and a file descriptor, for as long as it likes.)
//!
//! What a slow client meets:
//! - **headers**: all of them within [`Limits::header_timeout`], or the connection is closed
//!   (hyper's `header_read_timeout`; the clock runs from the moment the connection waits
//!   for a request, so an idle keep-alive connection is closed after the same time);
//! - **body**: the router's 30 s limit on a whole request (408) and a limit of
//!   [`BODY_STALL`] between two pieces of a body;
//! - **connections**: at most [`Limits::max_connections`] at once; past that the listener
//!   stops accepting until one closes (new ones wait in the kernel's queue), so the process
//!   never runs out of file descriptors for its database. Slow clients leave within the
//!   header deadline and ballots get their turn. One address (an IPv6 one by its /64) holds
//!   at most a quarter of them ([`per_addr_cap`]); a trusted proxy is not capped (everyone
//!   is behind it);
//! - **answers**: a client that stops reading what it is sent (a zero TCP window on a large
//!   bundle) is cut off once sent data stays unacknowledged for [`SEND_STALL`]
//!   (`TCP_USER_TIMEOUT`).

use crate::server::service::throttle::addr_key;
use crate::server::web::extract::TrustedProxy;
use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tower::ServiceExt;

/// Longest pause between two pieces of a request body.
pub const BODY_STALL: Duration = Duration::from_secs(10);
/// Longest time data sent to a client may stay unacknowledged.
pub const SEND_STALL: Duration = Duration::from_secs(30);

/// Most connections one address may hold: a quarter of all (a hall behind one NAT address
/// still fits), so that no single client can take every place.
pub fn per_addr_cap(max_connections: usize) -> usize {
    (max_connections / 4).max(1)
}

/// What one connection may take.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Connections held at once.
    pub max_connections: usize,
    /// Time for a request's headers (and for an idle connection to send its next request).
    pub header_timeout: Duration,
    /// After the stop signal, how long requests in flight may take.
    pub grace: Duration,
    /// Reverse proxies besides loopback whose `X-Forwarded-For` is believed (and which no
    /// per-address cap applies to).
    pub trusted_proxies: Arc<[ipnet::IpNet]>,
}

impl Limits {
    /// Whether `peer` is a proxy whose forwarded address is believed.
    pub fn trusts(&self, peer: IpAddr) -> bool {
        let peer = peer.to_canonical();
        peer.is_loopback() || self.trusted_proxies.iter().any(|n| n.contains(&peer))
    }
}

/// Connections held per address (the untrusted ones), given back when each closes.
#[derive(Clone, Default)]
struct PerAddr(Arc<Mutex<HashMap<IpAddr, usize>>>);

/// One connection's place in [`PerAddr`].
struct AddrPlace(PerAddr, IpAddr);

impl PerAddr {
    fn take(&self, addr: IpAddr, cap: usize) -> Option<AddrPlace> {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let held = map.entry(addr).or_insert(0);
        if *held >= cap {
            return None;
        }
        *held += 1;
        Some(AddrPlace(self.clone(), addr))
    }
}

impl Drop for AddrPlace {
    fn drop(&mut self) {
        let mut map = (self.0).0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(held) = map.get_mut(&self.1) {
            *held -= 1;
            if *held == 0 {
                map.remove(&self.1);
            }
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: 4096,
            header_timeout: Duration::from_secs(15),
            grace: Duration::from_secs(10),
            trusted_proxies: Arc::new([]),
        }
    }
}

/// Raises this process's limit on open files to the most it may have, and returns it: the
/// default soft limit (often 1024) is below what the connection cap needs.
pub fn raise_file_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit and setrlimit only read and write the struct passed.
        unsafe {
            if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
                return None;
            }
            if lim.rlim_cur < lim.rlim_max {
                let raised = libc::rlimit {
                    rlim_cur: lim.rlim_max,
                    rlim_max: lim.rlim_max,
                };
                if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                    lim = raised;
                }
            }
        }
        Some(lim.rlim_cur)
    }
    #[cfg(not(unix))]
    None
}

/// The connection cap that fits `files` open files: the asked-for cap, less room for the
/// database, its WAL, exports and logs.
pub fn fit_connections(asked: usize, files: Option<u64>) -> usize {
    const RESERVED: u64 = 64;
    match files {
        Some(n) => asked
            .min(usize::try_from(n.saturating_sub(RESERVED)).unwrap_or(usize::MAX))
            .max(1),
        None => asked,
    }
}

/// Serves `app` on `listener` until `stop` resolves, then lets requests in flight finish for
/// up to `limits.grace`.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    stop: impl std::future::Future<Output = ()>,
) {
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let per_addr = PerAddr::default();
    let cap = per_addr_cap(limits.max_connections);
    let (closing, closing_seen) = watch::channel(false);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .keep_alive(true)
        // Headers beyond 64 KiB are refused (hyper's default allows ~400 KiB per connection).
        .max_buf_size(64 * 1024);
    let app = app.layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
        BODY_STALL,
    ));
    tokio::pin!(stop);
    loop {
        let permit = tokio::select! {
            p = permits.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
            () = &mut stop => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    accept_failed(&e).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let trusted = limits.trusts(peer.ip());
        let place = if trusted {
            None
        } else {
            match per_addr.take(addr_key(peer.ip()), cap) {
                Some(place) => Some(place),
                None => {
                    tracing::debug!(addr = %addr_key(peer.ip()), "too many connections from one address");
                    continue;
                }
            }
        };
        let _ = stream.set_nodelay(true);
        let _ = socket2::SockRef::from(&stream).set_tcp_user_timeout(Some(SEND_STALL));
        let service = app.clone().map_request(move |mut req: Request<Incoming>| {
            req.extensions_mut().insert(ConnectInfo(peer));
            if trusted {
                req.extensions_mut().insert(TrustedProxy);
            }
            req.map(Body::new)
        });
        let conn = http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let mut closing = closing_seen.clone();
        tokio::spawn(async move {
            tokio::pin!(conn);
            tokio::select! {
                served = conn.as_mut() => {
                    if let Err(e) = served {
                        tracing::debug!(error = %e, "connection ended");
                    }
                }
                () = async { let _ = closing.wait_for(|c| *c).await; } => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
            drop(permit);
            drop(place);
        });
    }
    let _ = closing.send(true);
    let all = u32::try_from(limits.max_connections).unwrap_or(u32::MAX);
    if tokio::time::timeout(limits.grace, permits.acquire_many(all))
        .await
        .is_err()
    {
        tracing::warn!(
            "requests still open {} s after the stop signal; stopping without them",
            limits.grace.as_secs()
        );
    }
}

/// An accept that failed: a connection reset before it was taken is nothing; anything else
/// (out of file descriptors, above all) is logged and the loop pauses a little so that it
/// does not spin.
async fn accept_failed(e: &std::io::Error) {
    use std::io::ErrorKind::*;
    if matches!(
        e.kind(),
        ConnectionAborted | ConnectionReset | ConnectionRefused
    ) {
        return;
    }
    tracing::warn!(error = %e, "accepting a connection failed");
    tokio::time::sleep(Duration::from_millis(100)).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_address_holds_a_quarter_of_the_places_and_gets_them_back() {
        assert_eq!(per_addr_cap(4096), 1024);
        assert_eq!(per_addr_cap(2), 1);
        let held = PerAddr::default();
        let a: IpAddr = "203.0.113.7".parse().unwrap();
        let b: IpAddr = "203.0.113.8".parse().unwrap();
        let places: Vec<_> = (0..3).filter_map(|_| held.take(a, 2)).collect();
        assert_eq!(places.len(), 2, "the cap");
        assert!(held.take(b, 2).is_some(), "another address has its own");
        drop(places);
        assert!(
            held.take(a, 2).is_some(),
            "closed connections give their places back"
        );
        assert!(
            held.0.lock().unwrap().get(&b).is_none(),
            "and nothing stays behind"
        );
    }

    #[test]
    fn loopback_and_the_given_ranges_are_trusted_proxies() {
        let limits = Limits {
            trusted_proxies: vec!["172.17.0.0/16".parse().unwrap()].into(),
            ..Limits::default()
        };
        let trusts = |s: &str| limits.trusts(s.parse().unwrap());
        assert!(trusts("127.0.0.1"));
        assert!(trusts("::1"));
        assert!(trusts("::ffff:127.0.0.1"), "IPv4-mapped loopback");
        assert!(trusts("172.17.0.2"));
        assert!(trusts("::ffff:172.17.0.2"));
        assert!(!trusts("172.18.0.2"));
        assert!(!trusts("203.0.113.7"));
    }

    #[test]
    fn the_cap_leaves_room_for_the_database() {
        assert_eq!(fit_connections(4096, Some(1024)), 960);
        assert_eq!(fit_connections(4096, Some(1_048_576)), 4096);
        assert_eq!(fit_connections(4096, None), 4096);
        assert_eq!(fit_connections(4096, Some(10)), 1);
    }
}
