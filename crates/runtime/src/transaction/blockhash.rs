//! The recent-blockhash queue: which blockhashes a transaction may name, and the lamports
//! per signature recorded with each.
//!
//! Mirrors the parts of `solana-accounts-db 4.4.0, src/blockhash_queue.rs` the transaction
//! checks read: a hash is valid while at most `MAX_PROCESSING_AGE` (150) newer hashes were
//! registered after it (`get_hash_info_if_valid`), and the newest hash is the "last
//! blockhash" that durable nonces advance to.

use std::collections::VecDeque;

use sha2::{Digest, Sha256};
use solana_hash::Hash;

use crate::environment::{environment_blockhash, LAMPORTS_PER_SIGNATURE};
use crate::sysvars::BlockhashEntry;

/// How many newer blockhashes a transaction's blockhash may have behind it and still be
/// valid (`solana-clock`, `MAX_PROCESSING_AGE`).
pub const MAX_PROCESSING_AGE: usize = 150;
/// Hashes the queue keeps (`MAX_RECENT_BLOCKHASHES` + the processing age, as the bank's).
const MAX_QUEUE_ENTRIES: usize = 300;

/// The bank's recent blockhashes, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockhashQueue {
    entries: VecDeque<BlockhashEntry>,
}

impl Default for BlockhashQueue {
    /// The queue of a fresh sbfvm runtime: the environment blockhash of slot 0.
    fn default() -> Self {
        let mut queue = Self {
            entries: VecDeque::new(),
        };
        queue.register(BlockhashEntry {
            blockhash: environment_blockhash(0),
            lamports_per_signature: LAMPORTS_PER_SIGNATURE,
        });
        queue
    }
}

impl BlockhashQueue {
    /// A queue of exactly `entries`, oldest first (at least one).
    pub fn from_entries(entries: impl IntoIterator<Item = BlockhashEntry>) -> Option<Self> {
        let mut queue = Self {
            entries: VecDeque::new(),
        };
        for entry in entries {
            queue.register(entry);
        }
        (!queue.entries.is_empty()).then_some(queue)
    }

    /// The entries, newest first.
    pub fn entries_newest_first(&self) -> impl Iterator<Item = BlockhashEntry> + '_ {
        self.entries.iter().rev().copied()
    }

    /// Makes `entry` the newest blockhash.
    pub fn register(&mut self, entry: BlockhashEntry) {
        if self.entries.len() == MAX_QUEUE_ENTRIES {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
    }

    /// The newest blockhash and its lamports per signature.
    pub fn last(&self) -> BlockhashEntry {
        *self.entries.back().expect("the queue is never empty")
    }

    /// Registers a fresh blockhash (SHA-256 of the newest one), so that the newest one ages
    /// by one; returns it.
    pub fn advance(&mut self) -> BlockhashEntry {
        let last = self.last();
        let next = BlockhashEntry {
            blockhash: Sha256::digest(last.blockhash).into(),
            lamports_per_signature: last.lamports_per_signature,
        };
        self.register(next);
        next
    }

    /// The entry of `hash` when at most `max_age` newer hashes follow it.
    pub fn get_if_valid(&self, hash: &Hash, max_age: usize) -> Option<BlockhashEntry> {
        self.entries
            .iter()
            .rev()
            .take(max_age + 1)
            .find(|entry| entry.blockhash == hash.to_bytes())
            .copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blockhash_is_valid_for_150_newer_ones() {
        let mut queue = BlockhashQueue::default();
        let first = Hash::new_from_array(queue.last().blockhash);
        assert!(queue.get_if_valid(&first, MAX_PROCESSING_AGE).is_some());
        for _ in 0..MAX_PROCESSING_AGE {
            queue.advance();
        }
        assert_eq!(
            queue
                .get_if_valid(&first, MAX_PROCESSING_AGE)
                .map(|entry| entry.lamports_per_signature),
            Some(5_000)
        );
        queue.advance();
        assert!(queue.get_if_valid(&first, MAX_PROCESSING_AGE).is_none());
        assert!(queue
            .get_if_valid(&Hash::new_from_array([7; 32]), MAX_PROCESSING_AGE)
            .is_none());
    }
}
