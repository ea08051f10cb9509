//! Tests of the plan importer: the seed document and small variant documents, one or more per rule.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::dates::parse_range;
use super::front_matter::{proposal_number, session_of};
use super::furniture::{PageInfo, parse_date_line, read_furniture};
use super::markers::{Marker, chapter_heading, cn_value, item_marker};
use super::normalise::chars_of;
use super::roster::split_position;
use super::tasks::{Note, classify_note, parse_item, task_title, widens_to_zones};
use super::units::{MatchKind, is_misprint_pair, one_edit, short_form_of};
use super::words::{classify, kind_rank, org_suffix};
use super::*;
use crate::plan::model::{ParsedPlan, Role, RosterRole, Task, Unit, UnitKind, UnitLink};

const SEED: &str = include_str!("../../../seed/wuhan-2020-proposal-3.txt");

fn seed() -> ParsedPlan {
    match parse_plan(SEED) {
        Ok(p) => p,
        Err(e) => panic!("the seed must parse: {e}"),
    }
}

fn parse_ok(text: &str) -> ParsedPlan {
    match parse_plan(text) {
        Ok(p) => p,
        Err(e) => panic!("expected a plan, got {e}\n---\n{text}"),
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn task(p: &ParsedPlan, section: u32, number: u32) -> &Task {
    p.sections
        .iter()
        .find(|s| s.number == section)
        .and_then(|s| s.tasks.iter().find(|t| t.number == number))
        .unwrap_or_else(|| panic!("no task ({section}){number}"))
}

fn unit<'a>(p: &'a ParsedPlan, name: &str) -> &'a Unit {
    p.units
        .iter()
        .find(|u| u.name == name)
        .unwrap_or_else(|| panic!("no unit {name}"))
}

fn codes(p: &ParsedPlan) -> Vec<&str> {
    p.warnings.iter().map(|w| w.code.as_str()).collect()
}

/// (section, task, line, lead, responsible)
type TaskRow = (u32, u32, usize, Vec<&'static str>, Vec<&'static str>);
/// (as written, Some((unit, aliases, position)))
type SplitRow = (
    &'static str,
    Option<(&'static str, Vec<&'static str>, &'static str)>,
);
/// (dates, Some((start, end, start assumed, year assumed)))
type RangeRow = (&'static str, Option<(NaiveDate, NaiveDate, bool, bool)>);

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// A small plan of a fictional city, with the given task block and roster block. The task block
/// starts on line 11.
fn mini(tasks: &str, roster: &str) -> String {
    format!(
        "发布时间:2021-03-05 09:00 发布单位:临江市人民政府办公厅
各区人民政府,市人民政府各部门:
《市十五届人大一次会议1号议案办理工作方案》已经市人民政府同意,现印发给你们,请认真组织实施。
临江市人民政府办公厅
2021年3月1日
市十五届人大一次会议1号议案办理工作方案
为认真办理市十五届人大一次会议《关于建设临江新城的议案》(以下称1号议案),特制订本方案。
一、总体要求
加快建设。
二、工作任务
{tasks}
三、进度安排
(一)任务部署(2021年3月底之前)。部署任务。
四、有关要求
(一)加强领导。领导小组办公室设在市甲局。
临江市1号议案办理工作领导小组组成人员名单
{roster}"
    )
}

const ROSTER: &str = "组长:王一 市人民政府副市长
成员:李二 市甲局副局长
赵三 市乙委副主任
钱四 江岸区人民政府副区长
孙五 江夏区人民政府副区长
周六 临江高新技术开发区管委会副主任";

// ---------------------------------------------------------------------------------------------
// Rule 1: the seed

#[test]
fn seed_front_matter() {
    let p = seed();
    assert_eq!(p.title, "市十四届人大五次会议3号议案办理工作方案");
    assert_eq!(p.proposal.session, "市十四届人大五次会议");
    assert_eq!(p.proposal.number, 3);
    assert_eq!(
        p.proposal.title,
        "关于加快生物医药产业集群建设,打造武汉经济发展新增长极案"
    );
    assert_eq!(p.issuer.as_deref(), Some("武汉市人民政府办公厅"));
    assert_eq!(p.issued_on, Some(date(2020, 4, 29)));
    assert_eq!(p.published_at.as_deref(), Some("2020-05-09 14:40"));
    assert!(
        p.general_requirements
            .starts_with("按照中央和省、市经济工作会议部署要求,")
    );
    assert!(p.general_requirements.ends_with("战略性支柱产业。"));
    assert!(!p.general_requirements.contains('\n'));
    assert_eq!(p.office_unit.as_deref(), Some("市经济和信息化局"));
}

#[test]
fn seed_sections_and_task_counts() {
    let p = seed();
    let shape: Vec<(u32, &str, usize)> = p
        .sections
        .iter()
        .map(|s| (s.number, s.title.as_str(), s.tasks.len()))
        .collect();
    assert_eq!(
        shape,
        vec![
            (1, "推进规划布局落地,加快新旧动能转换", 6),
            (2, "发挥产学研优势,加速产业融合发展", 4),
            (3, "落实产业政策,强化高质量发展支撑", 4),
        ]
    );
    for s in &p.sections {
        let numbers: Vec<u32> = s.tasks.iter().map(|t| t.number).collect();
        let expected: Vec<u32> = (1..=s.tasks.len() as u32).collect();
        assert_eq!(numbers, expected);
        for t in &s.tasks {
            assert_eq!(t.title, None, "seed tasks have no title sentence");
            assert!(t.text.starts_with(&t.body));
            assert!(t.text.contains("(牵头单位:") || t.text.contains("(责任单位:"));
            assert!(!t.body.contains("单位:"));
        }
    }
}

#[test]
fn seed_every_task_has_exactly_its_units() {
    const CITY: &str = "各区人民政府";
    #[rustfmt::skip]
    let table: Vec<TaskRow> = vec![
        (1, 1, 12, vec!["市自然资源和规划局"],
            vec!["武汉东湖新技术开发区管委会", "武汉长江新城管委会", "硚口区人民政府", "江夏区人民政府", "汉阳区人民政府"]),
        (1, 2, 13, vec![], vec![CITY]),
        (1, 3, 14, vec!["市发展改革委"], vec!["武汉东湖新技术开发区管委会"]),
        (1, 4, 15, vec![], vec!["市科技局", "市市场监管局"]),
        (1, 5, 16, vec![], vec!["市经济和信息化局"]),
        (1, 6, 17, vec![], vec!["市经济和信息化局", "市卫生健康委", "市医疗保障局"]),
        (2, 1, 19, vec!["市商务局"], vec!["市经济和信息化局", "市卫生健康委", "市市场监管局", CITY]),
        (2, 2, 20, vec!["市经济和信息化局"], vec!["市发展改革委", "市科技局", "市卫生健康委", "市市场监管局"]),
        (2, 3, 21, vec!["市经济和信息化局"], vec!["市发展改革委", "市卫生健康委"]),
        (2, 4, 22, vec!["市卫生健康委"], vec!["市经济和信息化局", "市民政局"]),
        (3, 1, 24, vec!["市发展改革委"], vec!["市科技局", "市经济和信息化局", "市医疗保障局", "市市场监管局"]),
        (3, 2, 25, vec!["市发展改革委", "市科技局", "市经济和信息化局"], vec!["市财政局", "市商务局", "市地方金融工作局", CITY]),
        (3, 3, 26, vec![], vec!["市委组织部", "市发展改革委", "市科技局", "市商务局", "市市场监管局", CITY]),
        (3, 4, 27, vec!["市经济和信息化局"],
            vec!["市发展改革委", "市人力资源社会保障局", "市商务局", "市税务局", "武汉住房公积金管理中心", CITY]),
    ];
    let p = seed();
    let total: usize = p.sections.iter().map(|s| s.tasks.len()).sum();
    assert_eq!(total, table.len());
    for (section, number, line, lead, responsible) in &table {
        let t = task(&p, *section, *number);
        assert_eq!(t.line, *line, "line of ({section}){number}");
        assert_eq!(t.lead, strings(lead), "lead of ({section}){number}");
        assert_eq!(
            t.responsible,
            strings(responsible),
            "responsible of ({section}){number}"
        );
        // Every named unit has a direct link with its role.
        for (names, role) in [(lead, Role::Lead), (responsible, Role::Responsible)] {
            for name in names {
                assert!(
                    t.links
                        .iter()
                        .any(|l| l.unit == *name && l.role == role && l.via.is_none()),
                    "direct link {name} in ({section}){number}"
                );
            }
        }
    }
    let with_lead = table.iter().filter(|r| !r.3.is_empty()).count();
    assert_eq!((with_lead, table.len() - with_lead), (9, 5));
    let p_with_lead = p
        .sections
        .iter()
        .flat_map(|s| &s.tasks)
        .filter(|t| !t.lead.is_empty())
        .count();
    assert_eq!(p_with_lead, 9);
}

#[test]
fn seed_body_and_text_of_a_task_with_a_full_stop_after_its_note() {
    let p = seed();
    let t = task(&p, 3, 3);
    assert!(t.text.ends_with("各区人民政府)。"));
    assert!(t.body.ends_with("核心技术产品。"));
    assert!(!t.body.contains("责任单位"));
}

#[test]
fn seed_phases() {
    let p = seed();
    let got: Vec<(u32, &str, NaiveDate, NaiveDate)> = p
        .phases
        .iter()
        .map(|ph| (ph.number, ph.name.as_str(), ph.start, ph.end))
        .collect();
    assert_eq!(
        got,
        vec![
            (1, "任务部署", date(2020, 4, 1), date(2020, 4, 30)),
            (2, "推进办理", date(2020, 5, 1), date(2020, 7, 31)),
            (3, "汇总完善", date(2020, 8, 1), date(2020, 10, 31)),
            (4, "总结报告", date(2020, 11, 1), date(2020, 12, 31)),
        ]
    );
    assert!(p.phases[0].text.starts_with("研究制订3号议案办理工作方案"));
    assert!(p.phases[3].text.ends_with("满意度测评。"));
    let assumed: Vec<Option<usize>> = p
        .warnings
        .iter()
        .filter(|w| w.code == "phase_start_assumed")
        .map(|w| w.line)
        .collect();
    assert_eq!(assumed, vec![Some(29)]);
}

#[test]
fn seed_requirements() {
    let p = seed();
    let titles: Vec<(u32, &str)> = p
        .requirements
        .iter()
        .map(|r| (r.number, r.title.as_str()))
        .collect();
    assert_eq!(
        titles,
        vec![
            (1, "提高认识,强化组织领导"),
            (2, "细化方案,压实工作责任"),
            (3, "健全机制,加强协调配合"),
            (4, "强化标准,提升工作质量"),
        ]
    );
    assert!(p.requirements[0].text.contains("在市经济和信息化局办公"));
}

#[test]
fn seed_roster() {
    let p = seed();
    assert_eq!(p.roster.len(), 33);
    let count = |role: RosterRole| p.roster.iter().filter(|r| r.role == role).count();
    assert_eq!(count(RosterRole::Leader), 1);
    assert_eq!(count(RosterRole::DeputyLeader), 2);
    assert_eq!(count(RosterRole::Member), 30);

    let leader = &p.roster[0];
    assert_eq!(
        (leader.role_label.as_str(), leader.name.as_str()),
        ("组长", "胡亚波")
    );
    assert_eq!(leader.title, "市委常委、市人民政府常务副市长");
    assert_eq!(leader.unit, None);

    // "党蓁 市经济和信息化局局长" has no label: it continues 副组长.
    let dang = &p.roster[2];
    assert_eq!(dang.role, RosterRole::DeputyLeader);
    assert_eq!(dang.role_label, "副组长");
    assert_eq!(dang.name, "党蓁");
    assert_eq!(dang.title, "局长");
    assert_eq!(dang.unit.as_deref(), Some("市经济和信息化局"));

    #[rustfmt::skip]
    let rows: Vec<(&str, &str, &str, &str)> = vec![
        ("程介儒", "市人民政府副秘书长", "市人民政府副秘书长", ""),
        ("孙志军", "副部长", "市委组织部副部长", "市委组织部"),
        ("熊战勋", "二级巡视员", "市发展改革委二级巡视员", "市发展改革委"),
        ("李林清", "副局长", "市经济和信息局副局长", "市经济和信息化局"),
        ("周光春", "总经济师", "市税务局总经济师", "市税务局"),
        ("张中新", "副主任", "武汉住房公积金管理中心副主任", "武汉住房公积金管理中心"),
        ("李丽", "副主任(常务副区长)",
            "武汉临空港经济技术开发区管委会(东西湖区人民政府)副主任(常务副区长)",
            "武汉临空港经济技术开发区管委会"),
        ("沈涛", "副主任", "武汉长江新城管委会副主任", "武汉长江新城管委会"),
        ("刘茂华", "党组成员", "汉南区人民政府党组成员", "汉南区人民政府"),
        ("舒贵传", "常务副区长", "新洲区人民政府常务副区长", "新洲区人民政府"),
    ];
    for (name, title, written, unit) in rows {
        let e = p
            .roster
            .iter()
            .find(|r| r.name == name)
            .unwrap_or_else(|| panic!("no roster entry {name}"));
        assert_eq!(e.title, title, "{name}");
        assert_eq!(e.title_as_written, written, "{name}");
        assert_eq!(
            e.unit.as_deref(),
            (!unit.is_empty()).then_some(unit),
            "{name}"
        );
    }
    for member in p.roster.iter().filter(|r| r.role == RosterRole::Member) {
        assert_eq!(member.role_label, "成员");
        assert!(member.unit.is_some(), "{} has a unit", member.name);
        assert!(!member.title.is_empty(), "{} has a title", member.name);
    }
}

#[test]
fn seed_units() {
    let p = seed();
    assert_eq!(p.units.len(), 31);
    let members: Vec<&Unit> = p.units.iter().filter(|u| u.member).collect();
    assert_eq!(members.len(), 30);
    // Each member of the roster stands for a distinct member unit.
    let roster_units: BTreeSet<&str> = p
        .roster
        .iter()
        .filter(|r| r.role == RosterRole::Member)
        .filter_map(|r| r.unit.as_deref())
        .collect();
    assert_eq!(roster_units.len(), 30);
    assert!(
        members
            .iter()
            .all(|u| roster_units.contains(u.name.as_str()))
    );

    let collective = unit(&p, "各区人民政府");
    assert_eq!(collective.kind, UnitKind::Collective);
    assert!(!collective.member);

    assert_eq!(
        unit(&p, "武汉临空港经济技术开发区管委会").aliases,
        strings(&["东西湖区人民政府"])
    );
    assert_eq!(
        unit(&p, "武汉长江新城管委会").aliases,
        strings(&["长江新城管委会"])
    );
    assert_eq!(
        unit(&p, "市经济和信息化局").aliases,
        strings(&["市经济和信息局"])
    );
    assert!(p.units.iter().all(|u| u.name != "东西湖区人民政府"));
    for name in [
        "市委组织部",
        "市税务局",
        "武汉住房公积金管理中心",
        "武汉东湖新技术开发区管委会",
    ] {
        assert!(unit(&p, name).member, "{name}");
    }
}

#[test]
fn seed_member_units_split_15_3_12_by_kind() {
    let p = seed();
    let count = |kind: UnitKind| {
        p.units
            .iter()
            .filter(|u| u.member && u.kind == kind)
            .count()
    };
    assert_eq!(count(UnitKind::Municipal), 15);
    assert_eq!(count(UnitKind::Zone), 3);
    assert_eq!(count(UnitKind::District), 12);
    let zones: Vec<&str> = p
        .units
        .iter()
        .filter(|u| u.kind == UnitKind::Zone)
        .map(|u| u.name.as_str())
        .collect();
    assert_eq!(
        zones,
        vec![
            "武汉东湖新技术开发区管委会",
            "武汉临空港经济技术开发区管委会",
            "武汉长江新城管委会"
        ]
    );
}

#[test]
fn seed_unit_order_is_kind_then_roster_order() {
    let p = seed();
    let ranks: Vec<u8> = p.units.iter().map(|u| kind_rank(u.kind)).collect();
    let mut sorted = ranks.clone();
    sorted.sort();
    assert_eq!(ranks, sorted);
    let first: Vec<&str> = p.units.iter().take(4).map(|u| u.name.as_str()).collect();
    assert_eq!(
        first,
        vec!["市委组织部", "市发展改革委", "市科技局", "市经济和信息化局"]
    );
    let districts: Vec<&str> = p
        .units
        .iter()
        .filter(|u| u.kind == UnitKind::District)
        .map(|u| u.name.as_str())
        .collect();
    assert_eq!(districts.first(), Some(&"江岸区人民政府"));
    assert_eq!(districts.last(), Some(&"新洲区人民政府"));
    assert_eq!(
        p.units.last().map(|u| u.name.as_str()),
        Some("各区人民政府")
    );
}

#[test]
fn seed_warnings() {
    let p = seed();
    let got: Vec<(Option<usize>, &str)> = p
        .warnings
        .iter()
        .map(|w| (w.line, w.code.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (Some(12), "unit_prefix_matched"),
            (Some(29), "phase_start_assumed"),
            (Some(45), "unit_misprint_matched"),
        ]
    );
    for w in &p.warnings {
        assert!(!w.message.is_empty() && !w.message_zh.is_empty());
    }
    let misprint = &p.warnings[2];
    assert!(misprint.message.contains("市经济和信息局"));
    assert!(misprint.message.contains("市经济和信息化局"));
    assert!(misprint.message.contains("line 45"));
    assert!(misprint.message_zh.contains("第45行"));
}

#[test]
fn seed_serde_round_trip_and_json_shape() {
    let p = seed();
    let json = serde_json::to_string(&p).unwrap();
    let back: ParsedPlan = serde_json::from_str(&json).unwrap();
    assert_eq!(back, p);

    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["issued_on"], "2020-04-29");
    assert_eq!(v["units"][0]["kind"], "municipal");
    assert_eq!(v["units"][30]["kind"], "collective");
    assert_eq!(v["roster"][1]["role"], "deputy_leader");
    assert_eq!(v["roster"][0]["unit"], serde_json::Value::Null);
    assert_eq!(v["sections"][0]["tasks"][0]["links"][0]["role"], "lead");
    assert_eq!(
        v["sections"][0]["tasks"][0]["title"],
        serde_json::Value::Null
    );
    assert!(v["sections"][0]["tasks"][1]["lead"].is_array());
    assert_eq!(v["phases"][0]["start"], "2020-04-01");
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(|k| k.as_str()).collect();
    for key in [
        "title",
        "proposal",
        "issuer",
        "issued_on",
        "published_at",
        "general_requirements",
        "sections",
        "units",
        "phases",
        "requirements",
        "office_unit",
        "roster",
        "warnings",
    ] {
        assert!(keys.contains(&key), "{key}");
    }
}

#[test]
fn parse_error_displays_its_line() {
    let e = ParseError::new(7, "something is wrong");
    assert_eq!(e.to_string(), "line 7: something is wrong");
}

// ---------------------------------------------------------------------------------------------
// Rule 2: full-width and half-width, line endings, trailing spaces

fn to_full_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            ' ' => '\u{3000}',
            '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap(),
            c => c,
        })
        .collect()
}

#[test]
fn full_width_document_gives_the_same_plan() {
    let full = to_full_width(SEED);
    assert!(full.contains('（') && full.contains('：') && full.contains('，'));
    assert!(full.contains('；') && full.contains('２'));
    assert_eq!(parse_ok(&full), seed());
}

#[test]
fn partly_full_width_document_gives_the_same_plan() {
    let mixed: String = SEED
        .chars()
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            ':' => '：',
            ',' => '，',
            ';' => '；',
            c => c,
        })
        .collect();
    assert_eq!(parse_ok(&mixed), seed());
}

#[test]
fn line_endings_and_trailing_spaces_do_not_matter() {
    let p = seed();
    let crlf = SEED.replace('\n', "\r\n");
    assert_eq!(parse_ok(&crlf), p);
    let cr = SEED.replace('\n', "\r");
    assert_eq!(parse_ok(&cr), p);
    let padded: String = SEED
        .split('\n')
        .map(|l| format!("{l}  \t\u{3000}"))
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(parse_ok(&padded), p);
    let with_bom = format!("\u{FEFF}{SEED}\n\n");
    assert_eq!(parse_ok(&with_bom), p);
}

#[test]
fn normalised_text_is_what_the_model_holds() {
    let p = parse_ok(&to_full_width(SEED));
    let t = task(&p, 1, 1);
    assert!(t.text.contains("(牵头单位:市自然资源和规划局;责任单位:"));
    assert!(!t.text.contains('（'));
}

// ---------------------------------------------------------------------------------------------
// Rule 3: separators and the unit note

#[test]
fn separators_inside_and_between_groups() {
    let tasks = "(一)第一组
1.推进甲项工作。(牵头单位:市甲局、市乙委;责任单位:市丙局,市丁中心、市戊办,江岸区人民政府)
2.推进乙项工作。(责任单位:市甲局)。
3.推进丙项工作。(牵头单位:市乙委)并按月报送。";
    let p = parse_ok(&mini(tasks, ROSTER));
    let t1 = task(&p, 1, 1);
    assert_eq!(t1.lead, strings(&["市甲局", "市乙委"]));
    assert_eq!(
        t1.responsible,
        strings(&["市丙局", "市丁中心", "市戊办", "江岸区人民政府"])
    );
    assert_eq!(t1.body, "推进甲项工作。");
    let t2 = task(&p, 1, 2);
    assert_eq!(t2.responsible, strings(&["市甲局"]));
    assert_eq!(t2.body, "推进乙项工作。");
    assert_eq!(t2.text, "推进乙项工作。(责任单位:市甲局)。");
    // A note followed by more text: the body keeps that text.
    let t3 = task(&p, 1, 3);
    assert_eq!(t3.lead, strings(&["市乙委"]));
    assert_eq!(t3.body, "推进丙项工作。并按月报送。");
}

#[test]
fn the_unit_note_is_the_last_labelled_bracket_group() {
    let tasks = "(一)第一组
1.落实《市人民政府关于支持发展的意见》(临政规〔2019〕11号),做好工作。(牵头单位:市甲局)";
    let p = parse_ok(&mini(tasks, ROSTER));
    let t = task(&p, 1, 1);
    assert_eq!(t.lead, strings(&["市甲局"]));
    assert_eq!(
        t.body,
        "落实《市人民政府关于支持发展的意见》(临政规〔2019〕11号),做好工作。"
    );
}

#[test]
fn a_task_without_a_note_is_kept_with_a_warning() {
    let tasks = "(一)第一组
1.推进甲项工作。(牵头单位:市甲局)
2.推进乙项工作,由各单位分别落实。";
    let p = parse_ok(&mini(tasks, ROSTER));
    let t = task(&p, 1, 2);
    assert!(t.lead.is_empty() && t.responsible.is_empty() && t.links.is_empty());
    assert!(
        p.warnings
            .iter()
            .any(|w| w.code == "task_without_units" && w.line == Some(13))
    );
}

// ---------------------------------------------------------------------------------------------
// Rule 4: a shared suffix

#[test]
fn seed_shared_suffix() {
    let p = seed();
    let t = task(&p, 1, 1);
    assert_eq!(
        t.responsible,
        strings(&[
            "武汉东湖新技术开发区管委会",
            "武汉长江新城管委会",
            "硚口区人民政府",
            "江夏区人民政府",
            "汉阳区人民政府"
        ])
    );
}

#[test]
fn shared_suffix_variants() {
    let tasks = "(一)第一组
1.推进甲项工作。(责任单位:武昌区、洪山区、江夏区人民政府)
2.推进乙项工作。(责任单位:市甲、市丁局,市乙委)
3.推进丙项工作。(责任单位:临江高新技术开发区、长江新城管委会)";
    let p = parse_ok(&mini(tasks, ROSTER));
    assert_eq!(
        task(&p, 1, 1).responsible,
        strings(&["武昌区人民政府", "洪山区人民政府", "江夏区人民政府"])
    );
    assert_eq!(
        task(&p, 1, 2).responsible,
        strings(&["市甲局", "市丁局", "市乙委"])
    );
    // "长江新城管委会" also gets its city prefix? No: the roster does not name it, so it stays.
    assert_eq!(
        task(&p, 1, 3).responsible,
        strings(&["临江高新技术开发区管委会", "长江新城管委会"])
    );
    assert_eq!(unit(&p, "长江新城管委会").kind, UnitKind::Zone);
}

// ---------------------------------------------------------------------------------------------
// Rule 5: notes in 〈〉: scope notes (下同) and alias notes

#[test]
fn note_classification() {
    let alias = |s: &str| match classify_note(s) {
        Note::Alias(a) => Some(a),
        Note::Scope(..) => None,
    };
    let scope = |s: &str| match classify_note(s) {
        Note::Alias(_) => None,
        Note::Scope(text, sticky) => Some((text, sticky)),
    };
    assert_eq!(alias("汉南区人民政府").as_deref(), Some("汉南区人民政府"));
    assert_eq!(
        alias("东西湖区人民政府").as_deref(),
        Some("东西湖区人民政府")
    );
    assert_eq!(
        scope("含开发区管委会,下同"),
        Some((Some("含开发区管委会".to_string()), true))
    );
    assert_eq!(
        scope("含开发区管委会"),
        Some((Some("含开发区管委会".to_string()), false))
    );
    assert_eq!(scope("下同"), Some((None, true)));
    assert_eq!(
        scope("东西湖区"),
        Some((Some("东西湖区".to_string()), false))
    );
    assert!(widens_to_zones("含开发区管委会"));
    assert!(widens_to_zones("含功能区"));
    assert!(!widens_to_zones("不含开发区管委会"));
    // 《》 quotes a title: it is not a note and stays in the text.
    assert_eq!(
        parse_item(&chars_of("市甲局《规划》")),
        ("市甲局《规划》".to_string(), vec![])
    );
    assert_eq!(
        parse_item(&chars_of("各区人民政府〈含开发区管委会,下同〉")),
        (
            "各区人民政府".to_string(),
            vec!["含开发区管委会,下同".to_string()]
        )
    );
}

#[test]
fn scope_note_with_xiatong_carries_forward_only() {
    let tasks = "(一)第一组
1.推进甲项工作。(责任单位:各区人民政府)
2.推进乙项工作。(责任单位:各区人民政府〈含开发区管委会,下同〉)
3.推进丙项工作。(责任单位:各区人民政府)
4.推进丁项工作。(责任单位:市乙委〈含市直属机构〉)
5.推进戊项工作。(责任单位:市乙委)";
    let p = parse_ok(&mini(tasks, ROSTER));
    let scope_of = |n: u32, name: &str| {
        task(&p, 1, n)
            .links
            .iter()
            .find(|l| l.unit == name && l.via.is_none())
            .and_then(|l| l.scope.clone())
    };
    assert_eq!(scope_of(1, "各区人民政府"), None);
    assert_eq!(
        scope_of(2, "各区人民政府").as_deref(),
        Some("含开发区管委会")
    );
    assert_eq!(
        scope_of(3, "各区人民政府").as_deref(),
        Some("含开发区管委会")
    );
    // Without 下同 a scope note holds for its own mention only.
    assert_eq!(scope_of(4, "市乙委").as_deref(), Some("含市直属机构"));
    assert_eq!(scope_of(5, "市乙委"), None);
    assert_eq!(task(&p, 1, 4).responsible, strings(&["市乙委"]));
}

#[test]
fn angle_brackets_after_normalisation_are_notes() {
    let tasks = "(一)第一组
1.推进甲项工作。(责任单位:各区人民政府＜含开发区管委会,下同＞)";
    let p = parse_ok(&mini(tasks, ROSTER));
    let t = task(&p, 1, 1);
    assert_eq!(t.responsible, strings(&["各区人民政府"]));
    assert_eq!(t.links[0].scope.as_deref(), Some("含开发区管委会"));
    assert_eq!(t.links.len(), 4);
}

#[test]
fn alias_note_names_the_same_unit() {
    let roster = format!("{ROSTER}\n沈七 临江长江新城管委会副主任");
    let tasks = "(一)第一组
1.推进甲项工作。(责任单位:临江经济技术开发区〈汉南区人民政府〉、长江新城管委会)
2.推进乙项工作。(责任单位:汉南区人民政府,市甲局)";
    let p = parse_ok(&mini(tasks, &roster));
    assert_eq!(
        task(&p, 1, 1).responsible,
        strings(&["临江经济技术开发区管委会", "临江长江新城管委会"])
    );
    assert_eq!(
        task(&p, 1, 2).responsible,
        strings(&["临江经济技术开发区管委会", "市甲局"])
    );
    let zone = unit(&p, "临江经济技术开发区管委会");
    assert_eq!(zone.kind, UnitKind::Zone);
    assert_eq!(zone.aliases, strings(&["汉南区人民政府"]));
    assert!(!zone.member);
    assert!(p.units.iter().all(|u| u.name != "汉南区人民政府"));
    assert!(p.warnings.iter().any(|w| w.code == "unit_not_in_roster"
        && w.message.contains("临江经济技术开发区管委会")
        && w.line == Some(12)));
    assert!(codes(&p).contains(&"unit_prefix_matched"));
}

#[test]
fn a_zone_named_without_its_committee_is_matched_to_it() {
    let tasks = "(一)第一组
1.推进甲项工作。(责任单位:临江高新技术开发区〈汉南区人民政府〉)";
    let p = parse_ok(&mini(tasks, ROSTER));
    assert_eq!(
        task(&p, 1, 1).responsible,
        strings(&["临江高新技术开发区管委会"])
    );
    let zone = unit(&p, "临江高新技术开发区管委会");
    assert!(zone.member);
    assert_eq!(
        zone.aliases,
        strings(&["临江高新技术开发区", "汉南区人民政府"])
    );
    assert!(codes(&p).contains(&"unit_suffix_matched"));
}

#[test]
fn a_roster_alias_resolves_task_mentions() {
    let text = SEED.replace(
        "(责任单位:市科技局、市市场监管局)",
        "(责任单位:市科技局、东西湖区人民政府)",
    );
    let p = parse_ok(&text);
    assert_eq!(
        task(&p, 1, 4).responsible,
        strings(&["市科技局", "武汉临空港经济技术开发区管委会"])
    );
    assert_eq!(p.units.len(), 31);
}

// ---------------------------------------------------------------------------------------------
// Rule 6: collectives

#[test]
fn seed_collective_expands_to_districts_and_zones() {
    let p = seed();
    let t = task(&p, 1, 2);
    assert_eq!(t.links.len(), 16);
    let own = &t.links[0];
    assert_eq!(own.unit, "各区人民政府");
    assert_eq!((own.role, own.via.as_deref()), (Role::Responsible, None));
    assert_eq!(own.scope.as_deref(), Some("含开发区管委会"));
    let via: Vec<&UnitLink> = t.links.iter().filter(|l| l.via.is_some()).collect();
    assert_eq!(via.len(), 15);
    assert!(via.iter().all(|l| l.via.as_deref() == Some("各区人民政府")
        && l.role == Role::Responsible
        && l.scope.is_none()));
    let expected: BTreeSet<&str> = p
        .units
        .iter()
        .filter(|u| matches!(u.kind, UnitKind::District | UnitKind::Zone))
        .map(|u| u.name.as_str())
        .collect();
    let got: BTreeSet<&str> = via.iter().map(|l| l.unit.as_str()).collect();
    assert_eq!(got, expected);
    // Later mentions carry the scope (下同) and expand the same way.
    for (s, n, links) in [(2, 1, 20), (3, 2, 22), (3, 3, 21), (3, 4, 22)] {
        let t = task(&p, s, n);
        assert_eq!(t.links.len(), links, "({s}){n}");
        let own = t.links.iter().find(|l| l.unit == "各区人民政府").unwrap();
        assert_eq!(own.scope.as_deref(), Some("含开发区管委会"));
    }
}

#[test]
fn collective_without_scope_covers_districts_only_and_direct_wins() {
    let tasks = "(一)第一组
1.推进甲项工作。(责任单位:各区人民政府)
2.推进乙项工作。(牵头单位:市甲局;责任单位:各区人民政府〈含开发区管委会〉,江岸区人民政府)
3.推进丙项工作。(责任单位:各区人民政府)";
    let p = parse_ok(&mini(tasks, ROSTER));
    let summary = |n: u32| -> Vec<(String, Option<String>)> {
        task(&p, 1, n)
            .links
            .iter()
            .map(|l| (l.unit.clone(), l.via.clone()))
            .collect()
    };
    let via = Some("各区人民政府".to_string());
    assert_eq!(
        summary(1),
        vec![
            ("各区人民政府".to_string(), None),
            ("江岸区人民政府".to_string(), via.clone()),
            ("江夏区人民政府".to_string(), via.clone()),
        ]
    );
    // Widened to zones; 江岸区人民政府 is named directly too, so it is linked once, directly.
    assert_eq!(
        summary(2),
        vec![
            ("市甲局".to_string(), None),
            ("各区人民政府".to_string(), None),
            ("临江高新技术开发区管委会".to_string(), via.clone()),
            ("江夏区人民政府".to_string(), via.clone()),
            ("江岸区人民政府".to_string(), None),
        ]
    );
    assert_eq!(
        task(&p, 1, 2).responsible,
        strings(&["各区人民政府", "江岸区人民政府"])
    );
    // No 下同: the third task is back to districts only.
    assert_eq!(summary(3).len(), 3);
}

#[test]
fn links_are_unique_per_unit_and_role() {
    let p = seed();
    for t in p.sections.iter().flat_map(|s| &s.tasks) {
        let mut seen = BTreeSet::new();
        for l in &t.links {
            assert!(seen.insert((l.unit.clone(), l.role)), "{} twice", l.unit);
            assert!(p.units.iter().any(|u| u.name == l.unit));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Rule 7: the same unit named differently, and names that must stay apart

#[test]
fn misprint_canonical_is_the_most_used_form() {
    let tasks = "(一)第一组
1.推进甲项工作。(责任单位:市数据资源管理局)
2.推进乙项工作。(责任单位:市数据资源管理局)
3.推进丙项工作。(责任单位:市数据资原管理局)";
    let p = parse_ok(&mini(tasks, ROSTER));
    assert_eq!(task(&p, 1, 3).responsible, strings(&["市数据资源管理局"]));
    assert_eq!(
        unit(&p, "市数据资源管理局").aliases,
        strings(&["市数据资原管理局"])
    );
    let w = p
        .warnings
        .iter()
        .find(|w| w.code == "unit_misprint_matched")
        .unwrap();
    assert_eq!(w.line, Some(14));
    assert!(w.message.contains("市数据资原管理局") && w.message.contains("市数据资源管理局"));
}

#[test]
fn prefix_difference_takes_the_fuller_name() {
    let tasks = "(一)第一组
1.推进甲项工作。(责任单位:滨江新区管委会)";
    let roster = format!("{ROSTER}\n沈七 临江市滨江新区管委会副主任");
    let p = parse_ok(&mini(tasks, &roster));
    assert_eq!(
        task(&p, 1, 1).responsible,
        strings(&["临江市滨江新区管委会"])
    );
    assert_eq!(
        unit(&p, "临江市滨江新区管委会").aliases,
        strings(&["滨江新区管委会"])
    );
    let w = p
        .warnings
        .iter()
        .find(|w| w.code == "unit_prefix_matched")
        .unwrap();
    assert_eq!(w.line, Some(12));
}

#[test]
fn a_name_resembling_two_roster_units_joins_only_one() {
    // "高新技术开发区管委会" is a prefix-short form of both roster names; they stay two units.
    let roster = format!("{ROSTER}\n沈七 临江市高新技术开发区管委会副主任");
    let tasks = "(一)第一组
1.推进甲项工作。(责任单位:高新技术开发区管委会)";
    let p = parse_ok(&mini(tasks, &roster));
    assert!(unit(&p, "临江高新技术开发区管委会").member);
    assert!(unit(&p, "临江市高新技术开发区管委会").member);
    let holding: Vec<&str> = p
        .units
        .iter()
        .filter(|u| u.aliases.contains(&"高新技术开发区管委会".to_string()))
        .map(|u| u.name.as_str())
        .collect();
    assert_eq!(holding.len(), 1);
}

#[test]
fn distinct_units_are_never_merged() {
    let roster = format!(
        "{ROSTER}\n吴八 市人力资源社会保障局副局长\n郑九 市人力资源社会保险局副局长\n王十 市科技局副局长"
    );
    let tasks = "(一)第一组
1.推进甲项工作。(责任单位:江汉区人民政府、江岸区人民政府)
2.推进乙项工作。(责任单位:市科技局、市商务局)
3.推进丙项工作。(责任单位:市人力资源社会保障局、市人力资源社会保险局)";
    let p = parse_ok(&mini(tasks, &roster));
    assert_eq!(
        task(&p, 1, 1).responsible,
        strings(&["江汉区人民政府", "江岸区人民政府"])
    );
    assert_eq!(
        task(&p, 1, 2).responsible,
        strings(&["市科技局", "市商务局"])
    );
    assert_eq!(
        task(&p, 1, 3).responsible,
        strings(&["市人力资源社会保障局", "市人力资源社会保险局"])
    );
    for name in [
        "江汉区人民政府",
        "江岸区人民政府",
        "市科技局",
        "市商务局",
        "市人力资源社会保障局",
        "市人力资源社会保险局",
    ] {
        assert!(unit(&p, name).aliases.is_empty(), "{name}");
    }
    assert!(!codes(&p).contains(&"unit_misprint_matched"));
    assert!(!unit(&p, "江汉区人民政府").member);
    assert!(unit(&p, "江岸区人民政府").member);
}

#[test]
fn names_listed_together_are_distinct_units() {
    let tasks = "(一)第一组
1.推进甲项工作。(责任单位:市数据资源管理局、市数据资原管理局)
2.推进乙项工作。(责任单位:市数据资源管理局)";
    let p = parse_ok(&mini(tasks, ROSTER));
    assert_eq!(
        task(&p, 1, 1).responsible,
        strings(&["市数据资源管理局", "市数据资原管理局"])
    );
    assert!(!codes(&p).contains(&"unit_misprint_matched"));
}

#[test]
fn misprint_rule_table() {
    let check = |a: &str, b: &str| {
        let (ca, cb) = (chars_of(a), chars_of(b));
        is_misprint_pair(&ca, &cb, classify(a), classify(b))
    };
    assert!(check("市经济和信息局", "市经济和信息化局"));
    assert!(check("市数据资源管理局", "市数据资原管理局"));
    assert!(!check("江岸区人民政府", "江汉区人民政府"));
    assert!(!check("市科技局", "市商务局"));
    assert!(!check("市经济和信息化局", "市经济和信息化委"));
    assert!(!check("市经济和信息化局", "市经济和信息化局局局"));
    assert!(!check("武汉市第一医院", "武汉市第三医院"));
    assert!(!check("市数据资源00001管理局", "市数据资源00002管理局"));
    assert!(!check("市第十一人民医院", "市第十人民医院"));
    assert_eq!(
        one_edit(&chars_of("abcd"), &chars_of("abxd")),
        Some(vec!['c', 'x'])
    );
    assert_eq!(
        one_edit(&chars_of("abcd"), &chars_of("abd")),
        Some(vec!['c'])
    );
    assert_eq!(
        one_edit(&chars_of("abcd"), &chars_of("abcde")),
        Some(vec!['e'])
    );
    assert_eq!(one_edit(&chars_of("abcd"), &chars_of("axcy")), None);
    assert_eq!(one_edit(&chars_of("abcd"), &chars_of("abcd")), None);
    let short =
        |a: &str, b: &str, city: Option<&str>| short_form_of(&chars_of(a), &chars_of(b), city);
    assert_eq!(
        short("长江新城管委会", "武汉长江新城管委会", Some("武汉")),
        Some(MatchKind::Prefix)
    );
    assert_eq!(
        short("科技局局", "市科技局局", None),
        Some(MatchKind::Prefix)
    );
    assert_eq!(
        short("长江新城管委会", "汉口长江新城管委会", Some("武汉")),
        None
    );
    assert_eq!(
        short("东湖新技术开发区", "东湖新技术开发区管委会", None),
        Some(MatchKind::Suffix)
    );
}

// ---------------------------------------------------------------------------------------------
// Rule 8: a title sentence

#[test]
fn task_title_sentence() {
    let tasks = "(一)第一组
1.强化组织领导。成立工作专班,统筹推进各项工作。(牵头单位:市甲局)
2.做好宣传。(责任单位:市乙委)
3.这一句话一共有十七个字符长度的句子。后面还有内容。(责任单位:市乙委)
4.完善机制。(责任单位:市乙委)落实到位。";
    let p = parse_ok(&mini(tasks, ROSTER));
    let t1 = task(&p, 1, 1);
    assert_eq!(t1.title.as_deref(), Some("强化组织领导"));
    assert_eq!(t1.body, "强化组织领导。成立工作专班,统筹推进各项工作。");
    assert_eq!(task(&p, 1, 2).title, None);
    assert_eq!(task(&p, 1, 3).title, None);
    assert_eq!(task(&p, 1, 4).title.as_deref(), Some("完善机制"));
    let table = [
        ("强化组织领导。成立…", Some("强化组织领导")),
        (
            "一二三四五六七八九十一二三四五六。后文",
            Some("一二三四五六七八九十一二三四五六"),
        ),
        ("一二三四五六七八九十一二三四五六七。后文", None),
        ("没有句号", None),
        ("。后文", None),
        ("只有一句。", None),
    ];
    for (body, want) in table {
        assert_eq!(task_title(body).as_deref(), want, "{body}");
    }
}

// ---------------------------------------------------------------------------------------------
// Rule 9: page furniture

#[test]
fn page_furniture_is_ignored_even_inside_a_task() {
    let tasks = "(一)第一组
1.推进甲项工作的前半部分,
— 3 —
主办单位:某某大学
技术支持:某某公司
后半部分。(牵头单位:市甲局;
-4-
责任单位:市乙委)
2.推进乙项工作。(责任单位:市乙委)
第 5 页";
    let p = parse_ok(&mini(tasks, ROSTER));
    let t = task(&p, 1, 1);
    assert_eq!(
        t.text,
        "推进甲项工作的前半部分,后半部分。(牵头单位:市甲局;责任单位:市乙委)"
    );
    assert_eq!(t.lead, strings(&["市甲局"]));
    assert_eq!(t.responsible, strings(&["市乙委"]));
    assert_eq!(task(&p, 1, 2).text, "推进乙项工作。(责任单位:市乙委)");
    assert!(!codes(&p).contains(&"line_ignored"));
}

#[test]
fn furniture_line_table() {
    let mut page = PageInfo::default();
    let yes = [
        "— 3 —",
        "-3-",
        "- 12 -",
        "–7–",
        "3",
        "第5页",
        "主办单位:武汉轻工大学",
        "技术支持:厦门科易通宝网络科技有限公司",
        "客服热线:400-649-1633",
        "工作日(8:30—21:00)",
        "节假日(8:30—12:00 13:30—17:30)",
    ];
    for line in yes {
        assert!(read_furniture(line, &mut page), "{line}");
    }
    for line in [
        "(此件公开发布)",
        "抄送:市委各部门,市人大常委会办公厅。",
        "武汉市人民政府办公厅 2020年4月30日印发",
        "附件",
        "附件2",
    ] {
        assert!(read_furniture(line, &mut page), "{line}");
    }
    let no = [
        "工作日内完成审批。",
        "附件:市十四届人大五次会议3号议案办理工作领导小组组成人员名单",
        "1.做好印发工作。",
        "1.推进工作。",
        "二、工作任务",
        "2020年4月29日",
        "-3-5-",
    ];
    for line in no {
        assert!(!read_furniture(line, &mut page), "{line}");
    }
    assert!(read_furniture(
        "发布时间:2021-03-05 09:00 发布单位:临江市人民政府办公厅",
        &mut page
    ));
    assert_eq!(page.published_at.as_deref(), Some("2021-03-05 09:00"));
    assert_eq!(page.publisher.as_deref(), Some("临江市人民政府办公厅"));
}

#[test]
fn issuer_falls_back_to_the_publishing_line() {
    let text = mini("(一)第一组\n1.推进甲项工作。(牵头单位:市甲局)", ROSTER)
        .replace("临江市人民政府办公厅\n2021年3月1日\n", "");
    let p = parse_ok(&text);
    assert_eq!(p.issuer.as_deref(), Some("临江市人民政府办公厅"));
    assert_eq!(p.issued_on, None);
    assert_eq!(p.published_at.as_deref(), Some("2021-03-05 09:00"));
    assert_eq!(p.title, "市十五届人大一次会议1号议案办理工作方案");
}

#[test]
fn mini_front_matter_and_office() {
    let p = parse_ok(&mini(
        "(一)第一组\n1.推进甲项工作。(牵头单位:市甲局)",
        ROSTER,
    ));
    assert_eq!(p.title, "市十五届人大一次会议1号议案办理工作方案");
    assert_eq!(p.proposal.session, "市十五届人大一次会议");
    assert_eq!(p.proposal.number, 1);
    assert_eq!(p.proposal.title, "关于建设临江新城的议案");
    assert_eq!(p.issued_on, Some(date(2021, 3, 1)));
    assert_eq!(p.office_unit.as_deref(), Some("市甲局"));
    assert_eq!(p.phases.len(), 1);
    assert_eq!(
        (p.phases[0].start, p.phases[0].end),
        (date(2021, 3, 1), date(2021, 3, 31))
    );
}

// ---------------------------------------------------------------------------------------------
// Rule 10: wrapped lines

#[test]
fn wrapped_task_lines_are_joined() {
    let tasks = "(一)推进规划布局落地,
加快新旧动能转换
1.加速推进大健康产业
空间布局的规划编制落地。(牵头单位:市甲局;责任单位:
江岸区、江夏区人民政府)
2.推进 Open
Data 工作。(责任单位:市乙委)";
    let p = parse_ok(&mini(tasks, ROSTER));
    assert_eq!(p.sections[0].title, "推进规划布局落地,加快新旧动能转换");
    let t = task(&p, 1, 1);
    assert_eq!(t.line, 13);
    assert_eq!(
        t.text,
        "加速推进大健康产业空间布局的规划编制落地。(牵头单位:市甲局;责任单位:江岸区、江夏区人民政府)"
    );
    assert_eq!(
        t.responsible,
        strings(&["江岸区人民政府", "江夏区人民政府"])
    );
    assert_eq!(task(&p, 1, 2).body, "推进 Open Data 工作。");
}

// ---------------------------------------------------------------------------------------------
// Rule 11: errors name the line

#[test]
fn errors_name_the_line() {
    let cases: Vec<(String, usize, &str)> = vec![
        (String::new(), 1, "empty"),
        ("  \n\u{3000}\r\n\t".to_string(), 1, "empty"),
        (mini("(一)第一组\n本组暂无任务。", ROSTER), 10, "no tasks"),
        ("一份没有章节的文件\n正文。".to_string(), 1, "no tasks"),
        (
            mini(
                "(一)第一组\n1.推进甲项工作。(牵头单位:市甲局)\n2.推进乙项工作。(责任单位:各区人民政府〈含开发区管委会,下同)",
                ROSTER,
            ),
            13,
            "unbalanced",
        ),
        (
            mini(
                "(一)第一组\n1.推进甲项工作。(牵头单位:市甲局;责任单位:市乙委",
                ROSTER,
            ),
            12,
            "unbalanced",
        ),
        (
            mini(
                "(一)第一组\n1.推进甲项工作。(牵头单位:市甲局(东湖;责任单位:市乙委)",
                ROSTER,
            ),
            12,
            "unbalanced",
        ),
    ];
    for (text, line, what) in cases {
        match parse_plan(&text) {
            Ok(_) => panic!("expected an error ({what}) for\n{text}"),
            Err(e) => {
                assert_eq!(e.line, line, "{what}: {e}");
                assert!(e.message.contains(what), "{what}: {e}");
                assert!(e.to_string().starts_with(&format!("line {line}: ")));
            }
        }
    }
}

#[test]
fn no_panic_on_mangled_documents() {
    // Truncations of the seed.
    let chars: Vec<char> = SEED.chars().collect();
    for cut in (0..chars.len()).step_by(13) {
        let text: String = chars[..cut].iter().collect();
        let _ = parse_plan(&text);
    }
    // Each line removed in turn.
    let lines: Vec<&str> = SEED.split('\n').collect();
    for skip in 0..lines.len() {
        let text: Vec<&str> = lines
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != skip)
            .map(|(_, l)| *l)
            .collect();
        let _ = parse_plan(&text.join("\n"));
    }
    // Random insertions of the characters the parser cares about.
    const PIECES: &[&str] = &[
        "(",
        ")",
        "〈",
        "〉",
        "<",
        ">",
        "、",
        ",",
        ";",
        ":",
        "。",
        "一、",
        "(一)",
        "1.",
        "牵头单位:",
        "责任单位:",
        "各区",
        "—",
        "年",
        "月",
        "日",
        "\n",
        "\r",
        "名单",
        "组长:",
        "成员:",
        "99999999999",
        "十百",
        "《",
        "》",
        "下同",
        "含",
        "管委会",
        "人民政府",
        "前",
        "底",
        "\u{3000}",
        "０",
        "（",
        "𝔘",
        "办公",
        "在",
        "号议案",
        "会议",
    ];
    let mut state: u64 = 0x2020_0429;
    let mut next = |n: usize| -> usize {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 33) as usize) % n.max(1)
    };
    for _ in 0..400 {
        let mut text: Vec<char> = chars.clone();
        for _ in 0..1 + next(8) {
            let at = next(text.len() + 1);
            let piece: Vec<char> = PIECES[next(PIECES.len())].chars().collect();
            text.splice(at..at, piece);
        }
        if next(4) == 0 {
            let at = next(text.len() + 1);
            text.truncate(at);
        }
        let text: String = text.into_iter().collect();
        let _ = parse_plan(&text);
    }
    // Pure garbage.
    for _ in 0..200 {
        let len = next(200);
        let text: String = (0..len)
            .map(|_| PIECES[next(PIECES.len())])
            .collect::<Vec<_>>()
            .concat();
        let _ = parse_plan(&text);
    }
}

// ---------------------------------------------------------------------------------------------
// Rule 12: determinism and order

#[test]
fn deterministic() {
    let a = seed();
    for _ in 0..3 {
        assert_eq!(seed(), a);
    }
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&seed()).unwrap()
    );
}

#[test]
fn unit_order_is_kind_then_roster_then_tasks() {
    let tasks = "(一)第一组
1.推进甲项工作。(牵头单位:市戊局;责任单位:各区人民政府,汉阳区人民政府,临江临港开发区管委会,市甲局)";
    let p = parse_ok(&mini(tasks, ROSTER));
    let names: Vec<&str> = p.units.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(
        names,
        vec![
            "市甲局",
            "市乙委",
            "市戊局",
            "临江高新技术开发区管委会",
            "临江临港开发区管委会",
            "江岸区人民政府",
            "江夏区人民政府",
            "汉阳区人民政府",
            "各区人民政府",
        ]
    );
    let not_in_roster: Vec<&str> = p
        .warnings
        .iter()
        .filter(|w| w.code == "unit_not_in_roster")
        .map(|w| w.message.as_str())
        .collect();
    assert_eq!(not_in_roster.len(), 3);
}

// ---------------------------------------------------------------------------------------------
// Roster details

#[test]
fn roster_variants() {
    let roster = "组 长:王一 市人民政府副市长
副组长:陈二 市甲局局长
成员:张  智 江岸区人民政府副区长
李二市乙委副主任
赵三 某某协会秘书处干事";
    let p = parse_ok(&mini(
        "(一)第一组\n1.推进甲项工作。(牵头单位:市甲局;责任单位:市乙委,江岸区人民政府)",
        roster,
    ));
    let rows: Vec<(RosterRole, &str, &str, &str, Option<&str>)> = p
        .roster
        .iter()
        .map(|r| {
            (
                r.role,
                r.role_label.as_str(),
                r.name.as_str(),
                r.title.as_str(),
                r.unit.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (RosterRole::Leader, "组长", "王一", "市人民政府副市长", None),
            (
                RosterRole::DeputyLeader,
                "副组长",
                "陈二",
                "局长",
                Some("市甲局")
            ),
            (
                RosterRole::Member,
                "成员",
                "张智",
                "副区长",
                Some("江岸区人民政府")
            ),
            (RosterRole::Member, "成员", "李二", "副主任", Some("市乙委")),
            (
                RosterRole::Member,
                "成员",
                "赵三",
                "某某协会秘书处干事",
                None
            ),
        ]
    );
    assert!(
        p.warnings
            .iter()
            .any(|w| w.code == "roster_unit_unrecognised" && w.line == Some(22))
    );
}

#[test]
fn position_split_table() {
    #[rustfmt::skip]
    let table: Vec<SplitRow> = vec![
        ("市委组织部副部长", Some(("市委组织部", vec![], "副部长"))),
        ("市发展改革委二级巡视员", Some(("市发展改革委", vec![], "二级巡视员"))),
        ("武汉东湖新技术开发区管委会总工程师", Some(("武汉东湖新技术开发区管委会", vec![], "总工程师"))),
        ("武汉临空港经济技术开发区管委会(东西湖区人民政府)副主任(常务副区长)",
            Some(("武汉临空港经济技术开发区管委会", vec!["东西湖区人民政府"], "副主任(常务副区长)"))),
        ("市经济和信息化局局长", Some(("市经济和信息化局", vec![], "局长"))),
        ("市甲局副局长兼办公室主任", Some(("市甲局", vec![], "副局长兼办公室主任"))),
        ("汉南区人民政府党组成员", Some(("汉南区人民政府", vec![], "党组成员"))),
        ("市税务局", Some(("市税务局", vec![], ""))),
        ("市委常委、市人民政府常务副市长", None),
        ("某某协会秘书处干事", None),
    ];
    for (written, want) in table {
        let got = split_position(written).map(|s| (s.unit, s.aliases, s.title));
        let want = want.map(|(u, a, t)| (u.to_string(), strings(&a), t.to_string()));
        assert_eq!(got, want, "{written}");
    }
}

#[test]
fn roster_line_before_any_label_is_skipped() {
    let roster = format!("王某 市人民政府秘书长\n{ROSTER}");
    let p = parse_ok(&mini(
        "(一)第一组\n1.推进甲项工作。(牵头单位:市甲局)",
        &roster,
    ));
    assert_eq!(p.roster.len(), 6);
    assert!(
        p.warnings
            .iter()
            .any(|w| w.code == "roster_role_missing" && w.line == Some(18))
    );
}

#[test]
fn member_without_tasks_and_missing_roster_are_reported() {
    let p = parse_ok(&mini(
        "(一)第一组\n1.推进甲项工作。(牵头单位:市甲局)",
        ROSTER,
    ));
    let idle: Vec<&str> = p
        .warnings
        .iter()
        .filter(|w| w.code == "member_without_tasks")
        .map(|w| w.message.as_str())
        .collect();
    assert_eq!(idle.len(), 4);

    let text = mini("(一)第一组\n1.推进甲项工作。(牵头单位:市甲局)", "")
        .replace("临江市1号议案办理工作领导小组组成人员名单\n", "");
    let p = parse_ok(&text);
    assert!(p.roster.is_empty());
    assert_eq!(
        codes(&p).iter().filter(|c| **c == "roster_missing").count(),
        1
    );
    assert!(!codes(&p).contains(&"unit_not_in_roster"));
    assert!(p.units.iter().all(|u| !u.member));
}

// ---------------------------------------------------------------------------------------------
// Phases and numbering

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
fn roster_needs_a_group_header_and_ends_the_document() {
    // A wrapped task line ending in 名单 does not start the roster; trailers are dropped.
    let tasks = "(一)第一组
1.推进甲项工作,公布重点企业
名单。(牵头单位:市甲局)
2.推进乙项工作,由专家组
成员:市乙委牵头组织。(牵头单位:市乙委)";
    let roster = format!("{ROSTER}\n办公室主任:吴某 市甲局副局长\n(此件公开发布)");
    let p = parse_ok(&mini(tasks, &roster));
    assert_eq!(p.sections[0].tasks.len(), 2);
    assert_eq!(task(&p, 1, 2).lead, strings(&["市乙委"]));
    assert_eq!(p.roster.len(), 6);
    assert!(
        p.warnings
            .iter()
            .any(|w| w.code == "line_ignored" && w.message.contains("办公室主任"))
    );
}

#[test]
fn general_requirements_keep_paragraphs_and_join_wrapped_lines() {
    let text = mini("(一)第一组\n1.推进甲项工作。(牵头单位:市甲局)", ROSTER).replace(
        "一、总体要求\n加快建设。\n",
        "一、总体要求\n加快建设。\n推进发展,\n形成合力。\n",
    );
    let p = parse_ok(&text);
    assert_eq!(p.general_requirements, "加快建设。\n推进发展,形成合力。");
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

#[test]
fn repeated_numbers_are_renumbered() {
    let tasks = "(一)第一组
1.推进甲项工作。(牵头单位:市甲局)
1.推进乙项工作。(牵头单位:市甲局)
(一)第二组
1.推进丙项工作。(牵头单位:市甲局)";
    let p = parse_ok(&mini(tasks, ROSTER));
    let shape: Vec<(u32, Vec<u32>)> = p
        .sections
        .iter()
        .map(|s| (s.number, s.tasks.iter().map(|t| t.number).collect()))
        .collect();
    assert_eq!(shape, vec![(1, vec![1, 2]), (2, vec![1])]);
    assert_eq!(
        codes(&p)
            .iter()
            .filter(|c| **c == "item_renumbered")
            .count(),
        2
    );
}

#[test]
fn tasks_before_any_group_get_an_implied_group() {
    let p = parse_ok(&mini("1.推进甲项工作。(牵头单位:市甲局)", ROSTER));
    assert_eq!(p.sections.len(), 1);
    assert_eq!(p.sections[0].number, 0);
    assert_eq!(p.sections[0].title, "工作任务");
    assert!(codes(&p).contains(&"section_implied"));
}

#[test]
fn markers_and_numbers() {
    assert_eq!(cn_value(&chars_of("十四")), Some(14));
    assert_eq!(cn_value(&chars_of("二十九")), Some(29));
    assert_eq!(cn_value(&chars_of("十")), Some(10));
    assert_eq!(cn_value(&chars_of("二〇二〇")), Some(2020));
    assert_eq!(cn_value(&chars_of("一百零五")), Some(105));
    assert_eq!(
        item_marker("(一)推进"),
        Some((Marker::ParenCn, 1, "推进".to_string()))
    );
    assert_eq!(
        item_marker("12、推进"),
        Some((Marker::Arabic, 12, "推进".to_string()))
    );
    assert_eq!(
        item_marker("(3)推进"),
        Some((Marker::ParenArabic, 3, "推进".to_string()))
    );
    assert_eq!(item_marker("2.5亿元"), None);
    assert_eq!(item_marker("2020年"), None);
    assert_eq!(
        chapter_heading("二、工作任务"),
        Some((2, "工作任务".to_string()))
    );
    assert_eq!(chapter_heading("二、工作任务很多。"), None);
    assert_eq!(
        proposal_number("市十四届人大五次会议3号议案办理工作方案"),
        Some(3)
    );
    assert_eq!(proposal_number("第十二号议案"), Some(12));
    assert_eq!(
        session_of("为认真办理市十四届人大五次会议《关于…案》").as_deref(),
        Some("市十四届人大五次会议")
    );
    assert_eq!(
        parse_date_line("二〇二〇年四月二十九日"),
        Some(date(2020, 4, 29))
    );
    assert_eq!(parse_date_line("2020年4月29日"), Some(date(2020, 4, 29)));
    assert_eq!(parse_date_line("2020年4月31日"), None);
}

#[test]
fn unit_kinds_are_told_by_form() {
    let table = [
        ("市经济和信息化局", UnitKind::Municipal),
        ("市委组织部", UnitKind::Municipal),
        ("武汉住房公积金管理中心", UnitKind::Municipal),
        ("市城市管理委员会", UnitKind::Municipal),
        ("江岸区人民政府", UnitKind::District),
        ("浦东新区人民政府", UnitKind::District),
        ("某县人民政府", UnitKind::District),
        ("武汉东湖新技术开发区管委会", UnitKind::Zone),
        ("武汉长江新城管委会", UnitKind::Zone),
        ("临江经济技术开发区", UnitKind::Zone),
        ("各区人民政府", UnitKind::Collective),
        ("各开发区管委会", UnitKind::Collective),
    ];
    for (name, kind) in table {
        assert_eq!(classify(name), kind, "{name}");
    }
    assert_eq!(org_suffix("汉阳区人民政府"), Some("人民政府"));
    assert_eq!(org_suffix("长江新城管委会"), Some("管委会"));
    assert_eq!(org_suffix("硚口区"), None);
}

#[test]
fn plans_too_large_for_the_importer_are_refused_with_the_reason() {
    // 501 tasks, each naming the same unit.
    let mut text = String::from("一、工作任务\n");
    for i in 1..=MAX_TASKS + 1 {
        text.push_str(&format!("{i}.做第{i}件事。(牵头单位:市科技局)\n"));
    }
    let e = parse_plan(&text).unwrap_err();
    assert!(
        e.message.starts_with("too many tasks: 501"),
        "{}",
        e.message
    );
    // 50 tasks naming 11 different units each: 550 names.
    let mut text = String::from("一、工作任务\n");
    for i in 1..=50 {
        let units: Vec<String> = (0..11).map(|k| format!("市第{}局", i * 11 + k)).collect();
        text.push_str(&format!(
            "{i}.做第{i}件事。(牵头单位:{})\n",
            units.join("、")
        ));
    }
    let e = parse_plan(&text).unwrap_err();
    assert!(
        e.message.starts_with("too many different unit names"),
        "{}",
        e.message
    );
    // At the limits, still read.
    let mut text = String::from("一、工作任务\n");
    for i in 1..=MAX_TASKS {
        text.push_str(&format!("{i}.做第{i}件事。(牵头单位:市科技局)\n"));
    }
    assert_eq!(
        parse_plan(&text).unwrap().sections[0].tasks.len(),
        MAX_TASKS
    );
}
