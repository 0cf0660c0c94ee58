//! `sbfvm completions SHELL`: the shell completion script of this command line.

use clap::CommandFactory;
use clap_complete::Shell;

use crate::error::CliError;
use crate::output::print;
use crate::{Cli, Status};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The shell: bash, elvish, fish, powershell or zsh
    shell: Shell,
}

pub(crate) fn execute(args: Args) -> Result<Status, CliError> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "sbfvm", &mut script);
    print(String::from_utf8_lossy(&script));
    Ok(Status::Ok)
}
