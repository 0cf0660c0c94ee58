//! `sbfvm diff A.json B.json`: where two `sbfvm run --json` reports of one scenario first
//! diverge in compute units or behaviour; exit 1 when they differ.

use std::path::{Path, PathBuf};

use crate::error::CliError;
use crate::output::print;
use crate::Status;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The first report (`sbfvm run SCENARIO --json > A.json`; add `--profile DIR` to
    /// compare functions too)
    #[arg(value_name = "A.json")]
    a: PathBuf,
    /// The second report, of the same scenario
    #[arg(value_name = "B.json")]
    b: PathBuf,
}

pub(crate) fn execute(args: Args) -> Result<Status, CliError> {
    let (a, b) = (read(&args.a)?, read(&args.b)?);
    let diff = sbfvm::diff::diff_reports(&a, &b).map_err(|error| match error {
        // Name the files rather than "A" and "B".
        sbfvm::Error::Report(message) => sbfvm::Error::Report(format!(
            "{message} (A = {}, B = {})",
            args.a.display(),
            args.b.display()
        )),
        other => other,
    })?;
    print(diff.to_string());
    Ok(Status::from_ok(diff.first.is_none()))
}

fn read(path: &Path) -> Result<String, CliError> {
    Ok(sbfvm::read_input_text(path, sbfvm::MAX_INPUT_TEXT_BYTES)?)
}
