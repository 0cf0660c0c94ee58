//! The `sbfvm` library: the facade under each loader, checks, scenarios, custom syscalls,
//! the upgradeable loader's instructions, progress, and robustness.

#[path = "../common/mod.rs"]
mod common;

mod address_space;
mod checks;
mod custom_syscalls;
mod features;
mod introspection;
mod jit_inline;
mod library;
mod loader;
mod precompiles;
mod progress;
mod robustness;
mod scenarios;
