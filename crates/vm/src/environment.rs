//! The program runtime environment: the solana-sbpf configuration Agave uses and the
//! registry of syscalls programs may import.

use std::collections::{BTreeMap, BTreeSet};
use std::marker::PhantomData;
use std::sync::Arc;

use sbfvm_runtime::{ComputeBudget, FeatureSet};
use solana_sbpf::{
    program::{BuiltinFunctionDefinition, BuiltinProgram, SBPFVersion},
    vm::Config,
};

use crate::context::VmContext;
use crate::error::{LoadError, SyscallError};

/// What a syscall returns: `r0`, or an error that stops the program.
pub type SyscallResult = Result<u64, SyscallError>;

/// A syscall: the registers it reads in, `r0` out, or an error that stops the program.
///
/// `Arguments` names the registers the syscall reads, from `r1` on (usually `[u64; N]`, the
/// first `N` of the five a program passes), so an implementation takes only those:
///
/// ```
/// use sbfvm_vm::{Syscall, SyscallResult, VmContext};
///
/// /// Returns r1 + r2 (r3 to r5 are not read).
/// struct Add;
/// impl Syscall for Add {
///     type Arguments = [u64; 2];
///     fn call(_: &mut VmContext, [a, b]: [u64; 2]) -> SyscallResult {
///         Ok(a.wrapping_add(b))
///     }
/// }
/// ```
pub trait Syscall: 'static {
    /// The registers read ([`SyscallArguments`]).
    type Arguments: SyscallArguments;

    /// Runs the syscall on the calling frame's `context` with the registers it reads; `Ok`
    /// is the value left in r0.
    fn call(context: &mut VmContext, arguments: Self::Arguments) -> SyscallResult;

    /// What compiled code may do instead of calling the syscall (see [`JitInline`]);
    /// `None`, the default: every call goes through [`Syscall::call`].
    const JIT_INLINE: Option<JitInline> = None;
}

/// A syscall the JIT can run without calling it, with the same compute units, result and
/// usage record as the call (`crate::jit_inline`). The interpreter always calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JitInline {
    /// `sol_get_stack_height`: charges `syscall_base_cost` and returns the frame's stack
    /// height, fixed for the whole run.
    StackHeight,
}

/// The registers a [`Syscall`] reads, taken from the five (r1..r5) a `call` passes:
/// `[u64; N]` for the first `N` (at most five), or a type of the syscall's own.
pub trait SyscallArguments {
    /// Takes the arguments from the registers r1..r5 of the `call`.
    fn from_registers(registers: [u64; 5]) -> Self;
}

impl<const N: usize> SyscallArguments for [u64; N] {
    // On the per-call path: folds to register moves.
    #[inline(always)]
    fn from_registers(registers: [u64; 5]) -> Self {
        const { assert!(N <= 5, "a syscall reads at most five registers") };
        std::array::from_fn(|index| registers[index])
    }
}

/// Adapts a [`Syscall`] to solana-sbpf and records its name and compute units.
struct Registered<S, N>(PhantomData<(S, N)>);

/// The name of a registered syscall, carried as a type so the adapter needs no state.
pub trait SyscallName: 'static {
    /// The name programs import the syscall by (its murmur3 hash is the key they call).
    const NAME: &'static str;
}

impl<S: Syscall, N: SyscallName> BuiltinFunctionDefinition<VmContext> for Registered<S, N> {
    type Error = Box<dyn std::error::Error>;

    // Inlined into solana-sbpf's syscall wrapper: this is the per-call path.
    #[inline(always)]
    fn rust(
        context: &mut VmContext,
        arg1: u64,
        arg2: u64,
        arg3: u64,
        arg4: u64,
        arg5: u64,
    ) -> Result<u64, Self::Error> {
        let before = context.invoke_context().remaining();
        let started = context.time_syscalls.then(std::time::Instant::now);
        let arguments = S::Arguments::from_registers([arg1, arg2, arg3, arg4, arg5]);
        let result = S::call(context, arguments);
        let nanos = started.map_or(0, |started| started.elapsed().as_nanos() as u64);
        let charged = before.saturating_sub(context.invoke_context().remaining());
        context.record_syscall(N::NAME, charged, nanos);
        result.map_err(|error| Box::new(error) as Box<dyn std::error::Error>)
    }

    #[cfg(all(target_arch = "x86_64", not(target_os = "windows")))]
    fn codegen(jit: &mut solana_sbpf::program::JitCompiler<VmContext>) {
        match S::JIT_INLINE {
            Some(JitInline::StackHeight) if N::NAME == crate::context::STACK_HEIGHT_SYSCALL => {
                crate::jit_inline::emit_stack_height(jit, Self::vm)
            }
            _ => jit.emit_external_call(Self::vm),
        }
    }
}

/// A syscall that does nothing and records nothing: returns 0, charges nothing, touches no
/// memory ([`SyscallRegistry::register_stub`]).
struct Stub;

impl BuiltinFunctionDefinition<VmContext> for Stub {
    type Error = Box<dyn std::error::Error>;

    fn rust(_: &mut VmContext, _: u64, _: u64, _: u64, _: u64, _: u64) -> Result<u64, Self::Error> {
        Ok(0)
    }
}

/// Declares a zero-sized type naming a syscall, for [`SyscallRegistry::register`].
#[macro_export]
macro_rules! syscall_name {
    ($vis:vis $type_name:ident = $name:literal) => {
        $vis struct $type_name;
        impl $crate::environment::SyscallName for $type_name {
            const NAME: &'static str = $name;
        }
    };
}

/// How sbfvm provides an imported syscall.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyscallSupport {
    /// Registered, and calling it runs an implementation (sbfvm's, an embedder's, or a
    /// stub's).
    Implemented,
    /// Registered, but calling it fails loudly: sbfvm does not implement it.
    NotImplemented,
    /// Registered as a stub because its feature gate is off.
    NotEnabled,
}

/// Collects syscalls while an environment is built.
pub struct SyscallRegistry {
    loader: BuiltinProgram<VmContext>,
    support: BTreeMap<&'static str, SyscallSupport>,
    embedder: BTreeSet<&'static str>,
}

impl SyscallRegistry {
    /// Registers `S` under `N::NAME`. Fails if the name (or another name with the same
    /// murmur3 key) is already registered to a different syscall.
    pub fn register<S: Syscall, N: SyscallName>(
        &mut self,
        support: SyscallSupport,
    ) -> Result<(), LoadError> {
        self.register_definition::<Registered<S, N>>(N::NAME, support)
    }

    /// Registers under `name` a stub that returns 0, charges nothing and records nothing
    /// (an environment where every name resolves but no syscall runs, as in Firedancer's
    /// `vm_interp` fixtures). Fails as [`SyscallRegistry::register`] does.
    pub fn register_stub(&mut self, name: &'static str) -> Result<(), LoadError> {
        self.register_definition::<Stub>(name, SyscallSupport::Implemented)
    }

    fn register_definition<D: BuiltinFunctionDefinition<VmContext>>(
        &mut self,
        name: &'static str,
        support: SyscallSupport,
    ) -> Result<(), LoadError> {
        self.loader
            .register_definition::<D>(name)
            .map_err(|error| LoadError::Registration(format!("{name}: {error}")))?;
        self.support.insert(name, support);
        Ok(())
    }

    /// Registers an embedder's syscall `S` under `N::NAME`, replacing whatever is registered
    /// under that name (a built-in syscall, a not-implemented stub, or an earlier embedder
    /// syscall). Returns how the replaced syscall was provided, `None` if the name was free
    /// (including a name the feature set leaves unregistered, such as `sol_blake3` on
    /// mainnet). The syscall is reported as [`SyscallSupport::Implemented`] and
    /// [`ProgramEnvironment::is_embedder_syscall`]; its calls and compute units are
    /// recorded under `N::NAME` like a built-in's.
    ///
    /// Fails only if a *different* registered name has the same murmur3 key (programs
    /// import syscalls by that key, so the two could not be told apart).
    pub fn register_embedder<S: Syscall, N: SyscallName>(
        &mut self,
    ) -> Result<Option<SyscallSupport>, LoadError> {
        let replaced = self.support.get(N::NAME).copied();
        if self.is_registered(N::NAME) {
            self.loader.unregister_function(N::NAME);
        }
        self.register::<S, N>(SyscallSupport::Implemented)
            .map_err(|error| {
                LoadError::Registration(format!(
                    "{error} (the murmur3 key of `{}` is already taken by another syscall)",
                    N::NAME
                ))
            })?;
        self.embedder.insert(N::NAME);
        Ok(replaced)
    }

    /// Whether a syscall is registered under exactly `name`.
    pub fn is_registered(&self, name: &str) -> bool {
        self.loader
            .get_function_registry()
            .lookup_by_name(name.as_bytes())
            .is_some()
    }

    /// How `name` is provided so far, `None` when it is not registered.
    pub fn support(&self, name: &str) -> Option<SyscallSupport> {
        self.support.get(name).copied()
    }
}

/// Settings that shape the environment, derived from the feature set and budget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvironmentOptions {
    /// Deepest BPF-to-BPF call nesting allowed (the budget's `max_call_depth`).
    pub max_call_depth: usize,
    /// Bytes of stack per call frame (the budget's `stack_frame_size`).
    pub stack_frame_size: usize,
    /// Oldest SBPF version a program may have.
    pub min_sbpf_version: SbpfVersion,
    /// Newest SBPF version a program may have.
    pub max_sbpf_version: SbpfVersion,
    /// SIMD-0460: unaligned mapping and no stack gaps (inactive on mainnet).
    pub virtual_address_space_adjustments: bool,
    /// Strict ELF checks, as at deployment.
    pub reject_broken_elfs: bool,
}

/// SBPF versions, mirrored so the runtime's callers need not name solana-sbpf.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SbpfVersion {
    /// The legacy format, that of every program deployed before SBPF versions existed
    /// (`e_flags` 0).
    V0,
    /// SBPF v1 (SIMD-0166).
    V1,
    /// SBPF v2 (SIMD-0173, SIMD-0174).
    V2,
    /// SBPF v3 (SIMD-0178, SIMD-0189, SIMD-0377).
    V3,
    /// SBPF v4 (SIMD-0177).
    V4,
}

impl SbpfVersion {
    pub(crate) fn to_sbpf(self) -> SBPFVersion {
        match self {
            SbpfVersion::V0 => SBPFVersion::V0,
            SbpfVersion::V1 => SBPFVersion::V1,
            SbpfVersion::V2 => SBPFVersion::V2,
            SbpfVersion::V3 => SBPFVersion::V3,
            SbpfVersion::V4 => SBPFVersion::V4,
        }
    }

    pub(crate) fn from_sbpf(version: SBPFVersion) -> Option<Self> {
        Some(match version {
            SBPFVersion::V0 => SbpfVersion::V0,
            SBPFVersion::V1 => SbpfVersion::V1,
            SBPFVersion::V2 => SbpfVersion::V2,
            SBPFVersion::V3 => SbpfVersion::V3,
            SBPFVersion::V4 => SbpfVersion::V4,
            SBPFVersion::Reserved => return None,
        })
    }

    /// The version numbered `index` (0 to 4), `None` for any other number.
    pub fn from_index(index: u8) -> Option<Self> {
        Some(match index {
            0 => SbpfVersion::V0,
            1 => SbpfVersion::V1,
            2 => SbpfVersion::V2,
            3 => SbpfVersion::V3,
            4 => SbpfVersion::V4,
            _ => return None,
        })
    }
}

impl std::fmt::Display for SbpfVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "v{}", *self as u8)
    }
}

impl EnvironmentOptions {
    /// Agave's execution environment for a feature set and budget.
    pub fn for_execution(features: &FeatureSet, budget: &ComputeBudget) -> Self {
        let (min, max) = features.sbpf_version_range();
        Self {
            max_call_depth: budget.max_call_depth,
            stack_frame_size: budget.stack_frame_size,
            min_sbpf_version: SbpfVersion::from_index(min).unwrap_or(SbpfVersion::V0),
            max_sbpf_version: SbpfVersion::from_index(max).unwrap_or(SbpfVersion::V3),
            virtual_address_space_adjustments: features.virtual_address_space_adjustments(),
            reject_broken_elfs: false,
        }
    }

    fn config(&self) -> Config {
        Config {
            max_call_depth: self.max_call_depth,
            stack_frame_size: self.stack_frame_size,
            enable_address_translation: true,
            enable_stack_frame_gaps: !self.virtual_address_space_adjustments,
            instruction_meter_checkpoint_distance: 10_000,
            enable_instruction_meter: true,
            enable_symbol_and_section_labels: false,
            reject_broken_elfs: self.reject_broken_elfs,
            noop_instruction_rate: 256,
            sanitize_user_provided_values: true,
            enabled_sbpf_versions: self.min_sbpf_version.to_sbpf()
                ..=self.max_sbpf_version.to_sbpf(),
            optimize_rodata: false,
            aligned_memory_mapping: !self.virtual_address_space_adjustments,
        }
    }
}

/// A loader with its syscalls: everything needed to load and run programs.
pub struct ProgramEnvironment {
    pub(crate) loader: Arc<BuiltinProgram<VmContext>>,
    support: BTreeMap<&'static str, SyscallSupport>,
    /// Names registered with [`SyscallRegistry::register_embedder`].
    embedder: BTreeSet<&'static str>,
    options: EnvironmentOptions,
}

impl ProgramEnvironment {
    /// Builds an environment from `options` with the syscalls `register` adds; fails as
    /// `register` does.
    pub fn new(
        options: EnvironmentOptions,
        register: impl FnOnce(&mut SyscallRegistry) -> Result<(), LoadError>,
    ) -> Result<Self, LoadError> {
        let mut registry = SyscallRegistry {
            loader: BuiltinProgram::new_loader(options.config()),
            support: BTreeMap::new(),
            embedder: BTreeSet::new(),
        };
        register(&mut registry)?;
        Ok(Self {
            loader: Arc::new(registry.loader),
            support: registry.support,
            embedder: registry.embedder,
            options,
        })
    }

    /// The options the environment was built with.
    pub fn options(&self) -> &EnvironmentOptions {
        &self.options
    }

    /// The solana-sbpf loader behind this environment: its VM configuration and syscall
    /// registry. For harnesses that drive solana-sbpf themselves (the `sbfvm-test-support`
    /// crate runs raw program text and calls syscalls directly); the product loads and runs
    /// programs through [`SbfExecutor`](crate::SbfExecutor) and never needs it.
    pub fn sbpf_loader(&self) -> &Arc<BuiltinProgram<VmContext>> {
        &self.loader
    }

    /// Agave's `morph_into_deployment_environment`: the same syscalls (embedder syscalls
    /// included) except `sol_alloc_free_` (never registered for deployment), strict ELF checks
    /// (`reject_broken_elfs`), and the SBPF versions `min..=max` (the deployment range of
    /// the feature set, `FeatureSet::sbpf_deployment_version_range`).
    pub fn for_deployment(
        &self,
        min_sbpf_version: SbpfVersion,
        max_sbpf_version: SbpfVersion,
    ) -> Result<Self, LoadError> {
        const ALLOC_FREE: &[u8] = b"sol_alloc_free_";
        let options = EnvironmentOptions {
            min_sbpf_version,
            max_sbpf_version,
            reject_broken_elfs: true,
            ..self.options.clone()
        };
        let mut loader = BuiltinProgram::new_loader(options.config());
        for (_key, (name, entry)) in self.loader.get_function_registry().iter() {
            if name == ALLOC_FREE {
                continue;
            }
            let name = std::str::from_utf8(name)
                .map_err(|error| LoadError::Registration(error.to_string()))?;
            loader
                .register_function(name, entry)
                .map_err(|error| LoadError::Registration(format!("{name}: {error}")))?;
        }
        let mut support = self.support.clone();
        support.remove("sol_alloc_free_");
        let mut embedder = self.embedder.clone();
        embedder.remove("sol_alloc_free_");
        Ok(Self {
            loader: Arc::new(loader),
            support,
            embedder,
            options,
        })
    }

    /// How a syscall name is provided, `None` when it is not registered at all.
    pub fn syscall_support(&self, name: &str) -> Option<SyscallSupport> {
        self.support.get(name).copied()
    }

    /// Whether `name` was registered by the embedder
    /// ([`SyscallRegistry::register_embedder`]), replacing or adding to sbfvm's syscalls.
    pub fn is_embedder_syscall(&self, name: &str) -> bool {
        self.embedder.contains(name)
    }

    /// The names registered by the embedder, sorted.
    pub fn embedder_syscalls(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.embedder.iter().copied()
    }

    /// Every registered syscall name with how it is provided, sorted by name.
    pub fn registered_syscalls(&self) -> impl Iterator<Item = (&'static str, SyscallSupport)> + '_ {
        self.support.iter().map(|(name, support)| (*name, *support))
    }
}

impl std::fmt::Debug for ProgramEnvironment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let syscalls = self.support.len();
        f.debug_struct("ProgramEnvironment")
            .field("options", &self.options)
            .field("syscalls", &syscalls)
            .finish()
    }
}
