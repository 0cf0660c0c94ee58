//! Signed transactions through the library: `send_transaction` with an SBF program, a
//! Compute Budget instruction and a System transfer; the fee on failure; simulation; the
//! blockhash helpers; a v0 message through a lookup table; signature verification off.

use sbfvm::runtime::transaction::lookup_table::lookup_table_account_data;
use sbfvm::signer::{sign_transaction, Signer};
use sbfvm::{
    message_v0, Account, AddressLookupTableAccount, Config, FeeDetails, InstructionError, Loader,
    Message, Pubkey, Sbfvm, TransactionError, VersionedMessage, VersionedTransaction,
};
use solana_instruction::{AccountMeta, Instruction};
use solana_sdk_ids::{address_lookup_table, compute_budget, system_program};

use crate::common::fixtures_dir;
use crate::robustness::Rng;

const SOL: u64 = 1_000_000_000;

fn transfer(from: Pubkey, to: Pubkey, lamports: u64) -> Instruction {
    Instruction::new_with_bincode(
        system_program::id(),
        &(2u32, lamports),
        vec![AccountMeta::new(from, true), AccountMeta::new(to, false)],
    )
}

fn unit_limit(units: u32) -> Instruction {
    Instruction::new_with_bytes(
        compute_budget::id(),
        &[&[2u8][..], &units.to_le_bytes()].concat(),
        vec![],
    )
}

fn unit_price(micro_lamports: u64) -> Instruction {
    Instruction::new_with_bytes(
        compute_budget::id(),
        &[&[3u8][..], &micro_lamports.to_le_bytes()].concat(),
        vec![],
    )
}

fn signed(vm: &Sbfvm, instructions: &[Instruction], signers: &[&Signer]) -> VersionedTransaction {
    let message = Message::new_with_blockhash(
        instructions,
        Some(&signers[0].pubkey()),
        &vm.latest_blockhash(),
    );
    sign_transaction(VersionedMessage::Legacy(message), signers)
}

fn vm_with_log_program() -> (Sbfvm, Pubkey) {
    let mut vm = Sbfvm::new(Config::default()).unwrap();
    let program = Pubkey::new_unique();
    vm.add_program_file(program, Loader::Upgradeable, fixtures_dir().join("log.so"))
        .unwrap();
    (vm, program)
}

#[test]
fn a_program_a_budget_and_a_transfer_in_one_signed_transaction() {
    let (mut vm, program) = vm_with_log_program();
    let payer = Signer::from_seed("payer");
    let bob = Pubkey::new_unique();
    vm.airdrop(&payer.pubkey(), SOL);
    let log = Instruction::new_with_bytes(program, &[0x0a, 0x0b], vec![]);
    let tx = signed(
        &vm,
        &[
            unit_limit(10_000),
            unit_price(1_000_000),
            log,
            transfer(payer.pubkey(), bob, SOL / 4),
        ],
        &[&payer],
    );
    let outcome = vm.send_transaction(&tx);
    assert_eq!(outcome.result(), &Ok(()), "{:?}", outcome.logs());
    // 1 lamport per unit of the 10,000-unit limit.
    assert_eq!(
        outcome.fee(),
        Some(FeeDetails {
            transaction_fee: 5_000,
            prioritization_fee: 10_000
        })
    );
    // Two Compute Budget instructions and the transfer at 150 each, the log program's 738.
    assert_eq!(outcome.compute_units_consumed(), 3 * 150 + 738);
    assert_eq!(outcome.invocations.len(), 4);
    assert!(outcome
        .logs()
        .iter()
        .any(|line| line == "Program log: hello from sbfvm"));
    assert_eq!(
        vm.account(&payer.pubkey()).unwrap().lamports,
        SOL - SOL / 4 - 15_000
    );
    assert_eq!(vm.account(&bob).unwrap().lamports, SOL / 4);
}

#[test]
fn a_failed_transaction_pays_and_a_simulated_one_changes_nothing() {
    let (mut vm, _) = vm_with_log_program();
    let payer = Signer::from_seed("payer");
    vm.airdrop(&payer.pubkey(), SOL);
    let bob = Pubkey::new_unique();
    let too_much = signed(&vm, &[transfer(payer.pubkey(), bob, 2 * SOL)], &[&payer]);
    let simulated = vm.simulate_transaction(&too_much);
    assert_eq!(
        simulated.result(),
        &Err(TransactionError::InstructionError(
            0,
            InstructionError::Custom(1)
        ))
    );
    assert_eq!(vm.account(&payer.pubkey()).unwrap().lamports, SOL);
    let sent = vm.send_transaction(&too_much);
    assert_eq!(sent.result(), simulated.result());
    assert_eq!(sent.fee().unwrap().total(), 5_000);
    assert_eq!(vm.account(&payer.pubkey()).unwrap().lamports, SOL - 5_000);
    assert!(vm.account(&bob).is_none());
}

#[test]
fn blockhashes_expire_and_signatures_are_checked() {
    let mut vm = Sbfvm::new(Config::default()).unwrap();
    let payer = Signer::from_seed("payer");
    let impostor = Signer::from_seed("impostor");
    vm.airdrop(&payer.pubkey(), SOL);
    let bob = Pubkey::new_unique();
    let tx = signed(&vm, &[transfer(payer.pubkey(), bob, SOL / 10)], &[&payer]);
    for _ in 0..151 {
        vm.expire_blockhash();
    }
    assert_eq!(
        vm.send_transaction(&tx).result(),
        &Err(TransactionError::BlockhashNotFound)
    );
    // The payer's transaction signed by another key.
    let genuine = signed(&vm, &[transfer(payer.pubkey(), bob, SOL / 10)], &[&payer]);
    let message_bytes = bincode::serialize(&genuine.message).unwrap();
    let forged = VersionedTransaction {
        signatures: vec![impostor.sign(&message_bytes)],
        ..genuine
    };
    assert_eq!(
        vm.send_transaction(&forged).result(),
        &Err(TransactionError::SignatureFailure)
    );
    assert_eq!(vm.account(&payer.pubkey()).unwrap().lamports, SOL);
    // With verification off, the forged transaction runs.
    vm.set_signature_verification(false);
    assert_eq!(vm.send_transaction(&forged).result(), &Ok(()));
    vm.warp_to_slot(1_000);
    assert_eq!(vm.runtime().sysvars.clock.slot, 1_000);
}

#[test]
fn a_v0_transaction_reads_its_keys_from_a_lookup_table() {
    let mut vm = Sbfvm::new(Config::default()).unwrap();
    let payer = Signer::from_seed("payer");
    vm.airdrop(&payer.pubkey(), SOL);
    let recipients: Vec<Pubkey> = (0..3).map(|_| Pubkey::new_unique()).collect();
    let table = Pubkey::new_unique();
    vm.set_account(
        table,
        Account {
            lamports: SOL,
            data: lookup_table_account_data(&recipients, Some(&payer.pubkey())),
            owner: address_lookup_table::id(),
            executable: false,
            rent_epoch: 0,
        },
    );
    let instructions: Vec<Instruction> = recipients
        .iter()
        .map(|to| transfer(payer.pubkey(), *to, SOL / 10))
        .collect();
    let message = message_v0::Message::try_compile(
        &payer.pubkey(),
        &instructions,
        &[AddressLookupTableAccount {
            key: table,
            addresses: recipients.clone(),
        }],
        vm.latest_blockhash(),
    )
    .unwrap();
    assert_eq!(
        message.account_keys.len(),
        2,
        "payer and the System program are static"
    );
    let outcome = vm.send_transaction(&sign_transaction(VersionedMessage::V0(message), &[&payer]));
    assert_eq!(outcome.result(), &Ok(()));
    for to in &recipients {
        assert_eq!(vm.account(to).unwrap().lamports, SOL / 10);
    }
}

/// `bytes` with a few random bytes overwritten, or cut short.
fn mutate(rng: &mut Rng, bytes: &[u8]) -> Vec<u8> {
    let mut bytes = bytes.to_vec();
    for _ in 0..=rng.next() % 4 {
        match rng.next() % 8 {
            0 => bytes.truncate(rng.next() as usize % (bytes.len() + 1)),
            _ if !bytes.is_empty() => {
                let at = rng.next() as usize % bytes.len();
                bytes[at] = rng.next() as u8;
            }
            _ => {}
        }
    }
    bytes
}

/// Every account the store holds, by key, for comparisons.
fn store_snapshot(vm: &Sbfvm) -> std::collections::BTreeMap<Pubkey, Account> {
    vm.runtime()
        .store
        .iter()
        .map(|(key, account)| (*key, Account::from(account.clone())))
        .collect()
}

/// Mutated serialized transactions — valid ones, nonce ones, v0 ones through a table — over
/// a prepared store, with signature verification off so that mutations get past it:
/// nothing panics; a transaction that charged nothing changed nothing; one that charged a
/// fee and failed changed only its fee payer and nonce account; lamports are conserved up
/// to the fee (which leaves circulation).
#[test]
fn mutated_transactions_keep_the_store_consistent() {
    let mut vm = Sbfvm::new(Config::default()).unwrap();
    vm.set_signature_verification(false);
    let payer = Signer::from_seed("payer");
    vm.airdrop(&payer.pubkey(), 1_000 * SOL);
    let recipients: Vec<Pubkey> = (0..3).map(|_| Pubkey::new_unique()).collect();
    for recipient in &recipients {
        vm.airdrop(recipient, SOL);
    }
    let table = Pubkey::new_unique();
    vm.set_account(
        table,
        Account {
            lamports: SOL,
            data: lookup_table_account_data(&recipients, None),
            owner: address_lookup_table::id(),
            executable: false,
            rent_epoch: 0,
        },
    );
    let instructions = [
        unit_limit(600),
        unit_price(3_000_000),
        transfer(payer.pubkey(), recipients[0], SOL / 100),
        transfer(payer.pubkey(), recipients[1], 7 * SOL),
    ];
    let legacy = signed(&vm, &instructions, &[&payer]);
    let v0 = sign_transaction(
        VersionedMessage::V0(
            message_v0::Message::try_compile(
                &payer.pubkey(),
                &instructions,
                &[AddressLookupTableAccount {
                    key: table,
                    addresses: recipients.clone(),
                }],
                vm.latest_blockhash(),
            )
            .unwrap(),
        ),
        &[&payer],
    );
    let seeds: Vec<Vec<u8>> = [legacy, v0]
        .iter()
        .map(|tx| bincode::serialize(tx).unwrap())
        .collect();
    let mut rng = Rng(0x5EED_0014);
    let (mut decoded, mut charged, mut failed_and_charged) = (0, 0, 0);
    for round in 0..3_000 {
        let bytes = mutate(&mut rng, &seeds[round % seeds.len()]);
        let Ok(transaction) = bincode::deserialize::<VersionedTransaction>(&bytes) else {
            continue;
        };
        decoded += 1;
        let before = store_snapshot(&vm);
        let outcome = vm.send_transaction(&transaction);
        let after = store_snapshot(&vm);
        let total = |store: &std::collections::BTreeMap<Pubkey, Account>| {
            store.values().map(|a| u128::from(a.lamports)).sum::<u128>()
        };
        let Some(fee) = outcome.fee() else {
            assert!(
                before == after,
                "round {round}: rejected but changed the store"
            );
            continue;
        };
        charged += 1;
        assert_eq!(
            total(&before) - total(&after),
            u128::from(fee.total()),
            "round {round}: lamports not conserved ({:?})",
            outcome.result()
        );
        if outcome.is_ok() {
            continue;
        }
        failed_and_charged += 1;
        let fee_payer = transaction.message.static_account_keys()[0];
        // A durable-nonce transaction's nonce account is its first instruction's first
        // account; anything else must be untouched.
        let nonce = transaction
            .message
            .instructions()
            .first()
            .and_then(|instruction| instruction.accounts.first())
            .and_then(|&index| {
                transaction
                    .message
                    .static_account_keys()
                    .get(usize::from(index))
            })
            .copied();
        for (key, account) in &before {
            if *key == fee_payer || Some(*key) == nonce {
                continue;
            }
            assert_eq!(
                after.get(key),
                Some(account),
                "round {round}: a failed transaction changed {key} ({:?})",
                outcome.result()
            );
        }
    }
    assert!(decoded > 500, "too few mutations decoded: {decoded}");
    assert!(
        charged > 50 && failed_and_charged > 5,
        "charged {charged}, failed {failed_and_charged}"
    );
}
