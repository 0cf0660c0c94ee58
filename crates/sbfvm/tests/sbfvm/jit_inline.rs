//! The JIT runs `sol_get_stack_height` inline (`sbfvm_vm`'s `jit_inline`): the same result,
//! compute units, logs and syscall usage as the interpreter's call, on every path — the
//! first call, the calls after it, a budget that runs out in the loop or just around the
//! point where the inline path stops being taken, and timed syscalls.

use sbfvm::{ExecutionMode, Instruction, Outcome, Sbfvm};

use crate::common::{key, vm_with};

/// bench_syscalls.so family 0: `sol_get_stack_height()` `calls` times in a loop.
fn stack_height_loop(calls: u16) -> Instruction {
    let [low, high] = calls.to_le_bytes();
    Instruction::new_with_bytes(key(1), &[0, 0, low, high, 0, 0], vec![])
}

/// What must not depend on the mode: result, units, logs, and per frame the syscalls
/// (name, calls, units) and where the units went.
fn observable(outcome: &Outcome) -> impl PartialEq + std::fmt::Debug {
    (
        outcome.result_string(),
        outcome.compute_units_consumed(),
        outcome.logs().to_vec(),
        outcome
            .invocations
            .iter()
            .map(|frame| (frame.syscalls.clone(), frame.cost.clone()))
            .collect::<Vec<_>>(),
    )
}

fn run(mode: ExecutionMode, timed: bool, instruction: &Instruction, limit: u64) -> Outcome {
    let mut vm: Sbfvm = vm_with(mode, key(1), "bench_syscalls.so");
    vm.set_syscall_timing(timed);
    vm.process_transaction(std::slice::from_ref(instruction), Some(limit))
}

#[test]
fn inline_stack_height_matches_the_interpreter() {
    let instruction = stack_height_loop(1_000);
    let full = run(ExecutionMode::Interpreter, false, &instruction, 200_000);
    assert!(full.is_ok(), "{:?}", full.result());
    assert_eq!(
        full.invocations[0].syscalls,
        vec![("sol_get_stack_height", 1_000, 100_000)]
    );
    let total = full.compute_units_consumed();
    // Budgets that end the loop early, and every budget around the point where the units
    // left stop covering the program's length plus a call (the inline path's threshold).
    let mut limits = vec![200_000, total, total - 1, 50_000, 1_000, 100, 101, 1];
    limits.extend((total - 400..total).step_by(7));
    for limit in limits {
        let expected = observable(&run(ExecutionMode::Interpreter, false, &instruction, limit));
        for timed in [false, true] {
            let jit = run(ExecutionMode::Jit, timed, &instruction, limit);
            assert_eq!(
                observable(&jit),
                expected,
                "limit {limit}, timed syscalls {timed}"
            );
        }
    }
}

#[test]
fn inline_stack_height_returns_the_height() {
    // compute.so mode 1 folds every call's answer into the value it returns (the heights
    // of CPI callees are checked by cpi_chain.toml, run in both modes by the scenario test).
    let mut data = 500u64.to_le_bytes().to_vec();
    data.push(1);
    let instruction = Instruction::new_with_bytes(key(1), &data, vec![]);
    let outcomes = [ExecutionMode::Interpreter, ExecutionMode::Jit].map(|mode| {
        let mut vm: Sbfvm = vm_with(mode, key(1), "compute.so");
        vm.process_instruction(&instruction)
    });
    assert!(outcomes[0].is_ok(), "{:?}", outcomes[0].result());
    assert_eq!(outcomes[0].invocations[0].syscalls[0].1, 500);
    assert_eq!(observable(&outcomes[1]), observable(&outcomes[0]));
    assert_eq!(outcomes[1].return_data(), outcomes[0].return_data());
}
