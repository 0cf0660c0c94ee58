//! Each check of `cpi_common` (`solana-program-runtime 4.4.0, src/cpi.rs`), step by step,
//! for both ABIs.

use sbfvm_syscalls::cpi::{
    check_authorized_program, translate_signers, update_callee_account, update_caller_account,
};
use solana_sdk_ids::{ed25519_program, loader_v4, secp256k1_program, secp256r1_program};

use super::*;
use crate::common::{is_access_violation, ix_error, INPUT, RODATA, UNMAPPED};
use sbfvm_runtime::InstructionError as IxError;

// =====================================================================================
// A baseline: the successful CPI the failure tests start from.
// =====================================================================================

#[test]
fn baseline_cpi_succeeds_with_the_expected_charges_logs_and_callee_view() {
    for abi in ABIS {
        let mut f = Cpi::new();
        let seen = f.record();
        let ix = instruction(stub_id(), vec![f.w(B), f.ro(C)], vec![1, 2, 3]);
        let (result, cu) = f.cpi(abi, &ix, &[C, B], &[]);
        assert_eq!(result, Ok(0), "{abi:?}");
        assert_eq!(cu, INVOKE + ix_cost(2, 3) + info_cost(2) + STUB_UNITS);
        assert_eq!(f.new_logs(), invoke_logs(&stub_id()));
        let seen = seen.borrow();
        assert_eq!(seen.len(), 2);
        assert_eq!(
            seen[0],
            Seen {
                key: f.key(B),
                signer: false,
                writable: true,
                lamports: 2_000,
                data: vec![0x22; 20],
                owner: caller_id(),
            }
        );
        assert_eq!((seen[1].key, seen[1].writable), (f.key(C), false));
        // The frame is in the trace, under the caller, with the instruction's data.
        let trace = f.ic.transaction_context.trace();
        let frame = trace.last().unwrap();
        assert_eq!((frame.nesting_level, frame.caller_index), (1, Some(0)));
        assert_eq!(frame.data, vec![1, 2, 3]);
        assert_eq!(frame.program_account_index, STUB as u16);
    }
}

// =====================================================================================
// Step 1: the base charge.
// =====================================================================================

#[test]
fn step1_base_charge_of_946_drains_the_meter_when_short() {
    for abi in ABIS {
        let mut f = Cpi::new();
        // Nothing is translated: every address is garbage.
        let garbage = [UNMAPPED, UNMAPPED, 3, UNMAPPED, 2];
        f.assert_drains_meter(abi, garbage, INVOKE - 1);
        // Exactly 946: the base charge passes and the instruction is translated next.
        f.set_remaining(INVOKE);
        f.assert_access_violation_after_base_charge(abi, garbage);
    }
}

#[test]
fn step1_then_the_instruction_byte_charge_drains_the_meter() {
    for abi in ABIS {
        let mut f = Cpi::new();
        let ix_addr = f.stub_ix(abi, vec![], vec![0; 250]);
        f.assert_drains_meter(abi, [ix_addr, UNMAPPED, 0, 0, 0], INVOKE);
    }
}

// =====================================================================================
// Step 2: the instruction.
// =====================================================================================

#[test]
fn step2_unaligned_instruction_is_rejected_by_aligned_callers_only() {
    assert_eq!(
        SyscallError::UnalignedPointer.to_string(),
        "Unaligned pointer"
    );
    for (abi, deprecated) in ABIS_AND_CALLERS {
        // A deprecated-loader caller checks no alignment at all.
        let (expected, units) = if deprecated {
            (Ok(0), INVOKE + STUB_UNITS)
        } else {
            (Err(SyscallError::UnalignedPointer), INVOKE)
        };
        let mut f = Cpi::with_deprecated_loader(deprecated);
        let ix_addr = f.stub_ix(abi, vec![f.w(B)], vec![]);
        let bytes = f.read(ix_addr, abi.instruction_size());
        let odd = f.alloc(bytes.len() + 1, 8) + 1;
        f.write(odd, &bytes);
        let infos = f.infos(abi, &[B]);
        let (result, cu) = f.invoke(abi, [odd, infos, 1, 0, 0]);
        assert_eq!(result, expected, "{abi:?} {deprecated}");
        assert_eq!(cu, units);
    }
}

#[test]
fn step2_c_metas_need_8_alignment_rust_metas_do_not() {
    for abi in ABIS {
        let mut f = Cpi::new();
        let ix_addr = f.stub_ix(abi, vec![f.w(B)], vec![]);
        let [accounts_addr_off, _, _, _] = abi.ix_offsets();
        let metas_addr = f.read_u64(ix_addr + accounts_addr_off);
        let (_, _, meta_size) = abi.meta_layout();
        let meta = f.read(metas_addr, meta_size as usize);
        let odd = f.alloc(meta.len() + 1, 8) + 1;
        f.write(odd, &meta);
        f.write_u64(ix_addr + accounts_addr_off, odd);
        let infos = f.infos(abi, &[B]);
        let (result, cu) = f.invoke(abi, [ix_addr, infos, 1, 0, 0]);
        match abi {
            Abi::C => {
                assert_eq!(result, Err(SyscallError::UnalignedPointer));
                assert_eq!(cu, INVOKE);
            }
            Abi::Rust => {
                assert_eq!(result, Ok(0));
                assert_eq!(cu, INVOKE + STUB_UNITS);
            }
        }
    }
}

#[test]
fn step2_c_program_id_and_pubkeys_need_no_alignment() {
    let mut f = Cpi::new();
    let ix_addr = f.stub_ix(Abi::C, vec![f.w(B)], vec![]);
    let program_id = f.alloc(33, 8) + 1;
    f.write(program_id, stub_id().as_ref());
    f.write_u64(ix_addr, program_id);
    let metas = f.read_u64(ix_addr + 8);
    let pubkey = f.alloc(33, 8) + 1;
    let b = f.key(B);
    f.write(pubkey, b.as_ref());
    f.write_u64(metas, pubkey);
    let infos = f.infos(Abi::C, &[B]);
    let (result, _) = f.invoke(Abi::C, [ix_addr, infos, 1, 0, 0]);
    assert_eq!(result, Ok(0));
}

#[test]
fn step2_instruction_metas_and_data_out_of_region_are_access_violations() {
    for abi in ABIS {
        // The instruction itself runs past the end of the heap.
        let mut f = Cpi::new();
        f.assert_access_violation_after_base_charge(abi, [HEAP_END - 8, 0, 0, 0, 0]);

        let ix = instruction(stub_id(), vec![f.w(B)], vec![7; 4]);
        let [accounts_off, _, data_off, _] = abi.ix_offsets();
        // The metas run past the end of the heap.
        let ix_addr = f.ix(abi, &ix);
        f.write_u64(ix_addr + accounts_off, HEAP_END - 8);
        f.assert_access_violation_after_base_charge(abi, [ix_addr, 0, 0, 0, 0]);
        // The data runs past the end of the heap.
        let ix_addr = f.ix(abi, &ix);
        f.write_u64(ix_addr + data_off, HEAP_END - 2);
        f.assert_access_violation_after_base_charge(abi, [ix_addr, 0, 0, 0, 0]);
    }
    // C only: the program id is behind a pointer too, translated before the metas.
    let mut f = Cpi::new();
    let ix_addr = f.stub_ix(Abi::C, vec![f.w(B)], vec![]);
    f.write_u64(ix_addr, UNMAPPED);
    f.write_u64(ix_addr + 16, u64::MAX); // absurd metas: not reached
    f.assert_access_violation_after_base_charge(Abi::C, [ix_addr, 0, 0, 0, 0]);
}

#[test]
fn step2_absurd_lengths_fail_translation_not_the_limit_check() {
    for abi in ABIS {
        let mut f = Cpi::new();
        let ix = instruction(stub_id(), vec![f.w(B)], vec![7; 4]);
        let [_, accounts_len_off, _, data_len_off] = abi.ix_offsets();
        for (offset, len, expect_invalid_length) in [
            (accounts_len_off, u64::MAX, true),
            (accounts_len_off, 1 << 40, false),
            (data_len_off, u64::MAX, true),
            (data_len_off, 1 << 40, false),
        ] {
            let ix_addr = f.ix(abi, &ix);
            f.write_u64(ix_addr + offset, len);
            let (result, cu) = f.invoke(abi, [ix_addr, 0, 0, 0, 0]);
            if expect_invalid_length {
                assert_eq!(result, Err(SyscallError::InvalidLength), "{abi:?} {offset}");
                assert_eq!(result.unwrap_err().to_string(), "InvalidLength");
            } else {
                assert!(is_access_violation(&result), "{abi:?} {offset}: {result:?}");
            }
            assert_eq!(cu, INVOKE, "no byte charge before the translations succeed");
        }
    }
}

#[test]
fn step2_more_than_255_metas_or_10240_data_bytes_fail_before_the_byte_charge() {
    for abi in ABIS {
        let mut f = Cpi::new();
        let cases = [
            // Both limits exceeded: the metas are checked before the data.
            (
                vec![f.ro(B); 256],
                SyscallError::MaxInstructionAccountsExceeded {
                    num_accounts: 256,
                    max_accounts: 255,
                },
                "Invoked an instruction with too many accounts (256 > 255)",
            ),
            (
                vec![f.w(B)],
                SyscallError::MaxInstructionDataLenExceeded {
                    data_len: 10_241,
                    max_data_len: 10_240,
                },
                "Invoked an instruction with data that is too large (10241 > 10240)",
            ),
        ];
        for (metas, expected, text) in cases {
            let ix_addr = f.stub_ix(abi, metas, vec![0; 10_241]);
            let (result, cu) = f.invoke(abi, [ix_addr, 0, 0, 0, 0]);
            assert_error(result, expected, text, abi);
            assert_eq!(cu, INVOKE, "the limits are checked before the byte charge");
        }
    }
}

#[test]
fn step2_255_metas_pass_and_are_charged_34_units() {
    for abi in ABIS {
        let mut f = Cpi::new();
        let ix = instruction(stub_id(), vec![f.ro(B); 255], vec![]);
        let (result, cu) = f.cpi(abi, &ix, &[B], &[]);
        assert_eq!(result, Ok(0), "{abi:?}");
        // ⌊34·255/250⌋ = 34.
        assert_eq!(ix_cost(255, 0), 34);
        assert_eq!(cu, INVOKE + 34 + info_cost(1) + STUB_UNITS);
    }
}

#[test]
fn step2_10240_data_bytes_pass_and_cost_40_units() {
    for abi in ABIS {
        let mut f = Cpi::new();
        let seen = f.record();
        let ix = instruction(stub_id(), vec![f.w(B)], vec![9; 10_240]);
        let (result, cu) = f.cpi(abi, &ix, &[B], &[]);
        assert_eq!(result, Ok(0), "{abi:?}");
        // ⌊10240/250⌋ = 40.
        assert_eq!(cu, INVOKE + 40 + STUB_UNITS);
        assert_eq!(seen.borrow().len(), 1);
        let trace = f.ic.transaction_context.trace();
        assert_eq!(trace.last().unwrap().data, vec![9; 10_240]);
    }
}

#[test]
fn step2_byte_charge_sums_two_floors_and_uses_34_bytes_per_meta_for_both_abis() {
    for abi in ABIS {
        // 249 data bytes (0 units) and 8 metas (272 bytes: 1 unit); ⌊521/250⌋ would be 2,
        // and 16-byte C metas (128 bytes) would be 0. The first meta's bool byte is 2, so
        // the call fails right after the charge.
        let mut f = Cpi::new();
        let ix_addr = f.stub_ix(abi, vec![f.ro(B); 8], vec![0; 249]);
        let [accounts_off, _, _, _] = abi.ix_offsets();
        let metas = f.read_u64(ix_addr + accounts_off);
        let (signer_off, _, _) = abi.meta_layout();
        f.write(metas + signer_off, &[2]);
        let (result, cu) = f.invoke(abi, [ix_addr, 0, 0, 0, 0]);
        assert_eq!(result, ix_error(IxError::InvalidArgument), "{abi:?}");
        assert_eq!(ix_cost(8, 249), 1);
        assert_eq!(cu, INVOKE + 1);
        // One unit short of that charge: the meter drains before the bool bytes are read.
        f.assert_drains_meter(abi, [ix_addr, 0, 0, 0, 0], INVOKE);
    }
}

#[test]
fn step2_bool_bytes_above_one_are_invalid_argument() {
    for abi in ABIS {
        let (signer_off, writable_off, meta_size) = abi.meta_layout();
        for (offset, value) in [(signer_off, 2u8), (writable_off, 2), (signer_off, 0xff)] {
            let mut f = Cpi::new();
            let ix_addr = f.stub_ix(abi, vec![f.w(B), f.w(B)], vec![]);
            let [accounts_off, _, _, _] = abi.ix_offsets();
            let metas = f.read_u64(ix_addr + accounts_off);
            // The second meta is bad: the first translated fine.
            f.write(metas + meta_size + offset, &[value]);
            let (result, cu) = f.invoke(abi, [ix_addr, 0, 0, 0, 0]);
            assert_eq!(
                result,
                ix_error(IxError::InvalidArgument),
                "{abi:?} {offset}"
            );
            assert_eq!(cu, INVOKE);
        }
    }
}

#[test]
fn step2_c_meta_pubkey_pointer_is_translated_after_its_bool_bytes() {
    let mut f = Cpi::new();
    let ix_addr = f.stub_ix(Abi::C, vec![f.w(B), f.w(B)], vec![]);
    let metas = f.read_u64(ix_addr + 8);
    // Meta 0's pubkey pointer is out of region; meta 1 has a bad bool byte.
    f.write_u64(metas, UNMAPPED);
    f.write(metas + 16 + 9, &[2]);
    let (result, cu) = f.invoke(Abi::C, [ix_addr, 0, 0, 0, 0]);
    assert!(is_access_violation(&result), "meta 0 first: {result:?}");
    assert_eq!(cu, INVOKE);
    // Meta 0 with both: its bool bytes are checked before its pubkey.
    f.write(metas + 8, &[2]);
    let (result, _) = f.invoke(Abi::C, [ix_addr, 0, 0, 0, 0]);
    assert_eq!(result, ix_error(IxError::InvalidArgument));
    // A pubkey pointer running past the end of the heap.
    f.write(metas + 8, &[1]);
    f.write_u64(metas, HEAP_END - 16);
    let (result, _) = f.invoke(Abi::C, [ix_addr, 0, 0, 0, 0]);
    assert!(is_access_violation(&result), "{result:?}");
}

// =====================================================================================
// Step 3: signers.
// =====================================================================================

#[test]
fn step3_more_than_16_signers_is_too_many_signers_after_translating_the_array() {
    for abi in ABIS {
        let mut f = Cpi::new();
        let pda_seeds = f.pda_seeds.clone();
        let (ix_addr, infos) = f.stub_with_b(abi);
        let (signers, _) = f.signers(&vec![pda_seeds.clone(); 17]);
        let (result, cu) = f.invoke(abi, [ix_addr, infos, 1, signers, 17]);
        let error = result.unwrap_err();
        assert_eq!(error, SyscallError::TooManySigners, "{abi:?}");
        assert_eq!(error.to_string(), "Too many signers");
        assert_eq!(cu, INVOKE);
        // The array is translated first: 17 signers at an unmapped address fault.
        let (result, _) = f.invoke(abi, [ix_addr, infos, 1, UNMAPPED, 17]);
        assert!(is_access_violation(&result), "{abi:?}: {result:?}");
        // And it is aligned like any VmSlice array.
        let (result, _) = f.invoke(abi, [ix_addr, infos, 1, signers + 1, 1]);
        assert_eq!(result, Err(SyscallError::UnalignedPointer), "{abi:?}");
        // 16 are fine.
        let (result, cu) = f.invoke(abi, [ix_addr, infos, 1, signers, 16]);
        assert_eq!(result, Ok(0), "{abi:?}");
        assert_eq!(cu, INVOKE + STUB_UNITS);
    }
}

#[test]
fn step3_more_than_16_seeds_is_the_instruction_error_max_seed_length_exceeded() {
    for abi in ABIS {
        let mut f = Cpi::new();
        let (ix_addr, infos) = f.stub_with_b(abi);
        let seventeen = vec![vec![1u8]; 17];
        let (signers, n) = f.signers(&[seventeen]);
        let (result, cu) = f.invoke(abi, [ix_addr, infos, 1, signers, n]);
        assert_eq!(result, ix_error(IxError::MaxSeedLengthExceeded), "{abi:?}");
        assert_eq!(cu, INVOKE);
        // The seed array is translated before it is counted.
        let bogus = f.put_u64s(&[UNMAPPED, 17]);
        let (result, _) = f.invoke(abi, [ix_addr, infos, 1, bogus, 1]);
        assert!(is_access_violation(&result), "{abi:?}: {result:?}");
        // 16 seeds (bump included) are fine.
        let (_, sixteen) = off_curve(vec![vec![7u8]; 15], &caller_id());
        let (signers, n) = f.signers(&[sixteen]);
        let (result, _) = f.invoke(abi, [ix_addr, infos, 1, signers, n]);
        assert_eq!(result, Ok(0), "{abi:?}");
    }
}

#[test]
fn step3_a_33_byte_seed_is_bad_seeds_max_seed_length_exceeded() {
    for abi in ABIS {
        let mut f = Cpi::new();
        let (ix_addr, infos) = f.stub_with_b(abi);
        let (signers, n) = f.signers(&[vec![vec![0u8; 33]]]);
        let (result, cu) = f.invoke(abi, [ix_addr, infos, 1, signers, n]);
        let reason = "Length of the seed is too long for address generation";
        let text = format!("Could not create program address with signer seeds: {reason}");
        assert_error(result, SyscallError::BadSeeds(reason.into()), &text, abi);
        assert_eq!(cu, INVOKE);
        // Every seed's bytes are translated before the derivation: an unmapped 33-byte
        // seed faults instead.
        let bogus_seeds = f.put_u64s(&[UNMAPPED, 33]);
        let bogus = f.put_u64s(&[bogus_seeds, 1]);
        let (result, _) = f.invoke(abi, [ix_addr, infos, 1, bogus, 1]);
        assert!(is_access_violation(&result), "{abi:?}: {result:?}");
    }
}

#[test]
fn step3_seeds_hashing_onto_the_curve_are_bad_seeds_invalid_seeds() {
    for abi in ABIS {
        let mut f = Cpi::new();
        let (ix_addr, infos) = f.stub_with_b(abi);
        let on_curve = on_curve_seeds(&caller_id());
        let (signers, n) = f.signers(&[on_curve]);
        let (result, cu) = f.invoke(abi, [ix_addr, infos, 1, signers, n]);
        let reason = "Provided seeds do not result in a valid address";
        let text = format!("Could not create program address with signer seeds: {reason}");
        assert_error(result, SyscallError::BadSeeds(reason.into()), &text, abi);
        assert_eq!(cu, INVOKE);
    }
}

#[test]
fn step3_signers_are_processed_in_order_each_completely() {
    for abi in ABIS {
        let mut f = Cpi::new();
        let (ix_addr, infos) = f.stub_with_b(abi);
        let long_seed = vec![vec![0u8; 33]];
        let many_seeds = vec![vec![1u8]; 17];
        let (signers, n) = f.signers(&[long_seed.clone(), many_seeds.clone()]);
        let (result, _) = f.invoke(abi, [ix_addr, infos, 1, signers, n]);
        assert!(matches!(result, Err(SyscallError::BadSeeds(_))), "{abi:?}");
        let (signers, n) = f.signers(&[many_seeds, long_seed]);
        let (result, _) = f.invoke(abi, [ix_addr, infos, 1, signers, n]);
        assert_eq!(result, ix_error(IxError::MaxSeedLengthExceeded), "{abi:?}");
    }
}

#[test]
fn step3_zero_signers_translate_nothing_and_signers_cost_nothing() {
    for abi in ABIS {
        let mut f = Cpi::new();
        let (ix_addr, infos) = f.stub_with_b(abi);
        // A garbage (unmapped and unaligned) address with no signers.
        let (result, cu) = f.invoke(abi, [ix_addr, infos, 1, UNMAPPED + 3, 0]);
        assert_eq!(result, Ok(0), "{abi:?}");
        let without = cu;
        // 16 signers of 16 seeds each: the same units.
        let (_, seeds) = off_curve(vec![vec![0x5a; 32]; 15], &caller_id());
        let (signers, n) = f.signers(&vec![seeds; 16]);
        let (result, cu) = f.invoke(abi, [ix_addr, infos, 1, signers, n]);
        assert_eq!(result, Ok(0), "{abi:?}");
        assert_eq!(cu, without);
        assert_eq!(cu, INVOKE + STUB_UNITS);
    }
}

#[test]
fn step3_translate_signers_derives_from_the_callers_program_id() {
    let mut f = Cpi::new();
    let (pda, seeds) = caller_pda();
    let (signers, n) = f.signers(&[seeds.clone(), seeds]);
    let metadata = f.input.accounts.clone();
    let keys = with_vm_context(
        &mut f.ic,
        &mut f.mem,
        InputAbi::Aligned,
        metadata,
        |context| {
            let memory = context.memory();
            let from_caller = translate_signers(&memory, &caller_id(), signers, n);
            let from_other = translate_signers(&memory, &stub_id(), signers, n);
            (from_caller, from_other)
        },
    );
    assert_eq!(keys.0, Ok(vec![pda, pda]));
    assert_ne!(keys.1.as_deref().ok(), Some(&[pda, pda][..]));
}

// =====================================================================================
// Step 4: callee program allow-list.
// =====================================================================================

#[test]
fn step4_loaders_native_loader_and_precompiles_are_not_supported() {
    let f = Cpi::new();
    let refused = [
        native_loader::id(),
        bpf_loader::id(),
        bpf_loader_deprecated::id(),
        ed25519_program::id(),
        secp256k1_program::id(),
        secp256r1_program::id(),
    ];
    for id in refused {
        let datas: [&[u8]; 5] = [&[], &[3], &[4], &[5], &[7]];
        for data in datas {
            let error = check_authorized_program(&f.ic, &id, data).unwrap_err();
            assert_eq!(error, SyscallError::ProgramNotSupported(id));
            assert_eq!(
                error.to_string(),
                format!("Program {id} not supported by inner instructions")
            );
        }
    }
    // The upgradeable loader: only Upgrade (3), SetAuthority (4), Close (5) and, with its
    // feature, SetAuthorityChecked (7); only the first byte counts; empty data is refused.
    let upgradeable = bpf_loader_upgradeable::id();
    let table: [(&[u8], bool); 12] = [
        (&[], false),
        (&[0], false),
        (&[1], false),
        (&[2], false),
        (&[3], true),
        (&[3, 0xff, 0xff], true),
        (&[4], true),
        (&[5], true),
        (&[6], false),
        (&[7], true),
        (&[8], false),
        (&[0, 3], false),
    ];
    for (data, allowed) in table {
        let result = check_authorized_program(&f.ic, &upgradeable, data);
        if allowed {
            assert_eq!(result, Ok(()), "{data:?}");
        } else {
            assert_eq!(
                result,
                Err(SyscallError::ProgramNotSupported(upgradeable)),
                "{data:?}"
            );
        }
    }
    let mut features = FeatureSet::mainnet();
    let gate = FeatureSet::lookup_by_name("enable_bpf_loader_set_authority_checked_ix").unwrap();
    features.deactivate(&gate.id);
    let g = Cpi::build(bpf_loader_upgradeable::id(), features);
    assert_eq!(
        check_authorized_program(&g.ic, &upgradeable, &[7]),
        Err(SyscallError::ProgramNotSupported(upgradeable))
    );
    assert_eq!(check_authorized_program(&g.ic, &upgradeable, &[3]), Ok(()));
    // Loader-v4 and ordinary programs are not on the list.
    assert_eq!(
        check_authorized_program(&f.ic, &loader_v4::id(), &[]),
        Ok(())
    );
    assert_eq!(check_authorized_program(&f.ic, &stub_id(), &[]), Ok(()));
}

/// Agave asks the bank's `is_precompile`, which is `agave_precompiles::is_precompile(id,
/// |feature| feature_set.is_active(feature))`; its secp256r1 entry is gated on
/// `enable_secp256r1_precompile` (agave-precompiles `src/lib.rs`, `PRECOMPILES`; litesvm
/// 0.18.1 `src/callback.rs:21-25` wires it the same way). Without that feature secp256r1 is
/// an ordinary program id for `check_authorized_program` (program-runtime 4.4.0
/// `cpi.rs:216-241`, `invoke_context.rs:777-781`). Mainnet has the feature, so only custom
/// feature sets (conformance fixtures) differ.
#[test]
fn step4_secp256r1_is_a_precompile_only_with_its_feature() {
    let id = secp256r1_program::id();
    let mut features = FeatureSet::mainnet();
    let gate = FeatureSet::lookup_by_name("enable_secp256r1_precompile").unwrap();
    assert!(features.is_active(&gate.id), "active on mainnet");
    features.deactivate(&gate.id);
    let without = Cpi::build(bpf_loader_upgradeable::id(), features);
    assert_eq!(check_authorized_program(&without.ic, &id, &[]), Ok(()));
    let with = Cpi::new();
    assert_eq!(
        check_authorized_program(&with.ic, &id, &[]),
        Err(SyscallError::ProgramNotSupported(id))
    );
    // The other precompiles are refused whatever the feature set.
    for other in [ed25519_program::id(), secp256k1_program::id()] {
        assert_eq!(
            check_authorized_program(&without.ic, &other, &[]),
            Err(SyscallError::ProgramNotSupported(other))
        );
    }
}

#[test]
fn step4_through_the_syscall_after_the_signers() {
    for abi in ABIS {
        let mut f = Cpi::new();
        let pda_seeds = f.pda_seeds.clone();
        // Refused: charged the base and the bytes only.
        let ix = instruction(bpf_loader::id(), vec![f.w(B)], vec![0; 500]);
        let (result, cu) = f.cpi(abi, &ix, &[B], std::slice::from_ref(&pda_seeds));
        assert_eq!(
            result,
            Err(SyscallError::ProgramNotSupported(bpf_loader::id())),
            "{abi:?}"
        );
        assert_eq!(cu, INVOKE + 2);
        assert_eq!(f.new_logs(), Vec::<String>::new());
        // Step 3 comes first.
        let (result, _) = f.cpi(abi, &ix, &[B], &vec![pda_seeds.clone(); 17]);
        assert_eq!(result, Err(SyscallError::TooManySigners), "{abi:?}");
        // Allowed callees reach step 5, which refuses them as unknown programs here.
        for (id, data) in [
            (bpf_loader_upgradeable::id(), vec![3]),
            (bpf_loader_upgradeable::id(), vec![7]),
            (loader_v4::id(), vec![]),
        ] {
            let ix = instruction(id, vec![f.w(B)], data);
            let (result, cu) = f.cpi(abi, &ix, &[B], &[]);
            assert_eq!(result, ix_error(IxError::MissingAccount), "{abi:?}");
            assert_eq!(cu, INVOKE);
            assert_eq!(f.new_logs(), vec![format!("Unknown program {id}")]);
        }
        let ix = instruction(bpf_loader_upgradeable::id(), vec![f.w(B)], vec![]);
        let (result, _) = f.cpi(abi, &ix, &[B], &[]);
        assert_eq!(
            result,
            Err(SyscallError::ProgramNotSupported(
                bpf_loader_upgradeable::id()
            ))
        );
    }
}

// =====================================================================================
// Step 5: the callee frame and privileges.
// =====================================================================================

#[test]
fn step5_unknown_account_is_missing_account_with_a_log() {
    for abi in ABIS {
        let mut f = Cpi::new();
        let unknown = key(0x42);
        let (result, cu) = f.cpi_stub(abi, vec![f.w(B), AccountMeta::new(unknown, true)], &[B]);
        assert_eq!(result, ix_error(IxError::MissingAccount), "{abi:?}");
        assert_eq!(cu, INVOKE);
        assert_eq!(
            f.new_logs(),
            vec![format!(
                "Instruction references an unknown account {unknown}"
            )]
        );
        // Every meta is resolved before any privilege is checked: an escalation in an
        // earlier meta does not hide the unknown account.
        let (result, _) = f.cpi_stub(
            abi,
            vec![f.w(C), AccountMeta::new_readonly(unknown, false)],
            &[B],
        );
        assert_eq!(result, ix_error(IxError::MissingAccount), "{abi:?}");
        assert_eq!(
            f.new_logs(),
            vec![format!(
                "Instruction references an unknown account {unknown}"
            )]
        );
    }
}

#[test]
fn step5_account_outside_the_callers_instruction_is_missing_account_without_a_log() {
    for abi in ABIS {
        let mut f = Cpi::new();
        let (result, cu) = f.cpi_stub(abi, vec![f.ro(X)], &[B]);
        assert_eq!(result, ix_error(IxError::MissingAccount), "{abi:?}");
        assert_eq!(cu, INVOKE);
        assert_eq!(f.new_logs(), Vec::<String>::new());
    }
}

#[test]
fn step5_writable_and_signer_escalations_are_logged() {
    for abi in ABIS {
        let mut f = Cpi::new();
        let (result, cu) = f.cpi_stub(abi, vec![f.w(B), f.w(C)], &[B, C]);
        assert_eq!(result, ix_error(IxError::PrivilegeEscalation), "{abi:?}");
        assert_eq!(cu, INVOKE);
        assert_eq!(
            f.new_logs(),
            vec![format!("{}'s writable privilege escalated", f.key(C))]
        );
        let (result, _) = f.cpi_stub(abi, vec![AccountMeta::new(f.key(B), true)], &[B]);
        assert_eq!(result, ix_error(IxError::PrivilegeEscalation), "{abi:?}");
        assert_eq!(
            f.new_logs(),
            vec![format!("{}'s signer privilege escalated", f.key(B))]
        );
        // The writable check comes first for one account.
        let (result, _) = f.cpi_stub(abi, vec![AccountMeta::new(f.key(C), true)], &[C]);
        assert_eq!(result, ix_error(IxError::PrivilegeEscalation));
        assert_eq!(
            f.new_logs(),
            vec![format!("{}'s writable privilege escalated", f.key(C))]
        );
        // Narrowing is fine: A (signer, writable) passed read-only, not signing.
        let seen = f.record();
        let (result, _) = f.cpi_stub(abi, vec![f.ro(A)], &[A]);
        assert_eq!(result, Ok(0));
        assert_eq!(
            (seen.borrow()[0].signer, seen.borrow()[0].writable),
            (false, false)
        );
    }
}

#[test]
fn step5_a_pda_signer_of_the_caller_grants_the_signer_flag() {
    for abi in ABIS {
        let mut f = Cpi::new();
        let pda = f.key(PDA);
        let pda_seeds = f.pda_seeds.clone();
        let ix = instruction(stub_id(), vec![AccountMeta::new(pda, true)], vec![]);
        let (result, _) = f.cpi(abi, &ix, &[PDA], &[]);
        assert_eq!(result, ix_error(IxError::PrivilegeEscalation), "{abi:?}");
        assert_eq!(
            f.new_logs(),
            vec![format!("{pda}'s signer privilege escalated")]
        );
        // Other seeds derive other addresses: still refused.
        let (_, unrelated) = off_curve(vec![b"unrelated".to_vec()], &caller_id());
        let (result, _) = f.cpi(abi, &ix, &[PDA], std::slice::from_ref(&unrelated));
        assert_eq!(result, ix_error(IxError::PrivilegeEscalation));
        // With its seeds (among others) it signs.
        let seen = f.record();
        let (result, cu) = f.cpi(abi, &ix, &[PDA], &[unrelated, pda_seeds]);
        assert_eq!(result, Ok(0), "{abi:?}");
        assert_eq!(cu, INVOKE + STUB_UNITS);
        assert_eq!(seen.borrow()[0].key, pda);
        assert!(seen.borrow()[0].signer && seen.borrow()[0].writable);
    }
}

#[test]
fn step5_duplicates_merge_privileges_and_are_checked_once() {
    for abi in ABIS {
        let mut f = Cpi::new();
        // B once read-only and once writable: writable at both positions.
        let seen = f.record();
        let (result, cu) = f.cpi_stub(abi, vec![f.ro(B), f.ro(C), f.w(B)], &[B, C]);
        assert_eq!(result, Ok(0), "{abi:?}");
        assert_eq!(cu, INVOKE + info_cost(2) + STUB_UNITS);
        let seen = seen.borrow().clone();
        assert_eq!(
            seen.iter().map(|s| (s.key, s.writable)).collect::<Vec<_>>(),
            vec![(f.key(B), true), (f.key(C), false), (f.key(B), true)]
        );
        let frame = f.ic.transaction_context.trace().last().unwrap().clone();
        assert_eq!(frame.first_occurrence, vec![0, 1, 0]);
        // C read-only then writable: escalated, checked (and logged) once.
        let ix = instruction(stub_id(), vec![f.ro(C), f.w(C), f.w(C)], vec![]);
        f.new_logs();
        let (result, _) = f.cpi(abi, &ix, &[C], &[]);
        assert_eq!(result, ix_error(IxError::PrivilegeEscalation));
        assert_eq!(
            f.new_logs(),
            vec![format!("{}'s writable privilege escalated", f.key(C))]
        );
        // The signer flag of a later occurrence escalates the first one.
        let (result, _) = f.cpi_stub(
            abi,
            vec![f.w(B), AccountMeta::new_readonly(f.key(B), true)],
            &[B],
        );
        assert_eq!(result, ix_error(IxError::PrivilegeEscalation));
        assert_eq!(
            f.new_logs(),
            vec![format!("{}'s signer privilege escalated", f.key(B))]
        );
    }
}

#[test]
fn step5_callee_program_must_be_one_of_the_callers_accounts() {
    for abi in ABIS {
        let mut f = Cpi::new();
        let absent = key(0x99);
        for program_id in [absent, f.key(X), caller_id()] {
            let ix = instruction(program_id, vec![f.w(B)], vec![]);
            let (result, cu) = f.cpi(abi, &ix, &[B], &[]);
            assert_eq!(result, ix_error(IxError::MissingAccount), "{abi:?}");
            assert_eq!(cu, INVOKE);
            assert_eq!(f.new_logs(), vec![format!("Unknown program {program_id}")]);
        }
        // Account privileges are checked before the program.
        let ix = instruction(absent, vec![f.w(C)], vec![]);
        let (result, _) = f.cpi(abi, &ix, &[C], &[]);
        assert_eq!(result, ix_error(IxError::PrivilegeEscalation));
        // The program need not be in the metas nor in the infos, and no executable check
        // is made: any caller account will do (here the read-only account C, which then
        // fails to dispatch because its owner is no loader).
        let ix = instruction(f.key(C), vec![f.w(B)], vec![]);
        let (result, _) = f.cpi(abi, &ix, &[B], &[]);
        assert_eq!(result, ix_error(IxError::UnsupportedProgramId), "{abi:?}");
    }
}

// =====================================================================================
// Step 6: account infos.
// =====================================================================================

#[test]
fn step6_infos_reaching_the_input_region_are_invalid_pointer() {
    for abi in ABIS {
        let mut f = Cpi::new();
        let ix_addr = f.stub_ix(abi, vec![f.w(B)], vec![0; 250]);
        let size = abi.info_size();
        // Ends exactly at MM_INPUT_START; inside the input; length 0 at the input start;
        // a huge count (saturating).
        for (addr, len) in [
            (INPUT - size, 1),
            (INPUT + 8, 1),
            (INPUT, 0),
            (UNMAPPED, 0),
            (HEAP, u64::MAX),
        ] {
            let (result, cu) = f.invoke(abi, [ix_addr, addr, len, 0, 0]);
            assert_eq!(
                result,
                Err(SyscallError::InvalidPointer),
                "{abi:?} {addr:#x}"
            );
            assert_eq!(result.unwrap_err().to_string(), "Invalid pointer");
            assert_eq!(cu, INVOKE + 1, "no info charge");
            assert_eq!(f.new_logs(), Vec::<String>::new());
        }
        // Just below the input region with no infos: the check passes, nothing is
        // translated, and the account then has no info.
        let (result, cu) = f.invoke(abi, [ix_addr, INPUT - 1, 0, 0, 0]);
        assert_eq!(result, ix_error(IxError::MissingAccount), "{abi:?}");
        assert_eq!(cu, INVOKE + 1);
        assert_eq!(
            f.new_logs(),
            vec![format!(
                "Instruction references an unknown account {}",
                f.key(B)
            )]
        );
    }
}

#[test]
fn step6_more_than_255_infos_is_max_instruction_account_infos_exceeded() {
    for abi in ABIS {
        let mut f = Cpi::new();
        let ix_addr = f.stub_ix(abi, vec![f.w(B)], vec![]);
        let infos = f.infos(abi, &[B; 256]);
        let (result, cu) = f.invoke(abi, [ix_addr, infos, 256, 0, 0]);
        let error = result.unwrap_err();
        assert_eq!(
            error,
            SyscallError::MaxInstructionAccountInfosExceeded {
                num_account_infos: 256,
                max_account_infos: 255
            },
            "{abi:?}"
        );
        assert_eq!(
            error.to_string(),
            "Invoked an instruction with too many account info's (256 > 255)"
        );
        assert_eq!(cu, INVOKE, "checked before the info charge");
        // The array is translated before it is counted.
        let (result, _) = f.invoke(abi, [ix_addr, HEAP_END - 8, 256, 0, 0]);
        assert!(is_access_violation(&result), "{abi:?}: {result:?}");
        // 255 infos: charged ⌊80·255/250⌋ = 81.
        let (result, cu) = f.invoke(abi, [ix_addr, infos, 255, 0, 0]);
        assert_eq!(result, Ok(0), "{abi:?}");
        assert_eq!(info_cost(255), 81);
        assert_eq!(cu, INVOKE + 81 + STUB_UNITS);
    }
}

#[test]
fn step6_info_charge_is_80_bytes_per_info_for_both_abis() {
    for abi in ABIS {
        for (count, charge) in [(1u64, 0u64), (3, 0), (4, 1), (7, 2), (32, 10)] {
            let mut f = Cpi::new();
            let ix_addr = f.stub_ix(abi, vec![f.w(B)], vec![]);
            // `count` infos, none of them B's: fails after the charge and the keys.
            let infos = f.infos(abi, &vec![C; count as usize]);
            let (result, cu) = f.invoke(abi, [ix_addr, infos, count, 0, 0]);
            assert_eq!(result, ix_error(IxError::MissingAccount), "{abi:?}");
            assert_eq!(info_cost(count), charge);
            assert_eq!(cu, INVOKE + charge, "{abi:?} {count}");
            // One unit short for the info charge.
            if charge > 0 {
                f.assert_drains_meter(abi, [ix_addr, infos, count, 0, 0], INVOKE + charge - 1);
            }
        }
    }
}

#[test]
fn step6_every_info_key_is_translated_even_unused_ones() {
    for abi in ABIS {
        let mut f = Cpi::new();
        let ix_addr = f.stub_ix(abi, vec![f.w(B)], vec![]);
        let infos = f.infos(abi, &[B, C, D, E]);
        // Info 3 (E, not used by the callee) has an unmapped key pointer.
        f.write_u64(Cpi::info_addr(abi, infos, 3), UNMAPPED);
        let (result, cu) = f.invoke(abi, [ix_addr, infos, 4, 0, 0]);
        assert!(is_access_violation(&result), "{abi:?}: {result:?}");
        assert_eq!(cu, INVOKE + info_cost(4));
        // A key pointer into read-only memory is fine (keys are only loaded).
        let key_in_rodata = RODATA + 64;
        let e = f.key(E);
        f.write(key_in_rodata, e.as_ref());
        f.write_u64(Cpi::info_addr(abi, infos, 3), key_in_rodata);
        let (result, _) = f.invoke(abi, [ix_addr, infos, 4, 0, 0]);
        assert_eq!(result, Ok(0), "{abi:?}");
    }
}

#[test]
fn step6_executable_callee_accounts_need_no_info_and_cost_their_data_length() {
    for abi in ABIS {
        let mut f = Cpi::new();
        let seen = f.record();
        // P (executable, 1,000 bytes) and the stub itself (0 bytes) without infos.
        let ix = instruction(stub_id(), vec![f.ro(P), f.w(B), f.ro(STUB)], vec![]);
        let (result, cu) = f.cpi(abi, &ix, &[B], &[]);
        assert_eq!(result, Ok(0), "{abi:?}");
        assert_eq!(
            cu,
            INVOKE + ix_cost(3, 0) + info_cost(1) + 1_000 / 250 + STUB_UNITS
        );
        assert_eq!(seen.borrow()[0].data.len(), 1_000);
        // An info for P, with every pointer wrong, is never looked at.
        let ix_addr = f.ix(abi, &ix);
        let infos = f.infos(abi, &[P, B]);
        let p_key_copy = f.put(f.key(P).as_ref(), 1);
        let p_info = Cpi::info_addr(abi, infos, 0);
        f.write_u64(p_info, p_key_copy);
        for field in 1..5 {
            f.write_u64(p_info + 8 * field, UNMAPPED);
        }
        let (result, cu) = f.invoke(abi, [ix_addr, infos, 2, 0, 0]);
        assert_eq!(result, Ok(0), "{abi:?}");
        assert_eq!(cu, INVOKE + ix_cost(3, 0) + info_cost(2) + 4 + STUB_UNITS);
        // The executable charge can exhaust the meter.
        f.assert_drains_meter(abi, [ix_addr, infos, 2, 0, 0], INVOKE + 3);
    }
}

#[test]
fn step6_missing_info_is_missing_account_with_a_log() {
    for abi in ABIS {
        let mut f = Cpi::new();
        let (result, cu) = f.cpi_stub(abi, vec![f.w(B), f.w(D), f.ro(C)], &[C, B]);
        assert_eq!(result, ix_error(IxError::MissingAccount), "{abi:?}");
        // B (0 units for 20 bytes) was translated; D has no info.
        assert_eq!(cu, INVOKE + info_cost(2));
        assert_eq!(
            f.new_logs(),
            vec![format!(
                "Instruction references an unknown account {}",
                f.key(D)
            )]
        );
        // Matching is by key value: the first info with D's key is used, the second is
        // never looked at (its length is absurd).
        let ix_addr = f.stub_ix(abi, vec![f.w(D)], vec![]);
        let infos = f.infos(abi, &[B, D, D]);
        let second = f.info_len_addr(abi, infos, 2);
        f.write_u64(second, u64::MAX);
        let (result, cu) = f.invoke(abi, [ix_addr, infos, 3, 0, 0]);
        assert_eq!(result, Ok(0), "{abi:?}");
        assert_eq!(cu, INVOKE + info_cost(3) + 300 / 250 + STUB_UNITS);
    }
}

#[test]
fn step6_c_pointer_checks_in_agave_order_key_owner_lamports_data() {
    // The key, owner, lamports and data pointers at their offsets in the SolAccountInfo.
    assert_pointers_checked_in_order(Abi::C, |_, info| [0, 32, 8, 24].map(|offset| info + offset));
}

#[test]
fn step6_rust_pointer_checks_in_agave_order_key_owner_lamports_box_data_box() {
    // The key and owner pointers in the AccountInfo, the lamports and data pointers in
    // their boxes.
    assert_pointers_checked_in_order(Abi::Rust, |f, info| {
        let lamports_box = f.read_u64(info + 8);
        let data_box = f.read_u64(info + 16);
        [info, info + 24, lamports_box + 24, data_box + 24]
    });
}

/// With B's key, owner, lamports and data pointers (where `pointers` finds them from the
/// address of B's info) all pointing at copies of their fields, the CPI of an instruction
/// with the one info of B fails on each pointer in that order (`InvalidPointer`, its log,
/// only the base charge) until all are right, and then succeeds.
fn assert_pointers_checked_in_order(abi: Abi, pointers: impl FnOnce(&mut Cpi, u64) -> [u64; 4]) {
    let mut f = Cpi::new();
    let (ix_addr, infos) = f.stub_with_b(abi);
    let md = f.md(B);
    let b = f.account(B);
    // (field name, wrong value: a copy of the field, right value: the serialized field)
    let values = [
        ("key", f.put(f.key(B).as_ref(), 1), md.vm_key_addr),
        ("owner", f.put(b.owner.as_ref(), 1), md.vm_owner_addr),
        ("lamports", f.put_u64s(&[b.lamports]), md.vm_lamports_addr),
        ("data", f.put(&b.data, 8), md.vm_data_addr),
    ];
    let fields: Vec<_> = pointers(&mut f, infos).into_iter().zip(values).collect();
    for &(addr, (_, wrong, _)) in &fields {
        f.write_u64(addr, wrong);
    }
    for &(addr, (name, wrong, right)) in &fields {
        let (result, cu) = f.invoke(abi, [ix_addr, infos, 1, 0, 0]);
        assert_eq!(result, Err(SyscallError::InvalidPointer), "{name}");
        assert_eq!(cu, INVOKE);
        assert_eq!(f.new_logs(), vec![pointer_log(name, wrong, right)]);
        f.write_u64(addr, right);
    }
    let (result, _) = f.invoke(abi, [ix_addr, infos, 1, 0, 0]);
    assert_eq!(result, Ok(0));
}

#[test]
fn step6_rust_boxes_at_or_above_the_input_region_are_invalid_pointer() {
    let abi = Abi::Rust;
    let mut f = Cpi::new();
    let (ix_addr, infos) = f.stub_with_b(abi);
    let lamports_box = f.read_u64(infos + 8);
    let data_box = f.read_u64(infos + 16);
    let md = f.md(B);

    // The lamports box is loaded before its address is checked: inside the input region
    // (readable) it is InvalidPointer without a log, unmapped it is an access violation.
    let in_input = md.vm_lamports_addr - 24;
    f.write_u64(infos + 8, in_input);
    let (result, cu) = f.invoke(abi, [ix_addr, infos, 1, 0, 0]);
    assert_eq!(result, Err(SyscallError::InvalidPointer));
    assert_eq!(cu, INVOKE);
    assert_eq!(f.new_logs(), Vec::<String>::new());
    f.write_u64(infos + 8, UNMAPPED);
    let (result, _) = f.invoke(abi, [ix_addr, infos, 1, 0, 0]);
    assert!(is_access_violation(&result), "{result:?}");
    // Unaligned lamports box: an alignment error (the box is loaded as a u64).
    f.write_u64(infos + 8, lamports_box + 1);
    let (result, _) = f.invoke(abi, [ix_addr, infos, 1, 0, 0]);
    assert_eq!(result, Err(SyscallError::UnalignedPointer));
    f.write_u64(infos + 8, lamports_box);

    // The data box address is checked before it is loaded: InvalidPointer even unmapped.
    for bad in [INPUT, UNMAPPED, md.vm_data_addr - 24] {
        f.write_u64(infos + 16, bad);
        let (result, _) = f.invoke(abi, [ix_addr, infos, 1, 0, 0]);
        assert_eq!(result, Err(SyscallError::InvalidPointer), "{bad:#x}");
        assert_eq!(f.new_logs(), Vec::<String>::new());
    }
    // Unmapped below the input: the load faults.
    f.write_u64(infos + 16, 0x10);
    let (result, _) = f.invoke(abi, [ix_addr, infos, 1, 0, 0]);
    assert!(is_access_violation(&result), "{result:?}");
    f.write_u64(infos + 16, data_box);
    // The owner check precedes the lamports box: a wrong owner with a bogus box logs owner.
    f.write_u64(infos + 8, UNMAPPED);
    f.write_u64(infos + 24, md.vm_owner_addr + 1);
    let (result, _) = f.invoke(abi, [ix_addr, infos, 1, 0, 0]);
    assert_eq!(result, Err(SyscallError::InvalidPointer));
    assert_eq!(
        f.new_logs(),
        vec![pointer_log("owner", md.vm_owner_addr + 1, md.vm_owner_addr)]
    );
}

#[test]
fn step6_length_field_must_be_writable_c_info_in_rodata_is_an_access_violation() {
    // C: the length lives in the SolAccountInfo itself, translated for writing.
    let mut f = Cpi::new();
    let ix = instruction(stub_id(), vec![f.w(B)], vec![]);
    let ix_addr = f.ix(Abi::C, &ix);
    let bytes = f.info_bytes(Abi::C, &[B]);
    let infos = RODATA + 256;
    f.write(infos, &bytes);
    let (result, cu) = f.invoke(Abi::C, [ix_addr, infos, 1, 0, 0]);
    match &result {
        Err(SyscallError::Memory(text)) => assert_eq!(
            text,
            &format!(
                "Access violation writing 8 bytes at address {:#x} (in program region)",
                infos + 16
            )
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(cu, INVOKE);

    // Rust: the info array may be read-only; the length is in the data box.
    let mut f = Cpi::new();
    let ix_addr = f.stub_ix(Abi::Rust, vec![f.w(B)], vec![]);
    let bytes = f.info_bytes(Abi::Rust, &[B]);
    f.write(infos, &bytes);
    let (result, _) = f.invoke(Abi::Rust, [ix_addr, infos, 1, 0, 0]);
    assert_eq!(result, Ok(0));
    // ... but a data box in rodata fails on its length field.
    let data_box = f.read_u64(infos + 16);
    let contents = f.read(data_box, 40);
    f.write(RODATA + 1024, &contents);
    f.write_u64(infos + 16, RODATA + 1024);
    let (result, _) = f.invoke(Abi::Rust, [ix_addr, infos, 1, 0, 0]);
    assert!(is_access_violation(&result), "{result:?}");
}

#[test]
fn step6_info_length_beyond_the_reservation_is_invalid_realloc() {
    for (abi, deprecated) in ABIS_AND_CALLERS {
        // Aligned caller: up to the original length + 10,240; deprecated-loader caller: no
        // growth at all.
        let max_len = if deprecated {
            20
        } else {
            20 + MAX_PERMITTED_DATA_INCREASE
        };
        let mut f = Cpi::with_deprecated_loader(deprecated);
        let (ix_addr, infos) = f.stub_with_b(abi);
        let len_addr = f.info_len_addr(abi, infos, 0);
        f.write_u64(len_addr, max_len + 1);
        let (result, cu) = f.invoke(abi, [ix_addr, infos, 1, 0, 0]);
        assert_eq!(
            result,
            ix_error(IxError::InvalidRealloc),
            "{abi:?} {deprecated}"
        );
        assert_eq!(cu, INVOKE, "the data charge comes after the translation");
        assert_eq!(f.new_logs(), Vec::<String>::new());
        let seen = f.record();
        f.write_u64(len_addr, max_len);
        let (result, cu) = f.invoke(abi, [ix_addr, infos, 1, 0, 0]);
        assert_eq!(result, Ok(0), "{abi:?} {deprecated}");
        assert_eq!(cu, INVOKE + max_len / 250 + STUB_UNITS);
        let mut expected = vec![0x22; 20];
        expected.resize(max_len as usize, 0);
        assert_eq!(seen.borrow()[0].data, expected);
    }
}

#[test]
fn step6_data_charge_uses_the_info_length() {
    for abi in ABIS {
        let mut f = Cpi::new();
        // D has 300 bytes: 1 unit; B has 20: 0; A has 10: 0.
        let (result, cu) = f.cpi_stub(abi, vec![f.w(A), f.w(D), f.w(B)], &[A, B, D]);
        assert_eq!(result, Ok(0), "{abi:?}");
        assert_eq!(cu, INVOKE + ix_cost(3, 0) + info_cost(3) + 1 + STUB_UNITS);
        // The caller grows B's info to 750 bytes: 3 units, and B grows.
        let seen = f.record();
        let (ix_addr, infos) = f.stub_with_b(abi);
        let len_addr = f.info_len_addr(abi, infos, 0);
        f.write_u64(len_addr, 750);
        let (result, cu) = f.invoke(abi, [ix_addr, infos, 1, 0, 0]);
        assert_eq!(result, Ok(0), "{abi:?}");
        assert_eq!(cu, INVOKE + 3 + STUB_UNITS);
        assert_eq!(seen.borrow()[0].data.len(), 750);
        // The data charge can exhaust the meter.
        f.write_u64(len_addr, 750);
        f.assert_drains_meter(abi, [ix_addr, infos, 1, 0, 0], INVOKE + 2);
    }
}

#[test]
fn step6_translated_accounts_follow_callee_order_and_the_callees_writable_flag() {
    for abi in ABIS {
        let mut f = Cpi::new();
        let ix = instruction(
            stub_id(),
            vec![f.ro(B), f.w(D), f.ro(P), f.ro(B), f.w(A)],
            vec![],
        );
        let (frame, accounts) = f.translate(abi, &ix, &[A, D, B]).unwrap();
        assert_eq!(frame.first_occurrence, vec![0, 1, 2, 0, 4]);
        let summary: Vec<(usize, bool)> = accounts
            .iter()
            .map(|account| (account.index_in_caller, account.update_caller))
            .collect();
        // P is executable (no entry); the duplicate of B is skipped.
        assert_eq!(summary, vec![(B, false), (D, true), (A, true)]);
        let md = f.md(D);
        assert_eq!(accounts[1].caller_account.vm_data_addr, md.vm_data_addr);
        assert_eq!(accounts[1].caller_account.original_data_len, 300);
        assert_eq!(accounts[1].caller_account.serialized_data.len(), 300);
        assert_eq!(accounts[1].caller_account.ref_to_len_in_vm.read_u64(), 300);
    }
}

// =====================================================================================
// Step 7: caller → callee.
// =====================================================================================

#[test]
fn step7_caller_lamport_changes_are_applied_and_must_balance_at_push() {
    for abi in ABIS {
        let mut f = Cpi::new();
        let seen = f.record();
        f.set_lamports(A, 900);
        f.set_lamports(B, 2_100);
        let (result, _) = f.cpi_stub(abi, vec![f.w(A), f.w(B)], &[A, B]);
        assert_eq!(result, Ok(0), "{abi:?}");
        let lamports: Vec<u64> = seen.borrow().iter().map(|s| s.lamports).collect();
        assert_eq!(lamports, vec![900, 2_100]);
        assert_eq!((f.account(A).lamports, f.account(B).lamports), (900, 2_100));

        // A debit that is not balanced among the passed accounts: the push fails.
        let mut f = Cpi::new();
        let seen = f.record();
        f.set_lamports(A, 800);
        let ix = instruction(stub_id(), vec![f.w(A)], vec![]);
        let trace_len = f.ic.transaction_context.trace().len();
        let (result, cu) = f.cpi(abi, &ix, &[A], &[]);
        assert_eq!(result, ix_error(IxError::UnbalancedInstruction), "{abi:?}");
        assert_eq!(cu, INVOKE, "the stub never ran");
        assert!(seen.borrow().is_empty());
        assert_eq!(f.account(A).lamports, 800, "the sync itself happened");
        assert_eq!(f.ic.transaction_context.trace().len(), trace_len);
        assert_eq!(f.new_logs(), Vec::<String>::new());
    }
}

#[test]
fn step7_caller_data_changes_follow_the_modification_rules() {
    for abi in ABIS {
        // F is writable in the caller but owned by someone else.
        let mut f = Cpi::new();
        let data = f.md(F).vm_data_addr;
        f.write(data, &[0]);
        let (result, cu) = f.cpi_stub(abi, vec![f.w(F)], &[F]);
        assert_eq!(
            result,
            ix_error(IxError::ExternalAccountDataModified),
            "{abi:?}"
        );
        assert_eq!(cu, INVOKE);
        // C is read-only: changed bytes are ReadonlyDataModified...
        let mut f = Cpi::new();
        let data = f.md(C).vm_data_addr;
        f.write(data + 4, &[0]);
        let ix = instruction(stub_id(), vec![f.ro(C)], vec![]);
        let (result, _) = f.cpi(abi, &ix, &[C], &[]);
        assert_eq!(result, ix_error(IxError::ReadonlyDataModified), "{abi:?}");
        // ... and equal bytes are fine, even rewritten.
        f.write(data + 4, &[0x33]);
        let (result, _) = f.cpi(abi, &ix, &[C], &[]);
        assert_eq!(result, Ok(0), "{abi:?}");
        // A resize of a read-only account through its info length fails even if the
        // remaining bytes are equal.
        let ix_addr = f.ix(abi, &ix);
        let infos = f.infos(abi, &[C]);
        let len_addr = f.info_len_addr(abi, infos, 0);
        f.write_u64(len_addr, 4);
        let (result, _) = f.invoke(abi, [ix_addr, infos, 1, 0, 0]);
        assert_eq!(result, ix_error(IxError::ReadonlyDataModified));
        // Owned and writable: the callee sees the change, a shrink included.
        let mut f = Cpi::new();
        let seen = f.record();
        let data = f.md(B).vm_data_addr;
        f.write(data, &[1, 2, 3]);
        let (ix_addr, infos) = f.stub_with_b(abi);
        let len_addr = f.info_len_addr(abi, infos, 0);
        f.write_u64(len_addr, 5);
        let (result, _) = f.invoke(abi, [ix_addr, infos, 1, 0, 0]);
        assert_eq!(result, Ok(0), "{abi:?}");
        assert_eq!(seen.borrow()[0].data, vec![1, 2, 3, 0x22, 0x22]);
        assert_eq!(f.account(B).data, vec![1, 2, 3, 0x22, 0x22]);
    }
}

#[test]
fn step7_caller_lamport_rules() {
    for abi in ABIS {
        // Crediting an account owned by someone else is allowed; debiting it is not.
        let mut f = Cpi::new();
        f.set_lamports(F, 6_100);
        f.set_lamports(A, 900);
        let (result, _) = f.cpi_stub(abi, vec![f.w(A), f.w(F)], &[A, F]);
        assert_eq!(result, Ok(0), "{abi:?}");
        let mut f = Cpi::new();
        f.set_lamports(F, 5_900);
        let (result, _) = f.cpi_stub(abi, vec![f.w(F)], &[F]);
        assert_eq!(
            result,
            ix_error(IxError::ExternalAccountLamportSpend),
            "{abi:?}"
        );
        // A read-only account's lamports may not change.
        let mut f = Cpi::new();
        f.set_lamports(C, 3_001);
        let (result, _) = f.cpi_stub(abi, vec![f.ro(C)], &[C]);
        assert_eq!(result, ix_error(IxError::ReadonlyLamportChange), "{abi:?}");
    }
}

#[test]
fn step7_owner_change_by_the_caller() {
    for abi in ABIS {
        // E (owned by the caller, writable, no data) is given to the stub, which then
        // owns it during its run.
        let mut f = Cpi::new();
        let seen = f.record();
        let owner = f.md(E).vm_owner_addr;
        f.write(owner, stub_id().as_ref());
        let (result, _) = f.cpi_stub(abi, vec![f.w(E)], &[E]);
        assert_eq!(result, Ok(0), "{abi:?}");
        assert_eq!(seen.borrow()[0].owner, stub_id());
        assert_eq!(f.account(E).owner, stub_id());
        // B has data: ModifiedProgramId.
        let mut f = Cpi::new();
        let owner = f.md(B).vm_owner_addr;
        f.write(owner, stub_id().as_ref());
        let (result, _) = f.cpi_stub(abi, vec![f.w(B)], &[B]);
        assert_eq!(result, ix_error(IxError::ModifiedProgramId), "{abi:?}");
        // Zeroing the data and changing the owner in one go works: data first.
        let mut f = Cpi::new();
        let data = f.md(B).vm_data_addr;
        f.write(data, &[0; 20]);
        let owner = f.md(B).vm_owner_addr;
        f.write(owner, stub_id().as_ref());
        let (result, _) = f.cpi_stub(abi, vec![f.w(B)], &[B]);
        assert_eq!(result, Ok(0), "{abi:?}");
        assert_eq!(
            (f.account(B).owner, f.account(B).data.clone()),
            (stub_id(), vec![0; 20])
        );
    }
}

#[test]
fn step7_phase_function_with_unchanged_memory_changes_nothing() {
    for abi in ABIS {
        let mut f = Cpi::new();
        let before = f.ic.transaction_context.accounts_snapshot();
        let ix = instruction(
            stub_id(),
            vec![f.w(A), f.w(B), f.ro(C), f.w(D), f.w(F)],
            vec![],
        );
        let (_, mut accounts) = f.translate(abi, &ix, &[F, D, C, B, A]).unwrap();
        let metadata = f.input.accounts.clone();
        with_vm_context(&mut f.ic, &mut f.mem, f.input_abi, metadata, |context| {
            let (memory, ic) = context.split();
            for account in &mut accounts {
                update_callee_account(&memory, ic, account).unwrap();
            }
        });
        assert_eq!(f.ic.transaction_context.accounts_snapshot(), before);
        assert_eq!(f.ic.transaction_context.lamports_delta(), 0);
        assert_eq!(f.ic.transaction_context.resize_delta(), 0);
    }
}

// =====================================================================================
// Step 9: callee → caller.
// =====================================================================================

/// Callee positions used by the step 9 tests: A, D, G (all writable), C (read-only).
fn step9_ix(f: &Cpi) -> Instruction {
    instruction(stub_id(), vec![f.w(A), f.w(D), f.w(G), f.ro(C)], vec![])
}

/// The four ABI and caller-loader combinations: (ABI, a deprecated-loader caller).
const ABIS_AND_CALLERS: [(Abi, bool); 4] = [
    (Abi::C, false),
    (Abi::Rust, false),
    (Abi::C, true),
    (Abi::Rust, true),
];

impl Cpi {
    /// A caller of the deprecated loader if `deprecated`, else of the upgradeable one.
    fn with_deprecated_loader(deprecated: bool) -> Self {
        if deprecated {
            Self::deprecated()
        } else {
            Self::new()
        }
    }

    /// Invokes [`step9_ix`] with the infos of A, D, G and C: their address, and the result
    /// and units of the invocation.
    fn invoke_step9(&mut self, abi: Abi) -> (u64, (Result<u64, SyscallError>, u64)) {
        let ix = step9_ix(self);
        let ix_addr = self.ix(abi, &ix);
        let infos = self.infos(abi, &[A, D, G, C]);
        (infos, self.invoke(abi, [ix_addr, infos, 4, 0, 0]))
    }
}

#[test]
fn step9_lamports_and_owner_are_written_back() {
    for abi in ABIS {
        let mut f = Cpi::new();
        f.stub(|ic| {
            let context = &ic.transaction_context;
            context
                .borrow_current_account(1)?
                .checked_sub_lamports(500)?;
            context
                .borrow_current_account(0)?
                .checked_add_lamports(500)?;
            context.borrow_current_account(2)?.set_owner(&other())?;
            Ok(())
        });
        let ix = step9_ix(&f);
        let (result, cu) = f.cpi(abi, &ix, &[A, D, G, C], &[]);
        assert_eq!(result, Ok(0), "{abi:?}");
        assert_eq!(
            cu,
            INVOKE + ix_cost(4, 0) + info_cost(4) + 300 / 250 + STUB_UNITS
        );
        let (a, d, g) = (f.md(A), f.md(D), f.md(G));
        assert_eq!(f.read_u64(a.vm_lamports_addr), 1_500);
        assert_eq!(f.read_u64(d.vm_lamports_addr), 3_500);
        assert_eq!(f.read(g.vm_owner_addr, 32), other().as_ref());
        assert_eq!(f.account(G).owner, other());
        // Unchanged fields are rewritten with the same values.
        assert_eq!(f.read(d.vm_owner_addr, 32), stub_id().as_ref());
        assert_eq!(f.read(d.vm_data_addr, 300), vec![0x44; 300]);
    }
}

#[test]
fn step9_shrink_zeroes_the_tail_and_updates_both_length_fields() {
    for (abi, deprecated) in ABIS_AND_CALLERS {
        let mut f = Cpi::with_deprecated_loader(deprecated);
        f.stub(|ic| {
            let mut d = ic.transaction_context.borrow_current_account(1)?;
            d.data_mut()?[..100].fill(0x55);
            d.set_data_length(100)
        });
        let (infos, (result, _)) = f.invoke_step9(abi);
        assert_eq!(result, Ok(0), "{abi:?} {deprecated}");
        let d = f.md(D);
        assert_eq!(f.read(d.vm_data_addr, 100), vec![0x55; 100]);
        assert_eq!(
            f.read(d.vm_data_addr + 100, 200),
            vec![0; 200],
            "tail zeroed"
        );
        let len_addr = f.info_len_addr(abi, infos, 1);
        assert_eq!(f.read_u64(len_addr), 100, "the info's length");
        assert_eq!(f.read_u64(d.vm_data_addr - 8), 100, "the serialized length");
        assert_eq!(f.account(D).data, vec![0x55; 100]);
        // Other infos keep their lengths.
        let a_len = f.info_len_addr(abi, infos, 0);
        assert_eq!(f.read_u64(a_len), 10);
    }
}

#[test]
fn step9_growth_within_the_reservation_is_copied_back() {
    for abi in ABIS {
        let mut f = Cpi::new();
        let new_len = 300 + MAX_PERMITTED_DATA_INCREASE as usize;
        f.stub(move |ic| {
            let mut d = ic.transaction_context.borrow_current_account(1)?;
            d.set_data_length(new_len)?;
            d.data_mut()?[300..].fill(0x77);
            Ok(())
        });
        let (infos, (result, _)) = f.invoke_step9(abi);
        assert_eq!(result, Ok(0), "{abi:?}");
        let d = f.md(D);
        assert_eq!(f.read(d.vm_data_addr, 300), vec![0x44; 300]);
        assert_eq!(f.read(d.vm_data_addr + 300, 10_240), vec![0x77; 10_240]);
        let len_addr = f.info_len_addr(abi, infos, 1);
        assert_eq!(f.read_u64(len_addr), new_len as u64);
        assert_eq!(f.read_u64(d.vm_data_addr - 8), new_len as u64);
    }
}

#[test]
fn step9_growth_beyond_the_callers_reservation_is_invalid_realloc_with_a_log() {
    for (abi, deprecated) in ABIS_AND_CALLERS {
        let mut f = Cpi::with_deprecated_loader(deprecated);
        let growth = if deprecated {
            1
        } else {
            MAX_PERMITTED_DATA_INCREASE as usize + 1
        };
        f.stub(move |ic| {
            let context = &ic.transaction_context;
            context.borrow_current_account(1)?.checked_sub_lamports(1)?;
            context.borrow_current_account(0)?.checked_add_lamports(1)?;
            context
                .borrow_current_account(1)?
                .set_data_length(300 + growth)
        });
        let (infos, (result, cu)) = f.invoke_step9(abi);
        assert_eq!(
            result,
            ix_error(IxError::InvalidRealloc),
            "{abi:?} {deprecated}"
        );
        assert_eq!(cu, INVOKE + info_cost(4) + 300 / 250 + STUB_UNITS);
        let limit = if deprecated { 0 } else { 10_240 };
        let logs = f.new_logs();
        assert_eq!(
            logs.last().unwrap(),
            &format!("Account data size realloc limited to {limit} in inner instructions")
        );
        assert_eq!(logs[..2], invoke_logs(&stub_id())[..]);
        // Accounts are written back in callee order: A first, then D's lamports and owner
        // before its length is checked; nothing of D's data.
        let (a, d) = (f.md(A), f.md(D));
        assert_eq!(f.read_u64(a.vm_lamports_addr), 1_001);
        assert_eq!(f.read_u64(d.vm_lamports_addr), 3_999);
        let len_addr = f.info_len_addr(abi, infos, 1);
        assert_eq!(f.read_u64(len_addr), 300);
        assert_eq!(f.read_u64(d.vm_data_addr - 8), 300);
    }
}

#[test]
fn step9_read_only_callee_accounts_are_not_written_back() {
    for abi in ABIS {
        // Phase level: only the callee's writable accounts are marked for write-back,
        // whatever the caller's privileges (D is writable in the caller).
        let mut f = Cpi::new();
        let ix = instruction(stub_id(), vec![f.ro(D), f.w(A), f.ro(B)], vec![]);
        let (_, accounts) = f.translate(abi, &ix, &[A, B, D]).unwrap();
        let flags: Vec<(usize, bool)> = accounts
            .iter()
            .map(|account| (account.index_in_caller, account.update_caller))
            .collect();
        assert_eq!(flags, vec![(D, false), (A, true), (B, false)]);

        // Through the syscall: the callee sees D read-only, and the caller's bytes of the
        // read-only accounts are left exactly as they were.
        let mut f = Cpi::new();
        let seen = f.record();
        // The serialized key, owner, lamports, data length and data of D and B, and the
        // length fields of the three infos.
        let caller_view = |f: &mut Cpi, infos: u64| {
            let serialized: Vec<Vec<u8>> = [D, B]
                .iter()
                .map(|&p| {
                    let md = f.md(p);
                    f.read(md.vm_key_addr, 32 + 32 + 8 + 8 + md.original_data_len)
                })
                .collect();
            let lens: Vec<u64> = (0..3)
                .map(|i| {
                    let addr = f.info_len_addr(abi, infos, i);
                    f.read_u64(addr)
                })
                .collect();
            (serialized, lens)
        };
        let ix_addr = f.ix(abi, &ix);
        let infos = f.infos(abi, &[A, B, D]);
        let before = caller_view(&mut f, infos);
        let (result, _) = f.invoke(abi, [ix_addr, infos, 3, 0, 0]);
        assert_eq!(result, Ok(0), "{abi:?}");
        assert!(!seen.borrow()[0].writable && !seen.borrow()[2].writable);
        assert_eq!(before, caller_view(&mut f, infos));
    }
}

#[test]
fn step9_phase_function_writes_back_from_the_account_state() {
    for abi in ABIS {
        let mut f = Cpi::new();
        let ix = instruction(stub_id(), vec![f.w(D)], vec![]);
        let (_, mut accounts) = f.translate(abi, &ix, &[D]).unwrap();
        // Change D behind the caller's back (a credit, which the caller's frame allows):
        // the write-back copies the account's state, not the caller's memory.
        {
            let context = &f.ic.transaction_context;
            let trace_index = context.current_trace_index().unwrap();
            let mut d = context.borrow_instruction_account(trace_index, D).unwrap();
            d.checked_add_lamports(5).unwrap();
        }
        let metadata = f.input.accounts.clone();
        let result = with_vm_context(&mut f.ic, &mut f.mem, f.input_abi, metadata, |context| {
            let (memory, ic) = context.split();
            update_caller_account(&memory, ic, &mut accounts[0])
        });
        assert_eq!(result, Ok(()), "{abi:?}");
        let md = f.md(D);
        assert_eq!(f.read_u64(md.vm_lamports_addr), 4_005);
    }
}

#[test]
fn step9_info_flags_are_ignored_and_a_failing_callee_writes_nothing_back() {
    for abi in ABIS {
        // The info's own is_signer / is_writable / executable bytes play no part: D's info
        // says read-only, yet D (writable for the callee) is written back.
        let mut f = Cpi::new();
        f.stub(|ic| {
            ic.transaction_context
                .borrow_current_account(0)?
                .checked_sub_lamports(4_000)?;
            ic.transaction_context
                .borrow_current_account(1)?
                .checked_add_lamports(4_000)
        });
        let ix = instruction(stub_id(), vec![f.w(D), f.w(G)], vec![]);
        let ix_addr = f.ix(abi, &ix);
        let infos = f.infos(abi, &[D, G]);
        let flags_offset = match abi {
            Abi::C => 48,
            Abi::Rust => 40,
        };
        for i in 0..2 {
            let info = Cpi::info_addr(abi, infos, i);
            f.write(info + flags_offset, &[0, 0, 1]);
        }
        let (result, _) = f.invoke(abi, [ix_addr, infos, 2, 0, 0]);
        assert_eq!(result, Ok(0), "{abi:?}");
        let (d, g) = (f.md(D), f.md(G));
        assert_eq!(f.read_u64(d.vm_lamports_addr), 0);
        assert_eq!(f.read_u64(g.vm_lamports_addr), 11_000);

        // A failing callee: its error is the syscall's, nothing is written back.
        let mut f = Cpi::new();
        f.stub(|ic| {
            ic.transaction_context
                .borrow_current_account(0)?
                .set_data_length(0)?;
            Err(IxError::Custom(7))
        });
        let ix = instruction(stub_id(), vec![f.w(D)], vec![]);
        let before = f.read(f.md(D).vm_data_addr - 8, 308);
        let (result, cu) = f.cpi(abi, &ix, &[D], &[]);
        assert_eq!(result, ix_error(IxError::Custom(7)), "{abi:?}");
        assert_eq!(cu, INVOKE + 1 + STUB_UNITS);
        assert_eq!(
            f.new_logs(),
            vec![
                format!("Program {} invoke [2]", stub_id()),
                format!("Program {} failed: custom program error: 0x7", stub_id()),
            ]
        );
        let md = f.md(D);
        assert_eq!(f.read(md.vm_data_addr - 8, 308), before);
    }
}
