//! `sol_alt_bn128_group_op` and `sol_alt_bn128_compression` (`solana-syscalls 4.4.0,
//! src/lib.rs`): known answers, both error-code regimes (SIMD-0129), the compute units of
//! every op, the feature-gated ops and the older input-length rules.

use sbfvm_runtime::features::ids;
use sbfvm_runtime::{FeatureSet, Pubkey};
use sbfvm_syscalls::alt_bn128::{AltBn128Compression, AltBn128GroupOp};
use sbfvm_vm::SyscallError;

use crate::common::{Fixture, Guest, HEAP, STACK, UNMAPPED};

/// Bytes of a hex string (test vectors).
pub(crate) fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|at| u8::from_str_radix(&text[at..at + 2], 16).unwrap())
        .collect()
}

/// The G1 generator (1, 2), big-endian (EIP-196).
fn g1() -> Vec<u8> {
    let mut point = vec![0; 64];
    point[31] = 1;
    point[63] = 2;
    point
}

/// −G1 = (1, p − 2).
fn minus_g1() -> Vec<u8> {
    let mut point = g1();
    point[32..].copy_from_slice(&hex(
        "30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd45",
    ));
    point
}

/// 2·G1, the known answer of EIP-196's `ecadd(G, G)`.
fn two_g1() -> Vec<u8> {
    hex(concat!(
        "030644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd3",
        "15ed738c0e0a7c92e7845f96b2ae9c0a68a6a449e3538fc7ff3ebf7a5a18a2c4"
    ))
}

/// The G2 generator in EIP-197 order (x_im, x_re, y_im, y_re), big-endian.
fn g2() -> Vec<u8> {
    hex(concat!(
        "198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2",
        "1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed",
        "090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b",
        "12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa"
    ))
}

/// (1, 3): both coordinates in the field, not on the curve.
fn off_curve_g1() -> Vec<u8> {
    let mut point = g1();
    point[63] = 3;
    point
}

fn scalar(n: u8) -> Vec<u8> {
    let mut bytes = vec![0; 32];
    bytes[31] = n;
    bytes
}

/// Big-endian to little-endian, reversing each `chunk`-byte field element.
fn le(bytes: &[u8], chunk: usize) -> Vec<u8> {
    bytes
        .chunks(chunk)
        .flat_map(|c| c.iter().rev().copied())
        .collect()
}

fn mainnet_without(feature: &Pubkey) -> FeatureSet {
    let mut features = FeatureSet::mainnet();
    features.deactivate(feature);
    features
}

/// Runs `op` on `input` (written at HEAP), the result at STACK.
fn group_op(f: &mut Fixture, op: u64, input: &[u8]) -> (Result<u64, SyscallError>, u64) {
    f.write(HEAP, input);
    f.call::<AltBn128GroupOp>([op, HEAP, input.len() as u64, STACK, 0])
}

fn compression(f: &mut Fixture, op: u64, input: &[u8]) -> (Result<u64, SyscallError>, u64) {
    f.write(HEAP, input);
    f.call::<AltBn128Compression>([op, HEAP, input.len() as u64, STACK, 0])
}

#[test]
fn g1_addition_and_multiplication_known_answers() {
    let mut f = Fixture::new();
    let (result, cu) = group_op(&mut f, 0, &[g1(), g1()].concat());
    assert_eq!((result, cu), (Ok(0), 334));
    assert_eq!(f.read(STACK, 64), two_g1());

    // A short big-endian input is zero-padded: G + 0 (the identity is all zeros).
    let (result, _) = group_op(&mut f, 0, &g1());
    assert_eq!(result, Ok(0));
    assert_eq!(f.read(STACK, 64), g1());

    let (result, cu) = group_op(&mut f, 2, &[g1(), scalar(2)].concat());
    assert_eq!((result, cu), (Ok(0), 3_840));
    assert_eq!(f.read(STACK, 64), two_g1());

    // Little-endian (SIMD-0284): the same answers with each field element reversed.
    let (result, cu) = group_op(&mut f, 0x80, &le(&[g1(), g1()].concat(), 32));
    assert_eq!((result, cu), (Ok(0), 334));
    assert_eq!(f.read(STACK, 64), le(&two_g1(), 32));
    let (result, cu) = group_op(&mut f, 0x82, &le(&[g1(), scalar(2)].concat(), 32));
    assert_eq!((result, cu), (Ok(0), 3_840));
    assert_eq!(f.read(STACK, 64), le(&two_g1(), 32));
}

#[test]
fn g2_addition_equals_doubling_by_multiplication() {
    let mut f = Fixture::new();
    let (result, cu) = group_op(&mut f, 4, &[g2(), g2()].concat());
    assert_eq!((result, cu), (Ok(0), 535));
    let sum = f.read(STACK, 128);
    let (result, cu) = group_op(&mut f, 6, &[g2(), scalar(2)].concat());
    assert_eq!((result, cu), (Ok(0), 15_670));
    assert_eq!(f.read(STACK, 128), sum);
    assert_ne!(sum, g2());
    // G2 inputs must be exactly 256 / 160 bytes, even big-endian.
    let (result, cu) = group_op(&mut f, 4, &g2());
    assert_eq!((result, cu), (Ok(1), 535));
}

#[test]
fn pairing_check_known_answers_and_cost() {
    let mut f = Fixture::new();
    // e(G1, G2) · e(−G1, G2) = 1.
    let input = [g1(), g2(), minus_g1(), g2()].concat();
    let (result, cu) = group_op(&mut f, 3, &input);
    let cost = 36_364 + 12_121 + 85 + 384 + 32;
    assert_eq!((result, cu), (Ok(0), cost));
    assert_eq!(f.read(STACK, 32), scalar(1));
    // e(G1, G2) alone is not 1.
    let (result, cu) = group_op(&mut f, 3, &input[..192]);
    assert_eq!((result, cu), (Ok(0), 36_364 + 85 + 192 + 32));
    assert_eq!(f.read(STACK, 32), scalar(0));
    // No pairs: the empty product is 1; the first pair's price is still charged.
    let (result, cu) = f.call::<AltBn128GroupOp>([3, UNMAPPED, 0, STACK, 0]);
    assert_eq!((result, cu), (Ok(0), 36_364 + 85 + 32));
    assert_eq!(f.read(STACK, 32), scalar(1));
}

#[test]
fn invalid_inputs_under_both_error_code_regimes() {
    let simplified = Fixture::new;
    let legacy = || {
        Fixture::new().with_features(mainnet_without(
            &ids::SIMPLIFY_ALT_BN128_SYSCALL_ERROR_CODES,
        ))
    };
    // A G2 point off the curve: GroupError (2) before SIMD-0129, 1 after; charged either way.
    let mut off_curve_g2 = g2();
    off_curve_g2[127] ^= 1;
    for (mut f, code) in [(simplified(), 1), (legacy(), 2)] {
        f.write(STACK, &[0xaa; 128]);
        let (result, cu) = group_op(&mut f, 4, &[g2(), off_curve_g2.clone()].concat());
        assert_eq!((result, cu), (Ok(code), 535));
        assert_eq!(f.read(STACK, 128), vec![0xaa; 128], "nothing written");
        // A G1 point off the curve and an over-long input are InvalidInputData (1) in both.
        let (result, cu) = group_op(&mut f, 0, &[g1(), off_curve_g1()].concat());
        assert_eq!((result, cu), (Ok(1), 334));
        let (result, _) = group_op(&mut f, 0, &[0; 129]);
        assert_eq!(result, Ok(1));
    }
    // Decompressing 31 bytes: InvalidInputSize (5) before SIMD-0129, 1 after.
    for (mut f, code) in [(simplified(), 1), (legacy(), 5)] {
        let (result, cu) = compression(&mut f, 1, &[1; 31]);
        assert_eq!((result, cu), (Ok(code), 100 + 398));
    }
}

/// Every op on an input it rejects: r0 is 1 under SIMD-0129, else the code of
/// `solana-bn254`'s error (`AltBn128Error`: 1 InvalidInputData, 2 GroupError;
/// `AltBn128CompressionError`: 1/2 G1/G2 decompression failed, 3/4 G1/G2 compression
/// failed, 5 InvalidInputSize); the op's full price is charged either way.
#[test]
fn every_op_rejects_under_both_error_code_regimes() {
    let too_big = vec![0xff; 32];
    let mut off_curve_g2 = g2();
    off_curve_g2[127] ^= 1;
    let group_cases: [(u64, Vec<u8>, u64, u64); 6] = [
        (0, [g1(), off_curve_g1()].concat(), 1, 334),
        (2, [off_curve_g1(), scalar(2)].concat(), 1, 3_840),
        (
            3,
            [off_curve_g1(), g2()].concat(),
            1,
            36_364 + 85 + 192 + 32,
        ),
        (3, vec![0; 100], 1, 36_364 + 85 + 100 + 32),
        (4, [g2(), off_curve_g2.clone()].concat(), 2, 535),
        (6, [off_curve_g2.clone(), scalar(2)].concat(), 1, 15_670),
    ];
    let compression_cases: [(u64, Vec<u8>, u64, u64); 6] = [
        (0, vec![1; 63], 5, 130),
        (0, [too_big.clone(), too_big.clone()].concat(), 3, 130),
        (1, too_big.clone(), 1, 498),
        (
            2,
            [
                too_big.clone(),
                too_big.clone(),
                too_big.clone(),
                too_big.clone(),
            ]
            .concat(),
            4,
            186,
        ),
        (3, [too_big.clone(), too_big.clone()].concat(), 2, 13_710),
        (3, vec![1; 65], 5, 13_710),
    ];
    for simplified in [true, false] {
        let features = if simplified {
            FeatureSet::mainnet()
        } else {
            mainnet_without(&ids::SIMPLIFY_ALT_BN128_SYSCALL_ERROR_CODES)
        };
        let mut f = Fixture::new().with_features(features);
        for (op, input, code, cost) in &group_cases {
            let expected = if simplified { 1 } else { *code };
            let (result, cu) = group_op(&mut f, *op, input);
            assert_eq!((result, cu), (Ok(expected), *cost), "group op {op}");
        }
        for (op, input, code, cost) in &compression_cases {
            let expected = if simplified { 1 } else { *code };
            let (result, cu) = compression(&mut f, *op, input);
            assert_eq!((result, cu), (Ok(expected), *cost), "compression op {op}");
        }
    }
}

#[test]
fn compression_round_trips_and_costs() {
    let mut f = Fixture::new();
    // G1 = (1, 2): y is the smaller root, so no flag bit: the compressed form is x.
    let (result, cu) = compression(&mut f, 0, &g1());
    assert_eq!((result, cu), (Ok(0), 100 + 30));
    assert_eq!(f.read(STACK, 32), scalar(1));
    let (result, cu) = compression(&mut f, 1, &scalar(1));
    assert_eq!((result, cu), (Ok(0), 100 + 398));
    assert_eq!(f.read(STACK, 64), g1());

    let (result, cu) = compression(&mut f, 2, &g2());
    assert_eq!((result, cu), (Ok(0), 100 + 86));
    let compressed = f.read(STACK, 64);
    let (result, cu) = compression(&mut f, 3, &compressed);
    assert_eq!((result, cu), (Ok(0), 100 + 13_610));
    assert_eq!(f.read(STACK, 128), g2());

    // Little-endian ops (0x80 | op).
    let (result, _) = compression(&mut f, 0x80, &le(&g1(), 32));
    assert_eq!(result, Ok(0));
    assert_eq!(f.read(STACK, 32), le(&scalar(1), 32));
    let (result, _) = compression(&mut f, 0x81, &le(&scalar(1), 32));
    assert_eq!(result, Ok(0));
    assert_eq!(f.read(STACK, 64), le(&g1(), 32));
}

#[test]
fn invalid_and_gated_ops_abort_before_any_charge() {
    let mut f = Fixture::new();
    // There is no subtraction op (1, 5) and nothing past 6.
    for op in [1, 5, 7, 0x81, 0x85, u64::MAX] {
        let (result, cu) = group_op(&mut f, op, &[0; 128]);
        assert_eq!(
            (result, cu),
            (Err(SyscallError::InvalidAttribute), 0),
            "op {op}"
        );
    }
    for op in [4, 0x84, u64::MAX] {
        let (result, cu) = compression(&mut f, op, &[0; 64]);
        assert_eq!(
            (result, cu),
            (Err(SyscallError::InvalidAttribute), 0),
            "op {op}"
        );
    }
    // Little-endian ops need SIMD-0284; G2 ops need enable_alt_bn128_g2_syscalls.
    let mut f = Fixture::new().with_features(mainnet_without(&ids::ALT_BN128_LITTLE_ENDIAN));
    for op in [0x80, 0x82, 0x83] {
        let (result, cu) = group_op(&mut f, op, &[0; 128]);
        assert_eq!(
            (result, cu),
            (Err(SyscallError::InvalidAttribute), 0),
            "op {op}"
        );
    }
    let (result, cu) = compression(&mut f, 0x81, &[0; 32]);
    assert_eq!((result, cu), (Err(SyscallError::InvalidAttribute), 0));
    // A little-endian G2 op is gated by the G2 feature only.
    let (result, cu) = group_op(&mut f, 0x84, &le(&[g2(), g2()].concat(), 64));
    assert_eq!((result, cu), (Ok(0), 535));
    let mut f = Fixture::new().with_features(mainnet_without(&ids::ENABLE_ALT_BN128_G2_SYSCALLS));
    for op in [4, 6, 0x84, 0x86] {
        let (result, cu) = group_op(&mut f, op, &[0; 256]);
        assert_eq!(
            (result, cu),
            (Err(SyscallError::InvalidAttribute), 0),
            "op {op}"
        );
    }
}

#[test]
fn older_length_rules() {
    // Before SIMD-0222 a G1 multiplication input may be 128 bytes (the tail ignored).
    let input = [g1(), scalar(2), vec![7; 32]].concat();
    let mut f = Fixture::new();
    assert_eq!(group_op(&mut f, 2, &input).0, Ok(1));
    let mut f = Fixture::new().with_features(mainnet_without(
        &ids::FIX_ALT_BN128_MULTIPLICATION_INPUT_LENGTH,
    ));
    assert_eq!(group_op(&mut f, 2, &input).0, Ok(0));
    assert_eq!(f.read(STACK, 64), two_g1());

    // Before SIMD-0334 a trailing partial pairing element is ignored.
    let input = [g1(), g2(), minus_g1(), g2(), vec![0; 10]].concat();
    let mut f = Fixture::new();
    assert_eq!(group_op(&mut f, 3, &input).0, Ok(1));
    let mut f =
        Fixture::new().with_features(mainnet_without(&ids::FIX_ALT_BN128_PAIRING_LENGTH_CHECK));
    assert_eq!(group_op(&mut f, 3, &input).0, Ok(0));
    assert_eq!(f.read(STACK, 32), scalar(1));
}

#[test]
fn translation_order_and_budget() {
    // Agave 4.4: the result is translated before the input.
    let mut f = Fixture::new();
    let (result, cu) = f.call::<AltBn128GroupOp>([0, UNMAPPED, 128, UNMAPPED + 0x1000, 0]);
    let Err(SyscallError::Memory(message)) = result else {
        panic!("{result:?}")
    };
    assert!(
        message.contains(&format!("{:#x}", UNMAPPED + 0x1000)),
        "{message}"
    );
    assert_eq!(cu, 334);
    // Agave 2.1 (before SIMD-0284): the input first.
    let mut f = Fixture::new().with_features(mainnet_without(&ids::ALT_BN128_LITTLE_ENDIAN));
    let (result, _) = f.call::<AltBn128Compression>([0, UNMAPPED, 64, UNMAPPED + 0x1000, 0]);
    let Err(SyscallError::Memory(message)) = result else {
        panic!("{result:?}")
    };
    assert!(message.contains(&format!("{UNMAPPED:#x}")), "{message}");
    // A failed charge aborts, draining the meter.
    let mut f = Fixture::new();
    f.set_remaining(3_839);
    let (result, cu) = group_op(&mut f, 2, &[g1(), scalar(2)].concat());
    assert!(
        matches!(result, Err(SyscallError::Instruction(_))),
        "{result:?}"
    );
    assert_eq!(cu, 3_839);
}
