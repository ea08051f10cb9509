//! Tests of page furniture and the signature (`furniture.rs`), and of the front matter of a
//! small plan.

use super::*;
use crate::plan::parse::furniture::{PageInfo, read_furniture};

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
