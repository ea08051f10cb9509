//! `ceping handling …`: the board of a plan on a day, as the pages compute it (text, or JSON
//! to script against), its check against a recount, the settings and the sample year.

use super::cli_actor;
use crate::server::repo::handling;
use crate::server::repo::plan::resolve_plan_id;
use crate::server::service::sample_year::{self, Loaded};
use anyhow::Context;
use clap::Subcommand;
use sqlx::SqlitePool;

#[derive(Debug, Subcommand)]
pub enum HandlingCommand {
    /// Print the plan's progress on a day, computed from the stored sub-plans and reports:
    /// each task and unit with its completion, expectation, colour and summary.
    Board {
        /// The plan (default: the latest imported).
        #[arg(long)]
        plan: Option<i64>,
        /// The day, YYYY-MM-DD (default: today in Beijing).
        #[arg(long)]
        day: Option<chrono::NaiveDate>,
        /// The whole board as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Recompute the plan's figures a second way — unit by unit, from each sub-plan and report
    /// as its own page reads them — and compare them with the board the pages show. Prints
    /// what agrees; exits non-zero naming every difference.
    Check {
        #[arg(long)]
        plan: Option<i64>,
        /// The day, YYYY-MM-DD (default: today in Beijing).
        #[arg(long)]
        day: Option<chrono::NaiveDate>,
    },
    /// Load a sample year (sub-plans and monthly reports for every unit, labelled 示例数据 on
    /// every page), or remove it with --remove. Only into a plan without real sub-plans.
    Sample {
        #[arg(long)]
        plan: Option<i64>,
        #[arg(long)]
        remove: bool,
        /// Indicators per task of each unit (default: 2 per task it leads, 1 per task it
        /// shares); a benchmark's full year uses 5.
        #[arg(long)]
        per_task: Option<usize>,
    },
    /// Set the plan's reporting months and deadlines; prints them (without options, the
    /// current ones, defaults included).
    Settings {
        #[arg(long)]
        plan: Option<i64>,
        /// The first reporting month, YYYY-MM.
        #[arg(long, requires = "last")]
        first: Option<String>,
        /// The last reporting month, YYYY-MM.
        #[arg(long, requires = "first")]
        last: Option<String>,
        /// The day of the month reports are due (1–28).
        #[arg(long)]
        due_day: Option<u32>,
        /// The day sub-plans are due, YYYY-MM-DD.
        #[arg(long)]
        subplan_due: Option<chrono::NaiveDate>,
    },
}

pub async fn run(pool: SqlitePool, cmd: HandlingCommand) -> anyhow::Result<()> {
    match cmd {
        HandlingCommand::Board { plan, day, json } => {
            let plan_id = resolve_plan_id(&pool, plan).await.context("no such plan")?;
            let day = day.unwrap_or_else(crate::clock::today);
            let (settings, board) = handling::board(&pool, plan_id, day).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&board)?);
                return Ok(());
            }
            let amber = settings.measures.amber_points;
            let line = |p: Option<crate::handling::measure::Progress>| match p {
                Some(p) => format!(
                    "{:>6.1}% of {:>6.1}% expected  {}",
                    p.completion * 100.0,
                    p.expected * 100.0,
                    p.rag(amber).as_str()
                ),
                None => "no approved indicators".to_string(),
            };
            println!("plan {plan_id} on {day}: {}", line(board.plan));
            for t in &board.tasks {
                println!(
                    "task {:>4}  {}  {}",
                    t.task_id,
                    line(t.progress),
                    t.summary.line_zh()
                );
            }
            for u in &board.units {
                println!(
                    "unit {:>4}  {}  {}",
                    u.unit_id,
                    line(u.progress),
                    u.summary.line_zh()
                );
            }
            if handling::has_sample(&pool, plan_id).await? {
                println!("(this plan holds the sample year: ceping handling sample --remove)");
            }
        }
        HandlingCommand::Check { plan, day } => {
            let plan_id = resolve_plan_id(&pool, plan).await.context("no such plan")?;
            let day = day.unwrap_or_else(crate::clock::today);
            let settings = handling::settings(&pool, plan_id).await?;
            let pages = handling::ledger(&pool, plan_id, day).await?;
            let recount = handling::ledger_by_unit(&pool, plan_id, day).await?;
            let mut differences = crate::handling::progress::differences(&pages, &recount);
            let shown = crate::handling::progress::compute(&pages, &settings.measures, day);
            let again = crate::handling::progress::compute(&recount, &settings.measures, day);
            if differences.is_empty() && shown != again {
                differences.push("the figures computed from the two readings differ".into());
            }
            if !differences.is_empty() {
                for d in &differences {
                    eprintln!("{d}");
                }
                anyhow::bail!(
                    "the board of plan {plan_id} on {day} differs from a recount of the stored \
                     sub-plans and reports in {} places",
                    differences.len()
                );
            }
            let reported = pages
                .indicators
                .iter()
                .filter(|i| i.reported.is_some())
                .count();
            println!(
                "plan {plan_id} on {day}: the board agrees with a recount of the stored sub-plans \
                 and reports ({} units, {} tasks, {} indicators of which {reported} reported, {} \
                 monthly filings)",
                pages.units.len(),
                pages.tasks.len(),
                pages.indicators.len(),
                pages.filings.len()
            );
        }
        HandlingCommand::Settings {
            plan,
            first,
            last,
            due_day,
            subplan_due,
        } => {
            use crate::handling::period::Period;
            let plan_id = resolve_plan_id(&pool, plan).await.context("no such plan")?;
            let mut s = handling::settings(&pool, plan_id).await?;
            let changes = first.is_some() || due_day.is_some() || subplan_due.is_some();
            if changes {
                let month = |raw: &str| {
                    Period::parse(raw).with_context(|| format!("{raw:?} is not a month YYYY-MM"))
                };
                let first = first
                    .as_deref()
                    .map(month)
                    .transpose()?
                    .unwrap_or(s.first_period);
                let last = last
                    .as_deref()
                    .map(month)
                    .transpose()?
                    .unwrap_or(s.last_period);
                let due_day = due_day.unwrap_or(s.measures.due_day);
                let subplan_due = subplan_due.unwrap_or(s.subplan_due);
                s = handling::set_periods(
                    &pool,
                    plan_id,
                    subplan_due,
                    first,
                    last,
                    due_day,
                    &cli_actor(),
                )
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            }
            println!(
                "plan {plan_id}: sub-plans due {}; reports {} to {}, due on day {} of each month",
                s.subplan_due,
                s.first_period.key(),
                s.last_period.key(),
                s.measures.due_day
            );
        }
        HandlingCommand::Sample {
            plan,
            remove,
            per_task,
        } => {
            let plan_id = resolve_plan_id(&pool, plan).await.context("no such plan")?;
            let actor = cli_actor();
            if remove {
                let (subplans, reports) = handling::remove_sample(&pool, plan_id, &actor)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                println!(
                    "removed the sample year of plan {plan_id}: {subplans} sub-plans, {reports} reports"
                );
                return Ok(());
            }
            let loaded = match per_task {
                Some(n) => sample_year::load_with(&pool, plan_id, &actor, n, n).await?,
                None => sample_year::load(&pool, plan_id, &actor).await?,
            };
            match loaded {
                Loaded::Units(n) => println!(
                    "loaded a sample year into plan {plan_id}: {n} units' sub-plans and reports, \
                     labelled 示例数据; remove it with `ceping handling sample --remove`"
                ),
                Loaded::Already => println!("plan {plan_id} holds the sample year already"),
                Loaded::RealData => anyhow::bail!(
                    "plan {plan_id} has real sub-plans or reports: the sample would mix with them"
                ),
            }
        }
    }
    Ok(())
}
