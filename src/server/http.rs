//! The HTTP router: Leptos pages and server functions, static files, and middleware.

use crate::app::{App, shell};
use crate::server::ballot_box::BallotBox;
use crate::server::ballot_http::{self, FailureLimiter, FormCache};
use crate::server::{auth_http, office_http, results_http, score_http};
use axum::Router;
use axum::extract::FromRef;
use axum::routing::{get, post};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use sqlx::SqlitePool;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::ServeDir;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// What every handler can reach.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: SqlitePool,
    /// The single writer of ballots.
    pub ballot_box: BallotBox,
    /// Caps failed code look-ups from everywhere (not per IP: a hall shares one).
    pub limiter: Arc<FailureLimiter>,
    /// Each round's ballot form, built once.
    pub forms: Arc<FormCache>,
    /// Key that derives receipts (made at first start, kept in the database).
    pub secret: Arc<Vec<u8>>,
}

impl AppState {
    /// Everything the server needs, over an opened and migrated pool.
    pub async fn new(pool: SqlitePool, leptos_options: LeptosOptions) -> anyhow::Result<AppState> {
        let secret = crate::server::db::server_secret(&pool).await?;
        Ok(AppState {
            leptos_options,
            ballot_box: BallotBox::start(pool.clone()),
            pool,
            limiter: Arc::new(FailureLimiter::new(FAILED_LOOKUPS_PER_MINUTE)),
            forms: Arc::new(FormCache::default()),
            secret: Arc::new(secret),
        })
    }
}

/// Failed code look-ups answered per minute, all visitors together.
pub const FAILED_LOOKUPS_PER_MINUTE: u32 = 600;

/// Leptos options built in code, so the binary does not depend on cargo-leptos at run time.
pub fn leptos_options(site_root: PathBuf, addr: std::net::SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("ceping")
        .site_root(site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build()
}

/// Largest request body accepted (a pasted plan is ~10 KB; a ballot ~2 KB).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let context = state.clone();
    let options = state.leptos_options.clone();
    let site_root = PathBuf::from(options.site_root.as_ref());

    // Built assets: precompressed by scripts/build.sh (.br/.gz beside each file).
    let pkg = ServeDir::new(site_root.join("pkg"))
        .precompressed_br()
        .precompressed_gzip();

    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .nest_service("/pkg", pkg)
        .route("/v/{code}", post(ballot_http::post_ballot))
        .route("/v/{code}/revise", post(ballot_http::post_revise))
        .route("/login", post(auth_http::post_login))
        .route("/logout", post(auth_http::post_logout))
        .route("/score/{round}", get(score_http::get_overview))
        .route("/score/{round}/submit", post(score_http::post_submit))
        .route(
            "/score/{round}/{item}",
            get(score_http::get_sheet).post(score_http::post_sheet),
        )
        .route(
            "/desk/rounds/{round}/indicators",
            get(score_http::get_indicators).post(score_http::post_indicators),
        )
        .route("/desk/rounds/new", get(office_http::get_new_round))
        .route("/desk/rounds", post(office_http::post_new_round))
        .route("/desk/rounds/{round}", get(office_http::get_round))
        .route("/desk/rounds/{round}/state", post(office_http::post_state))
        .route(
            "/desk/rounds/{round}/settings",
            post(office_http::post_settings),
        )
        .route(
            "/desk/rounds/{round}/non-voters.csv",
            get(office_http::get_non_voters),
        )
        .route(
            "/desk/rounds/{round}/invitations",
            get(office_http::get_invitations).post(office_http::post_invitations),
        )
        .route(
            "/desk/rounds/{round}/invitations/{inv}/revoke",
            post(office_http::post_revoke),
        )
        .route("/desk/audit", get(office_http::get_audit))
        .route("/desk/plans/new", get(office_http::get_plan_import))
        .route("/desk/plans/preview", post(office_http::post_plan_preview))
        .route("/desk/plans", post(office_http::post_plan_import))
        .route("/desk/rounds/{round}/report", get(office_http::get_report))
        .route(
            "/desk/rounds/{round}/{export}",
            get(office_http::get_export),
        )
        .route("/results/{round}", get(results_http::get_results))
        .route(
            "/results/{round}/tasks/{id}",
            get(results_http::get_task_result),
        )
        .route(
            "/results/{round}/units/{id}",
            get(results_http::get_unit_result),
        )
        .route(
            "/results/{round}/charts/{name}",
            get(results_http::get_chart),
        )
        .route("/screen/{round}", get(results_http::get_screen))
        .leptos_routes_with_context(
            &state,
            routes,
            move || {
                provide_context(context.pool.clone());
                provide_context(context.clone());
            },
            move || shell(options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        // Outside the body limit: refuses posts by their headers first, and puts the security
        // headers on every answer, the limit's own 413 included.
        .layer(axum::middleware::from_fn(crate::server::guard::guard))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
