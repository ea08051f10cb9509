//! Safe defaults on every response, and cross-site posts refused.
//!
//! - A Content-Security-Policy: scripts, styles, images and connections from this site only,
//!   WebAssembly allowed (`'wasm-unsafe-eval'`); no plugins, no framing, forms post only here.
//!   Inline scripts stay allowed because Leptos wakes the islands with a small inline module
//!   script; every page's HTML is escaped by Leptos, which is what stops injected markup.
//! - No referrer (a ballot link carries its code), no framing, no sniffing, no powerful
//!   features, and pages never cached unless they are built assets under `/pkg`.
//! - A `POST` whose `Origin` is another site, or that the browser marks `Sec-Fetch-Site:
//!   cross-site`, is refused with 403 before any handler runs: no cross-site form can cast,
//!   sign in, or change anything (the session cookie is also `SameSite=Lax`).
//! - Every `POST` is a web form: any other content type gets 415, and a body announced larger
//!   than [`MAX_BODY_BYTES`](crate::server::web::MAX_BODY_BYTES) gets 413, each with a short
//!   page in Chinese, before any handler runs. (A body without a length that grows past the
//!   limit is cut off by the body-limit layer, also with 413.)

use crate::server::web::problem::{Frame, Problem};
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub const CSP: &str = "default-src 'self'; script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; \
                       style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
                       font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
                       frame-ancestors 'none'";

/// Whether a request comes from another site. Browsers say so in `Sec-Fetch-Site`, which a
/// proxy does not touch; without it (older browsers) `Origin` is compared with the host the
/// browser asked for (`X-Forwarded-Host` from a reverse proxy, else `Host`).
pub fn cross_site(headers: &HeaderMap) -> bool {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = text("sec-fetch-site") {
        // "same-site" is another subdomain of the same domain: not this site either.
        return !(site.eq_ignore_ascii_case("same-origin") || site.eq_ignore_ascii_case("none"));
    }
    let Some(origin) = text("origin") else {
        return false;
    };
    if origin == "null" {
        return true;
    }
    let origin_host = origin
        .split_once("://")
        .map(|(_, rest)| rest)
        .unwrap_or(origin)
        .trim_end_matches('/');
    let host = text("x-forwarded-host")
        .and_then(|h| h.split(',').next())
        .or_else(|| text("host"))
        .unwrap_or("")
        .trim();
    !origin_host.eq_ignore_ascii_case(host)
}

/// Whether a `Content-Type` is a web form's (`application/x-www-form-urlencoded`, with any
/// parameters such as a charset).
pub fn is_form(content_type: Option<&str>) -> bool {
    content_type
        .and_then(|t| t.split(';').next())
        .is_some_and(|t| {
            t.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

/// A short page for a request refused before it reached the app, in the site's frame.
fn refusal(status: StatusCode, title: &'static str, message: &str) -> Response {
    Problem::new(status, title, message)
        .in_frame(Frame::Site)
        .into_response()
}

/// Refuses a `POST` that no page of this site could have sent.
fn refuse_post(headers: &HeaderMap) -> Option<Response> {
    if cross_site(headers) {
        return Some(refusal(
            StatusCode::FORBIDDEN,
            "不接受来自其他网站的提交",
            "为安全起见，本站只接受在本站页面上填写的表单。请打开本站页面重新提交。",
        ));
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    if !is_form(content_type) {
        return Some(refusal(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "提交格式不正确",
            "本站只接受网页表单的提交（application/x-www-form-urlencoded）。请在本站页面上重新填写提交。",
        ));
    }
    let length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if length.is_some_and(|n| n > crate::server::web::MAX_BODY_BYTES as u64) {
        return Some(refusal(
            StatusCode::PAYLOAD_TOO_LARGE,
            "提交的内容过多",
            "一次提交的内容不能超过 1 MB。请删减后重新提交。",
        ));
    }
    None
}

pub async fn guard(req: Request, next: Next) -> Response {
    if req.method() == Method::POST
        && let Some(refused) = refuse_post(req.headers())
    {
        return with_headers(refused, false);
    }
    let assets = req.uri().path().starts_with("/pkg/");
    with_headers(next.run(req).await, assets)
}

/// Pages are never cached (they are personal); built assets under `/pkg` are, for an hour.
/// (The security headers are set by tower-http layers in the router, from [`security_headers`].)
fn with_headers(mut res: Response<Body>, assets: bool) -> Response {
    let value = if assets {
        "public, max-age=3600"
    } else {
        "no-store"
    };
    res.headers_mut()
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static(value));
    res
}

/// The security headers every answer carries, each set unless the handler set it.
pub fn security_headers() -> [(header::HeaderName, HeaderValue); 6] {
    [
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
        ),
        (
            header::HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn same_site_posts_pass_and_cross_site_ones_do_not() {
        assert!(!cross_site(&headers(&[("host", "rd.example.cn")])));
        assert!(!cross_site(&headers(&[
            ("host", "rd.example.cn"),
            ("origin", "https://rd.example.cn")
        ])));
        assert!(!cross_site(&headers(&[("sec-fetch-site", "same-origin")])));
        // Behind a proxy that rewrites Host, the browser's own word counts.
        assert!(!cross_site(&headers(&[
            ("host", "127.0.0.1:3000"),
            ("origin", "https://rd.example.cn"),
            ("sec-fetch-site", "same-origin")
        ])));
        assert!(!cross_site(&headers(&[
            ("host", "127.0.0.1:3000"),
            ("x-forwarded-host", "rd.example.cn"),
            ("origin", "https://rd.example.cn")
        ])));
        assert!(cross_site(&headers(&[
            ("host", "rd.example.cn"),
            ("origin", "https://evil.example")
        ])));
        assert!(cross_site(&headers(&[
            ("host", "rd.example.cn"),
            ("origin", "null")
        ])));
        assert!(cross_site(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(cross_site(&headers(&[("sec-fetch-site", "same-site")])));
        assert!(!cross_site(&headers(&[("sec-fetch-site", "none")])));
    }

    #[test]
    fn only_web_forms_are_posted() {
        assert!(is_form(Some("application/x-www-form-urlencoded")));
        assert!(is_form(Some(
            "application/x-www-form-urlencoded; charset=UTF-8"
        )));
        assert!(is_form(Some("Application/X-WWW-Form-Urlencoded")));
        assert!(!is_form(None));
        assert!(!is_form(Some("application/json")));
        assert!(!is_form(Some("text/plain")));
        assert!(!is_form(Some("multipart/form-data; boundary=x")));
        assert!(!is_form(Some("application/x-www-form-urlencoded-not")));
    }
}
