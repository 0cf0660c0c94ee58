//! The instruction a builtin program is running, as the builtin sees it: its accounts with
//! their privileges, its data, the sysvars and features, and the log. Every builtin works
//! through this one view ([`crate::invoke_context::InvokeContext::instruction_context`]),
//! with the names of Agave's `InstructionContext`
//! (`solana-transaction-context 4.4.0, src/instruction.rs`) and its helpers
//! (`get_sysvar_with_account_check`, `ic_msg!` in `solana-program-runtime 4.4.0`).
//!
//! The log sits in a `RefCell`, so a builtin can log while it holds accounts borrowed from
//! the transaction context (Agave's `ic_msg!` takes a shared `&InvokeContext` for the same
//! reason).
//!
//! # Errors for a missing account
//! Positions past the end of the instruction's accounts are `MissingAccount`, except where
//! Agave 2.1 returned `NotEnoughAccountKeys` (`check_number_of_instruction_accounts`,
//! `get_index_of_instruction_account_in_transaction` and what is built on it); the
//! transaction context selects that older code from the feature set
//! ([`TransactionContext::missing_account_error`]). `is_instruction_account_signer` and
//! `is_instruction_account_writable` return `MissingAccount` in every Agave version.

use std::cell::RefCell;
use std::collections::HashSet;

use bincode::Options;
use serde::de::DeserializeOwned;
use solana_clock::Clock;
use solana_instruction_error::InstructionError;
use solana_pubkey::Pubkey;
use solana_sdk_ids::sysvar;

use crate::environment::EnvironmentConfig;
use crate::features::FeatureSet;
use crate::log_collector::LogCollector;
use crate::sysvars::{BlockhashEntry, RentParams, Sysvars};
use crate::transaction_context::{
    BorrowedAccount, IndexOfAccount, InstructionAccount, InstructionFrame, TransactionContext,
};

/// The running instruction, for builtin programs. Built by
/// [`InvokeContext::instruction_context`](crate::invoke_context::InvokeContext::instruction_context).
pub struct InstructionContext<'a> {
    transaction_context: &'a TransactionContext,
    frame: &'a InstructionFrame,
    log_collector: RefCell<Option<&'a mut LogCollector>>,
    features: &'a FeatureSet,
    sysvars: &'a Sysvars,
    environment: &'a EnvironmentConfig,
}

impl std::fmt::Debug for InstructionContext<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InstructionContext")
            .field("frame", self.frame)
            .finish_non_exhaustive()
    }
}

impl<'a> InstructionContext<'a> {
    /// The view of the frame currently executing in `transaction_context`; `CallDepth` when
    /// no frame is executing.
    pub fn new(
        transaction_context: &'a TransactionContext,
        log_collector: Option<&'a mut LogCollector>,
        features: &'a FeatureSet,
        sysvars: &'a Sysvars,
        environment: &'a EnvironmentConfig,
    ) -> Result<Self, InstructionError> {
        Ok(Self {
            frame: transaction_context.current_frame()?,
            transaction_context,
            log_collector: RefCell::new(log_collector),
            features,
            sysvars,
            environment,
        })
    }

    /// The transaction's accounts, trace and stack.
    pub fn transaction_context(&self) -> &'a TransactionContext {
        self.transaction_context
    }

    /// The feature set of the transaction.
    pub fn features(&self) -> &'a FeatureSet {
        self.features
    }

    /// The sysvar values of the transaction.
    pub fn sysvars(&self) -> &'a Sysvars {
        self.sysvars
    }

    /// The blockhash and lamports per signature nonce instructions record
    /// (`environment_config.blockhash`, `blockhash_lamports_per_signature`).
    pub fn environment_blockhash(&self) -> BlockhashEntry {
        self.environment.blockhash(self.sysvars)
    }

    /// `ic_msg!`: logs `message` as is.
    pub fn log(&self, message: impl AsRef<str>) {
        if let Some(collector) = self.log_collector.borrow_mut().as_mut() {
            collector.log(message.as_ref());
        }
    }

    /// Logs `message` and fails with `error` (the `ic_msg!(…); return Err(…)` pair).
    pub fn log_and_fail<T>(
        &self,
        message: impl AsRef<str>,
        error: InstructionError,
    ) -> Result<T, InstructionError> {
        self.log(message);
        Err(error)
    }

    /// The program being run.
    pub fn get_program_key(&self) -> Result<&'a Pubkey, InstructionError> {
        self.transaction_context
            .key_of(self.frame.program_account_index)
    }

    /// The instruction data.
    pub fn get_instruction_data(&self) -> &'a [u8] {
        &self.frame.data
    }

    /// How many accounts the instruction names (duplicates counted).
    pub fn get_number_of_instruction_accounts(&self) -> usize {
        self.frame.accounts.len()
    }

    /// At least `first.max(second) + 1` accounts, and the accounts at `first` and `second`
    /// different transaction accounts: `InvalidArgument` with the log line `message`
    /// otherwise (a closing account that would receive its own lamports).
    pub fn check_distinct_accounts(
        &self,
        first: usize,
        second: usize,
        message: &str,
    ) -> Result<(), InstructionError> {
        self.check_number_of_instruction_accounts(first.max(second) + 1)?;
        if self.get_index_of_instruction_account_in_transaction(first)?
            == self.get_index_of_instruction_account_in_transaction(second)?
        {
            return self.log_and_fail(message, InstructionError::InvalidArgument);
        }
        Ok(())
    }

    /// Fails unless the instruction names at least `expected` accounts.
    pub fn check_number_of_instruction_accounts(
        &self,
        expected: usize,
    ) -> Result<(), InstructionError> {
        if self.get_number_of_instruction_accounts() < expected {
            return Err(self.transaction_context.missing_account_error());
        }
        Ok(())
    }

    /// The transaction index of the instruction account at `position`.
    pub fn get_index_of_instruction_account_in_transaction(
        &self,
        position: usize,
    ) -> Result<IndexOfAccount, InstructionError> {
        self.frame
            .accounts
            .get(position)
            .map(|account| account.index_in_transaction)
            .ok_or_else(|| self.transaction_context.missing_account_error())
    }

    /// The key of the instruction account at `position`.
    pub fn get_key_of_instruction_account(
        &self,
        position: usize,
    ) -> Result<&'a Pubkey, InstructionError> {
        let index = self.get_index_of_instruction_account_in_transaction(position)?;
        self.transaction_context.key_of(index)
    }

    /// Whether the instruction account at `position` signed.
    pub fn is_instruction_account_signer(&self, position: usize) -> Result<bool, InstructionError> {
        Ok(self.instruction_account(position)?.is_signer)
    }

    /// Whether the instruction account at `position` is writable.
    pub fn is_instruction_account_writable(
        &self,
        position: usize,
    ) -> Result<bool, InstructionError> {
        Ok(self.instruction_account(position)?.is_writable)
    }

    /// The instruction account at `position`; `MissingAccount` past the end.
    fn instruction_account(
        &self,
        position: usize,
    ) -> Result<&InstructionAccount, InstructionError> {
        self.frame
            .accounts
            .get(position)
            .ok_or(InstructionError::MissingAccount)
    }

    /// The keys of every signing instruction account.
    pub fn get_signers(&self) -> Result<HashSet<Pubkey>, InstructionError> {
        let mut signers = HashSet::new();
        for account in self
            .frame
            .accounts
            .iter()
            .filter(|account| account.is_signer)
        {
            signers.insert(
                *self
                    .transaction_context
                    .key_of(account.index_in_transaction)?,
            );
        }
        Ok(signers)
    }

    /// Borrows the instruction account at `position` mutably, with this instruction's
    /// privileges deciding what may change.
    pub fn try_borrow_instruction_account(
        &self,
        position: usize,
    ) -> Result<BorrowedAccount<'a>, InstructionError> {
        self.transaction_context.borrow_current_account(position)
    }

    /// The key check of `get_sysvar_with_account_check`: the instruction account at
    /// `position` must be the sysvar `id` (`InvalidArgument` otherwise).
    pub fn check_sysvar_account(
        &self,
        position: usize,
        id: &Pubkey,
    ) -> Result<(), InstructionError> {
        if self.get_key_of_instruction_account(position)? != id {
            return Err(InstructionError::InvalidArgument);
        }
        Ok(())
    }

    /// `get_sysvar_with_account_check::rent`.
    pub fn rent_with_account_check(&self, position: usize) -> Result<RentParams, InstructionError> {
        self.check_sysvar_account(position, &sysvar::rent::id())?;
        Ok(self.sysvars.rent)
    }

    /// `get_sysvar_with_account_check::clock`.
    pub fn clock_with_account_check(&self, position: usize) -> Result<&'a Clock, InstructionError> {
        self.check_sysvar_account(position, &sysvar::clock::id())?;
        Ok(&self.sysvars.clock)
    }
}

/// Most instruction-data bytes a builtin's decoder reads (`PACKET_DATA_SIZE`).
pub(crate) const PACKET_DATA_SIZE: u64 = 1232;

/// Agave's `limited_deserialize(data, PACKET_DATA_SIZE)`, the decoder of the System program
/// and the BPF loaders: bincode (fixint, little-endian), at most [`PACKET_DATA_SIZE`] bytes
/// read, trailing bytes allowed; `InvalidInstructionData` when it does not decode.
pub(crate) fn limited_deserialize<T: DeserializeOwned>(data: &[u8]) -> Result<T, InstructionError> {
    bincode::options()
        .with_limit(PACKET_DATA_SIZE)
        .with_fixint_encoding()
        .allow_trailing_bytes()
        .deserialize_from(data)
        .map_err(|_| InstructionError::InvalidInstructionData)
}
