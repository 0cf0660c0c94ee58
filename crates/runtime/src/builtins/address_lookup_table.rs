//! The Address Lookup Table program (`AddressLookupTab1e…`) as the native builtin of Agave
//! 2.1, before `migrate_address_lookup_table_program_to_core_bpf` made it a Core BPF program
//! (`solana-address-lookup-table-program 2.1.0, src/processor.rs`). Every instruction
//! charges [`DEFAULT_COMPUTE_UNITS`] first, then decodes its bincode `ProgramInstruction`
//! (`InvalidInstructionData` if it does not):
//!
//! * `CreateLookupTable { recent_slot, bump_seed }` — accounts: table, authority, payer
//!   (signer), System program. The table's address must be the PDA of (authority,
//!   `recent_slot`, bump) and `recent_slot` in SlotHashes; the payer funds the 56-byte
//!   account's rent-exempt minimum and the table is allocated and assigned through the System
//!   program, then holds its metadata. Before `relax_authority_signer_check_for_lookup_table_creation`
//!   the table must be empty and the authority sign; after it, a table already owned by the
//!   program is left as it is.
//! * `FreezeLookupTable`, `ExtendLookupTable { new_addresses }` (the payer, account 2, funds
//!   the growth), `DeactivateLookupTable` (at the Clock slot), `CloseLookupTable` (lamports to
//!   account 2, once the deactivation slot has left SlotHashes): the table must be owned by
//!   the program, the authority (account 1) sign and match the table's.
//!
//! The account layout is `solana-address-lookup-table-interface`'s (see
//! [`crate::transaction::lookup_table`]): a bincode `ProgramState` whose metadata fills 56
//! bytes, then the addresses.

use serde::Deserialize;
use solana_instruction::Instruction;
use solana_instruction_error::InstructionError;
use solana_pubkey::Pubkey;
use solana_sdk_ids::address_lookup_table;
use solana_system_interface::instruction as system_instruction;

use crate::instruction_context::{limited_deserialize, InstructionContext};
use crate::invoke_context::{ExecutionFailure, InvokeContext};
use crate::pda::create_program_address;

/// Compute units every instruction charges.
pub(crate) const DEFAULT_COMPUTE_UNITS: u64 = 750;
/// Bytes of a table's metadata.
const LOOKUP_TABLE_META_SIZE: usize = 56;
/// Addresses a table holds at most.
const LOOKUP_TABLE_MAX_ADDRESSES: usize = 256;
/// Entries of SlotHashes (`solana-slot-hashes`, `MAX_ENTRIES`).
const SLOT_HASHES_MAX_ENTRIES: usize = 512;

/// The program's instructions (`solana-address-lookup-table-interface`, `ProgramInstruction`).
#[derive(Deserialize)]
#[allow(clippy::enum_variant_names)] // Agave's names
enum ProgramInstruction {
    CreateLookupTable { recent_slot: u64, bump_seed: u8 },
    FreezeLookupTable,
    ExtendLookupTable { new_addresses: Vec<[u8; 32]> },
    DeactivateLookupTable,
    CloseLookupTable,
}

/// A table's metadata (`LookupTableMeta`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Meta {
    deactivation_slot: u64,
    last_extended_slot: u64,
    last_extended_slot_start_index: u8,
    authority: Option<Pubkey>,
}

impl Meta {
    /// A new table's metadata (`LookupTableMeta::new`).
    fn new(authority: Pubkey) -> Self {
        Self {
            deactivation_slot: u64::MAX,
            last_extended_slot: 0,
            last_extended_slot_start_index: 0,
            authority: Some(authority),
        }
    }

    /// bincode `ProgramState::LookupTable(meta)`: 56 bytes with an authority, 24 without.
    fn encode(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(LOOKUP_TABLE_META_SIZE);
        bytes.extend_from_slice(&1u32.to_le_bytes());
        bytes.extend_from_slice(&self.deactivation_slot.to_le_bytes());
        bytes.extend_from_slice(&self.last_extended_slot.to_le_bytes());
        bytes.push(self.last_extended_slot_start_index);
        match &self.authority {
            Some(authority) => {
                bytes.push(1);
                bytes.extend_from_slice(authority.as_ref());
            }
            None => bytes.push(0),
        }
        bytes.extend_from_slice(&[0, 0]);
        bytes
    }

    /// Where the table stands at `current_slot` (`LookupTableMeta::status`): the blocks
    /// left while deactivating, `None` once deactivated, `Some(None)` while active.
    fn remaining_blocks(&self, current_slot: u64, recent_slots: &[u64]) -> Option<Option<usize>> {
        if self.deactivation_slot == u64::MAX {
            Some(None)
        } else if self.deactivation_slot == current_slot {
            Some(Some(SLOT_HASHES_MAX_ENTRIES + 1))
        } else {
            let position = recent_slots
                .iter()
                .position(|slot| *slot == self.deactivation_slot)?;
            Some(Some(SLOT_HASHES_MAX_ENTRIES.saturating_sub(position)))
        }
    }
}

/// A table account's metadata and address count (`AddressLookupTable::deserialize`).
fn decode(data: &[u8]) -> Result<(Meta, usize), InstructionError> {
    let invalid = InstructionError::InvalidAccountData;
    let u64_at = |at: usize| -> Result<u64, InstructionError> {
        let bytes = data.get(at..at + 8).ok_or(invalid.clone())?;
        Ok(u64::from_le_bytes(bytes.try_into().expect("8 bytes")))
    };
    match data
        .get(..4)
        .map(|tag| u32::from_le_bytes(tag.try_into().expect("4 bytes")))
    {
        Some(0) => return Err(InstructionError::UninitializedAccount),
        Some(1) => {}
        _ => return Err(invalid),
    }
    let deactivation_slot = u64_at(4)?;
    let last_extended_slot = u64_at(12)?;
    let last_extended_slot_start_index = *data.get(20).ok_or(invalid.clone())?;
    let (authority, padding_at) = match data.get(21) {
        Some(0) => (None, 22),
        Some(1) => {
            let key = data.get(22..54).ok_or(invalid.clone())?;
            (
                Some(Pubkey::new_from_array(key.try_into().expect("32 bytes"))),
                54,
            )
        }
        _ => return Err(invalid),
    };
    data.get(padding_at..padding_at + 2)
        .ok_or(invalid.clone())?;
    let addresses = data.get(LOOKUP_TABLE_META_SIZE..).ok_or(invalid.clone())?;
    if addresses.len() % 32 != 0 {
        return Err(invalid);
    }
    let meta = Meta {
        deactivation_slot,
        last_extended_slot,
        last_extended_slot_start_index,
        authority,
    };
    Ok((meta, addresses.len() / 32))
}

/// Writes `meta` over the first 56 bytes of the table (account 0), zero-filled
/// (`AddressLookupTable::overwrite_meta_data`).
fn overwrite_meta(
    instruction_context: &InstructionContext,
    meta: &Meta,
) -> Result<(), InstructionError> {
    let mut table = instruction_context.try_borrow_instruction_account(0)?;
    let data = table.data_mut()?;
    let meta_data = data
        .get_mut(..LOOKUP_TABLE_META_SIZE)
        .ok_or(InstructionError::InvalidAccountData)?;
    meta_data.fill(0);
    let encoded = meta.encode();
    meta_data[..encoded.len()].copy_from_slice(&encoded);
    Ok(())
}

/// The builtin entrypoint (`declare_process_instruction!(Entrypoint, 750, …)`).
pub(crate) fn process_instruction(
    invoke_context: &mut InvokeContext,
) -> Result<(), ExecutionFailure> {
    invoke_context.consume_checked(DEFAULT_COMPUTE_UNITS)?;
    let instruction: ProgramInstruction =
        limited_deserialize(invoke_context.instruction_context()?.get_instruction_data())?;
    Ok(match instruction {
        ProgramInstruction::CreateLookupTable {
            recent_slot,
            bump_seed,
        } => create_lookup_table(invoke_context, recent_slot, bump_seed),
        ProgramInstruction::FreezeLookupTable => freeze_lookup_table(invoke_context),
        ProgramInstruction::ExtendLookupTable { new_addresses } => {
            extend_lookup_table(invoke_context, new_addresses)
        }
        ProgramInstruction::DeactivateLookupTable => deactivate_lookup_table(invoke_context),
        ProgramInstruction::CloseLookupTable => close_lookup_table(invoke_context),
    }?)
}

/// The slots SlotHashes lists, newest first; `UnsupportedSysvar` without the sysvar.
fn recent_slots(invoke_context: &InvokeContext) -> Result<Vec<u64>, InstructionError> {
    if invoke_context.sysvars.slot_hashes.is_none() {
        return Err(InstructionError::UnsupportedSysvar);
    }
    Ok(invoke_context.sysvars.recent_slot_hashes_slots())
}

/// The checks every instruction but `CreateLookupTable` starts with: the table (account 0)
/// owned by the program (`InvalidAccountOwner`), the authority (account 1) a signer. Returns
/// the table's and the authority's keys.
fn check_table_and_authority(
    invoke_context: &mut InvokeContext,
) -> Result<(Pubkey, Pubkey), InstructionError> {
    let instruction_context = invoke_context.instruction_context()?;
    let table = instruction_context.try_borrow_instruction_account(0)?;
    if *table.owner() != address_lookup_table::ID {
        return Err(InstructionError::InvalidAccountOwner);
    }
    let table_key = *table.key();
    drop(table);
    let authority_key = signer_key(
        &instruction_context,
        1,
        "Authority account must be a signer",
    )?;
    Ok((table_key, authority_key))
}

/// The key of account `position`, which must sign (`MissingRequiredSignature`, logging
/// `message`).
fn signer_key(
    instruction_context: &InstructionContext,
    position: usize,
    message: &str,
) -> Result<Pubkey, InstructionError> {
    let account = instruction_context.try_borrow_instruction_account(position)?;
    if !account.is_signer() {
        return instruction_context
            .log_and_fail(message, InstructionError::MissingRequiredSignature);
    }
    Ok(*account.key())
}

/// The table's (account 0) metadata, address count and lamports.
fn table_state(invoke_context: &mut InvokeContext) -> Result<(Meta, usize, u64), InstructionError> {
    let instruction_context = invoke_context.instruction_context()?;
    let table = instruction_context.try_borrow_instruction_account(0)?;
    let (meta, addresses) = decode(table.data())?;
    Ok((meta, addresses, table.lamports()))
}

/// The checks `FreezeLookupTable`, `ExtendLookupTable` and `DeactivateLookupTable` start
/// with ([`check_table_and_authority`], the table decoded, [`check_authority`], then a
/// deactivated table refused with `InvalidArgument`, logging `deactivated_log`): the
/// table's key, metadata, address count and lamports.
fn authorized_table(
    invoke_context: &mut InvokeContext,
    frozen_log: Option<&str>,
    deactivated_log: &str,
) -> Result<(Pubkey, Meta, usize, u64), InstructionError> {
    let (table_key, authority_key) = check_table_and_authority(invoke_context)?;
    let (meta, addresses, lamports) = table_state(invoke_context)?;
    check_authority(invoke_context, &meta, &authority_key, frozen_log)?;
    check_not_deactivated(
        &invoke_context.instruction_context()?,
        &meta,
        deactivated_log,
    )?;
    Ok((table_key, meta, addresses, lamports))
}

/// A deactivated table refuses the instruction (`InvalidArgument`, logging `message`).
fn check_not_deactivated(
    instruction_context: &InstructionContext,
    meta: &Meta,
    message: &str,
) -> Result<(), InstructionError> {
    if meta.deactivation_slot != u64::MAX {
        return instruction_context.log_and_fail(message, InstructionError::InvalidArgument);
    }
    Ok(())
}

/// The table's authority must be `authority`: `Immutable` when frozen (logging
/// `frozen_log` if any), `IncorrectAuthority` otherwise.
fn check_authority(
    invoke_context: &mut InvokeContext,
    meta: &Meta,
    authority: &Pubkey,
    frozen_log: Option<&str>,
) -> Result<(), InstructionError> {
    match meta.authority {
        None => {
            if let Some(message) = frozen_log {
                invoke_context.log(message);
            }
            Err(InstructionError::Immutable)
        }
        Some(key) if key != *authority => Err(InstructionError::IncorrectAuthority),
        Some(_) => Ok(()),
    }
}

fn create_lookup_table(
    invoke_context: &mut InvokeContext,
    untrusted_recent_slot: u64,
    bump_seed: u8,
) -> Result<(), InstructionError> {
    let relaxed = invoke_context
        .features
        .relax_authority_signer_check_for_lookup_table_creation();
    let instruction_context = invoke_context.instruction_context()?;
    let table = instruction_context.try_borrow_instruction_account(0)?;
    let (table_lamports, table_key, table_owner) = (table.lamports(), *table.key(), *table.owner());
    if !relaxed && !table.data().is_empty() {
        return instruction_context.log_and_fail(
            "Table account must not be allocated",
            InstructionError::AccountAlreadyInitialized,
        );
    }
    drop(table);
    let authority = instruction_context.try_borrow_instruction_account(1)?;
    let authority_key = *authority.key();
    if !relaxed && !authority.is_signer() {
        return instruction_context.log_and_fail(
            "Authority account must be a signer",
            InstructionError::MissingRequiredSignature,
        );
    }
    drop(authority);
    let payer_key = signer_key(&instruction_context, 2, "Payer account must be a signer")?;

    if !recent_slots(invoke_context)?.contains(&untrusted_recent_slot) {
        invoke_context.log(format!("{untrusted_recent_slot} is not a recent slot"));
        return Err(InstructionError::InvalidInstructionData);
    }
    // A derived address: a table can never be initialized twice at one address.
    let derived_table_key = create_program_address(
        &[
            authority_key.as_ref(),
            &untrusted_recent_slot.to_le_bytes(),
            &[bump_seed],
        ],
        &address_lookup_table::ID,
    )
    .map_err(|error| error.instruction_error())?;
    if table_key != derived_table_key {
        invoke_context.log(format!(
            "Table address must match derived address: {derived_table_key}"
        ));
        return Err(InstructionError::InvalidArgument);
    }
    if relaxed && table_owner == address_lookup_table::ID {
        return Ok(());
    }

    let required_lamports = invoke_context
        .sysvars
        .rent
        .minimum_balance(LOOKUP_TABLE_META_SIZE)
        .max(1)
        .saturating_sub(table_lamports);
    if required_lamports > 0 {
        let transfer = system_instruction::transfer(&payer_key, &table_key, required_lamports);
        invoke_context.native_invoke(transfer, &[payer_key])?;
    }
    let allocate = system_instruction::allocate(&table_key, LOOKUP_TABLE_META_SIZE as u64);
    invoke_context.native_invoke(allocate, &[table_key])?;
    let assign: Instruction = system_instruction::assign(&table_key, &address_lookup_table::ID);
    invoke_context.native_invoke(assign, &[table_key])?;

    // `set_state`: the serialized state must fit, then it is written.
    let instruction_context = invoke_context.instruction_context()?;
    let mut table = instruction_context.try_borrow_instruction_account(0)?;
    let encoded = Meta::new(authority_key).encode();
    if encoded.len() > table.data().len() {
        return Err(InstructionError::AccountDataTooSmall);
    }
    table.data_mut()?[..encoded.len()].copy_from_slice(&encoded);
    Ok(())
}

fn freeze_lookup_table(invoke_context: &mut InvokeContext) -> Result<(), InstructionError> {
    let frozen = Some("Lookup table is already frozen");
    let deactivated = "Deactivated tables cannot be frozen";
    let (_, mut meta, addresses, _) = authorized_table(invoke_context, frozen, deactivated)?;
    let instruction_context = invoke_context.instruction_context()?;
    if addresses == 0 {
        return instruction_context.log_and_fail(
            "Empty lookup tables cannot be frozen",
            InstructionError::InvalidInstructionData,
        );
    }
    meta.authority = None;
    overwrite_meta(&instruction_context, &meta)
}

fn extend_lookup_table(
    invoke_context: &mut InvokeContext,
    new_addresses: Vec<[u8; 32]>,
) -> Result<(), InstructionError> {
    let deactivated = "Deactivated tables cannot be extended";
    let (table_key, mut meta, addresses, table_lamports) =
        authorized_table(invoke_context, None, deactivated)?;
    let clock_slot = invoke_context.sysvars.clock.slot;
    let instruction_context = invoke_context.instruction_context()?;
    if addresses >= LOOKUP_TABLE_MAX_ADDRESSES {
        return instruction_context.log_and_fail(
            "Lookup table is full and cannot contain more addresses",
            InstructionError::InvalidArgument,
        );
    }
    if new_addresses.is_empty() {
        return instruction_context.log_and_fail(
            "Must extend with at least one address",
            InstructionError::InvalidInstructionData,
        );
    }
    let new_table_addresses_len = addresses.saturating_add(new_addresses.len());
    if new_table_addresses_len > LOOKUP_TABLE_MAX_ADDRESSES {
        return instruction_context.log_and_fail(
            format!(
                "Extended lookup table length {new_table_addresses_len} would exceed max \
                 capacity of {LOOKUP_TABLE_MAX_ADDRESSES}"
            ),
            InstructionError::InvalidInstructionData,
        );
    }
    if clock_slot != meta.last_extended_slot {
        meta.last_extended_slot = clock_slot;
        meta.last_extended_slot_start_index =
            u8::try_from(addresses).map_err(|_| InstructionError::InvalidAccountData)?;
    }
    let new_table_data_len = new_table_addresses_len
        .saturating_mul(32)
        .checked_add(LOOKUP_TABLE_META_SIZE)
        .ok_or(InstructionError::ArithmeticOverflow)?;
    overwrite_meta(&instruction_context, &meta)?;
    let mut table = instruction_context.try_borrow_instruction_account(0)?;
    for new_address in &new_addresses {
        // `extend_from_slice`: the resize and data checks, then the 32 bytes appended.
        let mut data = table.data().to_vec();
        data.extend_from_slice(new_address);
        table.set_data_from_slice(&data)?;
    }
    drop(table);

    let required_lamports = invoke_context
        .sysvars
        .rent
        .minimum_balance(new_table_data_len)
        .max(1)
        .saturating_sub(table_lamports);
    if required_lamports > 0 {
        let instruction_context = invoke_context.instruction_context()?;
        let payer_key = signer_key(&instruction_context, 2, "Payer account must be a signer")?;
        let transfer = system_instruction::transfer(&payer_key, &table_key, required_lamports);
        invoke_context.native_invoke(transfer, &[payer_key])?;
    }
    Ok(())
}

fn deactivate_lookup_table(invoke_context: &mut InvokeContext) -> Result<(), InstructionError> {
    let frozen = Some("Lookup table is frozen");
    let deactivated = "Lookup table is already deactivated";
    let (_, mut meta, _, _) = authorized_table(invoke_context, frozen, deactivated)?;
    let clock_slot = invoke_context.sysvars.clock.slot;
    let instruction_context = invoke_context.instruction_context()?;
    meta.deactivation_slot = clock_slot;
    overwrite_meta(&instruction_context, &meta)
}

fn close_lookup_table(invoke_context: &mut InvokeContext) -> Result<(), InstructionError> {
    let (_, authority_key) = check_table_and_authority(invoke_context)?;
    invoke_context
        .instruction_context()?
        .check_distinct_accounts(
            0,
            2,
            "Lookup table cannot be the recipient of reclaimed lamports",
        )?;
    let (meta, _, withdrawn_lamports) = table_state(invoke_context)?;
    let frozen = Some("Lookup table is frozen");
    check_authority(invoke_context, &meta, &authority_key, frozen)?;
    let clock_slot = invoke_context.sysvars.clock.slot;
    let recent_slots = recent_slots(invoke_context)?;
    match meta.remaining_blocks(clock_slot, &recent_slots) {
        Some(None) => {
            invoke_context.log("Lookup table is not deactivated");
            return Err(InstructionError::InvalidArgument);
        }
        Some(Some(remaining_blocks)) => {
            invoke_context.log(format!(
                "Table cannot be closed until it's fully deactivated in {remaining_blocks} blocks"
            ));
            return Err(InstructionError::InvalidArgument);
        }
        None => {}
    }
    let instruction_context = invoke_context.instruction_context()?;
    let mut recipient = instruction_context.try_borrow_instruction_account(2)?;
    recipient.checked_add_lamports(withdrawn_lamports)?;
    drop(recipient);
    let mut table = instruction_context.try_borrow_instruction_account(0)?;
    table.set_data_length(0)?;
    table.set_lamports(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_round_trips_and_bad_data_is_refused() {
        let authority = Pubkey::new_unique();
        let meta = Meta::new(authority);
        let mut data = meta.encode();
        assert_eq!(data.len(), LOOKUP_TABLE_META_SIZE);
        data.extend_from_slice(&[7; 64]);
        assert_eq!(decode(&data), Ok((meta, 2)));
        let frozen = Meta {
            authority: None,
            ..meta
        };
        assert_eq!(frozen.encode().len(), 24);
        assert_eq!(
            decode(&[0; 56]),
            Err(InstructionError::UninitializedAccount)
        );
        assert_eq!(
            decode(&data[..60]),
            Err(InstructionError::InvalidAccountData)
        );
        assert_eq!(
            decode(&[2, 0, 0, 0]),
            Err(InstructionError::InvalidAccountData)
        );
    }

    #[test]
    fn deactivation_cools_down_while_slot_hashes_lists_the_slot() {
        let meta = Meta {
            deactivation_slot: 5,
            ..Meta::new(Pubkey::new_unique())
        };
        assert_eq!(meta.remaining_blocks(5, &[]), Some(Some(513)));
        assert_eq!(meta.remaining_blocks(7, &[6, 5]), Some(Some(511)));
        assert_eq!(meta.remaining_blocks(7, &[6]), None);
        let active = Meta::new(Pubkey::new_unique());
        assert_eq!(active.remaining_blocks(7, &[]), Some(None));
    }
}
