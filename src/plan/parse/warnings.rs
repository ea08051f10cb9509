//! The warnings the importer collects as it reads: what it had to infer, merge or skip, for
//! the office to check before it accepts the plan. Every step pushes to one `Warnings`;
//! `parse_plan` sorts them by line at the end.

use crate::plan::model::Warning;
use crate::plan::model::warning_codes as code;

use super::normalise::Line;

#[derive(Default)]
pub(super) struct Warnings(pub(super) Vec<Warning>);

impl Warnings {
    pub(super) fn push(
        &mut self,
        line: Option<usize>,
        code: &str,
        message: String,
        message_zh: String,
    ) {
        self.0.push(Warning {
            line,
            code: code.to_string(),
            message,
            message_zh,
        });
    }
}

pub(super) fn ignored(line: &Line, w: &mut Warnings) {
    w.push(
        Some(line.no),
        code::LINE_IGNORED,
        format!(
            "This line could not be placed and was skipped: \"{}\".",
            line.text
        ),
        format!("此行无法归入任何条目，未导入：“{}”。", line.text),
    );
}
