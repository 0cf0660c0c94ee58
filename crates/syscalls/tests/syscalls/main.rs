//! The syscalls called directly against hand-built guest memory (`sbfvm_test_support`) and
//! checked against Agave 4.4 (`solana-syscalls 4.4.0`: `src/lib.rs`, `src/logging.rs`,
//! `src/mem_ops.rs`, `src/sysvar.rs`; CPI against `solana-program-runtime 4.4.0`:
//! `src/cpi.rs`, `src/invoke_context.rs`): return values, compute units, log lines, error
//! variants and texts, and the order in which pointers are checked. Also the syscall table
//! against Agave's registration.

mod alt_bn128;
mod big_mod_exp;
mod bls12_381;
mod bls12_381_vectors;
mod common;
mod cpi;
mod curve;
mod hashing;
mod introspection;
mod logging;
mod mem_ops;
mod pda;
mod poseidon;
mod secp256k1;
mod sysvar;
mod table;
