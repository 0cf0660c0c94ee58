//! The upgradeable loader's management instructions through the `sbfvm::Sbfvm` facade with
//! the real executor: a program written into a buffer, deployed (strict ELF verification by
//! the VM), visible from the next slot, upgraded, extended and closed; a broken ELF and an ELF
//! importing `sol_alloc_free_` are refused at deployment.

use crate::common::{elf, rent_exempt};
use sbfvm::runtime::accounts::{decode_upgradeable_state as decode_state, UpgradeableLoaderState};
use sbfvm::{
    Account, Config, ExecutionMode, Instruction, InstructionError, Pubkey, Sbfvm, Sysvars,
    TransactionError,
};
use solana_instruction::AccountMeta;

const SOL: u64 = 1_000_000_000;
const SLOT: u64 = 7;
const BUFFER_METADATA_SIZE: usize = 37;
const PROGRAMDATA_METADATA_SIZE: usize = 45;

fn loader() -> Pubkey {
    solana_sdk_ids::bpf_loader_upgradeable::id()
}

/// A loader instruction in its encoding (bincode: a u32 tag, then the fields).
fn loader_instruction(tag: u32, fields: &[u8], accounts: Vec<AccountMeta>) -> Instruction {
    let mut data = tag.to_le_bytes().to_vec();
    data.extend_from_slice(fields);
    Instruction::new_with_bytes(loader(), &data, accounts)
}

fn initialize_buffer(buffer: Pubkey, authority: Pubkey) -> Instruction {
    loader_instruction(
        0,
        &[],
        vec![
            AccountMeta::new(buffer, false),
            AccountMeta::new_readonly(authority, false),
        ],
    )
}

fn write(buffer: Pubkey, authority: Pubkey, offset: u32, bytes: &[u8]) -> Instruction {
    let mut fields = offset.to_le_bytes().to_vec();
    fields.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
    fields.extend_from_slice(bytes);
    loader_instruction(
        1,
        &fields,
        vec![
            AccountMeta::new(buffer, false),
            AccountMeta::new_readonly(authority, true),
        ],
    )
}

fn programdata_address(program: &Pubkey) -> Pubkey {
    sbfvm::runtime::pda::try_find_program_address(&[program.as_ref()], &loader())
        .unwrap()
        .0
}

struct Fixture {
    vm: Sbfvm,
    payer: Pubkey,
    authority: Pubkey,
}

impl Fixture {
    fn new(mode: ExecutionMode) -> Self {
        let mut vm = Sbfvm::new(Config {
            mode,
            sysvars: sysvars_at(SLOT),
            ..Config::default()
        })
        .expect("Sbfvm::new");
        let payer = Pubkey::new_unique();
        vm.set_account(
            payer,
            Account {
                lamports: 100 * SOL,
                owner: solana_sdk_ids::system_program::id(),
                ..Account::default()
            },
        );
        Self {
            vm,
            payer,
            authority: Pubkey::new_unique(),
        }
    }

    fn run(&mut self, instruction: Instruction) -> sbfvm::Outcome {
        self.vm.process_instruction(&instruction)
    }

    fn slot(&mut self, slot: u64) {
        self.vm.set_sysvars(sysvars_at(slot));
    }

    /// A buffer holding `program`, written in chunks by Write instructions.
    fn buffer(&mut self, program: &[u8]) -> Pubkey {
        let buffer = Pubkey::new_unique();
        let len = BUFFER_METADATA_SIZE + program.len();
        self.vm.set_account(
            buffer,
            Account {
                lamports: rent_exempt(len),
                data: vec![0; len],
                owner: loader(),
                ..Account::default()
            },
        );
        let outcome = self.run(initialize_buffer(buffer, self.authority));
        assert!(outcome.is_ok(), "{:?}", outcome.logs());
        for (index, chunk) in program.chunks(900).enumerate() {
            let outcome = self.run(write(buffer, self.authority, (index * 900) as u32, chunk));
            assert!(outcome.is_ok(), "{:?}", outcome.logs());
            assert_eq!(outcome.compute_units_consumed(), 2_370);
        }
        buffer
    }

    fn deploy(&mut self, program: Pubkey, buffer: Pubkey, max_data_len: usize) -> sbfvm::Outcome {
        self.vm.set_account(
            program,
            Account {
                lamports: rent_exempt(36),
                data: vec![0; 36],
                owner: loader(),
                ..Account::default()
            },
        );
        self.run(loader_instruction(
            2,
            &(max_data_len as u64).to_le_bytes(),
            vec![
                AccountMeta::new(self.payer, true),
                AccountMeta::new(programdata_address(&program), false),
                AccountMeta::new(program, false),
                AccountMeta::new(buffer, false),
                AccountMeta::new_readonly(solana_sdk_ids::sysvar::rent::id(), false),
                AccountMeta::new_readonly(solana_sdk_ids::sysvar::clock::id(), false),
                AccountMeta::new_readonly(solana_sdk_ids::system_program::id(), false),
                AccountMeta::new_readonly(self.authority, true),
            ],
        ))
    }

    fn upgrade(&mut self, program: Pubkey, buffer: Pubkey) -> sbfvm::Outcome {
        self.run(loader_instruction(
            3,
            &[],
            vec![
                AccountMeta::new(programdata_address(&program), false),
                AccountMeta::new(program, false),
                AccountMeta::new(buffer, false),
                AccountMeta::new(self.payer, false),
                AccountMeta::new_readonly(solana_sdk_ids::sysvar::rent::id(), false),
                AccountMeta::new_readonly(solana_sdk_ids::sysvar::clock::id(), false),
                AccountMeta::new_readonly(self.authority, true),
            ],
        ))
    }

    fn invoke(&mut self, program: Pubkey) -> sbfvm::Outcome {
        self.run(Instruction::new_with_bytes(program, b"hi", vec![]))
    }
}

fn sysvars_at(slot: u64) -> Sysvars {
    let mut sysvars = Sysvars::default();
    sysvars.clock.slot = slot;
    sysvars
}

fn instruction_error(outcome: &sbfvm::Outcome) -> Option<InstructionError> {
    match outcome.result() {
        Err(TransactionError::InstructionError(_, error)) => Some(error.clone()),
        _ => None,
    }
}

/// Whether some log line is exactly `line`.
fn logged(outcome: &sbfvm::Outcome, line: &str) -> bool {
    outcome.logs().iter().any(|logged| logged == line)
}

/// The instruction failed with `error` and logged `line`.
#[track_caller]
fn assert_failed_logging(outcome: &sbfvm::Outcome, error: InstructionError, line: &str) {
    assert_eq!(instruction_error(outcome), Some(error));
    assert!(logged(outcome, line), "{:?}", outcome.logs());
}

#[test]
fn a_program_written_to_a_buffer_is_deployed_and_runs_from_the_next_slot() {
    for mode in [ExecutionMode::Interpreter, ExecutionMode::Jit] {
        let mut fx = Fixture::new(mode);
        let program_elf = elf("log.so");
        let buffer = fx.buffer(&program_elf);
        let program = Pubkey::new_unique();
        let outcome = fx.deploy(program, buffer, program_elf.len() * 2);
        assert!(outcome.is_ok(), "{:?}", outcome.logs());
        assert_eq!(outcome.compute_units_consumed(), 2_370 + 150);
        assert!(logged(&outcome, &format!("Deployed program {program}")));
        let programdata = fx
            .vm
            .account(&programdata_address(&program))
            .unwrap()
            .clone();
        assert_eq!(
            decode_state(&programdata.data),
            Some(UpgradeableLoaderState::ProgramData {
                slot: SLOT,
                upgrade_authority_address: Some(fx.authority),
            })
        );
        assert_eq!(
            &programdata.data[PROGRAMDATA_METADATA_SIZE..][..program_elf.len()],
            &program_elf[..]
        );
        assert!(fx.vm.account(&program).unwrap().executable);

        // DelayVisibility: not in the deployment slot.
        assert_failed_logging(
            &fx.invoke(program),
            InstructionError::UnsupportedProgramId,
            "Program is not deployed",
        );
        fx.slot(SLOT + 1);
        let outcome = fx.invoke(program);
        assert!(outcome.is_ok(), "{:?}", outcome.logs());
        assert!(logged(&outcome, "Program log: hello from sbfvm"));
    }
}

#[test]
fn upgrade_extend_and_close() {
    let mut fx = Fixture::new(ExecutionMode::Interpreter);
    let log_elf = elf("log.so");
    let buffer = fx.buffer(&log_elf);
    let program = Pubkey::new_unique();
    assert!(fx.deploy(program, buffer, log_elf.len()).is_ok());

    // Upgrade in the same slot: refused.
    let custom = elf("custom_error.so");
    let new_buffer = fx.buffer(&custom);
    let outcome = fx.upgrade(program, new_buffer);
    assert_failed_logging(
        &outcome,
        InstructionError::InvalidArgument,
        "Program was deployed in this block already",
    );

    // Upgrade in the next slot; the new program runs one slot later.
    fx.slot(SLOT + 1);
    let outcome = fx.upgrade(program, new_buffer);
    assert!(outcome.is_ok(), "{:?}", outcome.logs());
    assert_eq!(outcome.compute_units_consumed(), 2_370);
    assert_eq!(
        instruction_error(&fx.invoke(program)),
        Some(InstructionError::UnsupportedProgramId)
    );
    fx.slot(SLOT + 2);
    let outcome = fx.invoke(program);
    assert!(!logged(&outcome, "Program log: hello from sbfvm"));
    assert!(outcome
        .logs()
        .iter()
        .any(|line| line.starts_with(&format!("Program {program} consumed"))));

    // Extend by 10 KiB (SIMD-0431 minimum); the payer covers the extra rent.
    let programdata = programdata_address(&program);
    let len_before = fx.vm.account(&programdata).unwrap().data.len();
    let extend = loader_instruction(
        6,
        &10_240u32.to_le_bytes(),
        vec![
            AccountMeta::new(programdata, false),
            AccountMeta::new(program, false),
            AccountMeta::new_readonly(solana_sdk_ids::system_program::id(), false),
            AccountMeta::new(fx.payer, true),
        ],
    );
    let outcome = fx.run(extend);
    assert!(outcome.is_ok(), "{:?}", outcome.logs());
    assert_eq!(outcome.compute_units_consumed(), 2_370 + 150);
    let extended = fx.vm.account(&programdata).unwrap();
    assert_eq!(extended.data.len(), len_before + 10_240);
    assert_eq!(extended.lamports, rent_exempt(extended.data.len()));

    // Close the program: the program data's lamports go to the recipient and the program
    // is a tombstone from then on.
    fx.slot(SLOT + 3);
    let recipient = Pubkey::new_unique();
    let lamports = fx.vm.account(&programdata).unwrap().lamports;
    let outcome = fx.run(loader_instruction(
        5,
        &[],
        vec![
            AccountMeta::new(programdata, false),
            AccountMeta::new(recipient, false),
            AccountMeta::new_readonly(fx.authority, true),
            AccountMeta::new(program, false),
        ],
    ));
    assert!(outcome.is_ok(), "{:?}", outcome.logs());
    assert!(logged(&outcome, &format!("Closed Program {program}")));
    assert_eq!(fx.vm.account(&recipient).unwrap().lamports, lamports);
    assert!(fx.vm.account(&programdata).is_none());
    fx.slot(SLOT + 10);
    assert_failed_logging(
        &fx.invoke(program),
        InstructionError::UnsupportedProgramId,
        "Program is not deployed",
    );
}

#[test]
fn broken_elfs_are_refused_at_deployment() {
    let mut fx = Fixture::new(ExecutionMode::Interpreter);
    let mut broken = elf("log.so");
    broken.truncate(broken.len() / 2);
    let buffer = fx.buffer(&broken);
    let program = Pubkey::new_unique();
    let outcome = fx.deploy(program, buffer, broken.len());
    assert_eq!(
        instruction_error(&outcome),
        Some(InstructionError::InvalidAccountData)
    );
    // The transaction failed as a whole: no program data, the buffer keeps its lamports.
    assert!(fx.vm.account(&programdata_address(&program)).is_none());
    assert!(fx.vm.account(&buffer).unwrap().lamports > 0);
}

/// `memops.so` with its `sol_set_return_data` import renamed to `sol_alloc_free_` (same
/// string table slot, NUL-padded).
fn elf_importing_alloc_free() -> Vec<u8> {
    let mut program = elf("memops.so");
    let from = b"sol_set_return_data";
    let at = program
        .windows(from.len())
        .position(|window| window == from)
        .expect("memops.so imports sol_set_return_data");
    let mut to = b"sol_alloc_free_".to_vec();
    to.resize(from.len(), 0);
    program[at..at + from.len()].copy_from_slice(&to);
    program
}

#[test]
fn sol_alloc_free_is_not_deployable_but_still_executable() {
    let program = elf_importing_alloc_free();
    let vm = Sbfvm::new(Config::default()).unwrap();
    // The execution environment registers sol_alloc_free_...
    vm.executor()
        .load_program(&Pubkey::new_unique(), &loader(), &program)
        .expect("executable");
    // ...the deployment environment does not.
    let (min, max) = (sbfvm::SbpfVersion::V0, sbfvm::SbpfVersion::V3);
    let error = vm
        .executor()
        .verify_for_deployment(&program, min, max)
        .unwrap_err();
    assert!(
        error.starts_with("Unresolved symbol (sol_alloc_free_)"),
        "{error}"
    );
    assert!(vm
        .executor()
        .verify_for_deployment(&elf("memops.so"), min, max)
        .is_ok());

    // Through the loader: InvalidAccountData, with the loader's message in the logs.
    let mut fx = Fixture::new(ExecutionMode::Interpreter);
    let buffer = fx.buffer(&program);
    let outcome = fx.deploy(Pubkey::new_unique(), buffer, program.len());
    assert_eq!(
        instruction_error(&outcome),
        Some(InstructionError::InvalidAccountData)
    );
    assert!(
        outcome.logs().iter().any(|line| line == error),
        "{:?}",
        outcome.logs()
    );
}

#[test]
fn programs_may_invoke_only_some_loader_instructions() {
    let mut fx = Fixture::new(ExecutionMode::Interpreter);
    let caller = Pubkey::new_unique();
    fx.vm
        .add_program(caller, sbfvm::Loader::Upgradeable, &elf("cpi_caller.so"))
        .unwrap();
    let buffer = fx.buffer(&elf("log.so"));
    let new_authority = Pubkey::new_unique();
    // cpi_caller op 0: invoke ka[0] with the rest of the data and metas ka[1..].
    let cpi = |loader_data: &[u8], metas: Vec<AccountMeta>| {
        let mut data = vec![0u8];
        data.extend_from_slice(loader_data);
        let mut accounts = vec![AccountMeta::new_readonly(loader(), false)];
        accounts.extend(metas);
        Instruction::new_with_bytes(caller, &data, accounts)
    };
    // SetAuthority (tag 4) is allowed.
    let outcome = fx.run(cpi(
        &4u32.to_le_bytes(),
        vec![
            AccountMeta::new(buffer, false),
            AccountMeta::new_readonly(fx.authority, true),
            AccountMeta::new_readonly(new_authority, false),
        ],
    ));
    assert!(outcome.is_ok(), "{:?}", outcome.logs());
    assert!(logged(
        &outcome,
        &format!("Program {} invoke [2]", loader())
    ));
    assert!(logged(
        &outcome,
        &format!("New authority Some({new_authority})")
    ));
    assert_eq!(
        decode_state(&fx.vm.account(&buffer).unwrap().data),
        Some(UpgradeableLoaderState::Buffer {
            authority_address: Some(new_authority)
        })
    );
    // InitializeBuffer (tag 0) is not.
    let outcome = fx.run(cpi(
        &0u32.to_le_bytes(),
        vec![
            AccountMeta::new(buffer, false),
            AccountMeta::new_readonly(fx.authority, false),
        ],
    ));
    assert_eq!(
        instruction_error(&outcome),
        Some(InstructionError::ProgramFailedToComplete)
    );
}
