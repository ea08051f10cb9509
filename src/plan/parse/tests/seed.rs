//! Rule 1: the seed document (Wuhan's 2020 plan for proposal 3) read in full: front matter,
//! tasks and their units, phases, requirements, roster, units and warnings.

use super::*;
use crate::plan::parse::words::kind_rank;

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
