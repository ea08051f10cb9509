//! Server functions. Each is called directly by a page while it renders on the server, and is
//! also reachable as JSON under `/api/…` (GET, arguments in the query string). They ask the
//! repositories and services and answer with the types in `crate::model`.

pub mod ballot;
#[cfg(feature = "ssr")]
pub mod context;
pub mod desk;
pub mod plan;
