//! Replays the fuzzers' inputs through the very checks of the fuzz targets (fuzz/checks/,
//! included here): every seed (fuzz/seeds/<target>/) and every crash input kept after its fix
//! (fuzz/regressions/<target>/). Needs neither libFuzzer nor a nightly toolchain; the fuzzers
//! themselves run with scripts/fuzz.sh.

use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;

#[allow(dead_code)]
mod plan_import {
    include!("../fuzz/checks/plan_import.rs");
}

#[allow(dead_code)]
mod ballot_decode {
    include!("../fuzz/checks/ballot_decode.rs");
}

#[cfg(feature = "ssr")]
#[allow(dead_code)]
mod invite_code {
    use ceping::ballot::{CodeError, CodeKind, InviteCode, Receipt};
    use ceping::message::Bilingual;

    include!("../fuzz/checks/invite_code.rs");
}

/// The inputs of a target, as ("seeds/<target>/<file>", bytes), sorted by name. Seeds must be
/// there; the regressions folder may hold none (dotfiles such as .gitkeep are skipped).
fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut out = Vec::new();
    for folder in ["seeds", "regressions"] {
        let dir = fuzz.join(folder).join(target);
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if folder == "seeds" => panic!("cannot read {}: {e}", dir.display()),
            Err(_) => continue,
        };
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if name.starts_with('.') || !path.is_file() {
                continue;
            }
            let data =
                fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            out.push((format!("{folder}/{target}/{name}"), data));
        }
    }
    out.sort();
    assert!(
        out.iter().any(|(name, _)| name.starts_with("seeds/")),
        "no seeds for {target}"
    );
    out
}

/// Runs every input of `target` through `check`; names every input that panics.
fn replay(target: &str, check: fn(&[u8])) {
    let failed: Vec<String> = inputs(target)
        .into_iter()
        .filter(|(_, data)| panic::catch_unwind(AssertUnwindSafe(|| check(data))).is_err())
        .map(|(name, _)| name)
        .collect();
    assert!(
        failed.is_empty(),
        "fuzz/{} failed the checks",
        failed.join(", fuzz/")
    );
}

#[test]
fn plan_import_seeds_and_regressions() {
    replay("plan_import", plan_import::check_plan_bytes);
}

#[test]
fn ballot_decode_seeds_and_regressions() {
    replay("ballot_decode", ballot_decode::check_ballot);
}

#[cfg(feature = "ssr")]
#[test]
fn invite_code_seeds_and_regressions() {
    replay("invite_code", invite_code::check_code_bytes);
}
