//! No log line at any level carries a code. Alone in its test binary: tracing caches which
//! call sites are enabled, and a test on another thread without this subscriber would make
//! call sites look disabled here.

mod common;

use axum::http::StatusCode;
use common::{TestApp, complete_ballot, receipt_of};
use std::sync::{Arc, Mutex};

/// Collects everything the tracing subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn no_log_line_at_any_level_carries_a_code() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let t = TestApp::on_file().await;
    let r = t
        .open_round_with_codes(&common::round_settings("2020年度满意度测评"), 2)
        .await;
    let (a, b) = (&r.codes[0], &r.codes[1]);
    // Everything a deputy's phone does: open the link, review, cast, cast again, revise, a
    // wrong receipt, the JSON the page could ask for.
    t.get(&format!("/v/{}", a.display()), None).await;
    let review = complete_ballot(&r.items, "k").replace("action=submit", "action=review");
    t.vote(a, &review).await;
    let cast = t.vote(a, &complete_ballot(&r.items, "k")).await;
    assert_eq!(cast.status, StatusCode::OK);
    t.vote(a, &complete_ballot(&r.items, "k")).await;
    let receipt = receipt_of(&cast.body);
    t.post(
        &format!("/v/{}/revise", a.display()),
        None,
        &format!("receipt={receipt}"),
    )
    .await;
    t.post(
        &format!("/v/{}/revise", b.as_str()),
        None,
        "receipt=AAAAA-AAAAA-AAAAA-AAAAA",
    )
    .await;
    t.get(&format!("/api/ballot/open?code={}", b.display()), None)
        .await;

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    // The test sees the requests at all: it could fail.
    assert!(log.contains("/v/…"), "no request was logged:\n{log}");
    for code in [a, b] {
        for form in [
            code.display(),
            code.as_str().to_string(),
            code.as_str().to_lowercase(),
        ] {
            assert!(
                !log.contains(&form),
                "the log carries a code ({form}):\n{log}"
            );
        }
    }
    assert!(!log.contains(&receipt), "the log carries a receipt");
}
