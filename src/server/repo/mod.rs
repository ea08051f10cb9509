//! Database access. SQL stays here; the shapes pages see are in `crate::api`.

pub mod account;
pub mod audit;
pub mod ballot;
pub mod indicator;
pub mod invite;
pub mod plan;
pub mod results;
pub mod round;
pub mod score;
