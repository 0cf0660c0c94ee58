//! `cargo bench -p sbfvm-benches --bench execute`: the `execute` scenarios of `sbfvm_benches`.

mod common;

use criterion::{criterion_group, criterion_main, Criterion};

fn execute(c: &mut Criterion) {
    common::bench_group(c, sbfvm_benches::Group::Execute);
}

criterion_group!(benches, execute);
criterion_main!(benches);
