//! The benchmark scenarios of sbfvm: what loading a program, executing SBF code, a syscall
//! and a CPI cost. `sbfvm bench` times them with a plain loop (Markdown or JSON out); the
//! criterion targets under `benches/` hand the same scenarios to criterion
//! (`cargo bench -p sbfvm-benches [--bench load|execute|syscall|cpi]`).
//!
//! A [`Benchmark`] sets up a [`Workload`], which runs a batch of operations and checks
//! afterwards that they still do what they should; [`measure`] times one and
//! [`markdown_table`] and [`json`] report the [`Measurement`]s.
//!
//! ```
//! // One scenario, set up, run for a few operations and checked, as `sbfvm bench` does
//! // between its timed batches.
//! let benchmark = sbfvm_benches::benchmarks()
//!     .into_iter()
//!     .find(|benchmark| benchmark.name == "syscall/stack_height")
//!     .unwrap();
//! let mut workload = benchmark.setup().unwrap();
//! assert!(workload.run(10).ops >= 10);
//! assert!(workload.check().is_ok());
//! ```

mod measure;
mod scenario;
mod state;
mod workloads;

pub use measure::*;
pub use scenario::*;
pub use workloads::*;
