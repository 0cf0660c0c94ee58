//! `sbfvm::check`: every kind of `Check`, passing and failing, with the exact failure text;
//! the `CheckFailures` listing; `Outcome::assert`; the byte-difference rendering.

use crate::common::{key, vm_with, MODES, SYSTEM};
use sbfvm::check::{bytes_difference, CheckFailure, Subject};
use sbfvm::{
    Account, Check, CheckFailures, ExecutionMode, Instruction, InstructionError, Outcome, Pubkey,
    TransactionError,
};
use solana_instruction::AccountMeta;

fn run(mode: ExecutionMode, name: &str, data: &[u8]) -> Outcome {
    let instruction = Instruction::new_with_bytes(key(1), data, vec![]);
    vm_with(mode, key(1), name).process_instruction(&instruction)
}

/// custom_error.so failing with `Custom(5)`.
fn custom_5(mode: ExecutionMode) -> Outcome {
    run(mode, "custom_error.so", &5u32.to_le_bytes())
}

/// The failure lines of `checks`, or empty when all pass.
fn failures(outcome: &Outcome, checks: &[Check]) -> Vec<String> {
    match outcome.check(checks) {
        Ok(()) => Vec::new(),
        Err(failures) => failures
            .failures
            .iter()
            .map(CheckFailure::to_string)
            .collect(),
    }
}

#[test]
fn success() {
    for mode in MODES {
        let ok = run(mode, "log.so", b"");
        assert_eq!(failures(&ok, &[Check::success()]), Vec::<String>::new());
        let failed = custom_5(mode);
        assert_eq!(
            failures(&failed, &[Check::success()]),
            ["result: expected `ok`, got `Custom(5)`"]
        );
    }
}

#[test]
fn instruction_error() {
    for mode in MODES {
        let failed = custom_5(mode);
        assert!(failures(&failed, &[Check::err(InstructionError::Custom(5))]).is_empty());
        assert_eq!(
            failures(&failed, &[Check::err(InstructionError::Custom(6))]),
            ["result: expected `Custom(6)`, got `Custom(5)`"]
        );
        assert_eq!(
            failures(&failed, &[Check::err(InstructionError::InvalidArgument)]),
            ["result: expected `InvalidArgument`, got `Custom(5)`"]
        );
        let ok = run(mode, "log.so", b"");
        assert_eq!(
            failures(&ok, &[Check::err(InstructionError::Custom(1))]),
            ["result: expected `Custom(1)`, got `ok`"]
        );
    }
}

#[test]
fn transaction_error_includes_the_instruction_index() {
    let mut vm = vm_with(ExecutionMode::Interpreter, key(1), "custom_error.so");
    let ok = Instruction::new_with_bytes(key(1), &0u32.to_le_bytes(), vec![]);
    let fail = Instruction::new_with_bytes(key(1), &5u32.to_le_bytes(), vec![]);
    let outcome = vm.process_transaction(&[ok, fail], None);
    let expected = TransactionError::InstructionError(1, InstructionError::Custom(5));
    assert!(failures(&outcome, &[Check::transaction_err(expected)]).is_empty());
    // `err` matches whichever instruction failed.
    assert!(failures(&outcome, &[Check::err(InstructionError::Custom(5))]).is_empty());
    let wrong_index = TransactionError::InstructionError(0, InstructionError::Custom(5));
    assert_eq!(
        failures(&outcome, &[Check::transaction_err(wrong_index)]),
        ["result: expected `InstructionError(0, Custom(5))`, got `InstructionError(1, Custom(5))`"]
    );
    let ok = run(ExecutionMode::Interpreter, "log.so", b"");
    assert_eq!(
        failures(
            &ok,
            &[Check::transaction_err(TransactionError::AccountNotFound)]
        ),
        ["result: expected `AccountNotFound`, got `ok`"]
    );
}

#[test]
fn result_text() {
    let failed = custom_5(ExecutionMode::Interpreter);
    assert!(failures(&failed, &[Check::result("Custom(5)")]).is_empty());
    assert_eq!(
        failures(&failed, &[Check::result("ok")]),
        ["result: expected `ok`, got `Custom(5)`"]
    );
}

#[test]
fn compute_units() {
    for mode in MODES {
        // custom_error.toml: returning Custom(n) costs 21 CU.
        let outcome = custom_5(mode);
        assert_eq!(outcome.compute_units_consumed(), 21);
        assert!(failures(&outcome, &[Check::compute_units(21)]).is_empty());
        assert_eq!(
            failures(&outcome, &[Check::compute_units(30)]),
            ["compute_units_consumed: expected 30, got 21 (-9)"]
        );
        assert_eq!(
            failures(&outcome, &[Check::compute_units(1)]),
            ["compute_units_consumed: expected 1, got 21 (+20)"]
        );
    }
}

#[test]
fn logs_contain() {
    for mode in MODES {
        let outcome = run(mode, "log.so", b"");
        assert!(failures(
            &outcome,
            &[
                Check::logs_contain("Program log: hello from sbfvm"),
                Check::logs_contain("hello from"),
            ]
        )
        .is_empty());
        assert_eq!(
            failures(&outcome, &[Check::logs_contain("Program log: goodbye")]),
            ["logs_contain: no log line contains `Program log: goodbye`"]
        );
    }
}

#[test]
fn return_data() {
    // sha256("abc")
    let digest = [
        0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22,
        0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00,
        0x15, 0xad,
    ];
    for mode in MODES {
        let outcome = run(mode, "hash_pda.so", b"\x00abc");
        assert!(failures(&outcome, &[Check::return_data(&digest)]).is_empty());
        let mut wrong = digest;
        wrong[5] = 0;
        assert_eq!(
            failures(&outcome, &[Check::return_data(&wrong)]),
            ["return_data: expected hex:ba7816bf8f00cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad, \
              got hex:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad \
              (first difference at byte 5)"]
        );
        assert_eq!(
            failures(&outcome, &[Check::return_data(&digest[..4])]),
            ["return_data: expected hex:ba7816bf, \
              got hex:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad \
              (first difference at byte 4; expected 4 bytes, got 32)"]
        );
        assert_eq!(
            failures(&outcome, &[Check::return_data(&[])]),
            ["return_data: expected hex:, \
              got hex:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad \
              (first difference at byte 0; expected 0 bytes, got 32)"]
        );
        // No return data at all matches empty data.
        let none = run(mode, "log.so", b"");
        assert!(none.return_data().is_none());
        assert!(failures(&none, &[Check::return_data(&[])]).is_empty());
        assert_eq!(
            failures(&none, &[Check::return_data(&[1, 2])]),
            ["return_data: expected hex:0102, got hex: (first difference at byte 0; expected 2 bytes, got 0)"]
        );
    }
}

/// account_data.so op 0 writes data[1..] at offset 0 of account 0 (owned by the program).
fn write_account(mode: ExecutionMode) -> (Outcome, Pubkey) {
    let mut vm = vm_with(mode, key(1), "account_data.so");
    let target = key(2);
    vm.set_account(
        target,
        Account {
            lamports: 5_000_000,
            data: (0..16).collect(),
            owner: key(1),
            executable: false,
            rent_epoch: u64::MAX,
        },
    );
    let outcome = vm.process_instruction(&Instruction::new_with_bytes(
        key(1),
        &[0, 0xaa, 0xbb],
        vec![AccountMeta::new(target, false)],
    ));
    (outcome, target)
}

#[test]
fn account_fields() {
    for mode in MODES {
        let (outcome, target) = write_account(mode);
        let mut data: Vec<u8> = (0..16).collect();
        data[..2].copy_from_slice(&[0xaa, 0xbb]);
        let all_right = Check::account(&target)
            .lamports(5_000_000)
            .owner(&key(1))
            .data(&data)
            .data_len(16)
            .executable(false)
            .build();
        outcome.assert(&[Check::success(), all_right]);

        let all_wrong = Check::account(&target)
            .lamports(1)
            .owner(&SYSTEM)
            .data(&[0xaa, 0xbc])
            .data_len(2)
            .executable(true)
            .build();
        assert_eq!(
            failures(&outcome, &[all_wrong]),
            [
                format!("account {target} lamports: expected 1, got 5000000"),
                format!("account {target} owner: expected {SYSTEM}, got {}", key(1)),
                format!(
                    "account {target} data: expected hex:aabc, got hex:aabb02030405060708090a0b0c0d0e0f \
                     (first difference at byte 1; expected 2 bytes, got 16)"
                ),
                format!("account {target} data length: expected 2, got 16"),
                format!("account {target} executable: expected true, got false"),
            ]
        );
        // An account the transaction did not reference.
        let missing = key(9);
        assert_eq!(
            failures(&outcome, &[Check::account(&missing).lamports(0).into()]),
            [format!(
                "account {missing}: not referenced by the transaction"
            )]
        );
    }
}

#[test]
fn failures_are_listed_together_with_the_logs_when_a_log_check_failed() {
    let outcome = custom_5(ExecutionMode::Interpreter);
    let error: CheckFailures = outcome
        .check(&[
            Check::err(InstructionError::Custom(5)),
            Check::success(),
            Check::compute_units(21),
            Check::logs_contain("Program log: nope"),
        ])
        .unwrap_err();
    assert_eq!(error.checks, 4);
    assert_eq!(error.failures.len(), 2);
    assert_eq!(error.failures[0].subject, Subject::Result);
    assert_eq!(error.failures[1].subject, Subject::Logs);
    let program = key(1);
    assert_eq!(
        error.to_string(),
        format!(
            "2 of 4 checks failed:\n\
             \x20 result: expected `ok`, got `Custom(5)`\n\
             \x20 logs_contain: no log line contains `Program log: nope`\n\
             logs:\n\
             \x20 Program {program} invoke [1]\n\
             \x20 Program {program} consumed 21 of 200000 compute units\n\
             \x20 Program {program} failed: custom program error: 0x5\n"
        )
    );
    // Without a failed log check, no logs.
    let error = outcome.check(&[Check::success()]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "1 of 1 check failed:\n  result: expected `ok`, got `Custom(5)`\n"
    );
    assert!(outcome.check(&[]).is_ok());
}

#[test]
fn assert_panics_with_the_listing() {
    let outcome = run(ExecutionMode::Interpreter, "log.so", b"");
    outcome.assert(&[Check::success(), Check::return_data(&[])]);
    let panic = std::panic::catch_unwind(|| {
        outcome.assert(&[Check::err(InstructionError::Custom(1)), Check::success()])
    })
    .unwrap_err();
    let message = panic
        .downcast_ref::<String>()
        .expect("a formatted panic message");
    assert_eq!(
        message,
        "1 of 2 checks failed:\n  result: expected `Custom(1)`, got `ok`\n"
    );
}

#[test]
fn long_byte_strings_show_a_window_around_the_first_difference() {
    let expected: Vec<u8> = (0..200u32).map(|i| i as u8).collect();
    let mut got = expected.clone();
    got[100] = 0xff;
    assert_eq!(
        bytes_difference(&expected, &got),
        "expected hex:…5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b…, \
         got hex:…5c5d5e5f60616263ff65666768696a6b6c6d6e6f707172737475767778797a7b… \
         (first difference at byte 100; bytes 92..124 of 200 shown)"
    );
    // Different lengths, the difference near the start.
    let short = &expected[..100];
    assert_eq!(
        bytes_difference(short, &[0xee; 70]),
        format!(
            "expected hex:{}…, got hex:{}… (first difference at byte 0; bytes 0..32 shown; \
             expected 100 bytes, got 70)",
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
            "ee".repeat(32)
        )
    );
    // Past the end of the shorter one: its window is empty up to its end.
    assert_eq!(
        bytes_difference(&expected[..80], &expected[..70]),
        format!(
            "expected hex:…{}, got hex:…{} (first difference at byte 70; bytes 62..80 shown; \
             expected 80 bytes, got 70)",
            "3e3f404142434445464748494a4b4c4d4e4f", "3e3f404142434445"
        )
    );
}

/// The scenario runner reports through the same checks: its messages are the `Display` of
/// `CheckFailure`.
#[test]
fn from_expect_builds_the_runner_checks() {
    let expect: sbfvm::scenario::ExpectSpec = toml::from_str(
        r#"
result = "Custom(5)"
compute_units_consumed = 21
logs_contain = ["custom program error: 0x5"]
return_data = "none"
accounts = [ { pubkey = "11111111111111111111111111111111", lamports = 3 } ]
"#,
    )
    .unwrap();
    let checks = Check::from_expect(&expect, "expect").unwrap();
    assert_eq!(
        checks,
        vec![
            Check::result("Custom(5)"),
            Check::compute_units(21),
            Check::logs_contain("custom program error: 0x5"),
            Check::return_data(&[]),
            Check::account(&SYSTEM).lamports(3).build(),
        ]
    );
    let bad: sbfvm::scenario::ExpectSpec =
        toml::from_str(r#"accounts = [ { pubkey = "not base58!" } ]"#).unwrap();
    let error = Check::from_expect(&bad, "instructions[3].expect").unwrap_err();
    assert!(
        error
            .to_string()
            .contains("instructions[3].expect.accounts[0].pubkey"),
        "{error}"
    );
}
