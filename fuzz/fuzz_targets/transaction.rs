//! Any bytes as a serialized transaction sent over a prepared store (see
//! `sbfvm_fuzz::transaction`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| sbfvm_fuzz::transaction::run(data));
