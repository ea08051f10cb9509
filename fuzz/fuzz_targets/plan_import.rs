//! Fuzzes the plan importer: `ceping::plan::parse_plan` must not panic on any text, and what
//! it returns must keep the documented invariants (fuzz/checks/plan_import.rs).
#![no_main]

use libfuzzer_sys::fuzz_target;

include!("../checks/plan_import.rs");

fuzz_target!(|data: &[u8]| check_plan_bytes(data));
