//! The `sbfvm` command line: arguments parsed by clap, one module per subcommand under
//! `cmd/`, and the exit codes (0 ok, 1 a failed expectation, snapshot, fixture or bench
//! check, 2 bad input or usage).

// The CLI runs many small transactions back to back (benchmarks, scenario files); mimalloc
// serves the runtime's small per-frame allocations (log lines, trace entries) faster than
// the system allocator. The library leaves the choice to its users.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod cmd;
mod error;
mod output;

use std::process::ExitCode;

use clap::Parser;

use error::CliError;

/// sbfvm — run compiled Solana SBF programs locally with Agave-exact results.
///
/// With no command, runs the built-in demo scenario (fixtures/demo.toml).
#[derive(Debug, Parser)]
#[command(name = "sbfvm", args_override_self = true)]
pub(crate) struct Cli {
    #[command(subcommand)]
    command: Option<cmd::Command>,
}

/// How a command that ran ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    /// Exit code 0.
    Ok,
    /// Exit code 1: an expectation, a compute-unit snapshot, a conformance fixture or a
    /// bench check failed.
    Failed,
}

impl Status {
    /// `Ok` when `ok`, else `Failed`.
    pub(crate) fn from_ok(ok: bool) -> Self {
        if ok {
            Status::Ok
        } else {
            Status::Failed
        }
    }
}

/// The exit code of bad input or usage.
const EXIT_BAD_INPUT: u8 = 2;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return usage_error(&error),
    };
    let result = match cli.command {
        Some(command) => command.execute(),
        None => cmd::run::demo(),
    };
    match result {
        Ok(Status::Ok) => ExitCode::SUCCESS,
        Ok(Status::Failed) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("{error}");
            ExitCode::from(EXIT_BAD_INPUT)
        }
    }
}

/// Prints a clap error: help on stdout (exit 0); a usage error as one line on stderr
/// (exit 2), as every input error is.
fn usage_error(error: &clap::Error) -> ExitCode {
    if !error.use_stderr() {
        let _ = error.print();
        return ExitCode::SUCCESS;
    }
    let line = match (error.kind(), std::error::Error::source(error)) {
        // A value our own parser refused (`--mode fast`): its message says it all.
        (clap::error::ErrorKind::ValueValidation, Some(source)) => source.to_string(),
        // clap's first paragraph (what is wrong, with the argument it concerns), joined
        // into one line; the tip and usage paragraphs after it are left out.
        _ => error
            .render()
            .to_string()
            .lines()
            .take_while(|line| !line.trim().is_empty())
            .map(str::trim)
            .collect::<Vec<_>>()
            .join(" "),
    };
    eprintln!("{}", CliError::Usage(line));
    ExitCode::from(EXIT_BAD_INPUT)
}
