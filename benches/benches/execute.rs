//! `cargo bench -p sbfvm-benches --bench execute`: the `execute` scenarios of `sbfvm_benches`.

mod common;

use criterion::criterion_main;

/// The benchmark group `criterion_main!` runs: the `execute` scenarios.
fn execute() {
    common::run_group(sbfvm_benches::Group::Execute);
}

criterion_main!(execute);
