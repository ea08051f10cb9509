// Checks of the plan importer, shared through `include!` by the fuzz target
// (fuzz/fuzz_targets/plan_import.rs) and the replay test (tests/fuzz_regressions.rs), so that
// both run exactly the same assertions. Needs the crates `ceping` and `serde_json`.
//
// Every check is a promise of the docs of `ceping::plan` (parse.rs, model.rs): no panic on any
// input, a pure function, 1-based source lines, unique item numbers (ITEM_RENUMBERED), unique
// canonical units ordered by kind, tasks naming only those units, phases that do not end before
// they start, warnings sorted by line with a known code, and a JSON shape that reads back.

use std::collections::HashSet;

use ceping::plan::model::warning_codes as wc;
use ceping::plan::{ParsedPlan, UnitKind, parse_plan};

/// Every code of `warning_codes`.
const WARNING_CODES: &[&str] = &[
    wc::TITLE_MISSING,
    wc::PROPOSAL_INCOMPLETE,
    wc::CHAPTER_UNKNOWN,
    wc::LINE_IGNORED,
    wc::SECTION_IMPLIED,
    wc::ITEM_RENUMBERED,
    wc::TASK_WITHOUT_UNITS,
    wc::UNIT_NOTE_UNLABELLED,
    wc::UNIT_PREFIX_MATCHED,
    wc::UNIT_SUFFIX_MATCHED,
    wc::UNIT_MISPRINT_MATCHED,
    wc::UNIT_NOT_IN_ROSTER,
    wc::MEMBER_WITHOUT_TASKS,
    wc::COLLECTIVE_NOT_EXPANDED,
    wc::PHASE_START_ASSUMED,
    wc::PHASE_YEAR_ASSUMED,
    wc::PHASE_DATES_INVALID,
    wc::ROSTER_MISSING,
    wc::ROSTER_ROLE_MISSING,
    wc::ROSTER_UNIT_UNRECOGNISED,
    wc::OFFICE_UNIT_UNKNOWN,
];

/// One fuzz input: the bytes as UTF-8, or converted lossily when they are not.
pub fn check_plan_bytes(data: &[u8]) {
    match std::str::from_utf8(data) {
        Ok(text) => check_plan(text),
        Err(_) => check_plan(&String::from_utf8_lossy(data)),
    }
}

/// Parses `text` twice and checks the result.
pub fn check_plan(text: &str) {
    let result = parse_plan(text);
    // Pure: no global state, so the same text gives the same result.
    assert!(
        result == parse_plan(text),
        "parse_plan gave two different results for the same text"
    );
    let lines = source_lines(text);
    match result {
        Err(e) => {
            assert!(
                (1..=lines).contains(&e.line),
                "error line {} outside 1..={lines}",
                e.line
            );
            assert!(!e.message.is_empty(), "error without a message");
            assert!(!e.message_zh.is_empty(), "error without a Chinese message");
            assert!(!e.to_string().is_empty());
        }
        Ok(plan) => check_parsed_plan(&plan, lines),
    }
}

/// Lines as the importer counts them: `\r\n`, `\r` and `\n` each end one.
pub fn source_lines(text: &str) -> usize {
    let mut n = 1usize;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\n' || c == '\r' {
            if c == '\r' && chars.peek() == Some(&'\n') {
                chars.next();
            }
            n += 1;
        }
    }
    n
}

fn kind_rank(kind: UnitKind) -> u8 {
    // "ordered by kind (municipal, zone, district, collective)".
    match kind {
        UnitKind::Municipal => 0,
        UnitKind::Zone => 1,
        UnitKind::District => 2,
        UnitKind::Collective => 3,
    }
}

fn assert_unique<T: std::hash::Hash + Eq>(what: &str, items: impl IntoIterator<Item = T>) {
    let mut seen = HashSet::new();
    for item in items {
        assert!(seen.insert(item), "{what}: a value is repeated");
    }
}

/// The invariants of a plan parsed from a text of `lines` lines.
pub fn check_parsed_plan(plan: &ParsedPlan, lines: usize) {
    let in_source = |line: usize| (1..=lines).contains(&line);

    // Fails only when no numbered task is found: a plan has a task.
    assert!(
        plan.sections.iter().any(|s| !s.tasks.is_empty()),
        "a plan without tasks"
    );
    // A repeated number is given the next free one: numbers are unique.
    assert_unique("section numbers", plan.sections.iter().map(|s| s.number));
    for section in &plan.sections {
        assert_unique("task numbers", section.tasks.iter().map(|t| t.number));
    }
    assert_unique("phase numbers", plan.phases.iter().map(|p| p.number));
    assert_unique(
        "requirement numbers",
        plan.requirements.iter().map(|r| r.number),
    );

    // Units: canonical, de-duplicated, ordered by kind.
    let mut names: HashSet<&str> = HashSet::new();
    for unit in &plan.units {
        assert!(!unit.name.is_empty(), "a unit without a name");
        assert!(names.insert(&unit.name), "unit listed twice");
    }
    let mut written: HashSet<&str> = names.clone();
    for unit in &plan.units {
        for alias in &unit.aliases {
            assert!(!alias.is_empty(), "an empty alias");
            assert!(written.insert(alias), "alias also names another unit");
        }
    }
    assert!(
        plan.units
            .windows(2)
            .all(|w| kind_rank(w[0].kind) <= kind_rank(w[1].kind)),
        "units not ordered by kind"
    );
    let kind_of = |name: &str| plan.units.iter().find(|u| u.name == name).map(|u| u.kind);

    // Tasks name canonical units only.
    for task in plan.sections.iter().flat_map(|s| &s.tasks) {
        assert!(
            in_source(task.line),
            "task line {} outside 1..={lines}",
            task.line
        );
        for name in task.lead.iter().chain(&task.responsible) {
            assert!(
                names.contains(name.as_str()),
                "task names a unit not in units"
            );
        }
        assert_unique("task lead", task.lead.iter());
        assert_unique("task responsible", task.responsible.iter());
        for link in &task.links {
            assert!(
                names.contains(link.unit.as_str()),
                "link to a unit not in units"
            );
            if let Some(via) = &link.via {
                assert_eq!(
                    kind_of(via),
                    Some(UnitKind::Collective),
                    "link via something that is not a collective"
                );
            }
        }
        assert_unique(
            "task links",
            task.links.iter().map(|l| (&l.unit, l.role, &l.via)),
        );
    }
    for entry in &plan.roster {
        if let Some(unit) = &entry.unit {
            assert!(names.contains(unit.as_str()), "roster unit not in units");
        }
    }

    // Phases: an inclusive range that does not end before it starts.
    for phase in &plan.phases {
        assert!(phase.start <= phase.end, "phase ends before it starts");
    }

    // Warnings: known codes, source lines, sorted by line (those without one last).
    for w in &plan.warnings {
        assert!(
            WARNING_CODES.contains(&w.code.as_str()),
            "unknown warning code {:?}",
            w.code
        );
        if let Some(line) = w.line {
            assert!(in_source(line), "warning line {line} outside 1..={lines}");
        }
        assert!(
            !w.message.is_empty() && !w.message_zh.is_empty(),
            "empty warning"
        );
    }
    let keys: Vec<usize> = plan
        .warnings
        .iter()
        .map(|w| w.line.unwrap_or(usize::MAX))
        .collect();
    assert!(
        keys.windows(2).all(|k| k[0] <= k[1]),
        "warnings not sorted by line"
    );

    // The JSON shape is a public interface: it reads back to the same plan.
    let json = serde_json::to_string(plan).expect("a plan serializes");
    let back: ParsedPlan = serde_json::from_str(&json).expect("a plan's JSON reads back");
    assert!(
        back == *plan,
        "the plan's JSON reads back to a different plan"
    );
}
