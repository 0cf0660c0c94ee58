//! `sbfvm run SCENARIO|PROGRAM.so`: runs a scenario (or one program), prints the report,
//! and writes or checks a compute-unit snapshot.

use std::path::{Path, PathBuf};

use sbfvm::debug;
use sbfvm::report::{human_report, json_report};
use sbfvm::profile::{self, InstructionProfile, ProfileFiles};
use sbfvm::runner::{self, RunOptions, RunReport};
use sbfvm::scenario::{parse_data, parse_pubkey, Scenario};
use sbfvm::snapshot::{self, Snapshot};
use sbfvm::trace::TraceOptions;
use sbfvm::ExecutionMode;

use crate::error::CliError;
use crate::output::{print, print_json};
use crate::Status;

/// The demo scenario run when no command is given.
const DEMO_SCENARIO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/demo.toml");

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// A scenario file (.toml, or .json) or a program (.so) to run with no accounts
    #[arg(value_name = "SCENARIO|PROGRAM.so")]
    target: PathBuf,
    /// Print the machine-readable report
    #[arg(long)]
    json: bool,
    /// Execution mode: interpreter or jit (default: the scenario's, else jit)
    #[arg(long, value_name = "MODE", value_parser = super::parse_mode, allow_hyphen_values = true)]
    mode: Option<ExecutionMode>,
    /// Instruction data (hex) when running a .so directly
    #[arg(long, value_name = "HEX", allow_hyphen_values = true)]
    data: Option<String>,
    /// Write the compute units of every instruction and frame to FILE
    #[arg(long, value_name = "FILE", allow_hyphen_values = true)]
    snapshot: Option<PathBuf>,
    /// Exit 1 and list the differences if any compute unit differs from FILE
    #[arg(long, value_name = "FILE", allow_hyphen_values = true)]
    check_snapshot: Option<PathBuf>,
    /// Write every executed instruction (pc, disassembly, registers) of every frame, CPIs
    /// included, one file per frame, into DIR
    #[arg(long, value_name = "DIR", allow_hyphen_values = true)]
    trace: Option<PathBuf>,
    /// Trace only this program's frames
    #[arg(long, value_name = "ID", allow_hyphen_values = true)]
    trace_program: Option<String>,
    /// Profile every instruction: compute units per function across the CPI tree, written
    /// to DIR as folded stacks and flamegraphs (ixNNN.folded/.svg, merged.folded/.svg)
    /// and in the --json report; prints the top functions
    #[arg(long, value_name = "DIR", allow_hyphen_values = true, conflicts_with = "trace")]
    profile: Option<PathBuf>,
    /// Rows of the profile's function table
    #[arg(long, value_name = "N", default_value_t = 10, requires = "profile")]
    top: usize,
    /// Coverage of every program that ran: SBF instructions executed per function and
    /// program, and source lines from DWARF when a program has it; printed, in the --json
    /// report, and written to OUT as lcov (source files with DWARF, else one line per
    /// instruction with listings in OUT.listings/)
    #[arg(long, value_name = "OUT", allow_hyphen_values = true, conflicts_with = "trace")]
    coverage: Option<PathBuf>,
    /// Debug one frame with GDB: a GDB remote stub on 127.0.0.1:PORT (0 picks a free port)
    /// waits for a client when the frame starts (by default the first top-level frame);
    /// that frame runs in the interpreter, with the same results and compute units
    #[arg(
        long,
        value_name = "PORT",
        value_parser = parse_debug_port,
        conflicts_with_all = ["trace", "profile", "coverage"]
    )]
    debug_port: Option<u16>,
    /// Debug the first frame that runs this program
    #[arg(long, value_name = "ID", allow_hyphen_values = true, requires = "debug_port")]
    debug_program: Option<String>,
    /// Debug the first frame at this index of its transaction's instruction trace: 0-based
    /// in invoke order (0 the top-level frame, 1 its first CPI; the tNN of --trace files)
    #[arg(long, value_name = "N", value_parser = parse_debug_frame, requires = "debug_port")]
    debug_frame: Option<usize>,
}

/// `sbfvm` with no command: the demo scenario.
pub(crate) fn demo() -> Result<Status, CliError> {
    execute(Args {
        target: PathBuf::from(DEMO_SCENARIO),
        json: false,
        mode: None,
        data: None,
        snapshot: None,
        check_snapshot: None,
        trace: None,
        trace_program: None,
        profile: None,
        top: 10,
        coverage: None,
        debug_port: None,
        debug_program: None,
        debug_frame: None,
    })
}

pub(crate) fn execute(args: Args) -> Result<Status, CliError> {
    let scenario = load_target(&args)?;
    if let Some(path) = &args.coverage {
        // Before the run, so a path that cannot be written fails fast.
        std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(path)
            .map_err(|error| sbfvm::Error::Io {
                path: path.clone(),
                message: format!("cannot write the coverage file: {error}"),
            })?;
    }
    let options = RunOptions {
        mode: args.mode,
        trace: trace_options(&args)?,
        profile: args.profile.is_some(),
        coverage: args.coverage.is_some(),
    };
    let (report, debugged) = match bind_debugger(&args)? {
        Some(debugger) => {
            let (report, debugged) = debug::run_debugged(&scenario, &options, debugger)?;
            (report, Some(debugged))
        }
        None => (runner::run_with(&scenario, &options)?, None),
    };
    if args.json {
        for warning in &report.warnings {
            eprintln!("warning: {warning}");
        }
        print_json(&json_report(&report));
    } else {
        print(human_report(&report));
    }
    if let Some(dir) = &args.profile {
        let table = write_profiles(dir, &report, args.top)?;
        // On stderr with --json, so stdout stays one JSON document.
        if args.json {
            eprint!("{table}");
        } else {
            print(table);
        }
        eprintln!(
            "profiles written to {} (profiled frames ran in the interpreter; the units are \
             those of either mode)",
            dir.display()
        );
    }
    if let (Some(path), Some(coverage)) = (&args.coverage, &report.coverage) {
        coverage.write_lcov(path)?;
        let table = coverage.render_table();
        // On stderr with --json, so stdout stays one JSON document.
        if args.json {
            eprint!("{table}");
        } else {
            print(table);
        }
        eprintln!("coverage written to {}", coverage.lcov_description(path));
    }
    let snapshot = snapshot::from_report(&report);
    if let Some(path) = &args.snapshot {
        write_snapshot(path, &snapshot)?;
    }
    let snapshot_matches = match &args.check_snapshot {
        Some(path) => check_snapshot(path, &snapshot)?,
        None => true,
    };
    if let Some(debugged) = &debugged {
        let session = debugged.session()?;
        eprintln!("debugged {} ({:?})", session.frame, session.end);
    }
    Ok(Status::from_ok(
        expectations_met(&report) && snapshot_matches,
    ))
}

/// `--debug-port`, in words that name the flag.
fn parse_debug_port(text: &str) -> Result<u16, String> {
    text.parse().map_err(|_| {
        format!("--debug-port: `{text}` is not a port (0 to 65535; 0 picks a free one)")
    })
}

/// `--debug-frame`, in words that name the flag.
fn parse_debug_frame(text: &str) -> Result<usize, String> {
    text.parse().map_err(|_| {
        format!(
            "--debug-frame: `{text}` is not a trace index (0 the top-level frame, 1 its \
             first CPI, …)"
        )
    })
}

/// The GDB stub of `--debug-port`, bound before the run so that a taken port fails fast.
fn bind_debugger(args: &Args) -> Result<Option<debug::Debugger>, CliError> {
    let Some(port) = args.debug_port else {
        return Ok(None);
    };
    let program = match &args.debug_program {
        Some(id) => Some(parse_pubkey(id, "--debug-program")?),
        None => None,
    };
    let selector = debug::FrameSelector {
        program,
        trace_index: args.debug_frame,
    };
    // The notices say when to connect: on stderr, so stdout stays the report.
    let debugger = debug::Debugger::bind(port, selector)?.on_notice(|line| eprintln!("{line}"));
    Ok(Some(debugger))
}

fn expectations_met(report: &RunReport) -> bool {
    report.expectations_failed() == 0
}

/// The scenario file, or a scenario around the program file.
fn load_target(args: &Args) -> Result<Scenario, CliError> {
    let is_program = args.target.extension().is_some_and(|ext| ext == "so");
    if !is_program {
        if args.data.is_some() {
            return Err(CliError::Usage(
                "--data applies only when running a .so file".into(),
            ));
        }
        return Ok(Scenario::load(&args.target)?);
    }
    if !args.target.exists() {
        return Err(sbfvm::Error::Io {
            path: args.target.clone(),
            message: "no such file".into(),
        }
        .into());
    }
    let data = match args.data.as_deref() {
        Some(text) => {
            let text = text.strip_prefix("0x").unwrap_or(text);
            let text = text.strip_prefix("hex:").unwrap_or(text);
            parse_data(&format!("hex:{text}"), "--data")?
        }
        None => Vec::new(),
    };
    Ok(Scenario::single_program(&args.target, &data))
}

fn trace_options(args: &Args) -> Result<Option<TraceOptions>, CliError> {
    if args.trace_program.is_some() && args.trace.is_none() {
        return Err(CliError::Usage("--trace-program needs --trace DIR".into()));
    }
    let Some(dir) = &args.trace else {
        return Ok(None);
    };
    let program = match &args.trace_program {
        Some(id) => Some(parse_pubkey(id, "--trace-program")?),
        None => None,
    };
    Ok(Some(TraceOptions {
        dir: dir.clone(),
        program,
    }))
}

/// Writes each instruction's and transaction's profile and the merged one into `dir`;
/// returns the table of the top functions.
fn write_profiles(dir: &Path, report: &RunReport, top: usize) -> Result<String, CliError> {
    let mut all = Vec::new();
    let entries = [("ix", "instruction", &report.instructions), ("tx", "transaction", &report.transactions)];
    for (prefix, what, entries) in entries {
        for entry in entries {
            let Some(profile) = &entry.profile else {
                continue;
            };
            let lines = profile.folded();
            let stem = format!("{prefix}{:03}", entry.index);
            let title = format!(
                "sbfvm: {what} {}{} ({} CU)",
                entry.index,
                entry.name.as_deref().map(|name| format!(" {name}")).unwrap_or_default(),
                profile.total_units()
            );
            profile::write_profile(&ProfileFiles { dir, stem: &stem, title: &title }, &lines)?;
            all.extend(lines);
        }
    }
    let merged = profile::merge_folded(&all);
    let profiles = report
        .instructions
        .iter()
        .chain(&report.transactions)
        .filter_map(|entry| entry.profile.as_ref());
    let units: u64 = profiles.clone().map(InstructionProfile::total_units).sum();
    let title = format!("sbfvm: every instruction ({units} CU)");
    profile::write_profile(&ProfileFiles { dir, stem: "merged", title: &title }, &merged)?;
    Ok(profile::render_table(&profile::function_table(profiles), top, units))
}

fn write_snapshot(path: &Path, snapshot: &Snapshot) -> Result<(), CliError> {
    let text = serde_json::to_string_pretty(snapshot).expect("snapshot JSON");
    std::fs::write(path, text + "\n").map_err(|error| sbfvm::Error::Io {
        path: path.to_path_buf(),
        message: error.to_string(),
    })?;
    eprintln!("compute-unit snapshot written to {}", path.display());
    Ok(())
}

/// Compares with the snapshot in `path`; false (after listing the differences) when any
/// compute unit changed.
fn check_snapshot(path: &Path, snapshot: &Snapshot) -> Result<bool, CliError> {
    let text = sbfvm::read_input_text(path, sbfvm::MAX_INPUT_TEXT_BYTES)?;
    let expected: Snapshot = serde_json::from_str(&text).map_err(|error| sbfvm::Error::Io {
        path: path.to_path_buf(),
        message: format!("not a compute-unit snapshot: {error}"),
    })?;
    let differences = snapshot::differences(&expected, snapshot);
    if differences.is_empty() {
        eprintln!("compute units match {}", path.display());
        return Ok(true);
    }
    eprintln!("compute units differ from {}:", path.display());
    for line in differences {
        eprintln!("  {line}");
    }
    Ok(false)
}
