//! Error numbering of the fixtures: `SyscallEffects.error` with its `error_kind`,
//! `InstrEffects.result`, and the failure-log messages the harness appends. The numbers are
//! those of the reference harness, solfuzz-agave `270ca6d` (`src/utils/err_map.rs`,
//! `src/utils/vm/err_map.rs`), over Agave 2.1's error enums; the vm_interp signal codes
//! are Firedancer's (`firedancer-io/firedancer` `d3bad823a5`, `src/flamenco/vm/fd_vm_base.h`).

use sbfvm_runtime::{InstructionError, TransactionError};
use sbfvm_test_support::VmFault;
use sbfvm_vm::SyscallError;

use super::compare::ErrorCode;
use super::proto::ErrKind;

/// `InstructionError` discriminant + 1 (Agave 2.1's variant order); 0 for a variant newer
/// than the table.
#[allow(deprecated)] // NotEnoughAccountKeys keeps its number
pub(crate) fn instruction_error_number(error: &InstructionError) -> i32 {
    use InstructionError as E;
    match error {
        E::GenericError => 1,
        E::InvalidArgument => 2,
        E::InvalidInstructionData => 3,
        E::InvalidAccountData => 4,
        E::AccountDataTooSmall => 5,
        E::InsufficientFunds => 6,
        E::IncorrectProgramId => 7,
        E::MissingRequiredSignature => 8,
        E::AccountAlreadyInitialized => 9,
        E::UninitializedAccount => 10,
        E::UnbalancedInstruction => 11,
        E::ModifiedProgramId => 12,
        E::ExternalAccountLamportSpend => 13,
        E::ExternalAccountDataModified => 14,
        E::ReadonlyLamportChange => 15,
        E::ReadonlyDataModified => 16,
        E::DuplicateAccountIndex => 17,
        E::ExecutableModified => 18,
        E::RentEpochModified => 19,
        E::NotEnoughAccountKeys => 20,
        E::AccountDataSizeChanged => 21,
        E::AccountNotExecutable => 22,
        E::AccountBorrowFailed => 23,
        E::AccountBorrowOutstanding => 24,
        E::DuplicateAccountOutOfSync => 25,
        E::Custom(_) => 26,
        E::InvalidError => 27,
        E::ExecutableDataModified => 28,
        E::ExecutableLamportChange => 29,
        E::ExecutableAccountNotRentExempt => 30,
        E::UnsupportedProgramId => 31,
        E::CallDepth => 32,
        E::MissingAccount => 33,
        E::ReentrancyNotAllowed => 34,
        E::MaxSeedLengthExceeded => 35,
        E::InvalidSeeds => 36,
        E::InvalidRealloc => 37,
        E::ComputationalBudgetExceeded => 38,
        E::PrivilegeEscalation => 39,
        E::ProgramEnvironmentSetupFailure => 40,
        E::ProgramFailedToComplete => 41,
        E::ProgramFailedToCompile => 42,
        E::Immutable => 43,
        E::IncorrectAuthority => 44,
        E::BorshIoError => 45,
        E::AccountNotRentExempt => 46,
        E::InvalidAccountOwner => 47,
        E::ArithmeticOverflow => 48,
        E::UnsupportedSysvar => 49,
        E::IllegalOwner => 50,
        E::MaxAccountsDataAllocationsExceeded => 51,
        E::MaxAccountsExceeded => 52,
        E::MaxInstructionTraceLengthExceeded => 53,
        E::BuiltinProgramsMustConsumeComputeUnits => 54,
        #[allow(unreachable_patterns)]
        _ => 0,
    }
}

/// The failure-log text of an instruction error (agave's `Display`, except BorshIoError).
pub(crate) fn instruction_error_message(error: &InstructionError) -> String {
    match error {
        InstructionError::BorshIoError => "Failed to serialize or deserialize account data".into(),
        other => other.to_string(),
    }
}

const SYSCALL_ERRORS: [(&str, &str); 21] = [
    ("InvalidString", "invalid utf-8 sequence"),
    ("Abort", "SBF program panicked"),
    ("Panic", "SBF program Panicked in..."),
    ("InvokeContextBorrowFailed", "Cannot borrow invoke context"),
    ("MalformedSignerSeed", "Malformed signer seed"),
    (
        "BadSeeds",
        "Could not create program address with signer seeds",
    ),
    (
        "ProgramNotSupported",
        "Program not supported by inner instructions",
    ),
    ("UnalignedPointer", "Unaligned pointer"),
    ("TooManySigners", "Too many signers"),
    (
        "InstructionTooLarge",
        "Instruction passed to inner instruction is too large",
    ),
    (
        "TooManyAccounts",
        "Too many accounts passed to inner instruction",
    ),
    ("CopyOverlapping", "Overlapping copy"),
    ("ReturnDataTooLarge", "Return data too large"),
    ("TooManySlices", "Hashing too many sequences"),
    ("InvalidLength", "InvalidLength"),
    (
        "MaxInstructionDataLenExceeded",
        "Invoked an instruction with data that is too large",
    ),
    (
        "MaxInstructionAccountsExceeded",
        "Invoked an instruction with too many accounts",
    ),
    (
        "MaxInstructionAccountInfosExceeded",
        "Invoked an instruction with too many account info",
    ),
    ("InvalidAttribute", "InvalidAttribute"),
    ("InvalidPointer", "Invalid pointer"),
    ("ArithmeticOverflow", "Arithmetic overflow"),
];

/// An error as a syscall fixture records it, with the failure-log message the harness
/// appends (`None` for an sbfvm-only error that has no reference number).
pub(crate) struct SyscallFailure {
    pub(crate) code: ErrorCode,
    pub(crate) message: Option<String>,
}

fn syscall_code(number: i64) -> SyscallFailure {
    let (name, message) = SYSCALL_ERRORS[(number - 1) as usize];
    SyscallFailure {
        code: ErrorCode {
            kind: ErrKind::Syscall as i32,
            code: number,
            label: format!("SYSCALL {name}"),
        },
        message: Some(message.to_string()),
    }
}

/// Maps a syscall's failure to `(error_kind, error)`: a `SyscallError` by its position in
/// Agave 2.1's enum, counted from 1 (`SYSCALL_ERRORS`), a memory fault as the VM's access
/// violation, an instruction error by [`instruction_error_number`].
pub(crate) fn syscall_failure(fault: &VmFault) -> SyscallFailure {
    let access_violation = || SyscallFailure {
        code: ErrorCode {
            kind: ErrKind::Ebpf as i32,
            code: 13,
            label: "EBPF AccessViolation".into(),
        },
        message: Some("Access violation".into()),
    };
    match fault {
        VmFault::Syscall(error) => match error {
            SyscallError::InvalidString(_) => syscall_code(1),
            SyscallError::Abort => syscall_code(2),
            SyscallError::Panic(..) => syscall_code(3),
            SyscallError::InvokeContextBorrowFailed => syscall_code(4),
            SyscallError::MalformedSignerSeed(_) => syscall_code(5),
            SyscallError::BadSeeds(_) => syscall_code(6),
            SyscallError::ProgramNotSupported(_) => syscall_code(7),
            SyscallError::UnalignedPointer => syscall_code(8),
            SyscallError::TooManySigners => syscall_code(9),
            SyscallError::InstructionTooLarge(..) => syscall_code(10),
            SyscallError::TooManyAccounts => syscall_code(11),
            SyscallError::CopyOverlapping => syscall_code(12),
            SyscallError::ReturnDataTooLarge(..) => syscall_code(13),
            SyscallError::TooManySlices => syscall_code(14),
            SyscallError::InvalidLength => syscall_code(15),
            SyscallError::MaxInstructionDataLenExceeded { .. } => syscall_code(16),
            SyscallError::MaxInstructionAccountsExceeded { .. } => syscall_code(17),
            SyscallError::MaxInstructionAccountInfosExceeded { .. } => syscall_code(18),
            SyscallError::InvalidAttribute => syscall_code(19),
            SyscallError::InvalidPointer => syscall_code(20),
            SyscallError::ArithmeticOverflow => syscall_code(21),
            // solfuzz-agave maps a `PoseidonSyscallError` to -1 of kind SYSCALL and logs
            // nothing for it.
            SyscallError::Poseidon(_) => SyscallFailure {
                code: ErrorCode {
                    kind: ErrKind::Syscall as i32,
                    code: -1,
                    label: "SYSCALL PoseidonSyscallError".into(),
                },
                message: None,
            },
            SyscallError::Memory(_) => access_violation(),
            SyscallError::Instruction(error) => SyscallFailure {
                code: ErrorCode {
                    kind: ErrKind::Instruction as i32,
                    code: instruction_error_number(error) as i64,
                    label: format!("INSTRUCTION {error:?}"),
                },
                message: Some(instruction_error_message(error)),
            },
            other @ (SyscallError::NotImplemented(_) | SyscallError::NotEnabled { .. }) => {
                SyscallFailure {
                    code: ErrorCode {
                        kind: -1,
                        code: -1,
                        label: format!("sbfvm-only error: {other}"),
                    },
                    message: None,
                }
            }
        },
        VmFault::AccessViolation | VmFault::StackAccessViolation => access_violation(),
        other => SyscallFailure {
            code: ErrorCode {
                kind: -1,
                code: -1,
                label: format!("unexpected VM fault in a syscall: {other:?}"),
            },
            message: None,
        },
    }
}

/// The label of a fixture's `(error_kind, error)` pair.
pub(crate) fn expected_label(kind: i32, code: i64) -> String {
    match ErrKind::try_from(kind) {
        Ok(ErrKind::Syscall) if (1..=21).contains(&code) => {
            format!("SYSCALL {}", SYSCALL_ERRORS[(code - 1) as usize].0)
        }
        Ok(ErrKind::Ebpf) if code == 13 => "EBPF AccessViolation".into(),
        Ok(ErrKind::Ebpf) => format!("EBPF {code}"),
        Ok(ErrKind::Instruction) => format!("INSTRUCTION {code}"),
        _ if code == 0 => "ok".into(),
        _ => format!("kind {kind} code {code}"),
    }
}

/// vm_interp signal codes, with a label.
pub(crate) fn vm_interp_code(fault: &VmFault) -> (i64, &'static str) {
    match fault {
        VmFault::ExecutionOverrun | VmFault::CallOutsideTextSegment => (8, "SIGTEXT"),
        VmFault::CallDepthExceeded => (11, "SIGSTACK"),
        VmFault::UnsupportedInstruction | VmFault::InvalidInstruction => (12, "SIGILL"),
        VmFault::AccessViolation | VmFault::StackAccessViolation => (13, "SIGSEGV"),
        VmFault::ExceededMaxInstructions => (16, "SIGCOST"),
        VmFault::DivideByZero => (18, "SIGFPE"),
        VmFault::DivideOverflow => (19, "SIGFPE_OF"),
        _ => (-1000, "unmapped VM fault"),
    }
}

/// The label of a vm_interp code.
pub(crate) fn vm_interp_label(code: i64) -> &'static str {
    match code {
        0 => "ok",
        -2 => "rejected",
        8 => "SIGTEXT",
        11 => "SIGSTACK",
        12 => "SIGILL",
        13 => "SIGSEGV",
        16 => "SIGCOST",
        18 => "SIGFPE",
        19 => "SIGFPE_OF",
        _ => "other",
    }
}

/// `TransactionError` discriminant + 1 (its bincode variant index, in the variant order
/// Agave 2.1 and `solana-transaction-error 4.1.0` share); 0 for a variant newer than the
/// table.
pub(crate) fn transaction_error_number(error: &TransactionError) -> u32 {
    use TransactionError as E;
    let index = match error {
        E::AccountInUse => 0,
        E::AccountLoadedTwice => 1,
        E::AccountNotFound => 2,
        E::ProgramAccountNotFound => 3,
        E::InsufficientFundsForFee => 4,
        E::InvalidAccountForFee => 5,
        E::AlreadyProcessed => 6,
        E::BlockhashNotFound => 7,
        E::InstructionError(..) => 8,
        E::CallChainTooDeep => 9,
        E::MissingSignatureForFee => 10,
        E::InvalidAccountIndex => 11,
        E::SignatureFailure => 12,
        E::InvalidProgramForExecution => 13,
        E::SanitizeFailure => 14,
        E::ClusterMaintenance => 15,
        E::AccountBorrowOutstanding => 16,
        E::WouldExceedMaxBlockCostLimit => 17,
        E::UnsupportedVersion => 18,
        E::InvalidWritableAccount => 19,
        E::WouldExceedMaxAccountCostLimit => 20,
        E::WouldExceedAccountDataBlockLimit => 21,
        E::TooManyAccountLocks => 22,
        E::AddressLookupTableNotFound => 23,
        E::InvalidAddressLookupTableOwner => 24,
        E::InvalidAddressLookupTableData => 25,
        E::InvalidAddressLookupTableIndex => 26,
        E::InvalidRentPayingAccount => 27,
        E::WouldExceedMaxVoteCostLimit => 28,
        E::WouldExceedAccountDataTotalLimit => 29,
        E::DuplicateInstruction(_) => 30,
        E::InsufficientFundsForRent { .. } => 31,
        E::MaxLoadedAccountsDataSizeExceeded => 32,
        E::InvalidLoadedAccountsDataSizeLimit => 33,
        E::ResanitizationNeeded => 34,
        E::ProgramExecutionTemporarilyRestricted { .. } => 35,
        E::UnbalancedTransaction => 36,
        E::ProgramCacheHitMaxLimit => 37,
        #[allow(unreachable_patterns)]
        _ => return 0,
    };
    index + 1
}
