//! `GET /desk/rounds/{id}/export.xlsx`, `…/export.csv` (results) and `…/comments.csv`: written
//! to a temporary file with flat memory, then streamed to the browser; recorded.
//! `…/ballots.csv` answers 410: ballots are sealed and no export holds one.

use super::download;
use crate::message::Bilingual;
use crate::server::repo::audit;
use crate::server::service::export::{self, ExportFail, Format};
use crate::server::web::AppState;
use crate::server::web::extract::{Office, Staff};
use crate::server::web::guard::NotCrossSite;
use crate::server::web::problem::Problem;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::Response;

/// What each export is called and sent as.
fn format_of(name: &str) -> Option<(Format, &'static str)> {
    Some(match name {
        "export.xlsx" => (
            Format::Xlsx,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        "export.csv" => (Format::ResultsCsv, "text/csv; charset=utf-8"),
        "comments.csv" => (Format::CommentsCsv, "text/csv; charset=utf-8"),
        _ => return None,
    })
}

impl From<ExportFail> for Problem {
    fn from(e: ExportFail) -> Problem {
        match e {
            ExportFail::NoRound(_) => Problem::no_round(),
            // The service's rule (exports wait until the round closes), in the page's words.
            ExportFail::NotClosed(_) => Problem::conflict("计票后才能导出", e.zh()),
            e => Problem::unavailable(e),
        }
    }
}

pub async fn get_export(
    _: NotCrossSite,
    State(state): State<AppState>,
    // Who asks is checked first, so that nobody learns even which exports exist.
    staff: Staff<Office>,
    Path((id, name)): Path<(i64, String)>,
) -> Result<Response, Problem> {
    if name == "ballots.csv" {
        return Err(Problem::new(
            axum::http::StatusCode::GONE,
            "不再导出单张选票",
            "选票已密封保存，计票只公开各项合计，任何导出都不含单张选票。可以导出的文件有：export.xlsx、export.csv、comments.csv。",
        ));
    }
    let (format, content_type) = format_of(&name).ok_or_else(|| {
        Problem::not_found(
            "找不到该文件",
            "可以导出的文件有：export.xlsx、export.csv、comments.csv。",
        )
    })?;
    let tmp = tempfile::Builder::new()
        .prefix("ceping-export-")
        .tempfile()
        .map_err(Problem::unavailable)?;
    let noop: export::Progress = std::sync::Arc::new(|_, _| {});
    let written = export::export(&state.pool, id, format, tmp.path(), noop).await?;
    audit::log(
        &state.pool,
        &staff.who.login,
        "export",
        &format!("round {id}"),
        serde_json::json!({ "format": name, "ballots": written.ballots, "bytes": written.bytes }),
    )
    .await?;
    // Open the file, then let the temporary path go: the open handle keeps the data until the
    // download is sent, and nothing is left on disk.
    let file = tokio::fs::File::open(tmp.path())
        .await
        .map_err(Problem::unavailable)?;
    drop(tmp);
    let body = axum::body::Body::from_stream(tokio_util::io::ReaderStream::new(file));
    let round_name = crate::server::repo::round::get(&state.pool, id)
        .await
        .map(|r| r.name)
        .unwrap_or_else(|_| format!("第{id}轮"));
    let zh = match name.as_str() {
        "export.xlsx" => "测评结果.xlsx",
        "export.csv" => "测评结果.csv",
        _ => "意见.csv",
    };
    let mut res = download(
        body,
        content_type,
        &format!("round-{id}-{name}"),
        &format!("{}-{zh}", round_name),
    );
    if let Ok(v) = HeaderValue::from_str(&written.bytes.to_string()) {
        res.headers_mut().insert(header::CONTENT_LENGTH, v);
    }
    Ok(res)
}
