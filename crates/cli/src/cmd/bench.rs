//! `sbfvm bench [GROUP|SCENARIO]`: times the benchmark scenarios of `sbfvm-benches` and
//! prints a Markdown table (or JSON); a scenario whose check after timing fails fails the
//! command.

use sbfvm::progress::Progress;
use sbfvm_benches::{benchmarks, breakdown_table, json, markdown_table, measure, Benchmark};

use crate::error::CliError;
use crate::output::{print, print_json};
use crate::Status;

/// GROUP is load, execute, syscall or cpi (default: all); a scenario name such as
/// cpi/noop_2x165B (or any prefix of one) runs only the matching scenarios. Build with
/// --release: a debug build times debug code.
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub(crate) struct Args {
    /// A group (load, execute, syscall, cpi) or a scenario name or prefix
    #[arg(value_name = "GROUP|SCENARIO")]
    filter: Option<String>,
    /// Print the measurements as JSON
    #[arg(long)]
    json: bool,
}

pub(crate) fn execute(args: Args) -> Result<Status, CliError> {
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
    }
    let mut failed = false;
    for error in measurements.iter().filter_map(|m| m.error.as_ref()) {
        eprintln!("error: {error}");
        failed = true;
    }
    Ok(Status::from_ok(!failed))
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
