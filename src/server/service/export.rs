//! A round's exports, once it is counted: the results as CSV, the comments as CSV, and a
//! workbook (XLSX) with sheets for the summary, tasks, units, evaluators and comments.
//!
//! No export holds a ballot: ballots are sealed, and the count opens only their sums. Comments
//! come in the random order the count stored them. Memory stays flat however many there are:
//! they are read a page at a time and handed to a writer on a blocking thread
//! (`crate::export`), which streams them to a file.

use crate::export::{Cell, CsvOut, ExportError, XlsxOut};
use crate::message::Bilingual;
use crate::results::{indicator_means, percent1, round1};
use crate::server::repo::export as repo_export;
use crate::server::repo::results::{self as repo_results, ItemMeta, Report, ReportError};
use crate::server::repo::score;
use sqlx::SqlitePool;
use std::path::Path;
use std::sync::Arc;
use tokio::sync::mpsc;

/// What to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Everything, one sheet per table.
    Xlsx,
    /// One row per task and unit with every figure.
    ResultsCsv,
    /// One row per comment (item, text), in the count's random order.
    CommentsCsv,
}

/// Comments read from the database at a time.
pub const PAGE: i64 = 1000;

/// Called with (rows written, rows in all).
pub type Progress = Arc<dyn Fn(u64, u64) + Send + Sync>;

#[derive(Debug, thiserror::Error)]
pub enum ExportFail {
    #[error("round {0} does not exist")]
    NoRound(i64),
    #[error(
        "round {0} is not counted: exports wait until it has closed and its tellers have opened \
         the count (no per-item figure exists before)"
    )]
    NotClosed(i64),
    #[error("the results cannot be computed: {0}")]
    Report(String),
    #[error("writing the export failed: {0}")]
    Write(#[from] ExportError),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error("the export writer stopped: {0}")]
    Writer(String),
}

impl Bilingual for ExportFail {
    fn zh(&self) -> String {
        match self {
            ExportFail::NoRound(_) => "链接中的测评轮次不存在。".into(),
            ExportFail::NotClosed(_) => {
                "为保护投票秘密，结果和意见在测评结束、监票人计票后才能导出。".into()
            }
            _ => "服务器暂时无法完成这个请求，请稍后再试。".into(),
        }
    }
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub ballots: u64,
    pub bytes: u64,
}

enum Msg {
    Sheet {
        name: String,
        header: Vec<String>,
        widths: Vec<f64>,
    },
    Rows(Vec<Vec<Cell>>),
}

/// Where rows go: a workbook, or a CSV file (which takes the first sheet's header only).
enum Sink {
    Xlsx(Box<XlsxOut>),
    Csv(Box<CsvOut<std::io::BufWriter<std::fs::File>>>, bool),
}

impl Sink {
    fn take(&mut self, msg: Msg) -> Result<(), ExportError> {
        match (self, msg) {
            (
                Sink::Xlsx(x),
                Msg::Sheet {
                    name,
                    header,
                    widths,
                },
            ) => {
                let header: Vec<&str> = header.iter().map(String::as_str).collect();
                x.sheet(&name, &header, &widths)
            }
            (Sink::Xlsx(x), Msg::Rows(rows)) => rows.iter().try_for_each(|r| x.row(r)),
            (Sink::Csv(c, started), Msg::Sheet { header, .. }) => {
                if !*started {
                    *started = true;
                    let cells: Vec<Cell> = header.into_iter().map(Cell::Text).collect();
                    c.row(&cells)?;
                }
                Ok(())
            }
            (Sink::Csv(c, _), Msg::Rows(rows)) => {
                rows.iter().try_for_each(|r| c.row(r))?;
                Ok(())
            }
        }
    }

    fn finish(self, path: &Path) -> Result<(), ExportError> {
        match self {
            Sink::Xlsx(x) => x.save(path),
            Sink::Csv(c, _) => {
                let mut w = (*c).finish()?;
                std::io::Write::flush(&mut w)?;
                w.into_inner()
                    .map_err(|e| ExportError::Io(e.into_error()))?
                    .sync_all()?;
                Ok(())
            }
        }
    }
}

/// Writes `format` of round `round_id` to `path` (created or replaced).
pub async fn export(
    pool: &SqlitePool,
    round_id: i64,
    format: Format,
    path: &Path,
    progress: Progress,
) -> Result<Written, ExportFail> {
    let report = match repo_results::load(pool, round_id).await {
        Ok(r) => r,
        Err(ReportError::NoRound(id)) => return Err(ExportFail::NoRound(id)),
        Err(e) => return Err(ExportFail::Report(e.to_string())),
    };
    // No figure exists before the count: exports wait for it, from the pages and the CLI alike.
    if !report.published() {
        return Err(ExportFail::NotClosed(round_id));
    }
    let sink = match format {
        Format::Xlsx => Sink::Xlsx(Box::default()),
        Format::ResultsCsv | Format::CommentsCsv => {
            let file = std::fs::File::create(path).map_err(ExportError::Io)?;
            let out = CsvOut::new(std::io::BufWriter::new(file)).map_err(ExportError::Io)?;
            Sink::Csv(Box::new(out), false)
        }
    };
    let (tx, mut rx) = mpsc::channel::<Msg>(4);
    let out = path.to_path_buf();
    let writer = tokio::task::spawn_blocking(move || -> Result<(), ExportError> {
        let mut sink = sink;
        while let Some(msg) = rx.blocking_recv() {
            sink.take(msg)?;
        }
        sink.finish(&out)
    });
    let fed = feed(pool, &report, format, &tx, &progress).await;
    let ballots = u64::try_from(report.turnout.0).unwrap_or(0);
    drop(tx);
    let written = writer
        .await
        .map_err(|e| ExportFail::Writer(e.to_string()))?;
    // A writer error explains a closed channel better than the feeder's.
    written?;
    fed?;
    let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    Ok(Written { ballots, bytes })
}

async fn send(tx: &mpsc::Sender<Msg>, msg: Msg) -> Result<(), ExportFail> {
    tx.send(msg)
        .await
        .map_err(|_| ExportFail::Writer("the writer stopped early".into()))
}

fn sheet(name: &str, header: &[&str], widths: &[f64]) -> Msg {
    Msg::Sheet {
        name: name.to_string(),
        header: header.iter().map(|h| h.to_string()).collect(),
        widths: widths.to_vec(),
    }
}

async fn feed(
    pool: &SqlitePool,
    report: &Report,
    format: Format,
    tx: &mpsc::Sender<Msg>,
    progress: &Progress,
) -> Result<(), ExportFail> {
    match format {
        Format::ResultsCsv => results_sheet(report, tx, "结果", None).await,
        Format::CommentsCsv => comments_sheet(pool, report, tx, progress).await,
        Format::Xlsx => {
            summary_sheet(pool, report, tx).await?;
            results_sheet(report, tx, "工作任务", Some(true)).await?;
            results_sheet(report, tx, "成员单位", Some(false)).await?;
            evaluators_sheet(pool, report, tx).await?;
            handling_sheet(pool, report, tx).await?;
            comments_sheet(pool, report, tx, progress).await
        }
    }
}

/// A rate as the percentage the pages show (one decimal, [`percent1`]).
fn pct(v: Option<f64>) -> Cell {
    v.map(percent1).into()
}

/// A score or index as the pages show it (one decimal, [`round1`]).
fn fig(v: Option<f64>) -> Cell {
    v.map(round1).into()
}

async fn summary_sheet(
    pool: &SqlitePool,
    report: &Report,
    tx: &mpsc::Sender<Msg>,
) -> Result<(), ExportFail> {
    send(tx, sheet("汇总", &["项目", "内容"], &[22.0, 60.0])).await?;
    let m = &report.results.method;
    let (voted, invited) = report.turnout;
    let head = repo_export::audit_head(pool).await?;
    let levels: Vec<String> = m
        .scale
        .levels
        .iter()
        .zip(&m.level_weights)
        .map(|(l, w)| format!("{} {w}", l.label))
        .collect();
    let indicators: Vec<String> = report
        .indicators
        .iter()
        .map(|i| format!("{} {}", i.name, i.weight))
        .collect();
    let rows: Vec<Vec<Cell>> = vec![
        vec!["工作方案".into(), report.plan_title.clone().into()],
        vec!["测评轮次".into(), report.round.name.clone().into()],
        vec![
            "状态".into(),
            if report.round.counted {
                "已结束，已计票"
            } else {
                report.round.state.label_zh()
            }
            .into(),
        ],
        vec!["应投".into(), invited.into()],
        vec!["已投".into(), voted.into()],
        vec![
            "投票率（%）".into(),
            pct((invited > 0).then(|| voted as f64 / invited as f64)),
        ],
        vec![
            "已提交评分的评估人".into(),
            report.evaluators_submitted.into(),
        ],
        vec!["满意率分母 N".into(), m.config.denominator.label().into()],
        vec!["等级分值".into(), levels.join("、").into()],
        vec!["评估指标（权重）".into(), indicators.join("、").into()],
        vec![
            "综合指数权重（代表:评估）".into(),
            format!("{}:{}", m.config.group_weights.0, m.config.group_weights.1).into(),
        ],
        vec![
            "需重新办理标准".into(),
            format!(
                "测评结果为不满意，或满意率低于{:.1}%",
                percent1(m.config.rework_threshold)
            )
            .into(),
        ],
        vec![
            "导出时间".into(),
            crate::clock::time_zh(crate::clock::now()).into(),
        ],
        vec![
            "审计日志链头".into(),
            format!("{}:{}", head.0, head.1).into(),
        ],
    ];
    send(tx, Msg::Rows(rows)).await
}

/// 办理情况: every approved indicator of every unit on the day of the export, with its target,
/// reported and audited values, completion, expectation and colour (the report's chapter 六 in
/// full). The sample year says so in every row.
async fn handling_sheet(
    pool: &SqlitePool,
    report: &Report,
    tx: &mpsc::Sender<Msg>,
) -> Result<(), ExportFail> {
    use crate::plan::label::task_label;
    use crate::server::repo::{handling, plan};
    let fail = |e: handling::HandlingError| ExportFail::Report(e.to_string());
    let plan_id = report.round.plan_id;
    let (settings, board) = handling::board(pool, plan_id, crate::clock::today())
        .await
        .map_err(fail)?;
    let sample = handling::has_sample(pool, plan_id).await.map_err(fail)?;
    let units: std::collections::HashMap<i64, String> = handling::reporting_units(pool, plan_id)
        .await
        .map_err(fail)?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let labels: std::collections::HashMap<i64, String> = plan::tasks(pool, plan_id)
        .await
        .map_err(|e| ExportFail::Report(e.to_string()))?
        .sections
        .iter()
        .flat_map(|s| &s.tasks)
        .map(|t| (t.id, task_label(t.section_number, t.number)))
        .collect();
    let header = [
        "任务",
        "单位",
        "牵头",
        "指标",
        "计量单位",
        "方向",
        "基期值",
        "目标值",
        "报送值",
        "审核值",
        "完成率（%）",
        "应达（%）",
        "状态",
        "数据",
    ];
    let widths = [
        8.0, 22.0, 6.0, 30.0, 8.0, 10.0, 8.0, 8.0, 8.0, 8.0, 10.0, 10.0, 10.0, 8.0,
    ];
    send(tx, sheet("办理情况", &header, &widths)).await?;
    let amber = settings.measures.amber_points;
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    for t in &board.tasks {
        for u in &t.units {
            for i in &u.indicators {
                let r = &i.record;
                rows.push(vec![
                    labels.get(&t.task_id).cloned().unwrap_or_default().into(),
                    units.get(&u.unit_id).cloned().unwrap_or_default().into(),
                    if u.lead { "牵头" } else { "责任" }.into(),
                    r.name.clone().into(),
                    r.measure_unit.clone().into(),
                    r.direction.label_zh().into(),
                    r.baseline.into(),
                    r.target.into(),
                    r.reported.into(),
                    r.audited.into(),
                    pct(Some(i.progress.completion)),
                    pct(Some(i.progress.expected)),
                    i.progress.rag(amber).label_zh().into(),
                    if sample { "示例数据" } else { "" }.into(),
                ]);
            }
        }
    }
    send(tx, Msg::Rows(rows)).await
}

/// Header of the results table for `report`'s scale.
fn results_header(report: &Report) -> Vec<String> {
    let mut h: Vec<String> = ["类型", "编号", "项目", "标题"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    h.extend(report.round.scale.levels.iter().map(|l| l.label.clone()));
    h.extend(
        [
            "未评",
            "有效票",
            "N",
            "满意率（%）",
            "测评结果",
            "代表得分",
            "评估得分",
            "评估等级",
            "计入评估人数",
            "综合指数",
            "排名",
            "需重新办理",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    h
}

/// One row per item (`tasks`: only tasks / only units / both when `None`).
async fn results_sheet(
    report: &Report,
    tx: &mpsc::Sender<Msg>,
    name: &str,
    tasks: Option<bool>,
) -> Result<(), ExportFail> {
    let header = results_header(report);
    let mut widths = vec![8.0, 8.0, 28.0, 36.0];
    widths.resize(header.len(), 11.0);
    send(
        tx,
        Msg::Sheet {
            name: name.to_string(),
            header,
            widths,
        },
    )
    .await?;
    let rows = report
        .items
        .iter()
        .filter(|m| tasks.is_none_or(|t| m.is_task == t))
        .filter_map(|m| report.result(&m.item).map(|r| (m, r)))
        .map(|(m, r)| {
            let mut row: Vec<Cell> = vec![
                if m.is_task { "任务" } else { "单位" }.into(),
                m.item.clone().into(),
                m.label.clone().into(),
                m.title.clone().into(),
            ];
            row.extend(r.deputies.counts.iter().map(|c| Cell::from(*c)));
            row.extend([
                Cell::from(r.deputies.not_rated),
                Cell::from(r.deputies.valid),
                Cell::from(r.deputies.n),
                pct(r.deputies.satisfaction_rate),
                r.deputies
                    .classification
                    .map(|c| c.label())
                    .unwrap_or("")
                    .into(),
                fig(r.deputies.satisfaction_score),
                fig(r.evaluators.score),
                r.evaluators.grade.map(|g| g.label()).unwrap_or("").into(),
                Cell::from(r.evaluators.used),
                fig(r.combined.value),
                report.rank(&m.item).map(|x| x as i64).into(),
                if r.needs_rework { "是" } else { "" }.into(),
            ]);
            row
        })
        .collect();
    send(tx, Msg::Rows(rows)).await
}

async fn evaluators_sheet(
    pool: &SqlitePool,
    report: &Report,
    tx: &mpsc::Sender<Msg>,
) -> Result<(), ExportFail> {
    let mut header: Vec<&str> = vec!["评估人", "编号", "项目"];
    header.extend(report.indicators.iter().map(|i| i.name.as_str()));
    header.extend(["加权得分", "计入", "评分依据"]);
    let mut widths = vec![14.0, 8.0, 28.0];
    widths.resize(header.len() - 1, 10.0);
    widths.push(50.0);
    send(tx, sheet("评估打分", &header, &widths)).await?;
    let notes = repo_export::evaluator_notes(pool, report.round.id).await?;
    let notes: std::collections::HashMap<(String, String), String> =
        notes.into_iter().map(|(l, i, n)| ((l, i), n)).collect();
    let mut rows = Vec::new();
    for m in &report.items {
        let Some(r) = report.result(&m.item) else {
            continue;
        };
        for line in &r.evaluators.lines {
            let mut row: Vec<Cell> = vec![
                line.evaluator.clone().into(),
                m.item.clone().into(),
                m.full_label().into(),
            ];
            row.extend(line.scores.iter().map(|s| Cell::from(*s)));
            row.push(fig(line.weighted));
            row.push(
                if line.dropped {
                    "去掉最高/最低"
                } else if line.weighted.is_none() {
                    "未评完"
                } else {
                    "是"
                }
                .into(),
            );
            row.push(
                notes
                    .get(&(line.evaluator.clone(), m.item.clone()))
                    .cloned()
                    .unwrap_or_default()
                    .into(),
            );
            rows.push(row);
        }
        // The item's means per indicator, the figures the chart draws.
        if !r.evaluators.lines.is_empty() {
            let set = score::as_set(&report.indicators);
            let mut row: Vec<Cell> = vec![
                "（平均）".into(),
                m.item.clone().into(),
                m.full_label().into(),
            ];
            row.extend(indicator_means(&set, &r.evaluators).into_iter().map(fig));
            row.push(fig(r.evaluators.score));
            rows.push(row);
        }
    }
    send(tx, Msg::Rows(rows)).await
}

async fn comments_sheet(
    pool: &SqlitePool,
    report: &Report,
    tx: &mpsc::Sender<Msg>,
    progress: &Progress,
) -> Result<(), ExportFail> {
    send(
        tx,
        sheet("意见", &["编号", "项目", "意见"], &[8.0, 36.0, 80.0]),
    )
    .await?;
    let labels: std::collections::HashMap<&str, &ItemMeta> =
        report.items.iter().map(|m| (m.item.as_str(), m)).collect();
    let label = |item: &str| match labels.get(item) {
        Some(m) => (m.item.clone(), m.full_label()),
        None => (item.to_string(), String::new()),
    };
    // In the random order the count stored them (the order tells nothing), a page at a time.
    let total = repo_export::comment_count(pool, report.round.id).await?;
    let (mut after, mut written) = (0i64, 0u64);
    loop {
        let rows = repo_export::comments_after(pool, report.round.id, after, PAGE).await?;
        let Some(last) = rows.last() else {
            break;
        };
        after = last.0;
        let full = rows.len() as i64 == PAGE;
        written += rows.len() as u64;
        let out = rows
            .into_iter()
            .map(|(_, item, text)| match item {
                Some(item) => {
                    let (id, name) = label(&item);
                    vec![id.into(), name.into(), text.into()]
                }
                None => vec![Cell::Empty, "总体意见".into(), text.into()],
            })
            .collect();
        send(tx, Msg::Rows(out)).await?;
        progress(written, total.max(written));
        if !full {
            break;
        }
    }
    Ok(())
}
