//! The Compute Budget program (`ComputeBudget111…`) at the instruction level, as
//! `solana-compute-budget-program 4.4.0, src/lib.rs`: charge [`DEFAULT_COMPUTE_UNITS`]
//! (150) and succeed, whatever the instruction data and accounts. Its instructions
//! (unit limit, unit price, heap frame, loaded-accounts data size) take effect at the
//! transaction level, before execution, where Agave parses them
//! (`solana-compute-budget-instruction 4.4.0`); sbfvm's transaction layer does not read
//! them yet, so here they only cost their units.

use crate::invoke_context::{ExecutionFailure, InvokeContext};

/// Compute units charged by every Compute Budget instruction.
pub(crate) const DEFAULT_COMPUTE_UNITS: u64 = 150;

/// The builtin entrypoint (`declare_process_instruction!(Entrypoint, 150, |_| Ok(()))`).
pub(crate) fn process_instruction(
    invoke_context: &mut InvokeContext,
) -> Result<(), ExecutionFailure> {
    invoke_context.consume_checked(DEFAULT_COMPUTE_UNITS)?;
    Ok(())
}
