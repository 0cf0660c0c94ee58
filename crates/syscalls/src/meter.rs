//! Charging the compute meter from a syscall.

use sbfvm_vm::{SyscallError, VmContext};

/// Charges compute units (`consume_checked`: on failure the meter drains).
pub(crate) fn charge(context: &VmContext, amount: u64) -> Result<(), SyscallError> {
    context
        .invoke_context()
        .consume_checked(amount)
        .map_err(SyscallError::Instruction)
}
