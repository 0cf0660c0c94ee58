//! Runs the whole Firedancer conformance corpus (`shared/conformance`, which lies beside
//! the repository, outside it) through `sbfvm_conformance`, in the interpreter and in the
//! JIT, and requires every fixture of every family to pass (no failures, no skips). When
//! the corpus is absent the test fails if the `CI` environment variable is set (CI must
//! run it) and is skipped with a message otherwise.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Instant;

use sbfvm_conformance::{
    self as conformance, ExecutionMode, Family, FixtureResult, Options, Verdict,
};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/conformance");

/// The corpus directory, or `None` (after saying so) when it is absent outside CI.
fn corpus() -> Option<PathBuf> {
    corpus_at(PathBuf::from(CORPUS), std::env::var_os("CI").is_some())
}

/// `root` if it is a directory; else a failure under CI (`ci`), a skip with a message
/// otherwise.
fn corpus_at(root: PathBuf, ci: bool) -> Option<PathBuf> {
    if root.is_dir() {
        return Some(root);
    }
    let message = format!(
        "conformance corpus not found at {} (it lives in shared/ beside the repository)",
        root.display()
    );
    assert!(!ci, "CI is set: {message}");
    println!("SKIPPED: {message}");
    None
}

fn run_corpus(mode: ExecutionMode) {
    let Some(root) = corpus() else {
        return;
    };
    let started = Instant::now();
    let summary = conformance::run(&[root], &Options { mode }).expect("fixtures are readable");
    println!(
        "{mode:?}: {} fixtures in {:.1} s",
        summary.results.len(),
        started.elapsed().as_secs_f64()
    );
    print!("{}", conformance::human_summary(&summary, 10));
    let counts = summary.counts();
    for family in counts.keys() {
        assert!(
            counts[family].passed > 0,
            "no {} fixture passed (corpus layout changed?)",
            family.name()
        );
    }
    assert!(
        counts.len() >= 5,
        "expected all five families, found {}",
        counts.len()
    );
    let not_passing: Vec<String> = summary
        .results
        .iter()
        .filter_map(|result| match &result.verdict {
            Verdict::Fail(mismatch) => Some(format!(
                "{} ({}): {}: expected {}, got {}",
                result.name(),
                result.family.name(),
                mismatch.field,
                mismatch.expected,
                mismatch.got
            )),
            Verdict::Skip(reason) => Some(format!("{} skipped: {reason}", result.name())),
            Verdict::Pass => None,
        })
        .collect();
    assert!(
        not_passing.is_empty(),
        "{mode:?}: {} fixtures do not pass:\n{}",
        not_passing.len(),
        not_passing.join("\n")
    );
}

#[test]
fn conformance_corpus_interpreter() {
    run_corpus(ExecutionMode::Interpreter);
}

#[test]
fn conformance_corpus_jit() {
    run_corpus(ExecutionMode::Jit);
}

#[test]
#[should_panic(expected = "CI is set: conformance corpus not found")]
fn a_missing_corpus_fails_under_ci() {
    corpus_at(PathBuf::from("/nonexistent/sbfvm-conformance-corpus"), true);
}

#[test]
fn a_missing_corpus_is_skipped_outside_ci() {
    assert_eq!(
        corpus_at(
            PathBuf::from("/nonexistent/sbfvm-conformance-corpus"),
            false
        ),
        None
    );
}

/// A directory of the calling test (`name`) with one file that is not a fixture message
/// (skipped as such); the test removes it.
fn junk_fixture_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sbfvm-conformance-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("junk.fix"), [0xff, 0xff, 0xff]).unwrap();
    dir
}

#[test]
fn each_finished_fixture_is_reported_to_the_progress() {
    let dir = junk_fixture_dir("progress");
    let files = conformance::discover(std::slice::from_ref(&dir)).unwrap();
    let labels = Mutex::new(Vec::new());
    let summary = conformance::run_files_with_progress(
        &files,
        &Options::default(),
        &|result: &FixtureResult| {
            labels
                .lock()
                .unwrap()
                .push(format!("{} {}", result.family.name(), result.name()));
        },
    );
    assert_eq!(summary.results.len(), 1);
    assert_eq!(summary.results[0].family, Family::UNKNOWN);
    assert!(matches!(summary.results[0].verdict, Verdict::Skip(_)));
    assert_eq!(labels.into_inner().unwrap(), ["unknown junk.fix"]);
    std::fs::remove_dir_all(dir).unwrap();
}

/// The JSON summary is serialized from structs; its keys must stay in the alphabetical
/// order it has always had.
#[test]
fn the_json_summary_keeps_its_keys_in_alphabetical_order() {
    let dir = junk_fixture_dir("json-keys");
    let mut summary = conformance::run(std::slice::from_ref(&dir), &Options::default()).unwrap();
    std::fs::remove_dir_all(dir).unwrap();
    summary.results.push(FixtureResult {
        path: PathBuf::from("vm_interp/x.fix"),
        family: Family::named("vm_interp").unwrap(),
        verdict: Verdict::Fail(conformance::Mismatch {
            field: "r0".into(),
            expected: "1".into(),
            got: "2".into(),
        }),
    });
    let json = conformance::json_summary(&summary);
    let as_declared = serde_json::to_string(&json).unwrap();
    let sorted = serde_json::to_string(&serde_json::to_value(&json).unwrap()).unwrap();
    assert_eq!(as_declared, sorted);
    assert!(
        as_declared.starts_with(r#"{"failures":[{"expected":"1","family":"vm_interp","#),
        "{as_declared}"
    );
}
