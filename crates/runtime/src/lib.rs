//! # sbfvm-runtime
//!
//! The runtime half of sbfvm, in layers, each using only those before it:
//!
//! 1. [`accounts`]: the account store and the formats of program accounts;
//! 2. [`transaction_context`]: one transaction's accounts with their borrow state, the
//!    instruction trace, the invoke stack and the account modification rules;
//! 3. [`program_cache`]: which loader-owned programs may run (deployment slots, tombstones);
//! 4. [`invoke_context`]: the compute meter, feature set, sysvars and logs around the
//!    transaction context, and the invoke machinery (push → dispatch → pop, CPI privileges),
//!    dispatching through a table of [`Builtin`]s; builtins see the running instruction
//!    through [`InstructionContext`];
//! 5. [`builtins`]: one module per builtin program (System, the BPF loaders, Compute
//!    Budget, the ZK ElGamal proof program) and the table [`builtins::BUILTINS`]; one per precompile (ed25519,
//!    secp256k1, secp256r1) and the table [`builtins::PRECOMPILES`];
//! 6. [`processor`]: a transaction in named phases ([`message`] compiles its instructions).
//!
//! Beside them: [`compute`], [`features`], [`sysvars`], [`environment`], [`pda`],
//! [`log_collector`].
//!
//! Program execution is reached through [`ProgramExecutor`], a trait this crate owns; the
//! `sbfvm-vm` crate implements it on top of solana-sbpf. Nothing here names a VM type.
//!
//! ```
//! use std::rc::Rc;
//! use sbfvm_runtime::{
//!     ExecutionFailure, FeatureSet, InvokeContext, ProgramExecutor, ReadableAccount, Runtime,
//!     Sysvars, TransactionSettings,
//! };
//! use solana_account::Account;
//! use solana_instruction::{AccountMeta, Instruction};
//! use solana_pubkey::Pubkey;
//!
//! // This example runs only the System program, so the executor is never called.
//! struct NoPrograms;
//! impl ProgramExecutor for NoPrograms {
//!     fn execute(&self, _: &mut InvokeContext) -> Result<(), ExecutionFailure> {
//!         Err(ExecutionFailure::program_failed("no SBF programs in this example"))
//!     }
//! }
//!
//! let mut runtime = Runtime::new(FeatureSet::mainnet(), Sysvars::default(), Rc::new(NoPrograms));
//! let (from, to) = (Pubkey::new_unique(), Pubkey::new_unique());
//! let funded = Account { lamports: 10_000_000, owner: solana_sdk_ids::system_program::id(), ..Account::default() };
//! runtime.store.set(from, funded);
//! let transfer = Instruction::new_with_bincode(
//!     solana_sdk_ids::system_program::id(),
//!     &(2u32, 5_000_000u64), // SystemInstruction::Transfer { lamports }
//!     vec![AccountMeta::new(from, true), AccountMeta::new(to, false)],
//! );
//! let outcome = runtime.process_transaction(&[transfer], &TransactionSettings::default(), None);
//! assert_eq!(outcome.result, Ok(()));
//! assert_eq!(outcome.compute_units_consumed, 150);
//! assert_eq!(runtime.store.get(&to).unwrap().lamports(), 5_000_000);
//! ```

pub mod accounts;
pub mod builtins;
pub mod compute;
pub mod environment;
pub mod features;
pub mod instruction_context;
pub mod invoke_context;
pub mod log_collector;
pub mod message;
pub mod pda;
pub mod processor;
pub mod program_cache;
pub mod sysvars;
pub mod transaction;
pub mod transaction_context;

pub use accounts::AccountStore;
pub use compute::{ComputeBudget, ComputeMeter};
pub use environment::EnvironmentConfig;
pub use features::FeatureSet;
pub use instruction_context::InstructionContext;
pub use invoke_context::{
    Builtin, BuiltinFunction, CpiAccountMeta, ExecutionFailure, InvokeContext, InvokeObserver,
    PhaseTimes, ProgramExecutor,
};
pub use log_collector::{LogCollector, LogLines, Logs};
pub use processor::{Runtime, TransactionError, TransactionOutcome, TransactionSettings};
pub use program_cache::{ProgramCache, ProgramStatus, UnavailableProgram};
pub use solana_account::{Account, AccountSharedData, ReadableAccount, WritableAccount};
pub use solana_instruction::{AccountMeta, Instruction};
pub use solana_instruction_error::InstructionError;
pub use solana_pubkey::Pubkey;
pub use sysvars::{RentParams, Sysvars};
pub use transaction_context::{
    BorrowedAccount, FrameOutcome, IndexOfAccount, InstructionAccount, InstructionFrame,
    ReturnData, TransactionContext,
};
