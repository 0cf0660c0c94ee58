//! The syscall table: one row per syscall (name, feature gate, implementation), in the
//! order Agave 4.4 registers them (`solana-syscalls 4.4.0, src/lib.rs`,
//! `create_program_runtime_environment`). Registration ([`register_syscalls`]), the list
//! of names ([`SYSCALL_NAMES`]) and the gates ([`syscall_registered`]) all read it.
//!
//! Adding a syscall is one implementation (a [`Syscall`](sbfvm_vm::Syscall) type in its
//! module) and one `row!` here.

use sbfvm_runtime::FeatureSet;
use sbfvm_vm::{LoadError, SyscallName, SyscallRegistry, SyscallSupport};

use crate::{
    alt_bn128, big_mod_exp, bls12_381, cpi, curve_syscalls, hashing, introspection, logging,
    mem_ops, pda, poseidon, secp256k1, sysvar,
};
use Gate::{Always, Feature, Unless};

/// When a syscall is registered, as Agave's `register_feature_gated_function!` decides.
#[derive(Debug, Clone, Copy)]
pub enum Gate {
    /// Under every feature set.
    Always,
    /// While the [`FeatureSet`] accessor is true.
    Feature(fn(&FeatureSet) -> bool),
    /// While the [`FeatureSet`] accessor is false (a syscall a feature retires).
    Unless(fn(&FeatureSet) -> bool),
}

impl Gate {
    /// Whether a syscall with this gate is registered under `features`.
    pub fn is_open(self, features: &FeatureSet) -> bool {
        match self {
            Always => true,
            Feature(accessor) => accessor(features),
            Unless(accessor) => !accessor(features),
        }
    }
}

/// One syscall of [`SYSCALLS`]; rows are written with `row!`, so none lacks a part.
#[derive(Debug, Clone, Copy)]
pub struct SyscallRow {
    /// The name programs import it by.
    pub name: &'static str,
    /// The feature sets under which it is registered.
    pub gate: Gate,
    /// [`SyscallSupport::Implemented`] for every row: each syscall of Agave 4.4's registry
    /// is implemented (the variant for stubs stays in `sbfvm_vm` for embedders' tables).
    pub support: SyscallSupport,
    register: fn(&mut SyscallRegistry) -> Result<(), LoadError>,
}

impl SyscallRow {
    /// Registers the row's implementation under its name, whatever the gate.
    pub fn register(&self, registry: &mut SyscallRegistry) -> Result<(), LoadError> {
        (self.register)(registry)
    }
}

/// `row!(name, gate, implementation)`: the implementation is a `Syscall` type.
macro_rules! row {
    ($name:literal, $gate:expr, $implementation:ty) => {
        row!(@row $name, $gate, SyscallSupport::Implemented, $implementation)
    };
    (@row $name:literal, $gate:expr, $support:expr, $implementation:ty) => {
        SyscallRow {
            name: $name,
            gate: $gate,
            support: $support,
            register: {
                // The name as a type: the adapter records calls under it without state.
                struct Name;
                impl SyscallName for Name {
                    const NAME: &'static str = $name;
                }
                |registry| registry.register::<$implementation, Name>($support)
            },
        }
    };
}

/// Every syscall Agave 4.4 can register, in its registration order:
/// `row!(name, gate, implementation)`.
#[rustfmt::skip]
pub const SYSCALLS: &[SyscallRow] = &[
    row!("abort",                                 Always,                                                       logging::Abort),
    row!("sol_panic_",                            Always,                                                       logging::Panic),
    row!("sol_log_",                              Always,                                                       logging::Log),
    row!("sol_log_64_",                           Always,                                                       logging::Log64),
    row!("sol_log_pubkey",                        Always,                                                       logging::LogPubkey),
    row!("sol_log_compute_units_",                Always,                                                       logging::LogComputeUnits),
    row!("sol_create_program_address",            Always,                                                       pda::CreateProgramAddress),
    row!("sol_try_find_program_address",          Always,                                                       pda::TryFindProgramAddress),
    row!("sol_sha256",                            Always,                                                       hashing::Sha256),
    row!("sol_keccak256",                         Always,                                                       hashing::Keccak256),
    row!("sol_secp256k1_recover",                 Always,                                                       secp256k1::Secp256k1Recover),
    row!("sol_blake3",                            Feature(FeatureSet::blake3_syscall_enabled),                  hashing::Blake3),
    row!("sol_sha512",                            Feature(FeatureSet::enable_sha512_syscall),                   hashing::Sha512),
    row!("sol_curve_validate_point",              Feature(FeatureSet::curve25519_syscall_enabled),              curve_syscalls::CurveValidatePoint),
    row!("sol_curve_group_op",                    Feature(FeatureSet::curve25519_syscall_enabled),              curve_syscalls::CurveGroupOp),
    row!("sol_curve_multiscalar_mul",             Feature(FeatureSet::curve25519_syscall_enabled),              curve_syscalls::CurveMultiscalarMul),
    row!("sol_curve_decompress",                  Feature(FeatureSet::enable_bls12_381_syscall),                bls12_381::CurveDecompress),
    row!("sol_curve_pairing_map",                 Feature(FeatureSet::enable_bls12_381_syscall),                bls12_381::CurvePairingMap),
    row!("sol_get_clock_sysvar",                  Always,                                                       sysvar::GetClock),
    row!("sol_get_epoch_schedule_sysvar",         Always,                                                       sysvar::GetEpochSchedule),
    row!("sol_get_fees_sysvar",                   Unless(FeatureSet::disable_fees_sysvar),                      sysvar::GetFees),
    row!("sol_get_rent_sysvar",                   Always,                                                       sysvar::GetRent),
    row!("sol_get_last_restart_slot",             Feature(FeatureSet::last_restart_slot_sysvar),                sysvar::GetLastRestartSlot),
    // Agave 2.1 registered it only under `FeatureSet::partitioned_epoch_rewards`.
    row!("sol_get_epoch_rewards_sysvar",          Always,                                                       sysvar::GetEpochRewards),
    row!("sol_memcpy_",                           Always,                                                       mem_ops::Memcpy),
    row!("sol_memmove_",                          Always,                                                       mem_ops::Memmove),
    row!("sol_memset_",                           Always,                                                       mem_ops::Memset),
    row!("sol_memcmp_",                           Always,                                                       mem_ops::Memcmp),
    row!("sol_get_processed_sibling_instruction", Always,                                                       introspection::GetProcessedSiblingInstruction),
    row!("sol_get_stack_height",                  Always,                                                       introspection::GetStackHeight),
    row!("sol_set_return_data",                   Always,                                                       introspection::SetReturnData),
    row!("sol_get_return_data",                   Always,                                                       introspection::GetReturnData),
    row!("sol_invoke_signed_c",                   Always,                                                       cpi::InvokeSignedC),
    row!("sol_invoke_signed_rust",                Always,                                                       cpi::InvokeSignedRust),
    // Agave: while `!reject_deployment_of_broken_elfs`, i.e. for execution only
    // (`ProgramEnvironment::for_deployment` drops it).
    row!("sol_alloc_free_",                       Always,                                                       introspection::AllocFree),
    row!("sol_alt_bn128_group_op",                Feature(FeatureSet::enable_alt_bn128_syscall),                alt_bn128::AltBn128GroupOp),
    row!("sol_big_mod_exp",                       Feature(FeatureSet::enable_big_mod_exp_syscall),              big_mod_exp::BigModExp),
    row!("sol_poseidon",                          Feature(FeatureSet::enable_poseidon_syscall),                 poseidon::Poseidon),
    row!("sol_remaining_compute_units",           Feature(FeatureSet::remaining_compute_units_syscall_enabled), introspection::RemainingComputeUnits),
    row!("sol_alt_bn128_compression",             Feature(FeatureSet::enable_alt_bn128_compression_syscall),    alt_bn128::AltBn128Compression),
    row!("sol_get_sysvar",                        Feature(FeatureSet::get_sysvar_syscall_enabled),              sysvar::GetSysvar),
    row!("sol_get_epoch_stake",                   Feature(FeatureSet::enable_get_epoch_stake_syscall),          introspection::GetEpochStake),
    row!("sol_log_data",                          Always,                                                       logging::LogData),
];

/// The names of [`SYSCALLS`], in the same order.
pub const SYSCALL_NAMES: [&str; SYSCALLS.len()] = {
    let mut names = [""; SYSCALLS.len()];
    let mut index = 0;
    while index < SYSCALLS.len() {
        names[index] = SYSCALLS[index].name;
        index += 1;
    }
    names
};

/// Registers every syscall whose gate is open under `features`, in Agave's order; a
/// syscall whose gate is closed stays unresolved, as in Agave.
pub fn register_syscalls(
    registry: &mut SyscallRegistry,
    features: &FeatureSet,
) -> Result<(), LoadError> {
    SYSCALLS
        .iter()
        .filter(|row| row.gate.is_open(features))
        .try_for_each(|row| row.register(registry))
}

/// Whether Agave 4.4 registers the syscall `name` in the **execution** environment under
/// `features`: `Some(true)` / `Some(false)` for a name of [`SYSCALLS`], `None` for any other
/// name. (`sol_alloc_free_` is registered for execution but never for deployment.)
pub fn syscall_registered(features: &FeatureSet, name: &str) -> Option<bool> {
    SYSCALLS
        .iter()
        .find(|row| row.name == name)
        .map(|row| row.gate.is_open(features))
}
