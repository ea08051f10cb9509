//! Tests of the roster (`roster.rs`): labels, padded names, positions split into unit and
//! title, and what is reported about members.

use super::*;
use crate::plan::parse::roster::split_position;

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
