//! Fuzzes `InviteCode::parse` and `Receipt::parse`: no panic, and a code that parses reads
//! back the same from its canonical and displayed forms (fuzz/checks/invite_code.rs).
//!
//! In the library, `ballot::code` is compiled only with the `ssr` feature, which pulls in the
//! whole server (axum, sqlx, …). The module is pure, so it is compiled here on its own, from
//! the same source file, with the same crates (sha2, hmac, rand, thiserror).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../src/ballot/code.rs"]
mod code;

// `code.rs` speaks through `crate::message::Bilingual`.
#[path = "../../src/message.rs"]
mod message;

use code::{CodeError, CodeKind, InviteCode, Receipt};
use message::Bilingual;

include!("../checks/invite_code.rs");

fuzz_target!(|data: &[u8]| check_code_bytes(data));
