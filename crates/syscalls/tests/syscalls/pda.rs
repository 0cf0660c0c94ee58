//! `sol_create_program_address`, `sol_try_find_program_address`.

use sbfvm_runtime::{InstructionError, Pubkey};
use sbfvm_syscalls::pda;
use sbfvm_vm::SyscallError;

use crate::common::{is_access_violation, Fixture, Guest, HEAP, STACK};

#[test]
fn create_program_address_charges_1500_and_writes_the_address() {
    let mut f = Fixture::new();
    let program = Pubkey::new_unique();
    f.write(HEAP + 256, b"seed");
    f.write(HEAP + 512, program.as_ref());
    f.write_slices(HEAP, &[(HEAP + 256, 4)]);
    let (result, cu) = f.call::<pda::CreateProgramAddress>([HEAP, 1, HEAP + 512, STACK, 0]);
    assert_eq!(cu, 1_500);
    let expected = sbfvm_runtime::pda::create_program_address(&[b"seed"], &program);
    match expected {
        Ok(address) => {
            assert_eq!(result, Ok(0));
            assert_eq!(f.read(STACK, 32), address.as_ref());
        }
        Err(_) => assert_eq!(result, Ok(1)),
    }
}

#[test]
fn create_program_address_seed_limits() {
    let mut f = Fixture::new();
    f.write_slices(HEAP, &[(HEAP + 1024, 1); 17]);
    let (result, cu) = f.call::<pda::CreateProgramAddress>([HEAP, 17, HEAP + 512, STACK, 0]);
    assert_eq!(cu, 1_500);
    let error = result.unwrap_err();
    assert_eq!(
        error.to_string(),
        "Could not create program address with signer seeds: \
         Length of the seed is too long for address generation"
    );
    // The seed array is translated before the count check.
    let (result, _) = f.call::<pda::CreateProgramAddress>([0xdead, 17, HEAP + 512, STACK, 0]);
    assert!(is_access_violation(&result));
    // A seed over 32 bytes aborts even if a later seed is unmapped; an earlier unmapped
    // seed faults first.
    f.write_slices(HEAP, &[(HEAP + 1024, 33), (0x9_0000_0000, 1)]);
    let (result, _) = f.call::<pda::CreateProgramAddress>([HEAP, 2, HEAP + 512, STACK, 0]);
    assert!(matches!(result, Err(SyscallError::BadSeeds(_))));
    f.write_slices(HEAP, &[(0x9_0000_0000, 1), (HEAP + 1024, 33)]);
    let (result, _) = f.call::<pda::CreateProgramAddress>([HEAP, 2, HEAP + 512, STACK, 0]);
    assert!(is_access_violation(&result));
}

#[test]
fn try_find_program_address_charges_1500_per_attempt() {
    let mut f = Fixture::new();
    let program = Pubkey::new_unique();
    f.write(HEAP + 512, program.as_ref());
    // Try a few seeds so that at least one needs more than one bump.
    let mut saw_retry = false;
    for n in 0u8..32 {
        f.write(HEAP + 256, &[n]);
        f.write_slices(HEAP, &[(HEAP + 256, 1)]);
        let (result, cu) =
            f.call::<pda::TryFindProgramAddress>([HEAP, 1, HEAP + 512, STACK, STACK + 64]);
        let (address, bump) =
            sbfvm_runtime::pda::try_find_program_address(&[&[n]], &program).unwrap();
        assert_eq!(result, Ok(0));
        assert_eq!(cu, 1_500 * (256 - u64::from(bump)));
        assert_eq!(f.read(STACK, 32), address.as_ref());
        assert_eq!(f.read(STACK + 64, 1), vec![bump]);
        saw_retry |= bump < 255;
    }
    assert!(saw_retry);
}

#[test]
fn try_find_program_address_with_16_seeds_fails_every_bump() {
    let mut f = Fixture::new();
    f.write_slices(HEAP, &[(HEAP + 1024, 1); 16]);
    let (result, cu) =
        f.call::<pda::TryFindProgramAddress>([HEAP, 16, HEAP + 512, STACK, STACK + 64]);
    assert_eq!((result, cu), (Ok(1), 1_500 * 256));
    // Out of units in the loop: the meter drains.
    f.set_remaining(10_000);
    let (result, cu) =
        f.call::<pda::TryFindProgramAddress>([HEAP, 16, HEAP + 512, STACK, STACK + 64]);
    assert_eq!(
        result,
        Err(SyscallError::Instruction(
            InstructionError::ComputationalBudgetExceeded
        ))
    );
    assert_eq!(cu, 10_000);
}

#[test]
fn try_find_program_address_outputs_must_not_overlap() {
    let mut f = Fixture::new();
    f.write(HEAP + 512, Pubkey::new_unique().as_ref());
    f.write_slices(HEAP, &[(HEAP + 256, 0)]);
    // Bump byte inside the address.
    let (result, cu) =
        f.call::<pda::TryFindProgramAddress>([HEAP, 1, HEAP + 512, STACK, STACK + 31]);
    assert_eq!(result, Err(SyscallError::CopyOverlapping));
    assert!(cu >= 1_500 && cu % 1_500 == 0);
    assert_eq!(f.read(STACK, 32), vec![0; 32], "nothing written");
    // Right after the address is fine.
    let (result, _) =
        f.call::<pda::TryFindProgramAddress>([HEAP, 1, HEAP + 512, STACK, STACK + 32]);
    assert_eq!(result, Ok(0));
    // The bump output is translated first: both unmapped → the bump's address is reported.
    let (result, _) =
        f.call::<pda::TryFindProgramAddress>([HEAP, 1, HEAP + 512, 0x9_0000_0000, 0x8_0000_0000]);
    let Err(SyscallError::Memory(text)) = &result else {
        panic!("{result:?}")
    };
    assert!(text.contains("0x800000000"), "{text}");
}
