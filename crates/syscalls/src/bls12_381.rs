//! BLS12-381 (SIMD-0388) in the curve syscalls (`solana-syscalls 4.4.0, src/lib.rs`:
//! `SyscallCurvePointValidation`, `SyscallCurveGroupOps`, `SyscallCurveDecompress`,
//! `SyscallCurvePairingMap`), over `solana-bls12-381-syscall` 0.1.1 (`blst`/`blstrs`), the
//! crate and version Agave 4.4 computes with (`Version::V0`). No curve arithmetic is written
//! here.
//!
//! Curve ids ([`crate::curve`]): 4 pairing, 5 G1, 6 G2; little-endian as such, big-endian
//! (the Zcash/IETF encoding) with the `0x80` bit. G1 points are 96 bytes, G2 points 192,
//! compressed G1 48, compressed G2 96, scalars 32, pairing results (Gt) 576; all byte arrays
//! (alignment 1, so alignment checks never fail).
//!
//! # `sol_curve_validate_point(r1 = curve_id, r2 = point)` on G1/G2 ids
//! While `enable_bls12_381_syscall` is inactive the G1/G2 ids abort `InvalidAttribute` before
//! anything else (in [`crate::curve_syscalls`]). Otherwise: charge 1,565 (G1) / 1,968 (G2) →
//! translate the point (Load) → return 0 if it is in the field, on the curve and in the
//! prime-order subgroup, else 1.
//!
//! # `sol_curve_group_op(r1 = curve_id, r2 = op, r3 = left, r4 = right, r5 = result)` on G1/G2 ids
//! The same feature check. Op 0 add, 1 subtract, 2 multiply; any other op aborts
//! `InvalidAttribute`, no charge, whatever `abort_on_invalid_curve` says. Charge (G1/G2: add
//! 128/203, subtract 129/204, multiply 4,627/8,255) → translate left, then right (Load; for
//! multiply the left operand is the 32-byte scalar and the right one the point) → compute →
//! success: translate the result (Store), write, return 0; failure: return 1, the result
//! pointer untouched. Addition and subtraction check the field and the curve equation but not
//! the subgroup; multiplication checks the subgroup too, and the scalar must be canonical
//! (below the group order).
//!
//! # `sol_curve_decompress(r1 = curve_id, r2 = point, r3 = result)`
//! Registered only while `enable_bls12_381_syscall` is active. G1/G2 ids: charge 2,100 /
//! 3,050 → translate the compressed point (Load, 48/96 bytes) → decompress (field and curve
//! checks, no subgroup check) → success: translate the result (Store, 96/192), write, return
//! 0; failure: return 1. Any other id (curve25519 ones included) → abort `InvalidAttribute`,
//! no charge.
//!
//! # `sol_curve_pairing_map(r1 = curve_id, r2 = num_pairs, r3 = g1_points, r4 = g2_points, r5 = result)`
//! Registered only while `enable_bls12_381_syscall` is active. Pairing ids (4, `4 | 0x80`):
//! charge 25,445 + 13,023 × (num_pairs − 1, floored at 0), saturating → translate
//! `num_pairs` G1 points, then `num_pairs` G2 points (Load; nothing for 0 pairs; a byte
//! length above `isize::MAX` aborts `InvalidLength`) → compute the product of the pairings
//! (every point fully validated; more than 8 pairs fails; 0 pairs gives the identity) →
//! success: translate the 576-byte result (Store), write, return 0; failure: return 1. Any
//! other id → abort `InvalidAttribute`, no charge.
//!
//! `sol_curve_multiscalar_mul` has no BLS12-381 path in Agave 4.4: the ids are invalid
//! curves there ([`crate::curve`]).

use sbfvm_vm::{Syscall, SyscallError, SyscallResult, VmContext};
use solana_bls12_381_syscall::{
    self as bls, Endianness, PodG1Compressed, PodG1Point, PodG2Compressed, PodG2Point, PodScalar,
    Version,
};

use crate::curve::{
    ADD, BLS12_381_BE, BLS12_381_G1_BE, BLS12_381_G1_LE, BLS12_381_G2_BE, BLS12_381_G2_LE,
    BLS12_381_LE, MUL, SUB,
};
use crate::meter::charge;

/// Compute-unit prices of the BLS12-381 curve syscalls. Field names follow Agave's
/// `SVMTransactionExecutionCost` (`solana-program-runtime 4.4.0, src/execution_budget.rs`);
/// `Default` gives Agave's values, shown in parentheses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bls12381Costs {
    /// G1 addition (128 CU).
    pub bls12_381_g1_add_cost: u64,
    /// G2 addition (203 CU).
    pub bls12_381_g2_add_cost: u64,
    /// G1 subtraction (129 CU).
    pub bls12_381_g1_subtract_cost: u64,
    /// G2 subtraction (204 CU).
    pub bls12_381_g2_subtract_cost: u64,
    /// G1 scalar multiplication (4,627 CU).
    pub bls12_381_g1_multiply_cost: u64,
    /// G2 scalar multiplication (8,255 CU).
    pub bls12_381_g2_multiply_cost: u64,
    /// G1 decompression (2,100 CU).
    pub bls12_381_g1_decompress_cost: u64,
    /// G2 decompression (3,050 CU).
    pub bls12_381_g2_decompress_cost: u64,
    /// G1 validation (1,565 CU).
    pub bls12_381_g1_validate_cost: u64,
    /// G2 validation (1,968 CU).
    pub bls12_381_g2_validate_cost: u64,
    /// Pairing: the first pair, or none (25,445 CU).
    pub bls12_381_one_pair_cost: u64,
    /// Pairing: each pair after the first (13,023 CU).
    pub bls12_381_additional_pair_cost: u64,
}

impl Default for Bls12381Costs {
    fn default() -> Self {
        Self {
            bls12_381_g1_add_cost: 128,
            bls12_381_g2_add_cost: 203,
            bls12_381_g1_subtract_cost: 129,
            bls12_381_g2_subtract_cost: 204,
            bls12_381_g1_multiply_cost: 4_627,
            bls12_381_g2_multiply_cost: 8_255,
            bls12_381_g1_decompress_cost: 2_100,
            bls12_381_g2_decompress_cost: 3_050,
            bls12_381_g1_validate_cost: 1_565,
            bls12_381_g2_validate_cost: 1_968,
            bls12_381_one_pair_cost: 25_445,
            bls12_381_additional_pair_cost: 13_023,
        }
    }
}

impl Bls12381Costs {
    /// Cost of `sol_curve_pairing_map` with `num_pairs` pairs.
    pub fn pairing_cost(&self, num_pairs: u64) -> u64 {
        self.bls12_381_one_pair_cost.saturating_add(
            self.bls12_381_additional_pair_cost
                .saturating_mul(num_pairs.saturating_sub(1)),
        )
    }
}

/// A BLS12-381 group: its curve ids, point types and prices.
trait Group {
    const LE: u64;
    const BE: u64;
    type Point: bytemuck::Pod;
    type Compressed: bytemuck::Pod;
    fn validate_cost(costs: &Bls12381Costs) -> u64;
    fn add_cost(costs: &Bls12381Costs) -> u64;
    fn subtract_cost(costs: &Bls12381Costs) -> u64;
    fn multiply_cost(costs: &Bls12381Costs) -> u64;
    fn decompress_cost(costs: &Bls12381Costs) -> u64;
    fn validate(point: &Self::Point, endianness: Endianness) -> bool;
    fn add(left: &Self::Point, right: &Self::Point, endianness: Endianness) -> Option<Self::Point>;
    fn subtract(
        left: &Self::Point,
        right: &Self::Point,
        endianness: Endianness,
    ) -> Option<Self::Point>;
    fn multiply(
        point: &Self::Point,
        scalar: &PodScalar,
        endianness: Endianness,
    ) -> Option<Self::Point>;
    fn decompress(point: &Self::Compressed, endianness: Endianness) -> Option<Self::Point>;
}

struct G1;
impl Group for G1 {
    const LE: u64 = BLS12_381_G1_LE;
    const BE: u64 = BLS12_381_G1_BE;
    type Point = PodG1Point;
    type Compressed = PodG1Compressed;
    fn validate_cost(costs: &Bls12381Costs) -> u64 {
        costs.bls12_381_g1_validate_cost
    }
    fn add_cost(costs: &Bls12381Costs) -> u64 {
        costs.bls12_381_g1_add_cost
    }
    fn subtract_cost(costs: &Bls12381Costs) -> u64 {
        costs.bls12_381_g1_subtract_cost
    }
    fn multiply_cost(costs: &Bls12381Costs) -> u64 {
        costs.bls12_381_g1_multiply_cost
    }
    fn decompress_cost(costs: &Bls12381Costs) -> u64 {
        costs.bls12_381_g1_decompress_cost
    }
    fn validate(point: &PodG1Point, endianness: Endianness) -> bool {
        bls::bls12_381_g1_point_validation(Version::V0, point, endianness)
    }
    fn add(left: &PodG1Point, right: &PodG1Point, endianness: Endianness) -> Option<PodG1Point> {
        bls::bls12_381_g1_addition_unchecked(Version::V0, left, right, endianness)
    }
    fn subtract(
        left: &PodG1Point,
        right: &PodG1Point,
        endianness: Endianness,
    ) -> Option<PodG1Point> {
        bls::bls12_381_g1_subtraction_unchecked(Version::V0, left, right, endianness)
    }
    fn multiply(
        point: &PodG1Point,
        scalar: &PodScalar,
        endianness: Endianness,
    ) -> Option<PodG1Point> {
        bls::bls12_381_g1_multiplication(Version::V0, point, scalar, endianness)
    }
    fn decompress(point: &PodG1Compressed, endianness: Endianness) -> Option<PodG1Point> {
        bls::bls12_381_g1_decompress(Version::V0, point, endianness)
    }
}

struct G2;
impl Group for G2 {
    const LE: u64 = BLS12_381_G2_LE;
    const BE: u64 = BLS12_381_G2_BE;
    type Point = PodG2Point;
    type Compressed = PodG2Compressed;
    fn validate_cost(costs: &Bls12381Costs) -> u64 {
        costs.bls12_381_g2_validate_cost
    }
    fn add_cost(costs: &Bls12381Costs) -> u64 {
        costs.bls12_381_g2_add_cost
    }
    fn subtract_cost(costs: &Bls12381Costs) -> u64 {
        costs.bls12_381_g2_subtract_cost
    }
    fn multiply_cost(costs: &Bls12381Costs) -> u64 {
        costs.bls12_381_g2_multiply_cost
    }
    fn decompress_cost(costs: &Bls12381Costs) -> u64 {
        costs.bls12_381_g2_decompress_cost
    }
    fn validate(point: &PodG2Point, endianness: Endianness) -> bool {
        bls::bls12_381_g2_point_validation(Version::V0, point, endianness)
    }
    fn add(left: &PodG2Point, right: &PodG2Point, endianness: Endianness) -> Option<PodG2Point> {
        bls::bls12_381_g2_addition_unchecked(Version::V0, left, right, endianness)
    }
    fn subtract(
        left: &PodG2Point,
        right: &PodG2Point,
        endianness: Endianness,
    ) -> Option<PodG2Point> {
        bls::bls12_381_g2_subtraction_unchecked(Version::V0, left, right, endianness)
    }
    fn multiply(
        point: &PodG2Point,
        scalar: &PodScalar,
        endianness: Endianness,
    ) -> Option<PodG2Point> {
        bls::bls12_381_g2_multiplication(Version::V0, point, scalar, endianness)
    }
    fn decompress(point: &PodG2Compressed, endianness: Endianness) -> Option<PodG2Point> {
        bls::bls12_381_g2_decompress(Version::V0, point, endianness)
    }
}

fn endianness(curve_id: u64, little_endian_id: u64) -> Endianness {
    if curve_id == little_endian_id {
        Endianness::LE
    } else {
        Endianness::BE
    }
}

/// Translates one `T` (Load, alignment 1) and returns a copy.
fn read<T: bytemuck::Pod>(context: &VmContext, addr: u64) -> Result<T, SyscallError> {
    let bytes = context
        .memory()
        .bytes(addr, std::mem::size_of::<T>() as u64)?;
    Ok(bytemuck::pod_read_unaligned(bytes))
}

/// Translates the result (Store, one `T`) and writes `value`.
fn write<T: bytemuck::Pod>(context: &VmContext, addr: u64, value: &T) -> Result<(), SyscallError> {
    let bytes = bytemuck::bytes_of(value);
    context
        .memory()
        .output(addr, 1, bytes.len() as u64, 1)?
        .write(bytes);
    Ok(())
}

/// Returns 0 after translating the result (Store) and writing `value`, or 1 when the
/// computation failed (`None`), the result pointer untouched.
fn finish<T: bytemuck::Pod>(context: &VmContext, result: u64, value: Option<T>) -> SyscallResult {
    match value {
        Some(value) => {
            write(context, result, &value)?;
            Ok(0)
        }
        None => Ok(1),
    }
}

fn validate_in<G: Group>(context: &mut VmContext, curve_id: u64, point: u64) -> SyscallResult {
    charge(context, G::validate_cost(&Bls12381Costs::default()))?;
    let point: G::Point = read(context, point)?;
    Ok(if G::validate(&point, endianness(curve_id, G::LE)) {
        0
    } else {
        1
    })
}

fn group_op_in<G: Group>(
    context: &mut VmContext,
    [curve_id, op, left, right, result]: [u64; 5],
) -> SyscallResult {
    let costs = Bls12381Costs::default();
    let endianness = endianness(curve_id, G::LE);
    let value = match op {
        ADD | SUB => {
            let cost = if op == ADD {
                G::add_cost(&costs)
            } else {
                G::subtract_cost(&costs)
            };
            charge(context, cost)?;
            let left: G::Point = read(context, left)?;
            let right: G::Point = read(context, right)?;
            if op == ADD {
                G::add(&left, &right, endianness)
            } else {
                G::subtract(&left, &right, endianness)
            }
        }
        MUL => {
            charge(context, G::multiply_cost(&costs))?;
            let scalar: PodScalar = read(context, left)?;
            let point: G::Point = read(context, right)?;
            G::multiply(&point, &scalar, endianness)
        }
        _ => return Err(SyscallError::InvalidAttribute),
    };
    finish(context, result, value)
}

fn decompress_in<G: Group>(
    context: &mut VmContext,
    curve_id: u64,
    point: u64,
    result: u64,
) -> SyscallResult {
    charge(context, G::decompress_cost(&Bls12381Costs::default()))?;
    let compressed: G::Compressed = read(context, point)?;
    let value = G::decompress(&compressed, endianness(curve_id, G::LE));
    finish(context, result, value)
}

/// `sol_curve_validate_point` on a BLS12-381 G1/G2 id (the feature check is the caller's);
/// `None` for any other id.
pub(crate) fn validate_point(
    context: &mut VmContext,
    curve_id: u64,
    point: u64,
) -> Option<SyscallResult> {
    Some(match curve_id {
        G1::LE | G1::BE => validate_in::<G1>(context, curve_id, point),
        G2::LE | G2::BE => validate_in::<G2>(context, curve_id, point),
        _ => return None,
    })
}

/// `sol_curve_group_op` on a BLS12-381 G1/G2 id (the feature check is the caller's); `None`
/// for any other id.
pub(crate) fn group_op(context: &mut VmContext, registers: [u64; 5]) -> Option<SyscallResult> {
    Some(match registers[0] {
        G1::LE | G1::BE => group_op_in::<G1>(context, registers),
        G2::LE | G2::BE => group_op_in::<G2>(context, registers),
        _ => return None,
    })
}

/// `sol_curve_decompress(curve_id, point, result)`, contract in the module docs.
pub struct CurveDecompress;
impl Syscall for CurveDecompress {
    type Arguments = [u64; 3];
    fn call(context: &mut VmContext, [curve_id, point, result]: [u64; 3]) -> SyscallResult {
        match curve_id {
            G1::LE | G1::BE => decompress_in::<G1>(context, curve_id, point, result),
            G2::LE | G2::BE => decompress_in::<G2>(context, curve_id, point, result),
            _ => Err(SyscallError::InvalidAttribute),
        }
    }
}

/// `sol_curve_pairing_map(curve_id, num_pairs, g1_points, g2_points, result)`, contract in
/// the module docs.
pub struct CurvePairingMap;
impl Syscall for CurvePairingMap {
    type Arguments = [u64; 5];
    fn call(context: &mut VmContext, registers: [u64; 5]) -> SyscallResult {
        let [curve_id, num_pairs, g1_points, g2_points, result] = registers;
        if !matches!(curve_id, BLS12_381_LE | BLS12_381_BE) {
            return Err(SyscallError::InvalidAttribute);
        }
        charge(context, Bls12381Costs::default().pairing_cost(num_pairs))?;
        let memory = context.memory();
        let g1_points: Vec<PodG1Point> = memory
            .slice(g1_points, num_pairs, size_of::<PodG1Point>() as u64, 1)?
            .chunks_exact(size_of::<PodG1Point>())
            .map(bytemuck::pod_read_unaligned)
            .collect();
        let g2_points: Vec<PodG2Point> = memory
            .slice(g2_points, num_pairs, size_of::<PodG2Point>() as u64, 1)?
            .chunks_exact(size_of::<PodG2Point>())
            .map(bytemuck::pod_read_unaligned)
            .collect();
        let value = bls::bls12_381_pairing_map(
            Version::V0,
            &g1_points,
            &g2_points,
            endianness(curve_id, BLS12_381_LE),
        );
        finish(context, result, value)
    }
}
