//! Tests of the results engine: tables of cases whose expectations were computed by hand; the
//! arithmetic is in the comment beside each literal. Floats are compared within 1e-9.

use super::*;
use crate::ballot::scale::{Level, Scale};
use crate::message::Bilingual;

const EPS: f64 = 1e-9;

#[track_caller]
fn assert_close(got: Option<f64>, want: Option<f64>, what: &str) {
    match (got, want) {
        (None, None) => {}
        (Some(g), Some(w)) if (g - w).abs() <= EPS => {}
        _ => panic!("{what}: got {got:?}, want {want:?}"),
    }
}

#[track_caller]
fn assert_f(got: f64, want: f64, what: &str) {
    assert!((got - want).abs() <= EPS, "{what}: got {got}, want {want}");
}

#[track_caller]
fn resolve(scale: &Scale, config: &ResultsConfig) -> ResolvedConfig {
    match config.resolve(scale) {
        Ok(r) => r,
        Err(e) => panic!("config should resolve: {e}"),
    }
}

fn with_denominator(denominator: Denominator) -> ResultsConfig {
    ResultsConfig {
        denominator,
        ..ResultsConfig::default()
    }
}

#[track_caller]
fn rate_ok(resolved: &ResolvedConfig, counts: &[u64], not_rated: u64) -> RatingResult {
    match rate(resolved, &ItemCounts::new("t1", counts.to_vec(), not_rated)) {
        Ok(r) => r,
        Err(e) => panic!("counts {counts:?} should rate: {e}"),
    }
}

/// 办理质量 50 / 办理进度 30 / 办理成效 20.
fn three_indicators() -> Indicators {
    Indicators::new(&[("办理质量", 50.0), ("办理进度", 30.0), ("办理成效", 20.0)])
}

fn sheet(evaluator: &str, item: &str, scores: &[Option<f64>]) -> EvaluatorSheet {
    EvaluatorSheet::new(evaluator, item, scores.to_vec())
}

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------

#[test]
fn config_defaults_and_json() {
    let c = ResultsConfig::default();
    assert_eq!(c.denominator, Denominator::ValidBallots);
    assert_eq!(c.satisfied_levels, None);
    assert_eq!(c.level_weights, None);
    assert_eq!(c.group_weights, (60.0, 40.0));
    assert_f(c.rework_threshold, 0.80, "rework threshold");
    assert!(!c.trim);
    assert_eq!(c.validate(), Ok(()));

    let json = serde_json::to_string(&c).unwrap();
    assert_eq!(
        json,
        r#"{"denominator":"valid_ballots","satisfied_levels":null,"level_weights":null,"group_weights":[60.0,40.0],"rework_threshold":0.8,"trim":false}"#
    );
    let back: ResultsConfig = serde_json::from_str(&json).unwrap();
    assert_eq!(back, c);
    let empty: ResultsConfig = serde_json::from_str("{}").unwrap();
    assert_eq!(empty, c);
    let partial: ResultsConfig =
        serde_json::from_str(r#"{"denominator":{"present":120},"trim":true}"#).unwrap();
    assert_eq!(partial.denominator, Denominator::Present(120));
    assert!(partial.trim);
    assert_eq!(partial.group_weights, (60.0, 40.0));
    let invited: ResultsConfig =
        serde_json::from_str(r#"{"denominator":{"invited":300},"satisfied_levels":[0,1,2]}"#)
            .unwrap();
    assert_eq!(invited.denominator, Denominator::Invited(300));
    assert_eq!(invited.satisfied_levels, Some(vec![0, 1, 2]));

    assert_eq!(Denominator::ValidBallots.label(), "有效票数");
    assert_eq!(Denominator::Invited(3).label(), "应到代表人数");
    assert_eq!(Denominator::Present(3).label(), "实到代表人数");
}

#[test]
fn config_validate_table() {
    fn with(f: impl FnOnce(&mut ResultsConfig)) -> ResultsConfig {
        let mut c = ResultsConfig::default();
        f(&mut c);
        c
    }
    let ok: Vec<(&str, ResultsConfig)> = vec![
        ("default", ResultsConfig::default()),
        (
            "invited 1",
            with(|c| c.denominator = Denominator::Invited(1)),
        ),
        (
            "present 500",
            with(|c| c.denominator = Denominator::Present(500)),
        ),
        ("evaluators only", with(|c| c.group_weights = (0.0, 100.0))),
        ("deputies only", with(|c| c.group_weights = (100.0, 0.0))),
        ("threshold 0", with(|c| c.rework_threshold = 0.0)),
        ("threshold 1", with(|c| c.rework_threshold = 1.0)),
        ("threshold 95%", with(|c| c.rework_threshold = 0.95)),
        (
            "first level only",
            with(|c| c.satisfied_levels = Some(vec![0])),
        ),
        (
            "weights 0 and 100",
            with(|c| c.level_weights = Some(vec![100.0, 0.0, 0.0])),
        ),
        ("trim", with(|c| c.trim = true)),
    ];
    for (name, config) in ok {
        assert_eq!(config.validate(), Ok(()), "{name}");
    }

    let bad: Vec<(&str, ResultsConfig, ConfigError, &str)> = vec![
        (
            "invited 0",
            with(|c| c.denominator = Denominator::Invited(0)),
            ConfigError::ZeroDenominator,
            "应到或实到代表人数不能为0。The number of deputies invited or present must not be 0.",
        ),
        (
            "present 0",
            with(|c| c.denominator = Denominator::Present(0)),
            ConfigError::ZeroDenominator,
            "应到或实到代表人数不能为0。The number of deputies invited or present must not be 0.",
        ),
        (
            "no satisfied level",
            with(|c| c.satisfied_levels = Some(vec![])),
            ConfigError::SatisfiedLevelsEmpty,
            "计入满意率的等级不能为空。At least one level must count as satisfied for the satisfaction rate.",
        ),
        (
            "satisfied level twice",
            with(|c| c.satisfied_levels = Some(vec![0, 1, 1])),
            ConfigError::SatisfiedLevelRepeated { level: 1 },
            "计入满意率的等级1重复。Satisfied level 1 is listed more than once.",
        ),
        (
            "satisfied levels without 满意",
            with(|c| c.satisfied_levels = Some(vec![1])),
            ConfigError::SatisfiedLevelsWithoutFirst,
            "计入满意率的等级必须包含第一个等级（满意）。The satisfied levels must include the first level (满意).",
        ),
        (
            "negative level weight",
            with(|c| c.level_weights = Some(vec![100.0, 60.0, -1.0])),
            ConfigError::LevelWeightOutOfRange {
                index: 2,
                weight: -1.0,
            },
            "第3个等级的分值应在0到100之间，现在是-1。Level weight 3 must be between 0 and 100; it is -1.",
        ),
        (
            "level weight over 100",
            with(|c| c.level_weights = Some(vec![120.0, 60.0, 0.0])),
            ConfigError::LevelWeightOutOfRange {
                index: 0,
                weight: 120.0,
            },
            "第1个等级的分值应在0到100之间，现在是120。Level weight 1 must be between 0 and 100; it is 120.",
        ),
        (
            "negative group weight",
            with(|c| c.group_weights = (-1.0, 40.0)),
            ConfigError::GroupWeightInvalid {
                deputies: -1.0,
                evaluators: 40.0,
            },
            "代表和评估机构的权重应在0到100之间，现在是-1和40。The deputies' and evaluators' weights must be between 0 and 100; they are -1 and 40.",
        ),
        (
            "group weight over 100",
            with(|c| c.group_weights = (60.0, 140.0)),
            ConfigError::GroupWeightInvalid {
                deputies: 60.0,
                evaluators: 140.0,
            },
            "代表和评估机构的权重应在0到100之间，现在是60和140。The deputies' and evaluators' weights must be between 0 and 100; they are 60 and 140.",
        ),
        (
            "both group weights 0",
            with(|c| c.group_weights = (0.0, 0.0)),
            ConfigError::GroupWeightsZero,
            "代表和评估机构的权重不能都为0。The deputies' and evaluators' weights must not both be 0.",
        ),
        (
            "threshold over 1 (a percent given as a number)",
            with(|c| c.rework_threshold = 80.0),
            ConfigError::ReworkThresholdInvalid { threshold: 80.0 },
            "需重新办理的满意率标准应在0到1之间，现在是80。The rework threshold must be a rate between 0 and 1; it is 80.",
        ),
        (
            "negative threshold",
            with(|c| c.rework_threshold = -0.1),
            ConfigError::ReworkThresholdInvalid { threshold: -0.1 },
            "需重新办理的满意率标准应在0到1之间，现在是-0.1。The rework threshold must be a rate between 0 and 1; it is -0.1.",
        ),
    ];
    for (name, config, error, message) in bad {
        assert_eq!(config.validate(), Err(error.clone()), "{name}");
        assert_eq!(both(&error), message, "{name}");
    }

    // NaN compares unequal to itself, so these are matched by variant.
    for (name, config) in [
        (
            "NaN level weight",
            with(|c| c.level_weights = Some(vec![100.0, f64::NAN, 0.0])),
        ),
        (
            "NaN group weight",
            with(|c| c.group_weights = (f64::NAN, 40.0)),
        ),
        (
            "infinite group weight",
            with(|c| c.group_weights = (f64::INFINITY, 40.0)),
        ),
        ("NaN threshold", with(|c| c.rework_threshold = f64::NAN)),
    ] {
        let err = config.validate().expect_err(name);
        assert!(
            matches!(
                err,
                ConfigError::LevelWeightOutOfRange { index: 1, .. }
                    | ConfigError::GroupWeightInvalid { .. }
                    | ConfigError::ReworkThresholdInvalid { .. }
            ),
            "{name}: {err:?}"
        );
    }
}

#[test]
fn resolve_against_the_scale() {
    let three = Scale::three_level();
    let four = Scale::four_level();
    let d = ResultsConfig::default();

    let r = resolve(&three, &d);
    assert_eq!(r.satisfied_levels, vec![0, 1]); // all but the last: 满意 + 基本满意
    assert_eq!(r.level_weights, vec![100.0, 60.0, 0.0]);
    let r = resolve(&four, &d);
    assert_eq!(r.satisfied_levels, vec![0, 1, 2]); // 满意 + 比较满意 + 基本满意
    assert_eq!(r.level_weights, vec![100.0, 80.0, 60.0, 0.0]);
    let two = Scale {
        levels: vec![
            Level::new("yes", "满意", 100.0),
            Level::new("no", "不满意", 0.0),
        ],
    };
    assert_eq!(resolve(&two, &d).satisfied_levels, vec![0]);

    let sorted = ResultsConfig {
        satisfied_levels: Some(vec![1, 0]),
        ..d.clone()
    };
    assert_eq!(resolve(&four, &sorted).satisfied_levels, vec![0, 1]);

    let cases: Vec<(&str, Scale, ResultsConfig, ResultsError, &str)> = vec![
        (
            "satisfied level beyond a three-level scale",
            three.clone(),
            ResultsConfig {
                satisfied_levels: Some(vec![0, 3]),
                ..d.clone()
            },
            ConfigError::SatisfiedLevelOutOfScale {
                level: 3,
                levels: 3,
            }
            .into(),
            "计入满意率的等级3不在评价等级中（共3个等级，从0编号）。Satisfied level 3 is not on the scale, which has 3 levels numbered from 0.",
        ),
        (
            "four weights on a three-level scale",
            three.clone(),
            ResultsConfig {
                level_weights: Some(vec![100.0, 80.0, 60.0, 0.0]),
                ..d.clone()
            },
            ConfigError::LevelWeightsLength {
                expected: 3,
                got: 4,
            }
            .into(),
            "等级分值应有3个，与评价等级一一对应，现在是4个。There must be 3 level weights, one per level; there are 4.",
        ),
        (
            "an empty scale",
            Scale { levels: vec![] },
            d.clone(),
            ResultsError::Scale("评价等级应为2至7个，现在是0个。".to_owned()),
            "评价等级设置有误：评价等级应为2至7个，现在是0个。The rating scale is invalid.",
        ),
        (
            "a bad config on a good scale",
            three.clone(),
            with_denominator(Denominator::Invited(0)),
            ConfigError::ZeroDenominator.into(),
            "应到或实到代表人数不能为0。The number of deputies invited or present must not be 0.",
        ),
    ];
    for (name, scale, config, error, message) in cases {
        assert_eq!(config.resolve(&scale), Err(error.clone()), "{name}");
        assert_eq!(both(&error), message, "{name}");
    }
}

// ---------------------------------------------------------------------------------------------
// Deputies: counts, N, 满意率, score, class
// ---------------------------------------------------------------------------------------------

struct RateCase {
    name: &'static str,
    denominator: Denominator,
    counts: [u64; 3],
    not_rated: u64,
    valid: u64,
    n: u64,
    satisfied: u64,
    rate: Option<f64>,
    score: Option<f64>,
    class: Option<Classification>,
}

#[test]
fn three_level_rate_table_with_each_denominator() {
    use Classification::{Basic, Dissatisfied, Satisfied};
    use Denominator::{Invited, Present, ValidBallots};
    let cases = [
        RateCase {
            name: "zero ballots",
            denominator: ValidBallots,
            counts: [0, 0, 0],
            not_rated: 0,
            valid: 0,
            n: 0,
            satisfied: 0,
            rate: None, // 0 / 0: undefined
            score: None,
            class: None, // N = 0: no class
        },
        RateCase {
            name: "every ballot left the item blank",
            denominator: ValidBallots,
            counts: [0, 0, 0],
            not_rated: 12,
            valid: 0,
            n: 0,
            satisfied: 0,
            rate: None,
            score: None,
            class: None,
        },
        RateCase {
            name: "nobody rated it, N = invited: still no data",
            denominator: Invited(40),
            counts: [0, 0, 0],
            not_rated: 12,
            valid: 0,
            n: 40,
            satisfied: 0,
            rate: None,
            score: None,
            class: None,
        },
        RateCase {
            name: "满意 exactly half is not over half → 基本满意",
            denominator: ValidBallots,
            counts: [5, 3, 2],
            not_rated: 0,
            valid: 10,
            n: 10,
            satisfied: 8,
            rate: Some(0.8),    // (5 + 3) / 10
            score: Some(68.0),  // (5×100 + 3×60 + 2×0) / 10 = 680 / 10
            class: Some(Basic), // 2×5 = 10 ≯ 10; 2×8 = 16 > 10
        },
        RateCase {
            name: "满意 just over half → 满意",
            denominator: ValidBallots,
            counts: [6, 2, 2],
            not_rated: 0,
            valid: 10,
            n: 10,
            satisfied: 8,
            rate: Some(0.8),        // (6 + 2) / 10
            score: Some(72.0),      // (600 + 120 + 0) / 10
            class: Some(Satisfied), // 2×6 = 12 > 10
        },
        RateCase {
            name: "满意 + 基本满意 exactly half → 不满意",
            denominator: ValidBallots,
            counts: [3, 2, 5],
            not_rated: 0,
            valid: 10,
            n: 10,
            satisfied: 5,
            rate: Some(0.5),           // 5 / 10
            score: Some(42.0),         // (300 + 120 + 0) / 10
            class: Some(Dissatisfied), // 2×3 = 6 ≯ 10; 2×5 = 10 ≯ 10
        },
        RateCase {
            name: "all 不满意",
            denominator: ValidBallots,
            counts: [0, 0, 7],
            not_rated: 0,
            valid: 7,
            n: 7,
            satisfied: 0,
            rate: Some(0.0),
            score: Some(0.0),
            class: Some(Dissatisfied),
        },
        RateCase {
            name: "odd N",
            denominator: ValidBallots,
            counts: [4, 0, 3],
            not_rated: 0,
            valid: 7,
            n: 7,
            satisfied: 4,
            rate: Some(0.571_428_571_428_571_4), // 4 / 7
            score: Some(57.142_857_142_857_14),  // 400 / 7
            class: Some(Satisfied),              // 2×4 = 8 > 7
        },
        RateCase {
            name: "N = valid ballots (the default)",
            denominator: ValidBallots,
            counts: [8, 4, 2],
            not_rated: 1,
            valid: 14,
            n: 14,
            satisfied: 12,
            rate: Some(0.857_142_857_142_857_1), // 12 / 14
            score: Some(74.285_714_285_714_29),  // (800 + 240 + 0) / 14 = 1040 / 14
            class: Some(Satisfied),              // 2×8 = 16 > 14
        },
        RateCase {
            name: "N = invited, equal to the valid ballots",
            denominator: Invited(14),
            counts: [8, 4, 2],
            not_rated: 1,
            valid: 14,
            n: 14,
            satisfied: 12,
            rate: Some(0.857_142_857_142_857_1), // 12 / 14
            score: Some(74.285_714_285_714_29),  // 1040 / 14
            class: Some(Satisfied),
        },
        RateCase {
            name: "N = present 15",
            denominator: Present(15),
            counts: [8, 4, 2],
            not_rated: 1,
            valid: 14,
            n: 15,
            satisfied: 12,
            rate: Some(0.8),                    // 12 / 15
            score: Some(74.285_714_285_714_29), // score stays on valid ballots: 1040 / 14
            class: Some(Satisfied),             // 2×8 = 16 > 15
        },
        RateCase {
            name: "N = present 16: 满意 exactly half",
            denominator: Present(16),
            counts: [8, 4, 2],
            not_rated: 1,
            valid: 14,
            n: 16,
            satisfied: 12,
            rate: Some(0.75), // 12 / 16
            score: Some(74.285_714_285_714_29),
            class: Some(Basic), // 2×8 = 16 ≯ 16; 2×12 = 24 > 16
        },
        RateCase {
            name: "N = invited 23",
            denominator: Invited(23),
            counts: [8, 4, 2],
            not_rated: 1,
            valid: 14,
            n: 23,
            satisfied: 12,
            rate: Some(0.521_739_130_434_782_6), // 12 / 23
            score: Some(74.285_714_285_714_29),
            class: Some(Basic), // 16 ≯ 23; 24 > 23
        },
        RateCase {
            name: "N = invited 24: satisfied levels exactly half",
            denominator: Invited(24),
            counts: [8, 4, 2],
            not_rated: 1,
            valid: 14,
            n: 24,
            satisfied: 12,
            rate: Some(0.5), // 12 / 24
            score: Some(74.285_714_285_714_29),
            class: Some(Dissatisfied), // 16 ≯ 24; 24 ≯ 24
        },
        RateCase {
            name: "N = invited 30",
            denominator: Invited(30),
            counts: [8, 4, 2],
            not_rated: 1,
            valid: 14,
            n: 30,
            satisfied: 12,
            rate: Some(0.4), // 12 / 30
            score: Some(74.285_714_285_714_29),
            class: Some(Dissatisfied),
        },
    ];
    let scale = Scale::three_level();
    for c in cases {
        let r = resolve(&scale, &with_denominator(c.denominator));
        let got = rate_ok(&r, &c.counts, c.not_rated);
        assert_eq!(got.counts, c.counts.to_vec(), "{}", c.name);
        assert_eq!(got.not_rated, c.not_rated, "{}", c.name);
        assert_eq!(got.ballots, c.valid + c.not_rated, "{}", c.name);
        assert_eq!(got.valid, c.valid, "{}", c.name);
        assert_eq!(got.n, c.n, "{}", c.name);
        assert_eq!(got.first_level, c.counts[0], "{}", c.name);
        assert_eq!(got.satisfied, c.satisfied, "{}", c.name);
        assert_close(got.satisfaction_rate, c.rate, c.name);
        assert_close(got.satisfaction_score, c.score, c.name);
        assert_eq!(got.classification, c.class, "{}", c.name);
        assert_eq!(got.has_data(), c.valid > 0, "{}", c.name);
        // Recomputable from what is shown.
        if let Some(score) = got.satisfaction_score {
            assert_f(score, got.weighted_sum / got.valid as f64, c.name);
        }
        if let Some(rate) = got.satisfaction_rate {
            assert_f(rate, got.satisfied as f64 / got.n as f64, c.name);
        }
    }
}

#[test]
fn four_level_scale_and_overrides() {
    use Classification::{Basic, Dissatisfied, Satisfied};
    struct Case {
        name: &'static str,
        scale: Scale,
        satisfied_levels: Option<Vec<u8>>,
        level_weights: Option<Vec<f64>>,
        counts: Vec<u64>,
        satisfied: u64,
        rate: f64,
        score: f64,
        class: Classification,
    }
    let cases = [
        Case {
            name: "four levels, defaults",
            scale: Scale::four_level(),
            satisfied_levels: None,
            level_weights: None,
            counts: vec![4, 3, 2, 1],
            satisfied: 9, // 4 + 3 + 2 (满意 + 比较满意 + 基本满意)
            rate: 0.9,    // 9 / 10
            score: 76.0,  // (4×100 + 3×80 + 2×60 + 1×0) / 10 = 760 / 10
            class: Basic, // 2×4 = 8 ≯ 10; 2×9 = 18 > 10
        },
        Case {
            name: "four levels, 满意 over half",
            scale: Scale::four_level(),
            satisfied_levels: None,
            level_weights: None,
            counts: vec![6, 1, 1, 2],
            satisfied: 8,     // 6 + 1 + 1
            rate: 0.8,        // 8 / 10
            score: 74.0,      // (600 + 80 + 60 + 0) / 10
            class: Satisfied, // 2×6 = 12 > 10
        },
        Case {
            name: "four levels, mostly 不满意",
            scale: Scale::four_level(),
            satisfied_levels: None,
            level_weights: None,
            counts: vec![2, 1, 1, 6],
            satisfied: 4,        // 2 + 1 + 1
            rate: 0.4,           // 4 / 10
            score: 34.0,         // (200 + 80 + 60 + 0) / 10
            class: Dissatisfied, // 2×4 = 8 ≯ 10
        },
        Case {
            name: "four levels, only 满意 + 比较满意 count",
            scale: Scale::four_level(),
            satisfied_levels: Some(vec![0, 1]),
            level_weights: None,
            counts: vec![4, 3, 2, 1],
            satisfied: 7, // 4 + 3
            rate: 0.7,    // 7 / 10
            score: 76.0,  // weights unchanged: 760 / 10
            class: Basic, // 2×7 = 14 > 10
        },
        Case {
            name: "four levels, only 满意 + 比较满意 count, not over half",
            scale: Scale::four_level(),
            satisfied_levels: Some(vec![0, 1]),
            level_weights: None,
            counts: vec![3, 2, 4, 1],
            satisfied: 5,        // 3 + 2
            rate: 0.5,           // 5 / 10
            score: 70.0,         // (300 + 160 + 240 + 0) / 10
            class: Dissatisfied, // 2×5 = 10 ≯ 10
        },
        Case {
            name: "four levels, weights overridden",
            scale: Scale::four_level(),
            satisfied_levels: None,
            level_weights: Some(vec![100.0, 90.0, 50.0, 0.0]),
            counts: vec![4, 3, 2, 1],
            satisfied: 9,
            rate: 0.9,
            score: 77.0, // (400 + 270 + 100 + 0) / 10
            class: Basic,
        },
        Case {
            name: "three levels, weights overridden",
            scale: Scale::three_level(),
            satisfied_levels: None,
            level_weights: Some(vec![100.0, 50.0, 0.0]),
            counts: vec![5, 3, 2],
            satisfied: 8,
            rate: 0.8,
            score: 65.0, // (500 + 150 + 0) / 10
            class: Basic,
        },
    ];
    for c in cases {
        let config = ResultsConfig {
            satisfied_levels: c.satisfied_levels,
            level_weights: c.level_weights,
            ..ResultsConfig::default()
        };
        let got = rate_ok(&resolve(&c.scale, &config), &c.counts, 0);
        assert_eq!(got.valid, 10, "{}", c.name);
        assert_eq!(got.satisfied, c.satisfied, "{}", c.name);
        assert_close(got.satisfaction_rate, Some(c.rate), c.name);
        assert_close(got.satisfaction_score, Some(c.score), c.name);
        assert_eq!(got.classification, Some(c.class), "{}", c.name);
    }
}

#[test]
fn bad_counts_are_errors() {
    let scale = Scale::three_level();
    let valid = resolve(&scale, &ResultsConfig::default());
    let present = resolve(&scale, &with_denominator(Denominator::Present(10)));
    /// (name, method, counts, not rated, error, message)
    type Case<'a> = (
        &'a str,
        &'a ResolvedConfig,
        Vec<u64>,
        u64,
        CountsError,
        &'a str,
    );
    let cases: Vec<Case> = vec![
        (
            "two counts on a three-level scale",
            &valid,
            vec![1, 2],
            0,
            CountsError::WrongLevelCount {
                item: "t1".into(),
                expected: 3,
                got: 2,
            },
            "事项“t1”有2个等级的票数，评价等级为3个。Item t1 has counts for 2 levels; the scale has 3.",
        ),
        (
            "no counts at all",
            &valid,
            vec![],
            5,
            CountsError::WrongLevelCount {
                item: "t1".into(),
                expected: 3,
                got: 0,
            },
            "事项“t1”有0个等级的票数，评价等级为3个。Item t1 has counts for 0 levels; the scale has 3.",
        ),
        (
            "more valid ballots than deputies present",
            &present,
            vec![6, 4, 1],
            0,
            CountsError::TooManyBallots {
                item: "t1".into(),
                valid: 11, // 6 + 4 + 1 > 10
                n: 10,
            },
            "事项“t1”的有效票11张，多于测评基数10。Item t1 has 11 valid ballots, more than N = 10.",
        ),
        (
            "counts that overflow",
            &valid,
            vec![u64::MAX, 1, 0],
            0,
            CountsError::Overflow { item: "t1".into() },
            "事项“t1”的票数过大，无法合计。The counts of item t1 are too large to add up.",
        ),
        (
            "ballots that overflow",
            &valid,
            vec![u64::MAX, 0, 0],
            1,
            CountsError::Overflow { item: "t1".into() },
            "事项“t1”的票数过大，无法合计。The counts of item t1 are too large to add up.",
        ),
    ];
    for (name, resolved, counts, not_rated, error, message) in cases {
        let got = rate(resolved, &ItemCounts::new("t1", counts, not_rated));
        assert_eq!(got, Err(error.clone()), "{name}");
        assert_eq!(both(&error), message, "{name}");
    }

    // The largest counts that add up still work, without overflow in the majority rule.
    let huge = rate_ok(&valid, &[u64::MAX, 0, 0], 0);
    assert_eq!(huge.classification, Some(Classification::Satisfied));
    assert_close(huge.satisfaction_rate, Some(1.0), "huge rate");
    assert_close(huge.satisfaction_score, Some(100.0), "huge score");
    // Exactly N valid ballots is fine.
    let full = rate_ok(&present, &[6, 3, 1], 0);
    assert_eq!((full.valid, full.n), (10, 10));
}

#[test]
fn majority_rule_table() {
    use Classification::{Basic, Dissatisfied, Satisfied};
    let cases: [(u64, u64, u64, Option<Classification>); 12] = [
        (0, 0, 0, None),                   // N = 0
        (1, 1, 1, Some(Satisfied)),        // 2 > 1
        (1, 1, 2, Some(Dissatisfied)),     // 2 ≯ 2 twice
        (0, 1, 1, Some(Basic)),            // 0 ≯ 1; 2 > 1
        (2, 2, 3, Some(Satisfied)),        // 4 > 3
        (1, 2, 3, Some(Basic)),            // 2 ≯ 3; 4 > 3
        (1, 1, 3, Some(Dissatisfied)),     // 2 ≯ 3 twice
        (50, 50, 100, Some(Dissatisfied)), // 100 ≯ 100: exactly half
        (50, 51, 100, Some(Basic)),        // 100 ≯ 100; 102 > 100
        (51, 51, 100, Some(Satisfied)),    // 102 > 100
        (0, 0, 100, Some(Dissatisfied)),
        (u64::MAX, u64::MAX, u64::MAX, Some(Satisfied)), // computed in u128
    ];
    for (first, satisfied, n, want) in cases {
        assert_eq!(
            classify(first, satisfied, n),
            want,
            "classify({first}, {satisfied}, {n})"
        );
    }
    assert_eq!(Classification::Satisfied.label(), "满意");
    assert_eq!(Classification::Basic.label(), "基本满意");
    assert_eq!(Classification::Dissatisfied.label(), "不满意");
}

// ---------------------------------------------------------------------------------------------
// Evaluators
// ---------------------------------------------------------------------------------------------

#[test]
fn indicator_set_validation() {
    let ok = [
        three_indicators(),
        Indicators::new(&[("甲", 33.3), ("乙", 33.3), ("丙", 33.4)]), // float sum within 1e-6
        Indicators::new(&[("综合", 100.0)]),
        Indicators::new(&[("甲", 100.0), ("乙", 0.0)]), // a zero weight is allowed
    ];
    for set in ok {
        assert_eq!(set.validate(), Ok(()), "{set:?}");
    }
    let cases: Vec<(&str, Indicators, IndicatorError, &str)> = vec![
        (
            "empty",
            Indicators::default(),
            IndicatorError::Empty,
            "指标体系中没有指标。The indicator set has no indicator.",
        ),
        (
            "blank name",
            Indicators::new(&[("甲", 50.0), (" \u{3000}", 50.0)]),
            IndicatorError::EmptyName { index: 1 },
            "第2个指标缺少名称。Indicator 2 has no name.",
        ),
        (
            "duplicate name (after trimming)",
            Indicators::new(&[("办理质量", 50.0), (" 办理质量 ", 50.0)]),
            IndicatorError::DuplicateName {
                name: "办理质量".into(),
            },
            "指标名称“办理质量”重复。The indicator name “办理质量” is used more than once.",
        ),
        (
            "negative weight",
            Indicators::new(&[("甲", 110.0), ("乙", -10.0)]),
            IndicatorError::InvalidWeight {
                name: "乙".into(),
                weight: -10.0,
            },
            "指标“乙”的权重应为不小于0的数，现在是-10。The weight of indicator “乙” must be a number of at least 0; it is -10.",
        ),
        (
            "weights add up to 90",
            Indicators::new(&[("甲", 50.0), ("乙", 40.0)]), // 50 + 40 = 90
            IndicatorError::WeightsNotHundred { sum: 90.0 },
            "各指标权重之和应为100，现在是90。The indicator weights must add up to 100; they add up to 90.",
        ),
        (
            "weights add up to 110",
            Indicators::new(&[("甲", 60.0), ("乙", 30.0), ("丙", 20.0)]), // 60 + 30 + 20 = 110
            IndicatorError::WeightsNotHundred { sum: 110.0 },
            "各指标权重之和应为100，现在是110。The indicator weights must add up to 100; they add up to 110.",
        ),
        (
            "weights add up to 100.5",
            Indicators::new(&[("甲", 50.5), ("乙", 50.0)]),
            IndicatorError::WeightsNotHundred { sum: 100.5 },
            "各指标权重之和应为100，现在是100.5。The indicator weights must add up to 100; they add up to 100.5.",
        ),
    ];
    for (name, set, error, message) in cases {
        assert_eq!(set.validate(), Err(error.clone()), "{name}");
        assert_eq!(both(&error), message, "{name}");
    }
    for weight in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let set = Indicators::new(&[("甲", 100.0), ("乙", weight)]);
        assert!(
            matches!(set.validate(), Err(IndicatorError::InvalidWeight { ref name, .. }) if name == "乙"),
            "weight {weight}"
        );
    }
    // JSON: a plain list.
    assert_eq!(
        serde_json::to_string(&Indicators::new(&[("综合", 100.0)])).unwrap(),
        r#"[{"name":"综合","weight":100.0}]"#
    );
}

#[test]
fn weighted_scores_and_a_blank_indicator() {
    let set = three_indicators(); // 50 / 30 / 20
    let cases: [(&[Option<f64>], Option<f64>); 6] = [
        (&[Some(90.0), Some(80.0), Some(70.0)], Some(83.0)), // 45 + 24 + 14
        (&[Some(100.0), Some(90.0), Some(80.0)], Some(93.0)), // 50 + 27 + 16
        (&[Some(0.0), Some(0.0), Some(0.0)], Some(0.0)),
        (&[Some(95.0), None, Some(90.0)], None), // a blank: no score
        (&[Some(95.0), Some(90.0)], None),       // does not match the set
        (&[], None),
    ];
    for (scores, want) in cases {
        assert_close(weighted_score(&set, scores), want, &format!("{scores:?}"));
    }

    let sheets = [
        sheet("甲", "t1", &[Some(90.0), Some(80.0), Some(70.0)]), // 83
        sheet("乙", "t1", &[Some(100.0), Some(90.0), Some(80.0)]), // 93
        sheet("丙", "t1", &[Some(95.0), None, Some(90.0)]),       // blank: not counted
    ];
    let got = evaluate_item(&set, &sheets, false).unwrap();
    assert_eq!(got.lines.len(), 3);
    assert_close(got.lines[0].weighted, Some(83.0), "甲");
    assert_close(got.lines[1].weighted, Some(93.0), "乙");
    assert_close(got.lines[2].weighted, None, "丙");
    assert_eq!(got.lines[2].scores, vec![Some(95.0), None, Some(90.0)]);
    assert_eq!((got.complete, got.incomplete, got.used), (2, 1, 2));
    assert!(!got.trimmed);
    assert_f(got.sum, 176.0, "sum"); // 83 + 93
    assert_close(got.score, Some(88.0), "score"); // 176 / 2
    assert_eq!(got.grade, Some(Grade::Good)); // 80 ≤ 88 < 90
    assert!(got.has_data());
}

#[test]
fn trimming_four_versus_five_evaluators() {
    let set = Indicators::new(&[("综合", 100.0)]); // weighted = the score itself
    struct Case {
        name: &'static str,
        scores: Vec<Option<f64>>,
        trim: bool,
        trimmed: bool,
        used: usize,
        score: Option<f64>,
        grade: Option<Grade>,
        dropped: Vec<&'static str>,
    }
    let cases = [
        Case {
            name: "4 evaluators, trim on: fewer than 5, nothing dropped",
            scores: vec![Some(60.0), Some(70.0), Some(80.0), Some(100.0)],
            trim: true,
            trimmed: false,
            used: 4,
            score: Some(77.5), // (60 + 70 + 80 + 100) / 4 = 310 / 4
            grade: Some(Grade::Fair),
            dropped: vec![],
        },
        Case {
            name: "5 evaluators, trim on: highest and lowest dropped",
            scores: vec![Some(50.0), Some(70.0), Some(80.0), Some(90.0), Some(100.0)],
            trim: true,
            trimmed: true,
            used: 3,
            score: Some(80.0), // (70 + 80 + 90) / 3 = 240 / 3
            grade: Some(Grade::Good),
            dropped: vec!["e1", "e5"],
        },
        Case {
            name: "5 evaluators, trim off",
            scores: vec![Some(50.0), Some(70.0), Some(80.0), Some(90.0), Some(100.0)],
            trim: false,
            trimmed: false,
            used: 5,
            score: Some(78.0), // 390 / 5
            grade: Some(Grade::Fair),
            dropped: vec![],
        },
        Case {
            name: "5 sheets but one blank: 4 counted, nothing dropped",
            scores: vec![Some(50.0), Some(70.0), Some(80.0), Some(90.0), None],
            trim: true,
            trimmed: false,
            used: 4,
            score: Some(72.5), // (50 + 70 + 80 + 90) / 4 = 290 / 4
            grade: Some(Grade::Fair),
            dropped: vec![],
        },
        Case {
            name: "6 evaluators with ties: one of each end dropped",
            scores: vec![
                Some(90.0),
                Some(90.0),
                Some(90.0),
                Some(70.0),
                Some(70.0),
                Some(100.0),
            ],
            trim: true,
            trimmed: true,
            used: 4,
            score: Some(85.0), // drop e4 (70, first by name) and e6 (100): (90×3 + 70) / 4 = 340 / 4
            grade: Some(Grade::Good),
            dropped: vec!["e4", "e6"],
        },
        Case {
            name: "5 equal scores, trim on",
            scores: vec![Some(85.0); 5],
            trim: true,
            trimmed: true,
            used: 3,
            score: Some(85.0), // 255 / 3
            grade: Some(Grade::Good),
            dropped: vec!["e1", "e5"],
        },
        Case {
            name: "no evaluators",
            scores: vec![],
            trim: true,
            trimmed: false,
            used: 0,
            score: None,
            grade: None,
            dropped: vec![],
        },
        Case {
            name: "every evaluator left it blank",
            scores: vec![None, None],
            trim: false,
            trimmed: false,
            used: 0,
            score: None,
            grade: None,
            dropped: vec![],
        },
    ];
    for c in cases {
        let sheets: Vec<EvaluatorSheet> = c
            .scores
            .iter()
            .enumerate()
            .map(|(i, s)| sheet(&format!("e{}", i + 1), "u3", &[*s]))
            .collect();
        let got = evaluate_item(&set, &sheets, c.trim).unwrap();
        assert_eq!(got.trimmed, c.trimmed, "{}", c.name);
        assert_eq!(got.used, c.used, "{}", c.name);
        assert_close(got.score, c.score, c.name);
        assert_eq!(got.grade, c.grade, "{}", c.name);
        let dropped: Vec<&str> = got
            .lines
            .iter()
            .filter(|l| l.dropped)
            .map(|l| l.evaluator.as_str())
            .collect();
        assert_eq!(dropped, c.dropped, "{}", c.name);
        // Recomputable: the mean of the lines not dropped.
        let kept: Vec<f64> = got
            .lines
            .iter()
            .filter(|l| !l.dropped)
            .filter_map(|l| l.weighted)
            .collect();
        assert_eq!(kept.len(), got.used, "{}", c.name);
        if let Some(score) = got.score {
            assert_f(score, kept.iter().sum::<f64>() / kept.len() as f64, c.name);
            assert_f(got.sum, kept.iter().sum::<f64>(), c.name);
        }
    }
}

#[test]
fn out_of_range_and_malformed_scores_are_errors() {
    let set = three_indicators();
    let ok = [
        sheet("甲", "t1", &[Some(0.0), Some(100.0), None]), // bounds and a blank are fine
        sheet("甲", "t2", &[Some(50.0), Some(50.0), Some(50.0)]), // same evaluator, other item
    ];
    assert_eq!(validate_scores(&set, &ok), Ok(()));

    let cases: Vec<(&str, Vec<EvaluatorSheet>, ScoreError, &str)> = vec![
        (
            "over 100",
            vec![sheet("甲", "t1", &[Some(100.5), Some(90.0), Some(90.0)])],
            ScoreError::OutOfRange {
                evaluator: "甲".into(),
                item: "t1".into(),
                indicator: "办理质量".into(),
                score: 100.5,
            },
            "评估人“甲”对“t1”的“办理质量”打分100.5，应在0到100之间。Evaluator 甲 scored 100.5 on “办理质量” for t1; scores must be between 0 and 100.",
        ),
        (
            "negative",
            vec![sheet("乙", "u2", &[Some(80.0), Some(-1.0), None])],
            ScoreError::OutOfRange {
                evaluator: "乙".into(),
                item: "u2".into(),
                indicator: "办理进度".into(),
                score: -1.0,
            },
            "评估人“乙”对“u2”的“办理进度”打分-1，应在0到100之间。Evaluator 乙 scored -1 on “办理进度” for u2; scores must be between 0 and 100.",
        ),
        (
            "too few scores",
            vec![sheet("甲", "t1", &[Some(80.0), Some(80.0)])],
            ScoreError::WrongLength {
                evaluator: "甲".into(),
                item: "t1".into(),
                expected: 3,
                got: 2,
            },
            "评估人“甲”对“t1”的打分有2项，指标有3个。Evaluator 甲 gave 2 scores on t1; there are 3 indicators.",
        ),
        (
            "two sheets from one evaluator on one item",
            vec![
                sheet("甲", "t1", &[Some(80.0), Some(80.0), Some(80.0)]),
                sheet("甲", "t1", &[Some(90.0), Some(90.0), Some(90.0)]),
            ],
            ScoreError::Duplicate {
                evaluator: "甲".into(),
                item: "t1".into(),
            },
            "评估人“甲”对“t1”的打分重复提供。Evaluator 甲 has two score sheets for t1.",
        ),
    ];
    for (name, sheets, error, message) in cases {
        assert_eq!(validate_scores(&set, &sheets), Err(error.clone()), "{name}");
        assert_eq!(
            evaluate_item(&set, &sheets, false),
            Err(ResultsError::Score(error.clone())),
            "{name}"
        );
        assert_eq!(both(&error), message, "{name}");
    }
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let sheets = [sheet("甲", "t1", &[Some(90.0), Some(90.0), Some(bad)])];
        assert!(
            matches!(
                validate_scores(&set, &sheets),
                Err(ScoreError::OutOfRange { ref indicator, .. }) if indicator == "办理成效"
            ),
            "score {bad}"
        );
    }
    // evaluate_item checks the set too.
    let bad_set = Indicators::new(&[("甲", 50.0), ("乙", 40.0)]);
    assert_eq!(
        evaluate_item(&bad_set, &[], false),
        Err(ResultsError::Indicators(
            IndicatorError::WeightsNotHundred { sum: 90.0 }
        ))
    );
}

#[test]
fn grade_bands() {
    let cases: [(f64, Option<Grade>); 12] = [
        (100.0, Some(Grade::Excellent)),
        (90.0, Some(Grade::Excellent)),
        (89.999_999_999_999_99, Some(Grade::Excellent)), // 90 after float rounding
        (89.999, Some(Grade::Good)),
        (80.0, Some(Grade::Good)),
        (79.99, Some(Grade::Fair)),
        (60.0, Some(Grade::Fair)),
        (59.99, Some(Grade::Poor)),
        (0.0, Some(Grade::Poor)),
        (f64::NAN, None),
        (f64::INFINITY, None),
        (f64::NEG_INFINITY, None),
    ];
    for (score, want) in cases {
        assert_eq!(grade_for(score), want, "grade_for({score})");
    }
    let labels: Vec<&str> = [Grade::Excellent, Grade::Good, Grade::Fair, Grade::Poor]
        .iter()
        .map(Grade::label)
        .collect();
    assert_eq!(labels, ["优", "良", "中", "差"]);

    // 90 on every indicator of a 33.3 / 33.3 / 33.4 set is 90 (up to rounding), so 优.
    let set = Indicators::new(&[("甲", 33.3), ("乙", 33.3), ("丙", 33.4)]);
    let w = weighted_score(&set, &[Some(90.0); 3]);
    assert_close(w, Some(90.0), "33.3/33.3/33.4");
    assert_eq!(w.and_then(grade_for), Some(Grade::Excellent));
}

// ---------------------------------------------------------------------------------------------
// Combined index, rework flag
// ---------------------------------------------------------------------------------------------

#[test]
fn combined_index_table() {
    struct Case {
        name: &'static str,
        deputies: Option<f64>,
        evaluators: Option<f64>,
        weights: (f64, f64),
        value: Option<f64>,
        deputy_weight: f64,
        evaluator_weight: f64,
    }
    let cases = [
        Case {
            name: "both groups, 60 / 40",
            deputies: Some(80.0),
            evaluators: Some(90.0),
            weights: (60.0, 40.0),
            value: Some(84.0), // (60×80 + 40×90) / 100 = (4800 + 3600) / 100
            deputy_weight: 60.0,
            evaluator_weight: 40.0,
        },
        Case {
            name: "no evaluators: deputies alone",
            deputies: Some(72.0),
            evaluators: None,
            weights: (60.0, 40.0),
            value: Some(72.0), // 60×72 / 60
            deputy_weight: 100.0,
            evaluator_weight: 0.0,
        },
        Case {
            name: "no deputies: evaluators alone",
            deputies: None,
            evaluators: Some(88.0),
            weights: (60.0, 40.0),
            value: Some(88.0), // 40×88 / 40
            deputy_weight: 0.0,
            evaluator_weight: 100.0,
        },
        Case {
            name: "neither",
            deputies: None,
            evaluators: None,
            weights: (60.0, 40.0),
            value: None,
            deputy_weight: 0.0,
            evaluator_weight: 0.0,
        },
        Case {
            name: "equal weights given as 1 / 1",
            deputies: Some(70.0),
            evaluators: Some(90.0),
            weights: (1.0, 1.0),
            value: Some(80.0), // (70 + 90) / 2
            deputy_weight: 50.0,
            evaluator_weight: 50.0,
        },
        Case {
            name: "75 / 25",
            deputies: Some(60.0),
            evaluators: Some(100.0),
            weights: (75.0, 25.0),
            value: Some(70.0), // (75×60 + 25×100) / 100 = (4500 + 2500) / 100
            deputy_weight: 75.0,
            evaluator_weight: 25.0,
        },
        Case {
            name: "evaluators weigh 0 and only they have data",
            deputies: None,
            evaluators: Some(88.0),
            weights: (100.0, 0.0),
            value: None, // 0×88 / 0: nothing that counts
            deputy_weight: 0.0,
            evaluator_weight: 0.0,
        },
        Case {
            name: "evaluators weigh 0",
            deputies: Some(80.0),
            evaluators: Some(10.0),
            weights: (100.0, 0.0),
            value: Some(80.0),
            deputy_weight: 100.0,
            evaluator_weight: 0.0,
        },
        Case {
            name: "a NaN score counts as no data",
            deputies: Some(f64::NAN),
            evaluators: Some(70.0),
            weights: (60.0, 40.0),
            value: Some(70.0),
            deputy_weight: 0.0,
            evaluator_weight: 100.0,
        },
        Case {
            name: "a negative weight counts as 0",
            deputies: Some(50.0),
            evaluators: Some(70.0),
            weights: (-60.0, 40.0),
            value: Some(70.0),
            deputy_weight: 0.0,
            evaluator_weight: 100.0,
        },
    ];
    for c in cases {
        let got = combine(c.deputies, c.evaluators, c.weights);
        assert_close(got.value, c.value, c.name);
        assert_f(got.deputy_weight, c.deputy_weight, c.name);
        assert_f(got.evaluator_weight, c.evaluator_weight, c.name);
        // Recomputable from what is shown.
        if let Some(value) = got.value {
            let again = (got.deputy_weight * got.deputy_score.unwrap_or(0.0)
                + got.evaluator_weight * got.evaluator_score.unwrap_or(0.0))
                / 100.0;
            assert_f(value, again, c.name);
        }
    }
}

#[test]
fn rework_flag_table() {
    use ReworkReason::{BelowThreshold, Dissatisfied};
    struct Case {
        name: &'static str,
        denominator: Denominator,
        threshold: f64,
        counts: [u64; 3],
        not_rated: u64,
        evaluator: Option<f64>,
        reasons: Vec<ReworkReason>,
        no_data: bool,
    }
    let d = DEFAULT_REWORK_THRESHOLD;
    let cases = [
        Case {
            name: "不满意 → rework (and under 80 %)",
            denominator: Denominator::ValidBallots,
            threshold: d,
            counts: [3, 2, 5], // 2×5 = 10 ≯ 10 → 不满意; rate 5/10 = 0.5 < 0.8
            not_rated: 0,
            evaluator: None,
            reasons: vec![Dissatisfied, BelowThreshold],
            no_data: false,
        },
        Case {
            name: "不满意 → rework even with threshold 0",
            denominator: Denominator::ValidBallots,
            threshold: 0.0,
            counts: [3, 2, 5], // 不满意; 0.5 is not under 0
            not_rated: 0,
            evaluator: None,
            reasons: vec![Dissatisfied],
            no_data: false,
        },
        Case {
            name: "基本满意 at 75 % → rework by the threshold",
            denominator: Denominator::ValidBallots,
            threshold: d,
            counts: [4, 2, 2], // 2×4 = 8 ≯ 8; 2×6 = 12 > 8 → 基本满意; 6/8 = 0.75 < 0.8
            not_rated: 0,
            evaluator: None,
            reasons: vec![BelowThreshold],
            no_data: false,
        },
        Case {
            name: "满意 at 70 % → rework by the threshold",
            denominator: Denominator::ValidBallots,
            threshold: d,
            counts: [6, 1, 3], // 2×6 = 12 > 10 → 满意; 7/10 = 0.7 < 0.8
            not_rated: 0,
            evaluator: None,
            reasons: vec![BelowThreshold],
            no_data: false,
        },
        Case {
            name: "exactly 80 % is not under 80 %",
            denominator: Denominator::ValidBallots,
            threshold: d,
            counts: [5, 3, 2], // 基本满意; 8/10 = 0.8
            not_rated: 0,
            evaluator: None,
            reasons: vec![],
            no_data: false,
        },
        Case {
            name: "threshold 95 %: 90 % is under",
            denominator: Denominator::ValidBallots,
            threshold: 0.95,
            counts: [6, 3, 1], // 满意; 9/10 = 0.9 < 0.95
            not_rated: 0,
            evaluator: None,
            reasons: vec![BelowThreshold],
            no_data: false,
        },
        Case {
            name: "N = present: absent votes pull the rate under",
            denominator: Denominator::Present(20),
            threshold: d,
            counts: [8, 4, 0], // 16 ≯ 20; 24 > 20 → 基本满意; 12/20 = 0.6 < 0.8
            not_rated: 0,
            evaluator: None,
            reasons: vec![BelowThreshold],
            no_data: false,
        },
        Case {
            name: "nobody rated it: not flagged, no data",
            denominator: Denominator::ValidBallots,
            threshold: d,
            counts: [0, 0, 0],
            not_rated: 5,
            evaluator: None,
            reasons: vec![],
            no_data: true,
        },
        Case {
            name: "nobody rated it, N = invited: not flagged, no data",
            denominator: Denominator::Invited(30),
            threshold: d,
            counts: [0, 0, 0],
            not_rated: 0,
            evaluator: None,
            reasons: vec![],
            no_data: true,
        },
        Case {
            name: "only evaluators: not flagged, has data",
            denominator: Denominator::ValidBallots,
            threshold: d,
            counts: [0, 0, 0],
            not_rated: 0,
            evaluator: Some(40.0),
            reasons: vec![],
            no_data: false,
        },
    ];
    let scale = Scale::three_level();
    let set = Indicators::new(&[("综合", 100.0)]);
    for c in cases {
        let config = ResultsConfig {
            denominator: c.denominator,
            rework_threshold: c.threshold,
            ..ResultsConfig::default()
        };
        let deputies = rate_ok(&resolve(&scale, &config), &c.counts, c.not_rated);
        let sheets: Vec<EvaluatorSheet> = c
            .evaluator
            .map(|s| sheet("甲", "t1", &[Some(s)]))
            .into_iter()
            .collect();
        let evaluators = evaluate_item(&set, &sheets, false).unwrap();
        let got = item_result("t1", deputies, evaluators, &config);
        assert_eq!(got.rework_reasons, c.reasons, "{}", c.name);
        assert_eq!(got.needs_rework, !c.reasons.is_empty(), "{}", c.name);
        assert_eq!(got.no_data, c.no_data, "{}", c.name);
    }
    assert_eq!(NEEDS_REWORK_LABEL, "需重新办理");
    assert_eq!(Dissatisfied.label(), "测评结果为不满意");
    assert_eq!(BelowThreshold.label(), "满意率低于规定标准");
}

#[test]
fn rework_explained_names_the_rate_and_the_threshold() {
    let scale = Scale::three_level();
    let set = Indicators::new(&[("综合", 100.0)]);
    let cases: [(f64, [u64; 3], &str); 5] = [
        (
            DEFAULT_REWORK_THRESHOLD,
            [3, 2, 5],
            "测评结果为不满意；满意率50.0%，低于80.0%的标准",
        ),
        (
            DEFAULT_REWORK_THRESHOLD,
            [4, 2, 2],
            "满意率75.0%，低于80.0%的标准",
        ),
        // 1999 / 2500 = 79.96 % rounds to 80.0 %: shown with two decimals, never "80.0 % < 80.0 %".
        (
            DEFAULT_REWORK_THRESHOLD,
            [1000, 999, 501],
            "满意率79.96%，低于80.0%的标准",
        ),
        (0.0, [3, 2, 5], "测评结果为不满意"),
        (DEFAULT_REWORK_THRESHOLD, [5, 3, 2], ""),
    ];
    for (threshold, counts, want) in cases {
        let config = ResultsConfig {
            rework_threshold: threshold,
            ..ResultsConfig::default()
        };
        let deputies = rate_ok(&resolve(&scale, &config), &counts, 0);
        let evaluators = evaluate_item(&set, &[], false).unwrap();
        let got = item_result("t1", deputies, evaluators, &config);
        assert_eq!(got.rework_explained(threshold), want, "{counts:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Rankings
// ---------------------------------------------------------------------------------------------

fn ranks(entries: &[RankEntry]) -> Vec<(&str, Option<usize>)> {
    entries.iter().map(|e| (e.item.as_str(), e.rank)).collect()
}

#[test]
fn ranking_table() {
    type Row = (&'static str, Option<f64>);
    type Ranks = Vec<(&'static str, Option<usize>)>;
    let cases: Vec<(&str, Vec<Row>, Ranks)> = vec![
        ("empty", vec![], vec![]),
        (
            "1, 2, 2, 4",
            vec![
                ("d", Some(70.0)),
                ("b", Some(80.0)),
                ("a", Some(90.0)),
                ("c", Some(80.0)),
            ],
            vec![
                ("a", Some(1)),
                ("b", Some(2)),
                ("c", Some(2)),
                ("d", Some(4)),
            ],
        ),
        (
            "two tie groups: 1, 1, 3, 3, 3, 6",
            vec![
                ("a", Some(100.0)),
                ("b", Some(100.0)),
                ("c", Some(90.0)),
                ("d", Some(90.0)),
                ("e", Some(90.0)),
                ("f", Some(80.0)),
            ],
            vec![
                ("a", Some(1)),
                ("b", Some(1)),
                ("c", Some(3)),
                ("d", Some(3)),
                ("e", Some(3)),
                ("f", Some(6)),
            ],
        ),
        (
            "all tied",
            vec![("z", Some(75.0)), ("y", Some(75.0)), ("x", Some(75.0))],
            vec![("x", Some(1)), ("y", Some(1)), ("z", Some(1))],
        ),
        (
            "no index: last, unranked",
            vec![
                ("n1", None),
                ("a", Some(50.0)),
                ("n0", None),
                ("b", Some(60.0)),
            ],
            vec![("b", Some(1)), ("a", Some(2)), ("n0", None), ("n1", None)],
        ),
        (
            "nobody has an index",
            vec![("t2", None), ("t1", None)],
            vec![("t1", None), ("t2", None)],
        ),
        (
            "float near-tie shares a rank",
            vec![("p", Some(0.1 + 0.2)), ("q", Some(0.3)), ("r", Some(0.2))],
            vec![("p", Some(1)), ("q", Some(1)), ("r", Some(3))],
        ),
        (
            "NaN is treated as no index",
            vec![("a", Some(f64::NAN)), ("b", Some(1.0))],
            vec![("b", Some(1)), ("a", None)],
        ),
    ];
    for (name, rows, want) in cases {
        let pairs: Vec<(String, Option<f64>)> =
            rows.iter().map(|(i, v)| ((*i).to_owned(), *v)).collect();
        let got = rank_indices(&pairs);
        assert_eq!(ranks(&got), want, "{name}");
        for e in &got {
            assert_eq!(e.rank.is_some(), e.combined.is_some(), "{name}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A whole round
// ---------------------------------------------------------------------------------------------

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

/// Tasks t1–t5, units u1–u3, an item x9 in the counts only. Indicators 质量 60 / 成效 40.
fn sample_round() -> RoundInput {
    RoundInput {
        scale: Scale::three_level(),
        deputy_counts: vec![
            ItemCounts::new("t1", vec![8, 2, 0], 0),
            ItemCounts::new("t2", vec![5, 3, 2], 0),
            ItemCounts::new("t3", vec![3, 2, 5], 0),
            ItemCounts::new("u1", vec![6, 4, 0], 0),
            ItemCounts::new("u2", vec![0, 0, 0], 10),
            ItemCounts::new("u3", vec![7, 1, 2], 0),
            ItemCounts::new("x9", vec![1, 0, 0], 0),
        ],
        indicators: Some(Indicators::new(&[("质量", 60.0), ("成效", 40.0)])),
        evaluator_sheets: vec![
            sheet("A", "t1", &[Some(90.0), Some(80.0)]),
            sheet("B", "t1", &[Some(100.0), Some(90.0)]),
            sheet("A", "t2", &[Some(70.0), Some(80.0)]),
            sheet("B", "t2", &[Some(80.0), Some(70.0)]),
            sheet("A", "t4", &[Some(85.0), Some(95.0)]),
            sheet("B", "t4", &[Some(95.0), None]),
            sheet("A", "u1", &[Some(70.0), Some(60.0)]),
            sheet("A", "u3", &[Some(100.0), Some(100.0)]),
            sheet("B", "u3", &[Some(80.0), Some(80.0)]),
        ],
        tasks: ids(&["t1", "t2", "t3", "t4", "t5"]),
        units: ids(&["u1", "u2", "u3"]),
    }
}

#[track_caller]
fn compute_ok(input: &RoundInput, config: &ResultsConfig) -> RoundResults {
    match compute_results(input, config) {
        Ok(r) => r,
        Err(e) => panic!("round should compute: {e}"),
    }
}

#[test]
fn a_whole_round() {
    let results = compute_ok(&sample_round(), &ResultsConfig::default());
    let order: Vec<&str> = results.items.iter().map(|r| r.item.as_str()).collect();
    assert_eq!(
        order,
        ["t1", "t2", "t3", "t4", "t5", "u1", "u2", "u3", "x9"]
    );

    struct Want {
        item: &'static str,
        rate: Option<f64>,
        deputies: Option<f64>,
        class: Option<Classification>,
        evaluators: Option<f64>,
        grade: Option<Grade>,
        combined: Option<f64>,
        rework: bool,
        no_data: bool,
    }
    use Classification::{Basic, Dissatisfied, Satisfied};
    let want = [
        Want {
            item: "t1",
            rate: Some(1.0),        // 10 / 10
            deputies: Some(92.0),   // (800 + 120) / 10
            class: Some(Satisfied), // 16 > 10
            evaluators: Some(91.0), // A 54 + 32 = 86, B 60 + 36 = 96; (86 + 96) / 2
            grade: Some(Grade::Excellent),
            combined: Some(91.6), // 0.6×92 + 0.4×91 = 55.2 + 36.4
            rework: false,
            no_data: false,
        },
        Want {
            item: "t2",
            rate: Some(0.8),        // 8 / 10
            deputies: Some(68.0),   // (500 + 180) / 10
            class: Some(Basic),     // 10 ≯ 10; 16 > 10
            evaluators: Some(75.0), // A 42 + 32 = 74, B 48 + 28 = 76; 150 / 2
            grade: Some(Grade::Fair),
            combined: Some(70.8), // 0.6×68 + 0.4×75 = 40.8 + 30
            rework: false,        // 0.8 is not under 0.8
            no_data: false,
        },
        Want {
            item: "t3",
            rate: Some(0.5),           // 5 / 10
            deputies: Some(42.0),      // (300 + 120) / 10
            class: Some(Dissatisfied), // 10 ≯ 10
            evaluators: None,
            grade: None,
            combined: Some(42.0), // deputies alone
            rework: true,
            no_data: false,
        },
        Want {
            item: "t4",
            rate: None,
            deputies: None,
            class: None,
            evaluators: Some(89.0), // A 51 + 38 = 89; B left 成效 blank
            grade: Some(Grade::Good),
            combined: Some(89.0), // evaluators alone
            rework: false,
            no_data: false,
        },
        Want {
            item: "t5",
            rate: None,
            deputies: None,
            class: None,
            evaluators: None,
            grade: None,
            combined: None,
            rework: false,
            no_data: true,
        },
        Want {
            item: "u1",
            rate: Some(1.0),        // 10 / 10
            deputies: Some(84.0),   // (600 + 240) / 10
            class: Some(Satisfied), // 12 > 10
            evaluators: Some(66.0), // 42 + 24
            grade: Some(Grade::Fair),
            combined: Some(76.8), // 0.6×84 + 0.4×66 = 50.4 + 26.4
            rework: false,
            no_data: false,
        },
        Want {
            item: "u2",
            rate: None, // 10 blank ballots, none valid
            deputies: None,
            class: None,
            evaluators: None,
            grade: None,
            combined: None,
            rework: false,
            no_data: true,
        },
        Want {
            item: "u3",
            rate: Some(0.8),        // 8 / 10
            deputies: Some(76.0),   // (700 + 60) / 10
            class: Some(Satisfied), // 14 > 10
            evaluators: Some(90.0), // (100 + 80) / 2
            grade: Some(Grade::Excellent),
            combined: Some(81.6), // 0.6×76 + 0.4×90 = 45.6 + 36
            rework: false,
            no_data: false,
        },
        Want {
            item: "x9",
            rate: Some(1.0),
            deputies: Some(100.0),
            class: Some(Satisfied),
            evaluators: None,
            grade: None,
            combined: Some(100.0),
            rework: false,
            no_data: false,
        },
    ];
    for w in want {
        let got = results.item(w.item).unwrap();
        assert_close(got.deputies.satisfaction_rate, w.rate, w.item);
        assert_close(got.deputies.satisfaction_score, w.deputies, w.item);
        assert_eq!(got.deputies.classification, w.class, "{}", w.item);
        assert_close(got.evaluators.score, w.evaluators, w.item);
        assert_eq!(got.evaluators.grade, w.grade, "{}", w.item);
        assert_close(got.combined.value, w.combined, w.item);
        assert_eq!(got.needs_rework, w.rework, "{}", w.item);
        assert_eq!(got.no_data, w.no_data, "{}", w.item);
    }
    assert_eq!(results.item("u2").unwrap().deputies.not_rated, 10);
    assert_eq!(results.item("t4").unwrap().evaluators.incomplete, 1);
    assert_eq!(results.item("t5").unwrap().deputies.counts, vec![0, 0, 0]);

    // Tasks: t1 91.6, t4 89, t2 70.8, t3 42, t5 none. Units: u3 81.6, u1 76.8, u2 none.
    assert_eq!(
        ranks(&results.task_ranking),
        [
            ("t1", Some(1)),
            ("t4", Some(2)),
            ("t2", Some(3)),
            ("t3", Some(4)),
            ("t5", None)
        ]
    );
    assert_eq!(
        ranks(&results.unit_ranking),
        [("u3", Some(1)), ("u1", Some(2)), ("u2", None)]
    );
    // x9 is in neither ranking; ranking the whole list includes it first.
    assert_eq!(rank_items(&results.items)[0].item, "x9");
    // Ranking a chosen list: duplicates once, unknown ids unranked.
    assert_eq!(
        ranks(&rank_selected(
            &results.items,
            &ids(&["t2", "t1", "t2", "nope"])
        )),
        [("t1", Some(1)), ("t2", Some(2)), ("nope", None)]
    );
    assert_eq!(results.method.satisfied_levels, vec![0, 1]);
    assert_eq!(results.method.level_weights, vec![100.0, 60.0, 0.0]);
}

#[test]
fn a_round_with_ties_in_the_ranking() {
    let input = RoundInput {
        deputy_counts: vec![
            ItemCounts::new("t1", vec![1, 1, 0], 0), // (100 + 60) / 2 = 80
            ItemCounts::new("t2", vec![2, 0, 2], 0), // (200 + 0) / 4 = 50
            ItemCounts::new("t3", vec![0, 4, 1], 0), // 240 / 5 = 48
            ItemCounts::new("t4", vec![4, 0, 0], 0), // 100
            ItemCounts::new("t5", vec![3, 2, 0], 0), // (300 + 120) / 5 = 84
            ItemCounts::new("t6", vec![0, 0, 0], 3), // no data
            ItemCounts::new("t7", vec![4, 4, 0], 0), // (400 + 240) / 8 = 80
        ],
        tasks: ids(&["t1", "t2", "t3", "t4", "t5", "t6", "t7"]),
        ..RoundInput::default()
    };
    let results = compute_ok(&input, &ResultsConfig::default());
    // 100, 84, 80, 80, 50, 48, —
    assert_eq!(
        ranks(&results.task_ranking),
        [
            ("t4", Some(1)),
            ("t5", Some(2)),
            ("t1", Some(3)),
            ("t7", Some(3)),
            ("t2", Some(5)),
            ("t3", Some(6)),
            ("t6", None)
        ]
    );
    assert!(results.unit_ranking.is_empty());
}

#[test]
fn rounds_with_a_missing_group() {
    // No evaluators at all: the combined index is the deputies' score.
    let mut no_evaluators = sample_round();
    no_evaluators.indicators = None;
    no_evaluators.evaluator_sheets.clear();
    let r = compute_ok(&no_evaluators, &ResultsConfig::default());
    assert!(r.indicators.is_none());
    let t1 = r.item("t1").unwrap();
    assert_close(t1.combined.value, Some(92.0), "t1 deputies only"); // (800 + 120) / 10
    assert_f(t1.combined.deputy_weight, 100.0, "t1 weight");
    assert!(r.item("t4").unwrap().no_data); // had only evaluators
    assert_eq!(
        ranks(&r.task_ranking),
        [
            ("t1", Some(1)), // 92
            ("t2", Some(2)), // 68
            ("t3", Some(3)), // 42
            ("t4", None),
            ("t5", None)
        ]
    );

    // No deputies at all: the evaluators' score, no class, nothing flagged.
    let mut no_deputies = sample_round();
    no_deputies.deputy_counts.clear();
    let r = compute_ok(&no_deputies, &ResultsConfig::default());
    for item in &r.items {
        assert_eq!(item.deputies.valid, 0, "{}", item.item);
        assert_eq!(item.deputies.classification, None, "{}", item.item);
        assert!(!item.needs_rework, "{}", item.item);
        assert_close(item.combined.value, item.evaluators.score, &item.item);
    }
    assert_eq!(
        ranks(&r.task_ranking),
        [
            ("t1", Some(1)), // 91
            ("t4", Some(2)), // 89
            ("t2", Some(3)), // 75
            ("t3", None),
            ("t5", None)
        ]
    );
    assert_eq!(
        ranks(&r.unit_ranking),
        [("u3", Some(1)), ("u1", Some(2)), ("u2", None)] // 90, 66
    );
}

#[test]
fn rounds_with_no_ballots_or_nothing_rated() {
    // Nothing stored at all.
    let empty = RoundInput {
        tasks: ids(&["t1", "t2"]),
        units: ids(&["u1"]),
        ..RoundInput::default()
    };
    // Every ballot left every item blank.
    let unrated = RoundInput {
        deputy_counts: vec![
            ItemCounts::new("t1", vec![0, 0, 0], 25),
            ItemCounts::new("t2", vec![0, 0, 0], 25),
            ItemCounts::new("u1", vec![0, 0, 0], 25),
        ],
        ..empty.clone()
    };
    for (name, input, config) in [
        ("zero ballots", &empty, ResultsConfig::default()),
        ("all unrated", &unrated, ResultsConfig::default()),
        (
            "all unrated, N = present",
            &unrated,
            with_denominator(Denominator::Present(30)),
        ),
    ] {
        let r = compute_ok(input, &config);
        assert_eq!(r.items.len(), 3, "{name}");
        for item in &r.items {
            assert!(item.no_data, "{name} {}", item.item);
            assert!(!item.needs_rework, "{name} {}", item.item);
            assert_eq!(item.deputies.valid, 0, "{name}");
            assert_eq!(item.deputies.satisfaction_rate, None, "{name}");
            assert_eq!(item.deputies.satisfaction_score, None, "{name}");
            assert_eq!(item.deputies.classification, None, "{name}");
            assert_eq!(item.combined.value, None, "{name}");
        }
        assert!(r.task_ranking.iter().all(|e| e.rank.is_none()), "{name}");
        assert!(r.unit_ranking.iter().all(|e| e.rank.is_none()), "{name}");
    }
    let r = compute_ok(&unrated, &with_denominator(Denominator::Present(30)));
    let t1 = r.item("t1").unwrap();
    assert_eq!((t1.deputies.n, t1.deputies.not_rated), (30, 25));
    // With nothing at all, an empty round is fine too.
    let nothing = compute_ok(&RoundInput::default(), &ResultsConfig::default());
    assert!(nothing.items.is_empty());
}

#[test]
fn round_errors() {
    let config = ResultsConfig::default();
    let mut no_set = sample_round();
    no_set.indicators = None;
    assert_eq!(
        compute_results(&no_set, &config),
        Err(ResultsError::Score(ScoreError::NoIndicators))
    );
    assert_eq!(
        both(&ScoreError::NoIndicators),
        "有评估打分，但没有指标体系。Evaluator scores were given without an indicator set."
    );

    let mut bad_set = sample_round();
    bad_set.indicators = Some(Indicators::new(&[("质量", 60.0), ("成效", 30.0)])); // 90
    assert_eq!(
        compute_results(&bad_set, &config),
        Err(ResultsError::Indicators(
            IndicatorError::WeightsNotHundred { sum: 90.0 }
        ))
    );

    let mut out_of_range = sample_round();
    out_of_range.evaluator_sheets[3].scores[1] = Some(101.0);
    assert_eq!(
        compute_results(&out_of_range, &config),
        Err(ResultsError::Score(ScoreError::OutOfRange {
            evaluator: "B".into(),
            item: "t2".into(),
            indicator: "成效".into(),
            score: 101.0,
        }))
    );

    let mut duplicate = sample_round();
    duplicate
        .deputy_counts
        .push(ItemCounts::new("t1", vec![1, 0, 0], 0));
    assert_eq!(
        compute_results(&duplicate, &config),
        Err(ResultsError::Counts(CountsError::DuplicateItem {
            item: "t1".into()
        }))
    );
    assert_eq!(
        both(&CountsError::DuplicateItem { item: "t1".into() }),
        "事项“t1”的票数重复提供。Item t1 has counts given twice."
    );

    let mut four = sample_round();
    four.scale = Scale::four_level();
    assert_eq!(
        compute_results(&four, &config),
        Err(ResultsError::Counts(CountsError::WrongLevelCount {
            item: "t1".into(),
            expected: 4,
            got: 3
        }))
    );

    // Present 9, but t1 has 10 valid ballots.
    assert_eq!(
        compute_results(&sample_round(), &with_denominator(Denominator::Present(9))),
        Err(ResultsError::Counts(CountsError::TooManyBallots {
            item: "t1".into(),
            valid: 10,
            n: 9
        }))
    );
    let bad_config = ResultsConfig {
        group_weights: (0.0, 0.0),
        ..ResultsConfig::default()
    };
    assert_eq!(
        compute_results(&sample_round(), &bad_config),
        Err(ResultsError::Config(ConfigError::GroupWeightsZero))
    );
}

#[test]
fn a_four_level_round_with_trimming_and_present_denominator() {
    let set = Indicators::new(&[("综合", 100.0)]);
    let input = RoundInput {
        scale: Scale::four_level(),
        deputy_counts: vec![ItemCounts::new("t1", vec![10, 6, 4, 4], 2)],
        indicators: Some(set),
        evaluator_sheets: [60.0, 75.0, 80.0, 85.0, 100.0]
            .iter()
            .enumerate()
            .map(|(i, &s)| sheet(&format!("e{i}"), "t1", &[Some(s)]))
            .collect(),
        tasks: ids(&["t1"]),
        units: vec![],
    };
    let config = ResultsConfig {
        denominator: Denominator::Present(30),
        trim: true,
        ..ResultsConfig::default()
    };
    let r = compute_ok(&input, &config);
    let t1 = r.item("t1").unwrap();
    assert_eq!(t1.deputies.valid, 24); // 10 + 6 + 4 + 4
    assert_eq!(t1.deputies.ballots, 26); // 24 + 2 blank
    assert_eq!(t1.deputies.n, 30);
    assert_eq!(t1.deputies.satisfied, 20); // 10 + 6 + 4
    assert_close(
        t1.deputies.satisfaction_rate,
        Some(0.666_666_666_666_666_6),
        "rate",
    ); // 20 / 30
    // (10×100 + 6×80 + 4×60 + 4×0) / 24 = (1000 + 480 + 240) / 24 = 1720 / 24
    assert_close(
        t1.deputies.satisfaction_score,
        Some(71.666_666_666_666_67),
        "score",
    );
    assert_eq!(t1.deputies.classification, Some(Classification::Basic)); // 20 ≯ 30; 40 > 30
    assert_close(t1.evaluators.score, Some(80.0), "evaluators"); // (75 + 80 + 85) / 3
    assert!(t1.evaluators.trimmed);
    // 0.6 × 71.666… + 0.4 × 80 = 43 + 32
    assert_close(t1.combined.value, Some(75.0), "combined");
    assert_eq!(t1.rework_reasons, vec![ReworkReason::BelowThreshold]); // 0.667 < 0.8
}

// ---------------------------------------------------------------------------------------------
// A unit's view
// ---------------------------------------------------------------------------------------------

#[test]
fn unit_view_table() {
    let results = compute_ok(&sample_round(), &ResultsConfig::default());
    use TaskRole::{Lead, Responsible};
    struct Case {
        name: &'static str,
        unit: &'static str,
        links: Vec<TaskLink>,
        own: Option<f64>,
        led: Vec<&'static str>,
        shared: Vec<&'static str>,
        missing: Vec<&'static str>,
        led_mean: (usize, usize, Option<f64>),
        shared_mean: (usize, usize, Option<f64>),
    }
    let cases = [
        Case {
            name: "leads one, shares four (one without data), one link unknown, one twice",
            unit: "u1",
            links: vec![
                TaskLink::new("t1", Lead),
                TaskLink::new("t2", Responsible),
                TaskLink::new("t4", Responsible),
                TaskLink::new("t9", Lead),
                TaskLink::new("t1", Responsible), // also lead: listed once, as led
                TaskLink::new("t3", Responsible),
                TaskLink::new("t5", Responsible),
                TaskLink::new("t2", Responsible),
            ],
            own: Some(76.8), // 0.6×84 + 0.4×66
            led: vec!["t1"],
            shared: vec!["t2", "t4", "t3", "t5"],
            missing: vec!["t9"],
            led_mean: (1, 1, Some(91.6)), // t1 alone
            // t2 70.8, t4 89, t3 42 (t5 has none): (70.8 + 89 + 42) / 3 = 201.8 / 3
            shared_mean: (4, 3, Some(67.266_666_666_666_67)),
        },
        Case {
            name: "leads two, shares none",
            unit: "u3",
            links: vec![TaskLink::new("t3", Lead), TaskLink::new("t2", Lead)],
            own: Some(81.6),
            led: vec!["t3", "t2"],
            shared: vec![],
            missing: vec![],
            led_mean: (2, 2, Some(56.4)), // (42 + 70.8) / 2 = 112.8 / 2
            shared_mean: (0, 0, None),
        },
        Case {
            name: "a unit without data and a task without data",
            unit: "u2",
            links: vec![TaskLink::new("t5", Lead)],
            own: None,
            led: vec!["t5"],
            shared: vec![],
            missing: vec![],
            led_mean: (1, 0, None),
            shared_mean: (0, 0, None),
        },
        Case {
            name: "a unit not in the round, with no links",
            unit: "u99",
            links: vec![],
            own: None,
            led: vec![],
            shared: vec![],
            missing: vec![],
            led_mean: (0, 0, None),
            shared_mean: (0, 0, None),
        },
    ];
    for c in cases {
        let view = unit_view(c.unit, &c.links, &results.items);
        assert_eq!(view.unit, c.unit, "{}", c.name);
        assert_close(
            view.own.as_ref().and_then(|o| o.combined.value),
            c.own,
            c.name,
        );
        let led: Vec<&str> = view.led_tasks.iter().map(|t| t.item.as_str()).collect();
        let shared: Vec<&str> = view.shared_tasks.iter().map(|t| t.item.as_str()).collect();
        assert_eq!(led, c.led, "{}", c.name);
        assert_eq!(shared, c.shared, "{}", c.name);
        assert_eq!(view.missing_tasks, c.missing, "{}", c.name);
        for (got, want, which) in [
            (&view.led_mean, c.led_mean, "led"),
            (&view.shared_mean, c.shared_mean, "shared"),
        ] {
            assert_eq!(
                (got.tasks, got.counted),
                (want.0, want.1),
                "{} {which}",
                c.name
            );
            assert_close(got.mean, want.2, &format!("{} {which}", c.name));
        }
    }
    // The unit's own result is there in full.
    let view = unit_view("u2", &[], &results.items);
    let own = view.own.unwrap();
    assert!(own.no_data);
    assert_eq!(own.deputies.not_rated, 10);
    assert_eq!(TaskRole::Lead.label(), "牵头单位");
    assert_eq!(TaskRole::Responsible.label(), "责任单位");
}

// ---------------------------------------------------------------------------------------------
// Serialization and robustness
// ---------------------------------------------------------------------------------------------

#[test]
fn results_serialize_to_json_and_back() {
    let results = compute_ok(&sample_round(), &ResultsConfig::default());
    let json = serde_json::to_string(&results).unwrap();
    assert!(!json.contains("NaN") && !json.contains("inf"), "{json}");
    assert!(json.contains(r#""classification":"dissatisfied""#));
    assert!(json.contains(r#""grade":"excellent""#));
    assert!(json.contains(r#""rework_reasons":["dissatisfied","below_threshold"]"#));
    let back: RoundResults = serde_json::from_str(&json).unwrap();
    assert_eq!(back.items.len(), results.items.len());
    assert_eq!(ranks(&back.task_ranking), ranks(&results.task_ranking));
    assert_close(
        back.item("t1").unwrap().combined.value,
        Some(91.6),
        "t1 after JSON",
    );
    let view = unit_view("u1", &[TaskLink::new("t1", TaskRole::Lead)], &results.items);
    let json = serde_json::to_string(&view).unwrap();
    assert!(
        json.contains(r#""led_mean":{"tasks":1,"counted":1"#),
        "{json}"
    );
    let link: TaskLink = serde_json::from_str(r#"{"task":"t3","role":"responsible"}"#).unwrap();
    assert_eq!(link, TaskLink::new("t3", TaskRole::Responsible));
}

/// Every float the engine hands out, so that none is NaN or infinite.
fn floats_of(r: &ItemResult) -> Vec<f64> {
    let mut v = vec![
        r.deputies.weighted_sum,
        r.evaluators.sum,
        r.combined.deputy_weight,
        r.combined.evaluator_weight,
    ];
    v.extend(r.deputies.satisfaction_rate);
    v.extend(r.deputies.satisfaction_score);
    v.extend(r.evaluators.score);
    v.extend(r.combined.deputy_score);
    v.extend(r.combined.evaluator_score);
    v.extend(r.combined.value);
    v.extend(r.evaluators.lines.iter().filter_map(|l| l.weighted));
    v
}

#[test]
fn no_panic_and_no_nan_on_odd_inputs() {
    // A small deterministic generator (xorshift), so the test needs no dependency.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    // Mostly usable inputs (so that most rounds compute), with odd ones mixed in.
    let small_counts = [0, 1, 2, 3, 7, 100];
    let huge_counts = [u64::MAX / 2, u64::MAX, u64::MAX - 1];
    let good_scores = [Some(0.0), Some(59.5), Some(100.0), None, Some(83.25)];
    let bad_scores = [
        Some(-1.0),
        Some(f64::NAN),
        Some(f64::INFINITY),
        Some(100.000_001),
    ];
    let denominators = [
        Denominator::ValidBallots,
        Denominator::Invited(1_000),
        Denominator::Present(u64::MAX),
        Denominator::ValidBallots,
    ];
    let sets = [
        Indicators::new(&[("甲", 50.0), ("乙", 50.0)]),
        Indicators::new(&[("甲", 100.0)]),
        Indicators::new(&[("甲", 20.0), ("乙", 30.0), ("丙", 50.0)]),
    ];
    let items = ["t1", "t2", "u1", "x"];
    let (mut computed, mut refused) = (0, 0);
    for round in 0..400 {
        let pick = |n: u64, len: usize| (n % len as u64) as usize;
        let rare = |n: u64| n.is_multiple_of(20);
        let scale = match pick(next(), 20) {
            0 => Scale { levels: vec![] },
            1..=10 => Scale::three_level(),
            _ => Scale::four_level(),
        };
        let config = ResultsConfig {
            denominator: if rare(next()) {
                [Denominator::Present(0), Denominator::Invited(5)][pick(next(), 2)]
            } else {
                denominators[pick(next(), denominators.len())]
            },
            trim: next().is_multiple_of(2),
            rework_threshold: if rare(next()) { f64::NAN } else { 0.8 },
            satisfied_levels: if rare(next()) { Some(vec![0, 1]) } else { None },
            ..ResultsConfig::default()
        };
        let mut deputy_counts = Vec::new();
        for item in items {
            if next().is_multiple_of(4) {
                continue;
            }
            let len = if rare(next()) {
                pick(next(), 6)
            } else {
                scale.len()
            };
            let counts = (0..len)
                .map(|_| {
                    if next().is_multiple_of(20) {
                        huge_counts[pick(next(), huge_counts.len())]
                    } else {
                        small_counts[pick(next(), small_counts.len())]
                    }
                })
                .collect();
            let not_rated = small_counts[pick(next(), small_counts.len())];
            deputy_counts.push(ItemCounts::new(item, counts, not_rated));
        }
        let set = sets[pick(next(), sets.len())].clone();
        let mut evaluator_sheets = Vec::new();
        for e in 0..pick(next(), 8) {
            let item = items[pick(next(), items.len())];
            let len = if rare(next()) {
                pick(next(), 4)
            } else {
                set.len()
            };
            let scores = (0..len)
                .map(|_| {
                    if next().is_multiple_of(25) {
                        bad_scores[pick(next(), bad_scores.len())]
                    } else {
                        good_scores[pick(next(), good_scores.len())]
                    }
                })
                .collect();
            let name = if rare(next()) {
                "dup".to_owned()
            } else {
                format!("e{e}")
            };
            evaluator_sheets.push(EvaluatorSheet::new(&name, item, scores));
        }
        let input = RoundInput {
            scale,
            deputy_counts,
            indicators: if rare(next()) { None } else { Some(set) },
            evaluator_sheets,
            tasks: ids(&["t1", "t2", "t3"]),
            units: ids(&["u1"]),
        };
        match compute_results(&input, &config) {
            Ok(results) => {
                computed += 1;
                for item in &results.items {
                    for x in floats_of(item) {
                        assert!(x.is_finite(), "round {round}: {x} in {item:?}");
                    }
                    if let Some(rate) = item.deputies.satisfaction_rate {
                        assert!((0.0..=1.0).contains(&rate), "round {round}: rate {rate}");
                    }
                    for score in [
                        item.deputies.satisfaction_score,
                        item.evaluators.score,
                        item.combined.value,
                    ]
                    .into_iter()
                    .flatten()
                    {
                        assert!(
                            (-EPS..=100.0 + EPS).contains(&score),
                            "round {round}: score {score}"
                        );
                    }
                }
                let links = [
                    TaskLink::new("t1", TaskRole::Lead),
                    TaskLink::new("t2", TaskRole::Responsible),
                    TaskLink::new("x", TaskRole::Responsible),
                ];
                let view = unit_view("u1", &links, &results.items);
                assert!(view.led_mean.mean.is_none_or(f64::is_finite));
                assert!(view.shared_mean.mean.is_none_or(f64::is_finite));
                assert!(serde_json::to_string(&view).is_ok());
                assert!(serde_json::to_string(&results).is_ok());
            }
            Err(e) => {
                refused += 1;
                assert!(!e.to_string().is_empty());
            }
        }
    }
    // Both paths were exercised.
    assert!(
        computed > 100 && refused > 50,
        "{computed} computed, {refused} refused"
    );

    // A hand-made method with nonsense in it: no panic, no NaN out.
    let broken = ResolvedConfig {
        scale: Scale::three_level(),
        config: ResultsConfig::default(),
        satisfied_levels: vec![0, 200, 0],
        level_weights: vec![f64::NAN],
    };
    let r = rate(&broken, &ItemCounts::new("t1", vec![1, 2, 3], 0)).unwrap();
    assert_eq!(r.satisfied, 1); // level 0 once; 200 is not a level
    assert_eq!(r.satisfaction_score, None);
    assert_f(r.weighted_sum, 0.0, "weighted sum");
    // Combining and ranking odd numbers.
    let c = combine(Some(f64::MAX), Some(f64::MAX), (f64::MAX, f64::MAX));
    assert!(c.value.is_none_or(f64::is_finite));
    assert!(c.deputy_weight.is_finite() && c.evaluator_weight.is_finite());
    let pairs = vec![
        ("a".to_owned(), Some(f64::INFINITY)),
        ("b".to_owned(), Some(f64::NEG_INFINITY)),
        ("c".to_owned(), Some(f64::MAX)),
    ];
    assert_eq!(
        ranks(&rank_indices(&pairs)),
        [("c", Some(1)), ("a", None), ("b", None)]
    );
}

#[test]
fn indicator_means_skip_incomplete_and_trimmed_lines_and_weigh_back_to_the_score() {
    let set = Indicators::new(&[("进度", 60.0), ("成效", 40.0)]);
    // Five complete sheets (trimming drops the lowest and the highest) and one with a blank.
    let sheets = vec![
        EvaluatorSheet::new("a", "t1", vec![Some(50.0), Some(50.0)]),
        EvaluatorSheet::new("b", "t1", vec![Some(80.0), Some(70.0)]),
        EvaluatorSheet::new("c", "t1", vec![Some(90.0), Some(80.0)]),
        EvaluatorSheet::new("d", "t1", vec![Some(70.0), Some(90.0)]),
        EvaluatorSheet::new("e", "t1", vec![Some(100.0), Some(100.0)]),
        EvaluatorSheet::new("f", "t1", vec![Some(10.0), None]),
    ];
    let result = evaluate_item(&set, &sheets, true).unwrap();
    let means = indicator_means(&set, &result);
    // Counted: b, c, d. 进度 (80 + 90 + 70) / 3 = 80; 成效 (70 + 80 + 90) / 3 = 80.
    assert_eq!(means, vec![Some(80.0), Some(80.0)]);
    let back = means[0].unwrap() * 0.6 + means[1].unwrap() * 0.4;
    assert!((back - result.score.unwrap()).abs() < 1e-9);

    let none = evaluate_item(&set, &sheets[5..], false).unwrap();
    assert_eq!(indicator_means(&set, &none), vec![None, None]);
}

/// An error's two sentences, Chinese then English, as the tables above write them.
fn both(e: &impl Bilingual) -> String {
    format!("{}{}", e.zh(), e.en())
}

#[test]
fn english_is_the_display_and_chinese_comes_apart() {
    let e = IndicatorError::WeightsNotHundred { sum: 90.0 };
    assert_eq!(e.zh(), "各指标权重之和应为100，现在是90。");
    assert_eq!(
        e.to_string(),
        "The indicator weights must add up to 100; they add up to 90."
    );
    // No Chinese in the English, none of the English in the Chinese.
    let named = IndicatorError::DuplicateName { name: "KPI".into() };
    assert_eq!(named.zh(), "指标名称“KPI”重复。");
    assert_eq!(
        named.en(),
        "The indicator name “KPI” is used more than once."
    );
    let wrapped = ResultsError::from(named);
    assert_eq!(wrapped.zh(), "指标名称“KPI”重复。");
}
