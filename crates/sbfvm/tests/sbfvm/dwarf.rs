//! DWARF in profiles and coverage (`sbfvm::source`): the fixtures built with `-g`
//! (`programs/dwarf_loop.c`, `programs/dwarf_cpi.c`, `fixtures/dwarf.toml`) get source
//! names, file:line and inlined frames in their profiles and line coverage counted by hand;
//! broken DWARF is a clear error, never a panic.

use sbfvm::coverage::CoverageKind;
use sbfvm::profile::{NodeKind, ProfileNode, ProgramNames};
use sbfvm::runner::{self, RunOptions};
use sbfvm::scenario::Scenario;

use crate::common::{assert_profile_and_coverage_refuse, elf, fixtures_dir, MODES};

const LOOP_SOURCE: &str = "programs/dwarf_loop.c";

/// `dwarf_loop.so` with data `01 02 04` (three bytes, sum 7: odd), line by line from
/// `programs/dwarf_loop.c` as clang -O2 compiles it:
/// - `entrypoint` (30) loads the account count (31), checks it (32), loads the length (35),
///   calls `sum_bytes` (36), then runs the inlined `report`: the parity test (23) and the
///   odd branch's `sol_log_` (24) once each; the even branch (26) never runs; the closing
///   brace's `exit` (39) once. Line 33's error value is loaded up front at line 30, and
///   line 38's `return 0` shares the tail of the two branches, which the line table
///   attributes to no line (line 0): neither has code of its own.
/// - `sum_bytes` (14) once, the loop header (16) once for the length test and three times
///   for the increment and compare, the body (17) three times, `return sum` (19) once.
///
/// A line's count is the most executions of any of its instructions. The SBPF v3 build
/// (`dwarf_loop_v3.so`, text and DWARF addresses at 0x1_0000_0000) gives the same lines.
const HIT_LINES_BY_HAND: [(u32, u64); 13] = [
    (14, 1),
    (16, 3),
    (17, 3),
    (19, 1),
    (23, 1),
    (24, 1),
    (26, 0),
    (30, 1),
    (31, 1),
    (32, 1),
    (35, 1),
    (36, 1),
    (39, 1),
];

#[test]
fn a_small_program_with_dwarf_gets_the_line_coverage_counted_by_hand() {
    for (elf, mode) in ["dwarf_loop.so", "dwarf_loop_v3.so"]
        .into_iter()
        .flat_map(|elf| MODES.map(|mode| (elf, mode)))
    {
        let scenario = Scenario::single_program(&fixtures_dir().join(elf), &[1, 2, 4]);
        let options = RunOptions {
            mode: Some(mode),
            coverage: true,
            ..RunOptions::default()
        };
        let report = runner::run_with(&scenario, &options).unwrap();
        assert!(report.instructions[0].outcome.is_ok());
        let coverage = report.coverage.unwrap();
        let program = &coverage.programs[0];
        assert_eq!(program.kind, CoverageKind::SourceLines);
        assert_eq!(program.files.len(), 1, "{:?}", program.files);
        let file = &program.files[0];
        assert_eq!(file.path, LOOP_SOURCE);
        assert_eq!(file.lines, HIT_LINES_BY_HAND, "{elf} {mode:?}");
        assert_eq!((file.hit, file.total), (12, 13));
        // Functions are named from DWARF, at the line of their first instruction.
        let functions: Vec<(&str, Option<&str>, u64)> = program
            .functions
            .iter()
            .map(|f| (f.name.as_str(), f.location.as_deref(), f.executions))
            .collect();
        assert_eq!(
            functions,
            [
                ("entrypoint", Some("programs/dwarf_loop.c:30"), 1),
                ("sum_bytes", Some("programs/dwarf_loop.c:14"), 1),
            ]
        );
        let lcov = program.source_lcov_records();
        let mut expected = String::from("TN:\nSF:programs/dwarf_loop.c\n");
        expected.push_str("FN:30,entrypoint\nFN:14,sum_bytes\n");
        expected.push_str("FNDA:1,entrypoint\nFNDA:1,sum_bytes\nFNF:2\nFNH:2\n");
        for (line, hits) in HIT_LINES_BY_HAND {
            expected.push_str(&format!("DA:{line},{hits}\n"));
        }
        expected.push_str("LF:13\nLH:12\nend_of_record\n");
        assert_eq!(lcov, expected);
    }
}

/// The program without DWARF keeps instruction coverage.
#[test]
fn a_program_without_dwarf_keeps_instruction_coverage() {
    let scenario = Scenario::single_program(&fixtures_dir().join("log.so"), &[]);
    let options = RunOptions {
        coverage: true,
        ..RunOptions::default()
    };
    let coverage = runner::run_with(&scenario, &options)
        .unwrap()
        .coverage
        .unwrap();
    assert_eq!(coverage.programs[0].kind, CoverageKind::Instructions);
    assert!(coverage.programs[0].files.is_empty());
    let names = ProgramNames::from_elf(&elf("log.so")).unwrap();
    assert!(names.source.is_none());
}

fn find<'a>(nodes: &'a [ProfileNode], kind: NodeKind, label: &str) -> &'a ProfileNode {
    nodes
        .iter()
        .find(|node| node.kind == kind && node.label() == label)
        .unwrap_or_else(|| panic!("no {kind:?} {label} among {nodes:#?}"))
}

/// `entrypoint` of dwarf_loop.so with data `01 02 04`, by instruction (pcs from
/// `llvm-objdump -d -l`): its own 0, 2–6, 21, 22 (8 units); `report` inlined at line 37,
/// pcs 7–14 without the lddw's second slot (7 units) and the `sol_log_` call under it;
/// `sum_bytes` 3 + 3 × 6 + 1 = 22 units. The same for the SBPF v3 build.
#[test]
fn inlined_functions_are_nodes_of_their_own_with_their_call_site() {
    for (file, mode) in ["dwarf.toml", "dwarf_v3.toml"]
        .into_iter()
        .flat_map(|file| MODES.map(|mode| (file, mode)))
    {
        let scenario = Scenario::load(&fixtures_dir().join(file)).unwrap();
        let options = RunOptions {
            mode: Some(mode),
            profile: true,
            ..RunOptions::default()
        };
        let report = runner::run_with(&scenario, &options).unwrap();
        let profile = report.instructions[0].profile.as_ref().unwrap();
        let frame = &profile.frames[0];
        let entrypoint = find(
            &frame.children,
            NodeKind::Function,
            "entrypoint (programs/dwarf_loop.c:30)",
        );
        assert_eq!(entrypoint.units, 8, "{file} {mode:?} {entrypoint:#?}");
        let report_node = find(
            &entrypoint.children,
            NodeKind::Inlined,
            "report (programs/dwarf_loop.c:37)",
        );
        assert_eq!((report_node.units, report_node.calls), (7, 0));
        let log = find(&report_node.children, NodeKind::Syscall, "sol_log_");
        assert_eq!(log.calls, 1);
        let sum = find(
            &entrypoint.children,
            NodeKind::Function,
            "sum_bytes (programs/dwarf_loop.c:14)",
        );
        assert_eq!((sum.units, sum.calls), (22, 1));
        assert!(profile
            .folded()
            .contains(&format!(
                "{};entrypoint (programs/dwarf_loop.c:30);report (programs/dwarf_loop.c:37);sol_log_ {}",
                frame.name, log.units
            )));
    }
}

/// Depth-first: the first node of `kind` whose name is `name`.
fn find_deep<'a>(node: &'a ProfileNode, kind: NodeKind, name: &str) -> Option<&'a ProfileNode> {
    if node.kind == kind && node.name == name {
        return Some(node);
    }
    node.children
        .iter()
        .find_map(|child| find_deep(child, kind, name))
}

/// dwarf_cpi's two CPIs hang under the inlined `sol_invoke` (sbfvm.h) inside
/// `invoke_program`, and each callee frame under them has its own source-level tree.
#[test]
fn cpi_callees_nest_under_the_inlined_call_site() {
    let scenario = Scenario::load(&fixtures_dir().join("dwarf.toml")).unwrap();
    let options = RunOptions {
        profile: true,
        ..RunOptions::default()
    };
    let report = runner::run_with(&scenario, &options).unwrap();
    let profile = report.instructions[1].profile.as_ref().unwrap();
    let frame = &profile.frames[0];
    let invoke = find_deep(frame, NodeKind::Function, "invoke_program").expect("invoke_program");
    assert_eq!(invoke.calls, 2);
    let inlined = find_deep(invoke, NodeKind::Inlined, "sol_invoke").expect("sol_invoke");
    assert!(inlined
        .location
        .as_deref()
        .is_some_and(|location| location.starts_with("programs/dwarf_cpi.c:")));
    let cpi = find_deep(inlined, NodeKind::Cpi, "sol_invoke_signed_c").expect("the CPI");
    let callees: Vec<&ProfileNode> = cpi
        .children
        .iter()
        .filter(|child| child.kind == NodeKind::Program)
        .collect();
    assert_eq!(callees.len(), 2);
    for callee in callees {
        assert!(find_deep(callee, NodeKind::Inlined, "report").is_some());
        assert!(find_deep(callee, NodeKind::Function, "sum_bytes").is_some());
    }
    assert_eq!(
        profile.total_units(),
        report.instructions[1].outcome.compute_units_consumed()
    );
}

/// The file range of section `name`.
fn section_range(elf: &[u8], name: &str) -> std::ops::Range<usize> {
    let section = sbfvm::vm::inspect::summarize(elf)
        .unwrap()
        .sections
        .into_iter()
        .find(|section| section.name == name)
        .unwrap_or_else(|| panic!("no {name}"));
    section.offset as usize..(section.offset + section.size) as usize
}

/// Broken DWARF (a unit longer than its section, an abbreviation offset past its section)
/// is an error that says so, for the profiles and coverage alike; the program still runs.
#[test]
fn broken_dwarf_is_a_clear_error() {
    let original = elf("dwarf_loop.so");
    let info = section_range(&original, ".debug_info");
    // DWARF 4 unit header: unit_length (4 bytes), version (2), debug_abbrev_offset (4).
    let truncated_unit = {
        let mut elf = original.clone();
        elf[info.start..info.start + 4].copy_from_slice(&0x7fff_0000u32.to_le_bytes());
        elf
    };
    let bad_abbrev_offset = {
        let mut elf = original.clone();
        elf[info.start + 6..info.start + 10].copy_from_slice(&0x00ff_ff00u32.to_le_bytes());
        elf
    };
    for (label, elf) in [
        ("truncated unit", truncated_unit),
        ("bad abbreviation offset", bad_abbrev_offset),
    ] {
        let error = ProgramNames::from_elf(&elf).unwrap_err();
        assert!(error.contains("unreadable DWARF"), "{label}: {error}");
        assert!(error.contains("--strip-debug"), "{label}: {error}");
        assert_profile_and_coverage_refuse(&elf, &[1], "unreadable DWARF", label);
    }
}

/// Random byte flips anywhere in the debug sections of both DWARF fixtures: reading and
/// looking up every pc gives answers or errors, never a panic.
#[test]
fn corrupted_dwarf_never_panics() {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut errors = 0;
    for name in ["dwarf_loop.so", "dwarf_cpi.so"] {
        let original = elf(name);
        let ranges: Vec<_> = [".debug_info", ".debug_line", ".debug_abbrev", ".debug_str"]
            .iter()
            .map(|section| section_range(&original, section))
            .collect();
        let text = section_range(&original, ".text");
        for _ in 0..150 {
            let mut elf = original.clone();
            for _ in 0..4 {
                let range = &ranges[(next() % ranges.len() as u64) as usize];
                let at = range.start + (next() % range.len() as u64) as usize;
                elf[at] = next() as u8;
            }
            match ProgramNames::from_elf(&elf) {
                Ok(names) => {
                    for pc in 0..(text.len() / 8) as u64 {
                        let _ = names.function(pc);
                        if let Some(source) = &names.source {
                            let _ = source.line(pc);
                            let _ = source.frames(pc);
                        }
                    }
                }
                Err(_) => errors += 1,
            }
        }
    }
    // Most flips land somewhere a parser notices.
    assert!(errors > 0);
}
