//! What Agave's `EnvironmentConfig` carries besides the feature set and the sysvar cache:
//! the blockhash durable-nonce instructions advance to, and its lamports per signature
//! (`environment_config.blockhash`, `blockhash_lamports_per_signature` in
//! `solana-program-runtime 4.4.0, src/invoke_context.rs`).
//!
//! # sbfvm's own environment
//! sbfvm has no bank and no blockhash queue. Unless a host (the conformance harness, for
//! example) configures one, the environment blockhash is a fixed value per slot of the
//! Clock sysvar:
//!
//! * slot 0 (the default Clock): [`ENVIRONMENT_BLOCKHASH`];
//! * slot `s > 0`: SHA-256([`ENVIRONMENT_BLOCKHASH`] ‖ `s` as 8 little-endian bytes).
//!
//! A nonce can therefore be advanced once per slot, which is exactly Agave's rule ("nonce
//! can only advance once per slot"): to advance again, move the Clock sysvar to another
//! slot. The lamports per signature recorded in nonce data is [`LAMPORTS_PER_SIGNATURE`].

use sha2::{Digest, Sha256};
use solana_nonce::state::DurableNonce;

use crate::sysvars::{BlockhashEntry, Sysvars};

/// sbfvm's fixed environment blockhash: the blockhash nonce instructions see at Clock
/// slot 0. Other slots derive theirs from it (see [`environment_blockhash`]).
pub const ENVIRONMENT_BLOCKHASH: [u8; 32] = *b"sbfvm environment blockhash\0\0\0\0\0";

/// sbfvm's fixed `blockhash_lamports_per_signature`, recorded in nonce data.
pub const LAMPORTS_PER_SIGNATURE: u64 = 5_000;

/// The environment blockhash at `slot`: [`ENVIRONMENT_BLOCKHASH`] for slot 0, otherwise
/// SHA-256([`ENVIRONMENT_BLOCKHASH`] ‖ `slot` little-endian).
pub fn environment_blockhash(slot: u64) -> [u8; 32] {
    if slot == 0 {
        return ENVIRONMENT_BLOCKHASH;
    }
    let mut hasher = Sha256::new();
    hasher.update(ENVIRONMENT_BLOCKHASH);
    hasher.update(slot.to_le_bytes());
    hasher.finalize().into()
}

/// The durable nonce a nonce account initialized or advanced at `slot` stores
/// (`DurableNonce::from_blockhash`: SHA-256("DURABLE_NONCE" ‖ [`environment_blockhash`]`(slot)`)).
pub fn environment_durable_nonce(slot: u64) -> [u8; 32] {
    DurableNonce::from_blockhash(&environment_blockhash(slot).into())
        .as_hash()
        .to_bytes()
}

/// The blockhash environment of a transaction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EnvironmentConfig {
    /// `None` (the default) is sbfvm's own environment: the fixed per-slot blockhash of the
    /// Clock sysvar and 5,000 lamports per signature (see the module docs).
    pub blockhash: Option<BlockhashEntry>,
}

impl EnvironmentConfig {
    /// The blockhash and lamports per signature in effect under `sysvars`.
    pub fn blockhash(&self, sysvars: &Sysvars) -> BlockhashEntry {
        self.blockhash.unwrap_or_else(|| BlockhashEntry {
            blockhash: environment_blockhash(sysvars.clock.slot),
            lamports_per_signature: LAMPORTS_PER_SIGNATURE,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blockhashes_follow_the_clock_slot() {
        assert_eq!(environment_blockhash(0), ENVIRONMENT_BLOCKHASH);
        assert_ne!(environment_blockhash(1), environment_blockhash(2));
        let mut hasher = Sha256::new();
        hasher.update(b"DURABLE_NONCE");
        hasher.update(environment_blockhash(7));
        let expected: [u8; 32] = hasher.finalize().into();
        assert_eq!(environment_durable_nonce(7), expected);
    }
}
