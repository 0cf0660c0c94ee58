//! The secp256r1 precompile (`Secp256r1SigVerify1…`, SIMD-0075), as `agave-precompiles
//! 4.4.0, src/secp256r1.rs`: P-256 ECDSA over SHA-256. The instruction data is a signature
//! count (u8, 1 to 8), a padding byte, then one 14-byte offsets record per signature
//! (`solana-secp256r1-program 3.0.0`, `Secp256r1SignatureOffsets`, the same seven
//! little-endian u16 as ed25519's: signature, 33-byte compressed public key and message,
//! each with an instruction index, `u16::MAX` meaning this instruction). The signature is
//! `r ‖ s` (32 bytes each, big-endian) with 1 ≤ r < n and 1 ≤ s ≤ n/2 (low S).
//!
//! Agave verifies with OpenSSL; sbfvm with the pure-Rust `p256` crate after the same range
//! checks (OpenSSL decodes a 33-byte key only in compressed SEC1 form, as
//! `VerifyingKey::from_sec1_bytes` does here).
//!
//! Errors ([`PrecompileError`], which the runtime turns into `Custom(n)`): data shorter
//! than 2 bytes, a count of 0 or above 8, or data too short for the count:
//! `InvalidInstructionDataSize`; an instruction index past the transaction or a range past
//! its data: `InvalidDataOffsets`; `r` or `s` out of range or a signature that does not
//! verify: `InvalidSignature`; a key that does not decode: `InvalidPublicKey`.

use p256::ecdsa::signature::Verifier as _;
use solana_precompile_error::PrecompileError;

use super::ed25519::{get_data_slice, read_u16s};
use crate::features::FeatureSet;

/// Bytes of a compressed public key.
pub(crate) const COMPRESSED_PUBKEY_SERIALIZED_SIZE: usize = 33;
/// Bytes of a signature (`r ‖ s`).
pub(crate) const SIGNATURE_SERIALIZED_SIZE: usize = 64;
/// Bytes of one offsets record.
pub(crate) const SIGNATURE_OFFSETS_SERIALIZED_SIZE: usize = 14;
/// Where the first offsets record starts (after the count and the padding byte).
pub(crate) const SIGNATURE_OFFSETS_START: usize = 2;
/// Most signatures one instruction may verify.
const MAX_SIGNATURES: usize = 8;
const FIELD_SIZE: usize = 32;

/// n − 1 (`solana-secp256r1-program 3.0.0`, `SECP256R1_ORDER_MINUS_ONE`).
const SECP256R1_ORDER_MINUS_ONE: [u8; FIELD_SIZE] = [
    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x50,
];
/// ⌊n / 2⌋ (`solana-secp256r1-program 3.0.0`, `SECP256R1_HALF_ORDER`).
const SECP256R1_HALF_ORDER: [u8; FIELD_SIZE] = [
    0x7F, 0xFF, 0xFF, 0xFF, 0x80, 0x00, 0x00, 0x00, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xDE, 0x73, 0x7D, 0x56, 0xD3, 0x8B, 0xCF, 0x42, 0x79, 0xDC, 0xE5, 0x61, 0x7E, 0x31, 0x92, 0xA8,
];

/// The verification (`agave-precompiles 4.4.0, src/secp256r1.rs`, `verify`).
pub(crate) fn verify(
    data: &[u8],
    instruction_datas: &[&[u8]],
    _features: &FeatureSet,
) -> Result<(), PrecompileError> {
    if data.len() < SIGNATURE_OFFSETS_START {
        return Err(PrecompileError::InvalidInstructionDataSize);
    }
    let num_signatures = data[0] as usize;
    if num_signatures == 0 || num_signatures > MAX_SIGNATURES {
        return Err(PrecompileError::InvalidInstructionDataSize);
    }
    let expected_data_size =
        num_signatures * SIGNATURE_OFFSETS_SERIALIZED_SIZE + SIGNATURE_OFFSETS_START;
    // The byte at data[1] is neither checked nor used.
    if data.len() < expected_data_size {
        return Err(PrecompileError::InvalidInstructionDataSize);
    }
    for i in 0..num_signatures {
        let start = i * SIGNATURE_OFFSETS_SERIALIZED_SIZE + SIGNATURE_OFFSETS_START;
        let [signature_offset, signature_instruction_index, public_key_offset, public_key_instruction_index, message_data_offset, message_data_size, message_instruction_index] =
            read_u16s(&data[start..start + SIGNATURE_OFFSETS_SERIALIZED_SIZE]);

        let signature = get_data_slice(
            data,
            instruction_datas,
            signature_instruction_index,
            signature_offset,
            SIGNATURE_SERIALIZED_SIZE,
        )?;
        let pubkey = get_data_slice(
            data,
            instruction_datas,
            public_key_instruction_index,
            public_key_offset,
            COMPRESSED_PUBKEY_SERIALIZED_SIZE,
        )?;
        let message = get_data_slice(
            data,
            instruction_datas,
            message_instruction_index,
            message_data_offset,
            message_data_size as usize,
        )?;

        // Big-endian numbers of equal width compare as byte strings.
        let (r, s) = signature.split_at(FIELD_SIZE);
        let is_zero = |x: &[u8]| x.iter().all(|&b| b == 0);
        let within_range = !is_zero(r)
            && r <= &SECP256R1_ORDER_MINUS_ONE[..]
            && !is_zero(s)
            && s <= &SECP256R1_HALF_ORDER[..];
        if !within_range {
            return Err(PrecompileError::InvalidSignature);
        }
        let signature = p256::ecdsa::Signature::from_slice(signature)
            .map_err(|_| PrecompileError::InvalidSignature)?;
        let public_key = p256::ecdsa::VerifyingKey::from_sec1_bytes(pubkey)
            .map_err(|_| PrecompileError::InvalidPublicKey)?;
        public_key
            .verify(message, &signature)
            .map_err(|_| PrecompileError::InvalidSignature)?;
    }
    Ok(())
}
