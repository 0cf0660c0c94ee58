//! The transaction layer above the instruction processor: a signed legacy or v0
//! transaction checked, charged and committed as Agave 4.4 does it.
//!
//! [`Runtime::process_versioned_transaction`] runs these phases in Agave's order:
//!
//! 1. **Sanitize** the message and signatures (`SanitizeFailure`; a v1 message is
//!    `UnsupportedVersion`; a serialized transaction over 1,232 bytes `SanitizeFailure`).
//! 2. **Verify signatures** with ed25519 (`SignatureFailure`), unless the options turn it
//!    off.
//! 3. **Resolve lookup tables** ([`lookup_table`]) and build the message's keys and
//!    privileges; **account locks**: more than 64 keys (128 with
//!    `increase_tx_account_lock_limit`) is `TooManyAccountLocks`, then a key twice
//!    `AccountLoadedTwice`. Before the
//!    locks, without SIMD-0159 (`move_precompile_verification_to_svm`), the precompile
//!    instructions are verified (`InstructionError(index, Custom(code))`).
//! 4. **Check age and compute budget** (`solana-runtime 4.4.0, src/bank/check_transactions.rs`):
//!    the blockhash must be in the queue within 150 blockhashes, or the first instruction
//!    must advance a durable nonce that verifies (a writable System nonce account of the
//!    message's blockhash, advanceable, its authority signing; a static key with
//!    SIMD-0242) — `BlockhashNotFound` otherwise; then the Compute Budget instructions
//!    ([`compute_budget`]); a signature seen before is `AlreadyProcessed`.
//! 5. **Validate the fee payer** (`solana-svm 4.4.0,
//!    src/transaction_processor.rs`, `validate_transaction_nonce_and_fee_payer`): the fee
//!    is 5,000 lamports per transaction and precompile signature plus the prioritization
//!    fee (nothing when the newest blockhash records 0 lamports per signature), taken from a System-owned or nonce fee payer that stays rent-exempt
//!    (`AccountNotFound`, `InvalidAccountForFee`, `InsufficientFundsForFee`,
//!    `InsufficientFundsForRent`).
//! 6. **Load** the accounts within the loaded-accounts data size limit
//!    (`MaxLoadedAccountsDataSizeExceeded`), the program accounts present and executable by
//!    a loader: a failure here still charges the fee with SIMD-0082
//!    (`enable_transaction_loading_failure_fees`; nothing without it) (`solana-svm 4.4.0,
//!    src/account_loader.rs`, `load_transaction_accounts`).
//! 7. **Execute** with the transaction's compute-unit limit and heap frame, and **commit**:
//!    everything on success; on failure only the fee payer, debited, and the nonce account,
//!    advanced (`RollbackAccounts`).
//!
//! Errors in phases 1–5 charge nothing and change nothing ([`TransactionOutcome::fee`] is
//! `None`); from phase 6 on the fee is charged (phase 6 only with SIMD-0082).

pub mod blockhash;
pub mod compute_budget;
pub mod fees;
pub mod lookup_table;
pub mod rent_collection;
pub mod stages;

pub use fees::FeeDetails;
use stages::StageClock;
pub use stages::TransactionStageTimes;

use std::collections::HashSet;

use solana_account::{AccountSharedData, ReadableAccount, WritableAccount};
use solana_hash::Hash;
use solana_instruction::{AccountMeta, Instruction};
use solana_instruction_error::InstructionError;
use solana_message::VersionedMessage;
use solana_nonce::state::{Data as NonceData, DurableNonce, State as NonceState};
use solana_nonce::versions::Versions as NonceVersions;
use solana_pubkey::Pubkey;
use solana_sdk_ids::{
    bpf_loader_upgradeable, ed25519_program, secp256k1_program, secp256r1_program, system_program,
};
use solana_signature::Signature;
use solana_transaction::versioned::VersionedTransaction;
use solana_transaction_error::TransactionError;

use crate::builtins::find_precompile;
use crate::environment::LAMPORTS_PER_SIGNATURE;
use crate::features::FeatureSet;
use crate::invoke_context::InvokeObserver;
use crate::message::{is_reserved_account_key_under, CompiledMessage};
use crate::processor::{
    rent_state_transition_allowed, Runtime, TransactionOutcome, TransactionSettings,
};
use crate::transaction_context::{IndexOfAccount, InstructionAccount, InstructionFrame};

/// The largest serialized transaction a packet carries.
pub const PACKET_DATA_SIZE: usize = 1232;
/// Account keys a transaction may lock without `increase_tx_account_lock_limit`.
const ACCOUNT_LOCK_LIMIT: usize = 64;
/// Account keys a transaction may lock with `increase_tx_account_lock_limit`.
const INCREASED_ACCOUNT_LOCK_LIMIT: usize = 128;
/// Bytes a transaction pays for per lookup table it loads (`ADDRESS_LOOKUP_TABLE_BASE_SIZE`).
const ADDRESS_LOOKUP_TABLE_BASE_SIZE: usize = 8248;
/// Bytes every programdata account loaded beside its program counts for
/// (`TRANSACTION_ACCOUNT_BASE_SIZE`).
const TRANSACTION_ACCOUNT_BASE_SIZE: usize = 64;
/// Size of a nonce account's data.
const NONCE_ACCOUNT_SIZE: usize = 80;

/// How a transaction is processed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransactionOptions {
    /// Verify every signature with ed25519 (`SignatureFailure` otherwise). Off for tests
    /// that fake their signers.
    pub verify_signatures: bool,
    /// Commit nothing and remember no signature: the outcome is what sending would give.
    pub simulate: bool,
}

impl Default for TransactionOptions {
    fn default() -> Self {
        Self {
            verify_signatures: true,
            simulate: false,
        }
    }
}

/// A transaction's message resolved to keys, privileges and instructions.
struct ResolvedMessage {
    keys: Vec<Pubkey>,
    is_signer: Vec<bool>,
    is_writable: Vec<bool>,
    /// Program id index, account indexes and data of each instruction.
    instructions: Vec<(usize, Vec<usize>, Vec<u8>)>,
    /// Lookup tables the message loads.
    lookup_tables: usize,
}

impl ResolvedMessage {
    /// The instructions as SDK instructions (for the Instructions sysvar and the
    /// precompiles), each account with the message's privileges.
    fn sdk_instructions(&self) -> Vec<Instruction> {
        self.instructions
            .iter()
            .map(|(program, accounts, data)| Instruction {
                program_id: self.keys[*program],
                accounts: accounts
                    .iter()
                    .map(|&index| AccountMeta {
                        pubkey: self.keys[index],
                        is_signer: self.is_signer[index],
                        is_writable: self.is_writable[index],
                    })
                    .collect(),
                data: data.clone(),
            })
            .collect()
    }

    /// The message the instruction processor runs.
    fn compiled(&self) -> CompiledMessage {
        let frames = self
            .instructions
            .iter()
            .map(|(program, accounts, data)| {
                let accounts = accounts
                    .iter()
                    .map(|&index| InstructionAccount {
                        index_in_transaction: index as IndexOfAccount,
                        is_signer: self.is_signer[index],
                        is_writable: self.is_writable[index],
                    })
                    .collect();
                InstructionFrame::new(*program as IndexOfAccount, accounts, data.clone())
            })
            .collect();
        CompiledMessage {
            account_keys: self.keys.clone(),
            is_signer: self.is_signer.clone(),
            is_writable: self.is_writable.clone(),
            frames,
        }
    }

    /// Signatures the precompile instructions carry (the first byte of their data), by
    /// precompile (`solana-runtime-transaction 4.4.0, src/signature_details.rs`).
    fn precompile_signatures(&self) -> u64 {
        self.instructions
            .iter()
            .filter(|(program, _, _)| {
                [
                    ed25519_program::ID,
                    secp256k1_program::ID,
                    secp256r1_program::ID,
                ]
                .contains(&self.keys[*program])
            })
            .map(|(_, _, data)| u64::from(data.first().copied().unwrap_or(0)))
            .sum()
    }

    /// Without SIMD-0159 the precompiles are verified with the transaction, before it is
    /// locked or charged: a failure rejects it as `InstructionError(index, Custom(code))`
    /// (`solana-runtime 2.1.0, src/verify_precompiles.rs`, `verify_precompiles`, called by
    /// `Bank::verify_transaction` unless `move_precompile_verification_to_svm` is active).
    fn verify_precompiles(&self, features: &FeatureSet) -> Result<(), TransactionError> {
        let instruction_datas: Vec<&[u8]> = self
            .instructions
            .iter()
            .map(|(_, _, data)| data.as_slice())
            .collect();
        for (index, (program, _, data)) in self.instructions.iter().enumerate() {
            if let Some(precompile) = find_precompile(&self.keys[*program], features) {
                (precompile.verify)(data, &instruction_datas, features).map_err(|error| {
                    TransactionError::InstructionError(index as u8, InstructionError::from(error))
                })?;
            }
        }
        Ok(())
    }

    /// The durable-nonce account when the first instruction is the System program's
    /// AdvanceNonceAccount naming a key of the message, a static key with SIMD-0242
    /// (`get_durable_nonce`; before SIMD-0242 a lookup-table address may be the nonce,
    /// `solana-message 2.1.0, src/sanitized.rs`).
    fn durable_nonce_account(&self, num_static_keys: usize, static_only: bool) -> Option<usize> {
        let (program, accounts, data) = self.instructions.first()?;
        (self.keys[*program] == system_program::ID
            && data.get(..4) == Some(&4u32.to_le_bytes()[..]))
        .then_some(())?;
        let nonce = *accounts.first()?;
        let limit = if static_only {
            num_static_keys
        } else {
            self.keys.len()
        };
        (nonce < limit).then_some(nonce)
    }
}

/// Why a transaction stops before execution, and whether the fee was charged.
enum Stop {
    /// Nothing charged, nothing changed.
    Rejected(TransactionError),
}

impl Runtime {
    /// Processes a signed transaction as Agave 4.4 does (see the module docs); `observer`
    /// watches its frames.
    pub fn process_versioned_transaction(
        &mut self,
        transaction: &VersionedTransaction,
        options: &TransactionOptions,
        observer: Option<Box<dyn InvokeObserver>>,
    ) -> TransactionOutcome {
        let mut clock = self.profile_phases.then(StageClock::start);
        let mut outcome = match self.prepare_transaction(transaction, options, &mut clock) {
            Ok(prepared) => self.execute_prepared(prepared, options, observer, &mut clock),
            Err(Stop::Rejected(error)) => TransactionOutcome::rejected(error),
        };
        outcome.stage_times = clock.map(|clock| clock.times);
        outcome
    }

    /// Phases 1 to 5.
    fn prepare_transaction(
        &mut self,
        transaction: &VersionedTransaction,
        options: &TransactionOptions,
        clock: &mut Option<StageClock>,
    ) -> Result<PreparedTransaction, Stop> {
        let reject = Stop::Rejected;
        if matches!(transaction.message, VersionedMessage::V1(_)) {
            return Err(reject(TransactionError::UnsupportedVersion));
        }
        transaction
            .sanitize()
            .map_err(|_| reject(TransactionError::SanitizeFailure))?;
        let serialized_size = bincode::serialized_size(transaction)
            .map_err(|_| reject(TransactionError::SanitizeFailure))?;
        if serialized_size > PACKET_DATA_SIZE as u64 {
            return Err(reject(TransactionError::SanitizeFailure));
        }
        StageClock::lap(clock, |times| &mut times.sanitize);
        if options.verify_signatures && !signatures_verify(transaction) {
            return Err(reject(TransactionError::SignatureFailure));
        }
        StageClock::lap(clock, |times| &mut times.verify);
        let message = self.resolve_message(&transaction.message).map_err(reject)?;
        if !self.features.move_precompile_verification_to_svm() {
            message.verify_precompiles(&self.features).map_err(reject)?;
        }
        let lock_limit = if self.features.increase_tx_account_lock_limit() {
            INCREASED_ACCOUNT_LOCK_LIMIT
        } else {
            ACCOUNT_LOCK_LIMIT
        };
        // The limit first, then duplicates (`solana-accounts-db 4.4.0,
        // src/account_locks.rs`, `validate_account_locks`).
        if message.keys.len() > lock_limit {
            return Err(reject(TransactionError::TooManyAccountLocks));
        }
        let unique: HashSet<&Pubkey> = message.keys.iter().collect();
        if unique.len() != message.keys.len() {
            return Err(reject(TransactionError::AccountLoadedTwice));
        }

        // Phase 4: age, then the compute budget, then the status cache.
        let recent_blockhash = *transaction.message.recent_blockhash();
        let num_static_keys = transaction.message.static_account_keys().len();
        let nonce_index = match self
            .blockhash_queue
            .get_if_valid(&recent_blockhash, blockhash::MAX_PROCESSING_AGE)
        {
            Some(_) => None,
            None => {
                let next_durable_nonce = self.next_durable_nonce();
                let static_only = self.features.require_static_nonce_account();
                match message.durable_nonce_account(num_static_keys, static_only) {
                    Some(index) if recent_blockhash != *next_durable_nonce.as_hash() => Some(index),
                    _ => return Err(reject(TransactionError::BlockhashNotFound)),
                }
            }
        };
        // The age check loads and verifies the nonce account: every failure of a
        // durable-nonce transaction is `BlockhashNotFound`, before the compute budget is read
        // (`solana-runtime 4.4.0, src/bank/check_transactions.rs`, `check_age` and
        // `check_load_and_advance_message_nonce_account`).
        let nonce = match nonce_index {
            Some(index) => Some(
                self.validate_nonce(&message, index, &recent_blockhash)
                    .map_err(reject)?,
            ),
            None => None,
        };
        let sdk_instructions = message.sdk_instructions();
        let limits = compute_budget::compute_budget_limits(
            sdk_instructions
                .iter()
                .map(|instruction| (&instruction.program_id, instruction.data.as_slice())),
            &self.features,
        )
        .map_err(reject)?;
        let signature = transaction.signatures.first().copied().unwrap_or_default();
        if self.processed_signatures.contains(&signature) {
            return Err(reject(TransactionError::AlreadyProcessed));
        }

        // Phase 5.
        let signature_count = u64::from(transaction.message.header().num_required_signatures)
            .saturating_add(message.precompile_signatures());
        // Each signature costs the fee structure's 5,000 lamports; the bank blockhash's
        // lamports per signature only switches fees off when it is zero (`solana-svm 4.4.0,
        // src/transaction_processor.rs`, `blockhash_lamports_per_signature`).
        let fee = if self.blockhash_queue.last().lamports_per_signature == 0 {
            FeeDetails::default()
        } else {
            FeeDetails {
                transaction_fee: signature_count.saturating_mul(LAMPORTS_PER_SIGNATURE),
                prioritization_fee: limits.prioritization_fee(),
            }
        };
        let fee_payer = self
            .validate_fee_payer(
                &message.keys[0],
                fee.charged(!self.features.remove_rounding_in_fee_calculation()),
            )
            .map_err(reject)?;
        StageClock::lap(clock, |times| &mut times.check);
        Ok(PreparedTransaction {
            message,
            sdk_instructions,
            limits,
            fee,
            fee_payer,
            nonce,
            signature,
        })
    }

    /// The durable nonce a nonce account advances to now.
    fn next_durable_nonce(&self) -> DurableNonce {
        DurableNonce::from_blockhash(&Hash::new_from_array(self.blockhash_queue.last().blockhash))
    }

    /// Phase 3: the message's keys (static, then the tables' writable, then their
    /// read-only addresses), privileges (demoted as a sanitized message demotes them) and
    /// instructions.
    fn resolve_message(
        &self,
        message: &VersionedMessage,
    ) -> Result<ResolvedMessage, TransactionError> {
        let header = message.header();
        let static_keys = message.static_account_keys();
        let mut loaded_writable = Vec::new();
        let mut loaded_readonly = Vec::new();
        if let Some(lookups) = message.address_table_lookups() {
            let recent_slots = self.sysvars.recent_slot_hashes_slots();
            for lookup in lookups {
                let (writable, readonly) = lookup_table::load_addresses(
                    &self.store,
                    &lookup.account_key,
                    &lookup.writable_indexes,
                    &lookup.readonly_indexes,
                    self.sysvars.clock.slot,
                    &recent_slots,
                )?;
                loaded_writable.extend(writable);
                loaded_readonly.extend(readonly);
            }
        }
        let num_static = static_keys.len();
        let num_signed = usize::from(header.num_required_signatures);
        let keys: Vec<Pubkey> = static_keys
            .iter()
            .copied()
            .chain(loaded_writable.iter().copied())
            .chain(loaded_readonly.iter().copied())
            .collect();
        let instructions: Vec<(usize, Vec<usize>, Vec<u8>)> = message
            .instructions()
            .iter()
            .map(|instruction| {
                (
                    usize::from(instruction.program_id_index),
                    instruction
                        .accounts
                        .iter()
                        .map(|&a| usize::from(a))
                        .collect(),
                    instruction.data.clone(),
                )
            })
            .collect();
        let upgradeable_loader_present = static_keys.contains(&bpf_loader_upgradeable::ID);
        let requested_writable = |index: usize| -> bool {
            if index >= num_static {
                index - num_static < loaded_writable.len()
            } else if index >= num_signed {
                let unsigned = num_static - num_signed;
                index - num_signed
                    < unsigned.saturating_sub(usize::from(header.num_readonly_unsigned_accounts))
            } else {
                index < num_signed.saturating_sub(usize::from(header.num_readonly_signed_accounts))
            }
        };
        let is_writable = (0..keys.len())
            .map(|index| {
                let called_as_program =
                    instructions.iter().any(|(program, _, _)| *program == index);
                // Program ids are demoted unless the upgradeable loader is a static key.
                let demoted_program = called_as_program && !upgradeable_loader_present;
                requested_writable(index)
                    && !is_reserved_account_key_under(&keys[index], &self.features)
                    && !demoted_program
            })
            .collect();
        Ok(ResolvedMessage {
            is_signer: (0..keys.len()).map(|index| index < num_signed).collect(),
            is_writable,
            keys,
            instructions,
            lookup_tables: message.address_table_lookups().map_or(0, <[_]>::len),
        })
    }

    /// The nonce account of a durable-nonce transaction, advanced
    /// (`validate_transaction_nonce`): writable, present, a System-owned initialized nonce
    /// of the message's blockhash, advanceable, its authority a signer of the first
    /// instruction; `BlockhashNotFound` otherwise (a missing account included).
    fn validate_nonce(
        &self,
        message: &ResolvedMessage,
        index: usize,
        recent_blockhash: &Hash,
    ) -> Result<(usize, AccountSharedData), TransactionError> {
        if !message.is_writable[index] {
            return Err(TransactionError::BlockhashNotFound);
        }
        let mut account = self
            .store
            .get(&message.keys[index])
            .cloned()
            .ok_or(TransactionError::BlockhashNotFound)?;
        let data = initialized_nonce(&account)
            .filter(|data| data.durable_nonce.as_hash() == recent_blockhash)
            .ok_or(TransactionError::BlockhashNotFound)?;
        let next = self.next_durable_nonce();
        let (_, first_accounts, _) = &message.instructions[0];
        let authority_signed = first_accounts
            .iter()
            .any(|&signer| message.is_signer[signer] && message.keys[signer] == data.authority);
        if data.durable_nonce == next || !authority_signed {
            return Err(TransactionError::BlockhashNotFound);
        }
        let advanced = NonceState::new_initialized(
            &data.authority,
            next,
            self.blockhash_queue.last().lamports_per_signature,
        );
        let bytes =
            bincode::serialize(&NonceVersions::new(advanced)).expect("a nonce state serializes");
        account.data_as_mut_slice()[..bytes.len()].copy_from_slice(&bytes);
        Ok((index, account))
    }

    /// The fee payer after the fee (`validate_fee_payer`).
    fn validate_fee_payer(
        &self,
        key: &Pubkey,
        fee: u64,
    ) -> Result<AccountSharedData, TransactionError> {
        let mut account = self
            .store
            .get(key)
            .cloned()
            .ok_or(TransactionError::AccountNotFound)?;
        if let Some(collector) = self.rent_collector() {
            collector.collect(key, &mut account);
        }
        if account.lamports() == 0 {
            return Err(TransactionError::AccountNotFound);
        }
        let min_balance = if *account.owner() != system_program::ID {
            return Err(TransactionError::InvalidAccountForFee);
        } else if account.data().is_empty() {
            0
        } else if initialized_nonce(&account).is_some() {
            self.sysvars.rent.minimum_balance(NONCE_ACCOUNT_SIZE)
        } else {
            return Err(TransactionError::InvalidAccountForFee);
        };
        account
            .lamports()
            .checked_sub(min_balance)
            .and_then(|spendable| spendable.checked_sub(fee))
            .ok_or(TransactionError::InsufficientFundsForFee)?;
        let mut debited = account.clone();
        debited.set_lamports(account.lamports() - fee);
        if !rent_state_transition_allowed(
            &account,
            &debited,
            &self.sysvars.rent,
            self.features.relax_post_exec_min_balance_check(),
        ) {
            return Err(TransactionError::InsufficientFundsForRent { account_index: 0 });
        }
        Ok(debited)
    }

    /// Phases 6 and 7.
    fn execute_prepared(
        &mut self,
        prepared: PreparedTransaction,
        options: &TransactionOptions,
        observer: Option<Box<dyn InvokeObserver>>,
        clock: &mut Option<StageClock>,
    ) -> TransactionOutcome {
        let PreparedTransaction {
            message,
            sdk_instructions,
            ..
        } = &prepared;
        let (limits, fee, signature) = (prepared.limits, prepared.fee, prepared.signature);
        let (fee_payer, nonce) = (prepared.fee_payer.clone(), prepared.nonce.clone());
        let compiled = message.compiled();
        let mut accounts_before = self.load_accounts(&compiled, sdk_instructions);
        accounts_before[0] = fee_payer.clone();
        // What a failure commits: the fee payer debited, the nonce advanced (the same
        // account when the nonce pays).
        let mut rollback = vec![(0, fee_payer)];
        if let Some((index, advanced)) = nonce {
            if index == 0 {
                let mut payer = advanced;
                payer.set_lamports(rollback[0].1.lamports());
                rollback[0].1 = payer;
            } else {
                rollback.push((index, advanced));
            }
        }

        let load_result = self
            .check_loaded_data_size(message, &accounts_before, &limits)
            .and_then(|()| {
                self.check_transaction(sdk_instructions, &compiled.frames, &accounts_before)
            });
        // Before SIMD-0082 a load failure is not processed: no fee, nothing committed
        // (`solana-svm 2.1.0, src/transaction_processor.rs`,
        // `load_and_execute_sanitized_transactions`, `TransactionLoadResult::FeesOnly`).
        if let Err(error) = &load_result {
            if !self.features.enable_transaction_loading_failure_fees() {
                return TransactionOutcome::rejected(error.clone());
            }
        }
        StageClock::lap(clock, |times| &mut times.load);
        let saved_store = options.simulate.then(|| self.store.clone());
        let saved_cache = options.simulate.then(|| self.program_cache.clone());
        let mut outcome = match load_result {
            Err(error) => {
                TransactionOutcome::not_executed(compiled, accounts_before.clone(), error)
            }
            Ok(()) => {
                let settings = TransactionSettings {
                    compute_unit_limit: Some(u64::from(limits.compute_unit_limit)),
                    heap_size: Some(limits.heap_bytes),
                };
                self.process_loaded(
                    compiled,
                    sdk_instructions,
                    accounts_before.clone(),
                    &settings,
                    observer,
                )
            }
        };
        StageClock::lap(clock, |times| &mut times.execute);
        if outcome.result.is_err() {
            let mut after = accounts_before.clone();
            for (index, account) in &rollback {
                after[*index] = account.clone();
                self.store.set(message.keys[*index], account.clone());
            }
            outcome.accounts_after = after;
        }
        outcome.fee = Some(fee);
        if let (Some(store), Some(cache)) = (saved_store, saved_cache) {
            self.store = store;
            self.program_cache = cache;
        } else {
            self.processed_signatures.insert(signature);
        }
        StageClock::lap(clock, |times| &mut times.commit);
        outcome
    }

    /// Phase 6's checks: the loaded accounts' data within the limit, every program present
    /// and owned by the native loader or a loader.
    fn check_loaded_data_size(
        &self,
        message: &ResolvedMessage,
        accounts: &[AccountSharedData],
        limits: &compute_budget::ComputeBudgetLimits,
    ) -> Result<(), TransactionError> {
        let limit = limits.loaded_accounts_bytes as usize;
        let mut loaded = ADDRESS_LOOKUP_TABLE_BASE_SIZE.saturating_mul(message.lookup_tables);
        let exceeded = |loaded: usize| loaded > limit;
        let mut programdata_counted = HashSet::new();
        // SIMD-0186 (`formalize_loaded_transaction_data_size`): every account the store
        // holds counts 64 bytes plus its data; the Instructions sysvar and accounts that
        // do not exist count nothing (`solana-svm 4.4.0, src/account_loader.rs`,
        // `load_transaction_account`). Before it, only the data counted.
        let base = if self.features.formalize_loaded_transaction_data_size() {
            TRANSACTION_ACCOUNT_BASE_SIZE
        } else {
            0
        };
        for (key, account) in message.keys.iter().zip(accounts) {
            if *key == solana_sdk_ids::sysvar::instructions::ID || self.store.get(key).is_none() {
                continue;
            }
            loaded = loaded.saturating_add(base + account.data().len());
            if exceeded(loaded) {
                return Err(TransactionError::MaxLoadedAccountsDataSizeExceeded);
            }
            if let Some(programdata) = upgradeable_programdata_address(account) {
                if !message.keys.contains(&programdata) && programdata_counted.insert(programdata) {
                    if let Some(programdata_account) = self.store.get(&programdata) {
                        loaded = loaded.saturating_add(
                            TRANSACTION_ACCOUNT_BASE_SIZE + programdata_account.data().len(),
                        );
                        if exceeded(loaded) {
                            return Err(TransactionError::MaxLoadedAccountsDataSizeExceeded);
                        }
                    }
                }
            }
        }
        for (program, _, _) in &message.instructions {
            self.check_program_account(&message.keys[*program], accounts.get(*program))?;
        }
        Ok(())
    }
}

/// What phases 1–5 hand to execution.
struct PreparedTransaction {
    message: ResolvedMessage,
    sdk_instructions: Vec<Instruction>,
    limits: compute_budget::ComputeBudgetLimits,
    fee: FeeDetails,
    fee_payer: AccountSharedData,
    nonce: Option<(usize, AccountSharedData)>,
    signature: Signature,
}

/// Whether every signature verifies the message with its signer's key, as the validator's
/// signature verification checks it (`solana-signature 3.6`, `Signature::verify`, the
/// strict ed25519 verification of `solana-ed25519`).
fn signatures_verify(transaction: &VersionedTransaction) -> bool {
    let Ok(message_bytes) = bincode::serialize(&transaction.message) else {
        return false;
    };
    transaction
        .signatures
        .iter()
        .zip(transaction.message.static_account_keys())
        .all(|(signature, key)| signature.verify(key.as_ref(), &message_bytes))
}

/// The state of an initialized, System-owned nonce account (`verify_nonce_account` without
/// the blockhash comparison, done by the caller).
fn initialized_nonce(account: &AccountSharedData) -> Option<NonceData> {
    if *account.owner() != system_program::ID {
        return None;
    }
    match bincode::deserialize::<NonceVersions>(account.data())
        .ok()?
        .state()
    {
        NonceState::Initialized(data) => Some(data.clone()),
        NonceState::Uninitialized => None,
    }
}

/// The programdata address of an upgradeable-loader program account.
fn upgradeable_programdata_address(account: &AccountSharedData) -> Option<Pubkey> {
    if *account.owner() != bpf_loader_upgradeable::ID {
        return None;
    }
    crate::accounts::upgradeable_programdata_address(account.data())
}
