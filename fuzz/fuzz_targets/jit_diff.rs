//! Differential: the same program in the interpreter and the JIT must give identical
//! results, compute units, pc, call depth, memory (registers through the dump epilogue),
//! logs, return data and accounts (see `sbfvm_fuzz::program`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sbfvm_fuzz::program::{assert_same, run_interpreter_then};
use sbfvm_vm::ExecutionMode;

fuzz_target!(|data: &[u8]| {
    // A program the JIT cannot compile (a function past the end of the text) is skipped.
    let Some((interpreter, Some(jit))) = run_interpreter_then(data, ExecutionMode::Jit) else {
        return;
    };
    if sbfvm_fuzz::debug() {
        eprintln!(
            "jit_diff: {:?} cu {} pc {}",
            interpreter.result, interpreter.compute_units, interpreter.pc
        );
    }
    assert_same(&interpreter, &jit);
});
