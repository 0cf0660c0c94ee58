//! `sol_sha256`, `sol_keccak256`, `sol_blake3`, `sol_sha512`.

use sbfvm_syscalls::hashing;
use sbfvm_vm::SyscallError;
use sha2::Digest;

use crate::common::{is_access_violation, Fixture, Guest, HEAP, RODATA, STACK};

#[test]
fn sha256_and_keccak_charge_base_and_half_bytes_per_slice() {
    let mut f = Fixture::new();
    f.write(HEAP + 256, &[1u8; 500]);
    f.write(HEAP + 1024, b"ab");
    f.write_slices(HEAP, &[(HEAP + 256, 500), (HEAP + 1024, 2), (0xdead, 0)]);
    let (result, cu) = f.call::<hashing::Sha256>([HEAP, 3, STACK, 0, 0]);
    assert_eq!(result, Ok(0));
    assert_eq!(cu, 85 + 250 + 10 + 10);
    let mut expected = sha2::Sha256::new();
    expected.update([1u8; 500]);
    expected.update(b"ab");
    assert_eq!(f.read(STACK, 32), expected.finalize().to_vec());

    let (result, cu) = f.call::<hashing::Keccak256>([HEAP, 3, STACK + 64, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 355));
    let mut expected = sha3::Keccak256::new();
    expected.update([1u8; 500]);
    expected.update(b"ab");
    assert_eq!(f.read(STACK + 64, 32), expected.finalize().to_vec());

    // No slices: the base charge and the digest of nothing; the array is not translated.
    let (result, cu) = f.call::<hashing::Sha256>([0xdead, 0, STACK, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 85));
    assert_eq!(f.read(STACK, 32), sha2::Sha256::digest(b"").to_vec());
}

#[test]
fn sha512_and_blake3_digests() {
    let mut f = Fixture::new();
    f.write(HEAP + 256, b"hello");
    f.write_slices(HEAP, &[(HEAP + 256, 5)]);
    let (result, cu) = f.call::<hashing::Sha512>([HEAP, 1, STACK, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 95));
    assert_eq!(f.read(STACK, 64), sha2::Sha512::digest(b"hello").to_vec());
    // The 64-byte result must fit: 32 writable bytes are not enough.
    let (result, cu) = f.call::<hashing::Sha512>([HEAP, 1, STACK + 4096 - 32, 0, 0]);
    assert_eq!(cu, 85);
    assert!(is_access_violation(&result));
    let (result, _) = f.call::<hashing::Blake3>([HEAP, 1, STACK + 128, 0, 0]);
    assert_eq!(result, Ok(0));
    assert_eq!(
        f.read(STACK + 128, 32),
        blake3::hash(b"hello").as_bytes().to_vec()
    );
}

#[test]
fn hash_too_many_slices_logs_and_charges_nothing() {
    let mut f = Fixture::new();
    let (result, cu) = f.call::<hashing::Sha256>([0xdead, 20_001, 0xbeef, 0, 0]);
    assert_eq!((result, cu), (Err(SyscallError::TooManySlices), 0));
    assert_eq!(
        f.last_log(),
        "Sha256 Hashing 20001 sequences in one syscall is over the limit 20000"
    );
    assert_eq!(
        SyscallError::TooManySlices.to_string(),
        "Hashing too many sequences"
    );
    let (result, _) = f.call::<hashing::Keccak256>([0xdead, u64::MAX, 0xbeef, 0, 0]);
    assert_eq!(result, Err(SyscallError::TooManySlices));
    assert_eq!(
        f.last_log(),
        format!(
            "Keccak256 Hashing {} sequences in one syscall is over the limit 20000",
            u64::MAX
        )
    );
    // Exactly at the limit is allowed (and then faults on the bogus array).
    let (result, cu) = f.call::<hashing::Sha256>([0xdead, 20_000, STACK, 0, 0]);
    assert!(is_access_violation(&result));
    assert_eq!(cu, 85);
}

#[test]
fn hash_translates_result_before_slices_and_charges_each_slice_after_translating_it() {
    let mut f = Fixture::new();
    // Bad result and bad array: the result is reported (read-only region).
    let (result, cu) = f.call::<hashing::Sha256>([0xdead, 1, RODATA, 0, 0]);
    let Err(SyscallError::Memory(text)) = &result else {
        panic!("{result:?}")
    };
    assert!(text.contains("0x100000000"), "{text}");
    assert_eq!(cu, 85);
    // Second slice unmapped: only the first slice was charged.
    f.write_slices(HEAP, &[(HEAP + 256, 100), (0x9_0000_0000, 100)]);
    let (result, cu) = f.call::<hashing::Sha256>([HEAP, 2, STACK, 0, 0]);
    assert!(is_access_violation(&result));
    assert_eq!(cu, 85 + 50);
    // The slice array must be 8-aligned.
    let (result, _) = f.call::<hashing::Sha256>([HEAP + 4, 1, STACK, 0, 0]);
    assert_eq!(result, Err(SyscallError::UnalignedPointer));
}
