//! Feature gates: the id, name and mainnet status of every Agave feature the runtime knows, and
//! the [`FeatureSet`] that the VM, syscall, CPI, loader and System-program code consults.
//!
//! # Sources
//!
//! - **Ids, names, Agave descriptions:** crates.io `agave-feature-set` **4.4.0** `src/lib.rs`
//!   (the primary reference). The three features marked "Agave 4.5-alpha
//!   only" come from `agave-feature-set` 4.5.0-alpha.4.
//! - **Mainnet status:** `litesvm` 0.18.1 `src/features.rs`, `MAINNET_ACTIVE_FEATURES`
//!   ("sourced from the cluster on 2026-10-15"). The comment above each table entry gives
//!   the activation slot.
//! - **Older keys:** the Dec-2024 conformance fixtures (Firedancer `feature_map.json`, whose
//!   u64 ids the tests below check; see "Fixture encoding") and, for
//!   `stricter_abi_and_runtime_constraints`, 2025 Agave master.
//!
//! # Fixture encoding
//!
//! Conformance fixtures name a feature by the first 8 bytes of its pubkey read as a
//! little-endian `u64` ([`feature_u64_id`], [`FeatureSet::lookup_by_u64`],
//! [`FeatureSet::from_u64_ids`], which drops ids that match no known feature, as the reference
//! harness does).
//!
//! # Rekeyed features
//!
//! Some features changed keys between Agave 2.1 (used by the Dec-2024 fixtures) and Agave 4.4.
//! Both keys are known. The old key has its own entry (its old Agave name, or the Agave name
//! plus `_dec2024`) with `mainnet_active = false`. The typed accessors on [`FeatureSet`] (for
//! example [`FeatureSet::enable_get_epoch_stake_syscall`]) read the old key as the same switch;
//! [`FeatureSet::is_active`] itself is exact.
//!
//! # Gates Agave 4.4 no longer reads
//!
//! Agave deletes a gate from the code once the feature is active everywhere, after which the
//! behaviour is unconditional (e.g. `syscall_parameter_address_restrictions`,
//! `increase_cpi_account_info_limit`, `enable_sbpf_v1/v2/v3_deployment_and_execution`). Those
//! features are still listed (and active in [`FeatureSet::mainnet`]) so that older behaviour can
//! be selected explicitly, e.g. for the Dec-2024 fixtures; their descriptions say "Gate removed".
//!
//! # Gates Agave 4.4's execution reads
//!
//! Agave 4.4 hands its SVM the 50 gates of `SVMFeatureSet` (`solana-svm-feature-set 4.4.0,
//! src/lib.rs`); its program runtime, loaders, syscalls and System program read them (Vote-,
//! fee- and transaction-level readers aside). Where sbfvm honours each:
//!
//! | Gates | Read in sbfvm by |
//! |---|---|
//! | `blake3_syscall_enabled`, `curve25519_syscall_enabled`, `disable_fees_sysvar`, `enable_alt_bn128_syscall`, `enable_alt_bn128_compression_syscall`, `enable_big_mod_exp_syscall`, `enable_get_epoch_stake_syscall`, `enable_poseidon_syscall`, `enable_sha512_syscall`, `enable_bls12_381_syscall`, `get_sysvar_syscall_enabled`, `last_restart_slot_sysvar`, `remaining_compute_units_syscall_enabled` | the syscall table (`sbfvm-syscalls`, `table.rs`) |
//! | `abort_on_invalid_curve`, `enable_bls12_381_syscall` | `sbfvm-syscalls`, `curve_syscalls.rs` |
//! | `alt_bn128_little_endian`, `enable_alt_bn128_g2_syscalls` | `sbfvm-syscalls`, `alt_bn128.rs` |
//! | `disable_sbpf_v0_execution`, `reenable_sbpf_v0_execution` | [`FeatureSet::sbpf_version_range`] (`sbfvm-vm`, `environment.rs`) |
//! | `disable_sbpf_v0_v1_v2_deployment`, `enable_bpf_loader_set_authority_checked_ix`, `loader_v3_minimum_extend_program_size`, `loader_v3_set_program_data_to_elf_length` | `builtins/bpf_loader.rs` (and CPI's authorized-program check) |
//! | `deplete_cu_meter_on_vm_failure`, `direct_account_pointers_in_program_input` | `sbfvm-vm`, `executor.rs` and `serialization.rs` |
//! | `virtual_address_space_adjustments` | the VM configuration (`sbfvm-vm`, `environment.rs`: no stack frame gaps, unaligned mapping); the input's per-account data regions, read-only for accounts the program may not change, growing from the access handler (`sbfvm-vm`, `serialization.rs`, `memory.rs`), the account errors of faults inside them (`executor.rs`), and CPI's account and region updates (`sbfvm-syscalls`, `cpi.rs`); the Dec-2024 `bpf_account_data_direct_mapping` key brings only the VM configuration ([`FeatureSet::per_account_input_regions`]) |
//! | `raise_cpi_nesting_limit_to_8`, `relax_post_exec_min_balance_check` | `processor.rs` |
//! | `create_account_allow_prefund` | `builtins/system.rs` |
//! | `increase_tx_account_lock_limit`, `formalize_loaded_transaction_data_size` | the transaction layer (`transaction/mod.rs`: the account lock limit, the loaded-accounts data size) |
//! | `disable_zk_elgamal_proof_program`, `reenable_zk_elgamal_proof_program` | the ZK ElGamal proof builtin |
//! | `move_precompile_verification_to_svm`, `remove_bpf_loader_incorrect_program_id`, `move_stake_and_move_lamports_ixs`, `increase_cpi_account_info_limit`, `simplify_alt_bn128_syscall_error_codes`, `fix_alt_bn128_multiplication_input_length`, `fix_alt_bn128_pairing_length_check`, `poseidon_enforce_padding` | nobody in Agave 4.4 (fields it never reads; the behaviour is unconditional). sbfvm reads the last five to select the older behaviour, see "Gates Agave 4.4 no longer reads" |
//! | everything in [`UNIMPLEMENTED_GATES`]: `account_data_direct_mapping`, the Vote-program gates, `define_ltds_fee_only_semantics`, `relax_fee_payer_constraint` | refused: [`FeatureSet::unimplemented_changes`] names them when a feature set toggles them, and the `sbfvm` library and scenarios refuse to run with it |
//!
//! `limit_instruction_accounts` (SIMD-0406) is not among them: Agave 4.4 applies the limit of
//! 255 accounts per instruction unconditionally (`solana-runtime-transaction 4.4.0`,
//! `MAX_ACCOUNTS_PER_INSTRUCTION`), and so does sbfvm (`processor.rs`, `check_transaction`);
//! the gate selects nothing. Gates outside `SVMFeatureSet` (consensus, rewards, fees, shreds)
//! change nothing sbfvm executes and stay selectable.

use {
    solana_pubkey::Pubkey,
    std::{
        collections::{HashMap, HashSet},
        str::FromStr,
        sync::OnceLock,
    },
};

/// One known feature gate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FeatureInfo {
    /// The feature-gate account address.
    pub id: Pubkey,
    /// The Agave `feature-set/src/lib.rs` module name (older keys: see the module docs).
    pub name: &'static str,
    /// What the feature changes.
    pub description: &'static str,
    /// Active on mainnet-beta per the 2026-10-15 snapshot.
    pub mainnet_active: bool,
}

impl FeatureInfo {
    /// The id conformance fixtures use for this feature (see [`feature_u64_id`]).
    pub const fn u64_id(&self) -> u64 {
        feature_u64_id(&self.id)
    }
}

/// The first 8 bytes of a feature pubkey read as a little-endian `u64`: how the conformance
/// fixtures (`FeatureSet.features`) encode a feature.
pub const fn feature_u64_id(id: &Pubkey) -> u64 {
    let b = id.as_array();
    u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
}

const fn feature(
    id: Pubkey,
    name: &'static str,
    mainnet_active: bool,
    description: &'static str,
) -> FeatureInfo {
    FeatureInfo {
        id,
        name,
        description,
        mainnet_active,
    }
}

/// One constant per known feature, named after the Agave module name in SCREAMING_SNAKE case.
// Each id's name, mainnet status and description are its row of `KNOWN_FEATURES`
// (`FeatureSet::lookup_by_id`); a doc line per constant would only repeat them.
#[allow(missing_docs)]
pub mod ids {
    use solana_pubkey::{pubkey, Pubkey};

    // VM configuration, memory map and program input
    pub const VIRTUAL_ADDRESS_SPACE_ADJUSTMENTS: Pubkey =
        pubkey!("7VgiehxNxu53KdxgLspGQY8myE6f7UokaWa4jsGcaSz");
    pub const ACCOUNT_DATA_DIRECT_MAPPING: Pubkey =
        pubkey!("CR3dVN2Yoo95Y96kLSTaziWDAQT2MNEpiWh5cqVq2pNE");
    pub const SYSCALL_PARAMETER_ADDRESS_RESTRICTIONS: Pubkey =
        pubkey!("EDGMC5kxFxGk4ixsNkGt8bW7QL5hDMXnbwaZvYMwNfzF");
    pub const DIRECT_ACCOUNT_POINTERS_IN_PROGRAM_INPUT: Pubkey =
        pubkey!("ptr9umikaeAS7ZBBp2fsfRhie16F1V2jCKA2y6gXNAK");
    pub const PROVIDE_INSTRUCTION_DATA_OFFSET_IN_VM_R2: Pubkey =
        pubkey!("5xXZc66h4UdB6Yq7FzdBxBiRAFMMScMLwHxk2QZDaNZL");
    pub const MASK_OUT_RENT_EPOCH_IN_VM_SERIALIZATION: Pubkey =
        pubkey!("RENtePQcDLrAbxAsP3k8dwVcnNYQ466hi2uKvALjnXx");
    pub const DEPLETE_CU_METER_ON_VM_FAILURE: Pubkey =
        pubkey!("B7H2caeia4ZFcpE3QcgMqbiWiBtWrdBRBSJ1DY6Ktxbq");
    pub const ENABLE_SBPF_V1_DEPLOYMENT_AND_EXECUTION: Pubkey =
        pubkey!("JE86WkYvTrzW8HgNmrHY7dFYpCmSptUpKupbo2AdQ9cG");
    pub const ENABLE_SBPF_V2_DEPLOYMENT_AND_EXECUTION: Pubkey =
        pubkey!("F6UVKh1ujTEFK3en2SyAL3cdVnqko1FVEXWhmdLRu6WP");
    pub const ENABLE_SBPF_V3_DEPLOYMENT_AND_EXECUTION: Pubkey =
        pubkey!("5cC3foj77CWun58pC51ebHFUWavHWKarWyR5UUik7dnC");
    pub const REENABLE_SBPF_V0_EXECUTION: Pubkey =
        pubkey!("TestFeature21111111111111111111111111111111");
    pub const DISABLE_SBPF_V0_EXECUTION: Pubkey =
        pubkey!("TestFeature11111111111111111111111111111111");
    pub const DISABLE_SBPF_V0_V1_V2_DEPLOYMENT: Pubkey =
        pubkey!("B8JJXCy5amZyWG9r7EnUYLwzXSXTxG7GZ1qZ1qggo83g");
    pub const REJECT_CALLX_R10: Pubkey = pubkey!("3NKRSwpySNwD3TvP5pHnRmkAQRsdkXWRr1WaQh8p4PWX");
    pub const ERROR_ON_SYSCALL_BPF_FUNCTION_HASH_COLLISIONS: Pubkey =
        pubkey!("8199Q2gMD2kwgfopK5qqVWuDbegLgpuFUFHCcUJQDN8b");
    pub const SWITCH_TO_NEW_ELF_PARSER: Pubkey =
        pubkey!("Cdkc8PPTeTNUPoZEfCY5AyetUrEdkZtNPMgz58nqyaHD");
    pub const DISABLE_BPF_DEPRECATED_LOAD_INSTRUCTIONS: Pubkey =
        pubkey!("3XgNukcZWf9o3HdA3fpJbm94XFc4qpvTXc8h1wxYwiPi");
    pub const DISABLE_BPF_UNRESOLVED_SYMBOLS_AT_RUNTIME: Pubkey =
        pubkey!("4yuaYAj2jGMGTh1sSmi4G2eFscsDq8qjugJXZoBN6YEa");
    pub const DISABLE_DEPLOY_OF_ALLOC_FREE_SYSCALL: Pubkey =
        pubkey!("79HWsX9rpnnJBPcdNURVqygpMAfxdrAirzAGAVmf92im");
    pub const REQUESTABLE_HEAP_SIZE: Pubkey =
        pubkey!("CCu4boMmfLuqcmfTLPHQiUo22ZdUsXjgzPAURYaWt1Bw");
    pub const ROUND_UP_HEAP_SIZE: Pubkey = pubkey!("CE2et8pqgyQMP2mQRg3CgvX8nJBKUArMu3wfiQiQKY1y");
    pub const ENABLE_REQUEST_HEAP_FRAME_IX: Pubkey =
        pubkey!("Hr1nUA9b7NJ6eChS26o7Vi8gYYDDwWD3YeBfzJkTbU86");
    pub const NATIVE_PROGRAMS_CONSUME_CU: Pubkey =
        pubkey!("8pgXCMNXC8qyEFypuwpXyRxLXZdpM4Qo72gJ6k87A6wL");

    // Syscall registration and syscall behaviour
    pub const BLAKE3_SYSCALL_ENABLED: Pubkey =
        pubkey!("HTW2pSyErTj4BV6KBM9NZ9VBUJVxt7sacNWcf76wtzb3");
    pub const ENABLE_SHA512_SYSCALL: Pubkey =
        pubkey!("s512oDwgx8hjMnaQjXfqqrZroVj4HvC6TkN3iSSWXCh");
    pub const ENABLE_POSEIDON_SYSCALL: Pubkey =
        pubkey!("FL9RsQA6TVUoh5xJQ9d936RHSebA1NLQqe3Zv9sXZRpr");
    pub const POSEIDON_ENFORCE_PADDING: Pubkey =
        pubkey!("poUdAqRXXsNmfqAZ6UqpjbeYgwBygbfQLEvWSqVhSnb");
    pub const ENABLE_BIG_MOD_EXP_SYSCALL: Pubkey =
        pubkey!("expH2ppKPW2ANEdEmAjfhSEcnBQJfmoX4FjuNpe9ttg");
    pub const ENABLE_ALT_BN128_SYSCALL: Pubkey =
        pubkey!("A16q37opZdQMCbe5qJ6xpBB9usykfv8jZaMkxvZQi4GJ");
    pub const ALT_BN128_LITTLE_ENDIAN: Pubkey =
        pubkey!("bn2oPgpkzQPT3tohMaAsMVGjhDmmDa4jCaVPqCFmtxM");
    pub const ENABLE_ALT_BN128_G2_SYSCALLS: Pubkey =
        pubkey!("bn1hKNURMGQaQoEVxahcEAcqiX3NwRs6hgKKNSLeKxH");
    pub const ENABLE_ALT_BN128_COMPRESSION_SYSCALL: Pubkey =
        pubkey!("EJJewYSddEEtSZHiqugnvhQHiWyZKjkFDQASd7oKSagn");
    pub const SIMPLIFY_ALT_BN128_SYSCALL_ERROR_CODES: Pubkey =
        pubkey!("JDn5q3GBeqzvUa7z67BbmVHVdE3EbUAjvFep3weR3jxX");
    pub const FIX_ALT_BN128_MULTIPLICATION_INPUT_LENGTH: Pubkey =
        pubkey!("bn2puAyxUx6JUabAxYdKdJ5QHbNNmKw8dCGuGCyRrFN");
    pub const FIX_ALT_BN128_PAIRING_LENGTH_CHECK: Pubkey =
        pubkey!("bnYzodLwmybj7e1HAe98yZrdJTd7we69eMMLgCXqKZm");
    pub const CURVE25519_SYSCALL_ENABLED: Pubkey =
        pubkey!("7rcw5UtqgDTBBv2EcynNfYckgdAaH1MAsCjKgXMkN7Ri");
    pub const CURVE25519_RESTRICT_MSM_LENGTH: Pubkey =
        pubkey!("eca6zf6JJRjQsYYPkBHF3N32MTzur4n2WL4QiiacPCL");
    pub const ENABLE_BLS12_381_SYSCALL: Pubkey =
        pubkey!("b1sgUiJ3qu7hYm3tNDyyqZNQd6gLGJmJppnLNa93PCQ");
    pub const ABORT_ON_INVALID_CURVE: Pubkey =
        pubkey!("FuS3FPfJDKSNot99ECLXtp3rueq36hMNStJkPJwWodLh");
    pub const DISABLE_FEES_SYSVAR: Pubkey = pubkey!("JAN1trEUEtZjgXYzNBYHU9DYd7GnThhXfFP7SzPXkPsG");
    pub const LAST_RESTART_SLOT_SYSVAR: Pubkey =
        pubkey!("HooKD5NC9QNxk25QuzCssB8ecrEzGt6eXEPBUxWp1LaR");
    pub const GET_SYSVAR_SYSCALL_ENABLED: Pubkey =
        pubkey!("CLCoTADvV64PSrnR6QXty6Fwrt9Xc6EdxSJE4wLRePjq");
    pub const ENABLE_GET_EPOCH_STAKE_SYSCALL: Pubkey =
        pubkey!("FKe75t4LXxGaQnVHdUKM6DSFifVVraGZ8LyNo7oPwy1Z");
    pub const REMAINING_COMPUTE_UNITS_SYSCALL_ENABLED: Pubkey =
        pubkey!("5TuppMutoyzhUSfuYdhgzD47F92GL1g89KpCZQKqedxP");
    pub const PARTITIONED_EPOCH_REWARDS_SUPERFEATURE: Pubkey =
        pubkey!("PERzQrt5gBD1XEe2c9XdFWqwgHY3mr7cYWbm5V772V8");
    pub const SECP256K1_RECOVER_SYSCALL_ENABLED: Pubkey =
        pubkey!("6RvdSWHh8oh72Dp7wMTS2DBkf3fRPtChfNrAo3cZZoXJ");
    pub const LIMIT_SECP256K1_RECOVERY_ID: Pubkey =
        pubkey!("7g9EUwj4j7CS21Yx1wvgWLjSZeh5aPq8x9kpoPwXM8n8");
    pub const RETURN_DATA_SYSCALL_ENABLED: Pubkey =
        pubkey!("DwScAzPUjuv65TMbDnFY7AgwmotzWy3xpEJMXM3hZFaB");
    pub const SOL_LOG_DATA_SYSCALL_ENABLED: Pubkey =
        pubkey!("6uaHcKPGUy4J7emLBgUTeufhJdiwhngW6a1R9B7c2ob9");
    pub const ADD_GET_PROCESSED_SIBLING_INSTRUCTION_SYSCALL: Pubkey =
        pubkey!("CFK1hRCNy8JJuAAY8Pb2GjLFNdCThS2qwZNe3izzBMgn");
    pub const STOP_SIBLING_INSTRUCTION_SEARCH_AT_PARENT: Pubkey =
        pubkey!("EYVpEP7uzH1CoXzbD6PubGhYmnxRXPeq3PPsm1ba3gpo");
    pub const SYSCALL_SATURATED_MATH: Pubkey =
        pubkey!("HyrbKftCdJ5CrUfEti6x26Cj7rZLNe32weugk7tLcWb8");
    pub const CHECK_PHYSICAL_OVERLAPPING: Pubkey =
        pubkey!("nWBqjr3gpETbiaVj3CBJ3HFC5TMdnJDGt21hnvSTvVZ");
    pub const FIXED_MEMCPY_NONOVERLAPPING_CHECK: Pubkey =
        pubkey!("36PRUK2Dz6HWYdG9SpjeAsF5F3KxnFCakA2BZMbtMhSb");
    pub const CHECK_SYSCALL_OUTPUTS_DO_NOT_OVERLAP: Pubkey =
        pubkey!("3uRVPBpyEJRo1emLCrq38eLRFGcu6uKSpUXqGvU8T7SZ");
    pub const STOP_TRUNCATING_STRINGS_IN_SYSCALLS: Pubkey =
        pubkey!("16FMCmgLzCNNz6eTwGanbyN2ZxvTBSLuQ6DZhgeMshg");
    pub const UPDATE_SYSCALL_BASE_COSTS: Pubkey =
        pubkey!("2h63t332mGCCsWK2nqqqHhN4U9ayyqhLVFvczznHDoTZ");
    pub const CHECK_SLICE_TRANSLATION_SIZE: Pubkey =
        pubkey!("GmC19j9qLn2RFk5NduX6QXaDhVpGncVVBzyM8e9WMz2F");

    // CPI and instruction processing
    pub const RAISE_CPI_NESTING_LIMIT_TO_8: Pubkey =
        pubkey!("6TkHkRmP7JZy1fdM6fg5uXn76wChQBWGokHBJzrLB3mj");
    pub const INCREASE_CPI_ACCOUNT_INFO_LIMIT: Pubkey =
        pubkey!("H6iVbVaDZgDphcPbcZwc5LoznMPWQfnJ1AM7L1xzqvt5");
    pub const LOOSEN_CPI_SIZE_RESTRICTION: Pubkey =
        pubkey!("GDH5TVdbTPUpRnXaRyQqiKUa7uZAbZ28Q2N9bhbKoMLm");
    pub const INCREASE_TX_ACCOUNT_LOCK_LIMIT: Pubkey =
        pubkey!("9LZdXeKGeBV6hRLdxS1rHbHoEUsKqesCC2ZAPTPKJAbK");
    pub const MOVE_SERIALIZED_LEN_PTR_IN_CPI: Pubkey =
        pubkey!("74CoWuBmt3rUVUrCb2JiSTvh6nXyBWUsK4SaMj3CtE3T");
    pub const DISABLE_CPI_SETTING_EXECUTABLE_AND_RENT_EPOCH: Pubkey =
        pubkey!("B9cdB55u4jQsDNsdTK525yE9dmSc5Ga7YBaBrDFvEhM9");
    pub const CAP_BPF_PROGRAM_INSTRUCTION_ACCOUNTS: Pubkey =
        pubkey!("9k5ijzTbYPtjzu8wj2ErH9v45xecHzQ1x4PMYMMxFgdM");
    pub const EXECUTABLES_INCUR_CPI_DATA_COST: Pubkey =
        pubkey!("7GUcYgq4tVtaqNCKT3dho9r4665Qp5TxCZ27Qgjx3829");
    pub const ENABLE_EARLY_VERIFICATION_OF_ACCOUNT_MODIFICATIONS: Pubkey =
        pubkey!("7Vced912WrRnfjaiKRiNBcbuFw7RrnLv3E3z95Y4GTNc");
    pub const REMOVE_ACCOUNTS_EXECUTABLE_FLAG_CHECKS: Pubkey =
        pubkey!("FXs1zh47QbNnhXcnB6YiAQoJ4sGB91tKF3UFHLcKT7PM");
    pub const LIMIT_INSTRUCTION_ACCOUNTS: Pubkey =
        pubkey!("6aHuNsUmwSzCEMjrBzBCYaxHAyAcQBjVES92JigHBDuC");
    pub const STATIC_INSTRUCTION_LIMIT: Pubkey =
        pubkey!("64ixypL1HPu8WtJhNSMb9mSgfFaJvsANuRkTbHyuLfnx");
    pub const LIMIT_MAX_INSTRUCTION_TRACE_LENGTH: Pubkey =
        pubkey!("GQALDaC48fEhZGWRj9iL5Q889emJKcj3aCvHF7VCbbF4");
    pub const RECORD_INSTRUCTION_IN_TRANSACTION_CONTEXT_PUSH: Pubkey =
        pubkey!("3aJdcZqxoLpSBxgeYGjPwaYS1zzcByxUDqJkbzWAH1Zb");
    pub const REJECT_EMPTY_INSTRUCTION_WITHOUT_PROGRAM: Pubkey =
        pubkey!("9kdtFSrXHQg3hKkbXkQ6trJ3Ja1xpJ22CTFSNAciEwmL");
    pub const PREVENT_CALLING_PRECOMPILES_AS_PROGRAMS: Pubkey =
        pubkey!("4ApgRX3ud6p7LNMJmsuaAcZY5HWctGPr5obAsjB3A54d");
    pub const MOVE_PRECOMPILE_VERIFICATION_TO_SVM: Pubkey =
        pubkey!("9ypxGLzkMxi89eDerRKXWDXe44UY2z4hBig4mDhNq5Dp");
    pub const DO_SUPPORT_REALLOC: Pubkey = pubkey!("75m6ysz33AfLA5DDEzWM1obBrnPQRSsdVQ2nRmc8Vuu1");
    pub const DEMOTE_PROGRAM_WRITE_LOCKS: Pubkey =
        pubkey!("3E3jV7v9VcdJL8iYZUMax9DiDno8j7EWUVbhm9RtShj2");
    pub const ADD_NEW_RESERVED_ACCOUNT_KEYS: Pubkey =
        pubkey!("8U4skmMVnF6k2kMvrWbQuRUT3qQSiTYpSjqmhmgfthZu");

    // Program loaders
    pub const ENABLE_BPF_LOADER_SET_AUTHORITY_CHECKED_IX: Pubkey =
        pubkey!("5x3825XS7M2A3Ekbn5VGGkvFoAg5qrRWkTrY4bARP1GL");
    pub const ENABLE_BPF_LOADER_EXTEND_PROGRAM_IX: Pubkey =
        pubkey!("8Zs9W7D9MpSEtUWSQdGniZk2cNmV22y6FLJwCx53asme");
    pub const ENABLE_EXTEND_PROGRAM_CHECKED: Pubkey =
        pubkey!("ExtendProgCheckedWi11BeDe1eted11111111111111");
    pub const ENABLE_LOADER_V4: Pubkey = pubkey!("LoaderV4WasAbandoned11111111111111111111111");
    pub const DISABLE_DEPRECATED_LOADER: Pubkey =
        pubkey!("GTUMCZ8LTNxVfxdrw7ZsDFTxXb7TutYkzJnFwinpE6dg");
    pub const DISABLE_BPF_LOADER_INSTRUCTIONS: Pubkey =
        pubkey!("7WeS1vfPRgeeoXArLh7879YcB9mgE9ktjPDtajXeWfXn");
    pub const REMOVE_BPF_LOADER_INCORRECT_PROGRAM_ID: Pubkey =
        pubkey!("2HmTkCj9tXuPE4ueHzdD7jPeMf9JGCoZh5AsyoATiWEe");
    pub const SIMPLIFY_WRITABLE_PROGRAM_ACCOUNT_CHECK: Pubkey =
        pubkey!("5ZCcFAzJ1zsFKe1KSZa9K92jhx7gkcKj97ci2DBo1vwj");
    pub const ENABLE_PROGRAM_REDEPLOYMENT_COOLDOWN: Pubkey =
        pubkey!("J4HFT8usBxpcF63y46t1upYobJgChmKyZPm5uTBRg25Z");
    pub const DELAY_VISIBILITY_OF_PROGRAM_DEPLOYMENT: Pubkey =
        pubkey!("GmuBvtFb2aHfSfMXpuFeWZGHyDeCLPS79s48fmCWCfM5");
    pub const DISABLE_BUILTIN_LOADER_OWNERSHIP_CHAINS: Pubkey =
        pubkey!("4UDcAfQ6EcA6bdcadkeHpkarkhZGJ7Bpq7wTAiRMjkoi");
    pub const REDUCE_REQUIRED_DEPLOY_BALANCE: Pubkey =
        pubkey!("EBeznQDjcPG8491sFsKZYBi5S5jTVXMpAKNDJMQPS2kq");
    pub const LOADER_V3_MINIMUM_EXTEND_PROGRAM_SIZE: Pubkey =
        pubkey!("YbbRLkvenrocjGPGyoQE4wjnvYzTgfsk38NFmcYK7a5");
    pub const LOADER_V3_SET_PROGRAM_DATA_TO_ELF_LENGTH: Pubkey =
        pubkey!("EhisBfVtGvEA8bVCVN5VMaYEaX6iTfoUrmcDi8LY7Kxy");
    pub const RELAX_PROGRAMDATA_ACCOUNT_CHECK_MIGRATION: Pubkey =
        pubkey!("rexav5eNTUSNT1K2N7cfRjnthwhcP5BC25v2tA4rW4h");

    // System program, rent and transaction-level rules
    pub const CREATE_ACCOUNT_ALLOW_PREFUND: Pubkey =
        pubkey!("6sPDzwyARRExKH52LECxcGoqziH8G7SZofwuxi8Ja331");
    pub const RELAX_POST_EXEC_MIN_BALANCE_CHECK: Pubkey =
        pubkey!("BY4JhHLahVzS9ynfDz4exzGPbVXhFmJvEyMWsXbDBqME");
    pub const DEPRECATE_RENT_EXEMPTION_THRESHOLD: Pubkey =
        pubkey!("rent6iVy6PDoViPBeJ6k5EJQrkj62h7DPyLbWGHwjrC");
    pub const SET_LAMPORTS_PER_BYTE_TO_6333: Pubkey =
        pubkey!("4a6f7o7iTcA8hRDCrPLkSatnt5Ykxiu36wo5p1Tt12wC");
    pub const SET_LAMPORTS_PER_BYTE_TO_5080: Pubkey =
        pubkey!("61BtM7BkDEE8Yq5fskEVAQT9mYA8qCejJWoLe5apqg81");
    pub const SET_LAMPORTS_PER_BYTE_TO_2575: Pubkey =
        pubkey!("rntCigrTppP5JdZz7K8TyN9sMzLdAcXp8SejYpVpX6D");
    pub const SET_LAMPORTS_PER_BYTE_TO_1322: Pubkey =
        pubkey!("rntD7invRBswCAdKtRsh1G4psKjrPdS3BKqtnA78C7N");
    pub const SET_LAMPORTS_PER_BYTE_TO_696: Pubkey =
        pubkey!("rntTjNZ9boq8owDxjGVFHPfWNQPDaKiM5JcjxmDGg47");
    pub const SET_LAMPORTS_PER_BYTE_TO_6960: Pubkey =
        pubkey!("rnt8ZQpz2HYhX3DkYBDGjJS1a36mYq69oXka7JrhEdi");
    pub const SYSTEM_TRANSFER_ZERO_CHECK: Pubkey =
        pubkey!("BrTR9hzw4WBGFP65AJMbpAo64DcA3U6jdPSga9fMV5cS");
    pub const MERGE_NONCE_ERROR_INTO_SYSTEM_ERROR: Pubkey =
        pubkey!("21AWDosvp3pBamFW91KB35pNoaoZVTM7ess8nr2nt53B");
    pub const NONCE_MUST_BE_WRITABLE: Pubkey =
        pubkey!("BiCU7M5w8ZCMykVSyhZ7Q3m2SWoR2qrEQ86ERcDX77ME");
    pub const NONCE_MUST_BE_AUTHORIZED: Pubkey =
        pubkey!("HxrEu1gXuH7iD3Puua1ohd5n4iUKJyFNtNxk9DVJkvgr");
    pub const NONCE_MUST_BE_ADVANCEABLE: Pubkey =
        pubkey!("3u3Er5Vc2jVcwz4xr2GJeSAXT3fAj6ADHZ4BJMZiScFd");
    pub const SEPARATE_NONCE_FROM_BLOCKHASH: Pubkey =
        pubkey!("Gea3ZkK2N4pHuVZVxWcnAtS6UEDdyumdYt4pFcKjA3ar");
    pub const ENABLE_DURABLE_NONCE: Pubkey =
        pubkey!("4EJQtF2pkRyawwcTVfQutzq4Sa5hRhibF6QAK1QXhtEX");
    pub const LEAVE_NONCE_ON_SUCCESS: Pubkey =
        pubkey!("E8MkiWZNNPGU6n55jkGzyj8ghUmjCHRmDFdYYFYHxWhQ");
    pub const REQUIRE_STATIC_NONCE_ACCOUNT: Pubkey =
        pubkey!("7VVhpg5oAjAmnmz1zCcSHb2Z9ecZB2FQqpnEwReka9Zm");
    pub const REQUIRE_RENT_EXEMPT_ACCOUNTS: Pubkey =
        pubkey!("BkFDxiJQWZXGTZaJQxH7wVEHkAmwCgSEVkrvswFfRJPD");
    pub const INCLUDE_ACCOUNT_INDEX_IN_RENT_ERROR: Pubkey =
        pubkey!("2R72wpcQ7qV7aTJWUumdn8u5wmmTyXbK7qzEy7YSAgyY");
    pub const BETTER_ERROR_CODES_FOR_TX_LAMPORT_CHECK: Pubkey =
        pubkey!("Ffswd3egL3tccB6Rv3XY6oqfdzn913vUcjCSnpvCKpfx");
    pub const CAP_ACCOUNTS_DATA_ALLOCATIONS_PER_TRANSACTION: Pubkey =
        pubkey!("9gxu85LYRAcZL38We8MYJ4A9AwgBBPtVBAqebMcT1241");
    pub const CAP_TRANSACTION_ACCOUNTS_DATA_SIZE: Pubkey =
        pubkey!("DdLwVYuvDz26JohmgSbA7mjpJFgX5zP2dkp8qsF2C33V");
    pub const FORMALIZE_LOADED_TRANSACTION_DATA_SIZE: Pubkey =
        pubkey!("DeS7sR48ZcFTUmt5FFEVDr1v1bh73aAbZiZq3SYr8Eh8");
    pub const DEFINE_LTDS_FEE_ONLY_SEMANTICS: Pubkey =
        pubkey!("LTDSzjZKFJMKHYpNycG1FrWwGGTaFFwqEFjB5GGLNVD");
    pub const RELAX_FEE_PAYER_CONSTRAINT: Pubkey =
        pubkey!("FEEXbxUuKobtrt1qNK5pjtzbPQhsppBTrNNG74xu4mai");
    pub const DISABLE_RENT_FEES_COLLECTION: Pubkey =
        pubkey!("CJzY83ggJHqPGDq8VisV3U91jDJLuEaALZooBrXtnnLU");
    pub const MOVE_STAKE_AND_MOVE_LAMPORTS_IXS: Pubkey =
        pubkey!("7bTK6Jis8Xpfrs8ZoUfiMDPazTcdPcTWheZFJTA5Z6X4");

    // Agave 4.5-alpha only (not in agave-feature-set 4.4.0)
    pub const EARLY_INSTRUCTION_TRACE_OVERFLOW_DETECTION: Pubkey =
        pubkey!("HeqqMQXVqavmiJsGTEXgCMydzMEWiiQTAgbs9KVKJVww");
    pub const PASS_INPUT_METADATA_IN_VM_R3_R5: Pubkey =
        pubkey!("r3r5hXFhEZLB2VCDXmUysuDZj4oMbtW8JRVUqvQSgqE");
    pub const UNBOUND_LOADER_V3_INSTRUCTION_DATA: Pubkey =
        pubkey!("UPbPFtaUVoKZuMEJsDxLfvCNuKavoVapghnzepr1e26");

    // Older keys: Dec-2024 fixtures (Agave 2.1) and features gone from Agave 4.4
    pub const BPF_ACCOUNT_DATA_DIRECT_MAPPING: Pubkey =
        pubkey!("GJVDwRkUPNdk9QaK4VsU4g1N41QNxhy1hevjf8kz45Mq");
    pub const STRICTER_ABI_AND_RUNTIME_CONSTRAINTS: Pubkey =
        pubkey!("Eoh7e1sDqtyPtuiWAhBNSJinvtJWTTDgeUMRi3RF8zWS");
    pub const ENABLE_PARTITIONED_EPOCH_REWARD: Pubkey =
        pubkey!("9bn2vTJUsUcnpiZWbu2woSKtTGW3ErZC9ERv88SDqQjK");
    pub const ENABLE_PROGRAM_RUNTIME_V2_AND_LOADER_V4: Pubkey =
        pubkey!("8oBxsYqnCvUTGzgEpxPcnVf7MLbWWPYddE33PftFeBBd");
    pub const ENABLE_BIG_MOD_EXP_SYSCALL_DEC2024: Pubkey =
        pubkey!("EBq48m8irRKuE7ZnMTLvLg2UuGSqhe8s8oMqnmja1fJw");
    pub const ENABLE_GET_EPOCH_STAKE_SYSCALL_DEC2024: Pubkey =
        pubkey!("7mScTYkJXsbdrcwTQRs7oeCSXoJm4WjzBsRyf8bCU3Np");
    pub const REMOVE_ACCOUNTS_EXECUTABLE_FLAG_CHECKS_DEC2024: Pubkey =
        pubkey!("FfgtauHUWKeXTzjXkua9Px4tNGBFHKZ9WaigM5VbbzFx");
    pub const ENABLE_SECP256R1_PRECOMPILE_DEC2024: Pubkey =
        pubkey!("sr11RdZWgbHTHxSroPALe6zgaT5A1K9LcE4nfsZS4gi");
    pub const ENABLE_SBPF_V3_DEPLOYMENT_AND_EXECUTION_DEC2024: Pubkey =
        pubkey!("C8XZNs1bfzaiT3YDeXZJ7G5swQWQv7tVzDnCxtHvnSpw");
    pub const DISABLE_SBPF_V0_EXECUTION_DEC2024: Pubkey =
        pubkey!("XTestFeature1111111111111111111111111111111");

    // Other Agave 4.4 features (consensus, fees, stake, vote, builtin migrations)
    pub const DEPRECATE_REWARDS_SYSVAR: Pubkey =
        pubkey!("GaBtBJvmS4Arjj5W1NmFcyvPjsHN38UGYDq2MDwbs9Qu");
    pub const PICO_INFLATION: Pubkey = pubkey!("4RWNif6C2WCNiKVW7otP4G7dkmkHGyKQWRpuZ1pxKU5m");
    pub const FULL_INFLATION_DEVNET_AND_TESTNET: Pubkey =
        pubkey!("DT4n6ABDqs6w4bnfwrXT9rsprcPf6cdDga1egctaPkLC");
    pub const FULL_INFLATION_MAINNET_CERTUSONE_VOTE: Pubkey =
        pubkey!("BzBBveUDymEYoYzcMWNQCx3cd4jQs7puaVFHLtsbB6fm");
    pub const FULL_INFLATION_MAINNET_CERTUSONE_ENABLE: Pubkey =
        pubkey!("7XRJcS5Ud5vxGB54JbK9N2vBZVwnwdBNeJW1ibRgD9gx");
    pub const SECP256K1_PROGRAM_ENABLED: Pubkey =
        pubkey!("E3PHP7w8kB7np3CTQ1qQ2tW3KCtjRSXBQgW9vM2mWv2Y");
    pub const SPL_TOKEN_V2_MULTISIG_FIX: Pubkey =
        pubkey!("E5JiFDQCwyC6QfT9REFyMpfK2mHcmv1GUDySU1Ue7TYv");
    pub const NO_OVERFLOW_RENT_DISTRIBUTION: Pubkey =
        pubkey!("4kpdyrcj5jS47CZb2oJGfVxjYbsMm2Kx97gFyZrxxwXz");
    pub const FILTER_STAKE_DELEGATION_ACCOUNTS: Pubkey =
        pubkey!("GE7fRxmW46K6EmCD9AMZSbnaJ2e3LfqCZzdHi9hmYAgi");
    pub const REQUIRE_CUSTODIAN_FOR_LOCKED_STAKE_AUTHORIZE: Pubkey =
        pubkey!("D4jsDcXaqdW8tDAWn8H4R25Cdns2YwLneujSL1zvjW6R");
    pub const SPL_TOKEN_V2_SELF_TRANSFER_FIX: Pubkey =
        pubkey!("BL99GYhdjjcv6ys22C9wPgn2aTVERDbPHHo4NbS3hgp7");
    pub const WARP_TIMESTAMP_AGAIN: Pubkey =
        pubkey!("GvDsGDkH5gyzwpDhxNixx8vtx1kwYHH13RiNAPw27zXb");
    pub const CHECK_INIT_VOTE_DATA: Pubkey =
        pubkey!("3ccR6QpxGYsAbWyfevEtBNGfWV4xBffxRj2tD6A9i39F");
    pub const DEDUPE_CONFIG_PROGRAM_SIGNERS: Pubkey =
        pubkey!("8kEuAshXLsgkUEdcFVLqrjCGGHVWFW99ZZpxvAzzMtBp");
    pub const VERIFY_TX_SIGNATURES_LEN: Pubkey =
        pubkey!("EVW9B5xD9FFK7vw1SBARwMA4s5eRo5eKJdKpsBikzKBz");
    pub const VOTE_STAKE_CHECKED_INSTRUCTIONS: Pubkey =
        pubkey!("BcWknVcgvonN8sL4HE4XFuEVgfcee5MwxWPAgP6ZV89X");
    pub const RENT_FOR_SYSVARS: Pubkey = pubkey!("BKCPBQQBZqggVnFso5nQ8rQ4RwwogYwjuUt9biBjxwNF");
    pub const LIBSECP256K1_0_5_UPGRADE_ENABLED: Pubkey =
        pubkey!("DhsYfRjxfnh2g7HKJYSzT79r74Afa1wbHkAgHndrA1oy");
    pub const TX_WIDE_COMPUTE_CAP: Pubkey = pubkey!("5ekBxc8itEnPv4NzGJtr8BVVQLNMQuLMNQQj7pHoLNZ9");
    pub const SPL_TOKEN_V2_SET_AUTHORITY_FIX: Pubkey =
        pubkey!("FToKNBYyiF4ky9s8WsmLBXHCht17Ek7RXaLZGHzzQhJ1");
    pub const STAKE_MERGE_WITH_UNMATCHED_CREDITS_OBSERVED: Pubkey =
        pubkey!("meRgp4ArRPhD3KtCY9c5yAf2med7mBLsjKTPeVUHqBL");
    pub const ZK_TOKEN_SDK_ENABLED: Pubkey = pubkey!("zk1snxsc6Fh3wsGNbbHAJNHiJoYgF29mMnTSusGx5EJ");
    pub const VERSIONED_TX_MESSAGE_ENABLED: Pubkey =
        pubkey!("3KZZ6Ks1885aGBQ45fwRcPXVBCtzUvxhUTkwKMR41Tca");
    pub const LIBSECP256K1_FAIL_ON_BAD_COUNT: Pubkey =
        pubkey!("8aXvSuopd1PUj7UhehfXJRg6619RHp8ZvwTyyJHdUYsj");
    pub const LIBSECP256K1_FAIL_ON_BAD_COUNT2: Pubkey =
        pubkey!("54KAoNiUERNoWWUhTWWwXgym94gzoXFVnHyQwPA18V9A");
    pub const INSTRUCTIONS_SYSVAR_OWNED_BY_SYSVAR: Pubkey =
        pubkey!("H3kBSaKdeiUsyHmeHqjJYNc27jesXZ6zWj3zWkowQbkV");
    pub const STAKE_PROGRAM_ADVANCE_ACTIVATING_CREDITS_OBSERVED: Pubkey =
        pubkey!("SAdVFw3RZvzbo6DvySbSdBnHN4gkzSTH9dSxesyKKPj");
    pub const CREDITS_AUTO_REWIND: Pubkey = pubkey!("BUS12ciZ5gCoFafUHWW8qaFMMtwFQGVxjsDheWLdqBE2");
    pub const ED25519_PROGRAM_ENABLED: Pubkey =
        pubkey!("6ppMXNYLhVd7GcsZ5uV11wQEW7spppiMVfqQv5SXhDpX");
    pub const STAKES_REMOVE_DELEGATION_IF_INACTIVE: Pubkey =
        pubkey!("HFpdDDNQjvcXnXKec697HDDsyk6tFoWS2o8fkxuhQZpL");
    pub const OPTIMIZE_EPOCH_BOUNDARY_UPDATES: Pubkey =
        pubkey!("265hPS8k8xJ37ot82KEgjRunsUp5w4n4Q4VwwiN9i9ps");
    pub const REMOVE_NATIVE_LOADER: Pubkey =
        pubkey!("HTTgmruMYRZEntyL3EdCDdnS6e4D5wRq1FA7kQsb66qq");
    pub const SEND_TO_TPU_VOTE_PORT: Pubkey =
        pubkey!("C5fh68nJ7uyKAuYZg2x9sEQ5YrVf3dkW6oojNBSc3Jvo");
    pub const DISABLE_FEE_CALCULATOR: Pubkey =
        pubkey!("2jXx2yDmGysmBKfKYNgLj2DQyAQv6mMk2BPh4eSbyB4H");
    pub const ADD_COMPUTE_BUDGET_PROGRAM: Pubkey =
        pubkey!("4d5AKtxoh93Dwm1vHXUU3iRATuMndx1c431KgT2td52r");
    pub const SPL_TOKEN_V3_3_0_RELEASE: Pubkey =
        pubkey!("Ftok2jhqAqxUWEiCVRrfRs9DPppWP8cgTB7NQNKL88mS");
    pub const REJECT_NON_RENT_EXEMPT_VOTE_WITHDRAWS: Pubkey =
        pubkey!("7txXZZD6Um59YoLMF7XUNimbMjsqsWhc7g2EniiTrmp1");
    pub const EVICT_INVALID_STAKES_CACHE_ENTRIES: Pubkey =
        pubkey!("EMX9Q7TVFAmQ9V1CggAkhMzhXSg8ECp7fHrWQX2G1chf");
    pub const ALLOW_VOTES_TO_DIRECTLY_UPDATE_VOTE_STATE: Pubkey =
        pubkey!("Ff8b1fBeB86q8cjq47ZhsQLgv5EkHu3G1C99zjUfAzrq");
    pub const MAX_TX_ACCOUNT_LOCKS: Pubkey =
        pubkey!("CBkDroRDqm8HwHe6ak9cguPjUomrASEkfmxEaZ5CNNxz");
    pub const FILTER_VOTES_OUTSIDE_SLOT_HASHES: Pubkey =
        pubkey!("3gtZPqvPpsbXZVCx6hceMfWxtsmrjMzmg8C7PLKSxS2d");
    pub const STAKE_DEACTIVATE_DELINQUENT_INSTRUCTION: Pubkey =
        pubkey!("437r62HoAdUb63amq3D7ENnBLDhHT2xY8eFkLJYVKK4x");
    pub const VOTE_WITHDRAW_AUTHORITY_MAY_CHANGE_AUTHORIZED_VOTER: Pubkey =
        pubkey!("AVZS3ZsN4gi6Rkx2QUibYuSJG3S6QHib7xCYhG6vGJxU");
    pub const SPL_ASSOCIATED_TOKEN_ACCOUNT_V1_0_4: Pubkey =
        pubkey!("FaTa4SpiaSNH44PGC4z8bnGVTkSRYaWvrBs3KTu8XQQq");
    pub const REJECT_VOTE_ACCOUNT_CLOSE_UNLESS_ZERO_CREDIT_EPOCH: Pubkey =
        pubkey!("ALBk3EWdeAg2WAGf6GPDUf1nynyNqCdEVmgouG7rpuCj");
    pub const BANK_TRANSACTION_COUNT_FIX: Pubkey =
        pubkey!("Vo5siZ442SaZBKPXNocthiXysNviW4UYPwRFggmbgAp");
    pub const STAKE_SPLIT_USES_RENT_SYSVAR: Pubkey =
        pubkey!("FQnc7U4koHqWgRvFaBJjZnV8VPg6L6wWK33yJeDp4yvV");
    pub const ADD_GET_MINIMUM_DELEGATION_INSTRUCTION_TO_STAKE_PROGRAM: Pubkey =
        pubkey!("St8k9dVXP97xT6faW24YmRSYConLbhsMJA4TJTBLmMT");
    pub const DROP_REDUNDANT_TURBINE_PATH: Pubkey =
        pubkey!("4Di3y24QFLt5QEUPZtbnjyfQKfm6ZMTfa6Dw1psfoMKU");
    pub const FIX_RECENT_BLOCKHASHES: Pubkey =
        pubkey!("6iyggb5MTcsvdcugX7bEKbHV8c6jdLbpHwkncrgLMhfo");
    pub const UPDATE_REWARDS_FROM_CACHED_ACCOUNTS: Pubkey =
        pubkey!("28s7i3htzhahXQKqmS2ExzbEoUypg9krwvtK2M9UWXh9");
    pub const SPL_TOKEN_V3_4_0: Pubkey = pubkey!("Ftok4njE8b7tDffYkC5bAbCaQv5sL6jispYrprzatUwN");
    pub const SPL_ASSOCIATED_TOKEN_ACCOUNT_V1_1_0: Pubkey =
        pubkey!("FaTa17gVKoqbh38HcfiQonPsAaQViyDCCSg71AubYZw8");
    pub const DEFAULT_UNITS_PER_INSTRUCTION: Pubkey =
        pubkey!("J2QdYx8crLbTVK8nur1jeLsmc3krDbfjoxoea2V1Uy5Q");
    pub const STAKE_ALLOW_ZERO_UNDELEGATED_AMOUNT: Pubkey =
        pubkey!("sTKz343FM8mqtyGvYWvbLpTThw3ixRM4Xk8QvZ985mw");
    pub const REQUIRE_STATIC_PROGRAM_IDS_IN_TRANSACTION: Pubkey =
        pubkey!("8FdwgyHFEjhAdjWfV2vfqk7wA1g9X3fQpKH7SBpEv3kC");
    pub const STAKE_RAISE_MINIMUM_DELEGATION_TO_1_SOL: Pubkey =
        pubkey!("9onWzzvCzNC2jfhxxeqRgs5q7nFAAKpCUvkj6T6GJK9i");
    pub const ADD_SET_COMPUTE_UNIT_PRICE_IX: Pubkey =
        pubkey!("98std1NSHqXi9WYvFShfVepRdCoq1qvsp8fsR2XZtG8g");
    pub const ADD_SHRED_TYPE_TO_SHRED_SEED: Pubkey =
        pubkey!("Ds87KVeqhbv7Jw8W6avsS1mqz3Mw5J3pRTpPoDQ2QdiJ");
    pub const WARP_TIMESTAMP_WITH_A_VENGEANCE: Pubkey =
        pubkey!("3BX6SBeEBibHaVQXywdkcgyUk6evfYZkHdztXiDtEpFS");
    pub const VOTE_STATE_UPDATE_CREDIT_PER_DEQUEUE: Pubkey =
        pubkey!("CveezY6FDLVBToHDcvJRmtMouqzsmj4UXYh5ths5G5Uv");
    pub const QUICK_BAIL_ON_PANIC: Pubkey = pubkey!("DpJREPyuMZ5nDfU6H3WTqSqUFSXAfw8u7xqmWtEwJDcP");
    pub const VOTE_AUTHORIZE_WITH_SEED: Pubkey =
        pubkey!("6tRxEYKuy2L5nnv5bgn7iT28MxUbYxp5h7F3Ncf1exrT");
    pub const PRESERVE_RENT_EPOCH_FOR_RENT_EXEMPT_ACCOUNTS: Pubkey =
        pubkey!("HH3MUYReL2BvqqA3oEcAa7txju5GY6G4nxJ51zvsEjEZ");
    pub const SKIP_RENT_REWRITES: Pubkey = pubkey!("CGB2jM8pwZkeeiXQ66kBMyBR6Np61mggL7XUsmLjVcrw");
    pub const PREVENT_CREDITING_ACCOUNTS_THAT_END_RENT_PAYING: Pubkey =
        pubkey!("812kqX67odAp5NFwM8D2N24cku7WTm9CHUTFUXaDkWPn");
    pub const USE_DEFAULT_UNITS_IN_FEE_CALCULATION: Pubkey =
        pubkey!("8sKQrMQoUHtQSUP83SPG4ta2JDjSAiWs7t5aJ9uEd6To");
    pub const COMPACT_VOTE_STATE_UPDATES: Pubkey =
        pubkey!("86HpNqzutEZwLcPxS6EHDcMNYWk6ikhteg9un7Y2PBKE");
    pub const INCREMENTAL_SNAPSHOT_ONLY_INCREMENTAL_HASH_CALCULATION: Pubkey =
        pubkey!("25vqsfjk7Nv1prsQJmA4Xu1bN61s8LXCBGUPp8Rfy1UF");
    pub const ON_LOAD_PRESERVE_RENT_EPOCH_FOR_RENT_EXEMPT_ACCOUNTS: Pubkey =
        pubkey!("CpkdQmspsaZZ8FVAouQTtTWZkc8eeQ7V3uj7dWz543rZ");
    pub const ACCOUNT_HASH_IGNORE_SLOT: Pubkey =
        pubkey!("SVn36yVApPLYsa8koK3qUcy14zXDnqkNYWyUh1f4oK1");
    pub const SET_EXEMPT_RENT_EPOCH_MAX: Pubkey =
        pubkey!("5wAGiy15X1Jb2hkHnPDCM8oB9V42VNA9ftNVFK84dEgv");
    pub const RELAX_AUTHORITY_SIGNER_CHECK_FOR_LOOKUP_TABLE_CREATION: Pubkey =
        pubkey!("FKAcEvNgSY79RpqsPNUV5gDyumopH4cEHqUxyfm8b8Ap");
    pub const VOTE_STATE_UPDATE_ROOT_FIX: Pubkey =
        pubkey!("G74BkWBzmsByZ1kxHy44H3wjwp5hp7JbrGRuDpco22tY");
    pub const EPOCH_ACCOUNTS_HASH: Pubkey = pubkey!("5GpmAKxaGsWWbPp4bNXFLJxZVvG92ctxf7jQnzTQjF3n");
    pub const REMOVE_DEPRECATED_REQUEST_UNIT_IX: Pubkey =
        pubkey!("EfhYd3SafzGT472tYQDUc4dPd2xdEfKs5fwkowUgVt4W");
    pub const DISABLE_REHASH_FOR_RENT_EPOCH: Pubkey =
        pubkey!("DTVTkmw3JSofd8CJVJte8PXEbxNQ2yZijvVr3pe2APPj");
    pub const COMMISSION_UPDATES_ONLY_ALLOWED_IN_FIRST_HALF_OF_EPOCH: Pubkey =
        pubkey!("noRuG2kzACwgaY7TVmLRnUNPLKNVQE1fb7X55YWBehp");
    pub const ENABLE_TURBINE_FANOUT_EXPERIMENTS: Pubkey =
        pubkey!("D31EFnLgdiysi84Woo3of4JMu7VmasUS3Z7j9HYXCeLY");
    pub const DISABLE_TURBINE_FANOUT_EXPERIMENTS: Pubkey =
        pubkey!("turbnbNRp22nwZCmgVVXFSshz7H7V23zMzQgA46YpmQ");
    pub const UPDATE_HASHES_PER_TICK: Pubkey =
        pubkey!("3uFHb9oKdGfgZGJK9EHaAXN4USvnQtAFC13Fh5gGFS5B");
    pub const REMOVE_CONGESTION_MULTIPLIER_FROM_FEE_CALCULATION: Pubkey =
        pubkey!("A8xyMHZovGXFkorFqEmVH2PKGLiBip5JD7jt4zsUWo4H");
    pub const PREVENT_RENT_PAYING_RENT_RECIPIENTS: Pubkey =
        pubkey!("Fab5oP3DmsLYCiQZXdjyqT3ukFFPrsmqhXU4WU1AWVVF");
    pub const APPLY_COST_TRACKER_DURING_REPLAY: Pubkey =
        pubkey!("2ry7ygxiYURULZCrypHhveanvP5tzZ4toRwVp89oCNSj");
    pub const ADD_SET_TX_LOADED_ACCOUNTS_DATA_SIZE_INSTRUCTION: Pubkey =
        pubkey!("G6vbf1UBok8MWb8m25ex86aoQHeKTzDKzuZADHkShqm6");
    pub const INCLUDE_LOADED_ACCOUNTS_DATA_SIZE_IN_FEE_CALCULATION: Pubkey =
        pubkey!("EaQpmC6GtRssaZ3PCUM5YksGqUdMLeZ46BQXYtHYakDS");
    pub const CLEAN_UP_DELEGATION_ERRORS: Pubkey =
        pubkey!("Bj2jmUsM2iRhfdLLDSTkhM5UQRQvQHm57HSmPibPtEyu");
    pub const VOTE_STATE_ADD_VOTE_LATENCY: Pubkey =
        pubkey!("7axKe5BTYBDD87ftzWbk5DfzWMGyRvqmWTduuo22Yaqy");
    pub const CHECKED_ARITHMETIC_IN_FEE_VALIDATION: Pubkey =
        pubkey!("5Pecy6ie6XGm22pc9d4P9W5c31BugcFBuy6hsP2zkETv");
    pub const REDUCE_STAKE_WARMUP_COOLDOWN: Pubkey =
        pubkey!("GwtDQBghCTBgmX2cpEGNPxTEBUTQRaDMGTr5qychdGMj");
    pub const REVISE_TURBINE_EPOCH_STAKES: Pubkey =
        pubkey!("BTWmtJC8U5ZLMbBUUA1k6As62sYjPEjAiNAT55xYGdJU");
    pub const TIMELY_VOTE_CREDITS: Pubkey = pubkey!("tvcF6b1TRz353zKuhBjinZkKzjmihXmBAHJdjNYw1sQ");
    pub const REQUIRE_RENT_EXEMPT_SPLIT_DESTINATION: Pubkey =
        pubkey!("D2aip4BBr8NPWtU9vLrwrBvbuaQ8w1zV38zFLxx4pfBV");
    pub const UPDATE_HASHES_PER_TICK2: Pubkey =
        pubkey!("EWme9uFqfy1ikK1jhJs8fM5hxWnK336QJpbscNtizkTU");
    pub const UPDATE_HASHES_PER_TICK3: Pubkey =
        pubkey!("8C8MCtsab5SsfammbzvYz65HHauuUYdbY2DZ4sznH6h5");
    pub const UPDATE_HASHES_PER_TICK4: Pubkey =
        pubkey!("8We4E7DPwF2WfAN8tRTtWQNhi98B99Qpuj7JoZ3Aikgg");
    pub const UPDATE_HASHES_PER_TICK5: Pubkey =
        pubkey!("BsKLKAn1WM4HVhPRDsjosmqSg2J8Tq5xP2s2daDS6Ni4");
    pub const UPDATE_HASHES_PER_TICK6: Pubkey =
        pubkey!("FKu1qYwLQSiehz644H6Si65U5ZQ2cp9GxsyFUfYcuADv");
    pub const VALIDATE_FEE_COLLECTOR_ACCOUNT: Pubkey =
        pubkey!("prpFrMtgNmzaNzkPJg9o753fVvbHKqNrNTm76foJ2wm");
    pub const ENABLE_ZK_TRANSFER_WITH_FEE: Pubkey =
        pubkey!("zkNLP7EQALfC1TYeB3biDU7akDckj8iPkvh9y2Mt2K3");
    pub const DROP_LEGACY_SHREDS: Pubkey = pubkey!("GV49KKQdBNaiv2pgqhS2Dy3GWYJGXMTVYbYkdk91orRy");
    pub const ALLOW_COMMISSION_DECREASE_AT_ANY_TIME: Pubkey =
        pubkey!("decoMktMcnmiq6t3u7g5BfgcQu91nKZr6RvMYf9z1Jb");
    pub const CONSUME_BLOCKSTORE_DUPLICATE_PROOFS: Pubkey =
        pubkey!("6YsBCejwK96GZCkJ6mkZ4b68oP63z2PLoQmWjC7ggTqZ");
    pub const INDEX_ERASURE_CONFLICT_DUPLICATE_PROOFS: Pubkey =
        pubkey!("dupPajaLy2SSn8ko42aZz4mHANDNrLe8Nw8VQgFecLa");
    pub const MERKLE_CONFLICT_DUPLICATE_PROOFS: Pubkey =
        pubkey!("mrkPjRg79B2oK2ZLgd7S3AfEJaX9B6gAF3H9aEykRUS");
    pub const ENABLE_ZK_PROOF_FROM_ACCOUNT: Pubkey =
        pubkey!("zkiTNuzBKxrCLMKehzuQeKZyLtX2yvFcEKMML8nExU8");
    pub const COST_MODEL_REQUESTED_WRITE_LOCK_COST: Pubkey =
        pubkey!("wLckV1a64ngtcKPRGU4S4grVTestXjmNjxBjaKZrAcn");
    pub const ENABLE_GOSSIP_DUPLICATE_PROOF_INGESTION: Pubkey =
        pubkey!("FNKCMBzYUdjhHyPdsKG2LSmdzH8TCHXn3ytj8RNBS4nG");
    pub const CHAINED_MERKLE_CONFLICT_DUPLICATE_PROOFS: Pubkey =
        pubkey!("chaie9S2zVfuxJKNRGkyTDokLwWxx6kD2ZLsqQHaDD8");
    pub const ENABLE_CHAINED_MERKLE_SHREDS: Pubkey =
        pubkey!("7uZBkJXJ1HkuP6R3MJfZs7mLwymBcDbKdqbF51ZWLier");
    pub const REMOVE_ROUNDING_IN_FEE_CALCULATION: Pubkey =
        pubkey!("BtVN7YjDzNE6Dk7kTT7YTDgMNUZTNgiSJgsdzAeTg2jF");
    pub const ENABLE_TOWER_SYNC_IX: Pubkey = pubkey!("tSynMCspg4xFiCj1v3TDb4c7crMR5tSBhLz4sF7rrNA");
    pub const DEPRECATE_UNUSED_LEGACY_VOTE_PLUMBING: Pubkey =
        pubkey!("6Uf8S75PVh91MYgPQSHnjRAPQq6an5BDv9vomrCwDqLe");
    pub const REWARD_FULL_PRIORITY_FEE: Pubkey =
        pubkey!("3opE3EzAKnUftUDURkzMgwpNgimBAypW1mNDYH4x4Zg7");
    pub const MIGRATE_FEATURE_GATE_PROGRAM_TO_CORE_BPF: Pubkey =
        pubkey!("4eohviozzEeivk1y9UbrnekbAFMDQyJz5JjA9Y6gyvky");
    pub const VOTE_ONLY_FULL_FEC_SETS: Pubkey =
        pubkey!("ffecLRhhakKSGhMuc6Fz2Lnfq4uT9q3iu9ZsNaPLxPc");
    pub const MIGRATE_CONFIG_PROGRAM_TO_CORE_BPF: Pubkey =
        pubkey!("2Fr57nzzkLYXW695UdDxDeR5fhnZWSttZeZYemrnpGFV");
    pub const MIGRATE_ADDRESS_LOOKUP_TABLE_PROGRAM_TO_CORE_BPF: Pubkey =
        pubkey!("C97eKZygrkU4JxJsZdjgbUY7iQR7rKTr4NyDWo2E5pRm");
    pub const ZK_ELGAMAL_PROOF_PROGRAM_ENABLED: Pubkey =
        pubkey!("zkhiy5oLowR7HY4zogXjCjeMXyruLqBwSWH21qcFtnv");
    pub const VERIFY_RETRANSMITTER_SIGNATURE: Pubkey =
        pubkey!("51VCKU5eV6mcTc9q9ArfWELU2CqDoi13hdAjr6fHMdtv");
    pub const ED25519_PRECOMPILE_VERIFY_STRICT: Pubkey =
        pubkey!("ed9tNscbWLYBooxWA7FE2B5KHWs8A6sxfY8EzezEcoo");
    pub const VOTE_ONLY_RETRANSMITTER_SIGNED_FEC_SETS: Pubkey =
        pubkey!("RfEcA95xnhuwooVAhUUksEJLZBF7xKCLuqrJoqk4Zph");
    pub const ENABLE_TRANSACTION_LOADING_FAILURE_FEES: Pubkey =
        pubkey!("PaymEPK2oqwT9TXAVfadjztH2H6KfLEB9Hhd5Q5frvP");
    pub const DEPRECATE_LEGACY_VOTE_IXS: Pubkey =
        pubkey!("depVvnQ2UysGrhwdiwU42tCadZL8GcBb1i2GYhMopQv");
    pub const DISABLE_ACCOUNT_LOADER_SPECIAL_CASE: Pubkey =
        pubkey!("EQUMpNFr7Nacb1sva56xn1aLfBxppEoSBH8RRVdkcD1x");
    pub const ENABLE_SECP256R1_PRECOMPILE: Pubkey =
        pubkey!("srremy31J5Y25FrAApwVb9kZcfXbusYMMsvTK9aWv5q");
    pub const ACCOUNTS_LT_HASH: Pubkey = pubkey!("LTHasHQX6661DaDD4S6A2TFi6QBuiwXKv66fB1obfHq");
    pub const SNAPSHOTS_LT_HASH: Pubkey = pubkey!("LTsNAP8h1voEVVToMNBNqoiNQex4aqfUrbFhRH3mSQ2");
    pub const REMOVE_ACCOUNTS_DELTA_HASH: Pubkey =
        pubkey!("LTdLt9Ycbyoipz5fLysCi1NnDnASsZfmJLJXts5ZxZz");
    pub const MIGRATE_STAKE_PROGRAM_TO_CORE_BPF: Pubkey =
        pubkey!("6M4oQ6eXneVhtLoiAr4yRYQY43eVLjrKbiDZDJc892yk");
    pub const RESERVE_MINIMAL_CUS_FOR_BUILTIN_INSTRUCTIONS: Pubkey =
        pubkey!("C9oAhLxDBm3ssWtJx1yBGzPY55r2rArHmN1pbQn6HogH");
    pub const RAISE_BLOCK_LIMITS_TO_50M: Pubkey =
        pubkey!("5oMCU3JPaFLr8Zr4ct7yFA7jdk6Mw1RmB8K4u9ZbS42z");
    pub const DROP_UNCHAINED_MERKLE_SHREDS: Pubkey =
        pubkey!("5KLGJSASDVxKPjLCDWNtnABLpZjsQSrYZ8HKwcEdAMC8");
    pub const RELAX_INTRABATCH_ACCOUNT_LOCKS: Pubkey =
        pubkey!("4WeHX6QoXCCwqbSFgi6dxnB6QsPo6YApaNTH7P4MLQ99");
    pub const DISABLE_PARTITIONED_RENT_COLLECTION: Pubkey =
        pubkey!("2B2SBNbUcr438LtGXNcJNBP2GBSxjx81F945SdSkUSfC");
    pub const ENABLE_VOTE_ADDRESS_LEADER_SCHEDULE: Pubkey =
        pubkey!("5JsG4NWH8Jbrqdd8uL6BNwnyZK3dQSoieRXG5vmofj9y");
    pub const RAISE_BLOCK_LIMITS_TO_60M: Pubkey =
        pubkey!("6oMCUgfY6BzZ6jwB681J6ju5Bh6CjVXbd7NeWYqiXBSu");
    pub const ALPENGLOW: Pubkey = pubkey!("A1pengvuM6JEcyNuTnMqepBKhwHE3N6PmUrdATGawhJS");
    pub const DISABLE_ZK_ELGAMAL_PROOF_PROGRAM: Pubkey =
        pubkey!("zkdoVwnSFnSLtGJG7irJPEYUpmb4i7sGMGcnN6T9rnC");
    pub const REENABLE_ZK_ELGAMAL_PROOF_PROGRAM: Pubkey =
        pubkey!("zkexuyPRdyTVbZqEAREueqL2xvvoBhRgth9xGSc1tMN");
    pub const RAISE_BLOCK_LIMITS_TO_100M: Pubkey =
        pubkey!("P1BCUMpAC7V2GRBRiJCNUgpMyWZhoqt3LKo712ePqsz");
    pub const RAISE_ACCOUNT_CU_LIMIT: Pubkey =
        pubkey!("htsptAwi2yRoZH83SKaUXykeZGtZHgxkS2QwW1pssR8");
    pub const DELAY_COMMISSION_UPDATES: Pubkey =
        pubkey!("76dHtohc2s5dR3ahJyBxs7eJJVipFkaPdih9CLgTTb4B");
    pub const ENFORCE_FIXED_FEC_SET: Pubkey =
        pubkey!("fixfecLZYMfkGzwq6NJA11Yw6KYztzXiK9QcL3K78in");
    pub const ENFORCE_CORRECT_PROOF_SIZE: Pubkey =
        pubkey!("turbzzBJLGMJJikLvgCCJu9e1hTmfxwarrbLndYAsK5");
    pub const DISCARD_UNEXPECTED_DATA_COMPLETE_SHREDS: Pubkey =
        pubkey!("disCA4efguFL6Wqa4pGdG7jpjC7C5uiKzKnhEBqchBe");
    pub const VOTE_STATE_V4: Pubkey = pubkey!("Gx4XFcrVMt4HUvPzTpTSVkdDVgcDSjKhDN1RqRS6KDuZ");
    pub const SWITCH_TO_CHACHA8_TURBINE: Pubkey =
        pubkey!("CHaChatUnR3s6cPyPMMGNJa3VdQQ8PNH2JqdD4LpCKnB");
    pub const REPLACE_SPL_TOKEN_WITH_P_TOKEN: Pubkey =
        pubkey!("ptokFjwyJtrwCa9Kgo9xoDS59V4QccBGEaRFnRPnSdP");
    pub const BLS_PUBKEY_MANAGEMENT_IN_VOTE_ACCOUNT: Pubkey =
        pubkey!("AnAP9zPV4KL7czAPQbFhpDKV2tx7g4UGNbK9wvXwjaRo");
    pub const COMMISSION_RATE_IN_BASIS_POINTS: Pubkey =
        pubkey!("Eg7tXEwMZzS98xaZ1YHUbdRHsaYZiCsSaR6sKgxreoaj");
    pub const CUSTOM_COMMISSION_COLLECTOR: Pubkey =
        pubkey!("3HcSrCTGXTUnrTueHi4DAwNuMxZSsm5xui2Ax3mgxHqf");
    pub const REMOVE_SIMPLE_VOTE_FROM_COST_MODEL: Pubkey =
        pubkey!("2GCrNXbzmt4xrwdcKS2RdsLzsgu4V5zHAemW57pcHT6a");
    pub const BLOCK_REVENUE_SHARING: Pubkey =
        pubkey!("Crbnc267wkJvFhYakqwWWX57sx5bkrftJLekzy6yWKLT");
    pub const VOTE_ACCOUNT_INITIALIZE_V2: Pubkey =
        pubkey!("VoteAccount1nitia1izeV211111111111111111111");
    pub const VALIDATE_CHAINED_BLOCK_ID: Pubkey =
        pubkey!("vcmrbYbiMVKaq1snKP6eCacNDcr6qZvpCNUjmk6gxvZ");
    pub const VALIDATE_CHAINED_BLOCK_ID_2: Pubkey =
        pubkey!("vcmrw431aNM8ngQ46derkZXipoTGQdbHkEygBDh12dA");
    pub const VALIDATOR_ADMISSION_TICKET: Pubkey =
        pubkey!("VAT9huvhPjRN9cyrPytq9rwvEJ3J4ADtjdncgZRyANJ");
    pub const UPGRADE_BPF_STAKE_PROGRAM_TO_V5: Pubkey =
        pubkey!("STk5Xj8hdAx3sTzmtJ3QysKkq6X2A3yj73JtxttiRyk");
    pub const ENABLE_TX_V1: Pubkey = pubkey!("txv1aq4pp281K9um3tnPgkfX8UqtFT6wcVW3hNezGLL");
    pub const REDUCE_SLOT_TIME_TO_350MS: Pubkey =
        pubkey!("iBRL5RuWhw4yqaAZu96RUULHckHTZAoe2b77qaV38JZ");
    pub const REDUCE_SLOT_TIME_TO_300MS: Pubkey =
        pubkey!("iBRLL3k18HST852F1Mf3Lv83waTNQmmqvKDxvYGwQFL");
    pub const REDUCE_SLOT_TIME_TO_250MS: Pubkey =
        pubkey!("iBRLMc81UjRa8fn8A6eE8bJTnRbgQoPTynM51akENCV");
    pub const REDUCE_SLOT_TIME_TO_200MS: Pubkey =
        pubkey!("iBRLjhJnkmDZgNoZRDMW11d8ZV7HvsL3vAyRjZB5npW");
    pub const UPGRADE_BPF_STAKE_PROGRAM_TO_V5_1: Pubkey =
        pubkey!("s51VGwCAgebo2745DSUris72RavoLkXGUmVJosESCXr");
    pub const ALPENGLOW_FAST_LEADER_HANDOVER: Pubkey =
        pubkey!("FastLeaderHandover11111111111111111111111111");
    pub const DOUBLE_DISINFLATION_RATE: Pubkey =
        pubkey!("ddibiks7RHZR69QXYMCmk4EZNt6WckspTqEEWv6cS38");
    pub const REMOVE_INACTIVE_STAKES: Pubkey =
        pubkey!("RMsTKfD6hZnBhhNvgGBeKNrqCNkeoP3DYYxNtcuWtRg");
}

/// Every feature this runtime knows, grouped by what it affects.
pub static KNOWN_FEATURES: &[FeatureInfo] = KNOWN;

/// [`KNOWN_FEATURES`] as a constant, so that accessor positions are found at compile time.
const KNOWN: &[FeatureInfo] = &[
    // ---- VM configuration, memory map and program input ----
    // mainnet: inactive
    feature(
        ids::VIRTUAL_ADDRESS_SPACE_ADJUSTMENTS,
        "virtual_address_space_adjustments",
        false,
        "SIMD-0460: per-account input regions with an unaligned memory mapping, no SBPFv0 stack \
         frame gaps, and in-place account growth through the access-violation handler.",
    ),
    // mainnet: inactive
    feature(
        ids::ACCOUNT_DATA_DIRECT_MAPPING,
        "account_data_direct_mapping",
        false,
        "Account data is mapped directly into the VM input region (no copy during serialization \
         or CPI); shared data is mapped read-only until the first write. Used together with \
         SIMD-0460.",
    ),
    // mainnet: active since slot 429_840_000
    feature(
        ids::SYSCALL_PARAMETER_ADDRESS_RESTRICTIONS,
        "syscall_parameter_address_restrictions",
        true,
        "SIMD-0459: CPI AccountInfo pointer-equality and below-MM_INPUT_START checks, the strict \
         realloc check, and sysvar destinations below MM_INPUT_START. Gate removed in Agave 4.4 \
         (always on).",
    ),
    // mainnet: inactive
    feature(
        ids::DIRECT_ACCOUNT_POINTERS_IN_PROGRAM_INPUT,
        "direct_account_pointers_in_program_input",
        false,
        "SIMD-0449: an array of account pointers is appended to the serialized program input.",
    ),
    // mainnet: active since slot 410_400_000
    feature(
        ids::PROVIDE_INSTRUCTION_DATA_OFFSET_IN_VM_R2,
        "provide_instruction_data_offset_in_vm_r2",
        true,
        "SIMD-0321: at program entry r2 holds the VM address of the instruction data. Gate \
         removed in Agave 4.4.",
    ),
    // mainnet: active since slot 346_032_000
    feature(
        ids::MASK_OUT_RENT_EPOCH_IN_VM_SERIALIZATION,
        "mask_out_rent_epoch_in_vm_serialization",
        true,
        "SIMD-0267: the rent_epoch written into the program input is always u64::MAX. Gate \
         removed in Agave 4.4.",
    ),
    // mainnet: active since slot 327_888_000
    feature(
        ids::DEPLETE_CU_METER_ON_VM_FAILURE,
        "deplete_cu_meter_on_vm_failure",
        true,
        "SIMD-0182: when the VM faults, the rest of the instruction's compute meter is consumed.",
    ),
    // mainnet: active since slot 349_488_000
    feature(
        ids::ENABLE_SBPF_V1_DEPLOYMENT_AND_EXECUTION,
        "enable_sbpf_v1_deployment_and_execution",
        true,
        "SIMD-0166: SBPFv1 programs may be deployed and executed. Gate removed in Agave 4.4 (the \
         version range always reaches V3).",
    ),
    // mainnet: active since slot 356_400_000
    feature(
        ids::ENABLE_SBPF_V2_DEPLOYMENT_AND_EXECUTION,
        "enable_sbpf_v2_deployment_and_execution",
        true,
        "SIMD-0173 and SIMD-0174: SBPFv2 programs may be deployed and executed. Gate removed in \
         Agave 4.4.",
    ),
    // mainnet: active since slot 428_976_000
    feature(
        ids::ENABLE_SBPF_V3_DEPLOYMENT_AND_EXECUTION,
        "enable_sbpf_v3_deployment_and_execution",
        true,
        "SIMD-0178, SIMD-0179 and SIMD-0189: SBPFv3 programs may be deployed and executed. Gate \
         removed in Agave 4.4 (maximum version is V3).",
    ),
    // mainnet: inactive
    feature(
        ids::REENABLE_SBPF_V0_EXECUTION,
        "reenable_sbpf_v0_execution",
        false,
        "Keeps SBPFv0 executable even when disable_sbpf_v0_execution is active. Placeholder test \
         key in Agave; its u64 id 0xe5937c9dd5edd306 is shared with disable_sbpf_v0_execution's \
         4.4 key and resolves to this feature.",
    ),
    // mainnet: inactive
    feature(
        ids::DISABLE_SBPF_V0_EXECUTION,
        "disable_sbpf_v0_execution",
        false,
        "SIMD-0161: SBPFv0 programs can no longer be executed (execution range V3..=V3) unless \
         reenable_sbpf_v0_execution is active too. Placeholder test key in Agave 4.4 \
         (TestFeature1...), whose first 8 bytes equal reenable_sbpf_v0_execution's; the Dec-2024 \
         key is disable_sbpf_v0_execution_dec2024.",
    ),
    // mainnet: inactive
    feature(
        ids::DISABLE_SBPF_V0_V1_V2_DEPLOYMENT,
        "disable_sbpf_v0_v1_v2_deployment",
        false,
        "SIMD-0500: only SBPFv3 ELFs may be deployed (the deployment range starts at V3).",
    ),
    // mainnet: active since slot 279_072_000
    feature(
        ids::REJECT_CALLX_R10,
        "reject_callx_r10",
        true,
        "The verifier rejects `callx r10`. Gate removed (always on since Agave 2.1).",
    ),
    // mainnet: active since slot 280_800_004
    feature(
        ids::ERROR_ON_SYSCALL_BPF_FUNCTION_HASH_COLLISIONS,
        "error_on_syscall_bpf_function_hash_collisions",
        true,
        "ELF loading fails when a function's murmur3 hash collides with a syscall or another \
         function. Gate removed (always on since Agave 2.1).",
    ),
    // mainnet: active since slot 273_888_000
    feature(
        ids::SWITCH_TO_NEW_ELF_PARSER,
        "switch_to_new_elf_parser",
        true,
        "ELFs are parsed with the strict new parser. Gate removed (always on since Agave 2.1).",
    ),
    // mainnet: active since slot 139_104_000
    feature(
        ids::DISABLE_BPF_DEPRECATED_LOAD_INSTRUCTIONS,
        "disable_bpf_deprecated_load_instructions",
        true,
        "The ldabs*/ldind* SBF instructions are rejected. Gate removed.",
    ),
    // mainnet: active since slot 139_104_000
    feature(
        ids::DISABLE_BPF_UNRESOLVED_SYMBOLS_AT_RUNTIME,
        "disable_bpf_unresolved_symbols_at_runtime",
        true,
        "Unresolved symbols are rejected at load time instead of failing at run time. Gate \
         removed.",
    ),
    // mainnet: active since slot 209_088_008
    feature(
        ids::DISABLE_DEPLOY_OF_ALLOC_FREE_SYSCALL,
        "disable_deploy_of_alloc_free_syscall",
        true,
        "Newly deployed programs may not import sol_alloc_free_ (it stays in the execution \
         environment only). Agave 4.4's deployment environment never registers it.",
    ),
    // mainnet: active since slot 135_216_004
    feature(
        ids::REQUESTABLE_HEAP_SIZE,
        "requestable_heap_size",
        true,
        "Transactions may request a larger program heap (up to 256 KiB) with the compute-budget \
         program. Gate removed.",
    ),
    // mainnet: active since slot 235_440_004
    feature(
        ids::ROUND_UP_HEAP_SIZE,
        "round_up_heap_size",
        true,
        "The heap cost rounds the heap size up to whole 32 KiB pages. Gate removed.",
    ),
    // mainnet: active since slot 217_296_000
    feature(
        ids::ENABLE_REQUEST_HEAP_FRAME_IX,
        "enable_request_heap_frame_ix",
        true,
        "Enables the compute-budget RequestHeapFrame instruction. Gate removed.",
    ),
    // mainnet: active since slot 240_624_008
    feature(
        ids::NATIVE_PROGRAMS_CONSUME_CU,
        "native_programs_consume_cu",
        true,
        "Builtin programs consume their fixed compute-unit cost. Gate removed.",
    ),
    // ---- Syscall registration and syscall behaviour ----
    // mainnet: inactive
    feature(
        ids::BLAKE3_SYSCALL_ENABLED,
        "blake3_syscall_enabled",
        false,
        "Registers sol_blake3.",
    ),
    // mainnet: inactive
    feature(
        ids::ENABLE_SHA512_SYSCALL,
        "enable_sha512_syscall",
        false,
        "SIMD-0512: registers sol_sha512.",
    ),
    // mainnet: active since slot 278_208_000
    feature(
        ids::ENABLE_POSEIDON_SYSCALL,
        "enable_poseidon_syscall",
        true,
        "Registers sol_poseidon.",
    ),
    // mainnet: active since slot 406_080_000
    feature(
        ids::POSEIDON_ENFORCE_PADDING,
        "poseidon_enforce_padding",
        true,
        "SIMD-0359: sol_poseidon enforces the padding of its inputs.",
    ),
    // mainnet: inactive
    feature(
        ids::ENABLE_BIG_MOD_EXP_SYSCALL,
        "enable_big_mod_exp_syscall",
        false,
        "SIMD-0529: registers sol_big_mod_exp (Agave 4.4 key; the Agave 2.1 key is \
         enable_big_mod_exp_syscall_dec2024).",
    ),
    // mainnet: active since slot 275_616_000
    feature(
        ids::ENABLE_ALT_BN128_SYSCALL,
        "enable_alt_bn128_syscall",
        true,
        "Registers sol_alt_bn128_group_op.",
    ),
    // mainnet: active since slot 425_088_000
    feature(
        ids::ALT_BN128_LITTLE_ENDIAN,
        "alt_bn128_little_endian",
        true,
        "SIMD-0284: enables the little-endian sol_alt_bn128_group_op operations (InvalidAttribute \
         otherwise).",
    ),
    // mainnet: active since slot 425_520_000
    feature(
        ids::ENABLE_ALT_BN128_G2_SYSCALLS,
        "enable_alt_bn128_g2_syscalls",
        true,
        "Enables the G2 sol_alt_bn128_group_op operations (InvalidAttribute otherwise).",
    ),
    // mainnet: active since slot 276_912_000
    feature(
        ids::ENABLE_ALT_BN128_COMPRESSION_SYSCALL,
        "enable_alt_bn128_compression_syscall",
        true,
        "Registers sol_alt_bn128_compression.",
    ),
    // mainnet: active since slot 274_320_000
    feature(
        ids::SIMPLIFY_ALT_BN128_SYSCALL_ERROR_CODES,
        "simplify_alt_bn128_syscall_error_codes",
        true,
        "SIMD-0129: simplified alt_bn128 syscall error codes.",
    ),
    // mainnet: active since slot 361_152_000
    feature(
        ids::FIX_ALT_BN128_MULTIPLICATION_INPUT_LENGTH,
        "fix_alt_bn128_multiplication_input_length",
        true,
        "SIMD-0222: fixes the alt_bn128 multiplication input length check.",
    ),
    // mainnet: active since slot 406_944_000
    feature(
        ids::FIX_ALT_BN128_PAIRING_LENGTH_CHECK,
        "fix_alt_bn128_pairing_length_check",
        true,
        "SIMD-0334: fixes the alt_bn128 pairing length check.",
    ),
    // mainnet: active since slot 275_184_000
    feature(
        ids::CURVE25519_SYSCALL_ENABLED,
        "curve25519_syscall_enabled",
        true,
        "Registers sol_curve_validate_point, sol_curve_group_op and sol_curve_multiscalar_mul \
         (unconditional in Agave 4.5).",
    ),
    // mainnet: active since slot 262_224_008
    feature(
        ids::CURVE25519_RESTRICT_MSM_LENGTH,
        "curve25519_restrict_msm_length",
        true,
        "Restricts the vector length accepted by sol_curve_multiscalar_mul. Gate removed.",
    ),
    // mainnet: active since slot 425_952_004
    feature(
        ids::ENABLE_BLS12_381_SYSCALL,
        "enable_bls12_381_syscall",
        true,
        "SIMD-0388: registers sol_curve_decompress and sol_curve_pairing_map and the BLS12-381 \
         curve ids (unconditional in Agave 4.5).",
    ),
    // mainnet: active since slot 311_904_000
    feature(
        ids::ABORT_ON_INVALID_CURVE,
        "abort_on_invalid_curve",
        true,
        "SIMD-0137: curve syscalls called with an unknown curve id abort with InvalidAttribute \
         instead of returning 1.",
    ),
    // mainnet: active since slot 208_656_004
    feature(
        ids::DISABLE_FEES_SYSVAR,
        "disable_fees_sysvar",
        true,
        "While active, sol_get_fees_sysvar is NOT registered.",
    ),
    // mainnet: active since slot 282_096_004
    feature(
        ids::LAST_RESTART_SLOT_SYSVAR,
        "last_restart_slot_sysvar",
        true,
        "Registers sol_get_last_restart_slot (LastRestartSlot sysvar).",
    ),
    // mainnet: active since slot 321_840_000
    feature(
        ids::GET_SYSVAR_SYSCALL_ENABLED,
        "get_sysvar_syscall_enabled",
        true,
        "SIMD-0127: registers sol_get_sysvar.",
    ),
    // mainnet: active since slot 330_912_000
    feature(
        ids::ENABLE_GET_EPOCH_STAKE_SYSCALL,
        "enable_get_epoch_stake_syscall",
        true,
        "SIMD-0133: registers sol_get_epoch_stake (Agave 4.4 key; the Dec-2024 fixture key is \
         enable_get_epoch_stake_syscall_dec2024).",
    ),
    // mainnet: inactive
    feature(
        ids::REMAINING_COMPUTE_UNITS_SYSCALL_ENABLED,
        "remaining_compute_units_syscall_enabled",
        false,
        "Registers sol_remaining_compute_units.",
    ),
    // mainnet: active since slot 305_424_000
    feature(
        ids::PARTITIONED_EPOCH_REWARDS_SUPERFEATURE,
        "partitioned_epoch_rewards_superfeature",
        true,
        "SIMD-0118: partitioned epoch rewards. Agave 2.1 registered sol_get_epoch_rewards_sysvar \
         only when this or enable_partitioned_epoch_reward was active; Agave 4.4 registers it \
         unconditionally.",
    ),
    // mainnet: active since slot 104_976_000
    feature(
        ids::SECP256K1_RECOVER_SYSCALL_ENABLED,
        "secp256k1_recover_syscall_enabled",
        true,
        "Registers sol_secp256k1_recover. Gate removed.",
    ),
    // mainnet: active since slot 142_560_008
    feature(
        ids::LIMIT_SECP256K1_RECOVERY_ID,
        "limit_secp256k1_recovery_id",
        true,
        "sol_secp256k1_recover rejects out-of-range recovery ids. Gate removed.",
    ),
    // mainnet: active since slot 117_936_008
    feature(
        ids::RETURN_DATA_SYSCALL_ENABLED,
        "return_data_syscall_enabled",
        true,
        "Registers sol_set_return_data and sol_get_return_data. Gate removed.",
    ),
    // mainnet: active since slot 117_936_008
    feature(
        ids::SOL_LOG_DATA_SYSCALL_ENABLED,
        "sol_log_data_syscall_enabled",
        true,
        "Registers sol_log_data. Gate removed.",
    ),
    // mainnet: active since slot 134_352_008
    feature(
        ids::ADD_GET_PROCESSED_SIBLING_INSTRUCTION_SYSCALL,
        "add_get_processed_sibling_instruction_syscall",
        true,
        "Registers sol_get_processed_sibling_instruction (and sol_get_stack_height). Gate \
         removed.",
    ),
    // mainnet: active since slot 236_304_016
    feature(
        ids::STOP_SIBLING_INSTRUCTION_SEARCH_AT_PARENT,
        "stop_sibling_instruction_search_at_parent",
        true,
        "sol_get_processed_sibling_instruction stops its search at the parent instruction. Gate \
         removed.",
    ),
    // mainnet: active since slot 150_768_000
    feature(
        ids::SYSCALL_SATURATED_MATH,
        "syscall_saturated_math",
        true,
        "Syscall cost arithmetic saturates. Gate removed.",
    ),
    // mainnet: active since slot 142_560_008
    feature(
        ids::CHECK_PHYSICAL_OVERLAPPING,
        "check_physical_overlapping",
        true,
        "Memory syscalls check the host (physical) ranges for overlap. Gate removed.",
    ),
    // mainnet: active since slot 137_808_012
    feature(
        ids::FIXED_MEMCPY_NONOVERLAPPING_CHECK,
        "fixed_memcpy_nonoverlapping_check",
        true,
        "sol_memcpy_ uses the corrected non-overlap check. Gate removed.",
    ),
    // mainnet: active since slot 174_096_000
    feature(
        ids::CHECK_SYSCALL_OUTPUTS_DO_NOT_OVERLAP,
        "check_syscall_outputs_do_not_overlap",
        true,
        "Syscalls fail when an output buffer overlaps an input. Gate removed.",
    ),
    // mainnet: active since slot 240_192_004
    feature(
        ids::STOP_TRUNCATING_STRINGS_IN_SYSCALLS,
        "stop_truncating_strings_in_syscalls",
        true,
        "String arguments of syscalls are no longer truncated. Gate removed.",
    ),
    // mainnet: active since slot 138_672_000
    feature(
        ids::UPDATE_SYSCALL_BASE_COSTS,
        "update_syscall_base_costs",
        true,
        "Current base compute costs of the syscalls. Gate removed.",
    ),
    // mainnet: active since slot 207_792_008
    feature(
        ids::CHECK_SLICE_TRANSLATION_SIZE,
        "check_slice_translation_size",
        true,
        "Slice translation validates the byte size (length x element size). Gate removed.",
    ),
    // ---- CPI and instruction processing ----
    // mainnet: inactive
    feature(
        ids::RAISE_CPI_NESTING_LIMIT_TO_8,
        "raise_cpi_nesting_limit_to_8",
        false,
        "SIMD-0268: maximum instruction stack depth 5 -> 9 (CPI nesting 4 -> 8).",
    ),
    // mainnet: active since slot 403_056_000
    feature(
        ids::INCREASE_CPI_ACCOUNT_INFO_LIMIT,
        "increase_cpi_account_info_limit",
        true,
        "SIMD-0339: up to 255 CPI account infos; invoke base cost 1,000 -> 946 plus per-meta and \
         per-info byte charges. Gate removed in Agave 4.4.",
    ),
    // mainnet: active since slot 312_768_000
    feature(
        ids::LOOSEN_CPI_SIZE_RESTRICTION,
        "loosen_cpi_size_restriction",
        true,
        "CPI instruction data up to 10 KiB and up to 255 account metas, instead of the old \
         1,280-byte total rule. Gate removed.",
    ),
    // mainnet: inactive
    feature(
        ids::INCREASE_TX_ACCOUNT_LOCK_LIMIT,
        "increase_tx_account_lock_limit",
        false,
        "Transaction account lock limit 64 -> 128; before SIMD-0339 it also raised the CPI \
         account-info limit from 64 to 128.",
    ),
    // mainnet: active since slot 202_608_000
    feature(
        ids::MOVE_SERIALIZED_LEN_PTR_IN_CPI,
        "move_serialized_len_ptr_in_cpi",
        true,
        "CPI ignores the caller's serialized_len_ptr. Gate removed.",
    ),
    // mainnet: active since slot 225_936_004
    feature(
        ids::DISABLE_CPI_SETTING_EXECUTABLE_AND_RENT_EPOCH,
        "disable_cpi_setting_executable_and_rent_epoch",
        true,
        "CPI no longer copies executable and rent_epoch from the caller's AccountInfo. Gate \
         removed.",
    ),
    // mainnet: active since slot 205_200_004
    feature(
        ids::CAP_BPF_PROGRAM_INSTRUCTION_ACCOUNTS,
        "cap_bpf_program_instruction_accounts",
        true,
        "Enforces a maximum number of accounts per SBF program instruction. Gate removed.",
    ),
    // mainnet: active since slot 139_536_000
    feature(
        ids::EXECUTABLES_INCUR_CPI_DATA_COST,
        "executables_incur_cpi_data_cost",
        true,
        "Executable accounts passed through CPI are charged the data-size cost too. Gate removed.",
    ),
    // mainnet: active since slot 222_048_008
    feature(
        ids::ENABLE_EARLY_VERIFICATION_OF_ACCOUNT_MODIFICATIONS,
        "enable_early_verification_of_account_modifications",
        true,
        "Account modification rules are enforced as each change is applied rather than by \
         pre/post comparison. Gate removed.",
    ),
    // mainnet: active since slot 350_352_004
    feature(
        ids::REMOVE_ACCOUNTS_EXECUTABLE_FLAG_CHECKS,
        "remove_accounts_executable_flag_checks",
        true,
        "SIMD-0162: no executable-flag checks when invoking programs or modifying accounts. Gate \
         removed in Agave 4.4 (the Dec-2024 fixture key is \
         remove_accounts_executable_flag_checks_dec2024).",
    ),
    // mainnet: active since slot 432_000_000
    feature(
        ids::LIMIT_INSTRUCTION_ACCOUNTS,
        "limit_instruction_accounts",
        true,
        "SIMD-0406: at most 255 accounts per instruction. Gate removed in Agave 4.4.",
    ),
    // mainnet: active since slot 404_352_000
    feature(
        ids::STATIC_INSTRUCTION_LIMIT,
        "static_instruction_limit",
        true,
        "SIMD-0160: at most 64 top-level instructions per transaction (sanitize). Gate removed in \
         Agave 4.4.",
    ),
    // mainnet: active since slot 224_208_000
    feature(
        ids::LIMIT_MAX_INSTRUCTION_TRACE_LENGTH,
        "limit_max_instruction_trace_length",
        true,
        "The instruction trace (top-level and CPI instructions) is limited to 64 entries. Gate \
         removed.",
    ),
    // mainnet: active since slot 141_696_000
    feature(
        ids::RECORD_INSTRUCTION_IN_TRANSACTION_CONTEXT_PUSH,
        "record_instruction_in_transaction_context_push",
        true,
        "Moves the CPI stack-overflow check to the end of push. Gate removed.",
    ),
    // mainnet: active since slot 137_376_016
    feature(
        ids::REJECT_EMPTY_INSTRUCTION_WITHOUT_PROGRAM,
        "reject_empty_instruction_without_program",
        true,
        "Instructions that name the native loader as program id fail. Gate removed.",
    ),
    // mainnet: active since slot 143_424_004
    feature(
        ids::PREVENT_CALLING_PRECOMPILES_AS_PROGRAMS,
        "prevent_calling_precompiles_as_programs",
        true,
        "Precompiles cannot be invoked as programs. Gate removed.",
    ),
    // mainnet: active since slot 328_320_000
    feature(
        ids::MOVE_PRECOMPILE_VERIFICATION_TO_SVM,
        "move_precompile_verification_to_svm",
        true,
        "SIMD-0159: precompile instructions are verified during execution instead of at sanitize \
         time.",
    ),
    // mainnet: active since slot 133_920_008
    feature(
        ids::DO_SUPPORT_REALLOC,
        "do_support_realloc",
        true,
        "Programs may resize account data. Gate removed.",
    ),
    // mainnet: active since slot 100_656_000
    feature(
        ids::DEMOTE_PROGRAM_WRITE_LOCKS,
        "demote_program_write_locks",
        true,
        "Program ids are demoted to read-only unless the upgradeable loader is present. Gate \
         removed.",
    ),
    // mainnet: active since slot 320_976_000
    feature(
        ids::ADD_NEW_RESERVED_ACCOUNT_KEYS,
        "add_new_reserved_account_keys",
        true,
        "Adds reserved account keys whose write locks are demoted to read-only.",
    ),
    // ---- Program loaders ----
    // mainnet: active since slot 251_424_000
    feature(
        ids::ENABLE_BPF_LOADER_SET_AUTHORITY_CHECKED_IX,
        "enable_bpf_loader_set_authority_checked_ix",
        true,
        "Enables the upgradeable loader's SetAuthorityChecked instruction, also when reached \
         through CPI.",
    ),
    // mainnet: active since slot 229_824_000
    feature(
        ids::ENABLE_BPF_LOADER_EXTEND_PROGRAM_IX,
        "enable_bpf_loader_extend_program_ix",
        true,
        "Enables the upgradeable loader's ExtendProgram instruction.",
    ),
    // mainnet: inactive
    feature(
        ids::ENABLE_EXTEND_PROGRAM_CHECKED,
        "enable_extend_program_checked",
        false,
        "Enables the upgradeable loader's ExtendProgramChecked instruction. Placeholder key (to \
         be deleted); never activated.",
    ),
    // mainnet: inactive
    feature(
        ids::ENABLE_LOADER_V4,
        "enable_loader_v4",
        false,
        "SIMD-0167: loader-v4. Abandoned (placeholder key LoaderV4WasAbandoned...); never \
         activated.",
    ),
    // mainnet: active since slot 167_184_008
    feature(
        ids::DISABLE_DEPRECATED_LOADER,
        "disable_deprecated_loader",
        true,
        "Disables the deprecated BPF loader. Gate removed.",
    ),
    // mainnet: active since slot 259_632_004
    feature(
        ids::DISABLE_BPF_LOADER_INSTRUCTIONS,
        "disable_bpf_loader_instructions",
        true,
        "Disables the management instructions of the non-upgradeable BPF loader.",
    ),
    // mainnet: active since slot 237_168_000
    feature(
        ids::REMOVE_BPF_LOADER_INCORRECT_PROGRAM_ID,
        "remove_bpf_loader_incorrect_program_id",
        true,
        "The BPF loader stops returning IncorrectProgramId where it should not.",
    ),
    // mainnet: active since slot 241_056_004
    feature(
        ids::SIMPLIFY_WRITABLE_PROGRAM_ACCOUNT_CHECK,
        "simplify_writable_program_account_check",
        true,
        "Simplified checks for writable upgradeable program accounts. Gate removed.",
    ),
    // mainnet: active since slot 228_960_012
    feature(
        ids::ENABLE_PROGRAM_REDEPLOYMENT_COOLDOWN,
        "enable_program_redeployment_cooldown",
        true,
        "A program cannot be redeployed in the slot of its last deployment. Gate removed.",
    ),
    // mainnet: active since slot 228_960_012
    feature(
        ids::DELAY_VISIBILITY_OF_PROGRAM_DEPLOYMENT,
        "delay_visibility_of_program_deployment",
        true,
        "Deployments and upgrades become visible from the next slot. Gate removed.",
    ),
    // mainnet: active since slot 207_360_004
    feature(
        ids::DISABLE_BUILTIN_LOADER_OWNERSHIP_CHAINS,
        "disable_builtin_loader_ownership_chains",
        true,
        "Disables builtin loader ownership chains. Gate removed.",
    ),
    // mainnet: active since slot 102_816_004
    feature(
        ids::REDUCE_REQUIRED_DEPLOY_BALANCE,
        "reduce_required_deploy_balance",
        true,
        "Reduces the payer balance required for program deploys. Gate removed.",
    ),
    // mainnet: active since slot 432_864_000
    feature(
        ids::LOADER_V3_MINIMUM_EXTEND_PROGRAM_SIZE,
        "loader_v3_minimum_extend_program_size",
        true,
        "SIMD-0431: minimum size for the upgradeable loader's ExtendProgram.",
    ),
    // mainnet: inactive
    feature(
        ids::LOADER_V3_SET_PROGRAM_DATA_TO_ELF_LENGTH,
        "loader_v3_set_program_data_to_elf_length",
        false,
        "SIMD-0433: the upgradeable loader sets the program data account to the ELF length.",
    ),
    // mainnet: active since slot 412_992_000
    feature(
        ids::RELAX_PROGRAMDATA_ACCOUNT_CHECK_MIGRATION,
        "relax_programdata_account_check_migration",
        true,
        "SIMD-0444: relaxes the program data account check in builtin migration.",
    ),
    // ---- System program, rent and transaction-level rules ----
    // mainnet: active since slot 422_928_004
    feature(
        ids::CREATE_ACCOUNT_ALLOW_PREFUND,
        "create_account_allow_prefund",
        true,
        "SIMD-0312: enables System CreateAccountAllowPrefund (tag 13); without it that tag is \
         InvalidInstructionData.",
    ),
    // mainnet: active since slot 443_664_000
    feature(
        ids::RELAX_POST_EXEC_MIN_BALANCE_CHECK,
        "relax_post_exec_min_balance_check",
        true,
        "SIMD-0392: relaxed post-execution rent-state check: a RentPaying \
         pre-state counts as RentExempt, and a below-minimum post-state is allowed when the \
         lamports did not drop, the data did not grow and the owner did not change.",
    ),
    // mainnet: active since slot 407_376_000
    feature(
        ids::DEPRECATE_RENT_EXEMPTION_THRESHOLD,
        "deprecate_rent_exemption_threshold",
        true,
        "SIMD-0194: the rent-exemption threshold is 1.0, so the minimum balance is (128 + len) x \
         lamports_per_byte.",
    ),
    // mainnet: active since slot 444_096_000
    feature(
        ids::SET_LAMPORTS_PER_BYTE_TO_6333,
        "set_lamports_per_byte_to_6333",
        true,
        "SIMD-0437-1: Set lamports per byte to 6333",
    ),
    // mainnet: active since slot 446_256_000
    feature(
        ids::SET_LAMPORTS_PER_BYTE_TO_5080,
        "set_lamports_per_byte_to_5080",
        true,
        "SIMD-0437-2: Set lamports per byte to 5080",
    ),
    // mainnet: inactive
    feature(
        ids::SET_LAMPORTS_PER_BYTE_TO_2575,
        "set_lamports_per_byte_to_2575",
        false,
        "SIMD-0437-3: Set lamports per byte to 2575",
    ),
    // mainnet: inactive
    feature(
        ids::SET_LAMPORTS_PER_BYTE_TO_1322,
        "set_lamports_per_byte_to_1322",
        false,
        "SIMD-0437-4: Set lamports per byte to 1322",
    ),
    // mainnet: inactive
    feature(
        ids::SET_LAMPORTS_PER_BYTE_TO_696,
        "set_lamports_per_byte_to_696",
        false,
        "SIMD-0437-5: Set lamports per byte to 696",
    ),
    // mainnet: inactive
    feature(
        ids::SET_LAMPORTS_PER_BYTE_TO_6960,
        "set_lamports_per_byte_to_6960",
        false,
        "SIMD-0438: Reset lamports per byte to legacy value of 6960",
    ),
    // mainnet: active since slot 93_312_000
    feature(
        ids::SYSTEM_TRANSFER_ZERO_CHECK,
        "system_transfer_zero_check",
        true,
        "System transfers of 0 lamports perform all checks. Gate removed.",
    ),
    // mainnet: active since slot 151_632_012
    feature(
        ids::MERGE_NONCE_ERROR_INTO_SYSTEM_ERROR,
        "merge_nonce_error_into_system_error",
        true,
        "Nonce errors are reported as SystemError. Gate removed.",
    ),
    // mainnet: active since slot 136_944_004
    feature(
        ids::NONCE_MUST_BE_WRITABLE,
        "nonce_must_be_writable",
        true,
        "nonce must be writable",
    ),
    // mainnet: active since slot 138_240_000
    feature(
        ids::NONCE_MUST_BE_AUTHORIZED,
        "nonce_must_be_authorized",
        true,
        "nonce must be authorized",
    ),
    // mainnet: active since slot 138_240_000
    feature(
        ids::NONCE_MUST_BE_ADVANCEABLE,
        "nonce_must_be_advanceable",
        true,
        "durable nonces must be advanceable",
    ),
    // mainnet: active since slot 138_240_000
    feature(
        ids::SEPARATE_NONCE_FROM_BLOCKHASH,
        "separate_nonce_from_blockhash",
        true,
        "separate durable nonce and blockhash domains #25744",
    ),
    // mainnet: active since slot 138_240_000
    feature(
        ids::ENABLE_DURABLE_NONCE,
        "enable_durable_nonce",
        true,
        "enable durable nonce #25744",
    ),
    // mainnet: active since slot 133_056_012
    feature(
        ids::LEAVE_NONCE_ON_SUCCESS,
        "leave_nonce_on_success",
        true,
        "leave nonce as is on success",
    ),
    // mainnet: active since slot 384_480_000
    feature(
        ids::REQUIRE_STATIC_NONCE_ACCOUNT,
        "require_static_nonce_account",
        true,
        "SIMD-0242: Static Nonce Account Only",
    ),
    // mainnet: active since slot 133_488_000
    feature(
        ids::REQUIRE_RENT_EXEMPT_ACCOUNTS,
        "require_rent_exempt_accounts",
        true,
        "require all new transaction accounts with data to be rent-exempt",
    ),
    // mainnet: active since slot 154_224_000
    feature(
        ids::INCLUDE_ACCOUNT_INDEX_IN_RENT_ERROR,
        "include_account_index_in_rent_error",
        true,
        "TransactionError::InsufficientFundsForRent carries the account index.",
    ),
    // mainnet: active since slot 222_480_020
    feature(
        ids::BETTER_ERROR_CODES_FOR_TX_LAMPORT_CHECK,
        "better_error_codes_for_tx_lamport_check",
        true,
        "The transaction-wide lamport check reports UnbalancedTransaction.",
    ),
    // mainnet: active since slot 224_640_020
    feature(
        ids::CAP_ACCOUNTS_DATA_ALLOCATIONS_PER_TRANSACTION,
        "cap_accounts_data_allocations_per_transaction",
        true,
        "Caps the net account-data growth of one transaction.",
    ),
    // mainnet: active since slot 230_256_020
    feature(
        ids::CAP_TRANSACTION_ACCOUNTS_DATA_SIZE,
        "cap_transaction_accounts_data_size",
        true,
        "cap transaction accounts data size up to a limit #27839",
    ),
    // mainnet: active since slot 381_888_000
    feature(
        ids::FORMALIZE_LOADED_TRANSACTION_DATA_SIZE,
        "formalize_loaded_transaction_data_size",
        true,
        "SIMD-0186: Loaded transaction data size specification",
    ),
    // mainnet: active since slot 435_456_000
    feature(
        ids::DEFINE_LTDS_FEE_ONLY_SEMANTICS,
        "define_ltds_fee_only_semantics",
        true,
        "SIMD-0186 Amendment: Define fee-only semantics",
    ),
    // mainnet: inactive
    feature(
        ids::RELAX_FEE_PAYER_CONSTRAINT,
        "relax_fee_payer_constraint",
        false,
        "SIMD-0290: Relax block constraint requiring valid fee-payer",
    ),
    // mainnet: active since slot 326_592_000
    feature(
        ids::DISABLE_RENT_FEES_COLLECTION,
        "disable_rent_fees_collection",
        true,
        "SIMD-0084: Disable rent fees collection",
    ),
    // mainnet: active since slot 314_064_000
    feature(
        ids::MOVE_STAKE_AND_MOVE_LAMPORTS_IXS,
        "move_stake_and_move_lamports_ixs",
        true,
        "Enables the stake program's MoveStake and MoveLamports instructions.",
    ),
    // ---- Agave 4.5-alpha only (not in agave-feature-set 4.4.0) ----
    // mainnet: inactive
    feature(
        ids::EARLY_INSTRUCTION_TRACE_OVERFLOW_DETECTION,
        "early_instruction_trace_overflow_detection",
        false,
        "SIMD-582: the instruction-trace limit counts all top-level instructions up front. Agave \
         4.5-alpha only.",
    ),
    // mainnet: inactive
    feature(
        ids::PASS_INPUT_METADATA_IN_VM_R3_R5,
        "pass_input_metadata_in_vm_r3_r5",
        false,
        "SIMD-0683: r3, r4 and r5 carry ABIv1 input metadata at program entry. Agave 4.5-alpha \
         only.",
    ),
    // mainnet: inactive
    feature(
        ids::UNBOUND_LOADER_V3_INSTRUCTION_DATA,
        "unbound_loader_v3_instruction_data",
        false,
        "SIMD-0648: unbound upgradeable-loader instruction data. Agave 4.5-alpha only.",
    ),
    // ---- Older keys: Dec-2024 fixtures (Agave 2.1) and features gone from Agave 4.4 ----
    // mainnet: inactive
    feature(
        ids::BPF_ACCOUNT_DATA_DIRECT_MAPPING,
        "bpf_account_data_direct_mapping",
        false,
        "Agave 2.1 direct mapping under the key the Dec-2024 conformance fixtures use: no SBPFv0 \
         stack frame gaps, unaligned multi-region input mapping, direct account-data mapping. \
         Read here as virtual_address_space_adjustments plus account_data_direct_mapping.",
    ),
    // mainnet: inactive
    feature(
        ids::STRICTER_ABI_AND_RUNTIME_CONSTRAINTS,
        "stricter_abi_and_runtime_constraints",
        false,
        "SIMD-0219, never activated; split into SIMD-0459 \
         (syscall_parameter_address_restrictions) and SIMD-0460 \
         (virtual_address_space_adjustments), both of which it implies here. Key from 2025 Agave \
         master; gone from Agave 4.4.",
    ),
    // mainnet: inactive
    feature(
        ids::ENABLE_PARTITIONED_EPOCH_REWARD,
        "enable_partitioned_epoch_reward",
        false,
        "Agave 2.1 partitioned epoch rewards, superseded by \
         partitioned_epoch_rewards_superfeature; in 2.1 either one registered \
         sol_get_epoch_rewards_sysvar. Never activated; gone from Agave 4.4.",
    ),
    // mainnet: inactive
    feature(
        ids::ENABLE_PROGRAM_RUNTIME_V2_AND_LOADER_V4,
        "enable_program_runtime_v2_and_loader_v4",
        false,
        "Agave 2.1 name and key of the loader-v4 gate (it only added the LoaderV4 builtin at bank \
         level). Read here as an alias of enable_loader_v4.",
    ),
    // mainnet: inactive
    feature(
        ids::ENABLE_BIG_MOD_EXP_SYSCALL_DEC2024,
        "enable_big_mod_exp_syscall_dec2024",
        false,
        "Agave 2.1 / Dec-2024 fixture key of enable_big_mod_exp_syscall: registers \
         sol_big_mod_exp.",
    ),
    // mainnet: inactive
    feature(
        ids::ENABLE_GET_EPOCH_STAKE_SYSCALL_DEC2024,
        "enable_get_epoch_stake_syscall_dec2024",
        false,
        "Agave 2.1 / Dec-2024 fixture key of enable_get_epoch_stake_syscall: registers \
         sol_get_epoch_stake.",
    ),
    // mainnet: inactive
    feature(
        ids::REMOVE_ACCOUNTS_EXECUTABLE_FLAG_CHECKS_DEC2024,
        "remove_accounts_executable_flag_checks_dec2024",
        false,
        "Dec-2024 fixture key of remove_accounts_executable_flag_checks (SIMD-0162).",
    ),
    // mainnet: inactive
    feature(
        ids::ENABLE_SECP256R1_PRECOMPILE_DEC2024,
        "enable_secp256r1_precompile_dec2024",
        false,
        "Agave 2.1 / Dec-2024 fixture key of enable_secp256r1_precompile (SIMD-0075).",
    ),
    // mainnet: inactive
    feature(
        ids::ENABLE_SBPF_V3_DEPLOYMENT_AND_EXECUTION_DEC2024,
        "enable_sbpf_v3_deployment_and_execution_dec2024",
        false,
        "Dec-2024 fixture key of enable_sbpf_v3_deployment_and_execution.",
    ),
    // mainnet: inactive
    feature(
        ids::DISABLE_SBPF_V0_EXECUTION_DEC2024,
        "disable_sbpf_v0_execution_dec2024",
        false,
        "Dec-2024 fixture placeholder key of disable_sbpf_v0_execution (SIMD-0161).",
    ),
    // ---- Other Agave 4.4 features (consensus, fees, stake, vote, builtin migrations) ----
    // mainnet: active since slot 55_728_001
    feature(
        ids::DEPRECATE_REWARDS_SYSVAR,
        "deprecate_rewards_sysvar",
        true,
        "deprecate unused rewards sysvar",
    ),
    // mainnet: active since slot 57_456_000
    feature(
        ids::PICO_INFLATION,
        "pico_inflation",
        true,
        "pico inflation",
    ),
    // mainnet: inactive
    feature(
        ids::FULL_INFLATION_DEVNET_AND_TESTNET,
        "full_inflation_devnet_and_testnet",
        false,
        "full inflation on devnet and testnet",
    ),
    // mainnet: active since slot 64_800_004
    feature(
        ids::FULL_INFLATION_MAINNET_CERTUSONE_VOTE,
        "full_inflation_mainnet_certusone_vote",
        true,
        "community vote allowing Certus One to enable full inflation",
    ),
    // mainnet: active since slot 64_800_004
    feature(
        ids::FULL_INFLATION_MAINNET_CERTUSONE_ENABLE,
        "full_inflation_mainnet_certusone_enable",
        true,
        "full inflation enabled by Certus One",
    ),
    // mainnet: active since slot 41_040_000
    feature(
        ids::SECP256K1_PROGRAM_ENABLED,
        "secp256k1_program_enabled",
        true,
        "secp256k1 program",
    ),
    // mainnet: active since slot 41_040_000
    feature(
        ids::SPL_TOKEN_V2_MULTISIG_FIX,
        "spl_token_v2_multisig_fix",
        true,
        "spl-token multisig fix",
    ),
    // mainnet: active since slot 51_408_000
    feature(
        ids::NO_OVERFLOW_RENT_DISTRIBUTION,
        "no_overflow_rent_distribution",
        true,
        "no overflow rent distribution",
    ),
    // mainnet: active since slot 57_888_004
    feature(
        ids::FILTER_STAKE_DELEGATION_ACCOUNTS,
        "filter_stake_delegation_accounts",
        true,
        "filter stake_delegation_accounts #14062",
    ),
    // mainnet: active since slot 71_712_000
    feature(
        ids::REQUIRE_CUSTODIAN_FOR_LOCKED_STAKE_AUTHORIZE,
        "require_custodian_for_locked_stake_authorize",
        true,
        "require custodian to authorize withdrawer change for locked stake",
    ),
    // mainnet: active since slot 66_528_004
    feature(
        ids::SPL_TOKEN_V2_SELF_TRANSFER_FIX,
        "spl_token_v2_self_transfer_fix",
        true,
        "spl-token self-transfer fix",
    ),
    // mainnet: active since slot 66_528_004
    feature(
        ids::WARP_TIMESTAMP_AGAIN,
        "warp_timestamp_again",
        true,
        "warp timestamp again, adjust bounding to 25% fast 80% slow #15204",
    ),
    // mainnet: active since slot 68_688_000
    feature(
        ids::CHECK_INIT_VOTE_DATA,
        "check_init_vote_data",
        true,
        "check initialized Vote data",
    ),
    // mainnet: active since slot 110_592_000
    feature(
        ids::DEDUPE_CONFIG_PROGRAM_SIGNERS,
        "dedupe_config_program_signers",
        true,
        "dedupe config program signers",
    ),
    // mainnet: active since slot 102_816_004
    feature(
        ids::VERIFY_TX_SIGNATURES_LEN,
        "verify_tx_signatures_len",
        true,
        "prohibit extra transaction signatures",
    ),
    // mainnet: active since slot 92_448_000
    feature(
        ids::VOTE_STAKE_CHECKED_INSTRUCTIONS,
        "vote_stake_checked_instructions",
        true,
        "vote/state program checked instructions #18345",
    ),
    // mainnet: active since slot 104_976_000
    feature(
        ids::RENT_FOR_SYSVARS,
        "rent_for_sysvars",
        true,
        "collect rent from accounts owned by sysvars",
    ),
    // mainnet: active since slot 110_592_000
    feature(
        ids::LIBSECP256K1_0_5_UPGRADE_ENABLED,
        "libsecp256k1_0_5_upgrade_enabled",
        true,
        "upgrade libsecp256k1 to v0.5.0",
    ),
    // mainnet: active since slot 135_216_004
    feature(
        ids::TX_WIDE_COMPUTE_CAP,
        "tx_wide_compute_cap",
        true,
        "transaction wide compute cap",
    ),
    // mainnet: active since slot 93_312_000
    feature(
        ids::SPL_TOKEN_V2_SET_AUTHORITY_FIX,
        "spl_token_v2_set_authority_fix",
        true,
        "spl-token set_authority fix",
    ),
    // mainnet: active since slot 104_112_000
    feature(
        ids::STAKE_MERGE_WITH_UNMATCHED_CREDITS_OBSERVED,
        "stake_merge_with_unmatched_credits_observed",
        true,
        "allow merging active stakes with unmatched credits_observed #18985",
    ),
    // mainnet: inactive
    feature(
        ids::ZK_TOKEN_SDK_ENABLED,
        "zk_token_sdk_enabled",
        false,
        "enable Zk Token proof program and syscalls",
    ),
    // mainnet: active since slot 154_656_004
    feature(
        ids::VERSIONED_TX_MESSAGE_ENABLED,
        "versioned_tx_message_enabled",
        true,
        "enable versioned transaction message processing",
    ),
    // mainnet: inactive
    feature(
        ids::LIBSECP256K1_FAIL_ON_BAD_COUNT,
        "libsecp256k1_fail_on_bad_count",
        false,
        "fail libsecp256k1_verify if count appears wrong",
    ),
    // mainnet: active since slot 200_880_004
    feature(
        ids::LIBSECP256K1_FAIL_ON_BAD_COUNT2,
        "libsecp256k1_fail_on_bad_count2",
        true,
        "fail libsecp256k1_verify if count appears wrong",
    ),
    // mainnet: active since slot 152_496_000
    feature(
        ids::INSTRUCTIONS_SYSVAR_OWNED_BY_SYSVAR,
        "instructions_sysvar_owned_by_sysvar",
        true,
        "fix owner for instructions sysvar",
    ),
    // mainnet: active since slot 104_112_000
    feature(
        ids::STAKE_PROGRAM_ADVANCE_ACTIVATING_CREDITS_OBSERVED,
        "stake_program_advance_activating_credits_observed",
        true,
        "Enable advancing credits observed for activation epoch #19309",
    ),
    // mainnet: active since slot 200_448_008
    feature(
        ids::CREDITS_AUTO_REWIND,
        "credits_auto_rewind",
        true,
        "Auto rewind stake's credits_observed if (accidental) vote recreation is detected #22546",
    ),
    // mainnet: active since slot 117_936_008
    feature(
        ids::ED25519_PROGRAM_ENABLED,
        "ed25519_program_enabled",
        true,
        "enable builtin ed25519 signature verify program",
    ),
    // mainnet: active since slot 110_592_000
    feature(
        ids::STAKES_REMOVE_DELEGATION_IF_INACTIVE,
        "stakes_remove_delegation_if_inactive",
        true,
        "remove delegations from stakes cache when inactive",
    ),
    // mainnet: active since slot 109_728_000
    feature(
        ids::OPTIMIZE_EPOCH_BOUNDARY_UPDATES,
        "optimize_epoch_boundary_updates",
        true,
        "optimize epoch boundary updates",
    ),
    // mainnet: active since slot 117_072_004
    feature(
        ids::REMOVE_NATIVE_LOADER,
        "remove_native_loader",
        true,
        "remove support for the native loader",
    ),
    // mainnet: active since slot 101_088_000
    feature(
        ids::SEND_TO_TPU_VOTE_PORT,
        "send_to_tpu_vote_port",
        true,
        "send votes to the tpu vote port",
    ),
    // mainnet: active since slot 147_744_004
    feature(
        ids::DISABLE_FEE_CALCULATOR,
        "disable_fee_calculator",
        true,
        "deprecate fee calculator",
    ),
    // mainnet: active since slot 117_072_004
    feature(
        ids::ADD_COMPUTE_BUDGET_PROGRAM,
        "add_compute_budget_program",
        true,
        "Add compute_budget_program",
    ),
    // mainnet: active since slot 117_072_004
    feature(
        ids::SPL_TOKEN_V3_3_0_RELEASE,
        "spl_token_v3_3_0_release",
        true,
        "spl-token v3.3.0 release",
    ),
    // mainnet: active since slot 117_072_004
    feature(
        ids::REJECT_NON_RENT_EXEMPT_VOTE_WITHDRAWS,
        "reject_non_rent_exempt_vote_withdraws",
        true,
        "fail vote withdraw instructions which leave the account non-rent-exempt",
    ),
    // mainnet: active since slot 117_072_004
    feature(
        ids::EVICT_INVALID_STAKES_CACHE_ENTRIES,
        "evict_invalid_stakes_cache_entries",
        true,
        "evict invalid stakes cache entries on epoch boundaries",
    ),
    // mainnet: active since slot 212_112_000
    feature(
        ids::ALLOW_VOTES_TO_DIRECTLY_UPDATE_VOTE_STATE,
        "allow_votes_to_directly_update_vote_state",
        true,
        "enable direct vote state update",
    ),
    // mainnet: active since slot 140_400_004
    feature(
        ids::MAX_TX_ACCOUNT_LOCKS,
        "max_tx_account_locks",
        true,
        "enforce max number of locked accounts per transaction",
    ),
    // mainnet: active since slot 157_680_012
    feature(
        ids::FILTER_VOTES_OUTSIDE_SLOT_HASHES,
        "filter_votes_outside_slot_hashes",
        true,
        "filter vote slots older than the slot hashes history",
    ),
    // mainnet: active since slot 198_720_004
    feature(
        ids::STAKE_DEACTIVATE_DELINQUENT_INSTRUCTION,
        "stake_deactivate_delinquent_instruction",
        true,
        "enable the deactivate delinquent stake instruction #23932",
    ),
    // mainnet: active since slot 138_672_000
    feature(
        ids::VOTE_WITHDRAW_AUTHORITY_MAY_CHANGE_AUTHORIZED_VOTER,
        "vote_withdraw_authority_may_change_authorized_voter",
        true,
        "vote account withdraw authority may change the authorized voter #22521",
    ),
    // mainnet: active since slot 130_464_000
    feature(
        ids::SPL_ASSOCIATED_TOKEN_ACCOUNT_V1_0_4,
        "spl_associated_token_account_v1_0_4",
        true,
        "SPL Associated Token Account Program release version 1.0.4, tied to token 3.3.0 #22648",
    ),
    // mainnet: active since slot 170_640_000
    feature(
        ids::REJECT_VOTE_ACCOUNT_CLOSE_UNLESS_ZERO_CREDIT_EPOCH,
        "reject_vote_account_close_unless_zero_credit_epoch",
        true,
        "fail vote account withdraw to 0 unless account earned 0 credits in last completed epoch",
    ),
    // mainnet: active since slot 171_072_012
    feature(
        ids::BANK_TRANSACTION_COUNT_FIX,
        "bank_transaction_count_fix",
        true,
        "fixes Bank::transaction_count to include all committed transactions, not just successful \
         ones",
    ),
    // mainnet: active since slot 203_904_008
    feature(
        ids::STAKE_SPLIT_USES_RENT_SYSVAR,
        "stake_split_uses_rent_sysvar",
        true,
        "stake split instruction uses rent sysvar",
    ),
    // mainnet: active since slot 199_584_000
    feature(
        ids::ADD_GET_MINIMUM_DELEGATION_INSTRUCTION_TO_STAKE_PROGRAM,
        "add_get_minimum_delegation_instruction_to_stake_program",
        true,
        "add GetMinimumDelegation instruction to stake program",
    ),
    // mainnet: active since slot 199_152_000
    feature(
        ids::DROP_REDUNDANT_TURBINE_PATH,
        "drop_redundant_turbine_path",
        true,
        "drop redundant turbine path",
    ),
    // mainnet: active since slot 204_768_000
    feature(
        ids::FIX_RECENT_BLOCKHASHES,
        "fix_recent_blockhashes",
        true,
        "stop adding hashes for skipped slots to recent blockhashes",
    ),
    // mainnet: active since slot 206_064_004
    feature(
        ids::UPDATE_REWARDS_FROM_CACHED_ACCOUNTS,
        "update_rewards_from_cached_accounts",
        true,
        "update rewards from cached accounts",
    ),
    // mainnet: active since slot 144_288_004
    feature(
        ids::SPL_TOKEN_V3_4_0,
        "spl_token_v3_4_0",
        true,
        "SPL Token Program version 3.4.0 release #24740",
    ),
    // mainnet: active since slot 144_288_004
    feature(
        ids::SPL_ASSOCIATED_TOKEN_ACCOUNT_V1_1_0,
        "spl_associated_token_account_v1_1_0",
        true,
        "SPL Associated Token Account Program version 1.1.0 release #24741",
    ),
    // mainnet: active since slot 141_264_004
    feature(
        ids::DEFAULT_UNITS_PER_INSTRUCTION,
        "default_units_per_instruction",
        true,
        "Default max tx-wide compute units calculated per instruction",
    ),
    // mainnet: active since slot 200_016_004
    feature(
        ids::STAKE_ALLOW_ZERO_UNDELEGATED_AMOUNT,
        "stake_allow_zero_undelegated_amount",
        true,
        "Allow zero-lamport undelegated amount for initialized stakes #24670",
    ),
    // mainnet: active since slot 153_360_000
    feature(
        ids::REQUIRE_STATIC_PROGRAM_IDS_IN_TRANSACTION,
        "require_static_program_ids_in_transaction",
        true,
        "require static program ids in versioned transactions",
    ),
    // mainnet: inactive
    feature(
        ids::STAKE_RAISE_MINIMUM_DELEGATION_TO_1_SOL,
        "stake_raise_minimum_delegation_to_1_sol",
        false,
        "Raise minimum stake delegation to 1.0 SOL #24357",
    ),
    // mainnet: active since slot 142_128_000
    feature(
        ids::ADD_SET_COMPUTE_UNIT_PRICE_IX,
        "add_set_compute_unit_price_ix",
        true,
        "add compute budget ix for setting a compute unit price",
    ),
    // mainnet: active since slot 137_376_016
    feature(
        ids::ADD_SHRED_TYPE_TO_SHRED_SEED,
        "add_shred_type_to_shred_seed",
        true,
        "add shred-type to shred seed #25556",
    ),
    // mainnet: active since slot 136_512_012
    feature(
        ids::WARP_TIMESTAMP_WITH_A_VENGEANCE,
        "warp_timestamp_with_a_vengeance",
        true,
        "warp timestamp again, adjust bounding to 150% slow #25666",
    ),
    // mainnet: active since slot 212_112_000
    feature(
        ids::VOTE_STATE_UPDATE_CREDIT_PER_DEQUEUE,
        "vote_state_update_credit_per_dequeue",
        true,
        "Calculate vote credits for VoteStateUpdate per vote dequeue to match credit awards for \
         Vote instruction",
    ),
    // mainnet: active since slot 140_400_004
    feature(
        ids::QUICK_BAIL_ON_PANIC,
        "quick_bail_on_panic",
        true,
        "quick bail on panic",
    ),
    // mainnet: active since slot 148_608_004
    feature(
        ids::VOTE_AUTHORIZE_WITH_SEED,
        "vote_authorize_with_seed",
        true,
        "An instruction you can use to change a vote accounts authority when the current \
         authority is a derived key #25860",
    ),
    // mainnet: active since slot 156_384_000
    feature(
        ids::PRESERVE_RENT_EPOCH_FOR_RENT_EXEMPT_ACCOUNTS,
        "preserve_rent_epoch_for_rent_exempt_accounts",
        true,
        "preserve rent epoch for rent exempt accounts #26479",
    ),
    // mainnet: active since slot 326_160_000
    feature(
        ids::SKIP_RENT_REWRITES,
        "skip_rent_rewrites",
        true,
        "SIMD-0183: Skip rent rewrites",
    ),
    // mainnet: active since slot 161_136_000
    feature(
        ids::PREVENT_CREDITING_ACCOUNTS_THAT_END_RENT_PAYING,
        "prevent_crediting_accounts_that_end_rent_paying",
        true,
        "prevent crediting rent paying accounts #26606",
    ),
    // mainnet: active since slot 206_496_008
    feature(
        ids::USE_DEFAULT_UNITS_IN_FEE_CALCULATION,
        "use_default_units_in_fee_calculation",
        true,
        "use default units per instruction in fee calculation #26785",
    ),
    // mainnet: active since slot 212_112_000
    feature(
        ids::COMPACT_VOTE_STATE_UPDATES,
        "compact_vote_state_updates",
        true,
        "Compact vote state updates to lower block size",
    ),
    // mainnet: active since slot 243_648_004
    feature(
        ids::INCREMENTAL_SNAPSHOT_ONLY_INCREMENTAL_HASH_CALCULATION,
        "incremental_snapshot_only_incremental_hash_calculation",
        true,
        "only hash accounts in incremental snapshot during incremental snapshot creation #26799",
    ),
    // mainnet: active since slot 204_336_000
    feature(
        ids::ON_LOAD_PRESERVE_RENT_EPOCH_FOR_RENT_EXEMPT_ACCOUNTS,
        "on_load_preserve_rent_epoch_for_rent_exempt_accounts",
        true,
        "on bank load account, do not try to fix up rent_epoch #28541",
    ),
    // mainnet: active since slot 225_504_004
    feature(
        ids::ACCOUNT_HASH_IGNORE_SLOT,
        "account_hash_ignore_slot",
        true,
        "ignore slot when calculating an account hash #28420",
    ),
    // mainnet: active since slot 246_240_000
    feature(
        ids::SET_EXEMPT_RENT_EPOCH_MAX,
        "set_exempt_rent_epoch_max",
        true,
        "set rent epoch to Epoch::MAX for rent-exempt accounts #28683",
    ),
    // mainnet: active since slot 249_264_000
    feature(
        ids::RELAX_AUTHORITY_SIGNER_CHECK_FOR_LOOKUP_TABLE_CREATION,
        "relax_authority_signer_check_for_lookup_table_creation",
        true,
        "relax authority signer check for lookup table creation #27205",
    ),
    // mainnet: active since slot 202_176_000
    feature(
        ids::VOTE_STATE_UPDATE_ROOT_FIX,
        "vote_state_update_root_fix",
        true,
        "fix root in vote state updates #27361",
    ),
    // mainnet: active since slot 228_528_004
    feature(
        ids::EPOCH_ACCOUNTS_HASH,
        "epoch_accounts_hash",
        true,
        "enable epoch accounts hash calculation #27539",
    ),
    // mainnet: active since slot 233_280_000
    feature(
        ids::REMOVE_DEPRECATED_REQUEST_UNIT_IX,
        "remove_deprecated_request_unit_ix",
        true,
        "remove support for RequestUnitsDeprecated instruction #27500",
    ),
    // mainnet: active since slot 204_336_000
    feature(
        ids::DISABLE_REHASH_FOR_RENT_EPOCH,
        "disable_rehash_for_rent_epoch",
        true,
        "on accounts hash calculation, do not try to rehash accounts #28934",
    ),
    // mainnet: active since slot 210_384_016
    feature(
        ids::COMMISSION_UPDATES_ONLY_ALLOWED_IN_FIRST_HALF_OF_EPOCH,
        "commission_updates_only_allowed_in_first_half_of_epoch",
        true,
        "validator commission updates are only allowed in the first half of an epoch #29362",
    ),
    // mainnet: active since slot 247_104_008
    feature(
        ids::ENABLE_TURBINE_FANOUT_EXPERIMENTS,
        "enable_turbine_fanout_experiments",
        true,
        "enable turbine fanout experiments #29393",
    ),
    // mainnet: active since slot 380_160_000
    feature(
        ids::DISABLE_TURBINE_FANOUT_EXPERIMENTS,
        "disable_turbine_fanout_experiments",
        true,
        "disable turbine fanout experiments #29393",
    ),
    // mainnet: active since slot 232_848_000
    feature(
        ids::UPDATE_HASHES_PER_TICK,
        "update_hashes_per_tick",
        true,
        "Update desired hashes per tick on epoch boundary",
    ),
    // mainnet: active since slot 236_736_000
    feature(
        ids::REMOVE_CONGESTION_MULTIPLIER_FROM_FEE_CALCULATION,
        "remove_congestion_multiplier_from_fee_calculation",
        true,
        "Remove congestion multiplier from transaction fee calculation #29881",
    ),
    // mainnet: active since slot 234_144_000
    feature(
        ids::PREVENT_RENT_PAYING_RENT_RECIPIENTS,
        "prevent_rent_paying_rent_recipients",
        true,
        "prevent recipients of rent rewards from ending in rent-paying state #30151",
    ),
    // mainnet: active since slot 329_616_000
    feature(
        ids::APPLY_COST_TRACKER_DURING_REPLAY,
        "apply_cost_tracker_during_replay",
        true,
        "apply cost tracker to blocks during replay #29595",
    ),
    // mainnet: active since slot 231_984_004
    feature(
        ids::ADD_SET_TX_LOADED_ACCOUNTS_DATA_SIZE_INSTRUCTION,
        "add_set_tx_loaded_accounts_data_size_instruction",
        true,
        "add compute budget instruction for setting account data size per transaction #30366",
    ),
    // mainnet: inactive
    feature(
        ids::INCLUDE_LOADED_ACCOUNTS_DATA_SIZE_IN_FEE_CALCULATION,
        "include_loaded_accounts_data_size_in_fee_calculation",
        false,
        "include transaction loaded accounts data size in base fee calculation #30657",
    ),
    // mainnet: active since slot 211_680_000
    feature(
        ids::CLEAN_UP_DELEGATION_ERRORS,
        "clean_up_delegation_errors",
        true,
        "Return InsufficientDelegation instead of InsufficientFunds or InsufficientStake where \
         applicable #31206",
    ),
    // mainnet: active since slot 252_720_000
    feature(
        ids::VOTE_STATE_ADD_VOTE_LATENCY,
        "vote_state_add_vote_latency",
        true,
        "replace Lockout with LandedVote (including vote latency) in vote state #31264",
    ),
    // mainnet: active since slot 234_576_004
    feature(
        ids::CHECKED_ARITHMETIC_IN_FEE_VALIDATION,
        "checked_arithmetic_in_fee_validation",
        true,
        "checked arithmetic in fee validation #31273",
    ),
    // mainnet: active since slot 244_080_000
    feature(
        ids::REDUCE_STAKE_WARMUP_COOLDOWN,
        "reduce_stake_warmup_cooldown",
        true,
        "reduce stake warmup cooldown from 25% to 9%",
    ),
    // mainnet: active since slot 244_944_000
    feature(
        ids::REVISE_TURBINE_EPOCH_STAKES,
        "revise_turbine_epoch_stakes",
        true,
        "revise turbine epoch stakes",
    ),
    // mainnet: active since slot 303_696_000
    feature(
        ids::TIMELY_VOTE_CREDITS,
        "timely_vote_credits",
        true,
        "use timeliness of votes in determining credits to award",
    ),
    // mainnet: active since slot 254_016_004
    feature(
        ids::REQUIRE_RENT_EXEMPT_SPLIT_DESTINATION,
        "require_rent_exempt_split_destination",
        true,
        "Require stake split destination account to be rent exempt",
    ),
    // mainnet: active since slot 253_584_001
    feature(
        ids::UPDATE_HASHES_PER_TICK2,
        "update_hashes_per_tick2",
        true,
        "Update desired hashes per tick to 2.8M",
    ),
    // mainnet: active since slot 255_312_004
    feature(
        ids::UPDATE_HASHES_PER_TICK3,
        "update_hashes_per_tick3",
        true,
        "Update desired hashes per tick to 4.4M",
    ),
    // mainnet: active since slot 255_744_008
    feature(
        ids::UPDATE_HASHES_PER_TICK4,
        "update_hashes_per_tick4",
        true,
        "Update desired hashes per tick to 7.6M",
    ),
    // mainnet: active since slot 257_040_000
    feature(
        ids::UPDATE_HASHES_PER_TICK5,
        "update_hashes_per_tick5",
        true,
        "Update desired hashes per tick to 9.2M",
    ),
    // mainnet: active since slot 257_904_000
    feature(
        ids::UPDATE_HASHES_PER_TICK6,
        "update_hashes_per_tick6",
        true,
        "Update desired hashes per tick to 10M",
    ),
    // mainnet: active since slot 258_336_004
    feature(
        ids::VALIDATE_FEE_COLLECTOR_ACCOUNT,
        "validate_fee_collector_account",
        true,
        "validate fee collector account #33888",
    ),
    // mainnet: inactive
    feature(
        ids::ENABLE_ZK_TRANSFER_WITH_FEE,
        "enable_zk_transfer_with_fee",
        false,
        "enable Zk Token proof program transfer with fee",
    ),
    // mainnet: active since slot 259_200_004
    feature(
        ids::DROP_LEGACY_SHREDS,
        "drop_legacy_shreds",
        true,
        "drops legacy shreds #34328",
    ),
    // mainnet: active since slot 304_128_000
    feature(
        ids::ALLOW_COMMISSION_DECREASE_AT_ANY_TIME,
        "allow_commission_decrease_at_any_time",
        true,
        "Allow commission decrease at any time in epoch #33843",
    ),
    // mainnet: active since slot 260_064_000
    feature(
        ids::CONSUME_BLOCKSTORE_DUPLICATE_PROOFS,
        "consume_blockstore_duplicate_proofs",
        true,
        "consume duplicate proofs from blockstore in consensus #34372",
    ),
    // mainnet: active since slot 260_496_000
    feature(
        ids::INDEX_ERASURE_CONFLICT_DUPLICATE_PROOFS,
        "index_erasure_conflict_duplicate_proofs",
        true,
        "generate duplicate proofs for index and erasure conflicts #34360",
    ),
    // mainnet: active since slot 283_824_004
    feature(
        ids::MERKLE_CONFLICT_DUPLICATE_PROOFS,
        "merkle_conflict_duplicate_proofs",
        true,
        "generate duplicate proofs for merkle root conflicts #34270",
    ),
    // mainnet: inactive
    feature(
        ids::ENABLE_ZK_PROOF_FROM_ACCOUNT,
        "enable_zk_proof_from_account",
        false,
        "Enable zk token proof program to read proof from accounts instead of instruction data \
         #34750",
    ),
    // mainnet: active since slot 312_336_000
    feature(
        ids::COST_MODEL_REQUESTED_WRITE_LOCK_COST,
        "cost_model_requested_write_lock_cost",
        true,
        "cost model uses number of requested write locks #34819",
    ),
    // mainnet: active since slot 284_688_004
    feature(
        ids::ENABLE_GOSSIP_DUPLICATE_PROOF_INGESTION,
        "enable_gossip_duplicate_proof_ingestion",
        true,
        "enable gossip duplicate proof ingestion #32963",
    ),
    // mainnet: inactive
    feature(
        ids::CHAINED_MERKLE_CONFLICT_DUPLICATE_PROOFS,
        "chained_merkle_conflict_duplicate_proofs",
        false,
        "generate duplicate proofs for chained merkle root conflicts",
    ),
    // mainnet: active since slot 306_720_000
    feature(
        ids::ENABLE_CHAINED_MERKLE_SHREDS,
        "enable_chained_merkle_shreds",
        true,
        "Enable chained Merkle shreds #34916",
    ),
    // mainnet: active since slot 317_088_000
    feature(
        ids::REMOVE_ROUNDING_IN_FEE_CALCULATION,
        "remove_rounding_in_fee_calculation",
        true,
        "Removing unwanted rounding in fee calculation #34982",
    ),
    // mainnet: active since slot 323_568_000
    feature(
        ids::ENABLE_TOWER_SYNC_IX,
        "enable_tower_sync_ix",
        true,
        "Enable tower sync vote instruction",
    ),
    // mainnet: active since slot 283_392_000
    feature(
        ids::DEPRECATE_UNUSED_LEGACY_VOTE_PLUMBING,
        "deprecate_unused_legacy_vote_plumbing",
        true,
        "Deprecate unused legacy vote tx plumbing",
    ),
    // mainnet: active since slot 320_112_000
    feature(
        ids::REWARD_FULL_PRIORITY_FEE,
        "reward_full_priority_fee",
        true,
        "SIMD-0096: Reward full priority fee to validators",
    ),
    // mainnet: active since slot 324_864_000
    feature(
        ids::MIGRATE_FEATURE_GATE_PROGRAM_TO_CORE_BPF,
        "migrate_feature_gate_program_to_core_bpf",
        true,
        "SIMD-0089: Migrate Feature Gate program to Core BPF (programify)",
    ),
    // mainnet: active since slot 332_208_000
    feature(
        ids::VOTE_ONLY_FULL_FEC_SETS,
        "vote_only_full_fec_sets",
        true,
        "vote only full fec sets",
    ),
    // mainnet: active since slot 325_296_000
    feature(
        ids::MIGRATE_CONFIG_PROGRAM_TO_CORE_BPF,
        "migrate_config_program_to_core_bpf",
        true,
        "SIMD-0140: Migrate Config program to Core BPF",
    ),
    // mainnet: active since slot 329_184_000
    feature(
        ids::MIGRATE_ADDRESS_LOOKUP_TABLE_PROGRAM_TO_CORE_BPF,
        "migrate_address_lookup_table_program_to_core_bpf",
        true,
        "SIMD-0128: Migrate Address Lookup Table program to Core BPF",
    ),
    // mainnet: active since slot 315_792_000
    feature(
        ids::ZK_ELGAMAL_PROOF_PROGRAM_ENABLED,
        "zk_elgamal_proof_program_enabled",
        true,
        "SIMD-0153: Enable ZkElGamalProof program",
    ),
    // mainnet: inactive
    feature(
        ids::VERIFY_RETRANSMITTER_SIGNATURE,
        "verify_retransmitter_signature",
        false,
        "Verify retransmitter signature #1840",
    ),
    // mainnet: active since slot 308_448_000
    feature(
        ids::ED25519_PRECOMPILE_VERIFY_STRICT,
        "ed25519_precompile_verify_strict",
        true,
        "SIMD-0152: Use strict verification in ed25519 precompile",
    ),
    // mainnet: inactive
    feature(
        ids::VOTE_ONLY_RETRANSMITTER_SIGNED_FEC_SETS,
        "vote_only_retransmitter_signed_fec_sets",
        false,
        "vote only on retransmitter signed fec sets",
    ),
    // mainnet: active since slot 327_024_000
    feature(
        ids::ENABLE_TRANSACTION_LOADING_FAILURE_FEES,
        "enable_transaction_loading_failure_fees",
        true,
        "SIMD-0082: Enable fees for some additional transaction failures",
    ),
    // mainnet: inactive
    feature(
        ids::DEPRECATE_LEGACY_VOTE_IXS,
        "deprecate_legacy_vote_ixs",
        false,
        "Deprecate legacy vote instructions",
    ),
    // mainnet: active since slot 314_496_000
    feature(
        ids::DISABLE_ACCOUNT_LOADER_SPECIAL_CASE,
        "disable_account_loader_special_case",
        true,
        "Disable account loader special case #3513",
    ),
    // mainnet: active since slot 345_600_000
    feature(
        ids::ENABLE_SECP256R1_PRECOMPILE,
        "enable_secp256r1_precompile",
        true,
        "SIMD-0075: Enable secp256r1 precompile",
    ),
    // mainnet: active since slot 347_328_000
    feature(
        ids::ACCOUNTS_LT_HASH,
        "accounts_lt_hash",
        true,
        "SIMD-0215: enables lattice-based accounts hash",
    ),
    // mainnet: active since slot 353_376_000
    feature(
        ids::SNAPSHOTS_LT_HASH,
        "snapshots_lt_hash",
        true,
        "SIMD-0220: snapshots use lattice-based accounts hash",
    ),
    // mainnet: active since slot 348_624_000
    feature(
        ids::REMOVE_ACCOUNTS_DELTA_HASH,
        "remove_accounts_delta_hash",
        true,
        "SIMD-0223: removes accounts delta hash",
    ),
    // mainnet: active since slot 355_536_000
    feature(
        ids::MIGRATE_STAKE_PROGRAM_TO_CORE_BPF,
        "migrate_stake_program_to_core_bpf",
        true,
        "SIMD-0196: Migrate Stake program to Core BPF #3655",
    ),
    // mainnet: active since slot 327_456_000
    feature(
        ids::RESERVE_MINIMAL_CUS_FOR_BUILTIN_INSTRUCTIONS,
        "reserve_minimal_cus_for_builtin_instructions",
        true,
        "SIMD-0170: Reserve minimal CUs for builtin instructions #2562",
    ),
    // mainnet: active since slot 332_640_000
    feature(
        ids::RAISE_BLOCK_LIMITS_TO_50M,
        "raise_block_limits_to_50m",
        true,
        "SIMD-0207: Raise block limit to 50M",
    ),
    // mainnet: active since slot 354_672_000
    feature(
        ids::DROP_UNCHAINED_MERKLE_SHREDS,
        "drop_unchained_merkle_shreds",
        true,
        "drops unchained Merkle shreds #2149",
    ),
    // mainnet: active since slot 411_696_000
    feature(
        ids::RELAX_INTRABATCH_ACCOUNT_LOCKS,
        "relax_intrabatch_account_locks",
        true,
        "SIMD-0083: Allow batched transactions to read/write and write/write the same accounts",
    ),
    // mainnet: active since slot 349_056_000
    feature(
        ids::DISABLE_PARTITIONED_RENT_COLLECTION,
        "disable_partitioned_rent_collection",
        true,
        "SIMD-0175: Disable partitioned rent collection #4562",
    ),
    // mainnet: active since slot 363_312_000
    feature(
        ids::ENABLE_VOTE_ADDRESS_LEADER_SCHEDULE,
        "enable_vote_address_leader_schedule",
        true,
        "SIMD-0180: Enable vote address leader schedule #4573",
    ),
    // mainnet: active since slot 355_104_000
    feature(
        ids::RAISE_BLOCK_LIMITS_TO_60M,
        "raise_block_limits_to_60m",
        true,
        "SIMD-0256: Raise block limit to 60M",
    ),
    // mainnet: inactive
    feature(
        ids::ALPENGLOW,
        "alpenglow",
        false,
        "SIMD-0326: Alpenglow: new consensus algorithm",
    ),
    // mainnet: active since slot 347_760_000
    feature(
        ids::DISABLE_ZK_ELGAMAL_PROOF_PROGRAM,
        "disable_zk_elgamal_proof_program",
        true,
        "Disables zk-elgamal-proof program",
    ),
    // mainnet: active since slot 424_224_000
    feature(
        ids::REENABLE_ZK_ELGAMAL_PROOF_PROGRAM,
        "reenable_zk_elgamal_proof_program",
        true,
        "Re-enables zk-elgamal-proof program",
    ),
    // mainnet: active since slot 435_888_000
    feature(
        ids::RAISE_BLOCK_LIMITS_TO_100M,
        "raise_block_limits_to_100m",
        true,
        "SIMD-0286: Raise block limit to 100M",
    ),
    // mainnet: active since slot 379_296_000
    feature(
        ids::RAISE_ACCOUNT_CU_LIMIT,
        "raise_account_cu_limit",
        true,
        "SIMD-0306: Raise account CU limit to 40% max",
    ),
    // mainnet: active since slot 428_112_000
    feature(
        ids::DELAY_COMMISSION_UPDATES,
        "delay_commission_updates",
        true,
        "SIMD-0249: Delay Commission Updates",
    ),
    // mainnet: active since slot 403_920_000
    feature(
        ids::ENFORCE_FIXED_FEC_SET,
        "enforce_fixed_fec_set",
        true,
        "SIMD-0317: Enforce 32 data + 32 coding shreds",
    ),
    // mainnet: inactive
    feature(
        ids::ENFORCE_CORRECT_PROOF_SIZE,
        "enforce_correct_proof_size",
        false,
        "SIMD-0317: Enforce the Merkle proof size of a fixed 32:32 FEC set",
    ),
    // mainnet: active since slot 434_160_000
    feature(
        ids::DISCARD_UNEXPECTED_DATA_COMPLETE_SHREDS,
        "discard_unexpected_data_complete_shreds",
        true,
        "SIMD-0337: Markers for Alpenglow Fast Leader Handover, DATA_COMPLETE_SHRED placement \
         rules",
    ),
    // mainnet: active since slot 409_968_000
    feature(
        ids::VOTE_STATE_V4,
        "vote_state_v4",
        true,
        "SIMD-0185: Vote State v4",
    ),
    // mainnet: active since slot 408_672_000
    feature(
        ids::SWITCH_TO_CHACHA8_TURBINE,
        "switch_to_chacha8_turbine",
        true,
        "SIMD-0332: Reduce ChaCha rounds for Turbine from 20 to 8",
    ),
    // mainnet: active since slot 419_472_000
    feature(
        ids::REPLACE_SPL_TOKEN_WITH_P_TOKEN,
        "replace_spl_token_with_p_token",
        true,
        "SIMD-0266: Efficient Token program",
    ),
    // mainnet: active since slot 431_568_000
    feature(
        ids::BLS_PUBKEY_MANAGEMENT_IN_VOTE_ACCOUNT,
        "bls_pubkey_management_in_vote_account",
        true,
        "SIMD-0387: BLS Pubkey Management in Vote Account",
    ),
    // mainnet: active since slot 433_296_000
    feature(
        ids::COMMISSION_RATE_IN_BASIS_POINTS,
        "commission_rate_in_basis_points",
        true,
        "SIMD-0291: Commission Rate in Basis Points",
    ),
    // mainnet: active since slot 445_392_000
    feature(
        ids::CUSTOM_COMMISSION_COLLECTOR,
        "custom_commission_collector",
        true,
        "SIMD-0232: Custom Commission Collector",
    ),
    // mainnet: active since slot 423_792_000
    feature(
        ids::REMOVE_SIMPLE_VOTE_FROM_COST_MODEL,
        "remove_simple_vote_from_cost_model",
        true,
        "stop use static SimpleVote transaction cost, issue #10227",
    ),
    // mainnet: inactive
    feature(
        ids::BLOCK_REVENUE_SHARING,
        "block_revenue_sharing",
        false,
        "SIMD-0123: Block Revenue Sharing",
    ),
    // mainnet: inactive
    feature(
        ids::VOTE_ACCOUNT_INITIALIZE_V2,
        "vote_account_initialize_v2",
        false,
        "SIMD-0464: Vote Account Initialize V2",
    ),
    // mainnet: active since slot 428_544_000
    feature(
        ids::VALIDATE_CHAINED_BLOCK_ID,
        "validate_chained_block_id",
        true,
        "SIMD-0340: Validate chained block ID",
    ),
    // mainnet: active since slot 428_544_000
    feature(
        ids::VALIDATE_CHAINED_BLOCK_ID_2,
        "validate_chained_block_id_2",
        true,
        "SIMD-340: Encompassing check for validate chained block ID",
    ),
    // mainnet: active since slot 434_592_000
    feature(
        ids::VALIDATOR_ADMISSION_TICKET,
        "validator_admission_ticket",
        true,
        "SIMD-0357: Alpenglow VAT implementation",
    ),
    // mainnet: active since slot 427_248_000
    feature(
        ids::UPGRADE_BPF_STAKE_PROGRAM_TO_V5,
        "upgrade_bpf_stake_program_to_v5",
        true,
        "SIMD-0490: Upgrade BPF Stake Program to v5.0.0",
    ),
    // mainnet: active since slot 447_120_000
    feature(
        ids::ENABLE_TX_V1,
        "enable_tx_v1",
        true,
        "SIMD-0385: Transaction V1",
    ),
    // mainnet: active since slot 440_208_000
    feature(
        ids::REDUCE_SLOT_TIME_TO_350MS,
        "reduce_slot_time_to_350ms",
        true,
        "SIMD-0525: Reduce slot time to 350ms",
    ),
    // mainnet: active since slot 441_936_000
    feature(
        ids::REDUCE_SLOT_TIME_TO_300MS,
        "reduce_slot_time_to_300ms",
        true,
        "SIMD-0525: Reduce slot time to 300ms",
    ),
    // mainnet: active since slot 447_552_000
    feature(
        ids::REDUCE_SLOT_TIME_TO_250MS,
        "reduce_slot_time_to_250ms",
        true,
        "SIMD-0525: Reduce slot time to 250ms",
    ),
    // mainnet: active since slot 454_464_000
    feature(
        ids::REDUCE_SLOT_TIME_TO_200MS,
        "reduce_slot_time_to_200ms",
        true,
        "SIMD-0525: Reduce slot time to 200ms",
    ),
    // mainnet: active since slot 443_232_000
    feature(
        ids::UPGRADE_BPF_STAKE_PROGRAM_TO_V5_1,
        "upgrade_bpf_stake_program_to_v5_1",
        true,
        "SIMD-0391: Upgrade BPF Stake Program to v5.1.0 (fixed-point warmup/cooldown)",
    ),
    // mainnet: inactive
    feature(
        ids::ALPENGLOW_FAST_LEADER_HANDOVER,
        "alpenglow_fast_leader_handover",
        false,
        "SIMD-0326: Alpenglow fast leader handover",
    ),
    // mainnet: inactive
    feature(
        ids::DOUBLE_DISINFLATION_RATE,
        "double_disinflation_rate",
        false,
        "SIMD-0550: Double disinflation rate",
    ),
    // mainnet: inactive
    feature(
        ids::REMOVE_INACTIVE_STAKES,
        "remove_inactive_stakes",
        false,
        "SIMD-0599: Remove inactive stakes from stake delegations",
    ),
];

/// A gate Agave 4.4's execution reads (`solana-svm-feature-set 4.4.0, src/lib.rs`,
/// `SVMFeatureSet`) whose behaviour sbfvm does not implement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnimplementedGate {
    /// The Agave 4.4 name (its row of [`KNOWN_FEATURES`]).
    pub name: &'static str,
    /// Every key that selects it: the Agave 4.4 key first, then older keys read as the same
    /// switch (see "Rekeyed features").
    pub keys: &'static [Pubkey],
    /// What Agave does with it that sbfvm does not.
    pub reason: &'static str,
}

impl UnimplementedGate {
    /// Whether any of its keys is active in `features`.
    pub fn is_active_in(&self, features: &FeatureSet) -> bool {
        self.keys.iter().any(|key| features.is_active(key))
    }
}

const VOTE_ONLY: &str = "only the Vote program reads it, and sbfvm has no Vote program";
const FEE_LAYER: &str = "Agave reads it for what a block may hold (the loaded-accounts data \
     size a fee-only transaction reports, SIMD-0290's no-op transactions with an invalid fee \
     payer), which sbfvm's transaction layer does not model";

/// The gates a user's feature set must leave as on mainnet ([`FeatureSet::mainnet`]):
/// Agave 4.4 reads each of them, sbfvm does not implement what it changes, so running with it
/// toggled would silently give mainnet's behaviour. The library and scenarios refuse such a
/// feature set ([`FeatureSet::unimplemented_changes`]); the runtime itself accepts it (the
/// conformance runner toggles gates freely and compares only what it implements).
/// `disable_zk_elgamal_proof_program` and `reenable_zk_elgamal_proof_program` are not here:
/// the ZK ElGamal proof builtin reads them.
pub const UNIMPLEMENTED_GATES: &[UnimplementedGate] = &[
    UnimplementedGate {
        name: "account_data_direct_mapping",
        keys: &[
            ids::ACCOUNT_DATA_DIRECT_MAPPING,
            ids::BPF_ACCOUNT_DATA_DIRECT_MAPPING,
        ],
        reason: "with virtual_address_space_adjustments, Agave maps account data directly \
                 (no copy in serialization and CPI, shared data copied on first write); sbfvm \
                 always serializes a copy",
    },
    UnimplementedGate {
        name: "deprecate_legacy_vote_ixs",
        keys: &[ids::DEPRECATE_LEGACY_VOTE_IXS],
        reason: VOTE_ONLY,
    },
    UnimplementedGate {
        name: "delay_commission_updates",
        keys: &[ids::DELAY_COMMISSION_UPDATES],
        reason: VOTE_ONLY,
    },
    UnimplementedGate {
        name: "bls_pubkey_management_in_vote_account",
        keys: &[ids::BLS_PUBKEY_MANAGEMENT_IN_VOTE_ACCOUNT],
        reason: VOTE_ONLY,
    },
    UnimplementedGate {
        name: "commission_rate_in_basis_points",
        keys: &[ids::COMMISSION_RATE_IN_BASIS_POINTS],
        reason: VOTE_ONLY,
    },
    UnimplementedGate {
        name: "custom_commission_collector",
        keys: &[ids::CUSTOM_COMMISSION_COLLECTOR],
        reason: VOTE_ONLY,
    },
    UnimplementedGate {
        name: "block_revenue_sharing",
        keys: &[ids::BLOCK_REVENUE_SHARING],
        reason: VOTE_ONLY,
    },
    UnimplementedGate {
        name: "vote_account_initialize_v2",
        keys: &[ids::VOTE_ACCOUNT_INITIALIZE_V2],
        reason: VOTE_ONLY,
    },
    UnimplementedGate {
        name: "define_ltds_fee_only_semantics",
        keys: &[ids::DEFINE_LTDS_FEE_ONLY_SEMANTICS],
        reason: FEE_LAYER,
    },
    UnimplementedGate {
        name: "relax_fee_payer_constraint",
        keys: &[ids::RELAX_FEE_PAYER_CONSTRAINT],
        reason: FEE_LAYER,
    },
];

struct Index {
    by_id: HashMap<Pubkey, &'static FeatureInfo>,
    by_name: HashMap<&'static str, &'static FeatureInfo>,
    by_u64: HashMap<u64, &'static FeatureInfo>,
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index = Index {
            by_id: HashMap::with_capacity(KNOWN_FEATURES.len()),
            by_name: HashMap::with_capacity(KNOWN_FEATURES.len()),
            by_u64: HashMap::with_capacity(KNOWN_FEATURES.len()),
        };
        for info in KNOWN_FEATURES {
            index.by_id.insert(info.id, info);
            index.by_name.insert(info.name, info);
            // The first entry wins. Agave 4.4's placeholder keys `TestFeature1111…`
            // (disable_sbpf_v0_execution) and `TestFeature2111…` (reenable_sbpf_v0_execution)
            // share their first 8 bytes; in the fixtures that id means reenable, listed first.
            index.by_u64.entry(info.u64_id()).or_insert(info);
        }
        index
    })
}

/// The known feature with this id.
pub fn lookup_by_id(id: &Pubkey) -> Option<&'static FeatureInfo> {
    index().by_id.get(id).copied()
}

/// The known feature with this name (exact match, e.g. `"raise_cpi_nesting_limit_to_8"`).
pub fn lookup_by_name(name: &str) -> Option<&'static FeatureInfo> {
    index().by_name.get(name).copied()
}

/// The known feature whose pubkey starts with these 8 bytes (little-endian), as fixtures encode it.
///
/// One collision exists: `0xe5937c9dd5edd306` is the prefix of both placeholder keys
/// `TestFeature1111…` (disable_sbpf_v0_execution in Agave 4.4) and `TestFeature2111…`
/// (reenable_sbpf_v0_execution); it resolves to reenable_sbpf_v0_execution, its meaning in the
/// Dec-2024 fixtures (which key disable_sbpf_v0_execution as `XTestFeature1111…`).
pub fn lookup_by_u64(id: u64) -> Option<&'static FeatureInfo> {
    index().by_u64.get(&id).copied()
}

/// Resolve a user-supplied feature: a known feature name, or any base58 pubkey (known or not).
pub fn parse_feature_id(s: &str) -> Option<Pubkey> {
    let s = s.trim();
    lookup_by_name(s)
        .map(|info| info.id)
        .or_else(|| Pubkey::from_str(s).ok())
}

/// A set of active features.
///
/// `Default` is the empty set (like Agave's `FeatureSet::default()`), the same as
/// [`FeatureSet::none`]. Ids that are not in [`KNOWN_FEATURES`] may be stored; they change
/// nothing unless code asks for them by id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FeatureSet {
    active: HashSet<Pubkey, BuildPubkeyHasher>,
    /// The known features of `active`, by their position in [`KNOWN_FEATURES`]: the typed
    /// accessors read one bit (the runtime asks dozens of them per CPI).
    known: KnownBits,
}

const KNOWN_WORDS: usize = 6;
const _: () = assert!(KNOWN.len() <= KNOWN_WORDS * 64);

type KnownBits = [u64; KNOWN_WORDS];

/// Position of a known feature in [`KNOWN_FEATURES`]; fails to compile for an unknown one.
const fn known_position(id: &Pubkey) -> usize {
    let wanted = id.as_array();
    let mut position = 0;
    while position < KNOWN.len() {
        let candidate = KNOWN[position].id.as_array();
        let mut byte = 0;
        while byte < 32 && candidate[byte] == wanted[byte] {
            byte += 1;
        }
        if byte == 32 {
            return position;
        }
        position += 1;
    }
    panic!("not a known feature")
}

fn known_bits(active: &HashSet<Pubkey, BuildPubkeyHasher>) -> KnownBits {
    let mut bits = [0; KNOWN_WORDS];
    for (position, info) in KNOWN.iter().enumerate() {
        if active.contains(&info.id) {
            bits[position / 64] |= 1 << (position % 64);
        }
    }
    bits
}

/// Hashes a pubkey by its first 8 bytes: feature ids are hashes already, and the runtime asks
/// the feature set on every CPI, so SipHash over 32 bytes would be wasted work.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BuildPubkeyHasher;

impl std::hash::BuildHasher for BuildPubkeyHasher {
    type Hasher = PubkeyHasher;
    fn build_hasher(&self) -> PubkeyHasher {
        PubkeyHasher(0)
    }
}

/// See [`BuildPubkeyHasher`].
#[derive(Clone, Copy, Debug, Default)]
pub struct PubkeyHasher(u64);

impl std::hash::Hasher for PubkeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // `Pubkey` hashes its 32-byte array (after a length prefix for slices); mix every
        // 8-byte chunk so prefixes and arrays both spread.
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word))
                .wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
}

/// Simple accessors: true if any of the listed keys is active (the first is the Agave 4.4 key,
/// the others older keys of the same switch).
macro_rules! feature_accessors {
    ($( $(#[$doc:meta])* $method:ident => [$($id:ident),+ $(,)?]; )*) => {
        $(
            #[doc = concat!("Whether `", stringify!($method), "` is active (under any of its keys).")]
            #[doc = ""]
            $(#[$doc])*
            #[inline]
            pub fn $method(&self) -> bool {
                false $(|| self.known_bit(const { known_position(&ids::$id) }))+
            }
        )*
    };
}

impl FeatureSet {
    /// The gates of [`UNIMPLEMENTED_GATES`] this set has in another state than
    /// [`FeatureSet::mainnet`]: running with them would not give Agave's results.
    pub fn unimplemented_changes(&self) -> Vec<&'static UnimplementedGate> {
        let mainnet = Self::mainnet();
        UNIMPLEMENTED_GATES
            .iter()
            .filter(|gate| gate.is_active_in(self) != gate.is_active_in(&mainnet))
            .collect()
    }

    /// Every known feature that is active on mainnet-beta (2026-10-15 snapshot).
    pub fn mainnet() -> Self {
        Self::from_ids(
            KNOWN_FEATURES
                .iter()
                .filter(|info| info.mainnet_active)
                .map(|info| info.id),
        )
    }

    /// Every known feature, including placeholder, abandoned and older keys.
    pub fn all_enabled() -> Self {
        Self::from_ids(KNOWN_FEATURES.iter().map(|info| info.id))
    }

    /// No feature active.
    pub fn none() -> Self {
        Self::default()
    }

    /// Exactly these features (known or not).
    pub fn from_ids<I: IntoIterator<Item = Pubkey>>(ids: I) -> Self {
        let active = ids.into_iter().collect();
        Self {
            known: known_bits(&active),
            active,
        }
    }

    #[inline]
    fn known_bit(&self, position: usize) -> bool {
        self.known[position / 64] & (1 << (position % 64)) != 0
    }

    /// The features a conformance fixture lists (first 8 bytes LE of each pubkey). Ids that
    /// match no known feature are ignored, as the reference harness does.
    pub fn from_u64_ids<I: IntoIterator<Item = u64>>(ids: I) -> Self {
        Self::from_ids(
            ids.into_iter()
                .filter_map(lookup_by_u64)
                .map(|info| info.id),
        )
    }

    /// Whether exactly this key is active (no aliasing of older keys).
    #[inline]
    pub fn is_active(&self, id: &Pubkey) -> bool {
        self.active.contains(id)
    }

    /// Activates `id`.
    pub fn activate(&mut self, id: Pubkey) {
        self.active.insert(id);
        self.known = known_bits(&self.active);
    }

    /// Deactivates `id`.
    pub fn deactivate(&mut self, id: &Pubkey) {
        self.active.remove(id);
        self.known = known_bits(&self.active);
    }

    /// The active ids, sorted by their bytes.
    pub fn active_ids(&self) -> Vec<Pubkey> {
        let mut ids: Vec<Pubkey> = self.active.iter().copied().collect();
        ids.sort();
        ids
    }

    /// The active ids in fixture encoding, sorted.
    pub fn active_u64_ids(&self) -> Vec<u64> {
        let mut ids: Vec<u64> = self.active.iter().map(feature_u64_id).collect();
        ids.sort_unstable();
        ids
    }

    /// The known features that are active, in [`KNOWN_FEATURES`] order.
    pub fn active_known(&self) -> impl Iterator<Item = &'static FeatureInfo> + '_ {
        KNOWN_FEATURES
            .iter()
            .filter(move |info| self.active.contains(&info.id))
    }

    /// How many ids are active.
    pub fn len(&self) -> usize {
        self.active.len()
    }

    /// Whether no id is active.
    pub fn is_empty(&self) -> bool {
        self.active.is_empty()
    }

    /// See [`lookup_by_id`].
    pub fn lookup_by_id(id: &Pubkey) -> Option<&'static FeatureInfo> {
        lookup_by_id(id)
    }

    /// See [`lookup_by_name`].
    pub fn lookup_by_name(name: &str) -> Option<&'static FeatureInfo> {
        lookup_by_name(name)
    }

    /// See [`lookup_by_u64`].
    pub fn lookup_by_u64(id: u64) -> Option<&'static FeatureInfo> {
        lookup_by_u64(id)
    }

    // ---- VM configuration and program input ----

    feature_accessors! {
        /// SIMD-0460. Also implied by the older `stricter_abi_and_runtime_constraints` and by
        /// the Dec-2024 `bpf_account_data_direct_mapping` key.
        virtual_address_space_adjustments => [
            VIRTUAL_ADDRESS_SPACE_ADJUSTMENTS,
            STRICTER_ABI_AND_RUNTIME_CONSTRAINTS,
            BPF_ACCOUNT_DATA_DIRECT_MAPPING,
        ];
        /// Direct mapping of account data. Also implied by the Dec-2024
        /// `bpf_account_data_direct_mapping` key.
        account_data_direct_mapping => [
            ACCOUNT_DATA_DIRECT_MAPPING,
            BPF_ACCOUNT_DATA_DIRECT_MAPPING,
        ];
        /// SIMD-0459 (always on in Agave 4.4; off selects the CPI and syscall pointer rules
        /// of the Agave releases before it). Also implied by
        /// `stricter_abi_and_runtime_constraints`.
        syscall_parameter_address_restrictions => [
            SYSCALL_PARAMETER_ADDRESS_RESTRICTIONS,
            STRICTER_ABI_AND_RUNTIME_CONSTRAINTS,
        ];
        /// SIMD-0460's program input: each account's data a memory region of its own,
        /// read-only when the program may not change it, growing on a store into the
        /// realloc area. The keys of [`FeatureSet::virtual_address_space_adjustments`] but
        /// the Dec-2024 `bpf_account_data_direct_mapping`, whose Agave 2.1 fixtures keep the
        /// copied input they pass with.
        per_account_input_regions => [
            VIRTUAL_ADDRESS_SPACE_ADJUSTMENTS,
            STRICTER_ABI_AND_RUNTIME_CONSTRAINTS,
        ];
        /// Exactly the Dec-2024 `bpf_account_data_direct_mapping` key: Agave 2.1's
        /// region-walking mem ops and CPI pointer checks.
        bpf_account_data_direct_mapping_dec2024 => [BPF_ACCOUNT_DATA_DIRECT_MAPPING];
        /// The secp256r1 precompile exists (and may not be invoked by CPI).
        enable_secp256r1_precompile => [
            ENABLE_SECP256R1_PRECOMPILE,
            ENABLE_SECP256R1_PRECOMPILE_DEC2024,
        ];
        /// SIMD-0449.
        direct_account_pointers_in_program_input => [DIRECT_ACCOUNT_POINTERS_IN_PROGRAM_INPUT];
        /// SIMD-0321 (always on in Agave 4.4).
        provide_instruction_data_offset_in_vm_r2 => [PROVIDE_INSTRUCTION_DATA_OFFSET_IN_VM_R2];
        /// SIMD-0683 (Agave 4.5-alpha).
        pass_input_metadata_in_vm_r3_r5 => [PASS_INPUT_METADATA_IN_VM_R3_R5];
        /// SIMD-0267 (always on in Agave 4.4).
        mask_out_rent_epoch_in_vm_serialization => [MASK_OUT_RENT_EPOCH_IN_VM_SERIALIZATION];
        /// SIMD-0182: a VM fault consumes the rest of the compute meter.
        deplete_cu_meter_on_vm_failure => [DEPLETE_CU_METER_ON_VM_FAILURE];
        /// SIMD-0161 (also the Dec-2024 placeholder key).
        disable_sbpf_v0_execution => [DISABLE_SBPF_V0_EXECUTION, DISABLE_SBPF_V0_EXECUTION_DEC2024];
        reenable_sbpf_v0_execution => [REENABLE_SBPF_V0_EXECUTION];
        /// SIMD-0500.
        disable_sbpf_v0_v1_v2_deployment => [DISABLE_SBPF_V0_V1_V2_DEPLOYMENT];
        /// Not read by Agave 4.4 (see [`FeatureSet::sbpf_version_range`]).
        enable_sbpf_v1_deployment_and_execution => [ENABLE_SBPF_V1_DEPLOYMENT_AND_EXECUTION];
        /// Not read by Agave 4.4 (see [`FeatureSet::sbpf_version_range`]).
        enable_sbpf_v2_deployment_and_execution => [ENABLE_SBPF_V2_DEPLOYMENT_AND_EXECUTION];
        /// Not read by Agave 4.4 (see [`FeatureSet::sbpf_version_range`]).
        enable_sbpf_v3_deployment_and_execution => [
            ENABLE_SBPF_V3_DEPLOYMENT_AND_EXECUTION,
            ENABLE_SBPF_V3_DEPLOYMENT_AND_EXECUTION_DEC2024,
        ];
        /// Agave 2.1 deploy-time gate; Agave 4.4 never registers `sol_alloc_free_` in the
        /// deployment environment, whatever this says.
        disable_deploy_of_alloc_free_syscall => [DISABLE_DEPLOY_OF_ALLOC_FREE_SYSCALL];
    }

    /// `Config::enable_stack_frame_gaps` (SBPFv0 stack frame gaps): on unless SIMD-0460.
    pub fn stack_frame_gaps(&self) -> bool {
        !self.virtual_address_space_adjustments()
    }

    /// `Config::aligned_memory_mapping`: on unless SIMD-0460.
    pub fn aligned_memory_mapping(&self) -> bool {
        !self.virtual_address_space_adjustments()
    }

    /// The SBPF versions the **execution** environment accepts, as `(min, max)` version numbers
    /// (0 = V0 … 3 = V3), per Agave 4.4 `create_program_runtime_environment`: the maximum is
    /// always V3 (the v1–v3 gates are active and deleted), and the minimum is V3 only when
    /// `disable_sbpf_v0_execution` is active and `reenable_sbpf_v0_execution` is not.
    pub fn sbpf_version_range(&self) -> (u8, u8) {
        let min = if !self.disable_sbpf_v0_execution() || self.reenable_sbpf_v0_execution() {
            0
        } else {
            3
        };
        (min, 3)
    }

    /// The SBPF versions the **deployment** environment accepts, per Agave 4.4
    /// `morph_into_deployment_environment`: the execution range, with the minimum raised to V3
    /// when `disable_sbpf_v0_v1_v2_deployment` is active.
    pub fn sbpf_deployment_version_range(&self) -> (u8, u8) {
        let (min, max) = self.sbpf_version_range();
        if self.disable_sbpf_v0_v1_v2_deployment() {
            (3, max)
        } else {
            (min, max)
        }
    }

    // ---- Syscalls ----

    feature_accessors! {
        /// Registers `sol_blake3`.
        blake3_syscall_enabled => [BLAKE3_SYSCALL_ENABLED];
        /// Registers `sol_sha512`.
        enable_sha512_syscall => [ENABLE_SHA512_SYSCALL];
        /// Registers `sol_poseidon`.
        enable_poseidon_syscall => [ENABLE_POSEIDON_SYSCALL];
        /// SIMD-0359: `sol_poseidon` input padding is enforced.
        poseidon_enforce_padding => [POSEIDON_ENFORCE_PADDING];
        /// Registers `sol_big_mod_exp` (4.4 key or the Agave 2.1 key).
        enable_big_mod_exp_syscall => [
            ENABLE_BIG_MOD_EXP_SYSCALL,
            ENABLE_BIG_MOD_EXP_SYSCALL_DEC2024,
        ];
        /// Registers `sol_alt_bn128_group_op`.
        enable_alt_bn128_syscall => [ENABLE_ALT_BN128_SYSCALL];
        /// Little-endian alt_bn128 operations (else `InvalidAttribute`).
        alt_bn128_little_endian => [ALT_BN128_LITTLE_ENDIAN];
        /// G2 alt_bn128 operations (else `InvalidAttribute`).
        enable_alt_bn128_g2_syscalls => [ENABLE_ALT_BN128_G2_SYSCALLS];
        /// Registers `sol_alt_bn128_compression`.
        enable_alt_bn128_compression_syscall => [ENABLE_ALT_BN128_COMPRESSION_SYSCALL];
        /// SIMD-0129.
        simplify_alt_bn128_syscall_error_codes => [SIMPLIFY_ALT_BN128_SYSCALL_ERROR_CODES];
        /// SIMD-0222.
        fix_alt_bn128_multiplication_input_length => [FIX_ALT_BN128_MULTIPLICATION_INPUT_LENGTH];
        /// SIMD-0334.
        fix_alt_bn128_pairing_length_check => [FIX_ALT_BN128_PAIRING_LENGTH_CHECK];
        /// Registers `sol_curve_validate_point`, `sol_curve_group_op`, `sol_curve_multiscalar_mul`.
        curve25519_syscall_enabled => [CURVE25519_SYSCALL_ENABLED];
        /// Registers `sol_curve_decompress`, `sol_curve_pairing_map` (SIMD-0388).
        enable_bls12_381_syscall => [ENABLE_BLS12_381_SYSCALL];
        /// SIMD-0137: an unknown curve id aborts (`InvalidAttribute`) instead of returning 1.
        abort_on_invalid_curve => [ABORT_ON_INVALID_CURVE];
        /// While active, `sol_get_fees_sysvar` is **not** registered.
        disable_fees_sysvar => [DISABLE_FEES_SYSVAR];
        /// Registers `sol_get_last_restart_slot`.
        last_restart_slot_sysvar => [LAST_RESTART_SLOT_SYSVAR];
        /// Registers `sol_get_sysvar` (SIMD-0127).
        get_sysvar_syscall_enabled => [GET_SYSVAR_SYSCALL_ENABLED];
        /// Registers `sol_get_epoch_stake` (SIMD-0133; 4.4 key or the Dec-2024 key).
        enable_get_epoch_stake_syscall => [
            ENABLE_GET_EPOCH_STAKE_SYSCALL,
            ENABLE_GET_EPOCH_STAKE_SYSCALL_DEC2024,
        ];
        /// Registers `sol_remaining_compute_units`.
        remaining_compute_units_syscall_enabled => [REMAINING_COMPUTE_UNITS_SYSCALL_ENABLED];
        /// Partitioned epoch rewards (either key). Agave 2.1 (the Dec-2024 fixtures) registered
        /// `sol_get_epoch_rewards_sysvar` only when this is true; Agave 4.4 always registers it.
        partitioned_epoch_rewards => [
            PARTITIONED_EPOCH_REWARDS_SUPERFEATURE,
            ENABLE_PARTITIONED_EPOCH_REWARD,
        ];
    }

    // ---- CPI and instruction processing ----

    feature_accessors! {
        /// SIMD-0268: instruction stack depth 5 -> 9 (see
        /// [`FeatureSet::max_instruction_stack_depth`]).
        raise_cpi_nesting_limit_to_8 => [RAISE_CPI_NESTING_LIMIT_TO_8];
        /// SIMD-0339: 255 CPI account infos and the 946-CU invoke cost with per-byte charges
        /// (always on in Agave 4.4).
        increase_cpi_account_info_limit => [INCREASE_CPI_ACCOUNT_INFO_LIMIT];
        /// CPI data up to 10 KiB and 255 metas instead of the 1,280-byte rule (always on in 4.4).
        loosen_cpi_size_restriction => [LOOSEN_CPI_SIZE_RESTRICTION];
        /// Account lock limit 128; before SIMD-0339, CPI account infos 128 instead of 64.
        increase_tx_account_lock_limit => [INCREASE_TX_ACCOUNT_LOCK_LIMIT];
        /// SIMD-0162 (4.4 key or the Dec-2024 key; always on in Agave 4.4).
        remove_accounts_executable_flag_checks => [
            REMOVE_ACCOUNTS_EXECUTABLE_FLAG_CHECKS,
            REMOVE_ACCOUNTS_EXECUTABLE_FLAG_CHECKS_DEC2024,
        ];
        /// SIMD-0406: at most 255 instruction accounts. Agave 4.4 does not read it (the limit
        /// is unconditional, as in `processor.rs`, `check_transaction`); nothing here does.
        limit_instruction_accounts => [LIMIT_INSTRUCTION_ACCOUNTS];
        /// SIMD-0160: at most 64 top-level instructions (always on in Agave 4.4).
        static_instruction_limit => [STATIC_INSTRUCTION_LIMIT];
        /// SIMD-582 (Agave 4.5-alpha): the trace limit counts all top-level instructions up front.
        early_instruction_trace_overflow_detection => [EARLY_INSTRUCTION_TRACE_OVERFLOW_DETECTION];
        /// SIMD-0159: precompiles verified during execution.
        move_precompile_verification_to_svm => [MOVE_PRECOMPILE_VERIFICATION_TO_SVM];
        /// SIMD-0152: the ed25519 precompile verifies with `verify_strict` (always in Agave
        /// 4.4, whose `agave-precompiles` no longer reads the gate).
        ed25519_precompile_verify_strict => [ED25519_PRECOMPILE_VERIFY_STRICT];
        /// Upgradeable loader `SetAuthorityChecked` allowed (also through CPI).
        enable_bpf_loader_set_authority_checked_ix => [ENABLE_BPF_LOADER_SET_AUTHORITY_CHECKED_IX];
    }

    /// Maximum instruction stack height (top level = 1): 5, or 9 with SIMD-0268
    /// (`MAX_INSTRUCTION_STACK_DEPTH` / `_SIMD_0268` in Agave's `execution_budget.rs`).
    pub fn max_instruction_stack_depth(&self) -> usize {
        if self.raise_cpi_nesting_limit_to_8() {
            9
        } else {
            5
        }
    }

    // ---- Loaders ----

    feature_accessors! {
        /// Loader-v4 (abandoned; also the Agave 2.1 `enable_program_runtime_v2_and_loader_v4`).
        enable_loader_v4 => [ENABLE_LOADER_V4, ENABLE_PROGRAM_RUNTIME_V2_AND_LOADER_V4];
        /// SIMD-0082: a transaction whose accounts fail to load still pays its fee (always
        /// on in Agave 4.4).
        enable_transaction_loading_failure_fees => [ENABLE_TRANSACTION_LOADING_FAILURE_FEES];
        /// SIMD-0242: a durable nonce account must be a static key (always on in Agave 4.4).
        require_static_nonce_account => [REQUIRE_STATIC_NONCE_ACCOUNT];
        /// The reserved account keys added in Agave 2.x (Compute Budget, the precompiles,
        /// lookup tables, …) are demoted to read-only (always on in Agave 4.4).
        add_new_reserved_account_keys => [ADD_NEW_RESERVED_ACCOUNT_KEYS];
        /// Upgradeable loader `ExtendProgramChecked`.
        enable_extend_program_checked => [ENABLE_EXTEND_PROGRAM_CHECKED];
        /// Disables the management instructions of the non-upgradeable BPF loader.
        disable_bpf_loader_instructions => [DISABLE_BPF_LOADER_INSTRUCTIONS];
        remove_bpf_loader_incorrect_program_id => [REMOVE_BPF_LOADER_INCORRECT_PROGRAM_ID];
        /// SIMD-0431.
        loader_v3_minimum_extend_program_size => [LOADER_V3_MINIMUM_EXTEND_PROGRAM_SIZE];
        /// SIMD-0433.
        loader_v3_set_program_data_to_elf_length => [LOADER_V3_SET_PROGRAM_DATA_TO_ELF_LENGTH];
        /// SIMD-0444.
        relax_programdata_account_check_migration => [RELAX_PROGRAMDATA_ACCOUNT_CHECK_MIGRATION];
        /// SIMD-0648 (Agave 4.5-alpha).
        unbound_loader_v3_instruction_data => [UNBOUND_LOADER_V3_INSTRUCTION_DATA];
    }

    // ---- Builtin programs ----

    feature_accessors! {
        /// SIMD-0153: the ZK ElGamal proof program is a builtin (its `enable_feature_id` in
        /// `solana-builtins 4.4.0, src/lib.rs`, `BUILTINS`).
        zk_elgamal_proof_program_enabled => [ZK_ELGAMAL_PROOF_PROGRAM_ENABLED];
        /// Every ZK ElGamal proof instruction fails unless `reenable_zk_elgamal_proof_program`
        /// is active too (`solana-zk-elgamal-proof-program 4.4.0, src/lib.rs`).
        disable_zk_elgamal_proof_program => [DISABLE_ZK_ELGAMAL_PROOF_PROGRAM];
        /// Lifts `disable_zk_elgamal_proof_program`.
        reenable_zk_elgamal_proof_program => [REENABLE_ZK_ELGAMAL_PROOF_PROGRAM];
        /// SIMD-0128: the Address Lookup Table program is a Core BPF program, no longer the
        /// native builtin of Agave 2.1 (`solana-runtime 2.1.0, src/bank/builtins/mod.rs`,
        /// its `core_bpf_migration_config`).
        migrate_address_lookup_table_program_to_core_bpf => [MIGRATE_ADDRESS_LOOKUP_TABLE_PROGRAM_TO_CORE_BPF];
        /// SIMD-0140: the Config program is a Core BPF program.
        migrate_config_program_to_core_bpf => [MIGRATE_CONFIG_PROGRAM_TO_CORE_BPF];
        /// SIMD-0196: the Stake program is a Core BPF program.
        migrate_stake_program_to_core_bpf => [MIGRATE_STAKE_PROGRAM_TO_CORE_BPF];
        /// The Address Lookup Table builtin's `CreateLookupTable` needs neither an empty table
        /// nor a signing authority, and leaves a table it already owns as it is.
        relax_authority_signer_check_for_lookup_table_creation => [RELAX_AUTHORITY_SIGNER_CHECK_FOR_LOOKUP_TABLE_CREATION];
        /// SIMD-0170: the default compute-unit limit reserves 3,000 units per builtin
        /// instruction (Compute Budget instructions included) instead of 200,000 per
        /// instruction other than a Compute Budget one (always on in Agave 4.4).
        reserve_minimal_cus_for_builtin_instructions => [RESERVE_MINIMAL_CUS_FOR_BUILTIN_INSTRUCTIONS];
        /// The fee payer is charged the exact fee, not the fee rounded through an `f64`
        /// (always on in Agave 4.4).
        remove_rounding_in_fee_calculation => [REMOVE_ROUNDING_IN_FEE_CALCULATION];
        /// No rent is collected from the accounts a transaction loads (always on in Agave
        /// 4.4).
        disable_rent_fees_collection => [DISABLE_RENT_FEES_COLLECTION];
    }

    // ---- System program, rent and transaction-level rules ----

    feature_accessors! {
        /// SIMD-0312: System `CreateAccountAllowPrefund` (tag 13).
        create_account_allow_prefund => [CREATE_ACCOUNT_ALLOW_PREFUND];
        /// SIMD-0392: relaxed post-execution rent-state check
        /// (`solana-svm 4.4.0, src/rent_calculator.rs`).
        relax_post_exec_min_balance_check => [RELAX_POST_EXEC_MIN_BALANCE_CHECK];
        /// SIMD-0194: rent-exemption threshold 1.0.
        deprecate_rent_exemption_threshold => [DEPRECATE_RENT_EXEMPTION_THRESHOLD];
        /// SIMD-0186: loaded transaction data size.
        formalize_loaded_transaction_data_size => [FORMALIZE_LOADED_TRANSACTION_DATA_SIZE];
        /// Stake program `MoveStake` / `MoveLamports`.
        move_stake_and_move_lamports_ixs => [MOVE_STAKE_AND_MOVE_LAMPORTS_IXS];
    }
}

impl FromIterator<Pubkey> for FeatureSet {
    fn from_iter<I: IntoIterator<Item = Pubkey>>(iter: I) -> Self {
        Self::from_ids(iter)
    }
}

impl Extend<Pubkey> for FeatureSet {
    fn extend<I: IntoIterator<Item = Pubkey>>(&mut self, iter: I) {
        self.active.extend(iter);
        self.known = known_bits(&self.active);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pk(s: &str) -> Pubkey {
        Pubkey::from_str(s).unwrap()
    }

    #[test]
    fn ids_parse_and_round_trip() {
        for info in KNOWN_FEATURES {
            let text = info.id.to_string();
            assert_eq!(pk(&text), info.id, "{}", info.name);
            assert_eq!(parse_feature_id(&text), Some(info.id));
            assert_eq!(parse_feature_id(info.name), Some(info.id));
            assert!(!info.description.is_empty(), "{}", info.name);
        }
        assert_eq!(parse_feature_id("not a feature"), None);
        let unknown = Pubkey::new_from_array([7; 32]);
        assert_eq!(parse_feature_id(&unknown.to_string()), Some(unknown));
    }

    #[test]
    fn names_are_snake_case_and_match_const_style() {
        for info in KNOWN_FEATURES {
            assert!(
                info.name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{}",
                info.name
            );
        }
    }

    #[test]
    fn no_duplicate_ids_names_or_u64_ids() {
        let mut ids = HashSet::new();
        let mut names = HashSet::new();
        let mut u64s = HashMap::new();
        let mut collisions = Vec::new();
        for info in KNOWN_FEATURES {
            assert!(ids.insert(info.id), "duplicate id {}", info.id);
            assert!(names.insert(info.name), "duplicate name {}", info.name);
            if let Some(first) = u64s.insert(info.u64_id(), info.name) {
                collisions.push((first, info.name));
            }
        }
        // The only u64 collision: the two Agave placeholder keys TestFeature1… / TestFeature2….
        assert_eq!(
            collisions,
            vec![("reenable_sbpf_v0_execution", "disable_sbpf_v0_execution")]
        );
        assert_eq!(
            ids::DISABLE_SBPF_V0_EXECUTION.to_string(),
            "TestFeature11111111111111111111111111111111"
        );
        assert_eq!(
            lookup_by_u64(0xe5937c9dd5edd306).map(|info| info.name),
            Some("reenable_sbpf_v0_execution")
        );
    }

    #[test]
    fn ids_match_agave_reference_section_8() {
        let expected = [
            (
                ids::SYSCALL_PARAMETER_ADDRESS_RESTRICTIONS,
                "EDGMC5kxFxGk4ixsNkGt8bW7QL5hDMXnbwaZvYMwNfzF",
            ),
            (
                ids::VIRTUAL_ADDRESS_SPACE_ADJUSTMENTS,
                "7VgiehxNxu53KdxgLspGQY8myE6f7UokaWa4jsGcaSz",
            ),
            (
                ids::ACCOUNT_DATA_DIRECT_MAPPING,
                "CR3dVN2Yoo95Y96kLSTaziWDAQT2MNEpiWh5cqVq2pNE",
            ),
            (
                ids::INCREASE_CPI_ACCOUNT_INFO_LIMIT,
                "H6iVbVaDZgDphcPbcZwc5LoznMPWQfnJ1AM7L1xzqvt5",
            ),
            (
                ids::RAISE_CPI_NESTING_LIMIT_TO_8,
                "6TkHkRmP7JZy1fdM6fg5uXn76wChQBWGokHBJzrLB3mj",
            ),
            (
                ids::EARLY_INSTRUCTION_TRACE_OVERFLOW_DETECTION,
                "HeqqMQXVqavmiJsGTEXgCMydzMEWiiQTAgbs9KVKJVww",
            ),
            (
                ids::DIRECT_ACCOUNT_POINTERS_IN_PROGRAM_INPUT,
                "ptr9umikaeAS7ZBBp2fsfRhie16F1V2jCKA2y6gXNAK",
            ),
            (
                ids::PASS_INPUT_METADATA_IN_VM_R3_R5,
                "r3r5hXFhEZLB2VCDXmUysuDZj4oMbtW8JRVUqvQSgqE",
            ),
            (
                ids::PROVIDE_INSTRUCTION_DATA_OFFSET_IN_VM_R2,
                "5xXZc66h4UdB6Yq7FzdBxBiRAFMMScMLwHxk2QZDaNZL",
            ),
            (
                ids::REMOVE_ACCOUNTS_EXECUTABLE_FLAG_CHECKS,
                "FXs1zh47QbNnhXcnB6YiAQoJ4sGB91tKF3UFHLcKT7PM",
            ),
            (
                ids::MASK_OUT_RENT_EPOCH_IN_VM_SERIALIZATION,
                "RENtePQcDLrAbxAsP3k8dwVcnNYQ466hi2uKvALjnXx",
            ),
            (
                ids::DEPLETE_CU_METER_ON_VM_FAILURE,
                "B7H2caeia4ZFcpE3QcgMqbiWiBtWrdBRBSJ1DY6Ktxbq",
            ),
            (
                ids::ENABLE_BPF_LOADER_SET_AUTHORITY_CHECKED_IX,
                "5x3825XS7M2A3Ekbn5VGGkvFoAg5qrRWkTrY4bARP1GL",
            ),
            (
                ids::LOOSEN_CPI_SIZE_RESTRICTION,
                "GDH5TVdbTPUpRnXaRyQqiKUa7uZAbZ28Q2N9bhbKoMLm",
            ),
            (
                ids::LIMIT_INSTRUCTION_ACCOUNTS,
                "6aHuNsUmwSzCEMjrBzBCYaxHAyAcQBjVES92JigHBDuC",
            ),
            (
                ids::STATIC_INSTRUCTION_LIMIT,
                "64ixypL1HPu8WtJhNSMb9mSgfFaJvsANuRkTbHyuLfnx",
            ),
            (
                ids::RELAX_POST_EXEC_MIN_BALANCE_CHECK,
                "BY4JhHLahVzS9ynfDz4exzGPbVXhFmJvEyMWsXbDBqME",
            ),
            (
                ids::CREATE_ACCOUNT_ALLOW_PREFUND,
                "6sPDzwyARRExKH52LECxcGoqziH8G7SZofwuxi8Ja331",
            ),
            (
                ids::INCREASE_TX_ACCOUNT_LOCK_LIMIT,
                "9LZdXeKGeBV6hRLdxS1rHbHoEUsKqesCC2ZAPTPKJAbK",
            ),
            (
                ids::ENABLE_LOADER_V4,
                "LoaderV4WasAbandoned11111111111111111111111",
            ),
            (
                ids::ABORT_ON_INVALID_CURVE,
                "FuS3FPfJDKSNot99ECLXtp3rueq36hMNStJkPJwWodLh",
            ),
            (
                ids::ENABLE_SBPF_V3_DEPLOYMENT_AND_EXECUTION,
                "5cC3foj77CWun58pC51ebHFUWavHWKarWyR5UUik7dnC",
            ),
        ];
        for (id, text) in expected {
            assert_eq!(id.to_string(), text);
            assert!(lookup_by_id(&id).is_some(), "{text}");
        }
    }

    /// (name, pubkey, u64 id) as the Dec-2024 fixtures encode them (Firedancer's
    /// `feature_map.json`).
    const FIXTURE_FEATURES: &[(&str, &str, u64)] = &[
        (
            "bpf_account_data_direct_mapping",
            "GJVDwRkUPNdk9QaK4VsU4g1N41QNxhy1hevjf8kz45Mq",
            0xd7138ee9ee165ae3,
        ),
        (
            "loosen_cpi_size_restriction",
            "GDH5TVdbTPUpRnXaRyQqiKUa7uZAbZ28Q2N9bhbKoMLm",
            0xe21e6fa7a57304e2,
        ),
        (
            "increase_tx_account_lock_limit",
            "9LZdXeKGeBV6hRLdxS1rHbHoEUsKqesCC2ZAPTPKJAbK",
            0xb527e5f5e76ce07b,
        ),
        (
            "enable_bpf_loader_set_authority_checked_ix",
            "5x3825XS7M2A3Ekbn5VGGkvFoAg5qrRWkTrY4bARP1GL",
            0x9f4323f726178849,
        ),
        (
            "get_sysvar_syscall_enabled",
            "CLCoTADvV64PSrnR6QXty6Fwrt9Xc6EdxSJE4wLRePjq",
            0x829062f252ef5ba8,
        ),
        (
            "last_restart_slot_sysvar",
            "HooKD5NC9QNxk25QuzCssB8ecrEzGt6eXEPBUxWp1LaR",
            0x401b668e4b13b8f9,
        ),
        (
            "blake3_syscall_enabled",
            "HTW2pSyErTj4BV6KBM9NZ9VBUJVxt7sacNWcf76wtzb3",
            0xe994a4b8eeea84f4,
        ),
        (
            "remaining_compute_units_syscall_enabled",
            "5TuppMutoyzhUSfuYdhgzD47F92GL1g89KpCZQKqedxP",
            0x64205286d7935342,
        ),
        (
            "enable_partitioned_epoch_reward",
            "9bn2vTJUsUcnpiZWbu2woSKtTGW3ErZC9ERv88SDqQjK",
            0x5bf898a97b29c67f,
        ),
        (
            "partitioned_epoch_rewards_superfeature",
            "PERzQrt5gBD1XEe2c9XdFWqwgHY3mr7cYWbm5V772V8",
            0x81fcbfa0d0f6b105,
        ),
        (
            "disable_fees_sysvar",
            "JAN1trEUEtZjgXYzNBYHU9DYd7GnThhXfFP7SzPXkPsG",
            0xff00aac3cfaafcfe,
        ),
        (
            "curve25519_syscall_enabled",
            "7rcw5UtqgDTBBv2EcynNfYckgdAaH1MAsCjKgXMkN7Ri",
            0x4b1e586fc635dc65,
        ),
        (
            "enable_alt_bn128_syscall",
            "A16q37opZdQMCbe5qJ6xpBB9usykfv8jZaMkxvZQi4GJ",
            0xaaef1edeb6c5bf85,
        ),
        (
            "enable_alt_bn128_compression_syscall",
            "EJJewYSddEEtSZHiqugnvhQHiWyZKjkFDQASd7oKSagn",
            0x9bb55b5df1c396c5,
        ),
        (
            "enable_big_mod_exp_syscall_dec2024",
            "EBq48m8irRKuE7ZnMTLvLg2UuGSqhe8s8oMqnmja1fJw",
            0x3a315b1ab012eec3,
        ),
        (
            "enable_poseidon_syscall",
            "FL9RsQA6TVUoh5xJQ9d936RHSebA1NLQqe3Zv9sXZRpr",
            0x3cbf822ccb2eebd4,
        ),
        (
            "abort_on_invalid_curve",
            "FuS3FPfJDKSNot99ECLXtp3rueq36hMNStJkPJwWodLh",
            0xafe148ad652172dd,
        ),
        (
            "enable_get_epoch_stake_syscall_dec2024",
            "7mScTYkJXsbdrcwTQRs7oeCSXoJm4WjzBsRyf8bCU3Np",
            0xaebbcc5ad0a28864,
        ),
        (
            "disable_deploy_of_alloc_free_syscall",
            "79HWsX9rpnnJBPcdNURVqygpMAfxdrAirzAGAVmf92im",
            0xd151c2100e71455b,
        ),
        (
            "switch_to_new_elf_parser",
            "Cdkc8PPTeTNUPoZEfCY5AyetUrEdkZtNPMgz58nqyaHD",
            0x0e7aa95037c5daac,
        ),
        (
            "error_on_syscall_bpf_function_hash_collisions",
            "8199Q2gMD2kwgfopK5qqVWuDbegLgpuFUFHCcUJQDN8b",
            0x3ca58e628f040b68,
        ),
        (
            "reject_callx_r10",
            "3NKRSwpySNwD3TvP5pHnRmkAQRsdkXWRr1WaQh8p4PWX",
            0x7e787d5c6d662d23,
        ),
        (
            "enable_program_runtime_v2_and_loader_v4",
            "8oBxsYqnCvUTGzgEpxPcnVf7MLbWWPYddE33PftFeBBd",
            0x97f912be04ecd673,
        ),
        (
            "remove_accounts_executable_flag_checks_dec2024",
            "FfgtauHUWKeXTzjXkua9Px4tNGBFHKZ9WaigM5VbbzFx",
            0x8c012a2071caecd9,
        ),
        (
            "enable_secp256r1_precompile_dec2024",
            "sr11RdZWgbHTHxSroPALe6zgaT5A1K9LcE4nfsZS4gi",
            0x2c38e34ff071060d,
        ),
        (
            "move_precompile_verification_to_svm",
            "9ypxGLzkMxi89eDerRKXWDXe44UY2z4hBig4mDhNq5Dp",
            0x8ef4f4fdbc3d6c85,
        ),
        (
            "enable_sbpf_v1_deployment_and_execution",
            "JE86WkYvTrzW8HgNmrHY7dFYpCmSptUpKupbo2AdQ9cG",
            0xefc2cb9c2b40f3ff,
        ),
        (
            "enable_sbpf_v2_deployment_and_execution",
            "F6UVKh1ujTEFK3en2SyAL3cdVnqko1FVEXWhmdLRu6WP",
            0x408e6a8a269a6ad1,
        ),
        (
            "enable_sbpf_v3_deployment_and_execution_dec2024",
            "C8XZNs1bfzaiT3YDeXZJ7G5swQWQv7tVzDnCxtHvnSpw",
            0xbec08bda942c5ea5,
        ),
        (
            "disable_sbpf_v0_execution_dec2024",
            "XTestFeature1111111111111111111111111111111",
            0x1db51f609c8fcd07,
        ),
        (
            "reenable_sbpf_v0_execution",
            "TestFeature21111111111111111111111111111111",
            0xe5937c9dd5edd306,
        ),
        (
            "simplify_writable_program_account_check",
            "5ZCcFAzJ1zsFKe1KSZa9K92jhx7gkcKj97ci2DBo1vwj",
            0xda4dd6055b75ae43,
        ),
        (
            "move_serialized_len_ptr_in_cpi",
            "74CoWuBmt3rUVUrCb2JiSTvh6nXyBWUsK4SaMj3CtE3T",
            0x823d14dd6235f859,
        ),
        (
            "disable_cpi_setting_executable_and_rent_epoch",
            "B9cdB55u4jQsDNsdTK525yE9dmSc5Ga7YBaBrDFvEhM9",
            0x204b4907aacbc996,
        ),
        (
            "cap_bpf_program_instruction_accounts",
            "9k5ijzTbYPtjzu8wj2ErH9v45xecHzQ1x4PMYMMxFgdM",
            0x14a73a8e87cee681,
        ),
        (
            "executables_incur_cpi_data_cost",
            "7GUcYgq4tVtaqNCKT3dho9r4665Qp5TxCZ27Qgjx3829",
            0x2bf29bf13f0e1d5d,
        ),
        (
            "enable_early_verification_of_account_modifications",
            "7Vced912WrRnfjaiKRiNBcbuFw7RrnLv3E3z95Y4GTNc",
            0x8f688d4e3ab17a60,
        ),
        (
            "check_syscall_outputs_do_not_overlap",
            "3uRVPBpyEJRo1emLCrq38eLRFGcu6uKSpUXqGvU8T7SZ",
            0xa6862bcb2044252b,
        ),
        (
            "syscall_saturated_math",
            "HyrbKftCdJ5CrUfEti6x26Cj7rZLNe32weugk7tLcWb8",
            0xe505bd1df7964bfc,
        ),
        (
            "check_physical_overlapping",
            "nWBqjr3gpETbiaVj3CBJ3HFC5TMdnJDGt21hnvSTvVZ",
            0x80288c645d23a80b,
        ),
        (
            "fixed_memcpy_nonoverlapping_check",
            "36PRUK2Dz6HWYdG9SpjeAsF5F3KxnFCakA2BZMbtMhSb",
            0x168bc52564a1181f,
        ),
        (
            "stop_truncating_strings_in_syscalls",
            "16FMCmgLzCNNz6eTwGanbyN2ZxvTBSLuQ6DZhgeMshg",
            0x2f51d89fe8ee0500,
        ),
        (
            "update_syscall_base_costs",
            "2h63t332mGCCsWK2nqqqHhN4U9ayyqhLVFvczznHDoTZ",
            0x06adecee02a12019,
        ),
        (
            "return_data_syscall_enabled",
            "DwScAzPUjuv65TMbDnFY7AgwmotzWy3xpEJMXM3hZFaB",
            0xf1084016618f3ec0,
        ),
        (
            "sol_log_data_syscall_enabled",
            "6uaHcKPGUy4J7emLBgUTeufhJdiwhngW6a1R9B7c2ob9",
            0xbd02d2f51146c257,
        ),
        (
            "add_get_processed_sibling_instruction_syscall",
            "CFK1hRCNy8JJuAAY8Pb2GjLFNdCThS2qwZNe3izzBMgn",
            0xd89ef3a8c30d1ba7,
        ),
        (
            "check_slice_translation_size",
            "GmC19j9qLn2RFk5NduX6QXaDhVpGncVVBzyM8e9WMz2F",
            0x562f76c6d74c31ea,
        ),
        (
            "native_programs_consume_cu",
            "8pgXCMNXC8qyEFypuwpXyRxLXZdpM4Qo72gJ6k87A6wL",
            0x50a615bae8ca3874,
        ),
        (
            "requestable_heap_size",
            "CCu4boMmfLuqcmfTLPHQiUo22ZdUsXjgzPAURYaWt1Bw",
            0x3ab28ef5d5cf7ca6,
        ),
        (
            "round_up_heap_size",
            "CE2et8pqgyQMP2mQRg3CgvX8nJBKUArMu3wfiQiQKY1y",
            0xe2d13039d5f9c6a6,
        ),
        (
            "disable_bpf_deprecated_load_instructions",
            "3XgNukcZWf9o3HdA3fpJbm94XFc4qpvTXc8h1wxYwiPi",
            0xf02385c19b529325,
        ),
        (
            "disable_bpf_unresolved_symbols_at_runtime",
            "4yuaYAj2jGMGTh1sSmi4G2eFscsDq8qjugJXZoBN6YEa",
            0xf1762ae45609273b,
        ),
        (
            "limit_max_instruction_trace_length",
            "GQALDaC48fEhZGWRj9iL5Q889emJKcj3aCvHF7VCbbF4",
            0x2ac194a6a536cee4,
        ),
        (
            "secp256k1_recover_syscall_enabled",
            "6RvdSWHh8oh72Dp7wMTS2DBkf3fRPtChfNrAo3cZZoXJ",
            0x4ab8b2b10003ad50,
        ),
        (
            "curve25519_restrict_msm_length",
            "eca6zf6JJRjQsYYPkBHF3N32MTzur4n2WL4QiiacPCL",
            0xbe955088bcb5a209,
        ),
        (
            "simplify_alt_bn128_syscall_error_codes",
            "JDn5q3GBeqzvUa7z67BbmVHVdE3EbUAjvFep3weR3jxX",
            0x8ba9e9038d9fdcff,
        ),
        (
            "disable_deprecated_loader",
            "GTUMCZ8LTNxVfxdrw7ZsDFTxXb7TutYkzJnFwinpE6dg",
            0x9f43d6cae453a7e5,
        ),
        (
            "reject_empty_instruction_without_program",
            "9kdtFSrXHQg3hKkbXkQ6trJ3Ja1xpJ22CTFSNAciEwmL",
            0x7a63cd44b42c0b82,
        ),
        (
            "system_transfer_zero_check",
            "BrTR9hzw4WBGFP65AJMbpAo64DcA3U6jdPSga9fMV5cS",
            0xe8f97382b03240a1,
        ),
        (
            "nonce_must_be_writable",
            "BiCU7M5w8ZCMykVSyhZ7Q3m2SWoR2qrEQ86ERcDX77ME",
            0x1cec25430fa6229f,
        ),
        (
            "nonce_must_be_authorized",
            "HxrEu1gXuH7iD3Puua1ohd5n4iUKJyFNtNxk9DVJkvgr",
            0xb0e571b1579c09fc,
        ),
        (
            "nonce_must_be_advanceable",
            "3u3Er5Vc2jVcwz4xr2GJeSAXT3fAj6ADHZ4BJMZiScFd",
            0xcb5d0779751b0c2b,
        ),
        (
            "separate_nonce_from_blockhash",
            "Gea3ZkK2N4pHuVZVxWcnAtS6UEDdyumdYt4pFcKjA3ar",
            0xc358973434287fe8,
        ),
        (
            "enable_durable_nonce",
            "4EJQtF2pkRyawwcTVfQutzq4Sa5hRhibF6QAK1QXhtEX",
            0xe210655c824cfb2f,
        ),
        (
            "merge_nonce_error_into_system_error",
            "21AWDosvp3pBamFW91KB35pNoaoZVTM7ess8nr2nt53B",
            0xd5830390d36ee60e,
        ),
    ];

    #[test]
    fn unimplemented_gates_name_their_agave_key_first() {
        let mut names = HashSet::new();
        for gate in UNIMPLEMENTED_GATES {
            assert!(names.insert(gate.name), "{} twice", gate.name);
            let info = lookup_by_name(gate.name).unwrap();
            assert_eq!(gate.keys[0], info.id, "{}", gate.name);
            assert!(gate.keys.iter().all(|key| lookup_by_id(key).is_some()));
            assert!(!gate.reason.is_empty());
        }
        assert!(FeatureSet::mainnet().unimplemented_changes().is_empty());
        let mut features = FeatureSet::mainnet();
        features.activate(ids::DEPRECATE_LEGACY_VOTE_IXS);
        features.deactivate(&ids::COMMISSION_RATE_IN_BASIS_POINTS);
        let changed: Vec<_> = features
            .unimplemented_changes()
            .iter()
            .map(|gate| gate.name)
            .collect();
        assert_eq!(
            changed,
            [
                "deprecate_legacy_vote_ixs",
                "commission_rate_in_basis_points"
            ]
        );
    }

    #[test]
    fn fixture_u64_ids_resolve() {
        for &(name, text, id) in FIXTURE_FEATURES {
            let info = lookup_by_u64(id).unwrap_or_else(|| panic!("{name} {id:#018x}"));
            assert_eq!(info.name, name);
            assert_eq!(info.id.to_string(), text);
            assert_eq!(feature_u64_id(&pk(text)), id);
        }
        // A garbage id seen in one ELF fixture, and zero.
        assert!(lookup_by_u64(0x013b_13b1_3b13_b13b).is_none());
        assert!(lookup_by_u64(0).is_none());
    }

    #[test]
    fn lookup_by_u64_round_trips() {
        for info in KNOWN_FEATURES {
            assert_eq!(lookup_by_name(info.name), Some(info));
            assert_eq!(lookup_by_id(&info.id), Some(info));
            if info.id == ids::DISABLE_SBPF_V0_EXECUTION {
                continue; // shares its u64 id with reenable_sbpf_v0_execution
            }
            assert_eq!(lookup_by_u64(info.u64_id()), Some(info));
            assert_eq!(FeatureSet::lookup_by_u64(info.u64_id()), Some(info));
            assert_eq!(lookup_by_name(info.name), Some(info));
            assert_eq!(FeatureSet::lookup_by_name(info.name), Some(info));
            assert_eq!(lookup_by_id(&info.id), Some(info));
            let set = FeatureSet::from_u64_ids([info.u64_id()]);
            assert_eq!(set.active_ids(), vec![info.id]);
            assert_eq!(set.active_u64_ids(), vec![info.u64_id()]);
        }
        assert!(lookup_by_name("no_such_feature").is_none());
    }

    #[test]
    fn from_u64_ids_drops_unknown() {
        let set = FeatureSet::from_u64_ids([0xd7138ee9ee165ae3, 0x013b13b13b13b13b]);
        assert_eq!(set.active_ids(), vec![ids::BPF_ACCOUNT_DATA_DIRECT_MAPPING]);
        assert!(set.account_data_direct_mapping());
        assert!(set.virtual_address_space_adjustments());
        assert!(!set.stack_frame_gaps());
    }

    #[test]
    fn mainnet_status_matches_agave_reference() {
        let mainnet = FeatureSet::mainnet();
        // Active on mainnet-beta (the cluster's feature accounts, 2026-10-15).
        let active = [
            ids::SYSCALL_PARAMETER_ADDRESS_RESTRICTIONS,
            ids::INCREASE_CPI_ACCOUNT_INFO_LIMIT,
            ids::PROVIDE_INSTRUCTION_DATA_OFFSET_IN_VM_R2,
            ids::REMOVE_ACCOUNTS_EXECUTABLE_FLAG_CHECKS,
            ids::MASK_OUT_RENT_EPOCH_IN_VM_SERIALIZATION,
            ids::DEPLETE_CU_METER_ON_VM_FAILURE,
            ids::ENABLE_BPF_LOADER_SET_AUTHORITY_CHECKED_IX,
            ids::LOOSEN_CPI_SIZE_RESTRICTION,
            ids::LIMIT_INSTRUCTION_ACCOUNTS,
            ids::STATIC_INSTRUCTION_LIMIT,
            ids::RELAX_POST_EXEC_MIN_BALANCE_CHECK,
            ids::CREATE_ACCOUNT_ALLOW_PREFUND,
            ids::ABORT_ON_INVALID_CURVE,
            ids::ENABLE_SBPF_V1_DEPLOYMENT_AND_EXECUTION,
            ids::ENABLE_SBPF_V2_DEPLOYMENT_AND_EXECUTION,
            ids::ENABLE_SBPF_V3_DEPLOYMENT_AND_EXECUTION,
            ids::ENABLE_POSEIDON_SYSCALL,
            ids::ENABLE_ALT_BN128_SYSCALL,
            ids::ALT_BN128_LITTLE_ENDIAN,
            ids::ENABLE_ALT_BN128_G2_SYSCALLS,
            ids::ENABLE_ALT_BN128_COMPRESSION_SYSCALL,
            ids::CURVE25519_SYSCALL_ENABLED,
            ids::ENABLE_BLS12_381_SYSCALL,
            ids::DISABLE_FEES_SYSVAR,
            ids::LAST_RESTART_SLOT_SYSVAR,
            ids::GET_SYSVAR_SYSCALL_ENABLED,
            ids::ENABLE_GET_EPOCH_STAKE_SYSCALL,
            ids::DEPRECATE_RENT_EXEMPTION_THRESHOLD,
            ids::SET_LAMPORTS_PER_BYTE_TO_6333,
            ids::SET_LAMPORTS_PER_BYTE_TO_5080,
            ids::PARTITIONED_EPOCH_REWARDS_SUPERFEATURE,
            ids::REJECT_CALLX_R10,
        ];
        // Not active on mainnet-beta (the cluster's feature accounts, 2026-10-15).
        let inactive = [
            ids::VIRTUAL_ADDRESS_SPACE_ADJUSTMENTS,
            ids::ACCOUNT_DATA_DIRECT_MAPPING,
            ids::RAISE_CPI_NESTING_LIMIT_TO_8,
            ids::EARLY_INSTRUCTION_TRACE_OVERFLOW_DETECTION,
            ids::DIRECT_ACCOUNT_POINTERS_IN_PROGRAM_INPUT,
            ids::PASS_INPUT_METADATA_IN_VM_R3_R5,
            ids::INCREASE_TX_ACCOUNT_LOCK_LIMIT,
            ids::ENABLE_LOADER_V4,
            ids::DISABLE_SBPF_V0_EXECUTION,
            ids::REENABLE_SBPF_V0_EXECUTION,
            ids::DISABLE_SBPF_V0_V1_V2_DEPLOYMENT,
            ids::BLAKE3_SYSCALL_ENABLED,
            ids::ENABLE_SHA512_SYSCALL,
            ids::ENABLE_BIG_MOD_EXP_SYSCALL,
            ids::REMAINING_COMPUTE_UNITS_SYSCALL_ENABLED,
            ids::STRICTER_ABI_AND_RUNTIME_CONSTRAINTS,
            ids::BPF_ACCOUNT_DATA_DIRECT_MAPPING,
            ids::ENABLE_PARTITIONED_EPOCH_REWARD,
        ];
        for (ids, expected) in [(&active[..], true), (&inactive[..], false)] {
            for id in ids {
                let info = lookup_by_id(id).unwrap();
                assert_eq!(mainnet.is_active(id), expected, "{}", info.name);
                assert_eq!(info.mainnet_active, expected, "{}", info.name);
            }
        }
        // litesvm 0.18.1 MAINNET_ACTIVE_FEATURES has 251 entries, all Agave 4.4 features.
        assert_eq!(mainnet.len(), 251);
        assert_eq!(mainnet.active_known().count(), 251);
        // Older keys are never part of the mainnet set.
        for info in KNOWN_FEATURES {
            if info.name.ends_with("_dec2024") {
                assert!(!info.mainnet_active, "{}", info.name);
            }
        }
    }

    #[test]
    fn mainnet_accessors() {
        let f = FeatureSet::mainnet();
        assert!(!f.raise_cpi_nesting_limit_to_8());
        assert_eq!(f.max_instruction_stack_depth(), 5);
        assert!(f.increase_cpi_account_info_limit());
        assert!(f.abort_on_invalid_curve());
        assert!(f.create_account_allow_prefund());
        assert!(!f.virtual_address_space_adjustments());
        assert!(!f.account_data_direct_mapping());
        assert!(f.stack_frame_gaps());
        assert!(f.aligned_memory_mapping());
        assert!(f.syscall_parameter_address_restrictions());
        assert!(f.relax_post_exec_min_balance_check());
        assert!(f.deplete_cu_meter_on_vm_failure());
        assert!(f.partitioned_epoch_rewards());
        assert_eq!(f.sbpf_version_range(), (0, 3));
        assert_eq!(f.sbpf_deployment_version_range(), (0, 3));
    }

    #[test]
    fn none_and_all_enabled() {
        let none = FeatureSet::none();
        assert!(none.is_empty());
        assert_eq!(none, FeatureSet::default());
        assert_eq!(none.sbpf_version_range(), (0, 3));
        assert!(none.stack_frame_gaps());
        assert!(!none.partitioned_epoch_rewards());

        let all = FeatureSet::all_enabled();
        assert_eq!(all.len(), KNOWN_FEATURES.len());
        assert!(KNOWN_FEATURES.iter().all(|info| all.is_active(&info.id)));
        assert_eq!(all.max_instruction_stack_depth(), 9);
        // disable and reenable are both on, so V0 stays executable; deployment is V3 only.
        assert_eq!(all.sbpf_version_range(), (0, 3));
        assert_eq!(all.sbpf_deployment_version_range(), (3, 3));
        assert!(!all.stack_frame_gaps());
    }

    #[test]
    fn sbpf_version_rules() {
        let mut f = FeatureSet::none();
        f.activate(ids::DISABLE_SBPF_V0_EXECUTION);
        assert_eq!(f.sbpf_version_range(), (3, 3));
        f.activate(ids::REENABLE_SBPF_V0_EXECUTION);
        assert_eq!(f.sbpf_version_range(), (0, 3));
        let mut f = FeatureSet::from_ids([ids::DISABLE_SBPF_V0_EXECUTION_DEC2024]);
        assert_eq!(f.sbpf_version_range(), (3, 3));
        f.deactivate(&ids::DISABLE_SBPF_V0_EXECUTION_DEC2024);
        f.activate(ids::DISABLE_SBPF_V0_V1_V2_DEPLOYMENT);
        assert_eq!(f.sbpf_version_range(), (0, 3));
        assert_eq!(f.sbpf_deployment_version_range(), (3, 3));
    }

    #[test]
    fn activate_deactivate_and_aliases() {
        let mut f = FeatureSet::mainnet();
        assert!(f.enable_get_epoch_stake_syscall());
        f.deactivate(&ids::ENABLE_GET_EPOCH_STAKE_SYSCALL);
        assert!(!f.enable_get_epoch_stake_syscall());
        assert!(!f.is_active(&ids::ENABLE_GET_EPOCH_STAKE_SYSCALL));
        // The Dec-2024 key turns the same switch on, but is_active stays exact.
        f.activate(ids::ENABLE_GET_EPOCH_STAKE_SYSCALL_DEC2024);
        assert!(f.enable_get_epoch_stake_syscall());
        assert!(!f.is_active(&ids::ENABLE_GET_EPOCH_STAKE_SYSCALL));

        f.activate(ids::RAISE_CPI_NESTING_LIMIT_TO_8);
        assert!(f.raise_cpi_nesting_limit_to_8());
        assert_eq!(f.max_instruction_stack_depth(), 9);

        let g = FeatureSet::from_ids([ids::STRICTER_ABI_AND_RUNTIME_CONSTRAINTS]);
        assert!(g.syscall_parameter_address_restrictions());
        assert!(g.virtual_address_space_adjustments());
        assert!(!g.account_data_direct_mapping());

        let h = FeatureSet::from_ids([ids::ENABLE_PARTITIONED_EPOCH_REWARD]);
        assert!(h.partitioned_epoch_rewards());
        let h = FeatureSet::from_ids([ids::ENABLE_PROGRAM_RUNTIME_V2_AND_LOADER_V4]);
        assert!(h.enable_loader_v4());

        // Unknown ids can be stored and queried.
        let unknown = Pubkey::new_from_array([9; 32]);
        let mut u: FeatureSet = [unknown].into_iter().collect();
        assert!(u.is_active(&unknown));
        u.extend([ids::BLAKE3_SYSCALL_ENABLED]);
        assert!(u.blake3_syscall_enabled());
        assert_eq!(u.active_known().count(), 1);
        assert_eq!(u.len(), 2);
        let mut ids_sorted = vec![unknown, ids::BLAKE3_SYSCALL_ENABLED];
        ids_sorted.sort();
        assert_eq!(u.active_ids(), ids_sorted);
        assert_eq!(u.clone(), u);
    }
}
