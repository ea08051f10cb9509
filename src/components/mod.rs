//! View pieces shared by pages.

pub mod islands;
pub mod layout;
pub mod plan;
