//! The BPF-loader side of the instr harness: the three loader builtins, and the program
//! cache the reference harness builds before the instruction runs (solfuzz-agave `270ca6d`,
//! `src/lib.rs`, `execute_instr`, which calls `load_program_with_pubkey` of Agave 2.1.0's
//! `solana-svm`, `src/program_loader.rs`).
//!
//! Every executable account owned by BPFLoader1, BPFLoader2 or the upgradeable loader (and
//! not itself a builtin id) is loaded with the execution environment at the Clock slot:
//! * BPFLoader1/2: the account data is the ELF, deployed at slot 0;
//! * upgradeable: the account must hold `Program { programdata_address }` and that account
//!   `ProgramData { slot, .. }` (bincode); the ELF follows the 45-byte metadata and the
//!   deployment slot is the program data's. Anything else is a `Closed` tombstone.
//!
//! A program that fails to load or verify is cached as failed ("Program is not deployed").
//! A loaded program deployed at the Clock slot is not yet visible (`DelayVisibility`,
//! Agave's `is_implicit_delay_visibility_tombstone`), which is why the harness's default
//! Clock slot is 10.

use sbfvm_runtime::accounts::{
    decode_upgradeable_state, UpgradeableLoaderState, PROGRAMDATA_METADATA_SIZE,
};
use sbfvm_runtime::{Account, ProgramCache, ProgramStatus, Pubkey};
use sbfvm_vm::SbfExecutor;
use solana_sdk_ids::{bpf_loader, bpf_loader_deprecated, bpf_loader_upgradeable};

/// Which loader-owned accounts [`load_programs`] loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Loaded {
    /// The executable ones (the instr harness).
    Executable,
    /// All of them (a bank's program cache).
    All,
}

/// Loads the fixture's programs into `executor` and returns the statuses the reference
/// program cache would report (deployment slots and tombstones). `skip` lists the builtin
/// ids, which are already in the reference cache and never loaded. The instr harness loads
/// executable accounts only (`Loaded::Executable`); a bank loads every account a loader owns,
/// whatever its flag (`solana-svm 2.1.0, src/transaction_processor.rs`,
/// `filter_executable_program_accounts`, then `replenish_program_cache`).
pub(super) fn load_programs(
    accounts: &[(Pubkey, Account)],
    executor: &SbfExecutor,
    skip: &[Pubkey],
    loaded: Loaded,
) -> ProgramCache {
    let mut deployments = ProgramCache::default();
    let lookup = |address: &Pubkey| {
        accounts
            .iter()
            .find(|(key, _)| key == address)
            .map(|(_, account)| account)
    };
    for (key, account) in accounts {
        if (loaded == Loaded::Executable && !account.executable) || skip.contains(key) {
            continue;
        }
        let owner = account.owner;
        if owner == bpf_loader::id() || owner == bpf_loader_deprecated::id() {
            // A failure is cached and makes execution fail as "Program is not deployed".
            let _ = executor.load_program(key, &owner, &account.data);
            deployments.insert(*key, ProgramStatus::DeployedAt(0));
        } else if owner == bpf_loader_upgradeable::id() {
            let programdata = match decode_upgradeable_state(&account.data) {
                Some(UpgradeableLoaderState::Program {
                    programdata_address,
                }) => lookup(&programdata_address).and_then(|programdata| {
                    match decode_upgradeable_state(&programdata.data) {
                        Some(UpgradeableLoaderState::ProgramData { slot, .. }) => {
                            Some((slot, programdata))
                        }
                        _ => None,
                    }
                }),
                _ => None,
            };
            let Some((slot, programdata)) = programdata else {
                deployments.insert(*key, ProgramStatus::Closed);
                continue;
            };
            match programdata.data.get(PROGRAMDATA_METADATA_SIZE..) {
                Some(elf) => {
                    let _ = executor.load_program(key, &owner, elf);
                    deployments.insert(*key, ProgramStatus::DeployedAt(slot));
                }
                // A failed load: a tombstone either way.
                None => deployments.insert(*key, ProgramStatus::Closed),
            }
        }
    }
    deployments
}
