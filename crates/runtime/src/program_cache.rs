//! The runtime's half of Agave's program cache: what it records about a loader-owned
//! program besides its loaded executable. The executables themselves (parsed, verified,
//! JIT-compiled) are the executor's, in the `sbfvm-vm` crate; the runtime only decides
//! whether a program may run now.
//!
//! * A program deployed, upgraded or extended at slot *s* is not executable while the Clock
//!   slot is *s* (Agave's `DelayVisibility` entries; visible from *s* + 1).
//! * A closed program is a tombstone (`Closed`).
//! * Invoking either logs "Program is not deployed"; an upgradeable program the executor has
//!   never loaded is "Program is not cached" ([`UnavailableProgram`]).
//!
//! A transaction starts from the committed [`ProgramCache`], records what its deployments
//! change, and when it commits hands each changed program's new ELF back to the executor
//! ([`ProgramCache::reloads`]); a failed transaction changes neither, as in Agave, which
//! merges a transaction's program-cache changes only on success.

use std::collections::HashMap;

use solana_account::ReadableAccount;
use solana_instruction_error::InstructionError;
use solana_pubkey::Pubkey;
use solana_sdk_ids::bpf_loader_upgradeable;

use crate::accounts::{program_elf, AccountStore};
use crate::features::FeatureSet;

/// What the program cache records about a program besides its loaded executable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgramStatus {
    /// Deployed, upgraded or extended at this slot: not executable before the next slot
    /// (`DelayVisibility`). Programs loaded from accounts carry their deployment slot too
    /// (the program data account's slot, 0 for the non-upgradeable loaders).
    DeployedAt(u64),
    /// Closed, or an upgradeable program whose accounts do not describe a deployed program:
    /// a tombstone.
    Closed,
}

impl ProgramStatus {
    /// Whether the program may execute at `slot` (Agave's
    /// `is_implicit_delay_visibility_tombstone`: hidden for `deployment ≤ slot < deployment + 1`).
    pub fn is_visible_at(self, slot: u64) -> bool {
        match self {
            ProgramStatus::DeployedAt(deployed) => slot != deployed,
            ProgramStatus::Closed => false,
        }
    }
}

/// Why a loader-owned program cannot run: what Agave's program cache holds for it instead
/// of a loaded executable (`solana-bpf-loader-program 4.4.0, src/lib.rs`,
/// `process_instruction_inner`, "Program Invocation").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnavailableProgram {
    /// No entry at all (an upgradeable program the executor never loaded).
    NotCached,
    /// A tombstone: closed, deployed in the current slot, or failed verification.
    NotDeployed,
}

impl UnavailableProgram {
    /// The line Agave logs.
    pub fn log_message(self) -> &'static str {
        match self {
            UnavailableProgram::NotCached => "Program is not cached",
            UnavailableProgram::NotDeployed => "Program is not deployed",
        }
    }

    /// `UnsupportedProgramId`. Agave 2.1 returned `InvalidAccountData`; sbfvm selects that
    /// older code while SIMD-0162 (`remove_accounts_executable_flag_checks`) is inactive, the
    /// feature that brackets the unversioned change (see the BPF loader builtin's docs).
    pub fn error(self, features: &FeatureSet) -> InstructionError {
        if features.remove_accounts_executable_flag_checks() {
            InstructionError::UnsupportedProgramId
        } else {
            InstructionError::InvalidAccountData
        }
    }
}

/// A program whose accounts a committed transaction changed: the executor drops its cached
/// copy and loads `elf` when there is one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProgramReload<'a> {
    /// The program.
    pub program_id: Pubkey,
    /// Its loader (the owner of the program account).
    pub loader: Pubkey,
    /// The ELF the committed accounts hold; `None` for a closed program or one whose ELF
    /// cannot be found.
    pub elf: Option<&'a [u8]>,
}

/// Program statuses known to a transaction, and which of them it changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProgramCache {
    statuses: HashMap<Pubkey, ProgramStatus>,
    modified: Vec<Pubkey>,
    /// What each [`ProgramCache::record`] replaced, oldest first: the runtime lends its
    /// cache to a transaction instead of copying it, and a failed one is undone from this.
    replaced: Vec<(Pubkey, Option<ProgramStatus>)>,
}

impl ProgramCache {
    /// The status of `program_id`, `None` when nothing restricts it.
    pub fn status(&self, program_id: &Pubkey) -> Option<ProgramStatus> {
        self.statuses.get(program_id).copied()
    }

    /// Whether `program_id` may execute at `slot`.
    pub fn is_visible(&self, program_id: &Pubkey, slot: u64) -> bool {
        self.status(program_id)
            .is_none_or(|status| status.is_visible_at(slot))
    }

    /// Sets a status known before the transaction (not counted as a change).
    pub fn insert(&mut self, program_id: Pubkey, status: ProgramStatus) {
        self.statuses.insert(program_id, status);
    }

    /// Forgets `program_id` (e.g. a program added directly to the account store).
    pub fn remove(&mut self, program_id: &Pubkey) {
        self.statuses.remove(program_id);
    }

    /// Records a change made by the running transaction.
    pub fn record(&mut self, program_id: Pubkey, status: ProgramStatus) {
        let previous = self.statuses.insert(program_id, status);
        self.replaced.push((program_id, previous));
        if !self.modified.contains(&program_id) {
            self.modified.push(program_id);
        }
    }

    /// Programs the transaction deployed, upgraded, extended or closed, in order.
    pub fn modified(&self) -> &[Pubkey] {
        &self.modified
    }

    /// What the executor must reload once the transaction's accounts are committed to
    /// `store`: each changed program with the ELF its accounts now hold.
    pub fn reloads<'a>(
        &'a self,
        store: &'a AccountStore,
    ) -> impl Iterator<Item = ProgramReload<'a>> + 'a {
        self.modified.iter().map(move |program_id| {
            let Some(program) = store.get(program_id) else {
                return ProgramReload {
                    program_id: *program_id,
                    loader: bpf_loader_upgradeable::id(),
                    elf: None,
                };
            };
            let closed = self.status(program_id) == Some(ProgramStatus::Closed);
            let elf = if closed {
                None
            } else {
                program_elf(program, |key| store.get(key)).ok()
            };
            ProgramReload {
                program_id: *program_id,
                loader: *program.owner(),
                elf,
            }
        })
    }

    /// The statuses with the change list cleared: what the next transaction starts from.
    pub fn committed(mut self) -> Self {
        self.modified.clear();
        self.replaced.clear();
        self
    }

    /// The statuses as they were before the transaction's changes: what the next
    /// transaction starts from when this one failed or was simulated.
    pub fn rolled_back(mut self) -> Self {
        for (program_id, previous) in self.replaced.drain(..).rev() {
            match previous {
                Some(status) => self.statuses.insert(program_id, status),
                None => self.statuses.remove(&program_id),
            };
        }
        self.modified.clear();
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The runtime lends its cache to a transaction: rolling back undoes every change the
    /// transaction recorded, in reverse (a status replaced twice returns to the first one),
    /// and committing keeps them.
    #[test]
    fn a_rolled_back_cache_is_the_cache_before_the_transaction() {
        let (kept, replaced, added) = (
            Pubkey::new_unique(),
            Pubkey::new_unique(),
            Pubkey::new_unique(),
        );
        let mut before = ProgramCache::default();
        before.insert(kept, ProgramStatus::DeployedAt(3));
        before.insert(replaced, ProgramStatus::DeployedAt(5));

        let mut cache = before.clone();
        cache.record(replaced, ProgramStatus::DeployedAt(9));
        cache.record(replaced, ProgramStatus::Closed);
        cache.record(added, ProgramStatus::DeployedAt(9));
        assert_eq!(cache.modified(), [replaced, added]);
        assert_eq!(cache.clone().rolled_back(), before);

        let committed = cache.committed();
        assert_eq!(committed.status(&replaced), Some(ProgramStatus::Closed));
        assert_eq!(committed.status(&added), Some(ProgramStatus::DeployedAt(9)));
        assert_eq!(committed.status(&kept), Some(ProgramStatus::DeployedAt(3)));
        assert!(committed.modified().is_empty());
        // Nothing left to undo after a commit.
        assert_eq!(committed.clone().rolled_back(), committed);
    }
}
