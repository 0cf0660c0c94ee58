//! `cargo bench -p sbfvm-benches --bench syscall`: the `syscall` scenarios of `sbfvm_benches`.

mod common;

use criterion::{criterion_group, criterion_main, Criterion};

fn syscall(c: &mut Criterion) {
    common::bench_group(c, sbfvm_benches::Group::Syscall);
}

criterion_group!(benches, syscall);
criterion_main!(benches);
