//! Shared set-up for the integration tests: a real SQLite database with the migrations, and the
//! application over it ([`TestApp`]).
#![allow(dead_code)]

mod app;

// Each suite uses some of these.
#[allow(unused_imports)]
pub use app::{Res, Round, TestApp};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, header};
use ceping::ballot::Scale;
use ceping::server::repo::account::{self, AccountRole};
use ceping::server::repo::round::{self, NewRound};
use ceping::server::{db, web as http};
use http_body_util::BodyExt;
use sqlx::SqlitePool;
use std::path::Path;
use tower::ServiceExt;

/// A fresh in-memory database with the migrations and the seed plan.
pub async fn seeded_pool() -> SqlitePool {
    let pool = db::open_in_memory().await.expect("in-memory database");
    db::seed_if_empty(&pool).await.expect("seed import");
    pool
}

/// A database file at `file` with the migrations and the seed plan, opened as `ceping serve`
/// opens it.
pub async fn seeded_file_pool(file: &Path) -> SqlitePool {
    let pool = db::open(file).await.expect("database file");
    db::seed_if_empty(&pool).await.expect("seed import");
    pool
}

/// The application router over `pool`, as `ceping serve` builds it.
pub async fn app(pool: SqlitePool) -> axum::Router {
    http::router(state(pool).await)
}

/// The server's state over `pool`, as `ceping serve` builds it.
pub async fn state(pool: SqlitePool) -> http::AppState {
    let options = http::leptos_options("target/site".into(), "127.0.0.1:0".parse().unwrap());
    http::AppState::new(pool, options).await.unwrap()
}

pub const PASSWORD: &str = "correct horse battery";

/// Sends `req` through the router.
pub async fn send(app: &Router, req: Request<Body>) -> Res {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let location = headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let cookie = headers
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    Res {
        status,
        location,
        cookie,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        bytes,
    }
}

/// A GET as a browser on rd.example.cn sends it, with a session cookie if given.
pub async fn get(app: &Router, path: &str, cookie: Option<&str>) -> Res {
    let mut req = Request::get(path).header(header::HOST, "rd.example.cn");
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    send(app, req.body(Body::empty()).unwrap()).await
}

/// A form post as a browser on rd.example.cn sends it, with a session cookie if given.
pub async fn post(app: &Router, path: &str, cookie: Option<&str>, body: &str) -> Res {
    let mut req = Request::post(path)
        .header(header::HOST, "rd.example.cn")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    send(app, req.body(Body::from(body.to_string())).unwrap()).await
}

/// The settings most tests use for a round of the seed plan: both tasks and units rated, the
/// three-level scale, comments of up to 100 characters, no times.
pub fn round_settings(name: &str) -> NewRound {
    NewRound {
        plan_id: 1,
        name: name.into(),
        opens_at: None,
        closes_at: None,
        rate_tasks: true,
        rate_units: true,
        scale: Scale::three_level(),
        comments_allowed: true,
        comment_max_chars: 100,
    }
}

/// Creates a draft round of the seed plan with [`round_settings`]; its id.
pub async fn new_round(pool: &SqlitePool, name: &str) -> i64 {
    round::create(pool, &round_settings(name), "test")
        .await
        .unwrap()
}

/// A complete ballot's form body: item i gets level i % 3.
pub fn complete_ballot(items: &[impl AsRef<str>], idem: &str) -> String {
    let levels = ["satisfied", "basic", "dissatisfied"];
    let mut body = format!("idem={idem}&action=submit");
    for (i, item) in items.iter().enumerate() {
        body.push_str(&format!("&r.{}={}", item.as_ref(), levels[i % 3]));
    }
    body
}

/// Percent-encodes a form value.
pub fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Creates an account and signs it in: its session cookie.
pub async fn cookie(pool: &SqlitePool, login: &str, role: AccountRole) -> String {
    account::create(pool, login, role, PASSWORD).await.unwrap();
    let (_, token) = account::sign_in(pool, login, PASSWORD).await.unwrap();
    format!("ceping_session={token}")
}

/// Every row of every table, as SQL quotes it: equal strings, equal databases.
pub async fn contents(pool: &SqlitePool) -> Vec<(String, String)> {
    let tables: Vec<(String,)> = sqlx::query_as(
        "SELECT name FROM sqlite_master WHERE type = 'table'
         AND name NOT LIKE 'sqlite_%' AND name != '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut out = Vec::new();
    for (table,) in tables {
        let columns: Vec<(String,)> =
            sqlx::query_as(&format!("SELECT name FROM pragma_table_info('{table}')"))
                .fetch_all(pool)
                .await
                .unwrap();
        let row = columns
            .iter()
            .map(|(c,)| format!("quote(\"{c}\")"))
            .collect::<Vec<_>>()
            .join(" || '|' || ");
        let (text,): (Option<String>,) = sqlx::query_as(&format!(
            "SELECT group_concat(r, char(10)) FROM (SELECT {row} AS r FROM \"{table}\" ORDER BY r)"
        ))
        .fetch_one(pool)
        .await
        .unwrap();
        out.push((table, text.unwrap_or_default()));
    }
    out
}

/// The single number that `sql` selects.
pub async fn scalar(pool: &SqlitePool, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql).fetch_one(pool).await.unwrap();
    n
}
