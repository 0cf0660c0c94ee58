//! `sol_compat_instr_execute_v1`: one top-level instruction run through sbfvm's invoke
//! machinery (System program builtin, SBF programs through the executor) over the fixture's
//! accounts, features, sysvars and CU limit. Follows the reference harness, solfuzz-agave
//! `270ca6d`, `src/lib.rs` (`execute_instr`).

use std::rc::Rc;
use std::sync::Arc;

use sbfvm_runtime::{
    Account, InstructionAccount, InstructionError, InstructionFrame, InvokeContext, Pubkey,
    ReadableAccount, Sysvars,
};
use sbfvm_vm::SbfExecutor;
use solana_sdk_ids::{
    address_lookup_table, bpf_loader, bpf_loader_deprecated, bpf_loader_upgradeable,
    compute_budget, config, native_loader, stake, system_program, vote, zk_elgamal_proof_program,
};

use super::compare::{AccountValue, ErrorCode, Row, Value};
use super::errors::instruction_error_number;
use super::harness::{decode_fixture, HarnessResult, NoEffects, Options};
use super::proto;
use super::setup::{self, EnvironmentCache};

/// The programs the reference harness has as builtins: an instruction for one of them
/// needs its account owned by the native loader, and they are never loaded as SBF.
fn builtin_ids() -> [Pubkey; 10] {
    [
        system_program::id(),
        bpf_loader::id(),
        bpf_loader_deprecated::id(),
        bpf_loader_upgradeable::id(),
        compute_budget::id(),
        config::id(),
        stake::id(),
        vote::id(),
        address_lookup_table::id(),
        zk_elgamal_proof_program::id(),
    ]
}

fn account_value(key: &Pubkey, account: &impl ReadableAccount) -> AccountValue {
    AccountValue {
        address: key.to_bytes().to_vec(),
        lamports: account.lamports(),
        data: account.data().to_vec(),
        executable: account.executable(),
        rent_epoch: account.rent_epoch(),
        owner: account.owner().to_bytes().to_vec(),
    }
}

/// Whether two accounts hold the same state (any two account types).
fn same_account(a: &impl ReadableAccount, b: &impl ReadableAccount) -> bool {
    a.lamports() == b.lamports()
        && a.data() == b.data()
        && a.owner() == b.owner()
        && a.executable() == b.executable()
        && a.rent_epoch() == b.rent_epoch()
}

fn state_value(state: &proto::AcctState) -> AccountValue {
    AccountValue {
        address: state.address.clone(),
        lamports: state.lamports,
        data: state.data.clone(),
        executable: state.executable,
        rent_epoch: state.rent_epoch,
        owner: if state.owner.is_empty() {
            vec![0; 32]
        } else {
            state.owner.clone()
        },
    }
}

pub(super) fn run(bytes: &[u8], options: &Options, _: &mut EnvironmentCache) -> HarnessResult {
    let fixture: proto::InstrFixture = decode_fixture(bytes, "InstrFixture")?;
    let instr = fixture.input.unwrap_or_default();
    let expected = fixture.output.unwrap_or_default();
    let instruction = Instruction::new(&instr).map_err(NoEffects::NoOutput)?;
    let before = instruction.accounts.clone();
    let mut invoke_context =
        instruction_invoke_context(&instr, instruction.accounts, instruction.sysvars, options)?;
    let frame = InstructionFrame::new(
        instruction.program_index as u16,
        instruction.instruction_accounts,
        instr.data,
    );
    invoke_context
        .transaction_context
        .configure_top_level(vec![frame]);
    let result = invoke_context.process_instruction(None);
    Ok(compare_effects(
        &expected,
        &result,
        &before,
        &invoke_context,
    ))
}

/// The instruction of the fixture: the transaction's accounts, the program and the
/// instruction's accounts, checked as the reference harness checks them.
struct Instruction {
    accounts: Vec<(Pubkey, Account)>,
    sysvars: Sysvars,
    program_index: usize,
    instruction_accounts: Vec<InstructionAccount>,
}

impl Instruction {
    /// The fixture's instruction, or why the reference harness would reject it.
    fn new(instr: &proto::InstrContext) -> Result<Self, String> {
        let accounts = setup::transaction_accounts(&instr.accounts)?;
        let instruction_accounts = setup::instruction_accounts(instr)?;
        let sysvars = setup::sysvars(&instr.accounts);
        let rent = sysvars.rent;
        if rent.lamports_per_byte_year > u64::from(u32::MAX)
            || !(0.0..=999.0).contains(&rent.exemption_threshold)
            || rent.burn_percent > 100
        {
            return Err("the Rent sysvar is out of range".into());
        }
        let program_id = setup::pubkey(&instr.program_id).ok_or("program_id is not 32 bytes")?;
        let Some(program_index) = accounts.iter().position(|(key, _)| *key == program_id) else {
            return Err("the program is not among the accounts".into());
        };
        if builtin_ids().contains(&program_id)
            && accounts[program_index].1.owner != native_loader::id()
        {
            return Err("the builtin program account is not owned by the native loader".into());
        }
        Ok(Self {
            accounts,
            sysvars,
            program_index,
            instruction_accounts,
        })
    }
}

/// The invoke context the instruction runs in: the fixture's meter, features and sysvars,
/// the System program and the BPF loaders as builtins, and the program cache built from the
/// accounts.
fn instruction_invoke_context(
    instr: &proto::InstrContext,
    accounts: Vec<(Pubkey, Account)>,
    sysvars: Sysvars,
    options: &Options,
) -> Result<InvokeContext, NoEffects> {
    let features = setup::features(instr);
    let budget = setup::budget(instr.cu_avail);
    let environment = sbfvm_syscalls::create_environment(&features, &budget)
        .map_err(|error| NoEffects::Skipped(format!("no execution environment: {error}")))?;
    let executor = Rc::new(SbfExecutor::new(Arc::new(environment), options.mode));
    // The program cache: every executable account of a BPF loader (LoaderV4 is not one here).
    let program_cache = super::loader::load_programs(
        &accounts,
        &executor,
        &builtin_ids(),
        super::loader::Loaded::Executable,
    );
    let blockhash_environment = setup::environment(&sysvars);
    let builtins = sbfvm_runtime::builtins::BUILTINS.to_vec();
    let mut invoke_context =
        setup::invoke_context(accounts, budget, features, sysvars, executor, builtins);
    invoke_context.environment = blockhash_environment;
    invoke_context.program_cache = program_cache;
    // The reference harness calls `InvokeContext::process_instruction` of Agave 2.1 directly,
    // whose push does not touch the Instructions sysvar (the message processor wrote its
    // index there): the sysvar keeps its input state, owner unchecked.
    invoke_context.update_instructions_sysvar_on_push = false;
    Ok(invoke_context)
}

/// The instruction's result, then the accounts it changed (in input order), its meter and
/// return data.
fn compare_effects(
    expected: &proto::InstrEffects,
    result: &Result<(), InstructionError>,
    before: &[(Pubkey, Account)],
    invoke_context: &InvokeContext,
) -> Vec<Row> {
    let (result_number, custom_err, label) = match result {
        Ok(()) => (0, 0, "ok".to_string()),
        Err(error) => (
            instruction_error_number(error),
            match error {
                InstructionError::Custom(code) => *code,
                _ => 0,
            },
            format!("{error:?}"),
        ),
    };
    let transaction_context = &invoke_context.transaction_context;
    let after = transaction_context.accounts_snapshot();
    let modified: Vec<AccountValue> = before
        .iter()
        .zip(&after)
        .filter(|((_, a), (_, b))| !same_account(a, b))
        .map(|(_, (key, account))| account_value(key, account))
        .collect();
    let return_data = &transaction_context.return_data().data;
    let expected_result = ErrorCode {
        kind: 0,
        code: i64::from(expected.result),
        label: format!("InstructionError #{}", expected.result),
    };
    let got_result = ErrorCode {
        kind: 0,
        code: i64::from(result_number),
        label,
    };
    vec![
        Row::new(
            "result",
            Value::Error(expected_result),
            Value::Error(got_result),
        ),
        Row::u64(
            "custom_err",
            u64::from(expected.custom_err),
            u64::from(custom_err),
        ),
        Row::new(
            "modified_accounts",
            Value::Accounts(expected.modified_accounts.iter().map(state_value).collect()),
            Value::Accounts(modified),
        ),
        Row::u64("cu_avail", expected.cu_avail, invoke_context.remaining()),
        Row::bytes("return_data", &expected.return_data, return_data),
    ]
}
