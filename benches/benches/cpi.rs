//! `cargo bench -p sbfvm-benches --bench cpi`: the `cpi` scenarios of `sbfvm_benches`.

mod common;

use criterion::{criterion_group, criterion_main, Criterion};

fn cpi(c: &mut Criterion) {
    common::bench_group(c, sbfvm_benches::Group::Cpi);
}

criterion_group!(benches, cpi);
criterion_main!(benches);
