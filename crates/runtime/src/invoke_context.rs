//! The invoke context: everything a running instruction can reach (transaction context,
//! compute meter, feature set, sysvars, logs) and the explicit invoke machinery —
//! `push` → dispatch → `pop` — that top-level instructions and CPIs share.
//!
//! Program execution is delegated through [`ProgramExecutor`], a trait this crate owns and
//! the `vm` crate implements, so the runtime never depends on the VM.

use std::rc::Rc;
use std::sync::Arc;

use solana_instruction_error::InstructionError;
use solana_pubkey::Pubkey;
use solana_sdk_ids::{
    bpf_loader, bpf_loader_deprecated, bpf_loader_upgradeable, loader_v4, native_loader, sysvar,
};

use crate::compute::{ComputeBudget, ComputeMeter};
use crate::features::FeatureSet;
use crate::loader_v3::ProgramDeployments;
use crate::log_collector::LogCollector;
use crate::sysvars::{BlockhashEntry, Sysvars};
use crate::transaction_context::{
    FrameOutcome, IndexOfAccount, InstructionAccount, InstructionFrame, TransactionContext,
};

/// Why a program execution failed: the instruction error it becomes and the text Agave
/// logs after `Program <id> failed: `.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecutionFailure {
    pub error: InstructionError,
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
    pub cpis: u64,
    pub frames: u64,
}

impl InvokeContext {
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

/// A native program implemented in Rust (the System program).
pub type BuiltinFunction = fn(&mut InvokeContext) -> Result<(), InstructionError>;

/// Receives per-frame events; used for reports (wall time, cost attribution). An
/// observer that needs to hand data back shares it through its own `Rc<RefCell<_>>`.
pub trait InvokeObserver {
    fn frame_started(&mut self, _trace_index: usize) {}
    fn frame_finished(&mut self, _trace_index: usize) {}
}

/// The callee of a CPI as the syscall translated it (agave-reference §2 step 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CpiAccountMeta {
    pub pubkey: Pubkey,
    pub is_signer: bool,
    pub is_writable: bool,
}

/// What Agave's `EnvironmentConfig` carries besides the feature set and the sysvar cache:
/// the blockhash durable-nonce instructions advance to and its lamports per signature
/// (`environment_config.blockhash`, `blockhash_lamports_per_signature`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EnvironmentConfig {
    /// `None` (the default) is sbfvm's own environment: the fixed per-slot blockhash of the
    /// Clock sysvar and 5,000 lamports per signature (see [`crate::system_program`]).
    pub blockhash: Option<BlockhashEntry>,
}

impl EnvironmentConfig {
    /// The blockhash and lamports per signature in effect under `sysvars`.
    pub fn blockhash(&self, sysvars: &Sysvars) -> BlockhashEntry {
        self.blockhash.unwrap_or_else(|| BlockhashEntry {
            blockhash: crate::system_program::environment_blockhash(sysvars.clock.slot),
            lamports_per_signature: crate::system_program::LAMPORTS_PER_SIGNATURE,
        })
    }
}

/// Agave returned `NotEnoughAccountKeys` where it now returns `MissingAccount` until
/// agave#8001 (merged 2025-09-13, Agave 3.1), which is not feature-gated. The feature that
/// brackets it is SIMD-0339 `increase_cpi_account_info_limit` (agave#8513, opened
/// 2025-10-16 on top of it; active on mainnet since slot 403,056,000): when it is active
/// every validator runs code with the change. The Dec-2024 fixtures (Agave 2.1) never list
/// it, and they expect `NotEnoughAccountKeys`.
fn legacy_not_enough_account_keys(features: &FeatureSet) -> bool {
    !features.increase_cpi_account_info_limit()
}

pub struct InvokeContext {
    /// The blockhash environment (Agave's `EnvironmentConfig`); sbfvm's own by default.
    pub environment: EnvironmentConfig,
    pub transaction_context: TransactionContext,
    pub compute_meter: ComputeMeter,
    pub budget: ComputeBudget,
    pub features: Arc<FeatureSet>,
    pub sysvars: Arc<Sysvars>,
    pub log_collector: Option<LogCollector>,
    /// sbfvm's own notes about the run (never part of Agave's logs), e.g. which unresolved
    /// syscall a program called.
    pub diagnostics: Vec<String>,
    /// Wall time per execution phase, when profiling is on (`Runtime::profile_phases`).
    pub phase_times: Option<Box<PhaseTimes>>,
    /// Program-cache state beyond loaded programs: deployments not yet visible, closed
    /// programs, and what this transaction changed (see [`crate::loader_v3`]).
    pub program_deployments: ProgramDeployments,
    executor: Rc<dyn ProgramExecutor>,
    builtins: Arc<Vec<(Pubkey, BuiltinFunction)>>,
    /// Frame outcomes keyed by trace index.
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
    pub fn new(
        transaction_context: TransactionContext,
        budget: ComputeBudget,
        features: Arc<FeatureSet>,
        sysvars: Arc<Sysvars>,
        executor: Rc<dyn ProgramExecutor>,
        builtins: Arc<Vec<(Pubkey, BuiltinFunction)>>,
    ) -> Self {
        let mut transaction_context = transaction_context;
        // Older account rules and error codes selected by the feature set (see the
        // transaction_context module docs).
        transaction_context.set_remove_accounts_executable_flag_checks(
            features.remove_accounts_executable_flag_checks(),
        );
        transaction_context.set_not_enough_account_keys(legacy_not_enough_account_keys(&features));
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
            program_deployments: ProgramDeployments::default(),
            executor,
            builtins,
            observer: None,
        }
    }

    /// The executor that runs loader-owned programs.
    pub(crate) fn executor(&self) -> Rc<dyn ProgramExecutor> {
        Rc::clone(&self.executor)
    }

    pub fn set_observer(&mut self, observer: Option<Box<dyn InvokeObserver>>) {
        self.observer = observer;
    }

    pub fn take_observer(&mut self) -> Option<Box<dyn InvokeObserver>> {
        self.observer.take()
    }

    // ----- compute -----

    pub fn remaining(&self) -> u64 {
        self.compute_meter.remaining()
    }

    pub fn consume(&self, amount: u64) {
        self.compute_meter.consume(amount)
    }

    pub fn consume_checked(&self, amount: u64) -> Result<(), InstructionError> {
        self.compute_meter.consume_checked(amount)
    }

    // ----- logs -----

    pub fn log(&mut self, message: String) {
        if let Some(collector) = self.log_collector.as_mut() {
            collector.log(message);
        }
    }

    pub fn logs(&self) -> &[String] {
        self.log_collector
            .as_ref()
            .map(|collector| collector.messages())
            .unwrap_or(&[])
    }

    // ----- frames -----

    pub fn stack_height(&self) -> usize {
        self.transaction_context.stack_height()
    }

    pub fn current_program_id(&self) -> Result<Pubkey, InstructionError> {
        self.transaction_context.current_program_id()
    }

    /// Owner of the currently executing program account (its loader).
    pub fn current_loader_id(&self) -> Result<Pubkey, InstructionError> {
        Ok(self
            .transaction_context
            .borrow_current_program_account()?
            .owner)
    }

    /// Whether pointers must be aligned: false only for programs of the deprecated loader.
    pub fn check_aligned(&self) -> bool {
        self.current_loader_id()
            .map(|loader| loader != bpf_loader_deprecated::id())
            .unwrap_or(true)
    }

    /// Builds the callee frame of a CPI and checks privileges (agave-reference §2 step 5).
    pub fn prepare_next_cpi_instruction(
        &mut self,
        program_id: &Pubkey,
        metas: &[CpiAccountMeta],
        data: Vec<u8>,
        signers: &[Pubkey],
    ) -> Result<InstructionFrame, InstructionError> {
        let context = &self.transaction_context;
        let caller = context.current_frame()?;
        // 1. Every meta must name a transaction account; duplicates merge privileges.
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
        // 3. Privileges of non-duplicate accounts may only narrow the caller's.
        for position in 0..accounts.len() {
            if first_occurrence[position] as usize != position {
                continue;
            }
            let callee_account = accounts[position];
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
        // 4. The program must be a transaction account that the caller holds.
        let context = &self.transaction_context;
        let caller = context.current_frame()?;
        let program_account_index = context
            .find_index_of_account(program_id)
            .filter(|index| caller.position_of_transaction_account(*index).is_some());
        let Some(program_account_index) = program_account_index else {
            self.log(format!("Unknown program {program_id}"));
            return Err(InstructionError::MissingAccount);
        };
        // 5. Before SIMD-0162 the callee program account must be executable (Agave 2.1
        //    `prepare_instruction`: "Find and validate executables / program accounts").
        if !self.features.remove_accounts_executable_flag_checks()
            && !self
                .transaction_context
                .borrow_account(program_account_index)?
                .executable
        {
            self.log(format!("Account {program_id} is not executable"));
            return Err(InstructionError::AccountNotExecutable);
        }
        Ok(InstructionFrame::with_first_occurrence(
            program_account_index,
            accounts,
            first_occurrence,
            data,
        ))
    }

    /// Pushes a frame (a CPI frame, or `None` for the next top-level instruction),
    /// including the Instructions sysvar update.
    pub fn push(&mut self, frame: Option<InstructionFrame>) -> Result<usize, InstructionError> {
        let trace_index = self.transaction_context.push(frame)?;
        if let Some(index) = self
            .transaction_context
            .find_index_of_account(&sysvar::instructions::id())
        {
            self.update_instructions_sysvar(index)?;
        }
        Ok(trace_index)
    }

    fn update_instructions_sysvar(
        &mut self,
        index: IndexOfAccount,
    ) -> Result<(), InstructionError> {
        let context = &self.transaction_context;
        let top_level_index = context.top_level_instructions_started().saturating_sub(1) as u16;
        let account = context.borrow_account(index)?;
        if account.owner != sysvar::id() {
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
                // A CPI that fails after being appended to the trace (CallDepth) is still
                // an inner instruction; record why it never ran.
                if self.transaction_context.trace().len() > trace_length {
                    let last = self.transaction_context.trace().len() - 1;
                    if let Some(frame) = self.transaction_context.frame_mut(last) {
                        frame.outcome = Some(FrameOutcome {
                            compute_units_consumed: 0,
                            result: Err(error.clone()),
                        });
                    }
                }
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

    fn process_executable_chain(&mut self) -> Result<(), InstructionError> {
        let (program_id, owner) = {
            let program = self.transaction_context.borrow_current_program_account()?;
            (
                self.transaction_context.current_program_id()?,
                program.owner,
            )
        };
        enum Target {
            Builtin(BuiltinFunction),
            Loader,
        }
        let target = if owner == native_loader::id() {
            let builtin = self
                .builtins
                .iter()
                .find(|(id, _)| *id == program_id)
                .map(|(_, function)| *function)
                .ok_or(InstructionError::UnsupportedProgramId)?;
            Target::Builtin(builtin)
        } else if owner == bpf_loader::id()
            || owner == bpf_loader_deprecated::id()
            || owner == bpf_loader_upgradeable::id()
        {
            Target::Loader
        } else if owner == loader_v4::id() {
            // Loader-v4 is not enabled on mainnet, so it has no builtin.
            return Err(InstructionError::UnsupportedProgramId);
        } else if !self.features.remove_accounts_executable_flag_checks() {
            // Before SIMD-0162 any owner is the builtin key (Agave 2.1
            // `process_executable_chain`: `builtin_id = owner_id`), so a builtin registered
            // under the owner's id runs; otherwise the program cache has no entry.
            let builtin = self
                .builtins
                .iter()
                .find(|(id, _)| *id == owner)
                .map(|(_, function)| *function)
                .ok_or(InstructionError::UnsupportedProgramId)?;
            Target::Builtin(builtin)
        } else {
            return Err(InstructionError::UnsupportedProgramId);
        };
        self.transaction_context.reset_return_data(program_id);
        let stack_height = self.stack_height();
        if let Some(collector) = self.log_collector.as_mut() {
            collector.program_invoke(&program_id, stack_height);
        }
        let remaining_before = self.remaining();
        let result = match target {
            Target::Builtin(function) => function(self).map_err(ExecutionFailure::from),
            Target::Loader => crate::loader_v3::check_program_deployed(self).and_then(|()| {
                let executor = Rc::clone(&self.executor);
                executor.execute(self)
            }),
        };
        let result = match result {
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
        if owner == native_loader::id() && result.is_ok() && consumed == 0 {
            return Err(InstructionError::BuiltinProgramsMustConsumeComputeUnits);
        }
        result
    }
}

impl TransactionContext {
    /// Writes the current top-level instruction index into the last two bytes of the
    /// Instructions sysvar (runtime-owned, so no modification rules apply).
    pub(crate) fn write_instructions_sysvar_index(
        &self,
        index: IndexOfAccount,
        top_level_index: u16,
    ) -> Result<(), InstructionError> {
        let mut account = self.borrow_account_mut_unchecked(index)?;
        let len = account.data.len();
        if len >= 2 {
            account.data[len - 2..].copy_from_slice(&top_level_index.to_le_bytes());
        }
        Ok(())
    }
}

/// `prepare_next_cpi_instruction` against Agave 4.4 `InvokeContext::prepare_next_cpi_instruction`
/// (program-runtime `invoke_context.rs`): key lookup, deduplication with privileges OR-ed
/// over every occurrence, one privilege check per distinct account, then the program.
#[cfg(test)]
mod cpi_privilege_tests {
    use super::*;
    use crate::sysvars::RentParams;
    use solana_account::Account;

    struct NoPrograms;
    impl ProgramExecutor for NoPrograms {
        fn execute(&self, _: &mut InvokeContext) -> Result<(), ExecutionFailure> {
            Err(ExecutionFailure::program_failed("no programs here"))
        }
    }

    fn key(n: u8) -> Pubkey {
        Pubkey::new_from_array([n; 32])
    }

    const CALLEE: u8 = 0xB0;
    const CALLER: u8 = 0xA0;

    /// Transaction accounts keys 1..=4 (indices 0..=3), the callee (index 4) and the caller
    /// (index 5). The caller's instruction: key 1 (signer, writable), key 2 (writable),
    /// key 3 (read-only) and the callee (read-only); key 4 is not in it.
    fn context() -> InvokeContext {
        let account = |owner: Pubkey, executable: bool| Account {
            lamports: 1,
            data: vec![],
            owner,
            executable,
            rent_epoch: 0,
        };
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
        let mut transaction_context =
            TransactionContext::new(accounts, RentParams::default(), 5, 64);
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
            Arc::new(FeatureSet::mainnet()),
            Arc::new(Sysvars::default()),
            Rc::new(NoPrograms),
            Arc::new(vec![]),
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
        let mut ic = context();
        // Key 3 is read-only in the caller; only the later occurrences ask for writable.
        let metas = [
            meta(3, false, false),
            meta(3, false, true),
            meta(3, false, true),
        ];
        assert_eq!(
            ic.prepare_next_cpi_instruction(&key(CALLEE), &metas, vec![], &[])
                .unwrap_err(),
            InstructionError::PrivilegeEscalation
        );
        assert_eq!(
            ic.logs(),
            &[format!("{}'s writable privilege escalated", key(3))]
        );
        // Key 2 (writable, not a signer): a later signer flag escalates the first one.
        let mut ic = context();
        let metas = [meta(2, false, true), meta(2, true, false)];
        assert_eq!(
            ic.prepare_next_cpi_instruction(&key(CALLEE), &metas, vec![], &[])
                .unwrap_err(),
            InstructionError::PrivilegeEscalation
        );
        assert_eq!(
            ic.logs(),
            &[format!("{}'s signer privilege escalated", key(2))]
        );
        // Writable is checked before signer.
        let mut ic = context();
        let metas = [meta(3, true, true)];
        assert!(ic
            .prepare_next_cpi_instruction(&key(CALLEE), &metas, vec![], &[])
            .is_err());
        assert_eq!(
            ic.logs(),
            &[format!("{}'s writable privilege escalated", key(3))]
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
        let mut ic = context();
        assert_eq!(
            ic.prepare_next_cpi_instruction(&key(CALLEE), &metas, vec![], &[key(3)])
                .unwrap_err(),
            InstructionError::PrivilegeEscalation
        );
        assert_eq!(
            ic.logs(),
            &[format!("{}'s signer privilege escalated", key(2))]
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
        let mut ic = context();
        let metas = [meta(3, false, true), meta(9, false, false)];
        assert_eq!(
            ic.prepare_next_cpi_instruction(&key(CALLEE), &metas, vec![], &[])
                .unwrap_err(),
            InstructionError::MissingAccount
        );
        assert_eq!(
            ic.logs(),
            &[format!(
                "Instruction references an unknown account {}",
                key(9)
            )]
        );
        // In the transaction but not in the caller's instruction: no log.
        let mut ic = context();
        assert_eq!(
            ic.prepare_next_cpi_instruction(&key(CALLEE), &[meta(4, false, false)], vec![], &[])
                .unwrap_err(),
            InstructionError::MissingAccount
        );
        assert!(ic.logs().is_empty());
    }

    #[test]
    fn the_program_must_be_a_caller_account_and_is_checked_last() {
        for program in [key(9), key(4), key(CALLER)] {
            let mut ic = context();
            assert_eq!(
                ic.prepare_next_cpi_instruction(&program, &[meta(1, true, true)], vec![], &[])
                    .unwrap_err(),
                InstructionError::MissingAccount
            );
            assert_eq!(ic.logs(), &[format!("Unknown program {program}")]);
        }
        let mut ic = context();
        assert_eq!(
            ic.prepare_next_cpi_instruction(&key(9), &[meta(3, false, true)], vec![], &[])
                .unwrap_err(),
            InstructionError::PrivilegeEscalation
        );
        // Any caller account will do (no executable check), and it need not be in the metas.
        let mut ic = context();
        let frame = ic
            .prepare_next_cpi_instruction(&key(3), &[], vec![], &[])
            .unwrap();
        assert_eq!((frame.program_account_index, frame.accounts.len()), (2, 0));
    }
}

/// Behaviour selected by an older feature set: the executable checks of Agave 2.1
/// (`prepare_instruction`, `process_executable_chain`) while SIMD-0162 is inactive.
#[cfg(test)]
mod simd_0162_inactive_tests {
    use super::*;
    use crate::features::ids;
    use crate::sysvars::RentParams;
    use solana_account::Account;

    struct NoPrograms;
    impl ProgramExecutor for NoPrograms {
        fn execute(&self, _: &mut InvokeContext) -> Result<(), ExecutionFailure> {
            Err(ExecutionFailure::program_failed("no programs here"))
        }
    }

    fn key(n: u8) -> Pubkey {
        Pubkey::new_from_array([n; 32])
    }

    fn echo_builtin(invoke_context: &mut InvokeContext) -> Result<(), InstructionError> {
        invoke_context.consume_checked(1)?;
        invoke_context.log("echo ran".to_string());
        Ok(())
    }

    /// Accounts: key 1 (owned by the caller), a non-executable key 2 owned by key 3, the
    /// builtin key 3 (native loader), and the caller key 4, with the instruction
    /// [1, 2, 3] of program 4.
    fn context(simd_0162: bool) -> InvokeContext {
        let account = |owner: Pubkey, executable: bool| Account {
            lamports: 1,
            data: vec![],
            owner,
            executable,
            rent_epoch: 0,
        };
        let accounts = vec![
            (key(1), account(key(4), false)),
            (key(2), account(key(3), false)),
            (key(3), account(native_loader::id(), true)),
            (key(4), account(bpf_loader_upgradeable::id(), true)),
        ];
        let mut transaction_context =
            TransactionContext::new(accounts, RentParams::default(), 5, 64);
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
            Arc::new(features),
            Arc::new(Sysvars::default()),
            Rc::new(NoPrograms),
            Arc::new(vec![(key(3), echo_builtin as BuiltinFunction)]),
        );
        invoke_context.push(None).unwrap();
        invoke_context
    }

    #[test]
    fn a_non_executable_callee_is_refused() {
        let mut ic = context(false);
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
        let mut ic = context(true);
        ic.prepare_next_cpi_instruction(&key(1), &[], vec![], &[])
            .unwrap();
    }

    #[test]
    fn the_owner_is_the_builtin_key() {
        // Key 2 is owned by the builtin key 3: before SIMD-0162 that builtin runs for it.
        let mut ic = context(false);
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
        let mut ic = context(true);
        assert_eq!(
            ic.process_instruction(Some(InstructionFrame::new(1, vec![], vec![]))),
            Err(InstructionError::UnsupportedProgramId)
        );
    }
}
