//! The benchmark scenarios of sbfvm: what loading a program, executing SBF code, a syscall
//! and a CPI cost. `sbfvm bench` times them with a plain loop (Markdown or JSON out); the
//! criterion targets under `benches/` hand the same scenarios to criterion
//! (`cargo bench -p sbfvm-benches [--bench load|execute|syscall|cpi]`).

mod workloads;

pub use workloads::*;
