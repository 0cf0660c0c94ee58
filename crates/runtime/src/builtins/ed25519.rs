//! The ed25519 precompile (`Ed25519SigVerify111…`), as `agave-precompiles 4.4.0,
//! src/ed25519.rs`: the instruction data is a signature count (u8), a padding byte, then one
//! 14-byte offsets record per signature (`solana-ed25519-program 3.0.0`,
//! `Ed25519SignatureOffsets`: seven little-endian u16 — signature offset and instruction
//! index, public key offset and instruction index, message offset, size and instruction
//! index). An instruction index of `u16::MAX` means this instruction's own data; any other
//! indexes the transaction's top-level instructions. The signature is checked with
//! ed25519-dalek 1.0.1's `verify_strict`, as Agave's, while `ed25519_precompile_verify_strict`
//! is active (always in Agave 4.4; before SIMD-0152, `verify`).
//!
//! Errors ([`PrecompileError`], which the runtime turns into `Custom(n)`): data shorter than
//! 2 bytes, a count of 0 with more data, or data too short for the count:
//! `InvalidInstructionDataSize`; an instruction index past the transaction or a range past
//! its data: `InvalidDataOffsets`; a signature that does not parse or verify:
//! `InvalidSignature`; a public key that does not decompress: `InvalidPublicKey`.

use solana_precompile_error::PrecompileError;

use crate::features::FeatureSet;

/// Bytes of a public key.
pub(crate) const PUBKEY_SERIALIZED_SIZE: usize = 32;
/// Bytes of a signature.
pub(crate) const SIGNATURE_SERIALIZED_SIZE: usize = 64;
/// Bytes of one offsets record.
pub(crate) const SIGNATURE_OFFSETS_SERIALIZED_SIZE: usize = 14;
/// Where the first offsets record starts (after the count and the padding byte).
pub(crate) const SIGNATURE_OFFSETS_START: usize = 2;

/// The verification (`agave-precompiles 4.4.0, src/ed25519.rs`, `verify`).
pub(crate) fn verify(
    data: &[u8],
    instruction_datas: &[&[u8]],
    features: &FeatureSet,
) -> Result<(), PrecompileError> {
    if data.len() < SIGNATURE_OFFSETS_START {
        return Err(PrecompileError::InvalidInstructionDataSize);
    }
    let num_signatures = data[0] as usize;
    if num_signatures == 0 && data.len() > SIGNATURE_OFFSETS_START {
        return Err(PrecompileError::InvalidInstructionDataSize);
    }
    let expected_data_size = num_signatures
        .saturating_mul(SIGNATURE_OFFSETS_SERIALIZED_SIZE)
        .saturating_add(SIGNATURE_OFFSETS_START);
    // The byte at data[1] is neither checked nor used.
    if data.len() < expected_data_size {
        return Err(PrecompileError::InvalidInstructionDataSize);
    }
    for i in 0..num_signatures {
        let start = i * SIGNATURE_OFFSETS_SERIALIZED_SIZE + SIGNATURE_OFFSETS_START;
        let offsets = read_u16s(&data[start..start + SIGNATURE_OFFSETS_SERIALIZED_SIZE]);
        let [signature_offset, signature_instruction_index, public_key_offset, public_key_instruction_index, message_data_offset, message_data_size, message_instruction_index] =
            offsets;

        let signature = get_data_slice(
            data,
            instruction_datas,
            signature_instruction_index,
            signature_offset,
            SIGNATURE_SERIALIZED_SIZE,
        )?;
        let signature = ed25519_dalek::Signature::from_bytes(signature)
            .map_err(|_| PrecompileError::InvalidSignature)?;

        let pubkey = get_data_slice(
            data,
            instruction_datas,
            public_key_instruction_index,
            public_key_offset,
            PUBKEY_SERIALIZED_SIZE,
        )?;
        let public_key = ed25519_dalek::PublicKey::from_bytes(pubkey)
            .map_err(|_| PrecompileError::InvalidPublicKey)?;

        let message = get_data_slice(
            data,
            instruction_datas,
            message_instruction_index,
            message_data_offset,
            message_data_size as usize,
        )?;
        let verified = if features.ed25519_precompile_verify_strict() {
            public_key.verify_strict(message, &signature)
        } else {
            ed25519_dalek::Verifier::verify(&public_key, message, &signature)
        };
        verified.map_err(|_| PrecompileError::InvalidSignature)?;
    }
    Ok(())
}

/// Seven little-endian u16s (an unaligned read of `Ed25519SignatureOffsets`; secp256r1's
/// offsets record has the same layout).
pub(super) fn read_u16s(bytes: &[u8]) -> [u16; 7] {
    std::array::from_fn(|i| u16::from_le_bytes([bytes[2 * i], bytes[2 * i + 1]]))
}

/// `size` bytes at `offset_start` of the instruction `instruction_index` names (`u16::MAX`:
/// this one). The secp256r1 precompile reads its offsets the same way.
pub(super) fn get_data_slice<'a>(
    data: &'a [u8],
    instruction_datas: &'a [&[u8]],
    instruction_index: u16,
    offset_start: u16,
    size: usize,
) -> Result<&'a [u8], PrecompileError> {
    let instruction = if instruction_index == u16::MAX {
        data
    } else {
        *instruction_datas
            .get(instruction_index as usize)
            .ok_or(PrecompileError::InvalidDataOffsets)?
    };
    let start = offset_start as usize;
    let end = start.saturating_add(size);
    if end > instruction.len() {
        return Err(PrecompileError::InvalidDataOffsets);
    }
    Ok(&instruction[start..end])
}
