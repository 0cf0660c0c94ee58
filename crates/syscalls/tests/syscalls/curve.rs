//! The curve25519 syscalls.

use sbfvm_syscalls::curve_syscalls;
use sbfvm_vm::SyscallError;

use crate::common::{Fixture, Guest, HEAP, STACK};

#[test]
fn curve_syscalls_charge_their_constants() {
    let mut f = Fixture::new();
    let basepoint = curve25519_dalek::constants::ED25519_BASEPOINT_COMPRESSED.to_bytes();
    let ristretto = curve25519_dalek::constants::RISTRETTO_BASEPOINT_COMPRESSED.to_bytes();
    f.write(HEAP, &basepoint);
    f.write(HEAP + 32, &ristretto);
    let (result, cu) = f.call::<curve_syscalls::CurveValidatePoint>([0, HEAP, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 159));
    let (result, cu) = f.call::<curve_syscalls::CurveValidatePoint>([1, HEAP + 32, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 169));
    let (result, cu) = f.call::<curve_syscalls::CurveGroupOp>([0, 0, HEAP, HEAP, STACK]);
    assert_eq!((result, cu), (Ok(0), 473));
    let (result, cu) = f.call::<curve_syscalls::CurveGroupOp>([1, 1, HEAP + 32, HEAP + 32, STACK]);
    assert_eq!((result, cu), (Ok(0), 519));
    // Invalid curve with abort_on_invalid_curve active (mainnet): no charge.
    let (result, cu) = f.call::<curve_syscalls::CurveValidatePoint>([2, HEAP, 0, 0, 0]);
    assert_eq!((result, cu), (Err(SyscallError::InvalidAttribute), 0));
    // MSM: the length check precedes everything.
    let (result, cu) = f.call::<curve_syscalls::CurveMultiscalarMul>([7, 0, 0, 513, 0]);
    assert_eq!((result, cu), (Err(SyscallError::InvalidLength), 0));
    let (result, cu) = f.call::<curve_syscalls::CurveMultiscalarMul>([0, 0xdead, 0xbeef, 0, STACK]);
    assert_eq!((result, cu), (Ok(0), 2_273));
    f.write(HEAP + 64, &[0; 32]);
    f.write(HEAP + 96, &[0; 32]);
    f.write(HEAP + 64, &[1]);
    f.write(HEAP + 128, &basepoint);
    f.write(HEAP + 160, &basepoint);
    let (result, cu) =
        f.call::<curve_syscalls::CurveMultiscalarMul>([0, HEAP + 64, HEAP + 128, 2, STACK]);
    assert_eq!((result, cu), (Ok(0), 2_273 + 758));
    assert_eq!(f.read(STACK, 32), basepoint.to_vec(), "1·B + 0·B");
}
