//! The application under test: a database with the seed plan, the router over it as `ceping
//! serve` builds it, and typed helpers for what the suites set up (signed-in staff, rounds with
//! codes) and for the requests they send.

use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::header::{self, HeaderName};
use axum::http::{Method, Request, StatusCode};
use ceping::ballot::InviteCode;
use ceping::model::round::RoundAction;
use ceping::seal::TellerFile;
use ceping::server::repo::account::{self, AccountRole};
use ceping::server::repo::invite::{self, Invitee};
use ceping::server::repo::round::{self, NewRound};
use ceping::server::service::count;
use ceping::server::web as http;
use http_body_util::BodyExt;
use sqlx::SqlitePool;
use tower::ServiceExt;

use super::{PASSWORD, round_settings, seeded_file_pool, seeded_pool};

/// The host every request is addressed to, as a browser on the hall's network asks for it.
const HOST: &str = "rd.example.cn";

/// A database and the router over it. Cheap to clone: clones share the database and the server's
/// state (a clone is what a spawned task takes along).
#[derive(Clone)]
pub struct TestApp {
    pub pool: SqlitePool,
    pub app: Router,
    /// The server's state behind the router (its sign-in throttle, its secret).
    pub state: http::AppState,
    /// The folder of a file database, removed when the last clone is dropped.
    dir: Option<Arc<tempfile::TempDir>>,
    /// The tellers' key files of the rounds this app opened (one person holds them all).
    keys: Arc<std::sync::Mutex<std::collections::HashMap<i64, Vec<TellerFile>>>>,
}

/// A round of the seed plan with its invitation codes.
pub struct Round {
    pub id: i64,
    /// Its items ("t1", …, "u3", …), in the order of the ballot.
    pub items: Vec<String>,
    /// Unlabelled codes, in the order they were issued.
    pub codes: Vec<InviteCode>,
}

/// An answer from the router, read whole.
pub struct Res {
    pub status: StatusCode,
    pub location: Option<String>,
    /// The first `Set-Cookie` header.
    pub cookie: Option<String>,
    pub headers: axum::http::HeaderMap,
    pub bytes: Vec<u8>,
    /// The body as text (lossy UTF-8).
    pub body: String,
}

impl Res {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    /// The status and the body as text, for a test that reads nothing else.
    pub fn status_and_body(self) -> (StatusCode, String) {
        (self.status, self.body)
    }
}

impl TestApp {
    /// The seed plan in a fresh in-memory database.
    pub async fn new() -> TestApp {
        TestApp::on(seeded_pool().await).await
    }

    /// The seed plan in a database file, `ceping.db` in a folder of its own, opened as `ceping
    /// serve` opens it.
    pub async fn on_file() -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let pool = seeded_file_pool(&dir.path().join("ceping.db")).await;
        TestApp {
            dir: Some(Arc::new(dir)),
            ..TestApp::on(pool).await
        }
    }

    /// The router over `pool`, as `ceping serve` builds it.
    pub async fn on(pool: SqlitePool) -> TestApp {
        let options = http::leptos_options("target/site".into(), "127.0.0.1:0".parse().unwrap());
        let state = http::AppState::new(pool.clone(), options).await.unwrap();
        TestApp {
            app: http::router(state.clone()),
            state,
            pool,
            dir: None,
            keys: Arc::default(),
        }
    }

    /// The same database behind a router over `state` (the server's state with something
    /// added, such as an audit key).
    #[allow(dead_code)]
    pub fn with_state(self, state: http::AppState) -> TestApp {
        TestApp {
            app: http::router(state.clone()),
            state,
            ..self
        }
    }

    /// The folder of the database file (of [`TestApp::on_file`]), for other files beside it.
    pub fn dir(&self) -> &Path {
        self.dir.as_ref().expect("a file database").path()
    }

    /// Creates an office account with a second factor (office accounts must have one) and
    /// signs it in: its session cookie.
    pub async fn office(&self, login: &str) -> String {
        account::create(&self.pool, login, AccountRole::Office, PASSWORD)
            .await
            .unwrap();
        self.give_totp(login).await;
        self.passed_session(login).await
    }

    /// A session of `login` that passed its second factor (as after a right code): its cookie.
    pub async fn passed_session(&self, login: &str) -> String {
        let who = account::by_login(&self.pool, login).await.unwrap();
        let token = account::open_session_from(&self.pool, who.id, "", true)
            .await
            .unwrap();
        format!("ceping_session={token}")
    }

    /// Gives the account `login` a second factor, as its enrolment in another browser would
    /// (its sessions end): its secret.
    pub async fn give_totp(&self, login: &str) -> Vec<u8> {
        use ceping::totp::{self, Purpose};
        let who = account::by_login(&self.pool, login).await.unwrap();
        let secret = totp::new_secret();
        let sealed = totp::seal(&self.state.totp_key, Purpose::Stored, who.id, 0, &secret);
        let enabled =
            ceping::server::repo::two_factor::enable(&self.pool, &who, &sealed, 0, &[], None)
                .await
                .unwrap();
        assert!(enabled, "{login} had a second factor already");
        secret
    }

    /// Creates an evaluator's account and signs it in: its session cookie.
    pub async fn evaluator(&self, login: &str) -> String {
        self.signed_in(login, AccountRole::Evaluator).await
    }

    /// Creates a liaison's account for `unit` and signs it in: its session cookie.
    pub async fn liaison(&self, login: &str, unit: i64) -> String {
        let id = account::create_liaison(&self.pool, login, unit, PASSWORD, false, None)
            .await
            .unwrap();
        let token = account::open_session(&self.pool, id).await.unwrap();
        format!("ceping_session={token}")
    }

    async fn signed_in(&self, login: &str, role: AccountRole) -> String {
        let id = account::create(&self.pool, login, role, PASSWORD)
            .await
            .unwrap();
        let token = account::open_session(&self.pool, id).await.unwrap();
        format!("ceping_session={token}")
    }

    /// Creates a draft round of the seed plan with [`round_settings`]; its id.
    pub async fn round(&self, name: &str) -> i64 {
        self.round_with(&round_settings(name)).await
    }

    /// Creates a draft round with these settings; its id.
    pub async fn round_with(&self, settings: &NewRound) -> i64 {
        round::create(&self.pool, settings, "test").await.unwrap()
    }

    /// Issues `n` unlabelled codes for `round`.
    pub async fn codes(&self, round: i64, n: usize) -> Vec<InviteCode> {
        let prepared = invite::prepare(&vec![Invitee::default(); n]);
        invite::issue(&self.pool, round, &prepared, None, "test")
            .await
            .unwrap();
        prepared.into_iter().map(|(c, _)| c).collect()
    }

    /// Issues `n` unlabelled codes for an open `round`, with the reason that needs.
    pub async fn codes_with_reason(&self, round: i64, n: usize, reason: &str) -> Vec<InviteCode> {
        let prepared = invite::prepare(&vec![Invitee::default(); n]);
        invite::issue(&self.pool, round, &prepared, Some(reason), "test")
            .await
            .unwrap();
        prepared.into_iter().map(|(c, _)| c).collect()
    }

    /// The items of `round`, in the order of the ballot.
    pub async fn items(&self, round: i64) -> Vec<String> {
        round::items(&self.pool, round)
            .await
            .unwrap()
            .into_iter()
            .map(|i| i.item.0)
            .collect()
    }

    /// Makes a draft round's tellers' keys (named 甲, 乙, 丙 unless named already), kept here
    /// for [`TestApp::count`].
    pub async fn make_keys(&self, round: i64) {
        let files = super::solo_keys(&self.pool, round).await;
        self.keys.lock().unwrap().insert(round, files);
    }

    /// Opens `round`, making its tellers' keys first.
    pub async fn open(&self, round: i64) {
        self.make_keys(round).await;
        self.transition(round, RoundAction::Open).await;
    }

    /// The key files of a round this app opened.
    pub fn keys(&self, round: i64) -> Vec<TellerFile> {
        self.keys.lock().unwrap()[&round].clone()
    }

    /// Closes `round` if it is open, and counts it with two of its three tellers' keys.
    pub async fn count(&self, round: i64) {
        if round::get(&self.pool, round).await.unwrap().state == round::RoundState::Open {
            self.close(round).await;
        }
        let mut files = self.keys(round);
        let done = count::post_shares(&self.pool, round, &mut files[..2], &mut |_| Ok(()), "test")
            .await
            .unwrap();
        assert!(matches!(done, count::Progress::Counted { .. }), "{done:?}");
        self.keys.lock().unwrap().insert(round, files);
    }

    /// Closes `round`.
    pub async fn close(&self, round: i64) {
        self.transition(round, RoundAction::Close).await;
    }

    async fn transition(&self, round: i64, action: RoundAction) {
        round::transition(&self.pool, round, action, "test", None)
            .await
            .unwrap();
    }

    /// A draft round with these settings and `n` codes.
    pub async fn round_with_codes(&self, settings: &NewRound, n: usize) -> Round {
        let id = self.round_with(settings).await;
        Round {
            codes: self.codes(id, n).await,
            items: self.items(id).await,
            id,
        }
    }

    /// The same, opened.
    pub async fn open_round_with_codes(&self, settings: &NewRound, n: usize) -> Round {
        let round = self.round_with_codes(settings, n).await;
        self.open(round.id).await;
        round
    }

    /// Sends `req` through the router.
    pub async fn send(&self, req: Request<Body>) -> Res {
        let res = self.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let header = |name| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let location = header(header::LOCATION);
        let cookie = header(header::SET_COOKIE);
        let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        Res {
            status,
            location,
            cookie,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes,
        }
    }

    /// A request as a browser on [`HOST`] sends it, with a session cookie if given and these
    /// headers. A `POST` says where it comes from (`Origin: http://HOST`, as every browser that
    /// signs in sends) unless `headers` name `Origin` or `Sec-Fetch-Site` themselves.
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        cookie: Option<&str>,
        headers: &[(HeaderName, &str)],
        body: impl Into<Body>,
    ) -> Res {
        let says = headers
            .iter()
            .any(|(name, _)| name == header::ORIGIN || name.as_str() == "sec-fetch-site");
        let origin = format!("http://{HOST}");
        let mut marked: Vec<(HeaderName, &str)> = headers.to_vec();
        if method == Method::POST && !says {
            marked.push((header::ORIGIN, &origin));
        }
        self.bare_request(method, path, cookie, &marked, body).await
    }

    /// [`TestApp::request`] with exactly these headers (and `Host`), as an old browser or a
    /// script sends it.
    pub async fn bare_request(
        &self,
        method: Method,
        path: &str,
        cookie: Option<&str>,
        headers: &[(HeaderName, &str)],
        body: impl Into<Body>,
    ) -> Res {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, HOST);
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        for (name, value) in headers {
            req = req.header(name, *value);
        }
        self.send(req.body(body.into()).unwrap()).await
    }

    /// A GET, with a session cookie if given.
    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Res {
        self.request(Method::GET, path, cookie, &[], Body::empty())
            .await
    }

    /// A web form's post, with a session cookie if given.
    pub async fn post(&self, path: &str, cookie: Option<&str>, body: &str) -> Res {
        self.post_typed_as(path, cookie, body, "application/x-www-form-urlencoded")
            .await
    }

    /// A post of `body` as `content_type`, without a session.
    pub async fn post_typed(&self, path: &str, body: &str, content_type: &str) -> Res {
        self.post_typed_as(path, None, body, content_type).await
    }

    async fn post_typed_as(
        &self,
        path: &str,
        cookie: Option<&str>,
        body: &str,
        content_type: &str,
    ) -> Res {
        let headers = [(header::CONTENT_TYPE, content_type)];
        let res = self
            .request(Method::POST, path, cookie, &headers, body.to_string())
            .await;
        self.follow_cast(res).await
    }

    /// A cast ballot is answered `303` to its confirmation page, with the notice in a cookie
    /// for that page: followed here as a browser follows it, so that a suite reads the
    /// confirmation (`tests/ballot.rs` checks the answer itself with [`TestApp::post_raw`]).
    pub async fn follow_cast(&self, res: Res) -> Res {
        let done = res.location.clone().filter(|l| {
            res.status == StatusCode::SEE_OTHER && l.starts_with("/v/") && l.ends_with("/done")
        });
        let Some(done) = done else {
            return res;
        };
        let cookie = res
            .cookie
            .as_deref()
            .and_then(|c| c.split(';').next())
            .map(str::to_string);
        self.get(&done, cookie.as_deref()).await
    }

    /// A web form's post, answered as it is (no redirect followed).
    pub async fn post_raw(&self, path: &str, body: &str) -> Res {
        let headers = [(header::CONTENT_TYPE, "application/x-www-form-urlencoded")];
        self.request(Method::POST, path, None, &headers, body.to_string())
            .await
    }

    /// A deputy's ballot form for `code`, posted.
    pub async fn vote(&self, code: &InviteCode, body: &str) -> Res {
        self.post(&format!("/v/{}", code.display()), None, body)
            .await
    }
}
