//! Helpers shared by every module: the guest memory map, keys and accounts, an invoke
//! context, and calling a syscall with raw registers.

mod fixture;

use std::rc::Rc;

use sbfvm_runtime::{
    Account, Builtin, ComputeBudget, ExecutionFailure, FeatureSet, InstructionError,
    InstructionFrame, InvokeContext, ProgramExecutor, Pubkey, RentParams, Sysvars,
    TransactionContext,
};
use sbfvm_syscalls::MM_INPUT_START;
use sbfvm_test_support::HarnessMemory;
use sbfvm_vm::{InputAbi, Syscall, SyscallArguments, SyscallError, VmContext};
use solana_sdk_ids::bpf_loader_deprecated;

pub(crate) use fixture::Fixture;

pub(crate) const RODATA: u64 = 0x1_0000_0000;
pub(crate) const STACK: u64 = 0x2_0000_0000;
pub(crate) const HEAP: u64 = 0x3_0000_0000;
pub(crate) const INPUT: u64 = MM_INPUT_START;
/// Unmapped, 8-aligned.
pub(crate) const UNMAPPED: u64 = 0x5_0000_0000;

pub(crate) fn key(n: u8) -> Pubkey {
    Pubkey::new_from_array([n; 32])
}

pub(crate) fn account(lamports: u64, data: Vec<u8>, owner: Pubkey, executable: bool) -> Account {
    let mut account = Account::new_with_data(lamports, data, &owner);
    account.executable = executable;
    account.rent_epoch = 0;
    account
}

/// A budget of `limit` compute units, Agave's costs otherwise.
pub(crate) fn budget(limit: u64) -> ComputeBudget {
    ComputeBudget {
        compute_unit_limit: limit,
        ..ComputeBudget::default()
    }
}

/// The serialization ABI of a program of `loader` (the deprecated loader's is unaligned).
pub(crate) fn input_abi(loader: &Pubkey) -> InputAbi {
    if *loader == bpf_loader_deprecated::id() {
        InputAbi::Unaligned
    } else {
        InputAbi::Aligned
    }
}

struct NoExecutor;
impl ProgramExecutor for NoExecutor {
    fn execute(&self, _: &mut InvokeContext) -> Result<(), ExecutionFailure> {
        Err(ExecutionFailure::program_failed(
            "no SBF programs in syscall tests",
        ))
    }
}

/// An invoke context over `accounts` with the `top_level` instructions configured (none
/// started), sbfvm's builtins plus `extra_builtins`, and no SBF programs.
pub(crate) fn invoke_context(
    accounts: Vec<(Pubkey, Account)>,
    top_level: Vec<InstructionFrame>,
    budget: ComputeBudget,
    features: FeatureSet,
    extra_builtins: Vec<Builtin>,
) -> InvokeContext {
    let mut transaction = TransactionContext::new(accounts, RentParams::default(), 5, 64);
    transaction.configure_top_level(top_level);
    let (features, sysvars) = (Rc::new(features), Rc::new(Sysvars::default()));
    let builtins = sbfvm_runtime::builtins::BUILTINS
        .iter()
        .copied()
        .chain(extra_builtins)
        .collect();
    let programs = Rc::new(NoExecutor);
    InvokeContext::new(transaction, budget, features, sysvars, programs, builtins)
}

/// Calls `S` with the five registers r1..r5, as a program's `call` does.
pub(crate) fn call<S: Syscall>(
    context: &mut VmContext,
    registers: [u64; 5],
) -> Result<u64, SyscallError> {
    S::call(context, SyscallArguments::from_registers(registers))
}

/// Reads and writes a fixture's guest memory.
pub(crate) trait Guest {
    fn buffers(&mut self) -> &mut HarnessMemory;

    fn write(&mut self, vm_addr: u64, bytes: &[u8]) {
        self.buffers().write(vm_addr, bytes);
    }

    fn read(&mut self, vm_addr: u64, len: usize) -> Vec<u8> {
        self.buffers().read(vm_addr, len)
    }

    fn write_u64(&mut self, vm_addr: u64, value: u64) {
        self.write(vm_addr, &value.to_le_bytes());
    }

    fn read_u64(&mut self, vm_addr: u64) -> u64 {
        u64::from_le_bytes(self.read(vm_addr, 8).try_into().unwrap())
    }
}

pub(crate) fn is_access_violation(result: &Result<u64, SyscallError>) -> bool {
    matches!(result, Err(SyscallError::Memory(text)) if text.starts_with("Access violation"))
}

pub(crate) fn ix_error(error: InstructionError) -> Result<u64, SyscallError> {
    Err(SyscallError::Instruction(error))
}

pub(crate) fn budget_exceeded() -> SyscallError {
    SyscallError::Instruction(InstructionError::ComputationalBudgetExceeded)
}
