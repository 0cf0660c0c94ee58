//! `sol_compat_vm_syscall_execute_v1` and `sol_compat_vm_cpi_syscall_v1`: one syscall of
//! sbfvm's registry for the fixture's features, called directly on prepared memory with the
//! caller instruction at stack height 1. Follows the reference harness, solfuzz-agave
//! `270ca6d`, `src/vm_syscalls.rs` and `src/vm_cpi_syscall.rs`, as the Dec-2024 fixtures
//! record it (the instruction pushed, alignment from the program account's owner).

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use sbfvm_runtime::builtins::{self, BUILTINS};
use sbfvm_runtime::{
    Account, Builtin, ComputeBudget, ExecutionFailure, FeatureSet, InstructionAccount,
    InstructionError, InstructionFrame, InvokeContext, ProgramExecutor, Pubkey,
};
use sbfvm_test_support::{invoke_syscall, FrameSetup, SyscallOutcome};
use sbfvm_vm::{
    ExecutionMode, InputAbi, ProgramEnvironment, SbfExecutor, SerializedAccountMetadata,
};
use solana_sdk_ids::bpf_loader_deprecated;

use super::compare::ErrorCode;
use super::errors::{expected_label, syscall_failure};
use super::harness::{HarnessResult, NoEffects, Options};
use super::proto;
use super::setup::{self, EffectsField, EnvironmentCache, VmFixture};

/// The order syscall and CPI effects are compared in, after `error`.
const COMPARISON_ORDER: &[EffectsField] = &[
    EffectsField::R0,
    EffectsField::CuAvail,
    EffectsField::InputDataRegions,
    EffectsField::Heap,
    EffectsField::Stack,
    EffectsField::Log,
    EffectsField::Rodata,
    EffectsField::Pc,
    EffectsField::FrameCount,
    EffectsField::R1ToR10,
    EffectsField::Inputdata,
];

/// The two families this harness runs, which differ in the caller's setup.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SyscallFamily {
    /// Any syscall, with the sysvars of the fixture's accounts and its return data.
    Syscall,
    /// A CPI syscall, whose callee is stubbed by the fixture's `exec_effects`; the
    /// reference CPI harness leaves its sysvar cache empty.
    Cpi,
}

/// The `syscall` family.
pub(super) fn run_syscall(bytes: &[u8], _: &Options, _: &mut EnvironmentCache) -> HarnessResult {
    run(bytes, SyscallFamily::Syscall)
}

/// The `cpi` family.
pub(super) fn run_cpi(bytes: &[u8], _: &Options, _: &mut EnvironmentCache) -> HarnessResult {
    run(bytes, SyscallFamily::Cpi)
}

thread_local! {
    /// The `exec_effects` stub of the CPI being run on this thread.
    static CALLEE_STUB: RefCell<Option<proto::InstrEffects>> = const { RefCell::new(None) };
}

/// Applies the CPI fixture's `exec_effects` to the callee's accounts instead of running it
/// (solfuzz-agave `270ca6d`, `src/vm_cpi_syscall.rs`): for each callee account whose key is
/// in `modified_accounts` (first match), lamports and executable are set, data when
/// non-empty, owner when 32 bytes.
/// (`rent_epoch` is not written: sbfvm's account rules have no setter for it.)
fn apply_callee_stub(invoke_context: &mut InvokeContext) -> Result<(), InstructionError> {
    let Some(effects) = CALLEE_STUB.with(|stub| stub.borrow().clone()) else {
        return Err(InstructionError::UnsupportedProgramId);
    };
    let context = &invoke_context.transaction_context;
    let frame = context.current_frame()?.clone();
    for position in 0..frame.accounts.len() {
        if frame.duplicate_of(position).is_some() {
            continue;
        }
        let key = *context.key_of(frame.accounts[position].index_in_transaction)?;
        let Some(state) = effects
            .modified_accounts
            .iter()
            .find(|state| state.address == key.as_ref())
        else {
            continue;
        };
        let mut account = context.borrow_current_account(position)?;
        account.set_lamports(state.lamports)?;
        if !state.data.is_empty() {
            account.set_data_from_slice(&state.data)?;
        }
        if let Some(owner) = setup::pubkey(&state.owner) {
            account.set_owner(&owner)?;
        }
        account.set_executable(state.executable)?;
    }
    Ok(())
}

/// The builtin registered under every account key of a stubbed CPI. A program owned by
/// one of the BPF loaders reaches it when its loader's id is such a key: it then runs
/// through that loader's invocation path (and so the stub executor).
fn builtin_stub(invoke_context: &mut InvokeContext) -> Result<(), ExecutionFailure> {
    let owner = invoke_context.current_loader_id()?;
    if owner != solana_sdk_ids::native_loader::id() {
        if let Some(loader) = builtins::find(&owner) {
            return (loader.entrypoint)(invoke_context);
        }
    }
    Ok(apply_callee_stub(invoke_context)?)
}

struct StubExecutor;
impl ProgramExecutor for StubExecutor {
    fn execute(&self, invoke_context: &mut InvokeContext) -> Result<(), ExecutionFailure> {
        apply_callee_stub(invoke_context).map_err(ExecutionFailure::from)
    }
}

fn run(bytes: &[u8], family: SyscallFamily) -> HarnessResult {
    let fixture = VmFixture::decode(bytes)?;
    let Some(invocation) = &fixture.invocation else {
        return Err(no_output("the input has no syscall invocation"));
    };
    fixture.require_sbpf_v0()?;
    let name = String::from_utf8_lossy(&invocation.function_name).into_owned();
    let features = setup::features(&fixture.instr);
    let direct_mapping = features.virtual_address_space_adjustments();
    let environment = ProgramEnvironment::new(setup::v0_options(direct_mapping, false), |r| {
        sbfvm_syscalls::register_syscalls(r, &features)
    })
    .expect("the syscall environment builds");
    if environment.syscall_support(&name).is_none() {
        return Err(no_output(format!(
            "`{name}` is not registered for this feature set"
        )));
    }
    let caller = CallerInstruction::new(&fixture.instr, family).map_err(NoEffects::NoOutput)?;
    let (program_id, abi) = (caller.program_id, caller.abi);
    let account_count = caller.instruction_accounts.len();
    let mut invoke_context =
        caller_invoke_context(&fixture, caller, features, family).map_err(NoEffects::NoOutput)?;
    let mut memory = setup::memory(&fixture.vm, Some(invocation)).map_err(NoEffects::NoOutput)?;
    let frame_setup = FrameSetup {
        program_id,
        abi,
        accounts_metadata: match family {
            SyscallFamily::Cpi => vec![SerializedAccountMetadata::default(); account_count],
            SyscallFamily::Syscall => Vec::new(),
        },
    };
    let outcome = invoke_syscall(
        &environment,
        &name,
        &mut memory,
        &mut invoke_context,
        &frame_setup,
        fixture.vm.r0_to_r10(),
    )
    .map_err(|error| no_output(format!("the memory cannot be mapped: {error}")))?;
    CALLEE_STUB.with(|stub| *stub.borrow_mut() = None);
    let (r0, got_error) = match outcome {
        SyscallOutcome::NotRegistered => {
            return Err(no_output(format!("`{name}` is not registered")));
        }
        SyscallOutcome::Returned(r0) => (r0, ok_code()),
        SyscallOutcome::Failed(fault) => {
            let failure = syscall_failure(&fault);
            if let Some(message) = failure.message {
                invoke_context.log(format!("Program {program_id} failed: {message}"));
            }
            (0, failure.code)
        }
    };
    let got = proto::SyscallEffects {
        error: got_error.code,
        error_kind: got_error.kind,
        r0,
        cu_avail: invoke_context.remaining(),
        heap: memory.heap().to_vec(),
        stack: memory.stack().to_vec(),
        input_data_regions: setup::regions_of(&memory),
        log: invoke_context.logs().join("\n").into_bytes(),
        rodata: fixture.vm.rodata.clone(),
        ..Default::default()
    };
    let expected = &fixture.expected;
    let expected_error = ErrorCode {
        kind: expected.error_kind,
        code: expected.error,
        label: expected_label(expected.error_kind, expected.error),
    };
    let errors = (expected_error, got_error);
    Ok(setup::syscall_effects_rows(
        expected,
        &got,
        errors,
        COMPARISON_ORDER,
    ))
}

fn no_output(reason: impl Into<String>) -> NoEffects {
    NoEffects::NoOutput(reason.into())
}

fn ok_code() -> ErrorCode {
    ErrorCode {
        kind: 0,
        code: 0,
        label: "ok".into(),
    }
}

/// The caller instruction: the transaction's accounts, the program and the instruction's
/// accounts.
struct CallerInstruction {
    accounts: Vec<(Pubkey, Account)>,
    program_id: Pubkey,
    program_index: usize,
    /// The input ABI, which decides alignment checks: the deprecated loader's programs run
    /// unaligned.
    abi: InputAbi,
    instruction_accounts: Vec<InstructionAccount>,
}

impl CallerInstruction {
    /// The caller of the fixture, or why the reference harness would reject it.
    fn new(instr: &proto::InstrContext, family: SyscallFamily) -> Result<Self, String> {
        let mut accounts = setup::transaction_accounts(&instr.accounts)?;
        let program_id = setup::pubkey(&instr.program_id).ok_or("program_id is not 32 bytes")?;
        let program_index = match accounts.iter().position(|(key, _)| *key == program_id) {
            Some(index) => index,
            None if family == SyscallFamily::Cpi => {
                return Err("the CPI caller program is not an account".into())
            }
            None => {
                // The frame needs a program account; a missing one behaves as not owned by
                // the deprecated loader (alignment checks on).
                accounts.push((program_id, Default::default()));
                accounts.len() - 1
            }
        };
        let abi = if accounts[program_index].1.owner == bpf_loader_deprecated::id() {
            InputAbi::Unaligned
        } else {
            InputAbi::Aligned
        };
        Ok(Self {
            instruction_accounts: setup::instruction_accounts(instr)?,
            accounts,
            program_id,
            program_index,
            abi,
        })
    }
}

/// The invoke context with the caller instruction pushed (stack height 1), its meter,
/// features, sysvars, the programs a CPI may call and, for a plain syscall, the
/// transaction's return data.
fn caller_invoke_context(
    fixture: &VmFixture,
    caller: CallerInstruction,
    features: FeatureSet,
    family: SyscallFamily,
) -> Result<InvokeContext, String> {
    let instr = &fixture.instr;
    let budget = setup::budget(instr.cu_avail);
    let (executor, builtins) =
        callee_programs(fixture, family, &caller.accounts, &features, &budget);
    // sbfvm always has Clock, Rent and the other typed sysvars, so for the CPI harness's
    // empty sysvar cache the defaults stand in (RecentBlockhashes is unavailable, as in the
    // reference).
    let sysvars = match family {
        SyscallFamily::Cpi => setup::sysvars(&[]),
        SyscallFamily::Syscall => setup::sysvars(&instr.accounts),
    };
    let blockhash_environment = setup::environment(&sysvars);
    let mut invoke_context = setup::invoke_context(
        caller.accounts,
        budget,
        features,
        sysvars,
        executor,
        builtins,
    );
    if family == SyscallFamily::Cpi {
        // The reference CPI harness derives its blockhash from its (empty) sysvar cache.
        invoke_context.environment = blockhash_environment;
    }
    let frame = InstructionFrame::new(
        caller.program_index as u16,
        caller.instruction_accounts,
        instr.data.clone(),
    );
    let transaction_context = &mut invoke_context.transaction_context;
    transaction_context.configure_top_level(vec![frame]);
    if let Err(error) = transaction_context.push(None) {
        return Err(format!("pushing the caller instruction failed: {error}"));
    }
    if let (SyscallFamily::Syscall, Some(return_data)) = (family, &fixture.vm.return_data) {
        let owner = setup::pubkey(&return_data.program_id).unwrap_or_default();
        transaction_context.set_return_data(owner, return_data.data.clone());
    }
    Ok(invoke_context)
}

/// The programs a CPI from the caller reaches: with the fixture's `exec_effects`, every
/// account runs the stub that applies them; otherwise sbfvm's interpreter and the System
/// program.
fn callee_programs(
    fixture: &VmFixture,
    family: SyscallFamily,
    accounts: &[(Pubkey, Account)],
    features: &FeatureSet,
    budget: &ComputeBudget,
) -> (Rc<dyn ProgramExecutor>, Vec<Builtin>) {
    if family == SyscallFamily::Cpi && fixture.exec_effects.is_some() {
        CALLEE_STUB.with(|stub| *stub.borrow_mut() = fixture.exec_effects.clone());
        // The loaders come after the stubs, for programs whose loader is not an account.
        let stubs = accounts
            .iter()
            .map(|(key, _)| Builtin::new(*key, "callee stub", builtin_stub))
            .chain(BUILTINS.iter().copied())
            .collect();
        return (Rc::new(StubExecutor), stubs);
    }
    CALLEE_STUB.with(|stub| *stub.borrow_mut() = None);
    let programs = sbfvm_syscalls::create_environment(features, budget)
        .expect("the execution environment builds");
    let executor = SbfExecutor::new(Arc::new(programs), ExecutionMode::Interpreter);
    (Rc::new(executor), BUILTINS.to_vec())
}
