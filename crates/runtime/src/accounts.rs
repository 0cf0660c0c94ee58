//! Accounts at rest: the [`AccountStore`] transactions load from and commit to, and the
//! formats of program accounts (the three BPF loaders' layouts, the upgradeable loader's
//! program / program-data pair, native program accounts).
//!
//! Everything here is plain data: nothing runs, nothing is charged. Accounts are held as
//! `AccountSharedData`, whose data is copy-on-write: loading an account into a transaction
//! shares its bytes with the store (as Agave's accounts cache does), and only an account a
//! transaction writes gets a copy of its own.

use std::collections::HashMap;

use solana_account::{Account, AccountSharedData, ReadableAccount};
pub use solana_loader_v3_interface::state::UpgradeableLoaderState;
use solana_pubkey::Pubkey;
use solana_sdk_ids::{
    bpf_loader, bpf_loader_deprecated, bpf_loader_upgradeable, native_loader, system_program,
};

use crate::features::BuildPubkeyHasher;
use crate::sysvars::RentParams;

/// Accounts by address. Missing accounts read as empty system-owned accounts.
///
/// A hash map: every transaction looks up each of its keys, and a B-tree's 32-byte key
/// comparisons cost more than the rest of loading a small transaction. Iteration (rare)
/// sorts by address, so what it shows stays deterministic.
#[derive(Clone, Default, PartialEq)]
pub struct AccountStore {
    accounts: HashMap<Pubkey, AccountSharedData, BuildPubkeyHasher>,
}

impl std::fmt::Debug for AccountStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl AccountStore {
    /// The stored account, `None` when nothing is stored under `key`.
    pub fn get(&self, key: &Pubkey) -> Option<&AccountSharedData> {
        self.accounts.get(key)
    }

    /// Stores `account` under `key`, replacing what was there (an `Account`'s data is moved,
    /// not copied).
    pub fn set(&mut self, key: Pubkey, account: impl Into<AccountSharedData>) {
        self.accounts.insert(key, account.into());
    }

    /// Removes the account under `key` and returns it.
    pub fn remove(&mut self, key: &Pubkey) -> Option<AccountSharedData> {
        self.accounts.remove(key)
    }

    /// Every stored account, in order of address.
    pub fn iter(&self) -> impl Iterator<Item = (&Pubkey, &AccountSharedData)> {
        let mut accounts: Vec<_> = self.accounts.iter().collect();
        accounts.sort_unstable_by_key(|(key, _)| **key);
        accounts.into_iter()
    }

    /// How many accounts are stored.
    pub fn len(&self) -> usize {
        self.accounts.len()
    }

    /// Whether no account is stored.
    pub fn is_empty(&self) -> bool {
        self.accounts.is_empty()
    }

    /// The account as a transaction loads it: a missing or zero-lamport account is an
    /// empty System-owned account, as Agave's loader treats deallocated accounts. The data
    /// is shared with the store, not copied.
    pub fn load(&self, key: &Pubkey) -> AccountSharedData {
        match self.accounts.get(key) {
            Some(account) if account.lamports() > 0 => account.clone(),
            _ => AccountSharedData::from(Account {
                owner: system_program::id(),
                ..Account::default()
            }),
        }
    }
}

/// Whether `owner` is one of the BPF loaders whose programs the executor runs.
pub fn is_bpf_loader(owner: &Pubkey) -> bool {
    *owner == bpf_loader::id()
        || *owner == bpf_loader_deprecated::id()
        || *owner == bpf_loader_upgradeable::id()
}

/// `UpgradeableLoaderState::size_of_uninitialized()`.
pub const SIZE_OF_UNINITIALIZED: usize = UpgradeableLoaderState::size_of_uninitialized();
/// `UpgradeableLoaderState::size_of_buffer_metadata()`: the Buffer header before the ELF.
pub const BUFFER_METADATA_SIZE: usize = UpgradeableLoaderState::size_of_buffer_metadata();
/// `UpgradeableLoaderState::size_of_programdata_metadata()`: the ProgramData header
/// before the ELF.
pub const PROGRAMDATA_METADATA_SIZE: usize = UpgradeableLoaderState::size_of_programdata_metadata();
/// `UpgradeableLoaderState::size_of_program()`: a Program account's data.
pub const PROGRAM_SIZE: usize = UpgradeableLoaderState::size_of_program();

/// The bincode tag of `UpgradeableLoaderState::Program`.
const PROGRAM_TAG: u32 = 2;
/// The bincode tag of `UpgradeableLoaderState::ProgramData`.
const PROGRAMDATA_TAG: u32 = 3;

/// Decodes `UpgradeableLoaderState` from raw account data (trailing bytes allowed).
pub fn decode_upgradeable_state(data: &[u8]) -> Option<UpgradeableLoaderState> {
    bincode::deserialize(data).ok()
}

/// `UpgradeableLoaderState::Program { programdata_address }`: the program-data address a
/// program account's data names, `None` for any other state.
pub fn upgradeable_programdata_address(data: &[u8]) -> Option<Pubkey> {
    if data.len() < PROGRAM_SIZE || data[0..4] != PROGRAM_TAG.to_le_bytes() {
        return None;
    }
    Some(Pubkey::new_from_array(data[4..36].try_into().ok()?))
}

/// Extracts the ELF of a program account: the account data for the first two loaders,
/// the program-data account's bytes after its 45-byte header for the upgradeable loader.
pub fn program_elf<'a, A: ReadableAccount>(
    program: &'a A,
    lookup: impl Fn(&Pubkey) -> Option<&'a A>,
) -> Result<&'a [u8], String> {
    if *program.owner() != bpf_loader_upgradeable::id() {
        return Ok(program.data());
    }
    let programdata_address = upgradeable_programdata_address(program.data())
        .ok_or("program account is not an upgradeable Program state")?;
    let programdata = lookup(&programdata_address)
        .ok_or_else(|| format!("programdata account {programdata_address} not found"))?;
    let is_programdata = programdata.data().first() == Some(&(PROGRAMDATA_TAG as u8));
    programdata
        .data()
        .get(PROGRAMDATA_METADATA_SIZE..)
        .filter(|_| is_programdata)
        .ok_or_else(|| format!("account {programdata_address} is not ProgramData"))
}

/// The program and program-data account pair of an upgradeable deployment at slot 0, each
/// rent-exempt under `rent`.
pub fn upgradeable_program_accounts(
    program_id: &Pubkey,
    elf: &[u8],
    upgrade_authority: Option<Pubkey>,
    rent: &RentParams,
) -> [(Pubkey, Account); 2] {
    let (programdata_address, _) =
        crate::pda::try_find_program_address(&[program_id.as_ref()], &bpf_loader_upgradeable::id())
            .expect("a programdata address exists for every program id");
    let mut program_data = Vec::with_capacity(PROGRAM_SIZE);
    program_data.extend_from_slice(&PROGRAM_TAG.to_le_bytes());
    program_data.extend_from_slice(programdata_address.as_ref());
    let mut programdata = Vec::with_capacity(PROGRAMDATA_METADATA_SIZE + elf.len());
    programdata.extend_from_slice(&PROGRAMDATA_TAG.to_le_bytes());
    programdata.extend_from_slice(&0u64.to_le_bytes()); // deployment slot
    match upgrade_authority {
        Some(authority) => {
            programdata.push(1);
            programdata.extend_from_slice(authority.as_ref());
        }
        None => programdata.extend_from_slice(&[0u8; 33]),
    }
    programdata.extend_from_slice(elf);
    let loader_account = |data: Vec<u8>, executable: bool| Account {
        lamports: rent.minimum_balance(data.len()),
        data,
        owner: bpf_loader_upgradeable::id(),
        executable,
        rent_epoch: u64::MAX,
    };
    [
        (*program_id, loader_account(program_data, true)),
        (programdata_address, loader_account(programdata, false)),
    ]
}

/// The account a bank stores for a native program: owned by the native loader, executable,
/// 1 lamport, rent epoch 0, and `name` as its data — Agave's
/// `native_loader::create_loadable_account_with_fields` as `Bank::add_builtin_account` calls
/// it (`solana-runtime 4.4.0, src/bank.rs`). A precompile's account is the same with no data
/// (`Bank::add_precompiled_account_with_owner`).
pub fn native_program_account(name: &str) -> Account {
    Account {
        lamports: 1,
        data: name.as_bytes().to_vec(),
        owner: native_loader::id(),
        executable: true,
        rent_epoch: 0,
    }
}
