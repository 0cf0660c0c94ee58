//! Errors of the `sbfvm` library: API misuse and bad input. A program that fails is not an
//! error here; it is a result value in the [`crate::Outcome`] and the reports.

use std::path::PathBuf;

/// Why sbfvm refused a configuration, a file, a scenario or a program.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A file could not be read, or is not one sbfvm reads (a device, too large, not UTF-8).
    #[error("{path}: {message}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong: the system's error, or why sbfvm does not read the file.
        message: String,
    },
    /// A scenario that does not parse or names something that does not exist.
    #[error("invalid scenario: {0}")]
    Scenario(String),
    /// A program that does not load (parse, relocation, verification, JIT).
    #[error("cannot load program {program_id}: {message}")]
    Load {
        /// The program id in base58, followed by the file's path when it came from a file;
        /// empty when no program was being deployed (an environment that cannot be built).
        program_id: String,
        /// Why it does not load, as the loader or verifier says.
        message: String,
    },
    /// A [`crate::Config`] value Agave would not accept (the heap size).
    #[error("{0}")]
    Config(String),
    /// A feature set that toggles a gate Agave 4.4 reads but sbfvm does not implement
    /// (`sbfvm_runtime::features::UNIMPLEMENTED_GATES`): running would silently give
    /// mainnet's behaviour instead of the gate's.
    #[error(
        "feature `{name}` cannot be changed from its mainnet state: sbfvm does not implement \
         it ({reason})"
    )]
    UnimplementedFeature {
        /// The gate's Agave name.
        name: &'static str,
        /// Why sbfvm does not implement it.
        reason: &'static str,
    },
    /// Bytes [`crate::inspect::inspect`] cannot read as an ELF file.
    #[error("{0}")]
    Elf(String),
    /// A profile that cannot be built or written (a program whose symbols cannot be read).
    #[error("cannot profile: {0}")]
    Profile(String),
    /// Coverage that cannot be built (a program whose text or symbols cannot be read).
    #[error("cannot compute coverage: {0}")]
    Coverage(String),
    /// A debug session that cannot start (the port is taken) or found no frame to attach
    /// to ([`crate::debug`]).
    #[error("debugger: {0}")]
    Debug(String),
    /// A `--json` report [`crate::diff`] cannot compare: malformed, or of another scenario.
    #[error("{0}")]
    Report(String),
}

impl Error {
    /// The first gate `features` toggles that sbfvm does not implement, as an error.
    pub fn check_features(features: &sbfvm_runtime::FeatureSet) -> Result<(), Error> {
        match features.unimplemented_changes().first() {
            Some(gate) => Err(Error::UnimplementedFeature {
                name: gate.name,
                reason: gate.reason,
            }),
            None => Ok(()),
        }
    }
}

impl From<sbfvm_vm::LoadError> for Error {
    fn from(error: sbfvm_vm::LoadError) -> Self {
        Error::Load {
            program_id: String::new(),
            message: error.to_string(),
        }
    }
}
