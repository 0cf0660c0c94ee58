//! # sbfvm-syscalls
//!
//! Every syscall sbfvm provides, with Agave's names, pointer rules and compute costs
//! (agave-reference §5, §9). [`create_environment`] registers them, feature-gated exactly
//! as Agave's `create_program_runtime_environment` does, into a
//! [`ProgramEnvironment`](sbfvm_vm::ProgramEnvironment) the VM executes with.
//!
//! Each syscall module documents its contract: registers in, the order of charges and
//! checks, and its errors.

pub mod cpi;
pub mod curve;
pub mod curve_syscalls;
pub mod hashing;
pub mod introspection;
pub mod logging;
pub mod mem_ops;
pub mod not_implemented;
pub mod pda;
pub mod sysvar;

use sbfvm_runtime::{ComputeBudget, FeatureSet};
use sbfvm_vm::{
    syscall_name, EnvironmentOptions, LoadError, ProgramEnvironment, SbpfVersion, Syscall,
    SyscallError, SyscallName, SyscallRegistry, SyscallSupport, VmContext,
};

/// Start of the input region; syscall destinations must lie below it (SIMD-0459).
pub const MM_INPUT_START: u64 = 0x4_0000_0000;
/// Size of a guest `{ptr: u64, len: u64}` slice descriptor.
pub const VM_SLICE_SIZE: u64 = 16;

/// Decodes a 16-byte `{ptr, len}` descriptor.
pub(crate) fn vm_slice(bytes: &[u8]) -> (u64, u64) {
    let ptr = u64::from_le_bytes(bytes[0..8].try_into().expect("8 bytes"));
    let len = u64::from_le_bytes(bytes[8..16].try_into().expect("8 bytes"));
    (ptr, len)
}

/// Charges compute units (`consume_checked`: on failure the meter drains).
pub(crate) fn charge(context: &VmContext, amount: u64) -> Result<(), SyscallError> {
    context
        .invoke_context()
        .consume_checked(amount)
        .map_err(SyscallError::Instruction)
}

mod names {
    use super::*;
    syscall_name!(pub Abort = "abort");
    syscall_name!(pub Panic = "sol_panic_");
    syscall_name!(pub Log = "sol_log_");
    syscall_name!(pub Log64 = "sol_log_64_");
    syscall_name!(pub LogPubkey = "sol_log_pubkey");
    syscall_name!(pub LogComputeUnits = "sol_log_compute_units_");
    syscall_name!(pub LogData = "sol_log_data");
    syscall_name!(pub CreateProgramAddress = "sol_create_program_address");
    syscall_name!(pub TryFindProgramAddress = "sol_try_find_program_address");
    syscall_name!(pub Sha256 = "sol_sha256");
    syscall_name!(pub Keccak256 = "sol_keccak256");
    syscall_name!(pub Blake3 = "sol_blake3");
    syscall_name!(pub Sha512 = "sol_sha512");
    syscall_name!(pub Secp256k1Recover = "sol_secp256k1_recover");
    syscall_name!(pub CurveValidatePoint = "sol_curve_validate_point");
    syscall_name!(pub CurveGroupOp = "sol_curve_group_op");
    syscall_name!(pub CurveMultiscalarMul = "sol_curve_multiscalar_mul");
    syscall_name!(pub CurveDecompress = "sol_curve_decompress");
    syscall_name!(pub CurvePairingMap = "sol_curve_pairing_map");
    syscall_name!(pub GetClock = "sol_get_clock_sysvar");
    syscall_name!(pub GetEpochSchedule = "sol_get_epoch_schedule_sysvar");
    syscall_name!(pub GetFees = "sol_get_fees_sysvar");
    syscall_name!(pub GetRent = "sol_get_rent_sysvar");
    syscall_name!(pub GetLastRestartSlot = "sol_get_last_restart_slot");
    syscall_name!(pub GetEpochRewards = "sol_get_epoch_rewards_sysvar");
    syscall_name!(pub Memcpy = "sol_memcpy_");
    syscall_name!(pub Memmove = "sol_memmove_");
    syscall_name!(pub Memset = "sol_memset_");
    syscall_name!(pub Memcmp = "sol_memcmp_");
    syscall_name!(pub GetProcessedSiblingInstruction = "sol_get_processed_sibling_instruction");
    syscall_name!(pub GetStackHeight = "sol_get_stack_height");
    syscall_name!(pub SetReturnData = "sol_set_return_data");
    syscall_name!(pub GetReturnData = "sol_get_return_data");
    syscall_name!(pub InvokeSignedC = "sol_invoke_signed_c");
    syscall_name!(pub InvokeSignedRust = "sol_invoke_signed_rust");
    syscall_name!(pub AllocFree = "sol_alloc_free_");
    syscall_name!(pub AltBn128GroupOp = "sol_alt_bn128_group_op");
    syscall_name!(pub BigModExp = "sol_big_mod_exp");
    syscall_name!(pub Poseidon = "sol_poseidon");
    syscall_name!(pub RemainingComputeUnits = "sol_remaining_compute_units");
    syscall_name!(pub AltBn128Compression = "sol_alt_bn128_compression");
    syscall_name!(pub GetSysvar = "sol_get_sysvar");
    syscall_name!(pub GetEpochStake = "sol_get_epoch_stake");
}

/// Registers `S` under `N` if the feature set registers that name (Agave's
/// `register_feature_gated_function!`); an unregistered name stays unresolved, as in Agave.
fn register<S: Syscall, N: SyscallName>(
    registry: &mut SyscallRegistry,
    features: &FeatureSet,
) -> Result<(), LoadError> {
    if features.syscall_registered(N::NAME).unwrap_or(true) {
        registry.register::<S, N>(SyscallSupport::Implemented)?;
    }
    Ok(())
}

fn register_not_implemented<N: SyscallName>(
    registry: &mut SyscallRegistry,
    features: &FeatureSet,
) -> Result<(), LoadError> {
    if features.syscall_registered(N::NAME).unwrap_or(true) {
        registry
            .register::<not_implemented::NotImplemented<N>, N>(SyscallSupport::NotImplemented)?;
    }
    Ok(())
}

/// Registers every syscall for `features`, in Agave's order.
pub fn register_syscalls(
    registry: &mut SyscallRegistry,
    features: &FeatureSet,
) -> Result<(), LoadError> {
    use names as n;
    let r = registry;
    register::<logging::Abort, n::Abort>(r, features)?;
    register::<logging::Panic, n::Panic>(r, features)?;
    register::<logging::Log, n::Log>(r, features)?;
    register::<logging::Log64, n::Log64>(r, features)?;
    register::<logging::LogPubkey, n::LogPubkey>(r, features)?;
    register::<logging::LogComputeUnits, n::LogComputeUnits>(r, features)?;
    register::<pda::CreateProgramAddress, n::CreateProgramAddress>(r, features)?;
    register::<pda::TryFindProgramAddress, n::TryFindProgramAddress>(r, features)?;
    register::<hashing::Sha256, n::Sha256>(r, features)?;
    register::<hashing::Keccak256, n::Keccak256>(r, features)?;
    register_not_implemented::<n::Secp256k1Recover>(r, features)?;
    register::<hashing::Blake3, n::Blake3>(r, features)?;
    register::<hashing::Sha512, n::Sha512>(r, features)?;
    register::<curve_syscalls::CurveValidatePoint, n::CurveValidatePoint>(r, features)?;
    register::<curve_syscalls::CurveGroupOp, n::CurveGroupOp>(r, features)?;
    register::<curve_syscalls::CurveMultiscalarMul, n::CurveMultiscalarMul>(r, features)?;
    register_not_implemented::<n::CurveDecompress>(r, features)?;
    register_not_implemented::<n::CurvePairingMap>(r, features)?;
    register::<sysvar::GetClock, n::GetClock>(r, features)?;
    register::<sysvar::GetEpochSchedule, n::GetEpochSchedule>(r, features)?;
    register_not_implemented::<n::GetFees>(r, features)?;
    register::<sysvar::GetRent, n::GetRent>(r, features)?;
    register::<sysvar::GetLastRestartSlot, n::GetLastRestartSlot>(r, features)?;
    register::<sysvar::GetEpochRewards, n::GetEpochRewards>(r, features)?;
    register::<mem_ops::Memcpy, n::Memcpy>(r, features)?;
    register::<mem_ops::Memmove, n::Memmove>(r, features)?;
    register::<mem_ops::Memset, n::Memset>(r, features)?;
    register::<mem_ops::Memcmp, n::Memcmp>(r, features)?;
    register::<introspection::GetProcessedSiblingInstruction, n::GetProcessedSiblingInstruction>(
        r, features,
    )?;
    register::<introspection::GetStackHeight, n::GetStackHeight>(r, features)?;
    register::<introspection::SetReturnData, n::SetReturnData>(r, features)?;
    register::<introspection::GetReturnData, n::GetReturnData>(r, features)?;
    register::<cpi::InvokeSignedC, n::InvokeSignedC>(r, features)?;
    register::<cpi::InvokeSignedRust, n::InvokeSignedRust>(r, features)?;
    register::<introspection::AllocFree, n::AllocFree>(r, features)?;
    register_not_implemented::<n::AltBn128GroupOp>(r, features)?;
    register_not_implemented::<n::BigModExp>(r, features)?;
    register_not_implemented::<n::Poseidon>(r, features)?;
    register::<introspection::RemainingComputeUnits, n::RemainingComputeUnits>(r, features)?;
    register_not_implemented::<n::AltBn128Compression>(r, features)?;
    register::<sysvar::GetSysvar, n::GetSysvar>(r, features)?;
    register::<introspection::GetEpochStake, n::GetEpochStake>(r, features)?;
    register::<logging::LogData, n::LogData>(r, features)?;
    Ok(())
}

/// The deployment environment for a feature set and budget: the execution environment
/// morphed as Agave's `morph_into_deployment_environment` does (no `sol_alloc_free_`, strict
/// ELF checks, the deployment SBPF versions of `features`).
pub fn create_deployment_environment(
    features: &FeatureSet,
    budget: &ComputeBudget,
) -> Result<ProgramEnvironment, LoadError> {
    create_deployment_environment_with(features, budget, &|_| Ok(()))
}

/// [`create_deployment_environment`] with the embedder's syscalls added by `extra` (see
/// [`create_environment_with`]).
pub fn create_deployment_environment_with(
    features: &FeatureSet,
    budget: &ComputeBudget,
    extra: &dyn Fn(&mut SyscallRegistry) -> Result<(), LoadError>,
) -> Result<ProgramEnvironment, LoadError> {
    let (min, max) = features.sbpf_deployment_version_range();
    let version = |index: u8| SbpfVersion::from_index(index).unwrap_or(SbpfVersion::V3);
    create_environment_with(features, budget, extra)?.for_deployment(version(min), version(max))
}

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
/// use sbfvm_vm::{syscall_name, Syscall, SyscallError, SyscallSupport, VmContext};
///
/// /// Returns r1 + r2 and charges 10 compute units.
/// struct Add;
/// impl Syscall for Add {
///     fn call(
///         context: &mut VmContext,
///         a: u64,
///         b: u64,
///         _: u64,
///         _: u64,
///         _: u64,
///     ) -> Result<u64, SyscallError> {
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
