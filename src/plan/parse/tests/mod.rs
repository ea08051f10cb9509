//! Tests of the plan importer: the seed document and small variant documents, one or more per rule.
//!
//! This file holds the helpers and the rules about the whole document (errors, determinism,
//! limits); the tests of each step sit in the file named after it.

mod furniture;
mod layout;
mod links;
mod markers;
mod normalise;
mod phases;
mod roster;
mod seed;
mod tasks;
mod units;

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::*;
use crate::plan::model::{ParsedPlan, Role, RosterRole, Task, Unit, UnitKind};

const SEED: &str = include_str!("../../../../seed/wuhan-2020-proposal-3.txt");

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
// Rule 11: errors name the line

#[test]
fn parse_error_displays_its_line() {
    let e = ParseError::new(7, "something is wrong", "有问题。");
    assert_eq!(e.to_string(), "line 7: something is wrong");
    assert_eq!(crate::message::Bilingual::zh(&e), "第7行：有问题。");
}

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
// Limits

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
