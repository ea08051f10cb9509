//! `/desk/unit`: a liaison's desk — their unit's sub-plan (drafted, submitted, revised) and its
//! monthly reports. The unit is the liaison's own, from their account: no path names another.

use super::forms::{ReportDraftForm, SubplanDraftForm};
use super::view::{ReportFormPage, SubplanFormPage, UnitDeskPage};
use super::{Done, HEAD, notice_of, status_of, task_names, today};
use crate::handling::period::Period;
use crate::handling::sheet;
use crate::handling::subplan::SubplanState;
use crate::message::Bilingual;
use crate::server::repo::account::Account;
use crate::server::repo::handling::{self, HandlingError, ReportState};
use crate::server::service::{evidence, sheets};
use crate::server::web::AppState;
use crate::server::web::extract::{UnitLiaison, see_other};
use crate::server::web::problem::Problem;
use crate::server::web::render::render_with_head;
use crate::server::web::upload::{EVIDENCE_FIELD, Posted, SHEET_FIELD};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

/// `GET /desk/unit`.
pub async fn get_desk(
    State(state): State<AppState>,
    UnitLiaison { who, unit }: UnitLiaison,
    Query(q): Query<Done>,
) -> Result<Response, Problem> {
    let pool = &state.pool;
    let (settings, board) = handling::board(pool, unit.plan_id, today()).await?;
    let (_, names) = task_names(pool, unit.plan_id).await?;
    let subplans = handling::subplans(pool, unit.id).await?;
    let reports = handling::reports(pool, unit.id).await?;
    let notice = notice_of(q.done.as_deref());
    Ok(render_with_head(
        &state,
        StatusCode::OK,
        &unit.name.clone(),
        HEAD,
        move || {
            view! { <UnitDeskPage who unit settings subplans reports board names notice /> }
                .into_any()
        },
    ))
}

/// `GET /desk/unit/subplan`: the draft to edit, or the latest version to start the next one
/// from. While a version waits for the office, back to the desk.
pub async fn get_subplan(
    State(state): State<AppState>,
    UnitLiaison { who, unit }: UnitLiaison,
) -> Result<Response, Problem> {
    let subplans = handling::subplans(&state.pool, unit.id).await?;
    let latest = subplans.first();
    if latest.is_some_and(|p| p.state == SubplanState::Submitted) {
        return Err(HandlingError::Frozen.into());
    }
    let form = latest
        .map(SubplanDraftForm::from_stored)
        .unwrap_or_default();
    let version = match latest {
        Some(p) if p.state == SubplanState::Draft => p.version,
        Some(p) => p.version + 1,
        None => 1,
    };
    subplan_page(&state, who, unit, form, version, Vec::new(), StatusCode::OK).await
}

async fn subplan_page(
    state: &AppState,
    who: Account,
    unit: handling::ReportingUnit,
    form: SubplanDraftForm,
    version: i64,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, Problem> {
    let (_, names) = task_names(&state.pool, unit.plan_id).await?;
    Ok(render_with_head(
        state,
        status,
        "分方案",
        HEAD,
        move || view! { <SubplanFormPage who unit names form version errors /> }.into_any(),
    ))
}

/// `POST /desk/unit/subplan`: `action=save` keeps the draft, `action=submit` also sends it to
/// the office. A form with faults comes back as typed, every fault named, nothing stored.
/// With a filled-in template (`sheet`), its indicators and milestones replace the draft's
/// (the measures stay), or every bad cell is named and nothing is stored.
pub async fn post_subplan(
    State(state): State<AppState>,
    UnitLiaison { who, unit }: UnitLiaison,
    posted: Posted,
) -> Result<Response, Problem> {
    let tasks: Vec<i64> = unit.tasks.iter().map(|(t, _)| *t).collect();
    let latest = handling::subplans(&state.pool, unit.id).await?;
    let version = match latest.first() {
        Some(p) if p.state == SubplanState::Draft => p.version,
        Some(p) => p.version + 1,
        None => 1,
    };
    if posted.file(SHEET_FIELD).is_some() || !posted.faults.is_empty() {
        return subplan_from_sheet(&state, who, unit, &latest, version, &posted).await;
    }
    let form = SubplanDraftForm::from_pairs(posted.pairs());
    let checked = match form.check(&tasks) {
        Ok(c) => c,
        Err(errors) => {
            let status = StatusCode::BAD_REQUEST;
            return subplan_page(&state, who, unit, form, version, errors, status).await;
        }
    };
    let submit = form.action == "submit";
    if submit && checked.indicators.is_empty() {
        let errors = vec![HandlingError::NoIndicators.zh()];
        let status = StatusCode::BAD_REQUEST;
        return subplan_page(&state, who, unit, form, version, errors, status).await;
    }
    let saved = async {
        handling::save_draft(&state.pool, &unit, &checked, &who.login).await?;
        if submit {
            handling::submit(&state.pool, unit.id, &who.login).await?;
        }
        Ok::<_, HandlingError>(())
    }
    .await;
    match saved {
        Ok(()) => Ok(see_other(if submit {
            "/desk/unit?done=submitted"
        } else {
            "/desk/unit?done=saved"
        })),
        Err(e @ (HandlingError::Form(_) | HandlingError::NoIndicators)) => {
            let status = status_of(&e);
            let errors = vec![e.zh()];
            subplan_page(&state, who, unit, form, version, errors, status).await
        }
        Err(e) => Err(Problem::from(e).seen_by(&who)),
    }
}

/// The sub-plan from a filled-in template: stored as the draft whole, or the form page again
/// (as it was) with every bad cell named.
async fn subplan_from_sheet(
    state: &AppState,
    who: Account,
    unit: handling::ReportingUnit,
    latest: &[handling::Subplan],
    version: i64,
    posted: &Posted,
) -> Result<Response, Problem> {
    let last = latest.first();
    if last.is_some_and(|p| p.state == SubplanState::Submitted) {
        return Err(Problem::from(HandlingError::Frozen).seen_by(&who));
    }
    let form = last.map(SubplanDraftForm::from_stored).unwrap_or_default();
    let refuse = |errors: Vec<String>, status| {
        subplan_page(
            state,
            who.clone(),
            unit.clone(),
            form.clone(),
            version,
            errors,
            status,
        )
    };
    if !posted.faults.is_empty() {
        let status = upload_status(posted);
        return refuse(posted.faults.clone(), status).await;
    }
    let Some(sheet) = posted.file(SHEET_FIELD) else {
        return refuse(
            vec!["请选择填好的模板文件。".into()],
            StatusCode::BAD_REQUEST,
        )
        .await;
    };
    let bytes = sheet.bytes().await.map_err(Problem::unavailable)?;
    let read = tokio::task::spawn_blocking(move || sheets::read(&bytes))
        .await
        .map_err(Problem::unavailable)?;
    let book = match read {
        Ok(b) => b,
        Err(e) => return refuse(vec![e.0], StatusCode::BAD_REQUEST).await,
    };
    let labels = task_labels(state, &unit).await?;
    let codes: Vec<i64> = last
        .map(|p| p.indicators.iter().map(|(c, _)| *c).collect())
        .unwrap_or_default();
    let read = match sheet::read_subplan(&book, &unit.name, &labels, &codes) {
        Ok(r) => r,
        Err(faults) => {
            let errors = faults.iter().map(|f| f.describe()).collect();
            return refuse(errors, StatusCode::BAD_REQUEST).await;
        }
    };
    let checked = handling::SubplanForm {
        measures: form.measures.trim().to_string(),
        indicators: read.indicators,
        milestones: read.milestones,
    };
    match handling::save_draft(&state.pool, &unit, &checked, &who.login).await {
        Ok(_) => Ok(see_other("/desk/unit?done=sheet")),
        Err(e @ HandlingError::Form(_)) => {
            let status = status_of(&e);
            refuse(vec![e.zh()], status).await
        }
        Err(e) => Err(Problem::from(e).seen_by(&who)),
    }
}

/// The unit's tasks as (id, label such as `(一)1`), in the plan's order.
pub(super) async fn task_labels(
    state: &AppState,
    unit: &handling::ReportingUnit,
) -> Result<Vec<(i64, String)>, Problem> {
    let (_, names) = task_names(&state.pool, unit.plan_id).await?;
    Ok(unit
        .tasks
        .iter()
        .map(|(t, _)| {
            let label = names.get(t).map(|n| n.label.clone()).unwrap_or_default();
            (*t, label)
        })
        .collect())
}

/// The status of a refusal for what a post's files were (413 when one was too large).
fn upload_status(posted: &Posted) -> StatusCode {
    if posted.too_large {
        StatusCode::PAYLOAD_TOO_LARGE
    } else {
        StatusCode::BAD_REQUEST
    }
}

/// The month in the path, if it is one of the plan's reporting months.
pub(super) async fn period_of(
    state: &AppState,
    plan_id: i64,
    raw: &str,
) -> Result<(Period, handling::PlanSettings), Problem> {
    let settings = handling::settings(&state.pool, plan_id).await?;
    match Period::parse(raw) {
        Some(p) if settings.measures.periods.contains(&p) => Ok((p, settings)),
        _ => Err(HandlingError::NotAPeriod(raw.chars().take(20).collect()).into()),
    }
}

#[allow(clippy::too_many_arguments)]
async fn report_page(
    state: &AppState,
    who: Account,
    unit: handling::ReportingUnit,
    period: Period,
    settings: &handling::PlanSettings,
    form: Option<ReportDraftForm>,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, Problem> {
    let pool = &state.pool;
    let Some(plan) = handling::approved(pool, unit.id).await? else {
        return Err(Problem::from(HandlingError::NoApprovedSubplan).seen_by(&who));
    };
    let reports = handling::reports(pool, unit.id).await?;
    let last = reports.iter().find(|r| r.period == period);
    match last.map(|r| r.state) {
        Some(ReportState::Submitted) => {
            return Err(Problem::from(HandlingError::ReportPending).seen_by(&who));
        }
        Some(ReportState::Accepted) => {
            return Err(Problem::from(HandlingError::ReportAccepted).seen_by(&who));
        }
        _ => {}
    }
    let returned = last.and_then(|r| r.reason.clone());
    let kept = last.map(|r| r.evidence.clone()).unwrap_or_default();
    let form = form
        .or_else(|| last.map(ReportDraftForm::from_stored))
        .unwrap_or_default();
    let (_, names) = task_names(pool, unit.plan_id).await?;
    let due = period.due(settings.measures.due_day).to_string();
    Ok(render_with_head(
        state,
        status,
        "进展报告",
        HEAD,
        move || {
            view! { <ReportFormPage who unit period due plan names form returned kept errors /> }
                .into_any()
        },
    ))
}

/// `GET /desk/unit/reports/{period}` (`2020-06`).
pub async fn get_report(
    State(state): State<AppState>,
    UnitLiaison { who, unit }: UnitLiaison,
    Path(raw): Path<String>,
) -> Result<Response, Problem> {
    let (period, settings) = period_of(&state, unit.plan_id, &raw)
        .await
        .map_err(|p| p.seen_by(&who))?;
    report_page(
        &state,
        who,
        unit,
        period,
        &settings,
        None,
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

/// `POST /desk/unit/reports/{period}`: the month's report, whole, with its evidence files
/// (new ones, and those of a returned version the liaison keeps). With a filled-in template
/// (`sheet`), the values and statuses come from it instead of the typed fields. Stored whole
/// (report and files in one transaction), or the form comes back as typed with every fault
/// named (each bad cell of a template by sheet, row and column) and nothing is stored.
pub async fn post_report(
    State(state): State<AppState>,
    UnitLiaison { who, unit }: UnitLiaison,
    Path(raw): Path<String>,
    posted: Posted,
) -> Result<Response, Problem> {
    let (period, settings) = period_of(&state, unit.plan_id, &raw)
        .await
        .map_err(|p| p.seen_by(&who))?;
    let Some(plan) = handling::approved(&state.pool, unit.id).await? else {
        return Err(Problem::from(HandlingError::NoApprovedSubplan).seen_by(&who));
    };
    let form = ReportDraftForm::from_pairs(posted.pairs());
    let indicators: Vec<(i64, String)> = plan
        .indicators
        .iter()
        .map(|(c, i)| (*c, i.name.clone()))
        .collect();
    let tasks = task_labels(&state, &unit).await?;
    let mut errors = posted.faults.clone();
    let status = upload_status(&posted);
    let checked = match posted.file(SHEET_FIELD) {
        Some(sheet) => {
            let bytes = sheet.bytes().await.map_err(Problem::unavailable)?;
            let read = tokio::task::spawn_blocking(move || sheets::read(&bytes))
                .await
                .map_err(Problem::unavailable)?;
            match read {
                Err(e) => {
                    errors.push(e.0);
                    None
                }
                Ok(book) => {
                    match sheet::read_report(&book, &unit.name, period, &indicators, &tasks) {
                        Ok(r) => Some(handling::ReportForm {
                            values: r.values,
                            tasks: r.tasks,
                        }),
                        Err(faults) => {
                            errors.extend(faults.iter().map(|f| f.describe()));
                            None
                        }
                    }
                }
            }
        }
        None => match form.check(&indicators, &tasks) {
            Ok(c) => Some(c),
            Err(faults) => {
                errors.extend(faults);
                None
            }
        },
    };
    let mut new = Vec::new();
    for file in posted.files(EVIDENCE_FIELD) {
        let shown = file.sent_name.rsplit(['/', '\\']).next().unwrap_or("");
        let (head, handle) = (file.head.clone(), file.file.try_clone());
        let handle = handle.map_err(Problem::unavailable)?;
        let kind = tokio::task::spawn_blocking(move || evidence::sniff_file(&head, &handle))
            .await
            .map_err(Problem::unavailable)?;
        match kind {
            Some(kind) => new.push(handling::NewEvidence {
                sha256: file.sha256.clone(),
                kind: kind.as_str(),
                size: file.size as i64,
                name: evidence::safe_name(&file.sent_name, kind),
                file: file.file.try_clone().map_err(Problem::unavailable)?,
            }),
            None => errors.push(format!(
                "文件“{shown}”不是可以接受的佐证材料。请上传 PDF、照片（JPEG、PNG、WebP）、XLSX 或 DOCX。"
            )),
        }
    }
    let (Some(checked), true) = (checked, errors.is_empty()) else {
        if posted.files.iter().any(|f| f.field == EVIDENCE_FIELD) || !posted.faults.is_empty() {
            errors.push("页面上填写的内容已保留；要上传的文件请重新选择。".into());
        }
        let form = Some(form);
        return report_page(&state, who, unit, period, &settings, form, errors, status).await;
    };
    // Checked before the transaction too, so that no post holds the write lock for files it
    // cannot keep.
    let mut keep: Vec<i64> = posted.all("keep").filter_map(|k| k.parse().ok()).collect();
    keep.sort_unstable();
    keep.dedup();
    if keep.len() + new.len() > handling::MAX_EVIDENCE_PER_REPORT {
        let errors = vec![format!(
            "每份报告最多{}个佐证材料，这次保留{}个、上传{}个。请少保留或少上传几个。",
            handling::MAX_EVIDENCE_PER_REPORT,
            keep.len(),
            new.len()
        )];
        let status = StatusCode::BAD_REQUEST;
        let form = Some(form);
        return report_page(&state, who, unit, period, &settings, form, errors, status).await;
    }
    let files = handling::EvidenceToFile { new, keep };
    match handling::file_report_with(&state.pool, &unit, period, &checked, &files, &who.login).await
    {
        Ok(_) => Ok(see_other("/desk/unit?done=report")),
        Err(e @ HandlingError::Form(_)) => {
            let status = status_of(&e);
            let errors = vec![e.zh()];
            let form = Some(form);
            report_page(&state, who, unit, period, &settings, form, errors, status).await
        }
        Err(e) => Err(Problem::from(e).seen_by(&who)),
    }
}
