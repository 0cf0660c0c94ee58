//! The secp256k1 precompile (`KeccakSecp256k11…`), as `agave-precompiles 4.4.0,
//! src/secp256k1.rs`: Ethereum-style signatures. The instruction data is a signature count
//! (u8) then one 11-byte offsets record per signature (`solana-secp256k1-program 3.1.1`,
//! `SecpSignatureOffsets`, bincode: signature offset u16, its instruction index u8, Ethereum
//! address offset u16, its instruction index u8, message offset u16, message size u16, its
//! instruction index u8). Every index names a top-level instruction of the transaction
//! (this one included, by its own index; there is no "current instruction" value). The
//! 64-byte signature is followed by its recovery id; the public key recovered (libsecp256k1,
//! from the Keccak-256 of the message) must hash to the 20-byte address (the last 20 bytes
//! of the Keccak-256 of the 64-byte key).
//!
//! Errors ([`PrecompileError`], which the runtime turns into `Custom(n)`): empty data, a
//! count of 0 with more data, data too short for the count, or a signature instruction index
//! past the transaction: `InvalidInstructionDataSize`; the signature and recovery id past
//! the data, an address or message range past its data, a signature that does not parse or
//! recover, or another address: `InvalidSignature`; an address or message instruction index
//! past the transaction: `InvalidDataOffsets`; a recovery id above 3: `InvalidRecoveryId`.

use sha3::{Digest, Keccak256};
use solana_precompile_error::PrecompileError;

use crate::features::FeatureSet;

/// Bytes of an Ethereum address.
pub(crate) const HASHED_PUBKEY_SERIALIZED_SIZE: usize = 20;
/// Bytes of a signature (without its recovery id).
pub(crate) const SIGNATURE_SERIALIZED_SIZE: usize = 64;
/// Bytes of one offsets record.
pub(crate) const SIGNATURE_OFFSETS_SERIALIZED_SIZE: usize = 11;

/// The verification (`agave-precompiles 4.4.0, src/secp256k1.rs`, `verify`).
pub(crate) fn verify(
    data: &[u8],
    instruction_datas: &[&[u8]],
    _features: &FeatureSet,
) -> Result<(), PrecompileError> {
    if data.is_empty() {
        return Err(PrecompileError::InvalidInstructionDataSize);
    }
    let count = data[0] as usize;
    if count == 0 && data.len() > 1 {
        return Err(PrecompileError::InvalidInstructionDataSize);
    }
    let expected_data_size = count
        .saturating_mul(SIGNATURE_OFFSETS_SERIALIZED_SIZE)
        .saturating_add(1);
    if data.len() < expected_data_size {
        return Err(PrecompileError::InvalidInstructionDataSize);
    }
    for i in 0..count {
        let start = i * SIGNATURE_OFFSETS_SERIALIZED_SIZE + 1;
        let record = &data[start..start + SIGNATURE_OFFSETS_SERIALIZED_SIZE];
        let u16_at = |at: usize| u16::from_le_bytes([record[at], record[at + 1]]);
        // bincode's layout of `SecpSignatureOffsets`; 11 bytes always deserialize.
        let signature_offset = u16_at(0);
        let signature_instruction_index = record[2];
        let eth_address_offset = u16_at(3);
        let eth_address_instruction_index = record[5];
        let message_data_offset = u16_at(6);
        let message_data_size = u16_at(8);
        let message_instruction_index = record[10];

        let signature_instruction = *instruction_datas
            .get(signature_instruction_index as usize)
            .ok_or(PrecompileError::InvalidInstructionDataSize)?;
        let sig_start = signature_offset as usize;
        let sig_end = sig_start.saturating_add(SIGNATURE_SERIALIZED_SIZE);
        if sig_end >= signature_instruction.len() {
            return Err(PrecompileError::InvalidSignature);
        }
        let signature = libsecp256k1::Signature::parse_standard_slice(
            &signature_instruction[sig_start..sig_end],
        )
        .map_err(|_| PrecompileError::InvalidSignature)?;
        let recovery_id = libsecp256k1::RecoveryId::parse(signature_instruction[sig_end])
            .map_err(|_| PrecompileError::InvalidRecoveryId)?;

        let eth_address = get_data_slice(
            instruction_datas,
            eth_address_instruction_index,
            eth_address_offset,
            HASHED_PUBKEY_SERIALIZED_SIZE,
        )?;
        let message = get_data_slice(
            instruction_datas,
            message_instruction_index,
            message_data_offset,
            message_data_size as usize,
        )?;

        let message_hash: [u8; 32] = Keccak256::digest(message).into();
        let pubkey = libsecp256k1::recover(
            &libsecp256k1::Message::parse(&message_hash),
            &signature,
            &recovery_id,
        )
        .map_err(|_| PrecompileError::InvalidSignature)?;
        let pubkey_hash = Keccak256::digest(&pubkey.serialize()[1..]);
        if eth_address != &pubkey_hash[32 - HASHED_PUBKEY_SERIALIZED_SIZE..] {
            return Err(PrecompileError::InvalidSignature);
        }
    }
    Ok(())
}

/// `size` bytes at `offset_start` of top-level instruction `instruction_index`.
fn get_data_slice<'a>(
    instruction_datas: &'a [&[u8]],
    instruction_index: u8,
    offset_start: u16,
    size: usize,
) -> Result<&'a [u8], PrecompileError> {
    let instruction = *instruction_datas
        .get(instruction_index as usize)
        .ok_or(PrecompileError::InvalidDataOffsets)?;
    let start = offset_start as usize;
    let end = start.saturating_add(size);
    if end > instruction.len() {
        return Err(PrecompileError::InvalidSignature);
    }
    Ok(&instruction[start..end])
}
