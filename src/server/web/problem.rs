//! One problem type for every refusal and failure a handler, an extractor or the guard answers
//! with: a status, a Chinese title and message, and what the visitor may do next.
//!
//! A handler returns `Result<_, Problem>`; `Problem` becomes a response that carries itself in
//! an extension, and one middleware ([`render_problems`]) draws the page for it in the frame of
//! whoever asked (a staff member sees the staff frame with their name). Internal errors are
//! logged once, where they become a `Problem`, and shown without details.

use crate::components::notice::Notice;
use crate::server::repo::account::Account;
use crate::server::service::session::{account_for_token, session_token};
use crate::server::web::AppState;
use crate::server::web::frame::StaffFrame;
use crate::server::web::render::render_page;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;
use std::borrow::Cow;

/// The frame a problem page is drawn in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frame {
    /// The site's plain frame, with a way home (refusals before any page was reached).
    Site,
    /// The staff frame: who is signed in, the desk, sign-out.
    Staff,
    /// The ballot's frame (a deputy has no account): the hint says how to go back.
    Ballot,
}

#[derive(Debug, Clone)]
pub struct Problem {
    pub status: StatusCode,
    pub title: Cow<'static, str>,
    pub message: String,
    /// What the visitor may do now, when the frame does not already say it.
    pub hint: Option<String>,
    pub frame: Frame,
    /// Who is signed in, when the page should say so (filled in by [`render_problems`]).
    pub who: Option<Account>,
    /// A link to go on with: (href, text).
    pub next: Option<(String, String)>,
}

impl Problem {
    pub fn new(
        status: StatusCode,
        title: impl Into<Cow<'static, str>>,
        message: impl Into<String>,
    ) -> Problem {
        Problem {
            status,
            title: title.into(),
            message: message.into(),
            hint: None,
            frame: Frame::Staff,
            who: None,
            next: None,
        }
    }

    pub fn bad_request(title: impl Into<Cow<'static, str>>, message: impl Into<String>) -> Problem {
        Problem::new(StatusCode::BAD_REQUEST, title, message)
    }

    pub fn not_found(title: impl Into<Cow<'static, str>>, message: impl Into<String>) -> Problem {
        Problem::new(StatusCode::NOT_FOUND, title, message)
    }

    pub fn conflict(title: impl Into<Cow<'static, str>>, message: impl Into<String>) -> Problem {
        Problem::new(StatusCode::CONFLICT, title, message)
    }

    /// The database or a worker failed: logged here, once, and answered with a 503 that says
    /// nothing was lost.
    pub fn unavailable(e: impl std::fmt::Display) -> Problem {
        tracing::error!(error = %e, "request failed");
        Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "暂时无法显示",
            "服务器暂时无法完成这个请求，请稍后刷新。已保存的内容不受影响。",
        )
    }

    /// The page for a round id that does not exist.
    pub fn no_round() -> Problem {
        Problem::not_found("没有这个测评轮次", "链接中的测评轮次不存在。")
    }

    pub fn in_frame(mut self, frame: Frame) -> Problem {
        self.frame = frame;
        self
    }

    pub fn with_title(mut self, title: impl Into<Cow<'static, str>>) -> Problem {
        self.title = title.into();
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Problem {
        self.hint = Some(hint.into());
        self
    }

    pub fn with_link(mut self, href: impl Into<String>, text: impl Into<String>) -> Problem {
        self.next = Some((href.into(), text.into()));
        self
    }

    pub fn seen_by(mut self, who: &Account) -> Problem {
        self.who = Some(who.clone());
        self
    }

    /// The whole page.
    pub fn page(&self) -> Response {
        let Problem {
            status,
            title,
            message,
            hint,
            frame,
            who,
            next,
        } = self.clone();
        let title = title.into_owned();
        let head = title.clone();
        render_page(None, status, &head, "", move || match frame {
            Frame::Staff => view! {
                <StaffFrame who>
                    <Notice title message hint next />
                </StaffFrame>
            }
            .into_any(),
            Frame::Ballot => view! {
                <crate::pages::ballot::BallotFrame round_name=None>
                    <Notice title message hint next />
                </crate::pages::ballot::BallotFrame>
            }
            .into_any(),
            Frame::Site => view! {
                <header class="top">
                    <a class="brand" href="/">"测评"</a>
                </header>
                <main class="page">
                    <Notice
                        title
                        message
                        hint
                        next=Some(next.unwrap_or_else(|| ("/".to_string(), "返回首页".to_string())))
                    />
                </main>
            }
            .into_any(),
        })
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let mut res = self.page();
        res.extensions_mut().insert(self);
        res
    }
}

/// Draws problem pages again in the frame of whoever asked: a staff member's page names them.
/// Only answers that carry a [`Problem`] are touched, so the cost (one session look-up) is
/// paid on refusals only; on the way in, only the session cookie is read (ballot posts carry
/// none).
pub async fn render_problems(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let token = session_token(req.headers());
    let res = next.run(req).await;
    let Some(problem) = res.extensions().get::<Problem>() else {
        return res;
    };
    if problem.frame != Frame::Staff || problem.who.is_some() {
        return res;
    }
    let Some(token) = token else {
        return res;
    };
    let Some(who) = account_for_token(&state.pool, &token).await else {
        return res;
    };
    let page = problem.clone().seen_by(&who).page();
    let (mut parts, _) = res.into_parts();
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    Response::from_parts(parts, page.into_body())
}
