//! `cargo bench -p sbfvm-benches --bench syscall`: the `syscall` scenarios of `sbfvm_benches`.

mod common;

use criterion::criterion_main;

/// The benchmark group `criterion_main!` runs: the `syscall` scenarios.
fn syscall() {
    common::run_group(sbfvm_benches::Group::Syscall);
}

criterion_main!(syscall);
