//! Shared code of the sbfvm fuzz targets: a forgiving byte reader (and the writer the seed
//! exporter uses to produce inputs in the same format), feature sets, invoke contexts, and
//! the structured inputs the syscall, CPI, program-execution and precompile targets decode.
//!
//! Every decoder accepts any byte string: a field past the end of the input reads as zero,
//! so libFuzzer never wastes an execution on a rejected input.

#![allow(clippy::too_many_arguments)]

pub mod cpi;
pub mod precompile;
pub mod program;
pub mod scenario;
pub mod syscall;
pub mod transaction;

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use sbfvm_runtime::features::ids;
use sbfvm_runtime::{
    Account, Builtin, ComputeBudget, ExecutionFailure, FeatureSet, InvokeContext, ProgramExecutor,
    Pubkey, RentParams, Sysvars, TransactionContext,
};
use sbfvm_test_support::{invoke_syscall, FrameSetup, HarnessMemory, SyscallOutcome};
use sbfvm_vm::ProgramEnvironment;

/// Whether `SBFVM_FUZZ_DEBUG` is set: targets then print a line per execution (for checking
/// which paths a corpus reaches, e.g. with `-runs=0` over a corpus directory).
pub fn debug() -> bool {
    thread_local! {
        static DEBUG: bool = std::env::var_os("SBFVM_FUZZ_DEBUG").is_some();
    }
    DEBUG.with(|debug| *debug)
}

/// Reads fields from fuzz input; past the end every field is zero / empty.
pub struct Reader<'a> {
    data: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Self { data }
    }

    pub fn take(&mut self, n: usize) -> &'a [u8] {
        let n = n.min(self.data.len());
        let (head, tail) = self.data.split_at(n);
        self.data = tail;
        head
    }

    fn fixed<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        let bytes = self.take(N);
        out[..bytes.len()].copy_from_slice(bytes);
        out
    }

    pub fn u8(&mut self) -> u8 {
        self.fixed::<1>()[0]
    }

    pub fn bool(&mut self) -> bool {
        self.u8() & 1 == 1
    }

    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes(self.fixed())
    }

    pub fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.fixed())
    }

    pub fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.fixed())
    }

    /// A byte string with a u8 length prefix.
    pub fn bytes8(&mut self) -> &'a [u8] {
        let len = self.u8() as usize;
        self.take(len)
    }

    /// A byte string with a u16 length prefix, at most `max` bytes.
    pub fn bytes16(&mut self, max: usize) -> &'a [u8] {
        let len = (self.u16() as usize).min(max);
        self.take(len)
    }

    pub fn rest(&mut self) -> &'a [u8] {
        let rest = self.data;
        self.data = &[];
        rest
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
}

/// Builds inputs in the [`Reader`] format (used by the seed exporter).
#[derive(Default)]
pub struct Writer {
    pub out: Vec<u8>,
}

impl Writer {
    pub fn u8(&mut self, v: u8) -> &mut Self {
        self.out.push(v);
        self
    }
    pub fn u16(&mut self, v: u16) -> &mut Self {
        self.out.extend_from_slice(&v.to_le_bytes());
        self
    }
    pub fn u32(&mut self, v: u32) -> &mut Self {
        self.out.extend_from_slice(&v.to_le_bytes());
        self
    }
    pub fn u64(&mut self, v: u64) -> &mut Self {
        self.out.extend_from_slice(&v.to_le_bytes());
        self
    }
    pub fn raw(&mut self, bytes: &[u8]) -> &mut Self {
        self.out.extend_from_slice(bytes);
        self
    }
    pub fn bytes8(&mut self, bytes: &[u8]) -> &mut Self {
        let len = bytes.len().min(u8::MAX as usize);
        self.u8(len as u8).raw(&bytes[..len])
    }
    pub fn bytes16(&mut self, bytes: &[u8]) -> &mut Self {
        let len = bytes.len().min(u16::MAX as usize);
        self.u16(len as u16).raw(&bytes[..len])
    }
}

// ---- features ----

/// Feature toggles a fuzz input selects with one byte (mainnet, then each bit flips one of
/// the gates that change syscall and CPI behaviour). Bit 7 starts from no features at all.
pub fn features(toggles: u8) -> FeatureSet {
    let mut set = if toggles & 0x80 != 0 {
        FeatureSet::none()
    } else {
        FeatureSet::mainnet()
    };
    let mut flip = |bit: u8, id: Pubkey| {
        if toggles & bit != 0 {
            if set.is_active(&id) {
                set.deactivate(&id);
            } else {
                set.activate(id);
            }
        }
    };
    flip(0x01, ids::SYSCALL_PARAMETER_ADDRESS_RESTRICTIONS);
    flip(0x02, ids::VIRTUAL_ADDRESS_SPACE_ADJUSTMENTS);
    flip(0x04, ids::BPF_ACCOUNT_DATA_DIRECT_MAPPING);
    flip(0x08, ids::INCREASE_CPI_ACCOUNT_INFO_LIMIT);
    flip(0x10, ids::LOOSEN_CPI_SIZE_RESTRICTION);
    flip(0x20, ids::REMOVE_ACCOUNTS_EXECUTABLE_FLAG_CHECKS);
    flip(0x40, ids::ACCOUNT_DATA_DIRECT_MAPPING);
    set
}

thread_local! {
    static ENVIRONMENTS: RefCell<HashMap<(u8, bool), Rc<ProgramEnvironment>>> =
        RefCell::new(HashMap::new());
}

/// The execution environment (every syscall, feature-gated) for `toggles`, cached. With
/// `stubs`, every Agave syscall name is a stub that returns 0 (Firedancer's vm_interp).
pub fn environment(toggles: u8, stubs: bool) -> Rc<ProgramEnvironment> {
    ENVIRONMENTS.with(|cache| {
        Rc::clone(
            cache
                .borrow_mut()
                .entry((toggles, stubs))
                .or_insert_with(|| {
                    let features = features(toggles);
                    let budget = ComputeBudget::default();
                    let environment = if stubs {
                        let mut options =
                            sbfvm_vm::EnvironmentOptions::for_execution(&features, &budget);
                        options.min_sbpf_version = sbfvm_vm::SbpfVersion::V0;
                        options.max_sbpf_version = sbfvm_vm::SbpfVersion::V0;
                        sbfvm_test_support::stub_syscall_environment(
                            options,
                            &sbfvm_syscalls::SYSCALL_NAMES,
                        )
                    } else {
                        let mut options =
                            sbfvm_vm::EnvironmentOptions::for_execution(&features, &budget);
                        // The harness runs SBPF v0 text.
                        options.min_sbpf_version = sbfvm_vm::SbpfVersion::V0;
                        ProgramEnvironment::new(options, |registry| {
                            sbfvm_syscalls::register_syscalls(registry, &features)
                        })
                    };
                    Rc::new(environment.expect("the fuzz environment builds"))
                }),
        )
    })
}

/// Registered syscall names of an environment, sorted.
pub fn syscall_names(environment: &ProgramEnvironment) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = environment
        .registered_syscalls()
        .map(|(name, _)| name)
        .collect();
    names.sort_unstable();
    names
}

// ---- accounts and invoke contexts ----

pub fn key(n: u8) -> Pubkey {
    Pubkey::new_from_array([n; 32])
}

/// The program the fuzzed frame runs as.
pub fn caller_id() -> Pubkey {
    key(0xA0)
}

/// The builtin callee of CPIs (its behaviour comes from the fuzz input).
pub fn stub_id() -> Pubkey {
    key(0xB0)
}

/// An owner that is neither the caller nor the stub.
pub fn other_id() -> Pubkey {
    key(0xEE)
}

/// An executor for contexts that never run an SBF program.
pub struct NoPrograms;
impl ProgramExecutor for NoPrograms {
    fn execute(&self, _: &mut InvokeContext) -> Result<(), ExecutionFailure> {
        Err(ExecutionFailure::program_failed(
            "the fuzz harness runs no SBF program",
        ))
    }
}

thread_local! {
    /// What the stub builtin does when invoked (ops of [`stub_entry`]).
    pub static STUB_OPS: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// The stub callee: runs the ops of [`STUB_OPS`] on its accounts, stopping at the first
/// error. Each op is 4 bytes: kind, account a, account b, argument.
pub fn stub_entry(
    invoke_context: &mut InvokeContext,
) -> Result<(), sbfvm_runtime::InstructionError> {
    use sbfvm_runtime::InstructionError;
    invoke_context.consume_checked(10)?;
    let ops = STUB_OPS.with(|ops| ops.borrow().clone());
    let count = invoke_context
        .transaction_context
        .current_frame()?
        .accounts
        .len();
    for op in ops.chunks_exact(4) {
        if count == 0 {
            break;
        }
        let a = op[1] as usize % count;
        let b = op[2] as usize % count;
        let arg = op[3];
        let context = &invoke_context.transaction_context;
        match op[0] % 8 {
            0 => {
                // Move lamports a -> b (balanced when a != b).
                let amount = u64::from(arg) * 97;
                if a == b {
                    continue;
                }
                {
                    let mut from = context.borrow_current_account(a)?;
                    from.checked_sub_lamports(amount)?;
                }
                let mut to = context.borrow_current_account(b)?;
                to.checked_add_lamports(amount)?;
            }
            1 => {
                let mut account = context.borrow_current_account(a)?;
                let len = account.data().len();
                let new_len = match arg % 4 {
                    0 => len.saturating_add(usize::from(arg) * 8),
                    1 => len.saturating_sub(usize::from(arg)),
                    2 => len + 10 * 1024 + usize::from(arg % 3),
                    _ => usize::from(arg) * 40,
                };
                account.set_data_length(new_len)?;
            }
            2 => {
                let mut account = context.borrow_current_account(a)?;
                let data = account.data_mut()?;
                if !data.is_empty() {
                    let index = usize::from(arg) % data.len();
                    data[index] ^= 0x5A;
                }
            }
            3 => {
                let owner = match arg % 4 {
                    0 => caller_id(),
                    1 => stub_id(),
                    2 => other_id(),
                    _ => solana_sdk_ids::system_program::id(),
                };
                context.borrow_current_account(a)?.set_owner(&owner)?;
            }
            4 => return Err(InstructionError::Custom(u32::from(arg))),
            5 => {
                let program_id = context.current_program_id()?;
                invoke_context
                    .transaction_context
                    .set_return_data(program_id, vec![arg; usize::from(arg) * 5]);
            }
            6 => {
                // Unbalanced: mint lamports (the runtime must reject it).
                context
                    .borrow_current_account(a)?
                    .checked_add_lamports(u64::from(arg) + 1)?;
            }
            _ => {
                let mut account = context.borrow_current_account(a)?;
                account.set_executable(arg & 1 == 1)?;
            }
        }
    }
    Ok(())
}

/// The builtins of fuzzed invoke contexts: the stub and the System program.
pub fn builtins() -> Rc<[Builtin]> {
    let stub = Builtin::new(stub_id(), "stub", |ic| Ok(stub_entry(ic)?));
    sbfvm_runtime::builtins::BUILTINS
        .iter()
        .copied()
        .chain([stub])
        .collect()
}

pub fn invoke_context(
    accounts: Vec<(Pubkey, Account)>,
    features: FeatureSet,
    compute_unit_limit: u64,
) -> InvokeContext {
    let budget = ComputeBudget {
        compute_unit_limit,
        ..ComputeBudget::default()
    };
    let transaction_context = TransactionContext::new(accounts, RentParams::default(), 5, 64);
    InvokeContext::new(
        transaction_context,
        budget,
        Rc::new(features),
        Rc::new(Sysvars::default()),
        Rc::new(NoPrograms),
        builtins(),
    )
}

pub fn account(lamports: u64, data: Vec<u8>, owner: Pubkey, executable: bool) -> Account {
    Account {
        lamports,
        data,
        owner,
        executable,
        rent_epoch: 0,
    }
}

/// Sum of the lamports of every transaction account.
pub fn total_lamports(invoke_context: &InvokeContext) -> u128 {
    invoke_context
        .transaction_context
        .accounts_snapshot()
        .iter()
        .map(|(_, account)| u128::from(sbfvm_runtime::ReadableAccount::lamports(account)))
        .sum()
}

/// The read-only guest memory of a run as it was mapped: the read-only region and every
/// read-only input region. No run may change it.
pub struct ReadOnlyMemory {
    rodata: Vec<u8>,
    /// Per input region: its bytes when it is read-only, `None` when it is writable.
    input: Vec<Option<Vec<u8>>>,
}

impl ReadOnlyMemory {
    pub fn of(memory: &HarnessMemory) -> Self {
        Self {
            rodata: memory.rodata().to_vec(),
            input: memory
                .input_regions()
                .iter()
                .map(|view| (!view.writable).then(|| view.content.to_vec()))
                .collect(),
        }
    }

    pub fn assert_unchanged(&self, memory: &HarnessMemory) {
        assert_eq!(
            memory.rodata(),
            self.rodata,
            "the read-only region was written"
        );
        let views = memory.input_regions();
        assert_eq!(views.len(), self.input.len());
        for (view, before) in views.iter().zip(&self.input) {
            if let Some(before) = before {
                assert_eq!(
                    view.content,
                    &before[..],
                    "a read-only input region was written"
                );
            }
        }
    }
}

/// Whether the syscall `name` is a CPI (`sol_invoke_signed_c` or `sol_invoke_signed_rust`).
pub fn is_cpi(name: &str) -> bool {
    name.starts_with("sol_invoke_signed")
}

/// A direct syscall call of the `syscall` and `cpi` targets: the guest memory and the invoke
/// context it runs on, the frame it runs as, and its registers (r1..r5 the arguments).
pub struct DirectCall {
    pub memory: HarnessMemory,
    pub invoke_context: InvokeContext,
    pub frame: FrameSetup,
    pub registers: [u64; 11],
}

impl DirectCall {
    /// Calls the syscall `name` of `environment` as [`invoke_syscall`] does and checks what
    /// every direct call keeps: the meter never grows and read-only memory stays as it was;
    /// after a CPI that returns, lamports are conserved and only the caller's frame is left.
    /// `None` when the memory cannot be mapped (several input regions under the aligned
    /// mapping).
    pub fn run_checked(
        &mut self,
        environment: &ProgramEnvironment,
        name: &str,
    ) -> Option<SyscallOutcome> {
        let Self {
            memory,
            invoke_context,
            frame,
            registers,
        } = self;
        let read_only = ReadOnlyMemory::of(memory);
        let initial = invoke_context.remaining();
        let before_lamports = total_lamports(invoke_context);
        let outcome =
            invoke_syscall(environment, name, memory, invoke_context, frame, *registers).ok()?;
        assert!(
            invoke_context.remaining() <= initial,
            "{name}: the meter grew"
        );
        read_only.assert_unchanged(memory);
        if is_cpi(name) && matches!(outcome, SyscallOutcome::Returned(_)) {
            assert_eq!(
                total_lamports(invoke_context),
                before_lamports,
                "{name}: lamports not conserved by a successful CPI"
            );
            assert_eq!(invoke_context.transaction_context.stack_height(), 1);
        }
        Some(outcome)
    }
}
