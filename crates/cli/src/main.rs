//! The `sbfvm` command line.

// The CLI runs many small transactions back to back (benchmarks, scenario files); mimalloc
// serves the runtime's small per-frame allocations (log lines, trace entries) faster than
// the system allocator. The library leaves the choice to its users.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use sbfvm::report::{human_report, json_report};
use sbfvm::runner;
use sbfvm::scenario::{parse_data, Scenario, ScenarioFile};
use sbfvm::{Error, ExecutionMode};
use sbfvm_conformance as conformance;

/// The conformance runner's errors, in the CLI's error type.
fn conformance_error(error: conformance::Error) -> Error {
    match error {
        conformance::Error::Io { path, message } => Error::Io { path, message },
    }
}

/// Writes to stdout, ignoring a closed pipe (`sbfvm … | head` must not panic).
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout(), $($arg)*);
    }};
}

macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

const USAGE: &str = "\
sbfvm — run compiled Solana SBF programs locally with Agave-exact results

USAGE:
    sbfvm                                   run the built-in demo scenario
    sbfvm run SCENARIO.toml|SCENARIO.json   run a scenario file
    sbfvm run PROGRAM.so [--data HEX]       run one program with no accounts
    sbfvm inspect PROGRAM.so [--json]       SBPF version, sections, functions, imported
                                            syscalls, and the strict deployment checks
    sbfvm conformance PATH...               run Firedancer conformance fixtures (.fix
                                            files or directories, searched recursively)
    sbfvm bench [GROUP|SCENARIO] [--json]   time load/execute/syscall/cpi scenarios (use a
                                            release build); Markdown table or JSON

OPTIONS (run):
    --json                     print the machine-readable report
    --mode interpreter|jit     execution mode (default: the scenario's, else jit)
    --data HEX                 instruction data when running a .so directly
    --snapshot FILE            write the compute units of every instruction and frame
    --trace DIR                write every executed instruction (pc, disassembly, registers)
                               of every frame, CPIs included, one file per frame
    --trace-program ID         trace only this program's frames
    --check-snapshot FILE      exit 1 and list the differences if any compute unit changed

OPTIONS (conformance):
    --json                     print the summary and every failure as JSON
    --verbose NAME             show one fixture (file name, stem or path) field by field
    --mode interpreter|jit     how vm_interp programs run (default: interpreter)
";

/// The demo scenario run when no arguments are given.
const DEMO_SCENARIO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/demo.toml");

struct RunArgs {
    target: PathBuf,
    json: bool,
    mode: Option<ExecutionMode>,
    data: Option<String>,
    snapshot: Option<PathBuf>,
    check_snapshot: Option<PathBuf>,
    trace: Option<PathBuf>,
    trace_program: Option<String>,
}

fn parse_run_args(args: &[String]) -> Result<RunArgs, Error> {
    let mut target = None;
    let mut json = false;
    let mut mode = None;
    let mut data = None;
    let mut snapshot = None;
    let mut check_snapshot = None;
    let mut trace = None;
    let mut trace_program = None;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--json" => json = true,
            "--mode" => {
                let value = iter.next().ok_or_else(|| {
                    Error::Usage("--mode needs a value (interpreter or jit)".into())
                })?;
                mode = Some(value.parse().map_err(Error::Usage)?);
            }
            "--trace" => {
                let value = iter
                    .next()
                    .ok_or_else(|| Error::Usage("--trace needs a directory".into()))?;
                trace = Some(PathBuf::from(value));
            }
            "--trace-program" => {
                let value = iter
                    .next()
                    .ok_or_else(|| Error::Usage("--trace-program needs a program id".into()))?;
                trace_program = Some(value.clone());
            }
            "--snapshot" | "--check-snapshot" => {
                let value = iter
                    .next()
                    .ok_or_else(|| Error::Usage(format!("{arg} needs a file")))?;
                if arg == "--snapshot" {
                    snapshot = Some(PathBuf::from(value));
                } else {
                    check_snapshot = Some(PathBuf::from(value));
                }
            }
            "--data" => {
                data = Some(
                    iter.next()
                        .ok_or_else(|| Error::Usage("--data needs a hex value".into()))?
                        .clone(),
                );
            }
            "-h" | "--help" => return Err(Error::Usage(USAGE.to_string())),
            flag if flag.starts_with('-') => {
                return Err(Error::Usage(format!("unknown option `{flag}`\n\n{USAGE}")))
            }
            path => {
                if target.replace(PathBuf::from(path)).is_some() {
                    return Err(Error::Usage(format!("`run` takes one file\n\n{USAGE}")));
                }
            }
        }
    }
    let target = target.ok_or_else(|| {
        Error::Usage(format!("`run` needs a scenario or program file\n\n{USAGE}"))
    })?;
    Ok(RunArgs {
        target,
        json,
        mode,
        data,
        snapshot,
        check_snapshot,
        trace,
        trace_program,
    })
}

/// A scenario that runs one program (upgradeable loader) with no accounts.
fn program_scenario(program: &Path, data: Option<&str>) -> Result<Scenario, Error> {
    let data_hex = match data {
        Some(text) => {
            let text = text.strip_prefix("0x").unwrap_or(text);
            let text = text.strip_prefix("hex:").unwrap_or(text);
            parse_data(&format!("hex:{text}"), "--data")?;
            format!("hex:{text}")
        }
        None => "hex:".to_string(),
    };
    let program_id =
        sbfvm::Pubkey::new_from_array(*b"sbfvm-run-program-00000000000000").to_string();
    let text = format!(
        "[[programs]]\nprogram_id = \"{program_id}\"\nelf = {elf:?}\n\n[[instructions]]\nprogram_id = \"{program_id}\"\ndata = \"{data_hex}\"\n",
        elf = program.to_string_lossy(),
    );
    let file: ScenarioFile = Scenario::parse(&text, Path::new("program.toml"))?;
    Ok(Scenario {
        file,
        base_dir: PathBuf::new(),
        path: program.to_path_buf(),
    })
}

fn run(args: RunArgs) -> Result<ExitCode, Error> {
    let is_program = args.target.extension().is_some_and(|ext| ext == "so");
    let scenario = if is_program {
        if !args.target.exists() {
            return Err(Error::Io {
                path: args.target.clone(),
                message: "no such file".into(),
            });
        }
        program_scenario(&args.target, args.data.as_deref())?
    } else {
        if args.data.is_some() {
            return Err(Error::Usage(
                "--data applies only when running a .so file".into(),
            ));
        }
        Scenario::load(&args.target)?
    };
    if args.trace_program.is_some() && args.trace.is_none() {
        return Err(Error::Usage("--trace-program needs --trace DIR".into()));
    }
    let trace = match &args.trace {
        Some(dir) => Some(sbfvm::trace::TraceOptions {
            dir: dir.clone(),
            program: match &args.trace_program {
                Some(id) => Some(sbfvm::scenario::parse_pubkey(id, "--trace-program")?),
                None => None,
            },
        }),
        None => None,
    };
    let report = runner::run_with_trace(&scenario, args.mode, trace.as_ref())?;
    if args.json {
        for warning in &report.warnings {
            eprintln!("warning: {warning}");
        }
        outln!(
            "{}",
            serde_json::to_string_pretty(&json_report(&report)).expect("JSON report")
        );
    } else {
        out!("{}", human_report(&report));
    }
    let snapshot = sbfvm::snapshot::from_report(&report);
    if let Some(path) = &args.snapshot {
        let text = serde_json::to_string_pretty(&snapshot).expect("snapshot JSON");
        std::fs::write(path, text + "\n").map_err(|error| Error::Io {
            path: path.clone(),
            message: error.to_string(),
        })?;
        eprintln!("compute-unit snapshot written to {}", path.display());
    }
    let mut snapshot_changed = false;
    if let Some(path) = &args.check_snapshot {
        let text = sbfvm::read_input_text(path, sbfvm::MAX_INPUT_TEXT_BYTES)?;
        let expected: sbfvm::snapshot::Snapshot =
            serde_json::from_str(&text).map_err(|error| Error::Io {
                path: path.clone(),
                message: format!("not a compute-unit snapshot: {error}"),
            })?;
        let differences = sbfvm::snapshot::differences(&expected, &snapshot);
        if differences.is_empty() {
            eprintln!("compute units match {}", path.display());
        } else {
            snapshot_changed = true;
            eprintln!("compute units differ from {}:", path.display());
            for line in differences {
                eprintln!("  {line}");
            }
        }
    }
    Ok(if report.expectations_failed() == 0 && !snapshot_changed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

struct ConformanceArgs {
    paths: Vec<PathBuf>,
    json: bool,
    verbose: Option<String>,
    mode: ExecutionMode,
}

fn parse_conformance_args(args: &[String]) -> Result<ConformanceArgs, Error> {
    let mut parsed = ConformanceArgs {
        paths: Vec::new(),
        json: false,
        verbose: None,
        mode: ExecutionMode::Interpreter,
    };
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--json" => parsed.json = true,
            "--verbose" => {
                let name = iter
                    .next()
                    .ok_or_else(|| Error::Usage("--verbose needs a fixture name".into()))?;
                parsed.verbose = Some(name.clone());
            }
            "--mode" => {
                let value = iter.next().ok_or_else(|| {
                    Error::Usage("--mode needs a value (interpreter or jit)".into())
                })?;
                parsed.mode = value.parse().map_err(Error::Usage)?;
            }
            "-h" | "--help" => return Err(Error::Usage(USAGE.to_string())),
            flag if flag.starts_with('-') => {
                return Err(Error::Usage(format!("unknown option `{flag}`\n\n{USAGE}")))
            }
            path => parsed.paths.push(PathBuf::from(path)),
        }
    }
    if parsed.paths.is_empty() && parsed.verbose.is_none() {
        return Err(Error::Usage(format!(
            "`conformance` needs at least one fixture file or directory\n\n{USAGE}"
        )));
    }
    Ok(parsed)
}

fn conformance(args: ConformanceArgs) -> Result<ExitCode, Error> {
    let options = conformance::Options { mode: args.mode };
    if let Some(name) = &args.verbose {
        let path = conformance::find_fixture(&args.paths, name)
            .map_err(conformance_error)?
            .ok_or_else(|| Error::Io {
                path: PathBuf::from(name),
                message: "no such fixture under the given paths".into(),
            })?;
        let (family, verdict, text) = conformance::explain(&path, &options);
        outln!("{} ({})", path.display(), family.name());
        match &verdict {
            conformance::Verdict::Pass => outln!("PASS"),
            conformance::Verdict::Fail(mismatch) => outln!(
                "FAIL at `{}`: expected {}, got {}",
                mismatch.field,
                mismatch.expected,
                mismatch.got
            ),
            conformance::Verdict::Skip(reason) => outln!("SKIP: {reason}"),
        }
        out!("{text}");
        return Ok(if matches!(verdict, conformance::Verdict::Fail(_)) {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        });
    }
    let files = conformance::discover(&args.paths).map_err(conformance_error)?;
    // On a terminal, `[ 1234/25747] vm_interp name.fix` on stderr while it runs.
    let progress = sbfvm::progress::Progress::new(files.len());
    let summary = conformance::run_files_with_progress(
        &files,
        &options,
        &|result: &conformance::FixtureResult| {
            let name = result.path.file_name().unwrap_or_default();
            progress.inc(format_args!(
                "{} {}",
                result.family.name(),
                name.to_string_lossy()
            ));
        },
    );
    progress.finish();
    if args.json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&conformance::json_summary(&summary)).expect("JSON")
        );
    } else {
        out!("{}", conformance::human_summary(&summary, 20));
    }
    Ok(if summary.failed() == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn inspect(args: &[String]) -> Result<ExitCode, Error> {
    let mut json = false;
    let mut path = None;
    for arg in args {
        match arg.as_str() {
            "--json" => json = true,
            flag if flag.starts_with('-') => {
                return Err(Error::Usage(format!("unknown option `{flag}`\n\n{USAGE}")))
            }
            file => {
                if path.replace(PathBuf::from(file)).is_some() {
                    return Err(Error::Usage(format!("`inspect` takes one file\n\n{USAGE}")));
                }
            }
        }
    }
    let path =
        path.ok_or_else(|| Error::Usage(format!("`inspect` needs a program file\n\n{USAGE}")))?;
    let elf = sbfvm::read_input_file(&path, sbfvm::MAX_PROGRAM_FILE_BYTES)?;
    let inspection = sbfvm::inspect::inspect(&elf, &sbfvm::FeatureSet::mainnet()).map_err(
        |error| match error {
            Error::Usage(message) => Error::Io {
                path: path.clone(),
                message,
            },
            other => other,
        },
    )?;
    if json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&sbfvm::inspect::json(&inspection)).expect("JSON")
        );
    } else {
        out!("{}", sbfvm::inspect::human(&inspection));
    }
    Ok(ExitCode::SUCCESS)
}

const BENCH_USAGE: &str = "\
USAGE:
    sbfvm bench [GROUP|SCENARIO] [--json]

GROUP is load, execute, syscall or cpi (default: all); a scenario name such as
cpi/noop_2x165B (or any prefix of one) runs only the matching scenarios. Build with
--release: a debug build times debug code.
";

/// `sbfvm bench [GROUP] [--json]`.
fn bench(args: &[String]) -> Result<ExitCode, Error> {
    let mut json_out = false;
    let mut filter = None;
    for arg in args {
        match arg.as_str() {
            "--json" => json_out = true,
            "-h" | "--help" => return Err(Error::Usage(BENCH_USAGE.to_string())),
            flag if flag.starts_with('-') => {
                return Err(Error::Usage(format!(
                    "unknown option `{flag}`\n\n{BENCH_USAGE}"
                )))
            }
            text => {
                if filter.replace(text.to_string()).is_some() {
                    return Err(Error::Usage(format!(
                        "`bench` takes one group or scenario\n\n{BENCH_USAGE}"
                    )));
                }
            }
        }
    }
    let selected: Vec<sbfvm_benches::Scenario> = sbfvm_benches::scenarios()
        .into_iter()
        .filter(|scenario| filter.as_deref().is_none_or(|f| scenario.matches(f)))
        .collect();
    if selected.is_empty() {
        let names: Vec<String> = sbfvm_benches::scenarios()
            .into_iter()
            .map(|s| s.name)
            .collect();
        return Err(Error::Usage(format!(
            "no benchmark matches `{}`; groups: load, execute, syscall, cpi; scenarios: {}",
            filter.unwrap_or_default(),
            names.join(", ")
        )));
    }
    if cfg!(debug_assertions) {
        eprintln!("warning: this is a debug build; time a release build (cargo run --release)");
    }
    let options = sbfvm_benches::Options::default();
    let mut measurements = Vec::new();
    // On a terminal: a progress line; otherwise silent.
    let progress = sbfvm::progress::Progress::new(selected.len());
    for scenario in &selected {
        progress.start(format!("timing {}", scenario.name));
        measurements.push(sbfvm_benches::measure(scenario, &options));
        progress.inc(&scenario.name);
    }
    progress.finish();
    if json_out {
        println!(
            "{}",
            serde_json::to_string_pretty(&sbfvm_benches::json(&measurements)).expect("JSON")
        );
    } else {
        print!("{}", sbfvm_benches::markdown_table(&measurements));
        print!("{}", sbfvm_benches::breakdown_table(&measurements));
    }
    let mut failed = false;
    for error in measurements.iter().filter_map(|m| m.error.as_ref()) {
        eprintln!("error: {error}");
        failed = true;
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn main_inner() -> Result<ExitCode, Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None => run(RunArgs {
            target: PathBuf::from(DEMO_SCENARIO),
            json: false,
            mode: None,
            data: None,
            snapshot: None,
            check_snapshot: None,
            trace: None,
            trace_program: None,
        }),
        Some("run") => run(parse_run_args(&args[1..])?),
        Some("inspect") => inspect(&args[1..]),
        Some("conformance") => conformance(parse_conformance_args(&args[1..])?),
        Some("bench") => bench(&args[1..]),
        Some("-h" | "--help" | "help") => {
            out!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        Some(other) => Err(Error::Usage(format!(
            "unknown command `{other}`\n\n{USAGE}"
        ))),
    }
}

fn main() -> ExitCode {
    match main_inner() {
        Ok(code) => code,
        Err(Error::Usage(message)) => {
            eprintln!("{}", message.trim_end());
            ExitCode::from(2)
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
    }
}
