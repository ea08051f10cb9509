//! The office's pages over plain form posts: rounds, settings, invitations and slips, turnout
//! and the non-voters list, the audit trail. Office only; each action is recorded in the audit
//! trail by the repository function that performs it, in the same transaction.

use crate::ballot::{InviteCode, Scale};
use crate::export::{Cell, CsvOut};
use crate::pages::office::{
    AuditPage, ConfirmState, DelegationLine, InvitationsPage, NewRoundForm, NewRoundValues,
    RoundDesk, Slip, SlipSheet,
};
use crate::results::{Denominator, ResultsConfig};
use crate::server::http::AppState;
use crate::server::render::render;
use crate::server::repo::account::Account;
use crate::server::repo::invite::{self, InviteError, Invitee};
use crate::server::repo::round::{self, NewRound, Round, RoundError, RoundState};
use crate::server::repo::{audit, plan};
use crate::server::staff::{OFFICE, no_round, problem, require, round_of, see_other, unavailable};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;
use std::collections::HashMap;

/// Most codes made in one go from the page.
pub const MAX_CODES_AT_ONCE: usize = 2000;

fn form(body: &[u8]) -> HashMap<String, String> {
    form_urlencoded::parse(body).into_owned().collect()
}

async fn office(state: &AppState, headers: &HeaderMap, path: &str) -> Result<Account, Response> {
    require(state, headers, path, OFFICE).await
}

/// Beijing time (UTC+8), in which the office reads and writes times.
pub fn beijing() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// `2020-12-20T09:00` (a `datetime-local` field, Beijing time) as RFC 3339.
pub fn local_time(raw: &str) -> Result<Option<String>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let t = chrono::NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| format!("时间“{raw}”的格式不对，应为 2020-12-20T09:00。"))?;
    let t = t
        .and_local_timezone(beijing())
        .single()
        .ok_or_else(|| format!("时间“{raw}”无效。"))?;
    Ok(Some(t.to_rfc3339()))
}

/// `GET /desk/rounds/new`
pub async fn get_new_round(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let who = match office(&state, &headers, "/desk/rounds/new").await {
        Ok(w) => w,
        Err(r) => return r,
    };
    let title = match plan_title(&state).await {
        Ok(t) => t,
        Err(e) => return unavailable(&state, &who, e),
    };
    let values = NewRoundValues {
        comments: true,
        ..Default::default()
    };
    render(&state, StatusCode::OK, "新建测评轮次", move || {
        view! { <NewRoundForm who plan_title=title values error=None /> }.into_any()
    })
}

async fn plan_title(state: &AppState) -> Result<String, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as("SELECT title FROM plan ORDER BY id DESC LIMIT 1")
        .fetch_optional(&state.pool)
        .await?;
    Ok(row.map(|r| r.0).unwrap_or_default())
}

/// `POST /desk/rounds` with name, opens, closes, items (both|tasks|units), scale (three|four),
/// comments.
pub async fn post_new_round(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let who = match office(&state, &headers, "/desk/rounds/new").await {
        Ok(w) => w,
        Err(r) => return r,
    };
    let f = form(&body);
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let values = NewRoundValues {
        name: get("name"),
        opens: get("opens"),
        closes: get("closes"),
        items: get("items"),
        scale: get("scale"),
        comments: f.contains_key("comments"),
    };
    let checked = (|| {
        if values.name.trim().is_empty() {
            return Err("请填写测评轮次的名称。".to_string());
        }
        if values.name.chars().count() > 100 {
            return Err("名称最多100个字。".to_string());
        }
        let opens = local_time(&values.opens)?;
        let closes = local_time(&values.closes)?;
        if let (Some(o), Some(c)) = (&opens, &closes)
            && c <= o
        {
            return Err("结束时间应晚于开始时间。".to_string());
        }
        Ok((opens, closes))
    })();
    let created = match checked {
        Err(e) => Err((StatusCode::BAD_REQUEST, e)),
        Ok((opens_at, closes_at)) => {
            let plan_id = match plan::resolve_plan_id(&state.pool, None).await {
                Ok(p) => p,
                Err(_) => {
                    return problem(
                        &state,
                        Some(&who),
                        StatusCode::CONFLICT,
                        "还没有工作方案",
                        "请先导入工作方案。".into(),
                    );
                }
            };
            let new = NewRound {
                plan_id,
                name: values.name.trim().to_string(),
                opens_at,
                closes_at,
                rate_tasks: values.items != "units",
                rate_units: values.items != "tasks",
                scale: if values.scale == "four" {
                    Scale::four_level()
                } else {
                    Scale::three_level()
                },
                comments_allowed: values.comments,
                comment_max_chars: 300,
            };
            round::create(&state.pool, &new, &who.login)
                .await
                .map_err(|e| match e {
                    RoundError::Invalid(m) => (StatusCode::BAD_REQUEST, m),
                    other => {
                        tracing::error!(error = %other, "creating a round failed");
                        (
                            StatusCode::SERVICE_UNAVAILABLE,
                            "服务器暂时无法保存，请稍后重试。".to_string(),
                        )
                    }
                })
        }
    };
    match created {
        Ok(id) => see_other(&format!("/desk/rounds/{id}?done=created")),
        Err((status, message)) => {
            let title = plan_title(&state).await.unwrap_or_default();
            render(&state, status, "新建测评轮次", move || {
                view! { <NewRoundForm who plan_title=title values error=Some(message) /> }
                    .into_any()
            })
        }
    }
}

async fn round_desk(
    state: &AppState,
    who: Account,
    round: Round,
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
) -> Response {
    let loaded = async {
        let items = round::items(&state.pool, round.id).await?.len();
        let turnout = round::turnout(&state.pool, round.id).await?;
        let groups = invite::turnout_by_delegation(&state.pool, round.id).await?;
        Ok::<_, sqlx::Error>((items, turnout, groups))
    }
    .await;
    let (items, turnout, groups) = match loaded {
        Ok(l) => l,
        Err(e) => return unavailable(state, &who, e),
    };
    let used: i64 = groups.iter().map(|g| g.2).sum();
    let invited: i64 = groups.iter().map(|g| g.1).sum();
    let delegations = groups
        .into_iter()
        .map(|(name, invited, voted)| DelegationLine {
            name: name.unwrap_or_else(|| "（未填代表团）".into()),
            invited,
            voted,
        })
        .collect();
    let non_voters = invited - used;
    render(state, status, &round.name.clone(), move || {
        view! { <RoundDesk who round items turnout delegations non_voters notice error /> }
            .into_any()
    })
}

/// `GET /desk/rounds/{id}`
pub async fn get_round(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let who = match office(&state, &headers, &format!("/desk/rounds/{id}")).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    let round = match round_of(&state, &who, id).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    let notice = q.get("done").map(|d| {
        match d.as_str() {
            "created" => "测评轮次已建立。请设置评估指标和计算方法，再生成邀请码。",
            "open" => "测评已开始。",
            "close" => "测评已结束。",
            "reopen" => "测评已重新开放（已记录）。",
            "settings" => "设置已保存。",
            _ => "已完成。",
        }
        .to_string()
    });
    round_desk(&state, who, round, StatusCode::OK, notice, None).await
}

/// `POST /desk/rounds/{id}/state` with action = open | close | reopen; closing and reopening
/// need `confirm=1` (without it, the confirmation page).
pub async fn post_state(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let who = match office(&state, &headers, &format!("/desk/rounds/{id}")).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    let round = match round_of(&state, &who, id).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    let f = form(&body);
    let action = match f.get("action").map(String::as_str) {
        Some("open") => "open",
        Some("close") => "close",
        Some("reopen") => "reopen",
        _ => {
            return problem(
                &state,
                Some(&who),
                StatusCode::BAD_REQUEST,
                "无法操作",
                "未知的操作。".into(),
            );
        }
    };
    if action != "open" && f.get("confirm").map(String::as_str) != Some("1") {
        let action = action.to_string();
        return render(&state, StatusCode::OK, "请确认", move || {
            view! { <ConfirmState who round action /> }.into_any()
        });
    }
    let note = f.get("note").map(|n| n.trim()).filter(|n| !n.is_empty());
    match round::transition(&state.pool, id, action, &who.login, note).await {
        Ok(_) => see_other(&format!("/desk/rounds/{id}?done={action}")),
        Err(RoundError::WrongState { state: s, .. }) => {
            let message = format!(
                "测评当前{}，不能{}。",
                state_zh(s),
                match action {
                    "open" => "开始",
                    "close" => "结束",
                    _ => "重新开放",
                }
            );
            round_desk(
                &state,
                who,
                round,
                StatusCode::CONFLICT,
                None,
                Some(message),
            )
            .await
        }
        Err(e) => unavailable(&state, &who, e),
    }
}

fn state_zh(s: &str) -> &'static str {
    match s {
        "draft" => "尚未开始",
        "open" => "正在进行",
        _ => "已结束",
    }
}

/// Reads the settings form into a configuration (Chinese message on a bad field).
pub fn settings_from_form(
    f: &HashMap<String, String>,
    scale: &Scale,
) -> Result<ResultsConfig, String> {
    let number = |key: &str, what: &str| -> Result<Option<f64>, String> {
        let raw = f.get(key).map(|s| s.trim()).unwrap_or("");
        if raw.is_empty() {
            return Ok(None);
        }
        raw.parse::<f64>()
            .map(Some)
            .map_err(|_| format!("{what}“{raw}”不是数字。"))
    };
    let n = number("n", "人数")?;
    let denominator = match f.get("denominator").map(String::as_str) {
        Some("invited") | Some("present") => {
            let n = n
                .filter(|n| *n >= 1.0 && n.fract() == 0.0)
                .ok_or("选择应到或实到人数时，请填写人数（正整数）。")?;
            let n = n as u64;
            if f.get("denominator").map(String::as_str) == Some("invited") {
                Denominator::Invited(n)
            } else {
                Denominator::Present(n)
            }
        }
        _ => Denominator::ValidBallots,
    };
    let list = |key: &str, what: &str| -> Result<Option<Vec<f64>>, String> {
        let raw = f.get(key).map(|s| s.trim()).unwrap_or("");
        if raw.is_empty() {
            return Ok(None);
        }
        raw.split([',', '，', '/', ' '])
            .filter(|p| !p.is_empty())
            .map(|p| {
                p.parse::<f64>()
                    .map_err(|_| format!("{what}中的“{p}”不是数字。"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    };
    let group = match list("group", "权重")? {
        None => crate::results::DEFAULT_GROUP_WEIGHTS,
        Some(w) if w.len() == 2 => (w[0], w[1]),
        Some(_) => return Err("代表与评估的权重应填两个数，如 60,40。".into()),
    };
    let config = ResultsConfig {
        denominator,
        satisfied_levels: None,
        level_weights: list("levels", "等级分值")?,
        group_weights: group,
        rework_threshold: number("threshold", "满意率标准")?
            .map(|t| t / 100.0)
            .unwrap_or(crate::results::DEFAULT_REWORK_THRESHOLD),
        trim: f.contains_key("trim"),
    };
    config
        .resolve(scale)
        .map_err(|e| crate::results::message_zh(&e.to_string()).to_string())?;
    Ok(config)
}

/// `POST /desk/rounds/{id}/settings`
pub async fn post_settings(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let who = match office(&state, &headers, &format!("/desk/rounds/{id}")).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    let round = match round_of(&state, &who, id).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    let f = form(&body);
    let publish = Some(f.contains_key("publish"));
    let config = if round.state == RoundState::Draft {
        match settings_from_form(&f, &round.scale) {
            Ok(c) => Some(c),
            Err(message) => {
                return round_desk(
                    &state,
                    who,
                    round,
                    StatusCode::BAD_REQUEST,
                    None,
                    Some(message),
                )
                .await;
            }
        }
    } else {
        // A disabled fieldset sends nothing: only the big-screen switch can change.
        None
    };
    match round::configure(&state.pool, id, config.as_ref(), publish, &who.login).await {
        Ok(()) => see_other(&format!("/desk/rounds/{id}?done=settings")),
        Err(RoundError::WrongState { .. }) => {
            let message = "测评已开始，计算方法不能再改。".to_string();
            round_desk(
                &state,
                who,
                round,
                StatusCode::CONFLICT,
                None,
                Some(message),
            )
            .await
        }
        Err(e) => unavailable(&state, &who, e),
    }
}

/// A CSV download that is never cached.
fn csv_download(bytes: Vec<u8>, file_name: &str) -> Response {
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"{}\"",
        file_name.replace(['"', '\\'], "")
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// `GET /desk/rounds/{id}/non-voters.csv`: who has not voted yet (name, delegation), to remind
/// them. Never what anyone chose.
pub async fn get_non_voters(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Response {
    let who = match office(&state, &headers, &format!("/desk/rounds/{id}")).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    if let Err(r) = round_of(&state, &who, id).await {
        return r;
    }
    let rows = match invite::list(&state.pool, id).await {
        Ok(r) => r,
        Err(e) => return unavailable(&state, &who, e),
    };
    let mut out = match CsvOut::new(Vec::new()) {
        Ok(o) => o,
        Err(e) => return unavailable(&state, &who, e),
    };
    let mut written = Ok(());
    written = written.and(out.row(&[Cell::from("编号"), "姓名".into(), "代表团".into()]));
    let mut count = 0usize;
    for r in rows.iter().filter(|r| !r.used && !r.revoked) {
        count += 1;
        written = written.and(out.row(&[
            Cell::from(r.id),
            r.label.clone().into(),
            r.delegation.clone().into(),
        ]));
    }
    let bytes = match written.and_then(|()| out.finish()) {
        Ok(b) => b,
        Err(e) => return unavailable(&state, &who, e),
    };
    if let Err(e) = audit::log(
        &state.pool,
        &who.login,
        "export.non-voters",
        &format!("round {id}"),
        serde_json::json!({ "rows": count }),
    )
    .await
    {
        return unavailable(&state, &who, e);
    }
    csv_download(bytes, &format!("round-{id}-non-voters.csv"))
}

/// The site's address as the browser reached it, for the links on the slips.
pub fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .unwrap_or("127.0.0.1:3000");
    let https = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"));
    format!("{}://{host}", if https { "https" } else { "http" })
}

/// The QR code of `text` as SVG markup.
pub fn qr_svg(text: &str) -> String {
    match qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color>()
            .min_dimensions(160, 160)
            .quiet_zone(true)
            .build(),
        Err(_) => String::new(),
    }
}

fn slip(base: &str, code: &InviteCode, who: &Invitee) -> Slip {
    let link = format!("{base}{}", code.link_path());
    Slip {
        label: who.label.clone(),
        delegation: who.delegation.clone(),
        code: code.display(),
        qr_svg: qr_svg(&link),
        link,
    }
}

/// The slips' codes as a CSV `data:` URL (the codes exist only in this response).
fn csv_data_url(slips: &[Slip]) -> String {
    let mut out = match CsvOut::new(Vec::new()) {
        Ok(o) => o,
        Err(_) => return String::new(),
    };
    let _ = out.row(&[
        "邀请码".into(),
        "链接".into(),
        "姓名".into(),
        "代表团".into(),
    ]);
    for s in slips {
        let _ = out.row(&[
            s.code.clone().into(),
            s.link.clone().into(),
            s.label.clone().into(),
            s.delegation.clone().into(),
        ]);
    }
    let bytes = out.finish().unwrap_or_default();
    let encoded: String = form_urlencoded::byte_serialize(&bytes).collect();
    format!(
        "data:text/csv;charset=utf-8,{}",
        encoded.replace('+', "%20")
    )
}

async fn invitations_page(
    state: &AppState,
    who: Account,
    round: Round,
    status: StatusCode,
    error: Option<String>,
    names: String,
) -> Response {
    let rows = match invite::list(&state.pool, round.id).await {
        Ok(r) => r,
        Err(e) => return unavailable(state, &who, e),
    };
    let closed = round.state == RoundState::Closed;
    render(state, status, "邀请码", move || {
        view! {
            <InvitationsPage
                who
                round_id=round.id
                round_name=round.name
                closed
                rows
                error
                names
            />
        }
        .into_any()
    })
}

/// `GET /desk/rounds/{id}/invitations`
pub async fn get_invitations(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Response {
    let who = match office(&state, &headers, &format!("/desk/rounds/{id}/invitations")).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    let round = match round_of(&state, &who, id).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    invitations_page(&state, who, round, StatusCode::OK, None, String::new()).await
}

fn invite_error(e: &InviteError) -> (StatusCode, String) {
    match e {
        InviteError::Closed(_) => (
            StatusCode::CONFLICT,
            "测评已结束，邀请码不能再变动。".into(),
        ),
        InviteError::NoRound(_) | InviteError::UnknownCode(_) => {
            (StatusCode::NOT_FOUND, "没有这个邀请码。".into())
        }
        InviteError::AlreadyRevoked => (StatusCode::CONFLICT, "这个邀请码已经作废。".into()),
        InviteError::AlreadyUsed => (
            StatusCode::CONFLICT,
            "这位代表已经投票，邀请码不能作废或补发。".into(),
        ),
        InviteError::Db(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "服务器暂时无法保存，请稍后重试。".into(),
        ),
    }
}

/// `POST /desk/rounds/{id}/invitations` with `names` (one deputy per line, `name[,delegation]`)
/// or `count`: makes the codes and answers with the printable slips (shown only this once).
pub async fn post_invitations(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let who = match office(&state, &headers, &format!("/desk/rounds/{id}/invitations")).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    let round = match round_of(&state, &who, id).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    let f = form(&body);
    let names = f.get("names").cloned().unwrap_or_default();
    let count = f
        .get("count")
        .map(|c| c.trim().to_string())
        .unwrap_or_default();
    let invitees = if !names.trim().is_empty() {
        invite::parse_invitees(&names).map_err(|e| format!("名单有误：{e}"))
    } else if !count.is_empty() {
        match count.parse::<usize>() {
            Ok(n) if n >= 1 => Ok(vec![Invitee::default(); n]),
            _ => Err(format!("数量“{count}”应为正整数。")),
        }
    } else {
        Err("请粘贴代表名单，或填写数量。".into())
    };
    let invitees = match invitees {
        Ok(v) if v.len() > MAX_CODES_AT_ONCE => Err(format!(
            "一次最多生成{MAX_CODES_AT_ONCE}个，现在是{}个。请分批生成。",
            v.len()
        )),
        Ok(v) if v.is_empty() => Err("名单中没有代表。".into()),
        other => other,
    };
    let invitees = match invitees {
        Ok(v) => v,
        Err(message) => {
            return invitations_page(
                &state,
                who,
                round,
                StatusCode::BAD_REQUEST,
                Some(message),
                names,
            )
            .await;
        }
    };
    let prepared = invite::prepare(&invitees);
    if let Err(e) = invite::issue(&state.pool, id, &prepared, &who.login).await {
        let (status, message) = invite_error(&e);
        return invitations_page(&state, who, round, status, Some(message), names).await;
    }
    let base = base_url(&headers);
    let slips: Vec<Slip> = prepared.iter().map(|(c, w)| slip(&base, c, w)).collect();
    slip_sheet(&state, who, round, slips)
}

fn slip_sheet(state: &AppState, who: Account, round: Round, slips: Vec<Slip>) -> Response {
    let csv = csv_data_url(&slips);
    render(state, StatusCode::OK, "打印邀请码", move || {
        view! {
            <SlipSheet who round_id=round.id round_name=round.name slips csv_data_url=csv />
        }
        .into_any()
    })
}

/// `POST /desk/rounds/{id}/invitations/{inv}/revoke` (with `reissue=1`: a new code for the
/// same deputy, shown as a slip).
pub async fn post_revoke(
    State(state): State<AppState>,
    Path((id, inv)): Path<(i64, i64)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let who = match office(&state, &headers, &format!("/desk/rounds/{id}/invitations")).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    let round = match round_of(&state, &who, id).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    let reissue = form(&body).get("reissue").map(String::as_str) == Some("1");
    match invite::revoke_id(&state.pool, id, inv, reissue, &who.login).await {
        Ok(Some(fresh)) => {
            let who_is = Invitee {
                label: fresh.label.clone(),
                delegation: fresh.delegation.clone(),
            };
            let s = slip(&base_url(&headers), &fresh.code, &who_is);
            slip_sheet(&state, who, round, vec![s])
        }
        Ok(None) => see_other(&format!("/desk/rounds/{id}/invitations")),
        Err(e) => {
            let (status, message) = invite_error(&e);
            invitations_page(&state, who, round, status, Some(message), String::new()).await
        }
    }
}

/// `GET /desk/rounds/{id}/export.xlsx`, `…/export.csv` (results) and `…/ballots.csv`: written
/// to a temporary file with flat memory, then streamed to the browser; recorded.
pub async fn get_export(
    State(state): State<AppState>,
    Path((id, name)): Path<(i64, String)>,
    headers: HeaderMap,
) -> Response {
    use crate::server::export_round::{self, ExportFail, Format};
    // Who asks is checked first, so that nobody learns even which exports exist.
    let who = match office(&state, &headers, &format!("/desk/rounds/{id}")).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    let (format, ctype) = match name.as_str() {
        "export.xlsx" => (
            Format::Xlsx,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        "export.csv" => (Format::ResultsCsv, "text/csv; charset=utf-8"),
        "ballots.csv" => (Format::BallotsCsv, "text/csv; charset=utf-8"),
        _ => {
            return problem(
                &state,
                Some(&who),
                StatusCode::NOT_FOUND,
                "找不到该文件",
                "可以导出的文件有：export.xlsx、export.csv、ballots.csv。".into(),
            );
        }
    };
    // Ballots and comments taken twice while votes arrive could be told apart by who voted in
    // between: exports wait until the round is closed.
    match round_of(&state, &who, id).await {
        Ok(r) if r.state == RoundState::Closed => {}
        Ok(_) => {
            return problem(
                &state,
                Some(&who),
                StatusCode::CONFLICT,
                "测评结束后才能导出",
                "为保护投票秘密，结果、选票和意见在测评结束后才能导出。".into(),
            );
        }
        Err(r) => return r,
    }
    let tmp = match tempfile::Builder::new().prefix("ceping-export-").tempfile() {
        Ok(t) => t,
        Err(e) => return unavailable(&state, &who, e),
    };
    let noop: export_round::Progress = std::sync::Arc::new(|_, _| {});
    let written = match export_round::export(&state.pool, id, format, tmp.path(), noop).await {
        Ok(w) => w,
        Err(ExportFail::NoRound(_)) => {
            return no_round(&state, Some(&who));
        }
        Err(e) => return unavailable(&state, &who, e),
    };
    if let Err(e) = audit::log(
        &state.pool,
        &who.login,
        "export",
        &format!("round {id}"),
        serde_json::json!({ "format": name, "ballots": written.ballots, "bytes": written.bytes }),
    )
    .await
    {
        return unavailable(&state, &who, e);
    }
    // Open the file, then let the temporary path go: the open handle keeps the data until the
    // download is sent, and nothing is left on disk.
    let file = match tokio::fs::File::open(tmp.path()).await {
        Ok(f) => f,
        Err(e) => return unavailable(&state, &who, e),
    };
    drop(tmp);
    let body = axum::body::Body::from_stream(tokio_util::io::ReaderStream::new(file));
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) = HeaderValue::from_str(&written.bytes.to_string()) {
        h.insert(header::CONTENT_LENGTH, v);
    }
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"round-{id}-{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// `GET /desk/rounds/{id}/report`: the year-end report, ready to print.
pub async fn get_report(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Response {
    use crate::pages::report::{MAX_COMMENTS, ReportPage};
    use crate::server::repo::results::{self as repo_results, ReportError};
    let who = match office(&state, &headers, &format!("/desk/rounds/{id}/report")).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    let report = match repo_results::load(&state.pool, id).await {
        Ok(r) => r,
        Err(ReportError::NoRound(_)) => {
            return no_round(&state, Some(&who));
        }
        Err(e) => return unavailable(&state, &who, e),
    };
    if !report.published() {
        return problem(
            &state,
            Some(&who),
            StatusCode::CONFLICT,
            "测评结束后才能生成报告",
            "为保护投票秘密，报告在测评结束后生成。".into(),
        );
    }
    // Item comments in the order of the ballots' random ids (the order tells nothing).
    let rows: Result<Vec<(String, String)>, _> = sqlx::query_as(
        "SELECT c.item, c.comment FROM ballot_choice c JOIN ballot b ON b.id = c.ballot_id
         WHERE b.round_id = ? AND c.comment IS NOT NULL AND c.comment != ''
         ORDER BY c.ballot_id, c.item LIMIT ?",
    )
    .bind(id)
    .bind(MAX_COMMENTS as i64)
    .fetch_all(&state.pool)
    .await;
    let comments = match rows {
        Ok(rows) => rows
            .into_iter()
            .map(|(item, text)| {
                let label = report.meta(&item).map(|m| m.label.clone()).unwrap_or(item);
                (label, text)
            })
            .collect(),
        Err(e) => return unavailable(&state, &who, e),
    };
    let today = chrono::Utc::now()
        .with_timezone(&crate::server::office_http::beijing())
        .format("%Y年%-m月%-d日")
        .to_string();
    let title = format!("{} 测评报告", report.round.name);
    render(&state, StatusCode::OK, &title, move || {
        view! { <ReportPage report comments today /> }.into_any()
    })
}

fn plan_page(
    state: &AppState,
    who: Account,
    status: StatusCode,
    text: String,
    preview: Option<crate::plan::model::ParsedPlan>,
    error: Option<String>,
) -> Response {
    use crate::pages::plan_import::PlanImportPage;
    render(state, status, "导入工作方案", move || {
        view! { <PlanImportPage who text preview error /> }.into_any()
    })
}

/// `GET /desk/plans/new`
pub async fn get_plan_import(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match office(&state, &headers, "/desk/plans/new").await {
        Ok(who) => plan_page(&state, who, StatusCode::OK, String::new(), None, None),
        Err(r) => r,
    }
}

/// `POST /desk/plans/preview` with `text`: what the importer reads, nothing stored.
pub async fn post_plan_preview(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let who = match office(&state, &headers, "/desk/plans/new").await {
        Ok(w) => w,
        Err(r) => return r,
    };
    let text = form(&body).remove("text").unwrap_or_default();
    // Reading a plan is CPU work of up to a second or so: off the async workers.
    let parsed = {
        let text = text.clone();
        tokio::task::spawn_blocking(move || crate::plan::parse_plan(&text)).await
    };
    let Ok(parsed) = parsed else {
        return unavailable(&state, &who, "the plan reader stopped");
    };
    match parsed {
        Ok(parsed) => plan_page(&state, who, StatusCode::OK, text, Some(parsed), None),
        Err(e) => {
            let message = format!("无法读取这份方案（第{}行）：{}", e.line, e.message);
            plan_page(
                &state,
                who,
                StatusCode::BAD_REQUEST,
                text,
                None,
                Some(message),
            )
        }
    }
}

/// `POST /desk/plans` with `text`: imports it in one transaction (recorded).
pub async fn post_plan_import(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    use crate::server::repo::plan::ImportError;
    let who = match office(&state, &headers, "/desk/plans/new").await {
        Ok(w) => w,
        Err(r) => return r,
    };
    let text = form(&body).remove("text").unwrap_or_default();
    match plan::import_as(&state.pool, &text, &who.login).await {
        Ok(outcome) => see_other(&format!("/plans/{}", outcome.plan_id)),
        Err(ImportError::Parse(e)) => {
            let message = format!("无法读取这份方案（第{}行）：{}", e.line, e.message);
            plan_page(
                &state,
                who,
                StatusCode::BAD_REQUEST,
                text,
                None,
                Some(message),
            )
        }
        Err(e) => unavailable(&state, &who, e),
    }
}

/// `GET /desk/audit`: the newest 200 entries and the chain's state.
pub async fn get_audit(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let who = match office(&state, &headers, "/desk/audit").await {
        Ok(w) => w,
        Err(r) => return r,
    };
    let loaded = async {
        let entries = audit::latest(&state.pool, 200).await?;
        let status = audit::verify(&state.pool, None).await?;
        Ok::<_, sqlx::Error>((entries, status.map_err(|b| b.to_string())))
    }
    .await;
    let (entries, status) = match loaded {
        Ok(l) => l,
        Err(e) => return unavailable(&state, &who, e),
    };
    render(&state, StatusCode::OK, "审计日志", move || {
        view! { <AuditPage who entries status /> }.into_any()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beijing_times_become_rfc3339() {
        assert_eq!(
            local_time("2020-12-20T09:00"),
            Ok(Some("2020-12-20T09:00:00+08:00".to_string()))
        );
        assert_eq!(local_time(" "), Ok(None));
        assert!(local_time("12/20/2020").unwrap_err().contains("格式不对"));
    }

    #[test]
    fn the_settings_form_is_read_and_checked() {
        let scale = Scale::three_level();
        let f = |pairs: &[(&str, &str)]| -> HashMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let c = settings_from_form(
            &f(&[
                ("denominator", "invited"),
                ("n", "480"),
                ("group", "70，30"),
                ("threshold", "85"),
                ("trim", "1"),
            ]),
            &scale,
        )
        .unwrap();
        assert_eq!(c.denominator, Denominator::Invited(480));
        assert_eq!(c.group_weights, (70.0, 30.0));
        assert!((c.rework_threshold - 0.85).abs() < 1e-12);
        assert!(c.trim);
        assert_eq!(
            settings_from_form(&f(&[]), &scale).unwrap(),
            ResultsConfig::default()
        );
        assert!(
            settings_from_form(&f(&[("denominator", "present")]), &scale)
                .unwrap_err()
                .contains("请填写人数")
        );
        assert!(
            settings_from_form(&f(&[("levels", "100,60")]), &scale)
                .unwrap_err()
                .contains("等级分值应有3个")
        );
        assert!(
            settings_from_form(&f(&[("group", "0,0")]), &scale)
                .unwrap_err()
                .contains("不能都为0")
        );
    }

    #[test]
    fn hosts_that_are_not_host_names_are_not_trusted() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("rd.example.cn:8443"));
        assert_eq!(base_url(&h), "http://rd.example.cn:8443");
        h.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        assert_eq!(base_url(&h), "https://rd.example.cn:8443");
        h.insert(
            header::HOST,
            HeaderValue::from_static("evil.com/\"><script>"),
        );
        assert_eq!(base_url(&h), "https://127.0.0.1:3000");
    }

    #[test]
    fn a_qr_code_is_svg() {
        let svg = qr_svg("HTTP://127.0.0.1:3000/V/ABCDE-FGHJK-MNPQR-STVWX");
        assert!(svg.contains("<svg") && svg.contains("</svg>"));
    }
}
