//! Settings of the whole server, stored: the public address.

use crate::model::base_url::BaseUrl;
use sqlx::SqlitePool;

/// The stored public address, if the office set one (an unreadable stored value counts as
/// none, and is logged).
pub async fn base_url(pool: &SqlitePool) -> Result<Option<BaseUrl>, sqlx::Error> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT value FROM setting WHERE name = 'base_url'")
            .fetch_optional(pool)
            .await?;
    Ok(row.and_then(|(v,)| match BaseUrl::parse(&v) {
        Ok(b) => Some(b),
        Err(e) => {
            tracing::warn!(value = %v, error = %e, "the stored public address is unreadable");
            None
        }
    }))
}

/// Stores the public address.
pub async fn set_base_url(pool: &SqlitePool, url: &BaseUrl) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO setting (name, value) VALUES ('base_url', ?)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value",
    )
    .bind(url.as_str())
    .execute(pool)
    .await?;
    Ok(())
}
