//! The `sbfvm` binary end to end: exit codes, error lines, reports, `inspect`, snapshots,
//! traces, `conformance` on a pipe.

#[path = "../common/mod.rs"]
mod common;

mod conformance;
mod errors;
mod observability;
