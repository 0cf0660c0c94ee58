//! The curve syscalls `sol_curve_validate_point`, `sol_curve_group_op` and
//! `sol_curve_multiscalar_mul` (`solana-syscalls 4.4.0, src/lib.rs`): curve25519 contracts in
//! [`crate::curve`]'s module docs, the BLS12-381 G1/G2 ids (SIMD-0388) in
//! [`crate::bls12_381`]'s. `sol_curve_decompress` and `sol_curve_pairing_map` are
//! BLS12-381-only and live there.

use sbfvm_vm::{Syscall, SyscallError, SyscallResult, VmContext};

use crate::bls12_381;
use crate::curve::{self, is_bls12_381_curve_id, CurveCosts, MAX_MSM_POINTS};
use crate::meter::charge;

fn invalid_curve(context: &VmContext) -> Result<u64, SyscallError> {
    if context.invoke_context().features.abort_on_invalid_curve() {
        Err(SyscallError::InvalidAttribute)
    } else {
        Ok(1)
    }
}

/// Agave 4.4's first check in validate and group op: a BLS12-381 G1/G2 id while
/// `enable_bls12_381_syscall` is inactive aborts `InvalidAttribute`, before any charge.
fn check_bls12_381_enabled(context: &VmContext, curve_id: u64) -> Result<(), SyscallError> {
    if is_bls12_381_curve_id(curve_id)
        && !context.invoke_context().features.enable_bls12_381_syscall()
    {
        return Err(SyscallError::InvalidAttribute);
    }
    Ok(())
}

fn read_point(context: &VmContext, addr: u64) -> Result<[u8; 32], SyscallError> {
    context.memory().read::<32>(addr, 1)
}

/// `sol_curve_validate_point(curve_id, point)`, contracts in [`crate::curve`]'s and
/// [`crate::bls12_381`]'s module docs.
pub struct CurveValidatePoint;
impl Syscall for CurveValidatePoint {
    type Arguments = [u64; 2];
    fn call(context: &mut VmContext, [curve_id, point]: [u64; 2]) -> SyscallResult {
        check_bls12_381_enabled(context, curve_id)?;
        if let Some(result) = bls12_381::validate_point(context, curve_id, point) {
            return result;
        }
        let Some(cost) = CurveCosts::default().validate_cost(curve_id) else {
            return invalid_curve(context);
        };
        charge(context, cost)?;
        let point = read_point(context, point)?;
        Ok(match curve::validate_point(curve_id, &point) {
            Some(true) => 0,
            _ => 1,
        })
    }
}

/// `sol_curve_group_op(curve_id, op, left, right, result)`, contracts in [`crate::curve`]'s
/// and [`crate::bls12_381`]'s module docs.
pub struct CurveGroupOp;
impl Syscall for CurveGroupOp {
    type Arguments = [u64; 5];
    fn call(context: &mut VmContext, registers: [u64; 5]) -> SyscallResult {
        let [curve_id, op, left, right, result] = registers;
        check_bls12_381_enabled(context, curve_id)?;
        if let Some(result) = bls12_381::group_op(context, registers) {
            return result;
        }
        let Some(cost) = CurveCosts::default().group_op_cost(curve_id, op) else {
            return invalid_curve(context);
        };
        charge(context, cost)?;
        let left = read_point(context, left)?;
        let right = read_point(context, right)?;
        match curve::group_op(curve_id, op, &left, &right) {
            Some(Some(point)) => {
                context.memory().output(result, 32, 1, 1)?.write(&point);
                Ok(0)
            }
            _ => Ok(1),
        }
    }
}

/// `sol_curve_multiscalar_mul(curve_id, scalars, points, n, result)`, contract in
/// [`crate::curve`]'s module docs (BLS12-381 ids are invalid curve ids here).
pub struct CurveMultiscalarMul;
impl Syscall for CurveMultiscalarMul {
    type Arguments = [u64; 5];
    fn call(context: &mut VmContext, registers: [u64; 5]) -> SyscallResult {
        let [curve_id, scalars, points, n, result] = registers;
        if n > MAX_MSM_POINTS {
            return Err(SyscallError::InvalidLength);
        }
        let Some(cost) = CurveCosts::default().msm_cost(curve_id, n) else {
            return invalid_curve(context);
        };
        charge(context, cost)?;
        let memory = context.memory();
        let to_arrays = |bytes: &[u8]| -> Vec<[u8; 32]> {
            bytes
                .chunks_exact(32)
                .map(|chunk| chunk.try_into().expect("32 bytes"))
                .collect()
        };
        let scalars = to_arrays(memory.slice(scalars, n, 32, 1)?);
        let points = to_arrays(memory.slice(points, n, 32, 1)?);
        match curve::multiscalar_mul(curve_id, &scalars, &points) {
            Some(Some(point)) => {
                memory.output(result, 32, 1, 1)?.write(&point);
                Ok(0)
            }
            _ => Ok(1),
        }
    }
}
