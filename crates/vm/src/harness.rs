//! Building blocks for conformance harnesses (Firedancer's test vectors): run a raw
//! instruction stream, call one registered syscall directly on hand-built guest memory, and
//! load an ELF to inspect its image. Nothing here is used by the production executor; the
//! API keeps solana-sbpf types out of its signatures.
//!
//! # Guest memory
//!
//! [`HarnessMemory`] owns the buffers a harness maps: the read-only region at
//! `0x1_0000_0000`, the stack at `0x2_0000_0000`, the heap at `0x3_0000_0000` and any
//! number of input regions packed back to back from `0x4_0000_0000`. Every buffer starts on
//! a 16-byte host boundary, so the alignment of a VM address equals that of its host address
//! within a region, as in Agave. The mapping follows the [`ProgramEnvironment`]'s
//! configuration: stack frame gaps and the aligned (one region per 4 GiB slot) mapping are
//! on unless the environment was built with `virtual_address_space_adjustments`.
//!
//! # Entry points
//!
//! - [`load_elf`]: `Executable::load` only (no verification), returning the program image.
//! - [`TextProgram`] + [`run_program`]: raw program text with an explicit function registry,
//!   verified (and optionally JIT-compiled), then run once; the outcome carries the final
//!   registers (interpreter), pc, call depth and compute units.
//! - [`invoke_syscall`]: one syscall of an environment, looked up by name and called once
//!   with registers r1..r5, exactly as a `call` instruction would reach it.
//! - [`stub_syscall_environment`]: an environment where every given syscall name is
//!   registered but does nothing (returns 0, charges nothing).

use std::ptr::NonNull;
use std::sync::Arc;

use sbfvm_runtime::{InvokeContext, Pubkey};
use solana_sbpf::{
    ebpf::{self, MM_BYTECODE_START, MM_HEAP_START, MM_INPUT_START, MM_STACK_START},
    elf::Executable,
    error::{EbpfError, ProgramResult},
    interpreter::Interpreter,
    memory_region::{MemoryMapping, MemoryRegion},
    program::{FunctionRegistry, SBPFVersion},
    verifier::RequisiteVerifier,
    vm::{CallFrame, ContextObject, EbpfVm},
};

use crate::context::VmContext;
use crate::environment::{EnvironmentOptions, ProgramEnvironment};
use crate::error::{LoadError, SyscallError};
use crate::executor::ExecutionMode;
use crate::memory::AlignedBuffer;
use crate::serialization::{InputAbi, SerializedAccountMetadata};

/// Start of the read-only (program / rodata) region.
pub const RODATA_START: u64 = MM_BYTECODE_START;
/// Start of the stack region.
pub const STACK_START: u64 = MM_STACK_START;
/// Start of the heap region.
pub const HEAP_START: u64 = MM_HEAP_START;
/// Start of the input region.
pub const INPUT_START: u64 = MM_INPUT_START;

/// `murmur3_32(bytes, seed 0)`: the key of a syscall (`bytes` = its name) or, in SBPF v0,
/// of an internal function (`bytes` = its pc as a little-endian `u64`).
pub fn symbol_hash(bytes: &[u8]) -> u32 {
    ebpf::hash_symbol_name(bytes)
}

/// The SBPF v0 key of an internal function at `pc`.
pub fn pc_hash(pc: u64) -> u32 {
    symbol_hash(&pc.to_le_bytes())
}

/// The guest memory of one harness run. Every buffer is 16-byte aligned on the host.
#[derive(Debug, Clone, Default)]
pub struct HarnessMemory {
    rodata: AlignedBuffer,
    stack: AlignedBuffer,
    heap: AlignedBuffer,
    input: Vec<InputRegion>,
}

#[derive(Debug, Clone)]
struct InputRegion {
    buffer: AlignedBuffer,
    writable: bool,
}

/// One input region as mapped: its VM address, current bytes and writability.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InputRegionView<'a> {
    pub vm_addr: u64,
    pub content: &'a [u8],
    pub writable: bool,
}

impl HarnessMemory {
    /// Zero-filled stack and heap of the given lengths, a read-only region holding `rodata`,
    /// and no input region yet. `rodata` is ignored by [`run_program`], which maps the
    /// program text there instead.
    pub fn new(rodata: &[u8], stack_len: usize, heap_len: usize) -> Self {
        let mut ro = AlignedBuffer::zeroed(rodata.len());
        ro.as_mut_slice().copy_from_slice(rodata);
        Self {
            rodata: ro,
            stack: AlignedBuffer::zeroed(stack_len),
            heap: AlignedBuffer::zeroed(heap_len),
            input: Vec::new(),
        }
    }

    /// Appends an input region right after the previous one. An empty region is skipped
    /// (it is neither mapped nor reported), as the conformance harnesses do.
    pub fn push_input_region(&mut self, content: &[u8], writable: bool) {
        if content.is_empty() {
            return;
        }
        let mut buffer = AlignedBuffer::zeroed(content.len());
        buffer.as_mut_slice().copy_from_slice(content);
        self.input.push(InputRegion { buffer, writable });
    }

    pub fn rodata(&self) -> &[u8] {
        self.rodata.as_slice()
    }

    /// Host stack bytes (frame `k` starts at host offset `k × stack_frame_size`).
    pub fn stack(&self) -> &[u8] {
        self.stack.as_slice()
    }

    pub fn stack_mut(&mut self) -> &mut [u8] {
        self.stack.as_mut_slice()
    }

    pub fn heap(&self) -> &[u8] {
        self.heap.as_slice()
    }

    pub fn heap_mut(&mut self) -> &mut [u8] {
        self.heap.as_mut_slice()
    }

    /// The input regions, each with its VM address (cumulative from `0x4_0000_0000`).
    pub fn input_regions(&self) -> Vec<InputRegionView<'_>> {
        let mut vm_addr = MM_INPUT_START;
        self.input
            .iter()
            .map(|region| {
                let view = InputRegionView {
                    vm_addr,
                    content: region.buffer.as_slice(),
                    writable: region.writable,
                };
                vm_addr = vm_addr.saturating_add(region.buffer.len() as u64);
                view
            })
            .collect()
    }

    /// Builds the regions of the mapping; `program_region` replaces the read-only region.
    fn regions(
        &mut self,
        program_region: Option<MemoryRegion>,
        stack_gap: u64,
    ) -> Vec<MemoryRegion> {
        let mut regions = Vec::with_capacity(3 + self.input.len());
        regions.push(program_region.unwrap_or_else(|| {
            MemoryRegion::new(&raw const *self.rodata.as_slice(), MM_BYTECODE_START)
        }));
        regions.push(MemoryRegion::new_gapped(
            &raw mut *self.stack.as_mut_slice(),
            MM_STACK_START,
            stack_gap,
        ));
        regions.push(MemoryRegion::new(
            &raw mut *self.heap.as_mut_slice(),
            MM_HEAP_START,
        ));
        let mut vm_addr = MM_INPUT_START;
        for region in &mut self.input {
            let len = region.buffer.len() as u64;
            regions.push(if region.writable {
                MemoryRegion::new(&raw mut *region.buffer.as_mut_slice(), vm_addr)
            } else {
                MemoryRegion::new(&raw const *region.buffer.as_slice(), vm_addr)
            });
            vm_addr = vm_addr.saturating_add(len);
        }
        regions
    }
}

/// What the VmContext of a harness frame holds besides memory.
#[derive(Debug, Clone)]
pub struct FrameSetup {
    /// The program the frame runs as (log lines, CPI caller).
    pub program_id: Pubkey,
    /// `Aligned` checks pointer alignment in syscalls; `Unaligned` (deprecated loader) does not.
    pub abi: InputAbi,
    /// Where each instruction account sits in the input (used by CPI).
    pub accounts_metadata: Vec<SerializedAccountMetadata>,
}

/// A VM fault, mirroring solana-sbpf's `EbpfError` without its payloads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VmFault {
    ElfError,
    FunctionAlreadyRegistered,
    CallDepthExceeded,
    ExitRootCallFrame,
    DivideByZero,
    DivideOverflow,
    ExecutionOverrun,
    CallOutsideTextSegment,
    ExceededMaxInstructions,
    JitNotCompiled,
    InvalidMemoryRegion,
    AccessViolation,
    StackAccessViolation,
    InvalidInstruction,
    UnsupportedInstruction,
    ExhaustedTextSegment,
    LibcInvocationFailed,
    VerifierError,
    /// A syscall failed with an error of this crate.
    Syscall(SyscallError),
    /// A syscall failed with an error of another type (its text).
    OtherSyscall(String),
}

impl VmFault {
    fn from_ebpf(error: EbpfError) -> Self {
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

fn stack_gap(environment: &ProgramEnvironment, version: SBPFVersion) -> u64 {
    let config = environment.loader.get_config();
    if config.enable_stack_frame_gaps && version.stack_frame_gaps() {
        config.stack_frame_size as u64
    } else {
        0
    }
}

/// Runs `f` with a VmContext over `memory` that reaches `invoke_context`.
fn with_context<R>(
    environment: &ProgramEnvironment,
    version: SBPFVersion,
    program_region: Option<MemoryRegion>,
    memory: &mut HarnessMemory,
    invoke_context: &mut InvokeContext,
    frame: &FrameSetup,
    f: impl FnOnce(&mut VmContext) -> R,
) -> Result<R, LoadError> {
    let config = environment.loader.get_config();
    let heap_len = memory.heap.len() as u64;
    let regions = memory.regions(program_region, stack_gap(environment, version));
    // SAFETY: every region points into a buffer of `memory` (or into the executable's
    // rodata, which the caller's `TextProgram` borrow keeps alive); `memory` is mutably
    // borrowed for this whole call, so no buffer is resized or freed while the mapping
    // (owned by `context` below, dropped before returning) exists.
    let mapping = unsafe { MemoryMapping::new(regions, config, version) }
        .map_err(|error| LoadError::Registration(format!("memory mapping: {error}")))?;
    let invoke_context_ptr = NonNull::from(&mut *invoke_context);
    // SAFETY: `invoke_context` is not used through any other path until `context` is
    // dropped at the end of this function; `f` reaches it only through `context`.
    let mut context = unsafe {
        VmContext::new(
            invoke_context_ptr,
            mapping,
            heap_len,
            frame.accounts_metadata.clone(),
            frame.abi,
            frame.program_id,
        )
    };
    let result = f(&mut context);
    drop(context);
    Ok(result)
}

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
    let loader = Arc::clone(&environment.loader);
    let Some((_, (function, _))) = loader
        .get_function_registry()
        .lookup_by_name(name.as_bytes())
    else {
        return Ok(SyscallOutcome::NotRegistered);
    };
    let version = SBPFVersion::V0;
    let stack_len = memory.stack.len();
    with_context(
        environment,
        version,
        None,
        memory,
        invoke_context,
        frame,
        |context| {
            let mut vm = EbpfVm::new(Arc::clone(&loader), version, context, stack_len);
            vm.registers[..11].copy_from_slice(&registers);
            vm.invoke_function(function);
            let mut result = ProgramResult::Ok(0);
            std::mem::swap(&mut result, &mut vm.program_result);
            match result {
                ProgramResult::Ok(value) => SyscallOutcome::Returned(value),
                ProgramResult::Err(error) => SyscallOutcome::Failed(VmFault::from_ebpf(error)),
            }
        },
    )
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
            Arc::clone(&environment.loader),
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
    let max_call_depth = executable.get_config().max_call_depth;
    with_context(
        environment,
        version,
        Some(executable.get_ro_region()),
        memory,
        invoke_context,
        frame,
        |context| {
            let mut call_frames = vec![CallFrame::default(); max_call_depth];
            let mut vm = EbpfVm::new(
                Arc::clone(executable.get_loader()),
                version,
                context,
                stack_len,
            );
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
                ExecutionMode::Interpreter => {
                    // `EbpfVm::execute_program` for the interpreter, keeping the final
                    // registers, which it does not hand back.
                    let entry = executable.get_entrypoint_instruction_offset() as u64;
                    vm.registers[11] = entry;
                    let initial = vm.context().get_remaining();
                    vm.previous_instruction_meter = initial;
                    vm.due_insn_count = 0;
                    vm.program_result = ProgramResult::Ok(0);
                    let start = vm.registers;
                    let mut interpreter =
                        Interpreter::new(&mut vm, executable, start, &mut call_frames);
                    while interpreter.step() {}
                    let final_registers = interpreter.reg;
                    vm.registers[11] = final_registers[11];
                    let due = vm.due_insn_count;
                    let context = vm.context();
                    context.consume(due);
                    let compute_units = initial.saturating_sub(context.get_remaining());
                    let mut result = ProgramResult::Ok(0);
                    std::mem::swap(&mut result, &mut vm.program_result);
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
            }
        },
    )
}

fn program_result(result: ProgramResult) -> Result<u64, VmFault> {
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
    let executable = Executable::<VmContext>::load(elf, Arc::clone(&environment.loader))
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
    use crate::environment::SyscallSupport;

    fn v0_options() -> EnvironmentOptions {
        EnvironmentOptions {
            max_call_depth: 64,
            stack_frame_size: 4096,
            min_sbpf_version: crate::SbpfVersion::V0,
            max_sbpf_version: crate::SbpfVersion::V0,
            virtual_address_space_adjustments: false,
            reject_broken_elfs: false,
        }
    }

    /// A few syscall names (the syscalls crate's tests register its whole table).
    const NAMES: &[&str] = &["abort", "sol_log_", "sol_memcpy_"];

    #[test]
    fn stub_environment_registers_every_name() {
        let environment = stub_syscall_environment(v0_options(), NAMES).unwrap();
        for name in NAMES {
            assert_eq!(
                environment.syscall_support(name),
                Some(SyscallSupport::Implemented),
                "{name}"
            );
        }
    }

    #[test]
    fn input_regions_are_packed() {
        let mut memory = HarnessMemory::new(&[1, 2, 3], 16, 0);
        memory.push_input_region(&[1; 5], true);
        memory.push_input_region(&[], true);
        memory.push_input_region(&[2; 3], false);
        let views = memory.input_regions();
        assert_eq!(views.len(), 2);
        assert_eq!(views[0].vm_addr, INPUT_START);
        assert_eq!(views[1].vm_addr, INPUT_START + 5);
        assert!(!views[1].writable);
        assert_eq!(memory.rodata(), &[1, 2, 3]);
    }

    #[test]
    fn text_program_runs_and_reports_registers() {
        let environment = stub_syscall_environment(v0_options(), NAMES).unwrap();
        // mov64 r0, 7; mov64 r3, 9; exit
        let text = [
            0xb7, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, //
            0xb7, 0x03, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, //
            0x95, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        ];
        let program = TextProgram::new(&environment, &text, 0, &[], false).unwrap();
        assert_eq!(program.instruction_count(), 3);
        let mut memory = HarnessMemory::new(&[], 64 * 4096, 0);
        let mut invoke_context = test_invoke_context(100);
        let frame = FrameSetup {
            program_id: Pubkey::default(),
            abi: InputAbi::Aligned,
            accounts_metadata: Vec::new(),
        };
        let mut registers = [0u64; 11];
        registers[10] = STACK_START + 4096;
        let outcome = run_program(
            &environment,
            &program,
            &mut memory,
            &mut invoke_context,
            &frame,
            registers,
            ExecutionMode::Interpreter,
        )
        .unwrap();
        assert_eq!(outcome.result, Ok(7));
        assert_eq!(outcome.registers.unwrap()[3], 9);
        assert_eq!(outcome.pc, 2);
        assert_eq!(outcome.frame_count, 0);
        assert_eq!(outcome.compute_units, 3);
        assert_eq!(invoke_context.remaining(), 97);
    }

    #[test]
    fn invoke_syscall_calls_a_registered_stub() {
        let environment = stub_syscall_environment(v0_options(), NAMES).unwrap();
        let mut memory = HarnessMemory::new(&[0; 8], 64 * 4096, 16);
        let mut invoke_context = test_invoke_context(10);
        let frame = FrameSetup {
            program_id: Pubkey::default(),
            abi: InputAbi::Aligned,
            accounts_metadata: Vec::new(),
        };
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

    fn test_invoke_context(limit: u64) -> InvokeContext {
        struct NoPrograms;
        impl sbfvm_runtime::ProgramExecutor for NoPrograms {
            fn execute(
                &self,
                _: &mut InvokeContext,
            ) -> Result<(), sbfvm_runtime::ExecutionFailure> {
                Err(sbfvm_runtime::ExecutionFailure::program_failed("none"))
            }
        }
        let budget = sbfvm_runtime::ComputeBudget {
            compute_unit_limit: limit,
            ..Default::default()
        };
        InvokeContext::new(
            sbfvm_runtime::TransactionContext::new(Vec::new(), Default::default(), 5, 64),
            budget,
            Arc::new(sbfvm_runtime::FeatureSet::none()),
            Arc::new(sbfvm_runtime::Sysvars::default()),
            std::rc::Rc::new(NoPrograms),
            Arc::new(Vec::new()),
        )
    }
}
