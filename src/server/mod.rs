//! Server-only code (feature `ssr`), in layers; each imports only from the layers below it
//! (`scripts/check-layers.py` checks this in CI):
//!
//! - `db` and `repo`: SQL, and only here; rows in, domain types out.
//! - `service`: what several front doors share: the ballot box (the single writer of
//!   ballots), the ballot gate (code checks, forms), sessions, exports.
//! - `web`: axum handlers by feature, each folder with its own `routes()`; extractors, the one
//!   problem type, the guard; starting and stopping the server.
//! - `cli`: the command line, over the same repositories and services.

/// Command line: `ceping serve`, `ceping plan …`, `ceping round …`, `ceping invite …`, ….
pub mod cli;
/// The SQLite pool: pragmas, embedded migrations, the seed plan on first start, backups.
pub mod db;
/// Queries, one module per part of the data model.
pub mod repo;
/// What the handlers, server functions and the CLI share above the repositories.
pub mod service;
/// HTTP: the router, feature folders of handlers and views, middleware.
pub mod web;
