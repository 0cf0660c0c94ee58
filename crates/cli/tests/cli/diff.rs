//! `sbfvm diff A.json B.json`: the first divergence between two reports of one scenario,
//! exit 1 when they differ, 0 when they agree, and a clear error (exit 2) for reports of
//! different scenarios or malformed ones.

use crate::common::{assert_exit_code, fixture, sbfvm, temp_path, text, TempFile};

/// `sbfvm run SCENARIO --json [--profile DIR]` as a temporary file.
fn report(scenario: &str, profile: bool) -> TempFile {
    let dir = temp_path("diff-profile");
    let scenario = fixture(scenario);
    let mut args = vec!["run", scenario.to_str().unwrap(), "--json"];
    if profile {
        args.extend(["--profile", dir.to_str().unwrap()]);
    }
    let output = sbfvm(&args);
    let stdout = assert_exit_code(&output, 0);
    TempFile::new("report.json", stdout.as_bytes())
}

/// Two builds of one program that differ in one loop count (8 rounds, then 9): the
/// divergence is named down to the loop's function and its logging syscall.
#[test]
fn diff_names_the_loop_that_runs_once_more() {
    let a = report("loop_v1.toml", true);
    let b = report("loop_v2.toml", true);
    let output = sbfvm(&["diff", a.path(), b.path()]);
    let stdout = assert_exit_code(&output, 1);
    for expected in [
        "the reports differ in 1 of 1 instruction(s); the first is instruction 0 (program Loop111111111111111111111111111111111111111)",
        "compute units: A 958, B 1064 (+106)",
        "frame #0 (stack height 1, program Loop111111111111111111111111111111111111111): A 958 CU, B 1064 CU (+106)",
        "A spent: instructions 58, syscalls 900, cpi 0, other 0",
        "B spent: instructions 64, syscalls 1000, cpi 0, other 0",
        // The loop is `mix`, the entrypoint's callee (no symbols: named by address).
        "function function_0x",
        "at Loop111111111111111111111111111111111111111;entrypoint;function_0x",
        "syscall sol_log_64_: A 8 calls, 800 CU; B 9 calls, 900 CU",
        "log line 9: A \"Program Loop111111111111111111111111111111111111111 consumed 958 of 200000 compute units\"",
    ] {
        assert!(stdout.contains(expected), "`{expected}` not in\n{stdout}");
    }
    // The function's own instructions are what differs first: 50 against 56.
    assert!(
        stdout.contains("A: self 50 CU, total 850 CU; B: self 56 CU, total 956 CU"),
        "{stdout}"
    );

    // Without profiles the function is not named; the rest is.
    let (a, b) = (report("loop_v1.toml", false), report("loop_v2.toml", false));
    let stdout = assert_exit_code(&sbfvm(&["diff", a.path(), b.path()]), 1);
    assert!(!stdout.contains("function "), "{stdout}");
    assert!(
        stdout.contains("syscall sol_log_64_: A 8 calls"),
        "{stdout}"
    );
}

#[test]
fn diff_of_equal_reports_exits_0() {
    let a = report("cpi_chain.toml", true);
    let b = report("cpi_chain.toml", true);
    let stdout = assert_exit_code(&sbfvm(&["diff", a.path(), b.path()]), 0);
    assert!(stdout.starts_with("the reports agree: "), "{stdout}");
}

#[test]
fn reports_of_different_scenarios_are_refused() {
    let a = report("loop_v1.toml", false);
    let b = report("log.toml", false);
    let output = sbfvm(&["diff", a.path(), b.path()]);
    assert_exit_code(&output, 2);
    let stderr = text(&output.stderr);
    assert!(
        stderr.starts_with(
            "error: the reports are of different scenarios: A has 1 instructions, B has 2"
        ),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");

    // Same length, other input: told by the input digest.
    let first = report("log.toml", false);
    let text_b = std::fs::read_to_string(&first.0).unwrap();
    let mut changed: serde_json::Value = serde_json::from_str(&text_b).unwrap();
    changed["instructions"][1]["input"] = "00".repeat(32).into();
    let b = TempFile::new("other.json", changed.to_string().as_bytes());
    let output = sbfvm(&["diff", first.path(), b.path()]);
    assert_exit_code(&output, 2);
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("instructions[1] has other accounts or data in A than in B"),
        "{stderr}"
    );
}

#[test]
fn malformed_reports_are_clear_errors() {
    let good = report("log.toml", false);
    for (contents, expected) in [
        ("not json", "B: not JSON: "),
        ("{\"a\": 1}", "B: not an `sbfvm run --json` report (no `instructions` list)"),
        (
            "{\"instructions\": [{\"program_id\": \"DXBG5qqf4nt9Hu6jq7Qcenyh9Crc2XKSmMjdi7sa7dMC\"}, {\"program_id\": \"3ezmV2y4womXv8SVenGQsKWrw4DizRw97XjbV43pBqzF\"}]}",
            "B: instructions[0]: missing `compute_units_consumed`",
        ),
    ] {
        let bad = TempFile::new("bad.json", contents.as_bytes());
        let output = sbfvm(&["diff", good.path(), bad.path()]);
        assert_exit_code(&output, 2);
        let stderr = text(&output.stderr);
        assert!(stderr.contains(expected), "`{expected}` not in {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    let missing = sbfvm(&["diff", good.path(), "/nonexistent/report.json"]);
    assert_exit_code(&missing, 2);
}
