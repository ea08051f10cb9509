//! A round's life at the office: creating it, its desk page (turnout by delegation), opening,
//! closing and reopening it, and how its results are counted.

use super::view::{
    ConfirmState, DelegationLine, NewRoundForm, NewRoundValues, RoundDesk, StateConsequences,
    TellerDesk,
};
use crate::ballot::Scale;
use crate::clock::local_time;
use crate::message::Bilingual;
use crate::results::{Denominator, ResultsConfig};
use crate::server::repo::account::Account;
use crate::server::repo::round::{self, NewRound, Round, RoundAction, RoundError, RoundState};
use crate::server::repo::{invite, plan};
use crate::server::web::AppState;
use crate::server::web::extract::{Office, Staff, StaffRound, WebForm, see_other};
use crate::server::web::problem::Problem;
use crate::server::web::render::render;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;
use serde::Deserialize;
use std::collections::HashMap;

type Page = Result<Response, Problem>;

/// `GET /desk/rounds/new`
pub async fn get_new_round(State(state): State<AppState>, staff: Staff<Office>) -> Page {
    let plan_title = plan::latest_title(&state.pool).await?;
    let values = NewRoundValues {
        comments: true,
        ..Default::default()
    };
    let who = staff.who;
    Ok(render(
        &state,
        StatusCode::OK,
        "新建测评轮次",
        move || view! { <NewRoundForm who plan_title values error=None /> }.into_any(),
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewRoundFields {
    name: String,
    opens: String,
    closes: String,
    /// both | tasks | units
    items: String,
    /// three | four
    scale: String,
    comments: Option<String>,
}

/// What the office typed, checked: the times as RFC 3339.
fn check_new_round(v: &NewRoundValues) -> Result<(Option<String>, Option<String>), String> {
    if v.name.trim().is_empty() {
        return Err("请填写测评轮次的名称。".to_string());
    }
    if v.name.chars().count() > 100 {
        return Err("名称最多100个字。".to_string());
    }
    let opens = local_time(&v.opens)?;
    let closes = local_time(&v.closes)?;
    if let (Some(o), Some(c)) = (&opens, &closes)
        && c <= o
    {
        return Err("结束时间应晚于开始时间。".to_string());
    }
    if crate::server::repo::round::past(closes.as_deref(), crate::clock::now()) {
        return Err("结束时间已过，请填写以后的时间。".to_string());
    }
    Ok((opens, closes))
}

/// `POST /desk/rounds` with name, opens, closes, items (both|tasks|units), scale (three|four),
/// comments.
pub async fn post_new_round(
    State(state): State<AppState>,
    staff: Staff<Office>,
    WebForm(f): WebForm<NewRoundFields>,
) -> Page {
    let values = NewRoundValues {
        comments: f.comments.is_some(),
        name: f.name,
        opens: f.opens,
        closes: f.closes,
        items: f.items,
        scale: f.scale,
    };
    let created = match check_new_round(&values) {
        Err(e) => Err((StatusCode::BAD_REQUEST, e)),
        Ok((opens_at, closes_at)) => {
            let plan_id = plan::resolve_plan_id(&state.pool, None)
                .await
                .map_err(|e| match e {
                    plan::ReadError::NoPlan => {
                        Problem::conflict("还没有工作方案", "请先导入工作方案。")
                    }
                    e => Problem::unavailable(e),
                })?;
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
            match round::create(&state.pool, &new, &staff.who.login).await {
                Ok(id) => Ok(id),
                Err(
                    e @ (RoundError::NoName
                    | RoundError::NothingRated
                    | RoundError::BadScale(_)
                    | RoundError::ClosesInThePast),
                ) => Err((StatusCode::BAD_REQUEST, e.zh())),
                Err(e) => return Err(e.into()),
            }
        }
    };
    match created {
        Ok(id) => Ok(see_other(&format!("/desk/rounds/{id}?done=created"))),
        Err((status, message)) => {
            let plan_title = plan::latest_title(&state.pool).await.unwrap_or_default();
            let who = staff.who;
            Ok(render(&state, status, "新建测评轮次", move || {
                view! { <NewRoundForm who plan_title values error=Some(message) /> }.into_any()
            }))
        }
    }
}

/// The round's desk page, with a notice after an action or the reason one was refused.
async fn round_desk(
    state: &AppState,
    who: Account,
    round: Round,
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
) -> Page {
    let items = round::items(&state.pool, round.id).await?.len();
    let turnout = round::turnout(&state.pool, round.id).await?;
    let groups = invite::turnout_by_delegation(&state.pool, round.id).await?;
    let used: i64 = groups.iter().map(|g| g.2).sum();
    let invited: i64 = groups.iter().map(|g| g.1).sum();
    // In pinyin order, as a list of delegations is read; deputies without one last.
    let mut groups = groups;
    groups.sort_by_cached_key(|(name, _, _)| {
        (
            name.is_none(),
            name.as_deref().map(crate::plan::label::pinyin_key),
            name.clone(),
        )
    });
    let delegations = groups
        .into_iter()
        .map(|(name, invited, voted)| DelegationLine {
            name: name.unwrap_or_else(|| "（未填代表团）".into()),
            invited,
            voted,
        })
        .collect();
    let non_voters = invited - used;
    let tellers = teller_desk(state, &round).await?;
    let codes = invite::code_checks(&state.pool, round.id).await?;
    let events = round::events(&state.pool, round.id).await?;
    Ok(render(state, status, &round.name.clone(), move || {
        view! {
            <RoundDesk who round items turnout delegations non_voters codes tellers events notice error />
        }
        .into_any()
    }))
}

/// Where the round's tellers and its count stand, for the desk.
async fn teller_desk(state: &AppState, round: &Round) -> Result<Option<TellerDesk>, Problem> {
    let Some(t) = crate::server::repo::tellers::get(&state.pool, round.id)
        .await
        .map_err(Problem::unavailable)?
    else {
        return Ok(None);
    };
    let posted = crate::server::repo::count::posted(&state.pool, round.id).await?;
    let counted = crate::server::repo::count::record(&state.pool, round.id).await?;
    let threshold = t.threshold();
    let steps = t.board.progress();
    let check_until =
        crate::server::service::count::checking_now(&state.pool, round, t.check_minutes).await?;
    let links = (0..t.names.len())
        .map(|i| {
            crate::server::service::teller_link::link(
                &state.teller_key[..],
                round.id,
                &t.board.context,
                i,
            )
        })
        .collect();
    Ok(Some(TellerDesk {
        links,
        lines: t
            .names
            .into_iter()
            .zip(steps)
            .enumerate()
            .map(|(i, (name, steps))| (name, steps, posted.contains(&i)))
            .collect(),
        threshold,
        solo: t.solo,
        joint_key: t.joint_key,
        counted: counted.map(|(_, ballots, tellers, _)| (ballots, tellers)),
        check_minutes: t.check_minutes,
        check_until,
    }))
}

/// The round's desk again with why an action was refused (409: the round's state forbids it).
async fn refused(state: &AppState, who: Account, round: Round, message: String) -> Page {
    round_desk(state, who, round, StatusCode::CONFLICT, None, Some(message)).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Done {
    done: Option<String>,
}

/// `GET /desk/rounds/{id}`
pub async fn get_round(
    State(state): State<AppState>,
    staff: StaffRound<Office>,
    Query(q): Query<Done>,
) -> Page {
    let notice = q.done.map(|d| {
        match d.as_str() {
            "created" => "测评轮次已建立。请设置评估指标和计算方法，再生成邀请码。",
            "settings" => "设置已保存。",
            "tellers" => "监票人已指定。请把每位监票人的页面链接单独交给本人，由他们在自己的浏览器中生成密钥。",
            other => other
                .parse::<RoundAction>()
                .map(RoundAction::done_zh)
                .unwrap_or("已完成。"),
        }
        .to_string()
    });
    round_desk(&state, staff.who, staff.round, StatusCode::OK, notice, None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StateFields {
    action: String,
    confirm: Option<String>,
    note: Option<String>,
}

/// `POST /desk/rounds/{id}/state` with action = open | close | reopen; closing and reopening
/// need `confirm=1` (without it, the confirmation page).
pub async fn post_state(
    State(state): State<AppState>,
    StaffRound { who, round, .. }: StaffRound<Office>,
    WebForm(f): WebForm<StateFields>,
) -> Page {
    let action: RoundAction = f
        .action
        .parse()
        .map_err(|_| Problem::bad_request("无法操作", "未知的操作。"))?;
    let tellers = crate::server::repo::tellers::get(&state.pool, round.id)
        .await
        .map_err(Problem::unavailable)?;
    // Opening without the tellers' joint key is refused at once, with what to do: there is
    // nothing to confirm.
    if action == RoundAction::Open && tellers.as_ref().is_none_or(|t| t.joint_key.is_none()) {
        let message = RoundError::NoKeys(round.id).zh();
        return refused(&state, who, round, message).await;
    }
    if action.needs_confirmation() && f.confirm.as_deref() != Some("1") {
        let consequences = consequences(&state, &round, tellers.as_ref()).await?;
        return Ok(render(&state, StatusCode::OK, "请确认", move || {
            view! { <ConfirmState who round action consequences /> }.into_any()
        }));
    }
    let note = f.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    let id = round.id;
    match round::transition(&state.pool, id, action, &who.login, note).await {
        Ok(_) => Ok(see_other(&format!(
            "/desk/rounds/{id}?done={}",
            action.as_str()
        ))),
        Err(RoundError::WrongState { state: s, .. }) => {
            let message = format!("测评当前{}，不能{}。", s.sentence_zh(), action.verb_zh());
            refused(&state, who, round, message).await
        }
        Err(RoundError::PastClosing(_)) => {
            let message = format!(
                "本轮测评的结束时间已过，不能{}。如需继续测评，请新建测评轮次。",
                action.verb_zh()
            );
            refused(&state, who, round, message).await
        }
        Err(e @ (RoundError::NoKeys(_) | RoundError::Counted(_) | RoundError::Counting(_))) => {
            refused(&state, who, round, e.zh()).await
        }
        Err(e) => Err(e.into()),
    }
}

/// What each move of `round` would do, for its confirmation page.
async fn consequences(
    state: &AppState,
    round: &Round,
    tellers: Option<&crate::server::repo::tellers::Tellers>,
) -> Result<StateConsequences, Problem> {
    let invitations = invite::list(&state.pool, round.id).await?;
    let live: Vec<_> = invitations.iter().filter(|i| !i.revoked).collect();
    let non_voters = live
        .iter()
        .filter(|i| !i.used)
        .map(|i| match (&i.label, &i.delegation) {
            (Some(l), Some(d)) => format!("{l}（{d}）"),
            (Some(l), None) => l.clone(),
            (None, Some(d)) => format!("{d}第{}号", i.id),
            (None, None) => format!("第{}号", i.id),
        })
        .collect();
    let items = round::items(&state.pool, round.id).await?;
    let tasks = items.iter().filter(|i| i.kind == "task").count();
    let levels = round
        .scale
        .levels
        .iter()
        .map(|l| l.label.as_str())
        .collect::<Vec<_>>()
        .join("、");
    let mut freezes = vec![
        format!("评价等级：{levels}"),
        format!("测评内容：{tasks}项任务、{}个成员单位", items.len() - tasks),
        "满意率的计算方法（分母、得票权重）、需重新办理的标准、综合指数的权重".to_string(),
    ];
    if let Some(t) = tellers {
        freezes.push(format!(
            "监票人：{}（{}人中任意{}人共同计票）",
            t.names.join("、"),
            t.board.params.shares,
            t.board.params.threshold
        ));
    }
    Ok(StateConsequences {
        invited: live.len() as i64,
        voted: live.iter().filter(|i| i.used).count() as i64,
        non_voters,
        unsubmitted: crate::server::repo::score::unsubmitted(&state.pool, round.id).await?,
        freezes,
    })
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
    config.resolve(scale).map_err(|e| e.zh())?;
    Ok(config)
}

/// `POST /desk/rounds/{id}/settings`: how results are counted (while a draft).
pub async fn post_settings(
    State(state): State<AppState>,
    StaffRound { who, round, .. }: StaffRound<Office>,
    WebForm(f): WebForm<HashMap<String, String>>,
) -> Page {
    let config = if round.state == RoundState::Draft {
        match settings_from_form(&f, &round.scale) {
            Ok(c) => c,
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
        let message = "测评已开始，计算方法不能再改。".to_string();
        return refused(&state, who, round, message).await;
    };
    let id = round.id;
    match round::configure(&state.pool, id, &config, &who.login).await {
        Ok(()) => Ok(see_other(&format!("/desk/rounds/{id}?done=settings"))),
        Err(RoundError::WrongState { .. }) => {
            let message = "测评已开始，计算方法不能再改。".to_string();
            refused(&state, who, round, message).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TellerFields {
    /// Their names, separated by commas (`,` or `，`) or one per line.
    names: String,
    /// Any this many open the count; empty: a majority (the smallest).
    threshold: String,
    /// Minutes after closing before the count may begin; empty: the default.
    check_minutes: String,
}

/// A form's number field: blank is `default`; anything else must read as a number (`Err`: the
/// text as typed).
fn number_or<T: std::str::FromStr>(raw: &str, default: T) -> Result<T, String> {
    match raw.trim() {
        "" => Ok(default),
        t => t.parse().map_err(|_| t.to_string()),
    }
}

/// `POST /desk/rounds/{id}/tellers` (`names`, `threshold`, `check_minutes`): names a draft
/// round's tellers and
/// starts their key ceremony (again, if it had begun: every link changes).
pub async fn post_tellers(
    State(state): State<AppState>,
    StaffRound { who, round, .. }: StaffRound<Office>,
    WebForm(f): WebForm<TellerFields>,
) -> Page {
    use crate::server::repo::tellers::{self, TellerError};
    let names: Vec<String> = f
        .names
        .split([',', '，', '、', '\n'])
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .collect();
    let threshold = number_or(&f.threshold, names.len() / 2 + 1)
        .map_err(|t| format!("开启计票所需人数“{t}”应为正整数。"));
    let check_minutes = number_or(&f.check_minutes, tellers::DEFAULT_CHECK_MINUTES)
        .map_err(|m| format!("核对期“{m}”应为0或正整数（分钟）。"));
    let (threshold, check_minutes) = match (threshold, check_minutes) {
        (Ok(k), Ok(m)) => (k, m),
        (Err(message), _) | (_, Err(message)) => {
            let status = StatusCode::BAD_REQUEST;
            return round_desk(&state, who, round, status, None, Some(message)).await;
        }
    };
    let id = round.id;
    match tellers::set(
        &state.pool,
        id,
        &names,
        threshold,
        check_minutes,
        &who.login,
    )
    .await
    {
        Ok(_) => Ok(see_other(&format!("/desk/rounds/{id}?done=tellers"))),
        Err(e @ (TellerError::Db(_) | TellerError::Damaged(..))) => Err(Problem::unavailable(e)),
        Err(e @ TellerError::NotDraft { .. }) => refused(&state, who, round, e.zh()).await,
        Err(e) => {
            let status = StatusCode::BAD_REQUEST;
            round_desk(&state, who, round, status, None, Some(e.zh())).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
