//! `sol_secp256k1_recover` (`solana-syscalls 4.4.0, src/lib.rs`, `SyscallSecp256k1Recover`):
//! the 25,000 units on every path, the error numbers in r0, the translation order, and the
//! high-`s` signatures the syscall accepts.

use sbfvm_syscalls::secp256k1::{Secp256k1Recover, SECP256K1_RECOVER_COST};

use crate::common::{budget_exceeded, is_access_violation, Fixture, Guest, HEAP, STACK, UNMAPPED};

/// The x coordinate of the generator: a valid `r` (big-endian).
const R: [u8; 32] = hex32("79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
/// The group order n (big-endian).
const N: [u8; 32] = hex32("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");

const fn hex32(text: &str) -> [u8; 32] {
    let bytes = text.as_bytes();
    let mut out = [0; 32];
    let mut i = 0;
    while i < 32 {
        out[i] = digit(bytes[2 * i]) << 4 | digit(bytes[2 * i + 1]);
        i += 1;
    }
    out
}

const fn digit(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        _ => c - b'a' + 10,
    }
}

/// `r ‖ s` with `s` a small big-endian number.
fn signature(r: [u8; 32], s: u8) -> Vec<u8> {
    let mut signature = r.to_vec();
    signature.extend_from_slice(&[0; 31]);
    signature.push(s);
    signature
}

/// n − `s` as 32 big-endian bytes (for a small `s`).
fn n_minus(s: u8) -> [u8; 32] {
    let mut value = N;
    let (low, borrow) = value[31].overflowing_sub(s);
    value[31] = low;
    assert!(!borrow);
    value
}

const HASH: u64 = HEAP;
const SIGNATURE: u64 = HEAP + 32;
const RESULT: u64 = STACK;

fn fixture(signature: &[u8]) -> Fixture {
    let mut f = Fixture::new();
    f.write(HASH, &[0x42; 32]);
    f.write(SIGNATURE, signature);
    f.write(RESULT, &[0xee; 64]);
    f
}

#[test]
fn a_recovered_key_is_written_for_25000_units() {
    let sig = signature(R, 7);
    let mut f = fixture(&sig);
    let (result, cu) = f.call::<Secp256k1Recover>([HASH, 0, SIGNATURE, RESULT, 0]);
    assert_eq!((result, cu), (Ok(0), SECP256K1_RECOVER_COST));
    // The same key as solana-secp256k1-recover's own (k256) recovery of a low-s signature.
    let expected = solana_secp256k1_recover::secp256k1_recover(&[0x42; 32], 0, &sig).unwrap();
    assert_eq!(f.read(RESULT, 64), expected.to_bytes().to_vec());
    let (result, _) = f.call::<Secp256k1Recover>([HASH, 1, SIGNATURE, RESULT + 64, 0]);
    assert_eq!(result, Ok(0));
    assert_ne!(
        f.read(RESULT + 64, 64),
        f.read(RESULT, 64),
        "the other parity"
    );
}

#[test]
fn high_s_signatures_are_accepted_as_agave_accepts_them() {
    let low = signature(R, 7);
    let mut high = R.to_vec();
    high.extend_from_slice(&n_minus(7));
    let mut f = fixture(&low);
    f.write(SIGNATURE + 64, &high);
    let (result, _) = f.call::<Secp256k1Recover>([HASH, 0, SIGNATURE, RESULT, 0]);
    assert_eq!(result, Ok(0));
    // (r, n − s) with the other parity recovers the same key: no malleability check.
    let (result, cu) = f.call::<Secp256k1Recover>([HASH, 1, SIGNATURE + 64, RESULT + 64, 0]);
    assert_eq!((result, cu), (Ok(0), SECP256K1_RECOVER_COST));
    assert_eq!(f.read(RESULT + 64, 64), f.read(RESULT, 64));
    // The SDK's host function rejects it; the syscall never did.
    assert!(solana_secp256k1_recover::secp256k1_recover(&[0x42; 32], 1, &high).is_err());
}

#[test]
fn invalid_inputs_return_their_error_number_and_write_nothing() {
    let mut f = fixture(&signature(R, 7));
    // InvalidRecoveryId: not 0–3, or not even a u8.
    for id in [4, 255, 256, u64::MAX] {
        let (result, cu) = f.call::<Secp256k1Recover>([HASH, id, SIGNATURE, RESULT, 0]);
        assert_eq!((result, cu), (Ok(2), SECP256K1_RECOVER_COST), "id {id}");
    }
    // InvalidSignature: s = 0 (recovery fails), s = n and r = n (overflowing scalars).
    f.write(SIGNATURE, &signature(R, 0));
    let (result, _) = f.call::<Secp256k1Recover>([HASH, 0, SIGNATURE, RESULT, 0]);
    assert_eq!(result, Ok(3));
    f.write(SIGNATURE + 32, &N);
    let (result, _) = f.call::<Secp256k1Recover>([HASH, 0, SIGNATURE, RESULT, 0]);
    assert_eq!(result, Ok(3));
    f.write(SIGNATURE, &signature(N, 7));
    let (result, cu) = f.call::<Secp256k1Recover>([HASH, 0, SIGNATURE, RESULT, 0]);
    assert_eq!((result, cu), (Ok(3), SECP256K1_RECOVER_COST));
    assert_eq!(f.read(RESULT, 64), vec![0xee; 64], "nothing written");
}

#[test]
fn the_result_is_translated_before_the_hash_and_the_signature() {
    let mut f = fixture(&signature(R, 7));
    // Result and hash both unmapped: the result's fault is reported.
    let (result, cu) = f.call::<Secp256k1Recover>([UNMAPPED + 0x100, 0, SIGNATURE, UNMAPPED, 0]);
    assert!(is_access_violation(&result), "{result:?}");
    let text = format!("{result:?}");
    assert!(text.contains(&format!("{UNMAPPED:#x}")), "{text}");
    assert_eq!(cu, SECP256K1_RECOVER_COST, "charged first");
    // Then the hash, then the signature.
    let (result, _) = f.call::<Secp256k1Recover>([UNMAPPED, 0, UNMAPPED + 0x100, RESULT, 0]);
    assert!(format!("{result:?}").contains(&format!("{UNMAPPED:#x}")));
    let (result, _) = f.call::<Secp256k1Recover>([HASH, 0, UNMAPPED, RESULT, 0]);
    assert!(is_access_violation(&result));
    // Even an invalid recovery id needs a mapped result.
    let (result, _) = f.call::<Secp256k1Recover>([HASH, 9, SIGNATURE, UNMAPPED, 0]);
    assert!(is_access_violation(&result));
}

#[test]
fn too_few_units_drain_the_meter() {
    let mut f = fixture(&signature(R, 7));
    f.set_remaining(SECP256K1_RECOVER_COST - 1);
    let (result, cu) = f.call::<Secp256k1Recover>([HASH, 0, SIGNATURE, RESULT, 0]);
    assert_eq!(
        (result, cu),
        (Err(budget_exceeded()), SECP256K1_RECOVER_COST - 1)
    );
}
