//! The facade: [`Sbfvm`] holds the accounts, deploys programs under a [`Loader`], runs
//! instructions and transactions with a [`Config`] and returns an [`Outcome`].

use std::cell::RefCell;
use std::rc::Rc as SharedRc;
use std::sync::Arc;

use sbfvm_runtime::accounts::upgradeable_program_accounts;
use sbfvm_runtime::transaction::TransactionOptions;
use sbfvm_runtime::{
    Account, AccountSharedData, FeatureSet, Instruction, InvokeObserver, Pubkey, ReadableAccount,
    Runtime, Sysvars, TransactionOutcome, TransactionSettings, WritableAccount,
};
use sbfvm_vm::{
    ExecutionMode, LoadError, LoadedProgram, ProgramEnvironment, SbfExecutor, SbpfVersion, Syscall,
    SyscallName, SyscallRegistry, SyscallSupport, VmRunStats,
};
use solana_hash::Hash;
use solana_sdk_ids::{bpf_loader, bpf_loader_deprecated, bpf_loader_upgradeable};
use solana_transaction::versioned::VersionedTransaction;

use crate::error::Error;
use crate::input::{read_input_file, MAX_PROGRAM_FILE_BYTES};
use crate::inspect;
use crate::invoke_tree::{invoke_tree, FrameTimer, FrameTimes};
use crate::outcome::Outcome;

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
    /// The loader's program id: the owner of the program's executable account.
    pub fn id(self) -> Pubkey {
        match self {
            Loader::Deprecated => bpf_loader_deprecated::id(),
            Loader::V2 => bpf_loader::id(),
            Loader::Upgradeable => bpf_loader_upgradeable::id(),
        }
    }

    /// The loader a scenario's `loader` names: `bpf_loader_upgradeable` (or `upgradeable`),
    /// `bpf_loader` (or `bpf_loader_2`), `bpf_loader_deprecated` (or `deprecated`); `None`
    /// for any other text.
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
    /// Active feature gates; [`FeatureSet::mainnet`] by default.
    pub features: FeatureSet,
    /// Sysvar values the programs read (Clock, Rent, EpochSchedule, …); the runtime's
    /// [`Sysvars::default`] by default.
    pub sysvars: Sysvars,
    /// Interpreter or JIT; JIT by default.
    pub mode: ExecutionMode,
    /// Per transaction; `None` is Agave's default: 200,000 per instruction of a non-builtin
    /// program and 3,000 per builtin instruction, at most 1,400,000.
    pub compute_unit_limit: Option<u64>,
    /// Heap size of SBF frames in bytes, as a `RequestHeapFrame` sets it: a multiple of 1 KiB
    /// from 32 to 256 KiB ([`check_heap_size`]); `None` is the 32 KiB default.
    pub heap_size: Option<u32>,
    /// The embedder's own syscalls, registered after sbfvm's (see [`Config::with_syscall`]).
    pub syscalls: Vec<CustomSyscall>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            features: FeatureSet::mainnet(),
            sysvars: Sysvars::default(),
            mode: ExecutionMode::default(),
            compute_unit_limit: None,
            heap_size: None,
            syscalls: Vec::new(),
        }
    }
}

impl Config {
    /// Adds the syscall `S` under the name `N` (declare `N` with
    /// [`syscall_name!`](crate::syscall_name!)) to the program environment, for execution
    /// and for deployment alike.
    ///
    /// A name sbfvm already registers is **replaced**: programs calling it reach `S`
    /// instead (to mock `sol_get_clock_sysvar` or `sol_poseidon`, or provide one sbfvm does
    /// not implement). A name the feature set leaves unregistered (`sol_blake3` on
    /// mainnet) or a new name is added. Adding the same name twice keeps the last. Calls
    /// and compute units are recorded under the name in
    /// [`Invocation::syscalls`](crate::Invocation::syscalls) like a built-in's.
    ///
    /// solana-sbpf calls a syscall through a plain function pointer, so the name is a
    /// type rather than a string: each (syscall, name) pair is its own monomorphized
    /// function.
    ///
    /// Programs built with `sbpf-linker` (or `cargo build-sbf`) can only import names
    /// the toolchain knows as Agave syscalls; a new name is reachable from hand-linked
    /// ELFs, or by overriding a known name.
    pub fn with_syscall<S: Syscall, N: SyscallName>(mut self) -> Self {
        self.syscalls.retain(|custom| custom.name != N::NAME);
        self.syscalls.push(CustomSyscall::new::<S, N>());
        self
    }
}

/// One embedder syscall of a [`Config`]: a name and its registration.
#[derive(Clone, Copy)]
pub struct CustomSyscall {
    name: &'static str,
    register: fn(&mut SyscallRegistry) -> Result<Option<SyscallSupport>, LoadError>,
}

impl CustomSyscall {
    /// The syscall `S` under the name `N`, as [`Config::with_syscall`] adds it.
    pub fn new<S: Syscall, N: SyscallName>() -> Self {
        Self {
            name: N::NAME,
            register: SyscallRegistry::register_embedder::<S, N>,
        }
    }

    /// The name programs import it by.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Registers it, replacing a syscall of the same name; returns how the replaced one
    /// was provided.
    pub fn register(
        &self,
        registry: &mut SyscallRegistry,
    ) -> Result<Option<SyscallSupport>, LoadError> {
        (self.register)(registry)
    }
}

impl std::fmt::Debug for CustomSyscall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("CustomSyscall").field(&self.name).finish()
    }
}

/// Agave's rule for a requested heap frame (`RequestHeapFrame`): a multiple of 1 KiB from
/// 32 KiB to 256 KiB.
pub fn check_heap_size(heap_size: u32) -> Result<(), String> {
    const MIN: u32 = 32 * 1024;
    const MAX: u32 = 256 * 1024;
    if !(MIN..=MAX).contains(&heap_size) || !heap_size.is_multiple_of(1024) {
        return Err(format!(
            "heap size {heap_size} is not a multiple of 1024 between {MIN} and {MAX} bytes"
        ));
    }
    Ok(())
}

/// A local SBF runtime: programs, accounts, and instructions processed against them.
pub struct Sbfvm {
    runtime: Runtime,
    executor: SharedRc<SbfExecutor>,
    config: Config,
    run_stats: SharedRc<RefCell<Vec<VmRunStats>>>,
    frame_times: SharedRc<RefCell<FrameTimes>>,
    /// Whether each frame's wall time is measured ([`Sbfvm::set_frame_timing`]).
    time_frames: bool,
    verify_signatures: bool,
}

impl std::fmt::Debug for Sbfvm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sbfvm")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Sbfvm {
    /// A VM with `config` and no accounts but the runtime's own: builds the program
    /// environment (sbfvm's syscalls for the feature set, then the embedder's). Fails with
    /// [`Error::Config`] on a heap size Agave refuses, [`Error::UnimplementedFeature`] when the
    /// feature set toggles a gate sbfvm does not implement, or [`Error::Load`] when the
    /// environment cannot be built.
    pub fn new(config: Config) -> Result<Self, Error> {
        Error::check_features(&config.features)?;
        if let Some(heap_size) = config.heap_size {
            check_heap_size(heap_size).map_err(Error::Config)?;
        }
        let budget = sbfvm_runtime::ComputeBudget::default();
        let environment =
            sbfvm_syscalls::create_environment_with(&config.features, &budget, &|registry| {
                for custom in &config.syscalls {
                    custom.register(registry)?;
                }
                Ok(())
            })?;
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
            frame_times: SharedRc::default(),
            time_frames: false,
            verify_signatures: true,
        })
    }

    /// The configuration it runs with (its sysvars as last set by [`Sbfvm::set_sysvars`]).
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
        self.runtime.program_cache.remove(&program_id);
        self.executor
            .load_program(&program_id, &loader.id(), elf)
            .map_err(|error| Error::Load {
                program_id: program_id.to_string(),
                message: error.to_string(),
            })
    }

    /// [`Sbfvm::add_program`] with the ELF read from `path`. A read failure is
    /// [`Error::Io`]; a load failure names the program id and the path.
    pub fn add_program_file(
        &mut self,
        program_id: Pubkey,
        loader: Loader,
        path: impl AsRef<std::path::Path>,
    ) -> Result<Arc<LoadedProgram>, Error> {
        let path = path.as_ref();
        let elf = read_input_file(path, MAX_PROGRAM_FILE_BYTES)?;
        self.add_program(program_id, loader, &elf)
            .map_err(|error| match error {
                Error::Load { message, .. } => Error::Load {
                    program_id: format!("{program_id} ({})", path.display()),
                    message,
                },
                other => other,
            })
    }

    /// The execution environment: sbfvm's syscalls for the feature set, plus the
    /// embedder's ([`Config::with_syscall`]).
    pub fn environment(&self) -> &Arc<ProgramEnvironment> {
        self.executor.environment()
    }

    /// `sbfvm inspect` for `elf` in this VM's environments (the embedder's syscalls
    /// included): sections, imported syscalls and how each is provided, and whether it
    /// loads for execution and passes the strict deployment checks.
    pub fn inspect(&self, elf: &[u8]) -> Result<inspect::Inspection, Error> {
        let (min, max) = self.config.features.sbpf_deployment_version_range();
        let version = |index: u8| SbpfVersion::from_index(index).unwrap_or(SbpfVersion::V3);
        let deployment = self
            .executor
            .deployment_environment(version(min), version(max))?;
        inspect::inspect_in(elf, self.environment(), &deployment)
    }

    /// Stores `account` (an `Account` or an `AccountSharedData`) under `pubkey`, replacing
    /// the account there, if any. An `Account`'s data is moved into the store, not copied.
    pub fn set_account(&mut self, pubkey: Pubkey, account: impl Into<AccountSharedData>) {
        self.runtime.store.set(pubkey, account);
    }

    /// A copy of the account stored under `pubkey`, if any; [`Self::shared_account`] reads
    /// it without copying its data.
    pub fn account(&self, pubkey: &Pubkey) -> Option<Account> {
        self.shared_account(pubkey).cloned().map(Account::from)
    }

    /// The account stored under `pubkey`, if any, as the store holds it: its data is
    /// shared (copy-on-write) with every transaction that loads it.
    pub fn shared_account(&self, pubkey: &Pubkey) -> Option<&AccountSharedData> {
        self.runtime.store.get(pubkey)
    }

    /// The runtime underneath: account store, features, sysvars, program cache.
    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    /// The runtime itself, e.g. to turn on `profile_phases`.
    pub fn runtime_mut(&mut self) -> &mut Runtime {
        &mut self.runtime
    }

    /// Replaces the sysvars (e.g. moves the Clock to another slot, which makes programs
    /// deployed in the previous slot executable).
    pub fn set_sysvars(&mut self, sysvars: Sysvars) {
        self.runtime.set_sysvars(sysvars.clone());
        self.config.sysvars = sysvars;
    }

    /// The executor that loads and runs the SBF programs (e.g. to set a tracer).
    pub fn executor(&self) -> &SharedRc<SbfExecutor> {
        &self.executor
    }

    /// Times every syscall call from now on ([`Invocation::syscall_time`]); two clock reads
    /// per call, so leave it off when timing whole instructions. Results and compute units
    /// are the same either way.
    ///
    /// [`Invocation::syscall_time`]: crate::Invocation::syscall_time
    pub fn set_syscall_timing(&mut self, enabled: bool) {
        self.executor.set_syscall_timing(enabled);
    }

    /// Measures each frame's wall time from now on ([`Invocation::wall_time`]): two clock
    /// reads per frame (about 45 ns here, a twentieth of a trivial instruction), so it is
    /// off by default; `sbfvm run` turns it on. One run's time includes first-touch costs:
    /// `sbfvm bench FILE` times warm runs.
    ///
    /// [`Invocation::wall_time`]: crate::Invocation::wall_time
    pub fn set_frame_timing(&mut self, enabled: bool) {
        self.time_frames = enabled;
    }

    /// Processes one instruction as a transaction of its own.
    pub fn process_instruction(&mut self, instruction: &Instruction) -> Outcome {
        self.process_transaction(
            std::slice::from_ref(instruction),
            self.config.compute_unit_limit,
        )
    }

    /// Processes instructions as one atomic transaction: no fee payer, no signatures, no
    /// fee (see [`Sbfvm::send_transaction`] for a signed transaction as mainnet runs it).
    pub fn process_transaction(
        &mut self,
        instructions: &[Instruction],
        compute_unit_limit: Option<u64>,
    ) -> Outcome {
        let settings = TransactionSettings {
            compute_unit_limit,
            heap_size: self.config.heap_size,
        };
        self.observed(|runtime, timer| runtime.process_transaction(instructions, &settings, timer))
    }

    /// Sends a signed legacy or v0 transaction as Agave 4.4 processes it: sanitized, its
    /// signatures verified (unless [`Sbfvm::set_signature_verification`] turned that off),
    /// its lookup tables resolved, its blockhash or durable nonce checked, its fee charged
    /// (also when it fails), its Compute Budget instructions applied, and committed (a
    /// failed transaction commits only the fee payer's debit and the advanced nonce).
    /// [`Outcome::fee`] is the fee charged; a transaction rejected before charging it
    /// changes nothing.
    pub fn send_transaction(&mut self, transaction: &VersionedTransaction) -> Outcome {
        self.process_signed(transaction, false)
    }

    /// What [`Sbfvm::send_transaction`] would give, committing nothing.
    pub fn simulate_transaction(&mut self, transaction: &VersionedTransaction) -> Outcome {
        self.process_signed(transaction, true)
    }

    fn process_signed(&mut self, transaction: &VersionedTransaction, simulate: bool) -> Outcome {
        let options = TransactionOptions {
            verify_signatures: self.verify_signatures,
            simulate,
        };
        self.observed(|runtime, timer| {
            runtime.process_versioned_transaction(transaction, &options, timer)
        })
    }

    /// Whether [`Sbfvm::send_transaction`] verifies signatures (on by default); off for
    /// tests that fake their signers.
    pub fn set_signature_verification(&mut self, enabled: bool) {
        self.verify_signatures = enabled;
    }

    /// The newest blockhash: the one a transaction should name.
    pub fn latest_blockhash(&self) -> Hash {
        Hash::new_from_array(self.runtime.blockhash_queue.last().blockhash)
    }

    /// Registers a new blockhash, so that every earlier one ages by one (150 newer ones
    /// expire it) and a durable nonce can advance again. Returns the new blockhash.
    pub fn expire_blockhash(&mut self) -> Hash {
        let entry = self.runtime.blockhash_queue.advance();
        self.sync_environment_blockhash();
        Hash::new_from_array(entry.blockhash)
    }

    /// Moves the Clock to `slot` (its epoch from the EpochSchedule) and registers a new
    /// blockhash for it.
    pub fn warp_to_slot(&mut self, slot: u64) {
        let mut sysvars = self.config.sysvars.clone();
        sysvars.clock.slot = slot;
        sysvars.clock.epoch = sysvars.epoch_schedule.get_epoch(slot);
        self.set_sysvars(sysvars);
        self.expire_blockhash();
    }

    /// Adds `lamports` to `pubkey` (a new System account when it does not exist), outside
    /// any transaction.
    pub fn airdrop(&mut self, pubkey: &Pubkey, lamports: u64) {
        let mut account =
            self.runtime.store.get(pubkey).cloned().unwrap_or_else(|| {
                AccountSharedData::empty(0, &solana_sdk_ids::system_program::ID)
            });
        account.set_lamports(account.lamports().saturating_add(lamports));
        self.runtime.store.set(*pubkey, account);
    }

    /// Nonce instructions and the RecentBlockhashes sysvar follow the newest blockhash.
    fn sync_environment_blockhash(&mut self) {
        self.runtime.environment.blockhash = Some(self.runtime.blockhash_queue.last());
        let sysvars = (*self.runtime.sysvars).clone();
        self.runtime.set_sysvars(sysvars);
    }

    /// Runs `process` (with the frame timer when frames are timed) and builds the outcome's
    /// invoke tree.
    fn observed(
        &mut self,
        process: impl FnOnce(&mut Runtime, Option<Box<dyn InvokeObserver>>) -> TransactionOutcome,
    ) -> Outcome {
        self.run_stats.borrow_mut().clear();
        // The timer's vectors live in `self`, so their capacity carries over.
        self.frame_times.borrow_mut().clear();
        let timer = self.time_frames.then(|| {
            Box::new(FrameTimer(SharedRc::clone(&self.frame_times))) as Box<dyn InvokeObserver>
        });
        let transaction = process(&mut self.runtime, timer);
        let invocations = invoke_tree(
            &transaction,
            &self.run_stats.borrow(),
            self.frame_times.borrow().elapsed(),
        );
        Outcome {
            transaction,
            invocations,
        }
    }
}
