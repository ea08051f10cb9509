//! Tests of the tasks (`tasks.rs`): unit notes and their separators, shared suffixes, scope
//! notes, title sentences, wrapped lines and numbering.

use super::*;
use crate::plan::parse::normalise::chars_of;
use crate::plan::parse::tasks::{Note, classify_note, parse_item, task_title, widens_to_zones};

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
// Rule 5: notes in 〈〉: scope notes (下同) and alias notes (aliases: see units.rs)

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
// Numbering

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
