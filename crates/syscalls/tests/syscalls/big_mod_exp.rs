//! `sol_big_mod_exp` (SIMD-0529; `solana-syscalls 4.4.0, src/lib.rs`, `SyscallBigModExp`),
//! under a feature set that registers it: the base cost first, the operation cost after the
//! exponent, the aborts, and the registration gate.

use sbfvm_runtime::features::ids;
use sbfvm_runtime::{ComputeBudget, FeatureSet};
use sbfvm_syscalls::big_mod_exp::{operation_cost, BigModExp, BIG_MOD_EXP_BASE_COST};
use sbfvm_vm::{SyscallError, SyscallSupport};

use crate::common::{budget_exceeded, is_access_violation, Fixture, Guest, HEAP, STACK, UNMAPPED};

const PARAMS: u64 = HEAP;
const BASE: u64 = HEAP + 0x100;
const EXPONENT: u64 = HEAP + 0x400;
const MODULUS: u64 = HEAP + 0x700;
const RESULT: u64 = STACK;

fn enabled() -> FeatureSet {
    let mut features = FeatureSet::mainnet();
    features.activate(ids::ENABLE_BIG_MOD_EXP_SYSCALL);
    features
}

/// Writes the operands (little-endian) and their `BigModExpParams`.
fn fixture(base: &[u8], exponent: &[u8], modulus: &[u8]) -> Fixture {
    let mut f = Fixture::new().with_features(enabled());
    f.write(BASE, base);
    f.write(EXPONENT, exponent);
    f.write(MODULUS, modulus);
    set_params(&mut f, base.len(), exponent.len(), modulus.len());
    f.write(RESULT, &[0xee; 64]);
    f
}

fn set_params(f: &mut Fixture, base_len: usize, exponent_len: usize, modulus_len: usize) {
    for (i, value) in [
        BASE,
        base_len as u64,
        EXPONENT,
        exponent_len as u64,
        MODULUS,
        modulus_len as u64,
    ]
    .into_iter()
    .enumerate()
    {
        f.write_u64(PARAMS + 8 * i as u64, value);
    }
}

#[test]
fn it_is_registered_only_under_its_feature() {
    let budget = ComputeBudget::default();
    let environment = sbfvm_syscalls::create_environment(&enabled(), &budget).unwrap();
    assert_eq!(
        environment.syscall_support("sol_big_mod_exp"),
        Some(SyscallSupport::Implemented)
    );
    let mainnet = sbfvm_syscalls::create_environment(&FeatureSet::mainnet(), &budget).unwrap();
    assert_eq!(mainnet.syscall_support("sol_big_mod_exp"), None);
}

#[test]
fn the_operation_cost_follows_simd_0529() {
    // n ≤ 64: n²; the exponent's adjusted length is at least 75; ⌈…/189⌉.
    assert_eq!(operation_cost(1, 1, &[2]), Some(1));
    assert_eq!(
        operation_cost(32, 32, &[2]),
        Some((1024 * 75_u64).div_ceil(189))
    );
    // An exponent of exactly 1: n² × 15.
    assert_eq!(
        operation_cost(32, 32, &[1, 0, 0]),
        Some((1024 * 15_u64).div_ceil(189))
    );
    // 64 < n ≤ 1024: n²/4 + 96n − 3072; a 40-byte exponent counts 8 bits per byte below
    // its top 32 bytes, plus the top bit index.
    let mut exponent = vec![0; 40];
    exponent[39] = 0x80;
    let complexity: u64 = 512 * 512 / 4 + 96 * 512 - 3072;
    assert_eq!(
        operation_cost(512, 100, &exponent),
        Some((complexity * (8 * 8 + 255)).div_ceil(189))
    );
    // The empty and the zero exponent cost the minimum length.
    assert_eq!(
        operation_cost(64, 64, &[]),
        Some((4096 * 75_u64).div_ceil(189))
    );
    assert_eq!(operation_cost(64, 64, &[0; 3]), operation_cost(64, 64, &[]));
}

#[test]
fn a_power_is_written_for_the_base_and_operation_cost() {
    let mut f = fixture(&[5], &[2], &[7, 0]);
    let (result, cu) = f.call::<BigModExp>([PARAMS, RESULT, 0, 0, 0]);
    let expected_cu = BIG_MOD_EXP_BASE_COST + operation_cost(1, 2, &[2]).unwrap();
    assert_eq!((result, cu), (Ok(0), expected_cu));
    assert_eq!(f.read(RESULT, 3), vec![4, 0, 0xee], "padded to modulus_len");
    // A larger one: 3^1000 mod (2^61 − 1), against solana-big-mod-exp.
    let modulus = ((1u64 << 61) - 1).to_le_bytes();
    let exponent = 1000u16.to_le_bytes();
    let mut f = fixture(&[3], &exponent, &modulus);
    let (result, cu) = f.call::<BigModExp>([PARAMS, RESULT, 0, 0, 0]);
    assert_eq!(
        (result, cu),
        (
            Ok(0),
            BIG_MOD_EXP_BASE_COST + operation_cost(1, 8, &exponent).unwrap()
        )
    );
    let expected = solana_big_mod_exp::big_mod_exp(&[3], &exponent, &modulus).unwrap();
    assert_eq!(f.read(RESULT, 8), expected);
}

#[test]
fn aborts_and_their_charges() {
    // Lengths over 512: InvalidLength after the base cost only.
    let mut f = fixture(&[5], &[2], &[7]);
    set_params(&mut f, 513, 1, 1);
    let (result, cu) = f.call::<BigModExp>([PARAMS, RESULT, 0, 0, 0]);
    assert_eq!(
        (result, cu),
        (Err(SyscallError::InvalidLength), BIG_MOD_EXP_BASE_COST)
    );
    // An even (or zero, or one) modulus: InvalidAttribute after both charges.
    for modulus in [[8], [0], [1]] {
        let mut f = fixture(&[5], &[2], &modulus);
        let (result, cu) = f.call::<BigModExp>([PARAMS, RESULT, 0, 0, 0]);
        assert_eq!(
            (result, cu),
            (
                Err(SyscallError::InvalidAttribute),
                BIG_MOD_EXP_BASE_COST + 1
            )
        );
    }
    // Unaligned or unmapped parameters: after the base cost.
    let mut f = fixture(&[5], &[2], &[7]);
    let (result, cu) = f.call::<BigModExp>([PARAMS + 4, RESULT, 0, 0, 0]);
    assert_eq!(
        (result, cu),
        (Err(SyscallError::UnalignedPointer), BIG_MOD_EXP_BASE_COST)
    );
    let (result, cu) = f.call::<BigModExp>([UNMAPPED, RESULT, 0, 0, 0]);
    assert!(is_access_violation(&result));
    assert_eq!(cu, BIG_MOD_EXP_BASE_COST);
    // The exponent is translated before the operation cost, the base after it.
    f.write_u64(PARAMS + 16, UNMAPPED);
    let (result, cu) = f.call::<BigModExp>([PARAMS, RESULT, 0, 0, 0]);
    assert!(is_access_violation(&result));
    assert_eq!(cu, BIG_MOD_EXP_BASE_COST);
    f.write_u64(PARAMS + 16, EXPONENT);
    f.write_u64(PARAMS, UNMAPPED);
    let (result, cu) = f.call::<BigModExp>([PARAMS, RESULT, 0, 0, 0]);
    assert!(is_access_violation(&result));
    assert_eq!(cu, BIG_MOD_EXP_BASE_COST + 1);
    // An unmapped result fails last.
    f.write_u64(PARAMS, BASE);
    let (result, cu) = f.call::<BigModExp>([PARAMS, UNMAPPED, 0, 0, 0]);
    assert!(is_access_violation(&result));
    assert_eq!(cu, BIG_MOD_EXP_BASE_COST + 1);
    // Too few units for the base cost.
    f.set_remaining(BIG_MOD_EXP_BASE_COST - 1);
    let (result, cu) = f.call::<BigModExp>([PARAMS, RESULT, 0, 0, 0]);
    assert_eq!(
        (result, cu),
        (Err(budget_exceeded()), BIG_MOD_EXP_BASE_COST - 1)
    );
    // Enough for the base cost, not for the operation cost: the meter drains.
    f.set_remaining(BIG_MOD_EXP_BASE_COST);
    let (result, cu) = f.call::<BigModExp>([PARAMS, RESULT, 0, 0, 0]);
    assert_eq!(
        (result, cu),
        (Err(budget_exceeded()), BIG_MOD_EXP_BASE_COST)
    );
}
