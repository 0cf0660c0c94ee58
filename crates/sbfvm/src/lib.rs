//! # sbfvm
//!
//! Run compiled Solana SBF programs locally with Agave-exact results: compute units, logs,
//! return data and account state. This crate is the library: the [`Sbfvm`] facade over
//! `sbfvm-runtime`, `sbfvm-vm` and `sbfvm-syscalls`, the [`Outcome`] of a transaction and
//! the [`Check`]s on it, scenario files ([`scenario`]) and their [`runner`], and the
//! reports ([`report`], [`snapshot`], [`trace`], [`inspect`]), and [`debug`], a GDB remote
//! stub on one frame. The `sbfvm` command line
//! (package `sbfvm-cli`) is built on it. Errors ([`Error`]) are API misuse and bad input;
//! a program that fails is a result value in the [`Outcome`].
//!
//! ## In tests
//!
//! Add programs ([`Sbfvm::add_program_file`], [`Sbfvm::add_program`]) and accounts
//! ([`Sbfvm::set_account`]), process an instruction or a transaction
//! ([`Sbfvm::process_instruction`], [`Sbfvm::process_transaction`]), and look at the
//! [`Outcome`]: result, compute units, logs, return data, the invoke tree
//! ([`Outcome::invocations`]) and the accounts after it ([`Outcome::account`]). Or state
//! what it must be with [`Check`]s: [`Outcome::check`] returns every failure with the
//! expected and the actual value, [`Outcome::assert`] panics with them.
//!
//! ```
//! use sbfvm::{Account, Check, Config, Loader, Pubkey, Sbfvm};
//! use solana_instruction::{AccountMeta, Instruction};
//!
//! let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures");
//! let mut vm = Sbfvm::new(Config::default()).unwrap();
//! let program_id = Pubkey::new_unique();
//! vm.add_program_file(program_id, Loader::Upgradeable, format!("{fixtures}/account_data.so"))
//!     .unwrap();
//! let target = Pubkey::new_unique();
//! vm.set_account(target, Account {
//!     lamports: 1_000_000,
//!     data: vec![0; 4],
//!     owner: program_id,
//!     executable: false,
//!     rent_epoch: u64::MAX,
//! });
//!
//! // account_data.so op 0 writes the rest of the instruction data into account 0.
//! let instruction = Instruction::new_with_bytes(
//!     program_id,
//!     &[0, 0xca, 0xfe],
//!     vec![AccountMeta::new(target, false)],
//! );
//! let outcome = vm.process_instruction(&instruction);
//! outcome.assert(&[
//!     Check::success(),
//!     Check::logs_contain(format!("Program {program_id} success")),
//!     Check::return_data(&[]),
//!     Check::account(&target)
//!         .lamports(1_000_000)
//!         .owner(&program_id)
//!         .data(&[0xca, 0xfe, 0, 0])
//!         .build(),
//! ]);
//!
//! // A wrong expectation names the field, the expected and the actual value.
//! let failures = outcome
//!     .check(&[Check::account(&target).data(&[0xca, 0xfe, 0, 1]).build()])
//!     .unwrap_err();
//! assert_eq!(
//!     failures.failures[0].to_string(),
//!     format!(
//!         "account {target} data: expected hex:cafe0001, got hex:cafe0000 \
//!          (first difference at byte 3)"
//!     )
//! );
//! ```
//!
//! ## Custom syscalls
//!
//! An embedder adds its own syscalls with [`Config::with_syscall`]: a type implementing
//! [`Syscall`] (its `Arguments` are the registers it reads, `[u64; N]` for r1 to rN) and a
//! name declared with [`syscall_name!`]. They are registered after
//! sbfvm's, in the execution and the deployment environment; a name sbfvm already
//! registers is replaced, so a test can also mock a built-in.
//!
//! ```
//! use sbfvm::{
//!     syscall_name, Check, Config, Loader, Pubkey, Sbfvm, Syscall, SyscallError,
//!     SyscallResult, SyscallSupport, VmContext,
//! };
//! use solana_instruction::Instruction;
//!
//! /// `sol_log_`, shouting: r1 = message, r2 = length. Costs 10 compute units.
//! struct ShoutLog;
//! impl Syscall for ShoutLog {
//!     // The registers it reads: r1 and r2.
//!     type Arguments = [u64; 2];
//!     fn call(context: &mut VmContext, [message, len]: [u64; 2]) -> SyscallResult {
//!         context
//!             .invoke_context()
//!             .consume_checked(10)
//!             .map_err(SyscallError::Instruction)?;
//!         let text = String::from_utf8_lossy(context.memory().bytes(message, len)?).to_uppercase();
//!         context.invoke_context_mut().log(format!("Program log: {text}!"));
//!         Ok(0)
//!     }
//! }
//! syscall_name!(SolLog = "sol_log_");
//!
//! let config = Config::default().with_syscall::<ShoutLog, SolLog>();
//! let mut vm = Sbfvm::new(config).unwrap();
//! assert_eq!(vm.environment().syscall_support("sol_log_"), Some(SyscallSupport::Implemented));
//! assert!(vm.environment().is_embedder_syscall("sol_log_"));
//!
//! let program_id = Pubkey::new_unique();
//! let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures");
//! vm.add_program_file(program_id, Loader::Upgradeable, format!("{fixtures}/log.so")).unwrap();
//! let outcome = vm.process_instruction(&Instruction::new_with_bytes(program_id, b"", vec![]));
//! outcome.assert(&[Check::success(), Check::logs_contain("Program log: HELLO FROM SBFVM!")]);
//! // Its calls and units are in the invoke tree under its name.
//! assert!(outcome.invocations[0].syscalls.contains(&("sol_log_", 1, 10)));
//! ```
//!
//! Programs built with the usual toolchains can import only names known as Agave
//! syscalls, so a new name (`sol_my_thing`) is reachable from hand-linked ELFs; overriding
//! a known name, or providing one the feature set leaves unregistered (`sol_blake3` on
//! mainnet) or that sbfvm does not implement, works with any program.
//! [`Sbfvm::inspect`] reports imports the embedder provides as such.
//!
//! ## Progress
//!
//! [`progress::Progress`] is the progress line of `sbfvm conformance` and `sbfvm bench`:
//! shown on stderr when it is a terminal, silent otherwise.

pub mod check;
pub mod coverage;
pub mod debug;
pub mod diff;
pub mod error;
mod facade;
mod input;
pub mod inspect;
mod invoke_tree;
mod outcome;
pub mod precompiles;
pub mod profile;
pub mod progress;
pub mod report;
pub mod runner;
pub mod scenario;
pub mod scenario_transactions;
pub mod signer;
pub mod snapshot;
pub mod source;
pub mod trace;

pub use check::{Check, CheckFailures};
pub use error::Error;
pub use facade::{check_heap_size, Config, CustomSyscall, Loader, Sbfvm};
pub use input::{read_input_file, read_input_text, MAX_INPUT_TEXT_BYTES, MAX_PROGRAM_FILE_BYTES};
pub use outcome::{result_string, Cost, Invocation, Outcome};
pub use sbfvm_runtime::transaction::FeeDetails;
pub use sbfvm_runtime::{
    self as runtime, Account, AccountSharedData, FeatureSet, Instruction, InstructionError, Logs,
    Pubkey, ReadableAccount, RentParams, Sysvars, TransactionError, WritableAccount,
};
pub use sbfvm_vm::{
    self as vm, syscall_name, ExecutionMode, LoadedProgram, ProgramEnvironment, SbpfVersion,
    Syscall, SyscallError, SyscallName, SyscallResult, SyscallSupport, VmContext, VmRunStats,
};
pub use solana_hash::Hash;
pub use solana_message::{v0 as message_v0, AddressLookupTableAccount, Message, VersionedMessage};
pub use solana_signature::Signature;
pub use solana_transaction::versioned::VersionedTransaction;
