//! Tests of the layout (`layout.rs`): where the roster starts, and the general requirements
//! chapter.

use super::*;

// ---------------------------------------------------------------------------------------------
// Layout

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
