//! # sbfvm-test-support
//!
//! Guest memory for tests and harnesses, mapped as solana-sbpf maps a program's, and what
//! is built on it. Nothing here is used by the product's executor; solana-sbpf types stay
//! out of the API.
//!
//! # Guest memory
//!
//! [`HarnessMemory`] owns the buffers: the read-only region at `0x1_0000_0000`, the stack
//! at `0x2_0000_0000`, the heap at `0x3_0000_0000` and any number of input regions packed
//! back to back from `0x4_0000_0000`. Every buffer starts on a 16-byte host boundary, so
//! the alignment of a VM address equals that of its host address within a region, as in
//! Agave. One mapper maps it for every entry point below; only the layout differs:
//!
//! | entry point | mapping | stack frame gaps |
//! | --- | --- | --- |
//! | [`with_vm_context`] | aligned (Agave 4.4's default) | off |
//! | [`with_input_regions`] | unaligned (the direct-mapping layout) | off |
//! | [`invoke_syscall`], [`run_program`] | as the [`ProgramEnvironment`](sbfvm_vm::ProgramEnvironment) is configured | as configured |
//!
//! # Entry points
//!
//! - [`with_vm_context`], [`with_input_regions`]: run a closure with a [`VmContext`]
//!   over the memory, to call syscalls on hand-built memory (the syscall and CPI tests).
//! - [`invoke_syscall`]: one syscall of an environment, looked up by name and called once
//!   with registers r1..r5, exactly as a `call` instruction would reach it.
//! - [`TextProgram`] + [`run_program`]: raw program text with an explicit function
//!   registry, verified (and optionally JIT-compiled), then run once; the outcome carries
//!   the final registers (interpreter), pc, call depth and compute units.
//! - [`load_elf`]: `Executable::load` only (no verification), returning the program image.
//! - [`stub_syscall_environment`]: an environment where every given syscall name is
//!   registered but does nothing (returns 0, charges nothing).
//! - [`test_invoke_context`]: an invoke context over no accounts, for the above.
//!
//! # CPI structures
//!
//! [`stable_instruction`], [`c_account_info_words`], [`rust_account_info_boxes`] and
//! [`account_info_flags`]: the words of the structures a CPI caller passes, as the SDKs lay
//! them out, for writing them into guest memory by hand.
//!
//! # Example
//!
//! ```
//! use sbfvm_test_support::{
//!     entry_registers, run_program, sbpf_v0_options, stub_syscall_environment,
//!     test_invoke_context, FrameSetup, HarnessMemory, TextProgram,
//! };
//! use sbfvm_vm::ExecutionMode;
//!
//! // `mov64 r0, 7; exit`, run once in the interpreter.
//! let text = [
//!     0xb7, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, //
//!     0x95, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
//! ];
//! let environment = stub_syscall_environment(sbpf_v0_options(), &["sol_log_"]).unwrap();
//! let program = TextProgram::new(&environment, &text, 0, &[], false).unwrap();
//! let mut memory = HarnessMemory::new(&[], 4096, 0);
//! let outcome = run_program(
//!     &environment,
//!     &program,
//!     &mut memory,
//!     &mut test_invoke_context(100),
//!     &FrameSetup::aligned(Default::default()),
//!     entry_registers([0; 9]),
//!     ExecutionMode::Interpreter,
//! )
//! .unwrap();
//! assert_eq!(outcome.result, Ok(7));
//! assert_eq!(outcome.compute_units, 2);
//! ```
//!
//! [`VmContext`]: sbfvm_vm::VmContext

mod context;
mod cpi_structs;
mod mapping;
mod memory;
mod program;
mod syscall;

pub use context::{test_invoke_context, NoPrograms};
pub use cpi_structs::{
    account_info_flags, c_account_info_words, rust_account_info_boxes, stable_instruction,
};
pub use mapping::{with_input_regions, with_vm_context, FrameSetup};
pub use memory::{
    HarnessMemory, InputRegion, InputRegionView, HEAP_START, INPUT_START, RODATA_START, STACK_START,
};
pub use program::{
    entry_registers, load_elf, pc_hash, run_program, symbol_hash, ElfImage, RunOutcome,
    TextProgram, VmFault,
};
pub use syscall::{invoke_syscall, sbpf_v0_options, stub_syscall_environment, SyscallOutcome};
