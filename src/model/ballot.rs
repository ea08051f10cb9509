//! What the ballot page shows a deputy who opens their code link, and why a code may be refused.

use serde::{Deserialize, Serialize};

/// A level of the round's scale, as the form offers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelView {
    pub key: String,
    pub label: String,
}

/// One rated item of the ballot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BallotItem {
    /// `t<task id>` or `u<unit id>`: the form field is `r.<item>`.
    pub item: String,
    /// "(一)1" for a task, "" for a unit.
    pub label: String,
    /// A task's title or opening words; a unit's name.
    pub heading: String,
    /// A task's full text (folded away on the page).
    pub body: Option<String>,
    /// A task's lead units, or for a unit its kind.
    pub lead: Vec<String>,
    pub responsible: Vec<String>,
    /// For a unit: its kind.
    pub note: Option<String>,
    /// For a unit: the tasks it leads, then those it shares.
    pub tasks: Vec<TaskLink>,
    /// The item's year of handling in one line, once its units have approved indicators.
    #[serde(default)]
    pub year: Option<YearLine>,
}

/// What a rater sees of an item's year before rating it: its colour (in words too), one line
/// (`指标完成 5/6 · 滞后 1 · 逾期未报 0`) and the address of the whole record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct YearLine {
    /// `green`, `amber` or `red`.
    pub rag: String,
    /// 正常, 滞后 or 严重滞后 (with 示例 before it for the sample year).
    pub label: String,
    pub line: String,
    pub href: String,
}

/// A task a unit leads or shares, as its card on the ballot names it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskLink {
    /// The task's item on this ballot (`t<id>`), when this round rates tasks: a link to it.
    pub item: Option<String>,
    /// "(一)1".
    pub label: String,
    pub lead: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BallotSection {
    pub title: String,
    pub items: Vec<BallotItem>,
}

/// Everything the ballot form needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BallotForm {
    pub round_id: i64,
    pub round_name: String,
    pub plan_title: String,
    pub closes_at: Option<String>,
    pub levels: Vec<LevelView>,
    pub comments_allowed: bool,
    pub comment_max_chars: i64,
    /// Task sections, then one section of member units.
    pub sections: Vec<BallotSection>,
    /// A fresh idempotency key for this form.
    pub idem: String,
}

impl BallotForm {
    pub fn total(&self) -> usize {
        self.sections.iter().map(|s| s.items.len()).sum()
    }

    fn item(&self, item: &str) -> Option<&BallotItem> {
        self.sections
            .iter()
            .flat_map(|s| &s.items)
            .find(|i| i.item == item)
    }

    /// An item as a list names it: "(一)1 建立……" or the unit's name.
    pub fn item_title(&self, item: &str) -> String {
        self.item(item)
            .map(|i| {
                if i.label.is_empty() {
                    i.heading.clone()
                } else {
                    format!("{} {}", i.label, i.heading)
                }
            })
            .unwrap_or_else(|| "其中一项".to_string())
    }

    /// How an item is named in a message: "第(一)1项任务" or "“市科技局”".
    pub fn item_name(&self, item: &str) -> String {
        self.item(item)
            .map(|i| {
                if i.item.starts_with('t') {
                    format!("第{}项任务", i.label)
                } else {
                    format!("“{}”", i.heading)
                }
            })
            .unwrap_or_else(|| "其中一项".to_string())
    }
}

/// Why a code link does not open a ballot; each with its HTTP status and plain Chinese.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Refused {
    /// The text is not a code at all (typo): 404.
    Malformed,
    /// No such code: 404.
    UnknownCode,
    /// Revoked by the office: 403.
    Revoked,
    /// The round has not opened: 403.
    NotOpen,
    /// The round is closed: 410.
    Closed,
    /// Already used; revision needs the receipt: 409.
    AlreadyUsed,
    /// Already used, and too many wrong receipts were tried: 409.
    ReceiptLocked,
    /// Too many failed attempts from everywhere: 429.
    TooManyAttempts,
}

impl Refused {
    pub fn status(self) -> u16 {
        match self {
            Refused::Malformed | Refused::UnknownCode => 404,
            Refused::Revoked | Refused::NotOpen => 403,
            Refused::Closed => 410,
            Refused::AlreadyUsed | Refused::ReceiptLocked => 409,
            Refused::TooManyAttempts => 429,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Refused::Malformed | Refused::UnknownCode => "邀请码无效",
            Refused::Revoked => "邀请码已作废",
            Refused::NotOpen => "测评尚未开始",
            Refused::Closed => "测评已经结束",
            Refused::AlreadyUsed => "您已提交过测评",
            Refused::ReceiptLocked => "已暂停修改",
            Refused::TooManyAttempts => "请稍后再试",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            Refused::Malformed => {
                "链接中的邀请码不完整或有误。请重新扫描二维码，或核对邀请码后再输入。"
            }
            Refused::UnknownCode => {
                "没有找到这个邀请码。请核对邀请函上的邀请码，或向工作人员询问。"
            }
            Refused::Revoked => {
                "这个邀请码已被工作人员作废。如需参加测评，请向工作人员领取新的邀请码。"
            }
            Refused::NotOpen => "本轮测评还没有开始，请在开始后再打开此链接。",
            Refused::Closed => "本轮测评已经结束，不再接受提交或修改。感谢您的参与。",
            Refused::AlreadyUsed => {
                "这个邀请码已经提交过一次测评，每个邀请码只能提交一次。如需在测评结束前修改，请输入提交时得到的回执码。回执码遗失则无法修改。"
            }
            Refused::ReceiptLocked => {
                "回执码输错次数过多，为保护您的选票，已暂停用此邀请码修改。如有疑问，请联系工作人员。"
            }
            Refused::TooManyAttempts => "近一分钟内输错邀请码的次数过多，请一分钟后再试。",
        }
    }
}

/// What opening a code link leads to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum BallotGate {
    Open(BallotForm),
    Refused {
        reason: Refused,
        round_name: Option<String>,
        opens_at: Option<String>,
    },
}
