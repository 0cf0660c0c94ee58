//! The subcommands, one module each. A module has `Args` (its arguments, a clap `Args`
//! struct) and `execute(Args)`; adding a subcommand is one module plus one row below.

use crate::error::CliError;
use crate::Status;

/// Declares the subcommand modules, the clap enum of subcommands (each row's doc comment
/// is its help line) and the dispatch to each module's `execute`.
macro_rules! commands {
    ($($(#[$doc:meta])* $variant:ident => $module:ident,)*) => {
        $(pub(crate) mod $module;)*

        #[derive(Debug, clap::Subcommand)]
        pub(crate) enum Command {
            $($(#[$doc])* $variant($module::Args),)*
        }

        impl Command {
            pub(crate) fn execute(self) -> Result<Status, CliError> {
                match self {
                    $(Command::$variant(args) => $module::execute(args),)*
                }
            }
        }
    };
}

commands! {
    /// Run a scenario file (TOML or JSON), or one program (.so) with no accounts
    Run => run,
    /// Show a program's SBPF version, sections, functions, imported syscalls, and the
    /// strict deployment checks
    Inspect => inspect,
    /// Run Firedancer conformance fixtures (.fix or .fix.zst files, or directories
    /// searched recursively)
    Conformance => conformance,
    /// Time the load/execute/syscall/cpi scenarios (use a release build); Markdown table
    /// or JSON
    Bench => bench,
    /// Compare two `run --json` reports of one scenario: the first instruction, frame,
    /// function and syscall where compute units or behaviour diverge (exit 1 when they do)
    Diff => diff,
    /// Print a shell completion script
    Completions => completions,
}

/// `--mode`: `interpreter` or `jit`, in the words of the library's own error.
pub(crate) fn parse_mode(text: &str) -> Result<sbfvm::ExecutionMode, String> {
    text.parse()
}
