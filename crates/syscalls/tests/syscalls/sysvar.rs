//! The sysvar getters.

use sbfvm_runtime::{FeatureSet, InstructionError, Pubkey, Sysvars};
use sbfvm_syscalls::sysvar;
use sbfvm_vm::SyscallError;

use crate::common::{is_access_violation, Fixture, Guest, HEAP, INPUT, RODATA, STACK};

#[test]
fn typed_sysvar_getters_charge_100_plus_size_and_copy_repr_c() {
    let mut f = Fixture::new();
    let sysvars = Sysvars::default();
    let (result, cu) = f.call::<sysvar::GetClock>([STACK, 0, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 140));
    assert_eq!(f.read(STACK, 40), sysvars.clock_repr_c().to_vec());
    let (result, cu) = f.call::<sysvar::GetEpochSchedule>([STACK, 0, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 140));
    assert_eq!(f.read(STACK, 40), sysvars.epoch_schedule_repr_c().to_vec());
    f.write(STACK, &[0xee; 24]);
    let (result, cu) = f.call::<sysvar::GetRent>([STACK, 0, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 124));
    assert_eq!(f.read(STACK, 24), sysvars.rent.to_repr_c().to_vec());
    assert_eq!(f.read(STACK + 17, 7), vec![0; 7], "padding is zeroed");
    let (result, cu) = f.call::<sysvar::GetEpochRewards>([STACK, 0, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 196));
    assert_eq!(f.read(STACK, 96), sysvars.epoch_rewards_repr_c().to_vec());
    let (result, cu) = f.call::<sysvar::GetLastRestartSlot>([STACK, 0, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 108));
}

#[test]
fn typed_sysvar_getters_alignment_and_pointer_checks() {
    let mut f = Fixture::new();
    let (result, cu) = f.call::<sysvar::GetClock>([STACK + 4, 0, 0, 0, 0]);
    assert_eq!((result, cu), (Err(SyscallError::UnalignedPointer), 140));
    // EpochRewards is 16-aligned.
    let (result, _) = f.call::<sysvar::GetEpochRewards>([STACK + 8, 0, 0, 0, 0]);
    assert_eq!(result, Err(SyscallError::UnalignedPointer));
    // SIMD-0459: destinations in the input region are rejected after the charge.
    let (result, cu) = f.call::<sysvar::GetRent>([INPUT, 0, 0, 0, 0]);
    assert_eq!((result, cu), (Err(SyscallError::InvalidPointer), 124));
    assert_eq!(SyscallError::InvalidPointer.to_string(), "Invalid pointer");
    let (result, _) = f.call::<sysvar::GetRent>([INPUT - 1, 0, 0, 0, 0]);
    assert!(matches!(result, Err(SyscallError::Memory(_))));
    // Deprecated-loader programs always get UnalignedPointer, even for a valid pointer.
    let mut f = Fixture::deprecated();
    let (result, cu) = f.call::<sysvar::GetClock>([STACK, 0, 0, 0, 0]);
    assert_eq!((result, cu), (Err(SyscallError::UnalignedPointer), 140));
}

#[test]
fn get_sysvar_return_codes_and_charges() {
    let mut f = Fixture::new();
    let clock_id = solana_sdk_ids::sysvar::clock::id();
    f.write(HEAP, clock_id.as_ref());
    let data = Sysvars::default()
        .account_data(&clock_id)
        .expect("clock is provided");
    // 0: copied.
    let (result, cu) = f.call::<sysvar::GetSysvar>([HEAP, STACK, 8, 16, 0]);
    assert_eq!((result, cu), (Ok(0), 110));
    assert_eq!(f.read(STACK, 16), data[8..24].to_vec());
    // 1: offset + length beyond the data; nothing written.
    f.write(STACK, &[0xaa; 8]);
    let (result, cu) = f.call::<sysvar::GetSysvar>([HEAP, STACK, 33, 8, 0]);
    assert_eq!((result, cu), (Ok(1), 110));
    assert_eq!(f.read(STACK, 8), vec![0xaa; 8]);
    // 2: unknown sysvar.
    f.write(HEAP + 64, Pubkey::new_unique().as_ref());
    let (result, _) = f.call::<sysvar::GetSysvar>([HEAP + 64, STACK, 0, 8, 0]);
    assert_eq!(result, Ok(2));
    // The charge: 100 + ⌊32/250⌋ + max(⌊len/250⌋, 10).
    let (result, cu) = f.call::<sysvar::GetSysvar>([HEAP, STACK, 0, 3000, 0]);
    assert_eq!((result, cu), (Ok(1), 112));
}

#[test]
fn get_sysvar_pointer_checks_in_agave_order() {
    let mut f = Fixture::new();
    f.write(HEAP, solana_sdk_ids::sysvar::clock::id().as_ref());
    // Destination in the input region: InvalidPointer after the charge.
    let (result, cu) = f.call::<sysvar::GetSysvar>([HEAP, INPUT, 0, 8, 0]);
    assert_eq!((result, cu), (Err(SyscallError::InvalidPointer), 110));
    let (result, _) = f.call::<sysvar::GetSysvar>([HEAP, u64::MAX, 0, 0, 0]);
    assert_eq!(result, Err(SyscallError::InvalidPointer));
    // Bad destination and bad id: the destination (Store into read-only) is reported.
    let (result, _) = f.call::<sysvar::GetSysvar>([0x9_0000_0000, RODATA, 0, 8, 0]);
    let Err(SyscallError::Memory(text)) = &result else {
        panic!("{result:?}")
    };
    assert!(text.contains("0x100000000"), "{text}");
    // Zero length translates no destination; the id still is.
    let (result, _) = f.call::<sysvar::GetSysvar>([0x9_0000_0000, RODATA, 0, 0, 0]);
    let Err(SyscallError::Memory(text)) = &result else {
        panic!("{result:?}")
    };
    assert!(text.contains("0x900000000"), "{text}");
    // offset + length overflowing is an instruction error.
    let (result, _) = f.call::<sysvar::GetSysvar>([HEAP, STACK, u64::MAX, 1, 0]);
    assert_eq!(
        result,
        Err(SyscallError::Instruction(
            InstructionError::ArithmeticOverflow
        ))
    );
    // Deprecated loader: UnalignedPointer whatever the arguments.
    let mut f = Fixture::deprecated();
    let (result, cu) = f.call::<sysvar::GetSysvar>([0, 0, 0, 0, 0]);
    assert_eq!((result, cu), (Err(SyscallError::UnalignedPointer), 110));
}

#[test]
fn sysvar_pointer_checks_need_syscall_parameter_address_restrictions() {
    // Agave 2.1 (no SIMD-0459): a deprecated-loader caller is served, unaligned.
    let mut f = Fixture::deprecated().with_features(FeatureSet::none());
    let (result, cu) = f.call::<sysvar::GetClock>([STACK + 4, 0, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 140));
    assert_eq!(
        f.read(STACK + 4, 40),
        Sysvars::default().clock_repr_c().to_vec()
    );
    let clock_id = solana_sdk_ids::sysvar::clock::id();
    f.write(HEAP + 1, clock_id.as_ref());
    let (result, cu) = f.call::<sysvar::GetSysvar>([HEAP + 1, STACK + 3, 0, 8, 0]);
    assert_eq!((result, cu), (Ok(0), 110));
    // A destination in the input region is written like any other.
    let mut f = Fixture::new().with_features(FeatureSet::none());
    let (result, _) = f.call::<sysvar::GetLastRestartSlot>([INPUT + 8, 0, 0, 0, 0]);
    assert_eq!(result, Ok(0));
    assert_eq!(f.read_u64(INPUT + 8), Sysvars::default().last_restart_slot);
    f.write(HEAP, clock_id.as_ref());
    let (result, _) = f.call::<sysvar::GetSysvar>([HEAP, INPUT, 0, 8, 0]);
    assert_eq!(result, Ok(0));
    // …and one past the mapped memory is an access violation, not InvalidPointer.
    let (result, cu) = f.call::<sysvar::GetRent>([0x9_0000_0000, 0, 0, 0, 0]);
    assert!(is_access_violation(&result), "{result:?}");
    assert_eq!(cu, 124);
    // Alignment is still checked for other loaders.
    let (result, _) = f.call::<sysvar::GetClock>([STACK + 4, 0, 0, 0, 0]);
    assert_eq!(result, Err(SyscallError::UnalignedPointer));
}

#[test]
fn get_sysvar_serves_slot_hashes_and_stake_history_sized_as_on_mainnet() {
    let mut f = Fixture::new();
    for (id, size) in [
        (solana_sdk_ids::sysvar::slot_hashes::id(), 20_488),
        (solana_sdk_ids::sysvar::stake_history::id(), 16_392),
    ] {
        f.write(HEAP, id.as_ref());
        f.write(STACK, &[0xaa; 8]);
        // The count of the default (empty) list.
        let (result, cu) = f.call::<sysvar::GetSysvar>([HEAP, STACK, 0, 8, 0]);
        assert_eq!((result, cu), (Ok(0), 110), "{id}");
        assert_eq!(f.read(STACK, 8), vec![0; 8]);
        // The account is sized for 512 entries: its last 8 bytes are readable, one more is not.
        let (result, _) = f.call::<sysvar::GetSysvar>([HEAP, STACK, size - 8, 8, 0]);
        assert_eq!(result, Ok(0), "{id}");
        let (result, _) = f.call::<sysvar::GetSysvar>([HEAP, STACK, size - 7, 8, 0]);
        assert_eq!(result, Ok(1), "{id}");
    }
}

#[test]
fn the_fees_getter_copies_lamports_per_signature_or_fails_unsupported() {
    // Registered only while disable_fees_sysvar is inactive (it is active on mainnet).
    let budget = sbfvm_runtime::ComputeBudget::default();
    let mainnet = sbfvm_syscalls::create_environment(&FeatureSet::mainnet(), &budget).unwrap();
    assert_eq!(mainnet.syscall_support("sol_get_fees_sysvar"), None);
    let mut features = FeatureSet::mainnet();
    features.deactivate(&sbfvm_runtime::features::ids::DISABLE_FEES_SYSVAR);
    let environment = sbfvm_syscalls::create_environment(&features, &budget).unwrap();
    assert_eq!(
        environment.syscall_support("sol_get_fees_sysvar"),
        Some(sbfvm_vm::SyscallSupport::Implemented)
    );
    // Not provided (the default): UnsupportedSysvar after the charge and the translation.
    let mut f = Fixture::new().with_features(features);
    f.write(STACK, &[0xee; 8]);
    let (result, cu) = f.call::<sysvar::GetFees>([STACK, 0, 0, 0, 0]);
    assert_eq!(
        (result, cu),
        (
            Err(SyscallError::Instruction(
                InstructionError::UnsupportedSysvar
            )),
            108
        )
    );
    assert_eq!(f.read(STACK, 8), vec![0xee; 8]);
    let (result, _) = f.call::<sysvar::GetFees>([STACK + 4, 0, 0, 0, 0]);
    assert_eq!(result, Err(SyscallError::UnalignedPointer));
    let (result, _) = f.call::<sysvar::GetFees>([INPUT, 0, 0, 0, 0]);
    assert_eq!(result, Err(SyscallError::InvalidPointer));
    let (result, cu) = f.call::<sysvar::GetFees>([RODATA, 0, 0, 0, 0]);
    assert!(is_access_violation(&result), "{result:?}");
    assert_eq!(cu, 108);
    // Provided: its 8 bytes.
    f.invoke_context.sysvars = std::rc::Rc::new(Sysvars {
        fees: Some(5_000),
        ..Sysvars::default()
    });
    let (result, cu) = f.call::<sysvar::GetFees>([STACK, 0, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 108));
    assert_eq!(f.read(STACK, 8), 5_000u64.to_le_bytes().to_vec());
}

/// `sol_get_clock_sysvar` stores the five fields straight into the destination (no
/// intermediate array): the bytes are exactly Clock's `repr(C)` layout, negative
/// timestamps included, and the bytes after it are untouched.
#[test]
fn the_clock_getter_stores_each_field_in_repr_c_order() {
    let mut f = Fixture::new();
    let mut sysvars = Sysvars::default();
    sysvars.clock.slot = 0x0102_0304_0506_0708;
    sysvars.clock.epoch_start_timestamp = -2;
    sysvars.clock.epoch = 77;
    sysvars.clock.leader_schedule_epoch = 78;
    sysvars.clock.unix_timestamp = -1_700_000_000;
    f.invoke_context.sysvars = std::rc::Rc::new(sysvars);
    f.write(STACK, &[0xee; 48]);
    let (result, cu) = f.call::<sysvar::GetClock>([STACK, 0, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 140));
    let mut expected = Vec::new();
    expected.extend_from_slice(&0x0102_0304_0506_0708u64.to_le_bytes());
    expected.extend_from_slice(&(-2i64).to_le_bytes());
    expected.extend_from_slice(&77u64.to_le_bytes());
    expected.extend_from_slice(&78u64.to_le_bytes());
    expected.extend_from_slice(&(-1_700_000_000i64).to_le_bytes());
    expected.extend_from_slice(&[0xee; 8]);
    assert_eq!(f.read(STACK, 48), expected);
}
