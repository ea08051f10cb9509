//! The audit trail's signed head against someone who can write the database: they alter an
//! entry and re-chain every hash after it so that the chain verifies again — and the head
//! signed earlier with the key outside the database catches it; nor can they sign a new one.
#![cfg(feature = "ssr")]

use crate::common;

use ceping::server::repo::audit;
use ceping::server::service::audit_key;

fn ceping(d: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ceping"))
        .arg("--db")
        .arg(d.join("ceping.db"))
        .args(args)
        .current_dir(d)
        .env_remove("CEPING_AUDIT_KEY")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Rewrites entry `seq`'s detail and every hash after it, as a careful database writer would.
async fn rewrite_and_rechain(pool: &sqlx::SqlitePool, seq: i64, detail: &str) {
    let entries = audit::all(pool).await.unwrap();
    let mut prev = ceping::audit::GENESIS.to_string();
    let mut tx = pool.begin().await.unwrap();
    for mut e in entries {
        if e.seq == seq {
            e.detail = detail.to_string();
        }
        e.prev_hash = prev.clone();
        e.hash = ceping::audit::entry_hash(
            &e.prev_hash,
            e.seq,
            &e.at,
            &e.actor,
            &e.action,
            &e.subject,
            &e.detail,
        );
        sqlx::query("UPDATE audit_log SET detail = ?, prev_hash = ?, hash = ? WHERE seq = ?")
            .bind(&e.detail)
            .bind(&e.prev_hash)
            .bind(&e.hash)
            .bind(e.seq)
            .execute(&mut *tx)
            .await
            .unwrap();
        sqlx::query("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1")
            .bind(e.seq)
            .bind(&e.hash)
            .execute(&mut *tx)
            .await
            .unwrap();
        prev = e.hash;
    }
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn a_rechained_trail_is_caught_by_the_signed_head() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let pool = common::seeded_file_pool(&d.join("ceping.db")).await;
    for i in 0..4 {
        let detail = serde_json::json!({ "codes": 10 + i });
        audit::log(&pool, "office", "invite.issue", "round 1", detail)
            .await
            .unwrap();
    }
    // Without the key (the server makes it at its first start) nothing is signed.
    let (ok, _, err) = ceping(d, &["audit", "head"]);
    assert!(!ok && err.contains("cannot read the audit key"), "{err}");
    let key = audit_key::load_or_create(&audit_key::default_path(&d.join("ceping.db"))).unwrap();
    let (ok, head, err) = ceping(d, &["audit", "head"]);
    assert!(ok, "{err}");
    let head = head.trim().to_string();
    assert_eq!(head.split(':').count(), 3, "{head}");
    let public = err
        .split_whitespace()
        .find(|w| w.starts_with("ed25519:"))
        .unwrap()
        .to_string();
    assert_eq!(
        public,
        ceping::audit::signed::key_text(&key.verifying_key())
    );
    let (ok, out, err) = ceping(d, &["audit", "verify", "--expect-head", &head]);
    assert!(ok && out.contains("signed by"), "{out}{err}");

    // The database writer lowers how many codes were issued, and re-chains.
    rewrite_and_rechain(&pool, 2, r#"{"codes":1}"#).await;
    let (ok, out, _) = ceping(d, &["audit", "verify"]);
    assert!(ok, "the chain alone verifies again: {out}");
    let (ok, _, err) = ceping(d, &["audit", "verify", "--expect-head", &head]);
    assert!(!ok && err.contains("audit trail broken"), "{err}");
    // …and the server will not sign the forgery: the chain lost the head it signed last.
    let (ok, out, err) = ceping(d, &["audit", "head"]);
    assert!(
        !ok && out.is_empty() && err.contains("nothing signed") && err.contains("signed last"),
        "{out}{err}"
    );

    // A head for the rewritten chain: signed with another key, or the old signature on the
    // new hash — neither passes.
    let (_, out, _) = ceping(d, &["audit", "verify"]);
    let new_head = out
        .lines()
        .find_map(|l| l.strip_prefix("head "))
        .unwrap()
        .to_string();
    let (seq, hash) = new_head.split_once(':').unwrap();
    let forger = ed25519_dalek::SigningKey::from_bytes(&[9; 32]);
    let forged = ceping::audit::signed::sign(&forger, seq.parse().unwrap(), hash).to_string();
    let moved = format!("{new_head}:{}", head.rsplit(':').next().unwrap());
    for bad in [forged, moved] {
        let (ok, _, err) = ceping(d, &["audit", "verify", "--expect-head", &bad]);
        assert!(!ok && err.contains("not this server's audit key"), "{err}");
    }
    // The Standing Committee, with the public key only, checks the head it was given.
    std::fs::remove_file(audit_key::default_path(&d.join("ceping.db"))).unwrap();
    let (ok, _, err) = ceping(
        d,
        &[
            "audit",
            "verify",
            "--expect-head",
            &head,
            "--public-key",
            &public,
        ],
    );
    assert!(!ok && err.contains("audit trail broken"), "{err}");
    let (ok, _, err) = ceping(d, &["audit", "verify", "--expect-head", "7:zz"]);
    assert!(!ok && err.contains("--expect-head"), "{err}");
}

#[tokio::test]
async fn the_server_makes_its_key_at_first_start_and_shows_the_signed_head() {
    let t = common::TestApp::new().await;
    let key = ed25519_dalek::SigningKey::from_bytes(&[3; 32]);
    let anchor = tempfile::tempdir().unwrap();
    let signer = audit_key::AuditSigner::new(key.clone(), anchor.path().join("audit.key.head"));
    let state = t.state.clone().with_audit_key(signer);
    let t = t.with_state(state);
    let office = t.office("office").await;
    audit::log(
        &t.pool,
        "office",
        "round.open",
        "round 1",
        serde_json::json!({}),
    )
    .await
    .unwrap();
    let page = t.get("/desk/audit", Some(&office)).await;
    assert_eq!(page.status, axum::http::StatusCode::OK);
    let line = page
        .body
        .split("class=\"signed-head\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap();
    let head = ceping::audit::signed::ExpectedHead::parse(line).unwrap();
    assert_eq!(head.verify(&key.verifying_key()), Ok(()));
}
