use super::*;

/// Checks that `svg` is one well-formed `<svg>` element: balanced tags, quoted
/// attributes, and `&` only in entities. Returns the trimmed text of each `<text>`.
fn parse(svg: &str) -> Vec<String> {
    assert!(
        svg.starts_with("<svg"),
        "starts with <svg: {}",
        &svg[..svg.len().min(80)]
    );
    assert!(svg.ends_with("</svg>"), "ends with </svg>");
    let mut stack: Vec<&str> = Vec::new();
    let mut texts = Vec::new();
    let mut rest = svg;
    while let Some(lt) = rest.find('<') {
        let content = &rest[..lt];
        check_chars(content);
        if stack.last() == Some(&"text") || stack.last() == Some(&"title") {
            texts.push(unescape(content.trim()));
        }
        let gt = lt + rest[lt..].find('>').expect("unclosed tag");
        let tag = &rest[lt + 1..gt];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop(), Some(name.trim()), "mismatched </{name}>");
        } else {
            let self_closing = tag.ends_with('/');
            let tag = tag.trim_end_matches('/');
            let (name, attrs) = tag.split_once(char::is_whitespace).unwrap_or((tag, ""));
            assert!(
                !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric()),
                "tag name {name:?}"
            );
            check_attrs(attrs);
            if !self_closing {
                stack.push(name);
            }
        }
        assert!(
            !stack.is_empty() || gt + 1 == rest.len(),
            "content after the root element"
        );
        rest = &rest[gt + 1..];
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
    texts
}

fn check_chars(s: &str) {
    assert!(!s.contains('<') && !s.contains('>'), "raw < or > in {s:?}");
    let mut parts = s.split('&');
    parts.next();
    for p in parts {
        let ok = ["amp;", "lt;", "gt;", "quot;", "apos;"]
            .iter()
            .any(|e| p.starts_with(e));
        assert!(ok, "bare & in {s:?}");
    }
}

fn check_attrs(attrs: &str) {
    let mut rest = attrs.trim();
    while !rest.is_empty() {
        let (name, after) = rest
            .split_once("=\"")
            .unwrap_or_else(|| panic!("attribute without =\" in {attrs:?}"));
        assert!(
            name.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ':'),
            "attribute name {name:?}"
        );
        let end = after.find('"').expect("unterminated attribute value");
        check_chars(&after[..end]);
        rest = after[end + 1..].trim_start();
    }
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let len = tag[start..].find('"')?;
    Some(&tag[start..start + len])
}

fn height(svg: &str) -> u32 {
    let open = &svg[..svg.find('>').unwrap()];
    attr(open, "height").unwrap().parse().unwrap()
}

/// Opening tags of all `<text>` elements.
/// The text inside `tag` (an opening `<text …` tag taken from `svg`), unescaped.
fn tag_text(svg: &str, tag: &str) -> String {
    let after = &svg[svg.find(tag).unwrap() + tag.len()..];
    let after = &after[after.find('>').unwrap() + 1..];
    unescape(after[..after.find('<').unwrap()].trim())
}

fn text_tags(svg: &str) -> Vec<&str> {
    svg.match_indices("<text ")
        .map(|(i, _)| &svg[i..i + svg[i..].find('>').unwrap()])
        .collect()
}

fn units(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("单位{}", i + 1)).collect()
}

fn level_rows(n: usize) -> Vec<LevelRow> {
    units(n)
        .into_iter()
        .map(|label| LevelRow {
            label,
            counts: vec![10, 4, 1],
            not_rated: 2,
        })
        .collect()
}

fn ranked_rows(n: usize) -> Vec<RankedRow> {
    units(n)
        .into_iter()
        .enumerate()
        .map(|(i, label)| RankedRow {
            rank: Some(i + 1),
            label,
            value: Some(95.0 - i as f64),
        })
        .collect()
}

fn indicator_rows(n: usize) -> Vec<IndicatorRow> {
    units(n)
        .into_iter()
        .map(|label| IndicatorRow {
            label,
            scores: vec![Some(88.24), Some(76.0), None],
        })
        .collect()
}

fn turnout_rows(n: usize) -> Vec<TurnoutRow> {
    units(n)
        .into_iter()
        .map(|label| TurnoutRow {
            label,
            voted: 17,
            invited: 20,
        })
        .collect()
}

fn compare_rows(n: usize) -> Vec<CompareRow> {
    units(n)
        .into_iter()
        .map(|label| CompareRow {
            label,
            a: Some(81.5),
            b: Some(90.0),
        })
        .collect()
}

/// One chart of each kind with `n` rows, all titled "标题".
fn all_charts(n: usize) -> Vec<String> {
    vec![
        level_distribution("标题", &["满意", "基本满意", "不满意"], &level_rows(n)),
        level_distribution_narrow("标题", &["满意", "基本满意", "不满意"], &level_rows(n)),
        ranked_bars("标题", "满意率", &ranked_rows(n), Some((80.0, "达标线 80"))),
        indicator_scores("标题", &["进度", "质量", "成效"], &indicator_rows(n)),
        turnout("标题", &turnout_rows(n)),
        round_compare("标题", "满意率", ("第一轮", "第二轮"), &compare_rows(n)),
    ]
}

#[test]
fn every_chart_is_well_formed_with_title_and_labels() {
    for svg in all_charts(3) {
        let texts = parse(&svg);
        assert!(svg.contains("<title>标题</title>"), "{svg}");
        assert!(svg.starts_with("<svg role=\"img\" aria-label=\"标题\""));
        // 720 wide; the phone layout 400.
        assert!(svg.contains("width=\"720\"") || svg.contains("width=\"400\""));
        for u in ["单位1", "单位2", "单位3"] {
            assert!(
                texts.iter().any(|t| t.ends_with(u)),
                "label {u} missing in {texts:?}"
            );
        }
        assert!(!texts.iter().any(|t| t.contains("暂无数据")));
    }
}

#[test]
fn level_distribution_prints_counts_and_legend() {
    let rows = [LevelRow {
        label: "市财政局".into(),
        counts: vec![3, 1, 0],
        not_rated: 1,
    }];
    let svg = level_distribution("分布", &["满意", "基本满意", "不满意"], &rows);
    let texts = parse(&svg);
    for t in [
        "3",
        "1",
        "满意",
        "基本满意",
        "不满意",
        "未评",
        "市财政局",
        "票数占比（%）",
    ] {
        assert!(texts.iter().any(|x| x == t), "{t} missing in {texts:?}");
    }
    // Two "1"s: the level count and the not-rated count; no "0" segment.
    assert_eq!(texts.iter().filter(|t| *t == "1").count(), 2, "{texts:?}");
    assert_eq!(
        texts.iter().filter(|t| *t == "0").count(),
        1,
        "only the axis tick 0: {texts:?}"
    );
    // Colours: the three levels and grey for 未评.
    for c in ["#0072B2", "#56B4E9", "#D55E00", NOT_RATED_COLOUR] {
        assert!(svg.to_uppercase().contains(c), "{c} missing");
    }
}

#[test]
fn narrow_segments_hide_their_count() {
    let rows = [LevelRow {
        label: "甲".into(),
        counts: vec![998, 0, 0],
        not_rated: 2,
    }];
    let texts = parse(&level_distribution("t", &["好", "中", "差"], &rows));
    assert!(texts.iter().any(|t| t == "998"));
    assert!(!texts.iter().any(|t| t == "2"), "{texts:?}");
}

#[test]
fn no_data_says_so() {
    let empty = [
        level_distribution("空", &["满意", "不满意"], &[]),
        ranked_bars("空", "满意率", &[], None),
        indicator_scores("空", &["进度"], &[]),
        turnout("空", &[]),
        round_compare("空", "满意率", ("甲", "乙"), &[]),
        // All zero or all None.
        level_distribution(
            "空",
            &["满意", "不满意"],
            &[LevelRow {
                label: "甲".into(),
                counts: vec![0, 0],
                not_rated: 0,
            }],
        ),
        ranked_bars(
            "空",
            "满意率",
            &[RankedRow {
                rank: Some(1),
                label: "甲".into(),
                value: None,
            }],
            None,
        ),
        ranked_bars(
            "空",
            "满意率",
            &[RankedRow {
                rank: Some(1),
                label: "甲".into(),
                value: Some(f64::NAN),
            }],
            None,
        ),
        indicator_scores(
            "空",
            &["进度"],
            &[IndicatorRow {
                label: "甲".into(),
                scores: vec![None],
            }],
        ),
        indicator_scores("空", &[], &indicator_rows(2)),
        turnout(
            "空",
            &[TurnoutRow {
                label: "甲".into(),
                voted: 0,
                invited: 0,
            }],
        ),
        round_compare(
            "空",
            "满意率",
            ("甲", "乙"),
            &[CompareRow {
                label: "甲".into(),
                a: None,
                b: None,
            }],
        ),
    ];
    for svg in empty {
        let texts = parse(&svg);
        assert!(texts.iter().any(|t| t == "暂无数据"), "{texts:?}");
        assert!(svg.contains("<title>空</title>"));
    }
}

#[test]
fn missing_values_say_no_data() {
    let ranked = ranked_bars(
        "t",
        "满意率",
        &[
            RankedRow {
                rank: Some(1),
                label: "甲".into(),
                value: Some(90.0),
            },
            RankedRow {
                rank: Some(1),
                label: "乙".into(),
                value: None,
            },
        ],
        None,
    );
    let compare = round_compare(
        "t",
        "满意率",
        ("一", "二"),
        &[CompareRow {
            label: "甲".into(),
            a: None,
            b: Some(70.0),
        }],
    );
    let indicators = indicator_scores("t", &["甲", "乙", "丙"], &indicator_rows(1));
    let levels = level_distribution(
        "t",
        &["好", "差"],
        &[
            LevelRow {
                label: "甲".into(),
                counts: vec![1, 1],
                not_rated: 0,
            },
            LevelRow {
                label: "乙".into(),
                counts: vec![],
                not_rated: 0,
            },
        ],
    );
    let turnout = turnout(
        "t",
        &[
            TurnoutRow {
                label: "合计".into(),
                voted: 5,
                invited: 10,
            },
            TurnoutRow {
                label: "乙".into(),
                voted: 0,
                invited: 0,
            },
        ],
    );
    for svg in [ranked, compare, indicators, levels, turnout] {
        let texts = parse(&svg);
        assert!(texts.iter().any(|t| t == "无数据"), "{texts:?}");
        assert!(!texts.iter().any(|t| t == "暂无数据"));
    }
}

#[test]
fn values_are_printed_with_one_decimal() {
    let texts = parse(&ranked_bars("t", "满意率", &ranked_rows(2), None));
    assert!(
        texts.iter().any(|t| t == "95.0") && texts.iter().any(|t| t == "94.0"),
        "{texts:?}"
    );
    assert!(texts.iter().any(|t| t == "1. 单位1") && texts.iter().any(|t| t == "2. 单位2"));
    assert!(texts.iter().any(|t| t == "满意率"));

    let texts = parse(&indicator_scores(
        "t",
        &["进度", "质量", "成效"],
        &indicator_rows(1),
    ));
    for t in ["88.2", "76.0", "进度", "质量", "成效", "得分"] {
        assert!(texts.iter().any(|x| x == t), "{t} missing in {texts:?}");
    }

    let texts = parse(&round_compare(
        "t",
        "满意率",
        ("第一轮", "第二轮"),
        &compare_rows(1),
    ));
    for t in ["81.5", "90.0", "第一轮", "第二轮"] {
        assert!(texts.iter().any(|x| x == t), "{t} missing in {texts:?}");
    }
}

#[test]
fn out_of_range_values_do_not_break() {
    let rows = [
        RankedRow {
            rank: Some(1),
            label: "甲".into(),
            value: Some(120.0),
        },
        RankedRow {
            rank: Some(1),
            label: "乙".into(),
            value: Some(-5.0),
        },
        RankedRow {
            rank: Some(1),
            label: "丙".into(),
            value: Some(f64::INFINITY),
        },
    ];
    let texts = parse(&ranked_bars("t", "x", &rows, Some((f64::NAN, "线"))));
    assert!(texts.iter().any(|t| t == "120.0") && texts.iter().any(|t| t == "-5.0"));
    assert!(texts.iter().any(|t| t == "无数据"));
}

#[test]
fn reference_line_is_labelled() {
    let svg = ranked_bars("t", "满意率", &ranked_rows(3), Some((80.0, "达标线 80")));
    let texts = parse(&svg);
    assert!(texts.iter().any(|t| t == "达标线 80"));
    let plain = ranked_bars("t", "满意率", &ranked_rows(3), None);
    // The dashed line adds path segments and a reserved band above the plot.
    assert!(svg.matches("<polyline").count() > plain.matches("<polyline").count());
    assert!(height(&svg) > height(&plain));
}

#[test]
fn turnout_prints_share_and_counts() {
    let rows = [
        TurnoutRow {
            label: "全体".into(),
            voted: 17,
            invited: 20,
        },
        TurnoutRow {
            label: "第一代表团".into(),
            voted: 3,
            invited: 3,
        },
    ];
    let texts = parse(&turnout("投票率", &rows));
    for t in [
        "85.0%",
        "100.0%",
        "已投 17 / 应投 20",
        "已投 3 / 应投 3",
        "全体",
        "第一代表团",
    ] {
        assert!(texts.iter().any(|x| x == t), "{t} missing in {texts:?}");
    }
}

#[test]
fn markup_in_labels_is_escaped() {
    let label = "A&B<局>\"'";
    let svgs = [
        level_distribution(
            "标题&<",
            &["好&坏"],
            &[LevelRow {
                label: label.into(),
                counts: vec![2],
                not_rated: 0,
            }],
        ),
        ranked_bars(
            "标题&<",
            "x&y",
            &[RankedRow {
                rank: Some(1),
                label: label.into(),
                value: Some(50.0),
            }],
            Some((60.0, "线&")),
        ),
        indicator_scores(
            "标题&<",
            &["甲&乙"],
            &[IndicatorRow {
                label: label.into(),
                scores: vec![Some(1.0)],
            }],
        ),
        turnout(
            "标题&<",
            &[TurnoutRow {
                label: label.into(),
                voted: 1,
                invited: 2,
            }],
        ),
        round_compare(
            "标题&<",
            "x",
            ("a&", "<b>"),
            &[CompareRow {
                label: label.into(),
                a: Some(1.0),
                b: None,
            }],
        ),
        level_distribution("标题&<", &[], &[]),
    ];
    for svg in svgs {
        let texts = parse(&svg);
        assert!(svg.contains("<title>标题&amp;&lt;</title>"));
        assert!(svg.contains("aria-label=\"标题&amp;&lt;\""));
        assert!(!svg.contains("A&B"));
        if !texts.iter().any(|t| t == "暂无数据") {
            assert!(texts.iter().any(|t| t.ends_with(label)), "{texts:?}");
        }
    }
}

#[test]
fn long_labels_are_truncated() {
    let long = "这是一个非常非常长的单位名称用来测试截断是否正常工作";
    let rows = [RankedRow {
        rank: Some(1),
        label: long.into(),
        value: Some(60.0),
    }];
    for svg in [
        ranked_bars("t", "x", &rows, None),
        level_distribution(
            "t",
            &["好"],
            &[LevelRow {
                label: long.into(),
                counts: vec![1],
                not_rated: 0,
            }],
        ),
        turnout(
            "t",
            &[TurnoutRow {
                label: long.into(),
                voted: 1,
                invited: 2,
            }],
        ),
    ] {
        let texts = parse(&svg);
        let cut = texts
            .iter()
            .find(|t| t.ends_with('…'))
            .expect("a truncated label");
        let kept = cut.trim_start_matches("1. ").trim_end_matches('…');
        assert!(
            kept.chars().count() >= 10 && long.starts_with(kept),
            "{cut}"
        );
        assert!(!texts.iter().any(|t| t.contains(long)));
        // The label area stays within 45 % of the canvas.
        assert!(text::width(cut, 18.0) <= 720.0 * 0.45, "{cut}");
    }
    // Labels that fit are kept whole.
    let texts = parse(&ranked_bars(
        "t",
        "x",
        &[RankedRow {
            rank: Some(1),
            label: "武汉东湖新技术开发区管委会".into(),
            value: Some(1.0),
        }],
        None,
    ));
    assert!(
        texts.iter().any(|t| t == "1. 武汉东湖新技术开发区管委会"),
        "{texts:?}"
    );
}

#[test]
fn height_grows_with_rows() {
    let few = all_charts(5);
    let many = all_charts(30);
    for (a, b) in few.iter().zip(&many) {
        let (ha, hb) = (height(a), height(b));
        assert!(hb >= ha + 25 * 30, "{ha} -> {hb}");
        // At least ~36 px per row.
        assert!(hb >= 36 * 30, "{hb}");
    }
}

#[test]
fn text_uses_the_font_stack_at_readable_sizes() {
    let mut charts = all_charts(4);
    charts.push(ranked_bars("空", "x", &[], None));
    for svg in charts {
        let tags = text_tags(&svg);
        assert!(!tags.is_empty());
        for tag in tags {
            assert_eq!(attr(tag, "font-family"), Some(FONT), "{tag}");
            let size: f64 = attr(tag, "font-size").unwrap().parse().unwrap();
            assert!(size >= 17.99, "{tag}");
        }
    }
}

#[test]
fn text_stays_on_the_canvas() {
    let long = "一（12）这是一个非常长的任务标签需要被截断处理";
    let rows = [IndicatorRow {
        label: long.into(),
        scores: vec![Some(100.0), Some(0.0)],
    }];
    for svg in [
        indicator_scores("t", &["甲", "乙"], &rows),
        ranked_bars(
            "t",
            "x",
            &[RankedRow {
                rank: Some(1),
                label: long.into(),
                value: Some(100.0),
            }],
            Some((99.0, "很长的参考线标签")),
        ),
    ] {
        for tag in text_tags(&svg) {
            let x: f64 = attr(tag, "x").unwrap().parse().unwrap();
            assert!((0.0..=720.0).contains(&x), "{tag}");
        }
    }
}

#[test]
fn level_colours_follow_okabe_ito() {
    assert!(level_colours(0).is_empty());
    assert_eq!(level_colours(3), ["#0072B2", "#56B4E9", "#D55E00"]);
    assert_eq!(
        level_colours(4),
        ["#0072B2", "#56B4E9", "#E69F00", "#D55E00"]
    );
    for n in 1..12 {
        let c = level_colours(n);
        assert_eq!(c.len(), n);
        assert_eq!(c[0], "#0072B2");
        assert!(!c.contains(&NOT_RATED_COLOUR));
    }
}

#[test]
fn text_helpers() {
    assert_eq!(text::truncate("市财政局", 18.0, 200.0), "市财政局");
    assert_eq!(text::truncate("一二三四五六", 10.0, 40.0), "一二三…");
    assert_eq!(text::fmt1(-0.01), "0.0");
    assert_eq!(text::fmt1(87.46), "87.5");
    assert_eq!(
        text::wrap("一二三四五六七", 10.0, 30.0, 2),
        ["一二三", "四五…"]
    );
    assert_eq!(
        canvas::ink_on(&canvas::rgb("#0072B2")),
        plotters::style::WHITE
    );
    assert_eq!(
        canvas::ink_on(&canvas::rgb("#E69F00")),
        plotters::style::BLACK
    );
}

#[test]
fn a_narrow_distribution_fits_a_phone_with_each_label_above_its_bar() {
    let rows = vec![
        LevelRow {
            label: "(一)1 加速推进大健康产业空间布局".into(),
            counts: vec![10, 5, 20],
            not_rated: 1,
        },
        LevelRow {
            label: "市经济和信息化局".into(),
            counts: vec![30, 3, 2],
            not_rated: 0,
        },
    ];
    let svg = level_distribution_narrow("分布", &["满意", "基本满意", "不满意"], &rows);
    parse(&svg);
    let open = &svg[..svg.find('>').unwrap()];
    assert_eq!(attr(open, "width"), Some("400"), "{open}");
    assert!(open.contains("viewBox=\"0 0 400 "), "{open}");
    // Every text and every bar segment is inside the 400 px canvas: the 不满意 segment (the
    // last before 未评) included.
    for tag in text_tags(&svg) {
        let x: f64 = attr(tag, "x").unwrap().parse().unwrap();
        assert!((0.0..=400.0).contains(&x), "{tag}");
    }
    let rects: Vec<&str> = svg
        .split("<rect")
        .skip(1)
        .map(|r| &r[..r.find('>').unwrap()])
        .collect();
    assert!(!rects.is_empty());
    for r in &rects {
        let x: f64 = attr(r, "x").unwrap().parse().unwrap();
        let w: f64 = attr(r, "width").unwrap().parse().unwrap();
        assert!(x >= 0.0 && x + w <= 400.0, "{r}");
    }
    // The label stands whole on its own line, left-aligned at the margin, above its bar.
    let content = |t: &str| tag_text(&svg, t);
    let label = text_tags(&svg)
        .into_iter()
        .find(|t| content(t) == "市经济和信息化局")
        .expect("the unit's label, uncut");
    assert_eq!(attr(label, "x"), Some("16"), "{label}");
    let label_y: f64 = attr(label, "y").unwrap().parse().unwrap();
    let count = text_tags(&svg)
        .into_iter()
        .find(|t| content(t) == "30")
        .expect("the 30 in its segment");
    let count_y: f64 = attr(count, "y").unwrap().parse().unwrap();
    assert!(
        count_y > label_y + 20.0,
        "bar below label: {label_y} {count_y}"
    );
}

#[test]
fn narrow_ranked_bars_fit_a_phone_with_each_label_whole_above_its_bar() {
    let rows = vec![
        RankedRow {
            rank: Some(1),
            label: "(一)1 加速推进大健康产业空间布局".into(),
            value: Some(100.0),
        },
        RankedRow {
            rank: Some(2),
            label: "武汉临空港经济技术开发区管委会".into(),
            value: Some(42.5),
        },
        RankedRow {
            rank: None,
            label: "市税务局".into(),
            value: None,
        },
    ];
    let svg = ranked_bars_narrow("排名", "综合指数", &rows, None);
    parse(&svg);
    let open = &svg[..svg.find('>').unwrap()];
    assert_eq!(attr(open, "width"), Some("400"), "{open}");
    assert!(open.contains("viewBox=\"0 0 400 "), "{open}");
    for tag in text_tags(&svg) {
        let x: f64 = attr(tag, "x").unwrap().parse().unwrap();
        assert!((0.0..=400.0).contains(&x), "{tag}");
    }
    for r in svg
        .split("<rect")
        .skip(1)
        .map(|r| &r[..r.find('>').unwrap()])
    {
        let x: f64 = attr(r, "x").unwrap().parse().unwrap();
        let w: f64 = attr(r, "width").unwrap().parse().unwrap();
        assert!(x >= 0.0 && x + w <= 400.0, "{r}");
    }
    let content = |t: &str| tag_text(&svg, t);
    let y = |t: &str| -> f64 { attr(t, "y").unwrap().parse().unwrap() };
    // Each label whole (rank included), at the margin, and its value on the bar line below.
    for (label, value) in [
        ("1. (一)1 加速推进大健康产业空间布局", "100.0"),
        ("2. 武汉临空港经济技术开发区管委会", "42.5"),
        // No data, no rank: named without a number.
        ("市税务局", "无数据"),
    ] {
        let l = text_tags(&svg)
            .into_iter()
            .find(|t| content(t) == label)
            .unwrap_or_else(|| panic!("{label} uncut"));
        assert_eq!(attr(l, "x"), Some("16"), "{l}");
        let v = text_tags(&svg)
            .into_iter()
            .filter(|t| content(t) == value)
            .map(y)
            .find(|vy| *vy > y(l))
            .unwrap_or_else(|| panic!("{value} below {label}"));
        assert!(v > y(l) + 15.0 && v < y(l) + 60.0, "{label}: {} {v}", y(l));
    }
    // The wide chart is unchanged: 720 wide, labels in a column left of the bars.
    let wide = ranked_bars("排名", "综合指数", &rows, None);
    assert!(wide[..wide.find('>').unwrap()].contains("viewBox=\"0 0 720 "));
}

#[test]
fn ranked_bars_keep_tied_ranks() {
    let row = |rank, label: &str| RankedRow {
        rank,
        label: label.into(),
        value: Some(50.0),
    };
    let rows = [
        row(Some(1), "市财政局"),
        row(Some(1), "市商务局"),
        row(Some(3), "市税务局"),
    ];
    for svg in [
        ranked_bars("t", "x", &rows, None),
        ranked_bars_narrow("t", "x", &rows, None),
    ] {
        let texts = parse(&svg);
        for want in ["1. 市财政局", "1. 市商务局", "3. 市税务局"] {
            assert!(texts.iter().any(|t| t == want), "{want}: {texts:?}");
        }
        assert!(!texts.iter().any(|t| t == "2. 市商务局"), "{texts:?}");
    }
}

#[test]
fn the_filings_grid_marks_every_cell_in_words_too_and_the_progress_line_its_last_value() {
    use super::handling::{Cell, GridRow, filing_grid, progress_line};
    let months: Vec<String> = (5..=8).map(|m| format!("{m}月")).collect();
    let rows = vec![
        GridRow {
            label: "市科技局".into(),
            cells: vec![Cell::OnTime, Cell::Late, Cell::Missing, Cell::NotDue],
        },
        GridRow {
            label: "市商务局".into(),
            cells: vec![Cell::Returned, Cell::OnTime, Cell::OnTime, Cell::NotDue],
        },
    ];
    let svg = filing_grid("各单位月报报送情况", &months, &rows);
    assert!(svg.starts_with("<svg"), "{svg}");
    for s in [
        "市科技局",
        "市商务局",
        "5月",
        "8月",
        "✓",
        "迟",
        "✗",
        "退",
        "逾期未报",
    ] {
        assert!(svg.contains(s), "{s} missing");
    }
    assert!(filing_grid("空", &months, &[]).contains("暂无数据"));
    let line = progress_line(
        "(一)1 完成进度",
        &months,
        &[0.25, 0.5, 0.75, 1.0],
        &[Some(0.2), Some(0.45), None, None],
    );
    assert!(line.contains("45.0%"), "the last value is written");
    assert!(line.contains("应达"));
    assert!(progress_line("空", &months, &[0.5; 4], &[None; 4]).contains("暂无数据"));
}
