//! Downloads: a unit's sub-plan template and a month's report template (XLSX, for Excel or
//! WPS), and the evidence files reports carry. Templates go to the unit's liaison (and the
//! office may fetch any unit's sub-plan template to send it out); an evidence file goes to the
//! office and the evaluators, and to the liaison of the unit whose report carries it, always
//! as an attachment of the type its bytes were found to be, in a sandbox.

use super::status_of;
use super::unit_desk::period_of;
use crate::message::Bilingual;
use crate::plan::label::task_label;
use crate::server::repo::account::{self, AccountRole};
use crate::server::repo::handling::{self, HandlingError, ReportState, ReportingUnit};
use crate::server::repo::plan as read;
use crate::server::service::evidence::{EvidenceKind, disposition};
use crate::server::service::sheets::{self, StatusRow, TemplateTask, ValueRow};
use crate::server::web::AppState;
use crate::server::web::extract::{AnyAccount, Office, Staff, UnitLiaison};
use crate::server::web::problem::Problem;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::Response;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A file to save, never to show: its type, its name, and a policy that runs nothing in it.
fn attachment(body: impl Into<Body>, content_type: &str, name: &str) -> Response {
    let mut res = Response::new(body.into());
    let headers = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&disposition(name)) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    res
}

/// The unit's tasks for a template: label, whole text, whether it leads.
async fn template_tasks(
    state: &AppState,
    unit: &ReportingUnit,
) -> Result<Vec<TemplateTask>, Problem> {
    // One read of the plan's tasks gives both the label and the whole text.
    let tasks = read::tasks(&state.pool, unit.plan_id).await?;
    Ok(unit
        .tasks
        .iter()
        .map(|(id, leads)| {
            let task = tasks
                .sections
                .iter()
                .flat_map(|s| &s.tasks)
                .find(|t| t.id == *id);
            TemplateTask {
                id: *id,
                label: task
                    .map(|t| task_label(t.section_number, t.number))
                    .unwrap_or_default(),
                text: task.map(|t| t.body.clone()).unwrap_or_default(),
                leads: *leads,
            }
        })
        .collect())
}

async fn subplan_template(state: &AppState, unit: &ReportingUnit) -> Result<Response, Problem> {
    let tasks = template_tasks(state, unit).await?;
    let subplans = handling::subplans(&state.pool, unit.id).await?;
    let (indicators, milestones) = subplans
        .first()
        .map(|p| (p.indicators.clone(), p.milestones.clone()))
        .unwrap_or_default();
    let bytes = sheets::subplan_template(&unit.name, &tasks, &indicators, &milestones)
        .map_err(Problem::unavailable)?;
    Ok(attachment(
        bytes,
        XLSX,
        &format!("{}-分方案模板.xlsx", unit.name),
    ))
}

/// `GET /desk/unit/subplan/template.xlsx`: the liaison's sub-plan template, with its latest
/// version's indicators and milestones to revise.
pub async fn get_subplan_template(
    State(state): State<AppState>,
    UnitLiaison { unit, .. }: UnitLiaison,
) -> Result<Response, Problem> {
    subplan_template(&state, &unit).await
}

/// `GET /desk/handling/units/{unit}/template.xlsx`: the same template of any reporting unit,
/// for the office to send out.
pub async fn get_unit_template(
    State(state): State<AppState>,
    Staff { who, .. }: Staff<Office>,
    Path(raw): Path<String>,
) -> Result<Response, Problem> {
    let unit = match raw.parse::<i64>() {
        Ok(id) => handling::reporting_unit(&state.pool, id).await,
        Err(_) => Err(HandlingError::NoUnit),
    }
    .map_err(|e| Problem::from(e).seen_by(&who))?;
    subplan_template(&state, &unit).await
}

/// `GET /desk/unit/reports/{period}/template.xlsx`: the month's report template, against the
/// approved sub-plan: each indicator with the value last reported, each task with the status of
/// the returned version (or of the last month) to start from.
pub async fn get_report_template(
    State(state): State<AppState>,
    UnitLiaison { who, unit }: UnitLiaison,
    Path(raw): Path<String>,
) -> Result<Response, Problem> {
    let refuse = |e: HandlingError| Problem::new(status_of(&e), "无法下载", e.zh()).seen_by(&who);
    let (period, settings) = period_of(&state, unit.plan_id, &raw)
        .await
        .map_err(|p| p.seen_by(&who))?;
    let Some(plan) = handling::approved(&state.pool, unit.id).await? else {
        return Err(refuse(HandlingError::NoApprovedSubplan));
    };
    let reports = handling::reports(&state.pool, unit.id).await?;
    let this = reports.iter().find(|r| r.period == period);
    match this.map(|r| r.state) {
        Some(ReportState::Submitted) => return Err(refuse(HandlingError::ReportPending)),
        Some(ReportState::Accepted) => return Err(refuse(HandlingError::ReportAccepted)),
        _ => {}
    }
    // Newest first: the returned version of this month, else the latest earlier month.
    let earlier = reports.iter().find(|r| r.period < period);
    let start = this.or(earlier);
    let values: Vec<ValueRow> = plan
        .indicators
        .iter()
        .map(|(code, ind)| {
            let last = reports
                .iter()
                .filter(|r| r.period < period)
                .find_map(|r| r.values.iter().find(|(c, ..)| c == code).map(|v| v.1));
            let mine = this.and_then(|r| r.values.iter().find(|(c, ..)| c == code));
            ValueRow {
                code: *code,
                indicator: ind.clone(),
                last,
                value: mine.map(|v| v.1),
                note: mine.map(|v| v.2.clone()).unwrap_or_default(),
            }
        })
        .collect();
    let statuses: Vec<StatusRow> = template_tasks(&state, &unit)
        .await?
        .into_iter()
        .map(|task| {
            let was = start.and_then(|r| r.tasks.iter().find(|(t, ..)| *t == task.id));
            StatusRow {
                status: was.map(|w| w.1),
                reason: was.map(|w| w.2.clone()).unwrap_or_default(),
                narrative: this.and(was).map(|w| w.3.clone()).unwrap_or_default(),
                task,
            }
        })
        .collect();
    let due = period.due(settings.measures.due_day).to_string();
    let bytes = sheets::report_template(&unit.name, period, &due, &values, &statuses)
        .map_err(Problem::unavailable)?;
    Ok(attachment(
        bytes,
        XLSX,
        &format!("{}-{}月报模板.xlsx", unit.name, period.key()),
    ))
}

/// `GET /desk/evidence/{id}`: one evidence file, to the office and the evaluators, and to
/// the liaison of the unit whose report carries it (any other liaison gets 404, as if the
/// file did not exist).
pub async fn get_evidence(
    State(state): State<AppState>,
    Staff { who, .. }: Staff<AnyAccount>,
    Path(raw): Path<String>,
) -> Result<Response, Problem> {
    let missing = || Problem::not_found("找不到该文件", "没有这个佐证材料。").seen_by(&who);
    let Ok(id) = raw.parse::<i64>() else {
        return Err(missing());
    };
    let Some((file, unit, chunks)) = handling::evidence_file(&state.pool, id).await? else {
        return Err(missing());
    };
    if who.role == AccountRole::Liaison
        && account::unit_of(&state.pool, who.id).await? != Some(unit)
    {
        return Err(missing());
    }
    let kind = EvidenceKind::parse(&file.kind).ok_or_else(missing)?;
    // The bytes, a chunk at a time, through a small pipe: a download holds one chunk.
    let (mut writer, reader) = tokio::io::duplex(64 * 1024);
    let pool = state.pool.clone();
    let sha256 = file.sha256.clone();
    tokio::spawn(async move {
        use tokio::io::AsyncWriteExt;
        for seq in 0..chunks {
            match handling::evidence_chunk(&pool, &sha256, seq).await {
                Ok(Some(chunk)) => {
                    if writer.write_all(&chunk).await.is_err() {
                        return; // the browser went away
                    }
                }
                // Cut short: the browser sees a broken download, never a wrong file.
                Ok(None) | Err(_) => {
                    tracing::warn!(sha256 = %sha256, seq, "an evidence file's chunk is missing");
                    return;
                }
            }
        }
        let _ = writer.shutdown().await;
    });
    let body = Body::from_stream(tokio_util::io::ReaderStream::new(reader));
    let mut res = attachment(body, kind.content_type(), &file.name);
    if let Ok(v) = HeaderValue::from_str(&file.size.to_string()) {
        res.headers_mut().insert(header::CONTENT_LENGTH, v);
    }
    res.headers_mut().insert(
        header::ETAG,
        HeaderValue::from_str(&format!("\"{}\"", file.sha256))
            .unwrap_or(HeaderValue::from_static("\"\"")),
    );
    Ok(res)
}
