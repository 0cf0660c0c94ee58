//! Address lookup tables: a v0 message's table lookups resolved to addresses, with the
//! errors a bank gives.
//!
//! The account layout is the Address Lookup Table program's
//! (`solana-address-lookup-table-interface 3.2.0, src/state.rs`): a bincode `ProgramState`
//! (u32 tag, 1 = lookup table) whose `LookupTableMeta` fills the first 56 bytes
//! (deactivation slot, last extended slot, the start index of that extension, an optional
//! authority, two bytes of padding), then the addresses, 32 bytes each. Resolution mirrors
//! `solana-accounts-db 4.4.0, src/accounts.rs`, `load_lookup_table_addresses`, and the
//! table's `lookup` / `get_active_addresses_len` / `status` in the interface crate.

use solana_account::ReadableAccount;
use solana_pubkey::Pubkey;
use solana_sdk_ids::address_lookup_table;
use solana_transaction_error::TransactionError;

use crate::accounts::AccountStore;

/// Bytes of the table's metadata before its addresses.
pub const LOOKUP_TABLE_META_SIZE: usize = 56;
/// A deactivation slot of `u64::MAX` means the table was never deactivated.
const NOT_DEACTIVATED: u64 = u64::MAX;

/// A lookup table account's contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookupTable {
    /// The slot the table was deactivated in, `u64::MAX` while active.
    pub deactivation_slot: u64,
    /// The slot of the last extension.
    pub last_extended_slot: u64,
    /// How many addresses the table held before that extension.
    pub last_extended_slot_start_index: u8,
    /// The addresses.
    pub addresses: Vec<Pubkey>,
}

impl LookupTable {
    /// Decodes a table account's data; `None` when it is not an initialized table
    /// (`InvalidAddressLookupTableData`).
    pub fn decode(data: &[u8]) -> Option<Self> {
        let u64_at = |at: usize| Some(u64::from_le_bytes(data.get(at..at + 8)?.try_into().ok()?));
        if u32::from_le_bytes(data.get(0..4)?.try_into().ok()?) != 1 {
            return None;
        }
        let deactivation_slot = u64_at(4)?;
        let last_extended_slot = u64_at(12)?;
        let last_extended_slot_start_index = *data.get(20)?;
        // bincode `Option<Pubkey>`: a tag byte, then the key when it is 1.
        match data.get(21)? {
            0 | 1 => {}
            _ => return None,
        };
        let raw = data.get(LOOKUP_TABLE_META_SIZE..)?;
        if raw.len() % 32 != 0 {
            return None;
        }
        Some(Self {
            deactivation_slot,
            last_extended_slot,
            last_extended_slot_start_index,
            addresses: raw
                .chunks_exact(32)
                .map(|key| Pubkey::new_from_array(key.try_into().expect("32 bytes")))
                .collect(),
        })
    }

    /// Whether the table can still be used at `current_slot`: never deactivated, or
    /// deactivated in the current slot or one SlotHashes still lists.
    fn is_active(&self, current_slot: u64, recent_slots: &[u64]) -> bool {
        self.deactivation_slot == NOT_DEACTIVATED
            || self.deactivation_slot == current_slot
            || recent_slots.contains(&self.deactivation_slot)
    }

    /// The addresses at `indexes`, counting only those usable in `current_slot` (an
    /// extension becomes usable in the slot after it).
    pub fn lookup(
        &self,
        current_slot: u64,
        indexes: &[u8],
        recent_slots: &[u64],
    ) -> Result<Vec<Pubkey>, TransactionError> {
        if !self.is_active(current_slot, recent_slots) {
            return Err(TransactionError::AddressLookupTableNotFound);
        }
        let active_len = if current_slot > self.last_extended_slot {
            self.addresses.len()
        } else {
            usize::from(self.last_extended_slot_start_index)
        };
        let active = &self.addresses[..active_len.min(self.addresses.len())];
        indexes
            .iter()
            .map(|index| active.get(usize::from(*index)).copied())
            .collect::<Option<_>>()
            .ok_or(TransactionError::InvalidAddressLookupTableIndex)
    }
}

/// The addresses a v0 message loads through the table at `table_key`: its writable ones
/// and its read-only ones.
pub fn load_addresses(
    store: &AccountStore,
    table_key: &Pubkey,
    writable_indexes: &[u8],
    readonly_indexes: &[u8],
    current_slot: u64,
    recent_slots: &[u64],
) -> Result<(Vec<Pubkey>, Vec<Pubkey>), TransactionError> {
    let account = store
        .get(table_key)
        .ok_or(TransactionError::AddressLookupTableNotFound)?;
    if *account.owner() != address_lookup_table::ID {
        return Err(TransactionError::InvalidAddressLookupTableOwner);
    }
    let table = LookupTable::decode(account.data())
        .ok_or(TransactionError::InvalidAddressLookupTableData)?;
    Ok((
        table.lookup(current_slot, writable_indexes, recent_slots)?,
        table.lookup(current_slot, readonly_indexes, recent_slots)?,
    ))
}

/// Lookup table account data for `addresses`, all usable at once (active, last extended in
/// slot 0 with every address counted as from before that extension), with an optional
/// authority: what a scenario or test needs to create a table.
pub fn lookup_table_account_data(addresses: &[Pubkey], authority: Option<&Pubkey>) -> Vec<u8> {
    let mut data = Vec::with_capacity(LOOKUP_TABLE_META_SIZE + 32 * addresses.len());
    data.extend_from_slice(&1u32.to_le_bytes());
    data.extend_from_slice(&NOT_DEACTIVATED.to_le_bytes());
    data.extend_from_slice(&0u64.to_le_bytes());
    data.push(addresses.len().min(usize::from(u8::MAX)) as u8);
    match authority {
        Some(authority) => {
            data.push(1);
            data.extend_from_slice(authority.as_ref());
        }
        None => data.push(0),
    }
    data.resize(LOOKUP_TABLE_META_SIZE, 0);
    for address in addresses {
        data.extend_from_slice(address.as_ref());
    }
    data
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_decode_and_resolve() {
        let keys: Vec<Pubkey> = (0..3).map(|_| Pubkey::new_unique()).collect();
        let data = lookup_table_account_data(&keys, Some(&Pubkey::new_unique()));
        assert_eq!(data.len(), 56 + 96);
        let table = LookupTable::decode(&data).unwrap();
        assert_eq!(table.addresses, keys);
        assert_eq!(
            table.lookup(5, &[2, 0], &[]).unwrap(),
            vec![keys[2], keys[0]]
        );
        assert_eq!(
            table.lookup(5, &[3], &[]),
            Err(TransactionError::InvalidAddressLookupTableIndex)
        );
        // Extended in the current slot: only the addresses from before are usable.
        let extended = LookupTable {
            last_extended_slot: 5,
            last_extended_slot_start_index: 1,
            ..table.clone()
        };
        assert_eq!(
            extended.lookup(5, &[1], &[]),
            Err(TransactionError::InvalidAddressLookupTableIndex)
        );
        assert!(extended.lookup(6, &[1], &[]).is_ok());
        // Deactivated: usable while SlotHashes lists the slot.
        let deactivated = LookupTable {
            deactivation_slot: 3,
            ..table
        };
        assert!(deactivated.lookup(5, &[0], &[4, 3]).is_ok());
        assert_eq!(
            deactivated.lookup(5, &[0], &[4]),
            Err(TransactionError::AddressLookupTableNotFound)
        );
        assert!(LookupTable::decode(&data[..60]).is_none());
        assert!(LookupTable::decode(&[0; 56]).is_none());
    }
}
