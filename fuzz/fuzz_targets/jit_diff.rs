//! Differential: the same program in the interpreter and the JIT must give identical
//! results, compute units, pc, call depth, memory (registers through the dump epilogue),
//! logs, return data and accounts (see `sbfvm_fuzz::program`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sbfvm_vm::ExecutionMode;

fuzz_target!(|data: &[u8]| {
    let Some(prepared) = sbfvm_fuzz::program::prepare(data) else {
        return;
    };
    let Some(interpreter) = sbfvm_fuzz::program::run(&prepared, ExecutionMode::Interpreter) else {
        return;
    };
    // A program the JIT cannot compile (a function past the end of the text) is skipped.
    let Some(jit) = sbfvm_fuzz::program::run(&prepared, ExecutionMode::Jit) else {
        return;
    };
    if sbfvm_fuzz::debug() {
        eprintln!(
            "jit_diff: {:?} cu {} pc {}",
            interpreter.result, interpreter.compute_units, interpreter.pc
        );
    }
    sbfvm_fuzz::program::assert_same(&interpreter, &jit);
});
