//! Step 5, the unit registry: every name written in the roster and the unit notes is recorded;
//! names are merged by alias notes, a city prefix, a zone's missing 管委会 or a one-character
//! misprint in a long name; each group gets its canonical name, and the units are ordered.

use std::collections::{BTreeMap, HashMap};

use crate::plan::model::warning_codes as code;
use crate::plan::model::{Unit, UnitKind};

use super::markers::is_cn_numeral;
use super::normalise::{chars_of, string_of};
use super::warnings::Warnings;
use super::words::{ZONE_WORDS, classify, kind_rank, org_suffix};

/// When two names differ by exactly one inserted, deleted or changed character: the characters
/// involved (one for an insertion, two for a change).
pub(super) fn one_edit(a: &[char], b: &[char]) -> Option<Vec<char>> {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let i = short
        .iter()
        .zip(long)
        .position(|(x, y)| x != y)
        .unwrap_or(short.len());
    match long.len() - short.len() {
        0 => {
            let same_after = short.get(i + 1..) == long.get(i + 1..);
            match (same_after, short.get(i), long.get(i)) {
                (true, Some(x), Some(y)) => Some(vec![*x, *y]),
                _ => None,
            }
        }
        1 => (short.get(i..) == long.get(i + 1..))
            .then(|| long.get(i).copied().into_iter().collect()),
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum MatchKind {
    Alias,
    Prefix,
    Suffix,
    Misprint,
}

pub(super) struct NameRec {
    name: String,
    /// The first line the name is on in the roster / in the tasks.
    roster_line: Option<usize>,
    task_line: Option<usize>,
    /// Written in the roster as a member's unit (or its bracketed alias).
    in_roster: bool,
    member: bool,
    /// Written inside an alias note of another name: never the canonical name if avoidable.
    declared_alias: bool,
    /// The shorter side of a prefix or suffix match: never the canonical name if avoidable.
    short_form: bool,
    /// The unit notes (task order) that list this name, ascending.
    notes: Vec<usize>,
}

#[derive(Default)]
pub(super) struct Registry {
    pub(super) names: Vec<NameRec>,
    index: HashMap<String, usize>,
    parent: Vec<usize>,
    edges: Vec<(usize, usize, MatchKind)>,
}

#[derive(Clone, Copy)]
pub(super) struct UnitLines {
    pub(super) roster: Option<usize>,
    pub(super) task: Option<usize>,
}

/// The canonical units and how every written name maps to them.
pub(super) struct Resolved {
    pub(super) units: Vec<Unit>,
    canon: HashMap<String, String>,
    pub(super) kinds: HashMap<String, UnitKind>,
    pub(super) lines: HashMap<String, UnitLines>,
}

impl Resolved {
    pub(super) fn lookup(&self, name: &str) -> Option<&String> {
        self.canon.get(name)
    }
}

impl Registry {
    pub(super) fn add(&mut self, name: &str, line: usize, in_roster: bool, member: bool) -> usize {
        let id = match self.index.get(name) {
            Some(&i) => i,
            None => {
                let i = self.names.len();
                self.names.push(NameRec {
                    name: name.to_string(),
                    roster_line: None,
                    task_line: None,
                    in_roster: false,
                    member: false,
                    declared_alias: false,
                    short_form: false,
                    notes: Vec::new(),
                });
                self.parent.push(i);
                self.index.insert(name.to_string(), i);
                i
            }
        };
        if let Some(rec) = self.names.get_mut(id) {
            rec.in_roster |= in_roster;
            rec.member |= member;
            let slot = if in_roster {
                &mut rec.roster_line
            } else {
                &mut rec.task_line
            };
            if slot.is_none() {
                *slot = Some(line);
            }
        }
        id
    }

    pub(super) fn listed_in(&mut self, id: usize, note: usize) {
        if let Some(rec) = self.names.get_mut(id)
            && rec.notes.last() != Some(&note)
        {
            rec.notes.push(note);
        }
    }

    /// True when one unit note lists both names: the note means two units.
    fn listed_together(&self, i: usize, j: usize) -> bool {
        let (Some(a), Some(b)) = (self.names.get(i), self.names.get(j)) else {
            return false;
        };
        let (mut x, mut y) = (0, 0);
        while let (Some(p), Some(q)) = (a.notes.get(x), b.notes.get(y)) {
            match p.cmp(q) {
                std::cmp::Ordering::Equal => return true,
                std::cmp::Ordering::Less => x += 1,
                std::cmp::Ordering::Greater => y += 1,
            }
        }
        false
    }

    pub(super) fn alias(
        &mut self,
        primary: usize,
        alias: &str,
        line: usize,
        in_roster: bool,
        member: bool,
    ) {
        let id = self.add(alias, line, in_roster, member);
        if id == primary {
            return;
        }
        if let Some(rec) = self.names.get_mut(id) {
            rec.declared_alias = true;
        }
        self.edges.push((primary, id, MatchKind::Alias));
        self.union(primary, id);
    }

    fn find(&mut self, mut i: usize) -> usize {
        let mut root = i;
        while let Some(&p) = self.parent.get(root) {
            if p == root {
                break;
            }
            root = p;
        }
        while let Some(&p) = self.parent.get(i) {
            if p == root {
                break;
            }
            if let Some(slot) = self.parent.get_mut(i) {
                *slot = root;
            }
            i = p;
        }
        root
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            if let Some(slot) = self.parent.get_mut(hi) {
                *slot = lo;
            }
        }
    }

    fn name(&self, i: usize) -> &str {
        self.names.get(i).map(|r| r.name.as_str()).unwrap_or("")
    }

    fn order_key(&self, i: usize) -> (u8, usize) {
        match self.names.get(i) {
            Some(r) if r.in_roster => (0, i),
            _ => (1, i),
        }
    }

    /// Matches names that stand for the same unit, chooses canonical names and orders the units.
    pub(super) fn finish(
        mut self,
        doc_text: &str,
        city: Option<&str>,
        w: &mut Warnings,
    ) -> Resolved {
        let n = self.names.len();
        let chars: Vec<Vec<char>> = self.names.iter().map(|r| chars_of(&r.name)).collect();
        let kinds: Vec<UnitKind> = self.names.iter().map(|r| classify(&r.name)).collect();
        // A fuzzy match never joins two groups that both hold a roster name: the roster lists
        // distinct units, even through a third name that resembles both.
        let mut has_roster: Vec<bool> = vec![false; n];
        for i in 0..n {
            let root = self.find(i);
            if self.names.get(i).is_some_and(|r| r.in_roster)
                && let Some(slot) = has_roster.get_mut(root)
            {
                *slot = true;
            }
        }
        // Fuzzy matching is quadratic: a pathological text with thousands of names skips it.
        if n <= 3000 {
            for i in 0..n {
                for j in 0..n {
                    if i == j {
                        continue;
                    }
                    let (Some(a), Some(b)) = (chars.get(i), chars.get(j)) else {
                        continue;
                    };
                    let (Some(ka), Some(kb)) = (kinds.get(i), kinds.get(j)) else {
                        continue;
                    };
                    if *ka == UnitKind::Collective || *kb == UnitKind::Collective {
                        continue;
                    }
                    let (ri, rj) = (self.find(i), self.find(j));
                    let roster_i = has_roster.get(ri).copied().unwrap_or(false);
                    let roster_j = has_roster.get(rj).copied().unwrap_or(false);
                    if ri == rj || (roster_i && roster_j) || self.listed_together(i, j) {
                        continue;
                    }
                    // a is the shorter side for prefix/suffix, i < j for misprints.
                    if let Some(kind) = short_form_of(a, b, city) {
                        if let Some(r) = self.names.get_mut(i) {
                            r.short_form = true;
                        }
                        self.edges.push((i, j, kind));
                    } else if i < j && is_misprint_pair(a, b, *ka, *kb) {
                        self.edges.push((i, j, MatchKind::Misprint));
                    } else {
                        continue;
                    }
                    self.union(i, j);
                    let root = self.find(i);
                    if let Some(slot) = has_roster.get_mut(root) {
                        *slot = roster_i || roster_j;
                    }
                }
            }
        }

        // Groups and their canonical names.
        let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for i in 0..n {
            let root = self.find(i);
            groups.entry(root).or_default().push(i);
        }
        let mut units: Vec<(u8, (u8, usize), Unit, UnitLines)> = Vec::new();
        let mut canon: HashMap<String, String> = HashMap::new();
        let mut canon_of_id: HashMap<usize, usize> = HashMap::new();
        for members in groups.values() {
            let preferred: Vec<usize> = members
                .iter()
                .copied()
                .filter(|i| {
                    self.names
                        .get(*i)
                        .is_some_and(|r| !r.declared_alias && !r.short_form)
                })
                .collect();
            let pool = if preferred.is_empty() {
                members.clone()
            } else {
                preferred
            };
            let names: Vec<&str> = members.iter().map(|i| self.name(*i)).collect();
            let count = |i: usize| -> usize {
                if pool.len() < 2 {
                    return 0;
                }
                exclusive_count(doc_text, self.name(i), &names)
            };
            let scored: Vec<(usize, usize, bool)> = pool
                .iter()
                .map(|&i| {
                    let in_roster = self.names.get(i).is_some_and(|r| r.in_roster);
                    (i, count(i), in_roster)
                })
                .collect();
            let Some(&(chosen, _, _)) = scored.iter().max_by(|x, y| {
                x.1.cmp(&y.1)
                    .then(x.2.cmp(&y.2))
                    .then_with(|| self.order_key(y.0).cmp(&self.order_key(x.0)))
            }) else {
                continue;
            };
            let canonical = self.name(chosen).to_string();
            let kind = classify(&canonical);
            let mut ordered: Vec<usize> = members.clone();
            ordered.sort_by_key(|i| self.order_key(*i));
            let first = ordered
                .first()
                .map(|i| self.order_key(*i))
                .unwrap_or((1, 0));
            let aliases: Vec<String> = ordered
                .iter()
                .filter(|i| **i != chosen)
                .map(|i| self.name(*i).to_string())
                .collect();
            let member = members
                .iter()
                .any(|i| self.names.get(*i).is_some_and(|r| r.member));
            let lines = UnitLines {
                roster: ordered
                    .iter()
                    .find_map(|i| self.names.get(*i).and_then(|r| r.roster_line)),
                task: ordered
                    .iter()
                    .find_map(|i| self.names.get(*i).and_then(|r| r.task_line)),
            };
            for i in members {
                canon.insert(self.name(*i).to_string(), canonical.clone());
                canon_of_id.insert(*i, chosen);
            }
            units.push((
                kind_rank(kind),
                first,
                Unit {
                    name: canonical,
                    kind,
                    aliases,
                    member,
                },
                lines,
            ));
        }
        units.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));

        // Tell the office about every inferred match.
        for &(a, b, kind) in &self.edges {
            if kind == MatchKind::Alias {
                continue;
            }
            let canonical = canon.get(self.name(a)).cloned().unwrap_or_default();
            let (other, keep) = if self.name(a) == canonical {
                (b, a)
            } else {
                (a, b)
            };
            let line_of = |i: usize| {
                self.names
                    .get(i)
                    .and_then(|r| r.task_line.or(r.roster_line))
            };
            let (o, k) = (self.name(other), self.name(keep));
            let (lo, lk) = (line_of(other), line_of(keep));
            let at = |l: Option<usize>| l.map(|l| format!(" (line {l})")).unwrap_or_default();
            let at_zh = |l: Option<usize>| l.map(|l| format!("第{l}行的")).unwrap_or_default();
            let (code, en, zh) = match kind {
                MatchKind::Prefix => (
                    code::UNIT_PREFIX_MATCHED,
                    format!(
                        "\"{o}\"{} and \"{k}\"{} differ only by a city prefix and were read as \
                         one unit, \"{canonical}\". Please check.",
                        at(lo),
                        at(lk)
                    ),
                    format!(
                        "{}“{o}”与{}“{k}”仅差地名前缀，已按同一单位“{canonical}”处理，请核对。",
                        at_zh(lo),
                        at_zh(lk)
                    ),
                ),
                MatchKind::Suffix => (
                    code::UNIT_SUFFIX_MATCHED,
                    format!(
                        "\"{o}\"{} was read as the committee \"{k}\"{}, canonical \
                         \"{canonical}\". Please check.",
                        at(lo),
                        at(lk)
                    ),
                    format!(
                        "{}“{o}”已按{}“{k}”处理（规范名称“{canonical}”），请核对。",
                        at_zh(lo),
                        at_zh(lk)
                    ),
                ),
                _ => (
                    code::UNIT_MISPRINT_MATCHED,
                    format!(
                        "\"{o}\"{} differs by one character from \"{k}\"{} and was read as the \
                         same unit, \"{canonical}\", the form the document uses most. Please \
                         check.",
                        at(lo),
                        at(lk)
                    ),
                    format!(
                        "{}“{o}”与{}“{k}”仅差一字，已视为笔误，按文中更常用的“{canonical}”处理，\
                         请核对。",
                        at_zh(lo),
                        at_zh(lk)
                    ),
                ),
            };
            w.push(lo.or(lk), code, en, zh);
        }

        let mut kinds_out = HashMap::new();
        let mut lines_out = HashMap::new();
        for (_, _, unit, lines) in &units {
            kinds_out.insert(unit.name.clone(), unit.kind);
            lines_out.insert(unit.name.clone(), *lines);
        }
        Resolved {
            units: units.into_iter().map(|u| u.2).collect(),
            canon,
            kinds: kinds_out,
            lines: lines_out,
        }
    }
}

/// Some(kind) when `a` is a shorter way of writing `b`: `b` = city prefix + `a` ("长江新城管委会"
/// / "武汉长江新城管委会"), or `b` = zone name `a` + 管委会.
pub(super) fn short_form_of(a: &[char], b: &[char], city: Option<&str>) -> Option<MatchKind> {
    if a.len() < 4 || b.len() <= a.len() {
        return None;
    }
    let extra = b.len() - a.len();
    if b.get(extra..) == Some(a) {
        let prefix = string_of(b.get(..extra).unwrap_or(&[]));
        let city_prefix = match city {
            Some(c) => prefix == "市" || prefix == c || prefix == format!("{c}市"),
            None => prefix == "市" || (prefix.ends_with('市') && extra <= 4),
        };
        if city_prefix {
            return Some(MatchKind::Prefix);
        }
    }
    if b.get(..a.len()) == Some(a) {
        let a_str = string_of(a);
        let rest = string_of(b.get(a.len()..).unwrap_or(&[]));
        if ZONE_WORDS.iter().any(|z| a_str.ends_with(z))
            && (rest == "管委会" || rest == "管理委员会")
        {
            return Some(MatchKind::Suffix);
        }
    }
    None
}

/// Two long names of the same sort, same suffix, one character apart in their distinctive part.
pub(super) fn is_misprint_pair(a: &[char], b: &[char], ka: UnitKind, kb: UnitKind) -> bool {
    if ka != kb
        || ka == UnitKind::District
        || a.len() < 6
        || b.len() < 6
        || a.len().abs_diff(b.len()) > 1
    {
        return false;
    }
    let (sa, sb) = (string_of(a), string_of(b));
    let (Some(xa), Some(xb)) = (org_suffix(&sa), org_suffix(&sb)) else {
        return false;
    };
    if xa != xb {
        return false;
    }
    let cut = xa.chars().count();
    let core_a = a.get(..a.len().saturating_sub(cut)).unwrap_or(&[]);
    let core_b = b.get(..b.len().saturating_sub(cut)).unwrap_or(&[]);
    if core_a.len() < 5 || core_b.len() < 5 {
        return false;
    }
    // "第一" / "第三", "1号" / "2号": a different number is a different unit, not a misprint.
    one_edit(core_a, core_b)
        .is_some_and(|diff| !diff.iter().any(|c| c.is_ascii_digit() || is_cn_numeral(*c)))
}

/// How often `name` is written in the text, not counting where it is part of a longer name of
/// the same group.
fn exclusive_count(text: &str, name: &str, group: &[&str]) -> usize {
    if name.is_empty() {
        return 0;
    }
    let mut count = text.matches(name).count();
    for other in group {
        if *other != name && other.contains(name) {
            let inner = other.matches(name).count();
            count = count.saturating_sub(text.matches(*other).count().saturating_mul(inner));
        }
    }
    count
}
