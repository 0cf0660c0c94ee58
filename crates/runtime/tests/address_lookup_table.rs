//! The Address Lookup Table program as Agave 2.1's native builtin (before
//! `migrate_address_lookup_table_program_to_core_bpf`): create, extend, freeze, deactivate
//! and close a table, with the errors of a few refusals.

use solana_instruction::{AccountMeta, Instruction};
use solana_pubkey::Pubkey;
use solana_sdk_ids::{address_lookup_table, system_program};

use sbfvm_runtime::features::ids;
use sbfvm_runtime::pda::try_find_program_address;
use sbfvm_runtime::sysvars::{slot_hashes_account_data, SlotHash};
use sbfvm_runtime::transaction::lookup_table::{lookup_table_account_data, LookupTable};
use sbfvm_runtime::{
    InstructionError, ReadableAccount, Runtime, TransactionError, TransactionOutcome,
    TransactionSettings,
};

use crate::common::{new_account, rent_exempt, runtime, runtime_without};

/// The slot SlotHashes lists, and the Clock slot after it.
const RECENT_SLOT: u64 = 40;
const CLOCK_SLOT: u64 = 41;

/// A runtime of Agave 2.1's ALT builtin, at [`CLOCK_SLOT`] with [`RECENT_SLOT`] recent,
/// and a funded payer that is also the authority.
fn alt_runtime() -> (Runtime, Pubkey) {
    let mut rt = runtime_without(&[ids::MIGRATE_ADDRESS_LOOKUP_TABLE_PROGRAM_TO_CORE_BPF]);
    let mut sysvars = (*rt.sysvars).clone();
    sysvars.clock.slot = CLOCK_SLOT;
    sysvars.slot_hashes = Some(slot_hashes_account_data(&[SlotHash {
        slot: RECENT_SLOT,
        hash: [1; 32],
    }]));
    rt.set_sysvars(sysvars);
    let payer = Pubkey::new_unique();
    rt.store
        .set(payer, new_account(10_000_000_000, 0, &system_program::id()));
    (rt, payer)
}

fn run(rt: &mut Runtime, data: Vec<u8>, accounts: Vec<AccountMeta>) -> TransactionOutcome {
    let instruction = Instruction::new_with_bytes(address_lookup_table::id(), &data, accounts);
    rt.process_transaction(&[instruction], &TransactionSettings::default(), None)
}

/// bincode `ProgramInstruction`: the u32 tag, then the fields.
fn data(tag: u32, fields: &[&[u8]]) -> Vec<u8> {
    [&tag.to_le_bytes()[..], &fields.concat()].concat()
}

/// Table (writable) and authority (signer), then `rest`.
fn table_accounts(table: Pubkey, authority: Pubkey, rest: &[AccountMeta]) -> Vec<AccountMeta> {
    let mut metas = vec![
        AccountMeta::new(table, false),
        AccountMeta::new_readonly(authority, true),
    ];
    metas.extend_from_slice(rest);
    metas
}

fn table_of(rt: &Runtime, table: &Pubkey) -> LookupTable {
    LookupTable::decode(rt.store.get(table).expect("the table").data()).expect("a table")
}

#[test]
fn a_table_is_created_extended_deactivated_and_closed() {
    let (mut rt, authority) = alt_runtime();
    let (table, bump) = try_find_program_address(
        &[authority.as_ref(), &RECENT_SLOT.to_le_bytes()],
        &address_lookup_table::id(),
    )
    .unwrap();
    let create = data(0, &[&RECENT_SLOT.to_le_bytes(), &[bump]]);
    let create_accounts = vec![
        AccountMeta::new(table, false),
        AccountMeta::new_readonly(authority, true),
        AccountMeta::new(authority, true),
        AccountMeta::new_readonly(system_program::id(), false),
    ];
    let outcome = run(&mut rt, create, create_accounts);
    assert_eq!(outcome.result, Ok(()), "{:#?}", outcome.logs);
    // 750, then three System CPIs (transfer, allocate, assign) at 150 each.
    assert_eq!(outcome.compute_units_consumed, 750 + 3 * 150);
    let account = rt.store.get(&table).unwrap();
    assert_eq!(*account.owner(), address_lookup_table::id());
    assert_eq!(account.lamports(), rent_exempt(56));
    assert_eq!(account.data().len(), 56);
    assert_eq!(table_of(&rt, &table).deactivation_slot, u64::MAX);

    // Extend with two addresses: the payer tops the rent up.
    let keys = [Pubkey::new_unique(), Pubkey::new_unique()];
    let extend = data(
        2,
        &[&2u64.to_le_bytes(), keys[0].as_ref(), keys[1].as_ref()],
    );
    let system = AccountMeta::new_readonly(system_program::id(), false);
    let payer = AccountMeta::new(authority, true);
    let outcome = run(
        &mut rt,
        extend,
        table_accounts(table, authority, &[payer, system]),
    );
    assert_eq!(outcome.result, Ok(()), "{:#?}", outcome.logs);
    let extended = table_of(&rt, &table);
    assert_eq!(extended.addresses, keys);
    assert_eq!(extended.last_extended_slot, CLOCK_SLOT);
    assert_eq!(extended.last_extended_slot_start_index, 0);
    assert_eq!(
        rt.store.get(&table).unwrap().lamports(),
        rent_exempt(56 + 64)
    );

    // Closing an active table is refused.
    let recipient = Pubkey::new_unique();
    let close_accounts = table_accounts(table, authority, &[AccountMeta::new(recipient, false)]);
    let outcome = run(&mut rt, data(4, &[]), close_accounts.clone());
    assert_eq!(
        outcome.result,
        Err(TransactionError::InstructionError(
            0,
            InstructionError::InvalidArgument
        ))
    );
    assert!(outcome.logs.contains("Lookup table is not deactivated"));

    // Deactivate at the Clock slot; closing must wait for the cool-down.
    let outcome = run(&mut rt, data(3, &[]), table_accounts(table, authority, &[]));
    assert_eq!(outcome.result, Ok(()));
    assert_eq!(table_of(&rt, &table).deactivation_slot, CLOCK_SLOT);
    let outcome = run(&mut rt, data(4, &[]), close_accounts.clone());
    assert!(outcome
        .logs
        .contains("Table cannot be closed until it's fully deactivated in 513 blocks"));
    // Later, with the slot gone from SlotHashes, the lamports go to the recipient.
    let mut sysvars = (*rt.sysvars).clone();
    sysvars.clock.slot = CLOCK_SLOT + 600;
    rt.set_sysvars(sysvars);
    let outcome = run(&mut rt, data(4, &[]), close_accounts);
    assert_eq!(outcome.result, Ok(()), "{:#?}", outcome.logs);
    assert!(rt.store.get(&table).is_none());
    assert_eq!(
        rt.store.get(&recipient).unwrap().lamports(),
        rent_exempt(56 + 64)
    );
}

#[test]
fn refusals_and_the_gate() {
    let (mut rt, authority) = alt_runtime();
    // An instruction that does not decode.
    let outcome = run(&mut rt, vec![9, 0, 0, 0], vec![]);
    assert_eq!(
        outcome.result,
        Err(TransactionError::InstructionError(
            0,
            InstructionError::InvalidInstructionData
        ))
    );
    assert_eq!(outcome.compute_units_consumed, 750);
    // A slot SlotHashes does not list.
    let (table, bump) = try_find_program_address(
        &[authority.as_ref(), &7u64.to_le_bytes()],
        &address_lookup_table::id(),
    )
    .unwrap();
    let accounts = vec![
        AccountMeta::new(table, false),
        AccountMeta::new_readonly(authority, true),
        AccountMeta::new(authority, true),
    ];
    let outcome = run(&mut rt, data(0, &[&7u64.to_le_bytes(), &[bump]]), accounts);
    assert_eq!(
        outcome.result,
        Err(TransactionError::InstructionError(
            0,
            InstructionError::InvalidInstructionData
        ))
    );
    assert!(outcome.logs.contains("7 is not a recent slot"));
    // A table the program does not own.
    let foreign = Pubkey::new_unique();
    rt.store
        .set(foreign, new_account(1_000_000, 56, &system_program::id()));
    let outcome = run(
        &mut rt,
        data(1, &[]),
        table_accounts(foreign, authority, &[]),
    );
    assert_eq!(
        outcome.result,
        Err(TransactionError::InstructionError(
            0,
            InstructionError::InvalidAccountOwner
        ))
    );
    // An uninitialized table, then a table frozen by its authority, which no longer
    // changes.
    let table = Pubkey::new_unique();
    let mut account = new_account(1_000_000_000, 56, &address_lookup_table::id());
    rt.store.set(table, account.clone());
    let outcome = run(&mut rt, data(1, &[]), table_accounts(table, authority, &[]));
    assert_eq!(
        outcome.result,
        Err(TransactionError::InstructionError(
            0,
            InstructionError::UninitializedAccount
        ))
    );
    account.data = lookup_table_account_data(&[Pubkey::new_unique()], Some(&authority));
    rt.store.set(table, account);
    let outcome = run(&mut rt, data(1, &[]), table_accounts(table, authority, &[]));
    assert_eq!(outcome.result, Ok(()));
    assert_eq!(rt.store.get(&table).unwrap().data()[21], 0, "no authority");
    let outcome = run(&mut rt, data(3, &[]), table_accounts(table, authority, &[]));
    assert_eq!(
        outcome.result,
        Err(TransactionError::InstructionError(
            0,
            InstructionError::Immutable
        ))
    );
    assert!(outcome.logs.contains("Lookup table is frozen"));
    // Mainnet has migrated the program to Core BPF: no builtin, no account.
    let mut mainnet = runtime();
    let outcome = run(&mut mainnet, data(1, &[]), vec![]);
    assert_eq!(
        outcome.result,
        Err(TransactionError::ProgramAccountNotFound)
    );
}
