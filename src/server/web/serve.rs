//! Starting and stopping the server: the pool, the listener and its limits, graceful shutdown
//! with a deadline.

use crate::server::db;
use crate::server::web::{AppState, leptos_options, listen, router};
use anyhow::Context;

/// `ceping serve`: opens the database (loading the seed plan into an empty one), listens on
/// `addr`, serves the built assets under `site_root`, and stops cleanly on Ctrl-C or SIGTERM.
/// What `ceping serve` is told besides the database.
pub struct Site {
    pub addr: std::net::SocketAddr,
    /// The built assets.
    pub site_root: std::path::PathBuf,
    pub limits: listen::Limits,
    /// The public address from the command line or the environment.
    pub base_url: Option<crate::model::base_url::BaseUrl>,
    /// The audit key's file (made here if missing).
    pub audit_key: std::path::PathBuf,
    /// Ballots per open round sealed ahead while the server is idle (0: none).
    pub seal_ahead: usize,
}

pub async fn serve(db_path: &std::path::Path, site: Site) -> anyhow::Result<()> {
    let Site {
        addr,
        site_root,
        limits,
        base_url,
        audit_key,
        seal_ahead,
    } = site;
    use crate::server::service::audit_key;
    let pool = db::open(db_path).await?;
    if let Some(id) = db::seed_if_empty(&pool).await? {
        tracing::info!(plan = id, "empty database: imported the seed plan");
        // A newcomer sees a filled board, labelled 示例数据 on every page that shows it.
        match crate::server::service::sample_year::load(&pool, id, "ceping serve").await {
            Ok(_) => tracing::info!(
                plan = id,
                "loaded a sample year of handling (示例数据); remove it with \
                 `ceping handling sample --remove`"
            ),
            Err(e) => tracing::warn!(error = %e, "the sample year could not be loaded"),
        }
    }
    // Second factors are sealed with a key derived from the audit key: without it they cannot
    // be read, so a missing key is a wrong path (or a lost file), not a first start.
    let enrolled = crate::server::repo::two_factor::enrolled(&pool).await?;
    if enrolled > 0 && !audit_key.exists() {
        pool.close().await;
        anyhow::bail!(
            "the audit key {} is missing, but {enrolled} accounts have second factors sealed \
             with it: give --audit-key PATH (or CEPING_AUDIT_KEY) where it is. If it is lost, \
             run `ceping user reset-totp --login L` for each of them (`ceping user list` shows \
             which); the server then makes a new key",
            audit_key.display()
        );
    }
    let key = audit_key::open(&pool, &audit_key).await?;
    let state = AppState::new(pool.clone(), leptos_options(site_root.clone(), addr))
        .await?
        .with_base_url(base_url)
        .with_sealers(crate::server::service::sealing::Sealers::with_ahead(
            seal_ahead,
        ))
        .with_audit_key(audit_key::AuditSigner::new(
            key,
            audit_key::anchor_path(&audit_key),
        ));
    if !site_root.join("pkg").exists() {
        tracing::warn!(site_root = %site_root.display(),
            "no built assets found; run scripts/build.sh (pages work, styles and scripts will not)");
    }
    crate::server::service::closer::start(pool.clone());
    crate::server::service::sealing::start_ahead(pool.clone(), state.sealers.clone());
    // The first unknown login must take as long as a known one.
    state.signins.warm().await?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {}", addr))?;
    let files = listen::raise_file_limit();
    let limits = listen::Limits {
        max_connections: listen::fit_connections(limits.max_connections, files),
        grace: SHUTDOWN_GRACE,
        ..limits
    };
    tracing::info!(addr = %addr, db = %db_path.display(),
        max_connections = limits.max_connections,
        header_timeout_secs = limits.header_timeout.as_secs(), "Ceping is listening");
    // On Ctrl-C or SIGTERM: stop accepting, let requests in flight finish (for SHUTDOWN_GRACE
    // at most: a stalled client must not keep the server up), close the database. Nothing
    // acknowledged is at risk: a ballot is answered only after its batch has committed.
    listen::serve(listener, router(state), limits, shutdown_signal()).await;
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
