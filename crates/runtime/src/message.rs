//! A transaction's instructions compiled into a message: one list of account keys with the
//! message's privileges, and one instruction frame per instruction that refers to accounts
//! by their index in that list.
//!
//! As in Agave, privileges are the message's, not each meta's: a key that signs or is
//! writable anywhere in the transaction is so in every instruction that names it, and the
//! message demotes reserved keys and program ids to read-only, as a sanitized legacy
//! message's `is_writable` does (reserved account keys, and `demote_program_id`: program ids
//! unless the upgradeable loader is one of the keys).

use std::collections::HashSet;
use std::sync::OnceLock;

use solana_instruction::Instruction;
use solana_pubkey::Pubkey;
use solana_sdk_ids::{
    address_lookup_table, bpf_loader, bpf_loader_deprecated, bpf_loader_upgradeable,
    compute_budget, config, ed25519_program, feature, loader_v4, native_loader, secp256k1_program,
    secp256r1_program, stake, system_program, sysvar, vote, zk_elgamal_proof_program,
    zk_token_proof_program,
};

use crate::features::BuildPubkeyHasher;
use crate::transaction_context::{IndexOfAccount, InstructionAccount, InstructionFrame};

/// Keys whose writability the message demotes (Agave's reserved account keys).
pub fn is_reserved_account_key(key: &Pubkey) -> bool {
    const SYSVARS: [Pubkey; 13] = [
        sysvar::clock::ID,
        sysvar::epoch_rewards::ID,
        sysvar::epoch_schedule::ID,
        sysvar::fees::ID,
        sysvar::instructions::ID,
        sysvar::last_restart_slot::ID,
        sysvar::recent_blockhashes::ID,
        sysvar::rent::ID,
        sysvar::rewards::ID,
        sysvar::slot_hashes::ID,
        sysvar::slot_history::ID,
        sysvar::stake_history::ID,
        sysvar::ID,
    ];
    const PROGRAMS: [Pubkey; 17] = [
        address_lookup_table::ID,
        bpf_loader::ID,
        bpf_loader_deprecated::ID,
        bpf_loader_upgradeable::ID,
        compute_budget::ID,
        config::ID,
        ed25519_program::ID,
        feature::ID,
        loader_v4::ID,
        native_loader::ID,
        secp256k1_program::ID,
        secp256r1_program::ID,
        stake::ID,
        system_program::ID,
        vote::ID,
        zk_elgamal_proof_program::ID,
        zk_token_proof_program::ID,
    ];
    // Asked for every account of every transaction: a set instead of 30 comparisons.
    static RESERVED: OnceLock<HashSet<Pubkey, BuildPubkeyHasher>> = OnceLock::new();
    RESERVED
        .get_or_init(|| SYSVARS.iter().chain(PROGRAMS.iter()).copied().collect())
        .contains(key)
}

/// [`is_reserved_account_key`] under `features`: the keys added by
/// `add_new_reserved_account_keys` (and secp256r1, by `enable_secp256r1_precompile`) are
/// reserved only with their feature (`solana-reserved-account-keys 2.1.0, src/lib.rs`,
/// `RESERVED_ACCOUNTS`, its `new_pending` entries).
pub fn is_reserved_account_key_under(key: &Pubkey, features: &crate::features::FeatureSet) -> bool {
    const PENDING: [Pubkey; 10] = [
        address_lookup_table::ID,
        compute_budget::ID,
        ed25519_program::ID,
        loader_v4::ID,
        secp256k1_program::ID,
        zk_elgamal_proof_program::ID,
        zk_token_proof_program::ID,
        sysvar::epoch_rewards::ID,
        sysvar::last_restart_slot::ID,
        sysvar::ID,
    ];
    if *key == secp256r1_program::ID {
        return features.enable_secp256r1_precompile();
    }
    if PENDING.contains(key) {
        return features.add_new_reserved_account_keys();
    }
    is_reserved_account_key(key)
}

/// The instructions of a transaction as a message.
#[derive(Debug, Clone)]
pub struct CompiledMessage {
    /// Every key, in order of first reference (an instruction's metas, then its program).
    pub account_keys: Vec<Pubkey>,
    /// Whether each key signs anywhere in the transaction.
    pub is_signer: Vec<bool>,
    /// Whether each key is writable in the message (merged, then demoted).
    pub is_writable: Vec<bool>,
    /// One frame per instruction, every account carrying the message's privileges.
    pub frames: Vec<InstructionFrame>,
}

impl CompiledMessage {
    /// Compiles `instructions`: keys in order of first reference, privileges merged over
    /// every occurrence, reserved keys and program ids demoted, then written back into
    /// every instruction account.
    pub fn compile(instructions: &[Instruction]) -> Self {
        // At most every account and program id is a new key: sized once, not grown.
        let most_keys = instructions
            .iter()
            .map(|instruction| instruction.accounts.len() + 1)
            .sum();
        let mut message = Self {
            account_keys: Vec::with_capacity(most_keys),
            is_signer: Vec::with_capacity(most_keys),
            is_writable: Vec::with_capacity(most_keys),
            frames: Vec::with_capacity(instructions.len()),
        };
        for instruction in instructions {
            let accounts: Vec<InstructionAccount> = instruction
                .accounts
                .iter()
                .map(|meta| InstructionAccount {
                    index_in_transaction: message.add_key(
                        meta.pubkey,
                        meta.is_signer,
                        meta.is_writable,
                    ),
                    is_signer: meta.is_signer,
                    is_writable: meta.is_writable,
                })
                .collect();
            let program_index = message.add_key(instruction.program_id, false, false);
            message.frames.push(InstructionFrame::new(
                program_index,
                accounts,
                instruction.data.clone(),
            ));
        }
        message.demote_read_only_keys();
        message.apply_privileges_to_frames();
        message
    }

    /// The index of `key`, added if new; its privileges grow by the given ones.
    fn add_key(&mut self, key: Pubkey, is_signer: bool, is_writable: bool) -> IndexOfAccount {
        let index = self
            .account_keys
            .iter()
            .position(|known| *known == key)
            .unwrap_or_else(|| {
                self.account_keys.push(key);
                self.is_signer.push(false);
                self.is_writable.push(false);
                self.account_keys.len() - 1
            });
        self.is_signer[index] |= is_signer;
        self.is_writable[index] |= is_writable;
        index as IndexOfAccount
    }

    /// Reserved keys are read-only, and so are program ids unless the upgradeable loader is
    /// among the keys.
    fn demote_read_only_keys(&mut self) {
        let upgradeable_loader_present = self.account_keys.contains(&bpf_loader_upgradeable::id());
        for (index, key) in self.account_keys.iter().enumerate() {
            let called_as_program = self
                .frames
                .iter()
                .any(|frame| frame.program_account_index as usize == index);
            if is_reserved_account_key(key) || (called_as_program && !upgradeable_loader_present) {
                self.is_writable[index] = false;
            }
        }
    }

    /// Every occurrence of an account gets the message's (merged, demoted) privileges.
    fn apply_privileges_to_frames(&mut self) {
        for frame in self.frames.iter_mut() {
            for account in frame.accounts.iter_mut() {
                let index = account.index_in_transaction as usize;
                account.is_signer = self.is_signer[index];
                account.is_writable = self.is_writable[index];
            }
        }
    }
}
