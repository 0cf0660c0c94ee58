//! The invoke tree of a transaction: its frames nested by caller, each with its compute
//! units split by what paid for them, its syscalls and its wall time.

use std::cell::RefCell;
use std::rc::Rc as SharedRc;
use std::time::{Duration, Instant};

use sbfvm_runtime::transaction_context::InstructionFrame;
use sbfvm_runtime::TransactionOutcome;
use sbfvm_vm::VmRunStats;

use crate::outcome::is_cpi_syscall;
use crate::{Cost, Invocation};

/// When each frame started and how long it took, by trace index.
#[derive(Default)]
pub(crate) struct FrameTimes {
    started: Vec<Option<Instant>>,
    elapsed: Vec<Option<Duration>>,
}

impl FrameTimes {
    /// Forgets the last transaction's times, keeping the vectors' capacity.
    pub(crate) fn clear(&mut self) {
        self.started.clear();
        self.elapsed.clear();
    }

    /// Each frame's wall time, by trace index.
    pub(crate) fn elapsed(&self) -> &[Option<Duration>] {
        &self.elapsed
    }
}

/// Measures each frame's wall time through the runtime's observer hook.
pub(crate) struct FrameTimer(pub(crate) SharedRc<RefCell<FrameTimes>>);

impl sbfvm_runtime::InvokeObserver for FrameTimer {
    fn frame_started(&mut self, trace_index: usize) {
        let started = &mut self.0.borrow_mut().started;
        if started.len() <= trace_index {
            started.resize(trace_index + 1, None);
        }
        started[trace_index] = Some(Instant::now());
    }

    fn frame_finished(&mut self, trace_index: usize) {
        let times = &mut *self.0.borrow_mut();
        if let Some(Some(start)) = times.started.get(trace_index) {
            let elapsed = start.elapsed();
            if times.elapsed.len() <= trace_index {
                times.elapsed.resize(trace_index + 1, None);
            }
            times.elapsed[trace_index] = Some(elapsed);
        }
    }
}

/// Builds the invoke tree from the instruction trace. The trace holds at most 64 frames
/// (Agave's instruction trace limit), so children are found by scanning it; each frame's
/// VM run is looked up through one index vector rather than by scanning the runs.
pub(crate) fn invoke_tree(
    transaction: &TransactionOutcome,
    stats: &[VmRunStats],
    timings: &[Option<Duration>],
) -> Vec<Invocation> {
    let tree = TreeBuilder::new(transaction, stats, timings);
    transaction
        .trace
        .iter()
        .enumerate()
        .filter(|(_, frame)| frame.caller_index.is_none() && frame.outcome.is_some())
        .map(|(trace_index, _)| tree.build(trace_index))
        .collect()
}

/// `run_of[frame]` when the frame ran no VM.
const NO_RUN: usize = usize::MAX;
/// `run_of[frame]` when the frame ran more than one VM (a frame runs at most one, but
/// should that change, its runs are collected by scanning).
const SEVERAL_RUNS: usize = usize::MAX - 1;

/// The trace, the VM runs and the frame times, indexed for building the tree.
struct TreeBuilder<'a> {
    transaction: &'a TransactionOutcome,
    stats: &'a [VmRunStats],
    /// By trace index: the position of the frame's VM run in `stats`, or [`NO_RUN`] or
    /// [`SEVERAL_RUNS`].
    run_of: Vec<usize>,
    timings: &'a [Option<Duration>],
}

impl<'a> TreeBuilder<'a> {
    fn new(
        transaction: &'a TransactionOutcome,
        stats: &'a [VmRunStats],
        timings: &'a [Option<Duration>],
    ) -> Self {
        let mut run_of = vec![NO_RUN; transaction.trace.len()];
        for (position, run) in stats.iter().enumerate() {
            if let Some(slot) = run_of.get_mut(run.trace_index) {
                *slot = if *slot == NO_RUN {
                    position
                } else {
                    SEVERAL_RUNS
                };
            }
        }
        Self {
            transaction,
            stats,
            run_of,
            timings,
        }
    }

    /// The VM runs of the frame at `trace_index`.
    fn runs(&self, trace_index: usize) -> impl Iterator<Item = &'a VmRunStats> + 'a {
        let stats = self.stats;
        let (single, scan) = match self.run_of[trace_index] {
            NO_RUN => (None, false),
            SEVERAL_RUNS => (None, true),
            position => (stats.get(position), false),
        };
        // Scanned only in the case that never arises (see `SEVERAL_RUNS`).
        let scanned = scan
            .then(|| {
                stats
                    .iter()
                    .filter(move |run| run.trace_index == trace_index)
            })
            .into_iter()
            .flatten();
        single.into_iter().chain(scanned)
    }

    /// The frame at `trace_index` with its callees.
    fn build(&self, trace_index: usize) -> Invocation {
        let transaction = self.transaction;
        let frame = &transaction.trace[trace_index];
        let (compute_units_consumed, result) = match &frame.outcome {
            Some(outcome) => (outcome.compute_units_consumed, outcome.result.clone()),
            None => (0, Ok(())),
        };
        let syscalls: Vec<(&'static str, u64, u64)> = self
            .runs(trace_index)
            .flat_map(|run| run.syscalls.iter())
            .map(|(name, usage)| (*name, usage.calls, usage.compute_units))
            .collect();
        let timed = self
            .runs(trace_index)
            .any(|run| run.syscalls.iter().any(|(_, usage)| usage.nanos > 0));
        let syscall_time = if timed {
            self.runs(trace_index)
                .flat_map(|run| run.syscalls.iter())
                .map(|(name, usage)| (*name, Duration::from_nanos(usage.nanos)))
                .collect()
        } else {
            Vec::new()
        };
        let invocations = self.callees(trace_index);
        let callees: u64 = invocations
            .iter()
            .map(|child| child.compute_units_consumed)
            .sum();
        let vm_units: Option<u64> = self
            .runs(trace_index)
            .map(|run| run.compute_units)
            .reduce(|a, b| a + b);
        Invocation {
            trace_index,
            program_id: transaction.account_keys[frame.program_account_index as usize],
            stack_height: frame.stack_height(),
            compute_units_consumed,
            result,
            cost: frame_cost(&syscalls, callees, vm_units, compute_units_consumed),
            syscalls,
            syscall_time,
            wall_time: self.timings.get(trace_index).copied().flatten(),
            invocations,
        }
    }

    /// The frames the frame at `trace_index` invoked, in trace order.
    fn callees(&self, trace_index: usize) -> Vec<Invocation> {
        let trace = &self.transaction.trace;
        let height = trace[trace_index].stack_height();
        // A frame's descendants follow it in the trace, each deeper than it, up to the
        // next frame at its height or above: only that span is scanned, not the rest of
        // the trace (which made a thousand sibling CPIs cost a million comparisons).
        let descendants = trace[trace_index + 1..]
            .iter()
            .take_while(|frame| frame.stack_height() > height)
            .count();
        let span = trace_index + 1..trace_index + 1 + descendants;
        let is_child = |frame: &InstructionFrame| frame.caller_index == Some(trace_index);
        // Sized first: an `Invocation` is large, and growing the vector would move them all.
        let mut invocations =
            Vec::with_capacity(trace[span.clone()].iter().filter(|f| is_child(f)).count());
        for (offset, child) in trace[span.clone()].iter().enumerate() {
            if is_child(child) {
                invocations.push(self.build(span.start + offset));
            }
        }
        invocations
    }
}

/// Splits a frame's own units: its `syscalls` (CPI syscalls' units include the callees,
/// whose total is `callees`), the SBF instructions its VM runs executed (`vm_units` in
/// all, `None` for a frame that ran no VM) and what was charged outside the VM.
fn frame_cost(
    syscalls: &[(&'static str, u64, u64)],
    callees: u64,
    vm_units: Option<u64>,
    compute_units_consumed: u64,
) -> Cost {
    let mut cost = Cost::default();
    let mut cpi_with_callees: u64 = 0;
    for &(name, calls, units) in syscalls {
        if is_cpi_syscall(name) {
            cpi_with_callees += units;
        } else {
            cost.syscalls.push((name, calls, units));
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
    cost
}
