//! Sysvars: Clock, Rent, EpochSchedule, EpochRewards, LastRestartSlot, SlotHashes,
//! StakeHistory and Instructions, plus the RecentBlockhashes list the System program's nonce
//! instructions check.
//!
//! Defaults are the SDK `Default` values except Rent, which follows the scenario format:
//! 3,480 lamports per byte-year with an exemption threshold of 2.0 (so the rent-exempt
//! minimum is (128 + len) × 6,960, the same figure mainnet's SIMD-0194 Rent gives).
//!
//! Each sysvar exists in two encodings: the in-memory `repr(C)` layout the typed getter
//! syscalls copy (`sol_get_clock_sysvar` and friends, whose cost is 100 + that size), and
//! the bincode account data that `sol_get_sysvar` and sysvar accounts expose.

use solana_account::Account;
use solana_clock::Clock;
use solana_epoch_rewards::EpochRewards;
use solana_epoch_schedule::EpochSchedule;
use solana_pubkey::Pubkey;
use solana_sdk_ids::sysvar;

/// The Rent sysvar in its legacy field form (the struct programs read).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RentParams {
    /// Rent per byte-year of account data (and its 128-byte overhead).
    pub lamports_per_byte_year: u64,
    /// Years of rent an account must hold to be exempt.
    pub exemption_threshold: f64,
    /// Share of collected rent burned.
    pub burn_percent: u8,
}

/// Mainnet's Rent: the SIMD-0194 form (`deprecate_rent_exemption_threshold`), 6,960
/// lamports per byte and an exemption threshold of 1.0, as `solana-rent 4.4.0`'s
/// `Rent::default()`. The exempt minimum is the same as the older 3,480 × 2.0; the bytes a
/// program reads from the sysvar are not.
impl Default for RentParams {
    fn default() -> Self {
        Self {
            lamports_per_byte_year: 6_960,
            exemption_threshold: 1.0,
            burn_percent: 50,
        }
    }
}

impl RentParams {
    /// The Rent before SIMD-0194: 3,480 lamports per byte-year, exempt after 2.0 years
    /// (the same exempt minimum as the default).
    pub const PRE_SIMD_0194: Self = Self {
        lamports_per_byte_year: 3_480,
        exemption_threshold: 2.0,
        burn_percent: 50,
    };
}

/// A `repr(C)` image of `N` bytes: `fields` (little-endian, explicit interior padding
/// included) laid end to end, the rest zero (the trailing padding).
fn repr_c<const N: usize>(fields: &[&[u8]]) -> [u8; N] {
    let mut bytes = [0u8; N];
    let mut offset = 0;
    for field in fields {
        bytes[offset..offset + field.len()].copy_from_slice(field);
        offset += field.len();
    }
    bytes
}

/// Bytes of account metadata charged as if they were data (`ACCOUNT_STORAGE_OVERHEAD`).
pub const ACCOUNT_STORAGE_OVERHEAD: u64 = 128;

impl RentParams {
    /// Minimum balance for rent exemption at `data_len` bytes.
    pub fn minimum_balance(&self, data_len: usize) -> u64 {
        let bytes = ACCOUNT_STORAGE_OVERHEAD.saturating_add(data_len as u64);
        let per_year = bytes.saturating_mul(self.lamports_per_byte_year);
        if self.exemption_threshold == 1.0 {
            per_year
        } else if self.exemption_threshold == 2.0 {
            per_year.saturating_mul(2)
        } else {
            (per_year as f64 * self.exemption_threshold) as u64
        }
    }

    /// The `repr(C)` layout (24 bytes: u64, f64, u8, 7 bytes of zero padding).
    pub fn to_repr_c(&self) -> [u8; 24] {
        repr_c(&[
            &self.lamports_per_byte_year.to_le_bytes(),
            &self.exemption_threshold.to_le_bytes(),
            &[self.burn_percent],
        ])
    }

    /// The bincode account data (17 bytes).
    pub fn to_account_data(&self) -> Vec<u8> {
        self.to_repr_c()[..17].to_vec()
    }
}

/// A blockhash with the lamports per signature recorded for it: one entry of the
/// RecentBlockhashes sysvar (`recent_blockhashes::Entry`), or the blockhash of the
/// transaction's environment (`EnvironmentConfig`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BlockhashEntry {
    /// The blockhash.
    pub blockhash: [u8; 32],
    /// The fee per signature recorded with it.
    pub lamports_per_signature: u64,
}

/// The RecentBlockhashes sysvar (deprecated in Agave, still read by the System program's
/// nonce instructions).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum RecentBlockhashes {
    /// sbfvm's default: the list holds the environment blockhash, so it is never empty
    /// (Agave's bank fills it from the blockhash queue).
    #[default]
    Environment,
    /// Exactly these entries, newest first; an empty list makes nonce instructions fail
    /// with `NonceNoRecentBlockhashes`.
    Entries(Vec<BlockhashEntry>),
    /// Not in the sysvar cache: reading it fails with `UnsupportedSysvar`.
    Unavailable,
}

/// Size of one bincode RecentBlockhashes entry: a hash and a `FeeCalculator` (u64).
const RECENT_BLOCKHASHES_ENTRY_SIZE: usize = 40;
/// Entries the RecentBlockhashes sysvar holds at most (`MAX_ENTRIES`).
pub const MAX_RECENT_BLOCKHASHES: usize = 150;
/// The RecentBlockhashes account's data length: room for 150 entries (6,008 bytes).
pub const RECENT_BLOCKHASHES_ACCOUNT_SIZE: usize =
    8 + MAX_RECENT_BLOCKHASHES * RECENT_BLOCKHASHES_ENTRY_SIZE;

impl RecentBlockhashes {
    /// Decodes the sysvar's account data as the sysvar cache does (bincode: a u64 count, then
    /// 40-byte entries; trailing bytes allowed). `None` when it does not decode.
    pub fn entries_from_account_data(data: &[u8]) -> Option<Vec<BlockhashEntry>> {
        let count = u64::from_le_bytes(data.get(0..8)?.try_into().ok()?);
        let body = &data[8..];
        if count > (body.len() / RECENT_BLOCKHASHES_ENTRY_SIZE) as u64 {
            return None;
        }
        Some(
            body.chunks_exact(RECENT_BLOCKHASHES_ENTRY_SIZE)
                .take(count as usize)
                .map(|entry| BlockhashEntry {
                    blockhash: entry[..32].try_into().expect("32 bytes"),
                    lamports_per_signature: u64::from_le_bytes(
                        entry[32..].try_into().expect("8 bytes"),
                    ),
                })
                .collect(),
        )
    }
}

/// One SlotHashes entry: a slot and its bank hash.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SlotHash {
    /// The slot.
    pub slot: u64,
    /// Its bank hash.
    pub hash: [u8; 32],
}

/// One StakeHistory entry: an epoch and the cluster's stake in it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StakeHistoryEntry {
    /// The epoch.
    pub epoch: u64,
    /// Effective stake.
    pub effective: u64,
    /// Stake activating.
    pub activating: u64,
    /// Stake deactivating.
    pub deactivating: u64,
}

/// Entries each of SlotHashes and StakeHistory holds at most (`MAX_ENTRIES`).
pub const MAX_HISTORY_ENTRIES: usize = 512;
/// Bytes of one bincode SlotHashes entry (u64 slot, 32-byte hash).
const SLOT_HASH_SIZE: usize = 40;
/// Bytes of one bincode StakeHistory entry (u64 epoch, three u64 amounts).
const STAKE_HISTORY_ENTRY_SIZE: usize = 32;
/// The SlotHashes account's data length on mainnet: room for 512 entries (20,488 bytes).
pub const SLOT_HASHES_ACCOUNT_SIZE: usize = 8 + MAX_HISTORY_ENTRIES * SLOT_HASH_SIZE;
/// The StakeHistory account's data length on mainnet: room for 512 entries (16,392 bytes).
pub const STAKE_HISTORY_ACCOUNT_SIZE: usize = 8 + MAX_HISTORY_ENTRIES * STAKE_HISTORY_ENTRY_SIZE;

/// A list sysvar's account data as the bank writes it (`create_account_with_fields` sizes the
/// account for the most entries the sysvar holds): a u64 count, the entries, zeros up to
/// `account_size`. Entries past the 512th are dropped, as the sysvar keeps only the newest.
fn history_account_data<T>(
    entries: &[T],
    entry_size: usize,
    account_size: usize,
    encode: impl Fn(&T, &mut Vec<u8>),
) -> Vec<u8> {
    let entries = &entries[..entries.len().min(MAX_HISTORY_ENTRIES)];
    let mut data = Vec::with_capacity(account_size.max(8 + entries.len() * entry_size));
    data.extend_from_slice(&(entries.len() as u64).to_le_bytes());
    for entry in entries {
        encode(entry, &mut data);
    }
    data.resize(account_size, 0);
    data
}

/// The SlotHashes account data for `entries` (newest first, as the sysvar orders them).
pub fn slot_hashes_account_data(entries: &[SlotHash]) -> Vec<u8> {
    history_account_data(
        entries,
        SLOT_HASH_SIZE,
        SLOT_HASHES_ACCOUNT_SIZE,
        |entry, data| {
            data.extend_from_slice(&entry.slot.to_le_bytes());
            data.extend_from_slice(&entry.hash);
        },
    )
}

/// The StakeHistory account data for `entries` (newest epoch first).
pub fn stake_history_account_data(entries: &[StakeHistoryEntry]) -> Vec<u8> {
    history_account_data(
        entries,
        STAKE_HISTORY_ENTRY_SIZE,
        STAKE_HISTORY_ACCOUNT_SIZE,
        |entry, data| {
            for field in [
                entry.epoch,
                entry.effective,
                entry.activating,
                entry.deactivating,
            ] {
                data.extend_from_slice(&field.to_le_bytes());
            }
        },
    )
}

/// Whether `data` decodes as a list sysvar (a u64 count, then that many entries of
/// `entry_size` bytes; trailing bytes allowed), as the sysvar cache requires before it takes
/// an account's data.
pub fn decodes_as_history(data: &[u8], entry_size: usize) -> bool {
    let Some(count) = data.get(..8) else {
        return false;
    };
    let count = u64::from_le_bytes(count.try_into().expect("8 bytes"));
    count
        .checked_mul(entry_size as u64)
        .is_some_and(|body| body <= (data.len() - 8) as u64)
}

/// [`decodes_as_history`] for SlotHashes.
pub fn decodes_as_slot_hashes(data: &[u8]) -> bool {
    decodes_as_history(data, SLOT_HASH_SIZE)
}

/// [`decodes_as_history`] for StakeHistory.
pub fn decodes_as_stake_history(data: &[u8]) -> bool {
    decodes_as_history(data, STAKE_HISTORY_ENTRY_SIZE)
}

/// Values of every sysvar the runtime provides.
#[derive(Debug, Clone, PartialEq)]
pub struct Sysvars {
    /// Clock.
    pub clock: Clock,
    /// Rent.
    pub rent: RentParams,
    /// EpochSchedule.
    pub epoch_schedule: EpochSchedule,
    /// EpochRewards.
    pub epoch_rewards: EpochRewards,
    /// LastRestartSlot.
    pub last_restart_slot: u64,
    /// RecentBlockhashes (read by the System program's nonce instructions).
    pub recent_blockhashes: RecentBlockhashes,
    /// SlotHashes as account data (build it with [`slot_hashes_account_data`]); `None`: not
    /// provided (no account, `sol_get_sysvar` returns 2). The default is the empty list of
    /// the default Clock's slot 0, sized as on mainnet.
    pub slot_hashes: Option<Vec<u8>>,
    /// StakeHistory as account data (build it with [`stake_history_account_data`]); `None`:
    /// not provided. The default is the empty history of epoch 0, sized as on mainnet.
    pub stake_history: Option<Vec<u8>>,
    /// The deprecated Fees sysvar: its lamports per signature, or `None` when it is not
    /// provided (the default, as on mainnet, where no bank has kept it since
    /// `disable_fees_sysvar`). Only `sol_get_fees_sysvar` reads it (registered while
    /// `disable_fees_sysvar` is inactive); it fails with `UnsupportedSysvar` on `None`.
    pub fees: Option<u64>,
}

impl Default for Sysvars {
    fn default() -> Self {
        Self {
            clock: Clock::default(),
            rent: RentParams::default(),
            epoch_schedule: EpochSchedule::default(),
            epoch_rewards: EpochRewards::default(),
            last_restart_slot: 0,
            recent_blockhashes: RecentBlockhashes::default(),
            slot_hashes: Some(slot_hashes_account_data(&[])),
            stake_history: Some(stake_history_account_data(&[])),
            fees: None,
        }
    }
}

/// Sizes of the `repr(C)` layouts; the typed getters charge 100 + this.
pub const CLOCK_SIZE: usize = 40;
/// Size of Rent's `repr(C)` layout.
pub const RENT_SIZE: usize = 24;
/// Size of EpochSchedule's `repr(C)` layout.
pub const EPOCH_SCHEDULE_SIZE: usize = 40;
/// Size of EpochRewards' `repr(C)` layout.
pub const EPOCH_REWARDS_SIZE: usize = 96;
/// Size of LastRestartSlot's `repr(C)` layout.
pub const LAST_RESTART_SLOT_SIZE: usize = 8;
/// Size of Fees' `repr(C)` layout (one `FeeCalculator`, one u64).
pub const FEES_SIZE: usize = 8;

impl Sysvars {
    /// Clock's five 8-byte fields in `repr(C)` order (the signed ones as their two's
    /// complement bits): [`Sysvars::clock_repr_c`] is their little-endian bytes.
    pub fn clock_fields(&self) -> [u64; 5] {
        let clock = &self.clock;
        [
            clock.slot,
            clock.epoch_start_timestamp as u64,
            clock.epoch,
            clock.leader_schedule_epoch,
            clock.unix_timestamp as u64,
        ]
    }

    /// Clock in its `repr(C)` layout: u64, i64, u64, u64, i64, no padding.
    pub fn clock_repr_c(&self) -> [u8; CLOCK_SIZE] {
        let clock = &self.clock;
        repr_c(&[
            &clock.slot.to_le_bytes(),
            &clock.epoch_start_timestamp.to_le_bytes(),
            &clock.epoch.to_le_bytes(),
            &clock.leader_schedule_epoch.to_le_bytes(),
            &clock.unix_timestamp.to_le_bytes(),
        ])
    }

    /// EpochSchedule: u64, u64, bool (+7 padding), u64, u64.
    pub fn epoch_schedule_repr_c(&self) -> [u8; EPOCH_SCHEDULE_SIZE] {
        let schedule = &self.epoch_schedule;
        repr_c(&[
            &schedule.slots_per_epoch.to_le_bytes(),
            &schedule.leader_schedule_slot_offset.to_le_bytes(),
            &[schedule.warmup as u8],
            &[0; 7],
            &schedule.first_normal_epoch.to_le_bytes(),
            &schedule.first_normal_slot.to_le_bytes(),
        ])
    }

    /// EpochSchedule bincode (33 bytes: the bool is one byte, no padding).
    fn epoch_schedule_account_data(&self) -> Vec<u8> {
        let repr = self.epoch_schedule_repr_c();
        let mut data = Vec::with_capacity(33);
        data.extend_from_slice(&repr[0..17]);
        data.extend_from_slice(&repr[24..40]);
        data
    }

    /// EpochRewards: u64, u64, `[u8; 32]`, u128, u64, u64, bool (+15 padding) = 96 bytes.
    pub fn epoch_rewards_repr_c(&self) -> [u8; EPOCH_REWARDS_SIZE] {
        let rewards = &self.epoch_rewards;
        repr_c(&[
            &rewards.distribution_starting_block_height.to_le_bytes(),
            &rewards.num_partitions.to_le_bytes(),
            rewards.parent_blockhash.as_ref(),
            &rewards.total_points.to_le_bytes(),
            &rewards.total_rewards.to_le_bytes(),
            &rewards.distributed_rewards.to_le_bytes(),
            &[rewards.active as u8],
        ])
    }

    fn epoch_rewards_account_data(&self) -> Vec<u8> {
        self.epoch_rewards_repr_c()[..81].to_vec()
    }

    /// Account data of a sysvar id, if the runtime provides it.
    pub fn account_data(&self, id: &Pubkey) -> Option<Vec<u8>> {
        Some(if id == &sysvar::clock::id() {
            self.clock_repr_c().to_vec()
        } else if id == &sysvar::rent::id() {
            self.rent.to_account_data()
        } else if id == &sysvar::epoch_schedule::id() {
            self.epoch_schedule_account_data()
        } else if id == &sysvar::epoch_rewards::id() {
            self.epoch_rewards_account_data()
        } else if id == &sysvar::last_restart_slot::id() {
            self.last_restart_slot.to_le_bytes().to_vec()
        } else {
            return self.account_data_ref(id).map(<[u8]>::to_vec);
        })
    }

    /// The slots SlotHashes lists, newest first (empty when it is not provided or does not
    /// decode): the slots an address lookup table deactivated in is still usable for.
    pub fn recent_slot_hashes_slots(&self) -> Vec<u64> {
        let Some(data) = self.slot_hashes.as_deref() else {
            return Vec::new();
        };
        let Some(count) = data
            .get(..8)
            .map(|bytes| u64::from_le_bytes(bytes.try_into().expect("8 bytes")) as usize)
        else {
            return Vec::new();
        };
        data[8..]
            .chunks_exact(SLOT_HASH_SIZE)
            .take(count)
            .map(|entry| u64::from_le_bytes(entry[..8].try_into().expect("8 bytes")))
            .collect()
    }

    /// The account data of a sysvar the runtime holds as bytes (SlotHashes, StakeHistory),
    /// borrowed: `sol_get_sysvar` copies a window of it without cloning 20 KB per call.
    pub fn account_data_ref(&self, id: &Pubkey) -> Option<&[u8]> {
        if id == &sysvar::slot_hashes::id() {
            self.slot_hashes.as_deref()
        } else if id == &sysvar::stake_history::id() {
            self.stake_history.as_deref()
        } else {
            None
        }
    }

    /// The sysvars whose accounts exist only when provided.
    pub const OPTIONAL_ACCOUNT_IDS: [Pubkey; 4] = [
        sysvar::slot_hashes::ID,
        sysvar::stake_history::ID,
        sysvar::recent_blockhashes::ID,
        sysvar::fees::ID,
    ];

    /// The sysvar accounts as they appear in the account store: the typed sysvars,
    /// SlotHashes and StakeHistory when provided, RecentBlockhashes unless unavailable (its
    /// [`RecentBlockhashes::Environment`] list holds `environment_blockhash`), and Fees when
    /// provided. Each is owned by the Sysvar program and holds the rent-exempt minimum of
    /// its data (at least 1 lamport).
    pub fn accounts(&self, environment_blockhash: BlockhashEntry) -> Vec<(Pubkey, Account)> {
        let typed = [
            sysvar::clock::id(),
            sysvar::rent::id(),
            sysvar::epoch_schedule::id(),
            sysvar::epoch_rewards::id(),
            sysvar::last_restart_slot::id(),
            sysvar::slot_hashes::id(),
            sysvar::stake_history::id(),
        ]
        .into_iter()
        .filter_map(|id| Some((id, self.account_data(&id)?)));
        let recent_blockhashes = self
            .recent_blockhashes_account_data(environment_blockhash)
            .map(|data| (sysvar::recent_blockhashes::id(), data));
        let fees = self.fees.map(|lamports_per_signature| {
            (
                sysvar::fees::id(),
                lamports_per_signature.to_le_bytes().to_vec(),
            )
        });
        typed
            .chain(recent_blockhashes)
            .chain(fees)
            .map(|(id, data)| {
                let lamports = self.rent.minimum_balance(data.len()).max(1);
                let account = Account {
                    lamports,
                    data,
                    owner: sysvar::id(),
                    executable: false,
                    rent_epoch: 0,
                };
                (id, account)
            })
            .collect()
    }

    /// The RecentBlockhashes account data, sized for its 150 entries as the bank creates it
    /// (`solana-sysvar 3.x`, `RecentBlockhashes::size_of`: 6,008 bytes): a u64 count, then
    /// per entry the blockhash and its lamports per signature, newest first. `None` when
    /// the sysvar is unavailable.
    pub fn recent_blockhashes_account_data(
        &self,
        environment_blockhash: BlockhashEntry,
    ) -> Option<Vec<u8>> {
        let entries = match &self.recent_blockhashes {
            RecentBlockhashes::Environment => std::slice::from_ref(&environment_blockhash),
            RecentBlockhashes::Entries(entries) => {
                &entries[..entries.len().min(MAX_RECENT_BLOCKHASHES)]
            }
            RecentBlockhashes::Unavailable => return None,
        };
        let mut data = Vec::with_capacity(RECENT_BLOCKHASHES_ACCOUNT_SIZE);
        data.extend_from_slice(&(entries.len() as u64).to_le_bytes());
        for entry in entries {
            data.extend_from_slice(&entry.blockhash);
            data.extend_from_slice(&entry.lamports_per_signature.to_le_bytes());
        }
        data.resize(RECENT_BLOCKHASHES_ACCOUNT_SIZE, 0);
        Some(data)
    }
}

/// Builds the Instructions sysvar data for a transaction (agave's
/// `construct_instructions_data`): u16 count, u16 offsets, then per instruction
/// u16 n_accounts, (u8 flags, 32-byte key) per account, 32-byte program id,
/// u16 data length, data; finally 2 bytes for the current instruction index.
pub fn instructions_sysvar_data(instructions: &[InstructionsSysvarEntry]) -> Vec<u8> {
    const IS_SIGNER: u8 = 1;
    const IS_WRITABLE: u8 = 2;
    let mut data = Vec::new();
    data.extend_from_slice(&(instructions.len() as u16).to_le_bytes());
    let offsets_start = data.len();
    data.resize(offsets_start + 2 * instructions.len(), 0);
    for (index, instruction) in instructions.iter().enumerate() {
        let offset = data.len() as u16;
        data[offsets_start + 2 * index..offsets_start + 2 * index + 2]
            .copy_from_slice(&offset.to_le_bytes());
        data.extend_from_slice(&(instruction.accounts.len() as u16).to_le_bytes());
        for (key, is_signer, is_writable) in &instruction.accounts {
            let mut flags = 0;
            if *is_signer {
                flags |= IS_SIGNER;
            }
            if *is_writable {
                flags |= IS_WRITABLE;
            }
            data.push(flags);
            data.extend_from_slice(key.as_ref());
        }
        data.extend_from_slice(instruction.program_id.as_ref());
        data.extend_from_slice(&(instruction.data.len() as u16).to_le_bytes());
        data.extend_from_slice(&instruction.data);
    }
    data.extend_from_slice(&0u16.to_le_bytes());
    data
}

/// One instruction as the Instructions sysvar records it.
#[derive(Debug, Clone)]
pub struct InstructionsSysvarEntry {
    /// The instruction's program.
    pub program_id: Pubkey,
    /// Each account meta: key, is_signer, is_writable.
    pub accounts: Vec<(Pubkey, bool, bool)>,
    /// The instruction data.
    pub data: Vec<u8>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rent_minimum_matches_scenario_format() {
        let rent = RentParams::default();
        assert_eq!(rent.minimum_balance(0), 128 * 6_960);
        assert_eq!(rent.minimum_balance(165), (128 + 165) * 6_960);
        assert_eq!(rent.to_account_data().len(), 17);
    }

    #[test]
    fn layouts_have_agave_sizes() {
        let sysvars = Sysvars::default();
        assert_eq!(
            sysvars.account_data(&sysvar::clock::id()).unwrap().len(),
            40
        );
        assert_eq!(
            sysvars
                .account_data(&sysvar::epoch_schedule::id())
                .unwrap()
                .len(),
            33
        );
        assert_eq!(
            sysvars
                .account_data(&sysvar::epoch_rewards::id())
                .unwrap()
                .len(),
            81
        );
        assert_eq!(
            sysvars
                .account_data(&sysvar::last_restart_slot::id())
                .unwrap()
                .len(),
            8
        );
    }

    #[test]
    fn history_sysvars_are_sized_as_on_mainnet() {
        let sysvars = Sysvars::default();
        let slot_hashes = sysvars.account_data(&sysvar::slot_hashes::id()).unwrap();
        assert_eq!(slot_hashes.len(), 20_488);
        assert_eq!(&slot_hashes[..8], &[0; 8]);
        let history = sysvars.account_data(&sysvar::stake_history::id()).unwrap();
        assert_eq!(history.len(), 16_392);
        let data = slot_hashes_account_data(&[
            SlotHash {
                slot: 9,
                hash: [7; 32],
            },
            SlotHash {
                slot: 8,
                hash: [6; 32],
            },
        ]);
        assert_eq!(&data[..8], &2u64.to_le_bytes());
        assert_eq!(&data[8..16], &9u64.to_le_bytes());
        assert_eq!(&data[16..48], &[7; 32]);
        assert_eq!(&data[48..56], &8u64.to_le_bytes());
        assert!(decodes_as_slot_hashes(&data));
        assert!(!decodes_as_slot_hashes(&data[..80]));
        assert!(decodes_as_stake_history(&history));
        let entries = vec![StakeHistoryEntry::default(); 600];
        let full = stake_history_account_data(&entries);
        assert_eq!(full.len(), 16_392);
        assert_eq!(&full[..8], &512u64.to_le_bytes());
        let ids: Vec<_> = sysvars
            .accounts(BlockhashEntry::default())
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert!(ids.contains(&sysvar::slot_hashes::id()));
        let none = Sysvars {
            slot_hashes: None,
            ..Sysvars::default()
        };
        assert!(none.account_data(&sysvar::slot_hashes::id()).is_none());
        assert!(!none
            .accounts(BlockhashEntry::default())
            .iter()
            .any(|(id, _)| *id == sysvar::slot_hashes::id()));
    }

    #[test]
    fn instructions_sysvar_layout() {
        let program_id = Pubkey::new_unique();
        let key = Pubkey::new_unique();
        let data = instructions_sysvar_data(&[InstructionsSysvarEntry {
            program_id,
            accounts: vec![(key, true, false)],
            data: vec![7],
        }]);
        assert_eq!(&data[0..2], &1u16.to_le_bytes());
        assert_eq!(&data[2..4], &4u16.to_le_bytes());
        assert_eq!(&data[4..6], &1u16.to_le_bytes());
        assert_eq!(data[6], 1);
        assert_eq!(&data[7..39], key.as_ref());
        assert_eq!(&data[39..71], program_id.as_ref());
        assert_eq!(data.len(), 71 + 2 + 1 + 2);
    }
}
