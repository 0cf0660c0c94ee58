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
use crate::log_collector::LogCollector;
use crate::sysvars::Sysvars;
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

/// Runs programs owned by the BPF loaders. Implemented by the `vm` crate.
pub trait ProgramExecutor {
    /// Executes the program of the current frame of `invoke_context`.
    fn execute(&self, invoke_context: &mut InvokeContext) -> Result<(), ExecutionFailure>;
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

pub struct InvokeContext {
    pub transaction_context: TransactionContext,
    pub compute_meter: ComputeMeter,
    pub budget: ComputeBudget,
    pub features: Arc<FeatureSet>,
    pub sysvars: Arc<Sysvars>,
    pub log_collector: Option<LogCollector>,
    /// sbfvm's own notes about the run (never part of Agave's logs), e.g. which unresolved
    /// syscall a program called.
    pub diagnostics: Vec<String>,
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
        Self {
            transaction_context,
            compute_meter: ComputeMeter::new(budget.compute_unit_limit),
            budget,
            features,
            sysvars,
            log_collector: Some(LogCollector::default()),
            diagnostics: Vec::new(),
            executor,
            builtins,
            observer: None,
        }
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
        let mut frame = InstructionFrame::new(program_account_index, accounts, data);
        frame.first_occurrence = first_occurrence;
        Ok(frame)
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
            Target::Loader => {
                let executor = Rc::clone(&self.executor);
                executor.execute(self)
            }
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
