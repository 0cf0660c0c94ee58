//! `cargo bench -p sbfvm-benches --bench load`: the `load` scenarios of `sbfvm_benches`.

mod common;

use criterion::criterion_main;

/// The benchmark group `criterion_main!` runs: the `load` scenarios.
fn load() {
    common::run_group(sbfvm_benches::Group::Load);
}

criterion_main!(load);
