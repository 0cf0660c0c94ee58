//! Runs every scenario under `fixtures/` (`*.toml` and `*.json`) in both execution modes:
//! every `expect` block must hold, and the interpreter and the JIT must agree on everything a
//! scenario can observe (result, compute units, logs, return data, invoke tree, accounts).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use sbfvm::runner::{self, InstructionReport, RunReport};
use sbfvm::scenario::Scenario;
use sbfvm::ExecutionMode;

use crate::common::{fixtures_dir, invoke_tree_frames};

/// Every scenario file, sorted by name.
pub(crate) fn scenario_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixtures_dir())
        .expect("fixtures directory")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| {
            path.is_file()
                && path
                    .extension()
                    .is_some_and(|ext| ext == "toml" || ext == "json")
        })
        .collect();
    files.sort();
    files
}

/// Every TOML scenario file, loaded, by name.
pub(crate) fn toml_scenarios() -> Vec<(PathBuf, sbfvm::scenario::Scenario)> {
    scenario_files()
        .into_iter()
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .map(|path| {
            let scenario = sbfvm::scenario::Scenario::load(&path).unwrap();
            (path, scenario)
        })
        .collect()
}

fn file_name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

fn label(instruction: &InstructionReport) -> String {
    match &instruction.name {
        Some(name) => format!("#{} ({name})", instruction.index),
        None => format!("#{}", instruction.index),
    }
}

fn run(path: &Path, mode: ExecutionMode) -> Result<RunReport, String> {
    let scenario = Scenario::load(path).map_err(|error| error.to_string())?;
    let report = runner::run(&scenario, Some(mode)).map_err(|error| error.to_string())?;
    assert_eq!(
        report.mode,
        mode,
        "{}: the mode override was ignored",
        path.display()
    );
    Ok(report)
}

/// The expectation failures of one run, one readable block per failing instruction.
fn expectation_failures(path: &Path, mode: ExecutionMode, report: &RunReport) -> String {
    let mut out = String::new();
    for instruction in &report.instructions {
        if instruction.expectation_failures.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "{} [{mode:?}] instruction {}: result {}, {} CU",
            file_name(path),
            label(instruction),
            instruction.outcome.result_string(),
            instruction.outcome.compute_units_consumed()
        );
        for failure in &instruction.expectation_failures {
            let _ = writeln!(out, "    ✗ {failure}");
        }
        for line in instruction.outcome.logs() {
            let _ = writeln!(out, "      log: {line}");
        }
    }
    out
}

/// Differences between the interpreter and the JIT, per instruction.
fn mode_differences(path: &Path, interpreter: &RunReport, jit: &RunReport) -> String {
    let mut out = String::new();
    let name = file_name(path);
    if interpreter.instructions.len() != jit.instructions.len() {
        let _ = writeln!(
            out,
            "{name}: {} instructions in the interpreter, {} in the JIT",
            interpreter.instructions.len(),
            jit.instructions.len()
        );
        return out;
    }
    for (a, b) in interpreter.instructions.iter().zip(&jit.instructions) {
        let mut differ = |what: &str, left: String, right: String| {
            if left != right {
                let _ = writeln!(
                    out,
                    "{name} instruction {}: {what} differs\n    interpreter: {left}\n    jit:         {right}",
                    label(a)
                );
            }
        };
        let (x, y) = (&a.outcome, &b.outcome);
        differ("result", x.result_string(), y.result_string());
        differ(
            "compute units",
            x.compute_units_consumed().to_string(),
            y.compute_units_consumed().to_string(),
        );
        differ(
            "logs",
            format!("{:#?}", x.logs()),
            format!("{:#?}", y.logs()),
        );
        let return_data = |outcome: &sbfvm::Outcome| match outcome.return_data() {
            Some((program_id, data)) => format!("{program_id} hex:{}", hex::encode(data)),
            None => "none".to_string(),
        };
        differ("return data", return_data(x), return_data(y));
        // Wall time is the one field the two modes are expected to differ in.
        fn without_wall_time(invocations: &[sbfvm::Invocation]) -> Vec<sbfvm::Invocation> {
            invocations
                .iter()
                .map(|invocation| sbfvm::Invocation {
                    wall_time: None,
                    invocations: without_wall_time(&invocation.invocations),
                    ..invocation.clone()
                })
                .collect()
        }
        differ(
            "invoke tree (per-frame compute units, cost split, results, syscalls)",
            format!("{:?}", without_wall_time(&x.invocations)),
            format!("{:?}", without_wall_time(&y.invocations)),
        );
        differ(
            "accounts after",
            format!("{:?}", a.accounts),
            format!("{:?}", b.accounts),
        );
        differ(
            "transaction accounts after",
            format!("{:?}", x.transaction.accounts_after),
            format!("{:?}", y.transaction.accounts_after),
        );
    }
    out
}

#[test]
fn every_scenario_meets_its_expectations_in_both_modes_and_the_modes_agree() {
    let files = scenario_files();
    let mut problems = String::new();
    let mut instructions = 0;
    let mut nested = 0;
    for path in &files {
        let interpreter = run(path, ExecutionMode::Interpreter);
        let jit = run(path, ExecutionMode::Jit);
        match (&interpreter, &jit) {
            (Ok(interpreter), Ok(jit)) => {
                instructions += interpreter.instructions.len();
                problems.push_str(&expectation_failures(
                    path,
                    ExecutionMode::Interpreter,
                    interpreter,
                ));
                problems.push_str(&expectation_failures(path, ExecutionMode::Jit, jit));
                problems.push_str(&mode_differences(path, interpreter, jit));
                problems.push_str(&invoke_tree_problems(path, jit, &mut nested));
            }
            _ => {
                for (mode, result) in [("interpreter", &interpreter), ("jit", &jit)] {
                    if let Err(error) = result {
                        let _ = writeln!(
                            problems,
                            "{} [{mode}]: does not run: {error}",
                            file_name(path)
                        );
                    }
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "scenario problems ({} files, {instructions} instructions):\n{problems}",
        files.len()
    );
    assert!(nested > 50, "only {nested} CPI frames in the scenarios");
    eprintln!(
        "{} scenario files, {instructions} instructions, both modes",
        files.len()
    );
}

/// The invoke tree against the plain reading of the trace: every frame that ran appears
/// exactly once, as a child of its `caller_index` (top-level frames at the root), children
/// in trace order. The tree builder scans only a frame's span of descendants; this checks
/// it against every frame, siblings and nested CPIs included. Adds the CPI frames seen to
/// `nested`.
fn invoke_tree_problems(path: &Path, report: &RunReport, nested: &mut usize) -> String {
    let mut out = String::new();
    for instruction in &report.instructions {
        let seen: Vec<(usize, Option<usize>)> =
            invoke_tree_frames(&instruction.outcome.invocations)
                .into_iter()
                .map(|(invocation, caller)| (invocation.trace_index, caller))
                .collect();
        let expected: Vec<(usize, Option<usize>)> = instruction
            .outcome
            .transaction
            .trace
            .iter()
            .enumerate()
            .filter(|(_, frame)| frame.caller_index.is_some() || frame.outcome.is_some())
            .map(|(index, frame)| (index, frame.caller_index))
            .collect();
        *nested += expected
            .iter()
            .filter(|(_, caller)| caller.is_some())
            .count();
        if seen != expected {
            let _ = writeln!(
                out,
                "{} {}: invoke tree frames {seen:?}, trace {expected:?}",
                file_name(path),
                label(instruction)
            );
        }
    }
    out
}

/// Guards the discovery itself: a wrong directory or extension filter would otherwise make
/// the test above pass vacuously.
#[test]
fn the_fixture_scenarios_are_discovered() {
    let names: Vec<String> = scenario_files().iter().map(|p| file_name(p)).collect();
    for expected in [
        "account_data.toml",
        "account_data_wrap.json",
        "compute.toml",
        "core_bpf.toml",
        "crypto.toml",
        "crypto_syscalls.toml",
        "custom_error.toml",
        "ed25519_gate.toml",
        "hash_pda.toml",
        "introspect.toml",
        "log.toml",
        "memops.toml",
        "system.toml",
        "sysvar_history.toml",
        "sysvars.toml",
        "sysvars_default.json",
        "transactions.toml",
    ] {
        assert!(
            names.iter().any(|name| name == expected),
            "{expected} not found among {names:?}"
        );
    }
}

/// The Core BPF scenario: the program loaded at the Config address runs with no note; the
/// Stake instruction, whose program is not loaded, carries the note naming it, in the
/// `--json` report too.
#[test]
fn a_core_bpf_program_runs_from_its_file_and_a_missing_one_is_named() {
    let path = fixtures_dir().join("core_bpf.toml");
    let report = run(&path, ExecutionMode::Jit).expect("core_bpf.toml runs");
    let json = sbfvm::report::json_report(&report);
    assert_eq!(json.instructions[0].result, "ok");
    assert!(json.instructions[0].notes.is_empty());
    assert_eq!(json.instructions[1].result, "ProgramAccountNotFound");
    let notes = &json.instructions[1].notes;
    assert!(
        notes.len() == 1 && notes[0].contains("Stake program") && notes[0].contains("dump"),
        "{notes:?}"
    );
    let text = serde_json::to_string(&json).expect("serializable");
    assert_eq!(text.matches("\"notes\"").count(), 1, "{text}");
}

/// The transactions scenario reports each transaction with its fee, in the human report and
/// in `--json` (where instruction-only scenarios keep their keys).
#[test]
fn transactions_are_reported_with_their_fees() {
    let report = run(
        &fixtures_dir().join("transactions.toml"),
        ExecutionMode::Jit,
    )
    .expect("transactions.toml runs");
    assert_eq!(report.transactions.len(), 8);
    assert_eq!(report.expectations_failed(), 0);
    let json = sbfvm::report::json_report(&report);
    let fee = json.transactions[0].fee.expect("charged");
    assert_eq!((fee.transaction_fee, fee.prioritization_fee), (5_000, 900));
    assert!(
        json.transactions[5].fee.is_none(),
        "a bad signature is charged nothing"
    );
    let human = sbfvm::report::human_report(&report);
    assert!(human.contains("(450 CU, fee 5900 lamports)"), "{human}");
    assert!(
        human.contains("0 instruction(s) and 8 transaction(s)"),
        "{human}"
    );
    let log = run(&fixtures_dir().join("log.toml"), ExecutionMode::Jit).unwrap();
    let text = serde_json::to_string(&sbfvm::report::json_report(&log)).unwrap();
    assert!(!text.contains("\"transactions\"") && !text.contains("\"fee\""));
}

/// Every instruction of the issue-2 scenarios carries an expectation, so none of them runs
/// unchecked.
#[test]
fn the_issue_2_scenarios_check_every_instruction() {
    for name in [
        "account_data.toml",
        "account_data_wrap.json",
        "compute.toml",
        "custom_error.toml",
        "introspect.toml",
        "memops.toml",
        "system.toml",
        "sysvars.toml",
        "sysvars_default.json",
    ] {
        let scenario = Scenario::load(&fixtures_dir().join(name)).expect(name);
        assert!(!scenario.file.instructions.is_empty(), "{name}");
        for (index, instruction) in scenario.file.instructions.iter().enumerate() {
            let expect = instruction
                .expect
                .as_ref()
                .unwrap_or_else(|| panic!("{name} instruction {index} has no expect block"));
            assert!(
                expect.result.is_some(),
                "{name} instruction {index} does not check its result"
            );
        }
    }
}

/// The checks above are only as good as the runner's expectation checking: a scenario with
/// one wrong value of each kind must report each of them.
#[test]
fn wrong_expectations_are_reported() {
    let log_so = fixtures_dir().join("log.so");
    let text = format!(
        r#"
[[programs]]
program_id = "DXBG5qqf4nt9Hu6jq7Qcenyh9Crc2XKSmMjdi7sa7dMC"
elf = {elf:?}

[[accounts]]
pubkey = "3RNzrtuvcd1Ajas21y5KUdxRT7PEKqkHUVwscn59fLpq"
lamports = 2_000_000
data = "hex:01"

[[instructions]]
name = "all wrong"
program_id = "DXBG5qqf4nt9Hu6jq7Qcenyh9Crc2XKSmMjdi7sa7dMC"
accounts = [ {{ pubkey = "3RNzrtuvcd1Ajas21y5KUdxRT7PEKqkHUVwscn59fLpq" }} ]
data = "hex:0a0b"
[instructions.expect]
result = "Custom(1)"
compute_units_consumed = 1
logs_contain = ["Program log: not logged"]
return_data = "hex:00"
accounts = [ {{ pubkey = "3RNzrtuvcd1Ajas21y5KUdxRT7PEKqkHUVwscn59fLpq", lamports = 1, owner = "DXBG5qqf4nt9Hu6jq7Qcenyh9Crc2XKSmMjdi7sa7dMC", data = "hex:02", data_len = 2, executable = true }} ]
"#,
        elf = log_so.to_str().unwrap()
    );
    let path = std::env::temp_dir().join(format!(
        "sbfvm-scenarios-{}-wrong-expectations.toml",
        std::process::id()
    ));
    std::fs::write(&path, text).unwrap();
    let reports: Vec<RunReport> = [ExecutionMode::Interpreter, ExecutionMode::Jit]
        .into_iter()
        .map(|mode| run(&path, mode).unwrap())
        .collect();
    let _ = std::fs::remove_file(&path);
    for report in &reports {
        assert_eq!(report.expectations_failed(), 9, "{report:#?}");
        let text = expectation_failures(&path, report.mode, report);
        for needle in [
            "result: expected `Custom(1)`, got `ok`",
            "compute_units_consumed: expected 1, got",
            "no log line contains `Program log: not logged`",
            "return_data: expected hex:00, got hex:",
            "lamports: expected 1, got 2000000",
            "owner: expected DXBG5qqf4nt9Hu6jq7Qcenyh9Crc2XKSmMjdi7sa7dMC, got 11111111111111111111111111111111",
            "data: expected hex:02, got hex:01",
            "data length: expected 2, got 1",
            "executable: expected true, got false",
        ] {
            assert!(text.contains(needle), "`{needle}` not in\n{text}");
        }
    }
    assert_eq!(mode_differences(&path, &reports[0], &reports[1]), "");
    assert_eq!(mode_differences(&path, &reports[0], &reports[0]), "");
}

fn check_cost_adds_up(invocation: &sbfvm::Invocation, label: &str) {
    let callees: u64 = invocation
        .invocations
        .iter()
        .map(|child| child.compute_units_consumed)
        .sum();
    assert_eq!(
        invocation.cost.total() + callees,
        invocation.compute_units_consumed,
        "{label}: frame {} cost {:?} + callees {callees}",
        invocation.trace_index,
        invocation.cost
    );
    for child in &invocation.invocations {
        check_cost_adds_up(child, label);
    }
}

/// The per-frame split (instructions, syscalls by name, CPI charges, other) plus the
/// callee subtrees adds up exactly to each frame's units, and the top-level frames to the
/// instruction's, in every fixture scenario.
#[test]
fn cost_attribution_adds_up_in_every_scenario() {
    let mut checked = 0;
    for path in scenario_files() {
        let scenario = Scenario::load(&path).unwrap();
        let report = runner::run(&scenario, None).unwrap();
        for instruction in &report.instructions {
            let label = format!("{} #{}", path.display(), instruction.index);
            let top: u64 = instruction
                .outcome
                .invocations
                .iter()
                .map(|invocation| invocation.compute_units_consumed)
                .sum();
            if !instruction.outcome.invocations.is_empty() {
                assert_eq!(top, instruction.outcome.compute_units_consumed(), "{label}");
            }
            for invocation in &instruction.outcome.invocations {
                check_cost_adds_up(invocation, &label);
            }
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} instructions checked");
}

/// The JSON reports are serialized from structs; their keys must stay in the alphabetical
/// order the reports have always had, at every level.
#[test]
fn json_reports_keep_their_keys_in_alphabetical_order() {
    fn assert_sorted(value: &impl serde::Serialize, what: &str) {
        let as_declared = serde_json::to_string(value).unwrap();
        let sorted = serde_json::to_string(&serde_json::to_value(value).unwrap()).unwrap();
        assert_eq!(as_declared, sorted, "{what}");
    }
    for path in scenario_files() {
        let report = run(&path, ExecutionMode::Jit).unwrap();
        assert_sorted(&sbfvm::report::json_report(&report), &file_name(&path));
    }
    for entry in std::fs::read_dir(fixtures_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|ext| ext == "so") {
            let elf = std::fs::read(&path).unwrap();
            let inspection = sbfvm::inspect::inspect(&elf, &sbfvm::FeatureSet::mainnet()).unwrap();
            assert_sorted(&sbfvm::inspect::json(&inspection), &file_name(&path));
        }
    }
}
