//! Instructions for the ed25519, secp256k1 and secp256r1 precompiles, signed from a secret
//! key or assembled from a signature, in the layouts of the SDK's `solana-ed25519-program
//! 3.0.0`, `solana-secp256k1-program 3.1.1` and `solana-secp256r1-program 3.0.0` builders
//! (built here because those crates build `solana-instruction` 3 instructions, or need
//! OpenSSL).
//!
//! A precompile instruction verifies signatures when the transaction runs (SIMD-0159); it
//! costs no compute units and logs nothing, and a failed verification fails the
//! transaction with `Custom(n)`, `n` the `PrecompileError` (0 invalid public key, 1 invalid
//! recovery id, 2 invalid signature, 3 invalid data offsets, 4 invalid instruction data
//! size).
//!
//! ```
//! use sbfvm::precompiles::{ed25519_instruction, secp256k1_instruction, secp256r1_instruction};
//! use sbfvm::{Check, Config, Sbfvm};
//!
//! let mut vm = Sbfvm::new(Config::default()).unwrap();
//! let outcome = vm.process_transaction(
//!     &[
//!         ed25519_instruction(&[7; 32], b"hello"),
//!         secp256k1_instruction(&[7; 32], b"hello", 1), // the transaction's instruction 1
//!         secp256r1_instruction(&[7; 32], b"hello"),
//!     ],
//!     None,
//! );
//! outcome.assert(&[Check::success(), Check::compute_units(0)]);
//! ```
//!
//! The signature, key and message may also live in another instruction of the same
//! transaction (a program's instruction data, say): write the offsets records yourself with
//! [`ed25519_offsets_instruction`], [`secp256k1_offsets_instruction`] or
//! [`secp256r1_offsets_instruction`].

use ed25519_dalek::Signer as _;
use p256::ecdsa::signature::Signer as _;
use sha3::{Digest, Keccak256};
use solana_instruction::Instruction;
use solana_sdk_ids::{ed25519_program, secp256k1_program, secp256r1_program};

/// `instruction index` of an ed25519 or secp256r1 offsets record that means "this
/// instruction's own data".
pub const CURRENT_INSTRUCTION: u16 = u16::MAX;

/// Where an ed25519 or secp256r1 precompile finds one signature, its public key and its
/// message: byte offsets into the data of the top-level instruction each index names
/// ([`CURRENT_INSTRUCTION`]: the precompile instruction itself). Serialized as seven
/// little-endian u16 in this order (`Ed25519SignatureOffsets`, `Secp256r1SignatureOffsets`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SignatureOffsets {
    /// Offset of the 64-byte signature.
    pub signature_offset: u16,
    /// Instruction holding the signature.
    pub signature_instruction_index: u16,
    /// Offset of the public key (32 bytes for ed25519, 33 compressed for secp256r1).
    pub public_key_offset: u16,
    /// Instruction holding the public key.
    pub public_key_instruction_index: u16,
    /// Offset of the message.
    pub message_data_offset: u16,
    /// Length of the message.
    pub message_data_size: u16,
    /// Instruction holding the message.
    pub message_instruction_index: u16,
}

impl SignatureOffsets {
    fn to_bytes(self) -> [u8; 14] {
        let fields = [
            self.signature_offset,
            self.signature_instruction_index,
            self.public_key_offset,
            self.public_key_instruction_index,
            self.message_data_offset,
            self.message_data_size,
            self.message_instruction_index,
        ];
        let mut bytes = [0; 14];
        for (chunk, field) in bytes.chunks_exact_mut(2).zip(fields) {
            chunk.copy_from_slice(&field.to_le_bytes());
        }
        bytes
    }
}

/// Where the secp256k1 precompile finds one signature (64 bytes then the recovery id), the
/// signer's 20-byte Ethereum address and the message. Every index is a top-level instruction
/// index of the transaction (there is no "this instruction" value). Serialized as bincode
/// does `SecpSignatureOffsets` (11 bytes).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Secp256k1SignatureOffsets {
    /// Offset of the signature and recovery id.
    pub signature_offset: u16,
    /// Instruction holding the signature.
    pub signature_instruction_index: u8,
    /// Offset of the Ethereum address.
    pub eth_address_offset: u16,
    /// Instruction holding the address.
    pub eth_address_instruction_index: u8,
    /// Offset of the message.
    pub message_data_offset: u16,
    /// Length of the message.
    pub message_data_size: u16,
    /// Instruction holding the message.
    pub message_instruction_index: u8,
}

impl Secp256k1SignatureOffsets {
    fn to_bytes(self) -> [u8; 11] {
        let mut bytes = [0; 11];
        bytes[0..2].copy_from_slice(&self.signature_offset.to_le_bytes());
        bytes[2] = self.signature_instruction_index;
        bytes[3..5].copy_from_slice(&self.eth_address_offset.to_le_bytes());
        bytes[5] = self.eth_address_instruction_index;
        bytes[6..8].copy_from_slice(&self.message_data_offset.to_le_bytes());
        bytes[8..10].copy_from_slice(&self.message_data_size.to_le_bytes());
        bytes[10] = self.message_instruction_index;
        bytes
    }
}

// ----- ed25519 -----

/// The ed25519 public key of a 32-byte secret key (seed).
pub fn ed25519_public_key(secret_key: &[u8; 32]) -> [u8; 32] {
    ed25519_keypair(secret_key).public.to_bytes()
}

/// The ed25519 signature of `message` by `secret_key`.
pub fn ed25519_sign(secret_key: &[u8; 32], message: &[u8]) -> [u8; 64] {
    ed25519_keypair(secret_key).sign(message).to_bytes()
}

fn ed25519_keypair(secret_key: &[u8; 32]) -> ed25519_dalek::Keypair {
    let secret = ed25519_dalek::SecretKey::from_bytes(secret_key).expect("32 bytes");
    let public = ed25519_dalek::PublicKey::from(&secret);
    ed25519_dalek::Keypair { secret, public }
}

/// An ed25519 precompile instruction verifying `secret_key`'s signature of `message`.
pub fn ed25519_instruction(secret_key: &[u8; 32], message: &[u8]) -> Instruction {
    ed25519_instruction_with_signature(
        &ed25519_public_key(secret_key),
        &ed25519_sign(secret_key, message),
        message,
    )
}

/// An ed25519 precompile instruction verifying `signature` of `message` by `public_key`,
/// all in its own data, laid out as `solana-ed25519-program 3.0.0`'s
/// `new_ed25519_instruction_with_signature`: count 1, padding, the offsets record, the key
/// (offset 16), the signature (48), the message (112).
pub fn ed25519_instruction_with_signature(
    public_key: &[u8; 32],
    signature: &[u8; 64],
    message: &[u8],
) -> Instruction {
    let data = self_contained(public_key, signature, message);
    Instruction::new_with_bytes(ed25519_program::id(), &data, vec![])
}

/// An ed25519 precompile instruction holding only `offsets` (count, padding, the records).
pub fn ed25519_offsets_instruction(offsets: &[SignatureOffsets]) -> Instruction {
    Instruction::new_with_bytes(ed25519_program::id(), &offsets_data(offsets), vec![])
}

// ----- secp256r1 -----

/// The compressed (33-byte SEC1) P-256 public key of a secret key.
///
/// # Panics
/// If `secret_key` is not a valid P-256 secret key (0 or at least the group order).
pub fn secp256r1_public_key(secret_key: &[u8; 32]) -> [u8; 33] {
    let key = secp256r1_signing_key(secret_key);
    let point = key.verifying_key().to_encoded_point(true);
    point.as_bytes().try_into().expect("33 bytes")
}

/// The P-256 ECDSA signature (SHA-256, RFC 6979) of `message`, `r ‖ s` with the low `s` the
/// precompile requires.
///
/// # Panics
/// If `secret_key` is not a valid P-256 secret key.
pub fn secp256r1_sign(secret_key: &[u8; 32], message: &[u8]) -> [u8; 64] {
    let signature: p256::ecdsa::Signature = secp256r1_signing_key(secret_key).sign(message);
    let signature = signature.normalize_s().unwrap_or(signature);
    signature.to_bytes().into()
}

fn secp256r1_signing_key(secret_key: &[u8; 32]) -> p256::ecdsa::SigningKey {
    p256::ecdsa::SigningKey::from_bytes(secret_key.into()).expect("a valid P-256 secret key")
}

/// A secp256r1 precompile instruction verifying `secret_key`'s signature of `message`.
///
/// # Panics
/// If `secret_key` is not a valid P-256 secret key.
pub fn secp256r1_instruction(secret_key: &[u8; 32], message: &[u8]) -> Instruction {
    secp256r1_instruction_with_signature(
        &secp256r1_public_key(secret_key),
        &secp256r1_sign(secret_key, message),
        message,
    )
}

/// A secp256r1 precompile instruction verifying `signature` (`r ‖ s`) of `message` by the
/// compressed `public_key`, all in its own data, laid out as `solana-secp256r1-program
/// 3.0.0`'s `new_secp256r1_instruction_with_signature`: count 1, padding, the offsets record,
/// the key (offset 16), the signature (49), the message (113).
pub fn secp256r1_instruction_with_signature(
    public_key: &[u8; 33],
    signature: &[u8; 64],
    message: &[u8],
) -> Instruction {
    let data = self_contained(public_key, signature, message);
    Instruction::new_with_bytes(secp256r1_program::id(), &data, vec![])
}

/// A secp256r1 precompile instruction holding only `offsets` (count, padding, the records).
pub fn secp256r1_offsets_instruction(offsets: &[SignatureOffsets]) -> Instruction {
    Instruction::new_with_bytes(secp256r1_program::id(), &offsets_data(offsets), vec![])
}

/// Count, padding, one record, then key, signature and message (ed25519 and secp256r1).
fn self_contained(public_key: &[u8], signature: &[u8; 64], message: &[u8]) -> Vec<u8> {
    let public_key_offset = 16;
    let signature_offset = public_key_offset + public_key.len();
    let message_data_offset = signature_offset + signature.len();
    let offsets = SignatureOffsets {
        signature_offset: signature_offset as u16,
        signature_instruction_index: CURRENT_INSTRUCTION,
        public_key_offset: public_key_offset as u16,
        public_key_instruction_index: CURRENT_INSTRUCTION,
        message_data_offset: message_data_offset as u16,
        message_data_size: u16::try_from(message.len()).expect("a message of at most 65,535 bytes"),
        message_instruction_index: CURRENT_INSTRUCTION,
    };
    let mut data = offsets_data(&[offsets]);
    data.extend_from_slice(public_key);
    data.extend_from_slice(signature);
    data.extend_from_slice(message);
    data
}

fn offsets_data(offsets: &[SignatureOffsets]) -> Vec<u8> {
    let count = u8::try_from(offsets.len()).expect("at most 255 signatures");
    let mut data = vec![count, 0];
    for record in offsets {
        data.extend_from_slice(&record.to_bytes());
    }
    data
}

// ----- secp256k1 -----

/// The Ethereum address of a 64-byte uncompressed secp256k1 public key (without the 0x04
/// prefix): the last 20 bytes of its Keccak-256.
pub fn eth_address_from_pubkey(public_key: &[u8; 64]) -> [u8; 20] {
    let hash = Keccak256::digest(public_key);
    hash[12..].try_into().expect("20 bytes")
}

/// The Ethereum address of a secp256k1 secret key.
///
/// # Panics
/// If `secret_key` is not a valid secp256k1 secret key (0 or at least the group order).
pub fn secp256k1_eth_address(secret_key: &[u8; 32]) -> [u8; 20] {
    let secret = secp256k1_secret(secret_key);
    let public = libsecp256k1::PublicKey::from_secret_key(&secret);
    eth_address_from_pubkey(public.serialize()[1..].try_into().expect("64 bytes"))
}

/// The secp256k1 signature of the Keccak-256 of `message` (libsecp256k1, RFC 6979) and its
/// recovery id, as `solana-secp256k1-program`'s `sign_message` gives them.
///
/// # Panics
/// If `secret_key` is not a valid secp256k1 secret key.
pub fn secp256k1_sign(secret_key: &[u8; 32], message: &[u8]) -> ([u8; 64], u8) {
    let hash: [u8; 32] = Keccak256::digest(message).into();
    let (signature, recovery_id) = libsecp256k1::sign(
        &libsecp256k1::Message::parse(&hash),
        &secp256k1_secret(secret_key),
    );
    (signature.serialize(), recovery_id.serialize())
}

fn secp256k1_secret(secret_key: &[u8; 32]) -> libsecp256k1::SecretKey {
    libsecp256k1::SecretKey::parse(secret_key).expect("a valid secp256k1 secret key")
}

/// A secp256k1 precompile instruction verifying `secret_key`'s signature of `message`.
/// `instruction_index` is the index the instruction will have in its transaction: the
/// offsets name it, since secp256k1 has no "this instruction" value.
///
/// # Panics
/// If `secret_key` is not a valid secp256k1 secret key.
pub fn secp256k1_instruction(
    secret_key: &[u8; 32],
    message: &[u8],
    instruction_index: u8,
) -> Instruction {
    let (signature, recovery_id) = secp256k1_sign(secret_key, message);
    secp256k1_instruction_with_signature(
        &secp256k1_eth_address(secret_key),
        &signature,
        recovery_id,
        message,
        instruction_index,
    )
}

/// A secp256k1 precompile instruction verifying `signature` and `recovery_id` of `message`
/// by the signer of `eth_address`, all in its own data, laid out as
/// `solana-secp256k1-program 3.1.1`'s `new_secp256k1_instruction_with_signature`: count 1,
/// the offsets record, the address (offset 12), the signature (32), the recovery id (96), the
/// message (97). The SDK's builder names instruction 0; this one `instruction_index`.
pub fn secp256k1_instruction_with_signature(
    eth_address: &[u8; 20],
    signature: &[u8; 64],
    recovery_id: u8,
    message: &[u8],
    instruction_index: u8,
) -> Instruction {
    let offsets = Secp256k1SignatureOffsets {
        signature_offset: 32,
        signature_instruction_index: instruction_index,
        eth_address_offset: 12,
        eth_address_instruction_index: instruction_index,
        message_data_offset: 97,
        message_data_size: u16::try_from(message.len()).expect("a message of at most 65,535 bytes"),
        message_instruction_index: instruction_index,
    };
    let mut data = secp256k1_offsets_data(&[offsets]);
    data.extend_from_slice(eth_address);
    data.extend_from_slice(signature);
    data.push(recovery_id);
    data.extend_from_slice(message);
    Instruction::new_with_bytes(secp256k1_program::id(), &data, vec![])
}

/// A secp256k1 precompile instruction holding only `offsets` (the count, then the records).
pub fn secp256k1_offsets_instruction(offsets: &[Secp256k1SignatureOffsets]) -> Instruction {
    Instruction::new_with_bytes(
        secp256k1_program::id(),
        &secp256k1_offsets_data(offsets),
        vec![],
    )
}

fn secp256k1_offsets_data(offsets: &[Secp256k1SignatureOffsets]) -> Vec<u8> {
    let count = u8::try_from(offsets.len()).expect("at most 255 signatures");
    let mut data = vec![count];
    for record in offsets {
        data.extend_from_slice(&record.to_bytes());
    }
    data
}
