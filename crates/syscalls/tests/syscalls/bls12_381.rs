//! BLS12-381 in the curve syscalls (SIMD-0388, `solana-syscalls 4.4.0, src/lib.rs`): known
//! answers of validate, group ops, decompress and the pairing map, their compute units,
//! failures (return 1) and aborts, and the `enable_bls12_381_syscall` gate.

use sbfvm_runtime::features::ids;
use sbfvm_runtime::FeatureSet;
use sbfvm_syscalls::bls12_381::{CurveDecompress, CurvePairingMap};
use sbfvm_syscalls::curve_syscalls::{CurveGroupOp, CurveMultiscalarMul, CurveValidatePoint};
use sbfvm_vm::SyscallError;

use crate::alt_bn128::hex;
use crate::bls12_381_vectors::*;
use crate::common::{Fixture, Guest, HEAP, STACK};

const PAIRING_LE: u64 = 4;
const PAIRING_BE: u64 = 4 | 0x80;
const G1_LE: u64 = 5;
const G1_BE: u64 = 5 | 0x80;
const G2_BE: u64 = 6 | 0x80;
const ADD: u64 = 0;
const SUB: u64 = 1;
const MUL: u64 = 2;

/// `sol_curve_group_op(curve, op, HEAP, HEAP + left.len(), STACK)`.
fn group_op(
    f: &mut Fixture,
    curve: u64,
    op: u64,
    left: &[u8],
    right: &[u8],
) -> (Result<u64, SyscallError>, u64) {
    f.write(HEAP, left);
    f.write(HEAP + left.len() as u64, right);
    f.call::<CurveGroupOp>([curve, op, HEAP, HEAP + left.len() as u64, STACK])
}

#[test]
fn validation() {
    let mut f = Fixture::new();
    f.write(HEAP, &hex(INPUT_BE_G1_VALIDATE_RANDOM_VALID));
    let (result, cu) = f.call::<CurveValidatePoint>([G1_BE, HEAP, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 1_565));
    f.write(HEAP, &hex(INPUT_BE_G1_VALIDATE_NOT_ON_CURVE_INVALID));
    let (result, cu) = f.call::<CurveValidatePoint>([G1_BE, HEAP, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(1), 1_565));
    f.write(HEAP, &hex(INPUT_BE_G2_VALIDATE_RANDOM_VALID));
    let (result, cu) = f.call::<CurveValidatePoint>([G2_BE, HEAP, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 1_968));
}

#[test]
fn group_ops_known_answers_and_costs() {
    let mut f = Fixture::new();
    let cases: [(u64, u64, &str, usize, &str, u64); 6] = [
        (
            G1_BE,
            ADD,
            INPUT_BE_G1_ADD_RANDOM,
            96,
            OUTPUT_BE_G1_ADD_RANDOM,
            128,
        ),
        (
            G1_LE,
            ADD,
            INPUT_LE_G1_ADD_RANDOM,
            96,
            OUTPUT_LE_G1_ADD_RANDOM,
            128,
        ),
        (
            G1_BE,
            SUB,
            INPUT_BE_G1_SUB_RANDOM,
            96,
            OUTPUT_BE_G1_SUB_RANDOM,
            129,
        ),
        (
            G2_BE,
            ADD,
            INPUT_BE_G2_ADD_RANDOM,
            192,
            OUTPUT_BE_G2_ADD_RANDOM,
            203,
        ),
        (
            G2_BE,
            SUB,
            INPUT_BE_G2_SUB_RANDOM,
            192,
            OUTPUT_BE_G2_SUB_RANDOM,
            204,
        ),
        (
            G1_BE,
            MUL,
            INPUT_BE_G1_MUL_RANDOM,
            96,
            OUTPUT_BE_G1_MUL_RANDOM,
            4_627,
        ),
    ];
    for (curve, op, input, split, output, cost) in cases {
        let input = hex(input);
        let (first, second) = input.split_at(split);
        // For MUL the scalar is the left operand, the point the right one.
        let (left, right) = if op == MUL {
            (second, first)
        } else {
            (first, second)
        };
        let (result, cu) = group_op(&mut f, curve, op, left, right);
        assert_eq!((result, cu), (Ok(0), cost), "curve {curve:#x} op {op}");
        let output = hex(output);
        assert_eq!(
            f.read(STACK, output.len()),
            output,
            "curve {curve:#x} op {op}"
        );
    }
    let input = hex(INPUT_BE_G2_MUL_RANDOM);
    let (point, scalar) = input.split_at(192);
    let (result, cu) = group_op(&mut f, G2_BE, MUL, scalar, point);
    assert_eq!((result, cu), (Ok(0), 8_255));
    assert_eq!(f.read(STACK, 192), hex(OUTPUT_BE_G2_MUL_RANDOM));
}

#[test]
fn group_op_failures_and_aborts() {
    let mut f = Fixture::new();
    let valid = hex(INPUT_BE_G1_VALIDATE_RANDOM_VALID);
    let off_curve = hex(INPUT_BE_G1_VALIDATE_NOT_ON_CURVE_INVALID);
    f.write(STACK, &[0xaa; 96]);
    // A point off the curve: charged, returns 1, nothing written.
    let (result, cu) = group_op(&mut f, G1_BE, ADD, &valid, &off_curve);
    assert_eq!((result, cu), (Ok(1), 128));
    assert_eq!(f.read(STACK, 96), vec![0xaa; 96]);
    // A non-canonical scalar (all ones ≥ r): 1.
    let (result, cu) = group_op(&mut f, G1_BE, MUL, &[0xff; 32], &valid);
    assert_eq!((result, cu), (Ok(1), 4_627));
    // An unknown op on a BLS12-381 curve aborts, no charge, whatever abort_on_invalid_curve.
    let mut features = FeatureSet::mainnet();
    features.deactivate(&ids::ABORT_ON_INVALID_CURVE);
    let mut f = Fixture::new().with_features(features);
    let (result, cu) = group_op(&mut f, G1_BE, 3, &valid, &valid);
    assert_eq!((result, cu), (Err(SyscallError::InvalidAttribute), 0));
    // MSM has no BLS12-381 path: an invalid curve (returns 1 without SIMD-0137).
    let (result, cu) = f.call::<CurveMultiscalarMul>([G1_BE, HEAP, HEAP, 1, STACK]);
    assert_eq!((result, cu), (Ok(1), 0));
}

#[test]
fn decompression() {
    let mut f = Fixture::new();
    f.write(HEAP, &hex(INPUT_BE_G1_DECOMPRESS_RANDOM));
    let (result, cu) = f.call::<CurveDecompress>([G1_BE, HEAP, STACK, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 2_100));
    assert_eq!(f.read(STACK, 96), hex(OUTPUT_BE_G1_DECOMPRESS_RANDOM));
    f.write(HEAP, &hex(INPUT_LE_G1_DECOMPRESS_RANDOM));
    let (result, _) = f.call::<CurveDecompress>([G1_LE, HEAP, STACK, 0, 0]);
    assert_eq!(result, Ok(0));
    assert_eq!(f.read(STACK, 96), hex(OUTPUT_LE_G1_DECOMPRESS_RANDOM));
    f.write(HEAP, &hex(INPUT_BE_G2_DECOMPRESS_RANDOM));
    let (result, cu) = f.call::<CurveDecompress>([G2_BE, HEAP, STACK, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 3_050));
    assert_eq!(f.read(STACK, 192), hex(OUTPUT_BE_G2_DECOMPRESS_RANDOM));
    // Not on the curve: charged, 1, and the result pointer is not even translated.
    f.write(HEAP, &hex(INPUT_BE_G1_DECOMPRESS_RANDOM_INVALID_CURVE));
    let (result, cu) = f.call::<CurveDecompress>([G1_BE, HEAP, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(1), 2_100));
    // Only G1 and G2 ids: anything else aborts before any charge.
    for curve in [0, 1, PAIRING_BE, 7] {
        let (result, cu) = f.call::<CurveDecompress>([curve, HEAP, STACK, 0, 0]);
        assert_eq!((result, cu), (Err(SyscallError::InvalidAttribute), 0));
    }
}

#[test]
fn pairing_map() {
    let mut f = Fixture::new();
    let input = hex(INPUT_BE_PAIRING_ONE_PAIR);
    f.write(HEAP, &input);
    let (result, cu) = f.call::<CurvePairingMap>([PAIRING_BE, 1, HEAP, HEAP + 96, STACK]);
    assert_eq!((result, cu), (Ok(0), 25_445));
    assert_eq!(f.read(STACK, 576), hex(OUTPUT_BE_PAIRING_ONE_PAIR));

    let input = hex(INPUT_BE_PAIRING_BILINEARITY_IDENTITY);
    f.write(HEAP, &input);
    let (result, cu) = f.call::<CurvePairingMap>([PAIRING_BE, 2, HEAP, HEAP + 192, STACK]);
    assert_eq!((result, cu), (Ok(0), 25_445 + 13_023));
    assert_eq!(
        f.read(STACK, 576),
        hex(OUTPUT_BE_PAIRING_BILINEARITY_IDENTITY)
    );

    // No pairs: the identity, the first pair's price, no pointer translated but the result.
    let (result, cu) = f.call::<CurvePairingMap>([PAIRING_LE, 0, 0, 0, STACK]);
    assert_eq!((result, cu), (Ok(0), 25_445));
    let mut identity = vec![0; 576];
    identity[0] = 1;
    assert_eq!(f.read(STACK, 576), identity);

    // More than 8 pairs fails, after the charge.
    f.write(HEAP, &[0; 9 * 288]);
    let (result, cu) = f.call::<CurvePairingMap>([PAIRING_BE, 9, HEAP, HEAP + 9 * 96, STACK]);
    assert_eq!((result, cu), (Ok(1), 25_445 + 8 * 13_023));
    // Only the pairing ids.
    let (result, cu) = f.call::<CurvePairingMap>([G1_BE, 1, HEAP, HEAP, STACK]);
    assert_eq!((result, cu), (Err(SyscallError::InvalidAttribute), 0));
}

#[test]
fn gated_by_enable_bls12_381_syscall() {
    let mut features = FeatureSet::mainnet();
    features.deactivate(&ids::ENABLE_BLS12_381_SYSCALL);
    let mut f = Fixture::new().with_features(features);
    f.write(HEAP, &hex(INPUT_BE_G1_VALIDATE_RANDOM_VALID));
    let (result, cu) = f.call::<CurveValidatePoint>([G1_BE, HEAP, 0, 0, 0]);
    assert_eq!((result, cu), (Err(SyscallError::InvalidAttribute), 0));
    let (result, cu) = f.call::<CurveGroupOp>([G2_BE, ADD, HEAP, HEAP, STACK]);
    assert_eq!((result, cu), (Err(SyscallError::InvalidAttribute), 0));
    assert_eq!(
        sbfvm_syscalls::syscall_registered(&f.invoke_context.features, "sol_curve_decompress"),
        Some(false)
    );
}
