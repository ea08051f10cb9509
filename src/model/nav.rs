//! Where a visitor may be sent next.

/// Only a path of this site may follow a sign-in (no open redirect); anything else goes to the
/// desk.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        // A path of this site only: browsers drop tabs and new lines from URLs, so "/\t/x"
        // would become "//x", another site.
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(|c| c.is_control() || c.is_whitespace()) =>
        {
            n.to_string()
        }
        _ => "/desk".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_paths_of_this_site_follow_a_sign_in() {
        assert_eq!(safe_next(Some("/results/1")), "/results/1");
        assert_eq!(safe_next(Some("/score/1?x=1")), "/score/1?x=1");
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/x",
            "https://evil.example",
            "",
            "desk",
        ] {
            assert_eq!(safe_next(Some(bad)), "/desk", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/desk");
    }
}
