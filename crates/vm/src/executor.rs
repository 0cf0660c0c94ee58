//! The SBF program executor: a program cache, pooled buffers, and `execute`, which follows
//! Agave's `execute` (`solana-program-runtime 4.4.0, src/vm.rs`) phase by phase (serialize,
//! create the VM with its heap charge, run, log, map the result, deserialize).

use std::cell::RefCell;
use std::collections::HashMap;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use base64::Engine;
use sbfvm_runtime::features::BuildPubkeyHasher;
use sbfvm_runtime::program_cache::UnavailableProgram;
use sbfvm_runtime::transaction_context::{TransactionContext, MAX_PERMITTED_DATA_INCREASE};
use sbfvm_runtime::{
    ExecutionFailure, InstructionError, InvokeContext, ProgramExecutor, Pubkey, ReadableAccount,
};
use solana_sbpf::{
    ebpf::{MM_HEAP_START, MM_INPUT_START, MM_STACK_START},
    elf::Executable,
    error::{EbpfError, ProgramResult},
    memory_region::{AccessType, MemoryMapping, MemoryRegion},
    verifier::RequisiteVerifier,
    vm::{CallFrame, EbpfVm},
};
use solana_sdk_ids::{bpf_loader, bpf_loader_deprecated, bpf_loader_upgradeable};

use crate::context::{SyscallUsage, VmContext};
use crate::debugger::{DebuggedFrame, GdbServer};
use crate::environment::{ProgramEnvironment, SbpfVersion, SyscallSupport};
use crate::error::{LoadError, SyscallError};
use crate::inspect::imported_syscalls;
use crate::memory::{lazy, AlignedBuffer, MemoryFault};
use crate::profile::{profile_run, step_through, FrameProfile, StepObserver};

/// How much of the stack is mapped before the program first reaches further: the first
/// frame, where the program starts (a deeper call grows the region once, in the handler).
/// This much is re-zeroed after every run, so it is kept to one frame.
const INITIAL_STACK_BYTES: usize = 4 * 1024;
use crate::serialization::{
    deserialize_parameters, serialize_parameters_into, InputAbi, SerializeOptions, SerializedInput,
    ZeroReserves,
};

/// How programs run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExecutionMode {
    /// solana-sbpf's interpreter.
    Interpreter,
    /// JIT-compiled x86-64 (falls back to the interpreter on other targets).
    #[default]
    Jit,
}

impl std::str::FromStr for ExecutionMode {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "interpreter" | "interpreted" => Ok(ExecutionMode::Interpreter),
            "jit" => Ok(ExecutionMode::Jit),
            other => Err(format!(
                "unknown mode `{other}` (expected `interpreter` or `jit`)"
            )),
        }
    }
}

/// A program ready to run.
pub struct LoadedProgram {
    executable: Executable<VmContext>,
    /// The SBPF version of the ELF.
    pub sbpf_version: SbpfVersion,
    /// The loader it was loaded for (a cached program is reused only under the same one).
    pub loader_id: Pubkey,
    /// Imported syscalls that sbfvm does not implement or that are not enabled.
    pub warnings: Vec<String>,
    /// Imported syscall names by their murmur3 hash, to name an unresolved call.
    imports: Vec<(u32, String)>,
    /// The ELF it was built from, so loading the same bytes again is a cache hit.
    elf: Box<[u8]>,
    /// Whether `executable` holds JIT code. solana-sbpf's own accessor takes a mutex and
    /// clones an `Arc` (four atomic operations), too much to ask on every run.
    jit_compiled: AtomicBool,
    /// Whether the ELF has `.debug_*` sections, read on the first profiled run: only then
    /// are a profile's units counted per pc (to split them among inlined functions).
    has_debug_sections: std::sync::OnceLock<bool>,
}

impl std::fmt::Debug for LoadedProgram {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedProgram")
            .field("sbpf_version", &self.sbpf_version)
            .field("loader_id", &self.loader_id)
            .field("warnings", &self.warnings)
            .finish_non_exhaustive()
    }
}

impl LoadedProgram {
    /// The ELF the program was loaded from (for symbols, e.g. in profiles).
    pub fn elf(&self) -> &[u8] {
        &self.elf
    }

    /// Whether the ELF carries any `.debug_*` section (DWARF a profile may name
    /// functions and lines from).
    pub fn has_debug_sections(&self) -> bool {
        *self
            .has_debug_sections
            .get_or_init(|| crate::inspect::has_debug_sections(&self.elf))
    }

    /// The program's instructions and functions, for coverage.
    pub fn code_layout(&self) -> Result<crate::profile::CodeLayout, String> {
        crate::profile::CodeLayout::of(&self.executable)
    }

    /// The imported syscall a `call imm` at `pc` names, if that is what the instruction is.
    fn unresolved_call_at(&self, pc: u64) -> Option<&str> {
        const CALL_IMM: u8 = 0x85;
        let (_, text) = self.executable.get_text_bytes();
        let offset = usize::try_from(pc).ok()?.checked_mul(8)?;
        let instruction = text.get(offset..offset + 8)?;
        if instruction[0] != CALL_IMM {
            return None;
        }
        let imm = u32::from_le_bytes(instruction[4..8].try_into().ok()?);
        self.imports
            .iter()
            .find(|(hash, _)| *hash == imm)
            .map(|(_, name)| name.as_str())
    }
}

enum CacheEntry {
    Loaded(Arc<LoadedProgram>),
    /// Failed to load or verify: executing it fails as Agave's "Program is not deployed".
    Failed(LoadError),
}

impl CacheEntry {
    /// The loaded program; `None` for a failed load.
    fn program(&self) -> Option<Arc<LoadedProgram>> {
        match self {
            Self::Loaded(program) => Some(Arc::clone(program)),
            Self::Failed(_) => None,
        }
    }
}

/// Everything one executing frame needs, reused from run to run so that a frame allocates
/// nothing: a CPI takes the next free slot, so nested frames never share one.
#[derive(Default)]
struct FrameSlot {
    stack: AlignedBuffer,
    heap: AlignedBuffer,
    input: AlignedBuffer,
    call_frames: Vec<CallFrame>,
    serialized: SerializedInput,
    /// Which realloc reserves of `input` are still zero from the last serialization.
    zero_reserves: ZeroReserves,
    /// The memory mapping of the last run, with the growth handler that points into
    /// `stack` and `heap`; rebuilt when anything it was built for changes.
    mapping: Option<PooledMapping>,
}

/// What a pooled mapping was built for: it is reused only for the same again.
#[derive(Clone, Copy, PartialEq, Eq)]
struct MappingKey {
    config: *const solana_sbpf::vm::Config,
    version: solana_sbpf::program::SBPFVersion,
    stack: (*mut u8, usize, u64),
    heap: (*mut u8, usize),
    initial: (usize, usize),
}

/// A memory mapping in an allocation of its own (see [`VmContext`]), reused across runs:
/// only its regions are replaced.
struct PooledMapping {
    key: MappingKey,
    mapping: NonNull<std::cell::UnsafeCell<MemoryMapping>>,
    extents: lazy::Extents,
}

impl Drop for PooledMapping {
    fn drop(&mut self) {
        // SAFETY: allocated by `Box::leak` in `FrameSlot::mapping` and freed only here; no
        // VM context lends it any more (contexts do not outlive a run).
        drop(unsafe { Box::from_raw(self.mapping.as_ptr()) });
    }
}

/// Index of the aligned-mapping slot that holds `vm_addr`.
fn region_index(vm_addr: u64) -> usize {
    (vm_addr >> solana_sbpf::ebpf::VIRTUAL_ADDRESS_BITS) as usize
}

/// `regions` with an empty region in every slot below the last that none of them takes,
/// each at its slot's index, so that the mapping need not insert them (and reallocate its
/// vector) while initializing. The read-only region sits in slot 1 for SBPF v0–v2 and in
/// slot 0 for v3 (`enable_lower_rodata_vaddr`). Regions that do not each take a slot of
/// their own are passed on as they are, for the mapping to judge.
fn with_empty_slots(regions: [MemoryRegion; 4]) -> Vec<MemoryRegion> {
    let indices = regions
        .each_ref()
        .map(|region| region_index(region.vm_addr_range().start));
    let slots = indices.iter().max().map_or(0, |last| last + 1);
    let distinct = indices
        .iter()
        .enumerate()
        .all(|(position, index)| !indices[..position].contains(index));
    if !distinct || slots > 8 {
        return regions.to_vec();
    }
    let mut all: Vec<MemoryRegion> = (0..slots)
        .map(|slot| MemoryRegion::new_empty(slot as u64 * solana_sbpf::ebpf::MM_REGION_SIZE))
        .collect();
    for (region, index) in regions.into_iter().zip(indices) {
        all[index] = region;
    }
    all
}

/// Per-frame statistics handed to an observer after each VM run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VmRunStats {
    /// The program the frame ran.
    pub program_id: Pubkey,
    /// The frame's index in the transaction's instruction trace.
    pub trace_index: usize,
    /// Compute units the VM reports for the run (instructions + syscalls + callees).
    pub compute_units: u64,
    /// Syscall usage of the frame by name, in first-call order.
    pub syscalls: Vec<(&'static str, SyscallUsage)>,
}

type RunObserver = Box<dyn FnMut(&VmRunStats)>;

/// Loads and runs SBF programs; implements the runtime's [`ProgramExecutor`].
pub struct SbfExecutor {
    environment: Arc<ProgramEnvironment>,
    /// The deployment environment derived from `environment` for one SBPF version range
    /// (Agave's `morph_into_deployment_environment`), built on first deploy.
    deployment: RefCell<Option<DeploymentEnvironment>>,
    /// Loaded programs by id. A `RefCell`, not a lock: the executor lives on one thread,
    /// and each execution's lookup is then a hash probe and one reference-count increment.
    cache: RefCell<HashMap<Pubkey, CacheEntry, BuildPubkeyHasher>>,
    mode: ExecutionMode,
    /// Boxed, so taking and returning a slot moves one pointer, not the whole slot.
    #[allow(clippy::vec_box)]
    pool: RefCell<Vec<Box<FrameSlot>>>,
    run_observer: RefCell<Option<RunObserver>>,
    tracer: RefCell<Option<Box<dyn Tracer>>>,
    /// The GDB stub waiting for the frame it debugs ([`Self::set_debugger`]).
    debugger: RefCell<Option<GdbServer>>,
    /// Whether VM runs time each syscall ([`Self::set_syscall_timing`]).
    time_syscalls: std::cell::Cell<bool>,
}

/// A deployment environment and the SBPF version range it was built for.
type DeploymentEnvironment = ((SbpfVersion, SbpfVersion), Arc<ProgramEnvironment>);

impl std::fmt::Debug for SbfExecutor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SbfExecutor")
            .field("mode", &self.mode)
            .finish_non_exhaustive()
    }
}

impl SbfExecutor {
    /// An executor with an empty program cache that loads programs in `environment` and
    /// runs them in `mode`.
    pub fn new(environment: Arc<ProgramEnvironment>, mode: ExecutionMode) -> Self {
        Self {
            environment,
            deployment: RefCell::new(None),
            cache: RefCell::new(HashMap::default()),
            mode,
            pool: RefCell::new(Vec::new()),
            run_observer: RefCell::new(None),
            tracer: RefCell::new(None),
            debugger: RefCell::new(None),
            time_syscalls: std::cell::Cell::new(false),
        }
    }

    /// Measures the wall time of every syscall call (`SyscallUsage::nanos`), for profiles;
    /// results and compute units are the same either way.
    pub fn set_syscall_timing(&self, enabled: bool) {
        self.time_syscalls.set(enabled);
    }

    /// How this executor runs programs.
    pub fn mode(&self) -> ExecutionMode {
        self.mode
    }

    /// The execution environment programs are loaded in.
    pub fn environment(&self) -> &Arc<ProgramEnvironment> {
        &self.environment
    }

    /// Records instruction traces of the frames `tracer` selects; traced frames run in the
    /// interpreter (results and compute units are identical in both modes).
    pub fn set_tracer(&self, tracer: Option<Box<dyn Tracer>>) {
        *self.tracer.borrow_mut() = tracer;
    }

    /// Takes the tracer back (to read what it collected).
    pub fn take_tracer(&self) -> Option<Box<dyn Tracer>> {
        self.tracer.borrow_mut().take()
    }

    /// Debugs the frame `server` selects under its GDB stub; that frame runs in the
    /// interpreter (results and compute units are identical in both modes), every other as
    /// configured. It takes precedence over the tracer for that frame.
    pub fn set_debugger(&self, server: Option<GdbServer>) {
        *self.debugger.borrow_mut() = server;
    }

    /// Takes the GDB stub back (to read its [`GdbServer::session`]).
    pub fn take_debugger(&self) -> Option<GdbServer> {
        self.debugger.borrow_mut().take()
    }

    /// Called after every VM run with that frame's statistics.
    pub fn set_run_observer(&self, observer: Option<RunObserver>) {
        *self.run_observer.borrow_mut() = observer;
    }

    /// Parses, relocates, verifies and (in JIT mode) compiles `elf`, and caches it under
    /// `program_id`. A failure is cached too, so executing the program fails as Agave's
    /// "Program is not deployed", and is also returned here.
    pub fn load_program(
        &self,
        program_id: &Pubkey,
        loader_id: &Pubkey,
        elf: &[u8],
    ) -> Result<Arc<LoadedProgram>, LoadError> {
        // The same bytes under the same loader: no parse, no verification, no JIT.
        if let Some(cached) = self.loaded_program(program_id) {
            if cached.loader_id == *loader_id
                && *cached.elf == *elf
                && (self.mode != ExecutionMode::Jit || cached.jit_compiled.load(Ordering::Relaxed))
            {
                return Ok(cached);
            }
        }
        let result = self.build_program(loader_id, elf);
        let entry = match &result {
            Ok(program) => CacheEntry::Loaded(Arc::clone(program)),
            Err(error) => CacheEntry::Failed(error.clone()),
        };
        self.cache.borrow_mut().insert(*program_id, entry);
        result
    }

    fn build_program(
        &self,
        loader_id: &Pubkey,
        elf: &[u8],
    ) -> Result<Arc<LoadedProgram>, LoadError> {
        let executable = Executable::<VmContext>::load(elf, Arc::clone(&self.environment.loader))
            .map_err(|error| LoadError::Elf(error.to_string()))?;
        executable
            .verify::<RequisiteVerifier>()
            .map_err(|error| LoadError::Verifier(error.to_string()))?;
        let jit_compiled = self.mode == ExecutionMode::Jit && cfg!(target_arch = "x86_64");
        if jit_compiled {
            executable
                .jit_compile()
                .map_err(|error| LoadError::Jit(error.to_string()))?;
        }
        let mut warnings = Vec::new();
        let imported = imported_syscalls(elf);
        let imports = imported
            .iter()
            .map(|name| {
                (
                    solana_sbpf::ebpf::hash_symbol_name(name.as_bytes()),
                    name.clone(),
                )
            })
            .collect();
        for name in imported {
            match self.environment.syscall_support(&name) {
                Some(SyscallSupport::Implemented) => {}
                Some(SyscallSupport::NotImplemented) => warnings.push(format!(
                    "program imports `{name}`, which sbfvm does not implement; calling it fails"
                )),
                Some(SyscallSupport::NotEnabled) => warnings.push(format!(
                    "program imports `{name}`, which this feature set does not enable; calling it fails"
                )),
                None => warnings.push(format!(
                    "program imports unknown syscall `{name}`; calling it fails as an unsupported instruction"
                )),
            }
        }
        let sbpf_version = SbpfVersion::from_sbpf(executable.get_sbpf_version())
            .ok_or_else(|| LoadError::Elf("reserved SBPF version".into()))?;
        Ok(Arc::new(LoadedProgram {
            executable,
            sbpf_version,
            loader_id: *loader_id,
            warnings,
            imports,
            elf: elf.into(),
            jit_compiled: AtomicBool::new(jit_compiled),
            has_debug_sections: std::sync::OnceLock::new(),
        }))
    }

    /// The deployment environment for the SBPF versions `min..=max`: the execution
    /// environment's syscalls without `sol_alloc_free_`, with strict ELF checks.
    pub fn deployment_environment(
        &self,
        min: SbpfVersion,
        max: SbpfVersion,
    ) -> Result<Arc<ProgramEnvironment>, LoadError> {
        if let Some((range, environment)) = self.deployment.borrow().as_ref() {
            if *range == (min, max) {
                return Ok(Arc::clone(environment));
            }
        }
        let environment = Arc::new(self.environment.for_deployment(min, max)?);
        *self.deployment.borrow_mut() = Some(((min, max), Arc::clone(&environment)));
        Ok(environment)
    }

    /// Agave's `deploy_program` checks: load `elf` with the deployment environment of
    /// `min..=max` and verify it. The error is the text Agave logs. Nothing is cached.
    pub fn verify_for_deployment(
        &self,
        elf: &[u8],
        min: SbpfVersion,
        max: SbpfVersion,
    ) -> Result<(), String> {
        let environment = self
            .deployment_environment(min, max)
            .map_err(|error| format!("Failed to register syscalls: {error}"))?;
        let executable = Executable::<VmContext>::load(elf, Arc::clone(&environment.loader))
            .map_err(|error| error.to_string())?;
        executable
            .verify::<RequisiteVerifier>()
            .map_err(|error| error.to_string())
    }

    /// Whether the cache holds an entry for `program_id`, a failed load included.
    pub fn is_cached(&self, program_id: &Pubkey) -> bool {
        self.cache.borrow().contains_key(program_id)
    }

    /// Removes `program_id`'s cache entry, if there is one.
    pub fn evict(&self, program_id: &Pubkey) {
        self.cache.borrow_mut().remove(program_id);
    }

    /// Why a cached program failed to load, if it did.
    pub fn load_error(&self, program_id: &Pubkey) -> Option<LoadError> {
        match self.cache.borrow().get(program_id)? {
            CacheEntry::Failed(error) => Some(error.clone()),
            CacheEntry::Loaded(_) => None,
        }
    }

    /// The cached program of `program_id`; `None` when it is not cached or failed to load.
    pub fn loaded_program(&self, program_id: &Pubkey) -> Option<Arc<LoadedProgram>> {
        self.cache.borrow().get(program_id)?.program()
    }

    /// Finds the program of the current frame, loading bpf_loader / deprecated-loader
    /// programs from their account data on first use.
    fn lookup(
        &self,
        invoke_context: &mut InvokeContext,
        program_id: Pubkey,
    ) -> Result<Arc<LoadedProgram>, ExecutionFailure> {
        // `Some(None)`: cached as a failed load.
        let cached = self
            .cache
            .borrow()
            .get(&program_id)
            .map(CacheEntry::program);
        let loaded = match cached {
            Some(loaded) => loaded,
            None => {
                let (loader_id, elf) = {
                    let account = invoke_context
                        .transaction_context
                        .borrow_current_program_account()?;
                    (*account.owner(), account.data_clone())
                };
                if loader_id == bpf_loader_upgradeable::id() {
                    return Err(invoke_context.program_unavailable(UnavailableProgram::NotCached));
                }
                // A failed load is cached as such, and unavailable below like a cached one.
                self.load_program(&program_id, &loader_id, &elf).ok()
            }
        };
        loaded.ok_or_else(|| invoke_context.program_unavailable(UnavailableProgram::NotDeployed))
    }

    fn run(
        &self,
        invoke_context: &mut InvokeContext,
        program: &LoadedProgram,
        (program_id, loader): (Pubkey, Pubkey),
    ) -> Result<(), ExecutionFailure> {
        let frame = CurrentFrame {
            program_id,
            trace_index: invoke_context.transaction_context.current_trace_index()?,
            stack_height: invoke_context.stack_height(),
            abi: if loader == bpf_loader_deprecated::id() {
                InputAbi::Unaligned
            } else {
                InputAbi::Aligned
            },
        };
        let mut slot = self.pool.borrow_mut().pop().unwrap_or_default();
        let result = self.run_in_slot(invoke_context, program, &frame, &mut slot);
        self.pool.borrow_mut().push(slot);
        result
    }

    /// The mapping of `slot` for this run, with its growth extents: the pooled one with its
    /// regions replaced when it was built for the same configuration and buffers, otherwise
    /// a new one.
    ///
    /// # Safety
    /// The slot's buffers must not be resized, moved or freed while the returned mapping is
    /// in use, and the executable's rodata must outlive that use.
    ///
    /// With `accounts` (the transaction context, under `virtual_address_space_adjustments`)
    /// the input is split into the regions of `slot.serialized.data_regions`, whose handler
    /// grows changeable accounts; the transaction context must then outlive the mapping's
    /// use as well, without a `&mut` to it live while the mapping is used.
    unsafe fn prepare_mapping(
        slot: &mut FrameSlot,
        executable: &Executable<VmContext>,
        (stack_initial, stack_gap, heap_initial): (usize, u64, usize),
        accounts: Option<NonNull<TransactionContext>>,
    ) -> Result<(NonNull<std::cell::UnsafeCell<MemoryMapping>>, lazy::Extents), EbpfError> {
        let config = executable.get_config();
        let version = executable.get_sbpf_version();
        let key = MappingKey {
            config,
            version,
            stack: (slot.stack.as_mut_ptr(), slot.stack.len(), stack_gap),
            heap: (slot.heap.as_mut_ptr(), slot.heap.len()),
            initial: (stack_initial, heap_initial),
        };
        let regions = [
            executable.get_ro_region(),
            lazy::region(
                &mut slot.stack,
                stack_initial,
                MM_STACK_START,
                stack_gap,
                lazy::STACK,
            ),
            lazy::region(&mut slot.heap, heap_initial, MM_HEAP_START, 0, lazy::HEAP),
            if config.aligned_memory_mapping {
                lazy::input_region(&mut slot.input, MM_INPUT_START)
            } else {
                MemoryRegion::new(&raw mut *slot.input.as_mut_slice(), MM_INPUT_START)
            },
        ];
        // Only an aligned mapping finds regions by slot index alone, so only it can take
        // replaced regions without being rebuilt.
        let reusable = config.aligned_memory_mapping;
        if let Some(pooled) = slot
            .mapping
            .as_ref()
            .filter(|pooled| reusable && pooled.key == key)
        {
            // SAFETY: the pooled mapping is not lent to any context between runs.
            let mapping = unsafe { &mut *pooled.mapping.as_ref().get() };
            let fits = regions.iter().all(|region| {
                let index = region_index(region.vm_addr_range().start);
                mapping.get_regions().get(index).is_some_and(|current| {
                    current.vm_addr_range().start == region.vm_addr_range().start
                })
            });
            if fits {
                for region in regions {
                    // SAFETY: the caller's contract: every region points into a live,
                    // unmoved buffer of the slot or into the executable's rodata.
                    unsafe {
                        mapping
                            .replace_region(region_index(region.vm_addr_range().start), region)?
                    };
                }
                pooled.extents.reset(stack_initial, heap_initial);
                return Ok((pooled.mapping, pooled.extents.clone()));
            }
        }
        slot.mapping = None;
        let all = if reusable {
            with_empty_slots(regions)
        } else if accounts.is_some() {
            let mut all = regions[..3].to_vec();
            lazy::split_input_regions(
                &mut slot.input,
                slot.serialized.len,
                &slot.serialized.data_regions,
                &mut all,
            );
            all
        } else {
            regions.to_vec()
        };
        // SAFETY: the caller's contract covers the stack and heap buffers the handler grows.
        let (handler, extents) = unsafe {
            lazy::handler(
                &mut slot.stack,
                stack_initial,
                stack_gap,
                &mut slot.heap,
                heap_initial,
                accounts,
            )
        };
        // SAFETY: the caller's contract covers every region's buffer.
        let mapping = unsafe {
            MemoryMapping::new_with_access_violation_handler(all, config, version, handler)?
        };
        let mapping = NonNull::from(Box::leak(Box::new(std::cell::UnsafeCell::new(mapping))));
        slot.mapping = Some(PooledMapping {
            key,
            mapping,
            extents: extents.clone(),
        });
        Ok((mapping, extents))
    }

    /// One run of `program` in `slot`, in the phases of Agave's `execute`
    /// (`solana-program-runtime 4.4.0, src/vm.rs`): serialize the input, create the VM
    /// (heap charge, memory mapping), run it, log what it consumed and returned, map its
    /// result, and deserialize the input back into the accounts.
    #[inline(always)]
    fn run_in_slot(
        &self,
        invoke_context: &mut InvokeContext,
        program: &LoadedProgram,
        frame: &CurrentFrame,
        slot: &mut FrameSlot,
    ) -> Result<(), ExecutionFailure> {
        // Phases are attributed to frames entered by CPI, so a CPI's breakdown is not
        // swamped by its caller's own run (which contains it).
        let clock = PhaseClock {
            enabled: invoke_context.phase_times.is_some() && frame.stack_height > 1,
        };
        let serialize_started = clock.now();
        serialize_input(invoke_context, frame.abi, slot)?;
        let remaining_before_vm = invoke_context.remaining();
        invoke_context.add_phase_time(serialize_started, |times| &mut times.serialize);
        let setup_started = clock.now();
        let (mapping, extents) = create_vm(invoke_context, &program.executable, slot)?;
        let run = self.run_vm(
            invoke_context,
            program,
            frame,
            slot,
            mapping,
            (clock, setup_started),
        );
        release_slot(slot, &program.executable, &extents);
        if let Some(times) = invoke_context
            .phase_times
            .as_mut()
            .filter(|_| clock.enabled)
        {
            times.vm_setup += run.setup_time.unwrap_or_default();
            times.execute += run.execute_time.unwrap_or_default();
            times.frames += 1;
        }
        if let Some(observer) = self.run_observer.borrow_mut().as_mut() {
            observer(&VmRunStats {
                program_id: frame.program_id,
                trace_index: frame.trace_index,
                compute_units: run.compute_units,
                syscalls: run.syscalls,
            });
        }
        log_consumed(
            invoke_context,
            &frame.program_id,
            run.compute_units,
            remaining_before_vm,
        );
        let violation = slot
            .serialized
            .virtual_address_space_adjustments
            .then(|| access_violation(&run.result, run.memory_fault))
            .flatten();
        if let Err(failure) =
            self.vm_result(invoke_context, program, frame, run.result, run.final_pc)
        {
            return Err(violation
                .and_then(|violation| {
                    account_access_error(invoke_context, frame.abi, &slot.serialized, violation)
                })
                .map_or(failure, ExecutionFailure::from));
        }
        let deserialize_started = clock.now();
        let deserialized = deserialize_parameters(
            &invoke_context.transaction_context,
            frame.abi,
            slot.input.as_slice(),
            &slot.serialized,
        );
        invoke_context.add_phase_time(deserialize_started, |times| &mut times.deserialize);
        deserialized.map_err(ExecutionFailure::from)
    }

    /// Runs the VM over the mapping `create_vm` prepared: the registers Agave sets (r1 the
    /// input, r2 the instruction data), the interpreter or the JIT (compiled on first use
    /// when the program was loaded in interpreter mode), or the step-by-step interpreter
    /// when the tracer wants this program.
    #[inline(always)]
    fn run_vm(
        &self,
        invoke_context: &mut InvokeContext,
        program: &LoadedProgram,
        frame: &CurrentFrame,
        slot: &mut FrameSlot,
        mapping: NonNull<std::cell::UnsafeCell<MemoryMapping>>,
        (clock, setup_started): (PhaseClock, Option<std::time::Instant>),
    ) -> VmRun {
        let executable = &program.executable;
        let config = executable.get_config();
        let heap_len = invoke_context.budget.heap_size as u64;
        let instruction_data_offset = slot.serialized.instruction_data_offset;
        // SAFETY: `invoke_context` is not used again until the VM below has finished and
        // `vm_context` is dropped; the VM reaches it only through this context. The pooled
        // mapping is lent to this context alone and outlives it.
        let mut vm_context = unsafe {
            VmContext::with_mapping(
                NonNull::from(&mut *invoke_context),
                mapping,
                heap_len,
                std::mem::take(&mut slot.serialized.accounts),
                frame.abi,
                frame.program_id,
            )
        };
        vm_context.time_syscalls = self.time_syscalls.get();
        vm_context.data_regions = std::mem::take(&mut slot.serialized.data_regions);
        vm_context.text_instructions =
            (executable.get_text_bytes().1.len() / solana_sbpf::ebpf::INSN_SIZE) as u64;
        let call_frames = &mut slot.call_frames;
        let mut vm = EbpfVm::new(
            Arc::clone(executable.get_loader()),
            executable.get_sbpf_version(),
            &mut vm_context,
            config.stack_size(),
        );
        vm.registers[1] = MM_INPUT_START;
        vm.registers[2] = MM_INPUT_START + instruction_data_offset as u64;
        let mut mode = match self.mode {
            ExecutionMode::Interpreter => solana_sbpf::vm::ExecutionMode::Interpreted,
            ExecutionMode::Jit => solana_sbpf::vm::ExecutionMode::PreferJit,
        };
        if matches!(mode, solana_sbpf::vm::ExecutionMode::PreferJit)
            && !program.jit_compiled.load(Ordering::Relaxed)
        {
            // Loaded in interpreter mode earlier: compile on first JIT use.
            if executable.jit_compile().is_ok() {
                program.jit_compiled.store(true, Ordering::Relaxed);
            }
        }
        if call_frames.len() < config.max_call_depth {
            call_frames.resize(config.max_call_depth, CallFrame::default());
        }
        // What the tracer wants of this frame, read once: its detail and whether coverage.
        let traced = self
            .tracer
            .borrow()
            .as_ref()
            .filter(|tracer| tracer.wants(&frame.program_id))
            .map(|tracer| (tracer.detail(), tracer.coverage()));
        let debugged = DebuggedFrame {
            program_id: frame.program_id,
            trace_index: frame.trace_index,
            stack_height: frame.stack_height,
        };
        // Out of its cell while the frame runs: the frame's CPI callees look at it too.
        let mut debugger =
            (self.debugger.borrow_mut()).take_if(|debugger| debugger.wants(&debugged));
        let execute_started = clock.now();
        let setup_time = setup_started.map(|started| execute_started.unwrap_or(started) - started);
        let (compute_units, result) = if let Some(server) = debugger.as_mut() {
            server.debug_run(&mut vm, executable, call_frames, debugged)
        } else if let Some((detail, coverage)) = traced {
            self.run_traced(&mut vm, program, call_frames, frame, detail, coverage)
        } else {
            vm.execute_program(executable, &mut mode, call_frames)
        };
        let execute_time = execute_started.map(|started| started.elapsed());
        if debugger.is_some() {
            *self.debugger.borrow_mut() = debugger;
        }
        let final_pc = vm.registers[11];
        drop(vm);
        slot.serialized.accounts = std::mem::take(&mut vm_context.accounts_metadata);
        slot.serialized.data_regions = std::mem::take(&mut vm_context.data_regions);
        VmRun {
            compute_units,
            result,
            final_pc,
            memory_fault: vm_context.memory_fault.take(),
            syscalls: vm_context.take_syscall_usage(),
            setup_time,
            execute_time,
        }
    }

    /// The end of Agave's `execute` (`solana-program-runtime 4.4.0, src/vm.rs`): a non-zero
    /// `r0` becomes the instruction error it encodes, a fault the program's failure. A call
    /// of an unregistered syscall also leaves a diagnostic naming it.
    #[inline(always)]
    fn vm_result(
        &self,
        invoke_context: &mut InvokeContext,
        program: &LoadedProgram,
        frame: &CurrentFrame,
        result: ProgramResult,
        final_pc: u64,
    ) -> Result<(), ExecutionFailure> {
        match result {
            ProgramResult::Ok(0) => Ok(()),
            ProgramResult::Ok(status) => {
                Err(ExecutionFailure::from(InstructionError::from(status)))
            }
            ProgramResult::Err(error) => {
                if matches!(error, EbpfError::UnsupportedInstruction) {
                    if let Some(name) = program.unresolved_call_at(final_pc) {
                        invoke_context.diagnostics.push(format!(
                            "program {} called syscall `{name}`, which is not registered in this feature set",
                            frame.program_id
                        ));
                    }
                }
                Err(self.failure_from_vm_error(invoke_context, error))
            }
        }
    }

    fn failure_from_vm_error(
        &self,
        invoke_context: &mut InvokeContext,
        error: EbpfError,
    ) -> ExecutionFailure {
        match error {
            EbpfError::SyscallError(boxed) => match boxed.downcast::<SyscallError>() {
                Ok(syscall_error) => ExecutionFailure {
                    error: syscall_error.instruction_error(),
                    message: syscall_error.to_string(),
                },
                Err(other) => ExecutionFailure::program_failed(other.to_string()),
            },
            other => {
                // SIMD-0182: a fault that is not a syscall error drains the meter.
                if invoke_context.features.deplete_cu_meter_on_vm_failure() {
                    invoke_context.consume(invoke_context.remaining());
                }
                ExecutionFailure::program_failed(other.to_string())
            }
        }
    }
}

/// The access violation a failed run ended with: the VM's own, or the one a syscall's
/// translation recorded when the syscall failed with it.
fn access_violation(
    result: &ProgramResult,
    memory_fault: Option<MemoryFault>,
) -> Option<(AccessType, u64, u64)> {
    match result {
        ProgramResult::Err(EbpfError::AccessViolation(access, vm_addr, len, _)) => {
            Some((*access, *vm_addr, *len))
        }
        ProgramResult::Err(EbpfError::SyscallError(error)) => {
            let fault = memory_fault?;
            match error.downcast_ref::<SyscallError>() {
                Some(SyscallError::Memory(message)) if *message == fault.message => {
                    Some((fault.access, fault.vm_addr, fault.len))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// Under `virtual_address_space_adjustments`, the account error an access violation inside
/// an account's reserved address space becomes: a store, the reason the account's data may
/// not change, else (a store beyond the data that could not grow it) `InvalidRealloc`; a
/// load beyond the data, `AccountDataTooSmall` for an account the program may not change,
/// else `InvalidRealloc`. `None` for any other access. Mirrors
/// `solana-program-runtime 4.4.0, src/vm.rs`, `execute` (the `AccessViolation` arm).
fn account_access_error(
    invoke_context: &InvokeContext,
    abi: InputAbi,
    input: &SerializedInput,
    (access, vm_addr, len): (AccessType, u64, u64),
) -> Option<InstructionError> {
    let reserve = match abi {
        InputAbi::Aligned => MAX_PERMITTED_DATA_INCREASE as u64,
        InputAbi::Unaligned => 0,
    };
    let (position, end) = input
        .accounts
        .iter()
        .enumerate()
        .find_map(|(position, account)| {
            let start = account.vm_data_addr;
            let end = start
                .saturating_add(account.original_data_len as u64)
                .saturating_add(reserve);
            (start..end).contains(&vm_addr).then_some((position, end))
        })?;
    if vm_addr.saturating_add(len) > end {
        return None;
    }
    let context = &invoke_context.transaction_context;
    let account = match context
        .current_trace_index()
        .and_then(|trace_index| context.borrow_instruction_account(trace_index, position))
    {
        Ok(account) => account,
        Err(error) => return Some(error),
    };
    let changeable = account.can_data_be_changed();
    Some(match (access, changeable) {
        (AccessType::Store, Err(error)) => error,
        (AccessType::Load, Err(_)) => InstructionError::AccountDataTooSmall,
        (_, Ok(())) => InstructionError::InvalidRealloc,
    })
}

/// The instruction frame an executor run is for.
struct CurrentFrame {
    program_id: Pubkey,
    trace_index: usize,
    /// Invoke stack height of the frame (1 for a top-level instruction).
    stack_height: usize,
    abi: InputAbi,
}

/// Reads the clock only when phase times are being collected for this frame.
#[derive(Clone, Copy)]
struct PhaseClock {
    enabled: bool,
}

impl PhaseClock {
    #[inline(always)]
    fn now(self) -> Option<std::time::Instant> {
        self.enabled.then(std::time::Instant::now)
    }
}

/// What one VM run left behind.
struct VmRun {
    /// Compute units the VM reports for the run (instructions + syscalls + callees).
    compute_units: u64,
    result: ProgramResult,
    /// The pc the VM stopped at (the faulting instruction of a failed run).
    final_pc: u64,
    /// The access violation a syscall's translation ran into last.
    memory_fault: Option<MemoryFault>,
    syscalls: Vec<(&'static str, SyscallUsage)>,
    setup_time: Option<std::time::Duration>,
    execute_time: Option<std::time::Duration>,
}

/// Serializes the current instruction into the slot's pooled input buffer (Agave's
/// `serialize_parameters`), skipping the realloc reserves known to be zero already.
#[inline(always)]
fn serialize_input(
    invoke_context: &InvokeContext,
    abi: InputAbi,
    slot: &mut FrameSlot,
) -> Result<(), ExecutionFailure> {
    let options = SerializeOptions {
        direct_account_pointers: invoke_context
            .features
            .direct_account_pointers_in_program_input(),
        virtual_address_space_adjustments: invoke_context.features.per_account_input_regions(),
    };
    serialize_parameters_into(
        &invoke_context.transaction_context,
        abi,
        options,
        &mut slot.input,
        &mut slot.serialized,
        Some(&mut slot.zero_reserves),
    )?;
    Ok(())
}

/// Agave's `create_vm!` (`solana-program-runtime 4.4.0, src/vm.rs`): charges the heap,
/// then maps the program's rodata and the slot's stack, heap and input. Both failures are
/// logged as "Failed to create SBF VM" and become `ProgramEnvironmentSetupFailure`.
#[inline(always)]
fn create_vm(
    invoke_context: &mut InvokeContext,
    executable: &Executable<VmContext>,
    slot: &mut FrameSlot,
) -> Result<(NonNull<std::cell::UnsafeCell<MemoryMapping>>, lazy::Extents), ExecutionFailure> {
    let heap_charge = invoke_context.budget.heap_charge();
    if let Err(error) = invoke_context.consume_checked(heap_charge) {
        invoke_context.log(format!("Failed to create SBF VM: {error}"));
        return Err(InstructionError::ProgramEnvironmentSetupFailure.into());
    }
    let config = executable.get_config();
    // Pooled stacks and heaps are entirely zero when handed out (only the extent a run
    // reached is re-zeroed afterwards), so a size change is the only reason to allocate.
    let stack_len = config.stack_size();
    let heap_len = invoke_context.budget.heap_size as usize;
    if slot.stack.len() != stack_len {
        slot.stack = AlignedBuffer::zeroed(stack_len);
    }
    if slot.heap.len() != heap_len {
        slot.heap = AlignedBuffer::zeroed(heap_len);
    }
    let stack_gap =
        if config.enable_stack_frame_gaps && executable.get_sbpf_version().stack_frame_gaps() {
            config.stack_frame_size as u64
        } else {
            0
        };
    // Regions start short and grow on first use (see `memory::lazy`); only the aligned
    // mapping, where every access of a slot reaches its region's handler, allows that.
    let (stack_initial, heap_initial) = if config.aligned_memory_mapping {
        (INITIAL_STACK_BYTES.min(stack_len), 0)
    } else {
        (stack_len, heap_len)
    };
    // SAFETY: the slot's buffers are neither resized nor moved until the run has finished
    // and its `VmContext` (the only user of the mapping) is dropped; the program (and so
    // its rodata) is held by the caller for the whole run.
    let accounts = slot
        .serialized
        .virtual_address_space_adjustments
        .then(|| NonNull::from(&invoke_context.transaction_context));
    // SAFETY: as above; the transaction context lives in the invoke context, which outlives
    // the run, and the handler reaches it only through shared borrows (its accounts and
    // growth counter are cells) while no syscall holds the invoke context.
    let prepared = unsafe {
        SbfExecutor::prepare_mapping(
            slot,
            executable,
            (stack_initial, stack_gap, heap_initial),
            accounts,
        )
    };
    prepared.map_err(|error| {
        invoke_context.log(format!("Failed to create SBF VM: {error}"));
        InstructionError::ProgramEnvironmentSetupFailure.into()
    })
}

/// Hands the slot back clean: the pooled mapping no longer points into this program's
/// rodata (which may be freed before the slot's next run), and only what the run could
/// have written is re-zeroed.
#[inline(always)]
fn release_slot(slot: &mut FrameSlot, executable: &Executable<VmContext>, extents: &lazy::Extents) {
    if let Some(pooled) = slot.mapping.as_ref() {
        // SAFETY: no context lends the mapping any more; an empty region points nowhere.
        let mapping = unsafe { &mut *pooled.mapping.as_ref().get() };
        let ro = executable.get_ro_region().vm_addr_range().start;
        // SAFETY: as above.
        let _ = unsafe { mapping.replace_region(region_index(ro), MemoryRegion::new_empty(ro)) };
    }
    // The input is read-only until its first store only in an aligned mapping; otherwise
    // assume it was written.
    if extents.input_written() || !executable.get_config().aligned_memory_mapping {
        slot.zero_reserves.forget();
    }
    slot.stack.as_mut_slice()[..extents.stack()].fill(0);
    slot.heap.as_mut_slice()[..extents.heap()].fill(0);
}

/// Agave's "consumed" and "return" log lines after a run (`solana-program-runtime 4.4.0,
/// src/vm.rs`, `execute`).
#[inline(always)]
fn log_consumed(
    invoke_context: &mut InvokeContext,
    program_id: &Pubkey,
    compute_units: u64,
    remaining_before_vm: u64,
) {
    if let Some(collector) = invoke_context.log_collector.as_mut() {
        collector.program_consumed(program_id, compute_units, remaining_before_vm);
        let return_data = invoke_context.transaction_context.return_data();
        if !return_data.data.is_empty() {
            let encoded = base64::engine::general_purpose::STANDARD.encode(&return_data.data);
            collector.program_return(program_id, &encoded);
        }
    }
}

/// One executed instruction: the pc it ran at and the registers r0–r10 after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceStep {
    /// Index of the executed instruction in the text (in 8-byte instruction slots).
    pub pc: u64,
    /// r0 to r10 after the instruction.
    pub registers: [u64; 11],
}

/// The executed instructions of one frame.
#[derive(Debug, Clone)]
pub struct TraceFrame {
    /// The frame's index in the transaction's instruction trace.
    pub trace_index: usize,
    /// Invoke stack height of the frame (1 for a top-level instruction).
    pub stack_height: usize,
    /// The program the frame ran.
    pub program_id: Pubkey,
    /// The executed instructions, in order.
    pub steps: Vec<TraceStep>,
    /// Disassembly by pc, for the pcs that appear in `steps`.
    pub disassembly: std::collections::BTreeMap<u64, String>,
    /// The frame's profile, when the tracer asked for profiles (`steps` is then empty).
    pub profile: Option<FrameProfile>,
}

/// What a [`Tracer`] records of the frames it wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TraceDetail {
    /// Every executed instruction with the registers after it, and the disassembly.
    Steps,
    /// Compute units per function and syscall call site ([`FrameProfile`]).
    Profile,
}

/// Collects instruction traces.
pub trait Tracer {
    /// Whether frames of `program_id` are traced.
    fn wants(&self, program_id: &Pubkey) -> bool;
    /// Receives the trace of a frame that `wants` selected, after the frame ran.
    fn record(&mut self, frame: TraceFrame);
    /// What to record of each wanted frame: every step unless the tracer says otherwise.
    fn detail(&self) -> TraceDetail {
        TraceDetail::Steps
    }
    /// With [`TraceDetail::Profile`]: whether profiles also count the executions of every
    /// pc ([`FrameProfile::pc_hits`]), for coverage.
    fn coverage(&self) -> bool {
        false
    }
    /// The tracer as `Any`, to downcast it to its own type after
    /// [`SbfExecutor::take_tracer`].
    fn as_any(&mut self) -> &mut dyn std::any::Any;
}

impl SbfExecutor {
    /// Runs a frame the tracer wants in the interpreter, recording every step or its
    /// profile ([`Tracer::detail`]), and hands the record to the tracer.
    fn run_traced(
        &self,
        vm: &mut EbpfVm<'_, VmContext>,
        program: &LoadedProgram,
        call_frames: &mut [CallFrame],
        frame: &CurrentFrame,
        detail: TraceDetail,
        coverage: bool,
    ) -> (u64, ProgramResult) {
        let executable = &program.executable;
        let mut record = TraceFrame {
            trace_index: frame.trace_index,
            stack_height: frame.stack_height,
            program_id: frame.program_id,
            steps: Vec::new(),
            disassembly: Default::default(),
            profile: None,
        };
        let (units, result) = if detail == TraceDetail::Profile {
            let units_per_pc = program.has_debug_sections();
            let (units, result, profile) =
                profile_run(vm, executable, call_frames, coverage, units_per_pc);
            record.profile = Some(profile);
            (units, result)
        } else {
            let (units, result, steps) = execute_traced(vm, executable, call_frames);
            record.steps = steps;
            record.disassembly = disassemble(executable);
            (units, result)
        };
        // Borrowed again only now: the frame's CPI callees record their own frames while it runs.
        if let Some(tracer) = self.tracer.borrow_mut().as_mut() {
            tracer.record(record);
        }
        (units, result)
    }
}

/// Runs the interpreter one instruction at a time, recording the registers after each
/// step.
fn execute_traced(
    vm: &mut EbpfVm<'_, VmContext>,
    executable: &Executable<VmContext>,
    call_frames: &mut [CallFrame],
) -> (u64, ProgramResult, Vec<TraceStep>) {
    let mut steps = Vec::new();
    let (units, result, _) = interpret(vm, executable, call_frames, |pc, registers| {
        let mut after = [0u64; 11];
        after.copy_from_slice(&registers[..11]);
        steps.push(TraceStep {
            pc,
            registers: after,
        });
    });
    (units, result, steps)
}

/// Runs `executable` in the interpreter one instruction at a time: the work
/// `EbpfVm::execute_program` does in interpreter mode, except that `on_step` sees the pc of
/// every executed instruction with the registers after it (r0..r10, then the next pc), and
/// that the final registers are handed back. Returns the compute units the run consumed,
/// its result and those registers. For the tracer, and for harnesses that report a run's
/// registers (the `sbfvm-test-support` crate); solana-sbpf's own types, as the VM is theirs.
pub fn interpret(
    vm: &mut EbpfVm<'_, VmContext>,
    executable: &Executable<VmContext>,
    call_frames: &mut [CallFrame],
    mut on_step: impl FnMut(u64, &[u64; 12]),
) -> (u64, ProgramResult, [u64; 12]) {
    /// Sees every step, never pauses.
    struct Steps<F>(F);
    impl<F: FnMut(u64, &[u64; 12])> StepObserver for Steps<F> {
        fn step(&mut self, pc: u64, registers: &[u64; 12]) -> bool {
            (self.0)(pc, registers);
            false
        }
        fn pause(&mut self, _: &mut EbpfVm<'_, VmContext>, _: &[u64; 12]) {}
    }
    step_through(vm, executable, call_frames, &mut Steps(&mut on_step))
}

/// Disassembles every instruction of the program's text.
fn disassemble(executable: &Executable<VmContext>) -> std::collections::BTreeMap<u64, String> {
    let mut lines = std::collections::BTreeMap::new();
    let Ok(analysis) = solana_sbpf::static_analysis::Analysis::from_executable(executable) else {
        return lines;
    };
    for insn in &analysis.instructions {
        lines.insert(
            insn.ptr as u64,
            analysis.disassemble_instruction(insn, insn.ptr),
        );
    }
    lines
}

impl ProgramExecutor for SbfExecutor {
    fn execute(&self, invoke_context: &mut InvokeContext) -> Result<(), ExecutionFailure> {
        let loader = invoke_context.current_loader_id()?;
        debug_assert!(
            loader == bpf_loader::id()
                || loader == bpf_loader_deprecated::id()
                || loader == bpf_loader_upgradeable::id()
        );
        let program_id = invoke_context.current_program_id()?;
        let program = self.lookup(invoke_context, program_id)?;
        self.run(invoke_context, &program, (program_id, loader))
    }

    fn deploy(
        &self,
        invoke_context: &InvokeContext,
        _program_id: &Pubkey,
        _loader: &Pubkey,
        elf: &[u8],
    ) -> Result<(), String> {
        let (min, max) = invoke_context.features.sbpf_deployment_version_range();
        let version = |index: u8| SbpfVersion::from_index(index).unwrap_or(SbpfVersion::V3);
        self.verify_for_deployment(elf, version(min), version(max))
    }

    fn reload(&self, program_id: &Pubkey, loader: &Pubkey, elf: Option<&[u8]>) {
        self.evict(program_id);
        if let Some(elf) = elf {
            // A failure is cached: executing the program then fails as "Program is not deployed".
            let _ = self.load_program(program_id, loader, elf);
        }
    }
}
