//! The builtin programs: one module per program, one row per program in [`BUILTINS`].
//!
//! A row names the program id, the name Agave registers it under and its entrypoint, in
//! the order of Agave's own table (`solana-builtins 4.4.0, src/lib.rs`, `BUILTINS`). The
//! runtime installs a native program account for every row and dispatches to the
//! entrypoint when the program (or, for the BPF loaders, a program they own) is invoked.
//!
//! # Adding a builtin
//! 1. Write `builtins/<name>.rs` with `pub(crate) fn process_instruction(&mut InvokeContext)
//!    -> Result<(), ExecutionFailure>`, charging its compute units first (a builtin that
//!    succeeds without charging fails with `BuiltinProgramsMustConsumeComputeUnits`) and
//!    reading its instruction through [`InvokeContext::instruction_context`].
//! 2. Add `mod <name>;` below and its row to [`BUILTINS`]: the feature that enables it
//!    (Agave's `enable_feature_id`; `|_| true` for none) and whether it is among the builtins
//!    of the default compute-unit limit (`solana-builtins-default-costs 4.4.0, src/lib.rs`).
//!
//! Nothing else names it: the account store, the default compute-unit limit (3,000 per
//! builtin instruction), the conformance harness and the reports all read this table.
//!
//! # Precompiles
//! The ed25519, secp256k1 and secp256r1 programs are not builtins in Agave 4.4: under
//! SIMD-0159 a top-level instruction of theirs is verified during execution by
//! `agave-precompiles 4.4.0` (`src/lib.rs`, `PRECOMPILES`), outside the builtin dispatch —
//! no logs, no compute units, no `BuiltinProgramsMustConsumeComputeUnits`
//! (`solana-program-runtime 4.4.0, src/invoke_context.rs`, `process_message`). Each is one
//! module here (`pub(crate) fn verify`, a [`PrecompileFunction`]) and one row of
//! [`PRECOMPILES`]; the processor runs them through
//! [`InvokeContext::process_precompile`](crate::invoke_context::InvokeContext::process_precompile),
//! and a CPI to one is refused (`sbfvm-syscalls`, `check_authorized_program`).

use solana_pubkey::Pubkey;

use crate::features::FeatureSet;
#[cfg(doc)]
use crate::invoke_context::InvokeContext;
use crate::invoke_context::{Builtin, PrecompileFunction};

mod address_lookup_table;
mod bpf_loader;
mod compute_budget;
mod ed25519;
mod secp256k1;
mod secp256r1;
mod system;
mod vote;
pub mod zk_elgamal_proof;

/// Every builtin sbfvm provides, in Agave's order (Agave's Stake, Config, Loader-v4 and ZK
/// Token proof rows have none here; the Address Lookup Table row is Agave 2.1's).
pub const BUILTINS: &[Builtin] = &[
    Builtin {
        program_id: solana_sdk_ids::system_program::ID,
        name: "solana_system_program",
        entrypoint: system::process_instruction,
        enabled: |_| true,
    },
    Builtin {
        program_id: solana_sdk_ids::vote::ID,
        name: "solana_vote_program",
        entrypoint: vote::process_instruction,
        enabled: |_| true,
    },
    Builtin {
        program_id: solana_sdk_ids::bpf_loader_deprecated::ID,
        name: "solana_bpf_loader_program",
        entrypoint: bpf_loader::process_instruction,
        enabled: |_| true,
    },
    Builtin {
        program_id: solana_sdk_ids::bpf_loader::ID,
        name: "solana_bpf_loader_program",
        entrypoint: bpf_loader::process_instruction,
        enabled: |_| true,
    },
    Builtin {
        program_id: solana_sdk_ids::bpf_loader_upgradeable::ID,
        name: "solana_bpf_loader_upgradeable_program",
        entrypoint: bpf_loader::process_instruction,
        enabled: |_| true,
    },
    Builtin {
        program_id: solana_sdk_ids::compute_budget::ID,
        name: "compute_budget_program",
        entrypoint: compute_budget::process_instruction,
        enabled: |_| true,
    },
    // Agave 2.1's native program, until its migration to Core BPF (`solana-runtime 2.1.0,
    // src/bank/builtins/mod.rs`: no enable feature, a `core_bpf_migration_config` of
    // `migrate_address_lookup_table_program_to_core_bpf`). Mainnet has migrated it: there
    // it is a Core BPF program, which sbfvm does not ship (`CORE_BPF_PROGRAMS`).
    Builtin {
        program_id: solana_sdk_ids::address_lookup_table::ID,
        name: "address_lookup_table_program",
        entrypoint: address_lookup_table::process_instruction,
        enabled: |features| !features.migrate_address_lookup_table_program_to_core_bpf(),
    },
    // Not among the builtins of the default compute-unit limit: 200,000 units per
    // instruction (`transaction::compute_budget::default_compute_unit_limit`).
    Builtin {
        program_id: solana_sdk_ids::zk_elgamal_proof_program::ID,
        name: "zk_elgamal_proof_program",
        entrypoint: zk_elgamal_proof::process_instruction,
        enabled: FeatureSet::zk_elgamal_proof_program_enabled,
    },
];

/// The data of the native program account a mainnet bank holds for `builtin`: its name
/// (`solana-runtime 4.4.0, src/bank.rs`, `add_builtin_account`), except for the programs whose
/// accounts were created at genesis under older names and are kept, since
/// `add_builtin_account` never replaces a genuine native program account: the System
/// program's account holds `system_program` and the Vote program's `vote_program`.
pub fn native_account_name(builtin: &Builtin) -> &'static str {
    match builtin.program_id {
        solana_sdk_ids::system_program::ID => "system_program",
        solana_sdk_ids::vote::ID => "vote_program",
        _ => builtin.name,
    }
}

/// A program that is a Core BPF program on mainnet (an upgradeable-loader program that
/// replaced a builtin) and that sbfvm does not ship: load its `.so` to run it.
#[derive(Debug, Clone, Copy)]
pub struct CoreBpfProgram {
    /// The program id.
    pub program_id: Pubkey,
    /// The program's name.
    pub name: &'static str,
}

/// The Core BPF programs of mainnet that sbfvm does not ship.
pub const CORE_BPF_PROGRAMS: &[CoreBpfProgram] = &[
    CoreBpfProgram {
        program_id: solana_sdk_ids::stake::ID,
        name: "Stake",
    },
    CoreBpfProgram {
        program_id: solana_sdk_ids::config::ID,
        name: "Config",
    },
    CoreBpfProgram {
        program_id: solana_sdk_ids::address_lookup_table::ID,
        name: "Address Lookup Table",
    },
    CoreBpfProgram {
        program_id: solana_sdk_ids::feature::ID,
        name: "Feature Gate",
    },
];

/// The row of [`CORE_BPF_PROGRAMS`] for `program_id`, if it is one.
pub fn core_bpf_program(program_id: &Pubkey) -> Option<&'static CoreBpfProgram> {
    CORE_BPF_PROGRAMS
        .iter()
        .find(|program| program.program_id == *program_id)
}

impl CoreBpfProgram {
    /// Why a transaction that names this program cannot run it when no account is loaded
    /// for it, and how to load it.
    pub fn note(&self) -> String {
        format!(
            "{} is the {} program, a Core BPF program on mainnet that sbfvm does not ship: \
             load its .so (e.g. `solana program dump -um {} {}.so`) with a `[[programs]]` entry \
             or `Sbfvm::add_program_file` (see the README, \"Core BPF programs\")",
            self.program_id,
            self.name,
            self.program_id,
            self.name.to_lowercase().replace(' ', "_"),
        )
    }
}

/// The row of `program_id`, if it is a builtin.
pub fn find(program_id: &Pubkey) -> Option<&'static Builtin> {
    BUILTINS
        .iter()
        .find(|builtin| builtin.program_id == *program_id)
}

/// One row of the precompiles table.
#[derive(Debug, Clone, Copy)]
pub struct Precompile {
    /// The program id.
    pub program_id: Pubkey,
    /// A name for reports (Agave registers no name for a precompile).
    pub name: &'static str,
    /// The verification.
    pub verify: PrecompileFunction,
    /// Whether the feature set makes `program_id` a precompile.
    pub enabled: fn(&FeatureSet) -> bool,
}

/// Every precompile, in Agave's order (`agave-precompiles 4.4.0, src/lib.rs`).
pub const PRECOMPILES: &[Precompile] = &[
    Precompile {
        program_id: solana_sdk_ids::secp256k1_program::ID,
        name: "secp256k1_program",
        verify: secp256k1::verify,
        enabled: |_| true,
    },
    Precompile {
        program_id: solana_sdk_ids::ed25519_program::ID,
        name: "ed25519_program",
        verify: ed25519::verify,
        enabled: |_| true,
    },
    // Gated as sbfvm's CPI check gates it (`enable_secp256r1_precompile`, active on
    // mainnet); agave-precompiles 4.4.0 itself lists it with no feature.
    Precompile {
        program_id: solana_sdk_ids::secp256r1_program::ID,
        name: "secp256r1_program",
        verify: secp256r1::verify,
        enabled: FeatureSet::enable_secp256r1_precompile,
    },
];

/// The precompile row of `program_id`, if the feature set makes it one
/// (`agave-precompiles 4.4.0, src/lib.rs`, `get_precompile`).
pub fn find_precompile(program_id: &Pubkey, features: &FeatureSet) -> Option<&'static Precompile> {
    PRECOMPILES
        .iter()
        .find(|precompile| precompile.program_id == *program_id && (precompile.enabled)(features))
}
