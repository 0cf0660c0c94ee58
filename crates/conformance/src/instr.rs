//! `sol_compat_instr_execute_v1` (conformance-format §5.4): one top-level instruction run
//! through sbfvm's invoke machinery (System program builtin, SBF programs through the
//! executor) over the fixture's accounts, features, sysvars and CU limit.

use std::rc::Rc;
use std::sync::Arc;

use prost::Message;
use sbfvm_runtime::{Account, InstructionAccount, InstructionError, InstructionFrame, Pubkey};
use sbfvm_vm::SbfExecutor;
use solana_sdk_ids::{
    address_lookup_table, bpf_loader, bpf_loader_deprecated, bpf_loader_upgradeable,
    compute_budget, config, native_loader, stake, system_program, vote, zk_elgamal_proof_program,
};

use super::compare::{AccountValue, ErrorCode, Row, Value};
use super::errors::instruction_error_number;
use super::proto;
use super::setup;
use super::vm_interp::no_output;
use super::{Options, Outcome};

fn account_value(key: &Pubkey, account: &Account) -> AccountValue {
    AccountValue {
        address: key.to_bytes().to_vec(),
        lamports: account.lamports,
        data: account.data.clone(),
        executable: account.executable,
        rent_epoch: account.rent_epoch,
        owner: account.owner.to_bytes().to_vec(),
    }
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

pub(super) fn run(bytes: &[u8], options: &Options) -> Outcome {
    let fixture = match proto::InstrFixture::decode(bytes) {
        Ok(fixture) => fixture,
        Err(error) => return Outcome::Skip(format!("undecodable InstrFixture: {error}")),
    };
    let instr = fixture.input.unwrap_or_default();
    let expected = fixture.output.unwrap_or_default();
    let accounts = match setup::transaction_accounts(&instr.accounts) {
        Ok(accounts) => accounts,
        Err(reason) => return no_output(reason),
    };
    let mut instruction_accounts = Vec::with_capacity(instr.instr_accounts.len());
    for meta in &instr.instr_accounts {
        if meta.index as usize >= accounts.len() {
            return no_output("an instruction account index is out of range".into());
        }
        instruction_accounts.push(InstructionAccount {
            index_in_transaction: meta.index as u16,
            is_signer: meta.is_signer,
            is_writable: meta.is_writable,
        });
    }
    let sysvars = setup::sysvars(&instr.accounts);
    let rent = sysvars.rent;
    if rent.lamports_per_byte_year > u64::from(u32::MAX)
        || !(0.0..=999.0).contains(&rent.exemption_threshold)
        || rent.burn_percent > 100
    {
        return no_output("the Rent sysvar is out of range".into());
    }
    let Some(program_id) = setup::pubkey(&instr.program_id) else {
        return no_output("program_id is not 32 bytes".into());
    };
    let Some(program_index) = accounts.iter().position(|(key, _)| *key == program_id) else {
        return no_output("the program is not among the accounts".into());
    };
    let builtin_ids = [
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
    ];
    if builtin_ids.contains(&program_id) && accounts[program_index].1.owner != native_loader::id() {
        return no_output("the builtin program account is not owned by the native loader".into());
    }

    let features = setup::features(&instr);
    let budget = setup::budget(instr.cu_avail);
    let environment = match sbfvm_syscalls::create_environment(&features, &budget) {
        Ok(environment) => environment,
        Err(error) => return Outcome::Skip(format!("no execution environment: {error}")),
    };
    let executor = Rc::new(SbfExecutor::new(Arc::new(environment), options.mode));
    // The program cache: every executable account of a BPF loader (LoaderV4 is not one here).
    let program_deployments = super::loader::load_programs(&accounts, &executor, &builtin_ids);
    let before: Vec<(Pubkey, Account)> = accounts.clone();
    let environment = setup::environment(&sysvars);
    let mut invoke_context = setup::invoke_context(
        accounts,
        budget,
        features,
        sysvars,
        executor,
        sbfvm_runtime::builtins::BUILTINS.to_vec(),
    );
    invoke_context.environment = environment;
    invoke_context.program_cache = program_deployments;
    let frame = InstructionFrame::new(program_index as u16, instruction_accounts, instr.data);
    invoke_context
        .transaction_context
        .configure_top_level(vec![frame]);
    let result = invoke_context.process_instruction(None);

    let (result_number, custom_err, label) = match &result {
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
    let after = invoke_context.transaction_context.accounts_snapshot();
    let modified: Vec<AccountValue> = before
        .iter()
        .zip(&after)
        .filter(|((_, a), (_, b))| a != b)
        .map(|(_, (key, account))| account_value(key, account))
        .collect();
    let return_data = invoke_context
        .transaction_context
        .return_data()
        .data
        .clone();
    let rows = vec![
        Row::new(
            "result",
            Value::Error(ErrorCode {
                kind: 0,
                code: i64::from(expected.result),
                label: format!("InstructionError #{}", expected.result),
            }),
            Value::Error(ErrorCode {
                kind: 0,
                code: i64::from(result_number),
                label,
            }),
        ),
        Row::new(
            "custom_err",
            Value::U64(u64::from(expected.custom_err)),
            Value::U64(u64::from(custom_err)),
        ),
        Row::new(
            "modified_accounts",
            Value::Accounts(expected.modified_accounts.iter().map(state_value).collect()),
            Value::Accounts(modified),
        ),
        Row::new(
            "cu_avail",
            Value::U64(expected.cu_avail),
            Value::U64(invoke_context.remaining()),
        ),
        Row::new(
            "return_data",
            Value::Bytes(expected.return_data.clone()),
            Value::Bytes(return_data),
        ),
    ];
    Outcome::Compared(rows)
}
