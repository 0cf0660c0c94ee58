//! `sol_invoke_signed_c` and `sol_invoke_signed_rust`: cross-program invocation.
//! Being implemented in the next issue; until then both fail loudly by name.

use sbfvm_vm::{Syscall, SyscallError, VmContext};

pub struct InvokeSignedC;
impl Syscall for InvokeSignedC {
    fn call(
        _: &mut VmContext,
        _: u64,
        _: u64,
        _: u64,
        _: u64,
        _: u64,
    ) -> Result<u64, SyscallError> {
        Err(SyscallError::NotImplemented("sol_invoke_signed_c"))
    }
}

pub struct InvokeSignedRust;
impl Syscall for InvokeSignedRust {
    fn call(
        _: &mut VmContext,
        _: u64,
        _: u64,
        _: u64,
        _: u64,
        _: u64,
    ) -> Result<u64, SyscallError> {
        Err(SyscallError::NotImplemented("sol_invoke_signed_rust"))
    }
}
