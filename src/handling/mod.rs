//! The year of handling (办理): units' sub-plans (分方案) with measurable indicators, their
//! monthly reports, and the measures the office and the raters read from them. Pure: no
//! database, no HTTP, no clock (the day is always passed in).
//!
//! - [`measure`]: an indicator's completion (direction-aware, the audited value preferred), the
//!   time-proportional expectation ("时间过半、任务过半"), the red/amber/green status and the
//!   roll-up indicator → unit's sub-plan → task → section → plan;
//! - [`period`]: the reporting months, their due days and checkpoints (季调度, 半年检查,
//!   全年总结), whether a report was on time, and the sub-plans' filing deadline read from the
//!   plan's own text;
//! - [`progress`]: the whole plan on a day, from the stored ledger;
//! - [`report`]: what a monthly report holds, checked field by field;
//! - [`sample`]: a sample year for a plan, for a newcomer's first look;
//! - [`sheet`]: the spreadsheet templates' layout, and reading a filled one cell by cell;
//! - [`subplan`]: a sub-plan's states and what a liaison's form may hold, checked field by field.

pub mod measure;
pub mod period;
pub mod progress;
pub mod report;
pub mod sample;
pub mod sheet;
pub mod subplan;

#[cfg(test)]
mod tests;

pub use measure::{
    DEFAULT_AMBER_POINTS, DEFAULT_LEAD_WEIGHT, DEFAULT_RESPONSIBLE_WEIGHT, Direction, Progress,
    Rag, completion, expected, rag, ratio, roll_up,
};
pub use period::{Checkpoint, DEFAULT_DUE_DAY, Filing, Period, filing, filing_deadline};
pub use subplan::{IndicatorDraft, MilestoneDraft, SubplanState, check_indicator};
