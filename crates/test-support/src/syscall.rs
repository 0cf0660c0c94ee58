//! One syscall called directly ([`invoke_syscall`]), and the stub environment.

use std::sync::Arc;

use sbfvm_runtime::InvokeContext;
use sbfvm_vm::{EnvironmentOptions, LoadError, ProgramEnvironment, SbpfVersion};
use solana_sbpf::{error::ProgramResult, program::SBPFVersion, vm::EbpfVm};

use crate::mapping::{with_mapping, FrameSetup, Layout, MappedMemory};
use crate::memory::HarnessMemory;
use crate::program::{program_result, VmFault};

/// What one direct syscall call did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyscallOutcome {
    /// The environment has no syscall of that name (nothing ran).
    NotRegistered,
    /// The syscall returned this `r0`.
    Returned(u64),
    /// The syscall failed.
    Failed(VmFault),
}

/// Calls the syscall `name` of `environment` once with `registers[1..=5]` as its arguments,
/// on `memory` (mapped per the environment) and `invoke_context` (its compute meter, logs,
/// accounts and return data). `registers[0]` and `[6..=10]` are loaded into the VM, but no
/// bytecode runs. Fails only when the memory cannot be mapped (for example several input
/// regions under the aligned mapping).
pub fn invoke_syscall(
    environment: &ProgramEnvironment,
    name: &str,
    memory: &mut HarnessMemory,
    invoke_context: &mut InvokeContext,
    frame: &FrameSetup,
    registers: [u64; 11],
) -> Result<SyscallOutcome, LoadError> {
    let loader = environment.sbpf_loader();
    let Some((_, (function, _))) = loader
        .get_function_registry()
        .lookup_by_name(name.as_bytes())
    else {
        return Ok(SyscallOutcome::NotRegistered);
    };
    let version = SBPFVersion::V0;
    let stack_len = memory.stack.len();
    let mapped = MappedMemory::own(memory);
    let layout = Layout::of(environment, version);
    with_mapping(invoke_context, mapped, &layout, frame.clone(), |context| {
        let mut vm = EbpfVm::new(Arc::clone(loader), version, context, stack_len);
        vm.registers[..11].copy_from_slice(&registers);
        vm.invoke_function(function);
        match program_result(std::mem::replace(
            &mut vm.program_result,
            ProgramResult::Ok(0),
        )) {
            Ok(value) => SyscallOutcome::Returned(value),
            Err(fault) => SyscallOutcome::Failed(fault),
        }
    })
    .map_err(|error| LoadError::Registration(format!("memory mapping: {error}")))
}

/// The environment options the harnesses run raw SBPF v0 text with: SBPF v0 only, 64 call
/// frames of 4 KiB, the aligned mapping (no virtual address space adjustments) and lenient
/// ELF checks, as Agave 2.1 configured its VM.
pub fn sbpf_v0_options() -> EnvironmentOptions {
    EnvironmentOptions {
        max_call_depth: 64,
        stack_frame_size: 4096,
        min_sbpf_version: SbpfVersion::V0,
        max_sbpf_version: SbpfVersion::V0,
        virtual_address_space_adjustments: false,
        reject_broken_elfs: false,
    }
}

/// An environment in which every name of `names` is registered under its usual key as a
/// stub that returns 0 and charges nothing (Firedancer's `vm_interp`, with
/// `sbfvm_syscalls::SYSCALL_NAMES`).
pub fn stub_syscall_environment(
    options: EnvironmentOptions,
    names: &[&'static str],
) -> Result<ProgramEnvironment, LoadError> {
    ProgramEnvironment::new(options, |registry| {
        names
            .iter()
            .try_for_each(|name| registry.register_stub(name))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_invoke_context;
    use sbfvm_runtime::Pubkey;
    use sbfvm_vm::SyscallSupport;

    /// A few syscall names (the syscalls crate's tests register its whole table).
    const NAMES: &[&str] = &["abort", "sol_log_", "sol_memcpy_"];

    #[test]
    fn stub_environment_registers_every_name() {
        let environment = stub_syscall_environment(sbpf_v0_options(), NAMES).unwrap();
        for name in NAMES {
            assert_eq!(
                environment.syscall_support(name),
                Some(SyscallSupport::Implemented),
                "{name}"
            );
        }
    }

    #[test]
    fn invoke_syscall_calls_a_registered_stub() {
        let environment = stub_syscall_environment(sbpf_v0_options(), NAMES).unwrap();
        let mut memory = HarnessMemory::new(&[0; 8], 64 * 4096, 16);
        let mut invoke_context = test_invoke_context(10);
        let frame = FrameSetup::aligned(Pubkey::default());
        let outcome = invoke_syscall(
            &environment,
            "sol_log_",
            &mut memory,
            &mut invoke_context,
            &frame,
            [0; 11],
        )
        .unwrap();
        assert_eq!(outcome, SyscallOutcome::Returned(0));
        let missing = invoke_syscall(
            &environment,
            "no_such_syscall",
            &mut memory,
            &mut invoke_context,
            &frame,
            [0; 11],
        )
        .unwrap();
        assert_eq!(missing, SyscallOutcome::NotRegistered);
    }

    #[test]
    fn several_input_regions_cannot_be_mapped_aligned() {
        let environment = stub_syscall_environment(sbpf_v0_options(), NAMES).unwrap();
        let mut memory = HarnessMemory::new(&[], 4096, 0);
        memory.push_input_region(&[1], true);
        memory.push_input_region(&[2], true);
        let result = invoke_syscall(
            &environment,
            "sol_log_",
            &mut memory,
            &mut test_invoke_context(10),
            &FrameSetup::aligned(Pubkey::default()),
            [0; 11],
        );
        assert!(
            matches!(result, Err(LoadError::Registration(_))),
            "{result:?}"
        );
    }
}
