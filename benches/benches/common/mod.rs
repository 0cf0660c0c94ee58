//! Hands the scenarios of `sbfvm_benches` to criterion: one benchmark per scenario, timed
//! with `iter_custom` so that the baseline instruction's time is subtracted exactly as
//! `sbfvm bench` does, and checked after timing.

use criterion::{BenchmarkId, Criterion, Throughput};

/// The allocator of the `sbfvm` binary, so that criterion measures what `sbfvm bench` does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use sbfvm_benches::{group_benchmarks, Group};

/// The body `criterion_group!` generates, written out because the macro's `pub fn` cannot
/// carry a doc comment (workspace lint `missing_docs`): a criterion configured from the
/// command line, with the scenarios of `group` registered on it.
pub(crate) fn run_group(group: Group) {
    let mut criterion: Criterion = Criterion::default().configure_from_args();
    bench_group(&mut criterion, group);
}

/// Registers every scenario of `group` as `group/scenario`; one criterion iteration is one
/// operation (a load, an SBF instruction, a syscall call, a CPI).
fn bench_group(c: &mut Criterion, group: Group) {
    let mut criterion_group = c.benchmark_group(group.name());
    criterion_group.throughput(Throughput::Elements(1));
    for scenario in group_benchmarks(group) {
        let mut workload = scenario.setup().unwrap_or_else(|error| panic!("{error}"));
        let id = scenario
            .name
            .strip_prefix(&format!("{}/", group.name()))
            .unwrap_or(&scenario.name)
            .to_string();
        criterion_group.bench_function(BenchmarkId::from_parameter(id), |bencher| {
            bencher.iter_custom(|iters| workload.run(iters).duration_for(iters));
        });
        if let Err(error) = workload.check() {
            panic!("{}: check after timing failed: {error}", scenario.name);
        }
    }
    criterion_group.finish();
}
