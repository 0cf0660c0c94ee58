//! Instruction coverage (`sbfvm::coverage`): the executed instructions of a small program
//! as counted by hand, every program of every fixture scenario counted exactly as the
//! invoke tree's instruction units, the same in both modes, CPI callees included.

use std::collections::BTreeMap;

use sbfvm::coverage::Coverage;
use sbfvm::runner::{self, RunOptions, RunReport};
use sbfvm::scenario::Scenario;
use sbfvm::{ExecutionMode, Invocation};

use crate::common::{fixtures_dir, MODES};
use crate::scenarios::toml_scenarios;

fn run_covered(scenario: &Scenario, mode: ExecutionMode) -> Coverage {
    run_fixture(scenario, Some(mode), true)
        .coverage
        .expect("coverage was asked for")
}

/// Runs `scenario` with coverage, or with profiles only.
fn run_fixture(scenario: &Scenario, mode: Option<ExecutionMode>, coverage: bool) -> RunReport {
    let options = RunOptions {
        mode,
        coverage,
        profile: !coverage,
        ..RunOptions::default()
    };
    runner::run_with(scenario, &options).unwrap()
}

/// `custom_error.so` with data `2a000000` (no accounts), by hand from `llvm-objdump -d`
/// (pc = objdump's slot number − 29): the lddw at 0, the account-count and length checks
/// (2, 3, 4, 20, 21, 22), the lddw at 96, `len < 4?` at 98, the ten instructions assembling
/// the u32 (99–108), the goto (109) and the exit (112): 21 instructions, each once, as the
/// fixture's 21 compute units say. The text has 113 slots, 4 of them lddw: 109
/// instructions, all in `entrypoint` (the program calls no function of its own).
#[test]
fn a_small_program_covers_the_instructions_counted_by_hand() {
    let scenario =
        Scenario::single_program(&fixtures_dir().join("custom_error.so"), &[0x2a, 0, 0, 0]);
    let mut expected: Vec<u64> = vec![0, 2, 3, 4, 20, 21, 22, 96, 98];
    expected.extend(99..=108);
    expected.extend([109, 112]);
    for mode in MODES {
        let coverage = run_covered(&scenario, mode);
        assert_eq!(coverage.programs.len(), 1);
        let program = &coverage.programs[0];
        assert_eq!((program.hit, program.total), (21, 109), "{mode:?}");
        let hit: Vec<u64> = program
            .instructions
            .iter()
            .filter(|instruction| instruction.hits > 0)
            .map(|instruction| instruction.pc)
            .collect();
        assert_eq!(hit, expected, "{mode:?}");
        assert!(program.instructions.iter().all(|insn| insn.hits <= 1));
        assert_eq!(program.functions.len(), 1);
        let function = &program.functions[0];
        assert_eq!(function.name, "entrypoint");
        assert_eq!(
            (
                function.entry_pc,
                function.hit,
                function.total,
                function.executions
            ),
            (0, 21, 109, 1)
        );
        // The lddw's second slot is no instruction of its own.
        assert!(program.instructions.iter().all(|insn| insn.pc != 1));
        assert!(program.instructions[0].disassembly.starts_with("lddw r0"));
    }
}

/// Executions of each program's instructions over the invoke tree: its frames' `cost`
/// instructions.
fn instruction_units(invocation: &Invocation, units: &mut BTreeMap<String, u64>) {
    if invocation.cost.instructions > 0 {
        *units.entry(invocation.program_id.to_string()).or_default() +=
            invocation.cost.instructions;
    }
    for callee in &invocation.invocations {
        instruction_units(callee, units);
    }
}

/// In every fixture scenario and in both modes, each program's executions add up to the
/// instruction units of its frames (so no executed pc is missed or counted twice, a
/// callee's included), the functions partition the program's instructions, and both modes
/// give the same coverage.
#[test]
fn every_program_of_every_scenario_is_covered_exactly_and_alike_in_both_modes() {
    let mut programs_checked = 0;
    for (path, scenario) in toml_scenarios() {
        let mut by_mode = Vec::new();
        for mode in MODES {
            let options = RunOptions {
                mode: Some(mode),
                coverage: true,
                ..RunOptions::default()
            };
            let report = runner::run_with(&scenario, &options)
                .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
            let mut expected = BTreeMap::new();
            for entry in report.instructions.iter().chain(&report.transactions) {
                for invocation in &entry.outcome.invocations {
                    instruction_units(invocation, &mut expected);
                }
            }
            let coverage = report.coverage.expect("coverage was asked for");
            let executed: BTreeMap<String, u64> = coverage
                .programs
                .iter()
                .map(|program| {
                    let executions = program.instructions.iter().map(|insn| insn.hits).sum();
                    (program.program_id.clone(), executions)
                })
                .filter(|&(_, executions)| executions > 0)
                .collect();
            assert_eq!(executed, expected, "{} {mode:?}", path.display());
            for program in &coverage.programs {
                let hit = program.instructions.iter().filter(|insn| insn.hits > 0);
                assert_eq!(program.hit, hit.count() as u64);
                assert_eq!(program.total, program.instructions.len() as u64);
                let functions: u64 = program.functions.iter().map(|f| f.total).sum();
                assert_eq!(functions, program.total, "{}", program.program_id);
                let functions_hit: u64 = program.functions.iter().map(|f| f.hit).sum();
                assert_eq!(functions_hit, program.hit, "{}", program.program_id);
                programs_checked += 1;
            }
            by_mode.push(coverage);
        }
        assert_eq!(by_mode[0], by_mode[1], "{}", path.display());
    }
    assert!(programs_checked > 20, "{programs_checked}");
}

/// A CPI chain covers the caller and every callee program, each with its own functions.
#[test]
fn a_cpi_chain_covers_every_program_it_ran() {
    let scenario = Scenario::load(&fixtures_dir().join("cpi_chain.toml")).unwrap();
    let report = run_fixture(&scenario, None, true);
    // Every program that ran SBF code, caller and callees, by the units of its frames.
    let mut ran = BTreeMap::new();
    for entry in &report.instructions {
        for invocation in &entry.outcome.invocations {
            assert!(
                !invocation.invocations.is_empty(),
                "no CPI in {}",
                entry.index
            );
            instruction_units(invocation, &mut ran);
        }
    }
    assert!(ran.len() >= 5, "{ran:?}");
    let coverage = report.coverage.unwrap();
    assert_eq!(coverage.programs.len(), ran.len());
    for program in ran.keys() {
        let covered = coverage
            .programs
            .iter()
            .find(|covered| &covered.program_id == program)
            .unwrap_or_else(|| panic!("{program} not covered"));
        assert!(
            covered.hit > 0 && covered.hit < covered.total,
            "{covered:?}"
        );
        assert!(covered.functions.iter().any(|f| f.name == "entrypoint"));
    }
}

/// A run without coverage has none, and its frames count no pcs.
#[test]
fn coverage_is_absent_unless_asked_for() {
    let scenario = Scenario::load(&fixtures_dir().join("log.toml")).unwrap();
    let report = run_fixture(&scenario, None, false);
    assert!(report.instructions[0].profile.is_some());
    assert!(report.coverage.is_none());
    assert!(runner::run(&scenario, None).unwrap().coverage.is_none());
}
