//! The `scenario` target: any text through `Scenario::parse` as TOML and as JSON, then
//! `runner::prepare` with programs resolved against `fixtures/`, and every prepared
//! instruction (at most 8) run in the interpreter and in the JIT in lockstep: results,
//! compute units, logs, return data and account stores must agree, and a failed instruction
//! must leave the store as it was.
//!
//! Nothing is skipped: an ELF path naming a device (`/dev/zero`) or a huge file, and
//! scenarios asking for more than 64 MiB of `space` in total, are input errors of `prepare`
//! (they were skipped here until `read_input_file` and the total cap bounded them).

use std::path::{Path, PathBuf};

use sbfvm::runner::{prepare, PreparedInstruction, PreparedScenario};
use sbfvm::scenario::Scenario;
use sbfvm::ExecutionMode;

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

pub fn run(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let dir = fixtures_dir();
    for extension in ["toml", "json"] {
        let path = dir.join(format!("fuzz.{extension}"));
        let Ok(file) = Scenario::parse(&text, &path) else {
            continue;
        };
        let scenario = Scenario {
            file,
            base_dir: dir.clone(),
            path,
        };
        // The same scenario in the interpreter and the JIT, in lockstep.
        let prepared: Vec<PreparedScenario> = [ExecutionMode::Interpreter, ExecutionMode::Jit]
            .into_iter()
            .filter_map(|mode| prepare(&scenario, Some(mode)).ok())
            .collect();
        let [interpreter, jit] = match <[PreparedScenario; 2]>::try_from(prepared) {
            Ok(both) => both,
            // Invalid in both modes: nothing to run.
            Err(prepared) if prepared.is_empty() => continue,
            Err(_) => panic!("the scenario prepares in one mode only"),
        };
        let mut vms = [interpreter.vm, jit.vm];
        for PreparedInstruction {
            instruction,
            compute_unit_limit,
            ..
        } in interpreter.instructions.into_iter().take(8)
        {
            let mut outcomes = Vec::new();
            for vm in &mut vms {
                let limit = compute_unit_limit.or(vm.config().compute_unit_limit);
                let before = vm.runtime().store.clone();
                let outcome = vm.process_transaction(std::slice::from_ref(&instruction), limit);
                assert!(outcome.compute_units_consumed() <= 1_400_000);
                if !outcome.is_ok() {
                    assert!(
                        vm.runtime().store == before,
                        "a failed instruction changed the store"
                    );
                }
                outcomes.push(outcome);
            }
            let (a, b) = (&outcomes[0], &outcomes[1]);
            assert_eq!(a.result(), b.result(), "interpreter and JIT results differ");
            assert_eq!(
                a.compute_units_consumed(),
                b.compute_units_consumed(),
                "compute units differ"
            );
            assert_eq!(a.logs(), b.logs(), "logs differ");
            assert_eq!(a.return_data(), b.return_data(), "return data differs");
            assert!(
                vms[0].runtime().store == vms[1].runtime().store,
                "account stores differ"
            );
        }
    }
}
