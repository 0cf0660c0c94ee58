//! Benchmarks: what loading a program, executing SBF code, a syscall and a CPI cost. The
//! scenarios, the checks of their results and the timing of one batch are defined once,
//! here, and shared by `sbfvm bench` (a plain timing loop, Markdown or JSON out) and the
//! criterion benches of the `sbfvm-benches` package (`cargo bench`).
//!
//! Groups, one per phase, with their inputs from `fixtures/`:
//! - `load`: ELF parse + relocation + verification (+ JIT) of a small program (`log.so`) and
//!   a large one (`bench_large.so`, about 130 KB), deploying the same ELF again, and the
//!   program-cache lookup that every execution does;
//! - `execute`: SBF instruction throughput (`compute.so`, op mode 0), interpreter and JIT,
//!   the fixed cost of one top-level instruction of a trivial program, and one
//!   TransferChecked of the SPL-Token-shaped `token_shaped.so` (143 KB, `bpf_loader`);
//! - `syscall`: one call of each syscall family (`bench_syscalls.so`), net of the same loop
//!   without the call, with the price the syscall charged;
//! - `cpi`: one CPI round trip into a no-op callee (`bench_cpi.so` → `cpi_callee.so`) with
//!   0, 2 and 16 accounts of 165 bytes, 2 of 10 KiB, from stack height 1 and 4, a System
//!   transfer, and one ATA Create of `ata_shaped.so` driving `token_shaped.so` (4 CPIs, a
//!   PDA signer, both under `bpf_loader`).
//!
//! Every scenario is checked after it is timed (result, return data, compute units, the
//! number of syscalls or CPIs performed), so a fast path that broke cannot look fast.
//! Workloads that loop inside the program also run a baseline instruction (the same loop
//! without the operation, or the same instruction with N = 0) whose time is subtracted.
//! The token-shaped workloads change the accounts they run on, so before every run the
//! accounts they pass writable are put back (outside the timed span), as `sbfvm bench
//! FILE.toml` does: each run starts from the same state and must charge the same compute
//! units.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use solana_instruction::AccountMeta;

use sbfvm::{
    Account, AccountSharedData, Config, ExecutionMode, Instruction, Loader, Outcome, Pubkey,
    ReadableAccount, Sbfvm,
};

use crate::state::{restore, snapshot};

/// A benchmark group: one phase of running a program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Group {
    /// Loading a program: ELF parse, relocation, verification (and JIT), redeployment and
    /// the program-cache lookup.
    Load,
    /// Executing SBF code: instruction throughput and the fixed cost of a top-level
    /// instruction.
    Execute,
    /// One call of each syscall family, net of the loop around it.
    Syscall,
    /// One CPI round trip into a no-op callee, and a System transfer.
    Cpi,
}

impl Group {
    /// Every group, in report order.
    pub const ALL: [Group; 4] = [Group::Load, Group::Execute, Group::Syscall, Group::Cpi];

    /// The group's name: the prefix of its scenarios' names and the `--bench` target.
    pub fn name(self) -> &'static str {
        match self {
            Group::Load => "load",
            Group::Execute => "execute",
            Group::Syscall => "syscall",
            Group::Cpi => "cpi",
        }
    }

    /// The group named `text` ([`Group::name`]); `None` for any other text.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|group| group.name() == text)
    }
}

/// The time of one batch of operations.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// Operations the batch performed.
    pub ops: u64,
    /// Wall time of everything run, baseline included.
    pub gross: Duration,
    /// Nanoseconds of the operations alone: `gross` minus the baseline's time. Can come
    /// out slightly negative for an operation lost in the noise.
    pub net_ns: f64,
}

impl Sample {
    /// Net nanoseconds per operation.
    pub fn ns_per_op(&self) -> f64 {
        self.net_ns / self.ops.max(1) as f64
    }

    /// The net time scaled to exactly `ops` operations (for criterion's `iter_custom`).
    pub fn duration_for(&self, ops: u64) -> Duration {
        Duration::from_secs_f64((self.ns_per_op() * ops as f64).max(0.0) / 1e9)
    }
}

/// What the check after timing found.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Checked {
    /// Compute units per operation (net of the baseline), where operations are metered.
    pub cu_per_op: Option<f64>,
    /// The compute units the syscall itself charged per call (syscall group).
    pub cu_price: Option<u64>,
}

/// A scenario set up and ready to be timed.
pub trait Workload {
    /// Runs at least `ops` operations (whole instructions, so possibly more) and times them.
    fn run(&mut self, ops: u64) -> Sample;
    /// Checks that the operation still does what it should.
    fn check(&mut self) -> Result<Checked, String>;
    /// Where a CPI's time goes, per CPI, from runs with phase profiling on (CPI workloads).
    fn cpi_breakdown(&mut self, _instructions: u64) -> Option<CpiBreakdown> {
        None
    }
    /// Where a signed transaction's time goes, from `transactions` profiled runs; `None`
    /// for workloads that send no signed transactions.
    fn transaction_breakdown(&mut self, _transactions: u64) -> Option<TransactionBreakdown> {
        None
    }
}

/// Where a signed transaction's time goes, in ns per transaction (profiled runs,
/// `sbfvm_runtime::transaction::TransactionStageTimes`).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TransactionBreakdown {
    /// Sanitizing the message and signatures.
    pub sanitize: f64,
    /// ed25519 verification.
    pub verify: f64,
    /// Lookup tables, locks, blockhash, Compute Budget instructions, status, fee payer.
    pub check: f64,
    /// Loading the accounts.
    pub load: f64,
    /// Running the instructions.
    pub execute: f64,
    /// Committing the results.
    pub commit: f64,
}

impl TransactionBreakdown {
    /// The sum of the stages, in ns per transaction.
    pub fn total(&self) -> f64 {
        self.sanitize + self.verify + self.check + self.load + self.execute + self.commit
    }
}

/// Mean wall time per CPI of each phase (see `sbfvm_runtime::PhaseTimes`), in ns.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CpiBreakdown {
    /// Charging and translating the instruction, signers, privileges and account infos.
    pub translate: f64,
    /// Writing the caller's pending account changes into the accounts.
    pub update_callee: f64,
    /// Serializing the callee's input.
    pub serialize: f64,
    /// Setting up the callee's memory regions, context and VM.
    pub vm_setup: f64,
    /// Running the callee's program.
    pub execute: f64,
    /// Applying the callee's input back to the accounts.
    pub deserialize: f64,
    /// Writing the callee's changes back into the caller's memory.
    pub update_caller: f64,
    /// CPIs the profiled runs made.
    pub cpis: u64,
}

impl CpiBreakdown {
    /// The sum of the phases, in ns per CPI.
    pub fn total(&self) -> f64 {
        self.translate
            + self.update_callee
            + self.serialize
            + self.vm_setup
            + self.execute
            + self.deserialize
            + self.update_caller
    }
}

type Setup = Box<dyn Fn() -> Result<Box<dyn Workload>, String>>;

/// One benchmark.
pub struct Benchmark {
    /// The group the scenario belongs to.
    pub group: Group,
    /// The scenario's name, `group/scenario` (`cpi/noop_2x165B`).
    pub name: String,
    /// What one operation is (`load`, `instruction`, `SBF insn`, `call`, `CPI`, `lookup`).
    pub unit: &'static str,
    /// One line on what the scenario times.
    pub description: &'static str,
    setup: Setup,
}

impl std::fmt::Debug for Benchmark {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Benchmark")
            .field("group", &self.group)
            .field("name", &self.name)
            .field("unit", &self.unit)
            .finish_non_exhaustive()
    }
}

impl Benchmark {
    fn new(
        group: Group,
        name: &str,
        unit: &'static str,
        description: &'static str,
        setup: impl Fn() -> Result<Box<dyn Workload>, String> + 'static,
    ) -> Self {
        Self {
            group,
            name: format!("{}/{name}", group.name()),
            unit,
            description,
            setup: Box::new(setup),
        }
    }

    /// Loads the programs and accounts, and runs the operation once (a scenario that does
    /// not work fails here, before any timing).
    pub fn setup(&self) -> Result<Box<dyn Workload>, String> {
        (self.setup)().map_err(|error| format!("{}: {error}", self.name))
    }

    /// Whether `filter` (a group name or a scenario-name prefix) selects this scenario.
    pub fn matches(&self, filter: &str) -> bool {
        self.group.name() == filter || self.name.starts_with(filter)
    }
}

// ---------------------------------------------------------------------------------------
// Fixtures and accounts.
// ---------------------------------------------------------------------------------------

/// The `fixtures/` directory of this repository.
pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures"))
}

fn fixture(name: &str) -> Result<Vec<u8>, String> {
    let path = fixtures_dir().join(name);
    std::fs::read(&path).map_err(|error| format!("{}: {error}", path.display()))
}

const fn key(byte: u8) -> Pubkey {
    Pubkey::new_from_array([byte; 32])
}

const SYSTEM_PROGRAM: Pubkey = key(0);
const CALLEE: Pubkey = key(0xC0);
const BENCH_CPI: Pubkey = key(0xC1);
const PROGRAM: Pubkey = key(0xB0);

/// The rent-exempt minimum under the default Rent: (128 + len) × 6,960.
fn rent_exempt(len: usize) -> u64 {
    (128 + len as u64) * 6_960
}

/// A non-executable account of `len` zero bytes (its `rent_epoch` is `u64::MAX`).
fn account(lamports: u64, owner: Pubkey, len: usize) -> Account {
    Account::new_with_data(lamports, vec![0; len], &owner)
}

/// Every run allows 1.4M CU, so the loops can be long enough to time.
fn vm(mode: ExecutionMode) -> Result<Sbfvm, String> {
    Sbfvm::new(Config {
        mode,
        compute_unit_limit: Some(1_400_000),
        ..Config::default()
    })
    .map_err(|error| error.to_string())
}

fn add_program(vm: &mut Sbfvm, id: Pubkey, name: &str) -> Result<(), String> {
    add_program_with(vm, id, Loader::Upgradeable, name)
}

fn add_program_with(vm: &mut Sbfvm, id: Pubkey, loader: Loader, name: &str) -> Result<(), String> {
    let loaded = vm
        .add_program(id, loader, &fixture(name)?)
        .map_err(|error| error.to_string())?;
    if !loaded.warnings.is_empty() {
        return Err(format!("{name}: {}", loaded.warnings.join("; ")));
    }
    Ok(())
}

fn mode_name(mode: ExecutionMode) -> &'static str {
    match mode {
        ExecutionMode::Interpreter => "interpreter",
        ExecutionMode::Jit => "jit",
    }
}

// ---------------------------------------------------------------------------------------
// Checks of one outcome.
// ---------------------------------------------------------------------------------------

fn expect_ok(outcome: &Outcome, what: &str) -> Result<(), String> {
    if outcome.is_ok() {
        return Ok(());
    }
    let logs = outcome.logs().join("\n  ");
    Err(format!(
        "{what}: result {} (expected ok)\n  {logs}",
        outcome.result_string()
    ))
}

fn expect_return_data(outcome: &Outcome, expected: Option<&[u8]>) -> Result<(), String> {
    let got = outcome.return_data().map(|(_, data)| data);
    if got == expected {
        return Ok(());
    }
    Err(format!(
        "return data {} (expected {})",
        got.map_or("none".into(), hex::encode),
        expected.map_or("none".into(), hex::encode)
    ))
}

/// Calls and compute units of the syscall `name`, summed over the invoke tree.
fn syscall_usage(outcome: &Outcome, name: &str) -> (u64, u64) {
    fn walk(invocations: &[sbfvm::Invocation], name: &str, total: &mut (u64, u64)) {
        for invocation in invocations {
            for (syscall, calls, units) in &invocation.syscalls {
                if *syscall == name {
                    total.0 += calls;
                    total.1 += units;
                }
            }
            walk(&invocation.invocations, name, total);
        }
    }
    let mut total = (0, 0);
    walk(&outcome.invocations, name, &mut total);
    total
}

/// Frames in the instruction trace (top level and CPIs), each checked to have succeeded.
fn frames_ok(outcome: &Outcome) -> Result<usize, String> {
    for (index, frame) in outcome.transaction.trace.iter().enumerate() {
        if let Some(frame_outcome) = &frame.outcome {
            if let Err(error) = &frame_outcome.result {
                return Err(format!("frame {index} failed: {error:?}"));
            }
        }
    }
    Ok(outcome.transaction.trace.len())
}

// ---------------------------------------------------------------------------------------
// Instruction workloads: an operation instruction and an optional baseline.
// ---------------------------------------------------------------------------------------

type Verify = Box<dyn Fn(&Outcome) -> Result<(), String>>;

/// An instruction a workload runs, and the check of its outcome.
struct CheckedInstruction {
    instruction: Instruction,
    verify: Verify,
    /// `operation` or `baseline`, for the messages.
    what: &'static str,
}

impl CheckedInstruction {
    fn operation(instruction: Instruction, verify: Verify) -> Self {
        Self {
            instruction,
            verify,
            what: "operation",
        }
    }

    fn baseline(instruction: Instruction, verify: Verify) -> Self {
        Self {
            instruction,
            verify,
            what: "baseline",
        }
    }

    /// Runs it once: it must succeed and pass its check.
    fn run(&self, vm: &mut Sbfvm) -> Result<Outcome, String> {
        let outcome = vm.process_instruction(&self.instruction);
        expect_ok(&outcome, self.what)?;
        (self.verify)(&outcome).map_err(|error| format!("{}: {error}", self.what))?;
        Ok(outcome)
    }

    /// [`CheckedInstruction::run`], which must also consume what the first run did.
    fn rerun(&self, vm: &mut Sbfvm, first_units: u64) -> Result<Outcome, String> {
        let outcome = self.run(vm)?;
        let units = outcome.compute_units_consumed();
        if units != first_units {
            return Err(format!(
                "{}: {units} CU (the first run consumed {first_units})",
                self.what
            ));
        }
        Ok(outcome)
    }
}

/// Runs `op` (which performs `per_instruction` operations) and `baseline` (the same without
/// the operations) in turn; the operation's time is the difference.
struct InstructionBench {
    vm: Sbfvm,
    op: CheckedInstruction,
    baseline: Option<CheckedInstruction>,
    per_instruction: u64,
    /// Compute units of the first runs, which every later run must match.
    op_units: u64,
    baseline_units: u64,
    /// The syscall whose price is reported.
    priced_syscall: Option<&'static str>,
}

impl InstructionBench {
    /// Runs `op` and `baseline` once each (both must pass their checks).
    fn new(
        mut vm: Sbfvm,
        op: CheckedInstruction,
        baseline: Option<CheckedInstruction>,
        per_instruction: u64,
        priced_syscall: Option<&'static str>,
    ) -> Result<Self, String> {
        let op_units = op.run(&mut vm)?.compute_units_consumed();
        let baseline_units = match &baseline {
            Some(baseline) => baseline.run(&mut vm)?.compute_units_consumed(),
            None => 0,
        };
        Ok(Self {
            vm,
            op,
            baseline,
            per_instruction,
            op_units,
            baseline_units,
            priced_syscall,
        })
    }

    /// The usual pair: `op` and `baseline`, each with its check.
    fn with_baseline(
        vm: Sbfvm,
        (op, verify_op): (Instruction, Verify),
        (baseline, verify_baseline): (Instruction, Verify),
        per_instruction: u64,
        priced_syscall: Option<&'static str>,
    ) -> Result<Self, String> {
        Self::new(
            vm,
            CheckedInstruction::operation(op, verify_op),
            Some(CheckedInstruction::baseline(baseline, verify_baseline)),
            per_instruction,
            priced_syscall,
        )
    }
}

/// Where a CPI's time goes, from `instructions` runs (each made by `run`) with the
/// runtime's phase profiling on; `None` when they made no CPI.
fn profile_cpis(
    vm: &mut Sbfvm,
    instructions: u64,
    mut run: impl FnMut(&mut Sbfvm) -> Outcome,
) -> Option<CpiBreakdown> {
    vm.runtime_mut().profile_phases = true;
    let mut sum = sbfvm_runtime::invoke_context::PhaseTimes::default();
    for _ in 0..instructions {
        let outcome = run(vm);
        if let Some(times) = outcome.transaction.phase_times {
            sum.cpi_translate += times.cpi_translate;
            sum.cpi_update_callee += times.cpi_update_callee;
            sum.cpi_update_caller += times.cpi_update_caller;
            sum.serialize += times.serialize;
            sum.vm_setup += times.vm_setup;
            sum.execute += times.execute;
            sum.deserialize += times.deserialize;
            sum.cpis += times.cpis;
        }
    }
    vm.runtime_mut().profile_phases = false;
    if sum.cpis == 0 {
        return None;
    }
    let per = |duration: Duration| duration.as_nanos() as f64 / sum.cpis as f64;
    Some(CpiBreakdown {
        translate: per(sum.cpi_translate),
        update_callee: per(sum.cpi_update_callee),
        serialize: per(sum.serialize),
        vm_setup: per(sum.vm_setup),
        execute: per(sum.execute),
        deserialize: per(sum.deserialize),
        update_caller: per(sum.cpi_update_caller),
        cpis: sum.cpis,
    })
}

impl Workload for InstructionBench {
    fn cpi_breakdown(&mut self, instructions: u64) -> Option<CpiBreakdown> {
        let op = &self.op.instruction;
        profile_cpis(&mut self.vm, instructions, |vm| vm.process_instruction(op))
    }

    fn run(&mut self, ops: u64) -> Sample {
        let reps = ops.div_ceil(self.per_instruction).max(1);
        let start = Instant::now();
        for _ in 0..reps {
            black_box(self.vm.process_instruction(black_box(&self.op.instruction)));
        }
        let op_time = start.elapsed();
        let mut baseline_time = Duration::ZERO;
        if let Some(baseline) = &self.baseline {
            let start = Instant::now();
            for _ in 0..reps {
                black_box(
                    self.vm
                        .process_instruction(black_box(&baseline.instruction)),
                );
            }
            baseline_time = start.elapsed();
        }
        Sample {
            ops: reps * self.per_instruction,
            gross: op_time + baseline_time,
            net_ns: op_time.as_nanos() as f64 - baseline_time.as_nanos() as f64,
        }
    }

    fn check(&mut self) -> Result<Checked, String> {
        let outcome = self.op.rerun(&mut self.vm, self.op_units)?;
        let mut cu_price = None;
        if let Some(name) = self.priced_syscall {
            let (calls, units) = syscall_usage(&outcome, name);
            cu_price = Some(units / calls.max(1));
        }
        if let Some(baseline) = &self.baseline {
            baseline.rerun(&mut self.vm, self.baseline_units)?;
        }
        let cu_per_op =
            Some((self.op_units as f64 - self.baseline_units as f64) / self.per_instruction as f64);
        Ok(Checked {
            cu_per_op,
            cu_price,
        })
    }
}

fn no_check() -> Verify {
    Box::new(|_| Ok(()))
}

/// One instruction that changes the accounts it runs on, timed from the same state every
/// run: the accounts it passes writable are put back before each run, outside the timed
/// span, so every run does the same work.
struct RestoringBench {
    vm: Sbfvm,
    op: CheckedInstruction,
    before: Vec<(Pubkey, Option<AccountSharedData>)>,
    /// Compute units of the first run, which every later run must match.
    units: u64,
}

impl RestoringBench {
    /// Runs `op` once (it must pass its check) and restores its accounts.
    fn new(mut vm: Sbfvm, op: CheckedInstruction) -> Result<Self, String> {
        let before = snapshot(&vm, &op.instruction);
        let units = op.run(&mut vm)?.compute_units_consumed();
        restore(&mut vm, &before);
        Ok(Self {
            vm,
            op,
            before,
            units,
        })
    }
}

impl Workload for RestoringBench {
    fn run(&mut self, ops: u64) -> Sample {
        let mut spent = Duration::ZERO;
        for _ in 0..ops {
            restore(&mut self.vm, &self.before);
            let start = Instant::now();
            black_box(self.vm.process_instruction(black_box(&self.op.instruction)));
            spent += start.elapsed();
        }
        Sample {
            ops,
            gross: spent,
            net_ns: spent.as_nanos() as f64,
        }
    }

    fn check(&mut self) -> Result<Checked, String> {
        restore(&mut self.vm, &self.before);
        self.op.rerun(&mut self.vm, self.units)?;
        restore(&mut self.vm, &self.before);
        Ok(Checked {
            cu_per_op: Some(self.units as f64),
            cu_price: None,
        })
    }

    fn cpi_breakdown(&mut self, instructions: u64) -> Option<CpiBreakdown> {
        let (op, before) = (&self.op.instruction, &self.before);
        let breakdown = profile_cpis(&mut self.vm, instructions, |vm| {
            restore(vm, before);
            vm.process_instruction(op)
        });
        restore(&mut self.vm, &self.before);
        breakdown
    }
}

// ---------------------------------------------------------------------------------------
// load
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LoadKind {
    /// `SbfExecutor::load_program`: parse, relocate, verify, JIT (in JIT mode), cache.
    Load,
    /// `Sbfvm::add_program` of the ELF already deployed under the same id.
    AddAgain,
    /// The program-cache lookup an execution does first.
    Lookup,
}

struct LoadBench {
    vm: Sbfvm,
    elf: Vec<u8>,
    kind: LoadKind,
    program: Instruction,
    verify: Verify,
}

impl LoadBench {
    fn new(
        mode: ExecutionMode,
        name: &str,
        kind: LoadKind,
        program: Instruction,
        verify: Verify,
    ) -> Result<Self, String> {
        let elf = fixture(name)?;
        let mut vm = vm(mode)?;
        add_program(&mut vm, program.program_id, name)?;
        let mut bench = Self {
            vm,
            elf,
            kind,
            program,
            verify,
        };
        bench.check()?;
        Ok(bench)
    }
}

impl Workload for LoadBench {
    fn run(&mut self, ops: u64) -> Sample {
        let id = self.program.program_id;
        let loader = Loader::Upgradeable.id();
        let start = Instant::now();
        for _ in 0..ops {
            match self.kind {
                LoadKind::Load => {
                    // Evicted first: identical bytes would otherwise be a cache hit.
                    self.vm.executor().evict(&id);
                    let loaded = self.vm.executor().load_program(&id, &loader, &self.elf);
                    black_box(loaded).expect("the program loaded before");
                }
                LoadKind::AddAgain => {
                    let loaded = self.vm.add_program(id, Loader::Upgradeable, &self.elf);
                    black_box(loaded).expect("the program loaded before");
                }
                LoadKind::Lookup => {
                    black_box(self.vm.executor().loaded_program(black_box(&id)));
                }
            }
        }
        let elapsed = start.elapsed();
        Sample {
            ops,
            gross: elapsed,
            net_ns: elapsed.as_nanos() as f64,
        }
    }

    fn check(&mut self) -> Result<Checked, String> {
        let id = self.program.program_id;
        if self.vm.executor().loaded_program(&id).is_none() {
            return Err("the program is not in the cache".into());
        }
        let outcome = self.vm.process_instruction(&self.program);
        expect_ok(&outcome, "running the loaded program")?;
        (self.verify)(&outcome)?;
        Ok(Checked::default())
    }
}

/// `bench_large.c`'s function f<k>, for the expected return data.
fn bench_large_function(k: u64, mut x: u64) -> u64 {
    for round in 0..8 {
        let k = k * 8 + round;
        x ^= x << ((k % 13) + 1);
        x ^= x >> ((k % 11) + 3);
        x = x.wrapping_mul(0x9E37_79B9_7F4A_7C15 ^ (k << 17));
        x = x.wrapping_add(0x2545_F491_4F6C_DD1D ^ k.wrapping_mul(0x0100_0000_01B3));
    }
    x
}

const LARGE_SEED: u64 = 0x0123_4567_89AB_CDEF;

fn bench_large_expected(seed: u64) -> u64 {
    (100..260).fold(seed, |x, k| bench_large_function(k, x))
}

fn load_benchmark(
    name: &str,
    description: &'static str,
    mode: ExecutionMode,
    large: bool,
    kind: LoadKind,
) -> Benchmark {
    let unit = if kind == LoadKind::Lookup {
        "lookup"
    } else {
        "load"
    };
    Benchmark::new(Group::Load, name, unit, description, move || {
        let (program, verify): (Instruction, Verify) = if large {
            (
                Instruction::new_with_bytes(PROGRAM, &LARGE_SEED.to_le_bytes(), vec![]),
                Box::new(|outcome: &Outcome| {
                    expect_return_data(
                        outcome,
                        Some(&bench_large_expected(LARGE_SEED).to_le_bytes()),
                    )
                }),
            )
        } else {
            (
                Instruction::new_with_bytes(PROGRAM, b"hi", vec![]),
                Box::new(|outcome: &Outcome| {
                    if outcome
                        .logs()
                        .iter()
                        .any(|line| line == "Program log: hello from sbfvm")
                    {
                        Ok(())
                    } else {
                        Err("log.so did not log `hello from sbfvm`".into())
                    }
                }),
            )
        };
        let elf = if large { "bench_large.so" } else { "log.so" };
        Ok(Box::new(LoadBench::new(mode, elf, kind, program, verify)?) as Box<dyn Workload>)
    })
}

fn load_benchmarks() -> Vec<Benchmark> {
    use ExecutionMode::{Interpreter, Jit};
    vec![
        load_benchmark(
            "small_jit",
            "log.so (2 KB): parse + relocate + verify + JIT",
            Jit,
            false,
            LoadKind::Load,
        ),
        load_benchmark(
            "large_jit",
            "bench_large.so (129 KB, 160 functions): parse + relocate + verify + JIT",
            Jit,
            true,
            LoadKind::Load,
        ),
        load_benchmark(
            "large_no_jit",
            "bench_large.so: parse + relocate + verify only (interpreter mode)",
            Interpreter,
            true,
            LoadKind::Load,
        ),
        load_benchmark(
            "large_add_program_again",
            "Sbfvm::add_program of the same bench_large.so under the same id (JIT mode): a cache hit, no parse, verification or JIT",
            Jit,
            true,
            LoadKind::AddAgain,
        ),
        load_benchmark(
            "cache_hit",
            "program-cache lookup of a loaded program, as every execution does",
            Jit,
            true,
            LoadKind::Lookup,
        ),
    ]
}

// ---------------------------------------------------------------------------------------
// execute
// ---------------------------------------------------------------------------------------

fn xorshift_expected(rounds: u64) -> u64 {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..rounds {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    x
}

const COMPUTE_ROUNDS: u64 = 20_000;

fn compute_benchmark(mode: ExecutionMode) -> Benchmark {
    Benchmark::new(
        Group::Execute,
        &format!("compute_{}", mode_name(mode)),
        "SBF insn",
        "compute.so op mode 0 (xorshift rounds), net of the same instruction with 0 rounds",
        move || {
            let mut vm = vm(mode)?;
            add_program(&mut vm, PROGRAM, "compute.so")?;
            let data = |rounds: u64| {
                let mut data = rounds.to_le_bytes().to_vec();
                data.push(0);
                Instruction::new_with_bytes(PROGRAM, &data, vec![])
            };
            let expect = |rounds: u64| -> Verify {
                Box::new(move |outcome: &Outcome| {
                    expect_return_data(outcome, Some(&xorshift_expected(rounds).to_le_bytes()))
                })
            };
            // One SBF instruction is one compute unit here (no syscalls in the loop), so
            // the instructions executed per run are the difference in compute units.
            let mut bench = InstructionBench::with_baseline(
                vm,
                (data(COMPUTE_ROUNDS), expect(COMPUTE_ROUNDS)),
                (data(0), expect(0)),
                1,
                None,
            )?;
            bench.per_instruction = bench.op_units - bench.baseline_units;
            Ok(Box::new(bench) as Box<dyn Workload>)
        },
    )
}

fn noop_instruction_benchmark(mode: ExecutionMode, accounts: usize) -> Benchmark {
    let name = if accounts == 0 {
        format!("noop_instruction_{}", mode_name(mode))
    } else {
        format!("noop_instruction_{accounts}x165B_{}", mode_name(mode))
    };
    Benchmark::new(
        Group::Execute,
        &name,
        "instruction",
        "one top-level instruction of cpi_callee.so with empty data (a no-op), whole \
         transaction through Sbfvm::process_instruction",
        move || {
            let mut vm = vm(mode)?;
            add_program(&mut vm, CALLEE, "cpi_callee.so")?;
            let metas = payload_accounts(&mut vm, accounts, 165, CALLEE);
            let op = Instruction::new_with_bytes(CALLEE, b"", metas);
            let op = CheckedInstruction::operation(op, no_check());
            let bench = InstructionBench::new(vm, op, None, 1, None)?;
            Ok(Box::new(bench) as Box<dyn Workload>)
        },
    )
}

/// One signed transaction sent again and again. Its signature is forgotten before each send
/// (inside the timed span; clearing a one-entry set costs nanoseconds), so that each run
/// takes the full path — sanitize, verify (unless off), check, charge, load, execute,
/// commit — rather than stopping at `AlreadyProcessed`.
struct TransactionBench {
    vm: Sbfvm,
    transaction: sbfvm::VersionedTransaction,
    fee: u64,
    units: u64,
}

impl TransactionBench {
    fn new(verify_signatures: bool) -> Result<Self, String> {
        use sbfvm::signer::{sign_transaction, Signer};
        let mut vm = vm(ExecutionMode::Jit)?;
        vm.set_signature_verification(verify_signatures);
        let payer = Signer::from_seed("bench payer");
        vm.airdrop(&payer.pubkey(), u64::MAX / 2);
        let recipient = Pubkey::new_unique();
        vm.airdrop(&recipient, 1_000_000_000);
        // SetComputeUnitPrice(1 micro-lamport) and a 1-lamport System transfer.
        let price = Instruction::new_with_bytes(
            Pubkey::from_str_const("ComputeBudget111111111111111111111111111111"),
            &[&[3u8][..], &1u64.to_le_bytes()].concat(),
            vec![],
        );
        let transfer = Instruction::new_with_bincode(
            // The System program's id is all zeros.
            Pubkey::default(),
            &(2u32, 1u64),
            vec![
                AccountMeta::new(payer.pubkey(), true),
                AccountMeta::new(recipient, false),
            ],
        );
        let message = sbfvm::Message::new_with_blockhash(
            &[price, transfer],
            Some(&payer.pubkey()),
            &vm.latest_blockhash(),
        );
        let transaction = sign_transaction(sbfvm::VersionedMessage::Legacy(message), &[&payer]);
        let mut bench = Self {
            vm,
            transaction,
            fee: 0,
            units: 0,
        };
        let outcome = bench.send();
        expect_ok(&outcome, "operation")?;
        bench.fee = outcome.fee().map_or(0, |fee| fee.total());
        bench.units = outcome.compute_units_consumed();
        Ok(bench)
    }

    fn send(&mut self) -> Outcome {
        self.vm.runtime_mut().processed_signatures.clear();
        self.vm.send_transaction(&self.transaction)
    }
}

impl Workload for TransactionBench {
    fn transaction_breakdown(&mut self, transactions: u64) -> Option<TransactionBreakdown> {
        self.vm.runtime_mut().profile_phases = true;
        let mut sum = sbfvm_runtime::transaction::TransactionStageTimes::default();
        for _ in 0..transactions {
            if let Some(times) = self.send().transaction.stage_times {
                sum.sanitize += times.sanitize;
                sum.verify += times.verify;
                sum.check += times.check;
                sum.load += times.load;
                sum.execute += times.execute;
                sum.commit += times.commit;
            }
        }
        self.vm.runtime_mut().profile_phases = false;
        let per = |duration: Duration| duration.as_nanos() as f64 / transactions.max(1) as f64;
        Some(TransactionBreakdown {
            sanitize: per(sum.sanitize),
            verify: per(sum.verify),
            check: per(sum.check),
            load: per(sum.load),
            execute: per(sum.execute),
            commit: per(sum.commit),
        })
    }

    fn run(&mut self, ops: u64) -> Sample {
        let start = Instant::now();
        for _ in 0..ops {
            black_box(self.send());
        }
        let elapsed = start.elapsed();
        Sample {
            ops,
            gross: elapsed,
            net_ns: elapsed.as_nanos() as f64,
        }
    }

    fn check(&mut self) -> Result<Checked, String> {
        let outcome = self.send();
        expect_ok(&outcome, "operation")?;
        let fee = outcome.fee().map_or(0, |fee| fee.total());
        if fee != self.fee || outcome.compute_units_consumed() != self.units {
            return Err(format!(
                "fee {fee} and {} CU (the first run: {} and {})",
                outcome.compute_units_consumed(),
                self.fee,
                self.units
            ));
        }
        Ok(Checked {
            cu_per_op: Some(self.units as f64),
            cu_price: None,
        })
    }
}

fn signed_transaction_benchmark(verify_signatures: bool) -> Benchmark {
    let (name, description) = if verify_signatures {
        (
            "signed_transaction",
            "a signed transaction (SetComputeUnitPrice and a System transfer) through \
             Sbfvm::send_transaction: sanitize, ed25519 verification, checks, fee, load, \
             execute, commit",
        )
    } else {
        (
            "signed_transaction_unverified",
            "the same transaction with signature verification off: every stage but the \
             ed25519 verification",
        )
    };
    Benchmark::new(
        Group::Execute,
        name,
        "transaction",
        description,
        move || Ok(Box::new(TransactionBench::new(verify_signatures)?) as Box<dyn Workload>),
    )
}

fn execute_benchmarks() -> Vec<Benchmark> {
    use ExecutionMode::{Interpreter, Jit};
    vec![
        compute_benchmark(Interpreter),
        compute_benchmark(Jit),
        noop_instruction_benchmark(Interpreter, 0),
        noop_instruction_benchmark(Jit, 0),
        noop_instruction_benchmark(Jit, 2),
        transfer_checked_benchmark(),
        signed_transaction_benchmark(true),
        signed_transaction_benchmark(false),
    ]
}

// ---------------------------------------------------------------------------------------
// syscall
// ---------------------------------------------------------------------------------------

/// A family of `bench_syscalls.c` and what to expect of it.
struct SyscallCase {
    name: &'static str,
    family: u8,
    syscall: &'static str,
    calls: u16,
    size: u16,
    description: &'static str,
}

const SHA256_OF_ZEROS: [(u16, &str); 2] = [
    (
        32,
        "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925",
    ),
    (
        1024,
        "5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef",
    ),
];

/// The return data of the crypto families (9 to 20): the syscall's output for the
/// program's constant inputs, from independent known answers where there are some.
const CRYPTO_RESULTS: &[(u8, &str)] = &[
    // EIP-196: 2G
    (
        9,
        "030644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd315ed738c0e0a7c92e7845f96b2ae9c0a68a6a449e3538fc7ff3ebf7a5a18a2c4",
    ),
    // EIP-196: 2G
    (
        10,
        "030644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd315ed738c0e0a7c92e7845f96b2ae9c0a68a6a449e3538fc7ff3ebf7a5a18a2c4",
    ),
    // One pair: e(G1, G2) is not the identity, so the check is false.
    (
        11,
        "0000000000000000000000000000000000000000000000000000000000000000",
    ),
    // G compressed: x = 1 (the decompression below gives G back)
    (
        12,
        "0000000000000000000000000000000000000000000000000000000000000001",
    ),
    // G
    (
        13,
        "00000000000000000000000000000000000000000000000000000000000000010000000000000000000000000000000000000000000000000000000000000002",
    ),
    // solana-poseidon's documented vector for [1; 32], [2; 32], big-endian
    (
        14,
        "0d54e1938f8a8c1c7deb5e0355f26319207b84fe9ca2ce1b26e735c829821990",
    ),
    // Q = r⁻¹(sR − eG) with R = (G.x, even y), computed outside sbfvm
    (
        15,
        "a79c4ad78ef84db6e2937d12cb91afce57c3017d0dcabc41de786c0d5dd32ac5\
         8c8862050467de1f600f30372f67996bff527c4e863436a1b5d341564e8319b4",
    ),
    // BLS12-381: solana-bls12-381-syscall 0.1.1's test vectors (G1 add, G1 mul, G1
    // decompress, the pairing map of one pair)
    (
        16,
        "173eff899dbc6256c06688abbb319b53cc85d99089670f04744b7f411d59df9320a15b6860d3ef66e95f3082cf9a13bd127066912449111b2f60742d381910bf381556d885f5cf479e1f1d3354b9868a404437a13799d69bfa15e904037529ef",
    ),
    (
        17,
        "166548ff03f727daea75d05b9e727e37a647e3cd067c37ffa7429aed538f08b362b9a2a4aa3e8d0401b329315fd48be3127df50aa9c9abac980169519fa0fcb8503ba5aab972f8d0e46fe5c8ddcc0978998e58f0e4a49d4f483777ef3868363a",
    ),
    (
        18,
        "0f9ff5448e60bc9a718f463ac102bd6f8772e6460c19076a6c89d5806e5a8ef44b6f3b8af09e37a4e564987a26b9deda124f01f63e23a2ea926d07552c680afa9e1fb5f475c11b35b84fa0eda83329c83a046b5ff6abf1ca78e4878764327b3a",
    ),
    (
        19,
        "0e39a48076e53ac2a3b3079b131bc3b8f7f6534c3f4778488f8202c023fb24e8e57a447e36e4c5f970ea5d8285f64b290d1fe8e169dbb469e1b82b39b80ae493f5e32844d7d90fa40ee777867821d234402f272aabdde13af9f7cca11410670100a86d9ddf3c930b4c025f56ae04647d7ce21f9fc7a031624c7cdd6506d56f2c18ac4e2ad8895b44d328d2acf21d73dc0b9cf975760c3b3b5789d9be903ef967f4f79870ee1f7a88270931d716b4a478a6733e8204d8399b08d67409dea822f2132fb77cc4de3a874b61f2e7beeea2327ce6e5ac9c8cc4a3d5319990a7767aa746cb9178ed2e878200cc8b3d160af3e80f26a1926a8a56c608a7e57d5f1c783317a1fa697db1a9a8610500e78f8d165c8f945f42979a37a9005b6b053bfc088c00c34087c5e2ebaa7fb0d907b4ebde3ac3ddc082568f00c7e13539b5979851b7fcfb057c3da485a90e14ce243801c5d6170a20df8057a6213d1dbe5a9652796dffd34f2e3930d57d085d0a97a2898581ed654d27555eea2b5565f0e95d39ab0d12261f1d29a9c1316c77e782612d23fc957d7440a346288fa00e0f5ba8cf4d284ad072324077d8b660da00b94569c267138121ccfaedbf8f7a38ea3e08e001f26e0ac2b2c6dc97a7eaebcf945df9dd990f56594c311d124a00f62a8f593c306017add1d59c509a9fa10cb2e1e24d63f99af66e60b04f5a02be3fbd7baace778e8a0f5dbfe6649f8e3277cc9dc9e65d39037d60c3f7c34c18b06358ce563fcc25adb67433f00f9bc7c7c6b72cf1fbec23b224086b5299901c1de5969d25d86074",
    ),
    // pow(base, 65537, 2^255 - 19), little-endian, computed outside sbfvm
    (
        20,
        "7d37730abf7ac1c4298ec7bcc115f43c1263ae1ccab9ed97c947e93b2a916777",
    ),
];

const SYSCALL_CASES: &[SyscallCase] = &[
    SyscallCase {
        name: "stack_height",
        family: 0,
        syscall: "sol_get_stack_height",
        calls: 1000,
        size: 0,
        description: "sol_get_stack_height, the cheapest syscall",
    },
    SyscallCase {
        name: "log_32B",
        family: 1,
        syscall: "sol_log_",
        calls: 100,
        size: 32,
        description: "sol_log_ of 32 bytes into the log collector",
    },
    SyscallCase {
        name: "memcpy_64B",
        family: 2,
        syscall: "sol_memcpy_",
        calls: 1000,
        size: 64,
        description: "sol_memcpy_ of 64 bytes, heap to heap",
    },
    SyscallCase {
        name: "memcpy_4KB",
        family: 2,
        syscall: "sol_memcpy_",
        calls: 1000,
        size: 4096,
        description: "sol_memcpy_ of 4 KiB, heap to heap",
    },
    SyscallCase {
        name: "sha256_32B",
        family: 3,
        syscall: "sol_sha256",
        calls: 500,
        size: 32,
        description: "sol_sha256 of one 32-byte slice",
    },
    SyscallCase {
        name: "sha256_1KB",
        family: 3,
        syscall: "sol_sha256",
        calls: 200,
        size: 1024,
        description: "sol_sha256 of one 1 KiB slice",
    },
    SyscallCase {
        name: "create_program_address",
        family: 4,
        syscall: "sol_create_program_address",
        calls: 100,
        size: 0,
        description: "sol_create_program_address([\"vault\"])",
    },
    SyscallCase {
        name: "try_find_program_address",
        family: 5,
        syscall: "sol_try_find_program_address",
        calls: 100,
        size: 0,
        description: "sol_try_find_program_address([\"vault\"]), bump 255 works",
    },
    SyscallCase {
        name: "clock_sysvar",
        family: 6,
        syscall: "sol_get_clock_sysvar",
        calls: 1000,
        size: 0,
        description: "sol_get_clock_sysvar",
    },
    SyscallCase {
        name: "set_return_data_32B",
        family: 7,
        syscall: "sol_set_return_data",
        calls: 1000,
        size: 32,
        description: "sol_set_return_data of 32 bytes",
    },
    SyscallCase {
        name: "get_return_data_32B",
        family: 8,
        syscall: "sol_get_return_data",
        calls: 1000,
        size: 32,
        description: "sol_get_return_data of 32 bytes",
    },
    SyscallCase {
        name: "bn128_add",
        family: 9,
        syscall: "sol_alt_bn128_group_op",
        calls: 1000,
        size: 0,
        description: "sol_alt_bn128_group_op G1 add (BN254), G + G",
    },
    SyscallCase {
        name: "bn128_mul",
        family: 10,
        syscall: "sol_alt_bn128_group_op",
        calls: 100,
        size: 0,
        description: "sol_alt_bn128_group_op G1 mul (BN254), 2 * G",
    },
    SyscallCase {
        name: "bn128_pairing_1",
        family: 11,
        syscall: "sol_alt_bn128_group_op",
        calls: 20,
        size: 0,
        description: "sol_alt_bn128_group_op pairing (BN254) of one pair, the generators",
    },
    SyscallCase {
        name: "bn128_compress_g1",
        family: 12,
        syscall: "sol_alt_bn128_compression",
        calls: 1000,
        size: 0,
        description: "sol_alt_bn128_compression G1 compress (BN254) of G",
    },
    SyscallCase {
        name: "bn128_decompress_g1",
        family: 13,
        syscall: "sol_alt_bn128_compression",
        calls: 500,
        size: 0,
        description: "sol_alt_bn128_compression G1 decompress (BN254), x = 1",
    },
    SyscallCase {
        name: "poseidon_2x32B",
        family: 14,
        syscall: "sol_poseidon",
        calls: 500,
        size: 0,
        description: "sol_poseidon, BN254 x5, big-endian, 2 inputs of 32 bytes",
    },
    SyscallCase {
        name: "secp256k1_recover",
        family: 15,
        syscall: "sol_secp256k1_recover",
        calls: 50,
        size: 0,
        description: "sol_secp256k1_recover of one signature",
    },
    SyscallCase {
        name: "bls12_381_g1_add",
        family: 16,
        syscall: "sol_curve_group_op",
        calls: 1000,
        size: 0,
        description: "sol_curve_group_op BLS12-381 G1 add, big-endian",
    },
    SyscallCase {
        name: "bls12_381_g1_mul",
        family: 17,
        syscall: "sol_curve_group_op",
        calls: 100,
        size: 0,
        description: "sol_curve_group_op BLS12-381 G1 mul, big-endian",
    },
    SyscallCase {
        name: "bls12_381_g1_decompress",
        family: 18,
        syscall: "sol_curve_decompress",
        calls: 200,
        size: 0,
        description: "sol_curve_decompress BLS12-381 G1, big-endian",
    },
    SyscallCase {
        name: "bls12_381_pairing_1",
        family: 19,
        syscall: "sol_curve_pairing_map",
        calls: 20,
        size: 0,
        description: "sol_curve_pairing_map BLS12-381 of one pair, big-endian",
    },
    SyscallCase {
        name: "big_mod_exp_32B",
        family: 20,
        syscall: "sol_big_mod_exp",
        calls: 500,
        size: 0,
        description:
            "sol_big_mod_exp, 32-byte base and modulus, exponent 65537 (feature activated)",
    },
];

/// The syscall group's VM: JIT, mainnet's features plus `enable_big_mod_exp_syscall`
/// (inactive on mainnet), which only registers `sol_big_mod_exp`, so that
/// `bench_syscalls.so`, which imports it, loads without an unresolved import and the
/// `big_mod_exp_32B` row can call it. The other rows' syscalls and prices are mainnet's.
fn syscall_vm() -> Result<Sbfvm, String> {
    let mut features = sbfvm_runtime::FeatureSet::mainnet();
    features.activate(sbfvm_runtime::features::ids::ENABLE_BIG_MOD_EXP_SYSCALL);
    Sbfvm::new(Config {
        mode: ExecutionMode::Jit,
        compute_unit_limit: Some(1_400_000),
        features,
        ..Config::default()
    })
    .map_err(|error| error.to_string())
}

/// A program id for which `create_program_address(["vault"])` is off the curve and so
/// `try_find_program_address(["vault"])` succeeds with bump 255.
fn syscall_program_id() -> Pubkey {
    (1..=u8::MAX)
        .map(key)
        .find(|id| {
            sbfvm::runtime::pda::create_program_address(&[b"vault"], id).is_ok()
                && sbfvm::runtime::pda::create_program_address(&[b"vault", &[255]], id).is_ok()
        })
        .expect("some program id has an off-curve vault address")
}

/// What the return data of a family must be (`call`: the mode that calls the syscall).
fn syscall_return_data(case: &SyscallCase, id: &Pubkey, call: bool, vm: &Sbfvm) -> Option<Vec<u8>> {
    use sbfvm::runtime::pda;
    match case.family {
        3 => SHA256_OF_ZEROS
            .iter()
            .find(|(size, _)| *size == case.size)
            .map(|(_, hash)| hex::decode(hash).expect("hex")),
        4 => Some(
            pda::create_program_address(&[b"vault"], id)
                .expect("off curve")
                .to_bytes()
                .to_vec(),
        ),
        5 => pda::try_find_program_address(&[b"vault"], id).map(|(address, bump)| {
            let mut bytes = address.to_bytes().to_vec();
            bytes.push(bump);
            bytes
        }),
        6 => Some(vm.runtime().sysvars.clock_repr_c().to_vec()),
        7 if !call => None,
        7 | 8 => Some(vec![0; case.size as usize]),
        9..=20 => CRYPTO_RESULTS
            .iter()
            .find(|(family, _)| *family == case.family)
            .map(|(_, output)| hex::decode(output).expect("hex")),
        _ => None,
    }
}

fn syscall_benchmark(case: &'static SyscallCase) -> Benchmark {
    Benchmark::new(
        Group::Syscall,
        case.name,
        "call",
        case.description,
        move || {
            let mut vm = syscall_vm()?;
            let id = syscall_program_id();
            add_program(&mut vm, id, "bench_syscalls.so")?;
            let instruction = |baseline: bool| {
                let mut data = vec![case.family, u8::from(baseline)];
                data.extend_from_slice(&case.calls.to_le_bytes());
                data.extend_from_slice(&case.size.to_le_bytes());
                Instruction::new_with_bytes(id, &data, vec![])
            };
            // The families that produce a value call the syscall once more after the
            // loop, in both modes.
            let extra_calls = u64::from(matches!(case.family, 3..=6 | 9..=20));
            let verify = |call: bool| -> Verify {
                let expected = syscall_return_data(case, &id, call, &vm);
                let calls = extra_calls + if call { u64::from(case.calls) } else { 0 };
                Box::new(move |outcome: &Outcome| {
                    expect_return_data(outcome, expected.as_deref())?;
                    let (got, _) = syscall_usage(outcome, case.syscall);
                    if got != calls {
                        return Err(format!(
                            "{} called {got} times (expected {calls})",
                            case.syscall
                        ));
                    }
                    Ok(())
                })
            };
            let (verify_op, verify_baseline) = (verify(true), verify(false));
            let bench = InstructionBench::with_baseline(
                vm,
                (instruction(false), verify_op),
                (instruction(true), verify_baseline),
                u64::from(case.calls),
                Some(case.syscall),
            )?;
            Ok(Box::new(bench) as Box<dyn Workload>)
        },
    )
}

fn syscall_benchmarks() -> Vec<Benchmark> {
    SYSCALL_CASES.iter().map(syscall_benchmark).collect()
}

// ---------------------------------------------------------------------------------------
// cpi
// ---------------------------------------------------------------------------------------

/// CPIs per instruction: the instruction trace holds 64 frames.
const CPIS: u16 = 50;

/// Adds `count` writable accounts of `len` zero bytes owned by `owner`; returns their metas.
fn payload_accounts(vm: &mut Sbfvm, count: usize, len: usize, owner: Pubkey) -> Vec<AccountMeta> {
    (0..count)
        .map(|index| {
            let pubkey = key(0x10 + index as u8);
            vm.set_account(pubkey, account(rent_exempt(len), owner, len));
            AccountMeta::new(pubkey, false)
        })
        .collect()
}

fn bench_cpi_data(op: u8, count: u16, depth: u8) -> Vec<u8> {
    let mut data = vec![op];
    data.extend_from_slice(&count.to_le_bytes());
    data.push(depth);
    data
}

/// Checks that an instruction made `cpis` CPIs, besides `depth` self-invocations, all ok.
fn cpi_count(depth: u8, cpis: u16) -> Verify {
    Box::new(move |outcome: &Outcome| {
        let frames = frames_ok(outcome)?;
        let expected = 1 + usize::from(depth) + usize::from(cpis);
        if frames != expected {
            return Err(format!(
                "{frames} frames in the trace (expected {expected})"
            ));
        }
        expect_return_data(outcome, None)
    })
}

fn noop_cpi_benchmark(name: &str, accounts: usize, len: usize, depth: u8) -> Benchmark {
    Benchmark::new(
        Group::Cpi,
        name,
        "CPI",
        "sol_invoke_signed_c from bench_cpi.so into cpi_callee.so with empty data (a \
         no-op), the payload accounts writable, net of the same instruction with no CPI",
        move || cpi_workload(0, accounts, len, depth, BENCH_CPI, cpi_count(depth, CPIS)),
    )
}

/// As the no-op CPI, but each callee writes one byte of its first account (bench_cpi.so op
/// 2 → cpi_callee.so op 4), so its input is written and the next CPI re-zeroes the
/// reserves: the cost of a callee that changes something.
fn write_cpi_benchmark(name: &str, accounts: usize, len: usize) -> Benchmark {
    Benchmark::new(
        Group::Cpi,
        name,
        "CPI",
        "sol_invoke_signed_c from bench_cpi.so into cpi_callee.so op 4, which writes one \
         byte at offset 0 of its first account (owned by the callee), net of the same \
         instruction with no CPI",
        move || {
            let check_count = cpi_count(0, CPIS);
            let written = Box::new(move |outcome: &Outcome| {
                check_count(outcome)?;
                let first = key(0x10);
                let byte = outcome
                    .account(&first)
                    .and_then(|account| account.data.first().copied());
                let expected = (CPIS - 1) as u8;
                if byte != Some(expected) {
                    return Err(format!(
                        "first payload byte {byte:?} after the CPIs (expected {expected})"
                    ));
                }
                Ok(())
            });
            cpi_workload(2, accounts, len, 0, CALLEE, written)
        },
    )
}

/// bench_cpi.so running `op` over `accounts` payload accounts of `len` bytes owned by
/// `owner`, checked with `verify` after timing.
fn cpi_workload(
    op: u8,
    accounts: usize,
    len: usize,
    depth: u8,
    owner: Pubkey,
    verify: Verify,
) -> Result<Box<dyn Workload>, String> {
    let mut vm = vm(ExecutionMode::Jit)?;
    add_program(&mut vm, CALLEE, "cpi_callee.so")?;
    add_program(&mut vm, BENCH_CPI, "bench_cpi.so")?;
    let mut metas = vec![
        AccountMeta::new_readonly(CALLEE, false),
        AccountMeta::new_readonly(BENCH_CPI, false),
    ];
    metas.extend(payload_accounts(&mut vm, accounts, len, owner));
    let instruction = |count: u16| {
        Instruction::new_with_bytes(BENCH_CPI, &bench_cpi_data(op, count, depth), metas.clone())
    };
    let bench = InstructionBench::with_baseline(
        vm,
        (instruction(CPIS), verify),
        (instruction(0), cpi_count(depth, 0)),
        u64::from(CPIS),
        None,
    )?;
    Ok(Box::new(bench) as Box<dyn Workload>)
}

fn transfer_benchmark() -> Benchmark {
    Benchmark::new(
        Group::Cpi,
        "system_transfer",
        "CPI",
        "System Transfer of 1 lamport through sol_invoke_signed_c (bench_cpi.so op 1), net \
         of the same instruction with no CPI",
        || {
            let mut vm = vm(ExecutionMode::Jit)?;
            add_program(&mut vm, BENCH_CPI, "bench_cpi.so")?;
            let (from, to) = (key(0xF0), key(0xF1));
            vm.set_account(from, account(1_000_000_000_000_000, SYSTEM_PROGRAM, 0));
            vm.set_account(to, account(rent_exempt(0), SYSTEM_PROGRAM, 0));
            let metas = vec![
                AccountMeta::new_readonly(SYSTEM_PROGRAM, false),
                AccountMeta::new_readonly(BENCH_CPI, false),
                AccountMeta::new(from, true),
                AccountMeta::new(to, false),
            ];
            let instruction = |count: u16| {
                Instruction::new_with_bytes(BENCH_CPI, &bench_cpi_data(1, count, 0), metas.clone())
            };
            let moved = move |count: u16| -> Verify {
                Box::new(move |outcome: &Outcome| {
                    cpi_count(0, count)(outcome)?;
                    let before =
                        outcome.transaction.accounts_before[index_of(outcome, &to)?].lamports();
                    let after = outcome.account(&to).map_or(0, |account| account.lamports);
                    if after != before + u64::from(count) {
                        return Err(format!(
                            "recipient went from {before} to {after} lamports (expected +{count})"
                        ));
                    }
                    Ok(())
                })
            };
            let bench = InstructionBench::with_baseline(
                vm,
                (instruction(CPIS), moved(CPIS)),
                (instruction(0), moved(0)),
                u64::from(CPIS),
                None,
            )?;
            Ok(Box::new(bench) as Box<dyn Workload>)
        },
    )
}

fn index_of(outcome: &Outcome, pubkey: &Pubkey) -> Result<usize, String> {
    outcome
        .transaction
        .account_keys
        .iter()
        .position(|key| key == pubkey)
        .ok_or_else(|| format!("{pubkey} is not in the transaction"))
}

fn cpi_benchmarks() -> Vec<Benchmark> {
    vec![
        noop_cpi_benchmark("noop_0_accounts", 0, 0, 0),
        noop_cpi_benchmark("noop_2x165B", 2, 165, 0),
        noop_cpi_benchmark("noop_16x165B", 16, 165, 0),
        noop_cpi_benchmark("noop_2x10KB", 2, 10 * 1024, 0),
        // The loop runs at stack height 4 (three self-invocations first), the callee at 5.
        noop_cpi_benchmark("noop_2x165B_depth4", 2, 165, 3),
        write_cpi_benchmark("write_2x165B", 2, 165),
        transfer_benchmark(),
        ata_create_benchmark(),
    ]
}

// ---------------------------------------------------------------------------------------
// Token-shaped programs: token_shaped.so (SPL Token's layouts, checks and syscalls) and
// ata_shaped.so (the Associated Token Account program's Create), both under bpf_loader,
// with the keys, sizes and lamports of fixtures/token_shaped.toml, so their compute units
// match that scenario's.
// ---------------------------------------------------------------------------------------

const TOKEN_SHAPED: Pubkey = Pubkey::from_str_const("TokenShaped11111111111111111111111111111111");
const ATA_SHAPED: Pubkey = Pubkey::from_str_const("ATokenShapedA111111111111111111111111111111");
const TOKEN_MINT: Pubkey = key(1);
const TOKEN_SOURCE: Pubkey = key(2);
const TOKEN_DESTINATION: Pubkey = key(3);
const TOKEN_AUTHORITY: Pubkey = key(4);
const TOKEN_WALLET: Pubkey = key(5);
const TOKEN_PAYER: Pubkey = key(6);

/// Token account layout: mint, owner, amount and state offsets (165 bytes in all).
const TOKEN_ACCOUNT_LEN: usize = 165;
const TOKEN_AMOUNT: std::ops::Range<usize> = 64..72;
const TOKEN_STATE: usize = 108;

/// An initialized token account's data.
fn token_account_data(mint: &Pubkey, owner: &Pubkey, amount: u64) -> Vec<u8> {
    let mut data = vec![0; TOKEN_ACCOUNT_LEN];
    data[..32].copy_from_slice(mint.as_ref());
    data[32..64].copy_from_slice(owner.as_ref());
    data[TOKEN_AMOUNT].copy_from_slice(&amount.to_le_bytes());
    data[TOKEN_STATE] = 1;
    data
}

/// An initialized mint's data (82 bytes): authority, supply, decimals.
fn mint_data(authority: &Pubkey, supply: u64, decimals: u8) -> Vec<u8> {
    let mut data = vec![0; 82];
    data[0] = 1;
    data[4..36].copy_from_slice(authority.as_ref());
    data[36..44].copy_from_slice(&supply.to_le_bytes());
    data[44] = decimals;
    data[45] = 1;
    data
}

fn token_amount(account: Option<&AccountSharedData>) -> Option<u64> {
    let data = account?.data().get(TOKEN_AMOUNT)?;
    Some(u64::from_le_bytes(data.try_into().ok()?))
}

const TOKEN_DECIMALS: u8 = 6;

/// A JIT VM with token_shaped.so and ata_shaped.so deployed and the mint, wallet and payer.
fn token_vm() -> Result<Sbfvm, String> {
    let mut vm = vm(ExecutionMode::Jit)?;
    add_program_with(&mut vm, TOKEN_SHAPED, Loader::V2, "token_shaped.so")?;
    add_program_with(&mut vm, ATA_SHAPED, Loader::V2, "ata_shaped.so")?;
    let mint = mint_data(&TOKEN_AUTHORITY, 1_000_000, TOKEN_DECIMALS);
    vm.set_account(
        TOKEN_MINT,
        Account::new_with_data(rent_exempt(mint.len()), mint, &TOKEN_SHAPED),
    );
    vm.set_account(TOKEN_WALLET, account(1_000_000_000, SYSTEM_PROGRAM, 0));
    vm.set_account(TOKEN_PAYER, account(10_000_000_000, SYSTEM_PROGRAM, 0));
    Ok(vm)
}

fn transfer_checked_benchmark() -> Benchmark {
    Benchmark::new(
        Group::Execute,
        "token_transfer_checked_shaped",
        "instruction",
        "one TransferChecked of token_shaped.so (SPL Token's checks, accounts decoded and \
         re-encoded field by field; 143 KB ELF under bpf_loader), whole transaction, the two \
         token accounts restored before every run",
        || {
            let mut vm = token_vm()?;
            let amount = 100u64;
            for (pubkey, owner, balance) in [
                (TOKEN_SOURCE, TOKEN_AUTHORITY, 600_000),
                (TOKEN_DESTINATION, TOKEN_WALLET, 0),
            ] {
                let data = token_account_data(&TOKEN_MINT, &owner, balance);
                vm.set_account(
                    pubkey,
                    Account::new_with_data(rent_exempt(data.len()), data, &TOKEN_SHAPED),
                );
            }
            vm.set_account(TOKEN_AUTHORITY, account(1_000_000_000, SYSTEM_PROGRAM, 0));
            let mut data = vec![12];
            data.extend_from_slice(&amount.to_le_bytes());
            data.push(TOKEN_DECIMALS);
            let op = Instruction::new_with_bytes(
                TOKEN_SHAPED,
                &data,
                vec![
                    AccountMeta::new(TOKEN_SOURCE, false),
                    AccountMeta::new_readonly(TOKEN_MINT, false),
                    AccountMeta::new(TOKEN_DESTINATION, false),
                    AccountMeta::new_readonly(TOKEN_AUTHORITY, true),
                ],
            );
            let verify = Box::new(move |outcome: &Outcome| {
                let frames = frames_ok(outcome)?;
                if frames != 1 {
                    return Err(format!("{frames} frames in the trace (expected 1)"));
                }
                if !outcome
                    .logs()
                    .iter()
                    .any(|line| line == "Program log: Instruction: TransferChecked")
                {
                    return Err("no `Instruction: TransferChecked` log".into());
                }
                moved(outcome, TOKEN_SOURCE, amount, false)?;
                moved(outcome, TOKEN_DESTINATION, amount, true)
            });
            let bench = RestoringBench::new(vm, CheckedInstruction::operation(op, verify))?;
            Ok(Box::new(bench) as Box<dyn Workload>)
        },
    )
}

/// Checks that `pubkey`'s token amount went up (`credited`) or down by `amount`.
fn moved(outcome: &Outcome, pubkey: Pubkey, amount: u64, credited: bool) -> Result<(), String> {
    let before = token_amount(Some(
        &outcome.transaction.accounts_before[index_of(outcome, &pubkey)?],
    ));
    let after = token_amount(outcome.shared_account(&pubkey));
    let expected = before.and_then(|before| {
        if credited {
            before.checked_add(amount)
        } else {
            before.checked_sub(amount)
        }
    });
    if after.is_none() || after != expected {
        return Err(format!(
            "{pubkey}: token amount went from {before:?} to {after:?} (expected {expected:?})"
        ));
    }
    Ok(())
}

fn ata_create_benchmark() -> Benchmark {
    Benchmark::new(
        Group::Cpi,
        "ata_create_shaped",
        "instruction",
        "one ATA Create of ata_shaped.so: try_find_program_address, then 4 CPIs \
         (token_shaped.so GetAccountDataSize, System CreateAccount signed by the PDA, \
         InitializeImmutableOwner, InitializeAccount3), both programs under bpf_loader; the \
         payer and the new account restored before every run",
        || {
            let vm = token_vm()?;
            let seeds: [&[u8]; 3] = [
                TOKEN_WALLET.as_ref(),
                TOKEN_SHAPED.as_ref(),
                TOKEN_MINT.as_ref(),
            ];
            let (associated, _) =
                sbfvm::runtime::pda::try_find_program_address(&seeds, &ATA_SHAPED)
                    .ok_or("no associated address")?;
            let op = Instruction::new_with_bytes(
                ATA_SHAPED,
                &[0],
                vec![
                    AccountMeta::new(TOKEN_PAYER, true),
                    AccountMeta::new(associated, false),
                    AccountMeta::new_readonly(TOKEN_WALLET, false),
                    AccountMeta::new_readonly(TOKEN_MINT, false),
                    AccountMeta::new_readonly(SYSTEM_PROGRAM, false),
                    AccountMeta::new_readonly(TOKEN_SHAPED, false),
                ],
            );
            let verify = Box::new(move |outcome: &Outcome| {
                let frames = frames_ok(outcome)?;
                if frames != 5 {
                    return Err(format!(
                        "{frames} frames in the trace (expected the instruction and 4 CPIs)"
                    ));
                }
                let created = outcome
                    .account(&associated)
                    .ok_or("the associated account was not written")?;
                let expected = token_account_data(&TOKEN_MINT, &TOKEN_WALLET, 0);
                if created.owner != TOKEN_SHAPED
                    || created.lamports != rent_exempt(TOKEN_ACCOUNT_LEN)
                    || created.data != expected
                {
                    return Err(format!(
                        "the associated account is {} lamports, owner {}, data {} (expected \
                         {}, {TOKEN_SHAPED}, {})",
                        created.lamports,
                        created.owner,
                        hex::encode(&created.data),
                        rent_exempt(TOKEN_ACCOUNT_LEN),
                        hex::encode(&expected)
                    ));
                }
                Ok(())
            });
            let bench = RestoringBench::new(vm, CheckedInstruction::operation(op, verify))?;
            Ok(Box::new(bench) as Box<dyn Workload>)
        },
    )
}

// ---------------------------------------------------------------------------------------
// All scenarios, timing and reports.
// ---------------------------------------------------------------------------------------

/// Every scenario, in group order.
pub fn benchmarks() -> Vec<Benchmark> {
    let mut all = load_benchmarks();
    all.extend(execute_benchmarks());
    all.extend(syscall_benchmarks());
    all.extend(cpi_benchmarks());
    all
}

/// The scenarios of one group.
pub fn group_benchmarks(group: Group) -> Vec<Benchmark> {
    match group {
        Group::Load => load_benchmarks(),
        Group::Execute => execute_benchmarks(),
        Group::Syscall => syscall_benchmarks(),
        Group::Cpi => cpi_benchmarks(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every scenario sets up, runs a batch and passes its check. Nothing is timed here.
    #[test]
    fn every_scenario_runs_and_checks() {
        for scenario in benchmarks() {
            let mut workload = scenario.setup().unwrap_or_else(|error| panic!("{error}"));
            let sample = workload.run(1);
            assert!(sample.ops >= 1, "{}", scenario.name);
            let checked = workload
                .check()
                .unwrap_or_else(|error| panic!("{}: {error}", scenario.name));
            if scenario.group == Group::Syscall {
                assert!(
                    checked.cu_price.is_some_and(|price| price > 0),
                    "{}",
                    scenario.name
                );
            }
        }
    }

    /// The token-shaped workloads charge what the same instructions charge in
    /// fixtures/token_shaped.toml (same programs, keys and accounts), run after run.
    #[test]
    fn token_shaped_workloads_match_their_scenario() {
        use sbfvm::{runner, scenario::Scenario};
        let scenario = Scenario::load(&fixtures_dir().join("token_shaped.toml")).unwrap();
        let report = runner::run(&scenario, None).unwrap();
        for (name, index) in [
            ("execute/token_transfer_checked_shaped", 0),
            ("cpi/ata_create_shaped", 2),
        ] {
            let benchmark = benchmarks()
                .into_iter()
                .find(|benchmark| benchmark.name == name)
                .unwrap();
            let mut workload = benchmark.setup().unwrap();
            // Several runs: each must start again from the restored accounts.
            workload.run(3);
            let checked = workload.check().unwrap_or_else(|error| panic!("{error}"));
            let outcome = &report.instructions[index].outcome;
            assert!(outcome.is_ok(), "{name}");
            assert_eq!(
                checked.cu_per_op,
                Some(outcome.compute_units_consumed() as f64),
                "{name}"
            );
        }
    }

    /// The crypto rows charge Agave 4.4's prices for their inputs (the syscall tests check
    /// the formulas; this pins what the rows report).
    #[test]
    fn crypto_rows_charge_agaves_prices() {
        let expected = [
            ("syscall/bn128_add", 334),
            ("syscall/bn128_mul", 3_840),
            // 36,364 for the first pair + sha256's base 85 + 192 input + 32 output bytes.
            ("syscall/bn128_pairing_1", 36_673),
            // The operation's price plus the syscall base cost of 100.
            ("syscall/bn128_compress_g1", 130),
            ("syscall/bn128_decompress_g1", 498),
            ("syscall/poseidon_2x32B", 786),
            ("syscall/secp256k1_recover", 25_000),
            ("syscall/bls12_381_g1_add", 128),
            ("syscall/bls12_381_g1_mul", 4_627),
            ("syscall/bls12_381_g1_decompress", 2_100),
            ("syscall/bls12_381_pairing_1", 25_445),
            // 422 + ⌈32² × 75 / 189⌉.
            ("syscall/big_mod_exp_32B", 829),
        ];
        let all = benchmarks();
        for (name, price) in expected {
            let scenario = all
                .iter()
                .find(|scenario| scenario.name == name)
                .unwrap_or_else(|| panic!("{name}"));
            let mut workload = scenario.setup().unwrap_or_else(|error| panic!("{error}"));
            workload.run(1);
            let checked = workload.check().unwrap_or_else(|error| panic!("{error}"));
            assert_eq!(checked.cu_price, Some(price), "{name}");
        }
    }

    #[test]
    fn names_are_unique_and_grouped() {
        let all = benchmarks();
        let mut names: Vec<&str> = all.iter().map(|s| s.name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all.len());
        for group in Group::ALL {
            let scenarios = group_benchmarks(group);
            assert!(!scenarios.is_empty());
            assert!(scenarios.iter().all(|s| s.matches(group.name())));
        }
    }
}

#[cfg(test)]
mod breakdown_tests {
    use super::*;
    use crate::measure::{breakdown_table, Measurement};

    /// The profiled runs attribute time to every CPI phase and count every CPI.
    #[test]
    fn cpi_breakdown_covers_every_phase() {
        let scenario = benchmarks()
            .into_iter()
            .find(|scenario| scenario.name == "cpi/noop_2x165B")
            .expect("scenario");
        let mut workload = scenario.setup().unwrap();
        let breakdown = workload.cpi_breakdown(2).expect("a CPI workload");
        assert!(breakdown.cpis >= 2, "{breakdown:?}");
        for (phase, ns) in [
            ("translate", breakdown.translate),
            ("serialize", breakdown.serialize),
            ("vm_setup", breakdown.vm_setup),
            ("execute", breakdown.execute),
            ("deserialize", breakdown.deserialize),
            ("update_caller", breakdown.update_caller),
        ] {
            assert!(ns > 0.0, "{phase}: {breakdown:?}");
        }
        let table = breakdown_table(&[Measurement {
            scenario: scenario.name.clone(),
            unit: "CPI",
            ns_per_op: breakdown.total(),
            min_ns_per_op: 0.0,
            max_ns_per_op: 0.0,
            ops_per_sample: 1,
            samples: 1,
            cu_per_op: None,
            cu_price: None,
            error: None,
            cpi_breakdown: Some(breakdown),
            transaction_breakdown: None,
        }]);
        assert!(table.contains("| cpi/noop_2x165B |"), "{table}");
    }

    #[test]
    fn transaction_breakdown_covers_every_stage() {
        let scenario = benchmarks()
            .into_iter()
            .find(|b| b.name == "execute/signed_transaction")
            .expect("the signed-transaction scenario");
        let mut workload = scenario.setup().expect("setup");
        let breakdown = workload
            .transaction_breakdown(3)
            .expect("a signed-transaction workload");
        for (stage, ns) in [
            ("sanitize", breakdown.sanitize),
            ("verify", breakdown.verify),
            ("check", breakdown.check),
            ("load", breakdown.load),
            ("execute", breakdown.execute),
            ("commit", breakdown.commit),
        ] {
            assert!(ns > 0.0, "{stage}: {breakdown:?}");
        }
        // Verification dominates: an ed25519 check costs tens of microseconds.
        assert!(breakdown.verify > breakdown.execute, "{breakdown:?}");
    }
}
