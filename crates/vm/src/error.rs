//! Errors of the vm crate: load failures (an `Err` for the embedder) and syscall errors
//! (which become the program's failure, with Agave's messages).

use solana_instruction_error::InstructionError;
use solana_pubkey::Pubkey;

/// Why a program could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    #[error("ELF error: {0}")]
    Elf(String),
    #[error("verification failed: {0}")]
    Verifier(String),
    #[error("JIT compilation failed: {0}")]
    Jit(String),
    #[error("syscall registration failed: {0}")]
    Registration(String),
    #[error("program {program_id} is not cached")]
    NotCached { program_id: Pubkey },
}

/// Errors a syscall can raise. Display texts match Agave's `SyscallError` (and
/// `CpiError`) so `Program <id> failed: …` log lines are identical.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SyscallError {
    #[error("{0}")]
    InvalidString(String),
    #[error("SBF program panicked")]
    Abort,
    #[error("SBF program Panicked in {0} at {1}:{2}")]
    Panic(String, u64, u64),
    #[error("Cannot borrow invoke context")]
    InvokeContextBorrowFailed,
    #[error("Malformed signer seed: {0}")]
    MalformedSignerSeed(String),
    #[error("Could not create program address with signer seeds: {0}")]
    BadSeeds(String),
    #[error("Program {0} not supported by inner instructions")]
    ProgramNotSupported(Pubkey),
    #[error("Unaligned pointer")]
    UnalignedPointer,
    #[error("Too many signers")]
    TooManySigners,
    #[error("Instruction passed to inner instruction is too large ({0} > {1})")]
    InstructionTooLarge(usize, usize),
    #[error("Too many accounts passed to inner instruction")]
    TooManyAccounts,
    #[error("Overlapping copy")]
    CopyOverlapping,
    #[error("Return data too large ({0} > {1})")]
    ReturnDataTooLarge(u64, u64),
    #[error("Hashing too many sequences")]
    TooManySlices,
    #[error("InvalidLength")]
    InvalidLength,
    #[error("Invoked an instruction with data that is too large ({data_len} > {max_data_len})")]
    MaxInstructionDataLenExceeded { data_len: u64, max_data_len: u64 },
    #[error("Invoked an instruction with too many accounts ({num_accounts} > {max_accounts})")]
    MaxInstructionAccountsExceeded {
        num_accounts: u64,
        max_accounts: u64,
    },
    #[error("Invoked an instruction with too many account info's ({num_account_infos} > {max_account_infos})")]
    MaxInstructionAccountInfosExceeded {
        num_account_infos: u64,
        max_account_infos: u64,
    },
    #[error("InvalidAttribute")]
    InvalidAttribute,
    #[error("Invalid pointer")]
    InvalidPointer,
    #[error("Arithmetic overflow")]
    ArithmeticOverflow,
    /// A guest memory access failed; the text is solana-sbpf's `EbpfError` message.
    #[error("{0}")]
    Memory(String),
    /// An `InstructionError` raised inside a syscall: it becomes the instruction's error.
    #[error("{0}")]
    Instruction(InstructionError),
    /// A syscall that sbfvm registers by name but does not implement.
    #[error("syscall `{0}` is not implemented by sbfvm (results would differ from mainnet)")]
    NotImplemented(&'static str),
    /// A syscall whose feature gate is off in this feature set.
    #[error("syscall `{name}` is not enabled: feature {feature} is inactive")]
    NotEnabled {
        name: &'static str,
        feature: &'static str,
    },
}

impl From<InstructionError> for SyscallError {
    fn from(error: InstructionError) -> Self {
        SyscallError::Instruction(error)
    }
}

impl SyscallError {
    /// The instruction error this becomes at the end of the program: an `InstructionError`
    /// itself, anything else `ProgramFailedToComplete` (`solana-program-runtime 4.4.0,
    /// src/invoke_context.rs`, `process_executable_chain`).
    pub fn instruction_error(&self) -> InstructionError {
        match self {
            SyscallError::Instruction(error) => error.clone(),
            _ => InstructionError::ProgramFailedToComplete,
        }
    }
}
