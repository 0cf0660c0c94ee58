//! Transactions against an account store: load accounts, derive message privileges,
//! run each top-level instruction through the invoke context, apply the end-of-transaction
//! rules (agave-reference §7) and commit atomically.

use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::Arc;

use solana_account::Account;
use solana_instruction::Instruction;
use solana_instruction_error::InstructionError;
use solana_pubkey::Pubkey;
use solana_sdk_ids::{
    address_lookup_table, bpf_loader, bpf_loader_deprecated, bpf_loader_upgradeable,
    compute_budget, config, ed25519_program, feature, incinerator, loader_v4, native_loader,
    secp256k1_program, secp256r1_program, stake, system_program, sysvar, vote,
    zk_elgamal_proof_program, zk_token_proof_program,
};
pub use solana_transaction_error::TransactionError;

use crate::compute::{ComputeBudget, DEFAULT_COMPUTE_UNIT_LIMIT, MAX_COMPUTE_UNIT_LIMIT};
use crate::features::FeatureSet;
use crate::invoke_context::{
    BuiltinFunction, EnvironmentConfig, InvokeContext, InvokeObserver, ProgramExecutor,
};
use crate::loader_v3::ProgramDeployments;
use crate::sysvars::{instructions_sysvar_data, InstructionsSysvarEntry, RentParams, Sysvars};
use crate::transaction_context::{
    IndexOfAccount, InstructionAccount, InstructionFrame, ReturnData, TransactionContext,
    MAX_ACCOUNTS_PER_INSTRUCTION,
};

/// Accounts by address. Missing accounts read as empty system-owned accounts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AccountStore {
    accounts: BTreeMap<Pubkey, Account>,
}

impl AccountStore {
    pub fn get(&self, key: &Pubkey) -> Option<&Account> {
        self.accounts.get(key)
    }

    pub fn set(&mut self, key: Pubkey, account: Account) {
        self.accounts.insert(key, account);
    }

    pub fn remove(&mut self, key: &Pubkey) -> Option<Account> {
        self.accounts.remove(key)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Pubkey, &Account)> {
        self.accounts.iter()
    }

    pub fn len(&self) -> usize {
        self.accounts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.accounts.is_empty()
    }

    /// The account as a transaction loads it: a missing or zero-lamport account is an
    /// empty System-owned account, as Agave's loader treats deallocated accounts.
    fn load(&self, key: &Pubkey) -> Account {
        match self.accounts.get(key) {
            Some(account) if account.lamports > 0 => account.clone(),
            _ => Account {
                lamports: 0,
                data: Vec::new(),
                owner: system_program::id(),
                executable: false,
                rent_epoch: 0,
            },
        }
    }
}

/// Whether `owner` is one of the BPF loaders whose programs the executor runs.
pub fn is_bpf_loader(owner: &Pubkey) -> bool {
    *owner == bpf_loader::id()
        || *owner == bpf_loader_deprecated::id()
        || *owner == bpf_loader_upgradeable::id()
}

/// Keys whose writability the message demotes (Agave's reserved account keys).
pub fn is_reserved_account_key(key: &Pubkey) -> bool {
    const SYSVARS: [Pubkey; 13] = [
        sysvar::clock::ID,
        sysvar::epoch_rewards::ID,
        sysvar::epoch_schedule::ID,
        sysvar::fees::ID,
        sysvar::instructions::ID,
        sysvar::last_restart_slot::ID,
        sysvar::recent_blockhashes::ID,
        sysvar::rent::ID,
        sysvar::rewards::ID,
        sysvar::slot_hashes::ID,
        sysvar::slot_history::ID,
        sysvar::stake_history::ID,
        sysvar::ID,
    ];
    const PROGRAMS: [Pubkey; 17] = [
        address_lookup_table::ID,
        bpf_loader::ID,
        bpf_loader_deprecated::ID,
        bpf_loader_upgradeable::ID,
        compute_budget::ID,
        config::ID,
        ed25519_program::ID,
        feature::ID,
        loader_v4::ID,
        native_loader::ID,
        secp256k1_program::ID,
        secp256r1_program::ID,
        stake::ID,
        system_program::ID,
        vote::ID,
        zk_elgamal_proof_program::ID,
        zk_token_proof_program::ID,
    ];
    // Asked for every account of every transaction: a set instead of 30 comparisons.
    static RESERVED: std::sync::OnceLock<
        std::collections::HashSet<Pubkey, crate::features::BuildPubkeyHasher>,
    > = std::sync::OnceLock::new();
    RESERVED
        .get_or_init(|| SYSVARS.iter().chain(PROGRAMS.iter()).copied().collect())
        .contains(key)
}

/// Extracts the ELF of a program account: the account data for the first two loaders,
/// the programdata account's bytes after its 45-byte header for the upgradeable loader.
pub fn program_elf<'a>(
    program: &'a Account,
    lookup: impl Fn(&Pubkey) -> Option<&'a Account>,
) -> Result<&'a [u8], String> {
    if program.owner == bpf_loader_upgradeable::id() {
        let programdata_address = upgradeable_programdata_address(&program.data)
            .ok_or("program account is not an upgradeable Program state")?;
        let programdata = lookup(&programdata_address)
            .ok_or_else(|| format!("programdata account {programdata_address} not found"))?;
        programdata
            .data
            .get(PROGRAMDATA_METADATA_SIZE..)
            .filter(|_| programdata.data.first() == Some(&3))
            .ok_or_else(|| format!("account {programdata_address} is not ProgramData"))
    } else {
        Ok(&program.data)
    }
}

/// Size of `UpgradeableLoaderState::ProgramData` metadata before the ELF.
pub const PROGRAMDATA_METADATA_SIZE: usize = 45;
/// Size of `UpgradeableLoaderState::Program`.
pub const UPGRADEABLE_PROGRAM_SIZE: usize = 36;

/// `UpgradeableLoaderState::Program { programdata_address }` (bincode: u32 tag 2).
pub fn upgradeable_programdata_address(data: &[u8]) -> Option<Pubkey> {
    if data.len() < UPGRADEABLE_PROGRAM_SIZE || data[0..4] != 2u32.to_le_bytes() {
        return None;
    }
    Some(Pubkey::new_from_array(data[4..36].try_into().ok()?))
}

/// The program and programdata account pair of an upgradeable deployment.
pub fn upgradeable_program_accounts(
    program_id: &Pubkey,
    elf: &[u8],
    upgrade_authority: Option<Pubkey>,
    rent: &RentParams,
) -> [(Pubkey, Account); 2] {
    let (programdata_address, _) =
        crate::pda::try_find_program_address(&[program_id.as_ref()], &bpf_loader_upgradeable::id())
            .expect("a programdata address exists for every program id");
    let mut program_data = Vec::with_capacity(UPGRADEABLE_PROGRAM_SIZE);
    program_data.extend_from_slice(&2u32.to_le_bytes());
    program_data.extend_from_slice(programdata_address.as_ref());
    let mut programdata = Vec::with_capacity(PROGRAMDATA_METADATA_SIZE + elf.len());
    programdata.extend_from_slice(&3u32.to_le_bytes());
    programdata.extend_from_slice(&0u64.to_le_bytes()); // deployment slot
    match upgrade_authority {
        Some(authority) => {
            programdata.push(1);
            programdata.extend_from_slice(authority.as_ref());
        }
        None => programdata.extend_from_slice(&[0u8; 33]),
    }
    programdata.extend_from_slice(elf);
    [
        (
            *program_id,
            Account {
                lamports: rent.minimum_balance(program_data.len()),
                data: program_data,
                owner: bpf_loader_upgradeable::id(),
                executable: true,
                rent_epoch: u64::MAX,
            },
        ),
        (
            programdata_address,
            Account {
                lamports: rent.minimum_balance(programdata.len()),
                data: programdata,
                owner: bpf_loader_upgradeable::id(),
                executable: false,
                rent_epoch: u64::MAX,
            },
        ),
    ]
}

/// What a transaction did.
#[derive(Debug, Clone)]
pub struct TransactionOutcome {
    pub result: Result<(), TransactionError>,
    pub compute_units_consumed: u64,
    pub logs: Vec<String>,
    /// sbfvm's notes about the run, outside Agave's logs.
    pub diagnostics: Vec<String>,
    /// Wall time per execution phase, when `Runtime::profile_phases` is on.
    pub phase_times: Option<crate::invoke_context::PhaseTimes>,
    /// Non-empty return data after the transaction.
    pub return_data: Option<ReturnData>,
    /// Every frame, top-level first then CPIs in execution order.
    pub trace: Vec<InstructionFrame>,
    pub account_keys: Vec<Pubkey>,
    /// State of every transaction account before and after (after == before on failure).
    pub accounts_before: Vec<Account>,
    pub accounts_after: Vec<Account>,
    /// Message-level writability per account key.
    pub writable: Vec<bool>,
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
    pub heap_size: Option<u32>,
}

/// The runtime: an account store plus the programs that can run against it.
pub struct Runtime {
    pub store: AccountStore,
    pub features: Arc<FeatureSet>,
    pub sysvars: Arc<Sysvars>,
    /// The blockhash environment of every transaction (sbfvm's own by default).
    pub environment: EnvironmentConfig,
    pub budget: ComputeBudget,
    /// Program deployments and closures committed by earlier transactions (deployment-slot
    /// visibility and tombstones, see [`crate::loader_v3`]).
    pub program_deployments: ProgramDeployments,
    /// Measure wall time per execution phase (CPI translation and sync, serialization, VM
    /// setup, execution); reported in [`TransactionOutcome::phase_times`].
    pub profile_phases: bool,
    executor: Rc<dyn ProgramExecutor>,
    builtins: Arc<Vec<(Pubkey, BuiltinFunction)>>,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("accounts", &self.store.len())
            .finish_non_exhaustive()
    }
}

impl Runtime {
    /// A runtime with the System program and the sysvar accounts in place.
    pub fn new(features: FeatureSet, sysvars: Sysvars, executor: Rc<dyn ProgramExecutor>) -> Self {
        let mut runtime = Self {
            store: AccountStore::default(),
            features: Arc::new(features),
            sysvars: Arc::new(sysvars),
            environment: EnvironmentConfig::default(),
            budget: ComputeBudget::default(),
            program_deployments: ProgramDeployments::default(),
            profile_phases: false,
            executor,
            builtins: Arc::new(vec![
                (
                    system_program::id(),
                    crate::system_program::process_instruction as BuiltinFunction,
                ),
                (
                    bpf_loader_upgradeable::id(),
                    crate::loader_v3::process_instruction,
                ),
                (bpf_loader::id(), crate::loader_v3::process_instruction),
                (
                    bpf_loader_deprecated::id(),
                    crate::loader_v3::process_instruction,
                ),
            ]),
        };
        runtime.install_builtin_accounts();
        runtime
    }

    pub fn executor(&self) -> &Rc<dyn ProgramExecutor> {
        &self.executor
    }

    pub fn set_sysvars(&mut self, sysvars: Sysvars) {
        self.sysvars = Arc::new(sysvars);
        self.install_builtin_accounts();
    }

    pub fn set_features(&mut self, features: FeatureSet) {
        self.features = Arc::new(features);
    }

    /// Adds a native builtin (e.g. a test double) under `program_id`.
    pub fn add_builtin(&mut self, program_id: Pubkey, function: BuiltinFunction) {
        let mut builtins = (*self.builtins).clone();
        builtins.retain(|(id, _)| *id != program_id);
        builtins.push((program_id, function));
        self.builtins = Arc::new(builtins);
        self.store.set(program_id, native_program_account());
    }

    fn install_builtin_accounts(&mut self) {
        for program_id in [
            system_program::id(),
            bpf_loader::id(),
            bpf_loader_deprecated::id(),
            bpf_loader_upgradeable::id(),
        ] {
            self.store.set(program_id, native_program_account());
        }
        for (id, account) in self.sysvars.accounts() {
            self.store.set(id, account);
        }
    }

    /// Processes one transaction of `instructions`; the store changes only on success.
    pub fn process_transaction(
        &mut self,
        instructions: &[Instruction],
        settings: &TransactionSettings,
        observer: Option<Box<dyn InvokeObserver>>,
    ) -> TransactionOutcome {
        let mut keys: Vec<Pubkey> = Vec::new();
        let mut signer = Vec::new();
        let mut writable = Vec::new();
        let mut add_key = |key: Pubkey, is_signer: bool, is_writable: bool| -> IndexOfAccount {
            let index = keys.iter().position(|k| *k == key).unwrap_or_else(|| {
                keys.push(key);
                signer.push(false);
                writable.push(false);
                keys.len() - 1
            });
            signer[index] |= is_signer;
            writable[index] |= is_writable;
            index as IndexOfAccount
        };
        let mut frames: Vec<InstructionFrame> = Vec::with_capacity(instructions.len());
        for instruction in instructions {
            let accounts: Vec<InstructionAccount> = instruction
                .accounts
                .iter()
                .map(|meta| InstructionAccount {
                    index_in_transaction: add_key(meta.pubkey, meta.is_signer, meta.is_writable),
                    is_signer: meta.is_signer,
                    is_writable: meta.is_writable,
                })
                .collect();
            let program_index = add_key(instruction.program_id, false, false);
            frames.push(InstructionFrame::new(
                program_index,
                accounts,
                instruction.data.clone(),
            ));
        }
        // Demote reserved keys, and program ids unless the upgradeable loader is present.
        let upgradeable_loader_present = keys.contains(&bpf_loader_upgradeable::id());
        for (index, key) in keys.iter().enumerate() {
            let called_as_program = frames
                .iter()
                .any(|frame| frame.program_account_index as usize == index);
            if is_reserved_account_key(key) || (called_as_program && !upgradeable_loader_present) {
                writable[index] = false;
            }
        }
        // Every occurrence of an account gets the message's (merged, demoted) privileges.
        for frame in frames.iter_mut() {
            for account in frame.accounts.iter_mut() {
                let index = account.index_in_transaction as usize;
                account.is_signer = signer[index];
                account.is_writable = writable[index];
            }
        }

        let accounts_before: Vec<Account> = keys
            .iter()
            .map(|key| self.load_account(key, instructions))
            .collect();
        let mut outcome = TransactionOutcome {
            result: Ok(()),
            compute_units_consumed: 0,
            logs: Vec::new(),
            diagnostics: Vec::new(),
            phase_times: None,
            return_data: None,
            trace: Vec::new(),
            account_keys: keys,
            accounts_before: Vec::new(),
            accounts_after: Vec::new(),
            writable,
        };
        if let Err(error) = self.check_transaction(instructions, &frames) {
            outcome.result = Err(error);
            outcome.accounts_after = accounts_before.clone();
            outcome.accounts_before = accounts_before;
            return outcome;
        }

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
        let mut transaction_context = TransactionContext::new(
            outcome
                .account_keys
                .iter()
                .copied()
                .zip(accounts_before.iter().cloned())
                .collect(),
            self.sysvars.rent,
            budget.max_instruction_stack_depth,
            budget.max_instruction_trace_length,
        );
        transaction_context.configure_top_level(frames);
        let limit = budget.compute_unit_limit;
        let mut invoke_context = InvokeContext::new(
            transaction_context,
            budget,
            Arc::clone(&self.features),
            Arc::clone(&self.sysvars),
            Rc::clone(&self.executor),
            Arc::clone(&self.builtins),
        );
        invoke_context.environment = self.environment;
        if self.profile_phases {
            invoke_context.phase_times = Some(Box::default());
        }
        invoke_context.program_deployments = self.program_deployments.clone();
        invoke_context.set_observer(observer);
        let mut result = Ok(());
        for index in 0..instructions.len() {
            if let Err(error) = invoke_context.process_instruction(None) {
                result = Err(TransactionError::InstructionError(index as u8, error));
                break;
            }
        }
        outcome.compute_units_consumed = limit.saturating_sub(invoke_context.remaining());
        outcome.logs = invoke_context
            .log_collector
            .take()
            .map(|collector| collector.into_messages())
            .unwrap_or_default();
        outcome.phase_times = invoke_context.phase_times.take().map(|times| *times);
        let InvokeContext {
            mut transaction_context,
            diagnostics,
            program_deployments,
            ..
        } = invoke_context;
        outcome.diagnostics = diagnostics;
        outcome.trace = transaction_context.take_trace();
        let return_data = transaction_context.take_return_data();
        if !return_data.data.is_empty() {
            outcome.return_data = Some(return_data);
        }
        let accounts_after: Vec<Account> = transaction_context
            .into_accounts()
            .into_iter()
            .map(|(_, account, _)| account)
            .collect();
        if result.is_ok() {
            result = self.check_post_transaction(
                &outcome.account_keys,
                &outcome.writable,
                &accounts_before,
                &accounts_after,
            );
        }
        outcome.result = result;
        // On failure nothing changes: the state after is the state before.
        outcome.accounts_after = if outcome.result.is_ok() {
            Vec::new()
        } else {
            accounts_before.clone()
        };
        outcome.accounts_before = accounts_before;
        if outcome.result.is_ok() {
            for (index, key) in outcome.account_keys.iter().enumerate() {
                if !outcome.writable[index] {
                    continue;
                }
                // A zero-lamport account is deallocated when the transaction commits.
                if accounts_after[index].lamports == 0 {
                    self.store.remove(key);
                } else {
                    self.store.set(*key, accounts_after[index].clone());
                }
            }
            outcome.accounts_after = accounts_after;
            self.program_deployments = crate::loader_v3::commit_deployments(
                program_deployments,
                &self.store,
                &*self.executor,
            );
        }
        outcome
    }

    fn load_account(&self, key: &Pubkey, instructions: &[Instruction]) -> Account {
        if *key == sysvar::instructions::id() {
            let entries: Vec<InstructionsSysvarEntry> = instructions
                .iter()
                .map(|instruction| InstructionsSysvarEntry {
                    program_id: instruction.program_id,
                    accounts: instruction
                        .accounts
                        .iter()
                        .map(|meta| (meta.pubkey, meta.is_signer, meta.is_writable))
                        .collect(),
                    data: instruction.data.clone(),
                })
                .collect();
            return Account {
                lamports: 0,
                data: instructions_sysvar_data(&entries),
                owner: sysvar::id(),
                executable: false,
                rent_epoch: 0,
            };
        }
        self.store.load(key)
    }

    fn default_compute_unit_limit(&self, instructions: &[Instruction]) -> u64 {
        instructions
            .iter()
            .map(|instruction| {
                if self
                    .builtins
                    .iter()
                    .any(|(id, _)| *id == instruction.program_id)
                {
                    3_000
                } else {
                    DEFAULT_COMPUTE_UNIT_LIMIT
                }
            })
            .sum()
    }

    /// Loading checks Agave makes before execution.
    fn check_transaction(
        &self,
        instructions: &[Instruction],
        frames: &[InstructionFrame],
    ) -> Result<(), TransactionError> {
        if instructions.len() > 64 {
            return Err(TransactionError::SanitizeFailure);
        }
        for (instruction, frame) in instructions.iter().zip(frames) {
            if frame.accounts.len() > MAX_ACCOUNTS_PER_INSTRUCTION {
                return Err(TransactionError::SanitizeFailure);
            }
            if instruction.program_id == native_loader::id() {
                continue;
            }
            let Some(program) = self.store.get(&instruction.program_id) else {
                return Err(TransactionError::ProgramAccountNotFound);
            };
            if program.owner != native_loader::id()
                && !is_bpf_loader(&program.owner)
                && program.owner != loader_v4::id()
            {
                return Err(TransactionError::InvalidProgramForExecution);
            }
        }
        Ok(())
    }

    /// Lamport conservation and rent-state transitions (agave-reference §7.2–7.3).
    fn check_post_transaction(
        &self,
        keys: &[Pubkey],
        writable: &[bool],
        before: &[Account],
        after: &[Account],
    ) -> Result<(), TransactionError> {
        let sum = |accounts: &[Account]| accounts.iter().map(|a| a.lamports as u128).sum::<u128>();
        if sum(before) != sum(after) {
            return Err(TransactionError::UnbalancedTransaction);
        }
        let rent = &self.sysvars.rent;
        let relax = self.features.relax_post_exec_min_balance_check();
        for (index, key) in keys.iter().enumerate() {
            if !writable[index] || *key == incinerator::id() {
                continue;
            }
            let (pre, post) = (&before[index], &after[index]);
            let state = |account: &Account| RentState::of(account, rent);
            let mut pre_state = state(pre);
            let mut post_state = state(post);
            if relax {
                if pre_state == RentState::RentPaying {
                    pre_state = RentState::RentExempt;
                }
                if post_state == RentState::RentPaying
                    && pre_state == RentState::RentExempt
                    && post.lamports >= pre.lamports
                    && post.data.len() <= pre.data.len()
                    && post.owner == pre.owner
                    && state(pre) != RentState::Uninitialized
                {
                    post_state = RentState::RentExempt;
                }
            }
            let allowed = match post_state {
                RentState::Uninitialized | RentState::RentExempt => true,
                RentState::RentPaying => {
                    pre_state == RentState::RentPaying
                        && pre.data.len() == post.data.len()
                        && post.lamports <= pre.lamports
                }
            };
            if !allowed {
                return Err(TransactionError::InsufficientFundsForRent {
                    account_index: index as u8,
                });
            }
        }
        Ok(())
    }
}

fn native_program_account() -> Account {
    Account {
        lamports: 1,
        data: Vec::new(),
        owner: native_loader::id(),
        executable: true,
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
    fn of(account: &Account, rent: &RentParams) -> Self {
        if account.lamports == 0 {
            RentState::Uninitialized
        } else if account.lamports >= rent.minimum_balance(account.data.len()) {
            RentState::RentExempt
        } else {
            RentState::RentPaying
        }
    }
}
