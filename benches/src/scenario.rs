//! Benchmarks of a user's own scenario file (`sbfvm bench SCENARIO.toml`): each instruction
//! timed as the built-in benchmarks are (warm-up, batches sized to a sample time, the median
//! batch), from the same state every run, with its compute units, nanoseconds per compute
//! unit and, per syscall name, calls and compute units; and the comparison with a baseline
//! (`--compare-to BASELINE.json`, a previous `--json` report).
//!
//! State: instruction *i* is timed on the state the scenario leaves before it (instructions
//! 0..*i* run once first, as `sbfvm run` runs them). Before every timed run the accounts
//! *i* passes writable (the only ones a transaction commits) are put back as they were,
//! outside the timed span, so every run starts from the same accounts and charges the same
//! compute units (checked).

use std::path::Path;
use std::time::{Duration, Instant};

use sbfvm::profile::{InstructionProfile, ProfileTracer, SymbolCache};
use sbfvm::runner;
use sbfvm::scenario::Scenario;
use sbfvm::ExecutionMode;
use sbfvm::{AccountSharedData, Instruction, Invocation, Outcome, Pubkey, Sbfvm};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;

use crate::measure::TimingOptions;
use crate::state::{restore, snapshot};

/// One syscall name's use by one run of an instruction, over its whole invoke tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyscallUse {
    /// The syscall.
    pub name: String,
    /// Calls per run.
    pub calls: u64,
    /// Compute units those calls charged (a CPI's include its callee's).
    pub compute_units: u64,
    /// Wall time inside those calls per run, in ns (a CPI's includes its callee), from
    /// separate runs with syscall timing on (its clock reads would distort the timed runs).
    #[serde(default)]
    pub ns_per_run: Option<f64>,
}

/// One instruction of a scenario, timed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstructionBench {
    /// Its position in the scenario.
    pub index: usize,
    /// Its `name` label, if any.
    pub name: Option<String>,
    /// The program it runs.
    pub program_id: String,
    /// `ok` or the transaction error, as `sbfvm run` prints it.
    pub result: String,
    /// Compute units of one run.
    pub compute_units: u64,
    /// Median time of one run over the samples, in ns.
    pub ns_per_run: f64,
    /// Fastest sample, ns per run.
    pub min_ns_per_run: f64,
    /// Slowest sample, ns per run.
    pub max_ns_per_run: f64,
    /// Runs per sample.
    pub runs_per_sample: u64,
    /// Samples taken.
    pub samples: usize,
    /// Nanoseconds per compute unit (median run); `None` for a run that consumed none.
    pub ns_per_cu: Option<f64>,
    /// Syscalls by name, in first-call order.
    pub syscalls: Vec<SyscallUse>,
}

/// A scenario's instructions, timed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioBench {
    /// The scenario file.
    pub scenario: String,
    /// `jit` or `interpreter`.
    pub mode: String,
    /// Each instruction, in order.
    pub instructions: Vec<InstructionBench>,
}

/// Times every instruction of the scenario at `path`; `Err` names the file and what kept it
/// from running (a scenario that does not load, or an instruction whose runs differ in
/// compute units).
pub fn bench_scenario(path: &Path, timing: &TimingOptions) -> Result<ScenarioBench, String> {
    bench_scenario_with(path, timing, &ScenarioOptions::default())
}

/// How [`bench_scenario_with`] runs the scenario.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScenarioOptions {
    /// The execution mode; `None` takes the scenario's.
    pub mode: Option<ExecutionMode>,
    /// Profile every run (`sbfvm::profile`), building the instruction's profile inside the
    /// timed span: the time of `sbfvm run --profile` without loading and file writing.
    pub profile: bool,
}

/// [`bench_scenario`] in another mode or with profiling.
pub fn bench_scenario_with(
    path: &Path,
    timing: &TimingOptions,
    options: &ScenarioOptions,
) -> Result<ScenarioBench, String> {
    // Loading errors name the file themselves; the others get it in front.
    let scenario = Scenario::load(path).map_err(|error| error.to_string())?;
    let in_file = |error: String| format!("{}: {error}", path.display());
    let prepared =
        runner::prepare(&scenario, options.mode).map_err(|error| in_file(error.to_string()))?;
    let mut mode = format!("{:?}", prepared.vm.config().mode).to_lowercase();
    let mut vm = prepared.vm;
    if options.profile {
        mode.push_str(", profiled");
        vm.executor()
            .set_tracer(Some(Box::new(ProfileTracer::default())));
    }
    let mut instructions = Vec::with_capacity(prepared.instructions.len());
    for (index, prepared_instruction) in prepared.instructions.iter().enumerate() {
        let instruction = &prepared_instruction.instruction;
        let limit = prepared_instruction
            .compute_unit_limit
            .or(vm.config().compute_unit_limit);
        let bench = time_instruction(&mut vm, instruction, limit, (timing, options.profile))
            .map_err(|error| in_file(format!("instruction #{index}: {error}")))?;
        instructions.push(InstructionBench {
            index,
            name: prepared_instruction.name.clone(),
            program_id: instruction.program_id.to_string(),
            ..bench
        });
        // The next instruction starts from the state this one leaves, as in `sbfvm run`.
        vm.process_transaction(std::slice::from_ref(instruction), limit);
    }
    Ok(ScenarioBench {
        scenario: path.display().to_string(),
        mode,
        instructions,
    })
}

/// Times `instruction` from the current state; the fields it does not know (index, name,
/// program) are left for the caller.
fn time_instruction(
    vm: &mut Sbfvm,
    instruction: &Instruction,
    limit: Option<u64>,
    (timing, profile): (&TimingOptions, bool),
) -> Result<InstructionBench, String> {
    let before = snapshot(vm, instruction);
    let transaction = std::slice::from_ref(instruction);
    // One untimed run: the reference compute units, result and syscalls.
    let first = vm.process_transaction(transaction, limit);
    // Its profile, if any, is not timed.
    ProfileTracer::take_frames(vm.executor());
    let compute_units = first.compute_units_consumed();
    let rerun = Rerun {
        transaction,
        limit,
        before: &before,
        compute_units,
        profile: profile.then(|| RefCell::new(SymbolCache::default())),
    };
    let batch = |runs: u64, vm: &mut Sbfvm| -> Result<Duration, String> {
        let mut spent = Duration::ZERO;
        for _ in 0..runs {
            spent += rerun.run(vm)?.1;
        }
        Ok(spent)
    };
    let mut runs = 1u64;
    let mut warmed = Duration::ZERO;
    let mut per_run;
    loop {
        let spent = batch(runs, vm)?;
        warmed += spent;
        per_run = spent.as_nanos() as f64 / runs as f64;
        if warmed >= timing.warm_up {
            break;
        }
        runs = runs.saturating_mul(2);
    }
    let runs_per_sample =
        ((timing.sample_time.as_nanos() as f64 / per_run.max(1.0)) as u64).clamp(1, 1 << 24);
    let mut samples = Vec::with_capacity(timing.samples.max(1));
    for _ in 0..timing.samples.max(1) {
        let spent = batch(runs_per_sample, vm)?;
        samples.push(spent.as_nanos() as f64 / runs_per_sample as f64);
    }
    samples.sort_by(f64::total_cmp);
    let mut syscalls = syscall_uses(&first);
    time_syscalls(vm, &rerun, runs_per_sample, &mut syscalls)?;
    restore(vm, &before);
    let median = samples[samples.len() / 2];
    Ok(InstructionBench {
        index: 0,
        name: None,
        program_id: String::new(),
        result: first.result_string(),
        compute_units,
        ns_per_run: median,
        min_ns_per_run: samples[0],
        max_ns_per_run: samples[samples.len() - 1],
        runs_per_sample,
        samples: samples.len(),
        ns_per_cu: (compute_units > 0).then(|| median / compute_units as f64),
        syscalls,
    })
}

/// One instruction run again from its saved state: the accounts restored (not timed), the
/// transaction timed, its compute units checked against the first run's.
struct Rerun<'a> {
    transaction: &'a [Instruction],
    limit: Option<u64>,
    before: &'a [(Pubkey, Option<AccountSharedData>)],
    compute_units: u64,
    /// Set when the executor profiles ([`ScenarioOptions::profile`]): each run then also
    /// builds the instruction's profile, with the symbols read once.
    profile: Option<RefCell<SymbolCache>>,
}

impl Rerun<'_> {
    fn run(&self, vm: &mut Sbfvm) -> Result<(Outcome, Duration), String> {
        restore(vm, self.before);
        let start = Instant::now();
        let outcome = vm.process_transaction(self.transaction, self.limit);
        if let Some(symbols) = &self.profile {
            let frames = ProfileTracer::take_frames(vm.executor());
            InstructionProfile::build_cached(vm, &outcome, &frames, &mut symbols.borrow_mut())
                .map_err(|error| error.to_string())?;
        }
        let spent = start.elapsed();
        if outcome.compute_units_consumed() != self.compute_units {
            return Err(format!(
                "a run consumed {} compute units, the first {}: the instruction depends on \
                 state outside the accounts it names",
                outcome.compute_units_consumed(),
                self.compute_units
            ));
        }
        Ok((outcome, spent))
    }
}

/// Fills each syscall's `ns_per_run` from `runs` reruns with syscall timing on.
fn time_syscalls(
    vm: &mut Sbfvm,
    rerun: &Rerun<'_>,
    runs: u64,
    syscalls: &mut [SyscallUse],
) -> Result<(), String> {
    if syscalls.is_empty() {
        return Ok(());
    }
    fn add_times(frames: &[Invocation], totals: &mut [SyscallUse]) {
        for frame in frames {
            for (name, time) in &frame.syscall_time {
                if let Some(total) = totals.iter_mut().find(|total| total.name == *name) {
                    *total.ns_per_run.get_or_insert(0.0) += time.as_nanos() as f64;
                }
            }
            add_times(&frame.invocations, totals);
        }
    }
    vm.set_syscall_timing(true);
    let mut result = Ok(());
    for _ in 0..runs {
        match rerun.run(vm) {
            Ok((outcome, _)) => add_times(&outcome.invocations, syscalls),
            Err(error) => {
                result = Err(format!("with syscall timing on, {error}"));
                break;
            }
        }
    }
    vm.set_syscall_timing(false);
    for syscall in syscalls.iter_mut() {
        syscall.ns_per_run = syscall.ns_per_run.map(|total| total / runs as f64);
    }
    result
}

/// Syscalls by name over the whole invoke tree of `outcome`, in first-call order.
fn syscall_uses(outcome: &Outcome) -> Vec<SyscallUse> {
    fn walk(frames: &[Invocation], uses: &mut Vec<SyscallUse>) {
        for frame in frames {
            for (name, calls, units) in &frame.syscalls {
                match uses.iter_mut().find(|used| used.name == *name) {
                    Some(used) => {
                        used.calls += calls;
                        used.compute_units += units;
                    }
                    None => uses.push(SyscallUse {
                        name: name.to_string(),
                        calls: *calls,
                        compute_units: *units,
                        ns_per_run: None,
                    }),
                }
            }
            walk(&frame.invocations, uses);
        }
    }
    let mut uses = Vec::new();
    walk(&outcome.invocations, &mut uses);
    uses
}

/// The report as Markdown: one row per instruction, then its syscalls.
pub fn scenario_markdown(bench: &ScenarioBench) -> String {
    let mut out = format!(
        "{} ({} mode; median of the samples, state reset before every run)\n\n",
        bench.scenario, bench.mode
    );
    out.push_str("| # | instruction | result | CU | time per run | min–max | ns/CU |\n");
    out.push_str("|---:|---|---|---:|---:|---:|---:|\n");
    for instruction in &bench.instructions {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {}–{} | {} |\n",
            instruction.index,
            instruction
                .name
                .as_deref()
                .unwrap_or(&instruction.program_id),
            instruction.result,
            instruction.compute_units,
            format_time(instruction.ns_per_run),
            format_time(instruction.min_ns_per_run),
            format_time(instruction.max_ns_per_run),
            instruction
                .ns_per_cu
                .map_or_else(|| "–".to_string(), |ns| format!("{ns:.2}")),
        ));
    }
    let with_syscalls: Vec<_> = bench
        .instructions
        .iter()
        .filter(|instruction| !instruction.syscalls.is_empty())
        .collect();
    if !with_syscalls.is_empty() {
        out.push_str(
            "\n| # | syscall | calls | CU | time per run | per call |\n\
             |---:|---|---:|---:|---:|---:|\n",
        );
        for instruction in with_syscalls {
            for syscall in &instruction.syscalls {
                let (per_run, per_call) = match syscall.ns_per_run {
                    Some(ns) => (
                        format_time(ns),
                        format_time(ns / syscall.calls.max(1) as f64),
                    ),
                    None => ("–".to_string(), "–".to_string()),
                };
                out.push_str(&format!(
                    "| {} | {} | {} | {} | {per_run} | {per_call} |\n",
                    instruction.index, syscall.name, syscall.calls, syscall.compute_units
                ));
            }
        }
        out.push_str(
            "\nSyscall times come from separate runs with per-call timing on (two clock \
             reads per call, included); a CPI's includes its callee.\n",
        );
    }
    out
}

fn format_time(ns: f64) -> String {
    if ns >= 1_000_000.0 {
        format!("{:.2} ms", ns / 1_000_000.0)
    } else if ns >= 1_000.0 {
        format!("{:.2} µs", ns / 1_000.0)
    } else {
        format!("{ns:.0} ns")
    }
}

/// How one instruction compares with its baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// The instruction's index and label.
    pub instruction: String,
    /// Compute units: baseline, now.
    pub compute_units: (u64, u64),
    /// Median ns per run: baseline, now.
    pub ns_per_run: (f64, f64),
    /// `faster`, `slower` or `same` (within both runs' sample ranges).
    pub time: &'static str,
}

impl Comparison {
    /// Whether compute units went up: a regression the command fails on.
    pub fn more_compute_units(&self) -> bool {
        self.compute_units.1 > self.compute_units.0
    }
}

/// Compares `now` with `baseline` instruction by instruction (by index; `Err` when the two
/// are not the same scenario's instructions). A time counts as changed only when the two
/// runs' sample ranges do not overlap: within that, the difference is noise.
pub fn compare(baseline: &ScenarioBench, now: &ScenarioBench) -> Result<Vec<Comparison>, String> {
    if baseline.instructions.len() != now.instructions.len() {
        return Err(format!(
            "the baseline has {} instructions, this scenario {}",
            baseline.instructions.len(),
            now.instructions.len()
        ));
    }
    baseline
        .instructions
        .iter()
        .zip(&now.instructions)
        .map(|(before, after)| {
            if before.name != after.name || before.program_id != after.program_id {
                return Err(format!(
                    "instruction #{} differs from the baseline's (name or program)",
                    after.index
                ));
            }
            let time = if after.max_ns_per_run < before.min_ns_per_run {
                "faster"
            } else if after.min_ns_per_run > before.max_ns_per_run {
                "slower"
            } else {
                "same"
            };
            Ok(Comparison {
                instruction: format!(
                    "#{} {}",
                    after.index,
                    after.name.as_deref().unwrap_or(&after.program_id)
                ),
                compute_units: (before.compute_units, after.compute_units),
                ns_per_run: (before.ns_per_run, after.ns_per_run),
                time,
            })
        })
        .collect()
}

/// The comparison as Markdown.
pub fn comparison_markdown(comparisons: &[Comparison]) -> String {
    let mut out = String::from(
        "| instruction | CU before | CU now | time before | time now | time |\n\
         |---|---:|---:|---:|---:|---|\n",
    );
    for comparison in comparisons {
        let flag = if comparison.more_compute_units() {
            " (more CU)"
        } else {
            ""
        };
        out.push_str(&format!(
            "| {} | {} | {}{flag} | {} | {} | {} |\n",
            comparison.instruction,
            comparison.compute_units.0,
            comparison.compute_units.1,
            format_time(comparison.ns_per_run.0),
            format_time(comparison.ns_per_run.1),
            comparison.time,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quick() -> TimingOptions {
        TimingOptions {
            warm_up: Duration::from_millis(5),
            sample_time: Duration::from_millis(2),
            samples: 3,
        }
    }

    fn fixture(name: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../fixtures")
            .join(name)
    }

    /// Profiled runs charge the same units as plain ones, in either mode.
    #[test]
    fn profiled_runs_are_timed_with_the_same_compute_units() {
        let path = fixture("cpi_chain.toml");
        let plain = bench_scenario(&path, &quick()).unwrap();
        let options = ScenarioOptions {
            mode: Some(ExecutionMode::Interpreter),
            profile: true,
        };
        let profiled = bench_scenario_with(&path, &quick(), &options).unwrap();
        assert_eq!(profiled.mode, "interpreter, profiled");
        let units = |bench: &ScenarioBench| -> Vec<u64> {
            bench.instructions.iter().map(|i| i.compute_units).collect()
        };
        assert_eq!(units(&plain), units(&profiled));
    }

    #[test]
    fn every_instruction_is_timed_from_the_same_state_with_its_compute_units() {
        // account_data.toml writes, resizes and moves lamports: without the reset, later
        // runs would see other data and lamports.
        let bench = bench_scenario(&fixture("account_data.toml"), &quick()).unwrap();
        let report = runner::run(
            &Scenario::load(&fixture("account_data.toml")).unwrap(),
            None,
        )
        .unwrap();
        assert_eq!(bench.instructions.len(), report.instructions.len());
        for (timed, ran) in bench.instructions.iter().zip(&report.instructions) {
            let outcome = &ran.outcome;
            assert_eq!(
                timed.compute_units,
                outcome.compute_units_consumed(),
                "#{}",
                timed.index
            );
            assert_eq!(timed.result, outcome.result_string(), "#{}", timed.index);
            assert!(timed.ns_per_run > 0.0 && timed.min_ns_per_run <= timed.ns_per_run);
            assert!(timed.ns_per_run <= timed.max_ns_per_run);
        }
        let markdown = scenario_markdown(&bench);
        assert!(markdown.contains("| 0 |"), "{markdown}");
    }

    #[test]
    fn syscalls_are_summed_over_the_invoke_tree() {
        let bench = bench_scenario(&fixture("cpi.toml"), &quick()).unwrap();
        let with_cpi = bench
            .instructions
            .iter()
            .find(|instruction| {
                instruction
                    .syscalls
                    .iter()
                    .any(|syscall| syscall.name == "sol_invoke_signed_c")
            })
            .expect("cpi.toml invokes");
        assert!(with_cpi.syscalls.iter().all(|syscall| syscall.calls > 0));
        // Every syscall was timed, and a CPI's time (its callee included) is the largest.
        assert!(with_cpi
            .syscalls
            .iter()
            .all(|s| s.ns_per_run.is_some_and(|ns| ns > 0.0)));
        // The callee's own syscalls are counted too (cpi_chain logs in every link).
        let chain = bench_scenario(&fixture("cpi_chain.toml"), &quick()).unwrap();
        let logs = chain.instructions[0]
            .syscalls
            .iter()
            .find(|syscall| syscall.name == "sol_log_64_")
            .expect("every link logs");
        let report =
            runner::run(&Scenario::load(&fixture("cpi_chain.toml")).unwrap(), None).unwrap();
        let frames = report.instructions[0].outcome.transaction.trace.len() as u64;
        assert_eq!(logs.calls, frames);
    }

    #[test]
    fn a_compute_unit_increase_is_flagged_and_overlapping_times_are_the_same() {
        let bench = bench_scenario(&fixture("log.toml"), &quick()).unwrap();
        let mut more = bench.clone();
        more.instructions[0].compute_units += 1;
        more.instructions[0].min_ns_per_run = bench.instructions[0].max_ns_per_run + 1.0;
        more.instructions[0].max_ns_per_run = bench.instructions[0].max_ns_per_run + 2.0;
        let comparisons = compare(&bench, &more).unwrap();
        assert!(comparisons[0].more_compute_units());
        assert_eq!(comparisons[0].time, "slower");
        let same = compare(&bench, &bench).unwrap();
        assert!(same
            .iter()
            .all(|c| !c.more_compute_units() && c.time == "same"));
        let mut other = bench.clone();
        other.instructions.clear();
        assert!(compare(&bench, &other).is_err());
    }
}
