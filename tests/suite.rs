//! The integration suites, in one test binary: a real SQLite database with the migrations, the
//! router over it, the `ceping` command. One binary instead of one per file: each links the whole
//! application (a few hundred megabytes unstripped), so twenty of them filled a CI disk and spent
//! most of the build linking. `tests/logs.rs` stays alone in its own binary (see there why).
//!
//! Run one suite with `cargo test --no-default-features --features ssr --test suite count::`.

mod common;

mod access_matrix;
mod accounts;
mod audit_head;
mod ballot;
mod ballot_steps;
mod codes_after_opening;
mod count;
mod evaluation;
mod fuzz_regressions;
mod handling;
mod handling_http;
mod hostile;
mod http;
mod office;
mod office_http;
mod operators;
mod plan_db;
mod secrecy;
mod staff_accounts;
mod staff_attacks;
mod teller_web;
mod tellers;
mod two_factor;
