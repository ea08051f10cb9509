//! How the document names its parts: section numerals, task labels, headings, unit kinds.
//! Pure; used by the pages, the ballot form and the results alike.

use crate::plan::model::UnitKind;

/// Chinese numeral of a section, as the document writes it: 1 → "一".
pub fn numeral(n: i64) -> String {
    const DIGITS: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        1..=9 => DIGITS[n as usize].to_string(),
        10 => "十".to_string(),
        11..=19 => format!("十{}", DIGITS[(n - 10) as usize]),
        20..=99 => format!(
            "{}十{}",
            DIGITS[(n / 10) as usize],
            DIGITS[(n % 10) as usize]
        ),
        _ => n.to_string(),
    }
}

/// "(一)2": the task's number as the document cites it.
pub fn task_label(section: i64, number: i64) -> String {
    format!("({}){}", numeral(section), number)
}

/// A task text this short is its own heading, whole (two lines on a phone).
pub const SHORT_TASK_CHARS: usize = 40;

/// A task's heading from its title (if it opens with one) and its text: the title; a short
/// text whole; else the text up to its first pause, at most 28 characters.
pub fn heading_of(title: Option<&str>, body: &str) -> String {
    match title {
        Some(t) => t.to_string(),
        None if body.chars().count() <= SHORT_TASK_CHARS => body.trim().to_string(),
        None => {
            let chars: Vec<char> = body.chars().collect();
            let cut = chars
                .iter()
                .position(|c| matches!(c, ',' | '，' | '。' | ';' | '；'))
                .unwrap_or(chars.len())
                .min(28);
            let mut s: String = chars[..cut].iter().collect();
            if cut < chars.len() {
                s.push('…');
            }
            s
        }
    }
}

/// The work a plan organises, named as a report's title and signature name it: the plan's
/// title without its book-title marks and its closing "方案" (《市十四届人大五次会议3号议案办理
/// 工作方案》 → 市十四届人大五次会议3号议案办理工作). A title that is nothing but those is kept.
pub fn work_name(plan_title: &str) -> String {
    let t = plan_title
        .trim()
        .trim_start_matches('《')
        .trim_end_matches('》')
        .trim();
    let stem = t
        .strip_suffix("实施方案")
        .or_else(|| t.strip_suffix("方案"))
        .unwrap_or(t)
        .trim();
    if stem.is_empty() {
        t.to_owned()
    } else {
        stem.to_owned()
    }
}

/// A name's key for sorting Chinese names as Chinese lists are sorted, in pinyin order,
/// syllable by syllable (江岸 "jiang an" before 江汉 "jiang han" before 武昌 "wu chang"); a
/// character without a reading (a letter, a digit) stands for itself. Ties fall to the caller.
#[cfg(feature = "ssr")]
pub fn pinyin_key(name: &str) -> String {
    use pinyin::ToPinyin;
    let mut key = String::with_capacity(name.len() * 2);
    for c in name.trim().chars() {
        match c.to_pinyin() {
            Some(p) => key.push_str(p.plain()),
            None => key.extend(c.to_lowercase()),
        }
        key.push(' ');
    }
    key
}

pub fn kind_label(kind: &UnitKind) -> &'static str {
    match kind {
        UnitKind::Municipal => "市直部门",
        UnitKind::District => "区人民政府",
        UnitKind::Zone => "开发区管委会",
        UnitKind::Collective => "统称",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "ssr")]
    #[test]
    fn names_sort_in_pinyin_order() {
        let mut names = vec![
            "武昌区代表团",
            "江汉区代表团",
            "汉阳区代表团",
            "江岸区代表团",
            "东西湖区代表团",
            "解放军代表团",
            "洪山区代表团",
            "硚口区代表团",
            "青山区代表团",
        ];
        names.sort_by_key(|n| (pinyin_key(n), n.to_string()));
        assert_eq!(
            names,
            [
                "东西湖区代表团",
                "汉阳区代表团",
                "洪山区代表团",
                "江岸区代表团",
                "江汉区代表团",
                "解放军代表团",
                "硚口区代表团",
                "青山区代表团",
                "武昌区代表团",
            ]
        );
        // Syllable by syllable: jian (见) before jiang (江), whatever follows.
        assert!(pinyin_key("见面") < pinyin_key("江岸"));
        assert_eq!(pinyin_key("A组"), "a zu ");
    }

    #[test]
    fn a_plans_work_is_its_title_without_marks_and_its_closing_word() {
        for (title, want) in [
            (
                "市十四届人大五次会议3号议案办理工作方案",
                "市十四届人大五次会议3号议案办理工作",
            ),
            (
                "《市十四届人大五次会议3号议案办理工作方案》",
                "市十四届人大五次会议3号议案办理工作",
            ),
            ("大健康产业发展实施方案", "大健康产业发展"),
            ("营商环境评价", "营商环境评价"),
            ("方案", "方案"),
            ("  ", ""),
        ] {
            assert_eq!(work_name(title), want, "{title}");
        }
    }

    #[test]
    fn a_short_task_is_its_own_heading_and_a_long_one_is_cut_at_its_first_pause() {
        assert_eq!(
            heading_of(Some("强化组织领导"), "强化组织领导。成立……"),
            "强化组织领导"
        );
        let short = "建立产业技术研究院，推动科技成果在汉转化。";
        assert!(short.chars().count() <= SHORT_TASK_CHARS);
        assert_eq!(heading_of(None, short), short);
        let long = "推进科技成果转化，建立健全以企业为主体、市场为导向、产学研深度融合的技术创新体系，加快建设一批新型研发机构";
        assert!(long.chars().count() > SHORT_TASK_CHARS);
        assert_eq!(heading_of(None, long), "推进科技成果转化…");
        let unbroken: String = std::iter::repeat_n('字', 50).collect();
        assert_eq!(heading_of(None, &unbroken).chars().count(), 29);
        assert!(heading_of(None, &unbroken).ends_with('…'));
    }
}
