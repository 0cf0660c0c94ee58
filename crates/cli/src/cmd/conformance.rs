//! `sbfvm conformance PATH...`: runs Firedancer conformance fixtures and prints the summary,
//! or one fixture field by field (`--verbose NAME`).

use std::path::{Path, PathBuf};

use sbfvm::progress::Progress;
use sbfvm::ExecutionMode;
use sbfvm_conformance::{self as conformance, FixtureResult, Options, Verdict};

use crate::error::CliError;
use crate::output::{print, print_json, println};
use crate::Status;

/// Failing fixtures listed per family in the human summary.
const FAILURES_SHOWN: usize = 20;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Fixture files (.fix, .fix.zst) or directories, searched recursively
    #[arg(value_name = "PATH", required_unless_present = "verbose")]
    paths: Vec<PathBuf>,
    /// Print the summary and every failure as JSON
    #[arg(long)]
    json: bool,
    /// Show one fixture (file name, stem or path) field by field
    #[arg(long, value_name = "NAME", allow_hyphen_values = true)]
    verbose: Option<String>,
    /// How vm_interp programs run: interpreter or jit
    #[arg(long, value_name = "MODE", value_parser = super::parse_mode, allow_hyphen_values = true,
          default_value = "interpreter")]
    mode: ExecutionMode,
}

pub(crate) fn execute(args: Args) -> Result<Status, CliError> {
    let options = Options { mode: args.mode };
    match &args.verbose {
        Some(name) => explain(&args.paths, name, &options),
        None => run(&args.paths, args.json, &options),
    }
}

/// One fixture, field by field.
fn explain(paths: &[PathBuf], name: &str, options: &Options) -> Result<Status, CliError> {
    let path = conformance::find_fixture(paths, name)?.ok_or_else(|| sbfvm::Error::Io {
        path: PathBuf::from(name),
        message: "no such fixture under the given paths".into(),
    })?;
    let (family, verdict, text) = conformance::explain(&path, options);
    println(format_args!("{} ({})", path.display(), family.name()));
    match &verdict {
        Verdict::Pass => println("PASS"),
        Verdict::Fail(mismatch) => println(format_args!(
            "FAIL at `{}`: expected {}, got {}",
            mismatch.field, mismatch.expected, mismatch.got
        )),
        Verdict::Skip(reason) => println(format_args!("SKIP: {reason}")),
    }
    print(text);
    Ok(Status::from_ok(!matches!(verdict, Verdict::Fail(_))))
}

/// Every fixture under `paths`, with a progress line on a terminal.
fn run(paths: &[PathBuf], json: bool, options: &Options) -> Result<Status, CliError> {
    let files = conformance::discover(paths)?;
    // On a terminal, `[ 1234/25747] vm_interp name.fix` on stderr while it runs.
    let progress = Progress::new(files.len());
    let summary =
        conformance::run_files_with_progress(&files, options, &|result: &FixtureResult| {
            progress.inc(format_args!(
                "{} {}",
                result.family.name(),
                file_name(&result.path)
            ));
        });
    progress.finish();
    if json {
        print_json(&conformance::json_summary(&summary));
    } else {
        print(conformance::human_summary(&summary, FAILURES_SHOWN));
    }
    Ok(Status::from_ok(summary.failed() == 0))
}

fn file_name(path: &Path) -> std::borrow::Cow<'_, str> {
    path.file_name().unwrap_or_default().to_string_lossy()
}
