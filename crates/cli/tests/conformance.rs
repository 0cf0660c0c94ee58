//! Runs the whole Firedancer conformance corpus (`../shared/conformance` beside the
//! repository) through `sbfvm::conformance`, in the interpreter and in the JIT, and
//! requires every fixture of every family to pass (no failures, no skips). Skipped with a
//! message when the corpus is absent (outside this repository's CI).

use std::path::PathBuf;
use std::time::Instant;

use sbfvm::conformance::{self, Options, Verdict};
use sbfvm::ExecutionMode;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/conformance");

fn run_corpus(mode: ExecutionMode) {
    let root = PathBuf::from(CORPUS);
    if !root.is_dir() {
        println!(
            "SKIPPED: conformance corpus not found at {} (it lives in shared/ beside the repository)",
            root.display()
        );
        return;
    }
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
