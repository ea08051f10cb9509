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
//!   header deadline and ballots get their turn.

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tower::ServiceExt;

/// Longest pause between two pieces of a request body.
pub const BODY_STALL: Duration = Duration::from_secs(10);

/// What one connection may take.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Connections held at once.
    pub max_connections: usize,
    /// Time for a request's headers (and for an idle connection to send its next request).
    pub header_timeout: Duration,
    /// After the stop signal, how long requests in flight may take.
    pub grace: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: 4096,
            header_timeout: Duration::from_secs(15),
            grace: Duration::from_secs(10),
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
        let _ = stream.set_nodelay(true);
        let service = app.clone().map_request(move |mut req: Request<Incoming>| {
            req.extensions_mut().insert(ConnectInfo(peer));
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
    fn the_cap_leaves_room_for_the_database() {
        assert_eq!(fit_connections(4096, Some(1024)), 960);
        assert_eq!(fit_connections(4096, Some(1_048_576)), 4096);
        assert_eq!(fit_connections(4096, None), 4096);
        assert_eq!(fit_connections(4096, Some(10)), 1);
    }
}
