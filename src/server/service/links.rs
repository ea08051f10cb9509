//! The one public address every link Ceping writes starts with: `--base-url` or
//! `CEPING_BASE_URL` if given, else the one the office stored (`ceping base-url URL`). The web
//! falls back to the address the office's browser used (never a fixed loopback); the command
//! line refuses to write links without one.

use crate::model::base_url::BaseUrl;
use sqlx::SqlitePool;

/// The configured address (flag or environment), else the stored one.
pub async fn public_base(
    pool: &SqlitePool,
    configured: Option<&BaseUrl>,
) -> Result<Option<BaseUrl>, sqlx::Error> {
    match configured {
        Some(b) => Ok(Some(b.clone())),
        None => crate::server::repo::setting::base_url(pool).await,
    }
}

/// For a command that writes links: the address, or why there is none.
pub async fn required(pool: &SqlitePool, flag: Option<&str>) -> anyhow::Result<BaseUrl> {
    let configured = flag
        .map(|f| BaseUrl::parse(f).map_err(|e| anyhow::anyhow!("--base-url: {e}")))
        .transpose()?;
    public_base(pool, configured.as_ref()).await?.ok_or_else(|| {
        anyhow::anyhow!(
            "no public address for the links: give --base-url URL (or set CEPING_BASE_URL), \
             or store one with `ceping base-url https://rd.example.cn`; the address is what \
             deputies open on their phones (to write local links, say --base-url http://127.0.0.1:3000)"
        )
    })
}
