//! The ballot over HTTP: opening a code link, and the plain form posts that review, cast and
//! revise a ballot (they work with JavaScript off). Refusals are full pages in plain Chinese with
//! the right status, and store nothing.
//!
//! Logs: nothing here logs a code, a receipt, an idempotency key or a choice.

use crate::api::ballot::{BallotForm, BallotGate, BallotItem, BallotSection, LevelView, Refused};
use crate::ballot::{
    Action, BallotError, CommentPolicy, InviteCode, ItemId, Receipt, SubmittedBallot,
    decode_ballot, derive_receipt, new_ballot_id, new_idempotency_key,
};
use crate::components::plan::{task_heading, task_label};
use crate::error::AppError;
use crate::pages::ballot::{BallotDocument, ConfirmView, Prefill, RefusalView, Review};
use crate::server::ballot_box::{Accepted, Refusal, Submission};
use crate::server::db::internal;
use crate::server::http::{AppState, MAX_BODY_BYTES};
use crate::server::render::render;
use crate::server::repo::ballot as repo_ballot;
use crate::server::repo::invite::{self, CodeState};
use crate::server::repo::round::{self, Round, RoundState};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;
use rand::rngs::OsRng;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Stops code guessing without throttling a hall behind one IP: codes carry 100 random bits,
/// and failed look-ups from everywhere together are capped per minute. A deputy with a valid code
/// is never counted, so an attack slows only other people's typos.
pub struct FailureLimiter {
    per_minute: u32,
    window: Mutex<(Instant, u32)>,
}

impl FailureLimiter {
    pub fn new(per_minute: u32) -> FailureLimiter {
        FailureLimiter {
            per_minute,
            window: Mutex::new((Instant::now(), 0)),
        }
    }

    fn with_window<T>(&self, f: impl FnOnce(&mut u32) -> T) -> T {
        let mut w = self.window.lock().unwrap_or_else(|e| e.into_inner());
        if w.0.elapsed() >= Duration::from_secs(60) {
            *w = (Instant::now(), 0);
        }
        f(&mut w.1)
    }

    /// Whether another look-up of an unknown code may be answered now.
    pub fn allow(&self) -> bool {
        self.with_window(|n| *n < self.per_minute)
    }

    pub fn fail(&self) {
        self.with_window(|n| *n = n.saturating_add(1));
    }
}

fn refused(reason: Refused, round: Option<&Round>) -> BallotGate {
    BallotGate::Refused {
        reason,
        round_name: round.map(|r| r.name.clone()),
        opens_at: round.and_then(|r| r.opens_at.clone()),
    }
}

/// The ballot form of each round, built once: a round's items and its plan do not change
/// once it exists (only its state does, and that is read on every request).
#[derive(Default)]
pub struct FormCache(Mutex<HashMap<i64, std::sync::Arc<BallotForm>>>);

impl FormCache {
    /// The round's form with a fresh idempotency key.
    pub async fn form(
        &self,
        pool: &sqlx::SqlitePool,
        round: &Round,
    ) -> Result<BallotForm, AppError> {
        let cached = self
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&round.id)
            .cloned();
        let form = match cached {
            Some(f) => f,
            None => {
                let f = std::sync::Arc::new(build_form(pool, round).await?);
                self.0
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(round.id, f.clone());
                f
            }
        };
        let mut form = (*form).clone();
        form.idem = new_idempotency_key(&mut OsRng);
        Ok(form)
    }
}

/// Opening `/v/CODE` from the Leptos page (context provides the state).
pub async fn open_gate(raw_code: &str) -> Result<BallotGate, AppError> {
    let state = use_context::<AppState>().ok_or_else(|| internal("no AppState in context"))?;
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        // A ballot page is personal: never cached by the browser or a proxy.
        res.insert_header(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    Ok(match check_code(&state, raw_code, false).await? {
        Err(gate) => gate,
        Ok((round, _)) => BallotGate::Open(state.forms.form(&state.pool, &round).await?),
    })
}

/// Checks a code for a ballot page or post: its form, its state, its round's state.
/// `allow_used`: posts of a used code go on (a retry, or a revision with its receipt).
async fn check_code(
    state: &AppState,
    raw_code: &str,
    allow_used: bool,
) -> Result<Result<(Round, InviteCode), BallotGate>, AppError> {
    // A valid code is never slowed down: the cap applies to failed look-ups only.
    let refuse_unknown = |reason: Refused| {
        if state.limiter.allow() {
            state.limiter.fail();
            Ok(Err(refused(reason, None)))
        } else {
            Ok(Err(refused(Refused::TooManyAttempts, None)))
        }
    };
    let Ok(code) = InviteCode::parse(raw_code) else {
        return refuse_unknown(Refused::Malformed);
    };
    let (round_id, code_state) = invite::lookup(&state.pool, &code).await.map_err(internal)?;
    let round = match round_id {
        Some(id) => Some(round::get(&state.pool, id).await.map_err(internal)?),
        None => None,
    };
    let Some(round) = round else {
        return refuse_unknown(Refused::UnknownCode);
    };
    let reason = match (code_state, round.state) {
        (CodeState::Unknown, _) => Some(Refused::UnknownCode),
        (CodeState::Revoked, _) => Some(Refused::Revoked),
        (_, RoundState::Draft) => Some(Refused::NotOpen),
        (_, RoundState::Closed) => Some(Refused::Closed),
        (CodeState::Used { locked: true }, _) => Some(Refused::ReceiptLocked),
        (CodeState::Used { .. }, _) if !allow_used => Some(Refused::AlreadyUsed),
        _ => None,
    };
    Ok(match reason {
        Some(r) => Err(refused(r, Some(&round))),
        None => Ok((round, code)),
    })
}

/// The ballot form of a round: its items by section, then the member units.
pub async fn build_form(pool: &sqlx::SqlitePool, round: &Round) -> Result<BallotForm, AppError> {
    use crate::server::repo::plan as plan_repo;
    let items = round::items(pool, round.id).await.map_err(internal)?;
    let header = plan_repo::tasks(pool, round.plan_id).await?;
    let units: HashMap<i64, crate::api::plan::UnitSummary> = plan_repo::units(pool, round.plan_id)
        .await?
        .units
        .into_iter()
        .map(|u| (u.unit.id, u))
        .collect();
    let mut tasks_by_id = HashMap::new();
    for s in &header.sections {
        for t in &s.tasks {
            tasks_by_id.insert(t.id, (s.number, s.title.clone(), t.clone()));
        }
    }
    let mut sections: Vec<BallotSection> = Vec::new();
    let mut unit_items = Vec::new();
    for it in items {
        if it.kind == "task" {
            let Some((number, title, t)) = tasks_by_id.get(&it.ref_id) else {
                continue;
            };
            let section_title = format!("({}){}", crate::components::plan::numeral(*number), title);
            if sections.last().map(|s| &s.title) != Some(&section_title) {
                sections.push(BallotSection {
                    title: section_title,
                    items: Vec::new(),
                });
            }
            if let Some(last) = sections.last_mut() {
                last.items.push(BallotItem {
                    item: it.item.0.clone(),
                    label: task_label(t.section_number, t.number),
                    heading: task_heading(t),
                    body: Some(t.body.clone()),
                    lead: t.lead.iter().map(|u| u.name.clone()).collect(),
                    responsible: t.responsible.iter().map(|u| u.name.clone()).collect(),
                    note: None,
                });
            }
        } else if let Some(u) = units.get(&it.ref_id) {
            unit_items.push(BallotItem {
                item: it.item.0.clone(),
                label: String::new(),
                heading: u.unit.name.clone(),
                body: None,
                lead: Vec::new(),
                responsible: Vec::new(),
                note: Some(format!(
                    "{}；牵头任务{}项，参与任务{}项",
                    crate::components::plan::kind_label(&u.unit.kind),
                    u.lead_count,
                    u.share_count
                )),
            });
        }
    }
    if !unit_items.is_empty() {
        sections.push(BallotSection {
            title: "成员单位".into(),
            items: unit_items,
        });
    }
    Ok(BallotForm {
        round_id: round.id,
        round_name: round.name.clone(),
        plan_title: header.header.title,
        closes_at: round.closes_at.clone(),
        levels: round
            .scale
            .levels
            .iter()
            .map(|l| LevelView {
                key: l.key.clone(),
                label: l.label.clone(),
            })
            .collect(),
        comments_allowed: round.comments_allowed,
        comment_max_chars: round.comment_max_chars,
        sections,
        idem: new_idempotency_key(&mut OsRng),
    })
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

fn problem_page(
    state: &AppState,
    status: StatusCode,
    title: &'static str,
    message: String,
) -> Response {
    render(state, status, title, move || {
        view! {
            <crate::pages::ballot::BallotFrame round_name=None>
                <section class="refusal">
                    <h1>{title}</h1>
                    <p>{message}</p>
                    <p>"请用浏览器的“返回”回到测评页面修改后再提交，您已填写的内容仍在页面上。"</p>
                </section>
            </crate::pages::ballot::BallotFrame>
        }
        .into_any()
    })
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        })
        .unwrap_or(false)
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

/// The checks every ballot post starts with: a form body, a code that may post, its round.
async fn accept_post(
    state: &AppState,
    raw_code: &str,
    headers: &HeaderMap,
) -> Result<(Round, InviteCode), Response> {
    if !is_form(headers) {
        return Err(problem_page(
            state,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "提交格式不正确",
            "请从测评页面提交表单。".into(),
        ));
    }
    match check_code(state, raw_code, true).await {
        Ok(Ok(ok)) => Ok(ok),
        Ok(Err(gate)) => Err(refusal_page(state, gate, raw_code.to_string())),
        Err(_) => Err(server_error(state)),
    }
}

/// The key of a stored level index in the round's scale.
fn level_key(form: &BallotForm, level: Option<i64>) -> Option<String> {
    level
        .and_then(|l| usize::try_from(l).ok())
        .and_then(|l| form.levels.get(l))
        .map(|l| l.key.clone())
}

/// `POST /v/{code}`: the ballot form, with `action=review` (show it back with what is missing)
/// or `action=submit` (cast it, or revise it when it carries a receipt).
pub async fn post_ballot(
    State(state): State<AppState>,
    Path(raw_code): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (round, code) = match accept_post(&state, &raw_code, &headers).await {
        Ok(ok) => ok,
        Err(page) => return page,
    };
    let mut form = match state.forms.form(&state.pool, &round).await {
        Ok(f) => f,
        Err(_) => return server_error(&state),
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
        Err(e) => return ballot_error(&state, &form, &e),
    };
    // The same form keeps its idempotency key through the review step.
    form.idem = ballot.idempotency_key.clone();
    let code_text = code.as_str().to_string();
    let revise_with = match &ballot.receipt {
        None => None,
        Some(r) => match Receipt::parse(r) {
            Ok(r) => Some(r.hash()),
            Err(e) => {
                return problem_page(
                    &state,
                    StatusCode::BAD_REQUEST,
                    "回执码有误",
                    e.message_zh(),
                );
            }
        },
    };

    if ballot.action == Action::Review {
        let unrated = ballot
            .unrated()
            .into_iter()
            .map(|i| (i.0.clone(), form.item_name(i.as_str())))
            .collect();
        let review = Review {
            rated: ballot.rated_count(),
            total: ballot.choices.len(),
            unrated,
        };
        let prefill = prefill_from(&form, &ballot, ballot.receipt.clone());
        return render(&state, StatusCode::OK, "检查测评", move || {
            view! {
                <BallotDocument form code=code_text prefill review=Some(review) error=None />
            }
            .into_any()
        });
    }

    let derived = derive_receipt(&state.secret, round.id, &ballot.idempotency_key);
    let rated = ballot.rated_count();
    let total = ballot.choices.len();
    let submission = Submission {
        round_id: round.id,
        code_hash: code.hash(),
        ballot,
        derived_receipt_hash: derived.hash(),
        revise_with,
        new_ballot_id: new_ballot_id(&mut OsRng),
    };
    let outcome = state.ballot_box.submit(submission).await;
    let round_name = round.name.clone();
    match outcome {
        Ok(accepted) => {
            let revised = accepted == Accepted::Revised;
            let receipt = (!revised).then(|| derived.display());
            render(
                &state,
                StatusCode::OK,
                if revised {
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
                            receipt
                            revised
                            rated
                            total
                        />
                    }
                    .into_any()
                },
            )
        }
        Err(refusal) => refusal_answer(&state, refusal, &round, code_text),
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
            return problem_page(
                state,
                StatusCode::FORBIDDEN,
                "回执码不正确",
                "回执码与本邀请码提交的测评不符，未作修改。".into(),
            );
        }
        Refusal::Internal => return server_error(state),
    };
    refusal_page(state, refused(reason, Some(round)), code)
}

fn server_error(state: &AppState) -> Response {
    problem_page(
        state,
        StatusCode::SERVICE_UNAVAILABLE,
        "暂时无法提交",
        "服务器暂时无法保存，您的测评没有提交。请稍后再点一次提交。".into(),
    )
}

fn ballot_error(state: &AppState, form: &BallotForm, e: &BallotError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST);
    let message = e.message_zh_with(|item| form.item_name(item.as_str()));
    problem_page(state, status, "未能提交", message)
}

/// `POST /v/{code}/revise` with `receipt`: opens a cast ballot for revision, filled in with the
/// choices it holds. A wrong receipt is counted against the code (`MAX_FAILED_RECEIPTS`).
pub async fn post_revise(
    State(state): State<AppState>,
    Path(raw_code): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (round, code) = match accept_post(&state, &raw_code, &headers).await {
        Ok(ok) => ok,
        Err(page) => return page,
    };
    let typed = form_urlencoded_value(&body, "receipt");
    let Some(receipt) = typed.as_deref().and_then(|r| Receipt::parse(r).ok()) else {
        return problem_page(
            &state,
            StatusCode::BAD_REQUEST,
            "回执码有误",
            "请输入提交测评时得到的20位回执码。".into(),
        );
    };
    let found = repo_ballot::by_receipt(&state.pool, round.id, &receipt.hash()).await;
    let (ballot_id, comment) = match found {
        Ok(Some(b)) => b,
        Ok(None) => {
            if let Err(e) = invite::count_failed_receipt(&state.pool, &code.hash(), round.id).await
            {
                internal(e);
            }
            return problem_page(
                &state,
                StatusCode::FORBIDDEN,
                "回执码不正确",
                "回执码与本邀请码提交的测评不符。请核对后重试；多次输错将暂停修改。".into(),
            );
        }
        Err(e) => {
            internal(e);
            return server_error(&state);
        }
    };
    let choices = match repo_ballot::choices(&state.pool, &ballot_id).await {
        Ok(c) => c,
        Err(e) => {
            internal(e);
            return server_error(&state);
        }
    };
    let form = match state.forms.form(&state.pool, &round).await {
        Ok(f) => f,
        Err(_) => return server_error(&state),
    };
    let prefill = Prefill {
        choices: choices
            .into_iter()
            .map(|(item, level, comment)| (item, (level_key(&form, level), comment)))
            .collect(),
        comment,
        receipt: Some(receipt.display()),
    };
    let code_text = code.as_str().to_string();
    render(&state, StatusCode::OK, "修改测评", move || {
        view! { <BallotDocument form code=code_text prefill review=None error=None /> }.into_any()
    })
}

/// The first value of `name` in a form body, if any.
fn form_urlencoded_value(body: &[u8], name: &str) -> Option<String> {
    form_urlencoded::parse(body)
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}
