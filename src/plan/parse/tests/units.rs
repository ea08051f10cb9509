//! Tests of the unit registry and the word lists (`units.rs`, `words.rs`): alias notes, the
//! same unit named differently, names that must stay apart, and the kind of a unit.

use super::*;
use crate::plan::parse::normalise::chars_of;
use crate::plan::parse::units::{MatchKind, is_misprint_pair, one_edit, short_form_of};
use crate::plan::parse::words::{classify, org_suffix};

// ---------------------------------------------------------------------------------------------
// Rule 5: alias notes (scope notes: see tasks.rs)

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
// Unit kinds

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
