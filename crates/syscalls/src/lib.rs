//! # sbfvm-syscalls
//!
//! Every syscall sbfvm provides, with Agave's names, pointer rules and compute costs
//! (`solana-syscalls 4.4.0` and, for CPI, `solana-program-runtime 4.4.0, src/cpi.rs`).
//! [`SYSCALLS`] is the table of them: one row per syscall (name, feature gate,
//! implementation) in Agave's registration order. [`create_environment`] registers them,
//! feature-gated exactly as Agave's `create_program_runtime_environment` does, into a
//! [`ProgramEnvironment`] the VM executes with.
//!
//! Each syscall module documents its contract: registers in, the order of charges and
//! checks, and its errors.
//!
//! ```
//! use sbfvm_runtime::{ComputeBudget, FeatureSet};
//! use sbfvm_vm::SyscallSupport;
//!
//! let mainnet = FeatureSet::mainnet();
//! let environment =
//!     sbfvm_syscalls::create_environment(&mainnet, &ComputeBudget::default()).unwrap();
//! assert_eq!(environment.syscall_support("sol_invoke_signed_c"), Some(SyscallSupport::Implemented));
//! assert_eq!(environment.syscall_support("sol_poseidon"), Some(SyscallSupport::Implemented));
//! // A feature gate leaves `sol_blake3` unregistered on mainnet, as in Agave.
//! assert_eq!(sbfvm_syscalls::syscall_registered(&mainnet, "sol_blake3"), Some(false));
//! assert_eq!(environment.syscall_support("sol_blake3"), None);
//! ```

pub mod alt_bn128;
pub mod big_mod_exp;
pub mod bls12_381;
pub mod cpi;
pub mod curve;
pub mod curve_syscalls;
mod guest;
pub mod hashing;
pub mod introspection;
pub mod logging;
pub mod mem_ops;
mod meter;
pub mod pda;
pub mod poseidon;
pub mod secp256k1;
pub mod sysvar;
mod table;

pub use guest::{MM_INPUT_START, VM_SLICE_SIZE};

pub use table::{register_syscalls, syscall_registered, Gate, SyscallRow, SYSCALLS, SYSCALL_NAMES};

use sbfvm_runtime::{ComputeBudget, FeatureSet};
use sbfvm_vm::{EnvironmentOptions, LoadError, ProgramEnvironment, SbpfVersion, SyscallRegistry};

/// The execution environment for a feature set and budget, as Agave builds it.
pub fn create_environment(
    features: &FeatureSet,
    budget: &ComputeBudget,
) -> Result<ProgramEnvironment, LoadError> {
    create_environment_with(features, budget, &|_| Ok(()))
}

/// [`create_environment`], then `extra` registers the embedder's own syscalls, usually with
/// [`SyscallRegistry::register_embedder`], which replaces a syscall of the same name (a
/// built-in, a not-implemented stub) and adds a name the feature set leaves unregistered.
///
/// ```
/// use sbfvm_runtime::{ComputeBudget, FeatureSet};
/// use sbfvm_vm::{syscall_name, Syscall, SyscallError, SyscallResult, SyscallSupport, VmContext};
///
/// /// Returns r1 + r2 and charges 10 compute units.
/// struct Add;
/// impl Syscall for Add {
///     type Arguments = [u64; 2];
///     fn call(context: &mut VmContext, [a, b]: [u64; 2]) -> SyscallResult {
///         context
///             .invoke_context()
///             .consume_checked(10)
///             .map_err(SyscallError::Instruction)?;
///         Ok(a.wrapping_add(b))
///     }
/// }
/// syscall_name!(AddName = "my_add");
///
/// let environment = sbfvm_syscalls::create_environment_with(
///     &FeatureSet::mainnet(),
///     &ComputeBudget::default(),
///     &|registry| registry.register_embedder::<Add, AddName>().map(|_| ()),
/// )
/// .unwrap();
/// assert_eq!(environment.syscall_support("my_add"), Some(SyscallSupport::Implemented));
/// assert!(environment.is_embedder_syscall("my_add"));
/// ```
pub fn create_environment_with(
    features: &FeatureSet,
    budget: &ComputeBudget,
    extra: &dyn Fn(&mut SyscallRegistry) -> Result<(), LoadError>,
) -> Result<ProgramEnvironment, LoadError> {
    ProgramEnvironment::new(
        EnvironmentOptions::for_execution(features, budget),
        |registry| {
            register_syscalls(registry, features)?;
            extra(registry)
        },
    )
}

/// The deployment environment for a feature set and budget: the execution environment
/// morphed as Agave's `morph_into_deployment_environment` does (no `sol_alloc_free_`, strict
/// ELF checks, the deployment SBPF versions of `features`).
pub fn create_deployment_environment(
    features: &FeatureSet,
    budget: &ComputeBudget,
) -> Result<ProgramEnvironment, LoadError> {
    for_deployment(features, create_environment(features, budget)?)
}

/// [`create_deployment_environment`] with the embedder's syscalls added by `extra` (see
/// [`create_environment_with`]).
pub fn create_deployment_environment_with(
    features: &FeatureSet,
    budget: &ComputeBudget,
    extra: &dyn Fn(&mut SyscallRegistry) -> Result<(), LoadError>,
) -> Result<ProgramEnvironment, LoadError> {
    for_deployment(features, create_environment_with(features, budget, extra)?)
}

fn for_deployment(
    features: &FeatureSet,
    environment: ProgramEnvironment,
) -> Result<ProgramEnvironment, LoadError> {
    let (min, max) = features.sbpf_deployment_version_range();
    let version = |index: u8| SbpfVersion::from_index(index).unwrap_or(SbpfVersion::V3);
    environment.for_deployment(version(min), version(max))
}
