//! Runs the txn family (`shared/conformance-txn`, Firedancer's Dec-2024 transaction
//! fixtures, zstd-compressed, beside the repository) in the interpreter and in the JIT: the
//! `programs` and `precompile` folders. Fixtures whose transaction invokes the native Vote,
//! Stake or Config program are skipped by the harness; every other fixture must pass, up to
//! the floor below while known failures remain (listed on every run). When the corpus is
//! absent the test fails if the `CI` environment variable is set and is skipped with a
//! message otherwise, as the other conformance tests do.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use sbfvm_conformance::{self as conformance, ExecutionMode, Options, Verdict};

const CORPUS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/conformance-txn"
);

/// The folders run here, with the fixtures of each that must pass at least (every
/// non-skipped one once the known failures are fixed).
const FOLDERS: &[(&str, usize)] = &[
    ("txn/fixtures/programs", 1077),
    ("txn/fixtures/precompile", 915),
];

/// The corpus directory, or `None` (after saying so) when it is absent outside CI.
fn corpus() -> Option<PathBuf> {
    let root = PathBuf::from(CORPUS);
    if root.is_dir() {
        return Some(root);
    }
    let message = format!(
        "conformance-txn corpus not found at {} (it lives in shared/ beside the repository)",
        root.display()
    );
    assert!(std::env::var_os("CI").is_none(), "CI is set: {message}");
    println!("SKIPPED: {message}");
    None
}

fn run_folders(mode: ExecutionMode) {
    let Some(root) = corpus() else {
        return;
    };
    let mut below_floor = Vec::new();
    for (folder, floor) in FOLDERS {
        let started = Instant::now();
        let summary = conformance::run(&[root.join(folder)], &Options { mode })
            .expect("fixtures are readable");
        let mut passed = 0;
        let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
        let mut failures: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for result in &summary.results {
            match &result.verdict {
                Verdict::Pass => passed += 1,
                Verdict::Skip(reason) => *skipped.entry(reason.clone()).or_default() += 1,
                Verdict::Fail(mismatch) => failures
                    .entry(mismatch.field.clone())
                    .or_default()
                    .push(format!(
                        "{}: expected {}, got {}",
                        result.name(),
                        mismatch.expected,
                        mismatch.got
                    )),
            }
        }
        let failed: usize = failures.values().map(Vec::len).sum();
        println!(
            "{mode:?} {folder}: {passed} passed, {} skipped, {failed} failed of {} in {:.1} s",
            skipped.values().sum::<usize>(),
            summary.results.len(),
            started.elapsed().as_secs_f64()
        );
        for (reason, count) in &skipped {
            println!("  skipped {count}: {reason}");
        }
        // `SBFVM_TXN_LIST=1` lists every failure instead of one per field.
        let list_all = std::env::var_os("SBFVM_TXN_LIST").is_some();
        for (field, fixtures) in &failures {
            println!(
                "  {field}: {} fixtures, e.g. {}",
                fixtures.len(),
                fixtures[0]
            );
            if list_all {
                for fixture in &fixtures[1..] {
                    println!("    {fixture}");
                }
            }
        }
        if passed < *floor || passed == 0 {
            below_floor.push(format!("{folder}: {passed} passed, floor {floor}"));
        }
    }
    assert!(below_floor.is_empty(), "{mode:?}: {below_floor:?}");
}

#[test]
fn txn_fixtures_interpreter() {
    run_folders(ExecutionMode::Interpreter);
}

#[test]
fn txn_fixtures_jit() {
    run_folders(ExecutionMode::Jit);
}
