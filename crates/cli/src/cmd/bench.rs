//! `sbfvm bench [GROUP|SCENARIO]`: times the benchmark scenarios of `sbfvm-benches` and
//! prints a Markdown table (or JSON); a scenario whose check after timing fails fails the
//! command. `sbfvm bench FILE.toml [--compare-to BASELINE.json]` times every instruction of
//! a scenario file instead (`sbfvm_benches::bench_scenario`).

use sbfvm::progress::Progress;
use sbfvm_benches::{
    benchmarks, breakdown_table, json, markdown_table, measure, transaction_breakdown_table,
    Benchmark,
};

use crate::error::CliError;
use crate::output::{print, print_json};
use crate::Status;

/// GROUP is load, execute, syscall or cpi (default: all); a scenario name such as
/// cpi/noop_2x165B (or any prefix of one) runs only the matching scenarios.
///
/// A scenario file (FILE.toml or .json) times each of its instructions from the state the
/// scenario leaves before it, that state restored before every run: compute units, time
/// per run (median of the samples), ns per CU and, per syscall, calls and CU. With
/// --compare-to (a previous --json report of the same file) it also compares: exit status
/// 1 when an instruction consumes more compute units than in the baseline; a time counts as
/// changed only outside both runs' sample ranges. Build with --release: a debug build times
/// debug code.
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub(crate) struct Args {
    /// A group (load, execute, syscall, cpi) or a scenario name or prefix
    #[arg(value_name = "GROUP|SCENARIO")]
    filter: Option<String>,
    /// Print the measurements as JSON
    #[arg(long)]
    json: bool,
    /// With a scenario file: a previous `--json` report of it to compare with
    #[arg(long, value_name = "BASELINE.json")]
    compare_to: Option<std::path::PathBuf>,
    /// With a scenario file: the execution mode (default: the scenario's, else jit)
    #[arg(long, value_name = "MODE", value_parser = super::parse_mode)]
    mode: Option<sbfvm::ExecutionMode>,
    /// With a scenario file: time profiled runs (`sbfvm run --profile` without loading
    /// and writing files), each building its profile
    #[arg(long)]
    profile: bool,
}

pub(crate) fn execute(args: Args) -> Result<Status, CliError> {
    if let Some(file) = args.filter.as_deref().filter(|filter| is_scenario_file(filter)) {
        return bench_scenario_file(std::path::Path::new(file), &args);
    }
    if args.compare_to.is_some() || args.mode.is_some() || args.profile {
        return Err(CliError::Usage(
            "--compare-to, --mode and --profile apply to a scenario file (sbfvm bench FILE.toml)"
                .into(),
        ));
    }
    let selected = select(args.filter.as_deref())?;
    if cfg!(debug_assertions) {
        eprintln!("warning: this is a debug build; time a release build (cargo run --release)");
    }
    let timing = sbfvm_benches::TimingOptions::default();
    let mut measurements = Vec::with_capacity(selected.len());
    // On a terminal: a progress line; otherwise silent.
    let progress = Progress::new(selected.len());
    for benchmark in &selected {
        progress.start(format_args!("timing {}", benchmark.name));
        measurements.push(measure(benchmark, &timing));
        progress.inc(&benchmark.name);
    }
    progress.finish();
    if args.json {
        print_json(&json(&measurements));
    } else {
        print(markdown_table(&measurements));
        print(breakdown_table(&measurements));
        print(transaction_breakdown_table(&measurements));
    }
    let mut failed = false;
    for error in measurements.iter().filter_map(|m| m.error.as_ref()) {
        eprintln!("error: {error}");
        failed = true;
    }
    Ok(Status::from_ok(!failed))
}

/// A scenario file's path rather than a benchmark name: `.toml` or `.json`.
fn is_scenario_file(filter: &str) -> bool {
    filter.ends_with(".toml") || filter.ends_with(".json")
}

fn bench_scenario_file(file: &std::path::Path, args: &Args) -> Result<Status, CliError> {
    if cfg!(debug_assertions) {
        eprintln!("warning: this is a debug build; time a release build (cargo run --release)");
    }
    let error = |message: String| CliError::Usage(format!("error: {message}"));
    let baseline = match &args.compare_to {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| error(format!("{}: {e}", path.display())))?;
            let report: sbfvm_benches::ScenarioBench = serde_json::from_str(&text).map_err(|e| {
                error(format!(
                    "{}: not a `sbfvm bench FILE --json` report: {e}",
                    path.display()
                ))
            })?;
            Some(report)
        }
        None => None,
    };
    let timing = sbfvm_benches::TimingOptions::default();
    // The library's message names the file.
    let options = sbfvm_benches::ScenarioOptions {
        mode: args.mode,
        profile: args.profile,
    };
    let bench = sbfvm_benches::bench_scenario_with(file, &timing, &options).map_err(error)?;
    let comparisons = match &baseline {
        Some(baseline) => Some(sbfvm_benches::compare(baseline, &bench).map_err(error)?),
        None => None,
    };
    let more_units = comparisons
        .iter()
        .flatten()
        .filter(|comparison| comparison.more_compute_units())
        .count();
    if args.json {
        print_json(&bench);
    } else {
        print(sbfvm_benches::scenario_markdown(&bench));
        if let Some(comparisons) = &comparisons {
            print(format!(
                "\ncompared with {}:\n\n{}",
                args.compare_to.as_ref().expect("a baseline").display(),
                sbfvm_benches::comparison_markdown(comparisons)
            ));
        }
    }
    if more_units > 0 {
        eprintln!("error: {more_units} instruction(s) consume more compute units than the baseline");
    }
    Ok(Status::from_ok(more_units == 0))
}

/// The benchmarks `filter` selects (all without one).
fn select(filter: Option<&str>) -> Result<Vec<Benchmark>, CliError> {
    let selected: Vec<Benchmark> = benchmarks()
        .into_iter()
        .filter(|benchmark| filter.is_none_or(|filter| benchmark.matches(filter)))
        .collect();
    if selected.is_empty() {
        let names: Vec<String> = benchmarks().into_iter().map(|b| b.name).collect();
        return Err(CliError::Usage(format!(
            "no benchmark matches `{}`; groups: load, execute, syscall, cpi; scenarios: {}",
            filter.unwrap_or_default(),
            names.join(", ")
        )));
    }
    Ok(selected)
}
