//! Table tests of the measures, each figure computed by hand in its comment.

use super::measure::{Direction::*, judged};
use super::report::TaskStatus;
use super::subplan::{IndicatorDraft, IndicatorField, check_indicator, number};
use super::*;
use chrono::NaiveDate;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn ratios_by_direction() {
    // (direction, baseline, target, value, expected ratio)
    let table = [
        // 完成值 ÷ 目标值 with a baseline of 0: 30 of 40 firms.
        (Higher, 0.0, 40.0, Some(30.0), Some(0.75)),
        // From a baseline: 100 → 200, at 150: half way.
        (Higher, 100.0, 200.0, Some(150.0), Some(0.5)),
        // More than promised is more than 1 (not capped here).
        (Higher, 0.0, 40.0, Some(50.0), Some(1.25)),
        // Below the baseline: negative.
        (Higher, 100.0, 200.0, Some(90.0), Some(-0.1)),
        // Lower is better: 60 days → 30 days, now 45: half way.
        (Lower, 60.0, 30.0, Some(45.0), Some(0.5)),
        // Target 0, lower is better: 8 incidents → 0, now 2: (8 − 2) ÷ 8.
        (Lower, 8.0, 0.0, Some(2.0), Some(0.75)),
        (Lower, 8.0, 0.0, Some(0.0), Some(1.0)),
        // Worse than the baseline.
        (Lower, 8.0, 0.0, Some(10.0), Some(-0.25)),
        // A milestone: done or not, whatever the baseline and target say.
        (Milestone, 0.0, 1.0, Some(1.0), Some(1.0)),
        (Milestone, 0.0, 1.0, Some(0.0), Some(0.0)),
        (Milestone, 0.0, 1.0, Some(0.6), Some(0.0)),
        // No value reported yet.
        (Higher, 0.0, 40.0, None, None),
        // Degenerate stored data: reached or not.
        (Higher, 5.0, 5.0, Some(5.0), Some(1.0)),
        (Lower, 5.0, 5.0, Some(6.0), Some(0.0)),
    ];
    for (dir, b, t, v, want) in table {
        let got = ratio(dir, b, t, v);
        assert!(
            match (got, want) {
                (Some(g), Some(w)) => close(g, w),
                (None, None) => true,
                _ => false,
            },
            "{dir:?} {b} → {t} at {v:?}: {got:?}, want {want:?}"
        );
    }
    // Completion is the ratio kept within 0 and 1.
    assert!(close(completion(Higher, 0.0, 40.0, Some(50.0)), 1.0));
    assert!(close(completion(Higher, 100.0, 200.0, Some(90.0)), 0.0));
    assert!(close(completion(Higher, 0.0, 40.0, None), 0.0));
}

#[test]
fn the_audited_value_is_preferred() {
    assert_eq!(judged(Some(30.0), Some(24.0)), Some(24.0));
    assert_eq!(judged(Some(30.0), None), Some(30.0));
    assert_eq!(judged(None, Some(0.0)), Some(0.0));
    // Audited 24 of 40 is 0.6, where the unit claimed 0.75.
    let v = judged(Some(30.0), Some(24.0));
    assert!(close(completion(Higher, 0.0, 40.0, v), 0.6));
}

#[test]
fn time_proportional_expectation() {
    // A whole year, 2019 (365 days between 1 Jan and 31 Dec is 364 days of period).
    let (s, e) = (d(2019, 1, 1), d(2019, 12, 31));
    assert!(close(expected(s, e, d(2018, 12, 1)), 0.0));
    assert!(close(expected(s, e, s), 0.0));
    // 1 Jul 2019 is 181 days after 1 Jan; the period is 364 days long.
    assert!(close(expected(s, e, d(2019, 7, 1)), 181.0 / 364.0));
    assert!(close(expected(s, e, e), 1.0));
    assert!(close(expected(s, e, d(2020, 3, 1)), 1.0));
    // A leap year: 1 Feb → 1 Mar 2020 is 29 days; on 15 Feb, 14 of them have passed.
    assert!(close(
        expected(d(2020, 2, 1), d(2020, 3, 1), d(2020, 2, 15)),
        14.0 / 29.0
    ));
    // The same dates in 2021: 28 days.
    assert!(close(
        expected(d(2021, 2, 1), d(2021, 3, 1), d(2021, 2, 15)),
        14.0 / 28.0
    ));
    // 2020's 1 Jul is 182 days after 1 Jan (29 February counts); 365 days of period.
    assert!(close(
        expected(d(2020, 1, 1), d(2020, 12, 31), d(2020, 7, 1)),
        182.0 / 365.0
    ));
    // A due day before the start (stored data only): all once the due day is past.
    assert!(close(expected(e, s, d(2019, 6, 1)), 1.0));
    assert!(close(expected(e, s, d(2018, 6, 1)), 0.0));
}

#[test]
fn colours() {
    // (completion, expected, overdue, colour) with the default 10 points.
    let table = [
        (0.5, 0.5, false, Rag::Green),
        (0.6, 0.5, false, Rag::Green),
        // 0.1 points behind.
        (0.499, 0.5, false, Rag::Amber),
        // Exactly 10 points behind is still amber.
        (0.4, 0.5, false, Rag::Amber),
        (0.399, 0.5, false, Rag::Red),
        // An overdue report is red whatever the figures.
        (1.0, 0.5, true, Rag::Red),
        // Past the due day and 5 points short: amber; 20 short: red.
        (0.95, 1.0, false, Rag::Amber),
        (0.8, 1.0, false, Rag::Red),
    ];
    for (c, e, overdue, want) in table {
        assert_eq!(rag(c, e, DEFAULT_AMBER_POINTS, overdue), want, "{c} vs {e}");
    }
    // Another threshold: 5 points.
    assert_eq!(rag(0.42, 0.5, 5.0, false), Rag::Red);
}

fn p(completion: f64, expected: f64) -> Progress {
    Progress {
        completion,
        expected,
        overdue: false,
    }
}

#[test]
fn roll_up_weights_and_leaves_out_what_has_no_weight() {
    // Two indicators of weights 3 and 1: (3 × 0.8 + 1 × 0.4) ÷ 4 = 0.7.
    let r = roll_up(&[(3.0, p(0.8, 0.5)), (1.0, p(0.4, 0.5))]).unwrap();
    assert!(close(r.completion, 0.7) && close(r.expected, 0.5));
    assert_eq!(r.rag(DEFAULT_AMBER_POINTS), Rag::Green);
    // Nothing with weight: no progress (not 0).
    assert_eq!(roll_up(&[]), None);
    assert_eq!(roll_up(&[(0.0, p(1.0, 1.0))]), None);
    // An overdue part makes the whole overdue.
    let mut late = p(1.0, 0.5);
    late.overdue = true;
    let r = roll_up(&[(1.0, p(1.0, 0.5)), (1.0, late)]).unwrap();
    assert!(r.overdue);
    assert_eq!(r.rag(DEFAULT_AMBER_POINTS), Rag::Red);
}

#[test]
fn a_unit_that_leads_one_task_and_shares_three() {
    // Unit A leads task 1 (weight 2 there) and shares tasks 2, 3 and 4 (weight 1 in each).
    // Unit B leads tasks 2, 3 and 4 and shares task 1.
    // A's progress: 0.9 on task 1; 0.3 on 2, 3, 4. B's: 0.5 on task 1; 0.6 on 2, 3, 4.
    // Task 1 = (2 × 0.9 + 1 × 0.5) ÷ 3 = 2.3 ÷ 3; tasks 2–4 = (2 × 0.6 + 1 × 0.3) ÷ 3 = 0.5.
    let (lead, resp) = (DEFAULT_LEAD_WEIGHT, DEFAULT_RESPONSIBLE_WEIGHT);
    let task1 = roll_up(&[(lead, p(0.9, 0.5)), (resp, p(0.5, 0.5))]).unwrap();
    assert!(close(task1.completion, 2.3 / 3.0));
    let task2 = roll_up(&[(lead, p(0.6, 0.5)), (resp, p(0.3, 0.5))]).unwrap();
    assert!(close(task2.completion, 0.5));
    // A section of the four tasks, each the same weight: (2.3 ÷ 3 + 3 × 0.5) ÷ 4.
    let section = roll_up(&[(1.0, task1), (1.0, task2), (1.0, task2), (1.0, task2)]).unwrap();
    assert!(close(section.completion, (2.3 / 3.0 + 1.5) / 4.0));
    assert_eq!(section.rag(DEFAULT_AMBER_POINTS), Rag::Green);
    // A's own record over its four tasks, unweighted by role: (0.9 + 3 × 0.3) ÷ 4 = 0.45,
    // 5 points behind 0.5: amber.
    let unit_a = roll_up(&[
        (1.0, p(0.9, 0.5)),
        (1.0, p(0.3, 0.5)),
        (1.0, p(0.3, 0.5)),
        (1.0, p(0.3, 0.5)),
    ])
    .unwrap();
    assert!(close(unit_a.completion, 0.45));
    assert_eq!(unit_a.rag(DEFAULT_AMBER_POINTS), Rag::Amber);
}

#[test]
fn periods_due_days_and_checkpoints() {
    let may = Period::parse("2020-05").unwrap();
    assert_eq!(may.key(), "2020-05");
    assert_eq!(may.label_zh(), "2020年5月");
    assert_eq!(may.due(DEFAULT_DUE_DAY), d(2020, 5, 28));
    // The 31st of a 29-day February is its last day (a leap year).
    let feb = Period::new(2020, 2).unwrap();
    assert_eq!(feb.due(31), d(2020, 2, 29));
    assert_eq!(Period::new(2021, 2).unwrap().due(31), d(2021, 2, 28));
    assert_eq!(
        Period::new(2020, 12).unwrap().next(),
        Period::new(2021, 1).unwrap()
    );
    for bad in ["2020-13", "2020-5", "20-05", "x", "2020-00"] {
        assert_eq!(Period::parse(bad), None, "{bad}");
    }
    let months = Period::range(may, Period::new(2020, 12).unwrap());
    assert_eq!(months.len(), 8);
    let marks: Vec<_> = months.iter().map(|m| m.checkpoints()).collect();
    assert_eq!(marks[1], vec![Checkpoint::Quarterly, Checkpoint::HalfYear]); // June
    assert_eq!(marks[4], vec![Checkpoint::Quarterly]); // September
    assert_eq!(marks[7], vec![Checkpoint::Quarterly, Checkpoint::YearEnd]); // December
    assert!(marks[0].is_empty());
}

#[test]
fn filing_states() {
    let due = d(2020, 5, 28);
    assert_eq!(filing(due, None, false, d(2020, 5, 20)), Filing::NotDue);
    assert_eq!(filing(due, None, false, due), Filing::NotDue);
    assert_eq!(filing(due, None, false, d(2020, 5, 29)), Filing::Missing);
    assert_eq!(
        filing(due, Some(due), false, d(2020, 6, 30)),
        Filing::OnTime
    );
    // Filed the day after its due day: late, for good.
    assert_eq!(
        filing(due, Some(d(2020, 5, 29)), false, d(2020, 6, 30)),
        Filing::Late
    );
    assert_eq!(
        filing(due, Some(d(2020, 5, 2)), true, d(2020, 6, 30)),
        Filing::Returned
    );
    assert!(Filing::Missing.overdue() && !Filing::Late.overdue());
}

#[test]
fn the_filing_deadline_is_read_from_the_plan() {
    let seed = include_str!("../../seed/wuhan-2020-proposal-3.txt");
    // "分方案于2020年5月上旬前报送领导小组办公室备案": by 10 May.
    assert_eq!(filing_deadline(seed), Some(d(2020, 5, 10)));
    let table = [
        ("分方案于2021年6月中旬前报送", Some(d(2021, 6, 20))),
        ("分方案于2021年6月底前报送", Some(d(2021, 6, 30))),
        ("分方案于2020年2月下旬报送", Some(d(2020, 2, 29))),
        ("各单位分方案应于2021年4月15日前报送", Some(d(2021, 4, 15))),
        ("分方案要尽快报送。2021年4月15日", None),
        ("没有日期", None),
        ("分方案于2021年13月报送", None),
    ];
    for (text, want) in table {
        assert_eq!(filing_deadline(text), want, "{text}");
    }
}

#[test]
fn numbers_as_people_write_them() {
    assert_eq!(number(" 1,200 "), Some(1200.0));
    assert_eq!(number("１２．５"), Some(12.5));
    assert_eq!(number("85%"), Some(85.0));
    assert_eq!(number("-3"), Some(-3.0));
    for bad in ["", "abc", "NaN", "inf", "1.2.3"] {
        assert_eq!(number(bad), None, "{bad}");
    }
}

fn draft() -> IndicatorDraft {
    IndicatorDraft {
        task_id: "7".into(),
        name: "新引进生物医药企业".into(),
        measure_unit: "家".into(),
        baseline: "0".into(),
        target: "40".into(),
        direction: "higher".into(),
        starts_on: "2020-05-01".into(),
        due_on: "2020-12-31".into(),
        weight: "".into(),
    }
}

#[test]
fn an_indicator_is_checked_field_by_field() {
    let ok = check_indicator(&draft(), &[7, 8]).unwrap();
    assert_eq!(ok.weight, 1.0);
    assert_eq!(ok.target, 40.0);
    // A milestone needs no numbers.
    let m = IndicatorDraft {
        direction: "milestone".into(),
        baseline: "".into(),
        target: "".into(),
        ..draft()
    };
    let m = check_indicator(&m, &[7]).unwrap();
    assert_eq!((m.baseline, m.target), (0.0, 1.0));
    // Every fault at once.
    let bad = IndicatorDraft {
        task_id: "9".into(),
        name: " ".into(),
        target: "四十".into(),
        starts_on: "2020-13-01".into(),
        weight: "0".into(),
        ..draft()
    };
    let errors = check_indicator(&bad, &[7]).unwrap_err();
    assert_eq!(errors.len(), 5, "{errors:?}");
    assert!(
        errors
            .iter()
            .any(|(f, e)| *f == IndicatorField::Target && e.contains("“四十”不是数字"))
    );
    // Each fault names its field: the task, the name, the target, the start, the weight.
    let fields: Vec<IndicatorField> = errors.iter().map(|(f, _)| *f).collect();
    assert_eq!(
        fields,
        [
            IndicatorField::Task,
            IndicatorField::Name,
            IndicatorField::Target,
            IndicatorField::StartsOn,
            IndicatorField::Weight
        ]
    );
    // Directions and targets that disagree.
    let lower = IndicatorDraft {
        direction: "lower".into(),
        baseline: "".into(),
        target: "10".into(),
        ..draft()
    };
    let errors = check_indicator(&lower, &[7]).unwrap_err();
    assert!(
        errors
            .iter()
            .any(|(f, e)| *f == IndicatorField::Baseline && e.contains("须填写基期值")),
        "{errors:?}"
    );
    let backwards = IndicatorDraft {
        baseline: "50".into(),
        ..draft()
    };
    assert!(check_indicator(&backwards, &[7]).is_err());
    let ends_first = IndicatorDraft {
        due_on: "2020-04-01".into(),
        ..draft()
    };
    assert!(check_indicator(&ends_first, &[7]).is_err());
}

#[test]
fn the_board_from_a_ledger() {
    use super::progress::*;
    // Two units; task 1 (section 1) led by unit 10 and shared by unit 20. Reports due on the
    // 28th of May and June 2020; the board is read on 1 July 2020.
    let ind =
        |unit_id, code, target, reported: Option<f64>, audited: Option<f64>| IndicatorRecord {
            unit_id,
            code,
            task_id: 1,
            name: format!("指标{code}"),
            measure_unit: "家".into(),
            direction: Higher,
            baseline: 0.0,
            target,
            starts_on: d(2020, 1, 1),
            due_on: d(2020, 12, 31),
            weight: 1.0,
            reported,
            audited,
        };
    let ledger = Ledger {
        units: vec![10, 20],
        tasks: vec![TaskRecord {
            task_id: 1,
            section: 1,
            units: vec![(10, true), (20, false)],
        }],
        indicators: vec![
            // Unit 10: 30 of 40 reported, audited down to 20 (0.5); 10 of 10 (1.0).
            ind(10, 1, 40.0, Some(30.0), Some(20.0)),
            ind(10, 2, 10.0, Some(10.0), None),
            // Unit 20: nothing reported.
            ind(20, 1, 5.0, None, None),
        ],
        filings: vec![
            FilingRecord {
                unit_id: 10,
                period: Period::new(2020, 5).unwrap(),
                first_filed: Some(d(2020, 5, 27)),
                returned: false,
            },
            FilingRecord {
                unit_id: 10,
                period: Period::new(2020, 6).unwrap(),
                first_filed: Some(d(2020, 6, 30)),
                returned: false,
            },
        ],
    };
    let settings = Settings {
        periods: Period::range(Period::new(2020, 5).unwrap(), Period::new(2020, 7).unwrap()),
        due_day: 28,
        amber_points: 10.0,
        lead_weight: 2.0,
        responsible_weight: 1.0,
    };
    let board = super::progress::compute(&ledger, &settings, d(2020, 7, 1));
    // 1 Jul is 182 of 365 days into the indicators' period.
    let e = 182.0 / 365.0;
    let u10 = board.unit(10).unwrap();
    assert_eq!(
        u10.filings.iter().map(|(_, f)| *f).collect::<Vec<_>>(),
        vec![Filing::OnTime, Filing::Late, Filing::NotDue]
    );
    // (0.5 + 1.0) ÷ 2.
    let p10 = u10.progress.unwrap();
    assert!(close(p10.completion, 0.75) && close(p10.expected, e) && !p10.overdue);
    let u20 = board.unit(20).unwrap();
    assert_eq!(u20.summary.missing_reports, 2);
    assert!(u20.progress.unwrap().overdue);
    // The task: lead 0.75 × 2, responsible 0 × 1, over 3: 0.5; red, unit 20 owing reports.
    let t = board.task(1).unwrap();
    let tp = t.progress.unwrap();
    assert!(close(tp.completion, 0.5), "{tp:?}");
    assert_eq!(tp.rag(10.0), Rag::Red);
    assert_eq!(
        t.summary,
        Summary {
            indicators: 3,
            done: 1,
            // 0.5 against 182 ÷ 365 ≈ 0.499 is on track; only unit 20's is behind.
            behind: 1,
            missing_reports: 2,
            late_reports: 1,
        }
    );
    assert_eq!(t.summary.line_zh(), "指标完成 1/3 · 滞后 1 · 逾期未报 2");
    // The audited value judges: 20 of 40 is 0.5, where 30 was claimed.
    let first = &t.units[0].indicators[0];
    assert_eq!(first.ratio, Some(0.5));
    assert_eq!(board.sections.len(), 1);
    assert!(close(board.plan.unwrap().completion, 0.5));

    // Two readings of the same year agree; a value, an audit or a filing read otherwise is
    // named.
    assert!(differences(&ledger, &ledger.clone()).is_empty());
    let mut other = ledger.clone();
    other.indicators[0].audited = None;
    other.filings.remove(1);
    other.indicators.pop();
    let found = differences(&ledger, &other);
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(found[0].starts_with("unit 10, indicator 1: reported Some(30.0), audited Some(20.0)"));
    assert!(found[1].starts_with("unit 20, indicator 1: only in the pages' reading"));
    assert!(found[2].starts_with("unit 10, 2020-06: filed"));
}

#[test]
fn the_sample_year_is_the_same_every_time_and_covers_every_task() {
    use super::sample::{SampleInput, year};
    let units = vec![
        SampleInput {
            unit_id: 7,
            tasks: vec![
                (1, true, "推动企业上云".into()),
                (2, false, "建设5G基站".into()),
            ],
        },
        SampleInput {
            unit_id: 8,
            tasks: vec![(2, true, "建设5G基站".into())],
        },
    ];
    let periods = Period::range(
        Period::new(2020, 5).unwrap(),
        Period::new(2020, 12).unwrap(),
    );
    let a = year(&units, &periods, 28);
    assert_eq!(a, year(&units, &periods, 28));
    // Two indicators for a led task, one for a shared one.
    assert_eq!(a[0].indicators.len(), 3);
    assert_eq!(a[1].indicators.len(), 2);
    for u in &a {
        assert!(!u.reports.is_empty());
        for r in &u.reports {
            assert_eq!(r.values.len(), u.indicators.len());
            for (v, i) in r.values.iter().zip(&u.indicators) {
                assert!(*v >= 0.0 && *v <= i.target, "{v} of {}", i.target);
            }
        }
        // Values never go down from one month to the next.
        for w in u.reports.windows(2) {
            assert!(w[0].values.iter().zip(&w[1].values).all(|(x, y)| x <= y));
        }
    }
    assert!(year(&units, &[], 28).is_empty());
}

fn rows(rows: &[&[&str]]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

fn about(unit: &str, period: Option<&str>) -> (String, Vec<Vec<String>>) {
    let mut r = rows(&[&[sheet::ABOUT_UNIT, unit]]);
    if let Some(p) = period {
        r.extend(rows(&[&[sheet::ABOUT_PERIOD, p]]));
    }
    (sheet::ABOUT.to_string(), r)
}

#[test]
fn a_sub_plan_sheet_is_read_whole_or_refused_with_every_bad_cell_named() {
    use sheet::*;
    let tasks = [(7, "(一)1".to_string()), (8, "(二)3".to_string())];
    let header: Vec<&str> = INDICATOR_COLUMNS.to_vec();
    let good = Workbook {
        sheets: vec![
            about("市科技局", None),
            (
                INDICATORS.into(),
                rows(&[
                    &header,
                    &[
                        "3",
                        "（一）1",
                        "企业上云",
                        "家",
                        "0",
                        "40",
                        "越高越好",
                        "2020-05-01",
                        "2020-12-31",
                        "",
                    ],
                    &["", "", "", "", "", "", "", "", "", ""],
                    &[
                        "",
                        "(二) 3",
                        "出台细则",
                        "",
                        "",
                        "",
                        "里程碑",
                        "2020/5/1",
                        "2020年9月30日",
                        "2",
                    ],
                ]),
            ),
            (
                MILESTONES.into(),
                rows(&[&MILESTONE_COLUMNS, &["(二)3", "2020-06-30", "征求意见"]]),
            ),
        ],
    };
    let read = read_subplan(&good, "市科技局", &tasks, &[3, 4]).unwrap();
    assert_eq!(read.indicators.len(), 2, "the blank row is skipped");
    assert_eq!(read.indicators[0].0, Some(3));
    assert_eq!(read.indicators[0].1.task_id, 7, "full-width brackets match");
    assert_eq!(read.indicators[1].0, None);
    assert_eq!(read.indicators[1].1.direction, Direction::Milestone);
    assert_eq!(read.indicators[1].1.weight, 2.0);
    assert_eq!(read.milestones[0].task_id, 8);

    // Every bad cell at once, each by its row and column.
    let mut bad = good.clone();
    bad.sheets[1].1[1] = rows(&[&[
        "9",
        "(三)1",
        "",
        "家",
        "0",
        "一百",
        "越高越好",
        "2020-05-01",
        "2020-04-01",
        "",
    ]])
    .remove(0);
    bad.sheets[2].1[1] = rows(&[&["(二)3", "六月底", ""]]).remove(0);
    let faults = read_subplan(&bad, "市科技局", &tasks, &[3]).unwrap_err();
    let cells: Vec<(usize, Option<usize>)> =
        faults.iter().map(|f| (f.row.unwrap(), f.column)).collect();
    assert_eq!(
        cells,
        vec![
            (2, Some(0)), // 9 is not one of the unit's codes
            (2, Some(1)), // (三)1 is not the unit's task
            (2, Some(2)), // no name
            (2, Some(5)), // 一百
            (2, Some(8)), // due before the start
            (2, Some(1)), // the milestone's day
            (2, Some(2)), // the milestone's text
        ],
        "{faults:?}"
    );
    assert_eq!(
        faults[3].describe(),
        "“指标”表第2行F列（目标值）：目标值“一百”不是数字。"
    );
    assert!(faults[1].describe().contains("“(三)1”不是本单位"));
    assert_eq!(faults[5].sheet, MILESTONES);

    // Another unit's template, a moved column, a missing sheet: refused before any row.
    let faults = read_subplan(&good, "市商务局", &tasks, &[3]).unwrap_err();
    assert_eq!(faults.len(), 1);
    assert!(faults[0].describe().contains("不是“市商务局”的"));
    let mut moved = good.clone();
    moved.sheets[1].1[0].swap(4, 5);
    let faults = read_subplan(&moved, "市科技局", &tasks, &[3]).unwrap_err();
    assert_eq!(faults[0].row, Some(1));
    assert_eq!(faults[0].column, Some(4));
    let none = Workbook {
        sheets: vec![about("市科技局", None)],
    };
    let faults = read_subplan(&none, "市科技局", &tasks, &[]).unwrap_err();
    assert!(faults[0].describe().starts_with("“指标”表："));
    // Header only: nothing to store.
    let empty = Workbook {
        sheets: vec![
            about("市科技局", None),
            (INDICATORS.into(), rows(&[&header])),
        ],
    };
    let faults = read_subplan(&empty, "市科技局", &tasks, &[]).unwrap_err();
    assert!(faults[0].reason.contains("没有填写任何指标"));
    assert_eq!(column_name(0), "A");
    assert_eq!(column_name(25), "Z");
    assert_eq!(column_name(26), "AA");
    assert_eq!(column_name(27), "AB");
}

#[test]
fn a_report_sheet_needs_every_indicator_and_task_once_for_its_own_month() {
    use sheet::*;
    let inds = [(3, "上云".to_string()), (4, "基站".to_string())];
    let tasks = [(7, "(一)1".to_string()), (8, "(二)3".to_string())];
    let june = Period::parse("2020-06").unwrap();
    let values = |v3: &str, v4: &str| {
        rows(&[
            &VALUE_COLUMNS,
            &["3", "(一)1", "上云", "家", "0", "40", "", v3, "台账"],
            &["4", "(二)3", "基站", "个", "0", "100", "20", v4, ""],
        ])
    };
    let statuses = |s7: &str, r7: &str| {
        rows(&[
            &STATUS_COLUMNS,
            &["(一)1", "…", s7, r7, "推进中"],
            &["(二)3", "…", "已完成", "", ""],
        ])
    };
    let book = |v3: &str, s7: &str, r7: &str, month: &str| Workbook {
        sheets: vec![
            about("市科技局", Some(month)),
            (VALUES.into(), values(v3, "60")),
            (STATUSES.into(), statuses(s7, r7)),
        ],
    };
    let ok = read_report(
        &book("1,200", "滞后", "资金未到位", "2020-06"),
        "市科技局",
        june,
        &inds,
        &tasks,
    )
    .unwrap();
    assert_eq!(
        ok.values,
        vec![(3, 1200.0, "台账".into()), (4, 60.0, String::new())]
    );
    assert_eq!(ok.tasks[0].1, TaskStatus::Behind);
    assert_eq!(ok.tasks[1].1, TaskStatus::Done);

    let faults = read_report(
        &book("", "滞后", "", "2020-06"),
        "市科技局",
        june,
        &inds,
        &tasks,
    )
    .unwrap_err();
    let described: Vec<String> = faults.iter().map(|f| f.describe()).collect();
    assert_eq!(
        described,
        vec![
            "“指标完成”表第2行H列（截至本月完成值）：请填写截至本月的完成值。".to_string(),
            "“任务进展”表第2行D列（滞后原因）：标为“滞后”的，请说明原因。".to_string(),
        ]
    );
    let faults = read_report(
        &book("1", "进行中", "", "2020-06"),
        "市科技局",
        june,
        &inds,
        &tasks,
    )
    .unwrap_err();
    assert_eq!((faults[0].row, faults[0].column), (Some(2), Some(2)));
    // The template of another month is refused whole.
    let faults = read_report(
        &book("1", "已完成", "", "2020-07"),
        "市科技局",
        june,
        &inds,
        &tasks,
    )
    .unwrap_err();
    assert_eq!(faults.len(), 1);
    assert!(
        faults[0].describe().contains("不是2020年6月的"),
        "{faults:?}"
    );
    // A row missing, a row twice, a code made up.
    let mut b = book("1", "已完成", "", "2020-06");
    b.sheets[1].1[2][0] = "3".into();
    b.sheets[2]
        .1
        .push(rows(&[&["(九)9", "", "已完成", "", ""]]).remove(0));
    let faults = read_report(&b, "市科技局", june, &inds, &tasks).unwrap_err();
    let reasons: Vec<&str> = faults.iter().map(|f| f.reason.as_str()).collect();
    assert!(reasons[0].contains("重复"), "{reasons:?}");
    assert!(
        reasons.iter().any(|r| r.contains("缺少指标“基站”")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.contains("“(九)9”不是本单位")),
        "{reasons:?}"
    );
}
