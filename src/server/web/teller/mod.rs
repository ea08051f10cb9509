//! The tellers' (监票人) pages: `/teller/{round}/{n}` is teller n's page, where their browser
//! makes their key share (WASM, `crates/teller`) and later their part of the count. The page
//! is a frame; its script (`public/teller/teller.js`) talks to the JSON calls here:
//!
//! - `GET  /teller/{round}/{n}/board`: the round, the tellers and their public board (anyone);
//! - `POST /teller/{round}/{n}/step` (`token`, `message`): the teller's next ceremony step;
//! - `POST /teller/{round}/{n}/ballots` (`token`): every sealed ballot and comment as one byte
//!   string ([`crate::seal::bundle`]), for the browser to sum itself;
//! - `POST /teller/{round}/{n}/share` (`token`, `share`): the teller's decryption shares,
//!   checked against the sums the server recomputes; the count opens once k have posted.
//!
//! Posts carry the teller's token (from their link's `#…`, never in a URL the server sees) and
//! answer JSON: `{"error": "…"}` with the status on a refusal.

mod view;

use crate::message::Bilingual;
use crate::seal::{CountShare, Message, SealError};
use crate::server::repo::round::{self, RoundError};
use crate::server::repo::tellers::{self, TellerError, Tellers};
use crate::server::service::count::{self, CountError, Progress};
use crate::server::service::teller_link;
use crate::server::web::AppState;
use crate::server::web::extract::WebForm;
use crate::server::web::problem::Problem;
use crate::server::web::render::render;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use leptos::prelude::*;
use serde_json::json;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/teller/{round}/{n}", get(get_page))
        .route("/teller/{round}/{n}/board", get(get_board))
        .route("/teller/{round}/{n}/step", post(post_step))
        .route("/teller/{round}/{n}/ballots", post(post_ballots))
        .route("/teller/{round}/{n}/share", post(post_share))
}

/// The tellers' heavy calls (every sealed ballot read, summed or sent) one at a time: a token
/// holder looping them cannot take the cores from the rest of the server.
static HEAVY: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

/// A refusal as the page's script reads it.
struct Refusal(StatusCode, String);

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        (self.0, axum::Json(json!({ "error": self.1 }))).into_response()
    }
}

impl Refusal {
    fn unavailable(e: impl std::fmt::Display) -> Refusal {
        tracing::error!(error = %e, "a teller's request failed");
        Refusal(
            StatusCode::SERVICE_UNAVAILABLE,
            "服务器暂时无法完成这个请求，请稍后再试。".into(),
        )
    }
}

impl From<TellerError> for Refusal {
    fn from(e: TellerError) -> Refusal {
        let status = match &e {
            TellerError::NoRound(_) | TellerError::NoTellers(_) => StatusCode::NOT_FOUND,
            TellerError::Seal(SealError::Invalid { .. } | SealError::NoSuchTeller(_)) => {
                StatusCode::BAD_REQUEST
            }
            TellerError::Db(_) | TellerError::Damaged(..) => return Refusal::unavailable(e),
            _ => StatusCode::CONFLICT,
        };
        Refusal(status, e.zh())
    }
}

impl From<CountError> for Refusal {
    fn from(e: CountError) -> Refusal {
        let status = match &e {
            CountError::Round(RoundError::NotFound(_)) => StatusCode::NOT_FOUND,
            CountError::Seal(SealError::BadShare { .. }) | CountError::OtherRound(_) => {
                StatusCode::BAD_REQUEST
            }
            CountError::Db(_) | CountError::Finish(_) => return Refusal::unavailable(e),
            _ => StatusCode::CONFLICT,
        };
        Refusal(status, e.zh())
    }
}

impl From<RoundError> for Refusal {
    fn from(e: RoundError) -> Refusal {
        match e {
            RoundError::NotFound(_) => {
                Refusal(StatusCode::NOT_FOUND, "链接中的测评轮次不存在。".into())
            }
            e => Refusal::unavailable(e),
        }
    }
}

/// The round's tellers, and the 0-based index of teller `n` (numbered from 1 in the path).
async fn teller_of(state: &AppState, round_id: i64, n: usize) -> Result<(Tellers, usize), Refusal> {
    let t = tellers::get(&state.pool, round_id)
        .await?
        .ok_or(TellerError::NoTellers(round_id))?;
    if n == 0 || n > t.names.len() {
        return Err(Refusal(
            StatusCode::NOT_FOUND,
            format!("本轮测评只有第1至第{}位监票人。", t.names.len()),
        ));
    }
    Ok((t, n - 1))
}

/// [`teller_of`], for a post: refused with 403 unless it carries teller n's token.
async fn authorised(
    state: &AppState,
    round_id: i64,
    n: usize,
    token: &str,
) -> Result<(Tellers, usize), Refusal> {
    let (t, index) = teller_of(state, round_id, n).await?;
    if !teller_link::check(&state.teller_key[..], &t.board.context, index, token) {
        return Err(Refusal(
            StatusCode::FORBIDDEN,
            "监票人链接无效：请使用办公室交给您本人的完整链接打开本页（链接在“#”之后的部分不能缺）。".into(),
        ));
    }
    Ok((t, index))
}

/// `GET /teller/{round}/{n}`: the frame the script fills.
async fn get_page(
    State(state): State<AppState>,
    Path((round_id, n)): Path<(i64, usize)>,
) -> Result<Response, Problem> {
    let r = round::get(&state.pool, round_id).await?;
    let t = tellers::get(&state.pool, round_id)
        .await
        .map_err(Problem::unavailable)?;
    let Some(t) = t.filter(|t| (1..=t.names.len()).contains(&n)) else {
        return Err(Problem::not_found(
            "没有这位监票人",
            "本轮测评没有这个编号的监票人。请核对办公室交给您的链接。",
        ));
    };
    let name = t.names[n - 1].clone();
    let (total, threshold, check_minutes) = (t.names.len(), t.threshold(), t.check_minutes);
    let round_name = r.name.clone();
    Ok(render(&state, StatusCode::OK, "监票人", move || {
        view! { <view::TellerPage round_id round_name n name total threshold check_minutes /> }
            .into_any()
    }))
}

/// `GET /teller/{round}/{n}/board`: everything public about the round's tellers.
async fn get_board(
    State(state): State<AppState>,
    Path((round_id, n)): Path<(i64, usize)>,
) -> Result<Response, Refusal> {
    let r = round::get(&state.pool, round_id).await?;
    let (t, index) = teller_of(&state, round_id, n).await?;
    let posted = crate::server::repo::count::posted(&state.pool, round_id)
        .await
        .map_err(Refusal::unavailable)?;
    // While the closed round is in its checking period, when it ends (the page waits for it).
    let check_until = count::checking_now(&state.pool, &r, t.check_minutes)
        .await
        .map_err(Refusal::unavailable)?;
    let closing = round::last_closing(&state.pool, round_id)
        .await
        .map_err(Refusal::unavailable)?;
    let body = json!({
        "round": {
            "id": r.id,
            "name": r.name,
            "state": r.state.as_str(),
            "counted": r.counted,
        },
        "teller": index,
        "names": t.names,
        "threshold": t.threshold(),
        "solo": t.solo,
        "progress": t.board.progress(),
        "fingerprint": t.board.fingerprint(),
        "joint_key": t.joint_key,
        "shares_posted": posted,
        "check_minutes": t.check_minutes,
        "check_until": check_until,
        "closing": closing,
        "board": t.board,
    });
    Ok(axum::Json(body).into_response())
}

#[derive(serde::Deserialize)]
struct StepForm {
    token: String,
    message: String,
}

/// `POST /teller/{round}/{n}/step`: teller n's next step, checked by the board.
async fn post_step(
    State(state): State<AppState>,
    Path((round_id, n)): Path<(i64, usize)>,
    WebForm(form): WebForm<StepForm>,
) -> Result<Response, Refusal> {
    let (_, index) = authorised(&state, round_id, n, &form.token).await?;
    let message: Message = serde_json::from_str(&form.message)
        .map_err(|_| Refusal(StatusCode::BAD_REQUEST, "提交的密钥数据格式不正确。".into()))?;
    let board = tellers::post(&state.pool, round_id, index, message).await?;
    Ok(axum::Json(json!({
        "progress": board.progress(),
        "complete": board.complete(),
    }))
    .into_response())
}

#[derive(serde::Deserialize)]
struct TokenForm {
    token: String,
}

/// `POST /teller/{round}/{n}/ballots`: the sealed ballots and comments, for the teller's
/// browser to sum.
async fn post_ballots(
    State(state): State<AppState>,
    Path((round_id, n)): Path<(i64, usize)>,
    WebForm(form): WebForm<TokenForm>,
) -> Result<Response, Refusal> {
    authorised(&state, round_id, n, &form.token).await?;
    let _one_at_a_time = HEAVY.acquire().await.map_err(Refusal::unavailable)?;
    let (bytes, closing) = count::bundle(&state.pool, round_id).await?;
    // The closing these ballots came after: the page sends it back with its share, which is
    // refused if the round has closed again since.
    let closing = closing.map_or_else(String::new, |c| c.to_string());
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_string()),
            (header::HeaderName::from_static(CLOSING_HEADER), closing),
        ],
        bytes,
    )
        .into_response())
}

/// The response header of `/ballots` that names the closing the ballots came after.
pub const CLOSING_HEADER: &str = "x-ceping-closing";

#[derive(serde::Deserialize)]
struct ShareForm {
    token: String,
    share: String,
    /// [`CLOSING_HEADER`] of the ballots the share was made on; empty: not said.
    #[serde(default)]
    closing: String,
}

/// `POST /teller/{round}/{n}/share`: teller n's decryption shares.
async fn post_share(
    State(state): State<AppState>,
    Path((round_id, n)): Path<(i64, usize)>,
    WebForm(form): WebForm<ShareForm>,
) -> Result<Response, Refusal> {
    let (_, index) = authorised(&state, round_id, n, &form.token).await?;
    let share: CountShare = serde_json::from_str(&form.share)
        .map_err(|_| Refusal(StatusCode::BAD_REQUEST, "提交的计票份额格式不正确。".into()))?;
    if share.teller != index {
        return Err(Refusal(
            StatusCode::BAD_REQUEST,
            "这份计票份额属于另一位监票人。".into(),
        ));
    }
    let closing =
        match form.closing.trim() {
            "" => None,
            c => Some(c.parse::<i64>().map_err(|_| {
                Refusal(StatusCode::BAD_REQUEST, "提交的计票份额格式不正确。".into())
            })?),
        };
    // The service refuses a round that is not closed, or counted, or closed again since the
    // ballots were sent, or in its checking period (409).
    let by = format!("teller:{n} (browser)");
    let _one_at_a_time = HEAVY.acquire().await.map_err(Refusal::unavailable)?;
    let body = match count::post_share(&state.pool, round_id, &share, closing, &by).await? {
        Progress::Waiting { posted, needed } => json!({
            "counted": false,
            "posted": posted,
            "needed": needed,
        }),
        Progress::Counted {
            ballots, tellers, ..
        } => json!({
            "counted": true,
            "ballots": ballots,
            "tellers": tellers,
        }),
    };
    Ok(axum::Json(body).into_response())
}
