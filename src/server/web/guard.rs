//! Safe defaults on every response, and cross-site posts refused.
//!
//! - A Content-Security-Policy: scripts, styles, images and connections from this site only,
//!   WebAssembly allowed (`'wasm-unsafe-eval'`); no plugins, no framing, forms post only here.
//!   No inline script runs without the answer's own nonce (`web::nonce`), which Leptos puts on
//!   the small module script that wakes the islands.
//! - No referrer (a ballot link carries its code), no framing, no sniffing, no powerful
//!   features, and pages never cached unless they are built assets under `/pkg`.
//! - A `POST` whose `Origin` is another site (scheme and host), or that the browser marks
//!   `Sec-Fetch-Site: cross-site` or `same-site`, is refused with 403 before any handler runs:
//!   no cross-site form can cast, sign in, or change anything (the session cookie is also
//!   `SameSite=Lax`). A `POST` that says neither where it comes from is refused too, except
//!   the ballot's (no cookie authorises it, and old phones must still vote).
//! - GETs that write to the audit trail (exports) take [`NotCrossSite`], which refuses them
//!   when the browser says another site sent it there.
//! - `Strict-Transport-Security` when the proxy says the browser came over TLS.
//! - Every `POST` is a web form: any other content type gets 415, and a body announced larger
//!   than [`MAX_BODY_BYTES`](crate::server::web::MAX_BODY_BYTES) gets 413, each with a short
//!   page in Chinese, before any handler runs. The liaison's two forms that may bring files
//!   ([`upload::takes_files`]) take `multipart/form-data` too, up to
//!   [`MAX_UPLOAD_BODY_BYTES`](upload::MAX_UPLOAD_BODY_BYTES). (A body without a length that grows past the
//!   limit is cut off by the body-limit layer, also with 413.)

use crate::server::web::nonce::{CspNonce, NONCE};
use crate::server::web::problem::{Frame, Problem};
use crate::server::web::upload;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The policy of an answer without a nonce (refusals, assets): no inline script at all.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
                       style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
                       font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
                       frame-ancestors 'none'";

/// The policy of a page whose inline scripts carry `nonce`.
pub fn csp_with_nonce(nonce: &str) -> String {
    CSP.replacen(
        "script-src 'self'",
        &format!("script-src 'self' 'nonce-{nonce}'"),
        1,
    )
}

/// `Strict-Transport-Security` for answers that went out over TLS: a year, subdomains not
/// included (the congress's other sites are not ours to pin).
pub const HSTS: &str = "max-age=31536000";

/// Whether a request comes from another site. Browsers say so in `Sec-Fetch-Site`, which a
/// proxy does not touch; without it (older browsers) `Origin` is compared, scheme and host,
/// with the address the browser asked for: `X-Forwarded-Proto` and `X-Forwarded-Host` from a
/// reverse proxy, else `http` and `Host`.
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
    let first = |v: &str| v.split(',').next().unwrap_or("").trim().to_string();
    let scheme = text("x-forwarded-proto")
        .map(first)
        .unwrap_or_else(|| "http".to_string());
    let host = text("x-forwarded-host")
        .or_else(|| text("host"))
        .map(first)
        .unwrap_or_default();
    let (origin_scheme, origin_host) = origin
        .trim_end_matches('/')
        .split_once("://")
        .unwrap_or(("", origin));
    !(origin_scheme.eq_ignore_ascii_case(&scheme) && origin_host.eq_ignore_ascii_case(&host))
}

/// Whether a browser says where a request comes from at all (`Sec-Fetch-Site` or `Origin`).
/// Every browser that can sign in here sends one of them with a `POST`.
pub fn says_where_from(headers: &HeaderMap) -> bool {
    headers.contains_key("sec-fetch-site") || headers.contains_key(header::ORIGIN)
}

/// Whether a `POST` to `path` may come without [`says_where_from`]: only the ballot's
/// (`/v/…`), which no cookie authorises, so that old phones can still vote. Everything else
/// (sign-in, every staff form, the tellers' posts) must say.
pub fn may_post_unmarked(path: &str) -> bool {
    // `/v`: typing a code changes nothing (it answers with a redirect to the code's page).
    path.starts_with("/v/") || path == "/v"
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
fn refuse_post(path: &str, headers: &HeaderMap) -> Option<Response> {
    if cross_site(headers) || !(may_post_unmarked(path) || says_where_from(headers)) {
        return Some(refusal(
            StatusCode::FORBIDDEN,
            "不接受来自其他网站的提交",
            "为安全起见，本站只接受在本站页面上填写的表单。请打开本站页面重新提交。",
        ));
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let files = upload::takes_files(path);
    if !(is_form(content_type) || files && upload::is_multipart(content_type)) {
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
    let (limit, said) = if files && upload::is_multipart(content_type) {
        (
            upload::MAX_UPLOAD_BODY_BYTES,
            "一次最多上传5个文件，每个不超过20 MB。请分几次上传，或压缩后重新提交。",
        )
    } else {
        (
            crate::server::web::MAX_BODY_BYTES,
            "一次提交的内容不能超过 1 MB。请删减后重新提交。",
        )
    };
    if length.is_some_and(|n| n > limit as u64) {
        return Some(refusal(
            StatusCode::PAYLOAD_TOO_LARGE,
            "提交的内容过多",
            said,
        ));
    }
    None
}

pub async fn guard(mut req: Request, next: Next) -> Response {
    let tls = crate::server::service::session::secure(req.headers());
    if req.method() == Method::POST
        && let Some(refused) = refuse_post(req.uri().path(), req.headers())
    {
        return with_headers(refused, false, tls, None);
    }
    let assets = req.uri().path().starts_with("/pkg/");
    let nonce = CspNonce::fresh();
    req.extensions_mut().insert(nonce.clone());
    let res = NONCE.scope(nonce.clone(), next.run(req)).await;
    with_headers(res, assets, tls, Some(&nonce))
}

/// Pages are never cached (they are personal); built assets under `/pkg` are, for an hour.
/// (The security headers are set by tower-http layers in the router, from [`security_headers`].)
/// The policy with `nonce` goes on every answer made under it (unless the handler set one);
/// HSTS on answers over TLS.
fn with_headers(
    mut res: Response<Body>,
    assets: bool,
    tls: bool,
    nonce: Option<&CspNonce>,
) -> Response {
    let value = if assets {
        "public, max-age=3600"
    } else {
        "no-store"
    };
    let headers = res.headers_mut();
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static(value));
    if let Some(nonce) = nonce
        && let Ok(policy) = HeaderValue::from_str(&csp_with_nonce(&nonce.0))
    {
        headers
            .entry(header::CONTENT_SECURITY_POLICY)
            .or_insert(policy);
    }
    if tls {
        headers
            .entry(header::STRICT_TRANSPORT_SECURITY)
            .or_insert(HeaderValue::from_static(HSTS));
    }
    res
}

/// Refuses a GET (or any request) that the browser says another site sent here: for the
/// downloads that write to the audit trail, so that a link on another site cannot make a
/// signed-in office member export (`SameSite=Lax` cookies go along with such a link).
pub struct NotCrossSite;

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for NotCrossSite {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Response> {
        if cross_site(&parts.headers) {
            Err(refusal(
                StatusCode::FORBIDDEN,
                "请从本站页面下载",
                "为安全起见，导出文件只能从本站页面上的链接下载。请打开本站页面重新下载。",
            ))
        } else {
            Ok(NotCrossSite)
        }
    }
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
            ("origin", "http://rd.example.cn")
        ])));
        assert!(!cross_site(&headers(&[
            ("host", "rd.example.cn"),
            ("x-forwarded-proto", "https"),
            ("origin", "https://rd.example.cn")
        ])));
        // The scheme counts: a page served over plain HTTP (a downgraded or spoofed one) is
        // not the TLS site, nor the other way round.
        assert!(cross_site(&headers(&[
            ("host", "rd.example.cn"),
            ("x-forwarded-proto", "https"),
            ("origin", "http://rd.example.cn")
        ])));
        assert!(cross_site(&headers(&[
            ("host", "rd.example.cn"),
            ("origin", "https://rd.example.cn")
        ])));
        assert!(cross_site(&headers(&[
            ("host", "rd.example.cn"),
            ("origin", "rd.example.cn")
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
            ("x-forwarded-proto", "https"),
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
    fn only_the_ballot_may_post_without_saying_where_from() {
        assert!(!says_where_from(&headers(&[("host", "rd.example.cn")])));
        assert!(says_where_from(&headers(&[("origin", "http://x")])));
        assert!(says_where_from(&headers(&[("sec-fetch-site", "none")])));
        assert!(may_post_unmarked("/v/ABCDE-FGHJK"));
        // Typing a code changes nothing: an old phone may do it too.
        assert!(may_post_unmarked("/v"));
        for path in [
            "/login",
            "/logout",
            "/desk/rounds/1/state",
            "/teller/1/1/step",
            "/vx",
            "/v2/x",
        ] {
            assert!(!may_post_unmarked(path), "{path}");
        }
    }

    #[test]
    fn the_nonce_goes_into_the_script_policy_only() {
        let policy = csp_with_nonce("abc123");
        assert!(policy.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval';"));
        assert!(
            !policy.contains("unsafe-inline';")
                || policy.contains("style-src 'self' 'unsafe-inline'")
        );
        assert!(!CSP.contains("script-src 'self' 'unsafe-inline'"));
        assert_eq!(policy.matches("nonce-").count(), 1);
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
