//! Request logging that never carries a code. Every request gets a span with its method and
//! its path, with a ballot link's code replaced by `…`: a log line at any level, joined with
//! the office's list of who holds which code, must not tell who voted when. Query strings are
//! left out (the ballot server function takes the code there).

use axum::http::Request;
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::trace::{MakeSpan, TraceLayer};

/// The path as it may be logged: `/v/{code}` and everything under it lose the code, and
/// control characters are escaped.
pub fn loggable_path(path: &str) -> String {
    let mut segments = path.split('/').filter(|s| !s.is_empty());
    // The first segment as the router would see it if it were `v`: in any case, percent-encoded
    // or after doubled slashes (such paths are 404s, but a mistyped link still carries a code).
    let first = segments.next().map(|s| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .to_ascii_lowercase()
    });
    let redacted = if first.as_deref() == Some("v") {
        let code = segments.next();
        let tail: Vec<&str> = segments.collect();
        match (code, tail.is_empty()) {
            (None, _) => "/v/".to_string(),
            (Some(_), true) => "/v/…".to_string(),
            (Some(_), false) => format!("/v/…/{}", tail.join("/")),
        }
    } else {
        path.to_string()
    };
    let mut out = String::with_capacity(redacted.len());
    for c in redacted.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// The span of one request: method and redacted path, nothing else.
#[derive(Clone, Copy, Debug, Default)]
pub struct RedactedSpan;

impl<B> MakeSpan<B> for RedactedSpan {
    fn make_span(&mut self, req: &Request<B>) -> tracing::Span {
        tracing::debug_span!(
            "request",
            method = %req.method(),
            path = %loggable_path(req.uri().path()),
        )
    }
}

/// tower-http's trace layer with [`RedactedSpan`].
pub fn layer() -> TraceLayer<SharedClassifier<ServerErrorsAsFailures>, RedactedSpan> {
    TraceLayer::new_for_http().make_span_with(RedactedSpan)
}

#[cfg(test)]
mod tests {
    use super::loggable_path;

    #[test]
    fn codes_never_reach_the_log() {
        assert_eq!(loggable_path("/v/ABCDE-FGHJK-MNPQR-STVWX"), "/v/…");
        assert_eq!(
            loggable_path("/v/ABCDEFGHJKMNPQRSTVWX/revise"),
            "/v/…/revise"
        );
        assert_eq!(loggable_path("/results/3"), "/results/3");
        assert_eq!(loggable_path("/v/"), "/v/");
        assert_eq!(loggable_path("/desk\n"), "/desk\\n");
        // A mistyped link is a 404, but it still carries a code.
        assert_eq!(loggable_path("/V/ABCDE-FGHJK-MNPQR-STVWX"), "/v/…");
        assert_eq!(loggable_path("//v/ABCDE-FGHJK-MNPQR-STVWX"), "/v/…");
        assert_eq!(
            loggable_path("/%76/ABCDEFGHJKMNPQRSTVWX/revise"),
            "/v/…/revise"
        );
        assert_eq!(loggable_path("/verify/3"), "/verify/3");
    }
}
