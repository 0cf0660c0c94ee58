//! The `sbfvm` binary end to end: exit codes, error lines, reports, `inspect`, snapshots,
//! traces, `conformance` on a pipe.

mod conformance;
mod errors;
mod observability;
