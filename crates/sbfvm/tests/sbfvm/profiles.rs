//! Runtime profiles (`sbfvm::profile`): in every fixture scenario, in both modes, each
//! frame's profile adds up exactly to its compute units, and splits them as the invoke
//! tree's cost does (instructions, each syscall, CPI charges, other).

use std::collections::BTreeMap;

use sbfvm::profile::{InstructionProfile, NodeKind, ProfileNode, Symbols};
use sbfvm::runner::{self, RunOptions};
use sbfvm::scenario::Scenario;
use sbfvm::{ExecutionMode, Invocation};

use crate::common::assert_profile_and_coverage_refuse;
use crate::scenarios::toml_scenarios;

/// What a frame's own nodes (down to, not into, the callee frames) add up to.
#[derive(Debug, Default, PartialEq, Eq)]
struct OwnUnits {
    instructions: u64,
    syscalls: BTreeMap<String, u64>,
    cpi: u64,
    other: u64,
}

/// Sums the frame's own nodes below `node` and collects its callee frames.
fn own_units<'a>(node: &'a ProfileNode, own: &mut OwnUnits, callees: &mut Vec<&'a ProfileNode>) {
    for child in &node.children {
        match child.kind {
            NodeKind::Program => {
                callees.push(child);
                continue;
            }
            NodeKind::Function | NodeKind::Inlined => own.instructions += child.units,
            NodeKind::Syscall => {
                *own.syscalls.entry(child.name.clone()).or_default() += child.units
            }
            NodeKind::Cpi => own.cpi += child.units,
        }
        own_units(child, own, callees);
    }
}

fn check_frame(node: &ProfileNode, invocation: &Invocation, label: &str) {
    let label = format!("{label} frame {}", invocation.trace_index);
    assert_eq!(node.kind, NodeKind::Program, "{label}");
    assert_eq!(node.name, invocation.program_id.to_string(), "{label}");
    assert_eq!(
        node.total_units(),
        invocation.compute_units_consumed,
        "{label}: the profile does not add up to the frame's units\n{node:#?}"
    );
    let mut own = OwnUnits {
        other: node.units,
        ..OwnUnits::default()
    };
    let mut callees = Vec::new();
    own_units(node, &mut own, &mut callees);
    let cost = &invocation.cost;
    let ran_vm = node
        .children
        .iter()
        .any(|child| child.kind == NodeKind::Function);
    if ran_vm {
        let expected = OwnUnits {
            instructions: cost.instructions,
            syscalls: cost
                .syscalls
                .iter()
                .map(|(name, _, units)| (name.to_string(), *units))
                .collect(),
            cpi: cost.cpi,
            other: cost.other,
        };
        assert_eq!(
            own, expected,
            "{label}: the profile splits the units differently"
        );
    }
    // Callee frames hang under their call sites, grouped by site: pair them by program and units.
    let key = |program: String, units: u64| (program, units);
    let mut nodes: Vec<_> = callees
        .into_iter()
        .map(|n| (key(n.name.clone(), n.total_units()), n))
        .collect();
    let mut frames: Vec<_> = invocation
        .invocations
        .iter()
        .map(|i| (key(i.program_id.to_string(), i.compute_units_consumed), i))
        .collect();
    nodes.sort_by(|a, b| a.0.cmp(&b.0));
    frames.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(nodes.len(), frames.len(), "{label}: callee frames");
    for ((_, node), (_, callee)) in nodes.into_iter().zip(frames) {
        check_frame(node, callee, &label);
    }
}

fn check_profile(profile: &InstructionProfile, invocations: &[Invocation], label: &str) {
    assert_eq!(
        profile.frames.len(),
        invocations.len(),
        "{label}: top-level frames"
    );
    for (node, invocation) in profile.frames.iter().zip(invocations) {
        check_frame(node, invocation, label);
    }
    // The folded stacks carry every unit once.
    let folded: u64 = profile
        .folded()
        .iter()
        .map(|line| line.rsplit_once(' ').unwrap().1.parse::<u64>().unwrap())
        .sum();
    assert_eq!(folded, profile.total_units(), "{label}: folded stacks");
}

#[test]
fn every_frame_of_every_scenario_has_a_profile_that_adds_up_in_both_modes() {
    let mut frames_checked = 0;
    for (path, scenario) in toml_scenarios() {
        for mode in [ExecutionMode::Interpreter, ExecutionMode::Jit] {
            let options = RunOptions {
                mode: Some(mode),
                trace: None,
                profile: true,
                coverage: false,
            };
            let report = runner::run_with(&scenario, &options)
                .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
            let plain = runner::run(&scenario, Some(mode)).unwrap();
            for (entry, unprofiled) in report
                .instructions
                .iter()
                .chain(&report.transactions)
                .zip(plain.instructions.iter().chain(&plain.transactions))
            {
                let label = format!("{} {mode:?} #{}", path.display(), entry.index);
                // Profiling changes nothing a program can observe.
                assert_eq!(
                    entry.outcome.compute_units_consumed(),
                    unprofiled.outcome.compute_units_consumed(),
                    "{label}"
                );
                assert_eq!(entry.outcome.logs(), unprofiled.outcome.logs(), "{label}");
                let profile = entry.profile.as_ref().expect("profiled");
                check_profile(profile, &entry.outcome.invocations, &label);
                frames_checked += count_frames(&entry.outcome.invocations);
            }
        }
    }
    assert!(frames_checked > 200, "only {frames_checked} frames checked");
}

fn count_frames(invocations: &[Invocation]) -> usize {
    invocations
        .iter()
        .map(|invocation| 1 + count_frames(&invocation.invocations))
        .sum()
}

/// The dynamic symbol names the entrypoint; a function without a symbol is named by its
/// address.
#[test]
fn functions_are_named_from_the_symbol_tables() {
    let elf = std::fs::read(crate::common::fixtures_dir().join("log.so")).unwrap();
    let symbols = Symbols::from_elf(&elf).unwrap();
    let entry = goblin_entry_pc(&elf);
    assert_eq!(symbols.function_name(entry), "entrypoint");
    assert!(symbols.function_name(entry + 1).starts_with("function_0x"));
}

/// The entrypoint's instruction index, from the ELF header and the `.text` section.
fn goblin_entry_pc(elf: &[u8]) -> u64 {
    let text = sbfvm::vm::inspect::summarize(elf)
        .unwrap()
        .sections
        .into_iter()
        .find(|section| section.name == ".text")
        .unwrap();
    let entry = sbfvm::vm::inspect::summarize(elf).unwrap().entrypoint;
    (entry - text.address) / 8
}

/// A symbol whose name lies outside its string table is a clear error for profiles and
/// coverage, not a panic nor a made-up name; the program still loads and runs.
#[test]
fn an_elf_with_a_broken_symbol_is_a_clear_error() {
    let mut elf = std::fs::read(crate::common::fixtures_dir().join("log.so")).unwrap();
    break_first_dynamic_symbol_name(&mut elf);
    let error = Symbols::from_elf(&elf).unwrap_err();
    assert!(error.contains("outside its string table"), "{error}");

    // Coverage names functions from the same symbols, and says so the same way.
    assert_profile_and_coverage_refuse(&elf, &[], "outside its string table", "broken symbol");
}

/// Points the name of `.dynsym`'s first defined symbol (the entrypoint) past `.dynstr`.
pub(crate) fn break_first_dynamic_symbol_name(elf: &mut [u8]) {
    let summary = sbfvm::vm::inspect::summarize(elf).unwrap();
    let dynsym = summary
        .sections
        .iter()
        .find(|section| section.name == ".dynsym")
        .unwrap();
    // Entry 1 (entry 0 is the null symbol); st_name is its first 4 bytes.
    let name = dynsym.offset as usize + 24;
    elf[name..name + 4].copy_from_slice(&0x00ff_ff00u32.to_le_bytes());
}

/// One tracer slot: traces and profiles in one run are refused, not silently one of them.
#[test]
fn a_run_profiles_or_traces_not_both() {
    let scenario = Scenario::load(&crate::common::fixtures_dir().join("log.toml")).unwrap();
    let options = RunOptions {
        mode: None,
        trace: Some(sbfvm::trace::TraceOptions {
            dir: std::env::temp_dir(),
            program: None,
        }),
        profile: true,
        coverage: false,
    };
    let error = runner::run_with(&scenario, &options).unwrap_err();
    assert_eq!(
        error.to_string(),
        "a run records traces, or profiles and coverage, not both"
    );
}
