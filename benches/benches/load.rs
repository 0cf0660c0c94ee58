//! `cargo bench -p sbfvm-benches --bench load`: the `load` scenarios of `sbfvm_benches`.

mod common;

use criterion::{criterion_group, criterion_main, Criterion};

fn load(c: &mut Criterion) {
    common::bench_group(c, sbfvm_benches::Group::Load);
}

criterion_group!(benches, load);
criterion_main!(benches);
