//! Tests of numbers and item markers (`markers.rs`), with the proposal number, session and
//! date line that are read with them.

use super::*;
use crate::plan::parse::front_matter::{proposal_number, session_of};
use crate::plan::parse::furniture::parse_date_line;
use crate::plan::parse::markers::{Marker, chapter_heading, cn_value, item_marker};
use crate::plan::parse::normalise::chars_of;

// ---------------------------------------------------------------------------------------------
// Numbers and item markers

#[test]
fn markers_and_numbers() {
    assert_eq!(cn_value(&chars_of("十四")), Some(14));
    assert_eq!(cn_value(&chars_of("二十九")), Some(29));
    assert_eq!(cn_value(&chars_of("十")), Some(10));
    assert_eq!(cn_value(&chars_of("二〇二〇")), Some(2020));
    assert_eq!(cn_value(&chars_of("一百零五")), Some(105));
    assert_eq!(
        item_marker("(一)推进"),
        Some((Marker::ParenCn, 1, "推进".to_string()))
    );
    assert_eq!(
        item_marker("12、推进"),
        Some((Marker::Arabic, 12, "推进".to_string()))
    );
    assert_eq!(
        item_marker("(3)推进"),
        Some((Marker::ParenArabic, 3, "推进".to_string()))
    );
    assert_eq!(item_marker("2.5亿元"), None);
    assert_eq!(item_marker("2020年"), None);
    assert_eq!(
        chapter_heading("二、工作任务"),
        Some((2, "工作任务".to_string()))
    );
    assert_eq!(chapter_heading("二、工作任务很多。"), None);
    assert_eq!(
        proposal_number("市十四届人大五次会议3号议案办理工作方案"),
        Some(3)
    );
    assert_eq!(proposal_number("第十二号议案"), Some(12));
    assert_eq!(
        session_of("为认真办理市十四届人大五次会议《关于…案》").as_deref(),
        Some("市十四届人大五次会议")
    );
    assert_eq!(
        parse_date_line("二〇二〇年四月二十九日"),
        Some(date(2020, 4, 29))
    );
    assert_eq!(parse_date_line("2020年4月29日"), Some(date(2020, 4, 29)));
    assert_eq!(parse_date_line("2020年4月31日"), None);
}
