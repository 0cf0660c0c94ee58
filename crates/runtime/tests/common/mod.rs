//! Helpers shared by the runtime's integration tests.

use std::rc::Rc;

use sbfvm_runtime::{
    Account, ExecutionFailure, FeatureSet, InstructionError, InvokeContext, ProgramExecutor,
    Pubkey, RentParams, Runtime, Sysvars, TransactionError, TransactionOutcome,
};

/// An executor for tests that run only builtins: executing an SBF program fails.
pub(crate) struct NoPrograms;

impl ProgramExecutor for NoPrograms {
    fn execute(&self, _: &mut InvokeContext) -> Result<(), ExecutionFailure> {
        Err(ExecutionFailure::program_failed(
            "no SBF programs in these tests",
        ))
    }
}

/// A key made of one repeated byte, for tests that need stable, readable keys.
pub(crate) fn key(byte: u8) -> Pubkey {
    Pubkey::new_from_array([byte; 32])
}

/// A runtime on mainnet's features and default sysvars that cannot run SBF programs.
pub(crate) fn runtime() -> Runtime {
    Runtime::new(
        FeatureSet::mainnet(),
        Sysvars::default(),
        Rc::new(NoPrograms),
    )
}

/// `runtime()` with the given features deactivated.
pub(crate) fn runtime_without(features: &[Pubkey]) -> Runtime {
    let mut set = FeatureSet::mainnet();
    for id in features {
        set.deactivate(id);
    }
    let mut runtime = runtime();
    runtime.set_features(set);
    runtime
}

/// The rent-exempt minimum of `len` bytes under the default Rent.
pub(crate) fn rent_exempt(len: usize) -> u64 {
    RentParams::default().minimum_balance(len)
}

/// An account of `space` zero bytes.
pub(crate) fn new_account(lamports: u64, space: usize, owner: &Pubkey) -> Account {
    Account {
        lamports,
        data: vec![0; space],
        owner: *owner,
        executable: false,
        rent_epoch: 0,
    }
}

/// The instruction error that failed `outcome`, `None` on success; panics on any other
/// transaction error.
pub(crate) fn instruction_error(outcome: &TransactionOutcome) -> Option<InstructionError> {
    match &outcome.result {
        Ok(()) => None,
        Err(TransactionError::InstructionError(_, error)) => Some(error.clone()),
        Err(other) => panic!("unexpected transaction error {other:?}"),
    }
}
