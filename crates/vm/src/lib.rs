//! # sbfvm-vm
//!
//! Loads SBF programs into solana-sbpf and runs them for the sbfvm runtime: ELF loading,
//! verification and JIT compilation with a program cache, input serialization exactly as
//! Agave lays it out, the memory regions Agave maps, pooled stacks, heaps and input
//! buffers, and interpreter/JIT execution. [`SbfExecutor`] implements the runtime's
//! `ProgramExecutor` trait; solana-sbpf types stay behind this crate's API.
//!
//! Syscalls are provided by the `sbfvm-syscalls` crate through [`SyscallRegistry`].
//!
//! [`profile`] steps a frame through the interpreter for runtime profiles and coverage;
//! [`debugger`] serves one frame to GDB over the remote protocol
//! ([`SbfExecutor::set_debugger`]).
//!
//! Tests and harnesses that map guest memory of their own, call a syscall directly or run
//! raw program text use the `sbfvm-test-support` crate, built on three entry points of this
//! one that hand out solana-sbpf objects: [`ProgramEnvironment::sbpf_loader`],
//! [`VmContext::new`] and [`interpret`].
//!
//! ```
//! use std::sync::Arc;
//!
//! use sbfvm_runtime::{ComputeBudget, FeatureSet, Pubkey};
//! use sbfvm_vm::{EnvironmentOptions, ExecutionMode, ProgramEnvironment, SbfExecutor};
//!
//! // Mainnet's VM settings; the two syscalls the program imports as stubs (the
//! // `sbfvm-syscalls` crate registers the real ones). Loading parses, relocates, verifies
//! // and JIT-compiles it into the executor's cache.
//! let options =
//!     EnvironmentOptions::for_execution(&FeatureSet::mainnet(), &ComputeBudget::default());
//! let environment = ProgramEnvironment::new(options, |registry| {
//!     registry.register_stub("abort")?;
//!     registry.register_stub("sol_panic_")
//! })
//! .unwrap();
//! let executor = SbfExecutor::new(Arc::new(environment), ExecutionMode::Jit);
//! let elf = include_bytes!("../../../fixtures/custom_error.so");
//! let program_id = Pubkey::new_unique();
//! let loader = solana_sdk_ids::bpf_loader::id();
//! let loaded = executor.load_program(&program_id, &loader, elf).unwrap();
//! assert_eq!(loaded.loader_id, loader);
//! assert!(executor.loaded_program(&program_id).is_some());
//! ```

pub mod context;
pub mod debugger;
pub mod environment;
pub mod error;
pub mod executor;
pub mod inspect;
#[cfg(all(target_arch = "x86_64", not(target_os = "windows")))]
mod jit_inline;
pub mod memory;
pub mod profile;
pub mod serialization;

pub use context::{BumpAllocator, SyscallUsage, VmContext};
pub use environment::{
    EnvironmentOptions, JitInline, ProgramEnvironment, SbpfVersion, Syscall, SyscallArguments,
    SyscallName, SyscallRegistry, SyscallResult, SyscallSupport,
};
pub use error::{LoadError, SyscallError};
pub use executor::{interpret, ExecutionMode, LoadedProgram, SbfExecutor, VmRunStats};
pub use memory::{check_outputs_disjoint, AlignedBuffer, GuestMemory, HostOut, HostRange};
pub use serialization::{InputAbi, SerializedAccountMetadata};
