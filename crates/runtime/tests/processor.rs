//! The processor's phases one by one: compiling the message, loading accounts, the checks
//! before execution, the budget, executing, the checks after execution and the commit.

use std::cell::RefCell;
use std::rc::Rc;

use solana_account::{Account, AccountSharedData, ReadableAccount};
use solana_instruction::{AccountMeta, Instruction};
use solana_instruction_error::InstructionError;
use solana_pubkey::Pubkey;
use solana_sdk_ids::{
    bpf_loader_upgradeable, compute_budget, incinerator, loader_v4, native_loader, system_program,
    sysvar,
};

use sbfvm_runtime::accounts::{native_program_account, upgradeable_program_accounts};
use sbfvm_runtime::features::ids;
use sbfvm_runtime::message::{is_reserved_account_key, CompiledMessage};
use sbfvm_runtime::processor::execute_instructions;
use sbfvm_runtime::{
    ExecutionFailure, FeatureSet, InvokeContext, ProgramExecutor, ProgramStatus, RentParams,
    Runtime, Sysvars, TransactionError, TransactionSettings,
};

use crate::common::{key, new_account, rent_exempt, runtime, runtime_without, NoPrograms};

fn transfer(from: Pubkey, to: Pubkey, lamports: u64) -> Instruction {
    Instruction::new_with_bincode(
        system_program::id(),
        &(2u32, lamports),
        vec![AccountMeta::new(from, true), AccountMeta::new(to, false)],
    )
}

fn funded(runtime: &mut Runtime, lamports: u64) -> Pubkey {
    let key = Pubkey::new_unique();
    runtime
        .store
        .set(key, new_account(lamports, 0, &system_program::id()));
    key
}

// ----- phase 1: the message -----

#[test]
fn keys_follow_first_reference_and_privileges_merge() {
    let program = key(9);
    let instruction = |data, metas| Instruction::new_with_bytes(program, &[data], metas);
    let instructions = [
        instruction(
            1,
            vec![
                AccountMeta::new_readonly(key(1), false),
                AccountMeta::new_readonly(key(2), true),
            ],
        ),
        instruction(
            2,
            vec![
                AccountMeta::new(key(1), false),
                AccountMeta::new_readonly(key(3), false),
            ],
        ),
    ];
    let message = CompiledMessage::compile(&instructions);
    assert_eq!(message.account_keys, vec![key(1), key(2), program, key(3)]);
    assert_eq!(message.is_signer, vec![false, true, false, false]);
    assert_eq!(message.is_writable, vec![true, false, false, false]);
    // The first instruction sees key 1 writable: the message's privilege, not its meta's.
    let first = &message.frames[0];
    assert_eq!(first.program_account_index, 2);
    assert!(first.accounts[0].is_writable);
    assert_eq!(first.data, vec![1]);
    assert_eq!(message.frames[1].accounts[1].index_in_transaction, 3);
}

#[test]
fn reserved_keys_and_program_ids_are_demoted() {
    let program = key(9);
    let metas = vec![
        AccountMeta::new(sysvar::clock::id(), false),
        AccountMeta::new(program, false),
        AccountMeta::new(key(1), false),
    ];
    let message = CompiledMessage::compile(&[Instruction::new_with_bytes(program, &[], metas)]);
    assert_eq!(message.is_writable, vec![false, false, true]);
    assert!(message.frames[0]
        .accounts
        .iter()
        .map(|account| account.is_writable)
        .eq([false, false, true]));
    // With the upgradeable loader among the keys, a program id keeps its writability.
    let metas = vec![
        AccountMeta::new(program, false),
        AccountMeta::new_readonly(bpf_loader_upgradeable::id(), false),
    ];
    let message = CompiledMessage::compile(&[Instruction::new_with_bytes(program, &[], metas)]);
    assert_eq!(message.is_writable, vec![true, false]);
    assert!(is_reserved_account_key(&system_program::id()));
    assert!(is_reserved_account_key(&sysvar::instructions::id()));
    assert!(!is_reserved_account_key(&key(1)));
}

// ----- phase 2: loading -----

/// A message of `keys` and no instructions (what loading needs).
fn keys_only(keys: Vec<Pubkey>) -> CompiledMessage {
    let count = keys.len();
    CompiledMessage {
        account_keys: keys,
        is_signer: vec![false; count],
        is_writable: vec![false; count],
        frames: Vec::new(),
    }
}

#[test]
fn missing_and_zero_lamport_accounts_load_empty_and_system_owned() {
    let mut rt = runtime();
    let drained = Pubkey::new_unique();
    rt.store.set(drained, new_account(0, 8, &key(7)));
    let stored = funded(&mut rt, 5);
    let accounts = rt.load_accounts(&keys_only(vec![Pubkey::new_unique(), drained, stored]), &[]);
    for empty in &accounts[..2] {
        assert_eq!(empty.lamports(), 0);
        assert!(empty.data().is_empty());
        assert_eq!(*empty.owner(), system_program::id());
    }
    assert_eq!(accounts[2].lamports(), 5);
}

/// The Instructions sysvar account a transaction of `instructions` loads (one of them must
/// name the sysvar).
fn instructions_sysvar(instructions: &[Instruction]) -> Account {
    let message = CompiledMessage::compile(instructions);
    let position = message
        .account_keys
        .iter()
        .position(|key| *key == sysvar::instructions::id())
        .expect("an instruction names the Instructions sysvar");
    runtime()
        .load_accounts(&message, instructions)
        .swap_remove(position)
        .into()
}

/// Instruction `index` of Instructions sysvar data: each meta's flag byte (1 signer,
/// 2 writable) and key, the program id and the data.
fn sysvar_instruction(data: &[u8], index: usize) -> (Vec<(u8, Pubkey)>, Pubkey, Vec<u8>) {
    let u16_at = |at: usize| usize::from(u16::from_le_bytes([data[at], data[at + 1]]));
    let key_at = |at: usize| Pubkey::try_from(&data[at..at + 32]).unwrap();
    let mut at = u16_at(2 + 2 * index);
    let count = u16_at(at);
    at += 2;
    let metas = (0..count)
        .map(|meta| (data[at + 33 * meta], key_at(at + 33 * meta + 1)))
        .collect();
    at += 33 * count;
    let program_id = key_at(at);
    let length = u16_at(at + 32);
    (metas, program_id, data[at + 34..at + 34 + length].to_vec())
}

const SIGNER: u8 = 1;
const WRITABLE: u8 = 2;

#[test]
fn the_instructions_sysvar_is_built_from_the_instructions() {
    let instruction = Instruction::new_with_bytes(
        key(9),
        &[0xaa, 0xbb],
        vec![
            AccountMeta::new(key(1), true),
            AccountMeta::new_readonly(sysvar::instructions::id(), false),
        ],
    );
    let account = instructions_sysvar(&[instruction]);
    let data = &account.data;
    assert_eq!(account.owner, sysvar::id());
    // One instruction at offset 4: two accounts (flags 3 = signer | writable, then 0), the
    // program, two bytes of data, then the current index.
    assert_eq!(&data[..6], &[1, 0, 4, 0, 2, 0]);
    assert_eq!(data[6], SIGNER | WRITABLE);
    assert_eq!(&data[7..39], key(1).as_ref());
    assert_eq!(data[39], 0);
    assert_eq!(&data[40..72], sysvar::instructions::id().as_ref());
    assert_eq!(&data[72..104], key(9).as_ref());
    assert_eq!(&data[104..], &[2, 0, 0xaa, 0xbb, 0, 0]);
}

#[test]
fn sysvar_metas_carry_the_merged_privileges_of_duplicated_keys() {
    // [A signer read-only, A signer writable, the sysvar]: both As are signer | writable.
    let a = key(1);
    let instruction = Instruction::new_with_bytes(
        key(9),
        &[],
        vec![
            AccountMeta::new_readonly(a, true),
            AccountMeta::new(a, true),
            AccountMeta::new_readonly(sysvar::instructions::id(), false),
        ],
    );
    let (metas, _, _) = sysvar_instruction(&instructions_sysvar(&[instruction]).data, 0);
    assert_eq!(
        metas,
        [
            (SIGNER | WRITABLE, a),
            (SIGNER | WRITABLE, a),
            (0, sysvar::instructions::id())
        ]
    );
}

#[test]
fn sysvar_metas_demote_program_ids_and_reserved_keys() {
    // The program id passed writable is read-only (the upgradeable loader is not among the
    // keys), and so is a sysvar passed writable.
    let program = key(9);
    let instruction = Instruction::new_with_bytes(
        program,
        &[],
        vec![
            AccountMeta::new(program, false),
            AccountMeta::new(sysvar::clock::id(), false),
            AccountMeta::new(sysvar::instructions::id(), false),
            AccountMeta::new(key(1), false),
        ],
    );
    let (metas, _, _) = sysvar_instruction(&instructions_sysvar(&[instruction]).data, 0);
    let flags: Vec<u8> = metas.iter().map(|(flags, _)| *flags).collect();
    assert_eq!(flags, [0, 0, 0, WRITABLE]);

    // With the upgradeable loader among the keys, a program id keeps its writability.
    let instruction = Instruction::new_with_bytes(
        program,
        &[],
        vec![
            AccountMeta::new(program, false),
            AccountMeta::new_readonly(bpf_loader_upgradeable::id(), false),
            AccountMeta::new_readonly(sysvar::instructions::id(), false),
        ],
    );
    let (metas, _, _) = sysvar_instruction(&instructions_sysvar(&[instruction]).data, 0);
    assert_eq!(metas[0], (WRITABLE, program));
}

#[test]
fn every_instruction_sees_the_transactions_privileges_and_the_same_bytes() {
    // B is read-only in the first instruction and writable (and a signer) in the second:
    // the sysvar shows it signer | writable in both, and the sibling syscall reads the
    // same privileges from the frames the message built.
    let (b, program) = (key(2), key(9));
    let instructions = [
        Instruction::new_with_bytes(
            program,
            &[1],
            vec![
                AccountMeta::new_readonly(b, false),
                AccountMeta::new_readonly(sysvar::instructions::id(), false),
            ],
        ),
        Instruction::new_with_bytes(program, &[2], vec![AccountMeta::new(b, true)]),
    ];
    let data = instructions_sysvar(&instructions).data;
    let (first, first_program, first_data) = sysvar_instruction(&data, 0);
    let (second, second_program, second_data) = sysvar_instruction(&data, 1);
    assert_eq!(first[0], (SIGNER | WRITABLE, b));
    assert_eq!(second, [(SIGNER | WRITABLE, b)]);
    assert_eq!((first_program, first_data), (program, vec![1]));
    assert_eq!((second_program, second_data), (program, vec![2]));
    let message = CompiledMessage::compile(&instructions);
    for (index, frame) in message.frames.iter().enumerate() {
        let (metas, _, _) = sysvar_instruction(&data, index);
        let from_frames: Vec<(u8, Pubkey)> = frame
            .accounts
            .iter()
            .map(|account| {
                let flags =
                    u8::from(account.is_signer) * SIGNER + u8::from(account.is_writable) * WRITABLE;
                (
                    flags,
                    message.account_keys[usize::from(account.index_in_transaction)],
                )
            })
            .collect();
        assert_eq!(metas, from_frames, "instruction {index}");
    }
}

// ----- phase 3: the checks before execution -----

#[test]
fn checks_before_execution() {
    let mut rt = runtime();
    let check = |rt: &Runtime, instructions: &[Instruction]| {
        let message = CompiledMessage::compile(instructions);
        let accounts = rt.load_accounts(&message, instructions);
        rt.check_transaction(instructions, &message.frames, &accounts)
    };
    let noop = Instruction::new_with_bytes(system_program::id(), &[], vec![]);
    assert_eq!(check(&rt, &vec![noop.clone(); 64]), Ok(()));
    assert_eq!(
        check(&rt, &vec![noop; 65]),
        Err(TransactionError::SanitizeFailure)
    );
    let metas = (0..256)
        .map(|_| AccountMeta::new_readonly(Pubkey::new_unique(), false))
        .collect();
    assert_eq!(
        check(
            &rt,
            &[Instruction::new_with_bytes(
                system_program::id(),
                &[],
                metas
            )]
        ),
        Err(TransactionError::SanitizeFailure)
    );
    let unknown = Instruction::new_with_bytes(Pubkey::new_unique(), &[], vec![]);
    assert_eq!(
        check(&rt, &[unknown]),
        Err(TransactionError::ProgramAccountNotFound)
    );
    let not_a_program = funded(&mut rt, 1);
    assert_eq!(
        check(
            &rt,
            &[Instruction::new_with_bytes(not_a_program, &[], vec![])]
        ),
        Err(TransactionError::InvalidProgramForExecution)
    );
    let v4_program = Pubkey::new_unique();
    rt.store
        .set(v4_program, new_account(1, 0, &loader_v4::id()));
    let native = Instruction::new_with_bytes(native_loader::id(), &[], vec![]);
    assert_eq!(
        check(
            &rt,
            &[Instruction::new_with_bytes(v4_program, &[], vec![]), native]
        ),
        Ok(())
    );
}

#[test]
fn a_transaction_that_fails_its_checks_runs_nothing() {
    let mut rt = runtime();
    let from = funded(&mut rt, 10);
    let to = Pubkey::new_unique();
    let missing_program = Instruction::new_with_bytes(Pubkey::new_unique(), &[], vec![]);
    let before = rt.store.clone();
    let outcome = rt.process_transaction(
        &[transfer(from, to, 5), missing_program],
        &TransactionSettings::default(),
        None,
    );
    assert_eq!(
        outcome.result,
        Err(TransactionError::ProgramAccountNotFound)
    );
    assert_eq!(outcome.compute_units_consumed, 0);
    assert!(outcome.logs.is_empty() && outcome.trace.is_empty());
    assert_eq!(outcome.accounts_after, outcome.accounts_before);
    assert!(rt.store == before);
}

// ----- phase 4: the budget -----

#[test]
fn the_default_limit_counts_builtins_and_programs() {
    let rt = runtime();
    let builtin = Instruction::new_with_bytes(system_program::id(), &[], vec![]);
    let budget_ix = Instruction::new_with_bytes(compute_budget::id(), &[], vec![]);
    let program = Instruction::new_with_bytes(Pubkey::new_unique(), &[], vec![]);
    assert_eq!(
        rt.default_compute_unit_limit(&[builtin.clone(), budget_ix, program.clone()]),
        3_000 + 3_000 + 200_000
    );
    let settings = TransactionSettings::default();
    let many = vec![program; 8];
    assert_eq!(
        rt.transaction_budget(&settings, &many).compute_unit_limit,
        1_400_000
    );
    let settings = TransactionSettings {
        compute_unit_limit: Some(u64::MAX),
        heap_size: Some(64 * 1024),
    };
    let budget = rt.transaction_budget(&settings, std::slice::from_ref(&builtin));
    assert_eq!(
        (budget.compute_unit_limit, budget.heap_size),
        (1_400_000, 64 * 1024)
    );
    // SIMD-0268 raises the stack depth to 9.
    let mainnet_depth = budget.max_instruction_stack_depth;
    let rt = runtime_without(&[ids::RAISE_CPI_NESTING_LIMIT_TO_8]);
    let settings = TransactionSettings::default();
    let without = rt.transaction_budget(&settings, &[builtin]);
    assert_eq!(
        (mainnet_depth, without.max_instruction_stack_depth),
        (
            if FeatureSet::mainnet().raise_cpi_nesting_limit_to_8() {
                9
            } else {
                5
            },
            5
        )
    );
}

// ----- phase 5: execution -----

#[test]
fn execution_stops_at_the_first_failure_with_its_index() {
    let mut rt = runtime();
    let from = funded(&mut rt, 10);
    let to = Pubkey::new_unique();
    let instructions = [
        transfer(from, to, 1),
        transfer(from, to, 100),
        transfer(from, to, 1),
    ];
    let message = CompiledMessage::compile(&instructions);
    let accounts = rt.load_accounts(&message, &instructions);
    let settings = TransactionSettings::default();
    let mut invoke_context = rt.invoke_context(&message, &accounts, &settings, &instructions);
    assert_eq!(
        execute_instructions(&mut invoke_context, instructions.len()),
        Err(TransactionError::InstructionError(
            1,
            InstructionError::Custom(1)
        ))
    );
    // The third instruction never started.
    assert_eq!(
        invoke_context
            .transaction_context
            .top_level_instructions_started(),
        2
    );
}

#[test]
fn a_failed_transaction_reports_the_accounts_its_instructions_left() {
    let mut rt = runtime();
    let from = funded(&mut rt, 10_000_000_000);
    let to = Pubkey::new_unique();
    let outcome = rt.process_transaction(
        &[
            transfer(from, to, 1_000_000_000),
            transfer(from, to, 100_000_000_000),
        ],
        &TransactionSettings::default(),
        None,
    );
    assert!(outcome.result.is_err());
    // Nothing is committed, but the first transfer is what the instructions left.
    assert_eq!(outcome.accounts_after, outcome.accounts_before);
    let executed = outcome.accounts_executed.expect("executed and failed");
    let index = |key: Pubkey| outcome.account_keys.iter().position(|k| *k == key).unwrap();
    assert_eq!(executed[index(from)].lamports(), 9_000_000_000);
    assert_eq!(executed[index(to)].lamports(), 1_000_000_000);
    assert_eq!(rt.store.get(&from).unwrap().lamports(), 10_000_000_000);
    // A success reports nothing there.
    let outcome = rt.process_transaction(
        &[transfer(from, to, 1_000_000_000)],
        &TransactionSettings::default(),
        None,
    );
    assert_eq!(outcome.result, Ok(()));
    assert!(outcome.accounts_executed.is_none());
}

// ----- phase 6: the checks after execution -----

#[test]
fn lamports_must_balance() {
    let rt = runtime();
    let account =
        |lamports| AccountSharedData::from(new_account(lamports, 0, &system_program::id()));
    let keys = [key(1), key(2)];
    // Read-only, so that only the balance is checked.
    let check = |post: [AccountSharedData; 2]| {
        rt.check_post_transaction(&keys, &[false, false], &[account(10), account(0)], &post)
    };
    assert_eq!(check([account(4), account(6)]), Ok(()));
    assert_eq!(
        check([account(10), account(1)]),
        Err(TransactionError::UnbalancedTransaction)
    );
}

#[test]
fn rent_state_transitions() {
    for relax in [true, false] {
        let rt = if relax {
            runtime()
        } else {
            runtime_without(&[ids::RELAX_POST_EXEC_MIN_BALANCE_CHECK])
        };
        assert_eq!(rt.features.relax_post_exec_min_balance_check(), relax);
        let exempt = rent_exempt(0);
        let account = |lamports, len| {
            AccountSharedData::from(new_account(lamports, len, &system_program::id()))
        };
        let spare_key = key(9);
        let check =
            |address: Pubkey, writable: bool, pre: AccountSharedData, post: AccountSharedData| {
                // A read-only spare account keeps the lamports balanced.
                let total = pre.lamports() + post.lamports();
                rt.check_post_transaction(
                    &[address, spare_key],
                    &[writable, false],
                    &[pre.clone(), account(total - pre.lamports(), 0)],
                    &[post.clone(), account(total - post.lamports(), 0)],
                )
            };
        let refused = Err(TransactionError::InsufficientFundsForRent { account_index: 0 });
        // Uninitialized → rent-paying is refused; → exempt, and closing, are fine.
        assert_eq!(check(key(1), true, account(0, 0), account(1, 0)), refused);
        assert_eq!(
            check(key(1), true, account(0, 0), account(exempt, 0)),
            Ok(())
        );
        assert_eq!(
            check(key(1), true, account(exempt, 0), account(0, 0)),
            Ok(())
        );
        // Read-only accounts and the incinerator are not checked.
        assert_eq!(check(key(1), false, account(0, 0), account(1, 0)), Ok(()));
        assert_eq!(
            check(incinerator::id(), true, account(0, 0), account(1, 0)),
            Ok(())
        );
        // Rent-paying → rent-paying: without the relaxation it may only shrink its balance;
        // with it, a rent-paying account counts as exempt and may only keep or grow it.
        let shrink = check(key(1), true, account(5, 0), account(4, 0));
        let grow = check(key(1), true, account(5, 0), account(6, 0));
        if relax {
            assert_eq!((shrink, grow), (refused.clone(), Ok(())));
        } else {
            assert_eq!((shrink, grow), (Ok(()), refused.clone()));
        }
        // Growing the data of a rent-paying account is refused either way.
        assert_eq!(check(key(1), true, account(5, 0), account(5, 1)), refused);
        // Exempt → rent-paying is refused, unless relaxed and nothing else changed.
        let dipped = check(key(1), true, account(exempt, 0), account(exempt - 1, 0));
        assert_eq!(dipped, refused);
    }
}

// ----- phase 7: the commit -----

/// A reload the runtime asked for: program, loader, ELF.
type Reload = (Pubkey, Pubkey, Option<Vec<u8>>);

/// Records the reloads the runtime asks for.
#[derive(Default)]
struct ReloadRecorder {
    reloads: RefCell<Vec<Reload>>,
}

impl ProgramExecutor for ReloadRecorder {
    fn execute(&self, _: &mut InvokeContext) -> Result<(), ExecutionFailure> {
        Ok(())
    }

    fn reload(&self, program_id: &Pubkey, loader: &Pubkey, elf: Option<&[u8]>) {
        self.reloads
            .borrow_mut()
            .push((*program_id, *loader, elf.map(<[u8]>::to_vec)));
    }
}

#[test]
fn the_commit_writes_writable_accounts_and_reloads_changed_programs() {
    let recorder = Rc::new(ReloadRecorder::default());
    let mut rt = Runtime::new(FeatureSet::mainnet(), Sysvars::default(), recorder.clone());
    let (written, closed, read_only) = (key(1), key(2), key(3));
    rt.store
        .set(closed, new_account(7, 0, &system_program::id()));
    let program = key(4);
    for (address, account) in
        upgradeable_program_accounts(&program, b"elf", None, &RentParams::default())
    {
        rt.store.set(address, account);
    }
    let mut program_cache = rt.program_cache.clone();
    program_cache.record(program, ProgramStatus::DeployedAt(3));
    program_cache.record(key(5), ProgramStatus::Closed);
    let after = [
        new_account(9, 1, &key(8)),
        new_account(0, 0, &system_program::id()),
        new_account(100, 0, &system_program::id()),
    ]
    .map(AccountSharedData::from);
    rt.commit(
        &[written, closed, read_only],
        &[true, true, false],
        &after,
        program_cache,
    );
    assert_eq!(rt.store.get(&written), Some(&after[0]));
    assert_eq!(rt.store.get(&closed), None);
    assert_eq!(rt.store.get(&read_only), None);
    assert_eq!(
        recorder.reloads.borrow().as_slice(),
        &[
            (program, bpf_loader_upgradeable::id(), Some(b"elf".to_vec())),
            (key(5), bpf_loader_upgradeable::id(), None),
        ]
    );
    // The next transaction starts from the committed statuses, with no changes listed.
    assert_eq!(
        rt.program_cache.status(&program),
        Some(ProgramStatus::DeployedAt(3))
    );
    assert!(rt.program_cache.modified().is_empty());
}

#[test]
fn a_failed_transaction_leaves_the_store_and_program_cache_unchanged() {
    let mut rt = Runtime::new(
        FeatureSet::mainnet(),
        Sysvars::default(),
        Rc::new(NoPrograms),
    );
    let from = funded(&mut rt, 10);
    let to = Pubkey::new_unique();
    let before = rt.store.clone();
    let outcome = rt.process_transaction(
        &[transfer(from, to, 4), transfer(from, to, 100)],
        &TransactionSettings::default(),
        None,
    );
    assert_eq!(
        outcome.instruction_error(),
        Some((1, &InstructionError::Custom(1)))
    );
    assert_eq!(outcome.compute_units_consumed, 300);
    assert_eq!(outcome.accounts_after, outcome.accounts_before);
    assert!(rt.store == before);
    // A native program account is what the builtins get.
    assert_eq!(
        rt.store.get(&system_program::id()),
        Some(&native_program_account("system_program").into())
    );
}

// ----- the programs and sysvars every runtime holds -----

#[test]
fn native_program_accounts_hold_what_mainnet_holds() {
    let rt = runtime();
    let account = |id: &Pubkey| rt.store.get(id).expect("installed").clone();
    let system = account(&system_program::id());
    assert_eq!(system.data(), b"system_program");
    assert_eq!(*system.owner(), native_loader::id());
    assert!(system.executable());
    assert_eq!((system.lamports(), system.rent_epoch()), (1, 0));
    assert_eq!(account(&solana_sdk_ids::vote::id()).data(), b"vote_program");
    assert_eq!(
        account(&bpf_loader_upgradeable::id()).data(),
        b"solana_bpf_loader_upgradeable_program"
    );
    assert_eq!(
        account(&compute_budget::id()).data(),
        b"compute_budget_program"
    );
    // A precompile's account has no data.
    let ed25519 = account(&solana_sdk_ids::ed25519_program::id());
    assert!(ed25519.data().is_empty() && ed25519.executable());
}

#[test]
fn the_vote_program_fails_by_name_and_changes_nothing() {
    let mut rt = runtime();
    let voter = funded(&mut rt, 1_000_000);
    let before = rt.store.clone();
    let vote = Instruction::new_with_bytes(
        solana_sdk_ids::vote::id(),
        &[12, 0, 0, 0],
        vec![AccountMeta::new(voter, true)],
    );
    let outcome = rt.process_transaction(&[vote], &TransactionSettings::default(), None);
    assert_eq!(
        outcome.instruction_error(),
        Some((0, &InstructionError::ProgramFailedToComplete))
    );
    let failed_line = outcome.logs.last().expect("a failure log line");
    assert!(
        failed_line.contains("native Vote program")
            && failed_line.contains("not provided by sbfvm"),
        "{failed_line}"
    );
    assert!(outcome.diagnostics[0].contains("Vote111111111111111111111111111111111111111"));
    assert!(rt.store == before);
}

#[test]
fn a_missing_core_bpf_program_is_named_in_the_outcome() {
    let mut rt = runtime();
    let payer = funded(&mut rt, 1_000_000);
    let stake = Instruction::new_with_bytes(
        solana_sdk_ids::stake::id(),
        &[0],
        vec![AccountMeta::new(payer, true)],
    );
    let outcome = rt.process_transaction(&[stake], &TransactionSettings::default(), None);
    assert_eq!(
        outcome.result,
        Err(TransactionError::ProgramAccountNotFound)
    );
    assert_eq!(outcome.diagnostics.len(), 1);
    let note = &outcome.diagnostics[0];
    assert!(
        note.contains("Stake program") && note.contains("solana program dump"),
        "{note}"
    );
    // Loaded (here: any executable account owned by a loader), it runs and nobody notes it.
    rt.store.set(
        solana_sdk_ids::stake::id(),
        Account {
            lamports: 1,
            data: vec![],
            owner: native_loader::id(),
            executable: true,
            rent_epoch: 0,
        },
    );
    let payer_meta = vec![AccountMeta::new(payer, true)];
    let stake = Instruction::new_with_bytes(solana_sdk_ids::stake::id(), &[0], payer_meta);
    let outcome = rt.process_transaction(&[stake], &TransactionSettings::default(), None);
    assert!(outcome.diagnostics.is_empty(), "{:?}", outcome.diagnostics);
}

#[test]
fn recent_blockhashes_and_fees_are_sysvar_accounts() {
    let rt = runtime();
    let recent = rt
        .store
        .get(&sysvar::recent_blockhashes::id())
        .expect("RecentBlockhashes is present");
    assert_eq!(*recent.owner(), sysvar::id());
    assert_eq!(recent.data().len(), 6_008);
    assert_eq!(&recent.data()[..8], &1u64.to_le_bytes());
    let environment = rt.environment.blockhash(&Sysvars::default());
    assert_eq!(&recent.data()[8..40], &environment.blockhash);
    assert_eq!(&recent.data()[40..48], &5_000u64.to_le_bytes());
    assert_eq!(recent.lamports(), (128 + 6_008) * 6_960);
    // Fees exists only when provided (it is gone on mainnet).
    assert!(rt.store.get(&sysvar::fees::id()).is_none());
    let mut with_fees = runtime();
    with_fees.set_sysvars(Sysvars {
        fees: Some(10_000),
        recent_blockhashes: sbfvm_runtime::sysvars::RecentBlockhashes::Unavailable,
        ..Sysvars::default()
    });
    let fees = with_fees.store.get(&sysvar::fees::id()).expect("Fees");
    assert_eq!(fees.data(), &10_000u64.to_le_bytes());
    assert!(with_fees
        .store
        .get(&sysvar::recent_blockhashes::id())
        .is_none());
}
