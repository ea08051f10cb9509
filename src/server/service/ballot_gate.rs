//! Who may open a ballot: a code's checks (its form, its state, its round's state), the cap on
//! failed look-ups, and each round's ballot form, built once.
//!
//! Logs: nothing here logs a code.

use crate::ballot::{InviteCode, new_idempotency_key};
use crate::error::AppError;
use crate::model::ballot::{
    BallotForm, BallotGate, BallotItem, BallotSection, LevelView, Refused, TaskLink, YearLine,
};
use crate::plan::label::{heading_of, kind_label, numeral, task_label};
use crate::server::repo::invite::{self, CodeState};
use crate::server::repo::round::{self, Round, RoundState};
use rand::rngs::OsRng;
use sqlx::SqlitePool;
use std::collections::HashMap;
use std::sync::Mutex;

/// Failed code look-ups answered per minute, all visitors together.
pub const FAILED_LOOKUPS_PER_MINUTE: u32 = 600;

/// The gate's state: the failure cap and the forms.
pub struct Gate {
    pub limiter: FailureLimiter,
    pub forms: FormCache,
}

impl Default for Gate {
    fn default() -> Gate {
        Gate {
            limiter: FailureLimiter::new(FAILED_LOOKUPS_PER_MINUTE),
            forms: FormCache::default(),
        }
    }
}

/// Stops code guessing without throttling a hall behind one IP: codes carry 100 random bits,
/// and failed look-ups from everywhere together are capped per minute. A deputy with a valid code
/// is never counted, so an attack slows only other people's typos.
///
/// The cap is governor's GCRA: a burst of `per_minute` failures, refilled one every
/// `60 s / per_minute` (a fixed window would let twice the burst through around its edge).
pub struct FailureLimiter(governor::DefaultDirectRateLimiter);

impl FailureLimiter {
    pub fn new(per_minute: u32) -> FailureLimiter {
        let per_minute = std::num::NonZeroU32::new(per_minute).unwrap_or(std::num::NonZeroU32::MIN);
        FailureLimiter(governor::RateLimiter::direct(governor::Quota::per_minute(
            per_minute,
        )))
    }

    /// Counts one failed look-up if the cap allows another now; `false` means refuse it.
    pub fn take(&self) -> bool {
        self.0.check().is_ok()
    }
}

pub fn refused(reason: Refused, round: Option<&Round>) -> BallotGate {
    BallotGate::Refused {
        reason,
        round_name: round.map(|r| r.name.clone()),
        opens_at: round.and_then(|r| r.opens_at.clone()),
    }
}

/// The ballot form of each round, built once: a round's items and its plan do not change once
/// it exists (its state is read on every request). The one line of each item's year of
/// handling does change, as reports are reviewed: those lines are kept beside the form and
/// refreshed at most every [`YEAR_FRESH`], by one request at a time while the others go on
/// with the lines they have. A failure to compute them leaves the old lines (or none): the
/// ballot never waits for, or fails with, the year of handling.
#[derive(Default)]
pub struct FormCache(Mutex<HashMap<i64, Cached>>);

struct Cached {
    form: std::sync::Arc<BallotForm>,
    years: Option<(
        std::time::Instant,
        std::sync::Arc<HashMap<String, YearLine>>,
    )>,
    refreshing: bool,
}

/// How long the items' year lines are shown before they are computed again.
pub const YEAR_FRESH: std::time::Duration = std::time::Duration::from_secs(300);

impl FormCache {
    /// The round's form with a fresh idempotency key, its year lines refreshed if stale (the
    /// ballot page).
    pub async fn form(
        &self,
        pool: &sqlx::SqlitePool,
        round: &Round,
    ) -> Result<BallotForm, AppError> {
        self.form_with(pool, round, true).await
    }

    /// [`FormCache::form`] with the year lines as they are, never computed here (the posts
    /// that cast or revise a ballot).
    pub async fn form_for_post(
        &self,
        pool: &sqlx::SqlitePool,
        round: &Round,
    ) -> Result<BallotForm, AppError> {
        self.form_with(pool, round, false).await
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Cached>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    async fn form_with(
        &self,
        pool: &sqlx::SqlitePool,
        round: &Round,
        refresh: bool,
    ) -> Result<BallotForm, AppError> {
        let cached = self.lock().get(&round.id).map(|c| c.form.clone());
        let form = match cached {
            Some(f) => f,
            None => {
                let f = std::sync::Arc::new(build_form(pool, round).await?);
                self.lock().entry(round.id).or_insert(Cached {
                    form: f.clone(),
                    years: None,
                    refreshing: false,
                });
                f
            }
        };
        // Whether this request refreshes the year lines: stale, and nobody else at it.
        let mine = refresh && {
            let mut map = self.lock();
            match map.get_mut(&round.id) {
                Some(c)
                    if !c.refreshing
                        && c.years
                            .as_ref()
                            .is_none_or(|(at, _)| at.elapsed() >= YEAR_FRESH) =>
                {
                    c.refreshing = true;
                    true
                }
                _ => false,
            }
        };
        if mine {
            let lines = year_lines(pool, round.plan_id, &form).await;
            let mut map = self.lock();
            if let Some(c) = map.get_mut(&round.id) {
                c.refreshing = false;
                match lines {
                    Ok(lines) => {
                        c.years = Some((std::time::Instant::now(), std::sync::Arc::new(lines)))
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "the ballot's year lines could not be computed");
                        // Tried now: the next try waits as long as a refresh would.
                        let old = c.years.take().map(|(_, l)| l).unwrap_or_default();
                        c.years = Some((std::time::Instant::now(), old));
                    }
                }
            }
        }
        let years = self
            .lock()
            .get(&round.id)
            .and_then(|c| c.years.as_ref().map(|(_, l)| l.clone()));
        let mut form = (*form).clone();
        if let Some(years) = years {
            for item in form.sections.iter_mut().flat_map(|s| s.items.iter_mut()) {
                item.year = years.get(&item.item).cloned();
            }
        }
        form.idem = new_idempotency_key(&mut OsRng);
        Ok(form)
    }
}

/// Each item's year line (by item id), from the plan's board today.
async fn year_lines(
    pool: &sqlx::SqlitePool,
    plan_id: i64,
    form: &BallotForm,
) -> Result<HashMap<String, YearLine>, AppError> {
    let year = YearLines::of(pool, plan_id).await?;
    Ok(form
        .sections
        .iter()
        .flat_map(|s| &s.items)
        .filter_map(|item| {
            let id: i64 = item.item.get(1..)?.parse().ok()?;
            let line = if item.item.starts_with('t') {
                year.task(id)
            } else {
                year.unit(id)
            }?;
            Some((item.item.clone(), line))
        })
        .collect())
}

/// What `/v/CODE` opens: the form, or why not.
pub async fn open_gate(
    pool: &SqlitePool,
    gate: &Gate,
    raw_code: &str,
) -> Result<BallotGate, AppError> {
    Ok(match check_code(pool, gate, raw_code, false).await? {
        Err(refusal) => refusal,
        Ok((round, _)) => BallotGate::Open(gate.forms.form(pool, &round).await?),
    })
}

/// Checks a code for a ballot page or post: its form, its state, its round's state.
/// `allow_used`: posts of a used code go on (a retry, or a revision with its receipt).
pub async fn check_code(
    pool: &SqlitePool,
    gate: &Gate,
    raw_code: &str,
    allow_used: bool,
) -> Result<Result<(Round, InviteCode), BallotGate>, AppError> {
    // A valid code is never slowed down: the cap applies to failed look-ups only.
    let refuse_unknown = |reason: Refused| {
        if gate.limiter.take() {
            Ok(Err(refused(reason, None)))
        } else {
            Ok(Err(refused(Refused::TooManyAttempts, None)))
        }
    };
    let Ok(code) = InviteCode::parse(raw_code) else {
        return refuse_unknown(Refused::Malformed);
    };
    let (round_id, code_state) = invite::lookup(pool, &code)
        .await
        .map_err(AppError::internal)?;
    let round = match round_id {
        Some(id) => Some(round::get(pool, id).await.map_err(AppError::internal)?),
        None => None,
    };
    let Some(round) = round else {
        return refuse_unknown(Refused::UnknownCode);
    };
    let reason = match (code_state, round.state) {
        (CodeState::Unknown, _) => Some(Refused::UnknownCode),
        (CodeState::Revoked, _) => Some(Refused::Revoked),
        (_, RoundState::Draft) => Some(Refused::NotOpen),
        (_, RoundState::Closed) => Some(Refused::Closed),
        // Past its stated closing time a round takes nothing, even before the closer has
        // marked it closed.
        (_, RoundState::Open) if round.past_closing(crate::clock::now()) => Some(Refused::Closed),
        (CodeState::Used { locked: true }, _) => Some(Refused::ReceiptLocked),
        (CodeState::Used { .. }, _) if !allow_used => Some(Refused::AlreadyUsed),
        _ => None,
    };
    Ok(match reason {
        Some(r) => Err(refused(r, Some(&round))),
        None => Ok((round, code)),
    })
}

/// Each item's year of handling, from the plan's board today.
struct YearLines {
    board: crate::handling::progress::Board,
    amber: f64,
    sample: bool,
}

impl YearLines {
    async fn of(pool: &sqlx::SqlitePool, plan_id: i64) -> Result<YearLines, AppError> {
        use crate::server::repo::handling;
        let (settings, board) = handling::board(pool, plan_id, crate::clock::today())
            .await
            .map_err(AppError::internal)?;
        Ok(YearLines {
            board,
            amber: settings.measures.amber_points,
            sample: handling::has_sample(pool, plan_id)
                .await
                .map_err(AppError::internal)?,
        })
    }

    fn line(
        &self,
        progress: Option<crate::handling::measure::Progress>,
        summary: &crate::handling::progress::Summary,
        href: String,
    ) -> Option<YearLine> {
        let p = progress.filter(|_| summary.indicators > 0)?;
        let rag = p.rag(self.amber);
        let label = if self.sample {
            format!("示例·{}", rag.label_zh())
        } else {
            rag.label_zh().to_string()
        };
        Some(YearLine {
            rag: rag.as_str().to_string(),
            label,
            line: summary.line_zh(),
            href,
        })
    }

    fn task(&self, id: i64) -> Option<YearLine> {
        let t = self.board.task(id)?;
        self.line(t.progress, &t.summary, format!("/progress/tasks/{id}"))
    }

    fn unit(&self, id: i64) -> Option<YearLine> {
        let u = self.board.unit(id)?;
        self.line(u.progress, &u.summary, format!("/progress/units/{id}"))
    }
}

/// The ballot form of a round: its items by section, then the member units.
pub async fn build_form(pool: &sqlx::SqlitePool, round: &Round) -> Result<BallotForm, AppError> {
    use crate::server::repo::plan as plan_repo;
    let items = round::items(pool, round.id)
        .await
        .map_err(AppError::internal)?;
    let header = plan_repo::tasks(pool, round.plan_id).await?;
    let units: HashMap<i64, crate::model::plan::UnitSummary> =
        plan_repo::units(pool, round.plan_id)
            .await?
            .units
            .into_iter()
            .map(|u| (u.unit.id, u))
            .collect();
    let mut tasks_by_id = HashMap::new();
    for s in &header.sections {
        for t in &s.tasks {
            tasks_by_id.insert(t.id, (s.number, s.title.clone(), t.clone()));
        }
    }
    // Which task each unit leads or shares (directly or through a collective), in plan order.
    let mut roles: HashMap<i64, Vec<(i64, bool)>> = HashMap::new();
    for (unit, task, lead) in plan_repo::unit_task_roles(pool, round.plan_id).await? {
        let list = roles.entry(unit).or_default();
        if !list.iter().any(|(t, _)| *t == task) {
            list.push((task, lead));
        }
    }
    let rated: std::collections::HashSet<String> = items
        .iter()
        .filter(|i| i.kind == "task")
        .map(|i| i.item.0.clone())
        .collect();
    let mut sections: Vec<BallotSection> = Vec::new();
    let mut unit_items = Vec::new();
    for it in items {
        if it.kind == "task" {
            let Some((number, title, t)) = tasks_by_id.get(&it.ref_id) else {
                continue;
            };
            let section_title = format!("({}){}", numeral(*number), title);
            if sections.last().map(|s| &s.title) != Some(&section_title) {
                sections.push(BallotSection {
                    title: section_title,
                    items: Vec::new(),
                });
            }
            if let Some(last) = sections.last_mut() {
                let heading = heading_of(t.title.as_deref(), &t.body);
                // A short task is its own heading: nothing to unfold.
                let body = (heading != t.body.trim()).then(|| t.body.clone());
                last.items.push(BallotItem {
                    item: it.item.0.clone(),
                    label: task_label(t.section_number, t.number),
                    heading,
                    body,
                    lead: t.lead.iter().map(|u| u.name.clone()).collect(),
                    responsible: t.responsible.iter().map(|u| u.name.clone()).collect(),
                    note: None,
                    tasks: Vec::new(),
                    year: None,
                });
            }
        } else if let Some(u) = units.get(&it.ref_id) {
            let mut tasks: Vec<TaskLink> = roles
                .get(&it.ref_id)
                .map(|links| {
                    links
                        .iter()
                        .filter_map(|(task_id, lead)| {
                            let (_, _, t) = tasks_by_id.get(task_id)?;
                            let item = format!("t{task_id}");
                            Some(TaskLink {
                                item: rated.contains(&item).then_some(item),
                                label: task_label(t.section_number, t.number),
                                lead: *lead,
                            })
                        })
                        .collect()
                })
                .unwrap_or_default();
            tasks.sort_by_key(|t| !t.lead);
            unit_items.push(BallotItem {
                item: it.item.0.clone(),
                label: String::new(),
                heading: u.unit.name.clone(),
                body: None,
                lead: Vec::new(),
                responsible: Vec::new(),
                note: Some(kind_label(&u.unit.kind).to_string()),
                tasks,
                year: None,
            });
        }
    }
    if !unit_items.is_empty() {
        sections.push(BallotSection {
            title: "成员单位".into(),
            items: unit_items,
        });
    }
    Ok(BallotForm {
        round_id: round.id,
        round_name: round.name.clone(),
        plan_title: header.header.title,
        closes_at: round.closes_at.clone(),
        levels: round
            .scale
            .levels
            .iter()
            .map(|l| LevelView {
                key: l.key.clone(),
                label: l.label.clone(),
            })
            .collect(),
        comments_allowed: round.comments_allowed,
        comment_max_chars: round.comment_max_chars,
        sections,
        idem: new_idempotency_key(&mut OsRng),
    })
}
