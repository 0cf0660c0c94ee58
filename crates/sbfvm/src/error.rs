//! Errors of the `sbfvm` facade and CLI: API misuse and bad input. A program that fails is
//! not an error here; it is a result value in the report.

use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("{path}: {message}")]
    Io { path: PathBuf, message: String },
    #[error("invalid scenario: {0}")]
    Scenario(String),
    #[error("cannot load program {program_id}: {message}")]
    Load { program_id: String, message: String },
    #[error("{0}")]
    Usage(String),
}

impl From<sbfvm_vm::LoadError> for Error {
    fn from(error: sbfvm_vm::LoadError) -> Self {
        Error::Load {
            program_id: String::new(),
            message: error.to_string(),
        }
    }
}
