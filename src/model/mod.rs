//! The data types the browser sees (server functions' answers), shared by the server and the
//! WASM build. Nothing here does I/O; pages render these, repositories and services fill them.

pub mod ballot;
pub mod base_url;
pub mod desk;
pub mod nav;
pub mod plan;
pub mod round;
