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
