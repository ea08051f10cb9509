//! Tests of the links (`links.rs`): collectives expand to the units they stand for, and each
//! unit is linked once per role.

use std::collections::BTreeSet;

use super::*;
use crate::plan::model::UnitLink;

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
