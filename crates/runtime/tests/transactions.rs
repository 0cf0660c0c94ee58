//! Signed transactions through `Runtime::process_versioned_transaction`: fees, the compute
//! budget, signatures, blockhash age and status, durable nonces, lookup tables, simulation.

use solana_account::{Account, ReadableAccount};
use solana_hash::Hash;
use solana_instruction::{AccountMeta, Instruction};
use solana_instruction_error::InstructionError;
use solana_message::{v0, AddressLookupTableAccount, Message, VersionedMessage};
use solana_nonce::state::{Data as NonceData, DurableNonce, State as NonceState};
use solana_nonce::versions::Versions as NonceVersions;
use solana_pubkey::Pubkey;
use solana_sdk_ids::{address_lookup_table, compute_budget, system_program, sysvar};
use solana_signature::Signature;
use solana_transaction::versioned::VersionedTransaction;

use sbfvm_runtime::transaction::blockhash::MAX_PROCESSING_AGE;
use sbfvm_runtime::transaction::lookup_table::lookup_table_account_data;
use sbfvm_runtime::transaction::{FeeDetails, TransactionOptions};
use sbfvm_runtime::{Runtime, TransactionError, TransactionOutcome};

use crate::common::{new_account, runtime, runtime_without};

/// An ed25519 signer from a 32-byte seed.
struct Signer(ed25519_dalek::Keypair);

impl Signer {
    fn new(seed: u8) -> Self {
        let secret = ed25519_dalek::SecretKey::from_bytes(&[seed; 32]).expect("32 bytes");
        let public = ed25519_dalek::PublicKey::from(&secret);
        Self(ed25519_dalek::Keypair { secret, public })
    }

    fn pubkey(&self) -> Pubkey {
        Pubkey::new_from_array(self.0.public.to_bytes())
    }
}

fn sign(message: VersionedMessage, signers: &[&Signer]) -> VersionedTransaction {
    use ed25519_dalek::Signer as _;
    let bytes = bincode::serialize(&message).unwrap();
    let signatures = signers
        .iter()
        .map(|signer| Signature::from(signer.0.sign(&bytes).to_bytes()))
        .collect();
    VersionedTransaction {
        signatures,
        message,
    }
}

fn legacy(instructions: &[Instruction], payer: &Signer, blockhash: Hash) -> VersionedMessage {
    VersionedMessage::Legacy(Message::new_with_blockhash(
        instructions,
        Some(&payer.pubkey()),
        &blockhash,
    ))
}

/// A legacy transaction of `instructions` with the newest blockhash, paid and signed by
/// `payer`.
fn paid_by(rt: &Runtime, payer: &Signer, instructions: &[Instruction]) -> VersionedTransaction {
    sign(legacy(instructions, payer, latest(rt)), &[payer])
}

fn transfer(from: Pubkey, to: Pubkey, lamports: u64) -> Instruction {
    Instruction::new_with_bincode(
        system_program::id(),
        &(2u32, lamports),
        vec![AccountMeta::new(from, true), AccountMeta::new(to, false)],
    )
}

fn latest(runtime: &Runtime) -> Hash {
    Hash::new_from_array(runtime.blockhash_queue.last().blockhash)
}

fn funded(runtime: &mut Runtime, key: Pubkey, lamports: u64) {
    runtime
        .store
        .set(key, new_account(lamports, 0, &system_program::id()));
}

fn lamports(runtime: &Runtime, key: &Pubkey) -> u64 {
    runtime
        .store
        .get(key)
        .map_or(0, |account| account.lamports())
}

fn send(runtime: &mut Runtime, transaction: &VersionedTransaction) -> TransactionOutcome {
    runtime.process_versioned_transaction(transaction, &TransactionOptions::default(), None)
}

const SOL: u64 = 1_000_000_000;

#[test]
fn a_transfer_pays_5000_lamports_per_signature() {
    let mut rt = runtime();
    let payer = Signer::new(1);
    let bob = Pubkey::new_unique();
    funded(&mut rt, payer.pubkey(), SOL);
    let blockhash = latest(&rt);
    let tx = sign(
        legacy(&[transfer(payer.pubkey(), bob, SOL / 2)], &payer, blockhash),
        &[&payer],
    );
    let outcome = send(&mut rt, &tx);
    assert_eq!(outcome.result, Ok(()));
    assert_eq!(
        outcome.fee,
        Some(FeeDetails {
            transaction_fee: 5_000,
            prioritization_fee: 0
        })
    );
    assert_eq!(outcome.compute_units_consumed, 150);
    assert_eq!(lamports(&rt, &payer.pubkey()), SOL / 2 - 5_000);
    assert_eq!(lamports(&rt, &bob), SOL / 2);
    // The same transaction again is AlreadyProcessed and charges nothing.
    assert_eq!(
        send(&mut rt, &tx).result,
        Err(TransactionError::AlreadyProcessed)
    );
    assert_eq!(lamports(&rt, &payer.pubkey()), SOL / 2 - 5_000);
}

#[test]
fn unit_limit_and_price_set_the_prioritization_fee() {
    let mut rt = runtime();
    let payer = Signer::new(2);
    funded(&mut rt, payer.pubkey(), SOL);
    // Each Compute Budget instruction costs 150 units, as the transfer does.
    let limit = Instruction::new_with_bytes(
        compute_budget::id(),
        &[&[2u8][..], &450u32.to_le_bytes()].concat(),
        vec![],
    );
    let price = Instruction::new_with_bytes(
        compute_budget::id(),
        &[&[3u8][..], &2_500_000u64.to_le_bytes()].concat(),
        vec![],
    );
    let bob = Pubkey::new_unique();
    let tx = paid_by(
        &rt,
        &payer,
        &[limit, price, transfer(payer.pubkey(), bob, 1_000_000)],
    );
    let outcome = send(&mut rt, &tx);
    assert_eq!(outcome.result, Ok(()));
    // 2.5 lamports per unit of the 450-unit limit.
    assert_eq!(outcome.fee.unwrap().prioritization_fee, 1_125);
    assert_eq!(outcome.compute_units_consumed, 450);
    assert_eq!(lamports(&rt, &payer.pubkey()), SOL - 1_000_000 - 6_125);
    // A limit below what runs: the transaction fails, and still pays.
    let limit = Instruction::new_with_bytes(
        compute_budget::id(),
        &[&[2u8][..], &200u32.to_le_bytes()].concat(),
        vec![],
    );
    let tx = paid_by(&rt, &payer, &[limit, transfer(payer.pubkey(), bob, 1)]);
    let outcome = send(&mut rt, &tx);
    assert_eq!(
        outcome.result,
        Err(TransactionError::InstructionError(
            1,
            InstructionError::ComputationalBudgetExceeded
        ))
    );
    assert_eq!(
        lamports(&rt, &payer.pubkey()),
        SOL - 1_000_000 - 6_125 - 5_000
    );
}

#[test]
fn a_failing_transaction_still_pays_its_fee_and_changes_nothing_else() {
    let mut rt = runtime();
    let payer = Signer::new(3);
    let bob = Pubkey::new_unique();
    funded(&mut rt, payer.pubkey(), SOL);
    let tx = paid_by(&rt, &payer, &[transfer(payer.pubkey(), bob, 2 * SOL)]);
    let outcome = send(&mut rt, &tx);
    assert_eq!(
        outcome.result,
        Err(TransactionError::InstructionError(
            0,
            InstructionError::Custom(1)
        ))
    );
    assert_eq!(outcome.fee.unwrap().total(), 5_000);
    assert_eq!(lamports(&rt, &payer.pubkey()), SOL - 5_000);
    assert_eq!(lamports(&rt, &bob), 0);
}

#[test]
fn checks_before_execution_charge_nothing() {
    let mut rt = runtime();
    let payer = Signer::new(4);
    let bob = Pubkey::new_unique();
    funded(&mut rt, payer.pubkey(), SOL);
    let message = legacy(&[transfer(payer.pubkey(), bob, 1)], &payer, latest(&rt));
    // A wrong signature.
    let mut tx = sign(message.clone(), &[&payer]);
    tx.signatures[0] = Signature::from([7; 64]);
    assert_eq!(
        send(&mut rt, &tx).result,
        Err(TransactionError::SignatureFailure)
    );
    // Too few signatures.
    let unsigned = VersionedTransaction {
        signatures: vec![],
        message: message.clone(),
    };
    assert_eq!(
        send(&mut rt, &unsigned).result,
        Err(TransactionError::SanitizeFailure)
    );
    // Over the 1,232-byte packet.
    let big = Instruction::new_with_bytes(system_program::id(), &[0; 1_300], vec![]);
    let tx = paid_by(&rt, &payer, &[big]);
    assert_eq!(
        send(&mut rt, &tx).result,
        Err(TransactionError::SanitizeFailure)
    );
    // A key twice (two lookups of one address), an instruction naming a key out of range.
    let mut twice = paid_by(&rt, &payer, &[transfer(payer.pubkey(), bob, 1)]);
    if let VersionedMessage::Legacy(message) = &mut twice.message {
        message.account_keys[1] = payer.pubkey();
    }
    let twice = sign(twice.message, &[&payer]);
    assert_eq!(
        send(&mut rt, &twice).result,
        Err(TransactionError::AccountLoadedTwice)
    );
    let mut out_of_range = paid_by(&rt, &payer, &[transfer(payer.pubkey(), bob, 1)]);
    if let VersionedMessage::Legacy(message) = &mut out_of_range.message {
        message.instructions[0].accounts[1] = 9;
    }
    assert_eq!(
        send(&mut rt, &out_of_range).result,
        Err(TransactionError::SanitizeFailure)
    );
    // An unknown blockhash, and one that aged out.
    let tx = sign(
        legacy(
            &[transfer(payer.pubkey(), bob, 1)],
            &payer,
            Hash::new_from_array([9; 32]),
        ),
        &[&payer],
    );
    assert_eq!(
        send(&mut rt, &tx).result,
        Err(TransactionError::BlockhashNotFound)
    );
    let old = latest(&rt);
    for _ in 0..=MAX_PROCESSING_AGE {
        rt.blockhash_queue.advance();
    }
    let tx = sign(
        legacy(&[transfer(payer.pubkey(), bob, 1)], &payer, old),
        &[&payer],
    );
    assert_eq!(
        send(&mut rt, &tx).result,
        Err(TransactionError::BlockhashNotFound)
    );
    // A fee payer that cannot pay, or does not exist.
    let poor = Signer::new(5);
    funded(&mut rt, poor.pubkey(), 4_999);
    let tx = paid_by(&rt, &poor, &[transfer(poor.pubkey(), bob, 1)]);
    assert_eq!(
        send(&mut rt, &tx).result,
        Err(TransactionError::InsufficientFundsForFee)
    );
    let nobody = Signer::new(6);
    let tx = paid_by(&rt, &nobody, &[transfer(nobody.pubkey(), bob, 1)]);
    assert_eq!(
        send(&mut rt, &tx).result,
        Err(TransactionError::AccountNotFound)
    );
    // A payer left below the rent-exempt minimum of its data... (a System account with data
    // cannot pay at all).
    rt.store
        .set(poor.pubkey(), new_account(SOL, 8, &system_program::id()));
    let tx = paid_by(&rt, &poor, &[transfer(poor.pubkey(), bob, 1)]);
    assert_eq!(
        send(&mut rt, &tx).result,
        Err(TransactionError::InvalidAccountForFee)
    );
    // Two Compute Budget instructions of a kind.
    let limit = Instruction::new_with_bytes(
        compute_budget::id(),
        &[&[2u8][..], &300u32.to_le_bytes()].concat(),
        vec![],
    );
    let tx = paid_by(&rt, &payer, &[limit.clone(), limit]);
    assert_eq!(
        send(&mut rt, &tx).result,
        Err(TransactionError::DuplicateInstruction(1))
    );
    assert_eq!(lamports(&rt, &payer.pubkey()), SOL);
}

#[test]
fn simulation_commits_nothing() {
    let mut rt = runtime();
    let payer = Signer::new(7);
    let bob = Pubkey::new_unique();
    funded(&mut rt, payer.pubkey(), SOL);
    let tx = paid_by(&rt, &payer, &[transfer(payer.pubkey(), bob, SOL / 10)]);
    let options = TransactionOptions {
        simulate: true,
        ..TransactionOptions::default()
    };
    let outcome = rt.process_versioned_transaction(&tx, &options, None);
    assert_eq!(outcome.result, Ok(()));
    assert_eq!(outcome.fee.unwrap().total(), 5_000);
    assert_eq!(lamports(&rt, &payer.pubkey()), SOL);
    assert_eq!(lamports(&rt, &bob), 0);
    // Sending it afterwards works: simulation remembered no signature.
    assert_eq!(send(&mut rt, &tx).result, Ok(()));
    assert_eq!(lamports(&rt, &bob), SOL / 10);
    // A transfer that leaves a new account below the rent-exempt minimum fails after
    // execution, and pays.
    let carol = Pubkey::new_unique();
    let tx = paid_by(&rt, &payer, &[transfer(payer.pubkey(), carol, 10)]);
    assert_eq!(
        send(&mut rt, &tx).result,
        Err(TransactionError::InsufficientFundsForRent { account_index: 1 })
    );
    assert_eq!(lamports(&rt, &payer.pubkey()), SOL - SOL / 10 - 10_000);
}

#[test]
fn a_durable_nonce_transaction_advances_its_nonce() {
    let mut rt = runtime();
    let payer = Signer::new(8);
    let nonce_key = Pubkey::new_unique();
    let bob = Pubkey::new_unique();
    funded(&mut rt, payer.pubkey(), SOL);
    let stored = DurableNonce::from_blockhash(&Hash::new_from_array([3; 32]));
    let state = NonceState::Initialized(NonceData::new(payer.pubkey(), stored, 5_000));
    let data = bincode::serialize(&NonceVersions::new(state)).unwrap();
    rt.store.set(
        nonce_key,
        Account {
            lamports: SOL,
            data,
            owner: system_program::id(),
            executable: false,
            rent_epoch: 0,
        },
    );
    let advance = Instruction::new_with_bytes(
        system_program::id(),
        &4u32.to_le_bytes(),
        vec![
            AccountMeta::new(nonce_key, false),
            AccountMeta::new_readonly(sysvar::recent_blockhashes::id(), false),
            AccountMeta::new_readonly(payer.pubkey(), true),
        ],
    );
    // Failing after the advance: the fee is paid and the nonce advanced all the same.
    let tx = sign(
        legacy(
            &[advance.clone(), transfer(payer.pubkey(), bob, 2 * SOL)],
            &payer,
            *stored.as_hash(),
        ),
        &[&payer],
    );
    let outcome = send(&mut rt, &tx);
    assert_eq!(
        outcome.result,
        Err(TransactionError::InstructionError(
            1,
            InstructionError::Custom(1)
        ))
    );
    assert_eq!(lamports(&rt, &payer.pubkey()), SOL - 5_000);
    let nonce_data = rt.store.get(&nonce_key).unwrap().data().to_vec();
    let NonceState::Initialized(advanced) = bincode::deserialize::<NonceVersions>(&nonce_data)
        .unwrap()
        .state()
        .clone()
    else {
        panic!("still initialized")
    };
    assert_ne!(advanced.durable_nonce, stored);
    // The old nonce no longer works.
    let tx = sign(
        legacy(
            &[advance, transfer(payer.pubkey(), bob, 1)],
            &payer,
            *stored.as_hash(),
        ),
        &[&payer],
    );
    assert_eq!(
        send(&mut rt, &tx).result,
        Err(TransactionError::BlockhashNotFound)
    );
}

#[test]
fn a_v0_transaction_loads_accounts_through_a_lookup_table() {
    let mut rt = runtime();
    let payer = Signer::new(9);
    let bob = Pubkey::new_unique();
    let table_key = Pubkey::new_unique();
    funded(&mut rt, payer.pubkey(), SOL);
    rt.store.set(
        table_key,
        Account {
            lamports: SOL,
            data: lookup_table_account_data(&[Pubkey::new_unique(), bob], None),
            owner: address_lookup_table::id(),
            executable: false,
            rent_epoch: 0,
        },
    );
    let table = AddressLookupTableAccount {
        key: table_key,
        addresses: vec![Pubkey::new_unique(), bob],
    };
    let message = v0::Message::try_compile(
        &payer.pubkey(),
        &[transfer(payer.pubkey(), bob, SOL / 10)],
        std::slice::from_ref(&table),
        latest(&rt),
    )
    .unwrap();
    assert_eq!(message.address_table_lookups.len(), 1);
    let tx = sign(VersionedMessage::V0(message), &[&payer]);
    let outcome = send(&mut rt, &tx);
    assert_eq!(outcome.result, Ok(()));
    assert_eq!(lamports(&rt, &bob), SOL / 10);
    // A table the store does not have, or one owned by another program.
    let missing = AddressLookupTableAccount {
        key: Pubkey::new_unique(),
        addresses: vec![bob],
    };
    let message = v0::Message::try_compile(
        &payer.pubkey(),
        &[transfer(payer.pubkey(), bob, 1)],
        &[missing],
        latest(&rt),
    )
    .unwrap();
    let tx = sign(VersionedMessage::V0(message), &[&payer]);
    assert_eq!(
        send(&mut rt, &tx).result,
        Err(TransactionError::AddressLookupTableNotFound)
    );
}

#[test]
fn the_loaded_accounts_data_size_counts_64_bytes_per_account_and_the_data() {
    let mut rt = runtime();
    let payer = Signer::new(10);
    let bob = Pubkey::new_unique();
    funded(&mut rt, payer.pubkey(), SOL);
    let limit = |bytes: u32| {
        Instruction::new_with_bytes(
            compute_budget::id(),
            &[&[4u8][..], &bytes.to_le_bytes()].concat(),
            vec![],
        )
    };
    // The payer 64 + 0, bob (absent) 0, the System program 64 + 14 ("system_program"), the
    // Compute Budget program 64 + 22 ("compute_budget_program"): 228 bytes.
    let tx = paid_by(
        &rt,
        &payer,
        &[limit(228), transfer(payer.pubkey(), bob, SOL / 10)],
    );
    assert_eq!(send(&mut rt, &tx).result, Ok(()));
    let tx = paid_by(
        &rt,
        &payer,
        &[limit(227), transfer(payer.pubkey(), bob, SOL / 10)],
    );
    let outcome = send(&mut rt, &tx);
    assert_eq!(
        outcome.result,
        Err(TransactionError::MaxLoadedAccountsDataSizeExceeded)
    );
    // A loading failure still pays its fee.
    assert_eq!(outcome.fee.unwrap().total(), 5_000);
    assert_eq!(lamports(&rt, &payer.pubkey()), SOL - SOL / 10 - 10_000);
}

/// An ed25519 precompile instruction whose one signature's offsets point past its data.
fn broken_ed25519_instruction() -> Instruction {
    let mut data = vec![1u8, 0];
    data.extend_from_slice(&[0xff; 14]);
    Instruction::new_with_bytes(solana_sdk_ids::ed25519_program::id(), &data, vec![])
}

#[test]
fn without_simd_0159_a_failing_precompile_rejects_the_transaction_unpaid() {
    use sbfvm_runtime::features::ids::MOVE_PRECOMPILE_VERIFICATION_TO_SVM;
    let payer = Signer::new(20);
    let mut before = runtime_without(&[MOVE_PRECOMPILE_VERIFICATION_TO_SVM]);
    funded(&mut before, payer.pubkey(), SOL);
    let tx = paid_by(&before, &payer, &[broken_ed25519_instruction()]);
    let outcome = send(&mut before, &tx);
    assert!(matches!(
        outcome.result,
        Err(TransactionError::InstructionError(
            0,
            InstructionError::Custom(_)
        ))
    ));
    assert_eq!(outcome.fee, None);
    assert_eq!(lamports(&before, &payer.pubkey()), SOL);
    // With SIMD-0159 the precompile fails during execution, and the fee is paid.
    let mut after = runtime();
    funded(&mut after, payer.pubkey(), SOL);
    let tx = paid_by(&after, &payer, &[broken_ed25519_instruction()]);
    let outcome = send(&mut after, &tx);
    assert!(outcome.fee.is_some());
    assert!(lamports(&after, &payer.pubkey()) < SOL);
}

#[test]
fn a_durable_nonce_that_does_not_verify_is_blockhash_not_found_before_the_compute_budget() {
    let mut rt = runtime();
    let payer = Signer::new(21);
    funded(&mut rt, payer.pubkey(), SOL);
    // The nonce account does not exist; the compute budget is invalid as well.
    let advance = Instruction::new_with_bytes(
        system_program::id(),
        &4u32.to_le_bytes(),
        vec![
            AccountMeta::new(Pubkey::new_unique(), false),
            AccountMeta::new_readonly(sysvar::recent_blockhashes::id(), false),
            AccountMeta::new_readonly(payer.pubkey(), true),
        ],
    );
    let limit = Instruction::new_with_bytes(
        compute_budget::id(),
        &[&[2u8][..], &300u32.to_le_bytes()].concat(),
        vec![],
    );
    let tx = sign(
        legacy(
            &[advance, limit.clone(), limit],
            &payer,
            Hash::new_from_array([3; 32]),
        ),
        &[&payer],
    );
    assert_eq!(
        send(&mut rt, &tx).result,
        Err(TransactionError::BlockhashNotFound)
    );
}

#[test]
fn without_simd_0082_a_load_failure_charges_nothing() {
    use sbfvm_runtime::features::ids::ENABLE_TRANSACTION_LOADING_FAILURE_FEES;
    let payer = Signer::new(22);
    let missing_program = Instruction::new_with_bytes(Pubkey::new_unique(), &[], vec![]);
    let mut before = runtime_without(&[ENABLE_TRANSACTION_LOADING_FAILURE_FEES]);
    funded(&mut before, payer.pubkey(), SOL);
    let tx = paid_by(&before, &payer, std::slice::from_ref(&missing_program));
    let outcome = send(&mut before, &tx);
    assert_eq!(
        outcome.result,
        Err(TransactionError::ProgramAccountNotFound)
    );
    assert_eq!(outcome.fee, None);
    assert_eq!(lamports(&before, &payer.pubkey()), SOL);
    let mut after = runtime();
    funded(&mut after, payer.pubkey(), SOL);
    let tx = paid_by(&after, &payer, &[missing_program]);
    let outcome = send(&mut after, &tx);
    assert_eq!(
        outcome.result,
        Err(TransactionError::ProgramAccountNotFound)
    );
    assert_eq!(lamports(&after, &payer.pubkey()), SOL - 5_000);
}

#[test]
fn a_signature_costs_5000_lamports_unless_the_blockhash_records_zero() {
    use sbfvm_runtime::sysvars::BlockhashEntry;
    let payer = Signer::new(23);
    let bob = Pubkey::new_unique();
    for (recorded, expected_fee) in [(7, 5_000), (0, 0)] {
        let mut rt = runtime();
        funded(&mut rt, payer.pubkey(), SOL);
        rt.blockhash_queue.register(BlockhashEntry {
            blockhash: [recorded as u8 + 1; 32],
            lamports_per_signature: recorded,
        });
        let tx = paid_by(&rt, &payer, &[transfer(payer.pubkey(), bob, SOL / 2)]);
        let outcome = send(&mut rt, &tx);
        assert_eq!(outcome.result, Ok(()));
        assert_eq!(
            outcome.fee.map(|fee| fee.transaction_fee),
            Some(expected_fee)
        );
    }
}

#[test]
fn the_newer_reserved_keys_are_demoted_only_with_their_feature() {
    use sbfvm_runtime::features::ids::ADD_NEW_RESERVED_ACCOUNT_KEYS;
    let payer = Signer::new(24);
    let bob = Pubkey::new_unique();
    let mut transfer_naming_compute_budget = transfer(payer.pubkey(), bob, SOL / 2);
    transfer_naming_compute_budget
        .accounts
        .push(AccountMeta::new(compute_budget::id(), false));
    for (mut rt, demoted) in [
        (runtime(), true),
        (runtime_without(&[ADD_NEW_RESERVED_ACCOUNT_KEYS]), false),
    ] {
        funded(&mut rt, payer.pubkey(), SOL);
        let tx = paid_by(
            &rt,
            &payer,
            std::slice::from_ref(&transfer_naming_compute_budget),
        );
        let outcome = send(&mut rt, &tx);
        assert_eq!(outcome.result, Ok(()));
        let index = outcome
            .account_keys
            .iter()
            .position(|key| *key == compute_budget::id())
            .unwrap();
        assert_eq!(outcome.writable[index], !demoted);
    }
}

#[test]
fn too_many_keys_is_reported_before_a_duplicate_key() {
    let mut rt = runtime();
    let payer = Signer::new(11);
    funded(&mut rt, payer.pubkey(), SOL);
    // 66 read-only keys through a lookup table (the packet is too small for them as static
    // keys), one of them loaded twice: 68 keys with the payer and the System program.
    let addresses: Vec<Pubkey> = (0..66).map(|_| Pubkey::new_unique()).collect();
    let table = Pubkey::new_unique();
    rt.store.set(
        table,
        Account {
            lamports: SOL,
            data: lookup_table_account_data(&addresses, None),
            owner: address_lookup_table::id(),
            executable: false,
            rent_epoch: 0,
        },
    );
    let metas = addresses
        .iter()
        .map(|key| AccountMeta::new_readonly(*key, false))
        .collect();
    let noop = Instruction::new_with_bytes(system_program::id(), &[], metas);
    let mut message = v0::Message::try_compile(
        &payer.pubkey(),
        &[noop],
        &[AddressLookupTableAccount {
            key: table,
            addresses,
        }],
        latest(&rt),
    )
    .unwrap();
    message.address_table_lookups[0].readonly_indexes.push(0);
    let tx = sign(VersionedMessage::V0(message), &[&payer]);
    assert_eq!(
        send(&mut rt, &tx).result,
        Err(TransactionError::TooManyAccountLocks)
    );
}

/// A runtime without SIMD-0162 (`remove_accounts_executable_flag_checks`), with a funded
/// payer made from `seed`.
fn before_simd_0162(seed: u8) -> (Runtime, Signer) {
    let mut rt = runtime();
    let mut features = (*rt.features).clone();
    features.deactivate(&sbfvm_runtime::features::ids::REMOVE_ACCOUNTS_EXECUTABLE_FLAG_CHECKS);
    rt.set_features(features);
    let payer = Signer::new(seed);
    funded(&mut rt, payer.pubkey(), SOL);
    (rt, payer)
}

#[test]
fn before_simd_0162_a_programs_loader_account_must_exist() {
    let (mut rt, payer) = before_simd_0162(12);
    let program = Pubkey::new_unique();
    // The program's account (owner, executable), then the result of one call: `data`
    // differs each time (the same transaction again would be AlreadyProcessed).
    let mut call = |owner: Pubkey, executable: bool, data: u8, metas: Vec<AccountMeta>| {
        let account = Account {
            lamports: SOL,
            data: vec![],
            owner,
            executable,
            rent_epoch: 0,
        };
        rt.store.set(program, account);
        let instruction = Instruction::new_with_bytes(program, &[data], metas);
        let tx = paid_by(&rt, &payer, &[instruction]);
        send(&mut rt, &tx).result
    };
    let upgradeable = solana_sdk_ids::bpf_loader_upgradeable::id();
    // Owned by loader-v4, whose account this bank does not hold.
    assert_eq!(
        call(solana_sdk_ids::loader_v4::id(), true, 0, vec![]),
        Err(TransactionError::ProgramAccountNotFound)
    );
    // Not executable: a loader's account passed as an instruction account too, or one no
    // loader owns.
    let as_account = vec![AccountMeta::new_readonly(program, false)];
    assert_eq!(
        call(upgradeable, false, 1, as_account),
        Err(TransactionError::InvalidProgramForExecution)
    );
    assert_eq!(
        call(system_program::id(), false, 2, vec![]),
        Err(TransactionError::InvalidProgramForExecution)
    );
    // A loader's account that no instruction passes loads as the program cache's entry,
    // executable whatever its flag (`solana-svm 2.1.0, load_transaction_account`): the
    // loader runs it.
    assert!(matches!(
        call(upgradeable, false, 3, vec![]),
        Err(TransactionError::InstructionError(0, _))
    ));
}

#[test]
fn before_simd_0162_the_native_loader_and_a_system_owned_program() {
    let (mut rt, payer) = before_simd_0162(13);
    // The native loader's own id loads without a program account, then cannot run.
    let call = Instruction::new_with_bytes(solana_sdk_ids::native_loader::id(), &[], vec![]);
    let tx = paid_by(&rt, &payer, &[call]);
    assert_eq!(
        send(&mut rt, &tx).result,
        Err(TransactionError::InstructionError(
            0,
            InstructionError::UnsupportedProgramId
        ))
    );
    // An executable account the System program owns is run by the System program (the
    // owner is the builtin's key), and the Instructions sysvar as a program is found but
    // not executable.
    let program = Pubkey::new_unique();
    rt.store.set(
        program,
        Account {
            lamports: SOL,
            data: vec![],
            owner: system_program::id(),
            executable: true,
            rent_epoch: 0,
        },
    );
    let tx = paid_by(
        &rt,
        &payer,
        &[Instruction::new_with_bytes(program, &[9, 9], vec![])],
    );
    let outcome = send(&mut rt, &tx);
    assert_eq!(
        outcome.result,
        Err(TransactionError::InstructionError(
            0,
            InstructionError::InvalidInstructionData
        ))
    );
    assert_eq!(outcome.compute_units_consumed, 150);
    let call = Instruction::new_with_bytes(solana_sdk_ids::sysvar::instructions::id(), &[], vec![]);
    let tx = paid_by(&rt, &payer, &[call]);
    assert_eq!(
        send(&mut rt, &tx).result,
        Err(TransactionError::InvalidProgramForExecution)
    );
}
