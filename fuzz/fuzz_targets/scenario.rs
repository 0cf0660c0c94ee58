//! Scenario parsing: any text as TOML and as JSON through `Scenario::parse`, then
//! `runner::prepare` (programs resolved against fixtures/) and every instruction run.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| sbfvm_fuzz::scenario::run(data));
