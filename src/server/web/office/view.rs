//! The office's pages for running a round: creating it, opening and closing it, its settings,
//! turnout by delegation, invitations and their printable slips, the audit trail. Plain forms
//! (they work with JavaScript off); every action is checked and recorded on the server.

use crate::components::format::fmt_weight;
use crate::components::format::pct;
use crate::components::format::{human_time, human_time_zh};
use crate::components::textarea_text;
use crate::results::{Denominator, ResultsConfig};
use crate::server::repo::account::Account;
use crate::server::repo::invite::InvitationRow;
use crate::server::repo::round::{Round, RoundAction, RoundState};
use crate::server::web::frame::StaffFrame;
use leptos::prelude::*;

/// Breakdowns with fewer ballots than this are not shown.
pub const MIN_GROUP: i64 = 5;

fn alert(error: Option<String>) -> impl IntoView {
    error.map(|e| view! { <div class="alert alert-error" role="alert">{e}</div> })
}

/// One radio button per (value, words); the one whose value is `chosen` is checked.
#[component]
fn Choices(
    name: &'static str,
    options: Vec<(&'static str, &'static str)>,
    chosen: String,
) -> impl IntoView {
    options
        .into_iter()
        .map(|(value, words)| {
            view! {
                <label class="choice">
                    <input type="radio" name=name value=value checked=chosen == value />
                    {words}
                </label>
            }
        })
        .collect_view()
}

/// What the new-round form shows (as typed, when refused).
#[derive(Debug, Clone, Default)]
pub struct NewRoundValues {
    pub name: String,
    pub opens: String,
    pub closes: String,
    pub items: String,
    pub scale: String,
    pub comments: bool,
}

/// `/desk/rounds/new`
#[component]
pub fn NewRoundForm(
    who: Account,
    plan_title: String,
    values: NewRoundValues,
    error: Option<String>,
) -> impl IntoView {
    let items = values.items.clone();
    let scale = values.scale.clone();
    view! {
        <StaffFrame who=Some(who)>
            <h1>"新建测评轮次"</h1>
            <p class="lead-in">{plan_title}</p>
            {alert(error)}
            <form method="post" action="/desk/rounds" class="card office-form">
                <label for="name">"名称"</label>
                <input id="name" name="name" value=values.name placeholder="2020年度满意度测评" required />
                <label for="opens">"开始时间（可不填）"</label>
                <input id="opens" name="opens" type="datetime-local" value=values.opens />
                <label for="closes">"结束时间（可不填）"</label>
                <input id="closes" name="closes" type="datetime-local" value=values.closes />
                <fieldset>
                    <legend>"测评项目"</legend>
                    <Choices
                        name="items"
                        options=vec![("both", "工作任务和成员单位"), ("tasks", "仅工作任务"), ("units", "仅成员单位")]
                        chosen=if items == "tasks" || items == "units" { items.clone() } else { "both".into() }
                    />
                </fieldset>
                <fieldset>
                    <legend>"评价等级"</legend>
                    <Choices
                        name="scale"
                        options=vec![("three", "满意 / 基本满意 / 不满意"), ("four", "满意 / 比较满意 / 基本满意 / 不满意")]
                        chosen=if scale == "four" { "four".into() } else { "three".into() }
                    />
                </fieldset>
                <label class="choice">
                    <input type="checkbox" name="comments" value="1" checked=values.comments />
                    "允许代表填写意见"
                </label>
                <p class="meta">"时间按北京时间填写。建立后可设置评估指标和计算方法，开始测评后这些设置不能再改。"</p>
                <button class="button primary" type="submit">"建立测评轮次"</button>
            </form>
        </StaffFrame>
    }
}

/// One delegation's turnout as shown: small groups hidden.
#[derive(Debug, Clone)]
pub struct DelegationLine {
    pub name: String,
    pub invited: i64,
    pub voted: i64,
}

/// `/desk/rounds/{id}`
#[component]
pub fn RoundDesk(
    who: Account,
    round: Round,
    items: usize,
    turnout: (i64, i64),
    delegations: Vec<DelegationLine>,
    non_voters: i64,
    codes: crate::server::repo::invite::CodeChecks,
    tellers: Option<TellerDesk>,
    /// What happened to the round and when: (action, stored time), oldest first.
    events: Vec<(String, String)>,
    notice: Option<String>,
    error: Option<String>,
) -> impl IntoView {
    let id = round.id;
    let history = events
        .into_iter()
        .map(|(action, at)| {
            let what = match action.as_str() {
                "create" => "建立",
                "open" => "开始测评",
                "close" => "结束测评",
                "reopen" => "重新开放",
                _ => "变更",
            };
            view! { <li>{format!("{what}：{}", human_time_zh(&at))}</li> }
        })
        .collect_view();
    let state = round.state;
    let (voted, invited) = turnout;
    let rate = (invited > 0).then(|| voted as f64 / invited as f64);
    // The one move the round can make next, and how loudly the button says it.
    let (next, class, words) = match state {
        RoundState::Draft => (RoundAction::Open, "button primary", "开始测评"),
        RoundState::Open => (RoundAction::Close, "button primary", "结束测评……"),
        RoundState::Closed => (RoundAction::Reopen, "button secondary", "重新开放……"),
    };
    let action = view! {
        <form method="post" action=format!("/desk/rounds/{id}/state")>
            <input type="hidden" name="action" value=next.as_str() />
            <button class=class type="submit">{words}</button>
        </form>
    };
    let no_codes = delegations.is_empty();
    let rows = delegations
        .into_iter()
        .map(|d| {
            let (v, r) = if d.voted < MIN_GROUP {
                ("不足5人".to_string(), "—".to_string())
            } else {
                (
                    d.voted.to_string(),
                    pct(Some(d.voted as f64 / d.invited.max(1) as f64)),
                )
            };
            view! {
                <tr>
                    <th scope="row">{d.name}</th>
                    <td class="num">{d.invited}</td>
                    <td class="num">{v}</td>
                    <td class="num">{r}</td>
                </tr>
            }
        })
        .collect_view();
    let config = round.results_config.clone();
    let notice = notice.map(|n| view! { <div class="alert alert-review" role="status">{n}</div> });
    view! {
        <StaffFrame who=Some(who)>
            <p class="crumb">
                <a href="/desk">"工作台"</a>
            </p>
            <h1>{round.name.clone()}</h1>
            <p class="lead-in">
                {format!(
                    "{} · {} 项 · {} 个评价等级 · {}",
                    state.label_zh(),
                    items,
                    round.scale.levels.len(),
                    if round.comments_allowed { "可填写意见" } else { "不收集意见" },
                )}
            </p>
            {notice}
            {alert(error)}
            <section class="card">
                <h2>"投票情况"</h2>
                <p class="big-number">
                    {format!("已投 {voted} / 应投 {invited}（{}）", pct(rate))}
                </p>
                <p class=if codes == Default::default() { "code-checks" } else { "code-checks alert alert-error" }>
                    {codes.zh()}
                </p>
                {no_codes.then(|| view! {
                    <p class="empty">
                        "还没有发放邀请码。在下面的“邀请码”一栏生成、打印邀请码，发给代表。"
                    </p>
                })}
                <div class="table-wrap" tabindex="0" role="region" aria-label="表格（可左右滑动）" hidden=no_codes>
                    <table class="results delegations">
                        <thead>
                            <tr>
                                <th>"代表团"</th>
                                <th class="num">"应投"</th>
                                <th class="num">"已投"</th>
                                <th class="num">"投票率"</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                <p class="meta">"已投不足5人的代表团不显示人数，以免推知个人。只显示是否投票，从不显示投票内容。"</p>
                <p>
                    {format!("尚未投票：{non_voters} 人。")}
                    <a href=format!("/desk/rounds/{id}/non-voters.csv")>"下载未投票名单（CSV）"</a>
                </p>
            </section>
            <section class="card">
                <h2>"测评状态"</h2>
                <p>
                    {format!(
                        "计划时间：{} — {}（北京时间）",
                        round.opens_at.as_deref().map(human_time).unwrap_or_else(|| "未定".into()),
                        round.closes_at.as_deref().map(human_time).unwrap_or_else(|| "未定".into()),
                    )}
                </p>
                <ul class="round-events" aria-label="实际时间">{history}</ul>
                {action}
            </section>
            <section class="card">
                <h2>"邀请码"</h2>
                <p>
                    <a href=format!("/desk/rounds/{id}/invitations")>"生成、打印、作废邀请码"</a>
                </p>
            </section>
            <TellersCard round_id=id state tellers />
            <Settings round_id=id config state />
            <section class="card">
                <h2>"结果与导出"</h2>
                <ul class="plain">
                    <li><a href=format!("/results/{id}")>"测评结果"</a></li>
                    <li><a href=format!("/desk/rounds/{id}/report")>"年度报告（可打印）"</a></li>
                    <li><a href=format!("/desk/rounds/{id}/export.xlsx")>"导出 Excel（XLSX）"</a></li>
                    <li><a href=format!("/desk/rounds/{id}/export.csv")>"导出结果（CSV）"</a></li>
                    <li><a href=format!("/desk/rounds/{id}/comments.csv")>"导出意见（CSV，随机顺序）"</a></li>
                    <li><a href=format!("/screen/{id}")>"会场大屏"</a></li>
                </ul>
            </section>
        </StaffFrame>
    }
}

/// How results are counted: editable while the round is a draft.
#[component]
fn Settings(round_id: i64, config: ResultsConfig, state: RoundState) -> impl IntoView {
    let draft = state == RoundState::Draft;
    let (denominator, n) = match config.denominator {
        Denominator::ValidBallots => ("valid", String::new()),
        Denominator::Invited(n) => ("invited", n.to_string()),
        Denominator::Present(n) => ("present", n.to_string()),
    };
    let weights = config
        .level_weights
        .as_ref()
        .map(|w| {
            w.iter()
                .map(|x| fmt_weight(*x))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default();
    view! {
        <section class="card">
            <h2>"计算方法"</h2>
            <p>
                <a href=format!("/desk/rounds/{round_id}/indicators")>"评估指标体系"</a>
            </p>
            <form method="post" action=format!("/desk/rounds/{round_id}/settings") class="office-form">
                <fieldset disabled=!draft>
                    <legend>"满意率的分母 N"</legend>
                    <Choices
                        name="denominator"
                        options=vec![("valid", "有效票数（该项已评价的票）"), ("invited", "应到代表人数"), ("present", "实到代表人数")]
                        chosen=denominator.to_string()
                    />
                    <label for="n">"人数（选应到或实到时填写）"</label>
                    <input id="n" name="n" value=n inputmode="numeric" />
                    <label for="group">"综合指数中代表与评估的权重（如 60,40）"</label>
                    <input
                        id="group"
                        name="group"
                        value=format!("{},{}", fmt_weight(config.group_weights.0), fmt_weight(config.group_weights.1))
                    />
                    <label for="levels">"各等级分值（留空为默认 100,60,0）"</label>
                    <input id="levels" name="levels" value=weights />
                    <label for="threshold">"满意率低于多少（%）标记为需重新办理"</label>
                    <input
                        id="threshold"
                        name="threshold"
                        value=fmt_weight(config.rework_threshold * 100.0)
                        inputmode="decimal"
                    />
                    <label class="choice">
                        <input type="checkbox" name="trim" value="1" checked=config.trim />
                        "评估人5人及以上时去掉一个最高分和一个最低分"
                    </label>
                </fieldset>
                <p class="meta">
                    {match state {
                        RoundState::Draft => {
                            "开始测评后，以上设置不能再改。结果在测评结束、监票人计票后才产生。"
                        }
                        RoundState::Open => "测评已开始，计算方法已锁定。",
                        RoundState::Closed => "测评已结束，计算方法已锁定。",
                    }}
                </p>
                {draft
                    .then(|| {
                        view! {
                            <button class="button secondary" type="submit">
                                "保存设置"
                            </button>
                        }
                    })}
            </form>
        </section>
    }
}

/// Where a round's tellers (监票人) and its count stand.
#[derive(Debug, Clone)]
pub struct TellerDesk {
    /// (name, ceremony steps posted, count share posted).
    pub lines: Vec<(String, usize, bool)>,
    /// Each teller's page with their token (`/teller/{round}/{n}#TOKEN`), for the office to
    /// hand to that teller alone.
    pub links: Vec<String>,
    pub threshold: usize,
    pub solo: bool,
    /// Hex, once the ceremony is complete.
    pub joint_key: Option<String>,
    /// (ballots, 1-based tellers who opened it), once counted.
    pub counted: Option<(i64, Vec<usize>)>,
    /// The checking period, in minutes after closing.
    pub check_minutes: u32,
    /// When it ends, while the round is closed, not counted and in it.
    pub check_until: Option<String>,
}

/// The tellers' card on the round's desk: who they are, their keys, the count.
#[component]
fn TellersCard(round_id: i64, state: RoundState, tellers: Option<TellerDesk>) -> impl IntoView {
    let id = round_id;
    // While the round is a draft, the office names (or renames) the tellers here.
    let name_form = |again: bool| {
        (state == RoundState::Draft).then(|| {
            view! {
                <form method="post" action=format!("/desk/rounds/{id}/tellers") class="office-form tellers-form">
                    <label for="teller-names">
                        {if again { "重新指定监票人（已生成的密钥和链接全部作废）" } else { "监票人姓名（用逗号分隔，默认3人）" }}
                    </label>
                    <input id="teller-names" name="names" required placeholder="张三,李四,王五" />
                    <label for="teller-threshold">"开启计票所需人数（不填则为过半数）"</label>
                    <input id="teller-threshold" name="threshold" inputmode="numeric" />
                    <label for="teller-check">
                        {format!("核对期（分钟，不填则为{}）：闭票后这段时间内不能开启计票，代表可查看自己的选票是否在列", crate::server::repo::tellers::DEFAULT_CHECK_MINUTES)}
                    </label>
                    <input id="teller-check" name="check_minutes" inputmode="numeric" />
                    <button class="button secondary" type="submit">
                        {if again { "重新指定" } else { "指定监票人" }}
                    </button>
                </form>
            }
        })
    };
    let Some(t) = tellers else {
        return view! {
            <section class="card tellers">
                <h2>"监票人"</h2>
                <p>"尚未指定监票人。选票在提交时即按监票人的联合公钥密封，只有足够多的监票人一起才能开启计票；没有监票人密钥，测评不能开始。"</p>
                {name_form(false)}
                <p class="meta">{format!("也可以用命令行：ceping tellers set --round {id} --names 甲,乙,丙")}</p>
                <p class="meta">{format!("仅供试用（一人保管全部密钥，选票不保密）：ceping tellers keygen --round {id} --solo --out-dir 目录")}</p>
            </section>
        }
        .into_any();
    };
    let again = name_form(true);
    let n = t.lines.len();
    let steps = crate::seal::ceremony::STEPS;
    let rows = t
        .lines
        .iter()
        .cloned()
        .enumerate()
        .zip(t.links.iter().cloned())
        .map(|((i, (name, done, shared)), link)| {
            let keys = if done >= steps {
                "已完成".to_string()
            } else {
                format!("{done}/{steps} 步")
            };
            view! {
                <tr>
                    <th scope="row">{format!("{}. {name}", i + 1)}</th>
                    <td>{keys}</td>
                    <td>{if shared { "已提交" } else { "—" }}</td>
                    <td>
                        <a class="teller-link" href=link.clone()>{format!("第{}位的页面", i + 1)}</a>
                    </td>
                </tr>
            }
        })
        .collect_view();
    let solo = t.solo.then(|| {
        view! {
            <div class="alert alert-error" role="note">
                "试用轮次：全部监票人密钥由一人生成并保管，本轮选票不保密，不能用于正式测评。"
            </div>
        }
    });
    let key = match &t.joint_key {
        Some(k) => format!("联合公钥已生成：{}…", &k[..16.min(k.len())]),
        None => format!(
            "联合公钥尚未生成：每位监票人打开自己的链接，在本机浏览器中生成密钥（或在自己的电脑上运行 ceping tellers keygen --round {id} --teller N --key 文件），全部完成后测评才能开始。"
        ),
    };
    let posted = t.lines.iter().filter(|l| l.2).count();
    let count = match (&t.counted, state) {
        (Some((ballots, who)), _) => Some(format!(
            "已计票：{ballots} 张选票，由监票人 {} 共同开启。",
            who.iter()
                .map(|w| w.to_string())
                .collect::<Vec<_>>()
                .join("、")
        )),
        (None, RoundState::Closed) if t.check_until.is_some() => Some(format!(
            "核对期至{}结束：代表们正在核对页面查看自己的选票是否在列，期间监票人不能提交计票份额。如有代表报告找不到自己的选票，请告知监票人暂不提交，并查明原因（截止时间未到的测评可以重新开启，再次结束后重新开始核对期）。",
            t.check_until.clone().unwrap_or_default()
        )),
        (None, RoundState::Closed) => Some(format!(
            "等待计票：已有 {posted}/{} 位监票人提交计票份额。监票人打开自己的链接、载入密钥文件开启计票（或运行 ceping round count {id} --key 自己的密钥文件）。",
            t.threshold
        )),
        _ => None,
    };
    view! {
        <section class="card tellers">
            <h2>"监票人"</h2>
            {solo}
            <p>
                {format!("{n} 位监票人，任意 {} 位可开启计票。", t.threshold)}
                {match t.check_minutes {
                    0 => "无核对期：闭票后即可计票。".to_string(),
                    m => format!("核对期：闭票后 {m} 分钟内不能开启计票。"),
                }}
            </p>
            <p class="meta">
                "请把每位监票人的页面链接单独交给本人（链接“#”之后是其凭证，不要转发给他人）。密钥在监票人自己的浏览器中生成，服务器只保存公开的部分。"
            </p>
            <div class="table-wrap" tabindex="0" role="region" aria-label="表格（可左右滑动）">
                <table class="results">
                    <thead>
                        <tr>
                            <th>"监票人"</th>
                            <th>"密钥"</th>
                            <th>"计票份额"</th>
                            <th>"链接"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <p class="meta">{key}</p>
            {count.map(|c| view! { <p class="count-state">{c}</p> })}
            {again}
        </section>
    }
    .into_any()
}

/// What a move of a round does, in words, for its confirmation page.
#[derive(Debug, Clone, Default)]
pub struct StateConsequences {
    /// Codes issued and not revoked, and how many were used.
    pub invited: i64,
    pub voted: i64,
    /// Who has not voted (label, delegation or number), as the office knows them.
    pub non_voters: Vec<String>,
    /// Evaluators with saved sheets they have not submitted: (login, sheets).
    pub unsubmitted: Vec<(String, i64)>,
    /// What opening freezes: one line each.
    pub freezes: Vec<String>,
}

/// At most this many names are listed; the rest are counted.
const LISTED: usize = 60;

fn names_list(names: &[String]) -> String {
    let shown = names
        .iter()
        .take(LISTED)
        .cloned()
        .collect::<Vec<_>>()
        .join("、");
    if names.len() > LISTED {
        format!("{shown}等{}人", names.len())
    } else {
        shown
    }
}

/// Every move of a round asks once more, saying what it does: what opening freezes for good,
/// who has not voted and whose scores are unsubmitted when closing.
#[component]
pub fn ConfirmState(
    who: Account,
    round: Round,
    action: RoundAction,
    consequences: StateConsequences,
) -> impl IntoView {
    let c = consequences;
    let (title, text, button) = match action {
        RoundAction::Open => (
            "确认开始测评",
            "开始后代表即可用邀请码投票。以下内容将锁定，整轮测评中不能再修改：",
            "确认开始",
        ),
        RoundAction::Close => (
            "确认结束测评",
            "结束后代表不能再投票，也不能修改已提交的测评；监票人计票后，结果在会场大屏公布。",
            "确认结束",
        ),
        RoundAction::Reopen => (
            "确认重新开放",
            "重新开放会被记录在审计日志中。开放期间代表可以继续投票和修改。",
            "确认重新开放",
        ),
    };
    let details = match action {
        RoundAction::Open => {
            let lines = c
                .freezes
                .into_iter()
                .map(|l| view! { <li>{l}</li> })
                .collect_view();
            view! {
                <ul class="consequences">{lines}</ul>
                <p>
                    {format!(
                        "已发放邀请码 {} 个。开始后再发放或补发须填写理由，并在投票情况、结果和报告中标出。",
                        c.invited,
                    )}
                </p>
            }
            .into_any()
        }
        RoundAction::Close => {
            let missing = c.invited - c.voted;
            let voters = if missing > 0 {
                view! {
                    <p class="non-voters">
                        <strong>{format!("尚有 {missing} 人未投票（已投 {}/{}）", c.voted, c.invited)}</strong>
                        {format!("：{}。结束后他们不能再投票。", names_list(&c.non_voters))}
                    </p>
                }
                .into_any()
            } else if c.invited == 0 {
                view! { <p>"本轮没有发放邀请码。"</p> }.into_any()
            } else {
                view! { <p>{format!("全部 {} 人均已投票。", c.invited)}</p> }.into_any()
            };
            let sheets = (!c.unsubmitted.is_empty()).then(|| {
                let list = c
                    .unsubmitted
                    .iter()
                    .map(|(login, n)| format!("{login}（已保存{n}项）"))
                    .collect::<Vec<_>>()
                    .join("、");
                view! {
                    <p class="unsubmitted">
                        <strong>"以下评估人员有已保存但未提交的评分"</strong>
                        {format!("：{list}。结束后这些评分不计入测评结果。")}
                    </p>
                }
            });
            view! {
                {voters}
                {sheets}
            }
            .into_any()
        }
        RoundAction::Reopen => ().into_any(),
    };
    let id = round.id;
    view! {
        <StaffFrame who=Some(who)>
            <h1>{title}</h1>
            <p class="lead-in">{round.name}</p>
            <p>{text}</p>
            {details}
            <form method="post" action=format!("/desk/rounds/{id}/state") class="office-form">
                <input type="hidden" name="action" value=action.as_str() />
                <input type="hidden" name="confirm" value="1" />
                <label for="note">"说明（可不填）"</label>
                <input id="note" name="note" />
                <div class="actions">
                    <button class="button primary" type="submit">{button}</button>
                    <a class="button secondary" href=format!("/desk/rounds/{id}")>"取消"</a>
                </div>
            </form>
        </StaffFrame>
    }
}

/// Revoking or reissuing a code asks once more, naming the code and what follows.
#[component]
pub fn ConfirmRevoke(
    who: Account,
    round: Round,
    row: InvitationRow,
    reissue: bool,
    reason: String,
) -> impl IntoView {
    let name = match (&row.label, &row.delegation) {
        (Some(l), Some(d)) => format!("{l}，{d}"),
        (Some(l), None) => l.clone(),
        (None, Some(d)) => d.clone(),
        (None, None) => "未填姓名".to_string(),
    };
    let n = row.id;
    let (title, text, button) = if reissue {
        (
            "确认补发邀请码",
            format!(
                "将作废第{n}号邀请码（{name}），并为同一位代表生成一个新码。原码随即不能再投票；新码只在下一页显示一次，请当场打印或交给本人。"
            ),
            "确认补发",
        )
    } else {
        (
            "确认作废邀请码",
            format!(
                "作废后，第{n}号邀请码（{name}）不能再投票，也不能恢复。如需让这位代表投票，请改用“补发”。"
            ),
            "确认作废",
        )
    };
    let id = round.id;
    let open = round.state == RoundState::Open;
    let reason_line = (reissue && open && !reason.is_empty()).then(
        || view! { <p>{format!("补发理由：{reason}（记入审计日志，并在投票情况中标出）")}</p> },
    );
    view! {
        <StaffFrame who=Some(who)>
            <h1>{title}</h1>
            <p class="lead-in">{round.name}</p>
            <p>{text}</p>
            {reason_line}
            <form
                method="post"
                action=format!("/desk/rounds/{id}/invitations/{n}/revoke")
                class="office-form"
            >
                <input type="hidden" name="confirm" value="1" />
                {reissue.then(|| view! { <input type="hidden" name="reissue" value="1" /> })}
                <input type="hidden" name="reason" value=reason.clone() />
                <div class="actions">
                    <button class="button primary" type="submit">{button}</button>
                    <a class="button secondary" href=format!("/desk/rounds/{id}/invitations")>
                        "取消"
                    </a>
                </div>
            </form>
        </StaffFrame>
    }
}

/// A slip to print: one deputy's code.
#[derive(Debug, Clone)]
pub struct Slip {
    pub label: Option<String>,
    pub delegation: Option<String>,
    pub code: String,
    pub link: String,
    /// The link as a QR code (SVG markup made on the server from the link; trusted).
    pub qr_svg: String,
}

/// The printable A4 sheet of slips, shown once right after the codes are made.
#[component]
pub fn SlipSheet(
    who: Account,
    round_id: i64,
    round_name: String,
    slips: Vec<Slip>,
    /// The same codes as a CSV, for a `data:` download link.
    csv_data_url: String,
) -> impl IntoView {
    let n = slips.len();
    let cards = slips
        .into_iter()
        .map(|s| {
            let who = match (&s.label, &s.delegation) {
                (Some(l), Some(d)) => format!("{l}（{d}）"),
                (Some(l), None) => l.clone(),
                (None, Some(d)) => d.clone(),
                (None, None) => String::new(),
            };
            view! {
                <div class="slip">
                    <div class="slip-qr" inner_html=s.qr_svg></div>
                    <div class="slip-text">
                        <p class="slip-title">{round_name.clone()}</p>
                        <p class="slip-who">{who}</p>
                        <p class="slip-code">{s.code}</p>
                        <p class="slip-link">{s.link}</p>
                        <p class="slip-help">
                            "用手机扫描二维码，或在浏览器打开上面的网址。测评不记名，每个邀请码只能提交一次，请勿转交他人。"
                        </p>
                    </div>
                </div>
            }
        })
        .collect_view();
    view! {
        <StaffFrame who=Some(who)>
            <div class="no-print">
                <h1>{format!("已生成 {n} 个邀请码")}</h1>
                <div class="alert alert-error" role="alert">
                    "邀请码只显示这一次，系统只保存其摘要。请现在打印本页或下载CSV，妥善保管。"
                </div>
                <p>
                    <a class="button secondary" href=csv_data_url download=format!("邀请码-{round_id}.csv")>
                        "下载邀请码（CSV）"
                    </a>
                    " "
                    <a href=format!("/desk/rounds/{round_id}/invitations")>"返回邀请码管理"</a>
                </p>
                <p class="meta">"用浏览器的“打印”即可按A4纸打印，每页8张，沿虚线裁开。"</p>
            </div>
            <div class="slips">{cards}</div>
        </StaffFrame>
    }
}

/// `/desk/rounds/{id}/invitations`: make codes, and the list with revoke / reissue.
#[component]
pub fn InvitationsPage(
    who: Account,
    round_id: i64,
    round_name: String,
    closed: bool,
    /// The round is open: codes made now need a reason.
    open: bool,
    rows: Vec<InvitationRow>,
    error: Option<String>,
    names: String,
    /// The key of the batch the form makes (posted twice, it makes one).
    batch: String,
) -> impl IntoView {
    let total = rows.len();
    let late = rows.iter().filter(|r| r.late_reason.is_some()).count();
    let list = rows
        .into_iter()
        .map(|r| {
            let state = if r.revoked {
                "已作废"
            } else if r.used {
                "已投票"
            } else {
                "未投票"
            };
            let late = r.late_reason.clone().map(|why| {
                view! { <span class="late-code">{format!("开始后发放：{why}")}</span> }
            });
            let actions = (!r.revoked && !r.used && !closed).then(|| {
                let base = format!("/desk/rounds/{round_id}/invitations/{}", r.id);
                let reason = open.then(|| {
                    view! {
                        <input
                            name="reason"
                            required
                            maxlength=crate::server::repo::invite::MAX_REASON_CHARS.to_string()
                            placeholder="补发理由（必填）"
                            aria-label="补发理由"
                        />
                    }
                });
                view! {
                    <form method="post" action=format!("{base}/revoke") class="inline">
                        <input type="hidden" name="reissue" value="1" />
                        {reason}
                        <button class="link-button" type="submit">"补发"</button>
                    </form>
                    " "
                    <form method="post" action=format!("{base}/revoke") class="inline">
                        <button class="link-button" type="submit">"作废"</button>
                    </form>
                }
            });
            view! {
                <tr>
                    <td class="num">{r.id}</td>
                    <td>{r.label.unwrap_or_default()}</td>
                    <td>{r.delegation.unwrap_or_default()}</td>
                    <td>{state} {late}</td>
                    <td>{actions}</td>
                </tr>
            }
        })
        .collect_view();
    let make = (!closed).then(|| {
        view! {
            <form method="post" action=format!("/desk/rounds/{round_id}/invitations") class="card office-form">
                <input type="hidden" name="batch" value=batch />
                <h2>"生成邀请码"</h2>
                <label for="names">"代表名单：每行一人，“姓名,代表团”（可从Excel复制两列粘贴）"</label>
                <textarea id="names" name="names" rows="8">{textarea_text(&names)}</textarea>
                <label for="count">"或只填数量（不记姓名）"</label>
                <input id="count" name="count" inputmode="numeric" />
                {open
                    .then(|| {
                        view! {
                            <label for="reason">"发放理由（测评已开始，必填）"</label>
                            <input
                                id="reason"
                                name="reason"
                                required
                                maxlength=crate::server::repo::invite::MAX_REASON_CHARS.to_string()
                            />
                            <p class="meta">
                                "测评开始后发放或补发的邀请码会在本页和审计日志中标出，数量印在测评结果和报告上。"
                            </p>
                        }
                    })}
                <button class="button primary" type="submit">"生成并打印"</button>
            </form>
        }
    });
    view! {
        <StaffFrame who=Some(who)>
            <p class="crumb">
                <a href=format!("/desk/rounds/{round_id}")>{round_name}</a>
            </p>
            <h1>"邀请码"</h1>
            {alert(error)}
            {make}
            <section class="card">
                <h2>{format!("已生成 {total} 个")}</h2>
                {(late > 0)
                    .then(|| {
                        view! {
                            <p class="late-codes">{format!("其中测评开始后发放或补发 {late} 个（理由见状态栏）。")}</p>
                        }
                    })}
                {(total == 0).then(|| view! {
                    <p class="empty">
                        {if closed {
                            "本轮没有发放邀请码。"
                        } else {
                            "还没有邀请码。在上面填入代表名单（或人数），点“生成并打印”。"
                        }}
                    </p>
                })}
                <p class="meta" hidden=total == 0>"“补发”作废原邀请码并为同一代表生成新码；已投的票仍然有效。"</p>
                <div class="table-wrap" tabindex="0" role="region" aria-label="表格（可左右滑动）" hidden=total == 0>
                    <table class="results">
                        <thead>
                            <tr>
                                <th class="num">"编号"</th>
                                <th>"姓名"</th>
                                <th>"代表团"</th>
                                <th>"状态"</th>
                                <th></th>
                            </tr>
                        </thead>
                        <tbody>{list}</tbody>
                    </table>
                </div>
            </section>
        </StaffFrame>
    }
}

/// A stored instant (RFC 3339, UTC) in Beijing time to the second; anything else as it is.
fn beijing_time(stored: &str) -> String {
    match crate::clock::stored_in_beijing(stored) {
        Some(t) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
        None => stored.to_string(),
    }
}

/// `/desk/audit`: the newest entries and whether the chain is intact.
#[component]
pub fn AuditPage(
    who: Account,
    entries: Vec<crate::audit::Entry>,
    status: Result<(i64, String), String>,
    signed: Option<String>,
) -> impl IntoView {
    let signed = signed.map(|line| {
        view! {
            <p class="hint">"签名链头（交人大常委会或第三方评估机构留存；日后用 "
                <code>"ceping audit verify --expect-head"</code>" 核对）："</p>
            <p><code class="signed-head">{line}</code></p>
        }
    });
    let status = match status {
        Ok((seq, hash)) => view! {
            <div class="alert alert-review" role="status">
                {format!("审计日志完整：共 {seq} 条。链头 {seq}:{hash}")}
            </div>
        }
        .into_any(),
        Err(e) => view! {
            <div class="alert alert-error" role="alert">{format!("审计日志被改动：{e}")}</div>
        }
        .into_any(),
    };
    use crate::audit::describe::{action_zh, detail_zh};
    let rows = entries
        .into_iter()
        .map(|e| {
            // In Chinese, with the stored code in the cell's title (what the chain covers).
            let action = action_zh(&e.action).map_or_else(|| e.action.clone(), str::to_string);
            let details = detail_zh(&e.detail)
                .into_iter()
                .map(|(name, value)| {
                    // Instants are stored in UTC: shown in Beijing time, saying so.
                    let value = match chrono::DateTime::parse_from_rfc3339(&value) {
                        Ok(t) => crate::clock::time_zh(t.with_timezone(&chrono::Utc)),
                        Err(_) => value,
                    };
                    let text = if name.is_empty() {
                        value
                    } else {
                        format!("{name}：{value}")
                    };
                    view! { <span class="detail-item">{text}</span> }
                })
                .collect_view();
            view! {
                <tr>
                    <td class="num">{e.seq}</td>
                    <td>{beijing_time(&e.at)}</td>
                    <td>{e.actor}</td>
                    <td title=e.action>{action}</td>
                    <td>{e.subject}</td>
                    <td class="detail" title=e.detail>{details}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <StaffFrame who=Some(who)>
            <h1>"审计日志"</h1>
            {status}
            {signed}
            <div class="table-wrap" tabindex="0" role="region" aria-label="表格（可左右滑动）">
                <table class="results audit">
                    <thead>
                        <tr>
                            <th class="num">"序号"</th>
                            <th>"时间（北京时间）"</th>
                            <th>"操作人"</th>
                            <th>"操作"</th>
                            <th>"对象"</th>
                            <th>"详情"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </StaffFrame>
    }
}
