//! Pieces of the plan pages: task labels, unit chips, the phase timeline.

use crate::model::plan::{PhaseView, TaskRow, UnitRef};
use crate::plan::model::UnitKind;
use chrono::{Datelike, NaiveDate};
use leptos::prelude::*;

pub use crate::plan::label::{heading_of, kind_label, numeral, task_label};

/// A task's heading: its own title, or the start of its text.
pub fn task_heading(task: &TaskRow) -> String {
    heading_of(task.title.as_deref(), &task.body)
}

/// Linked unit names, separated as the document separates them.
#[component]
pub fn UnitChips(units: Vec<UnitRef>) -> impl IntoView {
    units
        .into_iter()
        .map(|u| {
            let class = if matches!(u.kind, UnitKind::Collective) {
                "chip chip-collective"
            } else {
                "chip"
            };
            view! {
                <a class=class href=format!("/units/{}", u.id)>
                    {u.name}
                </a>
            }
        })
        .collect_view()
}

/// Lead and responsible units of a task, as two labelled lines.
#[component]
pub fn TaskUnits(lead: Vec<UnitRef>, responsible: Vec<UnitRef>) -> impl IntoView {
    view! {
        <dl class="task-units">
            {(!lead.is_empty())
                .then(|| {
                    view! {
                        <dt>"牵头单位"</dt>
                        <dd>
                            <UnitChips units=lead />
                        </dd>
                    }
                })}
            {(!responsible.is_empty())
                .then(|| {
                    view! {
                        <dt>"责任单位"</dt>
                        <dd>
                            <UnitChips units=responsible />
                        </dd>
                    }
                })}
        </dl>
    }
}

/// A task in a list: label, heading, text folded away, units.
#[component]
pub fn TaskCard(task: TaskRow) -> impl IntoView {
    let label = task_label(task.section_number, task.number);
    let heading = task_heading(&task);
    view! {
        <article class="card task-card">
            <h3>
                <a href=format!("/tasks/{}", task.id)>
                    <span class="task-no">{label}</span>
                    {heading}
                </a>
            </h3>
            <details>
                <summary>"任务全文"</summary>
                <p>{task.body}</p>
            </details>
            <TaskUnits lead=task.lead responsible=task.responsible />
        </article>
    }
}

fn chinese_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// "2020年5月1日—7月31日"
pub fn date_range(start: NaiveDate, end: NaiveDate) -> String {
    if start.year() == end.year() {
        format!("{}—{}月{}日", chinese_date(start), end.month(), end.day())
    } else {
        format!("{}—{}", chinese_date(start), chinese_date(end))
    }
}

/// Where a phase stands relative to today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhaseState {
    Done,
    Current,
    Upcoming,
}

pub fn phase_state(p: &PhaseView, today: NaiveDate) -> PhaseState {
    if today > p.end {
        PhaseState::Done
    } else if today < p.start {
        PhaseState::Upcoming
    } else {
        PhaseState::Current
    }
}

/// Share (0–100) of the span [first start, last end] before `day`, clamped.
pub fn position_pct(phases: &[PhaseView], day: NaiveDate) -> Option<f64> {
    let start = phases.iter().map(|p| p.start).min()?;
    let end = phases.iter().map(|p| p.end).max()?;
    let total = (end - start).num_days() + 1;
    if total <= 0 {
        return None;
    }
    let at = (day - start).num_days().clamp(0, total);
    Some(at as f64 * 100.0 / total as f64)
}

/// The 进度安排 phases as a bar proportional to their dates, with today marked, and as a list.
#[component]
pub fn Timeline(phases: Vec<PhaseView>, today: NaiveDate) -> impl IntoView {
    let bar = phases
        .iter()
        .map(|p| {
            let days = (p.end - p.start).num_days() + 1;
            let state = phase_state(p, today);
            let class = match state {
                PhaseState::Done => "seg seg-done",
                PhaseState::Current => "seg seg-current",
                PhaseState::Upcoming => "seg",
            };
            view! {
                <div class=class style=format!("flex-grow:{days}") title=p.name.clone()>
                    <span>{p.name.clone()}</span>
                </div>
            }
        })
        .collect_view();
    let first = phases.iter().map(|p| p.start).min();
    let last = phases.iter().map(|p| p.end).max();
    let marker = position_pct(&phases, today).map(|pct| {
        view! {
            <div
                class={if pct > 80.0 { "today today-end" } else { "today" }}
                style=format!("left:{pct:.1}%")
                aria-hidden="true"
            >
                <span>"今天"</span>
            </div>
        }
    });
    let where_today = match (first, last) {
        (Some(f), _) if today < f => format!("今天（{}）方案尚未开始。", chinese_date(today)),
        (_, Some(l)) if today > l => {
            format!("今天（{}）方案各阶段均已结束。", chinese_date(today))
        }
        (Some(_), Some(_)) => format!(
            "今天（{}）处于下方标为“进行中”的阶段。",
            chinese_date(today)
        ),
        _ => String::new(),
    };
    let items = phases
        .into_iter()
        .map(|p| {
            let state = phase_state(&p, today);
            let (class, badge) = match state {
                PhaseState::Done => ("phase done", "已结束"),
                PhaseState::Current => ("phase current", "进行中"),
                PhaseState::Upcoming => ("phase", "未开始"),
            };
            view! {
                <li class=class>
                    <div class="phase-head">
                        <strong>{format!("({}){}", numeral(p.number), p.name)}</strong>
                        <span class="badge">{badge}</span>
                    </div>
                    <div class="phase-dates">{date_range(p.start, p.end)}</div>
                    <p>{p.description}</p>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="timeline" aria-label="进度安排">
            <div class="bar">{bar} {marker}</div>
            <p class="today-note">{where_today}</p>
            <ol class="phases">{items}</ol>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn phase(start: &str, end: &str) -> PhaseView {
        PhaseView {
            number: 1,
            name: "p".into(),
            start: d(start),
            end: d(end),
            description: String::new(),
        }
    }

    #[test]
    fn numerals_read_like_the_document() {
        let cases = [
            (1, "一"),
            (3, "三"),
            (10, "十"),
            (14, "十四"),
            (21, "二十一"),
            (30, "三十"),
        ];
        for (n, want) in cases {
            assert_eq!(numeral(n), want, "{n}");
        }
        assert_eq!(task_label(2, 4), "(二)4");
    }

    #[test]
    fn phase_state_and_today_marker() {
        let phases = vec![
            phase("2020-04-01", "2020-04-30"),
            phase("2020-05-01", "2020-12-31"),
        ];
        assert_eq!(phase_state(&phases[0], d("2020-05-02")), PhaseState::Done);
        assert_eq!(
            phase_state(&phases[1], d("2020-05-02")),
            PhaseState::Current
        );
        assert_eq!(
            phase_state(&phases[1], d("2020-04-02")),
            PhaseState::Upcoming
        );
        assert_eq!(position_pct(&phases, d("2019-01-01")), Some(0.0));
        assert_eq!(position_pct(&phases, d("2026-11-28")), Some(100.0));
        let mid = position_pct(&phases, d("2020-08-15")).unwrap();
        assert!(mid > 40.0 && mid < 60.0, "{mid}");
        assert_eq!(position_pct(&[], d("2020-01-01")), None);
    }

    #[test]
    fn date_ranges_in_chinese() {
        assert_eq!(
            date_range(d("2020-05-01"), d("2020-07-31")),
            "2020年5月1日—7月31日"
        );
        assert_eq!(
            date_range(d("2020-12-01"), d("2021-01-31")),
            "2020年12月1日—2021年1月31日"
        );
    }
}
