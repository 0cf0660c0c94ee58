//! What a transaction did: its result, compute units, logs, return data, accounts after it,
//! and the invoke tree with each frame's units and where they went.

use sbfvm_runtime::transaction::FeeDetails;
use sbfvm_runtime::{Logs, TransactionOutcome};

use sbfvm_runtime::{Account, AccountSharedData, InstructionError, Pubkey, TransactionError};

/// One frame of the invoke tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    /// Position of the frame in the transaction's instruction trace
    /// ([`sbfvm_runtime::TransactionOutcome::trace`]).
    pub trace_index: usize,
    /// The program the frame ran.
    pub program_id: Pubkey,
    /// 1 for a top-level instruction, 2 for a program it invokes, and so on.
    pub stack_height: usize,
    /// Everything this frame consumed, its callees included.
    pub compute_units_consumed: u64,
    /// How the frame ended: `Ok`, or the instruction error it failed with.
    pub result: Result<(), InstructionError>,
    /// Syscalls this frame called itself (name, calls, compute units; a CPI syscall's
    /// units include its callee).
    pub syscalls: Vec<(&'static str, u64, u64)>,
    /// Where this frame's own units went; with the callees' totals it adds up exactly to
    /// `compute_units_consumed`.
    pub cost: Cost,
    /// Wall time of the frame, callees included, of this one run; `None` unless
    /// [`crate::Sbfvm::set_frame_timing`] is on.
    pub wall_time: Option<std::time::Duration>,
    /// Wall time inside each syscall this frame called (a CPI's includes its callee), in
    /// the order of `syscalls`; empty unless [`crate::Sbfvm::set_syscall_timing`] is on.
    pub syscall_time: Vec<(&'static str, std::time::Duration)>,
    /// The frames this one invoked by CPI, in execution order.
    pub invocations: Vec<Invocation>,
}

impl Invocation {
    /// `ok`, or the `{:?}` of the instruction error the frame failed with (as reports and
    /// the bindings show it).
    pub fn result_string(&self) -> String {
        match &self.result {
            Ok(()) => "ok".to_string(),
            Err(error) => format!("{error:?}"),
        }
    }
}

/// A frame's compute units, split by what paid for them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cost {
    /// SBF instructions executed (1 CU each).
    pub instructions: u64,
    /// Syscalls by name, CPI syscalls excluded: (name, calls, units).
    pub syscalls: Vec<(&'static str, u64, u64)>,
    /// What the CPI syscalls charged themselves (base cost and per-byte charges), without
    /// the callees.
    pub cpi: u64,
    /// Charges outside the VM: the heap charge, a builtin's own charge, and the units a VM
    /// fault drains (SIMD-0182).
    pub other: u64,
}

impl Cost {
    /// The frame's own units: instructions, syscalls, CPI charges and other, callees
    /// excluded.
    pub fn total(&self) -> u64 {
        self.instructions
            + self.syscalls.iter().map(|(_, _, units)| units).sum::<u64>()
            + self.cpi
            + self.other
    }
}

pub(crate) use sbfvm_vm::profile::is_cpi_syscall;

/// What one transaction did, with its invoke tree.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Everything the runtime reports: result, compute units, logs, return data, the
    /// instruction trace, and the accounts before and after.
    pub transaction: TransactionOutcome,
    /// The invoke tree: one entry per top-level instruction that ran, its CPIs nested
    /// under it.
    pub invocations: Vec<Invocation>,
}

impl Outcome {
    /// Whether the transaction succeeded.
    pub fn is_ok(&self) -> bool {
        self.transaction.result.is_ok()
    }

    /// The transaction's result; a failed instruction is
    /// `TransactionError::InstructionError(index, error)`.
    pub fn result(&self) -> &Result<(), TransactionError> {
        &self.transaction.result
    }

    /// The result as the scenario format writes it: `ok`, the `{:?}` of the instruction
    /// error, or the `{:?}` of a transaction-level error.
    pub fn result_string(&self) -> String {
        result_string(&self.transaction.result)
    }

    /// The fee a transaction sent with [`crate::Sbfvm::send_transaction`] paid (also when it
    /// failed); `None` for an instruction list, which pays none, and for a transaction
    /// rejected before its fee was charged.
    pub fn fee(&self) -> Option<FeeDetails> {
        self.transaction.fee
    }

    /// The transaction's log lines, as Agave writes them.
    pub fn logs(&self) -> &Logs {
        &self.transaction.logs
    }

    /// Compute units the whole transaction consumed, all its instructions together.
    pub fn compute_units_consumed(&self) -> u64 {
        self.transaction.compute_units_consumed
    }

    /// The return data after the transaction and the program that set it; `None` when
    /// there is none (empty return data is none).
    pub fn return_data(&self) -> Option<(&Pubkey, &[u8])> {
        self.transaction
            .return_data
            .as_ref()
            .map(|data| (&data.program_id, data.data.as_slice()))
    }

    /// A copy of the state after the transaction of an account it referenced;
    /// [`Self::shared_account`] reads it without copying its data.
    pub fn account(&self, key: &Pubkey) -> Option<Account> {
        self.shared_account(key).cloned().map(Account::from)
    }

    /// State after the transaction of an account it referenced, its data shared with the
    /// transaction's result (and, once committed, the store).
    pub fn shared_account(&self, key: &Pubkey) -> Option<&AccountSharedData> {
        let index = self
            .transaction
            .account_keys
            .iter()
            .position(|k| k == key)?;
        self.transaction.accounts_after.get(index)
    }
}

/// `ok`, the `{:?}` of the instruction error, or the `{:?}` of a transaction-level error.
pub fn result_string(result: &Result<(), TransactionError>) -> String {
    match result {
        Ok(()) => "ok".to_string(),
        Err(TransactionError::InstructionError(_, error)) => format!("{error:?}"),
        Err(error) => format!("{error:?}"),
    }
}
