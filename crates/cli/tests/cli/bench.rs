//! `sbfvm bench FILE.toml`: a user's scenario timed instruction by instruction, and the
//! comparison with a baseline report.

use crate::common::{assert_exit_code, fixture, sbfvm, text, TempFile};

fn report(file: &str) -> serde_json::Value {
    let path = fixture(file);
    let output = sbfvm(&["bench", path.to_str().unwrap(), "--json"]);
    serde_json::from_str(&assert_exit_code(&output, 0)).expect("a JSON report")
}

#[test]
fn a_scenario_file_is_timed_per_instruction_with_its_compute_units_and_syscalls() {
    let report = report("log.toml");
    let instructions = report["instructions"].as_array().unwrap();
    assert_eq!(instructions.len(), 2);
    // The compute units `sbfvm run` reports for log.toml (its expect blocks).
    assert_eq!(instructions[0]["compute_units"], 738);
    assert_eq!(instructions[1]["compute_units"], 890);
    for instruction in instructions {
        assert_eq!(instruction["result"], "ok");
        assert!(instruction["ns_per_run"].as_f64().unwrap() > 0.0);
        assert!(instruction["samples"].as_u64().unwrap() > 0);
    }
    let syscalls = instructions[0]["syscalls"].as_array().unwrap();
    let log = syscalls.iter().find(|s| s["name"] == "sol_log_").unwrap();
    assert_eq!(
        (log["calls"].as_u64(), log["compute_units"].as_u64()),
        (Some(1), Some(100))
    );
}

#[test]
fn more_compute_units_than_the_baseline_fail_the_command() {
    let path = fixture("log.toml");
    let path = path.to_str().unwrap();
    let mut baseline = report("log.toml");
    let same = TempFile::new("bench-baseline.json", baseline.to_string().as_bytes());
    let output = sbfvm(&["bench", path, "--compare-to", same.path()]);
    let stdout = assert_exit_code(&output, 0);
    assert!(
        stdout.contains("| #0 every logging syscall | 738 | 738 |"),
        "{stdout}"
    );
    // A baseline that consumed one unit less: this run is a compute-unit regression.
    baseline["instructions"][1]["compute_units"] = 889.into();
    let cheaper = TempFile::new("bench-cheaper.json", baseline.to_string().as_bytes());
    let output = sbfvm(&["bench", path, "--compare-to", cheaper.path()]);
    let stdout = assert_exit_code(&output, 1);
    assert!(stdout.contains("| 889 | 890 (more CU) |"), "{stdout}");
    assert!(
        text(&output.stderr).contains("1 instruction(s) consume more compute units"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn a_bad_scenario_file_or_baseline_is_a_clear_error() {
    let path = fixture("log.toml");
    let not_a_report = TempFile::new("bench-not-a-report.json", b"{\"x\": 1}");
    let output = sbfvm(&[
        "bench",
        path.to_str().unwrap(),
        "--compare-to",
        not_a_report.path(),
    ]);
    assert_exit_code(&output, 2);
    assert!(text(&output.stderr).contains("not a `sbfvm bench FILE --json` report"));
    let output = sbfvm(&[
        "bench",
        "syscall/stack_height",
        "--compare-to",
        not_a_report.path(),
    ]);
    assert_exit_code(&output, 2);
    assert!(text(&output.stderr)
        .contains("--compare-to, --mode and --profile apply to a scenario file"));
}
