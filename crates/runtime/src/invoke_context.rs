//! The invoke context: everything a running instruction can reach (transaction context,
//! compute meter, feature set, sysvars, logs, the program cache) and the explicit invoke
//! machinery — `push` → dispatch → `pop` — that top-level instructions and CPIs share.
//!
//! Dispatch follows Agave's `process_executable_chain`
//! (`solana-program-runtime 4.4.0, src/invoke_context.rs`): the program account's owner
//! picks a builtin from the [builtins table](Builtin) — the program itself when the native
//! loader owns it, else its loader — and the builtin runs. SBF programs are run by their
//! loader's builtin, which calls back into program execution through [`ProgramExecutor`], a
//! trait this module owns and the `sbfvm-vm` crate implements, so the runtime never depends
//! on the VM and the dispatcher never depends on a builtin.

use std::rc::Rc;

use solana_account::ReadableAccount;
use solana_instruction::Instruction;
use solana_instruction_error::InstructionError;
use solana_pubkey::Pubkey;
use solana_sdk_ids::{
    bpf_loader, bpf_loader_deprecated, bpf_loader_upgradeable, loader_v4, native_loader, sysvar,
};

use crate::compute::{ComputeBudget, ComputeMeter};
use crate::environment::EnvironmentConfig;
use crate::features::FeatureSet;
use crate::instruction_context::InstructionContext;
use crate::log_collector::{LogCollector, Logs};
use crate::pda::{create_program_address, PdaError};
use crate::program_cache::{ProgramCache, UnavailableProgram};
use crate::sysvars::Sysvars;
use crate::transaction_context::{
    FrameOutcome, IndexOfAccount, InstructionAccount, InstructionFrame, TransactionContext,
};

/// Why a program execution failed: the instruction error it becomes and the text Agave
/// logs after `Program <id> failed: `.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecutionFailure {
    /// The instruction error the frame fails with.
    pub error: InstructionError,
    /// What the log line `Program <id> failed: …` says.
    pub message: String,
}

impl From<InstructionError> for ExecutionFailure {
    fn from(error: InstructionError) -> Self {
        let message = error.to_string();
        Self { error, message }
    }
}

impl ExecutionFailure {
    /// A failure that is not an `InstructionError` (a syscall or VM error): Agave turns it
    /// into `ProgramFailedToComplete` and logs its own text.
    pub fn program_failed(message: impl Into<String>) -> Self {
        Self {
            error: InstructionError::ProgramFailedToComplete,
            message: message.into(),
        }
    }
}

/// Where execution time goes, summed over a transaction. Collected only on request: the
/// clock reads cost more than some of the phases they measure.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PhaseTimes {
    /// CPI: charging and translating the instruction, signers, privileges and account infos.
    pub cpi_translate: std::time::Duration,
    /// CPI: the caller's pending changes into the accounts.
    pub cpi_update_callee: std::time::Duration,
    /// CPI: the callee's changes back into the caller's memory.
    pub cpi_update_caller: std::time::Duration,
    /// SBF frames entered by CPI (top-level frames are not counted): serializing the input.
    pub serialize: std::time::Duration,
    /// SBF frames: memory regions, mapping, context and VM.
    pub vm_setup: std::time::Duration,
    /// SBF frames: running the program (a frame's callees included).
    pub execute: std::time::Duration,
    /// SBF frames: applying the input back to the accounts.
    pub deserialize: std::time::Duration,
    /// CPIs made.
    pub cpis: u64,
    /// SBF frames run.
    pub frames: u64,
}

/// Runs programs owned by the BPF loaders. Implemented by the `vm` crate.
pub trait ProgramExecutor {
    /// Executes the program of the current frame of `invoke_context`.
    fn execute(&self, invoke_context: &mut InvokeContext) -> Result<(), ExecutionFailure>;

    /// Verifies `elf` for deployment under `loader` as Agave's `deploy_program!` does: load
    /// it with the deployment environment (strict ELF checks, the deployment SBPF versions
    /// of `invoke_context.features`, no `sol_alloc_free_`) and verify it. The error is the
    /// text Agave logs; the loader turns it into `InvalidAccountData`. Nothing is cached:
    /// the new program becomes executable through [`ProgramExecutor::reload`] once its
    /// transaction commits. The default rejects every program.
    fn deploy(
        &self,
        _invoke_context: &InvokeContext,
        _program_id: &Pubkey,
        _loader: &Pubkey,
        _elf: &[u8],
    ) -> Result<(), String> {
        Err("this executor cannot deploy programs".to_string())
    }

    /// A committed transaction deployed, upgraded, extended or closed `program_id`: drop any
    /// cached copy and, when `elf` is given (the ELF the accounts now hold), load it for
    /// execution under `loader`. The default does nothing.
    fn reload(&self, _program_id: &Pubkey, _loader: &Pubkey, _elf: Option<&[u8]>) {}
}

/// The entrypoint of a builtin program.
pub type BuiltinFunction = fn(&mut InvokeContext) -> Result<(), ExecutionFailure>;

/// The verification of a precompile (`agave-precompiles 4.4.0, src/lib.rs`, `Verify`): its
/// own instruction data, the data of every top-level instruction of the transaction (its own
/// included, at its index) and the feature set.
pub type PrecompileFunction = fn(
    data: &[u8],
    instruction_datas: &[&[u8]],
    features: &FeatureSet,
) -> Result<(), solana_precompile_error::PrecompileError>;

/// One row of the builtins table: a native program the dispatcher can run.
#[derive(Debug, Clone, Copy)]
pub struct Builtin {
    /// The program id (for a loader, also the owner of the programs it runs).
    pub program_id: Pubkey,
    /// The name Agave registers the builtin under.
    pub name: &'static str,
    /// What runs when the dispatcher picks this builtin.
    pub entrypoint: BuiltinFunction,
    /// Whether the feature set makes `program_id` a builtin (Agave's `enable_feature_id`):
    /// when not, the dispatcher finds no builtin for it (`UnsupportedProgramId`).
    pub enabled: fn(&FeatureSet) -> bool,
}

impl Builtin {
    /// A row for `program_id`, enabled under every feature set.
    pub const fn new(program_id: Pubkey, name: &'static str, entrypoint: BuiltinFunction) -> Self {
        Self {
            program_id,
            name,
            entrypoint,
            enabled: |_| true,
        }
    }
}

/// Receives per-frame events; used for reports (wall time, cost attribution). An
/// observer that needs to hand data back shares it through its own `Rc<RefCell<_>>`.
pub trait InvokeObserver {
    /// The frame at `trace_index` was pushed and is about to run.
    fn frame_started(&mut self, _trace_index: usize) {}
    /// The frame at `trace_index` ran (successfully or not) and is about to be popped.
    fn frame_finished(&mut self, _trace_index: usize) {}
}

/// One account meta of a CPI's callee instruction, as the syscall translated it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CpiAccountMeta {
    /// The account.
    pub pubkey: Pubkey,
    /// Whether the callee gets it as a signer.
    pub is_signer: bool,
    /// Whether the callee gets it writable.
    pub is_writable: bool,
}

/// Agave returned `NotEnoughAccountKeys` where it now returns `MissingAccount` until
/// agave#8001 (merged 2025-09-13, Agave 3.1), which is not feature-gated. The feature that
/// brackets it is SIMD-0339 `increase_cpi_account_info_limit` (agave#8513, opened
/// 2025-10-16 on top of it; active on mainnet since slot 403,056,000): when it is active
/// every validator runs code with the change. The Dec-2024 fixtures (Agave 2.1) never list
/// it, and they expect `NotEnoughAccountKeys`.
fn uses_not_enough_account_keys(features: &FeatureSet) -> bool {
    !features.increase_cpi_account_info_limit()
}

/// Everything a running instruction can reach.
pub struct InvokeContext {
    /// The blockhash environment (Agave's `EnvironmentConfig`); sbfvm's own by default.
    pub environment: EnvironmentConfig,
    /// The transaction's accounts, trace, stack and return data.
    pub transaction_context: TransactionContext,
    /// Compute units left.
    pub compute_meter: ComputeMeter,
    /// Limits and prices of the transaction.
    pub budget: ComputeBudget,
    /// Active features.
    pub features: Rc<FeatureSet>,
    /// Sysvar values.
    pub sysvars: Rc<Sysvars>,
    /// Agave's log lines; `None` when logging is off.
    pub log_collector: Option<LogCollector>,
    /// sbfvm's own notes about the run (never part of Agave's logs), e.g. which unresolved
    /// syscall a program called.
    pub diagnostics: Vec<String>,
    /// Wall time per execution phase, when profiling is on (`Runtime::profile_phases`).
    pub phase_times: Option<Box<PhaseTimes>>,
    /// Program-cache state beyond loaded programs: deployments not yet visible, closed
    /// programs, and what this transaction changed.
    pub program_cache: ProgramCache,
    /// Whether pushing a frame writes the current top-level instruction index into the
    /// Instructions sysvar (and checks its owner), as `solana-transaction-context 4.4.0,
    /// src/transaction.rs` (`TransactionContext::push`) does; `true` by default. Before
    /// that move Agave wrote the index in the message processor, once per top-level
    /// instruction (`solana-svm 2.1`, `src/message_processor.rs`), so an
    /// instruction run alone through `InvokeContext::process_instruction` (the conformance
    /// instr harness on Agave 2.1) left the sysvar untouched: such a harness sets `false`.
    pub update_instructions_sysvar_on_push: bool,
    executor: Rc<dyn ProgramExecutor>,
    builtins: Rc<[Builtin]>,
    observer: Option<Box<dyn InvokeObserver>>,
}

impl std::fmt::Debug for InvokeContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InvokeContext")
            .field("transaction_context", &self.transaction_context)
            .field("remaining", &self.compute_meter.remaining())
            .finish_non_exhaustive()
    }
}

impl InvokeContext {
    /// An invoke context over `transaction_context`, dispatching to `builtins` (usually
    /// the runtime's `builtins::BUILTINS`) and running SBF programs through
    /// `executor`. Older account rules and error codes are selected from `features` (see
    /// the transaction_context module docs).
    pub fn new(
        mut transaction_context: TransactionContext,
        budget: ComputeBudget,
        features: Rc<FeatureSet>,
        sysvars: Rc<Sysvars>,
        executor: Rc<dyn ProgramExecutor>,
        builtins: Rc<[Builtin]>,
    ) -> Self {
        transaction_context.set_remove_accounts_executable_flag_checks(
            features.remove_accounts_executable_flag_checks(),
        );
        transaction_context.set_not_enough_account_keys(uses_not_enough_account_keys(&features));
        Self {
            environment: EnvironmentConfig::default(),
            transaction_context,
            compute_meter: ComputeMeter::new(budget.compute_unit_limit),
            budget,
            features,
            sysvars,
            log_collector: Some(LogCollector::default()),
            diagnostics: Vec::new(),
            phase_times: None,
            program_cache: ProgramCache::default(),
            update_instructions_sysvar_on_push: true,
            executor,
            builtins,
            observer: None,
        }
    }

    /// The executor that runs loader-owned programs.
    pub fn executor(&self) -> Rc<dyn ProgramExecutor> {
        Rc::clone(&self.executor)
    }

    /// Sets (or clears) the observer of frame events.
    pub fn set_observer(&mut self, observer: Option<Box<dyn InvokeObserver>>) {
        self.observer = observer;
    }

    /// Takes the observer back.
    pub fn take_observer(&mut self) -> Option<Box<dyn InvokeObserver>> {
        self.observer.take()
    }

    /// The view of the running instruction that builtins work through.
    pub fn instruction_context(&mut self) -> Result<InstructionContext<'_>, InstructionError> {
        InstructionContext::new(
            &self.transaction_context,
            self.log_collector.as_mut(),
            &self.features,
            &self.sysvars,
            &self.environment,
        )
    }

    // ----- compute -----

    /// Compute units left.
    pub fn remaining(&self) -> u64 {
        self.compute_meter.remaining()
    }

    /// Charges `amount`, draining the meter if it is short (the VM's instruction charges).
    pub fn consume(&self, amount: u64) {
        self.compute_meter.consume(amount)
    }

    /// Charges `amount`; fails with `ComputationalBudgetExceeded` (meter drained) if short.
    pub fn consume_checked(&self, amount: u64) -> Result<(), InstructionError> {
        self.compute_meter.consume_checked(amount)
    }

    // ----- timing -----

    /// A clock reading when profiling is on.
    pub fn phase_clock(&self) -> Option<std::time::Instant> {
        self.phase_times.as_ref().map(|_| std::time::Instant::now())
    }

    /// Adds the time since `started` to one phase.
    pub fn add_phase_time(
        &mut self,
        started: Option<std::time::Instant>,
        phase: impl FnOnce(&mut PhaseTimes) -> &mut std::time::Duration,
    ) {
        if let (Some(started), Some(times)) = (started, self.phase_times.as_mut()) {
            *phase(times) += started.elapsed();
        }
    }

    // ----- logs -----

    /// Appends a log line (`ic_msg!`).
    pub fn log(&mut self, message: impl AsRef<str>) {
        if let Some(collector) = self.log_collector.as_mut() {
            collector.log(message.as_ref());
        }
    }

    /// The log lines so far.
    pub fn logs(&self) -> &Logs {
        static NO_LOGS: Logs = Logs::new();
        self.log_collector
            .as_ref()
            .map_or(&NO_LOGS, |collector| collector.messages())
    }

    /// Logs why a loader-owned program cannot run and returns the failure it becomes.
    pub fn program_unavailable(&mut self, reason: UnavailableProgram) -> ExecutionFailure {
        self.log(reason.log_message());
        reason.error(&self.features).into()
    }

    // ----- frames -----

    /// The current stack height (top level = 1; 0 between instructions).
    pub fn stack_height(&self) -> usize {
        self.transaction_context.stack_height()
    }

    /// The program of the current frame.
    pub fn current_program_id(&self) -> Result<Pubkey, InstructionError> {
        self.transaction_context.current_program_id()
    }

    /// Owner of the currently executing program account (its loader).
    pub fn current_loader_id(&self) -> Result<Pubkey, InstructionError> {
        Ok(*self
            .transaction_context
            .borrow_current_program_account()?
            .owner())
    }

    /// Whether pointers must be aligned: false only for programs of the deprecated loader.
    pub fn check_aligned(&self) -> bool {
        self.current_loader_id()
            .map(|loader| loader != bpf_loader_deprecated::id())
            .unwrap_or(true)
    }

    // ----- CPI -----

    /// Builds the callee frame of a CPI and checks its privileges. Mirrors
    /// `solana-program-runtime 4.4.0, src/invoke_context.rs`,
    /// `prepare_next_cpi_instruction`: key lookup, deduplication with privileges OR-ed over
    /// every occurrence, one privilege check per distinct account, then the program.
    pub fn prepare_next_cpi_instruction(
        &mut self,
        program_id: &Pubkey,
        metas: &[CpiAccountMeta],
        data: Vec<u8>,
        signers: &[Pubkey],
    ) -> Result<InstructionFrame, InstructionError> {
        let (accounts, first_occurrence) = self.deduplicate_cpi_accounts(metas)?;
        self.check_cpi_privileges(&accounts, &first_occurrence, signers)?;
        let program_account_index = self.find_cpi_program(program_id)?;
        Ok(InstructionFrame::with_first_occurrence(
            program_account_index,
            accounts,
            first_occurrence,
            data,
        ))
    }

    /// Every meta must name a transaction account; duplicates get the privileges of all
    /// their occurrences. Returns the accounts and each one's first occurrence.
    #[inline]
    fn deduplicate_cpi_accounts(
        &mut self,
        metas: &[CpiAccountMeta],
    ) -> Result<(Vec<InstructionAccount>, Vec<u16>), InstructionError> {
        let context = &self.transaction_context;
        let mut accounts: Vec<InstructionAccount> = Vec::with_capacity(metas.len());
        for meta in metas {
            let Some(index_in_transaction) = context.find_index_of_account(&meta.pubkey) else {
                let message = format!("Instruction references an unknown account {}", meta.pubkey);
                self.log(message);
                return Err(InstructionError::MissingAccount);
            };
            accounts.push(InstructionAccount {
                index_in_transaction,
                is_signer: meta.is_signer,
                is_writable: meta.is_writable,
            });
        }
        let mut first_occurrence = Vec::with_capacity(accounts.len());
        for position in 0..accounts.len() {
            let index = accounts[position].index_in_transaction;
            let first = accounts[..position]
                .iter()
                .position(|account| account.index_in_transaction == index)
                .unwrap_or(position);
            if first != position {
                accounts[first].is_signer |= accounts[position].is_signer;
                accounts[first].is_writable |= accounts[position].is_writable;
            }
            first_occurrence.push(first as u16);
        }
        for position in 0..accounts.len() {
            let first = first_occurrence[position] as usize;
            accounts[position].is_signer = accounts[first].is_signer;
            accounts[position].is_writable = accounts[first].is_writable;
        }
        Ok((accounts, first_occurrence))
    }

    /// Privileges of non-duplicate accounts may only narrow the caller's; a signer the
    /// caller does not have must be one of the PDA `signers`. Writable is checked first.
    #[inline]
    fn check_cpi_privileges(
        &mut self,
        accounts: &[InstructionAccount],
        first_occurrence: &[u16],
        signers: &[Pubkey],
    ) -> Result<(), InstructionError> {
        let context = &self.transaction_context;
        let caller = context.current_frame()?;
        for (position, callee_account) in accounts.iter().enumerate() {
            if first_occurrence[position] as usize != position {
                continue;
            }
            let Some(caller_position) =
                caller.position_of_transaction_account(callee_account.index_in_transaction)
            else {
                return Err(InstructionError::MissingAccount);
            };
            let caller_account = caller.accounts[caller_position];
            let key = *context.key_of(callee_account.index_in_transaction)?;
            if callee_account.is_writable && !caller_account.is_writable {
                self.log(format!("{key}'s writable privilege escalated"));
                return Err(InstructionError::PrivilegeEscalation);
            }
            if callee_account.is_signer && !caller_account.is_signer && !signers.contains(&key) {
                self.log(format!("{key}'s signer privilege escalated"));
                return Err(InstructionError::PrivilegeEscalation);
            }
        }
        Ok(())
    }

    /// The program must be a transaction account that the caller holds; before SIMD-0162 it
    /// must also be executable (Agave 2.1 `prepare_instruction`: "Find and validate
    /// executables / program accounts").
    #[inline]
    fn find_cpi_program(
        &mut self,
        program_id: &Pubkey,
    ) -> Result<IndexOfAccount, InstructionError> {
        let context = &self.transaction_context;
        let caller = context.current_frame()?;
        let program_account_index = context
            .find_index_of_account(program_id)
            .filter(|index| caller.position_of_transaction_account(*index).is_some());
        let Some(program_account_index) = program_account_index else {
            self.log(format!("Unknown program {program_id}"));
            return Err(InstructionError::MissingAccount);
        };
        if !self.features.remove_accounts_executable_flag_checks()
            && !self
                .transaction_context
                .borrow_account(program_account_index)?
                .executable()
        {
            self.log(format!("Account {program_id} is not executable"));
            return Err(InstructionError::AccountNotExecutable);
        }
        Ok(program_account_index)
    }

    /// A CPI made by a builtin (`InvokeContext::native_invoke_signed`): the signers are the
    /// PDAs of `signer_seeds` under the calling program's id.
    pub fn native_invoke_signed(
        &mut self,
        instruction: Instruction,
        signer_seeds: &[&[&[u8]]],
    ) -> Result<(), InstructionError> {
        let caller = self.current_program_id()?;
        let signers = signer_seeds
            .iter()
            .map(|seeds| {
                create_program_address(seeds, &caller).map_err(PdaError::instruction_error)
            })
            .collect::<Result<Vec<Pubkey>, InstructionError>>()?;
        self.native_invoke(instruction, &signers)
    }

    /// A CPI made by a builtin with the keys it vouches for as `signers`
    /// (`InvokeContext::native_invoke`).
    pub fn native_invoke(
        &mut self,
        instruction: Instruction,
        signers: &[Pubkey],
    ) -> Result<(), InstructionError> {
        let metas: Vec<CpiAccountMeta> = instruction
            .accounts
            .iter()
            .map(|meta| CpiAccountMeta {
                pubkey: meta.pubkey,
                is_signer: meta.is_signer,
                is_writable: meta.is_writable,
            })
            .collect();
        let frame = self.prepare_next_cpi_instruction(
            &instruction.program_id,
            &metas,
            instruction.data,
            signers,
        )?;
        self.process_instruction(Some(frame))
    }

    // ----- push, dispatch, pop -----

    /// Pushes a frame (a CPI frame, or `None` for the next top-level instruction),
    /// including the Instructions sysvar update.
    pub fn push(&mut self, frame: Option<InstructionFrame>) -> Result<usize, InstructionError> {
        let trace_index = self.transaction_context.push(frame)?;
        if !self.update_instructions_sysvar_on_push {
            return Ok(trace_index);
        }
        if let Some(index) = self
            .transaction_context
            .find_index_of_account(&sysvar::instructions::id())
        {
            self.update_instructions_sysvar(index)?;
        }
        Ok(trace_index)
    }

    /// Writes the current top-level instruction index into the Instructions sysvar.
    fn update_instructions_sysvar(
        &mut self,
        index: IndexOfAccount,
    ) -> Result<(), InstructionError> {
        let context = &self.transaction_context;
        let top_level_index = context.top_level_instructions_started().saturating_sub(1) as u16;
        let account = context.borrow_account(index)?;
        if *account.owner() != sysvar::id() {
            return Err(InstructionError::InvalidAccountOwner);
        }
        drop(account);
        // The sysvar is written by the runtime itself, outside the modification rules.
        self.transaction_context
            .write_instructions_sysvar_index(index, top_level_index)
    }

    /// Runs the frame just configured: push, dispatch, pop (Agave's
    /// `InvokeContext::process_instruction`). `frame` is `None` for top-level.
    pub fn process_instruction(
        &mut self,
        frame: Option<InstructionFrame>,
    ) -> Result<(), InstructionError> {
        let trace_length = self.transaction_context.trace().len();
        let trace_index = match self.push(frame) {
            Ok(trace_index) => trace_index,
            Err(error) => {
                self.record_frame_that_never_ran(trace_length, &error);
                return Err(error);
            }
        };
        let remaining_before = self.remaining();
        if let Some(observer) = self.observer.as_mut() {
            observer.frame_started(trace_index);
        }
        let result = self.process_executable_chain();
        let consumed = remaining_before.saturating_sub(self.remaining());
        if let Some(observer) = self.observer.as_mut() {
            observer.frame_finished(trace_index);
        }
        // Pop runs whenever push succeeded; an execution error takes precedence.
        let pop_result = self.transaction_context.pop();
        let result = result.and(pop_result);
        if let Some(frame) = self.transaction_context.frame_mut(trace_index) {
            frame.outcome = Some(FrameOutcome {
                compute_units_consumed: consumed,
                result: result.clone(),
            });
        }
        result
    }

    /// Runs the next top-level instruction as a precompile (SIMD-0159): push, verify, pop,
    /// as `solana-program-runtime 4.4.0, src/invoke_context.rs`, `process_message` and
    /// `process_precompile` do. Nothing is logged and no compute unit is charged (the
    /// frame's units stay 0); a [`PrecompileError`](solana_precompile_error::PrecompileError)
    /// becomes the `InstructionError` Agave's `From` gives it (`Custom(0..=4)`).
    pub fn process_precompile(
        &mut self,
        verify: PrecompileFunction,
    ) -> Result<(), InstructionError> {
        let trace_length = self.transaction_context.trace().len();
        let trace_index = match self.push(None) {
            Ok(trace_index) => trace_index,
            Err(error) => {
                self.record_frame_that_never_ran(trace_length, &error);
                return Err(error);
            }
        };
        if let Some(observer) = self.observer.as_mut() {
            observer.frame_started(trace_index);
        }
        let result = {
            let trace = self.transaction_context.trace();
            let instruction_datas: Vec<&[u8]> = trace
                .iter()
                .filter(|frame| frame.caller_index.is_none())
                .map(|frame| frame.data.as_slice())
                .collect();
            verify(&trace[trace_index].data, &instruction_datas, &self.features)
                .map_err(InstructionError::from)
        };
        if let Some(observer) = self.observer.as_mut() {
            observer.frame_finished(trace_index);
        }
        let result = result.and(self.transaction_context.pop());
        if let Some(frame) = self.transaction_context.frame_mut(trace_index) {
            frame.outcome = Some(FrameOutcome {
                compute_units_consumed: 0,
                result: result.clone(),
            });
        }
        result
    }

    /// A CPI that fails after being appended to the trace (`CallDepth`) is still an inner
    /// instruction; records why it never ran.
    fn record_frame_that_never_ran(&mut self, trace_length: usize, error: &InstructionError) {
        let trace = self.transaction_context.trace();
        if trace.len() > trace_length {
            let last = trace.len() - 1;
            if let Some(frame) = self.transaction_context.frame_mut(last) {
                frame.outcome = Some(FrameOutcome {
                    compute_units_consumed: 0,
                    result: Err(error.clone()),
                });
            }
        }
    }

    /// Which builtin runs the current frame's program (`builtin_id` in Agave's
    /// `process_executable_chain`): the program itself when the native loader owns it, else
    /// the loader that owns it. Before SIMD-0162 any owner is the builtin key (Agave 2.1:
    /// `builtin_id = owner_id`), so a builtin registered under the owner's id runs.
    /// Before SIMD-0162 an instruction of the native loader's own id has no program
    /// account (`solana-svm 2.1.0, src/account_loader.rs`, `load_transaction_accounts`) and
    /// fails with `UnsupportedProgramId` (`solana-program-runtime 2.1.0,
    /// src/invoke_context.rs`, `push`).
    fn builtin_id(&self, program_id: Pubkey, owner: Pubkey) -> Result<Pubkey, InstructionError> {
        if program_id == native_loader::id()
            && !self.features.remove_accounts_executable_flag_checks()
        {
            Err(InstructionError::UnsupportedProgramId)
        } else if owner == native_loader::id() {
            Ok(program_id)
        } else if owner == bpf_loader::id()
            || owner == bpf_loader_deprecated::id()
            || owner == bpf_loader_upgradeable::id()
            || owner == loader_v4::id()
            || !self.features.remove_accounts_executable_flag_checks()
        {
            Ok(owner)
        } else {
            Err(InstructionError::UnsupportedProgramId)
        }
    }

    /// Runs the current frame's program through its builtin. Mirrors
    /// `solana-program-runtime 4.4.0, src/invoke_context.rs`, `process_executable_chain`.
    fn process_executable_chain(&mut self) -> Result<(), InstructionError> {
        let program_id = self.transaction_context.current_program_id()?;
        let owner = *self
            .transaction_context
            .borrow_current_program_account()?
            .owner();
        let builtin_id = self.builtin_id(program_id, owner)?;
        let entrypoint = self
            .builtins
            .iter()
            .find(|builtin| builtin.program_id == builtin_id && (builtin.enabled)(&self.features))
            .map(|builtin| builtin.entrypoint)
            .ok_or(InstructionError::UnsupportedProgramId)?;
        self.transaction_context.reset_return_data(program_id);
        let stack_height = self.stack_height();
        if let Some(collector) = self.log_collector.as_mut() {
            collector.program_invoke(&program_id, stack_height);
        }
        let remaining_before = self.remaining();
        let result = match entrypoint(self) {
            Ok(()) => {
                if let Some(collector) = self.log_collector.as_mut() {
                    collector.program_success(&program_id);
                }
                Ok(())
            }
            Err(failure) => {
                if let Some(collector) = self.log_collector.as_mut() {
                    collector.program_failure(&program_id, &failure.message);
                }
                Err(failure.error)
            }
        };
        let consumed = remaining_before.saturating_sub(self.remaining());
        if builtin_id == program_id && result.is_ok() && consumed == 0 {
            return Err(InstructionError::BuiltinProgramsMustConsumeComputeUnits);
        }
        result
    }
}
