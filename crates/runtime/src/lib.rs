//! # sbfvm-runtime
//!
//! The runtime half of sbfvm: accounts and their borrow state, the transaction context
//! with its explicit invoke stack and instruction trace, the account modification rules,
//! the compute meter, the feature set, sysvars, PDA derivation and the System program.
//!
//! Program execution is reached through [`ProgramExecutor`], a trait this crate owns; the
//! `sbfvm-vm` crate implements it on top of solana-sbpf. Nothing here names a VM type.
//!
//! ```
//! use std::rc::Rc;
//! use sbfvm_runtime::{
//!     ExecutionFailure, FeatureSet, InvokeContext, ProgramExecutor, Runtime, Sysvars,
//!     TransactionSettings,
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
//! assert_eq!(runtime.store.get(&to).unwrap().lamports, 5_000_000);
//! ```

pub mod compute;
pub mod features;
pub mod invoke_context;
pub mod loader_v3;
pub mod log_collector;
pub mod pda;
pub mod processor;
pub mod system_program;
pub mod sysvars;
pub mod transaction_context;

pub use compute::{ComputeBudget, ComputeMeter};
pub use features::FeatureSet;
pub use invoke_context::{
    BuiltinFunction, CpiAccountMeta, ExecutionFailure, InvokeContext, InvokeObserver,
    ProgramExecutor,
};
pub use log_collector::LogCollector;
pub use processor::{
    AccountStore, Runtime, TransactionError, TransactionOutcome, TransactionSettings,
};
pub use solana_account::Account;
pub use solana_instruction::{AccountMeta, Instruction};
pub use solana_instruction_error::InstructionError;
pub use solana_pubkey::Pubkey;
pub use sysvars::{RentParams, Sysvars};
pub use transaction_context::{
    BorrowedAccount, FrameOutcome, IndexOfAccount, InstructionAccount, InstructionFrame,
    ReturnData, TransactionContext,
};
