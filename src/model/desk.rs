//! The staff desk: who is signed in and the rounds they can reach.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeskRound {
    pub id: i64,
    pub name: String,
    pub state: String,
    pub opens_at: Option<String>,
    pub closes_at: Option<String>,
    /// Ballots cast and codes issued: shown to the office only.
    pub turnout: Option<(i64, i64)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeskView {
    pub login: String,
    pub role_label: String,
    pub is_office: bool,
    pub rounds: Vec<DeskRound>,
}
