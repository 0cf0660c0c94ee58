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
//! 2. Add `mod <name>;` below and its row to [`BUILTINS`].
//!
//! Nothing else names it: the account store, the default compute-unit limit (3,000 per
//! builtin instruction), the conformance harness and the reports all read this table.

use solana_pubkey::Pubkey;

use crate::invoke_context::Builtin;
#[cfg(doc)]
use crate::invoke_context::InvokeContext;

mod bpf_loader;
mod compute_budget;
mod system;

/// Every builtin sbfvm provides, in Agave's order.
pub const BUILTINS: &[Builtin] = &[
    Builtin {
        program_id: solana_sdk_ids::system_program::ID,
        name: "solana_system_program",
        entrypoint: system::process_instruction,
    },
    Builtin {
        program_id: solana_sdk_ids::bpf_loader_deprecated::ID,
        name: "solana_bpf_loader_program",
        entrypoint: bpf_loader::process_instruction,
    },
    Builtin {
        program_id: solana_sdk_ids::bpf_loader::ID,
        name: "solana_bpf_loader_program",
        entrypoint: bpf_loader::process_instruction,
    },
    Builtin {
        program_id: solana_sdk_ids::bpf_loader_upgradeable::ID,
        name: "solana_bpf_loader_upgradeable_program",
        entrypoint: bpf_loader::process_instruction,
    },
    Builtin {
        program_id: solana_sdk_ids::compute_budget::ID,
        name: "compute_budget_program",
        entrypoint: compute_budget::process_instruction,
    },
];

/// The row of `program_id`, if it is a builtin.
pub fn find(program_id: &Pubkey) -> Option<&'static Builtin> {
    BUILTINS
        .iter()
        .find(|builtin| builtin.program_id == *program_id)
}
