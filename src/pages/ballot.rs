//! The deputy's ballot: opened from `/v/CODE`, rated item by item, reviewed, submitted.
//!
//! The form is plain HTML posted to the same URL (`server::ballot_http`), so it works with
//! JavaScript off; the `BallotHelper` island adds a live count and a draft kept in the browser.

use crate::api::ballot::open_ballot;
use crate::components::format::human_time_zh;
use crate::components::islands::{
    BallotHelper, CastGuard, IslandScripts, ReceiptFill, ReceiptKeeper,
};
use crate::components::textarea_text;
use crate::model::ballot::{BallotForm, BallotGate, BallotItem, Refused};
use leptos::prelude::*;
use leptos_meta::Title;
use std::collections::HashMap;

/// Values to put back into the form (review step, revision, or after an error).
#[derive(Debug, Clone, Default)]
pub struct Prefill {
    /// item → (level key, comment)
    pub choices: HashMap<String, (Option<String>, Option<String>)>,
    pub comment: Option<String>,
    /// Present when revising a cast ballot: sent back as a hidden field.
    pub receipt: Option<String>,
}

/// The review step: what the deputy is about to cast, in counts and short lists, with the whole
/// ballot carried in hidden fields (nothing is stored before it is cast).
#[derive(Debug, Clone)]
pub struct Summary {
    pub rated: usize,
    pub total: usize,
    /// (level label, how many items have it), best level first.
    pub per_level: Vec<(String, usize)>,
    /// (item id, its title) of the items left 未评价.
    pub unrated: Vec<(String, String)>,
    /// The lowest level's label (不满意), and the items rated with it.
    pub lowest: (String, Vec<(String, String)>),
    /// How many items carry a comment, and whether there is an overall one.
    pub comments: usize,
    pub overall: bool,
    /// The form fields that cast this ballot: choices, comments, key, receipt.
    pub fields: Vec<(String, String)>,
    pub revising: bool,
}

/// The route `/v/:code`.
#[component]
pub fn BallotPage() -> impl IntoView {
    let code = leptos_router::hooks::use_params_map()
        .with_untracked(|p| p.get("code"))
        .unwrap_or_default();
    let shown_code = canonical_code(&code);
    super::load_page(
        async move { open_ballot(code).await },
        move |gate| match gate {
            BallotGate::Open(form) => view! {
                <BallotDocument form code=shown_code prefill=Prefill::default() error=None />
            }
            .into_any(),
            BallotGate::Refused {
                reason,
                round_name,
                opens_at,
            } => view! { <RefusalView reason round_name opens_at code=shown_code /> }.into_any(),
        },
    )
}

/// The code as the pages and the browser's storage key it: letters and digits, upper case
/// (what `InviteCode::parse` keeps of a valid code).
pub fn canonical_code(raw: &str) -> String {
    raw.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The frame of every ballot page: round name on top, nothing else to tap away to.
#[component]
pub fn BallotFrame(round_name: Option<String>, children: Children) -> impl IntoView {
    view! {
        <header class="top">
            <span class="brand">"测评"</span>
            <span class="plan-name">{round_name}</span>
        </header>
        <main class="page ballot-page">{children()}</main>
    }
}

/// `/v`: where a deputy who cannot scan the invitation's QR code types the code instead.
#[component]
pub fn CodeEntryView(typed: String, error: Option<String>) -> impl IntoView {
    view! {
        <Title text="输入邀请码" />
        <BallotFrame round_name=None>
            <section class="code-entry">
                <h1>"输入邀请码"</h1>
                <p>"不方便扫描二维码时，请输入邀请函上的20位邀请码（字母不分大小写，短横线可不输）。"</p>
                {error.map(|e| view! { <div class="alert alert-error" role="alert">{e}</div> })}
                <form method="post" action="/v" class="card receipt-form" accept-charset="utf-8">
                    <label for="code">"邀请码"</label>
                    <input
                        id="code"
                        name="code"
                        required
                        autocomplete="off"
                        autocapitalize="characters"
                        spellcheck="false"
                        inputmode="text"
                        placeholder="XXXXX-XXXXX-XXXXX-XXXXX"
                        value=typed
                    />
                    <button class="button primary" type="submit">"打开测评"</button>
                </form>
            </section>
        </BallotFrame>
    }
}

/// `/v/CODE/done` for a used code whose confirmation this browser does not hold (cookies
/// blocked, or the quarter hour past): the ballot was received; its receipt cannot be shown
/// again, by design.
#[component]
pub fn ReceivedView(round_name: String, code: String) -> impl IntoView {
    view! {
        <Title text="测评已收到" />
        <BallotFrame round_name=Some(round_name)>
            <section class="confirm" role="status">
                <h1>"测评已收到"</h1>
                <p>"这个邀请码的测评已经提交并密封保存。"</p>
                <p>
                    "如果您刚刚提交却没有看到回执码，可能是浏览器禁止了 Cookie，或者已超过15分钟：回执码只在提交后显示，不能再显示。没有回执码不影响您的测评计入结果，只是不能再修改。"
                </p>
                <p>
                    <a href=format!("/v/{code}")>"如果您没有提交过测评，请点这里报告"</a>
                </p>
            </section>
        </BallotFrame>
    }
}

/// After a deputy reported that their code was used by someone else: what happens now, and
/// whom to tell in person.
#[component]
pub fn ReportedView(round_name: String, tellers: Option<String>) -> impl IntoView {
    let tellers = tellers.map(|t| format!("，以及本轮的监票人（{t}）"));
    view! {
        <Title text="已记录您的报告" />
        <BallotFrame round_name=Some(round_name)>
            <section class="refusal reported">
                <h1>"已记录您的报告"</h1>
                <p>
                    "您报告了这个邀请码在您没有提交的情况下显示“已提交”。报告已经记下（只记日期），办公室页面、测评结果和报告上都会显示此类报告的数量。"
                </p>
                <p>
                    {format!(
                        "请尽快当面或电话告知领导小组办公室{}。说明您没有投票即可，不必说明您的选择。",
                        tellers.unwrap_or_default(),
                    )}
                </p>
            </section>
        </BallotFrame>
    }
}

/// A page that explains why a code link does not open a ballot.
#[component]
pub fn RefusalView(
    reason: Refused,
    round_name: Option<String>,
    opens_at: Option<String>,
    code: String,
) -> impl IntoView {
    let when = opens_at
        .filter(|_| reason == Refused::NotOpen)
        .map(|t| view! { <p class="meta">{format!("计划开始时间：{}", human_time_zh(&t))}</p> });
    let revise = (reason == Refused::AlreadyUsed).then(|| {
        view! {
            <form method="post" action=format!("/v/{code}/revise") class="card receipt-form">
                <label for="receipt">"回执码"</label>
                <input
                    id="receipt"
                    name="receipt"
                    required
                    autocomplete="off"
                    autocapitalize="characters"
                    spellcheck="false"
                    placeholder="XXXXX-XXXXX-XXXXX-XXXXX"
                />
                <button class="button" type="submit">"修改我的测评"</button>
            </form>
            <ReceiptFill code=code.clone() />
            <IslandScripts />
            <section class="card not-mine">
                <h2>"我没有提交过测评"</h2>
                <p>
                    "如果您从未用这个邀请码提交过，说明有人用了您的邀请码。请点下面的按钮报告（办公室和测评结果都会显示报告的数量），并尽快当面告知领导小组办公室和监票人。"
                </p>
                <form method="post" action=format!("/v/{code}/report")>
                    <button class="button secondary" type="submit">"报告：我没有提交过"</button>
                </form>
            </section>
        }
    });
    view! {
        <Title text=reason.title() />
        <BallotFrame round_name>
            <section class="refusal" data-reason=format!("{reason:?}")>
                <h1>{reason.title()}</h1>
                <p>{reason.message()}</p>
                {when}
            </section>
            {revise}
        </BallotFrame>
    }
}

fn item_view(item: BallotItem, form: &BallotForm, prefill: &Prefill) -> impl IntoView + use<> {
    let (chosen, comment) = prefill.choices.get(&item.item).cloned().unwrap_or_default();
    let field = format!("r.{}", item.item);
    let levels = form
        .levels
        .iter()
        .map(|l| {
            let checked = chosen.as_deref() == Some(l.key.as_str());
            view! {
                <label class=format!("level level-{}", l.key)>
                    <input type="radio" name=field.clone() value=l.key.clone() checked=checked />
                    <span>{l.label.clone()}</span>
                </label>
            }
        })
        .collect_view();
    let max = form.comment_max_chars;
    let comment_box = form.comments_allowed.then(|| {
        let open = comment.is_some();
        view! {
            <details class="comment" open=open>
                <summary>"写意见（可选）"</summary>
                <textarea
                    name=format!("c.{}", item.item)
                    rows="3"
                    maxlength=max
                    aria-label="意见"
                >
                    {textarea_text(comment.unwrap_or_default())}
                </textarea>
                <span class="counter" data-max=max aria-live="polite">
                    {format!("最多{max}字")}
                </span>
            </details>
        }
    });
    let is_task = item.item.starts_with('t');
    let who = if is_task {
        let mut parts = Vec::new();
        if !item.lead.is_empty() {
            parts.push(format!("牵头：{}", item.lead.join("、")));
        }
        if !item.responsible.is_empty() {
            parts.push(format!("责任：{}", item.responsible.join("、")));
        }
        view! { <p class="who">{parts.join("；")}</p> }.into_any()
    } else {
        view! {
            <p class="who">{item.note.clone().unwrap_or_default()}</p>
            {unit_tasks(&item.tasks)}
        }
        .into_any()
    };
    let body = item.body.map(|b| {
        view! {
            <details class="fulltext">
                <summary>"任务全文"</summary>
                <p>{b}</p>
            </details>
        }
    });
    let label =
        (!item.label.is_empty()).then(|| view! { <span class="task-no">{item.label}</span> });
    // The year of handling, as the public board has it: colour in words, one line, the record.
    let year = item.year.map(|y| {
        view! {
            <a class=format!("year rag-{}", y.rag) href=y.href>
                <b>{y.label}</b>" "{y.line}
            </a>
        }
    });
    view! {
        <fieldset class="item" id=format!("i-{}", item.item) data-item=item.item.clone()>
            <legend>{label} {item.heading}</legend>
            {body}
            {who}
            {year}
            <div class="levels" data-n=form.levels.len() role="radiogroup">{levels}</div>
            <label class="clear">
                <input type="radio" name=field.clone() value="" />
                <span>"清除选择"</span>
            </label>
            {comment_box}
        </fieldset>
    }
}

/// A unit card's tasks: those it leads, then those it shares, each a link to the task's item
/// on this ballot (when the round rates tasks).
fn unit_tasks(tasks: &[crate::model::ballot::TaskLink]) -> impl IntoView + use<> {
    if tasks.is_empty() {
        return view! { <p class="ballot-unit-tasks">"方案中没有它牵头或参与的任务。"</p> }
            .into_any();
    }
    let group = |lead: bool, name: &'static str| {
        let list: Vec<_> = tasks.iter().filter(|t| t.lead == lead).cloned().collect();
        (!list.is_empty()).then(|| {
            let links = list
                .into_iter()
                .map(|t| match t.item {
                    Some(item) => view! { <a href=format!("#i-{item}")>{t.label}</a> }.into_any(),
                    None => view! { <span>{t.label}</span> }.into_any(),
                })
                .collect_view();
            view! {
                <span class="task-group">
                    <span class="task-role">{name}</span>
                    {links}
                </span>
            }
        })
    };
    view! { <p class="ballot-unit-tasks">{group(true, "牵头任务")} {group(false, "参与任务")}</p> }
        .into_any()
}

/// The id of a ballot section's anchor.
fn section_anchor(index: usize) -> String {
    format!("s-{}", index + 1)
}

/// The whole ballot document: intro, section index, live count, items by section, overall
/// comment, the review button.
#[component]
pub fn BallotDocument(
    form: BallotForm,
    code: String,
    prefill: Prefill,
    error: Option<String>,
) -> impl IntoView {
    let total = form.total();
    let tasks: usize = form
        .sections
        .iter()
        .flat_map(|s| &s.items)
        .filter(|i| i.item.starts_with('t'))
        .count();
    let units = total - tasks;
    let intro = format!(
        "请对以下{tasks}项任务和{units}个成员单位逐项评价，每项只选一个等级。未评价的项目记为“未评价”，不计入该项的有效票。测评为无记名：工作人员只能看到是否已提交，看不到您的选择。"
    );
    let closes = form
        .closes_at
        .as_ref()
        .map(|t| view! { <p class="meta">{format!("截止时间：{}", human_time_zh(t))}</p> });
    let error_box = error.map(|e| {
        view! {
            <div class="alert alert-error" role="alert">
                <strong>"未能提交："</strong>
                {e}
            </div>
        }
    });
    let revising = prefill.receipt.is_some();
    let receipt_field = prefill
        .receipt
        .clone()
        .map(|r| view! { <input type="hidden" name="receipt" value=r /> });
    let index = form
        .sections
        .iter()
        .enumerate()
        .map(|(n, s)| {
            view! {
                <li>
                    <a href=format!("#{}", section_anchor(n))>{s.title.clone()}</a>
                    <span class="meta">{format!("{}项", s.items.len())}</span>
                </li>
            }
        })
        .collect_view();
    let sections = form
        .sections
        .iter()
        .cloned()
        .enumerate()
        .map(|(n, s)| {
            let items = s
                .items
                .into_iter()
                .map(|i| item_view(i, &form, &prefill))
                .collect_view();
            view! {
                <section class="ballot-section" id=section_anchor(n)>
                    <h2>{s.title}</h2>
                    {items}
                </section>
            }
        })
        .collect_view();
    let overall = form.comments_allowed.then(|| {
        let max = form.comment_max_chars;
        view! {
            <section class="card overall">
                <label for="overall">"总体意见和建议（可选）"</label>
                <textarea id="overall" name="comment" rows="4" maxlength=max>
                    {textarea_text(prefill.comment.clone().unwrap_or_default())}
                </textarea>
                <span class="counter" data-max=max aria-live="polite">
                    {format!("最多{max}字")}
                </span>
            </section>
        }
    });
    let title = if revising {
        "修改测评"
    } else {
        "满意度测评"
    };
    view! {
        <Title text=title />
        <BallotFrame round_name=Some(form.round_name.clone())>
            <h1>{title}</h1>
            <p class="proposal">{form.plan_title.clone()}</p>
            {closes}
            <p class="lead-in">{intro}</p>
            <noscript>
                <p class="alert alert-info no-script" role="note">
                    "本页未启用JavaScript：刷新或离开本页，已选的内容都会清空。请一次填完，再点页面底部的“检查并提交”；检查页面上可以返回修改，选择不会丢失。"
                </p>
            </noscript>
            {revising
                .then(|| {
                    view! {
                        <p class="alert alert-info revise-blank" role="note">
                            "选票已密封保存，任何人（包括本系统）都无法再显示您原来的选择。请重新填写全部内容；确认修改后，将整张替换原来的测评。"
                        </p>
                    }
                })}
            {error_box}
            <nav class="section-index" aria-label="测评内容">
                <ol>{index}</ol>
            </nav>
            <form
                method="post"
                action=format!("/v/{code}")
                id="ballot"
                class="ballot"
                accept-charset="utf-8"
                data-round=form.round_id
                data-total=total
            >
                <input type="hidden" name="idem" value=form.idem.clone() />
                {receipt_field}
                <BallotHelper round=form.round_id total=total code=code.clone() />
                {sections}
                {overall}
                <div class="submit-row" id="submit-row">
                    <button class="button primary" type="submit" name="action" value="review">
                        "检查并提交"
                    </button>
                </div>
            </form>
            <IslandScripts />
        </BallotFrame>
    }
}

/// The review step: counts per level, the items left unrated and those rated lowest (each a
/// way back to it on the form), and the confirm button at the top and at the bottom. Plain
/// HTML: the ballot travels in hidden fields, so this works with JavaScript off.
#[component]
pub fn ReviewView(form: BallotForm, code: String, summary: Summary) -> impl IntoView {
    let Summary {
        rated,
        total,
        per_level,
        unrated,
        lowest: (lowest_label, lowest),
        comments,
        overall,
        fields,
        revising,
    } = summary;
    let confirm = if revising {
        "确认修改"
    } else {
        "确认提交"
    };
    let back_to = |list: Vec<(String, String)>, class: &'static str| {
        let code = code.clone();
        let items = list
            .into_iter()
            .map(|(item, name)| {
                view! {
                    <li>
                        <button
                            class="link-button"
                            type="submit"
                            name="action"
                            value="edit"
                            formaction=format!("/v/{code}#i-{item}")
                        >
                            {name}
                        </button>
                    </li>
                }
            })
            .collect_view();
        view! { <ul class=class>{items}</ul> }
    };
    let unrated_box = if unrated.is_empty() {
        view! { <p class="all-rated">"全部项目均已评价。"</p> }.into_any()
    } else {
        view! {
            <h2>{format!("未评价 {} 项", unrated.len())}</h2>
            <p class="meta">"提交后记为“未评价”，不计入该项的有效票。点名称可返回去评价。"</p>
            {back_to(unrated, "unrated")}
        }
        .into_any()
    };
    let lowest_box = (!lowest.is_empty()).then(|| {
        view! {
            <h2>{format!("评为“{lowest_label}”的 {} 项", lowest.len())}</h2>
            <p class="meta">"请确认这些是您的本意。点名称可返回修改。"</p>
            {back_to(lowest, "lowest")}
        }
    });
    let counts = per_level
        .into_iter()
        .map(|(label, n)| (label, n, ""))
        .chain(std::iter::once((
            "未评价".to_string(),
            total - rated,
            "none",
        )))
        .map(|(label, n, class)| view! { <li class=class><span>{label}</span><b>{n}</b></li> })
        .collect_view();
    let comment_line = match (comments, overall) {
        (0, false) => "没有填写意见。".to_string(),
        (n, false) => format!("填写了 {n} 条分项意见。"),
        (0, true) => "填写了总体意见。".to_string(),
        (n, true) => format!("填写了 {n} 条分项意见和总体意见。"),
    };
    let hidden = fields
        .into_iter()
        .map(|(name, value)| view! { <input type="hidden" name=name value=value /> })
        .collect_view();
    let heading = if revising {
        "核对修改"
    } else {
        "核对后提交"
    };
    view! {
        <Title text=heading />
        <BallotFrame round_name=Some(form.round_name.clone())>
            <form
                method="post"
                action=format!("/v/{code}")
                id="review"
                class="review"
                accept-charset="utf-8"
            >
                {hidden}
                <h1>{heading}</h1>
                <p class="review-total">
                    <strong>{format!("已评 {rated}/{total} 项")}</strong>
                    {format!("。{comment_line}")}
                </p>
                <div class="submit-row first">
                    <button class="button primary" type="submit" name="action" value="submit">
                        {confirm}
                    </button>
                </div>
                <ul class="level-counts">{counts}</ul>
                {unrated_box}
                {lowest_box}
                <p class="meta">
                    "提交后本轮测评结束前可凭回执码修改。选票在提交时即加密密封，任何人都看不到您的选择。"
                </p>
                <div class="submit-row">
                    <button class="button primary" type="submit" name="action" value="submit">
                        {confirm}
                    </button>
                    <button class="button secondary" type="submit" name="action" value="edit">
                        "返回修改"
                    </button>
                </div>
            </form>
            <CastGuard code=code.clone() />
            <IslandScripts />
        </BallotFrame>
    }
}

/// Shown once a ballot is cast or revised.
#[component]
pub fn ConfirmView(
    round_id: i64,
    round_name: String,
    code: String,
    /// The receipt to show (new ballots and repeated posts); None after a revision.
    receipt: Option<String>,
    revised: bool,
    rated: usize,
    total: usize,
    /// The sealed ballot's tracking code, to find it in the round's published record.
    tracking: Option<String>,
) -> impl IntoView {
    let tracking_box = tracking.map(|t| {
        view! {
            <section class="card tracking">
                <h2>"选票核对码"</h2>
                <p class="tracking-code">{t}</p>
                <p>
                    "您的选票已加密密封，任何人（包括本系统）都无法单独读出。测评结束后、监票人计票之前，可以在核对页面用核对码确认您的选票已被保存；计票后它也出现在公开的选票记录中。核对码不显示您的选择。"
                </p>
                <p>
                    <a href=format!("/track/{round_id}")>"核对页面"</a>
                </p>
            </section>
        }
    });
    let heading = if revised {
        "修改已保存"
    } else {
        "测评已提交"
    };
    let receipt_box = receipt.clone().map(|r| {
        view! {
            <section class="card receipt">
                <h2>"您的回执码"</h2>
                <p class="receipt-code">{r}</p>
                <p>
                    "在本轮测评结束前，凭邀请码和回执码可以修改您的测评。回执码只显示这一次，请抄写或截图保存；遗失后将无法修改。"
                </p>
                <p class="meta">"回执码与您的选择之间的对应只有您知道，工作人员无法据此查看您的选择。"</p>
            </section>
        }
    });
    view! {
        <Title text=heading />
        <BallotFrame round_name=Some(round_name)>
            <section class="confirm" role="status">
                <h1>{heading}</h1>
                <p>{format!("共评价 {rated}/{total} 项。感谢您的参与！")}</p>
            </section>
            {receipt_box}
            <ReceiptKeeper round=round_id code=code receipt=receipt.unwrap_or_default() />
            {tracking_box}
            <IslandScripts />
        </BallotFrame>
    }
}

/// What a deputy's tracking-code check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrackFound {
    /// Nothing asked yet.
    Asked,
    /// The code is one of the round's sealed ballots.
    Found,
    /// No sealed ballot of the round has this code.
    Missing,
    /// Not a tracking code.
    Malformed,
}

/// `/track/{round}`: a deputy checks that their sealed ballot is among the round's stored
/// ballots, by the tracking code their confirmation page showed. A plain GET form.
#[component]
pub fn TrackView(
    round_id: i64,
    round_name: String,
    /// The round has closed: the ballots are final and can be checked.
    closed: bool,
    counted: bool,
    ballots: u64,
    /// Once closed: the fingerprint of every stored ballot's tracking code.
    list: Option<String>,
    /// While the closed round is in its checking period: when it ends (Beijing time).
    check_until: Option<String>,
    asked: String,
    found: TrackFound,
) -> impl IntoView {
    let answer = match found {
        TrackFound::Asked => None,
        TrackFound::Found => Some(view! {
            <div class="alert alert-review track-found" role="status">
                {format!("找到了：核对码 {asked} 的选票在本轮 {ballots} 张密封选票之中，将按原样计票。")}
            </div>
        }.into_any()),
        TrackFound::Missing => Some(view! {
            <div class="alert alert-error track-missing" role="alert">
                {format!("没有找到核对码 {asked} 的选票。请核对输入；如确认无误，请立即告知监票人和领导小组办公室（在监票人计票之前）。")}
            </div>
        }.into_any()),
        TrackFound::Malformed => Some(view! {
            <div class="alert alert-error" role="alert">
                "核对码应为16位字母和数字，如 7K3Q-XM9T-RB4F-2W8N。"
            </div>
        }.into_any()),
    };
    let body = if closed {
        view! {
            <p>
                {if counted {
                    "本轮已经计票。输入提交测评时得到的选票核对码，确认您的选票在计票的选票之中。"
                } else {
                    "测评已结束，监票人计票之前，请输入提交测评时得到的选票核对码，确认您的选票已被保存。"
                }}
            </p>
            {check_until.map(|until| view! {
                <div class="alert alert-review track-checking" role="note">
                    {format!("核对期至{until}结束，期间不开启计票。请现在核对；如果找不到您的选票，请在核对期内告知监票人和领导小组办公室。")}
                </div>
            })}
            {answer}
            <form method="get" action=format!("/track/{round_id}") class="card receipt-form">
                <label for="t">"选票核对码"</label>
                <input
                    id="t"
                    name="t"
                    required
                    autocomplete="off"
                    autocapitalize="characters"
                    spellcheck="false"
                    placeholder="XXXX-XXXX-XXXX-XXXX"
                    value=asked.clone()
                />
                <button class="button" type="submit">"核对"</button>
            </form>
            <p class="meta">"核对码由密封的选票计算得出，不显示您的选择；任何人都不能凭它知道您如何评价。"</p>
            {list.map(|l| {
                view! {
                    <section class="card ballot-list">
                        <h2>"选票清单"</h2>
                        <p>{format!("本轮共保存 {ballots} 张密封选票。全部选票核对码的清单校验码：")}</p>
                        <p class="fingerprint">
                            <code class="list-fingerprint">{l}</code>
                        </p>
                        <p class="meta">
                            "监票人计票时，监票人页面会显示它所汇总的选票张数和清单校验码，应与这里的完全一致：这样监票人开启的，正是代表们在这里核对过的这些选票。"
                        </p>
                    </section>
                }
            })}
        }
        .into_any()
    } else {
        view! { <p>"测评结束后，可以在这里用选票核对码确认您的选票已被保存。"</p> }.into_any()
    };
    view! {
        <Title text="核对选票" />
        <BallotFrame round_name=Some(round_name)>
            <section class="track">
                <h1>"核对选票"</h1>
                {body}
            </section>
        </BallotFrame>
    }
}
