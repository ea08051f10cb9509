//! The rating scale of a round: its levels, best first.
//!
//! A round stores its scale as JSON, and a ballot stores a level as its index in the scale
//! (`u8`), so a four-level scale (满意 / 比较满意 / 基本满意 / 不满意) needs no schema change.
//! Weights turn levels into a numeric score; they are configuration, not a standard.

use serde::{Deserialize, Serialize};

/// Fewest levels a scale may have.
pub const MIN_LEVELS: usize = 2;
/// Most levels a scale may have.
pub const MAX_LEVELS: usize = 7;
/// Longest level key, in bytes (keys are ASCII).
pub const MAX_KEY_LEN: usize = 32;
/// Longest level label, in characters.
pub const MAX_LABEL_CHARS: usize = 20;

/// One level of a scale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Level {
    /// Stable key, sent by the ballot form: `satisfied`. ASCII letters, digits, `_`, `-`.
    pub key: String,
    /// What a deputy reads: `满意`.
    pub label: String,
    /// Score weight, 0–100: `100`.
    pub weight: f64,
}

impl Level {
    /// A level from its parts.
    pub fn new(key: &str, label: &str, weight: f64) -> Level {
        Level {
            key: key.to_owned(),
            label: label.to_owned(),
            weight,
        }
    }
}

/// A rating scale. The order of `levels` is the display order, best first; a level is
/// stored as its index.
///
/// Deserializing does not validate: call [`Scale::validate`] on a scale read from outside.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scale {
    pub levels: Vec<Level>,
}

impl Default for Scale {
    fn default() -> Scale {
        Scale::three_level()
    }
}

impl Scale {
    /// 满意 100 / 基本满意 60 / 不满意 0: the usual congress scale.
    pub fn three_level() -> Scale {
        Scale {
            levels: vec![
                Level::new("satisfied", "满意", 100.0),
                Level::new("basic", "基本满意", 60.0),
                Level::new("dissatisfied", "不满意", 0.0),
            ],
        }
    }

    /// 满意 100 / 比较满意 80 / 基本满意 60 / 不满意 0, as some places use.
    pub fn four_level() -> Scale {
        Scale {
            levels: vec![
                Level::new("satisfied", "满意", 100.0),
                Level::new("fairly", "比较满意", 80.0),
                Level::new("basic", "基本满意", 60.0),
                Level::new("dissatisfied", "不满意", 0.0),
            ],
        }
    }

    /// Checks a scale before a round uses it. The message is Chinese, for the office that
    /// configures the round.
    ///
    /// Rules: 2–7 levels; keys non-empty, at most 32 ASCII letters, digits, `_` or `-`, unique;
    /// labels non-empty (after trimming), at most 20 characters, no control characters, unique;
    /// weights finite, in 0–100, and not increasing (best first).
    pub fn validate(&self) -> Result<(), String> {
        let n = self.levels.len();
        if !(MIN_LEVELS..=MAX_LEVELS).contains(&n) {
            return Err(format!(
                "评价等级应为{MIN_LEVELS}至{MAX_LEVELS}个，现在是{n}个。"
            ));
        }
        for (i, level) in self.levels.iter().enumerate() {
            let no = i + 1;
            if level.key.is_empty() {
                return Err(format!("第{no}个等级缺少标识（key）。"));
            }
            if level.key.len() > MAX_KEY_LEN
                || !level
                    .key
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            {
                return Err(format!(
                    "第{no}个等级的标识（key）只能由不超过{MAX_KEY_LEN}个英文字母、数字、下划线或连字符组成。"
                ));
            }
            let label = level.label.trim();
            if label.is_empty() {
                return Err(format!("第{no}个等级缺少名称。"));
            }
            if label.chars().count() > MAX_LABEL_CHARS || label.chars().any(char::is_control) {
                return Err(format!(
                    "第{no}个等级的名称应不超过{MAX_LABEL_CHARS}个字，且不含控制字符。"
                ));
            }
            if !level.weight.is_finite() || !(0.0..=100.0).contains(&level.weight) {
                return Err(format!("等级“{label}”的分值应在0到100之间。"));
            }
            for earlier in self.levels.iter().take(i) {
                if earlier.key == level.key {
                    return Err(format!("等级标识“{}”重复。", level.key));
                }
                if earlier.label.trim() == label {
                    return Err(format!("等级名称“{label}”重复。"));
                }
            }
            if let Some(previous) = i.checked_sub(1).and_then(|p| self.levels.get(p))
                && previous.weight < level.weight
            {
                return Err(format!(
                    "等级应按从好到差排列：“{}”的分值不应低于“{label}”。",
                    previous.label.trim()
                ));
            }
        }
        Ok(())
    }

    /// The index of the level with this key.
    pub fn index_of(&self, key: &str) -> Option<u8> {
        self.levels
            .iter()
            .position(|l| l.key == key)
            .and_then(|i| u8::try_from(i).ok())
    }

    /// The level stored as `index`.
    pub fn level(&self, index: u8) -> Option<&Level> {
        self.levels.get(usize::from(index))
    }

    /// The label of the level stored as `index`.
    pub fn label(&self, index: u8) -> Option<&str> {
        self.level(index).map(|l| l.label.as_str())
    }

    /// The weight of the level stored as `index`.
    pub fn weight(&self, index: u8) -> Option<f64> {
        self.level(index).map(|l| l.weight)
    }

    /// Number of levels.
    pub fn len(&self) -> usize {
        self.levels.len()
    }

    /// Whether the scale has no level (never true of a valid scale).
    pub fn is_empty(&self) -> bool {
        self.levels.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_scales_are_valid_and_as_specified() {
        let three = Scale::three_level();
        assert_eq!(three.validate(), Ok(()));
        assert_eq!(three.len(), 3);
        assert!(!three.is_empty());
        let got: Vec<(&str, &str, f64)> = three
            .levels
            .iter()
            .map(|l| (l.key.as_str(), l.label.as_str(), l.weight))
            .collect();
        assert_eq!(
            got,
            [
                ("satisfied", "满意", 100.0),
                ("basic", "基本满意", 60.0),
                ("dissatisfied", "不满意", 0.0)
            ]
        );
        let four = Scale::four_level();
        assert_eq!(four.validate(), Ok(()));
        let got: Vec<(&str, f64)> = four
            .levels
            .iter()
            .map(|l| (l.label.as_str(), l.weight))
            .collect();
        assert_eq!(
            got,
            [
                ("满意", 100.0),
                ("比较满意", 80.0),
                ("基本满意", 60.0),
                ("不满意", 0.0)
            ]
        );
        assert_eq!(Scale::default(), three);
    }

    #[test]
    fn index_of_and_lookups() {
        let s = Scale::three_level();
        assert_eq!(s.index_of("satisfied"), Some(0));
        assert_eq!(s.index_of("basic"), Some(1));
        assert_eq!(s.index_of("dissatisfied"), Some(2));
        assert_eq!(s.index_of("Satisfied"), None);
        assert_eq!(s.index_of(""), None);
        assert_eq!(s.label(1), Some("基本满意"));
        assert_eq!(s.weight(2), Some(0.0));
        assert_eq!(s.level(3), None);
        assert_eq!(s.label(255), None);
        let f = Scale::four_level();
        assert_eq!(f.index_of("fairly"), Some(1));
        assert_eq!(f.index_of("basic"), Some(2));
    }

    #[test]
    fn json_round_trip() {
        for s in [Scale::three_level(), Scale::four_level()] {
            let json = serde_json::to_string(&s).unwrap();
            let back: Scale = serde_json::from_str(&json).unwrap();
            assert_eq!(back, s);
        }
        let json = r#"{"levels":[{"key":"yes","label":"满意","weight":100},{"key":"no","label":"不满意","weight":0}]}"#;
        let s: Scale = serde_json::from_str(json).unwrap();
        assert_eq!(s.validate(), Ok(()));
        assert_eq!(s.index_of("no"), Some(1));
        assert_eq!(
            serde_json::to_string(&Scale::three_level()).unwrap(),
            r#"{"levels":[{"key":"satisfied","label":"满意","weight":100.0},{"key":"basic","label":"基本满意","weight":60.0},{"key":"dissatisfied","label":"不满意","weight":0.0}]}"#
        );
    }

    #[test]
    fn validate_rejects_bad_scales() {
        fn with(f: impl FnOnce(&mut Vec<Level>)) -> Scale {
            let mut s = Scale::three_level();
            f(&mut s.levels);
            s
        }
        let eight: Vec<Level> = (0..8)
            .map(|i| {
                Level::new(
                    &format!("k{i}"),
                    &format!("等级{i}"),
                    f64::from(100 - i * 10),
                )
            })
            .collect();
        let seven = Scale {
            levels: eight[..7].to_vec(),
        };
        assert_eq!(seven.validate(), Ok(()));
        let cases: Vec<(&str, Scale, &str)> = vec![
            (
                "none",
                Scale { levels: vec![] },
                "评价等级应为2至7个，现在是0个。",
            ),
            (
                "one",
                with(|l| l.truncate(1)),
                "评价等级应为2至7个，现在是1个。",
            ),
            (
                "eight",
                Scale { levels: eight },
                "评价等级应为2至7个，现在是8个。",
            ),
            (
                "empty key",
                with(|l| l[1].key.clear()),
                "第2个等级缺少标识（key）。",
            ),
            (
                "key with space",
                with(|l| l[1].key = "so so".into()),
                "第2个等级的标识（key）只能由不超过32个英文字母、数字、下划线或连字符组成。",
            ),
            (
                "key with '='",
                with(|l| l[0].key = "a=b".into()),
                "第1个等级的标识（key）只能由不超过32个英文字母、数字、下划线或连字符组成。",
            ),
            (
                "long key",
                with(|l| l[0].key = "k".repeat(33)),
                "第1个等级的标识（key）只能由不超过32个英文字母、数字、下划线或连字符组成。",
            ),
            (
                "duplicate key",
                with(|l| l[2].key = "satisfied".into()),
                "等级标识“satisfied”重复。",
            ),
            (
                "empty label",
                with(|l| l[2].label = " \u{3000}".into()),
                "第3个等级缺少名称。",
            ),
            (
                "control in label",
                with(|l| l[2].label = "不\n满意".into()),
                "第3个等级的名称应不超过20个字，且不含控制字符。",
            ),
            (
                "duplicate label",
                with(|l| l[1].label = " 满意".into()),
                "等级名称“满意”重复。",
            ),
            (
                "NaN weight",
                with(|l| l[1].weight = f64::NAN),
                "等级“基本满意”的分值应在0到100之间。",
            ),
            (
                "infinite weight",
                with(|l| l[0].weight = f64::INFINITY),
                "等级“满意”的分值应在0到100之间。",
            ),
            (
                "negative weight",
                with(|l| l[2].weight = -1.0),
                "等级“不满意”的分值应在0到100之间。",
            ),
            (
                "weight over 100",
                with(|l| l[0].weight = 100.5),
                "等级“满意”的分值应在0到100之间。",
            ),
            (
                "worst first",
                with(|l| l.reverse()),
                "等级应按从好到差排列：“不满意”的分值不应低于“基本满意”。",
            ),
        ];
        for (name, scale, message) in cases {
            assert_eq!(scale.validate(), Err(message.to_owned()), "{name}");
        }
    }
}
