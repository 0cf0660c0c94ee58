//! Criterion benchmarks of sbfvm: `cargo bench -p sbfvm-benches [--bench load|execute|syscall|cpi]`.
//!
//! The scenarios, their checks and the timing of one batch are defined once, in
//! `sbfvm::bench`, and shared with `sbfvm bench`; the bench targets under `benches/` only
//! hand them to criterion. This library is intentionally empty.
