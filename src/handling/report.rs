//! What a monthly report holds, checked field by field: per indicator the value reached to
//! date and a note, per task a status (a reason required when it is behind) and a narrative.
//! The liaison's form and the spreadsheet template both read through these checks, so a form
//! names the row of a fault and a spreadsheet its cell, with the same reason.

use super::subplan::{Faults, MAX_TEXT_CHARS, number};
use serde::{Deserialize, Serialize};

/// A task's status in a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TaskStatus {
    NotStarted,
    OnTrack,
    Behind,
    Done,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 4] = [
        TaskStatus::NotStarted,
        TaskStatus::OnTrack,
        TaskStatus::Behind,
        TaskStatus::Done,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::NotStarted => "not_started",
            TaskStatus::OnTrack => "on_track",
            TaskStatus::Behind => "behind",
            TaskStatus::Done => "done",
        }
    }
    /// The stored name (`on_track`) or, as a spreadsheet gives it, the Chinese one (`按计划推进`).
    pub fn parse(s: &str) -> Option<TaskStatus> {
        let s = s.trim();
        TaskStatus::ALL
            .into_iter()
            .find(|t| t.as_str() == s || t.label_zh() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            TaskStatus::NotStarted => "未开始",
            TaskStatus::OnTrack => "按计划推进",
            TaskStatus::Behind => "滞后",
            TaskStatus::Done => "已完成",
        }
    }
}

/// The field of an indicator's line in a report a fault is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueField {
    Value,
    Note,
}

/// The field of a task's line in a report a fault is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaskField {
    Status,
    Reason,
    Narrative,
}

/// One indicator's line: the value to date (required, a number) and a note.
pub fn check_value(raw: &str, note: &str) -> Result<(f64, String), Faults<ValueField>> {
    let mut faults = Vec::new();
    if note.chars().count() > MAX_TEXT_CHARS {
        faults.push((
            ValueField::Note,
            format!("说明不能超过{MAX_TEXT_CHARS}个字。"),
        ));
    }
    let value = if raw.trim().is_empty() {
        faults.push((ValueField::Value, "请填写截至本月的完成值。".to_string()));
        None
    } else {
        let v = number(raw);
        if v.is_none() {
            faults.push((
                ValueField::Value,
                format!("完成值“{}”不是数字。", raw.trim()),
            ));
        }
        v
    };
    match value {
        Some(v) if faults.is_empty() => Ok((v, note.trim().to_string())),
        _ => Err(faults),
    }
}

/// One task's line: a status (a reason when it is behind) and a narrative.
pub fn check_task(
    status: &str,
    reason: &str,
    narrative: &str,
) -> Result<(TaskStatus, String, String), Faults<TaskField>> {
    let mut faults = Vec::new();
    for (field, text) in [
        (TaskField::Reason, reason),
        (TaskField::Narrative, narrative),
    ] {
        if text.chars().count() > MAX_TEXT_CHARS {
            faults.push((field, format!("文字不能超过{MAX_TEXT_CHARS}个字。")));
        }
    }
    let status = TaskStatus::parse(status);
    match status {
        None => faults.push((TaskField::Status, "请选择进展状态。".to_string())),
        Some(TaskStatus::Behind) if reason.trim().is_empty() => {
            faults.push((TaskField::Reason, "标为“滞后”的，请说明原因。".to_string()))
        }
        _ => {}
    }
    match status {
        Some(s) if faults.is_empty() => {
            Ok((s, reason.trim().to_string(), narrative.trim().to_string()))
        }
        _ => Err(faults),
    }
}
