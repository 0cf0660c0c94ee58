//! `sol_memcpy_`, `sol_memmove_`, `sol_memset_`, `sol_memcmp_`, and their Agave 2.1
//! direct-mapping paths.

use sbfvm_runtime::features::ids;
use sbfvm_runtime::FeatureSet;
use sbfvm_syscalls::mem_ops;
use sbfvm_test_support::InputRegion;
use sbfvm_vm::{SerializedAccountMetadata, SyscallError};

use crate::common::{is_access_violation, Fixture, Guest, HEAP, INPUT, RODATA, STACK};

#[test]
fn mem_ops_charge_max_of_10_and_n_over_250() {
    let mut f = Fixture::new();
    f.write(HEAP, &[5u8; 1000]);
    let (result, cu) = f.call::<mem_ops::Memcpy>([HEAP + 2000, HEAP, 1000, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 10)); // ⌊1000/250⌋ = 4 < 10
    assert_eq!(f.read(HEAP + 2000, 1000), vec![5u8; 1000]);
    let (result, cu) = f.call::<mem_ops::Memmove>([HEAP, HEAP + 1000, 2750, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 11));
    let (result, cu) = f.call::<mem_ops::Memset>([HEAP, 0x1ff, 3000, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 12));
    assert_eq!(f.read(HEAP, 3000), vec![0xff; 3000], "low byte of r2");
    let (result, cu) = f.call::<mem_ops::Memcmp>([HEAP, HEAP + 1, 4000, STACK, 0]);
    assert_eq!((result, cu), (Ok(0), 16));
}

#[test]
fn memcpy_rejects_overlap_after_charging_memmove_allows_it() {
    let mut f = Fixture::new();
    f.write(HEAP, &[1, 2, 3, 4, 5, 6, 7, 8]);
    let (result, cu) = f.call::<mem_ops::Memcpy>([HEAP + 2, HEAP, 4, 0, 0]);
    assert_eq!((result, cu), (Err(SyscallError::CopyOverlapping), 10));
    assert_eq!(
        SyscallError::CopyOverlapping.to_string(),
        "Overlapping copy"
    );
    // Adjacent ranges do not overlap; the check is on VM addresses and needs no mapping.
    let (result, _) = f.call::<mem_ops::Memcpy>([HEAP + 4, HEAP, 4, 0, 0]);
    assert_eq!(result, Ok(0));
    let (result, _) = f.call::<mem_ops::Memcpy>([0x9_0000_0000, 0x9_0000_0004, 5, 0, 0]);
    assert_eq!(result, Err(SyscallError::CopyOverlapping));
    f.write(HEAP, &[1, 2, 3, 4, 5, 6, 7, 8]);
    let (result, _) = f.call::<mem_ops::Memmove>([HEAP + 2, HEAP, 4, 0, 0]);
    assert_eq!(result, Ok(0));
    assert_eq!(f.read(HEAP, 8), vec![1, 2, 1, 2, 3, 4, 7, 8]);
}

#[test]
fn memmove_translates_destination_before_source() {
    let mut f = Fixture::new();
    // Both bad: the destination (a Store into read-only memory) is reported.
    let (result, _) = f.call::<mem_ops::Memmove>([RODATA, 0x9_0000_0000, 4, 0, 0]);
    let Err(SyscallError::Memory(text)) = result else {
        panic!("{result:?}")
    };
    assert!(text.contains("0x100000000"), "{text}");
    // Zero length translates nothing.
    let (result, cu) = f.call::<mem_ops::Memmove>([RODATA, 0x9_0000_0000, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 10));
    let (result, _) = f.call::<mem_ops::Memset>([RODATA, 0, 1, 0, 0]);
    assert!(is_access_violation(&result));
}

#[test]
fn memcmp_result_and_alignment() {
    let mut f = Fixture::new();
    f.write(HEAP, b"abcd");
    f.write(HEAP + 16, b"abzd");
    let (result, _) = f.call::<mem_ops::Memcmp>([HEAP, HEAP + 16, 4, STACK, 0]);
    assert_eq!(result, Ok(0));
    assert_eq!(
        f.read(STACK, 4),
        (i32::from(b'c') - i32::from(b'z')).to_le_bytes()
    );
    let (result, _) = f.call::<mem_ops::Memcmp>([HEAP + 16, HEAP, 4, STACK, 0]);
    assert_eq!(result, Ok(0));
    assert_eq!(f.read(STACK, 4), 23i32.to_le_bytes());
    let (result, _) = f.call::<mem_ops::Memcmp>([HEAP, HEAP, 4, STACK, 0]);
    assert_eq!(result, Ok(0));
    assert_eq!(f.read(STACK, 4), 0i32.to_le_bytes());
    // The i32 result must be 4-aligned, except for deprecated-loader programs.
    let (result, cu) = f.call::<mem_ops::Memcmp>([HEAP, HEAP + 16, 4, STACK + 2, 0]);
    assert_eq!((result, cu), (Err(SyscallError::UnalignedPointer), 10));
    let mut f = Fixture::deprecated();
    f.write(HEAP, b"b");
    let (result, _) = f.call::<mem_ops::Memcmp>([HEAP, HEAP + 16, 1, STACK + 2, 0]);
    assert_eq!(result, Ok(0));
    assert_eq!(f.read(STACK + 2, 4), 98i32.to_le_bytes());
}

#[test]
fn memcmp_translates_inputs_before_the_result() {
    let mut f = Fixture::new();
    // Unaligned result and an unmapped input: the input fault comes first.
    let (result, _) = f.call::<mem_ops::Memcmp>([0x9_0000_0000, HEAP, 4, STACK + 1, 0]);
    assert!(is_access_violation(&result), "{result:?}");
    // With n = 0 the inputs are not translated but the result still is.
    let (result, cu) = f.call::<mem_ops::Memcmp>([0xdead, 0xbeef, 0, STACK + 1, 0]);
    assert_eq!((result, cu), (Err(SyscallError::UnalignedPointer), 10));
}

// Agave 2.1 direct mapping.

/// The Dec-2024 conformance feature set's direct-mapping key alone: Agave 2.1's
/// region-by-region mem ops.
fn dec2024_direct_mapping() -> FeatureSet {
    FeatureSet::from_ids([ids::BPF_ACCOUNT_DATA_DIRECT_MAPPING])
}

fn regions(layout: &[(&[u8], bool)]) -> Vec<InputRegion> {
    layout
        .iter()
        .map(|(bytes, writable)| InputRegion::new(bytes, *writable))
        .collect()
}

fn contents(input: &[InputRegion]) -> Vec<Vec<u8>> {
    input
        .iter()
        .map(|region| region.buffer.as_slice().to_vec())
        .collect()
}

#[test]
fn direct_mapping_mem_ops_span_adjacent_regions() {
    let mut f = Fixture::new().with_features(dec2024_direct_mapping());
    let mut input = regions(&[(&[0; 8], true), (&[0; 8], true)]);
    f.write(HEAP, &(1..=16).collect::<Vec<u8>>());
    let (result, cu) =
        f.call_regions::<mem_ops::Memcpy>(&mut input, vec![], [INPUT, HEAP, 16, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 10));
    assert_eq!(
        contents(&input),
        [(1..=8).collect::<Vec<u8>>(), (9..=16).collect()]
    );
    let (result, _) =
        f.call_regions::<mem_ops::Memcmp>(&mut input, vec![], [INPUT, HEAP, 16, STACK, 0]);
    assert_eq!(result, Ok(0));
    assert_eq!(f.read(STACK, 4), 0i32.to_le_bytes());
    let (result, _) =
        f.call_regions::<mem_ops::Memset>(&mut input, vec![], [INPUT + 4, 0xab, 8, 0, 0]);
    assert_eq!(result, Ok(0));
    assert_eq!(
        contents(&input),
        [
            vec![1, 2, 3, 4, 0xab, 0xab, 0xab, 0xab],
            vec![0xab, 0xab, 0xab, 0xab, 13, 14, 15, 16]
        ]
    );

    // Agave 4.4 (mainnet features): an operand must lie in one region; nothing is written.
    let mut f = Fixture::new();
    let mut input = regions(&[(&[0; 8], true), (&[0; 8], true)]);
    f.write(HEAP, &[7; 16]);
    let (result, _) =
        f.call_regions::<mem_ops::Memcpy>(&mut input, vec![], [INPUT, HEAP, 16, 0, 0]);
    assert!(is_access_violation(&result), "{result:?}");
    assert_eq!(contents(&input), [vec![0; 8], vec![0; 8]]);
    // The 4.4 direct-mapping features do not select the 2.1 paths either.
    let mut features = FeatureSet::mainnet();
    features.activate(ids::ACCOUNT_DATA_DIRECT_MAPPING);
    features.activate(ids::VIRTUAL_ADDRESS_SPACE_ADJUSTMENTS);
    let mut f = Fixture::new().with_features(features);
    let (result, _) = f.call_regions::<mem_ops::Memset>(&mut input, vec![], [INPUT, 1, 16, 0, 0]);
    assert!(is_access_violation(&result), "{result:?}");
    assert_eq!(contents(&input), [vec![0; 8], vec![0; 8]]);
}

#[test]
fn direct_mapping_memset_writes_up_to_the_failing_region() {
    let mut f = Fixture::new().with_features(dec2024_direct_mapping());
    let mut input = regions(&[(&[1; 8], true), (&[2; 4], false), (&[3; 6], true)]);
    let (result, cu) =
        f.call_regions::<mem_ops::Memset>(&mut input, vec![], [INPUT + 4, 0, 12, 0, 0]);
    assert_eq!(cu, 10);
    let Err(SyscallError::Memory(text)) = &result else {
        panic!("{result:?}")
    };
    // The violation names the whole operand, not the byte that failed.
    assert!(
        text.contains("0x400000004") && text.contains("12 bytes"),
        "{text}"
    );
    assert_eq!(
        contents(&input),
        [vec![1, 1, 1, 1, 0, 0, 0, 0], vec![2; 4], vec![3; 6]]
    );
}

#[test]
fn direct_mapping_memcpy_copies_chunks_before_a_fault() {
    let mut f = Fixture::new().with_features(dec2024_direct_mapping());
    let mut input = regions(&[(&[1; 8], true), (&[2; 4], false), (&[3; 6], true)]);
    // The source runs off the end of the input after 4 bytes.
    let (result, _) =
        f.call_regions::<mem_ops::Memcpy>(&mut input, vec![], [HEAP, INPUT + 14, 8, 0, 0]);
    assert!(is_access_violation(&result), "{result:?}");
    assert_eq!(f.read(HEAP, 8), [3, 3, 3, 3, 0, 0, 0, 0]);
    // Source and destination chunks of different lengths are paired piece by piece.
    let (result, _) =
        f.call_regions::<mem_ops::Memcpy>(&mut input, vec![], [INPUT + 12, INPUT + 2, 6, 0, 0]);
    assert_eq!(result, Ok(0));
    assert_eq!(contents(&input)[2], [1, 1, 1, 1, 1, 1]);
    let (result, _) =
        f.call_regions::<mem_ops::Memcpy>(&mut input, vec![], [INPUT, INPUT + 6, 6, 0, 0]);
    assert_eq!(result, Ok(0));
    assert_eq!(contents(&input)[0], [1, 1, 2, 2, 2, 2, 1, 1]);
}

#[test]
fn direct_mapping_memmove_runs_backwards_when_dst_is_above_src() {
    let start: Vec<u8> = (0..12).collect();
    let layout = |bytes: &[u8]| {
        regions(&[
            (&bytes[0..3], true),
            (&bytes[3..8], true),
            (&bytes[8..12], true),
        ])
    };
    for (dst, src, n) in [(2, 0, 9), (0, 3, 8), (1, 6, 5), (4, 4, 8), (7, 0, 5)] {
        let mut f = Fixture::new().with_features(dec2024_direct_mapping());
        let mut input = layout(&start);
        let (result, _) = f.call_regions::<mem_ops::Memmove>(
            &mut input,
            vec![],
            [INPUT + dst, INPUT + src, n, 0, 0],
        );
        assert_eq!(result, Ok(0));
        let mut expected = start.clone();
        expected.copy_within(src as usize..(src + n) as usize, dst as usize);
        assert_eq!(
            contents(&input).concat(),
            expected,
            "memmove({dst}, {src}, {n})"
        );
    }
    // Backwards, the last piece is looked up first: a read-only end of the destination
    // fails before anything is written (forwards, 4 bytes would have been).
    let mut f = Fixture::new().with_features(dec2024_direct_mapping());
    let mut input = regions(&[(&start[..8], true), (&start[8..], false)]);
    let (result, _) =
        f.call_regions::<mem_ops::Memmove>(&mut input, vec![], [INPUT + 4, INPUT, 8, 0, 0]);
    assert!(is_access_violation(&result), "{result:?}");
    assert_eq!(contents(&input).concat(), start);
    let (result, _) =
        f.call_regions::<mem_ops::Memmove>(&mut input, vec![], [INPUT + 4, HEAP, 8, 0, 0]);
    assert!(is_access_violation(&result), "{result:?}");
    assert_eq!(contents(&input)[0], [0, 1, 2, 3, 0, 0, 0, 0]);
}

#[test]
fn direct_mapping_memcmp_translates_the_result_first_and_stops_at_a_difference() {
    let mut f = Fixture::new().with_features(dec2024_direct_mapping());
    let mut input = regions(&[(b"abcd", true)]);
    f.write(HEAP, b"abzdefgh");
    // The operand runs past the input, but the difference comes first.
    let (result, _) =
        f.call_regions::<mem_ops::Memcmp>(&mut input, vec![], [INPUT, HEAP, 8, STACK, 0]);
    assert_eq!(result, Ok(0));
    assert_eq!(
        f.read(STACK, 4),
        (i32::from(b'c') - i32::from(b'z')).to_le_bytes()
    );
    // No difference before the end of the input: the access violation, nothing written.
    f.write(HEAP, b"abcdefgh");
    f.write(STACK, &[9; 4]);
    let (result, _) =
        f.call_regions::<mem_ops::Memcmp>(&mut input, vec![], [INPUT, HEAP, 8, STACK, 0]);
    assert!(is_access_violation(&result), "{result:?}");
    assert_eq!(f.read(STACK, 4), [9; 4]);
    // The result is translated before the inputs (the contiguous path does the opposite).
    let (result, cu) = f.call_regions::<mem_ops::Memcmp>(
        &mut input,
        vec![],
        [0x9_0000_0000, HEAP, 4, STACK + 1, 0],
    );
    assert_eq!((result, cu), (Err(SyscallError::UnalignedPointer), 10));
}

#[test]
fn direct_mapping_walks_may_not_cross_the_account_data_boundary() {
    let mut f = Fixture::new().with_features(dec2024_direct_mapping());
    let mut input = regions(&[(&[1; 8], true), (&[2; 4], true), (&[3; 6], true)]);
    // The second region is an account's data, the third its realloc area.
    let account = SerializedAccountMetadata {
        vm_data_addr: INPUT + 8,
        original_data_len: 4,
        ..SerializedAccountMetadata::default()
    };
    let (result, _) =
        f.call_regions::<mem_ops::Memset>(&mut input, vec![account], [INPUT + 4, 0, 8, 0, 0]);
    assert_eq!(result, Err(SyscallError::InvalidLength));
    assert_eq!(contents(&input)[0], [1, 1, 1, 1, 0, 0, 0, 0]);
    assert_eq!(contents(&input)[1], [2; 4]);
    // Data and realloc area are both account regions.
    let (result, _) =
        f.call_regions::<mem_ops::Memset>(&mut input, vec![account], [INPUT + 8, 5, 10, 0, 0]);
    assert_eq!(result, Ok(0));
    assert_eq!(contents(&input)[1..], [vec![5; 4], vec![5; 6]]);
    // Backwards (an overlapping memmove) the same rule applies.
    let (result, _) = f.call_regions::<mem_ops::Memmove>(
        &mut input,
        vec![account],
        [INPUT + 6, INPUT + 4, 8, 0, 0],
    );
    assert_eq!(result, Err(SyscallError::InvalidLength));
}
