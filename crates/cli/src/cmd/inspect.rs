//! `sbfvm inspect PROGRAM.so`: what a program is made of and whether it would deploy.

use std::path::PathBuf;

use sbfvm::inspect::{human, inspect, json};
use sbfvm::{FeatureSet, MAX_PROGRAM_FILE_BYTES};

use crate::error::CliError;
use crate::output::{print, print_json};
use crate::Status;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The program (an ELF file)
    #[arg(value_name = "PROGRAM.so")]
    program: PathBuf,
    /// Print the machine-readable report
    #[arg(long)]
    json: bool,
}

pub(crate) fn execute(args: Args) -> Result<Status, CliError> {
    let elf = sbfvm::read_input_file(&args.program, MAX_PROGRAM_FILE_BYTES)?;
    let inspection = inspect(&elf, &FeatureSet::mainnet()).map_err(|error| match error {
        // Not an ELF: said of the file.
        sbfvm::Error::Elf(message) => sbfvm::Error::Io {
            path: args.program.clone(),
            message,
        },
        other => other,
    })?;
    if args.json {
        print_json(&json(&inspection));
    } else {
        print(human(&inspection));
    }
    Ok(Status::Ok)
}
