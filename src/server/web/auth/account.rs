//! `/account`: a signed-in staff member's own account — change the password (required first
//! when the office reset it), see every live session with its browser, end one or all others.
//! Plain form posts; each action is in the audit trail.

use super::view::{FactorStatus, OwnAccountPage, RecoveryCodesPage, TotpEnrolPage};
use crate::message::Bilingual;
use crate::server::repo::account::{self, AccountError, MIN_PASSWORD_CHARS};
use crate::server::repo::two_factor;
use crate::server::service::session::session_token;
use crate::server::service::signin::unix_now;
use crate::server::web::AppState;
use crate::server::web::extract::{AnyAccount, Staff, WebForm, see_other};
use crate::server::web::problem::Problem;
use crate::server::web::render::render;
use crate::totp::{self, Purpose};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use leptos::prelude::*;
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Notice {
    /// Sent here because the office reset the password.
    must: Option<String>,
    /// The password was just changed.
    changed: Option<String>,
    /// How many sessions were just ended.
    ended: Option<u64>,
    /// The second factor was just turned off.
    factor_off: Option<String>,
}

async fn page(
    state: &AppState,
    headers: &HeaderMap,
    who: account::Account,
    status: StatusCode,
    error: Option<String>,
    notice: Option<String>,
) -> Result<Response, Problem> {
    let token = session_token(headers);
    let live = account::session(&state.pool, token.as_deref().unwrap_or(""))
        .await?
        .filter(|l| l.account.id == who.id);
    let must_change = live.is_some_and(|l| l.must_change_password);
    let sessions = account::sessions(&state.pool, who.id, token.as_deref()).await?;
    let factor = FactorStatus {
        on: two_factor::factor(&state.pool, who.id).await?.is_some(),
        required: two_factor::required(&state.pool, &who).await?,
        recovery_left: two_factor::recovery_codes_left(&state.pool, who.id).await?,
    };
    Ok(render(state, status, "我的账号", move || {
        view! { <OwnAccountPage who must_change factor sessions error notice /> }.into_any()
    }))
}

/// `GET /account`.
pub async fn get_account(
    State(state): State<AppState>,
    Staff { who, .. }: Staff<AnyAccount>,
    headers: HeaderMap,
    Query(n): Query<Notice>,
) -> Result<Response, Problem> {
    let notice = if n.changed.is_some() {
        Some("密码已修改，其他设备上的登录已全部结束。".to_string())
    } else if let Some(k) = n.ended {
        Some(format!("已结束 {k} 个会话。"))
    } else if n.factor_off.is_some() {
        Some("两步验证已关闭。".to_string())
    } else {
        n.must
            .map(|_| "您的密码已由领导小组办公室重置，请先设置新密码再继续使用。".to_string())
    };
    page(&state, &headers, who, StatusCode::OK, None, notice).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordFields {
    current: String,
    new: String,
    confirm: String,
}

/// `POST /account/password` with `current`, `new`, `confirm`: the current password is checked
/// (throttled like a sign-in); every other session ends.
pub async fn post_password(
    State(state): State<AppState>,
    Staff { who, .. }: Staff<AnyAccount>,
    headers: HeaderMap,
    WebForm(f): WebForm<PasswordFields>,
) -> Result<Response, Problem> {
    let refuse = |status, message: String| {
        let (state, headers, who) = (state.clone(), headers.clone(), who.clone());
        async move { page(&state, &headers, who, status, Some(message), None).await }
    };
    if f.new != f.confirm {
        return refuse(StatusCode::BAD_REQUEST, "两次输入的新密码不一致。".into()).await;
    }
    if f.new.chars().count() < MIN_PASSWORD_CHARS {
        return refuse(StatusCode::BAD_REQUEST, AccountError::WeakPassword.zh()).await;
    }
    if f.new == f.current {
        return refuse(StatusCode::BAD_REQUEST, "新密码不能与当前密码相同。".into()).await;
    }
    if let Err(e) = state.signins.recheck(&state.pool, &who, &f.current).await {
        let Some(status) = refusal(&e) else {
            return Err(Problem::unavailable(e));
        };
        return refuse(status, e.zh()).await;
    }
    let token = session_token(&headers);
    match account::set_password(
        &state.pool,
        &who,
        &f.new,
        false,
        token.as_deref(),
        &who.login,
    )
    .await
    {
        Ok(()) => Ok(see_other("/account?changed=1")),
        Err(e @ AccountError::WeakPassword) => refuse(StatusCode::BAD_REQUEST, e.zh()).await,
        Err(e) => Err(Problem::unavailable(e)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EndFields {
    /// The session to end (its handle from the list).
    session: String,
}

/// `POST /account/sessions/end` with `session`: ends one of one's own sessions (404 if it is
/// not one of them).
pub async fn post_end_session(
    State(state): State<AppState>,
    Staff { who, .. }: Staff<AnyAccount>,
    WebForm(f): WebForm<EndFields>,
) -> Result<Response, Problem> {
    if account::end_session(&state.pool, &who, f.session.trim(), &who.login).await? {
        Ok(see_other("/account?ended=1"))
    } else {
        Err(Problem::not_found(
            "没有这个会话",
            "这个会话已经结束，或者不是您的。请回到“我的账号”查看。",
        ))
    }
}

/// `POST /account/sessions/end-others`: ends every session but this one.
pub async fn post_end_others(
    State(state): State<AppState>,
    Staff { who, .. }: Staff<AnyAccount>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let token = session_token(&headers);
    let ended = account::end_sessions(&state.pool, &who, token.as_deref(), &who.login).await?;
    Ok(see_other(&format!("/account?ended={ended}")))
}

/// How long an enrolment page's secret may be confirmed.
const ENROL_SECS: u64 = 15 * 60;

async fn enrol_page(
    state: &AppState,
    who: account::Account,
    status: StatusCode,
    error: Option<String>,
) -> Result<Response, Problem> {
    let must = two_factor::required(&state.pool, &who).await?;
    // A fresh secret each time the page is shown; it travels sealed in the form, for this
    // account, until it is confirmed: nothing half-done is stored.
    let secret = totp::new_secret();
    let sealed = totp::seal(
        &state.totp_key,
        Purpose::Enrolling,
        who.id,
        unix_now() + ENROL_SECS,
        &secret,
    );
    let qr = crate::server::web::qr::qr_svg(&totp::otpauth_uri(&secret, &who.login));
    let secret = totp::secret_text(&secret);
    Ok(render(state, status, "开启两步验证", move || {
        view! { <TotpEnrolPage who must qr secret sealed error /> }.into_any()
    }))
}

/// `GET /account/totp`: set up a second factor (the account's page if it has one already).
pub async fn get_totp(
    State(state): State<AppState>,
    Staff { who, .. }: Staff<AnyAccount>,
) -> Result<Response, Problem> {
    if two_factor::factor(&state.pool, who.id).await?.is_some() {
        return Ok(see_other("/account#two-factor"));
    }
    enrol_page(&state, who, StatusCode::OK, None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EnrolFields {
    /// The secret the page showed, sealed for this account.
    sealed: String,
    code: String,
    /// The current password: a session alone (left open, or stolen) cannot set a factor up.
    password: String,
}

/// The enrolment page again with the same secret (what the app already added keeps working),
/// and why the last try was refused.
fn enrol_again(
    state: &AppState,
    who: account::Account,
    must: bool,
    secret: &[u8],
    sealed: String,
    status: StatusCode,
    message: String,
) -> Response {
    let qr = crate::server::web::qr::qr_svg(&totp::otpauth_uri(secret, &who.login));
    let text = totp::secret_text(secret);
    let error = Some(message);
    render(state, status, "开启两步验证", move || {
        view! { <TotpEnrolPage who must qr secret=text sealed error /> }.into_any()
    })
}

/// Why a recheck of the password refused, as a status and a message; `None`: a server error.
fn refusal(e: &AccountError) -> Option<StatusCode> {
    match e {
        AccountError::TooSoon(_) => Some(StatusCode::TOO_MANY_REQUESTS),
        AccountError::Busy => Some(StatusCode::SERVICE_UNAVAILABLE),
        AccountError::WrongCurrent => Some(StatusCode::BAD_REQUEST),
        _ => None,
    }
}

/// `POST /account/totp` with `sealed`, `code` and `password`: the current password and the
/// first code confirm the secret; the second factor is on, this session counts as having
/// passed it, every other session of the account ends, and the recovery codes are shown once.
pub async fn post_totp(
    State(state): State<AppState>,
    Staff { who, .. }: Staff<AnyAccount>,
    headers: HeaderMap,
    WebForm(f): WebForm<EnrolFields>,
) -> Result<Response, Problem> {
    let now = unix_now();
    let Some(secret) = totp::open(&state.totp_key, Purpose::Enrolling, who.id, now, &f.sealed)
    else {
        let message = "这个二维码已过期。请用下面的新二维码重新添加，并输入新的验证码。";
        return enrol_page(&state, who, StatusCode::BAD_REQUEST, Some(message.into())).await;
    };
    let must = two_factor::required(&state.pool, &who).await?;
    if let Err(e) = state.signins.recheck(&state.pool, &who, &f.password).await {
        let Some(status) = refusal(&e) else {
            return Err(Problem::unavailable(e));
        };
        return Ok(enrol_again(
            &state,
            who,
            must,
            &secret,
            f.sealed,
            status,
            e.zh(),
        ));
    }
    let Some(step) = totp::check_code(&secret, &f.code, now, 0) else {
        let message = "验证码不正确。请确认手机时间准确，输入应用中当前显示的六位数字。";
        let status = StatusCode::BAD_REQUEST;
        return Ok(enrol_again(
            &state,
            who,
            must,
            &secret,
            f.sealed,
            status,
            message.into(),
        ));
    };
    let stored = totp::seal(&state.totp_key, Purpose::Stored, who.id, 0, &secret);
    let codes = totp::new_recovery_codes();
    let hashes: Vec<String> = codes.iter().map(|c| totp::recovery_hash(c)).collect();
    let current = session_token(&headers);
    let enabled = two_factor::enable(
        &state.pool,
        &who,
        &stored,
        step,
        &hashes,
        current.as_deref(),
    )
    .await?;
    if !enabled {
        return Ok(see_other("/account#two-factor"));
    }
    let mut res = render(&state, StatusCode::OK, "两步验证已开启", move || {
        view! { <RecoveryCodesPage who codes /> }.into_any()
    });
    // The codes are shown once: never from a cache or the back button.
    res.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(res)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OffFields {
    password: String,
    /// A current code from the app, or a recovery code.
    code: String,
}

/// `POST /account/totp/off` with `password` and `code`: turns an optional second factor off
/// (the password is checked, throttled like a change of password, and a current code or a
/// recovery code); every other session ends. Refused (409) where one is required.
pub async fn post_totp_off(
    State(state): State<AppState>,
    Staff { who, .. }: Staff<AnyAccount>,
    headers: HeaderMap,
    WebForm(f): WebForm<OffFields>,
) -> Result<Response, Problem> {
    let refuse = |status, message: String| {
        let (state, headers, who) = (state.clone(), headers.clone(), who.clone());
        async move { page(&state, &headers, who, status, Some(message), None).await }
    };
    if two_factor::required(&state.pool, &who).await? {
        let message = "您的账号必须开启两步验证，不能关闭。手机丢失请联系领导小组办公室重置。";
        return refuse(StatusCode::CONFLICT, message.into()).await;
    }
    let Some(factor) = two_factor::factor(&state.pool, who.id).await? else {
        return Ok(see_other("/account#two-factor"));
    };
    // Wrong codes count here as at sign-in: ten in a row close the code step.
    if factor.failures >= two_factor::MAX_CODE_FAILURES {
        return refuse(StatusCode::FORBIDDEN, AccountError::CodeLocked.zh()).await;
    }
    if let Err(e) = state.signins.recheck(&state.pool, &who, &f.password).await {
        let Some(status) = refusal(&e) else {
            return Err(Problem::unavailable(e));
        };
        return refuse(status, e.zh()).await;
    }
    let now = unix_now();
    let right = if totp::is_recovery_code(&f.code) {
        let hash = totp::recovery_hash(&f.code);
        two_factor::use_recovery_code(&state.pool, &who, &hash, totp::step_of(now)).await?
    } else {
        let sealed = &factor.sealed_secret;
        match totp::open(&state.totp_key, Purpose::Stored, who.id, now, sealed)
            .and_then(|secret| totp::check_code(&secret, &f.code, now, factor.last_step))
        {
            Some(step) => two_factor::use_step(&state.pool, who.id, step).await?,
            None => false,
        }
    };
    if !right {
        two_factor::code_failed(&state.pool, &who).await?;
        return refuse(StatusCode::BAD_REQUEST, AccountError::WrongCode.zh()).await;
    }
    two_factor::code_passed(&state.pool, who.id).await?;
    let current = session_token(&headers);
    two_factor::remove(&state.pool, &who, &who.login, true, current.as_deref()).await?;
    Ok(see_other("/account?factor_off=1"))
}
