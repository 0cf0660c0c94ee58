//! The `transaction` target: any bytes read as a serialized `VersionedTransaction` (legacy
//! or v0) and sent through `Sbfvm::send_transaction` over a prepared account store (a
//! funded fee payer, recipients, an address lookup table, an initialized nonce account
//! whose authority is the payer, a deployed program), signature verification off so that
//! mutated transactions get past it.
//!
//! Checks, besides "no panic": a transaction rejected before its fee changes nothing; one
//! that was charged moves exactly its fee out of circulation (lamports are conserved
//! otherwise); one that was charged and failed changes only its fee payer and its nonce
//! account. Every input starts from the same store, blockhash queue and status cache.

use std::cell::RefCell;
use std::collections::BTreeMap;

use bincode::Options;
use sbfvm::runtime::transaction::lookup_table::lookup_table_account_data;
use sbfvm::signer::{sign_transaction, Signer};
use sbfvm::{
    message_v0, Account, AddressLookupTableAccount, Config, Hash, Instruction, Loader, Message,
    Pubkey, ReadableAccount, Sbfvm, VersionedMessage, VersionedTransaction,
};
use solana_instruction::AccountMeta;

/// The largest input read: a few packets (bigger ones are rejected by size anyway).
const MAX_INPUT: u64 = 4 * 1232;

/// The prepared world: the VM and the store every input starts from.
struct World {
    vm: Sbfvm,
    store: sbfvm::runtime::AccountStore,
    queue: sbfvm::runtime::transaction::blockhash::BlockhashQueue,
    environment: sbfvm::runtime::EnvironmentConfig,
}

thread_local! {
    static WORLD: RefCell<World> = RefCell::new(world());
}

const SOL: u64 = 1_000_000_000;

fn payer() -> Signer {
    Signer::from_seed("fuzz payer")
}

fn key(name: &str) -> Pubkey {
    Signer::from_seed(name).pubkey()
}

fn program_id() -> Pubkey {
    key("fuzz program")
}

fn table_id() -> Pubkey {
    key("fuzz table")
}

fn nonce_id() -> Pubkey {
    key("fuzz nonce")
}

fn recipients() -> Vec<Pubkey> {
    ["alice", "bob", "carol"].map(key).to_vec()
}

fn world() -> World {
    let mut vm = Sbfvm::new(Config::default()).expect("a default VM");
    vm.set_signature_verification(false);
    let elf = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/log.so");
    vm.add_program_file(program_id(), Loader::Upgradeable, elf)
        .expect("log.so loads");
    vm.airdrop(&payer().pubkey(), 1_000 * SOL);
    for recipient in recipients() {
        vm.airdrop(&recipient, SOL);
    }
    vm.set_account(
        table_id(),
        Account {
            lamports: SOL,
            data: lookup_table_account_data(&recipients(), None),
            owner: solana_sdk_ids::address_lookup_table::id(),
            executable: false,
            rent_epoch: 0,
        },
    );
    // A nonce whose durable nonce comes from an older blockhash, so it can advance now.
    let stored = solana_nonce::state::DurableNonce::from_blockhash(&Hash::new_from_array([3; 32]));
    let state = solana_nonce::state::State::Initialized(solana_nonce::state::Data::new(
        payer().pubkey(),
        stored,
        5_000,
    ));
    vm.set_account(
        nonce_id(),
        Account {
            lamports: SOL,
            data: bincode::serialize(&solana_nonce::versions::Versions::new(state))
                .expect("a nonce state serializes"),
            owner: solana_sdk_ids::system_program::id(),
            executable: false,
            rent_epoch: 0,
        },
    );
    let runtime = vm.runtime();
    let (store, queue, environment) = (
        runtime.store.clone(),
        runtime.blockhash_queue.clone(),
        runtime.environment,
    );
    World {
        vm,
        store,
        queue,
        environment,
    }
}

fn transfer(to: Pubkey, lamports: u64) -> Instruction {
    Instruction::new_with_bincode(
        solana_sdk_ids::system_program::id(),
        &(2u32, lamports),
        vec![
            AccountMeta::new(payer().pubkey(), true),
            AccountMeta::new(to, false),
        ],
    )
}

/// Seed inputs: a legacy transfer with a Compute Budget price and the program, a v0
/// transfer through the table, and a durable-nonce transfer.
pub fn seeds() -> Vec<Vec<u8>> {
    let World { vm, .. } = world();
    let payer = payer();
    let blockhash = vm.latest_blockhash();
    let price = Instruction::new_with_bytes(
        solana_sdk_ids::compute_budget::id(),
        &[&[3u8][..], &7u64.to_le_bytes()].concat(),
        vec![],
    );
    let log = Instruction::new_with_bytes(program_id(), &[1, 2], vec![]);
    let legacy = Message::new_with_blockhash(
        &[price, log, transfer(recipients()[0], SOL / 10)],
        Some(&payer.pubkey()),
        &blockhash,
    );
    let v0 = message_v0::Message::try_compile(
        &payer.pubkey(),
        &[transfer(recipients()[1], SOL / 10), transfer(recipients()[2], 5 * SOL)],
        &[AddressLookupTableAccount {
            key: table_id(),
            addresses: recipients(),
        }],
        blockhash,
    )
    .expect("a v0 message compiles");
    let advance = Instruction::new_with_bytes(
        solana_sdk_ids::system_program::id(),
        &4u32.to_le_bytes(),
        vec![
            AccountMeta::new(nonce_id(), false),
            AccountMeta::new_readonly(solana_sdk_ids::sysvar::recent_blockhashes::id(), false),
            AccountMeta::new_readonly(payer.pubkey(), true),
        ],
    );
    let stored = solana_nonce::state::DurableNonce::from_blockhash(&Hash::new_from_array([3; 32]));
    let nonce = Message::new_with_blockhash(
        &[advance, transfer(recipients()[0], 1_000_000)],
        Some(&payer.pubkey()),
        stored.as_hash(),
    );
    [
        VersionedMessage::Legacy(legacy),
        VersionedMessage::V0(v0),
        VersionedMessage::Legacy(nonce),
    ]
    .into_iter()
    .map(|message| {
        bincode::serialize(&sign_transaction(message, &[&payer])).expect("serializes")
    })
    .collect()
}

fn snapshot(vm: &Sbfvm) -> BTreeMap<Pubkey, Account> {
    vm.runtime()
        .store
        .iter()
        .map(|(key, account)| (*key, Account::from(account.clone())))
        .collect()
}

fn total(store: &BTreeMap<Pubkey, Account>) -> u128 {
    store.values().map(|account| u128::from(account.lamports)).sum()
}

pub fn run(data: &[u8]) {
    let Ok(transaction) = bincode::options()
        .with_limit(MAX_INPUT)
        .with_fixint_encoding()
        .allow_trailing_bytes()
        .deserialize::<VersionedTransaction>(data)
    else {
        return;
    };
    WORLD.with(|world| {
        let world = &mut *world.borrow_mut();
        let runtime = world.vm.runtime_mut();
        runtime.store = world.store.clone();
        runtime.blockhash_queue = world.queue.clone();
        runtime.environment = world.environment;
        runtime.processed_signatures.clear();
        check(&mut world.vm, &transaction);
    });
}

fn check(vm: &mut Sbfvm, transaction: &VersionedTransaction) {
    let before = snapshot(vm);
    let outcome = vm.send_transaction(transaction);
    let after = snapshot(vm);
    if crate::debug() {
        eprintln!("{:?} fee {:?}", outcome.result(), outcome.fee());
    }
    let Some(fee) = outcome.fee() else {
        assert!(before == after, "rejected ({:?}) but changed the store", outcome.result());
        return;
    };
    assert_eq!(
        total(&before) - total(&after),
        u128::from(fee.total()),
        "lamports not conserved up to the fee ({:?})",
        outcome.result()
    );
    if outcome.is_ok() {
        return;
    }
    let keys = transaction.message.static_account_keys();
    let nonce = transaction
        .message
        .instructions()
        .first()
        .and_then(|instruction| instruction.accounts.first())
        .and_then(|&index| keys.get(usize::from(index)))
        .copied();
    for (key, account) in &before {
        if *key == keys[0] || Some(*key) == nonce {
            continue;
        }
        assert_eq!(
            after.get(key).map(|a| (a.lamports, a.data(), a.owner)),
            Some((account.lamports, account.data(), account.owner)),
            "a failed transaction ({:?}) changed {key}",
            outcome.result()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_run_and_their_mutations_hold_the_invariants() {
        for seed in seeds() {
            run(&seed);
            for cut in [0, 1, seed.len() / 2, seed.len() - 1] {
                run(&seed[..cut]);
            }
            for at in (0..seed.len()).step_by(7) {
                let mut mutated = seed.clone();
                mutated[at] ^= 0x5a;
                run(&mutated);
            }
        }
    }
}
