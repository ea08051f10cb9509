//! Server-only code (feature `ssr`).

/// Sign-in, sign-out and the session cookie.
pub mod auth_http;
/// The single writer of ballots: batched transactions, one savepoint per ballot.
pub mod ballot_box;
/// The ballot over HTTP: code links, review, cast, revise, refusals.
pub mod ballot_http;
/// Command line: `ceping serve`, `ceping plan parse|import`.
pub mod cli;
/// The SQLite pool: pragmas, embedded migrations, the seed plan on first start.
pub mod db;
/// A round's exports: results and ballots as CSV, everything as XLSX, streamed to a file.
pub mod export_round;
/// Security headers, no caching of personal pages, cross-site posts refused.
pub mod guard;
/// The axum router: pages, server functions, static files, middleware.
pub mod http;
/// The office's pages: rounds, settings, invitations and slips, turnout, the audit trail.
pub mod office_http;
/// Rendering whole pages for form posts.
pub mod render;
/// Queries, one module per part of the data model.
pub mod repo;
/// Results pages, charts and the venue's big screen.
pub mod results_http;
/// Evaluators' score sheets and the office's indicator system.
pub mod score_http;
/// Who may see staff pages, and their frame.
pub mod staff;
