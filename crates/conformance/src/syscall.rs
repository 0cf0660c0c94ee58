//! `sol_compat_vm_syscall_execute_v1` and `sol_compat_vm_cpi_syscall_v1`
//! (conformance-format §5.2, §5.3): one syscall of sbfvm's registry for the fixture's
//! features, called directly on prepared memory with the caller instruction at stack
//! height 1.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use prost::Message;
use sbfvm_runtime::builtins::{self, BUILTINS};
use sbfvm_runtime::{
    Builtin, ExecutionFailure, InstructionAccount, InstructionError, InstructionFrame,
    InvokeContext, ProgramExecutor,
};
use sbfvm_test_support::{invoke_syscall, FrameSetup, SyscallOutcome};
use sbfvm_vm::{
    ExecutionMode, InputAbi, ProgramEnvironment, SbfExecutor, SerializedAccountMetadata,
};
use solana_sdk_ids::bpf_loader_deprecated;

use super::compare::ErrorCode;
use super::errors::syscall_failure;
use super::proto;
use super::setup::{self, EffectsOrder};
use super::vm_interp::no_output;
use super::Outcome;

thread_local! {
    /// The `exec_effects` stub of the CPI being run on this thread.
    static CALLEE_STUB: RefCell<Option<proto::InstrEffects>> = const { RefCell::new(None) };
}

/// Applies the CPI fixture's `exec_effects` to the callee's accounts instead of running it
/// (§5.3 step 3): for each callee account whose key is in `modified_accounts` (first
/// match), lamports and executable are set, data when non-empty, owner when 32 bytes.
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

pub(super) fn run(bytes: &[u8], is_cpi: bool) -> Outcome {
    let fixture = match proto::SyscallFixture::decode(bytes) {
        Ok(fixture) => fixture,
        Err(error) => return Outcome::Skip(format!("undecodable SyscallFixture: {error}")),
    };
    let input = fixture.input.unwrap_or_default();
    let expected = fixture.output.unwrap_or_default();
    let vm = input.vm_ctx.unwrap_or_default();
    let instr = input.instr_ctx.unwrap_or_default();
    let Some(invocation) = input.syscall_invocation else {
        return no_output("the input has no syscall invocation".into());
    };
    if vm.sbpf_version != 0 {
        return Outcome::Skip(format!(
            "sbpf_version {} (only SBPF v0 fixtures are run)",
            vm.sbpf_version
        ));
    }
    let name = String::from_utf8_lossy(&invocation.function_name).into_owned();
    let features = setup::features(&instr);
    let direct_mapping = features.virtual_address_space_adjustments();
    let environment = ProgramEnvironment::new(setup::v0_options(direct_mapping, false), |r| {
        sbfvm_syscalls::register_syscalls(r, &features)
    })
    .expect("the syscall environment builds");
    if environment.syscall_support(&name).is_none() {
        return no_output(format!("`{name}` is not registered for this feature set"));
    }

    let mut accounts = match setup::transaction_accounts(&instr.accounts) {
        Ok(accounts) => accounts,
        Err(reason) => return no_output(reason),
    };
    let Some(program_id) = setup::pubkey(&instr.program_id) else {
        return no_output("program_id is not 32 bytes".into());
    };
    let program_index = match accounts.iter().position(|(key, _)| *key == program_id) {
        Some(index) => index,
        None if is_cpi => return no_output("the CPI caller program is not an account".into()),
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
    let mut instruction_accounts = Vec::with_capacity(instr.instr_accounts.len());
    for meta in &instr.instr_accounts {
        if meta.index as usize >= instr.accounts.len() {
            return no_output("an instruction account index is out of range".into());
        }
        instruction_accounts.push(InstructionAccount {
            index_in_transaction: meta.index as u16,
            is_signer: meta.is_signer,
            is_writable: meta.is_writable,
        });
    }
    let account_count = instruction_accounts.len();

    let budget = setup::budget(instr.cu_avail);
    let (executor, builtins): (Rc<dyn ProgramExecutor>, Vec<Builtin>) =
        if is_cpi && input.exec_effects.is_some() {
            CALLEE_STUB.with(|stub| *stub.borrow_mut() = input.exec_effects.clone());
            // The loaders come after the stubs, for programs whose loader is not an account.
            let stubs = accounts
                .iter()
                .map(|(key, _)| Builtin {
                    program_id: *key,
                    name: "callee stub",
                    entrypoint: builtin_stub,
                })
                .chain(BUILTINS.iter().copied())
                .collect();
            (Rc::new(StubExecutor), stubs)
        } else {
            CALLEE_STUB.with(|stub| *stub.borrow_mut() = None);
            let programs = sbfvm_syscalls::create_environment(&features, &budget)
                .expect("the execution environment builds");
            (
                Rc::new(SbfExecutor::new(
                    Arc::new(programs),
                    ExecutionMode::Interpreter,
                )),
                BUILTINS.to_vec(),
            )
        };
    // The reference CPI harness leaves its sysvar cache empty; sbfvm always has Clock, Rent
    // and the other typed sysvars, so the defaults stand in (RecentBlockhashes is
    // unavailable, as in the reference).
    let sysvars = if is_cpi {
        setup::sysvars(&[])
    } else {
        setup::sysvars(&instr.accounts)
    };
    let blockhash_environment = setup::environment(&sysvars);
    let mut invoke_context =
        setup::invoke_context(accounts, budget, features, sysvars, executor, builtins);
    if is_cpi {
        // The reference CPI harness derives its blockhash from its (empty) sysvar cache.
        invoke_context.environment = blockhash_environment;
    }
    let frame = InstructionFrame::new(program_index as u16, instruction_accounts, instr.data);
    invoke_context
        .transaction_context
        .configure_top_level(vec![frame]);
    if let Err(error) = invoke_context.transaction_context.push(None) {
        return no_output(format!("pushing the caller instruction failed: {error}"));
    }
    if !is_cpi {
        if let Some(return_data) = &vm.return_data {
            let owner = setup::pubkey(&return_data.program_id).unwrap_or_default();
            invoke_context
                .transaction_context
                .set_return_data(owner, return_data.data.clone());
        }
    }
    let Some(mut memory) = setup::memory(&vm, Some(&invocation)) else {
        return no_output(format!("heap_max {} is above 256 KiB", vm.heap_max));
    };
    let frame_setup = FrameSetup {
        program_id,
        abi,
        accounts_metadata: if is_cpi {
            vec![SerializedAccountMetadata::default(); account_count]
        } else {
            Vec::new()
        },
    };
    let registers = [
        vm.r0, vm.r1, vm.r2, vm.r3, vm.r4, vm.r5, vm.r6, vm.r7, vm.r8, vm.r9, vm.r10,
    ];
    let outcome = match invoke_syscall(
        &environment,
        &name,
        &mut memory,
        &mut invoke_context,
        &frame_setup,
        registers,
    ) {
        Ok(outcome) => outcome,
        Err(error) => return no_output(format!("the memory cannot be mapped: {error}")),
    };
    CALLEE_STUB.with(|stub| *stub.borrow_mut() = None);
    let (r0, code) = match outcome {
        SyscallOutcome::NotRegistered => {
            return no_output(format!("`{name}` is not registered"));
        }
        SyscallOutcome::Returned(r0) => (
            r0,
            ErrorCode {
                kind: 0,
                code: 0,
                label: "ok".into(),
            },
        ),
        SyscallOutcome::Failed(fault) => {
            let failure = syscall_failure(&fault);
            if let Some(message) = failure.message {
                invoke_context.log(format!("Program {program_id} failed: {message}"));
            }
            (0, failure.code)
        }
    };
    let got = proto::SyscallEffects {
        error: code.code,
        error_kind: code.kind,
        r0,
        cu_avail: invoke_context.remaining(),
        heap: memory.heap().to_vec(),
        stack: memory.stack().to_vec(),
        input_data_regions: setup::regions_of(&memory),
        log: invoke_context.logs().join("\n").into_bytes(),
        rodata: vm.rodata.clone(),
        ..Default::default()
    };
    Outcome::Compared(setup::syscall_effects_rows(
        &expected,
        &got,
        code,
        EffectsOrder::Syscall,
    ))
}
