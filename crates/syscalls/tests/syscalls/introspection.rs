//! Return data, stack height, remaining compute units, the allocator, epoch stake and
//! processed sibling instructions.

use sbfvm_runtime::{InstructionAccount, InstructionFrame, Pubkey};
use sbfvm_syscalls::introspection;
use sbfvm_syscalls::introspection::GetProcessedSiblingInstruction as Sibling;
use sbfvm_vm::SyscallError;

use crate::common::{is_access_violation, key, Fixture, Guest, HEAP, STACK};

#[test]
fn set_return_data_charges_before_the_size_check() {
    let mut f = Fixture::new();
    f.write(HEAP, &[3u8; 600]);
    let (result, cu) = f.call::<introspection::SetReturnData>([HEAP, 600, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 102));
    let stored = f.invoke_context.transaction_context.return_data().clone();
    assert_eq!(
        (stored.program_id, stored.data),
        (f.program_id, vec![3u8; 600])
    );
    let (result, cu) = f.call::<introspection::SetReturnData>([HEAP, 1025, 0, 0, 0]);
    assert_eq!(cu, 104);
    let error = result.unwrap_err();
    assert_eq!(error, SyscallError::ReturnDataTooLarge(1025, 1024));
    assert_eq!(error.to_string(), "Return data too large (1025 > 1024)");
    // Empty: no translation, clears the data.
    let (result, cu) = f.call::<introspection::SetReturnData>([0xdead, 0, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 100));
    assert!(f
        .invoke_context
        .transaction_context
        .return_data()
        .data
        .is_empty());
}

#[test]
fn get_return_data_returns_the_full_length_and_charges_copied_bytes() {
    let mut f = Fixture::new();
    let setter = Pubkey::new_unique();
    f.set_return_data(setter, (0..=255u8).cycle().take(300).collect());
    let (result, cu) = f.call::<introspection::GetReturnData>([HEAP, 10, STACK, 0, 0]);
    assert_eq!((result, cu), (Ok(300), 100)); // ⌊(10 + 32)/250⌋ = 0
    assert_eq!(f.read(HEAP, 10), (0..10).collect::<Vec<u8>>());
    assert_eq!(f.read(STACK, 32), setter.as_ref());
    let (result, cu) = f.call::<introspection::GetReturnData>([HEAP, 1000, STACK, 0, 0]);
    assert_eq!((result, cu), (Ok(300), 101)); // ⌊(300 + 32)/250⌋ = 1
                                              // len 0: only the base charge, nothing translated.
    let (result, cu) = f.call::<introspection::GetReturnData>([0xdead, 0, 0xbeef, 0, 0]);
    assert_eq!((result, cu), (Ok(300), 100));
    // Empty return data: the program id is not written.
    f.set_return_data(setter, vec![]);
    f.write(STACK + 64, &[0x11; 32]);
    let (result, cu) = f.call::<introspection::GetReturnData>([HEAP, 10, STACK + 64, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 100));
    assert_eq!(f.read(STACK + 64, 32), vec![0x11; 32]);
}

#[test]
fn get_return_data_outputs_must_not_overlap() {
    let mut f = Fixture::new();
    f.set_return_data(Pubkey::new_unique(), vec![9; 40]);
    let (result, cu) = f.call::<introspection::GetReturnData>([HEAP, 40, HEAP + 39, 0, 0]);
    assert_eq!((result, cu), (Err(SyscallError::CopyOverlapping), 100));
    assert_eq!(f.read(HEAP, 40), vec![0; 40], "nothing written");
    let (result, _) = f.call::<introspection::GetReturnData>([HEAP, 40, HEAP + 40, 0, 0]);
    assert_eq!(result, Ok(40));
    // Data destination faults before the program id destination is looked at.
    let (result, _) =
        f.call::<introspection::GetReturnData>([0x9_0000_0000, 40, 0x8_0000_0000, 0, 0]);
    let Err(SyscallError::Memory(text)) = &result else {
        panic!("{result:?}")
    };
    assert!(text.contains("0x900000000"), "{text}");
}

// Stack height, compute units, allocator, epoch stake.

#[test]
fn stack_height_and_remaining_compute_units() {
    let mut f = Fixture::new();
    let (result, cu) = f.call::<introspection::GetStackHeight>([0; 5]);
    assert_eq!((result, cu), (Ok(1), 100));
    f.set_remaining(1_000);
    let (result, cu) = f.call::<introspection::RemainingComputeUnits>([0; 5]);
    assert_eq!((result, cu), (Ok(900), 100));
}

#[test]
fn alloc_free_is_free_and_aligns_to_8_unless_deprecated() {
    let mut f = Fixture::new();
    let (result, cu) = f.call::<introspection::AllocFree>([3, 0, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(HEAP), 0));
    let results = f.session::<introspection::AllocFree>(&[
        [3, 0, 0, 0, 0],
        [8, 0, 0, 0, 0],
        // Free is a no-op returning 0.
        [8, HEAP, 0, 0, 0],
        // Sizes Layout rejects, and allocations that do not fit, return 0.
        [u64::MAX, 0, 0, 0, 0],
        [4096, 0, 0, 0, 0],
        [4096 - 16, 0, 0, 0, 0],
        [1, 0, 0, 0, 0],
    ]);
    assert_eq!(
        results,
        vec![
            Ok(HEAP),
            Ok(HEAP + 8),
            Ok(0),
            Ok(0),
            Ok(0),
            Ok(HEAP + 16),
            Ok(0)
        ]
    );
    let mut f = Fixture::deprecated();
    let results = f.session::<introspection::AllocFree>(&[[3, 0, 0, 0, 0], [8, 0, 0, 0, 0]]);
    assert_eq!(results, vec![Ok(HEAP), Ok(HEAP + 3)]);
}

#[test]
fn epoch_stake_charges() {
    let mut f = Fixture::new();
    let (result, cu) = f.call::<introspection::GetEpochStake>([0; 5]);
    assert_eq!((result, cu), (Ok(0), 100));
    let (result, cu) = f.call::<introspection::GetEpochStake>([HEAP + 1, 0, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 110));
    let (result, cu) = f.call::<introspection::GetEpochStake>([0x9_0000_0000, 0, 0, 0, 0]);
    assert_eq!(cu, 110);
    assert!(is_access_violation(&result));
}

// Processed sibling instructions.

/// Writes a {data_len, accounts_len} header at `meta`.
fn write_header(f: &mut Fixture, meta: u64, data_len: u64, accounts_len: u64) {
    f.write_u64(meta, data_len);
    f.write_u64(meta + 8, accounts_len);
}

#[test]
fn sibling_lookup_among_top_level_instructions() {
    let loader = solana_sdk_ids::bpf_loader_upgradeable::id();
    let accounts = |signer: bool| {
        vec![InstructionAccount {
            index_in_transaction: 3,
            is_signer: signer,
            is_writable: true,
        }]
    };
    let frames = vec![
        InstructionFrame::new(0, accounts(false), vec![1]),
        InstructionFrame::new(1, accounts(true), vec![2, 2]),
        InstructionFrame::new(0, vec![], vec![3, 3, 3]),
        InstructionFrame::new(1, vec![], vec![4]),
    ];
    let mut f = Fixture::with_programs(loader, 2, frames);
    for _ in 0..2 {
        f.push_top_level();
        f.pop();
    }
    f.push_top_level(); // the third instruction runs; the fourth has not started
    let meta = STACK;
    // Index 0: the second instruction. Wrong sizes → the header is corrected, returns 1.
    let (result, cu) = f.call::<Sibling>([0, meta, STACK + 64, STACK + 128, STACK + 256]);
    assert_eq!((result, cu), (Ok(1), 100));
    assert_eq!((f.read_u64(meta), f.read_u64(meta + 8)), (2, 1));
    assert_eq!(f.read(STACK + 64, 32), vec![0; 32], "nothing else written");
    // Right sizes → program id, data and the 34-byte AccountMeta are written.
    let (result, _) = f.call::<Sibling>([0, meta, STACK + 64, STACK + 128, STACK + 256]);
    assert_eq!(result, Ok(1));
    assert_eq!(f.read(STACK + 64, 32), key(0xA1).as_ref());
    assert_eq!(f.read(STACK + 128, 2), vec![2, 2]);
    let mut meta_bytes = key(2).as_ref().to_vec(); // transaction account 3
    meta_bytes.extend_from_slice(&[1, 1]);
    assert_eq!(f.read(STACK + 256, 34), meta_bytes);
    // Index 1: the first instruction.
    write_header(&mut f, meta, 1, 1);
    let (result, _) = f.call::<Sibling>([1, meta, STACK + 64, STACK + 128, STACK + 256]);
    assert_eq!(result, Ok(1));
    assert_eq!(f.read(STACK + 64, 32), key(0xA0).as_ref());
    assert_eq!(f.read(STACK + 128, 1), vec![1]);
    assert_eq!(f.read(STACK + 256 + 32, 2), vec![0, 1]);
    // Index 2 does not exist (the current one and later ones are not siblings).
    let (result, cu) = f.call::<Sibling>([2, 0xdead, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 100));
    let (result, _) = f.call::<Sibling>([u64::MAX, 0xdead, 0, 0, 0]);
    assert_eq!(result, Ok(0));
}

#[test]
fn sibling_lookup_among_cpis_of_the_same_caller() {
    let loader = solana_sdk_ids::bpf_loader_upgradeable::id();
    let frames = vec![
        InstructionFrame::new(0, vec![], vec![0]),
        InstructionFrame::new(0, vec![], vec![0]),
    ];
    let mut f = Fixture::with_programs(loader, 4, frames);
    // First top-level instruction with one CPI: not a sibling of anything below.
    f.push_top_level();
    f.push_cpi(1, vec![0xf0]);
    f.pop();
    f.pop();
    // Second top-level instruction: CPI A (which itself calls C), then CPI B.
    f.push_top_level();
    f.push_cpi(1, vec![0xa]);
    f.push_cpi(2, vec![0xc]);
    f.pop();
    f.pop();
    f.push_cpi(3, vec![0xb]);
    let meta = STACK;
    let fetch = |f: &mut Fixture, index: u64, accounts_len: u64| {
        write_header(f, meta, 1, accounts_len);
        let result = f.call::<Sibling>([index, meta, STACK + 64, STACK + 128, STACK + 256]);
        (result.0, f.read(STACK + 128, 1))
    };
    // From B: index 0 is A (same caller); C has another caller; the first instruction's
    // CPI has another caller too.
    assert_eq!(fetch(&mut f, 0, 1), (Ok(1), vec![0xa]));
    assert_eq!(fetch(&mut f, 1, 1).0, Ok(0));
    // From C (pushed again under B): its caller is B, which has no earlier CPI.
    f.push_cpi(2, vec![0xd]);
    assert_eq!(fetch(&mut f, 0, 1).0, Ok(0));
    f.pop();
    // From the top-level instruction itself: the first top-level instruction.
    f.pop();
    f.write(STACK + 128, &[0xff]);
    assert_eq!(fetch(&mut f, 0, 0), (Ok(1), vec![0]));
}

#[test]
fn sibling_outputs_alignment_and_overlap() {
    let loader = solana_sdk_ids::bpf_loader_upgradeable::id();
    let account = vec![InstructionAccount {
        index_in_transaction: 3,
        is_signer: false,
        is_writable: false,
    }];
    let frames = vec![
        InstructionFrame::new(0, account, vec![5; 4]),
        InstructionFrame::new(0, vec![], vec![]),
    ];
    let mut f = Fixture::with_programs(loader, 1, frames);
    f.push_top_level();
    f.pop();
    f.push_top_level();
    // The header is 8-aligned.
    let (result, cu) = f.call::<Sibling>([0, STACK + 4, STACK + 64, STACK + 128, STACK + 256]);
    assert_eq!((result, cu), (Err(SyscallError::UnalignedPointer), 100));
    // Data overlapping the program id.
    write_header(&mut f, STACK, 4, 1);
    let (result, _) = f.call::<Sibling>([0, STACK, STACK + 64, STACK + 90, STACK + 256]);
    assert_eq!(result, Err(SyscallError::CopyOverlapping));
    // Accounts overlapping the header.
    let (result, _) = f.call::<Sibling>([0, STACK, STACK + 64, STACK + 128, STACK + 8]);
    assert_eq!(result, Err(SyscallError::CopyOverlapping));
    // Deprecated loader: an unaligned header is fine.
    let frames = vec![
        InstructionFrame::new(0, vec![], vec![]),
        InstructionFrame::new(0, vec![], vec![]),
    ];
    let mut f = Fixture::with_programs(solana_sdk_ids::bpf_loader_deprecated::id(), 1, frames);
    f.push_top_level();
    f.pop();
    f.push_top_level();
    write_header(&mut f, STACK + 4, 0, 0);
    let (result, _) = f.call::<Sibling>([0, STACK + 4, STACK + 64, 0xdead, 0xbeef]);
    assert_eq!(result, Ok(1));
    assert_eq!(f.read(STACK + 64, 32), key(0xA0).as_ref());
}
