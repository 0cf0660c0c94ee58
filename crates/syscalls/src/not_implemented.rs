//! Syscalls Agave registers on mainnet that sbfvm does not implement. They are registered
//! so programs importing them load (with a warning); calling one fails with an error that
//! names it, never with a silently different result.

use std::marker::PhantomData;

use sbfvm_vm::{Syscall, SyscallError, SyscallName, SyscallResult, VmContext};

/// A stub that fails with `NotImplemented(N::NAME)`, charging nothing.
pub struct NotImplemented<N>(PhantomData<N>);

impl<N: SyscallName> Syscall for NotImplemented<N> {
    type Arguments = [u64; 0];
    fn call(_: &mut VmContext, _: [u64; 0]) -> SyscallResult {
        Err(SyscallError::NotImplemented(N::NAME))
    }
}
