//! The whole plan's progress on a day, from what is stored: every unit's current indicators
//! with their latest reported and audited values, and every unit's filings. The dashboard,
//! the task and unit pages and `ceping handling check` all read this one computation.

use super::measure::{self, Direction, Progress, Rag};
use super::period::{Filing, Period, filing};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The plan's settings that the measures read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// Reporting months, in order.
    pub periods: Vec<Period>,
    /// Day of the month a report is due on.
    pub due_day: u32,
    pub amber_points: f64,
    pub lead_weight: f64,
    pub responsible_weight: f64,
}

/// One indicator of a unit's current (approved) sub-plan, with the values that judge it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorRecord {
    pub unit_id: i64,
    pub code: i64,
    pub task_id: i64,
    pub name: String,
    pub measure_unit: String,
    pub direction: Direction,
    pub baseline: f64,
    pub target: f64,
    pub starts_on: NaiveDate,
    pub due_on: NaiveDate,
    pub weight: f64,
    /// The value in the unit's latest report that was not sent back.
    pub reported: Option<f64>,
    /// The office's audited value for that report, if it set one.
    pub audited: Option<f64>,
}

/// A unit's report for a month: the day its first version was filed (Beijing time), and
/// whether its latest version was sent back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FilingRecord {
    pub unit_id: i64,
    pub period: Period,
    pub first_filed: Option<NaiveDate>,
    pub returned: bool,
}

/// A task, and which units lead or share it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskRecord {
    pub task_id: i64,
    pub section: i64,
    /// (unit, leads it): the reporting units only.
    pub units: Vec<(i64, bool)>,
}

/// Everything the measures read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Ledger {
    /// The units that report (the leading group's member units), in the plan's order.
    pub units: Vec<i64>,
    pub tasks: Vec<TaskRecord>,
    pub indicators: Vec<IndicatorRecord>,
    pub filings: Vec<FilingRecord>,
}

/// An indicator on a day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorProgress {
    pub record: IndicatorRecord,
    /// 完成率, not capped (`None`: nothing reported yet).
    pub ratio: Option<f64>,
    pub progress: Progress,
    pub rag: Rag,
}

impl IndicatorProgress {
    /// Done: the judged value reaches the target.
    pub fn done(&self) -> bool {
        self.progress.completion >= 1.0
    }
}

/// One unit's part of one task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitTaskProgress {
    pub unit_id: i64,
    pub lead: bool,
    pub indicators: Vec<IndicatorProgress>,
    pub progress: Option<Progress>,
}

/// A one-line account of an item's year, as raters see it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub indicators: usize,
    pub done: usize,
    /// Indicators amber or red.
    pub behind: usize,
    /// Months whose report is missing, over the units concerned.
    pub missing_reports: usize,
    pub late_reports: usize,
}

impl Summary {
    /// `指标完成 5/6 · 滞后 1 · 逾期未报 0`.
    pub fn line_zh(&self) -> String {
        format!(
            "指标完成 {}/{} · 滞后 {} · 逾期未报 {}",
            self.done, self.indicators, self.behind, self.missing_reports
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskProgress {
    pub task_id: i64,
    pub section: i64,
    pub units: Vec<UnitTaskProgress>,
    pub progress: Option<Progress>,
    pub summary: Summary,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitProgress {
    pub unit_id: i64,
    /// Each reporting month and how its report stands.
    pub filings: Vec<(Period, Filing)>,
    /// Over all its tasks' indicators, each indicator by its weight.
    pub progress: Option<Progress>,
    pub summary: Summary,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectionProgress {
    pub number: i64,
    pub progress: Option<Progress>,
}

/// The plan on one day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Board {
    pub day: NaiveDate,
    pub tasks: Vec<TaskProgress>,
    pub units: Vec<UnitProgress>,
    pub sections: Vec<SectionProgress>,
    pub plan: Option<Progress>,
}

impl Board {
    pub fn task(&self, task_id: i64) -> Option<&TaskProgress> {
        self.tasks.iter().find(|t| t.task_id == task_id)
    }
    pub fn unit(&self, unit_id: i64) -> Option<&UnitProgress> {
        self.units.iter().find(|u| u.unit_id == unit_id)
    }
}

/// Computes the board for `day`.
pub fn compute(ledger: &Ledger, settings: &Settings, day: NaiveDate) -> Board {
    let amber = settings.amber_points;
    // Filings per unit and month.
    let filed: BTreeMap<(i64, Period), &FilingRecord> = ledger
        .filings
        .iter()
        .map(|f| ((f.unit_id, f.period), f))
        .collect();
    let units: Vec<UnitProgress> = ledger
        .units
        .iter()
        .map(|&unit_id| {
            let filings: Vec<(Period, Filing)> = settings
                .periods
                .iter()
                .map(|p| {
                    let record = filed.get(&(unit_id, *p));
                    let state = filing(
                        p.due(settings.due_day),
                        record.and_then(|r| r.first_filed),
                        record.is_some_and(|r| r.returned),
                        day,
                    );
                    (*p, state)
                })
                .collect();
            UnitProgress {
                unit_id,
                filings,
                progress: None,
                summary: Summary::default(),
            }
        })
        .collect();
    let count = |keep: fn(&Filing) -> bool| -> BTreeMap<i64, usize> {
        units
            .iter()
            .map(|u| (u.unit_id, u.filings.iter().filter(|(_, f)| keep(f)).count()))
            .collect()
    };
    let (missing_by_unit, late_by_unit) = (count(Filing::overdue), count(|f| *f == Filing::Late));
    let missing = |unit_id: i64| missing_by_unit.get(&unit_id).copied().unwrap_or(0);
    let late = |unit_id: i64| late_by_unit.get(&unit_id).copied().unwrap_or(0);
    let indicator = |r: &IndicatorRecord| {
        let value = measure::judged(r.reported, r.audited);
        let progress = Progress {
            completion: measure::completion(r.direction, r.baseline, r.target, value),
            expected: measure::expected(r.starts_on, r.due_on, day),
            overdue: missing(r.unit_id) > 0,
        };
        IndicatorProgress {
            record: r.clone(),
            ratio: measure::ratio(r.direction, r.baseline, r.target, value),
            rag: progress.rag(amber),
            progress,
        }
    };
    let summarise = |indicators: &[&IndicatorProgress], unit_ids: &[i64]| Summary {
        indicators: indicators.len(),
        done: indicators.iter().filter(|i| i.done()).count(),
        behind: indicators.iter().filter(|i| i.rag != Rag::Green).count(),
        missing_reports: unit_ids.iter().map(|u| missing(*u)).sum(),
        late_reports: unit_ids.iter().map(|u| late(*u)).sum(),
    };
    let weighted = |list: &[IndicatorProgress]| {
        measure::roll_up(
            &list
                .iter()
                .map(|i| (i.record.weight, i.progress))
                .collect::<Vec<_>>(),
        )
    };
    let tasks: Vec<TaskProgress> = ledger
        .tasks
        .iter()
        .map(|t| {
            let parts: Vec<UnitTaskProgress> = t
                .units
                .iter()
                .map(|&(unit_id, lead)| {
                    let indicators: Vec<IndicatorProgress> = ledger
                        .indicators
                        .iter()
                        .filter(|i| i.unit_id == unit_id && i.task_id == t.task_id)
                        .map(indicator)
                        .collect();
                    let mut progress = weighted(&indicators);
                    if let Some(p) = progress.as_mut() {
                        p.overdue = missing(unit_id) > 0;
                    }
                    UnitTaskProgress {
                        unit_id,
                        lead,
                        indicators,
                        progress,
                    }
                })
                .collect();
            let progress = measure::roll_up(
                &parts
                    .iter()
                    .filter_map(|u| {
                        let w = if u.lead {
                            settings.lead_weight
                        } else {
                            settings.responsible_weight
                        };
                        u.progress.map(|p| (w, p))
                    })
                    .collect::<Vec<_>>(),
            );
            let all: Vec<&IndicatorProgress> =
                parts.iter().flat_map(|u| u.indicators.iter()).collect();
            let unit_ids: Vec<i64> = parts.iter().map(|u| u.unit_id).collect();
            TaskProgress {
                task_id: t.task_id,
                section: t.section,
                summary: summarise(&all, &unit_ids),
                units: parts,
                progress,
            }
        })
        .collect();
    let units = units
        .into_iter()
        .map(|mut u| {
            let mine: Vec<IndicatorProgress> = ledger
                .indicators
                .iter()
                .filter(|i| i.unit_id == u.unit_id)
                .map(indicator)
                .collect();
            u.progress = weighted(&mine);
            u.summary = summarise(&mine.iter().collect::<Vec<_>>(), &[u.unit_id]);
            u
        })
        .collect();
    let mut section_numbers: Vec<i64> = ledger.tasks.iter().map(|t| t.section).collect();
    section_numbers.dedup();
    let sections: Vec<SectionProgress> = section_numbers
        .into_iter()
        .map(|number| SectionProgress {
            number,
            progress: measure::roll_up(
                &tasks
                    .iter()
                    .filter(|t| t.section == number)
                    .filter_map(|t| t.progress.map(|p| (1.0, p)))
                    .collect::<Vec<_>>(),
            ),
        })
        .collect();
    let plan = measure::roll_up(
        &sections
            .iter()
            .filter_map(|s| s.progress.map(|p| (1.0, p)))
            .collect::<Vec<_>>(),
    );
    Board {
        day,
        tasks,
        units,
        sections,
        plan,
    }
}

/// Where two readings of the same stored year disagree, one line each (empty: they agree):
/// `ceping handling check` compares the pages' reading of the ledger with a recount.
pub fn differences(pages: &Ledger, recount: &Ledger) -> Vec<String> {
    let mut out = Vec::new();
    if pages.units != recount.units {
        out.push(format!(
            "reporting units: {:?} against {:?}",
            pages.units, recount.units
        ));
    }
    if pages.tasks != recount.tasks {
        out.push("the tasks and the units that lead or share them differ".to_string());
    }
    let a: BTreeMap<(i64, i64), &IndicatorRecord> = pages
        .indicators
        .iter()
        .map(|i| ((i.unit_id, i.code), i))
        .collect();
    let b: BTreeMap<(i64, i64), &IndicatorRecord> = recount
        .indicators
        .iter()
        .map(|i| ((i.unit_id, i.code), i))
        .collect();
    for ((unit, code), x) in &a {
        match b.get(&(*unit, *code)) {
            None => out.push(format!(
                "unit {unit}, indicator {code}: only in the pages' reading"
            )),
            Some(y) if x != y => out.push(format!(
                "unit {unit}, indicator {code}: reported {:?}, audited {:?} on the pages; \
                 reported {:?}, audited {:?} recounted",
                x.reported, x.audited, y.reported, y.audited
            )),
            Some(_) => {}
        }
    }
    for (unit, code) in b.keys() {
        if !a.contains_key(&(*unit, *code)) {
            out.push(format!(
                "unit {unit}, indicator {code}: only in the recount"
            ));
        }
    }
    let a: BTreeMap<(i64, Period), &FilingRecord> = pages
        .filings
        .iter()
        .map(|f| ((f.unit_id, f.period), f))
        .collect();
    let b: BTreeMap<(i64, Period), &FilingRecord> = recount
        .filings
        .iter()
        .map(|f| ((f.unit_id, f.period), f))
        .collect();
    for (key, x) in &a {
        if b.get(key) != Some(x) {
            out.push(format!(
                "unit {}, {}: filed {:?} (returned {}) on the pages; {:?} recounted",
                key.0,
                key.1.key(),
                x.first_filed,
                x.returned,
                b.get(key).map(|y| (y.first_filed, y.returned))
            ));
        }
    }
    for key in b.keys() {
        if !a.contains_key(key) {
            out.push(format!(
                "unit {}, {}: only in the recount",
                key.0,
                key.1.key()
            ));
        }
    }
    out
}
