//! One syscall with adversarial registers on adversarial guest memory (see
//! `sbfvm_fuzz::syscall` for the input format).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| sbfvm_fuzz::syscall::run(data));
