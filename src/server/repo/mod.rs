//! Database access: SQL lives here and nowhere else (`scripts/check-layers.py`). Each module
//! takes a pool or a transaction and gives back domain types.

pub mod account;
pub mod audit;
pub mod ballot;
pub mod count;
pub mod export;
pub mod handling;
pub mod indicator;
pub mod invite;
pub mod plan;
pub mod results;
pub mod round;
pub mod score;
pub mod setting;
pub mod tellers;
pub mod two_factor;
