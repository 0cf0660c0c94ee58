//! The invoke machinery: CPI frame preparation (privileges, deduplication, the program
//! account) and dispatch under older feature sets.

use std::rc::Rc;

use solana_account::Account;
use solana_instruction_error::InstructionError;
use solana_pubkey::Pubkey;
use solana_sdk_ids::{bpf_loader_upgradeable, native_loader};

use sbfvm_runtime::features::ids;
use sbfvm_runtime::{
    Builtin, ComputeBudget, CpiAccountMeta, ExecutionFailure, FeatureSet, IndexOfAccount,
    InstructionAccount, InstructionFrame, InvokeContext, RentParams, Sysvars, TransactionContext,
};

use crate::common::{key, NoPrograms};

// ----- `prepare_next_cpi_instruction` against `solana-program-runtime 4.4.0,
// src/invoke_context.rs`: key lookup, deduplication with privileges OR-ed over every
// occurrence, one privilege check per distinct account, then the program. -----

/// An empty account of one lamport.
fn account(owner: Pubkey, executable: bool) -> Account {
    Account {
        lamports: 1,
        data: vec![],
        owner,
        executable,
        rent_epoch: 0,
    }
}

const CALLEE: u8 = 0xB0;
const CALLER: u8 = 0xA0;

/// Transaction accounts keys 1..=4 (indices 0..=3), the callee (index 4) and the caller
/// (index 5). The caller's instruction: key 1 (signer, writable), key 2 (writable),
/// key 3 (read-only) and the callee (read-only); key 4 is not in it.
fn context() -> InvokeContext {
    let mut accounts: Vec<(Pubkey, Account)> = (1..=4)
        .map(|n| (key(n), account(key(CALLER), false)))
        .collect();
    accounts.push((key(CALLEE), account(native_loader::id(), true)));
    accounts.push((key(CALLER), account(bpf_loader_upgradeable::id(), true)));
    let instruction_account = |index, is_signer, is_writable| InstructionAccount {
        index_in_transaction: index,
        is_signer,
        is_writable,
    };
    let mut transaction_context = TransactionContext::new(accounts, RentParams::default(), 5, 64);
    transaction_context.configure_top_level(vec![InstructionFrame::new(
        5,
        vec![
            instruction_account(0, true, true),
            instruction_account(1, false, true),
            instruction_account(2, false, false),
            instruction_account(4, false, false),
        ],
        vec![],
    )]);
    let mut invoke_context = InvokeContext::new(
        transaction_context,
        ComputeBudget::default(),
        Rc::new(FeatureSet::mainnet()),
        Rc::new(Sysvars::default()),
        Rc::new(NoPrograms),
        Vec::new().into(),
    );
    invoke_context.push(None).unwrap();
    invoke_context
}

fn meta(n: u8, is_signer: bool, is_writable: bool) -> CpiAccountMeta {
    CpiAccountMeta {
        pubkey: key(n),
        is_signer,
        is_writable,
    }
}

/// Prepares a CPI of `program` from a fresh [`context`], which must fail: the error and
/// the logs.
fn cpi_failure(
    program: &Pubkey,
    metas: &[CpiAccountMeta],
    signers: &[Pubkey],
) -> (InstructionError, Vec<String>) {
    let mut ic = context();
    let error = ic
        .prepare_next_cpi_instruction(program, metas, vec![], signers)
        .unwrap_err();
    (error, ic.logs().to_vec())
}

/// The failure of a CPI that escalates key `n`'s `privilege` ("writable" or "signer").
fn escalated(n: u8, privilege: &str) -> (InstructionError, Vec<String>) {
    (
        InstructionError::PrivilegeEscalation,
        vec![format!("{}'s {privilege} privilege escalated", key(n))],
    )
}

fn flags(frame: &InstructionFrame) -> Vec<(IndexOfAccount, bool, bool)> {
    frame
        .accounts
        .iter()
        .map(|a| (a.index_in_transaction, a.is_signer, a.is_writable))
        .collect()
}

#[test]
fn duplicates_get_the_privileges_of_all_their_occurrences() {
    let mut ic = context();
    let metas = [
        meta(2, false, false),
        meta(3, false, false),
        meta(2, false, true),
        meta(2, false, false),
        meta(1, false, false),
        meta(1, true, false),
    ];
    let frame = ic
        .prepare_next_cpi_instruction(&key(CALLEE), &metas, vec![7, 8], &[])
        .unwrap();
    assert_eq!(
        flags(&frame),
        vec![
            (1, false, true),
            (2, false, false),
            (1, false, true),
            (1, false, true),
            (0, true, false),
            (0, true, false),
        ]
    );
    assert_eq!(frame.first_occurrence, vec![0, 1, 0, 0, 4, 4]);
    assert_eq!(
        (0..6).map(|p| frame.duplicate_of(p)).collect::<Vec<_>>(),
        vec![None, None, Some(0), Some(0), None, Some(4)]
    );
    assert_eq!(
        (frame.program_account_index, frame.data.clone()),
        (4, vec![7, 8])
    );
    assert!(ic.logs().is_empty());
}

#[test]
fn escalation_is_checked_once_per_account_with_the_merged_privileges() {
    // Key 3 is read-only in the caller; only the later occurrences ask for writable.
    let metas = [
        meta(3, false, false),
        meta(3, false, true),
        meta(3, false, true),
    ];
    assert_eq!(
        cpi_failure(&key(CALLEE), &metas, &[]),
        escalated(3, "writable")
    );
    // Key 2 (writable, not a signer): a later signer flag escalates the first one.
    let metas = [meta(2, false, true), meta(2, true, false)];
    assert_eq!(
        cpi_failure(&key(CALLEE), &metas, &[]),
        escalated(2, "signer")
    );
    // Writable is checked before signer.
    assert_eq!(
        cpi_failure(&key(CALLEE), &[meta(3, true, true)], &[]),
        escalated(3, "writable")
    );
}

#[test]
fn pda_signers_grant_the_signer_flag_only_to_their_key() {
    let mut ic = context();
    let metas = [meta(2, true, true), meta(3, true, false)];
    let frame = ic
        .prepare_next_cpi_instruction(&key(CALLEE), &metas, vec![], &[key(3), key(2)])
        .unwrap();
    assert_eq!(flags(&frame), vec![(1, true, true), (2, true, false)]);
    assert_eq!(
        cpi_failure(&key(CALLEE), &metas, &[key(3)]),
        escalated(2, "signer")
    );
    // Narrowing needs nothing: the signer passed read-only and unsigned.
    let mut ic = context();
    let frame = ic
        .prepare_next_cpi_instruction(&key(CALLEE), &[meta(1, false, false)], vec![], &[])
        .unwrap();
    assert_eq!(flags(&frame), vec![(0, false, false)]);
}

#[test]
fn unknown_accounts_are_found_before_any_privilege_check() {
    let metas = [meta(3, false, true), meta(9, false, false)];
    assert_eq!(
        cpi_failure(&key(CALLEE), &metas, &[]),
        (
            InstructionError::MissingAccount,
            vec![format!(
                "Instruction references an unknown account {}",
                key(9)
            )]
        )
    );
    // In the transaction but not in the caller's instruction: no log.
    assert_eq!(
        cpi_failure(&key(CALLEE), &[meta(4, false, false)], &[]),
        (InstructionError::MissingAccount, vec![])
    );
}

#[test]
fn the_program_must_be_a_caller_account_and_is_checked_last() {
    for program in [key(9), key(4), key(CALLER)] {
        assert_eq!(
            cpi_failure(&program, &[meta(1, true, true)], &[]),
            (
                InstructionError::MissingAccount,
                vec![format!("Unknown program {program}")]
            )
        );
    }
    assert_eq!(
        cpi_failure(&key(9), &[meta(3, false, true)], &[]).0,
        InstructionError::PrivilegeEscalation
    );
    // Any caller account will do (no executable check), and it need not be in the metas.
    let mut ic = context();
    let frame = ic
        .prepare_next_cpi_instruction(&key(3), &[], vec![], &[])
        .unwrap();
    assert_eq!((frame.program_account_index, frame.accounts.len()), (2, 0));
}

// ----- Behaviour selected by an older feature set: the executable checks of Agave 2.1
// (`prepare_instruction`, `process_executable_chain`) while SIMD-0162 is inactive. -----

fn echo_builtin(invoke_context: &mut InvokeContext) -> Result<(), ExecutionFailure> {
    invoke_context.consume_checked(1)?;
    invoke_context.log("echo ran");
    Ok(())
}

/// Accounts: key 1 (owned by the caller), a non-executable key 2 owned by key 3, the
/// builtin key 3 (native loader), and the caller key 4, with the instruction
/// [1, 2, 3] of program 4.
fn simd_0162_context(simd_0162: bool) -> InvokeContext {
    let accounts = vec![
        (key(1), account(key(4), false)),
        (key(2), account(key(3), false)),
        (key(3), account(native_loader::id(), true)),
        (key(4), account(bpf_loader_upgradeable::id(), true)),
    ];
    let mut transaction_context = TransactionContext::new(accounts, RentParams::default(), 5, 64);
    let instruction_account = |index| InstructionAccount {
        index_in_transaction: index,
        is_signer: false,
        is_writable: true,
    };
    transaction_context.configure_top_level(vec![InstructionFrame::new(
        3,
        (0..3).map(instruction_account).collect(),
        vec![],
    )]);
    let mut features = FeatureSet::mainnet();
    if !simd_0162 {
        features.deactivate(&ids::REMOVE_ACCOUNTS_EXECUTABLE_FLAG_CHECKS);
    }
    let mut invoke_context = InvokeContext::new(
        transaction_context,
        ComputeBudget::default(),
        Rc::new(features),
        Rc::new(Sysvars::default()),
        Rc::new(NoPrograms),
        vec![Builtin::new(key(3), "echo", echo_builtin)].into(),
    );
    invoke_context.push(None).unwrap();
    invoke_context
}

#[test]
fn a_non_executable_callee_is_refused() {
    let mut ic = simd_0162_context(false);
    assert!(!ic
        .transaction_context
        .remove_accounts_executable_flag_checks());
    assert_eq!(
        ic.prepare_next_cpi_instruction(&key(1), &[], vec![], &[])
            .unwrap_err(),
        InstructionError::AccountNotExecutable
    );
    assert_eq!(
        ic.logs(),
        &[format!("Account {} is not executable", key(1))]
    );
    // The executable builtin is fine.
    ic.prepare_next_cpi_instruction(&key(3), &[], vec![], &[])
        .unwrap();
    // Agave 4.4 has no such check.
    let mut ic = simd_0162_context(true);
    ic.prepare_next_cpi_instruction(&key(1), &[], vec![], &[])
        .unwrap();
}

#[test]
fn the_owner_is_the_builtin_key() {
    // Key 2 is owned by the builtin key 3: before SIMD-0162 that builtin runs for it.
    let mut ic = simd_0162_context(false);
    ic.process_instruction(Some(InstructionFrame::new(1, vec![], vec![])))
        .unwrap();
    assert_eq!(
        ic.logs(),
        &[
            format!("Program {} invoke [2]", key(2)),
            "echo ran".to_string(),
            format!("Program {} success", key(2)),
        ]
    );
    let mut ic = simd_0162_context(true);
    assert_eq!(
        ic.process_instruction(Some(InstructionFrame::new(1, vec![], vec![]))),
        Err(InstructionError::UnsupportedProgramId)
    );
}

/// A top-level frame over the Instructions sysvar (owned by `owner`, current index 1).
fn instructions_sysvar_context(owner: Pubkey, update_on_push: bool) -> InvokeContext {
    sysvar_context_with_data(owner, update_on_push, vec![0, 0, 7, 1, 0])
}

/// A top-level frame over the Instructions sysvar (owned by `owner`) holding `data`.
fn sysvar_context_with_data(owner: Pubkey, update_on_push: bool, data: Vec<u8>) -> InvokeContext {
    let sysvar_account = Account {
        lamports: 0,
        data,
        owner,
        executable: false,
        rent_epoch: 0,
    };
    let accounts = vec![
        (solana_sdk_ids::sysvar::instructions::id(), sysvar_account),
        (key(1), account(native_loader::id(), true)),
    ];
    let mut transaction_context = TransactionContext::new(accounts, RentParams::default(), 5, 64);
    transaction_context.configure_top_level(vec![InstructionFrame::new(1, vec![], vec![])]);
    let mut invoke_context = InvokeContext::new(
        transaction_context,
        ComputeBudget::default(),
        Rc::new(FeatureSet::mainnet()),
        Rc::new(Sysvars::default()),
        Rc::new(NoPrograms),
        Vec::new().into(),
    );
    invoke_context.update_instructions_sysvar_on_push = update_on_push;
    invoke_context
}

fn instructions_sysvar_data(invoke_context: &InvokeContext) -> Vec<u8> {
    use solana_account::ReadableAccount as _;
    invoke_context
        .transaction_context
        .borrow_account(0)
        .unwrap()
        .data()
        .to_vec()
}

#[test]
fn push_writes_the_instructions_sysvar_index_unless_switched_off() {
    let sysvar_owner = solana_sdk_ids::sysvar::id();
    // Agave 4.4: the push writes the top-level index (0) into the last two bytes.
    let mut ic = instructions_sysvar_context(sysvar_owner, true);
    ic.push(None).unwrap();
    assert_eq!(instructions_sysvar_data(&ic), [0, 0, 7, 0, 0]);
    // ... and checks the owner.
    let mut ic = instructions_sysvar_context(key(9), true);
    assert_eq!(ic.push(None), Err(InstructionError::InvalidAccountOwner));
    // Data shorter than the index is too small (`store_current_index_checked`).
    let mut ic = sysvar_context_with_data(sysvar_owner, true, vec![1]);
    assert_eq!(ic.push(None), Err(InstructionError::AccountDataTooSmall));
    // Switched off (the conformance instr harness): untouched, owner unchecked.
    for owner in [sysvar_owner, key(9)] {
        let mut ic = instructions_sysvar_context(owner, false);
        ic.push(None).unwrap();
        assert_eq!(instructions_sysvar_data(&ic), [0, 0, 7, 1, 0]);
    }
}
