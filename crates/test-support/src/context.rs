//! Invoke contexts for harnesses that run no SBF program of their own.

use std::rc::Rc;

use sbfvm_runtime::{
    AccountSharedData, ComputeBudget, ExecutionFailure, FeatureSet, InvokeContext, ProgramExecutor,
    Pubkey, Sysvars, TransactionContext,
};

/// A program executor for invoke contexts that never run an SBF program: executing one
/// fails.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoPrograms;

impl ProgramExecutor for NoPrograms {
    fn execute(&self, _: &mut InvokeContext) -> Result<(), ExecutionFailure> {
        Err(ExecutionFailure::program_failed(
            "this harness runs no SBF program",
        ))
    }
}

/// An invoke context over no accounts and no builtins, with mainnet features, default
/// sysvars and `compute_unit_limit` units: what running raw program text or calling a
/// syscall that touches no account needs.
pub fn test_invoke_context(compute_unit_limit: u64) -> InvokeContext {
    let budget = ComputeBudget {
        compute_unit_limit,
        ..ComputeBudget::default()
    };
    InvokeContext::new(
        TransactionContext::new(
            Vec::<(Pubkey, AccountSharedData)>::new(),
            Default::default(),
            5,
            64,
        ),
        budget,
        Rc::new(FeatureSet::mainnet()),
        Rc::new(Sysvars::default()),
        Rc::new(NoPrograms),
        Vec::new().into(),
    )
}
