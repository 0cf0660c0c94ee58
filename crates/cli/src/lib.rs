//! # sbfvm
//!
//! Run compiled Solana SBF programs locally with Agave-exact results: compute units, logs,
//! return data and account state. This crate is the facade over `sbfvm-runtime`,
//! `sbfvm-vm` and `sbfvm-syscalls`, the scenario runner shared by the CLI, the tests and
//! the benches, and the `sbfvm` binary.
//!
//! ```
//! use sbfvm::{Config, Loader, Sbfvm};
//! use solana_account::Account;
//! use solana_instruction::Instruction;
//! use solana_pubkey::Pubkey;
//!
//! let elf = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/log.so")).unwrap();
//! let mut vm = Sbfvm::new(Config::default()).unwrap();
//! let program_id = Pubkey::new_unique();
//! vm.add_program(program_id, Loader::Upgradeable, &elf).unwrap();
//!
//! let outcome = vm.process_instruction(&Instruction::new_with_bytes(program_id, b"hi", vec![]));
//! assert!(outcome.is_ok());
//! assert!(outcome.logs().iter().any(|line| line == "Program log: hello from sbfvm"));
//! assert!(outcome.compute_units_consumed() > 0);
//! ```

pub mod bench;
pub mod conformance;
pub mod error;
pub mod inspect;
pub mod report;
pub mod runner;
pub mod scenario;
pub mod snapshot;
pub mod trace;

use std::cell::RefCell;
use std::rc::Rc as SharedRc;
use std::sync::Arc;

pub use error::Error;
pub use sbfvm_runtime::{
    self as runtime, Account, FeatureSet, Instruction, InstructionError, Pubkey, RentParams,
    Sysvars, TransactionError,
};
pub use sbfvm_vm::{ExecutionMode, LoadedProgram, SbpfVersion, VmRunStats};

use sbfvm_runtime::processor::upgradeable_program_accounts;
use sbfvm_runtime::{Runtime, TransactionOutcome, TransactionSettings};
use sbfvm_vm::SbfExecutor;
use solana_sdk_ids::{bpf_loader, bpf_loader_deprecated, bpf_loader_upgradeable};

/// The loader a program is deployed under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Loader {
    /// `BPFLoader1111…`: deprecated, unaligned (ABI v0) input.
    Deprecated,
    /// `BPFLoader2111…`.
    V2,
    /// `BPFLoaderUpgradeab1e…`: program + programdata accounts, as mainnet stores them.
    #[default]
    Upgradeable,
}

impl Loader {
    pub fn id(self) -> Pubkey {
        match self {
            Loader::Deprecated => bpf_loader_deprecated::id(),
            Loader::V2 => bpf_loader::id(),
            Loader::Upgradeable => bpf_loader_upgradeable::id(),
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "bpf_loader_deprecated" | "deprecated" => Loader::Deprecated,
            "bpf_loader" | "bpf_loader_2" => Loader::V2,
            "bpf_loader_upgradeable" | "upgradeable" => Loader::Upgradeable,
            _ => return None,
        })
    }
}

/// How an [`Sbfvm`] is set up.
#[derive(Debug, Clone)]
pub struct Config {
    pub features: FeatureSet,
    pub sysvars: Sysvars,
    pub mode: ExecutionMode,
    /// Per transaction; `None` is Agave's default (200,000 per SBF instruction).
    pub compute_unit_limit: Option<u64>,
    pub heap_size: Option<u32>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            features: FeatureSet::mainnet(),
            sysvars: Sysvars::default(),
            mode: ExecutionMode::default(),
            compute_unit_limit: None,
            heap_size: None,
        }
    }
}

/// One frame of the invoke tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    pub trace_index: usize,
    pub program_id: Pubkey,
    pub stack_height: usize,
    /// Everything this frame consumed, its callees included.
    pub compute_units_consumed: u64,
    pub result: Result<(), InstructionError>,
    /// Syscalls this frame called itself (name, calls, compute units; a CPI syscall's
    /// units include its callee).
    pub syscalls: Vec<(&'static str, u64, u64)>,
    /// Where this frame's own units went; with the callees' totals it adds up exactly to
    /// `compute_units_consumed`.
    pub cost: Cost,
    /// Wall time of the frame, callees included.
    pub wall_time: std::time::Duration,
    pub invocations: Vec<Invocation>,
}

/// A frame's compute units, split by what paid for them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cost {
    /// SBF instructions executed (1 CU each).
    pub instructions: u64,
    /// Syscalls by name, CPI syscalls excluded: (name, calls, units).
    pub syscalls: Vec<(&'static str, u64, u64)>,
    /// What the CPI syscalls charged themselves (base cost and per-byte charges), without
    /// the callees.
    pub cpi: u64,
    /// Charges outside the VM: the heap charge, a builtin's own charge, and the units a VM
    /// fault drains (SIMD-0182).
    pub other: u64,
}

impl Cost {
    pub fn total(&self) -> u64 {
        self.instructions
            + self.syscalls.iter().map(|(_, _, units)| units).sum::<u64>()
            + self.cpi
            + self.other
    }
}

fn is_cpi_syscall(name: &str) -> bool {
    name == "sol_invoke_signed_c" || name == "sol_invoke_signed_rust"
}

/// What one transaction did, with its invoke tree.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub transaction: TransactionOutcome,
    pub invocations: Vec<Invocation>,
}

impl Outcome {
    pub fn is_ok(&self) -> bool {
        self.transaction.result.is_ok()
    }

    pub fn result(&self) -> &Result<(), TransactionError> {
        &self.transaction.result
    }

    /// The result as the scenario format writes it: `ok`, the `{:?}` of the instruction
    /// error, or the `{:?}` of a transaction-level error.
    pub fn result_string(&self) -> String {
        result_string(&self.transaction.result)
    }

    pub fn logs(&self) -> &[String] {
        &self.transaction.logs
    }

    pub fn compute_units_consumed(&self) -> u64 {
        self.transaction.compute_units_consumed
    }

    pub fn return_data(&self) -> Option<(&Pubkey, &[u8])> {
        self.transaction
            .return_data
            .as_ref()
            .map(|data| (&data.program_id, data.data.as_slice()))
    }

    /// State after the transaction of an account it referenced.
    pub fn account(&self, key: &Pubkey) -> Option<&Account> {
        let index = self
            .transaction
            .account_keys
            .iter()
            .position(|k| k == key)?;
        self.transaction.accounts_after.get(index)
    }
}

pub fn result_string(result: &Result<(), TransactionError>) -> String {
    match result {
        Ok(()) => "ok".to_string(),
        Err(TransactionError::InstructionError(_, error)) => format!("{error:?}"),
        Err(error) => format!("{error:?}"),
    }
}

/// A local SBF runtime: programs, accounts, and instructions processed against them.
pub struct Sbfvm {
    runtime: Runtime,
    executor: SharedRc<SbfExecutor>,
    config: Config,
    run_stats: SharedRc<RefCell<Vec<VmRunStats>>>,
}

impl std::fmt::Debug for Sbfvm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sbfvm")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Sbfvm {
    pub fn new(config: Config) -> Result<Self, Error> {
        let budget = sbfvm_runtime::ComputeBudget::default();
        let environment = sbfvm_syscalls::create_environment(&config.features, &budget)?;
        let executor = SharedRc::new(SbfExecutor::new(Arc::new(environment), config.mode));
        let run_stats = SharedRc::new(RefCell::new(Vec::new()));
        let sink = SharedRc::clone(&run_stats);
        executor.set_run_observer(Some(Box::new(move |stats: &VmRunStats| {
            sink.borrow_mut().push(stats.clone());
        })));
        let runtime = Runtime::new(
            config.features.clone(),
            config.sysvars.clone(),
            SharedRc::clone(&executor) as SharedRc<dyn sbfvm_runtime::ProgramExecutor>,
        );
        Ok(Self {
            runtime,
            executor,
            config,
            run_stats,
        })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Deploys `elf` under `program_id`: creates the executable account(s) as mainnet
    /// stores them and loads, verifies and (in JIT mode) compiles the program. Returns the
    /// loaded program, whose `warnings` name imported syscalls sbfvm does not provide.
    pub fn add_program(
        &mut self,
        program_id: Pubkey,
        loader: Loader,
        elf: &[u8],
    ) -> Result<Arc<LoadedProgram>, Error> {
        let rent = self.runtime.sysvars.rent;
        match loader {
            Loader::Upgradeable => {
                for (key, account) in upgradeable_program_accounts(&program_id, elf, None, &rent) {
                    self.runtime.store.set(key, account);
                }
            }
            Loader::V2 | Loader::Deprecated => {
                let account = Account {
                    lamports: rent.minimum_balance(elf.len()),
                    data: elf.to_vec(),
                    owner: loader.id(),
                    executable: true,
                    rent_epoch: u64::MAX,
                };
                self.runtime.store.set(program_id, account);
            }
        }
        // Added directly: deployed and visible, whatever a transaction did to this id before.
        self.runtime.program_deployments.remove(&program_id);
        self.executor
            .load_program(&program_id, &loader.id(), elf)
            .map_err(|error| Error::Load {
                program_id: program_id.to_string(),
                message: error.to_string(),
            })
    }

    pub fn set_account(&mut self, pubkey: Pubkey, account: Account) {
        self.runtime.store.set(pubkey, account);
    }

    pub fn account(&self, pubkey: &Pubkey) -> Option<&Account> {
        self.runtime.store.get(pubkey)
    }

    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    /// Replaces the sysvars (e.g. moves the Clock to another slot, which makes programs
    /// deployed in the previous slot executable).
    pub fn set_sysvars(&mut self, sysvars: Sysvars) {
        self.runtime.set_sysvars(sysvars.clone());
        self.config.sysvars = sysvars;
    }

    pub fn executor(&self) -> &SharedRc<SbfExecutor> {
        &self.executor
    }

    /// Processes one instruction as a transaction of its own.
    pub fn process_instruction(&mut self, instruction: &Instruction) -> Outcome {
        self.process_transaction(
            std::slice::from_ref(instruction),
            self.config.compute_unit_limit,
        )
    }

    /// Processes instructions as one atomic transaction.
    pub fn process_transaction(
        &mut self,
        instructions: &[Instruction],
        compute_unit_limit: Option<u64>,
    ) -> Outcome {
        self.run_stats.borrow_mut().clear();
        let settings = TransactionSettings {
            compute_unit_limit,
            heap_size: self.config.heap_size,
        };
        let elapsed = SharedRc::new(RefCell::new(Vec::new()));
        let timer = FrameTimer {
            started: Vec::new(),
            elapsed: SharedRc::clone(&elapsed),
        };
        let transaction =
            self.runtime
                .process_transaction(instructions, &settings, Some(Box::new(timer)));
        let stats = std::mem::take(&mut *self.run_stats.borrow_mut());
        let invocations = invoke_tree(&transaction, &stats, &elapsed.borrow());
        Outcome {
            transaction,
            invocations,
        }
    }
}

/// Measures each frame's wall time through the runtime's observer hook.
#[derive(Default)]
struct FrameTimer {
    started: Vec<Option<std::time::Instant>>,
    elapsed: SharedRc<RefCell<Vec<Option<std::time::Duration>>>>,
}

impl sbfvm_runtime::InvokeObserver for FrameTimer {
    fn frame_started(&mut self, trace_index: usize) {
        if self.started.len() <= trace_index {
            self.started.resize(trace_index + 1, None);
        }
        self.started[trace_index] = Some(std::time::Instant::now());
    }

    fn frame_finished(&mut self, trace_index: usize) {
        if let Some(Some(start)) = self.started.get(trace_index) {
            let mut elapsed = self.elapsed.borrow_mut();
            if elapsed.len() <= trace_index {
                elapsed.resize(trace_index + 1, None);
            }
            elapsed[trace_index] = Some(start.elapsed());
        }
    }
}

/// Builds the invoke tree from the instruction trace.
fn invoke_tree(
    transaction: &TransactionOutcome,
    stats: &[VmRunStats],
    timings: &[Option<std::time::Duration>],
) -> Vec<Invocation> {
    fn build(
        transaction: &TransactionOutcome,
        stats: &[VmRunStats],
        index: usize,
        timings: &[Option<std::time::Duration>],
    ) -> Invocation {
        let frame = &transaction.trace[index];
        let (compute_units_consumed, result) = match &frame.outcome {
            Some(outcome) => (outcome.compute_units_consumed, outcome.result.clone()),
            None => (0, Ok(())),
        };
        let syscalls: Vec<(&'static str, u64, u64)> = stats
            .iter()
            .filter(|run| run.trace_index == index)
            .flat_map(|run| run.syscalls.iter())
            .map(|(name, usage)| (*name, usage.calls, usage.compute_units))
            .collect();
        let invocations: Vec<Invocation> = transaction
            .trace
            .iter()
            .enumerate()
            .filter(|(_, child)| child.caller_index == Some(index))
            .map(|(child_index, _)| build(transaction, stats, child_index, timings))
            .collect();
        let callees: u64 = invocations
            .iter()
            .map(|child| child.compute_units_consumed)
            .sum();
        let vm_units: Option<u64> = stats
            .iter()
            .filter(|run| run.trace_index == index)
            .map(|run| run.compute_units)
            .reduce(|a, b| a + b);
        let mut cost = Cost::default();
        let mut cpi_with_callees: u64 = 0;
        for (name, calls, units) in &syscalls {
            if is_cpi_syscall(name) {
                cpi_with_callees += units;
            } else {
                cost.syscalls.push((*name, *calls, *units));
            }
        }
        cost.cpi = cpi_with_callees.saturating_sub(callees);
        let syscall_units: u64 = cost.syscalls.iter().map(|(_, _, units)| units).sum();
        match vm_units {
            Some(vm_units) => {
                cost.instructions = vm_units.saturating_sub(syscall_units + cpi_with_callees);
                cost.other = compute_units_consumed.saturating_sub(vm_units);
            }
            // A builtin (or a frame that never ran a VM): all its own units are "other".
            None => cost.other = compute_units_consumed.saturating_sub(callees),
        }
        Invocation {
            trace_index: index,
            program_id: transaction.account_keys[frame.program_account_index as usize],
            stack_height: frame.stack_height(),
            compute_units_consumed,
            result,
            syscalls,
            cost,
            wall_time: timings.get(index).copied().flatten().unwrap_or_default(),
            invocations,
        }
    }
    transaction
        .trace
        .iter()
        .enumerate()
        .filter(|(_, frame)| frame.caller_index.is_none() && frame.outcome.is_some())
        .map(|(index, _)| build(transaction, stats, index, timings))
        .collect()
}
