//! `sol_big_mod_exp` (SIMD-0529; `solana-syscalls 4.4.0, src/lib.rs`, `SyscallBigModExp`
//! and its `big_mod_exp_*` cost functions), over `solana-big-mod-exp` 4. Registered while
//! `enable_big_mod_exp_syscall` is active (inactive on mainnet).
//!
//! Registers: r1 = parameters, a 48-byte `BigModExpParams` `{base, base_len, exponent,
//! exponent_len, modulus, modulus_len}` (u64 each, aligned to 8), r2 = result
//! (`modulus_len` bytes). Operands and result are little-endian unsigned integers.
//!
//! Order:
//! 1. charge the base cost, 422 (`big_modular_exponentiation_base_cost`), before anything
//!    is translated;
//! 2. translate the parameters (Load, 48 bytes, aligned to 8);
//! 3. any of the three lengths over 512 bytes → abort `InvalidLength` (nothing more
//!    charged);
//! 4. translate the exponent (Load; a zero length checks nothing);
//! 5. charge [`operation_cost`]: ⌈complexity / 189⌉ (`big_modular_exponentiation_cost_divisor`)
//!    where the complexity is the multiplication complexity of max(base_len, modulus_len)
//!    (n² up to 64 bytes, n²/4 + 96n − 3,072 up to 1,024, n²/16 + 480n − 199,680 beyond)
//!    times 15 when the exponent is exactly 1, else times the adjusted exponent length
//!    (EIP-2565-style: the index of its highest set bit, over its most significant 32 bytes,
//!    plus 8 per byte below them), at least 75. A cost that does not fit a `u64` drains the
//!    meter and aborts `ComputationalBudgetExceeded` (unreachable with lengths ≤ 512);
//! 6. translate the base, then the modulus (Load);
//! 7. compute; an invalid modulus (empty, zero, one or even) → abort `InvalidAttribute`;
//! 8. translate the result (Store, `modulus_len` bytes), write the value (padded with zeros
//!    to `modulus_len`), return 0.

use sbfvm_runtime::InstructionError;
use sbfvm_vm::{Syscall, SyscallError, SyscallResult, VmContext};
use solana_big_mod_exp::{
    big_mod_exp, BIG_MOD_EXP_MAX_BYTES, BIG_MOD_EXP_MIN_EXPONENT_LENGTH,
    BIG_MOD_EXP_MOD_REDUCTION_COMPLEXITY_FACTOR,
};

use crate::meter::charge;

/// The flat cost charged first (`big_modular_exponentiation_base_cost`,
/// `solana-program-runtime 4.4.0, src/execution_budget.rs`).
pub const BIG_MOD_EXP_BASE_COST: u64 = 422;
/// The divisor of the operation complexity (`big_modular_exponentiation_cost_divisor`).
pub const BIG_MOD_EXP_COST_DIVISOR: u64 = 189;

/// Size of the guest `BigModExpParams`: six u64.
const PARAMS_SIZE: usize = 48;

/// The multiplication complexity of operands of `input_len` bytes.
fn mult_complexity(input_len: u64) -> Option<u128> {
    let input_len = u128::from(input_len);
    let squared = input_len.checked_mul(input_len)?;
    if input_len <= 64 {
        Some(squared)
    } else if input_len <= 1024 {
        squared
            .checked_div(4)?
            .checked_add(96_u128.checked_mul(input_len)?)?
            .checked_sub(3_072)
    } else {
        squared
            .checked_div(16)?
            .checked_add(480_u128.checked_mul(input_len)?)?
            .checked_sub(199_680)
    }
}

/// The bit index of the highest set bit of a little-endian integer, `None` when it is zero.
fn highest_set_bit_index_le(bytes: &[u8]) -> Option<u64> {
    bytes.iter().enumerate().rev().find_map(|(index, byte)| {
        (*byte != 0).then(|| {
            (index as u64)
                .saturating_mul(u64::from(u8::BITS))
                .saturating_add(u64::from(7_u32.saturating_sub(byte.leading_zeros())))
        })
    })
}

/// The adjusted exponent length: the highest set bit index over the most significant 32
/// bytes, plus 8 for each byte below them.
fn adjusted_exponent_length(exponent: &[u8]) -> u64 {
    if exponent.len() <= 32 {
        highest_set_bit_index_le(exponent).unwrap_or(0)
    } else {
        let trailing_bytes = exponent.len().saturating_sub(32);
        (trailing_bytes as u64)
            .saturating_mul(u64::from(u8::BITS))
            .saturating_add(highest_set_bit_index_le(&exponent[trailing_bytes..]).unwrap_or(0))
    }
}

/// Whether a little-endian integer is exactly 1 in its first byte, zeros after.
fn is_one_le(bytes: &[u8]) -> bool {
    matches!(bytes.first(), Some(1)) && bytes[1..].iter().all(|byte| *byte == 0)
}

/// The cost charged after the base cost for operands of `base_len` and `modulus_len`
/// bytes and this `exponent` (module docs, step 5); `None` when it does not fit a `u64`.
pub fn operation_cost(base_len: u64, modulus_len: u64, exponent: &[u8]) -> Option<u64> {
    let complexity = mult_complexity(base_len.max(modulus_len))?;
    let complexity = if is_one_le(exponent) {
        complexity.checked_mul(u128::from(BIG_MOD_EXP_MOD_REDUCTION_COMPLEXITY_FACTOR))?
    } else {
        let length = adjusted_exponent_length(exponent).max(BIG_MOD_EXP_MIN_EXPONENT_LENGTH);
        complexity.checked_mul(u128::from(length))?
    };
    let divisor = u128::from(BIG_MOD_EXP_COST_DIVISOR);
    let cost = complexity
        .checked_add(divisor.checked_sub(1)?)?
        .checked_div(divisor)?;
    u64::try_from(cost).ok()
}

/// `sol_big_mod_exp(params, result)`, contract in the module docs.
pub struct BigModExp;
impl Syscall for BigModExp {
    type Arguments = [u64; 2];
    fn call(context: &mut VmContext, [params, result]: [u64; 2]) -> SyscallResult {
        charge(context, BIG_MOD_EXP_BASE_COST)?;
        let params: [u8; PARAMS_SIZE] = context.memory().read(params, 8)?;
        let field = |index: usize| {
            u64::from_le_bytes(
                params[index * 8..index * 8 + 8]
                    .try_into()
                    .expect("8 bytes"),
            )
        };
        let (base, base_len, exponent, exponent_len, modulus, modulus_len) =
            (field(0), field(1), field(2), field(3), field(4), field(5));
        if [base_len, exponent_len, modulus_len]
            .iter()
            .any(|len| *len > BIG_MOD_EXP_MAX_BYTES)
        {
            return Err(SyscallError::InvalidLength);
        }
        let exponent = context.memory().bytes(exponent, exponent_len)?;
        let Some(cost) = operation_cost(base_len, modulus_len, exponent) else {
            charge(context, u64::MAX)?;
            return Err(SyscallError::Instruction(
                InstructionError::ComputationalBudgetExceeded,
            ));
        };
        charge(context, cost)?;
        let memory = context.memory();
        let base = memory.bytes(base, base_len)?;
        let modulus = memory.bytes(modulus, modulus_len)?;
        let Some(value) = big_mod_exp(base, exponent, modulus) else {
            return Err(SyscallError::InvalidAttribute);
        };
        memory.output(result, modulus_len, 1, 1)?.write(&value);
        Ok(0)
    }
}
