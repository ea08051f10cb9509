//! Ceping (测评): a congress's satisfaction evaluation of a government work plan, in the open.
//!
//! One crate, two builds (the cargo-leptos layout):
//! - `ssr`: the server binary (`src/main.rs`): axum + leptos_axum, SQLite through sqlx, the CLI;
//! - `hydrate`: the browser bundle (WASM). The app runs in Leptos *islands* mode: pages are
//!   plain server-rendered HTML and only components marked `#[island]` ship code to the phone,
//!   which keeps the download small on a congested hall Wi-Fi.
//!
//! Layers, lowest first (each imports only from those below; `scripts/check-layers.py`):
//! `model` and the pure core (`plan`, `ballot`, `handling`, `results`, `charts`, `export`, `audit`,
//! `clock`) ← `server::repo` ← `server::service` ← `api` (server functions) ← `components`,
//! `pages`, `app` (views) ← `server::web` (handlers) ← `server::cli`. The pure core has no
//! database or HTTP in it and is tested directly.

// Leptos views are deeply nested types; the results item page's went past the default 128.
#![recursion_limit = "256"]

/// The plan importer: official text in, structured plan out. Pure.
pub mod plan;

/// The ballot: codes and receipts, the rating scale, validation of a posted ballot. Pure.
pub mod ballot;

/// The year of handling: sub-plans, indicators, monthly reports, and the progress measures.
/// Pure.
pub mod handling;

/// The results engine: counts and scores in, rates, classes, indices and rankings out. Pure.
pub mod results;

/// The audit trail's hash chain: hashing and verifying entries. Pure (server only: it uses sha2).
#[cfg(feature = "ssr")]
pub mod audit;

/// Two factors: one-time codes (RFC 6238), recovery codes, sealed secrets. Pure (server only).
#[cfg(feature = "ssr")]
pub mod totp;

/// Export writers: CSV for Excel (BOM, formula-neutralised) and XLSX in constant memory. Pure.
#[cfg(feature = "ssr")]
pub mod export;

/// Charts as SVG (plotters), from plain numbers. Server only: plotters stays out of the WASM.
#[cfg(feature = "ssr")]
pub mod charts;

/// Sealed ballots: the tellers' key ceremony, sealing, the count with proofs. Pure; its own
/// crate (`crates/seal`), so that the tellers' browser bundle (`crates/teller`) is the same code.
#[cfg(feature = "ssr")]
pub use ceping_seal as seal;

/// Time: the server's one clock, Beijing time, and how instants are written. Pure but for
/// the clock.
pub mod clock;

/// Messages for people in two languages: Chinese for pages, English for the command line
/// and logs.
pub mod message;

/// The data types the browser sees: server functions' answers, the round's vocabulary.
pub mod model;

/// Errors shared by server functions and pages, with the message a person is shown.
pub mod error;

/// Server functions: the data each page asks for, and a JSON API under `/api/`.
pub mod api;

/// The Leptos shell and the route table.
pub mod app;

/// One module per page.
pub mod pages;

/// Small view pieces shared by pages; `islands` holds the only interactive ones.
pub mod components;

/// Everything that only the server has: configuration, database, HTTP router, CLI commands.
#[cfg(feature = "ssr")]
pub mod server;

/// Entry point of the WASM bundle: wakes up the islands on the page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
