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

pub async fn guard(req: Request, next: Next) -> Response {
    if req.method() == Method::POST && cross_site(req.headers()) {
        return (
            StatusCode::FORBIDDEN,
            "Cross-site form posts are refused. 不接受来自其他网站的提交。",
        )
            .into_response();
    }
    let assets = req.uri().path().starts_with("/pkg/");
    let mut res: Response<Body> = next.run(req).await;
    let h = res.headers_mut();
    let mut set = |name: header::HeaderName, value: &'static str| {
        if !h.contains_key(&name) {
            h.insert(name, HeaderValue::from_static(value));
        }
    };
    set(header::CONTENT_SECURITY_POLICY, CSP);
    set(header::REFERRER_POLICY, "no-referrer");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(
        header::HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=(), payment=()",
    );
    set(
        header::HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    if assets {
        set(header::CACHE_CONTROL, "public, max-age=3600");
    } else {
        set(header::CACHE_CONTROL, "no-store");
    }
    res
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
}
