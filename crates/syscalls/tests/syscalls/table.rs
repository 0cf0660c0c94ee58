//! The syscall table against Agave 4.4's registration, and the gate of each row.

use sbfvm_runtime::features::ids;
use sbfvm_runtime::{ComputeBudget, FeatureSet};
use sbfvm_syscalls::{create_environment, syscall_registered, SYSCALLS, SYSCALL_NAMES};
use sbfvm_test_support::stub_syscall_environment;
use sbfvm_vm::{EnvironmentOptions, SyscallSupport};

/// `solana-syscalls 4.4.0, src/lib.rs`, `create_program_runtime_environment`: every name it
/// registers, in its order.
const AGAVE_4_4_REGISTRATION: &str = "
    abort sol_panic_ sol_log_ sol_log_64_ sol_log_pubkey sol_log_compute_units_
    sol_create_program_address sol_try_find_program_address sol_sha256 sol_keccak256
    sol_secp256k1_recover sol_blake3 sol_sha512 sol_curve_validate_point sol_curve_group_op
    sol_curve_multiscalar_mul sol_curve_decompress sol_curve_pairing_map sol_get_clock_sysvar
    sol_get_epoch_schedule_sysvar sol_get_fees_sysvar sol_get_rent_sysvar
    sol_get_last_restart_slot sol_get_epoch_rewards_sysvar sol_memcpy_ sol_memmove_
    sol_memset_ sol_memcmp_ sol_get_processed_sibling_instruction sol_get_stack_height
    sol_set_return_data sol_get_return_data sol_invoke_signed_c sol_invoke_signed_rust
    sol_alloc_free_ sol_alt_bn128_group_op sol_big_mod_exp sol_poseidon
    sol_remaining_compute_units sol_alt_bn128_compression sol_get_sysvar sol_get_epoch_stake
    sol_log_data";

fn names(list: &str) -> Vec<&str> {
    list.split_whitespace().collect()
}

#[test]
fn the_table_is_agaves_registration_in_order() {
    assert_eq!(SYSCALL_NAMES.to_vec(), names(AGAVE_4_4_REGISTRATION));
    let rows: Vec<&str> = SYSCALLS.iter().map(|row| row.name).collect();
    assert_eq!(rows, names(AGAVE_4_4_REGISTRATION));
    // Every syscall of Agave 4.4's registry is implemented: no stub is left.
    for row in SYSCALLS {
        assert_eq!(row.support, SyscallSupport::Implemented, "{}", row.name);
    }
}

/// The names registered under `features`, with how, as the execution environment has them.
fn registered(features: &FeatureSet) -> Vec<(&'static str, SyscallSupport)> {
    let environment = create_environment(features, &ComputeBudget::default()).unwrap();
    let mut registered: Vec<_> = environment.registered_syscalls().collect();
    registered.sort_unstable_by_key(|(name, _)| *name);
    registered
}

/// Each row is registered exactly when its gate is open (all but `closed`), with the row's
/// support.
fn check_gates(features: &FeatureSet, closed: &str) {
    let closed = names(closed);
    let mut expected: Vec<(&str, SyscallSupport)> = SYSCALLS
        .iter()
        .filter(|row| !closed.contains(&row.name))
        .map(|row| (row.name, row.support))
        .collect();
    expected.sort_unstable_by_key(|(name, _)| *name);
    assert_eq!(registered(features), expected);
    for row in SYSCALLS {
        let open = !closed.contains(&row.name);
        assert_eq!(row.gate.is_open(features), open, "{}", row.name);
        assert_eq!(syscall_registered(features, row.name), Some(open));
    }
}

#[test]
fn gates_under_mainnet_none_and_all() {
    check_gates(
        &FeatureSet::mainnet(),
        "sol_blake3 sol_sha512 sol_get_fees_sysvar sol_big_mod_exp sol_remaining_compute_units",
    );
    check_gates(
        &FeatureSet::none(),
        "sol_blake3 sol_sha512 sol_curve_validate_point sol_curve_group_op
        sol_curve_multiscalar_mul sol_curve_decompress sol_curve_pairing_map
        sol_get_last_restart_slot sol_alt_bn128_group_op sol_big_mod_exp sol_poseidon
        sol_remaining_compute_units sol_alt_bn128_compression sol_get_sysvar sol_get_epoch_stake",
    );
    check_gates(&FeatureSet::all_enabled(), "sol_get_fees_sysvar");
}

#[test]
fn mainnet_registration() {
    let f = FeatureSet::mainnet();
    let registered = |name: &str| syscall_registered(&f, name).unwrap();
    for name in [
        "sol_poseidon",
        "sol_alt_bn128_group_op",
        "sol_alt_bn128_compression",
        "sol_curve_validate_point",
        "sol_curve_group_op",
        "sol_curve_multiscalar_mul",
        "sol_curve_decompress",
        "sol_curve_pairing_map",
        "sol_get_last_restart_slot",
        "sol_get_sysvar",
        "sol_get_epoch_stake",
        "sol_get_epoch_rewards_sysvar",
        "sol_invoke_signed_rust",
        "sol_alloc_free_",
        "abort",
    ] {
        assert!(registered(name), "{name}");
    }
    for name in [
        "sol_blake3",
        "sol_sha512",
        "sol_big_mod_exp",
        "sol_get_fees_sysvar",
        "sol_remaining_compute_units",
    ] {
        assert!(!registered(name), "{name}");
    }
    assert_eq!(syscall_registered(&f, "sol_not_a_syscall"), None);
}

#[test]
fn none_and_all_enabled_registration() {
    let none = FeatureSet::none();
    assert_eq!(syscall_registered(&none, "sol_get_fees_sysvar"), Some(true));
    assert_eq!(syscall_registered(&none, "sol_get_sysvar"), Some(false));
    let all = FeatureSet::all_enabled();
    assert_eq!(syscall_registered(&all, "sol_get_fees_sysvar"), Some(false));
}

#[test]
fn a_gate_follows_either_key_of_its_feature() {
    let h = FeatureSet::from_ids([ids::ENABLE_BIG_MOD_EXP_SYSCALL_DEC2024]);
    assert_eq!(syscall_registered(&h, "sol_big_mod_exp"), Some(true));
}

#[test]
fn the_stub_environment_registers_every_name() {
    let options = EnvironmentOptions::for_execution(&FeatureSet::none(), &ComputeBudget::default());
    let environment = stub_syscall_environment(options, &SYSCALL_NAMES).unwrap();
    for name in SYSCALL_NAMES {
        assert_eq!(
            environment.syscall_support(name),
            Some(SyscallSupport::Implemented),
            "{name}"
        );
    }
    assert_eq!(
        environment.registered_syscalls().count(),
        SYSCALL_NAMES.len()
    );
}
