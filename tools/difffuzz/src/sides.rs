//! Running a case on sbfvm and on Agave's runtime through Mollusk, from the same state.
//!
//! Harness differences, aligned here (sbfvm's own defaults stay mainnet's):
//! - features: Mollusk enables every feature its SVM reads (`SVMFeatureSet::all_enabled`);
//!   here it gets mainnet's, as sbfvm has them ([`mainnet_mollusk`]).
//! - sysvars: Mollusk's Clock is at slot 1 and its other sysvars are defaults; sbfvm takes
//!   Mollusk's Clock, EpochSchedule and EpochRewards, and Mollusk takes sbfvm's (mainnet)
//!   Rent representation, 3,480 lamports per byte-year × 2.0. Mollusk has no
//!   RecentBlockhashes; sbfvm is given none either.
//! - invoke depth: Mollusk's compute budget always has SIMD-0268's depth of 9; here it
//!   follows mainnet's `raise_cpi_nesting_limit_to_8`, as sbfvm does.
//! - sysvar accounts: Mollusk takes a sysvar account it is given into its sysvar cache, so a
//!   changed one would make the two disagree (sbfvm's sysvars stay as configured); on
//!   mainnet a sysvar's account always holds the sysvar, so the mutations never change one
//!   and a meta naming a sysvar gets its account as the bank keeps it. SlotHashes and
//!   StakeHistory are Mollusk's (its StakeHistory, one entry, is not padded to mainnet's
//!   16,392 bytes; sbfvm takes the same bytes).
//! - absent accounts: mainnet stores no account without lamports, so the mutations never
//!   make one (Mollusk would pass it through as given; sbfvm loads it empty).
//! - reserved keys: Mollusk compiles its message with no reserved account keys, so a
//!   builtin program or sysvar passed writable would stay writable there; mainnet (and
//!   sbfvm) demote it. The reference is given such metas read-only, which gives the message
//!   the privileges mainnet's demotion would (sbfvm's list of reserved keys decides which).
//! - rent: Mollusk checks the rent state after its one instruction (`AccountNotRentExempt`)
//!   where sbfvm checks it after the transaction (`InsufficientFundsForRent`); for one
//!   instruction both mean the same and both are reported as `rent`; the accounts are then
//!   compared as mainnet leaves them, rolled back (Mollusk returns the state after the
//!   instruction).

use std::cell::RefCell;
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use agave_account::Account as AgaveAccount;
use mollusk_svm::program::ProgramCache;
use mollusk_svm::result::ProgramResult;
use mollusk_svm::Mollusk;
use sbfvm::runtime::features::{FeatureSet, KNOWN_FEATURES};
use sbfvm::{Account, Config, ExecutionMode, ReadableAccount, Sbfvm, Sysvars, TransactionError};

use crate::case::Case;
use crate::effects::{AccountState, Effects};

/// Sets each named field of an `SVMFeatureSet` from the feature of the same name.
macro_rules! set_from_mainnet {
    ($svm:ident, $active:ident; $($name:ident,)*) => {
        $($svm.$name = $active(stringify!($name))?;)*
    };
}

/// Mollusk with mainnet's features, as sbfvm has them: every field of Agave's
/// `SVMFeatureSet` (`solana-svm-feature-set 4.3.2`, the features the SVM reads) set from
/// sbfvm's mainnet set; `Err` names a feature sbfvm does not know.
pub fn mainnet_mollusk() -> Result<Mollusk, String> {
    let mainnet = FeatureSet::mainnet();
    let active = |name: &str| -> Result<bool, String> {
        KNOWN_FEATURES
            .iter()
            .find(|info| info.name == name)
            .map(|info| mainnet.is_active(&info.id))
            .ok_or_else(|| format!("sbfvm does not know the SVM feature {name}"))
    };
    let mut mollusk = Mollusk::default();
    let mut svm = mollusk.feature_set;
    set_from_mainnet!(svm, active;
        move_precompile_verification_to_svm,
        syscall_parameter_address_restrictions,
        virtual_address_space_adjustments,
        account_data_direct_mapping,
        enable_bpf_loader_set_authority_checked_ix,
        deplete_cu_meter_on_vm_failure,
        abort_on_invalid_curve,
        blake3_syscall_enabled,
        curve25519_syscall_enabled,
        disable_fees_sysvar,
        disable_sbpf_v0_execution,
        disable_sbpf_v0_v1_v2_deployment,
        enable_alt_bn128_compression_syscall,
        enable_alt_bn128_syscall,
        enable_big_mod_exp_syscall,
        enable_get_epoch_stake_syscall,
        enable_poseidon_syscall,
        get_sysvar_syscall_enabled,
        last_restart_slot_sysvar,
        reenable_sbpf_v0_execution,
        remaining_compute_units_syscall_enabled,
        remove_bpf_loader_incorrect_program_id,
        move_stake_and_move_lamports_ixs,
        deprecate_legacy_vote_ixs,
        simplify_alt_bn128_syscall_error_codes,
        fix_alt_bn128_multiplication_input_length,
        increase_tx_account_lock_limit,
        formalize_loaded_transaction_data_size,
        disable_zk_elgamal_proof_program,
        reenable_zk_elgamal_proof_program,
        delay_commission_updates,
        raise_cpi_nesting_limit_to_8,
        increase_cpi_account_info_limit,
        poseidon_enforce_padding,
        fix_alt_bn128_pairing_length_check,
        alt_bn128_little_endian,
        create_account_allow_prefund,
        bls_pubkey_management_in_vote_account,
        enable_alt_bn128_g2_syscalls,
        commission_rate_in_basis_points,
        custom_commission_collector,
        enable_bls12_381_syscall,
        block_revenue_sharing,
        vote_account_initialize_v2,
        direct_account_pointers_in_program_input,
        loader_v3_minimum_extend_program_size,
        enable_sha512_syscall,
        relax_post_exec_min_balance_check,
        define_ltds_fee_only_semantics,
        relax_fee_payer_constraint,
    );
    mollusk.feature_set = svm;
    // Mollusk always takes SIMD-0268's invoke depth (9); mainnet's follows its feature.
    mollusk.compute_budget.max_instruction_stack_depth = mainnet.max_instruction_stack_depth();
    // A failed rent-state check is a result here, not a panic.
    mollusk.config.panic = false;
    // The program cache's environments (syscalls, SBPF versions) come from the features.
    mollusk.program_cache = ProgramCache::new(&svm, &mollusk.compute_budget, false);
    // sbfvm's (mainnet's) Rent, in the fields of Agave's older representation.
    let rent = sbfvm::RentParams::default();
    #[allow(deprecated)]
    {
        mollusk.sysvars.rent.lamports_per_byte = rent.lamports_per_byte_year;
        mollusk.sysvars.rent.exemption_threshold = rent.exemption_threshold.to_le_bytes();
        mollusk.sysvars.rent.burn_percent = rent.burn_percent;
    }
    Ok(mollusk)
}

/// [`mainnet_mollusk`] with the case's programs and limit.
fn mollusk(case: &Case) -> Result<Mollusk, String> {
    let mut mollusk = mainnet_mollusk()?;
    mollusk.compute_budget.compute_unit_limit = case.compute_unit_limit;
    for program in &case.programs {
        mollusk.add_program_with_loader_and_elf(&program.id, &program.loader.id(), &program.elf);
    }
    Ok(mollusk)
}

thread_local! {
    /// [`aligned_sysvars`], built once per thread rather than per case.
    static ALIGNED_SYSVARS: Sysvars = sysvars_aligned_with(&Mollusk::default());
}

/// sbfvm's sysvars aligned with Mollusk's defaults.
pub fn aligned_sysvars() -> Sysvars {
    ALIGNED_SYSVARS.with(Sysvars::clone)
}

thread_local! {
    /// The accounts of [`aligned_sysvars`], as both sides' stores hold them.
    static SYSVAR_ACCOUNTS: Vec<(sbfvm::Pubkey, Account)> = aligned_sysvars().accounts();
}

/// A sysvar's account as the bank keeps it (in step with the sysvar), or `None` for a key
/// that is not one of the sysvars both sides provide.
pub fn sysvar_account(key: &sbfvm::Pubkey) -> Option<Account> {
    SYSVAR_ACCOUNTS.with(|accounts| {
        accounts
            .iter()
            .find(|(id, _)| id == key)
            .map(|(_, account)| account.clone())
    })
}

fn sysvars_aligned_with(reference: &Mollusk) -> Sysvars {
    let mut sysvars = Sysvars::default();
    // The same SDK types on both sides.
    sysvars.clock = reference.sysvars.clock.clone();
    sysvars.epoch_schedule = reference.sysvars.epoch_schedule.clone();
    sysvars.epoch_rewards = reference.sysvars.epoch_rewards.clone();
    sysvars.last_restart_slot = reference.sysvars.last_restart_slot.last_restart_slot;
    // Mollusk's sysvar cache has no RecentBlockhashes (the nonce instructions get
    // UnsupportedSysvar there); sbfvm's default lists the environment's blockhash.
    sysvars.recent_blockhashes = sbfvm::runtime::sysvars::RecentBlockhashes::Unavailable;
    // SlotHashes and StakeHistory as Mollusk's sysvar cache holds them (its SlotHashes has
    // 512 entries, so it has mainnet's size; its StakeHistory has one and is not padded).
    let serialized = "Mollusk's sysvars serialize";
    sysvars.slot_hashes =
        Some(bincode::serialize(&reference.sysvars.slot_hashes).expect(serialized));
    sysvars.stake_history =
        Some(bincode::serialize(&reference.sysvars.stake_history).expect(serialized));
    sysvars
}

/// A case's programs, by address, loader and ELF (the seed's shared bytes): cases with the
/// same set can run on the same instances.
type ProgramSet = Vec<(sbfvm::Pubkey, sbfvm::Pubkey, usize)>;

fn program_set(case: &Case) -> ProgramSet {
    case.programs
        .iter()
        .map(|program| {
            let elf = Arc::as_ptr(&program.elf) as usize;
            (program.id, program.loader.id(), elf)
        })
        .collect()
}

/// Whether a case may run on instances kept from earlier cases with the same programs
/// (compiling a large program for every case would dominate the run time): neither its
/// program nor any meta is a loader, whose instructions could change a deployed program,
/// and it gives no account of its own for a deployed program's address (a CPI callee named
/// by a meta is passed as an account, which the mutator may change: sbfvm's store would
/// keep that account for later cases, Mollusk's program cache would not read it).
/// Every other account a case names is set before it runs, and a transaction changes only
/// accounts it names, so what earlier cases left behind is never read.
fn reusable(case: &Case) -> bool {
    let loaders = [
        solana_sdk_ids::bpf_loader::id(),
        solana_sdk_ids::bpf_loader_deprecated::id(),
        solana_sdk_ids::bpf_loader_upgradeable::id(),
        solana_sdk_ids::loader_v4::id(),
    ];
    let instruction = &case.instruction;
    !loaders.contains(&instruction.program_id)
        && !instruction
            .accounts
            .iter()
            .any(|meta| loaders.contains(&meta.pubkey))
        && !case
            .accounts
            .iter()
            .any(|(key, _)| case.programs.iter().any(|program| program.id == *key))
}

thread_local! {
    static SBFVM_INSTANCES: RefCell<HashMap<(ProgramSet, bool), Sbfvm>> = RefCell::default();
    static REFERENCE_INSTANCES: RefCell<HashMap<ProgramSet, Mollusk>> = RefCell::default();
}

/// Drops every kept instance, so the next cases run on fresh ones.
pub fn forget_instances() {
    SBFVM_INSTANCES.with(|map| map.borrow_mut().clear());
    REFERENCE_INSTANCES.with(|map| map.borrow_mut().clear());
}

/// Runs `run` on an instance for `key`: a kept one when `reuse` allows, else a new one from
/// `new`; the instance is kept afterwards only when it may be reused and `run` did not panic.
fn with_instance<K: std::hash::Hash + Eq, I, R>(
    instances: &'static std::thread::LocalKey<RefCell<HashMap<K, I>>>,
    key: K,
    reuse: bool,
    new: impl FnOnce() -> I,
    run: impl FnOnce(&mut I) -> R,
) -> Result<R, String> {
    let kept = if reuse {
        instances.with(|map| map.borrow_mut().remove(&key))
    } else {
        None
    };
    let mut instance = match kept {
        Some(instance) => instance,
        None => catch_unwind(AssertUnwindSafe(new)).map_err(panic_message)?,
    };
    let result = catch_unwind(AssertUnwindSafe(|| run(&mut instance))).map_err(panic_message)?;
    if reuse {
        instances.with(|map| map.borrow_mut().insert(key, instance));
    }
    Ok(result)
}

/// The case on sbfvm in `mode`; `Err` with the panic message if it panicked.
pub fn run_sbfvm(case: &Case, mode: ExecutionMode) -> Result<Effects, String> {
    let new = || {
        let config = Config {
            features: FeatureSet::mainnet(),
            sysvars: aligned_sysvars(),
            mode,
            ..Config::default()
        };
        let mut vm = Sbfvm::new(config).expect("the configuration is valid");
        for program in &case.programs {
            // A program that does not load is "not deployed" on both sides.
            let _ = vm.add_program(program.id, program.loader, &program.elf);
        }
        vm
    };
    let key = (program_set(case), mode == ExecutionMode::Jit);
    with_instance(&SBFVM_INSTANCES, key, reusable(case), new, |vm| {
        for (key, account) in &case.accounts {
            vm.set_account(*key, account.clone());
        }
        let outcome = vm.process_transaction(
            std::slice::from_ref(&case.instruction),
            Some(case.compute_unit_limit),
        );
        let transaction = &outcome.transaction;
        let result = match &transaction.result {
            Ok(()) => "ok".to_string(),
            Err(TransactionError::InstructionError(_, error)) => format!("{error:?}"),
            Err(TransactionError::InsufficientFundsForRent { .. }) => "rent".to_string(),
            Err(other) => format!("transaction: {other:?}"),
        };
        // An account of the case the instruction does not name is left as it was.
        let after = |key: &sbfvm::Pubkey, given: &Account| -> Account {
            transaction
                .account_keys
                .iter()
                .position(|candidate| candidate == key)
                .map(|index| transaction.accounts_after[index].clone().into())
                .unwrap_or_else(|| given.clone())
        };
        Effects {
            result,
            compute_units: transaction.compute_units_consumed,
            return_data: transaction
                .return_data
                .as_ref()
                .map(|data| data.data.clone())
                .unwrap_or_default(),
            accounts: compared(case)
                .map(|(key, given)| state(*key, &after(key, given)))
                .collect(),
            logs: transaction.logs.to_vec(),
            instructions_sysvar: transaction
                .account_keys
                .iter()
                .position(|key| *key == solana_sdk_ids::sysvar::instructions::id())
                .map(|index| transaction.accounts_before[index].data().to_vec()),
        }
    })
}

/// The case on Agave's runtime; `Err` with the panic message if it panicked.
pub fn run_reference(case: &Case) -> Result<Effects, String> {
    let new = || mollusk(case).expect("checked when the worker started");
    with_instance(
        &REFERENCE_INSTANCES,
        program_set(case),
        reusable(case),
        new,
        |mollusk| {
            mollusk.compute_budget.compute_unit_limit = case.compute_unit_limit;
            let logger = solana_svm_log_collector::LogCollector::new_ref();
            mollusk.logger = Some(logger.clone());
            // Mollusk builds the Instructions sysvar only when it is not given one.
            let accounts: Vec<(sbfvm::Pubkey, AgaveAccount)> = compared(case)
                .map(|(key, account)| (*key, to_agave(account)))
                .collect();
            let result =
                mollusk.process_instruction(&with_reserved_keys_read_only(case), &accounts);
            let logs = logger.borrow().get_recorded_content().to_vec();
            let outcome = match (&result.raw_result, &result.program_result) {
                (Ok(()), ProgramResult::Success) => "ok".to_string(),
                (Ok(()), _) => "rent".to_string(),
                (Err(error), _) => format!("{error:?}"),
            };
            Effects {
                result: outcome.clone(),
                compute_units: result.compute_units_consumed,
                return_data: result.return_data.clone(),
                logs: logs.clone(),
                instructions_sysvar: mainnet_instructions_sysvar(&case.instruction),
                accounts: compared(case)
                    .map(|(key, given)| {
                        // A transaction that fails its rent-state check is rolled back on
                        // mainnet; Mollusk hands back the state after the instruction.
                        if outcome == "rent" {
                            return state(*key, given);
                        }
                        let account = result
                            .resulting_accounts
                            .iter()
                            .find(|(candidate, _)| candidate == key)
                            .map(|(_, account)| from_agave(account))
                            .unwrap_or_default();
                        state(*key, &account)
                    })
                    .collect(),
            }
        },
    )
}

thread_local! {
    /// The reserved account keys active under sbfvm's mainnet features, by Agave's list.
    static RESERVED_KEYS: std::collections::HashSet<sbfvm::Pubkey> = {
        let mainnet = FeatureSet::mainnet();
        let mut features = agave_feature_set::FeatureSet::default();
        for info in KNOWN_FEATURES.iter().filter(|info| mainnet.is_active(&info.id)) {
            features.activate(&info.id, 0);
        }
        let mut keys = agave_reserved_account_keys::ReservedAccountKeys::default();
        keys.update_active_set(&features);
        keys.active
    };
}

/// The Instructions sysvar's data for a one-instruction transaction of `instruction`, built
/// as Agave's SVM builds it (`solana-svm 4.3.2, src/account_loader.rs`,
/// `construct_instructions_account`: `construct_instructions_data` over the sanitized
/// message's instructions, each meta with the message's privileges), when a meta names it.
fn mainnet_instructions_sysvar(instruction: &sbfvm::Instruction) -> Option<Vec<u8>> {
    let id = solana_sdk_ids::sysvar::instructions::id();
    if !instruction.accounts.iter().any(|meta| meta.pubkey == id) {
        return None;
    }
    // A sanitized message has a fee payer (a writable signer); one the instruction does not
    // name changes no meta's privileges, as sbfvm's payer-less message assumes.
    let payer = sbfvm::Pubkey::new_from_array([0xfe; 32]);
    let message =
        solana_message::legacy::Message::new(std::slice::from_ref(instruction), Some(&payer));
    let sanitized = RESERVED_KEYS.with(|reserved| {
        solana_message::SanitizedMessage::try_from_legacy_message(message, reserved)
    });
    let Ok(sanitized) = sanitized else {
        return Some(b"(the message does not sanitize)".to_vec());
    };
    Some(
        solana_instructions_sysvar::construct_instructions_data(
            &sanitized.decompile_instructions(),
        )
        .unwrap_or_else(|_| b"(too large)".to_vec()),
    )
}

/// The case's instruction with every reserved key's metas read-only: mainnet's message
/// demotes them, Mollusk's (compiled with no reserved keys) does not; a key read-only in
/// every meta gets the same message privileges, so the reference runs as mainnet would.
fn with_reserved_keys_read_only(case: &Case) -> sbfvm::Instruction {
    let mut instruction = case.instruction.clone();
    for meta in &mut instruction.accounts {
        if sbfvm::runtime::message::is_reserved_account_key(&meta.pubkey) {
            meta.is_writable = false;
        }
    }
    instruction
}

/// The case's accounts both sides are given and compared on: all but the Instructions
/// sysvar, which each side builds from its message (what programs read of it shows in the
/// rest of the effects).
fn compared(case: &Case) -> impl Iterator<Item = &(sbfvm::Pubkey, Account)> {
    case.accounts
        .iter()
        .filter(|(key, _)| *key != solana_sdk_ids::sysvar::instructions::id())
}

fn state(key: sbfvm::Pubkey, account: &Account) -> AccountState {
    AccountState {
        key,
        lamports: account.lamports,
        data: account.data.clone(),
        owner: account.owner,
        executable: account.executable,
    }
}

fn to_agave(account: &Account) -> AgaveAccount {
    AgaveAccount {
        lamports: account.lamports,
        data: account.data.clone(),
        owner: account.owner,
        executable: account.executable,
        rent_epoch: account.rent_epoch,
    }
}

fn from_agave(account: &AgaveAccount) -> Account {
    Account {
        lamports: account.lamports,
        data: account.data.clone(),
        owner: account.owner,
        executable: account.executable,
        rent_epoch: account.rent_epoch,
    }
}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|text| text.to_string()))
        .unwrap_or_else(|| "panic".to_string())
}
