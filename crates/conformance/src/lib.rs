//! The conformance runner for Firedancer's test vectors (the `firedancer-io/test-vectors`
//! layout, schema `org.solana.sealevel.v1` of `firedancer-io/protosol` `0d695a1`): fixture
//! discovery, recognition of each fixture's family by its `metadata.fn_entrypoint`, one
//! harness per family, and a field-by-field comparison that names the first differing field
//! of each fixture.
//!
//! A harness turns a fixture's input into the effects sbfvm produces, with the reference
//! harness's setup (solfuzz-agave `270ca6d`, the harness the expected effects come from:
//! memory map, registers, meter, features, sysvars); the comparison then checks every
//! effects field, the most fundamental first. A fixture is skipped only with a stated
//! reason, and skips are counted per family.
//!
//! The families are the rows of one table, `family::FAMILIES`; adding one is a module and a
//! row, step by step in the docs of `family.rs`. The fixture messages are generated from the
//! `.proto` files in `crates/conformance/proto/` (module [`proto`]). Progress is reported
//! through [`FixtureProgress`]; the caller owns the terminal.
//!
//! ```
//! use sbfvm_conformance::{human_summary, run, Options, Verdict};
//!
//! // A directory with one `.fix` file that is not a fixture message: found, and skipped
//! // with the reason (a corpus directory is run the same way).
//! let dir = std::env::temp_dir().join(format!("sbfvm-conformance-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! std::fs::write(dir.join("junk.fix"), [0xff, 0xff]).unwrap();
//! let summary = run(&[dir.clone()], &Options::default()).unwrap();
//! assert!(matches!(summary.results[0].verdict, Verdict::Skip(_)));
//! assert!(human_summary(&summary, 10).ends_with("total: 1 fixtures, 0 passed, 0 failed, 1 skipped\n"));
//! std::fs::remove_dir_all(dir).unwrap();
//! ```

pub mod compare;
mod elf_loader;
mod errors;
mod family;
mod harness;
mod instr;
mod loader;
pub mod proto;
mod setup;
mod syscall;
mod txn;
mod vm_interp;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use compare::{Mismatch, Row, Value};
use family::Comparison;
pub use family::Family;
pub use harness::Options;
pub use sbfvm_vm::ExecutionMode;

/// Why fixtures could not be found or read. A fixture that fails or is skipped is not an
/// error: it is a [`Verdict`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A path given to [`discover`] (or a directory below it) cannot be read.
    #[error("{path}: {message}")]
    Io {
        /// The path that could not be read.
        path: PathBuf,
        /// Why: the I/O error's text, or "no such file or directory".
        message: String,
    },
}

/// Told about each fixture as it finishes, from the worker threads (a progress display).
/// Any `Fn(&FixtureResult) + Sync` closure is one.
pub trait FixtureProgress: Sync {
    /// Called once per fixture with its result, from the thread that ran it.
    fn fixture_finished(&self, result: &FixtureResult);
}

impl<F: Fn(&FixtureResult) + Sync> FixtureProgress for F {
    fn fixture_finished(&self, result: &FixtureResult) {
        self(result)
    }
}

/// The verdict for one fixture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Every compared field matches the fixture's expected effects.
    Pass,
    /// A field differs; the first differing field, in comparison order.
    Fail(Mismatch),
    /// The fixture was not run, for this reason.
    Skip(String),
}

/// One fixture's result.
#[derive(Debug, Clone)]
pub struct FixtureResult {
    /// The fixture file, as discovered or given.
    pub path: PathBuf,
    /// The family recognised from its entry point ([`Family::UNKNOWN`] if none).
    pub family: Family,
    /// Whether it passed, failed or was skipped.
    pub verdict: Verdict,
}

impl FixtureResult {
    /// The file name without the directory.
    pub fn name(&self) -> String {
        self.path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

/// Counts of one family.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FamilyCounts {
    /// Fixtures whose every field matched.
    pub passed: usize,
    /// Fixtures with a differing field.
    pub failed: usize,
    /// Fixtures not run.
    pub skipped: usize,
    /// Skip reason → count.
    pub skip_reasons: BTreeMap<String, usize>,
    /// First differing field → count.
    pub failed_fields: BTreeMap<String, usize>,
}

/// The results of a run.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// One result per fixture, in fixture order.
    pub results: Vec<FixtureResult>,
}

impl Summary {
    /// The passed, failed and skipped counts of each family that has results.
    pub fn counts(&self) -> BTreeMap<Family, FamilyCounts> {
        let mut counts: BTreeMap<Family, FamilyCounts> = BTreeMap::new();
        for result in &self.results {
            let entry = counts.entry(result.family).or_default();
            match &result.verdict {
                Verdict::Pass => entry.passed += 1,
                Verdict::Fail(mismatch) => {
                    entry.failed += 1;
                    *entry
                        .failed_fields
                        .entry(field_class(&mismatch.field))
                        .or_default() += 1;
                }
                Verdict::Skip(reason) => {
                    entry.skipped += 1;
                    *entry.skip_reasons.entry(reason.clone()).or_default() += 1;
                }
            }
        }
        counts
    }

    /// The number of failed fixtures.
    pub fn failed(&self) -> usize {
        self.results
            .iter()
            .filter(|result| matches!(result.verdict, Verdict::Fail(_)))
            .count()
    }

    /// Every failed fixture with its first differing field, in fixture order.
    pub fn failures(&self) -> impl Iterator<Item = (&FixtureResult, &Mismatch)> {
        self.results
            .iter()
            .filter_map(|result| match &result.verdict {
                Verdict::Fail(mismatch) => Some((result, mismatch)),
                _ => None,
            })
    }
}

/// A field name without indices, for grouping failures (`stack`, `input_data_regions`).
fn field_class(field: &str) -> String {
    let end = field.find(['[', '.', ' ']).unwrap_or(field.len());
    field[..end].to_string()
}

/// Whether `path` names a fixture file: `*.fix`, or `*.fix.zst` (zstd-compressed).
pub fn is_fixture_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| name.ends_with(".fix") || name.ends_with(".fix.zst"))
}

/// The bytes of the fixture message in the file at `path`: read as is, or decompressed when
/// the name ends in `.zst` (with the pure-Rust `ruzstd` decoder).
pub fn read_fixture(path: &Path) -> Result<Vec<u8>, String> {
    let bytes = std::fs::read(path).map_err(|error| format!("unreadable file: {error}"))?;
    if path.extension().is_none_or(|ext| ext != "zst") {
        return Ok(bytes);
    }
    let mut decoder = ruzstd::decoding::StreamingDecoder::new(bytes.as_slice())
        .map_err(|error| format!("not a zstd file: {error}"))?;
    let mut message = Vec::new();
    std::io::Read::read_to_end(&mut decoder, &mut message)
        .map_err(|error| format!("corrupt zstd file: {error}"))?;
    Ok(message)
}

/// Every fixture file (`.fix`, `.fix.zst`) under `paths` (files are taken as given),
/// sorted.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), Error> {
        let entries = std::fs::read_dir(dir).map_err(|error| Error::Io {
            path: dir.to_path_buf(),
            message: error.to_string(),
        })?;
        for entry in entries {
            let entry = entry.map_err(|error| Error::Io {
                path: dir.to_path_buf(),
                message: error.to_string(),
            })?;
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out)?;
            } else if is_fixture_file(&path) {
                out.push(path);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut out)?;
        } else if path.is_file() {
            out.push(path.clone());
        } else {
            return Err(Error::Io {
                path: path.clone(),
                message: "no such file or directory".into(),
            });
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Runs one fixture file: recognises its family and runs the family's harness.
pub(crate) fn execute(
    path: &Path,
    options: &Options,
    environments: &mut setup::EnvironmentCache,
) -> (Family, Comparison) {
    let bytes = match read_fixture(path) {
        Ok(bytes) => bytes,
        Err(reason) => return (Family::UNKNOWN, Comparison::Skipped(reason)),
    };
    let entrypoint = match family::entrypoint_of(&bytes) {
        Ok(entrypoint) => entrypoint,
        Err(error) => {
            let reason = format!("not a fixture message: {error}");
            return (Family::UNKNOWN, Comparison::Skipped(reason));
        }
    };
    let family = Family::recognise(&entrypoint, path);
    let comparison = match family.harness() {
        Some(harness) => Comparison::from((harness.run)(&bytes, options, environments)),
        None => Comparison::Skipped(format!("unknown fn_entrypoint {entrypoint:?}")),
    };
    (family, comparison)
}

fn verdict(comparison: &Comparison) -> Verdict {
    match comparison {
        Comparison::Rows(rows) => match compare::first_mismatch(rows) {
            None => Verdict::Pass,
            Some(mismatch) => Verdict::Fail(mismatch),
        },
        Comparison::Skipped(reason) => Verdict::Skip(reason.clone()),
    }
}

/// Runs every fixture under `paths`.
pub fn run(paths: &[PathBuf], options: &Options) -> Result<Summary, Error> {
    let files = discover(paths)?;
    Ok(run_files(&files, options))
}

/// Runs the given fixture files, on up to four threads (fixture order is kept).
pub fn run_files(files: &[PathBuf], options: &Options) -> Summary {
    run_files_with_progress(files, options, &|_: &FixtureResult| {})
}

/// [`run_files`], telling `progress` about each fixture as it finishes.
pub fn run_files_with_progress(
    files: &[PathBuf],
    options: &Options,
    progress: &dyn FixtureProgress,
) -> Summary {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 4);
    let chunk = files.len().div_ceil(threads).max(1);
    let results = std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    let mut environments = setup::EnvironmentCache::default();
                    part.iter()
                        .map(|path| {
                            let (family, comparison) = execute(path, options, &mut environments);
                            let result = FixtureResult {
                                path: path.clone(),
                                family,
                                verdict: verdict(&comparison),
                            };
                            progress.fixture_finished(&result);
                            result
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| handle.join().expect("conformance worker panicked"))
            .collect()
    });
    Summary { results }
}

/// The side-by-side view of one fixture: its family, verdict and every compared field.
pub fn explain(path: &Path, options: &Options) -> (Family, Verdict, String) {
    let mut environments = setup::EnvironmentCache::default();
    let (family, comparison) = execute(path, options, &mut environments);
    let verdict = verdict(&comparison);
    let text = match &comparison {
        Comparison::Rows(rows) => compare::side_by_side(rows),
        Comparison::Skipped(reason) => format!("skipped: {reason}\n"),
    };
    (family, verdict, text)
}

/// Finds a fixture by file name (or stem, or path suffix) among `paths`.
pub fn find_fixture(paths: &[PathBuf], name: &str) -> Result<Option<PathBuf>, Error> {
    let direct = PathBuf::from(name);
    if direct.is_file() {
        return Ok(Some(direct));
    }
    let files = discover(paths)?;
    Ok(files.into_iter().find(|path| {
        let file = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let file = file.as_deref().unwrap_or_default();
        let stem = file
            .strip_suffix(".zst")
            .unwrap_or(file)
            .strip_suffix(".fix")
            .unwrap_or(file);
        file == name
            || file.strip_suffix(".zst") == Some(name)
            || stem == name
            || path.to_string_lossy().ends_with(name)
    }))
}

/// The human summary: per family counts, skip reasons, failure classes and up to
/// `max_failures` failing fixtures per family.
pub fn human_summary(summary: &Summary, max_failures: usize) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let counts = summary.counts();
    for family in Family::all() {
        let Some(count) = counts.get(&family) else {
            continue;
        };
        let _ = writeln!(
            out,
            "{}: {} passed, {} failed, {} skipped",
            family.name(),
            count.passed,
            count.failed,
            count.skipped
        );
        for (reason, n) in &count.skip_reasons {
            let _ = writeln!(out, "    skipped {n}: {reason}");
        }
        for (field, n) in &count.failed_fields {
            let _ = writeln!(out, "    failed {n} on field `{field}`");
        }
        let mut shown = 0;
        for (result, mismatch) in summary.failures() {
            if result.family != family {
                continue;
            }
            if shown == max_failures {
                let _ = writeln!(
                    out,
                    "    … {} more (use --json for all)",
                    count.failed - shown
                );
                break;
            }
            shown += 1;
            let _ = writeln!(
                out,
                "    FAIL {}: {}: expected {}, got {}",
                result.name(),
                mismatch.field,
                mismatch.expected,
                mismatch.got
            );
        }
    }
    let total: usize = summary.results.len();
    let passed = counts.values().map(|c| c.passed).sum::<usize>();
    let failed = counts.values().map(|c| c.failed).sum::<usize>();
    let skipped = counts.values().map(|c| c.skipped).sum::<usize>();
    let _ = writeln!(
        out,
        "total: {total} fixtures, {passed} passed, {failed} failed, {skipped} skipped"
    );
    out
}

// The machine-readable summary. Each struct lists its fields in alphabetical order: the
// order the summary's keys have always had (serde_json sorts the keys of a map).

/// The `--json` summary of a run.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct JsonSummary<'a> {
    /// Every failed fixture, in fixture order.
    pub failures: Vec<JsonFailure<'a>>,
    /// Counts by family name.
    pub families: BTreeMap<&'static str, JsonCounts>,
}

/// The counts of one family ([`FamilyCounts`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct JsonCounts {
    /// Fixtures with a differing field.
    pub failed: usize,
    /// First differing field (without indices) → count.
    pub failed_fields: BTreeMap<String, usize>,
    /// Fixtures whose every field matched.
    pub passed: usize,
    /// Skip reason → count.
    pub skip_reasons: BTreeMap<String, usize>,
    /// Fixtures not run.
    pub skipped: usize,
}

/// One failed fixture and its first differing field.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct JsonFailure<'a> {
    /// The expected value of the differing field, as text.
    pub expected: &'a str,
    /// The family's name.
    pub family: &'static str,
    /// The first differing field, narrowed to the element where there is one.
    pub field: &'a str,
    /// The fixture's file name.
    pub fixture: String,
    /// The value sbfvm produced, as text.
    pub got: &'a str,
    /// The fixture's path, as discovered or given.
    pub path: String,
}

/// The machine-readable summary.
pub fn json_summary(summary: &Summary) -> JsonSummary<'_> {
    JsonSummary {
        failures: summary
            .failures()
            .map(|(result, mismatch)| JsonFailure {
                expected: &mismatch.expected,
                family: result.family.name(),
                field: &mismatch.field,
                fixture: result.name(),
                got: &mismatch.got,
                path: result.path.to_string_lossy().into_owned(),
            })
            .collect(),
        families: summary
            .counts()
            .into_iter()
            .map(|(family, count)| {
                let counts = JsonCounts {
                    failed: count.failed,
                    failed_fields: count.failed_fields,
                    passed: count.passed,
                    skip_reasons: count.skip_reasons,
                    skipped: count.skipped,
                };
                (family.name(), counts)
            })
            .collect(),
    }
}
