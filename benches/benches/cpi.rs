//! `cargo bench -p sbfvm-benches --bench cpi`: the `cpi` scenarios of `sbfvm_benches`.

mod common;

use criterion::criterion_main;

/// The benchmark group `criterion_main!` runs: the `cpi` scenarios.
fn cpi() {
    common::run_group(sbfvm_benches::Group::Cpi);
}

criterion_main!(cpi);
