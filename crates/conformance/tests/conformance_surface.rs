//! Runs the families of the second conformance split (`shared/conformance-surface`,
//! zstd-compressed `*.fix.zst` fixtures, beside the repository) that sbfvm implements: the
//! syscall families `secp256k1`, `poseidon`, `curve25519` and `alt_bn128` under
//! `syscall/fixtures/` and the instr families `compute-budget` and `zk_sdk` under
//! `instr/fixtures/`, in the
//! interpreter and in the JIT, and requires every fixture to pass (no failures, no skips).
//! When the corpus is absent the test fails if the `CI` environment variable is set and is
//! skipped with a message otherwise, as the first split's test does.

use std::path::PathBuf;
use std::time::Instant;

use sbfvm_conformance::{self as conformance, ExecutionMode, Options, Verdict};

const CORPUS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/conformance-surface"
);

/// The families run here, each a directory of the corpus.
const FAMILIES: &[&str] = &[
    "syscall/fixtures/secp256k1",
    "syscall/fixtures/poseidon",
    "syscall/fixtures/curve25519",
    "syscall/fixtures/alt_bn128",
    "instr/fixtures/compute-budget",
    "instr/fixtures/zk_sdk",
];

/// The corpus directory, or `None` (after saying so) when it is absent outside CI.
fn corpus() -> Option<PathBuf> {
    let root = PathBuf::from(CORPUS);
    if root.is_dir() {
        return Some(root);
    }
    let message = format!(
        "conformance-surface corpus not found at {} (it lives in shared/ beside the repository)",
        root.display()
    );
    assert!(std::env::var_os("CI").is_none(), "CI is set: {message}");
    println!("SKIPPED: {message}");
    None
}

fn run_families(mode: ExecutionMode) {
    let Some(root) = corpus() else {
        return;
    };
    let mut not_passing = Vec::new();
    for family in FAMILIES {
        let dir = root.join(family);
        let started = Instant::now();
        let summary = conformance::run(&[dir], &Options { mode }).expect("fixtures are readable");
        let passed = summary
            .results
            .iter()
            .filter(|result| result.verdict == Verdict::Pass)
            .count();
        println!(
            "{mode:?} {family}: {passed}/{} passed in {:.1} s",
            summary.results.len(),
            started.elapsed().as_secs_f64()
        );
        if passed == 0 {
            not_passing.push(format!(
                "no {family} fixture passed (corpus layout changed?)"
            ));
        }
        for result in &summary.results {
            match &result.verdict {
                Verdict::Pass => {}
                Verdict::Fail(mismatch) => not_passing.push(format!(
                    "{family}/{}: {}: expected {}, got {}",
                    result.name(),
                    mismatch.field,
                    mismatch.expected,
                    mismatch.got
                )),
                Verdict::Skip(reason) => {
                    not_passing.push(format!("{family}/{} skipped: {reason}", result.name()))
                }
            }
        }
    }
    assert!(
        not_passing.is_empty(),
        "{mode:?}: {} fixtures do not pass:\n{}",
        not_passing.len(),
        not_passing.join("\n")
    );
}

#[test]
fn surface_families_interpreter() {
    run_families(ExecutionMode::Interpreter);
}

#[test]
fn surface_families_jit() {
    run_families(ExecutionMode::Jit);
}

/// A `.fix.zst` file is discovered and decompressed: a compressed junk message is found
/// and skipped as "not a fixture message", a file that is not zstd is skipped as such.
#[test]
fn compressed_fixture_files_are_discovered_and_decompressed() {
    let dir = std::env::temp_dir().join(format!("sbfvm-conformance-zst-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // zstd frame of the 3 bytes ff ff ff (a raw block, single segment, no checksum).
    let frame = [
        0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x03, 0x19, 0x00, 0x00, 0xff, 0xff, 0xff,
    ];
    std::fs::write(dir.join("junk.fix.zst"), frame).unwrap();
    std::fs::write(dir.join("bad.fix.zst"), [1, 2, 3]).unwrap();
    std::fs::write(dir.join("other.zst"), frame).unwrap();
    let files = conformance::discover(std::slice::from_ref(&dir)).unwrap();
    assert_eq!(files, [dir.join("bad.fix.zst"), dir.join("junk.fix.zst")]);
    assert_eq!(
        conformance::read_fixture(&dir.join("junk.fix.zst")).unwrap(),
        [0xff, 0xff, 0xff]
    );
    let summary = conformance::run_files(&files, &Options::default());
    let reasons: Vec<String> = summary
        .results
        .iter()
        .map(|result| match &result.verdict {
            Verdict::Skip(reason) => reason.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert!(reasons[0].starts_with("not a zstd file"), "{reasons:?}");
    assert!(
        reasons[1].starts_with("not a fixture message"),
        "{reasons:?}"
    );
    assert_eq!(
        conformance::find_fixture(std::slice::from_ref(&dir), "junk").unwrap(),
        Some(dir.join("junk.fix.zst"))
    );
    std::fs::remove_dir_all(dir).unwrap();
}
