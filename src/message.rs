//! The one way an error speaks to people: in Chinese on a page, in English on the command line
//! and in logs.
//!
//! Every error type a person may read implements [`Bilingual`]. `Display` (what `thiserror`
//! derives) is the English sentence, so logs and `anyhow` chains stay English; [`Bilingual::zh`]
//! is the sentence a page shows. The two are written side by side in each error's module, never
//! joined into one string and split again.

use std::fmt::Display;

/// A message in both languages.
pub trait Bilingual: Display {
    /// The Chinese sentence a page shows.
    fn zh(&self) -> String;

    /// The English sentence for the command line (the `Display` text).
    fn en(&self) -> String {
        self.to_string()
    }
}

/// The sealed ballot's refusals (`ceping-seal` words them in both languages itself, for the
/// tellers' browser bundle too).
#[cfg(feature = "ssr")]
impl Bilingual for crate::seal::SealError {
    fn zh(&self) -> String {
        crate::seal::SealError::zh(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("Only English here.")]
    struct Sample;

    impl Bilingual for Sample {
        fn zh(&self) -> String {
            "这里是中文。".into()
        }
    }

    #[test]
    fn english_is_the_display_text_and_chinese_is_separate() {
        assert_eq!(Sample.en(), "Only English here.");
        assert_eq!(Sample.to_string(), Sample.en());
        assert_eq!(Sample.zh(), "这里是中文。");
    }
}
