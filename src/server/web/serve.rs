//! Starting and stopping the server: the pool, the listener, graceful shutdown with a deadline.

use crate::server::db;
use crate::server::web::{AppState, leptos_options, router};
use anyhow::Context;

/// `ceping serve`: opens the database (loading the seed plan into an empty one), listens on
/// `addr`, serves the built assets under `site_root`, and stops cleanly on Ctrl-C or SIGTERM.
pub async fn serve(
    db_path: &std::path::Path,
    addr: std::net::SocketAddr,
    site_root: std::path::PathBuf,
) -> anyhow::Result<()> {
    let pool = db::open(db_path).await?;
    if let Some(id) = db::seed_if_empty(&pool).await? {
        tracing::info!(plan = id, "empty database: imported the seed plan");
    }
    let state = AppState::new(pool.clone(), leptos_options(site_root.clone(), addr)).await?;
    if !site_root.join("pkg").exists() {
        tracing::warn!(site_root = %site_root.display(),
            "no built assets found; run scripts/build.sh (pages work, styles and scripts will not)");
    }
    crate::server::service::closer::start(pool.clone());
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {}", addr))?;
    tracing::info!(addr = %addr, db = %db_path.display(), "Ceping is listening");
    // On Ctrl-C or SIGTERM: stop accepting, let requests in flight finish, close the database.
    // A connection that never finishes (a stalled client) must not keep the server up: after
    // SHUTDOWN_GRACE it stops anyway. Nothing acknowledged is at risk: a ballot is answered only
    // after its batch has committed.
    let (stopping, stop) = tokio::sync::watch::channel(false);
    let server = axum::serve(listener, router(state))
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            let _ = stopping.send(true);
        })
        .into_future();
    let mut stop_seen = stop.clone();
    let grace_over = async move {
        let _ = stop_seen.wait_for(|s| *s).await;
        tokio::time::sleep(SHUTDOWN_GRACE).await;
    };
    tokio::select! {
        served = server => served?,
        _ = grace_over => tracing::warn!(
            "requests still open {} s after the stop signal; stopping without them",
            SHUTDOWN_GRACE.as_secs()
        ),
    }
    match tokio::time::timeout(SHUTDOWN_GRACE, pool.close()).await {
        Ok(()) => tracing::info!("stopped cleanly"),
        Err(_) => tracing::warn!("the database did not close in time; stopping anyway"),
    }
    Ok(())
}

/// How long a stopping server waits for requests in flight, then for the database to close.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

/// Resolves on Ctrl-C or SIGTERM, so in-flight requests finish and the database closes cleanly.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
