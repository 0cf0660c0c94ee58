//! Saving and putting back the accounts an instruction may change, so that it can be run
//! again from the same state (`sbfvm bench FILE.toml` and the token-shaped workloads).

use sbfvm::{Account, AccountSharedData, Instruction, Pubkey, Sbfvm};

/// The accounts `instruction`'s transaction may change — those it passes writable — as the
/// store holds them now, their data shared (`None`: nothing stored under the key). A transaction commits only
/// writable accounts, so the others (the program's among them) never need restoring.
pub(crate) fn snapshot(
    vm: &Sbfvm,
    instruction: &Instruction,
) -> Vec<(Pubkey, Option<AccountSharedData>)> {
    let mut keys: Vec<Pubkey> = instruction
        .accounts
        .iter()
        .filter(|meta| meta.is_writable)
        .map(|meta| meta.pubkey)
        .collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .map(|key| (key, vm.shared_account(&key).cloned()))
        .collect()
}

/// Puts back the accounts of a [`snapshot`].
pub(crate) fn restore(vm: &mut Sbfvm, snapshot: &[(Pubkey, Option<AccountSharedData>)]) {
    for (key, account) in snapshot {
        match account {
            Some(account) => vm.set_account(*key, account.clone()),
            // Nothing was stored: an empty account loads exactly as an absent one.
            None => vm.set_account(*key, Account::default()),
        }
    }
}
