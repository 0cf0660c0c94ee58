//! The benchmark scenarios of sbfvm: what loading a program, executing SBF code, a syscall
//! and a CPI cost. `sbfvm bench` times them with a plain loop (Markdown or JSON out); the
//! criterion targets under `benches/` hand the same scenarios to criterion
//! (`cargo bench -p sbfvm-benches [--bench load|execute|syscall|cpi]`).
//!
//! A [`Benchmark`] sets up a [`Workload`], which runs a batch of operations and checks
//! afterwards that they still do what they should; [`measure`] times one and
//! [`markdown_table`] and [`json`] report the [`Measurement`]s.

mod measure;
mod workloads;

pub use measure::*;
pub use workloads::*;
