//! The ballot over HTTP: opening a code link, and the plain form posts that review, cast and
//! revise a ballot (they work with JavaScript off). Refusals are full pages in plain Chinese with
//! the right status, and store nothing.
//!
//! Logs: nothing here logs a code, a receipt, an idempotency key or a choice.

use crate::ballot::{
    Action, BallotError, CommentPolicy, InviteCode, ItemId, Receipt, SubmittedBallot,
    bound_receipt_hash, decode_ballot, derive_receipt, new_ballot_id,
};
use crate::message::Bilingual;
use crate::model::ballot::{BallotForm, BallotGate, Refused};
use crate::pages::ballot::{
    BallotDocument, CodeEntryView, ConfirmView, Prefill, RefusalView, ReviewView, Summary,
};
use crate::server::repo::ballot as repo_ballot;
use crate::server::repo::invite;
use crate::server::repo::round::Round;
use crate::server::service::ballot_box::{Accepted, Refusal, Submission};
use crate::server::service::ballot_gate::{check_code, refused};
use crate::server::service::cast_notice::{self, CastNotice};
use crate::server::service::sealing;
use crate::server::web::extract::{FormBody, WebForm};
use crate::server::web::problem::{Frame, Problem};
use crate::server::web::render::render;
use crate::server::web::{AppState, MAX_BODY_BYTES};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use leptos::prelude::*;
use rand::rngs::OsRng;

/// Checking a sealed ballot by its tracking code.
pub mod track;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v", get(get_entry).post(post_entry))
        .route("/v/{code}", post(post_ballot))
        .route("/v/{code}/done", get(get_done))
        .route("/v/{code}/revise", post(post_revise))
        .route("/v/{code}/report", post(post_report))
        .route("/track/{round}", axum::routing::get(track::get_track))
}

fn refusal_page(state: &AppState, gate: BallotGate, code: String) -> Response {
    let BallotGate::Refused {
        reason,
        round_name,
        opens_at,
    } = gate
    else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let status = StatusCode::from_u16(reason.status()).unwrap_or(StatusCode::FORBIDDEN);
    render(state, status, reason.title(), move || {
        view! { <RefusalView reason round_name opens_at code /> }.into_any()
    })
}

/// A ballot post refused: the deputy goes back to the form, where their choices still are.
fn problem_page(status: StatusCode, title: &'static str, message: String) -> Response {
    Problem::new(status, title, message)
        .in_frame(Frame::Ballot)
        .with_hint("请用浏览器的“返回”回到测评页面修改后再提交，您已填写的内容仍在页面上。")
        .into_response()
}

fn prefill_from(form: &BallotForm, ballot: &SubmittedBallot, receipt: Option<String>) -> Prefill {
    Prefill {
        choices: ballot
            .choices
            .iter()
            .map(|c| {
                let key = level_key(form, c.level.map(i64::from));
                (c.item.0.clone(), (key, c.comment.clone()))
            })
            .collect(),
        comment: ballot.comment.clone(),
        receipt,
    }
}

/// The checks every ballot post starts with: a code that may post, and its round. (That the
/// body is a web form of at most `MAX_BODY_BYTES` the guard has checked already.)
async fn accept_post(state: &AppState, raw_code: &str) -> Result<(Round, InviteCode), Response> {
    match check_code(&state.pool, &state.gate, raw_code, true).await {
        Ok(Ok(ok)) => Ok(ok),
        Ok(Err(gate)) => Err(refusal_page(state, gate, raw_code.to_string())),
        Err(_) => Err(server_error()),
    }
}

/// The key of a stored level index in the round's scale.
fn level_key(form: &BallotForm, level: Option<i64>) -> Option<String> {
    level
        .and_then(|l| usize::try_from(l).ok())
        .and_then(|l| form.levels.get(l))
        .map(|l| l.key.clone())
}

/// A review or edit step's answer: kept in the browser's own cache (`private, no-cache`), so
/// that Back from the confirmation shows it again instead of asking to post the form again;
/// never in a shared cache.
fn step_page(mut res: Response) -> Response {
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    res
}

/// [`step_page`], or `no-store` for a revision's steps: they carry the receipt (the key to
/// change the ballot), which is never kept.
fn step_page_of(revising: bool, res: Response) -> Response {
    if revising {
        let mut res = res;
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        res
    } else {
        step_page(res)
    }
}

/// The review step's summary of a decoded ballot, and the fields that cast it.
fn summary_of(form: &BallotForm, round: &Round, ballot: &SubmittedBallot) -> Summary {
    let lowest = round
        .scale
        .levels
        .iter()
        .enumerate()
        .min_by(|a, b| a.1.weight.total_cmp(&b.1.weight))
        .map(|(i, l)| (i, l.label.clone()));
    let mut per_level: Vec<(String, usize)> =
        form.levels.iter().map(|l| (l.label.clone(), 0)).collect();
    let mut unrated = Vec::new();
    let mut lowest_items = Vec::new();
    let mut fields = vec![("idem".to_string(), ballot.idempotency_key.clone())];
    if let Some(r) = &ballot.receipt {
        fields.push(("receipt".into(), r.clone()));
    }
    for c in &ballot.choices {
        let id = c.item.0.clone();
        match c.level.map(usize::from) {
            None => unrated.push((id.clone(), form.item_title(&id))),
            Some(l) => {
                if let Some(slot) = per_level.get_mut(l) {
                    slot.1 += 1;
                }
                if lowest.as_ref().is_some_and(|(i, _)| *i == l) {
                    lowest_items.push((id.clone(), form.item_title(&id)));
                }
                if let Some(key) = level_key(form, Some(l as i64)) {
                    fields.push((format!("r.{id}"), key));
                }
            }
        }
        if let Some(text) = &c.comment {
            fields.push((format!("c.{id}"), text.clone()));
        }
    }
    if let Some(text) = &ballot.comment {
        fields.push(("comment".into(), text.clone()));
    }
    Summary {
        rated: ballot.rated_count(),
        total: ballot.choices.len(),
        per_level,
        unrated,
        lowest: (lowest.map(|(_, l)| l).unwrap_or_default(), lowest_items),
        comments: ballot
            .choices
            .iter()
            .filter(|c| c.comment.is_some())
            .count(),
        overall: ballot.comment.is_some(),
        fields,
        revising: ballot.receipt.is_some(),
    }
}

/// `POST /v/{code}`: the ballot form, with `action=review` (the short summary to confirm),
/// `action=edit` (back to the whole form, choices kept) or `action=submit` (cast it, or revise
/// it when it carries a receipt; answered `303` to the confirmation page).
pub async fn post_ballot(
    State(state): State<AppState>,
    Path(raw_code): Path<String>,
    headers: HeaderMap,
    FormBody(body): FormBody,
) -> Response {
    let (round, code) = match accept_post(&state, &raw_code).await {
        Ok(ok) => ok,
        Err(page) => return page,
    };
    let mut form = match state.gate.forms.form_for_post(&state.pool, &round).await {
        Ok(f) => f,
        Err(_) => return server_error(),
    };
    let items: Vec<ItemId> = form
        .sections
        .iter()
        .flat_map(|s| &s.items)
        .map(|i| ItemId(i.item.clone()))
        .collect();
    let policy = CommentPolicy {
        allowed: round.comments_allowed,
        max_chars: usize::try_from(round.comment_max_chars).unwrap_or(0),
    };
    let ballot = match decode_ballot(&body, &items, &round.scale, policy, MAX_BODY_BYTES) {
        Ok(b) => b,
        Err(e) => return ballot_error(&form, &e),
    };
    // The same form keeps its idempotency key through the review step.
    form.idem = ballot.idempotency_key.clone();
    let code_text = code.as_str().to_string();
    let revise_with = match &ballot.receipt {
        None => None,
        Some(r) => match Receipt::parse(r) {
            Ok(r) => Some(bound_receipt_hash(&state.secret, &code, &r)),
            Err(e) => {
                return problem_page(StatusCode::BAD_REQUEST, "回执码有误", e.zh());
            }
        },
    };

    match ballot.action {
        Action::Review => {
            let summary = summary_of(&form, &round, &ballot);
            let revising = summary.revising;
            return step_page_of(
                revising,
                render(&state, StatusCode::OK, "核对后提交", move || {
                    view! { <ReviewView form code=code_text summary /> }.into_any()
                }),
            );
        }
        Action::Edit => {
            let prefill = prefill_from(&form, &ballot, ballot.receipt.clone());
            return step_page_of(
                ballot.receipt.is_some(),
                render(&state, StatusCode::OK, "满意度测评", move || {
                    view! { <BallotDocument form code=code_text prefill error=None /> }.into_any()
                }),
            );
        }
        Action::Submit => {}
    }

    let derived = derive_receipt(&state.secret, round.id, &ballot.idempotency_key);
    let rated = ballot.rated_count();
    let total = ballot.choices.len();
    let sealer = match state.sealers.of(&state.pool, &round).await {
        Ok(Some(s)) => s,
        Ok(None) => {
            return problem_page(
                StatusCode::CONFLICT,
                "暂时无法提交",
                "本轮测评没有监票人密钥，不能接受选票。请联系领导小组办公室。".into(),
            );
        }
        Err(e) => {
            tracing::error!(error = %e, "a round's sealer could not be built");
            return server_error();
        }
    };
    let Some(sealed) = sealing::seal(sealer, ballot).await else {
        tracing::error!("a decoded ballot does not rate the round's items");
        return server_error();
    };
    let tracking = sealed.tracking.clone();
    let derived_hash = bound_receipt_hash(&state.secret, &code, &derived);
    let submission = Submission {
        round_id: round.id,
        code_hash: code.hash(),
        sealed,
        derived_receipt_hash: derived_hash.clone(),
        revise_with,
        new_ballot_id: new_ballot_id(&mut OsRng),
    };
    let outcome = state.ballot_box.submit(submission).await;
    match outcome {
        Ok(accepted) => {
            let revised = accepted == Accepted::Revised;
            let receipt = (!revised).then(|| derived.display());
            // A repeated post was not stored: the first post's sealed ballot is the one counted.
            let tracking = if accepted == Accepted::Repeated {
                repo_ballot::cells_by_receipt(&state.pool, round.id, &derived_hash)
                    .await
                    .ok()
                    .flatten()
                    .map(|c| crate::seal::record::tracking_code(&c))
            } else {
                Some(tracking)
            };
            // Post-redirect-get: the confirmation is a page of its own, so that Back and
            // Reload cast nothing; what it shows travels sealed in a cookie for it alone.
            let notice = CastNotice {
                code: code.hash(),
                receipt,
                tracking,
                revised,
                rated,
                total,
            };
            let secure = crate::server::service::session::secure(&headers);
            let cookie = cast_notice::cookie(
                &state.totp_key,
                round.id,
                &code,
                &notice,
                crate::server::service::signin::unix_now(),
                secure,
            );
            let mut res = (
                StatusCode::SEE_OTHER,
                [(header::LOCATION, cast_notice::done_path(&code))],
            )
                .into_response();
            res.headers_mut().insert(header::SET_COOKIE, cookie);
            res.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            res
        }
        Err(refusal) => refusal_answer(&state, refusal, &round, code_text),
    }
}

/// `GET /v/{code}/done`: the confirmation of the ballot this browser just cast or revised
/// with the code (receipt, tracking code), from the notice its post left — also once the round
/// has closed, so that a ballot cast in its last second still gets its receipt. A used code
/// without a notice (cookies blocked, or the quarter hour past) gets a page that says the
/// ballot was received and why its receipt cannot show; any other code goes to its own page.
pub async fn get_done(
    State(state): State<AppState>,
    Path(raw_code): Path<String>,
    headers: HeaderMap,
) -> Response {
    let used = match InviteCode::parse(&raw_code) {
        Ok(code) => match invite::lookup(&state.pool, &code).await {
            Ok((Some(round_id), invite::CodeState::Used { .. })) => {
                match crate::server::repo::round::get(&state.pool, round_id).await {
                    Ok(round) => Some((round, code)),
                    Err(e) => {
                        tracing::error!(error = %e, "reading a round failed");
                        return server_error();
                    }
                }
            }
            Ok(_) => None,
            Err(e) => {
                tracing::error!(error = %e, "looking up a code failed");
                return server_error();
            }
        },
        Err(_) => None,
    };
    let Some((round, code)) = used else {
        // Not a used code: its own page says what it is (and counts a failed look-up).
        let (_, code) = match accept_post(&state, &raw_code).await {
            Ok(ok) => ok,
            Err(page) => return page,
        };
        return (
            StatusCode::SEE_OTHER,
            [(header::LOCATION, format!("/v/{}", code.display()))],
        )
            .into_response();
    };
    let now = crate::server::service::signin::unix_now();
    let Some(n) = cast_notice::read(&state.totp_key, round.id, &code, &headers, now) else {
        let round_name = round.name.clone();
        let code_text = code.as_str().to_string();
        return render(&state, StatusCode::OK, "测评已收到", move || {
            view! { <crate::pages::ballot::ReceivedView round_name code=code_text /> }.into_any()
        });
    };
    let round_name = round.name.clone();
    let code_text = code.as_str().to_string();
    render(
        &state,
        StatusCode::OK,
        if n.revised {
            "修改已保存"
        } else {
            "测评已提交"
        },
        move || {
            view! {
                <ConfirmView
                    round_id=round.id
                    round_name
                    code=code_text
                    receipt=n.receipt
                    revised=n.revised
                    rated=n.rated
                    total=n.total
                    tracking=n.tracking
                />
            }
            .into_any()
        },
    )
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct EntryFields {
    code: String,
}

/// `GET /v`: a place to type the code from the invitation, for a deputy who cannot scan it.
pub async fn get_entry(State(state): State<AppState>) -> Response {
    render(&state, StatusCode::OK, "输入邀请码", move || {
        view! { <CodeEntryView typed=String::new() error=None /> }.into_any()
    })
}

/// `POST /v` with `code`: a well-formed code goes to its ballot (`303 /v/CODE`, where every
/// other check is made); anything else is shown back with what a code looks like.
pub async fn post_entry(
    State(state): State<AppState>,
    WebForm(f): WebForm<EntryFields>,
) -> Response {
    match InviteCode::parse(&f.code) {
        Ok(code) => (
            StatusCode::SEE_OTHER,
            [(header::LOCATION, format!("/v/{}", code.display()))],
        )
            .into_response(),
        Err(_) => {
            let typed: String = f.code.chars().take(40).collect();
            render(
                &state,
                StatusCode::BAD_REQUEST,
                "输入邀请码",
                move || {
                    view! {
                    <CodeEntryView
                        typed
                        error=Some("邀请码应为20位字母和数字（分成4组，每组5位），请核对邀请函后重新输入。".into())
                    />
                }
                .into_any()
                },
            )
        }
    }
}

fn refusal_answer(state: &AppState, refusal: Refusal, round: &Round, code: String) -> Response {
    let reason = match refusal {
        Refusal::NotOpen => Refused::NotOpen,
        Refusal::Closed => Refused::Closed,
        Refusal::UnknownCode => Refused::UnknownCode,
        Refusal::Revoked => Refused::Revoked,
        Refusal::AlreadyUsed => Refused::AlreadyUsed,
        Refusal::ReceiptLocked => Refused::ReceiptLocked,
        Refusal::WrongReceipt => {
            return wrong_receipt(&code, "回执码与本邀请码提交的测评不符，未作修改。");
        }
        Refusal::Internal => return server_error(),
    };
    refusal_page(state, refused(reason, Some(round)), code)
}

/// A wrong receipt: said plainly, with the way back to the code's page to type it again.
fn wrong_receipt(code: &str, message: &str) -> Response {
    Problem::new(StatusCode::FORBIDDEN, "回执码不正确", message.to_string())
        .in_frame(Frame::Ballot)
        .with_hint("请核对提交测评时得到的回执码（20位，分4组）后重新输入。")
        .with_link(format!("/v/{code}"), "重新输入回执码")
        .into_response()
}

fn server_error() -> Response {
    problem_page(
        StatusCode::SERVICE_UNAVAILABLE,
        "暂时无法提交",
        "服务器暂时无法保存，您的测评没有提交。请稍后再点一次提交。".into(),
    )
}

fn ballot_error(form: &BallotForm, e: &BallotError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST);
    let message = e.zh_with(|item| form.item_name(item.as_str()));
    problem_page(status, "未能提交", message)
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ReviseFields {
    receipt: Option<String>,
}

/// `POST /v/{code}/revise` with `receipt`: opens a cast ballot for revision, on a blank form
/// (the ballot is sealed; its choices cannot be shown again). A wrong receipt is counted against the code (`MAX_FAILED_RECEIPTS`).
pub async fn post_revise(
    State(state): State<AppState>,
    Path(raw_code): Path<String>,
    WebForm(f): WebForm<ReviseFields>,
) -> Response {
    let (round, code) = match accept_post(&state, &raw_code).await {
        Ok(ok) => ok,
        Err(page) => return page,
    };
    let Some(receipt) = f.receipt.as_deref().and_then(|r| Receipt::parse(r).ok()) else {
        return problem_page(
            StatusCode::BAD_REQUEST,
            "回执码有误",
            "请输入提交测评时得到的20位回执码。".into(),
        );
    };
    let bound = bound_receipt_hash(&state.secret, &code, &receipt);
    match repo_ballot::by_receipt(&state.pool, round.id, &bound).await {
        Ok(Some(_)) => {}
        Ok(None) => {
            if let Err(e) = invite::count_failed_receipt(&state.pool, &code.hash(), round.id).await
            {
                tracing::error!(error = %e, "counting a wrong receipt failed");
            }
            return wrong_receipt(
                code.as_str(),
                "回执码与本邀请码提交的测评不符。请核对后重试；多次输错将暂停修改。",
            );
        }
        Err(e) => {
            tracing::error!(error = %e, "reading a ballot for revision failed");
            return server_error();
        }
    }
    let form = match state.gate.forms.form_for_post(&state.pool, &round).await {
        Ok(f) => f,
        Err(_) => return server_error(),
    };
    // The ballot is sealed: nobody can show its choices again, this page included. The form
    // starts blank, and what is sent replaces the whole ballot.
    let prefill = Prefill {
        receipt: Some(receipt.display()),
        ..Prefill::default()
    };
    let code_text = code.as_str().to_string();
    render(&state, StatusCode::OK, "修改测评", move || {
        view! { <BallotDocument form code=code_text prefill error=None /> }.into_any()
    })
}

/// `POST /v/{code}/report`: the deputy says this code shows "已提交" though they never voted.
/// The report is kept (once per code, the day only) and counted on the office's desk, the
/// results and the report; the page tells them whom to tell in person as well.
pub async fn post_report(State(state): State<AppState>, Path(raw_code): Path<String>) -> Response {
    let (round, code) = match accept_post(&state, &raw_code).await {
        Ok(ok) => ok,
        Err(page) => return page,
    };
    let reported = match invite::report_used(&state.pool, round.id, &code).await {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %e, "storing a deputy's report failed");
            return server_error();
        }
    };
    if !reported {
        return problem_page(
            StatusCode::CONFLICT,
            "这个邀请码还没有提交过测评",
            "这个邀请码尚未使用，可以直接打开链接参加测评。".into(),
        );
    }
    let tellers = crate::server::repo::tellers::get(&state.pool, round.id)
        .await
        .ok()
        .flatten()
        .map(|t| t.names.join("、"))
        .filter(|n| !n.is_empty());
    let round_name = round.name.clone();
    render(&state, StatusCode::OK, "已记录您的报告", move || {
        view! { <crate::pages::ballot::ReportedView round_name tellers /> }.into_any()
    })
}
