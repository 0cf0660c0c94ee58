//! The alt_bn128 (BN254) syscalls `sol_alt_bn128_group_op` and `sol_alt_bn128_compression`
//! (`solana-syscalls 4.4.0, src/lib.rs`, `SyscallAltBn128` and
//! `SyscallAltBn128Compression`), over `solana-bn254` 3.2.1, the crate and version Agave
//! 4.4 computes with. No curve arithmetic is written here.
//!
//! # `sol_alt_bn128_group_op(r1 = op, r2 = input, r3 = input_len, r4 = result)`
//!
//! | op | name | input length | output | CU |
//! |---:|---|---|---:|---:|
//! | 0 | G1 add, big-endian (EIP-196) | at most 128, zero-padded | 64 | 334 |
//! | 2 | G1 mul, big-endian | at most 96 (SIMD-0222; 128 before), zero-padded | 64 | 3,840 |
//! | 3 | pairing, big-endian (EIP-197) | a multiple of 192 (SIMD-0334; any before) | 32 | see below |
//! | 4 | G2 add, big-endian | exactly 256 | 128 | 535 |
//! | 6 | G2 mul, big-endian | exactly 160 | 128 | 15,670 |
//! | `op \| 0x80` | the same, little-endian (SIMD-0284) | G1: exactly 128 / 96 (128 before SIMD-0222); pairing and G2: as above | | the same |
//!
//! There is no subtraction: op 1 (`ALT_BN128_G1_SUB_BE` of `solana-bn254`) and 5 are invalid
//! ops, as in Agave 4.4. Pairing costs 36,364 + 12,121 × (⌊input_len / 192⌋ − 1, floored at
//! 0) + 85 (`sha256_base_cost`) + input_len + 32, saturating.
//!
//! In order:
//! 1. A little-endian G1 op (0x80, 0x82, 0x83) while `alt_bn128_little_endian` is inactive,
//!    or a G2 op (4, 6, 0x84, 0x86) while `enable_alt_bn128_g2_syscalls` is inactive, or any
//!    other op → abort `InvalidAttribute`, no charge.
//! 2. Charge the op's cost (a failed charge aborts, the meter drained).
//! 3. Translate the result (Store, output bytes), then the input (Load, `input_len` bytes;
//!    nothing when 0). Agave 2.1 (the Dec-2024 conformance fixtures) translated the input
//!    first; see [`result_translated_first`].
//! 4. Compute. Success: write the output, return 0. Failure (a length, a coordinate not in
//!    the field, a point not on the curve): return 1 with SIMD-0129
//!    (`simplify_alt_bn128_syscall_error_codes`, whose gate Agave 4.4 has deleted), else
//!    `solana-bn254`'s error code (`AltBn128Error` as `u64`: 1 `InvalidInputData`,
//!    2 `GroupError`, 3 `SliceOutOfBounds`, …); nothing is written.
//!
//! The multiplication input rule is SIMD-0222's (`fix_alt_bn128_multiplication_input_length`:
//! `VersionedG1Multiplication::V1`, else `V0`'s 128 bytes) and the pairing length rule
//! SIMD-0334's (`fix_alt_bn128_pairing_length_check`: `VersionedPairing::V1`, else `V0`, which
//! ignores a trailing partial element); Agave 4.4 has deleted both gates and always uses `V1`.
//!
//! # `sol_alt_bn128_compression(r1 = op, r2 = input, r3 = input_len, r4 = result)`
//!
//! | op | name | input length | output | CU (100 + …) |
//! |---:|---|---:|---:|---:|
//! | 0 | G1 compress, big-endian | 64 | 32 | 30 |
//! | 1 | G1 decompress | 32 | 64 | 398 |
//! | 2 | G2 compress | 128 | 64 | 86 |
//! | 3 | G2 decompress | 64 | 128 | 13,610 |
//! | `op \| 0x80` | the same, little-endian (SIMD-0284) | | | the same |
//!
//! Each costs `syscall_base_cost` (100) plus the op's cost. In order: a little-endian op while
//! `alt_bn128_little_endian` is inactive, or an unknown op → abort `InvalidAttribute`, no
//! charge; charge; translate the result, then the input (the same order as the group ops);
//! compute: success writes and returns 0, failure (a wrong input length, coordinates that
//! do not deserialize, a point that does not decompress) returns 1 with SIMD-0129, else `AltBn128CompressionError` as `u64`
//! (1 G1 decompression failed, 2 G2 decompression failed, 3/4 G1/G2 compression failed,
//! 5 invalid input size).

use sbfvm_runtime::FeatureSet;
use sbfvm_vm::{HostOut, Syscall, SyscallError, SyscallResult, VmContext};
use solana_bn254::compression::prelude as compression;
use solana_bn254::versioned::{self as bn254, Endianness};

use crate::meter::charge;

/// Compute-unit prices of the alt_bn128 syscalls. Field names follow Agave's
/// `SVMTransactionExecutionCost` (`solana-program-runtime 4.4.0, src/execution_budget.rs`);
/// `Default` gives Agave's values, shown in parentheses. The shared `syscall_base_cost` and
/// `sha256_base_cost` come from the [`ComputeBudget`](sbfvm_runtime::ComputeBudget).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AltBn128Costs {
    /// G1 addition (334 CU).
    pub alt_bn128_g1_addition_cost: u64,
    /// G2 addition (535 CU).
    pub alt_bn128_g2_addition_cost: u64,
    /// G1 scalar multiplication (3,840 CU).
    pub alt_bn128_g1_multiplication_cost: u64,
    /// G2 scalar multiplication (15,670 CU).
    pub alt_bn128_g2_multiplication_cost: u64,
    /// Pairing: the first pair, or none (36,364 CU).
    pub alt_bn128_pairing_one_pair_cost_first: u64,
    /// Pairing: each pair after the first (12,121 CU).
    pub alt_bn128_pairing_one_pair_cost_other: u64,
    /// G1 compression, on top of the base cost (30 CU).
    pub alt_bn128_g1_compress: u64,
    /// G1 decompression, on top of the base cost (398 CU).
    pub alt_bn128_g1_decompress: u64,
    /// G2 compression, on top of the base cost (86 CU).
    pub alt_bn128_g2_compress: u64,
    /// G2 decompression, on top of the base cost (13,610 CU).
    pub alt_bn128_g2_decompress: u64,
}

impl Default for AltBn128Costs {
    fn default() -> Self {
        Self {
            alt_bn128_g1_addition_cost: 334,
            alt_bn128_g2_addition_cost: 535,
            alt_bn128_g1_multiplication_cost: 3_840,
            alt_bn128_g2_multiplication_cost: 15_670,
            alt_bn128_pairing_one_pair_cost_first: 36_364,
            alt_bn128_pairing_one_pair_cost_other: 12_121,
            alt_bn128_g1_compress: 30,
            alt_bn128_g1_decompress: 398,
            alt_bn128_g2_compress: 86,
            alt_bn128_g2_decompress: 13_610,
        }
    }
}

/// A group op of `sol_alt_bn128_group_op`, with its endianness.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GroupOp {
    G1Add,
    G2Add,
    G1Mul,
    G2Mul,
    Pairing,
}

impl GroupOp {
    /// The op for `op`, or the abort of step 1 (see the module docs).
    fn decode(op: u64, features: &FeatureSet) -> Result<(Self, bool), SyscallError> {
        let (group_op, little_endian) = match op {
            bn254::ALT_BN128_G1_ADD_BE => (Self::G1Add, false),
            bn254::ALT_BN128_G1_ADD_LE => (Self::G1Add, true),
            bn254::ALT_BN128_G2_ADD_BE => (Self::G2Add, false),
            bn254::ALT_BN128_G2_ADD_LE => (Self::G2Add, true),
            bn254::ALT_BN128_G1_MUL_BE => (Self::G1Mul, false),
            bn254::ALT_BN128_G1_MUL_LE => (Self::G1Mul, true),
            bn254::ALT_BN128_G2_MUL_BE => (Self::G2Mul, false),
            bn254::ALT_BN128_G2_MUL_LE => (Self::G2Mul, true),
            bn254::ALT_BN128_PAIRING_BE => (Self::Pairing, false),
            bn254::ALT_BN128_PAIRING_LE => (Self::Pairing, true),
            _ => return Err(SyscallError::InvalidAttribute),
        };
        let g2 = matches!(group_op, Self::G2Add | Self::G2Mul);
        // Agave checks the little-endian gate on the G1 ops and the pairing only; a
        // little-endian G2 op is gated by the G2 feature.
        if (little_endian && !g2 && !features.alt_bn128_little_endian())
            || (g2 && !features.enable_alt_bn128_g2_syscalls())
        {
            return Err(SyscallError::InvalidAttribute);
        }
        Ok((group_op, little_endian))
    }

    fn output_len(self) -> u64 {
        (match self {
            Self::G1Add | Self::G1Mul => bn254::ALT_BN128_G1_POINT_SIZE,
            Self::G2Add | Self::G2Mul => bn254::ALT_BN128_G2_POINT_SIZE,
            Self::Pairing => bn254::ALT_BN128_PAIRING_OUTPUT_SIZE,
        }) as u64
    }
}

/// Cost of `sol_alt_bn128_group_op` for a decoded op and input length.
fn group_op_cost(context: &VmContext, op: GroupOp, input_len: u64) -> u64 {
    let costs = AltBn128Costs::default();
    match op {
        GroupOp::G1Add => costs.alt_bn128_g1_addition_cost,
        GroupOp::G2Add => costs.alt_bn128_g2_addition_cost,
        GroupOp::G1Mul => costs.alt_bn128_g1_multiplication_cost,
        GroupOp::G2Mul => costs.alt_bn128_g2_multiplication_cost,
        GroupOp::Pairing => {
            let pairs = input_len / bn254::ALT_BN128_PAIRING_ELEMENT_SIZE as u64;
            costs
                .alt_bn128_pairing_one_pair_cost_first
                .saturating_add(
                    costs
                        .alt_bn128_pairing_one_pair_cost_other
                        .saturating_mul(pairs.saturating_sub(1)),
                )
                .saturating_add(context.invoke_context().budget.sha256_base_cost)
                .saturating_add(input_len)
                .saturating_add(bn254::ALT_BN128_PAIRING_OUTPUT_SIZE as u64)
        }
    }
}

/// Whether the result is translated before the input, as in Agave 4.4. Agave 2.1 translated
/// the input first; the two orders differ only in which access violation is reported when
/// both pointers are bad. The order changed without a feature gate, so the SIMD-0284
/// little-endian feature (activated with the rewritten syscall) selects it.
pub fn result_translated_first(features: &FeatureSet) -> bool {
    features.alt_bn128_little_endian()
}

/// Translates the result (`output_len` bytes, Store) and the input (Load), in the order of
/// [`result_translated_first`].
fn translate(
    context: &VmContext,
    input: u64,
    input_len: u64,
    result: u64,
    output_len: u64,
) -> Result<(&[u8], HostOut), SyscallError> {
    let memory = context.memory();
    if result_translated_first(&context.invoke_context().features) {
        let output = memory.output(result, output_len, 1, 1)?;
        let input = memory.bytes(input, input_len)?;
        Ok((input, output))
    } else {
        let input = memory.bytes(input, input_len)?;
        let output = memory.output(result, output_len, 1, 1)?;
        Ok((input, output))
    }
}

/// r0 for a failed computation: 1 under SIMD-0129, else the crate's error code.
fn failure_code(context: &VmContext, code: u64) -> u64 {
    if context
        .invoke_context()
        .features
        .simplify_alt_bn128_syscall_error_codes()
    {
        1
    } else {
        code
    }
}

/// The computation of a group op on its translated input.
fn compute_group_op(
    features: &FeatureSet,
    op: GroupOp,
    little_endian: bool,
    input: &[u8],
) -> Result<Vec<u8>, solana_bn254::prelude::AltBn128Error> {
    let endianness = || {
        if little_endian {
            Endianness::LE
        } else {
            Endianness::BE
        }
    };
    match op {
        GroupOp::G1Add => bn254::alt_bn128_versioned_g1_addition(
            bn254::VersionedG1Addition::V0,
            input,
            endianness(),
        ),
        GroupOp::G2Add => bn254::alt_bn128_versioned_g2_addition(
            bn254::VersionedG2Addition::V0,
            input,
            endianness(),
        ),
        GroupOp::G1Mul => {
            let version = if features.fix_alt_bn128_multiplication_input_length() {
                bn254::VersionedG1Multiplication::V1
            } else {
                bn254::VersionedG1Multiplication::V0
            };
            bn254::alt_bn128_versioned_g1_multiplication(version, input, endianness())
        }
        GroupOp::G2Mul => bn254::alt_bn128_versioned_g2_multiplication(
            bn254::VersionedG2Multiplication::V0,
            input,
            endianness(),
        ),
        GroupOp::Pairing => {
            let version = if features.fix_alt_bn128_pairing_length_check() {
                bn254::VersionedPairing::V1
            } else {
                bn254::VersionedPairing::V0
            };
            bn254::alt_bn128_versioned_pairing(version, input, endianness())
        }
    }
}

/// `sol_alt_bn128_group_op(op, input, input_len, result)`: G1/G2 addition and scalar
/// multiplication and the pairing check, contract in the module docs.
pub struct AltBn128GroupOp;
impl Syscall for AltBn128GroupOp {
    type Arguments = [u64; 4];
    fn call(context: &mut VmContext, [op, input, input_len, result]: [u64; 4]) -> SyscallResult {
        let (op, little_endian) = GroupOp::decode(op, &context.invoke_context().features)?;
        charge(context, group_op_cost(context, op, input_len))?;
        let (input, output) = translate(context, input, input_len, result, op.output_len())?;
        match compute_group_op(&context.invoke_context().features, op, little_endian, input) {
            Ok(point) => {
                output.write(&point);
                Ok(0)
            }
            Err(error) => Ok(failure_code(context, error.into())),
        }
    }
}

/// An op of `sol_alt_bn128_compression`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CompressionOp {
    G1Compress,
    G1Decompress,
    G2Compress,
    G2Decompress,
}

impl CompressionOp {
    fn decode(op: u64, features: &FeatureSet) -> Result<(Self, bool), SyscallError> {
        let (compression_op, little_endian) = match op {
            compression::ALT_BN128_G1_COMPRESS_BE => (Self::G1Compress, false),
            compression::ALT_BN128_G1_COMPRESS_LE => (Self::G1Compress, true),
            compression::ALT_BN128_G1_DECOMPRESS_BE => (Self::G1Decompress, false),
            compression::ALT_BN128_G1_DECOMPRESS_LE => (Self::G1Decompress, true),
            compression::ALT_BN128_G2_COMPRESS_BE => (Self::G2Compress, false),
            compression::ALT_BN128_G2_COMPRESS_LE => (Self::G2Compress, true),
            compression::ALT_BN128_G2_DECOMPRESS_BE => (Self::G2Decompress, false),
            compression::ALT_BN128_G2_DECOMPRESS_LE => (Self::G2Decompress, true),
            _ => return Err(SyscallError::InvalidAttribute),
        };
        if little_endian && !features.alt_bn128_little_endian() {
            return Err(SyscallError::InvalidAttribute);
        }
        Ok((compression_op, little_endian))
    }

    /// The op's own cost (the base cost is added by the caller) and output length.
    fn cost_and_output_len(self, costs: &AltBn128Costs) -> (u64, u64) {
        let (cost, len) = match self {
            Self::G1Compress => (
                costs.alt_bn128_g1_compress,
                compression::ALT_BN128_G1_COMPRESSED_POINT_SIZE,
            ),
            Self::G1Decompress => (
                costs.alt_bn128_g1_decompress,
                bn254::ALT_BN128_G1_POINT_SIZE,
            ),
            Self::G2Compress => (
                costs.alt_bn128_g2_compress,
                compression::ALT_BN128_G2_COMPRESSED_POINT_SIZE,
            ),
            Self::G2Decompress => (
                costs.alt_bn128_g2_decompress,
                bn254::ALT_BN128_G2_POINT_SIZE,
            ),
        };
        (cost, len as u64)
    }

    fn compute(
        self,
        little_endian: bool,
        input: &[u8],
    ) -> Result<Vec<u8>, compression::AltBn128CompressionError> {
        Ok(match (self, little_endian) {
            (Self::G1Compress, false) => compression::alt_bn128_g1_compress_be(input)?.to_vec(),
            (Self::G1Compress, true) => compression::alt_bn128_g1_compress_le(input)?.to_vec(),
            (Self::G1Decompress, false) => compression::alt_bn128_g1_decompress_be(input)?.to_vec(),
            (Self::G1Decompress, true) => compression::alt_bn128_g1_decompress_le(input)?.to_vec(),
            (Self::G2Compress, false) => compression::alt_bn128_g2_compress_be(input)?.to_vec(),
            (Self::G2Compress, true) => compression::alt_bn128_g2_compress_le(input)?.to_vec(),
            (Self::G2Decompress, false) => compression::alt_bn128_g2_decompress_be(input)?.to_vec(),
            (Self::G2Decompress, true) => compression::alt_bn128_g2_decompress_le(input)?.to_vec(),
        })
    }
}

/// `sol_alt_bn128_compression(op, input, input_len, result)`: G1/G2 point compression and
/// decompression, contract in the module docs.
pub struct AltBn128Compression;
impl Syscall for AltBn128Compression {
    type Arguments = [u64; 4];
    fn call(context: &mut VmContext, [op, input, input_len, result]: [u64; 4]) -> SyscallResult {
        let (op, little_endian) = CompressionOp::decode(op, &context.invoke_context().features)?;
        let (cost, output_len) = op.cost_and_output_len(&AltBn128Costs::default());
        let base_cost = context.invoke_context().budget.syscall_base_cost;
        charge(context, base_cost.saturating_add(cost))?;
        let (input, output) = translate(context, input, input_len, result, output_len)?;
        match op.compute(little_endian, input) {
            Ok(point) => {
                output.write(&point);
                Ok(0)
            }
            Err(error) => Ok(failure_code(context, error.into())),
        }
    }
}
