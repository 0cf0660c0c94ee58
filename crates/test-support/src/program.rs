//! Raw program text and ELF images: [`TextProgram`] + [`run_program`] and [`load_elf`].

use std::sync::Arc;

use sbfvm_runtime::InvokeContext;
use sbfvm_vm::{interpret, ExecutionMode, LoadError, ProgramEnvironment, SyscallError, VmContext};
use solana_sbpf::{
    ebpf::{self, MM_BYTECODE_START},
    elf::Executable,
    error::{EbpfError, ProgramResult},
    program::{FunctionRegistry, SBPFVersion},
    verifier::RequisiteVerifier,
    vm::{CallFrame, EbpfVm},
};

use crate::mapping::{with_mapping, FrameSetup, Layout, MappedMemory};
use crate::memory::{HarnessMemory, INPUT_START, STACK_START};

/// `murmur3_32(bytes, seed 0)`: the key of a syscall (`bytes` = its name) or, in SBPF v0,
/// of an internal function (`bytes` = its pc as a little-endian `u64`).
pub fn symbol_hash(bytes: &[u8]) -> u32 {
    ebpf::hash_symbol_name(bytes)
}

/// The SBPF v0 key of an internal function at `pc`.
pub fn pc_hash(pc: u64) -> u32 {
    symbol_hash(&pc.to_le_bytes())
}

/// r0..r10 as the harnesses start a program: `r1` at the input, `r10` at the top of the
/// first 4 KiB stack frame, and r0, r2..=r9 from `r0_and_r2_to_r9`.
pub fn entry_registers(r0_and_r2_to_r9: [u64; 9]) -> [u64; 11] {
    let mut registers = [0u64; 11];
    registers[0] = r0_and_r2_to_r9[0];
    registers[1] = INPUT_START;
    registers[2..10].copy_from_slice(&r0_and_r2_to_r9[1..]);
    registers[10] = STACK_START + 4096;
    registers
}

/// A VM fault, mirroring solana-sbpf's `EbpfError` without its payloads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VmFault {
    /// `ElfError`: the ELF could not be loaded.
    ElfError,
    /// `FunctionAlreadyRegistered`: a function key was registered twice.
    FunctionAlreadyRegistered,
    /// `CallDepthExceeded`: a call went deeper than the maximum BPF-to-BPF call depth.
    CallDepthExceeded,
    /// `ExitRootCallFrame`: an exit from the root call frame (solana-sbpf 0.26 never raises
    /// it).
    ExitRootCallFrame,
    /// `DivideByZero`: a division or remainder by zero.
    DivideByZero,
    /// `DivideOverflow`: a signed division or remainder that overflows (`MIN / -1`).
    DivideOverflow,
    /// `ExecutionOverrun`: execution ran past the end of the text segment.
    ExecutionOverrun,
    /// `CallOutsideTextSegment`: a call to an address outside the text segment.
    CallOutsideTextSegment,
    /// `ExceededMaxInstructions`: the compute meter ran out.
    ExceededMaxInstructions,
    /// `JitNotCompiled`: JIT execution of a program that was not compiled.
    JitNotCompiled,
    /// `InvalidMemoryRegion`: an invalid memory region index or virtual address space.
    InvalidMemoryRegion,
    /// `AccessViolation`: a load or store outside the mapped regions or against their
    /// permissions.
    AccessViolation,
    /// `StackAccessViolation`: an access violation in the stack region (such as a gap
    /// between frames).
    StackAccessViolation,
    /// `InvalidInstruction`: an instruction with an invalid operand (such as a byte swap of
    /// a width other than 16, 32 or 64).
    InvalidInstruction,
    /// `UnsupportedInstruction`: an instruction the SBPF version does not support, or a
    /// call to a key no syscall or function is registered under.
    UnsupportedInstruction,
    /// `ExhaustedTextSegment`: JIT compilation ran out of room for machine code.
    ExhaustedTextSegment,
    /// `LibcInvocationFailed`: a libc call of the JIT (memory allocation, protection)
    /// failed.
    LibcInvocationFailed,
    /// `VerifierError`: the verifier rejected the program.
    VerifierError,
    /// A syscall failed with an error of sbfvm-vm.
    Syscall(SyscallError),
    /// A syscall failed with an error of another type (its text).
    OtherSyscall(String),
}

impl VmFault {
    pub(crate) fn from_ebpf(error: EbpfError) -> Self {
        match error {
            EbpfError::ElfError(_) => VmFault::ElfError,
            EbpfError::FunctionAlreadyRegistered(_) => VmFault::FunctionAlreadyRegistered,
            EbpfError::CallDepthExceeded => VmFault::CallDepthExceeded,
            EbpfError::ExitRootCallFrame => VmFault::ExitRootCallFrame,
            EbpfError::DivideByZero => VmFault::DivideByZero,
            EbpfError::DivideOverflow => VmFault::DivideOverflow,
            EbpfError::ExecutionOverrun => VmFault::ExecutionOverrun,
            EbpfError::CallOutsideTextSegment => VmFault::CallOutsideTextSegment,
            EbpfError::ExceededMaxInstructions => VmFault::ExceededMaxInstructions,
            EbpfError::JitNotCompiled => VmFault::JitNotCompiled,
            EbpfError::InvalidMemoryRegion(_) => VmFault::InvalidMemoryRegion,
            EbpfError::AccessViolation(..) => VmFault::AccessViolation,
            EbpfError::StackAccessViolation(..) => VmFault::StackAccessViolation,
            EbpfError::InvalidInstruction => VmFault::InvalidInstruction,
            EbpfError::UnsupportedInstruction => VmFault::UnsupportedInstruction,
            EbpfError::ExhaustedTextSegment(_) => VmFault::ExhaustedTextSegment,
            EbpfError::LibcInvocationFailed(..) => VmFault::LibcInvocationFailed,
            EbpfError::VerifierError(_) => VmFault::VerifierError,
            EbpfError::SyscallError(boxed) => match boxed.downcast::<SyscallError>() {
                Ok(error) => VmFault::Syscall(*error),
                Err(other) => VmFault::OtherSyscall(other.to_string()),
            },
        }
    }
}

/// Raw program text made executable: SBPF v0, mapped read-only at `0x1_0000_0000`.
pub struct TextProgram {
    executable: Executable<VmContext>,
    jit_compiled: bool,
}

impl std::fmt::Debug for TextProgram {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TextProgram")
            .field("text_len", &self.text().len())
            .field("jit_compiled", &self.jit_compiled)
            .finish_non_exhaustive()
    }
}

impl TextProgram {
    /// Makes `text` an SBPF v0 executable of `environment` with the entry point at
    /// `entry_pc` (key `murmur3("entrypoint")`) and the internal functions `functions`
    /// (`(key, pc)` pairs; a later duplicate key with another pc is ignored). Verifies it
    /// with the on-chain verifier (`LoadError::Verifier` on failure) and, when `jit`,
    /// compiles it (`LoadError::Jit`). A function pc may lie past the end of the text:
    /// calling it then fails with `CallOutsideTextSegment` after pushing a frame. Such a
    /// program cannot be JIT-compiled, so `jit` then fails with `LoadError::Jit`; so does
    /// an entry point past the end of the text (the interpreter runs it: ExecutionOverrun).
    pub fn new(
        environment: &ProgramEnvironment,
        text: &[u8],
        entry_pc: u64,
        functions: &[(u32, u64)],
        jit: bool,
    ) -> Result<Self, LoadError> {
        let mut registry = FunctionRegistry::<usize>::default();
        registry
            .register_function(
                symbol_hash(b"entrypoint"),
                *b"entrypoint",
                entry_pc as usize,
            )
            .map_err(|error| LoadError::Elf(error.to_string()))?;
        let text_count = (text.len() / ebpf::INSN_SIZE) as u64;
        // The JIT indexes its pc table with the entry point unchecked (solana-sbpf 0.26
        // `JitProgram::invoke` panics past the end); the interpreter reports ExecutionOverrun.
        if jit && entry_pc >= text_count {
            return Err(LoadError::Jit(format!(
                "entry point at pc {entry_pc} is outside the text ({text_count} instructions)"
            )));
        }
        for &(key, pc) in functions {
            if jit && pc >= text_count {
                return Err(LoadError::Jit(format!(
                    "function at pc {pc} is outside the text ({text_count} instructions)"
                )));
            }
            let _ = registry.register_function(key, Vec::<u8>::new(), pc as usize);
        }
        let executable = Executable::<VmContext>::from_text_bytes(
            text,
            Arc::clone(environment.sbpf_loader()),
            SBPFVersion::V0,
            registry,
        )
        .map_err(|error| LoadError::Elf(error.to_string()))?;
        executable
            .verify::<RequisiteVerifier>()
            .map_err(|error| LoadError::Verifier(error.to_string()))?;
        let mut jit_compiled = false;
        if jit {
            if !cfg!(all(target_arch = "x86_64", not(target_os = "windows"))) {
                return Err(LoadError::Jit("the JIT needs x86-64".into()));
            }
            executable
                .jit_compile()
                .map_err(|error| LoadError::Jit(error.to_string()))?;
            jit_compiled = true;
        }
        Ok(Self {
            executable,
            jit_compiled,
        })
    }

    /// The program text.
    pub fn text(&self) -> &[u8] {
        self.executable.get_text_bytes().1
    }

    /// Number of 8-byte instruction slots.
    pub fn instruction_count(&self) -> u64 {
        (self.text().len() / ebpf::INSN_SIZE) as u64
    }
}

/// What one program run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunOutcome {
    /// `r0` at the root `exit`, or the fault.
    pub result: Result<u64, VmFault>,
    /// Final r0..r10: the interpreter's registers when the run ended (`None` for the JIT,
    /// whose compiled code does not hand them back).
    pub registers: Option<[u64; 11]>,
    /// Instruction index of the `exit`, or of the faulting instruction.
    pub pc: u64,
    /// BPF call depth when the run ended.
    pub frame_count: u64,
    /// Instructions charged to the meter (syscall charges included).
    pub compute_units: u64,
}

/// Runs `program` once from its entry point with the initial `registers` r0..r10 (the VM
/// does not override them), on `memory` (its read-only region replaced by the program text)
/// and the meter of `invoke_context`. `mode` picks the interpreter or the JIT (the program
/// must then have been compiled). Fails only when the memory cannot be mapped.
pub fn run_program(
    environment: &ProgramEnvironment,
    program: &TextProgram,
    memory: &mut HarnessMemory,
    invoke_context: &mut InvokeContext,
    frame: &FrameSetup,
    registers: [u64; 11],
    mode: ExecutionMode,
) -> Result<RunOutcome, LoadError> {
    if mode == ExecutionMode::Jit && !program.jit_compiled {
        return Err(LoadError::Jit("program was not JIT-compiled".into()));
    }
    let executable = &program.executable;
    let version = executable.get_sbpf_version();
    let stack_len = memory.stack.len();
    let mapped = MappedMemory {
        memory,
        input: None,
        program: Some(executable),
    };
    let layout = Layout::of(environment, version);
    with_mapping(invoke_context, mapped, &layout, frame.clone(), |context| {
        let mut call_frames = vec![CallFrame::default(); executable.get_config().max_call_depth];
        let loader = Arc::clone(executable.get_loader());
        let mut vm = EbpfVm::new(loader, version, context, stack_len);
        vm.registers[..11].copy_from_slice(&registers);
        match mode {
            ExecutionMode::Jit => {
                let mut sbpf_mode = solana_sbpf::vm::ExecutionMode::Jit;
                let (compute_units, result) =
                    vm.execute_program(executable, &mut sbpf_mode, &mut call_frames);
                RunOutcome {
                    result: program_result(result),
                    registers: None,
                    pc: vm.registers[11],
                    frame_count: vm.call_depth,
                    compute_units,
                }
            }
            ExecutionMode::Interpreter => run_interpreted(&mut vm, executable, &mut call_frames),
        }
    })
    .map_err(|error| LoadError::Registration(format!("memory mapping: {error}")))
}

/// An interpreted run, keeping the final registers.
fn run_interpreted(
    vm: &mut EbpfVm<'_, VmContext>,
    executable: &Executable<VmContext>,
    call_frames: &mut [CallFrame],
) -> RunOutcome {
    let (compute_units, result, final_registers) =
        interpret(vm, executable, call_frames, |_, _| {});
    let mut registers = [0u64; 11];
    registers.copy_from_slice(&final_registers[..11]);
    RunOutcome {
        result: program_result(result),
        registers: Some(registers),
        pc: final_registers[11],
        frame_count: vm.call_depth,
        compute_units,
    }
}

pub(crate) fn program_result(result: ProgramResult) -> Result<u64, VmFault> {
    match result {
        ProgramResult::Ok(value) => Ok(value),
        ProgramResult::Err(error) => Err(VmFault::from_ebpf(error)),
    }
}

/// The image of a loaded ELF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElfImage {
    /// The read-only program region (rodata and text) as mapped at `0x1_0000_0000`.
    pub rodata: Vec<u8>,
    /// Byte offset of `.text` inside `rodata` (its VM address minus `0x1_0000_0000`).
    pub text_offset: u64,
    /// Number of 8-byte instruction slots in `.text`.
    pub text_count: u64,
    /// Entry point as an instruction index relative to `.text`.
    pub entry_pc: u64,
    /// Sorted, de-duplicated pcs of every function in the executable's registry.
    pub function_pcs: Vec<u64>,
}

/// Loads `elf` with `Executable::load` in `environment` (its SBPF version range,
/// `reject_broken_elfs` and registered syscalls apply). No verification, no compilation.
pub fn load_elf(environment: &ProgramEnvironment, elf: &[u8]) -> Result<ElfImage, LoadError> {
    let executable = Executable::<VmContext>::load(elf, Arc::clone(environment.sbpf_loader()))
        .map_err(|error| LoadError::Elf(error.to_string()))?;
    let (text_vaddr, text) = executable.get_text_bytes();
    let mut function_pcs: Vec<u64> = executable
        .get_function_registry()
        .iter()
        .map(|(_, (_, pc))| pc as u64)
        .collect();
    function_pcs.sort_unstable();
    function_pcs.dedup();
    Ok(ElfImage {
        rodata: executable.get_ro_section().to_vec(),
        text_offset: text_vaddr.saturating_sub(MM_BYTECODE_START),
        text_count: (text.len() / ebpf::INSN_SIZE) as u64,
        entry_pc: executable.get_entrypoint_instruction_offset() as u64,
        function_pcs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{sbpf_v0_options, stub_syscall_environment, test_invoke_context};
    use sbfvm_runtime::Pubkey;

    /// Runs `text` from pc 0 in the interpreter with stub syscalls, as the default program
    /// with the entry registers.
    fn run_text(
        text: &[u8],
        memory: &mut HarnessMemory,
        invoke_context: &mut InvokeContext,
    ) -> RunOutcome {
        let environment = stub_syscall_environment(sbpf_v0_options(), &["sol_log_"]).unwrap();
        let program = TextProgram::new(&environment, text, 0, &[], false).unwrap();
        let frame = FrameSetup::aligned(Pubkey::default());
        let registers = entry_registers([0; 9]);
        let mode = ExecutionMode::Interpreter;
        run_program(
            &environment,
            &program,
            memory,
            invoke_context,
            &frame,
            registers,
            mode,
        )
        .unwrap()
    }

    #[test]
    fn text_program_runs_and_reports_registers() {
        // mov64 r0, 7; mov64 r3, 9; exit
        let text = [
            0xb7, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, //
            0xb7, 0x03, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, //
            0x95, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        ];
        let environment = stub_syscall_environment(sbpf_v0_options(), &["sol_log_"]).unwrap();
        let program = TextProgram::new(&environment, &text, 0, &[], false).unwrap();
        assert_eq!(program.instruction_count(), 3);
        let mut memory = HarnessMemory::new(&[], 64 * 4096, 0);
        let mut invoke_context = test_invoke_context(100);
        let outcome = run_text(&text, &mut memory, &mut invoke_context);
        assert_eq!(outcome.result, Ok(7));
        let registers = outcome.registers.unwrap();
        assert_eq!((registers[1], registers[3]), (INPUT_START, 9));
        assert_eq!(outcome.pc, 2);
        assert_eq!(outcome.frame_count, 0);
        assert_eq!(outcome.compute_units, 3);
        assert_eq!(invoke_context.remaining(), 97);
    }

    #[test]
    fn the_program_text_replaces_the_read_only_region() {
        // lddw r1, RODATA_START; ldxb r0, [r1 + 0]: the first byte of the text; exit
        let text = [
            0x18, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, //
            0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, //
            0x71, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, //
            0x95, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        ];
        let mut memory = HarnessMemory::new(&[0xAA; 8], 4096, 0);
        let outcome = run_text(&text, &mut memory, &mut test_invoke_context(100));
        assert_eq!(outcome.result, Ok(0x18));
        assert_eq!(memory.rodata(), &[0xAA; 8]);
    }
}
