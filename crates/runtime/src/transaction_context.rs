//! The transaction context: the accounts of one transaction with their borrow state, the
//! instruction trace, the invoke stack, return data, and the account modification rules
//! of `solana-transaction-context 4.4.0` (`BorrowedInstructionAccount`).
//!
//! Every change to an account goes through [`BorrowedAccount`], which enforces the rules
//! at the moment the change is applied, as Agave does; there are no pre/post snapshots.
//!
//! # Older behaviour selected by features
//!
//! Two switches, set from the feature set by `InvokeContext::new` (both default to Agave 4.4):
//!
//! * **Executable-account rules** (on while SIMD-0162 `remove_accounts_executable_flag_checks`
//!   is inactive; [`TransactionContext::set_remove_accounts_executable_flag_checks`]). Agave
//!   2.1 `sdk/src/transaction_context.rs` (`BorrowedAccount::is_executable_internal`): an
//!   executable account's lamports (`ExecutableLamportChange`), data
//!   (`ExecutableDataModified`) and owner (`ModifiedProgramId`) cannot change, and its
//!   executable flag cannot be cleared (`ExecutableModified`).
//! * **`NotEnoughAccountKeys`** ([`TransactionContext::set_not_enough_account_keys`]). Agave 2.1
//!   returned `NotEnoughAccountKeys` where 4.4 returns `MissingAccount` for an instruction
//!   account position past the end (`check_number_of_instruction_accounts`,
//!   `get_index_of_instruction_account_in_transaction`) and for a transaction index past the
//!   end (`get_key_of_account_at_index`); see [`TransactionContext::missing_account_error`].

use std::cell::{Cell, Ref, RefCell, RefMut};

use solana_account::{AccountSharedData, ReadableAccount, WritableAccount};
use solana_instruction_error::InstructionError;
use solana_pubkey::Pubkey;

use crate::sysvars::RentParams;

/// Index of an account in the transaction's account list.
pub type IndexOfAccount = u16;

/// Maximum size of one account's data (10 MiB).
pub const MAX_PERMITTED_DATA_LENGTH: u64 = 10 * 1024 * 1024;
/// Maximum net growth of all account data in one transaction (20 MiB).
pub const MAX_PERMITTED_ACCOUNTS_DATA_ALLOCATIONS_PER_TRANSACTION: i64 = 2 * 10 * 1024 * 1024;
/// How far a program may grow an account in one frame (10 KiB).
pub const MAX_PERMITTED_DATA_INCREASE: usize = 10 * 1024;
/// Maximum accounts in one instruction (SIMD-0406).
pub const MAX_ACCOUNTS_PER_INSTRUCTION: usize = 255;

/// One account of the transaction.
#[derive(Debug)]
struct TransactionAccount {
    key: Pubkey,
    account: RefCell<AccountSharedData>,
    touched: Cell<bool>,
}

/// One account as an instruction sees it. Duplicates carry the privileges OR-ed over all
/// their occurrences, exactly as Agave's deduplicated instruction accounts do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InstructionAccount {
    /// The account's index in the transaction.
    pub index_in_transaction: IndexOfAccount,
    /// Whether the instruction gets it as a signer.
    pub is_signer: bool,
    /// Whether the instruction gets it writable.
    pub is_writable: bool,
}

/// One entry of the instruction trace: a top-level instruction or a CPI.
#[derive(Debug, Clone)]
pub struct InstructionFrame {
    /// Stack height minus one.
    pub nesting_level: usize,
    /// Trace index of the caller; `None` for top-level instructions.
    pub caller_index: Option<usize>,
    /// The program's index in the transaction.
    pub program_account_index: IndexOfAccount,
    /// The instruction's accounts, in order (duplicates included).
    pub accounts: Vec<InstructionAccount>,
    /// For each instruction account position, the position of its first occurrence.
    pub first_occurrence: Vec<u16>,
    /// The instruction data.
    pub data: Vec<u8>,
    /// Filled in when the frame finishes, for reports.
    pub outcome: Option<FrameOutcome>,
}

/// What one frame did, recorded when it is popped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameOutcome {
    /// Compute units the frame consumed, its callees included.
    pub compute_units_consumed: u64,
    /// How it ended.
    pub result: Result<(), InstructionError>,
}

impl InstructionFrame {
    /// A frame of `program_account_index` over `accounts`; duplicates are found here.
    pub fn new(
        program_account_index: IndexOfAccount,
        accounts: Vec<InstructionAccount>,
        data: Vec<u8>,
    ) -> Self {
        let first_occurrence = accounts
            .iter()
            .enumerate()
            .map(|(position, account)| {
                accounts
                    .iter()
                    .position(|other| other.index_in_transaction == account.index_in_transaction)
                    .unwrap_or(position) as u16
            })
            .collect();
        Self::with_first_occurrence(program_account_index, accounts, first_occurrence, data)
    }

    /// [`InstructionFrame::new`] when the caller has already found each account's first
    /// occurrence (CPI frame preparation does, while merging privileges).
    pub fn with_first_occurrence(
        program_account_index: IndexOfAccount,
        accounts: Vec<InstructionAccount>,
        first_occurrence: Vec<u16>,
        data: Vec<u8>,
    ) -> Self {
        debug_assert_eq!(accounts.len(), first_occurrence.len());
        Self {
            nesting_level: 0,
            caller_index: None,
            program_account_index,
            accounts,
            first_occurrence,
            data,
            outcome: None,
        }
    }

    /// The stack height the frame runs at (top level = 1).
    pub fn stack_height(&self) -> usize {
        self.nesting_level + 1
    }

    /// `Some(first)` when the account at `position` repeats an earlier one.
    pub fn duplicate_of(&self, position: usize) -> Option<usize> {
        let first = *self.first_occurrence.get(position)? as usize;
        (first != position).then_some(first)
    }

    /// Position of the first occurrence of a transaction account in this instruction.
    pub fn position_of_transaction_account(&self, index: IndexOfAccount) -> Option<usize> {
        self.accounts
            .iter()
            .position(|account| account.index_in_transaction == index)
    }
}

/// The return data of the transaction: one pair, reset at every program execution.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReturnData {
    /// The program that set it.
    pub program_id: Pubkey,
    /// The bytes (at most 1,024).
    pub data: Vec<u8>,
}

/// Accounts, trace, stack and transaction-wide running totals.
#[derive(Debug)]
pub struct TransactionContext {
    accounts: Vec<TransactionAccount>,
    trace: Vec<InstructionFrame>,
    stack: Vec<usize>,
    max_stack_depth: usize,
    max_trace_length: usize,
    top_level_instructions_started: usize,
    cpis_started: usize,
    return_data: ReturnData,
    lamports_delta: Cell<i128>,
    resize_delta: Cell<i64>,
    rent: RentParams,
    /// Agave's `remove_accounts_executable_flag_checks` switch (SIMD-0162); `true` in 4.4.
    remove_accounts_executable_flag_checks: bool,
    /// Whether a missing instruction account is `NotEnoughAccountKeys` (Agave before 3.1).
    not_enough_account_keys: bool,
}

impl TransactionContext {
    /// The context of a transaction over `accounts`, with Agave 4.4's rules; the stack may
    /// grow to `max_stack_depth` frames and the trace to `max_trace_length` entries.
    pub fn new<A: Into<AccountSharedData>>(
        accounts: impl IntoIterator<Item = (Pubkey, A)>,
        rent: RentParams,
        max_stack_depth: usize,
        max_trace_length: usize,
    ) -> Self {
        Self {
            accounts: accounts
                .into_iter()
                .map(|(key, account)| TransactionAccount {
                    key,
                    account: RefCell::new(account.into()),
                    touched: Cell::new(false),
                })
                .collect(),
            trace: Vec::new(),
            stack: Vec::new(),
            max_stack_depth,
            max_trace_length,
            top_level_instructions_started: 0,
            cpis_started: 0,
            return_data: ReturnData::default(),
            lamports_delta: Cell::new(0),
            resize_delta: Cell::new(0),
            rent,
            remove_accounts_executable_flag_checks: true,
            not_enough_account_keys: false,
        }
    }

    /// Agave 2.1 `TransactionContext::set_remove_accounts_executable_flag_checks`: `false`
    /// enforces the executable-account rules of the module docs (SIMD-0162 inactive).
    pub fn set_remove_accounts_executable_flag_checks(&mut self, enabled: bool) {
        self.remove_accounts_executable_flag_checks = enabled;
    }

    /// Whether the executable-account rules are off (SIMD-0162 active, the 4.4 default).
    pub fn remove_accounts_executable_flag_checks(&self) -> bool {
        self.remove_accounts_executable_flag_checks
    }

    /// `true` selects `NotEnoughAccountKeys` instead of `MissingAccount` for a missing
    /// instruction account (see [`Self::missing_account_error`]).
    pub fn set_not_enough_account_keys(&mut self, enabled: bool) {
        self.not_enough_account_keys = enabled;
    }

    /// The error for an instruction account position (or transaction index) past the end:
    /// `MissingAccount` (Agave ≥ 3.1, agave#8001 "Unify NotEnoughAccountKeys and
    /// MissingAccount") or `NotEnoughAccountKeys` (before; see the module docs).
    pub fn missing_account_error(&self) -> InstructionError {
        if self.not_enough_account_keys {
            #[allow(deprecated)]
            InstructionError::NotEnoughAccountKeys
        } else {
            InstructionError::MissingAccount
        }
    }

    /// How many accounts the transaction has.
    pub fn number_of_accounts(&self) -> usize {
        self.accounts.len()
    }

    /// The key at `index` (the missing-account error past the end).
    pub fn key_of(&self, index: IndexOfAccount) -> Result<&Pubkey, InstructionError> {
        self.accounts
            .get(index as usize)
            .map(|account| &account.key)
            .ok_or_else(|| self.missing_account_error())
    }

    /// First index of `key` among the transaction's accounts.
    pub fn find_index_of_account(&self, key: &Pubkey) -> Option<IndexOfAccount> {
        self.accounts
            .iter()
            .position(|account| &account.key == key)
            .map(|index| index as IndexOfAccount)
    }

    /// Writes the current top-level instruction index into the last two bytes of the
    /// Instructions sysvar at `index` (runtime-owned, so no modification rules apply); data
    /// shorter than two bytes is `AccountDataTooSmall`, as `store_current_index_checked` of
    /// `solana-instructions-sysvar 5.0.0, src/lib.rs` (used by `solana-transaction-context
    /// 4.4.0`).
    pub(crate) fn write_instructions_sysvar_index(
        &self,
        index: IndexOfAccount,
        top_level_index: u16,
    ) -> Result<(), InstructionError> {
        let mut account = self.borrow_account_mut_unchecked(index)?;
        let len = account.data().len();
        if len < 2 {
            return Err(InstructionError::AccountDataTooSmall);
        }
        account.data_as_mut_slice()[len - 2..].copy_from_slice(&top_level_index.to_le_bytes());
        Ok(())
    }

    /// Shared borrow of a transaction account (fails while it is mutably borrowed).
    pub fn borrow_account(
        &self,
        index: IndexOfAccount,
    ) -> Result<Ref<'_, AccountSharedData>, InstructionError> {
        self.accounts
            .get(index as usize)
            .ok_or(InstructionError::MissingAccount)?
            .account
            .try_borrow()
            .map_err(|_| InstructionError::AccountBorrowFailed)
    }

    /// Mutable borrow without privilege checks, for runtime-owned writes (sysvars).
    pub(crate) fn borrow_account_mut_unchecked(
        &self,
        index: IndexOfAccount,
    ) -> Result<RefMut<'_, AccountSharedData>, InstructionError> {
        let entry = self
            .accounts
            .get(index as usize)
            .ok_or(InstructionError::MissingAccount)?;
        entry
            .account
            .try_borrow_mut()
            .map_err(|_| InstructionError::AccountBorrowFailed)
    }

    /// Whether the account at `index` was changed through a borrow.
    pub fn is_touched(&self, index: IndexOfAccount) -> bool {
        self.accounts
            .get(index as usize)
            .is_some_and(|account| account.touched.get())
    }

    /// The accounts' states in index order. Collected into a new vector: collecting
    /// straight from the transaction accounts would reuse their (larger) allocation and
    /// shrink it with a `realloc`.
    pub fn into_account_states(self) -> Vec<AccountSharedData> {
        let mut states = Vec::with_capacity(self.accounts.len());
        states.extend(
            self.accounts
                .into_iter()
                .map(|account| account.account.into_inner()),
        );
        states
    }

    /// Every account as it is now (the data shared, not copied).
    pub fn accounts_snapshot(&self) -> Vec<(Pubkey, AccountSharedData)> {
        self.accounts
            .iter()
            .map(|account| (account.key, account.account.borrow().clone()))
            .collect()
    }

    /// The Rent the account rules use.
    pub fn rent(&self) -> &RentParams {
        &self.rent
    }

    // ----- trace and stack -----

    /// Every frame so far: top-level instructions first, then CPIs in order.
    pub fn trace(&self) -> &[InstructionFrame] {
        &self.trace
    }

    /// Moves the trace out (the transaction is over).
    pub fn take_trace(&mut self) -> Vec<InstructionFrame> {
        std::mem::take(&mut self.trace)
    }

    /// Moves the return data out (the transaction is over).
    pub fn take_return_data(&mut self) -> ReturnData {
        std::mem::take(&mut self.return_data)
    }

    /// The current stack height (0 between instructions).
    pub fn stack_height(&self) -> usize {
        self.stack.len()
    }

    /// The deepest the stack may grow.
    pub fn max_stack_depth(&self) -> usize {
        self.max_stack_depth
    }

    /// Trace index of the frame currently executing.
    pub fn current_trace_index(&self) -> Result<usize, InstructionError> {
        self.stack
            .last()
            .copied()
            .ok_or(InstructionError::CallDepth)
    }

    /// The frame currently executing (`CallDepth` when none is).
    pub fn current_frame(&self) -> Result<&InstructionFrame, InstructionError> {
        Ok(&self.trace[self.current_trace_index()?])
    }

    /// The frame at `trace_index`.
    pub fn frame(&self, trace_index: usize) -> Option<&InstructionFrame> {
        self.trace.get(trace_index)
    }

    /// The frame at `trace_index`, mutably (to record its outcome).
    pub fn frame_mut(&mut self, trace_index: usize) -> Option<&mut InstructionFrame> {
        self.trace.get_mut(trace_index)
    }

    /// The frames on the invoke stack, bottom first.
    pub fn stack(&self) -> &[usize] {
        &self.stack
    }

    /// The program of the current frame.
    pub fn current_program_id(&self) -> Result<Pubkey, InstructionError> {
        let frame = self.current_frame()?;
        Ok(*self.key_of(frame.program_account_index)?)
    }

    /// Pre-configures the top-level instructions of a transaction at trace indices 0..n.
    pub fn configure_top_level(&mut self, frames: Vec<InstructionFrame>) {
        debug_assert!(self.trace.is_empty());
        self.trace = frames;
    }

    /// Pushes the next frame (`solana-transaction-context 4.4.0, src/transaction.rs`,
    /// `push`). For a top-level instruction `frame` is `None` and the pre-configured frame at
    /// `top_level_index` is used; for a CPI the frame is appended to the trace.
    pub fn push(&mut self, frame: Option<InstructionFrame>) -> Result<usize, InstructionError> {
        let program_account_index = match &frame {
            Some(frame) => frame.program_account_index,
            None => {
                self.trace
                    .get(self.top_level_instructions_started)
                    .ok_or(InstructionError::CallDepth)?
                    .program_account_index
            }
        };
        let program_id = *self
            .key_of(program_account_index)
            .map_err(|_| InstructionError::UnsupportedProgramId)?;
        if !self.stack.is_empty() {
            // Reentrancy: allowed only as direct self-recursion.
            let on_stack = self.stack.iter().position(|&trace_index| {
                self.key_of(self.trace[trace_index].program_account_index)
                    .is_ok_and(|key| *key == program_id)
            });
            let caller_is_program = self.current_program_id()? == program_id;
            if on_stack.is_some() && !caller_is_program {
                return Err(InstructionError::ReentrancyNotAllowed);
            }
            if self.lamports_delta.get() != 0 {
                return Err(InstructionError::UnbalancedInstruction);
            }
        }
        let trace_index = match frame {
            Some(mut frame) => {
                if self.top_level_instructions_started + self.cpis_started >= self.max_trace_length
                {
                    return Err(InstructionError::MaxInstructionTraceLengthExceeded);
                }
                frame.nesting_level = self.stack.len();
                frame.caller_index = self.stack.last().copied();
                self.trace.push(frame);
                self.cpis_started += 1;
                self.trace.len() - 1
            }
            None => {
                let index = self.top_level_instructions_started;
                self.top_level_instructions_started += 1;
                index
            }
        };
        if self.stack.len() >= self.max_stack_depth {
            return Err(InstructionError::CallDepth);
        }
        self.stack.push(trace_index);
        Ok(trace_index)
    }

    /// Pops the current frame (`solana-transaction-context 4.4.0, src/transaction.rs`, `pop`).
    /// The frame is always popped, even when the checks fail.
    pub fn pop(&mut self) -> Result<(), InstructionError> {
        let trace_index = *self.stack.last().ok_or(InstructionError::CallDepth)?;
        let frame = &self.trace[trace_index];
        let program = &self.accounts[frame.program_account_index as usize];
        let result = if program.account.try_borrow_mut().is_err() {
            Err(InstructionError::AccountBorrowOutstanding)
        } else if self.lamports_delta.get() != 0 {
            Err(InstructionError::UnbalancedInstruction)
        } else {
            Ok(())
        };
        self.stack.pop();
        result
    }

    /// How many top-level instructions have been pushed.
    pub fn top_level_instructions_started(&self) -> usize {
        self.top_level_instructions_started
    }

    // ----- return data -----

    /// The return data as it is now.
    pub fn return_data(&self) -> &ReturnData {
        &self.return_data
    }

    /// Sets the return data.
    pub fn set_return_data(&mut self, program_id: Pubkey, data: Vec<u8>) {
        self.return_data = ReturnData { program_id, data };
    }

    /// Resets return data to (program, empty) keeping the buffer's capacity.
    pub fn reset_return_data(&mut self, program_id: Pubkey) {
        self.return_data.program_id = program_id;
        self.return_data.data.clear();
    }

    /// Lamports created (positive) or destroyed by the changes so far.
    pub fn lamports_delta(&self) -> i128 {
        self.lamports_delta.get()
    }

    /// Net account data growth of the transaction so far.
    pub fn resize_delta(&self) -> i64 {
        self.resize_delta.get()
    }

    /// Grows the data of the account at `index` for a store into its reserved address space
    /// of `reserved` bytes (its data at serialization plus the realloc area), as the
    /// access-violation handler does under `virtual_address_space_adjustments`: to
    /// `reserved`, at most 10 MiB and at most the transaction's remaining growth, zero-filled;
    /// the account counts as touched. Returns the new length, or `None` when the account is
    /// borrowed. Mirrors `solana-transaction-context 4.4.0, src/transaction.rs`,
    /// `access_violation_handler` (the `requested_length > region.len()` branch).
    pub fn grow_account_for_store(&self, index: IndexOfAccount, reserved: usize) -> Option<usize> {
        let entry = self.accounts.get(index as usize)?;
        let mut account = entry.account.try_borrow_mut().ok()?;
        entry.touched.set(true);
        let remaining_growth = MAX_PERMITTED_ACCOUNTS_DATA_ALLOCATIONS_PER_TRANSACTION
            .saturating_sub(self.resize_delta.get())
            .max(0) as usize;
        let old_len = account.data().len();
        let new_len = reserved
            .min(MAX_PERMITTED_DATA_LENGTH as usize)
            .min(old_len.saturating_add(remaining_growth));
        let growth = (new_len as i64).saturating_sub(old_len as i64);
        self.resize_delta
            .set(self.resize_delta.get().saturating_add(growth));
        account.resize(new_len, 0);
        Some(new_len)
    }

    // ----- borrowing through an instruction frame -----

    /// Borrows the account at `position` of the frame at `trace_index`, with that
    /// frame's privileges and program id deciding what may change.
    pub fn borrow_instruction_account(
        &self,
        trace_index: usize,
        position: usize,
    ) -> Result<BorrowedAccount<'_>, InstructionError> {
        let frame = self
            .trace
            .get(trace_index)
            .ok_or(InstructionError::MissingAccount)?;
        let instruction_account = frame
            .accounts
            .get(position)
            .ok_or_else(|| self.missing_account_error())?;
        let program_id = *self.key_of(frame.program_account_index)?;
        let index = instruction_account.index_in_transaction;
        let entry = self
            .accounts
            .get(index as usize)
            .ok_or(InstructionError::MissingAccount)?;
        let account = entry
            .account
            .try_borrow_mut()
            .map_err(|_| InstructionError::AccountBorrowFailed)?;
        Ok(BorrowedAccount {
            context: self,
            account,
            index_in_transaction: index,
            position,
            program_id,
            is_signer: instruction_account.is_signer,
            is_writable: instruction_account.is_writable,
            executable_flag_checks: !self.remove_accounts_executable_flag_checks,
        })
    }

    /// Borrows an account of the currently executing frame.
    pub fn borrow_current_account(
        &self,
        position: usize,
    ) -> Result<BorrowedAccount<'_>, InstructionError> {
        self.borrow_instruction_account(self.current_trace_index()?, position)
    }

    /// Borrows the program account of the current frame (shared).
    pub fn borrow_current_program_account(
        &self,
    ) -> Result<Ref<'_, AccountSharedData>, InstructionError> {
        self.borrow_account(self.current_frame()?.program_account_index)
    }
}

/// An account borrowed mutably through one instruction frame. The modification rules are
/// applied here, in Agave's order.
pub struct BorrowedAccount<'a> {
    context: &'a TransactionContext,
    account: RefMut<'a, AccountSharedData>,
    index_in_transaction: IndexOfAccount,
    position: usize,
    program_id: Pubkey,
    is_signer: bool,
    is_writable: bool,
    /// SIMD-0162 inactive: the executable flag freezes the account (module docs).
    executable_flag_checks: bool,
}

impl std::fmt::Debug for BorrowedAccount<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BorrowedAccount")
            .field("key", self.key())
            .field("account", &*self.account)
            .field("is_signer", &self.is_signer)
            .field("is_writable", &self.is_writable)
            .finish()
    }
}

impl BorrowedAccount<'_> {
    /// The account's key.
    pub fn key(&self) -> &Pubkey {
        &self.context.accounts[self.index_in_transaction as usize].key
    }

    /// The account's index in the transaction.
    pub fn index_in_transaction(&self) -> IndexOfAccount {
        self.index_in_transaction
    }

    /// The account's position in the instruction.
    pub fn position_in_instruction(&self) -> usize {
        self.position
    }

    /// Whether the instruction has it as a signer.
    pub fn is_signer(&self) -> bool {
        self.is_signer
    }

    /// Whether the instruction has it writable.
    pub fn is_writable(&self) -> bool {
        self.is_writable
    }

    /// Its lamports.
    pub fn lamports(&self) -> u64 {
        self.account.lamports()
    }

    /// Its owner.
    pub fn owner(&self) -> &Pubkey {
        self.account.owner()
    }

    /// Its data.
    pub fn data(&self) -> &[u8] {
        self.account.data()
    }

    /// Its executable flag.
    pub fn is_executable(&self) -> bool {
        self.account.executable()
    }

    /// The whole account.
    pub fn account(&self) -> &AccountSharedData {
        &self.account
    }

    /// Whether the frame's program owns this account.
    pub fn is_owned_by_current_program(&self) -> bool {
        *self.account.owner() == self.program_id
    }

    /// Agave 2.1 `is_executable_internal`: the account is executable and SIMD-0162 is
    /// inactive, so the executable-account rules apply.
    fn is_executable_internal(&self) -> bool {
        self.executable_flag_checks && self.account.executable()
    }

    fn touch(&self) {
        self.context.accounts[self.index_in_transaction as usize]
            .touched
            .set(true);
    }

    /// Sets the lamports: only the owner may spend, only a writable account changes, and
    /// (SIMD-0162 inactive) an executable one may not.
    pub fn set_lamports(&mut self, lamports: u64) -> Result<(), InstructionError> {
        if !self.is_owned_by_current_program() && lamports < self.account.lamports() {
            return Err(InstructionError::ExternalAccountLamportSpend);
        }
        if !self.is_writable {
            return Err(InstructionError::ReadonlyLamportChange);
        }
        if self.is_executable_internal() {
            return Err(InstructionError::ExecutableLamportChange);
        }
        if self.account.lamports() == lamports {
            return Ok(());
        }
        let delta = self
            .context
            .lamports_delta
            .get()
            .checked_add(lamports as i128 - self.account.lamports() as i128)
            .ok_or(InstructionError::ArithmeticOverflow)?;
        self.context.lamports_delta.set(delta);
        self.touch();
        self.account.set_lamports(lamports);
        Ok(())
    }

    /// Adds `lamports` (`ArithmeticOverflow` on overflow), under [`Self::set_lamports`]'s rules.
    pub fn checked_add_lamports(&mut self, lamports: u64) -> Result<(), InstructionError> {
        self.set_checked_lamports(self.account.lamports().checked_add(lamports))
    }

    /// Subtracts `lamports` (`ArithmeticOverflow` below zero), under [`Self::set_lamports`]'s rules.
    pub fn checked_sub_lamports(&mut self, lamports: u64) -> Result<(), InstructionError> {
        self.set_checked_lamports(self.account.lamports().checked_sub(lamports))
    }

    /// [`Self::set_lamports`] of a checked sum or difference: `ArithmeticOverflow` when it
    /// overflowed.
    fn set_checked_lamports(&mut self, lamports: Option<u64>) -> Result<(), InstructionError> {
        self.set_lamports(lamports.ok_or(InstructionError::ArithmeticOverflow)?)
    }

    /// Whether the data may change: writable, owned by the current program, and (SIMD-0162
    /// inactive) not executable.
    pub fn can_data_be_changed(&self) -> Result<(), InstructionError> {
        if self.is_executable_internal() {
            return Err(InstructionError::ExecutableDataModified);
        }
        if !self.is_writable {
            return Err(InstructionError::ReadonlyDataModified);
        }
        if !self.is_owned_by_current_program() {
            return Err(InstructionError::ExternalAccountDataModified);
        }
        Ok(())
    }

    /// Whether the data may take `new_len` bytes: within 10 MiB and the transaction's 20 MiB
    /// growth, and changeable. Under the Agave 2.1 rules (SIMD-0162 inactive, the feature
    /// that brackets this unversioned change) only the owner may change the length, checked
    /// first (`AccountDataSizeChanged`; `solana-sdk 2.1.0, src/transaction_context.rs`,
    /// `BorrowedAccount::can_data_be_resized`).
    pub fn can_data_be_resized(&self, new_len: usize) -> Result<(), InstructionError> {
        let old_len = self.account.data().len();
        if self.executable_flag_checks && new_len != old_len && !self.is_owned_by_current_program()
        {
            return Err(InstructionError::AccountDataSizeChanged);
        }
        if new_len as u64 > MAX_PERMITTED_DATA_LENGTH {
            return Err(InstructionError::InvalidRealloc);
        }
        let growth = new_len as i64 - old_len as i64;
        if self.context.resize_delta.get().saturating_add(growth)
            > MAX_PERMITTED_ACCOUNTS_DATA_ALLOCATIONS_PER_TRANSACTION
        {
            return Err(InstructionError::MaxAccountsDataAllocationsExceeded);
        }
        self.can_data_be_changed()
    }

    fn record_resize(&self, new_len: usize) {
        let growth = new_len as i64 - self.account.data().len() as i64;
        let delta = self.context.resize_delta.get().saturating_add(growth);
        self.context.resize_delta.set(delta);
    }

    /// Replaces the data (the length may change).
    pub fn set_data_from_slice(&mut self, data: &[u8]) -> Result<(), InstructionError> {
        self.can_data_be_resized(data.len())?;
        self.touch();
        self.record_resize(data.len());
        self.account.set_data_from_slice(data);
        Ok(())
    }

    /// Resizes the data, zero-filling growth.
    pub fn set_data_length(&mut self, new_len: usize) -> Result<(), InstructionError> {
        self.can_data_be_resized(new_len)?;
        if self.account.data().len() == new_len {
            return Ok(());
        }
        self.touch();
        self.record_resize(new_len);
        self.account.resize(new_len, 0);
        Ok(())
    }

    /// Mutable access to the data bytes without resizing.
    pub fn data_mut(&mut self) -> Result<&mut [u8], InstructionError> {
        self.can_data_be_changed()?;
        self.touch();
        Ok(self.account.data_as_mut_slice())
    }

    /// The data read as `T` (bincode, trailing bytes allowed); `InvalidAccountData` if it is
    /// not one. Mirrors `solana-transaction-context 4.4.0, src/lib.rs`,
    /// `BorrowedAccount::get_state`.
    pub fn get_state<T: serde::de::DeserializeOwned>(&self) -> Result<T, InstructionError> {
        bincode::deserialize(self.account.data()).map_err(|_| InstructionError::InvalidAccountData)
    }

    /// Writes `state` (bincode) over the start of the data, leaving the rest as it was: the
    /// data must be changeable and large enough. Mirrors `solana-transaction-context 4.4.0,
    /// src/lib.rs`, `BorrowedAccount::set_state`.
    pub fn set_state<T: serde::Serialize>(&mut self, state: &T) -> Result<(), InstructionError> {
        let data = self.data_mut()?;
        let serialized_size =
            bincode::serialized_size(state).map_err(|_| InstructionError::GenericError)?;
        if serialized_size > data.len() as u64 {
            return Err(InstructionError::AccountDataTooSmall);
        }
        bincode::serialize_into(&mut *data, state).map_err(|_| InstructionError::GenericError)
    }

    /// Writes `data` if the account may change; equal bytes are accepted for any account.
    /// This is the rule used by deserialization and CPI sync (`update_caller_account` /
    /// `deserialize_parameters` in `solana-program-runtime 4.4.0`).
    ///
    /// Bytes equal to the account's are not written (Agave writes them): the result is the
    /// same, and an account shared with the store keeps sharing its bytes instead of
    /// getting a copy of its own on every CPI and every deserialization.
    pub fn update_data_if_changed(&mut self, data: &[u8]) -> Result<(), InstructionError> {
        match self.can_data_be_resized(data.len()) {
            Ok(()) if self.account.data() == data => {
                self.touch();
                Ok(())
            }
            Ok(()) => self.set_data_from_slice(data),
            Err(err) if self.account.data() != data => Err(err),
            Err(_) => Ok(()),
        }
    }

    /// Sets the owner: only the current owner may, of a writable, zeroed (and, SIMD-0162
    /// inactive, non-executable) account.
    pub fn set_owner(&mut self, owner: &Pubkey) -> Result<(), InstructionError> {
        if !self.is_owned_by_current_program()
            || !self.is_writable
            || self.is_executable_internal()
            || !self.account.data().iter().all(|byte| *byte == 0)
        {
            return Err(InstructionError::ModifiedProgramId);
        }
        if self.account.owner() == owner {
            return Ok(());
        }
        self.touch();
        self.account.set_owner(*owner);
        Ok(())
    }

    /// Sets the executable flag: the account must be rent-exempt, writable and owned by the
    /// current program.
    pub fn set_executable(&mut self, executable: bool) -> Result<(), InstructionError> {
        let minimum = self.context.rent.minimum_balance(self.account.data().len());
        if self.account.lamports() < minimum {
            return Err(InstructionError::ExecutableAccountNotRentExempt);
        }
        if !self.is_owned_by_current_program() || !self.is_writable {
            return Err(InstructionError::ExecutableModified);
        }
        // One cannot clear the executable flag (SIMD-0162 inactive).
        if self.is_executable_internal() && !executable {
            return Err(InstructionError::ExecutableModified);
        }
        if self.account.executable() == executable {
            return Ok(());
        }
        self.touch();
        self.account.set_executable(executable);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use solana_account::Account;

    fn account(lamports: u64, owner: Pubkey, len: usize) -> Account {
        Account {
            lamports,
            data: vec![0; len],
            owner,
            executable: false,
            rent_epoch: u64::MAX,
        }
    }

    fn context_with(program: Pubkey, accounts: Vec<(Pubkey, Account, bool)>) -> TransactionContext {
        let mut all: Vec<(Pubkey, Account)> =
            accounts.iter().map(|(k, a, _)| (*k, a.clone())).collect();
        all.push((program, account(1, solana_sdk_ids::native_loader::id(), 0)));
        let program_index = (all.len() - 1) as IndexOfAccount;
        let mut context = TransactionContext::new(all, RentParams::default(), 5, 64);
        let instruction_accounts = accounts
            .iter()
            .enumerate()
            .map(|(index, (_, _, writable))| InstructionAccount {
                index_in_transaction: index as IndexOfAccount,
                is_signer: false,
                is_writable: *writable,
            })
            .collect();
        context.configure_top_level(vec![InstructionFrame::new(
            program_index,
            instruction_accounts,
            vec![],
        )]);
        context.push(None).unwrap();
        context
    }

    /// Three accounts of `lamports` and `len` bytes each, in the running instruction:
    /// owned by the program and writable, owned by another program and writable, owned by
    /// the program and read-only.
    fn owned_foreign_and_readonly(lamports: u64, len: usize) -> TransactionContext {
        let program = Pubkey::new_unique();
        let other = Pubkey::new_unique();
        context_with(
            program,
            vec![
                (Pubkey::new_unique(), account(lamports, program, len), true),
                (Pubkey::new_unique(), account(lamports, other, len), true),
                (Pubkey::new_unique(), account(lamports, program, len), false),
            ],
        )
    }

    #[test]
    fn lamport_rules_follow_agave_order() {
        let context = owned_foreign_and_readonly(10, 0);
        let mut owned = context.borrow_current_account(0).unwrap();
        owned.set_lamports(5).unwrap();
        assert_eq!(context.lamports_delta(), -5);
        drop(owned);
        let mut foreign = context.borrow_current_account(1).unwrap();
        assert_eq!(
            foreign.set_lamports(4),
            Err(InstructionError::ExternalAccountLamportSpend)
        );
        foreign.set_lamports(15).unwrap();
        drop(foreign);
        let mut readonly = context.borrow_current_account(2).unwrap();
        assert_eq!(
            readonly.set_lamports(10),
            Err(InstructionError::ReadonlyLamportChange)
        );
        assert_eq!(
            readonly.checked_add_lamports(0),
            Err(InstructionError::ReadonlyLamportChange)
        );
    }

    #[test]
    fn borrow_conflicts_fail() {
        let program = Pubkey::new_unique();
        let context = context_with(
            program,
            vec![(Pubkey::new_unique(), account(1, program, 0), true)],
        );
        let first = context.borrow_current_account(0).unwrap();
        assert_eq!(
            context.borrow_current_account(0).unwrap_err(),
            InstructionError::AccountBorrowFailed
        );
        assert_eq!(
            context.borrow_account(0).unwrap_err(),
            InstructionError::AccountBorrowFailed
        );
        drop(first);
        let shared = context.borrow_account(0).unwrap();
        assert_eq!(
            context.borrow_current_account(0).unwrap_err(),
            InstructionError::AccountBorrowFailed
        );
        drop(shared);
    }

    #[test]
    fn before_simd_0162_only_the_owner_resizes_checked_first() {
        let mut context = owned_foreign_and_readonly(1, 4);
        // A foreign account: 4.4 says the data may not change, 2.1 that its size may not.
        let mut foreign = context.borrow_current_account(1).unwrap();
        assert_eq!(
            foreign.set_data_length(8),
            Err(InstructionError::ExternalAccountDataModified)
        );
        drop(foreign);
        context.set_remove_accounts_executable_flag_checks(false);
        let mut foreign = context.borrow_current_account(1).unwrap();
        assert_eq!(
            foreign.set_data_length(8),
            Err(InstructionError::AccountDataSizeChanged)
        );
        // The same length is no resize: the data rules decide.
        assert_eq!(
            foreign.set_data_from_slice(&[1, 2, 3, 4]),
            Err(InstructionError::ExternalAccountDataModified)
        );
    }

    #[test]
    fn data_and_owner_rules() {
        let context = owned_foreign_and_readonly(1, 4);
        let other = *context.borrow_current_account(1).unwrap().owner();
        let mut owned = context.borrow_current_account(0).unwrap();
        owned.set_data_from_slice(&[1, 2, 3, 4, 5]).unwrap();
        assert_eq!(context.resize_delta(), 1);
        assert_eq!(
            owned.set_owner(&other),
            Err(InstructionError::ModifiedProgramId)
        );
        owned.set_data_length(0).unwrap();
        owned.set_owner(&other).unwrap();
        assert_eq!(
            owned.set_data_length(MAX_PERMITTED_DATA_LENGTH as usize + 1),
            Err(InstructionError::InvalidRealloc)
        );
        drop(owned);
        // Neither a foreign nor a read-only account's data may be borrowed mutably.
        for (position, error) in [
            (1, InstructionError::ExternalAccountDataModified),
            (2, InstructionError::ReadonlyDataModified),
        ] {
            let mut account = context.borrow_current_account(position).unwrap();
            assert_eq!(account.data_mut().unwrap_err(), error);
        }
        let mut foreign = context.borrow_current_account(1).unwrap();
        // Equal bytes are accepted even where a change would not be.
        foreign.update_data_if_changed(&[0, 0, 0, 0]).unwrap();
        assert_eq!(
            foreign.update_data_if_changed(&[0, 0, 0, 1]),
            Err(InstructionError::ExternalAccountDataModified)
        );
    }

    #[test]
    fn push_rules_reentrancy_depth_and_balance() {
        let a = Pubkey::new_unique();
        let b = Pubkey::new_unique();
        let accounts = vec![
            (a, account(1, solana_sdk_ids::native_loader::id(), 0)),
            (b, account(1, solana_sdk_ids::native_loader::id(), 0)),
        ];
        let mut context = TransactionContext::new(accounts, RentParams::default(), 5, 64);
        context.configure_top_level(vec![InstructionFrame::new(0, vec![], vec![])]);
        context.push(None).unwrap();
        // A -> A is allowed.
        context
            .push(Some(InstructionFrame::new(0, vec![], vec![])))
            .unwrap();
        context.pop().unwrap();
        // A -> B -> B allowed, A -> B -> A not.
        context
            .push(Some(InstructionFrame::new(1, vec![], vec![])))
            .unwrap();
        context
            .push(Some(InstructionFrame::new(1, vec![], vec![])))
            .unwrap();
        context.pop().unwrap();
        assert_eq!(
            context.push(Some(InstructionFrame::new(0, vec![], vec![]))),
            Err(InstructionError::ReentrancyNotAllowed)
        );
        // Depth: heights 1..=5 allowed, the sixth fails after being recorded in the trace.
        for _ in 0..3 {
            context
                .push(Some(InstructionFrame::new(1, vec![], vec![])))
                .unwrap();
        }
        assert_eq!(context.stack_height(), 5);
        let trace_before = context.trace().len();
        assert_eq!(
            context.push(Some(InstructionFrame::new(1, vec![], vec![]))),
            Err(InstructionError::CallDepth)
        );
        assert_eq!(context.trace().len(), trace_before + 1);
    }

    fn executable(mut account: Account) -> Account {
        account.executable = true;
        account
    }

    #[test]
    fn executable_accounts_are_frozen_only_before_simd_0162() {
        let program = Pubkey::new_unique();
        let rent_exempt = RentParams::default().minimum_balance(4);
        let accounts = vec![
            (
                Pubkey::new_unique(),
                executable(account(rent_exempt, program, 4)),
                true,
            ),
            (Pubkey::new_unique(), account(rent_exempt, program, 4), true),
        ];
        // Agave 4.4 (SIMD-0162 active, the default): the flag changes nothing.
        let context = context_with(program, accounts.clone());
        assert!(context.remove_accounts_executable_flag_checks());
        let mut frozen = context.borrow_current_account(0).unwrap();
        frozen.set_lamports(rent_exempt + 1).unwrap();
        frozen.set_lamports(rent_exempt).unwrap();
        frozen.data_mut().unwrap()[0] = 0;
        frozen.set_owner(&Pubkey::new_unique()).unwrap();
        drop(frozen);

        // SIMD-0162 inactive (Agave 2.1): each rule in Agave's order.
        let mut context = context_with(program, accounts);
        context.set_remove_accounts_executable_flag_checks(false);
        let mut frozen = context.borrow_current_account(0).unwrap();
        assert_eq!(
            frozen.set_lamports(rent_exempt + 1),
            Err(InstructionError::ExecutableLamportChange)
        );
        // Even an unchanged balance is refused.
        assert_eq!(
            frozen.checked_add_lamports(0),
            Err(InstructionError::ExecutableLamportChange)
        );
        assert_eq!(
            frozen.data_mut().unwrap_err(),
            InstructionError::ExecutableDataModified
        );
        assert_eq!(
            frozen.set_data_length(4),
            Err(InstructionError::ExecutableDataModified)
        );
        assert_eq!(
            frozen.set_owner(&Pubkey::new_unique()),
            Err(InstructionError::ModifiedProgramId)
        );
        assert_eq!(
            frozen.set_executable(false),
            Err(InstructionError::ExecutableModified)
        );
        frozen.set_executable(true).unwrap();
        drop(frozen);
        // A non-executable account can still become executable.
        let mut plain = context.borrow_current_account(1).unwrap();
        plain.set_lamports(rent_exempt + 1).unwrap();
        plain.set_lamports(rent_exempt).unwrap();
        plain.set_executable(true).unwrap();
        assert_eq!(
            plain.set_lamports(rent_exempt + 1),
            Err(InstructionError::ExecutableLamportChange)
        );
    }

    #[test]
    #[allow(deprecated)]
    fn missing_instruction_accounts_error_follows_the_switch() {
        let program = Pubkey::new_unique();
        let mut context = context_with(
            program,
            vec![(Pubkey::new_unique(), account(1, program, 0), true)],
        );
        assert_eq!(
            context.borrow_current_account(1).unwrap_err(),
            InstructionError::MissingAccount
        );
        assert_eq!(context.key_of(9), Err(InstructionError::MissingAccount));
        context.set_not_enough_account_keys(true);
        assert_eq!(
            context.borrow_current_account(1).unwrap_err(),
            InstructionError::NotEnoughAccountKeys
        );
        assert_eq!(
            context.key_of(9),
            Err(InstructionError::NotEnoughAccountKeys)
        );
    }
}
