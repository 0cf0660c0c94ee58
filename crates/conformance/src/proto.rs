//! The fixtures' protobuf messages, package `org.solana.sealevel.v1` as of protosol
//! `0d695a1` (2024-12-03), generated at build time from
//! `crates/conformance/proto/sealevel.proto` by `crates/conformance/build.rs`. Unknown fields
//! are skipped, as prost does by default: some fuzzer-made inputs carry them.

include!(concat!(env!("OUT_DIR"), "/org.solana.sealevel.v1.rs"));
