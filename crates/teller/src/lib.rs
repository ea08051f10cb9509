//! The tellers' (监票人) browser bundle. A teller's secrets are made and used only here, in
//! their own browser: the key ceremony's steps (their share of the round's key, never sent
//! anywhere but into the file they save) and their decryption shares of the count. The page
//! (`/teller/{round}/{n}`, script `public/teller/teller.js`) fetches the public board and the
//! sealed ballots from the server, calls these functions, and posts only what they return.
//!
//! Each function takes and returns JSON text; a refusal is a plain string in Chinese, what the
//! page shows. The same logic runs natively in tests (the functions are
//! plain Rust underneath the `wasm_bindgen` attributes).

use ceping_seal::ceremony::FILE_FORMAT;
use ceping_seal::count::MIN_BALLOTS;
use ceping_seal::{Board, SealError, TellerFile};
use serde_json::{Value, json};
use wasm_bindgen::prelude::*;

/// A refusal, as the page shows it.
fn refusal(e: SealError) -> String {
    e.zh()
}

fn board_of(json: &str) -> Result<Board, String> {
    serde_json::from_str(json).map_err(|_| "服务器返回的密钥生成记录无法读取，请刷新页面。".into())
}

/// A key file as the teller chose it, checked to be one (and of this board's ceremony, when a
/// board is given).
fn file_of(json: &str, board: Option<&Board>) -> Result<TellerFile, String> {
    let file: TellerFile =
        serde_json::from_str(json).map_err(|_| String::from("这不是测评系统的监票人密钥文件。"))?;
    if file.format != FILE_FORMAT {
        return Err("这个密钥文件的格式不是本系统所用的格式。".into());
    }
    if let Some(board) = board
        && (board.context != file.context || file.index >= board.params.shares)
    {
        return Err(refusal(SealError::OtherCeremony));
    }
    Ok(file)
}

fn file_json(file: &TellerFile) -> Value {
    serde_json::to_value(file).expect("a teller file serializes")
}

/// What a file says about itself (for the page, once a teller picks their file).
fn describe_of(file: &TellerFile, board: Option<&Board>) -> Value {
    json!({
        "index": file.index,
        "done": file.is_done(),
        "joint_key": file.joint_key(),
        "fingerprint": board.and_then(|b| file.needs_confirmation(b)),
    })
}

/// Starts teller `index`'s part (0-based) on `board`: `{file, message}`. Save the file before
/// posting the message.
pub fn start_json(board: &str, index: usize) -> Result<String, String> {
    let board = board_of(board)?;
    if board.posted.get(index).is_some_and(|p| !p.is_empty()) {
        return Err("这位监票人已经用另一个密钥文件开始了；请载入那个文件继续。".into());
    }
    let (file, message) =
        TellerFile::new(&board, index, &mut rand::rngs::OsRng).map_err(refusal)?;
    Ok(json!({ "file": file_json(&file), "message": message }).to_string())
}

/// The next step the board allows: `{file, message, fingerprint, done, joint_key}`. `message`
/// is null when there is nothing to post (waiting for the others, or for the fingerprint to be
/// confirmed: then `fingerprint` is the one to compare). Save `file` before posting `message`.
pub fn step_json(file: &str, board: &str) -> Result<String, String> {
    let board = board_of(board)?;
    let mut file = file_of(file, Some(&board))?;
    let message = if file.needs_confirmation(&board).is_some() {
        None
    } else {
        file.advance(&board, &mut rand::rngs::OsRng)
            .map_err(refusal)?
    };
    let mut out = describe_of(&file, Some(&board));
    out["file"] = file_json(&file);
    out["message"] = serde_json::to_value(&message).expect("a message serializes");
    Ok(out.to_string())
}

/// Records that the teller compared the board's fingerprint with every other teller and they
/// all saw `fingerprint`; returns the file (save it). Refused when the board shows another.
pub fn confirm_json(file: &str, board: &str, fingerprint: &str) -> Result<String, String> {
    let board = board_of(board)?;
    let mut file = file_of(file, Some(&board))?;
    file.confirm(&board, fingerprint).map_err(refusal)?;
    Ok(file_json(&file).to_string())
}

/// What a chosen key file is: `{index, done, joint_key, fingerprint}` (with `board`, if not
/// empty, checked to be its ceremony's).
pub fn describe_json(file: &str, board: &str) -> Result<String, String> {
    let board = if board.trim().is_empty() {
        None
    } else {
        Some(board_of(board)?)
    };
    let file = file_of(file, board.as_ref())?;
    Ok(describe_of(&file, board.as_ref()).to_string())
}

/// Sums `bundle` for teller `file` without touching the file: `{ballots, comments, list}`,
/// where `list` is the fingerprint of the ballots' tracking codes. The page shows these for the
/// teller to compare (the number with the announced turnout, the fingerprint with the one
/// `/track/{round}` publishes and the other tellers see) before any share is made.
pub fn inspect_of(file: &str, bundle: &[u8]) -> Result<String, String> {
    let file = file_of(file, None)?;
    let summed = ceping_seal::bundle::sum(&file.context, bundle).map_err(refusal)?;
    Ok(json!({
        "ballots": summed.tally.ballots,
        "comments": summed.comments.len(),
        "list": summed.list,
    })
    .to_string())
}

/// This teller's decryption shares of the round's sealed ballots and comments, summed here
/// from `bundle` (as the server stores them, [`ceping_seal::bundle`]): `{file, share, ballots,
/// comments, list}`. Refused for fewer than [`MIN_BALLOTS`] ballots (the counts would all but
/// show each choice; a trial round that small is counted with the command line). The file
/// remembers the sums (it refuses other sums later): save it before posting the share.
pub fn count_of(file: &str, bundle: &[u8]) -> Result<String, String> {
    let mut file = file_of(file, None)?;
    if !file.is_done() {
        return Err(refusal(SealError::NotReady));
    }
    let summed = ceping_seal::bundle::sum(&file.context, bundle).map_err(refusal)?;
    if summed.tally.ballots < MIN_BALLOTS {
        return Err(format!(
            "只有{}张选票，少于{MIN_BALLOTS}张：计票会显示每位代表的选择，因此不在本页计票。",
            summed.tally.ballots
        ));
    }
    let share = file
        .count_share(&summed.tally, &summed.comments, &mut rand::rngs::OsRng)
        .map_err(refusal)?;
    Ok(json!({
        "file": file_json(&file),
        "share": share,
        "ballots": summed.tally.ballots,
        "comments": summed.comments.len(),
        "list": summed.list,
    })
    .to_string())
}

/// The browser's entry points (JSON text in and out; a refusal is thrown as a string).
#[wasm_bindgen]
pub fn start(board: &str, index: usize) -> Result<String, JsValue> {
    start_json(board, index).map_err(|e| JsValue::from_str(&e))
}

#[wasm_bindgen]
pub fn step(file: &str, board: &str) -> Result<String, JsValue> {
    step_json(file, board).map_err(|e| JsValue::from_str(&e))
}

#[wasm_bindgen]
pub fn confirm(file: &str, board: &str, fingerprint: &str) -> Result<String, JsValue> {
    confirm_json(file, board, fingerprint).map_err(|e| JsValue::from_str(&e))
}

#[wasm_bindgen]
pub fn describe(file: &str, board: &str) -> Result<String, JsValue> {
    describe_json(file, board).map_err(|e| JsValue::from_str(&e))
}

#[wasm_bindgen]
pub fn inspect(file: &str, bundle: &[u8]) -> Result<String, JsValue> {
    inspect_of(file, bundle).map_err(|e| JsValue::from_str(&e))
}

#[wasm_bindgen]
pub fn count(file: &str, bundle: &[u8]) -> Result<String, JsValue> {
    count_of(file, bundle).map_err(|e| JsValue::from_str(&e))
}

#[cfg(test)]
mod tests;
