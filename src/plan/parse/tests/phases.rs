//! Tests of the phases and requirements (`phases.rs`) and of the date ranges (`dates.rs`).

use super::*;
use crate::plan::parse::dates::parse_range;
use crate::plan::parse::normalise::chars_of;

// ---------------------------------------------------------------------------------------------
// Phases and requirements

#[test]
fn phase_date_variants() {
    let d = date;
    #[rustfmt::skip]
    let table: Vec<RangeRow> = vec![
        ("2020年4月底之前", Some((d(2020, 4, 1), d(2020, 4, 30), true, false))),
        ("2020年4月底前", Some((d(2020, 4, 1), d(2020, 4, 30), true, false))),
        ("2020年5—7月", Some((d(2020, 5, 1), d(2020, 7, 31), false, false))),
        ("2020年5–7月", Some((d(2020, 5, 1), d(2020, 7, 31), false, false))),
        ("2020年5-7月", Some((d(2020, 5, 1), d(2020, 7, 31), false, false))),
        ("2020年5~7月", Some((d(2020, 5, 1), d(2020, 7, 31), false, false))),
        ("2020年5——7月", Some((d(2020, 5, 1), d(2020, 7, 31), false, false))),
        ("2020年5月至7月", Some((d(2020, 5, 1), d(2020, 7, 31), false, false))),
        ("2020年5月到7月", Some((d(2020, 5, 1), d(2020, 7, 31), false, false))),
        ("2020年5月1日—2020年7月15日", Some((d(2020, 5, 1), d(2020, 7, 15), false, false))),
        ("2020年11—12月", Some((d(2020, 11, 1), d(2020, 12, 31), false, false))),
        ("2020年11月—2021年2月", Some((d(2020, 11, 1), d(2021, 2, 28), false, false))),
        ("2020年11月—2月", Some((d(2020, 11, 1), d(2021, 2, 28), false, false))),
        ("2020年2月", Some((d(2020, 2, 1), d(2020, 2, 29), false, false))),
        ("2020年5月上旬—6月中旬", Some((d(2020, 5, 1), d(2020, 6, 20), false, false))),
        ("二〇二〇年五至七月", Some((d(2020, 5, 1), d(2020, 7, 31), false, false))),
        ("5—7月", Some((d(2019, 5, 1), d(2019, 7, 31), false, true))),
        ("2020年4月31日前", None),
        ("全年", None),
    ];
    for (text, want) in table {
        let got = parse_range(&chars_of(text), Some(2019), true)
            .map(|r| (r.start, r.end, r.start_assumed, r.year_assumed));
        assert_eq!(got, want, "{text}");
    }
    assert!(parse_range(&chars_of("5—7月"), None, true).is_none());
}

#[test]
fn sub_numbered_lines_stay_inside_their_item() {
    let text = mini("(一)第一组\n1.推进甲项工作。(牵头单位:市甲局)", ROSTER).replace(
        "(一)加强领导。领导小组办公室设在市甲局。",
        "(一)加强领导。要求如下:
1.领导小组办公室设在市甲局。
2.按月报送。
(二)加强督办。定期督办。",
    );
    let p = parse_ok(&text);
    let got: Vec<(u32, &str, &str)> = p
        .requirements
        .iter()
        .map(|r| (r.number, r.title.as_str(), r.text.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                1,
                "加强领导",
                "加强领导。要求如下:1.领导小组办公室设在市甲局。2.按月报送。"
            ),
            (2, "加强督办", "加强督办。定期督办。"),
        ]
    );
    assert_eq!(p.office_unit.as_deref(), Some("市甲局"));
}

#[test]
fn phases_in_a_document() {
    let text = mini("(一)第一组\n1.推进甲项工作。(牵头单位:市甲局)", ROSTER).replace(
        "(一)任务部署(2021年3月底之前)。部署任务。",
        "(一)任务部署(2021年3月底之前)。部署任务。
(二)推进办理(4—6月)。推进。
(三)总结报告(2021年12月—2021年11月)。总结。
(四)测评阶段:2021年12月完成测评,并报送结果。",
    );
    let p = parse_ok(&text);
    let got: Vec<(u32, &str, NaiveDate, NaiveDate, &str)> = p
        .phases
        .iter()
        .map(|ph| {
            (
                ph.number,
                ph.name.as_str(),
                ph.start,
                ph.end,
                ph.text.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                1,
                "任务部署",
                date(2021, 3, 1),
                date(2021, 3, 31),
                "部署任务。"
            ),
            (2, "推进办理", date(2021, 4, 1), date(2021, 6, 30), "推进。"),
            (
                4,
                "测评阶段",
                date(2021, 12, 1),
                date(2021, 12, 31),
                "2021年12月完成测评,并报送结果。"
            ),
        ]
    );
    let c = codes(&p);
    assert!(c.contains(&"phase_year_assumed"));
    assert!(c.contains(&"phase_dates_invalid"));
}
