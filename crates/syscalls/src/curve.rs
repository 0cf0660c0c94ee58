//! Host-side math for the curve25519 syscalls, matching Agave's `SyscallCurvePointValidation`,
//! `SyscallCurveGroupOps` and `SyscallCurveMultiscalarMultiplication` (`syscalls/src/lib.rs`)
//! together with `solana-curve25519` (`edwards.rs`, `ristretto.rs`, `scalar.rs`).
//!
//! This module does no memory translation and no charging. The caller (the VM side) does
//! those, in the order below. "Abort" means the syscall returns an error and the program
//! stops; any translation failure (access violation etc.) and any failed charge
//! (`ComputationalBudgetExceeded`) abort too. Points and scalars are plain 32-byte arrays
//! (alignment 1), so alignment checks never fail for them.
//!
//! # Encodings and validity
//! - Edwards point: compressed Edwards-Y; valid iff `CompressedEdwardsY::decompress()` is
//!   `Some` (non-canonical y and "negative zero" x are accepted).
//! - Ristretto point: valid iff `CompressedRistretto::decompress()` is `Some` (canonical
//!   encodings only).
//! - Scalar: little-endian, must be canonical (`Scalar::from_canonical_bytes`, i.e. < ℓ);
//!   otherwise the operation fails and the syscall returns 1.
//! - Results are always written in canonical compressed form.
//!
//! # `sol_curve_validate_point(r1 = curve_id, r2 = point_addr)`
//! r3–r5 are ignored (the SDK passes a result pointer in r3; it is never written).
//! 1. BLS12-381 G1/G2 curve ids while `enable_bls12_381_syscall` is inactive → abort
//!    `InvalidAttribute` (that feature is active on mainnet).
//! 2. Match `curve_id`:
//!    - Edwards / Ristretto: charge [`CurveCosts::validate_cost`] (159 / 169) → translate 32
//!      bytes at `point_addr` (Load) → return 0 if [`validate_point`] is true, else 1.
//!    - BLS12-381 G1/G2 ids: not this module's ([`crate::bls12_381`]; see
//!      [`is_bls12_381_curve_id`]).
//!    - Anything else: no charge, no translation; `abort_on_invalid_curve` active → abort
//!      `SyscallError::InvalidAttribute`, inactive → return 1.
//!
//! # `sol_curve_group_op(r1 = curve_id, r2 = group_op, r3 = left_addr, r4 = right_addr, r5 = result_addr)`
//! 1. The same BLS12-381 feature check as above.
//! 2. Match `curve_id`, then `group_op`. Only once *both* are known-valid:
//!    charge [`CurveCosts::group_op_cost`] → translate 32 bytes at `left_addr` (Load) →
//!    translate 32 bytes at `right_addr` (Load) → compute [`group_op`] →
//!    - success: translate 32 bytes at `result_addr` (Store), write, return 0;
//!    - math failure (invalid point or non-canonical scalar): return 1; `result_addr` is
//!      never translated or written, so a bad result pointer is not an error in that case.
//!
//!    For `MUL` the **left** operand is the scalar and the **right** operand is the point
//!    (scalar translated first). Inputs and output may overlap; the output is written last.
//! 3. Invalid `group_op` on an Edwards/Ristretto curve, or an invalid `curve_id`: no charge,
//!    no translation; `abort_on_invalid_curve` active → abort `InvalidAttribute`, inactive →
//!    return 1. (An invalid op on a BLS12-381 curve aborts `InvalidAttribute` regardless.)
//!
//! # `sol_curve_multiscalar_mul(r1 = curve_id, r2 = scalars_addr, r3 = points_addr, r4 = points_len, r5 = result_addr)`
//! 1. `points_len > 512` ([`MAX_MSM_POINTS`]) → abort `SyscallError::InvalidLength`. This is
//!    the very first check: before the curve id is looked at, before any charge, and not
//!    subject to `abort_on_invalid_curve`.
//! 2. Match `curve_id`:
//!    - Edwards / Ristretto: charge [`CurveCosts::msm_cost`] = base + incremental × (n − 1),
//!      saturating, so n = 0 costs the base → translate `n × 32` bytes of scalars at
//!      `scalars_addr` (Load) → translate `n × 32` bytes of points at `points_addr` (Load)
//!      (for n = 0 both are empty and the addresses are not checked) → compute
//!      [`multiscalar_mul`] → success: translate 32 bytes at `result_addr` (Store), write,
//!      return 0; failure: return 1, nothing written. With n = 0 the result is the identity
//!      and the call succeeds.
//!    - Anything else (BLS12-381 ids included: MSM is curve25519-only): no charge;
//!      `abort_on_invalid_curve` active → abort `InvalidAttribute`, inactive → return 1.

use curve25519_dalek::{
    edwards::{CompressedEdwardsY, EdwardsPoint},
    ristretto::{CompressedRistretto, RistrettoPoint},
    scalar::Scalar,
    traits::VartimeMultiscalarMul,
};
use std::ops::{Add, Mul, Sub};

/// Curve id of Ed25519 points in compressed Edwards-Y form.
pub const CURVE25519_EDWARDS: u64 = 0;
/// Curve id of Ristretto255 points.
pub const CURVE25519_RISTRETTO: u64 = 1;

/// `sol_curve_group_op` id for `left + right`.
pub const ADD: u64 = 0;
/// `sol_curve_group_op` id for `left − right`.
pub const SUB: u64 = 1;
/// `sol_curve_group_op` id for `scalar · point` (scalar on the left, point on the right).
pub const MUL: u64 = 2;

/// Largest `points_len` `sol_curve_multiscalar_mul` accepts.
pub const MAX_MSM_POINTS: u64 = 512;

// BLS12-381 curve ids (SIMD-0388). Agave's validate and group-op syscalls accept the G1/G2
// ids too; the `0x80` bit selects big-endian encodings. [`crate::bls12_381`] implements them.
/// BLS12-381 pairing (`sol_curve_pairing_map`), little-endian.
pub const BLS12_381_LE: u64 = 4;
/// BLS12-381 pairing (`sol_curve_pairing_map`), big-endian.
pub const BLS12_381_BE: u64 = 4 | 0x80;
/// BLS12-381 G1 (96-byte affine points), little-endian.
pub const BLS12_381_G1_LE: u64 = 5;
/// BLS12-381 G1 (96-byte affine points), big-endian.
pub const BLS12_381_G1_BE: u64 = 5 | 0x80;
/// BLS12-381 G2 (192-byte affine points), little-endian.
pub const BLS12_381_G2_LE: u64 = 6;
/// BLS12-381 G2 (192-byte affine points), big-endian.
pub const BLS12_381_G2_BE: u64 = 6 | 0x80;

/// Whether `curve_id` is a BLS12-381 G1/G2 id, which Agave's validate and group-op syscalls
/// handle (with 96/192-byte points) instead of treating as invalid. A caller that does not
/// support BLS12-381 must decide explicitly what to do with these ids; the functions in this
/// module report them as invalid (`None`).
pub fn is_bls12_381_curve_id(curve_id: u64) -> bool {
    matches!(
        curve_id,
        BLS12_381_G1_LE | BLS12_381_G1_BE | BLS12_381_G2_LE | BLS12_381_G2_BE
    )
}

/// Compute-unit prices for the curve25519 syscalls. Field names follow Agave's
/// `SVMTransactionExecutionCost`; `Default` gives Agave's values, shown in parentheses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CurveCosts {
    /// `sol_curve_validate_point` on an Edwards point (159 CU).
    pub curve25519_edwards_validate_point_cost: u64,
    /// `sol_curve_group_op` adding two Edwards points (473 CU).
    pub curve25519_edwards_add_cost: u64,
    /// `sol_curve_group_op` subtracting two Edwards points (475 CU).
    pub curve25519_edwards_subtract_cost: u64,
    /// `sol_curve_group_op` multiplying an Edwards point by a scalar (2,177 CU).
    pub curve25519_edwards_multiply_cost: u64,
    /// `sol_curve_multiscalar_mul` on Edwards points: the first point, or none (2,273 CU).
    pub curve25519_edwards_msm_base_cost: u64,
    /// `sol_curve_multiscalar_mul` on Edwards points: each point after the first (758 CU).
    pub curve25519_edwards_msm_incremental_cost: u64,
    /// `sol_curve_validate_point` on a Ristretto point (169 CU).
    pub curve25519_ristretto_validate_point_cost: u64,
    /// `sol_curve_group_op` adding two Ristretto points (521 CU).
    pub curve25519_ristretto_add_cost: u64,
    /// `sol_curve_group_op` subtracting two Ristretto points (519 CU).
    pub curve25519_ristretto_subtract_cost: u64,
    /// `sol_curve_group_op` multiplying a Ristretto point by a scalar (2,208 CU).
    pub curve25519_ristretto_multiply_cost: u64,
    /// `sol_curve_multiscalar_mul` on Ristretto points: the first point, or none (2,303 CU).
    pub curve25519_ristretto_msm_base_cost: u64,
    /// `sol_curve_multiscalar_mul` on Ristretto points: each point after the first (788 CU).
    pub curve25519_ristretto_msm_incremental_cost: u64,
}

impl Default for CurveCosts {
    fn default() -> Self {
        Self {
            curve25519_edwards_validate_point_cost: 159,
            curve25519_edwards_add_cost: 473,
            curve25519_edwards_subtract_cost: 475,
            curve25519_edwards_multiply_cost: 2_177,
            curve25519_edwards_msm_base_cost: 2_273,
            curve25519_edwards_msm_incremental_cost: 758,
            curve25519_ristretto_validate_point_cost: 169,
            curve25519_ristretto_add_cost: 521,
            curve25519_ristretto_subtract_cost: 519,
            curve25519_ristretto_multiply_cost: 2_208,
            curve25519_ristretto_msm_base_cost: 2_303,
            curve25519_ristretto_msm_incremental_cost: 788,
        }
    }
}

impl CurveCosts {
    /// Cost of `sol_curve_validate_point`, or `None` for an invalid curve id (no charge).
    pub fn validate_cost(&self, curve_id: u64) -> Option<u64> {
        Some(match Curve::from_id(curve_id)? {
            Curve::Edwards => self.curve25519_edwards_validate_point_cost,
            Curve::Ristretto => self.curve25519_ristretto_validate_point_cost,
        })
    }

    /// Cost of `sol_curve_group_op`, or `None` for an invalid curve or op id (no charge).
    pub fn group_op_cost(&self, curve_id: u64, op: u64) -> Option<u64> {
        let curve = Curve::from_id(curve_id)?;
        let op = GroupOp::from_id(op)?;
        Some(match (curve, op) {
            (Curve::Edwards, GroupOp::Add) => self.curve25519_edwards_add_cost,
            (Curve::Edwards, GroupOp::Sub) => self.curve25519_edwards_subtract_cost,
            (Curve::Edwards, GroupOp::Mul) => self.curve25519_edwards_multiply_cost,
            (Curve::Ristretto, GroupOp::Add) => self.curve25519_ristretto_add_cost,
            (Curve::Ristretto, GroupOp::Sub) => self.curve25519_ristretto_subtract_cost,
            (Curve::Ristretto, GroupOp::Mul) => self.curve25519_ristretto_multiply_cost,
        })
    }

    /// Cost of `sol_curve_multiscalar_mul` with `points_len` points: base + incremental ×
    /// (n − 1), saturating (n = 0 costs the base). `None` for an invalid curve id. The
    /// [`MAX_MSM_POINTS`] check is the caller's and comes before this.
    pub fn msm_cost(&self, curve_id: u64, points_len: u64) -> Option<u64> {
        let (base, incremental) = match Curve::from_id(curve_id)? {
            Curve::Edwards => (
                self.curve25519_edwards_msm_base_cost,
                self.curve25519_edwards_msm_incremental_cost,
            ),
            Curve::Ristretto => (
                self.curve25519_ristretto_msm_base_cost,
                self.curve25519_ristretto_msm_incremental_cost,
            ),
        };
        Some(base.saturating_add(incremental.saturating_mul(points_len.saturating_sub(1))))
    }
}

/// Whether `point` is a valid encoding on `curve_id`; `None` for an invalid curve id.
pub fn validate_point(curve_id: u64, point: &[u8; 32]) -> Option<bool> {
    Some(match Curve::from_id(curve_id)? {
        Curve::Edwards => EdwardsPoint::decode(point).is_some(),
        Curve::Ristretto => RistrettoPoint::decode(point).is_some(),
    })
}

/// Runs `op` on `curve_id`. The outer `None` means an invalid curve or op id; the inner
/// `None` means the math failed (an operand is not a valid point, or for `MUL` the scalar is
/// not canonical), for which the syscall returns 1.
///
/// `ADD`/`SUB`: `left ± right`. `MUL`: `left` is the scalar and `right` the point.
pub fn group_op(
    curve_id: u64,
    op: u64,
    left: &[u8; 32],
    right: &[u8; 32],
) -> Option<Option<[u8; 32]>> {
    let curve = Curve::from_id(curve_id)?;
    let op = GroupOp::from_id(op)?;
    Some(match curve {
        Curve::Edwards => apply_group_op::<EdwardsPoint>(op, left, right),
        Curve::Ristretto => apply_group_op::<RistrettoPoint>(op, left, right),
    })
}

/// Computes Σ scalarsᵢ · pointsᵢ on `curve_id`. The outer `None` means an invalid curve id;
/// the inner `None` means a scalar is non-canonical or a point is invalid (syscall returns
/// 1). Empty input yields the identity. The syscall always passes equally long slices;
/// mismatched lengths are reported as a math failure rather than panicking.
pub fn multiscalar_mul(
    curve_id: u64,
    scalars: &[[u8; 32]],
    points: &[[u8; 32]],
) -> Option<Option<[u8; 32]>> {
    let curve = Curve::from_id(curve_id)?;
    if scalars.len() != points.len() {
        return Some(None);
    }
    Some(match curve {
        Curve::Edwards => apply_msm::<EdwardsPoint>(scalars, points),
        Curve::Ristretto => apply_msm::<RistrettoPoint>(scalars, points),
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Curve {
    Edwards,
    Ristretto,
}

impl Curve {
    fn from_id(curve_id: u64) -> Option<Self> {
        match curve_id {
            CURVE25519_EDWARDS => Some(Self::Edwards),
            CURVE25519_RISTRETTO => Some(Self::Ristretto),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GroupOp {
    Add,
    Sub,
    Mul,
}

impl GroupOp {
    fn from_id(op: u64) -> Option<Self> {
        match op {
            ADD => Some(Self::Add),
            SUB => Some(Self::Sub),
            MUL => Some(Self::Mul),
            _ => None,
        }
    }
}

/// The 32-byte wire encoding of a curve25519 group element.
trait WireEncoding: Sized {
    fn decode(bytes: &[u8; 32]) -> Option<Self>;
    fn encode(&self) -> [u8; 32];
}

impl WireEncoding for EdwardsPoint {
    fn decode(bytes: &[u8; 32]) -> Option<Self> {
        CompressedEdwardsY(*bytes).decompress()
    }

    fn encode(&self) -> [u8; 32] {
        self.compress().to_bytes()
    }
}

impl WireEncoding for RistrettoPoint {
    fn decode(bytes: &[u8; 32]) -> Option<Self> {
        CompressedRistretto(*bytes).decompress()
    }

    fn encode(&self) -> [u8; 32] {
        self.compress().to_bytes()
    }
}

/// `solana-curve25519` only accepts reduced scalars; it never reduces mod ℓ itself.
fn canonical_scalar(bytes: &[u8; 32]) -> Option<Scalar> {
    Scalar::from_canonical_bytes(*bytes).into()
}

fn apply_group_op<P>(op: GroupOp, left: &[u8; 32], right: &[u8; 32]) -> Option<[u8; 32]>
where
    P: WireEncoding + Add<Output = P> + Sub<Output = P> + Mul<Scalar, Output = P>,
{
    let result = match op {
        GroupOp::Add => P::decode(left)? + P::decode(right)?,
        GroupOp::Sub => P::decode(left)? - P::decode(right)?,
        GroupOp::Mul => {
            let scalar = canonical_scalar(left)?;
            P::decode(right)? * scalar
        }
    };
    Some(result.encode())
}

fn apply_msm<P>(scalars: &[[u8; 32]], points: &[[u8; 32]]) -> Option<[u8; 32]>
where
    P: WireEncoding + VartimeMultiscalarMul<Point = P>,
{
    let scalars = scalars
        .iter()
        .map(canonical_scalar)
        .collect::<Option<Vec<_>>>()?;
    P::optional_multiscalar_mul(scalars, points.iter().map(P::decode)).map(|sum| sum.encode())
}

#[cfg(test)]
mod tests {
    use super::*;
    use super::{CURVE25519_EDWARDS as EDWARDS, CURVE25519_RISTRETTO as RISTRETTO};
    use curve25519_dalek::{
        constants::{ED25519_BASEPOINT_POINT, RISTRETTO_BASEPOINT_POINT},
        traits::Identity,
    };

    /// ℓ, the prime order of the curve25519 prime-order subgroup, little-endian.
    const GROUP_ORDER: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];

    /// y has no matching x (from solana-curve25519's tests): invalid on both curves.
    const INVALID_POINT: [u8; 32] = [
        120, 140, 152, 233, 41, 227, 203, 27, 87, 115, 25, 251, 219, 5, 84, 148, 117, 38, 84, 60,
        87, 144, 161, 146, 42, 34, 91, 155, 158, 189, 121, 79,
    ];

    fn scalar(n: u64) -> Scalar {
        Scalar::from(n)
    }

    fn edwards_bytes(n: u64) -> [u8; 32] {
        (ED25519_BASEPOINT_POINT * scalar(n)).compress().to_bytes()
    }

    fn ristretto_bytes(n: u64) -> [u8; 32] {
        (RISTRETTO_BASEPOINT_POINT * scalar(n))
            .compress()
            .to_bytes()
    }

    fn ok(result: Option<Option<[u8; 32]>>) -> [u8; 32] {
        result
            .expect("valid curve and op")
            .expect("operation succeeds")
    }

    fn failed(result: Option<Option<[u8; 32]>>) -> bool {
        matches!(result, Some(None))
    }

    /// `a + b` and `a − b` on `curve_id` are dalek's.
    fn assert_add_and_sub<P>(curve_id: u64, a: P, b: P)
    where
        P: WireEncoding + Add<Output = P> + Sub<Output = P> + Copy,
    {
        let (a_bytes, b_bytes) = (a.encode(), b.encode());
        assert_eq!(
            ok(group_op(curve_id, ADD, &a_bytes, &b_bytes)),
            (a + b).encode()
        );
        assert_eq!(
            ok(group_op(curve_id, SUB, &a_bytes, &b_bytes)),
            (a - b).encode()
        );
    }

    /// Each `(op, left, right)` fails on `curve_id` (the inner `None`).
    fn assert_group_ops_fail(curve_id: u64, cases: &[(u64, [u8; 32], [u8; 32])]) {
        for (op, left, right) in cases {
            assert!(failed(group_op(curve_id, *op, left, right)), "{op}");
        }
    }

    #[test]
    fn ids_and_default_costs() {
        let costs = CurveCosts::default();
        assert_eq!(costs.validate_cost(EDWARDS), Some(159));
        assert_eq!(costs.validate_cost(RISTRETTO), Some(169));
        assert_eq!(costs.validate_cost(2), None);

        let expected = [(EDWARDS, [473, 475, 2_177]), (RISTRETTO, [521, 519, 2_208])];
        for (curve_id, op_costs) in expected {
            for (op, cost) in [ADD, SUB, MUL].into_iter().zip(op_costs) {
                assert_eq!(costs.group_op_cost(curve_id, op), Some(cost));
            }
            assert_eq!(costs.group_op_cost(curve_id, 3), None);
        }
        assert_eq!(costs.group_op_cost(BLS12_381_G1_LE, ADD), None);

        assert_eq!(costs.msm_cost(EDWARDS, 0), Some(2_273));
        assert_eq!(costs.msm_cost(EDWARDS, 1), Some(2_273));
        assert_eq!(costs.msm_cost(EDWARDS, 3), Some(2_273 + 2 * 758));
        assert_eq!(costs.msm_cost(RISTRETTO, 512), Some(2_303 + 511 * 788));
        assert_eq!(costs.msm_cost(7, 1), None);
        assert_eq!(costs.msm_cost(EDWARDS, u64::MAX), Some(u64::MAX));

        assert!(is_bls12_381_curve_id(BLS12_381_G2_BE));
        assert!(!is_bls12_381_curve_id(BLS12_381_LE));
        assert!(!is_bls12_381_curve_id(RISTRETTO));
    }

    #[test]
    fn invalid_ids_are_outer_none() {
        let point = edwards_bytes(1);
        assert_eq!(validate_point(2, &point), None);
        assert_eq!(group_op(2, ADD, &point, &point), None);
        assert_eq!(group_op(EDWARDS, 3, &point, &point), None);
        assert_eq!(group_op(RISTRETTO, u64::MAX, &point, &point), None);
        assert_eq!(multiscalar_mul(BLS12_381_G1_LE, &[], &[]), None);
    }

    #[test]
    fn edwards_validation() {
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let mut negative_zero_identity = identity;
        negative_zero_identity[31] |= 0x80;
        // y = p + 1, a non-canonical encoding of y = 1.
        let mut non_canonical_identity = [0xffu8; 32];
        non_canonical_identity[0] = 0xee;
        non_canonical_identity[31] = 0x7f;

        for valid in [
            edwards_bytes(1),
            edwards_bytes(12345),
            identity,
            negative_zero_identity,
            non_canonical_identity,
        ] {
            assert_eq!(validate_point(EDWARDS, &valid), Some(true));
        }
        assert_eq!(validate_point(EDWARDS, &INVALID_POINT), Some(false));
    }

    #[test]
    fn edwards_ops_match_dalek() {
        let a = ED25519_BASEPOINT_POINT * scalar(7);
        let b = ED25519_BASEPOINT_POINT * scalar(11);
        let b_bytes = b.compress().to_bytes();

        assert_add_and_sub(EDWARDS, a, b);
        let k = Scalar::from_bytes_mod_order([42u8; 32]);
        assert_eq!(
            ok(group_op(EDWARDS, MUL, &k.to_bytes(), &b_bytes)),
            (k * b).compress().to_bytes()
        );
        // Operand order for MUL: scalar on the left, point on the right.
        assert_eq!(
            ok(group_op(
                EDWARDS,
                MUL,
                &scalar(3).to_bytes(),
                &edwards_bytes(5)
            )),
            edwards_bytes(15)
        );
    }

    #[test]
    fn edwards_identity_handling() {
        let identity = EdwardsPoint::identity().compress().to_bytes();
        let point = edwards_bytes(9);
        assert_eq!(ok(group_op(EDWARDS, ADD, &point, &identity)), point);
        assert_eq!(ok(group_op(EDWARDS, SUB, &point, &identity)), point);
        assert_eq!(ok(group_op(EDWARDS, SUB, &point, &point)), identity);
        assert_eq!(
            ok(group_op(EDWARDS, SUB, &identity, &edwards_bytes(1))),
            (-ED25519_BASEPOINT_POINT).compress().to_bytes()
        );
        // Scalar zero and the identity point both give the identity, successfully.
        assert_eq!(ok(group_op(EDWARDS, MUL, &[0; 32], &point)), identity);
        assert_eq!(
            ok(group_op(EDWARDS, MUL, &scalar(5).to_bytes(), &identity)),
            identity
        );

        // A non-canonical encoding of the identity works as input; output is canonical.
        let mut non_canonical_identity = [0xffu8; 32];
        non_canonical_identity[0] = 0xee;
        non_canonical_identity[31] = 0x7f;
        assert_eq!(
            ok(group_op(EDWARDS, ADD, &non_canonical_identity, &point)),
            point
        );
    }

    #[test]
    fn edwards_small_order_points_are_accepted() {
        // Order-2 point (0, −1): y = p − 1. No subgroup check is made.
        let mut minus_one = [0xffu8; 32];
        minus_one[0] = 0xec;
        minus_one[31] = 0x7f;
        assert_eq!(validate_point(EDWARDS, &minus_one), Some(true));
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert_eq!(ok(group_op(EDWARDS, ADD, &minus_one, &minus_one)), identity);
    }

    #[test]
    fn edwards_failures_are_inner_none() {
        let point = edwards_bytes(3);
        assert_group_ops_fail(
            EDWARDS,
            &[
                (ADD, INVALID_POINT, point),
                (SUB, point, INVALID_POINT),
                (MUL, scalar(2).to_bytes(), INVALID_POINT),
            ],
        );
    }

    #[test]
    fn non_canonical_scalars_fail() {
        let mut order_minus_one = GROUP_ORDER;
        order_minus_one[0] -= 1;
        let point = edwards_bytes(1);
        let ristretto_point = ristretto_bytes(1);

        for curve_id in [EDWARDS, RISTRETTO] {
            let point = if curve_id == EDWARDS {
                &point
            } else {
                &ristretto_point
            };
            assert!(ok(group_op(curve_id, MUL, &order_minus_one, point)) != [0; 32]);
            assert!(failed(group_op(curve_id, MUL, &GROUP_ORDER, point)));
            assert!(failed(group_op(curve_id, MUL, &[0xff; 32], point)));
            assert!(failed(multiscalar_mul(curve_id, &[GROUP_ORDER], &[*point])));
        }
        // (ℓ − 1)·B = −B.
        assert_eq!(
            ok(group_op(EDWARDS, MUL, &order_minus_one, &point)),
            (-ED25519_BASEPOINT_POINT).compress().to_bytes()
        );
    }

    #[test]
    fn ristretto_validation_and_ops() {
        let a = RISTRETTO_BASEPOINT_POINT * scalar(21);
        let b = RISTRETTO_BASEPOINT_POINT * scalar(4);
        let (a_bytes, b_bytes) = (a.compress().to_bytes(), b.compress().to_bytes());
        let identity = RistrettoPoint::identity().compress().to_bytes();
        assert_eq!(identity, [0; 32]);

        assert_eq!(validate_point(RISTRETTO, &a_bytes), Some(true));
        assert_eq!(validate_point(RISTRETTO, &identity), Some(true));
        assert_eq!(validate_point(RISTRETTO, &INVALID_POINT), Some(false));
        // Ristretto decoding is strict: a negative field element (odd s) is rejected.
        let mut odd = [0u8; 32];
        odd[0] = 1;
        assert_eq!(validate_point(RISTRETTO, &odd), Some(false));

        assert_add_and_sub(RISTRETTO, a, b);
        assert_eq!(
            ok(group_op(RISTRETTO, MUL, &scalar(3).to_bytes(), &b_bytes)),
            ristretto_bytes(12)
        );
        assert_eq!(ok(group_op(RISTRETTO, ADD, &a_bytes, &identity)), a_bytes);
        assert_eq!(ok(group_op(RISTRETTO, SUB, &a_bytes, &a_bytes)), identity);
        let cases = [
            (ADD, INVALID_POINT, a_bytes),
            (MUL, scalar(2).to_bytes(), odd),
        ];
        assert_group_ops_fail(RISTRETTO, &cases);
    }

    #[test]
    fn msm_equals_sum_of_muls() {
        for curve_id in [EDWARDS, RISTRETTO] {
            let point_bytes = |n| {
                if curve_id == EDWARDS {
                    edwards_bytes(n)
                } else {
                    ristretto_bytes(n)
                }
            };
            let scalars: Vec<[u8; 32]> = (0..5u8)
                .map(|i| Scalar::from_bytes_mod_order([i.wrapping_mul(37) ^ 0x5a; 32]).to_bytes())
                .collect();
            let points: Vec<[u8; 32]> = (0..5).map(|i| point_bytes(1000 + i)).collect();

            // One point: same as MUL.
            assert_eq!(
                ok(multiscalar_mul(curve_id, &scalars[..1], &points[..1])),
                ok(group_op(curve_id, MUL, &scalars[0], &points[0]))
            );

            // Several points: same as adding the individual products.
            let mut expected = ok(group_op(curve_id, MUL, &scalars[0], &points[0]));
            for (scalar, point) in scalars.iter().zip(&points).skip(1) {
                let product = ok(group_op(curve_id, MUL, scalar, point));
                expected = ok(group_op(curve_id, ADD, &expected, &product));
            }
            assert_eq!(ok(multiscalar_mul(curve_id, &scalars, &points)), expected);

            // Any invalid point or non-canonical scalar fails the whole call.
            let mut bad_points = points.clone();
            bad_points[3] = INVALID_POINT;
            assert!(failed(multiscalar_mul(curve_id, &scalars, &bad_points)));
            let mut bad_scalars = scalars.clone();
            bad_scalars[4] = GROUP_ORDER;
            assert!(failed(multiscalar_mul(curve_id, &bad_scalars, &points)));

            // Mismatched lengths cannot come from the syscall; they fail instead of panicking.
            assert!(failed(multiscalar_mul(curve_id, &scalars[..2], &points)));
        }
    }

    #[test]
    fn msm_of_nothing_is_the_identity() {
        assert_eq!(
            ok(multiscalar_mul(EDWARDS, &[], &[])),
            EdwardsPoint::identity().compress().to_bytes()
        );
        assert_eq!(ok(multiscalar_mul(RISTRETTO, &[], &[])), [0; 32]);
    }

    #[test]
    fn msm_matches_dalek_directly() {
        let scalars: Vec<Scalar> = (1..=40u64).map(|i| scalar(i * i + 3)).collect();
        let points: Vec<EdwardsPoint> = (1..=40u64)
            .map(|i| ED25519_BASEPOINT_POINT * scalar(i * 7919))
            .collect();
        let expected = EdwardsPoint::vartime_multiscalar_mul(&scalars, &points);
        let scalar_bytes: Vec<[u8; 32]> = scalars.iter().map(Scalar::to_bytes).collect();
        let point_bytes: Vec<[u8; 32]> = points.iter().map(|p| p.compress().to_bytes()).collect();
        assert_eq!(
            ok(multiscalar_mul(EDWARDS, &scalar_bytes, &point_bytes)),
            expected.compress().to_bytes()
        );
    }
}
