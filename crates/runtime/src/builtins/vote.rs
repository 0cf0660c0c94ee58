//! The native Vote program (`Vote111…`), which sbfvm does not provide.
//!
//! Agave 4.4 runs it as a builtin (`solana-vote-program 4.4.0`); its state machine (vote
//! state versions, towers, commission and authority rules) is a validator's business and
//! out of sbfvm's scope. The program is still in the table, so that its account holds what
//! mainnet's does and its instructions get the builtin compute-unit limit, but running one
//! fails loudly: the frame fails with `ProgramFailedToComplete`, its log line and a note in
//! the outcome name the program, and nothing is changed. A result that differs from
//! mainnet is never passed off as the Vote program's.

use solana_pubkey::Pubkey;

use crate::invoke_context::{ExecutionFailure, InvokeContext};

/// Why an instruction of the Vote program fails in sbfvm.
pub(crate) fn not_provided_message(program_id: &Pubkey) -> String {
    format!(
        "the native Vote program ({program_id}) is not provided by sbfvm; \
         this instruction would run on mainnet"
    )
}

/// The builtin entrypoint: fails by name (see the module docs).
pub(crate) fn process_instruction(
    invoke_context: &mut InvokeContext,
) -> Result<(), ExecutionFailure> {
    let message = not_provided_message(&solana_sdk_ids::vote::ID);
    invoke_context.diagnostics.push(message.clone());
    Err(ExecutionFailure::program_failed(message))
}
