//! Shared set-up for the integration tests: a real SQLite database with the migrations.
#![allow(dead_code)]

use ceping::server::{db, http};
use sqlx::SqlitePool;

/// A fresh in-memory database with the migrations and the seed plan.
pub async fn seeded_pool() -> SqlitePool {
    let pool = db::open_in_memory().await.expect("in-memory database");
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
