//! The tellers' key ceremony through the command line and the database: three tellers make
//! their keys in turns, the board the server keeps holds nothing secret, any two of the key
//! files open a count, and steps out of turn, foreign files and late changes are refused.

use crate::common;

use ceping::seal::ceremony::STEPS;
use ceping::seal::count::{open, verify_share};
use ceping::seal::{Sealer, Tally, TellerFile};
use ceping::server::repo::tellers;
use common::{SEED, ceping};

fn ok(dir: &std::path::Path, args: &[&str]) -> String {
    let (ok, text) = ceping(dir, args);
    assert!(ok, "{args:?}: {text}");
    text
}

fn draft_round(dir: &std::path::Path) {
    ok(dir, &["plan", "import", SEED]);
    ok(dir, &["round", "create", "--name", "监票"]);
}

async fn board_of(dir: &std::path::Path) -> tellers::Tellers {
    let pool = ceping::server::db::open(&dir.join("ceping.db"))
        .await
        .unwrap();
    let t = tellers::get(&pool, 1).await.unwrap().unwrap();
    pool.close().await;
    t
}

/// Counts 30 random ballots with the given key files and checks against a recount.
fn count_with(t: &tellers::Tellers, files: &[TellerFile]) {
    use rand::Rng;
    let mut rng = rand::rngs::OsRng;
    let keys = t.board.final_key_set().unwrap();
    let sealer = Sealer::new(&keys, 3);
    let choices: Vec<Vec<Option<usize>>> = (0..30)
        .map(|_| (0..4).map(|_| Some(rng.gen_range(0..3))).collect())
        .collect();
    let sealed: Vec<Vec<u8>> = choices.iter().map(|c| sealer.seal(c, &mut rng)).collect();
    let tally = Tally::of_ballots(12, &sealed, 1).unwrap();
    let verified: Vec<_> = files
        .iter()
        .map(|f| {
            let share = f.clone().count_share(&tally, &[], &mut rng).unwrap();
            verify_share(&keys, &t.board.context, &tally, &[], &share).unwrap()
        })
        .collect();
    let mut want = vec![0u64; 12];
    for c in &choices {
        for (item, level) in c.iter().enumerate() {
            want[item * 3 + level.unwrap()] += 1;
        }
    }
    assert_eq!(open(&keys, &tally, &verified).unwrap().cells, want);
}

#[tokio::test]
async fn three_tellers_make_their_keys_in_turns_and_any_two_open_a_count() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    draft_round(d);
    let text = ok(
        d,
        &[
            "tellers",
            "set",
            "--round",
            "1",
            "--names",
            "张三,李四，王五",
        ],
    );
    assert!(text.contains("3 tellers, any 2 of them"), "{text}");
    // The page links are keyed by the audit key, which the server makes on its first start:
    // none yet, so none shown (and none made here).
    assert!(
        text.contains("page links: not shown") && !text.contains("page: /teller"),
        "{text}"
    );
    assert!(!d.join("audit.key").exists());
    use ceping::server::service::{audit_key, teller_link};
    let key = audit_key::load_or_create(&d.join("audit.key")).unwrap();
    let text = ok(d, &["tellers", "status", "--round", "1"]);
    // The link the server (which derives its key from the same file) accepts.
    let links_key = audit_key::derive(key.as_bytes(), audit_key::TELLER_LINKS);
    let context = board_of(d).await.board.context;
    let link = teller_link::link(&links_key, 1, &context, 2);
    assert!(text.contains(&format!("page: {link}")), "{text}");
    // Each teller runs keygen; each run goes as far as the others allow, then says whom it
    // waits for, or asks the teller to compare the board's fingerprint with the others before
    // any share is sent. Round by round, as three people at three terminals would.
    let mut prints: Vec<Option<String>> = vec![None; 3];
    for round in 0..STEPS + 1 {
        for teller in 1..=3 {
            let key = format!("t{teller}.json");
            let n = teller.to_string();
            let mut args = vec![
                "tellers", "keygen", "--round", "1", "--teller", &n, "--key", &key,
            ];
            let given = prints[teller - 1].clone();
            if let Some(f) = &given {
                args.extend(["--fingerprint", f.as_str()]);
            }
            let text = ok(d, &args);
            if round == 0 && teller == 1 {
                assert!(text.contains("waiting for teller(s) 2, 3"), "{text}");
            }
            if let Some(at) = text.find("run this again with --fingerprint ") {
                let f = text[at + 34..]
                    .split('.')
                    .next()
                    .unwrap()
                    .trim()
                    .to_string();
                assert_eq!(f.len(), 39, "eight groups of four: {text}");
                prints[teller - 1] = Some(f);
            }
        }
    }
    let prints: Vec<String> = prints
        .into_iter()
        .map(|p| p.expect("every teller was asked"))
        .collect();
    assert!(
        prints.iter().all(|p| *p == prints[0]),
        "the tellers saw different boards: {prints:?}"
    );
    let status = ok(d, &["tellers", "status", "--round", "1"]);
    assert!(
        status.contains("joint key: ") && !status.contains("not yet"),
        "{status}"
    );
    assert!(!status.contains("one person"), "{status}");
    let t = board_of(d).await;
    assert!(t.board.complete());
    assert_eq!(t.names, ["张三", "李四", "王五"]);
    assert_eq!(
        t.joint_key.as_deref(),
        Some(hex::encode(t.board.final_key_set().unwrap().shared_key().as_bytes()).as_str())
    );
    // Running keygen again changes nothing and says so.
    assert!(
        ok(
            d,
            &[
                "tellers", "keygen", "--round", "1", "--teller", "2", "--key", "t2.json"
            ]
        )
        .contains("done")
    );

    // The key files are their owners' only; the board holds none of their secrets.
    let files: Vec<TellerFile> = (1..=3)
        .map(|i| {
            let path = d.join(format!("t{i}.json"));
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
                assert_eq!(
                    mode & 0o077,
                    0,
                    "teller {i}'s key is readable by others: {mode:o}"
                );
            }
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
        })
        .collect();
    let board_json = serde_json::to_string(&t.board).unwrap();
    for (i, f) in files.iter().enumerate() {
        let secrets = serde_json::to_value(f).unwrap();
        let exchange = secrets["exchange"].as_str().unwrap();
        assert!(
            !board_json.contains(exchange),
            "teller {}'s exchange secret is on the board",
            i + 1
        );
        let share = secrets["state"]["p"]["secret_share"].as_str().unwrap();
        assert!(
            !board_json.contains(share),
            "teller {}'s share is on the board",
            i + 1
        );
    }
    // A whole copy of the database holds no secret either.
    let db = std::fs::read(d.join("ceping.db")).unwrap();
    for f in &files {
        let secrets = serde_json::to_value(f).unwrap();
        for secret in [
            secrets["state"]["p"]["secret_share"].as_str().unwrap(),
            secrets["exchange"].as_str().unwrap(),
        ] {
            assert!(!db.windows(secret.len()).any(|w| w == secret.as_bytes()));
        }
    }
    for pair in [[0, 1], [1, 2], [0, 2]] {
        count_with(&t, &[files[pair[0]].clone(), files[pair[1]].clone()]);
    }
}

#[tokio::test]
async fn solo_keys_are_made_in_one_go_and_the_round_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    draft_round(d);
    ok(
        d,
        &["tellers", "set", "--round", "1", "--names", "甲,乙,丙"],
    );
    let text = ok(
        d,
        &[
            "tellers",
            "keygen",
            "--round",
            "1",
            "--solo",
            "--out-dir",
            "keys",
        ],
    );
    assert!(text.contains("one person made every key"), "{text}");
    let t = board_of(d).await;
    assert!(t.solo && t.board.complete());
    let files: Vec<TellerFile> = (1..=3)
        .map(|i| {
            serde_json::from_str(
                &std::fs::read_to_string(d.join(format!("keys/teller-{i}.json"))).unwrap(),
            )
            .unwrap()
        })
        .collect();
    count_with(&t, &files[1..]);
    // Not twice: the files would be replaced and the keys no longer match them.
    let (done, text) = ceping(
        d,
        &[
            "tellers",
            "keygen",
            "--round",
            "1",
            "--solo",
            "--out-dir",
            "keys",
        ],
    );
    assert!(!done && text.contains("exists already"), "{text}");
    let (done, text) = ceping(
        d,
        &[
            "tellers",
            "keygen",
            "--round",
            "1",
            "--solo",
            "--out-dir",
            "more",
        ],
    );
    assert!(!done && text.contains("begun"), "{text}");
}

#[tokio::test]
async fn out_of_turn_foreign_and_late_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    draft_round(d);
    // No tellers yet; bad lists.
    let (done, text) = ceping(d, &["tellers", "status", "--round", "1"]);
    assert!(!done && text.contains("no tellers"), "{text}");
    for names in ["甲,甲", "甲,,乙", "1,2,3,4,5,6,7,8,9,10"] {
        let (done, text) = ceping(d, &["tellers", "set", "--round", "1", "--names", names]);
        assert!(!done && text.contains("tellers' names"), "{names}: {text}");
    }
    let (done, text) = ceping(
        d,
        &[
            "tellers",
            "set",
            "--round",
            "1",
            "--names",
            "甲,乙",
            "--threshold",
            "3",
        ],
    );
    assert!(!done && text.contains("threshold"), "{text}");
    ok(
        d,
        &["tellers", "set", "--round", "1", "--names", "甲,乙,丙"],
    );
    ok(
        d,
        &[
            "tellers", "keygen", "--round", "1", "--teller", "1", "--key", "a.json",
        ],
    );
    // Teller 2 with teller 1's file; teller 4; teller 1 making a second file.
    let (done, text) = ceping(
        d,
        &[
            "tellers", "keygen", "--round", "1", "--teller", "2", "--key", "a.json",
        ],
    );
    assert!(!done && text.contains("another teller"), "{text}");
    let (done, _) = ceping(
        d,
        &[
            "tellers", "keygen", "--round", "1", "--teller", "4", "--key", "x.json",
        ],
    );
    assert!(!done);
    let (done, text) = ceping(
        d,
        &[
            "tellers", "keygen", "--round", "1", "--teller", "1", "--key", "b.json",
        ],
    );
    assert!(!done && text.contains("another key file"), "{text}");
    assert!(!d.join("b.json").exists());

    // A step out of turn, straight to the repository: refused, the stored board unchanged.
    let pool = ceping::server::db::open(&d.join("ceping.db"))
        .await
        .unwrap();
    let before = tellers::get(&pool, 1).await.unwrap().unwrap().board;
    let mut file: TellerFile =
        serde_json::from_str(&std::fs::read_to_string(d.join("a.json")).unwrap()).unwrap();
    assert!(
        file.advance(&before, &mut rand::rngs::OsRng)
            .unwrap()
            .is_none(),
        "others have not committed"
    );
    let (_, second) = TellerFile::new(&before, 1, &mut rand::rngs::OsRng).unwrap();
    let e = tellers::post(&pool, 1, 0, second).await.unwrap_err();
    assert!(e.to_string().contains("already posted"), "{e}");
    let after = tellers::get(&pool, 1).await.unwrap().unwrap().board;
    assert_eq!(
        serde_json::to_string(&after).unwrap(),
        serde_json::to_string(&before).unwrap()
    );
    pool.close().await;

    // Naming the tellers again starts a new ceremony: the old file no longer fits.
    ok(
        d,
        &["tellers", "set", "--round", "1", "--names", "甲,乙,丁"],
    );
    let (done, text) = ceping(
        d,
        &[
            "tellers", "keygen", "--round", "1", "--teller", "1", "--key", "a.json",
        ],
    );
    assert!(!done && text.contains("another round"), "{text}");

    // A round whose ceremony is not complete cannot open: no ballot could be sealed.
    let (done, text) = ceping(d, &["round", "open", "1"]);
    assert!(!done && text.contains("no tellers' key yet"), "{text}");
    ok(
        d,
        &[
            "tellers",
            "keygen",
            "--round",
            "1",
            "--solo",
            "--out-dir",
            "keys",
        ],
    );
    // Once the round is open, the tellers are fixed.
    ok(d, &["round", "open", "1"]);
    let (done, text) = ceping(d, &["tellers", "set", "--round", "1", "--names", "甲,乙"]);
    assert!(!done && text.contains("only while it is a draft"), "{text}");
    let (done, text) = ceping(
        d,
        &[
            "tellers", "keygen", "--round", "1", "--teller", "2", "--key", "c.json",
        ],
    );
    assert!(!done && text.contains("draft"), "{text}");
    assert!(!d.join("c.json").exists());
}
