//! `sol_poseidon` (`solana-syscalls 4.4.0, src/lib.rs`, `SyscallPoseidon`), over
//! `solana-poseidon` 5 (light-poseidon 0.4, BN254 x⁵ Circom parameters), the version
//! solana-syscalls 4.4.0 depends on. Registered while `enable_poseidon_syscall` is active.
//!
//! Registers: r1 = parameters (0: BN254 x⁵), r2 = endianness (0: big, 1: little),
//! r3 = array of 16-byte `{ptr, len}` slices, r4 = slice count, r5 = result (32 bytes).
//!
//! Order:
//! 1. parameters other than 0 → abort with `PoseidonSyscallError::InvalidParameters`, then
//!    endianness other than 0 or 1 → abort with `InvalidEndianness` (both before any
//!    charge; Agave aborts with the Poseidon error itself, [`SyscallError::Poseidon`]);
//! 2. more than 12 slices → log "Poseidon hashing `<n>` sequences is not supported", abort
//!    `InvalidLength`, before any charge;
//! 3. charge [`poseidon_cost`]`(n)` = 61·n² + 542 (`poseidon_cost`,
//!    `solana-program-runtime 4.4.0, src/execution_budget.rs`; it cannot overflow for
//!    n ≤ 12, so Agave's "Overflow while calculating the compute cost" abort is
//!    unreachable);
//! 4. translate the result (Store, 32 bytes) as a check, then the slice array (Load,
//!    aligned to 8; nothing when n is 0), then each slice's bytes in order;
//! 5. hash. A failure (an input that is empty, not 32 bytes, not below the field modulus,
//!    or n = 0, …) returns 1 in r0, nothing written (SIMD-0129,
//!    `simplify_alt_bn128_syscall_error_codes`);
//! 6. translate the result again (Store), write the 32-byte hash, return 0.
//!
//! # Older behaviour, selected by features the Dec-2024 fixtures lack
//!
//! - `simplify_alt_bn128_syscall_error_codes` inactive (Agave 2.1 before SIMD-0129): a
//!   hash failure returns the `PoseidonSyscallError` number instead of 1 (`EmptyInput` 4,
//!   `InvalidInputLength` 5, `InputLargerThanModulus` 7, `InvalidWidthCircom` 11, …).
//! - `poseidon_enforce_padding` inactive (before SIMD-0359; Agave 4.4 removed the gate and
//!   always enforces it): an input shorter than 32 bytes is accepted as the same number
//!   zero-extended to 32 bytes (at the front when big-endian, at the back when
//!   little-endian), as light-poseidon 0.2's `hash_bytes_*` did. sbfvm widens such inputs
//!   to 32 bytes and hashes with the same crate; empty and longer inputs still fail.

use sbfvm_vm::{Syscall, SyscallError, SyscallResult, VmContext};
use solana_poseidon::{Endianness, Parameters, PoseidonSyscallError, HASH_BYTES};

use crate::guest::{vm_slice, VM_SLICE_SIZE};
use crate::meter::charge;

/// The most inputs one call may hash.
pub const MAX_INPUTS: u64 = 12;
/// Coefficient `a` of [`poseidon_cost`] (`poseidon_cost_coefficient_a`).
pub const POSEIDON_COST_COEFFICIENT_A: u64 = 61;
/// Coefficient `c` of [`poseidon_cost`] (`poseidon_cost_coefficient_c`).
pub const POSEIDON_COST_COEFFICIENT_C: u64 = 542;

/// The cost of hashing `inputs` inputs, a·n² + c; `None` on overflow (Agave's
/// `SVMTransactionExecutionCost::poseidon_cost`).
pub fn poseidon_cost(inputs: u64) -> Option<u64> {
    inputs
        .checked_pow(2)?
        .checked_mul(POSEIDON_COST_COEFFICIENT_A)?
        .checked_add(POSEIDON_COST_COEFFICIENT_C)
}

fn poseidon_error(error: PoseidonSyscallError) -> SyscallError {
    SyscallError::Poseidon(error.to_string())
}

/// `sol_poseidon(parameters, endianness, vals, vals_len, result)`, contract in the module
/// docs.
pub struct Poseidon;
impl Syscall for Poseidon {
    type Arguments = [u64; 5];
    fn call(context: &mut VmContext, registers: [u64; 5]) -> SyscallResult {
        let [parameters, endianness, vals, vals_len, result] = registers;
        let parameters = Parameters::try_from(parameters).map_err(poseidon_error)?;
        let endianness = Endianness::try_from(endianness).map_err(poseidon_error)?;
        if vals_len > MAX_INPUTS {
            context.invoke_context_mut().log(format!(
                "Poseidon hashing {vals_len} sequences is not supported"
            ));
            return Err(SyscallError::InvalidLength);
        }
        let Some(cost) = poseidon_cost(vals_len) else {
            context
                .invoke_context_mut()
                .log("Overflow while calculating the compute cost");
            return Err(SyscallError::ArithmeticOverflow);
        };
        charge(context, cost)?;
        let features = &context.invoke_context().features;
        let (simplified_errors, enforce_padding) = (
            features.simplify_alt_bn128_syscall_error_codes(),
            features.poseidon_enforce_padding(),
        );
        let memory = context.memory();
        memory.output(result, HASH_BYTES as u64, 1, 1)?;
        let slices: Vec<(u64, u64)> = memory
            .slice(vals, vals_len, VM_SLICE_SIZE, 8)?
            .chunks_exact(VM_SLICE_SIZE as usize)
            .map(vm_slice)
            .collect();
        let inputs = slices
            .into_iter()
            .map(|(ptr, len)| memory.bytes(ptr, len))
            .collect::<Result<Vec<&[u8]>, SyscallError>>()?;
        let hash = if enforce_padding {
            solana_poseidon::hashv(parameters, endianness, &inputs)
        } else {
            let big_endian = matches!(endianness, Endianness::BigEndian);
            let widened: Vec<Vec<u8>> = inputs
                .iter()
                .map(|input| widen(input, big_endian))
                .collect();
            let widened: Vec<&[u8]> = widened.iter().map(Vec::as_slice).collect();
            solana_poseidon::hashv(parameters, endianness, &widened)
        };
        let hash = match hash {
            Ok(hash) => hash,
            Err(_) if simplified_errors => return Ok(1),
            Err(error) => return Ok(error.into()),
        };
        memory
            .output(result, HASH_BYTES as u64, 1, 1)?
            .write(&hash.to_bytes());
        Ok(0)
    }
}

/// An input as light-poseidon 0.2 read it (no padding enforced): a non-empty input shorter
/// than 32 bytes is zero-extended on its most significant side; any other input is kept.
fn widen(input: &[u8], big_endian: bool) -> Vec<u8> {
    if input.is_empty() || input.len() >= HASH_BYTES {
        return input.to_vec();
    }
    let zeros = vec![0; HASH_BYTES - input.len()];
    if big_endian {
        [zeros.as_slice(), input].concat()
    } else {
        [input, zeros.as_slice()].concat()
    }
}
