//! The `sbfvm` binary end to end: exit codes, error lines, reports, `inspect`, snapshots,
//! traces, `conformance` on a pipe; and the workspace's architecture (crate layers, no
//! module cycles).

#[path = "../common/mod.rs"]
mod common;

mod architecture;
mod bench;
mod conformance;
mod coverage;
mod debugging;
mod diff;
mod errors;
mod observability;
mod profiling;
