//! The word lists that tell a unit name's form: organisation suffixes (局, 委员会, 人民政府…)
//! and zone words (开发区, 新城…), and the kind of unit a name is. Every step that must tell a
//! unit from other text uses them.

use crate::plan::model::UnitKind;

const ORG_SUFFIXES: &[&str] = &[
    "管理委员会",
    "人民政府",
    "委员会",
    "管委会",
    "办公室",
    "办公厅",
    "政府",
    "中心",
    "公司",
    "集团",
    "支队",
    "大队",
    "局",
    "委",
    "部",
    "厅",
    "办",
    "室",
    "院",
    "会",
    "署",
    "行",
    "所",
    "处",
    "队",
    "站",
    "馆",
    "社",
    "校",
    "联",
    "协",
    "团",
    "关",
    "台",
];

/// The organisation suffix a name ends with (the longest one), e.g. "人民政府" or "局".
pub(super) fn org_suffix(name: &str) -> Option<&'static str> {
    ORG_SUFFIXES
        .iter()
        .copied()
        .filter(|s| name.ends_with(s))
        .max_by_key(|s| s.len())
}

pub(super) const ZONE_WORDS: &[&str] = &[
    "开发区",
    "新区",
    "新城",
    "园区",
    "保税区",
    "示范区",
    "试验区",
    "功能区",
    "自贸区",
    "港区",
    "合作区",
    "产业园",
];

/// What sort of unit a name is, from its form.
pub(super) fn classify(name: &str) -> UnitKind {
    if name.starts_with('各') {
        return UnitKind::Collective;
    }
    let zone_word = ZONE_WORDS.iter().any(|z| name.contains(z));
    let committee = ["管委会", "管理委员会", "管委"]
        .iter()
        .any(|s| name.ends_with(s));
    if zone_word && (committee || ZONE_WORDS.iter().any(|z| name.ends_with(z))) {
        return UnitKind::Zone;
    }
    if ["区人民政府", "县人民政府", "旗人民政府", "区政府", "县政府"]
        .iter()
        .any(|s| name.ends_with(s))
    {
        return UnitKind::District;
    }
    UnitKind::Municipal
}

pub(super) fn kind_rank(kind: UnitKind) -> u8 {
    match kind {
        UnitKind::Municipal => 0,
        UnitKind::Zone => 1,
        UnitKind::District => 2,
        UnitKind::Collective => 3,
    }
}
