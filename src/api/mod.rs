//! Server functions. Each is called directly by a page while it renders on the server, and is
//! also reachable as JSON under `/api/…` (GET, arguments in the query string).

pub mod ballot;
pub mod desk;
pub mod plan;
