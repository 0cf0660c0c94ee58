//! # sbfvm-vm
//!
//! Loads SBF programs into solana-sbpf and runs them for the sbfvm runtime: ELF loading,
//! verification and JIT compilation with a program cache, input serialization exactly as
//! Agave lays it out, the memory regions Agave maps, pooled stacks, heaps and input
//! buffers, and interpreter/JIT execution. [`SbfExecutor`] implements the runtime's
//! `ProgramExecutor` trait; solana-sbpf types stay behind this crate's API.
//!
//! Syscalls are provided by the `sbfvm-syscalls` crate through [`SyscallRegistry`].

pub mod context;
pub mod environment;
pub mod error;
pub mod executor;
pub mod harness;
pub mod inspect;
pub mod memory;
pub mod serialization;
#[doc(hidden)]
pub mod testing;

pub use context::{BumpAllocator, SyscallUsage, VmContext};
pub use environment::{
    EnvironmentOptions, ProgramEnvironment, SbpfVersion, Syscall, SyscallArguments, SyscallName,
    SyscallRegistry, SyscallResult, SyscallSupport,
};
pub use error::{LoadError, SyscallError};
pub use executor::{ExecutionMode, LoadedProgram, SbfExecutor, VmRunStats};
pub use memory::{check_outputs_disjoint, GuestMemory, HostOut, HostRange};
pub use serialization::{InputAbi, SerializedAccountMetadata};
