//! Signers for transactions sent with [`crate::Sbfvm::send_transaction`]: an ed25519 key
//! from 32 secret bytes or derived from a seed string (so that scenario files and tests
//! name their signers by words and stay reproducible), and signing of a message by several
//! of them.
//!
//! ```
//! use sbfvm::signer::{sign_transaction, Signer};
//! use sbfvm::{Config, Message, Sbfvm, VersionedMessage};
//!
//! let mut vm = Sbfvm::new(Config::default()).unwrap();
//! let payer = Signer::from_seed("payer");
//! vm.airdrop(&payer.pubkey(), 1_000_000_000);
//! let message = Message::new_with_blockhash(&[], Some(&payer.pubkey()), &vm.latest_blockhash());
//! let transaction = sign_transaction(VersionedMessage::Legacy(message), &[&payer]);
//! let outcome = vm.send_transaction(&transaction);
//! assert!(outcome.is_ok());
//! assert_eq!(outcome.fee().unwrap().total(), 5_000);
//! ```

use sha2::{Digest, Sha256};
use solana_message::VersionedMessage;
use solana_pubkey::Pubkey;
use solana_signature::Signature;
use solana_transaction::versioned::VersionedTransaction;

/// An ed25519 keypair.
pub struct Signer {
    keypair: ed25519_dalek::Keypair,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("pubkey", &self.pubkey())
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// The keypair of a 32-byte ed25519 secret key (seed).
    pub fn from_secret(secret: &[u8; 32]) -> Self {
        let secret = ed25519_dalek::SecretKey::from_bytes(secret).expect("32 bytes");
        let public = ed25519_dalek::PublicKey::from(&secret);
        Self {
            keypair: ed25519_dalek::Keypair { secret, public },
        }
    }

    /// The keypair whose secret key is SHA-256 of `seed`: the same words always give the
    /// same key.
    pub fn from_seed(seed: &str) -> Self {
        Self::from_secret(&Sha256::digest(seed.as_bytes()).into())
    }

    /// The public key.
    pub fn pubkey(&self) -> Pubkey {
        Pubkey::new_from_array(self.keypair.public.to_bytes())
    }

    /// The signature of `message`.
    pub fn sign(&self, message: &[u8]) -> Signature {
        use ed25519_dalek::Signer as _;
        Signature::from(self.keypair.sign(message).to_bytes())
    }
}

/// A transaction of `message` signed by `signers`, given in the order of the message's
/// signer keys (the fee payer first). A signer the message does not need is ignored; a
/// missing one leaves a default signature in its place, which verification rejects.
pub fn sign_transaction(message: VersionedMessage, signers: &[&Signer]) -> VersionedTransaction {
    let bytes = bincode::serialize(&message).expect("a message serializes");
    let required = usize::from(message.header().num_required_signatures);
    let signatures = message.static_account_keys()[..required]
        .iter()
        .map(|key| {
            signers
                .iter()
                .find(|signer| signer.pubkey() == *key)
                .map_or_else(Signature::default, |signer| signer.sign(&bytes))
        })
        .collect();
    VersionedTransaction {
        signatures,
        message,
    }
}
