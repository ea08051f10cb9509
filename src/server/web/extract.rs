//! What a handler needs before its first line: who is asking (and whether their role may),
//! the round in the path, and the posted form, each as an extractor whose refusal is a
//! [`Problem`] page or the way to the sign-in page.
//!
//! ```ignore
//! async fn post_state(staff: StaffRound<Office>, WebForm(f): WebForm<StateForm>) -> …
//! ```

use crate::message::Bilingual;
use crate::server::repo::account::{self, Account, AccountRole};
use crate::server::repo::handling::{self, ReportingUnit};
use crate::server::repo::round::{self, Round, RoundError};
use crate::server::web::AppState;
use crate::server::web::problem::Problem;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::de::DeserializeOwned;
use std::marker::PhantomData;

/// Which roles may use a page.
pub trait Roles: Send + Sync + 'static {
    const ROLES: &'static [AccountRole];
    /// Who the page is for, as the refusal names them.
    const FOR: &'static str;
}

/// The office only.
pub struct Office;
/// Evaluators only.
pub struct Evaluator;
/// Either staff role.
pub struct AnyStaff;
/// A unit's liaison (联络员).
pub struct Liaison;
/// Whoever holds an account: their own account's pages.
pub struct AnyAccount;

impl Roles for Office {
    const ROLES: &'static [AccountRole] = &[AccountRole::Office];
    const FOR: &'static str = "领导小组办公室";
}
impl Roles for Evaluator {
    const ROLES: &'static [AccountRole] = &[AccountRole::Evaluator];
    const FOR: &'static str = "第三方评估人员";
}
impl Roles for AnyAccount {
    const ROLES: &'static [AccountRole] = &[
        AccountRole::Evaluator,
        AccountRole::Office,
        AccountRole::Liaison,
    ];
    const FOR: &'static str = "已登录的用户";
}
impl Roles for Liaison {
    const ROLES: &'static [AccountRole] = &[AccountRole::Liaison];
    const FOR: &'static str = "各单位联络员";
}
impl Roles for AnyStaff {
    const ROLES: &'static [AccountRole] = &[AccountRole::Evaluator, AccountRole::Office];
    const FOR: &'static str = "第三方评估人员";
}

/// A signed-in staff member whose role is one of `R`'s. Nobody signed in (or an expired
/// session): a 303 to the sign-in page, which comes back to the page asked for. The wrong
/// role: 403.
pub struct Staff<R: Roles> {
    pub who: Account,
    _roles: PhantomData<R>,
}

impl<R: Roles> FromRequestParts<AppState> for Staff<R> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Some(live) =
            crate::server::service::session::current(&state.pool, &parts.headers).await
        else {
            let back = return_path(&parts.method, parts.uri.path());
            return Err(see_other(&format!("/login?next={}", encode_next(&back))));
        };
        // A password the office reset is changed, and a required second factor set up,
        // before anything else is done.
        if let Some(first) = live.first_step()
            && !parts.uri.path().starts_with("/account")
        {
            return Err(see_other(first));
        }
        let who = live.account;
        if !R::ROLES.contains(&who.role) {
            let message = format!(
                "此页面仅供{}使用。您当前登录的账号是“{}”。",
                R::FOR,
                who.login
            );
            return Err(Problem::new(StatusCode::FORBIDDEN, "无权访问", message)
                .seen_by(&who)
                .into_response());
        }
        Ok(Staff {
            who,
            _roles: PhantomData,
        })
    }
}

/// A signed-in liaison and the unit they report for. Its unit gone from the plans (or no
/// longer a reporting unit): 403, saying so.
pub struct UnitLiaison {
    pub who: Account,
    pub unit: ReportingUnit,
}

impl FromRequestParts<AppState> for UnitLiaison {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Staff { who, .. } = Staff::<Liaison>::from_request_parts(parts, state).await?;
        let refuse = |p: Problem| p.seen_by(&who).into_response();
        let unit = match account::unit_of(&state.pool, who.id).await {
            Ok(Some(unit)) => handling::reporting_unit(&state.pool, unit).await,
            Ok(None) => Err(handling::HandlingError::NoUnit),
            Err(e) => Err(e.into()),
        };
        match unit {
            Ok(unit) => Ok(UnitLiaison { who, unit }),
            Err(handling::HandlingError::Db(e)) => Err(refuse(Problem::unavailable(e))),
            Err(e) => Err(refuse(Problem::new(
                StatusCode::FORBIDDEN,
                "无权访问",
                format!(
                    "您的账号没有对应的报送单位：{}请联系领导小组办公室。",
                    e.zh()
                ),
            ))),
        }
    }
}

/// [`Staff`] and the round named by the path's `{round}`: unknown or malformed, 404.
pub struct StaffRound<R: Roles> {
    pub who: Account,
    pub round: Round,
    _roles: PhantomData<R>,
}

impl<R: Roles> FromRequestParts<AppState> for StaffRound<R> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Staff { who, .. } = Staff::<R>::from_request_parts(parts, state).await?;
        let refuse = |p: Problem| p.seen_by(&who).into_response();
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| refuse(Problem::no_round()))?;
        let id = params
            .iter()
            .find(|(name, _)| *name == "round")
            .and_then(|(_, v)| v.parse::<i64>().ok())
            .ok_or_else(|| refuse(Problem::no_round()))?;
        let round = round::get(&state.pool, id)
            .await
            .map_err(|e| refuse(e.into()))?;
        Ok(StaffRound {
            who,
            round,
            _roles: PhantomData,
        })
    }
}

impl From<RoundError> for Problem {
    fn from(e: RoundError) -> Problem {
        let message = e.zh();
        match e {
            RoundError::NotFound(_) => Problem::no_round(),
            RoundError::NoPlan(_) => Problem::conflict("还没有工作方案", message),
            RoundError::NoName
            | RoundError::NothingRated
            | RoundError::BadScale(_)
            | RoundError::ClosesInThePast => Problem::bad_request("无法保存", message),
            RoundError::PastClosing(_) => Problem::conflict("结束时间已过", message),
            RoundError::NoKeys(_) => Problem::conflict("还没有监票人密钥", message),
            RoundError::Counted(_) | RoundError::Counting(_) => {
                Problem::conflict("已经计票", message)
            }
            RoundError::WrongState { .. } => Problem::conflict("无法操作", message),
            RoundError::Damaged { .. } => Problem::unavailable(e),
            RoundError::Db(e) => Problem::unavailable(e),
        }
    }
}

impl From<sqlx::Error> for Problem {
    fn from(e: sqlx::Error) -> Problem {
        Problem::unavailable(e)
    }
}

/// A posted web form read into `T` with serde (`#[serde(default)]` structs: a missing field
/// is empty, an unknown one ignored). These are the staff's and sign-in's forms, read as
/// leniently as browsers write them; the ballot keeps its own strict decoder
/// (`ballot::validate::decode_ballot`), which refuses what serde would let through.
pub struct WebForm<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for WebForm<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        let FormBody(body) = FormBody::from_request(req, state).await?;
        serde_urlencoded::from_bytes(&body)
            .map(WebForm)
            .map_err(|e| {
                tracing::info!(error = %e, "unreadable form");
                Problem::bad_request(
                    "表单内容有误",
                    "提交的表单无法读取，请在本站页面上重新填写提交。",
                )
            })
    }
}

/// A posted body as bytes, for the ballot's strict decoder. A body that grows past
/// `MAX_BODY_BYTES` without announcing its length (the guard refuses those that announce it)
/// is refused here with the same Chinese 413 page; one that stops coming (`listen`'s stall
/// limit) with a 408.
pub struct FormBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for FormBody {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        use axum::extract::rejection::{BytesRejection, FailedToBufferBody};
        match Bytes::from_request(req, state).await {
            Ok(body) => Ok(FormBody(body)),
            Err(BytesRejection::FailedToBufferBody(FailedToBufferBody::LengthLimitError(_))) => {
                Err(Problem::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "提交的内容过多",
                    "一次提交的内容不能超过 1 MB。请删减后重新提交。",
                )
                .in_frame(crate::server::web::problem::Frame::Site))
            }
            // The body stopped coming (the stall limit) or the connection broke.
            Err(e) => {
                tracing::info!(error = %e, "a body that did not arrive");
                Err(Problem::new(
                    StatusCode::REQUEST_TIMEOUT,
                    "提交没有完成",
                    "提交的内容没有完整送到，可能是网络不稳定。请回到上一页重新提交。",
                )
                .in_frame(crate::server::web::problem::Frame::Site))
            }
        }
    }
}

/// The address the request came from: the peer's, or, when the peer is a trusted reverse
/// proxy (this machine, as in the README, or one given with `--trusted-proxy`), the last
/// address the proxy added to `X-Forwarded-For`. A remote peer cannot choose its address
/// this way.
pub struct ClientAddr(pub Option<std::net::IpAddr>);

/// Marks a request whose peer is a trusted proxy other than loopback (set by `web::listen`).
#[derive(Debug, Clone, Copy)]
pub struct TrustedProxy;

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip().to_canonical());
        let trusted = parts.extensions.get::<TrustedProxy>().is_some();
        Ok(ClientAddr(client_addr(peer, trusted, &parts.headers)))
    }
}

/// See [`ClientAddr`]: `trusted` says the peer is a trusted proxy (loopback always is).
/// Without a known peer (a request built in a test) the forwarded address is taken as a
/// local proxy's.
pub fn client_addr(
    peer: Option<std::net::IpAddr>,
    trusted: bool,
    headers: &axum::http::HeaderMap,
) -> Option<std::net::IpAddr> {
    let forwarded = || {
        headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .next_back()
            .and_then(|a| a.trim().parse().ok())
    };
    match peer {
        Some(p) if !trusted && !p.is_loopback() => Some(p),
        Some(p) => forwarded().or(Some(p)),
        None => forwarded(),
    }
}

/// A 303 to `to` (after a form post, or to the sign-in page); never cached.
pub fn see_other(to: &str) -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// The page a visitor comes back to after signing in: the page itself for a GET; for a form
/// post, the page the form is on.
pub fn return_path(method: &Method, path: &str) -> String {
    if method == Method::GET || method == Method::HEAD {
        return path.to_string();
    }
    let parts: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let parent = |n: usize| parts[..parts.len().saturating_sub(n)].join("/");
    match parts.as_slice() {
        ["", "desk", "rounds"] => "/desk/rounds/new".into(),
        ["", "desk", "plans"] | ["", "desk", "plans", "preview"] => "/desk/plans/new".into(),
        [.., "invitations", _, "revoke"] => parent(2),
        [.., "state" | "settings" | "submit"] => parent(1),
        _ => path.to_string(),
    }
}

/// What may stay as it is in a `next=` value: a path of this site.
const NEXT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'-')
    .remove(b'_')
    .remove(b'.');

fn encode_next(path: &str) -> String {
    utf8_percent_encode(path, NEXT).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_paths_are_encoded() {
        assert_eq!(encode_next("/results/1"), "/results/1");
        assert_eq!(encode_next("/score/1?x=1&y"), "/score/1%3Fx%3D1%26y");
        assert_eq!(encode_next("/结果"), "/%E7%BB%93%E6%9E%9C");
    }

    #[test]
    fn a_post_comes_back_to_its_form() {
        let post = Method::POST;
        assert_eq!(
            return_path(&Method::GET, "/desk/rounds/3/report"),
            "/desk/rounds/3/report"
        );
        assert_eq!(return_path(&post, "/desk/rounds"), "/desk/rounds/new");
        assert_eq!(return_path(&post, "/desk/plans/preview"), "/desk/plans/new");
        assert_eq!(return_path(&post, "/desk/rounds/3/state"), "/desk/rounds/3");
        assert_eq!(
            return_path(&post, "/desk/rounds/3/settings"),
            "/desk/rounds/3"
        );
        assert_eq!(return_path(&post, "/score/3/submit"), "/score/3");
        assert_eq!(
            return_path(&post, "/desk/rounds/3/invitations/9/revoke"),
            "/desk/rounds/3/invitations"
        );
        assert_eq!(return_path(&post, "/score/3/t12"), "/score/3/t12");
    }
}
