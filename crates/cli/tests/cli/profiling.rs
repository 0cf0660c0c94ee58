//! `sbfvm run SCENARIO --profile DIR`: folded stacks and flamegraphs per instruction and
//! merged, the function table, and the profile in the `--json` report.

use std::collections::BTreeMap;

use crate::common::{assert_success, fixture, sbfvm, temp_path, text};

/// Sums the units of folded-stack lines.
fn folded_units(text: &str) -> u64 {
    text.lines()
        .map(|line| line.rsplit_once(' ').unwrap().1.parse::<u64>().unwrap())
        .sum()
}

#[test]
fn profiles_are_written_per_instruction_and_merged_and_add_up() {
    let dir = temp_path("profile");
    let output = sbfvm(&[
        "run",
        fixture("demo.toml").to_str().unwrap(),
        "--json",
        "--profile",
        dir.to_str().unwrap(),
        "--top",
        "3",
    ]);
    assert_success(&output);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let instructions = report["instructions"].as_array().unwrap();
    let mut all = 0;
    for (index, instruction) in instructions.iter().enumerate() {
        let units = instruction["compute_units_consumed"].as_u64().unwrap();
        all += units;
        let folded = std::fs::read_to_string(dir.join(format!("ix{index:03}.folded"))).unwrap();
        assert_eq!(
            folded_units(&folded),
            units,
            "ix{index:03}.folded:\n{folded}"
        );
        // Every stack starts at the instruction's program.
        let program = instruction["program_id"].as_str().unwrap();
        assert!(
            folded.lines().all(|line| line.starts_with(program)),
            "{folded}"
        );
        let svg = std::fs::read_to_string(dir.join(format!("ix{index:03}.svg"))).unwrap();
        assert!(
            svg.contains("<svg") && svg.contains("entrypoint"),
            "ix{index:03}.svg"
        );
        // The report carries the same tree.
        let frames = instruction["profile"]["frames"].as_array().unwrap();
        assert_eq!(frames[0]["kind"], "program");
        assert_eq!(frames[0]["name"], program);
    }
    let merged = std::fs::read_to_string(dir.join("merged.folded")).unwrap();
    assert_eq!(folded_units(&merged), all);
    assert!(dir.join("merged.svg").is_file());
    // Instruction 1 of the demo invokes the System program: its frame nests under the
    // CPI call site of the caller's function.
    let nested = std::fs::read_to_string(dir.join("ix001.folded")).unwrap();
    assert!(
        nested
            .lines()
            .any(|line| line.contains(";sol_invoke_signed_c;11111111111111111111111111111111 ")),
        "{nested}"
    );
    // The table (on stderr with --json): three rows, largest total first.
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("top 3 functions by compute units"),
        "{stderr}"
    );
    let rows: Vec<&str> = stderr
        .lines()
        .skip_while(|line| !line.contains("self CU"))
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        .collect();
    assert_eq!(rows.len(), 3, "{stderr}");
    let totals: Vec<u64> = rows
        .iter()
        .map(|row| row.split_whitespace().nth(2).unwrap().parse().unwrap())
        .collect();
    assert!(
        totals.windows(2).all(|pair| pair[0] >= pair[1]),
        "{totals:?}"
    );
}

/// The same run in both modes gives the same profile, callee frames nested under the CPI
/// call sites.
#[test]
fn profiles_are_the_same_in_both_modes() {
    let mut folded = BTreeMap::new();
    for mode in ["interpreter", "jit"] {
        let dir = temp_path("profile-mode");
        let output = sbfvm(&[
            "run",
            fixture("cpi_chain.toml").to_str().unwrap(),
            "--mode",
            mode,
            "--profile",
            dir.to_str().unwrap(),
        ]);
        assert_success(&output);
        folded.insert(
            mode,
            std::fs::read_to_string(dir.join("merged.folded")).unwrap(),
        );
    }
    assert_eq!(folded["interpreter"], folded["jit"]);
    assert!(
        folded["jit"].contains(";entrypoint;sol_invoke_signed_c;"),
        "{}",
        folded["jit"]
    );
}

/// Profiles and coverage step frames with the profiler, traces with the tracer: one run
/// cannot do both, and says so (exit 2) naming the two flags.
#[test]
fn profile_or_coverage_and_trace_together_is_a_usage_error() {
    let dir = temp_path("profile-trace");
    let dir = dir.to_str().unwrap();
    for flag in ["--profile", "--coverage"] {
        let log = fixture("log.toml");
        let output = sbfvm(&["run", log.to_str().unwrap(), flag, dir, "--trace", dir]);
        assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
        let stderr = text(&output.stderr);
        assert!(
            stderr.contains(flag) && stderr.contains("--trace"),
            "{stderr}"
        );
    }
}
