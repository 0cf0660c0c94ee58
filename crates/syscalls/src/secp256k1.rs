//! `sol_secp256k1_recover` (`solana-syscalls 4.4.0, src/lib.rs`, `SyscallSecp256k1Recover`),
//! over `libsecp256k1` 0.7 with the features Agave builds it with (`std`,
//! `static-context`), and the error numbers of `solana-secp256k1-recover`.
//!
//! Registers: r1 = message hash (32 bytes), r2 = recovery id, r3 = signature (64 bytes,
//! `r ‖ s` big-endian), r4 = result (64 bytes: the uncompressed public key without its
//! `0x04` prefix). Always registered.
//!
//! Order:
//! 1. charge [`SECP256K1_RECOVER_COST`] (25,000; failing drains the meter and aborts
//!    `ComputationalBudgetExceeded`);
//! 2. translate the result (Store, 64 bytes), only as a check: a result pointer that does
//!    not map aborts here, before anything else is read;
//! 3. translate the hash (Load, 32 bytes), then the signature (Load, 64 bytes);
//! 4. the checks that return an error code in r0 (nothing written, no abort):
//!    - the hash does not parse as a message → 1 (`InvalidHash`; a 32-byte hash always
//!      parses, so this never happens);
//!    - the recovery id does not fit a `u8`, or is not 0–3 → 2 (`InvalidRecoveryId`);
//!    - `r` or `s` is not below the group order (`Signature::parse_standard_slice`) → 3
//!      (`InvalidSignature`);
//!    - recovery fails (`r` or `s` zero, no point with that `r`, …) → 3 (`InvalidSignature`);
//! 5. translate the result again (Store), write the 64 key bytes, return 0.
//!
//! Malleability: like Agave, the syscall accepts high-`s` signatures (`libsecp256k1`'s
//! `parse_standard_slice` only rejects overflowing scalars; `is_high_s` is not checked), so
//! `(r, s)` and `(r, n − s)` with the other recovery parity give the same key. The
//! `solana-secp256k1-recover` host function rejects them; the syscall never did.

use sbfvm_vm::{Syscall, SyscallResult, VmContext};
use solana_secp256k1_recover::{
    Secp256k1RecoverError, SECP256K1_PUBLIC_KEY_LENGTH, SECP256K1_SIGNATURE_LENGTH,
};

use crate::meter::charge;

/// Cost of `sol_secp256k1_recover` (`secp256k1_recover_cost`,
/// `solana-program-runtime 4.4.0, src/execution_budget.rs`), on every path once charged.
pub const SECP256K1_RECOVER_COST: u64 = 25_000;

/// Length of the message hash (a Keccak-256 digest).
const HASH_LENGTH: u64 = 32;

/// `sol_secp256k1_recover(hash, recovery_id, signature, result)`, contract in the module
/// docs.
pub struct Secp256k1Recover;
impl Syscall for Secp256k1Recover {
    type Arguments = [u64; 4];
    fn call(context: &mut VmContext, registers: [u64; 4]) -> SyscallResult {
        let [hash, recovery_id, signature, result] = registers;
        charge(context, SECP256K1_RECOVER_COST)?;
        let memory = context.memory();
        memory.output(result, SECP256K1_PUBLIC_KEY_LENGTH as u64, 1, 1)?;
        let hash = memory.bytes(hash, HASH_LENGTH)?;
        let signature = memory.bytes(signature, SECP256K1_SIGNATURE_LENGTH as u64)?;
        let key = match recover(hash, recovery_id, signature) {
            Ok(key) => key,
            Err(error) => return Ok(error.into()),
        };
        memory
            .output(result, SECP256K1_PUBLIC_KEY_LENGTH as u64, 1, 1)?
            .write(&key[1..65]);
        Ok(0)
    }
}

/// The checks and the recovery of step 4 (module docs): the serialized uncompressed key
/// (65 bytes, `0x04` first) or the error whose number the syscall returns.
fn recover(
    hash: &[u8],
    recovery_id: u64,
    signature: &[u8],
) -> Result<[u8; 65], Secp256k1RecoverError> {
    let message =
        libsecp256k1::Message::parse_slice(hash).map_err(|_| Secp256k1RecoverError::InvalidHash)?;
    let recovery_id = u8::try_from(recovery_id)
        .ok()
        .and_then(|id| libsecp256k1::RecoveryId::parse(id).ok())
        .ok_or(Secp256k1RecoverError::InvalidRecoveryId)?;
    let signature = libsecp256k1::Signature::parse_standard_slice(signature)
        .map_err(|_| Secp256k1RecoverError::InvalidSignature)?;
    libsecp256k1::recover(&message, &signature, &recovery_id)
        .map(|key| key.serialize())
        .map_err(|_| Secp256k1RecoverError::InvalidSignature)
}
