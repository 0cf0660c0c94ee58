//! Transactions against an account store, in named phases:
//!
//! 1. [`CompiledMessage::compile`]: keys, message privileges, one frame per instruction;
//! 2. [`Runtime::load_accounts`]: every key's account as the transaction sees it;
//! 3. [`Runtime::check_transaction`]: the checks Agave makes before execution;
//! 4. [`Runtime::invoke_context`]: the budget, the transaction context and the invoke
//!    context the instructions run in;
//! 5. [`execute_instructions`]: each top-level instruction through the invoke context (a
//!    precompile's verified in place, SIMD-0159), stopping at the first failure;
//! 6. [`Runtime::check_post_transaction`]: lamport conservation and rent-state transitions
//!    (`solana-svm 4.4.0`, `transaction_processor.rs` / `rent_state`);
//! 7. [`Runtime::commit`]: on success, the writable accounts and the program cache.
//!
//! A failed transaction changes nothing: the store after is the store before.

use std::collections::HashSet;
use std::rc::Rc;

use solana_account::{Account, AccountSharedData, ReadableAccount, WritableAccount};
use solana_instruction::Instruction;
use solana_instruction_error::InstructionError;
use solana_pubkey::Pubkey;
use solana_sdk_ids::{incinerator, loader_v4, native_loader, sysvar};
pub use solana_transaction_error::TransactionError;

use crate::accounts::{is_bpf_loader, native_program_account, AccountStore};
use crate::builtins::{self, BUILTINS, PRECOMPILES};
use crate::compute::{ComputeBudget, MAX_COMPUTE_UNIT_LIMIT};
use crate::environment::EnvironmentConfig;
use crate::features::FeatureSet;
use crate::invoke_context::{
    Builtin, BuiltinFunction, InvokeContext, InvokeObserver, PhaseTimes, ProgramExecutor,
};
use crate::log_collector::Logs;
use crate::message::CompiledMessage;
use crate::program_cache::ProgramCache;
use crate::sysvars::{instructions_sysvar_data, InstructionsSysvarEntry, RentParams, Sysvars};
use crate::transaction::blockhash::BlockhashQueue;
use crate::transaction::compute_budget;
use crate::transaction::fees::FeeDetails;
use crate::transaction::rent_collection::RentCollector;
use crate::transaction::stages::TransactionStageTimes;
use crate::transaction_context::{
    IndexOfAccount, InstructionFrame, ReturnData, TransactionContext, MAX_ACCOUNTS_PER_INSTRUCTION,
};
use solana_signature::Signature;

/// Most top-level instructions in a transaction (SIMD-0160).
const MAX_INSTRUCTIONS_PER_TRANSACTION: usize = 64;

/// What a transaction did.
#[derive(Debug, Clone)]
pub struct TransactionOutcome {
    /// Success, or why the transaction failed.
    pub result: Result<(), TransactionError>,
    /// Compute units of every instruction together.
    pub compute_units_consumed: u64,
    /// Agave's log lines.
    pub logs: Logs,
    /// sbfvm's notes about the run, outside Agave's logs.
    pub diagnostics: Vec<String>,
    /// Wall time per execution phase, when `Runtime::profile_phases` is on.
    pub phase_times: Option<PhaseTimes>,
    /// Non-empty return data after the transaction.
    pub return_data: Option<ReturnData>,
    /// Every frame, top-level first then CPIs in execution order.
    pub trace: Vec<InstructionFrame>,
    /// The transaction's keys, in message order.
    pub account_keys: Vec<Pubkey>,
    /// State of every transaction account before and after (after == before on failure).
    pub accounts_before: Vec<AccountSharedData>,
    /// See [`TransactionOutcome::accounts_before`].
    pub accounts_after: Vec<AccountSharedData>,
    /// Message-level writability per account key.
    pub writable: Vec<bool>,
    /// Every transaction account as the instructions left it, when the transaction was
    /// executed and failed: what Agave's SVM reports for it (`LoadedTransaction::accounts`,
    /// `solana-svm 2.1.0, src/transaction_processor.rs`, `execute_loaded_transaction`),
    /// though only the fee (and an advanced nonce) is committed. `None` otherwise.
    pub accounts_executed: Option<Vec<AccountSharedData>>,
    /// The fee charged, for a transaction processed with fees
    /// ([`Runtime::process_versioned_transaction`]) that got as far as charging it; `None`
    /// otherwise (instruction lists pay no fee; a rejected transaction pays nothing).
    pub fee: Option<FeeDetails>,
    /// Where a signed transaction's time went, when `Runtime::profile_phases` is on.
    pub stage_times: Option<TransactionStageTimes>,
}

impl TransactionOutcome {
    /// The instruction error of a failed instruction, if that is why the transaction failed.
    pub fn instruction_error(&self) -> Option<(u8, &InstructionError)> {
        match &self.result {
            Err(TransactionError::InstructionError(index, error)) => Some((*index, error)),
            _ => None,
        }
    }
}

/// Per-transaction settings.
#[derive(Debug, Clone, Default)]
pub struct TransactionSettings {
    /// `None` picks Agave's default: 200,000 per non-builtin instruction, 3,000 per
    /// builtin, capped at 1,400,000.
    pub compute_unit_limit: Option<u64>,
    /// The heap size of SBF frames; `None` is the budget's (32 KiB).
    pub heap_size: Option<u32>,
}

/// The runtime: an account store plus the programs that can run against it.
pub struct Runtime {
    /// The accounts transactions load and commit.
    pub store: AccountStore,
    /// Active features.
    pub features: Rc<FeatureSet>,
    /// Sysvar values.
    pub sysvars: Rc<Sysvars>,
    /// The blockhash environment of every transaction (sbfvm's own by default).
    pub environment: EnvironmentConfig,
    /// Limits and prices; the compute-unit limit is set per transaction.
    pub budget: ComputeBudget,
    /// Program deployments and closures committed by earlier transactions (deployment-slot
    /// visibility and tombstones).
    pub program_cache: ProgramCache,
    /// Measure wall time per execution phase (CPI translation and sync, serialization, VM
    /// setup, execution); reported in [`TransactionOutcome::phase_times`].
    pub profile_phases: bool,
    /// The recent blockhashes transactions may name ([`Runtime::process_versioned_transaction`]).
    pub blockhash_queue: BlockhashQueue,
    /// First signatures of the transactions processed with fees (`AlreadyProcessed`).
    pub processed_signatures: HashSet<Signature>,
    executor: Rc<dyn ProgramExecutor>,
    builtins: Rc<[Builtin]>,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("accounts", &self.store.len())
            .finish_non_exhaustive()
    }
}

impl Runtime {
    /// A runtime with the builtin programs and the sysvar accounts in place.
    pub fn new(features: FeatureSet, sysvars: Sysvars, executor: Rc<dyn ProgramExecutor>) -> Self {
        let mut runtime = Self {
            store: AccountStore::default(),
            features: Rc::new(features),
            sysvars: Rc::new(sysvars),
            environment: EnvironmentConfig::default(),
            budget: ComputeBudget::default(),
            program_cache: ProgramCache::default(),
            profile_phases: false,
            blockhash_queue: BlockhashQueue::default(),
            processed_signatures: HashSet::new(),
            executor,
            builtins: BUILTINS.into(),
        };
        runtime.install_builtin_accounts();
        runtime
    }

    /// The executor SBF programs run in.
    pub fn executor(&self) -> &Rc<dyn ProgramExecutor> {
        &self.executor
    }

    /// The builtins programs are dispatched to.
    pub fn builtins(&self) -> &[Builtin] {
        &self.builtins
    }

    /// Replaces the sysvars (and their accounts).
    pub fn set_sysvars(&mut self, sysvars: Sysvars) {
        self.sysvars = Rc::new(sysvars);
        self.install_builtin_accounts();
    }

    /// Replaces the feature set, with the native program accounts of the builtins and
    /// precompiles it enables (and without those of the ones it does not).
    pub fn set_features(&mut self, features: FeatureSet) {
        self.features = Rc::new(features);
        self.install_program_accounts();
    }

    /// Adds a native builtin (e.g. a test double) under `program_id`, replacing any builtin
    /// there, with a native program account.
    pub fn add_builtin(&mut self, program_id: Pubkey, function: BuiltinFunction) {
        let mut builtins = self.builtins.to_vec();
        builtins.retain(|builtin| builtin.program_id != program_id);
        builtins.push(Builtin::new(program_id, "embedder builtin", function));
        self.builtins = builtins.into();
        self.store
            .set(program_id, native_program_account("embedder builtin"));
    }

    /// The native program account of every builtin and precompile the feature set enables,
    /// as a bank holds them: one gated by a feature has an account only while the feature
    /// is active (`solana-runtime 2.1.0, src/bank.rs`, `finish_init` and
    /// `apply_builtin_program_feature_transitions`; the same in 4.4). A native program
    /// account at the address of one the feature set disables leaves the store.
    fn install_program_accounts(&mut self) {
        let features = Rc::clone(&self.features);
        let rows =
            BUILTINS
                .iter()
                .map(|builtin| {
                    (
                        builtin.program_id,
                        builtins::native_account_name(builtin),
                        (builtin.enabled)(&features),
                    )
                })
                .chain(PRECOMPILES.iter().map(|precompile| {
                    (precompile.program_id, "", (precompile.enabled)(&features))
                }));
        for (program_id, name, enabled) in rows {
            if enabled {
                self.store.set(program_id, native_program_account(name));
            } else if self
                .store
                .get(&program_id)
                .is_some_and(|account| *account.owner() == native_loader::ID)
            {
                self.store.remove(&program_id);
            }
        }
    }

    fn install_builtin_accounts(&mut self) {
        self.install_program_accounts();
        // A sysvar the new values no longer provide leaves the store.
        for id in Sysvars::OPTIONAL_ACCOUNT_IDS {
            self.store.remove(&id);
        }
        let environment_blockhash = self.environment.blockhash(&self.sysvars);
        for (id, account) in self.sysvars.accounts(environment_blockhash) {
            self.store.set(id, account);
        }
    }

    /// sbfvm's notes for keys of `message` that name a Core BPF program of mainnet with no
    /// account in the store: the transaction fails where mainnet would run the program.
    fn missing_program_notes(&self, message: &CompiledMessage) -> Vec<String> {
        message
            .account_keys
            .iter()
            .filter_map(|key| {
                let program = builtins::core_bpf_program(key)?;
                self.store.get(key).is_none().then(|| program.note())
            })
            .collect()
    }

    /// Processes one transaction of `instructions`; the store changes only on success.
    pub fn process_transaction(
        &mut self,
        instructions: &[Instruction],
        settings: &TransactionSettings,
        observer: Option<Box<dyn InvokeObserver>>,
    ) -> TransactionOutcome {
        let message = CompiledMessage::compile(instructions);
        let accounts_before = self.load_accounts(&message, instructions);
        self.process_loaded(message, instructions, accounts_before, settings, observer)
    }

    /// Phases 3 to 6 over a compiled message whose accounts are loaded: the checks before
    /// execution, the instructions, the checks after, and the commit of a successful
    /// transaction. A failed one changes nothing here (its state after is the state
    /// before); the transaction layer then commits what a failure still commits (the fee
    /// payer's fee, an advanced nonce).
    pub fn process_loaded(
        &mut self,
        mut message: CompiledMessage,
        instructions: &[Instruction],
        accounts_before: Vec<AccountSharedData>,
        settings: &TransactionSettings,
        observer: Option<Box<dyn InvokeObserver>>,
    ) -> TransactionOutcome {
        let missing_program_notes = self.missing_program_notes(&message);
        if let Err(error) = self.check_transaction(instructions, &message.frames, &accounts_before)
        {
            let mut outcome = TransactionOutcome::not_executed(message, accounts_before, error);
            outcome.diagnostics = missing_program_notes;
            return outcome;
        }
        // The frames move into the transaction context; the rest of the message stays.
        let frames = std::mem::take(&mut message.frames);
        let mut invoke_context = self.invoke_context_over(
            &message.account_keys,
            &accounts_before,
            frames,
            settings,
            instructions,
        );
        // Lent, not copied: `commit` takes it back, or the failure path below undone.
        invoke_context.program_cache = std::mem::take(&mut self.program_cache);
        invoke_context.set_observer(observer);
        let limit = invoke_context.budget.compute_unit_limit;
        let result = execute_instructions(&mut invoke_context, instructions.len());
        let (mut outcome, accounts_after, program_cache) =
            TransactionOutcome::collect(invoke_context, message, limit);
        outcome.diagnostics.extend(missing_program_notes);
        outcome.result = result.and_then(|()| {
            self.check_post_transaction(
                &outcome.account_keys,
                &outcome.writable,
                &accounts_before,
                &accounts_after,
            )
        });
        if outcome.result.is_ok() {
            self.commit(
                &outcome.account_keys,
                &outcome.writable,
                &accounts_after,
                program_cache,
            );
            outcome.accounts_after = accounts_after;
        } else {
            // On failure nothing changes: the state after is the state before.
            self.program_cache = program_cache.rolled_back();
            outcome.accounts_after = accounts_before.clone();
            outcome.accounts_executed = Some(accounts_after);
        }
        outcome.accounts_before = accounts_before;
        outcome
    }

    /// Phase 2: every key of `message` with its account as the transaction loads it; the
    /// Instructions sysvar is built from the message and its `instructions`.
    ///
    /// Before SIMD-0162 (`remove_accounts_executable_flag_checks`) a key that no instruction
    /// passes as an account and that is read-only loads as the program cache's entry when a
    /// loader owns its account: executable, whatever the account's flag says (`solana-svm
    /// 2.1.0, src/account_loader.rs`, `load_transaction_account`, and
    /// `account_shared_data_from_program`; every account a loader owns has an entry,
    /// `transaction_processor.rs`, `filter_executable_program_accounts`). sbfvm keeps the
    /// account's data and lamports, which nothing the transaction does can observe.
    pub fn load_accounts(
        &self,
        message: &CompiledMessage,
        instructions: &[Instruction],
    ) -> Vec<AccountSharedData> {
        let before_simd_0162 = !self.features.remove_accounts_executable_flag_checks();
        // Only the pre-SIMD-0162 rule needs them: no set (and no allocation) otherwise.
        let instruction_accounts: HashSet<IndexOfAccount> = if before_simd_0162 {
            message
                .frames
                .iter()
                .flat_map(|frame| frame.accounts.iter())
                .map(|account| account.index_in_transaction)
                .collect()
        } else {
            HashSet::new()
        };
        // Built once per transaction, not per writable account (`None` on mainnet).
        let rent_collector = self.rent_collector();
        message
            .account_keys
            .iter()
            .enumerate()
            .map(|(index, key)| {
                if *key == sysvar::instructions::id() {
                    return instructions_sysvar_account(message, instructions).into();
                }
                let mut account = self.store.load(key);
                if message.is_writable[index] {
                    if let Some(collector) = &rent_collector {
                        collector.collect(key, &mut account);
                    }
                }
                let cached_program = before_simd_0162
                    && !message.is_writable[index]
                    && !IndexOfAccount::try_from(index)
                        .is_ok_and(|index| instruction_accounts.contains(&index))
                    && (is_bpf_loader(account.owner()) || *account.owner() == loader_v4::id());
                if cached_program {
                    account.set_executable(true);
                }
                account
            })
            .collect()
    }

    /// Phase 3: the loading checks Agave makes before execution: at most 64 instructions
    /// and 255 accounts per instruction (`SanitizeFailure`), every program account present
    /// (`ProgramAccountNotFound`) and owned by the native loader or a loader
    /// (`InvalidProgramForExecution`).
    pub fn check_transaction(
        &self,
        instructions: &[Instruction],
        frames: &[InstructionFrame],
        accounts: &[AccountSharedData],
    ) -> Result<(), TransactionError> {
        if instructions.len() > MAX_INSTRUCTIONS_PER_TRANSACTION {
            return Err(TransactionError::SanitizeFailure);
        }
        for (instruction, frame) in instructions.iter().zip(frames) {
            if frame.accounts.len() > MAX_ACCOUNTS_PER_INSTRUCTION {
                return Err(TransactionError::SanitizeFailure);
            }
            let loaded = accounts.get(usize::from(frame.program_account_index));
            self.check_program_account(&instruction.program_id, loaded)?;
        }
        Ok(())
    }

    /// The bank's rent collector while `disable_rent_fees_collection` is inactive: every
    /// writable account a transaction loads pays its rent then (`solana-svm 2.1.0,
    /// src/account_loader.rs`, `load_transaction_account` and
    /// `validate_transaction_fee_payer`).
    pub(crate) fn rent_collector(&self) -> Option<RentCollector<'_>> {
        if self.features.disable_rent_fees_collection() {
            return None;
        }
        Some(RentCollector {
            epoch: self
                .sysvars
                .epoch_schedule
                .get_epoch(self.sysvars.clock.slot),
            epoch_schedule: &self.sysvars.epoch_schedule,
            rent: &self.sysvars.rent,
        })
    }

    /// The loading checks of one instruction's program, `loaded` being its account as the
    /// transaction loaded it: the account must exist (`ProgramAccountNotFound`). Under
    /// SIMD-0162 its owner must be the native loader or a loader
    /// (`InvalidProgramForExecution`). Before it (`solana-svm 2.1.0,
    /// src/account_loader.rs`, `load_transaction_accounts`) the account must be executable,
    /// and unless the native loader owns it, its owner's account must exist
    /// (`ProgramAccountNotFound`), be owned by the native loader and be executable
    /// (`InvalidProgramForExecution`). The native loader's own id passes (before SIMD-0162
    /// its instruction then fails with `UnsupportedProgramId`); the Instructions sysvar,
    /// which the transaction builds, always exists.
    pub(crate) fn check_program_account(
        &self,
        program_id: &Pubkey,
        loaded: Option<&AccountSharedData>,
    ) -> Result<(), TransactionError> {
        if *program_id == native_loader::id() {
            return Ok(());
        }
        let exists =
            *program_id == sysvar::instructions::id() || self.store.get(program_id).is_some();
        let (Some(account), true) = (loaded, exists) else {
            return Err(TransactionError::ProgramAccountNotFound);
        };
        let owner = account.owner();
        if self.features.remove_accounts_executable_flag_checks() {
            if *owner != native_loader::id() && !is_bpf_loader(owner) && *owner != loader_v4::id() {
                return Err(TransactionError::InvalidProgramForExecution);
            }
            return Ok(());
        }
        if !account.executable() {
            return Err(TransactionError::InvalidProgramForExecution);
        }
        if *owner == native_loader::id() {
            return Ok(());
        }
        let loader = self
            .store
            .get(owner)
            .ok_or(TransactionError::ProgramAccountNotFound)?;
        if *loader.owner() != native_loader::id() || !loader.executable() {
            return Err(TransactionError::InvalidProgramForExecution);
        }
        Ok(())
    }

    /// Agave's default compute-unit limit: 3,000 per builtin instruction, 200,000 per other
    /// ([`compute_budget::default_compute_unit_limit`], which follows Agave's own list of
    /// builtins, not the dispatch table: the ZK ElGamal proof program, for one, counts
    /// 200,000 and loader-v4 3,000).
    pub fn default_compute_unit_limit(&self, instructions: &[Instruction]) -> u64 {
        u64::from(compute_budget::default_compute_unit_limit(
            instructions
                .iter()
                .map(|instruction| &instruction.program_id),
            &self.features,
        ))
    }

    /// The budget of one transaction: the settings' (or the default) compute-unit limit,
    /// capped at 1,400,000; the heap size; the stack depth of the feature set.
    pub fn transaction_budget(
        &self,
        settings: &TransactionSettings,
        instructions: &[Instruction],
    ) -> ComputeBudget {
        let mut budget = self.budget.clone();
        budget.compute_unit_limit = settings
            .compute_unit_limit
            .unwrap_or_else(|| self.default_compute_unit_limit(instructions))
            .min(MAX_COMPUTE_UNIT_LIMIT);
        if let Some(heap_size) = settings.heap_size {
            budget.heap_size = heap_size;
        }
        if self.features.raise_cpi_nesting_limit_to_8() {
            budget.max_instruction_stack_depth = 9;
        }
        budget
    }

    /// Phase 4: the invoke context the instructions run in, over the loaded accounts (with
    /// an empty program cache: [`Runtime::process_loaded`] lends it the runtime's).
    pub fn invoke_context(
        &self,
        message: &CompiledMessage,
        accounts: &[AccountSharedData],
        settings: &TransactionSettings,
        instructions: &[Instruction],
    ) -> InvokeContext {
        self.invoke_context_over(
            &message.account_keys,
            accounts,
            message.frames.clone(),
            settings,
            instructions,
        )
    }

    /// [`Runtime::invoke_context`] over the message's keys and its top-level `frames`.
    fn invoke_context_over(
        &self,
        account_keys: &[Pubkey],
        accounts: &[AccountSharedData],
        frames: Vec<InstructionFrame>,
        settings: &TransactionSettings,
        instructions: &[Instruction],
    ) -> InvokeContext {
        let budget = self.transaction_budget(settings, instructions);
        let mut transaction_context = TransactionContext::new(
            account_keys.iter().copied().zip(accounts.iter().cloned()),
            self.sysvars.rent,
            budget.max_instruction_stack_depth,
            budget.max_instruction_trace_length,
        );
        transaction_context.configure_top_level(frames);
        let mut invoke_context = InvokeContext::new(
            transaction_context,
            budget,
            Rc::clone(&self.features),
            Rc::clone(&self.sysvars),
            Rc::clone(&self.executor),
            Rc::clone(&self.builtins),
        );
        invoke_context.environment = self.environment;
        if self.profile_phases {
            invoke_context.phase_times = Some(Box::default());
        }
        invoke_context
    }

    /// Phase 6: lamport conservation and rent-state transitions.
    pub fn check_post_transaction(
        &self,
        keys: &[Pubkey],
        writable: &[bool],
        before: &[AccountSharedData],
        after: &[AccountSharedData],
    ) -> Result<(), TransactionError> {
        let sum = |accounts: &[AccountSharedData]| {
            accounts.iter().map(|a| a.lamports() as u128).sum::<u128>()
        };
        if sum(before) != sum(after) {
            return Err(TransactionError::UnbalancedTransaction);
        }
        let rent = &self.sysvars.rent;
        let relax = self.features.relax_post_exec_min_balance_check();
        for (index, key) in keys.iter().enumerate() {
            if !writable[index] || *key == incinerator::id() {
                continue;
            }
            if !rent_state_transition_allowed(&before[index], &after[index], rent, relax) {
                return Err(TransactionError::InsufficientFundsForRent {
                    account_index: index as u8,
                });
            }
        }
        Ok(())
    }

    /// Phase 7: the writable accounts into the store (a zero-lamport account is deallocated),
    /// the program cache for the next transaction, and the executor told which programs
    /// changed.
    pub fn commit(
        &mut self,
        keys: &[Pubkey],
        writable: &[bool],
        accounts_after: &[AccountSharedData],
        program_cache: ProgramCache,
    ) {
        for (index, key) in keys.iter().enumerate() {
            if !writable[index] {
                continue;
            }
            if accounts_after[index].lamports() == 0 {
                self.store.remove(key);
            } else {
                self.store.set(*key, accounts_after[index].clone());
            }
        }
        for reload in program_cache.reloads(&self.store) {
            self.executor
                .reload(&reload.program_id, &reload.loader, reload.elf);
        }
        self.program_cache = program_cache.committed();
    }
}

/// Phase 5: runs the top-level instructions in order; the first failure ends the
/// transaction with its index.
///
/// A top-level instruction of a precompile the feature set enables runs as Agave's
/// `process_message` runs it (SIMD-0159): verified by [`InvokeContext::process_precompile`],
/// not dispatched to a builtin.
pub fn execute_instructions(
    invoke_context: &mut InvokeContext,
    instruction_count: usize,
) -> Result<(), TransactionError> {
    for index in 0..instruction_count {
        let precompile = invoke_context
            .transaction_context
            .frame(index)
            .and_then(|frame| {
                invoke_context
                    .transaction_context
                    .key_of(frame.program_account_index)
                    .ok()
            })
            .and_then(|program_id| builtins::find_precompile(program_id, &invoke_context.features));
        let result = match precompile {
            Some(precompile) => invoke_context.process_precompile(precompile.verify),
            None => invoke_context.process_instruction(None),
        };
        result.map_err(|error| TransactionError::InstructionError(index as u8, error))?;
    }
    Ok(())
}

impl TransactionOutcome {
    /// The outcome of a transaction rejected before its accounts were loaded.
    pub(crate) fn rejected(error: TransactionError) -> Self {
        Self::not_executed(CompiledMessage::compile(&[]), Vec::new(), error)
    }

    /// The outcome of a transaction that failed its checks before execution.
    pub(crate) fn not_executed(
        message: CompiledMessage,
        accounts: Vec<AccountSharedData>,
        error: TransactionError,
    ) -> Self {
        Self {
            result: Err(error),
            compute_units_consumed: 0,
            logs: Logs::new(),
            diagnostics: Vec::new(),
            phase_times: None,
            return_data: None,
            trace: Vec::new(),
            account_keys: message.account_keys,
            accounts_after: accounts.clone(),
            accounts_before: accounts,
            writable: message.is_writable,
            accounts_executed: None,
            fee: None,
            stage_times: None,
        }
    }

    /// What the executed transaction left in `invoke_context`: the outcome (result and
    /// account states still to be filled in), the accounts after execution and the
    /// transaction's program cache.
    fn collect(
        mut invoke_context: InvokeContext,
        message: CompiledMessage,
        compute_unit_limit: u64,
    ) -> (Self, Vec<AccountSharedData>, ProgramCache) {
        let compute_units_consumed = compute_unit_limit.saturating_sub(invoke_context.remaining());
        let logs = invoke_context
            .log_collector
            .take()
            .map(|collector| collector.into_messages())
            .unwrap_or_default();
        let phase_times = invoke_context.phase_times.take().map(|times| *times);
        let InvokeContext {
            mut transaction_context,
            diagnostics,
            program_cache,
            ..
        } = invoke_context;
        let trace = transaction_context.take_trace();
        let return_data = Some(transaction_context.take_return_data())
            .filter(|return_data| !return_data.data.is_empty());
        let accounts_after = transaction_context.into_account_states();
        let outcome = Self {
            result: Ok(()),
            compute_units_consumed,
            logs,
            diagnostics,
            phase_times,
            return_data,
            trace,
            account_keys: message.account_keys,
            accounts_before: Vec::new(),
            accounts_after: Vec::new(),
            writable: message.is_writable,
            accounts_executed: None,
            fee: None,
            stage_times: None,
        };
        (outcome, accounts_after, program_cache)
    }
}

/// The Instructions sysvar account of a transaction, built from its message as Agave does
/// (`solana-svm 4.4.0, src/account_loader.rs`, `construct_instructions_account`): each meta
/// of each instruction, duplicates included, carries the message's privileges of its key —
/// merged over the whole transaction, reserved keys and program ids demoted — not the flags
/// it was written with.
fn instructions_sysvar_account(message: &CompiledMessage, instructions: &[Instruction]) -> Account {
    let entries: Vec<InstructionsSysvarEntry> = instructions
        .iter()
        .zip(&message.frames)
        .map(|(instruction, frame)| InstructionsSysvarEntry {
            program_id: instruction.program_id,
            accounts: frame
                .accounts
                .iter()
                .map(|account| {
                    let index = usize::from(account.index_in_transaction);
                    (
                        message.account_keys[index],
                        message.is_signer[index],
                        message.is_writable[index],
                    )
                })
                .collect(),
            data: instruction.data.clone(),
        })
        .collect();
    Account {
        lamports: 0,
        data: instructions_sysvar_data(&entries),
        owner: sysvar::id(),
        executable: false,
        rent_epoch: 0,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RentState {
    Uninitialized,
    RentPaying,
    RentExempt,
}

impl RentState {
    fn of(account: &AccountSharedData, rent: &RentParams) -> Self {
        if account.lamports() == 0 {
            RentState::Uninitialized
        } else if account.lamports() >= rent.minimum_balance(account.data().len()) {
            RentState::RentExempt
        } else {
            RentState::RentPaying
        }
    }
}

/// Whether a writable account may go from `pre` to `post` (`check_rent_state_with_account`
/// and `transition_allowed`); with `relax` (`relax_post_exec_min_balance_check`), a
/// rent-paying account counts as exempt before, and stays so if it did not shrink its
/// balance, grow its data or change owner.
pub(crate) fn rent_state_transition_allowed(
    pre: &AccountSharedData,
    post: &AccountSharedData,
    rent: &RentParams,
    relax: bool,
) -> bool {
    let mut pre_state = RentState::of(pre, rent);
    let mut post_state = RentState::of(post, rent);
    if relax {
        let pre_was_initialized = pre_state != RentState::Uninitialized;
        if pre_state == RentState::RentPaying {
            pre_state = RentState::RentExempt;
        }
        if post_state == RentState::RentPaying
            && pre_state == RentState::RentExempt
            && post.lamports() >= pre.lamports()
            && post.data().len() <= pre.data().len()
            && post.owner() == pre.owner()
            && pre_was_initialized
        {
            post_state = RentState::RentExempt;
        }
    }
    match post_state {
        RentState::Uninitialized | RentState::RentExempt => true,
        RentState::RentPaying => {
            pre_state == RentState::RentPaying
                && pre.data().len() == post.data().len()
                && post.lamports() <= pre.lamports()
        }
    }
}
