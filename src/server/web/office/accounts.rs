//! `/desk/accounts`: the office's list of staff accounts — create one, disable or enable it,
//! reset its password (the holder must choose a new one at the next sign-in), end its
//! sessions. Every action is recorded in the audit trail by the repository, in the same
//! transaction.

use super::accounts_view::AccountsPage;
use crate::message::Bilingual;
use crate::server::repo::account::{self, Account, AccountError, AccountRole};
use crate::server::repo::handling::{self, HandlingError};
use crate::server::repo::plan::resolve_plan_id;
use crate::server::repo::two_factor;
use crate::server::web::AppState;
use crate::server::web::extract::{Office, Staff, WebForm, see_other};
use crate::server::web::problem::Problem;
use crate::server::web::render::render;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;
use serde::Deserialize;

async fn page(
    state: &AppState,
    who: Account,
    status: StatusCode,
    error: Option<String>,
    notice: Option<String>,
) -> Result<Response, Problem> {
    let accounts = account::list(&state.pool).await?;
    let required_of_all = two_factor::required_of_all(&state.pool).await?;
    let units = match resolve_plan_id(&state.pool, None).await {
        Ok(plan) => handling::reporting_units(&state.pool, plan)
            .await?
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect(),
        Err(_) => Vec::new(),
    };
    Ok(render(state, status, "账号管理", move || {
        view! { <AccountsPage who accounts required_of_all units error notice /> }.into_any()
    }))
}

fn status_of(e: &AccountError) -> StatusCode {
    match e {
        AccountError::NoSuchAccount => StatusCode::NOT_FOUND,
        AccountError::Exists | AccountError::LastOffice => StatusCode::CONFLICT,
        AccountError::BadLogin | AccountError::WeakPassword => StatusCode::BAD_REQUEST,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// An action's outcome: back to the list with a notice, or the list again with the refusal.
async fn answer(
    state: &AppState,
    who: Account,
    done: Result<String, AccountError>,
) -> Result<Response, Problem> {
    match done {
        Ok(notice) => page(state, who, StatusCode::OK, None, Some(notice)).await,
        Err(e @ (AccountError::Hash(_) | AccountError::Db(_))) => Err(Problem::unavailable(e)),
        Err(e) => page(state, who, status_of(&e), Some(e.zh()), None).await,
    }
}

/// `GET /desk/accounts`.
pub async fn get_accounts(
    State(state): State<AppState>,
    Staff { who, .. }: Staff<Office>,
) -> Result<Response, Problem> {
    page(&state, who, StatusCode::OK, None, None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewAccount {
    login: String,
    role: String,
    password: String,
    /// A liaison's unit, by id.
    unit: String,
}

/// `POST /desk/accounts` with `login`, `role` (`office`, `evaluator` or `liaison`, the last
/// with `unit`, a reporting unit's id), `password` (a first password, which the holder must
/// change at their first sign-in).
pub async fn post_new_account(
    State(state): State<AppState>,
    Staff { who, .. }: Staff<Office>,
    WebForm(f): WebForm<NewAccount>,
) -> Result<Response, Problem> {
    let Some(role) = AccountRole::parse(&f.role) else {
        let message = "请选择账号类型：领导小组办公室、第三方评估或联络员。".to_string();
        return page(&state, who, StatusCode::BAD_REQUEST, Some(message), None).await;
    };
    let unit = if role == AccountRole::Liaison {
        let unit = match f.unit.trim().parse::<i64>() {
            Ok(id) => handling::reporting_unit(&state.pool, id).await,
            Err(_) => Err(HandlingError::NoUnit),
        };
        match unit {
            Ok(u) if handling::has_sample(&state.pool, u.plan_id).await? => {
                let message = "这个工作方案还载有示例办理数据。请先删除示例数据（ceping handling sample --remove），再为各单位新建联络员，以免真实报送与示例混在一起。".to_string();
                return page(&state, who, StatusCode::CONFLICT, Some(message), None).await;
            }
            Ok(u) => Some(u),
            Err(HandlingError::Db(e)) => return Err(Problem::unavailable(e)),
            Err(_) => {
                let message =
                    "请为联络员选择所在单位（在工作方案中牵头或参与任务的单位）。".to_string();
                return page(&state, who, StatusCode::BAD_REQUEST, Some(message), None).await;
            }
        }
    } else {
        None
    };
    let done = async {
        // The holder chooses their own password at the first sign-in.
        let (login, password) = (&f.login, &f.password);
        let actor = Some(who.login.as_str());
        match &unit {
            Some(u) => {
                account::create_liaison(&state.pool, login, u.id, password, true, actor).await?
            }
            None => account::create_with(&state.pool, login, role, password, true, actor).await?,
        };
        let created = account::by_login(&state.pool, &f.login).await?;
        let of = unit
            .map(|u| format!("（{}联络员）", u.name))
            .unwrap_or_default();
        Ok(format!(
            "已新建账号“{}”{of}。首次登录时须修改密码。",
            created.login
        ))
    }
    .await;
    answer(&state, who, done).await
}

/// `POST /desk/accounts/{login}/disable`: the account cannot sign in; its sessions end. Not
/// one's own account, and not the last office account.
pub async fn post_disable(
    State(state): State<AppState>,
    Staff { who, .. }: Staff<Office>,
    Path(login): Path<String>,
) -> Result<Response, Problem> {
    // By the account, not by how its login is written (`%20office` finds "office" too).
    let own = account::by_login(&state.pool, &login)
        .await
        .is_ok_and(|a| a.id == who.id);
    if own {
        let message = "不能停用自己正在使用的账号。".to_string();
        return page(&state, who, StatusCode::CONFLICT, Some(message), None).await;
    }
    let done = account::set_disabled(&state.pool, &login, true, &who.login)
        .await
        .map(|a| format!("已停用账号“{}”，它的会话已全部结束。", a.login));
    answer(&state, who, done).await
}

/// `POST /desk/accounts/{login}/enable`.
pub async fn post_enable(
    State(state): State<AppState>,
    Staff { who, .. }: Staff<Office>,
    Path(login): Path<String>,
) -> Result<Response, Problem> {
    let done = account::set_disabled(&state.pool, &login, false, &who.login)
        .await
        .map(|a| format!("已启用账号“{}”。", a.login));
    answer(&state, who, done).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ResetFields {
    /// The temporary password to hand to the holder.
    password: String,
}

/// `POST /desk/accounts/{login}/reset-password` with `password`: a temporary password, which
/// the holder must change at the next sign-in; their sessions end.
pub async fn post_reset(
    State(state): State<AppState>,
    Staff { who, .. }: Staff<Office>,
    Path(login): Path<String>,
    WebForm(f): WebForm<ResetFields>,
) -> Result<Response, Problem> {
    let done = async {
        let holder = account::by_login(&state.pool, &login).await?;
        account::set_password(&state.pool, &holder, &f.password, true, None, &who.login).await?;
        Ok(format!(
            "已重置“{}”的密码。请把临时密码当面交给本人；下次登录时须修改。",
            holder.login
        ))
    }
    .await;
    answer(&state, who, done).await
}

/// `POST /desk/accounts/{login}/end-sessions`: ends every session of the account.
pub async fn post_end_sessions(
    State(state): State<AppState>,
    Staff { who, .. }: Staff<Office>,
    Path(login): Path<String>,
) -> Result<Response, Problem> {
    let done = async {
        let holder = account::by_login(&state.pool, &login).await?;
        let ended = account::end_sessions(&state.pool, &holder, None, &who.login).await?;
        Ok((
            holder.id,
            format!("已结束“{}”的 {ended} 个会话。", holder.login),
        ))
    }
    .await;
    if done.as_ref().is_ok_and(|(id, _)| *id == who.id) {
        return Ok(see_other("/login"));
    }
    let done = done.map(|(_, message)| message);
    answer(&state, who, done).await
}

/// `POST /desk/accounts/{login}/reset-totp`: removes the account's second factor (a lost
/// phone) and ends its sessions; where one is required, the holder sets up a new one at the
/// next sign-in.
pub async fn post_reset_totp(
    State(state): State<AppState>,
    Staff { who, .. }: Staff<Office>,
    Path(login): Path<String>,
) -> Result<Response, Problem> {
    let done = async {
        let holder = account::by_login(&state.pool, &login).await?;
        if !two_factor::remove(&state.pool, &holder, &who.login, true, None).await? {
            return Ok((holder.id, format!("“{}”没有开启两步验证。", holder.login)));
        }
        Ok((
            holder.id,
            format!(
                "已重置“{}”的两步验证，其会话已全部结束。本人下次登录时须重新设置。",
                holder.login
            ),
        ))
    }
    .await;
    if done.as_ref().is_ok_and(|(id, _)| *id == who.id) {
        return Ok(see_other("/login"));
    }
    answer(&state, who, done.map(|(_, m)| m)).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RequireFields {
    /// "1": of every account; "0": of office accounts only.
    all: String,
}

/// `POST /desk/accounts/require-totp` with `all` (`1` or `0`): whether every account must
/// have a second factor, or only the office's.
pub async fn post_require_totp(
    State(state): State<AppState>,
    Staff { who, .. }: Staff<Office>,
    WebForm(f): WebForm<RequireFields>,
) -> Result<Response, Problem> {
    let all = match f.all.as_str() {
        "1" => true,
        "0" => false,
        _ => {
            let message = "请选择要求所有账号还是仅办公室账号开启两步验证。".to_string();
            return page(&state, who, StatusCode::BAD_REQUEST, Some(message), None).await;
        }
    };
    two_factor::set_required_of_all(&state.pool, all, &who.login).await?;
    let notice = if all {
        "现在所有账号都必须开启两步验证；未开启的账号下次使用时须先设置。"
    } else {
        "现在仅办公室账号必须开启两步验证。"
    };
    page(&state, who, StatusCode::OK, None, Some(notice.to_string())).await
}
