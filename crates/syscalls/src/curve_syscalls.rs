//! The curve25519 syscalls; their full contracts are in [`crate::curve`]'s module docs.
//! BLS12-381 curve ids (active on mainnet) fail loudly: sbfvm does not implement them.

use sbfvm_vm::{Syscall, SyscallError, SyscallResult, VmContext};

use crate::curve::{self, is_bls12_381_curve_id, CurveCosts, MAX_MSM_POINTS};
use crate::meter::charge;

fn invalid_curve(context: &VmContext) -> Result<u64, SyscallError> {
    if context.invoke_context().features.abort_on_invalid_curve() {
        Err(SyscallError::InvalidAttribute)
    } else {
        Ok(1)
    }
}

fn bls_not_implemented(
    context: &VmContext,
    curve_id: u64,
    name: &'static str,
) -> Option<SyscallError> {
    if !is_bls12_381_curve_id(curve_id) {
        return None;
    }
    Some(
        if context.invoke_context().features.enable_bls12_381_syscall() {
            SyscallError::NotImplemented(name)
        } else {
            SyscallError::InvalidAttribute
        },
    )
}

fn read_point(context: &VmContext, addr: u64) -> Result<[u8; 32], SyscallError> {
    context.memory().read::<32>(addr, 1)
}

/// `sol_curve_validate_point(curve_id, point)`, contract in [`crate::curve`]'s module docs.
/// BLS12-381 G1/G2 ids fail with `NotImplemented` (`InvalidAttribute` while
/// `enable_bls12_381_syscall` is inactive), before any charge.
pub struct CurveValidatePoint;
impl Syscall for CurveValidatePoint {
    type Arguments = [u64; 2];
    fn call(context: &mut VmContext, [curve_id, point]: [u64; 2]) -> SyscallResult {
        if let Some(error) =
            bls_not_implemented(context, curve_id, "sol_curve_validate_point (BLS12-381)")
        {
            return Err(error);
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

/// `sol_curve_group_op(curve_id, op, left, right, result)`, contract in [`crate::curve`]'s
/// module docs.
/// BLS12-381 G1/G2 ids fail with `NotImplemented` (`InvalidAttribute` while
/// `enable_bls12_381_syscall` is inactive), before any charge.
pub struct CurveGroupOp;
impl Syscall for CurveGroupOp {
    type Arguments = [u64; 5];
    fn call(context: &mut VmContext, registers: [u64; 5]) -> SyscallResult {
        let [curve_id, op, left, right, result] = registers;
        if let Some(error) =
            bls_not_implemented(context, curve_id, "sol_curve_group_op (BLS12-381)")
        {
            return Err(error);
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
