//! `sbfvm run SCENARIO --coverage OUT`: the lcov file (its record structure, checked line
//! by line), the listings its `SF` lines name, the table, the `coverage` section of the
//! `--json` report, and bad input.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::common::{assert_exit_code, assert_success, fixture, sbfvm, temp_path, text};

/// One lcov record.
#[derive(Debug, Default)]
struct Record {
    source: PathBuf,
    /// FN: line → name.
    functions: BTreeMap<u64, String>,
    /// FNDA: name → executions.
    function_hits: BTreeMap<String, u64>,
    /// DA: line → executions.
    lines: BTreeMap<u64, u64>,
}

fn number(value: &str, line: &str) -> u64 {
    value
        .parse()
        .unwrap_or_else(|_| panic!("not a number in `{line}`"))
}

/// Parses an lcov file, checking the structure genhtml expects: `TN:` then `SF:` opens a
/// record, `FN` before `FNDA` before `FNF`/`FNH`, `DA` lines then `LF`/`LH`, and
/// `end_of_record`; the summary counts agree with the lines.
fn parse_lcov(lcov: &str) -> Vec<Record> {
    let mut records = Vec::new();
    let mut current: Option<Record> = None;
    let mut stage = 0;
    let mut summaries = BTreeMap::new();
    for line in lcov.lines() {
        let (tag, value) = line.split_once(':').unwrap_or((line, ""));
        let order = match tag {
            "TN" => 0,
            "SF" => 1,
            "FN" => 2,
            "FNDA" => 3,
            "FNF" | "FNH" => 4,
            "DA" => 5,
            "LF" | "LH" => 6,
            "end_of_record" => 7,
            _ => panic!("unknown lcov line `{line}`"),
        };
        assert!(order >= stage, "`{line}` out of order");
        stage = order;
        match tag {
            "TN" => assert!(current.is_none(), "TN inside a record"),
            "SF" => {
                current = Some(Record {
                    source: PathBuf::from(value),
                    ..Record::default()
                })
            }
            "FN" => {
                let (at, name) = value.split_once(',').unwrap();
                let record = current.as_mut().unwrap();
                record.functions.insert(number(at, line), name.to_string());
            }
            "FNDA" => {
                let (hits, name) = value.split_once(',').unwrap();
                let record = current.as_mut().unwrap();
                assert!(
                    record.functions.values().any(|known| known == name),
                    "{line}"
                );
                record
                    .function_hits
                    .insert(name.to_string(), number(hits, line));
            }
            "DA" => {
                let (at, hits) = value.split_once(',').unwrap();
                let at = number(at, line);
                assert!(at >= 1, "lcov lines are 1-based: {line}");
                let record = current.as_mut().unwrap();
                assert!(
                    record.lines.insert(at, number(hits, line)).is_none(),
                    "{line}"
                );
            }
            "FNF" | "FNH" | "LF" | "LH" => {
                summaries.insert(tag, number(value, line));
            }
            _ => {
                let record = current.take().expect("end_of_record without SF");
                let hit = |counts: &mut dyn Iterator<Item = &u64>| {
                    counts.filter(|&&count| count > 0).count() as u64
                };
                assert_eq!(summaries["FNF"], record.functions.len() as u64);
                assert_eq!(summaries["FNH"], hit(&mut record.function_hits.values()));
                assert_eq!(summaries["LF"], record.lines.len() as u64);
                assert_eq!(summaries["LH"], hit(&mut record.lines.values()));
                summaries.clear();
                records.push(record);
                stage = 0;
            }
        }
    }
    assert!(current.is_none(), "a record without end_of_record");
    records
}

fn run_covered(args: &[&str], out: &Path) -> (std::process::Output, Vec<Record>) {
    let mut all = args.to_vec();
    all.extend(["--coverage", out.to_str().unwrap()]);
    let output = sbfvm(&all);
    assert_success(&output);
    let lcov = std::fs::read_to_string(out).unwrap();
    (output, parse_lcov(&lcov))
}

/// Removes an lcov file's listings (the file itself goes with its [`temp_path`] guard).
fn remove_coverage(out: &Path) {
    let _ = std::fs::remove_dir_all(format!("{}.listings", out.display()));
}

/// `custom_error.so` with data `2a000000` runs 21 of its 109 instructions (counted by hand
/// in `crates/sbfvm/tests/sbfvm/coverage.rs`): lcov line `pc + 1` for each, the listing
/// showing the instruction at `pc` on that line.
#[test]
fn the_lcov_file_has_one_line_per_instruction_and_a_listing() {
    let out = temp_path("custom_error.lcov");
    let program = fixture("custom_error.so");
    let (output, records) = run_covered(
        &[
            "run",
            program.to_str().unwrap(),
            "--data",
            "2a000000",
            "--json",
        ],
        &out,
    );
    assert_eq!(records.len(), 1);
    let record = &records[0];
    assert_eq!(record.lines.len(), 109);
    let hit: Vec<u64> = record
        .lines
        .iter()
        .filter(|(_, &hits)| hits > 0)
        .map(|(&line, _)| line - 1)
        .collect();
    let mut expected: Vec<u64> = vec![0, 2, 3, 4, 20, 21, 22, 96, 98];
    expected.extend(99..=108);
    expected.extend([109, 112]);
    assert_eq!(hit, expected);
    assert_eq!(
        record.functions,
        BTreeMap::from([(1, "entrypoint".to_string())])
    );
    assert_eq!(record.function_hits["entrypoint"], 1);
    // The listing: one line per slot (113), line pc + 1 the instruction at pc.
    let listing = std::fs::read_to_string(&record.source).unwrap();
    let lines: Vec<&str> = listing.lines().collect();
    assert_eq!(lines.len(), 113);
    assert!(
        lines[0].trim_start().starts_with("0  lddw r0"),
        "{}",
        lines[0]
    );
    assert!(lines[0].ends_with("; entrypoint"), "{}", lines[0]);
    assert!(lines[1].contains("second slot"), "{}", lines[1]);
    assert!(
        lines[112].trim_start().starts_with("112  exit"),
        "{}",
        lines[112]
    );
    // The JSON report's section and the table on stderr.
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let program = &report["coverage"]["programs"][0];
    assert_eq!(program["hit"], 21);
    assert_eq!(program["total"], 109);
    assert_eq!(program["functions"][0]["name"], "entrypoint");
    assert_eq!(program["functions"][0]["hit"], 21);
    assert!(program.get("instructions").is_none());
    let stderr = text(&output.stderr);
    let row = stderr.lines().find(|line| line.ends_with("  entrypoint"));
    let row: Vec<&str> = row.unwrap_or_default().split_whitespace().collect();
    assert_eq!(row, ["21/109", "19.3%", "entrypoint"], "{stderr}");
    remove_coverage(&out);
}

/// A CPI scenario: a record per program, the same lcov in both modes.
#[test]
fn a_cpi_chain_covers_every_program_alike_in_both_modes() {
    let mut by_mode = BTreeMap::new();
    for mode in ["interpreter", "jit"] {
        let out = temp_path("cpi.lcov");
        let (output, records) = run_covered(
            &["run", fixture("cpi.toml").to_str().unwrap(), "--mode", mode],
            &out,
        );
        assert!(records.len() >= 2, "{records:?}");
        assert!(records
            .iter()
            .all(|record| record.lines.values().any(|&hits| hits > 0)));
        let stdout = text(&output.stdout);
        assert!(
            stdout.contains("coverage (SBF instructions executed"),
            "{stdout}"
        );
        // The SF lines name listings under each run's own OUT: compare their file names.
        let lcov = std::fs::read_to_string(&out).unwrap();
        let lcov: Vec<String> = lcov
            .lines()
            .map(|line| match line.strip_prefix("SF:") {
                Some(path) => format!("SF:{}", Path::new(path).file_name().unwrap().display()),
                None => line.to_string(),
            })
            .collect();
        by_mode.insert(mode, lcov);
        remove_coverage(&out);
    }
    assert!(
        by_mode["interpreter"] == by_mode["jit"],
        "the modes' lcov files differ"
    );
}

#[test]
fn an_unwritable_coverage_path_is_a_clear_error() {
    let log = fixture("log.toml");
    let missing = temp_path("no-such-dir").join("out.lcov");
    let output = sbfvm(&[
        "run",
        log.to_str().unwrap(),
        "--coverage",
        missing.to_str().unwrap(),
    ]);
    assert_exit_code(&output, 2);
    let stderr = text(&output.stderr);
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(
        stderr.contains("cannot write the coverage file"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    // A directory is no file either.
    let dir = std::env::temp_dir();
    let output = sbfvm(&[
        "run",
        log.to_str().unwrap(),
        "--coverage",
        dir.to_str().unwrap(),
    ]);
    assert_exit_code(&output, 2);
    assert!(!text(&output.stderr).contains("panicked"));
}

/// Profiles and coverage in one run: both written, the profile unchanged by coverage.
#[test]
fn coverage_and_profile_together() {
    let out = temp_path("both.lcov");
    let dir = temp_path("both-profile");
    let demo = fixture("demo.toml");
    let (_, records) = run_covered(
        &[
            "run",
            demo.to_str().unwrap(),
            "--profile",
            dir.to_str().unwrap(),
        ],
        &out,
    );
    assert!(records.len() >= 3);
    assert!(dir.join("merged.folded").exists());
    remove_coverage(&out);
}

/// Programs with DWARF (`fixtures/dwarf.toml`): a record per source file, named as the DWARF
/// names it, no listing; `kind` and `files` in the JSON report; the table says which kind.
#[test]
fn programs_with_dwarf_get_a_record_per_source_file() {
    let out = temp_path("dwarf.lcov");
    let scenario = fixture("dwarf.toml");
    let (output, records) = run_covered(&["run", scenario.to_str().unwrap(), "--json"], &out);
    let sources: Vec<String> = records
        .iter()
        .map(|record| record.source.display().to_string())
        .collect();
    assert_eq!(
        sources,
        [
            "programs/dwarf_loop.c",
            "programs/dwarf_cpi.c",
            "programs/include/sbfvm.h"
        ]
    );
    // dwarf_loop ran three times (once on its own, twice through CPIs); the even branch
    // (line 26) ran once, in the first CPI.
    let dwarf_loop = &records[0];
    assert_eq!(
        dwarf_loop.functions,
        BTreeMap::from([
            (14, "sum_bytes".to_string()),
            (30, "entrypoint".to_string())
        ])
    );
    assert_eq!(dwarf_loop.function_hits["entrypoint"], 3);
    assert_eq!(dwarf_loop.lines[&26], 1);
    assert_eq!(dwarf_loop.lines[&24], 2);
    assert!(!Path::new(&format!("{}.listings", out.display())).exists());
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    for program in report["coverage"]["programs"].as_array().unwrap() {
        assert_eq!(program["kind"], "source_lines", "{program}");
        assert!(!program["files"].as_array().unwrap().is_empty());
    }
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("(instructions; source lines from DWARF)"),
        "{stderr}"
    );
    assert!(stderr.contains("programs/dwarf_loop.c (lines)"), "{stderr}");
    assert!(
        stderr.contains("lcov: source lines from DWARF for 2 programs"),
        "{stderr}"
    );
    remove_coverage(&out);
}
