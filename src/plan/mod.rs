pub mod label;
pub mod model;
pub mod parse;
pub use model::*;
pub use parse::{ParseError, parse_plan};
