//! The `sbfvm::Sbfvm` facade end to end: programs under each of the three loaders, results,
//! logs, compute units, return data and accounts; a failed transaction leaves the store
//! exactly as it was; lamports are conserved.

use crate::common::{
    account, deploy_with, elf, key, rent_exempt, total_lamports, vm, vm_with, MODES, SYSTEM,
};
use sbfvm::{ExecutionMode, Instruction, InstructionError, Loader, Pubkey, TransactionError};
use solana_instruction::AccountMeta;

fn writable(pubkey: Pubkey) -> AccountMeta {
    AccountMeta::new(pubkey, false)
}

/// account_data.so op 2: move `lamports` from account 0 to account 1.
fn move_lamports(program: Pubkey, from: Pubkey, to: Pubkey, lamports: u64) -> Instruction {
    let mut data = vec![2];
    data.extend_from_slice(&lamports.to_le_bytes());
    Instruction::new_with_bytes(program, &data, vec![writable(from), writable(to)])
}

#[test]
fn deprecated_loader_program_runs_with_the_unaligned_abi() {
    for mode in MODES {
        let mut vm = vm(mode);
        let program = key(1);
        let data_account = key(2);
        let loaded = vm
            .add_program(program, Loader::Deprecated, &elf("log_unaligned.so"))
            .expect("load log_unaligned.so");
        assert_eq!(loaded.loader_id, Loader::Deprecated.id());
        let program_account = vm.account(&program).expect("program account").clone();
        assert!(program_account.executable);
        assert_eq!(program_account.owner, Loader::Deprecated.id());
        assert_eq!(
            program_account.owner.to_string(),
            "BPFLoader1111111111111111111111111111111111"
        );
        vm.set_account(data_account, account(2_000_000, program, &[0xff, 7, 7]));

        let outcome = vm.process_instruction(&Instruction::new_with_bytes(
            program,
            &[0x0a, 0x0b],
            vec![writable(data_account)],
        ));
        assert!(outcome.is_ok(), "{mode:?}: {:?}", outcome.result());
        assert_eq!(outcome.result_string(), "ok");
        let logs = outcome.logs();
        assert_eq!(
            logs.first().unwrap(),
            &format!("Program {program} invoke [1]")
        );
        for line in [
            "Program log: hello from sbfvm".to_string(),
            "Program log: 0x1, 0x2, 0x3, 0x4, 0x5".to_string(),
            format!("Program log: {program}"),
            "Program data: YWJj Cgs=".to_string(),
        ] {
            assert!(logs.contains(&line), "{mode:?}: no `{line}` in {logs:#?}");
        }
        assert_eq!(logs.last().unwrap(), &format!("Program {program} success"));
        assert!(outcome.compute_units_consumed() > 0);
        assert!(outcome.return_data().is_none());
        // Byte 0 wraps 0xff -> 0x00 through the ABI v0 input; the rest is untouched.
        let after = outcome.account(&data_account).unwrap();
        assert_eq!(after.data, [0x00, 7, 7]);
        assert_eq!(vm.account(&data_account).unwrap().data, [0x00, 7, 7]);
        // The invoke tree has one frame, which consumed everything.
        assert_eq!(outcome.invocations.len(), 1);
        let frame = &outcome.invocations[0];
        assert_eq!(frame.program_id, program);
        assert_eq!(frame.stack_height, 1);
        assert_eq!(
            frame.compute_units_consumed,
            outcome.compute_units_consumed()
        );
        assert_eq!(frame.result, Ok(()));
    }
}

#[test]
fn bpf_loader_2_program_computes_and_returns_data() {
    for mode in MODES {
        let mut vm = vm(mode);
        let program = key(3);
        deploy_with(&mut vm, program, Loader::V2, "compute.so");
        let program_account = vm.account(&program).unwrap();
        assert!(program_account.executable);
        assert_eq!(
            program_account.owner.to_string(),
            "BPFLoader2111111111111111111111111111111111"
        );
        assert_eq!(
            program_account.lamports,
            rent_exempt(program_account.data.len())
        );

        // xorshift64 × 1000 from 0x9E3779B97F4A7C15 (computed independently). Compute units
        // counted from the disassembly: 60 + 11 × 1000 instructions + sol_set_return_data 100.
        let outcome = vm.process_instruction(&Instruction::new_with_bytes(
            program,
            &1000u64.to_le_bytes(),
            vec![],
        ));
        assert!(outcome.is_ok(), "{mode:?}: {:?}", outcome.result());
        let (returned_by, data) = outcome.return_data().expect("return data");
        assert_eq!(returned_by, &program);
        assert_eq!(data, [0xf5, 0x38, 0x6e, 0x9f, 0x21, 0x63, 0xb6, 0x56]);
        assert_eq!(outcome.compute_units_consumed(), 11_160);
        assert!(outcome.logs().contains(&format!(
            "Program {program} consumed 11160 of 200000 compute units"
        )));
        assert!(outcome
            .logs()
            .contains(&format!("Program return: {program} 9ThunyFjtlY=")));
        assert_eq!(
            outcome.invocations[0].syscalls,
            [("sol_set_return_data", 1, 100)]
        );

        // A limit below what the loop needs: the VM's meter runs out, all units consumed.
        let outcome = vm.process_transaction(
            &[Instruction::new_with_bytes(
                program,
                &1000u64.to_le_bytes(),
                vec![],
            )],
            Some(1_000),
        );
        assert_eq!(
            outcome.result(),
            &Err(TransactionError::InstructionError(
                0,
                InstructionError::ProgramFailedToComplete
            ))
        );
        assert_eq!(outcome.compute_units_consumed(), 1_000);
        assert!(outcome
            .logs()
            .iter()
            .any(|line| line.contains("exceeded CUs meter")));
    }
}

#[test]
fn upgradeable_loader_program_moves_lamports_and_conserves_them() {
    for mode in MODES {
        let program = key(4);
        let mut vm = vm_with(mode, program, "account_data.so");
        // The program account points at a programdata account holding the ELF.
        let program_account = vm.account(&program).unwrap().clone();
        assert!(program_account.executable);
        assert_eq!(
            program_account.owner.to_string(),
            "BPFLoaderUpgradeab1e11111111111111111111111"
        );
        assert_eq!(program_account.data.len(), 36);
        assert_eq!(program_account.data[..4], 2u32.to_le_bytes());
        let programdata = Pubkey::new_from_array(program_account.data[4..36].try_into().unwrap());
        let programdata_account = vm.account(&programdata).expect("programdata account");
        assert_eq!(programdata_account.owner, Loader::Upgradeable.id());
        assert_eq!(
            &programdata_account.data[45..],
            elf("account_data.so").as_slice()
        );

        let (from, to) = (key(5), key(6));
        vm.set_account(from, account(10_000_000, program, &[1, 2, 3, 4]));
        vm.set_account(to, account(rent_exempt(0), program, &[]));
        let total_before = total_lamports(&vm.runtime().store);

        let outcome = vm.process_instruction(&move_lamports(program, from, to, 2_500_000));
        assert!(outcome.is_ok(), "{mode:?}: {:?}", outcome.result());
        assert_eq!(outcome.account(&from).unwrap().lamports, 7_500_000);
        assert_eq!(
            outcome.account(&to).unwrap().lamports,
            rent_exempt(0) + 2_500_000
        );
        assert_eq!(vm.account(&from).unwrap().lamports, 7_500_000);
        assert_eq!(
            vm.account(&to).unwrap().lamports,
            rent_exempt(0) + 2_500_000
        );
        assert_eq!(total_lamports(&vm.runtime().store), total_before);
        assert!(outcome.compute_units_consumed() > 0);
        assert!(outcome.invocations[0].syscalls.is_empty());

        // op 0: write, then op 1: grow by 4 (new bytes 0xAB).
        let outcome = vm.process_instruction(&Instruction::new_with_bytes(
            program,
            &[0, 9, 9],
            vec![writable(from)],
        ));
        assert!(outcome.is_ok(), "{:?}", outcome.result());
        let mut data = vec![1];
        data.extend_from_slice(&8u64.to_le_bytes());
        let outcome = vm.process_instruction(&Instruction::new_with_bytes(
            program,
            &data,
            vec![writable(from)],
        ));
        assert!(outcome.is_ok(), "{:?}", outcome.result());
        assert_eq!(
            vm.account(&from).unwrap().data,
            [9, 9, 3, 4, 0xab, 0xab, 0xab, 0xab]
        );
        assert_eq!(total_lamports(&vm.runtime().store), total_before);
    }
}

#[test]
fn custom_errors_map_to_instruction_errors() {
    let program = key(7);
    let mut vm = vm_with(ExecutionMode::default(), program, "custom_error.so");
    let outcome = vm.process_instruction(&Instruction::new_with_bytes(
        program,
        &42u32.to_le_bytes(),
        vec![],
    ));
    assert_eq!(
        outcome.result(),
        &Err(TransactionError::InstructionError(
            0,
            InstructionError::Custom(42)
        ))
    );
    assert_eq!(outcome.result_string(), "Custom(42)");
    // Counted from the disassembly (see fixtures/custom_error.toml).
    assert_eq!(outcome.compute_units_consumed(), 21);
    assert_eq!(
        outcome.logs().last().unwrap(),
        &format!("Program {program} failed: custom program error: 0x2a")
    );
    assert_eq!(
        outcome.invocations[0].result,
        Err(InstructionError::Custom(42))
    );
}

/// Every way a transaction can fail after the program changed accounts leaves the store
/// exactly as it was: a runtime rule found while deserializing, a program error after
/// changes, the end-of-transaction rent check, and a later instruction of the same
/// transaction failing.
#[test]
fn a_failed_transaction_leaves_the_store_untouched() {
    for mode in MODES {
        let program = key(8);
        let mut vm = vm_with(mode, program, "account_data.so");
        let owned = key(9);
        let other = key(10);
        let system_owned = key(11);
        vm.set_account(owned, account(50_000_000, program, &[1, 2, 3, 4]));
        vm.set_account(other, account(5_000_000, program, &[0; 8]));
        vm.set_account(system_owned, account(5_000_000, SYSTEM, &[0]));

        let op = |code: u8, amount: u64| {
            let mut data = vec![code];
            data.extend_from_slice(&amount.to_le_bytes());
            data
        };
        let cases: Vec<(&str, Vec<Instruction>, TransactionError)> = vec![
            (
                "debit of a System-owned account (the credit to `other` is undone too)",
                vec![Instruction::new_with_bytes(
                    program,
                    &op(0x82, 1_000),
                    vec![writable(system_owned), writable(other)],
                )],
                TransactionError::InstructionError(
                    0,
                    InstructionError::ExternalAccountLamportSpend,
                ),
            ),
            (
                "realloc beyond 10 KiB after filling the area with 0xAB",
                vec![Instruction::new_with_bytes(
                    program,
                    &op(0x81, 4 + 10_240 + 1),
                    vec![writable(owned)],
                )],
                TransactionError::InstructionError(0, InstructionError::InvalidRealloc),
            ),
            (
                "lamports moved, then the rent check fails at the end of the transaction",
                vec![Instruction::new_with_bytes(
                    program,
                    &op(2, 49_500_000),
                    vec![writable(owned), writable(other)],
                )],
                TransactionError::InsufficientFundsForRent { account_index: 0 },
            ),
            (
                "the first instruction succeeds, the second fails: both are undone",
                vec![
                    Instruction::new_with_bytes(program, &[0, 0xee, 0xee], vec![writable(owned)]),
                    Instruction::new_with_bytes(
                        program,
                        &op(2, 1_000),
                        vec![writable(owned), writable(other)],
                    ),
                    Instruction::new_with_bytes(program, &[4, 1], vec![writable(system_owned)]),
                ],
                TransactionError::InstructionError(
                    2,
                    InstructionError::ExternalAccountDataModified,
                ),
            ),
        ];
        for (what, instructions, error) in cases {
            let before = vm.runtime().store.clone();
            let outcome = vm.process_transaction(&instructions, None);
            assert_eq!(outcome.result(), &Err(error), "{mode:?}: {what}");
            assert!(
                vm.runtime().store == before,
                "{mode:?}: {what}: the store changed"
            );
            // The outcome reports the accounts as they were.
            assert_eq!(
                outcome.transaction.accounts_after, outcome.transaction.accounts_before,
                "{mode:?}: {what}"
            );
            assert_eq!(
                outcome.account(&owned).map(|a| a.data.clone()),
                instructions
                    .iter()
                    .any(|i| i.accounts.iter().any(|m| m.pubkey == owned))
                    .then(|| vec![1, 2, 3, 4]),
                "{mode:?}: {what}"
            );
        }

        // And after all that, a good transaction still works against the untouched store.
        let total_before = total_lamports(&vm.runtime().store);
        let outcome = vm.process_transaction(
            &[
                Instruction::new_with_bytes(program, &[0, 0xee], vec![writable(owned)]),
                Instruction::new_with_bytes(
                    program,
                    &op(2, 1_000),
                    vec![writable(owned), writable(other)],
                ),
            ],
            None,
        );
        assert!(outcome.is_ok(), "{mode:?}: {:?}", outcome.result());
        assert_eq!(vm.account(&owned).unwrap().data, [0xee, 2, 3, 4]);
        assert_eq!(vm.account(&owned).unwrap().lamports, 50_000_000 - 1_000);
        assert_eq!(vm.account(&other).unwrap().lamports, 5_000_000 + 1_000);
        assert_eq!(total_lamports(&vm.runtime().store), total_before);
    }
}

#[test]
fn system_transfer_through_the_facade() {
    let mut vm = vm(ExecutionMode::default());
    let (from, to) = (key(12), key(13));
    vm.set_account(from, account(10_000_000, SYSTEM, &[]));
    let total_before = total_lamports(&vm.runtime().store);
    let mut data = 2u32.to_le_bytes().to_vec();
    data.extend_from_slice(&1_000_000u64.to_le_bytes());
    let outcome = vm.process_instruction(&Instruction::new_with_bytes(
        SYSTEM,
        &data,
        vec![AccountMeta::new(from, true), AccountMeta::new(to, false)],
    ));
    assert!(outcome.is_ok(), "{:?}", outcome.result());
    assert_eq!(outcome.compute_units_consumed(), 150);
    assert_eq!(
        outcome.logs(),
        [
            format!("Program {SYSTEM} invoke [1]"),
            format!("Program {SYSTEM} success")
        ]
    );
    assert_eq!(vm.account(&from).unwrap().lamports, 9_000_000);
    assert_eq!(vm.account(&to).unwrap().lamports, 1_000_000);
    assert_eq!(vm.account(&to).unwrap().owner, SYSTEM);
    // The new account held no lamports before: the store gained it, the total did not change.
    assert_eq!(total_lamports(&vm.runtime().store), total_before);
}

#[test]
fn loading_a_broken_elf_is_an_error() {
    let mut vm = vm(ExecutionMode::default());
    let real = elf("log.so");
    for (what, bytes) in [
        ("empty", Vec::new()),
        ("truncated", real[..real.len() / 2].to_vec()),
        ("not an ELF", vec![0x5a; 512]),
    ] {
        let error = vm
            .add_program(key(14), Loader::Upgradeable, &bytes)
            .expect_err(what);
        assert!(
            matches!(error, sbfvm::Error::Load { .. }),
            "{what}: {error:?}"
        );
    }
}

/// Agave's account loader treats an account whose lamports reached 0 as deallocated: the
/// next transaction loads it as a fresh default account (no data, System-owned), see
/// `AccountLoader::do_load` ("If lamports is 0, a previous transaction deallocated this
/// account") and accounts-db's zero-lamport filtering.
#[test]
fn an_account_drained_to_zero_lamports_is_deallocated() {
    let program = key(15);
    let mut vm = vm_with(ExecutionMode::default(), program, "account_data.so");
    let (drained, other) = (key(16), key(17));
    vm.set_account(drained, account(5_000_000, program, &[1, 2, 3, 4]));
    vm.set_account(other, account(5_000_000, program, &[]));
    let outcome = vm.process_instruction(&move_lamports(program, drained, other, 5_000_000));
    assert!(outcome.is_ok(), "{:?}", outcome.result());

    // op 4 on the drained account: in Agave it has no data any more, so the program's
    // own range check fails with Custom(4) and the account reads as a default account.
    let outcome = vm.process_instruction(&Instruction::new_with_bytes(
        program,
        &[4],
        vec![writable(drained)],
    ));
    assert_eq!(
        outcome.result(),
        &Err(TransactionError::InstructionError(
            0,
            InstructionError::Custom(4)
        ))
    );
    let after = outcome.account(&drained).unwrap();
    assert_eq!(
        (after.lamports, after.owner, after.data.len()),
        (0, SYSTEM, 0)
    );
}

/// Syscall timing measures, and changes nothing else: the same result, compute units, logs,
/// return data and accounts as without it, in both modes; times only when it is on.
#[test]
fn syscall_timing_changes_no_result_and_times_every_syscall() {
    for mode in MODES {
        let run = |timing: bool| {
            let mut vm = vm(mode);
            let program = key(60);
            deploy_with(&mut vm, program, Loader::Upgradeable, "log.so");
            vm.set_syscall_timing(timing);
            vm.process_instruction(&Instruction::new_with_bytes(program, &[1, 2, 3], vec![]))
        };
        let (plain, timed) = (run(false), run(true));
        assert!(plain.is_ok(), "{mode:?}: {:?}", plain.result());
        assert_eq!(plain.result(), timed.result());
        assert_eq!(
            plain.compute_units_consumed(),
            timed.compute_units_consumed()
        );
        assert_eq!(plain.logs(), timed.logs());
        assert_eq!(plain.return_data(), timed.return_data());
        assert_eq!(
            plain.transaction.accounts_after,
            timed.transaction.accounts_after
        );
        let (plain, timed) = (&plain.invocations[0], &timed.invocations[0]);
        assert_eq!(plain.syscalls, timed.syscalls);
        assert!(
            plain.syscall_time.is_empty(),
            "{mode:?}: off means no times"
        );
        let names: Vec<_> = timed.syscall_time.iter().map(|(name, _)| *name).collect();
        let expected: Vec<_> = timed.syscalls.iter().map(|(name, _, _)| *name).collect();
        assert_eq!(names, expected, "{mode:?}: one time per syscall, in order");
        assert!(timed.syscall_time.iter().all(|(_, time)| !time.is_zero()));
    }
}

/// Accounts are copy-on-write, as Agave's `AccountSharedData` is: a transaction shares the
/// store's bytes of every account it only reads (the program account, whose data is the
/// whole ELF under `bpf_loader`, included) and every writable one it leaves unchanged, the
/// outcome shares the transaction's, and only an account the program writes gets a buffer
/// of its own, which the store then keeps.
#[test]
fn accounts_are_shared_with_the_store_until_written() {
    use std::sync::Arc;
    for mode in MODES {
        let mut vm = vm(mode);
        let program = key(1);
        let (written, read, unwritten) = (key(2), key(3), key(4));
        vm.add_program(program, Loader::V2, &elf("account_data.so"))
            .expect("load account_data.so");
        vm.set_account(written, account(rent_exempt(4), program, &[0; 4]));
        vm.set_account(read, account(rent_exempt(10_240), program, &[7; 10_240]));
        vm.set_account(unwritten, account(rent_exempt(165), program, &[5; 165]));
        let stored =
            |vm: &sbfvm::Sbfvm, key: &Pubkey| vm.shared_account(key).expect("stored").data_clone();
        let (program_before, written_before, read_before, unwritten_before) = (
            stored(&vm, &program),
            stored(&vm, &written),
            stored(&vm, &read),
            stored(&vm, &unwritten),
        );

        // op 0: write [9, 9] into account 0's data.
        let outcome = vm.process_instruction(&Instruction::new_with_bytes(
            program,
            &[0, 9, 9],
            vec![
                writable(written),
                AccountMeta::new_readonly(read, false),
                writable(unwritten),
            ],
        ));
        assert!(outcome.is_ok(), "{mode:?}: {:?}", outcome.result());
        let after = |key: &Pubkey| {
            outcome
                .shared_account(key)
                .expect("referenced")
                .data_clone()
        };
        // A writable account the program did not write keeps sharing too: deserialization
        // does not write bytes equal to the account's.
        for (name, key, before) in [
            ("program", program, &program_before),
            ("read", read, &read_before),
            ("writable but unwritten", unwritten, &unwritten_before),
        ] {
            assert!(
                Arc::ptr_eq(&after(&key), before),
                "{mode:?}: {name} account copied"
            );
            assert!(
                Arc::ptr_eq(&stored(&vm, &key), before),
                "{mode:?}: {name} account replaced"
            );
        }
        let written_after = after(&written);
        assert_eq!(written_after.as_slice(), &[9, 9, 0, 0]);
        assert!(
            !Arc::ptr_eq(&written_after, &written_before),
            "{mode:?}: written in place"
        );
        assert_eq!(
            written_before.as_slice(),
            &[0; 4],
            "{mode:?}: the state before changed"
        );
        assert!(
            Arc::ptr_eq(&stored(&vm, &written), &written_after),
            "{mode:?}: commit copied"
        );
        // `account` hands out a copy of its own.
        assert_eq!(vm.account(&written).expect("stored").data, vec![9, 9, 0, 0]);
    }
}

/// Frame timing is off by default (two clock reads per frame are a twentieth of a trivial
/// instruction) and changes nothing but `wall_time`; the scenario runner turns it on, so
/// every frame of a CPI chain that ran, at every depth, has its time.
#[test]
fn frames_are_timed_only_when_asked_and_every_frame_then() {
    let scenario =
        sbfvm::scenario::Scenario::load(&crate::common::fixtures_dir().join("cpi_chain.toml"))
            .unwrap();
    for mode in MODES {
        let timed = sbfvm::runner::run(&scenario, Some(mode)).unwrap();
        let mut prepared = sbfvm::runner::prepare(&scenario, Some(mode)).unwrap();
        let mut deepest = 0;
        for (report, instruction) in timed.instructions.iter().zip(&prepared.instructions) {
            let plain = prepared.vm.process_transaction(
                std::slice::from_ref(&instruction.instruction),
                instruction.compute_unit_limit,
            );
            let timed_frames = crate::common::invoke_tree_frames(&report.outcome.invocations);
            let plain_frames = crate::common::invoke_tree_frames(&plain.invocations);
            assert_eq!(timed_frames.len(), plain_frames.len(), "{mode:?}");
            for (&(timed, _), &(plain, _)) in timed_frames.iter().zip(&plain_frames) {
                // A frame refused at the depth limit never ran, so it has no time.
                let ran = !(timed.result == Err(InstructionError::CallDepth)
                    && timed.compute_units_consumed == 0);
                assert_eq!(timed.wall_time.is_some(), ran, "{mode:?}: {timed:?}");
                assert_eq!(plain.wall_time, None, "{mode:?}: off by default");
                let untimed = sbfvm::Invocation {
                    wall_time: None,
                    invocations: Vec::new(),
                    ..timed.clone()
                };
                let plain_flat = sbfvm::Invocation {
                    invocations: Vec::new(),
                    ..plain.clone()
                };
                assert_eq!(untimed, plain_flat, "{mode:?}");
                deepest = deepest.max(timed.stack_height);
            }
        }
        assert!(deepest >= 3, "{mode:?}: the chain nests CPIs ({deepest})");
    }
}
