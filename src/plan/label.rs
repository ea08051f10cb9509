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
