//! The BPF loaders through `Runtime::process_transaction`, with an executor that deploys
//! any ELF-looking bytes: management instructions of the upgradeable loader, the refusals
//! of the other two, program visibility and the Agave 2.1 behaviour.

use std::cell::RefCell;
use std::rc::Rc;

use solana_account::{Account, ReadableAccount};
use solana_clock::Clock;
use solana_instruction::{AccountMeta, Instruction};
use solana_instruction_error::InstructionError;
use solana_loader_v3_interface::instruction::{
    UpgradeableLoaderInstruction, MINIMUM_EXTEND_PROGRAM_BYTES,
};
use solana_pubkey::Pubkey;
use solana_sdk_ids::{
    bpf_loader, bpf_loader_deprecated, bpf_loader_upgradeable, system_program, sysvar,
};

use sbfvm_runtime::accounts::{
    decode_upgradeable_state, UpgradeableLoaderState, BUFFER_METADATA_SIZE,
    PROGRAMDATA_METADATA_SIZE, PROGRAM_SIZE,
};
use sbfvm_runtime::builtins::BUILTINS;
use sbfvm_runtime::features::{ids, FeatureSet};
use sbfvm_runtime::{
    ComputeBudget, ExecutionFailure, InstructionAccount, InstructionFrame, InvokeContext,
    ProgramExecutor, ProgramStatus, RentParams, Runtime, Sysvars, TransactionContext,
    TransactionError, TransactionOutcome, TransactionSettings,
};

use crate::common::instruction_error as error;

/// What the loaders' management instructions charge.
const UPGRADEABLE_LOADER_COMPUTE_UNITS: u64 = 2_370;
const DEFAULT_LOADER_COMPUTE_UNITS: u64 = 570;
const DEPRECATED_LOADER_COMPUTE_UNITS: u64 = 1_140;
const SOL: u64 = 1_000_000_000;
const SLOT: u64 = 5;
/// What the mock executor accepts as a deployable program.
const ELF: &[u8] = b"\x7fELF mock program v1";
const ELF_V2: &[u8] = b"\x7fELF mock program version 2";

/// Deploys anything that starts with the ELF magic, runs every program for 10 CU, and
/// records the reloads the runtime asks for.
#[derive(Default)]
struct MockExecutor {
    reloads: RefCell<Vec<(Pubkey, Option<Vec<u8>>)>>,
}

impl ProgramExecutor for MockExecutor {
    fn execute(&self, invoke_context: &mut InvokeContext) -> Result<(), ExecutionFailure> {
        invoke_context.consume(10);
        invoke_context.log("Program log: mock ran");
        Ok(())
    }

    fn deploy(&self, _: &InvokeContext, _: &Pubkey, _: &Pubkey, elf: &[u8]) -> Result<(), String> {
        if elf.starts_with(b"\x7fELF") {
            Ok(())
        } else {
            Err("ELF error: invalid file header".to_string())
        }
    }

    fn reload(&self, program_id: &Pubkey, _: &Pubkey, elf: Option<&[u8]>) {
        self.reloads
            .borrow_mut()
            .push((*program_id, elf.map(|elf| elf.to_vec())));
    }
}

struct LoaderTest {
    runtime: Runtime,
    executor: Rc<MockExecutor>,
    payer: Pubkey,
    authority: Pubkey,
}

fn loader() -> Pubkey {
    bpf_loader_upgradeable::id()
}

fn rent() -> RentParams {
    RentParams::default()
}

fn loader_test_with(features: FeatureSet) -> LoaderTest {
    let executor = Rc::new(MockExecutor::default());
    let sysvars = Sysvars {
        clock: Clock {
            slot: SLOT,
            ..Clock::default()
        },
        ..Sysvars::default()
    };
    let mut runtime = Runtime::new(features, sysvars, executor.clone());
    let payer = Pubkey::new_unique();
    runtime.store.set(
        payer,
        Account {
            lamports: 100 * SOL,
            owner: system_program::id(),
            ..Account::default()
        },
    );
    LoaderTest {
        runtime,
        executor,
        payer,
        authority: Pubkey::new_unique(),
    }
}

fn loader_test() -> LoaderTest {
    loader_test_with(FeatureSet::mainnet())
}

fn state_bytes(state: &UpgradeableLoaderState) -> Vec<u8> {
    bincode::serialize(state).unwrap()
}

fn loader_account(data: Vec<u8>, executable: bool) -> Account {
    Account {
        lamports: rent().minimum_balance(data.len()),
        data,
        owner: loader(),
        executable,
        rent_epoch: 0,
    }
}

fn buffer_data(authority: Option<Pubkey>, elf: &[u8]) -> Vec<u8> {
    let mut data = state_bytes(&UpgradeableLoaderState::Buffer {
        authority_address: authority,
    });
    data.extend_from_slice(elf);
    data
}

fn programdata_data(slot: u64, authority: Option<Pubkey>, elf: &[u8], len: usize) -> Vec<u8> {
    let mut data = state_bytes(&UpgradeableLoaderState::ProgramData {
        slot,
        upgrade_authority_address: authority,
    });
    data.resize(PROGRAMDATA_METADATA_SIZE, 0);
    data.extend_from_slice(elf);
    data.resize(PROGRAMDATA_METADATA_SIZE + len, 0);
    data
}

fn programdata_address(program: &Pubkey) -> Pubkey {
    sbfvm_runtime::pda::try_find_program_address(&[program.as_ref()], &loader())
        .unwrap()
        .0
}

fn ix(instruction: &UpgradeableLoaderInstruction, accounts: Vec<AccountMeta>) -> Instruction {
    Instruction::new_with_bincode(loader(), instruction, accounts)
}

impl LoaderTest {
    fn run(&mut self, instruction: Instruction) -> TransactionOutcome {
        self.runtime
            .process_transaction(&[instruction], &TransactionSettings::default(), None)
    }

    /// Stores a buffer holding `elf` under `authority`.
    fn add_buffer(&mut self, authority: Option<Pubkey>, elf: &[u8]) -> Pubkey {
        let buffer = Pubkey::new_unique();
        self.runtime
            .store
            .set(buffer, loader_account(buffer_data(authority, elf), false));
        buffer
    }

    /// Stores a deployed program (program + program data deployed at `slot`).
    fn add_program(&mut self, slot: u64, authority: Option<Pubkey>, len: usize) -> Pubkey {
        let program = Pubkey::new_unique();
        let programdata = programdata_address(&program);
        self.runtime.store.set(
            program,
            loader_account(
                state_bytes(&UpgradeableLoaderState::Program {
                    programdata_address: programdata,
                }),
                true,
            ),
        );
        self.runtime.store.set(
            programdata,
            loader_account(programdata_data(slot, authority, ELF, len), false),
        );
        program
    }

    fn invoke(&mut self, program: Pubkey) -> TransactionOutcome {
        self.run(Instruction::new_with_bytes(program, &[], vec![]))
    }

    fn set_slot(&mut self, slot: u64) {
        let mut sysvars = (*self.runtime.sysvars).clone();
        sysvars.clock.slot = slot;
        self.runtime.set_sysvars(sysvars);
    }
}

fn account(env: &LoaderTest, key: &Pubkey) -> Account {
    env.runtime
        .store
        .get(key)
        .cloned()
        .unwrap_or_default()
        .into()
}

fn state(env: &LoaderTest, key: &Pubkey) -> UpgradeableLoaderState {
    decode_upgradeable_state(&account(env, key).data).unwrap()
}

fn deploy_ix(
    env: &LoaderTest,
    program: Pubkey,
    buffer: Pubkey,
    max_data_len: usize,
) -> Instruction {
    ix(
        &UpgradeableLoaderInstruction::DeployWithMaxDataLen { max_data_len },
        vec![
            AccountMeta::new(env.payer, true),
            AccountMeta::new(programdata_address(&program), false),
            AccountMeta::new(program, false),
            AccountMeta::new(buffer, false),
            AccountMeta::new_readonly(sysvar::rent::id(), false),
            AccountMeta::new_readonly(sysvar::clock::id(), false),
            AccountMeta::new_readonly(system_program::id(), false),
            AccountMeta::new_readonly(env.authority, true),
        ],
    )
}

/// `Write` of `bytes` at `offset` into `buffer`, by `authority`.
fn write_ix(
    buffer: Pubkey,
    offset: u32,
    bytes: Vec<u8>,
    authority: Pubkey,
    signer: bool,
) -> Instruction {
    ix(
        &UpgradeableLoaderInstruction::Write { offset, bytes },
        vec![
            AccountMeta::new(buffer, false),
            AccountMeta::new_readonly(authority, signer),
        ],
    )
}

fn upgrade_ix(env: &LoaderTest, program: Pubkey, buffer: Pubkey, spill: Pubkey) -> Instruction {
    ix(
        &UpgradeableLoaderInstruction::Upgrade,
        vec![
            AccountMeta::new(programdata_address(&program), false),
            AccountMeta::new(program, false),
            AccountMeta::new(buffer, false),
            AccountMeta::new(spill, false),
            AccountMeta::new_readonly(sysvar::rent::id(), false),
            AccountMeta::new_readonly(sysvar::clock::id(), false),
            AccountMeta::new_readonly(env.authority, true),
        ],
    )
}

/// Asserts that `outcome` failed with `expected` and logged `line`.
fn assert_failed(outcome: &TransactionOutcome, expected: InstructionError, line: &str) {
    assert_eq!(error(outcome), Some(expected));
    assert!(
        outcome.logs.iter().any(|log| log == line),
        "{:?}",
        outcome.logs
    );
}

fn legacy_features() -> FeatureSet {
    let mut features = FeatureSet::mainnet();
    features.deactivate(&ids::REMOVE_ACCOUNTS_EXECUTABLE_FLAG_CHECKS);
    features
}

#[test]
fn non_upgradeable_loaders_refuse_management_instructions() {
    for (loader_id, units, message) in [
        (
            bpf_loader::id(),
            DEFAULT_LOADER_COMPUTE_UNITS,
            "BPF loader management instructions are no longer supported",
        ),
        (
            bpf_loader_deprecated::id(),
            DEPRECATED_LOADER_COMPUTE_UNITS,
            "Deprecated loader is no longer supported",
        ),
    ] {
        let mut env = loader_test();
        let outcome = env.run(Instruction::new_with_bytes(
            loader_id,
            &[1, 0, 0, 0],
            vec![],
        ));
        assert_eq!(
            error(&outcome),
            Some(InstructionError::UnsupportedProgramId)
        );
        assert_eq!(outcome.compute_units_consumed, units);
        assert_eq!(&outcome.logs[1], message);
    }
    // Not enough compute units for the charge.
    let mut env = loader_test();
    let outcome = env.runtime.process_transaction(
        &[Instruction::new_with_bytes(bpf_loader::id(), &[], vec![])],
        &TransactionSettings {
            compute_unit_limit: Some(100),
            ..TransactionSettings::default()
        },
        None,
    );
    assert_eq!(
        error(&outcome),
        Some(InstructionError::ComputationalBudgetExceeded)
    );
}

#[test]
fn undecodable_instructions_are_invalid_instruction_data() {
    let mut env = loader_test();
    for data in [vec![], vec![8, 0, 0, 0], vec![9, 0, 0, 0, 1, 0, 0, 0]] {
        let outcome = env.run(Instruction::new_with_bytes(loader(), &data, vec![]));
        assert_eq!(
            error(&outcome),
            Some(InstructionError::InvalidInstructionData)
        );
        assert_eq!(
            outcome.compute_units_consumed,
            UPGRADEABLE_LOADER_COMPUTE_UNITS
        );
    }
    // Write data longer than a packet cannot be decoded.
    let write = bincode::serialize(&UpgradeableLoaderInstruction::Write {
        offset: 0,
        bytes: vec![7; 1300],
    })
    .unwrap();
    let outcome = env.run(Instruction::new_with_bytes(loader(), &write, vec![]));
    assert_eq!(
        error(&outcome),
        Some(InstructionError::InvalidInstructionData)
    );
}

#[test]
fn initialize_buffer_and_write() {
    let mut env = loader_test();
    let buffer = Pubkey::new_unique();
    env.runtime.store.set(
        buffer,
        loader_account(vec![0; BUFFER_METADATA_SIZE + 8], false),
    );
    let init = ix(
        &UpgradeableLoaderInstruction::InitializeBuffer,
        vec![
            AccountMeta::new(buffer, false),
            AccountMeta::new_readonly(env.authority, false),
        ],
    );
    let outcome = env.run(init.clone());
    assert_eq!(outcome.result, Ok(()));
    assert_eq!(outcome.compute_units_consumed, 2_370);
    assert_eq!(
        state(&env, &buffer),
        UpgradeableLoaderState::Buffer {
            authority_address: Some(env.authority)
        }
    );
    // Again: already initialized.
    let outcome = env.run(init);
    assert_failed(
        &outcome,
        InstructionError::AccountAlreadyInitialized,
        "Buffer account already initialized",
    );

    let outcome = env.run(write_ix(buffer, 2, vec![1, 2, 3], env.authority, true));
    assert_eq!(outcome.result, Ok(()));
    assert_eq!(
        account(&env, &buffer).data[BUFFER_METADATA_SIZE..],
        [0, 0, 1, 2, 3, 0, 0, 0]
    );
    let outcome = env.run(write_ix(buffer, 6, vec![1, 2, 3], env.authority, true));
    assert_failed(
        &outcome,
        InstructionError::AccountDataTooSmall,
        &format!(
            "Write overflow: {} < {}",
            BUFFER_METADATA_SIZE + 8,
            BUFFER_METADATA_SIZE + 9
        ),
    );
    let outcome = env.run(write_ix(buffer, 0, vec![1], Pubkey::new_unique(), true));
    assert_eq!(error(&outcome), Some(InstructionError::IncorrectAuthority));
    let outcome = env.run(write_ix(buffer, 0, vec![1], env.authority, false));
    assert_eq!(
        error(&outcome),
        Some(InstructionError::MissingRequiredSignature)
    );
    // Too few accounts.
    let outcome = env.run(ix(
        &UpgradeableLoaderInstruction::Write {
            offset: 0,
            bytes: vec![],
        },
        vec![AccountMeta::new(buffer, false)],
    ));
    assert_eq!(error(&outcome), Some(InstructionError::MissingAccount));

    // An immutable buffer, and an account that is not a buffer.
    let immutable = env.add_buffer(None, ELF);
    let outcome = env.run(write_ix(immutable, 0, vec![1], env.authority, true));
    assert_eq!(error(&outcome), Some(InstructionError::Immutable));
    let program = env.add_program(0, Some(env.authority), ELF.len());
    let outcome = env.run(write_ix(program, 0, vec![1], env.authority, true));
    assert_eq!(error(&outcome), Some(InstructionError::InvalidAccountData));
}

#[test]
fn deploy_with_max_data_len_creates_the_program() {
    let mut env = loader_test();
    let buffer = env.add_buffer(Some(env.authority), ELF);
    let buffer_lamports = account(&env, &buffer).lamports;
    let program = Pubkey::new_unique();
    env.runtime
        .store
        .set(program, loader_account(vec![0; PROGRAM_SIZE], false));
    let payer_before = account(&env, &env.payer).lamports;
    let max_data_len = ELF.len() + 10;
    let outcome = env.run(deploy_ix(&env, program, buffer, max_data_len));
    assert_eq!(outcome.result, Ok(()), "{:?}", outcome.logs);
    // The loader's charge and the System program's CreateAccount.
    assert_eq!(outcome.compute_units_consumed, 2_370 + 150);
    assert_eq!(
        outcome.logs,
        vec![
            format!("Program {} invoke [1]", loader()),
            format!("Program {} invoke [2]", system_program::id()),
            format!("Program {} success", system_program::id()),
            format!("Deployed program {program}"),
            format!("Program {} success", loader()),
        ]
    );
    let programdata = programdata_address(&program);
    assert_eq!(
        state(&env, &program),
        UpgradeableLoaderState::Program {
            programdata_address: programdata
        }
    );
    assert!(account(&env, &program).executable);
    let programdata_account = account(&env, &programdata);
    assert_eq!(
        programdata_account.data,
        programdata_data(SLOT, Some(env.authority), ELF, max_data_len)
    );
    let programdata_rent = rent().minimum_balance(PROGRAMDATA_METADATA_SIZE + max_data_len);
    assert_eq!(programdata_account.lamports, programdata_rent);
    // The buffer was drained to the payer (and removed at 0 lamports).
    assert!(env.runtime.store.get(&buffer).is_none());
    assert_eq!(
        account(&env, &env.payer).lamports,
        payer_before + buffer_lamports - programdata_rent
    );
    // The executor reloads the committed ELF.
    assert_eq!(
        *env.executor.reloads.borrow(),
        vec![(
            program,
            Some(
                programdata_data(SLOT, Some(env.authority), ELF, max_data_len)
                    [PROGRAMDATA_METADATA_SIZE..]
                    .to_vec()
            )
        )]
    );
    // Not executable in the deployment slot, executable from the next one.
    let outcome = env.invoke(program);
    assert_failed(
        &outcome,
        InstructionError::UnsupportedProgramId,
        "Program is not deployed",
    );
    env.set_slot(SLOT + 1);
    let outcome = env.invoke(program);
    assert_eq!(outcome.result, Ok(()));
    assert!(outcome.logs.contains("Program log: mock ran"));
}

#[test]
fn deploy_with_max_data_len_failures() {
    let mut env = loader_test();
    let new_program = |env: &mut LoaderTest| {
        let program = Pubkey::new_unique();
        env.runtime
            .store
            .set(program, loader_account(vec![0; PROGRAM_SIZE], false));
        program
    };
    // The ELF fails verification: InvalidAccountData with the executor's message, and
    // nothing changes.
    let buffer = env.add_buffer(Some(env.authority), b"not an elf");
    let program = new_program(&mut env);
    let outcome = env.run(deploy_ix(&env, program, buffer, 64));
    assert_failed(
        &outcome,
        InstructionError::InvalidAccountData,
        "ELF error: invalid file header",
    );
    assert_eq!(outcome.compute_units_consumed, 2_370 + 150);
    assert!(env
        .runtime
        .store
        .get(&programdata_address(&program))
        .is_none());
    assert!(env.executor.reloads.borrow().is_empty());

    // Buffer authority mismatch.
    let other = env.add_buffer(Some(Pubkey::new_unique()), ELF);
    let outcome = env.run(deploy_ix(&env, program, other, 64));
    assert_eq!(error(&outcome), Some(InstructionError::IncorrectAuthority));
    // Max data length too small.
    let buffer = env.add_buffer(Some(env.authority), ELF);
    let outcome = env.run(deploy_ix(&env, program, buffer, 1));
    assert_eq!(error(&outcome), Some(InstructionError::AccountDataTooSmall));
    // Program data address not derived from the program id.
    let mut instruction = deploy_ix(&env, program, buffer, 64);
    instruction.accounts[1].pubkey = Pubkey::new_unique();
    let outcome = env.run(instruction);
    assert_failed(
        &outcome,
        InstructionError::InvalidArgument,
        "ProgramData address is not derived",
    );
    // Authority did not sign.
    let mut instruction = deploy_ix(&env, program, buffer, 64);
    instruction.accounts[7].is_signer = false;
    let outcome = env.run(instruction);
    assert_eq!(
        error(&outcome),
        Some(InstructionError::MissingRequiredSignature)
    );
    // Wrong sysvar account.
    let mut instruction = deploy_ix(&env, program, buffer, 64);
    instruction.accounts[4].pubkey = sysvar::clock::id();
    let outcome = env.run(instruction);
    assert_eq!(error(&outcome), Some(InstructionError::InvalidArgument));
    // A program account that is already initialized.
    let deployed = env.add_program(0, Some(env.authority), ELF.len());
    let outcome = env.run(deploy_ix(&env, deployed, buffer, 64));
    assert_eq!(
        error(&outcome),
        Some(InstructionError::AccountAlreadyInitialized)
    );
    // A buffer the loader does not own (Agave 4.4 checks it up front).
    let foreign = Pubkey::new_unique();
    let mut foreign_account = loader_account(buffer_data(Some(env.authority), ELF), false);
    foreign_account.owner = Pubkey::new_unique();
    env.runtime.store.set(foreign, foreign_account);
    let outcome = env.run(deploy_ix(&env, program, foreign, 64));
    assert_failed(
        &outcome,
        InstructionError::IncorrectProgramId,
        "Buffer account not owned by loader",
    );

    // Agave 2.1 (SIMD-0162 inactive) does not check the buffer's owner: the drain fails.
    let mut legacy = loader_test_with(legacy_features());
    let mut foreign_account = loader_account(buffer_data(Some(legacy.authority), ELF), false);
    foreign_account.owner = Pubkey::new_unique();
    legacy.runtime.store.set(foreign, foreign_account);
    let program = new_program(&mut legacy);
    let outcome = legacy.run(deploy_ix(&legacy, program, foreign, 64));
    assert_eq!(
        error(&outcome),
        Some(InstructionError::ExternalAccountLamportSpend)
    );
}

#[test]
fn upgrade_replaces_the_program() {
    let mut env = loader_test();
    let program = env.add_program(SLOT - 1, Some(env.authority), ELF_V2.len() + 4);
    let programdata = programdata_address(&program);
    let buffer = env.add_buffer(Some(env.authority), ELF_V2);
    let spill = Pubkey::new_unique();
    let programdata_lamports = account(&env, &programdata).lamports;
    let buffer_lamports = account(&env, &buffer).lamports;
    let outcome = env.run(upgrade_ix(&env, program, buffer, spill));
    assert_eq!(outcome.result, Ok(()), "{:?}", outcome.logs);
    assert_eq!(outcome.compute_units_consumed, 2_370);
    assert_eq!(outcome.logs[1], format!("Upgraded program {program}"));
    let programdata_account = account(&env, &programdata);
    assert_eq!(
        programdata_account.data,
        programdata_data(SLOT, Some(env.authority), ELF_V2, ELF_V2.len() + 4)
    );
    let required = rent().minimum_balance(programdata_account.data.len());
    assert_eq!(programdata_account.lamports, required);
    assert_eq!(
        account(&env, &spill).lamports,
        programdata_lamports + buffer_lamports - required
    );
    assert!(env.runtime.store.get(&buffer).is_none());
    assert_eq!(env.executor.reloads.borrow().len(), 1);
    assert_eq!(
        env.executor.reloads.borrow()[0]
            .1
            .as_deref()
            .map(|elf| &elf[..ELF_V2.len()]),
        Some(ELF_V2)
    );
    let outcome = env.invoke(program);
    assert_eq!(
        error(&outcome),
        Some(InstructionError::UnsupportedProgramId)
    );
}

#[test]
fn upgrade_resizes_the_program_data_with_simd_0433() {
    let mut features = FeatureSet::mainnet();
    features.activate(ids::LOADER_V3_SET_PROGRAM_DATA_TO_ELF_LENGTH);
    let mut env = loader_test_with(features);
    let program = env.add_program(SLOT - 1, Some(env.authority), 200);
    let programdata = programdata_address(&program);
    let buffer = env.add_buffer(Some(env.authority), ELF_V2);
    let spill = Pubkey::new_unique();
    let total = account(&env, &programdata).lamports + account(&env, &buffer).lamports;
    let outcome = env.run(upgrade_ix(&env, program, buffer, spill));
    assert_eq!(outcome.result, Ok(()), "{:?}", outcome.logs);
    let programdata_account = account(&env, &programdata);
    let new_len = PROGRAMDATA_METADATA_SIZE + ELF_V2.len();
    assert_eq!(
        programdata_account.data,
        programdata_data(SLOT, Some(env.authority), ELF_V2, ELF_V2.len())
    );
    assert_eq!(
        programdata_account.lamports,
        rent().minimum_balance(new_len)
    );
    assert_eq!(
        account(&env, &spill).lamports,
        total - rent().minimum_balance(new_len)
    );
}

#[test]
fn upgrade_failures() {
    let mut env = loader_test();
    // Deployed in this slot already.
    let program = env.add_program(SLOT, Some(env.authority), ELF.len());
    let buffer = env.add_buffer(Some(env.authority), ELF);
    let spill = Pubkey::new_unique();
    let outcome = env.run(upgrade_ix(&env, program, buffer, spill));
    assert_failed(
        &outcome,
        InstructionError::InvalidArgument,
        "Program was deployed in this block already",
    );
    // Immutable.
    let program = env.add_program(0, None, ELF.len());
    let outcome = env.run(upgrade_ix(&env, program, buffer, spill));
    assert_failed(
        &outcome,
        InstructionError::Immutable,
        "Program not upgradeable",
    );
    let immutable_buffer = env.add_buffer(None, ELF);
    let mut instruction = upgrade_ix(&env, program, immutable_buffer, spill);
    instruction.accounts[6].pubkey = Pubkey::new_unique();
    let outcome = env.run(instruction);
    assert_eq!(error(&outcome), Some(InstructionError::IncorrectAuthority));
    // Wrong authority on the program data.
    let program = env.add_program(0, Some(Pubkey::new_unique()), ELF.len());
    let outcome = env.run(upgrade_ix(&env, program, buffer, spill));
    assert_failed(
        &outcome,
        InstructionError::IncorrectAuthority,
        "Incorrect upgrade authority provided",
    );
    // Program data too small for the new ELF.
    let program = env.add_program(0, Some(env.authority), 2);
    let outcome = env.run(upgrade_ix(&env, program, buffer, spill));
    assert_eq!(error(&outcome), Some(InstructionError::AccountDataTooSmall));
    // Program account read-only.
    let program = env.add_program(0, Some(env.authority), ELF.len());
    let mut instruction = upgrade_ix(&env, program, buffer, spill);
    instruction.accounts[1].is_writable = false;
    let outcome = env.run(instruction);
    assert_eq!(error(&outcome), Some(InstructionError::InvalidArgument));
    // Mismatched program data.
    let other = env.add_program(0, Some(env.authority), ELF.len());
    let mut instruction = upgrade_ix(&env, program, buffer, spill);
    instruction.accounts[0].pubkey = programdata_address(&other);
    let outcome = env.run(instruction);
    assert_eq!(error(&outcome), Some(InstructionError::InvalidArgument));
    // The new ELF fails verification.
    let bad = env.add_buffer(Some(env.authority), b"garbage!");
    let outcome = env.run(upgrade_ix(&env, program, bad, spill));
    assert_eq!(error(&outcome), Some(InstructionError::InvalidAccountData));
    // Too few accounts.
    let mut instruction = upgrade_ix(&env, program, buffer, spill);
    instruction.accounts.truncate(6);
    let outcome = env.run(instruction);
    assert_eq!(error(&outcome), Some(InstructionError::MissingAccount));
    // Agave 2.1: the program account must be executable.
    let mut legacy = loader_test_with(legacy_features());
    let program = legacy.add_program(0, Some(legacy.authority), ELF.len());
    let buffer = legacy.add_buffer(Some(legacy.authority), ELF);
    let mut program_account = account(&legacy, &program);
    program_account.executable = false;
    legacy.runtime.store.set(program, program_account);
    let outcome = legacy.run(upgrade_ix(&legacy, program, buffer, spill));
    assert_eq!(
        error(&outcome),
        Some(InstructionError::AccountNotExecutable)
    );
    assert!(env.executor.reloads.borrow().is_empty());
}

fn set_authority_ix(
    account: Pubkey,
    current: Pubkey,
    new: Option<Pubkey>,
    checked: bool,
) -> Instruction {
    let mut accounts = vec![
        AccountMeta::new(account, false),
        AccountMeta::new_readonly(current, true),
    ];
    accounts.extend(new.map(|new| AccountMeta::new_readonly(new, checked)));
    let instruction = if checked {
        UpgradeableLoaderInstruction::SetAuthorityChecked
    } else {
        UpgradeableLoaderInstruction::SetAuthority
    };
    ix(&instruction, accounts)
}

#[test]
fn set_authority() {
    let mut env = loader_test();
    let buffer = env.add_buffer(Some(env.authority), ELF);
    let new = Pubkey::new_unique();
    let outcome = env.run(set_authority_ix(buffer, env.authority, Some(new), false));
    assert_eq!(outcome.result, Ok(()));
    assert_eq!(outcome.logs[1], format!("New authority Some({new})"));
    assert_eq!(
        state(&env, &buffer),
        UpgradeableLoaderState::Buffer {
            authority_address: Some(new)
        }
    );
    // A buffer's authority cannot be removed; the old authority no longer works.
    let outcome = env.run(set_authority_ix(buffer, new, None, false));
    assert_failed(
        &outcome,
        InstructionError::IncorrectAuthority,
        "Buffer authority is not optional",
    );
    let outcome = env.run(set_authority_ix(buffer, env.authority, Some(new), false));
    assert_eq!(error(&outcome), Some(InstructionError::IncorrectAuthority));

    // Program data: finalize (no new authority), then it is immutable.
    let program = env.add_program(0, Some(env.authority), ELF.len());
    let programdata = programdata_address(&program);
    let outcome = env.run(set_authority_ix(programdata, env.authority, None, false));
    assert_eq!(outcome.result, Ok(()));
    assert_eq!(&outcome.logs[1], "New authority None");
    assert_eq!(
        state(&env, &programdata),
        UpgradeableLoaderState::ProgramData {
            slot: 0,
            upgrade_authority_address: None
        }
    );
    let outcome = env.run(set_authority_ix(
        programdata,
        env.authority,
        Some(new),
        false,
    ));
    assert_eq!(error(&outcome), Some(InstructionError::Immutable));
    // Not signed.
    let program = env.add_program(0, Some(env.authority), ELF.len());
    let mut instruction = set_authority_ix(
        programdata_address(&program),
        env.authority,
        Some(new),
        false,
    );
    instruction.accounts[1].is_signer = false;
    let outcome = env.run(instruction);
    assert_eq!(
        error(&outcome),
        Some(InstructionError::MissingRequiredSignature)
    );
    // A program account has no authority.
    let outcome = env.run(set_authority_ix(program, env.authority, Some(new), false));
    assert_failed(
        &outcome,
        InstructionError::InvalidArgument,
        "Account does not support authorities",
    );
}

#[test]
fn pre_v3_programs_cannot_be_finalized_with_simd_0500() {
    let mut features = FeatureSet::mainnet();
    features.activate(ids::DISABLE_SBPF_V0_V1_V2_DEPLOYMENT);
    let mut env = loader_test_with(features);
    // A 64-byte "ELF" whose e_flags (offset 48) say SBPF v0, then v3.
    for (flags, expected) in [
        (0u8, Err(InstructionError::InvalidAccountData)),
        (3, Ok(())),
    ] {
        let program = env.add_program(0, Some(env.authority), 64);
        let programdata = programdata_address(&program);
        let mut programdata_account = account(&env, &programdata);
        programdata_account.data[PROGRAMDATA_METADATA_SIZE + 48] = flags;
        env.runtime.store.set(programdata, programdata_account);
        let outcome = env.run(set_authority_ix(programdata, env.authority, None, false));
        assert_eq!(error(&outcome), expected.err(), "e_flags {flags}");
        // Handing it to another authority is always allowed.
        let outcome = env.run(set_authority_ix(
            programdata,
            env.authority,
            Some(Pubkey::new_unique()),
            false,
        ));
        assert_eq!(outcome.result.is_ok(), flags == 0);
    }
}

#[test]
fn set_authority_checked() {
    let mut env = loader_test();
    let program = env.add_program(0, Some(env.authority), ELF.len());
    let programdata = programdata_address(&program);
    let new = Pubkey::new_unique();
    // The new authority must sign.
    let mut instruction = set_authority_ix(programdata, env.authority, Some(new), true);
    instruction.accounts[2].is_signer = false;
    let outcome = env.run(instruction);
    assert_failed(
        &outcome,
        InstructionError::MissingRequiredSignature,
        "New authority did not sign",
    );
    // Three accounts are required.
    let outcome = env.run(set_authority_ix(programdata, env.authority, None, true));
    assert_eq!(error(&outcome), Some(InstructionError::MissingAccount));
    let outcome = env.run(set_authority_ix(
        programdata,
        env.authority,
        Some(new),
        true,
    ));
    assert_eq!(outcome.result, Ok(()));
    assert_eq!(outcome.logs[1], format!("New authority {new}"));
    assert_eq!(
        state(&env, &programdata),
        UpgradeableLoaderState::ProgramData {
            slot: 0,
            upgrade_authority_address: Some(new)
        }
    );
    let buffer = env.add_buffer(Some(env.authority), ELF);
    let outcome = env.run(set_authority_ix(buffer, env.authority, Some(new), true));
    assert_eq!(outcome.result, Ok(()));
    // Without the feature the instruction does not exist.
    let mut features = FeatureSet::mainnet();
    features.deactivate(&ids::ENABLE_BPF_LOADER_SET_AUTHORITY_CHECKED_IX);
    let mut env = loader_test_with(features);
    let buffer = env.add_buffer(Some(env.authority), ELF);
    let outcome = env.run(set_authority_ix(buffer, env.authority, Some(new), true));
    assert_eq!(
        error(&outcome),
        Some(InstructionError::InvalidInstructionData)
    );
}

fn close_ix(
    account: Pubkey,
    recipient: Pubkey,
    authority: Option<Pubkey>,
    program: Option<Pubkey>,
) -> Instruction {
    let mut accounts = vec![
        AccountMeta::new(account, false),
        AccountMeta::new(recipient, false),
    ];
    accounts.extend(authority.map(|authority| AccountMeta::new_readonly(authority, true)));
    accounts.extend(program.map(|program| AccountMeta::new(program, false)));
    ix(&UpgradeableLoaderInstruction::Close, accounts)
}

#[test]
fn close_accounts() {
    let mut env = loader_test();
    let recipient = Pubkey::new_unique();
    // Uninitialized.
    let uninitialized = Pubkey::new_unique();
    env.runtime
        .store
        .set(uninitialized, loader_account(vec![0; 100], false));
    let lamports = account(&env, &uninitialized).lamports;
    let outcome = env.run(close_ix(uninitialized, recipient, None, None));
    assert_eq!(outcome.result, Ok(()));
    assert_eq!(
        outcome.logs[1],
        format!("Closed Uninitialized {uninitialized}")
    );
    assert_eq!(account(&env, &recipient).lamports, lamports);
    assert!(env.runtime.store.get(&uninitialized).is_none());
    // A buffer needs its authority.
    let buffer = env.add_buffer(Some(env.authority), ELF);
    let outcome = env.run(close_ix(buffer, recipient, None, None));
    assert_eq!(error(&outcome), Some(InstructionError::MissingAccount));
    let outcome = env.run(close_ix(
        buffer,
        recipient,
        Some(Pubkey::new_unique()),
        None,
    ));
    assert_eq!(error(&outcome), Some(InstructionError::IncorrectAuthority));
    let outcome = env.run(close_ix(buffer, recipient, Some(env.authority), None));
    assert_eq!(outcome.result, Ok(()));
    assert_eq!(outcome.logs[1], format!("Closed Buffer {buffer}"));
    // An immutable buffer cannot be closed.
    let immutable = env.add_buffer(None, ELF);
    let outcome = env.run(close_ix(immutable, recipient, Some(env.authority), None));
    assert_eq!(error(&outcome), Some(InstructionError::Immutable));
    // Recipient equal to the closed account.
    let outcome = env.run(close_ix(immutable, immutable, None, None));
    assert_failed(
        &outcome,
        InstructionError::InvalidArgument,
        "Recipient is the same as the account being closed",
    );
    // A program account cannot be closed directly.
    let program = env.add_program(0, Some(env.authority), ELF.len());
    let outcome = env.run(close_ix(program, recipient, Some(env.authority), None));
    assert_failed(
        &outcome,
        InstructionError::InvalidArgument,
        "Account does not support closing",
    );
}

#[test]
fn close_program_leaves_a_tombstone() {
    let mut env = loader_test();
    let recipient = Pubkey::new_unique();
    let program = env.add_program(0, Some(env.authority), ELF.len());
    let programdata = programdata_address(&program);
    let lamports = account(&env, &programdata).lamports;
    // The program account must be passed and writable.
    let outcome = env.run(close_ix(programdata, recipient, Some(env.authority), None));
    assert_eq!(error(&outcome), Some(InstructionError::MissingAccount));
    let mut instruction = close_ix(programdata, recipient, Some(env.authority), Some(program));
    instruction.accounts[3].is_writable = false;
    let outcome = env.run(instruction);
    assert_eq!(error(&outcome), Some(InstructionError::InvalidArgument));
    // Closed in the deployment slot: refused.
    let fresh = env.add_program(SLOT, Some(env.authority), ELF.len());
    let outcome = env.run(close_ix(
        programdata_address(&fresh),
        recipient,
        Some(env.authority),
        Some(fresh),
    ));
    assert_eq!(error(&outcome), Some(InstructionError::InvalidArgument));

    let outcome = env.run(close_ix(
        programdata,
        recipient,
        Some(env.authority),
        Some(program),
    ));
    assert_eq!(outcome.result, Ok(()), "{:?}", outcome.logs);
    assert_eq!(outcome.logs[1], format!("Closed Program {program}"));
    assert_eq!(account(&env, &recipient).lamports, lamports);
    assert!(env.runtime.store.get(&programdata).is_none());
    assert_eq!(*env.executor.reloads.borrow(), vec![(program, None)]);
    // The program is a tombstone from now on, in any slot.
    env.set_slot(SLOT + 10);
    let outcome = env.invoke(program);
    assert_failed(
        &outcome,
        InstructionError::UnsupportedProgramId,
        "Program is not deployed",
    );
}

/// The runtime lends its program cache to each transaction rather than copying it: a
/// transaction that closes a program and then fails leaves the program deployed, and one
/// that closes it and succeeds leaves the tombstone.
#[test]
fn a_failed_transaction_leaves_the_program_cache_as_it_was() {
    let mut env = loader_test();
    let recipient = Pubkey::new_unique();
    let program = env.add_program(0, Some(env.authority), ELF.len());
    let programdata = programdata_address(&program);
    let close = close_ix(programdata, recipient, Some(env.authority), Some(program));
    let cache_before = env.runtime.program_cache.clone();
    // The second instruction is not a loader instruction: it fails.
    let garbage = Instruction::new_with_bytes(loader(), &[0xFF; 4], vec![]);
    let outcome = env.runtime.process_transaction(
        &[close.clone(), garbage],
        &TransactionSettings::default(),
        None,
    );
    assert!(outcome.result.is_err(), "{:?}", outcome.logs);
    assert_eq!(outcome.logs[1], format!("Closed Program {program}"));
    assert_eq!(env.runtime.program_cache, cache_before);
    assert_eq!(env.invoke(program).result, Ok(()));

    assert_eq!(env.run(close).result, Ok(()));
    assert_eq!(
        env.runtime.program_cache.status(&program),
        Some(ProgramStatus::Closed)
    );
    assert!(env.invoke(program).result.is_err());
}

#[test]
fn close_truncates_first_in_agave_2_1() {
    // Agave 2.1 truncates the closed account before the checks that follow; 4.4 only
    // on success. A failed instruction's changes are visible in the invoke context.
    for (features, expected_len) in [(FeatureSet::mainnet(), 100), (legacy_features(), 4)] {
        let buffer = Pubkey::new_unique();
        let mut data = buffer_data(Some(Pubkey::new_unique()), &[0; 63]);
        data.resize(100, 0);
        let accounts = vec![
            (buffer, loader_account(data, false)),
            (Pubkey::new_unique(), Account::default()),
            (Pubkey::new_unique(), Account::default()),
            (
                loader(),
                Account {
                    lamports: 1,
                    owner: solana_sdk_ids::native_loader::id(),
                    executable: true,
                    ..Account::default()
                },
            ),
        ];
        let mut transaction_context = TransactionContext::new(accounts, rent(), 5, 64);
        let instruction_account = |index, is_signer, is_writable| InstructionAccount {
            index_in_transaction: index,
            is_signer,
            is_writable,
        };
        transaction_context.configure_top_level(vec![InstructionFrame::new(
            3,
            vec![
                instruction_account(0, false, true),
                instruction_account(1, false, true),
                instruction_account(2, true, false),
            ],
            bincode::serialize(&UpgradeableLoaderInstruction::Close).unwrap(),
        )]);
        let mut invoke_context = InvokeContext::new(
            transaction_context,
            ComputeBudget::default(),
            Rc::new(features),
            Rc::new(Sysvars::default()),
            Rc::new(MockExecutor::default()),
            BUILTINS.into(),
        );
        assert_eq!(
            invoke_context.process_instruction(None),
            Err(InstructionError::IncorrectAuthority)
        );
        let after = invoke_context.transaction_context.accounts_snapshot();
        assert_eq!(after[0].1.data().len(), expected_len);
    }
}

fn extend_ix(env: &LoaderTest, program: Pubkey, additional_bytes: u32, payer: bool) -> Instruction {
    let mut accounts = vec![
        AccountMeta::new(programdata_address(&program), false),
        AccountMeta::new(program, false),
    ];
    if payer {
        accounts.push(AccountMeta::new_readonly(system_program::id(), false));
        accounts.push(AccountMeta::new(env.payer, true));
    }
    ix(
        &UpgradeableLoaderInstruction::ExtendProgram { additional_bytes },
        accounts,
    )
}

#[test]
fn extend_program() {
    let mut env = loader_test();
    let program = env.add_program(0, Some(env.authority), ELF.len());
    let programdata = programdata_address(&program);
    let old_len = account(&env, &programdata).data.len();
    let extra = MINIMUM_EXTEND_PROGRAM_BYTES;
    // More rent is due: without a payer the instruction cannot pay it.
    let outcome = env.run(extend_ix(&env, program, extra, false));
    assert_eq!(error(&outcome), Some(InstructionError::MissingAccount));
    let payer_before = account(&env, &env.payer).lamports;
    let lamports_before = account(&env, &programdata).lamports;
    let outcome = env.run(extend_ix(&env, program, extra, true));
    assert_eq!(outcome.result, Ok(()), "{:?}", outcome.logs);
    assert_eq!(outcome.compute_units_consumed, 2_370 + 150);
    assert_eq!(
        outcome.logs.last(),
        Some(format!("Program {} success", loader()).as_str())
    );
    assert!(outcome
        .logs
        .contains(&format!("Extended ProgramData account by {extra} bytes")));
    let programdata_account = account(&env, &programdata);
    let new_len = old_len + extra as usize;
    assert_eq!(programdata_account.data.len(), new_len);
    assert_eq!(
        programdata_account.lamports,
        rent().minimum_balance(new_len)
    );
    assert_eq!(
        account(&env, &env.payer).lamports,
        payer_before - (rent().minimum_balance(new_len) - lamports_before)
    );
    assert_eq!(
        state(&env, &programdata),
        UpgradeableLoaderState::ProgramData {
            slot: SLOT,
            upgrade_authority_address: Some(env.authority)
        }
    );
    assert_eq!(env.executor.reloads.borrow().len(), 1);
    // Extended in this slot already.
    let outcome = env.run(extend_ix(&env, program, extra, true));
    assert_failed(
        &outcome,
        InstructionError::InvalidArgument,
        "Program was extended in this block already",
    );
    // Zero bytes, and (SIMD-0431) less than the minimum.
    let outcome = env.run(extend_ix(&env, program, 0, true));
    assert_eq!(
        error(&outcome),
        Some(InstructionError::InvalidInstructionData)
    );
    let program = env.add_program(0, Some(env.authority), ELF.len());
    let outcome = env.run(extend_ix(&env, program, 8, true));
    assert_eq!(error(&outcome), Some(InstructionError::InvalidArgument));
    // Immutable programs cannot be extended.
    let immutable = env.add_program(0, None, ELF.len());
    let outcome = env.run(extend_ix(&env, immutable, extra, true));
    assert_eq!(error(&outcome), Some(InstructionError::Immutable));
    // A program data account the loader does not own.
    let mut foreign = account(&env, &programdata_address(&program));
    foreign.owner = Pubkey::new_unique();
    env.runtime
        .store
        .set(programdata_address(&program), foreign);
    let outcome = env.run(extend_ix(&env, program, extra, true));
    assert_eq!(error(&outcome), Some(InstructionError::InvalidAccountOwner));
    // Past the maximum account size.
    let program = env.add_program(0, Some(env.authority), ELF.len());
    let outcome = env.run(extend_ix(&env, program, u32::MAX, true));
    assert_eq!(error(&outcome), Some(InstructionError::InvalidRealloc));

    // Without SIMD-0431 any size will do.
    let mut features = FeatureSet::mainnet();
    features.deactivate(&ids::LOADER_V3_MINIMUM_EXTEND_PROGRAM_SIZE);
    let mut env = loader_test_with(features);
    let program = env.add_program(0, Some(env.authority), ELF.len());
    let outcome = env.run(extend_ix(&env, program, 8, true));
    assert_eq!(outcome.result, Ok(()));
    assert_eq!(
        account(&env, &programdata_address(&program)).data.len(),
        PROGRAMDATA_METADATA_SIZE + ELF.len() + 8
    );
}

#[test]
fn program_visibility_and_agave_2_1_codes() {
    // A program loaded from accounts whose program data was written in the current slot
    // is not yet visible (DelayVisibility).
    let mut env = loader_test();
    let program = env.add_program(SLOT, Some(env.authority), ELF.len());
    env.runtime
        .program_cache
        .insert(program, ProgramStatus::DeployedAt(SLOT));
    let outcome = env.invoke(program);
    assert_eq!(
        error(&outcome),
        Some(InstructionError::UnsupportedProgramId)
    );
    assert_eq!(outcome.compute_units_consumed, 0);
    // Agave 2.1: InvalidAccountData. A program account that is not executable loads as
    // the program cache's entry, which is (a top-level program passed as no instruction
    // account), and fails the same way; passed as an account too, it does not load.
    let mut legacy = loader_test_with(legacy_features());
    let program = legacy.add_program(SLOT, Some(legacy.authority), ELF.len());
    legacy
        .runtime
        .program_cache
        .insert(program, ProgramStatus::DeployedAt(SLOT));
    let outcome = legacy.invoke(program);
    assert_eq!(error(&outcome), Some(InstructionError::InvalidAccountData));
    let mut program_account = account(&legacy, &program);
    program_account.executable = false;
    legacy.runtime.store.set(program, program_account);
    let outcome = legacy.invoke(program);
    assert_eq!(error(&outcome), Some(InstructionError::InvalidAccountData));
    let outcome = legacy.run(Instruction::new_with_bytes(
        program,
        &[],
        vec![AccountMeta::new_readonly(program, false)],
    ));
    assert_eq!(
        outcome.result,
        Err(TransactionError::InvalidProgramForExecution)
    );
    assert!(ProgramStatus::DeployedAt(3).is_visible_at(4));
    assert!(!ProgramStatus::Closed.is_visible_at(4));
}
