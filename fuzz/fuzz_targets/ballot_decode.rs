//! Fuzzes ballot decoding: `ceping::ballot::validate::decode_ballot` must not panic on any
//! body, and what it returns must keep the documented invariants
//! (fuzz/checks/ballot_decode.rs).
#![no_main]

use libfuzzer_sys::fuzz_target;

include!("../checks/ballot_decode.rs");

fuzz_target!(|data: &[u8]| check_ballot(data));
