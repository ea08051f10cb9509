//! HTTP: the router and everything a request meets on its way to a handler.
//!
//! Each feature folder has its own `routes()`; this module merges them with the Leptos pages
//! and server functions, static files and the middleware. Handlers take extractors
//! (`extract`: the signed-in staff member of a role, the round in the path, a typed form) and
//! answer with a page or a [`problem::Problem`], drawn by one template.

/// Sign-in and sign-out.
pub mod auth;
/// The ballot's form posts: review, cast, revise.
pub mod ballot;
/// Extractors: staff of a role, their round, typed forms.
pub mod extract;
/// The frame of the staff pages.
pub mod frame;
/// Security headers, no caching of personal pages, posts that no page here could send.
pub mod guard;
/// The year of handling: the liaison's unit desk, the office's review, the public board.
pub mod handling;
/// The accept loop: header deadlines, the connection cap, the graceful stop.
pub mod listen;
/// The nonce of each answer's inline scripts.
pub mod nonce;
/// The office: rounds, settings, invitations and slips, exports, the report, the audit trail.
pub mod office;
/// Importing a plan from the browser.
pub mod plan;
/// One problem type and its page.
pub mod problem;
/// QR codes as SVG.
pub mod qr;
/// Rendering whole pages outside the Leptos router.
pub mod render;
/// Results pages, charts and the venue's big screen.
pub mod results;
/// Evaluators' score sheets and the office's indicator system.
pub mod score;
/// Starting and stopping the server.
pub mod serve;
/// The tellers' pages: key shares made and the count's shares computed in their browsers.
pub mod teller;
/// Request logging with codes redacted.
pub mod trace;
/// Posts that may bring files: streamed to temporary files, hashed, bounded.
pub mod upload;

use crate::app::{App, shell};
use crate::model::base_url::BaseUrl;
use crate::server::service::audit_key;
use crate::server::service::ballot_box::BallotBox;
use crate::server::service::ballot_gate::Gate;
use crate::server::service::sealing::Sealers;
use crate::server::service::signin::SignIns;
use axum::Router;
use axum::extract::FromRef;
use axum::routing::get;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use sqlx::SqlitePool;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

pub use crate::server::service::ballot_gate::FAILED_LOOKUPS_PER_MINUTE;

/// What every handler can reach.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: SqlitePool,
    /// The single writer of ballots.
    pub ballot_box: BallotBox,
    /// Code checks: the cap on failed look-ups (not per IP: a hall shares one) and each
    /// round's ballot form, built once.
    pub gate: Arc<Gate>,
    /// Key that derives receipts (made at first start, kept in the database).
    pub secret: Arc<Vec<u8>>,
    /// Each open round's sealer, built once.
    pub sealers: Arc<Sealers>,
    /// Sign-ins: the bound on password checks and the throttle.
    pub signins: Arc<SignIns>,
    /// The public address from `--base-url` or `CEPING_BASE_URL` (else the stored setting is
    /// read when a link is written: `service::links`).
    pub base_url: Option<Arc<BaseUrl>>,
    /// The audit key (from its file outside the database), to show the signed head.
    pub audit_key: Option<Arc<audit_key::AuditSigner>>,
    /// The key of device cookies (`service::device`): derived from the audit key, so kept
    /// outside the database; from the database's secret only while there is no audit key (a
    /// test's state).
    #[from_ref(skip)]
    pub device_key: Arc<[u8; 32]>,
    /// The key that seals second factors' secrets and pending sign-ins (`crate::totp`):
    /// derived from the audit key too.
    #[from_ref(skip)]
    pub totp_key: Arc<[u8; 32]>,
    /// The key of the tellers' page links (`service::teller_link`): derived from the audit key
    /// too, so a copy of the database does not give the links away.
    #[from_ref(skip)]
    pub teller_key: Arc<[u8; 32]>,
    /// Public records being streamed at once ([`RECORD_STREAMS`]): each costs a core while it
    /// hashes and encodes, so a crowd of downloads waits its turn instead of taking the server
    /// from the deputies.
    #[from_ref(skip)]
    pub records: Arc<tokio::sync::Semaphore>,
}

/// Public records (`/results/{round}/record.json`) streamed at once; more get 503.
pub const RECORD_STREAMS: usize = 2;

impl AppState {
    /// Everything the server needs, over an opened and migrated pool.
    pub async fn new(pool: SqlitePool, leptos_options: LeptosOptions) -> anyhow::Result<AppState> {
        let secret = crate::server::db::server_secret(&pool).await?;
        Ok(AppState {
            leptos_options,
            ballot_box: BallotBox::start(pool.clone()),
            pool,
            gate: Arc::new(Gate::default()),
            sealers: Arc::new(Sealers::default()),
            signins: Arc::new(SignIns::default()),
            base_url: None,
            audit_key: None,
            device_key: Arc::new(audit_key::derive(&secret, audit_key::DEVICE_COOKIES)),
            totp_key: Arc::new(audit_key::derive(&secret, audit_key::TOTP_SECRETS)),
            teller_key: Arc::new(audit_key::derive(&secret, audit_key::TELLER_LINKS)),
            records: Arc::new(tokio::sync::Semaphore::new(RECORD_STREAMS)),
            secret: Arc::new(secret),
        })
    }

    /// The same, sealing with `sealers` (which may seal ahead: `service::sealing`).
    pub fn with_sealers(self, sealers: Sealers) -> AppState {
        AppState {
            sealers: Arc::new(sealers),
            ..self
        }
    }

    /// The same, with the audit key.
    pub fn with_audit_key(self, signer: audit_key::AuditSigner) -> AppState {
        let root = signer.key().as_bytes();
        AppState {
            device_key: Arc::new(audit_key::derive(root, audit_key::DEVICE_COOKIES)),
            totp_key: Arc::new(audit_key::derive(root, audit_key::TOTP_SECRETS)),
            teller_key: Arc::new(audit_key::derive(root, audit_key::TELLER_LINKS)),
            audit_key: Some(Arc::new(signer)),
            ..self
        }
    }

    /// The keys a sign-in needs.
    pub fn signin_keys(&self) -> crate::server::service::signin::Keys<'_> {
        crate::server::service::signin::Keys {
            device: &self.device_key[..],
            totp: &self.totp_key,
        }
    }

    /// The same, with the public address given on the command line or in the environment.
    pub fn with_base_url(self, base_url: Option<BaseUrl>) -> AppState {
        AppState {
            base_url: base_url.map(Arc::new),
            ..self
        }
    }
}

/// Leptos options built in code, so the binary does not depend on cargo-leptos at run time.
pub fn leptos_options(site_root: PathBuf, addr: std::net::SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("ceping")
        .site_root(site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build()
}

/// How long a request may take: [`REQUEST_DEADLINE`], or [`UPLOAD_DEADLINE`] for a post that
/// may bring files (20 MB over a congested venue Wi-Fi takes minutes; a body that stops
/// coming is still cut off by `listen`'s stall limit).
pub const REQUEST_DEADLINE: Duration = Duration::from_secs(30);
pub const UPLOAD_DEADLINE: Duration = Duration::from_secs(15 * 60);

async fn deadline(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let limit = if req.method() == axum::http::Method::POST && upload::takes_files(req.uri().path())
    {
        UPLOAD_DEADLINE
    } else {
        REQUEST_DEADLINE
    };
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(res) => res,
        Err(_) => axum::http::StatusCode::REQUEST_TIMEOUT.into_response(),
    }
}

/// Largest request body accepted (a pasted plan is ~10 KB; a ballot ~2 KB).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let context = state.clone();
    let options = state.leptos_options.clone();
    let site_root = PathBuf::from(options.site_root.as_ref());
    let [csp, referrer, framing, sniffing, features, opener] = guard::security_headers();
    let header = |(name, value)| SetResponseHeaderLayer::if_not_present(name, value);

    // Built assets: precompressed by scripts/build.sh (.br/.gz beside each file).
    let pkg = ServeDir::new(site_root.join("pkg"))
        .precompressed_br()
        .precompressed_gzip();

    // The liaison's forms that may bring files, with their own body limit (axum's default
    // limit raised to it too: the multipart reader applies it).
    let uploads = handling::upload_routes()
        .layer(RequestBodyLimitLayer::new(upload::MAX_UPLOAD_BODY_BYTES))
        .layer(axum::extract::DefaultBodyLimit::max(
            upload::MAX_UPLOAD_BODY_BYTES,
        ));
    let pages = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .nest_service("/pkg", pkg)
        .merge(ballot::routes())
        .merge(auth::routes())
        .merge(score::routes())
        .merge(office::routes())
        .merge(handling::routes())
        .merge(plan::routes())
        .merge(results::routes())
        .merge(teller::routes())
        .leptos_routes_with_context(
            &state,
            routes,
            move || {
                provide_context(context.pool.clone());
                provide_context(context.gate.clone());
                // The nonce the guard put in the answer's policy, for the islands' script.
                if let Some(nonce) = use_context::<axum::http::request::Parts>()
                    .and_then(|parts| parts.extensions.get::<nonce::CspNonce>().cloned())
                {
                    provide_context(leptos::nonce::Nonce::from_value(nonce.0));
                }
            },
            move || shell(options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES));
    uploads
        .merge(pages)
        // Outside the body limit: refuses posts by their headers first, and puts the security
        // headers on every answer, the limit's own 413 included.
        .layer(axum::middleware::from_fn(guard::guard))
        // Outside the guard: every problem (the guard's too) is drawn here, in one template.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            problem::render_problems,
        ))
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn(deadline))
        // Outside the guard, the problem pages and the timeout, so every answer, refusals and
        // 408s included, carries the security headers (each unless a handler set it), and
        // nothing the guard did not mark cacheable is cached.
        .layer(header(csp))
        .layer(header(referrer))
        .layer(header(framing))
        .layer(header(sniffing))
        .layer(header(features))
        .layer(header(opener))
        .layer(header((
            axum::http::header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("no-store"),
        )))
        .layer(trace::layer())
        .with_state(state)
}
