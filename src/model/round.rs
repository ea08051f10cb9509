//! A round's states and the actions that move it between them: the one vocabulary the office's
//! pages, the CLI and the repository share.

use serde::{Deserialize, Serialize};

/// Where a round is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RoundState {
    Draft,
    Open,
    Closed,
}

impl RoundState {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            RoundState::Draft => "draft",
            RoundState::Open => "open",
            RoundState::Closed => "closed",
        }
    }

    /// The stored word read back; anything unknown is a draft (the safest state).
    pub fn parse(s: &str) -> RoundState {
        match s {
            "open" => RoundState::Open,
            "closed" => RoundState::Closed,
            _ => RoundState::Draft,
        }
    }

    /// How the office's pages name the state.
    pub fn label_zh(self) -> &'static str {
        match self {
            RoundState::Draft => "未开始",
            RoundState::Open => "进行中",
            RoundState::Closed => "已结束",
        }
    }

    /// The state in a sentence ("测评当前{}").
    pub fn sentence_zh(self) -> &'static str {
        match self {
            RoundState::Draft => "尚未开始",
            RoundState::Open => "正在进行",
            RoundState::Closed => "已结束",
        }
    }
}

/// What the office can do to a round's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RoundAction {
    Open,
    Close,
    Reopen,
}

impl RoundAction {
    /// The word in forms, links (`?done=close`) and the audit trail (`round.close`).
    pub fn as_str(self) -> &'static str {
        match self {
            RoundAction::Open => "open",
            RoundAction::Close => "close",
            RoundAction::Reopen => "reopen",
        }
    }

    /// The state a round must be in, and the state it is left in.
    pub fn moves(self) -> (RoundState, RoundState) {
        match self {
            RoundAction::Open => (RoundState::Draft, RoundState::Open),
            RoundAction::Close => (RoundState::Open, RoundState::Closed),
            RoundAction::Reopen => (RoundState::Closed, RoundState::Open),
        }
    }

    /// Closing and reopening change what deputies can do: the office confirms them first.
    /// Every move asks once more on the web: opening freezes the method, closing ends the
    /// vote, reopening is recorded.
    pub fn needs_confirmation(self) -> bool {
        true
    }

    /// The verb in a sentence ("不能{}").
    pub fn verb_zh(self) -> &'static str {
        match self {
            RoundAction::Open => "开始",
            RoundAction::Close => "结束",
            RoundAction::Reopen => "重新开放",
        }
    }

    /// What the round page says once the action is done.
    pub fn done_zh(self) -> &'static str {
        match self {
            RoundAction::Open => "测评已开始。",
            RoundAction::Close => "测评已结束。",
            RoundAction::Reopen => "测评已重新开放（已记录）。",
        }
    }
}

impl std::str::FromStr for RoundAction {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "open" => Ok(RoundAction::Open),
            "close" => Ok(RoundAction::Close),
            "reopen" => Ok(RoundAction::Reopen),
            other => Err(format!(
                "unknown round action {other:?} (open, close, reopen)"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_read_back_what_they_write() {
        for a in [RoundAction::Open, RoundAction::Close, RoundAction::Reopen] {
            assert_eq!(a.as_str().parse::<RoundAction>(), Ok(a));
        }
        assert!("delete".parse::<RoundAction>().is_err());
        assert_eq!(
            RoundAction::Close.moves(),
            (RoundState::Open, RoundState::Closed)
        );
        assert!(RoundAction::Open.needs_confirmation());
        for s in [RoundState::Draft, RoundState::Open, RoundState::Closed] {
            assert_eq!(RoundState::parse(s.as_str()), s);
        }
    }
}
