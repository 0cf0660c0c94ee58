//! `sol_poseidon` (`solana-syscalls 4.4.0, src/lib.rs`, `SyscallPoseidon`): the quadratic
//! cost, the aborts before any charge, the error returned in r0, and the older behaviour
//! the Dec-2024 feature sets select.

use sbfvm_runtime::features::ids;
use sbfvm_runtime::FeatureSet;
use sbfvm_syscalls::poseidon::{poseidon_cost, Poseidon};
use sbfvm_vm::SyscallError;
use solana_poseidon::{hashv, Endianness, Parameters};

use crate::common::{budget_exceeded, is_access_violation, Fixture, Guest, HEAP, STACK, UNMAPPED};

const SLICES: u64 = HEAP;
const INPUTS: u64 = HEAP + 0x200;
const RESULT: u64 = STACK;

/// `count` inputs of 32 bytes (input i filled with i + 1) and their descriptors.
fn fixture(count: u64, len: u64) -> Fixture {
    let mut f = Fixture::new();
    let slices: Vec<(u64, u64)> = (0..count).map(|i| (INPUTS + 64 * i, len)).collect();
    for i in 0..count {
        f.write(INPUTS + 64 * i, &vec![i as u8 + 1; len as usize]);
    }
    f.write_slices(SLICES, &slices);
    f.write(RESULT, &[0xee; 32]);
    f
}

#[test]
fn the_cost_is_61_n_squared_plus_542() {
    assert_eq!(poseidon_cost(0), Some(542));
    assert_eq!(poseidon_cost(1), Some(603));
    assert_eq!(poseidon_cost(2), Some(786));
    assert_eq!(poseidon_cost(12), Some(61 * 144 + 542));
    assert_eq!(poseidon_cost(u64::MAX), None);
}

#[test]
fn hashes_are_written_for_their_cost() {
    let mut f = fixture(2, 32);
    let (result, cu) = f.call::<Poseidon>([0, 0, SLICES, 1, RESULT]);
    assert_eq!((result, cu), (Ok(0), 603));
    // The big-endian hash of [1; 32] (solana-poseidon's documented vector).
    let expected = [
        5, 191, 172, 229, 129, 238, 97, 119, 204, 25, 198, 197, 99, 99, 166, 136, 130, 241, 30,
        132, 7, 172, 99, 157, 185, 145, 224, 210, 127, 27, 117, 230,
    ];
    assert_eq!(f.read(RESULT, 32), expected.to_vec());
    let (result, cu) = f.call::<Poseidon>([0, 1, SLICES, 2, RESULT]);
    assert_eq!((result, cu), (Ok(0), 786));
    let le = hashv(
        Parameters::Bn254X5,
        Endianness::LittleEndian,
        &[&[1; 32], &[2; 32]],
    )
    .unwrap();
    assert_eq!(f.read(RESULT, 32), le.to_bytes().to_vec());
}

#[test]
fn bad_parameters_endianness_and_counts_abort_before_any_charge() {
    let mut f = fixture(1, 32);
    let (result, cu) = f.call::<Poseidon>([1, 0, SLICES, 1, RESULT]);
    assert_eq!(
        (result, cu),
        (Err(SyscallError::Poseidon("Invalid parameters.".into())), 0)
    );
    let (result, cu) = f.call::<Poseidon>([0, 2, SLICES, 1, RESULT]);
    assert_eq!(
        (result, cu),
        (Err(SyscallError::Poseidon("Invalid endianness.".into())), 0)
    );
    // The parameters are checked before the count.
    let (result, _) = f.call::<Poseidon>([7, 7, SLICES, 13, RESULT]);
    assert_eq!(
        result,
        Err(SyscallError::Poseidon("Invalid parameters.".into()))
    );
    let (result, cu) = f.call::<Poseidon>([0, 0, SLICES, 13, RESULT]);
    assert_eq!((result, cu), (Err(SyscallError::InvalidLength), 0));
    assert_eq!(
        f.last_log(),
        "Poseidon hashing 13 sequences is not supported"
    );
}

#[test]
fn a_failed_hash_returns_1_after_the_charge_and_writes_nothing() {
    // Inputs must be exactly 32 bytes (SIMD-0359), and there must be at least one.
    for (count, len) in [(1, 31), (1, 33), (1, 0), (0, 32)] {
        let mut f = fixture(count, len);
        let (result, cu) = f.call::<Poseidon>([0, 0, SLICES, count, RESULT]);
        let expected_cu = poseidon_cost(count).unwrap();
        assert_eq!((result, cu), (Ok(1), expected_cu), "{count} × {len}");
        assert_eq!(f.read(RESULT, 32), vec![0xee; 32]);
    }
    // An input not below the field modulus.
    let mut f = fixture(1, 32);
    f.write(INPUTS, &[0xff; 32]);
    let (result, _) = f.call::<Poseidon>([0, 0, SLICES, 1, RESULT]);
    assert_eq!(result, Ok(1));
}

#[test]
fn translation_order_result_then_slices_then_inputs() {
    let mut f = fixture(1, 32);
    // An unmapped result aborts after the charge, even when the hash would fail.
    let (result, cu) = f.call::<Poseidon>([0, 0, UNMAPPED + 0x100, 1, UNMAPPED]);
    assert!(is_access_violation(&result));
    assert!(format!("{result:?}").contains(&format!("{UNMAPPED:#x}")));
    assert_eq!(cu, 603);
    // The descriptor array is 8-aligned.
    let (result, _) = f.call::<Poseidon>([0, 0, SLICES + 4, 1, RESULT]);
    assert_eq!(result, Err(SyscallError::UnalignedPointer));
    f.write_slices(SLICES, &[(UNMAPPED, 32)]);
    let (result, _) = f.call::<Poseidon>([0, 0, SLICES, 1, RESULT]);
    assert!(is_access_violation(&result));
    // With no inputs nothing is translated but the result.
    let (result, _) = f.call::<Poseidon>([0, 0, UNMAPPED, 0, RESULT]);
    assert_eq!(result, Ok(1));
    f.set_remaining(602);
    let (result, cu) = f.call::<Poseidon>([0, 0, SLICES, 1, RESULT]);
    assert_eq!((result, cu), (Err(budget_exceeded()), 602));
}

#[test]
fn before_simd_0129_a_failed_hash_returns_the_poseidon_error_number() {
    let mut features = FeatureSet::mainnet();
    features.deactivate(&ids::SIMPLIFY_ALT_BN128_SYSCALL_ERROR_CODES);
    for (count, len, number) in [(1, 0, 4), (1, 33, 5), (1, 31, 5), (0, 32, 11)] {
        let mut f = fixture(count, len).with_features(features.clone());
        let (result, _) = f.call::<Poseidon>([0, 0, SLICES, count, RESULT]);
        assert_eq!(result, Ok(number), "{count} × {len}");
    }
    let mut f = fixture(1, 32).with_features(features);
    f.write(INPUTS, &[0xff; 32]);
    let (result, _) = f.call::<Poseidon>([0, 0, SLICES, 1, RESULT]);
    assert_eq!(result, Ok(7), "InputLargerThanModulus");
}

#[test]
fn before_simd_0359_short_inputs_are_zero_extended() {
    let mut features = FeatureSet::mainnet();
    features.deactivate(&ids::POSEIDON_ENFORCE_PADDING);
    let mut f = fixture(1, 31).with_features(features.clone());
    let (result, cu) = f.call::<Poseidon>([0, 0, SLICES, 1, RESULT]);
    assert_eq!((result, cu), (Ok(0), 603));
    let mut padded = [1; 32];
    padded[0] = 0;
    let be = hashv(Parameters::Bn254X5, Endianness::BigEndian, &[&padded]).unwrap();
    assert_eq!(f.read(RESULT, 32), be.to_bytes().to_vec());
    let (result, _) = f.call::<Poseidon>([0, 1, SLICES, 1, RESULT]);
    assert_eq!(result, Ok(0));
    let mut padded = [1; 32];
    padded[31] = 0;
    let le = hashv(Parameters::Bn254X5, Endianness::LittleEndian, &[&padded]).unwrap();
    assert_eq!(f.read(RESULT, 32), le.to_bytes().to_vec());
    // Empty and longer inputs still fail.
    for len in [0, 33] {
        let mut f = fixture(1, len).with_features(features.clone());
        let (result, _) = f.call::<Poseidon>([0, 0, SLICES, 1, RESULT]);
        assert_eq!(result, Ok(1), "{len}");
    }
}
