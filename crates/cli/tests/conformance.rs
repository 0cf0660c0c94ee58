//! Runs the whole Firedancer conformance corpus (`../shared/conformance` beside the
//! repository) through `sbfvm::conformance` and prints per-family counts.
//!
//! For now it asserts that nothing panics and that the `elf_loader`, `vm_interp` and `cpi`
//! families and the `instr/fixtures/system` fixtures pass completely; the other failures
//! are printed (by fixture name and first differing field), not asserted. Skipped with a
//! message when the corpus is absent.

use std::path::PathBuf;
use std::time::Instant;

use sbfvm::conformance::{self, Family, Options, Verdict};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/conformance");

#[test]
fn conformance_corpus() {
    let root = PathBuf::from(CORPUS);
    if !root.is_dir() {
        println!(
            "SKIPPED: conformance corpus not found at {} (it lives in shared/ beside the repository)",
            root.display()
        );
        return;
    }
    let started = Instant::now();
    let summary = conformance::run(&[root], &Options::default()).expect("fixtures are readable");
    println!(
        "{} fixtures in {:.1} s",
        summary.results.len(),
        started.elapsed().as_secs_f64()
    );
    print!("{}", conformance::human_summary(&summary, 10));
    let counts = summary.counts();
    let system = |result: &conformance::FixtureResult| {
        result
            .path
            .to_string_lossy()
            .replace('\\', "/")
            .contains("instr/fixtures/system/")
    };
    for family in [
        Family::ElfLoader,
        Family::VmInterp,
        Family::Cpi,
        Family::Instr,
    ] {
        let failing: Vec<String> = summary
            .results
            .iter()
            .filter(|result| result.family == family)
            .filter(|result| family != Family::Instr || system(result))
            .filter_map(|result| match &result.verdict {
                Verdict::Fail(mismatch) => Some(format!(
                    "{}: {}: expected {}, got {}",
                    result.name(),
                    mismatch.field,
                    mismatch.expected,
                    mismatch.got
                )),
                Verdict::Skip(reason) => Some(format!("{} skipped: {reason}", result.name())),
                Verdict::Pass => None,
            })
            .collect();
        let count = counts.get(&family).cloned().unwrap_or_default();
        assert!(
            count.passed > 0,
            "no {} fixture ran (corpus layout changed?)",
            family.name()
        );
        assert!(
            failing.is_empty(),
            "{} must pass completely; not passing:\n{}",
            family.name(),
            failing.join("\n")
        );
    }
}
