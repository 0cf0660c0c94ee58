//! Helpers shared by the library's tests: fixture files, keys, accounts and VMs.

#![allow(dead_code)] // each test module uses some of them

use std::path::PathBuf;

use sbfvm::runtime::AccountStore;
use sbfvm::{Account, Config, ExecutionMode, Loader, Pubkey, ReadableAccount, Sbfvm};

/// Both execution modes, for tests that must hold in each.
pub(crate) const MODES: [ExecutionMode; 2] = [ExecutionMode::Interpreter, ExecutionMode::Jit];

/// The System program's id.
pub(crate) const SYSTEM: Pubkey = Pubkey::new_from_array([0; 32]);

/// The `fixtures/` directory of the repository.
pub(crate) fn fixtures_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures"))
}

/// The bytes of `fixtures/<name>`.
pub(crate) fn elf(name: &str) -> Vec<u8> {
    let path = fixtures_dir().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A key of 32 `seed` bytes.
pub(crate) const fn key(seed: u8) -> Pubkey {
    Pubkey::new_from_array([seed; 32])
}

/// Rent-exempt minimum under the default Rent: (128 + len) × 6,960.
pub(crate) fn rent_exempt(len: usize) -> u64 {
    (128 + len as u64) * 6_960
}

/// A non-executable account.
pub(crate) fn account(lamports: u64, owner: Pubkey, data: &[u8]) -> Account {
    Account {
        lamports,
        data: data.to_vec(),
        owner,
        executable: false,
        rent_epoch: u64::MAX,
    }
}

/// All lamports in the store.
pub(crate) fn total_lamports(store: &AccountStore) -> u128 {
    store.iter().map(|(_, a)| u128::from(a.lamports())).sum()
}

/// A VM with the default configuration in `mode`.
pub(crate) fn vm(mode: ExecutionMode) -> Sbfvm {
    Sbfvm::new(Config {
        mode,
        ..Config::default()
    })
    .expect("Sbfvm::new")
}

/// A VM in `mode` with `fixtures/<name>` deployed under `program` (upgradeable loader).
pub(crate) fn vm_with(mode: ExecutionMode, program: Pubkey, name: &str) -> Sbfvm {
    let mut vm = vm(mode);
    deploy(&mut vm, program, name);
    vm
}

/// Deploys `fixtures/<name>` under `program` with the upgradeable loader.
pub(crate) fn deploy(vm: &mut Sbfvm, program: Pubkey, name: &str) {
    deploy_with(vm, program, Loader::Upgradeable, name);
}

/// Deploys `fixtures/<name>` under `program` with `loader`.
pub(crate) fn deploy_with(vm: &mut Sbfvm, program: Pubkey, loader: Loader, name: &str) {
    vm.add_program(program, loader, &elf(name))
        .unwrap_or_else(|error| panic!("load {name}: {error}"));
}

/// Runs `elf` as a one-program scenario (instruction data `data`): a plain run succeeds,
/// and a profiled run and a coverage run each fail with an error that names the program
/// and contains `needle`. `label` names the case in assertion messages.
pub(crate) fn assert_profile_and_coverage_refuse(
    elf: &[u8],
    data: &[u8],
    needle: &str,
    label: &str,
) {
    use sbfvm::runner::{self, RunOptions};
    use sbfvm::scenario::Scenario;

    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "sbfvm-refused-{}-{}",
        std::process::id(),
        RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let program = dir.join("broken.so");
    std::fs::write(&program, elf).unwrap();
    let scenario = Scenario::single_program(&program, data);
    let plain = runner::run(&scenario, None);
    let profile = RunOptions {
        profile: true,
        ..RunOptions::default()
    };
    let coverage = RunOptions {
        coverage: true,
        ..RunOptions::default()
    };
    let refused = [
        (profile, "cannot profile: program "),
        (coverage, "cannot compute coverage: program "),
    ]
    .map(|(options, prefix)| {
        let error = runner::run_with(&scenario, &options).map(|_| ());
        (prefix, error.map_err(|error| error.to_string()))
    });
    let _ = std::fs::remove_dir_all(&dir);
    assert!(plain.unwrap().instructions[0].outcome.is_ok(), "{label}");
    for (prefix, error) in refused {
        let error = error.unwrap_err();
        assert!(error.starts_with(prefix), "{label}: {error}");
        assert!(error.contains(needle), "{label}: {error}");
    }
}

/// Every frame of an invoke tree, depth first (so in trace order), each with its caller's
/// trace index (`None` at the top level).
pub(crate) fn invoke_tree_frames(
    invocations: &[sbfvm::Invocation],
) -> Vec<(&sbfvm::Invocation, Option<usize>)> {
    fn walk<'a>(
        invocations: &'a [sbfvm::Invocation],
        caller: Option<usize>,
        out: &mut Vec<(&'a sbfvm::Invocation, Option<usize>)>,
    ) {
        for invocation in invocations {
            out.push((invocation, caller));
            walk(&invocation.invocations, Some(invocation.trace_index), out);
        }
    }
    let mut out = Vec::new();
    walk(invocations, None, &mut out);
    out
}
