//! The deputy's ballot: opened from `/v/CODE`, rated item by item, reviewed, submitted.
//!
//! The form is plain HTML posted to the same URL (`server::ballot_http`), so it works with
//! JavaScript off; the `BallotHelper` island adds a live count and a draft kept in the browser.

use crate::api::ballot::open_ballot;
use crate::components::format::human_time;
use crate::components::islands::{BallotHelper, IslandScripts, ReceiptFill, ReceiptKeeper};
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

/// The review step's summary: what is rated, what is not.
#[derive(Debug, Clone)]
pub struct Review {
    pub rated: usize,
    pub total: usize,
    /// (item id, how to name it)
    pub unrated: Vec<(String, String)>,
}

/// The route `/v/:code`.
#[component]
pub fn BallotPage() -> impl IntoView {
    let code = leptos_router::hooks::use_params_map()
        .with_untracked(|p| p.get("code"))
        .unwrap_or_default();
    let shown_code = canonical_code(&code);
    super::load_page(async move { open_ballot(code).await }, move |gate| {
        match gate {
        BallotGate::Open(form) => view! {
            <BallotDocument form code=shown_code prefill=Prefill::default() review=None error=None />
        }
        .into_any(),
        BallotGate::Refused {
            reason,
            round_name,
            opens_at,
        } => view! { <RefusalView reason round_name opens_at code=shown_code /> }.into_any(),
    }
    })
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
        .map(|t| view! { <p class="meta">{format!("计划开始时间：{}", human_time(&t))}</p> });
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
    let comment_box = form.comments_allowed.then(|| {
        let open = comment.is_some();
        view! {
            <details class="comment" open=open>
                <summary>"写意见（可选）"</summary>
                <textarea
                    name=format!("c.{}", item.item)
                    rows="3"
                    maxlength=form.comment_max_chars
                    aria-label="意见"
                >
                    {textarea_text(comment.unwrap_or_default())}
                </textarea>
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
        parts.join("；")
    } else {
        item.note.clone().unwrap_or_default()
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
    view! {
        <fieldset class="item" id=format!("i-{}", item.item) data-item=item.item.clone()>
            <legend>{label} {item.heading}</legend>
            {body}
            <p class="who">{who}</p>
            <div class="levels" role="radiogroup">{levels}</div>
            {comment_box}
        </fieldset>
    }
}

/// The whole ballot document: intro, live count, items by section, overall comment, buttons.
#[component]
pub fn BallotDocument(
    form: BallotForm,
    code: String,
    prefill: Prefill,
    review: Option<Review>,
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
        .map(|t| view! { <p class="meta">{format!("截止时间：{}", human_time(t))}</p> });
    let error_box = error.map(|e| {
        view! {
            <div class="alert alert-error" role="alert">
                <strong>"未能提交："</strong>
                {e}
            </div>
        }
    });
    let reviewing = review.is_some();
    let review_box = review.map(|r| {
        let missing = (!r.unrated.is_empty()).then(|| {
            let links = r
                .unrated
                .iter()
                .map(|(item, name)| view! { <li><a href=format!("#i-{item}")>{name.clone()}</a></li> })
                .collect_view();
            view! {
                <p>"以下项目尚未评价，提交后将记为“未评价”："</p>
                <ul class="unrated">{links}</ul>
            }
        });
        let all = r.unrated.is_empty().then(|| view! { <p>"全部项目均已评价。"</p> });
        view! {
            <div class="alert alert-review" role="status" id="review">
                <strong>{format!("已评 {}/{} 项", r.rated, r.total)}</strong>
                {missing}
                {all}
                <p>"请核对下方的选择。确认无误后，点击页面底部的“确认提交”。"</p>
            </div>
        }
    });
    let revising = prefill.receipt.is_some();
    let receipt_field = prefill
        .receipt
        .clone()
        .map(|r| view! { <input type="hidden" name="receipt" value=r /> });
    let sections = form
        .sections
        .iter()
        .cloned()
        .map(|s| {
            let items = s
                .items
                .into_iter()
                .map(|i| item_view(i, &form, &prefill))
                .collect_view();
            view! {
                <section class="ballot-section">
                    <h2>{s.title}</h2>
                    {items}
                </section>
            }
        })
        .collect_view();
    let overall = form.comments_allowed.then(|| {
        view! {
            <section class="card overall">
                <label for="overall">"总体意见和建议（可选）"</label>
                <textarea
                    id="overall"
                    name="comment"
                    rows="4"
                    maxlength=form.comment_max_chars
                >
                    {textarea_text(prefill.comment.clone().unwrap_or_default())}
                </textarea>
            </section>
        }
    });
    let buttons = if reviewing {
        view! {
            <button class="button primary" type="submit" name="action" value="submit">
                {if revising { "确认修改" } else { "确认提交" }}
            </button>
            <button class="button secondary" type="submit" name="action" value="review">
                "重新检查"
            </button>
        }
        .into_any()
    } else {
        view! {
            <button class="button primary" type="submit" name="action" value="review">
                "检查并提交"
            </button>
        }
        .into_any()
    };
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
            {(revising && !reviewing)
                .then(|| {
                    view! {
                        <p class="alert alert-info revise-blank" role="note">
                            "选票已密封保存，任何人（包括本系统）都无法再显示您原来的选择。请重新填写全部内容；确认修改后，将整张替换原来的测评。"
                        </p>
                    }
                })}
            {error_box}
            {review_box}
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
                <div class="submit-row">{buttons}</div>
            </form>
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
