//! CPI through both ABIs with SDK-shaped structures corrupted by the input (see
//! `sbfvm_fuzz::cpi`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| sbfvm_fuzz::cpi::run(data));
