//! `sol_compat_txn_execute_v1`: one signed transaction run through sbfvm's transaction layer
//! ([`Runtime::process_versioned_transaction`]) over the fixture's bank: its features,
//! sysvars, slot, blockhash queue and accounts. Follows the reference harness, solfuzz-agave
//! (`src/txn_fuzzer.rs`, `execute_transaction`, on Agave 2.1): the accounts are stored first
//! instance wins and never over a builtin, the blockhashes are registered oldest first,
//! signatures are not verified, and the effects compared are the status, the fee, the units,
//! the return data and the accounts of the message keys.

use std::collections::HashSet;
use std::rc::Rc;
use std::sync::Arc;

use sbfvm_runtime::accounts::native_program_account;
use sbfvm_runtime::builtins::find_precompile;
use sbfvm_runtime::sysvars::{BlockhashEntry, RecentBlockhashes};
use sbfvm_runtime::transaction::blockhash::BlockhashQueue;
use sbfvm_runtime::transaction::TransactionOptions;
use sbfvm_runtime::{
    Account, FeatureSet, InstructionError, Pubkey, ReadableAccount, Runtime, Sysvars,
    TransactionError, TransactionOutcome,
};
use sbfvm_vm::SbfExecutor;
use solana_hash::Hash;
use solana_message::compiled_instruction::CompiledInstruction;
use solana_message::v0::MessageAddressTableLookup;
use solana_message::{legacy, v0, MessageHeader, VersionedMessage};
use solana_sdk_ids::{config, loader_v4, stake, sysvar, vote};
use solana_signature::Signature;
use solana_transaction::versioned::VersionedTransaction;

use super::compare::{AccountValue, ErrorCode, Row, Value};
use super::errors::{instruction_error_number, transaction_error_number};
use super::harness::{decode_fixture, HarnessResult, NoEffects, Options};
use super::proto;
use super::setup::{self, EnvironmentCache};

/// The native programs sbfvm does not run: a transaction that invokes one is skipped.
const NATIVE_PROGRAMS_NOT_RUN: [(Pubkey, &str); 3] = [
    (vote::ID, "Vote"),
    (stake::ID, "Stake"),
    (config::ID, "Config"),
];

/// Whether a feature set enables something.
type FeatureGate = fn(&FeatureSet) -> bool;

/// Agave 2.1's builtins that sbfvm's runtime has no builtin for, with the name their
/// native-loader account carries and whether the feature set enables them: the bank holds
/// their accounts, so a fixture's account at one of these addresses is not stored. The
/// Stake and Config programs are builtins until their migration to Core BPF (a bank built
/// with the migration feature active holds no account for them), as the Address Lookup
/// Table program, a builtin of the runtime, is.
const OTHER_AGAVE_BUILTINS: [(Pubkey, &str, FeatureGate); 3] = [
    (stake::ID, "stake_program", |features| {
        !features.migrate_stake_program_to_core_bpf()
    }),
    (config::ID, "config_program", |features| {
        !features.migrate_config_program_to_core_bpf()
    }),
    (loader_v4::ID, "loader_v4", FeatureSet::enable_loader_v4),
];

pub(super) fn run(bytes: &[u8], options: &Options, _: &mut EnvironmentCache) -> HarnessResult {
    let fixture: proto::TxnFixture = decode_fixture(bytes, "TxnFixture")?;
    let context = fixture.input.unwrap_or_default();
    let expected = fixture.output.unwrap_or_default();
    let transaction_proto = context.tx.clone().unwrap_or_default();
    let message_proto = transaction_proto.message.clone().unwrap_or_default();
    let transaction =
        versioned_transaction(&transaction_proto, &message_proto).map_err(NoEffects::NoOutput)?;
    let features = setup::features_of(context.epoch_ctx.as_ref());
    if let Some(name) = native_program_invoked(&message_proto, &features) {
        return Err(NoEffects::Skipped(format!(
            "the transaction invokes the native {name} program (not run by sbfvm)"
        )));
    }
    let mut runtime = bank(
        &context,
        &message_proto.account_shared_data,
        features,
        options,
    )?;
    let transaction_options = TransactionOptions {
        verify_signatures: false,
        simulate: false,
    };
    let outcome = runtime.process_versioned_transaction(&transaction, &transaction_options, None);
    let features = Rc::clone(&runtime.features);
    Ok(compare_effects(
        &expected,
        &outcome,
        &transaction,
        &features,
    ))
}

/// The fixture's transaction, or why the reference harness produces no output for it.
fn versioned_transaction(
    transaction: &proto::SanitizedTransaction,
    message: &proto::TransactionMessage,
) -> Result<VersionedTransaction, String> {
    // The reference always has a signing fee payer: a header without signers (or none at
    // all, as in the precompile corpus) counts one, as the fixtures' results show.
    let header = message.header.unwrap_or_default();
    let header = MessageHeader {
        num_required_signatures: (header.num_required_signatures as u8).max(1),
        num_readonly_signed_accounts: header.num_readonly_signed_accounts as u8,
        num_readonly_unsigned_accounts: header.num_readonly_unsigned_accounts as u8,
    };
    let account_keys = message
        .account_keys
        .iter()
        .map(|key| setup::pubkey(key).ok_or("an account key is not 32 bytes"))
        .collect::<Result<Vec<_>, _>>()?;
    let recent_blockhash = if message.recent_blockhash.is_empty() {
        Hash::default()
    } else {
        Hash::new_from_array(
            <[u8; 32]>::try_from(message.recent_blockhash.as_slice())
                .map_err(|_| "the recent blockhash is not 32 bytes")?,
        )
    };
    let instructions = message
        .instructions
        .iter()
        .map(|instruction| CompiledInstruction {
            program_id_index: instruction.program_id_index as u8,
            accounts: instruction.accounts.iter().map(|&a| a as u8).collect(),
            data: instruction.data.clone(),
        })
        .collect();
    let message = if message.is_legacy {
        VersionedMessage::Legacy(legacy::Message {
            header,
            account_keys,
            recent_blockhash,
            instructions,
        })
    } else {
        let address_table_lookups = message
            .address_table_lookups
            .iter()
            .map(|lookup| {
                Ok(MessageAddressTableLookup {
                    account_key: setup::pubkey(&lookup.account_key)
                        .ok_or("a lookup table key is not 32 bytes")?,
                    writable_indexes: lookup.writable_indexes.iter().map(|&i| i as u8).collect(),
                    readonly_indexes: lookup.readonly_indexes.iter().map(|&i| i as u8).collect(),
                })
            })
            .collect::<Result<Vec<_>, &str>>()?;
        VersionedMessage::V0(v0::Message {
            header,
            account_keys,
            recent_blockhash,
            instructions,
            address_table_lookups,
        })
    };
    let signatures = if transaction.signatures.is_empty() {
        vec![Signature::default()]
    } else {
        transaction
            .signatures
            .iter()
            .map(|signature| {
                <[u8; 64]>::try_from(signature.as_slice())
                    .map(Signature::from)
                    .map_err(|_| "a signature is not 64 bytes".to_string())
            })
            .collect::<Result<Vec<_>, _>>()?
    };
    Ok(VersionedTransaction {
        signatures,
        message,
    })
}

/// The native program sbfvm does not run that an instruction of the message would run, if
/// any: the program it names or, before SIMD-0162, the owner of that program's account
/// (Agave 2.1 runs the builtin of the owner's id, `solana-program-runtime 2.1.0,
/// src/invoke_context.rs`, `process_executable_chain`).
fn native_program_invoked(
    message: &proto::TransactionMessage,
    features: &FeatureSet,
) -> Option<&'static str> {
    let not_run = |key: &[u8]| {
        NATIVE_PROGRAMS_NOT_RUN
            .iter()
            .find(|(id, _)| id.as_ref() == key)
            .map(|(_, name)| *name)
    };
    message.instructions.iter().find_map(|instruction| {
        let key = message
            .account_keys
            .get(instruction.program_id_index as usize)?;
        not_run(key).or_else(|| {
            if features.remove_accounts_executable_flag_checks() {
                return None;
            }
            let account = message
                .account_shared_data
                .iter()
                .find(|account| account.address == *key)?;
            (account.lamports > 0)
                .then(|| not_run(&account.owner))
                .flatten()
        })
    })
}

/// The bank the transaction runs in: the fixture's features and sysvars at its slot, its
/// blockhash queue, and its accounts stored over the builtins.
fn bank(
    context: &proto::TxnContext,
    accounts: &[proto::AcctState],
    features: FeatureSet,
    options: &Options,
) -> Result<Runtime, NoEffects> {
    let budget = setup::budget(sbfvm_runtime::ComputeBudget::default().compute_unit_limit);
    let environment = sbfvm_syscalls::create_environment(&features, &budget)
        .map_err(|error| NoEffects::Skipped(format!("no execution environment: {error}")))?;
    let executor = Rc::new(SbfExecutor::new(Arc::new(environment), options.mode));
    let sbf_executor = Rc::clone(&executor);
    let mut sysvars = bank_sysvars(context, accounts);
    let recent_blockhashes = match &sysvars.recent_blockhashes {
        RecentBlockhashes::Entries(entries) => Some(entries.clone()),
        _ => None,
    };
    let queue = blockhash_queue(&context.blockhash_queue, recent_blockhashes)?;
    fill_missing_sysvars(&mut sysvars, &queue, bank_slot(context));
    let mut runtime = Runtime::new(features, sysvars, executor);
    runtime.budget = budget;
    for (id, name, enabled) in OTHER_AGAVE_BUILTINS {
        if enabled(&runtime.features) {
            runtime.store.set(id, native_program_account(name));
        }
    }
    let builtin_keys: HashSet<Pubkey> = runtime
        .store
        .iter()
        .filter(|(_, account)| *account.owner() == solana_sdk_ids::native_loader::ID)
        .map(|(key, _)| *key)
        .collect();
    let mut stored = HashSet::new();
    for account in accounts {
        let Some(key) = setup::pubkey(&account.address) else {
            return Err(NoEffects::NoOutput(
                "an account address is not 32 bytes".into(),
            ));
        };
        if builtin_keys.contains(&key) || !stored.insert(key) {
            continue;
        }
        let owner = setup::pubkey(&account.owner).unwrap_or_default();
        if account.lamports == 0 {
            runtime.store.remove(&key);
            continue;
        }
        runtime
            .store
            .set(key, setup::account_with_owner(account, owner));
    }
    // The reference rewrites the EpochSchedule and Rent sysvars from its genesis values
    // after storing the fixture's accounts (`Bank::update_epoch_schedule`, `update_rent`):
    // they exist whatever the fixture says (an account of 0 lamports included).
    let rewritten = [sysvar::epoch_schedule::ID, sysvar::rent::ID];
    for (key, account) in runtime.sysvars.accounts(queue.last()) {
        if rewritten.contains(&key) {
            runtime.store.set(key, account);
        }
    }
    // The bank's program cache: every account a loader owns, loaded (the builtins are
    // the runtime's).
    let stored: Vec<(Pubkey, Account)> = runtime
        .store
        .iter()
        .filter(|(key, _)| !builtin_keys.contains(key))
        .map(|(key, account)| (*key, Account::from(account.clone())))
        .collect();
    runtime.program_cache =
        super::loader::load_programs(&stored, &sbf_executor, &[], super::loader::Loaded::All);
    // Instructions see the bank's newest blockhash (the durable nonce AdvanceNonceAccount
    // stores, the lamports per signature it records).
    runtime.environment = sbfvm_runtime::EnvironmentConfig {
        blockhash: Some(queue.last()),
    };
    runtime.blockhash_queue = queue;
    Ok(runtime)
}

/// A bank always has the sysvars a fixture may leave out: RecentBlockhashes from its queue
/// (newest first, at most 150: the reference rewrites it after registering the queue,
/// `Bank::update_recent_blockhashes`, over any fixture account), SlotHashes and an empty
/// StakeHistory. The reference's bank
/// at a slot past 0 is the child of its genesis bank, so its SlotHashes lists slot 0
/// (`Bank::new_from_parent`, `update_slot_hashes`); that bank's hash is not in the
/// fixture, and the zero hash stands for it.
fn fill_missing_sysvars(sysvars: &mut Sysvars, queue: &BlockhashQueue, bank_slot: u64) {
    let newest_first = queue.entries_newest_first().take(150).collect();
    sysvars.recent_blockhashes = RecentBlockhashes::Entries(newest_first);
    if sysvars.slot_hashes.is_none() {
        let genesis = sbfvm_runtime::sysvars::SlotHash {
            slot: 0,
            hash: [0; 32],
        };
        let entries = if bank_slot > 0 { vec![genesis] } else { vec![] };
        sysvars.slot_hashes = Some(sbfvm_runtime::sysvars::slot_hashes_account_data(&entries));
    }
    if sysvars.stake_history.is_none() {
        sysvars.stake_history = Some(sbfvm_runtime::sysvars::stake_history_account_data(&[]));
    }
}

/// The fixture's slot, 10 when absent, as the reference's.
fn bank_slot(context: &proto::TxnContext) -> u64 {
    context.slot_ctx.as_ref().map_or(10, |slot| slot.slot)
}

/// The sysvars of the bank: those of the fixture's accounts, the Clock at the fixture's
/// slot (10 when absent) unless an account provides it.
fn bank_sysvars(context: &proto::TxnContext, accounts: &[proto::AcctState]) -> Sysvars {
    let mut sysvars = setup::sysvars(accounts);
    let clock_provided = accounts
        .iter()
        .any(|account| account.lamports > 0 && account.address == sysvar::clock::ID.as_ref());
    if !clock_provided {
        sysvars.clock.slot = bank_slot(context);
    }
    sysvars
}

/// The fixture's blockhash queue, oldest first, each hash with the lamports per signature
/// the reference registers with it: the RecentBlockhashes sysvar's entries (newest first)
/// give those of the newest queue entries, the rest get Agave's default 5,000.
fn blockhash_queue(
    hashes: &[Vec<u8>],
    recent_blockhashes: Option<Vec<BlockhashEntry>>,
) -> Result<BlockhashQueue, NoEffects> {
    let hashes: Vec<[u8; 32]> = if hashes.is_empty() {
        vec![[0; 32]]
    } else {
        hashes
            .iter()
            .map(|hash| <[u8; 32]>::try_from(hash.as_slice()))
            .collect::<Result<_, _>>()
            .map_err(|_| NoEffects::NoOutput("a queued blockhash is not 32 bytes".into()))?
    };
    let recent = recent_blockhashes.unwrap_or_default();
    let newest_with_sysvar_fee = recent.len().min(hashes.len());
    let first_with_sysvar_fee = hashes.len() - newest_with_sysvar_fee;
    let entries = hashes.iter().enumerate().map(|(index, blockhash)| {
        let lamports_per_signature = if index >= first_with_sysvar_fee {
            recent[hashes.len() - 1 - index].lamports_per_signature
        } else {
            sbfvm_runtime::environment::LAMPORTS_PER_SIGNATURE
        };
        BlockhashEntry {
            blockhash: *blockhash,
            lamports_per_signature,
        }
    });
    BlockhashQueue::from_entries(entries)
        .ok_or_else(|| NoEffects::NoOutput("the blockhash queue is empty".into()))
}

fn account_value(key: &Pubkey, account: &impl ReadableAccount) -> AccountValue {
    AccountValue {
        address: key.to_bytes().to_vec(),
        lamports: account.lamports(),
        data: account.data().to_vec(),
        executable: account.executable(),
        // Not compared (the reference's consumers ignore it).
        rent_epoch: 0,
        owner: account.owner().to_bytes().to_vec(),
    }
}

fn state_value(state: &proto::AcctState) -> AccountValue {
    AccountValue {
        address: state.address.clone(),
        lamports: state.lamports,
        data: state.data.clone(),
        executable: state.executable,
        rent_epoch: 0,
        owner: if state.owner.is_empty() {
            vec![0; 32]
        } else {
            state.owner.clone()
        },
    }
}

/// What the reference reports for a transaction: (sanitization_error, executed, is_ok,
/// status, instruction_error, instruction_error_index, custom_error).
/// The custom code of a failed precompile is reported as 0: Firedancer does not compare it
/// (as `solana-svm 4.4.0, src/conformance/txn/effects.rs`, `zero_precompile_custom_error`).
fn status_fields(
    outcome: &TransactionOutcome,
    transaction: &VersionedTransaction,
    features: &FeatureSet,
) -> (bool, bool, bool, u32, u32, u32, u32) {
    let executed = outcome.fee.is_some();
    let failed_on_precompile = |index: u8| {
        let message = &transaction.message;
        message
            .instructions()
            .get(usize::from(index))
            .and_then(|instruction| {
                message
                    .static_account_keys()
                    .get(usize::from(instruction.program_id_index))
            })
            .is_some_and(|program| find_precompile(program, features).is_some())
    };
    match &outcome.result {
        Ok(()) => (false, true, true, 0, 0, 0, 0),
        Err(error) => {
            let (instruction_error, index, custom) = match error {
                TransactionError::InstructionError(index, error) => (
                    instruction_error_number(error) as u32,
                    u32::from(*index),
                    match error {
                        InstructionError::Custom(_) if failed_on_precompile(*index) => 0,
                        InstructionError::Custom(code) => *code,
                        _ => 0,
                    },
                ),
                _ => (0, 0, 0),
            };
            (
                !executed,
                executed,
                false,
                transaction_error_number(error),
                instruction_error,
                index,
                custom,
            )
        }
    }
}

/// The compared fields, most fundamental first.
fn compare_effects(
    expected: &proto::TxnResult,
    outcome: &TransactionOutcome,
    transaction: &VersionedTransaction,
    features: &FeatureSet,
) -> Vec<Row> {
    let (sanitization_error, executed, is_ok, status, instruction_error, index, custom) =
        status_fields(outcome, transaction, features);
    let status_row = Row::new(
        "status",
        Value::Error(ErrorCode {
            kind: 0,
            code: i64::from(expected.status),
            label: format!("TransactionError #{}", expected.status),
        }),
        Value::Error(ErrorCode {
            kind: 0,
            code: i64::from(status),
            label: match &outcome.result {
                Ok(()) => "ok".into(),
                Err(error) => format!("{error:?}"),
            },
        }),
    );
    let expected_fee = expected.fee_details.unwrap_or_default();
    let fee = outcome.fee.unwrap_or_default();
    let mut rows = vec![
        status_row,
        Row::flag(
            "sanitization_error",
            expected.sanitization_error,
            sanitization_error,
        ),
        Row::flag("executed", expected.executed, executed),
        Row::flag("is_ok", expected.is_ok, is_ok),
        Row::u64(
            "instruction_error",
            u64::from(expected.instruction_error),
            u64::from(instruction_error),
        ),
        Row::u64(
            "instruction_error_index",
            u64::from(expected.instruction_error_index),
            u64::from(index),
        ),
        Row::u64(
            "custom_error",
            u64::from(expected.custom_error),
            u64::from(custom),
        ),
        Row::u64(
            "fee_details.transaction_fee",
            expected_fee.transaction_fee,
            fee.transaction_fee,
        ),
        Row::u64(
            "fee_details.prioritization_fee",
            expected_fee.prioritization_fee,
            fee.prioritization_fee,
        ),
        Row::u64(
            "executed_units",
            expected.executed_units,
            outcome.compute_units_consumed,
        ),
        Row::bytes(
            "return_data",
            &expected.return_data,
            outcome
                .return_data
                .as_ref()
                .map_or(&[][..], |data| data.data.as_slice()),
        ),
    ];
    if let Some(state) = &expected.resulting_state {
        rows.push(Row::new(
            "resulting_state",
            Value::Accounts(state.acct_states.iter().map(state_value).collect()),
            Value::Accounts(resulting_accounts(outcome)),
        ));
    }
    rows
}

/// The accounts after the transaction the reference reports: the writable keys of the
/// message in order (the lookup tables' writable addresses included), never the
/// Instructions sysvar; for an executed transaction that failed, as its instructions left
/// them (the SVM's loaded transaction), not as committed.
fn resulting_accounts(outcome: &TransactionOutcome) -> Vec<AccountValue> {
    let accounts = outcome
        .accounts_executed
        .as_ref()
        .unwrap_or(&outcome.accounts_after);
    outcome
        .account_keys
        .iter()
        .zip(accounts)
        .zip(&outcome.writable)
        .filter(|((key, _), writable)| **writable && **key != sysvar::instructions::ID)
        .map(|((key, account), _)| account_value(key, account))
        .collect()
}
