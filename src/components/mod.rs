//! View pieces shared by pages.

pub mod format;
pub mod islands;
pub mod layout;
pub mod notice;
pub mod plan;

/// Text to put between `<textarea>` and `</textarea>`, escaped.
///
/// Leptos (tachys) writes a textarea's children out as they are, as it does for `<script>`:
/// without this, a comment, note or pasted plan holding `</textarea><script>…` would end the
/// field and run as script on the page that shows it again. The browser decodes the entities
/// back, so the field holds exactly what was typed.
pub fn textarea_text(text: impl AsRef<str>) -> String {
    html_escape::encode_text(text.as_ref()).into_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn textarea_text_cannot_end_the_field() {
        let s = super::textarea_text("</textarea><script>alert(1)</script> & 意见");
        assert_eq!(
            s,
            "&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; 意见"
        );
    }
}
