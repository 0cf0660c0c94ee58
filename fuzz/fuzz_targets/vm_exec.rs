//! Arbitrary SBPF v0 text in the interpreter, run twice: both runs must agree (see
//! `sbfvm_fuzz::program` for the input format and the invariants of each run).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sbfvm_fuzz::program::run_interpreter_then;
use sbfvm_vm::ExecutionMode;

fuzz_target!(|data: &[u8]| {
    let Some((first, second)) = run_interpreter_then(data, ExecutionMode::Interpreter) else {
        return;
    };
    let second = second.expect("a program that ran once runs again");
    assert_eq!(first, second, "the interpreter is not deterministic");
});
