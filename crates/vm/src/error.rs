//! Errors of the vm crate: load failures (an `Err` for the embedder) and syscall errors
//! (which become the program's failure, with Agave's messages).

use solana_instruction_error::InstructionError;
use solana_pubkey::Pubkey;

/// Why a program could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    /// solana-sbpf could not parse or relocate the ELF; the text is its `ElfError`.
    #[error("ELF error: {0}")]
    Elf(String),
    /// The bytecode failed solana-sbpf's `RequisiteVerifier`; the text is the verifier's
    /// error.
    #[error("verification failed: {0}")]
    Verifier(String),
    /// JIT compilation of the verified program failed; the text is solana-sbpf's error.
    #[error("JIT compilation failed: {0}")]
    Jit(String),
    /// An environment could not be built, usually because a syscall name (or its murmur3
    /// key) is taken; the text says which.
    #[error("syscall registration failed: {0}")]
    Registration(String),
    /// The executor's cache holds no entry for the program.
    #[error("program {program_id} is not cached")]
    NotCached {
        /// The program that was looked up.
        program_id: Pubkey,
    },
}

/// Errors a syscall can raise. Display texts match Agave's `SyscallError` (and
/// `CpiError`) so `Program <id> failed: …` log lines are identical.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SyscallError {
    /// A string argument (a log message, a panic's file name) is not UTF-8; the text is the
    /// UTF-8 error followed by the bytes.
    #[error("{0}")]
    InvalidString(String),
    /// The program called `abort`.
    #[error("SBF program panicked")]
    Abort,
    /// The program called `sol_panic_`: the file name, line and column it passed.
    #[error("SBF program Panicked in {0} at {1}:{2}")]
    Panic(String, u64, u64),
    /// Agave's error for an invoke context that cannot be borrowed. No sbfvm syscall raises
    /// it; it keeps the variants in step with Agave's `SyscallError`.
    #[error("Cannot borrow invoke context")]
    InvokeContextBorrowFailed,
    /// Agave's error for a signer seed that is not UTF-8. No sbfvm syscall raises it; it
    /// keeps the variants in step with Agave's `SyscallError`.
    #[error("Malformed signer seed: {0}")]
    MalformedSignerSeed(String),
    /// Seeds that make no program address (too many, too long, or the address lies on the
    /// curve); the text is the address error.
    #[error("Could not create program address with signer seeds: {0}")]
    BadSeeds(String),
    /// A CPI to a program that programs may not invoke (the native loader, the BPF loaders
    /// except some upgradeable-loader instructions, the precompiles); the callee's id.
    #[error("Program {0} not supported by inner instructions")]
    ProgramNotSupported(Pubkey),
    /// A guest pointer is not aligned for its type while alignment is checked.
    #[error("Unaligned pointer")]
    UnalignedPointer,
    /// A CPI passed more signer seed sets than `MAX_SIGNERS`.
    #[error("Too many signers")]
    TooManySigners,
    /// A CPI instruction's size (account metas plus data, in bytes) exceeds the budget's
    /// `max_cpi_instruction_size`: the size, then the limit.
    #[error("Instruction passed to inner instruction is too large ({0} > {1})")]
    InstructionTooLarge(usize, usize),
    /// A CPI passed more account infos than the budget's `max_cpi_instruction_size` allows
    /// (the rule before `loosen_cpi_size_restriction`).
    #[error("Too many accounts passed to inner instruction")]
    TooManyAccounts,
    /// Two ranges of one syscall that must not overlap do (a copy's source and destination,
    /// or two outputs).
    #[error("Overlapping copy")]
    CopyOverlapping,
    /// `sol_set_return_data` with more bytes than the maximum: the length, then the limit.
    #[error("Return data too large ({0} > {1})")]
    ReturnDataTooLarge(u64, u64),
    /// A hashing syscall was given more slices than the budget allows.
    #[error("Hashing too many sequences")]
    TooManySlices,
    /// A length argument out of range (a translation over `isize::MAX` bytes, too many
    /// points for a multiscalar multiplication, a mem op spanning account and non-account
    /// regions).
    #[error("InvalidLength")]
    InvalidLength,
    /// A CPI instruction's data is longer than allowed (`loosen_cpi_size_restriction`
    /// rules).
    #[error("Invoked an instruction with data that is too large ({data_len} > {max_data_len})")]
    MaxInstructionDataLenExceeded {
        /// Length of the instruction data, in bytes.
        data_len: u64,
        /// The largest length allowed, in bytes.
        max_data_len: u64,
    },
    /// A CPI instruction has more account metas than allowed (`loosen_cpi_size_restriction`
    /// rules).
    #[error("Invoked an instruction with too many accounts ({num_accounts} > {max_accounts})")]
    MaxInstructionAccountsExceeded {
        /// Number of account metas in the instruction.
        num_accounts: u64,
        /// The largest number allowed.
        max_accounts: u64,
    },
    /// A CPI passed more account infos than allowed (`loosen_cpi_size_restriction` rules).
    #[error("Invoked an instruction with too many account info's ({num_account_infos} > {max_account_infos})")]
    MaxInstructionAccountInfosExceeded {
        /// Number of account infos passed.
        num_account_infos: u64,
        /// The largest number allowed.
        max_account_infos: u64,
    },
    /// An argument naming something unknown or disabled, such as an invalid curve id where
    /// that aborts.
    #[error("InvalidAttribute")]
    InvalidAttribute,
    /// A guest pointer where it may not point: an account info's field that is not where
    /// the input serialized it, or an address inside the input region where that is
    /// forbidden.
    #[error("Invalid pointer")]
    InvalidPointer,
    /// Agave's error for an overflowing computation: `sol_poseidon`'s cost overflowing
    /// (unreachable with its 12-input limit); it keeps the variants in step with Agave's
    /// `SyscallError`.
    #[error("Arithmetic overflow")]
    ArithmeticOverflow,
    /// `sol_poseidon` called with parameters or an endianness that do not exist: Agave
    /// aborts with the `PoseidonSyscallError` itself (not a `SyscallError`); the text is
    /// its message.
    #[error("{0}")]
    Poseidon(String),
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
        /// The syscall's name.
        name: &'static str,
        /// The inactive feature that gates it.
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
