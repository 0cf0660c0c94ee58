//! What stops a command before it could run to the end: printed as one line on stderr,
//! exit code 2.

use std::fmt;

/// An error of the command line.
#[derive(Debug)]
pub(crate) enum CliError {
    /// The arguments do not make sense together (printed as is).
    Usage(String),
    /// The library refused an input (printed as `error: …`).
    Input(sbfvm::Error),
    /// The conformance runner could not read its fixtures (printed as `error: …`).
    Conformance(sbfvm_conformance::Error),
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage(message) => f.write_str(message.trim_end()),
            CliError::Input(error) => write!(f, "error: {error}"),
            CliError::Conformance(error) => write!(f, "error: {error}"),
        }
    }
}

impl From<sbfvm::Error> for CliError {
    fn from(error: sbfvm::Error) -> Self {
        CliError::Input(error)
    }
}

impl From<sbfvm_conformance::Error> for CliError {
    fn from(error: sbfvm_conformance::Error) -> Self {
        CliError::Conformance(error)
    }
}
