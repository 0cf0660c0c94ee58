//! The compute meter and budget constants (`solana-compute-budget 4.4.0,
//! src/compute_budget.rs`, `solana-program-runtime 4.4.0, src/execution_budget.rs`).
//!
//! One meter serves a whole transaction: a CPI callee draws from the same meter as its
//! caller, so there is no per-frame sub-budget.

use std::cell::Cell;

use solana_instruction_error::InstructionError;

/// Compute budget limits and per-operation costs (`SVMTransactionExecutionBudget` and
/// `SVMTransactionExecutionCost` defaults of Agave 4.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComputeBudget {
    /// Compute units the transaction may consume.
    pub compute_unit_limit: u64,
    /// Deepest instruction stack (top level = 1): 5, or 9 with SIMD-0268.
    pub max_instruction_stack_depth: usize,
    /// Most instructions (top level and CPIs) one transaction may trace.
    pub max_instruction_trace_length: usize,
    /// Most slices one hashing syscall may hash.
    pub sha256_max_slices: u64,
    /// Deepest SBF call stack of one program run.
    pub max_call_depth: usize,
    /// Bytes of one SBF stack frame.
    pub stack_frame_size: usize,
    /// Bytes of an SBF program's heap.
    pub heap_size: u32,
    /// Cost of `sol_log_64_`.
    pub log_64_units: u64,
    /// Cost of `sol_log_pubkey`.
    pub log_pubkey_units: u64,
    /// Base cost of the syscalls priced per call.
    pub syscall_base_cost: u64,
    /// Cost of `sol_remaining_compute_units`.
    pub get_remaining_compute_units_cost: u64,
    /// Base cost of the sysvar getters (plus the sysvar's size).
    pub sysvar_base_cost: u64,
    /// Cost of one program-address derivation.
    pub create_program_address_units: u64,
    /// Base cost of a CPI.
    pub invoke_units: u64,
    /// CPI data bytes per compute unit charged.
    pub cpi_bytes_per_unit: u64,
    /// Minimum cost of the `sol_mem*` syscalls.
    pub mem_op_base_cost: u64,
    /// Base cost of a hashing syscall.
    pub sha256_base_cost: u64,
    /// Hashing cost per two bytes hashed.
    pub sha256_byte_cost: u64,
    /// Cost of each 32 KiB of heap beyond the first.
    pub heap_cost: u64,
    /// Largest CPI instruction (metas and data) under the rule before
    /// `loosen_cpi_size_restriction`.
    pub max_cpi_instruction_size: usize,
}

/// Default compute-unit limit per top-level instruction.
pub const DEFAULT_COMPUTE_UNIT_LIMIT: u64 = 200_000;
/// The most a transaction may request.
pub const MAX_COMPUTE_UNIT_LIMIT: u64 = 1_400_000;
/// Default heap (32 KiB) and the largest that may be requested (256 KiB).
pub const DEFAULT_HEAP_SIZE: u32 = 32 * 1024;
/// The largest heap a transaction may request.
pub const MAX_HEAP_FRAME_BYTES: u32 = 256 * 1024;

impl Default for ComputeBudget {
    fn default() -> Self {
        Self {
            compute_unit_limit: DEFAULT_COMPUTE_UNIT_LIMIT,
            max_instruction_stack_depth: 5,
            max_instruction_trace_length: 64,
            sha256_max_slices: 20_000,
            max_call_depth: 64,
            stack_frame_size: 4_096,
            heap_size: DEFAULT_HEAP_SIZE,
            log_64_units: 100,
            log_pubkey_units: 100,
            syscall_base_cost: 100,
            get_remaining_compute_units_cost: 100,
            sysvar_base_cost: 100,
            create_program_address_units: 1_500,
            invoke_units: 946,
            cpi_bytes_per_unit: 250,
            mem_op_base_cost: 10,
            sha256_base_cost: 85,
            sha256_byte_cost: 1,
            heap_cost: 8,
            max_cpi_instruction_size: 1_280,
        }
    }
}

impl ComputeBudget {
    /// Heap charge per execution: one `heap_cost` per 32 KiB page beyond the first.
    pub fn heap_charge(&self) -> u64 {
        let pages = u64::from(self.heap_size).div_ceil(32 * 1024);
        pages.saturating_sub(1).saturating_mul(self.heap_cost)
    }
}

/// The transaction-wide compute meter. Interior mutability lets the VM's context object
/// and the runtime share it without aliasing `&mut`.
#[derive(Debug, Default)]
pub struct ComputeMeter {
    remaining: Cell<u64>,
}

impl ComputeMeter {
    /// A meter holding `limit` units.
    pub fn new(limit: u64) -> Self {
        Self {
            remaining: Cell::new(limit),
        }
    }

    /// Units left.
    pub fn remaining(&self) -> u64 {
        self.remaining.get()
    }

    /// Consumes `amount`, saturating at zero: the VM's instruction meter uses this form.
    pub fn consume(&self, amount: u64) {
        self.remaining
            .set(self.remaining.get().saturating_sub(amount));
    }

    /// Consumes `amount` or, when it cannot be paid, drains the meter and fails
    /// (Agave's `consume_checked`).
    pub fn consume_checked(&self, amount: u64) -> Result<(), InstructionError> {
        let remaining = self.remaining.get();
        if remaining < amount {
            self.remaining.set(0);
            return Err(InstructionError::ComputationalBudgetExceeded);
        }
        self.remaining.set(remaining - amount);
        Ok(())
    }

    /// Sets the units left (for harnesses that start from a fixture's value).
    pub fn set_remaining(&self, remaining: u64) {
        self.remaining.set(remaining);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consume_checked_saturates_on_failure() {
        let meter = ComputeMeter::new(10);
        meter.consume_checked(4).unwrap();
        assert_eq!(meter.remaining(), 6);
        assert_eq!(
            meter.consume_checked(7),
            Err(InstructionError::ComputationalBudgetExceeded)
        );
        assert_eq!(meter.remaining(), 0);
    }

    #[test]
    fn heap_charge_per_extra_page() {
        let mut budget = ComputeBudget::default();
        assert_eq!(budget.heap_charge(), 0);
        budget.heap_size = 256 * 1024;
        assert_eq!(budget.heap_charge(), 7 * 8);
    }
}
